"""The SQLite conversation store: migrations, damaged files, bad rows, the message tree, trash,
search and import."""

from __future__ import annotations

import dataclasses
import json
import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core.conversation import (
    FinishReason,
    GenerationInfo,
    MessageSource,
    Role,
    StoredMessage,
)
from desktop.store import conversation_schema
from desktop.store.codecs import decode_generation, decode_sources, encode_generation
from desktop.store.conversations import (
    DB_FILE_NAME,
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    ConversationStore,
    ImportedConversation,
    ImportedMessage,
    ProblemKind,
    StoreError,
)
from desktop.store.sqlite import FULL_CHECK_INTERVAL, run_script

START = 1_800_000_000.0


class Clock:
    """Advances one second per reading, so every write has its own time."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / DB_FILE_NAME


@pytest.fixture
def store(db_path: Path) -> Iterator[ConversationStore]:
    s = ConversationStore.open(db_path, clock=Clock())
    yield s
    s.close()


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def schema(path: Path) -> list[tuple[str, str, str | None]]:
    conn = raw(path)
    try:
        return sorted(
            conn.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
            ).fetchall()
        )
    finally:
        conn.close()


def chat(store: ConversationStore, turns: int, title: str = "") -> tuple[int, list[int]]:
    """A conversation of alternating user/assistant turns; returns its id and message ids."""
    conversation = store.create_conversation(title)
    ids: list[int] = []
    parent = None
    for i in range(turns):
        role = Role.USER if i % 2 == 0 else Role.ASSISTANT
        reason = FinishReason.STOP if role is Role.ASSISTANT else None
        message = store.add_message(
            conversation.id, parent, role, f"message {i}", finish_reason=reason
        )
        ids.append(message.id)
        parent = message.id
    return conversation.id, ids


# --- opening and pragmas -----------------------------------------------------------------


def test_new_database_has_the_settings_we_rely_on(store: ConversationStore) -> None:
    conn = store.connection
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA user_version").fetchone()[0] == conversation_schema.latest_version()
    assert store.problem is None and store.backup_path is None
    assert store.has_trigram == (sqlite3.sqlite_version_info >= (3, 34))


def test_reopening_keeps_everything_and_reports_nothing(db_path: Path) -> None:
    with ConversationStore.open(db_path, clock=Clock()) as store:
        conversation_id, ids = chat(store, 4, "kept")
    with ConversationStore.open(db_path, clock=Clock()) as store:
        assert store.problem is None and store.backup_path is None
        assert [m.id for m in store.current_path(conversation_id)] == ids
    assert not [p for p in db_path.parent.iterdir() if ".bak-" in p.name or ".damaged" in p.name]


# --- migrations --------------------------------------------------------------------------


def _seed_v1(conn: sqlite3.Connection) -> None:
    conn.execute(
        "INSERT INTO conversations (id, title, title_is_auto, created_at, updated_at, settings)"
        " VALUES (1, 'old chat', 0, 1.0, 2.0, '{\"temperature\": 0.5}')"
    )
    conn.execute(
        "INSERT INTO messages (id, conversation_id, parent_id, role, content, created_at)"
        " VALUES (1, 1, NULL, 'user', 'hello from v1', 1.0)"
    )
    conn.execute(
        "INSERT INTO messages (id, conversation_id, parent_id, role, content, created_at,"
        " finished_at, finish_reason, generation)"
        " VALUES (2, 1, 1, 'assistant', 'answer', 1.5, 2.0, 'stop', '{\"seed\": 7}')"
    )
    conn.execute("UPDATE conversations SET current_leaf_id = 2 WHERE id = 1")


def _check_v1(store: ConversationStore) -> None:
    [conversation] = store.list_conversations()
    assert (conversation.title, conversation.title_is_auto) == ("old chat", False)
    assert store.conversation_settings(conversation.id) == {"temperature": 0.5}
    path = store.current_path(conversation.id)
    assert [m.content for m in path] == ["hello from v1", "answer"]
    assert path[1].generation == GenerationInfo(seed=7)
    assert (path[1].thinking, path[1].thinking_seconds, path[1].sources) == ("", None, ())
    assert [h.message_id for h in store.search("hello")] == [1]


# Data written at version N (a key here) and what must still be true after upgrading. Adding
# migration N + 1 means adding a seed for version N, so every upgrade path is tested with data.
SEEDS: dict[int, tuple[Callable[[sqlite3.Connection], None], Callable[[ConversationStore], None]]]
SEEDS = {1: (_seed_v1, _check_v1)}


def build_at(path: Path, version: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = raw(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conversation_schema.migrate(conn, version)
    if version == 0:
        # A version-0 file with something in it: only possible by hand, but it must be
        # backed up like any other before we write to it.
        conn.execute("CREATE TABLE notes (text TEXT)")
        conn.execute("INSERT INTO notes VALUES ('mine')")
    else:
        conn.execute("BEGIN")
        SEEDS[version][0](conn)
        conn.execute("COMMIT")
    conn.close()


@pytest.mark.parametrize("version", range(conversation_schema.latest_version()))
def test_upgrade_from_every_earlier_version(tmp_path: Path, version: int) -> None:
    assert version == 0 or version in SEEDS, f"add a seed for schema version {version}"
    fresh = tmp_path / "fresh.db"
    ConversationStore.open(fresh).close()
    path = tmp_path / DB_FILE_NAME
    build_at(path, version)
    with ConversationStore.open(path, clock=Clock()) as store:
        assert store.problem is None
        assert store.backup_path is not None
        assert store.backup_path.name.startswith(f"{DB_FILE_NAME}.bak-v{version}-")
        if version:
            SEEDS[version][1](store)
    backup = raw(store.backup_path)
    assert backup.execute("PRAGMA user_version").fetchone()[0] == version
    assert backup.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    backup.close()
    upgraded = [row for row in schema(path) if row[1] != "notes"]
    assert upgraded == schema(fresh)


def test_an_empty_file_is_set_up_without_a_backup(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.touch()
    with ConversationStore.open(db_path) as store:
        assert store.problem is None and store.backup_path is None
        assert store.list_conversations() == []


def _add_tags(conn: sqlite3.Connection) -> None:
    run_script(
        conn,
        """
        CREATE TABLE tags (conversation_id INTEGER REFERENCES conversations(id), tag TEXT);
        INSERT INTO tags SELECT id, 'old' FROM conversations;
        """,
    )


def test_an_appended_migration_runs_after_a_backup_that_holds_the_wal(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = ConversationStore.open(db_path, clock=Clock())
    conversation_id, _ = chat(first, 2, "before the upgrade")
    # first stays open: its writes are still in the -wal file, not yet in the main file.
    assert Path(f"{db_path}-wal").stat().st_size > 0
    shipped = conversation_schema.latest_version()
    monkeypatch.setattr(
        conversation_schema, "MIGRATIONS", [*conversation_schema.MIGRATIONS, _add_tags]
    )
    with ConversationStore.open(db_path, clock=Clock()) as store:
        assert store.problem is None
        assert store.connection.execute("PRAGMA user_version").fetchone()[0] == shipped + 1
        assert store.connection.execute("SELECT * FROM tags").fetchall() == [
            (conversation_id, "old")
        ]
        assert store.backup_path is not None and f".bak-v{shipped}-" in store.backup_path.name
    first.close()
    backup = raw(store.backup_path)
    assert backup.execute("PRAGMA user_version").fetchone()[0] == shipped
    assert backup.execute("SELECT title FROM conversations").fetchall() == [("before the upgrade",)]
    backup.close()


def test_a_failing_migration_changes_nothing_and_the_file_is_kept(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ConversationStore.open(db_path, clock=Clock()) as store:
        chat(store, 2, "precious")

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x)")
        conn.execute("ALTER TABLE conversations ADD COLUMN colour TEXT")
        if conn.execute("SELECT count(*) FROM conversations").fetchone()[0]:
            raise RuntimeError(
                "bug in the new migration"
            )  # trips on old data only, as real ones do

    shipped = conversation_schema.latest_version()
    monkeypatch.setattr(
        conversation_schema, "MIGRATIONS", [*conversation_schema.MIGRATIONS, broken]
    )
    with ConversationStore.open(db_path, clock=Clock()) as store:
        assert store.problem is not None
        assert store.problem.kind is ProblemKind.MIGRATION_FAILED
        assert "bug in the new migration" in store.problem.detail
        assert store.list_conversations() == []
        moved = store.problem.moved_to
        assert ".upgrade-failed-" in moved.name
    kept = raw(moved)
    assert kept.execute("PRAGMA user_version").fetchone()[0] == shipped
    assert kept.execute("SELECT title FROM conversations").fetchall() == [("precious",)]
    names = {row[0] for row in kept.execute("SELECT name FROM sqlite_master")}
    assert "half_done" not in names
    kept.close()
    assert any(f".bak-v{shipped}-" in p.name for p in db_path.parent.iterdir())


# --- damaged files -----------------------------------------------------------------------


def _random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(1).randbytes(8192))


def _text_file(path: Path) -> None:
    path.write_text("my shopping list\n", encoding="utf-8")


def _tiny(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00\x10\x00")


def _real_db(path: Path, messages: int = 400) -> None:
    with ConversationStore.open(path, clock=Clock()) as store:
        conversation = store.create_conversation("x")
        parent = None
        for i in range(messages):
            parent = store.add_message(
                conversation.id, parent, Role.USER, f"text {i} " * 30, make_current=False
            ).id


def _truncated_half(path: Path) -> None:
    _real_db(path)
    size = path.stat().st_size
    with path.open("r+b") as f:
        f.truncate(size // 2)


def _truncated_mid_page(path: Path) -> None:
    _real_db(path)
    size = path.stat().st_size
    with path.open("r+b") as f:
        f.truncate(size - 4096 - 1000)


def _overwritten_pages(path: Path) -> None:
    _real_db(path)
    with path.open("r+b") as f:
        f.seek(4096 * 3)
        f.write(random.Random(2).randbytes(4096 * 4))


@pytest.mark.parametrize(
    "damage",
    [_random_bytes, _text_file, _tiny, _truncated_half, _truncated_mid_page, _overwritten_pages],
)
def test_a_damaged_file_is_moved_aside_and_the_store_starts_fresh(
    db_path: Path, damage: Callable[[Path], None]
) -> None:
    db_path.parent.mkdir(parents=True)
    damage(db_path)
    before = db_path.read_bytes()
    clock = Clock(time.mktime((2026, 11, 29, 10, 15, 0, 0, 0, -1)) - 1)
    with ConversationStore.open(db_path, clock=clock) as store:
        assert store.problem is not None, "damage went unnoticed"
        assert store.problem.kind is ProblemKind.DAMAGED
        assert store.problem.moved_to.name == f"{DB_FILE_NAME}.damaged-20261129-101500"
        assert store.problem.moved_to.read_bytes() == before  # never deleted, never changed
        assert store.list_conversations() == []
        store.create_conversation("a new start")
    with ConversationStore.open(db_path) as again:
        assert again.problem is None
        assert [c.title for c in again.list_conversations()] == ["a new start"]


def _index_disagrees_with_its_table(path: Path) -> None:
    """Damage only the full integrity_check finds: quick_check does not compare an index
    with its table."""
    conn = raw(path)
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute(
        "UPDATE sqlite_master SET sql = 'CREATE INDEX conversations_by_list_order"
        " ON conversations(deleted_at, pinned, title)' WHERE name = 'conversations_by_list_order'"
    )
    conn.close()
    check = raw(path)
    assert check.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    assert check.execute("PRAGMA integrity_check").fetchone()[0] != "ok"
    check.close()


@pytest.mark.parametrize("why", ["recent", "week", "unclean", "resized", "no-record"])
def test_the_full_integrity_check_runs_when_damage_is_likelier(db_path: Path, why: str) -> None:
    """Every open runs quick_check; the full check (which finds an index that disagrees with
    its table) runs after an unclean exit, a size change, a week, or with no record."""
    clock = Clock()
    with ConversationStore.open(db_path, clock=clock) as store:
        chat(store, 3, "kept")
    record = db_path.with_name(db_path.name + ".checked")
    assert json.loads(record.read_text())["size"] == db_path.stat().st_size
    _index_disagrees_with_its_table(db_path)
    if why == "week":
        clock.now += FULL_CHECK_INTERVAL
    elif why == "unclean":
        Path(f"{db_path}-wal").write_bytes(bytes(64))  # left by a crash (not a valid WAL)
    elif why == "resized":
        with db_path.open("ab") as f:
            f.write(bytes(4096))
    elif why == "no-record":
        record.unlink()
    with ConversationStore.open(db_path, clock=clock) as store:
        if why == "recent":
            assert store.problem is None  # the cost of skipping it: found within the week
        else:
            assert store.problem is not None, "damage went unnoticed"
            assert store.problem.kind is ProblemKind.DAMAGED
            assert "missing from index" in store.problem.detail
    assert json.loads(record.read_text())["size"] == db_path.stat().st_size


def test_a_full_check_is_remembered_a_week(db_path: Path) -> None:
    clock = Clock()
    with ConversationStore.open(db_path, clock=clock) as store:
        first = store.full_check_at
        assert first is not None
    clock.now += FULL_CHECK_INTERVAL - 10
    with ConversationStore.open(db_path, clock=clock) as store:
        assert store.full_check_at == first  # quick_check only
    clock.now += 10
    with ConversationStore.open(db_path, clock=clock) as store:
        assert store.full_check_at is not None and store.full_check_at > first


def test_a_file_from_a_newer_version_is_kept_aside_untouched(db_path: Path) -> None:
    with ConversationStore.open(db_path) as store:
        chat(store, 2, "from the future")
    conn = raw(db_path)
    conn.execute(f"PRAGMA user_version = {conversation_schema.latest_version() + 1}")
    conn.close()
    before = db_path.read_bytes()
    with ConversationStore.open(db_path, clock=Clock()) as store:
        assert store.problem is not None and store.problem.kind is ProblemKind.NEWER
        assert ".newer-" in store.problem.moved_to.name
        assert store.problem.moved_to.read_bytes() == before
        assert store.list_conversations() == []


def test_a_damaged_files_wal_moves_with_it(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    _random_bytes(db_path)
    Path(f"{db_path}-wal").write_bytes(b"old wal")
    with ConversationStore.open(db_path, clock=Clock()) as store:
        assert store.problem is not None
        assert Path(f"{store.problem.moved_to}-wal").read_bytes() == b"old wal"


def test_moving_aside_twice_in_one_second_keeps_both(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    moved = []
    for _ in range(2):
        _random_bytes(db_path)
        with ConversationStore.open(db_path, clock=lambda: START) as store:
            assert store.problem is not None
            moved.append(store.problem.moved_to)
        db_path.unlink()
        for suffix in ("-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    assert moved[0] != moved[1] and all(p.exists() for p in moved)


# --- bad rows ----------------------------------------------------------------------------


def test_one_bad_row_never_hides_the_others(store: ConversationStore) -> None:
    good_id, good_ids = chat(store, 2, "good")
    bad = store.create_conversation("bad")
    user = store.add_message(bad.id, None, Role.USER, "question")
    reply = store.add_message(bad.id, user.id, Role.ASSISTANT, "reply", finish_reason="stop")
    wizard = store.add_message(bad.id, reply.id, Role.USER, "spell")
    odd = store.add_message(bad.id, wizard.id, Role.ASSISTANT, "odd", finish_reason="stop")
    conn = store.connection
    conn.execute("UPDATE messages SET generation = '{not json' WHERE id = ?", (reply.id,))
    conn.execute("UPDATE messages SET role = 'wizard' WHERE id = ?", (wizard.id,))
    conn.execute(
        "UPDATE messages SET finish_reason = 'exploded', generation = ?, created_at = 'soon'"
        " WHERE id = ?",
        (json.dumps({"seed": "x", "top_k": 5, "temperature": 0.3, "future": 1}), odd.id),
    )
    conn.execute("UPDATE conversations SET settings = '[1, 2' WHERE id = ?", (bad.id,))
    conn.execute("UPDATE conversations SET title = X'C3A9FF' WHERE id = ?", (good_id,))

    listed = {c.id: c for c in store.list_conversations()}
    assert set(listed) == {good_id, bad.id}
    assert listed[good_id].title == "é\ufffd"  # a blob where text belongs
    assert store.conversation_settings(bad.id) == {}
    path = store.path_to(odd.id)
    assert [m.id for m in path] == [user.id, reply.id, odd.id]  # the unknown role is skipped
    assert path[1].generation is None
    assert path[2].generation == GenerationInfo(top_k=5, temperature=0.3)
    assert path[2].finish_reason is FinishReason.ERROR
    assert path[2].created_at == 0.0
    assert [m.id for m in store.current_path(good_id)] == good_ids
    assert {h.message_id for h in store.search("question")} == {user.id}


# --- messages and the tree ---------------------------------------------------------------


def test_a_reply_saved_while_it_streams(store: ConversationStore) -> None:
    conversation = store.create_conversation()
    user = store.add_message(conversation.id, None, Role.USER, "Hi")
    reply = store.add_message(conversation.id, user.id, Role.ASSISTANT, "")
    assert reply.finish_reason is None
    for text in ("He", "Hello", "Hello there"):
        assert store.update_message(reply.id, content=text)
    info = GenerationInfo(
        model_file="m.gguf",
        model_sha256="ab" * 32,
        quantization="Q4_K_M",
        template_origin="gguf",
        temperature=0.7,
        top_k=40,
        seed=1234,
        prompt_tokens=12,
        generated_tokens=3,
        tokens_per_second=41.5,
    )
    assert store.update_message(
        reply.id, finish_reason=FinishReason.STOP, generation=info, finished_at=START + 99
    )
    saved = store.get_message(reply.id)
    assert saved == dataclasses.replace(
        reply,
        content="Hello there",
        finish_reason=FinishReason.STOP,
        generation=info,
        finished_at=START + 99,
    )
    assert store.get_conversation(conversation.id).current_leaf_id == reply.id  # type: ignore[union-attr]
    assert not store.update_message(999_999, content="gone")


def test_replies_cut_off_by_a_crash_are_marked_interrupted(db_path: Path) -> None:
    with ConversationStore.open(db_path, clock=Clock()) as store:
        conversation = store.create_conversation()
        user = store.add_message(conversation.id, None, Role.USER, "Hi")
        reply = store.add_message(conversation.id, user.id, Role.ASSISTANT, "")
        store.update_message(reply.id, content="half a sen")
        saved_at = store.get_conversation(conversation.id).updated_at  # type: ignore[union-attr]
    with ConversationStore.open(db_path, clock=Clock()) as store:
        assert store.interrupted_ids == (reply.id,)
        message = store.get_message(reply.id)
        assert message is not None
        assert message.finish_reason is FinishReason.INTERRUPTED
        assert message.content == "half a sen"
        assert message.finished_at == saved_at
        assert store.get_message(user.id).finish_reason is None  # type: ignore[union-attr]
        assert [h.message_id for h in store.search("half")] == [reply.id]
    with ConversationStore.open(db_path) as store:
        assert store.interrupted_ids == ()


def test_edits_and_regenerations_are_siblings(store: ConversationStore) -> None:
    c = store.create_conversation().id
    q1 = store.add_message(c, None, Role.USER, "q1")
    a1 = store.add_message(c, q1.id, Role.ASSISTANT, "a1", finish_reason="stop")
    q2 = store.add_message(c, a1.id, Role.USER, "q2")
    a2 = store.add_message(c, q2.id, Role.ASSISTANT, "a2", finish_reason="stop")
    a2b = store.add_message(c, q2.id, Role.ASSISTANT, "a2 again", finish_reason="stop")
    q2b = store.add_message(c, a1.id, Role.USER, "q2 edited")
    a3 = store.add_message(c, q2b.id, Role.ASSISTANT, "a3", finish_reason="stop")

    assert [m.id for m in store.children(q2.id, c)] == [a2.id, a2b.id]
    assert [m.id for m in store.children(a1.id, c)] == [q2.id, q2b.id]
    assert [m.id for m in store.children(None, c)] == [q1.id]
    assert [m.id for m in store.path_to(a3.id)] == [q1.id, a1.id, q2b.id, a3.id]
    assert store.get_conversation(c).current_leaf_id == a3.id  # type: ignore[union-attr]
    # Back to the first version of turn 2: its newest continuation is the regenerated reply.
    assert store.branch_leaf(q2.id) == a2b.id
    assert store.branch_leaf(q1.id) == a3.id
    assert store.branch_leaf(a3.id) == a3.id
    store.set_current_leaf(c, a2.id)
    assert [m.content for m in store.current_path(c)] == ["q1", "a1", "q2", "a2"]

    other = store.create_conversation().id
    with pytest.raises(StoreError):
        store.add_message(other, a1.id, Role.USER, "wrong tree")
    with pytest.raises(StoreError):
        store.set_current_leaf(other, a1.id)
    assert store.get_conversation(other).message_count == 0  # type: ignore[union-attr]


def test_delete_subtree_moves_the_current_leaf_to_the_parent(store: ConversationStore) -> None:
    c = store.create_conversation().id
    q1 = store.add_message(c, None, Role.USER, "q1")
    a1 = store.add_message(c, q1.id, Role.ASSISTANT, "a1", finish_reason="stop")
    a1b = store.add_message(c, q1.id, Role.ASSISTANT, "a1b", finish_reason="stop")
    q2 = store.add_message(c, a1b.id, Role.USER, "q2")
    store.add_message(c, q2.id, Role.ASSISTANT, "a2", finish_reason="stop")
    assert store.delete_subtree(a1b.id) == 3
    assert store.get_conversation(c).current_leaf_id == q1.id  # type: ignore[union-attr]
    assert [m.id for m in store.children(q1.id, c)] == [a1.id]
    assert store.search("a1b") == []
    assert store.delete_subtree(a1b.id) == 0
    store.set_current_leaf(c, a1.id)
    assert store.delete_subtree(q1.id) == 2
    summary = store.get_conversation(c)
    assert summary is not None and summary.current_leaf_id is None
    assert summary.message_count == 0


def test_a_long_chain_deletes_without_recursion_limits(store: ConversationStore) -> None:
    c, ids = _long_chain(store, 3000)
    assert store.delete_subtree(ids[0]) == 3000
    store.purge_conversation(c)


def _long_chain(store: ConversationStore, n: int) -> tuple[int, list[int]]:
    messages = tuple(
        ImportedMessage(
            key=str(i),
            parent_key=str(i - 1) if i else None,
            role=Role.USER if i % 2 == 0 else Role.ASSISTANT,
            content=f"turn {i} " + "lorem ipsum dolor sit amet " * 8,
            created_at=START + i,
            finished_at=START + i if i % 2 else None,
            finish_reason=FinishReason.STOP if i % 2 else None,
            generation=GenerationInfo(model_file="m.gguf", seed=i) if i % 2 else None,
        )
        for i in range(n)
    )
    conversation_id = store.import_conversation(
        ImportedConversation("long", START, START + n, False, "", "", {}, messages, n - 1)
    )
    _, _, stored = store.export_tree(conversation_id)
    return conversation_id, [m.id for m in stored]


def test_long_conversations_open_fast(store: ConversationStore) -> None:
    _, ids = _long_chain(store, 5000)
    started = time.perf_counter()
    path = store.path_to(ids[-1])
    full = time.perf_counter() - started
    started = time.perf_counter()
    page = store.path_page(ids[-1], limit=200)
    first_page = time.perf_counter() - started
    older = store.path_page(ids[-1], before_message_id=page[0].id, limit=200)
    print(
        f"\npath_to over 5000 messages: {full * 1000:.1f} ms;"
        f" path_page(limit=200): {first_page * 1000:.2f} ms"
    )
    assert [m.id for m in path] == ids
    assert [m.id for m in page] == ids[-200:]
    assert [m.id for m in older] == ids[-400:-200]
    assert store.path_page(ids[-1], before_message_id=ids[0]) == []
    assert [m.id for m in store.path_page(ids[5], limit=200)] == ids[:6]
    assert full < 5.0  # only a hang guard: the machine is shared


# --- conversations, history, trash -------------------------------------------------------


def test_history_pages_by_keyset_through_ties_pins_and_trash(db_path: Path) -> None:
    """Pages of 7 over 40 chats where many share an updated_at: concatenated they are exactly
    the unpaged list (no repeats, no gaps), and a chat trashed or moved to the top between
    two pages is neither repeated nor skipped."""
    clock = Clock()
    with ConversationStore.open(db_path, clock=clock) as store:
        ids = []
        for n in range(40):
            clock.now = START + n // 5  # five chats per timestamp: ties the id must break
            ids.append(store.create_conversation(f"chat {n}").id)
        for pinned in (ids[3], ids[17], ids[30]):
            store.set_pinned(pinned, True)
        expected = [s.id for s in store.list_conversations()]
        assert len(expected) == 40
        assert expected[:3] == sorted(expected[:3], reverse=True)  # the pins, first

        paged: list[int] = []
        page = store.list_conversations(limit=7)
        while page:
            paged.extend(s.id for s in page)
            page = store.list_conversations(limit=7, after=page[-1])
        assert paged == expected

        first = store.list_conversations(limit=7)
        store.delete_conversation(first[-1].id)  # the cursor itself is gone
        store.add_message(expected[-1], None, Role.USER, "bumped to the top")
        rest: list[int] = []
        page = store.list_conversations(limit=7, after=first[-1])
        while page:
            rest.extend(s.id for s in page)
            page = store.list_conversations(limit=7, after=page[-1])
        assert rest == [i for i in expected[7:] if i != expected[-1]]


def test_history_order_titles_pins_and_settings(store: ConversationStore) -> None:
    a = store.create_conversation("a").id
    b = store.create_conversation("b").id
    c = store.create_conversation("c").id
    store.add_message(a, None, Role.USER, "bump a")
    assert [s.id for s in store.list_conversations()] == [a, c, b]
    store.set_pinned(b, True)
    assert [s.id for s in store.list_conversations()] == [b, a, c]
    assert [s.id for s in store.list_conversations(limit=2)] == [b, a]
    store.set_pinned(b, False)
    assert [s.id for s in store.list_conversations()] == [a, c, b]

    assert store.set_auto_title(a, "Auto title")
    store.rename(a, "Mine")
    assert not store.set_auto_title(a, "Another auto title")
    summary = store.get_conversation(a)
    assert summary is not None
    assert (summary.title, summary.title_is_auto, summary.message_count) == ("Mine", False, 1)

    store.update_conversation_settings(
        b, model_file="q.gguf", system_prompt="Be brief.", settings={"temperature": 0.2}
    )
    store.update_conversation_settings(b, system_prompt="Be kind.")
    summary = store.get_conversation(b)
    assert summary is not None
    assert (summary.model_file, summary.system_prompt) == ("q.gguf", "Be kind.")
    assert store.conversation_settings(b) == {"temperature": 0.2}
    with pytest.raises(StoreError):
        store.rename(12345, "nobody")


def test_trash_restore_and_purge(store: ConversationStore) -> None:
    keep, _ = chat(store, 2, "keep")
    old, _ = chat(store, 2, "old trash")
    recent, _ = chat(store, 2, "recent trash")
    store.delete_conversation(old)
    store.delete_conversation(recent)
    assert [s.id for s in store.list_conversations()] == [keep]
    assert [s.id for s in store.list_trash()] == [recent, old]
    assert store.search("message") and {h.conversation_id for h in store.search("message")} == {
        keep
    }
    store.restore(recent)
    assert {s.id for s in store.list_conversations()} == {keep, recent}
    store.delete_conversation(recent)

    deleted_old = store.get_conversation(old).deleted_at  # type: ignore[union-attr]
    store.delete_conversation(old)  # again: the 30 days do not restart
    assert store.get_conversation(old).deleted_at == deleted_old  # type: ignore[union-attr]
    deleted_recent = store.get_conversation(recent).deleted_at  # type: ignore[union-attr]
    assert deleted_old is not None and deleted_recent is not None
    now = deleted_old + 30 * 86400 + 0.5  # old is past 30 days; recent was deleted later
    assert deleted_recent > deleted_old + 0.5
    assert store.purge_trash(older_than_days=30, now=now) == 1
    assert store.get_conversation(old) is None
    assert store.connection.execute(
        "SELECT count(*) FROM messages WHERE conversation_id = ?", (old,)
    ).fetchone() == (0,)
    assert [s.id for s in store.list_trash()] == [recent]
    assert store.purge_trash(older_than_days=0, now=now) == 1
    assert store.list_trash() == []
    assert store.connection.execute("PRAGMA foreign_key_check").fetchall() == []


# --- search ------------------------------------------------------------------------------


def _hit_texts(store: ConversationStore, query: str) -> set[str]:
    return {store.get_message(h.message_id).content for h in store.search(query) if h.message_id}  # type: ignore[union-attr]


@pytest.fixture
def corpus(store: ConversationStore) -> ConversationStore:
    texts = [
        "Crème brûlée recipe with caramel",
        "Python list comprehension example",
        "如何在Python中使用列表推导式",
        "今天天气很好，我们去公园吧",
        "東京の天気は晴れです",
        "Pizza night 🍕🍕 with friends",
        'He said "NEAR(cats dogs)" -- AND * OR NOT',
        "Control \x02chars\x03 inside text",
    ]
    c = store.create_conversation("Kitchen notes: brûlée").id
    parent = None
    for text in texts:
        parent = store.add_message(c, parent, Role.USER, text).id
    return store


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("creme brulee", "Crème brûlée recipe with caramel"),
        ("CARAMEL", "Crème brûlée recipe with caramel"),
        ("compre", "Python list comprehension example"),  # prefix while typing
        ("列表推导", "如何在Python中使用列表推导式"),  # trigram
        ("列表", "如何在Python中使用列表推导式"),  # two characters: substring scan
        ("天", "今天天气很好，我们去公园吧"),
        ("天気", "東京の天気は晴れです"),
        ("🍕", "Pizza night 🍕🍕 with friends"),
        ('"NEAR(cats', 'He said "NEAR(cats dogs)" -- AND * OR NOT'),
        ("dogs)", 'He said "NEAR(cats dogs)" -- AND * OR NOT'),
    ],
)
def test_search_finds(corpus: ConversationStore, query: str, expected: str) -> None:
    assert expected in _hit_texts(corpus, query)


def test_search_results_are_marked_and_scoped(corpus: ConversationStore) -> None:
    [title_hit] = [h for h in corpus.search("brulee") if h.message_id is None]
    assert title_hit.snippet == f"Kitchen notes: {HIGHLIGHT_START}brûlée{HIGHLIGHT_END}"
    [hit] = [h for h in corpus.search("列表推导") if h.message_id]
    assert f"{HIGHLIGHT_START}列表推导{HIGHLIGHT_END}" in hit.snippet
    [hit] = corpus.search("🍕")
    assert f"{HIGHLIGHT_START}🍕{HIGHLIGHT_END}" in hit.snippet
    # Control characters in a message cannot pose as highlight markers.
    [hit] = corpus.search("inside")
    assert hit.snippet.count(HIGHLIGHT_START) == hit.snippet.count(HIGHLIGHT_END) == 1
    assert _hit_texts(corpus, "kitchen pizza") == set()  # every term must match one message
    assert len(corpus.search("a", limit=2)) <= 2
    conversation_id = corpus.list_conversations()[0].id
    corpus.delete_conversation(conversation_id)
    assert corpus.search("python") == []


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        "*",
        "-",
        "NEAR",
        "NEAR(",
        "(a OR",
        "a AND",
        ")",
        "^",
        ":",
        "col:x",
        "'",
        "\\",
        "%",
        "_",
        "\x00",
        "\ud800",
        "a*b",
        "   ",
        "",
        "\x02",
        "\ufdd0",
    ],
)
def test_search_never_raises_on_fts_syntax(corpus: ConversationStore, query: str) -> None:
    assert isinstance(corpus.search(query), list)


def test_like_wildcards_are_literal(corpus: ConversationStore) -> None:
    assert corpus.search("%") == [] and corpus.search("_") == []
    assert corpus.search("天%") == []


def test_a_streaming_reply_is_searchable_once_it_ends(store: ConversationStore) -> None:
    c = store.create_conversation().id
    user = store.add_message(c, None, Role.USER, "tell me")
    reply = store.add_message(c, user.id, Role.ASSISTANT, "")
    store.update_message(reply.id, content="zebra stripes")
    assert store.search("zebra") == []
    store.update_message(reply.id, content="zebra stripes and more", finish_reason="stop")
    assert [h.message_id for h in store.search("zebra")] == [reply.id]
    store.update_message(reply.id, content="giraffe")
    assert store.search("zebra") == []
    assert [h.message_id for h in store.search("giraffe")] == [reply.id]
    store.rebuild_search_index()
    assert [h.message_id for h in store.search("giraffe")] == [reply.id]
    check = "INSERT INTO {0}({0}) VALUES ('integrity-check')"
    for table in ("message_words", "title_words", "message_trigrams"):
        if table != "message_trigrams" or store.has_trigram:
            store.connection.execute(check.format(table))


def test_search_over_ten_thousand_messages_is_fast(store: ConversationStore) -> None:
    rng = random.Random(5)
    words = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9)))
        for _ in range(3000)
    ]
    hanzi = [chr(rng.randint(0x4E00, 0x4FFF)) for _ in range(400)]
    for conversation in range(50):
        messages = []
        for i in range(200):
            if i % 10 == 0:
                text = "".join(rng.choice(hanzi) for _ in range(60))
            else:
                text = " ".join(rng.choice(words) for _ in range(40))
                if i % 4 == 1:
                    text += " hearthside"  # a word in a quarter of all messages
            messages.append(
                ImportedMessage(
                    str(i),
                    str(i - 1) if i else None,
                    Role.USER if i % 2 == 0 else Role.ASSISTANT,
                    text,
                    START + i,
                    finish_reason=FinishReason.STOP if i % 2 else None,
                )
            )
        store.import_conversation(
            ImportedConversation(
                f"chat {conversation} {rng.choice(words)}",
                START,
                START,
                False,
                "",
                "",
                {},
                tuple(messages),
                None,
            )
        )
    assert store.connection.execute("SELECT count(*) FROM messages").fetchone()[0] == 10_000
    queries = [
        words[0],
        words[1][:3],
        f"{words[2]} {words[3]}",
        hanzi[0] + hanzi[1] + hanzi[2],
        hanzi[5],
        "hearth",
    ]
    timings = []
    for query in queries:
        store.search(query)  # warm the page cache once, as a running app would have it
        started = time.perf_counter()
        store.search(query)
        timings.append((query, (time.perf_counter() - started) * 1000))
    print("\nsearch over 10,000 messages: " + ", ".join(f"{q!r} {ms:.1f} ms" for q, ms in timings))
    assert max(ms for _, ms in timings) < 1000


# --- import / export ---------------------------------------------------------------------


def _imported(messages: tuple[ImportedMessage, ...], leaf: int | None) -> ImportedConversation:
    return ImportedConversation(
        title="Imported",
        created_at=START,
        updated_at=START + 10,
        pinned=True,
        model_file="m.gguf",
        system_prompt="sys",
        settings={"temperature": 0.4},
        messages=messages,
        current_leaf_index=leaf,
    )


def test_import_and_export_round_trip(store: ConversationStore) -> None:
    info = GenerationInfo(model_file="m.gguf", seed=3, tokens_per_second=12.5)
    messages = (
        ImportedMessage("u1", None, Role.USER, "hello", START + 1),
        ImportedMessage("a1", "u1", Role.ASSISTANT, "hi", START + 2, START + 3, "stop", info),
        ImportedMessage("a2", "u1", Role.ASSISTANT, "yo", START + 4, START + 5, "length", None),
        ImportedMessage("u2", "a2", Role.USER, "more", START + 6),
        ImportedMessage("a3", "u2", Role.ASSISTANT, "cut", START + 7),
    )
    conversation_id = store.import_conversation(_imported(messages, 2))
    summary, settings_, stored = store.export_tree(conversation_id)
    assert (summary.title, summary.pinned, summary.model_file, summary.system_prompt) == (
        "Imported",
        True,
        "m.gguf",
        "sys",
    )
    assert (summary.created_at, summary.updated_at, summary.message_count) == (START, START + 10, 5)
    assert settings_ == {"temperature": 0.4}
    assert summary.current_leaf_id == stored[2].id
    assert [m.content for m in stored] == ["hello", "hi", "yo", "more", "cut"]
    assert stored[1].generation == info and stored[1].finish_reason is FinishReason.STOP
    assert stored[2].parent_id == stored[0].id
    assert stored[4].finish_reason is FinishReason.INTERRUPTED  # nothing imports as streaming
    assert [h.message_id for h in store.search("hello")] == [stored[0].id]


@pytest.mark.parametrize(
    "broken",
    [
        ImportedMessage("x", "nowhere", Role.USER, "orphan", START),
        ImportedMessage("u1", None, Role.USER, "duplicate key", START),
        ImportedMessage("bad", None, "wizard", "bad role", START),  # type: ignore[arg-type]
        ImportedMessage("bad", None, Role.USER, "bad time", "soon"),  # type: ignore[arg-type]
    ],
)
def test_a_failing_import_leaves_nothing(store: ConversationStore, broken: ImportedMessage) -> None:
    chat(store, 2, "existing")
    before = schema_counts(store)
    messages = (
        ImportedMessage("u1", None, Role.USER, "importedword", START),
        ImportedMessage("a1", "u1", Role.ASSISTANT, "importedword", START, START, "stop"),
        broken,
    )
    with pytest.raises((StoreError, ValueError, TypeError)):
        store.import_conversation(_imported(messages, 0))
    assert schema_counts(store) == before
    assert store.search("importedword") == []
    with pytest.raises(StoreError):
        store.import_conversation(_imported(messages[:2], 7))
    with pytest.raises(TypeError):
        store.import_conversation(
            dataclasses.replace(_imported(messages[:2], None), settings={"x": object()})
        )
    assert schema_counts(store) == before


def schema_counts(store: ConversationStore) -> tuple[int, int]:
    conn = store.connection
    return (
        conn.execute("SELECT count(*) FROM conversations").fetchone()[0],
        conn.execute("SELECT count(*) FROM messages").fetchone()[0],
    )


# --- open-ended input --------------------------------------------------------------------

_hypothesis = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_hypothesis
@given(
    first=st.text(),
    updates=st.lists(st.text(), min_size=1, max_size=4),
    title=st.text(max_size=50),
)
def test_any_text_round_trips(
    store: ConversationStore, first: str, updates: list[str], title: str
) -> None:
    conversation = store.create_conversation(title)
    user = store.add_message(conversation.id, None, Role.USER, first)
    reply = store.add_message(conversation.id, user.id, Role.ASSISTANT, "")
    for text in updates:
        store.update_message(reply.id, content=text)
    store.update_message(reply.id, finish_reason=FinishReason.STOP)
    path = store.path_to(reply.id)
    assert [m.content for m in path] == [first, updates[-1]]
    assert store.get_conversation(conversation.id).title == title  # type: ignore[union-attr]
    assert isinstance(store.search(first[:20]), list)


@_hypothesis
@given(query=st.text(alphabet=st.characters(codec=None), max_size=40))
def test_search_never_raises(corpus: ConversationStore, query: str) -> None:
    for hit in corpus.search(query):
        assert isinstance(hit.snippet, str)
        assert hit.snippet.count(HIGHLIGHT_START) == hit.snippet.count(HIGHLIGHT_END)


def test_generation_info_survives_every_field() -> None:
    values = {}
    for i, field in enumerate(dataclasses.fields(GenerationInfo)):
        kind = str(field.type)
        values[field.name] = (
            f"s{i}" if kind.startswith("str") else float(i) + 0.5 if "float" in kind else i
        )
    info = GenerationInfo(**values)
    assert decode_generation(encode_generation(info)) == info
    assert decode_generation("[]") is None
    assert decode_generation(None) is None


def test_stored_messages_are_plain_values(store: ConversationStore) -> None:
    _, ids = chat(store, 2)
    assert all(isinstance(m, StoredMessage) for m in store.path_to(ids[-1]))
    assert os.fspath(store.path).endswith(DB_FILE_NAME)


# --- thinking and sources ------------------------------------------------------------------


def test_thinking_and_sources_are_kept_beside_the_answer(db_path: Path) -> None:
    source = MessageSource(
        number=1,
        file="/docs/manual.pdf",
        page=3,
        heading="Setup",
        text="Turn the valve left.",
        highlights=((9, 14),),
        collection="Manuals",
    )
    with ConversationStore.open(db_path, clock=Clock()) as store:
        conversation = store.create_conversation("t")
        question = store.add_message(conversation.id, None, Role.USER, "how?")
        reply = store.add_message(
            conversation.id, question.id, Role.ASSISTANT, "", thinking="hmm", sources=[source]
        )
        assert reply.sources == (source,)
        assert store.update_message(reply.id, thinking="hmm, the valve", thinking_seconds=2.5)
        assert store.update_message(reply.id, content="Turn it left [1].")
    with ConversationStore.open(db_path, clock=Clock()) as store:
        stored = store.get_message(reply.id)
        assert stored is not None
        assert (stored.content, stored.thinking, stored.thinking_seconds) == (
            "Turn it left [1].",
            "hmm, the valve",
            2.5,
        )
        assert stored.sources == (source,)
        # Thinking is not the answer: search finds the answer's words only.
        assert store.search("valve") == []


@pytest.mark.parametrize(
    "text",
    ["not json", "{}", '[{"number": "1", "file": "x"}]', '[{"number": 1}]', "[5]", "null"],
)
def test_unreadable_sources_are_dropped_not_fatal(text: str) -> None:
    assert decode_sources(text) == ()


def test_readable_sources_survive_their_damaged_neighbours() -> None:
    text = (
        '[{"number": 1, "file": "a.txt", "page": "x", "highlights": [[0, 2], [5, 1], "z"]},'
        ' {"number": 2}]'
    )
    assert decode_sources(text) == (MessageSource(number=1, file="a.txt", highlights=((0, 2),)),)

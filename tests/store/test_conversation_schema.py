"""Upgrading hearthside.db: from every earlier schema version with data, an appended
migration, a failing one."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop.core.conversation import (
    GenerationInfo,
)
from desktop.store import conversation_schema
from desktop.store.conversations import (
    DB_FILE_NAME,
    ConversationStore,
    ProblemKind,
)
from desktop.store.sqlite import run_script
from tests.store.store_helpers import Clock, chat, raw, schema


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

"""store.sqlite through a real database: damaged, newer and unreadable files are set aside,
the full integrity check runs when damage is likelier, the -wal moves with its file."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop.core.conversation import (
    Role,
)
from desktop.store import conversation_schema
from desktop.store.conversations import (
    DB_FILE_NAME,
    ConversationStore,
    ProblemKind,
)
from desktop.store.sqlite import FULL_CHECK_INTERVAL
from tests.store.store_helpers import START, Clock, chat, raw


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

"""A database another process holds locked is waited for, then reported with the process's
name; it is never taken for damage and set aside (which made the history look empty)."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.store import conversations, sqlite
from desktop.store.conversations import ConversationStore
from desktop.store.sqlite import DatabaseLocked, is_lock_error
from tests.store.store_helpers import Clock

# Holds the file with an exclusive lock (as another program's open write transaction or
# exclusive locking mode does) until its stdin closes.
_HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA locking_mode = EXCLUSIVE")
conn.execute("BEGIN EXCLUSIVE")
conn.execute("CREATE TABLE IF NOT EXISTS held(x)")
print("held", flush=True)
sys.stdin.read()
conn.execute("ROLLBACK")
conn.close()
"""


@pytest.fixture
def quick_locks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Waits of a tenth of a second instead of the app's seconds."""
    monkeypatch.setattr(sqlite, "LOCK_PAUSE_S", 0.2)
    monkeypatch.setattr(
        conversations, "connect", lambda path: sqlite.connect(path, busy_timeout_ms=100)
    )


@pytest.fixture
def existing(db_path: Path) -> Path:
    with ConversationStore.open(db_path, clock=Clock()) as store:
        store.create_conversation("keep me")
    return db_path


def _hold(path: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


@pytest.fixture
def holder(existing: Path) -> Iterator[subprocess.Popen[str]]:
    process = _hold(existing)
    yield process
    if process.poll() is None:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=10)


@pytest.mark.usefixtures("quick_locks")
def test_a_locked_database_is_reported_with_its_holder_not_set_aside(
    existing: Path, holder: subprocess.Popen[str]
) -> None:
    with pytest.raises(DatabaseLocked) as raised:
        ConversationStore.open(existing, clock=Clock())
    assert any(f"(pid {holder.pid})" in name for name in raised.value.holders)
    assert raised.value.path == existing
    assert sorted(p.name for p in existing.parent.iterdir() if ".damaged" in p.name) == []
    assert holder.stdin is not None
    holder.stdin.close()
    holder.wait(timeout=10)
    with ConversationStore.open(existing, clock=Clock()) as store:
        assert store.problem is None
        assert [c.title for c in store.list_conversations()] == ["keep me"]


@pytest.mark.usefixtures("quick_locks")
def test_a_lock_released_while_opening_waits_is_opened(
    existing: Path, holder: subprocess.Popen[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite, "LOCK_PAUSE_S", 0.5)
    assert holder.stdin is not None
    threading.Timer(0.2, holder.stdin.close).start()  # the other program finishes soon
    with ConversationStore.open(existing, clock=Clock()) as store:
        assert store.problem is None
        assert [c.title for c in store.list_conversations()] == ["keep me"]


def test_lock_errors_are_told_apart_from_damage() -> None:
    import sqlite3

    assert is_lock_error(sqlite3.OperationalError("database is locked"))
    assert not is_lock_error(sqlite3.DatabaseError("database disk image is malformed"))
    try:
        try:
            raise sqlite3.OperationalError("database is locked")
        except sqlite3.OperationalError as inner:
            raise ValueError("migration failed") from inner
    except ValueError as outer:
        assert is_lock_error(outer)

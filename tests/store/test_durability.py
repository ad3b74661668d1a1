"""The chat store's commits are made durable on a background thread (store.durability): the
committing thread never waits for the disk, many commits share one sync, close() leaves every
commit synced, and a failed sync is reported by the next save. Killing the process right after
commits that were never synced is in test_conversations_crash.py."""

from __future__ import annotations

import errno
import threading
import time
from pathlib import Path

import pytest

from desktop.core.conversation import Role
from desktop.store.conversations import ConversationStore, StoreError
from desktop.store.durability import WalSyncer
from tests.store.store_helpers import Clock

WAIT_S = 10.0


class Disk:
    """An injectable sync: records which thread called it, can hold every sync until released
    or fail the next one."""

    def __init__(self) -> None:
        self.threads: list[int] = []
        self.released = threading.Event()
        self.released.set()
        self.fail_next = False
        self.finished = 0

    def sync(self, fd: int) -> None:
        self.threads.append(threading.get_ident())
        self.released.wait(WAIT_S)
        if self.fail_next:
            self.fail_next = False
            raise OSError(errno.EIO, "Input/output error")
        self.finished += 1


def open_store(db_path: Path, disk: Disk) -> ConversationStore:
    return ConversationStore.open(db_path, clock=Clock(), sync=disk.sync)


def test_commits_are_synced_on_the_background_thread_only(db_path: Path) -> None:
    disk = Disk()
    with open_store(db_path, disk) as store:
        # SQLite's own commit writes the WAL without syncing it; the syncer does that.
        assert store.connection.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        conversation = store.create_conversation("durable")
        user = store.add_message(conversation.id, None, Role.USER, "Hi")
        reply = store.add_message(conversation.id, user.id, Role.ASSISTANT, "")
        for step in range(5):
            store.update_message(reply.id, content="word " * step)
        assert store.durability.wait(WAIT_S)
        stats = store.durability.stats()
        assert stats.commits >= 8 and stats.pending == 0 and stats.failures == 0
        assert 1 <= stats.syncs <= stats.commits
        assert disk.threads and set(disk.threads) == {store.durability.thread_id}
        assert threading.get_ident() not in disk.threads


def test_a_slow_disk_neither_slows_the_saves_nor_syncs_each(db_path: Path) -> None:
    disk = Disk()
    with open_store(db_path, disk) as store:
        conversation = store.create_conversation("slow disk")
        user = store.add_message(conversation.id, None, Role.USER, "Hi")
        reply = store.add_message(conversation.id, user.id, Role.ASSISTANT, "")
        assert store.durability.wait(WAIT_S)
        disk.released.clear()  # every sync now hangs until released
        store.update_message(reply.id, content="first")
        deadline = time.monotonic() + WAIT_S
        while len(disk.threads) < store.durability.stats().syncs + 1:
            assert time.monotonic() < deadline, "the syncer never started a sync"
            time.sleep(0.001)
        syncs_before = store.durability.stats().syncs
        for step in range(1, 21):
            started = time.perf_counter()
            store.update_message(reply.id, content="word " * step)
            # The sync in flight has not ended, yet the save returned (a generous bound: each
            # is well under a millisecond, and must not wait for the held disk's WAIT_S).
            assert time.perf_counter() - started < 1.0
        assert store.durability.stats().pending >= 20
        # Reads right after writes see them.
        assert store.get_message(reply.id).content == "word " * 20  # type: ignore[union-attr]
        disk.released.set()
        assert store.durability.wait(WAIT_S)
        stats = store.durability.stats()
        # The one in flight, then one for all 20 saves that came meanwhile.
        assert stats.pending == 0 and stats.syncs - syncs_before <= 2


def test_close_returns_once_every_commit_is_synced(db_path: Path) -> None:
    disk = Disk()

    def slow(fd: int) -> None:
        time.sleep(0.05)
        disk.sync(fd)

    store = ConversationStore.open(db_path, clock=Clock(), sync=slow)
    conversation = store.create_conversation("closing")
    store.add_message(conversation.id, None, Role.USER, "kept")
    store.close()
    stats = store.durability.stats()
    assert stats.pending == 0 and stats.syncs >= 1 and disk.finished == stats.syncs
    with ConversationStore.open(db_path, clock=Clock()) as reopened:
        assert [c.title for c in reopened.list_conversations()] == ["closing"]


def test_a_failed_sync_is_reported_by_the_next_save(db_path: Path) -> None:
    disk = Disk()
    with open_store(db_path, disk) as store:
        conversation = store.create_conversation("failing disk")
        assert store.durability.wait(WAIT_S)
        disk.fail_next = True
        store.add_message(conversation.id, None, Role.USER, "one")
        assert store.durability.wait(WAIT_S)
        assert store.durability.stats().failures == 1
        with pytest.raises(StoreError, match="Input/output error"):
            store.add_message(conversation.id, None, Role.USER, "two")
        store.add_message(conversation.id, None, Role.USER, "three")  # reported once
        assert [m.content for m in store.export_tree(conversation.id)[2]] == ["one", "three"]


def test_the_syncer_without_a_wal_file_has_nothing_to_do(tmp_path: Path) -> None:
    disk = Disk()
    syncer = WalSyncer(tmp_path / "absent.db", disk.sync)
    syncer.committed()
    assert syncer.wait(WAIT_S)
    assert syncer.close()
    assert disk.threads == [] and syncer.stats().failures == 0
    assert syncer.stats().syncs == 1 and syncer.stats().pending == 0

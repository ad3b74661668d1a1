"""Conversations on disk: one SQLite file, kept safe across crashes, damage and upgrades.

Why it is built this way:

- WAL with ``synchronous=NORMAL`` and a background sync: a reply is saved while it streams, a
  few short transactions a second, on the GUI thread. In WAL mode a NORMAL commit only writes
  the WAL (into the operating system's cache), so it survives a killed or crashed process at
  once and costs well under a millisecond; ``store.durability`` (``store.durability.WalSyncer``)
  then fsyncs the WAL on its own thread, many commits per sync, so a commit survives a power
  cut once that sync ends: at most two syncs after the commit (the window is explained in
  ``store.durability``). ``close()`` waits for the last sync. With ``synchronous=FULL`` every
  commit waited for its own fsync on the GUI thread: 40-150 ms on a busy disk. Checkpoints keep
  SQLite's own syncing. A failed background sync is raised by the next transaction.
- The schema (``store.conversation_schema``) is versioned in ``PRAGMA user_version`` with an
  append-only list of migrations, run by ``store.sqlite.apply_migrations``; an existing
  database is copied aside before the first one runs.
- A file we cannot use (not SQLite, damaged, from a newer Hearthside, a migration that fails)
  is renamed with a timestamp, never deleted, and the store starts fresh
  (``store.sqlite.open_or_set_aside``); ``store.problem`` says what happened so the window can
  tell the user where their old file went.
- ``ConversationStore`` is one object for its callers, built from one mixin per concern:
  conversation rows and the trash (``conversation_records``), the message tree
  (``message_tree``), running summaries (``running_summaries``), search
  (``conversation_search``), import and export (``conversation_import``). Row decoding and the
  JSON columns live in ``store.codecs``.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Final

from desktop.core.conversation import FinishReason
from desktop.store import conversation_schema as schema
from desktop.store.conversation_import import (
    ConversationTransfer,
    ImportedConversation,
    ImportedMessage,
    ImportedSummary,
)
from desktop.store.conversation_search import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    ConversationSearch,
    SearchHit,
)
from desktop.store.durability import DEFAULT_SYNC, SyncFunction, WalSyncer
from desktop.store.running_summaries import RunningSummaries
from desktop.store.sqlite import (
    ProblemKind,
    StoreError,
    StoreProblem,
    check_existing,
    connect,
    copy_before_upgrade,
    full_check_reason,
    open_or_set_aside,
    previous_full_check,
    record_check,
)

# The values callers use with the store, importable from here as before.
__all__ = [
    "DB_FILE_NAME",
    "HIGHLIGHT_END",
    "HIGHLIGHT_START",
    "ConversationStore",
    "ImportedConversation",
    "ImportedMessage",
    "ImportedSummary",
    "ProblemKind",
    "SearchHit",
    "StoreError",
    "StoreProblem",
]

log = logging.getLogger(__name__)

DB_FILE_NAME: Final = "hearthside.db"


class ConversationStore(RunningSummaries, ConversationSearch, ConversationTransfer):
    """All conversations of one user. Use from one thread (the GUI thread).

    Its methods come from the mixins named in the module docstring; this class opens and
    closes the file."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        clock: Callable[[], float],
        sync: SyncFunction = DEFAULT_SYNC,
    ) -> None:
        super().__init__(conn, path, clock)
        self.durability = WalSyncer(path, sync)
        """Makes each commit survive a power cut, off the committing thread (its ``stats()``
        count commits and syncs; ``wait()`` returns once all so far are on the disk)."""
        self.backup_path: Path | None = None  # copy taken before migrating, if one was
        self.interrupted_ids: tuple[int, ...] = ()  # replies cut off by the last exit
        # When the file last passed (or, new, needed no) full integrity check; None: unknown.
        self.full_check_at: float | None = None
        self.has_trigram = self.has_table("message_trigrams")

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        clock: Callable[[], float] = time.time,
        sync: SyncFunction = DEFAULT_SYNC,
    ) -> ConversationStore:
        """Opens (creating, upgrading or replacing) the database; never raises for a bad file.

        ``sync`` makes the WAL's written data durable on the background thread (given a file
        descriptor; tests slow it down or count it). OSError still propagates when the folder
        cannot be written at all.
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        backup: Path | None = None
        now = clock()
        exists = path.exists() and path.stat().st_size > 0
        full_reason = full_check_reason(path, now) if exists else None
        full_check_at = previous_full_check(path) if exists else now

        def prepare(conn: sqlite3.Connection) -> None:
            nonlocal backup, full_check_at
            version = 0
            latest = schema.latest_version()
            if exists:
                if full_reason is not None:
                    log.info("full integrity check of %s: %s", path, full_reason)
                version = check_existing(path, conn, latest, full=full_reason is not None)
                if full_reason is not None:
                    full_check_at = now
            conn.execute("PRAGMA journal_mode = WAL")
            has_schema = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
            if version < latest and (version > 0 or has_schema):
                backup = copy_before_upgrade(conn, path, version, now)

        conn, problem = open_or_set_aside(path, now, connect, schema.migrate, prepare)
        if problem is not None:
            full_check_at = now  # a new, empty file
        conn.execute("PRAGMA synchronous = NORMAL")  # the WAL is synced by store.durability
        conn.execute("PRAGMA foreign_keys = ON")
        store = cls(conn, path, clock, sync)
        store.problem = problem
        store.backup_path = backup
        store.full_check_at = full_check_at
        store.interrupted_ids = store._mark_interrupted()
        return store

    def close(self) -> None:
        """Closes the file, then records its size and last full check for the next open (see
        ``store.sqlite.full_check_reason``); after a close that failed the -wal stays and
        forces a check. Waits for the background sync of the last commits first."""
        self.durability.close()
        super().close()
        if self.full_check_at is not None:
            record_check(self.path, self.full_check_at)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``SqliteDatabase.transaction``, its commit then handed to the background sync.

        A background sync that failed since the last transaction is raised here, before this
        one begins: the caller reports it as a failed save, as it did when the commit itself
        synced.
        """
        failure = self.durability.failure()
        if failure is not None:
            raise StoreError(f"saving to the disk failed: {failure}") from failure
        with super().transaction() as connection:
            yield connection
        self.durability.committed()

    def _mark_interrupted(self) -> tuple[int, ...]:
        """Replies that were still streaming when the app last ended keep their text and are
        marked interrupted; their finish time is the last moment the conversation was saved."""
        with self.transaction():
            ids = tuple(
                row[0]
                for row in self.connection.execute(
                    "SELECT id FROM messages WHERE role = 'assistant' AND finish_reason IS NULL"
                )
            )
            if ids:
                self.connection.execute(
                    "UPDATE messages SET finish_reason = ?, finished_at = coalesce(finished_at,"
                    " (SELECT updated_at FROM conversations c WHERE c.id = conversation_id))"
                    " WHERE role = 'assistant' AND finish_reason IS NULL",
                    (FinishReason.INTERRUPTED.value,),
                )
        return ids

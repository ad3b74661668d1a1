"""Making committed saves survive a power cut without the committing thread waiting for the disk.

The conversation store commits on the GUI thread with ``synchronous=NORMAL`` in WAL mode: a
commit then only ``write()``s its frames to the ``-wal`` file. That is already safe against a
killed or crashed process (the data is in the operating system's page cache, and SQLite's
checksummed frames make a torn tail harmless), but not yet against a power cut. A
``WalSyncer`` closes that gap on its own thread: after each commit the store calls
``committed()`` (a counter and a notify, microseconds), and the thread fsyncs the WAL file.
Commits that arrive while a sync runs are covered together by the next one, so a busy disk
makes fewer, not longer, syncs, and the committing thread never waits for any of them.

Why this is safe: SQLite's WAL frames carry cumulative checksums, so after a power cut the
database opens with every commit up to the last one whose frames reached the disk, never a
half-written one; ``synchronous=NORMAL`` in WAL mode keeps the file consistent (SQLite's own
guarantee). Checkpoints, and the WAL header each time the log restarts from its beginning,
keep SQLite's own syncing.

The window: a commit is on the disk once the first sync that *starts* after it ends. The
thread starts one as soon as it is told, or right after the sync in flight, so the window is
at most two syncs (typically a few ms; 40-150 ms each on a busy disk), the same disk cache
caveats as any fsync applying. ``wait()`` and ``close()`` return once every commit so far is
on the disk.

A failed sync (EIO, a full or vanished disk) is logged and kept in ``stats().failures`` and
``failure()``; the store reports it at its next transaction, as a commit that failed to sync
used to be reported. Plain ``threading``: the store is below Qt.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

log = logging.getLogger(__name__)

SyncFunction = Callable[[int], None]
"""Makes one open file descriptor's written data durable (``os.fdatasync`` by default)."""

# fdatasync also writes the size when a file grew; Windows and macOS have only fsync.
DEFAULT_SYNC: Final[SyncFunction] = getattr(os, "fdatasync", os.fsync)
# How long close() waits for the last sync before it gives up on it (the connection's own
# close still checkpoints with SQLite's syncing).
CLOSE_WAIT_S: Final = 10.0


@dataclass(frozen=True, slots=True)
class DurabilityStats:
    """What the syncer has done so far (a snapshot)."""

    commits: int
    """Commits the store reported."""
    synced: int
    """Of those, how many are known to be on the disk."""
    syncs: int
    """Syncs run (each covers every commit reported before it started)."""
    failures: int
    """Syncs that raised."""
    longest_sync_s: float
    """The longest one sync took."""

    @property
    def pending(self) -> int:
        """Commits not yet on the disk."""
        return self.commits - self.synced


class WalSyncer:
    """A thread that fsyncs one database's ``-wal`` file after commits, coalescing them.

    Call ``committed()`` after every commit, from the committing thread; ``close()`` once, when
    the database is done with. The thread is a daemon, so a store nobody closes does not keep
    the process alive (its last commits are then as safe as after a killed process).
    """

    def __init__(self, database: Path, sync: SyncFunction = DEFAULT_SYNC) -> None:
        self.wal_path = Path(f"{database}-wal")
        self._sync = sync
        self._lock = threading.Condition()
        self._commits = 0
        self._synced = 0
        self._syncs = 0
        self._failures = 0
        self._longest = 0.0
        self._failure: Exception | None = None
        self._closing = False
        self._thread = threading.Thread(
            target=self._run, name=f"wal-sync {database.name}", daemon=True
        )
        self._thread.start()

    @property
    def thread_id(self) -> int | None:
        """The syncing thread's ``threading.get_ident()`` (for checks that the fsyncs run there)."""
        return self._thread.ident

    def committed(self) -> None:
        """A commit was written to the WAL: have it synced soon. Never waits for the disk."""
        with self._lock:
            self._commits += 1
            self._lock.notify_all()

    def stats(self) -> DurabilityStats:
        with self._lock:
            return DurabilityStats(
                self._commits, self._synced, self._syncs, self._failures, self._longest
            )

    def failure(self) -> Exception | None:
        """The error of a sync that failed since the last call, then forgotten (None if none)."""
        with self._lock:
            failure, self._failure = self._failure, None
            return failure

    def wait(self, timeout: float | None = None) -> bool:
        """Waits until every commit reported so far is on the disk (or a sync of it failed);
        False if ``timeout`` passed first."""
        with self._lock:
            target = self._commits
            return self._lock.wait_for(lambda: self._synced >= target, timeout)

    def close(self, timeout: float = CLOSE_WAIT_S) -> bool:
        """Syncs what is pending, then ends the thread; False if that took over ``timeout``."""
        with self._lock:
            self._closing = True
            self._lock.notify_all()
        self._thread.join(timeout)
        if self._thread.is_alive():
            log.warning("the last sync of %s did not end within %.0f s", self.wal_path, timeout)
            return False
        return True

    def _run(self) -> None:
        while True:
            with self._lock:
                self._lock.wait_for(lambda: self._commits > self._synced or self._closing)
                if self._commits == self._synced:
                    return  # closing, nothing pending
                target = self._commits
            started = time.perf_counter()
            error = self._sync_wal()
            took = time.perf_counter() - started
            with self._lock:
                self._syncs += 1
                self._longest = max(self._longest, took)
                if error is not None:
                    self._failures += 1
                    self._failure = error
                # A failed sync still ends the wait: the error is reported, not retried forever.
                self._synced = target
                self._lock.notify_all()

    def _sync_wal(self) -> Exception | None:
        """Syncs the WAL file through a descriptor of our own: fsync makes a file's written
        data durable whichever descriptor wrote it."""
        try:
            fd = os.open(self.wal_path, os.O_RDWR | getattr(os, "O_BINARY", 0))
        except FileNotFoundError:
            return None  # no WAL (the database was closed and checkpointed): nothing to sync
        except OSError as error:
            log.error("could not open %s to sync it: %s", self.wal_path, error)
            return error
        try:
            self._sync(fd)
        except Exception as error:  # an injected sync may raise anything; the thread goes on
            log.error("syncing %s failed: %s", self.wal_path, error)
            return error
        finally:
            os.close(fd)
        return None

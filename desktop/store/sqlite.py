"""What every SQLite file of the app shares: opening, setting a bad file aside, migrations,
integrity checks, and the FTS5 query helpers. No Qt; both ``store.conversations`` and
``documents.index`` build on it.

Why it is built this way:

- The schema version lives in ``PRAGMA user_version`` and each database keeps an ordered,
  append-only list of migrations; ``apply_migrations`` runs each in its own transaction
  (foreign keys off while it runs, checked before the commit, as SQLite recommends for table
  rebuilds).
- A file we cannot use (not SQLite, damaged, from a newer Hearthside, a migration that fails)
  is renamed with a timestamp, never deleted, and the database starts fresh;
  ``open_or_set_aside`` returns a ``StoreProblem`` saying where the old file went.
- A file another process holds locked is not damaged: opening waits and tries again, then
  raises ``DatabaseLocked`` naming the processes that have the file open; only real damage is
  set aside.
- ``quick_check`` runs on every open; the full ``integrity_check`` only when damage is likelier
  (see ``full_check_reason``), recorded in a file beside the database.
- FTS5's unicode61 tokenizer does not split Chinese or Japanese into words and treats emoji as
  separators; ``needs_substring`` tells such terms apart so a store can use its trigram table
  or a LIKE scan for them. Every term reaches FTS5 quoted (``fts_phrase``), never as syntax.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import sqlite3
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any, Final, Self

log = logging.getLogger(__name__)

SQLITE_MAGIC: Final = b"SQLite format 3\x00"
# What SQLite writes around matches (highlight(), snippet()): Unicode noncharacters, reserved
# for internal use, so stored text never contains them by accident.
MATCH_START: Final = "\ufdd0"
MATCH_END: Final = "\ufdd1"
# How often the full integrity check runs when nothing else calls for it.
FULL_CHECK_INTERVAL: Final = 7 * 86_400.0
# Opening a file another process holds locked: tries (each waits the busy timeout) and pauses.
LOCK_ATTEMPTS = 3
LOCK_PAUSE_S = 1.0
# SQLite's primary result codes for "another connection holds the lock".
_SQLITE_BUSY: Final = 5
_SQLITE_LOCKED: Final = 6


class ProblemKind(StrEnum):
    DAMAGED = "damaged"  # not SQLite, truncated, or failing the integrity check
    NEWER = "newer"  # written by a later Hearthside with a schema we do not know
    MIGRATION_FAILED = "migration-failed"  # our upgrade of an older file raised


@dataclass(frozen=True, slots=True)
class StoreProblem:
    """Why the database started empty, and where the old file is now."""

    kind: ProblemKind
    moved_to: Path
    detail: str


class StoreError(Exception):
    """A request the store cannot carry out (unknown id, message of another conversation)."""


class UnusableFile(Exception):
    """Raised by a ``prepare`` step of ``open_or_set_aside``: this file must be set aside."""

    def __init__(self, kind: ProblemKind, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


class DatabaseLocked(Exception):
    """Another process holds the database locked and kept it so while opening waited.

    ``holders`` names the processes that have the file open ("name (pid 123)"), as far as
    this account may see; empty when none could be found.
    """

    def __init__(self, path: Path, holders: tuple[str, ...], detail: str) -> None:
        names = ", ".join(holders) or "an unknown process"
        super().__init__(f"{path} is locked by {names}: {detail}")
        self.path = path
        self.holders = holders
        self.detail = detail


def is_lock_error(error: BaseException) -> bool:
    """Whether ``error`` (or what caused it) is SQLite's busy/locked, not damage.

    "database is locked" is an OperationalError, itself a DatabaseError, the class damage
    raises too; only the result code (or, without one, the message) tells them apart.
    """
    while error is not None:
        if isinstance(error, sqlite3.OperationalError):
            code = getattr(error, "sqlite_errorcode", None)
            if code is not None and code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED):
                return True
            if code is None and ("locked" in str(error) or "busy" in str(error)):
                return True
        error = error.__cause__ or error.__context__  # type: ignore[assignment]
    return False


def lock_holders(path: Path) -> tuple[str, ...]:
    """The other processes that have ``path`` (or its -wal/-shm) open, as "name (pid N)".

    Asks psutil about every process this account may look into; the others are skipped, so
    the answer may be incomplete, never wrong.
    """
    import psutil  # only when a lock is in the way

    wanted = {os.path.realpath(f"{path}{suffix}") for suffix in ("", "-wal", "-shm")}
    holders: list[str] = []
    for process in psutil.process_iter(["pid", "name"]):
        if process.pid == os.getpid():
            continue
        try:
            files = process.open_files()
        except (psutil.Error, OSError):
            continue
        if any(os.path.realpath(file.path) in wanted for file in files):
            holders.append(f"{process.info['name']} (pid {process.pid})")
    return tuple(holders)


class Unset(Enum):
    """Marks an argument that was not given (None is a value some columns take)."""

    UNSET = "unset"


UNSET: Final = Unset.UNSET


def set_clause(given: dict[str, Any]) -> tuple[str, tuple[Any, ...]]:
    """``"a = ?, b = ?"`` and its parameters for the columns whose value is not UNSET."""
    changes = {column: value for column, value in given.items() if value is not UNSET}
    return ", ".join(f"{column} = ?" for column in changes), tuple(changes.values())


def lastrowid(cursor: sqlite3.Cursor) -> int:
    """The id of the row an INSERT just added (never None after one)."""
    rowid = cursor.lastrowid
    assert rowid is not None
    return rowid


# --- schema -------------------------------------------------------------------------------


def trigram_available(conn: sqlite3.Connection) -> bool:
    """Whether this SQLite has FTS5's trigram tokenizer (3.34 and later)."""
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.trigram_probe USING fts5(x, tokenize='trigram')")
    except sqlite3.OperationalError:
        return False
    conn.execute("DROP TABLE temp.trigram_probe")
    return True


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Runs statements one by one inside the caller's transaction. Migrations must use this:
    Python 3.11's ``executescript`` commits a pending transaction first."""
    statement = ""
    for piece in script.split(";"):
        statement += piece + ";"
        if sqlite3.complete_statement(statement):
            if statement.strip(" \n\t;"):
                conn.execute(statement)
            statement = ""
    if statement.strip(" \n\t;"):
        conn.execute(statement)


def apply_migrations(
    conn: sqlite3.Connection,
    migrations: Sequence[Callable[[sqlite3.Connection], None]],
    target: int | None = None,
) -> None:
    """The migration loop every database shares: from the file's ``user_version`` up to
    ``target`` (default: all), each step in its own transaction with foreign keys off while it
    runs and checked before its commit. The connection must be in autocommit mode."""
    target = len(migrations) if target is None else target
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    for index in range(version, target):
        conn.execute("PRAGMA foreign_keys = OFF")  # a no-op inside a transaction
        conn.execute("BEGIN IMMEDIATE")
        try:
            migrations[index](conn)
            broken = conn.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise sqlite3.IntegrityError(f"foreign keys broken: {broken[:5]}")
            conn.execute(f"PRAGMA user_version = {index + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        finally:
            conn.execute("PRAGMA foreign_keys = ON")


# --- opening ------------------------------------------------------------------------------


def connect(
    path: Path, *, busy_timeout_ms: int = 5000, check_same_thread: bool = True
) -> sqlite3.Connection:
    """An autocommit connection (transactions are begun explicitly) that waits for a lock."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=check_same_thread)
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    return conn


def stamp(now: float) -> str:
    """A local timestamp for file names: 20250131-235959."""
    return time.strftime("%Y%m%d-%H%M%S", time.localtime(now))


def move_aside(path: Path, label: str, now: float) -> Path:
    """Renames the file (and its -wal/-shm) to a free timestamped name next to it."""
    base = path.with_name(f"{path.name}.{label}-{stamp(now)}")
    target, n = base, 1
    while target.exists() or Path(f"{target}-wal").exists():
        target = base.with_name(f"{base.name}-{n}")
        n += 1
    os.replace(path, target)
    for suffix in ("-wal", "-shm"):
        side = Path(f"{path}{suffix}")
        if side.exists():
            os.replace(side, Path(f"{target}{suffix}"))
    return target


def copy_before_upgrade(conn: sqlite3.Connection, path: Path, version: int, now: float) -> Path:
    """Copies the file with the WAL folded in, written under a temporary name first so a
    crash never leaves a half copy that looks whole."""
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    target = path.with_name(f"{path.name}.bak-v{version}-{stamp(now)}")
    n = 1
    while target.exists():
        target = path.with_name(f"{path.name}.bak-v{version}-{stamp(now)}-{n}")
        n += 1
    partial = target.with_name(target.name + ".partial")
    shutil.copyfile(path, partial)
    with partial.open("rb+") as f:
        os.fsync(f.fileno())
    os.replace(partial, target)
    log.info("copied %s to %s before upgrading", path, target)
    return target


_ASIDE_LABELS: Final = {
    ProblemKind.DAMAGED: "damaged",
    ProblemKind.NEWER: "newer",
    ProblemKind.MIGRATION_FAILED: "upgrade-failed",
}


def open_or_set_aside(
    path: Path,
    now: float,
    connect: Callable[[Path], sqlite3.Connection],
    migrate: Callable[[sqlite3.Connection], None],
    prepare: Callable[[sqlite3.Connection], None],
) -> tuple[sqlite3.Connection, StoreProblem | None]:
    """A connection to ``path`` after ``prepare`` (checks, WAL) and ``migrate`` ran on it; a
    file that ``prepare`` refuses (UnusableFile) or that fails to migrate is moved aside with
    its -wal and -shm, and an empty one takes its place. The user's data is never deleted.

    A lock held by another process is not damage: the open is tried ``LOCK_ATTEMPTS`` times
    (each statement waits the connection's busy timeout), then ``DatabaseLocked`` names the
    processes holding the file, and the file stays where it is.
    """
    for attempt in range(1, LOCK_ATTEMPTS + 1):
        try:
            return _open_once(path, now, connect, migrate, prepare)
        except Exception as e:
            if not is_lock_error(e):
                raise
            log.warning("%s is locked (try %d of %d): %s", path, attempt, LOCK_ATTEMPTS, e)
            if attempt == LOCK_ATTEMPTS:
                raise DatabaseLocked(path, lock_holders(path), str(e)) from e
            time.sleep(LOCK_PAUSE_S)
    raise AssertionError("unreachable")


def _open_once(
    path: Path,
    now: float,
    connect: Callable[[Path], sqlite3.Connection],
    migrate: Callable[[sqlite3.Connection], None],
    prepare: Callable[[sqlite3.Connection], None],
) -> tuple[sqlite3.Connection, StoreProblem | None]:
    """One try of :func:`open_or_set_aside`; a lock error passes through, never sets aside."""
    conn = connect(path)
    try:
        prepare(conn)
        try:
            migrate(conn)
        except Exception as e:
            if is_lock_error(e):
                raise
            raise UnusableFile(ProblemKind.MIGRATION_FAILED, f"{type(e).__name__}: {e}") from e
        return conn, None
    except UnusableFile as e:
        conn.close()
        moved = move_aside(path, _ASIDE_LABELS[e.kind], now)
        log.warning("%s moved to %s: %s", path, moved, e.detail)
        conn = connect(path)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            migrate(conn)
        except BaseException:
            conn.close()
            raise
        return conn, StoreProblem(e.kind, moved, e.detail)
    except BaseException:
        conn.close()
        raise


# --- integrity checks ---------------------------------------------------------------------


def check_record_path(path: Path) -> Path:
    """Beside the database: when its last full check passed and its size at the last clean
    close. A file, not a table, so reading it needs no trust in the database it vouches for."""
    return path.with_name(f"{path.name}.checked")


def full_check_reason(path: Path, now: float) -> str | None:
    """Why this open needs the full ``integrity_check`` rather than ``quick_check``, or None.

    ``quick_check`` (every open) finds damaged pages, b-trees and records but not an index
    that disagrees with its table; the full check also does that, and costs more as the file
    grows, so it runs only when damage is likelier: after an unclean exit (SQLite removes the
    -wal at the last clean close, so a non-empty one is left by a crash or power cut), when
    the file's size is not the one recorded at the last clean close (changed by something
    else: a sync tool, a truncated copy), when no record can be read, or once a week.
    """
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return "the last session did not close the file"
    try:
        record = json.loads(check_record_path(path).read_text(encoding="utf-8"))
        checked_at, size = float(record["full_check_at"]), int(record["size"])
    except (OSError, ValueError, TypeError, KeyError):
        return "no record of a full check"
    if size != path.stat().st_size:
        return "the file's size changed since it was last closed"
    if not 0 <= now - checked_at < FULL_CHECK_INTERVAL:
        return "a week since the last full check"
    return None


def previous_full_check(path: Path) -> float | None:
    """When the file last passed the full check, from its record; None if unknown."""
    try:
        return float(
            json.loads(check_record_path(path).read_text(encoding="utf-8"))["full_check_at"]
        )
    except (OSError, ValueError, TypeError, KeyError):
        return None


def record_check(path: Path, full_check_at: float) -> None:
    """After a clean close: the file's size and last full check, for the next open's
    ``full_check_reason``. Written under a temporary name first; failure is only logged."""
    record = check_record_path(path)
    partial = record.with_name(record.name + ".partial")
    try:
        size = path.stat().st_size
        partial.write_text(
            json.dumps({"full_check_at": full_check_at, "size": size}), encoding="utf-8"
        )
        os.replace(partial, record)
    except OSError:
        log.warning("could not record the check of %s", path, exc_info=True)


def check_existing(path: Path, conn: sqlite3.Connection, known_version: int, *, full: bool) -> int:
    """The file's schema version, or UnusableFile; reads only, so a file we refuse is
    untouched. ``full`` runs ``integrity_check`` rather than ``quick_check`` (see
    ``full_check_reason``)."""
    with path.open("rb") as f:
        head = f.read(len(SQLITE_MAGIC))
    if head != SQLITE_MAGIC:
        raise UnusableFile(ProblemKind.DAMAGED, "not an SQLite database")
    check = "integrity_check" if full else "quick_check"
    try:
        result = [row[0] for row in conn.execute(f"PRAGMA {check}(20)")]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as e:
        if is_lock_error(e):
            raise  # another process holds it: not damage
        raise UnusableFile(ProblemKind.DAMAGED, str(e)) from e
    if result != ["ok"]:
        raise UnusableFile(ProblemKind.DAMAGED, "; ".join(map(str, result)))
    if version > known_version:
        raise UnusableFile(
            ProblemKind.NEWER, f"schema version {version}, this Hearthside knows {known_version}"
        )
    return version


# --- the database object ------------------------------------------------------------------


class SqliteDatabase:
    """One open database file: one connection, short IMMEDIATE transactions that never fail
    half way on a lock upgrade, and ``PRAGMA optimize`` on close. ``problem`` says why the
    file started empty (it was set aside), if it did."""

    def __init__(self, conn: sqlite3.Connection, path: Path, clock: Callable[[], float]) -> None:
        self.connection = conn
        self.path = path
        self.clock = clock
        self.problem: StoreProblem | None = None
        self._own_writes = 0  # data_version does not count this connection's own commits

    def now(self) -> float:
        return float(self.clock())

    def has_table(self, name: str) -> bool:
        """Whether the file has this table (an optional one, such as a trigram index that an
        older SQLite could not create)."""
        return (
            self.connection.execute(
                "SELECT 1 FROM sqlite_master WHERE name = ?", (name,)
            ).fetchone()
            is not None
        )

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.connection.execute("PRAGMA optimize")
        self.connection.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on any exception."""
        self._own_writes += 1
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield self.connection
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")
        self._own_writes += 1

    def change_stamp(self) -> tuple[int, int]:
        """Changes whenever any connection (this one included) committed since last asked:
        the key of caches that hold until the next write."""
        return self.connection.execute("PRAGMA data_version").fetchone()[0], self._own_writes


# --- FTS5 query helpers -------------------------------------------------------------------

_WIDE_SCRIPTS: Final = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "THAI", "LAO", "KHMER", "MYANMAR")


def needs_substring(term: str) -> bool:
    """True when unicode61 cannot find this term as a word: scripts written without spaces,
    and symbols such as emoji (separators to unicode61)."""
    for char in term:
        category = unicodedata.category(char)
        if category[0] == "S" or category in ("Co", "Cn"):
            return True
        if ord(char) >= 0x0E00 and unicodedata.name(char, "").startswith(_WIDE_SCRIPTS):
            return True
    return False


def has_word_chars(term: str) -> bool:
    """Whether the term holds a letter or digit (FTS5 finds nothing for punctuation alone)."""
    return any(unicodedata.category(c)[0] in "LN" for c in term)


def fts_phrase(term: str) -> str:
    """The term as an FTS5 string: searched for as text, never read as query syntax."""
    return '"' + term.replace('"', '""') + '"'


def like_pattern(term: str) -> str:
    """A LIKE pattern (with ``ESCAPE '\\'``) matching the term anywhere."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"

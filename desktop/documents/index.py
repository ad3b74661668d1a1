"""Collections of the user's documents and a BM25 index over their passages (``documents.db``).

Why it is built this way:

- Its own SQLite file beside ``hearthside.db``: the index is large, rebuilt from the files at
  will, and written for minutes at a time while a folder is indexed; none of that should touch
  the conversations' file, its backups or its integrity check. Same rules otherwise (see
  store/sqlite.py): WAL, ``PRAGMA user_version`` with an append-only list of migrations
  (``documents.index_schema``), a damaged or newer file is moved aside with a timestamp and
  the index starts empty.
- One transaction per file: the old passages go and the new ones arrive together, so stopping
  (cancel, crash, power cut) between files or in the middle of one leaves every file either
  as it was or fully re-indexed. The file row (size, mtime, SHA-256) is written in the same
  transaction, so the next update picks up exactly where this one stopped.
- Change detection: size and mtime first (one ``stat``), then the content hash, so touching a
  file or copying a folder does not re-extract a thousand PDFs.
- A text is stored once per collection: a passage whose text (spacing and case aside) another
  passage of the collection has is left out (site menus, licence footers, a page's header on
  every page) and noted in ``passage_repeats``; when the passage it relied on goes, the file
  that left it out is read again at the end of the update.
- A folder that has gone (an unplugged drive) keeps its files in the index and is reported;
  a file that has gone from a folder that is still there is removed.
- ``DocumentIndex`` is one object for its callers; searching is its base classes'
  concern: ``documents.retrieval`` (words, coverage, fusion), ``documents.vectors`` (meaning
  search), over the query helpers of ``documents.search`` and the schema of
  ``documents.index_schema``.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import sqlite3
import stat as stat_module
import time
import unicodedata
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from desktop.documents import index_schema
from desktop.documents.budget import ExtractionBudget, ExtractionStopped, reading_budget
from desktop.documents.passages import (
    Extractor,
    Passage,
    Unreadable,
    UnreadableReason,
    passage_key,
    split_passages,
)
from desktop.documents.retrieval import PassageHit, PassageRetrieval
from desktop.store.sqlite import check_existing, open_or_set_aside

# Values the callers use, importable from here as before.
__all__ = [
    "DB_FILE_NAME",
    "CollectionError",
    "CollectionInfo",
    "DocumentIndex",
    "FileProblem",
    "IndexProgress",
    "IndexedFile",
    "PassageHit",
    "UpdateReport",
    "normalize_name",
]

log = logging.getLogger(__name__)

DB_FILE_NAME: Final = "documents.db"
# Files up to this size are hashed on every update even when size and mtime are unchanged: an
# edit that keeps both (a tool that restores the mtime, a same-length fix within the clock's
# resolution) is still seen, at the cost of reading a small file.
HASH_ALWAYS_BYTES: Final = 1 << 20
# Folders a scan never enters: tools' caches and other programs' innards, not documents.
_SKIP_DIRS: Final = frozenset(
    {"node_modules", "__pycache__", "venv", ".venv", "site-packages", "target", "build", "dist"}
)


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


# --- values -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CollectionInfo:
    id: int
    name: str
    sources: tuple[str, ...]  # the folders and files the user added
    files: int  # files indexed with text
    unreadable: int  # files skipped, each with a reason
    passages: int
    indexed_at: float | None  # end of the last complete update


@dataclass(frozen=True, slots=True)
class IndexedFile:
    path: str
    size: int
    mtime_ns: int
    passages: int
    problem: UnreadableReason | None  # None: indexed
    detail: str


@dataclass(frozen=True, slots=True)
class FileProblem:
    path: str
    reason: UnreadableReason
    detail: str


@dataclass(frozen=True, slots=True)
class IndexProgress:
    """Sent before each file: ``done`` of ``total`` files looked at so far."""

    collection_id: int
    done: int
    total: int
    path: str


@dataclass(frozen=True, slots=True)
class UpdateReport:
    collection_id: int
    added: int
    changed: int
    removed: int
    unchanged: int
    unreadable: tuple[FileProblem, ...]  # this update's newly skipped files
    missing_sources: tuple[str, ...]  # added folders or files that are not there now
    passages_written: int
    cancelled: bool
    seconds: float


class CollectionError(Exception):
    """A request the index cannot carry out (an unknown collection)."""


# --- the index ----------------------------------------------------------------------------


class DocumentIndex(PassageRetrieval):
    """Collections and their passages. One instance per thread: the indexing worker opens its
    own (WAL lets the GUI thread search while it writes)."""

    def __init__(self, conn: sqlite3.Connection, path: Path, clock: Callable[[], float]) -> None:
        super().__init__(conn, path, clock)
        self.has_trigram = self.has_table("passage_trigrams")

    @classmethod
    def open(cls, path: Path | str, *, clock: Callable[[], float] = time.time) -> DocumentIndex:
        """Opens (creating, upgrading or replacing) the index; never raises for a bad file.
        OSError still propagates when the folder cannot be written at all."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)

        def prepare(conn: sqlite3.Connection) -> None:
            if path.exists() and path.stat().st_size > 0:
                # quick_check, never the full check: this file can be hundreds of megabytes,
                # and it is derived data.
                check_existing(path, conn, len(index_schema.MIGRATIONS), full=False)
            conn.execute("PRAGMA journal_mode = WAL")

        conn, problem = open_or_set_aside(
            path, clock(), index_schema.connect_index, index_schema.migrate, prepare
        )
        # NORMAL, not FULL: in WAL mode a power cut can lose the last commits but never
        # corrupts the file, and this index is rebuilt from the documents anyway.
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        index = cls(conn, path, clock)
        index.problem = problem
        return index

    # --- collections ---

    def create_collection(self, name: str, sources: Iterable[Path | str] = ()) -> int:
        with self.transaction() as db:
            last = db.execute(
                "SELECT max(coalesce((SELECT max(last) FROM collection_ids), 0),"
                " coalesce((SELECT max(id) FROM collections), 0))"
            ).fetchone()[0]
            collection_id = int(last) + 1
            db.execute(
                "INSERT INTO collections(id, name, created_at) VALUES (?, ?, ?)",
                (collection_id, normalize_name(name), self.now()),
            )
            db.execute("DELETE FROM collection_ids")
            db.execute("INSERT INTO collection_ids(last) VALUES (?)", (collection_id,))
            self._add_sources(db, collection_id, sources)
        return collection_id

    def rename_collection(self, collection_id: int, name: str) -> None:
        with self.transaction() as db:
            self._require(db, collection_id)
            db.execute(
                "UPDATE collections SET name = ? WHERE id = ?",
                (normalize_name(name), collection_id),
            )

    def delete_collection(self, collection_id: int) -> None:
        """Removes the collection and its index (never the user's files)."""
        with self.transaction() as db:
            db.execute(
                "DELETE FROM passages WHERE file_id IN"
                " (SELECT id FROM files WHERE collection_id = ?)",
                (collection_id,),
            )
            db.execute("DELETE FROM collections WHERE id = ?", (collection_id,))

    def add_sources(self, collection_id: int, sources: Iterable[Path | str]) -> None:
        """Adds folders or files; they are indexed on the next ``update``."""
        with self.transaction() as db:
            self._require(db, collection_id)
            self._add_sources(db, collection_id, sources)

    def remove_source(self, collection_id: int, source: Path | str) -> None:
        """Forgets a folder or file; its passages go on the next ``update``."""
        with self.transaction() as db:
            db.execute(
                "DELETE FROM sources WHERE collection_id = ? AND path = ?",
                (collection_id, os.path.abspath(source)),
            )

    @staticmethod
    def _add_sources(
        db: sqlite3.Connection, collection_id: int, sources: Iterable[Path | str]
    ) -> None:
        db.executemany(
            "INSERT OR IGNORE INTO sources(collection_id, path) VALUES (?, ?)",
            [(collection_id, os.path.abspath(s)) for s in sources],
        )

    @staticmethod
    def _require(db: sqlite3.Connection, collection_id: int) -> None:
        if not db.execute("SELECT 1 FROM collections WHERE id = ?", (collection_id,)).fetchone():
            raise CollectionError(f"no collection {collection_id}")

    def collections(self) -> list[CollectionInfo]:
        rows = self.connection.execute(
            "SELECT c.id, c.name, c.indexed_at,"
            " (SELECT count(*) FROM files f WHERE f.collection_id = c.id AND f.problem IS NULL),"
            " (SELECT count(*) FROM files f WHERE f.collection_id = c.id"
            "  AND f.problem IS NOT NULL),"
            " (SELECT coalesce(sum(passages), 0) FROM files f WHERE f.collection_id = c.id)"
            " FROM collections c ORDER BY c.name COLLATE NOCASE, c.id"
        ).fetchall()
        return [
            CollectionInfo(r[0], r[1], tuple(self.sources(r[0])), r[3], r[4], r[5], r[2])
            for r in rows
        ]

    def sources(self, collection_id: int) -> list[str]:
        rows = self.connection.execute(
            "SELECT path FROM sources WHERE collection_id = ? ORDER BY path", (collection_id,)
        )
        return [r[0] for r in rows]

    def files(self, collection_id: int) -> list[IndexedFile]:
        rows = self.connection.execute(
            "SELECT path, size, mtime_ns, passages, problem, detail FROM files"
            " WHERE collection_id = ? ORDER BY path",
            (collection_id,),
        ).fetchall()
        result = []
        for path, size, mtime, passages, problem, detail in rows:
            try:
                reason = UnreadableReason(problem) if problem is not None else None
            except ValueError:  # written by a later version
                reason = UnreadableReason.DAMAGED
            result.append(IndexedFile(path, size, mtime, passages, reason, detail))
        return result

    def passages(self, collection_id: int, path: str) -> list[Passage]:
        """A file's passages in reading order (for tests and the Sources panel)."""
        rows = self.connection.execute(
            "SELECT p.text, p.page, p.heading FROM passages p JOIN files f ON f.id = p.file_id"
            " WHERE f.collection_id = ? AND f.path = ? ORDER BY p.ordinal",
            (collection_id, path),
        )
        return [Passage(*r) for r in rows]

    # --- updating ---

    def scan(self, collection_id: int, suffixes: Collection[str]) -> tuple[list[str], list[str]]:
        """(files the sources hold now, sources that are missing). Folders are walked without
        following links, skipping hidden entries and build/cache folders; a file added by
        itself is taken whatever its suffix.

        Only regular files are taken (a FIFO would block the read forever, a device never
        ends), and a link only when its target's real path is inside one of the collection's
        own folders or files: a ``notes.txt -> ../../secret`` link does not carry the
        collection out of what the user chose.
        """
        found: dict[str, None] = {}
        missing: list[str] = []
        sources = self.sources(collection_id)
        allowed = [os.path.realpath(source) for source in sources]
        for source in sources:
            if os.path.isdir(source):
                for root, dirs, names in os.walk(source):
                    dirs[:] = sorted(d for d in dirs if not _is_hidden(d) and d not in _SKIP_DIRS)
                    for name in sorted(names):
                        path = os.path.join(root, name)
                        if (
                            not _is_hidden(name)
                            and os.path.splitext(name)[1].lower() in suffixes
                            and _regular_inside(path, allowed)
                        ):
                            found[path] = None
            elif os.path.exists(source):
                if _regular_inside(source, allowed):
                    found[source] = None
            else:
                missing.append(source)
        return list(found), missing

    def update(
        self,
        collection_id: int,
        extractor: Extractor,
        *,
        progress: Callable[[IndexProgress], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> UpdateReport:
        """Brings the collection's index in line with its sources. ``should_stop`` is asked
        before each file (a worker may block in it to pause); stopping leaves a consistent
        index, and the next update carries on from there."""
        started = time.perf_counter()
        with self.transaction() as db:
            self._require(db, collection_id)
        paths, missing = self.scan(collection_id, extractor.suffixes)
        known = {
            r[0]: (r[1], r[2], r[3], r[4], r[5])
            for r in self.connection.execute(
                "SELECT path, id, size, mtime_ns, sha256, problem FROM files"
                " WHERE collection_id = ?",
                (collection_id,),
            )
        }
        present = set(paths)
        gone = [
            p
            for p, row in known.items()
            if p not in present and not any(_under(p, m) for m in missing)
        ]
        counts = {"added": 0, "changed": 0, "unchanged": 0, "removed": 0, "passages": 0}
        problems: list[FileProblem] = []
        cancelled = False
        total = len(paths) + len(gone)
        done = 0
        for path in gone:
            if should_stop is not None and should_stop():
                cancelled = True
                break
            with self.transaction() as db:
                file_id = known[path][0]
                db.execute("DELETE FROM passages WHERE file_id = ?", (file_id,))
                db.execute("DELETE FROM files WHERE id = ?", (file_id,))
            counts["removed"] += 1
            done += 1
        for path in [] if cancelled else paths:
            if progress is not None:
                progress(IndexProgress(collection_id, done, total, path))
            if should_stop is not None and should_stop():
                cancelled = True
                break
            try:
                outcome, written, problem = self._update_file(
                    collection_id, path, known.get(path), extractor, should_stop
                )
            except ExtractionStopped:  # asked to stop within the file: it stays as it was
                cancelled = True
                break
            counts[outcome] += 1
            counts["passages"] += written
            if problem is not None:
                problems.append(problem)
            done += 1
        if not cancelled:
            try:
                counts["passages"] += self._restore_repeats(collection_id, extractor, should_stop)
            except ExtractionStopped:
                cancelled = True
        if not cancelled:
            with self.transaction() as db:
                db.execute(
                    "UPDATE collections SET indexed_at = ? WHERE id = ?",
                    (self.now(), collection_id),
                )
            if progress is not None:
                progress(IndexProgress(collection_id, total, total, ""))
        return UpdateReport(
            collection_id,
            counts["added"],
            counts["changed"],
            counts["removed"],
            counts["unchanged"],
            tuple(problems),
            tuple(missing),
            counts["passages"],
            cancelled,
            time.perf_counter() - started,
        )

    def _restore_repeats(
        self, collection_id: int, extractor: Extractor, should_stop: Callable[[], bool] | None
    ) -> int:
        """Reads again each file that left out a text no passage of the collection has any
        more (the file that had it changed or went); returns the passages written. A few
        rounds at most: a file read again keeps what it had, so one round nearly always does."""
        written = 0
        for _ in range(3):
            # A file that cannot be read now (an unplugged drive) keeps what it has.
            paths = [p for p in lost_repeats(self.connection, collection_id) if os.path.isfile(p)]
            if not paths:
                break
            for path in paths:
                if should_stop is not None and should_stop():
                    raise ExtractionStopped()
                written += self._update_file(collection_id, path, None, extractor, should_stop)[1]
        return written

    def _update_file(
        self,
        collection_id: int,
        path: str,
        known: tuple[int, int, int, str, str | None] | None,
        extractor: Extractor,
        should_stop: Callable[[], bool] | None = None,
    ) -> tuple[str, int, FileProblem | None]:
        """(outcome, passages written, problem) for one file, in one transaction.

        Reading runs within the file's budget (``documents.budget``): too slow or too much text
        is recorded as unreadable; ``ExtractionStopped`` (a stop asked meanwhile) passes up."""
        outcome = "added" if known is None else "changed"
        try:
            stat = os.stat(path)
            same_stat = known is not None and (stat.st_size, stat.st_mtime_ns) == known[1:3]
            if same_stat and stat.st_size > HASH_ALWAYS_BYTES:
                return "unchanged", 0, None
            data = read_regular_file(path, 64 * 1024 * 1024 + 1)
        except OSError as e:
            problem = FileProblem(path, UnreadableReason.IO_ERROR, e.strerror or str(e))
            self._store_file(collection_id, path, (0, 0, ""), [], problem)
            return outcome, 0, problem
        digest = hashlib.sha256(data).hexdigest()
        facts = (stat.st_size, stat.st_mtime_ns, digest)
        if known is not None and known[3] == digest and same_stat:
            return "unchanged", 0, None  # a small file read again: the same content
        if known is not None and known[3] == digest and known[4] is None:
            with self.transaction() as db:  # touched or copied, same content
                db.execute(
                    "UPDATE files SET size = ?, mtime_ns = ? WHERE id = ?",
                    (stat.st_size, stat.st_mtime_ns, known[0]),
                )
            return "unchanged", 0, None
        try:
            if len(data) > 64 * 1024 * 1024:
                raise Unreadable(UnreadableReason.TOO_LARGE, f"{stat.st_size} bytes")
            with reading_budget(ExtractionBudget(should_stop=should_stop)):
                passages = split_passages(extractor.extract(data, os.path.basename(path)))
            if not passages:
                raise Unreadable(UnreadableReason.NO_TEXT, "the file holds no text")
        except ExtractionStopped:
            raise
        except Unreadable as e:
            problem = FileProblem(path, e.reason, e.detail)
            self._store_file(collection_id, path, facts, [], problem)
            return outcome, 0, problem
        except Exception as e:  # an extractor bug must not stop the other files
            log.exception("extracting %s failed", path)
            problem = FileProblem(path, UnreadableReason.DAMAGED, f"{type(e).__name__}: {e}")
            self._store_file(collection_id, path, facts, [], problem)
            return outcome, 0, problem
        stored = self._store_file(collection_id, path, facts, passages, None)
        return outcome, stored, None

    def _store_file(
        self,
        collection_id: int,
        path: str,
        facts: tuple[int, int, str],
        passages: Sequence[Passage],
        problem: FileProblem | None,
    ) -> int:
        """Replaces a file's row and passages in one transaction; returns how many passages
        were stored: a text the collection (or this file) already has is left out."""
        with self.transaction() as db:
            for table in ("passages", "passage_repeats"):
                db.execute(
                    f"DELETE FROM {table} WHERE file_id IN"
                    " (SELECT id FROM files WHERE collection_id = ? AND path = ?)",
                    (collection_id, path),
                )
            keys = [passage_key(p.text) for p in passages]
            elsewhere = stored_keys(db, collection_id, set(keys))
            seen = set(elsewhere)
            kept: list[tuple[int, Passage, str]] = []
            for i, (passage, key) in enumerate(zip(passages, keys, strict=True)):
                if key not in seen:
                    seen.add(key)
                    kept.append((i, passage, key))
            row = db.execute(
                "INSERT INTO files(collection_id, path, size, mtime_ns, sha256, problem, detail,"
                " passages, indexed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(collection_id, path) DO UPDATE SET size = excluded.size,"
                " mtime_ns = excluded.mtime_ns, sha256 = excluded.sha256,"
                " problem = excluded.problem, detail = excluded.detail,"
                " passages = excluded.passages, indexed_at = excluded.indexed_at RETURNING id",
                (
                    collection_id,
                    path,
                    *facts,
                    None if problem is None else problem.reason.value,
                    "" if problem is None else problem.detail,
                    len(kept),
                    self.now(),
                ),
            ).fetchone()
            db.executemany(
                "INSERT INTO passages(file_id, ordinal, page, heading, text, text_key)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [(row[0], i, p.page, p.heading, p.text, key) for i, p, key in kept],
            )
            db.executemany(
                "INSERT INTO passage_repeats(file_id, text_key) VALUES (?, ?)",
                [(row[0], key) for key in sorted(elsewhere)],
            )
        return len(kept)


def stored_keys(db: sqlite3.Connection, collection_id: int, keys: set[str]) -> set[str]:
    """Those of `keys` (``passages.passage_key``) that a passage of the collection has."""
    found: set[str] = set()
    ordered = sorted(keys)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        marks = ",".join("?" * len(chunk))
        found.update(
            row[0]
            for row in db.execute(
                "SELECT DISTINCT p.text_key FROM passages p JOIN files f ON f.id = p.file_id"
                f" WHERE f.collection_id = ? AND p.text_key IN ({marks})",
                (collection_id, *chunk),
            )
        )
    return found


def lost_repeats(db: sqlite3.Connection, collection_id: int) -> list[str]:
    """Files of the collection that left out a text no passage of the collection has now."""
    return [
        row[0]
        for row in db.execute(
            "SELECT DISTINCT f.path FROM passage_repeats r JOIN files f ON f.id = r.file_id"
            " WHERE f.collection_id = ?1 AND NOT EXISTS (SELECT 1 FROM passages p"
            " JOIN files g ON g.id = p.file_id"
            " WHERE p.text_key = r.text_key AND g.collection_id = ?1)",
            (collection_id,),
        )
    ]


def _regular_inside(path: str, allowed: Sequence[str]) -> bool:
    """Whether ``path`` is a regular file (links followed) whose real path is one of, or
    inside one of, the ``allowed`` real paths."""
    try:
        if not stat_module.S_ISREG(os.stat(path).st_mode):
            log.info("not indexed, not a regular file: %s", path)
            return False
    except OSError:
        return False
    real = os.path.realpath(path)
    if any(_under(real, place) for place in allowed):
        return True
    log.info("not indexed, a link out of the collection's folders: %s -> %s", path, real)
    return False


def read_regular_file(path: str, limit: int) -> bytes:
    """Up to ``limit`` bytes of ``path``, refusing (OSError) anything but a regular file.

    Opened without blocking and checked after opening, so a file swapped for a FIFO between
    the scan and the read cannot hang the index thread.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as f:
        if not stat_module.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", path)
        return f.read(limit)


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def normalize_name(name: str) -> str:
    """A collection name as shown: NFC, single spaces (names come from a text field)."""
    return " ".join(unicodedata.normalize("NFC", name).split())

"""Collections of the user's documents and a BM25 index over their passages (``documents.db``).

Why it is built this way:

- Its own SQLite file beside ``hearthside.db``: the index is large, rebuilt from the files at
  will, and written for minutes at a time while a folder is indexed; none of that should touch
  the conversations' file, its backups or its integrity check. Same rules otherwise (see
  store/conversations.py): WAL, ``PRAGMA user_version`` with an append-only ``MIGRATIONS`` list, a
  damaged or newer file is moved aside with a timestamp and the index starts empty.
- One transaction per file: the old passages go and the new ones arrive together, so stopping
  (cancel, crash, power cut) between files or in the middle of one leaves every file either
  as it was or fully re-indexed. The file row (size, mtime, SHA-256) is written in the same
  transaction, so the next update picks up exactly where this one stopped.
- Change detection: size and mtime first (one ``stat``), then the content hash, so touching a
  file or copying a folder does not re-extract a thousand PDFs.
- A folder that has gone (an unplugged drive) keeps its files in the index and is reported;
  a file that has gone from a folder that is still there is removed.
- Words: FTS5 with the porter stemmer over unicode61 (diacritics folded), so "opened" finds
  "opening"; the heading is a second, lighter column. Scripts without spaces (CJK) use a
  trigram table (substring match), queried with the trigrams of what the user typed.
- Questions are natural language, so terms are OR-ed and BM25 ranks; English function words
  are dropped. What the user typed never reaches FTS5 as syntax: every term is quoted.
- "Nothing relevant" has to be detectable, and a raw BM25 score means nothing across
  collections. Each hit also carries ``coverage``: the share of the question's weight (IDF of
  its terms) that the passage contains. Hits under ``min_coverage`` are dropped, so an empty
  result means the documents do not talk about it.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import os
import re
import sqlite3
import time
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from desktop.documents.passages import (
    Extractor,
    Passage,
    Unreadable,
    UnreadableReason,
    clean_text,
    split_passages,
)
from desktop.store.conversations import (
    SqliteDatabase,
    StoreProblem,
    _fts_phrase,
    _needs_substring,
    _trigram_available,
    apply_migrations,
    check_existing,
    open_or_set_aside,
    run_script,
)

log = logging.getLogger(__name__)

DB_FILE_NAME: Final = "documents.db"
# A hit whose passage holds less than this share of the question's weight is not an answer.
RELEVANT_COVERAGE: Final = 0.4

_WORDS_TOKENIZER: Final = "porter unicode61 remove_diacritics 2"
# Matches come back between these (Unicode noncharacters; passages never contain them).
_START: Final = "\ufdd0"
_END: Final = "\ufdd1"
_TRIGRAM: Final = 3
_MAX_TERMS: Final = 32
# Folders a scan never enters: tools' caches and other programs' innards, not documents.
_SKIP_DIRS: Final = frozenset(
    {"node_modules", "__pycache__", "venv", ".venv", "site-packages", "target", "build", "dist"}
)
# bm25 column weights: passage text, heading.
_BM25: Final = "bm25(passage_words, 1.0, 0.4)"
# Meaning search: a passage at least this similar (cosine) to the question counts as relevant
# on its own. Embedding models differ; this is deliberately strict so that BM25's "nothing
# relevant" still speaks when the vectors only find loose neighbours.
VECTOR_RELEVANT: Final = 0.6
# Reciprocal rank fusion constant (Cormack et al. 2009).
_RRF_K: Final = 60
# At most about this many candidates are ranked by BM25 per question (see _search_words).
_RANKED_ROWS: Final = 8_000
_WORD = re.compile(r"\w+")

# English function words: near zero IDF in a large collection, but absent from a small one,
# where they would look like rare words the passage lacks.
_STOPWORD_TEXT: Final = """
    a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves
    tell know say said please give show explain describe find many much whose"""
STOPWORDS: Final = frozenset(_STOPWORD_TEXT.split())


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


@dataclass(frozen=True, slots=True)
class PassageHit:
    """One retrieved passage. ``score``: BM25, higher is better, comparable only within one
    search. ``coverage``: 0..1, the share of the question's (IDF-weighted) terms found in the
    passage or its heading. ``highlights``: (start, end) character ranges of matched words in
    ``text``."""

    passage_id: int
    collection_id: int
    file: str
    page: int | None
    heading: str | None
    text: str
    score: float
    coverage: float
    highlights: tuple[tuple[int, int], ...]


class CollectionError(Exception):
    """A request the index cannot carry out (an unknown collection)."""


# --- schema -------------------------------------------------------------------------------


def _migration_1_initial(conn: sqlite3.Connection) -> None:
    """Collections, their sources, files, passages, and the FTS tables kept in sync by
    triggers (passages are only ever inserted and deleted, never updated)."""
    run_script(
        conn,
        """
        CREATE TABLE collections (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            created_at REAL NOT NULL,
            indexed_at REAL
        );
        CREATE TABLE sources (
            id INTEGER PRIMARY KEY,
            collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            UNIQUE (collection_id, path)
        );
        CREATE TABLE files (
            id INTEGER PRIMARY KEY,
            collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            problem TEXT,
            detail TEXT NOT NULL DEFAULT '',
            passages INTEGER NOT NULL DEFAULT 0,
            indexed_at REAL NOT NULL,
            UNIQUE (collection_id, path)
        );
        CREATE TABLE passages (
            id INTEGER PRIMARY KEY,
            file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL,
            page INTEGER,
            heading TEXT,
            text TEXT NOT NULL
        );
        CREATE INDEX passages_by_file ON passages(file_id, ordinal);
        """,
    )
    conn.execute(
        "CREATE VIRTUAL TABLE passage_words USING fts5(text, heading, content='passages',"
        f" content_rowid='id', tokenize='{_WORDS_TOKENIZER}')"
    )
    tables = {"passage_words": "text, heading"}
    if _trigram_available(conn):
        conn.execute(
            "CREATE VIRTUAL TABLE passage_trigrams USING fts5(text, content='passages',"
            " content_rowid='id', tokenize='trigram')"
        )
        tables["passage_trigrams"] = "text"
    add = "".join(
        f"INSERT INTO {t}(rowid, {cols}) VALUES (new.id, {_cols('new', cols)});"
        for t, cols in tables.items()
    )
    remove = "".join(
        f"INSERT INTO {t}({t}, rowid, {cols}) VALUES ('delete', old.id, {_cols('old', cols)});"
        for t, cols in tables.items()
    )
    run_script(
        conn,
        f"""
        CREATE TRIGGER passages_indexed_insert AFTER INSERT ON passages BEGIN {add} END;
        CREATE TRIGGER passages_indexed_delete AFTER DELETE ON passages BEGIN {remove} END;
        """,
    )


def _cols(prefix: str, cols: str) -> str:
    return ", ".join(f"{prefix}.{c.strip()}" for c in cols.split(","))


def _migration_2_vectors(conn: sqlite3.Connection) -> None:
    """Embeddings of passages for meaning search, per embedding model (a model's vectors mean
    nothing to another one). float32 little-endian, L2-normalized."""
    run_script(
        conn,
        """
        CREATE TABLE passage_vectors (
            passage_id INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (passage_id, model)
        ) WITHOUT ROWID;
        CREATE INDEX passage_vectors_by_model ON passage_vectors(model, passage_id);
        """,
    )


def _migration_3_collection_ids(conn: sqlite3.Connection) -> None:
    """The highest collection id ever given out, so a deleted collection's id is never given
    to a new one: chats keep the ids of the collections attached to them, and a reused id
    would quietly attach the new collection to them."""
    run_script(
        conn,
        """
        CREATE TABLE collection_ids (last INTEGER NOT NULL);
        INSERT INTO collection_ids SELECT coalesce(max(id), 0) FROM collections;
        """,
    )


# Index i holds the migration from version i to version i + 1. Append only.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _migration_1_initial,
    _migration_2_vectors,
    _migration_3_collection_ids,
]


def migrate(conn: sqlite3.Connection, target: int | None = None) -> None:
    """Runs the migrations from the file's version up to ``target`` (default: the latest).
    The connection must be in autocommit mode."""
    apply_migrations(conn, MIGRATIONS, target)


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 10000")
    return conn


# --- query helpers ------------------------------------------------------------------------


def _query_words(query: str) -> tuple[list[str], list[str]]:
    """(word terms, runs without spaces) of what the user typed, deduplicated, capped."""
    text = query.encode("utf-8", "replace").decode("utf-8").replace("\x00", " ")
    words: list[str] = []
    wide: list[str] = []
    for raw in _WORD.findall(clean_text(text)):
        term = raw.lower()
        if _needs_substring(term):
            wide.append(term)
        elif term not in STOPWORDS:
            words.append(term)
    return list(dict.fromkeys(words))[:_MAX_TERMS], list(dict.fromkeys(wide))[:_MAX_TERMS]


def has_search_terms(query: str) -> bool:
    """Whether a question has words of its own to search with ("tell me more" has none)."""
    words, wide = _query_words(query)
    return bool(words or wide)


def _ngrams(term: str, n: int = _TRIGRAM) -> list[str]:
    return [term[i : i + n] for i in range(len(term) - n + 1)] or [term]


def _ranges(marked: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Plain text and the (start, end) ranges SQLite's highlight() marked in it."""
    plain: list[str] = []
    ranges: list[tuple[int, int]] = []
    pos = 0
    start = -1
    for piece in re.split(f"([{_START}{_END}])", marked):
        if piece == _START:
            start = pos
        elif piece == _END:
            if start >= 0:
                ranges.append((start, pos))
            start = -1
        else:
            plain.append(piece)
            pos += len(piece)
    return "".join(plain), tuple(ranges)


def _substring_ranges(text: str, needles: Iterable[str]) -> tuple[tuple[int, int], ...]:
    """Merged ranges of every case-insensitive occurrence of the needles."""
    lowered = text.lower()
    folded = lowered if len(lowered) == len(text) else text  # keep offsets valid
    spans = sorted(
        (m.start(), m.start() + len(n))
        for n in needles
        if n
        for m in re.finditer(re.escape(n), folded)
    )
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return tuple(merged)


def reciprocal_rank_fusion(rankings: Sequence[Sequence[int]], k: int = _RRF_K) -> list[int]:
    """Ids ordered by the sum of 1 / (k + rank) over the rankings they appear in: fuses BM25
    and vector rankings without comparing their incomparable scores."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, 1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores, key=lambda item: (-scores[item], item))


def _idf(total: int, df: int) -> float:
    """Always positive (Lucene's form), so coverage is a proper weighted share."""
    return math.log(1 + (total - df + 0.5) / (df + 0.5))


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


# --- the index ----------------------------------------------------------------------------


class DocumentIndex(SqliteDatabase):
    """Collections and their passages. One instance per thread: the indexing worker opens its
    own (WAL lets the GUI thread search while it writes)."""

    def __init__(self, conn: sqlite3.Connection, path: Path, clock: Callable[[], float]) -> None:
        self._conn = conn
        self.path = path
        self._clock = clock
        self.problem: StoreProblem | None = None
        self.has_trigram = bool(
            conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'passage_trigrams'").fetchone()
        )
        # Kept until the next write (see _version): passage count, indexed collections, df.
        self._total_cache: tuple[tuple[int, int], int] = ((-1, -1), 0)
        self._indexed_cache: tuple[tuple[int, int], set[int]] = ((-1, -1), set())
        self._df_cache: tuple[tuple[int, int], dict[str, int]] = ((-1, -1), {})
        self._own_writes = 0  # data_version does not count this connection's own commits
        self._vector_cache: tuple[object, object, object] | None = None
        run_script(
            conn,
            f"""
            CREATE VIRTUAL TABLE IF NOT EXISTS temp.query_terms
                USING fts5(x, tokenize='{_WORDS_TOKENIZER}');
            CREATE VIRTUAL TABLE IF NOT EXISTS temp.query_stems
                USING fts5vocab(temp, query_terms, instance);
            CREATE VIRTUAL TABLE IF NOT EXISTS temp.passage_vocab
                USING fts5vocab(main, passage_words, row);
            """,
        )

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
                check_existing(path, conn, len(MIGRATIONS), full=False)
            conn.execute("PRAGMA journal_mode = WAL")

        conn, problem = open_or_set_aside(path, clock(), _connect, migrate, prepare)
        # NORMAL, not FULL: in WAL mode a power cut can lose the last commits but never
        # corrupts the file, and this index is rebuilt from the documents anyway.
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        index = cls(conn, path, clock)
        index.problem = problem
        return index

    # --- collections ---

    def create_collection(self, name: str, sources: Iterable[Path | str] = ()) -> int:
        with self._write() as db:
            last = db.execute(
                "SELECT max(coalesce((SELECT max(last) FROM collection_ids), 0),"
                " coalesce((SELECT max(id) FROM collections), 0))"
            ).fetchone()[0]
            collection_id = int(last) + 1
            db.execute(
                "INSERT INTO collections(id, name, created_at) VALUES (?, ?, ?)",
                (collection_id, normalize_name(name), self._clock()),
            )
            db.execute("DELETE FROM collection_ids")
            db.execute("INSERT INTO collection_ids(last) VALUES (?)", (collection_id,))
            self._add_sources(db, collection_id, sources)
        return collection_id

    def rename_collection(self, collection_id: int, name: str) -> None:
        with self._write() as db:
            self._require(db, collection_id)
            db.execute(
                "UPDATE collections SET name = ? WHERE id = ?",
                (normalize_name(name), collection_id),
            )

    def delete_collection(self, collection_id: int) -> None:
        """Removes the collection and its index (never the user's files)."""
        with self._write() as db:
            db.execute(
                "DELETE FROM passages WHERE file_id IN"
                " (SELECT id FROM files WHERE collection_id = ?)",
                (collection_id,),
            )
            db.execute("DELETE FROM collections WHERE id = ?", (collection_id,))

    def add_sources(self, collection_id: int, sources: Iterable[Path | str]) -> None:
        """Adds folders or files; they are indexed on the next ``update``."""
        with self._write() as db:
            self._require(db, collection_id)
            self._add_sources(db, collection_id, sources)

    def remove_source(self, collection_id: int, source: Path | str) -> None:
        """Forgets a folder or file; its passages go on the next ``update``."""
        with self._write() as db:
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
        rows = self._conn.execute(
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
        rows = self._conn.execute(
            "SELECT path FROM sources WHERE collection_id = ? ORDER BY path", (collection_id,)
        )
        return [r[0] for r in rows]

    def files(self, collection_id: int) -> list[IndexedFile]:
        rows = self._conn.execute(
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
        rows = self._conn.execute(
            "SELECT p.text, p.page, p.heading FROM passages p JOIN files f ON f.id = p.file_id"
            " WHERE f.collection_id = ? AND f.path = ? ORDER BY p.ordinal",
            (collection_id, path),
        )
        return [Passage(*r) for r in rows]

    # --- updating ---

    def scan(self, collection_id: int, suffixes: Collection[str]) -> tuple[list[str], list[str]]:
        """(files the sources hold now, sources that are missing). Folders are walked without
        following links, skipping hidden entries and build/cache folders; a file added by
        itself is taken whatever its suffix."""
        found: dict[str, None] = {}
        missing: list[str] = []
        for source in self.sources(collection_id):
            if os.path.isfile(source):
                found[source] = None
            elif os.path.isdir(source):
                for root, dirs, names in os.walk(source):
                    dirs[:] = sorted(d for d in dirs if not _is_hidden(d) and d not in _SKIP_DIRS)
                    for name in sorted(names):
                        if not _is_hidden(name) and os.path.splitext(name)[1].lower() in suffixes:
                            found[os.path.join(root, name)] = None
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
        with self._write() as db:
            self._require(db, collection_id)
        paths, missing = self.scan(collection_id, extractor.suffixes)
        known = {
            r[0]: (r[1], r[2], r[3], r[4], r[5])
            for r in self._conn.execute(
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
            with self._write() as db:
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
            outcome, written, problem = self._update_file(
                collection_id, path, known.get(path), extractor
            )
            counts[outcome] += 1
            counts["passages"] += written
            if problem is not None:
                problems.append(problem)
            done += 1
        if not cancelled:
            with self._write() as db:
                db.execute(
                    "UPDATE collections SET indexed_at = ? WHERE id = ?",
                    (self._clock(), collection_id),
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

    def _update_file(
        self,
        collection_id: int,
        path: str,
        known: tuple[int, int, int, str, str | None] | None,
        extractor: Extractor,
    ) -> tuple[str, int, FileProblem | None]:
        """(outcome, passages written, problem) for one file, in one transaction."""
        outcome = "added" if known is None else "changed"
        try:
            stat = os.stat(path)
            if known is not None and (stat.st_size, stat.st_mtime_ns) == known[1:3]:
                return "unchanged", 0, None
            with open(path, "rb") as f:
                data = f.read(64 * 1024 * 1024 + 1)
        except OSError as e:
            problem = FileProblem(path, UnreadableReason.IO_ERROR, e.strerror or str(e))
            self._store_file(collection_id, path, (0, 0, ""), [], problem)
            return outcome, 0, problem
        digest = hashlib.sha256(data).hexdigest()
        facts = (stat.st_size, stat.st_mtime_ns, digest)
        if known is not None and known[3] == digest and known[4] is None:
            with self._write() as db:  # touched or copied, same content
                db.execute(
                    "UPDATE files SET size = ?, mtime_ns = ? WHERE id = ?",
                    (stat.st_size, stat.st_mtime_ns, known[0]),
                )
            return "unchanged", 0, None
        try:
            if len(data) > 64 * 1024 * 1024:
                raise Unreadable(UnreadableReason.TOO_LARGE, f"{stat.st_size} bytes")
            passages = split_passages(extractor.extract(data, os.path.basename(path)))
            if not passages:
                raise Unreadable(UnreadableReason.NO_TEXT, "the file holds no text")
        except Unreadable as e:
            problem = FileProblem(path, e.reason, e.detail)
            self._store_file(collection_id, path, facts, [], problem)
            return outcome, 0, problem
        except Exception as e:  # an extractor bug must not stop the other files
            log.exception("extracting %s failed", path)
            problem = FileProblem(path, UnreadableReason.DAMAGED, f"{type(e).__name__}: {e}")
            self._store_file(collection_id, path, facts, [], problem)
            return outcome, 0, problem
        self._store_file(collection_id, path, facts, passages, None)
        return outcome, len(passages), None

    def _store_file(
        self,
        collection_id: int,
        path: str,
        facts: tuple[int, int, str],
        passages: Sequence[Passage],
        problem: FileProblem | None,
    ) -> None:
        """Replaces a file's row and passages in one transaction."""
        with self._write() as db:
            db.execute(
                "DELETE FROM passages WHERE file_id IN"
                " (SELECT id FROM files WHERE collection_id = ? AND path = ?)",
                (collection_id, path),
            )
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
                    len(passages),
                    self._clock(),
                ),
            ).fetchone()
            db.executemany(
                "INSERT INTO passages(file_id, ordinal, page, heading, text)"
                " VALUES (?, ?, ?, ?, ?)",
                [(row[0], i, p.page, p.heading, p.text) for i, p in enumerate(passages)],
            )

    # --- retrieval ---

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        self._own_writes += 1
        with super()._write() as db:
            yield db
        self._own_writes += 1

    def _version(self) -> tuple[int, int]:
        """Changes whenever any connection (this one included) committed since last asked."""
        return self._conn.execute("PRAGMA data_version").fetchone()[0], self._own_writes

    def _doc_freqs(self, stems: Sequence[str]) -> dict[str, int]:
        """Passages holding each stem. fts5vocab counts by walking the term's whole doclist
        (~15 ms for a word in every passage of 100k), so counts are kept until the next write."""
        version = self._version()
        if self._df_cache[0] != version or len(self._df_cache[1]) > 4096:
            self._df_cache = (version, {})
        known = self._df_cache[1]
        missing = [s for s in stems if s not in known]
        if missing:
            marks = ",".join("?" * len(missing))
            found = dict(
                self._conn.execute(
                    f"SELECT term, doc FROM temp.passage_vocab WHERE term IN ({marks})", missing
                ).fetchall()
            )
            for stem in missing:
                known[stem] = found.get(stem, 0)
        return {s: known[s] for s in stems if known[s]}

    def _collections_with_passages(self) -> set[int]:
        """Collections that have indexed files, recounted only after a write."""
        version = self._version()
        if self._indexed_cache[0] != version:
            rows = self._conn.execute(
                "SELECT DISTINCT collection_id FROM files WHERE passages > 0"
            ).fetchall()
            self._indexed_cache = (version, {r[0] for r in rows})
        return self._indexed_cache[1]

    def _passage_total(self) -> int:
        """Passages in the index, recounted only when some connection wrote since."""
        version = self._version()
        if self._total_cache[0] != version:
            count = self._conn.execute("SELECT count(*) FROM passages").fetchone()[0]
            self._total_cache = (version, count)
        return self._total_cache[1]

    def search(
        self,
        collection_ids: Collection[int],
        query: str,
        limit: int = 5,
        *,
        min_coverage: float = RELEVANT_COVERAGE,
        query_vector: Sequence[float] | None = None,
        vector_model: str = "",
        min_similarity: float = VECTOR_RELEVANT,
    ) -> list[PassageHit]:
        """The best passages for a question, best first. Never raises on what the user typed.
        An empty list means nothing relevant: say so rather than answer without sources.

        With ``query_vector`` (the question embedded by ``vector_model``) and vectors stored for
        that model, BM25 and vector rankings are fused by reciprocal rank; a passage found only
        by meaning must be at least ``min_similarity`` similar to count."""
        ids = sorted({int(i) for i in collection_ids})
        if not ids or limit <= 0:
            return []
        wide_limit = limit * 4 if query_vector is not None else limit
        lexical = self._search_lexical(ids, query, wide_limit, min_coverage)
        if query_vector is None or not vector_model:
            return lexical[:limit]
        try:
            nearest = [
                (pid, sim)
                for pid, sim in self.vector_search(ids, query_vector, vector_model, limit * 4)
                if sim >= min_similarity
            ]
        except (sqlite3.OperationalError, ValueError):
            log.exception("vector search failed")
            return lexical[:limit]
        if not nearest:
            return lexical[:limit]
        by_id = {h.passage_id: h for h in lexical}
        similarity = dict(nearest)
        fused = reciprocal_rank_fusion(
            [[h.passage_id for h in lexical], [pid for pid, _ in nearest]]
        )[:limit]
        missing = [pid for pid in fused if pid not in by_id]
        if missing:
            marks = ",".join("?" * len(missing))
            for row in self._conn.execute(
                "SELECT p.id, f.collection_id, f.path, p.page, p.heading, p.text FROM passages p"
                f" JOIN files f ON f.id = p.file_id WHERE p.id IN ({marks})",
                missing,
            ):
                by_id[row[0]] = PassageHit(
                    *row[:5],
                    text=row[5],
                    score=similarity[row[0]],
                    coverage=similarity[row[0]],
                    highlights=(),
                )
        return [by_id[pid] for pid in fused if pid in by_id]

    def _search_lexical(
        self, ids: list[int], query: str, limit: int, min_coverage: float
    ) -> list[PassageHit]:
        words, wide = _query_words(query)
        try:
            if wide:
                return self._search_substrings(ids, words, wide, limit, min_coverage)
            if words:
                return self._search_words(ids, words, limit, min_coverage)
        except sqlite3.OperationalError:
            log.exception("document search failed for %r", query)
        return []

    # --- vectors ---

    def passages_without_vectors(
        self, collection_id: int, model: str, limit: int = 32
    ) -> list[tuple[int, str]]:
        """(passage id, text) of passages that have no vector from ``model`` yet."""
        return self._conn.execute(
            "SELECT p.id, coalesce(p.heading || char(10), '') || p.text FROM passages p"
            " JOIN files f ON f.id = p.file_id WHERE f.collection_id = ? AND NOT EXISTS"
            " (SELECT 1 FROM passage_vectors v WHERE v.passage_id = p.id AND v.model = ?)"
            " ORDER BY p.id LIMIT ?",
            (collection_id, model, limit),
        ).fetchall()

    def count_vectors(self, collection_id: int, model: str) -> tuple[int, int]:
        """(passages with a vector from ``model``, all passages) of a collection."""
        row = self._conn.execute(
            "SELECT count(v.passage_id), count(p.id) FROM passages p"
            " JOIN files f ON f.id = p.file_id"
            " LEFT JOIN passage_vectors v ON v.passage_id = p.id AND v.model = ?"
            " WHERE f.collection_id = ?",
            (model, collection_id),
        ).fetchone()
        return int(row[0]), int(row[1])

    def store_vectors(self, model: str, vectors: Sequence[tuple[int, Sequence[float]]]) -> None:
        """Keeps L2-normalized float32 copies; a passage deleted meanwhile is skipped."""
        import numpy as np

        rows = []
        for passage_id, vector in vectors:
            array = np.asarray(vector, dtype="<f4")
            norm = float(np.linalg.norm(array))
            if array.ndim != 1 or not array.size or not np.isfinite(norm) or norm == 0:
                continue  # a model that returns garbage must not poison the search
            rows.append((passage_id, model, (array / norm).astype("<f4").tobytes()))
        with self._write() as db:
            db.executemany(
                "INSERT OR REPLACE INTO passage_vectors(passage_id, model, vector)"
                " SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM passages WHERE id = ?)",
                [(*r, r[0]) for r in rows],
            )

    def vector_search(
        self, collection_ids: Collection[int], query: Sequence[float], model: str, limit: int
    ) -> list[tuple[int, float]]:
        """(passage id, cosine similarity) of the nearest passages, best first. The matrix of a
        collection set is kept in memory until the next write."""
        import numpy as np

        ids = tuple(sorted(collection_ids))
        key = (self._version(), ids, model)
        if self._vector_cache is None or self._vector_cache[0] != key:
            marks = ",".join("?" * len(ids))
            rows = self._conn.execute(
                "SELECT v.passage_id, v.vector FROM passage_vectors v"
                " JOIN passages p ON p.id = v.passage_id JOIN files f ON f.id = p.file_id"
                f" WHERE v.model = ? AND f.collection_id IN ({marks})",
                (model, *ids),
            ).fetchall()
            sizes = {len(r[1]) for r in rows}
            if len(sizes) > 1:  # vectors of another size: not this model's; use the common one
                common = max(sizes, key=lambda n: sum(1 for r in rows if len(r[1]) == n))
                rows = [r for r in rows if len(r[1]) == common]
            passage_ids = np.array([r[0] for r in rows], dtype=np.int64)
            matrix = (
                np.frombuffer(b"".join(r[1] for r in rows), dtype="<f4").reshape(len(rows), -1)
                if rows
                else np.zeros((0, 0), dtype="<f4")
            )
            self._vector_cache = (key, passage_ids, matrix)
        _, passage_ids, matrix = self._vector_cache
        q = np.asarray(query, dtype="<f4")
        if not len(passage_ids) or q.ndim != 1 or q.shape[0] != matrix.shape[1]:
            return []
        norm = float(np.linalg.norm(q))
        if not np.isfinite(norm) or norm == 0:
            return []
        scores = matrix @ (q / norm)
        count = min(limit, len(scores))
        best = np.argpartition(-scores, count - 1)[:count]
        best = best[np.argsort(-scores[best])]
        return [(int(passage_ids[i]), float(scores[i])) for i in best]

    def _stems(self, rows: Sequence[str]) -> list[set[str]]:
        """The stems the words tokenizer makes of each string (so the query and the matched
        words are compared the way FTS5 compares them)."""
        db = self._conn
        db.execute("DELETE FROM temp.query_terms")
        db.executemany(
            "INSERT INTO temp.query_terms(rowid, x) VALUES (?, ?)",
            [(i + 1, text) for i, text in enumerate(rows)],
        )
        stems: list[set[str]] = [set() for _ in rows]
        for term, doc in db.execute("SELECT term, doc FROM temp.query_stems"):
            stems[doc - 1].add(term)
        db.execute("DELETE FROM temp.query_terms")
        return stems

    def _search_words(
        self, ids: list[int], words: list[str], limit: int, min_coverage: float
    ) -> list[PassageHit]:
        total = self._passage_total()
        if total == 0:
            return []
        term_stems = self._stems(words)
        all_stems = sorted(set().union(*term_stems))
        if not all_stems:
            return []
        df = self._doc_freqs(all_stems)
        weight = {s: _idf(total, df.get(s, 0)) for s in all_stems}
        query_weight = sum(weight.values())
        # Terms in more than half the passages add nothing to BM25 (FTS5 clamps their IDF)
        # but cost a full scan; leave them out of the match unless nothing else is left.
        useful = [w for w, s in zip(words, term_stems, strict=True) if any(df.get(x) for x in s)]
        rare = [
            w
            for w, s in zip(words, term_stems, strict=True)
            if w in useful and all(df.get(x, 0) <= total // 2 for x in s)
        ]
        chosen = rare or useful
        if not chosen:
            return []
        # Stage 1 ranks with the rarest terms whose posting lists add up to at most
        # _RANKED_ROWS: BM25 costs ~1 µs a candidate, and the common terms left out carry the
        # least weight. When even the rarest term matches more, a uniform sample of its
        # passages is ranked (the words then barely tell passages apart anyway).
        term_df = {
            w: max((df.get(x, 0) for x in s), default=0)
            for w, s in zip(words, term_stems, strict=True)
        }
        ranked: list[str] = []
        candidates = 0
        for word in sorted(chosen, key=lambda w: term_df[w]):
            if ranked and candidates + term_df[word] > _RANKED_ROWS:
                break
            ranked.append(word)
            candidates += term_df[word]
        step = max(1, math.ceil(candidates / _RANKED_ROWS))
        sample = f" AND passage_words.rowid % {step} = 0" if step > 1 else ""
        ranked_match = " OR ".join(map(_fts_phrase, ranked))
        wanted = max(limit * 4, 20)
        collections = ",".join("?" * len(ids))
        if set(ids) >= self._collections_with_passages():
            # Every passage is wanted: rank in FTS5 alone, no join per candidate.
            top = self._conn.execute(
                f"SELECT rowid, {_BM25} AS score FROM passage_words"
                f" WHERE passage_words MATCH ?{sample} ORDER BY score LIMIT ?",
                (ranked_match, wanted),
            ).fetchall()
        else:
            top = self._conn.execute(
                f"SELECT p.id, {_BM25} AS score"
                " FROM passage_words JOIN passages p ON p.id = passage_words.rowid"
                " JOIN files f ON f.id = p.file_id"
                f" WHERE passage_words MATCH ? AND f.collection_id IN ({collections}){sample}"
                " ORDER BY score LIMIT ?",
                (ranked_match, *ids, wanted),
            ).fetchall()
        if not top:
            return []
        # Stage 2 marks every chosen term, but only in the passages stage 1 kept.
        marks = ",".join("?" * len(top))
        top_ids = [r[0] for r in top]
        details = {
            r[0]: r[1:]
            for r in self._conn.execute(
                "SELECT p.id, f.collection_id, f.path, p.page, p.heading FROM passages p"
                f" JOIN files f ON f.id = p.file_id WHERE p.id IN ({marks})",
                top_ids,
            )
        }
        marked = {
            r[0]: (r[1], r[2])
            for r in self._conn.execute(
                f"SELECT rowid, highlight(passage_words, 0, '{_START}', '{_END}'),"
                f" highlight(passage_words, 1, '{_START}', '{_END}') FROM passage_words"
                f" WHERE passage_words MATCH ? AND rowid IN ({marks})",
                (" OR ".join(map(_fts_phrase, chosen)), *top_ids),
            )
        }
        rows = [
            (r[0], *details[r[0]], *marked[r[0]], r[1])
            for r in top
            if r[0] in marked and r[0] in details
        ]
        if not rows:
            return []
        texts = [_ranges(r[5]) for r in rows]
        headings = [_ranges(r[6] or "") for r in rows]
        matched = [
            " ".join(t[r[0] : r[1]] for t, rs in (text, heading) for r in rs)
            for text, heading in zip(texts, headings, strict=True)
        ]
        found = self._stems(matched)
        hits = []
        for row, (text, ranges), stems in zip(rows, texts, found, strict=True):
            coverage = sum(weight[s] for s in stems if s in weight) / query_weight
            if coverage + 1e-9 >= min_coverage:
                hits.append(
                    PassageHit(
                        *row[:5],
                        text=text,
                        score=-row[7],
                        coverage=min(1.0, coverage),
                        highlights=ranges,
                    )
                )
        return hits[:limit]

    def _search_substrings(
        self, ids: list[int], words: list[str], wide: list[str], limit: int, min_coverage: float
    ) -> list[PassageHit]:
        """Queries with CJK (or other unspaced) text: trigrams of each run, ranked by BM25 on
        the trigram table; runs shorter than a trigram fall back to a LIKE scan."""
        needles = [w for w in words if len(w) >= _TRIGRAM]
        for run in wide:
            needles.extend(_ngrams(run))
        needles = list(dict.fromkeys(needles))
        short = [n for n in needles if len(n) < _TRIGRAM]
        collections = ",".join("?" * len(ids))
        if self.has_trigram and not short:
            match = " OR ".join(map(_fts_phrase, needles))
            rows = self._conn.execute(
                "SELECT p.id, f.collection_id, f.path, p.page, p.heading, p.text,"
                " bm25(passage_trigrams) AS score"
                " FROM passage_trigrams JOIN passages p ON p.id = passage_trigrams.rowid"
                " JOIN files f ON f.id = p.file_id"
                f" WHERE passage_trigrams MATCH ? AND f.collection_id IN ({collections})"
                " ORDER BY score LIMIT ?",
                (match, *ids, max(limit * 4, 20)),
            ).fetchall()
        else:
            # Short terms: nothing indexes them; a scan is still fast for a few collections.
            where = " OR ".join(["instr(lower(p.text), ?) > 0"] * len(needles))
            rows = self._conn.execute(
                "SELECT p.id, f.collection_id, f.path, p.page, p.heading, p.text, 0.0"
                " FROM passages p JOIN files f ON f.id = p.file_id"
                f" WHERE f.collection_id IN ({collections}) AND ({where}) LIMIT ?",
                (*ids, *needles, max(limit * 4, 20)),
            ).fetchall()
        # Coverage over character pairs (most Chinese words are two characters), unweighted:
        # nothing here knows which pairs are particles, so the bar is half the usual one.
        pairs = list(dict.fromkeys(p for run in wide for p in _ngrams(run, 2))) + words
        hits = []
        for row in rows:
            text = row[5]
            folded = text.lower()
            coverage = sum(1 for n in pairs if n in folded) / len(pairs) if pairs else 0.0
            if coverage + 1e-9 >= min_coverage / 2:
                ranges = _substring_ranges(text, needles)
                hits.append(
                    PassageHit(
                        *row[:5], text=text, score=-row[6], coverage=coverage, highlights=ranges
                    )
                )
        hits.sort(key=lambda h: (-h.coverage, -h.score))
        return hits[:limit]


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def normalize_name(name: str) -> str:
    """A collection name as shown: NFC, single spaces (names come from a text field)."""
    return " ".join(unicodedata.normalize("NFC", name).split())

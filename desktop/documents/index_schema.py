"""The schema of ``documents.db``: its migrations, in order (append only; a shipped migration
is never edited), run by ``store.sqlite.apply_migrations``.

Words: FTS5 with the porter stemmer over unicode61 (diacritics folded), so "opened" finds
"opening"; the heading is a second, lighter column. Scripts without spaces (CJK) use a trigram
table (substring match) when this SQLite has the trigram tokenizer.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Final

from desktop.documents.passages import passage_key
from desktop.store.sqlite import apply_migrations, connect, run_script, trigram_available

WORDS_TOKENIZER: Final = "porter unicode61 remove_diacritics 2"


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
        f" content_rowid='id', tokenize='{WORDS_TOKENIZER}')"
    )
    tables = {"passage_words": "text, heading"}
    if trigram_available(conn):
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


def _migration_4_repeats(conn: sqlite3.Connection) -> None:
    """A passage whose text another passage of the collection already has is stored once
    (issue 16 item 18): ``passages.text_key`` (``passages.passage_key``) finds the copy, and
    ``passage_repeats`` remembers which file left out which text, so that file is read again
    when the passage it relied on goes (its file changed or left the collection)."""
    conn.create_function("passage_key", 1, passage_key, deterministic=True)
    run_script(
        conn,
        """
        ALTER TABLE passages ADD COLUMN text_key TEXT;
        UPDATE passages SET text_key = passage_key(text);
        CREATE INDEX passages_by_key ON passages(text_key);
        CREATE TABLE passage_repeats (
            file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
            text_key TEXT NOT NULL
        );
        CREATE INDEX passage_repeats_by_file ON passage_repeats(file_id);
        """,
    )


def _migration_5_pdfs_read_again(conn: sqlite3.Connection) -> None:
    """PDFs are read again at the next update: their text used to keep typographic ligatures
    ("ﬁ") and tabs, so "filing" never found "ﬁling" (documents/extract.py). A size no file
    has and no digest make the update see each one as changed; nothing else is touched."""
    conn.execute("UPDATE files SET size = -1, sha256 = '' WHERE lower(path) LIKE '%.pdf'")


# Index i holds the migration from version i to version i + 1. Append only.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _migration_1_initial,
    _migration_2_vectors,
    _migration_3_collection_ids,
    _migration_4_repeats,
    _migration_5_pdfs_read_again,
]


def migrate(conn: sqlite3.Connection, target: int | None = None) -> None:
    """Runs the migrations from the file's version up to ``target`` (default: the latest).
    The connection must be in autocommit mode."""
    apply_migrations(conn, MIGRATIONS, target)


def connect_index(path: Path) -> sqlite3.Connection:
    """The index is opened by the GUI thread and the indexing worker's thread, each with its
    own connection, and a long indexing transaction may hold the lock for a while."""
    return connect(path, busy_timeout_ms=10_000, check_same_thread=False)

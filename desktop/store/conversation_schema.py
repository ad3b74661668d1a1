"""The schema of ``hearthside.db``: its migrations, in order.

Index i of ``MIGRATIONS`` holds the migration from version i to version i + 1; a later schema
appends a function, and a migration that has shipped is never edited, so every file written
before opens the same. ``store.sqlite.apply_migrations`` runs them.

Search uses FTS5. ``message_words``/``title_words`` (unicode61, diacritics removed) match words
and word prefixes; ``message_trigrams`` (the trigram tokenizer, SQLite >= 3.34, when
available) matches substrings for scripts unicode61 cannot split. Assistant replies are
indexed once they finish (or are marked interrupted), so streaming updates do not rewrite the
index several times a second.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Final

from desktop.store.sqlite import apply_migrations, run_script, trigram_available

_WORDS_TOKENIZER: Final = "unicode61 remove_diacritics 2"
# A message is in the search index unless it is a reply still streaming.
_INDEXED_NEW: Final = "(new.role <> 'assistant' OR new.finish_reason IS NOT NULL)"
_INDEXED_OLD: Final = "(old.role <> 'assistant' OR old.finish_reason IS NOT NULL)"


def _migration_1_initial(conn: sqlite3.Connection) -> None:
    """Conversations, the message tree, and the search indexes kept in sync by triggers."""
    run_script(
        conn,
        """
        CREATE TABLE conversations (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL DEFAULT '',
            title_is_auto INTEGER NOT NULL DEFAULT 1,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            pinned INTEGER NOT NULL DEFAULT 0,
            deleted_at REAL,
            model_file TEXT NOT NULL DEFAULT '',
            system_prompt TEXT NOT NULL DEFAULT '',
            settings TEXT NOT NULL DEFAULT '{}',
            current_leaf_id INTEGER REFERENCES messages(id) ON DELETE SET NULL
        );
        CREATE INDEX conversations_by_list_order
            ON conversations(deleted_at, pinned, updated_at);
        CREATE INDEX conversations_by_leaf ON conversations(current_leaf_id);

        CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            conversation_id INTEGER NOT NULL
                REFERENCES conversations(id) ON DELETE CASCADE,
            parent_id INTEGER REFERENCES messages(id),
            role TEXT NOT NULL,
            content TEXT NOT NULL DEFAULT '',
            created_at REAL NOT NULL,
            finished_at REAL,
            finish_reason TEXT,
            generation TEXT
        );
        CREATE INDEX messages_by_parent ON messages(parent_id, created_at, id);
        CREATE INDEX messages_by_conversation
            ON messages(conversation_id, parent_id, created_at, id);
        CREATE INDEX messages_streaming ON messages(id)
            WHERE role = 'assistant' AND finish_reason IS NULL;
        """,
    )
    conn.execute(
        "CREATE VIRTUAL TABLE message_words USING fts5("
        f"content, content='messages', content_rowid='id', tokenize='{_WORDS_TOKENIZER}')"
    )
    conn.execute(
        "CREATE VIRTUAL TABLE title_words USING fts5("
        f"title, content='conversations', content_rowid='id', tokenize='{_WORDS_TOKENIZER}')"
    )
    message_indexes = ["message_words"]
    if trigram_available(conn):
        conn.execute(
            "CREATE VIRTUAL TABLE message_trigrams USING fts5("
            "content, content='messages', content_rowid='id', tokenize='trigram')"
        )
        message_indexes.append("message_trigrams")
    add = "".join(
        f"INSERT INTO {t}(rowid, content) VALUES (new.id, new.content);" for t in message_indexes
    )
    remove = "".join(
        f"INSERT INTO {t}({t}, rowid, content) VALUES ('delete', old.id, old.content);"
        for t in message_indexes
    )
    change = "".join(
        f"INSERT INTO {t}({t}, rowid, content) SELECT 'delete', old.id, old.content"
        f" WHERE {_INDEXED_OLD};"
        f"INSERT INTO {t}(rowid, content) SELECT new.id, new.content WHERE {_INDEXED_NEW};"
        for t in message_indexes
    )
    run_script(
        conn,
        f"""
        CREATE TRIGGER messages_indexed_insert AFTER INSERT ON messages
            WHEN {_INDEXED_NEW} BEGIN {add} END;
        CREATE TRIGGER messages_indexed_delete AFTER DELETE ON messages
            WHEN {_INDEXED_OLD} BEGIN {remove} END;
        CREATE TRIGGER messages_indexed_update
            AFTER UPDATE OF content, role, finish_reason ON messages BEGIN {change} END;
        CREATE TRIGGER titles_indexed_insert AFTER INSERT ON conversations BEGIN
            INSERT INTO title_words(rowid, title) VALUES (new.id, new.title);
        END;
        CREATE TRIGGER titles_indexed_delete AFTER DELETE ON conversations BEGIN
            INSERT INTO title_words(title_words, rowid, title)
                VALUES ('delete', old.id, old.title);
        END;
        CREATE TRIGGER titles_indexed_update AFTER UPDATE OF title ON conversations BEGIN
            INSERT INTO title_words(title_words, rowid, title)
                VALUES ('delete', old.id, old.title);
            INSERT INTO title_words(rowid, title) VALUES (new.id, new.title);
        END;
        """,
    )


def _migration_2_thinking_sources_summaries(conn: sqlite3.Connection) -> None:
    """A reply's thinking and its document sources beside its content (not in it, so search,
    exports and the prompt can each decide what to do with them), and the running summaries
    of turns that fell out of the context window. A summary belongs to the branch it was made
    on: it covers the path from the root to ``through_message_id``."""
    run_script(
        conn,
        """
        ALTER TABLE messages ADD COLUMN thinking TEXT NOT NULL DEFAULT '';
        ALTER TABLE messages ADD COLUMN thinking_seconds REAL;
        ALTER TABLE messages ADD COLUMN sources TEXT NOT NULL DEFAULT '';
        CREATE TABLE conversation_summaries (
            id INTEGER PRIMARY KEY,
            conversation_id INTEGER NOT NULL
                REFERENCES conversations(id) ON DELETE CASCADE,
            through_message_id INTEGER NOT NULL
                REFERENCES messages(id) ON DELETE CASCADE,
            content TEXT NOT NULL DEFAULT '',
            created_at REAL NOT NULL,
            edited_at REAL
        );
        CREATE INDEX summaries_by_message ON conversation_summaries(through_message_id);
        CREATE INDEX summaries_by_conversation ON conversation_summaries(conversation_id);
        """,
    )


# Index i holds the migration from version i to version i + 1. Append only; never edit a
# migration that has shipped.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _migration_1_initial,
    _migration_2_thinking_sources_summaries,
]


def latest_version() -> int:
    """The schema version this Hearthside writes."""
    return len(MIGRATIONS)


def migrate(conn: sqlite3.Connection, target: int | None = None) -> None:
    """Runs the migrations from the file's version up to ``target`` (default: the latest).

    The connection must be in autocommit mode (isolation_level=None). Public so tests can
    build a database at any earlier version.
    """
    apply_migrations(conn, MIGRATIONS, target)

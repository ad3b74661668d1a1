"""Conversation rows of ``ConversationStore``: create, list (keyset pages), rename, pin,
settings, and the trash (delete, restore, purge).

A mixin over ``SqliteDatabase`` so ``ConversationStore`` stays one object for its callers while
each concern reads on its own page.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from desktop.core.conversation import ConversationSummary
from desktop.store.codecs import CONVERSATION_COLUMNS, decode_conversation, decode_settings
from desktop.store.sqlite import UNSET, SqliteDatabase, StoreError, Unset, lastrowid, set_clause


class ConversationRecords(SqliteDatabase):
    """The conversations themselves, without their messages. Use from one thread."""

    def create_conversation(
        self,
        title: str = "",
        *,
        title_is_auto: bool = True,
        model_file: str = "",
        system_prompt: str = "",
        settings: dict[str, Any] | None = None,
    ) -> ConversationSummary:
        now = self.now()
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO conversations (title, title_is_auto, created_at, updated_at,"
                " model_file, system_prompt, settings) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    title,
                    int(title_is_auto),
                    now,
                    now,
                    model_file,
                    system_prompt,
                    json.dumps(settings or {}, ensure_ascii=False),
                ),
            )
        summary = self.get_conversation(lastrowid(cursor))
        assert summary is not None
        return summary

    def get_conversation(self, conversation_id: int) -> ConversationSummary | None:
        """Trashed conversations too (their ``deleted_at`` is set)."""
        row = self.connection.execute(
            f"SELECT {CONVERSATION_COLUMNS} FROM conversations c WHERE c.id = ?",
            (conversation_id,),
        ).fetchone()
        return None if row is None else decode_conversation(row)

    def list_conversations(
        self, limit: int | None = None, *, after: ConversationSummary | None = None
    ) -> list[ConversationSummary]:
        """The history sidebar: pinned first, then the most recently updated, then the newest id.

        ``after`` pages by keyset: only conversations that come after that one in this order
        (it need not still exist or be unchanged; its pinned/updated_at/id are the cursor). A
        keyset rather than OFFSET, so a page costs the same deep in a long history and a chat
        that moved to the top between two pages is neither repeated nor skipped. The order is
        the one ``conversations_by_list_order`` (deleted_at, pinned, updated_at, then the
        rowid) holds, so a page is an index range scan, not a sort of the whole table.
        """
        where = "c.deleted_at IS NULL"
        params: tuple[Any, ...] = ()
        if after is not None:
            where += " AND (c.pinned, c.updated_at, c.id) < (?, ?, ?)"
            params = (int(after.pinned), after.updated_at, after.id)
        rows = self.connection.execute(
            f"SELECT {CONVERSATION_COLUMNS} FROM conversations c WHERE {where}"
            " ORDER BY c.pinned DESC, c.updated_at DESC, c.id DESC LIMIT ?",
            (*params, -1 if limit is None else limit),
        ).fetchall()
        return [c for c in map(decode_conversation, rows) if c is not None]

    def list_trash(self) -> list[ConversationSummary]:
        """Most recently deleted first."""
        rows = self.connection.execute(
            f"SELECT {CONVERSATION_COLUMNS} FROM conversations c"
            " WHERE c.deleted_at IS NOT NULL ORDER BY c.deleted_at DESC, c.id DESC"
        ).fetchall()
        return [c for c in map(decode_conversation, rows) if c is not None]

    def _update_conversation(self, conversation_id: int, sql: str, params: tuple) -> None:
        with self.transaction() as db:
            if db.execute(sql, (*params, conversation_id)).rowcount == 0:
                raise StoreError(f"no conversation {conversation_id}")

    def rename(self, conversation_id: int, title: str) -> None:
        """A title the user typed; automatic titles no longer replace it."""
        self._update_conversation(
            conversation_id,
            "UPDATE conversations SET title = ?, title_is_auto = 0 WHERE id = ?",
            (title,),
        )

    def set_auto_title(self, conversation_id: int, title: str) -> bool:
        """Sets a generated title unless the user has named the conversation; True if set."""
        with self.transaction() as db:
            cursor = db.execute(
                "UPDATE conversations SET title = ? WHERE id = ? AND title_is_auto",
                (title, conversation_id),
            )
        return cursor.rowcount > 0

    def set_pinned(self, conversation_id: int, pinned: bool) -> None:
        self._update_conversation(
            conversation_id, "UPDATE conversations SET pinned = ? WHERE id = ?", (int(pinned),)
        )

    def update_conversation_settings(
        self,
        conversation_id: int,
        *,
        model_file: str | Unset = UNSET,
        system_prompt: str | Unset = UNSET,
        settings: dict[str, Any] | Unset = UNSET,
    ) -> None:
        """Replaces the given fields; ``settings`` is the whole sampling dict, not a patch."""
        columns, params = set_clause(
            {
                "model_file": model_file,
                "system_prompt": system_prompt,
                "settings": settings
                if settings is UNSET
                else json.dumps(settings, ensure_ascii=False, allow_nan=False),
            }
        )
        if not columns:
            return
        self._update_conversation(
            conversation_id, f"UPDATE conversations SET {columns} WHERE id = ?", params
        )

    def conversation_settings(self, conversation_id: int) -> dict[str, Any]:
        """The sampling settings dict; {} when unset or unreadable."""
        row = self.connection.execute(
            "SELECT settings FROM conversations WHERE id = ?", (conversation_id,)
        ).fetchone()
        if row is None:
            raise StoreError(f"no conversation {conversation_id}")
        return decode_settings(row[0])

    def delete_conversation(self, conversation_id: int) -> None:
        """Moves it to the trash; restore() brings it back. Deleting it again keeps the first
        deletion time, so a second click does not restart the 30 days."""
        self._update_conversation(
            conversation_id,
            "UPDATE conversations SET deleted_at = coalesce(deleted_at, ?) WHERE id = ?",
            (self.now(),),
        )

    def restore(self, conversation_id: int) -> None:
        self._update_conversation(
            conversation_id, "UPDATE conversations SET deleted_at = NULL WHERE id = ?", ()
        )

    def purge_trash(self, older_than_days: float = 30, now: float | None = None) -> int:
        """Removes for good what has been in the trash that long; returns how many."""
        cutoff = (self.now() if now is None else now) - older_than_days * 86400
        with self.transaction() as db:
            ids = [
                row[0]
                for row in db.execute(
                    "SELECT id FROM conversations WHERE deleted_at IS NOT NULL AND deleted_at <= ?",
                    (cutoff,),
                )
            ]
            for conversation_id in ids:
                _purge(db, conversation_id)
        return len(ids)

    def purge_conversation(self, conversation_id: int) -> None:
        """Removes one conversation for good, trashed or not ("empty trash", tests)."""
        with self.transaction() as db:
            if not _purge(db, conversation_id):
                raise StoreError(f"no conversation {conversation_id}")

    # --- messages ---


def _purge(db: sqlite3.Connection, conversation_id: int) -> bool:
    # Messages first and in one statement: a parent check then sees the whole tree gone.
    db.execute("UPDATE conversations SET current_leaf_id = NULL WHERE id = ?", (conversation_id,))
    db.execute("DELETE FROM messages WHERE conversation_id = ?", (conversation_id,))
    return db.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,)).rowcount > 0

"""The message tree of ``ConversationStore``: adding and saving messages, the path on screen,
the versions of a turn (siblings), and deleting a branch.

Every message keeps its parent; an edit or a regeneration is a second child of the same
parent. Paths are walked by primary key in one recursive query, so a page of a long
conversation costs O(page), not O(conversation).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Final

from desktop.core.conversation import (
    FinishReason,
    GenerationInfo,
    MessageSource,
    Role,
    StoredMessage,
)
from desktop.store.codecs import (
    MESSAGE_COLUMNS,
    decode_message,
    decode_messages,
    encode_generation,
    encode_sources,
)
from desktop.store.conversation_records import ConversationRecords
from desktop.store.sqlite import UNSET, StoreError, Unset, lastrowid, set_clause

# Generous: a guard against a parent cycle in a hand-edited file, not a real limit.
MAX_DEPTH: Final = 10_000_000
# The path from message :start up to its root (at most :limit messages), as the table
# ``up(id, depth)``, depth 0 at :start; walked by primary key.
PATH_UP: Final = """
    WITH RECURSIVE up(id, depth) AS (
        SELECT id, 0 FROM messages WHERE id = :start
        UNION ALL
        SELECT m.parent_id, up.depth + 1 FROM messages m JOIN up ON m.id = up.id
        WHERE m.parent_id IS NOT NULL AND up.depth + 1 < :limit
    )"""


def require_in_conversation(
    db: sqlite3.Connection, conversation_id: int, message_id: int | None
) -> None:
    """StoreError unless the message belongs to the conversation (None: unless the
    conversation exists)."""
    if message_id is None:
        if (
            db.execute("SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
            is None
        ):
            raise StoreError(f"no conversation {conversation_id}")
        return
    row = db.execute("SELECT conversation_id FROM messages WHERE id = ?", (message_id,)).fetchone()
    if row is None or row[0] != conversation_id:
        raise StoreError(f"message {message_id} is not in conversation {conversation_id}")


class MessageTree(ConversationRecords):
    """Messages of the conversations, as a tree. Use from one thread."""

    def add_message(
        self,
        conversation_id: int,
        parent_id: int | None,
        role: Role,
        content: str,
        *,
        created_at: float | None = None,
        finished_at: float | None = None,
        finish_reason: FinishReason | None = None,
        generation: GenerationInfo | None = None,
        thinking: str = "",
        thinking_seconds: float | None = None,
        sources: Sequence[MessageSource] = (),
        make_current: bool = True,
    ) -> StoredMessage:
        """Commits a message (a user turn before generation starts, or an empty reply to be
        filled by update_message). A second child of the same parent is an edit or a
        regeneration; it becomes the current leaf unless make_current is False."""
        role = Role(role)
        created = self.now() if created_at is None else created_at
        with self.transaction() as db:
            require_in_conversation(db, conversation_id, parent_id)
            cursor = db.execute(
                "INSERT INTO messages (conversation_id, parent_id, role, content, created_at,"
                " finished_at, finish_reason, generation, thinking, thinking_seconds, sources)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    conversation_id,
                    parent_id,
                    role.value,
                    content,
                    created,
                    finished_at,
                    None if finish_reason is None else FinishReason(finish_reason).value,
                    encode_generation(generation),
                    thinking,
                    thinking_seconds,
                    encode_sources(sources),
                ),
            )
            message_id = lastrowid(cursor)
            leaf = ", current_leaf_id = ?" if make_current else ""
            db.execute(
                f"UPDATE conversations SET updated_at = max(updated_at, ?){leaf} WHERE id = ?",
                (created, message_id, conversation_id)
                if make_current
                else (created, conversation_id),
            )
        return StoredMessage(
            id=message_id,
            conversation_id=conversation_id,
            parent_id=parent_id,
            role=role,
            content=content,
            created_at=created,
            finished_at=finished_at,
            finish_reason=None if finish_reason is None else FinishReason(finish_reason),
            generation=generation if role is Role.ASSISTANT else None,
            thinking=thinking,
            thinking_seconds=thinking_seconds,
            sources=tuple(sources),
        )

    def update_message(
        self,
        message_id: int,
        *,
        content: str | Unset = UNSET,
        finish_reason: FinishReason | Unset | None = UNSET,
        generation: GenerationInfo | Unset | None = UNSET,
        finished_at: float | Unset | None = UNSET,
        thinking: str | Unset = UNSET,
        thinking_seconds: float | Unset | None = UNSET,
        sources: Sequence[MessageSource] | Unset = UNSET,
    ) -> bool:
        """Saves a growing reply; one short transaction. False if the message is gone (its
        branch was deleted while it streamed)."""
        given = {
            "content": content,
            "finish_reason": finish_reason
            if finish_reason is UNSET or finish_reason is None
            else FinishReason(finish_reason).value,
            "generation": generation if generation is UNSET else encode_generation(generation),
            "finished_at": finished_at,
            "thinking": thinking,
            "thinking_seconds": thinking_seconds,
            "sources": sources if sources is UNSET else encode_sources(sources),
        }
        columns, params = set_clause(given)
        if not columns:
            return self.get_message(message_id) is not None
        with self.transaction() as db:
            found = db.execute(
                f"UPDATE messages SET {columns} WHERE id = ?", (*params, message_id)
            ).rowcount
            if found:
                db.execute(
                    "UPDATE conversations SET updated_at = max(updated_at, ?) WHERE id ="
                    " (SELECT conversation_id FROM messages WHERE id = ?)",
                    (self.now(), message_id),
                )
        return found > 0

    def get_message(self, message_id: int) -> StoredMessage | None:
        row = self.connection.execute(
            f"SELECT {MESSAGE_COLUMNS} FROM messages m WHERE m.id = ?", (message_id,)
        ).fetchone()
        return None if row is None else decode_message(row)

    def set_current_leaf(self, conversation_id: int, message_id: int | None) -> None:
        """Remembers which branch is on screen (any message, usually a leaf)."""
        with self.transaction() as db:
            if message_id is not None:
                require_in_conversation(db, conversation_id, message_id)
            if (
                db.execute(
                    "UPDATE conversations SET current_leaf_id = ? WHERE id = ?",
                    (message_id, conversation_id),
                ).rowcount
                == 0
            ):
                raise StoreError(f"no conversation {conversation_id}")

    def path_to(self, message_id: int) -> list[StoredMessage]:
        """Root → message, in one query (the chain is walked by primary key)."""
        return self._path(message_id, MAX_DEPTH)

    def path_page(
        self, leaf_id: int, before_message_id: int | None = None, limit: int = 200
    ) -> list[StoredMessage]:
        """The last ``limit`` messages of the path ending at ``leaf_id``, stopping before
        ``before_message_id`` (the oldest message already shown), root-first. Costs
        O(limit), whatever the length of the conversation."""
        start: int | None = leaf_id
        if before_message_id is not None:
            row = self.connection.execute(
                "SELECT parent_id FROM messages WHERE id = ?", (before_message_id,)
            ).fetchone()
            start = None if row is None else row[0]
        if start is None or limit <= 0:
            return []
        return self._path(start, limit)

    def _path(self, message_id: int, limit: int) -> list[StoredMessage]:
        rows = self.connection.execute(
            f"""{PATH_UP}
            SELECT {MESSAGE_COLUMNS} FROM up JOIN messages m ON m.id = up.id
            ORDER BY up.depth DESC
            """,
            {"start": message_id, "limit": limit},
        ).fetchall()
        return decode_messages(rows)

    def current_path(self, conversation_id: int) -> list[StoredMessage]:
        """The branch on screen; [] for an empty conversation."""
        summary = self.get_conversation(conversation_id)
        if summary is None or summary.current_leaf_id is None:
            return []
        return self.path_to(summary.current_leaf_id)

    def children(self, parent_id: int | None, conversation_id: int) -> list[StoredMessage]:
        """The versions of one turn (siblings), oldest first; parent None gives the roots."""
        rows = self.connection.execute(
            f"SELECT {MESSAGE_COLUMNS} FROM messages m WHERE m.conversation_id = ?"
            " AND m.parent_id IS ? ORDER BY m.created_at, m.id",
            (conversation_id, parent_id),
        ).fetchall()
        return decode_messages(rows)

    def branch_leaf(self, message_id: int) -> int:
        """The leaf reached by following the newest child from ``message_id``, so switching
        to another version of a turn shows that version's latest continuation."""
        row = self.connection.execute(
            """
            WITH RECURSIVE down(id, depth) AS (
                SELECT ?, 0
                UNION ALL
                SELECT (SELECT c.id FROM messages c WHERE c.parent_id = down.id
                        ORDER BY c.created_at DESC, c.id DESC LIMIT 1), depth + 1
                FROM down WHERE down.id IS NOT NULL AND depth < ?
            )
            SELECT id FROM down WHERE id IS NOT NULL ORDER BY depth DESC LIMIT 1
            """,
            (message_id, MAX_DEPTH),
        ).fetchone()
        return row[0]

    def delete_subtree(self, message_id: int) -> int:
        """Deletes a message and everything below it; a current leaf inside moves to the
        parent. Returns how many messages went."""
        with self.transaction() as db:
            row = db.execute(
                "SELECT conversation_id, parent_id FROM messages WHERE id = ?", (message_id,)
            ).fetchone()
            if row is None:
                return 0
            conversation_id, parent_id = row
            subtree = """
                WITH RECURSIVE sub(id) AS (
                    SELECT ? UNION ALL SELECT m.id FROM messages m JOIN sub ON m.parent_id = sub.id
                )"""
            db.execute(
                f"{subtree} UPDATE conversations SET current_leaf_id = ?"
                " WHERE id = ? AND current_leaf_id IN sub",
                (message_id, parent_id, conversation_id),
            )
            db.execute(f"{subtree} DELETE FROM messages WHERE id IN sub", (message_id,))
            # sqlite3's rowcount is -1 for a statement that starts with WITH.
            count = db.execute("SELECT changes()").fetchone()[0]
            db.execute(
                "UPDATE conversations SET updated_at = max(updated_at, ?) WHERE id = ?",
                (self.now(), conversation_id),
            )
        return count

    # --- running summaries ---

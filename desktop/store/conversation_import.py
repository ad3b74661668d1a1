"""Whole conversations in and out of ``ConversationStore``: the values an import is made of
(built by ``store.export_json`` and ``store.import_chatgpt`` from a file) and the tree an
export is written from.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from desktop.core.conversation import (
    ConversationSummary,
    FinishReason,
    GenerationInfo,
    MessageSource,
    Role,
    StoredMessage,
)
from desktop.store.codecs import MESSAGE_COLUMNS, decode_messages, encode_generation, encode_sources
from desktop.store.conversation_records import ConversationRecords
from desktop.store.sqlite import StoreError, lastrowid


@dataclass(frozen=True, slots=True)
class ImportedMessage:
    """A message to import; ``key`` is any id unique within the import, and a parent must come
    before its children."""

    key: str
    parent_key: str | None
    role: Role
    content: str
    created_at: float
    finished_at: float | None = None
    finish_reason: FinishReason | None = None
    generation: GenerationInfo | None = None
    thinking: str = ""
    thinking_seconds: float | None = None
    sources: tuple[MessageSource, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportedSummary:
    """A running summary to import: it covers the path from the root to the message whose
    import key is ``through_key``."""

    through_key: str
    content: str
    created_at: float
    edited_at: float | None = None


@dataclass(frozen=True, slots=True)
class ImportedConversation:
    """A conversation to import, as ``store.export_json`` and ``store.import_chatgpt`` build it."""

    title: str
    created_at: float
    updated_at: float
    pinned: bool
    model_file: str
    system_prompt: str
    settings: dict[str, Any]
    messages: tuple[ImportedMessage, ...]
    current_leaf_index: int | None  # index into messages
    title_is_auto: bool = False  # True keeps automatic titling on for this conversation
    summaries: tuple[ImportedSummary, ...] = ()  # running summaries, oldest first


class ConversationTransfer(ConversationRecords):
    """Import of a whole conversation in one transaction, and the tree for an export."""

    def import_conversation(self, conversation: ImportedConversation) -> int:
        """Adds a whole conversation in one transaction: on any error nothing is added.

        Raises StoreError for a tree that does not hold together (duplicate keys, a parent
        that is missing or comes later), ValueError/TypeError for unusable values.
        """
        return self.import_conversations((conversation,))[0]

    def import_conversations(
        self, conversations: Sequence[ImportedConversation]
    ) -> tuple[int, ...]:
        """Adds every conversation of an import in one transaction: one that does not hold
        together (see :meth:`import_conversation`) leaves the store as it was, so an import is
        all or nothing, never "imported 2 of 3"."""
        with self.transaction() as db:
            return tuple(self._insert_conversation(db, c) for c in conversations)

    @staticmethod
    def _insert_conversation(db: sqlite3.Connection, conversation: ImportedConversation) -> int:
        """Inserts one conversation inside the caller's transaction; its id."""
        c = conversation
        cursor = db.execute(
            "INSERT INTO conversations (title, title_is_auto, created_at, updated_at,"
            " pinned, model_file, system_prompt, settings)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                c.title,
                int(c.title_is_auto),
                float(c.created_at),
                float(c.updated_at),
                int(c.pinned),
                c.model_file,
                c.system_prompt,
                json.dumps(dict(c.settings), ensure_ascii=False, allow_nan=False),
            ),
        )
        conversation_id = lastrowid(cursor)
        ids: dict[str, int] = {}
        inserted: list[int] = []
        for message in c.messages:
            if message.key in ids:
                raise StoreError(f"duplicate message key {message.key!r}")
            parent = None
            if message.parent_key is not None:
                if message.parent_key not in ids:
                    raise StoreError(
                        f"message {message.key!r}: parent {message.parent_key!r} is missing"
                        " or comes after it"
                    )
                parent = ids[message.parent_key]
            role = Role(message.role)
            reason = message.finish_reason
            if role is Role.ASSISTANT and reason is None:
                reason = FinishReason.INTERRUPTED  # an import is never still streaming
            cursor = db.execute(
                "INSERT INTO messages (conversation_id, parent_id, role, content,"
                " created_at, finished_at, finish_reason, generation, thinking,"
                " thinking_seconds, sources) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    conversation_id,
                    parent,
                    role.value,
                    str(message.content),
                    float(message.created_at),
                    None if message.finished_at is None else float(message.finished_at),
                    None if reason is None else FinishReason(reason).value,
                    encode_generation(message.generation),
                    str(message.thinking),
                    None if message.thinking_seconds is None else float(message.thinking_seconds),
                    encode_sources(message.sources),
                ),
            )
            ids[message.key] = lastrowid(cursor)
            inserted.append(ids[message.key])
        if c.current_leaf_index is not None:
            if not 0 <= c.current_leaf_index < len(inserted):
                raise StoreError(f"current_leaf_index {c.current_leaf_index} out of range")
            db.execute(
                "UPDATE conversations SET current_leaf_id = ? WHERE id = ?",
                (inserted[c.current_leaf_index], conversation_id),
            )
        for summary in c.summaries:
            if summary.through_key not in ids:
                raise StoreError(f"summary through message {summary.through_key!r} is missing")
            db.execute(
                "INSERT INTO conversation_summaries (conversation_id, through_message_id,"
                " content, created_at, edited_at) VALUES (?, ?, ?, ?, ?)",
                (
                    conversation_id,
                    ids[summary.through_key],
                    str(summary.content),
                    float(summary.created_at),
                    None if summary.edited_at is None else float(summary.edited_at),
                ),
            )
        return conversation_id

    def export_tree(
        self, conversation_id: int
    ) -> tuple[ConversationSummary, dict[str, Any], list[StoredMessage]]:
        """Everything needed to write a lossless export; messages in id order, so a parent
        always precedes its children. Unreadable messages are left out (and logged)."""
        summary = self.get_conversation(conversation_id)
        if summary is None:
            raise StoreError(f"no conversation {conversation_id}")
        rows = self.connection.execute(
            f"SELECT {MESSAGE_COLUMNS} FROM messages m WHERE m.conversation_id = ? ORDER BY m.id",
            (conversation_id,),
        ).fetchall()
        return summary, self.conversation_settings(conversation_id), decode_messages(rows)

"""ConversationStore as a whole: a new file's settings, reopening, and replies cut off by a
crash (see also test_conversations_crash.py)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from desktop.core.conversation import (
    FinishReason,
    Role,
    StoredMessage,
)
from desktop.store import conversation_schema
from desktop.store.conversations import (
    DB_FILE_NAME,
    ConversationStore,
)
from tests.store.store_helpers import Clock, chat


def test_new_database_has_the_settings_we_rely_on(store: ConversationStore) -> None:
    conn = store.connection
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # NORMAL: the commit only writes the WAL; store.durability syncs it (test_durability.py).
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA user_version").fetchone()[0] == conversation_schema.latest_version()
    assert store.problem is None and store.backup_path is None
    assert store.has_trigram == (sqlite3.sqlite_version_info >= (3, 34))


def test_reopening_keeps_everything_and_reports_nothing(db_path: Path) -> None:
    with ConversationStore.open(db_path, clock=Clock()) as store:
        conversation_id, ids = chat(store, 4, "kept")
    with ConversationStore.open(db_path, clock=Clock()) as store:
        assert store.problem is None and store.backup_path is None
        assert [m.id for m in store.current_path(conversation_id)] == ids
    assert not [p for p in db_path.parent.iterdir() if ".bak-" in p.name or ".damaged" in p.name]


def test_replies_cut_off_by_a_crash_are_marked_interrupted(db_path: Path) -> None:
    with ConversationStore.open(db_path, clock=Clock()) as store:
        conversation = store.create_conversation()
        user = store.add_message(conversation.id, None, Role.USER, "Hi")
        reply = store.add_message(conversation.id, user.id, Role.ASSISTANT, "")
        store.update_message(reply.id, content="half a sen")
        saved_at = store.get_conversation(conversation.id).updated_at  # type: ignore[union-attr]
    with ConversationStore.open(db_path, clock=Clock()) as store:
        assert store.interrupted_ids == (reply.id,)
        message = store.get_message(reply.id)
        assert message is not None
        assert message.finish_reason is FinishReason.INTERRUPTED
        assert message.content == "half a sen"
        assert message.finished_at == saved_at
        assert store.get_message(user.id).finish_reason is None  # type: ignore[union-attr]
        assert [h.message_id for h in store.search("half")] == [reply.id]
    with ConversationStore.open(db_path) as store:
        assert store.interrupted_ids == ()


def test_stored_messages_are_plain_values(store: ConversationStore) -> None:
    _, ids = chat(store, 2)
    assert all(isinstance(m, StoredMessage) for m in store.path_to(ids[-1]))
    assert os.fspath(store.path).endswith(DB_FILE_NAME)

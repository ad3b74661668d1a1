"""Conversation rows: history pages, order, titles, pins, settings, and the trash."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.conversation import (
    Role,
)
from desktop.store.conversations import (
    ConversationStore,
    StoreError,
)
from tests.store.store_helpers import START, Clock, chat


def test_history_pages_by_keyset_through_ties_pins_and_trash(db_path: Path) -> None:
    """Pages of 7 over 40 chats where many share an updated_at: concatenated they are exactly
    the unpaged list (no repeats, no gaps), and a chat trashed or moved to the top between
    two pages is neither repeated nor skipped."""
    clock = Clock()
    with ConversationStore.open(db_path, clock=clock) as store:
        ids = []
        for n in range(40):
            clock.now = START + n // 5  # five chats per timestamp: ties the id must break
            ids.append(store.create_conversation(f"chat {n}").id)
        for pinned in (ids[3], ids[17], ids[30]):
            store.set_pinned(pinned, True)
        expected = [s.id for s in store.list_conversations()]
        assert len(expected) == 40
        assert expected[:3] == sorted(expected[:3], reverse=True)  # the pins, first

        paged: list[int] = []
        page = store.list_conversations(limit=7)
        while page:
            paged.extend(s.id for s in page)
            page = store.list_conversations(limit=7, after=page[-1])
        assert paged == expected

        first = store.list_conversations(limit=7)
        store.delete_conversation(first[-1].id)  # the cursor itself is gone
        store.add_message(expected[-1], None, Role.USER, "bumped to the top")
        rest: list[int] = []
        page = store.list_conversations(limit=7, after=first[-1])
        while page:
            rest.extend(s.id for s in page)
            page = store.list_conversations(limit=7, after=page[-1])
        assert rest == [i for i in expected[7:] if i != expected[-1]]


def test_history_order_titles_pins_and_settings(store: ConversationStore) -> None:
    a = store.create_conversation("a").id
    b = store.create_conversation("b").id
    c = store.create_conversation("c").id
    store.add_message(a, None, Role.USER, "bump a")
    assert [s.id for s in store.list_conversations()] == [a, c, b]
    store.set_pinned(b, True)
    assert [s.id for s in store.list_conversations()] == [b, a, c]
    assert [s.id for s in store.list_conversations(limit=2)] == [b, a]
    store.set_pinned(b, False)
    assert [s.id for s in store.list_conversations()] == [a, c, b]

    assert store.set_auto_title(a, "Auto title")
    store.rename(a, "Mine")
    assert not store.set_auto_title(a, "Another auto title")
    summary = store.get_conversation(a)
    assert summary is not None
    assert (summary.title, summary.title_is_auto, summary.message_count) == ("Mine", False, 1)

    store.update_conversation_settings(
        b, model_file="q.gguf", system_prompt="Be brief.", settings={"temperature": 0.2}
    )
    store.update_conversation_settings(b, system_prompt="Be kind.")
    summary = store.get_conversation(b)
    assert summary is not None
    assert (summary.model_file, summary.system_prompt) == ("q.gguf", "Be kind.")
    assert store.conversation_settings(b) == {"temperature": 0.2}
    with pytest.raises(StoreError):
        store.rename(12345, "nobody")


def test_trash_restore_and_purge(store: ConversationStore) -> None:
    keep, _ = chat(store, 2, "keep")
    old, _ = chat(store, 2, "old trash")
    recent, _ = chat(store, 2, "recent trash")
    store.delete_conversation(old)
    store.delete_conversation(recent)
    assert [s.id for s in store.list_conversations()] == [keep]
    assert [s.id for s in store.list_trash()] == [recent, old]
    assert store.search("message") and {h.conversation_id for h in store.search("message")} == {
        keep
    }
    store.restore(recent)
    assert {s.id for s in store.list_conversations()} == {keep, recent}
    store.delete_conversation(recent)

    deleted_old = store.get_conversation(old).deleted_at  # type: ignore[union-attr]
    store.delete_conversation(old)  # again: the 30 days do not restart
    assert store.get_conversation(old).deleted_at == deleted_old  # type: ignore[union-attr]
    deleted_recent = store.get_conversation(recent).deleted_at  # type: ignore[union-attr]
    assert deleted_old is not None and deleted_recent is not None
    now = deleted_old + 30 * 86400 + 0.5  # old is past 30 days; recent was deleted later
    assert deleted_recent > deleted_old + 0.5
    assert store.purge_trash(older_than_days=30, now=now) == 1
    assert store.get_conversation(old) is None
    assert store.connection.execute(
        "SELECT count(*) FROM messages WHERE conversation_id = ?", (old,)
    ).fetchone() == (0,)
    assert [s.id for s in store.list_trash()] == [recent]
    assert store.purge_trash(older_than_days=0, now=now) == 1
    assert store.list_trash() == []
    assert store.connection.execute("PRAGMA foreign_key_check").fetchall() == []

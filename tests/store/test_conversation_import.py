"""Importing a whole conversation: round trip through export_tree, all or nothing."""

from __future__ import annotations

import dataclasses

import pytest

from desktop.core.conversation import (
    FinishReason,
    GenerationInfo,
    Role,
)
from desktop.store.conversations import (
    ConversationStore,
    ImportedConversation,
    ImportedMessage,
    StoreError,
)
from tests.store.store_helpers import START, chat


def _imported(messages: tuple[ImportedMessage, ...], leaf: int | None) -> ImportedConversation:
    return ImportedConversation(
        title="Imported",
        created_at=START,
        updated_at=START + 10,
        pinned=True,
        model_file="m.gguf",
        system_prompt="sys",
        settings={"temperature": 0.4},
        messages=messages,
        current_leaf_index=leaf,
    )


def test_import_and_export_round_trip(store: ConversationStore) -> None:
    info = GenerationInfo(model_file="m.gguf", seed=3, tokens_per_second=12.5)
    messages = (
        ImportedMessage("u1", None, Role.USER, "hello", START + 1),
        ImportedMessage("a1", "u1", Role.ASSISTANT, "hi", START + 2, START + 3, "stop", info),
        ImportedMessage("a2", "u1", Role.ASSISTANT, "yo", START + 4, START + 5, "length", None),
        ImportedMessage("u2", "a2", Role.USER, "more", START + 6),
        ImportedMessage("a3", "u2", Role.ASSISTANT, "cut", START + 7),
    )
    conversation_id = store.import_conversation(_imported(messages, 2))
    summary, settings_, stored = store.export_tree(conversation_id)
    assert (summary.title, summary.pinned, summary.model_file, summary.system_prompt) == (
        "Imported",
        True,
        "m.gguf",
        "sys",
    )
    assert (summary.created_at, summary.updated_at, summary.message_count) == (START, START + 10, 5)
    assert settings_ == {"temperature": 0.4}
    assert summary.current_leaf_id == stored[2].id
    assert [m.content for m in stored] == ["hello", "hi", "yo", "more", "cut"]
    assert stored[1].generation == info and stored[1].finish_reason is FinishReason.STOP
    assert stored[2].parent_id == stored[0].id
    assert stored[4].finish_reason is FinishReason.INTERRUPTED  # nothing imports as streaming
    assert [h.message_id for h in store.search("hello")] == [stored[0].id]


@pytest.mark.parametrize(
    "broken",
    [
        ImportedMessage("x", "nowhere", Role.USER, "orphan", START),
        ImportedMessage("u1", None, Role.USER, "duplicate key", START),
        ImportedMessage("bad", None, "wizard", "bad role", START),  # type: ignore[arg-type]
        ImportedMessage("bad", None, Role.USER, "bad time", "soon"),  # type: ignore[arg-type]
    ],
)
def test_a_failing_import_leaves_nothing(store: ConversationStore, broken: ImportedMessage) -> None:
    chat(store, 2, "existing")
    before = schema_counts(store)
    messages = (
        ImportedMessage("u1", None, Role.USER, "importedword", START),
        ImportedMessage("a1", "u1", Role.ASSISTANT, "importedword", START, START, "stop"),
        broken,
    )
    with pytest.raises((StoreError, ValueError, TypeError)):
        store.import_conversation(_imported(messages, 0))
    assert schema_counts(store) == before
    assert store.search("importedword") == []
    with pytest.raises(StoreError):
        store.import_conversation(_imported(messages[:2], 7))
    with pytest.raises(TypeError):
        store.import_conversation(
            dataclasses.replace(_imported(messages[:2], None), settings={"x": object()})
        )
    assert schema_counts(store) == before


def schema_counts(store: ConversationStore) -> tuple[int, int]:
    conn = store.connection
    return (
        conn.execute("SELECT count(*) FROM conversations").fetchone()[0],
        conn.execute("SELECT count(*) FROM messages").fetchone()[0],
    )

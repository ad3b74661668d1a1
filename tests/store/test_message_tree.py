"""The message tree: bad rows, a streaming reply, siblings, deleting branches, long chains,
thinking and sources beside the answer."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.conversation import (
    FinishReason,
    GenerationInfo,
    MessageSource,
    Role,
)
from desktop.store.conversations import (
    ConversationStore,
    ImportedConversation,
    ImportedMessage,
    StoreError,
)
from tests.store.store_helpers import HYPOTHESIS, START, Clock, chat


def test_one_bad_row_never_hides_the_others(store: ConversationStore) -> None:
    good_id, good_ids = chat(store, 2, "good")
    bad = store.create_conversation("bad")
    user = store.add_message(bad.id, None, Role.USER, "question")
    reply = store.add_message(bad.id, user.id, Role.ASSISTANT, "reply", finish_reason="stop")
    wizard = store.add_message(bad.id, reply.id, Role.USER, "spell")
    odd = store.add_message(bad.id, wizard.id, Role.ASSISTANT, "odd", finish_reason="stop")
    conn = store.connection
    conn.execute("UPDATE messages SET generation = '{not json' WHERE id = ?", (reply.id,))
    conn.execute("UPDATE messages SET role = 'wizard' WHERE id = ?", (wizard.id,))
    conn.execute(
        "UPDATE messages SET finish_reason = 'exploded', generation = ?, created_at = 'soon'"
        " WHERE id = ?",
        (json.dumps({"seed": "x", "top_k": 5, "temperature": 0.3, "future": 1}), odd.id),
    )
    conn.execute("UPDATE conversations SET settings = '[1, 2' WHERE id = ?", (bad.id,))
    conn.execute("UPDATE conversations SET title = X'C3A9FF' WHERE id = ?", (good_id,))

    listed = {c.id: c for c in store.list_conversations()}
    assert set(listed) == {good_id, bad.id}
    assert listed[good_id].title == "é\ufffd"  # a blob where text belongs
    assert store.conversation_settings(bad.id) == {}
    path = store.path_to(odd.id)
    assert [m.id for m in path] == [user.id, reply.id, odd.id]  # the unknown role is skipped
    assert path[1].generation is None
    assert path[2].generation == GenerationInfo(top_k=5, temperature=0.3)
    assert path[2].finish_reason is FinishReason.ERROR
    assert path[2].created_at == 0.0
    assert [m.id for m in store.current_path(good_id)] == good_ids
    assert {h.message_id for h in store.search("question")} == {user.id}


def test_a_reply_saved_while_it_streams(store: ConversationStore) -> None:
    conversation = store.create_conversation()
    user = store.add_message(conversation.id, None, Role.USER, "Hi")
    reply = store.add_message(conversation.id, user.id, Role.ASSISTANT, "")
    assert reply.finish_reason is None
    for text in ("He", "Hello", "Hello there"):
        assert store.update_message(reply.id, content=text)
    info = GenerationInfo(
        model_file="m.gguf",
        model_sha256="ab" * 32,
        quantization="Q4_K_M",
        template_origin="gguf",
        temperature=0.7,
        top_k=40,
        seed=1234,
        prompt_tokens=12,
        generated_tokens=3,
        tokens_per_second=41.5,
    )
    assert store.update_message(
        reply.id, finish_reason=FinishReason.STOP, generation=info, finished_at=START + 99
    )
    saved = store.get_message(reply.id)
    assert saved == dataclasses.replace(
        reply,
        content="Hello there",
        finish_reason=FinishReason.STOP,
        generation=info,
        finished_at=START + 99,
    )
    assert store.get_conversation(conversation.id).current_leaf_id == reply.id  # type: ignore[union-attr]
    assert not store.update_message(999_999, content="gone")


def test_edits_and_regenerations_are_siblings(store: ConversationStore) -> None:
    c = store.create_conversation().id
    q1 = store.add_message(c, None, Role.USER, "q1")
    a1 = store.add_message(c, q1.id, Role.ASSISTANT, "a1", finish_reason="stop")
    q2 = store.add_message(c, a1.id, Role.USER, "q2")
    a2 = store.add_message(c, q2.id, Role.ASSISTANT, "a2", finish_reason="stop")
    a2b = store.add_message(c, q2.id, Role.ASSISTANT, "a2 again", finish_reason="stop")
    q2b = store.add_message(c, a1.id, Role.USER, "q2 edited")
    a3 = store.add_message(c, q2b.id, Role.ASSISTANT, "a3", finish_reason="stop")

    assert [m.id for m in store.children(q2.id, c)] == [a2.id, a2b.id]
    assert [m.id for m in store.children(a1.id, c)] == [q2.id, q2b.id]
    assert [m.id for m in store.children(None, c)] == [q1.id]
    assert [m.id for m in store.path_to(a3.id)] == [q1.id, a1.id, q2b.id, a3.id]
    assert store.get_conversation(c).current_leaf_id == a3.id  # type: ignore[union-attr]
    # Back to the first version of turn 2: its newest continuation is the regenerated reply.
    assert store.branch_leaf(q2.id) == a2b.id
    assert store.branch_leaf(q1.id) == a3.id
    assert store.branch_leaf(a3.id) == a3.id
    store.set_current_leaf(c, a2.id)
    assert [m.content for m in store.current_path(c)] == ["q1", "a1", "q2", "a2"]

    other = store.create_conversation().id
    with pytest.raises(StoreError):
        store.add_message(other, a1.id, Role.USER, "wrong tree")
    with pytest.raises(StoreError):
        store.set_current_leaf(other, a1.id)
    assert store.get_conversation(other).message_count == 0  # type: ignore[union-attr]


def test_delete_subtree_moves_the_current_leaf_to_the_parent(store: ConversationStore) -> None:
    c = store.create_conversation().id
    q1 = store.add_message(c, None, Role.USER, "q1")
    a1 = store.add_message(c, q1.id, Role.ASSISTANT, "a1", finish_reason="stop")
    a1b = store.add_message(c, q1.id, Role.ASSISTANT, "a1b", finish_reason="stop")
    q2 = store.add_message(c, a1b.id, Role.USER, "q2")
    store.add_message(c, q2.id, Role.ASSISTANT, "a2", finish_reason="stop")
    assert store.delete_subtree(a1b.id) == 3
    assert store.get_conversation(c).current_leaf_id == q1.id  # type: ignore[union-attr]
    assert [m.id for m in store.children(q1.id, c)] == [a1.id]
    assert store.search("a1b") == []
    assert store.delete_subtree(a1b.id) == 0
    store.set_current_leaf(c, a1.id)
    assert store.delete_subtree(q1.id) == 2
    summary = store.get_conversation(c)
    assert summary is not None and summary.current_leaf_id is None
    assert summary.message_count == 0


def test_a_long_chain_deletes_without_recursion_limits(store: ConversationStore) -> None:
    c, ids = _long_chain(store, 3000)
    assert store.delete_subtree(ids[0]) == 3000
    store.purge_conversation(c)


def _long_chain(store: ConversationStore, n: int) -> tuple[int, list[int]]:
    messages = tuple(
        ImportedMessage(
            key=str(i),
            parent_key=str(i - 1) if i else None,
            role=Role.USER if i % 2 == 0 else Role.ASSISTANT,
            content=f"turn {i} " + "lorem ipsum dolor sit amet " * 8,
            created_at=START + i,
            finished_at=START + i if i % 2 else None,
            finish_reason=FinishReason.STOP if i % 2 else None,
            generation=GenerationInfo(model_file="m.gguf", seed=i) if i % 2 else None,
        )
        for i in range(n)
    )
    conversation_id = store.import_conversation(
        ImportedConversation("long", START, START + n, False, "", "", {}, messages, n - 1)
    )
    _, _, stored = store.export_tree(conversation_id)
    return conversation_id, [m.id for m in stored]


def test_long_conversations_open_fast(store: ConversationStore) -> None:
    _, ids = _long_chain(store, 5000)
    started = time.perf_counter()
    path = store.path_to(ids[-1])
    full = time.perf_counter() - started
    started = time.perf_counter()
    page = store.path_page(ids[-1], limit=200)
    first_page = time.perf_counter() - started
    older = store.path_page(ids[-1], before_message_id=page[0].id, limit=200)
    print(
        f"\npath_to over 5000 messages: {full * 1000:.1f} ms;"
        f" path_page(limit=200): {first_page * 1000:.2f} ms"
    )
    assert [m.id for m in path] == ids
    assert [m.id for m in page] == ids[-200:]
    assert [m.id for m in older] == ids[-400:-200]
    assert store.path_page(ids[-1], before_message_id=ids[0]) == []
    assert [m.id for m in store.path_page(ids[5], limit=200)] == ids[:6]
    assert full < 5.0  # only a hang guard: the machine is shared


@HYPOTHESIS
@given(
    first=st.text(),
    updates=st.lists(st.text(), min_size=1, max_size=4),
    title=st.text(max_size=50),
)
def test_any_text_round_trips(
    store: ConversationStore, first: str, updates: list[str], title: str
) -> None:
    conversation = store.create_conversation(title)
    user = store.add_message(conversation.id, None, Role.USER, first)
    reply = store.add_message(conversation.id, user.id, Role.ASSISTANT, "")
    for text in updates:
        store.update_message(reply.id, content=text)
    store.update_message(reply.id, finish_reason=FinishReason.STOP)
    path = store.path_to(reply.id)
    assert [m.content for m in path] == [first, updates[-1]]
    assert store.get_conversation(conversation.id).title == title  # type: ignore[union-attr]
    assert isinstance(store.search(first[:20]), list)


def test_thinking_and_sources_are_kept_beside_the_answer(db_path: Path) -> None:
    source = MessageSource(
        number=1,
        file="/docs/manual.pdf",
        page=3,
        heading="Setup",
        text="Turn the valve left.",
        highlights=((9, 14),),
        collection="Manuals",
    )
    with ConversationStore.open(db_path, clock=Clock()) as store:
        conversation = store.create_conversation("t")
        question = store.add_message(conversation.id, None, Role.USER, "how?")
        reply = store.add_message(
            conversation.id, question.id, Role.ASSISTANT, "", thinking="hmm", sources=[source]
        )
        assert reply.sources == (source,)
        assert store.update_message(reply.id, thinking="hmm, the valve", thinking_seconds=2.5)
        assert store.update_message(reply.id, content="Turn it left [1].")
    with ConversationStore.open(db_path, clock=Clock()) as store:
        stored = store.get_message(reply.id)
        assert stored is not None
        assert (stored.content, stored.thinking, stored.thinking_seconds) == (
            "Turn it left [1].",
            "hmm, the valve",
            2.5,
        )
        assert stored.sources == (source,)
        # Thinking is not the answer: search finds the answer's words only.
        assert store.search("valve") == []


def test_a_full_context_is_stored_apart_from_max_tokens(store: ConversationStore) -> None:
    """Issue 17: why a reply ended is kept, and old "length" rows still read as LENGTH."""
    conversation = store.create_conversation()
    user = store.add_message(conversation.id, None, Role.USER, "Hi")
    full = store.add_message(conversation.id, user.id, Role.ASSISTANT, "a", finish_reason="context")
    old = store.add_message(conversation.id, user.id, Role.ASSISTANT, "b", finish_reason="length")
    assert store.get_message(full.id).finish_reason is FinishReason.CONTEXT  # type: ignore[union-attr]
    assert store.get_message(old.id).finish_reason is FinishReason.LENGTH  # type: ignore[union-attr]

"""ChatSession driven directly: no window. Opening, paging, branches, siblings and deleting need
no model (the worker thread runs, nothing is loaded); sending uses the real worker on the tiny
GGUF, and grounding a scripted Retriever."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from desktop.chat.protocol import GenerationRequest
from desktop.chat.qt.inference_worker import InferenceWorker
from desktop.chat.qt.session import PAGE_SIZE, ChatSession
from desktop.chat.reply import SourcesNote, SourcesState
from desktop.core.conversation import FinishReason, Role
from desktop.core.retrieval import (
    Passage,
    RetrievalAnswer,
    RetrievalFailure,
    RetrievalRequest,
    RetrievalResult,
)
from desktop.engine.llama import LoadOptions, SamplingOptions
from desktop.store.conversations import ConversationStore


@pytest.fixture
def store(private_data_dir: Path) -> Iterator[ConversationStore]:
    private_data_dir.mkdir(parents=True, exist_ok=True)
    opened = ConversationStore.open(private_data_dir / "chats.db")
    yield opened
    opened.close()


@pytest.fixture
def session(qtbot, worker: InferenceWorker, store: ConversationStore) -> ChatSession:
    return ChatSession(worker, store)


def _chat(store: ConversationStore, turns: int) -> tuple[int, list[int]]:
    """A stored chat of ``turns`` question-and-answer pairs; returns its id and message ids."""
    conversation = store.create_conversation("Chat").id
    parent, ids = None, []
    for i in range(turns):
        question = store.add_message(conversation, parent, Role.USER, f"question {i}")
        answer = store.add_message(conversation, question.id, Role.ASSISTANT, f"answer {i}")
        store.update_message(answer.id, finish_reason=FinishReason.STOP)
        ids += [question.id, answer.id]
        parent = answer.id
    if parent is not None:
        store.set_current_leaf(conversation, parent)
    return conversation, ids


def _column(session: ChatSession, role: object) -> list[object]:
    model = session.messages
    return [model.data(model.index(row, 0), role) for row in range(model.rowCount())]


def _ids(session: ChatSession) -> list[object]:
    return _column(session, session.messages.Roles.MessageIdRole)


def _texts(session: ChatSession) -> list[str]:
    return [message.content for message in session.messages.messages()]


# Without a model -------------------------------------------------------------------------------


def test_a_new_chat_is_empty_and_cannot_send_without_a_model(qtbot, session) -> None:
    with qtbot.waitSignal(session.conversation_opened) as opened:
        session.new_chat()
    assert opened.args == [None]
    assert session.conversation_id is None and session.messages.rowCount() == 0
    assert not session.can_send and not session.send("hello")
    assert session.summary() is None


def test_opening_shows_the_last_page_and_earlier_pages_on_request(qtbot, session, store) -> None:
    conversation, ids = _chat(store, PAGE_SIZE)  # twice a page of messages
    with qtbot.waitSignal(session.has_earlier_changed) as earlier:
        assert session.open_conversation(conversation)
    assert earlier.args == [True]
    assert session.path_length == 2 * PAGE_SIZE
    assert _ids(session) == ids[PAGE_SIZE:]
    with qtbot.waitSignal(session.has_earlier_changed) as earlier:
        session.show_earlier()
    assert earlier.args == [False]
    assert _ids(session) == ids
    assert not session.open_conversation(10_000)  # gone: nothing changes
    assert session.conversation_id == conversation


def test_switching_between_versions_shows_each_ones_continuation(qtbot, session, store) -> None:
    conversation, ids = _chat(store, 2)
    other = store.add_message(conversation, ids[1], Role.USER, "another question")
    other_reply = store.add_message(conversation, other.id, Role.ASSISTANT, "another answer")
    store.set_current_leaf(conversation, ids[-1])
    session.open_conversation(conversation)
    assert _texts(session)[-1] == "answer 1"
    siblings = session.messages.Roles.SiblingCountRole
    assert _column(session, siblings) == [1, 1, 2, 1]
    assert session.switch_sibling(2, +1)
    assert _ids(session) == [*ids[:2], other.id, other_reply.id]
    assert _column(session, session.messages.Roles.SiblingIndexRole) == [0, 0, 1, 0]
    assert not session.switch_sibling(2, +1)  # no later version
    assert not session.switch_sibling(99, -1)  # no such row
    assert session.switch_sibling(2, -1)
    assert _ids(session) == ids
    assert store.get_conversation(conversation).current_leaf_id == ids[-1]
    assert session.show_branch_of(other_reply.id)
    assert _ids(session)[-1] == other_reply.id
    assert session.show_branch_of(other_reply.id)  # already on screen
    assert not session.show_branch_of(10_000)


def test_deleting_a_message_takes_its_branch_with_it(qtbot, session, store) -> None:
    conversation, ids = _chat(store, 3)
    session.open_conversation(conversation)
    with qtbot.waitSignal(session.conversation_changed):
        assert session.delete_message(2)
    assert store.get_message(ids[2]) is None and store.get_message(ids[-1]) is None
    assert _ids(session) == ids[:2]
    assert not session.delete_message(5)


def test_paging_then_deleting_maps_rows_to_the_messages_shown(qtbot, store, worker) -> None:
    session = ChatSession(worker, store)
    session.state.page_size = 4
    conversation, ids = _chat(store, 5)
    session.open_conversation(conversation)
    assert _ids(session) == ids[-4:]
    session.show_earlier()
    assert _ids(session) == ids[-8:]
    assert session.delete_message(2)  # row 2 is the fifth message now
    assert _ids(session) == ids[:4]


def test_editing_and_regenerating_need_a_model(session, store) -> None:
    conversation, _ = _chat(store, 1)
    session.open_conversation(conversation)
    assert not session.edit(0, "changed")
    assert not session.regenerate()
    assert session.path_length == 2


def test_attached_collections_are_kept_with_the_conversation(qtbot, session, store) -> None:
    conversation, _ = _chat(store, 1)
    session.open_conversation(conversation)
    with qtbot.waitSignal(session.attached_changed) as changed:
        session.attach_collection(4)
    assert changed.args == [(4,)]
    session.attach_collection(4)  # already attached
    session.new_chat()
    assert session.attached == ()
    session.open_conversation(conversation)
    assert session.attached == (4,)
    session.detach_collection(4)
    session.open_conversation(conversation)
    assert session.attached == ()


def test_a_summary_covers_the_turns_before_it_and_can_be_edited(qtbot, session, store) -> None:
    conversation, ids = _chat(store, 3)
    store.add_summary(conversation, ids[1], "They asked twice.")
    with qtbot.waitSignal(session.summary_changed) as changed:
        session.open_conversation(conversation)
    assert changed.args[0].content == "They asked twice."
    excluded = _column(session, session.messages.Roles.ExcludedRole)
    assert excluded == [True, True, False, False, False, False]
    assert session.edit_summary("  Two questions.  ")
    assert session.running_summary.content == "Two questions."
    assert store.summary_for_leaf(ids[-1]).content == "Two questions."
    assert not session.edit_summary("   ")


# With the tiny model ---------------------------------------------------------------------------


def _load(qtbot, session: ChatSession, path: Path) -> None:
    with qtbot.waitSignal(session.model_changed, timeout=30_000):
        session.load_model(str(path), LoadOptions(n_ctx=512, n_threads=1))
    session.settings = type(session.settings)(sampling=SamplingOptions(max_tokens=8, seed=1))


def test_a_sent_message_and_its_reply_are_stored_as_they_stream(
    qtbot, session, store, tiny_gguf: Path
) -> None:
    _load(qtbot, session, tiny_gguf)
    requests: list[GenerationRequest] = []
    session.generate_requested.connect(requests.append)
    with qtbot.waitSignal(session.streaming_changed) as started:
        assert session.send("Hello there")
    assert started.args == [True]
    reply = session.reply
    assert reply is not None and requests[0].request_id == reply.request_id
    assert not session.send("again")  # one reply at a time
    with qtbot.waitSignal(session.streaming_changed, timeout=30_000) as ended:
        pass
    assert ended.args == [False] and session.reply is None
    conversation = session.conversation_id
    assert conversation is not None
    stored = store.current_path(conversation)
    assert [m.role for m in stored] == [Role.USER, Role.ASSISTANT]
    assert stored[1].content == reply.text == _texts(session)[1]
    assert stored[1].finish_reason is not None and stored[1].generation.seed == 1
    # The line under the reply says the same when the chat is opened again (the model's name,
    # not its file's).
    meta_role = session.messages.Roles.MetaRole
    live = _column(session, meta_role)[1]
    assert session.model_info is not None and str(live).startswith(session.model_info.name)
    assert session.open_conversation(conversation)
    assert _column(session, meta_role)[1] == live
    # A regenerated reply is kept beside the first one.
    with qtbot.waitSignal(session.streaming_changed, timeout=30_000):
        assert session.regenerate()
    qtbot.waitUntil(lambda: not session.is_streaming, timeout=30_000)
    assert _column(session, session.messages.Roles.SiblingCountRole) == [1, 2]


def test_stopping_keeps_the_text_so_far_and_ignores_late_answers(
    qtbot, session, store, tiny_gguf: Path
) -> None:
    _load(qtbot, session, tiny_gguf)
    session.replies.generate_requested.disconnect()  # the worker never hears of it
    assert session.send("Hello")
    reply = session.reply
    assert reply is not None
    session.replies.on_worker_reply_delta(reply.request_id, "Hi")
    session.stop()
    assert session.reply is None
    session.replies.on_worker_reply_delta(reply.request_id, " there")  # too late
    stored = store.get_message(reply.message.id)
    assert stored.content == "Hi" and stored.finish_reason == FinishReason.CANCELLED
    assert _texts(session)[-1] == "Hi"


class ScriptedRetriever:
    """Answers every search at once with ``answer(request)``."""

    def __init__(self, answer: Callable[[RetrievalRequest], RetrievalAnswer]) -> None:
        self.answer = answer
        self.requests: list[RetrievalRequest] = []

    def name_of(self, collection_id: int) -> str | None:
        return "Notes" if collection_id == 1 else None

    def retrieve(self, request: RetrievalRequest, answer: Callable[[RetrievalAnswer], None]):
        self.requests.append(request)
        answer(self.answer(request))


def _grounded_send(qtbot, session, tiny_gguf, retriever) -> list[GenerationRequest]:
    _load(qtbot, session, tiny_gguf)
    session.set_retriever(retriever)
    session.attach_collection(1)
    session.attach_collection(2)  # gone: not searched
    requests: list[GenerationRequest] = []
    session.generate_requested.connect(requests.append)
    assert session.prepare_reply("What burns?") is None  # passages depend on the sent text
    assert session.send("What burns?")
    qtbot.waitUntil(lambda: not session.is_streaming, timeout=30_000)
    return requests


def test_replies_are_grounded_in_what_the_retriever_finds(qtbot, session, tiny_gguf) -> None:
    passage = Passage(1, "/docs/lamp.md", None, "Lamps", "The beacon burns whale oil.")
    retriever = ScriptedRetriever(
        lambda request: RetrievalResult(request.request_id, (passage,), {1: "Notes"})
    )
    requests = _grounded_send(qtbot, session, tiny_gguf, retriever)
    (asked,) = retriever.requests
    assert asked.collection_ids == (1,) and asked.question == "What burns?"
    (request,) = requests
    assert request.grounding is not None
    assert [s.text for s in request.grounding.sources] == ["The beacon burns whale oil."]
    assert request.grounding.collections == ("Notes",)


def test_a_search_that_finds_nothing_or_fails_says_so(qtbot, session, store, tiny_gguf) -> None:
    nothing = ScriptedRetriever(lambda request: RetrievalResult(request.request_id, ()))
    (request,) = _grounded_send(qtbot, session, tiny_gguf, nothing)
    assert request.grounding is not None and request.grounding.sources == ()
    assert request.grounding.collections == ("Notes", "")  # named by the session
    note = _column(session, session.messages.Roles.SourcesNoteRole)[-1]
    assert note == SourcesNote(SourcesState.NOTHING_RELEVANT)
    reply_id = _ids(session)[-1]
    assert store.get_message(reply_id).generation.documents_note == "nothing-relevant"

    session.retriever = ScriptedRetriever(
        lambda request: RetrievalFailure(request.request_id, "index damaged")
    )
    with qtbot.waitSignal(session.generate_requested) as sent:
        assert session.send("And then?")
    assert sent.args[0].grounding is None  # the reply goes on without sources
    qtbot.waitUntil(lambda: not session.is_streaming, timeout=30_000)
    note = _column(session, session.messages.Roles.SourcesNoteRole)[-1]
    assert note == SourcesNote(SourcesState.FAILED)

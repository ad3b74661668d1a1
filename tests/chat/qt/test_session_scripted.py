"""The chat feature through the seam, without llama.cpp: ChatSession and the InferenceWorker
adapter on its QThread, replying from a ScriptedBackend."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QThread, Signal

from desktop.chat.protocol import (
    ChatBackend,
    Failed,
    ReplyFailure,
    ReplyProblem,
    ThinkingDelta,
    ThinkingFinished,
)
from desktop.chat.qt.inference_worker import InferenceWorker
from desktop.chat.qt.session import ChatSession
from desktop.chat.reply import BLANK_RUN_LIMIT
from desktop.core.conversation import FinishReason, Role
from desktop.engine.llama import LoadOptions
from desktop.store.conversations import ConversationStore
from tests.fixtures.scripted_backend import WAIT_FOR_CANCEL, ScriptedBackend

TIMEOUT_MS = 5_000


class Confirmations(QObject):
    """The worker's reply_finished re-emitted on the GUI thread (queued), after the session's
    own slot had it: tests wait on this, never on a signal emitted in the worker's thread."""

    reply_finished = Signal(int, object)

    def __init__(self, worker: InferenceWorker) -> None:
        super().__init__()
        worker.reply_finished.connect(self.reply_finished)


@dataclass
class Chat:
    session: ChatSession
    backend: ScriptedBackend
    worker: InferenceWorker
    confirmations: Confirmations


@pytest.fixture
def chat(qtbot, tmp_path: Path) -> Iterator[Chat]:
    backend = ScriptedBackend()
    worker = InferenceWorker(tmp_path / "models")
    worker.set_backend(backend)
    thread = QThread()
    worker.moveToThread(thread)
    thread.start()
    store = ConversationStore.open(tmp_path / "chats.db")
    session = ChatSession(worker, store)
    confirmations = Confirmations(worker)
    with qtbot.waitSignal(session.model_changed, timeout=TIMEOUT_MS):
        session.load_model("", LoadOptions())
    yield Chat(session, backend, worker, confirmations)
    worker.cancel_reply(1 << 30)
    thread.quit()
    thread.wait()
    store.close()


def reply_row(chat: Chat) -> int:
    row = chat.session.messages.last_row_of_role(Role.ASSISTANT)
    assert row is not None
    return row


def send(qtbot, chat: Chat, text: str) -> None:
    """Sends `text` and waits until the session has the reply's end."""
    with qtbot.waitSignal(chat.confirmations.reply_finished, timeout=TIMEOUT_MS):
        assert chat.session.send(text)
    qtbot.waitUntil(lambda: not chat.session.is_streaming, timeout=TIMEOUT_MS)


def test_the_scripted_backend_is_a_chat_backend() -> None:
    assert isinstance(ScriptedBackend(), ChatBackend)


def test_send_streams_the_reply_into_the_last_row(qtbot, chat: Chat) -> None:
    chat.backend.push("Hel", "lo", " there")
    send(qtbot, chat, "Hi")
    messages = chat.session.messages
    assert [messages.row_data(r).role for r in range(messages.rowCount())] == [
        Role.USER,
        Role.ASSISTANT,
    ]
    row = messages.row_data(reply_row(chat))
    assert row.content == "Hello there"
    assert row.finish_reason == FinishReason.STOP
    assert not row.streaming
    (request,) = chat.backend.requests
    assert request.messages[-1].role == Role.USER and request.messages[-1].content == "Hi"
    stored = chat.session.store.children(None, chat.session.conversation_id)
    assert [m.content for m in stored] == ["Hi"]


def test_stop_keeps_the_partial_reply(qtbot, chat: Chat) -> None:
    chat.backend.push("Part", WAIT_FOR_CANCEL, "never shown")
    assert chat.session.send("Go on")
    qtbot.waitUntil(chat.backend.waiting.is_set, timeout=TIMEOUT_MS)
    qtbot.waitUntil(
        lambda: chat.session.messages.row_data(reply_row(chat)).content == "Part",
        timeout=TIMEOUT_MS,
    )
    with qtbot.waitSignal(chat.confirmations.reply_finished, timeout=TIMEOUT_MS) as confirmed:
        chat.session.stop()
    assert confirmed.args[1].finish_reason == FinishReason.CANCELLED
    row = chat.session.messages.row_data(reply_row(chat))
    assert row.content == "Part"
    assert row.finish_reason == FinishReason.CANCELLED
    assert not chat.session.is_streaming and chat.session.can_send


def test_a_failure_keeps_the_partial_reply_and_the_users_message(qtbot, chat: Chat) -> None:
    failure = ReplyFailure(ReplyProblem.LLAMA_FAILED, "the engine broke")
    chat.backend.push("Half", Failed(failure))
    with qtbot.waitSignal(chat.session.reply_failed, timeout=TIMEOUT_MS) as failed:
        assert chat.session.send("Tell me")
    assert failed.args[0] == failure
    messages = chat.session.messages
    user = messages.row_data(0)
    assert user.role == Role.USER and user.content == "Tell me"
    row = messages.row_data(reply_row(chat))
    assert row.content == "Half"
    assert row.finish_reason == FinishReason.ERROR
    assert chat.session.can_send


def test_thinking_is_shown_apart_from_the_answer(qtbot, chat: Chat) -> None:
    chat.backend.push(ThinkingDelta("Let me see"), ThinkingFinished(1.5), "Forty-two")
    send(qtbot, chat, "The answer?")
    row = chat.session.messages.row_data(reply_row(chat))
    assert row.thinking == "Let me see"
    assert row.thinking_seconds == pytest.approx(1.5)
    assert row.content == "Forty-two"


def test_regenerate_keeps_both_replies_as_siblings(qtbot, chat: Chat) -> None:
    chat.backend.push("First")
    send(qtbot, chat, "Say something")
    chat.backend.push("Second")
    with qtbot.waitSignal(chat.confirmations.reply_finished, timeout=TIMEOUT_MS):
        assert chat.session.regenerate()
    qtbot.waitUntil(lambda: not chat.session.is_streaming, timeout=TIMEOUT_MS)
    row = chat.session.messages.row_data(reply_row(chat))
    assert row.content == "Second"
    assert (row.sibling_index, row.sibling_count) == (1, 2)
    assert chat.session.messages.rowCount() == 2
    first, second = chat.backend.requests
    assert first.messages == second.messages  # the same history, asked again


def test_a_second_turn_sends_the_first_reply_back(qtbot, chat: Chat) -> None:
    chat.backend.push("One")
    send(qtbot, chat, "First")
    chat.backend.push("Two")
    send(qtbot, chat, "Second")
    last = chat.backend.requests[-1].messages
    assert [(m.role, m.content) for m in last[-3:]] == [
        (Role.USER, "First"),
        (Role.ASSISTANT, "One"),
        (Role.USER, "Second"),
    ]


def test_a_draft_being_typed_reaches_the_backend_to_prepare(qtbot, chat: Chat) -> None:
    assert chat.session.prepare_reply("A draft", whole=False) is not None
    qtbot.waitUntil(lambda: bool(chat.backend.prepared), timeout=TIMEOUT_MS)
    ((request, whole),) = chat.backend.prepared
    assert not whole
    assert request.messages[-1].role == Role.USER and request.messages[-1].content == "A draft"


def test_unload_goes_to_the_backend_that_loaded(qtbot, chat: Chat) -> None:
    with qtbot.waitSignal(chat.session.model_changed, timeout=TIMEOUT_MS) as changed:
        chat.session.unload_model()
    assert changed.args == [None]
    assert chat.backend.loaded is None


TOO_LONG = ReplyFailure(ReplyProblem.PROMPT_TOO_LONG, "", needed_tokens=2215, available_tokens=512)


def test_a_message_too_long_for_the_window_is_taken_back_out_of_the_chat(qtbot, chat: Chat) -> None:
    """Issue 17, defect 1: the message entered the chat with an empty errored reply, and from
    then on even "hi" failed. Now it leaves the chat and goes back to the composer."""
    session = chat.session
    chat.backend.push(Failed(TOO_LONG))
    removed: list[int] = []
    session.conversation_removed.connect(removed.append)
    returned: list[str] = []
    session.message_returned.connect(returned.append)
    with qtbot.waitSignal(session.reply_failed, timeout=TIMEOUT_MS):
        assert session.send("x" * 2000)
    assert returned == ["x" * 2000]
    assert session.messages.rowCount() == 0
    assert session.conversation_id is None
    assert removed and chat.session.store.get_conversation(removed[0]) is None
    send(qtbot, chat, "hi")
    assert [m.content for m in chat.backend.requests[-1].messages if m.role == Role.USER] == ["hi"]


def test_a_too_long_second_message_leaves_the_first_turn_as_it_was(qtbot, chat: Chat) -> None:
    session = chat.session
    chat.backend.push("Hello")
    send(qtbot, chat, "First")
    chat.backend.push(Failed(TOO_LONG))
    with qtbot.waitSignal(session.message_returned, timeout=TIMEOUT_MS) as returned:
        assert session.send("y" * 2000)
    assert returned.args == ["y" * 2000]
    assert [session.messages.row_data(r).content for r in range(2)] == ["First", "Hello"]
    assert session.messages.rowCount() == 2
    path = session.store.current_path(session.conversation_id)
    assert [m.content for m in path] == ["First", "Hello"]


def test_a_regenerated_reply_that_no_longer_fits_keeps_the_users_message(qtbot, chat: Chat) -> None:
    session = chat.session
    chat.backend.push("Hello")
    send(qtbot, chat, "First")
    chat.backend.push(Failed(TOO_LONG))
    with qtbot.waitSignal(session.reply_failed, timeout=TIMEOUT_MS):
        assert session.regenerate()
    qtbot.wait(50)
    assert session.messages.row_data(0).content == "First"


def test_a_stopped_reply_keeps_its_statistics(qtbot, chat: Chat) -> None:
    """Issue 17, defect 5: a reply stopped with Esc was saved (and exported) as "0 prompt
    tokens, 0 generated · 0.0 tokens/s": the worker's statistics came after it had ended."""
    chat.backend.push("Part", WAIT_FOR_CANCEL)
    assert chat.session.send("Go on")
    qtbot.waitUntil(chat.backend.waiting.is_set, timeout=TIMEOUT_MS)
    qtbot.waitUntil(
        lambda: chat.session.messages.row_data(reply_row(chat)).content == "Part",
        timeout=TIMEOUT_MS,
    )
    with qtbot.waitSignal(chat.confirmations.reply_finished, timeout=TIMEOUT_MS):
        chat.session.stop()
    path = chat.session.store.current_path(chat.session.conversation_id)
    generation = path[-1].generation
    assert generation is not None
    assert (generation.prompt_tokens, generation.generated_tokens) == (1, 1)
    assert chat.session.state.path[-1].generation == generation
    assert chat.session.messages.row_data(reply_row(chat)).meta.startswith("Scripted")


def test_a_reply_of_only_blank_lines_is_stopped_and_says_why(qtbot, chat: Chat) -> None:
    """The starter model can fall into writing zero-width spaces and new lines until Max
    tokens; the reply stops at the limit, keeps what came before, and drops the blank tail."""
    blank_lines = ["\u200b\n"] * (BLANK_RUN_LIMIT // 2 + 10)
    chat.backend.push("A line.\n", *blank_lines, WAIT_FOR_CANCEL, "never shown")
    with qtbot.waitSignal(chat.confirmations.reply_finished, timeout=TIMEOUT_MS) as confirmed:
        assert chat.session.send("Write a poem")
    assert confirmed.args[1].finish_reason == FinishReason.CANCELLED  # the worker was stopped
    qtbot.waitUntil(lambda: not chat.session.is_streaming, timeout=TIMEOUT_MS)
    row = chat.session.messages.row_data(reply_row(chat))
    assert row.content == "A line."
    assert row.finish_reason == FinishReason.BLANK
    stored = chat.session.store.children(None, chat.session.conversation_id)
    reply = chat.session.store.children(stored[0].id, chat.session.conversation_id)[0]
    assert reply.content == "A line." and reply.finish_reason == FinishReason.BLANK
    assert chat.session.can_send


def test_blank_lines_between_paragraphs_do_not_stop_a_reply(qtbot, chat: Chat) -> None:
    paragraphs = ["A paragraph.", "\n\n", "    indented code", "\n" * 20] * 20
    chat.backend.push(*paragraphs, "The end.")
    send(qtbot, chat, "Write a lot")
    row = chat.session.messages.row_data(reply_row(chat))
    assert row.finish_reason == FinishReason.STOP
    assert row.content.endswith("The end.")


def test_a_reply_with_no_words_tells_no_speed(qtbot, chat: Chat) -> None:
    chat.backend.push()  # the model ends its turn at once
    send(qtbot, chat, "Hello?")
    row = chat.session.messages.row_data(reply_row(chat))
    assert row.content == "" and row.finish_reason == FinishReason.STOP
    assert "tok/s" not in row.meta

"""ReplyInProgress: one object per reply, plain Python."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from desktop.chat.reply import (
    BLANK_RUN_LIMIT,
    SAVE_INTERVAL_S,
    ReplyInProgress,
    SourcesNote,
    SourcesState,
    blank_tail_length,
    meta_line,
    stored_note,
)
from desktop.core.conversation import (
    DocumentsNote,
    FinishReason,
    GenerationInfo,
    MessageSource,
    Role,
    StoredMessage,
)


def _reply(now: float = 100.0) -> ReplyInProgress:
    message = StoredMessage(7, 1, 6, Role.ASSISTANT, "", created_at=0.0)
    return ReplyInProgress(3, message, GenerationInfo(model_file="m.gguf"), (), last_save=now)


@given(st.lists(st.text(max_size=5), max_size=40))
def test_the_text_is_the_deltas_joined_however_often_it_is_read(deltas: list[str]) -> None:
    reply = _reply()
    for i, delta in enumerate(deltas):
        reply.add_text(delta, 100.0)
        if i % 3 == 0:
            assert reply.text == "".join(deltas[: i + 1])
    assert reply.text == "".join(deltas)


@given(st.lists(st.text(alphabet=" \n\u200bab\u00ad", max_size=8), max_size=60))
def test_the_blank_run_is_the_blank_tail_of_the_text(deltas: list[str]) -> None:
    reply = _reply()
    for delta in deltas:
        reply.add_text(delta, 100.0)
        assert reply.blank_run == blank_tail_length(reply.text)
        assert reply.runs_blank == (reply.blank_run >= BLANK_RUN_LIMIT)


def test_dropping_the_blank_tail_keeps_what_came_before() -> None:
    reply = _reply()
    reply.add_text("Keep me.\n  ", 100.0)
    reply.add_text("\u200b\n" * (BLANK_RUN_LIMIT // 2), 100.0)
    assert reply.runs_blank
    reply.drop_blank_tail()
    assert reply.text == "Keep me."
    assert not reply.runs_blank
    reply.add_text(" and more", 100.0)
    assert reply.text == "Keep me. and more"


def test_a_save_is_due_once_per_interval() -> None:
    reply = _reply(now=100.0)
    assert not reply.add_text("a", 100.0 + SAVE_INTERVAL_S / 2)
    assert reply.add_text("b", 100.0 + SAVE_INTERVAL_S)
    assert not reply.add_text("c", 100.0 + SAVE_INTERVAL_S * 1.5)
    assert reply.add_thinking("t", 100.0 + SAVE_INTERVAL_S * 2)


def test_thinking_is_timed_by_the_worker_or_from_its_first_delta_when_stopped() -> None:
    reply = _reply()
    assert reply.stop_thinking(200.0) is None  # it never thought
    reply.add_thinking("Let me think  \n", 101.0)
    assert reply.thinking() == "Let me think  \n"
    assert reply.thinking(final=True) == "Let me think"
    assert reply.stop_thinking(104.0) == 3.0
    assert reply.stop_thinking(110.0) is None  # already ended
    other = _reply()
    other.add_thinking("x", 101.0)
    other.end_thinking(1.5)
    assert other.stop_thinking(110.0) is None
    assert other.thinking_seconds == 1.5


def test_finishing_gives_the_message_as_kept() -> None:
    reply = _reply()
    reply.add_thinking("hmm ", 100.0)
    reply.end_thinking(0.5)
    reply.add_text("Hello", 100.0)
    reply.record_stats(10, 2, 12.5)
    kept = reply.finish(FinishReason.STOP, 123.0)
    assert kept.content == "Hello"
    assert kept.thinking == "hmm"
    assert kept.thinking_seconds == 0.5
    assert kept.finished_at == 123.0
    assert kept.finish_reason == FinishReason.STOP
    assert kept.generation is not None
    assert (kept.generation.prompt_tokens, kept.generation.generated_tokens) == (10, 2)
    assert kept.generation.tokens_per_second == 12.5
    assert reply.message == kept


def test_the_documents_note_follows_the_search_and_is_kept_with_the_reply() -> None:
    reply = _reply()
    reply.searching()
    assert reply.is_searching
    assert reply.sources_note == SourcesNote(SourcesState.SEARCHING)
    source = MessageSource(1, "/docs/a.md", text="passage")
    reply.given_sources((source,), 0)
    assert reply.sources_note is None  # the sources speak for themselves
    assert reply.message.sources == (source,)
    assert reply.info.documents_note == ""

    left = _reply()
    left.searching()
    left.given_sources((source,), 2)
    assert left.sources_note == SourcesNote(SourcesState.LEFT_OUT, 2)
    assert (left.info.documents_note, left.info.passages_left_out) == (DocumentsNote.LEFT_OUT, 2)
    assert stored_note(left.info) == SourcesNote(SourcesState.LEFT_OUT, 2)

    nothing = _reply()
    nothing.searching()
    nothing.found_nothing()
    assert stored_note(nothing.info) == SourcesNote(SourcesState.NOTHING_RELEVANT)

    failed = _reply()
    failed.searching()
    failed.search_failed()
    assert stored_note(failed.info) == SourcesNote(SourcesState.FAILED)


def test_a_reply_stopped_while_searching_says_nothing_about_sources() -> None:
    reply = _reply()
    reply.searching()
    reply.finish(FinishReason.CANCELLED, 1.0)
    assert reply.sources_note is None
    assert reply.info.documents_note == ""


def test_stored_notes_and_meta_lines_read_back_what_was_kept() -> None:
    assert stored_note(None) is None
    assert stored_note(GenerationInfo(documents_note="bogus")) is None
    assert stored_note(GenerationInfo(documents_note="searching")) is None
    assert stored_note(GenerationInfo(documents_note="left-out", passages_left_out=0)) is None
    assert meta_line(None) == ""
    assert meta_line(GenerationInfo(model_file="dir/model.Q4.gguf")) == "model.Q4"
    info = GenerationInfo(model_file="model.gguf", tokens_per_second=9.87)
    assert meta_line(info) == "model · 9.9 tok/s"
    # The name the window showed, kept with the reply, wins over the file's.
    named = GenerationInfo(model_file="m.gguf", model_name="Gemma 3 270M", tokens_per_second=5)
    assert meta_line(named) == "Gemma 3 270M · 5.0 tok/s"
    remote = GenerationInfo(model_file="http://10.0.0.2:8080/v1#qwen", model_name="Qwen 3")
    assert meta_line(remote) == "Qwen 3 @ 10.0.0.2:8080"

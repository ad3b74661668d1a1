"""TokenStream, LocalEngine's token loop, on a fake model: the events it yields and the text
it keeps, with no llama.cpp."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence

from desktop.chat.local_stream import TokenStream
from desktop.chat.prompt import ChatTemplate
from desktop.chat.protocol import Failed, Finished, ReplyEvent, TextDelta
from desktop.core.conversation import FinishReason
from desktop.engine.llama import GenerationError, SamplingOptions


class FakeModel:
    """What TokenStream reads of a LoadedModel: each token id is one piece of text."""

    n_ctx = 4096

    def __init__(self, pieces: Sequence[str], pause_at_end_s: float = 0.0) -> None:
        self.pieces = [piece.encode() for piece in pieces]
        self.pause_at_end_s = pause_at_end_s
        self.fail_after: int | None = None
        self.cached_tokens = 0
        self.last_prompt_evaluated = 0

    def token_bytes(self, token: int) -> bytes:
        return self.pieces[token]

    def generate(
        self,
        prompt: Sequence[int],
        sampling: SamplingOptions,
        should_stop: Callable[[], bool],
        _tail: Sequence[int] = (),
    ) -> Iterator[int]:
        self.last_prompt_evaluated = len(prompt)
        self.cached_tokens = len(prompt)
        for token in range(len(self.pieces)):
            if should_stop():
                return
            if self.fail_after is not None and token >= self.fail_after:
                raise GenerationError("decode failed")
            self.cached_tokens += 1
            yield token
        time.sleep(self.pause_at_end_s)


TEMPLATE = ChatTemplate(source="", origin="builtin:test", stop_strings=("</s>",))
SAMPLING = SamplingOptions(max_tokens=100)


def stream(model: FakeModel, cancelled: Callable[[], bool] = lambda: False) -> list[ReplyEvent]:
    remembered: list[tuple[str, Sequence[int]]] = []
    reply = TokenStream(
        model,  # type: ignore[arg-type]
        TEMPLATE,
        (1, 2, 3),
        SAMPLING,
        0,
        cancelled,
        lambda text, tokens: remembered.append((text, tokens)),
    )
    return list(reply.events())


def text_of(events: list[ReplyEvent]) -> str:
    return "".join(event.text for event in events if isinstance(event, TextDelta))


def test_deltas_carry_the_whole_reply_and_finished_comes_last() -> None:
    events = stream(FakeModel(["Hel", "lo", " world"]))
    assert text_of(events) == "Hello world"
    assert isinstance(events[-1], Finished)
    assert events[-1].stats.finish_reason == FinishReason.STOP
    assert events[-1].stats.generated_tokens == 3


def test_a_stop_string_ends_the_reply_unseen() -> None:
    events = stream(FakeModel(["Hi", " there", "</", "s>", "never"]))
    assert text_of(events) == "Hi there"


def test_text_held_at_the_end_is_shown_even_after_a_pause() -> None:
    """What the stop-string holdback kept at the end ("<", could have started "</s>") and
    text still waiting in the coalescer both reach the screen, however long after the last
    delta the reply ends."""
    events = stream(FakeModel(["Hello", " world", " <"], pause_at_end_s=0.06))
    assert text_of(events) == "Hello world <"


def test_cancelled_stops_between_tokens() -> None:
    calls: list[int] = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 2

    events = stream(FakeModel(["a", "b", "c", "d"]), cancelled)
    assert isinstance(events[-1], Finished)
    assert events[-1].stats.finish_reason == FinishReason.CANCELLED
    assert events[-1].stats.generated_tokens == 2


def test_a_failure_keeps_what_was_said_and_ends_with_failed() -> None:
    model = FakeModel(["One", " two", " three"])
    model.fail_after = 2
    events = stream(model)
    assert text_of(events) == "One two"
    assert isinstance(events[-1], Failed)


def _finish(model: FakeModel, max_tokens: int) -> FinishReason:
    reply = TokenStream(
        model,  # type: ignore[arg-type]
        TEMPLATE,
        (1, 2, 3),
        SamplingOptions(max_tokens=max_tokens),
        0,
        lambda: False,
        lambda text, tokens: None,
    )
    last = list(reply.events())[-1]
    assert isinstance(last, Finished)
    return last.stats.finish_reason


def test_max_tokens_and_a_full_context_window_are_told_apart() -> None:
    """Issue 17: a cut-off reply said "Max tokens or filled the context window"; it now says
    which one."""
    assert _finish(FakeModel(["a", "b", "c", "d"]), max_tokens=2) == FinishReason.LENGTH
    small = FakeModel(["a", "b", "c", "d", "e", "f"])
    small.n_ctx = 6  # the 3-token prompt plus 2 generated fill it
    assert _finish(small, max_tokens=100) == FinishReason.CONTEXT
    unlimited = FakeModel(["a", "b", "c", "d", "e", "f"])
    unlimited.n_ctx = 4  # no Max tokens: the window is the only limit
    assert _finish(unlimited, max_tokens=0) == FinishReason.CONTEXT
    assert _finish(FakeModel(["a", "b"]), max_tokens=100) == FinishReason.STOP

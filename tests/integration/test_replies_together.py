"""Several replies decoded together by the real llama.cpp (ParallelDecoder through LocalEngine
and the EngineHost): the same greedy text as one at a time, a window reply joins API replies
under way, a cancelled reply leaves at once and frees its slot."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from desktop.chat.engine_host import Priority, ReplyTicket
from desktop.chat.protocol import Finished, GenerationRequest, ReplyStats, TextDelta
from desktop.chat.qt.inference_worker import InferenceWorker
from desktop.core.conversation import ChatMessage, FinishReason, Role
from desktop.engine.llama import PARALLEL_SEQUENCES, LoadOptions, SamplingOptions

GREEDY = SamplingOptions(temperature=0.0, max_tokens=48, repeat_penalty=1.0, seed=1)
ENDLESS = SamplingOptions(temperature=1.0, max_tokens=100_000, seed=5)
TIMEOUT = 60


@pytest.fixture
def worker(tiny_gguf: Path, private_data_dir: Path):
    worker = InferenceWorker(private_data_dir / "models", private_data_dir / "probed.json")
    loaded = []
    worker.load_finished.connect(lambda _rid, info: loaded.append(info))
    worker.on_load_requested(1, str(tiny_gguf), LoadOptions(n_ctx=4096, n_threads=1))
    assert loaded
    yield worker
    worker.on_unload_requested()
    worker.close()


def request(n: int, sampling: SamplingOptions = GREEDY) -> GenerationRequest:
    text = f"Question {n}: tell me about the number {n} and its friends."
    return GenerationRequest(n, (ChatMessage(Role.USER, text),), sampling)


def result(ticket: ReplyTicket) -> tuple[str, ReplyStats]:
    events = list(ticket)
    assert isinstance(events[-1], Finished), events[-1]
    return "".join(e.text for e in events if isinstance(e, TextDelta)), events[-1].stats


def test_replies_together_read_as_replies_alone(worker: InferenceWorker) -> None:
    alone = [result(worker.host.stream(request(n))) for n in range(1, 5)]
    evaluated = worker.model.evaluated_tokens
    tickets = [
        worker.host.stream(request(n), priority=Priority.API, client=f"c{n}") for n in range(1, 5)
    ]
    together = [result(ticket) for ticket in tickets]
    assert [text for text, _ in together] == [text for text, _ in alone]
    assert all(
        stats.generated_tokens == s.generated_tokens
        for (_, stats), (_, s) in zip(together, alone, strict=True)
    )
    assert worker.model.evaluated_tokens > evaluated  # decoded, not replayed


def test_more_clients_than_slots_all_get_their_reply(worker: InferenceWorker) -> None:
    short = SamplingOptions(temperature=0.0, max_tokens=8, repeat_penalty=1.0, seed=1)
    tickets = [
        worker.host.stream(request(n, short), priority=Priority.API, client=f"c{n}")
        for n in range(PARALLEL_SEQUENCES + 3)
    ]
    for ticket in tickets:
        _, stats = result(ticket)
        assert stats.generated_tokens > 0


def test_a_window_reply_joins_api_replies_under_way(worker: InferenceWorker) -> None:
    api = [
        worker.host.stream(request(n, ENDLESS), priority=Priority.API, client=f"c{n}")
        for n in range(3)
    ]
    first = api[0].next_event(TIMEOUT)
    assert first is not None and api[0].started.is_set()
    window_text, window_stats = result(worker.host.stream(request(9)))
    assert window_stats.finish_reason in (FinishReason.STOP, FinishReason.LENGTH)
    assert window_text
    for ticket in api:  # still going: the window did not wait for them
        assert not any(isinstance(e, Finished) for e in drain_now(ticket))
        ticket.cancel()
    for ticket in api:
        assert list(ticket)[-1].stats.finish_reason == FinishReason.CANCELLED  # type: ignore[union-attr]
    # The window's conversation is the main sequence's again: a follow-up reads only what is new.
    follow = request(10)
    follow = GenerationRequest(
        10,
        (
            *request(9).messages,
            ChatMessage(Role.ASSISTANT, window_text),
            ChatMessage(Role.USER, "More?"),
        ),
        GREEDY,
    )
    _, stats = result(worker.host.stream(follow))
    assert stats.evaluated_prompt_tokens < stats.prompt_tokens // 2


def drain_now(ticket: ReplyTicket) -> list[object]:
    """The events the ticket has ready, without waiting."""
    import queue

    events = []
    while True:
        try:
            event = ticket.next_event(timeout=0)
        except queue.Empty:
            return events
        if event is None:
            return events
        events.append(event)


def test_a_cancelled_reply_leaves_within_200_ms_and_frees_its_slot(worker: InferenceWorker) -> None:
    """Timed on the engine's thread, as it hears the cancel and ends the reply: the figure is
    how soon the batch lets the reply go, not how soon a busy machine schedules the reader."""
    stop = threading.Event()
    heard: list[float] = []

    def cancelled() -> bool:
        if stop.is_set() and not heard:
            heard.append(time.perf_counter())
        return stop.is_set()

    first = worker.host.stream(request(0, ENDLESS), cancelled, Priority.API, "c0")
    tickets = [first] + [
        worker.host.stream(request(n, ENDLESS), priority=Priority.API, client=f"c{n}")
        for n in range(1, PARALLEL_SEQUENCES)
    ]
    for ticket in tickets:  # every slot taken, replies streaming text
        while not isinstance(ticket.next_event(TIMEOUT), TextDelta):
            pass
    clicked = time.perf_counter()
    stop.set()
    events = list(first)  # ends: the reply left the batch
    assert events[-1].stats.finish_reason == FinishReason.CANCELLED  # type: ignore[union-attr]
    assert heard and heard[0] - clicked < 0.2
    # Its slot is free: one more reply gets it while the others still stream.
    extra = worker.host.stream(request(99), priority=Priority.API, client="late")
    _text, stats = result(extra)
    assert stats.generated_tokens > 0
    for ticket in tickets[1:]:
        ticket.cancel()
        list(ticket)


def test_the_kept_api_cache_gives_way_to_a_long_window_reply(
    tiny_gguf: Path, private_data_dir: Path
) -> None:
    """An API reply's cache is kept for its next request, but never at the cost of the
    window's: a window conversation that needs nearly the whole context still gets it."""
    worker = InferenceWorker(private_data_dir / "models", private_data_dir / "probed.json")
    worker.on_load_requested(1, str(tiny_gguf), LoadOptions(n_ctx=512, n_threads=1))
    try:
        _, api = result(worker.host.stream(request(1), priority=Priority.API, client="script"))
        assert api.context_used > 50  # kept in its slot
        long_text = "words and more words " * 64
        history = (ChatMessage(Role.USER, long_text),)
        window = GenerationRequest(2, history, GREEDY)
        _, stats = result(worker.host.stream(window))
        assert stats.context_used + api.context_used > 512  # both could not have stayed
        assert stats.generated_tokens > 0
    finally:
        worker.on_unload_requested()
        worker.close()


def test_a_reply_together_that_quotes_its_end_marker_is_not_cut(worker: InferenceWorker) -> None:
    """Replies decoded together end at the marker's control token, not at its characters."""
    quoting = SamplingOptions(
        temperature=0.0, max_tokens=48, seed=1, grammar='root ::= "Say <|im_end|> then stop."'
    )
    tickets = [
        worker.host.stream(request(n, quoting), priority=Priority.API, client=f"c{n}")
        for n in range(2)
    ]
    for ticket in tickets:
        text, stats = result(ticket)
        assert text == "Say <|im_end|> then stop."
        assert stats.finish_reason == FinishReason.STOP


def test_a_stop_string_ends_only_its_own_reply_in_a_batch(worker: InferenceWorker) -> None:
    """Stop strings are each reply's own (TokenStream's), even with every row of the batch
    chosen by the decoder's greedy argmax."""
    alone = [result(worker.host.stream(request(n))) for n in (1, 2)]
    texts = [text for text, _ in alone]
    stop = next(
        piece
        for start in range(len(texts[0]) // 3, len(texts[0]) - 4)
        if (piece := texts[0][start : start + 4]).isprintable()
        and piece.strip()
        and piece not in texts[1]
    )
    stopped = SamplingOptions(
        temperature=0.0, max_tokens=48, repeat_penalty=1.0, seed=1, stop=(stop,)
    )
    tickets = [
        worker.host.stream(request(1, stopped), priority=Priority.API, client="c1"),
        worker.host.stream(request(2), priority=Priority.API, client="c2"),
    ]
    (first, first_stats), (second, second_stats) = (result(ticket) for ticket in tickets)
    assert first == texts[0][: texts[0].find(stop)]
    assert first_stats.finish_reason == FinishReason.STOP
    assert second == texts[1]
    assert second_stats.generated_tokens == alone[1][1].generated_tokens

"""EngineHost with a backend that replies together (RepliesTogether): waiting replies are handed
over at once, replies queued meanwhile join, a lone window reply keeps the one-at-a-time path."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import pytest

from desktop.chat.engine_host import EngineHost, Priority
from desktop.chat.protocol import (
    Finished,
    ReplyStarted,
    TextDelta,
    TogetherReply,
)
from desktop.core.conversation import FinishReason
from tests.fixtures.engine_host import TIMEOUT, hold, request, started_host
from tests.fixtures.scripted_backend import ScriptedBackend, stats


class Together(ScriptedBackend):
    """Replies together: each batch's requests are noted, each reply is its request id as text.
    Between rounds it asks for more, as LocalEngine does between steps."""

    def __init__(self, rounds: int = 3) -> None:
        super().__init__()
        self.batches: list[list[int]] = []
        self.joined: list[int] = []
        self.rounds = rounds
        self.between = threading.Event()
        self.go_on = threading.Event()
        self.go_on.set()
        self.in_batch = False

    def parallel_replies(self) -> int:
        return 4

    def replies_together(
        self,
        first: Sequence[TogetherReply],
        more: Callable[[int], Sequence[TogetherReply]],
    ) -> None:
        self.in_batch = True
        live = list(first)
        self.batches.append([entry.request.request_id for entry in live])
        for entry in live:
            entry.emit(ReplyStarted(self._info()))
        for _ in range(self.rounds):
            self.between.set()
            self.go_on.wait(TIMEOUT)
            joined = list(more(4 - len(live)))
            self.joined.extend(entry.request.request_id for entry in joined)
            for entry in joined:
                entry.emit(ReplyStarted(self._info()))
            live.extend(joined)
        for entry in live:
            entry.emit(TextDelta(str(entry.request.request_id)))
            entry.emit(Finished(stats(FinishReason.STOP, 1)))
            entry.end()
        self.in_batch = False

    def _info(self):
        from desktop.chat.protocol import PromptInfo

        return PromptInfo(1, 0, 0, self.n_ctx)


@pytest.fixture
def backend() -> Together:
    return Together()


@pytest.fixture
def host(backend: Together):
    yield from started_host(backend)


def text(ticket) -> str:
    return "".join(event.text for event in ticket if isinstance(event, TextDelta))


def test_waiting_replies_are_handed_over_together(host: EngineHost, backend: Together) -> None:
    release = hold(host)
    tickets = [host.stream(request(n), priority=Priority.API, client=f"c{n}") for n in (1, 2, 3)]
    release.set()
    assert [text(ticket) for ticket in tickets] == ["1", "2", "3"]
    assert backend.batches == [[1, 2, 3]]


def test_the_window_goes_first_in_a_batch_and_clients_take_turns(
    host: EngineHost, backend: Together
) -> None:
    release = hold(host)
    tickets = [host.stream(request(n), priority=Priority.API, client="a") for n in (1, 2)]
    tickets.append(host.stream(request(3), priority=Priority.API, client="b"))
    tickets.append(host.stream(request(4)))  # the window's
    tickets.append(host.stream(request(5), priority=Priority.API, client="c"))
    release.set()
    for ticket in tickets:
        list(ticket)
    # Four at most together: the window's first, then one of each client; the rest after.
    assert backend.batches == [[4, 1, 3, 5], [2]]


def test_a_reply_queued_meanwhile_joins_the_batch(host: EngineHost, backend: Together) -> None:
    backend.go_on.clear()
    api = host.stream(request(1), priority=Priority.API, client="script")
    assert backend.between.wait(TIMEOUT)  # the API reply is under way
    window = host.stream(request(2))
    backend.go_on.set()
    assert text(window) == "2"
    assert text(api) == "1"
    assert backend.batches == [[1]]
    assert backend.joined == [2]


def test_a_lone_window_reply_is_made_one_at_a_time(host: EngineHost, backend: Together) -> None:
    backend.push("alone")
    assert text(host.stream(request(1))) == "alone"
    assert backend.batches == []


def test_other_jobs_wait_for_the_batch_and_run_after(host: EngineHost, backend: Together) -> None:
    backend.go_on.clear()
    api = host.stream(request(1), priority=Priority.API, client="script")
    assert backend.between.wait(TIMEOUT)
    count = host.submit(lambda _: "counted")
    backend.go_on.set()
    assert count.result(TIMEOUT) == "counted"
    assert text(api) == "1"


def test_a_count_runs_between_steps_while_replies_stream(host: EngineHost, backend: Together):
    """The window's context meter need not wait for API replies to end: a job that only reads
    the model (between_steps) runs between two steps; any other waits for the batch."""
    backend.go_on.clear()
    ticket = host.stream(request(1), priority=Priority.API, client="script")
    assert backend.between.wait(TIMEOUT)  # the batch is under way, paused between steps
    count = host.submit(lambda _: backend.in_batch, between_steps=True)
    other = host.submit(lambda _: backend.in_batch)
    backend.go_on.set()
    assert count.result(TIMEOUT) is True  # ran inside the batch
    assert other.result(TIMEOUT) is False  # waited for it to end
    assert text(ticket) == "1"
    assert backend.batches == [[1]]

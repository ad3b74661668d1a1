"""EngineHost: one backend on its own thread, fair turns between clients, tickets, closing."""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future

import pytest

from desktop.chat.engine_host import EngineHost, HostClosedError, Priority
from desktop.chat.protocol import (
    ChatBackend,
    Failed,
    Finished,
    ReplyStarted,
    TextDelta,
)
from desktop.core.conversation import FinishReason
from tests.fixtures.engine_host import TIMEOUT, hold, request, started_host
from tests.fixtures.scripted_backend import WAIT_FOR_CANCEL, ScriptedBackend


@pytest.fixture
def backend() -> ScriptedBackend:
    return ScriptedBackend()


@pytest.fixture
def host(backend: ScriptedBackend):
    yield from started_host(backend)


def test_jobs_run_on_the_host_thread_and_return_through_futures(host: EngineHost) -> None:
    future = host.submit(lambda _: threading.current_thread().name)
    assert future.result(TIMEOUT) == "hearthside-engine"


def test_a_job_error_reaches_its_future_and_the_host_goes_on(host: EngineHost) -> None:
    def fail(_: ChatBackend) -> None:
        raise ValueError("broken job")

    with pytest.raises(ValueError, match="broken job"):
        host.submit(fail).result(TIMEOUT)
    assert host.submit(lambda _: 7).result(TIMEOUT) == 7


def test_window_jobs_go_before_waiting_api_jobs(host: EngineHost) -> None:
    order: list[str] = []
    release = hold(host)
    api = [
        host.submit(lambda _, n=n: order.append(f"api{n}"), Priority.API, "script")
        for n in range(3)
    ]
    window = host.submit(lambda _: order.append("window"))
    release.set()
    for future in [*api, window]:
        future.result(TIMEOUT)
    assert order == ["window", "api0", "api1", "api2"]


def test_api_clients_take_turns(host: EngineHost) -> None:
    order: list[str] = []
    release = hold(host)
    futures: list[Future[None]] = []
    for n in range(3):
        futures.append(host.submit(lambda _, n=n: order.append(f"a{n}"), Priority.API, "a"))
    for n in range(2):
        futures.append(host.submit(lambda _, n=n: order.append(f"b{n}"), Priority.API, "b"))
    release.set()
    for future in futures:
        future.result(TIMEOUT)
    assert order == ["a0", "b0", "a1", "b1", "a2"]


def test_a_client_that_comes_back_is_not_sent_to_the_end(host: EngineHost) -> None:
    """A client whose earlier jobs all ran starts again level with the others."""
    order: list[str] = []
    for n in range(5):  # "a" has had many turns, all finished
        host.submit(lambda _, n=n: None, Priority.API, "a").result(TIMEOUT)
    release = hold(host)
    futures = [host.submit(lambda _, n=n: order.append(f"b{n}"), Priority.API, "b") for n in (0, 1)]
    futures.append(host.submit(lambda _: order.append("a"), Priority.API, "a"))
    release.set()
    for future in futures:
        future.result(TIMEOUT)
    assert order == ["b0", "a", "b1"]


def test_a_ticket_yields_the_reply_events_in_order(host: EngineHost, backend) -> None:
    backend.push("Hel", "lo")
    events = list(host.stream(request()))
    assert isinstance(events[0], ReplyStarted)
    assert [event.text for event in events if isinstance(event, TextDelta)] == ["Hel", "lo"]
    assert isinstance(events[-1], Finished)
    assert events[-1].stats.finish_reason == FinishReason.STOP


def test_cancelling_a_ticket_stops_the_reply(host: EngineHost, backend) -> None:
    backend.push("partial", WAIT_FOR_CANCEL)
    ticket = host.stream(request())
    assert backend.waiting.wait(TIMEOUT)
    ticket.cancel()
    events = list(ticket)
    assert isinstance(events[-1], Finished)
    assert events[-1].stats.finish_reason == FinishReason.CANCELLED
    assert host.submit(lambda _: "free").result(TIMEOUT) == "free"


def test_a_backend_that_raises_ends_the_ticket_with_failed(host: EngineHost) -> None:
    class Broken(ScriptedBackend):
        def reply(self, request, cancelled):
            yield from ()
            raise RuntimeError("engine broke")

    host.set_backend(Broken()).result(TIMEOUT)
    events = list(host.stream(request()))
    assert isinstance(events[-1], Failed)
    assert "engine broke" in events[-1].failure.message


def test_closing_abandons_waiting_work(backend) -> None:
    host = EngineHost(backend)
    host.start()
    release = hold(host)
    future = host.submit(lambda _: "never")
    ticket = host.stream(request())
    closed = threading.Event()
    closer = threading.Thread(target=lambda: closed.set() if host.close() else None)
    closer.start()
    while host.pending():  # close() takes the waiting jobs before the held one ends
        threading.Event().wait(0.01)
    release.set()
    closer.join(TIMEOUT)
    assert closed.is_set()
    with pytest.raises(HostClosedError):
        future.result(TIMEOUT)
    assert isinstance(list(ticket)[-1], Failed)
    with pytest.raises(HostClosedError):
        host.submit(lambda _: "after").result(TIMEOUT)


def test_next_event_can_wait_with_a_timeout(host: EngineHost, backend) -> None:
    release = hold(host)
    ticket = host.stream(request())
    with pytest.raises(queue.Empty):
        ticket.next_event(timeout=0.05)
    assert not ticket.started.is_set()
    release.set()
    assert isinstance(ticket.next_event(TIMEOUT), ReplyStarted)

"""InferenceWorker through its EngineHost: the window's engine calls are host jobs in the window's
turn, the host is shared with other clients, and closing it is bounded."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.chat.engine_host import Priority
from desktop.chat.protocol import ChatBackend, GenerationRequest
from desktop.chat.qt.inference_worker import InferenceWorker
from desktop.core.conversation import ChatMessage, Role
from desktop.engine.llama import LoadOptions, SamplingOptions
from tests.fixtures.scripted_backend import ScriptedBackend

TIMEOUT = 30
"""Seconds any wait here may take before the test fails (a guard against a hang, never a
figure): the engine's thread runs below the test's (core/thread_priority.py), so on a
saturated machine it may wait long for a core."""


def request(request_id: int) -> GenerationRequest:
    return GenerationRequest(
        request_id, (ChatMessage(Role.USER, "hello"),), SamplingOptions(max_tokens=8)
    )


class ThreadNoting(ScriptedBackend):
    """Notes the thread each engine call runs on."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: list[str] = []

    def reply(self, request, cancelled):
        self.threads.append(threading.current_thread().name)
        yield from super().reply(request, cancelled)

    def load(self, path, options, progress, cancelled):
        self.threads.append(threading.current_thread().name)
        return super().load(path, options, progress, cancelled)


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[InferenceWorker]:
    """The worker driven directly (its slots run on the test's thread, signals are direct)."""
    worker = InferenceWorker(tmp_path / "models")
    yield worker
    worker.close()


def test_engine_calls_run_on_the_host_thread(worker: InferenceWorker) -> None:
    backend = ThreadNoting()
    worker.set_backend(backend)
    progress: list[float] = []
    loaded: list[object] = []
    finished: list[object] = []
    worker.load_progress.connect(lambda _rid, fraction: progress.append(fraction))
    worker.load_finished.connect(lambda _rid, info: loaded.append(info))
    worker.reply_finished.connect(lambda _rid, stats: finished.append(stats))
    worker.on_load_requested(1, "", LoadOptions())
    backend.push("Hi")
    worker.on_generate_requested(request(2))
    assert progress == [1.0] and loaded and finished
    assert backend.threads == ["hearthside-engine", "hearthside-engine"]
    assert worker.host.backend is backend


def test_the_window_goes_before_waiting_api_work(qtbot, worker: InferenceWorker) -> None:
    """Order only, never time: the engine is held busy until every job is queued, so the
    order it then runs them in is the host's choice, whatever the machine's load. The held
    job waits for the test's release (set in any case), not for a time that a slow machine
    could use up before the window's reply is queued."""
    backend = ScriptedBackend()
    worker.set_backend(backend)
    release = threading.Event()
    holding = threading.Event()
    order: list[str] = []

    def hold(_: ChatBackend) -> None:
        holding.set()
        release.wait(4 * TIMEOUT)  # released below; bounded only so that a failure cannot hang

    worker.host.submit(hold, Priority.API, "script")
    window = threading.Thread(target=worker.on_generate_requested, args=(request(1),))
    try:
        assert holding.wait(TIMEOUT)  # the engine is busy: what follows is queued, not run
        api = [
            worker.host.submit(lambda _, n=n: order.append(f"api{n}"), Priority.API, "script")
            for n in range(2)
        ]
        backend.push("window reply")
        finished: list[object] = []
        worker.reply_finished.connect(lambda _rid, stats: finished.append(stats))
        window.start()
        deadline = time.monotonic() + TIMEOUT
        while worker.host.pending() < 3:  # both API jobs and the window's reply wait
            assert time.monotonic() < deadline, "the window's reply was never queued"
            time.sleep(0.005)
        original = backend.reply

        def noting_reply(req, cancelled):
            order.append("window")
            yield from original(req, cancelled)

        backend.reply = noting_reply  # type: ignore[method-assign]
    finally:
        release.set()
    window.join(TIMEOUT)
    for future in api:
        future.result(TIMEOUT)
    assert order == ["window", "api0", "api1"]
    qtbot.waitUntil(lambda: bool(finished), timeout=TIMEOUT * 1000)  # emitted off this thread


def test_closing_is_bounded_by_a_stuck_job(tmp_path: Path) -> None:
    worker = InferenceWorker(tmp_path / "models")
    worker.set_backend(ScriptedBackend())
    release = threading.Event()
    worker.host.submit(lambda _: release.wait(TIMEOUT))
    started = time.perf_counter()
    assert worker.close(timeout=0.2) is False
    assert time.perf_counter() - started < 2
    release.set()
    assert worker.host.close(TIMEOUT)


def test_after_closing_slots_run_the_backend_directly(worker: InferenceWorker) -> None:
    """The app unloads after the host has stopped (or a test drives a closed worker): the
    backend is then called right here, as nothing else can be using it."""
    backend = ScriptedBackend()
    worker.set_backend(backend)
    worker.on_load_requested(1, "", LoadOptions())
    assert worker.close()
    unloaded: list[bool] = []
    worker.model_unloaded.connect(lambda: unloaded.append(True))
    assert backend.loaded is None  # close freed it
    worker.on_load_requested(2, "", LoadOptions())
    worker.on_unload_requested()
    assert unloaded == [True]


def test_the_windows_engine_runs_below_the_window(worker: InferenceWorker) -> None:
    """Its thread (and with it the API server's, on the same host) gives way to the GUI thread
    when the cores are busy: core/thread_priority.py."""
    assert worker.host.below_window

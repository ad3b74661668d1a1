"""The bounded load test, in the real window: 16 streaming API clients at once (another
program, as for a user), 200 requests in all, while the window keeps streaming replies of its own
on the same engine. Every request completes or fails with a proper error, none hangs, the
window's reply is not starved, the window's event loop is not held up, and the memory comes
back.

How the stall is measured: a timer on the GUI thread ticks every 10 ms; the longest gap between
two ticks is the longest the window could not answer the user. Two figures are asserted:

- the GUI thread's own work between two ticks (its CPU time) stays under 50 ms: everything the
  server asks of the window (a request's row in the Server panel, per request, never per token)
  and the window's own streaming together;
- the wall-clock gap, less the time the GUI thread spent in the chat store's transactions within
  it, stays under 50 ms, or, on a machine whose cores are saturated (this test's own clients
  and llama.cpp's threads on the 2-core CI machine, with other jobs beside it), under 50 ms plus
  four times the longest gap that an idle Qt process (tests/fixtures/idle_ticks.py) suffers at
  the same moment: the scheduler then delays every process, and the window's threads share one
  interpreter lock with the server's besides.

What the longest gaps were made of (sampled on the GUI thread): the GUI thread waiting to run
(no CPU time of its own) while both cores were busy, and, until the chat store's commits
stopped waiting for the disk, those commits (`COMMIT` with an fsync, 60-150 ms while other jobs
wrote to the disk). The store now only writes the WAL on the GUI thread and fsyncs it on a
thread of its own (`store.durability`), so its transactions here take at most 17-29 ms (an
occasional automatic checkpoint, CPU contention); their time is still reported and left out of
the asserted gap, as the window saves with or without the API server. Never the server's rows.
Measured on the 2-core CI machine (load average 5-18) with fsyncs on the GUI thread: the
window's worst gap 117-380 ms with the store's commits, an idle process's 31-117 ms at the same
time; the GUI thread's own work at most 17 ms between two ticks. With the background sync
(load average 6-8): worst gap 92-135 ms, store transactions included; on a quiet 2-core machine
62-76 ms, and 40-49 ms once the engine's and the server's threads run below the window's
(`core/thread_priority.py`), against an idle process's 13-20 ms.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from PySide6.QtCore import QTimer

from tests.api.qt.conftest import settled
from tests.fixtures.window import load_tiny

CLIENTS = 16
REQUESTS = 200
TICK_MS = 10
MAX_STALL_MS = 50.0
BUSY_FACTOR = 4.0
"""The window's worst gap may be this many times an idle process's, plus MAX_STALL_MS, when the
machine's cores are saturated (see the module's docstring)."""
ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class StallMeter:
    """A timer ticking every TICK_MS on the GUI thread: the longest wall-clock gap between two
    ticks (with and without the chat store's transactions in it), and the most CPU time the GUI
    thread spent between two."""

    def __init__(self, store: Any) -> None:
        self.worst_ms = 0.0
        self.worst_net_ms = 0.0  # less the store's transactions
        self.worst_work_ms = 0.0
        self.in_store = self.last_in_store = 0.0
        self.time_transactions(store)
        self.ticks = 0
        self.last = self.last_cpu = 0.0
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)

    def start(self) -> None:
        self.last, self.last_cpu = time.perf_counter(), time.thread_time()
        self.timer.start()

    def time_transactions(self, store: Any) -> None:
        """Counts the time the store's transactions take (the window's own writes, on the GUI
        thread: its only user)."""
        transaction = store.transaction

        @contextlib.contextmanager
        def timed() -> Iterator[Any]:
            started = time.perf_counter()
            try:
                with transaction() as connection:
                    yield connection
            finally:
                self.in_store += time.perf_counter() - started

        store.transaction = timed

    def tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        gap_ms = (now - self.last) * 1000
        self.worst_ms = max(self.worst_ms, gap_ms)
        net_ms = gap_ms - (self.in_store - self.last_in_store) * 1000
        self.worst_net_ms = max(self.worst_net_ms, net_ms)
        self.worst_work_ms = max(self.worst_work_ms, (cpu - self.last_cpu) * 1000)
        self.last, self.last_cpu, self.last_in_store = now, cpu, self.in_store
        self.ticks += 1

    def stop(self) -> None:
        self.timer.stop()


def child(module: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])},
    )


def run_clients(url: str, model: str, requests: int) -> subprocess.Popen[str]:
    """The API clients (tests/fixtures/api_load_clients.py)."""
    args = (url, "x", model, str(CLIENTS), str(requests))
    return child("tests.fixtures.api_load_clients", *args)


def report_of(qtbot, process: subprocess.Popen[str]) -> dict:
    """A child's JSON report, the window's event loop running meanwhile; none may hang."""
    qtbot.waitUntil(lambda: process.poll() is not None, timeout=180_000)
    assert process.stdout is not None
    out = process.stdout.read()
    assert process.returncode == 0, out
    return json.loads(out.strip().splitlines()[-1])


def test_sixteen_clients_two_hundred_requests_in_the_window(qtbot, app, tiny_gguf: Path) -> None:
    load_tiny(qtbot, app, tiny_gguf, n_ctx=2048, max_tokens=64, temperature=0.0)
    server = app.server
    app.settings.set("server.enabled", True)
    app.settings.set("server.port", _free_port())
    server.apply_settings()
    state = settled(qtbot, server)
    assert state.running, state.error
    model = tiny_gguf.name

    # Warm: the window's first reply (its Markdown renderer is imported then), the server's
    # threads and pools, the allocator.
    session = app.session
    assert session.send("Warm the window")
    qtbot.waitUntil(lambda: not session.is_streaming, timeout=30_000)
    warm = report_of(qtbot, run_clients(state.url, model, 2 * CLIENTS))
    assert set(warm["outcomes"]) == {"ok"}
    process = psutil.Process()
    gc.collect()
    qtbot.wait(300)
    rss_before = process.memory_info().rss

    meter = StallMeter(app.store)
    asked: list[float] = []
    first_text: list[float] = []

    def window_turn() -> None:
        """The window keeps a reply streaming while the clients run (a new chat when the last
        ended); the first one's wait for its first words is the starving check."""
        if not session.is_streaming:
            session.new_chat()  # one reply at a time, not a conversation filling the context
            if session.send(f"The window asks {len(asked)}"):
                asked.append(time.perf_counter())
        reply = session.reply
        if asked and not first_text and reply is not None and reply.text:
            first_text.append(time.perf_counter())

    meter.timer.timeout.connect(window_turn)
    idle = child("tests.fixtures.idle_ticks")
    assert idle.stdout is not None and idle.stdout.readline().strip() == "ticking"
    clients = run_clients(state.url, model, REQUESTS)
    qtbot.wait(200)  # the clients' first requests are in flight
    meter.start()
    report = report_of(qtbot, clients)
    meter.stop()
    assert idle.stdin is not None
    idle.stdin.close()
    reference_ms = report_of(qtbot, idle)["worst_ms"]
    qtbot.waitUntil(lambda: not session.is_streaming, timeout=30_000)

    outcomes, seconds = report["outcomes"], report["seconds"]
    print(
        f"\n{REQUESTS} requests in {seconds:.1f} s beside {len(asked)} window replies; "
        f"the window's worst stall {meter.worst_ms:.0f} ms, {meter.worst_net_ms:.0f} ms "
        f"without its chat store's commits (an idle process's: {reference_ms:.0f} ms), "
        f"its own work at most {meter.worst_work_ms:.0f} ms per tick"
    )
    others = [o for o in outcomes if o != "ok" and not o.startswith("status 503")]
    assert not others, others
    assert outcomes.count("ok") >= REQUESTS * 0.9, outcomes
    assert asked and first_text
    # The window waited for one API reply at most (16 tokens of the tiny model), not 16.
    assert first_text[0] - asked[0] < 1.0
    assert server.request_count >= 2 * CLIENTS + REQUESTS
    assert meter.ticks > 0 and meter.worst_work_ms < MAX_STALL_MS
    assert meter.worst_net_ms < MAX_STALL_MS + BUSY_FACTOR * reference_ms, (
        f"the window stalled {meter.worst_net_ms:.0f} ms, an idle process {reference_ms:.0f} ms"
    )

    gc.collect()
    qtbot.wait(500)
    rss_after = process.memory_info().rss
    print(f"RSS {rss_before / 2**20:.0f} MiB before the load, {rss_after / 2**20:.0f} MiB after")
    assert rss_after <= rss_before * 1.05, (rss_before, rss_after)


pytestmark = pytest.mark.timeout(300)

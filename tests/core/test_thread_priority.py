"""Worker threads started by the window give way to it when the cores are busy (Linux)."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from desktop.chat.engine_host import EngineHost
from desktop.core.thread_priority import WORKER_NICENESS, give_way_to_the_window
from tests.fixtures.scripted_backend import ScriptedBackend

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux niceness")


def niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


@linux_only
def test_a_worker_lowers_only_its_own_priority() -> None:
    before = niceness()
    seen: list[tuple[bool, int]] = []

    def worker() -> None:
        start = niceness()
        seen.append((give_way_to_the_window(), niceness() - start))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(10)
    assert seen == [(True, min(WORKER_NICENESS, 19 - before))]
    assert niceness() == before  # the calling (window's) thread is untouched


@linux_only
@pytest.mark.parametrize("below_window", [True, False])
def test_the_windows_engine_host_runs_below_it(below_window: bool) -> None:
    """The window's host (InferenceWorker makes it so) runs its jobs at lower priority; the
    headless server's and the benchmarks' keep normal priority."""
    host = EngineHost(ScriptedBackend(), name="test-engine", below_window=below_window)
    host.start()
    try:
        theirs = host.submit(lambda _backend: niceness()).result(10)
    finally:
        host.close(10)
    expected = min(niceness() + WORKER_NICENESS, 19) if below_window else niceness()
    assert theirs == expected

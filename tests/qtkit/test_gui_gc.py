"""GuiThreadCollector: reference cycles are collected on the GUI thread, never on a worker."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator

import pytest

from desktop.qtkit.gui_gc import GuiThreadCollector, collect_due


class Node:
    """A reference cycle (it points at itself)."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def automatic_collection() -> Iterator[None]:
    """Python's own collection on, as in an app without the collector (the suite turns it off)."""
    was_enabled = gc.isenabled()
    gc.collect()
    gc.enable()
    yield
    if not was_enabled:
        gc.disable()


def _dropped_cycle(where: list[str]) -> None:
    node = Node()
    weakref.finalize(node, lambda: where.append(threading.current_thread().name))


def _allocate_on_a_worker() -> list[list[object]]:
    """A worker's ordinary work: it keeps enough new containers to pass the collector's first
    threshold (Python counts allocations less deallocations). Returned so they stay alive."""
    kept: list[list[object]] = []

    def work() -> None:
        kept.extend([] for _ in range(gc.get_threshold()[0] * 3))

    thread = threading.Thread(target=work, name="worker")
    thread.start()
    thread.join()
    return kept


def test_without_the_collector_a_worker_can_collect_the_gui_threads_cycle(
    automatic_collection: None,
) -> None:
    """The hazard the collector exists for (it can run a Qt destructor on the worker)."""
    where: list[str] = []
    _dropped_cycle(where)
    _allocate_on_a_worker()
    assert where == ["worker"]


def test_with_the_collector_the_cycle_dies_on_the_gui_thread(
    qapp: object, automatic_collection: None
) -> None:
    collector = GuiThreadCollector()
    try:
        assert not gc.isenabled()
        where: list[str] = []
        _dropped_cycle(where)
        kept = _allocate_on_a_worker()
        assert where == []  # the worker allocated past the threshold and collected nothing
        assert collector.check() >= 0  # the timer's work: a generation was due
        assert where == [threading.main_thread().name]
        del kept
    finally:
        collector.stop()
    assert gc.isenabled()  # handed back as it was


def test_the_timer_collects_without_being_asked(qtbot, automatic_collection: None) -> None:
    collector = GuiThreadCollector()
    try:
        where: list[str] = []
        _dropped_cycle(where)
        kept = _allocate_on_a_worker()
        qtbot.waitUntil(lambda: where == [threading.main_thread().name], timeout=5_000)
        del kept
    finally:
        collector.stop()


def test_nothing_is_collected_before_a_threshold_is_passed() -> None:
    gc.collect()
    assert collect_due() == -1

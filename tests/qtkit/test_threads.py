"""Exit never waits forever for a worker thread or pool."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

from PySide6.QtCore import QObject, QThread, QThreadPool, Signal, Slot

from desktop.qtkit.threads import finish_pool, finish_thread

SOURCE = Path(__file__).resolve().parents[2] / "desktop"


class _Stuck(QObject):
    """A worker whose slot blocks until released (a parser that does not return)."""

    start = Signal()

    def __init__(self, release: threading.Event) -> None:
        super().__init__()
        self.release = release
        self.blocking = threading.Event()
        self.start.connect(self.block)

    @Slot()
    def block(self) -> None:
        self.blocking.set()
        self.release.wait(30)


def test_a_stuck_thread_is_waited_for_only_up_to_the_limit(qtbot) -> None:
    release = threading.Event()
    thread = QThread()
    worker = _Stuck(release)
    worker.moveToThread(thread)
    thread.start()
    worker.start.emit()
    assert worker.blocking.wait(5)
    started = time.monotonic()
    assert not finish_thread(thread, 300)
    assert time.monotonic() - started < 2
    release.set()
    assert thread.wait(5000)


def test_a_stuck_pool_is_waited_for_only_up_to_the_limit() -> None:
    release = threading.Event()
    pool = QThreadPool()
    pool.start(lambda: release.wait(30))
    started = time.monotonic()
    assert not finish_pool(pool, 300)
    assert time.monotonic() - started < 2
    release.set()
    assert pool.waitForDone(5000)


def test_no_thread_or_pool_is_waited_for_without_a_limit() -> None:
    unbounded = re.compile(r"(thread|pool)\w*\.(wait|waitForDone)\(\)", re.IGNORECASE)
    found = [
        f"{path.relative_to(SOURCE)}:{number}: {line.strip()}"
        for path in SOURCE.rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if unbounded.search(line)
    ]
    assert not found, "\n".join(found)

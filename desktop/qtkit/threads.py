"""Ending a worker thread at exit without ever waiting forever.

Why: a worker busy in one long call (a file's parser, a native model call) would make a wait
on its thread without a limit hang the app's exit, and the user would have to kill it. Every
wait at exit has a limit; a thread still running then is logged and kept referenced here, never
destroyed while it runs (Qt aborts the process for that), and the process ends around it.
"""

from __future__ import annotations

import logging
from typing import Final

from PySide6.QtCore import QThread, QThreadPool

__all__ = ["EXIT_WAIT_MS", "finish_pool", "finish_thread"]

log = logging.getLogger(__name__)

#: How long exit waits for one worker thread or pool, in milliseconds.
EXIT_WAIT_MS: Final = 5000

# Threads that did not finish in time: referenced until the process ends.
_left_running: list[QThread] = []


def finish_thread(thread: QThread, timeout_ms: int = EXIT_WAIT_MS) -> bool:
    """Quits ``thread``'s event loop and waits at most ``timeout_ms``; True when it ended.

    A thread still running is logged and kept alive (never destroyed while it runs)."""
    thread.quit()
    if thread.wait(timeout_ms):
        return True
    log.error("thread %r still running after %d ms at exit", thread.objectName(), timeout_ms)
    _left_running.append(thread)
    return False


def finish_pool(pool: QThreadPool, timeout_ms: int = EXIT_WAIT_MS) -> bool:
    """Waits at most ``timeout_ms`` for ``pool``'s tasks; True when they all ended."""
    if pool.waitForDone(timeout_ms):
        return True
    log.error(
        "%d pool task(s) still running after %d ms at exit", pool.activeThreadCount(), timeout_ms
    )
    return False

"""Worker threads that give way to the window's thread when the cores are busy.

The window's GUI thread sleeps most of the time and needs the CPU at once when it wakes (a key,
a repaint, the next streamed words). Under load (the local API server streaming to many
clients beside a reply, on a 2-core machine) the engine's and the server's threads keep every
core busy, and the GUI thread waited up to ~120 ms for its turn. A worker started by the
window lowers its own scheduling priority by :data:`WORKER_NICENESS`: an idle machine runs it
as fast as before (niceness only matters when threads compete), a busy one lets the window go
first. llama.cpp's compute threads, made by the engine's thread, inherit it.

Linux only: there a thread's niceness is its own (``setpriority`` with the thread's id); on
macOS and Windows the same call would change the whole process, so nothing is done there.
``hearthside serve`` (no window) keeps normal priority.
"""

from __future__ import annotations

import logging
import os
import sys
import threading

__all__ = ["WORKER_NICENESS", "give_way_to_the_window"]

log = logging.getLogger(__name__)

WORKER_NICENESS = 5
"""How much lower than the window's thread a worker runs: at 5 a competing worker gets about a
third of the CPU time the window's thread would (Linux's weights 335 against 1024)."""


def give_way_to_the_window() -> bool:
    """Lowers the calling thread's priority by WORKER_NICENESS (Linux); True when it did."""
    if not sys.platform.startswith("linux"):
        return False
    thread_id = threading.get_native_id()
    try:
        now = os.getpriority(os.PRIO_PROCESS, thread_id)
        os.setpriority(os.PRIO_PROCESS, thread_id, min(19, now + WORKER_NICENESS))
    except OSError as error:  # a sandbox that forbids it: run at normal priority
        log.info("worker thread priority not lowered: %s", error)
        return False
    return True

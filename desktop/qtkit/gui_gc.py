"""Python's cycle collector, run on the GUI thread only.

Python collects reference cycles on whichever thread happens to allocate past a threshold. When
that is a worker thread (the inference or document index thread) and the cycle holds a Qt
object of the GUI thread (a widget whose signal is connected to a lambda that names it, say),
the object's C++ destructor runs on the worker: it takes Qt's connection lock and then waits
for the GIL, while the GUI thread holds the GIL and waits for that lock in its next
``connect``. Both threads stop for good (seen in the test suite: the document index thread
collected a dialog's cycle while the GUI thread built a combo box). Collecting only on the GUI
thread makes every cyclic Qt object die where it lives; the worker threads still free
everything that is not in a cycle at once, by reference counting.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer, Slot

__all__ = ["GuiThreadCollector", "collect_due"]

CHECK_INTERVAL_MS = 500
"""How often the GUI thread looks at the collector's counts: a cycle lives at most this long
past the point where Python would have collected it."""


def collect_due() -> int:
    """Collects the oldest generation whose count is past its threshold, as Python itself would
    (:func:`gc.get_threshold`); returns the generation collected, or -1 when none was due."""
    counts = gc.get_count()
    thresholds = gc.get_threshold()
    for generation in (2, 1, 0):
        if thresholds[generation] and counts[generation] > thresholds[generation]:
            gc.collect(generation)
            return generation
    return -1


class GuiThreadCollector(QObject):
    """Turns Python's automatic collection off and does it from a GUI-thread timer instead,
    generation by generation with Python's own thresholds (:func:`collect_due`).

    Make it on the GUI thread and keep it for the app's life; :meth:`stop` gives collection
    back to Python as it was.

    Signals:
        None.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_INTERVAL_MS)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    @Slot()
    def check(self) -> int:
        """What the timer does: :func:`collect_due`, here on the GUI thread."""
        return collect_due()

    def stop(self) -> None:
        """Collects what is left here, on the GUI thread, and hands collection back to Python."""
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()

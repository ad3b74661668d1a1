"""Export all chats and import a file off the GUI thread, with progress and Cancel.

The store stays on the GUI thread (its SQLite connection belongs there): an export reads the
conversations there first, then formats and writes the files on a pool thread; an import reads
and checks the whole file on the pool thread, then the GUI thread adds the conversations. Both
keep their all-or-nothing rules (desktop/store/export.py's export_all removes what it wrote on
cancel or error; an import writes nothing unless the whole file was read and checked).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

__all__ = ["TransferJob"]

Work = Callable[[Callable[[int, int], bool]], Any]
"""The job's work: called with ``progress(done, total) -> go_on`` on a pool thread."""


class TransferJob(QObject):
    """One piece of work on a pool thread; its news arrives on the GUI thread by signal.

    Signals:
        progress(int done, int total): how far the work is.
        succeeded(object result): the work's return value (immutable results only).
        failed(object error): the exception the work raised.
    """

    progress = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, work: Work, pool: QThreadPool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self._pool = pool
        self._cancelled = threading.Event()
        self.running = False

    def start(self) -> None:
        self.running = True
        self.succeeded.connect(self._on_done)
        self.failed.connect(self._on_done)
        self._pool.start(_Run(self))

    def cancel(self) -> None:
        """Asks the work to stop at its next progress report."""
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def report(self, done: int, total: int) -> bool:
        """Called by the work on the pool thread; False once cancelled."""
        with contextlib.suppress(RuntimeError):  # the job was deleted with its parent
            self.progress.emit(done, total)
        return not self._cancelled.is_set()

    def run_work(self) -> None:
        """The pool thread's part."""
        try:
            result = self._work(self.report)
        except Exception as error:  # handed to the GUI thread, which reports it
            with contextlib.suppress(RuntimeError):
                self.failed.emit(error)
            return
        with contextlib.suppress(RuntimeError):
            self.succeeded.emit(result)

    def _on_done(self, _value: object) -> None:
        self.running = False


class _Run(QRunnable):
    def __init__(self, job: TransferJob) -> None:
        super().__init__()
        self._job = job

    def run(self) -> None:
        self._job.run_work()

"""Blocking calls (hub requests, folder scans, file copies) run off the GUI thread.

The model manager must never make the GUI wait on the network or a slow disk. Each call runs on
a private ``QThreadPool``; its result travels back through a relay QObject that lives on the GUI
thread, so the callback runs there (a queued signal) and may touch widgets and item models.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

__all__ = ["BackgroundCalls"]


class _Relay(QObject):
    """Carries a result from a pool thread to the GUI thread.

    Signals:
        call_finished(int token, object result)
        call_failed(int token, object exception)
    """

    call_finished = Signal(int, object)
    call_failed = Signal(int, object)


class _Call(QRunnable):
    def __init__(self, token: int, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._token = token
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # handed to the caller's error callback
            self._emit(self._relay.call_failed, exc)
            return
        self._emit(self._relay.call_finished, result)

    def _emit(self, signal: Any, value: object) -> None:
        # RuntimeError: the owner (and its relay) went away while we worked; nobody is waiting.
        with contextlib.suppress(RuntimeError):
            signal.emit(self._token, value)


class BackgroundCalls(QObject):
    """Runs callables on a private thread pool; callbacks run on the GUI thread.

    Signals:
        busy_changed(bool): whether any call is running (for a spinner or a "Searching…" line).
    """

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, max_threads: int = 4) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._relay = _Relay(self)
        self._relay.call_finished.connect(self._on_relay_call_finished)
        self._relay.call_failed.connect(self._on_relay_call_failed)
        self._tokens = itertools.count(1)
        self._pending: dict[
            int, tuple[Callable[[Any], None], Callable[[Exception], None] | None]
        ] = {}

    def start(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_failed: Callable[[Exception], None] | None = None,
    ) -> int:
        """Run ``fn()`` in the pool; returns a token (callers compare it to drop stale answers)."""
        token = next(self._tokens)
        was_busy = bool(self._pending)
        self._pending[token] = (on_done, on_failed)
        self._pool.start(_Call(token, fn, self._relay))
        if not was_busy:
            self.busy_changed.emit(True)
        return token

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def wait(self, msecs: int = -1) -> bool:
        """Block until every call returned (shutdown and tests); True if they all did."""
        return self._pool.waitForDone(msecs)

    def _take(self, token: int) -> tuple[Callable[[Any], None], Callable[[Exception], None] | None]:
        callbacks = self._pending.pop(token)
        if not self._pending:
            self.busy_changed.emit(False)
        return callbacks

    @Slot(int, object)
    def _on_relay_call_finished(self, token: int, result: object) -> None:
        if token in self._pending:
            on_done, _ = self._take(token)
            on_done(result)

    @Slot(int, object)
    def _on_relay_call_failed(self, token: int, exc: object) -> None:
        if token in self._pending:
            _, on_failed = self._take(token)
            if on_failed is not None:
                on_failed(exc)  # type: ignore[arg-type]

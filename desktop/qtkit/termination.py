"""Quitting cleanly on SIGTERM (a logout, `kill`, a service manager), as on closing the window.

Python runs its signal handlers only when the interpreter gets control, which it does not while
Qt's event loop waits in C++. The C-level handler therefore writes to a socket (Python's
``signal.set_wakeup_fd``); a QSocketNotifier on the other end wakes the loop, and the Python
handler, run then, asks the application to quit (queued, so that a signal during start-up,
before the loop runs, still ends it). The app's normal way out follows: the chat
being written is kept, and the window state (the last chat, for the next start) is saved.
"""

from __future__ import annotations

import signal
import socket
from types import FrameType

from PySide6.QtCore import QCoreApplication, QObject, QSocketNotifier, QTimer

__all__ = ["QuitOnTermination"]


class QuitOnTermination(QObject):
    """While it lives, SIGTERM (and SIGHUP where there is one) quits ``app``'s event loop.

    Signals:
        None.
    """

    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)
        self._app = app
        self._reader, self._writer = socket.socketpair()
        for end in (self._reader, self._writer):
            end.setblocking(False)
        self._old_fd = signal.set_wakeup_fd(self._writer.fileno())
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_notifier_activated)
        self._old_handlers: dict[int, object] = {}
        for name in ("SIGTERM", "SIGHUP"):
            number = getattr(signal, name, None)
            if number is not None:
                self._old_handlers[number] = signal.signal(number, self._on_signal)

    def _on_signal(self, number: int, frame: FrameType | None) -> None:
        # Queued, not called: Qt ignores a quit() asked before exec(), and a SIGTERM during
        # start-up would be lost. A zero timer fires as soon as the loop runs, or at once if it is.
        QTimer.singleShot(0, self._app.quit)

    def _on_notifier_activated(self) -> None:
        try:
            while self._reader.recv(64):
                pass
        except (BlockingIOError, InterruptedError):
            pass

    def uninstall(self) -> None:
        """The handlers and wake-up descriptor as they were before."""
        for number, handler in self._old_handlers.items():
            signal.signal(number, handler)  # type: ignore[arg-type]
        self._old_handlers.clear()
        signal.set_wakeup_fd(self._old_fd)
        self._notifier.setEnabled(False)
        self._reader.close()
        self._writer.close()

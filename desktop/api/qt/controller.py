"""Starts and stops the window's API server and tells the GUI what it does, by signal.

The server (desktop/api/server.py's ApiServer) runs its HTTP side on threads of its own and
calls a listener there after each request; the controller's listener only emits a signal with
the frozen RequestRecord, so the record reaches the GUI thread queued, like every worker's
values. Starting binds the port at once: a port in use comes back here as OSError and becomes a
state with a message, never an exception in the window.
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Protocol

from PySide6.QtCore import QObject, Signal

from desktop.api.protocol import RequestListener, RequestRecord, ServerConfig
from desktop.api.server_settings import ServerSettings

__all__ = ["MakeServer", "ServerController", "ServerLike", "ServerState"]

log = logging.getLogger(__name__)

STOP_TIMEOUT_S = 5.0
"""How long stopping waits for replies in progress (they are cancelled first)."""


class ServerLike(Protocol):
    """What the controller uses of desktop/api/server.py's ApiServer."""

    @property
    def url(self) -> str: ...

    @property
    def running(self) -> bool: ...

    def start(self) -> None: ...

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> None: ...


MakeServer = Callable[[ServerConfig, RequestListener], ServerLike]
"""Builds a server for a config and a listener (desktop/app.py's: on the window's engine)."""


@dataclass(frozen=True, slots=True)
class ServerState:
    """What the panel and the status bar show about the server."""

    running: bool = False
    settings: ServerSettings = field(default_factory=ServerSettings)
    api_key: str = field(default="", repr=False)  # "" when requests need no key; never logged
    port_in_use: bool = False
    error: str = ""  # why it is not running, in the system's words ("" when it is, or is off)

    @property
    def url(self) -> str:
        return self.settings.url


class ServerController(QObject):
    """Owns the running server (at most one) and reports on it.

    Signals:
        state_changed(object): the new ServerState, after every start, stop or failure.
        request_recorded(object): a RequestRecord, emitted on a server thread (so delivered
            queued to GUI-thread receivers) after each request.
    """

    state_changed = Signal(object)
    request_recorded = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.make_server: MakeServer | None = None
        """Set by the app once the engine host is there; start() fails cleanly without."""
        self._server: ServerLike | None = None
        self._config: ServerConfig | None = None
        self._state = ServerState()

    @property
    def state(self) -> ServerState:
        return self._state

    @property
    def running(self) -> bool:
        return self._server is not None and self._server.running

    def listen(self, record: RequestRecord) -> None:
        """The server's listener: any thread, never blocks."""
        self.request_recorded.emit(record)

    def start(self, settings: ServerSettings, api_key: str) -> ServerState:
        """Runs the server with ``settings`` (restarting it if it listens otherwise); returns
        the new state, whose ``error`` says why it is not running when it is not."""
        try:
            config = settings.config(api_key)
        except ValueError as error:
            return self._set_state(ServerState(settings=settings, error=str(error)))
        if self.running and config == self._config:
            return self._state
        self.stop()
        if self.make_server is None:
            return self._set_state(ServerState(settings=settings, error="no engine"))
        server = self.make_server(config, self.listen)
        try:
            server.start()
        except (OSError, ValueError) as error:  # ValueError: the network without a key
            in_use = isinstance(error, OSError) and (
                error.errno == errno.EADDRINUSE or "in use" in str(error).lower()
            )
            log.warning("API server not started on port %d: %s", config.port, error)
            return self._set_state(
                ServerState(settings=settings, port_in_use=in_use, error=str(error))
            )
        self._server, self._config = server, config
        return self._set_state(ServerState(running=True, settings=settings, api_key=config.api_key))

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> None:
        """Stops the server (cancelling replies in progress), waiting at most ``timeout``."""
        server, self._server, self._config = self._server, None, None
        if server is not None:
            try:
                server.stop(timeout=timeout)
            except Exception:  # stopping must never take the window with it
                log.exception("API server did not stop cleanly")
        off = ServerState(settings=replace(self._state.settings, enabled=False))
        if off != self._state:
            self._set_state(off)

    def _set_state(self, state: ServerState) -> ServerState:
        self._state = state
        self.state_changed.emit(state)
        return state

"""Starts and stops the window's API server off the GUI thread and tells the GUI what it does,
by signal.

Starting binds a port, imports the HTTP stack on first use and waits for uvicorn to serve;
stopping cancels the replies in flight and waits for them (up to :data:`STOP_TIMEOUT_S`). None
of that may hold up the window, so both run as background calls (desktop/qtkit/
background_calls.py) on one thread of their own, one after the other in the order asked: a
restart's stop has freed the port before its start binds it. The state says "starting" or
"stopping" meanwhile; when several are asked in a row only the last one's outcome is shown. A
port in use comes back as OSError and becomes a state with a message, never an exception in the
window.

The server (desktop/api/server.py's ApiServer) runs its HTTP side on threads of its own and
calls a listener there after each request; the controller's listener only emits a signal with
the frozen RequestRecord, so the record reaches the GUI thread queued, like every worker's
values.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Protocol

from PySide6.QtCore import QObject, Signal

from desktop.api.addresses import lan_urls
from desktop.api.ports import free_port_near, is_port_in_use
from desktop.api.protocol import RequestListener, RequestRecord, ServerConfig
from desktop.api.server_settings import ServerSettings
from desktop.qtkit.background_calls import BackgroundCalls

__all__ = ["MakeServer", "ServerController", "ServerLike", "ServerState", "free_port_near"]

log = logging.getLogger(__name__)

STOP_TIMEOUT_S = 5.0
"""How long stopping waits for replies in progress (they are cancelled first)."""
START_TIMEOUT_S = 15.0
"""How long quitting waits for a start still in progress (uvicorn's start waits up to 10 s)."""


class ServerLike(Protocol):
    """What the controller uses of desktop/api/server.py's ApiServer."""

    @property
    def url(self) -> str: ...

    @property
    def running(self) -> bool: ...

    @property
    def in_flight(self) -> int: ...

    def start(self) -> None: ...

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> None: ...


MakeServer = Callable[[ServerConfig, RequestListener], ServerLike]
"""Builds a server for a config and a listener (desktop/app.py's: on the window's engine).
Called on the controller's background thread."""


@dataclass(frozen=True, slots=True)
class ServerState:
    """What the panel and the status bar show about the server."""

    running: bool = False
    settings: ServerSettings = field(default_factory=ServerSettings)
    api_key: str = field(default="", repr=False)  # "" when requests need no key; never logged
    port_in_use: bool = False
    error: str = ""  # why it is not running, in the system's words ("" when it is, or is off)
    starting: bool = False  # a start is under way (binding, serving)
    stopping: bool = False  # a stop is under way (replies in flight cancelled, waited for)
    lan_urls: tuple[str, ...] = ()  # what other computers use, when they may connect
    free_port: int = 0  # a port found free near a taken one (0: none looked for or found)

    @property
    def url(self) -> str:
        return self.settings.url

    @property
    def busy(self) -> bool:
        """Starting or stopping: the outcome is not known yet."""
        return self.starting or self.stopping


@dataclass(frozen=True, slots=True)
class Started:
    """A start's outcome, from the background thread."""

    lan_urls: tuple[str, ...]


class PortTaken(Exception):
    """The port was in use; ``free_port`` is one found free near it (0: none)."""

    def __init__(self, error: OSError, free_port: int) -> None:
        super().__init__(str(error))
        self.free_port = free_port


class ServerController(QObject):
    """Owns the running server (at most one) and reports on it.

    Signals:
        state_changed(object): the new ServerState, when a start or stop is asked and again
            when it has succeeded or failed.
        request_recorded(object): a RequestRecord, emitted on a server thread (so delivered
            queued to GUI-thread receivers) after each request.
    """

    state_changed = Signal(object)
    request_recorded = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.make_server: MakeServer | None = None
        """Set by the app once the engine host is there; start() fails cleanly without."""
        # One thread, so the calls run one at a time in the order asked.
        self._calls = BackgroundCalls(self, max_threads=1)
        self._server: ServerLike | None = None
        """The running server; changed only by the background calls (one at a time), and by
        shutdown() once they have finished."""
        self._wanted: ServerConfig | None = None  # what the last start asked for
        self._asked = 0  # counts starts and stops; only the last one's outcome is shown
        self._state = ServerState()
        self.read_lan_urls: Callable[[int], tuple[str, ...]] = lan_urls
        """Reads the addresses other computers use for a port (background thread); tests
        give their own."""

    @property
    def state(self) -> ServerState:
        return self._state

    @property
    def running(self) -> bool:
        server = self._server
        return self._state.running and server is not None and server.running

    def in_flight(self) -> int:
        """Requests the server is answering now (0 when none runs); the GUI thread polls it
        while the Server panel shows."""
        server = self._server
        return server.in_flight if server is not None and self.running else 0

    def listen(self, record: RequestRecord) -> None:
        """The server's listener: any thread, never blocks."""
        self.request_recorded.emit(record)

    def start(self, settings: ServerSettings, api_key: str) -> ServerState:
        """Starts the server with ``settings`` in the background (restarting it if it listens
        otherwise); returns the state now: starting, or an error that needs no try."""
        try:
            config = settings.config(api_key)
        except ValueError as error:
            return self._set_state(ServerState(settings=settings, error=str(error)))
        state = self._state
        if config == self._wanted and (state.starting or state.running):
            return state
        make = self.make_server
        if make is None:
            self.stop()
            return self._set_state(ServerState(settings=settings, error="no engine"))
        self._wanted = config
        asked = self._next()
        self._calls.start(
            lambda: self._replace(make, config),
            lambda started: self._on_started(asked, settings, config, started),
            lambda error: self._on_start_failed(asked, settings, config, error),
        )
        return self._set_state(
            ServerState(starting=True, settings=settings, api_key=config.api_key)
        )

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> None:
        """Stops the server in the background (cancelling replies in progress, waiting for
        them at most ``timeout``); the state says "stopping" until it has."""
        self._wanted = None
        asked = self._next()
        off = ServerState(settings=replace(self._state.settings, enabled=False))
        if self._server is None and not self._calls.busy:
            if off != self._state:
                self._set_state(off)
            return
        self._calls.start(
            lambda: self._stop_server(timeout),
            lambda _none: self._on_stopped(asked, off),
            lambda _error: self._on_stopped(asked, off),
        )
        self._set_state(replace(off, stopping=True))

    def shutdown(self, timeout: float = STOP_TIMEOUT_S) -> None:
        """Stops the server now, on this thread (the app is closing): waits for a start or stop
        under way, then at most ``timeout`` for the replies in progress."""
        self._wanted = None
        self._next()
        if not self._calls.wait(int(START_TIMEOUT_S * 1000)):
            log.warning("a start or stop of the API server was still under way at quit")
        self._stop_server(timeout)
        off = ServerState(settings=replace(self._state.settings, enabled=False))
        if off != self._state:
            self._set_state(off)

    def refresh_addresses(self) -> None:
        """Reads the LAN addresses again in the background, while the server runs open to the
        network: a laptop that has joined another network since the start has other ones. The
        state changes only when they did; a start or stop under way is left to finish."""
        state = self._state
        if not state.running or not state.settings.allow_network or self._calls.busy:
            return
        asked, port = self._asked, state.settings.port
        self._calls.start(
            lambda: self.read_lan_urls(port),
            lambda urls: self._on_addresses_read(asked, urls),
            lambda error: log.info("LAN addresses not read again: %s", error),
        )

    def wait(self, msecs: int = -1) -> bool:
        """Blocks until the starts and stops asked have run (tests); True if they all did.
        Their outcomes still arrive as queued signals."""
        return self._calls.wait(msecs)

    # Background thread ----------------------------------------------------------------------

    def _replace(self, make: MakeServer, config: ServerConfig) -> Started:
        """Stops the running server, then makes and starts one for ``config``."""
        self._stop_server(STOP_TIMEOUT_S)
        server = make(config, self.listen)
        try:
            server.start()  # OSError: the port; ValueError: the network without a key
        except OSError as error:
            if is_port_in_use(error):
                raise PortTaken(error, free_port_near(config.host, config.port)) from error
            raise
        self._server = server
        urls = self.read_lan_urls(config.port) if config.listens_beyond_loopback else ()
        return Started(urls)

    def _stop_server(self, timeout: float) -> None:
        server, self._server = self._server, None
        if server is not None:
            try:
                server.stop(timeout=timeout)
            except Exception:  # stopping must never take the window with it
                log.exception("API server did not stop cleanly")

    # Outcomes, on the GUI thread ------------------------------------------------------------

    def _on_started(
        self, asked: int, settings: ServerSettings, config: ServerConfig, started: Started
    ) -> None:
        if asked == self._asked:
            self._set_state(
                ServerState(
                    running=True,
                    settings=settings,
                    api_key=config.api_key,
                    lan_urls=started.lan_urls,
                )
            )

    def _on_start_failed(
        self, asked: int, settings: ServerSettings, config: ServerConfig, error: Exception
    ) -> None:
        if asked != self._asked:
            return
        self._wanted = None
        in_use = isinstance(error, PortTaken)
        if isinstance(error, PortTaken | OSError | ValueError):
            log.warning("API server not started on port %d: %s", config.port, error)
        else:
            log.error("API server not started", exc_info=error)
        self._set_state(
            ServerState(
                settings=settings,
                port_in_use=in_use,
                # The system's words without "[Errno 99]" (bind's OSError names the address).
                error=error.strerror
                if isinstance(error, OSError) and error.strerror
                else str(error),
                free_port=error.free_port if isinstance(error, PortTaken) else 0,
            )
        )

    def _on_addresses_read(self, asked: int, urls: tuple[str, ...]) -> None:
        state = self._state
        if asked == self._asked and state.running and urls != state.lan_urls:
            self._set_state(replace(state, lan_urls=urls))

    def _on_stopped(self, asked: int, off: ServerState) -> None:
        if asked == self._asked:
            self._set_state(off)

    def _next(self) -> int:
        self._asked += 1
        return self._asked

    def _set_state(self, state: ServerState) -> ServerState:
        self._state = state
        self.state_changed.emit(state)
        return state

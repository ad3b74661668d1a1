"""A stand-in server and chat session for the API server's window parts."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, Signal

from desktop.api.api_key_store import ApiKeyStore
from desktop.api.protocol import RequestListener, ServerConfig
from desktop.api.qt.controller import ServerState
from desktop.api.qt.feature import ServerFeature
from desktop.core.settings import Settings
from desktop.shell.main_window import MainWindow


class FakeServer:
    """Behaves like desktop/api/server.py's ApiServer without listening anywhere; ``gate``
    (when given) holds start() until it is set, as a slow bind or start-up would."""

    def __init__(
        self,
        config: ServerConfig,
        listener: RequestListener,
        fail: OSError | None = None,
        gate: threading.Event | None = None,
    ) -> None:
        self.config = config
        self.listener = listener
        self.fail = fail
        self.gate = gate
        self.running = False
        self.in_flight = 0
        self.stop_timeout: float | None = None

    @property
    def url(self) -> str:
        return f"http://{self.config.host}:{self.config.port}"

    def start(self) -> None:
        if self.gate is not None:
            assert self.gate.wait(10.0)
        if self.fail is not None:
            raise self.fail
        self.running = True

    def stop(self, timeout: float = 5.0) -> None:
        self.running = False
        self.stop_timeout = timeout


class FakeSession(QObject):
    """The chat session's model signal and value."""

    model_changed = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.model_info: Any = None


class Servers:
    """Makes FakeServers and remembers them; ``fail`` makes the next ones fail to start,
    ``gate`` holds their start until it is set."""

    def __init__(self) -> None:
        self.made: list[FakeServer] = []
        self.fail: OSError | None = None
        self.gate: threading.Event | None = None

    def __call__(self, config: ServerConfig, listener: RequestListener) -> FakeServer:
        server = FakeServer(config, listener, self.fail, self.gate)
        self.made.append(server)
        return server

    @property
    def last(self) -> FakeServer:
        return self.made[-1]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(tmp_path / "settings.json")


@pytest.fixture
def servers() -> Servers:
    return Servers()


@pytest.fixture
def feature(qtbot, settings: Settings, servers: Servers) -> ServerFeature:
    """The feature installed in a real (empty) shell, with fake servers and no keychain."""
    shell = MainWindow(settings)
    qtbot.addWidget(shell)
    session = FakeSession()
    feature = ServerFeature(session, settings, ApiKeyStore(settings, keychain=None))
    feature.install(shell)
    feature.controller.make_server = servers
    shell.resize(900, 600)
    shell.show()
    return feature


def settled(qtbot, feature: ServerFeature, timeout_ms: int = 10_000) -> ServerState:
    """The controller's state once the start or stop asked (in the background) has ended."""
    qtbot.waitUntil(lambda: not feature.controller.state.busy, timeout=timeout_ms)
    return feature.controller.state

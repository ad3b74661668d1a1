"""The API server in the window: started when the setting is on, the status-bar mark, the
Server panel's URL, snippets, request list and Stop, and a port in use told, not raised."""

from __future__ import annotations

import errno
import socket
import threading

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QBoxLayout

from desktop.api.protocol import DEFAULT_PORT, RequestRecord
from desktop.api.qt.feature import ServerFeature
from desktop.core.settings import Settings
from tests.api.qt.conftest import Servers

RECORD = RequestRecord(
    client="127.0.0.1:50123",
    method="POST",
    path="/v1/chat/completions",
    model="tiny",
    status=200,
    prompt_tokens=9,
    completion_tokens=20,
    tokens_per_second=33.0,
)


def _turn_on(settings: Settings, **values: object) -> None:
    settings.set("server.enabled", True)
    for key, value in values.items():
        settings.set(f"server.{key}", value)


def test_off_by_default_nothing_starts_and_no_mark(feature: ServerFeature, servers) -> None:
    state = feature.start_if_enabled()
    assert not state.running
    assert servers.made == []
    assert feature.mark.isHidden()
    assert feature.dock.isHidden()
    assert feature.panel_action.text() == "&Server panel"


def test_on_at_start_the_mark_shows_the_port_and_opens_the_panel(
    qtbot, feature: ServerFeature, settings: Settings, servers: Servers
) -> None:
    _turn_on(settings)
    assert feature.start_if_enabled().running
    config = servers.last.config
    assert (config.host, config.port, config.api_key) == ("127.0.0.1", DEFAULT_PORT, "")
    assert feature.mark.isVisible()
    assert str(DEFAULT_PORT) in feature.mark.text()
    feature.mark.click()
    assert feature.dock.isVisible()
    panel = feature.panel
    assert panel.url.text() == f"http://127.0.0.1:{DEFAULT_PORT}/v1"
    assert "running" in panel.status.text()
    assert panel.start_stop.text() == "Stop server"
    assert "no key" in panel.access.text()


def test_snippets_carry_the_key_and_the_loaded_model(
    qtbot, feature: ServerFeature, settings: Settings
) -> None:
    _turn_on(settings, require_key=True)
    feature.start_if_enabled()
    key = feature.key_store.load()
    assert key  # made and kept because the settings ask for one
    info = type("Info", (), {"path": "/models/tiny-chat.Q4_K_M.gguf", "name": "Tiny"})()
    feature.session.model_changed.emit(info)
    assert feature.current_model_info() is info
    panel = feature.panel
    assert f"Bearer {key}" in panel.curl_text and "tiny-chat.Q4_K_M.gguf" in panel.curl_text
    assert repr(key) in panel.python_text
    panel.copy_curl.click()
    assert QGuiApplication.clipboard().text() == panel.curl_text
    panel.copy_python.click()
    assert QGuiApplication.clipboard().text() == panel.python_text


def test_requests_from_a_server_thread_are_listed(
    qtbot, feature: ServerFeature, settings: Settings, servers: Servers
) -> None:
    _turn_on(settings)
    feature.start_if_enabled()
    listener = servers.last.listener
    thread = threading.Thread(target=lambda: [listener(RECORD) for _ in range(3)])
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: feature.requests.rowCount() == 3)
    table = feature.panel.table
    assert table.model() is feature.requests
    assert feature.requests.index(0, feature.requests.CLIENT).data() == "127.0.0.1:50123"
    assert feature.panel.count.text().startswith("3 request")  # "(s)" without the en .qm
    feature.panel.clear_button.click()
    assert feature.requests.rowCount() == 0


def test_a_port_in_use_is_told_not_raised(
    qtbot, feature: ServerFeature, settings: Settings, servers: Servers
) -> None:
    servers.fail = OSError(errno.EADDRINUSE, "address already in use")
    _turn_on(settings, port=9555)
    feature.apply_settings()  # as after Edit › Settings
    panel = feature.panel
    assert feature.dock.isVisible()  # opened to say why
    assert "Port 9555 is in use" in panel.status.text()
    assert panel.start_stop.text() == "Start server"
    assert feature.mark.isVisible() and "stopped" in feature.mark.text()
    servers.fail = None
    panel.start_stop.click()  # the other program has gone
    assert servers.last.running
    assert "running" in panel.status.text()


def test_stop_server_stops_it_and_turns_the_setting_off(
    qtbot, feature: ServerFeature, settings: Settings, servers: Servers
) -> None:
    _turn_on(settings)
    feature.start_if_enabled()
    feature.show_panel()
    feature.panel.start_stop.click()
    assert not servers.last.running
    assert Settings(settings.path).get("server.enabled") is False
    assert feature.mark.isHidden()
    assert feature.panel.status.text() == "The server is off."


def test_changed_settings_restart_and_quitting_stops_within_a_bound(
    qtbot, feature: ServerFeature, settings: Settings, servers: Servers
) -> None:
    _turn_on(settings)
    feature.start_if_enabled()
    first = servers.last
    feature.apply_settings()  # nothing changed: the same server goes on
    assert servers.last is first and first.running
    settings.set("server.port", 9777)
    feature.apply_settings()
    assert not first.running and servers.last.config.port == 9777
    assert "9777" in feature.mark.text()
    feature.shutdown(timeout=2.0)
    assert servers.last.stop_timeout == 2.0
    assert not feature.controller.running


def test_a_port_taken_for_the_real_server_is_told(
    qtbot, feature: ServerFeature, settings: Settings
) -> None:
    """The real ApiServer's OSError for a taken port (on an engine host with the scripted
    backend) becomes the panel's message."""
    from desktop.api.server import ApiServer
    from desktop.chat.engine_host import EngineHost
    from tests.fixtures.scripted_backend import ScriptedBackend

    host = EngineHost(ScriptedBackend())
    host.start()
    feature.controller.make_server = lambda config, listener: ApiServer(
        host, config, model_info=feature.current_model_info, listener=listener
    )
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        _turn_on(settings, port=port)
        state = feature.apply_settings()
    assert not state.running and state.port_in_use
    assert f"Port {port} is in use" in feature.panel.status.text()
    host.close()


def test_the_panel_stacks_its_parts_in_a_side_dock(qtbot, feature: ServerFeature) -> None:
    shell = feature.shell
    feature.show_panel()
    assert shell.dockWidgetArea(feature.dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    layout = feature.panel.layout_
    assert layout.direction() == QBoxLayout.Direction.LeftToRight
    shell.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, feature.dock)
    qtbot.waitUntil(lambda: layout.direction() == QBoxLayout.Direction.TopToBottom)

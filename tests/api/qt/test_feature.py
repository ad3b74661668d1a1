"""The API server in the window: started when the setting is on (off the GUI thread), the
status-bar mark, the Server panel's URL and LAN addresses, snippets, request list and Stop, and
a port in use told, not raised."""

from __future__ import annotations

import errno
import socket
import threading

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QBoxLayout, QPushButton

from desktop.api.protocol import DEFAULT_PORT, RequestRecord
from desktop.api.qt.controller import ServerState
from desktop.api.qt.feature import ServerFeature
from desktop.api.server_settings import ServerSettings
from desktop.core.settings import Settings
from tests.api.qt.conftest import Servers, settled

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


def test_the_panel_is_made_when_the_dock_first_shows(
    qtbot, feature: ServerFeature, settings: Settings, servers: Servers
) -> None:
    _turn_on(settings)
    feature.start_if_enabled()
    settled(qtbot, feature)
    assert feature.dock.widget() is None  # not for the first frame
    feature.panel_action.trigger()  # View › Server panel
    assert feature.dock.isVisible()
    panel = feature.dock.widget()
    assert panel is feature.panel
    assert "running" in panel.status.text()  # the state from before it was made


def test_on_at_start_the_mark_shows_the_port_and_opens_the_panel(
    qtbot, feature: ServerFeature, settings: Settings, servers: Servers
) -> None:
    _turn_on(settings)
    assert feature.start_if_enabled().starting
    assert settled(qtbot, feature).running
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
    settled(qtbot, feature)
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
    settled(qtbot, feature)
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
    assert settled(qtbot, feature).port_in_use
    panel = feature.panel
    assert feature.dock.isVisible()  # opened to say why
    assert "Port 9555 is in use" in panel.status.text()
    assert panel.start_stop.text() == "Start server"
    assert feature.mark.isVisible() and feature.mark.text() == "API server: port 9555 in use"
    servers.fail = None
    panel.start_stop.click()  # the other program has gone
    assert settled(qtbot, feature).running
    assert servers.last.running
    assert "running" in panel.status.text()


def test_another_start_failure_is_told_in_the_systems_words(
    qtbot, feature: ServerFeature, settings: Settings, servers: Servers
) -> None:
    reason = "Cannot listen on 10.9.9.9:8765: Cannot assign requested address"
    servers.fail = OSError(errno.EADDRNOTAVAIL, reason)
    _turn_on(settings)
    feature.apply_settings()
    state = settled(qtbot, feature)
    assert not state.running and not state.port_in_use
    assert state.error == reason  # not "[Errno 99] ..."
    assert feature.panel.status.text() == f"The server could not start: {reason}"


def test_stop_server_stops_it_and_turns_the_setting_off(
    qtbot, feature: ServerFeature, settings: Settings, servers: Servers
) -> None:
    _turn_on(settings)
    feature.start_if_enabled()
    settled(qtbot, feature)
    feature.show_panel()
    feature.panel.start_stop.click()
    assert feature.mark.text() == "API server stopping…"
    assert not settled(qtbot, feature).running
    assert not servers.last.running
    assert Settings(settings.path).get("server.enabled") is False
    assert feature.mark.isHidden()
    assert feature.panel.status.text() == "The server is off."


def test_changed_settings_restart_and_quitting_stops_within_a_bound(
    qtbot, feature: ServerFeature, settings: Settings, servers: Servers
) -> None:
    _turn_on(settings)
    feature.start_if_enabled()
    settled(qtbot, feature)
    first = servers.last
    feature.apply_settings()  # nothing changed: the same server goes on
    assert servers.last is first and first.running
    settings.set("server.port", 9777)
    feature.apply_settings()
    settled(qtbot, feature)
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
        feature.apply_settings()
        state = settled(qtbot, feature)
        assert not state.running and state.port_in_use
        free = state.free_port
        assert free > port
        status = feature.panel.status.text()
        assert f"Port {port} is in use" in status and f"Port {free} is free" in status
        use = feature.panel.use_free_port
        assert use.isVisible() and use.text() == f"Use port {free}"
    use.click()  # the suggested port, kept and started
    assert settled(qtbot, feature).running
    assert settings.get("server.port") == free
    assert not use.isVisible()
    feature.shutdown()
    host.close()


def test_the_panel_stacks_its_parts_in_a_side_dock(qtbot, feature: ServerFeature) -> None:
    shell = feature.shell
    feature.show_panel()
    assert shell.dockWidgetArea(feature.dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    layout = feature.panel.layout_
    assert layout.direction() == QBoxLayout.Direction.LeftToRight
    shell.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, feature.dock)
    qtbot.waitUntil(lambda: layout.direction() == QBoxLayout.Direction.TopToBottom)


def test_a_slow_start_never_blocks_the_window(
    qtbot, feature: ServerFeature, settings: Settings, servers: Servers
) -> None:
    """Starting runs off the GUI thread: while the server's start hangs, the window's timers
    fire, the status bar says "starting…", and Stop works; then it says on."""
    servers.gate = threading.Event()
    _turn_on(settings, port=9556)
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    assert feature.apply_settings().starting  # returns at once, the start still held
    qtbot.waitUntil(lambda: len(ticks) >= 10, timeout=5_000)  # the event loop runs meanwhile
    assert feature.mark.isVisible() and feature.mark.text() == "API server starting…"
    panel = feature.panel
    assert panel.status.text() == "Starting the server on port 9556…"
    assert panel.start_stop.text() == "Stop server" and not panel.url.isEnabled()
    servers.gate.set()
    assert settled(qtbot, feature).running
    assert feature.mark.text() == "API server :9556"
    timer.stop()


def test_stop_while_starting_ends_stopped(
    qtbot, feature: ServerFeature, settings: Settings, servers: Servers
) -> None:
    servers.gate = threading.Event()
    _turn_on(settings)
    feature.start_if_enabled()
    feature.panel.start_stop.click()  # Stop, while the start is held
    assert feature.controller.state.stopping
    servers.gate.set()
    state = settled(qtbot, feature)
    assert not state.running and not servers.last.running
    assert feature.mark.isHidden()


def test_a_slow_port_in_use_is_told_and_the_window_stays_responsive(
    qtbot, feature: ServerFeature, settings: Settings, servers: Servers
) -> None:
    servers.gate = threading.Event()
    servers.fail = OSError(errno.EADDRINUSE, "address already in use")
    _turn_on(settings, port=9557)
    feature.apply_settings()
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    qtbot.waitUntil(lambda: len(ticks) >= 5, timeout=5_000)
    servers.gate.set()
    state = settled(qtbot, feature)
    timer.stop()
    assert state.port_in_use and not state.running
    assert "Port 9557 is in use by another program" in feature.panel.status.text()
    assert feature.dock.isVisible()


def test_the_panel_lists_lan_addresses_only_when_other_computers_may_connect(
    qtbot, feature: ServerFeature
) -> None:
    panel = feature.panel
    feature.show_panel()
    urls = ("http://192.168.1.20:9123/v1", "http://10.0.0.7:9123/v1")
    network = ServerSettings(enabled=True, port=9123, allow_network=True)
    panel.show_state(ServerState(running=True, settings=network, lan_urls=urls), "", "")
    assert panel.shown_lan_urls() == urls
    assert panel.access.text() == "Other computers on your network connect with the API key at:"
    panel.lan_rows[1].findChild(QPushButton).click()
    assert QGuiApplication.clipboard().text() == urls[1]
    panel.show_state(ServerState(running=True, settings=network), "", "")
    assert panel.shown_lan_urls() == ()
    assert "no network address" in panel.access.text()
    loopback = ServerSettings(enabled=True, port=9123)
    panel.show_state(ServerState(running=True, settings=loopback), "", "")
    assert panel.shown_lan_urls() == ()
    assert "Other computers cannot reach it" in panel.access.text()


def test_the_addresses_are_read_again_while_the_panel_shows(
    qtbot, feature: ServerFeature, settings: Settings
) -> None:
    """A laptop that joins another network after the start has other LAN addresses: the panel
    reads them again when it opens and every so often while it is open, never on its own
    (the stand-in reader says which network the machine is on now)."""
    networks = {"now": ("http://192.168.1.20:9123/v1",)}
    reads: list[int] = []

    def read(port: int) -> tuple[str, ...]:
        reads.append(port)
        return networks["now"]

    feature.controller.read_lan_urls = read
    _turn_on(settings, port=9123, allow_network=True)
    feature.start_if_enabled()
    assert settled(qtbot, feature).lan_urls == ("http://192.168.1.20:9123/v1",)
    networks["now"] = ("http://10.1.1.5:9123/v1",)  # the laptop moved, the panel is closed
    qtbot.wait(50)
    assert feature.controller.state.lan_urls == ("http://192.168.1.20:9123/v1",)
    feature.show_panel()
    qtbot.waitUntil(lambda: feature.panel.shown_lan_urls() == ("http://10.1.1.5:9123/v1",))
    networks["now"] = ("http://172.20.0.9:9123/v1",)  # and again, with the panel open
    feature.address_timer.timeout.emit()
    qtbot.waitUntil(lambda: feature.panel.shown_lan_urls() == ("http://172.20.0.9:9123/v1",))
    assert feature.address_timer.isActive()
    assert set(reads) == {9123}
    feature.dock.hide()
    assert not feature.address_timer.isActive()


def _bottom_in(panel, widget) -> int:  # type: ignore[no-untyped-def]
    return widget.mapTo(panel, widget.rect().bottomLeft()).y()


def test_below_the_chat_at_800x600_the_panel_leaves_the_chat_room_and_shows_its_buttons(
    qtbot, feature: ServerFeature, settings: Settings, servers: Servers
) -> None:
    """The dock opens at two fifths of a 600 px window (the chat keeps its composer whole) and
    taller only as far as its messages need: a long "port in use" message still leaves Start
    server and Use port in view."""
    feature.shell.resize(800, 600)
    _turn_on(settings)
    feature.start_if_enabled()
    settled(qtbot, feature)
    feature.show_panel()
    panel = feature.panel
    qtbot.waitUntil(lambda: panel.start_stop.isVisible() and feature.dock.height() > 100)
    assert feature.dock.height() <= 600 * 2 // 5
    assert _bottom_in(panel, panel.start_stop) <= panel.height()
    feature.dock.hide()
    in_use = ServerState(
        port_in_use=True, free_port=9558, settings=ServerSettings(enabled=True, port=9557)
    )
    feature.on_state_changed(in_use)
    feature.show_panel()
    qtbot.waitUntil(lambda: panel.use_free_port.isVisible() and feature.dock.height() > 100)

    def whole(label) -> bool:  # type: ignore[no-untyped-def]
        return label.height() >= label.heightForWidth(label.width())  # no line cut off

    # Sized again once the window has laid the dock out (it first takes back its old size).
    qtbot.waitUntil(lambda: whole(panel.status) and whole(panel.access))
    assert _bottom_in(panel, panel.start_stop) <= panel.height()


def test_a_request_listed_while_the_panel_shows_is_read_whole(
    qtbot, feature: ServerFeature, settings: Settings, servers: Servers
) -> None:
    """The columns follow the rows as they come, not only the next layout: the first request's
    path and model are not cut to "/v1/chat/com…"."""
    feature.shell.resize(800, 600)
    _turn_on(settings)
    feature.start_if_enabled()
    settled(qtbot, feature)
    feature.show_panel()
    panel = feature.panel
    qtbot.waitUntil(lambda: panel.table.isVisible())
    feature.on_request_recorded(RECORD)
    table, requests = panel.table, feature.requests
    header = table.horizontalHeader()
    for column in (requests.CLIENT, requests.REQUEST, requests.MODEL):
        assert header.sectionSize(column) >= table.sizeHintForColumn(column)


def test_the_open_panel_counts_requests_in_progress(
    qtbot, feature: ServerFeature, settings: Settings, servers: Servers
) -> None:
    """A request waiting behind the window's reply is listed only when done: the count says
    it is there meanwhile."""
    _turn_on(settings)
    feature.start_if_enabled()
    settled(qtbot, feature)
    feature.show_panel()
    count = feature.panel.count
    assert count.text() == "0 request(s) since the server started"  # no en plurals in tests
    servers.last.in_flight = 2
    qtbot.waitUntil(lambda: count.text().endswith(" · 2 in progress"), timeout=3000)
    servers.last.in_flight = 0
    qtbot.waitUntil(lambda: "in progress" not in count.text(), timeout=3000)

"""The local API server in the window: Edit › Settings › Local server, the Server panel (a dock,
View › Server panel), and a mark in the status bar while the server runs.

Installed like every feature (desktop/shell/feature.py). The server itself is made by the app
(desktop/app.py sets ``controller.make_server``: an ApiServer on the window's engine host), so
this package imports no server code and the window opens without the HTTP stack; the server
starts after the first frame when the setting is on (:meth:`ServerFeature.start_if_enabled`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import QDockWidget, QToolButton, QWidget

from desktop.api.api_key_store import ApiKeyStore
from desktop.api.protocol import RequestRecord
from desktop.api.qt.controller import STOP_TIMEOUT_S, ServerController, ServerState
from desktop.api.server_settings import ServerSettings, generate_api_key
from desktop.api.snippets import curl_command, python_snippet
from desktop.core.settings import Settings
from desktop.qtkit.plain_text import plain_tooltip
from desktop.shell.feature import Shell

if TYPE_CHECKING:
    from desktop.api.qt.requests_model import RequestTableModel
    from desktop.api.qt.server_panel import ServerPanel
    from desktop.api.qt.settings_page import ServerSettingsPage

__all__ = ["ServerFeature", "ServerSession", "model_id"]

ADDRESS_REFRESH_MS = 30_000
"""How often the open Server panel reads the LAN addresses again."""
IN_FLIGHT_REFRESH_MS = 500
"""How often the open Server panel reads how many requests are in progress."""
PANEL_SHARE = 2 / 5
"""Of the window's height, what the panel takes when it opens below the chat: at 800x600 the
chat keeps room for its header, a notice, a few lines and the composer whole."""
PANEL_MIN_HEIGHT = 200  # at least this, and what the info column needs (ServerPanel.info_height)
PANEL_MAX_HEIGHT = 360


class ServerSession(Protocol):
    """What this feature uses of the chat session: the loaded model and its changes."""

    model_changed: Any
    model_info: Any


def model_id(info: Any) -> str:
    """The name the API gives the loaded model, "" for none: its file name, as
    desktop/api/wire.py's model_id says (not imported: the window opens without the server)."""
    if info is None:
        return ""
    return Path(str(info.path)).name or str(info.name)


class ServerFeature(QObject):
    """The API server's window parts and its lifetime while the window is open.

    Signals:
        None.
    """

    def __init__(
        self, session: ServerSession, settings: Settings, key_store: ApiKeyStore | None = None
    ) -> None:
        super().__init__()
        self.session = session
        self.settings = settings
        self.key_store = key_store or ApiKeyStore(settings)
        self.controller = ServerController(self)
        self._requests: RequestTableModel | None = None
        self.settings_page: ServerSettingsPage | None = None
        self._panel: ServerPanel | None = None
        self.request_count = 0
        """Requests since the server last started (the list keeps only the newest)."""
        self.shown_running = False
        self.explain_failure = False
        """The user just asked for a start: open the panel if it fails, to say why."""
        self.model_info: Any = session.model_info
        """The loaded ModelInfo (frozen), replaced on the GUI thread; the server's threads read
        it through :meth:`current_model_info` (one attribute read: safe from any thread)."""
        self.shell: Shell  # set by install()

    def install(self, shell: Shell) -> None:
        """The settings page, the (hidden) Server dock with its View toggle, the status mark.

        The dock's panel is made when the dock first shows (:attr:`panel`): most windows never
        open it, and its ~40 widgets are a tenth of the first frame's."""
        self.shell = shell
        self.setParent(shell)
        shell.add_settings_page(self.make_settings_page)
        self.dock = QDockWidget(self.tr("Server"), shell)
        self.dock.setObjectName("serverDock")
        self.dock.visibilityChanged.connect(self.on_dock_visibility_changed)
        self.address_timer = QTimer(self)
        self.address_timer.setInterval(ADDRESS_REFRESH_MS)
        self.address_timer.timeout.connect(self.controller.refresh_addresses)
        # Requests in progress, read while the panel shows: one waiting behind the window's
        # reply would otherwise be seen only when it is done.
        self.in_flight_timer = QTimer(self)
        self.in_flight_timer.setInterval(IN_FLIGHT_REFRESH_MS)
        self.in_flight_timer.timeout.connect(self.show_count)
        self.dock.setAllowedAreas(
            Qt.DockWidgetArea.RightDockWidgetArea
            | Qt.DockWidgetArea.LeftDockWidgetArea
            | Qt.DockWidgetArea.BottomDockWidgetArea
        )
        shell.add_dock(self.dock, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.dock.dockLocationChanged.connect(self.on_dock_location_changed)
        self.dock.hide()
        self.panel_action = self.dock.toggleViewAction()
        self.panel_action.setText(self.tr("&Server panel"))
        shell.add_action("view", "panels", self.panel_action)

        self.mark = QToolButton()
        self.mark.setObjectName("serverMark")
        self.mark.setAutoRaise(True)
        self.mark.clicked.connect(self.show_panel)
        self.mark.hide()
        shell.add_status_widget("server", self.mark)

        self.controller.state_changed.connect(self.on_state_changed)
        self.controller.request_recorded.connect(self.on_request_recorded)
        self.session.model_changed.connect(self.on_session_model_changed)
        shell.settings_applied.connect(self.on_settings_applied)

    @property
    def requests(self) -> RequestTableModel:
        """The requests since the server last started, newest kept; made on first use (the
        first request, or the panel), like the panel: the first frame needs neither."""
        if self._requests is None:
            from desktop.api.qt.requests_model import RequestTableModel

            self._requests = RequestTableModel(self)
        return self._requests

    @property
    def panel(self) -> ServerPanel:
        """The Server dock's content, made (and put in the dock) on first use."""
        if self._panel is None:
            from desktop.api.qt.server_panel import ServerPanel

            panel = ServerPanel(self.requests)
            panel.stop_requested.connect(self.stop_by_user)
            panel.start_requested.connect(self.start_by_user)
            panel.port_chosen.connect(self.use_port)
            self._panel = panel
            self.dock.setWidget(panel)
            self.on_dock_location_changed(self.shell.dockWidgetArea(self.dock))
            self.show_on_panel(self.controller.state)
        return self._panel

    def make_settings_page(self, parent: QWidget) -> ServerSettingsPage:
        # Imported here: only the Settings dialog shows it.
        from desktop.api.qt.settings_page import ServerSettingsPage

        self.settings_page = ServerSettingsPage(self.settings, self.key_store, parent)
        self.settings_page.show_state(self.controller.state)
        return self.settings_page

    def current_model_info(self) -> Any:
        """The loaded model's ModelInfo or None; any thread (the server's model_info)."""
        return self.model_info

    # Running ---------------------------------------------------------------------------------

    def start_if_enabled(self) -> ServerState:
        """Starts the server when Local server is on (the app calls it after the first frame)."""
        chosen = ServerSettings.from_settings(self.settings)
        if not chosen.enabled:
            return self.controller.state
        return self.controller.start(chosen, self.api_key_for(chosen))

    def api_key_for(self, chosen: ServerSettings) -> str:
        """The stored key, or a new one (stored) when the settings ask for a key and none was
        made yet (settings edited by hand): a server that asks for a key always has one."""
        key = self.key_store.load()
        if chosen.needs_key and not key:
            key = generate_api_key()
            try:
                self.key_store.save(key)
            except OSError as error:
                self.shell.show_error(self.tr("Settings were not saved"), str(error))
        return key

    def apply_settings(self) -> ServerState:
        """Starts, restarts or stops the server as the settings now say (in the background:
        the state returned says "starting"; a failure opens the panel to say why)."""
        chosen = ServerSettings.from_settings(self.settings)
        if not chosen.enabled:
            self.explain_failure = False
            self.controller.stop()
            return self.controller.state
        self.explain_failure = True  # the user just asked for it
        state = self.controller.start(chosen, self.api_key_for(chosen))
        if not state.busy:  # already running so, or refused at once (told already)
            self.explain_failure = False
        return state

    def set_enabled(self, enabled: bool) -> None:
        """Turns Local server on or off, kept for the next start too."""
        self.settings.set("server.enabled", enabled)
        try:
            self.settings.save()
        except OSError as error:
            self.shell.show_error(self.tr("Settings were not saved"), str(error))
        self.apply_settings()

    def shutdown(self, timeout: float = STOP_TIMEOUT_S) -> None:
        """Stops the server, waiting at most ``timeout`` seconds for replies in progress (the
        app is closing; a start under way is waited for first)."""
        self.controller.shutdown(timeout)

    # Slots -----------------------------------------------------------------------------------

    @Slot()
    def on_settings_applied(self) -> None:
        page = self.settings_page
        if page is not None and page.api_key:
            try:
                self.key_store.save(page.api_key)
            except OSError as error:
                self.shell.show_error(self.tr("Settings were not saved"), str(error))
        self.apply_settings()

    @Slot()
    def stop_by_user(self) -> None:
        self.set_enabled(False)

    @Slot()
    def start_by_user(self) -> None:
        self.set_enabled(True)

    @Slot(int)
    def use_port(self, port: int) -> None:
        """The panel's "Use port N" after the chosen port was in use: kept, and started."""
        self.settings.set("server.port", port)
        self.set_enabled(True)

    @Slot()
    def show_panel(self) -> None:
        if self.dock.isHidden():
            self.dock.show()
            self.size_dock()
            # Shown again, the dock first takes back its old size once the window lays it out.
            QTimer.singleShot(0, self.size_dock)
        self.dock.raise_()

    @Slot()
    def size_dock(self) -> None:
        """Below the chat: a share of the window's height, or what the panel's messages need
        when that is more; beside it: half the window's width, within bounds."""
        shell = self.shell
        if self.dock.isHidden():
            return
        if shell.dockWidgetArea(self.dock) == Qt.DockWidgetArea.BottomDockWidgetArea:
            panel = self.panel
            title = self.dock.minimumSizeHint().height() - panel.minimumSizeHint().height()
            need = panel.info_height() + title  # a long message wraps to more lines
            share = min(PANEL_MAX_HEIGHT, int(shell.height() * PANEL_SHARE))
            height = max(PANEL_MIN_HEIGHT, need, share)
            shell.resizeDocks([self.dock], [height], Qt.Orientation.Vertical)
        else:
            width = max(320, min(520, shell.width() // 2))
            shell.resizeDocks([self.dock], [width], Qt.Orientation.Horizontal)

    @Slot(bool)
    def on_dock_visibility_changed(self, visible: bool) -> None:
        """The panel is made when the dock first shows; while it shows, the LAN addresses it
        lists are read again now and every :data:`ADDRESS_REFRESH_MS` (a laptop changes
        networks), in the background and only while the server is open to the network."""
        if visible:
            _ = self.panel  # the dock shows: its panel is made now if it was not yet
            self.controller.refresh_addresses()
            self.address_timer.start()
            self.in_flight_timer.start()
        else:
            self.address_timer.stop()
            self.in_flight_timer.stop()

    @Slot(Qt.DockWidgetArea)
    def on_dock_location_changed(self, area: Qt.DockWidgetArea) -> None:
        if self._panel is not None:
            self._panel.set_vertical(
                area
                in (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea)
            )

    @Slot(object)
    def on_session_model_changed(self, info: Any) -> None:
        self.model_info = info
        self.on_state_changed(self.controller.state)  # the snippets name the model

    @Slot(object)
    def on_request_recorded(self, record: RequestRecord) -> None:
        self.requests.add(record)
        self.request_count += 1
        self.show_count()

    @Slot()
    def show_count(self) -> None:
        """The panel's count of requests, and of those in progress now."""
        if self._panel is not None:
            self._panel.show_count(self.request_count, self.controller.in_flight())

    def show_on_panel(self, state: ServerState) -> None:
        """The panel shows ``state``, the request count and the snippets for the loaded model."""
        model = model_id(self.model_info)
        self.panel.show_count(self.request_count, self.controller.in_flight())
        self.panel.show_state(
            state,
            curl_command(state.url, state.api_key, model),
            python_snippet(state.url, state.api_key, model),
        )

    @Slot(object)
    def on_state_changed(self, state: ServerState) -> None:
        if not state.busy:
            if self.explain_failure and not state.running and state.error:
                self.show_panel()  # the user asked for a start: say why it did not
            self.explain_failure = False
        if state.running and not self.shown_running:
            self.request_count = 0  # a new start counts afresh
        self.shown_running = state.running
        if self._panel is not None:
            self.show_on_panel(state)
        if self.settings_page is not None:
            self.settings_page.show_state(state)
        port = state.settings.port
        if state.starting:
            self.mark.setText(self.tr("API server starting…"))
            self.mark.setToolTip(
                plain_tooltip(
                    self.tr("The local API server is starting on port {port}.").format(port=port)
                )
            )
            self.mark.show()
        elif state.stopping:
            self.mark.setText(self.tr("API server stopping…"))
            self.mark.setToolTip(self.tr("The local API server is stopping."))
            self.mark.show()
        elif state.running:
            self.mark.setText(self.tr("API server :{port}").format(port=port))
            self.mark.setToolTip(
                plain_tooltip(
                    self.tr(
                        "The local API server is running at {url}. Click for the Server panel."
                    ).format(url=state.url)
                )
            )
            self.mark.show()
        elif state.settings.enabled and state.port_in_use:  # the commonest reason: said
            self.mark.setText(self.tr("API server: port {port} in use").format(port=port))
            self.mark.setToolTip(
                plain_tooltip(
                    self.tr("Another program uses port {port}. Click for the Server panel.").format(
                        port=port
                    )
                )
            )
            self.mark.show()
        elif state.settings.enabled:
            self.mark.setText(self.tr("API server stopped"))
            self.mark.setToolTip(self.tr("The local API server could not start. Click for why."))
            self.mark.show()
        else:
            self.mark.hide()

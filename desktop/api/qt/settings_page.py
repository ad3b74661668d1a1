"""Edit › Settings › Local server: on/off, port, API key, network access and web origins.

A SettingsPage (desktop/shell/feature.py): the dialog saves what :meth:`values` returns with the
other settings. The API key is a secret and is kept apart (desktop/api/api_key_store.py: the
system keychain, else the private settings file); the feature saves :attr:`api_key` once the
dialog has saved the rest (its settings_applied). "Allow other computers on my network" always
asks for the key: the page ticks "Ask for the key" and greys it out, and :meth:`problem`
refuses the combination without a key whatever the widgets say.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from desktop.api.api_key_store import ApiKeyStore
from desktop.api.protocol import DEFAULT_PORT
from desktop.api.qt.controller import ServerState
from desktop.api.server_settings import (
    MAX_PORT,
    MIN_PORT,
    ServerSettings,
    SettingsProblem,
    generate_api_key,
    parse_origins,
)
from desktop.core.settings import Settings
from desktop.qtkit.copy_field import CopyField
from desktop.qtkit.layout_rows import side_by_side
from desktop.qtkit.plain_text import note_label
from desktop.qtkit.push_button import push_button
from desktop.shell.feature import SettingsPageWidget

__all__ = ["ServerSettingsPage"]


class ServerSettingsPage(SettingsPageWidget):
    """The Local server tab. A SettingsPage (desktop/shell/feature.py).

    Signals:
        None.
    """

    def __init__(
        self, settings: Settings, key_store: ApiKeyStore, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self.key_store = key_store
        self.api_key = ""
        """The key the page shows; saved by the feature after the dialog saved the rest."""
        self._own_require_key = False  # "ask for the key too", as the user last chose it
        self._build()

    # SettingsPage ------------------------------------------------------------------------------

    def title(self) -> str:
        return self.tr("Local server")

    def fill(self) -> None:
        current = ServerSettings.from_settings(self._settings)
        self.enabled.setChecked(current.enabled)
        self.port.setValue(current.port)
        self.allow_network.setChecked(current.allow_network)
        self._own_require_key = current.require_key
        self.require_key.setChecked(current.require_key)
        self.origins.setPlainText("\n".join(current.cors_origins))
        self.set_api_key(self.key_store.load() or generate_api_key())
        self.key_place.setText(
            self.tr("The key is kept in the system keychain.")
            if self.key_store.in_keychain
            else self.tr(
                "No system keychain was found, so the key is kept in Hearthside's settings "
                "file, which only your user account can read."
            )
        )
        self.on_allow_network_toggled(current.allow_network)

    def values(self) -> dict[str, object]:
        return {
            "server.enabled": self.enabled.isChecked(),
            "server.port": self.port.value(),
            "server.allow_network": self.allow_network.isChecked(),
            # The user's own choice for this computer (the network asks for the key anyway).
            "server.require_key": self._own_require_key
            if self.allow_network.isChecked()
            else self.require_key.isChecked(),
            "server.cors_origins": "\n".join(parse_origins(self.origins.toPlainText())),
            # In the settings file only without a keychain (the feature stores it there then).
            "server.api_key": "" if self.key_store.in_keychain else self.api_key,
        }

    def problem(self, values: Mapping[str, object]) -> str | None:
        chosen = ServerSettings(
            enabled=bool(values["server.enabled"]),
            port=int(values["server.port"]),  # type: ignore[call-overload]
            allow_network=bool(values["server.allow_network"]),
            require_key=bool(values["server.require_key"]),
            cors_origins=parse_origins(str(values["server.cors_origins"])),
        )
        found = chosen.problem(self.api_key)
        if found is None:
            return None
        kind, value = found
        if kind is SettingsProblem.NETWORK_NEEDS_KEY:
            return self.tr(
                "Other computers may only use the server with an API key: make one with New key."
            )
        if kind is SettingsProblem.BAD_PORT:
            return self.tr("The server's port must be a number from {low} to {high}.").format(
                low=MIN_PORT, high=MAX_PORT
            )
        return self.tr(
            "“{origin}” is not a web origin. Write its scheme, host and port, such as "
            "http://localhost:3000, one per line."
        ).format(origin=value)

    # The page ----------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        intro = note_label(
            self.tr(
                "Other programs (editors, note apps, scripts) can use the loaded model through "
                "an OpenAI-compatible API on this computer while Hearthside is open."
            )
        )
        intro.setEnabled(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.enabled = QCheckBox(self.tr("Run the local API server"))
        self.enabled.setObjectName("serverEnabled")
        form.addRow(self.enabled)
        # What the server does now (the feature keeps it current): its address, or why not.
        self.state_line = note_label("", is_muted=False)
        self.state_line.setObjectName("serverStateLine")
        self.state_line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.state_line)

        self.port = QSpinBox()
        self.port.setObjectName("serverPort")
        self.port.setRange(MIN_PORT, MAX_PORT)
        self.port.setValue(DEFAULT_PORT)
        self.port_note = note_label(
            self.tr("The default is {port} (8080 is often taken by other tools).").format(
                port=DEFAULT_PORT
            )
        )
        form.addRow(self.tr("Port"), side_by_side(self.port, self.port_note, stretch_at=1))

        self.allow_network = QCheckBox(self.tr("Allow other computers on my network"))
        self.allow_network.setObjectName("serverAllowNetwork")
        self.allow_network.toggled.connect(self.on_allow_network_toggled)
        form.addRow(self.allow_network)
        self.network_warning = note_label(
            self.tr(
                "Anyone on your network who has the API key can use the model, and requests "
                "travel unencrypted (HTTP). Off: only programs on this computer can connect."
            ),
            is_muted=False,
        )
        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        warning_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        icon.setPixmap(warning_icon.pixmap(size, size))
        self.network_warning_row = side_by_side(icon, self.network_warning, stretch_at=1)
        self.network_warning_row.layout().setAlignment(icon, Qt.AlignmentFlag.AlignTop)
        self.network_warning_row.setObjectName("serverNetworkWarning")
        form.addRow(self.network_warning_row)

        self.require_key = QCheckBox(self.tr("Ask programs on this computer for the key too"))
        self.require_key.setObjectName("serverRequireKey")
        self.require_key.clicked.connect(self.on_require_key_clicked)
        form.addRow(self.require_key)

        key_box = CopyField("serverApiKey")
        self.key_field = key_box.field
        self.copy_key = key_box.copy_button
        self.new_key = push_button(
            self.tr("New key"),
            self.regenerate_key,
            tooltip=self.tr("Programs that use the old key need the new one once you save."),
        )
        key_box.row.addWidget(self.new_key)
        form.addRow(self.tr("API key"), key_box)
        self.key_place = note_label("")
        form.addRow("", self.key_place)

        self.origins = QPlainTextEdit()
        self.origins.setObjectName("serverOrigins")
        self.origins.setPlaceholderText("http://localhost:3000")
        self.origins.setTabChangesFocus(True)
        self.origins.setMaximumHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        form.addRow(self.tr("Allowed web pages"), self.origins)
        form.addRow(
            "",
            note_label(
                self.tr(
                    "Web pages at these origins, one per line, may call the server from a "
                    "browser. None by default: programs are not affected."
                )
            ),
        )
        layout.addLayout(form)
        layout.addStretch(1)

    # The server now ----------------------------------------------------------------------------

    def show_state(self, state: ServerState) -> None:
        """What the server does now, under its switch: after Apply the user sees it start, and
        why it did not (a port in use) without looking behind the dialog."""
        self.state_line.setText(self.state_text(state))

    def state_text(self, state: ServerState) -> str:
        port = state.settings.port
        if state.starting:
            return self.tr("Starting on port {port}…").format(port=port)
        if state.stopping:
            return self.tr("Stopping…")
        if state.running:
            text = self.tr("On: programs use {url}").format(url=state.url)
            if state.settings.allow_network and state.lan_urls:  # a line of their own: no URL
                # is broken by the wrap
                text += "\n" + self.tr("Other computers use {lan}").format(
                    lan=", ".join(state.lan_urls)
                )
            return text
        if state.port_in_use and state.free_port:
            return self.tr(
                "Not running: port {port} is in use by another program. Port {free} is free."
            ).format(port=port, free=state.free_port)
        if state.port_in_use:
            return self.tr("Not running: port {port} is in use by another program.").format(
                port=port
            )
        if state.error:
            return self.tr("Not running: {reason}").format(reason=state.error)
        return self.tr("Off.")

    # Slots -------------------------------------------------------------------------------------

    def set_api_key(self, key: str) -> None:
        self.api_key = key
        self.key_field.setText(key)

    def on_allow_network_toggled(self, allowed: bool) -> None:
        """The network always needs the key: the box is ticked and cannot be unticked; the
        user's own choice for this computer comes back when the network is off again."""
        self.network_warning_row.setVisible(allowed)
        self.require_key.setChecked(allowed or self._own_require_key)
        self.require_key.setEnabled(not allowed)
        # A greyed-out tick is faint in most styles: the words say it too.
        self.require_key.setText(
            self.tr("Programs on this computer need the key too (always, with network access)")
            if allowed
            else self.tr("Ask programs on this computer for the key too")
        )

    def on_require_key_clicked(self, checked: bool) -> None:
        self._own_require_key = checked

    def regenerate_key(self) -> None:
        self.set_api_key(generate_api_key())

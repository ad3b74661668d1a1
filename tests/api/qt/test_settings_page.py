"""Edit › Settings › Local server: off by default, the key required with network access."""

from __future__ import annotations

import errno

from PySide6.QtGui import QGuiApplication

from desktop.api.api_key_store import ApiKeyStore
from desktop.api.protocol import DEFAULT_PORT
from desktop.api.qt.feature import ServerFeature
from desktop.api.qt.settings_page import ServerSettingsPage
from desktop.api.server_settings import KEY_PREFIX
from desktop.core.settings import Settings
from desktop.shell.app_settings_dialog import AppSettingsDialog
from tests.api.qt.conftest import settled


def _page(qtbot, settings: Settings) -> ServerSettingsPage:
    page = ServerSettingsPage(settings, ApiKeyStore(settings, keychain=None))
    qtbot.addWidget(page)
    page.fill()
    return page


def test_the_page_starts_off_on_loopback_with_a_fresh_key(qtbot, settings: Settings) -> None:
    page = _page(qtbot, settings)
    assert page.title() == "Local server"
    assert not page.enabled.isChecked()
    assert page.port.value() == DEFAULT_PORT
    assert not page.allow_network.isChecked()
    assert page.network_warning_row.isHidden()
    assert page.origins.toPlainText() == ""
    assert page.api_key.startswith(KEY_PREFIX)
    assert page.key_field.text() == page.api_key
    assert str(DEFAULT_PORT) in page.port_note.text()  # the default is said
    assert "settings file" in page.key_place.text()  # no keychain here


def test_network_access_forces_the_key_and_warns(qtbot, settings: Settings) -> None:
    page = _page(qtbot, settings)
    page.show()
    page.allow_network.setChecked(True)
    assert page.require_key.isChecked() and not page.require_key.isEnabled()
    assert "always, with network access" in page.require_key.text()  # a grey tick is faint
    assert page.network_warning_row.isVisible()
    values = page.values()
    assert values["server.allow_network"] is True
    assert page.problem(values) is None
    page.allow_network.setChecked(False)
    assert not page.require_key.isChecked() and page.require_key.isEnabled()  # the user's own
    assert page.require_key.text() == "Ask programs on this computer for the key too"


def test_no_key_with_network_access_cannot_be_saved(qtbot, settings: Settings) -> None:
    page = _page(qtbot, settings)
    page.allow_network.setChecked(True)
    page.set_api_key("")
    problem = page.problem(page.values())
    assert problem is not None and "API key" in problem


def test_bad_origins_and_ports_are_refused_in_words(qtbot, settings: Settings) -> None:
    page = _page(qtbot, settings)
    page.origins.setPlainText("http://localhost:3000\nnotes.example/path")
    problem = page.problem(page.values())
    assert problem is not None and "notes.example/path" in problem
    page.origins.setPlainText("http://localhost:3000/")
    assert page.values()["server.cors_origins"] == "http://localhost:3000"
    assert page.problem(page.values()) is None


def test_new_key_and_copy(qtbot, settings: Settings) -> None:
    page = _page(qtbot, settings)
    first = page.api_key
    page.new_key.click()
    assert page.api_key != first and page.key_field.text() == page.api_key
    page.copy_key.click()
    assert QGuiApplication.clipboard().text() == page.api_key


def test_the_dialog_saves_the_page_and_the_feature_keeps_the_key(
    qtbot, feature: ServerFeature, settings: Settings, servers
) -> None:
    dialog = AppSettingsDialog(settings, [feature.make_settings_page], feature.shell)
    qtbot.addWidget(dialog)
    dialog.applied.connect(feature.shell.settings_applied)
    page = feature.settings_page
    assert page is not None
    assert dialog.tabs.tabText(dialog.tabs.indexOf(page)) == "Local server"
    page.enabled.setChecked(True)
    page.port.setValue(9123)
    page.allow_network.setChecked(True)
    assert dialog.apply()
    assert settings.get("server.enabled") is True
    assert settings.get("server.port") == 9123
    assert Settings(settings.path).get("server.api_key") == page.api_key  # no keychain here
    state = settled(qtbot, feature)
    config = servers.last.config
    assert (config.host, config.port, config.api_key) == ("0.0.0.0", 9123, page.api_key)
    assert servers.last.running
    # Other computers use this machine's LAN addresses (whatever this one has, if any).
    assert all(u.startswith("http://") and u.endswith(":9123/v1") for u in state.lan_urls)
    assert "127.0.0.1" not in "".join(state.lan_urls)
    assert feature.panel.shown_lan_urls() == state.lan_urls


def test_the_page_says_what_the_server_does_after_apply(
    qtbot, feature: ServerFeature, settings: Settings, servers
) -> None:
    """Apply starts the server behind the dialog: the page says its address, or that the port
    is taken, without the user looking behind the dialog."""
    dialog = AppSettingsDialog(settings, [feature.make_settings_page], feature.shell)
    qtbot.addWidget(dialog)
    dialog.applied.connect(feature.shell.settings_applied)
    page = feature.settings_page
    assert page is not None
    line = page.state_line
    assert line.text() == "Off."
    page.enabled.setChecked(True)
    page.port.setValue(9124)
    assert dialog.apply()
    settled(qtbot, feature)
    assert line.text() == "On: programs use http://127.0.0.1:9124/v1"
    servers.fail = OSError(errno.EADDRINUSE, "address already in use")
    page.port.setValue(9125)
    assert dialog.apply()
    settled(qtbot, feature)
    assert line.text().startswith("Not running: port 9125 is in use by another program.")
    servers.fail = None
    page.allow_network.setChecked(True)
    assert dialog.apply()
    state = settled(qtbot, feature)
    if state.lan_urls:  # this machine's addresses, if it has any
        assert line.text().endswith("\nOther computers use " + ", ".join(state.lan_urls))

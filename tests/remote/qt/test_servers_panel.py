"""The Servers tab: its layout (the main button sits like Browse's Download), Add server… and
Edit… (with stand-in listings: tests/fixtures/server_listings.py; the real server is in
test_window.py)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel

from desktop.remote.qt.servers_panel import AddServerDialog, ServersPanel
from desktop.remote.servers import Preset, ServerEntry
from tests.fixtures.server_listings import make


def test_chat_with_this_model_is_a_button_at_the_right_not_a_bar(qtbot, tmp_path: Path) -> None:
    listings, _asked = make(tmp_path)
    panel = ServersPanel(listings)
    qtbot.addWidget(panel)
    panel.resize(720, 460)
    panel.show()
    qtbot.waitExposed(panel)
    button = panel.use_button
    assert button.width() == button.sizeHint().width()
    right_edge = button.mapTo(panel, button.rect().topRight()).x()
    list_edge = panel.model_list.mapTo(panel, panel.model_list.rect().topRight()).x()
    assert right_edge == list_edge


def test_the_server_buttons_wait_for_a_server(qtbot, tmp_path: Path) -> None:
    """Edit, Remove and Refresh did nothing (and looked as if they would) with no server."""
    listings, _asked = make(tmp_path)
    listings.servers.remove("a1")
    panel = ServersPanel(listings)
    qtbot.addWidget(panel)
    assert panel.add_button.isEnabled()
    assert not any(button.isEnabled() for button in panel.server_buttons)
    panel.add_server("Box", "http://box:8080/v1", Preset.LLAMA_SERVER)
    assert all(button.isEnabled() for button in panel.server_buttons)


def test_edit_shows_the_server_but_never_its_key(qtbot, tmp_path: Path) -> None:
    entry = ServerEntry("a1", "Workstation", "http://gpu-box:8000/v1", Preset.VLLM, True)
    dialog = AddServerDialog(True, None, entry)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Edit server"
    assert dialog.name.text() == "Workstation" and dialog.chosen_preset == Preset.VLLM
    assert dialog.url.text() == "http://gpu-box:8000/v1"
    assert dialog.key.text() == "" and "Kept" in dialog.key.placeholderText()


def test_a_bare_address_is_given_its_api_path(qtbot) -> None:
    dialog = AddServerDialog(True)
    qtbot.addWidget(dialog)
    dialog.url.setText("http://gpu-box:8080")
    assert dialog.base_url() == "http://gpu-box:8080/v1"


def test_edit_keeps_the_server_and_changes_what_was_typed(qtbot, tmp_path: Path) -> None:
    listings, asked = make(tmp_path)
    panel = ServersPanel(listings)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.model_list.count() == 2)
    changed = panel.edit_server("a1", "Big box", "http://big-box:8000/v1", Preset.LLAMA_SERVER)
    assert changed is not None and changed.id == "a1" and not changed.has_key
    assert listings.servers.entries == (changed,)
    assert "Big box" in panel.server_list.item(0).text()
    qtbot.waitUntil(lambda: asked == ["a1", "a1"])  # asked again at its new address
    assert "big-box" in (tmp_path / "servers.json").read_text()


def test_a_server_is_not_added_twice(qtbot, tmp_path: Path) -> None:
    """Two entries for one address each kept a key, and only the first was ever used."""
    listings, _asked = make(tmp_path)
    panel = ServersPanel(listings)
    qtbot.addWidget(panel)
    dialog = AddServerDialog(True, panel)
    qtbot.addWidget(dialog)
    dialog.named_at = panel.named_at
    dialog.url.setText("http://gpu-box:8000/v1/")
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "“Workstation” already has this address" in dialog.problem.text()
    # Editing the server itself at its own address is fine.
    assert panel.named_at("http://gpu-box:8000/v1", besides="a1") == ""
    dialog.url.setText("http://other-box:8000")
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted


def test_remove_asks_first_and_takes_the_key_along(qtbot, tmp_path: Path) -> None:
    listings, _asked = make(tmp_path)
    panel = ServersPanel(listings)
    qtbot.addWidget(panel)
    panel.ask_file_consent = lambda: True  # no keychain in the tests: the private file
    entry = panel.add_server("Keyed", "http://keyed:8080/v1", Preset.LLAMA_SERVER, "k-123")
    qtbot.waitUntil(lambda: listings.keys.get(entry.id) == "k-123")
    panel.server_list.setCurrentRow(1)
    asked: list[str] = []
    panel.confirm_remove = lambda e: asked.append(e.name) or False
    panel.remove_selected()
    assert asked == ["Keyed"] and listings.servers.get(entry.id) is not None  # said no
    panel.confirm_remove = lambda e: True
    panel.remove_selected()
    assert listings.servers.get(entry.id) is None
    qtbot.waitUntil(lambda: listings.keys.get(entry.id) == "")
    assert "keyed" not in (tmp_path / "servers.json").read_text()


def test_edit_does_not_say_nothing_is_sent_yet(qtbot) -> None:
    entry = ServerEntry("a1", "Workstation", "http://gpu-box:8000/v1", Preset.VLLM)
    adding, editing = AddServerDialog(True), AddServerDialog(True, None, entry)
    qtbot.addWidget(adding)
    qtbot.addWidget(editing)

    def notes(dialog: AddServerDialog) -> str:
        return " ".join(label.text() for label in dialog.findChildren(QLabel))

    assert "Nothing is sent anywhere until you add a server" in notes(adding)
    assert "Nothing is sent anywhere" not in notes(editing)
    assert "system keychain" in notes(editing)


def test_the_key_can_be_shown_while_typed(qtbot) -> None:
    """As Jan's eye button: a pasted key can be checked before it is kept (hidden by default)."""
    dialog = AddServerDialog(True)
    qtbot.addWidget(dialog)
    assert dialog.key.echoMode() == dialog.key.EchoMode.Password
    dialog.show_key.setChecked(True)
    assert dialog.key.echoMode() == dialog.key.EchoMode.Normal
    dialog.show_key.setChecked(False)
    assert dialog.key.echoMode() == dialog.key.EchoMode.Password

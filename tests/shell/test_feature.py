"""The shell's surface for features (desktop/shell/feature.py), on a window with no feature."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QAction, QDropEvent
from PySide6.QtWidgets import QLabel, QWidget

from desktop.core.settings import Settings
from desktop.shell.feature import (
    CHAT_PAGE_GROUPS,
    MENUS,
    Feature,
    SettingsPageWidget,
    add_command,
)
from desktop.shell.main_window import MainWindow


@pytest.fixture
def shell(qtbot, tmp_path: Path) -> MainWindow:
    window = MainWindow(Settings(tmp_path / "settings.json"))
    qtbot.addWidget(window)
    return window


def entries(shell: MainWindow, menu: str) -> list[str]:
    return ["---" if a.isSeparator() else a.text() for a in shell.menu(menu).actions()]


def test_the_menus_are_made_in_their_declared_order(shell: MainWindow) -> None:
    titles = [a.text().replace("&", "") for a in shell.menuBar().actions()]
    assert titles == ["File", "Edit", "Chat", "View", "Help"]
    assert list(MENUS) == ["file", "edit", "chat", "view", "help"]
    # The shell's own entries; a separator only between groups that have entries.
    assert entries(shell, "file") == ["&Quit"]
    assert entries(shell, "edit") == ["&Settings…"]
    assert entries(shell, "help") == ["&Keyboard shortcuts", "---", "&About Hearthside"]


def test_actions_land_in_their_group_whatever_order_they_come_in(shell: MainWindow) -> None:
    for group, text in (("export", "Export"), ("model", "Open"), ("library", "Models")):
        shell.add_action("file", group, shell.make_action(text))
    shell.add_action("file", "documents", shell.make_action("Documents", "Ctrl+Shift+D"))
    assert entries(shell, "file") == [
        "Models",
        "Documents",
        "Open",
        "---",
        "Export",
        "---",
        "&Quit",
    ]
    (documents,) = (a for a in shell.actions() if a.text() == "Documents")
    assert documents.shortcut().toString() == "Ctrl+Shift+D"  # the window holds it
    with pytest.raises(ValueError, match="no group"):
        shell.add_action("file", "nowhere", QAction("x", shell))


def test_a_command_calls_its_slot_from_its_menu_and_its_shortcut(shell: MainWindow) -> None:
    called: list[str] = []
    action = add_command(
        shell, "chat", "trash", "&Trash…", lambda: called.append("trash"), "Ctrl+T"
    )
    assert entries(shell, "chat") == ["&Trash…"] and action in shell.actions()
    assert action.shortcut().toString() == "Ctrl+T"
    action.trigger()
    assert called == ["trash"]
    plain = add_command(shell, "file", "export", "&Export chat…", lambda: called.append("export"))
    assert plain.shortcut().isEmpty() and entries(shell, "file")[0] == "&Export chat…"
    plain.trigger()
    assert called == ["trash", "export"]


def test_a_settings_page_widget_is_its_own_tab(qtbot) -> None:
    page = SettingsPageWidget()
    qtbot.addWidget(page)
    assert page.widget() is page


def test_chat_page_groups_keep_their_order(shell: MainWindow) -> None:
    made = {group: QLabel(group) for group in reversed(CHAT_PAGE_GROUPS)}
    for group, widget in made.items():
        shell.add_to_chat_page(group, widget)
    layout = shell.chat_layout
    order = [layout.itemAt(i).widget() for i in range(layout.count())]
    assert CHAT_PAGE_GROUPS[0] == "header"
    assert order == [shell.banner_bar, *(made[group] for group in CHAT_PAGE_GROUPS[1:])]
    # The header (the model picker) is above the pages: seen over the welcome page too.
    assert shell.header.isAncestorOf(made["header"])
    assert not shell.pages.isAncestorOf(made["header"])
    with pytest.raises(ValueError, match="no group"):
        shell.add_to_chat_page("nowhere", QLabel())


def test_status_widgets_keep_their_group_order(qtbot, shell: MainWindow) -> None:
    backend, reply, server = (QLabel(t) for t in ("b", "r", "s"))
    shell.add_status_widget("backend", backend)
    shell.add_status_widget("reply", reply)
    shell.add_status_widget("server", server)
    shell.show()
    qtbot.waitExposed(shell)
    xs = [w.mapTo(shell, w.rect().topLeft()).x() for w in (reply, server, backend)]
    assert xs == sorted(xs)
    undo = QLabel("undo")
    shell.add_status_widget("undo", undo, left=True)
    shell.remove_status_widget(undo)
    late = QLabel("late")
    shell.add_status_widget("reply", late)  # after a left widget came and went: no warning
    qtbot.waitUntil(late.isVisible)
    assert reply.x() < late.x() < backend.x()


def test_pages_banner_and_side_panel(qtbot, shell: MainWindow) -> None:
    welcome = QLabel("Welcome")
    shell.set_welcome_page(welcome)
    shell.show_chat_page(False)
    assert shell.pages.currentWidget() is welcome
    shell.show_chat_page(True)
    assert shell.pages.currentIndex() == 1
    shell.set_banner("A note")
    assert shell.banner.text() == "A note" and not shell.banner.isHidden()
    shell.set_banner("")
    assert shell.banner.isHidden()
    panel = QWidget()
    action = shell.set_side_panel(panel, "Show the &panel")
    assert entries(shell, "view") == ["Show the &panel"]
    assert action.shortcut().toString() == "Ctrl+B"
    shell.resize(1000, 600)
    shell.show()
    qtbot.waitUntil(panel.isVisible)
    shell.resize(400, 600)
    qtbot.waitUntil(lambda: not panel.isVisible())
    assert not action.isChecked()


class FakePage(QLabel):
    """A settings page that stores one setting and refuses a bad value."""

    def title(self) -> str:
        return "Fake"

    def widget(self) -> QWidget:
        return self

    def fill(self) -> None:
        self.setText("filled")

    def values(self) -> dict[str, object]:
        return {"chat.system_prompt": self.text()}

    def problem(self, values: Mapping[str, object]) -> str | None:
        return "No, not that." if values["chat.system_prompt"] == "bad" else None


def test_settings_pages_sit_between_appearance_and_folders(qtbot, shell: MainWindow) -> None:
    pages: list[FakePage] = []
    shell.add_settings_page(lambda parent: pages.append(FakePage(parent)) or pages[-1])
    applied: list[bool] = []
    shell.settings_applied.connect(lambda: applied.append(True))
    shell.show_app_settings()
    dialog = shell.app_settings_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    tabs = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert tabs == ["Appearance", "Fake", "Folders and downloads"]
    (page,) = pages
    assert page.text() == "filled"
    page.setText("bad")
    assert not dialog.apply() and dialog.error.text() == "No, not that."
    page.setText("Be brief.")
    assert dialog.apply()
    assert Settings(shell.settings.path).get("chat.system_prompt") == "Be brief."
    assert applied == [True]


class FakeDrop:
    def __init__(self) -> None:
        self.dropped: list[QDropEvent] = []

    def accepts(self, event) -> bool:
        return event.mimeData().hasUrls()

    def drop(self, event: QDropEvent) -> None:
        self.dropped.append(event)


def test_a_drop_goes_to_the_feature_that_takes_it(shell: MainWindow) -> None:
    target = FakeDrop()
    shell.add_drop_target(target)
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile("/tmp/x.gguf")])
    event = QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    shell.dropEvent(event)
    assert target.dropped == [event]
    text_only = QMimeData()
    text_only.setText("hello")
    other = QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        text_only,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    shell.dropEvent(other)
    assert target.dropped == [event] and not other.isAccepted()


def test_about_asks_the_features_for_their_lines(shell: MainWindow) -> None:
    shell.add_about_part(lambda: ["Model: Tiny"])
    text = shell.about_text()
    assert text.startswith("Hearthside ")
    assert text.endswith("\n\nModel: Tiny")


def test_another_start_asking_for_a_model_reaches_the_features(qtbot, shell: MainWindow) -> None:
    with qtbot.waitSignal(shell.open_requested) as blocker:
        shell.raise_window("/models/m.gguf")
    assert blocker.args == ["/models/m.gguf"]


def test_the_app_features_are_features(app) -> None:
    for feature in (app.chat, app.models, app.history, app.documents_feature):
        assert isinstance(feature, Feature)

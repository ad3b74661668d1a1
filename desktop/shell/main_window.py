"""The main window: a thin shell of menus, pages, docks and a status bar that features fill.

The shell builds no feature's widgets and imports no feature: chat, models, history and documents
put their own actions, widgets and settings pages into it (``feature.install(shell)``, see
desktop/shell/feature.py for the surface and the layout declared as data). What stays here is
what belongs to no feature: the menus by name, the welcome/chat pages and the side panel's
folding, the banner line, window state, Edit › Settings, the shortcuts list and About.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Qt, Signal, Slot
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import APP_NAME
from desktop.core.settings import Settings
from desktop.engine.llama import BackendInfo
from desktop.qtkit.plain_text import ask_plain
from desktop.qtkit.theme import Appearance
from desktop.shell.about import about_text
from desktop.shell.banner import Banner
from desktop.shell.feature import (
    CHAT_PAGE_GROUPS,
    MENUS,
    SEPARATOR,
    DropTarget,
    SettingsPageFactory,
)
from desktop.shell.single_instance import bring_to_front
from desktop.shell.status_bar import ShellStatusBar

if TYPE_CHECKING:
    from desktop.shell.app_settings_dialog import AppSettingsDialog
    from desktop.shell.shortcuts_dialog import ShortcutsDialog

# Dialogs are imported where first used: the first frame needs none of them
# (tests/e2e/test_startup.py checks).

WELCOME_PAGE, CHAT_PAGE = 0, 1


class MainWindow(QMainWindow):
    """The shell (implements desktop.shell.feature.Shell). Errors appear in a window-modal
    message box (`error_box`).

    Signals:
        backend_changed(BackendInfo info): set_backend ran; the app's start-up work that waits
            for the backend (first-run defaults, the initial model) goes on from there.
        settings_applied(): Edit › Settings saved; features re-read what they use.
        open_requested(str path): another start of the app asked this window to open a model.
        closing(): the window is closing; features stop what runs (a reply, a load).
    """

    backend_changed = Signal(object)
    settings_applied = Signal()
    open_requested = Signal(str)
    closing = Signal()

    NARROW_WIDTH = 720
    """Below this window width the side panel folds away so the conversation stays readable
    (beside the 200-pixel chat list it would be under 520 pixels; 640 kept it, issue 17)."""

    def __init__(
        self, settings: Settings, gpu_offload: bool = False, backend: BackendInfo | None = None
    ) -> None:
        super().__init__()
        self.settings = settings
        self.gpu_offload = gpu_offload
        """Whether llama.cpp can offload to a GPU; set with the backend."""
        self.backend = backend
        """What llama.cpp was built with, for About and the hardware check; None in tests."""
        self.backend_pending = False
        """The app asked the inference thread for the backend and it has not answered yet."""
        self.appearance: Appearance | None = None
        """Applies theme and text size; the app sets it, tests without one skip that part."""
        self.app_settings_dialog: AppSettingsDialog | None = None
        self.shortcuts_dialog: ShortcutsDialog | None = None
        self.about_box: QMessageBox | None = None
        self.error_box: QMessageBox | None = None
        self.confirm: Callable[[str, str], bool] = self.ask
        """Asks the user a yes/no question; tests replace it so nothing blocks."""
        self.sidebar_action: QAction | None = None
        """View › show the side panel (made when a feature sets one)."""
        self._side_chosen = True  # the user's choice for wide windows (Ctrl+B)
        self._menus: dict[str, QMenu] = {}
        self._menu_groups: dict[tuple[str, str], list[QAction]] = {}
        self._page_groups: dict[str, list[QWidget]] = {group: [] for group in CHAT_PAGE_GROUPS}
        self._settings_pages: list[SettingsPageFactory] = []
        self._drop_targets: list[DropTarget] = []
        self._about_parts: list[Callable[[], Sequence[str]]] = []
        self.setWindowTitle(APP_NAME)
        self.resize(980, 760)
        self.setMinimumSize(360, 320)
        self.setAcceptDrops(True)  # a feature's drop target takes what is dropped
        self._build_menus()
        self._build_central()
        self.status_bar = ShellStatusBar(self)
        self.setStatusBar(self.status_bar)

    # Construction ----------------------------------------------------------------------------

    def _build_menus(self) -> None:
        titles = {
            "file": self.tr("&File"),
            "edit": self.tr("&Edit"),
            "chat": self.tr("&Chat"),
            "view": self.tr("&View"),
            "help": self.tr("&Help"),
        }
        for name in MENUS:
            self._menus[name] = self.menuBar().addMenu(titles[name])
        self.quit_action = self.add_action(
            "file", "quit", self.make_action(self.tr("&Quit"), QKeySequence.StandardKey.Quit)
        )
        self.quit_action.triggered.connect(self.close)
        self.settings_action = self.add_action(
            "edit", "settings", self.make_action(self.tr("&Settings…"), "Ctrl+,")
        )
        self.settings_action.triggered.connect(self.show_app_settings)
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.shortcuts_action = self.add_action(
            "help", "help", self.make_action(self.tr("&Keyboard shortcuts"), "Ctrl+/")
        )
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        self.about_action = self.add_action(
            "help", "about", self.make_action(self.tr("&About Hearthside"))
        )
        self.about_action.triggered.connect(self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)

    def _build_central(self) -> None:
        self.header = QWidget()
        """The chat page's "header" group (the model picker), above the welcome page too."""
        self.header_layout = QVBoxLayout(self.header)
        self.header_layout.setContentsMargins(0, 0, 0, 0)
        self.header_layout.setSpacing(0)
        self.header.hide()  # until a feature puts something there
        self.pages = QStackedWidget()
        self.pages.addWidget(QWidget())  # the welcome page, until a feature sets one
        chat_page = QWidget()
        self.chat_layout = QVBoxLayout(chat_page)
        self.chat_layout.setContentsMargins(0, 0, 0, 0)
        self.chat_layout.setSpacing(0)
        self.banner_bar = Banner()
        self.banner = self.banner_bar.label
        """One line of notes about the model or the chat (set_banner); plain text only."""
        self.chat_layout.addWidget(self.banner_bar)
        self.pages.addWidget(chat_page)
        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.setSpacing(0)
        content_layout.addWidget(self.header)
        content_layout.addWidget(self.pages, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(content)
        self.splitter.setCollapsible(0, False)
        self.setCentralWidget(self.splitter)

    # The surface features use (desktop.shell.feature.Shell) --------------------------------

    def make_action(
        self, text: str, shortcut: str | QKeySequence | QKeySequence.StandardKey | None = None
    ) -> QAction:
        """An action owned by the window, with an optional shortcut ("Ctrl+N" or a standard
        key); add it with :meth:`add_action`."""
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        return action

    def menu(self, name: str) -> QMenu:
        return self._menus[name]

    def add_action(
        self, menu: str, group: str, action: QAction, *, shortcut_only: bool = False
    ) -> QAction:
        """Adds ``action`` at the end of ``group`` in ``menu`` (groups as MENUS declares them,
        separators drawn between non-empty groups) and to the window, so its shortcut works."""
        self.addAction(action)
        if shortcut_only:
            return action
        groups = MENUS[menu]
        if group not in groups or group == SEPARATOR:
            raise ValueError(f"menu {menu!r} has no group {group!r}")
        self._menu_groups.setdefault((menu, group), []).append(action)
        self._rebuild_menu(menu)
        return action

    def _rebuild_menu(self, name: str) -> None:
        menu = self._menus[name]
        menu.clear()
        pending_separator = False
        for group in MENUS[name]:
            if group == SEPARATOR:
                pending_separator = bool(menu.actions())
                continue
            for action in self._menu_groups.get((name, group), ()):
                if pending_separator:
                    menu.addSeparator()
                    pending_separator = False
                menu.addAction(action)

    def add_to_chat_page(self, group: str, widget: QWidget, stretch: int = 0) -> None:
        """Adds ``widget`` at the end of ``group`` on the chat page (CHAT_PAGE_GROUPS); the
        "header" group goes above the pages (welcome and chat) instead."""
        if group == "header":
            self.header_layout.addWidget(widget, stretch)
            self._page_groups[group].append(widget)
            self.header.show()
            return
        position = 1  # after the banner
        for name in (name for name in CHAT_PAGE_GROUPS if name != "header"):
            position += len(self._page_groups[name])
            if name == group:
                break
        else:
            raise ValueError(f"the chat page has no group {group!r}")
        self.chat_layout.insertWidget(position, widget, stretch)
        self._page_groups[group].append(widget)

    def add_status_widget(self, group: str, widget: QWidget, *, left: bool = False) -> None:
        """Right-hand part: at the end of ``group`` (STATUS_GROUPS). ``left``: right after the
        message (an Undo button; ``group`` is then only a name)."""
        self.status_bar.add_group_widget(group, widget, left=left)

    def remove_status_widget(self, widget: QWidget) -> None:
        """Takes a left-hand widget (an Undo button) out of the status bar again."""
        self.status_bar.remove_left_widget(widget)

    def add_dock(self, dock: QDockWidget, area: Qt.DockWidgetArea) -> None:
        self.addDockWidget(area, dock)

    def set_welcome_page(self, page: QWidget) -> None:
        """What the window shows while there is nothing to chat with."""
        current = self.pages.currentIndex()
        old = self.pages.widget(WELCOME_PAGE)
        self.pages.insertWidget(WELCOME_PAGE, page)
        self.pages.removeWidget(old)
        old.deleteLater()
        self.pages.setCurrentIndex(current)

    def show_chat_page(self, chat: bool) -> None:
        self.pages.setCurrentIndex(CHAT_PAGE if chat else WELCOME_PAGE)

    def set_side_panel(self, panel: QWidget, toggle_text: str) -> QAction:
        """``panel`` left of the pages, folded away in narrow windows; View gets its toggle."""
        self.side_panel = panel
        self.splitter.insertWidget(0, panel)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([240, 740])
        action = self.make_action(toggle_text, "Ctrl+B")
        action.setCheckable(True)
        action.setChecked(True)
        action.triggered.connect(self.on_sidebar_action_toggled)
        self.sidebar_action = self.add_action("view", "panels", action)
        return action

    def set_banner(self, text: str) -> None:
        """Shows ``text`` (plain) above the conversation; "" hides the line, and so does a
        text the user closed (shell/banner.py)."""
        self.banner_bar.set_text(text)

    def add_settings_page(self, factory: SettingsPageFactory) -> None:
        self._settings_pages.append(factory)

    def add_drop_target(self, target: DropTarget) -> None:
        self._drop_targets.append(target)

    def add_about_part(self, part: Callable[[], Sequence[str]]) -> None:
        """Lines a feature adds to About (after an empty line), asked for each time it opens."""
        self._about_parts.append(part)

    def show_status_message(self, text: str, timeout_ms: int = 8000) -> None:
        self.status_bar.showMessage(text, timeout_ms)

    def clear_status_message(self) -> None:
        self.status_bar.clearMessage()

    def ask(self, title: str, question: str) -> bool:
        return ask_plain(self, title, question)

    def show_error(self, title: str, text: str) -> None:
        """A window-modal box that does not block the event loop (tests read `error_box`)."""
        if self.error_box is not None:
            self.error_box.close()
        box = QMessageBox(
            QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self
        )
        box.setTextFormat(Qt.TextFormat.PlainText)  # errors quote paths, names, servers
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.open()
        self.error_box = box

    # Window commands -------------------------------------------------------------------------

    def about_text(self) -> str:
        """Versions, backend and what the features add (the loaded model), as plain text."""
        return about_text(self.backend, self._about_parts)

    def show_about(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.NoIcon,
            self.tr("About Hearthside"),
            self.about_text(),
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.about_box = box
        box.open()

    def raise_window(self, model: str = "") -> None:
        """Another start of the app asked for this window (and maybe a model)."""
        bring_to_front(self)
        if model:
            self.open_requested.emit(model)

    def show_app_settings(self) -> None:
        """Edit › Settings; not modal, and opening it again raises the open one."""
        from desktop.shell.app_settings_dialog import AppSettingsDialog

        if self.app_settings_dialog is not None and self.app_settings_dialog.isVisible():
            bring_to_front(self.app_settings_dialog)
            return
        dialog = AppSettingsDialog(self.settings, self._settings_pages, self)
        dialog.applied.connect(self.apply_appearance)
        dialog.applied.connect(self.settings_applied)
        self.app_settings_dialog = dialog
        dialog.open()

    @Slot(object)
    def set_backend(self, backend: BackendInfo) -> None:
        """What llama.cpp was built with; it arrives from the inference thread after the first
        frame, because naming it imports llama.cpp."""
        self.backend = backend
        self.backend_pending = False
        self.gpu_offload = backend.gpu_offload
        self.backend_changed.emit(backend)

    def apply_appearance(self) -> None:
        """Theme and text size from the settings, applied to the whole application now."""
        if self.appearance is not None:
            self.appearance.apply(
                str(self.settings.get("appearance.theme")),
                int(self.settings.get("appearance.font_size")),
            )

    def shortcut_actions(self) -> list[QAction]:
        """The window's actions in menu order, then any others it holds."""
        ordered: list[QAction] = []
        for menu_action in self.menuBar().actions():
            menu = menu_action.menu()
            if menu is not None:
                ordered.extend(a for a in menu.actions() if not a.isSeparator())
        ordered.extend(a for a in self.actions() if a not in ordered)
        return ordered

    def show_shortcuts(self) -> None:
        from desktop.shell.shortcuts_dialog import ShortcutsDialog, place_shortcut_rows

        # The message box's own keys are not actions; they live in the composer.
        extra = [
            (self.tr("Send the message"), self.tr("Enter")),
            (self.tr("New line in the message"), self.tr("Shift+Enter")),
            *place_shortcut_rows(self, self.shortcut_actions()),
        ]
        dialog = ShortcutsDialog(self.shortcut_actions(), extra, self)
        self.shortcuts_dialog = dialog
        dialog.open()

    # Window state ----------------------------------------------------------------------------

    def restore_state(self) -> None:
        """Window geometry and the side panel's width."""
        geometry = str(self.settings.get("window.geometry"))
        if geometry:
            self.restoreGeometry(QByteArray.fromBase64(geometry.encode("ascii")))
        splitter = str(self.settings.get("window.splitter"))
        if splitter:
            self.splitter.restoreState(QByteArray.fromBase64(splitter.encode("ascii")))

    def remember_state(self, extra: Mapping[str, object] | None = None) -> None:
        """Stores geometry and panel width (and ``extra`` settings from the features), then
        saves the settings file."""
        self.settings.set("window.geometry", bytes(self.saveGeometry().toBase64()).decode())
        self.settings.set("window.splitter", bytes(self.splitter.saveState().toBase64()).decode())
        for key, value in (extra or {}).items():
            self.settings.set(key, value)
        with contextlib.suppress(OSError):  # closing must not fail over a settings file
            self.settings.save()

    def on_sidebar_action_toggled(self) -> None:
        if self.sidebar_action is None:
            return
        visible = self.sidebar_action.isChecked()
        if self.width() >= self.NARROW_WIDTH:
            self._side_chosen = visible
        self.side_panel.setVisible(visible)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Folds the side panel away when the window becomes narrow and back when it widens;
        in between, Ctrl+B decides."""
        super().resizeEvent(event)
        if self.sidebar_action is None:
            return
        narrow = event.size().width() < self.NARROW_WIDTH
        was_narrow = (
            event.oldSize().width() < self.NARROW_WIDTH
            if event.oldSize().isValid()
            else (not narrow)
        )
        if narrow != was_narrow:
            visible = self._side_chosen and not narrow
            self.side_panel.setVisible(visible)
            self.sidebar_action.setChecked(visible)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(target.accepts(event) for target in self._drop_targets):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        """What is dropped goes to the first feature that takes it."""
        for target in self._drop_targets:
            if target.accepts(event):
                target.drop(event)
                return
        event.ignore()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closing.emit()
        super().closeEvent(event)

"""What a feature installs itself into: the Feature protocol and the shell's layout as data.

A feature (chat, models, history, documents) builds its own actions, widgets, docks and settings
pages and puts them into the shell through :class:`Shell`'s methods (``feature.install(shell)``),
the way qutebrowser's components register their own commands. The shell imports no feature.

Where things go is declared here as data, as napari declares its menus: each menu, the chat page
and the status bar are lists of named *groups*, so the window looks the same whatever order the
features are installed in. Within a group, entries keep the order they were added in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QDockWidget, QLabel, QMenu, QWidget

from desktop.core.settings import Settings
from desktop.engine.llama import BackendInfo

__all__ = [
    "CHAT_PAGE_GROUPS",
    "MENUS",
    "SEPARATOR",
    "STATUS_GROUPS",
    "DropTarget",
    "Feature",
    "SettingsPage",
    "SettingsPageFactory",
    "SettingsPageWidget",
    "Shell",
    "Shortcut",
    "add_command",
]

SEPARATOR = "|"
"""In a menu's group list: a separator line between the groups either side of it."""

MENUS: Mapping[str, tuple[str, ...]] = {
    # name: groups, top to bottom. The menus appear in the menu bar in this order.
    "file": ("library", "documents", "model", SEPARATOR, "export", SEPARATOR, "quit"),
    "edit": ("settings",),
    "chat": ("new", "search", "reply", SEPARATOR, "trash", "model"),
    "view": ("panels",),
    "help": ("help", SEPARATOR, "about"),
}

CHAT_PAGE_GROUPS: tuple[str, ...] = (
    # Top to bottom on the chat page. "header" (the model picker) sits above the page itself,
    # over the welcome page too, so a load's progress shows from the first start; then the
    # shell's own banner line, then the rest.
    "header",
    "notices",  # offers and notes about the open chat
    "above_view",  # the running summary
    "view",  # the conversation itself (gets the stretch)
    "above_composer",  # offers about the message being typed
    "composer",  # the message box's card (its chips and context meter are inside it)
    "below_composer",
)

STATUS_GROUPS: tuple[str, ...] = (
    # Left to right in the status bar's permanent (right-hand) part.
    "reply",  # speed and context of the last reply
    "server",  # the local API server, while it runs
    "backend",  # where replies are made (CPU, GPU offload, a server's host)
)
"""The status bar's left end holds the transient message, then any ``left=True`` widget (an
Undo button) right after it. The model and a load's progress are in the chat's "header"."""


@runtime_checkable
class Feature(Protocol):
    """A part of the app that puts its own actions, widgets and pages into the shell."""

    def install(self, shell: Shell) -> None:
        """Adds this feature's actions, widgets, docks and settings pages to ``shell``."""


class SettingsPage(Protocol):
    """A tab of Edit › Settings that a feature contributes; the dialog saves what it returns.

    The dialog calls :meth:`fill` when it opens, then :meth:`values` and :meth:`problem` on OK
    or Apply; values are declared settings (desktop/core/settings.py) stored all at once.
    """

    def title(self) -> str:
        """The tab's label."""

    def widget(self) -> QWidget:
        """The tab's content (made once, owned by the dialog from then on)."""

    def fill(self) -> None:
        """Shows the current settings."""

    def values(self) -> dict[str, object]:
        """The settings as the page shows them, by key."""

    def problem(self, values: Mapping[str, object]) -> str | None:
        """Why ``values`` cannot be saved, in words for the user; None when they can."""


class SettingsPageWidget(QWidget):
    """A settings page that is its own tab content: :meth:`widget` is the page itself. The
    features' pages (Models, Local server) derive from it and add title, fill, values and
    problem.

    Signals:
        None.
    """

    def widget(self) -> QWidget:
        return self


SettingsPageFactory = Callable[[QWidget], SettingsPage]
"""Makes a settings page when the dialog opens; the argument is the dialog (the parent)."""


class DropTarget(Protocol):
    """Something dropped on the window that a feature takes (a model file, say)."""

    def accepts(self, event: QDragEnterEvent | QDropEvent) -> bool:
        """Whether the dragged data is for this feature."""

    def drop(self, event: QDropEvent) -> None:
        """Takes the dropped data."""


class Shell(Protocol):
    """The main window as features see it (desktop/shell/main_window.py implements it).

    Features parent their QObjects to it (it is a QMainWindow) and connect to its signals:
    ``settings_applied()`` after Edit › Settings saved, ``closing()`` when the window closes,
    ``open_requested(str)`` when another start of the app asks for a model file.
    """

    settings: Settings
    backend: BackendInfo | None
    """What llama.cpp was built with; None until the inference thread named it."""
    backend_pending: bool
    gpu_offload: bool
    banner: QLabel
    settings_applied: Any
    closing: Any
    open_requested: Any

    # Actions and menus

    def make_action(
        self, text: str, shortcut: str | QKeySequence | QKeySequence.StandardKey | None = None
    ) -> QAction:
        """An action owned by the window (add it with :meth:`add_action`)."""

    def menu(self, name: str) -> QMenu:
        """One of :data:`MENUS` by name."""

    def add_action(
        self, menu: str, group: str, action: QAction, *, shortcut_only: bool = False
    ) -> QAction:
        """Puts ``action`` into ``group`` of menu ``menu`` and makes its shortcut work."""

    # Places for widgets

    def set_welcome_page(self, page: QWidget) -> None:
        """What the window shows while there is nothing to chat with."""

    def show_chat_page(self, chat: bool) -> None:
        """The chat page (True) or the welcome page."""

    def add_to_chat_page(self, group: str, widget: QWidget, stretch: int = 0) -> None:
        """Puts ``widget`` into ``group`` of :data:`CHAT_PAGE_GROUPS` ("header": above the
        welcome and chat pages alike)."""

    def set_banner(self, text: str) -> None:
        """One line of plain-text notes above the conversation; "" hides it."""

    def set_side_panel(self, panel: QWidget, toggle_text: str) -> QAction:
        """``panel`` left of the pages (folded away in narrow windows), toggled from View."""

    def add_dock(self, dock: QDockWidget, area: Qt.DockWidgetArea) -> None:
        """A dock widget beside the pages."""

    def add_status_widget(self, group: str, widget: QWidget, *, left: bool = False) -> None:
        """Puts ``widget`` into ``group`` of :data:`STATUS_GROUPS`, or with ``left`` right
        after the message (an Undo button)."""

    def remove_status_widget(self, widget: QWidget) -> None:
        """Takes a left-hand status widget out again."""

    def show_status_message(self, text: str, timeout_ms: int = 8000) -> None:
        """A transient message in the status bar."""

    def clear_status_message(self) -> None:
        """Removes the transient message."""

    # Settings, drops, About

    def add_settings_page(self, factory: SettingsPageFactory) -> None:
        """Adds a tab to Edit › Settings, after Appearance and before Folders."""

    def add_drop_target(self, target: DropTarget) -> None:
        """Lets ``target`` take what is dropped on the window."""

    def add_about_part(self, part: Callable[[], Sequence[str]]) -> None:
        """Lines for Help › About, asked for each time it opens."""

    def set_backend(self, backend: BackendInfo) -> None:
        """Records llama.cpp's backend (the models feature names it early when it must)."""

    # Messages

    def show_error(self, title: str, text: str) -> None:
        """A window-modal message that does not block the event loop."""

    def confirm(self, title: str, question: str) -> bool:
        """Asks a yes/no question (tests replace it so nothing blocks)."""


Shortcut = str | QKeySequence | QKeySequence.StandardKey | None
"""A key for an action: "Ctrl+N", a standard key, or none."""


def add_command(
    shell: Shell,
    menu: str,
    group: str,
    text: str,
    slot: Callable[[], object],
    shortcut: Shortcut = None,
) -> QAction:
    """A menu command: an action of the window that calls ``slot``, put at the end of ``group``
    in ``menu`` with its shortcut working (how every feature fills its menus)."""
    action = shell.make_action(text, shortcut)
    action.triggered.connect(slot)
    return shell.add_action(menu, group, action)

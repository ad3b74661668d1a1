"""The app's icons: one well-kept set (Phosphor, bundled with qtawesome), tinted by the theme.

Widgets ask for an icon by what it *means* (``"copy"``, ``"stop"``), never by a glyph name, so
the set can change in one place and every icon of one meaning looks the same everywhere. Icons
are drawn from a font in the palette's text colours, so they follow light and dark without
image files; :class:`IconButton` re-tints itself when the palette changes.

qtawesome reaches Qt through QtPy; it is told to use PySide6 before it is imported, so a stray
PyQt on the machine is never picked up.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QIcon, QPalette
from PySide6.QtWidgets import QApplication, QToolButton, QWidget

from desktop.qtkit.plain_text import plain_tooltip

os.environ.setdefault("QT_API", "pyside6")
import qtawesome  # after QT_API is set

__all__ = ["ICONS", "IconButton", "themed_icon"]

ICONS: dict[str, str] = {
    "copy": "ph.copy",
    "copied": "ph.check",
    "edit": "ph.pencil-simple",
    "regenerate": "ph.arrow-clockwise",
    "more": "ph.dots-three",
    "send": "ph.paper-plane-right",
    "stop": "ph.stop",
    "documents": "ph.files",
    "attach": "ph.paperclip",
    "new_chat": "ph.note-pencil",
    "trash": "ph.trash",
    "restore": "ph.arrow-counter-clockwise",
    "search": "ph.magnifying-glass",
    "settings": "ph.gear-six",
    "model": "ph.cube",
    "models": "ph.books",
    "download": "ph.download-simple",
    "check": "ph.check",
    "menu_down": "ph.caret-down",
    "jump_to_latest": "ph.arrow-down",
    "server": "ph.hard-drives",
    "close": "ph.x",
    "open_file": "ph.folder-open",
    "chat": "ph.chat-circle-text",
    "pin": "ph.push-pin",
    "warning": "ph.warning",
    "error": "ph.x-circle",
    "info": "ph.info",
    "export": "ph.export",
    "import": "ph.upload-simple",
    "cpu": "ph.cpu",
    "gpu": "ph.lightning",
    "thinking": "ph.brain",
    "web": "ph.globe",
    "key": "ph.key",
    "link": "ph.link",
    "add": "ph.plus",
    "sliders": "ph.sliders-horizontal",
    "user": "ph.user",
    "assistant": "ph.sparkle",
}
"""Meaning → Phosphor glyph (qtawesome's ``ph.`` prefix). Add a meaning here, not a glyph in a
widget."""

TINTS = ("text", "muted", "accent", "on_accent")
"""Which palette colour an icon is drawn in: the text, secondary text, the accent (a selected
or primary control) or the text on the accent (an icon on the primary button)."""


def _tint(palette: QPalette, tint: str) -> str:
    roles = QPalette.ColorRole
    role = {
        "text": roles.ButtonText,
        "muted": roles.PlaceholderText,
        "accent": roles.Highlight,
        "on_accent": roles.HighlightedText,
    }[tint]
    return palette.color(QPalette.ColorGroup.Active, role).name()


def themed_icon(meaning: str, *, tint: str = "text", palette: QPalette | None = None) -> QIcon:
    """The icon for ``meaning`` (a key of :data:`ICONS`) in ``palette``'s colours (the
    application's when None): ``tint`` for the icon, the palette's disabled text colour when
    its control is disabled."""
    if meaning not in ICONS:
        raise KeyError(f"no icon for {meaning!r}; add it to desktop/qtkit/icons.py ICONS")
    if tint not in TINTS:
        raise ValueError(f"unknown tint {tint!r}; one of {TINTS}")
    palette = palette or QApplication.palette()
    colour = _tint(palette, tint)
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText).name()
    return qtawesome.icon(
        ICONS[meaning], color=colour, color_active=colour, color_disabled=disabled
    )


class IconButton(QToolButton):
    """A flat button that shows an icon by meaning, with a plain-text tooltip that is also its
    accessible name (a screen reader says "Copy", not "button").

    The icon is redrawn in the new colours when the palette changes (light ↔ dark), and
    :meth:`set_meaning` swaps it (Send → Stop) without a new widget.
    """

    def __init__(
        self,
        meaning: str,
        tooltip: str,
        parent: QWidget | None = None,
        *,
        tint: str = "text",
        size: int = 16,
    ) -> None:
        super().__init__(parent)
        self._meaning = meaning
        self._tint = tint
        self.setAutoRaise(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.setIconSize(QSize(size, size))
        self.set_tooltip(tooltip)
        self._refresh_icon()

    @property
    def meaning(self) -> str:
        return self._meaning

    def set_meaning(self, meaning: str, tooltip: str | None = None) -> None:
        """Show another icon (and tooltip), e.g. Send → Stop while a reply streams."""
        self._meaning = meaning
        if tooltip is not None:
            self.set_tooltip(tooltip)
        self._refresh_icon()

    def set_tint(self, tint: str) -> None:
        self._tint = tint
        self._refresh_icon()

    def set_tooltip(self, tooltip: str) -> None:
        """Tooltip and accessible name; the text is ours (tr()), shown as plain text."""
        self.setToolTip(plain_tooltip(tooltip))
        self.setAccessibleName(tooltip)

    def _refresh_icon(self) -> None:
        self.setIcon(themed_icon(self._meaning, tint=self._tint, palette=self.palette()))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._refresh_icon()
        super().changeEvent(event)

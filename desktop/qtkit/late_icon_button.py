"""An icon button for the window's first frame: its icon is drawn on the event loop's turn after
its first paint.

The icon set's library (desktop/qtkit/icons.py, qtawesome) takes a good part of a second to
import and pulls in modules start-up must not wait for (tests/e2e/test_startup.py). A button in
the first frame (the composer's Send, its chips) therefore keeps its place empty for that one
turn; it has :class:`~desktop.qtkit.icons.IconButton`'s API (``meaning``, ``set_meaning``,
``set_tint``, ``set_tooltip``) and follows palette changes the same way.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QToolButton, QWidget

from desktop.qtkit.plain_text import plain_tooltip

__all__ = ["LateIconButton"]


class LateIconButton(QToolButton):
    """A flat button showing the icon of a meaning (a key of icons.ICONS), made after its
    first paint; the tooltip is plain text and also its accessible name."""

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
        self._icon_due = False  # asked for on the turn after the first paint
        self.setAutoRaise(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.setIconSize(QSize(size, size))
        self.set_tooltip(tooltip)

    @property
    def meaning(self) -> str:
        return self._meaning

    def set_meaning(self, meaning: str, tooltip: str | None = None) -> None:
        """Show another icon (and tooltip), e.g. Send → Stop while a reply streams."""
        self._meaning = meaning
        if tooltip is not None:
            self.set_tooltip(tooltip)
        self._refresh_if_drawn()

    def set_tint(self, tint: str) -> None:
        self._tint = tint
        self._refresh_if_drawn()

    def set_tooltip(self, tooltip: str) -> None:
        """Tooltip and accessible name; the text is ours (tr()), shown as plain text."""
        self.setToolTip(plain_tooltip(tooltip))
        self.setAccessibleName(tooltip)

    def refresh_icon(self) -> None:
        """Draws the icon now, in the palette's colours."""
        from desktop.qtkit.icons import themed_icon  # not before the first frame (docstring)

        self._icon_due = True
        self.setIcon(themed_icon(self._meaning, tint=self._tint, palette=self.palette()))

    def _refresh_if_drawn(self) -> None:
        if self._icon_due:
            self.refresh_icon()

    def ask_for_icon(self) -> None:
        """Has the icon drawn on the event loop's next turn, once; a subclass that paints
        itself calls this from its paintEvent."""
        if not self._icon_due:
            self._icon_due = True
            QTimer.singleShot(0, self, self.refresh_icon)

    def paintEvent(self, event: QPaintEvent) -> None:
        self.ask_for_icon()
        super().paintEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._refresh_if_drawn()
        super().changeEvent(event)

"""The composer's look: a rounded card around the message box, and its round Send/Stop button.

Both are painted from the palette (which the theme builds from the design tokens,
desktop/core/design.py) rather than styled with a style sheet, so the app-wide style sheet and
this card never fight, and light ↔ dark needs no re-styling: a palette change repaints them.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QApplication, QWidget

from desktop.core.design import RADIUS
from desktop.qtkit.late_icon_button import LateIconButton

__all__ = ["SEND_BUTTON_SIZE", "ComposerCard", "SendButton"]

SEND_BUTTON_SIZE = 32
"""The round button's diameter in pixels; the card's bottom row is this tall."""


class SendButton(LateIconButton):
    """The round primary button at the card's bottom right: Send (``"send"``), or Stop
    (``"stop"``) while a reply streams; :meth:`set_meaning` swaps the two.

    It carries the ``primary`` property (the app-wide style sheet's mark for the accent
    button) but paints itself: an accent disc with the icon in the text-on-accent colour, a
    quieter disc when disabled, and a ring when it has the keyboard focus.
    """

    def __init__(self, meaning: str, tooltip: str, parent: QWidget | None = None) -> None:
        super().__init__(meaning, tooltip, parent, tint="on_accent", size=16)
        self.setProperty("primary", True)
        self.setFixedSize(QSize(SEND_BUTTON_SIZE, SEND_BUTTON_SIZE))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def paintEvent(self, event: QPaintEvent) -> None:
        self.ask_for_icon()  # the disc now, the icon on the next turn (late_icon_button.py)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        enabled = self.isEnabled()
        group = QPalette.ColorGroup.Active if enabled else QPalette.ColorGroup.Disabled
        fill = QColor(palette.color(group, QPalette.ColorRole.Highlight))
        if enabled and self.isDown():
            fill = fill.darker(115)
        elif enabled and self.underMouse():
            fill = fill.lighter(112)
        rect = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        painter.setPen(Qt.PenStyle.NoPen)
        if self.hasFocus():
            ring = QPen(palette.color(QPalette.ColorRole.Highlight), 2)
            painter.setPen(ring)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(rect)
            rect = rect.adjusted(3, 3, -3, -3)
            painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawEllipse(rect)
        mode = QIcon.Mode.Normal if enabled else QIcon.Mode.Disabled
        size = self.iconSize()
        pixmap = self.icon().pixmap(size, self.devicePixelRatioF(), mode)
        x = (self.width() - size.width()) // 2
        y = (self.height() - size.height()) // 2
        painter.drawPixmap(x, y, pixmap)


class ComposerCard(QWidget):
    """A widget drawn as a rounded card inside its contents margins (the room around the card);
    its layout's margins are the padding inside it. The composer is one (a base class rather
    than a widget inside the composer: one layout less between the box and the chat page, so a
    box that grows or shrinks is laid out in one pass).

    Painted in the surface colour with the border colour, and with the accent as its border
    while the keyboard focus is anywhere inside it (the box it contains has no frame of its
    own, so the card is what shows where typing goes).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composerCard")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, False)
        self._focused = False
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_focus_changed)

    def has_focus_inside(self) -> bool:
        return self._focused

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        focused = new is not None and (new is self or self.isAncestorOf(new))
        if focused != self._focused:
            self._focused = focused
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        border = palette.color(
            QPalette.ColorRole.Highlight if self._focused else QPalette.ColorRole.Mid
        )
        width = 1.5 if self._focused else 1.0
        painter.setPen(QPen(border, width))
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        inset = width / 2
        rect = QRectF(self.contentsRect()).adjusted(inset, inset, -inset, -inset)
        painter.drawRoundedRect(rect, RADIUS, RADIUS)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.EnabledChange):
            self.update()

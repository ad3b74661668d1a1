"""A chip in the composer's card: an icon, an optional count, in a rounded pill.

Painted from the palette (built from the design tokens) rather than styled with a style sheet,
so it looks the same under any app-wide style sheet and follows light ↔ dark by itself.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QWidget

from desktop.core.design import SPACE_S, SPACE_XS
from desktop.qtkit.late_icon_button import LateIconButton
from desktop.qtkit.pill import draw_pill, pill_painter

__all__ = ["CHIP_HEIGHT", "IconChip"]

CHIP_HEIGHT = 28
"""A chip's height in pixels (a little less than the round Send button beside it)."""


class IconChip(LateIconButton):
    """An icon with an optional count (:meth:`set_count`): Documents, later Tools or images.

    With a count above zero the chip is *active*: its border and count take the accent, so
    what a message will use is seen at a glance. The tooltip (also the accessible name) says
    what the chip does; the count alone is not meant to be read without it.
    """

    def __init__(self, meaning: str, tooltip: str, parent: QWidget | None = None) -> None:
        super().__init__(meaning, tooltip, parent, tint="muted", size=16)
        self._count = 0
        self.setFixedHeight(CHIP_HEIGHT)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def count(self) -> int:
        return self._count

    def set_count(self, count: int) -> None:
        """Shows ``count`` beside the icon (nothing when 0) and marks the chip active."""
        self._count = max(0, count)
        self.set_tint("accent" if self._count else "muted")
        self.updateGeometry()
        self.update()

    def count_text(self) -> str:
        return str(self._count) if self._count else ""

    def sizeHint(self) -> QSize:
        icon = self.iconSize().width()
        text = self.count_text()
        width = 2 * SPACE_S + icon
        if text:
            width += SPACE_XS + self.fontMetrics().horizontalAdvance(text)
        return QSize(max(width, CHIP_HEIGHT + SPACE_XS), CHIP_HEIGHT)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:
        self.ask_for_icon()  # drawn on the next turn (late_icon_button.py)
        painter, rect = pill_painter(self)
        palette = self.palette()
        enabled = self.isEnabled()
        active = bool(self._count) and enabled
        border = palette.color(
            QPalette.ColorRole.Highlight if active or self.hasFocus() else QPalette.ColorRole.Mid
        )
        fill = QColor(palette.color(QPalette.ColorRole.Base))
        if enabled and (self.underMouse() or self.isDown()):
            fill = palette.color(QPalette.ColorRole.AlternateBase)
        draw_pill(painter, rect, fill, QPen(border, 1.5 if self.hasFocus() else 1.0))
        size = self.iconSize()
        mode = QIcon.Mode.Normal if enabled else QIcon.Mode.Disabled
        pixmap = self.icon().pixmap(size, self.devicePixelRatioF(), mode)
        text = self.count_text()
        content = size.width()
        if text:
            content += SPACE_XS + self.fontMetrics().horizontalAdvance(text)
        x = (self.width() - content) // 2
        painter.drawPixmap(x, (self.height() - size.height()) // 2, pixmap)
        if text:
            # The link colour: the accent's hue, made to read as text (4.5:1) in both themes.
            if not enabled:
                colour = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText)
            else:
                colour = palette.color(
                    QPalette.ColorRole.Link if active else QPalette.ColorRole.ButtonText
                )
            painter.setPen(colour)
            left = x + size.width() + SPACE_XS
            painter.drawText(
                QRectF(left, 0, self.width() - left, self.height()),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                text,
            )

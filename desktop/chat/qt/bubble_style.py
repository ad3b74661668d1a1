"""How a message bubble looks: its background, its outline and the dimmed text of a message
the model no longer reads, all derived from the palette so light and dark themes both work.

Split from MessageWidget (message_widget.py), which keeps what the bubble holds and how it is
laid out; this module only computes colours and paints the rounded background.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QWidget

from desktop.core.conversation import Role

__all__ = ["blend", "bubble_color", "dimmed_palette", "paint_bubble"]


def blend(base: QColor, other: QColor, amount: float) -> QColor:
    """``base`` moved ``amount`` (0..1) of the way towards ``other``."""
    return QColor.fromRgbF(
        base.redF() + (other.redF() - base.redF()) * amount,
        base.greenF() + (other.greenF() - base.greenF()) * amount,
        base.blueF() + (other.blueF() - base.blueF()) * amount,
        1.0,
    )


def bubble_color(role: Role, palette: QPalette) -> QColor:
    """Background of a bubble of ``role``: the user's tinted with the highlight colour, the
    assistant's a shade off the base, a system note the base itself."""
    base = palette.color(QPalette.ColorRole.Base)
    if role == Role.USER:
        return blend(base, palette.color(QPalette.ColorRole.Highlight), 0.22)
    if role == Role.SYSTEM:
        return base
    return blend(base, palette.color(QPalette.ColorRole.Text), 0.06)


def dimmed_palette(inherited: QPalette) -> QPalette:
    """A palette whose two text roles are blended halfway towards the background (a message
    the model no longer reads); every other role still follows the window."""
    base = inherited.color(QPalette.ColorRole.Base)
    palette = QPalette()
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText):
        palette.setColor(role, blend(inherited.color(role), base, 0.5))
    return palette


def paint_bubble(widget: QWidget, role: Role, color: QColor) -> None:
    """The rounded background of ``widget``; a system note gets a faint outline instead."""
    painter = QPainter(widget)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    if role == Role.SYSTEM:
        palette = widget.palette()
        painter.setPen(
            blend(
                palette.color(QPalette.ColorRole.Base),
                palette.color(QPalette.ColorRole.Text),
                0.25,
            )
        )
    painter.setBrush(color)
    painter.drawRoundedRect(widget.rect().adjusted(0, 0, -1, -1), 10, 10)
    painter.end()

"""How a message bubble looks: its background, its outline and the dimmed text of a message
the model no longer reads, from the design tokens of the palette's theme (light or dark).

The user's messages are tinted bubbles (the ``user_bubble`` token); a reply has no bubble and
is read on the page itself, as in current chat apps; a system note gets a faint outline.

Split from MessageWidget (message_widget.py), which keeps what the bubble holds and how it is
laid out; this module only computes colours and paints the rounded background.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QWidget

from desktop.core.conversation import Role
from desktop.core.design import RADIUS, tokens
from desktop.qtkit.theme import palette_is_dark

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
    """Background of a bubble of ``role``: the user's the ``user_bubble`` token of the
    palette's theme, a system note the base itself, a reply none (transparent)."""
    if role == Role.USER:
        return QColor(tokens(palette_is_dark(palette)).user_bubble)
    if role == Role.SYSTEM:
        return palette.color(QPalette.ColorRole.Base)
    return QColor(Qt.GlobalColor.transparent)


def dimmed_palette(inherited: QPalette) -> QPalette:
    """A palette whose two text roles are blended halfway towards the background (a message
    the model no longer reads); every other role still follows the window."""
    base = inherited.color(QPalette.ColorRole.Base)
    palette = QPalette()
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText):
        palette.setColor(role, blend(inherited.color(role), base, 0.5))
    return palette


def paint_bubble(widget: QWidget, role: Role, color: QColor) -> None:
    """The rounded background of ``widget``; a system note gets a faint outline instead, and
    a reply (transparent) nothing."""
    if color.alpha() == 0 and role != Role.SYSTEM:
        return
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
    painter.drawRoundedRect(widget.rect().adjusted(0, 0, -1, -1), RADIUS + 4, RADIUS + 4)
    painter.end()

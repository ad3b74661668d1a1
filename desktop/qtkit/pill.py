"""Painting a pill (a rectangle with fully rounded ends) from the palette: the composer's
chips, an attached collection's chip and the context meter's bar.

Painted rather than styled with a style sheet, so it looks the same under any app-wide style
sheet and follows light ↔ dark by itself. The rectangle is inset by half a pixel so a one-pixel
border falls on whole pixels and stays crisp.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

__all__ = ["draw_pill", "pill_painter"]


def pill_painter(widget: QWidget) -> tuple[QPainter, QRectF]:
    """An antialiased painter on ``widget`` (call from its paintEvent) and the widget's pill
    rectangle: its rect inset by half a pixel."""
    painter = QPainter(widget)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    return painter, QRectF(widget.rect()).adjusted(0.5, 0.5, -0.5, -0.5)


def draw_pill(
    painter: QPainter,
    rect: QRectF,
    fill: QColor | QBrush,
    border: QPen | Qt.PenStyle = Qt.PenStyle.NoPen,
) -> None:
    """``rect`` filled with ``fill``, outlined with ``border``, its ends half its height round."""
    radius = rect.height() / 2
    painter.setPen(border)
    painter.setBrush(fill)
    painter.drawRoundedRect(rect, radius, radius)

"""A pill is painted with round ends, half a pixel in, in the colours it is given."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from desktop.qtkit.pill import draw_pill, pill_painter

FILL = QColor("#3366cc")
BORDER = QColor("#cc3333")


class Pill(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        self.resize(80, 20)
        self.rect_painted = QRectF()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter, rect = pill_painter(self)
        self.rect_painted = rect
        assert painter.testRenderHint(QPainter.RenderHint.Antialiasing)
        draw_pill(painter, rect, FILL, QPen(BORDER, 1.0))
        painter.end()


def test_a_pill_has_round_ends_and_its_colours(qtbot) -> None:
    pill = Pill()
    qtbot.addWidget(pill)
    image = QImage(pill.size(), QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    pill.render(image)
    assert pill.rect_painted == QRectF(0.5, 0.5, 79.0, 19.0)
    assert image.pixelColor(40, 10) == FILL  # the middle is filled
    assert image.pixelColor(0, 0).alpha() == 0  # the corners are round: nothing painted
    assert image.pixelColor(79, 19).alpha() == 0
    top = image.pixelColor(40, 0)
    assert top.red() > top.blue() and top.alpha() > 0  # the border along the top


def test_a_pill_without_a_border_is_only_its_fill() -> None:
    image = QImage(40, 10, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    draw_pill(painter, QRectF(0, 0, 40, 10), FILL)
    painter.end()
    assert image.pixelColor(20, 0) == FILL and image.pixelColor(0, 0).alpha() == 0

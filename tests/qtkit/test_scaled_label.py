"""ScaledLabel: a step of the type scale above the app font, kept there when Text size changes."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from desktop.core.design import TYPE_SCALE
from desktop.qtkit.scaled_label import ScaledLabel, scaled_font


def test_it_follows_the_application_font(qtbot) -> None:  # type: ignore[no-untyped-def]
    label = ScaledLabel("Title", "title", bold=True)
    qtbot.addWidget(label)
    before = QFont(QApplication.font())
    assert abs(label.font().pointSizeF() - before.pointSizeF() * TYPE_SCALE["title"]) < 0.01
    assert label.font().weight() == QFont.Weight.DemiBold
    bigger = QFont(before)
    bigger.setPointSizeF(18)
    try:
        QApplication.setFont(bigger)
        qtbot.waitUntil(lambda: abs(label.font().pointSizeF() - 18 * TYPE_SCALE["title"]) < 0.01)
    finally:
        QApplication.setFont(before)


def test_a_pixel_sized_font_is_scaled_too() -> None:
    font = QFont()
    font.setPixelSize(20)
    assert scaled_font("display", font).pixelSize() == round(20 * TYPE_SCALE["display"])

"""qtkit.theme: the one rule for whether a palette is dark."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from desktop.qtkit.theme import dark_palette, light_palette, palette_is_dark


def test_the_app_palettes(qapp: QApplication) -> None:
    assert palette_is_dark(dark_palette())
    assert not palette_is_dark(light_palette())


def test_decided_by_the_base_colour(qapp: QApplication) -> None:
    palette = QPalette(light_palette())
    palette.setColor(QPalette.ColorRole.Window, QColor("#000000"))
    assert not palette_is_dark(palette)  # a dark frame around light text fields is light
    palette.setColor(QPalette.ColorRole.Base, QColor("#7f7f7f"))
    assert palette_is_dark(palette)
    palette.setColor(QPalette.ColorRole.Base, QColor("#808080"))
    assert not palette_is_dark(palette)

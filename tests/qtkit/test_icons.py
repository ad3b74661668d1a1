"""The icon set: every meaning resolves to a glyph, icons follow the palette, buttons re-tint."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette

from desktop.core.design import DARK, LIGHT
from desktop.qtkit.icons import ICONS, IconButton, themed_icon
from desktop.qtkit.theme import designed_palette


def _dominant_colour(icon, size: int = 32) -> QColor:
    image = icon.pixmap(size, size).toImage()
    best: dict[str, int] = {}
    for x in range(image.width()):
        for y in range(image.height()):
            colour = image.pixelColor(x, y)
            if colour.alpha() > 200:
                best[colour.name()] = best.get(colour.name(), 0) + 1
    return QColor(max(best, key=best.get))


def test_every_meaning_draws_a_glyph(qapp):
    for meaning in ICONS:
        assert not themed_icon(meaning).pixmap(16, 16).toImage().isNull(), meaning
        assert _dominant_colour(themed_icon(meaning)).isValid(), meaning


def test_an_unknown_meaning_names_the_place_to_add_it(qapp):
    with pytest.raises(KeyError, match=r"icons\.py"):
        themed_icon("no-such-meaning")


def test_icons_are_drawn_in_the_theme_text_colour(qapp):
    light = _dominant_colour(themed_icon("copy", palette=designed_palette(LIGHT)))
    dark = _dominant_colour(themed_icon("copy", palette=designed_palette(DARK)))
    assert light.name() == LIGHT.text
    assert dark.name() == DARK.text


def test_a_button_re_tints_when_the_palette_changes_and_swaps_meaning(qtbot):
    button = IconButton("send", "Send")
    qtbot.addWidget(button)
    button.setPalette(designed_palette(LIGHT))
    assert _dominant_colour(button.icon()).name() == LIGHT.text
    button.setPalette(designed_palette(DARK))
    assert _dominant_colour(button.icon()).name() == DARK.text
    button.set_meaning("stop", "Stop")
    assert button.meaning == "stop"
    assert button.accessibleName() == "Stop"
    assert "Stop" in button.toolTip()
    assert button.palette().color(QPalette.ColorRole.ButtonText).name() == DARK.text

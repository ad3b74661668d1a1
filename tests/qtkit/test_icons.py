"""The icon set: every meaning resolves to a glyph, icons follow the palette, buttons re-tint."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage, QPalette

from desktop.core.design import DARK, LIGHT
from desktop.qtkit.icons import (
    ICONS,
    KEPT_FONT_MARK,
    IconButton,
    icon_file,
    keep_icon_files_in,
    redraw_kept_files_of_another_font,
    themed_icon,
)
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


def test_stylesheet_icon_files_are_kept_and_found_again(qapp, tmp_path: Path) -> None:
    """A later start finds the stylesheet's icons drawn: nothing is drawn again."""
    keep_icon_files_in(tmp_path / "icons")
    try:
        path = Path(icon_file("menu_down", "#112233", 10))
        assert path.parent == tmp_path / "icons" and path.is_file()
        assert QImage(str(path)).width() == 20  # twice the size, for high-DPI screens
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        path.write_bytes(b"kept")
        keep_icon_files_in(tmp_path / "icons")  # as a new start does
        assert icon_file("menu_down", "#112233", 10) == path.as_posix()
        assert path.read_bytes() == b"kept"
        assert not [p for p in path.parent.iterdir() if p.name.endswith(".part")]  # none left
    finally:
        keep_icon_files_in(None)
    assert Path(icon_file("menu_down", "#112233", 10)).parent != tmp_path / "icons"


def test_kept_icon_files_of_another_icon_font_are_drawn_again(qapp, tmp_path: Path) -> None:
    """After a qtawesome upgrade the kept PNGs may show the old glyphs: the ones in use are
    drawn again in place, the others go, and the font they now come from is noted."""
    folder = tmp_path / "icons"
    keep_icon_files_in(folder)
    try:
        path = Path(icon_file("menu_down", "#112233", 10))
        path.write_bytes(b"an old glyph")
        unused = folder / "ph-caret-up-112233-10.png"
        unused.write_bytes(b"an old glyph")
        redraw_kept_files_of_another_font("phosphor-9.9.9.ttf")
        assert QImage(str(path)).width() == 20  # a real PNG again
        assert not unused.exists()
        assert (folder / KEPT_FONT_MARK).read_text(encoding="utf-8") == "phosphor-9.9.9.ttf"
        assert stat.S_IMODE((folder / KEPT_FONT_MARK).stat().st_mode) == 0o600
        path.write_bytes(b"drawn with this font")
        redraw_kept_files_of_another_font("phosphor-9.9.9.ttf")  # the same font: kept as is
        assert path.read_bytes() == b"drawn with this font"
    finally:
        keep_icon_files_in(None)

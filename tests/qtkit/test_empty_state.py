"""The empty state: icon badge, title, muted plain-text line and buttons that call their slots;
the badge follows the palette."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPalette

from desktop.qtkit.empty_state import EmptyState, IconBadge
from desktop.qtkit.stylesheet import PRIMARY


def test_it_shows_its_title_and_line_as_plain_text_and_its_buttons_act(qtbot) -> None:  # type: ignore[no-untyped-def]
    state = EmptyState("download", "<b>Nothing</b>", "Find <i>models</i> in Browse.")
    qtbot.addWidget(state)
    clicks: list[str] = []
    primary = state.add_button("Browse models", lambda: clicks.append("browse"), primary=True)
    other = state.add_button("Add file…", lambda: clicks.append("add"))
    state.resize(600, 400)
    state.show()
    qtbot.waitExposed(state)
    assert state.title.textFormat() == Qt.TextFormat.PlainText
    assert state.text.textFormat() == Qt.TextFormat.PlainText
    assert state.text.foregroundRole() == QPalette.ColorRole.PlaceholderText
    assert state.accessibleName() == "<b>Nothing</b>"
    assert primary.property(PRIMARY) is True and not other.property(PRIMARY)
    qtbot.mouseClick(primary, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(other, Qt.MouseButton.LeftButton)
    assert clicks == ["browse", "add"]
    # Centred: the badge and the buttons sit in the middle of the width.
    middle = state.width() // 2
    assert abs(state.badge.geometry().center().x() - middle) <= 1
    assert primary.geometry().left() < middle < other.geometry().right()


def test_without_a_line_only_the_title_shows(qtbot) -> None:  # type: ignore[no-untyped-def]
    state = EmptyState("models", "No models yet")
    qtbot.addWidget(state)
    state.show()
    assert state.title.isVisible() and not state.text.isVisible()


def _badge_colours(badge: IconBadge) -> set[int]:
    image = QImage(badge.size(), QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    badge.render(image)
    return {
        image.pixel(x, y) & 0xFFFFFF
        for x in range(image.width())
        for y in range(image.height())
        if QColor.fromRgba(image.pixel(x, y)).alpha() == 255
    }


def test_the_badge_draws_its_icon_in_the_palettes_accent_and_follows_it(qtbot) -> None:  # type: ignore[no-untyped-def]
    badge = IconBadge("download", 64)
    qtbot.addWidget(badge)
    palette = badge.palette()
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#0a64d1"))
    badge.setPalette(palette)
    assert 0x0A64D1 in _badge_colours(badge)  # the glyph's solid strokes
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#cc3333"))
    badge.setPalette(palette)
    colours = _badge_colours(badge)
    assert 0xCC3333 in colours and 0x0A64D1 not in colours

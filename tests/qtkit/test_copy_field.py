"""A value to copy: read-only, fixed-width, shown whole, and its Copy button puts it on the
clipboard."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QPushButton

from desktop.core.design import DARK, LIGHT, ColorTokens
from desktop.qtkit.copy_field import CopyField, whole_text_width
from desktop.qtkit.stylesheet import application_stylesheet


def test_the_button_copies_what_the_field_shows(qtbot) -> None:
    box = CopyField("serverUrl")
    qtbot.addWidget(box)
    box.set_text("http://127.0.0.1:9557/v1")
    assert box.field.objectName() == "serverUrl" and box.field.isReadOnly()
    fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    assert box.field.font().family() == fixed.family()
    QGuiApplication.clipboard().setText("before")
    box.copy_button.click()
    assert QGuiApplication.clipboard().text() == box.text() == "http://127.0.0.1:9557/v1"


def test_a_value_wider_than_the_field_shows_its_start(qtbot) -> None:
    """An API key set into a narrow field showed its last characters (QLineEdit leaves the
    cursor at the end), so the key looked cut at the front."""
    box = CopyField("serverApiKey")
    qtbot.addWidget(box)
    box.resize(120, 30)
    box.show()
    qtbot.waitExposed(box)
    box.field.setText("first-" + "x" * 60 + "-last")  # as the settings page sets a new key
    assert box.field.cursorPosition() == 0
    box.set_text("http://192.168.1.20:8765/v1/" + "y" * 40)
    assert box.field.cursorPosition() == 0
    left = box.field.cursorRect().left()
    assert left < box.field.width() // 2  # the view is at the start


def test_more_buttons_go_after_copy_without_margins(qtbot) -> None:
    box = CopyField("serverApiKey")
    qtbot.addWidget(box)
    extra = QPushButton("New key")
    box.row.addWidget(extra)
    assert box.row.contentsMargins().left() == 0
    order = [box.row.itemAt(i).widget() for i in range(box.row.count())]
    assert order == [box.field, box.copy_button, extra]
    assert box.row.stretch(0) == 1


@pytest.mark.parametrize("theme", [LIGHT, DARK])
def test_whole_text_width_shows_the_text_unscrolled_under_the_app_stylesheet(
    qtbot, theme: ColorTokens
) -> None:
    """At that width the last character is in view without scrolling: the field's padding and
    border from the stylesheet are counted, not guessed."""
    box = CopyField("serverUrl")
    qtbot.addWidget(box)
    box.setStyleSheet(application_stylesheet(theme))
    url = "http://127.0.0.1:34535/v1"
    box.set_text(url)
    width = whole_text_width(box.field, url)
    box.field.setFixedWidth(width)
    box.show()
    qtbot.waitExposed(box)
    box.field.setCursorPosition(0)
    start = box.field.cursorRect().x()
    box.field.setCursorPosition(len(url))
    end = box.field.cursorRect().x()
    assert end - start == box.field.fontMetrics().horizontalAdvance(url)  # not scrolled
    box.field.setFixedWidth(width - 4)
    qtbot.wait(10)
    box.field.setCursorPosition(0)
    box.field.setCursorPosition(len(url))
    assert box.field.cursorRect().x() - start < box.field.fontMetrics().horizontalAdvance(url)

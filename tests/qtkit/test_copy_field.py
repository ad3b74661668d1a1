"""A value to copy: read-only, fixed-width, and its Copy button puts it on the clipboard."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QPushButton

from desktop.qtkit.copy_field import CopyField


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


def test_more_buttons_go_after_copy_without_margins(qtbot) -> None:
    box = CopyField("serverApiKey")
    qtbot.addWidget(box)
    extra = QPushButton("New key")
    box.row.addWidget(extra)
    assert box.row.contentsMargins().left() == 0
    order = [box.row.itemAt(i).widget() for i in range(box.row.count())]
    assert order == [box.field, box.copy_button, extra]
    assert box.row.stretch(0) == 1

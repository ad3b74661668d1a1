"""desktop/qtkit/notice_bar.py: plain text with buttons, hidden until shown."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette

from desktop.qtkit.notice_bar import NoticeBar


def test_a_notice_is_plain_text_with_buttons_at_its_right(qtbot) -> None:
    bar = NoticeBar(wrap=False)
    qtbot.addWidget(bar)
    clicked: list[str] = []
    first = bar.add_button("Load", lambda: clicked.append("load"))
    bar.add_button("Dismiss", bar.hide)
    bar.label.setText("<b>model</b>.gguf")
    assert bar.isHidden() and bar.backgroundRole() == QPalette.ColorRole.AlternateBase
    assert bar.label.textFormat() == Qt.TextFormat.PlainText and not bar.label.wordWrap()
    bar.show()
    first.click()
    assert clicked == ["load"] and not bar.isHidden()
    layout = bar.layout()
    assert layout.itemAt(0).widget() is bar.label
    layout.itemAt(2).widget().click()
    assert bar.isHidden()

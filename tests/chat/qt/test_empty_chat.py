"""EmptyChat: what an empty chat shows (issue 17, defect 2: an empty white pane)."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from desktop.chat.qt.empty_chat import EmptyChat


def test_without_a_model_the_prompts_wait(qtbot) -> None:
    page = EmptyChat()
    qtbot.addWidget(page)
    assert not page.prompt_buttons[0].isEnabled()
    assert page.model_label.text() == "No model is loaded."


def test_the_title_follows_the_text_size(qtbot) -> None:
    page = EmptyChat()
    qtbot.addWidget(page)
    before = page.title.font().pointSizeF()
    app_font = QFont(QApplication.font())
    bigger = QFont(app_font)
    bigger.setPointSizeF(app_font.pointSizeF() * 2)
    try:
        QApplication.setFont(bigger)
        qtbot.waitUntil(lambda: page.title.font().pointSizeF() > before)
    finally:
        QApplication.setFont(app_font)
    qtbot.waitUntil(lambda: page.title.font().pointSizeF() == before)

"""EmptyChat: what an empty chat shows (issue 17, defect 2: an empty white pane)."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from desktop.chat.qt.empty_chat import EmptyChat
from tests.fixtures.model_info import model_info


def test_without_a_model_the_prompts_wait(qtbot) -> None:
    page = EmptyChat()
    qtbot.addWidget(page)
    assert not page.prompt_buttons[0].isEnabled()
    assert page.model_label.text() == "No model is loaded."


def test_a_servers_model_is_not_said_to_run_on_this_computer(qtbot) -> None:
    page = EmptyChat()
    qtbot.addWidget(page)
    page.set_model(model_info(size_bytes=1))
    assert "on this computer, offline" in page.about.text()
    page.set_model(model_info(size_bytes=0, host="gpu-box:8000"))
    assert page.about.text() == "The model runs on gpu-box:8000, not on this computer."
    page.set_model(None)
    assert "on this computer, offline" in page.about.text()


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


def _model(**changes: object):  # type: ignore[no-untyped-def]
    return model_info(**{"size_bytes": 1, **changes})


def test_an_example_prompt_card_sends_its_prompt_by_click_or_key(qtbot) -> None:
    from PySide6.QtCore import Qt

    page = EmptyChat()
    qtbot.addWidget(page)
    page.set_model(_model())
    chosen: list[str] = []
    page.prompt_chosen.connect(chosen.append)
    assert len(page.prompt_buttons) == 3
    card = page.prompt_buttons[1]
    page.resize(900, 600)
    page.show()
    qtbot.waitExposed(page)
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    card.setFocus()
    qtbot.keyClick(card, Qt.Key.Key_Space)
    assert chosen == [card.text(), card.text()] == ["Write a short poem about the sea."] * 2
    assert card.accessibleName() == card.text()


def test_the_cards_sit_in_a_row_when_wide_and_stack_when_narrow(qtbot) -> None:
    page = EmptyChat()
    qtbot.addWidget(page)
    page.set_model(_model())
    page.resize(1000, 700)
    page.show()
    qtbot.waitExposed(page)
    first, second, _third = page.prompt_buttons
    qtbot.waitUntil(lambda: first.geometry().top() == second.geometry().top())
    page.resize(420, 700)
    qtbot.waitUntil(lambda: second.geometry().top() > first.geometry().bottom())


def test_the_starter_model_gets_a_demo_badge(qtbot) -> None:
    page = EmptyChat()
    qtbot.addWidget(page)
    page.set_model(_model(name="Gemma 3 270M (demo)", is_demo=True))
    assert page.model_label.text() == "Gemma 3 270M"
    assert not page.demo_badge.isHidden() and page.demo_badge.text() == "Demo"
    assert page.download_button.isDefault()  # the better model is the next step
    page.set_model(_model())
    assert page.model_label.text() == "Tiny"
    assert page.demo_badge.isHidden()


def test_the_recommended_model_is_named_once_known(qtbot) -> None:
    page = EmptyChat()
    qtbot.addWidget(page)
    assert page.recommendation.isHidden()
    page.set_recommendation("Recommended for this computer: Llama-3.2-3B-Instruct (1–3 GB)")
    assert not page.recommendation.isHidden()
    page.set_recommendation("")
    assert page.recommendation.isHidden()


def test_the_cards_follow_the_theme_and_show_every_line(qtbot, restore_app) -> None:  # type: ignore[no-untyped-def]
    """The cards stayed light in the dark theme (their look is the application stylesheet's
    now), and a long prompt's last line was cut off."""

    from desktop.core.design import DARK, LIGHT
    from desktop.qtkit.theme import Appearance

    page = EmptyChat()
    qtbot.addWidget(page)
    page.set_model(_model())
    card = page.prompt_buttons[0]
    page.resize(600, 700)
    page.show()
    qtbot.waitExposed(page)

    def surface() -> str:
        image = card.grab().toImage()  # inside the right margin, clear of the text
        return image.pixelColor(image.width() - 4, image.height() // 2).name()

    appearance = Appearance(restore_app)
    appearance.apply("light", 0)
    qtbot.waitUntil(lambda: surface() == LIGHT.surface_raised)
    appearance.apply("dark", 0)
    qtbot.waitUntil(lambda: surface() == DARK.surface_raised)
    qtbot.waitUntil(lambda: card.height() >= card.heightForWidth(card.width()))
    label = card.label
    assert label.height() >= label.heightForWidth(label.width())


def test_the_icons_come_when_the_app_asks_after_the_first_frame(qtbot) -> None:
    page = EmptyChat()
    qtbot.addWidget(page)
    assert page.download_button.icon().isNull()  # the icon font is not for start-up
    page.show_icons()
    assert not page.download_button.icon().isNull()
    assert not page.model_icon.pixmap().isNull()
    assert all(not card.icon.pixmap().isNull() for card in page.prompt_buttons)


def test_a_short_window_leaves_out_the_examples_instead_of_cutting_lines(qtbot) -> None:
    """In an 800x600 window with the model's notes above the chat, the page got ~325 px: the
    demo note lost its last line and the example cards were cut in half."""
    from PySide6.QtWidgets import QLabel

    page = EmptyChat()
    qtbot.addWidget(page)
    page.set_model(_model(name="Gemma 3 270M (demo)", is_demo=True))
    page.set_recommendation("Recommended for this computer: Some-Model-7B (4–5 GB)")
    page.resize(540, 900)
    page.show()
    qtbot.waitExposed(page)
    qtbot.waitUntil(lambda: page.prompts.isVisible() and page.about.isVisible())
    page.resize(540, 260)
    qtbot.waitUntil(lambda: page.prompts.isHidden())
    assert page.demo_badge.isVisible() and page.download_button.isVisible()

    def squeezed() -> list[str]:
        return [
            label.text()[:20]
            for label in page.findChildren(QLabel)
            if label.isVisible() and label.height() < label.heightForWidth(label.width())
        ]

    qtbot.waitUntil(lambda: not squeezed())
    page.resize(540, 900)
    qtbot.waitUntil(lambda: page.prompts.isVisible())


def test_a_servers_model_id_stays_on_one_line(qtbot) -> None:
    """Seen live: "gemma-3-270m-q4_k_m.gguf" broke at a hyphen in a 900-pixel page."""
    page = EmptyChat()
    qtbot.addWidget(page)
    page.resize(900, 600)
    page.set_model(model_info(name="gemma-3-270m-q4_k_m.gguf", size_bytes=0, host="h:1"))
    page.show()
    qtbot.waitExposed(page)
    label = page.model_label
    assert label.height() < 2 * label.fontMetrics().lineSpacing()
    assert label.width() >= label.fontMetrics().horizontalAdvance(label.text())

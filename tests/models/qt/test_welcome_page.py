"""WelcomePage: the window's page while no model is loaded (issue 17)."""

from __future__ import annotations

from PySide6.QtGui import QFont

from desktop.core.design import TYPE_SCALE
from desktop.models.qt.welcome_page import WelcomePage
from desktop.qtkit.theme import Appearance


def test_the_title_scales_with_the_text_size_setting(qtbot, restore_app) -> None:  # type: ignore[no-untyped-def]
    """The title was 1.8x the font it was made with, whatever Settings › Text size said.
    (restore_app: Appearance leaves its stylesheet on the application, which later tests' sizes
    depend on.)"""
    app = restore_app
    before = QFont(app.font())
    page = WelcomePage()
    qtbot.addWidget(page)
    page.show()
    appearance = Appearance(app)
    try:
        for size in (20, 9):
            appearance.apply("light", size)
            expected = size * TYPE_SCALE["display"]
            qtbot.waitUntil(lambda e=expected: abs(page.title.font().pointSizeF() - e) < 0.01)
    finally:
        app.setFont(before)
    qtbot.waitUntil(
        lambda: (
            abs(page.title.font().pointSizeF() - before.pointSizeF() * TYPE_SCALE["display"]) < 0.01
        )
    )


def test_it_names_the_recommended_model_once_known(qtbot) -> None:  # type: ignore[no-untyped-def]
    page = WelcomePage()
    qtbot.addWidget(page)
    assert page.recommendation.isHidden()
    page.set_recommendation("Recommended for this computer: X (1–3 GB)")
    assert not page.recommendation.isHidden()
    assert page.recommendation.text().endswith("(1–3 GB)")


def test_the_icons_come_when_the_app_asks_after_the_first_frame(qtbot) -> None:  # type: ignore[no-untyped-def]
    page = WelcomePage()
    qtbot.addWidget(page)
    buttons = (page.starter_button, page.open_button, page.download_button)
    assert all(button.icon().isNull() for button in buttons)
    page.show_icons()
    assert not any(button.icon().isNull() for button in buttons)


def test_a_short_window_leaves_out_the_hint_first(qtbot) -> None:  # type: ignore[no-untyped-def]
    page = WelcomePage()
    qtbot.addWidget(page)
    page.resize(540, 1000)
    page.show()
    qtbot.waitExposed(page)
    qtbot.waitUntil(lambda: page.page.left_out == 0 and page.hint.isVisible())
    page.resize(540, page.page.content_height(page.page.viewport().width()) - 5)
    qtbot.waitUntil(lambda: page.page.left_out == 1)
    assert page.hint.isHidden() and page.prompts.isVisible()
    assert page.starter_button.isVisible() and page.download_button.isVisible()

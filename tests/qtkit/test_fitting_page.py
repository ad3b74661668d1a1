"""FittingPage: a page that leaves out its least important parts rather than squeeze them."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop.qtkit.fitting_page import FittingPage

LONG = " ".join(["A wrapped note that needs several lines at a narrow width."] * 4)


def _note(text: str = LONG) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


def _page(qtbot) -> tuple[FittingPage, QLabel, QLabel, QLabel]:  # type: ignore[no-untyped-def]
    content = QWidget()
    layout = QVBoxLayout(content)
    kept, second, first = _note("Always shown. " + LONG), _note(), _note()
    for label in (kept, second, first):
        layout.addWidget(label)
    layout.addStretch(1)
    page = FittingPage(content, optional=(first, second))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    return page, kept, second, first


def _squeezed(page: FittingPage) -> list[str]:
    """The shown wrapped labels that got less height than their lines need."""
    return [
        label.text()[:20]
        for label in page.widget().findChildren(QLabel)
        if label.isVisible() and label.height() < label.heightForWidth(label.width())
    ]


def test_the_parts_go_least_important_first_and_come_back(qtbot) -> None:  # type: ignore[no-untyped-def]
    page, kept, second, first = _page(qtbot)
    page.resize(300, 2000)
    qtbot.waitUntil(lambda: page.left_out == 0 and first.isVisible() and second.isVisible())
    tall = page.content_height(page.viewport().width())
    page.resize(300, tall - 10)
    qtbot.waitUntil(lambda: page.left_out == 1)
    assert first.isHidden() and second.isVisible() and kept.isVisible()
    page.resize(300, kept.heightForWidth(kept.width()) + 30)
    qtbot.waitUntil(lambda: page.left_out == 2)
    assert first.isHidden() and second.isHidden() and kept.isVisible()
    page.resize(300, 2000)
    qtbot.waitUntil(lambda: page.left_out == 0)
    assert first.isVisible() and second.isVisible()


def test_what_still_does_not_fit_scrolls_and_nothing_is_squeezed(qtbot) -> None:  # type: ignore[no-untyped-def]
    page, kept, _second, _first = _page(qtbot)
    page.resize(200, 60)
    qtbot.waitUntil(lambda: page.left_out == 2 and page.verticalScrollBar().maximum() > 0)
    assert kept.isVisible()
    qtbot.waitUntil(lambda: not _squeezed(page))


def test_a_change_of_content_fits_again_when_told(qtbot) -> None:  # type: ignore[no-untyped-def]
    page, kept, _second, _first = _page(qtbot)
    page.resize(300, 2000)
    qtbot.waitUntil(lambda: page.left_out == 0)
    page.resize(300, page.content_height(page.viewport().width()) + 5)
    qtbot.waitUntil(lambda: page.left_out == 0)
    kept.setText(kept.text() + " " + LONG)
    page.fit()
    assert page.left_out >= 1


def test_tab_goes_from_button_to_button_not_through_the_page(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The welcome page's scroll area was a Tab stop of its own, with nothing to show for it."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QPushButton

    content = QWidget()
    layout = QVBoxLayout(content)
    first, second = QPushButton("Open"), QPushButton("Download")
    layout.addWidget(first)
    layout.addWidget(second)
    page = FittingPage(content)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    first.setFocus()
    qtbot.waitUntil(first.hasFocus)
    qtbot.keyClick(first, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is second
    qtbot.keyClick(second, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is first  # round again, never the page itself

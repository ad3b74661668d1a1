"""SectionPages: a list of sections beside their pages, with QTabWidget's interface."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from desktop.qtkit.section_pages import SectionPages


def test_the_list_chooses_the_page_and_says_so(qtbot) -> None:
    pages = SectionPages()
    qtbot.addWidget(pages)
    first, second = QLabel("one"), QLabel("two")
    assert pages.addTab(first, "Appearance") == 0
    assert pages.addTab(second, "Folders and downloads") == 1
    assert pages.count() == 2 and pages.currentWidget() is first
    assert [pages.tabText(i) for i in range(2)] == ["Appearance", "Folders and downloads"]
    with qtbot.waitSignal(pages.currentChanged) as changed:
        pages.nav.setCurrentRow(1)
    assert changed.args == [1]
    assert pages.currentIndex() == 1 and pages.currentWidget() is second
    pages.setCurrentWidget(first)
    assert pages.nav.currentRow() == 0 and pages.currentWidget() is first
    assert pages.indexOf(second) == 1 and pages.tabText(5) == ""


def test_the_arrow_keys_walk_the_sections(qtbot) -> None:
    pages = SectionPages()
    qtbot.addWidget(pages)
    for name in ("One", "Two", "Three"):
        pages.addTab(QLabel(name), name)
    pages.show()
    pages.nav.setFocus()
    qtbot.keyClick(pages.nav, Qt.Key.Key_Down)
    qtbot.keyClick(pages.nav, Qt.Key.Key_Down)
    assert pages.currentIndex() == 2


def test_the_list_is_as_wide_as_its_longest_name(qtbot) -> None:
    pages = SectionPages()
    qtbot.addWidget(pages)
    pages.addTab(QLabel(), "Short")
    narrow = pages.nav.width()
    pages.addTab(QLabel(), "A much longer section name than the first")
    metrics = pages.nav.fontMetrics()
    assert pages.nav.width() > narrow
    assert pages.nav.width() >= metrics.horizontalAdvance(
        "A much longer section name than the first"
    )


def test_a_bigger_text_size_makes_the_rows_and_the_list_bigger(qtbot) -> None:
    pages = SectionPages()
    qtbot.addWidget(pages)
    pages.addTab(QLabel(), "Folders and downloads")
    height, width = pages.nav.item(0).sizeHint().height(), pages.nav.width()
    bigger = pages.font()
    bigger.setPointSizeF(bigger.pointSizeF() * 2)
    pages.setFont(bigger)  # Settings › Text size, applied while the dialog is open
    assert pages.nav.item(0).sizeHint().height() > height
    assert pages.nav.width() > width

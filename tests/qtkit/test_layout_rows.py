"""The shared rows of pages and dialogs: an item centred between equal stretches, and widgets
side by side in a form's field column."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.qtkit.layout_rows import centred_row, side_by_side


def stretches(layout: QHBoxLayout) -> list[int]:
    return [layout.stretch(i) for i in range(layout.count())]


def test_a_centred_row_keeps_the_item_between_equal_stretches(qtbot) -> None:
    button = QPushButton("Download")
    row = centred_row(button)
    assert row.count() == 3 and row.itemAt(1).widget() is button
    assert row.itemAt(0).spacerItem() and row.itemAt(2).spacerItem()
    assert stretches(row) == [1, 0, 1]
    column = QVBoxLayout()
    wide = centred_row(column, 10)
    assert wide.itemAt(1).layout() is column and stretches(wide) == [1, 10, 1]


def test_a_centred_row_is_centred_on_screen(qtbot) -> None:
    page = QWidget()
    qtbot.addWidget(page)
    button = QPushButton("Download")
    page.setLayout(centred_row(button))
    page.resize(600, 100)
    page.show()
    qtbot.waitExposed(page)
    left = button.geometry().left()
    right = page.width() - button.geometry().right() - 1
    assert abs(left - right) <= 1


def test_side_by_side_stretches_the_chosen_widget_or_none(qtbot) -> None:
    field, button = QLabel("field"), QPushButton("Copy")
    row = side_by_side(field, button, stretch_at=0)
    qtbot.addWidget(row)
    layout = row.layout()
    assert isinstance(layout, QHBoxLayout) and layout.contentsMargins().left() == 0
    assert [layout.itemAt(i).widget() for i in range(2)] == [field, button]
    assert stretches(layout) == [1, 0]
    left_aligned = side_by_side(QLabel("a"), QLabel("b"))
    qtbot.addWidget(left_aligned)
    tail = left_aligned.layout()
    assert tail.count() == 3 and tail.itemAt(2).spacerItem() and stretches(tail) == [0, 0, 1]

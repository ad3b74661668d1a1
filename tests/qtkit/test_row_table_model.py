"""How the model manager's tables are shown (``setup_row_view``): whole rows, one at a time,
read-only, columns sized to their contents; and how their one selected row is read and set."""

from __future__ import annotations

from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from desktop.qtkit.row_table_model import select_row, selected_row, setup_row_view


def test_a_row_view_selects_one_whole_row_and_edits_nothing(qtbot) -> None:  # type: ignore[no-untyped-def]
    view = QTableView()
    qtbot.addWidget(view)
    model = QStandardItemModel(2, 3, view)
    view.setModel(model)
    setup_row_view(view)
    assert view.selectionBehavior() == QAbstractItemView.SelectionBehavior.SelectRows
    assert view.selectionMode() == QAbstractItemView.SelectionMode.SingleSelection
    assert view.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    assert view.verticalHeader().isHidden()
    assert not view.showGrid() and view.alternatingRowColors()
    header = view.horizontalHeader()
    assert not header.highlightSections()
    assert header.sectionResizeMode(0) == QHeaderView.ResizeMode.ResizeToContents


def test_the_selected_row_is_read_and_set_and_minus_one_means_none(qtbot) -> None:  # type: ignore[no-untyped-def]
    view = QTableView()
    qtbot.addWidget(view)
    assert selected_row(view) == -1  # no model yet: no selection model either
    view.setModel(QStandardItemModel(3, 2, view))
    setup_row_view(view)
    assert selected_row(view) == -1
    assert select_row(view, 2) and selected_row(view) == 2
    assert not select_row(view, -1) and selected_row(view) == 2  # nothing found: kept

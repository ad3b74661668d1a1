"""How the model manager's tables are shown (``setup_row_view``): whole rows, one at a time,
read-only, columns sized to their contents."""

from __future__ import annotations

from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from desktop.qtkit.row_table_model import setup_row_view


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

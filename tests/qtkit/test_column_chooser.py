"""The header's column menu: one checkable entry per column but the fixed ones; toggling one
shows or hides its column and hands the hidden keys to keep."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QTableView

from desktop.qtkit.column_chooser import ColumnChooser

KEYS = ("name", "file", "size", "license")


def _view(qtbot) -> QTableView:  # type: ignore[no-untyped-def]
    model = QStandardItemModel(1, len(KEYS))
    model.setHorizontalHeaderLabels(["Name", "File", "Size", "License"])
    view = QTableView()
    view.setModel(model)
    model.setParent(view)
    qtbot.addWidget(view)
    return view


def test_the_hidden_keys_are_hidden_at_first_but_never_a_fixed_column(qtbot) -> None:  # type: ignore[no-untyped-def]
    view = _view(qtbot)
    chooser = ColumnChooser(view, KEYS, ["license", "name", "nonsense"], print, fixed=(0,))
    assert [view.isColumnHidden(c) for c in range(len(KEYS))] == [False, False, False, True]
    assert chooser.hidden() == ["license"]
    assert view.horizontalHeader().contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu


def test_the_menu_shows_and_hides_columns_and_reports_the_hidden_ones(qtbot) -> None:  # type: ignore[no-untyped-def]
    view = _view(qtbot)
    kept: list[list[str]] = []
    chooser = ColumnChooser(view, KEYS, ["license"], kept.append, fixed=(0,))
    menu = chooser.menu()
    actions = {action.text(): action for action in menu.actions()}
    assert list(actions) == ["File", "Size", "License"]  # the fixed Name is left out
    assert all(action.isCheckable() for action in actions.values())
    assert [action.isChecked() for action in actions.values()] == [True, True, False]
    actions["License"].trigger()
    actions["File"].trigger()
    assert not view.isColumnHidden(3) and view.isColumnHidden(1)
    assert kept == [[], ["file"]]
    chooser.set_shown(0, False)  # a fixed column stays
    assert not view.isColumnHidden(0) and kept == [[], ["file"]]
    assert [action.isChecked() for action in chooser.menu().actions()] == [False, True, True]

"""How the model manager's tables are shown (``setup_row_view``): whole rows, one at a time,
read-only, columns sized to their contents; how their one selected row is read and set; and
RowTableModel's columns declared as data (titles, number columns) with ``cell`` per column."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTranslator
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
)

from desktop.qtkit.row_table_model import (
    RowTableModel,
    SpacedColumnsDelegate,
    select_row,
    selected_row,
    setup_row_view,
)


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


# -- RowTableModel: columns declared as data -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Book:
    title: str
    pages: int


class Shelf(RowTableModel):
    """A table written the way the app's are: COLUMN_TITLES, a number column, cell()."""

    class Roles(IntEnum):
        TitleRole = Qt.ItemDataRole.UserRole + 1

    COLUMN_TITLES = (
        QT_TRANSLATE_NOOP("Shelf", "Title"),
        QT_TRANSLATE_NOOP("Shelf", "Pages"),
        QT_TRANSLATE_NOOP("Shelf", "Note"),
    )
    NUMBER_COLUMNS = (1,)

    def cell(self, row: Book, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.title, str(row.pages), "")[column]
        return super().cell(row, column, role)

    def set_books(self, books: list[Book]) -> None:
        self.reset_rows(books)

    def retitle(self, number: int, title: str) -> None:
        self.replace_row(number, Book(title, self.rows[number].pages))


class Reverser(QTranslator):
    """Translates only the "Shelf" context, by reversing the text."""

    def translate(  # type: ignore[override]
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str:
        return source[::-1] if context == "Shelf" else ""


def test_columns_come_from_their_declared_titles(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = Shelf()
    qtmodeltester.check(model, force_py=True)
    model.set_books([Book("Emma", 474), Book("Ulysses", 730)])
    model.retitle(0, "Persuasion")
    assert Shelf.COLUMNS == model.columnCount() == 3
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == [
        "Title",
        "Pages",
        "Note",
        None,
    ]
    assert model.headerData(0, Qt.Orientation.Vertical) is None
    assert model.index(1, 0).data(Shelf.Roles.TitleRole) == "Ulysses"  # the same in every column
    assert model.index(1, 2).data(Shelf.Roles.TitleRole) == "Ulysses"
    assert model.index(1, 1).data() == "730"
    right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    assert model.index(1, 1).data(Qt.ItemDataRole.TextAlignmentRole) == right
    assert model.index(1, 0).data(Qt.ItemDataRole.TextAlignmentRole) is None


def test_a_changed_row_repaints_every_column(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = Shelf()
    model.set_books([Book("Emma", 474)])
    with qtbot.waitSignal(model.dataChanged) as changed:
        model.retitle(0, "Persuasion")
    first, last, _roles = changed.args
    assert (first.row(), first.column(), last.row(), last.column()) == (0, 0, 0, 2)


def test_titles_are_translated_under_the_model_class(qapp) -> None:  # type: ignore[no-untyped-def]
    translator = Reverser()
    qapp.installTranslator(translator)
    try:
        assert Shelf().column_titles() == ("eltiT", "segaP", "etoN")
    finally:
        qapp.removeTranslator(translator)


def test_every_translate_noop_names_the_class_it_stands_in() -> None:
    """QT_TRANSLATE_NOOP's context is what lupdate files the text under, and ``self.tr`` looks
    the text up under the class's name: a wrong context leaves the text untranslated."""
    desktop = Path(__file__).resolve().parents[2] / "desktop"
    wrong = []
    for path in desktop.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for cls in (node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)):
            for call in ast.walk(cls):
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Name)
                    and call.func.id == "QT_TRANSLATE_NOOP"
                ):
                    context = call.args[0]
                    if not (isinstance(context, ast.Constant) and context.value == cls.name):
                        wrong.append(f"{path.name}:{call.lineno} in {cls.name}")
    assert wrong == []


def test_spaced_columns_leave_a_gap_after_their_text(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = QStandardItemModel(1, 1)
    model.setData(model.index(0, 0), "Q4_K_M")
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    option = QStyleOptionViewItem()
    option.initFrom(view)
    index = model.index(0, 0)
    plain = QStyledItemDelegate().sizeHint(option, index)
    spaced = SpacedColumnsDelegate().sizeHint(option, index)
    assert spaced.width() == plain.width() + SpacedColumnsDelegate.GAP
    assert spaced.height() == plain.height()

"""The base of the model manager's tables: :class:`~desktop.qtkit.list_model.RowListModel`'s
contract (rows in a Python list, named roles, read-only flags: its :class:`RowsMixin`) with
columns.

Why not RowListModel itself: it is a ``QAbstractListModel``, whose ``columnCount`` is private in
C++, so PySide never calls a Python override and every view sees one column.
"""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
)

from desktop.core.design import SPACE_M
from desktop.qtkit.list_model import ModelIndex, RowsMixin

__all__ = ["RowTableModel", "SpacedColumnsDelegate", "select_row", "selected_row", "setup_row_view"]


class RowTableModel(RowsMixin, QAbstractTableModel):
    """A flat table over :attr:`~desktop.qtkit.list_model.RowsMixin.rows`; subclasses set
    ``COLUMNS``, ``Roles`` (with ``ROLE_VALUES`` and ``ROLE_NAMES`` where the rules differ),
    ``column_titles()`` and ``cell()`` (role values are per row, the same in every column;
    ``cell`` answers by column)."""

    COLUMNS: ClassVar[int] = 1
    """How many columns; set from ``COLUMN_TITLES`` where a subclass declares those."""

    COLUMN_TITLES: ClassVar[tuple[str, ...]] = ()
    """Each column's header in English, marked ``QT_TRANSLATE_NOOP("<the class's name>", ...)``
    so lupdate files it where ``self.tr`` looks (the class's context); translated when shown."""

    NUMBER_COLUMNS: ClassVar[tuple[int, ...]] = ()
    """Columns of numbers, aligned right (so digits line up)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.COLUMN_TITLES:
            cls.COLUMNS = len(cls.COLUMN_TITLES)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.COLUMNS

    def row_at(self, index: ModelIndex) -> Any | None:
        """The row behind ``index``, or None for an invalid or stale index or a column past
        ``COLUMNS``."""
        if not 0 <= index.column() < self.COLUMNS:
            return None
        return super().row_at(index)

    def last_column(self) -> int:
        return self.COLUMNS - 1

    def cell(self, row: Any, column: int, role: int) -> Any:
        """The alignment of :data:`NUMBER_COLUMNS`; subclasses answer the rest (their text per
        column) and end with this."""
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self.NUMBER_COLUMNS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def column_titles(self) -> tuple[str, ...]:
        """The header of each column, translated."""
        return tuple(self.tr(title) for title in self.COLUMN_TITLES)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        titles = self.column_titles()
        return titles[section] if 0 <= section < len(titles) else None


class SpacedColumnsDelegate(QStyledItemDelegate):
    """Cells as wide as their text and a gap: with short headers (Chinese ones are two or
    three characters) columns sized to their contents left "Q4_K_M" touching "253.1 MB"."""

    GAP = SPACE_M

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(hint.width() + self.GAP, hint.height())


def setup_row_view(view: QTableView) -> None:
    """Make ``view`` show a :class:`RowTableModel` as the model manager's tables do: whole rows,
    one at a time, read-only, no grid or row numbers, alternating row colours, columns as wide
    as their contents (callers then stretch the column they want)."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.setShowGrid(False)
    view.setAlternatingRowColors(True)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)


def selected_row(view: QTableView) -> int:
    """The row selected in a :func:`setup_row_view` view (one at most), or -1."""
    model = view.selectionModel()
    rows = model.selectedRows() if model is not None else []
    return rows[0].row() if rows else -1


def select_row(view: QTableView, number: int) -> bool:
    """Select row ``number``, when there is one (-1, a search that found nothing, selects
    nothing); says whether it did."""
    if number >= 0:
        view.selectRow(number)
    return number >= 0

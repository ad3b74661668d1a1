"""Which of a table's columns show: the header's right-click menu, one checkable entry per
column, as file managers and mail programs do it.

A table with many facts per row (the model library's ten columns) does not fit a dialog of the
default size without scrolling sideways; hiding the less-read columns by default, with this menu
to bring any back, keeps every fact within reach. Which columns are hidden is kept by the caller
(a setting), by stable keys rather than numbers or translated titles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial

from PySide6.QtCore import QObject, QPoint, Qt, Slot
from PySide6.QtWidgets import QMenu, QTableView

__all__ = ["ColumnChooser"]


class ColumnChooser(QObject):
    """Shows and hides ``view``'s columns from its horizontal header's context menu.

    ``keys`` names each column (in the model's order), ``hidden`` the ones hidden at first,
    ``fixed`` the columns that always show (the menu leaves them out), and ``keep`` is called
    with the hidden keys after each change.

    Signals:
        None of its own.
    """

    def __init__(
        self,
        view: QTableView,
        keys: tuple[str, ...],
        hidden: Iterable[str],
        keep: Callable[[list[str]], object],
        fixed: Iterable[int] = (),
    ) -> None:
        super().__init__(view)
        self.view = view
        self.keys = keys
        self.fixed = frozenset(fixed)
        self.keep = keep
        hidden_keys = set(hidden)
        for column, key in enumerate(keys):
            view.setColumnHidden(column, key in hidden_keys and column not in self.fixed)
        header = view.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self.on_header_menu_requested)

    def hidden(self) -> list[str]:
        """The hidden columns' keys, in column order."""
        return [key for column, key in enumerate(self.keys) if self.view.isColumnHidden(column)]

    def menu(self) -> QMenu:
        """One checkable entry per column but the fixed ones, titled as its header and
        checked while it shows; toggling one shows or hides its column."""
        menu = QMenu(self.view)
        model = self.view.model()
        for column in range(len(self.keys)):
            if column in self.fixed:
                continue
            title = model.headerData(column, Qt.Orientation.Horizontal)
            action = menu.addAction(str(title))
            action.setCheckable(True)
            action.setChecked(not self.view.isColumnHidden(column))
            action.toggled.connect(partial(self.set_shown, column))
        return menu

    def set_shown(self, column: int, shown: bool) -> None:
        """Shows or hides ``column`` (never a fixed one) and hands the hidden keys to keep."""
        if column in self.fixed or not 0 <= column < len(self.keys):
            return
        self.view.setColumnHidden(column, not shown)
        self.keep(self.hidden())

    @Slot(QPoint)
    def on_header_menu_requested(self, position: QPoint) -> None:
        menu = self.menu()
        menu.exec(self.view.horizontalHeader().mapToGlobal(position))
        menu.deleteLater()

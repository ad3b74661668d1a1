"""The base of the app's list models: rows kept in a Python list, roles named for QML/tests.

Each model only says how a row answers a role; bounds checks, row counts, role names, the
read-only flags, reading a role's value off a row and the edits that keep views in step (reset,
insert, remove, move, replace one row, find a row) live here once, in :class:`RowsMixin`, which both
:class:`RowListModel` and :class:`~desktop.qtkit.row_table_model.RowTableModel` put in front of
their Qt base. Like napari's ``_BaseEventedItemModel`` over an ``EventedList``, the model adapts
a list of row values and decides nothing about them.

A role's name (what QML and tests see) follows from its name in the model's ``Roles`` class:
``SiblingCountRole`` is ``siblingCount``. A model lists in ``ROLE_NAMES`` only the names that
differ from that rule (``IdRole`` says whose id it is: ``conversationId``).

A role's value follows from the same name: ``SiblingCountRole`` reads the row's
``sibling_count`` attribute. A model lists in ``ROLE_VALUES`` only the roles read another way
(an attribute path such as ``"hit.rank"``, or a function of the row) and Qt's own roles it
answers the same in every column (``DisplayRole: "title"``); what depends on the column it says
in :meth:`RowsMixin.cell`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import attrgetter
from typing import Any, ClassVar

from PySide6.QtCore import QAbstractListModel, QByteArray, QModelIndex, QPersistentModelIndex, Qt

ModelIndex = QModelIndex | QPersistentModelIndex

_UNCHANGED: Any = object()
"""The default of :meth:`RowsMixin.move_row`'s ``row``: the row moves as it is."""

RoleValue = str | Callable[[Any], Any]
"""How a role is read from a row: an attribute path (``"hit.rank"``) or a function of the row."""

__all__ = [
    "ModelIndex",
    "RoleValue",
    "RowListModel",
    "RowsMixin",
    "role_attribute",
    "role_getters",
    "role_name",
    "whole_row",
]


def role_name(attribute: str) -> str:
    """The name a role attribute is shown under: ``SiblingCountRole`` -> ``siblingCount``."""
    stem = attribute.removesuffix("Role")
    return stem[:1].lower() + stem[1:]


def role_attribute(attribute: str) -> str:
    """The row attribute a role attribute reads: ``SiblingCountRole`` -> ``sibling_count``."""
    stem = attribute.removesuffix("Role")
    return re.sub(r"(?<!^)(?=[A-Z])", "_", stem).lower()


def whole_row(row: Any) -> Any:
    """The getter of a role whose value is the row itself: ``{FileRole: whole_row}``."""
    return row


def _role_attributes(roles: Any) -> Iterable[str]:
    """The role attributes of a ``Roles`` class (an IntEnum or a plain class of ints)."""
    if roles is None:
        return ()
    return (a for a in dir(roles) if a.endswith("Role") and not a.startswith("_"))


def role_getters(
    roles: Any, values: Mapping[int, RoleValue] | None = None
) -> dict[int, Callable[[Any], Any]]:
    """Role -> function of a row, for every role in ``roles`` (read from the attribute its name
    says, :func:`role_attribute`) and in ``values`` (which win: a path or a function)."""
    getters: dict[int, Callable[[Any], Any]] = {
        int(getattr(roles, attribute)): attrgetter(role_attribute(attribute))
        for attribute in _role_attributes(roles)
    }
    for role, how in (values or {}).items():
        getters[int(role)] = attrgetter(how) if isinstance(how, str) else how
    return getters


class RowsMixin:
    """Rows in a Python list (read as :attr:`rows`), named roles, values read off the rows,
    read-only flags and the edits that tell views, for any item model.

    Why a mixin and not one base: a list needs ``QAbstractListModel`` (whose ``columnCount`` PySide
    never calls from Python) and a table ``QAbstractTableModel``; both share everything here.
    It must come before the Qt class in the bases, so Qt finds these overrides.

    The edits (:meth:`reset_rows`, :meth:`insert_rows`, :meth:`remove_rows`, :meth:`move_row`,
    :meth:`replace_row`, :meth:`row_data_changed`) and the reads (:attr:`rows`, :meth:`row_at`,
    :meth:`row_or_none`, :meth:`row_or_raise`, :meth:`find_row`) are public so that subclasses in
    other modules use them; they are meant for the subclass's own methods, which say what a
    change means (``add``, ``set_collections``), not for the model's users. The list changes
    only through the edits, so that views always hear of it. Each structural edit calls the
    hook :meth:`on_rows_changed` before views hear of the change; :meth:`last_column` is the
    other hook a subclass may override.
    """

    ROLE_NAMES: ClassVar[dict[int, QByteArray]] = {}
    """Role names that differ from :func:`role_name` of the ``Roles`` attribute."""

    ROLE_VALUES: ClassVar[Mapping[int, RoleValue]] = {}
    """Roles not read from the attribute :func:`role_attribute` names, and Qt's own roles that
    every column answers the same (see :func:`role_getters`)."""

    _role_getters: ClassVar[dict[int, Callable[[Any], Any]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Built once per class: data() is called for every painted cell.
        super().__init_subclass__(**kwargs)
        cls._role_getters = role_getters(getattr(cls, "Roles", None), cls.ROLE_VALUES)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)  # type: ignore[call-arg]  # the Qt model after this mixin
        self._rows: list[Any] = []

    # -- the Qt model ------------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The role's getter applied to the row; other roles ask :meth:`cell`."""
        row = self.row_at(index)
        if row is None:
            return None
        getter = self._role_getters.get(role)
        if getter is not None:
            return getter(row)
        return self.cell(row, index.column(), role)

    def cell(self, row: Any, column: int, role: int) -> Any:
        """What ``row`` shows in ``column`` for a ``role`` the getters do not answer (a table's
        text per column, alignment, colours); None unless a subclass says."""
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def roleNames(self) -> dict[int, QByteArray]:
        names = dict(super().roleNames())  # type: ignore[misc]  # the Qt model's own roles
        roles = getattr(type(self), "Roles", None)
        for attribute in _role_attributes(roles):
            names[int(getattr(roles, attribute))] = QByteArray(role_name(attribute).encode())
        names.update(self.ROLE_NAMES)
        return names

    # -- reading rows ------------------------------------------------------------------------

    @property
    def rows(self) -> Sequence[Any]:
        """The rows, in order: the list itself, not a copy, so change it only through the
        edits below (which tell views)."""
        return self._rows

    def row_at(self, index: ModelIndex) -> Any | None:
        """The row behind `index`, or None for an invalid or stale index."""
        if not index.isValid() or index.parent().isValid():
            return None
        return self.row_or_none(index.row())

    def row_or_none(self, number: int) -> Any | None:
        """Row ``number``, or None outside the list."""
        return self._rows[number] if 0 <= number < len(self._rows) else None

    def row_or_raise(self, number: int, what: str) -> Any:
        """Row ``number``; ``IndexError("no <what> at row <number>")`` outside the list."""
        if not 0 <= number < len(self._rows):
            raise IndexError(f"no {what} at row {number}")
        return self._rows[number]

    def find_row(self, matches: Callable[[Any], bool], *, newest_first: bool = False) -> int:
        """The first row (the last with ``newest_first``) that ``matches``, or -1."""
        numbers = range(len(self._rows))
        for number in reversed(numbers) if newest_first else numbers:
            if matches(self._rows[number]):
                return number
        return -1

    # -- changing rows -----------------------------------------------------------------------

    def last_column(self) -> int:
        """The last column a row's ``dataChanged`` covers (a list has one)."""
        return 0

    def on_rows_changed(self) -> None:
        """Rows were added, removed or reordered; a subclass drops what it derived from their
        positions (an id -> row index). Called before views hear of the change."""

    def reset_rows(self, rows: Iterable[Any]) -> None:
        """Replace every row (one ``modelReset``); ``rows`` is read before views hear of it."""
        new_rows = list(rows)
        self.beginResetModel()  # type: ignore[attr-defined]  # the Qt model's
        self._rows = new_rows
        self.on_rows_changed()
        self.endResetModel()  # type: ignore[attr-defined]

    def insert_rows(self, position: int, rows: Sequence[Any]) -> None:
        """Insert ``rows`` before row ``position`` (``len`` appends); one ``rowsInserted``."""
        if not rows:
            return
        self.beginInsertRows(QModelIndex(), position, position + len(rows) - 1)  # type: ignore[attr-defined]
        self._rows[position:position] = rows
        self.on_rows_changed()
        self.endInsertRows()  # type: ignore[attr-defined]

    def remove_rows(self, first: int, last: int | None = None) -> None:
        """Remove rows ``first`` to ``last`` (default: just ``first``); one ``rowsRemoved``."""
        last = first if last is None else last
        self.beginRemoveRows(QModelIndex(), first, last)  # type: ignore[attr-defined]
        del self._rows[first : last + 1]
        self.on_rows_changed()
        self.endRemoveRows()  # type: ignore[attr-defined]

    def move_row(self, number: int, place: int, row: Any = _UNCHANGED) -> None:
        """Move row ``number`` to row ``place`` (its number after the move): one ``rowsMoved``,
        so selections and the scroll position follow it. Given ``row``, that value takes the
        old one's place as it moves, and one ``dataChanged`` over it follows."""
        new_row = self._rows[number] if row is _UNCHANGED else row
        if place != number:
            destination = place if place < number else place + 1  # Qt counts before the move
            self.beginMoveRows(QModelIndex(), number, number, QModelIndex(), destination)  # type: ignore[attr-defined]
            del self._rows[number]
            self._rows.insert(place, new_row)
            self.on_rows_changed()
            self.endMoveRows()  # type: ignore[attr-defined]
        else:
            self._rows[number] = new_row
        if row is not _UNCHANGED:
            self.row_data_changed(place)

    def replace_row(self, number: int, row: Any, *roles: int) -> None:
        """Put ``row`` in place of row ``number`` and say so (see :meth:`row_data_changed`)."""
        self._rows[number] = row
        self.row_data_changed(number, *roles)

    def row_data_changed(self, number: int, *roles: int) -> None:
        """One ``dataChanged`` over the whole of row ``number``, naming ``roles`` (none named:
        every role may have changed)."""
        first = self.index(number, 0)  # type: ignore[attr-defined]
        last = self.index(number, self.last_column())  # type: ignore[attr-defined]
        self.dataChanged.emit(first, last, [int(r) for r in roles])  # type: ignore[attr-defined]


class RowListModel(RowsMixin, QAbstractListModel):
    """A flat list model over :attr:`~RowsMixin.rows`; subclasses name their ``Roles`` (and,
    where a role is not read from the row attribute its name says, ``ROLE_VALUES``)."""

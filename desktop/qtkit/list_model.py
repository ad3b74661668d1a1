"""The base of the app's list models: rows kept in a Python list, roles named for QML/tests.

Each model only says how a row answers a role; bounds checks, row counts, role names and the
read-only flags live here once, in :class:`RowsMixin`, which both :class:`RowListModel` and
:class:`~desktop.qtkit.row_table_model.RowTableModel` put in front of their Qt base.

A role's name (what QML and tests see) follows from its name in the model's ``Roles`` class:
``SiblingCountRole`` is ``siblingCount``. A model lists in ``_ROLE_NAMES`` only the names that
differ from that rule (``IdRole`` says whose id it is: ``conversationId``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QAbstractListModel, QByteArray, QModelIndex, QPersistentModelIndex, Qt

ModelIndex = QModelIndex | QPersistentModelIndex

__all__ = ["ModelIndex", "RowListModel", "RowsMixin", "role_name"]


def role_name(attribute: str) -> str:
    """The name a role attribute is shown under: ``SiblingCountRole`` -> ``siblingCount``."""
    stem = attribute.removesuffix("Role")
    return stem[:1].lower() + stem[1:]


class RowsMixin:
    """Rows in ``self._rows``, named roles and read-only flags, for any item model.

    Why a mixin and not one base: a list needs ``QAbstractListModel`` (whose ``columnCount`` PySide
    never calls from Python) and a table ``QAbstractTableModel``; both share everything here.
    It must come before the Qt class in the bases, so Qt finds these overrides.
    """

    _ROLE_NAMES: ClassVar[dict[int, QByteArray]] = {}
    """Role names that differ from :func:`role_name` of the ``Roles`` attribute."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)  # type: ignore[call-arg]  # the Qt model after this mixin
        self._rows: list[Any] = []

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def _row_at(self, index: ModelIndex) -> Any | None:
        """The row behind `index`, or None for an invalid or stale index."""
        if not index.isValid() or index.parent().isValid():
            return None
        number = index.row()
        return self._rows[number] if 0 <= number < len(self._rows) else None

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
        roles = getattr(type(self), "Roles", None)  # an IntEnum or a plain class of ints
        for attribute in dir(roles) if roles is not None else ():
            if attribute.endswith("Role") and not attribute.startswith("_"):
                value = int(getattr(roles, attribute))
                names[value] = QByteArray(role_name(attribute).encode())
        names.update(self._ROLE_NAMES)
        return names


class RowListModel(RowsMixin, QAbstractListModel):
    """A flat list model over `self._rows`; subclasses fill `_ROLE_NAMES` and `data()`."""

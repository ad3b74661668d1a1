"""The Server panel's request list: one row per API request, newest first.

The server reports each finished (or refused) request as a frozen RequestRecord on one of its
threads; the controller posts it to the GUI thread by signal, and only there does this model
change. Only adapts: it never decides anything about a request.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, ClassVar

from PySide6.QtCore import QByteArray, QModelIndex, QObject, Qt

from desktop.api.protocol import RequestRecord
from desktop.qtkit.list_model import ModelIndex
from desktop.qtkit.plain_text import plain_tooltip
from desktop.qtkit.row_table_model import RowTableModel

__all__ = ["MAX_ROWS", "RequestRow", "RequestTableModel"]

MAX_ROWS = 500
"""The oldest rows go beyond this: the panel is a recent log, not a history."""


@dataclass(frozen=True, slots=True)
class RequestRow:
    record: RequestRecord
    at: float  # when it was listed (time.time())


class RequestTableModel(RowTableModel):
    """Recent API requests, newest first; a table of :data:`COLUMNS`.

    Signals:
        The standard ``QAbstractItemModel`` signals only.
    """

    class Roles(IntEnum):
        RecordRole = Qt.ItemDataRole.UserRole + 1  # RequestRecord

    _ROLE_NAMES: ClassVar[dict[int, QByteArray]] = {Roles.RecordRole: QByteArray(b"record")}

    TIME, CLIENT, REQUEST, MODEL, TOKENS_IN, TOKENS_OUT, SPEED, STATUS = range(8)
    COLUMNS = 8
    NUMBERS = (TOKENS_IN, TOKENS_OUT, SPEED)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[RequestRow] = []

    def column_titles(self) -> tuple[str, ...]:
        return (
            self.tr("Time"),
            self.tr("Client"),
            self.tr("Request"),
            self.tr("Model"),
            self.tr("Tokens in"),
            self.tr("Tokens out"),
            self.tr("Tokens/s"),
            self.tr("Status"),
        )

    def status_text(self, record: RequestRecord) -> str:
        if 200 <= record.status < 300:
            return self.tr("{status} OK").format(status=record.status)
        return self.tr("{status} refused").format(status=record.status)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self._row_at(index)
        if row is None:
            return None
        record = row.record
        if role == self.Roles.RecordRole:
            return record
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self.NUMBERS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and record.error:
            return plain_tooltip(record.error)  # the server's words about a client's request
        return None

    def display(self, row: RequestRow, column: int) -> str:
        """The text of one cell (client, path and model come from the request: plain text)."""
        record = row.record
        if column == self.TIME:
            return time.strftime("%H:%M:%S", time.localtime(row.at))
        if column == self.CLIENT:
            return record.client
        if column == self.REQUEST:
            return record.path if record.method == "POST" else f"{record.method} {record.path}"
        if column == self.MODEL:
            return record.model
        if column == self.TOKENS_IN:
            return str(record.prompt_tokens) if record.prompt_tokens else ""
        if column == self.TOKENS_OUT:
            return str(record.completion_tokens) if record.completion_tokens else ""
        if column == self.SPEED:
            return f"{record.tokens_per_second:.1f}" if record.tokens_per_second > 0 else ""
        if column == self.STATUS:
            return self.status_text(record)
        return ""

    # -- changes (GUI thread only) --

    def add(self, record: RequestRecord, at: float | None = None) -> None:
        """Lists ``record`` at the top; the oldest row goes past :data:`MAX_ROWS`."""
        if len(self._rows) >= MAX_ROWS:
            last = len(self._rows) - 1
            self.beginRemoveRows(QModelIndex(), last, last)
            del self._rows[last]
            self.endRemoveRows()
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._rows.insert(0, RequestRow(record, time.time() if at is None else at))
        self.endInsertRows()

    def record(self, number: int) -> RequestRecord | None:
        return self._rows[number].record if 0 <= number < len(self._rows) else None

    def clear(self) -> None:
        self.beginResetModel()
        self._rows.clear()
        self.endResetModel()

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

from PySide6.QtCore import QT_TRANSLATE_NOOP, QByteArray, Qt

from desktop.api.protocol import RequestRecord
from desktop.qtkit.plain_text import plain_tooltip
from desktop.qtkit.row_table_model import RowTableModel

__all__ = ["MAX_ROWS", "RequestRow", "RequestTableModel"]

MAX_ROWS = 500
"""The oldest rows go beyond this: the panel is a recent log, not a history."""
CLIENT_LEFT = 499
"""The status the server records for a client that left before any answer (nginx's code)."""


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

    ROLE_NAMES: ClassVar[dict[int, QByteArray]] = {Roles.RecordRole: QByteArray(b"record")}
    # What and how it went first: a panel below the chat at 800 px shows about four columns.
    TIME, REQUEST, STATUS, MODEL, TOKENS_IN, TOKENS_OUT, SPEED, CLIENT = range(8)
    COLUMN_TITLES = (
        QT_TRANSLATE_NOOP("RequestTableModel", "Time"),
        QT_TRANSLATE_NOOP("RequestTableModel", "Request"),
        QT_TRANSLATE_NOOP("RequestTableModel", "Status"),
        QT_TRANSLATE_NOOP("RequestTableModel", "Model"),
        QT_TRANSLATE_NOOP("RequestTableModel", "Tokens in"),
        QT_TRANSLATE_NOOP("RequestTableModel", "Tokens out"),
        QT_TRANSLATE_NOOP("RequestTableModel", "Tokens/s"),
        QT_TRANSLATE_NOOP("RequestTableModel", "Client"),
    )
    NUMBER_COLUMNS = (TOKENS_IN, TOKENS_OUT, SPEED)

    def status_text(self, record: RequestRecord) -> str:
        """The status code and a word on it: a client that left (499, the server's mark) or a
        server fault (5xx) was not refused; a streamed reply that broke off has a 200."""
        status = record.status
        if 200 <= status < 300:
            if record.error:  # the stream began, then the client left or the server stopped
                return self.tr("{status} cut short").format(status=status)
            return self.tr("{status} OK").format(status=status)
        if status == CLIENT_LEFT:
            return self.tr("{status} client left").format(status=status)
        if status >= 500:
            return self.tr("{status} failed").format(status=status)
        return self.tr("{status} refused").format(status=status)

    def cell(self, row: RequestRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and row.record.error:
            return plain_tooltip(row.record.error)  # the server's words about a client's request
        return super().cell(row, column, role)

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
        if len(self.rows) >= MAX_ROWS:
            self.remove_rows(len(self.rows) - 1)
        self.insert_rows(0, [RequestRow(record, time.time() if at is None else at)])

    def record(self, number: int) -> RequestRecord | None:
        row = self.row_or_none(number)
        return row.record if row is not None else None

    def clear(self) -> None:
        self.reset_rows(())

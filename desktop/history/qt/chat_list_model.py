"""The conversations in the sidebar, as a list model: pinned first, then most recently updated.

Renaming goes through the store: an edited title becomes a request
(:attr:`ConversationListModel.title_edit_requested`) and the caller upserts the summary the store
saved, so the list never shows something that was not saved. A long history is loaded a page at
a time (:meth:`ConversationListModel.set_source`).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Mapping, Sequence
from enum import IntEnum
from typing import Any, ClassVar, Final

from PySide6.QtCore import QByteArray, QModelIndex, QObject, Qt, Signal

from desktop.core.conversation import ConversationSummary
from desktop.qtkit.list_model import ModelIndex, RoleValue, RowListModel

__all__ = ["CONVERSATION_PAGE_SIZE", "ConversationListModel", "PageFetcher"]


# Fetches the conversations after ``after`` (None: from the start) in the sidebar's order, at
# most ``limit`` of them: ConversationStore.list_conversations(limit, after=after).
PageFetcher = Callable[[ConversationSummary | None, int], Sequence[ConversationSummary]]

# Rows loaded before the first frame and per fetchMore: a few screens, so start-up and each
# scroll step cost the same however long the history is.
CONVERSATION_PAGE_SIZE: Final = 150


def _sort_key(summary: ConversationSummary) -> tuple[bool, float, int]:
    # Pinned first, then most recently updated; the id breaks ties so the order is total and
    # an upsert of an unchanged summary never moves a row.
    return (not summary.pinned, -summary.updated_at, -summary.id)


class ConversationListModel(RowListModel):
    """The conversations in the sidebar: pinned first, then most recently updated first.

    The order is kept by the model, whatever order the caller passes. Editing a title does not
    change the model: :meth:`setData` only emits ``title_edit_requested``, and the caller
    upserts the summary the store returns. That way the list never shows a title that was not
    saved. Trashed summaries (``deleted_at`` set) are never listed.

    With :meth:`set_source` the list is loaded a page at a time: the first page at once, the
    rest when a view asks (``canFetchMore``/``fetchMore``, called as it scrolls near the end).
    The rows then hold every conversation up to the last one fetched (the cursor), plus any
    that were upserted out of turn (the open chat, one restored from the trash); a later page
    that brings one of those again updates it instead of repeating it.

    Signals:
        title_edit_requested(int id, str title): the user finished editing a title; the title
            is stripped, non-empty and differs from the current one.
        The standard ``QAbstractItemModel`` signals (rowsInserted, rowsMoved, dataChanged, ...).
    """

    title_edit_requested = Signal(int, str)

    class Roles(IntEnum):
        IdRole = Qt.ItemDataRole.UserRole + 1  # int
        TitleRole = Qt.ItemDataRole.UserRole + 2  # str
        PinnedRole = Qt.ItemDataRole.UserRole + 3  # bool
        UpdatedAtRole = Qt.ItemDataRole.UserRole + 4  # float, unix seconds
        ModelFileRole = Qt.ItemDataRole.UserRole + 5  # str, may be empty

    ROLE_NAMES: ClassVar[dict[int, QByteArray]] = {Roles.IdRole: QByteArray(b"conversationId")}
    # The other roles read the summary attribute their names say (IdRole: id).
    ROLE_VALUES: ClassVar[Mapping[int, RoleValue]] = dict.fromkeys(
        (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.ToolTipRole),
        "title",
    )

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Rebuilt lazily after structural changes, so a burst of upserts costs one rebuild.
        self._row_by_id: dict[int, int] | None = {}
        self._fetch: PageFetcher | None = None
        self._page_size = CONVERSATION_PAGE_SIZE
        self._cursor: ConversationSummary | None = None  # the last row fetched

    # -- QAbstractListModel ------------------------------------------------------------------

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Turn an edited title into a ``title_edit_requested``; the model stays as it is.

        Returns False because nothing changed here: the caller upserts the saved summary.
        """
        summary = self.row_at(index)
        if role != Qt.ItemDataRole.EditRole or summary is None:
            return False
        title = str(value).strip() if value is not None else ""
        if title and title != summary.title:
            self.title_edit_requested.emit(summary.id, title)
        return False

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        """The base's read-only flags, plus editable: a title can be renamed in place."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008 - Qt signature
        return not parent.isValid() and self._fetch is not None

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008 - Qt signature
        """Append the next page from the source; stop asking once a page comes back short."""
        if not self.canFetchMore(parent):
            return
        assert self._fetch is not None
        page = list(self._fetch(self._cursor, self._page_size))
        if len(page) < self._page_size:
            self._fetch = None
        if page:
            self._cursor = page[-1]
        self._merge(page)

    # -- changes -----------------------------------------------------------------------------

    def set_source(self, fetch: PageFetcher, page_size: int = CONVERSATION_PAGE_SIZE) -> None:
        """Replace the list with the first page of ``fetch`` (one ``modelReset``); the rest
        comes in through ``fetchMore``. Why: listing a long history before the first frame
        costs time in proportion to its length, and most of it is never scrolled to."""
        first = list(fetch(None, page_size))
        self._reset(first)
        self._page_size = page_size
        self._fetch = fetch if len(first) >= page_size else None
        self._cursor = first[-1] if first else None

    def fetch_all(self) -> None:
        """Fetch every remaining page (for callers that need the whole list at once)."""
        while self.canFetchMore():
            self.fetchMore()

    def set_conversations(self, summaries: Sequence[ConversationSummary]) -> None:
        """Replace the whole list (one ``modelReset``); trashed ones and duplicate ids dropped.

        The list is complete: nothing more is fetched until :meth:`set_source`."""
        self._reset(summaries)
        self._fetch = None
        self._cursor = None

    def _reset(self, summaries: Sequence[ConversationSummary]) -> None:
        by_id = {s.id: s for s in summaries if s.deleted_at is None}
        self.reset_rows(sorted(by_id.values(), key=_sort_key))

    def on_rows_changed(self) -> None:
        """Row numbers moved: :meth:`row_of` rebuilds its index on its next call."""
        self._row_by_id = None

    def upsert(self, summary: ConversationSummary) -> None:
        """Insert ``summary`` or update its row in place, moving the row if its place changed.

        Moves use ``beginMoveRows`` so the selection and scroll position follow the row. A
        summary that is in the trash is removed instead.
        """
        if summary.deleted_at is not None:
            self.remove(summary.id)
            return
        row = self.row_of(summary.id)
        # bisect over the whole (sorted) list, then correct for the old copy of this row.
        place = bisect.bisect_left(self.rows, _sort_key(summary), key=_sort_key)
        if row is None:
            self.insert_rows(place, [summary])
            return
        if place > row:
            place -= 1
        if place == row:
            if self.rows[row] != summary:
                self.replace_row(row, summary)
            return
        self.move_row(row, place, summary)

    def _merge(self, page: Sequence[ConversationSummary]) -> None:
        """Add a fetched page: one ``rowsInserted`` at the end when it all sorts after the
        listed rows (the usual case), otherwise row by row; listed ids are updated in place."""
        fresh: list[ConversationSummary] = []
        for summary in page:
            if self.row_of(summary.id) is not None:
                self.upsert(summary)
            elif summary.deleted_at is None:
                fresh.append(summary)
        if not fresh:
            return
        keys = [_sort_key(s) for s in self.rows[-1:] + fresh]
        if any(a >= b for a, b in itertools.pairwise(keys)):
            for summary in fresh:
                self.upsert(summary)
            return
        self.insert_rows(len(self.rows), fresh)

    def remove(self, conversation_id: int) -> None:
        """Drop the row of ``conversation_id``; nothing happens if it is not listed."""
        row = self.row_of(conversation_id)
        if row is not None:
            self.remove_rows(row)

    # -- queries -----------------------------------------------------------------------------

    def row_of(self, conversation_id: int) -> int | None:
        """Row showing ``conversation_id``, or None."""
        if self._row_by_id is None:
            self._row_by_id = {s.id: row for row, s in enumerate(self.rows)}
        return self._row_by_id.get(conversation_id)

    def summary(self, row: int) -> ConversationSummary:
        """The summary shown in ``row``; IndexError outside the list."""
        return self.row_or_raise(row, "conversation")

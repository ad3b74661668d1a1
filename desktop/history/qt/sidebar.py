"""The conversation sidebar: a "New chat" button, search, the list of chats and the trash.

The sidebar shows and asks; it never changes anything itself. Renaming, pinning, deleting and
opening are requests (signals) that the caller carries out on the store and then reflects back
with :meth:`ConversationListModel.upsert`, :meth:`ConversationListModel.remove` and
:meth:`Sidebar.set_current`. That keeps one source of truth (the store) and means a failed
store write never leaves the list showing something that was not saved.

Search hits come from the store as snippets in which each match is wrapped in ``\\x02`` and
``\\x03``. The text around the matches is user and model text, so it is treated as untrusted:
it is drawn as plain text, and the HTML form escapes everything but the ``<b>`` tags we add.
"""

from __future__ import annotations

import bisect
import html
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, ClassVar, Final

from PySide6.QtCore import (
    QByteArray,
    QDate,
    QDateTime,
    QEvent,
    QItemSelectionModel,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QPointF,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QContextMenuEvent,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPalette,
    QTransform,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core.conversation import ConversationSummary
from desktop.qtkit.list_model import RowListModel
from desktop.store.conversations import HIGHLIGHT_END, HIGHLIGHT_START, SearchHit

__all__ = [
    "ConversationListModel",
    "SearchResultsModel",
    "Sidebar",
    "parse_snippet",
    "snippet_html",
]

_Index = QModelIndex | QPersistentModelIndex

#: Quiet time after the last keystroke before a search is run.
SEARCH_DEBOUNCE_MS = 150

#: Padding inside a row (pixels) and the space between the title and the date.
_H_PAD = 8
_V_PAD = 6
_GAP = 6
_PIN_SIZE = 12


# -- snippets ---------------------------------------------------------------------------------


def parse_snippet(snippet: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Split a marked snippet into its plain text and the ``(start, length)`` of each match.

    Tolerant on purpose: a start mark without an end runs to the end of the text, a stray end
    mark is dropped, and other control characters (newlines, tabs) become spaces so the
    snippet stays on one line.
    """
    plain: list[str] = []
    ranges: list[tuple[int, int]] = []
    start: int | None = None
    length = 0
    for char in snippet:
        if char == HIGHLIGHT_START:
            if start is None:
                start = length
        elif char == HIGHLIGHT_END:
            if start is not None and length > start:
                ranges.append((start, length - start))
            start = None
        else:
            if char < " " or char == "\x7f":
                char = " "
            plain.append(char)
            length += 1
    if start is not None and length > start:
        ranges.append((start, length - start))
    return "".join(plain), tuple(ranges)


def snippet_html(snippet: str) -> str:
    """The snippet as HTML: every match in ``<b>``, everything else escaped."""
    plain, ranges = parse_snippet(snippet)
    parts: list[str] = []
    position = 0
    for start, length in ranges:
        parts.append(html.escape(plain[position:start]))
        parts.append("<b>" + html.escape(plain[start : start + length]) + "</b>")
        position = start + length
    parts.append(html.escape(plain[position:]))
    return "".join(parts)


def _strip_marks(text: str) -> str:
    return parse_snippet(text)[0]


# -- models -----------------------------------------------------------------------------------


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

    _ROLE_NAMES: ClassVar[dict[int, QByteArray]] = {
        Roles.IdRole: QByteArray(b"conversationId"),
        Roles.TitleRole: QByteArray(b"title"),
        Roles.PinnedRole: QByteArray(b"pinned"),
        Roles.UpdatedAtRole: QByteArray(b"updatedAt"),
        Roles.ModelFileRole: QByteArray(b"modelFile"),
    }

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ConversationSummary] = []
        # Rebuilt lazily after structural changes, so a burst of upserts costs one rebuild.
        self._row_by_id: dict[int, int] | None = {}
        self._fetch: PageFetcher | None = None
        self._page_size = CONVERSATION_PAGE_SIZE
        self._cursor: ConversationSummary | None = None  # the last row fetched

    # -- QAbstractListModel ------------------------------------------------------------------

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        summary = self._row_at(index)
        if summary is None:
            return None
        roles = ConversationListModel.Roles
        if role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.EditRole,
            Qt.ItemDataRole.ToolTipRole,
            roles.TitleRole,
        ):
            return summary.title
        if role == roles.IdRole:
            return summary.id
        if role == roles.PinnedRole:
            return summary.pinned
        if role == roles.UpdatedAtRole:
            return summary.updated_at
        if role == roles.ModelFileRole:
            return summary.model_file
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Turn an edited title into a ``title_edit_requested``; the model stays as it is.

        Returns False because nothing changed here: the caller upserts the saved summary.
        """
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        if not 0 <= index.row() < len(self._rows):
            return False
        title = str(value).strip() if value is not None else ""
        summary = self._rows[index.row()]
        if title and title != summary.title:
            self.title_edit_requested.emit(summary.id, title)
        return False

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsEditable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008 - Qt signature
        return not parent.isValid() and self._fetch is not None

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008 - Qt signature
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
        self.beginResetModel()
        self._rows = sorted(by_id.values(), key=_sort_key)
        self._row_by_id = None
        self.endResetModel()

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
        place = bisect.bisect_left(self._rows, _sort_key(summary), key=_sort_key)
        if row is None:
            self.beginInsertRows(QModelIndex(), place, place)
            self._rows.insert(place, summary)
            self._row_by_id = None
            self.endInsertRows()
            return
        if place > row:
            place -= 1
        if place == row:
            if self._rows[row] != summary:
                self._rows[row] = summary
                index = self.index(row, 0)
                self.dataChanged.emit(index, index)
            return
        destination = place if place < row else place + 1
        self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), destination)
        del self._rows[row]
        self._rows.insert(place, summary)
        self._row_by_id = None
        self.endMoveRows()
        index = self.index(place, 0)
        self.dataChanged.emit(index, index)

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
        keys = [_sort_key(s) for s in self._rows[-1:] + fresh]
        if any(a >= b for a, b in itertools.pairwise(keys)):
            for summary in fresh:
                self.upsert(summary)
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
        self._rows.extend(fresh)
        self._row_by_id = None
        self.endInsertRows()

    def remove(self, conversation_id: int) -> None:
        """Drop the row of ``conversation_id``; nothing happens if it is not listed."""
        row = self.row_of(conversation_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self._row_by_id = None
        self.endRemoveRows()

    # -- queries -----------------------------------------------------------------------------

    def row_of(self, conversation_id: int) -> int | None:
        """Row showing ``conversation_id``, or None."""
        if self._row_by_id is None:
            self._row_by_id = {s.id: row for row, s in enumerate(self._rows)}
        return self._row_by_id.get(conversation_id)

    def summary(self, row: int) -> ConversationSummary:
        """The summary shown in ``row``; IndexError outside the list."""
        if not 0 <= row < len(self._rows):
            raise IndexError(f"no conversation at row {row}")
        return self._rows[row]


@dataclass(frozen=True, slots=True)
class _HitRow:
    hit: SearchHit
    title: str
    plain: str
    ranges: tuple[tuple[int, int], ...]
    html: str


class SearchResultsModel(RowListModel):
    """Search hits, best first, in the order the store ranked them.

    Snippets are parsed once when the hits arrive, so painting never re-parses.

    Signals:
        The standard ``QAbstractItemModel`` signals only (modelReset, ...).
    """

    class Roles(IntEnum):
        ConversationIdRole = Qt.ItemDataRole.UserRole + 1  # int
        MessageIdRole = Qt.ItemDataRole.UserRole + 2  # int | None (None: the title matched)
        TitleRole = Qt.ItemDataRole.UserRole + 3  # str, plain
        SnippetHtmlRole = Qt.ItemDataRole.UserRole + 4  # str, escaped, matches in <b>
        MatchRangesRole = Qt.ItemDataRole.UserRole + 5  # tuple of (start, length) in display
        RankRole = Qt.ItemDataRole.UserRole + 6  # float, as the store gave it

    _ROLE_NAMES: ClassVar[dict[int, QByteArray]] = {
        Roles.ConversationIdRole: QByteArray(b"conversationId"),
        Roles.MessageIdRole: QByteArray(b"messageId"),
        Roles.TitleRole: QByteArray(b"title"),
        Roles.SnippetHtmlRole: QByteArray(b"snippetHtml"),
        Roles.MatchRangesRole: QByteArray(b"matchRanges"),
        Roles.RankRole: QByteArray(b"rank"),
    }

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[_HitRow] = []

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self._row_at(index)
        if row is None:
            return None
        roles = SearchResultsModel.Roles
        if role == Qt.ItemDataRole.DisplayRole:
            return row.plain
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.title
        if role == roles.ConversationIdRole:
            return row.hit.conversation_id
        if role == roles.MessageIdRole:
            return row.hit.message_id
        if role == roles.TitleRole:
            return row.title
        if role == roles.SnippetHtmlRole:
            return row.html
        if role == roles.MatchRangesRole:
            return row.ranges
        if role == roles.RankRole:
            return row.hit.rank
        return None

    def set_hits(self, hits: Sequence[SearchHit]) -> None:
        """Replace the results (one ``modelReset``)."""
        rows = []
        for hit in hits:
            plain, ranges = parse_snippet(hit.snippet)
            rows.append(
                _HitRow(
                    hit=hit,
                    title=_strip_marks(hit.title),
                    plain=plain,
                    ranges=ranges,
                    html=snippet_html(hit.snippet),
                )
            )
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def clear(self) -> None:
        self.set_hits(())

    def hit(self, row: int) -> SearchHit:
        """The hit shown in ``row``; IndexError outside the list."""
        if not 0 <= row < len(self._rows):
            raise IndexError(f"no search hit at row {row}")
        return self._rows[row].hit


# -- painting ---------------------------------------------------------------------------------


def _pin_path() -> QPainterPath:
    """A push pin in a unit square, tilted like one stuck in a board."""
    path = QPainterPath()
    path.addRoundedRect(0.32, 0.0, 0.36, 0.14, 0.05, 0.05)  # cap
    path.addRect(0.38, 0.12, 0.24, 0.32)  # body
    path.addRoundedRect(0.16, 0.42, 0.68, 0.12, 0.05, 0.05)  # collar
    path.addRect(0.47, 0.52, 0.06, 0.48)  # needle
    path.setFillRule(Qt.FillRule.WindingFill)
    turn = QTransform().translate(0.5, 0.5).rotate(35).translate(-0.5, -0.5)
    return turn.map(path)


_PIN = _pin_path()


def _row_colors(opt: QStyleOptionViewItem) -> tuple[QPalette.ColorGroup, bool, QColor, QColor]:
    """The palette group, whether the row is selected, and its text and dimmed colours."""
    group = _color_group(opt)
    selected = bool(opt.state & QStyle.StateFlag.State_Selected)
    text_color = opt.palette.color(
        group,
        QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text,
    )
    dim_color = (
        QColor(text_color)
        if selected
        else opt.palette.color(group, QPalette.ColorRole.PlaceholderText)
    )
    return group, selected, text_color, dim_color


def _color_group(option: QStyleOptionViewItem) -> QPalette.ColorGroup:
    if not option.state & QStyle.StateFlag.State_Enabled:
        return QPalette.ColorGroup.Disabled
    if option.state & QStyle.StateFlag.State_Active:
        return QPalette.ColorGroup.Active
    return QPalette.ColorGroup.Inactive


def _draw_panel(painter: QPainter, option: QStyleOptionViewItem) -> None:
    """The style's own row background (hover, selection), without its text."""
    widget = option.widget
    style = widget.style() if widget is not None else QApplication.style()
    style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)


class _ConversationDelegate(QStyledItemDelegate):
    """One line per chat: the elided title, then a pin mark and a relative day on the right.

    Every row has the same height (the view uses uniform item sizes), so thousands of rows
    cost nothing until they scroll into view.
    """

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        height = option.fontMetrics.height() + 2 * _V_PAD
        return QSize(max(option.rect.width(), 100), max(height, _PIN_SIZE + 2 * _V_PAD))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        _draw_panel(painter, opt)
        _group, selected, text_color, dim_color = _row_colors(opt)
        if selected:
            dim_color.setAlphaF(0.75)

        rect = opt.rect.adjusted(_H_PAD, 0, -_H_PAD, 0)
        painter.save()
        small = QFont(opt.font)
        small.setPointSizeF(max(1.0, opt.font.pointSizeF() * 0.88))
        small_metrics = QFontMetrics(small)
        day = self.day_label(index.data(ConversationListModel.Roles.UpdatedAtRole))
        day_width = small_metrics.horizontalAdvance(day)
        right = rect.right()
        painter.setFont(small)
        painter.setPen(dim_color)
        painter.drawText(
            QRect(right - day_width + 1, rect.top(), day_width, rect.height()),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            day,
        )
        right -= day_width + _GAP
        if index.data(ConversationListModel.Roles.PinnedRole):
            top = rect.top() + (rect.height() - _PIN_SIZE) // 2
            pin = QTransform.fromScale(_PIN_SIZE, _PIN_SIZE).map(_PIN)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.fillPath(pin.translated(QPointF(right - _PIN_SIZE + 1, top)), dim_color)
            right -= _PIN_SIZE + _GAP

        title = index.data(Qt.ItemDataRole.DisplayRole) or self.tr("Untitled")
        title_rect = QRect(rect.left(), rect.top(), max(0, right - rect.left()), rect.height())
        painter.setFont(opt.font)
        painter.setPen(text_color)
        elided = opt.fontMetrics.elidedText(title, Qt.TextElideMode.ElideRight, title_rect.width())
        painter.drawText(
            title_rect,
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            elided,
        )
        painter.restore()

    def day_label(self, timestamp: float | None, today: QDate | None = None) -> str:
        """ "Today", "Yesterday", a weekday within the week, else a short date.

        Days are local calendar days, so a chat from 23:59 is "Yesterday" a minute later.
        """
        if timestamp is None:
            return ""
        today = today or QDate.currentDate()
        day = QDateTime.fromSecsSinceEpoch(int(timestamp)).date()
        days = day.daysTo(today)
        if days <= 0:
            return self.tr("Today") if days == 0 else QLocale().toString(day, self._date_format())
        if days == 1:
            return self.tr("Yesterday")
        if days < 7:
            return QLocale().toString(day, "ddd")
        if day.year() == today.year():
            return QLocale().toString(day, self._date_format())
        return QLocale().toString(day, self.tr("d MMM yyyy", "date in an earlier year"))

    def _date_format(self) -> str:
        return self.tr("d MMM", "date earlier this year")


class _SearchResultDelegate(QStyledItemDelegate):
    """Two lines per hit: the chat title in bold, then the snippet with its matches bold.

    The snippet is drawn segment by segment as plain text (never parsed as HTML). When the
    first match would start far to the right, the text before it is cut to "…" so the match
    stays in view.
    """

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        height = 2 * option.fontMetrics.height() + 2 * _V_PAD + 2
        return QSize(max(option.rect.width(), 100), height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        _draw_panel(painter, opt)
        group, selected, text_color, dim_color = _row_colors(opt)
        mark_color = QColor(opt.palette.color(group, QPalette.ColorRole.Highlight))
        mark_color.setAlphaF(0.28)

        roles = SearchResultsModel.Roles
        rect = opt.rect.adjusted(_H_PAD, _V_PAD, -_H_PAD, -_V_PAD)
        line_height = opt.fontMetrics.height()
        bold = QFont(opt.font)
        bold.setBold(True)
        bold_metrics = QFontMetrics(bold)

        painter.save()
        title = index.data(roles.TitleRole) or self.tr("Untitled")
        painter.setFont(bold)
        painter.setPen(text_color)
        title_rect = QRect(rect.left(), rect.top(), rect.width(), line_height)
        painter.drawText(
            title_rect,
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            bold_metrics.elidedText(title, Qt.TextElideMode.ElideRight, rect.width()),
        )

        plain: str = index.data(Qt.ItemDataRole.DisplayRole) or ""
        ranges: tuple[tuple[int, int], ...] = index.data(roles.MatchRangesRole) or ()
        segments = _segments(plain, ranges)
        segments = _keep_first_match_in_view(segments, opt.fontMetrics, rect.width())
        y = rect.top() + line_height + 2
        x = rect.left()
        right = rect.right() + 1
        for text, is_match in segments:
            metrics = bold_metrics if is_match else opt.fontMetrics
            width = metrics.horizontalAdvance(text)
            if x + width > right:
                text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, right - x)
                width = metrics.horizontalAdvance(text)
            if not text:
                break
            segment_rect = QRect(x, y, width, line_height)
            if is_match and not selected:
                painter.fillRect(segment_rect, mark_color)
            painter.setFont(bold if is_match else opt.font)
            painter.setPen(text_color if is_match else dim_color)
            painter.drawText(
                segment_rect,
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                text,
            )
            x += width
            if x >= right:
                break
        painter.restore()


def _segments(plain: str, ranges: Sequence[tuple[int, int]]) -> list[tuple[str, bool]]:
    segments: list[tuple[str, bool]] = []
    position = 0
    for start, length in ranges:
        if start > position:
            segments.append((plain[position:start], False))
        segments.append((plain[start : start + length], True))
        position = start + length
    if position < len(plain):
        segments.append((plain[position:], False))
    return segments


def _keep_first_match_in_view(
    segments: list[tuple[str, bool]], metrics: QFontMetrics, width: int
) -> list[tuple[str, bool]]:
    """Shorten the text before the first match to at most a third of the row, with "…"."""
    if len(segments) < 2 or segments[0][1]:
        return segments
    lead = segments[0][0]
    budget = width // 3
    if metrics.horizontalAdvance(lead) <= budget:
        return segments
    ellipsis = "…"
    # Drop whole characters from the left until the rest fits after the ellipsis.
    low, high = 0, len(lead)
    while low < high:
        middle = (low + high) // 2
        if metrics.horizontalAdvance(ellipsis + lead[middle:]) <= budget:
            high = middle
        else:
            low = middle + 1
    keep = low
    # Start at a word when one begins soon after the cut, rather than mid-word.
    space = lead.find(" ", keep, keep + 12)
    if keep and not lead[keep - 1].isspace() and space != -1:
        keep = space + 1
    return [(ellipsis + lead[keep:].lstrip(), False), *segments[1:]]


# -- views ------------------------------------------------------------------------------------


class _ConversationView(QListView):
    """The chat list; tells user navigation apart from selection changes made in code.

    Signals:
        navigated(QModelIndex): the current row changed because of a key the user pressed.
        row_clicked(QModelIndex): the user clicked a row with the left button.
        delete_pressed(QModelIndex): Delete (or Backspace) on the current row.
        menu_requested(QModelIndex, QPoint): a context menu for the row, at a global position.
    """

    navigated = Signal(QModelIndex)
    row_clicked = Signal(QModelIndex)
    delete_pressed = Signal(QModelIndex)
    menu_requested = Signal(QModelIndex, QPoint)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._by_key = False
        self.clicked.connect(self.row_clicked)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.state() != QAbstractItemView.State.EditingState and event.key() in (
            Qt.Key.Key_Delete,
            Qt.Key.Key_Backspace,
        ):
            if self.currentIndex().isValid():
                self.delete_pressed.emit(self.currentIndex())
            event.accept()
            return
        self._by_key = True
        try:
            super().keyPressEvent(event)
        finally:
            self._by_key = False

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            # A right click shows the menu for the row under the mouse; it must not move the
            # selection away from the conversation that is open.
            event.accept()
            return
        super().mousePressEvent(event)

    def currentChanged(self, current: QModelIndex, previous: QModelIndex) -> None:
        super().currentChanged(current, previous)
        if self._by_key and current.isValid():
            self._by_key = False
            self.navigated.emit(current)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if event.reason() == QContextMenuEvent.Reason.Keyboard:
            index = self.currentIndex()
            position = self.visualRect(index).center()
        else:
            position = event.pos()
            index = self.indexAt(position)
        if index.isValid():
            self.menu_requested.emit(index, self.viewport().mapToGlobal(position))
        event.accept()


class _ResultsView(QListView):
    """The search results; Enter opens the current hit like a click does.

    Signals:
        hit_chosen(QModelIndex): the user clicked a hit or pressed Enter on it.
    """

    hit_chosen = Signal(QModelIndex)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clicked.connect(self.hit_chosen)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.hit_chosen.emit(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)


class Sidebar(QWidget):
    """Chats on the left of the window: new chat, search, the list, and the trash.

    Everything the user does here is a request; see the module docstring. Up/Down in the list
    open the chat they land on; a click opens the chat under the mouse. While the search box
    has text the list is replaced by the search results the caller passes to
    :meth:`set_search_results`.

    The window owns the Ctrl+K shortcut (named in the search box's placeholder) and calls
    :meth:`focus_search`; the sidebar installs no window-wide shortcuts of its own.

    Signals:
        conversation_selected(int id): the user opened a chat (click, Up/Down). Not emitted by
            :meth:`set_current`, nor again for the chat that is already open.
        new_chat_requested(): the "New chat" button.
        rename_requested(int id, str title): a title was edited; stripped, non-empty, changed.
        pin_requested(int id, bool pinned): pin (True) or unpin (False) a chat.
        delete_requested(int id): move a chat to the trash (menu or Delete key).
        search_changed(str text): the stripped search text, ~150 ms after the last keystroke;
            "" at once when the box is cleared. Never twice in a row with the same text.
        search_hit_activated(int conversation_id, object message_id): a hit was clicked, or
            Enter was pressed (in the box: the first hit). ``message_id`` is an int, or None
            when the title matched.
        trash_requested(): the "Trash" button.
    """

    conversation_selected = Signal(int)
    new_chat_requested = Signal()
    rename_requested = Signal(int, str)
    pin_requested = Signal(int, bool)
    delete_requested = Signal(int)
    search_changed = Signal(str)
    search_hit_activated = Signal(int, object)
    trash_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._open_id: int | None = None
        self._menu_target_id: int | None = None
        self._last_query = ""
        self._results_pending = False

        self._model = ConversationListModel(self)
        self._model.title_edit_requested.connect(self.rename_requested)
        self._results = SearchResultsModel(self)

        self._new_chat = QPushButton(self.tr("New chat"), self)
        self._new_chat.setToolTip(self.tr("Start a new chat"))
        self._new_chat.clicked.connect(self.new_chat_requested)

        self._search = QLineEdit(self)
        self._search.setPlaceholderText(self.tr("Search chats (Ctrl+K)"))
        self._search.setAccessibleName(self.tr("Search chats"))
        self._search.setClearButtonEnabled(True)
        self._search.textChanged.connect(self._on_search_text_changed)
        self._search.installEventFilter(self)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self._emit_search)

        self._list = _ConversationView(self)
        self._list.setModel(self._model)
        self._list.setItemDelegate(_ConversationDelegate(self._list))
        self._list.setUniformItemSizes(True)
        self._list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._list.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        self._list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self._list.setAccessibleName(self.tr("Chats"))
        self._list.navigated.connect(self._on_list_navigated)
        self._list.row_clicked.connect(self._on_list_navigated)
        self._list.delete_pressed.connect(self._on_list_delete_pressed)
        self._list.menu_requested.connect(self._on_list_menu_requested)
        # Keep the highlight on the open chat when rows come, go or the list is replaced.
        self._model.modelReset.connect(self._on_model_rows_changed)
        self._model.rowsRemoved.connect(self._on_model_rows_changed)
        self._model.rowsInserted.connect(self._on_model_rows_changed)

        self._results_view = _ResultsView(self)
        self._results_view.setModel(self._results)
        self._results_view.setItemDelegate(_SearchResultDelegate(self._results_view))
        self._results_view.setUniformItemSizes(True)
        self._results_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._results_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._results_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._results_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self._results_view.setAccessibleName(self.tr("Search results"))
        self._results_view.hit_chosen.connect(self._on_hit_chosen)

        self._no_matches = QLabel(self.tr("No matches"), self)
        self._no_matches.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self._no_matches.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._no_matches.setContentsMargins(0, 16, 0, 0)
        self._no_matches.setAutoFillBackground(True)
        self._no_matches.setBackgroundRole(QPalette.ColorRole.Base)

        self._pages = QStackedWidget(self)
        self._pages.addWidget(self._list)
        self._pages.addWidget(self._results_view)
        self._pages.addWidget(self._no_matches)

        self._trash = QPushButton(self.tr("Trash"), self)
        self._trash.setToolTip(self.tr("Deleted chats; restore them or delete them for good"))
        self._trash.clicked.connect(self.trash_requested)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(self._new_chat)
        layout.addWidget(self._search)
        layout.addWidget(self._pages, 1)
        layout.addWidget(self._trash)

        self.rename_action = QAction(self.tr("Rename"), self)
        self.rename_action.setShortcut(Qt.Key.Key_F2)
        self.rename_action.triggered.connect(self._on_rename_action_triggered)
        self.pin_action = QAction(self.tr("Pin"), self)
        self.pin_action.triggered.connect(self._on_pin_action_triggered)
        self.delete_action = QAction(self.tr("Delete"), self)
        self.delete_action.setShortcut(Qt.Key.Key_Delete)
        self.delete_action.triggered.connect(self._on_delete_action_triggered)
        for action in (self.rename_action, self.delete_action):
            # Shown in the menu as a hint only; the list handles the keys itself.
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)

        self.setMinimumWidth(200)

    # -- public API ---------------------------------------------------------------------------

    def model(self) -> ConversationListModel:
        return self._model

    def results_model(self) -> SearchResultsModel:
        return self._results

    @property
    def search_field(self) -> QLineEdit:
        """The search box (exposed for tests and the window's focus chain)."""
        return self._search

    @property
    def conversation_view(self) -> QListView:
        return self._list

    @property
    def results_view(self) -> QListView:
        return self._results_view

    @property
    def no_matches_label(self) -> QLabel:
        return self._no_matches

    @property
    def new_chat_button(self) -> QPushButton:
        return self._new_chat

    @property
    def trash_button(self) -> QPushButton:
        return self._trash

    def sizeHint(self) -> QSize:
        return QSize(260, super().sizeHint().height())

    def set_current(self, conversation_id: int | None) -> None:
        """Highlight the open chat (or none) without emitting ``conversation_selected``.

        Remembered: if the chat is not listed yet, it is highlighted once it is upserted.
        """
        self._open_id = conversation_id
        self._sync_selection(scroll=True)

    def current_id(self) -> int | None:
        """The chat the sidebar considers open."""
        return self._open_id

    def set_search_results(self, hits: Sequence[SearchHit]) -> None:
        """Show ``hits`` for the current search text ("No matches" if there are none)."""
        self._results_pending = False
        self._results.set_hits(hits)
        if self._results.rowCount():
            self._results_view.setCurrentIndex(self._results.index(0, 0))
        self._update_page()

    def search_text(self) -> str:
        """The search text as last emitted by ``search_changed`` (stripped)."""
        return self._last_query

    def focus_search(self) -> None:
        """Put the cursor in the search box with its text selected, ready to type over."""
        self._search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._search.selectAll()

    def clear_search(self) -> None:
        """Empty the search box and show the list again (emits ``search_changed("")``)."""
        self._search.clear()

    def context_menu(self, conversation_id: int) -> QMenu:
        """The menu for one chat, not yet shown; its actions act on ``conversation_id``."""
        self._menu_target_id = conversation_id
        row = self._model.row_of(conversation_id)
        pinned = row is not None and self._model.summary(row).pinned
        self.pin_action.setText(self.tr("Unpin") if pinned else self.tr("Pin"))
        menu = QMenu(self)
        menu.addAction(self.rename_action)
        menu.addAction(self.pin_action)
        menu.addSeparator()
        menu.addAction(self.delete_action)
        return menu

    # -- events -------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key == Qt.Key.Key_Escape and self._search.text():
                self.clear_search()
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._open_first_hit()
                return True
            if key == Qt.Key.Key_Down:
                self._focus_results_or_list()
                return True
        return super().eventFilter(watched, event)

    # -- slots --------------------------------------------------------------------------------

    def _on_list_navigated(self, index: QModelIndex) -> None:
        conversation_id = index.data(ConversationListModel.Roles.IdRole)
        if conversation_id is None or conversation_id == self._open_id:
            return
        self._open_id = conversation_id
        self.conversation_selected.emit(conversation_id)

    def _on_list_delete_pressed(self, index: QModelIndex) -> None:
        conversation_id = index.data(ConversationListModel.Roles.IdRole)
        if conversation_id is not None:
            self.delete_requested.emit(conversation_id)

    def _on_list_menu_requested(self, index: QModelIndex, position: QPoint) -> None:
        conversation_id = index.data(ConversationListModel.Roles.IdRole)
        if conversation_id is None:
            return
        menu = self.context_menu(conversation_id)
        try:
            menu.exec(position)
        finally:
            self._menu_target_id = None
            menu.deleteLater()

    def _on_rename_action_triggered(self) -> None:
        row = self._target_row()
        if row is None:
            return
        if not self._search.text():
            index = self._model.index(row, 0)
            self._list.scrollTo(index)
            self._list.setFocus(Qt.FocusReason.OtherFocusReason)
            self._list.edit(index)

    def _on_pin_action_triggered(self) -> None:
        row = self._target_row()
        if row is not None:
            summary = self._model.summary(row)
            self.pin_requested.emit(summary.id, not summary.pinned)

    def _on_delete_action_triggered(self) -> None:
        row = self._target_row()
        if row is not None:
            self.delete_requested.emit(self._model.summary(row).id)

    def _on_search_text_changed(self, text: str) -> None:
        query = text.strip()
        if not query:
            self._debounce.stop()
            self._results_pending = False
            self._results.clear()
            self._update_page()
            self._emit_search()
            return
        self._results_pending = True
        self._update_page()
        self._debounce.start()

    def _emit_search(self) -> None:
        query = self._search.text().strip()
        if query != self._last_query:
            self._last_query = query
            self.search_changed.emit(query)

    def _on_hit_chosen(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        hit = self._results.hit(index.row())
        self.search_hit_activated.emit(hit.conversation_id, hit.message_id)

    # -- helpers ------------------------------------------------------------------------------

    def _target_row(self) -> int | None:
        target = self._menu_target_id
        if target is None:
            index = self._list.currentIndex()
            target = index.data(ConversationListModel.Roles.IdRole) if index.isValid() else None
        return None if target is None else self._model.row_of(target)

    def _on_model_rows_changed(self, *_args: object) -> None:
        self._sync_selection(scroll=False)

    def _sync_selection(self, *, scroll: bool) -> None:
        selection = self._list.selectionModel()
        row = None if self._open_id is None else self._model.row_of(self._open_id)
        if row is None:
            if selection.currentIndex().isValid() or selection.hasSelection():
                selection.clear()
            return
        index = self._model.index(row, 0)
        if selection.currentIndex() != index or not selection.isSelected(index):
            selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        if scroll:
            self._list.scrollTo(index)

    def _update_page(self) -> None:
        if not self._search.text().strip():
            self._pages.setCurrentWidget(self._list)
        elif self._results.rowCount() == 0 and not self._results_pending:
            self._pages.setCurrentWidget(self._no_matches)
        else:
            # While a search is pending the previous results stay up instead of flashing
            # "No matches" between keystrokes.
            self._pages.setCurrentWidget(self._results_view)

    def _open_first_hit(self) -> None:
        if not self._search.text().strip():
            return
        if self._debounce.isActive():
            # Enter before the pause ended: search now, the store answers synchronously.
            self._debounce.stop()
            self._emit_search()
        if self._results.rowCount():
            self._on_hit_chosen(self._results.index(0, 0))

    def _focus_results_or_list(self) -> None:
        if self._pages.currentWidget() is not self._list:
            if self._results.rowCount():
                self._results_view.setFocus(Qt.FocusReason.TabFocusReason)
                if not self._results_view.currentIndex().isValid():
                    self._results_view.setCurrentIndex(self._results.index(0, 0))
            return
        self._list.setFocus(Qt.FocusReason.TabFocusReason)

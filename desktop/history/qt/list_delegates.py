"""How the sidebar's rows are drawn: one line per chat, two lines per search hit (a chat).

Both delegates draw text as plain text, segment by segment (a snippet is never parsed as HTML),
on the style's own row background (hover, selection: rounded, from the application's stylesheet,
desktop/qtkit/stylesheet.py). Paddings come from the spacing scale (desktop/core/design.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractItemModel,
    QDate,
    QDateTime,
    QLocale,
    QObject,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

from desktop.core.design import SPACE_S, SPACE_XS, TYPE_SCALE
from desktop.history.qt.chat_list_model import ConversationListModel
from desktop.history.qt.search_results import SearchResultsModel
from desktop.qtkit.icons import themed_icon
from desktop.qtkit.item_delegates import LINE_LEFT, begin_row
from desktop.qtkit.list_model import ModelIndex

__all__ = [
    "ConversationDelegate",
    "SearchResultDelegate",
    "TwoLineDelegate",
    "setup_list_view",
]


#: Padding inside a row (pixels) and the space between the title and the date.
_H_PAD = SPACE_S + SPACE_XS // 2
_V_PAD = SPACE_S
_GAP = SPACE_S
_PIN_SIZE = 14


def setup_list_view(
    view: QListView,
    model: QAbstractItemModel,
    delegate: QStyledItemDelegate,
    name: str,
    selection: QAbstractItemView.SelectionMode = QAbstractItemView.SelectionMode.SingleSelection,
    edit: QAbstractItemView.EditTrigger = QAbstractItemView.EditTrigger.NoEditTriggers,
) -> None:
    """The setup every list in history/ shares (the chat list, the search results, the trash):
    rows drawn by ``delegate``, all of one height (so thousands of rows cost nothing until they
    scroll into view), never a horizontal scroll bar, and ``name`` for screen readers."""
    view.setModel(model)
    view.setItemDelegate(delegate)
    view.setUniformItemSizes(True)
    view.setSelectionMode(selection)
    view.setEditTriggers(edit)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setAccessibleName(name)


class ConversationDelegate(QStyledItemDelegate):
    """One line per chat: the elided title, then a pin mark and a relative day on the right.

    Every row has the same height (the view uses uniform item sizes), so thousands of rows
    cost nothing until they scroll into view. The pin is the icon set's, in the date's colour.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pins: dict[str, QIcon] = {}

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        height = option.fontMetrics.height() + 2 * _V_PAD
        return QSize(max(option.rect.width(), 100), max(height, _PIN_SIZE + 2 * _V_PAD))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        opt, _group, selected, text_color, dim_color = begin_row(self, painter, option, index)
        if selected and dim_color == text_color:
            dim_color.setAlphaF(0.75)

        rect = opt.rect.adjusted(_H_PAD, 0, -_H_PAD, 0)
        painter.save()
        small = QFont(opt.font)
        small.setPointSizeF(max(1.0, opt.font.pointSizeF() * TYPE_SCALE["caption"]))
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
            pin_rect = QRect(right - _PIN_SIZE + 1, top, _PIN_SIZE, _PIN_SIZE)
            self.pin_icon(dim_color).paint(painter, pin_rect)
            right -= _PIN_SIZE + _GAP

        title = index.data(Qt.ItemDataRole.DisplayRole) or self.tr("Untitled")
        title_rect = QRect(rect.left(), rect.top(), max(0, right - rect.left()), rect.height())
        painter.setFont(opt.font)
        painter.setPen(text_color)
        elided = opt.fontMetrics.elidedText(title, Qt.TextElideMode.ElideRight, title_rect.width())
        painter.drawText(
            title_rect,
            LINE_LEFT,
            elided,
        )
        painter.restore()

    def pin_icon(self, colour: QColor) -> QIcon:
        """The pin mark in ``colour`` (one icon per colour, made once)."""
        name = colour.name(QColor.NameFormat.HexArgb)
        if name not in self._pins:
            palette = QPalette()
            palette.setColor(QPalette.ColorRole.ButtonText, colour)
            self._pins[name] = themed_icon("pin", palette=palette)
        return self._pins[name]

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


class TwoLineDelegate(QStyledItemDelegate):
    """A row of two lines of text (a search hit, a trashed chat): its height, and where its
    text goes inside the padding every list in history/ uses."""

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        height = 2 * option.fontMetrics.height() + 2 * _V_PAD + 2
        return QSize(max(option.rect.width(), 100), height)

    @staticmethod
    def text_rect(option: QStyleOptionViewItem) -> QRect:
        """The row's rectangle less its padding."""
        return option.rect.adjusted(_H_PAD, _V_PAD, -_H_PAD, -_V_PAD)


class SearchResultDelegate(TwoLineDelegate):
    """Two lines per chat found: its title in bold, then the best match's snippet with its
    matches bold, and "+3 more matches" small and muted at its right when more of the chat's
    messages match.

    The snippet is drawn segment by segment as plain text (never parsed as HTML). When the
    first match would start far to the right, the text before it is cut to "…" so the match
    stays in view. The count takes at most half the row, beside the snippet rather than the
    title, so the title (what tells chats apart) keeps the whole width.
    """

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        opt, group, selected, text_color, dim_color = begin_row(self, painter, option, index)
        mark_color = QColor(opt.palette.color(group, QPalette.ColorRole.Accent))
        mark_color.setAlphaF(0.22)

        roles = SearchResultsModel.Roles
        rect = self.text_rect(opt)
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
            LINE_LEFT,
            bold_metrics.elidedText(title, Qt.TextElideMode.ElideRight, rect.width()),
        )

        y = rect.top() + line_height + 2
        right = rect.right() + 1
        more: str = index.data(roles.MoreMatchesTextRole) or ""
        if more:
            small = QFont(opt.font)
            small.setPointSizeF(max(1.0, opt.font.pointSizeF() * TYPE_SCALE["caption"]))
            small_metrics = QFontMetrics(small)
            more = small_metrics.elidedText(more, Qt.TextElideMode.ElideRight, rect.width() // 2)
            more_width = small_metrics.horizontalAdvance(more)
            painter.setFont(small)
            painter.setPen(dim_color)
            painter.drawText(
                QRect(right - more_width, y, more_width, line_height),
                int(
                    Qt.AlignmentFlag.AlignRight
                    | Qt.AlignmentFlag.AlignVCenter
                    | Qt.TextFlag.TextDontClip
                ),
                more,
            )
            right -= more_width + _GAP

        plain: str = index.data(Qt.ItemDataRole.DisplayRole) or ""
        ranges: tuple[tuple[int, int], ...] = index.data(roles.MatchRangesRole) or ()
        segments = _segments(plain, ranges)
        segments = _keep_first_match_in_view(segments, opt.fontMetrics, right - rect.left())
        x = rect.left()
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
                LINE_LEFT,
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

"""ConversationDelegate and SearchResultDelegate: day labels, row sizes, painting."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QAbstractItemModel, QDate, QDateTime, QLocale, QModelIndex, QRect, QTime
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QListView, QStyledItemDelegate, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from desktop.core.conversation import ConversationSummary
from desktop.history.qt.chat_list_model import ConversationListModel
from desktop.history.qt.list_delegates import ConversationDelegate, SearchResultDelegate
from desktop.history.qt.search_results import SearchResultsModel
from desktop.store.conversations import SearchHit


@pytest.fixture
def english_locale() -> Iterator[None]:
    previous = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    yield
    QLocale.setDefault(previous)


def test_day_labels(english_locale: None) -> None:
    delegate = ConversationDelegate()
    today = QDate(2026, 11, 29)  # a Sunday

    def at(day: QDate, hour: int = 12) -> float:
        return QDateTime(day, QTime(hour, 0)).toSecsSinceEpoch()

    assert delegate.day_label(at(today, 0), today) == "Today"
    assert delegate.day_label(at(today.addDays(-1), 23), today) == "Yesterday"
    assert delegate.day_label(at(today.addDays(-2)), today) == "Fri"
    assert delegate.day_label(at(today.addDays(-6)), today) == "Mon"
    assert delegate.day_label(at(QDate(2026, 11, 12)), today) == "12 Nov"
    assert delegate.day_label(at(QDate(2025, 11, 12)), today) == "12 Nov 2025"
    assert delegate.day_label(None, today) == ""


def _list(qtbot: QtBot, model: QAbstractItemModel, delegate: QStyledItemDelegate) -> QListView:
    view = QListView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setItemDelegate(delegate)
    view.resize(240, 300)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_a_chat_row_is_one_line_and_shows_pins(qtbot: QtBot) -> None:
    model = ConversationListModel()
    model.set_conversations(
        [
            ConversationSummary(1, "Pinned chat", True, 0.0, 1.0, pinned=True),
            ConversationSummary(2, "", True, 0.0, 0.5),
        ]
    )
    delegate = ConversationDelegate()
    view = _list(qtbot, model, delegate)
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.rect = QRect(0, 0, 240, 20)
    height = delegate.sizeHint(option, model.index(0, 0)).height()
    two_lines = SearchResultDelegate().sizeHint(option, model.index(0, 0)).height()
    # One line of text with comfortable padding: taller than the text, shorter than two lines.
    assert view.fontMetrics().height() < height < two_lines
    assert not view.grab().isNull()


def test_a_search_hit_is_two_lines_with_the_match_marked(qtbot: QtBot) -> None:
    model = SearchResultsModel()
    lead = "a very long lead before the match " * 5
    model.set_hits([SearchHit(1, 2, "Title", lead + "\x02fox\x03 tail", 1.0)])
    delegate = SearchResultDelegate()
    view = _list(qtbot, model, delegate)
    view.setCurrentIndex(QModelIndex())
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.rect = QRect(0, 0, 240, 20)
    height = delegate.sizeHint(option, model.index(0, 0)).height()
    assert height > 2 * view.fontMetrics().height()
    image = view.viewport().grab().toImage()
    mark = QColor(view.palette().color(QPalette.ColorRole.Highlight))
    # The match is kept in view (the lead is cut to "…") and drawn on a tint of the highlight.
    tinted = {
        image.pixelColor(x, y).name()
        for x in range(0, image.width(), 2)
        for y in range(height // 2, min(height, image.height()), 2)
    }
    assert any(
        _near(QColor(name), mark, view.palette().color(QPalette.ColorRole.Base)) for name in tinted
    )


def _near(colour: QColor, mark: QColor, base: QColor) -> bool:
    """``colour`` lies between ``base`` and ``mark`` (a translucent mark over the row)."""
    return (
        all(
            min(a, b) - 2 <= c <= max(a, b) + 2 and a != b
            for c, a, b in zip(
                colour.getRgb()[:3], base.getRgb()[:3], mark.getRgb()[:3], strict=True
            )
        )
        and colour != base
    )


def test_a_chat_with_more_matches_says_so_beside_its_snippet(qtbot: QtBot) -> None:
    """The count of a chat's other matches sits small and muted at the right of the snippet
    line; the title keeps the whole width (it is what tells chats apart)."""
    model = SearchResultsModel()
    long_title = "A very long chat title that runs to the edge " * 3
    model.set_hits(
        [
            SearchHit(1, 10, long_title, "the \x02fox\x03", 1.0, matches=4),
            SearchHit(2, 20, long_title, "the \x02fox\x03", 1.0, matches=1),
        ]
    )
    view = _list(qtbot, model, SearchResultDelegate())
    view.setCurrentIndex(QModelIndex())
    image = view.viewport().grab().toImage()
    base = view.palette().color(QPalette.ColorRole.Base).lightness()

    def darkest(row: int, line: int) -> int:
        """The darkest ink in the right fifth of one of the row's two lines (base: none)."""
        rect = view.visualRect(model.index(row, 0))
        height = view.fontMetrics().height()
        top = rect.top() + 4 + line * (height + 2)
        inks = [
            image.pixelColor(x, y).lightness()
            for x in range(rect.right() - rect.width() // 5, rect.right() - 4)
            for y in range(top, top + height)
        ]
        return min(inks, default=base)

    assert model.index(0, 0).data(SearchResultsModel.Roles.MoreMatchesTextRole) == (
        "+3 more matches"
    )
    # The count: muted ink at the right of row 0's snippet line, none in row 1's.
    assert darkest(1, 1) == base
    assert darkest(0, 1) < base - 40
    # Both titles run to the right edge (elided there) in the text colour, darker than the
    # muted count.
    assert darkest(0, 0) == darkest(1, 0) < darkest(0, 1) - 40

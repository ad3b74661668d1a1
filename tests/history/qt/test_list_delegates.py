"""ConversationDelegate and SearchResultDelegate: day labels, row sizes, painting."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QDate, QDateTime, QLocale, QTime

from desktop.history.qt.list_delegates import ConversationDelegate


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

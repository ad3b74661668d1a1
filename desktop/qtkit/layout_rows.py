"""Rows that pages and dialogs build the same way: a widget or layout centred between two equal
stretches, and widgets side by side in one form row.

The welcome page and the empty chat centre their columns, buttons and hints; the settings pages
put a field beside its reason, its note or its buttons. One helper each keeps their margins and
stretches the same everywhere.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLayout, QWidget

__all__ = ["centred_row", "side_by_side"]


def centred_row(item: QWidget | QLayout, stretch: int = 0) -> QHBoxLayout:
    """A row with ``item`` between two stretches of 1: ``stretch`` 0 keeps the item at its own
    width; a larger one lets it take that share of the width (10 for about 83 %)."""
    row = QHBoxLayout()
    row.addStretch(1)
    if isinstance(item, QLayout):
        row.addLayout(item, stretch)
    else:
        row.addWidget(item, stretch)
    row.addStretch(1)
    return row


def side_by_side(*widgets: QWidget, stretch_at: int | None = None) -> QWidget:
    """``widgets`` in a row without margins (for a form's field column): the one at
    ``stretch_at`` takes the spare width; with None they keep their widths, left-aligned."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for number, widget in enumerate(widgets):
        layout.addWidget(widget, 1 if number == stretch_at else 0)
    if stretch_at is None:
        layout.addStretch(1)
    return row

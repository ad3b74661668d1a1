"""A push button that calls a slot: the way every page, panel and dialog makes its buttons.

Each made a QPushButton, gave some a tooltip and connected ``clicked`` by hand; NoticeBar's
buttons, the Collections dialog's, the library's and the settings pages' are now made here.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QPushButton, QWidget

__all__ = ["push_button"]


def push_button(
    text: str,
    slot: Callable[..., object],
    *,
    tooltip: str = "",
    parent: QWidget | None = None,
) -> QPushButton:
    """A button labelled ``text`` (our own words, with its & mnemonic) whose ``clicked`` calls
    ``slot``; ``tooltip``, when given, is our own words too (untrusted text needs
    plain_tooltip)."""
    button = QPushButton(text, parent)
    if tooltip:
        button.setToolTip(tooltip)
    button.clicked.connect(slot)
    return button

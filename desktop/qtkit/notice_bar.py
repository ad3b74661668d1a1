"""A bar of plain text with buttons at its right, for offers and notices above a page.

The offer to load the model a reopened chat used, the model manager's "download finished"
banner and the long-text offer above the composer are the same widget: this one.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from desktop.qtkit.push_button import push_button

__all__ = ["NoticeBar"]


class NoticeBar(QWidget):
    """:attr:`label` (plain text, so untrusted names stay text) and the buttons added with
    :meth:`add_button`, on the palette's alternate background; hidden until its owner shows it.

    Signals:
        None of its own; the buttons' ``clicked`` go to the slots given to :meth:`add_button`.
    """

    def __init__(self, margin: int = 12, wrap: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(margin, 4, margin, 4)
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(wrap)
        self._layout.addWidget(self.label, 1)
        self.hide()

    def add_button(self, text: str, slot: Callable[[], object]) -> QPushButton:
        """A button at the right end of the bar that calls ``slot`` when clicked."""
        button = push_button(text, slot, parent=self)
        self._layout.addWidget(button)
        return button

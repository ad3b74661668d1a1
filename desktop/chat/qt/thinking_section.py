"""The collapsible "Thinking" section above a reasoning model's answer.

Open while the thinking streams, so the user sees the model work; collapsed to "Thought for
12 s" once the answer starts, so the answer is what the eye lands on; a click toggles it. The
thinking is untrusted model output and is shown as plain text: nothing in it is interpreted,
loaded or followed.
"""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QTextCursor, QWheelEvent
from PySide6.QtWidgets import QTextBrowser, QToolButton, QWidget

from desktop.core.design import SPACE_M
from desktop.qtkit.safe_text import setup_inline_text
from desktop.qtkit.theme import recolour_on_theme_change

__all__ = ["ThinkingSection"]

_GAP = 4
_INDENT = 12  # the thinking sits right of a thin rule, set apart from the answer below
_RULE_WIDTH = 2
AFTER_OPEN = SPACE_M
"""Room below the open thinking (more than between its own paragraphs), so the answer under
it reads as a new start, not as the thinking's last paragraph."""


class _PlainTextView(QTextBrowser):
    """Selectable plain text sized by its owner; appends streamed text without a re-layout."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        setup_inline_text(self)
        self._text = ""

    def wheelEvent(self, event: QWheelEvent) -> None:
        event.ignore()  # the conversation scrolls, not this part of one message

    def show_text(self, text: str) -> None:
        """Shows ``text``; when it only grew, just the new end is inserted."""
        if text == self._text:
            return
        if self._text and text.startswith(self._text):
            cursor = QTextCursor(self.document())
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertText(text[len(self._text) :])
        else:
            self.setPlainText(text)
        self._text = text

    def height_for(self, width: int) -> int:
        document = self.document()
        if document.textWidth() != width:
            document.setTextWidth(max(1, width))
        return math.ceil(document.size().height())


class ThinkingSection(QWidget):
    """A toggle button with the thinking's state and, when open, the thinking itself.

    The owner lays it out with :meth:`fit` (the chat view positions bubbles by hand).

    Signals:
        toggled(bool): the user opened (True) or closed the section; the owner lays the
            bubble out again.
    """

    toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._button = QToolButton(self)
        self._button.setAutoRaise(True)
        self._button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self._button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._button.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._button.clicked.connect(self._on_button_clicked)
        self._view = _PlainTextView(self)
        self._view.hide()
        self._text = ""
        self._active = False
        self._since = 0.0  # when the thinking started streaming, for the running count
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._update_button)
        self._expanded = False
        self._seconds: float | None = None
        self._mute()
        self._update_button()

    @property
    def button(self) -> QToolButton:
        """The toggle (exposed for tests and keyboard users)."""
        return self._button

    @property
    def expanded(self) -> bool:
        return self._expanded

    @property
    def active(self) -> bool:
        """True while the thinking is still streaming."""
        return self._active

    def shown_text(self) -> str:
        """The thinking as on screen; empty while the section is closed."""
        return self._view.toPlainText() if self._expanded else ""

    def text_colour(self) -> QColor:
        """The colour the thinking is set in: the palette's muted text colour."""
        return self._view.palette().color(QPalette.ColorRole.Text)

    def set_thinking(self, text: str, seconds: float | None, active: bool) -> None:
        """Shows the thinking of one reply; ``active`` while it is still streaming.

        A section opens when its thinking starts streaming and closes when it ends; text that
        does not continue the previous text belongs to another reply and starts closed.
        """
        text = text.strip() if not active else text.lstrip()
        if not text.startswith(self._text) or not self._text:
            self._expanded = active
        if self._active and not active:
            self._expanded = False  # the answer starts: out of its way
        if active and not self._active:
            self._since = time.monotonic()
            self._clock.start()
        elif not active:
            self._clock.stop()
        self._text, self._seconds, self._active = text, seconds, active
        if self._expanded:
            self._view.show_text(text)
        self._view.setVisible(self._expanded)
        self._update_button()

    def fit(self, width: int) -> int:
        """Lays the section out ``width`` pixels wide at (its own) top; returns its height."""
        hint = self._button.sizeHint()
        self._button.setGeometry(0, 0, min(width, hint.width()), hint.height())
        height = hint.height()
        if self._expanded:
            text_width = max(1, width - _INDENT)
            view_height = self._view.height_for(text_width)
            self._view.setGeometry(_INDENT, height + _GAP, text_width, view_height)
            height += _GAP + view_height + AFTER_OPEN
        self.resize(width, height)
        return height

    def minimum_width(self) -> int:
        return self._button.sizeHint().width()

    def sizeHint(self) -> QSize:
        return self.size()

    def changeEvent(self, event: QEvent) -> None:
        recolour_on_theme_change(self, event, self._mute)  # light/dark, a dimmed bubble
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self._expanded:
            return
        painter = QPainter(self)
        color = self.palette().color(QPalette.ColorRole.PlaceholderText)
        color.setAlphaF(0.5)
        view = self._view.geometry()
        painter.fillRect(4, view.top(), _RULE_WIDTH, view.height(), color)
        painter.end()

    def _mute(self) -> None:
        """Thinking is set in the muted text colour, so the answer stands out below it."""
        palette = QPalette(self._view.palette())
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText)
        if palette.color(QPalette.ColorRole.Text) != muted:
            palette.setColor(QPalette.ColorRole.Text, muted)
            self._view.setPalette(palette)

    def _on_button_clicked(self) -> None:
        self._expanded = not self._expanded
        if self._expanded:
            self._view.show_text(self._text)
        self._view.setVisible(self._expanded)
        self._update_button()
        self.update()
        self.toggled.emit(self._expanded)

    def _update_button(self) -> None:
        button = self._button
        button.setArrowType(Qt.ArrowType.DownArrow if self._expanded else Qt.ArrowType.RightArrow)
        if self._active:
            elapsed = int(time.monotonic() - self._since)
            label = self.tr("Thinking… %n s", "", elapsed) if elapsed >= 1 else self.tr("Thinking…")
        elif self._seconds is not None:
            label = self.tr("Thought for %n s", "", max(1, round(self._seconds)))
        else:
            label = self.tr("Thoughts")
        button.setText(label)
        button.setToolTip(
            self.tr("Hide the model's thinking")
            if self._expanded
            else self.tr("Show the model's thinking")
        )
        button.setAccessibleName(label)
        if button.width() and self.width():  # laid out already: a longer label needs room now
            button.resize(min(self.width(), button.sizeHint().width()), button.height())

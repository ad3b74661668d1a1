"""The inline editor of a sent message: a text box with the composer's keys, a key hint,
Cancel and Send.

Built on a bubble's first edit only (most bubbles are never edited). The bubble decides which
text it starts with and what to do with the result; the editor reports a new height as it grows
so the bubble can be laid out again without a layout pass anywhere else.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPalette, QTextCursor, QTextOption, QWheelEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QSizePolicy, QWidget

from desktop.chat.qt.composer import ChatKeysEdit

__all__ = ["EditBox", "MessageEditor"]

#: The editor grows with its text up to this many lines, then scrolls.
_EDITOR_MAX_LINES = 16
#: Space between the text box and the row of buttons.
_GAP = 4


class EditBox(ChatKeysEdit):
    """Plain text box for editing a sent message, with the composer's keys.

    Enter (or Ctrl+Enter) sends, Shift+Enter breaks the line, Esc cancels. The keys are claimed
    on ``ShortcutOverride`` too, so a window shortcut on Enter or Esc cannot steal them while
    the editor has focus.

    Signals:
        submit(): Enter was pressed.
        escape(): Esc was pressed (cancel the edit).
    """

    _KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape)

    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() in self._KEYS
        ):
            event.accept()
            return True
        return super().event(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        # Scroll the editor only when it has more lines than it shows; otherwise the wheel
        # belongs to the conversation.
        bar = self.verticalScrollBar()
        if bar.maximum() > 0:
            super().wheelEvent(event)
        else:
            event.ignore()


class MessageEditor(QWidget):
    """The text box and, under it, the key hint, Cancel and Send.

    Signals:
        submitted(str): Send or Enter with text, while actions are allowed; the text is stripped
            and not empty.
        cancelled(): Cancel or Esc.
        height_changed(): while editing, the text needs a different height; the owner should
            lay the bubble out again (see :meth:`fit`).
    """

    submitted = Signal(str)
    cancelled = Signal()
    height_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._active = False
        self._actions_enabled = True
        box = EditBox(self)
        box.setTabChangesFocus(True)
        box.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        box.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        box.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        box.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        box.setAccessibleName(self.tr("Edit message"))
        box.submit.connect(self._on_submit)
        box.escape.connect(self._on_cancel)
        box.document().contentsChanged.connect(self._on_contents_changed)

        buttons = QWidget(self)
        layout = QHBoxLayout(buttons)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        hint = QLabel(self.tr("Enter to send, Shift+Enter for a new line, Esc to cancel"), buttons)
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        hint.setMinimumWidth(1)  # never pushes the buttons out; hidden when it cannot fit
        cancel = QPushButton(self.tr("Cancel"), buttons)
        cancel.setToolTip(self.tr("Keep the message as it was (Esc)"))
        cancel.clicked.connect(self._on_cancel)
        send = QPushButton(self.tr("Send"), buttons)
        send.setToolTip(self.tr("Send the edited message as a new version (Enter)"))
        send.clicked.connect(self._on_submit)
        layout.addWidget(hint, 1)
        layout.addStretch(0)  # takes the room when the hint is hidden
        for button in (cancel, send):
            # Stay at the right, button-sized, also when the hint is hidden.
            button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            layout.addWidget(button)
        self._box, self._buttons, self._hint, self._send = box, buttons, hint, send

    def box(self) -> QPlainTextEdit:
        """The text box."""
        return self._box

    def start(self, text: str) -> None:
        """Hold ``text``, caret at its end; the owner shows the editor and refits the bubble."""
        self._active = True
        self._box.setPlainText(text)
        self._box.moveCursor(QTextCursor.MoveOperation.End)

    def stop(self) -> None:
        """Editing ended; height changes are no longer reported."""
        self._active = False

    def set_actions_enabled(self, enabled: bool) -> None:
        """Send waits while actions are not allowed (a reply is streaming); Cancel works."""
        self._actions_enabled = enabled
        self._send.setEnabled(enabled and self._has_text())

    def fit(self, width: int) -> int:
        """Lay the box and the buttons out ``width`` wide; returns the height they take."""
        box, buttons = self._box, self._buttons
        if box.width() != width:
            box.setGeometry(0, 0, width, max(1, box.height()))
        box_height = self.box_height()
        box.setGeometry(0, 0, width, box_height)
        y = box_height + _GAP
        # The key hint is a nicety: drop it rather than show half of it.
        self._hint.show()
        self._hint.setVisible(buttons.sizeHint().width() <= width)
        buttons_height = buttons.sizeHint().height()
        buttons.setGeometry(0, y, width, buttons_height)
        return y + buttons_height

    def box_height(self) -> int:
        """Height that shows the box's text at its current width, capped at a few lines.

        Summing block heights from the plain text layout lays out only what is needed and
        matches exactly how the box wraps.
        """
        box = self._box
        document = box.document()
        layout = document.documentLayout()
        text_height = 0.0
        block = document.begin()
        while block.isValid():
            text_height += layout.blockBoundingRect(block).height()
            block = block.next()
        line = box.fontMetrics().lineSpacing()
        shown = min(max(text_height, line), _EDITOR_MAX_LINES * line)
        policy = (
            Qt.ScrollBarPolicy.ScrollBarAsNeeded
            if text_height > _EDITOR_MAX_LINES * line
            else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        )
        if box.verticalScrollBarPolicy() != policy:
            box.setVerticalScrollBarPolicy(policy)
        margins = box.contentsMargins()
        chrome = 2 * document.documentMargin() + margins.top() + margins.bottom()
        return math.ceil(shown + chrome)

    def _has_text(self) -> bool:
        return bool(self._box.toPlainText().strip())

    def _on_submit(self) -> None:
        if not self._active or not self._actions_enabled:
            return
        text = self._box.toPlainText().strip()
        if text:
            self.submitted.emit(text)

    def _on_cancel(self) -> None:
        if self._active:
            self.cancelled.emit()

    def _on_contents_changed(self) -> None:
        self._send.setEnabled(self._actions_enabled and self._has_text())
        if self._active and self.box_height() != self._box.height():
            self.height_changed.emit()

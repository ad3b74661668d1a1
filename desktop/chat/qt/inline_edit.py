"""Editing a message in place: the bubble's text gives way to a
:class:`~desktop.chat.qt.message_editor.MessageEditor` and comes back when it closes.

Kept apart from :class:`~desktop.chat.qt.message_widget.MessageWidget` so the bubble stays
small; the bubble makes one on the first edit, so bubbles never edited cost nothing.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from desktop.chat.qt.message_editor import MessageEditor
from desktop.chat.qt.message_header import MessageHeader

__all__ = ["InlineEdit"]


class InlineEdit(QObject):
    """Swaps a bubble's text box for an editor (:meth:`start`) and back (:meth:`stop`).

    The editor is a child of the bubble, which places it. The header shows its editing state
    and gets the focus back when the editor had it.

    Signals:
        submitted(str): the editor was sent; the text is stripped and not empty. The bubble
            is back in display mode when this is emitted.
        cancelled(): the editor was closed without sending (display mode again, likewise).
        resized(): the editor's text needs a different height.
    """

    submitted = Signal(str)
    cancelled = Signal()
    resized = Signal()

    def __init__(
        self, bubble: QWidget, body: QWidget, header: MessageHeader, *, actions_enabled: bool
    ) -> None:
        super().__init__(bubble)
        self._body = body
        self._header = header
        self._editing = False
        self._editor = MessageEditor(bubble)
        self._editor.hide()
        self._editor.set_actions_enabled(actions_enabled)
        self._editor.submitted.connect(self._on_submitted)
        self._editor.cancelled.connect(self._on_cancelled)
        self._editor.height_changed.connect(self.resized)
        self._actions_enabled = actions_enabled

    def is_editing(self) -> bool:
        return self._editing

    def editor(self) -> MessageEditor:
        return self._editor

    def set_actions_enabled(self, enabled: bool) -> None:
        """Enable or disable the editor's Send (it stays shown)."""
        self._actions_enabled = enabled
        self._editor.set_actions_enabled(enabled)

    def start(self, text: str) -> None:
        """Hide the text and show the editor holding ``text``, focused."""
        editor = self._editor
        self._editing = True
        editor.start(text)
        self._body.hide()
        editor.show()
        self._header.set_editing(True)
        editor.set_actions_enabled(self._actions_enabled)
        editor.box().setFocus(Qt.FocusReason.OtherFocusReason)

    def stop(self) -> None:
        """Back to showing the text; does nothing when not editing."""
        if not self._editing:
            return
        had_focus = self._editor.box().hasFocus()
        self._editing = False
        self._editor.stop()
        self._editor.hide()
        self._body.show()
        self._header.set_editing(False)
        if had_focus:
            self._header.focus_action()

    def _on_submitted(self, text: str) -> None:
        if self._editing:
            self.stop()
            self.submitted.emit(text)

    def _on_cancelled(self) -> None:
        if self._editing:
            self.stop()
            self.cancelled.emit()

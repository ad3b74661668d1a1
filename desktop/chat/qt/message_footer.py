"""What a message says under its text: the "not sent" note and a reply's quiet footer line.

Kept apart from :class:`~desktop.chat.qt.message_widget.MessageWidget` so the bubble stays
small; the bubble still places both labels, since the sources line sits between its text and
them.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QLabel, QWidget

from desktop.core.conversation import FinishReason
from desktop.core.design import TYPE_SCALE
from desktop.qtkit.plain_text import plain_tooltip

__all__ = ["MessageFooter"]


class MessageFooter(QObject):
    """A message's note (it was not sent to the model) and its footer (model · speed · why the
    reply ended, e.g. "Stopped").

    Not a widget: its two labels are children of the bubble, which lays them out. The model's
    name comes from its file or an import, so the footer shows it as written (plain text).
    Has no signals.
    """

    def __init__(self, bubble: QWidget) -> None:
        super().__init__(bubble)
        self._note = QLabel(bubble)
        self._note.setWordWrap(True)
        self._note.setTextFormat(Qt.TextFormat.PlainText)
        note_font = QFont(self._note.font())
        note_font.setItalic(True)
        self._note.setFont(note_font)
        self._note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._note.hide()
        self._notes: list[str] = []
        self._line = QLabel(bubble)
        self._line.setWordWrap(True)
        self._line.setTextFormat(Qt.TextFormat.PlainText)
        line_font = QFont(self._line.font())
        line_font.setPointSizeF(line_font.pointSizeF() * TYPE_SCALE["caption"])
        self._line.setFont(line_font)
        self._line.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._line.hide()

    def note_label(self) -> QLabel:
        """The italic note under the text ("Not sent to the model: ..."), hidden when empty."""
        return self._note

    def label(self) -> QLabel:
        """The quiet footer line, hidden when empty."""
        return self._line

    def set_state(
        self,
        *,
        meta: str,
        finish_reason: FinishReason | None,
        excluded: bool,
        empty: bool = False,
    ) -> None:
        """Show the note (when ``excluded``) and the footer (``meta`` and why the reply ended;
        a reply that ended as the model chose with ``empty`` text says it wrote nothing, since
        an empty bubble says nothing at all).

        Called on every streamed render, so labels are only touched when they change.
        """
        excluded_note = (
            self.tr("Not sent to the model: the conversation is longer than the context window")
            if excluded
            else ""
        )
        finish_notes = {
            FinishReason.CANCELLED: self.tr("Stopped"),
            FinishReason.LENGTH: self.tr("Cut off: the reply reached Max tokens (Model settings)"),
            FinishReason.CONTEXT: self.tr("Cut off: the reply filled the context window"),
            FinishReason.ERROR: self.tr("The reply ended with an error"),
            FinishReason.INTERRUPTED: self.tr("Interrupted: the app closed before the reply ended"),
            FinishReason.BLANK: self.tr("Stopped: the model was writing only blank space"),
        }
        ended = finish_notes.get(finish_reason, "") if finish_reason is not None else ""
        if empty and finish_reason == FinishReason.STOP:
            ended = self.tr("The model ended its reply without writing anything")
        self._notes = [note for note in (excluded_note, ended) if note]
        if excluded_note != self._note.text() or self._note.isHidden() == bool(excluded_note):
            self._note.setText(excluded_note)
            self._note.setVisible(bool(excluded_note))
        footer = " · ".join(part for part in (meta, ended) if part)
        if footer != self._line.text() or self._line.isHidden() == bool(footer):
            # The escaped tooltip is remade only on change.
            self._line.setText(footer)
            self._line.setToolTip(plain_tooltip(footer) if footer else "")
            self._line.setVisible(bool(footer))

    def note_text(self) -> str:
        """What the message says about itself under its text: that it was not sent, and why
        a reply ended ("Stopped", ...), one per line; empty when it says nothing."""
        return "\n".join(self._notes)

    def text(self) -> str:
        """The quiet line under a reply (model · speed · why it ended), empty when hidden."""
        return self._line.text() if not self._line.isHidden() else ""

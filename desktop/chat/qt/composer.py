"""The message composer: a rounded card with a growing text box, a row of chips and a round
Send/Stop button.

The composer is a card (ComposerCard, composer_card.py) holding, top to bottom: what the
message will use (the attached collections' chips, :meth:`Composer.add_attachments`), the box,
and a row with chips on the left (the documents feature's Documents chip, placed by
desktop/app.py through :meth:`Composer.add_chip`; room for tools and images later), a status
part (the chat's context meter, :meth:`Composer.add_status`) and Send at the right, which turns
into Stop while a reply streams.

The composer never clears itself when it asks to send: the caller clears it once the message
has really been accepted, so a failed send never loses what the user typed.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QSize, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent, QResizeEvent, QTextCursor, QTextLayout, QTextOption
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.chat.qt.composer_card import ComposerCard, SendButton
from desktop.core.design import SPACE_L, SPACE_M, SPACE_S, SPACE_XS

__all__ = ["ChatKeysEdit", "Composer"]

#: The input grows with its text up to this many lines, then scrolls.
_MAX_LINES = 8


def _wrapped_lines(text: str, font: QFont, width: int) -> int:
    """Lines `text` takes when word-wrapped at `width`, laid out as the box lays out text (font
    metrics alone miscount: a fallback font, e.g. for Chinese, has its own line height)."""
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    lines = 0
    layout.beginLayout()
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        lines += 1
    layout.endLayout()
    return max(1, lines)


LONG_TEXT_CHARS = 2000
"""A paste this long is measured in tokens before it is sent (see long_text_inserted)."""
TEXT_FILE_SUFFIXES = (".txt", ".md", ".markdown")
"""Text files that can be dropped into the message; larger than MAX_TEXT_FILE_BYTES are refused."""
MAX_TEXT_FILE_BYTES = 4 << 20


def read_text_file(path: Path) -> str:
    """The text of a dropped file; ValueError with a sentence for the user when it cannot be
    inserted. Files are untrusted: size is checked first, and binary content is refused."""
    size = path.stat().st_size
    if size > MAX_TEXT_FILE_BYTES:
        raise ValueError(f"{path.name} is {size / 2**20:.1f} MB; text files up to 4 MB fit here.")
    data = path.read_bytes()
    if b"\x00" in data:
        raise ValueError(f"{path.name} is not a text file.")
    return data.decode("utf-8", errors="replace").replace("\r\n", "\n")


def _text_files(source: QMimeData) -> list[Path]:
    if not source.hasUrls():
        return []
    paths = [Path(url.toLocalFile()) for url in source.urls() if url.isLocalFile()]
    return [p for p in paths if p.suffix.lower() in TEXT_FILE_SUFFIXES]


class ChatKeysEdit(QPlainTextEdit):
    """Plain text input whose keys mean chat actions, for the composer and the inline editor.

    Enter sends, Shift+Enter breaks the line, Esc stops or cancels. Handled here rather than
    with an event filter so the keys work however focus reached the box.

    Signals:
        submit(): Enter was pressed.
        escape(): Esc was pressed.
    """

    submit = Signal()
    escape = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.insertPlainText("\n")
            else:
                self.submit.emit()
            event.accept()
            return
        if key == Qt.Key.Key_Escape:
            self.escape.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class _InputEdit(ChatKeysEdit):
    """The composer's box: grows with its text (see :meth:`set_heights`).

    Signals:
        long_text_inserted(str): a paste of LONG_TEXT_CHARS or more, or a dropped text file.
        file_refused(str): a dropped text file could not be inserted; says why.
        font_changed(): the box's font changed (Text size): its lines are measured anew.
    """

    long_text_inserted = Signal(str)
    file_refused = Signal(str)
    font_changed = Signal()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.font_changed.emit()

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return bool(_text_files(source)) or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        files = _text_files(source)
        if files:
            for path in files:
                self.insert_file(path)
            return
        text = source.text() if source.hasText() else ""
        super().insertFromMimeData(source)
        if len(text) >= LONG_TEXT_CHARS:
            self.long_text_inserted.emit(text)

    def insert_file(self, path: Path) -> bool:
        """Inserts a text file's content at the cursor; False (and file_refused) if it cannot."""
        try:
            text = read_text_file(path)
        except ValueError as error:
            self.file_refused.emit(str(error))
            return False
        except OSError as error:
            self.file_refused.emit(f"{path.name}: {error.strerror or error}")
            return False
        self.insertPlainText(text)
        self.long_text_inserted.emit(text)
        return True

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._hint_height = 0
        self._min_height = 0

    def set_heights(self, hint: int, minimum: int) -> None:
        """Ask the layout for ``hint`` pixels; never get squeezed under ``minimum``.

        A size hint rather than ``setFixedHeight``: fixed sizes change the window's size
        constraints on every keystroke that adds a line.
        """
        if (hint, minimum) != (self._hint_height, self._min_height):
            self._hint_height, self._min_height = hint, minimum
            self.updateGeometry()

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self._hint_height)

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self._min_height)


class Composer(ComposerCard):
    """Where the user writes the next message: a rounded card (ComposerCard).

    Signals:
        send_requested(str): the user asked to send this text (stripped, never empty). The
            composer keeps the text until the caller calls :meth:`clear`.
        stop_requested(): the user asked to stop the reply that is streaming.
        draft_changed(): the text in the box changed (the context meter recounts).
        long_text_inserted(str): a long paste or a dropped text file went into the box.
        file_refused(str): a dropped text file could not be inserted; the sentence says why.
        attention_changed(bool): the pointer came over the composer, or the keyboard focus
            reached one of its controls other than the box (True); or both ended (False). The
            context meter shows itself then, even while it has nothing to warn about.
    """

    send_requested = Signal(str)
    stop_requested = Signal()
    draft_changed = Signal()
    long_text_inserted = Signal(str)
    file_refused = Signal(str)
    attention_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composer")
        self._streaming = False
        self._ready = True
        self._too_long = False
        self._hovered = False
        self._attention = False
        self._ready_placeholder = self.tr(
            "Write a message… (Enter to send, Shift+Enter for a new line)"
        )

        self.editor = _InputEdit(self)
        self.editor.setObjectName("composerInput")
        # The card is the frame. No style sheet here: a widget with its own would stop
        # following palette changes (light ↔ dark); the box's base is the card's surface.
        self.editor.setFrameShape(QFrame.Shape.NoFrame)
        self.editor.setTabChangesFocus(True)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.editor.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self.editor.setPlaceholderText(self._ready_placeholder)
        self.editor.setAccessibleName(self.tr("Message"))
        self.editor.submit.connect(self._on_input_submit)
        self.editor.escape.connect(self._on_input_escape)
        self.editor.document().contentsChanged.connect(self._update_height)
        self.editor.textChanged.connect(self._update_button)
        self.editor.textChanged.connect(self.draft_changed)
        self.editor.long_text_inserted.connect(self.long_text_inserted)
        self.editor.file_refused.connect(self.file_refused)
        self.editor.font_changed.connect(self._update_height)

        self.send_button = SendButton("send", self.tr("Send the message (Enter)"), self)
        self.send_button.setObjectName("composerButton")
        self.send_button.clicked.connect(self._on_button_clicked)

        self._chips = QHBoxLayout()
        self._chips.setContentsMargins(0, 0, 0, 0)
        self._chips.setSpacing(SPACE_XS)
        self._bottom = QHBoxLayout()
        self._bottom.setContentsMargins(0, 0, 0, 0)
        self._bottom.setSpacing(SPACE_S)
        self._bottom.addLayout(self._chips)
        self._bottom.addStretch(1)
        self._bottom.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)

        self.setContentsMargins(SPACE_L, SPACE_XS, SPACE_L, SPACE_M)  # around the card
        self._card_layout = QVBoxLayout(self)
        self._card_layout.setContentsMargins(SPACE_M, SPACE_S, SPACE_S, SPACE_S)  # inside it
        self._card_layout.setSpacing(SPACE_XS)
        self._card_layout.addWidget(self.editor)
        self._card_layout.addLayout(self._bottom)
        self._tab_chain: list[QWidget] = [self.editor, self.send_button]
        """Tab's order through the card: what the message will use (above the box), the box, the
        chips, Send, the status; never into the conversation, where it would jump to a message
        far up and scroll there."""

        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_focus_moved)
        self._update_button()
        self._update_height()

    # -- public API ---------------------------------------------------------------------------

    def text(self) -> str:
        """The text as typed (not stripped)."""
        return self.editor.toPlainText()

    def set_text(self, text: str) -> None:
        """Put ``text`` in the box (e.g. to edit a message again)."""
        self.editor.setPlainText(text)

    def insert_file(self, path: Path) -> bool:
        """Puts a .txt/.md file's text into the message at the cursor (File › Insert text
        file…); the long-text offer follows. False when it cannot be read as text."""
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)
        return self.editor.insert_file(path)

    def trim_part(self, part: str, keep_chars: int) -> bool:
        """Cuts `part` (a paste still in the box) down to its first `keep_chars` characters,
        as one step Ctrl+Z undoes; False when the box no longer holds it."""
        text = self.text()
        start = text.rfind(part)
        if start < 0 or keep_chars >= len(part):
            return False

        def utf16(index: int) -> int:  # Qt counts UTF-16 units, Python code points
            return len(text[:index].encode("utf-16-le")) // 2

        cursor = QTextCursor(self.editor.document())
        cursor.setPosition(utf16(start + max(0, keep_chars)))
        cursor.setPosition(utf16(start + len(part)), QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        return True

    def clear(self) -> None:
        """Empty the box; called by the owner once a message was accepted."""
        self.editor.clear()

    def focus_input(self) -> None:
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def add_chip(self, widget: QWidget) -> None:
        """Puts ``widget`` (an icon chip such as Documents) at the end of the chips left of
        Send; a feature's chips are placed here by desktop/app.py."""
        self._chips.addWidget(widget, 0, Qt.AlignmentFlag.AlignVCenter)
        self._tab_chain.insert(self._tab_chain.index(self.send_button), widget)
        self._chain_tabs()

    def add_attachments(self, widget: QWidget) -> None:
        """Puts ``widget`` (what the message will use: attached collections, later images) at
        the top of the card, above the box."""
        self._card_layout.insertWidget(0, widget)
        self._tab_chain.insert(0, widget)  # above the box: Shift+Tab from it
        self._chain_tabs()

    def add_status(self, widget: QWidget) -> None:
        """Puts ``widget`` (the context meter) between the chips and Send, where it may take
        the free width."""
        self._bottom.setStretch(1, 0)
        self._bottom.insertWidget(self._bottom.count() - 1, widget, 1)
        # In Tab's order after Send: the meter's choice shows once a control of the card has
        # the focus (has_attention), so Send comes first.
        self._tab_chain.append(widget)
        self._chain_tabs()

    def _chain_tabs(self) -> None:
        # Added by other features after the window's other widgets were made, the chips would
        # come last in Tab's order (after the side bar); Tab from the box reaches them next.
        for first, second in itertools.pairwise(self._tab_chain):
            QWidget.setTabOrder(first, second)

    def has_attention(self) -> bool:
        """Whether the pointer is over the composer or the focus is on one of its controls
        other than the box (see attention_changed)."""
        return self._attention

    def is_streaming(self) -> bool:
        return self._streaming

    def set_streaming(self, streaming: bool) -> None:
        """Turn Send into Stop while a reply streams, and back."""
        self._streaming = streaming
        self._update_button()

    def set_too_long(self, too_long: bool) -> None:
        """The context meter found the message too long to send: Send waits until it is
        shorter (Enter still asks, and is answered with the offer to trim it)."""
        if too_long != self._too_long:
            self._too_long = too_long
            self._update_button()

    def set_ready(self, ready: bool, reason: str = "") -> None:
        """Enable or disable sending; ``reason`` is shown in the empty box while disabled.

        Typed text is kept while disabled, so nothing is lost when a model unloads.
        """
        self._ready = ready
        self.editor.setEnabled(ready)
        self.editor.setPlaceholderText(self._ready_placeholder if ready else reason)
        self._update_button()
        self._update_height()

    # -- behaviour ----------------------------------------------------------------------------

    def _on_input_submit(self) -> None:
        if not self._streaming:
            self._send()

    def _on_input_escape(self) -> None:
        if self._streaming:
            self.stop_requested.emit()

    def _on_button_clicked(self) -> None:
        if self._streaming:
            self.stop_requested.emit()
        else:
            self._send()

    def _send(self) -> None:
        text = self.text().strip()
        if text and self._ready:
            self.send_requested.emit(text)

    def _update_button(self) -> None:
        if self._streaming:
            self.send_button.set_meaning("stop", self.tr("Stop the reply (Esc)"))
            self.send_button.setEnabled(True)
        else:
            if self._too_long:
                tip = self.tr(
                    "Too long for the model's context window: shorten the message or trim it to fit"
                )
            else:
                tip = self.tr("Send the message (Enter)")
            self.send_button.set_meaning("send", tip)
            has_text = bool(self.text().strip())
            enabled = self._ready and has_text and not self._too_long
            if not enabled and self.send_button.hasFocus() and self.editor.isEnabled():
                # Stop was clicked (the reply ended): the box gets the focus back, where Qt
                # would pass it to the next control (the context choice) when the button is
                # disabled.
                self.editor.setFocus(Qt.FocusReason.OtherFocusReason)
            self.send_button.setEnabled(enabled)

    def _on_focus_moved(self, _old: QWidget | None, _new: QWidget | None) -> None:
        self._update_attention()

    def _update_attention(self) -> None:
        focus = QApplication.focusWidget()
        on_control = focus is not None and focus is not self.editor and self.isAncestorOf(focus)
        attention = self._hovered or on_control
        if attention != self._attention:
            self._attention = attention
            self.attention_changed.emit(attention)

    def enterEvent(self, event: QEvent) -> None:
        super().enterEvent(event)
        self._hovered = True
        self._update_attention()

    def leaveEvent(self, event: QEvent) -> None:
        super().leaveEvent(event)
        self._hovered = False
        self._update_attention()

    def _update_height(self) -> None:
        """Grow from one line to _MAX_LINES with the text; beyond that the box scrolls."""
        document = self.editor.document()
        line_count = 0
        block = document.begin()
        while block.isValid():
            layout = block.layout()
            lines = layout.lineCount() if layout is not None else 0
            line_count += max(1, lines)
            block = block.next()
        metrics = self.editor.fontMetrics()
        placeholder = self.editor.placeholderText()
        if document.isEmpty() and placeholder:
            # The hint shows when the box is empty; in a narrow window it wraps, and a box one
            # line high would cut it in half.
            width = max(1, self.editor.viewport().width() - 2 * int(document.documentMargin()))
            line_count = max(line_count, _wrapped_lines(placeholder, self.editor.font(), width))
        lines = min(max(1, line_count), _MAX_LINES)
        margins = self.editor.contentsMargins()
        chrome = 2 * int(document.documentMargin()) + margins.top() + margins.bottom()
        self.editor.set_heights(
            lines * metrics.lineSpacing() + chrome, metrics.lineSpacing() + chrome
        )
        policy = (
            Qt.ScrollBarPolicy.ScrollBarAsNeeded
            if line_count > _MAX_LINES
            else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        )
        self.editor.setVerticalScrollBarPolicy(policy)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_height()  # a new width can change how many lines the text wraps into

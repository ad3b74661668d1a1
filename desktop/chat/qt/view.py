"""The conversation view: one bubble per message, bound to a :class:`MessageListModel`.

The view is a thin adapter: it creates, updates and removes one :class:`MessageWidget` per
model row in response to the model's signals and keeps no message data of its own (the Copy
button reads the text from the model at the moment it is pressed).

Two constraints shape it:

* Model output is untrusted. Replies are rendered by :mod:`desktop.core.markdown` (no raw HTML,
  no images, safe link schemes only) into a :class:`SafeTextBrowser` that refuses to load any
  resource, and a link opens only after the user confirms, and only for http and https.
* Streaming must cost the same in a 5-message chat and a 500-message chat. Bubbles are placed
  by :class:`_MessageColumn` at cumulative y offsets instead of a ``QVBoxLayout``: when the
  height of row *i* changes only rows after *i* move, so the streaming (last) row costs O(1).
  Re-rendering the streaming row is rate-limited by one :class:`RepaintThrottle`.
* One streaming update must not cost more as the reply grows. While a reply streams, its
  completed top-level Markdown blocks (everything before the last blank line outside a code
  fence) are rendered once and appended to the document; each update removes and re-renders
  only the last, growing block (:class:`_BlockSplitter`, :meth:`MessageWidget.set_text`).
  When the reply finishes it is rendered whole once, so the final view is the full render.

Messages form a tree (edits and regenerations add siblings). The view only shows which version
of a message is on screen and asks for another one (``sibling_requested``); the caller rebuilds
the rows. Long conversations are paged: the caller shows the newest rows, the view asks for
earlier ones (``earlier_requested``) when the user nears the top, and keeps the user's place
when they are prepended.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable, Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSize,
    QSizeF,
    Qt,
    QTimer,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QDesktopServices,
    QFont,
    QGuiApplication,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPyTextObject,
    QResizeEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextDocumentFragment,
    QTextFormat,
    QTextOption,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTextBrowser,
    QToolButton,
    QWidget,
)

from desktop.chat.qt.composer import ChatKeysEdit
from desktop.chat.qt.message_model import MessageListModel, SourcesNote
from desktop.chat.qt.sources_line import SourcesLine
from desktop.chat.qt.thinking_section import ThinkingSection
from desktop.core.conversation import FinishReason, MessageSource, Role
from desktop.core.markdown import (
    COPY_SCHEME,
    SOURCE_SCHEME,
    MarkdownLabels,
    RenderedMarkdown,
    render_markdown,
)
from desktop.qtkit.theme import RELAYOUT_ON_FONT_CHANGE

__all__ = ["ChatView", "MessageAction", "MessageWidget", "RepaintThrottle", "SafeTextBrowser"]

_Roles = MessageListModel.Roles

#: Space around the column of bubbles and between two bubbles, in pixels.
_OUTER_MARGIN = 12
_SPACING = 10
#: Padding inside a bubble and the gap between its header, body and note.
_PADDING = 10
_GAP = 4
#: Bubbles take at most this share of the viewport width, but never less than _MIN_BUBBLE
#: (unless the viewport itself is narrower).
_MAX_BUBBLE_SHARE = 0.85
_MIN_BUBBLE = 260
#: At most one re-render of a streaming reply per this many milliseconds.
_STREAM_RENDER_INTERVAL_MS = 60
#: Texts longer than this (in characters) are not narrowed to their ideal width.
_SHRINK_MAX_CHARS = 1500
#: The inline editor grows with its text up to this many lines, then scrolls.
_EDITOR_MAX_LINES = 16


def _blend(base: QColor, other: QColor, amount: float) -> QColor:
    """``base`` moved ``amount`` (0..1) of the way towards ``other``."""
    return QColor.fromRgbF(
        base.redF() + (other.redF() - base.redF()) * amount,
        base.greenF() + (other.greenF() - base.greenF()) * amount,
        base.blueF() + (other.blueF() - base.blueF()) * amount,
        1.0,
    )


def _is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightnessF() < 0.5


#: An opening code fence: up to three spaces, then three or more backticks or tildes.
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
#: The Copy anchors the renderer puts above code blocks (tags, never text: text is escaped).
_COPY_ANCHOR = re.compile(rf'<a href="{re.escape(COPY_SCHEME)}:(\d+)">')


class _BlockSplitter:
    """Finds where the completed top-level Markdown blocks of a growing text end.

    A boundary is the start of a line that follows a blank line outside a code fence and is
    indented by at most one space (more could continue a list item or an indented code
    block). Everything before the last boundary no longer changes as text is appended
    (reference-style links aside, which the final full render settles). Only the text added
    since the previous call is scanned, so one call costs O(new text).
    """

    __slots__ = ("_after_blank", "_fence", "_scanned", "boundary")

    def __init__(self) -> None:
        self._scanned = 0  # text[:_scanned] is whole lines already looked at
        self._fence: tuple[str, int] | None = None  # fence character and length while open
        self._after_blank = False  # the last scanned line was blank, outside a fence
        self.boundary = 0

    def feed(self, text: str) -> int:
        """Scan ``text`` (the previous text plus more) and return the last boundary."""
        pos = self._scanned
        length = len(text)
        while pos < length:
            if self._after_blank:
                head = text[pos : pos + 2]
                first = head[0]
                if first not in " \t\r\n" or (
                    first == " " and len(head) == 2 and head[1] not in " \t\r\n"
                ):
                    self.boundary = pos
            end = text.find("\n", pos)
            if end < 0:
                break
            self._scan_line(text[pos:end])
            pos = end + 1
        self._scanned = pos
        return self.boundary

    def _scan_line(self, line: str) -> None:
        if self._fence is not None:
            char, size = self._fence
            stripped = line.strip()
            if (
                len(line) - len(line.lstrip(" ")) <= 3
                and len(stripped) >= size
                and stripped == char * len(stripped)
            ):
                self._fence = None
            return
        if not line.strip():
            self._after_blank = True
            return
        self._after_blank = False
        match = _FENCE.match(line)
        if match:
            fence = match.group(1)
            if fence[0] == "~" or "`" not in line[match.end() :]:
                self._fence = (fence[0], len(fence))


def _append_blocks(document: QTextDocument, html: str, scratch: QTextDocument) -> None:
    """Append ``html`` (whole blocks) to a non-empty ``document`` as new blocks.

    ``QTextCursor.insertHtml`` merges the first inserted paragraph into the block at the
    cursor, and a fragment that starts with a table or a list arrives behind an extra empty
    paragraph. So: open a fresh block, insert the fragment, then either drop that empty
    paragraph or give the fresh block the first block's formats, keeping the previous block's
    own formats, which removing a block separator can overwrite. ``scratch`` parses the HTML
    (a :class:`_SafeDocument`, so nothing is loaded).
    """
    scratch.setHtml(html)
    first = scratch.begin()
    cursor = QTextCursor(document)
    cursor.movePosition(QTextCursor.MoveOperation.End)
    start = cursor.position()
    cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
    cursor.insertFragment(QTextDocumentFragment(scratch))
    block = document.findBlock(start + 1)
    first_is_rule = first.blockFormat().hasProperty(
        QTextFormat.Property.BlockTrailingHorizontalRulerWidth
    )
    if not block.text() and block.next().isValid() and (first.text() or not first_is_rule):
        _remove_to(document, start, start + 1)
    elif first.textList() is None and block.textList() is None:
        fix = QTextCursor(block)
        fix.setBlockFormat(first.blockFormat())
        fix.setBlockCharFormat(first.charFormat())


def _remove_to(document: QTextDocument, start: int, end: int | None = None) -> None:
    """Remove ``start``..``end`` (or the end of the document), where ``start`` ends a block;
    that block keeps its formats."""
    cursor = QTextCursor(document)
    cursor.setPosition(start)
    block_format, char_format = cursor.blockFormat(), cursor.blockCharFormat()
    if end is None:
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
    else:
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    cursor.removeSelectedText()
    cursor.setBlockFormat(block_format)
    cursor.setBlockCharFormat(char_format)


class _StreamState:
    """What a streaming bubble already shows: the rendered completed blocks and where the
    re-rendered tail starts in its document."""

    __slots__ = ("code_blocks", "dark", "done", "prefix_end", "splitter", "text")

    def __init__(self, dark: bool) -> None:
        self.dark = dark
        self.splitter = _BlockSplitter()
        self.text = ""  # the text of the last update
        self.done = 0  # text[:done] is rendered into the document for good
        self.prefix_end: int | None = None  # document position where the tail starts
        self.code_blocks: list[str] = []  # code blocks of text[:done]


class _SafeDocument(QTextDocument):
    """A document that never loads a resource.

    Overriding only ``QTextBrowser.loadResource`` is not enough: when the browser returns
    nothing, ``QTextDocument.loadResource`` falls back to reading local files itself.
    """

    def loadResource(self, type: int, name: QUrl) -> Any:
        return None


class _NoImageHandler(QPyTextObject):
    """Draws nothing for image objects.

    Qt's own image handler reads ``<img src>`` straight from disk when the document returns
    no resource, bypassing ``loadResource``. The Markdown renderer never emits images; this
    makes sure nothing else that reaches the document can read a file either.
    """

    def intrinsicSize(
        self, doc: QTextDocument, pos_in_document: int, format: QTextFormat
    ) -> QSizeF:
        return QSizeF(0, 0)

    def drawObject(
        self,
        painter: QPainter,
        rect: QRectF,
        doc: QTextDocument,
        pos_in_document: int,
        format: QTextFormat,
    ) -> None:
        return


class SafeTextBrowser(QTextBrowser):
    """Read-only, selectable rich text that never reads a file or the network.

    Links are not followed here (``openLinks`` is off); ``anchorClicked`` is handled by the
    chat view. The widget has no scroll bars of its own: its owner sizes it to its document.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDocument(_SafeDocument(self))
        self.document().setDocumentMargin(0)
        self._no_images = _NoImageHandler(self)
        self.document().documentLayout().registerHandler(
            int(QTextFormat.ObjectTypes.ImageObject), self._no_images
        )
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
        )
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setLineWrapMode(QTextBrowser.LineWrapMode.WidgetWidth)
        # Long URLs, hashes and CJK runs have no spaces; wrap them anywhere rather than let
        # them push the bubble wider than the window.
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.DefaultContextMenu)
        self.viewport().setAutoFillBackground(False)
        self.setAutoFillBackground(False)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def loadResource(self, type: int, name: QUrl) -> Any:
        """Refuse every resource: a reply must not make us fetch or read anything."""
        return None

    def wheelEvent(self, event: QWheelEvent) -> None:
        # Let the conversation scroll; also stops Ctrl+wheel from zooming a single message.
        event.ignore()

    def measure(self, width: int, *, shrink: bool) -> QSize:
        """Size the text needs at most ``width`` wide; narrower if ``shrink`` and it fits.

        Leaves the document laid out at the returned width, so the following resize does not
        lay it out again. Long texts take the full width: finding their ideal width means laying
        the whole text out twice, on every streamed update.
        """
        document = self.document()
        width = max(1, width)
        # setTextWidth lays out the whole document again even at the same width; a streaming
        # update changed only the end, which the document has already laid out again.
        if document.textWidth() != width:
            document.setTextWidth(width)
        if shrink and document.characterCount() <= _SHRINK_MAX_CHARS:
            ideal = math.ceil(document.idealWidth()) + 1
            # Skip the second layout pass when shrinking would save only a few pixels: this is
            # the common case for long replies, the ones re-rendered while streaming.
            if ideal < width - 8:
                width = ideal
                document.setTextWidth(width)
        return QSize(width, math.ceil(document.size().height()))


class RepaintThrottle(QObject):
    """Coalesces 'row changed' notices into at most one render per interval.

    The first notice renders at once (so typing feels immediate); later ones within the
    interval are collected and rendered together when the timer fires. :meth:`flush` renders
    whatever is pending right away (on finish, before rows move, and in tests).
    """

    def __init__(
        self, interval_ms: int, render: Callable[[set[int]], None], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._render = render
        self._pending: set[int] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_timer_timeout)

    def request(self, row: int) -> None:
        """Ask for ``row`` to be rendered, now or at the end of the current interval."""
        if self._timer.isActive():
            self._pending.add(row)
            return
        self._timer.start()
        self._render({row})

    def discard(self, row: int) -> None:
        """Forget a pending request (the row was just rendered some other way)."""
        self._pending.discard(row)

    def flush(self) -> None:
        """Render everything pending now."""
        if self._pending:
            pending, self._pending = self._pending, set()
            self._render(pending)

    def clear(self) -> None:
        """Drop pending requests without rendering (the rows are gone)."""
        self._pending.clear()
        self._timer.stop()

    def _on_timer_timeout(self) -> None:
        if self._pending:
            self.flush()
            self._timer.start()


class MessageAction(IntEnum):
    """What a bubble's buttons ask for; one signal carries them all so each bubble costs one
    connection, not five (a 500-message chat builds 500 bubbles at once)."""

    EDIT = 1
    REGENERATE = 2
    DELETE = 3
    PREVIOUS = 4  # the previous version (sibling) of this message
    NEXT = 5


class _InlineEditor(ChatKeysEdit):
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


class _SiblingSwitch(QWidget):
    """The "‹ 2/3 ›" control that switches between versions of one message.

    Created only for messages that have more than one version, so the common bubble stays
    cheap to build.

    Signals:
        step_requested(int): -1 for the previous version, +1 for the next.
    """

    step_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.previous = QToolButton(self)
        self.previous.setText(self.tr("‹"))
        self.previous.setToolTip(self.tr("Previous version"))
        self.previous.setAccessibleName(self.tr("Previous version"))
        self.next = QToolButton(self)
        self.next.setText(self.tr("›"))
        self.next.setToolTip(self.tr("Next version"))
        self.next.setAccessibleName(self.tr("Next version"))
        # A one-character button is a small target; give it about a square.
        side = self.fontMetrics().height() + 6
        for button in (self.previous, self.next):
            button.setAutoRaise(True)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.setMinimumWidth(side)
        self.previous.clicked.connect(lambda: self.step_requested.emit(-1))
        self.next.clicked.connect(lambda: self.step_requested.emit(1))
        self.label = QLabel(self)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.previous)
        layout.addWidget(self.label)
        layout.addWidget(self.next)

    def set_position(self, index: int, count: int, *, enabled: bool) -> None:
        """Show version ``index`` (0-based) of ``count``; the arrows stop at the ends."""
        self.label.setText(self.tr("{index}/{count}").format(index=index + 1, count=count))
        self.label.setToolTip(
            self.tr("Version {index} of {count}").format(index=index + 1, count=count)
        )
        self.previous.setEnabled(enabled and index > 0)
        self.next.setEnabled(enabled and index < count - 1)


class MessageWidget(QFrame):
    """One message bubble: a header (author, meta line, actions), the text, and a note.

    The widget shows what it is given and keeps nothing but the code blocks of its last render
    (so a "Copy" anchor copies exactly what is on screen). The header carries the version
    switch ("‹ 2/3 ›", only when there are other versions), Copy, the message's main action
    (Edit for the user's messages, Regenerate for replies) and a "…" menu with all actions
    including Delete, kept one step away because it destroys. Actions are plain buttons, always
    shown, so they are reachable with Tab, not only by hovering.

    Edit turns the bubble into an inline editor (:meth:`start_editing`); the owner decides
    which text it starts with and what to do with the result.

    Signals:
        copy_requested(): the user pressed this message's Copy button.
        anchor_clicked(QUrl): the user clicked a link or a code block's Copy anchor.
        action_requested(int): the user pressed Edit, Regenerate, Delete or a version arrow
            (a :class:`MessageAction`). Delete is not confirmed yet.
        edit_submitted(str): the inline editor was sent; the text is stripped and not empty.
            The bubble is back in display mode when this is emitted.
        edit_cancelled(): the inline editor was closed without sending.
        editor_resized(): the inline editor's text needs a different height; the owner
            should lay the bubble out again (see :meth:`fit`).
        thinking_toggled(bool): the user opened or closed the reply's thinking; the owner
            should lay the bubble out again.
    """

    copy_requested = Signal()
    anchor_clicked = Signal(QUrl)
    action_requested = Signal(int)
    edit_submitted = Signal(str)
    edit_cancelled = Signal()
    editor_resized = Signal()
    thinking_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._role = Role.ASSISTANT
        self._excluded = False
        self._code_blocks: tuple[str, ...] = ()
        self._stream: _StreamState | None = None  # set while a reply renders incrementally
        self._scratch: _SafeDocument | None = None
        self._size = QSize()
        # Controls state, compared before touching widgets: _fill runs on every streamed render.
        self._streaming = False
        self._sibling_index = 0
        self._sibling_count = 1
        self._actions_enabled = True
        self._editing = False
        self._compact = False
        self._wide_header = 0  # header width with the action's word, when compact
        self._siblings: _SiblingSwitch | None = None
        self._menu: QMenu | None = None
        self._menu_changing: list[QAction] = []
        self._editor: _InlineEditor | None = None
        self._editor_buttons: QWidget | None = None
        self._editor_hint: QLabel | None = None
        self._send_button: QPushButton | None = None
        self._thinking: ThinkingSection | None = None  # made when a reply first has thinking
        self._no_answer = False  # an assistant reply without answer text (yet)

        self._header = QWidget(self)
        header_layout = QHBoxLayout(self._header)
        header_layout.setContentsMargins(0, 0, 0, 0)
        # Buttons sit close together (their own padding separates them); text gets more room.
        header_layout.setSpacing(2)
        self._header_layout = header_layout
        self._author = QLabel(self._header)
        author_font = QFont(self._author.font())
        author_font.setBold(True)
        self._author.setFont(author_font)
        self._meta = QLabel(self._header)
        self._meta.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        # May be clipped in a narrow window rather than push the Copy button out of view.
        self._meta.setMinimumWidth(1)
        self._copy = QToolButton(self._header)
        self._copy.setText(self.tr("Copy"))
        self._copy.setToolTip(self.tr("Copy the message as Markdown"))
        self._copy.setAutoRaise(True)
        self._copy.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._copy.clicked.connect(self.copy_requested)
        self._action = QToolButton(self._header)
        self._action.setAutoRaise(True)
        self._action.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._action.clicked.connect(self._on_action_clicked)
        self._more = QToolButton(self._header)
        self._more.setText(self.tr("…"))
        self._more.setToolTip(self.tr("More actions"))
        self._more.setAccessibleName(self.tr("More actions"))
        self._more.setAutoRaise(True)
        self._more.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._more.clicked.connect(self._on_more_clicked)
        header_layout.addWidget(self._author)
        header_layout.addSpacing(6)
        header_layout.addWidget(self._meta)
        header_layout.addStretch(1)
        header_layout.addSpacing(6)
        header_layout.addWidget(self._copy)
        header_layout.addWidget(self._action)
        header_layout.addWidget(self._more)

        self._body = SafeTextBrowser(self)
        self._body.anchorClicked.connect(self.anchor_clicked)

        self._note = QLabel(self)
        self._note.setWordWrap(True)
        self._note.setTextFormat(Qt.TextFormat.PlainText)
        note_font = QFont(self._note.font())
        note_font.setItalic(True)
        self._note.setFont(note_font)
        self._note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._note.hide()
        self._citations: frozenset[int] = frozenset()
        self._sources = SourcesLine(self)
        self._sources.source_clicked.connect(self.anchor_clicked)
        # No _update_controls() here: the defaults already match, and set_role (always called
        # next) updates them; skipping it keeps building a long chat fast.

    # -- content ------------------------------------------------------------------------------

    @property
    def role(self) -> Role:
        return self._role

    @property
    def body(self) -> SafeTextBrowser:
        """The text widget (exposed for tests and accessibility tools)."""
        return self._body

    def code_block(self, index: int) -> str | None:
        """Source of code block ``index`` as last rendered, or ``None``."""
        if 0 <= index < len(self._code_blocks):
            return self._code_blocks[index]
        return None

    def set_role(self, role: Role) -> None:
        if role == self._role and self._author.text():
            return  # called on every streamed render; nothing to do
        self._compact = False
        self._role = role
        names = {
            Role.USER: self.tr("You"),
            Role.ASSISTANT: self.tr("Assistant"),
            Role.SYSTEM: self.tr("System"),
        }
        self._author.setText(names.get(role, str(role)))
        if role == Role.USER:
            self._action.setToolTip(self.tr("Edit this message and send it again"))
            self._action.setAccessibleName(self.tr("Edit"))
        else:
            self._action.setToolTip(self.tr("Write a new version of this reply"))
            self._action.setAccessibleName(self.tr("Regenerate"))
        self._action.setText(self._action.accessibleName())
        if self._menu is not None:
            # The menu's entries depend on the role; rebuilt when next opened.
            self._menu.deleteLater()
            self._menu, self._menu_changing = None, []
        self._update_controls()
        self.update()

    def set_text(self, text: str, *, streaming: bool) -> None:
        """Show ``text``: Markdown for the assistant, literal text for everyone else.

        While ``streaming``, an update that only appended to the previous text re-renders just
        the last Markdown block; otherwise (and always when the reply finishes) the whole
        text is rendered.
        """
        if self._role != Role.ASSISTANT:
            # Never interpreted: what the user typed is shown exactly, tags and all.
            self._no_answer = False
            self._stream = None
            self._code_blocks = ()
            self._body.setPlainText(text)
            return
        self._no_answer = not text
        if not text and streaming:
            self._stream = None
            self._code_blocks = ()
            self._body.setPlainText("…")
            return
        dark = _is_dark(self.palette())
        if streaming:
            self._set_streaming_text(text, dark)
            return
        self._stream = None
        rendered = self._render(text, dark)
        self._code_blocks = rendered.code_blocks
        self._body.setHtml(rendered.html)

    def set_thinking(self, text: str, seconds: float | None, *, active: bool) -> None:
        """Show a reply's thinking above its text (nothing when it has none)."""
        section = self._thinking
        if not text and not active:
            if section is not None:
                section.hide()
            return
        if section is None:
            section = self._thinking = ThinkingSection(self)
            section.toggled.connect(self.thinking_toggled)
        section.set_thinking(text, seconds, active)
        section.show()

    @property
    def thinking_section(self) -> ThinkingSection | None:
        """The thinking toggle and text; None for a message that never had thinking."""
        return self._thinking

    def _render(self, text: str, dark: bool) -> RenderedMarkdown:
        labels = MarkdownLabels(
            copy=self.tr("Copy"),
            image=self.tr("[image: {alt}]"),
            code=self.tr("code"),
        )
        return render_markdown(text, dark=dark, labels=labels, citations=self._citations)

    def set_sources(self, sources: Sequence[MessageSource], note: SourcesNote | None) -> None:
        """The reply's sources: "[n]" in its text becomes a link, and a line lists them."""
        citations = frozenset(s.number for s in sources)
        if citations != self._citations:
            self._citations = citations
            self._stream = None  # render the whole text again with the new links
        self._sources.show_sources(sources, note)

    @property
    def sources_line(self) -> SourcesLine:
        return self._sources

    def _set_streaming_text(self, text: str, dark: bool) -> None:
        """Re-render only what changed since the last streamed update (see the module doc)."""
        state = self._stream
        document = self._body.document()
        if state is None or state.dark != dark or not text.startswith(state.text):
            state = self._stream = _StreamState(dark)  # the document is replaced below
        elif state.prefix_end is not None:
            _remove_to(document, state.prefix_end)  # the old tail
        state.text = text
        boundary = state.splitter.feed(text)
        empty = state.prefix_end is None  # nothing in the document is kept
        tail_blocks: tuple[str, ...] = ()
        if boundary > state.done:
            html, blocks = self._render_part(text[state.done : boundary], state)
            state.code_blocks.extend(blocks)
            self._put_html(html, replace=empty)
            empty = False
            state.done = boundary
            state.prefix_end = document.characterCount() - 1
        if boundary < len(text) or empty:
            html, tail_blocks = self._render_part(text[boundary:], state)
            self._put_html(html, replace=empty)
        self._code_blocks = (*state.code_blocks, *tail_blocks)

    def _render_part(self, text: str, state: _StreamState) -> tuple[str, tuple[str, ...]]:
        """HTML of a part of a streaming reply, its Copy anchors numbered after the blocks
        already shown."""
        rendered = self._render(text, state.dark)
        html, offset = rendered.html, len(state.code_blocks)
        if rendered.code_blocks and offset:
            html = _COPY_ANCHOR.sub(
                lambda match: f'<a href="{COPY_SCHEME}:{int(match.group(1)) + offset}">', html
            )
        return html, rendered.code_blocks

    def _put_html(self, html: str, *, replace: bool) -> None:
        if replace:
            self._body.setHtml(html)
            return
        if self._scratch is None:
            self._scratch = _SafeDocument()
        _append_blocks(self._body.document(), html, self._scratch)

    def set_state(self, *, meta: str, finish_reason: FinishReason | None, excluded: bool) -> None:
        """Update the meta line, the finish note and the excluded dimming."""
        self._meta.setText(meta)
        self._meta.setToolTip(meta)
        self._meta.setVisible(bool(meta))
        notes = []
        if excluded:
            notes.append(
                self.tr("Not sent to the model: the conversation is longer than the context window")
            )
        finish_notes = {
            FinishReason.CANCELLED: self.tr("Stopped"),
            FinishReason.LENGTH: self.tr("Reached the length limit"),
            FinishReason.ERROR: self.tr("The reply ended with an error"),
            FinishReason.INTERRUPTED: self.tr("Interrupted: the app closed before the reply ended"),
        }
        if finish_reason in finish_notes:
            notes.append(finish_notes[finish_reason])
        self._note.setText("\n".join(notes))
        self._note.setVisible(bool(notes))
        if excluded != self._excluded:
            self._excluded = excluded
            self._apply_palette()

    def note_text(self) -> str:
        """The note under the text ("Stopped", ...), empty when none is shown."""
        return self._note.text() if not self._note.isHidden() else ""

    # -- actions and versions -----------------------------------------------------------------

    def set_controls(self, *, streaming: bool, sibling_index: int, sibling_count: int) -> None:
        """Show the version switch and hide actions while this message streams.

        Returns early when nothing changed; the owner refits the bubble afterwards, since
        the header may have changed width.
        """
        state = (streaming, sibling_index, sibling_count)
        if state == (self._streaming, self._sibling_index, self._sibling_count):
            return
        self._streaming, self._sibling_index, self._sibling_count = state
        self._update_controls()

    def set_actions_enabled(self, enabled: bool) -> None:
        """Enable or disable Edit, Regenerate, Delete, the version switch and editor's Send.

        Only enabled states change, never what is shown, so the bubble keeps its size.
        """
        if enabled != self._actions_enabled:
            self._actions_enabled = enabled
            self._update_controls()

    def sibling_switch(self) -> _SiblingSwitch | None:
        """The "‹ 2/3 ›" control, or ``None`` if this message never had other versions."""
        return self._siblings

    def action_button(self) -> QToolButton:
        """The Edit (user) or Regenerate (assistant) button."""
        return self._action

    def more_button(self) -> QToolButton:
        return self._more

    def actions_menu(self) -> QMenu:
        """The "…" menu, built on first use so bubbles that never open it cost nothing."""
        if self._menu is None:
            menu = QMenu(self)
            changing = []
            if self._role == Role.USER:
                changing.append(
                    menu.addAction(self.tr("Edit"), lambda: self._request(MessageAction.EDIT))
                )
            elif self._role == Role.ASSISTANT:
                changing.append(
                    menu.addAction(
                        self.tr("Regenerate"), lambda: self._request(MessageAction.REGENERATE)
                    )
                )
            menu.addAction(self.tr("Copy"), self.copy_requested.emit)
            menu.addSeparator()
            changing.append(
                menu.addAction(self.tr("Delete"), lambda: self._request(MessageAction.DELETE))
            )
            self._menu, self._menu_changing = menu, changing
            for action in changing:  # Copy always works; the rest follows the actions switch
                action.setEnabled(self._actions_enabled)
        return self._menu

    def _set_compact(self, compact: bool) -> None:
        """Show the main action as a symbol when the header is too wide for the bubble.

        The word is kept in the tooltip and the accessible name, so nothing is lost but width.
        """
        if compact == self._compact:
            return
        self._compact = compact
        if compact:
            self._action.setText(self.tr("✎") if self._role == Role.USER else self.tr("↻"))
        else:
            self._action.setText(self._action.accessibleName())

    def _request(self, action: MessageAction) -> None:
        self.action_requested.emit(int(action))

    # @Slot: connecting a plain bound method costs about three times as much, per bubble.
    @Slot()
    def _on_action_clicked(self) -> None:
        if self._role == Role.USER:
            self._request(MessageAction.EDIT)
        elif self._role == Role.ASSISTANT:
            self._request(MessageAction.REGENERATE)

    def _on_siblings_step_requested(self, delta: int) -> None:
        self._request(MessageAction.NEXT if delta > 0 else MessageAction.PREVIOUS)

    @Slot()
    def _on_more_clicked(self) -> None:
        menu = self.actions_menu()
        menu.popup(self._more.mapToGlobal(self._more.rect().bottomLeft()))

    def _update_controls(self) -> None:
        has_actions = self._role in (Role.USER, Role.ASSISTANT) and not self._streaming
        self._action.setVisible(has_actions and not self._editing)
        self._action.setEnabled(self._actions_enabled)
        self._more.setVisible(has_actions and not self._editing)
        self._more.setEnabled(self._actions_enabled)
        if self._sibling_count > 1 and self._siblings is None:
            self._siblings = _SiblingSwitch(self._header)
            self._siblings.step_requested.connect(self._on_siblings_step_requested)
            # Before Copy: author, spacing, meta, stretch and spacing come first.
            self._header_layout.insertWidget(5, self._siblings)
        if self._siblings is not None:
            self._siblings.setVisible(self._sibling_count > 1)
            self._siblings.set_position(
                self._sibling_index,
                self._sibling_count,
                enabled=self._actions_enabled and not self._streaming and not self._editing,
            )
        if self._send_button is not None:
            self._send_button.setEnabled(self._actions_enabled and self._has_editor_text())
        for action in self._menu_changing:
            action.setEnabled(self._actions_enabled)

    # -- inline editing -----------------------------------------------------------------------

    def is_editing(self) -> bool:
        return self._editing

    def has_editor(self) -> bool:
        """Whether the inline editor was ever built (it is built on the first edit)."""
        return self._editor is not None

    def editor(self) -> QPlainTextEdit | None:
        """The inline editor while editing, else ``None``."""
        return self._editor if self._editing else None

    def start_editing(self, text: str) -> None:
        """Replace the text with an editor holding ``text``; the owner refits the bubble."""
        if self._editor is None:
            self._build_editor()
        assert self._editor is not None and self._editor_buttons is not None
        self._editing = True
        self._editor.setPlainText(text)
        self._editor.moveCursor(QTextCursor.MoveOperation.End)
        self._body.hide()
        self._editor.show()
        self._editor_buttons.show()
        self._update_controls()
        self._editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def stop_editing(self) -> None:
        """Back to showing the message; the owner refits the bubble."""
        if not self._editing:
            return
        assert self._editor is not None and self._editor_buttons is not None
        had_focus = self._editor.hasFocus()
        self._editing = False
        self._editor.hide()
        self._editor_buttons.hide()
        self._body.show()
        self._update_controls()
        if had_focus and self._action.isVisible():
            self._action.setFocus(Qt.FocusReason.OtherFocusReason)

    def _build_editor(self) -> None:
        editor = _InlineEditor(self)
        editor.setTabChangesFocus(True)
        editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        editor.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        editor.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        editor.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        editor.setAccessibleName(self.tr("Edit message"))
        editor.submit.connect(self._on_editor_submit)
        editor.escape.connect(self._on_editor_cancel)
        editor.document().contentsChanged.connect(self._on_editor_contents_changed)

        buttons = QWidget(self)
        layout = QHBoxLayout(buttons)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        hint = QLabel(self.tr("Enter to send, Shift+Enter for a new line, Esc to cancel"), buttons)
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        hint.setMinimumWidth(1)  # never pushes the buttons out; hidden when it cannot fit
        cancel = QPushButton(self.tr("Cancel"), buttons)
        cancel.setToolTip(self.tr("Keep the message as it was (Esc)"))
        cancel.clicked.connect(self._on_editor_cancel)
        send = QPushButton(self.tr("Send"), buttons)
        send.setToolTip(self.tr("Send the edited message as a new version (Enter)"))
        send.clicked.connect(self._on_editor_submit)
        self._editor_hint = hint
        layout.addWidget(hint, 1)
        layout.addStretch(0)  # takes the room when the hint is hidden
        for button in (cancel, send):
            # Stay at the right, button-sized, also when the hint is hidden.
            button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            layout.addWidget(button)

        self._editor, self._editor_buttons, self._send_button = editor, buttons, send
        editor.hide()
        buttons.hide()

    def _has_editor_text(self) -> bool:
        return self._editor is not None and bool(self._editor.toPlainText().strip())

    def _on_editor_submit(self) -> None:
        if self._editor is None or not self._editing or not self._actions_enabled:
            return
        text = self._editor.toPlainText().strip()
        if not text:
            return
        self.stop_editing()
        self.edit_submitted.emit(text)

    def _on_editor_cancel(self) -> None:
        if self._editing:
            self.stop_editing()
            self.edit_cancelled.emit()

    def _on_editor_contents_changed(self) -> None:
        if self._send_button is not None:
            self._send_button.setEnabled(self._actions_enabled and self._has_editor_text())
        editor = self._editor
        if self._editing and editor is not None and self._editor_height() != editor.height():
            self.editor_resized.emit()

    def _editor_height(self) -> int:
        """Height that shows the editor's text at its current width, capped at a few lines.

        Summing block heights from the plain text layout lays out only what is needed and
        matches exactly how the editor wraps.
        """
        editor = self._editor
        assert editor is not None
        document = editor.document()
        layout = document.documentLayout()
        text_height = 0.0
        block = document.begin()
        while block.isValid():
            text_height += layout.blockBoundingRect(block).height()
            block = block.next()
        line = editor.fontMetrics().lineSpacing()
        shown = min(max(text_height, line), _EDITOR_MAX_LINES * line)
        policy = (
            Qt.ScrollBarPolicy.ScrollBarAsNeeded
            if text_height > _EDITOR_MAX_LINES * line
            else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        )
        if editor.verticalScrollBarPolicy() != policy:
            editor.setVerticalScrollBarPolicy(policy)
        margins = editor.contentsMargins()
        chrome = 2 * document.documentMargin() + margins.top() + margins.bottom()
        return math.ceil(shown + chrome)

    # -- geometry -----------------------------------------------------------------------------

    def fit(self, max_width: int) -> QSize:
        """Lay out the bubble for at most ``max_width`` pixels and return its size.

        Geometry is computed here rather than by a layout so the column can ask for one
        bubble's size without triggering layout passes anywhere else.
        """
        inner_max = max(1, max_width - 2 * _PADDING)
        header_hint = self._header.sizeHint()
        if not self._compact and header_hint.width() > inner_max and self._action.isVisibleTo(self):
            # Narrow window: trade the action's word for a symbol before anything is clipped.
            self._wide_header = header_hint.width()
            self._set_compact(True)
            header_hint = self._header.sizeHint()
        elif self._compact and inner_max >= self._wide_header:
            self._set_compact(False)  # wide enough again for the word
            header_hint = self._header.sizeHint()
        if self._editing:
            return self._fit_editing(inner_max, header_hint)
        text_size = self._body.measure(inner_max, shrink=True)
        wanted = max(text_size.width(), header_hint.width())
        thinking = self._thinking if self._thinking and not self._thinking.isHidden() else None
        if thinking is not None:
            wanted = max(wanted, inner_max if thinking.expanded else thinking.minimum_width())
        inner = min(inner_max, wanted)
        if inner != text_size.width():
            text_size = self._body.measure(inner, shrink=False)

        y = _PADDING
        self._header.setGeometry(_PADDING, y, inner, header_hint.height())
        y += header_hint.height() + _GAP
        # A reply that is (so far) only thinking shows no empty answer below it, nor a "…"
        # placeholder repeating what "Thinking…" says.
        waiting = thinking is not None and self._no_answer
        if thinking is not None:
            thinking.move(_PADDING, y)
            y += thinking.fit(inner) + (0 if waiting else _GAP)
        self._body.setVisible(not waiting)
        if not waiting:
            self._body.setGeometry(_PADDING, y, inner, text_size.height())
            y += text_size.height()
        return self._finish_fit(inner, y)

    def _fit_editing(self, inner: int, header_hint: QSize) -> QSize:
        # An editor gets the full width: editing a short message in a narrow box is cramped.
        editor, buttons = self._editor, self._editor_buttons
        assert editor is not None and buttons is not None
        y = _PADDING
        self._header.setGeometry(_PADDING, y, inner, header_hint.height())
        y += header_hint.height() + _GAP
        if editor.width() != inner:
            editor.setGeometry(_PADDING, y, inner, max(1, editor.height()))
        editor_height = self._editor_height()
        editor.setGeometry(_PADDING, y, inner, editor_height)
        y += editor_height + _GAP
        if self._editor_hint is not None:
            # The key hint is a nicety: drop it rather than show half of it.
            self._editor_hint.show()
            self._editor_hint.setVisible(buttons.sizeHint().width() <= inner)
        buttons_height = buttons.sizeHint().height()
        buttons.setGeometry(_PADDING, y, inner, buttons_height)
        y += buttons_height
        return self._finish_fit(inner, y)

    def _finish_fit(self, inner: int, y: int) -> QSize:
        for below in (self._sources, self._note):
            if below.isHidden():
                continue
            height = below.heightForWidth(inner)
            if height < 0:
                height = below.sizeHint().height()
            y += _GAP
            below.setGeometry(_PADDING, y, inner, height)
            y += height
        self._size = QSize(inner + 2 * _PADDING, y + _PADDING)
        return self._size

    def sizeHint(self) -> QSize:
        return self._size if self._size.isValid() else super().sizeHint()

    # -- painting -----------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if (
            event.type() == QEvent.Type.PaletteChange
            and self._excluded
            and not self._in_palette_update
        ):
            self._apply_palette()  # the window palette changed; re-derive the dimmed colours
        super().changeEvent(event)

    _in_palette_update = False

    def _apply_palette(self) -> None:
        """Dim the text of excluded messages by blending it towards the background."""
        self._in_palette_update = True
        try:
            if self._excluded:
                inherited = self.parentWidget().palette() if self.parentWidget() else QPalette()
                base = inherited.color(QPalette.ColorRole.Base)
                # Only the two text roles are set, so every other role still follows the window.
                palette = QPalette()
                for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText):
                    palette.setColor(role, _blend(inherited.color(role), base, 0.5))
                self.setPalette(palette)
            else:
                self.setPalette(QPalette())
        finally:
            self._in_palette_update = False
        self.update()

    def bubble_color(self) -> QColor:
        """Background of this bubble, derived from the palette so light and dark both work."""
        palette = self.palette()
        base = palette.color(QPalette.ColorRole.Base)
        if self._role == Role.USER:
            return _blend(base, palette.color(QPalette.ColorRole.Highlight), 0.22)
        if self._role == Role.SYSTEM:
            return base
        return _blend(base, palette.color(QPalette.ColorRole.Text), 0.06)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        if self._role == Role.SYSTEM:
            pen_color = _blend(
                self.palette().color(QPalette.ColorRole.Base),
                self.palette().color(QPalette.ColorRole.Text),
                0.25,
            )
            painter.setPen(pen_color)
        painter.setBrush(self.bubble_color())
        painter.drawRoundedRect(self.rect().adjusted(0, 0, -1, -1), 10, 10)
        painter.end()


class _MessageColumn(QWidget):
    """Positions message widgets at cumulative y offsets.

    A ``QVBoxLayout`` would re-lay out every bubble whenever one bubble's height changes;
    here a change in row *i* only moves rows after *i*, so growing the last row is O(1).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._widgets: list[MessageWidget] = []
        self._tops: list[int] = []
        self._heights: list[int] = []
        self._width = 0
        self.setAutoFillBackground(False)

    def widgets(self) -> Sequence[MessageWidget]:
        return self._widgets

    def index_of(self, widget: MessageWidget) -> int:
        return self._widgets.index(widget)

    def top_of(self, row: int) -> int:
        return self._tops[row]

    def row_at(self, y: int) -> int | None:
        """The row whose bubble (or the gap below it) covers ``y``; O(log n)."""
        if not self._widgets:
            return None
        return max(0, bisect.bisect_right(self._tops, y) - 1)

    def insert(self, row: int, widgets: list[MessageWidget]) -> None:
        self._widgets[row:row] = widgets
        self._tops[row:row] = [0] * len(widgets)
        self._heights[row:row] = [0] * len(widgets)
        for offset, widget in enumerate(widgets):
            self._heights[row + offset] = self._place(row + offset, widget, top=None)
            widget.show()
        self._relayout_from(row)

    def remove(self, first: int, last: int) -> list[MessageWidget]:
        removed = self._widgets[first : last + 1]
        del self._widgets[first : last + 1]
        del self._tops[first : last + 1]
        del self._heights[first : last + 1]
        self._relayout_from(first)
        return removed

    def take_all(self) -> list[MessageWidget]:
        removed, self._widgets, self._tops, self._heights = self._widgets, [], [], []
        self._update_height()
        return removed

    def refit(self, row: int) -> None:
        """Re-measure one row after its content changed; moves later rows only if needed."""
        widget = self._widgets[row]
        old_height = self._heights[row]
        new_height = self._place(row, widget, top=self._tops[row])
        if new_height != old_height:
            self._heights[row] = new_height
            self._relayout_from(row + 1)

    def set_column_width(self, width: int) -> None:
        if width != self._width:
            self._width = width
            self.relayout_all()

    def relayout_all(self) -> None:
        """Re-measure every row: O(n), only for width or palette changes."""
        for row, widget in enumerate(self._widgets):
            self._heights[row] = self._place(row, widget, top=None)
        self._relayout_from(0)

    def _max_bubble_width(self) -> int:
        available = max(1, self._width - 2 * _OUTER_MARGIN)
        wanted = max(_MIN_BUBBLE, int(available * _MAX_BUBBLE_SHARE))
        return min(available, wanted)

    def _place(self, row: int, widget: MessageWidget, top: int | None) -> int:
        size = widget.fit(self._max_bubble_width())
        if widget.role == Role.USER:
            x = max(_OUTER_MARGIN, self._width - _OUTER_MARGIN - size.width())
        else:
            x = _OUTER_MARGIN
        widget.setGeometry(QRect(x, top if top is not None else widget.y(), *size.toTuple()))
        return size.height()

    def _relayout_from(self, row: int) -> None:
        top = _OUTER_MARGIN
        if row > 0 and self._widgets:
            top = self._tops[row - 1] + self._heights[row - 1] + _SPACING
        for index in range(row, len(self._widgets)):
            self._tops[index] = top
            widget = self._widgets[index]
            if widget.y() != top:
                widget.move(widget.x(), top)
            top += self._heights[index] + _SPACING
        self._update_height()

    def _update_height(self) -> None:
        if self._widgets:
            height = self._tops[-1] + self._heights[-1] + _OUTER_MARGIN
        else:
            height = 2 * _OUTER_MARGIN
        if self.width() != self._width or self.height() != height:
            self.resize(self._width, height)


def _ask_before_opening(parent: QWidget, url: QUrl) -> bool:
    """Default confirmation: a modal question that shows the URL as plain text."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(QCoreApplication.translate("ChatView", "Open link"))
    box.setTextFormat(Qt.TextFormat.PlainText)  # the URL is untrusted; never rich text
    # The encoded form shows punycode hosts, so a look-alike domain cannot hide.
    shown = bytes(url.toEncoded().data()).decode("ascii", errors="replace")
    box.setText(
        QCoreApplication.translate("ChatView", "Open this link in your browser?\n{url}").format(
            url=shown
        )
    )
    box.setStandardButtons(QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box.exec() == QMessageBox.StandardButton.Open


class ChatView(QScrollArea):
    """Scrollable conversation bound to a :class:`MessageListModel`.

    ``confirm_link(url) -> bool`` and ``open_url(url) -> bool`` are plain attributes so tests
    (or the window) can replace the modal question and the browser launch.

    Signals:
        copied(str): text was put on the clipboard (a whole message or one code block), so
            the window can say so in its status bar.
        link_opened(QUrl): an http(s) link was confirmed by the user and handed to the
            system browser.
        edit_submitted(int, str): the user edited the message at this row and sent it
            (stripped, never empty). The bubble is already back to showing the old text; the
            caller stores the new version and rebuilds the rows.
        regenerate_requested(int): the user asked for a new version of the reply at this row.
        delete_requested(int): the user asked to delete the message at this row. Not
            confirmed: asking is the caller's job.
        sibling_requested(int, int): the user asked for the previous (-1) or next (+1)
            version of the message at this row.
        earlier_requested(): the user scrolled near the top and :meth:`set_has_earlier` said
            there is more; sent once until rows are prepended or set_has_earlier is called
            again.
        source_requested(int, int): the user clicked citation [n] (second value) of the reply
            at this row (first value); the window shows that passage.
    """

    copied = Signal(str)
    link_opened = Signal(QUrl)
    edit_submitted = Signal(int, str)
    regenerate_requested = Signal(int)
    delete_requested = Signal(int)
    sibling_requested = Signal(int, int)
    earlier_requested = Signal()
    source_requested = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty(RELAYOUT_ON_FONT_CHANGE, True)
        self._model: MessageListModel | None = None
        self._follow_bottom = True
        self._actions_enabled = True
        self._editing: MessageWidget | None = None
        self._revealed: MessageWidget | None = None
        self._has_earlier = False
        self._earlier_armed = False
        self.confirm_link: Callable[[QUrl], bool] = lambda url: _ask_before_opening(self, url)
        self.open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl

        self.setWidgetResizable(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.viewport().setBackgroundRole(QPalette.ColorRole.Base)
        self.viewport().setAutoFillBackground(True)
        self._column = _MessageColumn()
        self.setWidget(self._column)
        self._column.set_column_width(self.viewport().width())

        self._throttle = RepaintThrottle(_STREAM_RENDER_INTERVAL_MS, self._render_rows, self)
        # Checks for "near the top" once layout has settled after rows or the flag changed,
        # so a page too short to scroll still loads the next one.
        self._earlier_check = QTimer(self)
        self._earlier_check.setSingleShot(True)
        self._earlier_check.setInterval(0)
        self._earlier_check.timeout.connect(self._maybe_request_earlier)

        bar = self.verticalScrollBar()
        bar.rangeChanged.connect(self._on_scrollbar_range_changed)
        bar.valueChanged.connect(self._on_scrollbar_value_changed)

    # -- public API ---------------------------------------------------------------------------

    def model(self) -> MessageListModel | None:
        return self._model

    def set_model(self, model: MessageListModel | None) -> None:
        """Show ``model``; the view follows its signals from now on."""
        if self._model is not None:
            for signal, slot in self._connections():
                signal.disconnect(slot)
        self._model = model
        if model is not None:
            for signal, slot in self._connections():
                signal.connect(slot)
        self._on_model_reset()

    def message_widget(self, row: int) -> MessageWidget:
        """The bubble showing ``row`` (for tests and for the window's keyboard navigation)."""
        return self._column.widgets()[row]

    def message_count(self) -> int:
        return len(self._column.widgets())

    def flush(self) -> None:
        """Render any throttled streaming update now."""
        self._throttle.flush()

    def scroll_to_bottom(self) -> None:
        """Jump to the newest message and keep following it while it streams."""
        self._follow_bottom = True
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())

    def is_following_bottom(self) -> bool:
        return self._follow_bottom

    def set_actions_enabled(self, enabled: bool) -> None:
        """Allow or refuse Edit, Regenerate, Delete and version switching on every message.

        The caller turns them off while a reply streams. Copy and an open editor's Cancel
        keep working; the editor's Send waits.
        """
        if enabled == self._actions_enabled:
            return
        self._actions_enabled = enabled
        for widget in self._column.widgets():
            widget.set_actions_enabled(enabled)

    def actions_enabled(self) -> bool:
        return self._actions_enabled

    def set_has_earlier(self, has_earlier: bool) -> None:
        """Say whether messages exist above the first row, so scrolling up asks for them.

        Every call re-arms :attr:`earlier_requested`.
        """
        self._has_earlier = has_earlier
        self._earlier_armed = has_earlier
        if has_earlier:
            self._earlier_check.start()

    def has_earlier(self) -> bool:
        return self._has_earlier

    def edit_row(self, row: int) -> bool:
        """Open the inline editor on ``row`` (a user message), as its Edit button does.

        Returns whether an editor opened; only one is open at a time.
        """
        widgets = self._column.widgets()
        if not 0 <= row < len(widgets):
            return False
        self._on_message_edit_requested(widgets[row])
        return self._editing is widgets[row]

    def editing_row(self) -> int | None:
        """Row whose inline editor is open, or ``None``."""
        if self._editing is None:
            return None
        return self._column.index_of(self._editing)

    def cancel_editing(self) -> None:
        """Close an open inline editor without sending (e.g. the caller rebuilds the rows)."""
        if self._editing is not None:
            widget, self._editing = self._editing, None
            widget.stop_editing()
            self._refit_widget(widget)

    def reveal(self, row: int, text: str | None = None) -> bool:
        """Scroll ``row`` into the middle of the view, e.g. to open a search hit.

        With ``text``, its first occurrence in that message (case-insensitive, in the text as
        shown) is selected and centred instead. Returns whether ``text`` was found; without
        ``text``, whether the row exists.
        """
        widgets = self._column.widgets()
        if not 0 <= row < len(widgets):
            return False
        self._throttle.flush()
        widget = widgets[row]
        if self._revealed is not None and self._revealed is not widget:
            self._clear_selection(self._revealed)
        self._revealed = widget
        target = widget.y() + widget.height() // 2
        found = text is None
        if text and not widget.is_editing():
            cursor = widget.body.document().find(text)
            if not cursor.isNull():
                widget.body.setTextCursor(cursor)
                rect = widget.body.cursorRect(cursor)
                target = widget.y() + widget.body.y() + rect.center().y()
                found = True
        bar = self.verticalScrollBar()
        bar.setValue(target - self.viewport().height() // 2)
        # Reading an old message: do not jump away when the range next changes.
        self._follow_bottom = bar.value() >= bar.maximum() - 8 and row == len(widgets) - 1
        return found

    # -- model signals ------------------------------------------------------------------------

    def _connections(self) -> list[tuple[Any, Callable[..., None]]]:
        model = self._model
        assert model is not None
        return [
            (model.rowsAboutToBeInserted, self._on_model_rows_about_to_change),
            (model.rowsInserted, self._on_model_rows_inserted),
            (model.rowsAboutToBeRemoved, self._on_model_rows_about_to_change),
            (model.rowsRemoved, self._on_model_rows_removed),
            (model.dataChanged, self._on_model_data_changed),
            (model.modelAboutToBeReset, self._on_model_about_to_reset),
            (model.modelReset, self._on_model_reset),
            (model.layoutChanged, self._on_model_reset),
            (model.rowsMoved, self._on_model_reset),
        ]

    def _on_model_rows_about_to_change(self, parent: QModelIndex, first: int, last: int) -> None:
        # Pending rows are row numbers; render them before the numbers shift.
        self._throttle.flush()

    def _on_model_rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        if self._model is None or parent.isValid():
            return
        bar = self.verticalScrollBar()
        # The first bubble in view is the anchor: rows inserted above it must not move it.
        anchor = None if self._follow_bottom else self._column.row_at(bar.value())
        if anchor is not None and anchor >= first:
            anchor_offset = self._column.top_of(anchor) - bar.value()
        else:
            anchor = None
        widgets = [self._create_widget() for _ in range(first, last + 1)]
        for offset, widget in enumerate(widgets):
            self._fill(widget, self._model.index(first + offset, 0))
        self._column.insert(first, widgets)
        if anchor is not None:
            bar.setValue(self._column.top_of(anchor + len(widgets)) - anchor_offset)
        if first == 0 and last + 1 < self._model.rowCount():
            # Earlier rows arrived: the next approach to the top may ask for more.
            self._earlier_armed = self._has_earlier
            self._earlier_check.start()
        last_role = self._model.data(self._model.index(last, 0), _Roles.RoleRole)
        if last == self._model.rowCount() - 1 and last_role == Role.USER:
            # The user just sent something: show it even if they had scrolled up.
            self.scroll_to_bottom()

    def _on_model_rows_removed(self, parent: QModelIndex, first: int, last: int) -> None:
        if parent.isValid():
            return
        for widget in self._column.remove(first, last):
            self._forget(widget)
            widget.hide()
            widget.deleteLater()

    def _on_model_about_to_reset(self) -> None:
        self._throttle.clear()

    def _on_model_reset(self, *args: object) -> None:
        self._throttle.clear()
        for widget in self._column.take_all():
            self._forget(widget)
            widget.hide()
            widget.deleteLater()
        model = self._model
        if model is None:
            return
        widgets = []
        for row in range(model.rowCount()):
            widget = self._create_widget()
            self._fill(widget, model.index(row, 0))
            widgets.append(widget)
        self._column.insert(0, widgets)
        self.scroll_to_bottom()
        # New rows: whether earlier ones exist is for the caller to say (set_has_earlier),
        # usually right after this; the check runs once that has happened.
        self._earlier_armed = self._has_earlier
        self._earlier_check.start()

    def _forget(self, widget: MessageWidget) -> None:
        if widget is self._editing:
            self._editing = None
        if widget is self._revealed:
            self._revealed = None

    def _on_model_data_changed(
        self,
        top_left: QModelIndex | QPersistentModelIndex,
        bottom_right: QModelIndex | QPersistentModelIndex,
        roles: Sequence[int] = (),
    ) -> None:
        if self._model is None:
            return
        changed = {int(r) for r in roles}
        if changed and changed <= {int(_Roles.MessageIdRole)}:
            return  # nothing on screen shows the id
        content_only = bool(changed) and changed <= {
            int(_Roles.ContentRole),
            int(Qt.ItemDataRole.DisplayRole),
            int(_Roles.ThinkingRole),
        }
        controls_only = bool(changed) and changed <= {
            int(_Roles.MessageIdRole),
            int(_Roles.SiblingIndexRole),
            int(_Roles.SiblingCountRole),
        }
        widgets = self._column.widgets()
        for row in range(top_left.row(), bottom_right.row() + 1):
            index = self._model.index(row, 0)
            if controls_only and 0 <= row < len(widgets):
                # A new version count needs no new Markdown render, only a new header.
                self._fill_controls(widgets[row], index)
                self._column.refit(row)
            elif content_only and self._model.data(index, _Roles.StreamingRole):
                self._throttle.request(row)
            else:
                # Finishing, exclusion, meta: rare, and the final text must always show.
                self._throttle.discard(row)
                self._render_rows({row})

    # -- rendering ----------------------------------------------------------------------------

    def _create_widget(self) -> MessageWidget:
        widget = MessageWidget(self._column)
        widget.copy_requested.connect(lambda w=widget: self._on_message_copy_requested(w))
        widget.anchor_clicked.connect(lambda url, w=widget: self._on_message_anchor_clicked(w, url))
        widget.action_requested.connect(
            lambda action, w=widget: self._on_message_action_requested(w, action)
        )
        widget.thinking_toggled.connect(lambda _open, w=widget: self._refit_widget(w))
        if not self._actions_enabled:
            widget.set_actions_enabled(False)
        return widget

    def _fill(self, widget: MessageWidget, index: QModelIndex) -> None:
        model = self._model
        assert model is not None
        # model.data(), not index.data(): a direct Python call, no QVariant round trip.
        widget.set_role(model.data(index, _Roles.RoleRole))
        streaming = bool(model.data(index, _Roles.StreamingRole))
        widget.set_state(
            meta=model.data(index, _Roles.MetaRole) or "",
            finish_reason=model.data(index, _Roles.FinishReasonRole),
            excluded=bool(model.data(index, _Roles.ExcludedRole)),
        )
        widget.set_controls(
            streaming=streaming,
            sibling_index=model.data(index, _Roles.SiblingIndexRole) or 0,
            sibling_count=model.data(index, _Roles.SiblingCountRole) or 1,
        )
        widget.set_thinking(
            model.data(index, _Roles.ThinkingRole) or "",
            model.data(index, _Roles.ThinkingSecondsRole),
            active=bool(model.data(index, _Roles.ThinkingActiveRole)),
        )
        widget.set_sources(
            model.data(index, _Roles.SourcesRole) or (), model.data(index, _Roles.SourcesNoteRole)
        )
        widget.set_text(model.data(index, _Roles.ContentRole) or "", streaming=streaming)

    def _fill_controls(self, widget: MessageWidget, index: QModelIndex) -> None:
        model = self._model
        assert model is not None
        widget.set_controls(
            streaming=bool(model.data(index, _Roles.StreamingRole)),
            sibling_index=model.data(index, _Roles.SiblingIndexRole) or 0,
            sibling_count=model.data(index, _Roles.SiblingCountRole) or 1,
        )

    def _render_rows(self, rows: set[int]) -> None:
        model = self._model
        if model is None:
            return
        widgets = self._column.widgets()
        for row in sorted(rows):
            if 0 <= row < len(widgets):
                self._fill(widgets[row], model.index(row, 0))
                self._column.refit(row)

    def _rerender_all(self) -> None:
        self._throttle.clear()
        if self._model is None:
            return
        for row, widget in enumerate(self._column.widgets()):
            self._fill(widget, self._model.index(row, 0))
        self._column.relayout_all()

    # -- user actions -------------------------------------------------------------------------

    def _on_message_copy_requested(self, widget: MessageWidget) -> None:
        if self._model is None:
            return
        row = self._column.index_of(widget)
        text = self._model.data(self._model.index(row, 0), _Roles.ContentRole) or ""
        QGuiApplication.clipboard().setText(text)
        self.copied.emit(text)

    def _on_message_action_requested(self, widget: MessageWidget, action: int) -> None:
        if not self._actions_enabled or self._model is None:
            return
        if action == MessageAction.EDIT:
            self._on_message_edit_requested(widget)
            return
        row = self._column.index_of(widget)
        if action == MessageAction.REGENERATE:
            self.regenerate_requested.emit(row)
        elif action == MessageAction.DELETE:
            self.delete_requested.emit(row)
        elif action == MessageAction.PREVIOUS:
            self.sibling_requested.emit(row, -1)
        elif action == MessageAction.NEXT:
            self.sibling_requested.emit(row, 1)

    def _on_message_edit_requested(self, widget: MessageWidget) -> None:
        model = self._model
        if model is None or not self._actions_enabled or widget.role != Role.USER:
            return
        if widget is self._editing:
            widget.editor().setFocus(Qt.FocusReason.OtherFocusReason)  # type: ignore[union-attr]
            return
        self.cancel_editing()  # one editor at a time
        if not widget.has_editor():
            # Connected on first use: most bubbles are never edited.
            widget.edit_submitted.connect(
                lambda text, w=widget: self._on_message_edit_submitted(w, text)
            )
            widget.edit_cancelled.connect(lambda w=widget: self._on_message_edit_cancelled(w))
            widget.editor_resized.connect(lambda w=widget: self._on_message_editor_resized(w))
        row = self._column.index_of(widget)
        self._throttle.flush()
        widget.start_editing(model.data(model.index(row, 0), _Roles.ContentRole) or "")
        self._editing = widget
        self._column.refit(row)
        self._ensure_editor_visible(widget)

    def _on_message_edit_submitted(self, widget: MessageWidget, text: str) -> None:
        if widget is self._editing:
            self._editing = None
        row = self._refit_widget(widget)
        self.edit_submitted.emit(row, text)

    def _on_message_edit_cancelled(self, widget: MessageWidget) -> None:
        if widget is self._editing:
            self._editing = None
        self._refit_widget(widget)

    def _on_message_editor_resized(self, widget: MessageWidget) -> None:
        self._refit_widget(widget)
        editor = widget.editor()
        if editor is not None:
            # Keep the line being typed on screen as the editor grows.
            caret = editor.cursorRect()
            point = editor.viewport().mapTo(self._column, caret.center())
            self.ensureVisible(point.x(), point.y(), 0, caret.height())

    def _refit_widget(self, widget: MessageWidget) -> int:
        row = self._column.index_of(widget)
        self._column.refit(row)
        return row

    def _ensure_editor_visible(self, widget: MessageWidget) -> None:
        editor = widget.editor()
        if editor is None:
            return
        # Bottom first (the Send button), then the top of the editor wins if both cannot fit.
        bottom = widget.y() + widget.height()
        self.ensureVisible(widget.x(), bottom, 0, _SPACING)
        self.ensureVisible(widget.x(), widget.y() + editor.y(), 0, _SPACING)

    @staticmethod
    def _clear_selection(widget: MessageWidget) -> None:
        cursor = widget.body.textCursor()
        if cursor.hasSelection():
            cursor.clearSelection()
            widget.body.setTextCursor(cursor)

    def _on_message_anchor_clicked(self, widget: MessageWidget, url: QUrl) -> None:
        scheme = url.scheme().lower()
        if scheme == SOURCE_SCHEME:
            try:
                number = int(url.path())
            except ValueError:
                return
            self.source_requested.emit(self._column.index_of(widget), number)
            return
        if scheme == COPY_SCHEME:
            try:
                code = widget.code_block(int(url.path()))
            except ValueError:
                return
            if code is not None:
                QGuiApplication.clipboard().setText(code)
                self.copied.emit(code)
            return
        if scheme in {"http", "https"} and url.isValid() and url.host():
            if self.confirm_link(url):
                self.open_url(url)
                self.link_opened.emit(url)
            return
        # Any other scheme (file:, javascript:, mailto:, ...) is ignored on purpose.

    # -- scrolling and resizing ---------------------------------------------------------------

    def _on_scrollbar_range_changed(self, minimum: int, maximum: int) -> None:
        # The scroll bar may just have appeared or gone, changing the viewport width.
        self._column.set_column_width(self.viewport().width())
        if self._follow_bottom:
            self.verticalScrollBar().setValue(maximum)

    def _on_scrollbar_value_changed(self, value: int) -> None:
        self._follow_bottom = value >= self.verticalScrollBar().maximum() - 8
        self._maybe_request_earlier()

    def _maybe_request_earlier(self) -> None:
        """Ask once for earlier rows when the top is less than a screen away."""
        if not (self._has_earlier and self._earlier_armed) or self._model is None:
            return
        if self.verticalScrollBar().value() > self.viewport().height():
            return
        self._earlier_armed = False
        self.earlier_requested.emit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._column.set_column_width(self.viewport().width())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (
            QEvent.Type.PaletteChange,
            QEvent.Type.ApplicationPaletteChange,
            QEvent.Type.StyleChange,
        ):
            # Code colours depend on whether the palette is dark. The view hears of a new palette
            # before its bubbles get it, so re-render once the change has reached them.
            QTimer.singleShot(0, self._rerender_all)

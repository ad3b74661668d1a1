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
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
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
)
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QFont,
    QGuiApplication,
    QPainter,
    QPaintEvent,
    QPalette,
    QPyTextObject,
    QResizeEvent,
    QTextDocument,
    QTextFormat,
    QTextOption,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QScrollArea,
    QSizePolicy,
    QTextBrowser,
    QToolButton,
    QWidget,
)

from desktop.core.conversation import FinishReason, Role
from desktop.core.markdown import COPY_SCHEME, MarkdownLabels, RenderedMarkdown, render_markdown
from desktop.ui.message_model import MessageListModel

__all__ = ["ChatView", "MessageWidget", "RepaintThrottle", "SafeTextBrowser"]

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
        lay it out again.
        """
        document = self.document()
        width = max(1, width)
        document.setTextWidth(width)
        if shrink:
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


class MessageWidget(QFrame):
    """One message bubble: a header (author, meta line, Copy), the text, and a note.

    The widget shows what it is given and keeps nothing but the code blocks of its last render
    (so a "Copy" anchor copies exactly what is on screen).

    Signals:
        copy_requested(): the user pressed this message's Copy button.
        anchor_clicked(QUrl): the user clicked a link or a code block's Copy anchor.
    """

    copy_requested = Signal()
    anchor_clicked = Signal(QUrl)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._role = Role.ASSISTANT
        self._excluded = False
        self._code_blocks: tuple[str, ...] = ()
        self._size = QSize()

        self._header = QWidget(self)
        header_layout = QHBoxLayout(self._header)
        header_layout.setContentsMargins(0, 0, 0, 0)
        header_layout.setSpacing(8)
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
        header_layout.addWidget(self._author)
        header_layout.addWidget(self._meta)
        header_layout.addStretch(1)
        header_layout.addWidget(self._copy)

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
        self._role = role
        names = {
            Role.USER: self.tr("You"),
            Role.ASSISTANT: self.tr("Assistant"),
            Role.SYSTEM: self.tr("System"),
        }
        self._author.setText(names.get(role, str(role)))
        self.update()

    def set_text(self, text: str, *, streaming: bool) -> None:
        """Show ``text``: Markdown for the assistant, literal text for everyone else."""
        if self._role != Role.ASSISTANT:
            # Never interpreted: what the user typed is shown exactly, tags and all.
            self._code_blocks = ()
            self._body.setPlainText(text)
            return
        if not text and streaming:
            self._code_blocks = ()
            self._body.setPlainText("…")
            return
        labels = MarkdownLabels(
            copy=self.tr("Copy"),
            image=self.tr("[image: {alt}]"),
            code=self.tr("code"),
        )
        rendered: RenderedMarkdown = render_markdown(
            text, dark=_is_dark(self.palette()), labels=labels
        )
        self._code_blocks = rendered.code_blocks
        self._body.setHtml(rendered.html)

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

    # -- geometry -----------------------------------------------------------------------------

    def fit(self, max_width: int) -> QSize:
        """Lay out the bubble for at most ``max_width`` pixels and return its size.

        Geometry is computed here rather than by a layout so the column can ask for one
        bubble's size without triggering layout passes anywhere else.
        """
        inner_max = max(1, max_width - 2 * _PADDING)
        header_hint = self._header.sizeHint()
        text_size = self._body.measure(inner_max, shrink=True)
        inner = min(inner_max, max(text_size.width(), header_hint.width()))
        if inner != text_size.width():
            text_size = self._body.measure(inner, shrink=False)

        y = _PADDING
        self._header.setGeometry(_PADDING, y, inner, header_hint.height())
        y += header_hint.height() + _GAP
        self._body.setGeometry(_PADDING, y, inner, text_size.height())
        y += text_size.height()
        if not self._note.isHidden():
            note_height = self._note.heightForWidth(inner)
            if note_height < 0:
                note_height = self._note.sizeHint().height()
            y += _GAP
            self._note.setGeometry(_PADDING, y, inner, note_height)
            y += note_height
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
    box.setWindowTitle(parent.tr("Open link"))
    box.setTextFormat(Qt.TextFormat.PlainText)  # the URL is untrusted; never rich text
    # The encoded form shows punycode hosts, so a look-alike domain cannot hide.
    shown = bytes(url.toEncoded().data()).decode("ascii", errors="replace")
    box.setText(parent.tr("Open this link in your browser?\n{url}").format(url=shown))
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
    """

    copied = Signal(str)
    link_opened = Signal(QUrl)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model: MessageListModel | None = None
        self._follow_bottom = True
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
        widgets = [self._create_widget() for _ in range(first, last + 1)]
        for offset, widget in enumerate(widgets):
            self._fill(widget, self._model.index(first + offset, 0))
        self._column.insert(first, widgets)
        last_role = self._model.data(self._model.index(last, 0), _Roles.RoleRole)
        if last == self._model.rowCount() - 1 and last_role == Role.USER:
            # The user just sent something: show it even if they had scrolled up.
            self.scroll_to_bottom()

    def _on_model_rows_removed(self, parent: QModelIndex, first: int, last: int) -> None:
        if parent.isValid():
            return
        for widget in self._column.remove(first, last):
            widget.hide()
            widget.deleteLater()

    def _on_model_about_to_reset(self) -> None:
        self._throttle.clear()

    def _on_model_reset(self, *args: object) -> None:
        self._throttle.clear()
        for widget in self._column.take_all():
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

    def _on_model_data_changed(
        self,
        top_left: QModelIndex | QPersistentModelIndex,
        bottom_right: QModelIndex | QPersistentModelIndex,
        roles: Sequence[int] = (),
    ) -> None:
        if self._model is None:
            return
        content_only = bool(roles) and set(roles) <= {
            int(_Roles.ContentRole),
            int(Qt.ItemDataRole.DisplayRole),
        }
        for row in range(top_left.row(), bottom_right.row() + 1):
            index = self._model.index(row, 0)
            if content_only and self._model.data(index, _Roles.StreamingRole):
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
        widget.set_text(model.data(index, _Roles.ContentRole) or "", streaming=streaming)

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

    def _on_message_anchor_clicked(self, widget: MessageWidget, url: QUrl) -> None:
        scheme = url.scheme().lower()
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

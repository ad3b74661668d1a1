"""One message bubble: its header, its text (safe Markdown for replies), thinking, sources and
a note; or, while the user edits it, the inline editor.

Replies are model output, so untrusted: :class:`~desktop.chat.qt.message_text.MessageText`
renders them as safe Markdown into a :class:`~desktop.qtkit.safe_text.SafeTextBrowser` that
refuses to load any resource; what the user typed is shown as plain text, exactly. The note
and the reply's footer are a :class:`~desktop.chat.qt.message_footer.MessageFooter`.

The bubble lays itself out by hand (:meth:`MessageWidget.fit`) so the conversation's column can
ask one bubble for its size without a layout pass anywhere else.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QSize, QUrl, Signal
from PySide6.QtGui import QEnterEvent, QPaintEvent, QPalette
from PySide6.QtWidgets import QFrame, QMenu, QPlainTextEdit, QToolButton, QWidget

from desktop.chat.qt.bubble_style import bubble_color, dimmed_palette, paint_bubble
from desktop.chat.qt.inline_edit import InlineEdit
from desktop.chat.qt.message_footer import MessageFooter
from desktop.chat.qt.message_header import MessageHeader, SiblingSwitch
from desktop.chat.qt.message_model import SourcesNote
from desktop.chat.qt.message_text import MessageText
from desktop.chat.qt.sources_line import SourcesLine
from desktop.chat.qt.thinking_section import ThinkingSection
from desktop.core.conversation import FinishReason, MessageSource, Role
from desktop.qtkit.safe_text import SafeTextBrowser
from desktop.qtkit.theme import palette_is_dark, recolour_on_theme_change

__all__ = ["MessageWidget"]

#: Padding inside a bubble and the gap between its header, body and note.
_PADDING = 10
_GAP = 4
#: Between the author (or the footer line) and the actions strip in the same row.
_ROW_GAP = 8


class MessageWidget(QFrame):
    """One message: a header (author, actions), the text, a note and a quiet footer.

    The user's messages are bubbles; a reply is drawn on the page itself, the width of the
    reading column, with a footer under it when it is done (model · speed · why it ended, e.g.
    "Stopped"). The actions show while the pointer is over the message: in the user's header
    row, and under a reply, at the right of its footer line (a long reply's header has scrolled
    away by the time the reader wants them).

    The widget shows what it is given and keeps nothing but the code blocks of its last render
    (so a "Copy" anchor copies exactly what is on screen; its
    :class:`~desktop.chat.qt.message_text.MessageText` keeps them). Its header
    (:class:`~desktop.chat.qt.message_header.MessageHeader`) holds the actions (a reply's strip
    is placed by this bubble); its
    ``footer`` attribute (a :class:`~desktop.chat.qt.message_footer.MessageFooter`) the note
    and the footer line. The bubble lays these parts out and dims them.

    Edit turns the bubble into an inline editor (:meth:`start_editing`, an
    :class:`~desktop.chat.qt.inline_edit.InlineEdit`); the owner decides which text it starts
    with and what to do with the result.

    Signals:
        copy_requested(): the user pressed this message's Copy button.
        anchor_clicked(QUrl): the user clicked a link or a code block's Copy anchor.
        action_requested(int): the user pressed Edit, Regenerate, Delete or a version arrow
            (a :class:`~desktop.chat.qt.message_header.MessageAction`). Delete is not
            confirmed yet.
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
        self._size = QSize()
        self._actions_enabled = True
        self._edit: InlineEdit | None = None  # made on the first edit
        self._thinking: ThinkingSection | None = None  # made when a reply first has thinking

        self._header = MessageHeader(self, actions_host=self)
        self._strip = self._header.actions_strip()  # placed by fit: see _fit_header
        self._header.copy_requested.connect(self.copy_requested)
        self._header.action_requested.connect(self.action_requested)

        self._body = SafeTextBrowser(self)
        self._body.anchorClicked.connect(self.anchor_clicked)
        self._text = MessageText(self._body)

        # The "not sent" note and the footer (model · speed · why the reply ended).
        self.footer = MessageFooter(self)
        self._sources = SourcesLine(self)
        self._sources.source_clicked.connect(self.anchor_clicked)
        # The header's controls already match the defaults, and set_role (always called next)
        # updates them; not touching them here keeps building a long chat fast.

    # -- content ------------------------------------------------------------------------------

    @property
    def role(self) -> Role:
        return self._role

    @property
    def body(self) -> SafeTextBrowser:
        """The text widget (exposed for tests and accessibility tools)."""
        return self._body

    def header(self) -> MessageHeader:
        """The author and the actions above the text."""
        return self._header

    def code_block(self, index: int) -> str | None:
        """Source of code block ``index`` as last rendered, or ``None``."""
        return self._text.code_block(index)

    def set_role(self, role: Role) -> None:
        if not self._header.set_role(role):
            return  # called on every streamed render; nothing to do
        self._role = role
        self.update()

    def set_text(self, text: str, *, streaming: bool) -> None:
        """Show ``text``: Markdown for the assistant, literal text for everyone else.

        While ``streaming``, an update that only appended to the previous text re-renders just
        the last Markdown block; otherwise (and always when the reply finishes) the whole
        text is rendered.
        """
        if self._role != Role.ASSISTANT:
            self._text.show_plain(text)
        else:
            self._text.show_reply(text, streaming=streaming, dark=palette_is_dark(self.palette()))

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

    def set_sources(self, sources: Sequence[MessageSource], note: SourcesNote | None) -> None:
        """The reply's sources: "[n]" in its text becomes a link, and a line lists them."""
        self._text.set_citations(frozenset(s.number for s in sources))
        self._sources.show_sources(sources, note)

    def show_copied(self) -> None:
        """The Copy button says "Copied ✓" for a moment."""
        self._header.show_copied()

    @property
    def sources_line(self) -> SourcesLine:
        return self._sources

    def set_state(
        self,
        *,
        meta: str,
        finish_reason: FinishReason | None,
        excluded: bool,
        empty: bool = False,
    ) -> None:
        """Update the footer (meta line and why the reply ended, or that it is ``empty``), the
        note and the dimming."""
        self.footer.set_state(
            meta=meta, finish_reason=finish_reason, excluded=excluded, empty=empty
        )
        if excluded != self._excluded:
            self._excluded = excluded
            self._apply_palette()

    def note_text(self) -> str:
        """The note under the text and why a reply ended, one per line (see
        :meth:`MessageFooter.note_text`)."""
        return self.footer.note_text()

    # -- hover ---------------------------------------------------------------------------------

    def enterEvent(self, event: QEnterEvent) -> None:
        self._header.set_hovered(True)
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._header.set_hovered(False)
        super().leaveEvent(event)

    # -- actions and versions -----------------------------------------------------------------

    def set_controls(self, *, streaming: bool, sibling_index: int, sibling_count: int) -> None:
        """Show the version switch and hide actions while this message streams.

        Returns early when nothing changed; the owner refits the bubble afterwards, since
        the header may have changed width.
        """
        self._header.set_controls(
            streaming=streaming, sibling_index=sibling_index, sibling_count=sibling_count
        )

    def set_actions_enabled(self, enabled: bool) -> None:
        """Enable or disable Edit, Regenerate, Delete, the version switch and editor's Send.

        Only enabled states change, never what is shown, so the bubble keeps its size.
        """
        if enabled != self._actions_enabled:
            self._actions_enabled = enabled
            self._header.set_actions_enabled(enabled)
            if self._edit is not None:
                self._edit.set_actions_enabled(enabled)

    def sibling_switch(self) -> SiblingSwitch | None:
        """The "‹ 2/3 ›" control, or ``None`` if this message never had other versions."""
        return self._header.sibling_switch()

    def action_button(self) -> QToolButton:
        """The Edit (user) or Regenerate (assistant) button."""
        return self._header.action_button()

    def more_button(self) -> QToolButton:
        return self._header.more_button()

    def actions_menu(self) -> QMenu:
        """The "…" menu, built on first use so bubbles that never open it cost nothing."""
        return self._header.actions_menu()

    # -- inline editing -----------------------------------------------------------------------

    def is_editing(self) -> bool:
        return self._edit is not None and self._edit.is_editing()

    def has_editor(self) -> bool:
        """Whether the inline editor was ever built (it is built on the first edit)."""
        return self._edit is not None

    def editor(self) -> QPlainTextEdit | None:
        """The inline editor's text box while editing, else ``None``."""
        return self._edit.editor().box() if self.is_editing() and self._edit else None

    def start_editing(self, text: str) -> None:
        """Replace the text with an editor holding ``text``; the owner refits the bubble."""
        if self._edit is None:
            edit = self._edit = InlineEdit(
                self, self._body, self._header, actions_enabled=self._actions_enabled
            )
            edit.submitted.connect(self.edit_submitted)
            edit.cancelled.connect(self.edit_cancelled)
            edit.resized.connect(self.editor_resized)
        self._edit.start(text)

    def stop_editing(self) -> None:
        """Back to showing the message; the owner refits the bubble."""
        if self._edit is not None:
            self._edit.stop()

    # -- geometry -----------------------------------------------------------------------------

    def fit(self, max_width: int) -> QSize:
        """Lay out the bubble for at most ``max_width`` pixels and return its size.

        Geometry is computed here rather than by a layout so the column can ask for one
        bubble's size without triggering layout passes anywhere else.
        """
        inner_max = max(1, max_width - 2 * _PADDING)
        if self.is_editing():
            return self._fit_editing(inner_max)
        if self._role == Role.ASSISTANT:
            # A reply takes the column's width: its actions sit at the column's right edge.
            text_size = self._body.measure(inner_max, shrink=False)
            wanted = inner_max
        else:
            text_size = self._body.measure(inner_max, shrink=True)
            wanted = max(text_size.width(), self._header_row_width())
        thinking = self._thinking if self._thinking and not self._thinking.isHidden() else None
        if thinking is not None:
            wanted = max(wanted, inner_max if thinking.expanded else thinking.minimum_width())
        inner = min(inner_max, wanted)
        if inner != text_size.width():
            text_size = self._body.measure(inner, shrink=False)

        y = self._fit_header(inner) + _GAP
        # A reply that is (so far) only thinking shows no empty answer below it, nor a "…"
        # placeholder repeating what "Thinking…" says; one stopped before its first token shows
        # no empty line above its footer ("Stopped").
        waiting = (thinking is not None and self._text.no_answer()) or self._text.ended_empty()
        if thinking is not None:
            thinking.move(_PADDING, y)
            y += thinking.fit(inner) + (0 if waiting else _GAP)
        self._body.setVisible(not waiting)
        if not waiting:
            self._body.setGeometry(_PADDING, y, inner, text_size.height())
            y += text_size.height()
        return self._finish_fit(inner, y)

    def _header_row_width(self) -> int:
        """The header's row: the author, and the actions strip but on a reply."""
        width = self._header.sizeHint().width()
        if self._role != Role.ASSISTANT:
            width += _ROW_GAP + self._strip.sizeHint().width()
        return width

    def _fit_header(self, inner: int) -> int:
        """Places the header, with the actions strip at the right but on a reply (whose strip
        goes under its text: _fit_last_row); returns the row's bottom."""
        y = _PADDING
        height = self._header.sizeHint().height()
        if self._role == Role.ASSISTANT:
            self._header.setGeometry(_PADDING, y, inner, height)
            return y + height
        strip = self._strip.sizeHint()
        row = max(height, strip.height())
        self._header.setGeometry(_PADDING, y + (row - height) // 2, inner - strip.width(), height)
        x = _PADDING + inner - strip.width()
        self._strip.setGeometry(x, y + (row - strip.height()) // 2, strip.width(), strip.height())
        return y + row

    def _fit_editing(self, inner: int) -> QSize:
        # An editor gets the full width: editing a short message in a narrow box is cramped.
        assert self._edit is not None
        editor = self._edit.editor()
        y = self._fit_header(inner) + _GAP
        height = editor.fit(inner)
        editor.setGeometry(_PADDING, y, inner, height)
        return self._finish_fit(inner, y + height)

    def _finish_fit(self, inner: int, y: int) -> QSize:
        for below in (self._sources, self.footer.note_label()):
            if not below.isHidden():
                height = _height_for_width(below, inner)
                below.setGeometry(_PADDING, y + _GAP, inner, height)
                y += _GAP + height
        y = self._fit_last_row(inner, y)
        self._size = QSize(inner + 2 * _PADDING, y + _PADDING)
        return self._size

    def _fit_last_row(self, inner: int, y: int) -> int:
        """The footer line, and a reply's actions at the right of the same row, set apart
        from what is above; returns the row's bottom."""
        line = self.footer.label()
        strip = self._strip
        strip_size = strip.sizeHint() if self._role == Role.ASSISTANT else None
        if line.isHidden() and strip_size is None:
            return y
        y += 2 * _GAP
        line_width = inner - (strip_size.width() + _ROW_GAP if strip_size is not None else 0)
        line_height = 0 if line.isHidden() else _height_for_width(line, max(1, line_width))
        row = max(line_height, strip_size.height() if strip_size is not None else 0)
        if not line.isHidden():
            line.setGeometry(_PADDING, y + (row - line_height) // 2, line_width, line_height)
        if strip_size is not None:
            x = _PADDING + inner - strip_size.width()
            strip.setGeometry(
                x, y + (row - strip_size.height()) // 2, strip_size.width(), strip_size.height()
            )
        return y + row

    def sizeHint(self) -> QSize:
        return self._size if self._size.isValid() else super().sizeHint()

    # -- painting -----------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if self._excluded and not self._in_palette_update:
            # The window's palette changed: derive the dimmed colours again.
            recolour_on_theme_change(self, event, self._apply_palette)
        super().changeEvent(event)

    _in_palette_update = False

    def _apply_palette(self) -> None:
        """Dim the text of excluded messages by blending it towards the background."""
        self._in_palette_update = True
        try:
            if self._excluded:
                parent = self.parentWidget()
                self.setPalette(dimmed_palette(parent.palette() if parent else QPalette()))
            else:
                self.setPalette(QPalette())
        finally:
            self._in_palette_update = False
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        # The background comes from the palette, so light and dark both work.
        paint_bubble(self, self._role, bubble_color(self._role, self.palette()))


def _height_for_width(label: QWidget, width: int) -> int:
    height = label.heightForWidth(width)
    return height if height >= 0 else label.sizeHint().height()

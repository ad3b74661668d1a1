"""What a message's text box shows: the user's words as plain text, a reply as safe Markdown.

Replies are model output, so untrusted: they are rendered by :mod:`desktop.core.markdown` (no
raw HTML, no images, safe link schemes only) into the bubble's
:class:`~desktop.qtkit.safe_text.SafeTextBrowser`. A streaming reply re-renders only its last
block (:mod:`desktop.chat.qt.markdown_blocks`). Kept apart from
:class:`~desktop.chat.qt.message_widget.MessageWidget` so the bubble stays small.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from desktop.chat.qt.markdown_blocks import IncrementalMarkdown
from desktop.core.markdown import MarkdownLabels, RenderedMarkdown, render_markdown
from desktop.qtkit.safe_text import SafeTextBrowser

__all__ = ["MessageText"]


class MessageText(QObject):
    """Fills one bubble's text box and remembers the code blocks of its last render (so a
    "Copy" anchor copies exactly what is on screen) and which "[n]" citations are links.

    Not a widget: the bubble owns and places the text box. Has no signals.
    """

    def __init__(self, body: SafeTextBrowser) -> None:
        super().__init__(body)
        self._body = body
        self._code_blocks: tuple[str, ...] = ()
        self._incremental: IncrementalMarkdown | None = None  # made when a reply first streams
        self._citations: frozenset[int] = frozenset()
        self._no_answer = False  # a reply without answer text (yet)
        self._streaming = False  # whether the last reply shown was still streaming

    def no_answer(self) -> bool:
        """Whether the last text shown was a reply with no answer text (yet)."""
        return self._no_answer

    def ended_empty(self) -> bool:
        """Whether the last text shown was a finished reply with no answer text at all (stopped
        before its first token): there is nothing to show, not even "…"."""
        return self._no_answer and not self._streaming

    def code_block(self, index: int) -> str | None:
        """Source of code block ``index`` as last rendered, or ``None``."""
        if 0 <= index < len(self._code_blocks):
            return self._code_blocks[index]
        return None

    def show_plain(self, text: str) -> None:
        """Show ``text`` exactly, never interpreted: what the user typed, tags and all."""
        self._no_answer = False
        self._streaming = False
        self._forget_stream()
        self._code_blocks = ()
        self._body.setPlainText(text)

    def show_reply(self, text: str, *, streaming: bool, dark: bool) -> None:
        """Show a reply as Markdown; while ``streaming``, an update that only appended to the
        previous text re-renders just the last block, otherwise the whole text is rendered."""
        self._no_answer = not text
        self._streaming = streaming
        if not text and streaming:
            self._forget_stream()
            self._code_blocks = ()
            self._body.setPlainText("…")
            return
        if streaming:
            if self._incremental is None:
                self._incremental = IncrementalMarkdown(self._body, self._render)
            self._code_blocks = self._incremental.show(text, dark)
            return
        self._forget_stream()
        rendered = self._render(text, dark)
        self._code_blocks = rendered.code_blocks
        self._body.setHtml(rendered.html)

    def set_citations(self, citations: frozenset[int]) -> None:
        """The source numbers whose "[n]" becomes a link from the next render on."""
        if citations != self._citations:
            self._citations = citations
            self._forget_stream()  # render the whole text again with the new links

    def _render(self, text: str, dark: bool) -> RenderedMarkdown:
        labels = MarkdownLabels(
            copy=self.tr("Copy"),
            image=self.tr("[image: {alt}]"),
            code=self.tr("code"),
        )
        return render_markdown(text, dark=dark, labels=labels, citations=self._citations)

    def _forget_stream(self) -> None:
        if self._incremental is not None:
            self._incremental.reset()

"""Rendering a streaming reply block by block, and rate-limiting the re-renders.

One streaming update must not cost more as the reply grows. While a reply streams, its completed
top-level Markdown blocks (everything before the last blank line outside a code fence) are
rendered once and appended to the document; each update removes and re-renders only the last,
growing block (:class:`BlockSplitter`, :class:`IncrementalMarkdown`). When the reply finishes
its owner renders it whole once, so the final view is the full render. Re-rendering is further
rate-limited by one :class:`RepaintThrottle` per view.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import (
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextDocumentFragment,
    QTextFormat,
)

from desktop.core.markdown import COPY_SCHEME, RenderedMarkdown
from desktop.qtkit.safe_text import SafeDocument, SafeTextBrowser

__all__ = [
    "BlockSplitter",
    "IncrementalMarkdown",
    "RepaintThrottle",
    "StreamState",
    "append_blocks",
    "remove_to",
]

#: An opening code fence: up to three spaces, then three or more backticks or tildes.
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
#: The Copy anchors the renderer puts above code blocks (tags, never text: text is escaped).
_COPY_ANCHOR = re.compile(rf'<a href="{re.escape(COPY_SCHEME)}:(\d+)"')


class BlockSplitter:
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


def append_blocks(document: QTextDocument, html: str, scratch: QTextDocument) -> None:
    """Append ``html`` (whole blocks) to a non-empty ``document`` as new blocks.

    ``QTextCursor.insertHtml`` merges the first inserted paragraph into the block at the
    cursor, and a fragment that starts with a table or a list arrives behind an extra empty
    paragraph. So: open a fresh block, insert the fragment, then either drop that empty
    paragraph or give the fresh block the first block's formats, keeping the previous block's
    own formats, which removing a block separator can overwrite. ``scratch`` parses the HTML
    (a :class:`SafeDocument`, so nothing is loaded).
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
        remove_to(document, start, start + 1)
    elif first.textList() is None and block.textList() is None:
        fix = QTextCursor(block)
        fix.setBlockFormat(first.blockFormat())
        fix.setBlockCharFormat(first.charFormat())


def remove_to(document: QTextDocument, start: int, end: int | None = None) -> None:
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


class StreamState:
    """What a streaming bubble already shows: the rendered completed blocks and where the
    re-rendered tail starts in its document."""

    __slots__ = ("code_blocks", "dark", "done", "prefix_end", "splitter", "text")

    def __init__(self, dark: bool) -> None:
        self.dark = dark
        self.splitter = BlockSplitter()
        self.text = ""  # the text of the last update
        self.done = 0  # text[:done] is rendered into the document for good
        self.prefix_end: int | None = None  # document position where the tail starts
        self.code_blocks: list[str] = []  # code blocks of text[:done]


class IncrementalMarkdown:
    """Shows a streaming reply in ``browser``, re-rendering only what changed (see the module
    docstring). ``render(text, dark)`` turns Markdown into HTML; the owner's, so its labels and
    citations apply."""

    __slots__ = ("_browser", "_render", "_scratch", "_state")

    def __init__(
        self, browser: SafeTextBrowser, render: Callable[[str, bool], RenderedMarkdown]
    ) -> None:
        self._browser = browser
        self._render = render
        self._state: StreamState | None = None
        self._scratch: SafeDocument | None = None

    def reset(self) -> None:
        """Forget what is shown: the next :meth:`show` renders the whole text."""
        self._state = None

    def show(self, text: str, dark: bool) -> tuple[str, ...]:
        """Show ``text``; returns the sources of its code blocks (for the Copy anchors)."""
        state = self._state
        document = self._browser.document()
        if state is None or state.dark != dark or not text.startswith(state.text):
            state = self._state = StreamState(dark)  # the document is replaced below
        elif state.prefix_end is not None:
            remove_to(document, state.prefix_end)  # the old tail
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
        return (*state.code_blocks, *tail_blocks)

    def _render_part(self, text: str, state: StreamState) -> tuple[str, tuple[str, ...]]:
        """HTML of a part of a streaming reply, its Copy anchors numbered after the blocks
        already shown."""
        rendered = self._render(text, state.dark)
        html, offset = rendered.html, len(state.code_blocks)
        if rendered.code_blocks and offset:
            html = _COPY_ANCHOR.sub(
                lambda match: f'<a href="{COPY_SCHEME}:{int(match.group(1)) + offset}"', html
            )
        return html, rendered.code_blocks

    def _put_html(self, html: str, *, replace: bool) -> None:
        if replace:
            self._browser.setHtml(html)
            return
        if self._scratch is None:
            self._scratch = SafeDocument()
        append_blocks(self._browser.document(), html, self._scratch)


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

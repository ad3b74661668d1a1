"""markdown_blocks: block boundaries of a growing reply, rendering it block by block, and the
repaint throttle."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from desktop.chat.qt.markdown_blocks import (
    BlockSplitter,
    IncrementalMarkdown,
    RepaintThrottle,
    StreamState,
    append_blocks,
    remove_to,
)
from desktop.core.markdown import RenderedMarkdown, render_markdown
from desktop.qtkit.safe_text import SafeDocument, SafeTextBrowser


def _boundaries(text: str, step: int) -> list[int]:
    splitter = BlockSplitter()
    return [splitter.feed(text[:end]) for end in range(step, len(text) + step, step)]


@pytest.mark.parametrize(
    ("text", "boundary"),
    [
        ("one\n\ntwo", 5),
        ("one\n\ntwo\n\nthree", 10),
        ("one\ntwo", 0),  # no blank line yet
        ("```\ncode\n\nmore\n", 0),  # blank line inside an open fence
        ("```\ncode\n\n```\n\nafter", 15),
        ("~~~\nx\n\n~~~\n\ny", 12),
        ("- item\n\n  continued", 0),  # indented: may continue the list item
        ("- item\n\n next", 8),  # one space is still a new block
    ],
)
def test_block_boundaries(text: str, boundary: int) -> None:
    assert BlockSplitter().feed(text) == boundary


def test_feeding_piece_by_piece_finds_the_same_boundaries() -> None:
    text = "# Title\n\npara one\n\n```py\na\n\nb\n```\n\n- x\n- y\n\nend\n"
    whole = BlockSplitter().feed(text)
    assert _boundaries(text, 1)[-1] == _boundaries(text, 7)[-1] == whole
    assert whole == text.index("end")


def test_a_stream_state_starts_empty() -> None:
    state = StreamState(dark=True)
    assert state.dark and state.text == "" and state.done == 0
    assert state.prefix_end is None and state.code_blocks == []


def _plain(html: str) -> str:
    document = SafeDocument()
    document.setHtml(html)
    return document.toPlainText()


def test_append_blocks_and_remove_to_keep_the_document_whole(qtbot: QtBot) -> None:
    parts = ["# Head\n\n", "para\n\n", "| a | b |\n|---|---|\n| 1 | 2 |\n\n", "- x\n- y\n\n", "end"]
    document = SafeDocument()
    document.setHtml(render_markdown(parts[0]).html)
    for part in parts[1:]:
        append_blocks(document, render_markdown(part).html, SafeDocument())
    assert document.toPlainText() == _plain(render_markdown("".join(parts)).html)
    end_of_head = len("Head")
    remove_to(document, end_of_head)
    assert document.toPlainText() == "Head"


def test_incremental_markdown_renders_only_the_last_block(qtbot: QtBot) -> None:
    browser = SafeTextBrowser()
    qtbot.addWidget(browser)
    rendered: list[str] = []

    def render(text: str, dark: bool) -> RenderedMarkdown:
        rendered.append(text)
        return render_markdown(text, dark=dark)

    incremental = IncrementalMarkdown(browser, render)
    text = ""
    for piece in ["First para", "graph.\n\n", "```\ncode", "\n```\n\n", "Last words"]:
        text += piece
        blocks = incremental.show(text, False)
        assert browser.toPlainText() == _plain(render_markdown(text).html)
    assert blocks == ("code",)
    assert rendered[-1] == "Last words"  # the completed blocks were not rendered again
    rendered.clear()
    incremental.show(text, True)  # a new palette: everything again
    assert rendered[0].startswith("First paragraph.")
    rendered.clear()
    incremental.reset()
    incremental.show(text, True)
    assert rendered[0].startswith("First paragraph.")


def test_repaint_throttle_renders_at_once_then_once_per_interval(qtbot: QtBot) -> None:
    batches: list[set[int]] = []
    throttle = RepaintThrottle(30, batches.append)
    throttle.request(1)
    assert batches == [{1}]  # the first at once
    throttle.request(1)
    throttle.request(2)
    assert batches == [{1}]
    qtbot.waitUntil(lambda: len(batches) == 2, timeout=2000)
    assert batches[1] == {1, 2}
    throttle.request(3)
    throttle.flush()
    assert batches[-1] == {3}
    throttle.request(4)
    throttle.discard(4)
    throttle.request(5)
    throttle.clear()
    qtbot.wait(80)
    QCoreApplication.processEvents()
    assert {4, 5}.isdisjoint(set().union(*batches))

"""MessageWidget: one bubble; literal user text, safe Markdown, notes, incremental streaming."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from pytestqt.qtbot import QtBot

import desktop.chat.qt.message_text as message_text_module
from desktop.chat.qt.bubble_style import bubble_color
from desktop.chat.qt.message_model import MessageListModel, MessageRow
from desktop.chat.qt.message_widget import MessageWidget
from desktop.chat.qt.view import ChatView
from desktop.core.conversation import FinishReason, Role
from desktop.qtkit.safe_text import SafeTextBrowser


def _bubble(qtbot: QtBot, role: Role) -> MessageWidget:
    widget = MessageWidget()
    qtbot.addWidget(widget)
    widget.set_role(role)
    return widget


def test_a_bubble_on_its_own(qtbot: QtBot) -> None:
    widget = _bubble(qtbot, Role.ASSISTANT)
    widget.set_text("Some **bold**\n\n```\nx = 1\n```", streaming=False)
    assert widget.body.toPlainText().startswith("Some bold")
    assert widget.code_block(0) == "x = 1"
    assert widget.code_block(1) is None
    assert widget.code_block(-1) is None
    assert widget.header().author_label().text() == "Assistant"
    size = widget.fit(500)
    assert 0 < size.width() <= 500
    assert widget.sizeHint() == size
    # Narrow: the header keeps the bubble at least as wide as the author and the buttons.
    assert widget.fit(200).width() <= 200


def test_streaming_placeholder_and_thinking_only(qtbot: QtBot) -> None:
    widget = _bubble(qtbot, Role.ASSISTANT)
    widget.set_text("", streaming=True)
    assert widget.body.toPlainText() == "…"
    widget.set_thinking("Let me see", None, active=True)
    assert widget.thinking_section is not None
    widget.fit(500)
    assert widget.body.isHidden()  # only thinking so far: no "…" under "Thinking…"
    widget.set_text("Answer", streaming=True)
    widget.fit(500)
    assert not widget.body.isHidden()


def test_bubble_colours_follow_the_role_and_palette(qtbot: QtBot) -> None:
    colours = {role: bubble_color(role, _bubble(qtbot, role).palette()) for role in Role}
    base = MessageWidget().palette().color(QPalette.ColorRole.Base)
    assert colours[Role.SYSTEM] == base
    assert colours[Role.USER].name() not in (base.name(), "#000000")  # a tinted bubble
    assert colours[Role.ASSISTANT].alpha() == 0  # a reply is read on the page itself


def test_editing_replaces_the_text_and_reports_the_result(qtbot: QtBot) -> None:
    widget = _bubble(qtbot, Role.USER)
    widget.set_text("question", streaming=False)
    widget.show()
    assert not widget.has_editor() and widget.editor() is None
    widget.start_editing("question")
    editor = widget.editor()
    assert editor is not None and widget.is_editing()
    assert widget.body.isHidden() and widget.action_button().isHidden()
    with qtbot.waitSignal(widget.edit_submitted) as blocker:
        editor.setPlainText("  changed  ")
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert blocker.args == ["changed"]
    assert not widget.is_editing() and widget.editor() is None
    assert widget.body.toPlainText() == "question"  # the owner rebuilds the rows
    widget.start_editing("question")
    with qtbot.waitSignal(widget.edit_cancelled):
        qtbot.keyClick(widget.editor(), Qt.Key.Key_Escape)
    assert not widget.is_editing()


def test_user_text_is_literal(view: ChatView, model: MessageListModel) -> None:
    model.append_message(Role.USER, "<b>x</b> **not bold**\n  indented")
    body = view.message_widget(0).body
    assert body.toPlainText() == "<b>x</b> **not bold**\n  indented"
    assert body.document().find("x").charFormat().fontWeight() < 600


def test_dangerous_links_are_not_rendered_as_links(view: ChatView, model: MessageListModel) -> None:
    model.append_message(
        Role.ASSISTANT, "[a](javascript:alert(1)) [b](file:///etc/passwd) ![c](http://x.org/i.png)"
    )
    html = view.message_widget(0).body.toHtml()
    assert "javascript:" not in html.replace("[a](javascript:alert(1))", "")
    assert 'href="file' not in html
    assert "<img" not in html
    assert "[image: c]" in view.message_widget(0).body.toPlainText()


def test_excluded_and_finish_notes(view: ChatView, model: MessageListModel) -> None:
    model.append_message(Role.USER, "old question")
    row = model.append_message(Role.ASSISTANT, "", streaming=True)
    model.append_delta(row, "partial")
    assert view.message_widget(row).note_text() == ""
    model.set_finished(row, FinishReason.CANCELLED, "tiny · 3.0 tok/s")
    assert view.message_widget(row).note_text() == "Stopped"
    model.set_finished(row, FinishReason.LENGTH)
    # Issue 17, defect 8: "Reached the length limit" did not say why the reply ended.
    note = view.message_widget(row).note_text()
    assert "Max tokens" in note and "context window" not in note
    model.set_finished(row, FinishReason.CONTEXT)
    note = view.message_widget(row).note_text()
    assert "context window" in note and "Max tokens" not in note
    model.set_excluded({0})
    assert "Not sent to the model" in view.message_widget(0).note_text()
    first = view.message_widget(0)
    assert first.palette().color(first.palette().ColorRole.Text) != view.palette().color(
        view.palette().ColorRole.Text
    )
    # The note made row 0 taller; row 1 moved down instead of overlapping.
    assert first.geometry().bottom() < view.message_widget(1).geometry().top()
    model.set_excluded(set())
    assert view.message_widget(0).note_text() == ""


def test_a_reply_stopped_before_its_first_word_shows_no_empty_line(
    view: ChatView, model: MessageListModel
) -> None:
    """While it waits it shows "…"; stopped before any text it shows its header and "Stopped"
    with no blank line of text between them."""
    from PySide6.QtWidgets import QApplication

    row = model.append_message(Role.ASSISTANT, "", streaming=True)
    QApplication.processEvents()
    widget = view.message_widget(row)
    assert widget.body.isVisibleTo(widget) and widget.body.toPlainText() == "…"
    model.set_finished(row, FinishReason.CANCELLED)
    QApplication.processEvents()
    assert not widget.body.isVisibleTo(widget)
    footer = widget.footer.label()
    assert footer.isVisibleTo(widget) and widget.note_text() == "Stopped"
    # Only the gaps are between them (an empty line of text made it more than two lines).
    assert footer.y() - widget.header().geometry().bottom() < 2 * widget.body.fontMetrics().height()
    # A reply with text is shown as always.
    other = model.append_message(Role.ASSISTANT, "", streaming=True)
    model.append_delta(other, "Some words")
    model.set_finished(other, FinishReason.CANCELLED)
    QApplication.processEvents()
    assert view.message_widget(other).body.isVisibleTo(view.message_widget(other))


def test_a_left_out_message_is_dimmed_in_the_new_theme_too(
    qtbot: QtBot, restore_app: Any, light_view: ChatView, model: MessageListModel
) -> None:
    """After a light to dark switch a left-out message kept the light theme's dimmed grey: the
    new stylesheet's polish gave the bubble back its old palette."""
    from desktop.chat.qt.bubble_style import dimmed_palette
    from desktop.qtkit.theme import Appearance

    view = light_view
    model.set_rows(
        [
            MessageRow(None, Role.USER, "old question"),
            MessageRow(None, Role.ASSISTANT, "answer", FinishReason.STOP),
        ]
    )
    model.set_excluded({0})
    first = view.message_widget(0)

    def dimmed() -> tuple[str, str]:
        wanted = dimmed_palette(view.palette()).color(QPalette.ColorRole.Text).name()
        return first.palette().color(QPalette.ColorRole.Text).name(), wanted

    qtbot.waitUntil(lambda: dimmed()[0] == dimmed()[1])
    light = dimmed()[0]
    Appearance(restore_app).apply("dark", 0)
    qtbot.waitUntil(lambda: dimmed()[0] == dimmed()[1] != light)


# -- incremental rendering of a streaming reply ------------------------------------------------

_MIXED_REPLY = (
    "# A heading\n\nSome **bold** text and `code`,\nwith a break.\n\n"
    "```python\ndef f():\n\n    return 1\n```\n\n"
    "- one\n- two\n\n---\n\n> a quote\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
    "~~~\nsecond block\n\n~~~\n\n1. first\n2. second\n\n Last words.\n"
)


def _full_render_text(text: str) -> str:
    browser = SafeTextBrowser()
    browser.setHtml(message_text_module.render_markdown(text).html)
    return browser.toPlainText()


def test_streaming_document_matches_a_full_render(view: ChatView, model: MessageListModel) -> None:
    row = model.append_message(Role.ASSISTANT, "", streaming=True)
    widget = view.message_widget(row)
    shown = ""
    for start in range(0, len(_MIXED_REPLY), 5):
        piece = _MIXED_REPLY[start : start + 5]
        model.append_delta(row, piece)
        shown += piece
        view.flush()
        assert widget.body.toPlainText() == _full_render_text(shown), repr(shown)
    # Copy anchors count on from the blocks already shown, while the reply still streams.
    assert widget.code_block(0) == "def f():\n\n    return 1"
    assert widget.code_block(1) == "second block\n"
    assert "hearthside-copy:1" in widget.body.toHtml()
    model.set_finished(row, FinishReason.STOP)
    final = SafeTextBrowser()
    final.setHtml(message_text_module.render_markdown(_MIXED_REPLY).html)
    assert widget.body.toHtml() == final.toHtml()


def test_one_streaming_update_renders_only_the_last_block(
    monkeypatch: pytest.MonkeyPatch, view: ChatView, model: MessageListModel
) -> None:
    rendered: list[int] = []
    real = message_text_module.render_markdown

    def counting(text: str, **kwargs: Any) -> Any:
        rendered.append(len(text))
        return real(text, **kwargs)

    monkeypatch.setattr(message_text_module, "render_markdown", counting)
    row = model.append_message(Role.ASSISTANT, "", streaming=True)
    paragraph = "Words of a reply with a [link](https://example.org) and `code`.\n\n"
    total = ""
    while len(total) < 20_000:
        for word in paragraph.split(" "):
            model.append_delta(row, word + " ")
            total += word + " "
            view.flush()
    assert len(rendered) > 1000
    assert max(rendered) < 2 * len(paragraph)  # never the whole reply while it streams
    rendered.clear()
    model.set_finished(row, FinishReason.STOP)
    assert rendered == [len(total)]  # finished: the whole text, once


def test_streaming_update_after_a_palette_change_renders_everything(
    view: ChatView, model: MessageListModel
) -> None:
    row = model.append_message(Role.ASSISTANT, "", streaming=True)
    model.append_delta(row, "```python\nx = 1\n```\n\nmore")
    view.flush()
    widget = view.message_widget(row)
    light = widget.body.toHtml()
    palette = widget.palette()
    palette.setColor(palette.ColorRole.Base, Qt.GlobalColor.black)
    widget.setPalette(palette)
    widget.set_text(
        model.data(model.index(row), MessageListModel.Roles.ContentRole), streaming=True
    )
    assert widget.body.toHtml() != light  # dark code colours for the completed block too

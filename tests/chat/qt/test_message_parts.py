"""The bubble's parts on their own: MessageFooter, MessageText and InlineEdit."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop.chat.qt.inline_edit import InlineEdit
from desktop.chat.qt.message_footer import MessageFooter
from desktop.chat.qt.message_header import MessageHeader
from desktop.chat.qt.message_text import MessageText
from desktop.core.conversation import FinishReason
from desktop.qtkit.safe_text import SafeTextBrowser


def test_footer_joins_meta_and_why_the_reply_ended(qtbot: QtBot) -> None:
    bubble = QWidget()
    qtbot.addWidget(bubble)
    footer = MessageFooter(bubble)
    assert footer.text() == "" and footer.note_text() == ""
    footer.set_state(meta="tiny · 3.0 tok/s", finish_reason=FinishReason.CANCELLED, excluded=True)
    assert footer.text() == "tiny · 3.0 tok/s · Stopped"
    assert footer.note_text().splitlines()[1] == "Stopped"
    assert not footer.note_label().isHidden()
    assert footer.label().parent() is bubble
    assert footer.label().textFormat() == Qt.TextFormat.PlainText
    footer.set_state(meta="", finish_reason=None, excluded=False)
    assert footer.text() == "" and footer.label().isHidden() and footer.note_label().isHidden()


def test_footer_says_when_a_finished_reply_wrote_nothing(qtbot: QtBot) -> None:
    """A server or model that ends at once left an empty bubble with no word on why."""
    bubble = QWidget()
    qtbot.addWidget(bubble)
    footer = MessageFooter(bubble)
    footer.set_state(meta="tiny", finish_reason=FinishReason.STOP, excluded=False, empty=True)
    assert footer.text() == "tiny · The model ended its reply without writing anything"
    footer.set_state(meta="tiny", finish_reason=FinishReason.STOP, excluded=False)
    assert footer.text() == "tiny"
    footer.set_state(meta="", finish_reason=FinishReason.CANCELLED, excluded=False, empty=True)
    assert footer.text() == "Stopped"  # stopped before a word: the user knows why


def test_text_shows_user_words_plainly_and_replies_as_markdown(qtbot: QtBot) -> None:
    body = SafeTextBrowser()
    qtbot.addWidget(body)
    text = MessageText(body)
    text.show_plain("**not bold** <b>tag</b>")
    assert body.toPlainText() == "**not bold** <b>tag</b>"
    text.show_reply("", streaming=True, dark=False)
    assert body.toPlainText() == "…" and text.no_answer()
    text.show_reply("Some **bold**\n\n```\ncode\n```\n", streaming=False, dark=False)
    assert not text.no_answer()
    assert "**" not in body.toPlainText()
    assert text.code_block(0) == "code"
    assert text.code_block(1) is None


def test_inline_edit_swaps_the_text_for_the_editor_and_back(qtbot: QtBot) -> None:
    bubble = QWidget()
    qtbot.addWidget(bubble)
    body = SafeTextBrowser(bubble)
    edit = InlineEdit(bubble, body, MessageHeader(bubble), actions_enabled=True)
    edit.start("draft")
    assert edit.is_editing() and body.isHidden()
    assert edit.editor().box().toPlainText() == "draft"
    with qtbot.waitSignal(edit.cancelled):
        edit.editor().cancelled.emit()
    assert not edit.is_editing() and not body.isHidden()

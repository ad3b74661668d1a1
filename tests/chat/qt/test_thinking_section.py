"""The Thinking section in the chat: open while streaming, "Thought for N s" after, toggles on
click, and kept across reopening the chat (real window, worker, llama.cpp and store)."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTextBrowser

from desktop.chat.qt.message_model import MessageListModel, MessageRow
from desktop.chat.qt.view import ChatView
from desktop.core.conversation import FinishReason, Role
from desktop.core.design import SPACE_M
from tests.fixtures.window import load_tiny, type_and_send


def make_view(qtbot) -> tuple[ChatView, MessageListModel]:
    model = MessageListModel()
    view = ChatView()
    qtbot.addWidget(view)
    view.set_model(model)
    view.resize(700, 600)
    view.show()
    return view, model


def test_section_opens_while_thinking_and_closes_when_the_answer_starts(qtbot) -> None:
    view, model = make_view(qtbot)
    model.append_message(Role.USER, "2+2?")
    row = model.append_message(Role.ASSISTANT, "", streaming=True)
    model.append_thinking_delta(row, "\nThe user asks for 2+2. ")
    view.flush()
    widget = view.message_widget(row)
    section = widget.thinking_section
    assert section is not None and section.isVisible()
    assert section.expanded
    assert section.button.text() == "Thinking…"
    assert not widget.body.isVisible()  # no "…" answer placeholder under "Thinking…"
    model.append_thinking_delta(row, "That is 4.")
    view.flush()
    assert section.shown_text() == "The user asks for 2+2. That is 4."
    open_height = widget.height()

    model.set_thinking_finished(row, 12.4)
    model.append_delta(row, "It is **4**.")
    view.flush()
    assert not section.expanded
    assert section.button.text() == "Thought for 12 s"
    assert section.shown_text() == ""
    assert widget.height() < open_height
    assert "<think>" not in widget.body.toPlainText()
    assert widget.body.isVisible() and widget.body.toPlainText() == "It is 4."
    model.set_finished(row, FinishReason.STOP)
    view.flush()
    assert not section.expanded

    closed_height = widget.height()
    qtbot.mouseClick(section.button, Qt.MouseButton.LeftButton)
    assert section.expanded
    assert section.shown_text() == "The user asks for 2+2. That is 4."
    assert widget.height() > closed_height
    # The answer starts apart from the open thinking, not as its last paragraph.
    thought_bottom = section.mapTo(widget, section.findChild(QTextBrowser).geometry().bottomLeft())
    gap = widget.body.geometry().top() - thought_bottom.y()
    assert gap >= SPACE_M
    qtbot.mouseClick(section.button, Qt.MouseButton.LeftButton)
    assert not section.expanded
    assert widget.height() == closed_height


def test_thinking_is_plain_text(qtbot) -> None:
    view, model = make_view(qtbot)
    evil = '<img src="file:///etc/passwd"> <a href="https://x.example">x</a> **bold**'
    model.set_rows(
        [
            MessageRow(None, Role.USER, "hi"),
            MessageRow(
                None, Role.ASSISTANT, "ok", FinishReason.STOP, thinking=evil, thinking_seconds=3
            ),
        ]
    )
    section = view.message_widget(1).thinking_section
    assert section is not None and not section.expanded
    qtbot.mouseClick(section.button, Qt.MouseButton.LeftButton)
    assert section.shown_text() == evil  # shown literally: no image, no link, no Markdown


def test_replies_without_thinking_have_no_section(qtbot) -> None:
    view, model = make_view(qtbot)
    model.set_rows([MessageRow(None, Role.ASSISTANT, "plain", FinishReason.STOP)])
    section = view.message_widget(0).thinking_section
    assert section is None or not section.isVisible()


def test_thinking_reply_is_stored_and_shown_after_reopening(
    qtbot, app, thinking_tiny_gguf: Path
) -> None:
    app.settings.set("reasoning.budget", 6, thinking_tiny_gguf.name)
    load_tiny(qtbot, app, thinking_tiny_gguf, temperature=0.0, max_tokens=20)
    assert app.session.settings.thinking_budget == 6
    type_and_send(qtbot, app, "Why is the sky blue?")
    qtbot.waitUntil(lambda: not app.session.is_streaming, timeout=30_000)
    conversation = app.session.conversation_id
    summary = app.store.get_conversation(conversation)
    reply = app.store.path_to(summary.current_leaf_id)[-1]
    assert reply.role == Role.ASSISTANT
    assert reply.thinking.strip() and reply.content.strip()
    assert reply.thinking_seconds is not None and reply.thinking_seconds >= 0
    for marker in ("<think>", "</think>"):
        assert marker not in reply.content and marker not in reply.thinking

    view = app.chat.chat_view
    view.flush()
    section = view.message_widget(1).thinking_section
    assert section is not None and not section.expanded
    assert section.button.text().startswith("Thought for ")

    app.session.new_chat()
    app.session.open_conversation(conversation)
    view.flush()
    section = view.message_widget(1).thinking_section
    assert section is not None and section.isVisible() and not section.expanded
    assert section.button.text().startswith("Thought for ")
    qtbot.mouseClick(section.button, Qt.MouseButton.LeftButton)
    assert section.shown_text() == reply.thinking.strip()
    assert view.message_widget(1).body.toPlainText().strip() == reply.content.strip()


def test_export_dialog_offers_thinking_and_pdf_shows_it(qtbot, tmp_path: Path) -> None:
    from desktop.core.conversation import ConversationSummary, StoredMessage
    from desktop.history.qt.export_dialog import ExportDialog
    from desktop.history.qt.pdf_export import pdf_html
    from desktop.store.export import ExportConversation

    dialog = ExportDialog(all_chats=False)
    qtbot.addWidget(dialog)
    assert dialog.include_thinking.isChecked()
    assert dialog.options().include_thinking and not dialog.options().all_branches
    summary = ConversationSummary(1, "t", True, 0.0, 0.0, current_leaf_id=2)
    messages = (
        StoredMessage(1, 1, None, Role.USER, "q", 0.0),
        StoredMessage(
            2, 1, 1, Role.ASSISTANT, "a", 1.0, thinking="<i>hmm</i>", thinking_seconds=2.0
        ),
    )
    page = pdf_html(ExportConversation(summary, {}, messages))
    assert "Thought for 2 s" in page and "&lt;i&gt;hmm&lt;/i&gt;" in page


def test_window_exports_with_or_without_thinking(qtbot, app, thinking_tiny_gguf: Path, tmp_path):
    from desktop.history.qt.pdf_export import export_options

    app.settings.set("reasoning.budget", 4, thinking_tiny_gguf.name)
    load_tiny(qtbot, app, thinking_tiny_gguf, temperature=0.0, max_tokens=10)
    type_and_send(qtbot, app, "Hello")
    qtbot.waitUntil(lambda: not app.session.is_streaming, timeout=30_000)
    reply = app.store.path_to(
        app.store.get_conversation(app.session.conversation_id).current_leaf_id
    )[-1]
    thought = reply.thinking.strip().splitlines()[0]
    with_it, without = tmp_path / "with.md", tmp_path / "without.md"
    assert app.history.transfers.export_conversation_to(with_it, "markdown")
    assert app.history.transfers.export_conversation_to(
        without, "markdown", export_options(include_thinking=False)
    )
    assert f"> {thought}" in with_it.read_text(encoding="utf-8")
    assert "> **Thought for" in with_it.read_text(encoding="utf-8")
    # (the tiny model's answer may repeat its thinking's words, so look for the quote block)
    assert f"> {thought}" not in without.read_text(encoding="utf-8")
    assert "Thought for" not in without.read_text(encoding="utf-8")
    backup = tmp_path / "backup.json"
    assert app.history.transfers.export_conversation_to(
        backup, "json", export_options(include_thinking=False)
    )
    messages = json.loads(backup.read_text(encoding="utf-8"))["messages"]
    assert messages[-1]["thinking"] == reply.thinking  # JSON is the lossless backup


def test_stopping_while_thinking_keeps_the_thinking_and_its_time(
    qtbot, app, thinking_tiny_gguf: Path
) -> None:
    load_tiny(qtbot, app, thinking_tiny_gguf, temperature=0.0, max_tokens=20)
    session = app.session
    assert session.send("Think hard")
    # The tiny model streams thousands of tokens a second, too fast to press Stop in the middle
    # of its thinking; so one thinking delta is handed to the session's slot directly, as the
    # worker's queued signal would, and Stop follows before any answer.
    session.replies.on_worker_reply_thinking_delta(session.reply.request_id, "Let me think")
    session.stop()
    reply = app.store.path_to(app.store.get_conversation(session.conversation_id).current_leaf_id)[
        -1
    ]
    assert reply.finish_reason == FinishReason.CANCELLED
    assert reply.thinking.startswith("Let me think")
    assert reply.thinking_seconds is not None
    app.chat.chat_view.flush()
    widget = app.chat.chat_view.message_widget(1)
    section = widget.thinking_section
    assert section is not None and not section.expanded
    assert section.button.text().startswith("Thought for ")
    assert not widget.body.isVisible()  # no empty answer line under a reply that only thought


def test_model_thinking_roles_change_one_row_with_the_right_roles(qtbot, qtmodeltester) -> None:
    model = MessageListModel()
    model.append_message(Role.USER, "q")
    row = model.append_message(Role.ASSISTANT, "", streaming=True)
    roles = MessageListModel.Roles
    changes: list[tuple[int, set[int]]] = []
    model.dataChanged.connect(
        lambda top, bottom, changed: changes.append((top.row(), {int(r) for r in changed}))
    )
    model.append_thinking_delta(row, "a")
    model.append_thinking_delta(row, "b")
    model.set_thinking_finished(row, 2.5)
    model.append_delta(row, "answer")
    model.set_finished(row, FinishReason.STOP)
    assert changes[:3] == [
        (row, {roles.ThinkingRole, roles.ThinkingActiveRole}),
        (row, {roles.ThinkingRole}),
        (row, {roles.ThinkingActiveRole, roles.ThinkingSecondsRole}),
    ]
    data = model.row_data(row)
    assert (data.thinking, data.thinking_seconds, data.content) == ("ab", 2.5, "answer")
    index = model.index(row, 0)
    assert model.data(index, roles.ThinkingActiveRole) is False
    assert model.roleNames()[roles.ThinkingRole] == b"thinking"
    qtmodeltester.check(model)


def test_thinking_label_counts_the_seconds_while_it_streams(qtbot) -> None:
    view, model = make_view(qtbot)
    row = model.append_message(Role.ASSISTANT, "", streaming=True)
    model.append_thinking_delta(row, "Hmm")
    view.flush()
    button = view.message_widget(row).thinking_section.button
    assert button.text() == "Thinking…"
    qtbot.waitUntil(lambda: button.text() == "Thinking… 1 s", timeout=3000)
    assert button.width() >= button.sizeHint().width()  # the longer label is not clipped
    model.set_thinking_finished(row, 1.2)
    view.flush()
    assert button.text() == "Thought for 1 s"
    qtbot.wait(1100)
    assert button.text() == "Thought for 1 s"  # the clock stopped with the thinking


def test_the_thinking_takes_the_new_theme_s_grey(qtbot, restore_app) -> None:  # type: ignore[no-untyped-def]
    """After Settings › Theme went from light to dark the thinking kept the light theme's grey:
    the stylesheet's polish gave its text view back its old palette."""
    from PySide6.QtGui import QPalette

    from desktop.qtkit.theme import Appearance

    appearance = Appearance(restore_app)
    appearance.apply("light", 0)
    view, model = make_view(qtbot)
    model.set_rows(
        [
            MessageRow(
                None, Role.ASSISTANT, "4", FinishReason.STOP, thinking="2+2", thinking_seconds=1
            )
        ]
    )
    section = view.message_widget(0).thinking_section
    assert section is not None

    def muted() -> str:
        return section.palette().color(QPalette.ColorRole.PlaceholderText).name()

    light = section.text_colour().name()
    assert light == muted()
    appearance.apply("dark", 0)
    qtbot.waitUntil(lambda: section.text_colour().name() == muted() != light)

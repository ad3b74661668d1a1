"""ChatView's look (issue 17): the centred reading column, Jump to latest, the quiet footer
under a reply, and actions that show on hover."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QEnterEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.chat.qt.message_model import MessageListModel, MessageRow
from desktop.chat.qt.view import ChatView
from desktop.core.conversation import FinishReason, Role
from desktop.core.design import READING_WIDTH


def _chat(model: MessageListModel) -> None:
    model.append_message(Role.USER, "A question")
    model.append_message(Role.ASSISTANT, "An answer. " * 80)


def test_a_wide_window_centres_a_reading_column(
    qtbot: QtBot, view: ChatView, model: MessageListModel
) -> None:
    _chat(model)
    view.resize(1400, 700)
    QApplication.processEvents()
    user, reply = view.message_widget(0), view.message_widget(1)
    width = view.viewport().width()
    assert reply.width() == READING_WIDTH
    left_gap, right_gap = reply.x(), width - reply.geometry().right() - 1
    assert abs(left_gap - right_gap) <= 1  # centred
    assert user.geometry().right() == reply.geometry().right()  # the column's right edge
    assert user.x() > reply.x()


def test_a_narrow_window_gives_the_column_all_its_width(
    qtbot: QtBot, view: ChatView, model: MessageListModel
) -> None:
    """At 800×600 with the chat list beside it, the view is narrower than READING_WIDTH."""
    _chat(model)
    view.resize(560, 600)
    QApplication.processEvents()
    reply = view.message_widget(1)
    width = view.viewport().width()
    assert width < READING_WIDTH
    assert reply.x() <= 16 and width - reply.geometry().right() - 1 <= 16
    assert reply.width() >= width - 32


def test_jump_to_latest_shows_when_scrolled_up_during_a_reply(
    qtbot: QtBot, view: ChatView, model: MessageListModel
) -> None:
    for i in range(20):
        model.append_message(Role.USER if i % 2 == 0 else Role.ASSISTANT, f"message {i}\n\n" * 4)
    row = model.append_message(Role.ASSISTANT, "", streaming=True)
    QApplication.processEvents()
    jump = view.jump_button()
    assert jump.isHidden()  # at the bottom, following
    assert jump.meaning == "jump_to_latest" and jump.accessibleName() == "Jump to latest"
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() // 3)  # the user scrolls up to read
    for i in range(5):
        model.append_delta(row, f"more {i}\n\n")
        view.flush()
    assert jump.isVisible() and not view.is_following_bottom()
    # Floating in the bottom-right corner of the view, over the messages.
    viewport = view.viewport().geometry()
    assert viewport.contains(jump.geometry())
    assert jump.geometry().right() > viewport.center().x()
    assert jump.geometry().bottom() > viewport.center().y()
    qtbot.mouseClick(jump, Qt.MouseButton.LeftButton)
    assert bar.value() == bar.maximum() and view.is_following_bottom()
    assert jump.isHidden()
    model.append_delta(row, "and it follows again\n\n")
    view.flush()
    QApplication.processEvents()
    assert bar.value() == bar.maximum()


def test_jump_to_latest_also_shows_when_not_streaming(
    view: ChatView, model: MessageListModel
) -> None:
    for i in range(20):
        model.append_message(Role.USER if i % 2 == 0 else Role.ASSISTANT, f"message {i}\n\n" * 4)
    QApplication.processEvents()
    view.verticalScrollBar().setValue(0)
    assert view.jump_button().isVisible()
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    assert view.jump_button().isHidden()


def test_a_finished_reply_has_a_quiet_footer(view: ChatView, model: MessageListModel) -> None:
    """Issue 17: model · tokens/s · why the reply ended, under the reply."""
    model.append_message(Role.USER, "q")
    row = model.append_message(Role.ASSISTANT, "", streaming=True)
    model.append_delta(row, "partial")
    widget = view.message_widget(row)
    assert widget.footer.text() == ""
    model.set_finished(row, FinishReason.STOP, "tiny · 3.0 tok/s")
    assert widget.footer.text() == "tiny · 3.0 tok/s"  # a normal end says nothing more
    model.set_finished(row, FinishReason.CANCELLED)
    assert widget.footer.text() == "tiny · 3.0 tok/s · Stopped"
    model.set_finished(row, FinishReason.LENGTH)
    assert widget.footer.text().endswith("reached Max tokens (Model settings)")
    model.set_finished(row, FinishReason.CONTEXT)
    assert widget.footer.text().endswith("filled the context window")
    footer = widget.footer.label()
    assert footer.textFormat() == Qt.TextFormat.PlainText
    assert footer.font().pointSizeF() < widget.body.font().pointSizeF()  # quiet: smaller
    empty = model.append_message(Role.ASSISTANT, "", streaming=True)
    assert view.message_widget(empty).footer.text() == ""  # still coming: nothing to say
    model.set_finished(empty, FinishReason.STOP, "tiny")
    assert view.message_widget(empty).footer.text() == (
        "tiny · The model ended its reply without writing anything"
    )
    # Below the text, inside the message.
    assert footer.y() > widget.body.geometry().bottom()
    assert footer.geometry().bottom() < widget.height()
    assert view.message_widget(0).footer.text() == ""  # the user's message has none


def test_a_hostile_model_name_in_the_footer_is_plain_text(
    view: ChatView, model: MessageListModel
) -> None:
    """A model file stem from an import or a hub name is shown as written on every reply."""
    from PySide6.QtGui import QTextDocument

    hostile = '<img src="rel.png"><a href="file:///etc/passwd">model</a>'
    row = model.append_message(Role.ASSISTANT, "reply")
    model.set_finished(row, FinishReason.STOP, f"{hostile} · 3 tok/s")
    footer = view.message_widget(row).footer.label()
    assert footer.text() == f"{hostile} · 3 tok/s"
    assert footer.textFormat() == Qt.TextFormat.PlainText
    document = QTextDocument()
    document.setHtml(footer.toolTip())
    assert document.toPlainText() == f"{hostile} · 3 tok/s"


def test_pointing_at_a_message_shows_its_actions(view: ChatView, model: MessageListModel) -> None:
    _chat(model)
    widget = view.message_widget(1)
    header = widget.header()
    assert not header.actions_shown()
    QApplication.sendEvent(widget, QEnterEvent(QPointF(5, 5), QPointF(5, 5), QPointF(5, 5)))
    assert header.actions_shown()
    QApplication.sendEvent(widget, QEvent(QEvent.Type.Leave))
    assert not header.actions_shown()


def test_a_replys_actions_sit_under_its_text_and_a_users_in_its_header(
    view: ChatView, model: MessageListModel
) -> None:
    """A long reply's header has scrolled away when the reader reaches its end: its Copy,
    Regenerate and "…" sit under the text, at the right of the footer line; a user's short
    message keeps them in its header row."""
    _chat(model)
    model.set_finished(1, FinishReason.STOP, "tiny · 3.0 tok/s")
    view.resize(900, 700)
    QApplication.processEvents()
    reply = view.message_widget(1)
    strip = reply.header().actions_strip()
    assert strip.parentWidget() is reply
    assert strip.isVisibleTo(reply)
    body, footer = reply.body.geometry(), reply.footer.label().geometry()
    assert strip.y() > body.bottom() and strip.geometry().bottom() < reply.height()
    # One row: the footer line at the left, the actions at the column's right edge, apart.
    assert strip.geometry().top() <= footer.center().y() <= strip.geometry().bottom()
    assert footer.right() < strip.x()
    assert strip.geometry().right() == body.right()
    for button in (reply.header().copy_button(), reply.action_button(), reply.more_button()):
        assert button.isVisibleTo(reply) and strip.isAncestorOf(button)
    assert reply.header().height() < strip.height() + reply.header().author_mark().height()

    question = view.message_widget(0)
    strip, header = question.header().actions_strip(), question.header()
    assert question.action_button().accessibleName() == "Edit"
    assert strip.isVisibleTo(question) and strip.geometry().bottom() < question.body.y()
    # In the header's row, right of the author's name, inside the bubble.
    assert header.author_label().mapTo(question, QPoint(0, 0)).x() < strip.x()
    assert header.geometry().top() <= strip.geometry().center().y() <= header.geometry().bottom()
    assert header.geometry().right() < strip.x() and strip.geometry().right() < question.width()


def test_a_replys_version_switch_joins_its_actions_under_the_text(
    view: ChatView, model: MessageListModel
) -> None:
    model.set_rows([MessageRow(1, Role.ASSISTANT, "reply", sibling_index=1, sibling_count=2)])
    QApplication.processEvents()
    reply = view.message_widget(0)
    switch = reply.sibling_switch()
    assert switch is not None and switch.isVisibleTo(reply)
    assert reply.header().actions_strip().isAncestorOf(switch)
    assert switch.mapTo(reply, QPoint(0, 0)).y() > reply.body.geometry().bottom()
    assert switch.label.text() == "2/2"


def test_a_streaming_reply_keeps_the_row_its_actions_will_use(
    view: ChatView, model: MessageListModel
) -> None:
    """While a reply streams only Copy is there, in the row the footer joins when it ends, so
    the reply does not jump at its end."""
    model.append_message(Role.USER, "q")
    row = model.append_message(Role.ASSISTANT, "", streaming=True)
    model.append_delta(row, "partial answer")
    QApplication.processEvents()
    reply = view.message_widget(row)
    assert reply.header().copy_button().isVisibleTo(reply)
    assert not reply.action_button().isVisibleTo(reply)
    height = reply.height()
    model.set_finished(row, FinishReason.STOP, "tiny · 3.0 tok/s")
    QApplication.processEvents()
    assert reply.action_button().isVisibleTo(reply)
    assert reply.height() == height


def test_author_marks(view: ChatView, model: MessageListModel) -> None:
    """Issue 17: clear author marks: a name (plain text) and a round mark per author."""
    _chat(model)
    user, reply = (view.message_widget(i).header() for i in (0, 1))
    assert user.author_label().text() == "You" and reply.author_label().text() == "Assistant"
    for header in (user, reply):
        mark = header.author_mark()
        assert mark.isVisible() and mark.width() == mark.height() > 0
        assert mark.geometry().right() < header.author_label().x()
    # The two marks look different (the assistant's is in the accent colour).
    assert user.author_mark().grab().toImage() != reply.author_mark().grab().toImage()


def test_jump_to_latest_follows_the_theme(view: ChatView) -> None:
    from desktop.core.design import DARK, LIGHT
    from desktop.qtkit.theme import dark_palette, light_palette

    jump = view.jump_button()
    view.setPalette(dark_palette())
    QApplication.processEvents()
    assert DARK.surface_raised in jump.styleSheet()
    view.setPalette(light_palette())
    QApplication.processEvents()
    assert LIGHT.surface_raised in jump.styleSheet()

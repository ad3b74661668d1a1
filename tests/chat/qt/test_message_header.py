"""MessageHeader, SiblingSwitch and MessageAction: a bubble's author, meta line and actions."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from desktop.chat.qt.message_header import MessageAction, MessageHeader, SiblingSwitch
from desktop.chat.qt.message_model import MessageListModel, MessageRow
from desktop.chat.qt.view import ChatView
from desktop.core.conversation import Role


def _header(qtbot: QtBot, role: Role) -> MessageHeader:
    header = MessageHeader()
    qtbot.addWidget(header)
    header.set_role(role)
    header.show()
    return header


def test_role_names_the_author_and_the_main_action(qtbot: QtBot) -> None:
    header = _header(qtbot, Role.USER)
    assert header.author_label().text() == "You"
    assert header.action_button().text() == "Edit"
    assert not header.set_role(Role.USER)  # nothing changed
    assert header.set_role(Role.ASSISTANT)
    assert header.author_label().text() == "Assistant"
    assert header.action_button().text() == "Regenerate"
    header.set_role(Role.SYSTEM)
    assert header.action_button().isHidden() and header.more_button().isHidden()


def test_the_meta_line_shows_a_hostile_model_name_as_plain_text(qtbot: QtBot) -> None:
    """A model file stem from an import or a hub name is shown as written on every reply."""
    hostile = '<img src="rel.png"><a href="file:///etc/passwd">model</a>'
    header = _header(qtbot, Role.ASSISTANT)
    header.set_meta(f"{hostile} · 3 tok/s")
    meta = next(w for w in header.findChildren(QLabel) if hostile in w.text())
    assert meta.textFormat() == Qt.TextFormat.PlainText
    document = QTextDocument()
    document.setHtml(meta.toolTip())
    assert document.toPlainText() == f"{hostile} · 3 tok/s"


def test_meta_line_is_hidden_when_empty(qtbot: QtBot) -> None:
    header = _header(qtbot, Role.ASSISTANT)
    header.set_meta("tiny.gguf · 3 tok/s")
    meta = next(w for w in header.findChildren(type(header.author_label())) if w.toolTip())
    assert meta.text() == "tiny.gguf · 3 tok/s" and meta.isVisible()
    header.set_meta("")
    assert meta.isHidden()


def test_buttons_and_menu_ask_for_actions(qtbot: QtBot) -> None:
    header = _header(qtbot, Role.ASSISTANT)
    asked: list[int] = []
    copies: list[int] = []
    header.action_requested.connect(asked.append)
    header.copy_requested.connect(lambda: copies.append(1))
    qtbot.mouseClick(header.action_button(), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(header.copy_button(), Qt.MouseButton.LeftButton)
    menu = header.actions_menu()
    assert header.actions_menu() is menu  # built once
    for action in menu.actions():
        if not action.isSeparator():
            action.trigger()
    assert asked == [MessageAction.REGENERATE, MessageAction.REGENERATE, MessageAction.DELETE]
    assert copies == [1, 1]
    header.set_actions_enabled(False)
    assert not header.action_button().isEnabled()
    assert [a.isEnabled() for a in menu.actions() if not a.isSeparator()] == [False, True, False]


def test_streaming_and_editing_hide_the_actions(qtbot: QtBot) -> None:
    header = _header(qtbot, Role.USER)
    assert header.set_controls(streaming=True, sibling_index=0, sibling_count=1)
    assert not header.set_controls(streaming=True, sibling_index=0, sibling_count=1)
    assert header.action_button().isHidden()
    header.set_controls(streaming=False, sibling_index=0, sibling_count=1)
    assert header.action_button().isVisible()
    header.set_editing(True)
    assert header.action_button().isHidden() and header.more_button().isHidden()
    header.set_editing(False)
    assert header.action_button().isVisible()


def test_the_version_switch_is_made_only_for_several_versions(qtbot: QtBot) -> None:
    header = _header(qtbot, Role.ASSISTANT)
    header.set_controls(streaming=False, sibling_index=0, sibling_count=1)
    assert header.sibling_switch() is None
    header.set_controls(streaming=False, sibling_index=1, sibling_count=2)
    switch = header.sibling_switch()
    assert switch is not None and switch.label.text() == "2/2"
    asked: list[int] = []
    header.action_requested.connect(asked.append)
    qtbot.mouseClick(switch.previous, Qt.MouseButton.LeftButton)
    assert asked == [MessageAction.PREVIOUS]


def test_fit_hint_trades_the_word_for_a_symbol(qtbot: QtBot) -> None:
    header = _header(qtbot, Role.USER)
    wide = header.fit_hint(2000)
    assert header.action_button().text() == "Edit"
    narrow = header.fit_hint(wide.width() - 1)
    assert header.action_button().text() == "✎"
    assert header.action_button().accessibleName() == "Edit"
    assert narrow.width() < wide.width()
    header.fit_hint(wide.width())
    assert header.action_button().text() == "Edit"


def test_sibling_switch_position_and_steps(qtbot: QtBot) -> None:
    switch = SiblingSwitch()
    qtbot.addWidget(switch)
    switch.set_position(0, 3, enabled=True)
    assert switch.label.text() == "1/3"
    assert not switch.previous.isEnabled() and switch.next.isEnabled()
    switch.set_position(2, 3, enabled=True)
    assert switch.previous.isEnabled() and not switch.next.isEnabled()
    switch.set_position(1, 3, enabled=False)
    assert not switch.previous.isEnabled() and not switch.next.isEnabled()
    steps: list[int] = []
    switch.step_requested.connect(steps.append)
    switch.set_position(1, 3, enabled=True)
    qtbot.mouseClick(switch.next, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(switch.previous, Qt.MouseButton.LeftButton)
    assert steps == [1, -1]


def test_message_actions_are_distinct_ints() -> None:
    assert len({int(a) for a in MessageAction}) == len(MessageAction) == 5


# -- in the view -------------------------------------------------------------------------------


# A popup asks the platform to raise it and grab the keyboard; offscreen cannot, and says so.
@pytest.mark.qt_log_ignore(r"This plugin does not support (raise\(\)|grabbing the keyboard)")
def test_more_button_opens_the_menu(qtbot: QtBot, view: ChatView, model: MessageListModel) -> None:
    model.set_rows([MessageRow(1, Role.USER, "q"), MessageRow(2, Role.ASSISTANT, "a")])
    widget = view.message_widget(1)
    qtbot.mouseClick(widget.more_button(), Qt.MouseButton.LeftButton)
    menu = widget.actions_menu()
    qtbot.waitUntil(menu.isVisible, timeout=2000)
    menu.close()


def test_narrow_header_uses_a_symbol_for_the_action(
    qtbot: QtBot, view: ChatView, model: MessageListModel
) -> None:
    model.set_rows([MessageRow(1, Role.ASSISTANT, "reply", meta="a-long-model-name · 42.0 tok/s")])
    button = view.message_widget(0).action_button()
    assert button.text() == "Regenerate"
    view.resize(300, 600)
    QApplication.processEvents()
    assert button.text() == "↻"
    assert button.accessibleName() == "Regenerate"
    widget = view.message_widget(0)
    # Only the meta line is clipped: the author and the buttons keep their size.
    author = widget.header().author_label()
    assert author.width() >= author.sizeHint().width()
    assert button.width() >= button.sizeHint().width()
    assert widget.more_button().geometry().right() < widget.header().width()
    view.resize(900, 600)
    QApplication.processEvents()
    assert button.text() == "Regenerate"

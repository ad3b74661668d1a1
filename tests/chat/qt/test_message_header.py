"""MessageHeader, SiblingSwitch and MessageAction: a bubble's author, meta line and actions."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop.chat.qt.message_header import MessageAction, MessageHeader, SiblingSwitch
from desktop.chat.qt.message_model import MessageListModel, MessageRow
from desktop.chat.qt.view import ChatView
from desktop.core.conversation import Role
from desktop.qtkit.icons import IconButton


def _header(qtbot: QtBot, role: Role) -> MessageHeader:
    header = MessageHeader()
    qtbot.addWidget(header)
    header.set_role(role)
    header.show()
    return header


def test_role_names_the_author_and_the_main_action(qtbot: QtBot) -> None:
    header = _header(qtbot, Role.USER)
    assert header.author_label().text() == "You"
    assert header.author_label().textFormat() == Qt.TextFormat.PlainText
    assert header.action_button().accessibleName() == "Edit"
    assert header.action_button().meaning == "edit"
    assert not header.set_role(Role.USER)  # nothing changed
    assert header.set_role(Role.ASSISTANT)
    assert header.author_label().text() == "Assistant"
    assert header.action_button().accessibleName() == "Regenerate"
    assert header.action_button().meaning == "regenerate"
    header.set_role(Role.SYSTEM)
    assert header.action_button().isHidden() and header.more_button().isHidden()


def test_actions_are_icon_buttons_with_tooltips(qtbot: QtBot) -> None:
    """Issue 17: actions as icon buttons with tooltips (Copy, Edit/Regenerate, More)."""
    header = _header(qtbot, Role.USER)
    buttons = (header.copy_button(), header.action_button(), header.more_button())
    assert [b.meaning for b in buttons] == ["copy", "edit", "more"]
    for button in buttons:
        assert isinstance(button, IconButton)
        assert not button.icon().isNull() and not button.text()
        assert button.toolTip() and button.accessibleName()
        assert button.focusPolicy() == Qt.FocusPolicy.TabFocus  # reachable by Tab, not clicks


def test_actions_show_on_hover_or_focus_only(qtbot: QtBot) -> None:
    """Issue 17: the actions appear while the message is hovered or one of them has focus;
    hidden, they still take their place (nothing moves) and stay in the Tab order."""
    header = _header(qtbot, Role.ASSISTANT)
    header.activateWindow()
    qtbot.waitExposed(header)
    button = header.action_button()
    assert not header.actions_shown()
    assert button.isVisible() and button.width() > 0
    assert _drawn(button) is False
    header.set_hovered(True)
    assert header.actions_shown() and _drawn(button) is True
    header.set_hovered(False)
    assert not header.actions_shown()
    button.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(button.hasFocus)
    assert header.actions_shown() and _drawn(header.copy_button()) is True
    button.clearFocus()
    assert not header.actions_shown()


def _drawn(button: QWidget) -> bool:
    """Whether ``button`` paints anything: its grab differs from the same size of nothing."""
    image = button.grab().toImage()
    first = image.pixel(0, 0)
    return any(
        image.pixel(x, y) != first for x in range(image.width()) for y in range(image.height())
    )


def test_copy_turns_into_copied_for_a_moment(qtbot: QtBot) -> None:
    """Issue 17: Copy gives feedback: a check, "Copied ✓", for about 1.5 s."""
    header = _header(qtbot, Role.ASSISTANT)
    copy = header.copy_button()
    size = copy.sizeHint()
    header.show_copied()
    assert copy.meaning == "copied"
    assert copy.accessibleName() == "Copied ✓" and "Copied ✓" in copy.toolTip()
    assert header.actions_shown()  # seen even if the pointer has left
    assert copy.sizeHint() == size  # nothing beside it moves
    qtbot.waitUntil(lambda: copy.meaning == "copy", timeout=3_000)
    assert copy.accessibleName() == "Copy"


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


def test_a_narrow_header_keeps_the_author_and_every_button(
    qtbot: QtBot, view: ChatView, model: MessageListModel
) -> None:
    """A narrow window once traded the action's word for a symbol; icons need no trade, and
    nothing is clipped."""
    model.set_rows([MessageRow(1, Role.ASSISTANT, "reply", meta="a-long-model-name · 42.0 tok/s")])
    view.resize(300, 600)
    QApplication.processEvents()
    widget = view.message_widget(0)
    button = widget.action_button()
    assert button.accessibleName() == "Regenerate"
    author = widget.header().author_label()
    assert author.width() >= author.sizeHint().width()
    assert button.width() >= button.sizeHint().width()
    assert widget.more_button().geometry().right() < widget.header().width()
    assert widget.geometry().right() < view.viewport().width()

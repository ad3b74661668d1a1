"""MessageEditor and EditBox: the inline editor of a sent message."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QKeyEvent, QWheelEvent
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from desktop.chat.qt.message_editor import EditBox, MessageEditor


def _editor(qtbot: QtBot, text: str = "hello") -> MessageEditor:
    editor = MessageEditor()
    qtbot.addWidget(editor)
    editor.start(text)
    editor.fit(400)
    editor.resize(400, editor.fit(400))
    editor.show()
    return editor


def _button(editor: MessageEditor, text: str) -> QPushButton:
    return next(b for b in editor.findChildren(QPushButton) if b.text() == text)


def test_enter_sends_the_stripped_text_and_esc_cancels(qtbot: QtBot) -> None:
    editor = _editor(qtbot, "  hello  ")
    box = editor.box()
    assert box.textCursor().position() == len("  hello  ")  # caret at the end
    with qtbot.waitSignal(editor.submitted) as blocker:
        qtbot.keyClick(box, Qt.Key.Key_Return)
    assert blocker.args == ["hello"]
    with qtbot.waitSignal(editor.cancelled):
        qtbot.keyClick(box, Qt.Key.Key_Escape)


def test_empty_text_is_not_sent_and_send_follows_the_actions(qtbot: QtBot) -> None:
    editor = _editor(qtbot)
    sent: list[str] = []
    editor.submitted.connect(sent.append)
    send = _button(editor, "Send")
    editor.box().setPlainText("   ")
    assert not send.isEnabled()
    qtbot.keyClick(editor.box(), Qt.Key.Key_Return)
    editor.box().setPlainText("x")
    assert send.isEnabled()
    editor.set_actions_enabled(False)  # a reply is streaming
    assert not send.isEnabled()
    qtbot.keyClick(editor.box(), Qt.Key.Key_Return)
    assert sent == []
    editor.set_actions_enabled(True)
    qtbot.mouseClick(send, Qt.MouseButton.LeftButton)
    assert sent == ["x"]


def test_height_grows_with_the_text_up_to_a_cap(qtbot: QtBot) -> None:
    editor = _editor(qtbot)
    one_line = editor.box_height()
    with qtbot.waitSignal(editor.height_changed):
        editor.box().setPlainText("line\n" * 4)
    assert editor.box_height() > one_line
    editor.fit(400)
    editor.box().setPlainText("line\n" * 200)
    capped = editor.box_height()
    assert capped < 100 * one_line
    assert editor.box().verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAsNeeded


def test_a_stopped_editor_reports_nothing(qtbot: QtBot) -> None:
    editor = _editor(qtbot)
    editor.stop()
    with (
        qtbot.assertNotEmitted(editor.height_changed),
        qtbot.assertNotEmitted(editor.submitted),
        qtbot.assertNotEmitted(editor.cancelled),
    ):
        editor.box().setPlainText("line\n" * 6)
        qtbot.keyClick(editor.box(), Qt.Key.Key_Return)
        qtbot.mouseClick(_button(editor, "Cancel"), Qt.MouseButton.LeftButton)


def test_fit_drops_the_key_hint_when_narrow(qtbot: QtBot) -> None:
    editor = _editor(qtbot)
    hint = next(label for label in editor.findChildren(QLabel) if label.text().startswith("Enter"))
    wide = editor.fit(900)
    assert not hint.isHidden()
    narrow = editor.fit(150)
    assert hint.isHidden()  # dropped rather than half shown
    assert narrow >= wide
    assert editor.box().width() == 150
    assert all(b.geometry().right() < 150 for b in editor.findChildren(QPushButton))


def test_edit_box_claims_enter_and_esc_from_shortcuts(qtbot: QtBot) -> None:
    box = EditBox()
    qtbot.addWidget(box)
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
        event = QKeyEvent(QEvent.Type.ShortcutOverride, key, Qt.KeyboardModifier.NoModifier)
        assert box.event(event)
        assert event.isAccepted()


def test_edit_box_leaves_the_wheel_to_the_conversation_when_it_fits(qtbot: QtBot) -> None:
    box = EditBox()
    qtbot.addWidget(box)
    box.resize(300, 200)
    box.setPlainText("short")
    event = QWheelEvent(
        QPointF(5, 5),
        QPointF(5, 5),
        QPoint(0, 0),
        QPoint(0, -120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    event.accept()
    box.wheelEvent(event)
    assert not event.isAccepted()

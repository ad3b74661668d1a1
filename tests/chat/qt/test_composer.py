"""Composer: Enter sends, Shift+Enter breaks the line, Esc stops, text is never lost."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from desktop.chat.qt.composer import Composer


@pytest.fixture
def composer(qtbot: QtBot) -> Iterator[Composer]:
    # Hosted in a layout-less window: the offscreen platform warns whenever a top-level
    # window's size constraints are set, which a top-level with a layout always does.
    host = QWidget()
    qtbot.addWidget(host)
    host.resize(600, 300)
    widget = Composer(host)
    widget.setGeometry(0, 0, 600, 300)
    host.show()
    qtbot.waitExposed(host)
    widget.focus_input()
    yield widget  # keeps ``host`` (and so the composer) alive for the test


def _input(composer: Composer):
    return composer.editor


def test_enter_sends_stripped_text_and_keeps_it(qtbot: QtBot, composer: Composer) -> None:
    qtbot.keyClicks(_input(composer), "  hello there  ")
    with qtbot.waitSignal(composer.send_requested, timeout=1000) as blocker:
        qtbot.keyClick(_input(composer), Qt.Key.Key_Return)
    assert blocker.args == ["hello there"]
    assert composer.text() == "  hello there  "  # only the owner clears, after accepting
    composer.clear()
    assert composer.text() == ""


def test_keypad_enter_sends(qtbot: QtBot, composer: Composer) -> None:
    qtbot.keyClicks(_input(composer), "x")
    with qtbot.waitSignal(composer.send_requested, timeout=1000):
        qtbot.keyClick(_input(composer), Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)


def test_shift_enter_inserts_newline(qtbot: QtBot, composer: Composer) -> None:
    with qtbot.assertNotEmitted(composer.send_requested):
        qtbot.keyClicks(_input(composer), "line one")
        qtbot.keyClick(_input(composer), Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
        qtbot.keyClicks(_input(composer), "line two")
    assert composer.text() == "line one\nline two"


def test_whitespace_is_never_sent(qtbot: QtBot, composer: Composer) -> None:
    with qtbot.assertNotEmitted(composer.send_requested):
        qtbot.keyClick(_input(composer), Qt.Key.Key_Return)
        qtbot.keyClicks(_input(composer), "   ")
        qtbot.keyClick(_input(composer), Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
        qtbot.keyClick(_input(composer), Qt.Key.Key_Return)
        composer.send_button.click()
    assert not composer.send_button.isEnabled()


def test_streaming_turns_send_into_stop(qtbot: QtBot, composer: Composer) -> None:
    qtbot.keyClicks(_input(composer), "draft while waiting")
    assert composer.send_button.meaning == "send"
    assert composer.send_button.accessibleName() == "Send the message (Enter)"
    composer.set_streaming(True)
    assert composer.send_button.meaning == "stop"
    assert composer.send_button.accessibleName() == "Stop the reply (Esc)"
    assert composer.send_button.isEnabled()
    with qtbot.assertNotEmitted(composer.send_requested):
        qtbot.keyClick(_input(composer), Qt.Key.Key_Return)
    with qtbot.waitSignal(composer.stop_requested, timeout=1000):
        qtbot.keyClick(_input(composer), Qt.Key.Key_Escape)
    with qtbot.waitSignal(composer.stop_requested, timeout=1000):
        composer.send_button.click()
    assert composer.text() == "draft while waiting"
    composer.set_streaming(False)
    assert composer.send_button.meaning == "send"
    with qtbot.waitSignal(composer.send_requested, timeout=1000):
        composer.send_button.click()


def test_stop_gives_the_focus_back_to_the_box(qtbot: QtBot, composer: Composer) -> None:
    """Stop clicked with the box empty: the button is disabled when the reply ends, and Qt
    passed its focus on to the next control in the card (the context choice), which then
    showed its focus ring and had the meter open."""
    after = QPushButton("next control", composer)
    after.show()
    composer.set_streaming(True)
    composer.send_button.setFocus()
    qtbot.waitUntil(composer.send_button.hasFocus, timeout=1000)
    composer.set_streaming(False)
    assert not composer.send_button.isEnabled()
    assert _input(composer).hasFocus() and not after.hasFocus()


def test_escape_when_idle_does_nothing(qtbot: QtBot, composer: Composer) -> None:
    with qtbot.assertNotEmitted(composer.stop_requested):
        qtbot.keyClick(_input(composer), Qt.Key.Key_Escape)


def test_not_ready_disables_and_explains(qtbot: QtBot, composer: Composer) -> None:
    qtbot.keyClicks(_input(composer), "keep me")
    composer.set_ready(False, "Load a model to start chatting")
    assert not _input(composer).isEnabled()
    assert not composer.send_button.isEnabled()
    assert _input(composer).placeholderText() == "Load a model to start chatting"
    assert composer.text() == "keep me"
    composer.set_ready(True)
    assert _input(composer).isEnabled()
    assert composer.send_button.isEnabled()
    assert composer.text() == "keep me"


def test_grows_then_scrolls(qtbot: QtBot, composer: Composer) -> None:
    box = _input(composer)

    def height_after(text: str) -> int:
        composer.set_text(text)
        hint = box.sizeHint().height()
        # Maximum policy: the layout gives the box its hint when there is room (there is).
        qtbot.waitUntil(lambda: box.height() == hint, timeout=1000)
        return hint

    one_line = height_after("")
    three_lines = height_after("a\nb\nc")
    assert three_lines > one_line
    capped = height_after("\n".join(str(i) for i in range(30)))
    assert capped > three_lines
    assert height_after("\n".join(str(i) for i in range(60))) == capped
    assert box.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAsNeeded
    assert height_after("") == one_line


def test_a_wrapped_hint_is_shown_whole_in_a_narrow_box(qtbot: QtBot, composer: Composer) -> None:
    box = _input(composer)
    composer.set_text("")
    one_line = box.sizeHint().height()
    composer.setGeometry(0, 0, 160, 300)  # the hint no longer fits on one line
    qtbot.waitUntil(lambda: box.sizeHint().height() > one_line, timeout=1000)
    composer.set_text("hi")  # typed text replaces the hint: back to one line
    assert box.sizeHint().height() == one_line


def test_the_box_is_measured_again_when_the_text_size_changes(
    qtbot: QtBot, composer: Composer
) -> None:
    """Issue 17, defect 3: after a larger text size and back, the box stayed as tall as the
    larger size had made it (and too short while it was larger)."""
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    composer.set_text("hi")
    qtbot.wait(10)
    before = composer.editor.sizeHint().height()
    app_font = QFont(QApplication.font())
    bigger = QFont(app_font)
    bigger.setPointSize(app_font.pointSize() * 2)
    try:
        QApplication.setFont(bigger)
        qtbot.waitUntil(lambda: composer.editor.sizeHint().height() > before)
    finally:
        QApplication.setFont(app_font)
    qtbot.waitUntil(lambda: composer.editor.sizeHint().height() == before)


def _lines(n: int) -> str:
    return "\n".join(f"line {i}" for i in range(n))


def test_grows_line_by_line_to_eight_lines_and_shrinks_after_sending(
    qtbot: QtBot, composer: Composer
) -> None:
    """The box grows with its text up to 8 lines, scrolls beyond, and is one line again once
    the owner clears it after a send."""
    box = _input(composer)

    def hint(text: str) -> int:
        composer.set_text(text)
        return box.sizeHint().height()

    heights = [hint(_lines(n)) for n in range(1, 10)]
    assert heights[:8] == sorted(set(heights[:8]))  # each line up to the 8th adds height
    assert heights[8] == heights[7]  # a 9th line does not: the box scrolls
    assert box.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAsNeeded
    hint(_lines(8))
    assert box.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    with qtbot.waitSignal(composer.send_requested, timeout=1000):
        qtbot.keyClick(box, Qt.Key.Key_Return)
    composer.clear()  # the owner accepted the message
    assert box.sizeHint().height() == heights[0]
    qtbot.waitUntil(lambda: box.height() == heights[0], timeout=1000)


def test_the_round_send_button_is_primary_and_only_enabled_with_text(
    qtbot: QtBot, composer: Composer
) -> None:
    button = composer.send_button
    assert button.property("primary") is True
    assert composer.isAncestorOf(button) and composer.isAncestorOf(_input(composer))
    assert not button.isEnabled()  # empty and idle
    qtbot.keyClicks(_input(composer), "hi")
    assert button.isEnabled()
    composer.set_too_long(True)
    assert not button.isEnabled()
    assert "trim it to fit" in button.accessibleName()
    composer.set_too_long(False)
    composer.set_streaming(True)
    composer.clear()
    assert button.isEnabled() and button.meaning == "stop"  # Stop works with an empty box
    with qtbot.waitSignal(composer.stop_requested, timeout=1000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    composer.set_streaming(False)
    assert not button.isEnabled() and button.meaning == "send"


def test_chips_and_a_status_widget_go_into_the_card(qtbot: QtBot, composer: Composer) -> None:
    chip, status = QWidget(), QWidget()
    composer.add_chip(chip)
    composer.add_status(status)
    assert composer.isAncestorOf(chip) and composer.isAncestorOf(status)
    qtbot.waitUntil(lambda: chip.isVisible() and status.isVisible(), timeout=1000)
    # Left to right: chips, status, Send.
    assert chip.x() < status.x() < composer.send_button.x()


def test_attention_follows_the_pointer_and_the_focus_on_its_controls(
    qtbot: QtBot, composer: Composer
) -> None:
    from PySide6.QtCore import QEvent, QPointF
    from PySide6.QtGui import QEnterEvent
    from PySide6.QtWidgets import QApplication

    QApplication.sendEvent(composer, QEvent(QEvent.Type.Leave))  # wherever the pointer was
    assert not composer.has_attention()
    seen: list[bool] = []
    composer.attention_changed.connect(seen.append)
    QApplication.sendEvent(composer, QEnterEvent(QPointF(5, 5), QPointF(5, 5), QPointF(5, 5)))
    assert composer.has_attention() and seen == [True]
    QApplication.sendEvent(composer, QEvent(QEvent.Type.Leave))
    assert not composer.has_attention() and seen == [True, False]
    composer.focus_input()
    qtbot.waitUntil(_input(composer).hasFocus, timeout=1000)
    assert not composer.has_attention()  # typing in the box is not asking for the meter
    qtbot.keyClicks(_input(composer), "x")
    composer.send_button.setFocus()
    qtbot.waitUntil(composer.send_button.hasFocus, timeout=1000)
    assert composer.has_attention() and seen[-1] is True
    composer.focus_input()
    qtbot.waitUntil(_input(composer).hasFocus, timeout=1000)
    assert not composer.has_attention() and seen[-1] is False


def test_tab_goes_from_the_box_to_the_chips_send_and_the_status(
    qtbot: QtBot, composer: Composer
) -> None:
    """Chips and the meter are added by other features after the window's widgets are made;
    Tab from the box still reaches them next, not after the rest of the window."""
    before = QPushButton("made before the chips", composer.parentWidget())
    before.show()
    chip, status = QPushButton("Documents"), QPushButton("Leave out")
    composer.add_chip(chip)
    composer.add_status(status)
    qtbot.waitUntil(lambda: chip.isVisible() and status.isVisible())  # shown by the layout
    qtbot.keyClicks(_input(composer), "Hi")  # Send takes the focus only when it can send
    order = []
    for _ in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    assert order == [chip, composer.send_button, status]

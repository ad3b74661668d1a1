"""ChatView: bubbles bound to a MessageListModel, safe rich text, and streaming cost."""

from __future__ import annotations

import itertools
import statistics
import time

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QGuiApplication, QTextCursor
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from desktop.chat.qt.message_model import MessageListModel, MessageRow
from desktop.chat.qt.view import ChatView
from desktop.core.conversation import FinishReason, Role
from desktop.qtkit.safe_text import SafeTextBrowser


class LinkRecorder:
    """Stands in for the confirmation dialog and the system browser."""

    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.asked: list[QUrl] = []
        self.opened: list[QUrl] = []

    def confirm(self, url: QUrl) -> bool:
        self.asked.append(url)
        return self.answer

    def open(self, url: QUrl) -> bool:
        self.opened.append(url)
        return True


def _install(view: ChatView, answer: bool) -> LinkRecorder:
    recorder = LinkRecorder(answer)
    view.confirm_link = recorder.confirm
    view.open_url = recorder.open
    return recorder


def _click_text(qtbot: QtBot, browser: SafeTextBrowser, text: str) -> None:
    found = browser.document().find(text)
    assert not found.isNull(), text
    cursor = QTextCursor(browser.document())
    cursor.setPosition(found.selectionStart() + 1)
    point: QPoint = browser.cursorRect(cursor).center()
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_rows_become_widgets(view: ChatView, model: MessageListModel) -> None:
    assert view.message_count() == 0
    model.append_message(Role.USER, "one")
    model.append_message(Role.ASSISTANT, "two")
    model.append_message(Role.USER, "three")
    assert view.message_count() == 3
    assert view.message_widget(2).body.toPlainText() == "three"
    model.remove_rows_from(1)
    assert view.message_count() == 1
    assert view.message_widget(0).body.toPlainText() == "one"
    model.clear()
    assert view.message_count() == 0


def test_set_model_builds_existing_rows(qtbot: QtBot) -> None:
    model = MessageListModel()
    model.append_message(Role.USER, "q")
    model.append_message(Role.ASSISTANT, "**a**")
    chat = ChatView()
    qtbot.addWidget(chat)
    chat.set_model(model)
    assert chat.message_count() == 2
    chat.set_model(None)
    assert chat.message_count() == 0
    model.append_message(Role.USER, "ignored")  # no longer connected
    assert chat.message_count() == 0


def test_widgets_are_stacked_without_overlap(view: ChatView, model: MessageListModel) -> None:
    for i in range(6):
        model.append_message(Role.USER if i % 2 == 0 else Role.ASSISTANT, f"message {i}\n" * i)
    widgets = [view.message_widget(i) for i in range(6)]
    for upper, lower in itertools.pairwise(widgets):
        assert upper.geometry().bottom() < lower.geometry().top()
    # User bubbles sit on the right of the reading column; replies fill it from its left.
    assert widgets[0].geometry().right() == widgets[1].geometry().right()
    assert widgets[1].geometry().left() < widgets[0].geometry().left()
    assert widgets[0].width() < widgets[1].width()


def test_delta_updates_the_streaming_widget(
    qtbot: QtBot, view: ChatView, model: MessageListModel
) -> None:
    model.append_message(Role.USER, "hi")
    row = model.append_message(Role.ASSISTANT, "", streaming=True)
    body = view.message_widget(row).body
    for piece in ["Hel", "lo ", "**wor", "ld**"]:
        model.append_delta(row, piece)
    view.flush()
    assert body.toPlainText() == "Hello world"
    model.append_delta(row, " again")
    qtbot.waitUntil(lambda: body.toPlainText() == "Hello world again", timeout=2000)
    height_before = view.message_widget(row).height()
    model.append_delta(row, "\n\nanother paragraph\n\nand one more")
    model.set_finished(row, FinishReason.STOP)
    assert "and one more" in body.toPlainText()  # the final state renders at once
    assert view.message_widget(row).height() > height_before


def test_markdown_is_rendered_and_code_copy_anchor_copies(
    qtbot: QtBot, view: ChatView, model: MessageListModel
) -> None:
    code = 'def greet(name):\n    return f"hi {name} <b>"'
    model.append_message(Role.ASSISTANT, f"Some **bold** text.\n\n```python\n{code}\n```\n")
    browser = view.message_widget(0).body
    assert browser.toPlainText().startswith("Some bold text.")
    bold_cursor = browser.document().find("bold")
    assert bold_cursor.charFormat().fontWeight() >= 600
    assert "hearthside-copy:0" in browser.toHtml()

    QGuiApplication.clipboard().clear()
    with qtbot.waitSignal(view.copied, timeout=2000) as blocker:
        _click_text(qtbot, browser, "Copy")
    assert blocker.args == [code]
    assert QGuiApplication.clipboard().text() == code


def test_copy_button_copies_raw_markdown(view: ChatView, model: MessageListModel) -> None:
    raw = "A **bold** [link](https://example.org)\n\n```\nx = 1\n```"
    model.append_message(Role.ASSISTANT, raw)
    view.message_widget(0).header().copy_button().click()
    assert QGuiApplication.clipboard().text() == raw


def test_the_copy_button_says_copied_for_a_moment(
    qtbot: QtBot, view: ChatView, model: MessageListModel
) -> None:
    """Issue 17, defect 8: Copy gave no feedback."""
    model.append_message(Role.ASSISTANT, "text")
    button = view.message_widget(0).header().copy_button()
    button.click()
    assert button.accessibleName() == "Copied ✓" and button.meaning == "copied"
    qtbot.waitUntil(lambda: button.accessibleName() == "Copy", timeout=3_000)


def test_http_link_asks_first(qtbot: QtBot, view: ChatView, model: MessageListModel) -> None:
    model.append_message(Role.ASSISTANT, "see [the site](https://example.org/page)")
    browser = view.message_widget(0).body

    refusing = _install(view, answer=False)
    _click_text(qtbot, browser, "the site")
    assert [u.toString() for u in refusing.asked] == ["https://example.org/page"]
    assert refusing.opened == []

    accepting = _install(view, answer=True)
    with qtbot.waitSignal(view.link_opened, timeout=2000):
        _click_text(qtbot, browser, "the site")
    assert [u.toString() for u in accepting.opened] == ["https://example.org/page"]


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "javascript:alert(1)",
        "mailto:a@example.org",
        "hearthside-copy:x",
        "ftp://example.org/",
        "http://",
    ],
)
def test_other_schemes_are_never_opened(view: ChatView, model: MessageListModel, url: str) -> None:
    model.append_message(Role.ASSISTANT, "text")
    recorder = _install(view, answer=True)
    # Whatever the renderer let through, the click handler is the last line of defence.
    view.message_widget(0).body.anchorClicked.emit(QUrl(url))
    assert recorder.asked == []
    assert recorder.opened == []


def test_long_unbroken_text_does_not_overflow(
    qtbot: QtBot, view: ChatView, model: MessageListModel
) -> None:
    model.append_message(Role.USER, "x" * 2000)
    model.append_message(Role.ASSISTANT, "https://example.org/" + "a" * 2000 + "\n\n中文" * 300)
    model.append_message(Role.ASSISTANT, "```\n" + "y" * 3000 + "\n```")
    view.resize(320, 600)
    QApplication.processEvents()
    width = view.viewport().width()
    assert view.widget().width() == width
    for row in range(3):
        geometry = view.message_widget(row).geometry()
        assert geometry.left() >= 0
        assert geometry.right() < width
        assert view.message_widget(row).body.document().size().width() <= geometry.width()


def test_follows_bottom_only_when_at_bottom(
    qtbot: QtBot, view: ChatView, model: MessageListModel
) -> None:
    for i in range(30):
        model.append_message(Role.USER if i % 2 == 0 else Role.ASSISTANT, f"message {i}\n\n" * 3)
    row = model.append_message(Role.ASSISTANT, "", streaming=True)
    bar = view.verticalScrollBar()
    QApplication.processEvents()
    assert bar.value() == bar.maximum() > 0
    for i in range(10):
        model.append_delta(row, f"line {i}\n\n")
        view.flush()
    assert bar.value() == bar.maximum()

    bar.setValue(bar.maximum() // 2)  # the user scrolls up to read
    kept = bar.value()
    for i in range(10):
        model.append_delta(row, f"more {i}\n\n")
        view.flush()
    assert bar.value() == kept
    assert not view.is_following_bottom()

    model.set_finished(row, FinishReason.STOP)
    model.append_message(Role.USER, "next question")  # sending jumps to the bottom
    assert bar.value() == bar.maximum()


def _conversation(count: int) -> MessageListModel:
    model = MessageListModel()
    long_reply = (
        "A longer answer with **bold**, `code` and a list:\n\n"
        + "\n".join(f"- item {i} with some words to wrap around" for i in range(15))
        + "\n\n```python\nfor i in range(10):\n    print(i)\n```\n"
    )
    for i in range(count - 1):
        if i % 2 == 0:
            model.append_message(Role.USER, f"Question number {i}: how does this work?")
        else:
            model.append_message(Role.ASSISTANT, long_reply if i % 7 == 1 else f"Short answer {i}.")
    return model


def _median_update_seconds(qtbot: QtBot, count: int) -> tuple[float, float]:
    model = _conversation(count)
    chat = ChatView()
    qtbot.addWidget(chat)
    chat.resize(900, 700)
    chat.show()
    qtbot.waitExposed(chat)
    started = time.perf_counter()
    chat.set_model(model)
    QApplication.processEvents()
    build_seconds = time.perf_counter() - started

    row = model.append_message(Role.ASSISTANT, "", streaming=True)
    QApplication.processEvents()
    samples = []
    for i in range(200):
        delta = f"word{i} " + ("\n\n" if i % 25 == 24 else "")
        started = time.perf_counter()
        model.append_delta(row, delta)
        chat.flush()
        QApplication.processEvents()
        samples.append(time.perf_counter() - started)
    assert chat.message_count() == count
    chat.close()
    return statistics.median(samples[20:]), build_seconds


def test_streaming_cost_does_not_grow_with_conversation(qtbot: QtBot) -> None:
    small, small_build = _median_update_seconds(qtbot, 5)
    large, large_build = _median_update_seconds(qtbot, 500)
    ratio = large / small
    print(
        f"\nmedian update: 5 msgs {small * 1000:.3f} ms, 500 msgs {large * 1000:.3f} ms, "
        f"ratio {ratio:.2f}; build: 5 msgs {small_build * 1000:.0f} ms, "
        f"500 msgs {large_build * 1000:.0f} ms"
    )
    assert ratio <= 2.0


# -- branches, actions, inline editing, paging -------------------------------------------------


def _branch_rows(count: int, first_id: int = 1, *, lines: int = 1) -> list[MessageRow]:
    return [
        MessageRow(
            message_id=first_id + i,
            role=Role.USER if i % 2 == 0 else Role.ASSISTANT,
            content="\n\n".join(f"message {first_id + i} line {n}" for n in range(lines)),
        )
        for i in range(count)
    ]


def test_sibling_arrows_show_position_and_ask_for_neighbours(
    qtbot: QtBot, view: ChatView, model: MessageListModel
) -> None:
    model.set_rows(
        [
            MessageRow(1, Role.USER, "first", sibling_index=0, sibling_count=3),
            MessageRow(2, Role.ASSISTANT, "middle", sibling_index=1, sibling_count=3),
            MessageRow(3, Role.USER, "last", sibling_index=2, sibling_count=3),
            MessageRow(4, Role.ASSISTANT, "only one"),
        ]
    )
    assert view.message_widget(3).sibling_switch() is None  # no other versions, no control
    states = []
    for row in range(3):
        switch = view.message_widget(row).sibling_switch()
        assert switch is not None and switch.isVisible()
        states.append((switch.label.text(), switch.previous.isEnabled(), switch.next.isEnabled()))
    assert states == [("1/3", False, True), ("2/3", True, True), ("3/3", True, False)]

    requests: list[tuple[int, int]] = []
    view.sibling_requested.connect(lambda row, delta: requests.append((row, delta)))
    middle = view.message_widget(1).sibling_switch()
    assert middle is not None
    qtbot.mouseClick(middle.previous, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(middle.next, Qt.MouseButton.LeftButton)
    first = view.message_widget(0).sibling_switch()
    assert first is not None
    qtbot.mouseClick(first.previous, Qt.MouseButton.LeftButton)  # disabled at the start
    assert requests == [(1, -1), (1, 1)]

    # A new version appears (e.g. after a regenerate): the header follows, text stays.
    model.set_siblings(3, 1, 2)
    switch = view.message_widget(3).sibling_switch()
    assert switch is not None and switch.isVisible()
    assert switch.label.text() == "2/2"
    assert view.message_widget(3).body.toPlainText() == "only one"


def test_streaming_message_hides_actions_and_disables_arrows(
    view: ChatView, model: MessageListModel
) -> None:
    model.set_rows(
        [
            MessageRow(1, Role.USER, "q"),
            MessageRow(None, Role.ASSISTANT, "", sibling_index=1, sibling_count=2, streaming=True),
        ]
    )
    reply = view.message_widget(1)
    assert reply.action_button().isHidden()
    assert reply.more_button().isHidden()
    switch = reply.sibling_switch()
    assert switch is not None
    assert not switch.previous.isEnabled()
    model.set_finished(1, FinishReason.STOP)
    assert reply.action_button().isVisible()
    assert reply.action_button().accessibleName() == "Regenerate"
    assert reply.more_button().isVisible()
    assert switch.previous.isEnabled()
    assert view.message_widget(0).action_button().accessibleName() == "Edit"


def test_set_actions_enabled(qtbot: QtBot, view: ChatView, model: MessageListModel) -> None:
    model.set_rows(
        [
            MessageRow(1, Role.USER, "q", sibling_index=1, sibling_count=2),
            MessageRow(2, Role.ASSISTANT, "a"),
        ]
    )
    seen: list[int] = []
    view.regenerate_requested.connect(seen.append)
    view.set_actions_enabled(False)
    model.append_message(Role.USER, "added while disabled")
    for row in range(3):
        widget = view.message_widget(row)
        assert widget.action_button().isVisible()  # shown, so nothing jumps; not usable
        assert not widget.action_button().isEnabled()
        assert not widget.more_button().isEnabled()
    switch = view.message_widget(0).sibling_switch()
    assert switch is not None and not switch.previous.isEnabled()
    view.message_widget(1).action_button().click()
    assert seen == []
    assert not view.edit_row(0)
    view.set_actions_enabled(True)
    assert switch.previous.isEnabled()
    qtbot.mouseClick(view.message_widget(1).action_button(), Qt.MouseButton.LeftButton)
    assert seen == [1]


def test_regenerate_and_delete_signals(
    qtbot: QtBot, view: ChatView, model: MessageListModel
) -> None:
    model.set_rows(_branch_rows(4))
    regenerate: list[int] = []
    delete: list[int] = []
    view.regenerate_requested.connect(regenerate.append)
    view.delete_requested.connect(delete.append)
    qtbot.mouseClick(view.message_widget(3).action_button(), Qt.MouseButton.LeftButton)
    assert regenerate == [3]

    menu = view.message_widget(2).actions_menu()
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts == ["Edit", "Copy", "Delete"]
    next(a for a in menu.actions() if a.text() == "Delete").trigger()
    assert delete == [2]
    menu = view.message_widget(1).actions_menu()
    assert [a.text() for a in menu.actions() if not a.isSeparator()] == [
        "Regenerate",
        "Copy",
        "Delete",
    ]
    next(a for a in menu.actions() if a.text() == "Regenerate").trigger()
    assert regenerate == [3, 1]
    view.set_actions_enabled(False)
    assert not next(a for a in menu.actions() if a.text() == "Delete").isEnabled()


def test_inline_edit_sends_on_enter(qtbot: QtBot, view: ChatView, model: MessageListModel) -> None:
    model.set_rows(_branch_rows(4))
    widget = view.message_widget(2)
    height_before = widget.height()
    qtbot.mouseClick(widget.action_button(), Qt.MouseButton.LeftButton)
    editor = widget.editor()
    assert editor is not None and editor.isVisible()
    assert view.editing_row() == 2
    assert editor.toPlainText() == "message 3 line 0"
    assert widget.body.isHidden()
    assert widget.action_button().isHidden()
    qtbot.waitUntil(editor.hasFocus, timeout=2000)
    # The editor does not overlap the next bubble.
    assert widget.geometry().bottom() < view.message_widget(3).geometry().top()

    editor.selectAll()
    qtbot.keyClicks(editor, "new question")
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(editor, "second line  ")
    assert editor.toPlainText() == "new question\nsecond line  "
    with qtbot.waitSignal(view.edit_submitted, timeout=2000) as blocker:
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert blocker.args == [2, "new question\nsecond line"]
    assert not widget.is_editing()
    assert view.editing_row() is None
    assert widget.body.isVisible()
    assert widget.body.toPlainText() == "message 3 line 0"  # the caller rebuilds the rows
    assert widget.height() == height_before


def test_inline_edit_grows_with_text_and_empty_is_not_sent(
    qtbot: QtBot, view: ChatView, model: MessageListModel
) -> None:
    model.set_rows(_branch_rows(3))
    assert view.edit_row(0)
    widget = view.message_widget(0)
    editor = widget.editor()
    assert editor is not None
    one_line = editor.height()
    for _ in range(4):
        qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert editor.height() > one_line
    assert widget.geometry().bottom() < view.message_widget(1).geometry().top()

    sent: list[tuple[int, str]] = []
    view.edit_submitted.connect(lambda row, text: sent.append((row, text)))
    editor.selectAll()
    qtbot.keyClicks(editor, "   ")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # only spaces: nothing to send
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert sent == []
    assert widget.is_editing()
    qtbot.keyClicks(editor, "x")
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert sent == [(0, "x")]


def test_inline_edit_escape_cancels(qtbot: QtBot, view: ChatView, model: MessageListModel) -> None:
    model.set_rows(_branch_rows(4))
    widget = view.message_widget(0)
    geometry_before = widget.geometry()
    sent: list[object] = []
    view.edit_submitted.connect(lambda *args: sent.append(args))
    qtbot.mouseClick(widget.action_button(), Qt.MouseButton.LeftButton)
    editor = widget.editor()
    assert editor is not None
    qtbot.keyClicks(editor, " and more")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert not widget.is_editing()
    assert widget.body.isVisible() and widget.body.toPlainText() == "message 1 line 0"
    assert widget.geometry() == geometry_before
    assert sent == []
    # Reopening starts again from the message, not from the abandoned edit.
    assert view.edit_row(0)
    editor = widget.editor()
    assert editor is not None and editor.toPlainText() == "message 1 line 0"
    cancel = next(b for b in widget.findChildren(QPushButton) if b.text() == "Cancel")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert not widget.is_editing()


def test_only_one_editor_at_a_time(qtbot: QtBot, view: ChatView, model: MessageListModel) -> None:
    model.set_rows(_branch_rows(4))
    assert not view.edit_row(1)  # assistant messages are regenerated, not edited
    assert view.edit_row(0)
    assert view.edit_row(2)
    assert not view.message_widget(0).is_editing()
    assert view.editing_row() == 2
    model.set_rows(_branch_rows(2))  # the caller rebuilt the rows: the editor is gone
    assert view.editing_row() is None


def test_send_button_of_the_editor(qtbot: QtBot, view: ChatView, model: MessageListModel) -> None:
    model.set_rows(_branch_rows(2))
    assert view.edit_row(0)
    widget = view.message_widget(0)
    send = next(b for b in widget.findChildren(QPushButton) if b.text() == "Send")
    view.set_actions_enabled(False)  # a reply started streaming meanwhile
    assert not send.isEnabled()
    view.set_actions_enabled(True)
    assert send.isEnabled()
    with qtbot.waitSignal(view.edit_submitted, timeout=2000) as blocker:
        qtbot.mouseClick(send, Qt.MouseButton.LeftButton)
    assert blocker.args == [0, "message 1 line 0"]


def test_earlier_requested_once_near_the_top(
    qtbot: QtBot, view: ChatView, model: MessageListModel
) -> None:
    model.set_rows(_branch_rows(60, first_id=100, lines=3))
    requests: list[int] = []
    view.earlier_requested.connect(lambda: requests.append(1))
    view.set_has_earlier(True)
    bar = view.verticalScrollBar()
    qtbot.wait(20)
    assert bar.value() == bar.maximum() > 3 * view.viewport().height()
    assert requests == []  # at the bottom: nothing to load yet

    bar.setValue(bar.maximum() // 2)
    assert requests == []
    bar.setValue(view.viewport().height() // 2)  # within a screen of the top
    assert requests == [1]
    for value in (40, 0, 200, 0):
        bar.setValue(value)
    assert requests == [1]  # not again until something changes

    view.set_has_earlier(True)  # re-armed: still near the top, so it asks again
    qtbot.waitUntil(lambda: requests == [1, 1], timeout=2000)
    view.set_has_earlier(False)
    bar.setValue(300)
    bar.setValue(0)
    assert requests == [1, 1]


def test_prepend_keeps_the_scroll_position(
    qtbot: QtBot, view: ChatView, model: MessageListModel
) -> None:
    model.set_rows(_branch_rows(60, first_id=1000, lines=2))
    view.set_has_earlier(True)
    requests: list[int] = []
    view.earlier_requested.connect(lambda: requests.append(1))
    bar = view.verticalScrollBar()
    bar.setValue(30)  # the user scrolled up to near the top
    assert requests == [1]
    viewport_top = view.viewport().mapToGlobal(QPoint(0, 0)).y()

    def first_visible() -> tuple[int, int]:
        for row in range(view.message_count()):
            widget = view.message_widget(row)
            y = widget.mapToGlobal(QPoint(0, 0)).y() - viewport_top
            if y + widget.height() > 0:
                return row, y
        raise AssertionError("nothing visible")

    row_before, y_before = first_visible()
    widget_before = view.message_widget(row_before)
    model.prepend_rows(_branch_rows(40, first_id=1, lines=3))
    QApplication.processEvents()
    row_after, y_after = first_visible()
    assert view.message_widget(row_after) is widget_before
    assert row_after == row_before + 40
    assert abs(y_after - y_before) <= 3
    assert not view.is_following_bottom()
    # Far from the top now: scrolling further up asks for the next page.
    bar.setValue(0)
    assert requests == [1, 1]


def test_prepend_does_not_rebuild_existing_bubbles(view: ChatView, model: MessageListModel) -> None:
    model.set_rows(_branch_rows(500, first_id=1000))
    before = [view.message_widget(row) for row in range(500)]
    started = time.perf_counter()
    model.prepend_rows(_branch_rows(200, first_id=1))
    elapsed = time.perf_counter() - started
    assert view.message_count() == 700
    assert [view.message_widget(row) for row in range(200, 700)] == before
    assert view.message_widget(0).body.toPlainText() == "message 1 line 0"
    widgets = [view.message_widget(row) for row in range(700)]
    for upper, lower in itertools.pairwise(widgets):
        assert upper.geometry().bottom() < lower.geometry().top()
    print(f"\nprepend 200 rows into 500: {elapsed * 1000:.0f} ms")


def test_reveal_scrolls_and_selects(qtbot: QtBot, view: ChatView, model: MessageListModel) -> None:
    rows = _branch_rows(40, lines=2)
    rows[5] = MessageRow(6, Role.ASSISTANT, "Some **bold** words and a Needle in the text.")
    model.set_rows(rows)
    bar = view.verticalScrollBar()
    assert bar.value() == bar.maximum()
    assert view.reveal(5, "needle")
    widget = view.message_widget(5)
    assert widget.body.textCursor().selectedText() == "Needle"
    centre = widget.mapTo(view.viewport(), widget.rect().center()).y()
    assert abs(centre - view.viewport().height() // 2) < widget.height()
    assert not view.is_following_bottom()
    # Rendered text is searched, so Markdown markup does not hide a hit.
    assert view.reveal(5, "bold words")
    assert widget.body.textCursor().selectedText() == "bold words"
    # Another hit elsewhere clears this selection; a missing text still scrolls there.
    assert not view.reveal(30, "not there")
    assert not widget.body.textCursor().hasSelection()
    target = view.message_widget(30)
    assert target.visibleRegion().boundingRect().height() == target.height()
    assert view.reveal(2)
    assert not view.reveal(99)

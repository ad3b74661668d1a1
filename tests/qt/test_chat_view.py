"""ChatView: bubbles bound to a MessageListModel, safe rich text, and streaming cost."""

from __future__ import annotations

import itertools
import statistics
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QGuiApplication, QImage, QTextCursor, QTextDocument
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.core.conversation import FinishReason, Role
from desktop.ui.chat_view import ChatView, SafeTextBrowser
from desktop.ui.message_model import MessageListModel


@pytest.fixture
def model() -> MessageListModel:
    return MessageListModel()


@pytest.fixture
def view(qtbot: QtBot, model: MessageListModel) -> ChatView:
    chat = ChatView()
    qtbot.addWidget(chat)
    chat.resize(900, 700)
    chat.set_model(model)
    chat.show()
    qtbot.waitExposed(chat)
    return chat


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
    # User bubbles sit on the right, assistant bubbles on the left.
    assert widgets[0].geometry().right() > widgets[1].geometry().right()
    assert widgets[1].geometry().left() < widgets[0].geometry().left()


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
    view.message_widget(0)._copy.click()
    assert QGuiApplication.clipboard().text() == raw


def test_user_text_is_literal(view: ChatView, model: MessageListModel) -> None:
    model.append_message(Role.USER, "<b>x</b> **not bold**\n  indented")
    body = view.message_widget(0).body
    assert body.toPlainText() == "<b>x</b> **not bold**\n  indented"
    assert body.document().find("x").charFormat().fontWeight() < 600


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


def test_dangerous_links_are_not_rendered_as_links(view: ChatView, model: MessageListModel) -> None:
    model.append_message(
        Role.ASSISTANT, "[a](javascript:alert(1)) [b](file:///etc/passwd) ![c](http://x.org/i.png)"
    )
    html = view.message_widget(0).body.toHtml()
    assert "javascript:" not in html.replace("[a](javascript:alert(1))", "")
    assert 'href="file' not in html
    assert "<img" not in html
    assert "[image: c]" in view.message_widget(0).body.toPlainText()


def test_load_resource_returns_nothing(qtbot: QtBot, tmp_path: Path) -> None:
    image_path = tmp_path / "secret.png"
    image = QImage(4, 4, QImage.Format.Format_RGB32)
    image.fill(0xFF0000)
    assert image.save(str(image_path))
    browser = SafeTextBrowser()
    qtbot.addWidget(browser)
    image_kind = int(QTextDocument.ResourceType.ImageResource)
    for url in (
        QUrl("http://example.org/x.png"),
        QUrl("https://example.org/x.css"),
        QUrl.fromLocalFile(str(image_path)),
        QUrl("file:///etc/passwd"),
    ):
        assert browser.loadResource(image_kind, url) is None
        assert browser.document().loadResource(image_kind, url) is None
    # Even if an <img> got into the document, the local file is not read.
    browser.setHtml(f'<img src="{QUrl.fromLocalFile(str(image_path)).toString()}">')
    browser.document().size()
    assert browser.document().resource(image_kind, QUrl.fromLocalFile(str(image_path))) is None


def test_excluded_and_finish_notes(view: ChatView, model: MessageListModel) -> None:
    model.append_message(Role.USER, "old question")
    row = model.append_message(Role.ASSISTANT, "", streaming=True)
    model.append_delta(row, "partial")
    assert view.message_widget(row).note_text() == ""
    model.set_finished(row, FinishReason.CANCELLED, "tiny · 3.0 tok/s")
    assert view.message_widget(row).note_text() == "Stopped"
    model.set_finished(row, FinishReason.LENGTH)
    assert view.message_widget(row).note_text() == "Reached the length limit"
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

"""The real window driven like a user: type, Enter, watch the reply stream, Stop, Regenerate."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Slot

from desktop.core.conversation import FinishReason, Role
from desktop.models.picker import size_text
from tests.fixtures.window import load_tiny, rows, type_and_send


class DeltaRecorder(QObject):
    """Lives on the GUI thread, so the worker's deltas reach it queued, as they reach the app."""

    def __init__(self) -> None:
        super().__init__()
        self.deltas: list[str] = []

    @Slot(int, str)
    def on_delta(self, _request_id: int, text: str) -> None:
        self.deltas.append(text)


def test_welcome_screen_until_a_model_loads(qtbot, app, tiny_gguf: Path) -> None:
    window = app.window
    assert window.pages.currentIndex() == 0
    assert not app.chat.composer.editor.isEnabled() or not app.chat.composer.isEnabled()
    load_tiny(qtbot, app, tiny_gguf)
    assert window.pages.currentIndex() == 1
    assert app.chat.composer.editor.isEnabled()
    assert "Hearthside Tiny Test" in app.models.picker.button.text()
    assert app.models.backend_label.text()


def test_type_enter_and_the_reply_streams_in(qtbot, app, tiny_gguf: Path) -> None:
    load_tiny(qtbot, app, tiny_gguf, temperature=0.0, max_tokens=48)
    recorder = DeltaRecorder()
    app.worker.reply_delta.connect(recorder.on_delta)
    type_and_send(qtbot, app, "Hello, model! 你好")
    messages = rows(app)
    assert [m.role for m in messages] == [Role.USER, Role.ASSISTANT]
    assert messages[0].content == "Hello, model! 你好"
    assert app.chat.composer.text() == ""
    assert app.session.is_streaming
    qtbot.waitUntil(lambda: not app.session.is_streaming, timeout=30_000)
    reply = rows(app)[1].content
    assert reply and reply == "".join(recorder.deltas)
    assert len(recorder.deltas) > 1
    widget = app.chat.chat_view.message_widget(1)
    qtbot.waitUntil(lambda: widget.body.toPlainText().strip() != "", timeout=5_000)
    assert "tok/s" in app.chat.speed_label.text()
    assert app.chat.context_label.text().startswith("Context")


def test_stop_keeps_the_partial_reply(qtbot, app, long_context_tiny_gguf: Path) -> None:
    load_tiny(qtbot, app, long_context_tiny_gguf, 32768, temperature=1.0, max_tokens=100_000)
    type_and_send(qtbot, app, "Talk forever")
    qtbot.waitUntil(lambda: len(rows(app)[1].content) > 3, timeout=30_000)
    button = app.chat.composer.send_button
    assert button.meaning == "stop" and button.isEnabled()  # Send became Stop while it streams
    clicked = time.perf_counter()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not app.session.is_streaming
    assert button.meaning == "send"
    assert time.perf_counter() - clicked < 0.2
    partial = rows(app)[1].content
    assert partial
    model = app.session.messages
    assert model.data(model.index(1), model.Roles.FinishReasonRole) == FinishReason.CANCELLED
    # Later deltas of the stopped reply are dropped; the text stays as it was.
    qtbot.wait(300)
    assert rows(app)[1].content == partial


def test_escape_stops_a_reply(qtbot, app, long_context_tiny_gguf: Path) -> None:
    load_tiny(qtbot, app, long_context_tiny_gguf, 32768, temperature=1.0, max_tokens=100_000)
    type_and_send(qtbot, app, "Go")
    qtbot.waitUntil(lambda: len(rows(app)[1].content) > 3, timeout=30_000)
    qtbot.keyClick(app.chat.composer.editor, Qt.Key.Key_Escape)
    assert not app.session.is_streaming


def test_regenerate_replaces_the_last_reply(qtbot, app, tiny_gguf: Path) -> None:
    load_tiny(qtbot, app, tiny_gguf, temperature=1.0, max_tokens=24, seed=-1)
    type_and_send(qtbot, app, "Say something")
    qtbot.waitUntil(lambda: not app.session.is_streaming, timeout=30_000)
    assert len(rows(app)) == 2
    app.chat.regenerate_action.trigger()
    assert app.session.is_streaming
    qtbot.waitUntil(lambda: not app.session.is_streaming, timeout=30_000)
    messages = rows(app)
    assert [m.role for m in messages] == [Role.USER, Role.ASSISTANT]
    assert messages[1].content


def test_follow_up_turn_in_the_window(qtbot, app, tiny_gguf: Path) -> None:
    load_tiny(qtbot, app, tiny_gguf, temperature=0.0, max_tokens=16)
    stats = []
    app.session.reply_stats_changed.connect(stats.append)
    type_and_send(qtbot, app, "First question")
    qtbot.waitUntil(lambda: len(stats) == 1, timeout=30_000)
    type_and_send(qtbot, app, "Second question")
    qtbot.waitUntil(lambda: len(stats) == 2, timeout=30_000)
    assert len(rows(app)) == 4
    assert stats[1].evaluated_prompt_tokens < stats[1].prompt_tokens - stats[0].prompt_tokens


def test_bad_file_shows_a_dialog_and_keeps_the_model(
    qtbot, app, tiny_gguf: Path, truncated_gguf: Path
) -> None:
    load_tiny(qtbot, app, tiny_gguf)
    app.models.load_model(str(truncated_gguf))
    qtbot.waitUntil(lambda: app.window.error_box is not None, timeout=10_000)
    text = app.window.error_box.text()
    assert truncated_gguf.name in text and "incomplete" in text
    assert "still loaded" in text
    assert app.session.model_info is not None
    app.window.error_box.close()
    type_and_send(qtbot, app, "still there?")
    qtbot.waitUntil(lambda: not app.session.is_streaming, timeout=30_000)


def test_not_gguf_file_from_the_welcome_screen(qtbot, app, not_gguf_file: Path) -> None:
    app.models.load_model(str(not_gguf_file))
    qtbot.waitUntil(lambda: app.window.error_box is not None, timeout=10_000)
    assert "is not a GGUF model file" in app.window.error_box.text()
    assert app.window.pages.currentIndex() == 0


def test_too_long_message_is_kept_and_explained(qtbot, app, tiny_gguf: Path) -> None:
    """Issue 17, defect 1: sent before the meter had counted it, a message too long for the
    window entered the chat, left the box empty and broke every later message. Now it goes
    back into the box with Trim to fit offered, and the chat goes on."""
    load_tiny(qtbot, app, tiny_gguf, max_tokens=16)
    long_text = "lorem ipsum " * 400
    composer = app.chat.composer
    composer.set_text(long_text)
    qtbot.keyClick(composer.editor, Qt.Key.Key_Return)  # at once: nothing counted yet
    qtbot.waitUntil(lambda: app.window.error_box is not None, timeout=30_000)
    assert "too long" in app.window.error_box.text()
    assert "back in the message box" in app.window.error_box.text()
    app.window.error_box.close()
    assert rows(app) == []
    assert composer.text() == long_text.strip()
    qtbot.waitUntil(lambda: app.chat.long_text_offer.isVisible(), timeout=10_000)
    assert app.chat.long_text_offer.trim_button().isVisible()
    assert not app.session.is_streaming
    composer.clear()
    type_and_send(qtbot, app, "hi")
    qtbot.waitUntil(lambda: len(rows(app)) == 2 and not app.session.is_streaming, timeout=30_000)
    path = app.store.current_path(app.session.conversation_id)
    assert path[1].finish_reason in (FinishReason.STOP, FinishReason.LENGTH)


def test_a_message_the_meter_found_too_long_is_refused_before_it_enters_the_chat(
    qtbot, app, tiny_gguf: Path
) -> None:
    load_tiny(qtbot, app, tiny_gguf, max_tokens=16)
    composer = app.chat.composer
    composer.set_text("lorem ipsum " * 400)
    qtbot.waitUntil(lambda: app.chat.context_meter.state().value == "too_long", timeout=10_000)
    assert not composer.send_button.isEnabled()
    qtbot.keyClick(composer.editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: app.chat.long_text_offer.isVisible(), timeout=10_000)
    assert rows(app) == [] and app.session.conversation_id is None
    assert app.window.error_box is None
    assert app.chat.long_text_offer.text().startswith("The message is")
    qtbot.mouseClick(app.chat.long_text_offer.trim_button(), Qt.MouseButton.LeftButton)
    assert 0 < len(composer.text()) < len("lorem ipsum " * 400)
    qtbot.waitUntil(lambda: composer.send_button.isEnabled(), timeout=10_000)


def test_overflow_marks_the_dropped_messages(qtbot, app, tiny_gguf: Path) -> None:
    app.settings.set("model.n_ctx", 256, tiny_gguf.name)
    app.settings.set("sampling.max_tokens", 16, tiny_gguf.name)
    app.models.load_model(str(tiny_gguf))
    qtbot.waitUntil(lambda: app.session.model_info is not None, timeout=30_000)
    conversation = app.store.create_conversation("Long chat").id
    parent = None
    for i in range(10):
        question = app.store.add_message(
            conversation, parent, Role.USER, f"Old question {i} about lighthouses and the sea."
        )
        parent = app.store.add_message(
            conversation,
            question.id,
            Role.ASSISTANT,
            f"Old answer {i} about lighthouses and the sea.",
            finish_reason=FinishReason.STOP,
        ).id
    assert app.history.open_conversation(conversation)
    model = app.session.messages
    assert model.rowCount() == 20
    type_and_send(qtbot, app, "Newest question")
    qtbot.waitUntil(lambda: not app.session.is_streaming, timeout=30_000)
    excluded = [
        model.data(model.index(row), model.Roles.ExcludedRole) for row in range(model.rowCount())
    ]
    assert excluded[0] and excluded[1]
    assert not excluded[-2] and not excluded[-1]  # the newest question and its reply
    assert excluded == sorted(excluded, reverse=True)  # the oldest ones, in one run
    assert "oldest messages" in app.window.banner.text()
    assert app.window.banner.isVisible()


def test_the_model_picker_lists_the_library_and_loads_from_it(
    qtbot, app, tiny_gguf: Path, private_data_dir: Path
) -> None:
    import shutil

    models = private_data_dir / "models"
    models.mkdir(parents=True, exist_ok=True)
    shutil.copy(tiny_gguf, models / "tiny-chat-Q8_0.gguf")
    shutil.copy(tiny_gguf, models / "big-00002-of-00002.gguf")  # a later part: not listed
    shutil.copy(tiny_gguf, models / "mmproj-tiny.gguf")  # a projector: not listed
    app.models.fill_model_menu()
    names = [a.text().split("\t")[0] for a in app.models.picker.entry_actions()]
    assert names == ["tiny-chat-Q8_0.gguf"]
    (pick,) = app.models.picker.entry_actions()
    assert pick.text().endswith("\t" + size_text(tiny_gguf.stat().st_size))
    app.settings.set("model.n_ctx", 512, "tiny-chat-Q8_0.gguf")
    pick.trigger()
    qtbot.waitUntil(lambda: app.session.model_info is not None, timeout=30_000)
    assert app.session.model_info.path.endswith("tiny-chat-Q8_0.gguf")
    app.models.fill_model_menu()
    checked = [a.text().split("\t")[0] for a in app.models.picker.menu.actions() if a.isChecked()]
    assert checked == ["tiny-chat-Q8_0.gguf"]  # now under Recent, and once


def test_a_gguf_dropped_on_the_window_goes_to_the_library(
    qtbot, app, tiny_gguf: Path, private_data_dir: Path
) -> None:
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tiny_gguf))])
    drop = QDropEvent(
        QPointF(20, 20),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    asked: list[Path] = []
    app.models.show_model_manager().library.ask_import = lambda p: asked.append(p) or "copy"
    app.window.dropEvent(drop)  # offscreen Qt delivers drops only during a real drag
    assert drop.isAccepted()
    qtbot.waitUntil(lambda: (private_data_dir / "models" / tiny_gguf.name).exists(), timeout=10_000)
    assert asked == [tiny_gguf]
    app.models.model_manager.calls.wait(10_000)


STRICT_CHATML = (
    "{% for message in messages %}"
    "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}"
    "{% endif %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)


def test_a_reply_stopped_before_its_first_word_does_not_break_a_strict_template(
    qtbot, app, tmp_path: Path
) -> None:
    """Gemma's and Mistral's templates raise when two user turns follow each other, which is
    what the history would be after a reply stopped before it said anything."""
    from tests.fixtures.tiny_model import write_tiny_gguf

    model = write_tiny_gguf(tmp_path / "strict.gguf", chat_template=STRICT_CHATML)
    load_tiny(qtbot, app, model, temperature=0.0, max_tokens=8)
    session = app.session
    assert session.send("First question")
    session.stop()  # before the worker's first delta reaches the window: the reply is empty
    qtbot.waitUntil(lambda: not session.is_streaming, timeout=10_000)
    assert session.send("Second question")
    qtbot.waitUntil(lambda: not session.is_streaming, timeout=30_000)
    path = app.store.current_path(session.conversation_id)
    assert [m.role for m in path] == [Role.USER, Role.ASSISTANT, Role.USER, Role.ASSISTANT]
    assert path[1].content == "" and path[1].finish_reason == FinishReason.CANCELLED
    assert path[3].finish_reason in (FinishReason.STOP, FinishReason.LENGTH)
    assert path[3].content
    prompt = "".join(segment.text for segment in app.worker.last_plan.segments)
    assert "First question\n\nSecond question" in prompt
    assert prompt.count("<|im_start|>user") == 1

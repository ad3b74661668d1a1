"""Long conversations in the window: the context meter's states, the per-conversation overflow
strategy, the running summary note (collapsible, editable, edits saved and sent) and the offer
to trim a long paste. Real window, real worker thread, real llama.cpp on the tiny model."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, Qt, QUrl

from desktop.chat.context_plan import SUMMARY_HEADER, ContextForecast, OverflowStrategy
from desktop.chat.protocol import ContextCount
from desktop.chat.qt.context_meter import DEBOUNCE_MS, ContextMeter, MeterState, state_color
from desktop.chat.qt.summary_note import SummaryNote
from tests.fixtures.window import load_tiny, long_conversation, type_and_send


def count(used: int, n_ctx: int = 1000, limit: int = 750, turns: int = 0, over: int = 0):
    return ContextCount(ContextForecast(used, n_ctx, limit, turns, over, used))


def test_meter_states_normal_amber_over_and_too_long(qtbot) -> None:
    meter = ContextMeter()
    qtbot.addWidget(meter)
    meter.show()
    assert meter.state() == MeterState.EMPTY and meter.text() == ""
    meter.show_count(count(120))
    assert meter.state() == MeterState.NORMAL
    assert meter.text() == "120 / 1,000 tokens"
    normal_color = meter.label.palette().color(meter.label.foregroundRole())
    meter.show_count(count(810, limit=900))
    assert meter.state() == MeterState.WARN
    assert "nearly full" in meter.text()
    amber = meter.label.palette().color(meter.label.foregroundRole())
    assert amber == state_color(MeterState.WARN, meter.palette()) != normal_color
    meter.show_count(count(780, turns=3))
    assert meter.state() == MeterState.OVER
    assert meter.text().endswith("on send, the 3 oldest turns will be left out")
    meter.set_strategy(OverflowStrategy.SUMMARIZE)  # the same count, the other strategy
    assert meter.text().endswith("on send, the 3 oldest turns will be summarized")
    meter.show_count(count(1400, over=520))
    assert meter.state() == MeterState.TOO_LONG
    assert "shorten the message by about 520 tokens" in meter.text()
    assert "kept free for the reply" in meter.label.toolTip()


def test_meter_counts_the_room_document_passages_may_take(qtbot) -> None:
    """With collections attached, the passages chosen at send time are part of the forecast:
    said in words, drawn paler on the bar, and counted for amber and for leaving turns out."""
    meter = ContextMeter()
    qtbot.addWidget(meter)
    meter.show()
    meter.show_count(ContextCount(ContextForecast(120, 1000, 750, smallest_tokens=120), 0, 0, 300))
    assert meter.state() == MeterState.NORMAL
    assert meter.text() == "120 / 1,000 tokens + up to 300 for document passages"
    assert meter.bar.extra() == pytest.approx(0.3)
    assert "chosen when you send" in meter.label.toolTip()
    # 500 used alone is fine, but with 300 of passages it is past 80 %.
    meter.show_count(ContextCount(ContextForecast(500, 1000, 750, smallest_tokens=80), 0, 0, 300))
    assert meter.state() == MeterState.WARN and "nearly full" in meter.text()
    # Fits without passages, but full passages would leave two turns out.
    with_passages = ContextCount(ContextForecast(600, 1000, 750), 0, 0, 250, 2)
    meter.show_count(with_passages)
    assert meter.state() == MeterState.OVER
    assert meter.text().endswith("on send, up to the 2 oldest turns may be left out")
    meter.set_strategy(OverflowStrategy.SUMMARIZE)
    assert meter.text().endswith("on send, up to the 2 oldest turns may be summarized")
    meter.set_strategy(OverflowStrategy.DROP)
    # Turns that go anyway are said as before, with the passages' room beside them.
    meter.show_count(ContextCount(ContextForecast(780, 1000, 750, 3), 0, 0, 100, 3))
    assert meter.text().endswith("on send, the 3 oldest turns will be left out")
    assert "+ up to 100 for document passages" in meter.text()
    meter.show_count(count(120))  # detached: back to the plain count
    assert meter.text() == "120 / 1,000 tokens" and meter.bar.extra() == 0


def test_meter_words_wrap_in_a_narrow_window(qtbot) -> None:
    """What sending will do stays readable: the words wrap instead of being cut off."""
    meter = ContextMeter()
    qtbot.addWidget(meter)
    meter.show()
    meter.show_count(count(780, turns=3))
    label = meter.label
    assert label.text() == meter.text()  # never shortened
    assert label.heightForWidth(150) > label.heightForWidth(1000)


@pytest.fixture
def small(qtbot, app, tiny_gguf: Path):
    load_tiny(qtbot, app, tiny_gguf, n_ctx=512, temperature=0.0, max_tokens=16)
    app.window.confirm = lambda _title, _question: True
    return app


def wait_counted(qtbot, app) -> ContextCount:
    """Waits for the next count of the current draft to reach the meter."""
    got: list[ContextCount] = []
    app.session.context_counted.connect(got.append)
    try:
        qtbot.waitUntil(lambda: bool(got), timeout=10_000)
    finally:
        app.session.context_counted.disconnect(got.append)
    return got[-1]


def test_typing_updates_the_meter_after_a_pause(qtbot, small) -> None:
    app = small
    meter = app.chat.context_meter
    qtbot.waitUntil(lambda: meter.state() == MeterState.NORMAL, timeout=10_000)
    empty = app.session.context_counted
    assert empty is not None
    before = int(meter.text().split(" / ")[0].replace(",", ""))
    editor = app.chat.composer.editor
    editor.setFocus()
    qtbot.keyClicks(editor, "How long is the river that runs under the old bridge?")
    result = wait_counted(qtbot, app)
    assert result.forecast.prompt_tokens > before
    assert result.forecast.n_ctx == 512
    assert meter.text().startswith(f"{result.forecast.prompt_tokens} / 512 tokens")
    # A long draft does not fit: the meter says so before anything is sent.
    app.chat.composer.set_text("river bridge mill " * 200)
    result = wait_counted(qtbot, app)
    assert result.forecast.too_long_by > 0
    assert meter.state() == MeterState.TOO_LONG


def test_a_pause_in_typing_prepares_the_reply(qtbot, small) -> None:
    """The draft's text is evaluated as it is typed, and at a pause the reply's header after
    it too, so the reply to it samples its first token at once. With the setting off, or while
    a reply streams, nothing is prepared."""
    app = small
    worker, session = app.worker, app.session
    type_and_send(qtbot, app, "Hello there")
    qtbot.waitUntil(lambda: not session.is_streaming, timeout=30_000)
    editor = app.chat.composer.editor
    editor.setFocus()
    counter = app.chat.context_counter
    counter.timer.setInterval(60_000)  # the pause comes when the test says so
    qtbot.keyClicks(editor, "Why is the sky blue?")
    qtbot.waitUntil(lambda: worker.prepared_tokens > 0, timeout=10_000)  # the text, at once
    text_only = worker.prepared_tokens
    counter.count_now()  # the pause: the whole prompt is prepared right after the count
    wait_counted(qtbot, app)
    qtbot.waitUntil(lambda: worker.prepared_tokens > text_only, timeout=10_000)
    header = worker.prepared_tokens - text_only  # what the pause added
    model = worker.model
    assert model is not None
    stats: list[object] = []
    session.reply_stats_changed.connect(stats.append)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert session.is_streaming and session.prepare_reply("Another thought") is None
    qtbot.waitUntil(lambda: bool(stats), timeout=30_000)
    assert model.last_prompt_evaluated == 0  # all of it was ready
    assert stats[-1].evaluated_ahead == stats[-1].evaluated_prompt_tokens > 0
    plan = worker.last_plan
    assert plan is not None and plan.segments[-1].parse_special
    assert header == len(model.tokenize_segments(plan.segments[-1:]))  # the reply's header

    session.prepare_while_typing = False
    prepared = worker.prepared_tokens
    counter.timer.setInterval(DEBOUNCE_MS)
    qtbot.keyClicks(editor, "And the sunset?")
    wait_counted(qtbot, app)  # the pause came and went: counted, not prepared
    assert worker.prepared_tokens == prepared
    assert session.prepare_reply("And the sunset?") is None


def test_a_stale_count_never_reaches_the_meter(qtbot, small) -> None:
    app = small
    session = app.session
    first = session.request_count("first draft")
    second = session.request_count("second draft")
    assert first is not None and second is not None and second > first
    seen: list[ContextCount] = []
    session.context_counted.connect(seen.append)
    session.drafts.on_worker_context_counted(first, count(1))
    assert seen == []
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert seen[-1].forecast.prompt_tokens > 1


def test_a_count_of_the_chat_that_was_left_never_reaches_the_meter(qtbot, small) -> None:
    app = small
    session = app.session
    other = long_conversation(app, 2)
    pending = session.request_count("a draft for the new chat")
    assert pending is not None
    seen: list[ContextCount] = []
    session.context_counted.connect(seen.append)
    assert app.history.open_conversation(other)
    session.drafts.on_worker_context_counted(pending, count(1))  # the old chat's count arrives late
    assert seen == []


def test_summarize_strategy_makes_shows_and_sends_an_editable_summary(qtbot, app, tiny_gguf):
    load_tiny(qtbot, app, tiny_gguf, n_ctx=256, temperature=0.0, max_tokens=16)
    window, session = app.window, app.session
    conversation = long_conversation(app)
    assert app.history.open_conversation(conversation)
    note = app.chat.summary_note
    assert note.isHidden()
    # The user picks the strategy for this conversation; it is kept with it.
    box = app.chat.context_meter.strategy_box()
    box.setCurrentIndex(box.findData("summarize"))
    box.activated.emit(box.currentIndex())
    assert session.overflow == OverflowStrategy.SUMMARIZE
    assert app.store.conversation_settings(conversation)["overflow"] == "summarize"
    qtbot.waitUntil(lambda: app.chat.context_meter.state() != MeterState.EMPTY, timeout=10_000)

    type_and_send(qtbot, app, "Newest question")
    qtbot.waitUntil(lambda: not session.is_streaming, timeout=60_000)
    (summary,) = app.store.summaries(conversation)
    assert summary.content
    assert not note.isHidden() and not note.is_expanded()
    assert note.body_text() == summary.content
    worker = app.worker
    plan = worker.last_plan
    assert f"{SUMMARY_HEADER}\n{summary.content}" in "".join(s.text for s in plan.segments)
    # Every message the summary covers is marked as no longer in the model's memory.
    model = session.messages
    covered = [m.id for m in app.store.path_to(summary.through_message_id)]
    for row in range(model.rowCount()):
        message_id = model.data(model.index(row), model.Roles.MessageIdRole)
        if message_id in covered:
            assert model.data(model.index(row), model.Roles.ExcludedRole)
    assert app.chat.chat_view.message_widget(0).note_text().startswith("Not sent to the model")

    # Collapsible, then editable; the edit is saved and reaches the next prompt.
    qtbot.mouseClick(note.toggle_button(), Qt.MouseButton.LeftButton)
    assert note.is_expanded() and note.editor().isVisible()
    note.start_editing()
    assert note.is_editing()
    note.editor().setPlainText("They discussed lighthouses; the user likes the sea.")
    note.save()
    assert not note.is_editing()
    stored = app.store.summary_for_leaf(app.store.get_conversation(conversation).current_leaf_id)
    assert stored.content == "They discussed lighthouses; the user likes the sea."
    assert stored.edited_at is not None
    type_and_send(qtbot, app, "One more")
    qtbot.waitUntil(lambda: not session.is_streaming, timeout=60_000)
    sent = "".join(s.text for s in worker.last_plan.segments)
    assert "They discussed lighthouses; the user likes the sea." in sent
    assert "Old question 0 " not in sent

    # Reopening shows the summary again and marks the covered rows at once.
    assert window.banner.isVisible()  # "The N oldest messages … were not sent"
    app.chat.new_chat()
    assert note.isHidden()
    assert not window.banner.isVisible()  # that was about the other chat
    assert app.history.open_conversation(conversation)
    assert not note.isHidden() and "(edited)" in note.edited_mark.text()
    assert model.data(model.index(0), model.Roles.ExcludedRole)


def test_summary_note_cancel_keeps_the_text(qtbot) -> None:
    from desktop.core.conversation import RunningSummary

    note = SummaryNote()
    qtbot.addWidget(note)
    note.show()
    saved: list[str] = []
    note.edit_saved.connect(saved.append)
    note.set_summary(RunningSummary(1, 1, 5, "Model summary <b>not bold</b>", 0.0))
    assert note.body_text() == "Model summary <b>not bold</b>"  # plain text, never HTML
    note.start_editing()
    note.editor().setPlainText("changed")
    note.cancel_editing()
    assert note.body_text() == "Model summary <b>not bold</b>" and saved == []
    note.start_editing()
    note.editor().setPlainText("   ")
    note.save()  # an empty summary is not saved
    assert saved == []
    note.editor().setPlainText("better")
    note.save()
    assert saved == ["better"]
    note.set_summary(None)
    assert note.isHidden()


def _paste(editor, text: str) -> None:
    data = QMimeData()
    data.setText(text)
    editor.insertFromMimeData(data)


def test_a_long_paste_shows_its_size_and_can_be_trimmed_to_fit(qtbot, small) -> None:
    app = small
    offer = app.chat.long_text_offer
    editor = app.chat.composer.editor
    editor.setFocus()
    qtbot.keyClicks(editor, "Summarize this: ")
    paste = "the river runs under the old bridge by the mill. " * 60
    _paste(editor, paste)
    qtbot.waitUntil(offer.isVisible, timeout=10_000)
    assert "tokens" in offer.text() and "fits" in offer.text()
    assert offer.trim_button().isVisible()
    assert app.chat.context_meter.state() == MeterState.TOO_LONG
    qtbot.mouseClick(offer.trim_button(), Qt.MouseButton.LeftButton)
    assert not offer.isVisible()
    text = app.chat.composer.text()
    assert text.startswith("Summarize this: the river") and len(text) < len(paste)
    result = wait_counted(qtbot, app)
    assert result.forecast.too_long_by == 0
    assert app.chat.context_meter.state() != MeterState.TOO_LONG
    editor.undo()  # the trim is one undo step
    assert app.chat.composer.text() == "Summarize this: " + paste
    # Sent without answering a new offer: the offer goes away with the message.
    app.chat.composer.set_text("Short question. " + "the mill by the river " * 100)
    _paste(editor, "x")  # not long: no new offer, but a count
    _paste(editor, " and the bridge" * 150)
    qtbot.waitUntil(offer.isVisible, timeout=10_000)
    app.chat.composer.set_text("Short question.")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert app.session.is_streaming
    assert not offer.isVisible()
    qtbot.waitUntil(lambda: not app.session.is_streaming, timeout=30_000)


def test_the_trim_offer_says_what_it_keeps_for_passages(qtbot) -> None:
    from desktop.chat.qt.long_text_offer import LongTextOffer

    offer = LongTextOffer()
    qtbot.addWidget(offer)
    text = "the river " * 1000
    too_long = ContextForecast(3000, 2048, 1536, too_long_by=1500, smallest_tokens=3000)
    assert offer.offer(text, ContextCount(too_long, 2900, 4000))
    assert "passages" not in offer.text()
    assert offer.offer(text, ContextCount(too_long, 2900, 2000, focus_room_for_passages=512))
    assert "512 tokens for passages" in offer.text()
    assert offer.trim_button().isVisibleTo(offer)


def test_a_short_paste_shows_no_offer(qtbot, small) -> None:
    app = small
    editor = app.chat.composer.editor
    _paste(editor, "short text")
    wait_counted(qtbot, app)
    assert not app.chat.long_text_offer.isVisible()


def test_a_dropped_text_file_is_inserted_and_a_binary_one_refused(
    qtbot, small, tmp_path: Path
) -> None:
    app = small
    window = app.window
    editor = app.chat.composer.editor
    notes = tmp_path / "notes.md"
    notes.write_text("# Notes\n" + "lighthouse keeper log entry. " * 100, encoding="utf-8")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(notes))])
    assert editor.canInsertFromMimeData(data)
    editor.insertFromMimeData(data)
    assert app.chat.composer.text().startswith("# Notes\nlighthouse keeper")
    qtbot.waitUntil(app.chat.long_text_offer.isVisible, timeout=10_000)
    app.chat.long_text_offer.keep_button().click()
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\x00\x00garbage")
    refused: list[str] = []
    app.chat.composer.file_refused.connect(refused.append)
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(binary))])
    editor.insertFromMimeData(data)
    assert refused == ["photo.txt is not a text file."]
    assert "photo.txt is not a text file." in window.statusBar().currentMessage()
    # Chat › Insert text file… takes the same way in (the file dialog itself is Qt's).
    assert app.chat.insert_file_action.shortcut().toString() == "Ctrl+Shift+O"
    app.chat.composer.clear()
    assert app.chat.composer.insert_file(notes)
    assert app.chat.composer.text().startswith("# Notes")
    assert not app.chat.composer.insert_file(tmp_path / "missing.md")
    assert refused[-1].startswith("missing.md: ")


def test_an_edit_of_an_early_message_sends_the_turns_before_it_again(qtbot, app, tiny_gguf):
    """Turns dropped from a long branch are dropped for good on it (the cache stays usable),
    but a new branch from an early message is short: what it keeps fits and is sent."""
    load_tiny(qtbot, app, tiny_gguf, n_ctx=256, temperature=0.0, max_tokens=16)
    conversation = long_conversation(app, 12)
    assert app.history.open_conversation(conversation)
    infos: list = []
    app.session.prompt_info_changed.connect(infos.append)
    type_and_send(qtbot, app, "Newest question")
    qtbot.waitUntil(lambda: not app.session.is_streaming, timeout=60_000)
    assert infos[-1].dropped_messages > 2
    assert app.session.edit(2, "A different second question")
    qtbot.waitUntil(lambda: not app.session.is_streaming, timeout=60_000)
    assert infos[-1].dropped_messages == 0
    sent = "".join(s.text for s in app.worker.last_plan.segments)
    assert "Old question 0 " in sent and "Old answer 0 " in sent
    model = app.session.messages
    assert not any(model.data(model.index(r), model.Roles.ExcludedRole) for r in range(4))


def test_stopping_while_summarizing_clears_the_summarizing_line(qtbot, app, tiny_gguf):
    load_tiny(qtbot, app, tiny_gguf, n_ctx=256, temperature=0.0, max_tokens=16)
    session = app.session
    conversation = long_conversation(app)
    assert app.history.open_conversation(conversation)
    session.set_overflow(OverflowStrategy.SUMMARIZE)
    assert session.send("Newest question")
    # The tiny model summarizes too fast to press Stop meanwhile: the worker's queued signal
    # is handed to the session's slot directly, and Stop follows.
    session.replies.on_worker_summary_started(session.reply.request_id)
    model = session.messages
    reply = model.index(model.rowCount() - 1)
    assert model.data(reply, model.Roles.MetaRole) == "Summarizing the earlier conversation…"
    session.stop()
    assert model.data(reply, model.Roles.MetaRole) == ""
    qtbot.wait(300)  # whatever the worker still sends for the stopped reply is dropped
    assert model.data(reply, model.Roles.MetaRole) == ""


def test_meter_in_the_composer_shows_past_half_the_window_when_too_long_or_on_attention(
    qtbot,
) -> None:
    """Issue 17 (composer): the meter stays out of sight until it matters, past half the
    window, or while the user points at the composer; a message that cannot fit always shows
    it in red. The box of what to leave out comes with attention only."""
    from PySide6.QtWidgets import QWidget

    from desktop.chat.qt.composer import Composer
    from desktop.chat.qt.context_meter import SHOW_FRACTION

    host = QWidget()
    qtbot.addWidget(host)
    composer = Composer(host)
    composer.setGeometry(0, 0, 700, 200)
    meter = ContextMeter()
    composer.add_status(meter)
    composer.attention_changed.connect(meter.set_attention)
    host.show()
    qtbot.waitExposed(host)
    assert meter.isHidden()  # no model: nothing to say
    meter.show_count(count(120))
    assert meter.isHidden() and not meter.matters()
    meter.show_count(count(int(SHOW_FRACTION * 1000) - 1))
    assert meter.isHidden()
    meter.show_count(count(int(SHOW_FRACTION * 1000)))
    assert meter.isVisible() and meter.state() == MeterState.NORMAL
    assert meter.strategy_box().isHidden()
    meter.show_count(count(120))
    assert meter.isHidden()
    meter.set_attention(True)  # the pointer over the composer
    assert meter.isVisible() and meter.strategy_box().isVisible()
    meter.set_attention(False)
    assert meter.isHidden()
    meter.show_count(count(1400, over=520))
    assert meter.isVisible() and meter.state() == MeterState.TOO_LONG
    red = meter.label.palette().color(meter.label.foregroundRole())
    assert red == state_color(MeterState.TOO_LONG, meter.palette())
    meter.show_count(count(780, turns=3))  # turns will be left out: said unasked
    assert meter.isVisible()
    meter.clear()
    assert meter.isHidden()
    # Shown or hidden, the meter keeps its room: the box above it never moves.
    assert meter.sizePolicy().retainSizeWhenHidden()


def test_meter_words_are_never_cut_in_the_card_and_a_narrow_card_drops_the_bar(qtbot) -> None:
    """The red "too long" sentence wraps inside the composer's card and the card grows to show
    all of it, also when the box of what to leave out appears beside it; in a narrow card the
    bar goes so the words keep some width."""
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    from desktop.chat.qt.composer import Composer
    from desktop.chat.qt.context_meter import COMPACT_WIDTH

    host = QWidget()
    qtbot.addWidget(host)
    layout = QVBoxLayout(host)
    layout.addWidget(QWidget(), 1)
    composer = Composer()
    layout.addWidget(composer)
    meter = ContextMeter()
    composer.add_status(meter)
    host.resize(640, 500)
    host.show()
    qtbot.waitExposed(host)
    composer.set_text("words " * 400)
    meter.show_count(count(1400, over=520))
    label = meter.label

    def whole() -> bool:
        return label.height() >= label.heightForWidth(label.width()) > 0

    qtbot.waitUntil(whole, timeout=2000)
    assert meter.bar.isVisible()
    meter.set_attention(True)  # the box appears: fewer words a line, more lines
    qtbot.waitUntil(lambda: meter.strategy_box().isVisible() and whole(), timeout=2000)
    host.resize(COMPACT_WIDTH - 40, 500)
    qtbot.waitUntil(lambda: meter.width() < COMPACT_WIDTH, timeout=2000)
    qtbot.waitUntil(lambda: meter.bar.isHidden() and whole(), timeout=2000)
    box = meter.strategy_box()
    assert box.currentText() == "Leave out"  # short, never cut off mid-word
    assert box.width() >= box.sizeHint().width()
    host.resize(1000, 500)
    qtbot.waitUntil(lambda: meter.bar.isVisible() and whole(), timeout=2000)
    assert box.currentText() == "Leave out oldest turns"


def test_the_count_takes_the_new_theme_s_grey(qtbot, restore_app) -> None:  # type: ignore[no-untyped-def]
    """After Settings › Theme went from light to dark, the count kept the light theme's grey
    (nearly black on the dark composer): the stylesheet's polish gave the label back its old
    palette."""
    from PySide6.QtGui import QPalette

    from desktop.qtkit.theme import Appearance

    appearance = Appearance(restore_app)
    appearance.apply("light", 0)
    meter = ContextMeter()
    qtbot.addWidget(meter)
    meter.show()
    meter.show_count(count(120))

    def shown() -> str:
        return meter.label.palette().color(meter.label.foregroundRole()).name()

    def muted() -> str:
        return meter.palette().color(QPalette.ColorRole.PlaceholderText).name()

    light = shown()
    assert light == muted()
    appearance.apply("dark", 0)
    qtbot.waitUntil(lambda: shown() == muted() != light)

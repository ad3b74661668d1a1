"""ChatFeature in the app's window, without a model: where its parts go, what it tells the
shell, and the protocol the models feature answers (settings for a new chat)."""

from __future__ import annotations

from desktop.chat.context_plan import ContextForecast
from desktop.chat.protocol import ContextCount, PromptInfo, ReplyFailure, ReplyProblem
from desktop.chat.qt.session import ChatSettings
from desktop.core.conversation import FinishReason, Role
from desktop.engine.llama import SamplingOptions
from desktop.models.qt.services import BROWSE_TAB


def test_it_puts_its_widgets_and_actions_in_the_shell(app) -> None:
    chat, window = app.chat, app.window
    layout = window.chat_layout
    order = [layout.itemAt(i).widget() for i in range(layout.count())]
    mine = [chat.summary_note, chat.chat_area, chat.long_text_offer, chat.composer]
    assert [w for w in order if w in mine] == mine
    assert order[-1] is chat.composer
    # The meter and the Documents chip sit in the composer's card, beside Send.
    assert chat.composer.isAncestorOf(chat.context_meter)
    assert chat.composer.isAncestorOf(app.documents_feature.chips.button)
    # The attached collections' row sits at the top of the card, only while there are any.
    chips = app.documents_feature.chips
    assert chat.composer.isAncestorOf(chips) and chips.isHidden()
    assert layout.stretch(order.index(chat.chat_area)) == 1
    texts = [a.text() for a in window.menu("chat").actions() if not a.isSeparator()]
    for action in (chat.new_chat_action, chat.regenerate_action, chat.stop_action):
        assert action.text() in texts
    assert chat.new_chat_action.shortcut().toString() == "Ctrl+N"


def test_without_a_model_the_welcome_page_shows_and_the_composer_waits(app) -> None:
    assert app.window.pages.currentIndex() == 0
    assert not app.chat.regenerate_action.isEnabled()
    assert not app.chat.stop_action.isEnabled()


def test_a_new_chat_takes_the_loaded_models_settings(app, monkeypatch) -> None:
    wanted = ChatSettings(system_prompt="Be brief.", sampling=SamplingOptions(temperature=0.1))
    app.chat.model_chat_settings = lambda: wanted
    monkeypatch.setattr(app.session.loader, "model_info", object())  # as if a model were loaded
    app.window.set_banner("Demo model: …")
    app.chat.new_chat()
    assert app.session.settings == wanted
    # Issue 17, defect 2: the demo model's notice went with the first Ctrl+N.
    assert app.window.banner.text() == "Demo model: …"


def test_reply_failures_are_told_in_words(app) -> None:
    errors: list[tuple[str, str]] = []
    app.window.show_error = lambda title, text: errors.append((title, text))
    app.session.reply_failed.emit(ReplyFailure(ReplyProblem.NO_MODEL, ""))
    app.session.reply_failed.emit(
        ReplyFailure(ReplyProblem.PROMPT_TOO_LONG, "", needed_tokens=900, available_tokens=500)
    )
    assert errors[0] == ("No reply", "Load a model first.")
    assert "900 tokens but only 500 fit" in errors[1][1]


def test_dropped_messages_show_in_the_banner_until_another_chat_opens(app) -> None:
    app.session.prompt_info_changed.emit(
        PromptInfo(prompt_tokens=100, reused_tokens=0, dropped_messages=3, n_ctx=512)
    )
    assert "The 3 oldest messages" in app.window.banner.text()
    assert app.chat.context_label.text() == "Context 100 / 512"
    app.chat.new_chat()
    assert app.window.banner.isHidden()


def test_the_status_bar_context_follows_the_open_chats_count(app) -> None:
    """Opening a long chat shows its size at once, as the meter does, not "Context 0" until the
    next reply; numbers grouped as the meter groups them."""
    forecast = ContextForecast(prompt_tokens=1810, n_ctx=8192, limit=6144)
    app.session.context_counted.emit(ContextCount(forecast))
    assert app.chat.context_label.text() == "Context 1,810 / 8,192"


def test_the_status_bar_tells_a_replys_speed_only_when_it_wrote_something(app) -> None:
    from dataclasses import replace

    from tests.fixtures.scripted_backend import stats

    app.session.reply_stats_changed.emit(
        replace(stats(FinishReason.STOP, 12), tokens_per_second=31.4)
    )
    assert app.chat.speed_label.text() == "31.4 tok/s"
    app.session.reply_stats_changed.emit(stats(FinishReason.CANCELLED, 0))  # stopped at once
    assert app.chat.speed_label.text() == ""
    app.session.reply_stats_changed.emit(
        replace(stats(FinishReason.STOP, 12), tokens_per_second=31.4)
    )
    app.chat.new_chat()  # another chat: the last reply's speed says nothing about it
    assert app.chat.speed_label.text() == ""


def test_deleting_a_message_asks_first(qtbot, app) -> None:
    store = app.store
    conversation = store.create_conversation("Delete me").id
    question = store.add_message(conversation, None, Role.USER, "Question")
    store.add_message(
        conversation, question.id, Role.ASSISTANT, "Answer", finish_reason=FinishReason.STOP
    )
    assert app.history.open_conversation(conversation)
    asked: list[str] = []
    app.window.confirm = lambda title, question: asked.append(title) or False
    app.chat.chat_view.delete_requested.emit(1)
    assert asked == ["Delete message"] and app.session.messages.rowCount() == 2
    app.window.confirm = lambda title, question: True
    app.chat.chat_view.delete_requested.emit(1)
    assert app.session.messages.rowCount() == 1
    app.chat.copy_last_reply()  # no reply left: nothing to copy, no error


def test_new_defaults_from_settings_apply_to_a_new_chat(app) -> None:
    app.settings.set("chat.overflow", "summarize")
    app.settings.set("chat.prepare_while_typing", False)
    app.window.settings_applied.emit()
    assert not app.session.prepare_while_typing
    assert app.session.overflow.value == "summarize"


def test_the_models_notes_come_back_when_the_dropped_messages_note_goes(app) -> None:
    app.window.set_banner("Demo model: …")
    app.session.prompt_info_changed.emit(
        PromptInfo(prompt_tokens=100, reused_tokens=0, dropped_messages=3, n_ctx=512)
    )
    assert "The 3 oldest messages" in app.window.banner.text()
    app.chat.new_chat()
    assert app.window.banner.text() == "Demo model: …"


def test_an_empty_chat_says_what_to_do_rather_than_showing_an_empty_pane(
    qtbot, app, tiny_gguf
) -> None:
    """Issue 17, defect 2: the first start showed an empty white pane."""
    from dataclasses import replace

    from tests.fixtures.window import load_tiny

    chat = app.chat
    load_tiny(qtbot, app, tiny_gguf, max_tokens=4)
    assert app.window.pages.currentIndex() == 1
    assert chat.chat_area.currentWidget() is chat.empty_chat
    assert app.session.model_info.name in chat.empty_chat.model_label.text()
    assert chat.empty_chat.demo_badge.isHidden()
    chat.empty_chat.set_model(replace(app.session.model_info, is_demo=True))
    assert not chat.empty_chat.demo_badge.isHidden()
    assert chat.empty_chat.demo_badge.text() == "Demo"
    starter = replace(app.session.model_info, is_demo=True, name="Gemma 3 270M (demo)")
    chat.empty_chat.set_model(starter)
    assert chat.empty_chat.model_label.text() == "Gemma 3 270M"  # the badge says "Demo"
    opened: list[int] = []
    app.models.show_model_manager = lambda tab=None: opened.append(tab)
    chat.empty_chat.download_button.click()
    assert opened == [BROWSE_TAB]
    chat.empty_chat.prompt_buttons[0].click()
    assert chat.chat_area.currentWidget() is chat.chat_view
    assert app.session.messages.row_data(0).content == chat.empty_chat.prompt_buttons[0].text()
    qtbot.waitUntil(lambda: not app.session.is_streaming, timeout=30_000)
    app.chat.new_chat()
    assert chat.chat_area.currentWidget() is chat.empty_chat


def test_tab_from_the_message_box_stays_out_of_the_conversation(qtbot, app, monkeypatch) -> None:
    """Issue 17, defect 6: Tab from the message box jumped to the first message's Edit and
    scrolled to the top of a long chat. Not reproduced here (the focus chain followed the
    order widgets were made in); the tab order is now set explicitly and pinned by this test:
    the box, its chips, Send, the meter's choice."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from tests.fixtures.window import long_conversation

    monkeypatch.setattr(app.session.loader, "model_info", object())  # as if a model were loaded
    assert app.history.open_conversation(long_conversation(app, 15))
    app.chat.update_state()
    view, composer = app.chat.chat_view, app.chat.composer
    # The page settles first (the box is measured anew once it has its width), so what is
    # compared below is what Tab does, not the first layout passes.
    qtbot.waitUntil(lambda: composer.height() == composer.sizeHint().height(), timeout=2000)
    view.scroll_to_bottom()
    qtbot.wait(50)
    bottom = view.verticalScrollBar().value()
    app.window.activateWindow()
    composer.set_text("draft")
    composer.editor.setFocus()
    qtbot.waitUntil(composer.editor.hasFocus)
    qtbot.keyClick(composer.editor, Qt.Key.Key_Tab)
    chip = app.documents_feature.chips.button
    assert QApplication.focusWidget() is chip  # the chips under the box
    qtbot.keyClick(chip, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is composer.send_button
    qtbot.keyClick(composer.send_button, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is app.chat.context_meter.strategy_box()
    assert not view.isAncestorOf(QApplication.focusWidget())
    assert view.verticalScrollBar().value() == bottom


def test_a_copy_is_told_in_the_status_bar(app) -> None:
    """Issue 17, defect 8: a code block's Copy link (and Copy last reply) gave no feedback."""
    app.chat.chat_view.copied.emit("print(1)")
    assert app.window.statusBar().currentMessage() == "Copied to the clipboard"


def test_an_example_prompt_on_the_welcome_page_loads_the_starter_then_sends_it(
    qtbot, app, tiny_gguf
) -> None:
    """Issue 17: with no model, the welcome page's example prompts are answered by the starter
    model, which the click loads (the tiny model stands in for it here)."""
    app.settings.set("sampling.max_tokens", 4, tiny_gguf.name)
    app.models.load_starter = lambda: app.models.load_model(str(tiny_gguf))
    assert app.window.pages.currentIndex() == 0  # the welcome page
    card = app.models.welcome.cards.cards[1]
    card.click()
    card.click()  # a second click while it loads does not send twice
    qtbot.waitUntil(lambda: app.session.messages.rowCount() >= 2, timeout=30_000)
    qtbot.waitUntil(lambda: not app.session.is_streaming, timeout=30_000)
    assert app.window.pages.currentIndex() == 1
    assert app.session.messages.row_data(0).content == card.text()
    assert app.session.messages.rowCount() == 2


def test_a_welcome_prompt_whose_load_fails_is_dropped(qtbot, app, tiny_gguf, tmp_path) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"not a model")
    app.models.load_starter = lambda: app.models.load_model(str(broken))
    with qtbot.waitSignal(app.session.load_failed, timeout=30_000):
        app.models.welcome.cards.cards[0].click()
    from tests.fixtures.window import load_tiny

    load_tiny(qtbot, app, tiny_gguf, max_tokens=4)
    assert app.session.messages.rowCount() == 0  # the dropped prompt was not sent later


def test_the_unsent_message_is_kept_and_back_in_the_box_at_the_next_start(
    qtbot, app, private_data_dir
) -> None:
    """Typed, not sent, then the app quits (or is killed a second after typing paused): the
    words are in the message box at the next start. Sending empties the kept draft."""
    from desktop.app import create

    draft = private_data_dir / "draft.txt"
    app.chat.composer.set_text("A long question I have not sent yet")
    qtbot.waitUntil(draft.is_file, timeout=app.chat.DRAFT_PAUSE_MS + 3000)  # no quit needed
    assert draft.read_text("utf-8") == "A long question I have not sent yet"
    app.chat.composer.set_text("A long question I have not sent yet, changed")
    app.window.close()  # the last words are written when the window closes
    assert draft.read_text("utf-8").endswith(", changed")

    again = create(private_data_dir)
    qtbot.addWidget(again.window)
    try:
        assert again.chat.composer.text() == "A long question I have not sent yet, changed"
        again.chat.composer.clear()
        again.chat.keep_draft()
        assert not draft.exists()
    finally:
        again.shutdown()

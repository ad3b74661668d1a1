"""Conversations that are never lost: the window, the store and the sidebar together."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop.core.conversation import FinishReason, Role
from tests.fixtures.window import import_chats, load_tiny, long_conversation, rows, type_and_send


@pytest.fixture
def chatting(qtbot, app, tiny_gguf: Path):
    load_tiny(qtbot, app, tiny_gguf, temperature=0.7, max_tokens=12)
    app.window.confirm = lambda _title, _question: True
    return app


def send_and_wait(qtbot, app, text: str) -> None:
    type_and_send(qtbot, app, text)
    qtbot.waitUntil(lambda: not app.session.is_streaming, timeout=30_000)


def test_a_sent_message_and_its_reply_are_stored(qtbot, chatting) -> None:
    app = chatting
    send_and_wait(qtbot, app, "How deep is the ocean?\nSecond line")
    conversation = app.store.get_conversation(app.session.conversation_id)
    assert conversation.title == "How deep is the ocean?"
    assert conversation.title_is_auto
    path = app.store.path_to(conversation.current_leaf_id)
    assert [m.role for m in path] == [Role.USER, Role.ASSISTANT]
    reply = path[1]
    assert reply.content == rows(app)[1].content
    assert reply.finish_reason in (FinishReason.STOP, FinishReason.LENGTH)
    generation = reply.generation
    assert generation.model_file.endswith(".gguf")
    assert generation.seed is not None and generation.temperature == 0.7
    assert generation.generated_tokens > 0
    assert app.history.sidebar.model().row_of(conversation.id) == 0


def test_new_chat_and_reopen_from_the_sidebar(qtbot, chatting) -> None:
    app = chatting
    send_and_wait(qtbot, app, "First chat")
    first = app.session.conversation_id
    qtbot.keyClick(app.window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert app.session.conversation_id is None and rows(app) == []
    send_and_wait(qtbot, app, "Second chat")
    assert app.history.sidebar.model().rowCount() == 2
    app.history.sidebar.conversation_selected.emit(first)
    assert app.session.conversation_id == first
    assert rows(app)[0].content == "First chat"


def test_rename_pin_delete_undo(qtbot, chatting) -> None:
    app = chatting
    send_and_wait(qtbot, app, "Something to rename")
    conversation = app.session.conversation_id
    sidebar = app.history.sidebar
    sidebar.rename_requested.emit(conversation, "Renamed chat")
    assert app.store.get_conversation(conversation).title == "Renamed chat"
    assert not app.store.get_conversation(conversation).title_is_auto
    sidebar.pin_requested.emit(conversation, True)
    assert app.store.get_conversation(conversation).pinned
    sidebar.delete_requested.emit(conversation)
    assert sidebar.model().row_of(conversation) is None
    assert [c.id for c in app.store.list_trash()] == [conversation]
    assert app.session.conversation_id is None
    app.history.undo_button.click()
    assert sidebar.model().row_of(conversation) is not None
    assert app.store.list_trash() == []


def test_search_opens_the_conversation_at_the_message(qtbot, chatting) -> None:
    app = chatting
    send_and_wait(qtbot, app, "Tell me about lighthouses")
    target = app.session.conversation_id
    app.chat.new_chat()
    send_and_wait(qtbot, app, "Something else entirely")
    app.history.on_sidebar_search_changed("lighthouses")
    results = app.history.sidebar.results_model()
    hits = [results.hit(row) for row in range(results.rowCount())]
    hit = next(h for h in hits if h.message_id is not None)
    assert hit.conversation_id == target
    app.history.sidebar.search_hit_activated.emit(hit.conversation_id, hit.message_id)
    assert app.session.conversation_id == target


def test_a_search_hit_on_another_branch_shows_that_branch(qtbot, chatting) -> None:
    app = chatting
    send_and_wait(qtbot, app, "Tell me about lighthouses")
    app.chat.chat_view.edit_submitted.emit(0, "Tell me about windmills")
    qtbot.waitUntil(lambda: not app.session.is_streaming, timeout=30_000)
    conversation = app.session.conversation_id
    app.chat.new_chat()
    app.history.on_sidebar_search_changed("lighthouses")
    results = app.history.sidebar.results_model()
    hits = [results.hit(row) for row in range(results.rowCount())]
    hit = next(h for h in hits if h.message_id is not None)
    app.history.sidebar.search_hit_activated.emit(hit.conversation_id, hit.message_id)
    assert app.session.conversation_id == conversation
    assert rows(app)[0].content == "Tell me about lighthouses"
    current = app.store.get_conversation(conversation).current_leaf_id
    assert hit.message_id in [m.id for m in app.store.path_to(current)]  # kept on reopening


def test_edit_makes_a_branch_and_arrows_switch_back(qtbot, chatting) -> None:
    app = chatting
    send_and_wait(qtbot, app, "Original question")
    original_reply = rows(app)[1].content
    app.chat.chat_view.edit_submitted.emit(0, "Edited question")
    qtbot.waitUntil(lambda: not app.session.is_streaming, timeout=30_000)
    messages = app.session.messages
    assert rows(app)[0].content == "Edited question"
    assert messages.data(messages.index(0), messages.Roles.SiblingCountRole) == 2
    assert messages.data(messages.index(0), messages.Roles.SiblingIndexRole) == 1
    app.chat.chat_view.sibling_requested.emit(0, -1)
    assert rows(app)[0].content == "Original question"
    assert rows(app)[1].content == original_reply


def test_regenerate_keeps_the_old_reply_as_a_sibling(qtbot, chatting) -> None:
    app = chatting
    send_and_wait(qtbot, app, "Say something")
    first_reply = rows(app)[1].content
    app.chat.chat_view.regenerate_requested.emit(1)
    qtbot.waitUntil(lambda: not app.session.is_streaming, timeout=30_000)
    messages = app.session.messages
    assert messages.data(messages.index(1), messages.Roles.SiblingCountRole) == 2
    app.chat.chat_view.sibling_requested.emit(1, -1)
    assert rows(app)[1].content == first_reply


def test_delete_a_message_and_what_follows(qtbot, chatting) -> None:
    app = chatting
    send_and_wait(qtbot, app, "One")
    send_and_wait(qtbot, app, "Two")
    assert len(rows(app)) == 4
    app.chat.chat_view.delete_requested.emit(2)
    assert [m.content for m in rows(app)][:1] == ["One"]
    assert len(rows(app)) == 2
    conversation = app.store.get_conversation(app.session.conversation_id)
    assert len(app.store.path_to(conversation.current_leaf_id)) == 2


def test_the_last_chat_reopens_after_a_restart(qtbot, chatting, private_data_dir: Path) -> None:
    from desktop.app import create

    app = chatting
    send_and_wait(qtbot, app, "Remember me")
    conversation = app.session.conversation_id
    app.shutdown()
    again = create(private_data_dir)
    qtbot.addWidget(again.window)
    try:
        assert again.session.conversation_id == conversation
        assert rows(again)[0].content == "Remember me"
    finally:
        again.shutdown()
    # the fixture's own shutdown runs on an already stopped app; make that harmless
    app.shutdown = lambda: None


def test_export_and_import_round_trip(qtbot, chatting, tmp_path: Path) -> None:
    from desktop.history.qt.pdf_export import export_options

    app = chatting
    send_and_wait(qtbot, app, "Export me 你好")
    for fmt, suffix in (("markdown", ".md"), ("html", ".html"), ("text", ".txt")):
        path = tmp_path / f"chat{suffix}"
        assert app.history.transfers.export_conversation_to(
            path, fmt, export_options(all_branches=True)
        )
        assert "Export me 你好" in path.read_text(encoding="utf-8")
    json_path = tmp_path / "chat.json"
    assert app.history.transfers.export_conversation_to(json_path, "json")
    assert json.loads(json_path.read_text(encoding="utf-8"))["format"] == "hearthside.conversation"
    before = app.history.sidebar.model().rowCount()
    assert import_chats(qtbot, app, json_path) == 1
    assert app.history.sidebar.model().rowCount() == before + 1


def test_a_malformed_import_names_the_problem(qtbot, chatting, tmp_path: Path) -> None:
    app = chatting
    bad = tmp_path / "broken.json"
    bad.write_text('{"format": "hearthside.conversation", "version": 99}', encoding="utf-8")
    assert import_chats(qtbot, app, bad) == 0
    qtbot.waitUntil(lambda: app.window.error_box is not None, timeout=5_000)
    assert "newer" in app.window.error_box.text()
    assert app.store.list_conversations() == []


def test_a_damaged_database_is_moved_aside_and_reported(qtbot, private_data_dir: Path) -> None:
    from desktop.app import create

    private_data_dir.mkdir(parents=True, exist_ok=True)
    (private_data_dir / "hearthside.db").write_bytes(b"this is not a database" * 100)
    app = create(private_data_dir)
    qtbot.addWidget(app.window)
    try:
        assert app.window.error_box is not None
        text = app.window.error_box.text()
        assert "moved" in text and "hearthside.db.damaged-" in text
        assert list(private_data_dir.glob("hearthside.db.damaged-*"))
    finally:
        app.shutdown()


def test_the_chat_list_folds_away_in_a_narrow_window(qtbot, app) -> None:
    window = app.window
    window.resize(1000, 700)
    qtbot.waitUntil(lambda: app.history.sidebar.isVisible())
    window.resize(420, 700)
    qtbot.waitUntil(lambda: not app.history.sidebar.isVisible())
    assert not window.sidebar_action.isChecked()
    window.sidebar_action.trigger()  # Ctrl+B shows it even while narrow
    assert app.history.sidebar.isVisible()
    window.resize(1000, 700)
    qtbot.waitUntil(lambda: window.width() == 1000)
    assert app.history.sidebar.isVisible()


def test_the_chat_list_folds_away_at_640_pixels(qtbot, app) -> None:
    """Issue 17, defect 8: at 640 pixels the chat list stayed and squeezed the chat."""
    window = app.window
    window.resize(1000, 700)
    qtbot.waitUntil(lambda: app.history.sidebar.isVisible())
    window.resize(640, 700)
    qtbot.waitUntil(lambda: not app.history.sidebar.isVisible())


def test_a_conversation_brings_back_its_own_settings(qtbot, chatting) -> None:
    app = chatting
    conversation = app.store.create_conversation(
        "Careful chat", system_prompt="Be brief.", settings={"temperature": 0.1, "top_k": 5}
    ).id
    app.store.add_message(conversation, None, Role.USER, "hello")
    app.history.refresh_conversations()
    app.history.open_conversation(conversation)
    assert app.session.settings.system_prompt == "Be brief."
    assert app.session.settings.sampling.temperature == 0.1
    assert app.session.settings.sampling.top_k == 5
    app.chat.new_chat()
    assert app.session.settings.sampling.temperature == 0.7  # the model's own setting again


def test_a_reply_cut_off_by_a_crash_shows_as_interrupted(qtbot, private_data_dir: Path) -> None:
    from desktop.app import create
    from desktop.store.conversations import ConversationStore

    private_data_dir.mkdir(parents=True, exist_ok=True)
    store = ConversationStore.open(private_data_dir / "hearthside.db")
    conversation = store.create_conversation("Cut off").id
    question = store.add_message(conversation, None, Role.USER, "Tell me a long story")
    store.add_message(conversation, question.id, Role.ASSISTANT, "Once upon a")
    store.close()  # as if the app died here: the reply never got a finish reason
    app = create(private_data_dir)
    qtbot.addWidget(app.window)
    try:
        assert app.history.open_conversation(conversation)
        messages = app.session.messages
        assert rows(app)[1].content == "Once upon a"
        reason = messages.data(messages.index(1), messages.Roles.FinishReasonRole)
        assert reason == FinishReason.INTERRUPTED
        assert "Interrupted" in app.chat.chat_view.message_widget(1).note_text()
    finally:
        app.shutdown()


def test_the_trash_is_emptied_of_chats_older_than_30_days(qtbot, private_data_dir: Path) -> None:
    import time

    from desktop.app import create
    from desktop.store.conversations import ConversationStore

    private_data_dir.mkdir(parents=True, exist_ok=True)
    days = 86_400
    old_clock = ConversationStore.open(
        private_data_dir / "hearthside.db", clock=lambda: time.time() - 31 * days
    )
    old = old_clock.create_conversation("Deleted long ago").id
    old_clock.delete_conversation(old)
    old_clock.close()
    store = ConversationStore.open(private_data_dir / "hearthside.db")
    recent = store.create_conversation("Deleted yesterday").id
    store.delete_conversation(recent)
    store.close()
    app = create(private_data_dir)
    qtbot.addWidget(app.window)
    try:
        assert [c.id for c in app.store.list_trash()] == [recent]
    finally:
        app.shutdown()


def test_a_long_history_lists_a_page_then_the_rest_and_the_last_chat(
    qtbot, private_data_dir: Path
) -> None:
    """1,000 chats (ties in updated_at, two pinned): the sidebar starts with one page, plus
    the last open chat, which is on a later page and is selected; scrolling to the end brings
    the rest in the store's order, without repeats or gaps."""
    import sqlite3

    from desktop.app import create
    from desktop.core.settings import Settings
    from desktop.history.qt.chat_list_model import CONVERSATION_PAGE_SIZE
    from desktop.store.conversations import ConversationStore

    private_data_dir.mkdir(parents=True, exist_ok=True)
    db = private_data_dir / "hearthside.db"
    ConversationStore.open(db).close()
    raw = sqlite3.connect(db)
    with raw:
        raw.executemany(
            "INSERT INTO conversations (title, created_at, updated_at, pinned) VALUES (?, ?, ?, ?)",
            [(f"Chat {n}", 1.7e9 + n, 1.7e9 + n // 3, int(n in (10, 500))) for n in range(1000)],
        )
    order = [
        row[0]
        for row in raw.execute(
            "SELECT id FROM conversations ORDER BY pinned DESC, updated_at DESC, id DESC"
        )
    ]
    raw.close()
    last = order[700]
    settings = Settings(private_data_dir / "settings.json")
    settings.set("chat.last_conversation", last)
    settings.save()

    app = create(private_data_dir)
    qtbot.addWidget(app.window)
    try:
        sidebar = app.history.sidebar
        model = sidebar.model()
        assert app.session.conversation_id == last
        # a page, or two when the view scrolled to the selected chat and fetched the next
        loaded = model.rowCount() - 1
        assert loaded in (CONVERSATION_PAGE_SIZE, 2 * CONVERSATION_PAGE_SIZE)
        listed = [model.summary(row).id for row in range(model.rowCount())]
        assert listed == [*order[:loaded], last]
        assert sidebar.conversation_view.currentIndex().row() == loaded
        assert model.canFetchMore()

        view = sidebar.conversation_view
        app.window.show()
        for _ in range(100):
            if not model.canFetchMore():
                break
            view.scrollToBottom()
            qtbot.wait(1)
        assert not model.canFetchMore()
        assert [model.summary(row).id for row in range(model.rowCount())] == order
        assert sidebar.current_id() == last
        assert view.currentIndex().data(model.Roles.IdRole) == last
    finally:
        app.shutdown()


def test_earlier_messages_shown_while_a_reply_streams_keep_the_reply_in_its_row(
    qtbot, app, long_context_tiny_gguf
):
    """Scrolling to the top loads the previous page above the rows; the streaming reply's row
    moves down with it, and its text must follow (not land in an old message)."""
    load_tiny(qtbot, app, long_context_tiny_gguf, n_ctx=4096, temperature=0.0, max_tokens=64)
    conversation = long_conversation(app, 110)  # 220 messages: more than one page
    assert app.history.open_conversation(conversation)
    session = app.session
    model = session.messages
    assert session.send("Newest question")
    session.show_earlier()
    assert model.rowCount() == 222
    qtbot.waitUntil(lambda: not session.is_streaming, timeout=60_000)
    stored = app.store.current_path(conversation)
    assert model.data(model.index(221), model.Roles.ContentRole) == stored[-1].content
    assert stored[-1].content
    for row in (201, 219):
        assert model.data(model.index(row), model.Roles.ContentRole) == stored[row].content

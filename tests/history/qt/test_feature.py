"""HistoryFeature: the chat list as the shell's side panel, Undo, and export-all and import
running off the GUI thread with progress, Cancel and their all-or-nothing rules."""

from __future__ import annotations

import json
import os
import threading
import zipfile
from pathlib import Path

from PySide6.QtCore import Qt

import desktop.history.qt.export_dialog as export_dialog
import desktop.history.qt.transfers as transfers_module
import desktop.store.export as store_export
from desktop.core.conversation import FinishReason, Role
from desktop.store.export import ExportAllResult
from tests.fixtures.window import export_all_chats, import_chats
from tests.store.export_samples import GOLDEN


def stored_chat(app, title: str) -> int:
    store = app.store
    conversation = store.create_conversation(title).id
    question = store.add_message(conversation, None, Role.USER, f"{title}: question")
    store.add_message(
        conversation, question.id, Role.ASSISTANT, "An answer", finish_reason=FinishReason.STOP
    )
    return conversation


def test_it_installs_the_chat_list_and_its_entries(app) -> None:
    history, window = app.history, app.window
    assert window.splitter.widget(0) is history.sidebar
    assert window.sidebar_action is not None and window.sidebar_action.text() == "Show chat &list"
    file_entries = [a.text() for a in window.menu("file").actions()]
    start = file_entries.index("&Export chat…")
    assert file_entries[start : start + 3] == [
        "&Export chat…",
        "Export &all chats…",
        "&Import chats…",
    ]
    assert history.search_action.shortcut().toString() == "Ctrl+K"


def test_delete_offers_undo_in_the_status_bar(qtbot, app) -> None:
    conversation = stored_chat(app, "Keep me")
    app.history.refresh_conversations()
    app.history.delete_conversation(conversation)
    assert [item.id for item in app.store.list_trash()] == [conversation]
    assert app.history.sidebar.model().row_of(conversation) is None
    button = app.history.undo_button
    assert button is not None
    assert "moved to the trash" in app.window.statusBar().currentMessage()
    button.click()
    assert app.store.list_trash() == []
    assert app.history.sidebar.model().row_of(conversation) is not None


def test_restoring_from_the_trash_withdraws_the_undo(qtbot, app) -> None:
    """Issue 17, defect 7: a stale Undo stayed after the chat was restored from the Trash."""
    conversation = stored_chat(app, "Keep me")
    app.history.refresh_conversations()
    app.history.delete_conversation(conversation)
    button = app.history.undo_button
    assert button is not None and button.isVisible()
    dialog = app.history.show_trash()
    dialog.restore_requested.emit(conversation)
    assert not button.isVisible()
    assert app.window.statusBar().currentMessage() == ""
    dialog.close()


def test_export_all_writes_on_a_pool_thread(qtbot, app, tmp_path: Path, monkeypatch) -> None:
    stored_chat(app, "First")
    stored_chat(app, "Second")
    threads: list[threading.Thread] = []
    real = store_export.export_all

    def recording(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(store_export, "export_all", recording)
    assert export_all_chats(qtbot, app, tmp_path / "out", "markdown", as_zip=False)
    assert threads and threads[0] is not threading.main_thread()
    assert len(list((tmp_path / "out").iterdir())) == 2
    assert "Exported 2 chats" in app.window.statusBar().currentMessage()
    assert app.history.transfers.progress_dialog is None


def test_cancel_stops_an_export_and_nothing_is_written(
    qtbot, app, tmp_path: Path, monkeypatch
) -> None:
    stored_chat(app, "Only")
    release = threading.Event()
    real = store_export.export_all

    def waiting(conversations, destination, fmt, *, progress, **kwargs):
        def late_progress(done: int, total: int) -> bool:
            release.wait(10)
            return progress(done, total)

        return real(conversations, destination, fmt, progress=late_progress, **kwargs)

    monkeypatch.setattr(store_export, "export_all", waiting)
    with qtbot.waitSignal(app.history.transfers.export_finished, timeout=20_000) as blocker:
        job = app.history.transfers.export_all_to(tmp_path / "out.zip", "json", True)
        assert job is not None
        assert app.history.transfers.export_all_to(tmp_path / "again", "json", False) is None
        app.history.transfers.progress_dialog.canceled.emit()  # its Cancel button
        release.set()
    assert blocker.args == [False]
    assert not (tmp_path / "out.zip").exists()
    assert list(tmp_path.glob("*.partial")) == []
    assert "cancelled" in app.window.statusBar().currentMessage()


def test_import_reads_the_file_on_a_pool_thread(qtbot, app, tmp_path: Path, monkeypatch) -> None:
    conversation = stored_chat(app, "Round trip")
    assert app.history.open_conversation(conversation)
    path = tmp_path / "chat.json"
    assert app.history.transfers.export_conversation_to(path, "json")
    threads: list[threading.Thread] = []
    real = export_dialog.read_import_file

    def recording(file: Path):
        threads.append(threading.current_thread())
        return real(file)

    monkeypatch.setattr(export_dialog, "read_import_file", recording)
    before = len(app.store.list_conversations())
    assert import_chats(qtbot, app, path) == 1
    assert threads and threads[0] is not threading.main_thread()
    assert len(app.store.list_conversations()) == before + 1
    assert "Imported 1 chat" in app.window.statusBar().currentMessage()


def test_a_bad_import_adds_nothing_and_says_why(qtbot, app, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "something else"}), encoding="utf-8")
    errors: list[tuple[str, str]] = []
    app.window.show_error = lambda title, text: errors.append((title, text))
    assert import_chats(qtbot, app, bad) == 0
    assert errors and errors[0][0] == "Could not import “bad.json”"
    assert app.store.list_conversations() == []


def test_a_file_of_no_chats_is_said_so_not_imported_as_none(qtbot, app, tmp_path: Path) -> None:
    """A ChatGPT export of no conversations ("[]") said "Imported 0 chats from …", as if
    something had gone in."""
    empty = tmp_path / "conversations.json"
    empty.write_text("[]", encoding="utf-8")
    errors: list[tuple[str, str]] = []
    app.window.show_error = lambda title, text: errors.append((title, text))
    assert import_chats(qtbot, app, empty) == 0
    assert errors == [("Could not import “conversations.json”", "The file holds no chats.")]
    assert "Imported" not in app.window.statusBar().currentMessage()


def test_the_file_dialogs_start_where_the_last_export_or_import_was(
    qtbot, app, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Exporting a chat and importing it again started in the home folder each time."""
    conversation = stored_chat(app, "Round trip")
    assert app.history.open_conversation(conversation)
    transfers = app.history.transfers
    exports = tmp_path / "exports"
    exports.mkdir()
    assert transfers.export_conversation_to(exports / "chat.json", "json")
    starts: list[Path | None] = []

    def choose(_parent, _title, _filter, start=None):  # type: ignore[no-untyped-def]
        starts.append(start)
        return None  # cancelled

    monkeypatch.setattr(transfers_module, "choose_open_file", choose)
    transfers.choose_import()
    assert starts == [exports]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "chat.json").write_bytes((exports / "chat.json").read_bytes())
    assert import_chats(qtbot, app, elsewhere / "chat.json") == 1
    transfers.choose_import()
    assert starts == [exports, elsewhere]


def test_chatgpts_zip_imports_however_large_its_images(
    qtbot, app, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """ChatGPT's data export downloads as a .zip whose images can dwarf its chats: the limit
    is on the chats unpacked, and the archive is read where it lies."""
    chats = (GOLDEN / "chatgpt_conversations.json").read_bytes()
    archive = tmp_path / "chatgpt-export.zip"
    with zipfile.ZipFile(archive, "w") as out:  # stored: the image stays as large as it is
        out.writestr("file-photo.png", os.urandom(len(chats) * 3))
        out.writestr("conversations.json", chats)
    monkeypatch.setattr(export_dialog, "DEFAULT_MAX_IMPORT_BYTES", len(chats) * 2)
    assert archive.stat().st_size > len(chats) * 2
    assert import_chats(qtbot, app, archive) == len(json.loads(chats))
    assert f"from {archive.name}" in app.window.statusBar().currentMessage()


def test_export_failure_is_reported(qtbot, app, tmp_path: Path, monkeypatch) -> None:
    stored_chat(app, "Fails")

    def failing(*args, **kwargs) -> ExportAllResult:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store_export, "export_all", failing)
    errors: list[tuple[str, str]] = []
    app.window.show_error = lambda title, text: errors.append((title, text))
    assert not export_all_chats(qtbot, app, tmp_path / "out", "markdown", as_zip=False)
    assert errors == [("Export failed", "No space left on device")]


def test_search_lists_each_chat_once_and_opens_it_at_its_best_match(qtbot, app, monkeypatch):
    """A chat whose messages repeat the word (a demo model repeating itself) is one row with a
    count of its other matches; Enter opens it at its best matching message."""
    store = app.store
    repeats = store.create_conversation("Explain how a rainbow forms").id
    parent = None
    texts = [
        "Explain how a rainbow forms, in two sentences.",
        "A rainbow forms when sunlight bends in raindrops.",
        "Explain how a rainbow forms, in two sentences.",
        "rainbow rainbow",
    ]
    ids = []
    for number, text in enumerate(texts):
        role = Role.USER if number % 2 == 0 else Role.ASSISTANT
        parent = store.add_message(
            repeats, parent, role, text, finish_reason=FinishReason.STOP if number % 2 else None
        ).id
        ids.append(parent)
    once = stored_chat(app, "Painting a rainbow")  # the title and one message match
    app.history.refresh_conversations()
    revealed: list[tuple[int, str | None]] = []
    monkeypatch.setattr(app.chat, "reveal", lambda row, text: revealed.append((row, text)))

    sidebar = app.history.sidebar
    with qtbot.waitSignal(sidebar.search_changed):
        sidebar.search_field.setText("rainbow")
    results = sidebar.results_model()
    hits = [results.hit(row) for row in range(results.rowCount())]
    assert [h.conversation_id for h in hits] == [once, repeats]  # the title first, as before
    assert hits[0].matches == 1 and hits[0].message_id is not None
    more = [results.index(row, 0).data(results.Roles.MoreMatchesTextRole) for row in (0, 1)]
    assert more == ["", "+3 more matches"]
    best = hits[1].message_id
    assert best == ids[3]  # "rainbow rainbow": the best match of the four

    sidebar.results_view.setCurrentIndex(results.index(1, 0))
    sidebar.results_view.setFocus()
    with qtbot.waitSignal(sidebar.search_hit_activated):
        qtbot.keyClick(sidebar.results_view, Qt.Key.Key_Return)
    assert app.session.conversation_id == repeats
    [(row, highlight)] = revealed
    messages = app.session.messages
    assert messages.index(row).data(messages.Roles.MessageIdRole) == best
    assert highlight == "rainbow"

"""Answers with sources in the real window: the Collections dialog, the chips, a grounded reply
on the tiny model (real llama.cpp), citations, the Sources panel and the exports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from desktop.chat.qt.context_meter import MeterState
from desktop.chat.qt.message_model import MessageListModel, SourcesNote, SourcesState
from desktop.core.conversation import Role
from desktop.core.markdown import SOURCE_SCHEME
from desktop.engine.probe import FAULT_ENV
from tests.fixtures.documents import encrypted_pdf_bytes, pdf_bytes
from tests.fixtures.window import import_chats, load_tiny, long_conversation, type_and_send

_Roles = MessageListModel.Roles


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "harbour.md").write_text(
        "# Harbour\n\nThe Harwick lighthouse burns whale oil and was first lit in 1847.\n"
    )
    (folder / "granary.txt").write_text("The granary at Elmsford stores barley and oats.\n")
    (folder / "mine.pdf").write_bytes(pdf_bytes([["Sheep graze."], ["The copper mine closed."]]))
    (folder / "locked.pdf").write_bytes(encrypted_pdf_bytes([["secret words"]]))
    return folder


def _dialog(qtbot, app):
    dialog = app.documents_feature.show_dialog()
    qtbot.addWidget(dialog)
    dialog.confirm = lambda _title, _question: True
    return dialog


def _make_collection(qtbot, app, docs: Path, name: str = "Harbour notes") -> int:
    dialog = _dialog(qtbot, app)
    documents = app.documents
    with qtbot.waitSignal(documents.index_finished, timeout=20_000):
        dialog.create_collection(name, [docs])
    qtbot.waitUntil(lambda: documents.collections.rowCount() >= 1)
    return next(c.id for c in documents.collections.collections() if c.name == name)


def test_collections_dialog_creates_indexes_and_lists_unreadable_files(
    qtbot, app, docs: Path
) -> None:
    dialog = _dialog(qtbot, app)
    labels: list[str] = []
    app.documents.progress_changed.connect(lambda *_: labels.append(dialog.progress_label.text()))
    dialog.ask_name = lambda _title, _current: "Harbour notes"
    dialog.choose_folder = lambda: str(docs)
    with qtbot.waitSignal(app.documents.index_finished, timeout=20_000):
        dialog.new_button.click()
    assert any(label.startswith("Indexing 1 of 4") for label in labels)
    qtbot.waitUntil(lambda: app.documents.files.rowCount() == 4)
    assert dialog.collection_list.model().data(dialog.collection_list.currentIndex()) == (
        "Harbour notes"
    )
    shown = [
        app.documents.files.data(app.documents.files.index(i, 0))
        for i in range(app.documents.files.rowCount())
    ]
    assert "locked.pdf · Unreadable: password-protected" in shown
    assert "harbour.md · 1 passage(s)" in shown
    assert "1 unreadable" in dialog.summary.text()
    assert dialog.report_label.text() == (
        "Done: 4 new file(s). 1 could not be read; the list says why."
    )
    assert dialog.progress_row.isHidden()

    dialog.ask_name = lambda _title, current: current + " (old)"
    dialog.rename_button.click()
    qtbot.waitUntil(
        lambda: [c.name for c in app.documents.collections.collections()] == ["Harbour notes (old)"]
    )
    dialog.delete_button.click()
    qtbot.waitUntil(lambda: app.documents.collections.rowCount() == 0)
    assert (docs / "harbour.md").exists()


def test_dropping_a_folder_makes_a_collection(qtbot, app, docs: Path) -> None:
    dialog = _dialog(qtbot, app)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(docs))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(app.documents.index_finished, timeout=20_000):
        dialog.dropEvent(event)
    qtbot.waitUntil(lambda: app.documents.collections.rowCount() == 1)
    assert app.documents.collections.collections()[0].name == "docs"


def test_progress_pause_and_stop_from_the_dialog(qtbot, app, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(400):
        (folder / f"note{i:03}.md").write_text(f"# Note {i}\n\nPlain words number {i}.\n" * 20)
    dialog = _dialog(qtbot, app)
    documents = app.documents
    finished: list = []
    documents.index_finished.connect(lambda _job, report: finished.append(report))
    dialog.create_collection("Many", [folder])
    qtbot.waitUntil(lambda: documents.progress is not None and documents.progress.done > 0)
    assert dialog.progress_row.isVisible()
    dialog.pause_button.click()
    qtbot.waitUntil(lambda: documents.is_paused)
    assert dialog.pause_button.text() == "&Resume"
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: bool(finished), timeout=10_000)
    assert finished[0].cancelled
    assert "Stopped" in dialog.report_label.text()
    qtbot.waitUntil(lambda: not dialog.progress_row.isVisible())


def test_deleting_a_collection_does_not_stop_indexing_another(
    qtbot, app, docs: Path, tmp_path: Path
) -> None:
    old = _make_collection(qtbot, app, docs, "Old notes")
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(300):
        (folder / f"note{i:03}.md").write_text(f"# Note {i}\n\nPlain words number {i}.\n" * 20)
    documents = app.documents
    finished: list = []
    documents.index_finished.connect(lambda _job, report: finished.append(report))
    _dialog(qtbot, app).create_collection("Many", [folder])
    qtbot.waitUntil(lambda: documents.progress is not None and documents.progress.done > 0)
    documents.delete(old)
    qtbot.waitUntil(lambda: bool(finished), timeout=60_000)
    assert not finished[0].cancelled
    assert finished[0].added == 300
    qtbot.waitUntil(lambda: [c.name for c in documents.collections.collections()] == ["Many"])
    # Deleting the collection that is being indexed still stops its update at once.
    (folder / "more").mkdir()
    for i in range(300):
        (folder / "more" / f"extra{i:03}.md").write_text(f"# Extra {i}\n\nWords {i}.\n" * 20)
    finished.clear()
    many = documents.collections.collections()[0].id
    documents.update(many)
    qtbot.waitUntil(lambda: documents.progress is not None and documents.progress.done > 0)
    documents.delete(many)
    qtbot.waitUntil(lambda: bool(finished), timeout=10_000)
    assert finished[0].cancelled
    qtbot.waitUntil(lambda: documents.collections.rowCount() == 0)


def test_chips_attach_and_detach_and_are_kept_with_the_chat(
    qtbot, app, docs: Path, tiny_gguf: Path
) -> None:
    load_tiny(qtbot, app, tiny_gguf, n_ctx=2048, temperature=0.0, max_tokens=8)
    collection = _make_collection(qtbot, app, docs)
    chips = app.documents_feature.chips
    chips.fill_menu()
    [attach] = [a for a in chips.menu.actions() if a.text() == "Harbour notes"]
    attach.trigger()
    assert app.session.attached == (collection,)
    assert [chip.label.text() for chip in chips.chips] == ["Harbour notes"]
    assert not chips.isHidden() and chips.button.count() == 1  # the row and the count show
    type_and_send(qtbot, app, "Hello")
    qtbot.waitUntil(lambda: not app.session.is_streaming, timeout=30_000)
    conversation = app.session.conversation_id
    assert app.store.conversation_settings(conversation)["collections"] == [collection]
    chips.chips[0].remove_button.click()
    assert app.session.attached == ()
    assert app.store.conversation_settings(conversation)["collections"] == []
    assert chips.chips == []
    assert chips.isHidden() and chips.button.count() == 0
    app.session.attach_collection(collection)
    app.chat.new_chat()
    assert chips.chips == []
    app.history.open_conversation(conversation)
    assert [chip.collection_id for chip in chips.chips] == [collection]


def _ask_with_the_harbour_notes(
    qtbot,
    app,
    docs: Path,
    tiny_gguf: Path,
    question: str = "When was the Harwick lighthouse first lit?",
    max_tokens: int = 4,
) -> int:
    """The tiny model loaded, the docs attached as a collection (its id is returned), one
    question answered."""
    load_tiny(qtbot, app, tiny_gguf, n_ctx=2048, temperature=0.0, max_tokens=max_tokens)
    collection = _make_collection(qtbot, app, docs)
    app.session.attach_collection(collection)
    type_and_send(qtbot, app, question)
    qtbot.waitUntil(lambda: not app.session.is_streaming, timeout=30_000)
    return collection


def test_a_grounded_reply_cites_sources_that_open_in_the_panel_and_exports(
    qtbot, app, docs: Path, tiny_gguf: Path, tmp_path: Path
) -> None:
    _ask_with_the_harbour_notes(qtbot, app, docs, tiny_gguf, max_tokens=8)
    # The passages depend on the sent text: a draft is not prepared ahead with them attached.
    assert app.session.prepare_reply("And the harbour wall?") is None

    # What the model read: the passage with its numbered tag, in the last user turn.
    prompt = "".join(segment.text for segment in app.worker.last_plan.segments)
    assert "[1] harbour.md, Harbour\nThe Harwick lighthouse burns whale oil" in prompt
    assert prompt.rstrip().count("Question: When was the Harwick lighthouse first lit?") == 1
    model = app.session.messages
    reply_row = model.rowCount() - 1
    sources = model.data(model.index(reply_row, 0), _Roles.SourcesRole)
    assert [Path(s.file).name for s in sources][:1] == ["harbour.md"]
    assert model.data(model.index(0, 0), _Roles.ContentRole) == (
        "When was the Harwick lighthouse first lit?"  # what the user wrote is stored as is
    )
    stored = app.store.path_to(
        app.store.get_conversation(app.session.conversation_id).current_leaf_id
    )
    assert stored[-1].sources == sources
    assert stored[0].content == "When was the Harwick lighthouse first lit?"

    # The sources line under the reply links every source; a click opens the panel.
    app.chat.chat_view.flush()
    widget = app.chat.chat_view.message_widget(reply_row)
    line = widget.sources_line
    assert line.isVisible() and "harbour.md" in line.text()
    assert f'href="{SOURCE_SCHEME}:1"' in line.text()
    feature = app.documents_feature
    assert feature.dock.widget() is None  # the panel is made when the dock first shows
    line.linkActivated.emit(f"{SOURCE_SCHEME}:1")
    assert feature.dock.isVisible()
    panel = feature.panel
    assert feature.dock.widget() is panel
    assert panel.current().number == 1
    assert "Harwick" in panel.passage.toPlainText()
    assert "Section: Harbour" in panel.where.text()
    assert "background-color" in panel.passage.toHtml()  # matched words are marked
    opened: list[QUrl] = []
    panel.confirm_open = lambda path: path.endswith("harbour.md")
    panel.open_url = lambda url: opened.append(url) or True
    assert panel.open_current()
    assert opened == [QUrl.fromLocalFile(str(docs / "harbour.md"))]

    # A citation in the reply's text is a link too (the tiny model does not write one).
    row = model.index(reply_row, 0)
    model.set_content(reply_row, "It was lit in 1847 [1].")
    app.chat.chat_view.flush()
    assert f"{SOURCE_SCHEME}:1" in widget.body.toHtml()
    with qtbot.waitSignal(app.chat.chat_view.source_requested) as blocker:
        widget.body.anchorClicked.emit(QUrl(f"{SOURCE_SCHEME}:1"))
    assert blocker.args == [row.row(), 1]

    # Exports carry the sources.
    for fmt, name in (("markdown", "chat.md"), ("html", "chat.html"), ("json", "chat.json")):
        assert app.history.transfers.export_conversation_to(tmp_path / name, fmt)
    assert "harbour.md, Harbour" in (tmp_path / "chat.md").read_text()
    assert "harbour.md, Harbour" in (tmp_path / "chat.html").read_text()
    exported = json.loads((tmp_path / "chat.json").read_text())
    assert Path(exported["messages"][-1]["sources"][0]["file"]).name == "harbour.md"

    # Reopened later, the reply still has its sources.
    conversation = app.session.conversation_id
    app.chat.new_chat()
    app.history.open_conversation(conversation)
    reply_row = model.rowCount() - 1
    assert model.data(model.index(reply_row, 0), _Roles.SourcesRole) == sources
    assert model.data(model.index(reply_row, 0), _Roles.RoleRole) == Role.ASSISTANT


def test_the_sources_panel_forgets_the_passage_of_a_chat_that_was_left(
    qtbot, app, docs: Path, tiny_gguf: Path
) -> None:
    _ask_with_the_harbour_notes(qtbot, app, docs, tiny_gguf)
    feature = app.documents_feature
    feature.show_source(app.session.messages.rowCount() - 1, 1)
    assert "Harwick" in feature.panel.passage.toPlainText()
    conversation = app.session.conversation_id
    app.chat.new_chat()
    assert feature.panel.current() is None
    assert feature.panel.passage.toPlainText() == ""
    feature.show_source(0, 1)  # nothing there in the new chat: still none
    app.history.open_conversation(conversation)
    assert feature.panel.current() is None


def test_the_sources_panel_forgets_a_passage_of_another_branch(
    qtbot, app, docs: Path, tiny_gguf: Path
) -> None:
    _ask_with_the_harbour_notes(qtbot, app, docs, tiny_gguf)
    session, feature = app.session, app.documents_feature
    reply_row = session.messages.rowCount() - 1
    assert session.regenerate(reply_row)
    qtbot.waitUntil(lambda: not session.is_streaming, timeout=30_000)
    feature.show_source(reply_row, 1)  # the second version's passage
    assert "Harwick" in feature.panel.passage.toPlainText()
    assert session.switch_sibling(reply_row, -1)  # back to the first version
    assert feature.panel.current() is None
    assert feature.panel.passage.toPlainText() == ""


def test_the_sources_panel_follows_the_newest_reply_without_a_click(
    qtbot, app, docs: Path, tiny_gguf: Path
) -> None:
    """The panel kept the previous reply's passage until a citation of the new one was
    clicked (issue 16 item 19): a new turn clears it and the new reply's passages show."""
    _ask_with_the_harbour_notes(qtbot, app, docs, tiny_gguf)
    feature, session = app.documents_feature, app.session
    feature.show_source(session.messages.rowCount() - 1, 1)
    assert "Harwick" in feature.panel.passage.toPlainText()
    cleared: list[bool] = []
    session.messages.rowsInserted.connect(
        lambda *_args: cleared.append(feature.panel.current() is None)
    )
    type_and_send(qtbot, app, "Which grain does the granary at Elmsford store?")
    qtbot.waitUntil(lambda: not session.is_streaming, timeout=30_000)
    assert cleared and all(cleared)  # nothing of the earlier reply while the new one starts
    model = session.messages
    newest = model.data(model.index(model.rowCount() - 1, 0), _Roles.SourcesRole)
    assert newest and feature.panel.current() == newest[0]
    assert any(Path(source.file).name == "granary.txt" for source in newest)
    assert newest[0].text.split()[0] in feature.panel.passage.toPlainText()
    feature.show_source(1, 1)  # an earlier reply's citation, asked for: it stays
    assert "Harwick" in feature.panel.passage.toPlainText()
    model.set_meta(model.rowCount() - 1, "another change of the newest reply")
    assert "Harwick" in feature.panel.passage.toPlainText()


def test_nothing_relevant_is_said_in_the_chat_and_to_the_model(
    qtbot, app, docs: Path, tiny_gguf: Path, tmp_path: Path
) -> None:
    _ask_with_the_harbour_notes(
        qtbot, app, docs, tiny_gguf, "Explain quantum chromodynamics of gluons", max_tokens=8
    )
    prompt = "".join(segment.text for segment in app.worker.last_plan.segments)
    assert "nothing relevant was found" in prompt and "Harbour notes" in prompt
    model = app.session.messages
    reply_row = model.rowCount() - 1
    note = model.data(model.index(reply_row, 0), _Roles.SourcesNoteRole)
    assert note.state == SourcesState.NOTHING_RELEVANT
    app.chat.chat_view.flush()
    line = app.chat.chat_view.message_widget(reply_row).sources_line
    assert line.isVisible() and "Nothing relevant" in line.note_text()
    assert model.data(model.index(reply_row, 0), _Roles.SourcesRole) == ()

    # The note is kept with the reply: reopened later it is still there, and exports say it.
    conversation = app.session.conversation_id
    app.chat.new_chat()
    assert model.rowCount() == 0
    app.history.open_conversation(conversation)
    reply_row = model.rowCount() - 1
    note = model.data(model.index(reply_row, 0), _Roles.SourcesNoteRole)
    assert note is not None and note.state == SourcesState.NOTHING_RELEVANT
    app.chat.chat_view.flush()
    line = app.chat.chat_view.message_widget(reply_row).sources_line
    assert line.isVisible() and "Nothing relevant" in line.note_text()
    assert app.history.transfers.export_conversation_to(tmp_path / "chat.md", "markdown")
    assert "*Nothing relevant was found in the attached collections" in (
        tmp_path / "chat.md"
    ).read_text(encoding="utf-8")


def test_the_meter_keeps_room_for_passages_while_collections_are_attached(
    qtbot, app, docs: Path, tiny_gguf: Path
) -> None:
    """The passages are chosen at send time; the meter counts the most they may take, so the
    prompt that is sent never exceeds what the meter showed."""
    load_tiny(qtbot, app, tiny_gguf, n_ctx=2048, temperature=0.0, max_tokens=8)
    collection = _make_collection(qtbot, app, docs)
    meter = app.chat.context_meter
    counts: list = []
    app.session.context_counted.connect(counts.append)
    app.chat.composer.set_text("When was the Harwick lighthouse first lit?")
    qtbot.waitUntil(lambda: meter.state() == MeterState.NORMAL, timeout=10_000)
    app.session.attach_collection(collection)
    qtbot.waitUntil(lambda: "document passages" in meter.text(), timeout=10_000)
    grounded = counts[-1]
    forecast = grounded.forecast
    # The worker's budget rule: what is left after the system message, the question and the
    # reply's reserve (8 tokens here), at most half the window.
    assert grounded.passage_tokens == min(2048 - 8 - forecast.smallest_tokens, 1024) > 0
    assert f"+ up to {grounded.passage_tokens:,} for document passages" in meter.text()
    assert meter.bar.extra() > 0
    app.chat.composer.set_text("")
    type_and_send(qtbot, app, "When was the Harwick lighthouse first lit?")
    qtbot.waitUntil(lambda: not app.session.is_streaming, timeout=30_000)
    sent = len(app.worker.last_plan.tokens)
    assert forecast.prompt_tokens < sent <= forecast.prompt_tokens + grounded.passage_tokens
    app.session.detach_collection(collection)
    qtbot.waitUntil(lambda: "document passages" not in meter.text(), timeout=10_000)
    app.session.context_counted.disconnect(counts.append)


def test_the_meter_says_which_turns_passages_may_push_out(
    qtbot, app, docs: Path, tiny_gguf: Path
) -> None:
    """A chat that fits on its own, but not with the passages' room: amber before sending."""

    load_tiny(qtbot, app, tiny_gguf, n_ctx=512, temperature=0.0, max_tokens=16)
    collection = _make_collection(qtbot, app, docs)
    meter = app.chat.context_meter
    app.history.open_conversation(long_conversation(app, turns=4))
    app.chat.composer.set_text("And the harbour?")
    qtbot.waitUntil(lambda: meter.state() == MeterState.NORMAL, timeout=10_000)
    counts: list = []
    app.session.context_counted.connect(counts.append)
    app.session.attach_collection(collection)
    qtbot.waitUntil(lambda: meter.state() == MeterState.OVER, timeout=10_000)
    app.session.context_counted.disconnect(counts.append)
    count = counts[-1]
    assert count.forecast.newly_dropped_turns == 0 < count.passage_dropped_turns
    assert count.forecast.prompt_tokens + count.passage_tokens > count.forecast.limit
    assert "may be left out" in meter.text()


def test_the_next_turn_sends_earlier_questions_without_their_passages(
    qtbot, app, docs: Path, tiny_gguf: Path
) -> None:
    load_tiny(qtbot, app, tiny_gguf, n_ctx=2048, temperature=0.0, max_tokens=4)
    collection = _make_collection(qtbot, app, docs)
    app.session.attach_collection(collection)
    infos: list = []
    app.session.prompt_info_changed.connect(infos.append)
    type_and_send(qtbot, app, "What does the granary at Elmsford store?")
    qtbot.waitUntil(lambda: not app.session.is_streaming, timeout=30_000)
    first_prompt = "".join(segment.text for segment in app.worker.last_plan.segments)
    type_and_send(qtbot, app, "When was the Harwick lighthouse first lit?")
    qtbot.waitUntil(lambda: not app.session.is_streaming, timeout=30_000)
    # The KV cache is reused up to the first question, which now goes without its passages.
    assert first_prompt.startswith("<|im_start|>user\nAnswer the question below")
    assert len(infos) == 2 and 0 < infos[1].reused_tokens < infos[1].prompt_tokens
    prompt = "".join(segment.text for segment in app.worker.last_plan.segments)
    assert prompt.count("Sources:") == 1  # only the current turn carries passages
    assert "What does the granary at Elmsford store?" in prompt
    assert "The granary at Elmsford stores barley" not in prompt
    assert "The Harwick lighthouse burns whale oil" in prompt


def test_stop_while_searching_sends_nothing_and_clears_the_note(
    qtbot, app, docs: Path, tiny_gguf: Path
) -> None:
    load_tiny(qtbot, app, tiny_gguf, n_ctx=2048, temperature=0.0, max_tokens=4)
    collection = _make_collection(qtbot, app, docs)
    app.session.attach_collection(collection)
    type_and_send(qtbot, app, "When was the Harwick lighthouse first lit?")
    model = app.session.messages
    reply = model.index(model.rowCount() - 1, 0)
    assert model.data(reply, _Roles.SourcesNoteRole).state == SourcesState.SEARCHING
    app.session.stop()  # before the passages come back
    assert model.data(reply, _Roles.SourcesNoteRole) is None
    qtbot.wait(300)  # the answer arrives, and is dropped
    assert app.worker.last_plan is None
    assert not app.session.is_streaming


def test_a_deleted_collection_is_not_searched(qtbot, app, docs: Path, tiny_gguf: Path) -> None:
    load_tiny(qtbot, app, tiny_gguf, n_ctx=2048, temperature=0.0, max_tokens=4)
    collection = _make_collection(qtbot, app, docs)
    app.session.attach_collection(collection)
    app.documents.delete(collection)
    qtbot.waitUntil(lambda: app.documents.collections.rowCount() == 0)
    assert app.documents_feature.chips.chips == []
    type_and_send(qtbot, app, "When was the Harwick lighthouse first lit?")
    qtbot.waitUntil(lambda: not app.session.is_streaming, timeout=30_000)
    prompt = "".join(segment.text for segment in app.worker.last_plan.segments)
    assert "Sources:" not in prompt and "nothing relevant" not in prompt
    model = app.session.messages
    assert model.data(model.index(model.rowCount() - 1, 0), _Roles.SourcesNoteRole) is None


def test_the_dialog_sets_an_embedding_model_and_keeps_it(
    qtbot, app, docs: Path, tiny_gguf: Path
) -> None:
    collection = _make_collection(qtbot, app, docs)
    dialog = _dialog(qtbot, app)
    assert "words" in dialog.embedding_label.text()
    assert not dialog.embedding_off_button.isEnabled()
    dialog.choose_embedding_file = lambda: str(tiny_gguf)
    finishing: list[str] = []
    app.documents.progress_changed.connect(
        lambda _job, progress: (
            finishing.append(dialog.progress_label.text()) if not progress.path else None
        )
    )
    with qtbot.waitSignal(app.documents.embedding_progress, timeout=60_000):
        dialog.embedding_button.click()
    # The progress row says what the wait is for ("Finishing…" stood there for minutes).
    assert finishing == ["Preparing search by meaning…"]
    assert dialog.progress_label.text() == (
        "Search by meaning: 4 of 4 passages (search by words works now)"
    )
    assert app.settings.get("documents.embedding_model") == str(tiny_gguf)
    qtbot.waitUntil(lambda: "4 of 4 passages" in dialog.embedding_label.text(), timeout=60_000)
    assert tiny_gguf.name in dialog.embedding_label.text()
    assert collection in [c.id for c in app.documents.collections.collections()]
    dialog.embedding_off_button.click()
    assert app.settings.get("documents.embedding_model") == ""
    assert "words" in dialog.embedding_label.text()


def test_the_dialog_says_when_an_embedding_model_crashes_its_test_load(
    qtbot, app, docs: Path, tiny_gguf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The probe child crashes on purpose (FAULT_ENV: no GGUF that passes the header check is
    known to crash this llama.cpp); the app lives on and the dialog says why meaning search is
    off."""
    monkeypatch.setenv(FAULT_ENV, "segfault")
    _make_collection(qtbot, app, docs)
    dialog = _dialog(qtbot, app)
    dialog.choose_embedding_file = lambda: str(tiny_gguf)
    dialog.embedding_button.click()
    qtbot.waitUntil(lambda: "cannot be used" in dialog.embedding_label.text(), timeout=60_000)
    text = dialog.embedding_label.text()
    assert "crashed llama.cpp when it was tried in a separate process (SIGSEGV)" in text
    assert not app.documents.embedder.loaded
    assert dialog.embedding_off_button.isEnabled()  # the way back to words only


def test_passages_that_do_not_fit_the_window_are_left_out_and_said_so(
    qtbot, app, tmp_path: Path, tiny_gguf: Path
) -> None:
    folder = tmp_path / "long"
    folder.mkdir()
    # Numbered, so that the two passages differ (the same text is never given twice).
    sentence = "On night {n} the Harwick lighthouse keeper polished the great lens by lamp. "
    (folder / "log.md").write_text("# Log\n\n" + "".join(sentence.format(n=n) for n in range(30)))
    load_tiny(qtbot, app, tiny_gguf, n_ctx=512, temperature=0.0, max_tokens=4)
    collection = _make_collection(qtbot, app, folder, name="Logs")
    app.session.attach_collection(collection)
    type_and_send(qtbot, app, "Who polished the lens at Harwick lighthouse?")
    qtbot.waitUntil(lambda: not app.session.is_streaming, timeout=30_000)
    prompt = "".join(segment.text for segment in app.worker.last_plan.segments)
    assert "Sources:" not in prompt  # ~1,500-character passages cannot fit 512 byte tokens
    model = app.session.messages
    row = model.index(model.rowCount() - 1, 0)
    note = model.data(row, _Roles.SourcesNoteRole)
    assert note.state == SourcesState.LEFT_OUT and note.count == 2  # 400 words: 2 passages
    app.chat.chat_view.flush()
    line = app.chat.chat_view.message_widget(model.rowCount() - 1).sources_line
    assert "did not fit in the context window" in line.note_text()

    # Reopened, the reply still says how many passages were left out.
    conversation = app.session.conversation_id
    app.chat.new_chat()
    app.history.open_conversation(conversation)
    note = model.data(model.index(model.rowCount() - 1, 0), _Roles.SourcesNoteRole)
    assert note == SourcesNote(SourcesState.LEFT_OUT, 2)
    app.chat.chat_view.flush()
    line = app.chat.chat_view.message_widget(model.rowCount() - 1).sources_line
    assert line.note_text().startswith("2 passage")  # (the English plural is in en.ts)
    assert app.history.transfers.export_conversation_to(tmp_path / "chat.json", "json")
    generation = json.loads((tmp_path / "chat.json").read_text())["messages"][-1]["generation"]
    assert (generation["documents_note"], generation["passages_left_out"]) == ("left-out", 2)


def test_document_list_models_pass_the_model_tester(qtmodeltester) -> None:
    from desktop.core.conversation import MessageSource
    from desktop.documents.index import CollectionInfo, IndexedFile
    from desktop.documents.passages import UnreadableReason
    from desktop.documents.qt.collections import CollectionListModel, FileListModel
    from desktop.documents.qt.sources_panel import SourceListModel

    collections = CollectionListModel()
    qtmodeltester.check(collections)
    collections.set_collections([CollectionInfo(1, "Notes", ("/d",), 2, 1, 5, None)])
    qtmodeltester.check(collections)
    assert collections.data(collections.index(0, 0)) == "Notes"
    files = FileListModel()
    files.set_files(
        1,
        [
            IndexedFile("/d/a.md", 10, 0, 3, None, ""),
            IndexedFile("/d/b.pdf", 10, 0, 0, UnreadableReason.NO_TEXT, "scanned"),
        ],
    )
    qtmodeltester.check(files)
    assert files.data(files.index(1, 0)) == (
        "b.pdf · Unreadable: holds no text (a scan without OCR?)"
    )
    assert files.data(files.index(1, 0), Qt.ItemDataRole.ToolTipRole) == "/d/b.pdf\nscanned"
    sources = SourceListModel()
    sources.set_sources([MessageSource(2, "/d/b.pdf", 4), MessageSource(1, "/d/a.md")])
    qtmodeltester.check(sources)
    assert sources.data(sources.index(0, 0)) == "[1] a.md"
    assert sources.data(sources.index(1, 0)) == "[2] b.pdf, p. 4"


def test_a_follow_up_without_words_of_its_own_searches_with_the_previous_question(
    qtbot, app, docs: Path, tiny_gguf: Path
) -> None:
    _ask_with_the_harbour_notes(qtbot, app, docs, tiny_gguf)
    type_and_send(qtbot, app, "Tell me more about that, please.")
    qtbot.waitUntil(lambda: not app.session.is_streaming, timeout=30_000)
    model = app.session.messages
    sources = model.data(model.index(model.rowCount() - 1, 0), _Roles.SourcesRole)
    assert [Path(s.file).name for s in sources][:1] == ["harbour.md"]
    prompt = "".join(segment.text for segment in app.worker.last_plan.segments)
    assert "Question: Tell me more about that, please." in prompt
    # A new topic with words of its own is not answered from the previous one.
    type_and_send(qtbot, app, "Explain quantum chromodynamics")
    qtbot.waitUntil(lambda: not app.session.is_streaming, timeout=30_000)
    row = model.index(model.rowCount() - 1, 0)
    assert model.data(row, _Roles.SourcesRole) == ()
    assert model.data(row, _Roles.SourcesNoteRole).state == SourcesState.NOTHING_RELEVANT


def test_a_new_collection_is_not_attached_to_chats_that_had_a_deleted_one(
    qtbot, app, docs: Path, tiny_gguf: Path
) -> None:
    load_tiny(qtbot, app, tiny_gguf, n_ctx=2048, temperature=0.0, max_tokens=4)
    old = _make_collection(qtbot, app, docs, "Old notes")
    app.session.attach_collection(old)
    type_and_send(qtbot, app, "Hello")
    qtbot.waitUntil(lambda: not app.session.is_streaming, timeout=30_000)
    conversation = app.session.conversation_id
    app.chat.new_chat()
    app.documents.delete(old)
    qtbot.waitUntil(lambda: app.documents.collections.rowCount() == 0)
    new = _make_collection(qtbot, app, docs, "New notes")
    app.history.open_conversation(conversation)
    assert new not in app.session.attached
    assert app.documents_feature.chips.chips == []


def test_an_imported_chat_is_not_attached_to_this_folders_collections(
    qtbot, app, docs: Path, tiny_gguf: Path, tmp_path: Path
) -> None:
    """Collection ids belong to the documents index the chat was exported from: in another
    data folder the same id is another collection."""
    collection = _ask_with_the_harbour_notes(qtbot, app, docs, tiny_gguf)
    assert app.history.transfers.export_conversation_to(tmp_path / "chat.json", "json")
    exported = json.loads((tmp_path / "chat.json").read_text())
    assert exported["settings"]["collections"] == [collection]
    app.chat.new_chat()
    before = {c.id for c in app.store.list_conversations()}
    assert import_chats(qtbot, app, tmp_path / "chat.json") == 1
    (imported,) = {c.id for c in app.store.list_conversations()} - before
    assert "collections" not in app.store.conversation_settings(imported)
    app.history.open_conversation(imported)
    assert app.session.attached == ()
    model = app.session.messages
    assert model.data(model.index(1, 0), _Roles.SourcesRole)  # its sources are kept


def test_collection_questions_show_names_as_plain_text(qtbot, monkeypatch, tmp_path) -> None:
    from PySide6.QtCore import Qt

    from desktop.documents.qt.collections import DocumentCollections
    from desktop.documents.qt.collections_dialog import CollectionsDialog
    from tests.fixtures.message_boxes import HOSTILE_NAME, capture_message_boxes

    shown = capture_message_boxes(monkeypatch)
    documents = DocumentCollections(tmp_path, start=False)
    try:
        dialog = CollectionsDialog(documents)
        qtbot.addWidget(dialog)
        assert not dialog.confirm("Delete collection", f"Delete “{HOSTILE_NAME}”?")
        assert shown[0].textFormat() == Qt.TextFormat.PlainText
    finally:
        documents.shutdown()

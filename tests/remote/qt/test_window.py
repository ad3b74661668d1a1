"""The whole window against a real OpenAI-compatible server no one here wrote: llama-cpp-python's
own server on 127.0.0.1 with the tiny model (tests/remote/conftest.py). Add the server in the
model manager, choose its model, then stream, stop, regenerate, edit into a branch and export;
a fault shows its words in the chat without losing what was written."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt

from desktop.chat.context_plan import OverflowStrategy
from desktop.core.conversation import FinishReason, Role
from desktop.core.remote import locator_host, remote_locator
from desktop.remote.servers import Preset
from desktop.store.export import ExportConversation, export_conversation
from tests.fixtures.fake_openai import FakeOpenAI
from tests.fixtures.llama_server import RunningServer
from tests.fixtures.window import long_conversation, rows, type_and_send
from tests.remote.conftest import KEY


def choose_server_model(
    qtbot, app, base_url: str, preset: Preset, max_tokens: int = 24, n_ctx: int | None = None
) -> str:
    """Adds the server in the Servers tab and chooses its first model, as a user does;
    ``n_ctx``: the model's Context length setting, what the engine assumes of a server that
    does not say its own (llama-cpp-python's does not)."""
    manager = app.remote.show_servers()
    panel = app.remote.panel
    assert panel is not None and manager.tabs.currentWidget() is panel
    panel.add_server("Box", base_url, preset)
    qtbot.waitUntil(lambda: panel.model_list.count() > 0, timeout=20_000)
    locator = str(panel.model_list.currentItem().data(Qt.ItemDataRole.UserRole))
    key = app.models.model_key(locator)
    app.settings.set("sampling.max_tokens", max_tokens, key)
    if n_ctx is not None:
        app.settings.set("model.n_ctx", n_ctx, key)
    panel.use_button.click()
    qtbot.waitUntil(lambda: app.session.model_info is not None, timeout=20_000)
    return locator


def finished(app) -> bool:
    return not app.session.is_streaming


def stored(app) -> list:
    """The shown branch as stored (finish reasons, generation info)."""
    return list(app.session.state.path)


def test_a_chat_on_a_real_server(qtbot, app, llama_server: RunningServer, tmp_path) -> None:
    locator = choose_server_model(qtbot, app, llama_server.base_url, Preset.LLAMA_SERVER)
    host = locator_host(llama_server.base_url)
    assert locator == remote_locator(llama_server.base_url, llama_server.model)
    info = app.session.model_info
    assert info.host == host
    # Where the chat runs: the status bar, the picker and the note above the chat say the host.
    assert host in app.models.backend_label.text()
    assert host in app.models.picker.button.text()
    assert host in app.window.banner.text()

    type_and_send(qtbot, app, "Hello there")
    qtbot.waitUntil(lambda: finished(app) and len(rows(app)) == 2, timeout=30_000)
    first = stored(app)[1]
    assert first.role == Role.ASSISTANT and first.content
    assert first.finish_reason in (FinishReason.STOP, FinishReason.LENGTH)
    assert first.generation.model_file == locator  # the server and the model, recorded

    # Regenerate: a second version beside the first.
    assert app.session.regenerate()
    qtbot.waitUntil(lambda: finished(app), timeout=30_000)
    conversation = app.session.conversation_id
    replies = [m for m in app.store.export_tree(conversation)[2] if m.role == Role.ASSISTANT]
    assert len(replies) == 2

    # Edit the question: a branch.
    assert app.session.edit(0, "Hello again")
    qtbot.waitUntil(lambda: finished(app), timeout=30_000)
    assert rows(app)[0].content == "Hello again" and rows(app)[1].content

    # Exports record the server and the model.
    summary, settings, messages = app.store.export_tree(conversation)
    export = ExportConversation(summary, settings, tuple(messages))
    markdown = export_conversation(export, "markdown")
    assert host in markdown and Path(llama_server.model).name in markdown
    data = json.loads(export_conversation(export, "json"))
    assert locator in json.dumps(data)


def test_stop_closes_the_stream(qtbot, app) -> None:
    """Stop in the window while the server is mid-reply. Why our own server: the tiny model on
    llama-cpp-python's server writes its whole reply in milliseconds, and asked for a long
    reply (max_tokens 400 and more) that server sent no event at all within 10 s here, so no
    test could press Stop while it streams; this server sends a first piece and then waits
    until the client goes."""
    with FakeOpenAI() as fake:
        fake.reply("slow", kind="stall", pieces=("The story",))
        fake.scripts.pop("ok")
        locator = choose_server_model(qtbot, app, fake.base_url, Preset.LLAMA_SERVER)
        type_and_send(qtbot, app, "Tell me a long story")
        qtbot.waitUntil(lambda: bool(rows(app)[-1].content), timeout=20_000)
        app.session.stop()
        qtbot.waitUntil(lambda: finished(app), timeout=5_000)
        assert fake.disconnected.wait(5.0)  # the socket was shut: the server stops too
    reply = stored(app)[-1]
    assert reply.finish_reason == FinishReason.CANCELLED
    assert reply.content == "The story"  # what arrived is kept
    assert reply.generation.model_file == locator
    assert app.window.error_box is None


def test_a_fault_is_worded_and_nothing_is_lost(qtbot, app) -> None:
    # Why our own server: a real one cannot be made to cut a stream on demand.
    with FakeOpenAI() as fake:
        fake.reply("cut", kind="cut", pieces=("Half an", " answer"))
        fake.scripts.pop("ok")
        choose_server_model(qtbot, app, fake.base_url, Preset.VLLM)
        type_and_send(qtbot, app, "Question <b>kept</b>")
        qtbot.waitUntil(lambda: finished(app) and app.window.error_box is not None, timeout=20_000)
    reply = stored(app)[-1]
    assert rows(app)[0].content == "Question <b>kept</b>"
    assert reply.content == "Half an answer" and reply.finish_reason == FinishReason.ERROR
    box = app.window.error_box
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert "cut in the middle of the reply" in box.text()
    # The stored rows say the same after a reopen.
    assert app.session.open_conversation(app.session.conversation_id)
    assert rows(app)[-1].content == "Half an answer"


def test_a_server_that_is_down_is_said_when_choosing(qtbot, app) -> None:
    with FakeOpenAI() as fake:
        url = fake.base_url
        fake.reply("m")
        choose_server_model(qtbot, app, url, Preset.OLLAMA)
    app.session.unload_model()
    qtbot.waitUntil(lambda: app.session.model_info is None, timeout=10_000)
    app.models.load_model(remote_locator(url, "m"))  # the server has gone meanwhile
    qtbot.waitUntil(lambda: app.window.error_box is not None, timeout=20_000)
    assert "does not answer" in app.window.error_box.text()


def test_the_meter_says_about_without_a_tokenizer(qtbot, app, llama_server: RunningServer) -> None:
    choose_server_model(qtbot, app, llama_server.base_url, Preset.OTHER)
    app.chat.composer.editor.setPlainText("How long is this message?")
    qtbot.waitUntil(lambda: "about" in app.chat.context_meter.text(), timeout=10_000)
    assert "Estimated" in app.chat.context_meter.label.toolTip()


def test_answers_from_documents_on_a_real_server(
    qtbot, app, llama_server: RunningServer, tmp_path: Path
) -> None:
    """Documents with a remote model, in the window: the passage goes to the server inside the
    question, and the reply keeps its sources (stored, shown, exported) as with a local model."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "harbour.md").write_text(
        "# Harbour\n\nThe Harwick lighthouse burns whale oil and was first lit in 1847.\n"
    )
    choose_server_model(qtbot, app, llama_server.base_url, Preset.OTHER, max_tokens=8)
    dialog = app.documents_feature.show_dialog()
    qtbot.addWidget(dialog)
    documents = app.documents
    with qtbot.waitSignal(documents.index_finished, timeout=20_000):
        dialog.create_collection("Harbour notes", [folder])
    qtbot.waitUntil(lambda: documents.collections.rowCount() >= 1)
    collection = next(c.id for c in documents.collections.collections())
    app.session.attach_collection(collection)

    type_and_send(qtbot, app, "When was the Harwick lighthouse first lit?")
    qtbot.waitUntil(lambda: finished(app) and len(rows(app)) == 2, timeout=30_000)

    sent = app.worker.backend.remote.last_body["messages"]
    assert "The Harwick lighthouse burns whale oil" in sent[-1]["content"]
    reply = stored(app)[-1]
    assert reply.role == Role.ASSISTANT and reply.finish_reason != FinishReason.ERROR
    assert [Path(source.file).name for source in reply.sources] == ["harbour.md"]
    assert rows(app)[0].content == "When was the Harwick lighthouse first lit?"
    app.chat.chat_view.flush()
    assert "harbour.md" in app.chat.chat_view.message_widget(1).sources_line.text()
    assert app.history.transfers.export_conversation_to(tmp_path / "chat.md", "markdown")
    assert "harbour.md, Harbour" in (tmp_path / "chat.md").read_text()


def test_a_long_chat_keeps_a_running_summary_on_a_real_server(
    qtbot, app, llama_server: RunningServer
) -> None:
    """A chat longer than the remote model's window, with "Summarize oldest turns": the server
    writes the summary of what falls out, the window shows it, and the next request carries it
    in place of the turns it covers."""
    choose_server_model(qtbot, app, llama_server.base_url, Preset.OTHER, max_tokens=8, n_ctx=256)
    conversation = long_conversation(app, turns=12)
    assert app.session.open_conversation(conversation)
    app.session.set_overflow(OverflowStrategy.SUMMARIZE)

    type_and_send(qtbot, app, "And the last question?")
    qtbot.waitUntil(lambda: finished(app), timeout=60_000)

    summary = app.chat.summary_note.summary()
    assert summary is not None and summary.content.strip()
    assert app.chat.summary_note.isVisible()
    sent = app.worker.backend.remote.last_body["messages"]
    assert summary.content.strip() in sent[0]["content"]
    assert "Old question 0 " not in json.dumps(sent)  # summarized, not sent again
    assert stored(app)[-1].role == Role.ASSISTANT and stored(app)[-1].content


def test_a_servers_models_are_in_the_model_picker(qtbot, app, llama_server: RunningServer) -> None:
    """Issue 19's gap: the picker at the top of the chat lists the server's models (asked off
    the GUI thread when it opens) and choosing one loads it as the Servers tab does."""
    from desktop.remote.servers import ServerEntry

    app.remote.servers.add(ServerEntry.new("Box", llama_server.base_url, Preset.LLAMA_SERVER))
    locator = remote_locator(llama_server.base_url, llama_server.model)
    with qtbot.waitSignal(app.remote.picker_source.sections_changed, timeout=20_000):
        app.models.fill_model_menu()  # what opening the picker does
        texts = [a.text() for a in app.models.picker.menu.actions()]
        assert f"Asking {locator_host(llama_server.base_url)}…" in texts
    app.models.fill_model_menu(refresh=False)
    (entry,) = (a for a in app.models.picker.entry_actions() if a.data() == locator)
    assert entry.text().startswith(llama_server.model)
    app.settings.set("sampling.max_tokens", 8, app.models.model_key(locator))
    entry.trigger()
    qtbot.waitUntil(lambda: app.session.model_info is not None, timeout=20_000)
    assert app.session.model_info.path == locator
    assert locator_host(llama_server.base_url) in app.models.picker.button.text()
    assert locator in str(app.settings.get("model.recent")).splitlines()


def test_a_servers_models_are_in_the_library_beside_the_files(
    qtbot, app, llama_server: RunningServer
) -> None:
    """The model manager's Library lists each server's models under the server (issue 19),
    and choosing one there loads it."""
    from desktop.remote.servers import ServerEntry

    app.remote.servers.add(ServerEntry.new("Box", llama_server.base_url, Preset.LLAMA_SERVER))
    locator = remote_locator(llama_server.base_url, llama_server.model)
    manager = app.models.show_model_manager()
    servers = manager.library.servers
    qtbot.waitUntil(lambda: locator in servers.locators(), timeout=20_000)
    assert servers.isVisibleTo(manager.library)
    assert servers.topLevelItem(0).text(0).startswith("Box")
    app.settings.set("sampling.max_tokens", 8, app.models.model_key(locator))
    item = servers.topLevelItem(0).child(0)
    servers.itemActivated.emit(item, 0)
    qtbot.waitUntil(lambda: app.session.model_info is not None, timeout=20_000)
    assert app.session.model_info.path == locator


def test_a_key_given_later_with_edit(qtbot, app, keyed_llama_server: RunningServer) -> None:
    """A server that wants a key, added without one (as a user who did not know): the Servers
    tab says a key is wanted and where to give it, Edit… takes it, the models come, and the
    chat works. The key is kept apart from servers.json and settings.json."""
    url = keyed_llama_server.base_url
    app.remote.show_servers()
    panel = app.remote.panel
    panel.ask_file_consent = lambda: True  # the tests have no keychain: the private file
    entry = panel.add_server("Keyed", url, Preset.LLAMA_SERVER)
    qtbot.waitUntil(lambda: "wants an API key" in panel.status.text(), timeout=20_000)
    assert "Edit…" in panel.status.text()
    assert panel.model_list.count() == 0 and panel.edit_button.isEnabled()

    panel.edit_server(entry.id, "Keyed", url, Preset.LLAMA_SERVER, KEY)
    qtbot.waitUntil(lambda: panel.model_list.count() > 0, timeout=20_000)
    assert app.remote.servers.get(entry.id).has_key
    data_dir = app.remote.servers.path.parent
    assert KEY not in app.remote.servers.path.read_text()
    assert KEY not in (data_dir / "settings.json").read_text()

    locator = str(panel.model_list.currentItem().data(Qt.ItemDataRole.UserRole))
    app.settings.set("sampling.max_tokens", 8, app.models.model_key(locator))
    panel.use_button.click()
    qtbot.waitUntil(lambda: app.session.model_info is not None, timeout=20_000)
    type_and_send(qtbot, app, "Hello with a key")
    qtbot.waitUntil(lambda: finished(app) and len(rows(app)) == 2, timeout=30_000)
    assert stored(app)[-1].finish_reason != FinishReason.ERROR
    assert app.window.error_box is None


def test_a_wrong_key_is_worded_without_codes(qtbot, app, keyed_llama_server: RunningServer) -> None:
    """Choosing a model with a wrong key: the sentence points to Edit…, and the server's own
    words follow as they came (not "auth: 401 ...")."""
    app.remote.show_servers()
    panel = app.remote.panel
    panel.ask_file_consent = lambda: True
    url = keyed_llama_server.base_url
    panel.add_server("Keyed", url, Preset.LLAMA_SERVER, "not-the-key")
    qtbot.waitUntil(lambda: "refused the API key" in panel.status.text(), timeout=20_000)
    app.models.load_model(remote_locator(url, keyed_llama_server.model))
    qtbot.waitUntil(lambda: app.window.error_box is not None, timeout=20_000)
    text = app.window.error_box.text()
    assert "refused the API key" in text and "Edit…" in text
    assert "HTTP 401: Invalid API key" in text and "auth:" not in text

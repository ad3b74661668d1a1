"""ModelsFeature on a bare shell with a stand-in session: what it installs and how it maps
settings to loads and replies; the real window's model flows are in tests/shell."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, Signal

from desktop.chat.protocol import LoadFailure, LoadProblem, ModelInfo
from desktop.chat.qt.session import ChatSettings
from desktop.core.conversation import Role
from desktop.core.remote import remote_locator
from desktop.core.settings import Settings
from desktop.engine.llama import LoadOptions
from desktop.engine.starter import NOT_INSTALLED, STARTER_FILE_NAME
from desktop.models.picker import PickerEntry, PickerSection
from desktop.models.qt.feature import ModelsFeature
from desktop.models.qt.model_messages import ModelMessages, template_display_name
from desktop.shell.main_window import MainWindow
from tests.fixtures.model_info import model_info as info


class FakeSession(QObject):
    """The part of ChatSession the models feature uses (ModelSession)."""

    loading_changed = Signal(bool)
    load_progress = Signal(float)
    model_changed = Signal(object)
    load_failed = Signal(object)
    conversation_opened = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.model_info: ModelInfo | None = None
        self.settings: object = None
        self.is_loading = False
        self.loads: list[tuple[str, LoadOptions]] = []
        self.applied = 0

    def load_model(self, path: str, options: LoadOptions) -> None:
        self.loads.append((path, options))

    def unload_model(self) -> None:
        self.model_info = None

    def cancel_load(self) -> None:
        pass

    def apply_conversation_settings(self) -> None:
        self.applied += 1

    def remember_conversation_settings(self) -> None:
        pass


@dataclass
class Summary:
    """The part of a conversation summary the offer reads (conversation_opened's value)."""

    model_file: str


@dataclass
class Installed:
    shell: MainWindow
    session: FakeSession
    feature: ModelsFeature
    errors: list[tuple[str, str]] = field(default_factory=list)


@pytest.fixture
def models(qtbot, tmp_path: Path) -> Installed:
    shell = MainWindow(Settings(tmp_path / "settings.json"))
    qtbot.addWidget(shell)
    session = FakeSession()
    feature = ModelsFeature(session, shell.settings, ChatSettings)
    feature.install(shell)
    installed = Installed(shell, session, feature)
    shell.show_error = lambda title, text: installed.errors.append((title, text))
    return installed


def test_it_installs_its_menu_entries_welcome_page_and_status(models: Installed) -> None:
    shell, feature = models.shell, models.feature
    file_entries = [a.text() for a in shell.menu("file").actions() if not a.isSeparator()]
    assert file_entries[:4] == [
        "&Models…",
        "&Open model file…",
        "Use the &starter model",
        "&Unload model",
    ]
    assert feature.model_settings_action in shell.menu("chat").actions()
    assert shell.pages.widget(0) is feature.welcome
    assert feature.picker.button.text() == "Choose a model"
    assert not shell.status_bar.isAncestorOf(feature.picker)
    assert not feature.unload_action.isEnabled()  # nothing loaded yet
    assert feature.offer_bar.isHidden()


def test_load_maps_the_settings_to_load_options(models: Installed) -> None:
    settings = models.shell.settings
    settings.set("model.n_ctx", 3072, "big.gguf")
    settings.set("model.gpu_layers", "12", "big.gguf")
    models.feature.load_model("/m/big.gguf")
    ((path, options),) = models.session.loads
    assert path == "/m/big.gguf"
    assert (options.n_ctx, options.n_gpu_layers) == (3072, 12)
    assert models.feature.model_key("") == STARTER_FILE_NAME


def test_a_loaded_model_sets_the_chat_settings_label_and_banner(models: Installed) -> None:
    settings = models.shell.settings
    settings.set("sampling.temperature", 0.25, "tiny.gguf")
    models.feature.load_model("/m/tiny.gguf")
    loaded = info(template_origin="builtin:gemma")
    models.session.model_info = loaded
    models.session.model_changed.emit(loaded)
    chat = models.session.settings
    assert isinstance(chat, ChatSettings) and chat.sampling.temperature == 0.25
    assert models.session.applied == 1
    assert settings.get("model.path") == "/m/tiny.gguf"
    assert models.feature.picker.button.text() == "Tiny · Q8_0 · 12 MB"
    assert "Gemma" in models.shell.banner.text()
    assert models.feature.unload_action.isEnabled()
    assert models.feature.loaded_chat_settings() == chat
    assert models.feature.about_lines()[0] == "Model: Tiny"
    models.session.model_info = None
    models.session.model_changed.emit(None)
    assert models.shell.banner.text() == "" and models.feature.loaded_chat_settings() is None


def test_load_failures_are_explained_but_a_cancel_is_not(models: Installed) -> None:
    session = models.session
    session.load_failed.emit(LoadFailure(LoadProblem.CANCELLED, "/m/x.gguf", ""))
    assert models.errors == []
    session.load_failed.emit(
        LoadFailure(LoadProblem.BAD_FILE, "/m/x.gguf", "detail", gguf_problem="truncated")
    )
    ((title, text),) = models.errors
    assert title == "Could not load the model"
    assert "“x.gguf” is incomplete" in text
    # The check's English sentence (``message``) says the same; it is not repeated (issue 17).
    assert "detail" not in text
    session.load_failed.emit(
        LoadFailure(LoadProblem.BAD_FILE, "/m/y.gguf", "detail", gguf_problem="new_problem")
    )
    assert models.errors[-1][1].endswith("detail")  # a problem without words keeps it


def test_two_files_with_the_same_name_are_told_apart_in_the_picker(models: Installed) -> None:
    """Issue 17, defect 8: two different models both showed as "<general.name> · F32"."""
    for path in ("/m/first.gguf", "/m/second.gguf"):
        models.feature.load_model(path)
        loaded = info(path=path, name="Held-out", quantization="F32")
        models.session.model_info = loaded
        models.session.model_changed.emit(loaded)
    assert models.feature.picker.button.text() == "Held-out · F32 · 12 MB · second.gguf"
    models.feature.load_model("/m/first.gguf")
    loaded = info(path="/m/first.gguf", name="Held-out", quantization="F32")
    models.session.model_info = loaded
    models.session.model_changed.emit(loaded)
    assert models.feature.picker.button.text() == "Held-out · F32 · 12 MB · first.gguf"


@pytest.mark.parametrize(
    ("problem", "words"),
    [
        (LoadProblem.STARTER_MISSING, "starter model is not installed"),
        (LoadProblem.NOT_ENOUGH_MEMORY, "not enough memory"),
        (LoadProblem.LLAMA_CRASHED, "crashed llama.cpp"),
        (LoadProblem.TEMPLATE, "chat template that cannot be used"),
        (LoadProblem.LLAMA_FAILED, "could not load"),
    ],
)
def test_every_load_problem_has_its_words(qapp, problem: LoadProblem, words: str) -> None:
    detail = NOT_INSTALLED if problem is LoadProblem.STARTER_MISSING else "detail"
    text = ModelMessages().load_failure(LoadFailure(problem, "/m/x.gguf", detail))
    assert words in text


def test_a_full_disk_on_first_start_is_not_called_a_missing_starter(qapp) -> None:
    """The real reason ([Errno 28]) reaches the user (issue 16 item 16)."""
    reason = "The disk is full: the starter model could not be unpacked into “/m” (No space)."
    text = ModelMessages().load_failure(
        LoadFailure(LoadProblem.STARTER_MISSING, "/m/x.gguf", reason)
    )
    assert "not installed" not in text and text.endswith(reason)


def test_the_bad_file_dialog_says_it_once(qapp, not_gguf_file) -> None:
    """Issue 17, defect 8: the translated sentence was followed by the check's English one,
    which said the same thing again."""
    from desktop.engine.gguf_check import GgufCheckError, check_gguf

    try:
        check_gguf(not_gguf_file)
    except GgufCheckError as error:
        failure = LoadFailure(LoadProblem.BAD_FILE, str(not_gguf_file), str(error), error.problem)
    text = ModelMessages().load_failure(failure)
    assert text.count("is not a GGUF model file") == 1
    assert text == f"“{not_gguf_file.name}” is not a GGUF model file."


def test_template_names_and_tooltip(qapp) -> None:
    assert template_display_name("builtin:llama3:fallback") == "Llama 3"
    tooltip = ModelMessages().tooltip(info(template_origin="builtin:chatml"))
    assert "ChatML" in tooltip and "Context: 512 of 2048 tokens" in tooltip


def test_a_reopened_chat_offers_its_model(models: Installed, tmp_path: Path) -> None:
    used = tmp_path / "used.gguf"
    used.write_bytes(b"GGUF")

    models.session.model_info = info(path=str(tmp_path / "loaded.gguf"))
    models.session.conversation_opened.emit(Summary(str(used)))
    assert not models.feature.offer_bar.isHidden()
    assert models.feature.offer_label.text() == "This chat used used.gguf."
    models.feature.load_offered_model()
    assert models.session.loads[-1][0] == str(used)
    models.session.conversation_opened.emit(None)
    assert models.feature.offer_bar.isHidden()


def test_a_reopened_chat_on_a_servers_model_names_it_and_its_host(models: Installed) -> None:
    """The offer names a server's model as the rest of the window does (model @ host), not by
    its raw locator (which a 980-pixel bar cut off in the middle of the model's path)."""

    models.session.model_info = info()
    locator = "http://localhost:8811/v1#/srv/models/gemma-3-270m-q4_k_m.gguf"
    models.session.conversation_opened.emit(Summary(locator))
    assert not models.feature.offer_bar.isHidden()
    text = models.feature.offer_label.text()
    assert text == "This chat used gemma-3-270m-q4_k_m.gguf @ localhost:8811."
    models.feature.load_offered_model()
    assert models.session.loads[-1][0] == locator


def test_the_offer_goes_when_its_model_is_chosen_another_way(models: Installed) -> None:
    """Seen live: the chat's server model chosen in the Servers tab (or the picker) left the
    bar offering to load the model that was now loaded."""

    models.session.model_info = info()
    locator = "http://localhost:8811/v1#m.gguf"
    models.session.conversation_opened.emit(Summary(locator))
    assert not models.feature.offer_bar.isHidden()
    models.feature.load_model(locator)  # as the Servers tab's "Chat with this model" does
    loaded = info(path=locator, host="localhost:8811")
    models.session.model_info = loaded
    models.session.model_changed.emit(loaded)
    assert models.feature.offer_bar.isHidden()


def test_a_chat_opened_while_its_model_loads_offers_nothing(
    models: Installed, tmp_path: Path
) -> None:
    """At start-up the last chat opens while its model (here the same file) still loads: the
    offer waits for the load's end and then sees the model is the chat's."""
    used = tmp_path / "used.gguf"
    used.write_bytes(b"GGUF")

    session = models.session
    session.is_loading = True
    session.loading_changed.emit(True)
    session.conversation_opened.emit(Summary(str(used)))
    assert models.feature.offer_bar.isHidden()  # not yet: the load may be this very model
    session.is_loading = False
    session.model_info = info(path=str(used))
    session.loading_changed.emit(False)
    assert models.feature.offer_bar.isHidden()

    # Before the first load has even started (the app waits for the backend), the same.
    session.model_info = None
    session.conversation_opened.emit(Summary(str(used)))
    assert models.feature.offer_bar.isHidden()
    session.loading_changed.emit(True)
    session.model_info = info(path=str(used))
    session.loading_changed.emit(False)
    assert models.feature.offer_bar.isHidden()

    # Another model finished loading instead: now the chat offers its own.
    other = tmp_path / "other.gguf"
    session.is_loading = True
    session.conversation_opened.emit(Summary(str(used)))
    session.is_loading = False
    session.model_info = info(path=str(other))
    session.loading_changed.emit(False)
    assert not models.feature.offer_bar.isHidden()
    assert models.feature.offer_label.text() == "This chat used used.gguf."
    # Dismissed, it stays dismissed when a later load ends.
    models.feature.offer_bar.hide()
    session.loading_changed.emit(True)
    session.loading_changed.emit(False)
    assert models.feature.offer_bar.isHidden()


def test_another_start_asking_for_a_model_loads_it(models: Installed) -> None:
    models.shell.raise_window("/m/asked.gguf")
    assert models.session.loads[-1][0] == "/m/asked.gguf"


def test_the_models_tab_is_a_settings_page(qtbot, models: Installed) -> None:
    models.shell.show_app_settings()
    dialog = models.shell.app_settings_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.tabs.tabText(1) == "Models"
    (page,) = dialog.pages
    assert set(page.values()) == {
        "model.n_ctx",
        "model.gpu_layers",
        "model.threads",
        "chat.overflow",
        "chat.prepare_while_typing",
        "engine.rpc_servers",
    }
    dialog.close()


class FakeSource(QObject):
    """A PickerSource as the remote feature's: one server's models, asked for on opening."""

    sections_changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.refreshed = 0
        self.sections = [PickerSection("Box — gpu:8000", note="Asking gpu:8000…")]

    def picker_sections(self) -> list[PickerSection]:
        return self.sections

    def refresh_picker(self) -> None:
        self.refreshed += 1


def test_the_picker_is_at_the_top_of_the_chat_not_in_the_status_bar(models: Installed) -> None:
    shell, picker = models.shell, models.feature.picker
    assert shell.header.isAncestorOf(picker)
    assert not shell.status_bar.isAncestorOf(picker)
    assert shell.status_bar.isAncestorOf(models.feature.backend_label)


def test_the_picker_follows_a_load_its_progress_and_its_failure(models: Installed) -> None:
    picker, session = models.feature.picker, models.session
    models.feature.load_model("/m/big.gguf")
    session.loading_changed.emit(True)
    assert picker.button.text() == "big.gguf" and not picker.progress.isHidden()
    session.load_progress.emit(0.5)
    assert picker.progress.value() == 500
    session.loading_changed.emit(False)
    session.load_failed.emit(
        LoadFailure(LoadProblem.BAD_FILE, "/m/big.gguf", "detail", gguf_problem="truncated")
    )
    assert picker.progress.isHidden() and picker.button.text() == "Choose a model"
    assert picker.failure.text() == "Could not load big.gguf"
    assert "incomplete" in picker.failure.toolTip()
    models.feature.load_starter()
    session.loading_changed.emit(True)
    assert picker.failure.isHidden() and picker.button.text() == "Gemma 3 270M"
    loaded = info(path="/m/starter.gguf", name="Gemma 3 270M (demo)", is_demo=True)
    session.model_info = loaded
    session.loading_changed.emit(False)
    session.model_changed.emit(loaded)
    assert picker.button.text() == "Gemma 3 270M · Q8_0 · 12 MB"  # the chip says "Demo"
    assert not picker.demo_chip.isHidden()
    session.loading_changed.emit(True)
    session.loading_changed.emit(False)  # cancelled: the loaded model shows again
    session.load_failed.emit(LoadFailure(LoadProblem.CANCELLED, "/m/x.gguf", ""))
    assert picker.button.text() == "Gemma 3 270M · Q8_0 · 12 MB" and picker.failure.isHidden()


@pytest.mark.qt_log_ignore(r"This plugin does not support (raise\(\)|grabbing the keyboard)")
def test_the_drop_down_lists_recent_library_and_source_models(
    models: Installed, tmp_path: Path
) -> None:
    feature, settings = models.feature, models.shell.settings
    library = tmp_path / "library"
    library.mkdir()
    for name in ("a.gguf", "b.gguf"):
        (library / name).write_bytes(b"GGUF" + b"\0" * 3_000)
    elsewhere = tmp_path / "elsewhere.gguf"
    elsewhere.write_bytes(b"GGUF")
    settings.set("library.models_dir", str(library))
    # What loaded before: a file inside the library, then one outside it.
    for path in (str(library / "b.gguf"), str(elsewhere)):
        feature.load_model(path)
        loaded = info(path=path)
        models.session.model_info = loaded
        models.session.model_changed.emit(loaded)
    source = FakeSource()
    feature.add_picker_source(source)
    feature.fill_model_menu()
    assert source.refreshed == 1
    texts = [a.text() for a in feature.picker.menu.actions() if not a.isSeparator()]
    assert texts == [
        "Recent",
        "elsewhere.gguf\t4 bytes",
        "b.gguf\t3.0 kB",
        "In your library",
        "a.gguf\t3.0 kB",  # b.gguf is under Recent already
        "Box — gpu:8000",
        "Asking gpu:8000…",
        "&Open model file…",
        "Manage models…",
        *(
            ["Use the &starter model"]
            if feature.starter_action in feature.picker.menu.actions()
            else []
        ),
    ]
    checked = [a.text() for a in feature.picker.menu.actions() if a.isChecked()]
    assert checked == ["elsewhere.gguf\t4 bytes"]
    # The server's answer arrives while the drop-down is open: it is filled again.
    source.sections = [
        PickerSection("Box — gpu:8000", (PickerEntry("http://gpu:8000/v1#qwen", "qwen"),))
    ]
    feature.picker.menu.popup(feature.picker.mapToGlobal(feature.picker.rect().bottomLeft()))
    assert source.refreshed == 2  # opening asks again
    source.sections_changed.emit()
    assert source.refreshed == 2  # refilled from what is known, not asked again
    (remote,) = (a for a in feature.picker.entry_actions() if a.text() == "qwen")
    feature.picker.menu.close()
    remote.trigger()
    assert models.session.loads[-1][0] == "http://gpu:8000/v1#qwen"
    manage = next(a for a in feature.picker.menu.actions() if a.text() == "Manage models…")
    assert manage is feature.manage_action


def test_choosing_a_library_model_loads_it(models: Installed, tmp_path: Path) -> None:
    library = tmp_path / "library"
    library.mkdir()
    (library / "a.gguf").write_bytes(b"GGUF")
    models.shell.settings.set("library.models_dir", str(library))
    models.feature.fill_model_menu()
    (entry,) = models.feature.picker.entry_actions()
    entry.trigger()
    assert models.session.loads[-1][0] == str(library / "a.gguf")


def test_the_picker_is_in_the_windows_tab_chain(models: Installed) -> None:
    """Reachable with Tab (one stop, the button) and named for a screen reader."""
    shell, button = models.shell, models.feature.picker.button
    chain, widget = [], shell.nextInFocusChain()
    while widget is not shell and len(chain) < 500:
        chain.append(widget)
        widget = widget.nextInFocusChain()
    assert button in chain
    assert button.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert button.accessibleName() == "Choose a model"


def test_the_banner_notes_a_built_in_template_but_not_for_the_starter_model(qapp) -> None:
    """The starter model's file has no chat template and Hearthside's Gemma format is the one it
    was made for: the first start's banner says only that it is a demo."""
    messages = ModelMessages()
    plain = messages.notes(info(template_origin="builtin:gemma"))
    assert "has no chat template" in plain and "Gemma" in plain
    starter = messages.notes(info(template_origin="builtin:gemma", is_demo=True))
    assert starter.startswith("Demo model:") and "chat template" not in starter


def test_the_next_start_does_not_offer_the_last_chat_its_own_model(
    qtbot, private_data_dir: Path, tiny_gguf: Path
) -> None:
    """The whole window, started as `hearthside` is: the last chat opens before its model
    (the one used last) has even started loading; the chat used that model, so nothing is
    offered once it has loaded. It offered to load the very model being loaded."""
    from desktop.app import create
    from desktop.store.conversations import ConversationStore

    private_data_dir.mkdir(parents=True, exist_ok=True)
    store = ConversationStore.open(private_data_dir / "hearthside.db")
    conversation = store.create_conversation("Earlier", model_file=str(tiny_gguf)).id
    store.add_message(conversation, None, Role.USER, "hello")
    store.close()
    settings = Settings(private_data_dir / "settings.json")
    settings.set("chat.last_conversation", conversation)
    settings.set("model.path", str(tiny_gguf))
    settings.set("model.n_ctx", 512, tiny_gguf.name)
    settings.save()

    app = create(private_data_dir)
    qtbot.addWidget(app.window)
    try:
        app.window.show()
        assert app.session.conversation_id == conversation
        app.load_initial_model(None)
        qtbot.waitUntil(lambda: app.session.model_info is not None, timeout=30_000)
        assert app.session.model_info.path == str(tiny_gguf)
        assert app.models.offer_bar.isHidden()
    finally:
        app.shutdown()


def test_the_welcome_page_says_a_model_is_loading_instead_of_asking_for_one(
    models: Installed,
) -> None:
    """At the first start the starter loads by itself: the page must not say "Load a model"
    meanwhile, nor offer the starter it is already loading."""
    welcome, session = models.feature.welcome, models.session
    asking = welcome.text.text()
    assert "Load a model" in asking
    models.feature.load_starter()
    session.loading_changed.emit(True)
    assert welcome.text.text() == "Loading Gemma 3 270M… The chat opens when it is ready."
    assert not welcome.starter_button.isEnabled()
    assert welcome.open_button.isEnabled()  # opening another file replaces the load
    session.loading_changed.emit(False)
    session.load_failed.emit(LoadFailure(LoadProblem.CANCELLED, "", ""))
    assert welcome.text.text() == asking
    models.feature.load_model("/m/big.gguf")
    session.loading_changed.emit(True)
    assert welcome.text.text().startswith("Loading big.gguf…")


def test_without_gpu_offload_the_recommendation_is_never_a_large_model(
    models: Installed,
) -> None:
    """The wiring of the CPU cap (its rule is tested in tests/models/test_catalog.py): on a
    computer with the RAM for a large model, a CPU-only one is offered at most a medium one."""
    models.shell.gpu_offload = False
    pick = models.feature.recommended.pick()
    assert pick is None or pick.size_class != "large"


def test_the_library_marks_the_model_the_chat_loaded(
    qtbot, models: Installed, tmp_path: Path
) -> None:
    loaded = tmp_path / "models" / "chat.gguf"
    models.session.model_info = info(path=str(loaded))
    models.session.model_changed.emit(models.session.model_info)
    manager = models.feature.show_model_manager()
    qtbot.addWidget(manager)
    assert manager.library.model.loaded_path == str(loaded.resolve())
    models.session.model_info = None
    models.session.model_changed.emit(None)
    assert manager.library.model.loaded_path == ""
    models.session.model_info = info(path=remote_locator("http://host:8080/v1", "model"))
    models.session.model_changed.emit(models.session.model_info)
    assert manager.library.model.loaded_path == ""  # a server's model is not in the library

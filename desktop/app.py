"""Composition root: QApplication, settings, the inference thread, the window, shutdown order.

Only this module sees every layer. Shutdown order is fixed: cancel, then quit(), then wait(),
then free the model, so no native call is running when the process exits.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QLibraryInfo,
    QLocale,
    QMetaObject,
    QObject,
    Qt,
    QThread,
    QTimer,
    QTranslator,
    Slot,
)
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop import APP_NAME, __version__, resources_dir
from desktop.api.qt.feature import ServerFeature
from desktop.chat.qt.feature import ChatFeature
from desktop.chat.qt.inference_worker import InferenceWorker
from desktop.chat.qt.session import ChatSession, ChatSettings
from desktop.core.private_files import create_private_file, make_private_dir, tighten_tree
from desktop.core.settings import Settings, default_data_dir
from desktop.documents.qt.collections import DB_FILE_NAME as DOCUMENTS_DB_FILE
from desktop.documents.qt.collections import DocumentCollections
from desktop.documents.qt.feature import DocumentsFeature
from desktop.engine.llama import BackendInfo
from desktop.engine.starter import starter_folder, starter_installed
from desktop.history.qt.feature import HistoryFeature
from desktop.models.qt.feature import ModelsFeature
from desktop.models.settings_map import extra_folders, models_folder
from desktop.qtkit.gui_gc import GuiThreadCollector
from desktop.qtkit.icons import keep_icon_files_in
from desktop.qtkit.plain_text import plain_message_box
from desktop.qtkit.termination import QuitOnTermination
from desktop.qtkit.theme import Appearance
from desktop.qtkit.threads import finish_thread
from desktop.remote.qt.feature import RemoteFeature
from desktop.remote.switch import EngineSwitch
from desktop.shell.crash import CrashHandler
from desktop.shell.main_window import MainWindow
from desktop.shell.single_instance import SingleInstance
from desktop.store.conversations import ConversationStore
from desktop.store.sqlite import DatabaseLocked

if TYPE_CHECKING:
    from desktop.api.protocol import RequestListener, ServerConfig
    from desktop.api.qt.controller import ServerLike
    from desktop.models.qt.download_worker import DownloadWorker
    from desktop.models.qt.services import ModelServices


RESOURCES_DIR = resources_dir()

FIRST_FRAME_FALLBACK_MS = 200
# Exit waits this long for a reply being generated to stop (a native call ends its token).
INFERENCE_EXIT_WAIT_MS = 15_000
"""A window that is never painted (hidden, or a test that does not show it) starts the
background work after this long anyway."""


class AfterFirstFrame(QObject):
    """Runs ``call`` once, on the event loop's next turn after ``window`` first painted itself
    (or after FIRST_FRAME_FALLBACK_MS if it is not painted by then). Deleted with the window.

    The worker threads start there, so their own start-up (llama.cpp's import on the inference
    thread, the document index's on its threads) competes for the GIL with the GUI thread only
    once the first frame is on screen, never while the window is being built and painted.
    """

    def __init__(self, call: Callable[[], None], window: QWidget) -> None:
        super().__init__(window)
        self._call: Callable[[], None] | None = call
        self._window: QWidget | None = window
        window.installEventFilter(self)
        QTimer.singleShot(FIRST_FRAME_FALLBACK_MS, self, self.run)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Paint:
            self._forget_window()
            QTimer.singleShot(0, self, self.run)  # once the paint has been flushed
        return False

    @property
    def pending(self) -> bool:
        """Whether ``call`` has yet to run (the start-up benchmark's "settled" figure waits)."""
        return self._call is not None

    def _forget_window(self) -> None:
        if self._window is not None:
            self._window.removeEventFilter(self)
            self._window = None

    @Slot()
    def run(self) -> None:
        call, self._call = self._call, None
        self._forget_window()
        if call is not None:
            call()


def app_icon() -> QIcon:
    """The window and taskbar icon, from the PNG sizes resources/make_icons.py renders."""
    icon = QIcon()
    for png in sorted((RESOURCES_DIR / "icons").glob("hearthside-*.png")):
        icon.addFile(str(png))
    return icon


@dataclass
class Hearthside:
    """The running app's parts, so tests can drive exactly what users get."""

    data_dir: Path
    settings: Settings
    store: ConversationStore
    worker: InferenceWorker
    inference_thread: QThread
    session: ChatSession
    window: MainWindow
    """The shell; the features below installed themselves into it."""
    chat: ChatFeature
    models: ModelsFeature
    history: HistoryFeature
    models_dir: Path
    first_run: bool = False
    """The data folder had no settings: the hardware check chose the defaults."""
    download_worker: DownloadWorker | None = None
    """With :attr:`download_thread`, made by :meth:`model_services` on first use."""
    download_thread: QThread | None = None
    documents: DocumentCollections | None = None
    documents_feature: DocumentsFeature | None = None
    server: ServerFeature | None = None
    """The local API server's window parts; the server runs on the window's engine host."""
    remote: RemoteFeature | None = None
    """The user's remote servers (the Servers tab, the remote engine)."""
    collector: GuiThreadCollector | None = None
    """Runs Python's cycle collection on the GUI thread (see desktop/qtkit/gui_gc.py)."""
    backend: BackendInfo | None = None
    """What llama.cpp was built with; None until the inference thread has imported it."""
    _after_backend: list[Callable[[], None]] = field(default_factory=list)
    _model_services: ModelServices | None = None
    _closed: bool = False

    def model_services(self) -> ModelServices:
        """The model manager's long-lived side: the download queue, its worker and thread.

        Made when the manager first opens (the models feature asks through
        ``make_model_services``):
        the first frame needs none of it, and unfinished downloads wait paused until the user
        resumes them there anyway."""
        if self._model_services is None:
            from desktop.models.qt.download_worker import DownloadWorker
            from desktop.models.qt.services import ModelServices

            thread = QThread()
            thread.setObjectName("downloads")
            worker = DownloadWorker(parallel=int(self.settings.get("downloads.parallel")))
            worker.moveToThread(thread)
            self.download_worker, self.download_thread = worker, thread
            self._model_services = ModelServices(
                self.settings,
                self.models_dir,
                self.data_dir / "library-cache.json",
                worker,
                self.window,
            )
            if not self._closed:
                thread.start()
        return self._model_services

    def start_background(self) -> None:
        """Starts the worker threads (commands sent before wait in their queues) and asks the
        inference thread for llama.cpp's backend; :func:`create` leaves this for
        :class:`AfterFirstFrame`. Does nothing after :meth:`shutdown` or a second time."""
        if self._closed or self.inference_thread.isRunning():
            return
        self.inference_thread.start()
        if self.documents is not None:
            self.documents.start()
        if self.server is not None:
            self.server.start_if_enabled()  # Edit › Settings › Local server is on
        QMetaObject.invokeMethod(
            self.worker, "on_backend_requested", Qt.ConnectionType.QueuedConnection
        )

    def on_backend_known(self, backend: object) -> None:
        """The inference thread named the backend (after the first frame): the window shows
        it, a first run stores its hardware defaults, and a waiting initial load starts."""
        if self.backend is not None or not isinstance(backend, BackendInfo):
            return
        self.backend = backend
        if self.first_run:
            first_run_defaults(self.settings, backend)
        waiting = list(self._after_backend)
        self._after_backend.clear()
        for call in waiting:
            call()

    def when_backend_known(self, call: Callable[[], None]) -> None:
        """Runs ``call`` now if the backend is known, else as soon as it is."""
        if self.backend is not None:
            call()
        else:
            self._after_backend.append(call)

    def announce_first_run(self) -> None:
        """Says where the hardware-based defaults are; call once the window is shown (a status
        message shown earlier would not hide the status bar's labels and overlap them)."""
        if self.first_run:
            self.window.statusBar().showMessage(
                QCoreApplication.translate(
                    "MainWindow",
                    "Settings were chosen for this computer's memory and processor; "
                    "Edit › Settings shows them.",
                ),
                15_000,
            )

    def load_initial_model(self, model: Path | None) -> None:
        """--model, else the model used last time, else the starter model, else the welcome.

        Waits for the backend: "auto" GPU layers and a first run's defaults depend on it."""
        self.when_backend_known(lambda: self._load_initial_model(model))

    def _load_initial_model(self, model: Path | None) -> None:
        if model is not None:
            self.models.load_model(str(model))
            return
        last = str(self.settings.get("model.path"))
        if last and Path(last).is_file():
            self.models.load_model(last)
        elif starter_installed():
            self.models.load_starter()

    def make_api_server(self, config: ServerConfig, listener: RequestListener) -> ServerLike:
        """The API server on the window's engine host: the window and the API are two clients
        of one engine. Imported here: the HTTP stack is not for the first frame."""
        from desktop.api.server import ApiServer
        from desktop.api.vector_source import VectorSourceEmbedder

        assert self.server is not None
        documents = self.documents
        return ApiServer(
            self.worker.host,
            config,
            model_info=self.server.current_model_info,
            embedder=VectorSourceEmbedder(documents.embedder) if documents is not None else None,
            listener=listener,
        )

    def shutdown(self) -> None:
        self._closed = True
        if self.server is not None:
            self.server.shutdown()  # replies in progress are cancelled; waits at most 5 s
        if self.documents is not None:
            self.documents.shutdown()  # stops indexing, within a file too
        if self.download_worker is not None and self.download_thread is not None:
            # Cancel (pause every transfer; parts stay for the next start), quit, wait.
            self.download_worker.shutdown()
            finish_thread(self.download_thread)
        self.chat.keep_draft()  # the unsent message (a quit by signal closes no window)
        self.history.shutdown()  # an export in progress stops and removes what it wrote
        self.session.stop()
        self.session.cancel_load()
        if finish_thread(self.inference_thread, INFERENCE_EXIT_WAIT_MS):
            # The thread has finished; the model is freed on the engine host's thread. Its
            # "unloaded" would now be delivered at once, into widgets that are being taken
            # down (a quit by SIGTERM crashed in the picker once): nobody needs it any more.
            self.worker.blockSignals(True)
            self.worker.on_unload_requested()
        # The host then ends, bounded: a stuck native call cannot hold the quit for long.
        self.worker.close()
        self.window.remember_state(self.history.state_to_remember())
        self.store.close()
        if self.collector is not None:
            self.collector.stop()  # the worker threads have ended: Python may collect anywhere


def starter_dir_for(settings: Settings, models_dir: Path, data_dir: Path) -> Path:
    """Where the starter model is, or goes: a verified copy wherever one already is (the folder
    it went into last time, remembered in `model.starter_folder` whichever models folder that
    was, the default folder, the library's other folders), else the models folder. Changing the
    models folder, even from one custom folder to another, never unpacks a second copy."""
    remembered = [Path(p) for p in [str(settings.get("model.starter_folder"))] if p]
    folder = starter_folder(
        models_dir, [*remembered, data_dir / "models", *extra_folders(settings)]
    )
    settings.set("model.starter_folder", str(folder))
    return folder


def register_rpc(settings: Settings) -> None:
    """Before a local load, on the engine's thread: llama.cpp RPC servers from the settings
    (desktop/engine/rpc.py; imported only when some are listed)."""
    text = str(settings.get("engine.rpc_servers"))
    if not text.strip():
        return
    from desktop.engine.rpc import register_from_setting

    problem = register_from_setting(text)
    if problem:
        import logging

        logging.getLogger(__name__).warning("RPC servers not used: %s", problem)


def offer_recommendation(hearthside: Hearthside) -> None:
    """Names the recommended model under the welcome page's and the empty chat's button, and
    gives both pages their icons (the icon font is not for the first frame either)."""
    hearthside.models.welcome.show_icons()
    hearthside.chat.empty_chat.show_icons()
    caption = hearthside.models.recommended.caption()
    hearthside.models.welcome.set_recommendation(caption)
    hearthside.chat.empty_chat.set_recommendation(caption)


def ask_the_starter(hearthside: Hearthside, prompt: str) -> None:
    """An example prompt clicked on the welcome page (no model loaded): load the starter model,
    then send the prompt. A load that fails drops it (the failure is told as any other)."""
    session = hearthside.session
    if session.is_loading:
        return  # one load at a time; a second click while it loads would send twice

    def loaded(info: object) -> None:
        forget()
        if info is not None:
            session.send(prompt)

    def forget(*_failure: object) -> None:
        session.model_changed.disconnect(loaded)
        session.load_failed.disconnect(forget)

    session.model_changed.connect(loaded)
    session.load_failed.connect(forget)
    hearthside.models.load_starter()


def first_run_defaults(settings: Settings, backend: BackendInfo) -> dict[str, object]:
    """The hardware check: load defaults that suit this computer, stored as global settings.

    Runs once, when the data folder has no settings yet; Edit › Settings shows the reasons.
    """
    from desktop.models.hardware import detect, recommend

    defaults = recommend(detect(backend.backend, backend.gpu_offload)).as_settings()
    for key, value in defaults.items():
        settings.set(key, value)
    with contextlib.suppress(OSError):  # the next start simply checks again
        settings.save()
    return defaults


def create(data_dir: Path, settings: Settings | None = None) -> Hearthside:
    """Builds and wires every part; needs a QApplication and shows nothing.

    The data folder is made private (0700, its files 0600: desktop.core.private_files), with
    what earlier versions wrote there, before the databases are opened.
    """
    make_private_dir(data_dir)
    settings_path = data_dir / "settings.json"
    first_run = not settings_path.exists() and not settings_path.with_suffix(".json.bad").exists()
    if settings is None:
        settings = Settings(settings_path)
    tighten_tree(data_dir)  # what earlier versions wrote
    # Made 0600 before SQLite opens them, so their -wal and -shm files are 0600 too.
    for name in ("hearthside.db", DOCUMENTS_DB_FILE):
        create_private_file(data_dir / name)
    store = ConversationStore.open(data_dir / "hearthside.db")
    store.purge_trash()  # the trash keeps deleted chats for 30 days
    models_dir = models_folder(settings, data_dir)
    thread = QThread()
    thread.setObjectName("inference")
    # The engine unpacks the starter model into its folder the first time: where a verified
    # copy already is (the folder before the models folder was changed), not a second copy.
    starter_dir = starter_dir_for(settings, models_dir, data_dir)
    worker = InferenceWorker(
        starter_dir, data_dir / "probed-models.json", check_cache=data_dir / "gguf-checks.json"
    )
    worker.moveToThread(thread)  # started after the first frame (AfterFirstFrame below)
    # Replies go to the local engine or to a server's model, whichever was loaded last; set
    # before the thread starts, so no call can race it.
    remote = RemoteFeature(data_dir)
    worker.set_backend(
        EngineSwitch(worker.engine, remote.make_engine, lambda: register_rpc(settings))
    )
    session = ChatSession(worker, store)
    # The backend (and a first run's defaults, which depend on it) arrives from the inference
    # thread after the first frame: naming it imports llama.cpp.
    window = MainWindow(settings, gpu_offload=False, backend=None)
    window.backend_pending = True
    app = QApplication.instance()
    if isinstance(app, QApplication):
        window.appearance = Appearance(app, window)
    collector = GuiThreadCollector(window)  # cycles of Qt objects die on the GUI thread
    # The features install themselves into the shell and talk through small protocols: the
    # chat asks the models feature for the loaded model's settings, the history asks the chat
    # for a new chat and to show a message, citations open the documents' Sources dock, the
    # documents' chips sit in the chat's composer.
    chat = ChatFeature(session, settings, draft_path=data_dir / "draft.txt")
    models = ModelsFeature(session, settings, ChatSettings)
    history = HistoryFeature(session, chat)
    chat.model_chat_settings = models.loaded_chat_settings
    documents = DocumentCollections(
        data_dir, embedding_model=str(settings.get("documents.embedding_model")), start=False
    )
    documents_feature = DocumentsFeature(session, documents)
    server = ServerFeature(session, settings)
    # The remote feature adds the Servers tab to the model manager, its servers' models to the
    # model picker and words server faults for the chat and the models feature; none of them
    # imports it.
    servers_tab = models.add_manager_tab(remote.make_panel, RemoteFeature.tab_title())
    models.add_picker_source(remote.picker_source)
    remote.show_servers = lambda: models.show_model_manager(servers_tab)
    chat.server_fault_text = remote.fault_text
    models.server_fault_text = remote.fault_text
    for feature in (chat, models, history, documents_feature, server, remote):
        feature.install(window)
    # The Documents chip and the attached collections' chips, in the composer's card.
    chat.composer.add_chip(documents_feature.chips.button)
    chat.composer.add_attachments(documents_feature.chips)
    chat.chat_view.source_requested.connect(documents_feature.show_source)
    chat.empty_chat.download_requested.connect(models.recommended.open)
    if settings.problem:
        window.show_error(
            QCoreApplication.translate("MainWindow", "Settings were reset"), settings.problem
        )
    if store.problem is not None:
        history.show_store_problem(store.problem)
    window.restore_state()
    history.restore_state()
    hearthside = Hearthside(
        data_dir,
        settings,
        store,
        worker,
        thread,
        session,
        window,
        chat,
        models,
        history,
        models_dir,
        first_run,
        documents=documents,
        documents_feature=documents_feature,
        server=server,
        remote=remote,
        collector=collector,
    )
    server.controller.make_server = hearthside.make_api_server
    models.make_model_services = hearthside.model_services
    # Queued to the window's slot on the GUI thread, which tells the app through its signal.
    worker.backend_found.connect(window.set_backend)
    window.backend_changed.connect(hearthside.on_backend_known)
    # Which model *Download a recommended model* opens, named under the button: after the first
    # frame (the catalog and the curated list are not for start-up).
    hearthside.when_backend_known(lambda: offer_recommendation(hearthside))
    models.welcome.prompt_chosen.connect(lambda prompt: ask_the_starter(hearthside, prompt))
    # The threads start, and the backend is asked for, once the window has painted its first
    # frame: llama_cpp's import (and the index's) would otherwise compete with building and
    # painting the window for the GIL.
    AfterFirstFrame(hearthside.start_background, window)
    if window.appearance is not None:  # rounded menus: an X11 check and an app-wide filter
        AfterFirstFrame(window.appearance.popups.install, window)
    return hearthside


def translations_dir() -> Path:
    """Where the compiled translations (hearthside_<lang>.qm, made by pyside6-lrelease) are."""
    return RESOURCES_DIR / "translations"


def install_translations(app: QApplication, language: str = "system") -> list[QTranslator]:
    """Loads Hearthside's and Qt's own translations for `app.language`, when present.

    "system" follows the system locale, "en" is the built-in English, "zh_CN" Simplified
    Chinese. English is written in the code, except plurals: "%n chat(s)" needs
    hearthside_en.qm (plural forms only) to read "1 chat" / "2 chats". A missing .qm
    (pyside6-lrelease did not run) leaves the interface in English, with "(s)" plurals. A
    language without a translation of its own gets the English, plurals included.
    Returns the translators installed.
    """
    locale = QLocale.system() if language == "system" else QLocale(language)
    installed = []
    for name, folder in (
        ("hearthside", str(translations_dir())),
        ("qtbase", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
    ):
        translator = QTranslator(app)
        loaded = translator.load(locale, name, "_", folder)
        if not loaded and name == "hearthside":
            # A language we have no translation for (German, or the C locale of a bare
            # system) shows the English interface, so it needs the English plural forms too.
            loaded = translator.load(f"{name}_en", folder)
        if loaded:
            app.installTranslator(translator)
            installed.append(translator)
    return installed


def report_previous_crash(window: MainWindow, log_path: Path) -> None:
    """Tells the user the last run ended in a native crash, and where its log is."""
    window.show_error(
        QCoreApplication.translate("MainWindow", "Hearthside crashed last time"),
        QCoreApplication.translate(
            "MainWindow",
            "Hearthside stopped unexpectedly the last time it ran. Your conversations were "
            "saved as you went. If it happens again, please include this file in a bug "
            "report:\n{path}",
        ).format(path=str(log_path)),
    )


@contextlib.contextmanager
def started(
    model: Path | None = None, data_dir: Path | None = None, *, initial_model: bool = True
) -> Iterator[Hearthside | None]:
    """Everything a start does before the event loop runs, undone in order on exit.

    Yields the running app with its window shown, or None when another window already owns
    the data folder (it was asked to come forward). Work the first frame does not need (naming
    llama.cpp's backend, a first run's defaults, the initial model) is left to the inference
    thread and runs after the event loop starts. ``initial_model=False`` skips the initial
    model; the benchmark's start-up figure uses it (the load is measured on its own).
    """
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName("hearthside")  # matches resources/hearthside.desktop
    app.setWindowIcon(app_icon())
    data_dir = (data_dir or default_data_dir()).expanduser()
    make_private_dir(data_dir)
    instance = SingleInstance(data_dir)
    if not instance.claim():
        # Another window already owns this data folder: bring it forward and leave quietly.
        if not instance.notify_running(str(model.resolve()) if model is not None else ""):
            QMessageBox.warning(
                None,
                APP_NAME,
                QCoreApplication.translate(
                    "MainWindow",
                    "Hearthside is already running with this data folder, but it does not "
                    "answer. Close it (or end its process) and start Hearthside again:\n{path}",
                ).format(path=str(data_dir)),
            )
        yield None
        return
    crash = CrashHandler(data_dir / "logs")
    crash.install()
    translators: list[QTranslator] = []
    try:
        settings = Settings(data_dir / "settings.json")
        translators = install_translations(app, str(settings.get("app.language")))
        try:
            hearthside = create(data_dir, settings)
        except DatabaseLocked as locked:
            report_locked_database(locked)
            yield None
            return
        window = hearthside.window
        keep_icon_files_in(data_dir / "icons")  # the stylesheet's arrows, drawn once
        window.apply_appearance()
        crash.parent_widget = window
        instance.activation_requested.connect(window.raise_window)
        AfterFirstFrame(instance.listen, window)  # later starts reach us from then on
        window.show()
        hearthside.announce_first_run()
        if crash.previous_native_crash is not None:
            report_previous_crash(window, crash.previous_native_crash)
        if initial_model:
            hearthside.load_initial_model(model)
        termination = QuitOnTermination(app)  # a SIGTERM ends as closing the window does
        try:
            yield hearthside
        finally:
            termination.uninstall()
            hearthside.shutdown()
    finally:
        for translator in translators:  # a later start in this process chooses afresh
            app.removeTranslator(translator)
        instance.close()
        crash.uninstall()


def report_locked_database(locked: DatabaseLocked) -> None:
    """Says which program holds the history locked (nothing was set aside or changed)."""
    translate = QCoreApplication.translate
    holders = ", ".join(locked.holders) or translate("MainWindow", "another program")
    plain_message_box(
        None,
        QMessageBox.Icon.Critical,
        APP_NAME,
        translate(
            "MainWindow",
            "Your conversations cannot be opened: {holders} is using the file and keeps it "
            "locked. Close it and start Hearthside again; nothing was changed.",
        ).format(holders=holders),
        str(locked.path),
    ).exec()


def main(model: Path | None = None, data_dir: Path | None = None) -> int:
    with started(model, data_dir) as hearthside:
        if hearthside is None:
            return 0
        app = QApplication.instance()
        assert app is not None
        return app.exec()

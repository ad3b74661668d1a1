"""Composition root: QApplication, settings, the inference thread, the window, shutdown order.

Only this module sees every layer. Shutdown order is fixed: cancel, then quit(), then wait(),
then free the model, so no native call is running when the process exits.
"""

from __future__ import annotations

import contextlib
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QThread, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from desktop import APP_NAME, __version__
from desktop.core.hardware import detect, recommend
from desktop.core.settings import Settings, default_data_dir
from desktop.core.storage import ConversationStore
from desktop.engine.llama import BackendInfo, backend_info
from desktop.engine.starter import starter_installed
from desktop.ui.chat_session import ChatSession
from desktop.ui.crash import CrashHandler
from desktop.ui.documents import DocumentCollections
from desktop.ui.documents_ui import DocumentsFeature
from desktop.ui.main_window import MainWindow
from desktop.ui.model_manager import ModelServices
from desktop.ui.single_instance import SingleInstance
from desktop.ui.theme import Appearance
from desktop.workers.downloads import DownloadWorker
from desktop.workers.inference import InferenceWorker


def resources_dir() -> Path:
    """The repository's resources/ folder, or its copy inside a PyInstaller bundle."""
    if getattr(sys, "frozen", False) and hasattr(sys, "_MEIPASS"):
        return Path(sys._MEIPASS) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


RESOURCES_DIR = resources_dir()


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
    first_run: bool = False
    """The data folder had no settings: the hardware check chose the defaults."""
    download_worker: DownloadWorker | None = None
    download_thread: QThread | None = None
    documents: DocumentCollections | None = None

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
        """--model, else the model used last time, else the starter model, else the welcome."""
        if model is not None:
            self.window.load_model(str(model))
            return
        last = str(self.settings.get("model.path"))
        if last and Path(last).is_file():
            self.window.load_model(last)
        elif starter_installed():
            self.window.load_starter()

    def shutdown(self) -> None:
        if self.documents is not None:
            self.documents.shutdown()  # stops indexing between two files
        if self.download_worker is not None and self.download_thread is not None:
            # Cancel (pause every transfer; parts stay for the next start), quit, wait.
            self.download_worker.shutdown()
            self.download_thread.quit()
            self.download_thread.wait()
        self.session.stop()
        self.session.cancel_load()
        self.inference_thread.quit()
        self.inference_thread.wait()
        # The thread has finished, so freeing the model from here cannot race a native call.
        self.worker.on_unload_requested()
        self.window.remember_state()
        self.store.close()


def first_run_defaults(settings: Settings, backend: BackendInfo) -> dict[str, object]:
    """The hardware check: load defaults that suit this computer, stored as global settings.

    Runs once, when the data folder has no settings yet; Edit › Settings shows the reasons.
    """
    defaults = recommend(detect(backend.backend, backend.gpu_offload)).as_settings()
    for key, value in defaults.items():
        settings.set(key, value)
    with contextlib.suppress(OSError):  # the next start simply checks again
        settings.save()
    return defaults


def create(data_dir: Path, settings: Settings | None = None) -> Hearthside:
    """Builds and wires every part; needs a QApplication and shows nothing."""
    data_dir.mkdir(parents=True, exist_ok=True)
    settings_path = data_dir / "settings.json"
    first_run = not settings_path.exists() and not settings_path.with_suffix(".json.bad").exists()
    if settings is None:
        settings = Settings(settings_path)
    store = ConversationStore.open(data_dir / "hearthside.db")
    store.purge_trash()  # the trash keeps deleted chats for 30 days
    backend = backend_info()
    if first_run:
        first_run_defaults(settings, backend)
    models_dir = Path(str(settings.get("library.models_dir")) or data_dir / "models")
    thread = QThread()
    thread.setObjectName("inference")
    worker = InferenceWorker(models_dir, data_dir / "probed-models.json")
    worker.moveToThread(thread)
    thread.start()
    session = ChatSession(worker, store)
    download_thread = QThread()
    download_thread.setObjectName("downloads")
    downloader = DownloadWorker(parallel=int(settings.get("downloads.parallel")))
    downloader.moveToThread(download_thread)
    download_thread.start()
    window = MainWindow(session, settings, backend.gpu_offload, backend)
    window.model_services = ModelServices(
        settings, models_dir, data_dir / "library-cache.json", downloader, window
    )
    app = QApplication.instance()
    if isinstance(app, QApplication):
        window.appearance = Appearance(app, window)
    if settings.problem:
        window.show_error(
            QCoreApplication.translate("MainWindow", "Settings were reset"), settings.problem
        )
    if store.problem is not None:
        window.show_store_problem(store.problem)
    documents = DocumentCollections(
        data_dir, embedding_model=str(settings.get("documents.embedding_model"))
    )
    DocumentsFeature.install(window, documents)
    window.restore_state()
    return Hearthside(
        data_dir,
        settings,
        store,
        worker,
        thread,
        session,
        window,
        first_run,
        downloader,
        download_thread,
        documents,
    )


def translations_dir() -> Path:
    """Where the compiled translations (hearthside_<lang>.qm, made by pyside6-lrelease) are."""
    return RESOURCES_DIR / "translations"


def install_translations(app: QApplication, language: str = "system") -> list[QTranslator]:
    """Loads Hearthside's and Qt's own translations for `app.language`, when present.

    "system" follows the system locale, "en" is the built-in English, "zh_CN" Simplified
    Chinese. A missing .qm (pyside6-lrelease did not run) leaves the interface in English.
    Returns the translators installed.
    """
    if language == "en":
        return []
    locale = QLocale.system() if language == "system" else QLocale(language)
    installed = []
    for name, folder in (
        ("hearthside", str(translations_dir())),
        ("qtbase", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
    ):
        translator = QTranslator(app)
        if translator.load(locale, name, "_", folder):
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


def main(model: Path | None = None, data_dir: Path | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName("hearthside")  # matches resources/hearthside.desktop
    app.setWindowIcon(app_icon())
    data_dir = (data_dir or default_data_dir()).expanduser()
    data_dir.mkdir(parents=True, exist_ok=True)
    instance = SingleInstance(data_dir)
    if not instance.claim():
        # Another window already owns this data folder: bring it forward and leave quietly.
        instance.notify_running(str(model.resolve()) if model is not None else "")
        return 0
    crash = CrashHandler(data_dir / "logs")
    crash.install()
    try:
        settings = Settings(data_dir / "settings.json")
        install_translations(app, str(settings.get("app.language")))
        hearthside = create(data_dir, settings)
        window = hearthside.window
        window.apply_appearance()
        crash.parent_widget = window
        instance.activation_requested.connect(window.raise_window)
        window.show()
        hearthside.announce_first_run()
        if crash.previous_native_crash is not None:
            report_previous_crash(window, crash.previous_native_crash)
        hearthside.load_initial_model(model)
        try:
            return app.exec()
        finally:
            hearthside.shutdown()
    finally:
        instance.close()
        crash.uninstall()

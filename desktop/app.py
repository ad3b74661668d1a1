"""Composition root: QApplication, settings, the inference thread, the window, shutdown order.

Only this module sees every layer. Shutdown order is fixed: cancel, then quit(), then wait(),
then free the model, so no native call is running when the process exits.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QThread, QTranslator
from PySide6.QtWidgets import QApplication

from desktop import APP_NAME, __version__
from desktop.core.settings import Settings, default_data_dir
from desktop.core.storage import ConversationStore
from desktop.engine.llama import backend_info
from desktop.engine.starter import starter_installed
from desktop.ui.chat_session import ChatSession
from desktop.ui.main_window import MainWindow
from desktop.workers.inference import InferenceWorker

RESOURCES_DIR = Path(__file__).resolve().parent.parent / "resources"


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
        self.session.stop()
        self.session.cancel_load()
        self.inference_thread.quit()
        self.inference_thread.wait()
        # The thread has finished, so freeing the model from here cannot race a native call.
        self.worker.on_unload_requested()
        self.window.remember_state()
        self.store.close()


def create(data_dir: Path) -> Hearthside:
    """Builds and wires every part; needs a QApplication and shows nothing."""
    data_dir.mkdir(parents=True, exist_ok=True)
    settings = Settings(data_dir / "settings.json")
    store = ConversationStore.open(data_dir / "hearthside.db")
    backend = backend_info()
    thread = QThread()
    thread.setObjectName("inference")
    worker = InferenceWorker(data_dir / "models", data_dir / "probed-models.json")
    worker.moveToThread(thread)
    thread.start()
    session = ChatSession(worker, store)
    window = MainWindow(session, settings, backend.gpu_offload)
    if settings.problem:
        window.show_error(window.tr("Settings were reset"), settings.problem)
    if store.problem is not None:
        window.show_store_problem(store.problem)
    window.restore_state()
    return Hearthside(data_dir, settings, store, worker, thread, session, window)


def install_translations(app: QApplication) -> None:
    """Loads Hearthside's and Qt's own translations for the system language, when present."""
    locale = QLocale.system()
    for name, folder in (
        ("hearthside", str(RESOURCES_DIR / "translations")),
        ("qtbase", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
    ):
        translator = QTranslator(app)
        if translator.load(locale, name, "_", folder):
            app.installTranslator(translator)


def main(model: Path | None = None, data_dir: Path | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    install_translations(app)
    hearthside = create(data_dir or default_data_dir())
    hearthside.window.show()
    hearthside.load_initial_model(model)
    try:
        return app.exec()
    finally:
        hearthside.shutdown()

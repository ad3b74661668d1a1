"""The model manager window: Library, Browse (Hugging Face) and Downloads tabs.

:class:`ModelServices` (in :mod:`desktop.models.qt.services`, so start-up does not import this
module) is made once by the composition root (``app.create``): it holds the models
folder, the library cache file and the
:class:`~desktop.models.qt.downloads_model.DownloadQueue` that talks to the download worker, so
downloads keep going while the manager window is closed. The window itself is made when the user
first opens it, and the Browse tab makes no network request before the user opens it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeyEvent,
    QKeySequence,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.engine.llama import gpu_memory
from desktop.models.catalog import MachineMemory, machine_memory
from desktop.models.qt.download_worker import DownloadRequest
from desktop.models.qt.downloads_panel import DownloadsPanel
from desktop.models.qt.hub_browser import HubBrowser
from desktop.models.qt.library_view import LibraryPanel
from desktop.models.qt.services import (
    BROWSE_TAB,
    DOWNLOADS_TAB,
    LIBRARY_TAB,
    ModelServices,
    dropped_models,
)
from desktop.qtkit.background_calls import BackgroundCalls
from desktop.qtkit.notice_bar import NoticeBar
from desktop.shell.single_instance import bring_to_front

__all__ = ["ModelManager", "ModelServices", "dropped_models"]


class ModelManager(QWidget):
    """A top-level window with the three tabs.

    Signals:
        load_requested(str path): the user chose a model to chat with (Library or "Load now").
    """

    load_requested = Signal(str)

    LIBRARY_TAB, BROWSE_TAB, DOWNLOADS_TAB = LIBRARY_TAB, BROWSE_TAB, DOWNLOADS_TAB

    def __init__(self, services: ModelServices, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.services = services
        self.setWindowTitle(self.tr("Models"))
        self.resize(1000, 640)
        self.setAcceptDrops(True)
        self.calls = BackgroundCalls(self)
        self._scanned_once = False
        self._vram: tuple[int, int] | None = None  # asked once: it loads llama.cpp's devices
        self._finished_path = ""
        layout = QVBoxLayout(self)
        self.banner = NoticeBar(margin=8)
        self.banner_label = self.banner.label
        self.banner_load = self.banner.add_button(self.tr("Load now"), self.load_finished_download)
        self.banner.add_button(self.tr("Dismiss"), self.banner.hide)
        layout.addWidget(self.banner)
        self.tabs = QTabWidget()
        self.library = LibraryPanel(
            services.settings,
            services.models_dir,
            services.cache_file,
            self.calls,
            lambda: self.machine(),  # late-bound, so a test can give another machine
        )
        self.browser = HubBrowser(
            services.settings, services.models_dir, self.calls, lambda: self.machine()
        )
        self.downloads = DownloadsPanel(services.downloads)
        self.tabs.addTab(self.library, self.tr("&Library"))
        self.tabs.addTab(self.browser, self.tr("&Browse"))
        self.tabs.addTab(self.downloads, self.tr("&Downloads"))
        self.tabs.currentChanged.connect(self.on_tabs_current_changed)
        layout.addWidget(self.tabs, 1)
        self.library.load_requested.connect(self.request_load)
        self.downloads.load_requested.connect(self.request_load)
        self.library.browse_requested.connect(self.show_browse_tab)
        self.downloads.browse_requested.connect(self.show_browse_tab)
        self.browser.download_requested.connect(self.on_browser_download_requested)
        rows = services.downloads.model
        for changed in (rows.rowsInserted, rows.rowsRemoved, rows.modelReset, rows.dataChanged):
            changed.connect(self.count_downloads)
        self.count_downloads()
        services.downloads.download_finished.connect(self.on_downloads_download_finished)
        services.downloads.download_failed.connect(self.on_downloads_download_failed)
        for ended in (
            services.downloads.download_finished,
            services.downloads.download_failed,
            services.downloads.download_cancelled,
        ):
            ended.connect(self.browser.on_download_ended)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Close), self, self.close)

    # -- opening --

    def machine(self) -> MachineMemory:
        """This computer's memory now: RAM from psutil, VRAM from llama.cpp's GPU devices
        (none on a CPU-only build, and then fit marks judge RAM alone)."""
        if self._vram is None:
            self._vram = gpu_memory() or (0, 0)
        free, total = self._vram
        return machine_memory(total or None, free or None)

    def open_tab(self, tab: int) -> None:
        """Show the window on ``tab``; the library is listed the first time it is shown."""
        self.tabs.setCurrentIndex(tab)
        if tab == self.BROWSE_TAB:
            self.browser.activate()
        bring_to_front(self)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._scanned_once:
            self._scanned_once = True
            self.library.rescan()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Esc closes the window, as it closes a dialog; a part that uses Esc itself (an open
        drop-down, a search box) takes it first."""
        if event.key() == Qt.Key.Key_Escape and not event.modifiers():
            self.close()
            event.accept()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing hides the window; downloads keep going (they belong to the services)."""
        event.accept()

    @Slot()
    def show_browse_tab(self) -> None:
        """The empty Library's and Downloads' *Browse models*."""
        self.tabs.setCurrentIndex(self.BROWSE_TAB)

    @Slot(int)
    def on_tabs_current_changed(self, tab: int) -> None:
        if tab == self.BROWSE_TAB:
            self.browser.activate()

    # -- loading --

    @Slot(str)
    def request_load(self, path: str) -> None:
        self.load_requested.emit(path)
        self.hide()  # the chat window shows the load progress

    def load_finished_download(self) -> None:
        if self._finished_path:
            self.banner.hide()
            self.request_load(self._finished_path)

    # -- downloads --

    @Slot(object)
    def on_browser_download_requested(self, request: DownloadRequest) -> None:
        self.services.downloads.request(request)
        self.downloads.select(request.id)

    @Slot()
    def count_downloads(self, *_args: object) -> None:
        """The Downloads tab names how many downloads are not done: those left by the last
        run too (it said nothing of them), and no longer the finished ones."""
        count = self.downloads.unfinished_count()
        text = (
            self.tr("&Downloads ({count})").format(count=count) if count else self.tr("&Downloads")
        )
        if self.tabs.tabText(self.DOWNLOADS_TAB) != text:
            self.tabs.setTabText(self.DOWNLOADS_TAB, text)

    @Slot(str, str)
    def on_downloads_download_finished(self, download_id: str, path: str) -> None:
        self._finished_path = path
        row = self.services.downloads.model.row(download_id)
        title = row.title if row is not None else Path(path).name
        self.banner_label.setText(self.tr("{name} is downloaded and verified.").format(name=title))
        self.banner_load.show()
        self.banner.show()
        self.library.rescan()

    @Slot(str, str)
    def on_downloads_download_failed(self, download_id: str, reason: str) -> None:
        row = self.services.downloads.model.row(download_id)
        title = row.title if row is not None else download_id
        self.banner_label.setText(
            self.tr("{name} did not download: {reason}").format(name=title, reason=reason)
        )
        self.banner_load.hide()
        self.banner.show()

    # -- drag and drop --

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_models(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_models(event)
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.tabs.setCurrentIndex(self.LIBRARY_TAB)
        # Ask (copy or in place) after the drop returns: a modal box inside a drop handler
        # leaves some desktops' drag state stuck.
        QTimer.singleShot(0, self, lambda: self.library.import_files(paths))

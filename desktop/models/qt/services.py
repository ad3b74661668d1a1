"""The long-lived, light side of the model manager: folders and the download queue.

Kept apart from :mod:`desktop.models.qt.manager` so the main window imports nothing of the
manager's tabs (the hub client, the GGUF reader, the Markdown model cards). The composition root
makes :class:`ModelServices` (and the download thread) when the manager is first opened, so the
first frame imports neither the queue nor the transfer code.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QDragEnterEvent, QDropEvent

from desktop.core.settings import Settings

if TYPE_CHECKING:
    from desktop.models.qt.download_worker import DownloadWorker

__all__ = ["BROWSE_TAB", "DOWNLOADS_TAB", "LIBRARY_TAB", "ModelServices", "dropped_models"]

LIBRARY_TAB, BROWSE_TAB, DOWNLOADS_TAB = range(3)
"""The model manager's tabs, in order."""


def dropped_models(event: QDragEnterEvent | QDropEvent) -> list[Path]:
    """The local .gguf files in a drag, for any window that accepts model drops."""
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [
        Path(url.toLocalFile())
        for url in mime.urls()
        if url.isLocalFile() and url.toLocalFile().lower().endswith(".gguf")
    ]


class ModelServices(QObject):
    """The long-lived side of the manager (GUI thread): folders and the download queue.

    Signals:
        None of its own; see :attr:`downloads` (a :class:`DownloadQueue`).
    """

    def __init__(
        self,
        settings: Settings,
        models_dir: Path,
        cache_file: Path | None,
        worker: DownloadWorker | None,
        parent: QObject | None = None,
    ) -> None:
        from desktop.models.qt.downloads_model import DownloadQueue

        super().__init__(parent)
        self.settings = settings
        self.models_dir = models_dir
        self.cache_file = cache_file
        # Unfinished downloads are listed again at the next start (paused), beside the cache.
        state_file = cache_file.parent / "downloads.json" if cache_file is not None else None
        self.downloads = DownloadQueue(worker, self, state_file)

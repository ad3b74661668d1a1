"""ModelServices and dropped_models: the manager's long-lived side, without the manager window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from desktop.core.settings import Settings
from desktop.models.qt.download_worker import DownloadFile, DownloadRequest
from desktop.models.qt.downloads_model import DownloadQueue
from desktop.models.qt.services import ModelServices, dropped_models


def _request(folder: Path) -> DownloadRequest:
    file = DownloadFile("http://127.0.0.1:9/m.gguf", folder / "m.gguf", 10, None)
    return DownloadRequest("acme/M/m.gguf", (file,), "m.gguf")


def test_unfinished_downloads_are_kept_beside_the_library_cache(
    qtbot, private_data_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(private_data_dir / "settings.json")
    cache = private_data_dir / "state" / "cache.json"
    services = ModelServices(settings, private_data_dir / "models", cache, None)
    assert isinstance(services.downloads, DownloadQueue)
    assert (services.settings, services.models_dir, services.cache_file) == (
        settings,
        private_data_dir / "models",
        cache,
    )
    services.downloads.request(_request(private_data_dir / "models"))
    assert (cache.parent / "downloads.json").is_file()
    # The next start lists it again (paused), from the same place.
    again = ModelServices(settings, private_data_dir / "models", cache, None)
    assert again.downloads.model.rowCount() == 1


def test_without_a_cache_file_nothing_is_kept(qtbot, private_data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(private_data_dir / "settings.json")
    services = ModelServices(settings, private_data_dir / "models", None, None)
    services.downloads.request(_request(private_data_dir / "models"))
    assert services.downloads.model.rowCount() == 1
    assert not list(private_data_dir.rglob("downloads.json"))
    assert ModelServices(settings, private_data_dir, None, None).downloads.model.rowCount() == 0


def _drop(mime: QMimeData) -> QDropEvent:
    """A drop of ``mime``; the caller keeps ``mime`` alive (the event does not own it)."""
    return QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )


def test_dropped_models_are_the_local_gguf_files_of_a_drag(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    files = QMimeData()
    files.setUrls(
        [
            QUrl.fromLocalFile(str(tmp_path / "a.gguf")),
            QUrl.fromLocalFile(str(tmp_path / "B.GGUF")),
            QUrl.fromLocalFile(str(tmp_path / "notes.txt")),
            QUrl("https://example.org/c.gguf"),
        ]
    )
    assert dropped_models(_drop(files)) == [tmp_path / "a.gguf", tmp_path / "B.GGUF"]
    text_only = QMimeData()
    text_only.setText("a.gguf")
    assert dropped_models(_drop(text_only)) == []

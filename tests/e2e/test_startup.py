"""Start-up does only what the first frame needs; the rest waits or runs off the GUI thread.

Checked in a fresh interpreter (this test process has imported everything already): the real
start (desktop.app.started) shows the window without importing llama.cpp, numpy, the gguf
reader, the HTTP stack or the template engine, nor the modules only dialogs, export, the hardware
check or the document index use; the worker threads start only after the window's first paint,
and the backend arrives afterwards from the inference thread, with a first run's defaults and the
initial model waiting for it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

HEAVY = (
    "llama_cpp",
    "numpy",
    "gguf",
    "httpx2",
    "httpx",
    "keyring",
    "huggingface_hub",
    "jinja2",
    "markdown_it",
)
LATER = (
    # Imported when first opened or used, never for the first frame.
    "desktop.shell.app_settings_dialog",
    "desktop.models.qt.model_settings_dialog",
    "desktop.history.qt.export_dialog",
    "desktop.history.qt.pdf_export",
    "desktop.store.export",
    "desktop.history.qt.trash_dialog",
    "desktop.shell.shortcuts_dialog",
    "desktop.api.qt.settings_page",
    # The Server and Sources docks' panels: made when the dock first shows; the server's
    # request list with its first request.
    "desktop.api.qt.server_panel",
    "desktop.api.qt.requests_model",
    "desktop.documents.qt.sources_panel",
    "desktop.documents.qt.collections_dialog",
    "desktop.models.qt.manager",
    "desktop.models.catalog",
    "desktop.models.hardware",
    # The document index and file readers: imported by the document workers on their threads.
    "desktop.documents.index",
    "desktop.documents.passages",
    "desktop.documents.extract",
    # The download queue, worker and transfer code: made when the model manager first opens.
    "desktop.models.qt.downloads_model",
    "desktop.models.qt.download_worker",
    "desktop.models.transfer",
    # The single-instance socket, after the first paint; OpenSSL at the first checksum; ctypes
    # on the inference thread.
    "PySide6.QtNetwork",
    "getpass",
    "hashlib",
    "ctypes",
    # Standard library modules that only a crash report, a probe or a log rotation need.
    "logging.handlers",
    "subprocess",
    "platform",
)

CHILD = """
import json, sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from desktop.app import started

HEAVY = json.loads(sys.argv[2])
app = QApplication(sys.argv)
report = {}
with started(None, Path(sys.argv[1]), initial_model=False) as hearthside:
    report["at_show"] = sorted(m for m in HEAVY if m in sys.modules)
    report["backend_at_show"] = hearthside.backend is not None
    threads = [hearthside.inference_thread]
    threads += hearthside.documents.threads
    report["threads_at_show"] = [t.objectName() for t in threads if t.isRunning()]
    QTimer.singleShot(0, lambda: report.setdefault(
        "threads_next_turn", [t.objectName() for t in threads if t.isRunning()]
    ))

    def check():
        if hearthside.backend is None:
            return
        timer.stop()
        report["backend"] = hearthside.backend.backend
        report["threads_later"] = [t.objectName() for t in threads if t.isRunning()]
        report["index_later"] = "desktop.documents.index" in sys.modules
        report["downloads_later"] = hearthside.download_thread is not None
        from desktop.shell.single_instance import SingleInstance

        second = SingleInstance(Path(sys.argv[1]))
        report["second_claims"] = second.claim()
        report["second_heard"] = second.notify_running("", wait_s=10)
        report["window_backend"] = hearthside.window.backend is hearthside.backend
        report["first_run"] = hearthside.first_run
        report["n_ctx_saved"] = "model.n_ctx" in hearthside.settings.path.read_text("utf-8")
        app.quit()

    timer = QTimer()
    timer.timeout.connect(check)
    timer.start(20)
    QTimer.singleShot(60_000, app.quit)
    app.exec()
print(json.dumps(report))
"""


def test_the_window_shows_before_the_heavy_libraries_load(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "data"), json.dumps(HEAVY + LATER)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["at_show"] == []
    assert not report["backend_at_show"]
    # The first turn of the loop (which the start-up benchmark waits for) comes before the first
    # paint: no worker thread has started yet, so none competes for the GIL.
    assert report["threads_at_show"] == report["threads_next_turn"] == []
    # Then the inference thread names the backend, and a first run stores its defaults.
    assert report["backend"] in {"CPU", "CUDA", "Metal", "Vulkan", "ROCm", "SYCL", "OpenCL"}
    assert report["window_backend"]
    assert sorted(report["threads_later"]) == ["documents-index", "documents-search", "inference"]
    assert not report["downloads_later"]  # made when the model manager first opens
    # The start holds the data folder, and answers a second start once its window is up.
    assert report["second_claims"] is False and report["second_heard"] is True
    assert report["index_later"]  # the index thread listed the collections
    assert report["first_run"] and report["n_ctx_saved"]


def test_an_initial_model_waits_for_the_backend(qtbot, private_data_dir: Path) -> None:
    from desktop.app import create

    hearthside = create(private_data_dir)
    qtbot.addWidget(hearthside.window)
    asked: list[str] = []
    hearthside.models.load_model = asked.append  # type: ignore[method-assign]
    model = private_data_dir / "some.gguf"
    try:
        hearthside.load_initial_model(model)
        assert hearthside.backend is None and asked == []  # not before the backend is known
        qtbot.waitUntil(lambda: asked == [str(model)], timeout=30_000)
        assert hearthside.window.backend is hearthside.backend is not None
    finally:
        hearthside.shutdown()


def test_the_download_thread_comes_with_the_model_manager(qtbot, private_data_dir: Path) -> None:
    """The first frame makes no download queue, worker or thread; the manager's first opening
    makes them once, and shutdown stops the thread."""
    from desktop.app import create

    hearthside = create(private_data_dir)
    qtbot.addWidget(hearthside.window)
    thread = None
    try:
        assert hearthside.download_thread is None and hearthside.models.model_services is None
        manager = hearthside.models.show_model_manager()
        thread = hearthside.download_thread
        assert thread is not None and thread.isRunning()
        assert hearthside.download_worker is not None
        assert hearthside.download_worker.thread() is thread
        assert manager.services is hearthside.models.model_services
        assert hearthside.model_services() is manager.services  # made once
        assert manager.services.cache_file == private_data_dir / "library-cache.json"
    finally:
        hearthside.shutdown()
    assert thread is not None and not thread.isRunning()

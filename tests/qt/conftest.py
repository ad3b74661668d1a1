"""Real worker threads and the real window for pytest-qt tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QThread

from desktop.workers.inference import InferenceWorker


@pytest.fixture
def worker(qtbot, private_data_dir: Path) -> Iterator[InferenceWorker]:
    """An InferenceWorker on its own QThread, stopped in the app's shutdown order."""
    thread = QThread()
    worker = InferenceWorker(private_data_dir / "models", private_data_dir / "probed.json")
    worker.moveToThread(thread)
    thread.start()
    yield worker
    worker.cancel_reply(1 << 30)
    worker.cancel_load(1 << 30)
    thread.quit()
    thread.wait()
    worker.on_unload_requested()


@pytest.fixture
def app(qtbot, private_data_dir: Path) -> Iterator[object]:
    """The whole app as `hearthside` builds it, with its window shown offscreen."""
    from desktop.app import create

    hearthside = create(private_data_dir)
    qtbot.addWidget(hearthside.window)
    hearthside.window.show()
    # The inference thread names llama.cpp's backend after the first frame; first-run defaults
    # and the About box wait for it.
    qtbot.waitUntil(lambda: hearthside.backend is not None, timeout=30_000)
    yield hearthside
    hearthside.shutdown()

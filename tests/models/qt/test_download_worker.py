"""DownloadWorker on a real QThread against the fake hub."""

from __future__ import annotations

import hashlib
import logging
import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QThread, Signal

from desktop.models.qt.download_worker import DownloadFile, DownloadRequest, DownloadWorker
from desktop.models.transfer import TransferError, TransferProblem
from tests.fixtures.fake_hub import FakeHub

SIZE = 1 << 20
DATA = [random.Random(i).randbytes(SIZE) for i in range(3)]


@pytest.fixture
def hub() -> Iterator[FakeHub]:
    with FakeHub() as hub:
        hub.add_repo(
            "acme/M-GGUF", {f"M-Q4_0-0000{i + 1}-of-00003.gguf": d for i, d in enumerate(DATA)}
        )
        yield hub


@pytest.fixture
def worker(qtbot) -> Iterator[DownloadWorker]:  # type: ignore[no-untyped-def]
    thread = QThread()
    worker = DownloadWorker(parallel=2, progress_interval=0.01, transfer_options={"backoff": 0.01})
    worker.moveToThread(thread)
    thread.start()
    yield worker
    thread.quit()
    thread.wait()
    worker.shutdown()


class Gui(QObject):
    """Commands sent the way the GUI sends them: queued signals into the worker's thread."""

    requested = Signal(object)
    pause = Signal(str)
    resume = Signal(str)
    cancel = Signal(str)
    # The worker's signals, relayed so they arrive queued on this (the GUI) thread.
    progress = Signal(str, "qint64", "qint64", float)
    finished = Signal(str, str)
    failed = Signal(str, str)
    state = Signal(str, str)

    def __init__(self, worker: DownloadWorker) -> None:
        super().__init__()
        worker.download_progress.connect(self.progress)
        worker.download_finished.connect(self.finished)
        worker.download_failed.connect(self.failed)
        worker.state_changed.connect(self.state)
        self.requested.connect(worker.on_download_requested)
        self.pause.connect(worker.pause)
        self.resume.connect(worker.resume)
        self.cancel.connect(worker.cancel)


def _request(hub: FakeHub, folder: Path, rid: str = "m") -> DownloadRequest:
    files = tuple(
        DownloadFile(
            hub.url("acme/M-GGUF", f"M-Q4_0-0000{i + 1}-of-00003.gguf"),
            folder / f"M-Q4_0-0000{i + 1}-of-00003.gguf",
            SIZE,
            hashlib.sha256(d).hexdigest(),
        )
        for i, d in enumerate(DATA)
    )
    return DownloadRequest(rid, files, "M Q4_0")


def test_split_model_downloads_with_progress(
    qtbot, worker: DownloadWorker, hub: FakeHub, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    progress: list[tuple[str, int, int, float]] = []
    states: list[tuple[str, str]] = []
    request = _request(hub, tmp_path)
    gui = Gui(worker)
    gui.progress.connect(lambda *a: progress.append(a))
    gui.state.connect(lambda *a: states.append(a))
    with qtbot.waitSignal(gui.finished, timeout=20_000) as finished:
        gui.requested.emit(request)
    assert finished.args == ["m", str(tmp_path / "M-Q4_0-00001-of-00003.gguf")]
    for i, d in enumerate(DATA):
        assert (tmp_path / f"M-Q4_0-0000{i + 1}-of-00003.gguf").read_bytes() == d
    assert progress and progress[-1][1] == 3 * SIZE and all(p[2] == 3 * SIZE for p in progress)
    assert states[0][1] == "queued" and states[-1] == ("m", "finished")


def test_failure_then_retry(
    qtbot, worker: DownloadWorker, hub: FakeHub, tmp_path: Path, caplog
) -> None:  # type: ignore[no-untyped-def]
    gui = Gui(worker)
    hub.inject("corrupt", "00002-of", at=10)
    with caplog.at_level(logging.WARNING), qtbot.waitSignal(gui.failed, timeout=20_000) as failed:
        gui.requested.emit(_request(hub, tmp_path))
    assert failed.args[0] == "m" and "damaged" in failed.args[1]
    # The log keeps the detail the row leaves out (issue 16 item 16).
    expected = hashlib.sha256(DATA[1]).hexdigest()
    assert f"expected {expected}" in caplog.text and "download m failed (corrupt)" in caplog.text
    with qtbot.waitSignal(gui.finished, timeout=20_000):
        gui.resume.emit("m")
    assert (tmp_path / "M-Q4_0-00002-of-00003.gguf").read_bytes() == DATA[1]


def test_pause_resume_cancel(qtbot, worker: DownloadWorker, hub: FakeHub, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    hub.rate = 2 << 20
    states: list[str] = []
    gui = Gui(worker)
    gui.state.connect(lambda _i, s: states.append(s))
    gui.requested.emit(_request(hub, tmp_path))
    qtbot.waitUntil(lambda: any(tmp_path.glob("*.part")), timeout=10_000)
    with qtbot.waitSignal(gui.state, check_params_cb=lambda i, s: s == "paused", timeout=10_000):
        gui.pause.emit("m")
    assert any(tmp_path.glob("*.part"))
    with qtbot.waitSignal(
        gui.state, check_params_cb=lambda i, s: s == "downloading", timeout=10_000
    ):
        gui.resume.emit("m")
    with qtbot.waitSignal(gui.state, check_params_cb=lambda i, s: s == "cancelled", timeout=10_000):
        gui.cancel.emit("m")
    assert not any(tmp_path.glob("*.part*"))
    assert "paused" in states and states[-1] == "cancelled"


def test_why_a_download_failed_reads_in_the_interfaces_language(
    qtbot, chinese, worker: DownloadWorker, hub: FakeHub, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """The row and the banner said the transfer's English sentence in a Chinese window."""
    gui = Gui(worker)
    hub.inject("corrupt", "00002-of", at=10)
    with qtbot.waitSignal(gui.failed, timeout=20_000) as failed:
        gui.requested.emit(_request(hub, tmp_path))
    reason = failed.args[1]
    assert re.search(r"[\u4e00-\u9fff]", reason) and "damaged" not in reason
    assert "M-Q4_0-00002-of-00003.gguf" in reason  # the file it names stays as it is


def test_every_transfer_problem_has_words(qtbot) -> None:  # type: ignore[no-untyped-def]
    worker = DownloadWorker()
    for problem in TransferProblem:
        error = TransferError(problem, "", needed_bytes=2_000_000, subject="/models")
        text = worker.failure_text(error)
        assert text and "{" not in text
    full = worker.failure_text(TransferError(TransferProblem.DISK_FULL, "", "", 2_000_000, "/m"))
    assert "2.0 MB" in full and "“/m”" in full

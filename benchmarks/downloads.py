"""Download figures: our resumable transfer and its verification against a plain GET."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import httpcore2
from PySide6.QtCore import QObject, Qt, QThread, Signal

from benchmarks.driver import Config, Results, wait_until
from desktop.models.qt.download_worker import DownloadWorker

_HTTPCORE_READ_SIZE: int = httpcore2.HTTP11Connection.READ_NUM_BYTES  # before any app download


def _plain_get(url: str, target: Path, hashed: bool = False) -> float:
    """The baseline: one plain httpx GET (redirects followed) streamed to a file, as received.
    ``hashed`` also runs sha256 over it inline: not the baseline, printed beside it to show what
    the verification itself costs on this machine."""
    import hashlib

    import httpx2

    digest = hashlib.sha256() if hashed else None
    # httpx as it comes: the app's transfer raises httpcore's read size process-wide.
    connection = httpcore2.HTTP11Connection
    tuned, connection.READ_NUM_BYTES = connection.READ_NUM_BYTES, _HTTPCORE_READ_SIZE
    try:
        started = time.perf_counter()
        with (
            httpx2.Client(follow_redirects=True) as client,
            client.stream("GET", url) as response,
            open(target, "wb", buffering=0) as f,
        ):
            response.raise_for_status()
            for chunk in response.iter_bytes():
                f.write(chunk)
                if digest is not None:
                    digest.update(chunk)
        elapsed = time.perf_counter() - started
    finally:
        connection.READ_NUM_BYTES = tuned
    target.unlink()
    return elapsed


def _app_download(worker: DownloadWorker, request: Any, size: int) -> tuple[float, float]:
    """One download through the app's DownloadWorker (on its QThread, request by queued signal,
    the transfer on its own thread, progress to the GUI). Returns (seconds from request to
    "verified", seconds from the last byte written to "verified"), timed on the threads that
    emit the signals (direct connections), so the GUI's polling does not blur them."""
    marks: dict[str, float] = {}

    def on_state(_id: str, state: str) -> None:
        if state == "verifying":  # sent right after the last byte is written
            marks.setdefault("last_byte", time.perf_counter())

    def on_finished(_id: str, _path: str) -> None:
        marks["verified"] = time.perf_counter()

    def on_failed(_id: str, reason: str) -> None:
        marks["failed"] = time.perf_counter()
        marks.setdefault("reason", reason)  # type: ignore[arg-type]

    direct = Qt.ConnectionType.DirectConnection
    worker.state_changed.connect(on_state, direct)
    worker.download_finished.connect(on_finished, direct)
    worker.download_failed.connect(on_failed, direct)
    sender = _Requester()
    sender.request.connect(worker.on_download_requested)
    try:
        started = time.perf_counter()
        sender.request.emit(request)
        wait_until(lambda: "verified" in marks or "failed" in marks, 300)
    finally:
        worker.state_changed.disconnect(on_state)
        worker.download_finished.disconnect(on_finished)
        worker.download_failed.disconnect(on_failed)
    if "failed" in marks:
        raise RuntimeError(f"download failed: {marks.get('reason')}")
    for f in request.files:
        f.path.unlink()
    total = marks["verified"] - started
    return total, marks["verified"] - marks.get("last_byte", marks["verified"])


class _Requester(QObject):
    request = Signal(object)


def measure_download(cfg: Config, res: Results, work: Path) -> None:
    """download_ratio: throughput of the app's download code (DownloadWorker → transfer:
    resume bookkeeping, sha256 as bytes arrive, verification, rename) ÷ a plain httpx GET of the
    same file from the same local fake hub, alternating, best of each. verify_tail_ratio: time
    from the last byte written to "verified" ÷ the whole download."""
    from desktop.models import transfer
    from desktop.models.qt.download_worker import DownloadFile, DownloadRequest

    hub = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.child_process", "hub", str(cfg.download_mb)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert hub.stdout is not None and hub.stdin is not None
    served = json.loads(hub.stdout.readline())
    url, size, sha = served["url"], int(served["size"]), served["sha256"]
    folder = work / "downloads"
    folder.mkdir(exist_ok=True)
    thread = QThread()
    worker = DownloadWorker(parallel=1)
    worker.moveToThread(thread)
    thread.start()
    real_write, real_digest = transfer.write_chunk, transfer.Digest.hexdigest
    if cfg.download_delay_s:

        def slow_write(f: Any, data: bytes) -> None:
            time.sleep(cfg.download_delay_s * len(data) / (1 << 20))
            real_write(f, data)

        transfer.write_chunk = slow_write  # type: ignore[assignment]
    if cfg.verify_delay_s:

        def slow_digest(self: Any) -> str:
            time.sleep(cfg.verify_delay_s)
            return real_digest(self)

        transfer.Digest.hexdigest = slow_digest  # type: ignore[method-assign]
    plain, ours, tails, hashed = [], [], [], []
    try:
        for rep in range(cfg.download_reps):
            plain.append(_plain_get(url, folder / "plain.bin"))
            hashed.append(_plain_get(url, folder / "plain.bin", hashed=True))
            request = DownloadRequest(
                f"bench-{rep}", (DownloadFile(url, folder / f"ours-{rep}.gguf", size, sha),)
            )
            total, tail = _app_download(worker, request, size)
            ours.append(total)
            tails.append(tail / total)
    finally:
        transfer.write_chunk = real_write  # type: ignore[assignment]
        transfer.Digest.hexdigest = real_digest  # type: ignore[method-assign]
        worker.shutdown()
        thread.quit()
        thread.wait()
        hub.stdin.close()
        hub.wait(30)
    best_plain, best_ours = min(plain), min(ours)
    res.figures["download_ratio"] = best_plain / best_ours  # = our throughput ÷ plain
    res.figures["verify_tail_ratio"] = tails[ours.index(best_ours)]
    mb = size / 2**20
    res.absolute["download_mb_s"] = (
        f"ours {mb / best_ours:.0f} MiB/s, plain GET {mb / best_plain:.0f} MiB/s, plain GET "
        f"with sha256 inline {mb / min(hashed):.0f} MiB/s "
        f"({mb:.0f} MiB, best of {cfg.download_reps}; all ours "
        + ", ".join(f"{mb / s:.0f}" for s in ours)
        + ")"
    )
    res.absolute["verify_tail_ms"] = tails[ours.index(best_ours)] * best_ours * 1000

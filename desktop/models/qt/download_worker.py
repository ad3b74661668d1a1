"""DownloadWorker: the download queue, on its own QThread.

The worker object lives on the ``downloads`` QThread and owns the queue; each running transfer
(``engine.transfer.download``, blocking) runs on a plain Python thread of its own so that
``downloads.parallel`` files can arrive at once while the worker stays free to take commands.
Transfer threads report through the worker's signals (queued to the GUI thread by Qt) and hand
their end back to the worker thread through ``_job_ended``, so the queue is only ever touched on
the worker thread.

A request can hold several files (the parts of a split model); they arrive one after another and
progress counts all of them. Paused and failed downloads keep their ``.part`` files, so a resume
or retry (in this run or after a restart, by requesting the same files again) continues where
the bytes stopped.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QLocale, QObject, Signal, Slot

from desktop.models.transfer import (
    TransferControl,
    TransferError,
    TransferOutcome,
    TransferProblem,
    TransferProgress,
    TransferState,
    download,
)

log = logging.getLogger(__name__)

__all__ = ["DownloadFile", "DownloadRequest", "DownloadState", "DownloadWorker"]


class DownloadState(StrEnum):
    QUEUED = "queued"
    DOWNLOADING = "downloading"
    STALLED = "stalled"  # no bytes for a while; retrying by itself
    RETRYING = "retrying"  # an attempt failed (5xx, dropped); the next one starts soon
    VERIFYING = "verifying"
    PAUSED = "paused"
    FINISHED = "finished"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class DownloadFile:
    url: str
    path: Path  # final location; the bytes arrive in <path>.part
    size: int
    sha256: str | None


@dataclass(frozen=True, slots=True)
class DownloadRequest:
    """``files[0]`` is what the library loads (the first part of a split model)."""

    id: str
    files: tuple[DownloadFile, ...]
    title: str = ""

    @property
    def total(self) -> int:
        return sum(f.size for f in self.files)


@dataclass(eq=False)
class _Job:
    request: DownloadRequest
    state: DownloadState = DownloadState.QUEUED
    control: TransferControl = field(default_factory=TransferControl)
    thread: threading.Thread | None = None


class DownloadWorker(QObject):
    """The queue. Move it to its QThread, then call the slots through queued signals.

    Signals:
        download_progress(id, bytes, total, speed): at most every ``progress_interval`` s.
        download_finished(id, path): every file verified and in place; ``path`` is files[0].
        download_failed(id, reason): a plain sentence in the interface's language
            (:meth:`failure_text`).
        state_changed(id, state): a :class:`DownloadState` value as str.
        retry_scheduled(id, seconds, cause, attempt, attempts): an attempt failed for
            ``cause`` (transfer.RetryCause or "HTTP <status>"); attempt number ``attempt`` of
            at most ``attempts`` in a row starts in ``seconds``.
    """

    download_progress = Signal(str, "qint64", "qint64", float)
    download_finished = Signal(str, str)
    download_failed = Signal(str, str)
    state_changed = Signal(str, str)
    retry_scheduled = Signal(str, float, str, int, int)
    _job_ended = Signal(str, str, str)  # id, outcome or "failed", reason

    def __init__(
        self,
        parallel: int = 2,
        progress_interval: float = 0.2,
        transfer_options: dict[str, float] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._parallel = max(1, parallel)
        self._interval = progress_interval
        self._options = dict(transfer_options or {})
        self._jobs: dict[str, _Job] = {}
        self._order: list[str] = []
        self._job_ended.connect(self._on_job_ended)

    # -- commands --

    @Slot(object)
    def on_download_requested(self, request: DownloadRequest) -> None:
        job = self._jobs.get(request.id)
        if job is not None and job.state not in _ENDED:
            return  # already queued or running
        self._jobs[request.id] = _Job(request)
        if request.id not in self._order:
            self._order.append(request.id)
        self._set_state(self._jobs[request.id], DownloadState.QUEUED)
        self._schedule()

    @Slot(str)
    def pause(self, download_id: str) -> None:
        job = self._jobs.get(download_id)
        if job is None:
            return
        if job.thread is not None:
            job.control.pause()  # the thread confirms through _job_ended
        elif job.state is DownloadState.QUEUED:
            self._set_state(job, DownloadState.PAUSED)

    @Slot(str)
    def resume(self, download_id: str) -> None:
        job = self._jobs.get(download_id)
        if job is not None and job.state in (DownloadState.PAUSED, DownloadState.FAILED):
            job.control = TransferControl()
            self._set_state(job, DownloadState.QUEUED)
            self._schedule()

    retry = resume

    @Slot(str)
    def cancel(self, download_id: str) -> None:
        job = self._jobs.get(download_id)
        if job is None or job.state in (DownloadState.FINISHED, DownloadState.CANCELLED):
            return
        if job.thread is not None:
            job.control.cancel()
        else:
            _remove_parts(job.request)
            self._set_state(job, DownloadState.CANCELLED)

    @Slot(int)
    def set_parallel(self, parallel: int) -> None:
        self._parallel = max(1, parallel)
        self._schedule()

    @Slot()
    def shutdown(self, timeout: float = 10.0) -> None:
        """Pause everything (parts are kept for the next start) and wait for the threads."""
        threads = [j.thread for j in self._jobs.values() if j.thread is not None]
        for job in self._jobs.values():
            job.control.pause()
        deadline = time.monotonic() + timeout
        for t in threads:
            t.join(max(0.0, deadline - time.monotonic()))

    def state(self, download_id: str) -> DownloadState | None:
        job = self._jobs.get(download_id)
        return job.state if job else None

    # -- the queue --

    def _schedule(self) -> None:
        running = sum(1 for j in self._jobs.values() if j.thread is not None)
        for download_id in self._order:
            if running >= self._parallel:
                return
            job = self._jobs[download_id]
            if job.state is DownloadState.QUEUED and job.thread is None:
                job.thread = threading.Thread(
                    target=self._run, args=(job,), name=f"download-{download_id}", daemon=True
                )
                self._set_state(job, DownloadState.DOWNLOADING)
                job.thread.start()
                running += 1

    def _run(self, job: _Job) -> None:
        """On the transfer thread: every file of the request in turn."""
        req = job.request
        offset = 0
        last_state = [DownloadState.DOWNLOADING]
        try:
            for f in req.files:

                def progress(p: TransferProgress, base: int = offset) -> None:
                    state = {
                        TransferState.STALLED: DownloadState.STALLED,
                        TransferState.RETRYING: DownloadState.RETRYING,
                        TransferState.VERIFYING: DownloadState.VERIFYING,
                        TransferState.DOWNLOADING: DownloadState.DOWNLOADING,
                    }.get(p.state)
                    if p.state is TransferState.RETRYING:
                        self.retry_scheduled.emit(
                            req.id, float(p.retry_in), p.cause, p.attempt, p.attempts
                        )
                    if state is not None and state is not last_state[0]:
                        last_state[0] = state
                        self.state_changed.emit(req.id, state.value)
                    self.download_progress.emit(req.id, base + p.done, req.total, p.speed)

                outcome = download(
                    f.url,
                    f.path,
                    f.size,
                    f.sha256,
                    progress=progress,
                    control=job.control,
                    progress_interval=self._interval,
                    **self._options,  # type: ignore[arg-type]
                )
                if outcome is not TransferOutcome.DONE:
                    if outcome is TransferOutcome.CANCELLED:
                        _remove_parts(req)
                    self._job_ended.emit(req.id, outcome.value, "")
                    return
                offset += f.size
        except TransferError as exc:
            # The log keeps what the row's sentence leaves out: sha256 expected and actual,
            # HTTP status, errno.
            log.warning("download %s failed (%s): %s [%s]", req.id, exc.problem, exc, exc.detail)
            self._job_ended.emit(req.id, "failed", self.failure_text(exc))
            return
        except Exception as exc:  # a bug must not leave the row spinning forever
            log.exception("download %s failed unexpectedly", req.id)
            self._job_ended.emit(req.id, "failed", f"Unexpected error: {exc!r}")
            return
        self._job_ended.emit(req.id, TransferOutcome.DONE.value, "")

    def failure_text(self, exc: TransferError) -> str:
        """Why a download stopped, in the interface's language: the transfer's own sentence is
        English, and a Chinese window showed it as it was (tr() is safe on any thread)."""
        size = QLocale().formattedDataSize(
            max(0, exc.needed_bytes), 1, QLocale.DataSizeFormat.DataSizeSIFormat
        )
        texts = {
            TransferProblem.OFFLINE: self.tr(
                "Could not connect to {subject}; check the internet connection."
            ),
            TransferProblem.NOT_FOUND: self.tr("The file is no longer on the hub."),
            TransferProblem.FORBIDDEN: self.tr(
                "The hub refused the download; the model may need access granted on its page."
            ),
            TransferProblem.SERVER: self.tr("The download kept failing; try again later."),
            TransferProblem.NOT_THE_FILE: self.tr(
                "The hub kept answering with something other than the file (a network's "
                "sign-in page or a wrong hub address?); what arrived so far is kept."
            ),
            TransferProblem.CORRUPT: self.tr(
                "“{subject}” arrived damaged (its checksum is wrong) and was deleted."
            ),
            TransferProblem.DISK_FULL: self.tr(
                "Not enough disk space: {size} more is needed in “{subject}”. What arrived "
                "is kept; retry once there is room."
            ),
            TransferProblem.DISK_ERROR: self.tr("Could not write “{subject}”."),
        }
        return texts[exc.problem].format(subject=exc.subject, size=size)

    @Slot(str, str, str)
    def _on_job_ended(self, download_id: str, outcome: str, reason: str) -> None:
        job = self._jobs.get(download_id)
        if job is None:
            return
        if job.thread is not None:
            job.thread.join()
            job.thread = None
        if outcome == TransferOutcome.DONE:
            self._set_state(job, DownloadState.FINISHED)
            self.download_finished.emit(download_id, str(job.request.files[0].path))
        elif outcome == TransferOutcome.PAUSED:
            self._set_state(job, DownloadState.PAUSED)
        elif outcome == TransferOutcome.CANCELLED:
            self._set_state(job, DownloadState.CANCELLED)
        else:
            self._set_state(job, DownloadState.FAILED)
            self.download_failed.emit(download_id, reason)
        self._schedule()

    def _set_state(self, job: _Job, state: DownloadState) -> None:
        if job.state is not state or state is DownloadState.QUEUED:
            job.state = state
            self.state_changed.emit(job.request.id, state.value)


_ENDED = (DownloadState.FINISHED, DownloadState.FAILED, DownloadState.CANCELLED)


def _remove_parts(request: DownloadRequest) -> None:
    for f in request.files:
        for p in (
            f.path.with_name(f.path.name + ".part"),
            f.path.with_name(f.path.name + ".part.json"),
        ):
            p.unlink(missing_ok=True)

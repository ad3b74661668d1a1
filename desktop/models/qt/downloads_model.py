"""The downloads as the GUI sees them: a list model and the queue object that feeds it.

:class:`DownloadQueue` lives on the GUI thread. It sends commands to the
:class:`~desktop.models.qt.download_worker.DownloadWorker` (on its own thread) through queued
signals and receives the worker's signals as queued calls, so :class:`DownloadListModel` is only
ever touched on the GUI thread. The worker reports progress at most five times a second per
download, so one ``dataChanged`` per report is the repaint rate limit.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from enum import IntEnum
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QByteArray,
    QLocale,
    QObject,
    Qt,
    QTimer,
    Signal,
    Slot,
)

from desktop.models.qt.download_worker import (
    DownloadFile,
    DownloadRequest,
    DownloadState,
    DownloadWorker,
)
from desktop.models.transfer import RetryCause
from desktop.qtkit.list_model import RoleValue
from desktop.qtkit.row_table_model import RowTableModel

__all__ = ["DownloadListModel", "DownloadQueue", "DownloadRow", "format_size"]


def format_size(size: int) -> str:
    """'1.2 GB': decimal units, as download sites and file managers show sizes."""
    return QLocale().formattedDataSize(max(0, size), 1, QLocale.DataSizeFormat.DataSizeSIFormat)


def format_duration(seconds: float) -> str:
    whole = math.ceil(seconds)
    if whole >= 3600:
        return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
    return f"{whole // 60}:{whole % 60:02d}"


@dataclass(frozen=True, slots=True)
class DownloadRow:
    id: str
    title: str
    total: int
    done: int = 0
    speed: float = 0.0
    state: str = DownloadState.QUEUED.value
    reason: str = ""  # why it failed, a plain sentence
    path: str = ""  # what the library loads once finished
    retry_in: float = 0.0  # RETRYING: seconds until the next attempt, when it was scheduled
    retry_at: float = 0.0  # RETRYING: the model's clock when it was scheduled
    cause: str = ""  # RETRYING: why the last attempt failed (transfer.RetryCause, "HTTP 500")
    attempt: int = 0  # RETRYING: the next attempt's number ...
    attempts: int = 0  # ... of at most this many in a row
    data_at: float = 0.0  # DOWNLOADING: the model's clock when bytes last arrived (0: unknown)


def _fraction(row: DownloadRow) -> float:
    """How much of ``row`` is done, 0 while its size is unknown (above 1 if it overshot)."""
    return row.done / row.total if row.total > 0 else 0.0


STALL_SHOWN_AFTER_S = 5.0
"""A download with no new bytes for this long says it is stalled (with the bytes on disk), long
before the transfer's own stall timeout ends the attempt."""


class DownloadListModel(RowTableModel):
    """One row per download, in the order they were requested; a table of :data:`COLUMNS`.

    Signals:
        The standard ``QAbstractItemModel`` signals only.
    """

    class Roles(IntEnum):
        IdRole = Qt.ItemDataRole.UserRole + 1  # str
        StateRole = Qt.ItemDataRole.UserRole + 2  # str, a DownloadState value
        FractionRole = Qt.ItemDataRole.UserRole + 3  # float 0..1
        DoneRole = Qt.ItemDataRole.UserRole + 4  # int bytes
        TotalRole = Qt.ItemDataRole.UserRole + 5  # int bytes
        SpeedRole = Qt.ItemDataRole.UserRole + 6  # float bytes/s
        ReasonRole = Qt.ItemDataRole.UserRole + 7  # str
        PathRole = Qt.ItemDataRole.UserRole + 8  # str

    ROLE_NAMES: ClassVar[dict[int, QByteArray]] = {Roles.IdRole: QByteArray(b"downloadId")}

    # The other roles read the DownloadRow attribute their names say (DoneRole: done).
    ROLE_VALUES: ClassVar[Mapping[int, RoleValue]] = {
        Roles.FractionRole: lambda row: min(1.0, _fraction(row)),
    }

    TROUBLE_ROLE = Qt.ItemDataRole.UserRole + 20
    """str: a retrying row's whole story ("Retrying in 8 s (HTTP 500, try 2 of 7)"), a stalled
    row's state, else "". The State column says only when the next try starts: the rest made
    that column so wide that the model's name shrank to "…" in an 800-pixel window."""

    TITLE, PROGRESS, BYTES, SPEED, TIME_LEFT, STATE = range(6)
    COLUMN_TITLES = (
        QT_TRANSLATE_NOOP("DownloadListModel", "Model"),
        QT_TRANSLATE_NOOP("DownloadListModel", "Progress"),
        QT_TRANSLATE_NOOP("DownloadListModel", "Size"),
        QT_TRANSLATE_NOOP("DownloadListModel", "Speed"),
        QT_TRANSLATE_NOOP("DownloadListModel", "Time left"),
        QT_TRANSLATE_NOOP("DownloadListModel", "State"),
    )

    clock: Callable[[], float] = staticmethod(time.monotonic)
    """What stall and retry times are measured with (tests set their own)."""

    STATE_TEXTS: ClassVar[Mapping[str, str]] = {
        DownloadState.QUEUED: QT_TRANSLATE_NOOP("DownloadListModel", "Waiting"),
        DownloadState.DOWNLOADING: QT_TRANSLATE_NOOP("DownloadListModel", "Downloading"),
        DownloadState.STALLED: QT_TRANSLATE_NOOP("DownloadListModel", "Stalled, retrying"),
        DownloadState.RETRYING: QT_TRANSLATE_NOOP("DownloadListModel", "Retrying"),
        DownloadState.VERIFYING: QT_TRANSLATE_NOOP("DownloadListModel", "Verifying"),
        DownloadState.PAUSED: QT_TRANSLATE_NOOP("DownloadListModel", "Paused"),
        DownloadState.FINISHED: QT_TRANSLATE_NOOP("DownloadListModel", "Done, verified"),
        DownloadState.FAILED: QT_TRANSLATE_NOOP("DownloadListModel", "Failed"),
        DownloadState.CANCELLED: QT_TRANSLATE_NOOP("DownloadListModel", "Cancelled"),
    }
    """What the state column says for each DownloadState value (translated when shown)."""

    CAUSE_TEXTS: ClassVar[Mapping[str, str]] = {
        RetryCause.NO_DATA: QT_TRANSLATE_NOOP("DownloadListModel", "no data"),
        RetryCause.CONNECTION_LOST: QT_TRANSLATE_NOOP("DownloadListModel", "connection lost"),
        RetryCause.ENDED_EARLY: QT_TRANSLATE_NOOP("DownloadListModel", "connection ended early"),
        RetryCause.NO_RECONNECT: QT_TRANSLATE_NOOP("DownloadListModel", "could not reconnect"),
        RetryCause.WRONG_RANGE: QT_TRANSLATE_NOOP("DownloadListModel", "wrong range"),
        RetryCause.NOT_THE_FILE: QT_TRANSLATE_NOOP("DownloadListModel", "not the file"),
    }
    """Why the last attempt failed, for each transfer.RetryCause (translated when shown)."""

    def state_text(self, state: str) -> str:
        return self.label(self.STATE_TEXTS, state)

    def cause_text(self, cause: str) -> str:
        return self.label(self.CAUSE_TEXTS, cause)  # "HTTP 500" and the like as they are

    def label(self, texts: Mapping[str, str], key: str) -> str:
        """``texts[key]`` translated, or ``key`` itself where ``texts`` has no words for it."""
        text = texts.get(key)
        return key if text is None else self.tr(text)

    def cell(self, row: DownloadRow, column: int, role: int) -> Any:
        active = row.state in (DownloadState.DOWNLOADING, DownloadState.STALLED)
        active = active and not self.stalled_for(row)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.TITLE:
                return row.title
            if column == self.PROGRESS:
                return f"{int(_fraction(row) * 100)}%"
            if column == self.BYTES:
                return self.tr("{done} of {total}").format(
                    done=format_size(row.done), total=format_size(row.total)
                )
            if column == self.SPEED:
                if not active or row.speed <= 0:
                    return ""
                return self.tr("{rate}/s").format(rate=format_size(int(row.speed)))
            if column == self.TIME_LEFT:
                if active and row.speed > 0 and row.total > row.done:
                    return format_duration((row.total - row.done) / row.speed)
                return ""
            if column == self.STATE:
                return self.trouble_text(row, brief=True) or self.state_text(row.state)
        if role == self.TROUBLE_ROLE:
            return self.trouble_text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.reason or self.trouble_text(row) or row.title
        return None

    def stalled_for(self, row: DownloadRow) -> int:
        """Whole seconds a downloading row has had no new bytes, once that is
        STALL_SHOWN_AFTER_S or more; else 0."""
        if row.state != DownloadState.DOWNLOADING or row.data_at <= 0:
            return 0
        idle = self.clock() - row.data_at
        return int(idle) if idle >= STALL_SHOWN_AFTER_S else 0

    def trouble_text(self, row: DownloadRow, brief: bool = False) -> str:
        """During trouble: how long a stall has lasted, or when the next attempt starts and
        (unless ``brief``, as the State column has it) why and which try; "" when all is
        well."""
        stalled = self.stalled_for(row)
        if stalled:
            return self.tr("Stalled — no data for %n s", "", stalled)
        if row.state != DownloadState.RETRYING or row.retry_in <= 0:
            return ""
        left = max(1, math.ceil(row.retry_in - max(0.0, self.clock() - row.retry_at)))
        waiting = self.tr("Retrying in %n s", "", left)
        if not row.cause or brief:
            return waiting
        return self.tr("{waiting} ({cause}, try {attempt} of {attempts})").format(
            waiting=waiting,
            cause=self.cause_text(row.cause),
            attempt=row.attempt,
            attempts=row.attempts,
        )

    def refresh(self, download_id: str) -> None:
        """Says the row changed (its times are read from the clock when shown)."""
        number = self.row_of(download_id)
        if number >= 0:
            self.row_data_changed(number)

    # -- changes (GUI thread only) --

    def row_of(self, download_id: str) -> int:
        return self.find_row(lambda row: row.id == download_id)

    def row(self, download_id: str) -> DownloadRow | None:
        return self.row_or_none(self.row_of(download_id))

    def add(self, row: DownloadRow) -> None:
        """Adds a download, or starts an ended one over in place (a second request)."""
        number = self.row_of(row.id)
        if number >= 0:
            self.replace_row(number, row)
        else:
            self.insert_rows(len(self.rows), [row])

    def update(self, download_id: str, **changes: Any) -> None:
        number = self.row_of(download_id)
        if number >= 0:
            self.replace_row(number, replace(self.rows[number], **changes))

    def remove(self, download_id: str) -> None:
        number = self.row_of(download_id)
        if number >= 0:
            self.remove_rows(number)


class DownloadQueue(QObject):
    """The GUI side of the download worker: commands down, state up, rows in :attr:`model`.

    Signals:
        download_requested(DownloadRequest), pause_requested(str), resume_requested(str),
        cancel_requested(str), parallel_requested(int): commands, queued to the worker.
        download_finished(str id, str path): a download is verified and in place.
        download_failed(str id, str reason): a download stopped for good (retry is possible).
        download_cancelled(str id): the user cancelled a download; its files are gone.
    """

    download_requested = Signal(object)
    pause_requested = Signal(str)
    resume_requested = Signal(str)
    cancel_requested = Signal(str)
    parallel_requested = Signal(int)
    download_finished = Signal(str, str)
    download_failed = Signal(str, str)
    download_cancelled = Signal(str)

    def __init__(
        self,
        worker: DownloadWorker | None,
        parent: QObject | None = None,
        state_file: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = DownloadListModel(self)
        self._state_file = state_file
        self._requests: dict[str, DownloadRequest] = {}  # unfinished, kept across restarts
        self._sent: set[str] = set()  # what the worker has been given in this run
        if worker is not None:
            self.download_requested.connect(worker.on_download_requested)
            self.pause_requested.connect(worker.pause)
            self.resume_requested.connect(worker.resume)
            self.cancel_requested.connect(worker.cancel)
            self.parallel_requested.connect(worker.set_parallel)
            worker.download_progress.connect(self.on_worker_download_progress)
            worker.download_finished.connect(self.on_worker_download_finished)
            worker.download_failed.connect(self.on_worker_download_failed)
            worker.state_changed.connect(self.on_worker_state_changed)
            worker.retry_scheduled.connect(self.on_worker_retry_scheduled)
        self._reasons: dict[str, str] = {}  # why a kept download failed, kept across restarts
        self._ticker = QTimer(self)
        """Each second while a row downloads or waits to retry: stalls and the retry countdown
        are read from the clock, and a stalled row shows its bytes on disk."""
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self.tick)
        self._restore()

    # -- kept across restarts --

    def _restore(self) -> None:
        """Lists the downloads the last run left unfinished, paused: resuming them is the
        user's choice, so a start never touches the network by itself."""
        if self._state_file is None:
            return
        try:
            saved = json.loads(self._state_file.read_text(encoding="utf-8"))
            requests = [_request_from_json(item) for item in saved["downloads"]]
            reasons = {str(item["id"]): str(item.get("reason", "")) for item in saved["downloads"]}
        except FileNotFoundError:
            return
        except (OSError, ValueError, KeyError, TypeError):
            return  # a damaged list only loses the list; the .part files stay and resume
        for request in requests:
            if request.id in self._requests or request.files[0].path.exists():
                continue
            self._requests[request.id] = request
            reason = reasons.get(request.id, "")
            if reason:  # it failed last time: it comes back failed, with its reason
                self._reasons[request.id] = reason
            self.model.add(
                DownloadRow(
                    request.id,
                    request.title or request.id,
                    request.total,
                    done=bytes_on_disk(request),
                    state=(DownloadState.FAILED if reason else DownloadState.PAUSED).value,
                    reason=reason,
                )
            )

    def _save(self) -> None:
        if self._state_file is None:
            return
        payload = {
            "version": 1,
            "downloads": [
                {**_request_to_json(r), "reason": self._reasons.get(r.id, "")}
                for r in self._requests.values()
            ],
        }
        try:
            self._state_file.parent.mkdir(parents=True, exist_ok=True)
            temp = self._state_file.with_suffix(".tmp")
            temp.write_text(json.dumps(payload, indent=1), encoding="utf-8")
            temp.replace(self._state_file)
        except OSError:  # the .part files still resume if the same file is asked for again
            return

    def _forget(self, download_id: str) -> None:
        self._reasons.pop(download_id, None)
        if self._requests.pop(download_id, None) is not None:
            self._save()

    # -- commands --

    def request(self, request: DownloadRequest) -> None:
        """Lists and starts a download. Asked again while it is listed and not ended (a second
        click on Download), it is left as it runs, or resumed when paused: its row used to
        start over at "Waiting", 0 B, while the worker went on with the first request."""
        row = self.model.row(request.id)
        if row is not None and self.is_active(request.id):
            if row.state == DownloadState.PAUSED:
                self.resume(request.id)
            return
        self.model.add(DownloadRow(request.id, request.title or request.id, request.total))
        self._requests[request.id] = request
        self._sent.add(request.id)
        self._save()
        self.download_requested.emit(request)

    def pause(self, download_id: str) -> None:
        self.pause_requested.emit(download_id)

    def resume(self, download_id: str) -> None:
        """Resume a paused download, or retry a failed one (the part file is kept)."""
        self.model.update(download_id, reason="")
        if self._reasons.pop(download_id, None):
            self._save()
        request = self._requests.get(download_id)
        if request is not None and download_id not in self._sent:
            # Left by the last run: hand it to the worker, which resumes from the .part file.
            self._sent.add(download_id)
            self.model.update(download_id, state=DownloadState.QUEUED.value)
            self.download_requested.emit(request)
            return
        self.resume_requested.emit(download_id)

    def cancel(self, download_id: str) -> None:
        request = self._requests.get(download_id)
        if request is not None and download_id not in self._sent:
            for file in request.files:
                for leftover in (_part_path(file.path), _part_path(file.path, ".part.json")):
                    leftover.unlink(missing_ok=True)
            self.model.update(download_id, state=DownloadState.CANCELLED.value, done=0, speed=0.0)
            self._forget(download_id)
            self.download_cancelled.emit(download_id)
            return
        self.cancel_requested.emit(download_id)

    def is_active(self, download_id: str) -> bool:
        row = self.model.row(download_id)
        return row is not None and row.state not in (
            DownloadState.FINISHED,
            DownloadState.FAILED,
            DownloadState.CANCELLED,
        )

    # -- worker events --

    @Slot(str, "qint64", "qint64", float)
    def on_worker_download_progress(
        self, download_id: str, done: int, total: int, speed: float
    ) -> None:
        row = self.model.row(download_id)
        changes: dict[str, Any] = {"done": done, "total": total, "speed": speed}
        if row is not None and (done != row.done or row.data_at <= 0):
            changes["data_at"] = self.model.clock()
        self.model.update(download_id, **changes)

    @Slot(str, str)
    def on_worker_state_changed(self, download_id: str, state: str) -> None:
        changes: dict[str, Any] = {"state": state}
        if state == DownloadState.DOWNLOADING.value:
            changes["data_at"] = self.model.clock()  # (re)connected: a stall counts from now
        if state == DownloadState.CANCELLED.value:
            # Its bytes are deleted: a cancelled row at "73%, 388 MB" said they were there.
            changes.update(done=0, speed=0.0)
        self.model.update(download_id, **changes)
        if state in (DownloadState.FINISHED.value, DownloadState.CANCELLED.value):
            self._forget(download_id)
        if state == DownloadState.CANCELLED.value:
            self.download_cancelled.emit(download_id)
        if state in (DownloadState.DOWNLOADING.value, DownloadState.RETRYING.value):
            self._ticker.start()

    @Slot()
    def tick(self) -> None:
        """Shows stalls and the retry countdown as time passes; stops when nothing moves."""
        moving = False
        for row in tuple(self.model.rows):  # a copy: update() replaces rows as it goes
            if row.state not in (DownloadState.DOWNLOADING, DownloadState.RETRYING):
                continue
            moving = True
            request = self._requests.get(row.id)
            if self.model.stalled_for(row) and request is not None:
                # What is on disk, not the last report: bytes may have come after it.
                self.model.update(row.id, done=bytes_on_disk(request), speed=0.0)
            else:
                self.model.refresh(row.id)
        if not moving:
            self._ticker.stop()

    @Slot(str, str)
    def on_worker_download_finished(self, download_id: str, path: str) -> None:
        row = self.model.row(download_id)
        if row is not None:
            self.model.update(download_id, path=path, done=row.total, speed=0.0)
        self._forget(download_id)
        self.download_finished.emit(download_id, path)

    @Slot(str, float, str, int, int)
    def on_worker_retry_scheduled(
        self, download_id: str, seconds: float, cause: str = "", attempt: int = 0, attempts: int = 0
    ) -> None:
        self.model.update(
            download_id,
            retry_in=seconds,
            retry_at=self.model.clock(),
            cause=cause,
            attempt=attempt,
            attempts=attempts,
            speed=0.0,
        )
        self._ticker.start()

    @Slot(str, str)
    def on_worker_download_failed(self, download_id: str, reason: str) -> None:
        request = self._requests.get(download_id)
        changes: dict[str, Any] = {"reason": reason, "speed": 0.0}
        if request is not None:
            # What is on disk now, not the last progress report (a full disk stops a write
            # between two reports); kept with its reason for the next start.
            changes["done"] = bytes_on_disk(request)
            self._reasons[download_id] = reason
            self._save()
        self.model.update(download_id, **changes)
        self.download_failed.emit(download_id, reason)


def _part_path(path: Path, suffix: str = ".part") -> Path:
    return path.with_name(path.name + suffix)


def bytes_on_disk(request: DownloadRequest) -> int:
    """The request's bytes on disk: its finished files and the parts of the others."""
    total = 0
    for file in request.files:
        try:
            total += file.path.stat().st_size
        except OSError:
            total += _part_size(file.path)
    return total


def _part_size(path: Path) -> int:
    try:
        return _part_path(path).stat().st_size
    except OSError:
        return 0


def _request_to_json(request: DownloadRequest) -> dict[str, Any]:
    return {
        "id": request.id,
        "title": request.title,
        "files": [
            {"url": f.url, "path": str(f.path), "size": f.size, "sha256": f.sha256}
            for f in request.files
        ],
    }


def _request_from_json(item: Any) -> DownloadRequest:
    files = tuple(
        DownloadFile(
            url=str(f["url"]),
            path=Path(str(f["path"])),
            size=int(f["size"]),
            sha256=str(f["sha256"]) if f.get("sha256") else None,
        )
        for f in item["files"]
    )
    if not files:
        raise ValueError("a download without files")
    return DownloadRequest(id=str(item["id"]), files=files, title=str(item.get("title", "")))

"""Resumable, verified downloads of one file. No Qt; blocking; one call per file.

Why our own: huggingface_hub's downloader does not resume across processes, and a 5 GB model
that restarts from zero after a crash or a closed laptop is what users remember. This uses
``httpx2``, the HTTP client huggingface_hub already depends on.

How a file arrives:

1. Bytes go to ``<name>.part`` beside the target, with ``<name>.part.json`` saying which file
   (URL, size, sha256) they belong to. A part left by an earlier run (or a killed process) is
   resumed with ``Range: bytes=<part size>-`` and ``If-Range``; a part of another file is
   started over.
2. SHA-256 runs over the bytes as they arrive (after hashing the existing part on resume).
3. At the end the digest is compared with the hub's LFS sha256. A mismatch deletes the part and
   raises :class:`TransferError` (``CORRUPT``); only a verified file is renamed (atomically) to
   its final name, so the library never sees an unfinished or damaged model.

Trouble: no bytes for ``stall_timeout`` seconds is a stall; stalls, dropped connections, 429 and
5xx retry with exponential backoff (``Retry-After`` honoured) up to ``max_retries`` times in a row
without progress. Free disk space is checked before starting (remaining bytes + margin); a full
disk mid-transfer stops cleanly, keeps the part for later, and says how much space is needed.
:class:`TransferControl` pauses (keeps the part) or cancels (deletes it) from another thread.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    import httpx2  # imported by download() itself: the app starts without the HTTP stack

__all__ = [
    "TransferControl",
    "TransferError",
    "TransferOutcome",
    "TransferProblem",
    "TransferProgress",
    "TransferState",
    "download",
    "part_path",
]

_MIB = 1 << 20
DISK_MARGIN = 64 * _MIB  # kept free beyond the file itself, so the system is not left at 0 bytes


class TransferProblem(StrEnum):
    OFFLINE = "offline"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"  # gated or private: the user must accept terms or sign in
    SERVER = "server"  # kept failing (5xx, 429, drops, stalls) after every retry
    NOT_THE_FILE = "not_the_file"  # kept answering with a web page or the wrong length
    CORRUPT = "corrupt"  # sha256 or size mismatch; the part was deleted
    DISK_FULL = "disk_full"
    DISK_ERROR = "disk_error"  # another OSError writing the file


class TransferError(Exception):
    """``str()`` is a plain English sentence (for logs); the window words ``problem`` in the
    user's language with ``subject`` (the file name, the folder or the host the sentence
    names) and ``needed_bytes`` (set for ``DISK_FULL``)."""

    def __init__(
        self,
        problem: TransferProblem,
        message: str,
        detail: str = "",
        needed_bytes: int = 0,
        subject: str = "",
    ) -> None:
        super().__init__(message)
        self.problem = TransferProblem(problem)
        self.detail = detail
        self.needed_bytes = needed_bytes
        self.subject = subject


class TransferOutcome(StrEnum):
    DONE = "done"
    PAUSED = "paused"
    CANCELLED = "cancelled"


class TransferState(StrEnum):
    CONNECTING = "connecting"
    DOWNLOADING = "downloading"
    STALLED = "stalled"  # no bytes for stall_timeout; a retry follows by itself
    RETRYING = "retrying"  # waiting out the backoff before the next attempt
    VERIFYING = "verifying"


@dataclass(frozen=True, slots=True)
class TransferProgress:
    done: int  # bytes in the part file
    total: int
    speed: float  # bytes per second over the last few seconds
    state: TransferState
    retry_in: float = 0.0  # seconds until the next attempt (RETRYING)
    cause: str = ""  # RETRYING: why the last attempt failed, short ("HTTP 500", "no data")
    attempt: int = 0  # RETRYING: the next attempt's number in this run of failures, from 2
    attempts: int = 0  # RETRYING: how many attempts a run of failures may take in all


class TransferControl:
    """Pause or cancel a running :func:`download` from another thread (atomic flags)."""

    def __init__(self) -> None:
        self._paused = threading.Event()
        self._cancelled = threading.Event()

    def pause(self) -> None:
        self._paused.set()

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def stop_requested(self) -> bool:
        return self._paused.is_set() or self._cancelled.is_set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; True if a stop was requested meanwhile."""
        end = time.monotonic() + seconds
        while not self.stop_requested:
            left = end - time.monotonic()
            if left <= 0:
                return False
            self._cancelled.wait(min(left, 0.05))
        return True


def part_path(target: Path) -> Path:
    return target.with_name(target.name + ".part")


def _meta_path(target: Path) -> Path:
    return target.with_name(target.name + ".part.json")


def write_chunk(f: BinaryIO, data: bytes) -> None:
    """One write of a download: public as the seam where tests inject a full disk (ENOSPC) and
    the benchmark slows the transfer to see its figure move."""
    f.write(data)


class _Speed:
    """Bytes per second over a sliding window of a few seconds."""

    def __init__(self, window: float = 3.0) -> None:
        self._window = window
        self._marks: list[tuple[float, int]] = []

    def add(self, now: float, done: int) -> float:
        self._marks.append((now, done))
        while len(self._marks) > 2 and now - self._marks[0][0] > self._window:
            self._marks.pop(0)
        t0, d0 = self._marks[0]
        return (done - d0) / (now - t0) if now > t0 else 0.0


class Digest:
    """SHA-256 of the bytes as they arrive, hashed on a thread of its own; can start over (a
    server that ignores a range, a dropped part).

    hashlib lets go of the GIL while it hashes, so one read's hash runs beside the next read and
    write: on a 2-core machine a local download went from ~0.8 of a plain GET's speed (hashing
    inline) to ~0.9. At most ``backlog`` bytes wait, so a CPU slower than the network holds the
    download back instead of filling memory.
    """

    def __init__(self, backlog: int = 8 * _MIB) -> None:
        self._hash = hashlib.sha256()
        self._backlog = backlog
        self._queue: deque[bytes] = deque()
        self._unhashed = 0  # bytes queued or being hashed
        self._changed = threading.Condition()
        self._closed = False
        self._thread: threading.Thread | None = None

    @property
    def unhashed(self) -> int:
        """Bytes handed to :meth:`update` and not hashed yet (the backlog holds the writer back
        beyond its limit)."""
        return self._unhashed

    @property
    def hashing_thread(self) -> threading.Thread | None:
        """The thread that hashes, once the first bytes arrived; it ends when the digest is
        left."""
        return self._thread

    def update(self, data: bytes) -> None:
        with self._changed:
            while self._unhashed > self._backlog:
                self._changed.wait()
            self._queue.append(data)
            self._unhashed += len(data)
            self._changed.notify_all()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="sha256", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._queue and not self._closed:
                    self._changed.wait()
                if not self._queue:
                    return
                batch = list(self._queue)
                self._queue.clear()
                running = self._hash
            for data in batch:
                running.update(data)
            with self._changed:
                self._unhashed -= sum(map(len, batch))
                self._changed.notify_all()

    def _drain(self) -> None:
        with self._changed:
            while self._unhashed:
                self._changed.wait()

    def reset(self) -> None:
        self._drain()
        self._hash = hashlib.sha256()

    def hexdigest(self) -> str:
        self._drain()
        return self._hash.hexdigest()

    def __enter__(self) -> Digest:
        return self

    def __exit__(self, *_exc: object) -> None:
        """Ends the thread (once what is queued is hashed)."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()


def _read_larger_chunks() -> None:
    """httpcore reads a response 64 KiB at a time; on a fast link the Python work per read
    (h11, httpx's iterators, our loop) was a fifth of a download's CPU. recv() returns what has
    arrived, so a slow link is not kept waiting by the larger size. Process-wide, and only if
    the attribute is still what we know (a later httpcore may differ)."""
    import httpcore2

    if getattr(httpcore2.HTTP11Connection, "READ_NUM_BYTES", None) == 64 * 1024:
        httpcore2.HTTP11Connection.READ_NUM_BYTES = _MIB


class RetryCause:
    """Short words for why an attempt failed (TransferProgress.cause); the window translates
    them (``HTTP <status>`` stays as it is)."""

    NO_DATA = "no data"
    CONNECTION_LOST = "connection lost"
    ENDED_EARLY = "connection ended early"
    NO_RECONNECT = "could not reconnect"
    WRONG_RANGE = "wrong range"
    NOT_THE_FILE = "not the file"


class _Retry(Exception):
    def __init__(
        self, reason: str, wait: float | None = None, stalled: bool = False, cause: str = ""
    ) -> None:
        super().__init__(reason)
        self.wait = wait
        self.stalled = stalled
        self.cause = cause or reason


def download(
    url: str,
    target: Path,
    size: int,
    sha256: str | None,
    *,
    progress: Callable[[TransferProgress], None] | None = None,
    control: TransferControl | None = None,
    stall_timeout: float = 30.0,
    connect_timeout: float = 15.0,
    max_retries: int = 6,
    backoff: float = 2.0,
    max_backoff: float = 60.0,
    headers: dict[str, str] | None = None,
    client: httpx2.Client | None = None,
    progress_interval: float = 0.1,
) -> TransferOutcome:
    """Download ``url`` to ``target`` (``size`` bytes, LFS ``sha256``) or resume a part of it.

    Returns DONE (``target`` exists and is verified), PAUSED (the part is kept) or CANCELLED (the
    part is gone). Raises :class:`TransferError`. Progress is reported at most every
    ``progress_interval`` seconds, and at every state change.
    """
    target = Path(target)
    control = control or TransferControl()
    part, meta = part_path(target), _meta_path(target)
    ident = {"url": url.split("?")[0], "size": size, "sha256": sha256}
    report = progress or (lambda _p: None)

    target.parent.mkdir(parents=True, exist_ok=True)
    # A file already there is done only when its checksum proves it is this one; a file of the
    # same size proves nothing (it is downloaded again and replaces it only once verified).
    if (
        sha256 is not None
        and target.exists()
        and target.stat().st_size == size
        and _file_sha256(target, control) == sha256.lower()
    ):
        return TransferOutcome.DONE
    _adopt_or_reset_part(part, meta, ident, size)

    done = part.stat().st_size if part.exists() else 0
    _check_space(target.parent, size - done)
    with Digest() as hasher:
        if done:
            with open(part, "rb") as f:
                while chunk := f.read(4 * _MIB):
                    hasher.update(chunk)
                    if control.stop_requested:
                        return _stop(control, part, meta)

        import httpx2

        _read_larger_chunks()
        own_client = client is None
        if client is None:
            client = httpx2.Client(
                follow_redirects=True,
                timeout=httpx2.Timeout(
                    connect=connect_timeout, read=stall_timeout, write=30, pool=30
                ),
            )
        speed = _Speed()
        etag: str | None = None
        failures = 0
        connected = False  # a first connection that fails means offline; later ones are retried
        try:
            while True:
                if control.stop_requested:
                    return _stop(control, part, meta)
                if done >= size:
                    break
                report(TransferProgress(done, size, 0.0, TransferState.CONNECTING))
                before = done
                try:
                    done, etag = _attempt(
                        client, url, part, done, size, hasher, etag, headers or {}, control,
                        report, speed, progress_interval, connected,
                    )  # fmt: skip
                    connected = True
                    if done < size and not control.stop_requested:
                        raise _Retry("the connection ended early", cause=RetryCause.ENDED_EARLY)
                except _Retry as retry:
                    connected = True  # something answered; a refused connection now is a retry
                    # Bytes written before the failure are in the part and in the hash.
                    done = part.stat().st_size if part.exists() else 0
                    failures = 0 if done > before else failures + 1
                    if failures > max_retries and retry.cause == RetryCause.NOT_THE_FILE:
                        raise TransferError(
                            TransferProblem.NOT_THE_FILE,
                            "The hub kept answering with something other than the file (a "
                            "network's sign-in page or a wrong hub address?); what arrived so "
                            "far is kept.",
                            str(retry),
                        ) from None
                    if failures > max_retries and retry.cause == RetryCause.NO_RECONNECT:
                        # The connection went and never came back: that is what to say, not
                        # "kept failing", which blames the server.
                        raise _offline(url, str(retry)) from None
                    if failures > max_retries:
                        raise TransferError(
                            TransferProblem.SERVER,
                            "The download kept failing; try again later.",
                            str(retry),
                        ) from None
                    if retry.stalled:
                        report(TransferProgress(done, size, 0.0, TransferState.STALLED))
                    wait = (
                        retry.wait
                        if retry.wait is not None
                        else backoff * 2 ** max(failures - 1, 0)
                    )
                    wait = min(wait, max_backoff)
                    report(
                        TransferProgress(
                            done,
                            size,
                            0.0,
                            TransferState.RETRYING,
                            retry_in=wait,
                            cause=retry.cause,
                            attempt=max(failures, 1) + 1,
                            attempts=max_retries + 1,
                        )
                    )
                    if control.wait(wait):
                        return _stop(control, part, meta)
        finally:
            if own_client:
                client.close()

        report(TransferProgress(done, size, 0.0, TransferState.VERIFYING))
        actual_size = part.stat().st_size
        digest = hasher.hexdigest()
        if actual_size != size or (sha256 is not None and digest != sha256.lower()):
            _remove(part, meta)
            raise TransferError(
                TransferProblem.CORRUPT,
                f"“{target.name}” arrived damaged (its checksum is wrong) and was deleted.",
                f"sha256 {digest}, expected {sha256}; {actual_size} of {size} bytes",
                subject=target.name,
            )
        os.replace(part, target)
        with contextlib.suppress(OSError):
            meta.unlink()
        return TransferOutcome.DONE


def _file_sha256(path: Path, control: TransferControl) -> str | None:
    """The file's SHA-256, or None when a stop was asked meanwhile (or it cannot be read)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            while chunk := f.read(4 * _MIB):
                if control.stop_requested:
                    return None
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def _adopt_or_reset_part(part: Path, meta: Path, ident: dict[str, object], size: int) -> None:
    """Keep a part only if it belongs to this very file; otherwise start over."""
    keep = False
    if part.exists():
        try:
            keep = json.loads(meta.read_text("utf-8")) == ident and part.stat().st_size <= size
        except (OSError, ValueError):
            keep = False
    if not keep:
        _remove(part, meta)
    if not meta.exists():
        meta.write_text(json.dumps(ident), "utf-8")


def _check_space(folder: Path, remaining: int) -> None:
    free = shutil.disk_usage(folder).free
    needed = remaining + DISK_MARGIN
    if free < needed:
        raise TransferError(
            TransferProblem.DISK_FULL,
            f"Not enough disk space: {_mb(needed - free)} more is needed in “{folder}”.",
            f"free {free}, needed {needed}",
            needed_bytes=needed - free,
            subject=str(folder),
        )


def _mb(n: int) -> str:
    # Decimal units, as every size on screen (format_size): one "MB" means one thing.
    return f"{n / 1e6:,.0f} MB" if n < 10**10 else f"{n / 1e9:,.1f} GB"


def _attempt(
    client: httpx2.Client,
    url: str,
    part: Path,
    done: int,
    size: int,
    hasher: Digest,
    etag: str | None,
    extra_headers: dict[str, str],
    control: TransferControl,
    report: Callable[[TransferProgress], None],
    speed: _Speed,
    interval: float,
    connected_before: bool,
) -> tuple[int, str | None]:
    """One HTTP request from ``done`` on; returns the new ``done`` and the server's ETag."""
    import httpx2

    # Byte ranges of the file as stored: a compressed answer's length says nothing about them.
    req_headers = {"Accept-Encoding": "identity", **extra_headers}
    if done:
        req_headers["Range"] = f"bytes={done}-"
        if etag:
            req_headers["If-Range"] = etag
    try:
        with client.stream("GET", url, headers=req_headers) as r:
            status = r.status_code
            if status == 416:
                # Our part is as long as (or longer than) the file: verify what we have, or
                # start over if that is wrong.
                total = r.headers.get("Content-Range", "").rpartition("/")[2]
                if total.isdigit() and int(total) == done == size:
                    return done, etag
                _truncate(part, hasher)
                raise _Retry(
                    "the server refused the resume range (416)",
                    wait=0,
                    cause=RetryCause.WRONG_RANGE,
                )
            if status in (429, 500, 502, 503, 504):
                raise _Retry(f"HTTP {status}", wait=_retry_after(r.headers.get("Retry-After")))
            if status == 404:
                raise TransferError(TransferProblem.NOT_FOUND, "The file is no longer on the hub.")
            if status in (401, 403):
                raise TransferError(
                    TransferProblem.FORBIDDEN,
                    "The hub refused the download; the model may need access granted on its page.",
                    f"HTTP {status}",
                )
            if status >= 400:
                raise _Retry(f"HTTP {status}")
            if not _is_the_file(r.headers, size if status == 200 else size - done):
                # A captive portal's sign-in page or a broken mirror's error page, sent as 200:
                # neither is written, nor does it cost the part (a resume answered 200 would
                # otherwise start over and wipe gigabytes for a web page).
                raise _Retry(
                    f"the answer is not the file ({r.headers.get('Content-Type', '?')}, "
                    f"{r.headers.get('Content-Length', '?')} bytes)",
                    cause=RetryCause.NOT_THE_FILE,
                )
            etag = r.headers.get("ETag") or etag
            if status == 200 and done:
                # The server ignored the range (or the file changed): start over.
                done = _truncate(part, hasher)
            elif status == 206:
                start = r.headers.get("Content-Range", "bytes 0-").split()[-1].split("-")[0]
                if not start.isdigit() or int(start) != done:
                    done = _truncate(part, hasher)
                    raise _Retry(
                        "the server sent the wrong range", wait=0, cause=RetryCause.WRONG_RANGE
                    )
            report(TransferProgress(done, size, 0.0, TransferState.DOWNLOADING))
            last = time.monotonic()
            with open(part, "ab", buffering=0) as f:
                # As the bytes come: re-chunking them (iter_bytes(size)) copies every byte once
                # more for nothing. The hash runs on the digest's own thread.
                for chunk in r.iter_bytes():
                    if done + len(chunk) > size:
                        chunk = chunk[: size - done]
                    try:
                        write_chunk(f, chunk)
                    except OSError as exc:
                        raise _disk_error(exc, part, size - done) from None
                    hasher.update(chunk)
                    done += len(chunk)
                    now = time.monotonic()
                    if now - last >= interval:
                        last = now
                        report(
                            TransferProgress(
                                done, size, speed.add(now, done), TransferState.DOWNLOADING
                            )
                        )
                    if control.stop_requested or done >= size:
                        break
            return done, etag
    except httpx2.ReadTimeout:
        raise _Retry("no data arrived", stalled=True, cause=RetryCause.NO_DATA) from None
    except httpx2.ConnectError as exc:
        if connected_before:
            raise _Retry(f"could not reconnect: {exc!r}", cause=RetryCause.NO_RECONNECT) from None
        raise _offline(url, str(exc)) from None
    except httpx2.TransportError as exc:  # dropped connection, protocol errors
        raise _Retry(f"connection lost: {exc!r}", cause=RetryCause.CONNECTION_LOST) from None


def _is_the_file(headers: httpx2.Headers, expected: int) -> bool:
    """Whether an answer can be the bytes asked for: not a web page, and as long as they are
    when it says its length."""
    kind = headers.get("Content-Type", "").split(";")[0].strip().lower()
    if kind in ("text/html", "application/xhtml+xml"):
        return False
    length = headers.get("Content-Length", "").strip()
    encoded = headers.get("Content-Encoding", "identity").strip().lower() != "identity"
    return encoded or not length.isdigit() or int(length) == expected


def _offline(url: str, detail: str) -> TransferError:
    """The hub at ``url`` cannot be reached at all (``detail`` for the log)."""
    import httpx2

    host = httpx2.URL(url).host
    return TransferError(
        TransferProblem.OFFLINE,
        f"Could not connect to {host}; check the internet connection.",
        detail,
        subject=host,
    )


def _disk_error(exc: OSError, part: Path, remaining: int) -> TransferError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        try:
            free = shutil.disk_usage(part.parent).free
        except OSError:
            free = 0
        needed = max(remaining + DISK_MARGIN - free, remaining)
        return TransferError(
            TransferProblem.DISK_FULL,
            f"The disk is full: {_mb(needed)} more is needed in “{part.parent}”. "
            "The download is kept and can resume once there is room.",
            str(exc),
            needed_bytes=needed,
            subject=str(part.parent),
        )
    return TransferError(
        TransferProblem.DISK_ERROR, f"Could not write “{part.name}”.", str(exc), subject=part.name
    )


def _truncate(part: Path, hasher: Digest) -> int:
    """Empty the part and restart the running hash."""
    with open(part, "wb"):
        pass
    hasher.reset()
    return 0


def _retry_after(value: str | None) -> float | None:
    if value and value.strip().isdigit():
        return float(value.strip())
    return None


def _stop(control: TransferControl, part: Path, meta: Path) -> TransferOutcome:
    if control.cancelled:
        _remove(part, meta)
        return TransferOutcome.CANCELLED
    return TransferOutcome.PAUSED


def _remove(*paths: Path) -> None:
    for p in paths:
        with contextlib.suppress(FileNotFoundError):
            p.unlink()

"""engine.transfer against the fake hub: progress, resume, verification and every fault."""

from __future__ import annotations

import errno
import hashlib
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.models import transfer
from desktop.models.transfer import (
    RetryCause,
    TransferControl,
    TransferError,
    TransferOutcome,
    TransferProblem,
    TransferProgress,
    TransferState,
    download,
    part_path,
)
from tests.fixtures.fake_hub import FakeHub

REPO = "acme/Big-GGUF"
NAME = "Big-Q4_K_M.gguf"
SIZE = 4 << 20
DATA = random.Random(0).randbytes(SIZE)
SHA = hashlib.sha256(DATA).hexdigest()
FAST = {"backoff": 0.01, "max_backoff": 0.05, "stall_timeout": 2.0}


@pytest.fixture
def hub() -> Iterator[FakeHub]:
    with FakeHub() as hub:
        hub.add_repo(REPO, {NAME: DATA})
        yield hub


def _get(hub: FakeHub, target: Path, **kwargs: object) -> TransferOutcome:
    return download(hub.url(REPO, NAME), target, SIZE, SHA, **{**FAST, **kwargs})  # type: ignore[arg-type]


def test_download_with_progress(hub: FakeHub, tmp_path: Path) -> None:
    seen: list[TransferProgress] = []
    target = tmp_path / "models" / NAME
    assert _get(hub, target, progress=seen.append, progress_interval=0) is TransferOutcome.DONE
    assert target.read_bytes() == DATA
    assert not part_path(target).exists() and not list(target.parent.glob("*.json"))
    states = [p.state for p in seen]
    assert states[0] is TransferState.CONNECTING and states[-1] is TransferState.VERIFYING
    done = [p.done for p in seen if p.state is TransferState.DOWNLOADING]
    assert done == sorted(done) and done[-1] == SIZE
    assert all(p.total == SIZE for p in seen)
    assert hub.sent_bytes(NAME) == SIZE
    assert any(r.status == 302 for r in hub.requests("/resolve/"))  # followed the redirect


def test_pause_and_resume(hub: FakeHub, tmp_path: Path) -> None:
    hub.rate = 8 << 20
    target = tmp_path / NAME
    control = TransferControl()

    def pause_half_way(p: TransferProgress) -> None:
        if p.done > SIZE // 3:
            control.pause()

    assert _get(hub, target, progress=pause_half_way, control=control) is TransferOutcome.PAUSED
    kept = part_path(target).stat().st_size
    assert SIZE // 3 < kept < SIZE and not target.exists()
    hub.rate = None
    assert _get(hub, target) is TransferOutcome.DONE
    assert target.read_bytes() == DATA
    last = hub.requests("/cdn/")[-1]
    assert last.range == f"bytes={kept}-" and last.status == 206
    assert hub.sent_bytes(NAME) <= SIZE * 1.05


def test_cancel_deletes_the_part(hub: FakeHub, tmp_path: Path) -> None:
    hub.rate = 8 << 20
    target = tmp_path / NAME
    control = TransferControl()

    def cancel(p: TransferProgress) -> None:
        if p.done > 0:
            control.cancel()

    assert _get(hub, target, progress=cancel, control=control) is TransferOutcome.CANCELLED
    assert list(tmp_path.iterdir()) == []


def test_killed_process_resumes_with_little_refetched(hub: FakeHub, tmp_path: Path) -> None:
    hub.rate = 6 << 20  # about 0.7 s for the whole file
    hub.chunk = 16 * 1024
    target = tmp_path / NAME
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fixtures.download_child",
            hub.url(REPO, NAME),
            str(target),
            str(SIZE),
            SHA,
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert child.stdout is not None
    try:
        for line in child.stdout:
            if line.strip().isdigit() and int(line) > SIZE * 0.4:
                break
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(10)
    assert child.returncode == -signal.SIGKILL
    kept = part_path(target).stat().st_size
    assert 0 < kept < SIZE, "the child should have been killed half way"
    hub.rate = None
    assert _get(hub, target) is TransferOutcome.DONE
    assert target.read_bytes() == DATA
    refetched = hub.sent_bytes(NAME) - SIZE
    print(f"\nkilled at {kept} bytes; fetched twice: {refetched} bytes ({refetched / SIZE:.1%})")
    assert refetched <= SIZE * 0.05


def test_corrupted_byte_is_caught(hub: FakeHub, tmp_path: Path) -> None:
    hub.inject("corrupt", NAME, at=SIZE // 2)
    target = tmp_path / NAME
    with pytest.raises(TransferError) as info:
        _get(hub, target)
    assert info.value.problem is TransferProblem.CORRUPT
    assert "damaged" in str(info.value)
    assert list(tmp_path.iterdir()) == []  # the part is deleted, nothing else appears
    assert _get(hub, target) is TransferOutcome.DONE  # a retry gets the right bytes


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "drop", "at": SIZE // 3},
        {"kind": "drop", "at": 0, "count": 3},
        {"kind": "status", "code": 429},
        {"kind": "status", "code": 503, "count": 2},
        {"kind": "status", "code": 500},
        {"kind": "status", "code": 416},
    ],
    ids=lambda f: f"{f['kind']}-{f.get('code', f.get('at'))}",
)
def test_transient_faults_are_retried(hub: FakeHub, tmp_path: Path, fault: dict) -> None:
    hub.inject(fault.pop("kind"), NAME, **fault)
    seen: list[TransferProgress] = []
    target = tmp_path / NAME
    started = time.monotonic()
    assert _get(hub, target, progress=seen.append) is TransferOutcome.DONE
    assert target.read_bytes() == DATA
    assert TransferState.RETRYING in {p.state for p in seen}
    assert time.monotonic() - started < 10  # Retry-After: 1 for 429 is honoured, no more


def test_a_retry_says_why_and_which_try_comes_next(hub: FakeHub, tmp_path: Path) -> None:
    hub.inject("status", NAME, code=500, count=2)
    seen: list[TransferProgress] = []
    assert _get(hub, tmp_path / NAME, progress=seen.append, max_retries=4) is TransferOutcome.DONE
    retries = [p for p in seen if p.state is TransferState.RETRYING]
    assert [(p.cause, p.attempt, p.attempts) for p in retries] == [
        ("HTTP 500", 2, 5),
        ("HTTP 500", 3, 5),
    ]
    assert all(p.retry_in > 0 for p in retries)


def test_stall_is_detected_and_retried(hub: FakeHub, tmp_path: Path) -> None:
    hub.inject("stall", NAME, at=SIZE // 4, seconds=30)
    seen: list[TransferProgress] = []
    target = tmp_path / NAME
    assert _get(hub, target, progress=seen.append, stall_timeout=0.5) is TransferOutcome.DONE
    assert TransferState.STALLED in {p.state for p in seen}
    assert RetryCause.NO_DATA in {p.cause for p in seen}
    assert hub.sent_bytes(NAME) <= SIZE * 1.05  # resumed, not restarted


def test_server_that_keeps_failing(hub: FakeHub, tmp_path: Path) -> None:
    hub.inject("status", NAME, code=500, count=None)
    with pytest.raises(TransferError) as info:
        _get(hub, tmp_path / NAME, max_retries=2)
    assert info.value.problem is TransferProblem.SERVER


def test_a_sign_in_page_instead_of_the_file_keeps_the_part(hub: FakeHub, tmp_path: Path) -> None:
    """A captive portal answers every address with 200 and its page: a resume met by it used to
    start over (200 means "the whole file") and wipe what had arrived for a web page."""
    hub.rate = 8 << 20
    target = tmp_path / NAME
    control = TransferControl()

    def pause_half_way(p: TransferProgress) -> None:
        if p.done > SIZE // 2:
            control.pause()

    assert _get(hub, target, progress=pause_half_way, control=control) is TransferOutcome.PAUSED
    kept = part_path(target).read_bytes()
    assert SIZE // 2 < len(kept) < SIZE
    hub.rate = None
    hub.inject("page", NAME, count=None)
    seen: list[TransferProgress] = []
    with pytest.raises(TransferError) as info:
        _get(hub, target, progress=seen.append, max_retries=2)
    assert info.value.problem is TransferProblem.NOT_THE_FILE
    assert "something other than the file" in str(info.value)
    assert RetryCause.NOT_THE_FILE in {p.cause for p in seen}
    assert part_path(target).read_bytes() == kept  # nothing written, nothing lost
    hub.clear_faults()
    assert _get(hub, target) is TransferOutcome.DONE  # the portal is gone: it resumes
    assert target.read_bytes() == DATA
    assert hub.sent_bytes(NAME) < SIZE * 1.6


def test_a_hub_gone_for_good_mid_download_is_called_unreachable(
    hub: FakeHub, tmp_path: Path
) -> None:
    """Every reconnection refused: the download said "kept failing; try again later", as if
    the server had trouble, when the connection was what had gone."""
    hub.rate = 8 << 20
    target = tmp_path / NAME

    def hub_goes_away(p: TransferProgress) -> None:
        if p.done > SIZE // 3 and not hub.stopping.is_set():
            hub.stop()

    with pytest.raises(TransferError) as info:
        _get(hub, target, progress=hub_goes_away, max_retries=2)
    assert info.value.problem is TransferProblem.OFFLINE
    assert info.value.subject == "127.0.0.1"
    assert SIZE // 3 < part_path(target).stat().st_size < SIZE  # kept for a later resume


def test_missing_file(hub: FakeHub, tmp_path: Path) -> None:
    with pytest.raises(TransferError) as info:
        download(hub.url(REPO, "nope.gguf"), tmp_path / "nope.gguf", 10, None, **FAST)
    assert info.value.problem is TransferProblem.NOT_FOUND


def test_range_ignored_or_part_of_another_file_starts_over(hub: FakeHub, tmp_path: Path) -> None:
    target = tmp_path / NAME
    part_path(target).write_bytes(b"x" * 1000)  # no sidecar: not known to be this file
    assert _get(hub, target) is TransferOutcome.DONE
    assert target.read_bytes() == DATA
    assert hub.requests("/cdn/")[-1].range is None


def test_disk_space_checked_before_start(
    hub: FakeHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    real = shutil.disk_usage
    monkeypatch.setattr(transfer.shutil, "disk_usage", lambda p: real(p)._replace(free=SIZE // 2))
    with pytest.raises(TransferError) as info:
        _get(hub, tmp_path / NAME)
    assert info.value.problem is TransferProblem.DISK_FULL
    assert info.value.needed_bytes >= SIZE // 2
    assert "MB" in str(info.value)
    assert hub.requests("/cdn/") == []


def test_full_disk_mid_transfer_stops_cleanly(
    hub: FakeHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = 0
    real_write = transfer.write_chunk

    def filling_disk(f, data: bytes) -> None:  # type: ignore[no-untyped-def]
        nonlocal written
        if written + len(data) > SIZE // 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(f, data)
        written += len(data)

    monkeypatch.setattr(transfer, "write_chunk", filling_disk)
    other = tmp_path / "someone-elses-file.txt"
    other.write_text("keep me")
    target = tmp_path / NAME
    with pytest.raises(TransferError) as info:
        _get(hub, target)
    assert info.value.problem is TransferProblem.DISK_FULL
    assert info.value.needed_bytes >= SIZE - written
    assert part_path(target).stat().st_size == written  # kept for later
    assert other.read_text() == "keep me" and not target.exists()
    monkeypatch.setattr(transfer, "write_chunk", real_write)
    assert _get(hub, target) is TransferOutcome.DONE  # room again: it resumes
    assert hub.requests("/cdn/")[-1].range == f"bytes={written}-"


def test_offline_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(TransferError) as info:
        download(f"http://127.0.0.1:{port}/a/b/resolve/main/x.gguf", tmp_path / "x.gguf", 10,
                 None, **FAST)  # fmt: skip
    assert info.value.problem is TransferProblem.OFFLINE
    assert "127.0.0.1" in str(info.value)
    assert time.monotonic() - started < 5


def test_digest_on_its_own_thread_matches_hashlib_and_starts_over() -> None:
    """The hash runs behind the download; what it reports must still be every byte in order,
    the backlog must hold the writer back rather than grow, and a reset must drop what came
    before it (a server that ignored the range)."""
    pieces = [random.Random(i).randbytes(random.Random(i).randrange(1, 300_000)) for i in range(60)]
    with transfer.Digest(backlog=256 * 1024) as digest:
        for piece in pieces[:20]:
            digest.update(piece)
            assert digest.unhashed <= 256 * 1024 + len(piece)
        digest.reset()
        for piece in pieces[20:]:
            digest.update(piece)
        assert digest.hexdigest() == hashlib.sha256(b"".join(pieces[20:])).hexdigest()
        thread = digest.hashing_thread
    assert thread is not None
    thread.join(timeout=5)
    assert not thread.is_alive(), "leaving the digest must end its thread"


def test_reads_are_larger_than_httpcores_default(
    hub: FakeHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """httpcore's 64 KiB reads cost a fifth of a fast download's CPU; the transfer asks for
    1 MiB (recv still returns whatever has arrived)."""
    import httpcore2

    monkeypatch.setattr(httpcore2.HTTP11Connection, "READ_NUM_BYTES", 64 * 1024)  # as shipped
    download(hub.url(REPO, NAME), tmp_path / NAME, SIZE, SHA, **FAST)
    assert httpcore2.HTTP11Connection.READ_NUM_BYTES == 1 << 20

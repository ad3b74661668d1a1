"""DownloadListModel and DownloadQueue on their own: the rows the Downloads tab shows, the commands
the queue sends, what it keeps for the next start, and a real transfer from the fake hub."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt, QThread

from desktop.models.qt.download_worker import (
    DownloadFile,
    DownloadRequest,
    DownloadState,
    DownloadWorker,
)
from desktop.models.qt.downloads_model import (
    DownloadListModel,
    DownloadQueue,
    DownloadRow,
    format_size,
)
from tests.fixtures.fake_hub import FakeHub

Roles = DownloadListModel.Roles
TIMEOUT = 30_000


def _text(model: DownloadListModel, row: int, column: int) -> str:
    return str(model.index(row, column).data())


def _request(folder: Path, name: str = "m.gguf", size: int = 1000) -> DownloadRequest:
    file = DownloadFile(f"http://127.0.0.1:9/{name}", folder / name, size, None)
    return DownloadRequest(f"acme/M/{name}", (file,), name)


# -- the list model -------------------------------------------------------------------------------


def test_rows_show_progress_size_speed_time_left_and_state(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = DownloadListModel()
    qtmodeltester.check(model, force_py=True)  # stays attached: every change below is checked
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(6)] == [
        "Model",
        "Progress",
        "Size",
        "Speed",
        "Time left",
        "State",
    ]
    model.add(DownloadRow("a", "Alpha", 10_000))
    model.add(DownloadRow("b", "Beta", 2_000))
    assert model.rowCount() == 2
    assert _text(model, 0, DownloadListModel.STATE) == "Waiting"
    assert _text(model, 0, DownloadListModel.SPEED) == ""  # not running: no speed, no time
    model.update("a", done=2_500, speed=1_000.0, state=DownloadState.DOWNLOADING.value)
    assert _text(model, 0, DownloadListModel.TITLE) == "Alpha"
    assert _text(model, 0, DownloadListModel.PROGRESS) == "25%"
    assert _text(model, 0, DownloadListModel.BYTES) == (
        f"{format_size(2_500)} of {format_size(10_000)}"
    )
    assert _text(model, 0, DownloadListModel.SPEED) == f"{format_size(1_000)}/s"
    assert _text(model, 0, DownloadListModel.TIME_LEFT) == "0:08"
    assert _text(model, 0, DownloadListModel.STATE) == "Downloading"
    assert model.index(0, 0).data(Roles.FractionRole) == 0.25
    assert (model.index(0, 0).data(Roles.DoneRole), model.index(0, 0).data(Roles.TotalRole)) == (
        2_500,
        10_000,
    )
    assert model.index(0, 0).data(Roles.SpeedRole) == 1_000.0
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == "Alpha"
    model.update("a", state=DownloadState.PAUSED.value)
    assert _text(model, 0, DownloadListModel.SPEED) == ""
    assert _text(model, 0, DownloadListModel.TIME_LEFT) == ""
    model.update("b", state=DownloadState.FAILED.value, reason="The file is damaged.")
    assert model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole) == "The file is damaged."
    assert model.index(1, 0).data(Roles.ReasonRole) == "The file is damaged."
    model.remove("a")
    assert model.rowCount() == 1 and model.index(0, 0).data(Roles.IdRole) == "b"
    model.remove("not-there")
    model.update("not-there", done=1)
    assert model.rowCount() == 1


def test_every_state_has_words() -> None:
    model = DownloadListModel()
    words = {state: model.state_text(state.value) for state in DownloadState}
    assert words == {
        DownloadState.QUEUED: "Waiting",
        DownloadState.DOWNLOADING: "Downloading",
        DownloadState.STALLED: "Stalled, retrying",
        DownloadState.RETRYING: "Retrying",
        DownloadState.VERIFYING: "Verifying",
        DownloadState.PAUSED: "Paused",
        DownloadState.FINISHED: "Done, verified",
        DownloadState.FAILED: "Failed",
        DownloadState.CANCELLED: "Cancelled",
    }


def test_asking_again_for_an_ended_download_starts_its_row_over_in_place(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = DownloadListModel()
    model.add(DownloadRow("a", "Alpha", 100, done=100, state=DownloadState.FAILED.value))
    model.add(DownloadRow("b", "Beta", 100))
    with qtbot.waitSignal(model.dataChanged) as changed:
        model.add(DownloadRow("a", "Alpha", 100))
    assert model.rowCount() == 2
    assert changed.args[0].row() == 0 and changed.args[1].column() == DownloadListModel.STATE
    assert _text(model, 0, DownloadListModel.STATE) == "Waiting"
    assert _text(model, 0, DownloadListModel.PROGRESS) == "0%"


def test_odd_sizes_do_not_break_the_progress() -> None:
    model = DownloadListModel()
    model.add(DownloadRow("unknown", "Unknown size", 0, done=500))
    model.add(DownloadRow("over", "More than said", 100, done=150))
    assert _text(model, 0, DownloadListModel.PROGRESS) == "0%"
    assert model.index(1, 0).data(Roles.FractionRole) == 1.0
    assert model.data(QModelIndex()) is None
    assert model.row("nothing") is None and model.row_of("nothing") == -1


# -- the queue without a worker: commands and what is kept ----------------------------------------


def test_a_request_is_listed_sent_and_kept_for_the_next_start(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    state = tmp_path / "downloads.json"
    queue = DownloadQueue(None, state_file=state)
    request = _request(tmp_path)
    with qtbot.waitSignal(queue.download_requested) as sent:
        queue.request(request)
    assert sent.args == [request]
    assert queue.model.rowCount() == 1
    assert _text(queue.model, 0, DownloadListModel.TITLE) == "m.gguf"
    assert queue.model.index(0, 0).data(Roles.TotalRole) == 1000
    assert queue.is_active(request.id) and not queue.is_active("other")
    kept = json.loads(state.read_text())["downloads"]
    assert [item["id"] for item in kept] == [request.id]
    with qtbot.waitSignal(queue.pause_requested) as paused:
        queue.pause(request.id)
    assert paused.args == [request.id]
    with qtbot.waitSignal(queue.cancel_requested) as cancelled:
        queue.cancel(request.id)  # sent to the worker in this run: the worker cancels it
    assert cancelled.args == [request.id]


def test_an_unfinished_download_comes_back_paused_and_resumes_from_its_part_file(
    qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    state = tmp_path / "downloads.json"
    request = _request(tmp_path)
    DownloadQueue(None, state_file=state).request(request)
    (tmp_path / "m.gguf.part").write_bytes(b"x" * 400)
    again = DownloadQueue(None, state_file=state)  # the next start
    model = again.model
    assert model.rowCount() == 1
    assert model.index(0, 0).data(Roles.StateRole) == DownloadState.PAUSED.value
    assert model.index(0, 0).data(Roles.DoneRole) == 400
    assert _text(model, 0, DownloadListModel.PROGRESS) == "40%"
    resumes: list[str] = []
    again.resume_requested.connect(resumes.append)
    with qtbot.waitSignal(again.download_requested) as sent:
        again.resume(request.id)  # the worker of this run has never seen it
    assert sent.args == [request] and resumes == []
    assert model.index(0, 0).data(Roles.StateRole) == DownloadState.QUEUED.value
    with qtbot.waitSignal(again.resume_requested) as resumed:
        again.resume(request.id)  # now it has: an ordinary resume
    assert resumed.args == [request.id]


def test_a_failed_download_keeps_its_reason_and_true_size_across_a_restart(
    qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """A failure shows what is on disk (a full disk stops between two progress reports) and
    comes back after a restart failed, with its reason, not "Paused, 0 bytes" (item 15)."""
    state = tmp_path / "downloads.json"
    request = _request(tmp_path)
    queue = DownloadQueue(None, state_file=state)
    queue.request(request)
    queue.on_worker_download_progress(request.id, 100, 1000, 5.0)
    (tmp_path / "m.gguf.part").write_bytes(b"x" * 700)
    queue.on_worker_state_changed(request.id, DownloadState.FAILED.value)
    queue.on_worker_download_failed(request.id, "The disk is full.")
    assert queue.model.index(0, 0).data(Roles.DoneRole) == 700
    again = DownloadQueue(None, state_file=state)  # the next start
    model = again.model
    assert model.index(0, 0).data(Roles.StateRole) == DownloadState.FAILED.value
    assert model.index(0, 0).data(Roles.ReasonRole) == "The disk is full."
    assert model.index(0, 0).data(Roles.DoneRole) == 700
    with qtbot.waitSignal(again.download_requested):
        again.resume(request.id)  # a retry forgets the reason
    assert DownloadQueue(None, state_file=state).model.index(0, 0).data(Roles.ReasonRole) == ""


def test_a_retry_says_when_the_next_attempt_starts() -> None:
    queue = DownloadQueue(None)
    request = _request(Path("/nowhere"))
    queue.request(request)
    queue.on_worker_state_changed(request.id, DownloadState.RETRYING.value)
    queue.on_worker_retry_scheduled(request.id, 8.0)
    assert _text(queue.model, 0, DownloadListModel.STATE) == "Retrying in 8 s"


class Clock:
    """The model's clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_stall_says_how_long_and_shows_the_bytes_on_disk(tmp_path: Path) -> None:
    """Long before the transfer's own stall timeout, a row with no new bytes says it is
    stalled, and how much is on disk, not "Downloading" with the last report (item 15)."""
    queue = DownloadQueue(None)
    clock = queue.model.clock = Clock()
    request = _request(tmp_path)
    queue.request(request)
    queue.on_worker_state_changed(request.id, DownloadState.DOWNLOADING.value)
    queue.on_worker_download_progress(request.id, 100, 1000, 50.0)
    (tmp_path / "m.gguf.part").write_bytes(b"x" * 700)  # written after the last report
    clock.now += 4
    queue.tick()
    assert _text(queue.model, 0, DownloadListModel.STATE) == "Downloading"
    clock.now += 3
    queue.tick()
    assert _text(queue.model, 0, DownloadListModel.STATE) == "Stalled — no data for 7 s"
    assert queue.model.index(0, 0).data(Roles.DoneRole) == 700
    assert _text(queue.model, 0, DownloadListModel.SPEED) == ""
    assert _text(queue.model, 0, DownloadListModel.TIME_LEFT) == ""
    queue.on_worker_download_progress(request.id, 800, 1000, 50.0)  # bytes again
    assert _text(queue.model, 0, DownloadListModel.STATE) == "Downloading"


def test_a_retry_counts_down_and_says_why_and_which_try() -> None:
    queue = DownloadQueue(None)
    clock = queue.model.clock = Clock()
    request = _request(Path("/nowhere"))
    queue.request(request)
    queue.on_worker_state_changed(request.id, DownloadState.RETRYING.value)
    queue.on_worker_retry_scheduled(request.id, 8.0, "HTTP 500", 2, 7)
    story = lambda: queue.model.index(0, 0).data(DownloadListModel.TROUBLE_ROLE)  # noqa: E731
    assert story() == "Retrying in 8 s (HTTP 500, try 2 of 7)"
    assert _text(queue.model, 0, DownloadListModel.STATE) == "Retrying in 8 s"  # the short form
    assert queue.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == story()
    clock.now += 3.2
    queue.tick()
    assert story() == "Retrying in 5 s (HTTP 500, try 2 of 7)"
    assert _text(queue.model, 0, DownloadListModel.STATE) == "Retrying in 5 s"
    queue.on_worker_retry_scheduled(request.id, 4.0, "no data", 3, 7)
    assert story() == "Retrying in 4 s (no data, try 3 of 7)"


def test_a_retry_leaves_the_model_name_in_view_and_says_why_below(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The whole story in the State column made it so wide that the name shrank to "…" in an
    800-pixel window; it is said under the table for the chosen row instead."""
    from desktop.models.qt.downloads_panel import DownloadsPanel

    queue = DownloadQueue(None)
    panel = DownloadsPanel(queue)
    qtbot.addWidget(panel)
    panel.resize(780, 500)
    panel.show()
    request = _request(Path("/nowhere"), "Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf")
    queue.request(request)
    queue.on_worker_state_changed(request.id, DownloadState.RETRYING.value)
    queue.on_worker_retry_scheduled(request.id, 8.0, "could not reconnect", 3, 7)
    panel.select(request.id)
    qtbot.waitUntil(lambda: panel.reason.isVisible())
    assert panel.reason.text() == "Retrying in 8 s (could not reconnect, try 3 of 7)"
    view = panel.view
    name = view.fontMetrics().horizontalAdvance(request.title)
    assert view.columnWidth(DownloadListModel.TITLE) >= min(name, 250)
    assert not view.horizontalScrollBar().isVisible()


def test_a_download_can_be_paused_while_it_waits_to_retry(qtbot) -> None:  # type: ignore[no-untyped-def]
    from desktop.models.qt.downloads_panel import DownloadsPanel

    queue = DownloadQueue(None)
    panel = DownloadsPanel(queue)
    qtbot.addWidget(panel)
    request = _request(Path("/nowhere"))
    queue.request(request)
    queue.on_worker_state_changed(request.id, DownloadState.RETRYING.value)
    panel.select(request.id)
    panel.update_buttons()
    assert panel.pause_button.isEnabled()


def test_the_worker_tells_the_row_why_it_retries(
    qtbot, hub: FakeHub, worker: DownloadWorker, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    queue = DownloadQueue(worker)
    request = _hub_request(hub, tmp_path)
    hub.inject("status", "tiny-F16", code=503, count=1, method="GET")
    queue.request(request)
    qtbot.waitUntil(lambda: queue.model.rows[0].cause == "HTTP 503", timeout=TIMEOUT)
    row = queue.model.rows[0]
    assert (row.attempt, row.attempts) == (2, 7) and row.retry_in > 0
    qtbot.waitUntil(
        lambda: queue.model.index(0, 0).data(Roles.StateRole) == "finished", timeout=TIMEOUT
    )


def test_cancelling_a_download_left_by_the_last_run_removes_its_part_files(
    tmp_path: Path,
) -> None:
    state = tmp_path / "downloads.json"
    request = _request(tmp_path)
    DownloadQueue(None, state_file=state).request(request)
    part, meta = tmp_path / "m.gguf.part", tmp_path / "m.gguf.part.json"
    part.write_bytes(b"x" * 10)
    meta.write_text("{}")
    again = DownloadQueue(None, state_file=state)
    cancels: list[str] = []
    cancelled: list[str] = []
    again.cancel_requested.connect(cancels.append)
    again.download_cancelled.connect(cancelled.append)
    again.cancel(request.id)
    assert cancels == []  # nothing to tell the worker
    assert cancelled == [request.id]  # "… is in the download queue" notes go
    assert not part.exists() and not meta.exists()
    assert _text(again.model, 0, DownloadListModel.STATE) == "Cancelled"
    assert not again.is_active(request.id)
    assert DownloadQueue(None, state_file=state).model.rowCount() == 0


def test_a_download_the_worker_cancelled_is_said_to_have_ended(tmp_path: Path) -> None:
    queue = DownloadQueue(None, state_file=tmp_path / "downloads.json")
    request = _request(tmp_path)
    queue.request(request)
    cancelled: list[str] = []
    queue.download_cancelled.connect(cancelled.append)
    queue.on_worker_state_changed(request.id, "downloading")
    assert cancelled == []
    queue.on_worker_state_changed(request.id, "cancelled")
    assert cancelled == [request.id]


def test_a_finished_file_or_a_damaged_list_is_not_listed_again(tmp_path: Path) -> None:
    state = tmp_path / "downloads.json"
    request = _request(tmp_path)
    DownloadQueue(None, state_file=state).request(request)
    (tmp_path / "m.gguf").write_bytes(b"done")  # the file arrived after all
    assert DownloadQueue(None, state_file=state).model.rowCount() == 0
    state.write_text("{not json")
    assert DownloadQueue(None, state_file=state).model.rowCount() == 0
    state.write_text(json.dumps({"downloads": [{"id": "x", "files": []}]}))
    assert DownloadQueue(None, state_file=state).model.rowCount() == 0


# -- the queue with the real worker and the fake hub ----------------------------------------------


@pytest.fixture
def worker(qtbot) -> Iterator[DownloadWorker]:  # type: ignore[no-untyped-def]
    thread = QThread()
    worker = DownloadWorker(parallel=2, progress_interval=0.01, transfer_options={"backoff": 0.01})
    worker.moveToThread(thread)
    thread.start()
    yield worker
    worker.shutdown()
    thread.quit()
    thread.wait()


def _hub_request(hub: FakeHub, folder: Path) -> DownloadRequest:
    repo = hub.repos["hearthside/tiny-GGUF"]
    name = "tiny-F16.gguf"
    file = DownloadFile(
        hub.url(repo.repo_id, name), folder / name, len(repo.files[name]), repo.sha256(name)
    )
    return DownloadRequest(f"{repo.repo_id}/{name}", (file,), name)


def test_a_download_finishes_verified_and_is_forgotten(
    qtbot, hub: FakeHub, worker: DownloadWorker, tmp_path: Path, tiny_gguf: Path
) -> None:  # type: ignore[no-untyped-def]
    state = tmp_path / "downloads.json"
    queue = DownloadQueue(worker, state_file=state)
    request = _hub_request(hub, tmp_path / "models")
    with qtbot.waitSignal(queue.download_finished, timeout=TIMEOUT) as finished:
        queue.request(request)
    path = tmp_path / "models" / "tiny-F16.gguf"
    assert finished.args == [request.id, str(path)]
    assert path.read_bytes() == tiny_gguf.read_bytes()
    model = queue.model
    qtbot.waitUntil(lambda: model.index(0, 0).data(Roles.StateRole) == "finished")
    assert _text(model, 0, DownloadListModel.STATE) == "Done, verified"
    assert _text(model, 0, DownloadListModel.PROGRESS) == "100%"
    assert model.index(0, 0).data(Roles.PathRole) == str(path)
    assert not queue.is_active(request.id)
    assert json.loads(state.read_text())["downloads"] == []


def test_asking_again_for_a_running_or_paused_download_keeps_its_row(
    qtbot, hub: FakeHub, worker: DownloadWorker, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """A second click on Download for the file being downloaded: the row keeps its state and
    bytes (it said "Waiting", 0 B, while the bytes went on); when paused, it resumes."""
    hub.rate = 20_000  # the tiny model takes a while
    queue = DownloadQueue(worker)
    request = _hub_request(hub, tmp_path)
    model = queue.model
    queue.request(request)
    qtbot.waitUntil(
        lambda: (
            model.index(0, 0).data(Roles.StateRole) == "downloading"
            and model.index(0, 0).data(Roles.DoneRole) > 0
        ),
        timeout=TIMEOUT,
    )
    sent: list[object] = []
    queue.download_requested.connect(sent.append)
    queue.request(request)
    assert sent == [] and model.rowCount() == 1
    assert model.index(0, 0).data(Roles.StateRole) == "downloading"
    assert model.index(0, 0).data(Roles.DoneRole) > 0
    queue.pause(request.id)
    qtbot.waitUntil(lambda: model.index(0, 0).data(Roles.StateRole) == "paused", timeout=TIMEOUT)
    hub.rate = None
    with qtbot.waitSignal(queue.download_finished, timeout=TIMEOUT):
        queue.request(request)  # paused: asking again resumes it
    assert sent == []


def test_a_cancelled_download_shows_none_of_its_deleted_bytes(
    qtbot, hub: FakeHub, worker: DownloadWorker, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """The row said "73%, 387.8 MB of 531.0 MB" after Cancel had deleted those bytes."""
    hub.rate = 20_000
    queue = DownloadQueue(worker)
    request = _hub_request(hub, tmp_path)
    model = queue.model
    queue.request(request)
    qtbot.waitUntil(lambda: model.index(0, 0).data(Roles.DoneRole) > 0, timeout=TIMEOUT)
    with qtbot.waitSignal(queue.download_cancelled, timeout=TIMEOUT):
        queue.cancel(request.id)
    assert model.index(0, 0).data(Roles.StateRole) == "cancelled"
    assert model.index(0, 0).data(Roles.DoneRole) == 0
    assert _text(model, 0, DownloadListModel.PROGRESS) == "0%"
    assert not list(tmp_path.glob("*.part"))


def test_a_failed_download_says_why_and_a_retry_finishes_it(
    qtbot, hub: FakeHub, worker: DownloadWorker, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    queue = DownloadQueue(worker)
    request = _hub_request(hub, tmp_path)
    hub.inject("corrupt", "tiny-F16", at=100, method="GET")
    with qtbot.waitSignal(queue.download_failed, timeout=TIMEOUT) as failed:
        queue.request(request)
    assert failed.args[0] == request.id and "damaged" in failed.args[1]
    model = queue.model
    qtbot.waitUntil(lambda: model.index(0, 0).data(Roles.StateRole) == "failed")
    assert _text(model, 0, DownloadListModel.STATE) == "Failed"
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == failed.args[1]
    with qtbot.waitSignal(queue.download_finished, timeout=TIMEOUT):
        queue.resume(request.id)
    assert model.index(0, 0).data(Roles.ReasonRole) == ""

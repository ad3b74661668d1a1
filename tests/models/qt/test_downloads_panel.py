"""The Downloads tab on its own (DownloadsPanel over a DownloadQueue without a worker): which
buttons a download's state allows, what they send, the failure reason, "Load now", the bars."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPalette

from desktop.models.qt.download_worker import DownloadFile, DownloadRequest, DownloadState
from desktop.models.qt.downloads_model import DownloadListModel, DownloadQueue, DownloadRow
from desktop.models.qt.downloads_panel import DownloadsPanel, ProgressDelegate


@pytest.fixture
def queue() -> DownloadQueue:
    return DownloadQueue(None)


@pytest.fixture
def panel(qtbot, queue: DownloadQueue) -> DownloadsPanel:  # type: ignore[no-untyped-def]
    panel = DownloadsPanel(queue)
    panel.resize(900, 400)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def _enabled(panel: DownloadsPanel) -> set[str]:
    buttons = {
        "pause": panel.pause_button,
        "resume": panel.resume_button,
        "retry": panel.retry_button,
        "cancel": panel.cancel_button,
        "load": panel.load_button,
    }
    return {name for name, button in buttons.items() if button.isEnabled()}


def _click_row(qtbot, panel: DownloadsPanel, row: int) -> None:  # type: ignore[no-untyped-def]
    index = panel.model.index(row, DownloadListModel.TITLE)
    qtbot.mouseClick(
        panel.view.viewport(), Qt.MouseButton.LeftButton, pos=panel.view.visualRect(index).center()
    )


def test_nothing_downloading_says_where_to_find_models(panel: DownloadsPanel) -> None:
    """An empty state in the table's place, not a bare header over a blank area; the buttons,
    with nothing to act on, are hidden with the table."""
    assert panel.empty_state.isVisible() and not panel.view.isVisible()
    assert panel.empty_state.title.text() == "Nothing downloading"
    assert "Browse tab" in panel.empty_state.text.text()
    assert panel.browse_button.isVisible() and panel.browse_button.isEnabled()
    assert _enabled(panel) == set()
    assert not panel.button_row.isVisible()
    assert not panel.reason.isVisible()


def test_the_browse_button_asks_for_the_browse_tab(qtbot, panel: DownloadsPanel) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(panel.browse_requested, timeout=1000):
        qtbot.mouseClick(panel.browse_button, Qt.MouseButton.LeftButton)


def test_the_table_is_back_with_the_first_download_and_gone_with_the_last(
    panel: DownloadsPanel, queue: DownloadQueue
) -> None:
    queue.model.add(DownloadRow("a", "Alpha", 100, done=10))
    assert panel.view.isVisible() and not panel.empty_state.isVisible()
    assert panel.button_row.isVisible()
    queue.model.add(DownloadRow("b", "Beta", 100))
    queue.model.remove("a")
    assert panel.view.isVisible()
    queue.model.remove("b")
    assert panel.empty_state.isVisible() and not panel.view.isVisible()
    assert not panel.button_row.isVisible()


def test_a_new_download_is_selected_and_can_be_paused_or_cancelled(
    qtbot, panel: DownloadsPanel, queue: DownloadQueue, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    file = DownloadFile("http://127.0.0.1:9/m.gguf", tmp_path / "m.gguf", 100, None)
    request = DownloadRequest("acme/M/m.gguf", (file,), "m.gguf")
    queue.request(request)
    assert not panel.empty_state.isVisible() and panel.view.isVisible()
    assert panel.selected_id() == request.id
    assert _enabled(panel) == {"pause", "cancel"}
    with qtbot.waitSignal(queue.pause_requested) as paused:
        qtbot.mouseClick(panel.pause_button, Qt.MouseButton.LeftButton)
    assert paused.args == [request.id]
    with qtbot.waitSignal(queue.cancel_requested) as cancelled:
        qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert cancelled.args == [request.id]


def test_cancelling_a_download_with_bytes_on_disk_asks_first(
    qtbot, panel: DownloadsPanel, queue: DownloadQueue
) -> None:  # type: ignore[no-untyped-def]
    """Cancel deletes what has arrived: a click beside Pause cost gigabytes without a word."""
    queue.model.add(DownloadRow("a", "Alpha.gguf", 4_000_000_000, done=1_500_000_000))
    panel.select("a")
    asked: list[str] = []
    cancels: list[str] = []
    queue.cancel_requested.connect(cancels.append)
    panel.confirm = lambda _title, question: asked.append(question) or False
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert cancels == [] and len(asked) == 1
    assert "Alpha.gguf" in asked[0] and "1.5 GB" in asked[0] and "deleted" in asked[0]
    panel.confirm = lambda _title, _question: True
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert cancels == ["a"]


@pytest.mark.parametrize(
    ("state", "buttons"),
    [
        (DownloadState.QUEUED, {"pause", "cancel"}),
        (DownloadState.DOWNLOADING, {"pause", "cancel"}),
        (DownloadState.STALLED, {"pause", "cancel"}),
        (DownloadState.VERIFYING, set()),
        (DownloadState.PAUSED, {"resume", "cancel"}),
        (DownloadState.FAILED, {"retry", "cancel"}),
        (DownloadState.FINISHED, {"load"}),
        (DownloadState.CANCELLED, set()),
    ],
)
def test_the_buttons_follow_the_selected_downloads_state(
    qtbot, panel: DownloadsPanel, queue: DownloadQueue, state: DownloadState, buttons: set[str]
) -> None:  # type: ignore[no-untyped-def]
    queue.model.add(DownloadRow("a", "Alpha", 100))
    queue.model.add(DownloadRow("b", "Beta", 100))
    _click_row(qtbot, panel, 0)
    assert panel.selected_id() == "a"
    queue.model.update("a", state=state.value)  # the worker's report arrives
    assert _enabled(panel) == buttons


def test_a_failed_download_shows_its_reason_as_plain_text_and_retries(
    qtbot, panel: DownloadsPanel, queue: DownloadQueue
) -> None:  # type: ignore[no-untyped-def]
    reason = "<b>The file is damaged</b> & was removed."
    queue.model.add(DownloadRow("a", "Alpha", 100))
    queue.model.update("a", state=DownloadState.FAILED.value, reason=reason)
    assert panel.reason.isVisible()
    assert panel.reason.text() == f"Failed: {reason}"
    assert panel.reason.textFormat() == Qt.TextFormat.PlainText
    with qtbot.waitSignal(queue.resume_requested) as retried:
        qtbot.mouseClick(panel.retry_button, Qt.MouseButton.LeftButton)
    assert retried.args == ["a"]
    assert not panel.reason.isVisible()  # the retry clears the reason
    queue.model.add(DownloadRow("b", "Beta", 100))  # another row, selected: no reason shown
    assert panel.selected_id() == "b" and not panel.reason.isVisible()


def test_a_paused_download_resumes(qtbot, panel: DownloadsPanel, queue: DownloadQueue) -> None:  # type: ignore[no-untyped-def]
    queue.model.add(DownloadRow("a", "Alpha", 100, done=40, state=DownloadState.PAUSED.value))
    with qtbot.waitSignal(queue.resume_requested) as resumed:
        qtbot.mouseClick(panel.resume_button, Qt.MouseButton.LeftButton)
    assert resumed.args == ["a"]


def test_load_now_asks_for_the_finished_file(
    qtbot, panel: DownloadsPanel, queue: DownloadQueue
) -> None:  # type: ignore[no-untyped-def]
    queue.model.add(DownloadRow("a", "Alpha", 100))
    queue.model.add(
        DownloadRow("b", "Beta", 100, done=100, state="finished", path="/models/beta.gguf")
    )
    _click_row(qtbot, panel, 0)
    loads: list[str] = []
    panel.load_requested.connect(loads.append)
    panel.load_selected()  # not finished: nothing to load
    assert loads == []
    panel.select("b")
    with qtbot.waitSignal(panel.load_requested) as loaded:
        qtbot.mouseClick(panel.load_button, Qt.MouseButton.LeftButton)
    assert loaded.args == ["/models/beta.gguf"]


def test_the_progress_column_is_drawn_as_a_bar(
    qtbot, panel: DownloadsPanel, queue: DownloadQueue
) -> None:  # type: ignore[no-untyped-def]
    queue.model.add(DownloadRow("a", "Alpha", 100, done=0))
    queue.model.add(DownloadRow("b", "Beta", 100, done=100))
    delegate = panel.view.itemDelegateForColumn(DownloadListModel.PROGRESS)
    assert isinstance(delegate, ProgressDelegate)
    panel.view.clearSelection()  # the selection colour would cover what the bar draws
    image = panel.view.viewport().grab().toImage()
    empty = panel.view.visualRect(queue.model.index(0, DownloadListModel.PROGRESS))
    full = panel.view.visualRect(queue.model.index(1, DownloadListModel.PROGRESS))

    def colours(rect) -> set[int]:  # type: ignore[no-untyped-def]
        # The bar's middle, left of the percentage (right-aligned) and past where a plain
        # (left-aligned) text cell would write "0%" or "100%".
        y = rect.center().y()
        first = rect.left() + rect.width() // 4
        return {_rgb(image, x, y) for x in range(first, rect.left() + rect.width() // 2)}

    assert len(colours(empty)) == 1 and len(colours(full)) == 1  # a bar, no text on it
    assert colours(empty) != colours(full)
    accent = panel.view.palette().color(QPalette.ColorRole.Highlight).rgb() & 0xFFFFFF
    assert colours(full) == {accent}
    # The percentage is written beside the bar, so rows are tall enough for text and air,
    # and grow with the text size.
    assert panel.view.rowHeight(0) > panel.view.fontMetrics().height() + 8
    before = panel.view.rowHeight(0)
    bigger = panel.font()
    bigger.setPointSizeF(bigger.pointSizeF() * 2)
    panel.setFont(bigger)
    assert panel.view.rowHeight(0) > before
    assert panel.view.rowHeight(1) == panel.view.rowHeight(0)


def _rgb(image: QImage, x: int, y: int) -> int:
    return image.pixel(x, y) & 0xFFFFFF

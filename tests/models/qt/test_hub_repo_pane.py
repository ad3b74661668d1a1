"""The Browse tab's repo pane and download check on their own, against the fake hub on
127.0.0.1 (the ``hub`` and ``calls`` fixtures are in this folder's conftest.py): a file that
can't be picked, a download the user declines, and the model card's scrolling."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from desktop.models import hub as hub_module
from desktop.models.catalog import MachineMemory
from desktop.models.hub import HubClient
from desktop.models.qt.hub_repo_pane import CardBrowser, DownloadCheck, RepoPane, StartCall
from desktop.qtkit.background_calls import BackgroundCalls
from tests.fixtures.bad_files import write_unknown_arch_gguf
from tests.fixtures.fake_hub import FakeHub

GIB = 1 << 30
BIG_MACHINE = MachineMemory(total=64 * GIB, available=48 * GIB)
TIMEOUT = 20_000


@pytest.fixture
def start(hub: FakeHub, calls: BackgroundCalls) -> StartCall:
    """The owner's hub calls, as HubBrowser.start_call makes them."""
    client = HubClient(hub.endpoint)
    return lambda work, done, failed: calls.start(lambda: work(client), done, failed)


@pytest.fixture
def pane(qtbot, start: StartCall) -> RepoPane:  # type: ignore[no-untyped-def]
    pane = RepoPane(start, lambda: BIG_MACHINE, lambda: 4096, [], str)
    qtbot.addWidget(pane)
    return pane


def _open_repo(qtbot, pane: RepoPane, calls: BackgroundCalls, repo_id: str) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(pane.files_shown, timeout=TIMEOUT):
        pane.show_repo(repo_id)
    qtbot.waitUntil(lambda: not calls.busy, timeout=TIMEOUT)  # the header read lands too


def test_a_split_model_with_a_part_missing_cannot_be_picked(
    qtbot, pane: RepoPane, calls: BackgroundCalls, hub: FakeHub, tiny_gguf: Path
) -> None:  # type: ignore[no-untyped-def]
    tiny = tiny_gguf.read_bytes()
    hub.add_repo(
        "acme/Half-GGUF",
        {"Half-Q4_0-00001-of-00002.gguf": tiny, "Half-Q8_0.gguf": tiny + b"\0" * 10},
    )
    _open_repo(qtbot, pane, calls, "acme/Half-GGUF")
    files = pane.files_model
    half = files.row_of("Half-Q4_0-00001-of-00002.gguf")
    assert "parts missing" in str(files.index(half, 4).data())
    assert not files.flags(files.index(half, 0)) & Qt.ItemFlag.ItemIsEnabled
    assert files.flags(files.index(files.row_of("Half-Q8_0.gguf"), 0)) & Qt.ItemFlag.ItemIsEnabled


def test_an_unsupported_model_the_user_declines_is_not_requested(
    qtbot, pane: RepoPane, start: StartCall, calls: BackgroundCalls, hub: FakeHub, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    odd = write_unknown_arch_gguf(tmp_path / "fancy.gguf").read_bytes()
    hub.add_repo("acme/Fancy-GGUF", {"fancy-Q4_0.gguf": odd})
    _open_repo(qtbot, pane, calls, "acme/Fancy-GGUF")
    assert pane.select_file("fancy-Q4_0.gguf")
    questions: list[str] = []
    check = DownloadCheck(pane, start, tmp_path, lambda _t, q: questions.append(q) or False)
    requested: list[object] = []
    check.download_requested.connect(requested.append)
    check.start()
    qtbot.waitUntil(lambda: bool(questions), timeout=TIMEOUT)
    assert "can't load" in questions[0] and "fancy-Q4_0.gguf" in questions[0]
    assert pane.files_note.text() == "Not downloaded."
    assert requested == []
    assert pane.download_button.isEnabled()  # the user may still change their mind


def test_a_model_card_scrolls_with_the_wheel_and_follows_no_link(qtbot) -> None:  # type: ignore[no-untyped-def]
    card = CardBrowser()
    card.resize(300, 200)
    qtbot.addWidget(card)
    card.show()
    qtbot.waitExposed(card)
    card.setHtml('<p><a href="https://example.org">a link</a></p>' + "<p>A line.</p>" * 200)
    bar = card.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0
    centre = QPointF(150, 100)
    wheel = QWheelEvent(
        centre,
        card.mapToGlobal(centre),
        QPoint(0, 0),
        QPoint(0, -120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(card.viewport(), wheel)
    assert bar.value() > 0  # the card scrolls itself (a chat bubble would not)
    assert not card.openLinks() and not card.openExternalLinks()


@pytest.mark.parametrize("answer", [True, False])
def test_a_check_that_cannot_finish_offers_to_download_anyway(
    qtbot,
    pane: RepoPane,
    start: StartCall,
    calls: BackgroundCalls,
    hub: FakeHub,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    answer: bool,
) -> None:  # type: ignore[no-untyped-def]
    """After its retries the check gives up: the user may download anyway, and no "Checking …"
    stays behind (issue 16 item 14)."""
    monkeypatch.setattr(hub_module, "HEADER_RETRY_PAUSE_S", 0.01)
    hub.inject("status", "Widget-7B-Q4_K_M", code=503, count=None, method="GET")
    _open_repo(qtbot, pane, calls, "acme/Widget-7B-GGUF")
    assert pane.select_file("Widget-7B-Q4_K_M.gguf")
    questions: list[str] = []
    check = DownloadCheck(pane, start, tmp_path, lambda _t, q: questions.append(q) or answer)
    requested: list[object] = []
    failed: list[object] = []
    check.download_requested.connect(requested.append)
    check.failed.connect(failed.append)
    check.start()
    qtbot.waitUntil(lambda: bool(questions), timeout=TIMEOUT)
    assert "could not be checked" in questions[0] and "Download it anyway?" in questions[0]
    assert failed == []
    assert len(requested) == int(answer)
    assert "Checking" not in pane.files_note.text()

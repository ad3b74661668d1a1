"""The model manager: library, hub browser and downloads, against the fake hub on 127.0.0.1."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QThread, QUrl
from PySide6.QtGui import QDropEvent

from desktop.core.settings import Settings
from desktop.models.catalog import MachineMemory
from desktop.models.qt.download_worker import DownloadWorker
from desktop.models.qt.downloads_model import DownloadListModel, DownloadRow
from desktop.models.qt.hub_models import HubResultsModel, RepoFilesModel
from desktop.models.qt.library_view import LibraryListModel
from desktop.models.qt.manager import ModelManager, ModelServices
from tests.fixtures.fake_hub import FakeHub

GIB = 1 << 30
BIG_MACHINE = MachineMemory(total=64 * GIB, available=48 * GIB)


@pytest.fixture
def settings(private_data_dir: Path, hub: FakeHub) -> Settings:
    settings = Settings(private_data_dir / "settings.json")
    settings.set("hub.endpoint", hub.endpoint)
    return settings


@pytest.fixture
def downloader(qtbot) -> Iterator[DownloadWorker]:  # type: ignore[no-untyped-def]
    thread = QThread()
    worker = DownloadWorker(parallel=2, progress_interval=0.01, transfer_options={"backoff": 0.01})
    worker.moveToThread(thread)
    thread.start()
    yield worker
    worker.shutdown()
    thread.quit()
    thread.wait()


@pytest.fixture
def manager(
    qtbot, settings: Settings, private_data_dir: Path, downloader: DownloadWorker
) -> Iterator[ModelManager]:  # type: ignore[no-untyped-def]
    services = ModelServices(
        settings, private_data_dir / "models", private_data_dir / "cache.json", downloader
    )
    window = ModelManager(services)
    window.machine = lambda: BIG_MACHINE  # type: ignore[method-assign]
    qtbot.addWidget(window)
    yield window
    window.calls.wait(20_000)


def _open_library(qtbot, manager: ModelManager) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(manager.library.scanned, timeout=10_000):
        manager.open_tab(ModelManager.LIBRARY_TAB)


def _column(model, row: int, column: int) -> str:  # type: ignore[no-untyped-def]
    return str(model.index(row, column).data())


# -- library --------------------------------------------------------------------------------------


def test_library_lists_the_tiny_model_with_facts_and_fit(
    qtbot, manager: ModelManager, tiny_gguf: Path, private_data_dir: Path, qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    models = private_data_dir / "models"
    models.mkdir(parents=True)
    shutil.copy(tiny_gguf, models / "tiny.gguf")
    _open_library(qtbot, manager)
    model = manager.library.model
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 1
    assert _column(model, 0, LibraryListModel.ARCH) == "llama"
    assert _column(model, 0, LibraryListModel.TEMPLATE) == "Yes"
    assert _column(model, 0, LibraryListModel.FIT) == "Fits"
    assert model.index(0, 0).data(LibraryListModel.Roles.FitRole) == "fits"
    assert int(_column(model, 0, LibraryListModel.CONTEXT).replace(",", "")) > 0
    assert "1 model(s)" in manager.library.summary.text()


def test_load_from_the_library_emits_the_path(
    qtbot, manager: ModelManager, tiny_gguf: Path, private_data_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    models = private_data_dir / "models"
    models.mkdir(parents=True)
    shutil.copy(tiny_gguf, models / "tiny.gguf")
    _open_library(qtbot, manager)
    manager.library.view.selectRow(0)
    with qtbot.waitSignal(manager.load_requested) as loaded:
        qtbot.mouseClick(manager.library.load_button, Qt.MouseButton.LeftButton)
    assert loaded.args == [str(models / "tiny.gguf")]


def test_import_copy_in_place_and_delete_to_trash(
    qtbot, manager: ModelManager, tiny_gguf: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "xdg-data").mkdir(exist_ok=True)  # the trash lives under XDG_DATA_HOME
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    source = elsewhere / "mine.gguf"
    shutil.copy(tiny_gguf, source)
    _open_library(qtbot, manager)
    library = manager.library
    library.ask_import = lambda _p: "copy"
    with qtbot.waitSignal(library.scanned, timeout=10_000):
        library.import_files([source])
    assert (library.models_dir / "mine.gguf").is_file() and source.is_file()
    assert library.model.rowCount() == 1
    # In place: the folder joins the library; the same file is listed once per path.
    library.ask_import = lambda _p: "in_place"
    with qtbot.waitSignal(library.scanned, timeout=10_000):
        library.import_files([source])
    assert str(elsewhere) in str(manager.services.settings.get("library.extra_folders"))
    assert library.model.rowCount() == 2
    # Delete the copy: asked first, then moved to the trash.
    questions: list[str] = []
    library.confirm = lambda _t, q: questions.append(q) or True
    library.select_path(library.models_dir / "mine.gguf")
    with qtbot.waitSignal(library.scanned, timeout=10_000):
        library.delete_selected()
    assert questions and "trash" in questions[0]
    assert not (library.models_dir / "mine.gguf").exists()
    assert list((tmp_path / "xdg-data" / "Trash" / "files").glob("mine*.gguf"))
    assert library.model.rowCount() == 1


def test_dropping_a_gguf_imports_it(qtbot, manager: ModelManager, tiny_gguf: Path) -> None:  # type: ignore[no-untyped-def]
    _open_library(qtbot, manager)
    asked: list[Path] = []
    manager.library.ask_import = lambda p: asked.append(p) or "copy"
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tiny_gguf))])
    drop = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(manager.library.scanned, timeout=10_000):
        manager.dropEvent(drop)  # Qt delivers drops only during a real drag
    assert drop.isAccepted()
    assert asked == [tiny_gguf]
    assert manager.library.model.rowCount() == 1


def test_the_empty_library_and_downloads_browse_buttons_open_the_browse_tab(
    qtbot, manager: ModelManager
) -> None:  # type: ignore[no-untyped-def]
    _open_library(qtbot, manager)
    assert manager.library.empty_state.isVisible()
    qtbot.mouseClick(manager.library.browse_button, Qt.MouseButton.LeftButton)
    assert manager.tabs.currentIndex() == ModelManager.BROWSE_TAB
    assert manager.browser.results_view.model().rowCount() > 0  # activated: the starter list
    manager.tabs.setCurrentIndex(ModelManager.DOWNLOADS_TAB)
    assert manager.downloads.empty_state.isVisible()
    qtbot.mouseClick(manager.downloads.browse_button, Qt.MouseButton.LeftButton)
    assert manager.tabs.currentIndex() == ModelManager.BROWSE_TAB


# -- browsing -------------------------------------------------------------------------------------


def test_no_network_until_the_browse_tab_is_used(
    qtbot, manager: ModelManager, hub: FakeHub, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    connects: list[object] = []
    real_connect = socket.socket.connect  # already the loopback-only guard from conftest

    def recording_connect(self: socket.socket, address: object) -> object:
        connects.append(address)
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", recording_connect)
    _open_library(qtbot, manager)
    manager.open_tab(ModelManager.BROWSE_TAB)  # the starter list needs no request
    qtbot.wait(100)
    assert manager.browser.results_view.model().rowCount() > 5
    assert connects == [] and hub.log == []
    with qtbot.waitSignal(manager.browser.results_shown, timeout=20_000):
        manager.browser.search_box.setText("widget")
        manager.browser.search()
    assert connects and hub.requests("/api/models")


def test_search_files_recommended_pick_and_card(
    qtbot, manager: ModelManager, qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    browser = manager.browser
    manager.open_tab(ModelManager.BROWSE_TAB)
    qtmodeltester.check(browser.starter_model, force_py=True)
    browser.search_box.setText("GGUF")
    with qtbot.waitSignal(browser.results_shown, timeout=20_000):
        browser.search()
    results = browser.results_model
    qtmodeltester.check(results, force_py=True)
    repo_id = HubResultsModel.Roles.RepoIdRole
    names = [results.index(r, 0).data(repo_id) for r in range(results.rowCount())]
    assert names == ["acme/Widget-7B-GGUF", "hearthside/tiny-GGUF"]  # by downloads; no acme/Other
    assert _column(results, 0, 1) == "1,000" and _column(results, 0, 4) == "apache-2.0"
    with (
        qtbot.waitSignal(browser.files_shown, timeout=20_000),
        qtbot.waitSignal(browser.card_shown, timeout=20_000),
    ):
        browser.results_view.selectRow(0)
    files = browser.files_model
    qtmodeltester.check(files, force_py=True)
    quant = RepoFilesModel.Roles.QuantRole
    quants = [files.index(r, 0).data(quant) for r in range(files.rowCount())]
    assert set(quants) == {"Q2_K", "IQ3_XS", "Q4_K_M", "Q5_K_S", "Q6_K", "Q8_0", "F16"}
    split = files.row_of("Widget-7B-Q6_K-00001-of-00002.gguf")
    assert "2 part(s)" in _column(files, split, 4)  # the source text: no translator here
    recommended = files.recommended_row()
    # The largest quantized file that fits (F16 is skipped while quantized files fit).
    assert files.index(recommended, 0).data(RepoFilesModel.Roles.NameRole) == (
        "Widget-7B-Q6_K-00001-of-00002.gguf"
    )
    # The ★ marks it; its note says what else there is to say (not "2 part(s), ★ Recommended").
    assert _column(files, recommended, 0).startswith("★ ")
    assert _column(files, recommended, 4) == "2 part(s)"
    assert browser.selected_file() is not None
    assert all(_column(files, r, 3) == "Fits" for r in range(files.rowCount()))
    # The card is rendered, and its remote image is not (no request for it, no <img>).
    html = browser.card.toHtml()
    assert "Widget 7B" in browser.card.toPlainText() and "<img" not in html
    assert "license: apache" not in browser.card.toPlainText()  # front matter stripped


def test_search_failure_says_why(qtbot, manager: ModelManager, hub: FakeHub) -> None:  # type: ignore[no-untyped-def]
    hub.stop()
    browser = manager.browser
    manager.open_tab(ModelManager.BROWSE_TAB)
    browser.search_box.setText("widget")
    with qtbot.waitSignal(browser.problem_shown, timeout=30_000) as problem:
        browser.search()
    assert "Could not reach" in problem.args[0]


# -- downloads ------------------------------------------------------------------------------------


def _pick(qtbot, manager: ModelManager, repo: str, name: str) -> None:  # type: ignore[no-untyped-def]
    browser = manager.browser
    manager.open_tab(ModelManager.BROWSE_TAB)
    with qtbot.waitSignal(browser.files_shown, timeout=20_000):
        browser.show_repo(repo)
    assert browser.select_file(name)


def test_download_completes_and_appears_in_the_library(
    qtbot, manager: ModelManager, tiny_gguf: Path, qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    _open_library(qtbot, manager)
    _pick(qtbot, manager, "hearthside/tiny-GGUF", "tiny-F16.gguf")
    queue = manager.services.downloads
    with (
        qtbot.waitSignal(queue.download_finished, timeout=30_000) as done,
        qtbot.waitSignal(manager.library.scanned, timeout=30_000),
    ):
        manager.browser.download_selected()
    path = Path(done.args[1])
    assert path == manager.library.models_dir / "hearthside--tiny-GGUF" / "tiny-F16.gguf"
    assert path.read_bytes() == tiny_gguf.read_bytes()
    qtmodeltester.check(queue.model, force_py=True)
    assert _column(queue.model, 0, DownloadListModel.STATE) == "Done, verified"
    assert manager.library.model.row_of(path) >= 0
    assert "download queue" not in manager.browser.files_note.text()  # no longer true
    # The Browse list notes it is there (it said nothing, and the file was easily fetched
    # twice), and it is still the one chosen.
    files = manager.browser.files_model
    assert files.index(files.row_of("tiny-F16.gguf"), 4).data() == "Downloaded"  # not "…, ★ …"
    assert not manager.browser.files_view.isColumnHidden(4)
    chosen = manager.browser.selected_file()
    assert chosen is not None and chosen.name == "tiny-F16.gguf"
    # "Load now" from the banner and from the downloads tab.
    assert manager.banner.isVisibleTo(manager) and "verified" in manager.banner_label.text()
    manager.downloads.select(done.args[0])
    assert manager.downloads.load_button.isEnabled()
    with qtbot.waitSignal(manager.load_requested) as loaded:
        manager.downloads.load_button.click()
    assert loaded.args == [str(path)]


def test_unsupported_architecture_warns_before_download(
    qtbot, manager: ModelManager, hub: FakeHub, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from tests.fixtures.bad_files import write_unknown_arch_gguf

    odd = write_unknown_arch_gguf(tmp_path / "fancy.gguf").read_bytes()
    hub.add_repo("acme/Fancy-GGUF", {"fancy-Q4_0.gguf": odd}, downloads=1)
    _pick(qtbot, manager, "acme/Fancy-GGUF", "fancy-Q4_0.gguf")
    questions: list[str] = []
    manager.browser.confirm = lambda _t, q: questions.append(q) or False
    manager.browser.download_selected()
    qtbot.waitUntil(lambda: bool(questions), timeout=20_000)
    assert "can't load" in questions[0]
    assert manager.services.downloads.model.rowCount() == 0


def test_pause_and_resume(qtbot, manager: ModelManager, hub: FakeHub, tiny_gguf: Path) -> None:  # type: ignore[no-untyped-def]
    big = tiny_gguf.read_bytes() + b"\7" * (3 << 20)
    hub.add_repo("acme/Big-GGUF", {"Big-Q4_0.gguf": big}, downloads=1)
    _pick(qtbot, manager, "acme/Big-GGUF", "Big-Q4_0.gguf")
    qtbot.waitUntil(lambda: not manager.calls.busy, timeout=20_000)  # the header is read
    hub.rate = 1 << 20  # bytes per second: the file takes over three seconds
    queue, panel = manager.services.downloads, manager.downloads
    model = queue.model
    manager.browser.download_selected()
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=20_000)
    state = lambda: model.index(0, 0).data(DownloadListModel.Roles.StateRole)  # noqa: E731
    done = lambda: model.index(0, 0).data(DownloadListModel.Roles.DoneRole)  # noqa: E731
    qtbot.waitUntil(lambda: state() == "downloading" and done() > 0, timeout=20_000)
    panel.select(model.index(0, 0).data(DownloadListModel.Roles.IdRole))
    assert panel.pause_button.isEnabled() and not panel.resume_button.isEnabled()
    panel.pause_button.click()
    qtbot.waitUntil(lambda: state() == "paused", timeout=20_000)
    assert panel.resume_button.isEnabled() and not panel.pause_button.isEnabled()
    assert 0 < done() < len(big)
    assert _column(model, 0, DownloadListModel.STATE) == "Paused"
    hub.rate = None
    with qtbot.waitSignal(queue.download_finished, timeout=30_000):
        panel.resume_button.click()
    assert state() == "finished"
    assert (manager.services.models_dir / "acme--Big-GGUF" / "Big-Q4_0.gguf").read_bytes() == big


def test_a_failed_download_shows_its_reason_and_retries(
    qtbot, manager: ModelManager, hub: FakeHub
) -> None:  # type: ignore[no-untyped-def]
    _pick(qtbot, manager, "hearthside/tiny-GGUF", "tiny-F16.gguf")
    qtbot.waitUntil(lambda: not manager.calls.busy, timeout=20_000)  # the header is read
    hub.inject("corrupt", "tiny-F16", at=100, method="GET")
    queue, panel = manager.services.downloads, manager.downloads
    with qtbot.waitSignal(queue.download_failed, timeout=30_000) as failed:
        manager.browser.download_selected()
    assert "damaged" in failed.args[1]
    panel.select(failed.args[0])
    assert panel.retry_button.isEnabled()
    assert panel.reason.isVisibleTo(panel) and "damaged" in panel.reason.text()
    assert _column(queue.model, 0, DownloadListModel.STATE) == "Failed"
    assert "damaged" in manager.banner_label.text()
    with qtbot.waitSignal(queue.download_finished, timeout=30_000):
        panel.retry_button.click()


def test_download_model_rows(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = DownloadListModel()
    model.add(DownloadRow("a", "A", 1000))
    model.add(DownloadRow("b", "B", 2000))
    model.update("a", done=500, speed=100.0, state="downloading")
    qtmodeltester.check(model, force_py=True)
    assert _column(model, 0, DownloadListModel.PROGRESS) == "50%"
    assert _column(model, 0, DownloadListModel.TIME_LEFT) == "0:05"
    assert _column(model, 0, DownloadListModel.STATE) == "Downloading"
    model.remove("a")
    assert model.rowCount() == 1


# -- the main window ------------------------------------------------------------------------------


def test_main_window_opens_the_manager_and_loads_through_it(
    qtbot, app, tiny_gguf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    assert app.models.models_action.shortcut().toString() == "Ctrl+M"
    loaded: list[str] = []
    monkeypatch.setattr(app.models, "load_model", lambda path: loaded.append(path))
    app.models.welcome_download.click()
    manager = app.models.model_manager
    assert manager is not None and manager.isVisible()
    assert manager.tabs.currentIndex() == ModelManager.BROWSE_TAB
    manager.calls.wait(10_000)
    models = manager.services.models_dir
    shutil.copy(tiny_gguf, models / "tiny.gguf")
    with qtbot.waitSignal(manager.library.scanned, timeout=10_000):
        manager.library.rescan()
    manager.library.select_path(models / "tiny.gguf")
    manager.library.load_selected()
    assert loaded == [str(models / "tiny.gguf")]
    assert not manager.isVisible()


def test_an_unfinished_download_is_listed_after_a_restart_and_resumes(  # type: ignore[no-untyped-def]
    qtbot,
    manager: ModelManager,
    hub: FakeHub,
    tiny_gguf: Path,
    settings: Settings,
    private_data_dir: Path,
    downloader: DownloadWorker,
) -> None:
    big = tiny_gguf.read_bytes() + b"\5" * (3 << 20)
    hub.add_repo("acme/Restart-GGUF", {"Restart-Q4_0.gguf": big}, downloads=1)
    _pick(qtbot, manager, "acme/Restart-GGUF", "Restart-Q4_0.gguf")
    qtbot.waitUntil(lambda: not manager.calls.busy, timeout=20_000)
    hub.rate = 1 << 20
    queue = manager.services.downloads
    model = queue.model
    manager.browser.download_selected()
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=20_000)
    done = lambda: model.index(0, 0).data(DownloadListModel.Roles.DoneRole)  # noqa: E731
    qtbot.waitUntil(lambda: done() > 0, timeout=20_000)
    download_id = model.index(0, 0).data(DownloadListModel.Roles.IdRole)
    queue.pause(download_id)
    qtbot.waitUntil(
        lambda: model.index(0, 0).data(DownloadListModel.Roles.StateRole) == "paused",
        timeout=20_000,
    )
    kept = done()
    part = private_data_dir / "models" / "acme--Restart-GGUF" / "Restart-Q4_0.gguf.part"
    on_disk = part.stat().st_size
    assert on_disk > 0
    # The next start: a new worker and a new queue over the same state file.
    thread = QThread()
    fresh = DownloadWorker(parallel=2, progress_interval=0.01, transfer_options={"backoff": 0.01})
    fresh.moveToThread(thread)
    thread.start()
    services = ModelServices(
        settings, private_data_dir / "models", private_data_dir / "cache.json", fresh
    )
    again = services.downloads.model
    assert again.rowCount() == 1
    assert again.index(0, 0).data(DownloadListModel.Roles.StateRole) == "paused"
    assert again.index(0, 0).data(DownloadListModel.Roles.DoneRole) >= kept > 0
    # Its window says so on the tab, and has it chosen: Resume is a click away (the tab said
    # "Downloads", and every button was greyed until a row was clicked).
    window = ModelManager(services)
    qtbot.addWidget(window)
    assert window.tabs.tabText(window.DOWNLOADS_TAB) == "&Downloads (1)"
    assert window.downloads.selected_id() == download_id
    assert window.downloads.resume_button.isEnabled()
    hub.rate = None
    fetched_before = hub.sent_bytes("Restart-Q4_0.gguf")
    try:
        with qtbot.waitSignal(services.downloads.download_finished, timeout=30_000):
            window.downloads.resume_button.click()
        qtbot.waitUntil(lambda: window.tabs.tabText(window.DOWNLOADS_TAB) == "&Downloads")
    finally:
        fresh.shutdown()
        thread.quit()
        thread.wait()
    path = private_data_dir / "models" / "acme--Restart-GGUF" / "Restart-Q4_0.gguf"
    assert path.read_bytes() == big
    # It resumed from the part file instead of starting over: at most 5% fetched twice.
    resumed = hub.sent_bytes("Restart-Q4_0.gguf") - fetched_before
    assert resumed <= len(big) - on_disk + 0.05 * len(big)
    # Finished downloads are not listed again.
    assert (
        ModelServices(
            settings, private_data_dir / "models", private_data_dir / "cache.json", None
        ).downloads.model.rowCount()
        == 0
    )


@pytest.mark.parametrize(("vram", "expected"), [(8 * GIB, "Fits"), (4096, "Won't fit")])
def test_fit_marks_count_vram_when_layers_go_to_the_gpu(  # type: ignore[no-untyped-def]
    qtbot,
    manager: ModelManager,
    tiny_gguf: Path,
    private_data_dir: Path,
    settings: Settings,
    vram: int,
    expected: str,
) -> None:
    # This machine has no GPU, so the machine's memory is given: 8 GiB or 4 KiB of free VRAM.
    models = private_data_dir / "models"
    models.mkdir(parents=True)
    shutil.copy(tiny_gguf, models / "tiny.gguf")
    settings.set("model.gpu_layers", "all", "tiny.gguf")
    manager.machine = lambda: MachineMemory(  # type: ignore[method-assign]
        total=64 * GIB, available=48 * GIB, vram_total=vram, vram_free=vram
    )
    _open_library(qtbot, manager)
    assert _column(manager.library.model, 0, LibraryListModel.FIT) == expected


def test_without_a_gpu_no_vram_is_reported() -> None:
    from desktop.engine.llama import backend_info, gpu_memory

    if backend_info().gpu_offload:
        pytest.skip("this build of llama.cpp has a GPU backend")
    assert gpu_memory() is None


def test_esc_closes_the_window(qtbot, manager: ModelManager) -> None:  # type: ignore[no-untyped-def]
    """Issue 17, defect 6: Esc did not close the Models window."""
    manager.show()
    qtbot.waitExposed(manager)
    manager.tabs.setFocus()
    qtbot.keyClick(manager.tabs, Qt.Key.Key_Escape)
    assert not manager.isVisible()

"""RecommendedModel: *Download a recommended model* opens the curated pick for this computer
(issue 17), in the Browse tab with its suggested file chosen; nothing downloads by itself."""

from __future__ import annotations

from pathlib import Path

from desktop.core.settings import Settings
from desktop.models.catalog import MachineMemory
from desktop.models.qt.hub_browser import HubBrowser
from desktop.models.qt.hub_models import load_starter_list
from desktop.models.qt.recommended import RecommendedModel, cores_without_gpu
from desktop.models.qt.services import BROWSE_TAB
from tests.fixtures.fake_hub import FakeHub

GIB = 1 << 30
TIMEOUT = 20_000


def test_the_pick_follows_this_computers_memory() -> None:
    small = RecommendedModel(lambda tab: None, lambda: 8 * GIB)
    big = RecommendedModel(lambda tab: None, lambda: 64 * GIB)
    unknown = RecommendedModel(lambda tab: None, lambda: None)
    listed = {s.repo_id: s for s in load_starter_list()}
    assert small.pick() is not None and small.pick().size_class == "small"  # type: ignore[union-attr]
    assert big.pick() is not None and big.pick().size_class == "large"  # type: ignore[union-attr]
    assert small.pick().repo_id in listed  # type: ignore[union-attr]
    name = small.pick().repo_id.rsplit("/", 1)[-1].removesuffix("-GGUF")  # type: ignore[union-attr]
    assert small.caption() == f"Recommended for this computer: {name} (1–3\u00a0GB)"
    assert unknown.pick() is None and unknown.caption() == ""


def test_without_a_gpu_the_pick_is_one_the_cpu_runs_at_a_bearable_speed() -> None:
    on_two_cores = RecommendedModel(lambda tab: None, lambda: 64 * GIB, lambda: 2)
    with_a_gpu = RecommendedModel(lambda tab: None, lambda: 64 * GIB, lambda: None)
    assert on_two_cores.pick().size_class == "small"  # type: ignore[union-attr]
    assert with_a_gpu.pick().size_class == "large"  # type: ignore[union-attr]
    cores = cores_without_gpu(gpu_offload=False)
    assert cores is not None and cores >= 1
    assert cores_without_gpu(gpu_offload=True) is None


def test_one_click_opens_the_pick_in_the_browse_tab(
    qtbot, private_data_dir: Path, hub: FakeHub, calls, tiny_gguf: Path
) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(private_data_dir / "settings.json")
    settings.set("hub.endpoint", hub.endpoint)
    machine = MachineMemory(total=64 * GIB, available=48 * GIB)
    browser = HubBrowser(settings, private_data_dir / "models", calls, lambda: machine)
    browser.resize(1000, 600)
    qtbot.addWidget(browser)
    browser.show()

    class Manager:
        def __init__(self) -> None:
            self.browser = browser
            self.tabs: list[int] = []

    manager = Manager()

    def open_manager(tab: int) -> Manager:
        manager.tabs.append(tab)
        return manager

    recommended = RecommendedModel(open_manager, lambda: 8 * GIB)
    pick = recommended.pick()
    assert pick is not None
    hub.add_repo(pick.repo_id, {f"m-{pick.file_hint}.gguf": tiny_gguf.read_bytes()})
    requested: list[object] = []
    browser.download_requested.connect(requested.append)
    with qtbot.waitSignal(browser.files_shown, timeout=TIMEOUT) as shown:
        recommended.open()
    assert manager.tabs == [BROWSE_TAB]
    assert shown.args == [pick.repo_id]
    rows = browser.results_view.selectionModel().selectedRows()
    assert [browser.starters[r.row()].repo_id for r in rows] == [pick.repo_id]
    chosen = browser.selected_file()
    assert chosen is not None and chosen.quant == pick.file_hint
    assert browser.download_button.isEnabled()  # the download itself is the user's next click
    qtbot.wait(200)
    # Nothing was downloaded: no download asked for, nothing in the models folder. (The bytes
    # the hub sent say nothing here: the check of the file's header reads the whole tiny file.)
    assert requested == []
    assert not list((private_data_dir / "models").glob("*"))

"""The servers' model lists shared by the model picker and the Servers tab: one request serves
both, a server is never asked twice at once, Refresh asks again, faults keep their words."""

from __future__ import annotations

from pathlib import Path

from desktop.remote.client import Fault, ServerFault
from desktop.remote.qt.listings import STALE_SECONDS
from desktop.remote.qt.picker_source import RemotePickerSource
from desktop.remote.qt.servers_panel import ServersPanel
from desktop.remote.servers import RemoteModel
from tests.fixtures.server_listings import make


def test_one_request_serves_the_picker_and_the_servers_tab(qtbot, tmp_path: Path) -> None:
    listings, asked = make(tmp_path)
    source = RemotePickerSource(listings)
    with qtbot.waitSignal(source.sections_changed, timeout=5_000):
        source.refresh_picker()
    panel = ServersPanel(listings)
    qtbot.addWidget(panel)
    assert panel.model_list.count() == 2  # the picker's answer, shown at once
    assert panel.status.text() == "2 model(s) on gpu-box:8000."  # the source text
    assert asked == ["a1"]


def test_the_tabs_request_fills_the_picker_too(qtbot, tmp_path: Path) -> None:
    listings, asked = make(tmp_path)
    source = RemotePickerSource(listings)
    with qtbot.waitSignal(source.sections_changed, timeout=5_000):
        panel = ServersPanel(listings)
        qtbot.addWidget(panel)
        assert panel.status.text() == "Asking gpu-box:8000…"
    assert panel.model_list.count() == 2
    source.refresh_picker()  # fresh: not asked again
    assert [e.label for e in source.picker_sections()[0].entries] == ["org/qwen-72b", "tiny"]
    assert asked == ["a1"]


def test_refresh_asks_again_and_a_stale_answer_is_asked_for(qtbot, tmp_path: Path) -> None:
    listings, asked = make(tmp_path)
    clock = [100.0]
    listings.clock = lambda: clock[0]
    entry = listings.servers.entries[0]
    with qtbot.waitSignal(listings.listing_changed, timeout=5_000) as blocker:
        assert listings.ask(entry)
        assert listings.ask(entry)  # already asking: on its way, not asked twice
    assert blocker.args == ["a1"] and asked == ["a1"]
    assert not listings.ask(entry)  # fresh
    with qtbot.waitSignal(listings.listing_changed, timeout=5_000):
        assert listings.ask(entry, again=True)
    clock[0] += STALE_SECONDS + 1
    with qtbot.waitSignal(listings.listing_changed, timeout=5_000):
        assert listings.ask(entry)
    assert asked == ["a1", "a1", "a1"]
    listings.forget("a1")
    assert listings.get("a1") is None


def test_a_fault_keeps_its_words_and_detail(qtbot, tmp_path: Path) -> None:
    def down() -> tuple[RemoteModel, ...]:
        raise ServerFault(Fault.UNREACHABLE, "connection refused")

    listings, _ = make(tmp_path, down)
    with qtbot.waitSignal(listings.listing_changed, timeout=5_000):
        panel = ServersPanel(listings)
        qtbot.addWidget(panel)
    listing = listings.get("a1")
    assert listing is not None and not listing.models
    assert "gpu-box:8000 does not answer" in listing.fault
    assert panel.status.text() == f"{listing.fault}\n{listing.detail}"
    assert listing.detail and not panel.use_button.isEnabled()


def test_an_answer_asked_before_an_edit_does_not_count(qtbot, tmp_path: Path) -> None:
    """A server asked at a mistyped address (slow to fail) and corrected with Edit… meanwhile:
    the new address is asked at once, and the old question's answer, arriving later, is not
    shown for the corrected server. (Before, the edit's question waited on the old one and
    the old answer stood until Refresh.) Stand-in listings: the first question is held until
    the test lets it answer, which no real server does on demand."""
    import threading

    gate = threading.Event()
    calls: list[str] = []

    def answer() -> tuple[RemoteModel, ...]:
        calls.append("asked")
        if len(calls) == 1:
            gate.wait(10)
            raise ServerFault(Fault.UNREACHABLE, "the old address")
        return (RemoteModel("right-model"),)

    listings, asked = make(tmp_path, answer)
    panel = ServersPanel(listings)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: calls == ["asked"])
    panel.edit_server("a1", "Workstation", "http://gpu-box:8001/v1", panel.selected_server().preset)
    qtbot.waitUntil(lambda: panel.model_list.count() == 1, timeout=5_000)
    gate.set()
    qtbot.wait(300)
    assert asked == ["a1", "a1"]
    assert panel.model_list.item(0).text().startswith("right-model")
    assert listings.get("a1") is not None and not listings.get("a1").fault

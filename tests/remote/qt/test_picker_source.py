"""The servers' models in the model picker (issue 19's gap): each server a section, listed off
the GUI thread, asked again only when stale; faults in the same words as elsewhere."""

from __future__ import annotations

from pathlib import Path

from desktop.core.remote import remote_locator
from desktop.models.picker import PickerEntry
from desktop.remote.client import Fault, ServerFault
from desktop.remote.qt.listings import STALE_SECONDS
from desktop.remote.qt.picker_source import RemotePickerSource
from desktop.remote.servers import RemoteModel
from tests.fixtures.server_listings import URL
from tests.fixtures.server_listings import make as make_listings


def make(tmp_path: Path, answer) -> tuple[RemotePickerSource, list[str]]:
    listings, asked = make_listings(tmp_path, answer)
    return RemotePickerSource(listings), asked


def test_a_server_is_asked_once_then_its_models_are_listed(qtbot, tmp_path: Path) -> None:
    models = (RemoteModel("org/qwen-72b", 32768), RemoteModel("<b>tiny</b>"))
    source, asked = make(tmp_path, lambda: models)
    clock = [100.0]
    source.listings.clock = lambda: clock[0]
    (section,) = source.picker_sections()
    assert section.title == "Workstation — gpu-box:8000"
    assert section.note == "Asking gpu-box:8000…" and not section.entries
    with qtbot.waitSignal(source.sections_changed, timeout=5_000):
        source.refresh_picker()
        source.refresh_picker()  # already asking: not asked twice
    assert asked == ["a1"]
    (section,) = source.picker_sections()
    assert section.entries == (
        PickerEntry(remote_locator(URL, "org/qwen-72b"), "org/qwen-72b", "32,768 tokens"),
        PickerEntry(remote_locator(URL, "<b>tiny</b>"), "<b>tiny</b>", ""),
    )
    source.refresh_picker()  # fresh: not asked again
    clock[0] += STALE_SECONDS + 1
    with qtbot.waitSignal(source.sections_changed, timeout=5_000):
        source.refresh_picker()
    assert asked == ["a1", "a1"]


def test_a_fault_or_an_empty_server_is_said(qtbot, tmp_path: Path) -> None:
    def down() -> tuple[RemoteModel, ...]:
        raise ServerFault(Fault.UNREACHABLE, "connection refused")

    source, _ = make(tmp_path, down)
    with qtbot.waitSignal(source.sections_changed, timeout=5_000):
        source.refresh_picker()
    (section,) = source.picker_sections()
    assert not section.entries and "gpu-box:8000 does not answer" in section.note
    empty, _ = make(tmp_path, lambda: ())
    with qtbot.waitSignal(empty.sections_changed, timeout=5_000):
        empty.refresh_picker()
    assert empty.picker_sections()[0].note == "gpu-box:8000 lists no models."

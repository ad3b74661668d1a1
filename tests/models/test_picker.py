"""The picker's plain values: sizes, the recent list and a recent model's entry."""

from __future__ import annotations

from pathlib import Path

from desktop.core.remote import remote_locator
from desktop.models.picker import (
    RECENT_LIMIT,
    PickerEntry,
    locator_entry,
    parse_recent,
    remember_recent,
    size_text,
)


def test_sizes_read_as_the_downloads_show_them() -> None:
    assert size_text(0) == ""
    assert size_text(999) == "999 bytes"
    assert size_text(253_112_000) == "253 MB"
    assert size_text(1_234_000_000) == "1.2 GB"
    assert size_text(42_000_000_000) == "42 GB"


def test_the_recent_list_keeps_the_newest_first_once() -> None:
    recent = remember_recent([], "/m/a.gguf")
    recent = remember_recent(recent, "/m/b.gguf")
    recent = remember_recent(recent, "/m/a.gguf")
    assert recent == ["/m/a.gguf", "/m/b.gguf"]
    assert remember_recent(recent, "") == recent  # the starter has its own entry
    for n in range(10):
        recent = remember_recent(recent, f"/m/{n}.gguf")
    assert len(recent) == RECENT_LIMIT and recent[0] == "/m/9.gguf"
    assert parse_recent("\n".join(recent) + "\n\n") == recent


def test_a_recent_entry_names_a_file_or_a_server_model(tmp_path: Path) -> None:
    model = tmp_path / "tiny.gguf"
    model.write_bytes(b"GGUF" + b"\0" * 2_000)
    assert locator_entry(str(model)) == PickerEntry(str(model), "tiny.gguf", "2.0 kB")
    assert locator_entry(str(tmp_path / "gone.gguf")) is None
    locator = remote_locator("http://gpu-box:8000/v1", "org/qwen:7b")
    assert locator_entry(locator) == PickerEntry(locator, "org/qwen:7b", "gpu-box:8000")

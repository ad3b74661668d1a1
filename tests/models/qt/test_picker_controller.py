"""PickerController's pieces that need no window: the names it shows for a model it has no
ModelInfo of, and how it tells two locators apart; its wiring in the window is tested through
ModelsFeature (tests/models/qt/test_feature.py) and the real window (tests/shell)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from desktop.core.remote import remote_locator
from desktop.core.settings import Settings
from desktop.models.picker import PickerSection
from desktop.models.qt.model_messages import ModelMessages
from desktop.models.qt.picker_controller import PickerController, same_model_key


def test_short_name_is_the_file_the_server_model_or_the_starter() -> None:
    assert PickerController.short_name("/m/tiny.gguf") == "tiny.gguf"
    assert PickerController.short_name(remote_locator("http://gpu-box:8000", "qwen")) == "qwen"
    assert PickerController.short_name("") == "Gemma 3 270M"


def test_same_model_key_resolves_files_but_not_server_models(tmp_path: Path) -> None:
    model = tmp_path / "a.gguf"
    model.write_bytes(b"")
    assert same_model_key(str(tmp_path / "." / "a.gguf")) == str(model.resolve())
    locator = remote_locator("http://gpu-box:8000", "qwen")
    assert same_model_key(locator) == locator
    assert same_model_key("") == ""


class Source(QObject):
    """A PickerSource that counts how often it was asked to refresh."""

    sections_changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.refreshed = 0

    def refresh_picker(self) -> None:
        self.refreshed += 1

    def picker_sections(self) -> list[PickerSection]:
        return []


def test_before_the_manager_opens_its_library_mirror_asks_no_server(qapp, tmp_path: Path) -> None:
    settings = Settings(tmp_path / "settings.json")
    controller = PickerController(None, settings, ModelMessages(), lambda: None, lambda: None)
    source = Source()
    controller.add_source(source)
    controller.show_server_models()
    assert source.refreshed == 0 and controller.sources == [source]

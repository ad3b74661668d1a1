"""The model manager's questions quote names from GGUF files and the hub: plain text only."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop.core.settings import Settings
from desktop.models.catalog import MachineMemory
from desktop.models.qt.hub_browser import HubBrowser
from desktop.models.qt.library_view import LibraryPanel
from desktop.qtkit.background_calls import BackgroundCalls
from tests.fixtures.message_boxes import HOSTILE_NAME, capture_message_boxes

MACHINE = MachineMemory(total=64 << 30, available=32 << 30)


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[QMessageBox]:
    return capture_message_boxes(monkeypatch)


def test_hub_browser_asks_in_plain_text(qtbot, private_data_dir: Path, shown) -> None:
    calls = BackgroundCalls()
    browser = HubBrowser(
        Settings(private_data_dir / "settings.json"), private_data_dir, calls, lambda: MACHINE
    )
    qtbot.addWidget(browser)
    question = f"x.gguf is a '{HOSTILE_NAME}' model, which this version can't load. Download it?"
    assert not browser.confirm("Unsupported model", question)
    assert shown[0].textFormat() == Qt.TextFormat.PlainText
    assert shown[0].text() == question
    calls.wait(5_000)


def test_library_asks_in_plain_text(qtbot, private_data_dir: Path, shown) -> None:
    calls = BackgroundCalls()
    panel = LibraryPanel(
        Settings(private_data_dir / "settings.json"),
        private_data_dir,
        None,
        calls,
        lambda: MACHINE,
    )
    qtbot.addWidget(panel)
    assert not panel.confirm("Delete model", f"Move {HOSTILE_NAME} (1 GB) to the trash?")
    assert shown[0].textFormat() == Qt.TextFormat.PlainText
    calls.wait(5_000)

"""The file dialogs' answers become paths, and a cancelled dialog is None."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from desktop.qtkit.file_dialogs import choose_open_file, choose_save_file


def answer(monkeypatch: pytest.MonkeyPatch, name: str, path: str) -> list[tuple]:
    asked: list[tuple] = []

    def dialog(*args: object) -> tuple[str, str]:
        asked.append(args)
        return path, ""

    monkeypatch.setattr(QFileDialog, name, staticmethod(dialog))
    return asked


def test_an_opened_file_is_a_path_and_cancel_is_none(monkeypatch, tmp_path: Path) -> None:
    asked = answer(monkeypatch, "getOpenFileName", str(tmp_path / "a.gguf"))
    assert choose_open_file(None, "Open", "GGUF (*.gguf)", tmp_path) == tmp_path / "a.gguf"
    assert asked == [(None, "Open", str(tmp_path), "GGUF (*.gguf)")]
    asked = answer(monkeypatch, "getOpenFileName", "")
    assert choose_open_file(None, "Open", "Text (*.txt)") is None
    assert asked == [(None, "Open", "", "Text (*.txt)")]  # no start: the dialog's own folder


def test_a_save_starts_from_the_suggested_file(monkeypatch, tmp_path: Path) -> None:
    suggested = tmp_path / "chat.md"
    asked = answer(monkeypatch, "getSaveFileName", str(tmp_path / "other.md"))
    assert choose_save_file(None, "Export", suggested, "Markdown (*.md)") == tmp_path / "other.md"
    assert asked == [(None, "Export", str(suggested), "Markdown (*.md)")]
    answer(monkeypatch, "getSaveFileName", "")
    assert choose_save_file(None, "Export", suggested, "Markdown (*.md)") is None

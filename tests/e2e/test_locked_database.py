"""A start whose history another program holds locked says who holds it and opens nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop import app as app_module
from desktop.store.sqlite import DatabaseLocked


def test_a_locked_history_names_its_holder_and_starts_nothing(
    qtbot, private_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[QMessageBox] = []

    def fake_exec(box: QMessageBox) -> int:
        shown.append(box)
        return QMessageBox.StandardButton.Ok.value

    def locked(data_dir: Path, settings: object = None) -> None:
        raise DatabaseLocked(data_dir / "hearthside.db", ("<b>sqlite3</b> (pid 42)",), "locked")

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    monkeypatch.setattr(app_module, "create", locked)
    with app_module.started(None, private_data_dir, initial_model=False) as hearthside:
        assert hearthside is None
    assert len(shown) == 1
    assert "<b>sqlite3</b> (pid 42)" in shown[0].text()
    assert shown[0].textFormat() == Qt.TextFormat.PlainText
    assert not list(private_data_dir.glob("*.damaged-*"))

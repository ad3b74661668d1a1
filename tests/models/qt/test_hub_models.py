"""The Browse tab's item models on their own: empty tables answer nothing, and the starter list
file is read with defaults or not at all. (Their rows as the user sees them, filled from the fake
hub, are checked through the browser in test_hub_browser.py.)"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex

from desktop.models.qt.hub_models import (
    HubResultsModel,
    RepoFilesModel,
    StarterListModel,
    StarterModel,
    load_starter_list,
)


def test_row_models_report_nothing_outside_their_rows() -> None:
    for model in (StarterListModel(), HubResultsModel(), RepoFilesModel()):
        assert model.rowCount() == 0
        assert model.index(0, 0).data() is None
        assert model.data(QModelIndex()) is None


def test_the_starter_list_file_is_read_with_defaults_and_a_bad_one_gives_none(
    tmp_path: Path,
) -> None:
    good = tmp_path / "starters.json"
    good.write_text('{"models": [{"repo_id": "acme/A-GGUF", "kind": "chat"}]}')
    assert load_starter_list(good) == [StarterModel("acme/A-GGUF", "", "", "chat", "")]
    bad = tmp_path / "bad.json"
    bad.write_text('{"models": [{"kind": "chat"}]}')  # no repo id
    assert load_starter_list(bad) == []
    assert load_starter_list(tmp_path / "missing.json") == []

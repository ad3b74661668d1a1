"""The Browse tab's item models on their own: empty tables answer nothing, and the starter list
file is read with defaults or not at all. (Their rows as the user sees them, filled from the fake
hub, are checked through the browser in test_hub_browser.py.)"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex

from desktop.models.qt.hub_models import (
    STARTER_WHY,
    HubResultsModel,
    RepoFilesModel,
    StarterListModel,
    StarterModel,
    load_starter_list,
    split_repo_id,
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


def test_every_suggestions_why_is_marked_for_translation() -> None:
    """lupdate reads no JSON: a why missing from STARTER_WHY would stay English under zh_CN
    (and one left there after its entry went would be translated for nothing)."""
    whys = [starter.why for starter in load_starter_list()]
    assert whys and all(whys)  # every suggestion says why
    assert sorted(whys) == sorted(STARTER_WHY)


def test_a_repo_reads_as_its_name_and_owner() -> None:
    assert split_repo_id("bartowski/Llama-3.2-1B-Instruct-GGUF") == (
        "Llama-3.2-1B-Instruct",
        "bartowski",
    )
    assert split_repo_id("Qwen/Qwen2.5-0.5B-Instruct-gguf") == ("Qwen2.5-0.5B-Instruct", "Qwen")
    assert split_repo_id("acme/Model_GGUF") == ("Model", "acme")
    assert split_repo_id("acme/GGUF-Tools") == ("GGUF-Tools", "acme")  # only a suffix goes
    assert split_repo_id("acme/-GGUF") == ("-GGUF", "acme")  # never an empty name
    assert split_repo_id("lonely") == ("lonely", "")

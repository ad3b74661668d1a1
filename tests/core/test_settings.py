"""Declared settings: defaults, per-model values, damaged files."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.settings import DECLARED, Settings, default_data_dir, parse_gpu_layers


def test_defaults_and_per_model_values(tmp_path: Path) -> None:
    settings = Settings(tmp_path / "settings.json")
    assert settings.get("model.n_ctx") == 4096
    settings.set("model.n_ctx", 2048, "a.gguf")
    settings.set("sampling.temperature", 0.2)
    settings.save()
    again = Settings(tmp_path / "settings.json")
    assert again.get("model.n_ctx", "a.gguf") == 2048
    assert again.get("model.n_ctx", "b.gguf") == 4096
    assert again.get("sampling.temperature", "a.gguf") == 0.2
    assert again.problem is None


def test_every_setting_has_a_doc_and_a_default_of_its_type() -> None:
    for setting in DECLARED:
        assert setting.doc
        assert isinstance(setting.default, setting.type)


def test_damaged_file_is_set_aside_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{not json", encoding="utf-8")
    settings = Settings(path)
    assert settings.problem and "settings.json" in settings.problem
    assert settings.get("model.n_ctx") == 4096
    assert (tmp_path / "settings.json.bad").read_text(encoding="utf-8") == "{not json"


def test_bad_values_fall_back_key_by_key(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        '{"values": {"model.n_ctx": "huge", "sampling.top_k": 7, "model.gpu_layers": "lots",'
        ' "unknown.key": 1}}',
        encoding="utf-8",
    )
    settings = Settings(path)
    assert settings.get("model.n_ctx") == 4096
    assert settings.get("sampling.top_k") == 7
    assert settings.get("model.gpu_layers") == "auto"


@pytest.mark.parametrize(
    ("text", "layers"), [("auto", None), ("all", -1), ("none", 0), ("12", 12), (" ALL ", -1)]
)
def test_gpu_layers(text: str, layers: int | None) -> None:
    assert parse_gpu_layers(text) == layers


def test_gpu_layers_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        parse_gpu_layers("-3")
    with pytest.raises(ValueError):
        parse_gpu_layers("many")


def test_data_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HEARTHSIDE_DATA_DIR", str(tmp_path / "here"))
    assert default_data_dir() == tmp_path / "here"
    monkeypatch.delenv("HEARTHSIDE_DATA_DIR")
    assert default_data_dir().name == "Hearthside"

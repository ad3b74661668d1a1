"""One sanitiser for every name that becomes a path: nothing climbs out of its folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.file_names import last_path_part, safe_path_part
from desktop.models.hub import download_path

HOSTILE = [
    "..\\..\\evil.gguf",
    "C:\\Windows\\System32\\evil.gguf",
    "C:evil.gguf",
    "sub/../../evil.gguf",
    "..",
    ".",
    "NUL.gguf",
    "a\x00b\nc.gguf",
    'x<>:"|?*.gguf',
    "x" * 400 + ".gguf",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_hub_name_stays_in_its_repo_folder(tmp_path: Path, name: str) -> None:
    models = tmp_path / "models"
    path = download_path(models, "acme/Widget-GGUF", name)
    assert path.parent == models / "acme--Widget-GGUF"
    assert path.resolve().parent == (models / "acme--Widget-GGUF").resolve()
    part = path.name
    assert part not in {"", ".", ".."}
    assert not set(part) & set('<>:"/\\|?*\x00\n')
    assert len(part.encode()) <= 200
    assert part.split(".")[0].upper() != "NUL"


def test_repos_are_kept_apart(tmp_path: Path) -> None:
    one = download_path(tmp_path, "acme/Widget-GGUF", "model-Q4_0.gguf")
    two = download_path(tmp_path, "other/Widget-GGUF", "model-Q4_0.gguf")
    assert one != two and one.name == two.name == "model-Q4_0.gguf"
    assert download_path(tmp_path, "../..", "x.gguf").parent.parent == tmp_path


def test_ordinary_names_are_kept() -> None:
    assert last_path_part("sub/dir/Model-7B-Q4_K_M.gguf") == "Model-7B-Q4_K_M.gguf"
    assert safe_path_part("Model-7B-Q4_K_M.gguf") == "Model-7B-Q4_K_M.gguf"
    assert safe_path_part("函数 🐍 notes") == "函数 🐍 notes"
    assert safe_path_part("...", "fallback") == "fallback"

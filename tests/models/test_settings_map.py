"""desktop/models/settings_map.py: where the library looks, and one model's settings read."""

from __future__ import annotations

from pathlib import Path

from desktop.core.settings import Settings
from desktop.engine.starter import STARTER_FILE_NAME
from desktop.models.settings_map import (
    SettingsMap,
    extra_folders,
    library_models,
    model_key,
    models_folder,
)


def test_folders_default_to_the_data_folder_and_expand_home(tmp_path: Path) -> None:
    settings = Settings(tmp_path / "settings.json")
    assert models_folder(settings, tmp_path) == tmp_path / "models"
    settings.set("library.models_dir", str(tmp_path / "mine"))
    settings.set("library.extra_folders", "~/more\n\n  /srv/models  ")
    assert models_folder(settings, tmp_path) == tmp_path / "mine"
    assert extra_folders(settings) == [Path.home() / "more", Path("/srv/models")]


def test_without_a_models_folder_set_the_library_is_in_the_settings_data_folder(
    tmp_path: Path,
) -> None:
    """With --data-dir the picker listed the default data folder's models (or none): the
    library is the models folder beside the settings file, as the app's own models_dir."""
    data_dir = tmp_path / "portable"
    (data_dir / "models").mkdir(parents=True)
    (data_dir / "models" / "mine.gguf").write_bytes(b"")
    settings = Settings(data_dir / "settings.json")
    assert models_folder(settings) == data_dir / "models"
    assert [path.name for path in library_models(settings)] == ["mine.gguf"]


def test_library_models_leave_out_projectors_and_later_parts(tmp_path: Path) -> None:
    settings = Settings(tmp_path / "settings.json")
    folder = tmp_path / "models"
    (folder / "sub").mkdir(parents=True)
    names = [
        "b.gguf",
        "sub/A.gguf",
        "mmproj-b.gguf",
        "big-00001-of-00002.gguf",
        "big-00002-of-00002.gguf",
    ]
    for name in names:
        (folder / name).write_bytes(b"")
    settings.set("library.models_dir", str(folder))
    found = [path.name for path in library_models(settings)]
    assert found == ["A.gguf", "b.gguf", "big-00001-of-00002.gguf"]
    assert len(library_models(settings, limit=1)) == 1


def test_a_model_s_own_settings_win_and_auto_layers_ask_for_offload(tmp_path: Path) -> None:
    settings = Settings(tmp_path / "settings.json")
    settings.set("model.n_ctx", 2048, "x.gguf")
    settings.set("sampling.seed", -1)
    asked: list[bool] = []

    def offload() -> bool:
        asked.append(True)
        return False

    mapping = SettingsMap(settings, dict)
    assert model_key("") == STARTER_FILE_NAME and model_key("/m/x.gguf") == "x.gguf"
    options = mapping.load_options("/m/x.gguf", offload)
    assert options.n_ctx == 2048 and options.n_gpu_layers == 0 and asked
    assert mapping.chat_settings("/m/x.gguf")["sampling"].seed is None
    settings.set("model.gpu_layers", "12")
    asked.clear()
    assert mapping.load_options("/m/y.gguf", offload).n_gpu_layers == 12 and not asked

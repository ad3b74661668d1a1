"""From the stored settings to what a load and a reply use, and where the library's files are.

Settings are global with per-model overrides stored under the model file's name
(:func:`model_key`). :class:`SettingsMap` turns them into the engine's ``LoadOptions`` and the
chat's settings value; the folder functions say where the library looks for GGUF files. Plain
Python, so the window's feature, the app and tests share one reading of the same keys.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop.core.settings import Settings, parse_gpu_layers
from desktop.engine.llama import GPU_LAYERS_ALL, LoadOptions, SamplingOptions
from desktop.engine.starter import STARTER_FILE_NAME

__all__ = ["SettingsMap", "extra_folders", "library_models", "model_key", "models_folder"]


def model_key(path: str) -> str:
    """The name per-model settings are stored under: the file's name, or the starter's."""
    return Path(path).name if path else STARTER_FILE_NAME


def models_folder(settings: Settings, data_dir: Path | None = None) -> Path:
    """``library.models_dir``, or ``models`` in the data folder when it is empty.

    The data folder is the settings file's (``--data-dir`` or ``HEARTHSIDE_DATA_DIR`` move
    both): the default folder instead had the picker list another folder's models, or none.
    """
    folder = str(settings.get("library.models_dir"))
    return Path(folder) if folder else (data_dir or settings.path.parent) / "models"


def extra_folders(settings: Settings) -> list[Path]:
    """The folders the user added to the library (``library.extra_folders``, one a line)."""
    text = str(settings.get("library.extra_folders"))
    return [Path(line.strip()).expanduser() for line in text.splitlines() if line.strip()]


def library_models(settings: Settings, limit: int = 40) -> list[Path]:
    """GGUF models in the models folder and the extra folders, without reading them:
    a later part of a split model and vision projectors are left out."""
    from desktop.models.catalog import split_name  # not needed for the first frame

    found: dict[str, Path] = {}
    for base in [models_folder(settings), *extra_folders(settings)]:
        try:
            candidates = sorted(base.rglob("*.gguf"))
        except OSError:
            continue
        for path in candidates:
            split = split_name(path.name)
            if path.name.lower().startswith("mmproj") or (split and split[1] != 1):
                continue
            found.setdefault(str(path.resolve()), path)
            if len(found) >= limit:
                break
    return sorted(found.values(), key=lambda p: p.name.lower())


class SettingsMap:
    """Reads one model's settings (its own where set, else the global ones).

    ``make_chat_settings`` builds the chat's settings value from keyword arguments; it is passed
    in so that the models feature does not import the chat feature.
    """

    def __init__(self, settings: Settings, make_chat_settings: Callable[..., Any]) -> None:
        self.settings = settings
        self.make_chat_settings = make_chat_settings

    def load_options(self, path: str, gpu_offload: Callable[[], bool]) -> LoadOptions:
        """How the model at ``path`` is loaded. ``gpu_offload`` is asked only when the layers
        setting is "auto" (everything on the GPU when llama.cpp can offload at all)."""
        key = model_key(path)
        get = self.settings.get
        try:
            layers = parse_gpu_layers(str(get("model.gpu_layers", key)))
        except ValueError:
            layers = None
        if layers is None:
            layers = GPU_LAYERS_ALL if gpu_offload() else 0
        threads = int(get("model.threads", key))
        return LoadOptions(
            n_ctx=int(get("model.n_ctx", key)),
            n_gpu_layers=layers,
            n_threads=threads or None,
            n_batch=int(get("model.batch", key)),
            flash_attn=bool(get("model.flash_attn", key)),
            use_mmap=bool(get("model.mmap", key)),
        )

    def chat_settings(self, path: str) -> Any:
        """What a reply with the model at ``path`` uses (the chat's ChatSettings)."""
        key = model_key(path)
        get = self.settings.get
        seed = int(get("sampling.seed", key))
        return self.make_chat_settings(
            system_prompt=str(get("chat.system_prompt", key)),
            sampling=SamplingOptions(
                temperature=float(get("sampling.temperature", key)),
                top_p=float(get("sampling.top_p", key)),
                top_k=int(get("sampling.top_k", key)),
                min_p=float(get("sampling.min_p", key)),
                repeat_penalty=float(get("sampling.repeat_penalty", key)),
                max_tokens=int(get("sampling.max_tokens", key)),
                seed=None if seed < 0 else seed,
            ),
            thinking=bool(get("reasoning.enabled", key)),
            thinking_budget=max(0, int(get("reasoning.budget", key))),
            reasoning_effort=str(get("reasoning.effort", key)),
        )

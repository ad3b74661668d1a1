"""Declared settings: every key with its type, default and meaning, stored as JSON.

Declaring them in one place lets the settings dialog, --diagnose and the docs list them without
repeating defaults, and lets a hand-edited or damaged settings file fall back to defaults key by
key instead of failing the start.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

DATA_DIR_ENV = "HEARTHSIDE_DATA_DIR"
APP_DIR_NAME = "Hearthside"


@dataclass(frozen=True, slots=True)
class Setting:
    key: str
    type: type
    default: Any
    doc: str
    per_model: bool = False  # each model file keeps its own value


GPU_LAYERS_CHOICES = ("auto", "all", "none")

DECLARED: tuple[Setting, ...] = (
    Setting("model.path", str, "", "The model loaded at start; empty means the starter model."),
    Setting("model.n_ctx", int, 4096, "Context length in tokens.", per_model=True),
    Setting(
        "model.gpu_layers",
        str,
        "auto",
        "Layers offloaded to the GPU: auto, all, none, or a number.",
        per_model=True,
    ),
    Setting("model.threads", int, 0, "CPU threads; 0 means one per physical core.", per_model=True),
    Setting("model.batch", int, 512, "Prompt batch size in tokens.", per_model=True),
    Setting(
        "model.flash_attn",
        bool,
        True,
        "Use flash attention where the backend supports it (faster prompts, less memory).",
        per_model=True,
    ),
    Setting("model.mmap", bool, True, "Map the model file instead of reading it.", per_model=True),
    Setting("sampling.temperature", float, 0.7, "Randomness; 0 is greedy.", per_model=True),
    Setting("sampling.top_p", float, 0.95, "Nucleus sampling threshold.", per_model=True),
    Setting("sampling.top_k", int, 40, "Sample among the k likeliest tokens.", per_model=True),
    Setting(
        "sampling.min_p",
        float,
        0.05,
        "Drop tokens below this share of the top one.",
        per_model=True,
    ),
    Setting("sampling.repeat_penalty", float, 1.1, "Penalty for repeated tokens.", per_model=True),
    Setting("sampling.max_tokens", int, 1024, "Longest reply in tokens.", per_model=True),
    Setting("sampling.seed", int, -1, "Random seed; -1 picks a new one per reply.", per_model=True),
    Setting(
        "reasoning.enabled",
        bool,
        True,
        "Reasoning models think before they answer (where their template can turn it off).",
        per_model=True,
    ),
    Setting(
        "reasoning.effort",
        str,
        "",
        "How much a model that takes a reasoning effort (gpt-oss) thinks: low, medium or high; "
        "empty means the model's own default.",
        per_model=True,
    ),
    Setting(
        "reasoning.budget",
        int,
        0,
        "Most tokens a reasoning model may think before it must answer; 0 means no limit.",
        per_model=True,
    ),
    Setting(
        "chat.system_prompt",
        str,
        "",
        "Instructions sent before every conversation.",
        per_model=True,
    ),
    Setting("chat.last_conversation", int, 0, "The conversation open when the app last closed."),
    Setting(
        "chat.overflow",
        str,
        "drop",
        "When a conversation outgrows the context window: drop (leave out the oldest turns) or "
        "summarize (the model summarizes them first). Each conversation can choose its own.",
    ),
    Setting(
        "chat.prepare_while_typing",
        bool,
        True,
        "Evaluate the message while it is typed, so the reply starts as soon as it is sent "
        "(uses the processor or GPU while you type).",
    ),
    Setting("appearance.theme", str, "system", "light, dark, or system (follow the desktop)."),
    Setting("appearance.font_size", int, 0, "Text size in points; 0 follows the system."),
    Setting("app.language", str, "system", "Interface language: system, en or zh_CN."),
    Setting("library.models_dir", str, "", "Where models are kept; empty means <data dir>/models."),
    Setting(
        "library.extra_folders",
        str,
        "",
        "More folders scanned for .gguf files (for example an LM Studio folder), one per line.",
    ),
    Setting(
        "library.hidden_columns",
        str,
        "file,architecture,chat_template,license",
        "The Library tab's columns left out (right-click its header to choose), "
        "comma-separated: file, architecture, parameters, quantization, size, context, "
        "chat_template, license, memory.",
    ),
    Setting(
        "hub.endpoint",
        str,
        "https://huggingface.co",
        "The Hugging Face endpoint; a mirror's address works here too.",
    ),
    Setting("downloads.parallel", int, 2, "How many downloads run at the same time."),
    Setting(
        "engine.rpc_servers",
        str,
        "",
        "llama.cpp RPC servers (host:port, separated by commas) that local models offload "
        "layers to; needs llama.cpp built with -DGGML_RPC=on.",
    ),
    Setting(
        "documents.embedding_model",
        str,
        "",
        "A GGUF embedding model for meaning search in document collections; empty: words only.",
    ),
    Setting(
        "server.enabled",
        bool,
        False,
        "Run the local OpenAI-compatible API server while the window is open.",
    ),
    # desktop.api.protocol.DEFAULT_PORT (core imports no feature); a test keeps them equal.
    Setting("server.port", int, 8765, "The local API server's port."),
    Setting(
        "server.allow_network",
        bool,
        False,
        "Let other computers on the network use the local API server (it then listens on "
        "0.0.0.0 and always asks for the API key); off: this computer only (127.0.0.1).",
    ),
    Setting(
        "server.require_key",
        bool,
        False,
        "Ask programs on this computer for the API key too (always asked from the network).",
    ),
    Setting(
        "server.cors_origins",
        str,
        "",
        "Web pages (origins such as http://localhost:3000) allowed to call the local API "
        "server from a browser, one per line; none by default.",
    ),
    Setting(
        "server.api_key",
        str,
        "",
        "The local API server's key, kept here (a private file) only when the system has no "
        "keychain; otherwise the keychain holds it and this stays empty.",
    ),
    Setting("window.geometry", str, "", "Window size and position (Qt's saved geometry)."),
    Setting("window.splitter", str, "", "Width of the history sidebar (Qt's saved state)."),
    Setting(
        "model.recent",
        str,
        "",
        "The models loaded last (files and server models), newest first, one per line; the "
        "model picker lists them.",
    ),
    Setting(
        "model.starter_folder",
        str,
        "",
        "The folder that holds the unpacked starter model; looked in first after the models "
        "folder changes, so a second 253 MB copy is not unpacked.",
    ),
)
_BY_KEY = {setting.key: setting for setting in DECLARED}


def default_data_dir() -> Path:
    """The platform's user data folder, unless HEARTHSIDE_DATA_DIR points elsewhere."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False))


def parse_gpu_layers(value: str) -> int | None:
    """auto → None (decided from the hardware), all → -1, none → 0, a number → itself."""
    text = str(value).strip().lower()
    if text == "auto":
        return None
    if text == "all":
        return -1
    if text == "none":
        return 0
    number = int(text)
    if number < 0:
        raise ValueError("GPU layers must be auto, all, none or a number ≥ 0")
    return number


def _coerce(setting: Setting, value: Any) -> Any:
    if setting.type is bool:
        if isinstance(value, bool):
            return value
        raise TypeError
    if setting.type is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError
        return value
    if setting.type is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError
        return float(value)
    if not isinstance(value, str):
        raise TypeError
    if setting.key == "model.gpu_layers":
        parse_gpu_layers(value)
    return value


class Settings:
    """Settings in `settings.json` in the data dir; per-model values under the file's name."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problem: str | None = None
        """Why the file on disk was ignored, if it was; the window reports it."""
        self._values: dict[str, Any] = {}
        self._models: dict[str, dict[str, Any]] = {}
        self._load()

    def _load(self) -> None:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as error:
            self.problem = f"{self.path.name} could not be read ({error}); defaults are used."
            self._set_aside()
            return
        if not isinstance(raw, dict):
            self.problem = f"{self.path.name} is not a settings object; defaults are used."
            self._set_aside()
            return
        self._values = self._valid(raw.get("values", {}))
        models = raw.get("models", {})
        if isinstance(models, dict):
            self._models = {
                str(name): self._valid(values)
                for name, values in models.items()
                if isinstance(values, dict)
            }

    def _set_aside(self) -> None:
        """Keeps an unreadable settings file for the user instead of overwriting it."""
        with contextlib.suppress(OSError):
            self.path.replace(self.path.with_suffix(".json.bad"))

    @staticmethod
    def _valid(values: Any) -> dict[str, Any]:
        if not isinstance(values, dict):
            return {}
        valid = {}
        for key, value in values.items():
            setting = _BY_KEY.get(key)
            if setting is None:
                continue
            try:
                valid[key] = _coerce(setting, value)
            except (TypeError, ValueError):
                continue
        return valid

    def get(self, key: str, model: str | None = None) -> Any:
        setting = _BY_KEY[key]
        if model is not None and setting.per_model and key in self._models.get(model, {}):
            return self._models[model][key]
        return self._values.get(key, setting.default)

    def set(self, key: str, value: Any, model: str | None = None) -> None:
        setting = _BY_KEY[key]
        value = _coerce(setting, value)
        if model is not None and setting.per_model:
            self._models.setdefault(model, {})[key] = value
        else:
            self._values[key] = value

    def save(self) -> None:
        """Writes atomically so a crash mid-save never leaves half a file."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps(
            {"version": 1, "values": self._values, "models": self._models},
            indent=2,
            ensure_ascii=False,
            sort_keys=True,
        )
        fd, temp = tempfile.mkstemp(dir=self.path.parent, prefix=".settings-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, self.path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

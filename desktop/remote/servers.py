"""The servers the user added, their presets, and what a server says about its models.

Plain Python: values, the list kept in ``servers.json`` (0600, in the data folder; never the
key, which lives in the keychain: keys.py), and the parsing of ``GET /v1/models`` and of
llama-server's ``/props``. The network calls are the caller's (a pool thread) through
client.py; everything here is pure except `ServerList.load`/`save`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from desktop.core.private_files import write_private_text

__all__ = [
    "PRESET_URLS",
    "Preset",
    "RemoteModel",
    "ServerEntry",
    "ServerList",
    "check_base_url",
    "context_from_props",
    "parse_models",
    "with_api_path",
]


class Preset(StrEnum):
    """The usual servers; each knows its default address and which extra sampling fields it
    takes (an OpenAI endpoint refuses fields it does not know)."""

    LLAMA_SERVER = "llama-server"
    VLLM = "vllm"
    OLLAMA = "ollama"
    LM_STUDIO = "lm-studio"
    OTHER = "other"  # OpenAI itself, OpenRouter, a company gateway: standard fields only


PRESET_URLS: Mapping[Preset, str] = {
    Preset.LLAMA_SERVER: "http://localhost:8080/v1",
    Preset.VLLM: "http://localhost:8000/v1",
    Preset.OLLAMA: "http://localhost:11434/v1",
    Preset.LM_STUDIO: "http://localhost:1234/v1",
    Preset.OTHER: "https://",
}


def check_base_url(url: str) -> str | None:
    """Why ``url`` cannot be a server's base URL (English, for the log), or None when it can.

    Credentials in the URL are refused: they would end up in exports and the conversation's
    record; the key field (and with it the keychain) is where they belong."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return "not a URL"
    if parts.scheme not in ("http", "https"):
        return "the address must start with http:// or https://"
    if not parts.hostname:
        return "the address has no host name"
    if parts.username or parts.password:
        return "the address holds a user name or password"
    if "#" in url or parts.query:
        return "the address has a query or fragment"
    del port
    return None


def with_api_path(url: str) -> str:
    """``url`` with ``/v1`` added when it names only the server (``http://gpu-box:8080``):
    llama-server, vLLM, Ollama, LM Studio and OpenAI all serve the API under ``/v1``, and
    the bare address is what a user copies from the server's own page or log. An address
    with a path (OpenRouter's ``/api/v1``, a gateway's) is left as it is."""
    url = url.strip()
    try:
        path = urlsplit(url).path
    except ValueError:
        return url
    return url.rstrip("/") + "/v1" if path in ("", "/") else url


@dataclass(frozen=True, slots=True)
class ServerEntry:
    """A server the user added. ``has_key`` says a key was stored for it (in the keychain, or
    in the private key file the user agreed to)."""

    id: str
    name: str
    base_url: str
    preset: Preset = Preset.OTHER
    has_key: bool = False

    @staticmethod
    def new(name: str, base_url: str, preset: Preset, has_key: bool = False) -> ServerEntry:
        return ServerEntry(
            os.urandom(6).hex(), name.strip(), base_url.strip().rstrip("/"), preset, has_key
        )


@dataclass(frozen=True, slots=True)
class RemoteModel:
    """A model a server offers; ``context_length`` where the server says it (0: unknown)."""

    id: str
    context_length: int = 0
    owned_by: str = ""


def _positive_int(value: object) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int) and value > 0:
        return value
    if isinstance(value, float) and value > 0 and value.is_integer():
        return int(value)
    return 0


_CONTEXT_KEYS = ("max_model_len", "context_length", "context_window", "max_context_length")
"""vLLM's max_model_len, OpenRouter's context_length, and what others call it."""

MAX_MODELS = 2000
"""A listing longer than this is cut: a gateway may list thousands."""


def parse_models(data: Any) -> list[RemoteModel]:
    """Models from a ``GET /v1/models`` answer; anything malformed is skipped, not trusted."""
    items = data.get("data") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return []
    models: list[RemoteModel] = []
    seen: set[str] = set()
    for item in items[:MAX_MODELS]:
        if not isinstance(item, dict):
            continue
        model_id = item.get("id")
        if not isinstance(model_id, str) or not model_id or len(model_id) > 512:
            continue
        if model_id in seen:
            continue
        seen.add(model_id)
        context = 0
        for key in _CONTEXT_KEYS:
            context = context or _positive_int(item.get(key))
        meta = item.get("meta")
        if not context and isinstance(meta, dict):  # llama-server: meta.n_ctx_train
            context = _positive_int(meta.get("n_ctx_train"))
        owner = item.get("owned_by")
        models.append(RemoteModel(model_id, context, owner if isinstance(owner, str) else ""))
    return models


def context_from_props(data: Any) -> int:
    """llama-server's ``/props``: the context each slot has (``n_ctx`` of its default generation
    settings; older builds put it at the top level). 0 when it does not say."""
    if not isinstance(data, dict):
        return 0
    settings = data.get("default_generation_settings")
    if isinstance(settings, dict):
        found = _positive_int(settings.get("n_ctx"))
        if found:
            return found
    return _positive_int(data.get("n_ctx"))


class ServerList:
    """The user's servers, kept in ``servers.json``; owned by the GUI thread. A copy of the
    tuple goes to the engine (immutable values), so no lock is needed."""

    FILE_NAME = "servers.json"

    def __init__(self, path: Path, entries: Iterable[ServerEntry] = ()) -> None:
        self.path = path
        self.entries: tuple[ServerEntry, ...] = tuple(entries)
        self.problem = ""
        """Why the file could not be read (it was left as it is), or ""."""

    @classmethod
    def load(cls, data_dir: Path) -> ServerList:
        path = data_dir / cls.FILE_NAME
        servers = cls(path)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return servers
        except (OSError, ValueError) as error:
            servers.problem = str(error)
            return servers
        entries = []
        for item in raw.get("servers", []) if isinstance(raw, dict) else []:
            try:
                entry = ServerEntry(
                    str(item["id"]),
                    str(item["name"]),
                    str(item["base_url"]),
                    Preset(item.get("preset", "other")),
                    bool(item.get("has_key", False)),
                )
            except (KeyError, TypeError, ValueError):
                continue
            if check_base_url(entry.base_url) is None:
                entries.append(entry)
        servers.entries = tuple(entries)
        return servers

    def save(self) -> None:
        data = {
            "version": 1,
            "servers": [
                {
                    "id": e.id,
                    "name": e.name,
                    "base_url": e.base_url,
                    "preset": e.preset.value,
                    "has_key": e.has_key,
                }
                for e in self.entries
            ],
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_private_text(self.path, json.dumps(data, indent=2))

    def get(self, server_id: str) -> ServerEntry | None:
        return next((e for e in self.entries if e.id == server_id), None)

    def by_url(self, base_url: str) -> ServerEntry | None:
        url = base_url.rstrip("/")
        return next((e for e in self.entries if e.base_url == url), None)

    def add(self, entry: ServerEntry) -> None:
        self.entries = (*(e for e in self.entries if e.id != entry.id), entry)

    def update(self, entry: ServerEntry) -> None:
        self.entries = tuple(entry if e.id == entry.id else e for e in self.entries)

    def remove(self, server_id: str) -> None:
        self.entries = tuple(e for e in self.entries if e.id != server_id)

    def with_key(self, server_id: str, has_key: bool) -> None:
        entry = self.get(server_id)
        if entry is not None:
            self.update(replace(entry, has_key=has_key))

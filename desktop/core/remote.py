"""How a model on a remote server is named where a model file's path would go.

A remote model is "loaded" like a file: its locator takes the path's place in ModelInfo.path,
the conversation's model_file and a reply's GenerationInfo, so exports record both the server
and the model (``http://gpu-box:8000/v1#qwen2.5-72b``). Plain functions every feature may use:
the chat names the model in a reply's line, the models feature shows the host, the remote
feature makes and reads locators. No file path starts with ``http://`` or ``https://``, so a
locator is never mistaken for one.
"""

from __future__ import annotations

from urllib.parse import urlsplit

__all__ = [
    "is_remote_locator",
    "locator_host",
    "remote_label",
    "remote_locator",
    "split_remote_locator",
]

_SCHEMES = ("http://", "https://")


def remote_locator(base_url: str, model_id: str) -> str:
    """``<base URL>#<model id>``: the model id may hold slashes and colons (``org/name``,
    ``qwen2.5:7b``), never a ``#`` in practice; the last ``#`` splits it back."""
    return f"{base_url.rstrip('/')}#{model_id}"


def is_remote_locator(path: str) -> bool:
    return path.startswith(_SCHEMES) and "#" in path


def split_remote_locator(path: str) -> tuple[str, str] | None:
    """(base URL, model id), or None for a file path."""
    if not is_remote_locator(path):
        return None
    base, _, model = path.partition("#")
    return base, model


def locator_host(base_url: str) -> str:
    """``gpu-box:8000``: what the window shows of where a chat runs (never credentials)."""
    try:
        parts = urlsplit(base_url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return ""
    if not host:
        return ""
    if ":" in host:  # IPv6
        host = f"[{host}]"
    return f"{host}:{port}" if port else host


def remote_label(locator: str) -> str:
    """``qwen2.5-72b @ gpu-box:8000``: a server's model as a sentence names it (the last part
    of the model's id, as the loaded model's name, and where it runs); ``locator`` itself
    when it is not a server's model's."""
    parts = split_remote_locator(locator)
    if parts is None:
        return locator
    base_url, model = parts
    name = model.rstrip("/").rsplit("/", 1)[-1] or model
    host = locator_host(base_url)
    return f"{name} @ {host}" if host else name

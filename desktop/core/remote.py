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

__all__ = ["is_remote_locator", "locator_host", "remote_locator", "split_remote_locator"]

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

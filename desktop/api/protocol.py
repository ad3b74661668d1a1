"""The local API server's values, shared by the server, the headless command and the window.

Plain Python, no Qt. The server (desktop/api/server.py) runs its HTTP side on threads of its own
and reports each request as a frozen `RequestRecord` through a callback; the window's Server panel
adapts those to an item model, `hearthside serve` logs one line for each.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

LOOPBACK = "127.0.0.1"
ALL_INTERFACES = "0.0.0.0"
DEFAULT_PORT = 8765
"""Not 8080 (taken by many development tools and llama-server's default) nor 1234 (LM Studio)."""


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """How the server listens. An API key is required whenever it listens beyond loopback."""

    host: str = LOOPBACK
    port: int = DEFAULT_PORT
    api_key: str = ""  # "": no key asked (loopback only)
    cors_origins: tuple[str, ...] = ()  # none by default: browsers' pages cannot call it
    max_body_bytes: int = 4 * 1024 * 1024
    max_connections: int = 64  # more at once get 503 / 429

    @property
    def listens_beyond_loopback(self) -> bool:
        return self.host not in (LOOPBACK, "localhost", "::1")


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One finished (or refused) API request, as the Server panel lists it."""

    client: str  # the peer address ("127.0.0.1:53122")
    method: str
    path: str
    model: str
    status: int  # the HTTP status sent
    prompt_tokens: int = 0
    completion_tokens: int = 0
    tokens_per_second: float = 0.0
    seconds: float = 0.0
    error: str = ""  # the error message sent, for a refused request


RequestListener = Callable[[RequestRecord], None]
"""Called on a server thread after each request; must not block (the window posts a signal)."""


class Embedder(Protocol):
    """Vectors for texts (the documents feature's embedding model); the server's /v1/embeddings
    uses it when the loaded chat model cannot embed."""

    @property
    def model_name(self) -> str: ...

    def embed(self, texts: Sequence[str]) -> list[list[float]]: ...

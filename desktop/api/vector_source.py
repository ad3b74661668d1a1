"""The documents' embedding model as the API server's `Embedder`.

Plain Python, no Qt, and no import of the documents feature (the server uses no other
feature): `VectorSource` names what it needs of the documents' shared embedder
(desktop/documents/qt/workers.py's SharedEmbedder, thread-safe: one call at a time under its
lock), and desktop/app.py passes that object in.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, Protocol

from desktop.api.wire import ApiError

__all__ = ["EmbedderUnavailableError", "VectorSource", "VectorSourceEmbedder"]


class EmbedderUnavailableError(ApiError):
    """No embedding model is chosen, or it cannot be used (the reason is the message): the
    client gets the server's 501, as when there is no embedder at all."""

    def __init__(self, reason: str) -> None:
        super().__init__(501, reason, type="server_error", code="embeddings_unavailable")


class VectorSource(Protocol):
    """The documents feature's embedding model: a path ("" for none), why it cannot be used
    ("" when it can), and normalized rows for texts (None when there is no usable model)."""

    @property
    def path(self) -> str: ...

    problem: str

    def embed(self, texts: Sequence[str]) -> Any | None: ...


class VectorSourceEmbedder:
    """An `Embedder` (desktop/api/protocol.py) over a `VectorSource`; follows its model when
    the user picks another one in Document collections."""

    def __init__(self, source: VectorSource) -> None:
        self._source = source

    @property
    def model_name(self) -> str:
        """The model file's name (as `hearthside serve`'s GgufEmbedder gives it), "" when none
        is chosen: /v1/models then lists no embedding model."""
        return os.path.basename(self._source.path)

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        rows = self._source.embed(list(texts))
        if rows is None:
            raise EmbedderUnavailableError(
                f"The documents' embedding model cannot be used: {self._source.problem}"
                if self._source.problem
                else "No embedding model is set up: choose one in Hearthside's File › "
                "Document collections."
            )
        return [[float(value) for value in row] for row in rows]

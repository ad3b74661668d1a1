"""GgufEmbedder: an Embedder over a GGUF embedding model (engine.llama.EmbeddingModel).

`hearthside serve --embedding-model PATH` uses it; the window passes the documents feature's
embedder instead. Loaded at the first request (the server starts at once), one caller at a time.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from desktop.engine.llama import EmbeddingModel


class GgufEmbedder:
    """Vectors from a GGUF model loaded for embeddings, by its file name."""

    def __init__(self, path: Path) -> None:
        self._path = Path(path)
        self._model: EmbeddingModel | None = None
        self._lock = threading.Lock()

    @property
    def model_name(self) -> str:
        return self._path.name

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Raises engine.llama.ModelLoadError or GenerationError; the server answers 500."""
        with self._lock:
            if self._model is None:
                self._model = EmbeddingModel.load(self._path)
            return self._model.embed(list(texts)).tolist()

    def close(self) -> None:
        with self._lock:
            if self._model is not None:
                self._model.close()
                self._model = None

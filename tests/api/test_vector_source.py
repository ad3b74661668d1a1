"""The documents' embedding model as the API server's Embedder."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from desktop.api.vector_source import EmbedderUnavailableError, VectorSourceEmbedder


class Source:
    def __init__(self, path: str, problem: str = "") -> None:
        self.path = path
        self.problem = problem

    def embed(self, texts: Sequence[str]) -> list[tuple[float, ...]] | None:
        if not self.path or self.problem:
            return None
        return [(float(len(text)), 0.5) for text in texts]


def test_vectors_come_back_as_lists_of_floats() -> None:
    embedder = VectorSourceEmbedder(Source("/models/nomic-embed.Q8_0.gguf"))
    assert embedder.model_name == "nomic-embed.Q8_0.gguf"
    assert embedder.embed(["ab", "abc"]) == [[2.0, 0.5], [3.0, 0.5]]


def test_no_usable_model_is_an_error_that_says_why() -> None:
    assert VectorSourceEmbedder(Source("")).model_name == ""
    with pytest.raises(EmbedderUnavailableError, match="No embedding model") as raised:
        VectorSourceEmbedder(Source("")).embed(["x"])
    assert raised.value.status == 501  # as the server answers without an embedder
    with pytest.raises(EmbedderUnavailableError, match="crashed"):
        VectorSourceEmbedder(Source("/m.gguf", problem="it crashed")).embed(["x"])

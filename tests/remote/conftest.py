"""Real OpenAI-compatible servers for the remote tests: llama-cpp-python's, once a session each
(one open to all, one that wants the API key KEY)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.llama_server import RunningServer, llama_cpp_server

KEY = "s3cret-key"
"""The key `keyed_llama_server` wants."""


@pytest.fixture(scope="session")
def llama_server(
    long_context_tiny_gguf: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    with llama_cpp_server(long_context_tiny_gguf, n_ctx=2048, log=log) as server:
        yield server


@pytest.fixture(scope="session")
def keyed_llama_server(
    long_context_tiny_gguf: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    """The same server started with ``--api_key KEY``: it answers 401 without that key."""
    log = tmp_path_factory.mktemp("keyed-llama-server") / "server.log"
    with llama_cpp_server(long_context_tiny_gguf, n_ctx=2048, log=log, api_key=KEY) as server:
        yield server

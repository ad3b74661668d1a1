"""A real OpenAI-compatible server for the remote tests: llama-cpp-python's, once a session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.llama_server import RunningServer, llama_cpp_server


@pytest.fixture(scope="session")
def llama_server(
    long_context_tiny_gguf: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    with llama_cpp_server(long_context_tiny_gguf, n_ctx=2048, log=log) as server:
        yield server

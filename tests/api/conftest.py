"""A real server for the API tests: the tiny model in LocalEngine on an EngineHost, served by
ApiServer on 127.0.0.1 (a free port), shared by a module's tests (loading takes a second)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from desktop.api.protocol import RequestRecord, ServerConfig
from desktop.api.server import ApiServer
from desktop.chat.engine_host import EngineHost
from desktop.chat.local_engine import LocalEngine
from desktop.chat.protocol import ModelInfo
from desktop.engine.llama import LoadOptions


@dataclass
class Served:
    """A running server and what the tests read from it."""

    server: ApiServer
    host: EngineHost
    engine: LocalEngine
    info: ModelInfo
    records: list[RequestRecord] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url

    def record(self, since: int, path: str, timeout: float = 5.0) -> RequestRecord:
        """The first record from index ``since`` on of a request to ``path`` (``/v1/...``).
        A record is reported just after its response is sent, so the previous test's last
        request may still land after ``since`` was read: it is passed over by its path."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for record in self.records[since:]:
                if record.path == path:
                    return record
            time.sleep(0.01)
        raise AssertionError(f"no request to {path} was recorded after record {since}")

    @property
    def origin(self) -> str:
        return self.server.url.removesuffix("/v1")


def serve(
    model: Path,
    folder: Path,
    config: ServerConfig,
    n_ctx: int = 1024,
    **kwargs: object,
) -> Served:
    engine = LocalEngine(folder / "models", folder / "probed.json", folder / "checks.json")
    info = engine.load(
        str(model), LoadOptions(n_ctx=n_ctx, n_threads=1), lambda _f: None, lambda: False
    )
    assert isinstance(info, ModelInfo), info
    host = EngineHost(engine)
    host.start()
    records: list[RequestRecord] = []
    server = ApiServer(
        host,
        config,
        model_info=lambda: info,
        listener=records.append,
        **kwargs,  # type: ignore[arg-type]
    )
    server.start()
    return Served(server, host, engine, info, records)


def shut(served: Served) -> None:
    served.server.stop()
    served.host.close()
    served.engine.unload()


@pytest.fixture(scope="module")
def served(tiny_gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The tiny model behind a server on a free loopback port, no key."""
    running = serve(tiny_gguf, tmp_path_factory.mktemp("api"), ServerConfig(port=0))
    yield running
    shut(running)

"""Replies in flight: a client that leaves cancels its reply at once and frees the engine; a
stopping server cancels what runs; embeddings through the openai client."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest

from desktop.api.embedding import GgufEmbedder
from desktop.api.protocol import ServerConfig
from desktop.chat.engine_host import Priority
from tests.api.conftest import Served, serve, shut

HELLO = [{"role": "user", "content": "Tell me everything"}]
LONG = 30000  # tokens: seconds of work for the tiny model, if nothing stopped it


@pytest.fixture(scope="module")
def long_served(
    long_context_tiny_gguf: Path, tiny_gguf: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    """A 32k-token window, so a reply can stream long enough to be left in the middle; and an
    embedder (the tiny model loaded for embeddings)."""
    running = serve(
        long_context_tiny_gguf,
        tmp_path_factory.mktemp("long"),
        ServerConfig(port=0),
        n_ctx=32768,
        embedder=GgufEmbedder(tiny_gguf),
    )
    yield running
    shut(running)


def engine_free_after(served: Served, since: float) -> float:
    """Seconds from `since` until the engine runs the next job (the reply before it ended)."""
    ran_at = served.host.submit(lambda _backend: time.perf_counter(), Priority.API, "probe")
    return ran_at.result(timeout=30) - since


def test_closing_the_stream_cancels_the_reply_at_once(long_served: Served) -> None:
    client = openai.OpenAI(base_url=long_served.url, api_key="x", max_retries=0, timeout=60)
    before = len(long_served.records)
    stream = client.chat.completions.create(
        model="", messages=HELLO, max_tokens=LONG, temperature=0, stream=True
    )
    for index, _chunk in enumerate(stream):
        if index >= 3:
            break
    closed = time.perf_counter()
    stream.close()
    assert engine_free_after(long_served, closed) < 0.2
    record = long_served.record(before, "/v1/chat/completions")
    assert record.status == 200 and record.error == "the client went away"


def test_the_server_counts_the_requests_it_is_answering(long_served: Served) -> None:
    """What the Server panel shows as "in progress": a stream counts while it runs."""
    server = long_served.server
    client = openai.OpenAI(base_url=long_served.url, api_key="x", max_retries=0, timeout=60)
    assert server.in_flight == 0
    stream = client.chat.completions.create(
        model="", messages=HELLO, max_tokens=LONG, temperature=0, stream=True
    )
    next(iter(stream))
    assert server.in_flight == 1
    stream.close()
    deadline = time.monotonic() + 5
    while server.in_flight and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.in_flight == 0


def test_a_client_that_times_out_cancels_a_whole_reply(long_served: Served) -> None:
    body = {"messages": HELLO, "max_tokens": LONG, "temperature": 0}
    started = time.perf_counter()
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(long_served.url + "/chat/completions", json=body, timeout=0.5)
    gave_up = time.perf_counter()
    assert gave_up - started < 2
    assert engine_free_after(long_served, gave_up) < 0.2


def test_stopping_the_server_cancels_a_running_stream(
    long_context_tiny_gguf: Path, tmp_path: Path
) -> None:
    running = serve(long_context_tiny_gguf, tmp_path, ServerConfig(port=0), n_ctx=32768)
    try:
        client = openai.OpenAI(base_url=running.url, api_key="x", max_retries=0, timeout=60)
        stream = client.chat.completions.create(
            model="", messages=HELLO, max_tokens=LONG, temperature=0, stream=True
        )
        next(iter(stream))
        started = time.perf_counter()
        running.server.stop()
        assert time.perf_counter() - started < 3
        assert not running.server.running
        with pytest.raises(openai.APIError, match="stopping"):
            for _chunk in stream:
                pass
        assert engine_free_after(running, started) < 3
    finally:
        shut(running)


def test_embeddings_come_from_the_embedder(long_served: Served) -> None:
    client = openai.OpenAI(base_url=long_served.url, api_key="x", max_retries=0)
    names = [m.id for m in client.models.list().data]
    assert "hearthside-tiny" in names[-1] or names[-1].endswith(".gguf")
    one = client.embeddings.create(model="", input="hello world")  # base64 on the wire
    two = client.embeddings.create(
        model=names[-1], input=["hello world", "other words"], encoding_format="float"
    )
    assert len(one.data) == 1 and len(two.data) == 2
    assert one.data[0].embedding == pytest.approx(two.data[0].embedding, abs=1e-5)
    assert two.data[0].embedding != two.data[1].embedding
    assert len(one.data[0].embedding) == 64  # the tiny model's width
    with pytest.raises(openai.NotFoundError):
        client.embeddings.create(model="text-embedding-3-small", input="x")


def test_embeddings_without_an_embedder_say_why(tmp_path: Path, tiny_gguf: Path) -> None:
    running = serve(tiny_gguf, tmp_path, ServerConfig(port=0), n_ctx=256)
    try:
        response = httpx.post(running.url + "/embeddings", json={"input": "hello"})
        assert response.status_code == 501
        assert "embedding model" in response.json()["error"]["message"]
    finally:
        shut(running)

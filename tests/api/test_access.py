"""Who may use the server: the key, other computers, web pages (CORS), the port, the limits."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest

from desktop.api.protocol import ServerConfig
from desktop.api.server import ApiServer
from tests.api.conftest import Served, serve, shut

KEY = "sk-test-5d41402abc4b2a76"
HELLO = [{"role": "user", "content": "Hello"}]
ORIGIN = "https://notes.example"


@pytest.fixture(scope="module")
def keyed(tiny_gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    config = ServerConfig(port=0, api_key=KEY, cors_origins=(ORIGIN,), max_connections=2)
    running = serve(tiny_gguf, tmp_path_factory.mktemp("keyed"), config, n_ctx=8192)
    yield running
    shut(running)


def test_the_key_is_required_when_set(keyed: Served) -> None:
    body = {"messages": HELLO, "max_tokens": 2}
    missing = httpx.post(keyed.url + "/chat/completions", json=body)
    assert missing.status_code == 401 and missing.json()["error"]["code"] == "invalid_api_key"
    wrong = httpx.post(
        keyed.url + "/chat/completions", json=body, headers={"Authorization": "Bearer sk-wrong"}
    )
    assert wrong.status_code == 401
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=keyed.url, api_key="nope", max_retries=0).models.list()
    client = openai.OpenAI(base_url=keyed.url, api_key=KEY, max_retries=0)
    assert client.chat.completions.create(model="", messages=HELLO, max_tokens=2).choices
    assert httpx.get(keyed.origin + "/health").status_code == 200  # says nothing private


def test_an_allowed_origin_gets_cors_headers(keyed: Served) -> None:
    preflight = httpx.options(
        keyed.url + "/chat/completions",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == ORIGIN
    response = httpx.get(
        keyed.url + "/models", headers={"Origin": ORIGIN, "Authorization": f"Bearer {KEY}"}
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN
    other = httpx.get(
        keyed.url + "/models",
        headers={"Origin": "https://other.example", "Authorization": f"Bearer {KEY}"},
    )
    assert other.status_code == 403


def test_too_many_requests_at_once_get_a_503(keyed: Served) -> None:
    """Two requests whose bodies never finish hold the server's two places; a third is refused
    at once with OpenAI's error JSON, and served again once they leave."""
    port = int(keyed.url.rsplit(":", 1)[1].split("/")[0])
    holders = []
    for _ in range(2):
        holder = socket.create_connection(("127.0.0.1", port))
        holder.sendall(
            b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Authorization: Bearer " + KEY.encode() + b"\r\n"
            b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
        )
        holders.append(holder)
    auth = {"Authorization": f"Bearer {KEY}"}
    try:
        deadline = time.monotonic() + 10
        third = httpx.get(keyed.url + "/models", headers=auth)
        while third.status_code != 503 and time.monotonic() < deadline:
            time.sleep(0.02)
            third = httpx.get(keyed.url + "/models", headers=auth)
        assert third.status_code == 503
        assert third.json()["error"]["code"] == "too_many_requests"
    finally:
        for holder in holders:
            holder.close()
    deadline = time.monotonic() + 10
    again = httpx.get(keyed.url + "/models", headers=auth)
    while again.status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.05)
        again = httpx.get(keyed.url + "/models", headers=auth)
    assert again.status_code == 200


def test_other_computers_need_a_key(keyed: Served) -> None:
    server = ApiServer(keyed.host, ServerConfig(host="0.0.0.0", port=0), model_info=lambda: None)
    with pytest.raises(ValueError, match="API key"):
        server.start()
    assert not server.running


def test_a_taken_port_is_a_clear_oserror(keyed: Served) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        server = ApiServer(keyed.host, ServerConfig(port=port), model_info=lambda: None)
        with pytest.raises(OSError, match=f"127.0.0.1:{port}.*another program"):
            server.start()
        assert not server.running
    finally:
        taken.close()


def test_without_a_model_replies_are_503_and_health_says_so(keyed: Served) -> None:
    server = ApiServer(keyed.host, ServerConfig(port=0), model_info=lambda: None)
    server.start()
    try:
        assert server.running and server.url.startswith("http://127.0.0.1:")
        assert httpx.get(server.url.removesuffix("/v1") + "/health").status_code == 503
        assert httpx.get(server.url + "/models").json() == {"object": "list", "data": []}
        response = httpx.post(server.url + "/chat/completions", json={"messages": HELLO})
        assert response.status_code == 503
    finally:
        server.stop()
    assert not server.running


def test_a_stopped_server_starts_again_on_the_same_port(keyed: Served) -> None:
    info = keyed.info
    server = ApiServer(keyed.host, ServerConfig(port=0), model_info=lambda: info)
    server.start()
    url = server.url
    server.stop()
    assert not server.running
    with pytest.raises(httpx.ConnectError):
        httpx.get(url.removesuffix("/v1") + "/health")
    again = ApiServer(keyed.host, ServerConfig(port=server.port), model_info=lambda: info)
    again.start()  # the port is free again at once
    try:
        body = {"messages": HELLO, "max_tokens": 2}
        assert httpx.post(again.url + "/chat/completions", json=body).status_code == 200
    finally:
        again.stop()
    server.start()  # the same object, a new event loop
    try:
        body = {"messages": HELLO, "max_tokens": 2, "stream": True}
        assert httpx.post(server.url + "/chat/completions", json=body).status_code == 200
    finally:
        server.stop()

"""The local API server in the real window with the tiny model (real llama.cpp): turned on as
Edit › Settings does, called with the official openai client while the window streams a reply
of its own on the same engine, the requests listed in the Server panel, stopped from it."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import openai
import pytest

from tests.api.qt.conftest import settled
from tests.fixtures.window import load_tiny, type_and_send


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_window_and_the_openai_client_share_the_engine(qtbot, app, tiny_gguf: Path) -> None:
    load_tiny(qtbot, app, tiny_gguf, max_tokens=24)
    server = app.server
    port = _free_port()
    app.settings.set("server.enabled", True)
    app.settings.set("server.port", port)
    app.settings.set("server.require_key", True)
    assert server.apply_settings().starting  # as after Edit › Settings › OK; in the background
    state = settled(qtbot, server)
    assert state.running, state.error
    key = server.key_store.load()
    assert key and server.mark.isVisible() and str(port) in server.mark.text()
    url = server.panel.url.text()
    assert url == f"http://127.0.0.1:{port}/v1"
    model = tiny_gguf.name
    assert model in server.panel.curl_text and key in server.panel.python_text

    client = openai.OpenAI(base_url=url, api_key=key, max_retries=0, timeout=60)
    results: dict[str, object] = {}

    def call_api() -> None:
        try:
            stream = client.chat.completions.create(
                model=model,
                messages=[{"role": "user", "content": "Tell me about lighthouses."}],
                max_tokens=16,
                stream=True,
                stream_options={"include_usage": True},
            )
            chunks = list(stream)
            results["text"] = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
            results["usage"] = chunks[-1].usage
        except Exception as error:  # reported by the assertions below
            results["error"] = error

    type_and_send(qtbot, app, "Hello from the window")  # the window's own reply, same engine
    caller = threading.Thread(target=call_api)
    caller.start()
    qtbot.waitUntil(lambda: not caller.is_alive(), timeout=60_000)
    qtbot.waitUntil(lambda: not app.session.is_streaming, timeout=60_000)
    assert "error" not in results, results.get("error")
    usage = results["usage"]
    assert usage is not None and usage.completion_tokens > 0  # type: ignore[attr-defined]
    assert app.session.messages.rowCount() == 2  # the window's question and reply

    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=url, api_key="wrong", max_retries=0).models.list()

    requests = server.requests
    qtbot.waitUntil(lambda: requests.rowCount() == 2, timeout=10_000)
    refused, answered = requests.record(0), requests.record(1)
    assert answered is not None and refused is not None
    assert answered.status == 200 and answered.path == "/v1/chat/completions"
    assert answered.model == model and answered.completion_tokens > 0
    assert answered.client.startswith("127.0.0.1:")
    assert refused.status == 401

    # /v1/embeddings asks the documents' embedding model; none is chosen here.
    with pytest.raises(openai.APIStatusError) as refused_embeddings:
        client.embeddings.create(model="", input="lighthouse")
    assert refused_embeddings.value.status_code == 501
    assert "Document collections" in str(refused_embeddings.value)

    server.show_panel()
    server.panel.start_stop.click()  # Stop server
    assert not settled(qtbot, server).running
    assert not server.controller.running and server.mark.isHidden()
    assert app.settings.get("server.enabled") is False
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass

"""A bounded load test on loopback: 16 streaming clients at once, 200 requests in all, while
the window streams a reply of its own. Every request completes or fails with a proper error,
none hangs, the window's reply is not starved, and the memory comes back."""

from __future__ import annotations

import gc
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openai
import psutil
import pytest

from desktop.api.protocol import ServerConfig
from desktop.chat.engine_host import Priority
from desktop.chat.protocol import Finished, GenerationRequest
from desktop.core.conversation import ChatMessage, Role
from desktop.engine.llama import SamplingOptions
from tests.api.conftest import serve, shut

CLIENTS = 16
REQUESTS = 200


def one_request(client: openai.OpenAI, index: int) -> str:
    """'ok', or the error the client got (a proper one: an APIStatusError)."""
    try:
        stream = client.chat.completions.create(
            model="",
            messages=[{"role": "user", "content": f"Request {index}: tell me something"}],
            max_tokens=16,
            temperature=0.7,
            stream=True,
            stream_options={"include_usage": True},
        )
        usage = None
        for chunk in stream:
            usage = chunk.usage or usage
        return "ok" if usage is not None and usage.completion_tokens == 16 else "short"
    except openai.APIStatusError as error:
        return f"status {error.status_code}"


def test_sixteen_clients_two_hundred_requests(tiny_gguf: Path, tmp_path: Path) -> None:
    served = serve(tiny_gguf, tmp_path, ServerConfig(port=0), n_ctx=2048)
    process = psutil.Process()
    try:
        client = openai.OpenAI(base_url=served.url, api_key="x", max_retries=0, timeout=60)
        with ThreadPoolExecutor(CLIENTS) as pool:  # warm: threads, pools, allocator
            assert set(pool.map(lambda i: one_request(client, i), range(2 * CLIENTS))) == {"ok"}
        gc.collect()
        rss_before = process.memory_info().rss

        window_done = threading.Event()
        window_waited: list[float] = []

        def window_reply() -> None:
            """The window's own reply, sent while the API is busy: it goes first."""
            time.sleep(0.2)
            asked = time.perf_counter()
            request = GenerationRequest(
                1,
                (ChatMessage(Role.USER, "The window asks"),),
                SamplingOptions(temperature=0.0, max_tokens=64, repeat_penalty=1.0),
            )
            ticket = served.host.stream(request, priority=Priority.WINDOW)
            ticket.started.wait(30)
            window_waited.append(time.perf_counter() - asked)
            assert any(isinstance(event, Finished) for event in ticket)
            window_done.set()

        window = threading.Thread(target=window_reply)
        started = time.perf_counter()
        window.start()
        with ThreadPoolExecutor(CLIENTS) as pool:
            outcomes = list(pool.map(lambda i: one_request(client, i), range(REQUESTS)))
        seconds = time.perf_counter() - started
        window.join(30)
        assert window_done.is_set()
        assert seconds < 120, f"{REQUESTS} requests took {seconds:.0f} s"
        assert outcomes.count("ok") + sum(o.startswith("status 503") for o in outcomes) == REQUESTS
        assert outcomes.count("ok") >= REQUESTS * 0.9, outcomes
        # The window waited for one API reply at most (16 tokens of the tiny model), not 16.
        assert window_waited[0] < 1.0
        gc.collect()
        time.sleep(0.5)
        rss_after = process.memory_info().rss
        assert rss_after <= rss_before * 1.05, (rss_before, rss_after)
        records = [r for r in served.records if r.path == "/v1/chat/completions"]
        assert len(records) >= REQUESTS + 2 * CLIENTS - 1
    finally:
        shut(served)


pytestmark = pytest.mark.timeout(300)

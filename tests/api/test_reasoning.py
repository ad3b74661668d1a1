"""A reasoning model's thinking comes as reasoning_content, as llama-server and vLLM send it,
and the client can switch it off (llama-server's chat_template_kwargs)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openai
import pytest

from desktop.api.protocol import ServerConfig
from tests.api.conftest import Served, serve, shut

HELLO = [{"role": "user", "content": "Hello"}]


@pytest.fixture(scope="module")
def thinking(
    thinking_tiny_gguf: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    running = serve(thinking_tiny_gguf, tmp_path_factory.mktemp("think"), ServerConfig(port=0))
    yield running
    shut(running)


@pytest.fixture
def client(thinking: Served) -> openai.OpenAI:
    return openai.OpenAI(base_url=thinking.url, api_key="x", max_retries=0, timeout=60)


def test_thinking_is_reasoning_content(client: openai.OpenAI) -> None:
    """The tiny thinking model never closes its thinking: all it writes is reasoning."""
    reply = client.chat.completions.create(model="", messages=HELLO, max_tokens=12, temperature=0)
    message = reply.choices[0].message
    assert message.content == ""
    assert getattr(message, "reasoning_content", "")
    assert reply.usage is not None and reply.usage.completion_tokens == 12
    stream = client.chat.completions.create(
        model="", messages=HELLO, max_tokens=12, temperature=0, stream=True
    )
    deltas = [c.choices[0].delta for c in stream if c.choices]
    streamed = "".join(getattr(d, "reasoning_content", None) or "" for d in deltas)
    assert streamed == message.reasoning_content  # type: ignore[attr-defined]
    assert not any(d.content for d in deltas)


def test_thinking_can_be_switched_off(client: openai.OpenAI) -> None:
    reply = client.chat.completions.create(
        model="",
        messages=HELLO,
        max_tokens=12,
        temperature=0,
        extra_body={"chat_template_kwargs": {"enable_thinking": False}},
    )
    message = reply.choices[0].message
    assert message.content and not getattr(message, "reasoning_content", None)

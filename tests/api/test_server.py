"""The API server driven by the official openai client, as other programs use it: the tiny
model on a real EngineHost, on 127.0.0.1."""

from __future__ import annotations

import json

import httpx
import openai
import pytest

from desktop.api.wire import model_id
from tests.api.conftest import Served


@pytest.fixture
def client(served: Served) -> openai.OpenAI:
    return openai.OpenAI(base_url=served.url, api_key="unused", max_retries=0, timeout=60)


HELLO = [{"role": "user", "content": "Hello there"}]


def test_health_and_models_list_the_loaded_model(served: Served, client: openai.OpenAI) -> None:
    assert httpx.get(served.origin + "/health").json() == {"status": "ok"}
    models = client.models.list().data
    assert [m.id for m in models] == [model_id(served.info)]
    assert client.models.retrieve(models[0].id).id == models[0].id


def test_a_chat_completion_answers_with_text_and_usage(client: openai.OpenAI) -> None:
    reply = client.chat.completions.create(
        model="", messages=HELLO, max_tokens=12, temperature=0, seed=1
    )
    choice = reply.choices[0]
    assert reply.object == "chat.completion"
    assert choice.message.role == "assistant" and choice.message.content
    assert choice.finish_reason == "length"
    assert reply.usage is not None
    assert reply.usage.completion_tokens == 12
    assert reply.usage.prompt_tokens > 5
    assert reply.usage.total_tokens == reply.usage.prompt_tokens + 12


def test_streaming_gives_the_same_text_as_a_whole_reply(client: openai.OpenAI) -> None:
    asked = dict(model="", messages=HELLO, max_tokens=20, temperature=0)
    whole = client.chat.completions.create(**asked).choices[0].message.content  # type: ignore[call-overload]
    chunks = list(
        client.chat.completions.create(
            **asked,
            stream=True,
            stream_options={"include_usage": True},  # type: ignore[call-overload]
        )
    )
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == whole
    finishing = [c for c in chunks if c.choices and c.choices[0].finish_reason]
    assert [c.choices[0].finish_reason for c in finishing] == ["length"]
    assert chunks[-1].choices == [] and chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens == 20
    assert all(c.usage is None for c in chunks[:-1])


def test_stop_strings_end_the_reply_before_them(client: openai.OpenAI) -> None:
    asked = dict(model="", messages=HELLO, max_tokens=30, temperature=0)
    free = client.chat.completions.create(**asked).choices[0].message.content  # type: ignore[call-overload]
    assert free and len(free) > 6
    stop = free[4:6]
    stopped = client.chat.completions.create(**asked, stop=[stop])  # type: ignore[call-overload]
    assert stopped.choices[0].message.content == free[: free.index(stop)]
    assert stopped.choices[0].finish_reason == "stop"


def test_a_json_schema_is_enforced_by_a_grammar(client: openai.OpenAI) -> None:
    schema = {
        "type": "object",
        "properties": {"ok": {"type": "boolean"}, "size": {"enum": ["small", "large"]}},
        "required": ["ok", "size"],
        "additionalProperties": False,
    }
    reply = client.chat.completions.create(
        model="",
        messages=HELLO,
        max_tokens=60,
        temperature=0,
        response_format={"type": "json_schema", "json_schema": {"name": "x", "schema": schema}},
    )
    value = json.loads(reply.choices[0].message.content or "")
    assert isinstance(value["ok"], bool) and value["size"] in ("small", "large")
    assert set(value) == {"ok", "size"}
    assert reply.choices[0].finish_reason == "stop"


def test_json_object_mode_gives_a_json_object(client: openai.OpenAI) -> None:
    reply = client.chat.completions.create(
        model="",
        messages=HELLO,
        max_tokens=200,
        temperature=0,
        response_format={"type": "json_object"},
    )
    text = reply.choices[0].message.content or ""
    assert text.lstrip().startswith("{")
    if reply.choices[0].finish_reason == "stop":
        assert isinstance(json.loads(text), dict)


def test_a_text_completion_continues_a_raw_prompt(client: openai.OpenAI) -> None:
    whole = client.completions.create(
        model="", prompt="Once upon a time", max_tokens=8, temperature=0
    )
    assert whole.object == "text_completion" and whole.choices[0].text
    assert whole.usage is not None and whole.usage.completion_tokens == 8
    streamed = client.completions.create(
        model="", prompt="Once upon a time", max_tokens=8, temperature=0, stream=True
    )
    assert "".join(c.choices[0].text for c in streamed) == whole.choices[0].text


def test_every_request_reaches_the_listener(served: Served, client: openai.OpenAI) -> None:
    before = len(served.records)
    client.chat.completions.create(model="", messages=HELLO, max_tokens=4, temperature=0)
    record = served.record(before, "/v1/chat/completions")
    assert (record.method, record.path, record.status) == ("POST", "/v1/chat/completions", 200)
    assert record.model == model_id(served.info) and record.completion_tokens == 4
    assert record.client.startswith("127.0.0.1:")

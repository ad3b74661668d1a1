"""Bad input over raw HTTP gets OpenAI-style JSON errors with the right status, and the server
goes on answering others."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.conftest import Served

CHAT = "/chat/completions"
HELLO = [{"role": "user", "content": "Hello"}]


def post(served: Served, path: str, body: object = None, **kwargs: Any) -> httpx.Response:
    if body is not None:
        kwargs["json"] = body
    return httpx.post(served.url + path, timeout=60, **kwargs)


def assert_error(response: httpx.Response, status: int, param: str | None = None) -> str:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert isinstance(error["message"], str) and error["message"]
    if param is not None:
        assert error["param"] == param
    return error["message"]


def test_malformed_json_is_a_400(served: Served) -> None:
    response = post(
        served, CHAT, content=b'{"messages": [', headers={"content-type": "application/json"}
    )
    assert "not valid JSON" in assert_error(response, 400)
    assert_error(post(served, CHAT, content=b"[1, 2]"), 400)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("temperature", "hot"),
        ("temperature", 7),
        ("max_tokens", 1.5),
        ("max_tokens", True),
        ("top_p", -1),
        ("stop", [1, 2]),
        ("stream", "yes"),
        ("seed", "x"),
        ("messages", "hello"),
        ("response_format", {"type": "yaml"}),
    ],
)
def test_wrong_types_are_a_400_naming_the_field(served: Served, field: str, value: object) -> None:
    body = {"messages": HELLO, "max_tokens": 2, field: value}
    field_name = "response_format" if field == "response_format" else field
    assert_error(post(served, CHAT, body), 400, field_name)


def test_bad_messages_are_a_400(served: Served) -> None:
    for messages in (
        [],
        [{"role": "wizard", "content": "hi"}],
        [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}],
        [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}],
        [{"role": "tool", "content": "42"}],
    ):
        assert_error(post(served, CHAT, {"messages": messages}), 400, "messages")


def test_unsupported_options_are_a_clear_400(served: Served) -> None:
    assert "n=1" in assert_error(post(served, CHAT, {"messages": HELLO, "n": 2}), 400, "n")
    assert_error(post(served, CHAT, {"messages": HELLO, "logprobs": True}), 400, "logprobs")
    tools = [{"type": "function", "function": {"name": "f", "parameters": {}}}]
    message = assert_error(post(served, CHAT, {"messages": HELLO, "tools": tools}), 400, "tools")
    assert "Tool calls are not supported" in message


def test_unknown_fields_are_ignored(served: Served) -> None:
    body = {"messages": HELLO, "max_tokens": 2, "temperature": 0, "frobnicate": {"a": 1}}
    assert post(served, CHAT, body).status_code == 200


def test_an_empty_body_is_said_so(served: Served) -> None:
    message = assert_error(httpx.post(served.url + CHAT, timeout=60), 400)
    assert message.startswith("The request has no body")


def test_the_models_list_with_a_trailing_slash_is_the_list(served: Served) -> None:
    response = httpx.get(served.url + "/models/")
    assert response.status_code == 200 and response.json()["object"] == "list"


def test_an_unknown_model_is_a_404(served: Served) -> None:
    body = {"model": "gpt-17", "messages": HELLO, "max_tokens": 2}
    assert "gpt-17" in assert_error(post(served, CHAT, body), 404, "model")
    assert_error(httpx.get(served.url + "/models/gpt-17"), 404)


def test_a_body_over_the_limit_is_a_413(served: Served) -> None:
    limit = served.server.config.max_body_bytes
    huge = {"messages": [{"role": "user", "content": "x" * (limit + 10)}]}
    assert "larger than 4 MiB" in assert_error(post(served, CHAT, huge), 413)

    def chunks() -> Any:  # no Content-Length: the limit holds while the body is read
        yield b'{"messages": [{"role": "user", "content": "'
        for _ in range(limit // 65536 + 2):
            yield b"x" * 65536
        yield b'"}]}'

    assert_error(post(served, CHAT, content=chunks()), 413)


def test_a_prompt_longer_than_the_context_is_a_400_with_the_numbers(served: Served) -> None:
    long_text = "word " * 3000  # ~3000 tokens against n_ctx 1024
    response = post(served, CHAT, {"messages": [{"role": "user", "content": long_text}]})
    message = assert_error(response, 400, "messages")
    assert response.json()["error"]["code"] == "context_length_exceeded"
    assert any(ch.isdigit() for ch in message) and "tokens" in message
    # Each number once, and what the client can do about it.
    numbers = [word for word in message.split() if word.isdigit()]
    assert len(numbers) == len(set(numbers)) == 2, message
    assert "max_tokens" in message and "fewer or shorter messages" in message
    history = []
    for turn in range(12):
        history += [
            {"role": "user", "content": f"question {turn} " + "word " * 60},
            {"role": "assistant", "content": "answer " * 60},
        ]
    history.append({"role": "user", "content": "and now?"})
    response = post(served, CHAT, {"messages": history, "max_tokens": 8})
    assert "1024 tokens" in assert_error(response, 400, "messages")
    completion = post(served, "/completions", {"prompt": long_text, "max_tokens": 2})
    assert_error(completion, 400)


def test_unknown_paths_and_methods_are_json_errors(served: Served) -> None:
    assert_error(httpx.get(served.url + "/nothing-here"), 404)
    assert_error(httpx.get(served.url + CHAT), 405)


def test_a_base_url_without_v1_is_told_where_the_api_is(served: Served) -> None:
    origin = served.origin
    message = assert_error(httpx.post(origin + CHAT, json={"messages": HELLO}), 404)
    assert "/v1/chat/completions" in message
    assert "/v1/models" in assert_error(httpx.get(origin + "/"), 404)
    assert assert_error(httpx.get(origin + "/v2/nothing"), 404) == "No endpoint /v2/nothing."


def test_requests_from_web_pages_are_refused_by_default(served: Served) -> None:
    body = {"messages": HELLO, "max_tokens": 2}
    response = post(served, CHAT, body, headers={"Origin": "https://evil.example"})
    message = assert_error(response, 403)
    assert "Allowed web pages" in message and "--cors-origin https://evil.example" in message
    assert "access-control-allow-origin" not in response.headers


def test_a_foreign_host_name_is_refused_on_loopback(served: Served) -> None:
    response = httpx.get(served.url + "/models", headers={"Host": "rebound.example:80"})
    assert_error(response, 403)
    assert httpx.get(served.url + "/models", headers={"Host": "localhost"}).status_code == 200


def test_refused_requests_reach_the_listener(served: Served) -> None:
    before = len(served.records)
    post(served, CHAT, {"messages": HELLO, "n": 3})
    record = served.record(before, "/v1" + CHAT)
    assert record.status == 400 and "n=1" in record.error


def test_the_server_goes_on_after_bad_input(served: Served) -> None:
    post(served, CHAT, content=b"\xff\xfe garbage")
    body = {"messages": HELLO, "max_tokens": 3, "temperature": 0}
    response = post(served, CHAT, body)
    assert response.status_code == 200
    assert response.json()["usage"]["completion_tokens"] == 3

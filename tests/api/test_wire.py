"""OpenAI's wire format without a socket: bodies → GenerationRequest, events → JSON and SSE."""

from __future__ import annotations

import base64
import json
import struct

import pytest

from desktop.api import wire
from desktop.api.wire import ApiError, ReplyShape
from desktop.chat.protocol import ModelInfo, ReplyFailure, ReplyProblem, ReplyStats
from desktop.core.conversation import ChatMessage, FinishReason, Role

HELLO = [{"role": "user", "content": "Hello"}]


def chat(**fields: object) -> wire.ReplyCall:
    return wire.parse_chat({"messages": HELLO, **fields}, 7)


def refused(parse: object, body: dict[str, object]) -> ApiError:
    with pytest.raises(ApiError) as caught:
        parse(body, 1) if parse is not wire.parse_embeddings else parse(body)  # type: ignore[operator]
    return caught.value


def info(path: str = "/models/Qwen3-4B-Q4_K_M.gguf", name: str = "Qwen3 4B") -> ModelInfo:
    return ModelInfo(
        path,
        name,
        "qwen3",
        "Q4_K_M",
        4096,
        40960,
        4 * 10**9,
        2 * 10**9,
        "gguf",
        "CPU",
        False,
        0,
        False,
        1.0,
    )


def stats(reason: FinishReason = FinishReason.STOP) -> ReplyStats:
    return ReplyStats(reason, 20, 5, 7, 30.0, 0.3, 27, 4096, 0, thinking_tokens=2)


def test_the_parameters_reach_the_sampling_options() -> None:
    call = chat(
        max_tokens=9,
        temperature=0.2,
        top_p=0.5,
        top_k=7,
        min_p=0.1,
        seed=42,
        stop="END",
        presence_penalty=0.5,
        frequency_penalty=-0.5,
        repeat_penalty=1.2,
        stream=True,
        stream_options={"include_usage": True},
    )
    sampling = call.request.sampling
    assert (sampling.max_tokens, sampling.temperature, sampling.top_p) == (9, 0.2, 0.5)
    assert (sampling.top_k, sampling.min_p, sampling.seed) == (7, 0.1, 42)
    assert sampling.stop == ("END",)
    assert (sampling.presence_penalty, sampling.frequency_penalty) == (0.5, -0.5)
    assert sampling.repeat_penalty == 1.2
    assert call.stream and call.include_usage and call.chat
    assert call.request.request_id == 7 and call.request.prompt is None


def test_defaults_are_llama_servers() -> None:
    sampling = chat().request.sampling
    assert sampling == wire.API_DEFAULT_SAMPLING
    assert sampling.max_tokens == 0 and sampling.repeat_penalty == 1.0 and not sampling.grammar


def test_max_completion_tokens_wins_over_max_tokens() -> None:
    assert chat(max_tokens=5, max_completion_tokens=11).request.sampling.max_tokens == 11


def test_messages_become_chat_messages() -> None:
    call = wire.parse_chat(
        {
            "messages": [
                {"role": "developer", "content": "Be brief."},
                {
                    "role": "user",
                    "content": [{"type": "text", "text": "Hi "}, {"type": "text", "text": "there"}],
                },
                {"role": "assistant", "content": None, "reasoning_content": "hmm"},
                {"role": "user", "content": "Go on", "name": "ann"},
            ]
        },
        1,
    )
    assert call.request.messages == (
        ChatMessage(Role.SYSTEM, "Be brief."),
        ChatMessage(Role.USER, "Hi there"),
        ChatMessage(Role.ASSISTANT, "", "hmm"),
        ChatMessage(Role.USER, "Go on"),
    )


def test_a_schema_becomes_a_grammar_and_turns_thinking_off() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}
    call = chat(response_format={"type": "json_schema", "json_schema": {"schema": schema}})
    assert "root" in call.request.sampling.grammar and call.structured
    assert not call.request.thinking
    assert "root" in chat(response_format={"type": "json_object"}).request.sampling.grammar
    assert chat(response_format={"type": "text"}).request.sampling.grammar == ""
    assert chat().request.thinking


def test_thinking_and_effort_as_llama_server_takes_them() -> None:
    call = chat(chat_template_kwargs={"enable_thinking": False}, reasoning_effort="low")
    assert not call.request.thinking and call.request.reasoning_effort == "low"
    assert refused(wire.parse_chat, {"messages": HELLO, "reasoning_effort": "max"}).status == 400


@pytest.mark.parametrize(
    "fields",
    [
        {"n": 2},
        {"logprobs": True},
        {"top_logprobs": 3},
        {"tools": [{"type": "function"}]},
        {"tool_choice": "auto"},
        {"temperature": float("nan")},
        {"max_tokens": 0},
        {"stop": ["x"] * 17},
        {"stream_options": {"include_usage": "yes"}},
        {"response_format": {"type": "json_schema", "json_schema": {"schema": []}}},
    ],
)
def test_what_we_do_not_do_is_refused(fields: dict[str, object]) -> None:
    error = refused(wire.parse_chat, {"messages": HELLO, **fields})
    assert error.status == 400 and error.body()["error"]["message"]


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("stream", "yes", "must be true or false"),
        ("model", 3, "must be a string"),
        ("reasoning_effort", ["high"], "must be a string"),
        ("stream_options", True, "must be an object"),
        ("chat_template_kwargs", "x", "must be an object"),
    ],
)
def test_a_field_of_the_wrong_type_is_named_in_the_400(
    field: str, value: object, words: str
) -> None:
    error = refused(wire.parse_chat, {"messages": HELLO, field: value})
    assert error.status == 400 and error.param == field
    assert error.body()["error"]["message"] == f"'{field}' {words}."


def test_an_absent_or_null_field_takes_its_default() -> None:
    assert chat(stream=None).stream is False
    call = chat(model=None, reasoning_effort=None, stream_options=None)
    assert call.model == "" and call.request.reasoning_effort == "" and not call.include_usage


def test_a_raw_completion_keeps_its_prompt() -> None:
    call = wire.parse_completion({"prompt": ["Once"], "stop": ["\n"]}, 3)
    assert call.request.prompt == "Once" and call.request.messages == ()
    assert call.request.sampling.max_tokens == 16  # OpenAI's default there
    assert call.request.sampling.stop == ("\n",) and not call.chat
    for body in (
        {"prompt": [1, 2, 3]},
        {"prompt": ""},
        {"prompt": "x", "echo": True},
        {"prompt": "x", "suffix": "y"},
        {"prompt": ["a", "b"]},
    ):
        assert refused(wire.parse_completion, body).status == 400


def test_embedding_requests() -> None:
    call = wire.parse_embeddings({"input": ["a", "b"], "encoding_format": "base64", "model": "m"})
    assert call == wire.EmbeddingCall("m", ("a", "b"), True)
    assert wire.parse_embeddings({"input": "a"}).texts == ("a",)
    for body in (
        {"input": [1, 2]},
        {"input": []},
        {"input": "a", "dimensions": 3},
        {"input": "a", "encoding_format": "int8"},
    ):
        assert refused(wire.parse_embeddings, body).status == 400


def test_embeddings_body_in_floats_and_base64() -> None:
    floats = wire.embeddings_body("m", [[0.5, -1.0]], False, 3)
    assert floats["data"][0]["embedding"] == [0.5, -1.0] and floats["usage"]["prompt_tokens"] == 3
    packed = wire.embeddings_body("m", [[0.5, -1.0]], True, 3)["data"][0]["embedding"]
    assert struct.unpack("<2f", base64.b64decode(packed)) == (0.5, -1.0)


def test_a_model_is_named_by_file_stem_or_name() -> None:
    loaded = info()
    assert wire.model_id(loaded) == "Qwen3-4B-Q4_K_M.gguf"
    for name in ("", "Qwen3-4B-Q4_K_M.gguf", "Qwen3-4B-Q4_K_M", "Qwen3 4B", loaded.path):
        assert wire.names_model(name, loaded)
    assert not wire.names_model("gpt-4o", loaded)
    listed = wire.models_list(loaded, "embed.gguf")["data"]
    assert [m["id"] for m in listed] == ["Qwen3-4B-Q4_K_M.gguf", "embed.gguf"]
    assert listed[0]["meta"]["n_ctx"] == 4096
    assert wire.models_list(None, None) == {"object": "list", "data": []}


def test_a_whole_chat_reply() -> None:
    shape = ReplyShape(chat(), "m.gguf")
    shape.thinking.append("Let me see.")
    shape.text += ["Hel", "lo"]
    body = shape.whole(stats(FinishReason.LENGTH))
    assert body["id"].startswith("chatcmpl-") and body["object"] == "chat.completion"
    assert body["choices"][0]["message"] == {
        "role": "assistant",
        "content": "Hello",
        "reasoning_content": "Let me see.",
    }
    assert body["choices"][0]["finish_reason"] == "length"
    assert body["usage"]["prompt_tokens"] == 20 and body["usage"]["completion_tokens"] == 7
    assert body["usage"]["prompt_tokens_details"] == {"cached_tokens": 15}
    assert body["usage"]["completion_tokens_details"] == {"reasoning_tokens": 2}


def events(raw: bytes) -> list[object]:
    assert raw.endswith(b"\n\n")
    out: list[object] = []
    for block in raw.decode().split("\n\n")[:-1]:
        assert block.startswith("data: ")
        data = block.removeprefix("data: ")
        out.append(data if data == "[DONE]" else json.loads(data))
    return out


def test_stream_chunks_in_order_with_usage() -> None:
    shape = ReplyShape(chat(stream=True, stream_options={"include_usage": True}), "m.gguf")
    opening = events(shape.opening_chunk() or b"")[0]
    assert opening["choices"][0]["delta"] == {"role": "assistant", "content": ""}  # type: ignore[index]
    assert opening["usage"] is None  # type: ignore[index]
    thought = events(shape.thinking_chunk("hmm") or b"")[0]
    assert thought["choices"][0]["delta"] == {"reasoning_content": "hmm"}  # type: ignore[index]
    text = events(shape.text_chunk("Hi"))[0]
    assert text["choices"][0]["delta"] == {"content": "Hi"}  # type: ignore[index]
    assert text["id"] == opening["id"]  # type: ignore[index]
    final, usage_chunk, done = events(shape.closing_chunks(stats()))
    assert final["choices"][0]["finish_reason"] == "stop"  # type: ignore[index]
    assert usage_chunk["choices"] == [] and usage_chunk["usage"]["total_tokens"] == 27  # type: ignore[index]
    assert done == "[DONE]"


def test_text_completion_chunks() -> None:
    shape = ReplyShape(wire.parse_completion({"prompt": "x", "stream": True}, 1), "m.gguf")
    assert shape.opening_chunk() is None and shape.thinking_chunk("t") is None
    chunk = events(shape.text_chunk("abc"))[0]
    assert chunk["object"] == "text_completion" and chunk["choices"][0]["text"] == "abc"  # type: ignore[index]
    assert "usage" not in chunk  # type: ignore[operator]
    final, done = events(shape.closing_chunks(stats()))
    assert final["choices"][0]["finish_reason"] == "stop" and done == "[DONE]"  # type: ignore[index]


def test_engine_failures_become_http_errors() -> None:
    too_long = wire.failure_error(
        ReplyFailure(ReplyProblem.PROMPT_TOO_LONG, "Too long.", 5000, 3000)
    )
    assert too_long.status == 400 and too_long.code == "context_length_exceeded"
    assert "5000" in too_long.message and "3000" in too_long.message
    assert wire.failure_error(ReplyFailure(ReplyProblem.NO_MODEL, "")).status == 503
    assert wire.failure_error(ReplyFailure(ReplyProblem.TEMPLATE, "bad")).status == 400
    assert wire.failure_error(ReplyFailure(ReplyProblem.LLAMA_FAILED, "boom")).status == 500
    overflow = wire.overflow_error(3, 900, 1024)
    assert overflow.status == 400 and "1024" in overflow.message and "3" in overflow.message


def test_sse_is_compact_utf8() -> None:
    assert wire.sse({"a": "é"}) == 'data: {"a":"é"}\n\n'.encode()
    assert wire.parse_json(b'{"a": 1}') == {"a": 1}
    for raw in (b"{", b"[]", b"\xff"):
        with pytest.raises(ApiError):
            wire.parse_json(raw)


def test_both_limits_are_length_on_the_wire() -> None:
    """OpenAI's API has one "length"; the app tells Max tokens and a full context apart."""
    assert wire.finish_reason(FinishReason.LENGTH) == "length"
    assert wire.finish_reason(FinishReason.CONTEXT) == "length"
    assert wire.finish_reason(FinishReason.CANCELLED) == "stop"

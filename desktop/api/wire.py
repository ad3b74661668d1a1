"""OpenAI's wire format, both ways: request bodies → GenerationRequest, reply events → JSON.

Plain Python, no I/O: the server (desktop/api/server.py) reads bodies and writes what these
functions make, so every rule about the format is tested here without a socket. Requests are
untrusted: every field is type-checked and bounded, unknown fields are ignored (as OpenAI and
llama-server do), and fields we do not support get a clear 400 instead of being ignored.
"""

from __future__ import annotations

import base64
import json
import math
import struct
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from desktop.chat.protocol import (
    GenerationRequest,
    ModelInfo,
    ReplyFailure,
    ReplyProblem,
    ReplyStats,
)
from desktop.core.conversation import ChatMessage, FinishReason, Role
from desktop.engine.llama import SamplingOptions, json_grammar

MAX_STOP_STRINGS = 16
MAX_STOP_CHARS = 200
MAX_EMBEDDING_INPUTS = 256

API_DEFAULT_SAMPLING = SamplingOptions(
    temperature=0.8, top_p=0.95, top_k=40, min_p=0.05, repeat_penalty=1.0, max_tokens=0
)
"""llama-server's defaults; max_tokens 0: until the model ends or the context is full."""


class ApiError(Exception):
    """A request the server refuses, with the HTTP status and OpenAI's error fields."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code

    def body(self) -> dict[str, Any]:
        return error_body(self.message, self.type, self.param, self.code)


def error_body(
    message: str,
    type: str = "invalid_request_error",
    param: str | None = None,
    code: str | None = None,
) -> dict[str, Any]:
    """OpenAI's error object: {"error": {"message", "type", "param", "code"}}."""
    return {"error": {"message": message, "type": type, "param": param, "code": code}}


def bad(message: str, param: str | None = None, code: str | None = None) -> ApiError:
    return ApiError(400, message, param=param, code=code)


MIB = 1024 * 1024


def body_too_large(limit: int) -> ApiError:
    """The 413 for a body over ``limit`` bytes, the limit said as people write it (4 MiB)."""
    size = f"{limit // MIB} MiB" if limit >= MIB and limit % MIB == 0 else f"{limit} bytes"
    return ApiError(413, f"The request body is larger than {size}.", code="body_too_large")


API_PATHS = ("/chat/completions", "/completions", "/embeddings", "/models")
"""The endpoints, as a client that forgot the /v1 in its base URL asks for them."""


def not_found(path: str) -> ApiError:
    """The 404 for ``path``; a client whose base URL lacks /v1 is told where the API is."""
    if path.startswith(API_PATHS):
        return ApiError(
            404, f"No endpoint {path}: the API is at /v1{path} (a client's base URL ends in /v1)."
        )
    if path.rstrip("/") in ("", "/v1"):
        return ApiError(
            404, f"No endpoint {path}: the API's endpoints are under /v1, such as GET /v1/models."
        )
    return ApiError(404, f"No endpoint {path}.")


# Reading values ----------------------------------------------------------------------------


def parse_json(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object; 400 for anything else."""
    if not raw.strip():
        raise bad('The request has no body: send a JSON object, such as {"messages": [...]}.')
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise bad(f"The body is not valid JSON: {error}") from error
    if not isinstance(body, dict):
        raise bad("The body must be a JSON object.")
    return body


def _number(body: dict[str, Any], name: str, low: float, high: float, default: float) -> float:
    value = body.get(name)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise bad(f"'{name}' must be a number.", name)
    if not low <= value <= high:
        raise bad(f"'{name}' must be between {low:g} and {high:g}; it is {value:g}.", name)
    return float(value)


def _integer(
    body: dict[str, Any], name: str, low: int, high: int, default: int | None
) -> int | None:
    value = body.get(name)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad(f"'{name}' must be an integer.", name)
    if not low <= value <= high:
        raise bad(f"'{name}' must be between {low} and {high}; it is {value}.", name)
    return value


_T = TypeVar("_T")


def _typed(body: dict[str, Any], name: str, kind: type[_T], what: str, default: _T) -> _T:
    """Field ``name`` when it is a ``kind`` (``what`` words the type for the 400), ``default``
    when it is absent or null. One check for every plain-typed field, so each refuses alike."""
    value = body.get(name)
    if value is None:
        return default
    if not isinstance(value, kind):
        raise bad(f"'{name}' must be {what}.", name)
    return value


def _boolean(body: dict[str, Any], name: str, default: bool = False) -> bool:
    return _typed(body, name, bool, "true or false", default)


def _string(body: dict[str, Any], name: str, default: str = "") -> str:
    return _typed(body, name, str, "a string", default)


def _object(body: dict[str, Any], name: str) -> dict[str, Any]:
    return _typed(body, name, dict, "an object", {})


# Requests ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReplyCall:
    """A parsed chat or text completion request: what to ask the engine and how to answer."""

    model: str  # as the client named it ("": not named)
    stream: bool
    include_usage: bool
    request: GenerationRequest
    chat: bool  # /v1/chat/completions (else /v1/completions)
    structured: bool = False  # response_format asked for JSON


def refuse_unsupported(body: dict[str, Any]) -> None:
    """A clear 400 for what we do not build, instead of silently ignoring it."""
    n = _integer(body, "n", 1, 128, 1)
    if n != 1:
        raise bad("Only n=1 is supported: ask again for more choices.", "n")
    if body.get("logprobs") not in (None, False, 0) or body.get("top_logprobs") is not None:
        raise bad("logprobs are not supported by this server.", "logprobs")
    if body.get("tools") or body.get("functions") or body.get("tool_choice") not in (None, "none"):
        raise bad(
            "Tool calls are not supported by this server yet; send the request without 'tools'.",
            "tools",
        )
    if body.get("best_of") not in (None, 1):
        raise bad("Only best_of=1 is supported.", "best_of")


def sampling_options(body: dict[str, Any]) -> SamplingOptions:
    """The sampling fields OpenAI and llama-server define, checked and bounded."""
    defaults = API_DEFAULT_SAMPLING
    max_tokens = _integer(body, "max_completion_tokens", 1, 1 << 24, None)
    if max_tokens is None:
        max_tokens = _integer(body, "max_tokens", 1, 1 << 24, defaults.max_tokens)
    seed = _integer(body, "seed", -(1 << 63), (1 << 64) - 1, None)
    return SamplingOptions(
        temperature=_number(body, "temperature", 0.0, 2.0, defaults.temperature),
        top_p=_number(body, "top_p", 0.0, 1.0, defaults.top_p),
        top_k=int(_integer(body, "top_k", 0, 1 << 20, defaults.top_k) or 0),
        min_p=_number(body, "min_p", 0.0, 1.0, defaults.min_p),
        repeat_penalty=_number(body, "repeat_penalty", 0.0, 10.0, defaults.repeat_penalty),
        presence_penalty=_number(body, "presence_penalty", -2.0, 2.0, 0.0),
        frequency_penalty=_number(body, "frequency_penalty", -2.0, 2.0, 0.0),
        max_tokens=max_tokens or 0,
        seed=None if seed is None or seed < 0 else seed & 0x7FFFFFFF,
        stop=stop_strings(body.get("stop")),
    )


def stop_strings(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    stops = [value] if isinstance(value, str) else value
    if not isinstance(stops, list) or not all(isinstance(s, str) for s in stops):
        raise bad("'stop' must be a string or a list of strings.", "stop")
    if len(stops) > MAX_STOP_STRINGS or any(len(s) > MAX_STOP_CHARS for s in stops):
        raise bad(
            f"At most {MAX_STOP_STRINGS} stop strings of {MAX_STOP_CHARS} characters each.",
            "stop",
        )
    return tuple(s for s in stops if s)


def response_grammar(body: dict[str, Any]) -> str:
    """GBNF for response_format: json_object (any JSON object) or json_schema (that schema)."""
    response_format = _object(body, "response_format")
    kind = response_format.get("type", "text")
    if kind in (None, "text"):
        return ""
    if kind == "json_object":
        return json_grammar(None)
    if kind == "json_schema":
        spec = response_format.get("json_schema")
        if not isinstance(spec, dict):
            raise bad("'response_format.json_schema' must be an object.", "response_format")
        schema = spec.get("schema", {})
        if not isinstance(schema, dict):
            raise bad("'response_format.json_schema.schema' must be an object.", "response_format")
        try:
            return json_grammar(schema)
        except ValueError as error:
            raise bad(str(error), "response_format") from error
    raise bad("'response_format.type' must be text, json_object or json_schema.", "response_format")


def message_text(content: object, index: int) -> str:
    """A message's content: a string, or a list of text parts joined."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for part in content:
            if not isinstance(part, dict):
                raise bad(f"messages[{index}].content parts must be objects.", "messages")
            if part.get("type") != "text":
                raise bad(
                    f"messages[{index}] has a '{part.get('type')}' part; only text is supported.",
                    "messages",
                )
            text = part.get("text")
            if not isinstance(text, str):
                raise bad(f"messages[{index}].content text parts need a 'text' string.", "messages")
            parts.append(text)
        return "".join(parts)
    raise bad(f"messages[{index}].content must be a string or a list of parts.", "messages")


_ROLES = {
    "system": Role.SYSTEM,
    "developer": Role.SYSTEM,  # OpenAI's newer name for it
    "user": Role.USER,
    "assistant": Role.ASSISTANT,
}


def chat_messages(value: object) -> tuple[ChatMessage, ...]:
    if not isinstance(value, list) or not value:
        raise bad("'messages' must be a non-empty list.", "messages")
    messages = []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise bad(f"messages[{index}] must be an object.", "messages")
        role = item.get("role")
        if role in ("tool", "function"):
            raise bad("Tool messages are not supported by this server yet.", "messages")
        if role not in _ROLES:
            raise bad(
                f"messages[{index}].role must be system, developer, user or assistant; "
                f"it is {role!r}.",
                "messages",
            )
        thinking = item.get("reasoning_content")
        messages.append(
            ChatMessage(
                _ROLES[role],
                message_text(item.get("content"), index),
                thinking if isinstance(thinking, str) else "",
            )
        )
    if messages[-1].role != Role.USER or not messages[-1].content.strip():
        raise bad("The last message must be a non-empty user message.", "messages")
    return tuple(messages)


def stream_settings(body: dict[str, Any]) -> tuple[bool, bool]:
    stream = _boolean(body, "stream")
    options = _object(body, "stream_options")
    include_usage = options.get("include_usage", False)
    if not isinstance(include_usage, bool):
        raise bad("'stream_options.include_usage' must be true or false.", "stream_options")
    return stream, include_usage


def parse_chat(body: dict[str, Any], request_id: int) -> ReplyCall:
    """A /v1/chat/completions body → the reply to ask for."""
    refuse_unsupported(body)
    model = _string(body, "model")
    messages = chat_messages(body.get("messages"))
    stream, include_usage = stream_settings(body)
    sampling = sampling_options(body)
    grammar = response_grammar(body)
    if grammar:
        sampling = replace(sampling, grammar=grammar)
    effort = _string(body, "reasoning_effort")
    if effort not in ("", "low", "medium", "high"):
        raise bad("'reasoning_effort' must be low, medium or high.", "reasoning_effort")
    kwargs = _object(body, "chat_template_kwargs")  # llama-server's way to switch thinking
    thinking = kwargs.get("enable_thinking", True)
    if not isinstance(thinking, bool):
        raise bad("'chat_template_kwargs.enable_thinking' must be true or false.")
    request = GenerationRequest(
        request_id,
        messages,
        sampling,
        # A grammar constrains everything the model writes: thinking would break it.
        thinking=thinking and not grammar,
        reasoning_effort=effort,
    )
    return ReplyCall(model, stream, include_usage, request, chat=True, structured=bool(grammar))


def parse_completion(body: dict[str, Any], request_id: int) -> ReplyCall:
    """A /v1/completions body (a raw prompt, no chat template) → the reply to ask for."""
    refuse_unsupported(body)
    model = _string(body, "model")
    prompt = body.get("prompt")
    if isinstance(prompt, list) and len(prompt) == 1 and isinstance(prompt[0], str):
        prompt = prompt[0]
    if not isinstance(prompt, str):
        raise bad("'prompt' must be a string (one prompt per request).", "prompt")
    if not prompt:
        raise bad("'prompt' must not be empty.", "prompt")
    if _boolean(body, "echo"):
        raise bad("'echo' is not supported by this server.", "echo")
    if body.get("suffix"):
        raise bad("'suffix' is not supported by this server.", "suffix")
    stream, include_usage = stream_settings(body)
    sampling = sampling_options(body)
    if body.get("max_tokens") is None:
        sampling = replace(sampling, max_tokens=16)  # OpenAI's default for completions
    grammar = response_grammar(body)
    if grammar:
        sampling = replace(sampling, grammar=grammar)
    request = GenerationRequest(request_id, (), sampling, prompt=prompt)
    return ReplyCall(model, stream, include_usage, request, chat=False, structured=bool(grammar))


@dataclass(frozen=True, slots=True)
class EmbeddingCall:
    model: str
    texts: tuple[str, ...]
    base64: bool


def parse_embeddings(body: dict[str, Any]) -> EmbeddingCall:
    model = _string(body, "model")
    value = body.get("input")
    texts = [value] if isinstance(value, str) else value
    if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
        raise bad("'input' must be a string or a non-empty list of strings.", "input")
    if len(texts) > MAX_EMBEDDING_INPUTS:
        raise bad(f"At most {MAX_EMBEDDING_INPUTS} inputs per request.", "input")
    encoding = _string(body, "encoding_format", "float")
    if encoding not in ("float", "base64"):
        raise bad("'encoding_format' must be float or base64.", "encoding_format")
    if body.get("dimensions") is not None:
        raise bad("'dimensions' is not supported: the model's own size is used.", "dimensions")
    return EmbeddingCall(model, tuple(texts), encoding == "base64")


# Models ------------------------------------------------------------------------------------


def model_id(info: ModelInfo) -> str:
    """The name clients use for the loaded model: its file name, as llama-server lists it."""
    return Path(info.path).name or info.name


def names_model(name: str, info: ModelInfo) -> bool:
    """Whether a request's `model` names the loaded model ("" names whatever is loaded)."""
    if not name:
        return True
    path = Path(info.path)
    return name in (model_id(info), path.stem, info.name, info.path)


def model_entry(model: str, created: int, **meta: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": model,
        "object": "model",
        "created": created,
        "owned_by": "hearthside",
    }
    if meta:
        entry["meta"] = meta
    return entry


def models_list(info: ModelInfo | None, embedder_name: str | None) -> dict[str, Any]:
    data = []
    if info is not None:
        try:
            created = int(Path(info.path).stat().st_mtime)
        except OSError:
            created = 0
        data.append(
            model_entry(
                model_id(info),
                created,
                n_ctx=info.n_ctx,
                n_ctx_train=info.n_ctx_train,
                n_params=info.n_params,
                size=info.size_bytes,
                architecture=info.architecture,
                quantization=info.quantization,
                reasoning=info.reasoning or None,
            )
        )
    if embedder_name:
        data.append(model_entry(embedder_name, 0, embedding=True))
    return {"object": "list", "data": data}


# Responses ---------------------------------------------------------------------------------


def finish_reason(reason: FinishReason) -> str:
    # OpenAI has one "length" for both limits.
    return "length" if reason in (FinishReason.LENGTH, FinishReason.CONTEXT) else "stop"


def usage(stats: ReplyStats | None) -> dict[str, Any]:
    prompt = stats.prompt_tokens if stats is not None else 0
    completion = stats.generated_tokens if stats is not None else 0
    body: dict[str, Any] = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }
    if stats is not None:
        body["prompt_tokens_details"] = {
            "cached_tokens": max(0, stats.prompt_tokens - stats.evaluated_prompt_tokens)
        }
        if stats.thinking_tokens:
            body["completion_tokens_details"] = {"reasoning_tokens": stats.thinking_tokens}
    return body


@dataclass
class ReplyShape:
    """The response being built for one reply: its id, and the text collected (non-streaming)."""

    call: ReplyCall
    model: str
    id: str = field(default="")
    created: int = field(default_factory=lambda: int(time.time()))
    text: list[str] = field(default_factory=list)
    thinking: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.id:
            prefix = "chatcmpl-" if self.call.chat else "cmpl-"
            self.id = prefix + uuid.uuid4().hex

    # Streaming chunks ------------------------------------------------------------------

    def _chunk(self, choice: dict[str, Any] | None, stats: ReplyStats | None = None) -> bytes:
        body: dict[str, Any] = {
            "id": self.id,
            "object": "chat.completion.chunk" if self.call.chat else "text_completion",
            "created": self.created,
            "model": self.model,
            "system_fingerprint": "hearthside",
            "choices": [choice] if choice is not None else [],
        }
        if self.call.include_usage:
            body["usage"] = usage(stats) if choice is None else None
        return sse(body)

    def _choice(self, delta: dict[str, Any], reason: str | None = None) -> dict[str, Any]:
        if self.call.chat:
            return {"index": 0, "delta": delta, "logprobs": None, "finish_reason": reason}
        text = delta.get("content", "")
        return {"index": 0, "text": text, "logprobs": None, "finish_reason": reason}

    def opening_chunk(self) -> bytes | None:
        """The chat stream's first chunk names the role (text completions have none)."""
        if not self.call.chat:
            return None
        return self._chunk(self._choice({"role": "assistant", "content": ""}))

    def text_chunk(self, text: str) -> bytes:
        return self._chunk(self._choice({"content": text}))

    def thinking_chunk(self, text: str) -> bytes | None:
        if not self.call.chat:
            return None
        return self._chunk(self._choice({"reasoning_content": text}))

    def closing_chunks(self, stats: ReplyStats) -> bytes:
        """The last choice chunk with its finish reason, the usage chunk when asked, [DONE]."""
        reason = finish_reason(stats.finish_reason)
        parts = [self._chunk(self._choice({}, reason))]
        if self.call.include_usage:
            parts.append(self._chunk(None, stats))
        parts.append(DONE)
        return b"".join(parts)

    # Non-streaming -----------------------------------------------------------------------

    def whole(self, stats: ReplyStats) -> dict[str, Any]:
        text = "".join(self.text)
        reason = finish_reason(stats.finish_reason)
        if self.call.chat:
            message: dict[str, Any] = {"role": "assistant", "content": text}
            if self.thinking:
                message["reasoning_content"] = "".join(self.thinking)
            choice: dict[str, Any] = {
                "index": 0,
                "message": message,
                "logprobs": None,
                "finish_reason": reason,
            }
        else:
            choice = {"index": 0, "text": text, "logprobs": None, "finish_reason": reason}
        return {
            "id": self.id,
            "object": "chat.completion" if self.call.chat else "text_completion",
            "created": self.created,
            "model": self.model,
            "system_fingerprint": "hearthside",
            "choices": [choice],
            "usage": usage(stats),
        }


DONE = b"data: [DONE]\n\n"


def dumps(body: object) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sse(body: object) -> bytes:
    """One server-sent event carrying `body` as JSON."""
    return b"data: " + dumps(body) + b"\n\n"


def failure_error(failure: ReplyFailure) -> ApiError:
    """The HTTP error for a reply the engine could not make."""
    problem = failure.problem
    if problem == ReplyProblem.PROMPT_TOO_LONG:
        # Said here, not in the engine's words (which the window shows): what a client can do.
        return ApiError(
            400,
            f"The prompt takes {failure.needed_tokens} tokens, but only "
            f"{failure.available_tokens} fit in the model's context window once room is kept "
            "for the reply. Send fewer or shorter messages, ask for fewer max_tokens, or load "
            "the model with a larger context window.",
            param="messages",
            code="context_length_exceeded",
        )
    if problem == ReplyProblem.NO_MODEL:
        return ApiError(503, "No model is loaded.", type="server_error", code="model_not_loaded")
    if problem in (ReplyProblem.EMPTY_PROMPT, ReplyProblem.TEMPLATE):
        return ApiError(400, failure.message, param="messages")
    return ApiError(500, failure.message, type="server_error")


def overflow_error(dropped: int, prompt_tokens: int, n_ctx: int) -> ApiError:
    """The messages do not fit: the window would leave out the oldest, an API client must
    decide itself."""
    return ApiError(
        400,
        f"The messages do not fit the model's context window of {n_ctx} tokens with room for "
        f"the reply: the {dropped} earliest would have to be left out (the rest take "
        f"{prompt_tokens} tokens). Shorten them or ask for fewer max_tokens.",
        param="messages",
        code="context_length_exceeded",
    )


def embeddings_body(
    model: str, vectors: Sequence[Sequence[float]], as_base64: bool, tokens: int
) -> dict[str, Any]:
    data = []
    for index, vector in enumerate(vectors):
        if as_base64:
            packed = struct.pack(f"<{len(vector)}f", *vector)
            embedding: object = base64.b64encode(packed).decode("ascii")
        else:
            embedding = [float(x) for x in vector]
        data.append({"object": "embedding", "index": index, "embedding": embedding})
    return {
        "object": "list",
        "data": data,
        "model": model,
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }

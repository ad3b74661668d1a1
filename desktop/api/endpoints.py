"""The API server's endpoints and the reply in flight (runs on the server's event loop).

A reply is asked of the EngineHost as a `ReplyTicket` (Priority.API, one client per peer
address, taking turns with the others and always after the window). Its events are read off the
event loop in a worker thread, `next_event(timeout=0.05)` at a time, so a request whose client
went away, or a server that stops, cancels the ticket within one poll; a task listening on the
ASGI `receive` channel hears the disconnect the moment the socket closes.

Nothing is sent before the reply started: a prompt that does not fit, or no model, is a proper
HTTP error even for a streaming request. Then either the whole JSON body, or SSE chunks
(`data: {...}`, ending with `data: [DONE]`).
"""

from __future__ import annotations

import hmac
import itertools
import logging
import queue
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import anyio
import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from desktop.api import wire
from desktop.api.protocol import Embedder, ServerConfig
from desktop.api.wire import ApiError, ReplyCall, ReplyShape
from desktop.chat.engine_host import EngineHost, Priority, ReplyTicket
from desktop.chat.protocol import (
    Failed,
    Finished,
    ModelInfo,
    ReplyEvent,
    ReplyStarted,
    ReplyStats,
    TextDelta,
    ThinkingDelta,
)
from desktop.core.conversation import FinishReason

log = logging.getLogger(__name__)

POLL_S = 0.25
"""How long one read of the ticket waits before the loop looks at the client and the server
again. It does not bound how soon a reply is cancelled: the task that hears the client leave and
`stop()` cancel the ticket at once, and the engine then ends the reply at its next token, which
wakes the reader. Short polls would only wake threads that take CPU from llama.cpp's own while it
evaluates the prompt."""

FIRST_REQUEST_ID = 1 << 40
"""API requests' ids start here, far from the window's."""


@dataclass
class Usage:
    """What a request used, filled in by its endpoint, read for its RequestRecord."""

    model: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    tokens_per_second: float = 0.0
    error: str = ""


@dataclass
class ServerState:
    """What every endpoint shares; lives as long as the ApiServer (its loop's thread and the
    caller's thread both read it, the latter only through the lock)."""

    host: EngineHost
    config: ServerConfig
    model_info: Callable[[], ModelInfo | None]
    embedder: Embedder | None
    stopping: threading.Event = field(default_factory=threading.Event)
    tickets: set[ReplyTicket] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    embed_lock: threading.Lock = field(default_factory=threading.Lock)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(FIRST_REQUEST_ID))
    limiter: anyio.CapacityLimiter | None = None

    def cancel_all(self) -> None:
        """Cancels every reply in flight (the server stops)."""
        self.stopping.set()
        with self.lock:
            tickets = list(self.tickets)
        for ticket in tickets:
            ticket.cancel()

    def thread_limiter(self) -> anyio.CapacityLimiter:
        """Threads that wait on tickets: one per connection at most (made on the loop)."""
        if self.limiter is None:
            self.limiter = anyio.CapacityLimiter(self.config.max_connections + 8)
        return self.limiter


def usage_of(scope: Scope) -> Usage:
    """The request's Usage, which the guard put in its scope."""
    found = scope.setdefault("hearthside.usage", Usage())
    assert isinstance(found, Usage)
    return found


def error_response(error: ApiError, scope: Scope | None = None) -> JSONResponse:
    if scope is not None:
        usage_of(scope).error = error.message
    headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
    return JSONResponse(error.body(), status_code=error.status, headers=headers)


def authorized(config: ServerConfig, header: str) -> bool:
    if not config.api_key:
        return True
    scheme, _, key = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        key.strip().encode("utf-8"), config.api_key.encode("utf-8")
    )


async def read_body(request: Request, limit: int) -> dict[str, Any]:
    """The JSON body, read up to `limit` bytes (413 beyond, whatever Content-Length said)."""
    parts: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise wire.body_too_large(limit)
        parts.append(chunk)
    return wire.parse_json(b"".join(parts))


def client_of(scope: Scope) -> str:
    peer = scope.get("client")
    return f"{peer[0]}:{peer[1]}" if peer else "unknown"


# Endpoints ---------------------------------------------------------------------------------


def endpoints(state: ServerState) -> dict[str, Callable[[Request], Awaitable[Response]]]:
    """The handlers by name; server.py routes them."""

    async def health(_request: Request) -> Response:
        loaded = state.model_info() is not None
        body = {"status": "ok" if loaded else "no model"}
        return JSONResponse(body, status_code=200 if loaded else 503)

    async def models(_request: Request) -> Response:
        embedder = state.embedder
        return JSONResponse(
            wire.models_list(state.model_info(), embedder.model_name if embedder else None)
        )

    async def model(request: Request) -> Response:
        name = request.path_params["model"]
        if not name:  # GET /v1/models/ (a client that joins paths with a slash): the list
            return await models(request)
        for entry in wire.models_list(
            state.model_info(), state.embedder.model_name if state.embedder else None
        )["data"]:
            if entry["id"] == name:
                return JSONResponse(entry)
        return error_response(unknown_model(name), request.scope)

    async def chat_completions(request: Request) -> Response:
        return await reply_endpoint(request, wire.parse_chat)

    async def completions(request: Request) -> Response:
        return await reply_endpoint(request, wire.parse_completion)

    async def reply_endpoint(
        request: Request, parse: Callable[[dict[str, Any], int], ReplyCall]
    ) -> Response:
        usage = usage_of(request.scope)
        try:
            body = await read_body(request, state.config.max_body_bytes)
            call = parse(body, next(state.ids))
            info = state.model_info()
            usage.model = call.model
            if info is None:
                raise ApiError(
                    503, "No model is loaded.", type="server_error", code="model_not_loaded"
                )
            if not wire.names_model(call.model, info):
                raise unknown_model(call.model)
            usage.model = wire.model_id(info)
        except ApiError as error:
            return error_response(error, request.scope)
        peer = request.client.host if request.client else "unknown"
        ticket = state.host.stream(call.request, priority=Priority.API, client=f"api:{peer}")
        return ReplyResponse(state, ticket, ReplyShape(call, usage.model), usage)

    async def embeddings(request: Request) -> Response:
        usage = usage_of(request.scope)
        try:
            body = await read_body(request, state.config.max_body_bytes)
            call = wire.parse_embeddings(body)
            embedder = state.embedder
            usage.model = call.model
            if embedder is None:
                raise ApiError(
                    501,
                    "No embedding model is set up: choose one for documents in Hearthside "
                    "(or pass --embedding-model to `hearthside serve`).",
                    type="server_error",
                    code="embeddings_unavailable",
                )
            if call.model and call.model != embedder.model_name:
                raise unknown_model(call.model)
            usage.model = embedder.model_name

            def embed() -> list[list[float]]:
                with state.embed_lock:
                    return embedder.embed(call.texts)

            vectors = await anyio.to_thread.run_sync(embed, limiter=state.thread_limiter())
        except ApiError as error:
            return error_response(error, request.scope)
        except Exception as error:  # the embedding model failed: the client hears why
            log.exception("embedding failed")
            return error_response(ApiError(500, str(error), type="server_error"), request.scope)
        tokens = sum(max(1, len(t) // 4) for t in call.texts)  # estimated: no tokenizer here
        usage.prompt_tokens = tokens
        return JSONResponse(wire.embeddings_body(embedder.model_name, vectors, call.base64, tokens))

    return {
        "health": health,
        "models": models,
        "model": model,
        "chat_completions": chat_completions,
        "completions": completions,
        "embeddings": embeddings,
    }


def unknown_model(name: str) -> ApiError:
    return ApiError(
        404,
        f"The model '{name}' is not loaded here; GET /v1/models lists the one that is.",
        param="model",
        code="model_not_found",
    )


# The reply in flight -----------------------------------------------------------------------


class ClientGone(Exception):
    """The client closed its connection, or the server is stopping."""


class ReplyResponse(Response):
    """Answers one reply request: the whole body, or its SSE stream, as the events come.

    Why a Response of its own: it must hear the client leave (the ASGI receive channel) while
    it waits for the engine, and decide the status only after the reply started.
    """

    def __init__(
        self, state: ServerState, ticket: ReplyTicket, shape: ReplyShape, usage: Usage
    ) -> None:
        super().__init__()
        self._state = state
        self._ticket = ticket
        self._shape = shape
        self._usage = usage
        self._gone = False
        self._done = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state, ticket = self._state, self._ticket
        with state.lock:
            state.tickets.add(ticket)
        if state.stopping.is_set():
            ticket.cancel()
        try:
            async with anyio.create_task_group() as group:
                group.start_soon(self._watch, receive)
                try:
                    await self._answer(send)
                except ClientGone:
                    self._usage.error = self._usage.error or "the client went away"
                finally:
                    self._done = True
                    group.cancel_scope.cancel()
        finally:
            ticket.cancel()  # a no-op once it finished; frees the engine otherwise
            with state.lock:
                state.tickets.discard(ticket)

    async def _watch(self, receive: Receive) -> None:
        """Hears the client leave (the body was read already, so only that comes)."""
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                if not self._done:
                    self._gone = True
                    self._ticket.cancel()
                return

    def _poll(self) -> ReplyEvent | bool | None:
        """One wait for the next event on a worker thread: the event, None at the end, or
        False when none came within POLL_S."""
        try:
            return self._ticket.next_event(timeout=POLL_S)
        except queue.Empty:
            return False

    async def _next(self) -> ReplyEvent | None:
        limiter = self._state.thread_limiter()
        while True:
            if self._gone or self._state.stopping.is_set():
                self._ticket.cancel()
                raise ClientGone
            try:  # one that is there already is taken without a thread's round trip
                return self._ticket.next_event(timeout=0)
            except queue.Empty:
                pass
            event = await anyio.to_thread.run_sync(self._poll, limiter=limiter)
            if event is not False:
                return event  # type: ignore[return-value]

    async def _started(self) -> ReplyStarted:
        """Waits for the reply to start; a reply that cannot be made raises its ApiError."""
        while True:
            event = await self._next()
            if event is None:
                raise ApiError(500, "The reply ended before it started.", type="server_error")
            if isinstance(event, Failed):
                raise wire.failure_error(event.failure)
            if isinstance(event, Finished):  # cancelled before it began
                raise ClientGone
            if isinstance(event, ReplyStarted):
                info = event.info
                if info.dropped_messages > 0:
                    self._ticket.cancel()
                    raise wire.overflow_error(info.dropped_messages, info.prompt_tokens, info.n_ctx)
                return event

    async def _send_error(self, send: Send, error: ApiError) -> None:
        """Answers with `error` (OpenAI's error JSON) and records it for the request's log."""
        self._usage.error = error.message
        self.status_code = error.status
        await error_response(error)({"type": "http"}, _no_receive, send)

    async def _answer(self, send: Send) -> None:
        try:
            await self._started()
        except ApiError as error:
            failure = stopping_error() if self._state.stopping.is_set() else error
            await self._send_error(send, failure)
            return
        except ClientGone:
            if self._state.stopping.is_set() and not self._gone:
                error = stopping_error()
                await self._send_error(send, error)
                return
            raise
        if self._shape.call.stream:
            await self._stream(send)
        else:
            await self._whole(send)

    async def _whole(self, send: Send) -> None:
        shape = self._shape
        while (event := await self._next()) is not None:
            if isinstance(event, TextDelta):
                shape.text.append(event.text)
            elif isinstance(event, ThinkingDelta):
                shape.thinking.append(event.text)
            elif isinstance(event, Finished):
                self._finished(event.stats)
                if event.stats.finish_reason == FinishReason.CANCELLED:
                    break  # the client left, or the server stops (below)
                self.status_code = 200
                await JSONResponse(shape.whole(event.stats))({"type": "http"}, _no_receive, send)
                return
            elif isinstance(event, Failed):
                error = wire.failure_error(event.failure)
                await self._send_error(send, error)
                return
        if self._state.stopping.is_set() and not self._gone:
            error = stopping_error()
            await self._send_error(send, error)
            return
        raise ClientGone

    async def _stream(self, send: Send) -> None:
        shape = self._shape
        self.status_code = 200
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"text/event-stream; charset=utf-8"),
                    (b"cache-control", b"no-cache"),
                    (b"x-accel-buffering", b"no"),
                ],
            }
        )
        opening = shape.opening_chunk()
        if opening is not None:
            await self._send_body(send, opening)
        try:
            while (event := await self._next()) is not None:
                chunk: bytes | None = None
                if isinstance(event, TextDelta):
                    chunk = shape.text_chunk(event.text)
                elif isinstance(event, ThinkingDelta):
                    chunk = shape.thinking_chunk(event.text)
                elif isinstance(event, Finished):
                    self._finished(event.stats)
                    if event.stats.finish_reason == FinishReason.CANCELLED:
                        raise ClientGone  # the client left, or the server stops (below)
                    await self._send_body(send, shape.closing_chunks(event.stats), more=False)
                    return
                elif isinstance(event, Failed):
                    error = wire.failure_error(event.failure)
                    await self._send_stream_error(send, error)
                    return
                if chunk is not None:
                    await self._send_body(send, chunk)
        except ClientGone:
            if self._gone or not self._state.stopping.is_set():
                self._gone = True
                raise
            # The server stops: the client hears why before the stream ends.
            error = stopping_error()
            await self._send_stream_error(send, error)

    async def _send_stream_error(self, send: Send, error: ApiError) -> None:
        """Ends a stream already under way with `error` as its last event, as OpenAI does."""
        self._usage.error = error.message
        await self._send_body(send, wire.sse(error.body()) + wire.DONE, more=False)

    async def _send_body(self, send: Send, body: bytes, more: bool = True) -> None:
        try:
            await send({"type": "http.response.body", "body": body, "more_body": more})
        except OSError as error:
            self._gone = True
            raise ClientGone from error

    def _finished(self, stats: ReplyStats) -> None:
        usage = self._usage
        usage.prompt_tokens = stats.prompt_tokens
        usage.completion_tokens = stats.generated_tokens
        usage.tokens_per_second = stats.tokens_per_second


def stopping_error() -> ApiError:
    return ApiError(503, "The server is stopping.", type="server_error", code="server_stopping")


async def _no_receive() -> dict[str, Any]:
    """A receive channel for the plain responses sent from inside ReplyResponse: they never
    read it (the watcher owns the real one)."""
    await anyio.sleep_forever()
    return {}


def elapsed_since(started: float) -> float:
    return time.perf_counter() - started

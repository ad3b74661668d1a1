"""ApiServer: the local OpenAI-compatible HTTP API, a second client of the EngineHost.

Plain Python, no Qt. A Starlette app served by uvicorn on a thread of its own, with its own event
loop; the window (desktop/api/qt) and `hearthside serve` (desktop/api/headless.py) both start
one. Replies run on the EngineHost's thread in their turn (desktop/api/endpoints.py).

What guards the door (`Guard`, in order): too many requests at once (503), a browser page from
an origin not on the CORS allow-list (403; none by default), a Host that is not this machine
while listening on loopback (403: DNS rebinding), a missing or wrong key (401; a key is required
to listen beyond loopback, and start() refuses otherwise), a body over the limit (413, by its
Content-Length here and while it is read). Every request, answered or refused, is reported to
the listener as a RequestRecord.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
import threading
import time
from collections.abc import Callable

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from desktop.api.endpoints import (
    ServerState,
    authorized,
    client_of,
    endpoints,
    error_response,
    usage_of,
)
from desktop.api.protocol import Embedder, RequestListener, RequestRecord, ServerConfig
from desktop.api.wire import ApiError, body_too_large, not_found
from desktop.chat.engine_host import EngineHost
from desktop.chat.protocol import ModelInfo
from desktop.core.thread_priority import give_way_to_the_window

log = logging.getLogger(__name__)

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


class Guard:
    """ASGI middleware in front of every endpoint: limits, origin, host, key, body size, and
    the RequestRecord of each request."""

    def __init__(
        self, app: ASGIApp, config: ServerConfig, listener: RequestListener | None
    ) -> None:
        self._app = app
        self._config = config
        self._listener = listener
        self._in_flight = 0

    @property
    def in_flight(self) -> int:
        """Requests being answered now (a reply waiting its turn on the engine among them);
        read from any thread: one int."""
        return self._in_flight

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def watched_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        usage = usage_of(scope)
        self._in_flight += 1
        try:
            refusal = self._refusal(scope)
            if refusal is not None:
                await error_response(refusal, scope)(scope, receive, watched_send)
            else:
                await self._app(scope, receive, watched_send)
        finally:
            self._in_flight -= 1
            if self._listener is not None and scope.get("method") != "OPTIONS":
                record = RequestRecord(
                    client=client_of(scope),
                    method=scope.get("method", ""),
                    path=scope.get("path", ""),
                    model=usage.model,
                    status=status or 499,  # 499: the client left before any answer
                    prompt_tokens=usage.prompt_tokens,
                    completion_tokens=usage.completion_tokens,
                    tokens_per_second=usage.tokens_per_second,
                    seconds=time.perf_counter() - started,
                    error=usage.error,
                )
                try:
                    self._listener(record)
                except Exception:  # a listener's bug must not break the server
                    log.exception("the request listener failed")

    def _refusal(self, scope: Scope) -> ApiError | None:
        config = self._config
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if self._in_flight > config.max_connections:
            return ApiError(
                503,
                f"The server is busy ({config.max_connections} requests at once); try again.",
                type="server_error",
                code="too_many_requests",
            )
        origin = headers.get("origin")
        if origin is not None and origin not in config.cors_origins:
            return ApiError(
                403,
                f"Requests from web pages at {origin} are not allowed: add it to Allowed web "
                "pages in Hearthside's Edit › Settings › Local server, or pass --cors-origin "
                f"{origin} to hearthside serve.",
                code="origin_not_allowed",
            )
        if not config.listens_beyond_loopback:
            host = headers.get("host", "")
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            if name not in LOOPBACK_HOSTS:
                return ApiError(
                    403, "This server answers only requests addressed to this computer."
                )
        path = scope.get("path", "")
        if (
            path.startswith("/v1/")
            and scope.get("method") != "OPTIONS"
            and not authorized(config, headers.get("authorization", ""))
        ):
            return ApiError(
                401,
                "A valid API key is required: send it as 'Authorization: Bearer KEY'.",
                code="invalid_api_key",
            )
        length = headers.get("content-length")
        if length is not None:
            if not length.isdigit():
                return ApiError(400, "The Content-Length header is not a number.")
            if int(length) > config.max_body_bytes:
                return body_too_large(config.max_body_bytes)
        return None


def build_app(state: ServerState, listener: RequestListener | None) -> Guard:
    handlers = endpoints(state)
    routes = [
        Route("/health", handlers["health"], methods=["GET"]),
        Route("/v1/health", handlers["health"], methods=["GET"]),
        Route("/v1/models", handlers["models"], methods=["GET"]),
        Route("/v1/models/{model:path}", handlers["model"], methods=["GET"]),
        Route("/v1/chat/completions", handlers["chat_completions"], methods=["POST"]),
        Route("/v1/completions", handlers["completions"], methods=["POST"]),
        Route("/v1/embeddings", handlers["embeddings"], methods=["POST"]),
    ]
    middleware = []
    if state.config.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(state.config.cors_origins),
                allow_methods=["GET", "POST", "OPTIONS"],
                allow_headers=["Authorization", "Content-Type"],
            )
        )

    async def http_error(request: Request, error: Exception) -> Response:
        status = getattr(error, "status_code", 500)
        found = (
            ApiError(status, f"{request.method} is not allowed on {request.url.path}.")
            if status == 405
            else not_found(request.url.path)
        )
        return error_response(found, request.scope)

    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={404: http_error, 405: http_error},
    )
    return Guard(app, state.config, listener)


class ApiServer:
    """The OpenAI-compatible server over an EngineHost; start() and stop() from any thread.

    `model_info` says what is loaded now (None: nothing; requests then get 503). `embedder`
    answers /v1/embeddings (without one: 501). `listener` hears every request.
    """

    def __init__(
        self,
        host: EngineHost,
        config: ServerConfig,
        *,
        model_info: Callable[[], ModelInfo | None],
        embedder: Embedder | None = None,
        listener: RequestListener | None = None,
    ) -> None:
        self._config = config
        self._state = ServerState(host, config, model_info, embedder)
        self._listener = listener
        self._thread: threading.Thread | None = None
        self._server: uvicorn.Server | None = None
        self._socket: socket.socket | None = None
        self._guard: Guard | None = None
        self._port = config.port

    @property
    def config(self) -> ServerConfig:
        return self._config

    @property
    def url(self) -> str:
        """The base URL clients use ("http://127.0.0.1:8765/v1")."""
        host = self._config.host
        if host in ("0.0.0.0", "::", ""):
            host = "127.0.0.1"  # reachable from this machine; others use its address
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self._port}/v1"

    @property
    def port(self) -> int:
        """The port it listens on (the one bound, when the config asked for 0)."""
        return self._port

    @property
    def in_flight(self) -> int:
        """Requests being answered now; 0 when it does not run."""
        guard = self._guard
        return guard.in_flight if guard is not None and self.running else 0

    @property
    def running(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive()

    def start(self) -> None:
        """Binds the port and serves on a thread of its own. Raises ValueError when the config
        listens beyond loopback without an API key, OSError when the port cannot be bound."""
        if self.running:
            return
        config = self._config
        if config.listens_beyond_loopback and not config.api_key:
            raise ValueError(
                f"Listening on {config.host} lets other computers use the model: an API key "
                "is required for that."
            )
        sock = bind(config.host, config.port)
        self._socket = sock
        self._port = sock.getsockname()[1]
        self._state.stopping.clear()
        self._state.limiter = None  # made again on the new event loop
        app = build_app(self._state, self._listener)
        self._guard = app
        server = uvicorn.Server(
            uvicorn.Config(
                app,
                loop="asyncio",
                http="h11",
                lifespan="off",
                log_config=None,
                access_log=False,
                # A backstop for connection floods (plain 503); the Guard answers first.
                limit_concurrency=config.max_connections + 16,
                timeout_keep_alive=5,
                timeout_graceful_shutdown=5,
                server_header=False,
            )
        )
        self._server = server
        started = threading.Event()
        failure: list[BaseException] = []

        below_window = self._state.host.below_window  # the window's engine: gives way too

        def serve() -> None:
            if below_window:
                give_way_to_the_window()

            async def main() -> None:
                serving = asyncio.ensure_future(server.serve(sockets=[sock]))
                while not server.started and not serving.done():
                    await asyncio.sleep(0.005)
                started.set()
                await serving

            try:
                asyncio.run(main())
            except BaseException as error:  # reported to start(), or logged after it
                failure.append(error)
                log.exception("the API server stopped with an error")
            finally:
                started.set()

        self._thread = threading.Thread(target=serve, name="hearthside-api", daemon=True)
        self._thread.start()
        started.wait(10.0)
        if failure:
            raise OSError(f"The API server could not start: {failure[0]}")
        log.info("API server listening on %s", self.url)

    def stop(self, timeout: float = 5.0) -> None:
        """Cancels the replies in flight (their clients get an error or the stream's end),
        closes the connections and returns within about `timeout` seconds."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._state.cancel_all()
        server.should_exit = True
        thread.join(timeout)
        if thread.is_alive():
            server.force_exit = True
            thread.join(1.0)
        if self._socket is not None:
            self._socket.close()
        self._server = None
        self._thread = None
        self._socket = None


def bind(host: str, port: int) -> socket.socket:
    """A listening socket, or an OSError that says which address could not be had."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
        sock.setblocking(False)
    except OSError as error:
        sock.close()
        hint = (
            " (is another program using this port? choose another one)"
            if error.errno == errno.EADDRINUSE
            else ""
        )
        raise OSError(
            error.errno, f"Cannot listen on {host}:{port}: {error.strerror or error}{hint}"
        ) from error
    return sock

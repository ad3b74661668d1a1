"""HTTP to OpenAI-compatible servers (llama-server, vLLM, Ollama, LM Studio, ...): the only
module that imports httpx (an import-linter contract says so).

Plain Python, no Qt; everything here blocks and runs off the GUI thread (the engine's thread,
a pool thread for listings, and each reply's own reader thread).

Why it is built this way:

- A server is untrusted. Every read has a bound enforced while reading: a JSON answer stops at
  ``Limits.json_bytes``, a streamed line at ``line_bytes``, an event at ``event_bytes`` and a
  whole reply at ``stream_bytes``; bodies are asked for uncompressed (``identity``) so nothing
  inflates past what was counted. A huge or endless body costs at most those bounds.
- Every wait has a bound: connecting (``Timeouts.connect``), a JSON answer (``read``), the first
  token of a reply (``first_token``: a big model may read a long prompt for minutes), then the
  gap between two pieces of a stream (``stall``: a few seconds; a server that stops sending is
  noticed at once, not after minutes).
- Stop must end a reply even while the server sends nothing. The stream is read on its own
  thread (`StreamReader`); the engine's thread waits on a queue and, on Stop or a stall, shuts
  the socket down (shutdown wakes a blocked recv, close would not), which also tells the server
  to stop generating.
- Each failure becomes one `Fault` the window can word: down, DNS, TLS, 401/403, 404, 429 (with
  Retry-After), 5xx, stall, a cut stream, malformed events, too large.
"""

from __future__ import annotations

import contextlib
import json
import queue
import socket
import ssl
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import httpx

__all__ = [
    "Fault",
    "Limits",
    "OpenAIClient",
    "ServerFault",
    "SseParser",
    "StreamReader",
    "Timeouts",
]


class Fault(StrEnum):
    """What went wrong talking to a server; the chat words each one for the user."""

    UNREACHABLE = "unreachable"  # refused, reset, no route
    DNS = "dns"  # the host name does not resolve
    TLS = "tls"  # certificate or TLS handshake
    TIMEOUT = "timeout"  # no answer (or no first token) in time
    AUTH = "auth"  # 401, 403
    KEY_NEEDED = "key_needed"  # 401 / 403 to a request sent without a key
    NOT_FOUND = "not_found"  # 404: no such model (or endpoint)
    NO_API = "no_api"  # 404 for the model list: no OpenAI-compatible API at this address
    RATE_LIMITED = "rate_limited"  # 429; retry_after says when to try again, when the server did
    SERVER_ERROR = "server_error"  # 5xx, or an error event inside the stream
    REFUSED = "refused"  # another 4xx: the server did not accept the request
    STALLED = "stalled"  # the stream stopped sending mid-reply
    CUT = "cut"  # the stream ended before the reply did
    MALFORMED = "malformed"  # not SSE / not JSON where it must be
    TOO_LARGE = "too_large"  # a line, event or body past its bound


class ServerFault(Exception):
    """A failed exchange with a server. ``detail`` is the server's own words where it gave any
    (untrusted: shown only as plain text, cut to DETAIL_CHARS)."""

    DETAIL_CHARS = 300

    def __init__(
        self, fault: Fault, detail: str = "", status: int = 0, retry_after: float | None = None
    ) -> None:
        cleaned = "".join(c if c.isprintable() else " " for c in detail)[: self.DETAIL_CHARS]
        super().__init__(f"{fault.value}: {status or ''} {cleaned}".strip())
        self.fault = fault
        self.detail = cleaned.strip()
        self.status = status
        self.retry_after = retry_after

    @property
    def said(self) -> str:
        """What the server (or the connection) said, for the user: the HTTP status and the
        detail, without the fault's code name (the window words the fault itself)."""
        if self.status:
            return f"HTTP {self.status}: {self.detail}" if self.detail else f"HTTP {self.status}"
        return self.detail


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Seconds; see the module's docstring for why each differs."""

    connect: float = 5.0
    read: float = 20.0
    first_token: float = 300.0
    stall: float = 6.0


@dataclass(frozen=True, slots=True)
class Limits:
    """Bytes a server may send us, enforced while reading."""

    line_bytes: int = 1 << 20
    event_bytes: int = 4 << 20
    json_bytes: int = 8 << 20
    stream_bytes: int = 64 << 20


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime  # HTTP-date form

    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _error_text(body: bytes) -> str:
    """The server's message from an error body: OpenAI's {"error": {"message"}}, FastAPI's
    {"detail"}, or the text itself."""
    text = body.decode("utf-8", "replace")
    try:
        data = json.loads(text)
    except ValueError:
        return text.strip()
    if isinstance(data, dict):
        error = data.get("error", data.get("detail", data.get("message")))
        if isinstance(error, dict):
            error = error.get("message", "")
        if isinstance(error, str):
            return error
    return text.strip()


def fault_for_status(
    status: int, headers: Mapping[str, str], body: bytes, has_key: bool = True
) -> ServerFault:
    """The fault behind an error status; a 401 or 403 to a request sent without a key says
    the server wants one (KEY_NEEDED), not that a key was refused."""
    detail = _error_text(body)
    if status in (401, 403):
        return ServerFault(Fault.AUTH if has_key else Fault.KEY_NEEDED, detail, status)
    if status == 404:
        return ServerFault(Fault.NOT_FOUND, detail, status)
    if status == 429:
        return ServerFault(Fault.RATE_LIMITED, detail, status, _retry_after(headers))
    if status >= 500:
        return ServerFault(Fault.SERVER_ERROR, detail, status, _retry_after(headers))
    return ServerFault(Fault.REFUSED, detail, status)


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


_DNS_WORDS = (
    "name or service not known",
    "nodename nor servname",
    "temporary failure in name resolution",
    "no address associated",
    "getaddrinfo failed",
    "name resolution",
)


def fault_for_error(error: BaseException, *, streaming: bool = False) -> ServerFault:
    """The Fault behind an exception from httpx (or the socket under it)."""
    chain = list(_chain(error))
    text = " ".join(str(e) for e in chain).lower()
    if any(isinstance(e, socket.gaierror) for e in chain) or any(w in text for w in _DNS_WORDS):
        return ServerFault(Fault.DNS, str(error))
    if any(isinstance(e, ssl.SSLError) for e in chain) or "ssl" in text or "certificate" in text:
        return ServerFault(Fault.TLS, str(error))
    if isinstance(error, httpx.ConnectTimeout):
        return ServerFault(Fault.TIMEOUT, str(error))
    if isinstance(error, httpx.TimeoutException):
        return ServerFault(Fault.STALLED if streaming else Fault.TIMEOUT, str(error))
    if streaming and isinstance(error, httpx.RemoteProtocolError | httpx.ReadError):
        return ServerFault(Fault.CUT, str(error))
    return ServerFault(Fault.UNREACHABLE, str(error))


class SseParser:
    """Server-sent events from raw byte chunks, with every size bounded while parsing.

    ``feed`` returns the ``data`` of each complete event ("" events and comments are skipped);
    ``[DONE]`` comes back as the string itself. Lines end in LF or CRLF.
    """

    __slots__ = ("_buffer", "_data", "_data_bytes", "_limits", "_total")

    def __init__(self, limits: Limits) -> None:
        self._limits = limits
        self._buffer = bytearray()
        self._data: list[bytes] = []
        self._data_bytes = 0
        self._total = 0

    def feed(self, chunk: bytes) -> list[str]:
        limits = self._limits
        self._total += len(chunk)
        if self._total > limits.stream_bytes:
            raise ServerFault(Fault.TOO_LARGE, f"stream over {limits.stream_bytes} bytes")
        self._buffer += chunk
        events: list[str] = []
        buffer = self._buffer
        start = 0
        while True:
            end = buffer.find(b"\n", start)
            if end < 0:
                break
            line = bytes(buffer[start:end])
            start = end + 1
            if line.endswith(b"\r"):
                line = line[:-1]
            if not line:
                if self._data:
                    events.append(b"\n".join(self._data).decode("utf-8", "replace"))
                    self._data = []
                    self._data_bytes = 0
                continue
            if line.startswith(b":"):
                continue  # a comment (keep-alive)
            field, _, value = line.partition(b":")
            if field == b"data":
                value = value[1:] if value.startswith(b" ") else value
                self._data_bytes += len(value)
                if self._data_bytes > limits.event_bytes:
                    raise ServerFault(Fault.TOO_LARGE, f"event over {limits.event_bytes} bytes")
                self._data.append(value)
            elif field not in (b"event", b"id", b"retry"):
                raise ServerFault(Fault.MALFORMED, "not a server-sent event stream")
        del buffer[:start]
        if len(buffer) > limits.line_bytes:
            raise ServerFault(Fault.TOO_LARGE, f"line over {limits.line_bytes} bytes")
        return events


class OpenAIClient:
    """One server: its base URL (``…/v1``) and key; thread-safe (httpx.Client is)."""

    def __init__(
        self,
        base_url: str,
        api_key: str = "",
        timeouts: Timeouts | None = None,
        limits: Limits | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeouts = timeouts or Timeouts()
        self.limits = limits or Limits()
        headers = {"Accept-Encoding": "identity", "User-Agent": "Hearthside"}
        self.has_key = bool(api_key)
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        host = httpx.URL(self.base_url).host
        t = self.timeouts
        self._http = httpx.Client(
            headers=headers,
            timeout=httpx.Timeout(connect=t.connect, read=t.read, write=t.read, pool=t.connect),
            follow_redirects=False,
            # Proxies from the environment, except for this machine (a loopback server is never
            # behind the user's proxy).
            trust_env=host not in ("127.0.0.1", "localhost", "::1"),
        )

    def close(self) -> None:
        self._http.close()

    def url(self, path: str) -> str:
        """``path`` below the base URL; a path starting with ``/`` is below the server root
        instead (llama-server's ``/props`` and ``/tokenize`` are not under ``/v1``)."""
        if path.startswith("/"):
            root = httpx.URL(self.base_url)
            return str(root.copy_with(path=path, query=None, fragment=None))
        return f"{self.base_url}/{path}"

    def _read_bounded(self, response: httpx.Response, limit: int) -> bytes:
        body = bytearray()
        for chunk in response.iter_raw():
            body += chunk
            if len(body) > limit:
                raise ServerFault(
                    Fault.TOO_LARGE, f"answer over {limit} bytes", response.status_code
                )
        return bytes(body)

    def request_json(self, method: str, path: str, body: Any = None) -> Any:
        """One JSON exchange; raises ServerFault for every failure."""
        try:
            with self._http.stream(
                method, self.url(path), json=body if body is not None else None
            ) as response:
                data = self._read_bounded(response, self.limits.json_bytes)
                if response.status_code >= 400:
                    raise fault_for_status(
                        response.status_code, response.headers, data[:4096], self.has_key
                    )
        except httpx.HTTPError as error:
            raise fault_for_error(error) from error
        try:
            return json.loads(data)
        except ValueError as error:
            raise ServerFault(Fault.MALFORMED, "the answer is not JSON") from error

    def get_json(self, path: str) -> Any:
        return self.request_json("GET", path)

    def list_models(self) -> Any:
        """``GET models``; a 404 there means the address is not an OpenAI-compatible API's
        (most often a base URL without its ``/v1``), which NO_API says."""
        try:
            return self.get_json("models")
        except ServerFault as fault:
            if fault.fault == Fault.NOT_FOUND:
                raise ServerFault(Fault.NO_API, fault.detail, fault.status) from fault
            raise

    def post_json(self, path: str, body: Any) -> Any:
        return self.request_json("POST", path, body)

    def stream_reader(self, path: str, body: Any) -> StreamReader:
        """A reader (not started) of the SSE reply to POSTing ``body``."""
        return StreamReader(self, path, body)

    def open_stream(self, path: str, body: Any, trace: Any = None) -> httpx.Response:
        """Sends the request and returns the response with its headers read (the body not);
        raises ServerFault for an error status. For StreamReader."""
        request = self._http.build_request(
            "POST",
            self.url(path),
            json=body,
            extensions={
                "trace": trace,
                "timeout": {
                    "connect": self.timeouts.connect,
                    "read": self.timeouts.first_token,
                    "write": self.timeouts.read,
                    "pool": self.timeouts.connect,
                },
            }
            if trace is not None
            else None,
        )
        try:
            response = self._http.send(request, stream=True)
        except httpx.HTTPError as error:
            raise fault_for_error(error) from error
        if response.status_code >= 400:
            try:
                data = self._read_bounded(response, 64 * 1024)
            except (httpx.HTTPError, ServerFault):
                data = b""
            finally:
                response.close()
            raise fault_for_status(response.status_code, response.headers, data, self.has_key)
        return response


# What StreamReader puts on its queue.
EVENT = "event"  # a parsed JSON object (dict)
END = "end"  # the body ended; value: True when [DONE] came
FAULT = "fault"  # value: ServerFault


class StreamReader(threading.Thread):
    """Reads one streamed reply on its own thread and hands parsed events to a queue.

    ``last_progress`` (monotonic seconds) moves with every chunk of bytes, keep-alives included,
    so the waiting side can tell a stalled stream from a slow one; ``got_data`` says the first
    byte of the body arrived. ``abort`` may be called from any thread, at any time.
    """

    def __init__(self, client: OpenAIClient, path: str, body: Any) -> None:
        super().__init__(name="remote-stream", daemon=True)
        self.client = client
        self.path = path
        self.body = body
        self.items: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        self.last_progress = time.monotonic()
        self.got_data = False
        self._aborted = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def _trace(self, name: str, info: Mapping[str, Any]) -> None:
        """httpcore's trace hook: a new connection's socket, as soon as it is connected."""
        if name in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            self._remember(info.get("return_value"))

    def _remember(self, stream: Any) -> None:
        """Keeps the socket under ``stream`` for `abort` (shut at once if already aborted)."""
        sock = None
        with contextlib.suppress(Exception):
            sock = stream.get_extra_info("socket") if stream is not None else None
        if isinstance(sock, socket.socket):
            with self._lock:
                self._sockets.append(sock)
                aborted = self._aborted
            if aborted:
                self._shutdown(sock)

    @staticmethod
    def _shutdown(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)

    def abort(self) -> None:
        """Ends the exchange now: shuts the socket down, which wakes a blocked read and tells
        the server the client has gone (llama-server and vLLM stop generating)."""
        with self._lock:
            self._aborted = True
            sockets = list(self._sockets)
        for sock in sockets:
            self._shutdown(sock)

    @property
    def aborted(self) -> bool:
        return self._aborted

    def run(self) -> None:
        put = self.items.put
        try:
            response = self.client.open_stream(self.path, self.body, self._trace)
        except ServerFault as fault:
            if not self._aborted:
                put((FAULT, fault))
            return
        # A kept-alive connection was not connected for this request: its socket is known
        # once the headers are in. Until then Stop still returns at once (the engine stops
        # waiting); this thread ends when the headers come.
        self._remember(response.extensions.get("network_stream"))
        parser = SseParser(self.client.limits)
        done = False
        try:
            for chunk in response.iter_raw():
                self.last_progress = time.monotonic()
                self.got_data = True
                for data in parser.feed(chunk):
                    if data == "[DONE]":
                        done = True
                        break
                    try:
                        event = json.loads(data)
                    except ValueError as error:
                        raise ServerFault(Fault.MALFORMED, "an event is not JSON") from error
                    if not isinstance(event, dict):
                        raise ServerFault(Fault.MALFORMED, "an event is not a JSON object")
                    put((EVENT, event))
                if done or self._aborted:
                    break
            if not self._aborted:
                put((END, done))
        except ServerFault as fault:
            if not self._aborted:
                put((FAULT, fault))
        except httpx.HTTPError as error:
            if not self._aborted:
                put((FAULT, fault_for_error(error, streaming=True)))
        except Exception as error:  # never let a server's answer end the thread silently
            if not self._aborted:
                put((FAULT, ServerFault(Fault.MALFORMED, str(error))))
        finally:
            with contextlib.suppress(Exception):
                response.close()

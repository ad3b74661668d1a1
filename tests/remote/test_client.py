"""The SSE parser's bounds and the mapping of HTTP answers to faults (pure parts of client.py);
the network parts are exercised through RemoteEngine in test_engine.py."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.remote.client import (
    Fault,
    Limits,
    ServerFault,
    SseParser,
    fault_for_status,
)


def test_events_split_across_chunks_and_crlf() -> None:
    parser = SseParser(Limits())
    assert parser.feed(b'data: {"a"') == []
    assert parser.feed(b": 1}\r\n\r\n: keep-alive\n\ndata: [DONE]\n\n") == ['{"a": 1}', "[DONE]"]


@given(
    st.lists(st.text(alphabet='abc{}":, ', min_size=1, max_size=20), max_size=8),
    st.integers(min_value=1, max_value=7),
)
def test_chunking_never_changes_the_events(payloads: list[str], step: int) -> None:
    wire = b"".join(b"data: " + p.encode() + b"\n\n" for p in payloads)
    parser = SseParser(Limits())
    events: list[str] = []
    for i in range(0, len(wire), step):
        events += parser.feed(wire[i : i + step])
    assert events == payloads


def test_multiline_data_is_joined() -> None:
    assert SseParser(Limits()).feed(b"data: a\ndata: b\n\n") == ["a\nb"]


@pytest.mark.parametrize(
    ("limits", "wire"),
    [
        (Limits(line_bytes=100), b"data: " + b"x" * 200),
        (Limits(event_bytes=100), b"data: " + b"x" * 60 + b"\ndata: " + b"y" * 60 + b"\n"),
        (Limits(stream_bytes=100), b"data: x\n\n" * 20),
    ],
)
def test_every_size_is_bounded_while_reading(limits: Limits, wire: bytes) -> None:
    with pytest.raises(ServerFault) as caught:
        SseParser(limits).feed(wire)
    assert caught.value.fault == Fault.TOO_LARGE


def test_html_is_not_an_event_stream() -> None:
    with pytest.raises(ServerFault) as caught:
        SseParser(Limits()).feed(b"<html>\n<body>proxy login</body>\n")
    assert caught.value.fault == Fault.MALFORMED


def test_statuses() -> None:
    assert fault_for_status(401, {}, b"").fault == Fault.AUTH
    assert fault_for_status(404, {}, b'{"error": {"message": "no model"}}').detail == "no model"
    limited = fault_for_status(429, {"retry-after": "12"}, b"")
    assert limited.fault == Fault.RATE_LIMITED and limited.retry_after == 12.0
    assert fault_for_status(503, {}, b'{"detail": "loading"}').detail == "loading"
    assert fault_for_status(422, {}, b"").fault == Fault.REFUSED


def test_server_words_are_cut_and_printable() -> None:
    fault = ServerFault(Fault.SERVER_ERROR, "a\x00b" + "x" * 1000)
    assert fault.detail.startswith("a b") and len(fault.detail) == ServerFault.DETAIL_CHARS

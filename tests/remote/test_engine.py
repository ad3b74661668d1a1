"""RemoteEngine against the tests' own loopback server (tests/fixtures/fake_openai.py).

The whole chat path against a real server (llama-cpp-python's) is in tests/remote/qt/; here are
the cases a real server cannot be made to show on demand, each saying why, plus the parts of a
reply (thinking, grounding, summaries) whose shape a tiny random model cannot produce.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from desktop.chat.context_plan import OverflowStrategy
from desktop.chat.grounding import Grounding
from desktop.chat.protocol import (
    ContextCount,
    CountRequest,
    Failed,
    Finished,
    GenerationRequest,
    LoadFailure,
    ModelInfo,
    ReplyEvent,
    ReplyProblem,
    ReplyStarted,
    SummaryMade,
    SummaryStarted,
    TextDelta,
    ThinkingDelta,
    ThinkingFinished,
    TokenCounting,
)
from desktop.core.conversation import ChatMessage, FinishReason, MessageSource, Role
from desktop.core.remote import remote_locator
from desktop.engine.llama import LoadOptions, SamplingOptions
from desktop.remote.client import Fault, Limits, Timeouts
from desktop.remote.engine import RemoteEngine, estimate_tokens
from desktop.remote.servers import Preset, ServerEntry
from tests.fixtures.fake_openai import FakeOpenAI
from tests.fixtures.llama_server import RunningServer
from tests.remote.conftest import KEY

FAST = Timeouts(connect=2.0, read=5.0, first_token=3.0, stall=0.5)


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


def engine_for(
    fake: FakeOpenAI,
    model: str = "ok",
    preset: Preset = Preset.OTHER,
    key: str = "",
    limits: Limits | None = None,
) -> tuple[RemoteEngine, ModelInfo | LoadFailure]:
    entry = ServerEntry.new("test", fake.base_url, preset, has_key=bool(key))
    engine = RemoteEngine(
        lambda url: entry if url == entry.base_url else None, lambda _id: key, FAST, limits
    )
    info = engine.load(
        remote_locator(fake.base_url, model), LoadOptions(n_ctx=2048), lambda f: None, lambda: False
    )
    return engine, info


def request(text: str = "Hi", request_id: int = 1, **kwargs: object) -> GenerationRequest:
    messages = kwargs.pop("messages", (ChatMessage(Role.USER, text),))
    return GenerationRequest(
        request_id,
        messages,
        SamplingOptions(max_tokens=64),
        **kwargs,  # type: ignore[arg-type]
    )


def run(engine: RemoteEngine, req: GenerationRequest, cancelled=lambda: False) -> list[ReplyEvent]:
    return list(engine.reply(req, cancelled))


def text_of(events: list[ReplyEvent]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


def failure_of(events: list[ReplyEvent]) -> Failed:
    last = events[-1]
    assert isinstance(last, Failed), events
    return last


def test_a_reply_streams_and_finishes(server: FakeOpenAI) -> None:
    engine, info = engine_for(server)
    assert isinstance(info, ModelInfo)
    assert info.host.startswith("127.0.0.1:") and info.n_ctx == 4096  # vLLM's max_model_len
    events = run(engine, request())
    assert isinstance(events[0], ReplyStarted)
    assert text_of(events) == "Hello there!"
    assert isinstance(events[-1], Finished)
    assert events[-1].stats.finish_reason == FinishReason.STOP
    assert server.requests[-1]["messages"] == [{"role": "user", "content": "Hi"}]
    assert "top_k" not in server.requests[-1]  # an OpenAI endpoint refuses unknown fields


def test_llama_server_preset_sends_its_sampling_fields(server: FakeOpenAI) -> None:
    engine, _ = engine_for(server, preset=Preset.LLAMA_SERVER)
    run(engine, request(thinking=False))
    body = server.requests[-1]
    assert {"top_k", "min_p", "repeat_penalty"} <= body.keys()
    assert body["chat_template_kwargs"] == {"enable_thinking": False}


def test_thinking_from_reasoning_content(server: FakeOpenAI) -> None:
    server.reply("thinker", reasoning=("Let me", " think."), pieces=("Answer.",))
    engine, _ = engine_for(server, "thinker")
    events = run(engine, request())
    kinds = [type(e) for e in events]
    assert kinds.index(ThinkingFinished) < kinds.index(TextDelta)
    thinking = "".join(e.text for e in events if isinstance(e, ThinkingDelta))
    assert thinking == "Let me think."
    assert text_of(events) == "Answer."


def test_thinking_from_think_tags_split_across_pieces(server: FakeOpenAI) -> None:
    server.reply("tags", pieces=("<thi", "nk>Hmm", "m.</th", "ink>\n\nYes."))
    engine, _ = engine_for(server, "tags")
    events = run(engine, request())
    assert "".join(e.text for e in events if isinstance(e, ThinkingDelta)) == "Hmmm."
    assert text_of(events) == "Yes."


def test_unknown_model_is_a_load_failure(server: FakeOpenAI) -> None:
    _, info = engine_for(server, "nope")
    assert isinstance(info, LoadFailure) and info.fault == Fault.NOT_FOUND


def test_server_down_is_a_load_failure() -> None:
    # Why our own: a closed port is made by starting a server and stopping it.
    with FakeOpenAI() as fake:
        url = fake.base_url
    entry = ServerEntry.new("gone", url, Preset.OTHER)
    engine = RemoteEngine(lambda u: entry, timeouts=FAST)
    info = engine.load(remote_locator(url, "ok"), LoadOptions(), lambda f: None, lambda: False)
    assert isinstance(info, LoadFailure) and info.fault == Fault.UNREACHABLE


def test_server_down_mid_chat_keeps_the_message(server: FakeOpenAI) -> None:
    engine, _ = engine_for(server)
    server.__exit__()
    failed = failure_of(run(engine, request()))
    assert failed.failure.problem == ReplyProblem.SERVER
    assert failed.failure.fault == Fault.UNREACHABLE
    # The error box shows this after the fault's own sentence: the connection's words, not
    # the fault's code name ("unreachable:  [Errno 111] ...").
    assert failed.failure.message and not failed.failure.message.startswith("unreachable")


def test_dns_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    # Why not a real server: resolving a name would leave this machine; the resolver's own
    # failure is what the user sees for a mistyped host, so it is raised here.
    import socket

    def no_such_host(*args: object, **kwargs: object) -> object:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    entry = ServerEntry.new("typo", "http://gpu-boxx:8000/v1", Preset.VLLM)
    engine = RemoteEngine(lambda u: entry, timeouts=FAST)
    info = engine.load(remote_locator(entry.base_url, "m"), LoadOptions(), lambda f: 0, lambda: 0)
    assert isinstance(info, LoadFailure) and info.fault == Fault.DNS


def test_tls_error(server: FakeOpenAI) -> None:
    # Why our own: a plain-HTTP server asked for TLS fails the handshake, as a server with a
    # broken or self-signed certificate does; no real server here has a certificate.
    url = server.base_url.replace("http://", "https://")
    entry = ServerEntry.new("tls", url, Preset.OTHER)
    engine = RemoteEngine(lambda u: entry, timeouts=FAST)
    info = engine.load(remote_locator(url, "ok"), LoadOptions(), lambda f: 0, lambda: 0)
    assert isinstance(info, LoadFailure) and info.fault == Fault.TLS


def test_wrong_key_is_an_auth_failure() -> None:
    # Why our own: llama_cpp.server takes any key unless started with one; this server checks.
    with FakeOpenAI(api_key="right") as fake:
        _, info = engine_for(fake, key="wrong")
        assert isinstance(info, LoadFailure) and info.fault == Fault.AUTH
        _, info = engine_for(fake, key="right")
        assert isinstance(info, ModelInfo)


def test_a_real_server_that_wants_a_key(keyed_llama_server: RunningServer) -> None:
    """llama-cpp-python's server started with --api_key: no key and a wrong key are told
    apart, and what the window shows after the sentence is the server's words."""
    url, model = keyed_llama_server.base_url, keyed_llama_server.model

    def load(key: str) -> ModelInfo | LoadFailure:
        entry = ServerEntry.new("keyed", url, Preset.LLAMA_SERVER, has_key=bool(key))
        engine = RemoteEngine(lambda _url: entry, lambda _id: key, FAST)
        locator = remote_locator(url, model)
        return engine.load(locator, LoadOptions(n_ctx=512), lambda f: None, lambda: False)

    missing = load("")
    assert isinstance(missing, LoadFailure) and missing.fault == Fault.KEY_NEEDED
    refused = load("wrong")
    assert isinstance(refused, LoadFailure) and refused.fault == Fault.AUTH
    assert refused.message == "HTTP 401: Invalid API key"
    assert isinstance(load(KEY), ModelInfo)


def test_a_key_changed_after_choosing_the_model_is_used(server: FakeOpenAI) -> None:
    """The user changes the key (Edit…) while a chat is on the server's model: the next reply
    that the server refuses with the old key is asked again once with the new one. Why our
    own server: a real one takes a new key only by restarting, which a test cannot do to a
    session's server mid-chat; this one's key changes between two replies."""
    kept = {"key": "old"}
    server.api_key = "old"
    entry = ServerEntry.new("t", server.base_url, Preset.OTHER, has_key=True)
    engine = RemoteEngine(lambda _url: entry, lambda _id: kept["key"], FAST)
    locator = remote_locator(server.base_url, "ok")
    assert isinstance(engine.load(locator, LoadOptions(), lambda f: 0, lambda: 0), ModelInfo)
    server.api_key = "new"  # rotated on the server; the user has not typed it yet
    assert failure_of(run(engine, request())).failure.fault == Fault.AUTH
    kept["key"] = "new"  # Edit… kept the new key
    events = run(engine, request())
    assert isinstance(events[-1], Finished) and text_of(events)
    assert isinstance(run(engine, request())[-1], Finished)  # and keeps using it


@pytest.mark.parametrize(
    ("status", "headers", "fault", "retry_after"),
    [
        (429, {"Retry-After": "7"}, Fault.RATE_LIMITED, 7.0),
        (500, {}, Fault.SERVER_ERROR, None),
        (404, {}, Fault.NOT_FOUND, None),
        (403, {}, Fault.KEY_NEEDED, None),  # asked without a key: one is wanted
    ],
)
def test_error_statuses(
    server: FakeOpenAI, status: int, headers: dict[str, str], fault: Fault, retry_after: object
) -> None:
    # Why our own: a real server answers 429 or 500 only under load or when broken.
    server.reply("bad", kind="status", status=status, error="<b>busy</b>", headers=headers)
    engine, _ = engine_for(server, "bad")
    failed = failure_of(run(engine, request())).failure
    assert failed.fault == fault
    assert failed.retry_after == retry_after
    assert "<b>busy</b>" in failed.message  # kept as written; the window shows it as plain text


def test_stall_mid_stream_is_noticed_within_the_stall_time(server: FakeOpenAI) -> None:
    # Why our own: a real server that stops sending mid-reply is a crash or a network fault.
    server.reply("stall", kind="stall", pieces=("Partial", " answer"))
    engine, _ = engine_for(server, "stall")
    started = time.monotonic()
    events = run(engine, request())
    assert time.monotonic() - started < FAST.stall + 2.0
    assert text_of(events) == "Partial answer"  # what came is kept
    assert failure_of(events).failure.fault == Fault.STALLED
    assert server.disconnected.wait(2.0)  # the socket was shut down: the server knows


def test_cut_stream_keeps_the_partial_reply(server: FakeOpenAI) -> None:
    # Why our own: a connection dropped mid-reply (server restart, Wi-Fi gone) on demand.
    server.reply("cut", kind="cut", pieces=("Half",))
    engine, _ = engine_for(server, "cut")
    events = run(engine, request())
    assert text_of(events) == "Half"
    assert failure_of(events).failure.fault == Fault.CUT


def test_malformed_event(server: FakeOpenAI) -> None:
    # Why our own: no real server sends broken JSON on purpose.
    server.reply("broken", kind="malformed", pieces=("Ok",))
    engine, _ = engine_for(server, "broken")
    events = run(engine, request())
    assert text_of(events) == "Ok"
    assert failure_of(events).failure.fault == Fault.MALFORMED


def test_error_event_inside_the_stream(server: FakeOpenAI) -> None:
    # Why our own: llama-server sends such an event when it fails mid-reply (out of memory).
    server.reply("oom", kind="error_event", pieces=("So",))
    engine, _ = engine_for(server, "oom")
    failed = failure_of(run(engine, request())).failure
    assert failed.fault == Fault.SERVER_ERROR and "out of memory" in failed.message


def test_endless_body_is_cut_at_its_bound(server: FakeOpenAI) -> None:
    # Why our own: a hostile or broken server that never ends its reply.
    server.reply("endless", kind="endless", pieces=())
    engine, _ = engine_for(server, "endless", limits=Limits(stream_bytes=2 << 20))
    events = run(engine, request())
    assert failure_of(events).failure.fault == Fault.TOO_LARGE
    assert len(text_of(events)) < 2 << 20


def test_an_endless_line_is_cut_at_its_bound(server: FakeOpenAI) -> None:
    # Why our own: one line that never ends would otherwise grow without limit in memory.
    server.reply("line", kind="long_line", pieces=())
    engine, _ = engine_for(server, "line", limits=Limits(line_bytes=256 << 10))
    assert failure_of(run(engine, request())).failure.fault == Fault.TOO_LARGE


def test_stop_closes_the_stream_at_once(server: FakeOpenAI) -> None:
    # Why our own: the tiny model on a real server finishes before a test could press Stop
    # while it is silent; this server stays silent until the client goes.
    server.reply("quiet", kind="stall", pieces=("One",))
    engine, _ = engine_for(server, "quiet")
    stop = threading.Event()
    threading.Timer(0.2, stop.set).start()
    started = time.monotonic()
    events = run(engine, request(), stop.is_set)
    assert time.monotonic() - started < 0.2 + FAST.stall  # before the stall clock ran out
    assert isinstance(events[-1], Finished)
    assert events[-1].stats.finish_reason == FinishReason.CANCELLED
    assert text_of(events) == "One"
    assert server.disconnected.wait(2.0)


def test_count_is_an_estimate_without_tokenize(server: FakeOpenAI) -> None:
    engine, _ = engine_for(server)
    assert engine.capabilities().token_counting == TokenCounting.ESTIMATE
    count = engine.count(CountRequest(1, (ChatMessage(Role.USER, "word " * 40),), 64))
    assert isinstance(count, ContextCount)
    assert count.forecast.prompt_tokens >= estimate_tokens("word " * 40)
    assert count.estimate  # the meter says "about"


def test_count_is_exact_with_tokenize() -> None:
    with FakeOpenAI(tokenize=True) as fake:
        engine, _ = engine_for(fake)
        assert engine.capabilities().token_counting == TokenCounting.EXACT
        count = engine.count(CountRequest(1, (ChatMessage(Role.USER, "a" * 400),), 64))
        assert count is not None and count.forecast.prompt_tokens >= 100
        assert not count.estimate


def test_old_turns_are_left_out_when_the_window_overflows(server: FakeOpenAI) -> None:
    server.reply("small", context=256)
    engine, _ = engine_for(server, "small")
    long = "lorem ipsum " * 40
    history = []
    for i in range(6):
        history += [ChatMessage(Role.USER, f"{i} {long}"), ChatMessage(Role.ASSISTANT, long)]
    history.append(ChatMessage(Role.USER, "last"))
    events = run(engine, request(messages=tuple(history)))
    started = next(e for e in events if isinstance(e, ReplyStarted))
    assert started.info.dropped_messages > 0
    sent = server.requests[-1]["messages"]
    assert sent[-1]["content"] == "last" and len(sent) < len(history)


def test_summaries_for_long_chats(server: FakeOpenAI) -> None:
    server.reply("small", context=256, pieces=("A short summary.",))
    engine, _ = engine_for(server, "small")
    long = "lorem ipsum " * 40
    history = []
    for i in range(6):
        history += [ChatMessage(Role.USER, f"{i} {long}"), ChatMessage(Role.ASSISTANT, long)]
    history.append(ChatMessage(Role.USER, "last"))
    events = run(engine, request(messages=tuple(history), overflow=OverflowStrategy.SUMMARIZE))
    assert any(isinstance(e, SummaryStarted) for e in events)
    made = next(e for e in events if isinstance(e, SummaryMade))
    assert made.text == "A short summary." and made.covers > 0
    assert "A short summary." in server.requests[-1]["messages"][0]["content"]


def test_answers_from_documents_carry_their_sources(server: FakeOpenAI) -> None:
    engine, _ = engine_for(server)
    sources = (MessageSource(1, "/docs/report.pdf", 3, None, "The sky is green."),)
    events = run(engine, request("Sky?", grounding=Grounding(sources, ("Docs",))))
    started = next(e for e in events if isinstance(e, ReplyStarted))
    assert started.info.sources == sources
    asked = server.requests[-1]["messages"][-1]["content"]
    assert "[1] report.pdf, page 3" in asked and asked.endswith("Question: Sky?")

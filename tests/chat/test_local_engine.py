"""LocalEngine conforms to ChatBackend on the tiny GGUF model, with no Qt and no thread."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from desktop.chat.local_engine import LocalEngine
from desktop.chat.protocol import (
    BackendCapabilities,
    ChatBackend,
    ContextCount,
    CountRequest,
    Failed,
    Finished,
    GenerationRequest,
    LoadFailure,
    LoadProblem,
    LoadsModels,
    ModelInfo,
    ReplyProblem,
    ReplyStarted,
    TextDelta,
    TokenCounting,
)
from desktop.core.conversation import ChatMessage, FinishReason, Role
from desktop.engine.llama import LoadOptions, SamplingOptions
from tests.fixtures.tiny_model import EOS_ID, IM_END_ID

OPTIONS = LoadOptions(n_ctx=512, n_threads=2)
GREEDY = SamplingOptions(temperature=0.0, max_tokens=40, repeat_penalty=1.0, seed=3)


def never() -> bool:
    return False


@pytest.fixture
def engine(tiny_gguf: Path, tmp_path: Path) -> Iterator[LocalEngine]:
    engine = LocalEngine(tmp_path / "models", tmp_path / "probed.json")
    info = engine.load(str(tiny_gguf), OPTIONS, lambda _fraction: None, never)
    assert isinstance(info, ModelInfo), info
    yield engine
    engine.unload()


def request(text: str = "Hello there", request_id: int = 1) -> GenerationRequest:
    return GenerationRequest(request_id, (ChatMessage(Role.USER, text),), GREEDY)


def test_it_is_a_chat_backend_that_loads_models(tmp_path: Path) -> None:
    engine = LocalEngine(tmp_path / "models")
    assert isinstance(engine, ChatBackend)
    assert isinstance(engine, LoadsModels)
    assert engine.capabilities() == BackendCapabilities(context_window=0)
    assert not engine.unload()


def test_without_a_model_a_reply_fails_at_once(tmp_path: Path) -> None:
    events = list(LocalEngine(tmp_path / "models").reply(request(), never))
    assert len(events) == 1 and isinstance(events[0], Failed)
    assert events[0].failure.problem == ReplyProblem.NO_MODEL


def test_a_reply_starts_streams_text_and_finishes(engine: LocalEngine) -> None:
    capabilities = engine.capabilities()
    assert capabilities.context_window == 512
    assert capabilities.token_counting == TokenCounting.EXACT
    events = list(engine.reply(request(), never))
    assert isinstance(events[0], ReplyStarted)
    assert events[0].info.n_ctx == 512 and events[0].info.prompt_tokens > 0
    assert isinstance(events[-1], Finished)
    stats = events[-1].stats
    assert stats.finish_reason in (FinishReason.STOP, FinishReason.LENGTH)
    assert stats.generated_tokens > 0
    deltas = events[1:-1]
    assert deltas and all(isinstance(event, TextDelta) for event in deltas)
    assert "".join(event.text for event in deltas if isinstance(event, TextDelta))


def test_the_same_request_gives_the_same_text(engine: LocalEngine) -> None:
    def text() -> str:
        events = engine.reply(request(), never)
        return "".join(e.text for e in events if isinstance(e, TextDelta))

    assert text() == text()


def test_cancel_stops_the_reply(engine: LocalEngine) -> None:
    stop: list[bool] = []
    events: list[object] = []
    long = replace(request(), sampling=SamplingOptions(temperature=1.0, max_tokens=400, seed=1))
    for event in engine.reply(long, lambda: bool(stop)):
        events.append(event)
        if isinstance(event, ReplyStarted):
            stop.append(True)  # asked before the first token
    finished = events[-1]
    assert isinstance(finished, Finished)
    assert finished.stats.finish_reason == FinishReason.CANCELLED
    assert finished.stats.generated_tokens <= 1


def test_an_empty_message_fails(engine: LocalEngine) -> None:
    (event,) = engine.reply(request("   "), never)
    assert isinstance(event, Failed) and event.failure.problem == ReplyProblem.EMPTY_PROMPT


def test_count_answers_with_the_models_tokenizer(engine: LocalEngine) -> None:
    count = engine.count(CountRequest(1, (ChatMessage(Role.USER, "Hello there"),), 40))
    assert isinstance(count, ContextCount)
    assert 0 < count.forecast.prompt_tokens < 512


def test_prepare_evaluates_the_draft_ahead(engine: LocalEngine) -> None:
    engine.prepare(request("A draft being typed"), True, never)
    assert engine.prepared_tokens > 0
    events = list(engine.reply(request("A draft being typed"), never))
    assert isinstance(events[-1], Finished)
    assert events[-1].stats.evaluated_ahead > 0


def test_a_failed_load_keeps_the_model(engine: LocalEngine, tmp_path: Path) -> None:
    missing = engine.load(str(tmp_path / "missing.gguf"), OPTIONS, lambda _f: None, never)
    assert isinstance(missing, LoadFailure) and missing.problem == LoadProblem.BAD_FILE
    assert engine.model is not None
    assert isinstance(list(engine.reply(request(), never))[-1], Finished)


QUOTING = replace(GREEDY, grammar='root ::= "Write <|im_end|> to end a turn."')


def test_a_reply_that_quotes_its_end_marker_is_not_cut(engine: LocalEngine) -> None:
    """`<|im_end|>` written as ordinary characters (a grammar forces them here; the model
    quoting a template or a log) is text; only the control token ends the reply (issue 16)."""
    events = list(engine.reply(replace(request(), sampling=QUOTING), never))
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == (
        "Write <|im_end|> to end a turn."
    )
    assert isinstance(events[-1], Finished)
    assert events[-1].stats.finish_reason == FinishReason.STOP


def test_markers_that_are_control_tokens_stop_by_id_not_by_text(engine: LocalEngine) -> None:
    template = engine.template
    assert template is not None
    assert "<|im_end|>" not in template.stop_strings and "</s>" not in template.stop_strings
    assert {IM_END_ID, EOS_ID} <= template.stop_tokens
    user_stop = replace(QUOTING, stop=("<|im_end|>",))  # a stop the API client sets: text
    events = list(engine.reply(replace(request(), sampling=user_stop), never))
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "Write "

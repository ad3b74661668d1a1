"""KV state per conversation: switching away and back restores the cache instead of
re-reading the history. Checked by counting evaluated tokens, never by timing."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.chat.kv_states import KvStateCache
from desktop.chat.protocol import GenerationRequest, ReplyStats
from desktop.chat.qt.inference_worker import InferenceWorker
from desktop.core.conversation import ChatMessage, Role
from desktop.engine.llama import KvState, LoadedModel, LoadOptions, SamplingOptions

GREEDY = SamplingOptions(temperature=0.0, max_tokens=12, repeat_penalty=1.0, seed=1)


class Driven:
    """The worker without a thread: its slots run right here and signals are direct."""

    def __init__(self, worker: InferenceWorker) -> None:
        self.worker = worker
        self.finished: list[ReplyStats] = []
        self.deltas: list[str] = []
        self.ids = iter(range(1, 10_000))
        worker.reply_finished.connect(lambda _rid, stats: self.finished.append(stats))
        worker.reply_delta.connect(lambda _rid, text: self.deltas.append(text))
        worker.reply_failed.connect(lambda _rid, failure: pytest.fail(str(failure)))

    def reply(self, messages: list[ChatMessage], key: str | None) -> tuple[str, ReplyStats]:
        self.deltas.clear()
        request = GenerationRequest(next(self.ids), tuple(messages), GREEDY, conversation_key=key)
        self.worker.on_generate_requested(request)
        return "".join(self.deltas), self.finished[-1]


@pytest.fixture
def driven(qtbot, tiny_gguf: Path, private_data_dir: Path) -> Driven:
    worker = InferenceWorker(private_data_dir / "models", private_data_dir / "probed.json")
    loaded = []
    worker.load_finished.connect(lambda _rid, info: loaded.append(info))
    worker.on_load_requested(1, str(tiny_gguf), LoadOptions(n_ctx=1024, n_threads=1))
    assert loaded
    yield Driven(worker)
    worker.on_unload_requested()
    worker.close()


def _history(topic: str, turns: int) -> list[ChatMessage]:
    messages = []
    for i in range(turns):
        messages.append(ChatMessage(Role.USER, f"Tell me about {topic}, part {i}, in some detail."))
        messages.append(ChatMessage(Role.ASSISTANT, f"Here is part {i} about {topic} and more."))
    return messages


def _turn(driven: Driven, history: list[ChatMessage], text: str, key: str | None) -> ReplyStats:
    history.append(ChatMessage(Role.USER, text))
    reply, stats = driven.reply(history, key)
    history.append(ChatMessage(Role.ASSISTANT, reply))
    return stats


def test_switching_back_restores_the_saved_cache(driven: Driven) -> None:
    a, b = _history("the sea", 8), _history("mountains", 8)
    first_a = _turn(driven, a, "And tides?", "1")
    assert first_a.evaluated_prompt_tokens == first_a.prompt_tokens  # cold
    first_b = _turn(driven, b, "And snow?", "2")
    assert first_b.evaluated_prompt_tokens > first_b.prompt_tokens // 2  # another history
    assert "1" in driven.worker.kv_states

    back = _turn(driven, a, "And waves?", "1")
    new_tokens = back.prompt_tokens - first_a.context_used
    assert 0 < back.evaluated_prompt_tokens <= new_tokens + 1
    assert back.evaluated_prompt_tokens < back.prompt_tokens // 4
    assert "1" not in driven.worker.kv_states  # the cache is A's again
    assert "2" in driven.worker.kv_states

    again_b = _turn(driven, b, "And ice?", "2")
    assert again_b.evaluated_prompt_tokens <= again_b.prompt_tokens - first_b.context_used + 1


def test_without_a_key_nothing_is_saved_or_restored(driven: Driven) -> None:
    a, b = _history("the sea", 6), _history("mountains", 6)
    _turn(driven, a, "And tides?", None)
    _turn(driven, b, "And snow?", None)
    back = _turn(driven, a, "And waves?", None)
    assert len(driven.worker.kv_states) == 0
    assert back.evaluated_prompt_tokens > back.prompt_tokens // 2  # re-read from the start


def test_restored_state_gives_the_same_reply_as_a_cold_evaluation(driven: Driven) -> None:
    a, b = _history("the sea", 5), _history("mountains", 5)
    _turn(driven, a, "And tides?", "a")
    _turn(driven, b, "And snow?", "b")
    a.append(ChatMessage(Role.USER, "And waves?"))
    warm_text, warm = driven.reply(a, "a")
    assert warm.evaluated_prompt_tokens < warm.prompt_tokens // 4
    model = driven.worker.model
    assert isinstance(model, LoadedModel)
    model.restore_state(KvState((1,), b""))  # an invalid state leaves the cache empty
    cold_text, cold = driven.reply(a, None)
    assert cold.evaluated_prompt_tokens == cold.prompt_tokens
    assert warm_text == cold_text


def test_save_and_restore_on_the_engine(driven: Driven) -> None:
    model = driven.worker.model
    assert model is not None
    assert model.save_state() is None or model.cached_tokens > 0
    _turn(driven, _history("rivers", 3), "Why?", None)
    state = model.save_state()
    assert state is not None and len(state.tokens) == model.cached_tokens > 0
    _turn(driven, _history("deserts", 3), "How?", None)
    assert model.reusable_prefix(state.tokens) < len(state.tokens)
    assert model.restore_state(state)
    assert model.cached_tokens == len(state.tokens)
    assert model.reusable_prefix(state.tokens) == len(state.tokens)


def test_cache_is_bounded_by_count_and_budget() -> None:
    def state(size: int) -> KvState:
        return KvState((1,), b"x" * size)

    cache = KvStateCache(max_entries=3, budget=lambda: 1000)
    for key in "abcd":
        cache.put(key, state(100))
    assert len(cache) == 3 and "a" not in cache
    cache.get("b")
    cache.put("e", state(600))  # over budget together: least recently put go first
    assert "e" in cache and cache.size_bytes <= 1000
    cache.put("huge", state(5000))
    assert "huge" not in cache
    assert cache.pop("e") is not None and "e" not in cache

"""The window and API clients on one EngineHost with the real llama.cpp: an API reply does not
destroy the window's KV prefix, and API requests reuse the prefix of the previous API request,
whether replies are made one at a time (the main sequence's states saved and restored) or in
batches (API replies in slots of their own). Checked by counting evaluated tokens, never by
timing."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.chat.engine_host import API_CONVERSATION_KEY, Priority
from desktop.chat.local_engine import LocalEngine
from desktop.chat.protocol import Finished, GenerationRequest, ReplyStats, TextDelta
from desktop.chat.qt.inference_worker import InferenceWorker
from desktop.core.conversation import ChatMessage, Role
from desktop.engine.llama import LoadOptions, SamplingOptions

GREEDY = SamplingOptions(temperature=0.0, max_tokens=12, repeat_penalty=1.0, seed=1)


class Clients:
    """The window (the worker's own slot, driven right here) and a script (an API client of
    the worker's host)."""

    def __init__(self, worker: InferenceWorker) -> None:
        self.worker = worker
        self.ids = iter(range(1, 10_000))

    def ask(self, history: list[ChatMessage], text: str, key: str | None, api: bool) -> ReplyStats:
        history.append(ChatMessage(Role.USER, text))
        request = GenerationRequest(next(self.ids), tuple(history), GREEDY, conversation_key=key)
        priority = Priority.API if api else Priority.WINDOW
        events = list(self.worker.host.stream(request, priority=priority, client="c"))
        reply = "".join(e.text for e in events if isinstance(e, TextDelta))
        assert isinstance(events[-1], Finished)
        history.append(ChatMessage(Role.ASSISTANT, reply))
        return events[-1].stats


class OneAtATime:
    """The local engine without RepliesTogether: the host replies to it one at a time."""

    def __init__(self, engine: LocalEngine) -> None:
        self.engine = engine

    def __getattr__(self, name: str) -> object:
        if name in ("replies_together", "parallel_replies"):
            raise AttributeError(name)
        return getattr(self.engine, name)

    def capabilities(self):
        return self.engine.capabilities()

    def reply(self, request, cancelled):
        return self.engine.reply(request, cancelled)

    def count(self, request):
        return self.engine.count(request)

    def prepare(self, request, whole, superseded):
        self.engine.prepare(request, whole, superseded)


@pytest.fixture(params=["batched", "one_at_a_time"])
def clients(request, tiny_gguf: Path, private_data_dir: Path):
    worker = InferenceWorker(private_data_dir / "models", private_data_dir / "probed.json")
    if request.param == "one_at_a_time":
        worker.set_backend(OneAtATime(worker.engine))  # type: ignore[arg-type]
    loaded = []
    worker.load_finished.connect(lambda _rid, info: loaded.append(info))
    worker.on_load_requested(1, str(tiny_gguf), LoadOptions(n_ctx=2048, n_threads=1))
    assert loaded
    yield Clients(worker)
    worker.on_unload_requested()
    worker.close()


def history(topic: str, turns: int) -> list[ChatMessage]:
    messages = []
    for i in range(turns):
        messages.append(ChatMessage(Role.USER, f"Tell me about {topic}, part {i}, in some detail."))
        messages.append(ChatMessage(Role.ASSISTANT, f"Here is part {i} about {topic} and more."))
    return messages


def only_new(stats: ReplyStats, before: ReplyStats) -> bool:
    """The prompt evaluated only what came after the previous reply's cache (+1: the last
    token may be evaluated again for its logits)."""
    return 0 < stats.evaluated_prompt_tokens <= stats.prompt_tokens - before.context_used + 1


def test_an_api_reply_keeps_the_window_prefix_and_its_own(clients: Clients) -> None:
    window, script = history("the sea", 6), history("mountains", 6)
    first = clients.ask(window, "And tides?", "1", api=False)
    assert first.evaluated_prompt_tokens == first.prompt_tokens  # cold

    api_first = clients.ask(script, "And snow?", None, api=True)
    assert api_first.evaluated_prompt_tokens > api_first.prompt_tokens // 2  # another history
    batched = not isinstance(clients.worker.backend, OneAtATime)
    # One at a time, the window's cache was saved, not lost; in a batch it was not touched.
    assert ("1" in clients.worker.kv_states) != batched

    back = clients.ask(window, "And waves?", "1", api=False)
    assert only_new(back, first)
    assert back.evaluated_prompt_tokens < back.prompt_tokens // 4
    assert (API_CONVERSATION_KEY in clients.worker.kv_states) != batched

    # The script's follow-up shares its previous request's prefix: only what is new is read.
    api_again = clients.ask(script, "And ice?", None, api=True)
    assert only_new(api_again, api_first)


def test_api_requests_in_a_row_reuse_their_shared_prefix(clients: Clients) -> None:
    script = history("rivers", 6)
    first = clients.ask(script, "Why?", None, api=True)
    again = clients.ask(script, "How?", None, api=True)
    assert only_new(again, first)
    assert len(clients.worker.kv_states) == 0  # nobody else took the model over


def test_a_window_request_without_a_key_still_saves_nothing(clients: Clients) -> None:
    """Only API requests are given the API key; the window's keyless requests (a chat not yet
    stored) behave as before."""
    clients.ask(history("deserts", 3), "Why?", None, api=False)
    clients.ask(history("forests", 3), "How?", None, api=False)
    assert len(clients.worker.kv_states) == 0

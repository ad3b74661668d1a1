"""The benchmark harness. Every figure is a ratio measured side by side in one run on the same
model, thread count, context size and greedy sampling; absolute numbers are printed beside it.

    python -m benchmarks [--model PATH | --tiny] [--quick] [--json OUT] [--threads N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import httpcore2
import llama_cpp
import llama_cpp.llama_cpp as llama_low
from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QThread, QTimer, Signal
from PySide6.QtWidgets import QApplication

from benchmarks.api import measure_api
from benchmarks.documents import measure_documents
from benchmarks.remote import measure_remote
from desktop.chat.local_engine import LocalEngine
from desktop.chat.protocol import GenerationRequest, ModelInfo, ReplyStats
from desktop.chat.qt.inference_worker import InferenceWorker
from desktop.chat.qt.message_model import MessageListModel
from desktop.chat.qt.view import ChatView
from desktop.chat.streaming import DeltaCoalescer, Utf8StreamDecoder
from desktop.core.conversation import ChatMessage, FinishReason, Role
from desktop.engine.llama import (
    LoadOptions,
    SamplingOptions,
    batch_thread_count,
    default_thread_count,
)
from desktop.models.qt.download_worker import DownloadWorker

GOALS: dict[str, tuple[str, float | None]] = {
    "stream_vs_raw": (">=", 0.97),
    "long_reply_flatness": (">=", 0.95),
    "followup_ttft_ratio": ("<=", 1.10),
    "sent_at_once_ttft_ratio": ("info", None),
    "typed_no_pause_ttft_ratio": ("info", None),
    "bare_followup_ttft_ratio": ("info", None),
    "followup_eval_ratio": ("<=", 1.05),
    "switch_back_ttft_ratio": ("<=", 0.2),
    "overflow_eval_ratio": ("<=", 1.5),
    "ui_headroom": (">=", 10.0),
    "ui_update_growth": ("<=", 2.0),
    "ui_max_stall_ms": ("<=", 50.0),
    "startup_ratio": ("<=", 1.5),
    "startup_floor_ratio": ("info", None),
    "startup_settled_ratio": ("info", None),
    "load_ratio": ("<=", 1.1),
    "rss_overhead_mb": ("<=", 150.0),
    "download_ratio": (">=", 0.9),
    "verify_tail_ratio": ("<=", 0.05),
    "roofline_fraction": ("info", None),
    "search_ms_10k": ("<=", 50.0),
    "index_pages_per_s": (">=", 33.0),
    "retrieve_ms_100k": ("<=", 50.0),
    "concurrent_throughput_ratio": (">=", 1.7),
    "api_stream_vs_raw": (">=", 0.95),
    "api_ttft_overhead_ms": ("<=", 15.0),
    "api_vs_llama_cpp_server": (">=", 1.0),
    "remote_stream_vs_direct": (">=", 0.97),
    "remote_ttft_overhead_ms": ("<=", 20.0),
}

STORY = (
    "Write a very long story about a lighthouse keeper and her cat. Describe every day of "
    "the year, one paragraph per day, and never stop early."
)


@dataclass
class Config:
    model: Path
    threads: int
    n_ctx: int
    stream_tokens: int
    early: tuple[int, int]  # token window for long_reply_flatness
    late: tuple[int, int]
    history_tokens: int
    overflow_ctx: int
    overflow_turns: int
    ui_messages: int = 500
    ui_tokens: int = 3000
    startup_reps: int = 5
    load_reps: int = 2
    gui_delay_s: float = 0.0  # per delta, in the GUI consumer: the harness must be able to fail
    download_mb: int = 64
    download_reps: int = 3
    download_delay_s: float = 0.0  # per MiB written by our transfer code (the same purpose)
    verify_delay_s: float = 0.0  # added to our verification step (the same purpose)
    load_delay_s: float = 0.0  # added to the app's GGUF check on each load (the same purpose)
    plan_delay_s: float = 0.0  # per message, added to the worker's plan of a reply (the same)
    startup_delay_s: float = 0.0  # added to the app's start before its window shows (the same)
    step_delay_s: float = 0.0  # per batch step, shared by its replies (the same purpose)
    token_delay_s: float = 0.0  # per token of each reply decoded in a batch (the same purpose)
    concurrent_tokens: int = 64  # tokens of each reply in concurrent_throughput_ratio
    api_delay_s: float = 0.0  # before each text chunk our API server sends (the same purpose)
    api_server_tokens: int = 0  # the reply streamed beside llama_cpp.server; 0: stream_tokens
    subprocess_figures: bool = True
    full_documents: bool = False  # 1,000 pages and 100k passages, else a fifth of each
    remote_tokens: int = 48  # per reply from the loopback llama_cpp.server
    remote_delay_s: float = 0.0  # per delta, in the remote figures' GUI consumer (the same)


@dataclass
class Results:
    figures: dict[str, float | None] = field(default_factory=dict)
    absolute: dict[str, Any] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)


# -- Qt plumbing ---------------------------------------------------------------------------


class Bridge(QObject):
    """Commands down to the worker and its signals back, on the GUI thread (queued), exactly
    as ChatSession talks to it."""

    load = Signal(int, str, object)
    unload = Signal()
    generate = Signal(object)
    prepare = Signal(object, bool)
    ping = Signal()

    def __init__(self, worker: InferenceWorker) -> None:
        super().__init__()
        self.ping.connect(worker.on_backend_requested)
        worker.backend_found.connect(self._on_pong)
        self.pongs = 0
        self.load.connect(worker.on_load_requested)
        self.unload.connect(worker.on_unload_requested)
        worker.model_unloaded.connect(self._on_unloaded)
        self.generate.connect(worker.on_generate_requested)
        self.prepare.connect(worker.on_prepare_requested)
        worker.load_finished.connect(self._on_load_finished)
        worker.load_failed.connect(self._on_load_failed)
        worker.reply_delta.connect(self._on_delta)
        worker.reply_finished.connect(self._on_finished)
        worker.reply_failed.connect(self._on_failed)
        self.info: ModelInfo | None = None
        self.failure: object = None
        self.on_delta: Callable[[int, str], None] = lambda _rid, _text: None
        self.stats: ReplyStats | None = None
        self.finished_at = 0.0
        self.unloaded = False

    def _on_unloaded(self) -> None:
        self.unloaded = True

    def _on_pong(self, _backend: object) -> None:
        self.pongs += 1

    def _on_load_finished(self, _rid: int, info: object) -> None:
        self.info = info  # type: ignore[assignment]

    def _on_load_failed(self, _rid: int, failure: object) -> None:
        self.failure = failure

    def _on_delta(self, rid: int, text: str) -> None:
        self.on_delta(rid, text)

    def _on_finished(self, _rid: int, stats: object) -> None:
        self.stats = stats  # type: ignore[assignment]
        self.finished_at = time.perf_counter()

    def _on_failed(self, _rid: int, failure: object) -> None:
        self.failure = failure


def wait_until(predicate: Callable[[], bool], timeout_s: float = 600.0) -> None:
    """Runs the GUI event loop (sleeping, not spinning) until `predicate` holds."""
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(10)
    deadline = time.perf_counter() + timeout_s

    def check() -> None:
        if predicate() or time.perf_counter() > deadline:
            loop.quit()

    timer.timeout.connect(check)
    timer.start()
    if not predicate():
        loop.exec()
    timer.stop()
    if not predicate():
        raise TimeoutError("benchmark step timed out")


class App:
    """The real InferenceWorker on its QThread, MessageListModel and ChatView, offscreen."""

    def __init__(self, cfg: Config, data_dir: Path) -> None:
        self.cfg = cfg
        self.thread = QThread()
        self.worker = InferenceWorker(
            data_dir / "models", data_dir / "probed.json", check_cache=data_dir / "checks.json"
        )
        self.worker.moveToThread(self.thread)
        self.thread.start()
        self.bridge = Bridge(self.worker)
        self.model = MessageListModel()
        self.view = ChatView()
        self.view.resize(900, 700)
        self.view.set_model(self.model)
        self.view.show()
        self.ids = iter(range(1, 1 << 30))

    def load(self, n_ctx: int) -> float:
        self.bridge.info = None
        self.bridge.failure = None
        started = time.perf_counter()
        self.bridge.load.emit(
            next(self.ids),
            str(self.cfg.model),
            LoadOptions(n_ctx=n_ctx, n_threads=self.cfg.threads),
        )
        wait_until(lambda: self.bridge.info is not None or self.bridge.failure is not None)
        if self.bridge.failure is not None:
            raise RuntimeError(f"load failed: {self.bridge.failure}")
        return time.perf_counter() - started

    def unload(self) -> None:
        """Frees the model (untimed), so the next load starts from nothing, as a bare one does."""
        if self.worker.model is None:
            return
        self.bridge.unloaded = False
        self.bridge.unload.emit()
        wait_until(lambda: self.bridge.unloaded)

    def reply(
        self,
        messages: list[ChatMessage],
        max_tokens: int,
        key: str | None = None,
        min_dropped: int = 0,
        gui_delay_s: float = 0.0,
    ) -> tuple[str, ReplyStats, dict[str, Any]]:
        """One reply through the whole pipeline; times are taken on the GUI thread."""
        row = self.model.append_message(Role.ASSISTANT, "", streaming=True)
        parts: list[str] = []
        arrivals: list[tuple[float, int]] = []  # (time the delta was shown, chars so far)
        shown = 0

        def on_delta(_rid: int, text: str) -> None:
            nonlocal shown
            if gui_delay_s:
                time.sleep(gui_delay_s)
            self.model.append_delta(row, text)
            parts.append(text)
            shown += len(text)
            arrivals.append((time.perf_counter(), shown))

        self.bridge.on_delta = on_delta
        self.bridge.stats = None
        self.bridge.failure = None
        request = self._request(messages, max_tokens, key, min_dropped)
        started = time.perf_counter()
        self.bridge.generate.emit(request)
        wait_until(lambda: self.bridge.stats is not None or self.bridge.failure is not None)
        if self.bridge.failure is not None:
            raise RuntimeError(f"reply failed: {self.bridge.failure}")
        self.model.set_finished(row, FinishReason.STOP)
        self.view.flush()
        QApplication.processEvents()
        ended = time.perf_counter()
        stats = self.bridge.stats
        assert stats is not None
        timing = {
            "started": started,
            "first_shown": arrivals[0][0] if arrivals else ended,
            "ended": ended,
            "arrivals": arrivals,
        }
        return "".join(parts), stats, timing

    @staticmethod
    def _sampling(max_tokens: int) -> SamplingOptions:
        return SamplingOptions(temperature=0.0, max_tokens=max_tokens, repeat_penalty=1.0, seed=0)

    def _request(
        self, messages: list[ChatMessage], max_tokens: int, key: str | None, min_dropped: int = 0
    ) -> GenerationRequest:
        sampling = self._sampling(max_tokens)
        return GenerationRequest(
            next(self.ids), tuple(messages), sampling, min_dropped, conversation_key=key
        )

    def prepare(
        self, messages: list[ChatMessage], max_tokens: int, key: str | None, whole: bool = True
    ) -> None:
        """What typing the last message does (ChatSession.prepare_reply): the worker evaluates
        the prompt sending it will make (`whole`: as at a pause; else as right after a key,
        through the message's text only). Returns once that is done."""
        self.bridge.prepare.emit(self._request(messages, max_tokens, key), whole)
        self.settle()

    def settle(self) -> None:
        """Returns once the worker is idle: what it does after a reply (opening the next turn)
        is done, as it is by the time a user who read the reply has typed the next message."""
        pongs = self.bridge.pongs
        self.bridge.ping.emit()  # answered in turn, after whatever the worker was doing
        wait_until(lambda: self.bridge.pongs > pongs)

    def clear_view(self) -> None:
        """Empties the view, deleting the old bubbles now: the view deletes them later (on the
        event loop's next turn), and a user's next send comes long after that, but a timed
        request sent right away would count their deletion (~10 ms for a Markdown bubble)."""
        self.model.clear()
        QApplication.processEvents()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    def close(self) -> None:
        self.worker.cancel_reply(1 << 30)
        self.thread.quit()
        self.thread.wait()
        self.worker.on_unload_requested()
        self.worker.close()
        self.view.close()


# -- the bare baseline ---------------------------------------------------------------------


def bare_llama(cfg: Config, n_ctx: int) -> llama_cpp.Llama:
    return llama_cpp.Llama(
        model_path=str(cfg.model),
        n_ctx=n_ctx,
        n_batch=min(512, n_ctx),
        n_ubatch=min(512, n_ctx),
        n_threads=cfg.threads,
        n_threads_batch=batch_thread_count(cfg.threads),  # as the app evaluates prompts
        flash_attn=LoadOptions().flash_attn,  # the app's default, so both sides attend alike
        verbose=False,
    )


def bare_decode(
    llm: llama_cpp.Llama, prompt: list[int], n: int
) -> tuple[float, list[int], list[float]]:
    """The tightest llama-cpp-python loop: eval the prompt, then greedy sample + eval per token.

    Returns (seconds from start to the last token, tokens, time of each token)."""
    llm.reset()
    vocab = llama_low.llama_model_get_vocab(llm.model)
    sampler = llama_low.llama_sampler_init_greedy()
    ctx = llm.ctx
    tokens: list[int] = []
    times: list[float] = []
    try:
        started = time.perf_counter()
        llm.eval(prompt)
        while len(tokens) < n:
            token = llama_low.llama_sampler_sample(sampler, ctx, -1)
            if llama_low.llama_vocab_is_eog(vocab, token):
                break
            tokens.append(token)
            times.append(time.perf_counter())
            llm.eval((token,))
        elapsed = (times[-1] if times else time.perf_counter()) - started
    finally:
        llama_low.llama_sampler_free(sampler)
    return elapsed, tokens, times


def bare_first_token_s(llm: llama_cpp.Llama, prompt: list[int], cached: int) -> float:
    """Seconds from evaluating `prompt` after its first `cached` tokens are in the KV cache to
    the first greedy token; best of 3 (the cached part is evaluated once, untimed)."""
    llm.reset()
    if cached:
        llm.eval(prompt[:cached])
    sampler = llama_low.llama_sampler_init_greedy()
    best = float("inf")
    try:
        for _ in range(3):
            llm.n_tokens = cached  # eval() drops the KV cells from here on
            started = time.perf_counter()
            llm.eval(prompt[cached:])
            llama_low.llama_sampler_sample(sampler, llm.ctx, -1)
            best = min(best, time.perf_counter() - started)
    finally:
        llama_low.llama_sampler_free(sampler)
    return best


def chat_prompt(app: App, messages: list[ChatMessage]) -> list[int]:
    """The exact tokens the worker would evaluate for `messages` (same template, same plan)."""
    from desktop.chat.prompt import plan_prompt

    worker = app.worker
    model = worker.model
    assert model is not None and worker.engine.template is not None
    return plan_prompt(
        messages, worker.engine.template, worker.engine.tokenize, model.n_ctx, 256
    ).tokens


def chars_at(llm: llama_cpp.Llama, tokens: list[int]) -> list[int]:
    """Characters of text after each token, decoded incrementally like the app does."""
    import ctypes

    decoder = Utf8StreamDecoder()
    vocab = llama_low.llama_model_get_vocab(llm.model)
    buffer = ctypes.create_string_buffer(256)
    total = 0
    out = []
    for token in tokens:
        n = llama_low.llama_token_to_piece(vocab, token, buffer, len(buffer), 0, False)
        total += len(decoder.feed(buffer.raw[: max(0, n)]))
        out.append(total)
    return out


def time_for_chars(arrivals: list[tuple[float, int]], chars: int) -> float:
    for at, shown in arrivals:
        if shown >= chars:
            return at
    return arrivals[-1][0]


# -- figures -------------------------------------------------------------------------------


def measure_stream(app: App, llm: llama_cpp.Llama, cfg: Config, res: Results) -> None:
    """stream_vs_raw and long_reply_flatness, alternating raw and app runs of one reply."""
    messages = [ChatMessage(Role.USER, STORY)]
    prompt = chat_prompt(app, messages)
    n = cfg.stream_tokens
    raw_runs, app_runs = [], []
    for _ in range(2 if cfg.stream_tokens <= 400 else 1):
        raw_runs.append(bare_decode(llm, prompt, n))
        app.clear_view()
        app_runs.append(app.reply(messages, n, gui_delay_s=cfg.gui_delay_s))
    raw_s, tokens, raw_times = min(raw_runs, key=lambda r: r[0])
    _text, stats, timing = min(app_runs, key=lambda r: r[2]["ended"] - r[2]["started"])
    made = min(len(tokens), stats.generated_tokens)
    app_s = timing["ended"] - timing["started"]
    # Same tokens on both sides (greedy); if one side stopped earlier, compare per token.
    raw_rate = len(tokens) / raw_s
    app_rate = stats.generated_tokens / app_s
    res.figures["stream_vs_raw"] = app_rate / raw_rate
    res.absolute["raw_tokens_per_s"] = raw_rate
    res.absolute["app_tokens_per_s"] = app_rate
    res.absolute["stream_tokens"] = made
    res.absolute["worker_tokens_per_s"] = stats.tokens_per_second

    # Flatness: the same ratio over a late window of the reply ÷ over an early one, with the
    # app's times read off the GUI at the moment it showed the text up to each token.
    chars = chars_at(llm, tokens)
    arrivals = timing["arrivals"]

    def window_ratio(a: int, b: int) -> float | None:
        b = min(b, made - 1)
        if b - a < 10 or not arrivals:
            return None
        raw = (b - a) / (raw_times[b] - raw_times[a])
        span = time_for_chars(arrivals, chars[b]) - time_for_chars(arrivals, chars[a])
        if span <= 0:
            return None
        return ((b - a) / span) / raw

    early, late = window_ratio(*cfg.early), window_ratio(*cfg.late)
    res.absolute["flatness_windows"] = f"{cfg.early} vs {cfg.late} of {made} tokens"
    if early and late:
        res.figures["long_reply_flatness"] = late / early
    else:
        res.figures["long_reply_flatness"] = None
        res.notes["long_reply_flatness"] = (
            f"too few GUI updates or tokens ({made}) to time a window"
        )


def _history(n_tokens: int, topic: str) -> list[ChatMessage]:
    """About `n_tokens` of made-up history (~4 characters a token)."""
    messages: list[ChatMessage] = []
    turn = 0
    text_len = 0
    while text_len < n_tokens * 4:
        question = f"Question {turn} about {topic}: how does the {turn}th part work in practice?"
        answer = (
            f"Part {turn} of {topic} works like this: first the parts are prepared, then "
            f"they are checked, and finally number {turn} is put in its place with care. " * 3
        )
        messages += [ChatMessage(Role.USER, question), ChatMessage(Role.ASSISTANT, answer)]
        text_len += len(question) + len(answer)
        turn += 1
    return messages


TYPED = "Tell me more about it, please."
"""The typed message, in the long chat and in a new one (the model answers both)."""


def _ttft(
    app: App, messages: list[ChatMessage], key: str, typed: str = ""
) -> tuple[float, str, ReplyStats]:
    """Seconds to the first token shown, the reply and its stats. `typed`: how the message
    was typed: "paused" (a pause before Enter: the whole prompt was prepared), "no_pause"
    (Enter right after the last key: its text was prepared, the reply's header not), ""
    (pasted and sent: nothing was)."""
    app.clear_view()
    if typed:
        app.prepare(messages, 8, key, whole=typed == "paused")
    app.settle()
    text, stats, timing = app.reply(messages, 8, key=key)
    if not text:  # its "first token" would be the end of the reply
        raise RuntimeError(f"an empty reply to {messages[-1].content!r} cannot time a first token")
    return timing["first_shown"] - timing["started"], text, stats


def _typed_ttfts(
    app: App, long_chat: list[ChatMessage], new_chat: list[ChatMessage], typed: str, runs: int
) -> tuple[float, float]:
    """Median times of `runs` sends of the same typed follow-up in chat A and of the same
    typed first message in a new chat E, alternating; each is prepared first, as typing it
    would be (the cache then holds the other chat, which is saved and restored untimed). These
    first tokens take milliseconds, and 0.3 ms of jitter is 10 % of 3 ms; alternating keeps a
    drift of the machine out of the ratio."""
    follow_ups: list[float] = []
    firsts: list[float] = []
    for _ in range(runs):
        follow_ups.append(_ttft(app, long_chat, "A", typed)[0])
        firsts.append(_ttft(app, new_chat, "E", typed)[0])
    return sorted(follow_ups)[runs // 2], sorted(firsts)[runs // 2]


def measure_followup(app: App, cfg: Config, res: Results) -> None:
    """followup_ttft_ratio, followup_eval_ratio and switch_back_ttft_ratio, in one sequence.

    A follow-up is timed as users send one: typed, so the app prepared its prompt while they
    typed (ChatSession.prepare_reply). The same follow-up sent at once, before anything could
    be prepared (a paste and Enter), is `sent_at_once_ttft_ratio`, for information."""
    real_plan = LocalEngine.plan
    if cfg.plan_delay_s:

        def slow_plan(self: LocalEngine, request: GenerationRequest, *args: Any) -> Any:
            time.sleep(cfg.plan_delay_s * len(request.messages))
            return real_plan(self, request, *args)

        LocalEngine.plan = slow_plan  # type: ignore[method-assign]
    try:
        _measure_followup(app, cfg, res)
    finally:
        LocalEngine.plan = real_plan  # type: ignore[method-assign]


def _measure_followup(app: App, cfg: Config, res: Results) -> None:
    history = _history(cfg.history_tokens, "bridges")
    history.append(ChatMessage(Role.USER, "Summarise that in one line."))
    cold_s, reply, cold = _ttft(app, history, "A")  # a cold evaluation of the whole history
    followup = [*history, ChatMessage(Role.ASSISTANT, reply), ChatMessage(Role.USER, "Why?")]
    warm_s, reply2, warm = _ttft(app, followup, "A")
    new_tokens = warm.prompt_tokens - cold.context_used
    typed = [*followup, ChatMessage(Role.ASSISTANT, reply2), ChatMessage(Role.USER, TYPED)]
    _, reply3, typed_stats = _ttft(app, typed, "A", "paused")  # what a typed one evaluates
    # A new chat. Another one first, untimed: leaving A saves its 2k-token KV state (~25 ms),
    # a cost of switching, not of an empty history, and it would flatter the figure.
    _ttft(app, [ChatMessage(Role.USER, "Hello.")], "B")
    empty_prompt = [ChatMessage(Role.USER, "Why?")]
    empty_s, _, empty = _ttft(app, empty_prompt, "C")
    new_chat = [ChatMessage(Role.USER, TYPED)]
    typed_s, empty_typed_s = _typed_ttfts(app, typed, new_chat, "paused", 9)
    no_pause_s, empty_no_pause_s = _typed_ttfts(app, typed, new_chat, "no_pause", 5)
    res.figures["followup_ttft_ratio"] = typed_s / empty_typed_s
    res.figures["sent_at_once_ttft_ratio"] = warm_s / empty_s
    res.figures["typed_no_pause_ttft_ratio"] = no_pause_s / empty_no_pause_s
    res.figures["followup_eval_ratio"] = warm.evaluated_prompt_tokens / max(1, new_tokens)
    res.absolute["history_tokens"] = cold.prompt_tokens
    res.absolute["ttft_cold_history_s"] = cold_s
    res.absolute["ttft_followup_typed_s"] = typed_s
    res.absolute["ttft_empty_typed_s"] = empty_typed_s
    res.absolute["ttft_followup_no_pause_s"] = no_pause_s
    res.absolute["ttft_empty_no_pause_s"] = empty_no_pause_s
    res.absolute["ttft_followup_at_once_s"] = warm_s
    res.absolute["ttft_empty_at_once_s"] = empty_s
    res.absolute["followup_evaluated"] = (
        f"{warm.evaluated_prompt_tokens} of {new_tokens} new "
        f"({warm.evaluated_ahead} of them while the reply was read)"
    )
    res.absolute["typed_followup_evaluated"] = (
        f"{typed_stats.evaluated_prompt_tokens} of "
        f"{typed_stats.prompt_tokens - warm.context_used} new "
        f"({typed_stats.evaluated_ahead} of them before it was sent)"
    )
    res.absolute["empty_evaluated"] = empty.evaluated_prompt_tokens
    # The same two first tokens from bare llama.cpp, sent at once: the floor that attention
    # over the history puts under the figure when nothing is prepared, whatever the app does.
    followup_prompt = chat_prompt(app, followup)
    cached = len(followup_prompt) - (warm.evaluated_prompt_tokens - warm.evaluated_ahead)
    llm = bare_llama(cfg, cfg.n_ctx)
    try:
        bare_warm = bare_first_token_s(llm, followup_prompt, cached)
        # As many of the chat's first tokens cached as the app reused from chat B (the
        # template's opening), so both sides evaluate the same tokens.
        empty_tokens = chat_prompt(app, empty_prompt)
        reused = len(empty_tokens) - (empty.evaluated_prompt_tokens - empty.evaluated_ahead)
        bare_empty = bare_first_token_s(llm, empty_tokens, reused)
    finally:
        llm.close()
    res.figures["bare_followup_ttft_ratio"] = bare_warm / bare_empty
    res.absolute["bare_ttft_followup_s"] = bare_warm
    res.absolute["bare_ttft_empty_s"] = bare_empty
    # A few turns elsewhere, then back to A and send (at once: the figure is the restore).
    other = _history(min(400, cfg.history_tokens // 4), "gardens")
    other.append(ChatMessage(Role.USER, "And then?"))
    _ttft(app, other, "D")
    back = [*typed, ChatMessage(Role.ASSISTANT, reply3), ChatMessage(Role.USER, "How?")]
    back_s, _, back_stats = _ttft(app, back, "A")
    res.figures["switch_back_ttft_ratio"] = back_s / cold_s
    res.absolute["ttft_switch_back_s"] = back_s
    res.absolute["switch_back_evaluated"] = back_stats.evaluated_prompt_tokens


def measure_overflow(app: App, cfg: Config, res: Results) -> None:
    """overflow_eval_ratio: (evaluated − ½ window per overflow) ÷ new tokens over 10 turns after
    the window first fills, carrying min_dropped as ChatSession does."""
    app.load(cfg.overflow_ctx)
    messages: list[ChatMessage] = []
    dropped = 0
    after_fill = 0
    evaluated = 0
    overflows = 0
    new_counts: list[int] = []
    overflow_turns = 0
    previous: ReplyStats | None = None
    turn = 0
    while after_fill < cfg.overflow_turns and turn < 200:
        messages.append(
            ChatMessage(Role.USER, f"Turn {turn}: tell me one more short thing about rivers.")
        )
        app.clear_view()
        text, stats, _ = app.reply(messages, 16, key="overflow", min_dropped=dropped)
        messages.append(ChatMessage(Role.ASSISTANT, text))
        overflowed = stats.dropped_messages > dropped
        if overflowed or after_fill:
            after_fill += 1
            evaluated += stats.evaluated_prompt_tokens
            if overflowed:
                overflows += 1
                overflow_turns += 1
            elif previous is not None:
                new_counts.append(stats.prompt_tokens - previous.context_used)
        dropped = stats.dropped_messages
        previous = stats
        turn += 1
    per_turn_new = statistics.mean(new_counts) if new_counts else 0
    new_total = per_turn_new * after_fill
    if new_total <= 0:
        res.figures["overflow_eval_ratio"] = None
        res.notes["overflow_eval_ratio"] = "the window never filled"
        return
    res.figures["overflow_eval_ratio"] = (evaluated - overflows * cfg.overflow_ctx / 2) / new_total
    res.absolute["overflow"] = (
        f"n_ctx {cfg.overflow_ctx}, {after_fill} turns after the first overflow, {overflows} "
        f"overflows, {evaluated} tokens evaluated, ~{per_turn_new:.0f} new a turn"
    )
    if overflows >= after_fill:
        res.notes["overflow_eval_ratio"] = "every turn overflowed: full re-evaluation each turn"


class _Source(QObject):
    """A synthetic token source on its own thread: deltas as the worker sends them, no model."""

    delta = Signal(str)
    done = Signal()

    def __init__(self, tokens: int, rate: float | None, coalesce: bool) -> None:
        super().__init__()
        self.tokens, self.rate, self.coalesce = tokens, rate, coalesce

    def run(self) -> None:
        coalescer = DeltaCoalescer()
        started = time.perf_counter()
        for i in range(self.tokens):
            piece = f" word{i % 97}" + ("\n\n" if i % 60 == 59 else "")
            if self.rate:
                due = started + i / self.rate
                pause = due - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
            if self.coalesce:
                ready = coalescer.push(piece)
                if ready:
                    self.delta.emit(ready)
            else:
                self.delta.emit(piece)
        tail = coalescer.flush()
        if tail:
            self.delta.emit(tail)
        self.done.emit()


def _ui_conversation(count: int) -> MessageListModel:
    model = MessageListModel()
    long_reply = "Here is a list:\n\n" + "\n".join(f"- item {i} with some text" for i in range(20))
    for i in range(count):
        if i % 2 == 0:
            model.append_message(Role.USER, f"Question number {i}: how does this work?")
        else:
            model.append_message(Role.ASSISTANT, long_reply if i % 7 == 1 else f"Answer {i}.")
    return model


def _stream_synthetic(
    view: ChatView, model: MessageListModel, source: _Source
) -> tuple[float, float]:
    """Streams `source` into a new row; returns (seconds until all shown, longest stall in s)."""
    row = model.append_message(Role.ASSISTANT, "", streaming=True)
    QApplication.processEvents()
    thread = QThread()
    source.moveToThread(thread)
    finished = []
    source.delta.connect(lambda text: model.append_delta(row, text))
    source.done.connect(lambda: finished.append(time.perf_counter()))
    thread.started.connect(source.run)
    ticks: list[float] = []
    ticker = QTimer()
    ticker.setInterval(5)
    ticker.timeout.connect(lambda: ticks.append(time.perf_counter()))
    ticker.start()
    started = time.perf_counter()
    thread.start()
    wait_until(lambda: bool(finished), 300)
    model.set_finished(row, FinishReason.STOP)
    view.flush()
    QApplication.processEvents()
    ended = time.perf_counter()
    ticker.stop()
    thread.quit()
    thread.wait()
    gaps = [b - a for a, b in zip([started, *ticks], [*ticks, ended], strict=True)]
    return ended - started, max(gaps)


def measure_ui(cfg: Config, res: Results) -> None:
    """ui_headroom, ui_update_growth and ui_max_stall_ms with a synthetic source, no model."""
    model = _ui_conversation(cfg.ui_messages)
    view = ChatView()
    view.resize(900, 700)
    view.set_model(model)
    view.show()
    QApplication.processEvents()
    # Headroom: one delta per token (no coalescing, the worst case), as fast as they come.
    seconds, _ = _stream_synthetic(view, model, _Source(cfg.ui_tokens, None, coalesce=False))
    ui_rate = cfg.ui_tokens / seconds
    raw_rate = res.absolute.get("raw_tokens_per_s")
    res.absolute["ui_tokens_per_s"] = ui_rate
    res.figures["ui_headroom"] = ui_rate / raw_rate if raw_rate else None
    # Stalls: a realistic stream (coalesced like the worker) growing one reply past 20k chars.
    _, stall = _stream_synthetic(view, model, _Source(cfg.ui_tokens, 1500.0, coalesce=True))
    res.figures["ui_max_stall_ms"] = max(0.0, stall - 0.005) * 1000
    # Growth: the cost of one update (append, render, events) at 20,000 vs 1,000 characters.
    row = model.append_message(Role.ASSISTANT, "", streaming=True)

    def update_cost(target_chars: int) -> float:
        text = model.data(model.index(row)) or ""
        filler = "Some words of a reply, with a [link](https://example.org) and `code`.\n\n"
        while len(text) < target_chars:
            model.append_delta(row, filler)
            text += filler
        view.flush()
        QApplication.processEvents()
        samples = []
        for i in range(15):
            started = time.perf_counter()
            model.append_delta(row, f" word{i}")
            view.flush()
            QApplication.processEvents()
            samples.append(time.perf_counter() - started)
        return statistics.median(samples)

    small = update_cost(1_000)
    large = update_cost(20_000)
    res.figures["ui_update_growth"] = large / small
    res.absolute["ui_update_ms"] = f"{small * 1000:.2f} at 1k chars, {large * 1000:.2f} at 20k"
    view.close()


def _child(
    args: list[str], timeout: float = 300, env: dict[str, str] | None = None
) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.child_process", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})},
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - started
    proc.wait(timeout)
    return elapsed, json.loads(line) if line.strip() else {"error": "no output"}


def measure_startup(cfg: Config, res: Results, work: Path) -> None:
    """startup_ratio: the app's real start (desktop.app.started) until its event loop answers,
    ÷ a bare PySide6 window until its event loop answers, medians of alternating runs.
    startup_floor_ratio (info): a window with the same kinds of widgets as the app's first
    frame, built with PySide6 alone, ÷ the same bare window: what any PySide6 app with this
    window pays before a line of its own code runs. startup_settled_ratio (info): both timed
    until their first paint and the work the app leaves for after it (AfterFirstFrame: the
    worker threads' start, the single-instance socket) have run, so work moved behind the
    first paint still counts there.

    Both run with compiled bytecode, as an installed app does (pip and PyInstaller compile it):
    an untimed first run of each writes the .pyc files to a cache of this run's own, so a
    PYTHONDONTWRITEBYTECODE environment does not make every start compile the app from source.
    The app's data folder is made by that first run (the first-run defaults), so the timed runs
    are ordinary starts; a fresh folder each time would time a first run over and over."""
    env = {"PYTHONPYCACHEPREFIX": str(work / "pycache"), "PYTHONDONTWRITEBYTECODE": ""}
    data_dir = work / "startup-data"
    app_args = ["app-window", str(data_dir), str(cfg.startup_delay_s)]
    kinds = {
        "bare": ["bare-window"],
        "floor": ["floor-window"],
        "app": app_args,
        "bare settled": ["bare-window", "settled"],
        "app settled": [*app_args, "settled"],
    }
    for args in kinds.values():
        _child(args, env=env)
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    for _ in range(cfg.startup_reps):
        for kind, args in kinds.items():
            elapsed, out = _child(args, env=env)
            if "ready" not in out:
                res.figures["startup_ratio"] = None
                res.notes["startup_ratio"] = f"{kind} child failed: {out}"
                return
            times[kind].append(elapsed)
    median = {kind: statistics.median(values) for kind, values in times.items()}
    res.figures["startup_ratio"] = median["app"] / median["bare"]
    res.figures["startup_floor_ratio"] = median["floor"] / median["bare"]
    res.figures["startup_settled_ratio"] = median["app settled"] / median["bare settled"]
    res.absolute["startup_s"] = (
        f"app {median['app']:.3f}, the same widgets with PySide6 alone {median['floor']:.3f}, "
        f"bare PySide6 {median['bare']:.3f}; after the first paint and the work left for it: "
        f"app {median['app settled']:.3f}, bare {median['bare settled']:.3f}"
    )


def measure_rss(cfg: Config, res: Results) -> None:
    args = [str(cfg.model), str(cfg.threads), str(cfg.n_ctx)]
    _, app = _child(["app-model", *args])
    _, bare = _child(["bare-llama", *args])
    if "rss_mb" in app and "rss_mb" in bare:
        res.figures["rss_overhead_mb"] = app["rss_mb"] - bare["rss_mb"]
        res.absolute["rss_mb"] = f"app {app['rss_mb']:.0f}, bare {bare['rss_mb']:.0f}"
    else:
        res.figures["rss_overhead_mb"] = None
        res.notes["rss_overhead_mb"] = f"child failed: {app} {bare}"


def measure_load(app: App, cfg: Config, res: Results) -> None:
    """The app's load (GGUF check or its remembered verdict, probe cache, llama.cpp, facts)
    ÷ a bare Llama(...), both from no model loaded: freeing the previous model is llama.cpp's
    work on either side and is not timed. The file was loaded (and probed) once before, as when
    a user opens the model they used last time."""
    from desktop.engine.gguf_check import CheckCache

    real_check = CheckCache.check
    if cfg.load_delay_s:

        def slow_check(self: CheckCache, path: Any) -> Any:
            time.sleep(cfg.load_delay_s)
            return real_check(self, path)

        CheckCache.check = slow_check  # type: ignore[method-assign]
    app_s, bare_s = [], []
    try:
        for _ in range(cfg.load_reps):
            started = time.perf_counter()
            llm = bare_llama(cfg, cfg.n_ctx)
            bare_s.append(time.perf_counter() - started)
            llm.close()
            app.unload()
            app_s.append(app.load(cfg.n_ctx))
    finally:
        CheckCache.check = real_check  # type: ignore[method-assign]
    res.figures["load_ratio"] = min(app_s) / min(bare_s)
    res.absolute["load_s"] = f"app {min(app_s):.2f}, bare {min(bare_s):.2f}"


_HTTPCORE_READ_SIZE: int = httpcore2.HTTP11Connection.READ_NUM_BYTES  # before any app download


def _plain_get(url: str, target: Path, hashed: bool = False) -> float:
    """The baseline: one plain httpx GET (redirects followed) streamed to a file, as received.
    ``hashed`` also runs sha256 over it inline: not the baseline, printed beside it to show what
    the verification itself costs on this machine."""
    import hashlib

    import httpx2

    digest = hashlib.sha256() if hashed else None
    # httpx as it comes: the app's transfer raises httpcore's read size process-wide.
    connection = httpcore2.HTTP11Connection
    tuned, connection.READ_NUM_BYTES = connection.READ_NUM_BYTES, _HTTPCORE_READ_SIZE
    try:
        started = time.perf_counter()
        with (
            httpx2.Client(follow_redirects=True) as client,
            client.stream("GET", url) as response,
            open(target, "wb", buffering=0) as f,
        ):
            response.raise_for_status()
            for chunk in response.iter_bytes():
                f.write(chunk)
                if digest is not None:
                    digest.update(chunk)
        elapsed = time.perf_counter() - started
    finally:
        connection.READ_NUM_BYTES = tuned
    target.unlink()
    return elapsed


def _app_download(worker: DownloadWorker, request: Any, size: int) -> tuple[float, float]:
    """One download through the app's DownloadWorker (on its QThread, request by queued signal,
    the transfer on its own thread, progress to the GUI). Returns (seconds from request to
    "verified", seconds from the last byte written to "verified"), timed on the threads that
    emit the signals (direct connections), so the GUI's polling does not blur them."""
    marks: dict[str, float] = {}

    def on_state(_id: str, state: str) -> None:
        if state == "verifying":  # sent right after the last byte is written
            marks.setdefault("last_byte", time.perf_counter())

    def on_finished(_id: str, _path: str) -> None:
        marks["verified"] = time.perf_counter()

    def on_failed(_id: str, reason: str) -> None:
        marks["failed"] = time.perf_counter()
        marks.setdefault("reason", reason)  # type: ignore[arg-type]

    direct = Qt.ConnectionType.DirectConnection
    worker.state_changed.connect(on_state, direct)
    worker.download_finished.connect(on_finished, direct)
    worker.download_failed.connect(on_failed, direct)
    sender = _Requester()
    sender.request.connect(worker.on_download_requested)
    try:
        started = time.perf_counter()
        sender.request.emit(request)
        wait_until(lambda: "verified" in marks or "failed" in marks, 300)
    finally:
        worker.state_changed.disconnect(on_state)
        worker.download_finished.disconnect(on_finished)
        worker.download_failed.disconnect(on_failed)
    if "failed" in marks:
        raise RuntimeError(f"download failed: {marks.get('reason')}")
    for f in request.files:
        f.path.unlink()
    total = marks["verified"] - started
    return total, marks["verified"] - marks.get("last_byte", marks["verified"])


class _Requester(QObject):
    request = Signal(object)


def measure_download(cfg: Config, res: Results, work: Path) -> None:
    """download_ratio: throughput of the app's download code (DownloadWorker → transfer:
    resume bookkeeping, sha256 as bytes arrive, verification, rename) ÷ a plain httpx GET of the
    same file from the same local fake hub, alternating, best of each. verify_tail_ratio: time
    from the last byte written to "verified" ÷ the whole download."""
    from desktop.models import transfer
    from desktop.models.qt.download_worker import DownloadFile, DownloadRequest

    hub = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.child_process", "hub", str(cfg.download_mb)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert hub.stdout is not None and hub.stdin is not None
    served = json.loads(hub.stdout.readline())
    url, size, sha = served["url"], int(served["size"]), served["sha256"]
    folder = work / "downloads"
    folder.mkdir(exist_ok=True)
    thread = QThread()
    worker = DownloadWorker(parallel=1)
    worker.moveToThread(thread)
    thread.start()
    real_write, real_digest = transfer.write_chunk, transfer.Digest.hexdigest
    if cfg.download_delay_s:

        def slow_write(f: Any, data: bytes) -> None:
            time.sleep(cfg.download_delay_s * len(data) / (1 << 20))
            real_write(f, data)

        transfer.write_chunk = slow_write  # type: ignore[assignment]
    if cfg.verify_delay_s:

        def slow_digest(self: Any) -> str:
            time.sleep(cfg.verify_delay_s)
            return real_digest(self)

        transfer.Digest.hexdigest = slow_digest  # type: ignore[method-assign]
    plain, ours, tails, hashed = [], [], [], []
    try:
        for rep in range(cfg.download_reps):
            plain.append(_plain_get(url, folder / "plain.bin"))
            hashed.append(_plain_get(url, folder / "plain.bin", hashed=True))
            request = DownloadRequest(
                f"bench-{rep}", (DownloadFile(url, folder / f"ours-{rep}.gguf", size, sha),)
            )
            total, tail = _app_download(worker, request, size)
            ours.append(total)
            tails.append(tail / total)
    finally:
        transfer.write_chunk = real_write  # type: ignore[assignment]
        transfer.Digest.hexdigest = real_digest  # type: ignore[method-assign]
        worker.shutdown()
        thread.quit()
        thread.wait()
        hub.stdin.close()
        hub.wait(30)
    best_plain, best_ours = min(plain), min(ours)
    res.figures["download_ratio"] = best_plain / best_ours  # = our throughput ÷ plain
    res.figures["verify_tail_ratio"] = tails[ours.index(best_ours)]
    mb = size / 2**20
    res.absolute["download_mb_s"] = (
        f"ours {mb / best_ours:.0f} MiB/s, plain GET {mb / best_plain:.0f} MiB/s, plain GET "
        f"with sha256 inline {mb / min(hashed):.0f} MiB/s "
        f"({mb:.0f} MiB, best of {cfg.download_reps}; all ours "
        + ", ".join(f"{mb / s:.0f}" for s in ours)
        + ")"
    )
    res.absolute["verify_tail_ms"] = tails[ours.index(best_ours)] * best_ours * 1000


def measure_roofline(cfg: Config, res: Results) -> None:
    import numpy as np

    block = np.ones(64 * 2**20 // 8)
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        float(block.sum())
        best = min(best, time.perf_counter() - started)
    bandwidth = block.nbytes / best  # bytes/s read by one core
    raw_rate = res.absolute.get("raw_tokens_per_s")
    size = cfg.model.stat().st_size
    res.absolute["memory_read_gb_s"] = bandwidth / 1e9
    res.figures["roofline_fraction"] = raw_rate / (bandwidth / size) if raw_rate else None


def measure_search(res: Results, work: Path) -> None:
    from desktop.store.conversations import ConversationStore, ImportedConversation, ImportedMessage

    store = ConversationStore.open(work / "search.db")
    words = [
        "river",
        "mountain",
        "lamp",
        "garden",
        "engine",
        "window",
        "copper",
        "velvet",
        "harbor",
        "lantern",
    ]
    for c in range(100):
        messages = []
        for m in range(100):
            text = " ".join(words[(c * 7 + m * 3 + k) % len(words)] for k in range(12))
            messages.append(
                ImportedMessage(
                    str(m),
                    str(m - 1) if m else None,
                    Role.USER if m % 2 == 0 else Role.ASSISTANT,
                    f"{text} number{c}x{m}",
                    1.0 + m,
                    finished_at=1.0 + m,
                    finish_reason=FinishReason.STOP if m % 2 else None,
                )
            )
        store.import_conversation(
            ImportedConversation(f"Chat {c}", 1.0, 2.0, False, "", "", {}, tuple(messages), 99)
        )
    samples = []
    for query in ("copper lantern", "harbor", "number42x", "velvet engine garden", "rive"):
        started = time.perf_counter()
        store.search(query)
        samples.append(time.perf_counter() - started)
    store.close()
    res.figures["search_ms_10k"] = max(samples) * 1000
    res.absolute["search_ms"] = ", ".join(f"{s * 1000:.1f}" for s in samples)


# -- running, printing ---------------------------------------------------------------------


def verdict(key: str, value: float | None) -> str:
    op, goal = GOALS[key]
    if value is None:
        return "n/a"
    if op == "info" or goal is None:
        return "info"
    return "pass" if (value >= goal if op == ">=" else value <= goal) else "FAIL"


def run(cfg: Config, steps: set[str] | None = None) -> Results:
    """Runs the figures in `steps` (all when None) and returns them."""
    res = Results()
    qt_app = QApplication.instance() or QApplication(sys.argv)
    assert qt_app is not None
    want = (lambda name: True) if steps is None else (lambda name: name in steps)
    with tempfile.TemporaryDirectory(prefix="hearthside-bench-") as tmp:
        work = Path(tmp)
        app = App(cfg, work)
        try:
            if want("stream") or want("followup") or want("load") or want("overflow"):
                # The file's first load: the GGUF check and the probe child run only now.
                res.absolute["first_load_s"] = app.load(cfg.n_ctx)
            if want("stream"):
                llm = bare_llama(cfg, cfg.n_ctx)
                try:
                    measure_stream(app, llm, cfg, res)
                finally:
                    llm.close()
            if want("followup"):
                measure_followup(app, cfg, res)
            if want("load"):
                measure_load(app, cfg, res)
            if want("overflow"):
                measure_overflow(app, cfg, res)
        finally:
            app.close()
        if want("api"):
            measure_api(cfg, res, work)
        if want("ui"):
            measure_ui(cfg, res)
        if want("roofline"):
            measure_roofline(cfg, res)
        if want("search"):
            measure_search(res, work)
        if want("download"):
            measure_download(cfg, res, work)
        if want("documents"):
            measure_documents(res.figures, res.absolute, work, quick=not cfg.full_documents)
        if want("concurrent"):
            from benchmarks.concurrent import measure_concurrent

            measure_concurrent(
                cfg.model, cfg.threads, cfg.n_ctx, work, res.figures, res.absolute,
                tokens=cfg.concurrent_tokens, reps=2 if cfg.stream_tokens <= 400 else 3,
                step_delay_s=cfg.step_delay_s, token_delay_s=cfg.token_delay_s,
            )  # fmt: skip
        if want("remote"):
            measure_remote(
                cfg.model,
                res.figures,
                res.absolute,
                work,
                n_ctx=cfg.n_ctx,
                threads=cfg.threads,
                max_tokens=cfg.remote_tokens,
                delay_s=cfg.remote_delay_s,
            )
        if cfg.subprocess_figures and want("startup"):
            measure_startup(cfg, res, work)
        if cfg.subprocess_figures and want("rss"):
            measure_rss(cfg, res)
    return res


def config_for(model: Path, *, quick: bool, tiny: bool, threads: int) -> Config:
    if tiny:
        return Config(
            model, threads, 1024, 400, (50, 150), (300, 400), 600, 256, 10,
            ui_messages=100, ui_tokens=1500, startup_reps=1, load_reps=1, download_mb=16,
            download_reps=2, api_server_tokens=100,
        )  # fmt: skip
    if quick:
        return Config(model, threads, 4096, 256, (20, 100), (176, 256), 2000, 512, 10)
    return Config(
        model, threads, 4096, 2000, (100, 600), (1500, 2000), 2000, 1024, 10, full_documents=True
    )


def render(res: Results) -> str:
    lines = [f"{'figure':<24} {'value':>10} {'goal':>9}  verdict  measured"]
    for key, (op, goal) in GOALS.items():
        value = res.figures.get(key)
        goal_text = "info" if goal is None else f"{op} {goal:g}"
        shown = "n/a" if value is None else f"{value:.3f}"
        lines.append(
            f"{key:<24} {shown:>10} {goal_text:>9}  {verdict(key, value):<7}  "
            f"{res.notes.get(key, '')}"
        )
    lines.append("")
    for key, value in res.absolute.items():
        lines.append(f"  {key}: {value:.3f}" if isinstance(value, float) else f"  {key}: {value}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--model", type=Path, help="GGUF file (default: the starter model)")
    parser.add_argument("--tiny", action="store_true", help="generate and use the tiny test model")
    parser.add_argument("--quick", action="store_true", help="shorter runs (< 3 min on 2 cores)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument(
        "--threads",
        type=int,
        default=max(1, default_thread_count() - 1),
        help="llama.cpp threads for both sides (default: physical cores - 1, leaving one for "
        "the GUI thread)",
    )
    parser.add_argument(
        "--only",
        help="comma-separated steps: stream,followup,load,overflow,ui,roofline,search,download,"
        "documents,remote,startup,rss,concurrent,api",
    )
    args = parser.parse_args(argv)
    models = Path(tempfile.mkdtemp(prefix="hearthside-bench-models-"))
    try:
        if args.tiny:
            from tests.fixtures.tiny_model import write_tiny_gguf

            model = write_tiny_gguf(models / "tiny.gguf")
        elif args.model is not None:
            model = args.model
        else:
            from desktop.engine.starter import ensure_starter_model

            model = ensure_starter_model(models)
        cfg = config_for(model, quick=args.quick, tiny=args.tiny, threads=args.threads)
        started = time.perf_counter()
        res = run(cfg, set(args.only.split(",")) if args.only else None)
        seconds = time.perf_counter() - started
        print(render(res))
        print(f"\n{model.name}, {cfg.threads} thread(s), n_ctx {cfg.n_ctx}, {seconds:.0f} s")
        if args.json:
            payload = {
                "figures": res.figures,
                "verdicts": {k: verdict(k, v) for k, v in res.figures.items()},
                "goals": {k: {"op": op, "goal": goal} for k, (op, goal) in GOALS.items()},
                "absolute": res.absolute,
                "notes": res.notes,
                "model": str(model),
                "threads": cfg.threads,
                "n_ctx": cfg.n_ctx,
                "quick": args.quick,
                "seconds": seconds,
                "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
                "llama_cpp_python": llama_cpp.__version__,
            }
            text = json.dumps(payload, indent=2, default=str) + "\n"
            args.json.write_text(text, encoding="utf-8")
    finally:
        # The starter model is assembled here (~250 MB); leave nothing behind.
        shutil.rmtree(models, ignore_errors=True)
    return 0

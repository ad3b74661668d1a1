"""What the benchmarks drive: the app under measurement (App, Bridge), its configuration and
results, and the bare llama.cpp baseline it is compared with. The figures live in their own
modules (chat_figures, ui_figures, startup, downloads, search, …); harness.py runs them."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import llama_cpp
import llama_cpp.llama_cpp as llama_low
from PySide6.QtCore import QEvent, QEventLoop, QObject, QThread, QTimer, Signal
from PySide6.QtWidgets import QApplication

from desktop.chat.protocol import GenerationRequest, ModelInfo, ReplyStats
from desktop.chat.qt.inference_worker import InferenceWorker
from desktop.chat.qt.message_model import MessageListModel
from desktop.chat.qt.view import ChatView
from desktop.chat.streaming import Utf8StreamDecoder
from desktop.core.conversation import ChatMessage, FinishReason, Role
from desktop.engine.llama import (
    LoadOptions,
    SamplingOptions,
    batch_thread_count,
)

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
    from desktop.chat.prompt import PromptBudget, plan_prompt

    worker = app.worker
    model = worker.model
    assert model is not None and worker.engine.template is not None
    budget = PromptBudget(worker.engine.template, worker.engine.tokenize, model.n_ctx, 256)
    return plan_prompt(messages, budget).tokens


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

"""Figures of remote engines (issue 19): ``remote_stream_vs_direct`` and
``remote_ttft_overhead_ms``.

One llama-cpp-python server (``python -m llama_cpp.server``) on 127.0.0.1 serves the benchmark's
model; in the same run, alternating, the same greedy request goes
- through the window's path: a GenerationRequest emitted on the GUI thread, the InferenceWorker
  on its QThread with the EngineSwitch and RemoteEngine (HTTP, SSE parsing, the reader thread,
  coalescing), the deltas back on the GUI thread as the chat receives them;
- through a bare ``openai`` client reading the same stream.
``remote_stream_vs_direct`` is tokens/s as the GUI thread saw them ÷ tokens/s as the bare client
saw them (from the first piece of text to the end); ``remote_ttft_overhead_ms`` is the
difference of the medians of the time to the first text. ``delay_s`` slows the GUI consumer per
delta, so a test can see the figure move.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal

from desktop.chat.protocol import GenerationRequest, ModelInfo, ReplyStats
from desktop.chat.qt.inference_worker import InferenceWorker
from desktop.core.conversation import ChatMessage, Role
from desktop.core.remote import remote_locator
from desktop.engine.llama import LoadOptions, SamplingOptions
from desktop.remote.servers import Preset, ServerEntry
from desktop.remote.switch import EngineSwitch

QUESTION = "Write a long story about a lighthouse keeper and her cat."


def _wait(predicate: Callable[[], bool], timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the remote benchmark waited too long")
        QCoreApplication.processEvents()
        time.sleep(0.0005)


class _Window(QObject):
    """The GUI thread's side: sends requests as ChatSession does and times what comes back."""

    load = Signal(int, str, object)
    generate = Signal(object)

    def __init__(self, worker: InferenceWorker, delay_s: float) -> None:
        super().__init__()
        self.delay_s = delay_s
        self.info: ModelInfo | None = None
        self.failure: Any = None
        self.first_at: float | None = None
        self.done_at: float | None = None
        self.stats: ReplyStats | None = None
        self.load.connect(worker.on_load_requested)
        self.generate.connect(worker.on_generate_requested)
        worker.load_finished.connect(self._on_loaded)
        worker.load_failed.connect(self._on_failed)
        worker.reply_delta.connect(self._on_delta)
        worker.reply_finished.connect(self._on_finished)
        worker.reply_failed.connect(self._on_failed)

    def _on_loaded(self, _rid: int, info: ModelInfo) -> None:
        self.info = info

    def _on_failed(self, _rid: int, failure: Any) -> None:
        self.failure = failure

    def _on_delta(self, _rid: int, text: str) -> None:
        if self.first_at is None and text:
            self.first_at = time.perf_counter()
        if self.delay_s:
            time.sleep(self.delay_s)

    def _on_finished(self, _rid: int, stats: ReplyStats) -> None:
        self.stats = stats
        self.done_at = time.perf_counter()


def _window_reply(window: _Window, request_id: int, max_tokens: int) -> tuple[float, float, int]:
    """(time to first text s, seconds from first text to the end, tokens)."""
    window.first_at = window.done_at = window.stats = None
    request = GenerationRequest(
        request_id,
        (ChatMessage(Role.USER, QUESTION),),
        SamplingOptions(temperature=0.0, top_p=1.0, max_tokens=max_tokens, seed=1),
    )
    started = time.perf_counter()
    window.generate.emit(request)
    _wait(lambda: window.done_at is not None or window.failure is not None)
    if window.failure is not None or window.first_at is None or window.stats is None:
        raise RuntimeError(f"the window's reply failed: {window.failure}")
    assert window.done_at is not None
    return (
        window.first_at - started,
        window.done_at - window.first_at,
        window.stats.generated_tokens,
    )


def _direct_reply(client: Any, model: str, max_tokens: int) -> tuple[float, float, int]:
    started = time.perf_counter()
    first: float | None = None
    pieces = 0
    stream = client.chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": QUESTION}],
        stream=True,
        max_tokens=max_tokens,
        temperature=0.0,
        top_p=1.0,
        seed=1,
    )
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            pieces += 1
            if first is None:
                first = time.perf_counter()
    ended = time.perf_counter()
    if first is None:
        raise RuntimeError("the bare client got no text")
    return first - started, ended - first, pieces


def measure_remote(
    model: Path,
    figures: dict[str, Any],
    absolute: dict[str, Any],
    work: Path,
    *,
    n_ctx: int,
    threads: int,
    max_tokens: int = 48,
    reps: int = 3,
    delay_s: float = 0.0,
) -> None:
    from openai import OpenAI

    from desktop.remote.engine import RemoteEngine
    from tests.fixtures.llama_server import llama_cpp_server

    log = work / "llama-server.log"
    # The server formats the chat itself: Gemma's own format for the starter model (in ChatML it
    # ends its reply after a dozen tokens, too short a stream to time), ChatML for the tiny one.
    chat_format = "gemma" if "gemma" in model.name.lower() else "chatml"
    with llama_cpp_server(
        model, n_ctx=n_ctx, log=log, threads=threads, chat_format=chat_format
    ) as server:
        entry = ServerEntry.new("bench", server.base_url, Preset.OTHER)
        thread = QThread()
        worker = InferenceWorker(work / "models", work / "probed.json")
        worker.set_backend(EngineSwitch(worker.engine, lambda: RemoteEngine(lambda url: entry)))
        worker.moveToThread(thread)
        thread.start()
        client = OpenAI(base_url=server.base_url, api_key="none", max_retries=0, timeout=120)
        try:
            window = _Window(worker, delay_s)
            window.load.emit(1, remote_locator(server.base_url, server.model), LoadOptions())
            _wait(lambda: window.info is not None or window.failure is not None)
            if window.info is None:
                raise RuntimeError(f"the remote model did not load: {window.failure}")
            _window_reply(window, 2, max_tokens)  # warm-up: both sides' connections and caches
            _direct_reply(client, server.model, max_tokens)
            ours, theirs = [], []
            for rep in range(reps):
                if rep % 2:
                    theirs.append(_direct_reply(client, server.model, max_tokens))
                    ours.append(_window_reply(window, 10 + rep, max_tokens))
                else:
                    ours.append(_window_reply(window, 10 + rep, max_tokens))
                    theirs.append(_direct_reply(client, server.model, max_tokens))
        finally:
            client.close()
            worker.cancel_reply(1 << 30)
            thread.quit()
            thread.wait()
            worker.on_unload_requested()

    # Greedy with one seed: both sides receive the same tokens, so the ratio of tokens/s is
    # the inverse ratio of the seconds from the first text to the end.
    ours_s = statistics.median(s[1] for s in ours)
    theirs_s = statistics.median(s[1] for s in theirs)
    tokens = statistics.median(s[2] for s in theirs)
    ours_rate = tokens / ours_s if ours_s > 0 else 0.0
    theirs_rate = tokens / theirs_s if theirs_s > 0 else 0.0
    ours_ttft = statistics.median(s[0] for s in ours)
    theirs_ttft = statistics.median(s[0] for s in theirs)
    figures["remote_stream_vs_direct"] = theirs_s / ours_s if ours_s > 0 else None
    figures["remote_ttft_overhead_ms"] = (ours_ttft - theirs_ttft) * 1000
    absolute["remote_tokens_per_s"] = f"window {ours_rate:.1f}, bare openai {theirs_rate:.1f}"
    absolute["remote_ttft_ms"] = (
        f"window {ours_ttft * 1000:.1f}, bare openai {theirs_ttft * 1000:.1f}"
    )
    absolute["remote_tokens"] = f"{[s[2] for s in ours]} vs {[s[2] for s in theirs]}"

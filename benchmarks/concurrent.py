"""``concurrent_throughput_ratio`` (issue 18): total tokens/s of 8 clients at once ÷ one client.

Measured through the EngineHost, as the local API server uses it: 8 API tickets from 8 clients
at once, each a greedy reply of the same length to its own prompt, against one such ticket alone,
same model, threads and sampling, in one run. The window's one-at-a-time path is measured beside
them (absolute figures), to show that a batch of one is not a slower single client. Kept apart
from harness.py, which is long enough.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop.chat.engine_host import EngineHost, Priority, ReplyTicket
from desktop.chat.local_engine import LocalEngine
from desktop.chat.protocol import Failed, Finished, GenerationRequest
from desktop.core.conversation import ChatMessage, Role
from desktop.engine.llama import LoadedModel, LoadOptions, SamplingOptions
from desktop.engine.llama.batch import ParallelDecoder

CLIENTS = 8

PROMPT = (
    "Client {n} asks: write a very long story about a lighthouse keeper and her cat number {n}. "
    "Describe every day of the year, one paragraph per day, and never stop early."
)


def _request(n: int, tokens: int) -> GenerationRequest:
    sampling = SamplingOptions(temperature=0.0, repeat_penalty=1.0, max_tokens=tokens, seed=n)
    return GenerationRequest(n, (ChatMessage(Role.USER, PROMPT.format(n=n)),), sampling)


def _generated(ticket: ReplyTicket) -> int:
    last = None
    for event in ticket:
        last = event
    if isinstance(last, Failed):
        raise RuntimeError(last.failure.message)
    assert isinstance(last, Finished)
    return last.stats.generated_tokens


def _together(host: EngineHost, ids: range, tokens: int, priority: Priority) -> float:
    """Tokens/s in all of replies to `ids` sent at once, each read on a thread of its own."""
    counts: list[int] = []
    lock = threading.Lock()
    started = time.perf_counter()
    tickets = [host.stream(_request(n, tokens), priority=priority, client=f"c{n}") for n in ids]

    def read(ticket: ReplyTicket) -> None:
        made = _generated(ticket)
        with lock:
            counts.append(made)

    readers = [threading.Thread(target=read, args=(ticket,)) for ticket in tickets]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    seconds = time.perf_counter() - started
    return sum(counts) / seconds


def _slowed(step_delay_s: float, token_delay_s: float) -> Callable[[], None]:
    """The knobs that show the figure is measured: `step_delay_s` makes every batch step cost
    that much more, shared by its replies (a model whose weights dominate: batching gains more);
    `token_delay_s` makes every token each reply takes cost that much more on the engine's
    thread (a scheduler whose work grows with the replies: the figure falls)."""
    real_step, real_generate = ParallelDecoder.step, ParallelDecoder.generate

    def slow_step(self: ParallelDecoder) -> None:
        time.sleep(step_delay_s)
        real_step(self)

    def slow_generate(self: ParallelDecoder, *args: Any, **kwargs: Any) -> Any:
        for token in real_generate(self, *args, **kwargs):
            time.sleep(token_delay_s)
            yield token

    if step_delay_s:
        ParallelDecoder.step = slow_step  # type: ignore[method-assign]
    if token_delay_s:
        ParallelDecoder.generate = slow_generate  # type: ignore[method-assign]

    def undo() -> None:
        ParallelDecoder.step = real_step  # type: ignore[method-assign]
        ParallelDecoder.generate = real_generate  # type: ignore[method-assign]

    return undo


def measure_concurrent(
    model: Path,
    threads: int,
    n_ctx: int,
    work: Path,
    figures: dict[str, float | None],
    absolute: dict[str, Any],
    *,
    tokens: int,
    reps: int,
    step_delay_s: float = 0.0,
    token_delay_s: float = 0.0,
) -> None:
    engine = LocalEngine(work / "concurrent-models", work / "concurrent-probe.json")
    loaded = engine.load(
        str(model), LoadOptions(n_ctx=n_ctx, n_threads=threads), lambda _: None, lambda: False
    )
    if not isinstance(engine.model, LoadedModel):
        raise RuntimeError(f"the model did not load: {loaded}")
    host = EngineHost(engine, name="bench-engine")
    host.start()
    undo = _slowed(step_delay_s, token_delay_s)
    try:
        _together(host, range(1, 2), 8, Priority.API)  # warm up: the first decode is slower
        ones, windows, alls = [], [], []
        for rep in range(reps):
            base = 100 * (rep + 1)
            # Alternated, so a machine that gets busier or quieter meanwhile hurts both sides.
            ones.append(_together(host, range(base, base + 1), tokens, Priority.API))
            windows.append(_together(host, range(base + 1, base + 2), tokens, Priority.WINDOW))
            alls.append(
                _together(host, range(base + 10, base + 10 + CLIENTS), tokens, Priority.API)
            )
        one = statistics.median(ones)
        together = statistics.median(alls)
        figures["concurrent_throughput_ratio"] = together / one
        absolute["concurrent_one_client_tokens_per_s"] = one
        absolute["concurrent_window_path_tokens_per_s"] = statistics.median(windows)
        absolute[f"concurrent_{CLIENTS}_clients_tokens_per_s"] = together
    finally:
        undo()
        host.close(30)
        engine.unload()

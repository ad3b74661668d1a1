"""``concurrent_throughput_ratio`` (issue 18): total tokens/s of 8 clients at once ÷ one client.

Measured through the EngineHost, as the local API server uses it: 8 API tickets from 8 clients
at once, each a greedy reply of the same length to its own prompt, against one such ticket alone,
same model, threads and sampling, in one run. The window's one-at-a-time path is measured beside
them (absolute figures), to show that a batch of one is not a slower single client. Kept apart
from harness.py, which is long enough.

Bare llama.cpp does the same after it (info figures): ``concurrent_bare_ratio`` is its own rate
for 8 prompts at once ÷ one, the ceiling the goal is measured against (Gemma 3 270M's logit rows
make 8 sequences cost far more than one step), and ``concurrent_vs_bare`` the app's 8-client
rate ÷ bare llama.cpp's: what the scheduler, the streams and the tickets cost.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import llama_cpp
import llama_cpp.llama_cpp as llama_low

from desktop.chat.engine_host import EngineHost, Priority, ReplyTicket
from desktop.chat.local_engine import LocalEngine
from desktop.chat.protocol import Failed, Finished, GenerationRequest
from desktop.core.conversation import ChatMessage, Role
from desktop.engine.llama import LoadedModel, LoadOptions, SamplingOptions, batch_thread_count
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


def bare_together(llm: llama_cpp.Llama, prompts: list[list[int]], tokens: int) -> float:
    """Bare llama.cpp's own rate for ``prompts`` answered together, tokens/s in all: each
    prompt read whole into a sequence of its own, then one batch a step with every sequence's
    next token, greedy by llama.cpp's own sampler, until each has
    ``tokens`` (or ends). The ceiling for the app's scheduler: no queue, no streams, no stop
    strings. A context of its own with as many sequences, on ``llm``'s model."""
    params = llama_low.llama_context_default_params()
    # One cache for all sequences (as the app's): room for every prompt and reply at least.
    needed = sum(len(prompt) + tokens for prompt in prompts)
    params.n_ctx = max(llm.n_ctx(), -(-needed // 256) * 256)
    params.n_batch = params.n_ubatch = min(512, params.n_ctx)
    params.n_seq_max = len(prompts)
    params.kv_unified = True
    params.n_threads = llm.n_threads
    params.n_threads_batch = llm.n_threads_batch
    params.flash_attn_type = llama_low.LLAMA_FLASH_ATTN_TYPE_AUTO  # as the app asks
    ctx = llama_low.llama_init_from_model(llm.model, params)
    if not ctx:
        raise RuntimeError("llama.cpp made no context for the bare batch")
    vocab = llama_low.llama_model_get_vocab(llm.model)
    sampler = llama_low.llama_sampler_init_greedy()
    batch = llama_low.llama_batch_init(params.n_batch, 0, len(prompts))
    capacity = params.n_batch

    def decode(n: int) -> None:
        batch.n_tokens = n
        if llama_low.llama_decode(ctx, batch) != 0:
            raise RuntimeError("llama_decode failed in the bare batch")

    try:
        started = time.perf_counter()
        made = [0] * len(prompts)
        following: dict[int, int] = {}  # sequence -> the token it reads next
        for seq, prompt in enumerate(prompts):  # each prompt read whole, in batch-size chunks
            for first in range(0, len(prompt), capacity):
                chunk = prompt[first : first + capacity]
                for i, token in enumerate(chunk):
                    batch.token[i], batch.pos[i], batch.n_seq_id[i] = token, first + i, 1
                    batch.seq_id[i][0], batch.logits[i] = seq, 0
                batch.logits[len(chunk) - 1] = 1
                decode(len(chunk))
            token = llama_low.llama_sampler_sample(sampler, ctx, len(chunk) - 1)
            if not llama_low.llama_vocab_is_eog(vocab, token):
                made[seq] = 1
                if tokens > 1:
                    following[seq] = token
        # Next tokens get the decoding threads, as the app's do (llama.cpp takes its batch
        # threads, used for the prompts above, for any batch of more than one token).
        llama_low.llama_set_n_threads(ctx, llm.n_threads, llm.n_threads)
        while following:
            live = list(following)
            for i, seq in enumerate(live):
                batch.token[i], batch.n_seq_id[i] = following[seq], 1
                batch.pos[i] = len(prompts[seq]) + made[seq] - 1
                batch.seq_id[i][0], batch.logits[i] = seq, 1
            decode(len(live))
            following = {}
            for i, seq in enumerate(live):
                token = llama_low.llama_sampler_sample(sampler, ctx, i)
                if llama_low.llama_vocab_is_eog(vocab, token):
                    continue
                made[seq] += 1
                if made[seq] < tokens:
                    following[seq] = token
        return sum(made) / (time.perf_counter() - started)
    finally:
        llama_low.llama_batch_free(batch)
        llama_low.llama_sampler_free(sampler)
        llama_low.llama_free(ctx)


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
    bare_one, bare_all = measure_bare_together(model, threads, n_ctx, tokens, reps)
    figures["concurrent_bare_ratio"] = bare_all / bare_one
    figures["concurrent_vs_bare"] = together / bare_all
    absolute["concurrent_bare_one_tokens_per_s"] = bare_one
    absolute[f"concurrent_bare_{CLIENTS}_tokens_per_s"] = bare_all


def measure_bare_together(
    model: Path, threads: int, n_ctx: int, tokens: int, reps: int
) -> tuple[float, float]:
    """Bare llama.cpp's tokens/s for one prompt and for CLIENTS prompts together (medians of
    ``reps``, alternated), after the app's engine is gone: the same model, threads, context
    size, flash attention and greedy tokens. The prompts are the clients' texts without the
    chat template (a few tokens fewer than the app reads)."""
    llm = llama_cpp.Llama(
        model_path=str(model),
        n_ctx=n_ctx,
        n_threads=threads,
        n_threads_batch=batch_thread_count(threads),
        flash_attn=LoadOptions().flash_attn,
        verbose=False,
    )
    try:

        def prompt(n: int) -> list[int]:
            return llm.tokenize(PROMPT.format(n=n).encode(), add_bos=True, special=True)

        bare_together(llm, [prompt(1)], 8)  # warm up, as the app's side is
        ones, alls = [], []
        for rep in range(reps):
            base = 100 * (rep + 1)
            ones.append(bare_together(llm, [prompt(base)], tokens))
            alls.append(bare_together(llm, [prompt(base + 10 + k) for k in range(CLIENTS)], tokens))
        return statistics.median(ones), statistics.median(alls)
    finally:
        llm.close()

"""Chat figures: streaming against bare llama.cpp, follow-up and switch-back first tokens, a
conversation longer than the context, and the roofline fraction."""

from __future__ import annotations

import os
import statistics
import time
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import llama_cpp

from benchmarks.driver import (
    STORY,
    App,
    Config,
    Results,
    bare_decode,
    bare_first_token_s,
    bare_llama,
    chars_at,
    chat_prompt,
    time_for_chars,
)
from desktop.chat.local_engine import LocalEngine
from desktop.chat.protocol import GenerationRequest, ReplyStats
from desktop.core.conversation import ChatMessage, Role

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

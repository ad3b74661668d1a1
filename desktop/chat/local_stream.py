"""One reply's token loop for LocalEngine, as a generator of reply events; and summaries.

Per token: `token_bytes` → `Utf8StreamDecoder` → `StopStringHoldback` → (`ReasoningSplitter` for
a model that thinks) → `DeltaCoalescer`, all O(1) in the reply length. Events are yielded only
when a coalescer lets a delta out (~30 a second), so the consumer's work is per delta, never per
token.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace

from desktop.chat.context_plan import split_history, summary_messages, with_summary
from desktop.chat.local_load import LocalModel
from desktop.chat.prompt import (
    ChatTemplate,
    PromptBudget,
    PromptPlan,
    PromptSegment,
    PromptTooLongError,
    plan_prompt,
)
from desktop.chat.protocol import (
    Failed,
    Finished,
    GenerationRequest,
    ReplyEvent,
    ReplyFailure,
    ReplyProblem,
    ReplyStats,
    SummaryMade,
    TextDelta,
    ThinkingDelta,
    ThinkingFinished,
)
from desktop.chat.reasoning import ReasoningFormat, ReasoningSplitter, SplitMode, start_mode
from desktop.chat.streaming import DeltaCoalescer, StopStringHoldback, Utf8StreamDecoder
from desktop.core.conversation import ChatMessage, FinishReason
from desktop.engine.llama import GenerationError, LoadedModel, SamplingOptions

SUMMARY_MAX_TOKENS = 256
"""The longest running summary the model may write (less in small windows: n_ctx / 8)."""


class TokenStream:
    """Streams one reply: `events()` yields its deltas and ends with Finished or Failed.

    After the stream, `answer` is the reply's text when the next turn's prompt will hold its
    very tokens (LocalEngine opens the next turn then), else None; `remember(text, tokens)` has
    been told the tokens of a reply whose text re-tokenizes them (no thinking, not cut by a stop
    string), before Finished.
    """

    def __init__(
        self,
        model: LoadedModel,
        template: ChatTemplate,
        prompt: Sequence[int],
        sampling: SamplingOptions,
        dropped: int,
        cancelled: Callable[[], bool],
        remember: Callable[[str, Sequence[int]], None],
        splitter: ReasoningSplitter | None = None,
        marker_pieces: dict[int, bytes] | None = None,
        thinking_budget: int = 0,
        evaluated_ahead: int = 0,
    ) -> None:
        self._model = model
        self._prompt = prompt
        self._sampling = sampling
        self._dropped = dropped
        self._cancelled = cancelled
        self._remember = remember
        self._splitter = splitter
        self._pieces = marker_pieces or {}
        self._thinking_budget = thinking_budget
        self._evaluated_ahead = evaluated_ahead
        self._decoder = Utf8StreamDecoder()
        # The template's end-of-turn texts and the API client's own stop strings; its markers
        # that are control tokens end the reply as their ids (the model's generate).
        self._holdback = StopStringHoldback((*template.stop_strings, *sampling.stop))
        if template.stop_tokens:
            self._sampling = with_stop_tokens(sampling, template)
        self._thought_coalescer = DeltaCoalescer()
        self._pending: list[ReplyEvent] = []
        """Thinking events made while routing a token; the loop yields them right after."""
        self._thinking_open = splitter is not None
        self._thinking_seconds: float | None = None
        self._first_token_at: float | None = None
        self.answer: str | None = None

    # The thinking side: only a model that thinks comes here ------------------------------

    def _send_thought(self, text: str) -> None:
        if text:
            self._pending.append(ThinkingDelta(text))

    def _end_thinking(self) -> None:
        # The thinking's last words reach the GUI before it hears the thinking ended, and
        # both before the first words of the answer (events keep their order).
        self._thinking_open = False
        self._send_thought(self._thought_coalescer.flush())
        splitter = self._splitter
        if splitter is not None and splitter.has_thought:
            now = time.perf_counter()
            self._thinking_seconds = now - (self._first_token_at or now)
            self._pending.append(ThinkingFinished(self._thinking_seconds))

    def _route(self, text: str) -> str:
        """Thinking goes to the pending events at once; returns the answer part."""
        splitter = self._splitter
        assert splitter is not None
        thought, answer = splitter.feed(text)
        if thought:
            ready = self._thought_coalescer.push(thought)
            if ready:
                self._send_thought(ready)
        if self._thinking_open and splitter.answer_started:
            self._end_thinking()
        return answer

    # The loop ------------------------------------------------------------------------------

    def events(self) -> Iterator[ReplyEvent]:
        model, prompt, sampling = self._model, self._prompt, self._sampling
        splitter, thinking_budget = self._splitter, self._thinking_budget
        decoder, holdback = self._decoder, self._holdback
        coalescer = DeltaCoalescer()
        pending = self._pending
        route = self._route
        should_stop = self._cancelled
        generated: list[int] = []
        shown: list[str] = []
        finish = FinishReason.STOP
        stopped_by_string = False
        started = time.perf_counter()
        first_token_at: float | None = None
        thinking_tokens = 0
        evaluated: int | None = None

        # The per-token path: bound methods in locals, no attribute lookups on self. A model
        # that does not think takes exactly the path it took before reasoning existed.
        token_bytes = model.token_bytes
        pieces = self._pieces
        if pieces:
            plain_bytes = token_bytes

            def token_bytes(token: int) -> bytes:
                return pieces.get(token) or plain_bytes(token)

        decode = decoder.feed
        hold = holdback.feed
        push = coalescer.push
        keep = generated.append
        current: Sequence[int] = prompt  # plus the thinking so far, after a forced answer
        limit = sampling.max_tokens if sampling.max_tokens > 0 else model.n_ctx
        try:
            while True:
                first_of_call = len(generated)
                force_answer = False
                remaining = replace(sampling, max_tokens=max(1, limit - len(generated)))
                if first_of_call and sampling.seed is not None:
                    # The answer after a forced end of thinking: the same seed would draw the
                    # thinking's random numbers again (a reply still reproducible by its seed).
                    remaining = replace(
                        remaining, seed=(sampling.seed + first_of_call) & 0x7FFFFFFF
                    )
                for token in model.generate(
                    current, remaining, should_stop, current[len(prompt) :]
                ):
                    if first_token_at is None:
                        first_token_at = self._first_token_at = time.perf_counter()
                    keep(token)
                    visible, stopped_by_string = hold(decode(token_bytes(token)))
                    if splitter is not None:
                        if splitter.thinking:
                            thinking_tokens += 1
                            if 0 < thinking_budget <= thinking_tokens and not stopped_by_string:
                                force_answer = True
                        if visible:
                            visible = route(visible)
                            if pending:
                                yield from pending
                                pending.clear()
                            if force_answer and not splitter.thinking:
                                force_answer = False  # this very token ended the thinking
                    if visible:
                        ready = push(visible)
                        if ready:
                            shown.append(ready)
                            yield TextDelta(ready)
                    if stopped_by_string or force_answer:
                        break
                else:
                    if should_stop():
                        finish = FinishReason.CANCELLED
                    elif sampling.max_tokens > 0 and len(generated) >= limit:
                        finish = FinishReason.LENGTH
                    elif len(generated) >= limit or model.cached_tokens >= model.n_ctx - 1:
                        finish = FinishReason.CONTEXT
                if evaluated is None:
                    evaluated = model.last_prompt_evaluated
                if not force_answer:
                    break
                # Out of thinking budget: end the thinking the way the model would have and
                # let it answer. The reply so far plus the closing text is the new prompt; the
                # cache holds all but the last token, so only a few tokens are evaluated.
                assert splitter is not None
                closing = splitter.format.force_answer
                tail = holdback.feed(decoder.flush())[0] + holdback.flush()
                route(tail + closing)
                yield from pending
                pending.clear()
                current = [
                    *current,
                    *generated[first_of_call:],
                    *model.tokenize_segments((PromptSegment(closing, True),)),
                ]
                if sampling.max_tokens > 0 and len(generated) >= limit:
                    finish = FinishReason.LENGTH
                    break
                if len(generated) >= limit or len(current) >= model.n_ctx - 1:
                    finish = FinishReason.CONTEXT
                    break
        except GenerationError as error:
            self._send_thought(self._thought_coalescer.flush())
            yield from pending
            pending.clear()
            last = coalescer.flush()
            if last:
                yield TextDelta(last)
            yield Failed(ReplyFailure(ReplyProblem.LLAMA_FAILED, str(error)))
            return
        if not stopped_by_string:
            tail, stopped_by_string = holdback.feed(decoder.flush())
            if not stopped_by_string:
                tail += holdback.flush()
            if tail:
                if splitter is not None:
                    tail = route(tail)
                # push may hand back what it buffered (the interval passed): it goes out now,
                # after the thinking routed before it.
                ready = push(tail)
                yield from pending
                pending.clear()
                if ready:
                    shown.append(ready)
                    yield TextDelta(ready)
        if splitter is not None:
            thought, answer = splitter.flush()
            if thought:
                self._send_thought(self._thought_coalescer.push(thought) or "")
            if answer:
                if self._thinking_open:
                    self._end_thinking()
                yield from pending
                pending.clear()
                ready = push(answer)
                if ready:
                    shown.append(ready)
                    yield TextDelta(ready)
            if self._thinking_open:
                self._end_thinking()
            self._send_thought(self._thought_coalescer.flush())
        yield from pending
        pending.clear()
        last = coalescer.flush()
        if last:
            shown.append(last)
            yield TextDelta(last)
        text = "".join(shown)
        remembered = (
            bool(generated)
            and not stopped_by_string
            and (splitter is None or not splitter.has_thought)
        )
        if remembered:
            # After thinking, the generated tokens hold more than the answer text; the next
            # turn tokenizes the answer afresh (its cache prefix ends before the thinking).
            self._remember(text, generated)
        ended = time.perf_counter()
        gen_seconds = ended - (first_token_at or ended)
        self.answer = text if remembered and finish != FinishReason.CANCELLED else None
        yield Finished(
            ReplyStats(
                finish_reason=finish,
                prompt_tokens=len(prompt),
                evaluated_prompt_tokens=self._evaluated_ahead
                + (evaluated if evaluated is not None else model.last_prompt_evaluated),
                generated_tokens=len(generated),
                tokens_per_second=(len(generated) - 1) / gen_seconds
                if len(generated) > 1 and gen_seconds > 0
                else 0.0,
                seconds=ended - started,
                context_used=model.cached_tokens,
                n_ctx=model.n_ctx,
                dropped_messages=self._dropped,
                thinking_seconds=self._thinking_seconds,
                thinking_tokens=thinking_tokens,
                evaluated_ahead=self._evaluated_ahead,
            )
        )


def with_stop_tokens(sampling: SamplingOptions, template: ChatTemplate) -> SamplingOptions:
    """`sampling` that also ends at the template's control-token markers."""
    return replace(sampling, stop_tokens=sampling.stop_tokens | template.stop_tokens)


def generate_summary(
    model: LoadedModel,
    template: ChatTemplate,
    reasoning: ReasoningFormat | None,
    marker_pieces: dict[int, bytes],
    tokenize: Callable[[Sequence[PromptSegment]], list[int]],
    previous: str,
    dropped: Sequence[ChatMessage],
    cancelled: Callable[[], bool],
) -> str:
    """The running summary of `previous` plus the `dropped` turns; "" when none came out.

    Greedy, bounded, stoppable; the text is untrusted model output like any reply. `template`
    is the one that asks a reasoning model not to think where it can say so; whatever it thinks
    anyway is left out: the summary is its answer only."""
    n_ctx = model.n_ctx
    max_new = max(16, min(SUMMARY_MAX_TOKENS, n_ctx // 8))

    def prompt_for(max_chars: int | None) -> list[int]:
        messages = summary_messages(previous, dropped, max_chars)
        return tokenize(template.render_segments(messages))

    prompt = prompt_for(None)
    if len(prompt) + max_new > n_ctx:
        # Keep the newest part of the transcript that fits: the previous summary already
        # covers what came before it. Characters per token are estimated, then checked.
        overhead = len(prompt_for(0))
        room = n_ctx - max_new - overhead
        chars = sum(len(m.content) + 16 for m in dropped)
        for _ in range(4):
            if room <= 0:
                return ""
            chars = int(chars * room / max(1, len(prompt) - overhead) * 0.9)
            prompt = prompt_for(chars)
            if len(prompt) + max_new <= n_ctx:
                break
        else:
            return ""
    sampling = SamplingOptions(
        temperature=0.0,
        repeat_penalty=1.1,
        max_tokens=max_new,
        seed=0,
        stop_tokens=template.stop_tokens,
    )
    decoder = Utf8StreamDecoder()
    holdback = StopStringHoldback(template.stop_strings)
    parts: list[str] = []
    splitter = None
    if reasoning is not None:
        segments = template.render_segments(summary_messages(previous, dropped, 0))
        last = segments[-1] if segments else None
        tail = last.text if last is not None and last.parse_special else ""
        splitter = ReasoningSplitter(reasoning, *start_mode(reasoning, tail))
    pieces = marker_pieces
    try:
        for token in model.generate(prompt, sampling, cancelled):
            piece = pieces.get(token) or model.token_bytes(token)
            visible, stopped = holdback.feed(decoder.feed(piece))
            parts.append(visible if splitter is None else splitter.feed(visible)[1])
            if stopped:
                break
        else:
            tail = holdback.feed(decoder.flush())[0] + holdback.flush()
            parts.append(tail if splitter is None else splitter.feed(tail)[1])
        if splitter is not None:
            parts.append(splitter.flush()[1])
    except GenerationError:
        return ""
    if cancelled():
        return ""  # stopped: a cut-off summary would stand in for the turns for good
    return "".join(parts).strip()


def reply_prompt(
    model: LoadedModel, reasoning: ReasoningFormat | None, plan: PromptPlan
) -> tuple[Sequence[int], ReasoningSplitter | None]:
    """The tokens the model is given for a planned prompt, and the splitter that tells its
    thinking from its answer (None for a model that does not think)."""
    prompt: Sequence[int] = plan.tokens
    if reasoning is None:
        return prompt, None
    last = plan.segments[-1] if plan.segments else None
    tail = last.text if last is not None and last.parse_special else ""
    mode, may_open = start_mode(reasoning, tail)
    if reasoning.opens_itself and may_open and mode == SplitMode.ANSWER:
        # The prompt ends where the model should open its thinking: open it for it.
        opening = PromptSegment(f"{reasoning.open_marker}\n", True)
        opened = (*prompt, *model.tokenize_segments((opening,)))
        if len(opened) < model.n_ctx - 1:
            prompt, mode = opened, SplitMode.THINKING
    return prompt, ReasoningSplitter(reasoning, mode, may_open)


def cancelled_stats(model: LoadedModel, plan: PromptPlan) -> ReplyStats:
    """Stopped while summarizing: no reply, and no half-written summary either."""
    return ReplyStats(
        finish_reason=FinishReason.CANCELLED,
        prompt_tokens=len(plan.tokens),
        evaluated_prompt_tokens=0,
        generated_tokens=0,
        tokens_per_second=0.0,
        seconds=0.0,
        context_used=model.cached_tokens,
        n_ctx=model.n_ctx,
        dropped_messages=plan.dropped_messages,
    )


def summarize_overflow(
    loaded: LocalModel,
    quiet_template: ChatTemplate,
    request: GenerationRequest,
    budget: PromptBudget,
    plan: PromptPlan,
    cancelled: Callable[[], bool],
) -> tuple[SummaryMade | None, PromptPlan]:
    """Has the model fold the turns that fall out into the running summary, then plans again
    with it in `budget` (LocalEngine, before a reply that overflows). `quiet_template` asks a
    reasoning model not to think where it can. If no usable summary comes out, or the prompt with it
    cannot fit, the turns are simply left out (the plan without a new summary)."""
    _, history = split_history(request.messages)
    dropped = history[request.summary_covers : plan.dropped_messages]
    text = generate_summary(
        loaded.model,
        quiet_template,
        loaded.reasoning,
        loaded.marker_pieces,
        budget.tokenize,
        request.summary,
        dropped,
        cancelled,
    )
    if not text:
        return None, plan
    try:
        replanned = plan_prompt(
            with_summary(request.messages, text), budget, min_dropped=plan.dropped_messages
        )
    except PromptTooLongError:
        return None, plan
    return SummaryMade(text, plan.dropped_messages), replanned

"""Planning a local reply's prompt, apart from LocalEngine so that its `reply_at` reads as
plan → start → stream.

`plan_reply` grounds the request in its passages, plans the prompt with the model's template,
has the model summarize the turns that newly fall out of the window first (when the request
asks for it) and turns a prompt that cannot fit or a broken template into the Failed event
that ends the reply. `open_next_turn` plans the turn after a reply, to evaluate its opening
while the user reads. Plain Python (no Qt), on the engine's thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from desktop.chat.context_plan import with_summary
from desktop.chat.local_count import ground
from desktop.chat.local_load import LocalModel
from desktop.chat.local_stream import cancelled_stats, summarize_overflow
from desktop.chat.prompt import (
    ChatTemplate,
    PromptBudget,
    PromptPlan,
    PromptSegment,
    PromptTooLongError,
    TemplateError,
    plan_prompt,
)
from desktop.chat.protocol import (
    Failed,
    Finished,
    GenerationRequest,
    ReplyEvent,
    ReplyFailure,
    ReplyProblem,
    SummaryMade,
    SummaryStarted,
    prompt_too_long,
    summarizes_first,
)
from desktop.chat.reasoning import EFFORT_LEVELS
from desktop.core.conversation import ChatMessage, MessageSource, Role
from desktop.engine.llama import LoadedModel

log = logging.getLogger(__name__)


def last_text(segments: Sequence[PromptSegment]) -> int | None:
    """Index of the last message text among rendered segments (the newest message's)."""
    for index in range(len(segments) - 1, -1, -1):
        if not segments[index].parse_special:
            return index
    return None


class ReplyPlanner(Protocol):
    """What `plan_reply` asks of the engine (LocalEngine's public methods of these names):
    called, not copied, so that a benchmark's wrapper of `plan` is the one used."""

    def budget_for(
        self, loaded: LocalModel, thinking: bool, effort: str, max_tokens: int
    ) -> PromptBudget: ...

    def plan(self, request: GenerationRequest, budget: PromptBudget) -> PromptPlan: ...

    def with_thinking(
        self, template: ChatTemplate, thinking: bool, effort: str = ""
    ) -> ChatTemplate: ...


@dataclass(frozen=True)
class PlannedReply:
    """What planning settled for the reply that follows: the plan that reaches the model, the
    budget it was planned in (its template with the thinking switch set, the room kept for the
    reply), and the passages it cites."""

    plan: PromptPlan
    budget: PromptBudget
    sources: tuple[MessageSource, ...]
    left_out: int
    """Passages found that did not fit the window."""


def plan_reply(
    engine: ReplyPlanner,
    loaded: LocalModel,
    request: GenerationRequest,
    cancelled: Callable[[], bool],
    switch_cache: Callable[[LoadedModel, str | None, Sequence[int]], None],
) -> Generator[ReplyEvent, None, PlannedReply | None]:
    """Plans the reply to `request`, yielding SummaryStarted/SummaryMade when the model
    summarizes first; returns the plan, or None once it yielded the event that ends the reply
    (Failed, or Finished when cancelled during the summary). `switch_cache(model, key, tokens)`
    lets the conversation that leaves keep its cache before the summary clobbers it."""
    model = loaded.model
    budget = engine.budget_for(
        loaded, request.thinking, request.reasoning_effort, request.sampling.max_tokens
    )
    sources: tuple[MessageSource, ...] = ()
    left_out = 0
    made: SummaryMade | None = None
    try:
        if request.grounding is not None:
            messages, sources = ground(
                model, budget, request.messages, request.grounding, request.summary
            )
            left_out = len(request.grounding.sources) - len(sources)
            request = replace(request, messages=messages)  # a summary replans with them
        plan = engine.plan(request, budget)
        if summarizes_first(request, plan):
            # Before the summary clobbers the cache, let a conversation that leaves keep it.
            switch_cache(model, request.conversation_key, plan.tokens)
            yield SummaryStarted()
            made, plan = summarize_overflow(
                loaded,
                engine.with_thinking(budget.template, False, EFFORT_LEVELS[0]),
                request,
                budget,
                plan,
                cancelled,
            )
            if cancelled():
                yield Finished(cancelled_stats(model, plan))
                return None
    except PromptTooLongError as error:
        yield prompt_too_long(error)
        return None
    except TemplateError as error:
        yield Failed(ReplyFailure(ReplyProblem.TEMPLATE, str(error)))
        return None
    if made is not None:
        yield made
    return PlannedReply(plan, budget, sources, left_out)


def open_next_turn(
    model: LoadedModel,
    budget: PromptBudget,
    asked: Sequence[ChatMessage],
    answer: str,
    summary: str,
    plan: PromptPlan,
) -> tuple[int, int] | None:
    """Evaluates the start of the user's next turn (the end of this reply's turn and the
    header of theirs, ~5 tokens) while they read and type, so a follow-up evaluates only
    what they wrote; returns the cache positions [from, to) it evaluated, None when it did
    nothing. Done only when it extends what the cache holds: the next request's prompt is
    planned as it will be, and anything that differs is left to it."""
    placeholder = ChatMessage(Role.USER, "?")  # only what comes before it is used
    following = (*asked, ChatMessage(Role.ASSISTANT, answer), placeholder)
    try:
        upcoming = plan_prompt(
            with_summary(following, summary), budget, min_dropped=plan.dropped_messages
        )
    except Exception:  # only a head start: whatever goes wrong, the next request plans
        log.debug("the next turn was not opened", exc_info=True)
        return None
    if upcoming.dropped_messages != plan.dropped_messages:
        return None  # the next turn overflows the window: its request plans that
    text = last_text(upcoming.segments)
    if text is None or upcoming.segments[text].text != placeholder.content:
        return None
    opening = budget.tokenize(upcoming.segments[:text])
    cached = model.cached_tokens
    if (
        len(opening) <= cached
        or tuple(opening) != upcoming.tokens[: len(opening)]
        or model.reusable_prefix(opening) != cached
    ):
        return None
    _, evaluated = model.prefill(opening, lambda: False)  # only extends: all is cached
    if evaluated == len(opening) - cached:
        return (cached, len(opening))
    return None

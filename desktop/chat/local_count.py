"""Fitting into the window for LocalEngine: counting a draft for the context meter, and the
document passages put into a grounded question at send.

Kept apart from LocalEngine: both only read the model, the template and the tokenizer, and the
meter forecasts the very budget `ground` fills (a long paste, the room left for passages).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from desktop.chat.context_plan import forecast, with_summary
from desktop.chat.grounding import Grounding, fit_sources, grounded_question, passage_budget
from desktop.chat.prompt import PromptBudget, TemplateError
from desktop.chat.protocol import ContextCount, CountRequest
from desktop.core.conversation import ChatMessage, MessageSource, Role
from desktop.engine.llama import LoadedModel


def chars_of_tokens(model: LoadedModel, text: str, tokens: Sequence[int], room: int) -> int:
    """How many characters of `text` its first `room` tokens cover (0 when room <= 0)."""
    if room <= 0:
        return 0
    if room >= len(tokens):
        return len(text)
    data = b"".join(model.token_bytes(token) for token in tokens[:room])
    covered = len(data.decode("utf-8", errors="ignore").lstrip())
    # A tokenizer may add a leading space; never claim more than the text has.
    return min(len(text), covered)


def count_context(
    model: LoadedModel, budget: PromptBudget, request: CountRequest
) -> ContextCount | None:
    """The answer to `request` (the budget's template has the request's thinking switch set,
    its reserve is the room sending keeps for the reply); None when the template cannot render
    it (sending will say what is wrong)."""
    messages = with_summary(request.messages, request.summary)
    passages = passage_turns = 0
    try:
        result = forecast(messages, budget, request.min_dropped)
        if request.grounded and result.too_long_by <= 0:
            # smallest_tokens is the system message and the draft alone: what the passages
            # are fitted around at send (LocalEngine's grounding).
            passages = passage_budget(budget.n_ctx, budget.reserve_tokens, result.smallest_tokens)
            if passages:
                with_passages = replace(budget, reserve_tokens=budget.reserve_tokens + passages)
                passage_turns = forecast(
                    messages, with_passages, request.min_dropped
                ).newly_dropped_turns
    except TemplateError:
        return None
    focus_tokens = fit_chars = kept_for_passages = 0
    focus = request.focus_text
    if focus:
        tokens = model.tokenize_text(focus)
        focus_tokens = len(tokens)
        room = result.limit - (result.smallest_tokens - focus_tokens)
        if request.grounded:
            # Trimmed to the last token that fits, the text would leave the passages chosen
            # at send no room at all: half of the room goes to them (a quarter window at most).
            kept_for_passages = min(max(0, room) // 2, model.n_ctx // 4)
            room -= kept_for_passages
        fit_chars = chars_of_tokens(model, focus, tokens, room)
    return ContextCount(result, focus_tokens, fit_chars, passages, passage_turns, kept_for_passages)


def ground(
    model: LoadedModel,
    budget: PromptBudget,
    messages: Sequence[ChatMessage],
    grounding: Grounding,
    summary: str = "",
) -> tuple[tuple[ChatMessage, ...], tuple[MessageSource, ...]]:
    """The messages with the passages in the last user turn, and the passages that fit: what
    is left of the window after the system prompt, the question and the reply's reserve, at
    most half the window (earlier turns are dropped to make room if needed). `count_context`
    forecasts the same budget for the meter."""
    question = messages[-1]
    with_head = with_summary(messages, summary)  # the system message as it will be sent
    head = (with_head[0],) if with_head[0].role == Role.SYSTEM and len(with_head) > 1 else ()
    bare = budget.count((*head, question))
    room = passage_budget(budget.n_ctx, budget.reserve_tokens, bare)

    def cost(text: str) -> int:
        return len(model.tokenize_text(text))

    sources = fit_sources(grounding.sources, cost, room)
    if grounding.sources and not sources:
        return tuple(messages), ()  # none fits: the window says so; the question goes alone
    text = grounded_question(question.content, replace(grounding, sources=sources))
    return (*messages[:-1], replace(question, content=text)), sources

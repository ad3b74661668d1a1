"""What happens when a conversation outgrows the context window, decided without any model.

Two strategies exist. DROP leaves the oldest whole turns out (plan_prompt already does that).
SUMMARIZE does the same but first has the model write a running summary of the turns that fall
out; the summary then travels inside the system message, so it sits right after the system
prompt and before every kept turn. Both change the prompt prefix only when the window
overflows, so the KV cache is rebuilt once per overflow, never on every turn.

Also here: the forecast behind the context meter (how many tokens the next prompt takes, and
what sending would leave out) and the prompt that asks the model for a summary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from desktop.chat.prompt import (
    PromptBudget,
    PromptPlan,
    PromptTooLongError,
    plan_prompt,
)
from desktop.core.conversation import ChatMessage, Role

__all__ = [
    "SUMMARY_HEADER",
    "ContextForecast",
    "OverflowStrategy",
    "forecast",
    "split_history",
    "summary_messages",
    "with_summary",
]

SUMMARY_HEADER = "Summary of the earlier conversation (older messages are not shown):"
"""Introduces the running summary inside the system message. English on purpose: it is read by
the model, not the user, and most small models follow English instructions best."""

_SUMMARY_INSTRUCTIONS = (
    "You write short, factual summaries of conversations. Keep names, numbers, decisions, "
    "open questions and what the user wants. Write plain sentences, no preamble."
)


class OverflowStrategy(StrEnum):
    """What to do with the turns that no longer fit the context window."""

    DROP = "drop"  # leave the oldest turns out
    SUMMARIZE = "summarize"  # leave them out, but keep a model-written summary of them

    @classmethod
    def parse(cls, value: object, default: OverflowStrategy | None = None) -> OverflowStrategy:
        """A stored value, or `default` (DROP) for anything unknown: settings files are edited
        by hand and come from older or newer versions."""
        try:
            return cls(str(value))
        except ValueError:
            return default if default is not None else cls.DROP


def reply_reserve(n_ctx: int, max_tokens: int) -> int:
    """Room kept for the reply in a window of ``n_ctx`` tokens: its length limit
    (``max_tokens``, 0 for none), but never more than a quarter window nor less than one token.
    One rule for every engine, so a local and a remote model plan and count a draft alike."""
    return max(1, min(max_tokens if max_tokens > 0 else n_ctx, n_ctx // 4))


def split_history(
    messages: Sequence[ChatMessage],
) -> tuple[tuple[ChatMessage, ...], tuple[ChatMessage, ...]]:
    """(system head, history) the way plan_prompt splits them; counts index the history."""
    msgs = tuple(messages)
    if msgs and msgs[0].role == Role.SYSTEM and len(msgs) > 1:
        return msgs[:1], msgs[1:]
    return (), msgs


def with_summary(messages: Sequence[ChatMessage], summary: str) -> tuple[ChatMessage, ...]:
    """The conversation with `summary` appended to its system message (one is added if there is
    none). Inside the system message rather than as a message of its own, because many chat
    templates refuse a second system message or one that is not first. History indices do not
    change, so dropped-message counts stay valid."""
    msgs = tuple(messages)
    summary = summary.strip()
    if not summary or not msgs:
        return msgs
    head, history = split_history(msgs)
    note = f"{SUMMARY_HEADER}\n{summary}"
    if head:
        system = head[0].content.strip()
        merged = f"{system}\n\n{note}" if system else note
        return (ChatMessage(Role.SYSTEM, merged), *history)
    return (ChatMessage(Role.SYSTEM, note), *history)


def summary_messages(
    previous_summary: str, dropped: Sequence[ChatMessage], max_chars: int | None = None
) -> tuple[ChatMessage, ...]:
    """The request for a new running summary: the previous summary plus the turns that just fell
    out. When the transcript is longer than `max_chars`, its oldest part is cut (the previous
    summary already covers what came before it)."""
    names = {Role.USER: "User", Role.ASSISTANT: "Assistant", Role.SYSTEM: "System"}
    transcript = "\n\n".join(f"{names[m.role]}: {m.content.strip()}" for m in dropped)
    if max_chars is not None and len(transcript) > max_chars:
        transcript = "…" + transcript[len(transcript) - max(0, max_chars) :]
    parts = []
    if previous_summary.strip():
        parts.append(f"Summary so far:\n{previous_summary.strip()}")
    parts.append(f"Conversation to add:\n{transcript}")
    parts.append("Write the updated summary of the whole conversation in a few sentences.")
    return (
        ChatMessage(Role.SYSTEM, _SUMMARY_INSTRUCTIONS),
        ChatMessage(Role.USER, "\n\n".join(parts)),
    )


@dataclass(frozen=True, slots=True)
class ContextForecast:
    """What the next prompt would take, for the context meter.

    prompt_tokens: the prompt as it stands (nothing more left out than now), draft included.
    limit: n_ctx minus the room kept for the reply; a prompt above it makes sending drop turns.
    newly_dropped_turns: whole turns that sending would leave out (or summarize) beyond the ones
        already out; 0 when it fits.
    too_long_by: > 0 when even the smallest prompt does not fit: the message cannot be sent
        until it is this many tokens shorter.
    smallest_tokens: the prompt with every droppable turn dropped (the room a long draft has).
    """

    prompt_tokens: int
    n_ctx: int
    limit: int
    newly_dropped_turns: int = 0
    too_long_by: int = 0
    smallest_tokens: int = 0


def forecast(
    messages: Sequence[ChatMessage], budget: PromptBudget, min_dropped: int = 0
) -> ContextForecast:
    """Counts the prompt that sending `messages` (draft last) would make and what it would drop.

    Uses plan_prompt itself, so the meter says exactly what sending will do. `budget.tokenize`
    is expected to cache segments (the worker's does): the history is the same from one keystroke
    to the next, only the draft is new.
    """
    head, history = split_history(messages)
    starts = [0] + [i for i in range(1, len(history)) if history[i].role == Role.USER]
    start = min(max(0, min_dropped), starts[-1])
    start = next((s for s in starts if s >= start), starts[-1])
    n_ctx, limit = budget.n_ctx, budget.limit
    now = budget.count((*head, *history[start:]))
    smallest = budget.count((*head, *history[starts[-1] :]))
    if now <= limit:
        return ContextForecast(now, n_ctx, limit, smallest_tokens=smallest)
    try:
        plan: PromptPlan = plan_prompt(messages, budget, start)
    except PromptTooLongError as error:
        return ContextForecast(
            now,
            n_ctx,
            limit,
            too_long_by=error.needed_tokens - error.available_tokens,
            smallest_tokens=smallest,
        )
    turns = sum(1 for s in starts if start <= s < plan.dropped_messages)
    return ContextForecast(now, n_ctx, limit, turns, smallest_tokens=smallest)

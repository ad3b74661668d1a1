"""local_plan's pure helpers; plan_reply and open_next_turn run through LocalEngine's tests
(tests/chat/test_local_engine.py, tests/integration/test_long_conversations.py and others)."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.chat.context_plan import OverflowStrategy
from desktop.chat.local_plan import last_text, reply_reserve, summarizes_first
from desktop.chat.prompt import PromptPlan
from desktop.chat.protocol import GenerationRequest
from desktop.core.conversation import ChatMessage, PromptSegment, Role
from desktop.engine.llama import LoadedModel, SamplingOptions


@dataclass
class Window:
    """Stands in for a LoadedModel: reply_reserve reads only its window."""

    n_ctx: int


def window(n_ctx: int) -> LoadedModel:
    return Window(n_ctx)  # type: ignore[return-value]


def test_reply_reserve_is_the_limit_but_at_most_a_quarter_window() -> None:
    assert reply_reserve(window(4096), 200) == 200
    assert reply_reserve(window(4096), 2000) == 1024
    assert reply_reserve(window(4096), 0) == 1024  # no limit
    assert reply_reserve(window(2), 0) == 1  # never nothing


def test_last_text_is_the_newest_message_text() -> None:
    segments = (
        PromptSegment("<user>", True),
        PromptSegment("hi", False),
        PromptSegment("<assistant>", True),
    )
    assert last_text(segments) == 1
    assert last_text(segments[:1]) is None


def test_summarizes_first_only_for_turns_newly_dropped() -> None:
    request = GenerationRequest(
        1,
        (ChatMessage(Role.USER, "hi"),),
        SamplingOptions(),
        overflow=OverflowStrategy.SUMMARIZE,
        summary_covers=2,
    )
    plan = PromptPlan((), (), 3)
    assert summarizes_first(request, plan)
    assert not summarizes_first(request, PromptPlan((), (), 2))
    dropping = GenerationRequest(1, request.messages, SamplingOptions(), summary_covers=2)
    assert not summarizes_first(dropping, plan)

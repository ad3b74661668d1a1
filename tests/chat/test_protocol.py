"""The seam's shared rules: what every engine refuses and when it summarizes first."""

from __future__ import annotations

import pytest

from desktop.chat.context_plan import OverflowStrategy
from desktop.chat.prompt import PromptPlan
from desktop.chat.protocol import (
    Failed,
    GenerationRequest,
    ReplyProblem,
    no_question,
    summarizes_first,
)
from desktop.core.conversation import ChatMessage, Role
from desktop.engine.llama import SamplingOptions

U, A = Role.USER, Role.ASSISTANT


@pytest.mark.parametrize(
    "messages",
    [
        (),
        (ChatMessage(U, "  \n"),),
        (ChatMessage(U, "hi"), ChatMessage(A, "hello")),
        (ChatMessage(Role.SYSTEM, "be brief"),),
    ],
)
def test_no_question_refuses_what_does_not_end_in_a_user_text(
    messages: tuple[ChatMessage, ...],
) -> None:
    refused = no_question(messages)
    assert isinstance(refused, Failed)
    assert refused.failure.problem == ReplyProblem.EMPTY_PROMPT


def test_no_question_passes_a_user_turn_with_text() -> None:
    assert no_question((ChatMessage(A, ""), ChatMessage(U, " hi "))) is None


def test_summarizes_first_only_for_turns_newly_dropped() -> None:
    request = GenerationRequest(
        1,
        (ChatMessage(U, "hi"),),
        SamplingOptions(),
        overflow=OverflowStrategy.SUMMARIZE,
        summary_covers=2,
    )
    plan = PromptPlan((), (), 3)
    assert summarizes_first(request, plan)
    assert not summarizes_first(request, PromptPlan((), (), 2))
    dropping = GenerationRequest(1, request.messages, SamplingOptions(), summary_covers=2)
    assert not summarizes_first(dropping, plan)

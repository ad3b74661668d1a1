"""The requests the chat session sends the worker, built from its plain state.

Module functions over ConversationState and ChatSettings, kept apart from ChatSession so the
session only decides when to ask, not how a request is put together.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from desktop.chat.chat_settings import ChatSettings
from desktop.chat.context_plan import OverflowStrategy
from desktop.chat.conversation_state import ConversationState
from desktop.chat.grounding import DEFAULT_PASSAGES
from desktop.chat.protocol import CountRequest, GenerationRequest, ModelInfo
from desktop.core.conversation import ChatMessage, GenerationInfo, Role, StoredMessage
from desktop.core.retrieval import RetrievalRequest
from desktop.engine.llama import SamplingOptions
from desktop.engine.starter import STARTER_SHA256, is_starter_model

__all__ = [
    "count_request",
    "generation_info",
    "generation_request",
    "retrieval_request",
    "with_system_prompt",
]


def with_system_prompt(history: list[ChatMessage], settings: ChatSettings) -> list[ChatMessage]:
    """``history`` with the chat's system prompt first, where it has one."""
    system = settings.system_prompt.strip()
    if system:
        history.insert(0, ChatMessage(Role.SYSTEM, system))
    return history


def generation_request(
    request_id: int,
    state: ConversationState,
    history: Sequence[ChatMessage],
    behind: Sequence[StoredMessage],
    settings: ChatSettings,
    overflow: OverflowStrategy,
    sampling: SamplingOptions | None = None,
) -> GenerationRequest:
    """The request for a reply to ``history`` (a sent one, or a draft to prepare)."""
    summary = state.summary
    covers = state.summary_covers(behind)
    conversation = state.conversation_id
    return GenerationRequest(
        request_id,
        tuple(history),
        sampling if sampling is not None else settings.sampling,
        state.skipped(behind),
        conversation_key=str(conversation) if conversation is not None else None,
        thinking=settings.thinking,
        thinking_budget=settings.thinking_budget,
        reasoning_effort=settings.reasoning_effort,
        overflow=overflow,
        summary=summary.content if summary is not None and covers else "",
        summary_covers=covers,
    )


def count_request(
    request_id: int,
    state: ConversationState,
    draft: str,
    settings: ChatSettings,
    focus: str,
    grounded: bool,
) -> CountRequest:
    """What the context meter asks: the cost of sending ``draft`` now."""
    history, behind = state.with_draft(draft)
    with_system_prompt(history, settings)
    covers = state.summary_covers(behind)
    summary = state.summary
    return CountRequest(
        request_id,
        tuple(history),
        settings.sampling.max_tokens,
        state.skipped(behind),
        summary.content if covers and summary is not None else "",
        focus,
        thinking=settings.thinking,
        reasoning_effort=settings.reasoning_effort,
        grounded=grounded,
    )


def generation_info(info: ModelInfo | None, sampling: SamplingOptions) -> GenerationInfo:
    """How a reply about to be asked for is made (kept with it, so it can be reproduced)."""
    return GenerationInfo(
        # A server's model keeps its whole locator: exports then say which server and model.
        model_file=(info.path if info.host else Path(info.path).name) if info is not None else "",
        model_name=info.name if info is not None else "",
        model_sha256=STARTER_SHA256
        if info is not None and is_starter_model(Path(info.path))
        else None,
        quantization=(info.quantization or None) if info is not None else None,
        template_origin=info.template_origin if info is not None else "",
        temperature=sampling.temperature,
        top_p=sampling.top_p,
        top_k=sampling.top_k,
        min_p=sampling.min_p,
        repeat_penalty=sampling.repeat_penalty,
        max_tokens=sampling.max_tokens,
        seed=sampling.seed,
    )


def retrieval_request(
    request_id: int, history: Sequence[ChatMessage], collection_ids: Sequence[int]
) -> RetrievalRequest:
    """The search for the passages a reply to ``history`` is grounded in: its last turn, with
    the user's previous question as context (searched too if the last one alone finds nothing)."""
    earlier = [m.content for m in history[:-1] if m.role == Role.USER]
    return RetrievalRequest(
        request_id,
        tuple(collection_ids),
        history[-1].content,
        DEFAULT_PASSAGES,
        earlier[-1] if earlier else "",
    )

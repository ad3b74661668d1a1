"""Plain values that describe a chat, shared by every layer.

They are frozen so they can cross from the GUI thread to the inference thread without copying
or locking.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePath


class Role(StrEnum):
    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"


class FinishReason(StrEnum):
    """How a reply ended; shown to the user and kept with the message."""

    STOP = "stop"  # the model ended its turn or produced a stop string
    LENGTH = "length"  # Max tokens (or, in chats stored before CONTEXT, the context window)
    CANCELLED = "cancelled"  # the user pressed Stop
    ERROR = "error"  # llama.cpp failed mid-reply
    INTERRUPTED = "interrupted"  # the app ended before the reply did
    CONTEXT = "context"  # the reply filled the context window
    BLANK = "blank"  # stopped: the model wrote only blank characters for a long run


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One turn as the model sees it."""

    role: Role
    content: str
    thinking: str = ""  # an earlier reply's reasoning; the template decides whether it is sent


class DocumentsNote(StrEnum):
    """What a reply grounded in the user's documents says under its sources; kept in
    ``GenerationInfo.documents_note`` (as its value, "" for none)."""

    NOTHING_RELEVANT = "nothing-relevant"  # the attached collections do not talk about it
    LEFT_OUT = "left-out"  # ``passages_left_out`` passages did not fit the context window
    FAILED = "failed"  # the search failed; the reply went on without sources


@dataclass(frozen=True, slots=True)
class GenerationInfo:
    """How an assistant reply was made, so a transcript can be reproduced."""

    model_file: str = ""
    model_sha256: str | None = None
    quantization: str | None = None
    template_origin: str = ""
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    min_p: float | None = None
    repeat_penalty: float | None = None
    max_tokens: int | None = None
    seed: int | None = None
    prompt_tokens: int = 0
    generated_tokens: int = 0
    tokens_per_second: float = 0.0
    documents_note: str = ""  # a DocumentsNote value, or "" (no collections, or nothing to say)
    passages_left_out: int = 0  # with DocumentsNote.LEFT_OUT
    model_name: str = ""  # the model's name as the window showed it ("" before it was kept)


@dataclass(frozen=True, slots=True)
class MessageSource:
    """A passage from the user's documents that a reply was given, shown as citation [number].
    Kept with the message (a copy of the text, not a reference into the index) so the citation
    still reads right after the file changes or the collection is deleted."""

    number: int  # the tag the model saw: [1], [2], ...
    file: str  # absolute path when retrieved
    page: int | None = None  # 1-based, PDFs only
    heading: str | None = None
    text: str = ""
    highlights: tuple[tuple[int, int], ...] = ()  # (start, end) of matched words in text
    collection: str = ""  # the collection's name when retrieved


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """A message as kept: messages form a tree per conversation (edits and regenerations add
    siblings, never overwrite)."""

    id: int
    conversation_id: int
    parent_id: int | None
    role: Role
    content: str
    created_at: float  # unix seconds
    finished_at: float | None = None
    finish_reason: FinishReason | None = None  # assistant only; None while streaming
    generation: GenerationInfo | None = None  # assistant only
    thinking: str = ""  # assistant only: the reasoning before the answer, markers removed
    thinking_seconds: float | None = None  # how long the model thought; None if it did not
    sources: tuple[MessageSource, ...] = ()  # assistant only: passages given to the model


@dataclass(frozen=True, slots=True)
class ConversationSummary:
    id: int
    title: str
    title_is_auto: bool  # True until the user renames it
    created_at: float
    updated_at: float
    pinned: bool = False
    deleted_at: float | None = None  # in the trash since then
    model_file: str = ""
    system_prompt: str = ""
    current_leaf_id: int | None = None  # the message at the end of the branch on screen
    message_count: int = 0


@dataclass(frozen=True, slots=True)
class RunningSummary:
    """A model-written summary of the turns that fell out of the context window.

    It covers the path from the root to ``through_message_id``, so it belongs to one branch: the
    summary that applies to a leaf is the deepest one whose message is on the leaf's path.
    ``edited_at`` is set once the user changed the text."""

    id: int
    conversation_id: int
    through_message_id: int
    content: str
    created_at: float
    edited_at: float | None = None


@dataclass(frozen=True, slots=True)
class PromptSegment:
    """A piece of the prompt and whether the tokenizer may turn it into special tokens."""

    text: str
    parse_special: bool  # True for template text, False for message content


def source_place(source: MessageSource, page_word: str) -> str:
    """'report.pdf, p. 3' (``page_word`` is the translated 'p. {page}' pattern)."""
    name = PurePath(source.file).name or source.file
    if source.page is not None:
        return f"{name}, {page_word.format(page=source.page)}"
    return name


COLLECTIONS_KEY = "collections"
"""The key of a conversation's settings JSON that lists its attached document collections
(the chat stores it; exports leave it out, since collection ids mean nothing elsewhere)."""

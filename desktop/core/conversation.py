"""Plain values that describe a chat, shared by every layer.

They are frozen so they can cross from the GUI thread to the inference thread without copying
or locking.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"


class FinishReason(StrEnum):
    """How a reply ended; shown to the user and kept with the message."""

    STOP = "stop"  # the model ended its turn or produced a stop string
    LENGTH = "length"  # max tokens or the end of the context window
    CANCELLED = "cancelled"  # the user pressed Stop
    ERROR = "error"  # llama.cpp failed mid-reply
    INTERRUPTED = "interrupted"  # the app ended before the reply did


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One turn as the model sees it."""

    role: Role
    content: str

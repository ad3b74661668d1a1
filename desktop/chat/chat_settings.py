"""Per-chat settings: what a reply needs besides the messages, and how a conversation keeps its
own choices (sampling, overflow strategy, attached document collections) in the store's
settings JSON.

Plain functions over plain values so reading back a damaged or older settings JSON is tested
without Qt; the chat session owns the current values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace

from desktop.chat.context_plan import OverflowStrategy
from desktop.core.conversation import COLLECTIONS_KEY
from desktop.engine.llama import SamplingOptions

__all__ = [
    "COLLECTIONS_KEY",
    "TITLE_LENGTH",
    "ChatSettings",
    "attached_collections",
    "auto_title",
    "read_settings",
    "stored_settings",
]

TITLE_LENGTH = 60


@dataclass(frozen=True, slots=True)
class ChatSettings:
    """What a reply needs besides the messages; read from Settings for the loaded model."""

    system_prompt: str = ""
    sampling: SamplingOptions = field(default_factory=SamplingOptions)
    thinking: bool = True  # reasoning models think first, where their template lets us choose
    thinking_budget: int = 0  # most thinking tokens before the answer is forced; 0: no limit
    reasoning_effort: str = ""  # low/medium/high where the template takes one; "": its default


def auto_title(text: str) -> str:
    """The first line of the first message, shortened on a word boundary."""
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    if len(line) <= TITLE_LENGTH:
        return line
    cut = line[:TITLE_LENGTH].rsplit(" ", 1)[0] or line[:TITLE_LENGTH]
    return cut.rstrip(" ,.;:") + "…"


def read_settings(
    saved: Mapping[str, object],
    system_prompt: str,
    settings: ChatSettings,
    default_overflow: OverflowStrategy,
) -> tuple[ChatSettings, OverflowStrategy]:
    """A conversation's own system prompt, sampling and overflow choice over ``settings``;
    values of the wrong type (an older or edited file) are ignored."""
    known = {f.name for f in fields(SamplingOptions)}
    values: dict[str, object] = {
        key: value
        for key, value in saved.items()
        if key in known
        and not isinstance(value, bool)
        and (isinstance(value, int | float) or (key == "seed" and value is None))
    }
    for key in ("top_k", "max_tokens"):
        if key in values:
            values[key] = int(values[key])  # type: ignore[call-overload]
    chosen = replace(
        settings,
        system_prompt=system_prompt,
        sampling=replace(settings.sampling, **values),  # type: ignore[arg-type]
    )
    return chosen, OverflowStrategy.parse(saved.get("overflow"), default_overflow)


def attached_collections(saved: Mapping[str, object]) -> tuple[int, ...]:
    """The collection ids a conversation keeps; anything but a list of ints counts as none."""
    ids = saved.get(COLLECTIONS_KEY, ())
    if not isinstance(ids, list):
        return ()
    return tuple(i for i in ids if isinstance(i, int) and not isinstance(i, bool))


def stored_settings(
    settings: ChatSettings, overflow: OverflowStrategy, attached: Sequence[int]
) -> dict[str, object]:
    """The conversation's settings JSON: sampling, overflow and the attached collections."""
    sampling = settings.sampling
    return {
        COLLECTIONS_KEY: list(attached),
        "temperature": sampling.temperature,
        "top_p": sampling.top_p,
        "top_k": sampling.top_k,
        "min_p": sampling.min_p,
        "repeat_penalty": sampling.repeat_penalty,
        "max_tokens": sampling.max_tokens,
        "seed": sampling.seed,
        "overflow": str(overflow),
    }

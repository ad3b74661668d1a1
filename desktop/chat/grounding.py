"""Answers with sources: turning retrieved passages into what the model reads, and citations
back into something the reader can follow.

Why it is built this way:

- The passages go into the *current* user turn as sent to the model, never into the system
  prompt and never into the stored message. The system prompt and every earlier turn stay
  byte-identical from one turn to the next, so the KV cache keeps its prefix; only the last
  exchange is evaluated again on the following turn (then without its passages, which keeps old
  passages from eating the context window).
- Every passage carries a numbered tag with its file, page and heading, so the model can cite
  "[2]" and the window can turn that back into the passage. The numbers are assigned after the
  passages are fitted to the token budget, so they are always 1..n with no gaps.
- When the documents hold nothing relevant the model is told so in the same place, rather than
  being left to answer as if it had looked things up.
- The instructions to the model are English: they are read by the model, not by the user, and
  small models follow English instructions best.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import Final

from desktop.core.conversation import MessageSource
from desktop.core.retrieval import Passage

__all__ = [
    "DEFAULT_PASSAGES",
    "Grounding",
    "cited_numbers",
    "fit_sources",
    "grounded_question",
    "passage_budget",
    "source_label",
    "sources_from_hits",
]

#: Passages retrieved per question before fitting them to the context window.
DEFAULT_PASSAGES: Final = 5
#: At most this share of the context window goes to passages.
MAX_CONTEXT_SHARE: Final = 0.5

_CITATION = re.compile(r"\[(\d{1,3})\]")

_INSTRUCTIONS: Final = (
    "Answer the question below using the numbered sources from the user's documents. "
    "Cite the sources you use with their numbers in square brackets, like [1]. "
    "If the sources do not contain the answer, say so."
)
_NOTHING_FOUND: Final = (
    "The user's documents ({names}) were searched for this question and nothing relevant was "
    "found. Say that the documents do not cover it; do not invent sources."
)


@dataclass(frozen=True, slots=True)
class Grounding:
    """What a reply is to be grounded in: the retrieved passages (best first, numbered in that
    order) and the names of the collections searched. No sources with collections named means
    the search found nothing relevant."""

    sources: tuple[MessageSource, ...]
    collections: tuple[str, ...]


def sources_from_hits(
    hits: Iterable[Passage], collection_names: Mapping[int, str]
) -> tuple[MessageSource, ...]:
    """Copies of the passages (the index may change later), numbered 1..n in rank order."""
    return tuple(
        MessageSource(
            number=i,
            file=hit.file,
            page=hit.page,
            heading=hit.heading,
            text=hit.text,
            highlights=tuple(hit.highlights),
            collection=collection_names.get(hit.collection_id, ""),
        )
        for i, hit in enumerate(hits, 1)
    )


def source_label(source: MessageSource) -> str:
    """ "report.pdf, page 3, Heading": how a source is named to the model and in exports."""
    parts = [PurePath(source.file).name or source.file]
    if source.page is not None:
        parts.append(f"page {source.page}")
    if source.heading:
        parts.append(source.heading)
    return ", ".join(parts)


def _source_block(source: MessageSource) -> str:
    return f"[{source.number}] {source_label(source)}\n{source.text.strip()}"


def passage_budget(n_ctx: int, reserve: int, fixed: int) -> int:
    """The most tokens a grounded question's passages may take in a window of ``n_ctx``: what
    ``fixed`` (the system prompt and the question) and the reply's ``reserve`` leave, but at
    most MAX_CONTEXT_SHARE of the window; 0 when nothing is left. One rule for the meter's
    forecast and for every engine's send, so the meter says what sending will fit."""
    return max(0, min(n_ctx - reserve - fixed, int(n_ctx * MAX_CONTEXT_SHARE)))


def fit_sources(
    sources: Sequence[MessageSource], cost: Callable[[str], int], budget: int
) -> tuple[MessageSource, ...]:
    """The best-ranked sources whose blocks fit in ``budget`` tokens (a source too long to fit
    is skipped, a shorter one after it may still fit), renumbered 1..n."""
    chosen: list[MessageSource] = []
    used = cost(_INSTRUCTIONS) + 8 if sources else 0
    for source in sources:
        size = cost(_source_block(source)) + 2
        if used + size <= budget:
            chosen.append(source)
            used += size
    return tuple(replace(s, number=i) for i, s in enumerate(chosen, 1))


def grounded_question(question: str, grounding: Grounding) -> str:
    """The user turn as the model reads it: instructions, the tagged passages, the question."""
    if grounding.sources:
        blocks = "\n\n".join(_source_block(s) for s in grounding.sources)
        return f"{_INSTRUCTIONS}\n\nSources:\n\n{blocks}\n\nQuestion: {question}"
    names = ", ".join(grounding.collections) or "attached collections"
    return f"{_NOTHING_FOUND.format(names=names)}\n\nQuestion: {question}"


def cited_numbers(text: str, known: Iterable[int]) -> list[int]:
    """The source numbers a reply cites, in order of first citation, only those that exist."""
    valid = set(known)
    seen: dict[int, None] = {}
    for match in _CITATION.finditer(text):
        number = int(match.group(1))
        if number in valid:
            seen[number] = None
    return list(seen)

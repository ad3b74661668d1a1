"""Plain values of a search in the user's documents: what the chat asks and what it gets back.

In core because both sides use them and neither may import the other: the chat declares the
``Retriever`` protocol (``desktop/chat/retrieval.py``) and the documents feature provides one
(``desktop/documents/qt/retriever.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "Passage",
    "RetrievalAnswer",
    "RetrievalFailure",
    "RetrievalRequest",
    "RetrievalResult",
]


@dataclass(frozen=True, slots=True)
class RetrievalRequest:
    """Look up ``question`` in ``collection_ids``; ``context``, the previous question, is
    searched with it if it alone finds nothing. ``limit``: most passages wanted."""

    request_id: int
    collection_ids: tuple[int, ...]
    question: str
    limit: int
    context: str = ""


@dataclass(frozen=True, slots=True)
class Passage:
    """One retrieved passage, copied out of the index. ``highlights``: (start, end) character
    ranges of matched words in ``text``."""

    collection_id: int
    file: str
    page: int | None
    heading: str | None
    text: str
    highlights: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class RetrievalResult:
    """The passages found for one request, best first; none means nothing relevant."""

    request_id: int
    passages: tuple[Passage, ...]
    collection_names: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RetrievalFailure:
    """The search for one request failed; ``message`` says why."""

    request_id: int
    message: str


RetrievalAnswer = RetrievalResult | RetrievalFailure

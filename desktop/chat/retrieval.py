"""What the chat asks of the user's documents: the ``Retriever`` protocol and its plain values.

Why a protocol: the chat grounds replies in passages from the user's collections, but it must
not know how they are indexed or searched (or that a documents feature exists at all). The
documents feature provides a Retriever (``desktop/documents/qt/retriever.py``) and the app wires
it into the chat session; tests hand the session a scripted one. The values it trades in
live in ``desktop/core/retrieval.py`` (both sides use them) and are imported from there.

Answers come back through the callback given with each request, on the GUI thread, possibly
before ``retrieve`` returns (a scripted retriever answers at once).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from desktop.core.retrieval import RetrievalAnswer, RetrievalRequest


class Retriever(Protocol):
    """Passages from the user's document collections, looked up off the GUI thread."""

    def name_of(self, collection_id: int) -> str | None:
        """The collection's name; None once it no longer exists."""
        ...

    def retrieve(
        self, request: RetrievalRequest, answer: Callable[[RetrievalAnswer], None]
    ) -> None:
        """Starts the search; ``answer`` gets its result or failure on the GUI thread."""
        ...

"""The documents feature's side of the chat's ``Retriever`` protocol (``desktop/chat/retrieval.py``,
matched by shape: the documents feature does not import the chat).

Why an adapter rather than DocumentCollections itself: the chat asks with plain values and a
callback and gets plain passages back (copies, not the index's hits), so it never imports the
documents feature; DocumentCollections keeps its signals for its other listeners.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Slot

from desktop.core.retrieval import (
    Passage,
    RetrievalAnswer,
    RetrievalFailure,
    RetrievalRequest,
    RetrievalResult,
)
from desktop.documents.qt.collections import DocumentCollections
from desktop.documents.qt.workers import RetrievalResult as FoundPassages

__all__ = ["CollectionsRetriever"]


class CollectionsRetriever(QObject):
    """A ``Retriever`` over the user's document collections.

    Answers each request once, through the callback it came with; answers to requests it does
    not know (another asker's, or one already answered) are ignored.

    Signals:
        None.
    """

    def __init__(self, documents: DocumentCollections, parent: QObject | None = None) -> None:
        super().__init__(parent if parent is not None else documents)
        self.documents = documents
        self._waiting: dict[int, Callable[[RetrievalAnswer], None]] = {}
        documents.retrieval_finished.connect(self.on_documents_retrieval_finished)
        documents.retrieval_failed.connect(self.on_documents_retrieval_failed)

    def name_of(self, collection_id: int) -> str | None:
        return self.documents.name_of(collection_id)

    def retrieve(
        self, request: RetrievalRequest, answer: Callable[[RetrievalAnswer], None]
    ) -> None:
        self._waiting[request.request_id] = answer
        self.documents.retrieve(
            request.request_id,
            request.collection_ids,
            request.question,
            request.limit,
            request.context,
        )

    @Slot(object)
    def on_documents_retrieval_finished(self, found: FoundPassages) -> None:
        answer = self._waiting.pop(found.request_id, None)
        if answer is None:
            return
        passages = tuple(
            Passage(
                collection_id=hit.collection_id,
                file=hit.file,
                page=hit.page,
                heading=hit.heading,
                text=hit.text,
                highlights=tuple(hit.highlights),
            )
            for hit in found.hits
        )
        answer(RetrievalResult(found.request_id, passages, dict(found.collection_names)))

    @Slot(int, str)
    def on_documents_retrieval_failed(self, request_id: int, message: str) -> None:
        answer = self._waiting.pop(request_id, None)
        if answer is not None:
            answer(RetrievalFailure(request_id, message))

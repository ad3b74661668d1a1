"""CollectionsRetriever: the documents feature's Retriever for the chat, over a stand-in for
DocumentCollections (the real one is exercised end to end in test_feature.py)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from desktop.core.retrieval import (
    Passage,
    RetrievalAnswer,
    RetrievalFailure,
    RetrievalRequest,
    RetrievalResult,
)
from desktop.documents.index import PassageHit
from desktop.documents.qt.retriever import CollectionsRetriever
from desktop.documents.qt.workers import RetrievalResult as FoundPassages


class StandInCollections(QObject):
    """What CollectionsRetriever uses of DocumentCollections."""

    retrieval_finished = Signal(object)
    retrieval_failed = Signal(int, str)

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[tuple[object, ...]] = []

    def name_of(self, collection_id: int) -> str | None:
        return {1: "Notes"}.get(collection_id)

    def retrieve(self, *args: object) -> None:
        self.asked.append(args)


def test_answers_go_to_their_asker_once_as_plain_passages(qtbot) -> None:
    documents = StandInCollections()
    retriever = CollectionsRetriever(documents)  # type: ignore[arg-type]
    assert retriever.name_of(1) == "Notes" and retriever.name_of(2) is None
    answers: list[RetrievalAnswer] = []
    retriever.retrieve(RetrievalRequest(5, (1,), "What burns?", 3, "before"), answers.append)
    retriever.retrieve(RetrievalRequest(6, (1,), "And?", 3), answers.append)
    assert documents.asked == [(5, (1,), "What burns?", 3, "before"), (6, (1,), "And?", 3, "")]

    hit = PassageHit(9, 1, "/docs/lamp.md", 2, "Lamps", "Whale oil.", 1.5, 0.8, ((0, 5),))
    documents.retrieval_finished.emit(FoundPassages(5, (hit,), {1: "Notes"}))
    documents.retrieval_finished.emit(FoundPassages(5, (hit,), {1: "Notes"}))  # again: ignored
    documents.retrieval_finished.emit(FoundPassages(77, (), {}))  # someone else's
    documents.retrieval_failed.emit(6, "index damaged")
    assert answers == [
        RetrievalResult(
            5, (Passage(1, "/docs/lamp.md", 2, "Lamps", "Whale oil.", ((0, 5),)),), {1: "Notes"}
        ),
        RetrievalFailure(6, "index damaged"),
    ]

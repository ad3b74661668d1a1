"""DraftRequests: the chat session's part that works on the draft while the user types.

Two kinds of request, both dropped by the worker when a newer one of their kind comes (typing
fast): counting what sending the draft would take (the context meter), and preparing its
prompt so the reply starts at once on send. Neither may delay a reply: nothing is asked while
one streams.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from desktop.chat.protocol import ContextCount
from desktop.chat.qt.inference_worker import InferenceWorker
from desktop.chat.qt.requests import count_request, generation_request, with_system_prompt

if TYPE_CHECKING:
    from desktop.chat.qt.session import ChatSession

__all__ = ["DraftRequests"]


class DraftRequests(QObject):
    """Counts and prepares the draft of the session that owns it.

    Signals:
        count_requested(CountRequest): to the worker (queued), for the context meter.
        prepare_requested(GenerationRequest, bool whole): to the worker (queued).
        context_counted(ContextCount): the answer to the latest count.
    """

    count_requested = Signal(object)
    prepare_requested = Signal(object, bool)
    context_counted = Signal(object)

    def __init__(self, session: ChatSession, worker: InferenceWorker, ids: Iterator[int]) -> None:
        super().__init__(session)
        self._session = session
        self._worker = worker
        self._ids = ids
        self.count_id: int | None = None
        """The latest count asked for; answers to earlier ones are dropped."""
        self.count_requested.connect(worker.on_count_requested)
        self.prepare_requested.connect(worker.on_prepare_requested)
        worker.context_counted.connect(self.on_worker_context_counted)

    def count(self, draft: str, focus: str = "") -> int | None:
        """See ChatSession.request_count."""
        session = self._session
        if session.model_info is None or session.is_streaming:
            return None
        self.count_id = next(self._ids)
        self._worker.drop_counts_before(self.count_id)
        grounded = bool(session.options.grounded_collections())
        self.count_requested.emit(
            count_request(self.count_id, session.state, draft, session.settings, focus, grounded)
        )
        return self.count_id

    def prepare(self, draft: str, whole: bool = True) -> int | None:
        """See ChatSession.prepare_reply."""
        session = self._session
        if (
            not session.prepare_while_typing
            or session.model_info is None
            or session.is_streaming
            or session.is_loading
            or not draft.strip()
            or session.options.grounded_collections()
        ):
            return None
        history, behind = session.state.with_draft(draft)
        with_system_prompt(history, session.settings)
        request_id = next(self._ids)
        self._worker.drop_drafts_before(request_id)
        request = generation_request(
            request_id, session.state, history, behind, session.settings, session.overflow
        )
        self.prepare_requested.emit(request, whole)
        return request_id

    @Slot(int, object)
    def on_worker_context_counted(self, request_id: int, count: ContextCount) -> None:
        if request_id == self.count_id:
            self.context_counted.emit(count)

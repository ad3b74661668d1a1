"""ReplyStream: the chat session's part that carries one reply from request to end.

It stores the empty reply and shows its row, holds the ``ReplyInProgress`` of the reply being
written (none between replies), looks up passages through the ``Retriever`` first where
collections are attached, applies the worker's answers to it and to the message list, and
writes it to the store as it grows and when it ends. Answers tagged with another request id
(a stopped reply's) are dropped. Decisions live in ReplyInProgress and ConversationState; this
class only adapts them to Qt and the store.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QObject, Signal, Slot

from desktop.chat.chat_settings import ChatSettings
from desktop.chat.context_plan import OverflowStrategy
from desktop.chat.conversation_state import ConversationState
from desktop.chat.grounding import Grounding, sources_from_hits
from desktop.chat.protocol import (
    GenerationRequest,
    ModelInfo,
    PromptInfo,
    ReplyFailure,
    ReplyStats,
    SummaryMade,
)
from desktop.chat.qt.inference_worker import InferenceWorker
from desktop.chat.qt.message_model import MessageListModel
from desktop.chat.qt.requests import (
    generation_info,
    generation_request,
    retrieval_request,
    with_system_prompt,
)
from desktop.chat.reply import ReplyInProgress
from desktop.chat.retrieval import Retriever
from desktop.core.conversation import FinishReason, Role
from desktop.core.retrieval import RetrievalAnswer, RetrievalFailure, RetrievalResult
from desktop.store.conversations import ConversationStore

__all__ = ["ReplyStream"]


class ReplyStream(QObject):
    """The reply being written, bound to the worker, the message list and the store.

    Signals:
        generate_requested(GenerationRequest): to the worker (queued).
        streaming_changed(bool): a reply started or ended.
        reply_failed(ReplyFailure): the current reply could not be made.
        reply_stats_changed(ReplyStats): the last reply's speed and context use.
        prompt_info_changed(PromptInfo): the prompt of the reply now streaming.
        summary_made(RunningSummary): a summary of the earlier turns was made and stored.
        reply_changed(): a reply started or ended (the chat list updates its row).
        store_failed(str): a write to the database failed; the message says why.
    """

    generate_requested = Signal(object)
    streaming_changed = Signal(bool)
    reply_failed = Signal(object)
    reply_stats_changed = Signal(object)
    prompt_info_changed = Signal(object)
    summary_made = Signal(object)
    reply_changed = Signal()
    store_failed = Signal(str)

    def __init__(
        self,
        worker: InferenceWorker,
        store: ConversationStore,
        messages: MessageListModel,
        state: ConversationState,
        model_name: Callable[[], str | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._worker = worker
        self.store = store
        self.messages = messages
        self.state = state
        self._model_name = model_name
        self.reply: ReplyInProgress | None = None
        self._stopped: ReplyInProgress | None = None  # waits for the worker's statistics
        self._pending: GenerationRequest | None = None  # waits for its passages
        self._names: tuple[str, ...] = ()  # the attached collections' names, for "nothing found"
        self.generate_requested.connect(worker.on_generate_requested)
        worker.reply_started.connect(self.on_worker_reply_started)
        worker.reply_delta.connect(self.on_worker_reply_delta)
        worker.reply_thinking_delta.connect(self.on_worker_reply_thinking_delta)
        worker.reply_thinking_finished.connect(self.on_worker_reply_thinking_finished)
        worker.reply_finished.connect(self.on_worker_reply_finished)
        worker.reply_failed.connect(self.on_worker_reply_failed)
        worker.summary_started.connect(self.on_worker_summary_started)
        worker.summary_made.connect(self.on_worker_summary_made)

    def _row(self, request_id: int) -> int | None:
        """The row of the reply asked for by ``request_id``; None if that is not the current
        reply (answers to a stopped one) or its row is gone."""
        reply = self.reply
        if reply is None or request_id != reply.request_id:
            return None
        return self.state.row_of_message(reply.message.id)

    def ask(
        self,
        request_id: int,
        settings: ChatSettings,
        overflow: OverflowStrategy,
        model: ModelInfo | None,
        grounding: tuple[Retriever, tuple[int, ...], tuple[str, ...]] | None = None,
    ) -> bool:
        """Stores an empty reply to the branch on screen, shows it and asks for its text. With
        ``grounding`` (who to ask, the collections to search, the attached ones' names) the
        passages are looked up first, off the GUI thread, and the request waits for them.
        False if the reply could not be stored (``store_failed`` says why)."""
        state = self.state
        parent = state.last
        conversation = state.conversation_id
        assert conversation is not None and parent is not None
        history, behind = state.history()
        with_system_prompt(history, settings)
        sampling = settings.sampling
        if sampling.seed is None:  # pick it here so the stored reply can be reproduced
            sampling = replace(sampling, seed=int.from_bytes(os.urandom(4), "little") & 0x7FFFFFFF)
        info = generation_info(model, sampling)
        try:
            stored = self.store.add_message(
                conversation, parent.id, Role.ASSISTANT, "", generation=info
            )
            self.store.set_current_leaf(conversation, stored.id)
        except Exception as error:
            self.store_failed.emit(str(error))
            return False
        row = state.append(stored)
        count = len(self.store.children(parent.id, conversation))
        self.messages.append_message(Role.ASSISTANT, "", streaming=True, message_id=stored.id)
        self.messages.set_siblings(row, count - 1, count)
        reply = ReplyInProgress(request_id, stored, info, tuple(behind), time.monotonic())
        request = generation_request(
            request_id, state, history, behind, settings, overflow, sampling
        )
        # A draft still being prepared is this very prompt, or no longer wanted: either way the
        # reply goes first (what the draft evaluated is reused as far as it matches).
        self._worker.drop_drafts_before(request_id)
        self.reply = reply
        self.streaming_changed.emit(True)
        self.reply_changed.emit()  # the chat list shows the new message at once
        self._pending = None
        if grounding is None:
            self.generate_requested.emit(request)
            return True
        retriever, collections, self._names = grounding
        self._pending = request
        reply.searching()
        self.messages.set_sources(row, (), reply.sources_note)
        retriever.retrieve(retrieval_request(request_id, history, collections), self.on_retrieved)
        return True

    def on_retrieved(self, answer: RetrievalAnswer) -> None:
        """The passages (or the failure) for the reply waiting for them."""
        request = self._pending
        reply = self.reply
        if request is None or reply is None or answer.request_id != request.request_id:
            return  # the reply was stopped or superseded meanwhile
        self._pending = None
        row = self.state.row_of_message(reply.message.id)
        if isinstance(answer, RetrievalFailure):
            reply.search_failed()
            if row is not None:
                self.messages.set_sources(row, (), reply.sources_note)
            self.generate_requested.emit(request)
            return
        assert isinstance(answer, RetrievalResult)
        names = tuple(answer.collection_names.values()) or self._names
        sources = sources_from_hits(answer.passages, answer.collection_names)
        if not sources:
            reply.found_nothing()
            if row is not None:
                self.messages.set_sources(row, (), reply.sources_note)
        self.generate_requested.emit(replace(request, grounding=Grounding(sources, names)))

    def stop(self) -> None:
        """Stops the reply now; the text so far stays. The worker confirms with reply_finished."""
        if self.reply is None:
            return
        self._pending = None
        self._worker.cancel_reply(self.reply.request_id)
        self._stopped = self.reply
        self._finish(FinishReason.CANCELLED, None)

    def _save(self, reason: FinishReason | None) -> None:
        reply = self.reply
        if reply is None:
            return
        try:
            self.store.update_message(
                reply.message.id,
                content=reply.text,
                thinking=reply.thinking(final=reason is not None),
                thinking_seconds=reply.thinking_seconds,
                finish_reason=reason,
                generation=reply.info,
                finished_at=reply.message.finished_at if reason is not None else None,
            )
        except Exception as error:
            self.store_failed.emit(str(error))

    def _finish(self, reason: FinishReason, stats: ReplyStats | None, meta: str = "") -> None:
        reply = self.reply
        if reply is None:
            return
        row = self.state.row_of_message(reply.message.id)
        seconds = reply.stop_thinking(time.monotonic())
        if seconds is not None and row is not None:
            self.messages.set_thinking_finished(row, seconds)
        if stats is not None:
            reply.record_stats(stats.prompt_tokens, stats.generated_tokens, stats.tokens_per_second)
        searching = reply.is_searching
        self.state.update(reply.finish(reason, time.time()))
        self._save(reason)
        if row is not None:
            if searching:  # stopped while the passages were looked up
                self.messages.set_sources(row, (), None)
            if not meta:  # stopped or failed while "Summarizing…": that line is over
                self.messages.set_meta(row, "")
            self.messages.set_finished(row, reason, meta)
        self.reply = None
        self._pending = None
        self.streaming_changed.emit(False)
        self.reply_changed.emit()

    # Answers from the worker ---------------------------------------------------------------

    @Slot(int, object)
    def on_worker_reply_started(self, request_id: int, info: PromptInfo) -> None:
        reply = self.reply
        if reply is None or request_id != reply.request_id:
            return
        # The plan counts dropped messages after the system prompt, oldest first, which are
        # exactly the first messages that were sent; rows above the page are not on screen.
        rows = self.state.remember_dropped(reply.sent, info.dropped_messages)
        row = self.state.row_of_message(reply.message.id)
        if row is not None:
            self.messages.set_meta(row, "")  # no longer "Summarizing…"
        self.messages.set_excluded(rows)
        if row is not None:
            # The passages the model was given stay with the reply, so its citations can be
            # followed after a restart and go into exports.
            reply.given_sources(info.sources, info.sources_left_out)
            self.messages.set_sources(row, info.sources, reply.sources_note)
            if info.sources:
                try:
                    self.store.update_message(reply.message.id, sources=info.sources)
                except Exception as error:
                    self.store_failed.emit(str(error))
                self.state.update(reply.message)
        self.prompt_info_changed.emit(info)

    @Slot(int)
    def on_worker_summary_started(self, request_id: int) -> None:
        row = self._row(request_id)
        if row is not None:
            self.messages.set_meta(row, self.tr("Summarizing the earlier conversation…"))

    @Slot(int, object)
    def on_worker_summary_made(self, request_id: int, made: SummaryMade) -> None:
        """Keeps the new summary with the last message it covers, on this branch."""
        reply = self.reply
        conversation = self.state.conversation_id
        if reply is None or request_id != reply.request_id or conversation is None:
            return
        if not 0 < made.covers <= len(reply.sent):
            return
        through = reply.sent[made.covers - 1]
        try:
            summary = self.store.add_summary(conversation, through.id, made.text)
        except Exception as error:
            self.store_failed.emit(str(error))
            return
        row = self.state.row_of_message(reply.message.id)
        if row is not None:
            self.messages.set_meta(row, "")
        self.summary_made.emit(summary)

    @Slot(int, str)
    def on_worker_reply_delta(self, request_id: int, text: str) -> None:
        self._add_delta(request_id, text, thinking=False)

    @Slot(int, str)
    def on_worker_reply_thinking_delta(self, request_id: int, text: str) -> None:
        self._add_delta(request_id, text, thinking=True)

    def _add_delta(self, request_id: int, text: str, thinking: bool) -> None:
        """Answer or thinking text alike: shown in the reply's row, kept in the reply, saved
        when the reply says a save is due."""
        row = self._row(request_id)
        reply = self.reply
        if row is None or reply is None:
            return
        if thinking:
            self.messages.append_thinking_delta(row, text)
            due = reply.add_thinking(text, time.monotonic())
        else:
            self.messages.append_delta(row, text)
            due = reply.add_text(text, time.monotonic())
            if reply.runs_blank:
                self._stop_blank(reply, row)
                return
        if due:
            self._save(None)

    def _stop_blank(self, reply: ReplyInProgress, row: int) -> None:
        """The model writes only blank lines (small models can until Max tokens): the reply
        stops as if Stop were pressed, keeps its text without the blank tail, and says why."""
        self._pending = None
        self._worker.cancel_reply(reply.request_id)
        self._stopped = reply
        reply.drop_blank_tail()
        self.messages.set_content(row, reply.text)
        self._finish(FinishReason.BLANK, None)

    @Slot(int, float)
    def on_worker_reply_thinking_finished(self, request_id: int, seconds: float) -> None:
        row = self._row(request_id)
        if row is None or self.reply is None:
            return
        self.reply.end_thinking(seconds)
        self.messages.set_thinking_finished(row, seconds)
        self._save(None)

    @Slot(int, object)
    def on_worker_reply_finished(self, request_id: int, stats: ReplyStats) -> None:
        self.reply_stats_changed.emit(stats)
        stopped = self._stopped
        if stopped is not None and request_id == stopped.request_id:
            self._stopped = None
            self._keep_stopped_stats(stopped, stats)
        if self.reply is None or request_id != self.reply.request_id:
            return
        self._finish(stats.finish_reason, stats, self._meta(stats))

    def _meta(self, stats: ReplyStats) -> str:
        name = self._model_name()
        if name is None:
            return ""
        if not stats.generated_tokens:  # a speed of nothing says nothing ("0.0 tok/s")
            return name
        return f"{name} · {stats.tokens_per_second:.1f} tok/s"

    def _keep_stopped_stats(self, reply: ReplyInProgress, stats: ReplyStats) -> None:
        """A stopped reply ended on screen at once; its statistics come with the worker's
        confirmation and are kept with it, as a finished reply's are (saved, exported)."""
        if not stats.prompt_tokens and not stats.generated_tokens:
            return  # stopped before the prompt was evaluated: nothing was measured
        reply.record_stats(stats.prompt_tokens, stats.generated_tokens, stats.tokens_per_second)
        reply.message = replace(reply.message, generation=reply.info)
        try:
            self.store.update_message(reply.message.id, generation=reply.info)
        except Exception as error:
            self.store_failed.emit(str(error))
            return
        self.state.update(reply.message)
        row = self.state.row_of_message(reply.message.id)
        if row is not None and stats.generated_tokens:  # a speed of nothing says nothing
            self.messages.set_meta(row, self._meta(stats))

    @Slot(int, object)
    def on_worker_reply_failed(self, request_id: int, failure: ReplyFailure) -> None:
        if self.reply is None or request_id != self.reply.request_id:
            return
        self._finish(FinishReason.ERROR, None)
        self.reply_failed.emit(failure)

"""ChatSession: the GUI-side state of one conversation and of the loaded model.

It turns user actions into requests for the inference worker, tags each with a fresh request id,
and applies the worker's answers to the message model, dropping answers to requests that are no
longer current (a stopped reply, a superseded load). It never blocks: every worker call is a
queued signal.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal, Slot

from desktop.core.conversation import ChatMessage, FinishReason, Role
from desktop.engine.llama import LoadOptions, SamplingOptions
from desktop.ui.message_model import MessageListModel
from desktop.workers.inference import (
    GenerationRequest,
    InferenceWorker,
    LoadFailure,
    ModelInfo,
    PromptInfo,
    ReplyFailure,
    ReplyStats,
)


@dataclass(frozen=True, slots=True)
class ChatSettings:
    """What a reply needs besides the messages; read from Settings for the loaded model."""

    system_prompt: str = ""
    sampling: SamplingOptions = field(default_factory=SamplingOptions)


class ChatSession(QObject):
    """One conversation bound to the inference worker.

    Signals:
        load_requested(int, str, LoadOptions): to the worker (queued).
        generate_requested(GenerationRequest): to the worker (queued).
        unload_requested(): to the worker (queued).
        loading_changed(bool): a load started or ended.
        load_progress(float): 0–1 for the current load.
        model_changed(object): the new ModelInfo, or None when no model is loaded.
        load_failed(LoadFailure): the current load failed; the earlier model (if any) stays.
        streaming_changed(bool): a reply started or ended.
        reply_failed(ReplyFailure): the current reply could not be made.
        reply_stats_changed(ReplyStats): the last reply's speed and context use.
        prompt_info_changed(PromptInfo): the prompt of the reply now streaming.
    """

    load_requested = Signal(int, str, object)
    generate_requested = Signal(object)
    unload_requested = Signal()
    loading_changed = Signal(bool)
    load_progress = Signal(float)
    model_changed = Signal(object)
    load_failed = Signal(object)
    streaming_changed = Signal(bool)
    reply_failed = Signal(object)
    reply_stats_changed = Signal(object)
    prompt_info_changed = Signal(object)

    def __init__(self, worker: InferenceWorker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self.messages = MessageListModel(self)
        self.settings = ChatSettings()
        self.model_info: ModelInfo | None = None
        self._ids = itertools.count(1)
        self._load_id: int | None = None
        self._reply_id: int | None = None
        self._reply_row: int | None = None
        self._sent_rows: tuple[int, ...] = ()
        self._dropped = 0
        self.load_requested.connect(worker.on_load_requested)
        self.generate_requested.connect(worker.on_generate_requested)
        self.unload_requested.connect(worker.on_unload_requested)
        worker.load_progress.connect(self.on_worker_load_progress)
        worker.load_finished.connect(self.on_worker_load_finished)
        worker.load_failed.connect(self.on_worker_load_failed)
        worker.model_unloaded.connect(self.on_worker_model_unloaded)
        worker.reply_started.connect(self.on_worker_reply_started)
        worker.reply_delta.connect(self.on_worker_reply_delta)
        worker.reply_finished.connect(self.on_worker_reply_finished)
        worker.reply_failed.connect(self.on_worker_reply_failed)

    # State -----------------------------------------------------------------------------------

    @property
    def is_loading(self) -> bool:
        return self._load_id is not None

    @property
    def is_streaming(self) -> bool:
        return self._reply_id is not None

    @property
    def can_send(self) -> bool:
        return self.model_info is not None and not self.is_streaming

    # Commands from the window ------------------------------------------------------------------

    def load_model(self, path: str, options: LoadOptions) -> None:
        """Loads `path`, or the starter model when it is empty. Cancels a load in flight."""
        if self._load_id is not None:
            self._worker.cancel_load(self._load_id)
        self.stop()
        self._load_id = next(self._ids)
        self.loading_changed.emit(True)
        self.load_progress.emit(0.0)
        self.load_requested.emit(self._load_id, path, options)

    def cancel_load(self) -> None:
        if self._load_id is not None:
            self._worker.cancel_load(self._load_id)

    def unload_model(self) -> None:
        self.stop()
        self.unload_requested.emit()

    def send(self, text: str) -> bool:
        """Adds the user's message and asks for a reply; False (nothing changed) if not now."""
        if not self.can_send or not text.strip():
            return False
        self.messages.append_message(Role.USER, text)
        self._request_reply()
        return True

    def regenerate(self) -> bool:
        """Replaces the last reply with a new one from the same history."""
        if not self.can_send:
            return False
        last_assistant = self.messages.last_row_of_role(Role.ASSISTANT)
        last_user = self.messages.last_row_of_role(Role.USER)
        if last_user is None:
            return False
        if last_assistant is not None and last_assistant > last_user:
            self.messages.remove_rows_from(last_assistant)
        self._request_reply()
        return True

    def stop(self) -> None:
        """Stops the reply now; the text so far stays. The worker confirms with reply_finished."""
        if self._reply_id is None:
            return
        self._worker.cancel_reply(self._reply_id)
        self._finish_reply(FinishReason.CANCELLED)

    def new_chat(self) -> None:
        self.stop()
        self.messages.clear()
        self._dropped = 0
        self._sent_rows = ()

    def _request_reply(self) -> None:
        history: list[ChatMessage] = []
        rows: list[int] = []
        for row, message in enumerate(self.messages.messages()):
            if message.role == Role.ASSISTANT and not message.content:
                continue  # a failed or empty reply is not part of the conversation
            history.append(message)
            rows.append(row)
        system = self.settings.system_prompt.strip()
        if system:
            history.insert(0, ChatMessage(Role.SYSTEM, system))
        self._sent_rows = tuple(rows)
        self._reply_id = next(self._ids)
        self._reply_row = self.messages.append_message(Role.ASSISTANT, "", streaming=True)
        self.streaming_changed.emit(True)
        self.generate_requested.emit(
            GenerationRequest(self._reply_id, tuple(history), self.settings.sampling, self._dropped)
        )

    def _finish_reply(self, reason: FinishReason, meta: str = "") -> None:
        if self._reply_row is not None:
            self.messages.set_finished(self._reply_row, reason, meta)
        self._reply_id = None
        self._reply_row = None
        self.streaming_changed.emit(False)

    # Answers from the worker ---------------------------------------------------------------

    @Slot(int, float)
    def on_worker_load_progress(self, request_id: int, fraction: float) -> None:
        if request_id == self._load_id:
            self.load_progress.emit(fraction)

    @Slot(int, object)
    def on_worker_load_finished(self, request_id: int, info: ModelInfo) -> None:
        if request_id != self._load_id:
            return
        self._load_id = None
        self.model_info = info
        self._dropped = 0
        self.loading_changed.emit(False)
        self.model_changed.emit(info)

    @Slot(int, object)
    def on_worker_load_failed(self, request_id: int, failure: LoadFailure) -> None:
        if request_id != self._load_id:
            return
        self._load_id = None
        self.loading_changed.emit(False)
        self.load_failed.emit(failure)

    @Slot()
    def on_worker_model_unloaded(self) -> None:
        self.model_info = None
        self.model_changed.emit(None)

    @Slot(int, object)
    def on_worker_reply_started(self, request_id: int, info: PromptInfo) -> None:
        if request_id != self._reply_id:
            return
        self._dropped = info.dropped_messages
        # The plan counts dropped messages after the system prompt, oldest first, which are
        # exactly the first rows that were sent.
        self.messages.set_excluded(self._sent_rows[: info.dropped_messages])
        self.prompt_info_changed.emit(info)

    @Slot(int, str)
    def on_worker_reply_delta(self, request_id: int, text: str) -> None:
        if request_id == self._reply_id and self._reply_row is not None:
            self.messages.append_delta(self._reply_row, text)

    @Slot(int, object)
    def on_worker_reply_finished(self, request_id: int, stats: ReplyStats) -> None:
        self.reply_stats_changed.emit(stats)
        if request_id != self._reply_id:
            return
        meta = ""
        if self.model_info is not None:
            meta = f"{self.model_info.name} · {stats.tokens_per_second:.1f} tok/s"
        self._finish_reply(stats.finish_reason, meta)

    @Slot(int, object)
    def on_worker_reply_failed(self, request_id: int, failure: ReplyFailure) -> None:
        if request_id != self._reply_id:
            return
        self._finish_reply(FinishReason.ERROR)
        self.reply_failed.emit(failure)

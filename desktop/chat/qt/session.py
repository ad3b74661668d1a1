"""ChatSession: the GUI-side state of the open conversation and of the loaded model.

It turns user actions into requests for the inference worker, tags each with a fresh request id,
and applies the worker's answers to the message model, dropping answers to requests that are no
longer current (a stopped reply, a superseded load). It never blocks: every worker call is a
queued signal.

Every message is written to the ConversationStore as it happens: the user's message before the
reply is requested, the reply as it grows (a few writes a second at most) and when it ends, so a
crash loses at most the last fraction of a second of a reply, never a conversation. Messages
form a tree: an edit or a regeneration adds a sibling, and the rows on screen are the path from
the root to the conversation's current leaf.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from desktop.chat.context_plan import OverflowStrategy
from desktop.chat.grounding import DEFAULT_PASSAGES, Grounding, sources_from_hits
from desktop.chat.protocol import (
    ContextCount,
    CountRequest,
    GenerationRequest,
    LoadFailure,
    ModelInfo,
    PromptInfo,
    ReplyFailure,
    ReplyStats,
    SummaryMade,
)
from desktop.chat.qt.inference_worker import InferenceWorker
from desktop.chat.qt.message_model import MessageListModel, MessageRow, SourcesNote, SourcesState
from desktop.core.conversation import (
    ChatMessage,
    ConversationSummary,
    DocumentsNote,
    FinishReason,
    GenerationInfo,
    MessageSource,
    Role,
    RunningSummary,
    StoredMessage,
)
from desktop.documents.qt.collections import DocumentCollections
from desktop.documents.qt.workers import RetrievalResult
from desktop.engine.llama import LoadOptions, SamplingOptions
from desktop.engine.starter import STARTER_SHA256, is_starter_model
from desktop.store.conversations import ConversationStore

PAGE_SIZE = 200
"""Rows shown when a conversation opens; earlier ones are added as the user scrolls up."""
SAVE_INTERVAL_S = 0.25
"""How often a growing reply is written; a crash loses at most this much of it."""
TITLE_LENGTH = 60
COLLECTIONS_KEY = "collections"
"""Conversation settings key: ids of the document collections attached to the chat."""


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


def _joined_user_turn(earlier: ChatMessage, text: str) -> ChatMessage:
    """One user turn made of two that no reply came between."""
    return ChatMessage(Role.USER, f"{earlier.content}\n\n{text}")


class ChatSession(QObject):
    """The open conversation bound to the inference worker and the store.

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
        conversation_changed(ConversationSummary): the open conversation was created, renamed,
            or got a new message (the sidebar updates its row).
        conversation_opened(object): the summary of the conversation now shown, or None for a
            new, not yet saved chat.
        has_earlier_changed(bool): whether earlier messages exist beyond the rows shown.
        store_failed(str): a write to the database failed; the message says why.
        count_requested(CountRequest): to the worker (queued), for the context meter.
        prepare_requested(GenerationRequest, bool whole): to the worker (queued): the draft's
            prompt, to evaluate while the user types (prepare_reply).
        context_counted(ContextCount): the answer to the latest request_count.
        summary_changed(object): the RunningSummary that applies to the branch on screen, or
            None; sent when the branch changes, a summary is made or edited.
        attached_changed(tuple[int, ...]): the document collections attached to the open
            chat (its replies are grounded in their passages).
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
    conversation_changed = Signal(object)
    conversation_opened = Signal(object)
    has_earlier_changed = Signal(bool)
    store_failed = Signal(str)
    count_requested = Signal(object)
    prepare_requested = Signal(object, bool)
    context_counted = Signal(object)
    summary_changed = Signal(object)
    attached_changed = Signal(object)

    def __init__(
        self, worker: InferenceWorker, store: ConversationStore, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._worker = worker
        self.store = store
        self.messages = MessageListModel(self)
        self.settings = ChatSettings()
        self.model_info: ModelInfo | None = None
        self.conversation_id: int | None = None
        self._path: list[StoredMessage] = []  # root → current leaf of the open conversation
        self._ids = itertools.count(1)
        self._load_id: int | None = None
        self._reply_id: int | None = None
        self._reply_row: int | None = None
        self._reply_message: StoredMessage | None = None
        self._reply_info: GenerationInfo | None = None
        self._reply_text: list[str] = []
        self._reply_thinking: list[str] = []
        self._reply_thinking_seconds: float | None = None
        self._thinking_since: float | None = None
        self._last_save = 0.0
        self._sent_rows: tuple[int, ...] = ()
        # Per conversation, the messages the last prompt left out, oldest first (ids).
        self._dropped: dict[int | None, tuple[int, ...]] = {}
        self.default_overflow = OverflowStrategy.DROP
        """The app-wide choice; a conversation's own choice (`overflow`) wins."""
        self.overflow = OverflowStrategy.DROP
        self._sent_messages: tuple[StoredMessage, ...] = ()
        self._count_id: int | None = None
        self.running_summary: RunningSummary | None = None
        """The summary that applies to the branch on screen."""
        self.documents: DocumentCollections | None = None
        self.attached: tuple[int, ...] = ()
        self._pending: GenerationRequest | None = None  # waits for its passages
        self.prepare_while_typing = True
        """Whether prepare_reply has the model evaluate the draft ahead (a setting)."""
        self.load_requested.connect(worker.on_load_requested)
        self.generate_requested.connect(worker.on_generate_requested)
        self.unload_requested.connect(worker.on_unload_requested)
        worker.load_progress.connect(self.on_worker_load_progress)
        worker.load_finished.connect(self.on_worker_load_finished)
        worker.load_failed.connect(self.on_worker_load_failed)
        worker.model_unloaded.connect(self.on_worker_model_unloaded)
        worker.reply_started.connect(self.on_worker_reply_started)
        worker.reply_delta.connect(self.on_worker_reply_delta)
        worker.reply_thinking_delta.connect(self.on_worker_reply_thinking_delta)
        worker.reply_thinking_finished.connect(self.on_worker_reply_thinking_finished)
        worker.reply_finished.connect(self.on_worker_reply_finished)
        worker.reply_failed.connect(self.on_worker_reply_failed)
        self.count_requested.connect(worker.on_count_requested)
        self.prepare_requested.connect(worker.on_prepare_requested)
        worker.context_counted.connect(self.on_worker_context_counted)
        worker.summary_started.connect(self.on_worker_summary_started)
        worker.summary_made.connect(self.on_worker_summary_made)

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

    @property
    def path_length(self) -> int:
        """Messages on the open branch, shown or not yet paged in."""
        return len(self._path)

    def summary(self) -> ConversationSummary | None:
        if self.conversation_id is None:
            return None
        return self.store.get_conversation(self.conversation_id)

    # Model -------------------------------------------------------------------------------------

    def load_model(self, path: str, options: LoadOptions) -> None:
        """Loads `path`, or the starter model when it is empty. Cancels a load in flight."""
        if self._load_id is not None:
            self._worker.cancel_load(self._load_id)
        self.stop()
        self._load_id = next(self._ids)
        self._worker.drop_drafts_before(self._load_id)
        self.loading_changed.emit(True)
        self.load_progress.emit(0.0)
        self.load_requested.emit(self._load_id, path, options)

    def cancel_load(self) -> None:
        if self._load_id is not None:
            self._worker.cancel_load(self._load_id)

    def unload_model(self) -> None:
        self.stop()
        self.unload_requested.emit()

    # Conversations -----------------------------------------------------------------------------

    def new_chat(self) -> None:
        """Shows an empty chat; it is stored when its first message is sent."""
        self.stop()
        self._count_id = None  # a count still on its way is about the chat that leaves
        self.conversation_id = None
        self._path = []
        self.overflow = self.default_overflow
        self.messages.set_rows(())
        self._set_summary(None)
        self.has_earlier_changed.emit(False)
        self._set_attached(())
        self.conversation_opened.emit(None)

    def open_conversation(self, conversation_id: int) -> bool:
        """Shows a stored conversation at its current branch; False if it no longer exists."""
        self.stop()
        summary = self.store.get_conversation(conversation_id)
        if summary is None:
            return False
        self._count_id = None  # a count still on its way is about the chat that leaves
        self.conversation_id = conversation_id
        leaf = summary.current_leaf_id
        self._path = list(self.store.path_to(leaf)) if leaf is not None else []
        self._show_path()
        self.apply_conversation_settings()
        saved = self.store.conversation_settings(conversation_id).get(COLLECTIONS_KEY, ())
        ids = saved if isinstance(saved, list) else []
        self._set_attached(tuple(i for i in ids if isinstance(i, int) and not isinstance(i, bool)))
        self.conversation_opened.emit(summary)
        return True

    def apply_conversation_settings(self) -> None:
        """The open conversation's own system prompt and sampling win over the model's."""
        if self.conversation_id is None:
            return
        summary = self.store.get_conversation(self.conversation_id)
        if summary is None:
            return
        saved = self.store.conversation_settings(self.conversation_id)
        known = {f.name: f for f in fields(SamplingOptions)}
        values = {
            key: value
            for key, value in saved.items()
            if key in known
            and not isinstance(value, bool)
            and (isinstance(value, int | float) or (key == "seed" and value is None))
        }
        for key in ("top_k", "max_tokens"):
            if key in values:
                values[key] = int(values[key])
        self.settings = replace(
            self.settings,
            system_prompt=summary.system_prompt,
            sampling=replace(self.settings.sampling, **values),
        )
        self.overflow = OverflowStrategy.parse(saved.get("overflow"), self.default_overflow)

    def remember_conversation_settings(self) -> None:
        """Keeps changed settings with the open conversation."""
        if self.conversation_id is not None:
            self.store.update_conversation_settings(
                self.conversation_id,
                system_prompt=self.settings.system_prompt,
                settings=self._stored_settings(),
            )

    def set_overflow(self, strategy: OverflowStrategy) -> None:
        """The open conversation's choice for when it outgrows the window; kept with it."""
        self.overflow = OverflowStrategy(strategy)
        if self.conversation_id is not None:
            try:
                self.remember_conversation_settings()
            except Exception as error:
                self.store_failed.emit(str(error))

    # Documents ---------------------------------------------------------------------------------

    def set_documents(self, documents: DocumentCollections) -> None:
        """Lets replies be grounded in the user's collections (the app sets this)."""
        self.documents = documents
        documents.retrieval_finished.connect(self.on_documents_retrieval_finished)
        documents.retrieval_failed.connect(self.on_documents_retrieval_failed)

    def attach_collection(self, collection_id: int) -> None:
        if collection_id not in self.attached:
            self._set_attached((*self.attached, collection_id), save=True)

    def detach_collection(self, collection_id: int) -> None:
        if collection_id in self.attached:
            self._set_attached(tuple(i for i in self.attached if i != collection_id), save=True)

    def _set_attached(self, ids: tuple[int, ...], *, save: bool = False) -> None:
        self.attached = ids
        if save and self.conversation_id is not None:
            try:
                self.store.update_conversation_settings(
                    self.conversation_id, settings=self._stored_settings()
                )
            except Exception as error:
                self.store_failed.emit(str(error))
        self.attached_changed.emit(ids)

    def show_earlier(self) -> None:
        """Adds the next page of earlier messages above the ones shown."""
        shown = self.messages.rowCount()
        hidden = len(self._path) - shown
        if hidden <= 0:
            self.has_earlier_changed.emit(False)
            return
        start = max(0, hidden - PAGE_SIZE)
        self.messages.prepend_rows(self._rows_for(self._path[start:hidden]))
        # A streaming reply's row (and the rows its prompt was sent from) moved down.
        added = hidden - start
        if self._reply_row is not None:
            self._reply_row += added
        self._sent_rows = tuple(row + added for row in self._sent_rows)
        self.has_earlier_changed.emit(start > 0)

    def _show_path(self) -> None:
        start = max(0, len(self._path) - PAGE_SIZE)
        self._set_summary(self.store.summary_for_leaf(self._path[-1].id) if self._path else None)
        self.messages.set_rows(self._rows_for(self._path[start:]))
        self._sent_rows = ()
        self.has_earlier_changed.emit(start > 0)

    def _set_summary(self, summary: RunningSummary | None) -> None:
        self.running_summary = summary
        self.summary_changed.emit(summary)

    def _history(self) -> tuple[list[ChatMessage], list[StoredMessage]]:
        """The branch as the model sees it (failed or empty replies left out), with the stored
        message behind each entry."""
        history: list[ChatMessage] = []
        behind: list[StoredMessage] = []
        for message in self._path:
            if message.role == Role.ASSISTANT and not message.content:
                continue  # a failed or empty reply is not part of the conversation
            if message.role == Role.USER and history and history[-1].role == Role.USER:
                # The reply between them was stopped before it said anything. Strict templates
                # (Gemma's, Mistral's) refuse two user turns in a row, so they go as one turn
                # that starts as the earlier one did (the cached prompt prefix still holds).
                history[-1] = _joined_user_turn(history[-1], message.content)
                behind[-1] = message
                continue
            history.append(ChatMessage(message.role, message.content, message.thinking))
            behind.append(message)
        return history, behind

    def _summary_covers(self, behind: Sequence[StoredMessage]) -> int:
        """History messages the running summary stands for (they are not sent)."""
        summary = self.running_summary
        if summary is None:
            return 0
        for index, message in enumerate(behind):
            if message.id == summary.through_message_id:
                return index + 1
        return 0

    def _not_sent_ids(self) -> set[int]:
        """Messages that the next prompt leaves out: dropped earlier or summarized."""
        _, behind = self._history()
        cut = max(self._still_dropped(behind), self._summary_covers(behind))
        return {message.id for message in behind[:cut]}

    def _still_dropped(self, behind: Sequence[StoredMessage]) -> int:
        """How many of the oldest history messages stay left out (so the model's cache of the
        rest stays usable): all those the last prompt dropped, while they still start this
        branch. A branch that parts from them (an edit of an earlier message, the arrows) starts
        over from what fits."""
        dropped = self._dropped.get(self.conversation_id, ())
        if len(dropped) >= len(behind):
            return 0
        if any(d != message.id for d, message in zip(dropped, behind, strict=False)):
            return 0
        return len(dropped)

    def edit_summary(self, text: str) -> bool:
        """Keeps the user's version of the running summary; the next prompt carries it."""
        summary = self.running_summary
        if summary is None or not text.strip():
            return False
        try:
            self.store.update_summary(summary.id, text.strip())
        except Exception as error:
            self.store_failed.emit(str(error))
            return False
        self._set_summary(replace(summary, content=text.strip(), edited_at=time.time()))
        return True

    def request_count(self, draft: str, focus: str = "") -> int | None:
        """Asks the worker what sending `draft` would take; None when it cannot be asked now
        (no model, or a reply is using the worker: counting must never delay it)."""
        if self.model_info is None or self.is_streaming:
            return None
        history, behind = self._with_draft(draft)
        covers = self._summary_covers(behind)
        self._count_id = next(self._ids)
        self._worker.drop_counts_before(self._count_id)
        self.count_requested.emit(
            CountRequest(
                self._count_id,
                tuple(history),
                self.settings.sampling.max_tokens,
                max(self._still_dropped(behind), covers),
                self.running_summary.content if covers and self.running_summary else "",
                focus,
                thinking=self.settings.thinking,
                reasoning_effort=self.settings.reasoning_effort,
                grounded=self._grounded(),
            )
        )
        return self._count_id

    def prepare_reply(self, draft: str, whole: bool = True) -> int | None:
        """Has the model evaluate the prompt that sending `draft` would make, while the user
        types, so the reply starts at once when they send it; `whole` False stops at the end
        of the draft's text (the reply's header is left for a pause in typing, or the send).

        Returns the request id, or None when nothing is asked: the setting is off, there is
        no model or no draft, a reply is streaming, or sending would first look up passages in
        attached documents (they depend on the sent text)."""
        if (
            not self.prepare_while_typing
            or self.model_info is None
            or self.is_streaming
            or self.is_loading
            or not draft.strip()
            or self._grounded()
        ):
            return None
        history, behind = self._with_draft(draft)
        request_id = next(self._ids)
        self._worker.drop_drafts_before(request_id)
        self.prepare_requested.emit(
            self._generation_request(request_id, history, behind, self.settings.sampling), whole
        )
        return request_id

    def _with_draft(self, draft: str) -> tuple[list[ChatMessage], list[StoredMessage]]:
        """The messages sending `draft` would give (system prompt first), and the stored
        message behind each history entry. An empty draft stands for the turn the user is about
        to write."""
        history, behind = self._history()
        if draft.strip():
            if history and history[-1].role == Role.USER:  # as _history joins them on send
                history[-1] = _joined_user_turn(history[-1], draft)
            else:
                history.append(ChatMessage(Role.USER, draft))
        elif not history or history[-1].role != Role.USER:
            history.append(ChatMessage(Role.USER, " "))
        self._with_system_prompt(history)
        return history, behind

    def _with_system_prompt(self, history: list[ChatMessage]) -> None:
        system = self.settings.system_prompt.strip()
        if system:
            history.insert(0, ChatMessage(Role.SYSTEM, system))

    def _generation_request(
        self,
        request_id: int,
        history: Sequence[ChatMessage],
        behind: Sequence[StoredMessage],
        sampling: SamplingOptions,
    ) -> GenerationRequest:
        """The request for a reply to `history` (a sent one, or a draft to prepare)."""
        summary = self.running_summary
        covers = self._summary_covers(behind)
        return GenerationRequest(
            request_id,
            tuple(history),
            sampling,
            max(self._still_dropped(behind), covers),
            conversation_key=str(self.conversation_id)
            if self.conversation_id is not None
            else None,
            thinking=self.settings.thinking,
            thinking_budget=self.settings.thinking_budget,
            reasoning_effort=self.settings.reasoning_effort,
            overflow=self.overflow,
            summary=summary.content if summary is not None and covers else "",
            summary_covers=covers,
        )

    def _grounded(self) -> bool:
        """Whether sending now would look up passages (an attached collection still exists)."""
        documents = self.documents
        return documents is not None and any(
            documents.name_of(i) is not None for i in self.attached
        )

    def _rows_for(self, messages: Sequence[StoredMessage]) -> list[MessageRow]:
        siblings: dict[int | None, list[int]] = {}
        not_sent = self._not_sent_ids()
        rows = []
        for message in messages:
            if message.parent_id not in siblings:
                siblings[message.parent_id] = [
                    child.id
                    for child in self.store.children(message.parent_id, message.conversation_id)
                ]
            ids = siblings[message.parent_id]
            rows.append(
                MessageRow(
                    message_id=message.id,
                    role=message.role,
                    content=message.content,
                    finish_reason=message.finish_reason,
                    meta=self._meta(message.generation),
                    sibling_index=ids.index(message.id) if message.id in ids else 0,
                    sibling_count=max(1, len(ids)),
                    thinking=message.thinking,
                    thinking_seconds=message.thinking_seconds,
                    sources=message.sources,
                    sources_note=self._stored_note(message.generation),
                    excluded=message.id in not_sent,
                )
            )
        return rows

    @staticmethod
    def _stored_note(generation: GenerationInfo | None) -> SourcesNote | None:
        """The documents note a stored reply showed when it was made."""
        if generation is None or not generation.documents_note:
            return None
        try:
            state = SourcesState(generation.documents_note)
        except ValueError:
            return None
        if state == SourcesState.LEFT_OUT:
            if generation.passages_left_out <= 0:
                return None
            return SourcesNote(state, generation.passages_left_out)
        return None if state == SourcesState.SEARCHING else SourcesNote(state)

    def _remember_note(self, note: DocumentsNote, count: int = 0) -> None:
        """Keeps the reply's documents note in its GenerationInfo, saved with the reply, so it
        is still there after the chat is reopened and goes into exports."""
        if self._reply_info is not None:
            self._reply_info = replace(
                self._reply_info, documents_note=note.value, passages_left_out=count
            )

    @staticmethod
    def _meta(generation: GenerationInfo | None) -> str:
        if generation is None or not generation.model_file:
            return ""
        name = Path(generation.model_file).stem
        if generation.tokens_per_second:
            return f"{name} · {generation.tokens_per_second:.1f} tok/s"
        return name

    def _ensure_conversation(self, first_text: str) -> int:
        if self.conversation_id is None:
            info = self.model_info
            self.conversation_id = self.store.create_conversation(
                auto_title(first_text),
                model_file=info.path if info is not None else "",
                system_prompt=self.settings.system_prompt,
                settings=self._stored_settings(),
            ).id
        return self.conversation_id

    def _stored_settings(self) -> dict[str, object]:
        return {**self._sampling_settings(), "overflow": str(self.overflow)}

    def _sampling_settings(self) -> dict[str, object]:
        """The conversation's settings JSON: sampling, and the attached collections."""
        sampling = self.settings.sampling
        return {
            COLLECTIONS_KEY: list(self.attached),
            "temperature": sampling.temperature,
            "top_p": sampling.top_p,
            "top_k": sampling.top_k,
            "min_p": sampling.min_p,
            "repeat_penalty": sampling.repeat_penalty,
            "max_tokens": sampling.max_tokens,
            "seed": sampling.seed,
        }

    def _announce(self) -> None:
        summary = self.summary()
        if summary is not None:
            self.conversation_changed.emit(summary)

    # Sending, editing, regenerating ------------------------------------------------------------

    def send(self, text: str) -> bool:
        """Stores the user's message and asks for a reply; False (nothing changed) if not now."""
        if not self.can_send or not text.strip():
            return False
        try:
            conversation = self._ensure_conversation(text)
            parent = self._path[-1].id if self._path else None
            message = self.store.add_message(conversation, parent, Role.USER, text)
        except Exception as error:  # the user's text stays in the composer
            self.store_failed.emit(str(error))
            return False
        self._path.append(message)
        count = len(self.store.children(parent, conversation))
        self.messages.append_message(Role.USER, text, message_id=message.id)
        self.messages.set_siblings(self.messages.rowCount() - 1, count - 1, count)
        self._request_reply()
        return True

    def edit(self, row: int, text: str) -> bool:
        """Sends `text` as a new version of the user message at `row`: a new branch."""
        if not self.can_send or not text.strip() or self.conversation_id is None:
            return False
        index = self._path_index(row)
        if index is None or self._path[index].role != Role.USER:
            return False
        parent = self._path[index].parent_id
        try:
            message = self.store.add_message(self.conversation_id, parent, Role.USER, text)
        except Exception as error:
            self.store_failed.emit(str(error))
            return False
        self._path = [*self._path[:index], message]
        self._show_path()
        self._request_reply()
        return True

    def regenerate(self, row: int | None = None) -> bool:
        """A new reply to the same history, kept beside the old one (default: the last reply)."""
        if not self.can_send or self.conversation_id is None or not self._path:
            return False
        if row is None:
            index = len(self._path) - 1
            if self._path[index].role != Role.ASSISTANT:
                index += 1  # the last message is the user's: just ask for its reply
        else:
            found = self._path_index(row)
            if found is None or self._path[found].role != Role.ASSISTANT:
                return False
            index = found
        self._path = self._path[:index]
        if not self._path or self._path[-1].role != Role.USER:
            return False
        self._show_path()
        self._request_reply()
        return True

    def switch_sibling(self, row: int, delta: int) -> bool:
        """Shows the previous or next version of the message at `row` and its continuation."""
        if self.is_streaming or self.conversation_id is None:
            return False
        index = self._path_index(row)
        if index is None:
            return False
        message = self._path[index]
        siblings = self.store.children(message.parent_id, self.conversation_id)
        ids = [sibling.id for sibling in siblings]
        position = ids.index(message.id) + delta if message.id in ids else -1
        if not 0 <= position < len(ids):
            return False
        leaf = self.store.branch_leaf(ids[position])
        self.store.set_current_leaf(self.conversation_id, leaf)
        self._path = list(self.store.path_to(leaf))
        self._show_path()
        return True

    def show_branch_of(self, message_id: int) -> bool:
        """Shows the branch that holds ``message_id`` (a search hit may be on another one);
        False if it is not in the open conversation or a reply is streaming."""
        if self.is_streaming or self.conversation_id is None:
            return False
        if any(message.id == message_id for message in self._path):
            return True
        message = self.store.get_message(message_id)
        if message is None or message.conversation_id != self.conversation_id:
            return False
        leaf = self.store.branch_leaf(message_id)
        self.store.set_current_leaf(self.conversation_id, leaf)
        self._path = list(self.store.path_to(leaf))
        self._show_path()
        return True

    def delete_message(self, row: int) -> bool:
        """Deletes the message at `row` and everything that branches from it."""
        if self.is_streaming or self.conversation_id is None:
            return False
        index = self._path_index(row)
        if index is None:
            return False
        self.store.delete_subtree(self._path[index].id)
        summary = self.store.get_conversation(self.conversation_id)
        leaf = summary.current_leaf_id if summary is not None else None
        self._path = list(self.store.path_to(leaf)) if leaf is not None else []
        self._show_path()
        self._announce()
        return True

    def _path_index(self, row: int) -> int | None:
        """Maps a row on screen to the path (rows may start later in the path when paged)."""
        if not 0 <= row < self.messages.rowCount():
            return None
        index = len(self._path) - self.messages.rowCount() + row
        return index if 0 <= index < len(self._path) else None

    def stop(self) -> None:
        """Stops the reply now; the text so far stays. The worker confirms with reply_finished."""
        if self._reply_id is None:
            return
        self._pending = None
        self._worker.cancel_reply(self._reply_id)
        self._finish_reply(FinishReason.CANCELLED, None)

    def _request_reply(self) -> None:
        assert self.conversation_id is not None and self._path
        history, behind = self._history()
        first_row = len(self._path) - self.messages.rowCount()
        position = {message.id: index for index, message in enumerate(self._path)}
        rows = [position[message.id] - first_row for message in behind]
        self._with_system_prompt(history)
        sampling = self.settings.sampling
        if sampling.seed is None:  # pick it here so the stored reply can be reproduced
            sampling = replace(sampling, seed=int.from_bytes(os.urandom(4), "little") & 0x7FFFFFFF)
        info = self.model_info
        self._reply_info = GenerationInfo(
            model_file=Path(info.path).name if info is not None else "",
            model_sha256=STARTER_SHA256
            if info is not None and is_starter_model(Path(info.path))
            else None,
            quantization=(info.quantization or None) if info is not None else None,
            template_origin=info.template_origin if info is not None else "",
            temperature=sampling.temperature,
            top_p=sampling.top_p,
            top_k=sampling.top_k,
            min_p=sampling.min_p,
            repeat_penalty=sampling.repeat_penalty,
            max_tokens=sampling.max_tokens,
            seed=sampling.seed,
        )
        parent = self._path[-1]
        try:
            reply = self.store.add_message(
                self.conversation_id, parent.id, Role.ASSISTANT, "", generation=self._reply_info
            )
            self.store.set_current_leaf(self.conversation_id, reply.id)
        except Exception as error:
            self.store_failed.emit(str(error))
            return
        self._path.append(reply)
        self._reply_message = reply
        self._reply_text = []
        self._reply_thinking = []
        self._reply_thinking_seconds = None
        self._thinking_since = None
        self._last_save = time.monotonic()
        self._sent_rows = tuple(rows)
        self._sent_messages = tuple(behind)
        self._reply_id = next(self._ids)
        count = len(self.store.children(parent.id, self.conversation_id))
        self._reply_row = self.messages.append_message(
            Role.ASSISTANT, "", streaming=True, message_id=reply.id
        )
        self.messages.set_siblings(self._reply_row, count - 1, count)
        self.streaming_changed.emit(True)
        self._announce()
        # A draft still being prepared is this very prompt, or no longer wanted: either way the
        # reply goes first (what the draft evaluated is reused as far as it matches).
        self._worker.drop_drafts_before(self._reply_id)
        request = self._generation_request(self._reply_id, history, behind, sampling)
        self._pending = None
        documents = self.documents
        attached = [i for i in self.attached if documents and documents.name_of(i) is not None]
        if documents is not None and attached:
            # The passages are looked up off the GUI thread; the request waits for them.
            self._pending = request
            self.messages.set_sources(self._reply_row, (), SourcesNote(SourcesState.SEARCHING))
            earlier = [m.content for m in history[:-1] if m.role == Role.USER]
            documents.retrieve(
                self._reply_id,
                attached,
                history[-1].content,
                DEFAULT_PASSAGES,
                earlier[-1] if earlier else "",
            )
        else:
            self.generate_requested.emit(request)

    @Slot(object)
    def on_documents_retrieval_finished(self, result: RetrievalResult) -> None:
        request = self._pending
        if request is None or result.request_id != request.request_id:
            return  # the reply was stopped or superseded meanwhile
        self._pending = None
        names = tuple(result.collection_names.values()) or tuple(
            self._collection_name(i) for i in self.attached
        )
        sources = sources_from_hits(result.hits, result.collection_names)
        if self._reply_row is not None and not sources:
            self.messages.set_sources(
                self._reply_row, (), SourcesNote(SourcesState.NOTHING_RELEVANT)
            )
            self._remember_note(DocumentsNote.NOTHING_RELEVANT)
        self.generate_requested.emit(replace(request, grounding=Grounding(sources, names)))

    @Slot(int, str)
    def on_documents_retrieval_failed(self, request_id: int, message: str) -> None:
        request = self._pending
        if request is None or request_id != request.request_id:
            return
        self._pending = None
        if self._reply_row is not None:
            self.messages.set_sources(self._reply_row, (), SourcesNote(SourcesState.FAILED))
            self._remember_note(DocumentsNote.FAILED)
        self.generate_requested.emit(request)

    def _collection_name(self, collection_id: int) -> str:
        name = self.documents.name_of(collection_id) if self.documents is not None else None
        return name or ""

    def _store_sources(self, sources: tuple[MessageSource, ...], left_out: int) -> None:
        """Keeps the passages the model was given with the reply, so its citations can be
        followed after a restart and go into exports."""
        if self._reply_row is None:
            return
        row = self.messages.row_data(self._reply_row)
        note = self.messages.data(
            self.messages.index(self._reply_row, 0), MessageListModel.Roles.SourcesNoteRole
        )
        if left_out:
            note = SourcesNote(SourcesState.LEFT_OUT, left_out)
            self._remember_note(DocumentsNote.LEFT_OUT, left_out)
        elif note is not None and note.state == SourcesState.SEARCHING:
            note = None
        self.messages.set_sources(self._reply_row, sources, note)
        if sources and self._reply_message is not None and row.message_id is not None:
            try:
                self.store.update_message(self._reply_message.id, sources=sources)
            except Exception as error:
                self.store_failed.emit(str(error))
            if self._path and self._path[-1].id == self._reply_message.id:
                self._path[-1] = replace(self._path[-1], sources=sources)

    def _save_reply(self, reason: FinishReason | None, stats: ReplyStats | None) -> None:
        message = self._reply_message
        if message is None:
            return
        generation = self._reply_info
        if stats is not None and generation is not None:
            generation = replace(
                generation,
                prompt_tokens=stats.prompt_tokens,
                generated_tokens=stats.generated_tokens,
                tokens_per_second=stats.tokens_per_second,
            )
            self._reply_info = generation
        try:
            self.store.update_message(
                message.id,
                content="".join(self._reply_text),
                thinking=self._thinking_text(final=reason is not None),
                thinking_seconds=self._reply_thinking_seconds,
                finish_reason=reason,
                generation=generation,
                finished_at=time.time() if reason is not None else None,
            )
        except Exception as error:
            self.store_failed.emit(str(error))

    def _finish_reply(self, reason: FinishReason, stats: ReplyStats | None, meta: str = "") -> None:
        if self._reply_thinking_seconds is None and self._thinking_since is not None:
            # Stopped while thinking: the worker's own count will not arrive for this reply.
            self._reply_thinking_seconds = time.monotonic() - self._thinking_since
            if self._reply_row is not None:
                self.messages.set_thinking_finished(self._reply_row, self._reply_thinking_seconds)
        self._save_reply(reason, stats)
        if (
            self._reply_message is not None
            and self._path
            and (self._path[-1].id == self._reply_message.id)
        ):
            self._path[-1] = replace(
                self._path[-1],
                content="".join(self._reply_text),
                thinking=self._thinking_text(final=True),
                thinking_seconds=self._reply_thinking_seconds,
                finished_at=time.time(),
                finish_reason=reason,
                generation=self._reply_info,
            )
        if self._reply_row is not None:
            note = self.messages.data(
                self.messages.index(self._reply_row, 0), MessageListModel.Roles.SourcesNoteRole
            )
            if note is not None and note.state == SourcesState.SEARCHING:  # stopped meanwhile
                self.messages.set_sources(self._reply_row, (), None)
            if not meta:  # stopped or failed while "Summarizing…": that line is over
                self.messages.set_meta(self._reply_row, "")
            self.messages.set_finished(self._reply_row, reason, meta)
        self._reply_id = None
        self._reply_row = None
        self._reply_message = None
        self.streaming_changed.emit(False)
        self._announce()

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
        self._dropped.clear()
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
        self._dropped[self.conversation_id] = tuple(
            message.id for message in self._sent_messages[: info.dropped_messages]
        )
        if self._reply_row is not None:
            self.messages.set_meta(self._reply_row, "")  # no longer "Summarizing…"
        # The plan counts dropped messages after the system prompt, oldest first, which are
        # exactly the first messages that were sent; rows above the page are not on screen.
        self.messages.set_excluded(
            row for row in self._sent_rows[: info.dropped_messages] if row >= 0
        )
        self._store_sources(info.sources, info.sources_left_out)
        self.prompt_info_changed.emit(info)

    @Slot(int)
    def on_worker_summary_started(self, request_id: int) -> None:
        if request_id == self._reply_id and self._reply_row is not None:
            self.messages.set_meta(
                self._reply_row, self.tr("Summarizing the earlier conversation…")
            )

    @Slot(int, object)
    def on_worker_summary_made(self, request_id: int, made: SummaryMade) -> None:
        """Keeps the new summary with the last message it covers, on this branch."""
        if request_id != self._reply_id or self.conversation_id is None:
            return
        if not 0 < made.covers <= len(self._sent_messages):
            return
        through = self._sent_messages[made.covers - 1]
        try:
            summary = self.store.add_summary(self.conversation_id, through.id, made.text)
        except Exception as error:
            self.store_failed.emit(str(error))
            return
        if self._reply_row is not None:
            self.messages.set_meta(self._reply_row, "")
        self._set_summary(summary)

    @Slot(int, object)
    def on_worker_context_counted(self, request_id: int, count: ContextCount) -> None:
        if request_id == self._count_id:
            self.context_counted.emit(count)

    @Slot(int, str)
    def on_worker_reply_delta(self, request_id: int, text: str) -> None:
        if request_id != self._reply_id or self._reply_row is None:
            return
        self.messages.append_delta(self._reply_row, text)
        self._reply_text.append(text)
        now = time.monotonic()
        if now - self._last_save >= SAVE_INTERVAL_S:
            self._last_save = now
            self._save_reply(None, None)

    def _thinking_text(self, final: bool) -> str:
        text = "".join(self._reply_thinking)
        return text.rstrip() if final else text

    @Slot(int, str)
    def on_worker_reply_thinking_delta(self, request_id: int, text: str) -> None:
        if request_id != self._reply_id or self._reply_row is None:
            return
        self.messages.append_thinking_delta(self._reply_row, text)
        self._reply_thinking.append(text)
        if self._thinking_since is None:
            self._thinking_since = time.monotonic()
        now = time.monotonic()
        if now - self._last_save >= SAVE_INTERVAL_S:
            self._last_save = now
            self._save_reply(None, None)

    @Slot(int, float)
    def on_worker_reply_thinking_finished(self, request_id: int, seconds: float) -> None:
        if request_id != self._reply_id or self._reply_row is None:
            return
        self._reply_thinking_seconds = seconds
        self.messages.set_thinking_finished(self._reply_row, seconds)
        self._save_reply(None, None)

    @Slot(int, object)
    def on_worker_reply_finished(self, request_id: int, stats: ReplyStats) -> None:
        self.reply_stats_changed.emit(stats)
        if request_id != self._reply_id:
            return
        meta = ""
        if self.model_info is not None:
            meta = f"{self.model_info.name} · {stats.tokens_per_second:.1f} tok/s"
        self._finish_reply(stats.finish_reason, stats, meta)

    @Slot(int, object)
    def on_worker_reply_failed(self, request_id: int, failure: ReplyFailure) -> None:
        if request_id != self._reply_id:
            return
        self._finish_reply(FinishReason.ERROR, None)
        self.reply_failed.emit(failure)

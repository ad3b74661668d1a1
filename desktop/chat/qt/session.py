"""ChatSession: the Qt adapter of the open conversation and of the loaded model.

It turns user actions into requests for the inference worker, tags each with a fresh request id,
and applies the worker's answers, dropping answers to requests that are no longer current (a
stopped reply, a superseded load). It never blocks: every worker call is a queued signal.

The decisions live in plain objects it owns: ``ConversationState`` (the branch on screen, its
paging, what the model no longer reads), ``ReplyInProgress`` (the reply being written, held by
``ReplyStream``) and, in ``ConversationOptions``, what the open chat is sent with (the per-chat
settings of ``desktop.chat.chat_settings`` and the attached collections). The
``MessageListModel`` only shows ``state.shown`` and is never read back to decide anything.

Every message is written to the ConversationStore as it happens: the user's message before the
reply is requested, the reply as it grows (a few writes a second at most) and when it ends, so a
crash loses at most the last fraction of a second of a reply, never a conversation. Messages
form a tree: an edit or a regeneration adds a sibling, and the rows on screen are the path from
the root to the conversation's current leaf.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import QObject, Signal

from desktop.chat.chat_settings import (
    COLLECTIONS_KEY,
    TITLE_LENGTH,
    ChatSettings,
    attached_collections,
    auto_title,
)
from desktop.chat.context_plan import OverflowStrategy
from desktop.chat.conversation_state import (
    PAGE_SIZE,
    ConversationState,
    sibling_place,
)
from desktop.chat.protocol import ModelInfo, ReplyFailure, ReplyProblem
from desktop.chat.qt.branches import BranchActions
from desktop.chat.qt.conversation_options import ConversationOptions, OptionsField
from desktop.chat.qt.drafts import DraftRequests
from desktop.chat.qt.inference_worker import InferenceWorker
from desktop.chat.qt.message_model import MessageListModel, MessageRow
from desktop.chat.qt.model_loader import ModelLoader
from desktop.chat.qt.reply_stream import ReplyStream
from desktop.chat.reply import SAVE_INTERVAL_S, ReplyInProgress, meta_line, stored_note
from desktop.chat.retrieval import Retriever
from desktop.core.conversation import (
    ConversationSummary,
    Role,
    RunningSummary,
    StoredMessage,
)
from desktop.engine.llama import LoadOptions
from desktop.store.conversations import ConversationStore

__all__ = [
    "COLLECTIONS_KEY",
    "PAGE_SIZE",
    "SAVE_INTERVAL_S",
    "TITLE_LENGTH",
    "ChatSession",
    "ChatSettings",
    "auto_title",
]


class ChatSession(QObject):
    """The open conversation bound to the inference worker and the store.

    Signals:
        load_requested(int, str, LoadOptions): to the worker (queued).
        generate_requested(GenerationRequest): to the worker (queued; sent by ``replies``).
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
        message_returned(str): a message the model could not take (too long for its context
            window) was taken back out of the chat; the composer shows it again.
        conversation_removed(int): this stored chat is gone (its only message was taken
            back); the chat list drops its row.
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
    message_returned = Signal(str)
    conversation_removed = Signal(int)

    def __init__(
        self, worker: InferenceWorker, store: ConversationStore, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._worker = worker
        self.store = store
        self.state = ConversationState(PAGE_SIZE)
        """The branch on screen and what the model reads of it (plain, no Qt)."""
        self.messages = MessageListModel(self)
        self._ids = itertools.count(1)  # one sequence: loads, replies, drafts and counts
        self.options = ConversationOptions(store, self.state, parent=self)
        """What the open chat is sent with: settings, overflow, attached collections."""
        self.options.attached_changed.connect(self.attached_changed)
        self.options.store_failed.connect(self.store_failed)
        self.loader = ModelLoader(worker, self._ids, self.state.forget_dropped, parent=self)
        """The loaded model and the load in flight."""
        loader = self.loader
        loader.load_requested.connect(self.load_requested)
        self.unload_requested.connect(loader.unload_requested)
        loader.loading_changed.connect(self.loading_changed)
        loader.load_progress.connect(self.load_progress)
        loader.model_changed.connect(self.model_changed)
        loader.load_failed.connect(self.load_failed)
        self.replies = ReplyStream(
            worker,
            store,
            self.messages,
            self.state,
            self._model_label,
            parent=self,
        )
        """The reply being written: the worker's answers about it go there."""
        replies = self.replies
        replies.generate_requested.connect(self.generate_requested)
        replies.streaming_changed.connect(self.streaming_changed)
        replies.reply_failed.connect(self._on_reply_failed)
        replies.reply_stats_changed.connect(self.reply_stats_changed)
        replies.prompt_info_changed.connect(self.prompt_info_changed)
        replies.summary_made.connect(self._set_summary)
        replies.reply_changed.connect(self.announce_change)
        replies.store_failed.connect(self.store_failed)
        self.branches = BranchActions(self)
        """Moving between branches, deleting, taking back a message the model refused."""
        self.drafts = DraftRequests(self, worker, self._ids)
        """Counting and preparing the draft while the user types."""
        self.drafts.count_requested.connect(self.count_requested)
        self.drafts.prepare_requested.connect(self.prepare_requested)
        self.drafts.context_counted.connect(self.context_counted)

    # The open chat's options (on ``options``; assignable here too) ---------------------------

    settings: OptionsField[ChatSettings] = OptionsField()
    overflow: OptionsField[OverflowStrategy] = OptionsField()
    default_overflow: OptionsField[OverflowStrategy] = OptionsField()
    prepare_while_typing: OptionsField[bool] = OptionsField()
    retriever: OptionsField[Retriever | None] = OptionsField()

    @property
    def attached(self) -> tuple[int, ...]:
        """The document collections attached to the open chat."""
        return self.options.attached

    # State -----------------------------------------------------------------------------------

    @property
    def conversation_id(self) -> int | None:
        return self.state.conversation_id

    @property
    def running_summary(self) -> RunningSummary | None:
        """The summary that applies to the branch on screen."""
        return self.state.summary

    @property
    def reply(self) -> ReplyInProgress | None:
        """The reply being written, or None."""
        return self.replies.reply

    @property
    def model_info(self) -> ModelInfo | None:
        """The loaded model, or None."""
        return self.loader.model_info

    @property
    def is_loading(self) -> bool:
        return self.loader.load_id is not None

    @property
    def is_streaming(self) -> bool:
        return self.replies.reply is not None

    @property
    def can_send(self) -> bool:
        return self.model_info is not None and not self.is_streaming

    @property
    def path_length(self) -> int:
        """Messages on the open branch, shown or not yet paged in."""
        return len(self.state.path)

    def summary(self) -> ConversationSummary | None:
        if self.conversation_id is None:
            return None
        return self.store.get_conversation(self.conversation_id)

    # Model -------------------------------------------------------------------------------------

    def load_model(self, path: str, options: LoadOptions) -> None:
        """Loads `path`, or the starter model when it is empty. Cancels a load in flight."""
        self.loader.cancel()
        self.stop()
        self.loader.load(path, options)

    def cancel_load(self) -> None:
        self.loader.cancel()

    def unload_model(self) -> None:
        self.stop()
        self.unload_requested.emit()

    # Conversations -----------------------------------------------------------------------------

    def new_chat(self) -> None:
        """Shows an empty chat; it is stored when its first message is sent."""
        self.stop()
        self.drafts.count_id = None  # a count on its way is about the chat that leaves
        self.state.open(None, ())
        self.overflow = self.default_overflow
        self.messages.set_rows(())
        self._set_summary(None)
        self.has_earlier_changed.emit(False)
        self.options.set_attached(())
        self.conversation_opened.emit(None)

    def open_conversation(self, conversation_id: int) -> bool:
        """Shows a stored conversation at its current branch; False if it no longer exists."""
        self.stop()
        summary = self.store.get_conversation(conversation_id)
        if summary is None:
            return False
        self.drafts.count_id = None  # a count on its way is about the chat that leaves
        leaf = summary.current_leaf_id
        self.state.open(conversation_id, self.store.path_to(leaf) if leaf is not None else ())
        self.show_state_path()
        options = self.options
        options.apply_conversation_settings()
        options.set_attached(
            attached_collections(self.store.conversation_settings(conversation_id))
        )
        self.conversation_opened.emit(summary)
        return True

    def apply_conversation_settings(self) -> None:
        """The open conversation's own system prompt and sampling win over the model's."""
        self.options.apply_conversation_settings()

    def remember_conversation_settings(self) -> None:
        """Keeps changed settings with the open conversation."""
        self.options.remember_conversation_settings()

    def set_overflow(self, strategy: OverflowStrategy) -> None:
        """The open conversation's choice for when it outgrows the window; kept with it."""
        self.options.set_overflow(strategy)

    # Documents ---------------------------------------------------------------------------------

    def set_retriever(self, retriever: Retriever | None) -> None:
        """Lets replies be grounded in the user's collections (the app wires the documents
        feature's Retriever here)."""
        self.options.retriever = retriever

    def attach_collection(self, collection_id: int) -> None:
        self.options.attach_collection(collection_id)

    def detach_collection(self, collection_id: int) -> None:
        self.options.detach_collection(collection_id)

    # The branch on screen ----------------------------------------------------------------------

    def show_earlier(self) -> None:
        """Adds the next page of earlier messages above the ones shown."""
        added = self.state.show_earlier()
        if added:
            self.messages.prepend_rows(message_rows(self.store, self.state, added))
        self.has_earlier_changed.emit(self.state.has_earlier)

    def show_state_path(self) -> None:
        """Shows the state's branch anew (its last page): rows, summary, paging."""
        last = self.state.last
        self._set_summary(self.store.summary_for_leaf(last.id) if last is not None else None)
        self.messages.set_rows(message_rows(self.store, self.state, self.state.shown))
        self.has_earlier_changed.emit(self.state.has_earlier)

    def _set_summary(self, summary: RunningSummary | None) -> None:
        self.state.summary = summary
        self.summary_changed.emit(summary)

    def edit_summary(self, text: str) -> bool:
        """Keeps the user's version of the running summary; the next prompt carries it."""
        summary = self.state.summary
        if summary is None or not text.strip():
            return False
        try:
            self.store.update_summary(summary.id, text.strip())
        except Exception as error:
            self.store_failed.emit(str(error))
            return False
        self._set_summary(replace(summary, content=text.strip(), edited_at=time.time()))
        return True

    # Counting and preparing while the user types ----------------------------------------------

    def request_count(self, draft: str, focus: str = "") -> int | None:
        """Asks the worker what sending `draft` would take; None when it cannot be asked now
        (no model, or a reply is using the worker: counting must never delay it)."""
        return self.drafts.count(draft, focus)

    def prepare_reply(self, draft: str, whole: bool = True) -> int | None:
        """Has the model evaluate the prompt that sending `draft` would make, while the user
        types, so the reply starts at once when they send it; `whole` False stops at the end
        of the draft's text (the reply's header is left for a pause in typing, or the send).

        Returns the request id, or None when nothing is asked: the setting is off, there is
        no model or no draft, a reply is streaming, or sending would first look up passages in
        attached documents (they depend on the sent text)."""
        return self.drafts.prepare(draft, whole)

    # Sending, editing, regenerating ------------------------------------------------------------

    def _model_label(self) -> str | None:
        """The model's name for a finished reply's line; a server's model says where it ran."""
        info = self.model_info
        if info is None:
            return None
        return f"{info.name} @ {info.host}" if info.host else info.name

    def _ensure_conversation(self, first_text: str) -> int:
        if self.state.conversation_id is None:
            info = self.model_info
            self.state.conversation_id = self.store.create_conversation(
                auto_title(first_text),
                model_file=info.path if info is not None else "",
                system_prompt=self.settings.system_prompt,
                settings=self.options.stored(),
            ).id
        return self.state.conversation_id

    def announce_change(self) -> None:
        """Tells the chat list that the open conversation changed (a new message, a title)."""
        summary = self.summary()
        if summary is not None:
            self.conversation_changed.emit(summary)

    def send(self, text: str) -> bool:
        """Stores the user's message and asks for a reply; False (nothing changed) if not now."""
        if not self.can_send or not text.strip():
            return False
        try:
            conversation = self._ensure_conversation(text)
            last = self.state.last
            parent = last.id if last is not None else None
            message = self.store.add_message(conversation, parent, Role.USER, text)
        except Exception as error:  # the user's text stays in the composer
            self.store_failed.emit(str(error))
            return False
        row = self.state.append(message)
        count = len(self.store.children(parent, conversation))
        self.messages.append_message(Role.USER, text, message_id=message.id)
        self.messages.set_siblings(row, count - 1, count)
        self.branches.new_message_id = message.id
        self._request_reply()
        return True

    def edit(self, row: int, text: str) -> bool:
        """Sends `text` as a new version of the user message at `row`: a new branch."""
        if not self.can_send or not text.strip() or self.conversation_id is None:
            return False
        index = self.state.path_index(row)
        if index is None or self.state.path[index].role != Role.USER:
            return False
        parent = self.state.path[index].parent_id
        try:
            message = self.store.add_message(self.conversation_id, parent, Role.USER, text)
        except Exception as error:
            self.store_failed.emit(str(error))
            return False
        self.state.show_path([*self.state.path[:index], message])
        self.show_state_path()
        self.branches.new_message_id = message.id
        self._request_reply()
        return True

    def regenerate(self, row: int | None = None) -> bool:
        """A new reply to the same history, kept beside the old one (default: the last reply)."""
        if not self.can_send or self.conversation_id is None:
            return False
        keep = self.state.regenerate_from(row)
        if keep is None:
            return False
        self.state.show_path(self.state.path[:keep])
        self.show_state_path()
        self.branches.new_message_id = None  # the message was answered before: it stays
        self._request_reply()
        return True

    def switch_sibling(self, row: int, delta: int) -> bool:
        """Shows the previous or next version of the message at `row` and its continuation."""
        return self.branches.switch_sibling(row, delta)

    def show_branch_of(self, message_id: int) -> bool:
        """Shows the branch that holds ``message_id`` (a search hit may be on another one);
        False if it is not in the open conversation or a reply is streaming."""
        return self.branches.show_branch_of(message_id)

    def delete_message(self, row: int) -> bool:
        """Deletes the message at `row` and everything that branches from it."""
        return self.branches.delete_message(row)

    def stop(self) -> None:
        """Stops the reply now; the text so far stays. The worker confirms with reply_finished."""
        self.replies.stop()

    def _on_reply_failed(self, failure: ReplyFailure) -> None:
        """A message too long for the window never enters the chat: it goes back to the
        composer (message_returned) before the failure is told."""
        if failure.problem == ReplyProblem.PROMPT_TOO_LONG:
            text = self.branches.take_back_last_message()
            if text is not None:
                self.message_returned.emit(text)
        self.reply_failed.emit(failure)

    def _request_reply(self) -> None:
        """Asks for a reply to the branch on screen (its last message is the user's)."""
        self.replies.ask(
            next(self._ids), self.settings, self.overflow, self.model_info, self.options.grounding()
        )


def message_rows(
    store: ConversationStore, state: ConversationState, messages: Sequence[StoredMessage]
) -> list[MessageRow]:
    """The rows that show ``messages`` of ``state``'s branch: with their place among their
    siblings (from the store) and whether the next prompt leaves them out."""
    siblings: dict[int | None, list[int]] = {}
    not_sent = state.not_sent_ids()
    rows = []
    for message in messages:
        if message.parent_id not in siblings:
            children = store.children(message.parent_id, message.conversation_id)
            siblings[message.parent_id] = [child.id for child in children]
        index, count = sibling_place(siblings[message.parent_id], message.id)
        rows.append(
            MessageRow(
                message_id=message.id,
                role=message.role,
                content=message.content,
                finish_reason=message.finish_reason,
                meta=meta_line(message.generation),
                sibling_index=index,
                sibling_count=count,
                thinking=message.thinking,
                thinking_seconds=message.thinking_seconds,
                sources=message.sources,
                sources_note=stored_note(message.generation),
                excluded=message.id in not_sent,
            )
        )
    return rows

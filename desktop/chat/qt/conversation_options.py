"""ConversationOptions: the chat session's part that holds what the open chat is sent with.

The settings (system prompt, sampling), the overflow choice, the attached document collections
and the retriever that grounds replies in them; read from and kept with the conversation in the
store. Why apart from :class:`~desktop.chat.qt.session.ChatSession`: none of it takes part in
the branch on screen or the reply being written, which are the session's own work; the session
owns one and forwards its public names (``session.settings = ...`` still works).
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar, cast

from PySide6.QtCore import QObject, Signal

from desktop.chat.chat_settings import (
    ChatSettings,
    read_settings,
    stored_settings,
)
from desktop.chat.context_plan import OverflowStrategy
from desktop.chat.conversation_state import ConversationState
from desktop.chat.retrieval import Retriever
from desktop.store.conversations import ConversationStore

__all__ = ["ConversationOptions", "Grounding", "OptionsField"]

#: What a reply is grounded in: the retriever, the attached collections that still exist and
#: the names of all attached ones (ReplyStream.ask takes it as is).
Grounding = tuple[Retriever, tuple[int, ...], tuple[str, ...]]

T = TypeVar("T")


class OptionsField(Generic[T]):
    """An attribute of the session that lives on its ``options`` (a ConversationOptions):
    reading and assigning it on the session reads and assigns the option.

    Why a descriptor and not a property each: the session forwards five of them, and other
    features and the tests assign them on the session."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> T:
        if instance is None:
            return cast(T, self)
        return cast(T, getattr(instance.options, self.name))

    def __set__(self, instance: Any, value: T) -> None:
        setattr(instance.options, self.name, value)


class ConversationOptions(QObject):
    """The open chat's settings, overflow choice and attached collections.

    ``state`` tells which conversation is open (None: a new chat, not stored yet); changes to a
    stored one are kept with it at once.

    Signals:
        attached_changed(tuple[int, ...]): the document collections attached to the open chat.
        store_failed(str): keeping a change in the database failed; the message says why.
    """

    attached_changed = Signal(object)
    store_failed = Signal(str)

    def __init__(
        self, store: ConversationStore, state: ConversationState, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.state = state
        self.settings = ChatSettings()
        self.default_overflow = OverflowStrategy.DROP
        """The app-wide choice; a conversation's own choice (`overflow`) wins."""
        self.overflow = OverflowStrategy.DROP
        self.retriever: Retriever | None = None
        self.attached: tuple[int, ...] = ()
        self.prepare_while_typing = True
        """Whether prepare_reply has the model evaluate the draft ahead (a setting)."""

    def stored(self) -> dict[str, object]:
        """The settings JSON the open chat is kept with."""
        return stored_settings(self.settings, self.overflow, self.attached)

    def apply_conversation_settings(self) -> None:
        """The open conversation's own system prompt and sampling win over the model's."""
        conversation_id = self.state.conversation_id
        if conversation_id is None:
            return
        summary = self.store.get_conversation(conversation_id)
        if summary is None:
            return
        saved = self.store.conversation_settings(conversation_id)
        self.settings, self.overflow = read_settings(
            saved, summary.system_prompt, self.settings, self.default_overflow
        )

    def remember_conversation_settings(self) -> None:
        """Keeps changed settings with the open conversation."""
        if self.state.conversation_id is not None:
            self.store.update_conversation_settings(
                self.state.conversation_id,
                system_prompt=self.settings.system_prompt,
                settings=self.stored(),
            )

    def set_overflow(self, strategy: OverflowStrategy) -> None:
        """The open conversation's choice for when it outgrows the window; kept with it."""
        self.overflow = OverflowStrategy(strategy)
        if self.state.conversation_id is not None:
            try:
                self.remember_conversation_settings()
            except Exception as error:
                self.store_failed.emit(str(error))

    def attach_collection(self, collection_id: int) -> None:
        if collection_id not in self.attached:
            self.set_attached((*self.attached, collection_id), save=True)

    def detach_collection(self, collection_id: int) -> None:
        if collection_id in self.attached:
            self.set_attached(tuple(i for i in self.attached if i != collection_id), save=True)

    def set_attached(self, ids: tuple[int, ...], *, save: bool = False) -> None:
        """Attaches exactly `ids`; `save`: keeps them with the open conversation (if stored)."""
        self.attached = ids
        if save and self.state.conversation_id is not None:
            try:
                self.store.update_conversation_settings(
                    self.state.conversation_id,
                    settings=stored_settings(self.settings, self.overflow, ids),
                )
            except Exception as error:
                self.store_failed.emit(str(error))
        self.attached_changed.emit(ids)

    def grounded_collections(self) -> list[int]:
        """The attached collections that still exist: sending now looks up passages in them."""
        retriever = self.retriever
        if retriever is None:
            return []
        return [i for i in self.attached if retriever.name_of(i) is not None]

    def grounding(self) -> Grounding | None:
        """What a reply sent now is grounded in, or None when it looks up nothing."""
        grounded, retriever = self.grounded_collections(), self.retriever
        names = tuple(retriever.name_of(i) or "" for i in self.attached) if retriever else ()
        return (retriever, tuple(grounded), names) if grounded and retriever is not None else None

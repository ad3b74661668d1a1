"""ConversationOptions on its own (store and state, no worker): what the open chat is sent with,
read from and kept with the conversation; and the session's forwarding of its names."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from desktop.chat.chat_settings import ChatSettings
from desktop.chat.context_plan import OverflowStrategy
from desktop.chat.conversation_state import ConversationState
from desktop.chat.qt.conversation_options import ConversationOptions, OptionsField
from desktop.store.conversations import ConversationStore


@pytest.fixture
def store(private_data_dir: Path) -> Iterator[ConversationStore]:
    private_data_dir.mkdir(parents=True, exist_ok=True)
    opened = ConversationStore.open(private_data_dir / "chats.db")
    yield opened
    opened.close()


def test_attached_collections_are_kept_with_a_stored_chat_only(qtbot, store) -> None:
    state = ConversationState(10)
    options = ConversationOptions(store, state)
    seen: list[object] = []
    options.attached_changed.connect(seen.append)
    options.attach_collection(3)  # a new chat: nothing stored yet
    assert options.attached == (3,) and seen == [(3,)]
    state.conversation_id = store.create_conversation("Chat", settings=options.stored()).id
    options.attach_collection(5)
    options.attach_collection(5)  # already attached: no change, no signal
    options.detach_collection(3)
    assert seen == [(3,), (3, 5), (5,)]
    assert store.conversation_settings(state.conversation_id)["collections"] == [5]


def test_a_chats_own_overflow_is_kept_and_read_back(qtbot, store) -> None:
    state = ConversationState(10)
    options = ConversationOptions(store, state)
    state.conversation_id = store.create_conversation("Chat", settings=options.stored()).id
    options.set_overflow(OverflowStrategy.SUMMARIZE)
    options.overflow = OverflowStrategy.DROP
    options.apply_conversation_settings()
    assert options.overflow == OverflowStrategy.SUMMARIZE
    assert options.grounding() is None  # no retriever: nothing to look up


def test_a_forwarded_field_reads_and_assigns_the_owners_options(qtbot, store) -> None:
    class Owner:
        settings: OptionsField[ChatSettings] = OptionsField()

        def __init__(self) -> None:
            self.options = ConversationOptions(store, ConversationState(10))

    owner = Owner()
    chosen = replace(ChatSettings(), system_prompt="Be brief.")
    owner.settings = chosen
    assert owner.options.settings is chosen and owner.settings is chosen
    assert isinstance(Owner.settings, OptionsField)

"""BranchActions: the chat session's part that moves between and removes branches.

Showing another version of a message (and its continuation), the branch that holds a search
hit, deleting a message with everything below it, and taking back a message the model could
not take (too long for its window) so that it never stays in the chat. Split from
ChatSession (session.py), which forwards its public methods here; the branch on screen is
always shown anew through ``ChatSession.show_state_path``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.chat.conversation_state import sibling_step

if TYPE_CHECKING:
    from desktop.chat.qt.session import ChatSession
    from desktop.core.conversation import StoredMessage

__all__ = ["BranchActions"]


class BranchActions:
    """Branch moves of the session that owns it (plain Python; the session's signals tell)."""

    def __init__(self, session: ChatSession) -> None:
        self._session = session
        self.new_message_id: int | None = None
        """The user's message the reply now asked for answers, if the user just wrote it (a
        send or an edit); None for a regeneration, whose message stays whatever happens."""

    def _idle_message(self, row: int) -> StoredMessage | None:
        """The message at `row` when the chat may change (a chat is open, no reply streams)."""
        session = self._session
        if session.is_streaming or session.conversation_id is None:
            return None
        return session.state.message_at(row)

    def switch_sibling(self, row: int, delta: int) -> bool:
        """See ChatSession.switch_sibling."""
        session = self._session
        message = self._idle_message(row)
        if message is None:
            return False
        siblings = session.store.children(message.parent_id, session.conversation_id)
        target = sibling_step([sibling.id for sibling in siblings], message.id, delta)
        return target is not None and self.show_branch(target)

    def show_branch_of(self, message_id: int) -> bool:
        """See ChatSession.show_branch_of."""
        session = self._session
        if session.is_streaming or session.conversation_id is None:
            return False
        if session.state.holds(message_id):
            return True
        message = session.store.get_message(message_id)
        if message is None or message.conversation_id != session.conversation_id:
            return False
        return self.show_branch(message_id)

    def show_branch(self, message_id: int) -> bool:
        """Makes the newest continuation of ``message_id`` current and shows it."""
        session = self._session
        assert session.conversation_id is not None
        leaf = session.store.branch_leaf(message_id)
        session.store.set_current_leaf(session.conversation_id, leaf)
        session.state.show_path(session.store.path_to(leaf))
        session.show_state_path()
        return True

    def delete_message(self, row: int) -> bool:
        """See ChatSession.delete_message."""
        session = self._session
        message = self._idle_message(row)
        if message is None:
            return False
        session.store.delete_subtree(message.id)
        summary = session.store.get_conversation(session.conversation_id)
        leaf = summary.current_leaf_id if summary is not None else None
        session.state.show_path(session.store.path_to(leaf) if leaf is not None else ())
        session.show_state_path()
        session.announce_change()
        return True

    def take_back_last_message(self) -> str | None:
        """Deletes the message just sent (or edited) and its failed reply, and shows the
        branch as it was; a chat left empty is removed (conversation_removed). Returns the
        message's text, or None when the branch does not end in such a turn."""
        session = self._session
        state, store = session.state, session.store
        path, conversation = state.path, session.conversation_id
        if (
            conversation is None
            or len(path) < 2
            or path[-2].id != self.new_message_id
            or not state.last_reply_failed()
        ):
            return None
        message = path[-2]
        try:
            store.delete_subtree(message.id)
            siblings = store.children(message.parent_id, conversation)
            emptied = message.parent_id is None and not siblings
            if emptied:
                store.purge_conversation(conversation)
        except Exception as error:
            session.store_failed.emit(str(error))
            return None
        if emptied:
            session.new_chat()
            session.conversation_removed.emit(conversation)
        elif siblings:  # an edit: the version before it comes back
            self.show_branch(siblings[-1].id)
        else:
            state.show_path(path[:-2])
            session.show_state_path()
        session.announce_change()
        return message.content

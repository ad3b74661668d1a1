"""The open conversation as plain state: the branch on screen, how much of it is shown, and
which of its turns the model no longer reads.

Why a plain object: every decision about the conversation on screen (which row is which
message, what "show earlier" adds, which turns a prompt leaves out or a summary stands for,
which version of a turn comes next) is made here, without Qt, so it is tested in milliseconds
with random trees. The chat session and the Qt item model only adapt it: the item model shows
``shown`` and is never read back to decide anything (napari's pure ``ViewerModel`` with its Qt
adapters is the example).

Messages form a tree per conversation; ``path`` is the root → current leaf of the branch on
screen. Only its last ``page_size`` messages are shown when it opens; ``show_earlier`` pages in
the rest. Row ``r`` on screen is ``path[first_shown + r]``.
"""

from __future__ import annotations

from collections.abc import Sequence

from desktop.core.conversation import (
    ChatMessage,
    FinishReason,
    Role,
    RunningSummary,
    StoredMessage,
)

__all__ = [
    "PAGE_SIZE",
    "ConversationState",
    "joined_user_turn",
    "sibling_place",
    "sibling_step",
]

PAGE_SIZE = 200
"""Rows shown when a conversation opens; earlier ones are added as the user scrolls up."""


def joined_user_turn(earlier: ChatMessage, text: str) -> ChatMessage:
    """One user turn made of two that no reply came between."""
    return ChatMessage(Role.USER, f"{earlier.content}\n\n{text}")


def sibling_place(sibling_ids: Sequence[int], message_id: int) -> tuple[int, int]:
    """(index, count) of ``message_id`` among the versions of its turn, oldest first; a message
    the list does not hold is shown as the only version (0, 1)."""
    if message_id not in sibling_ids:
        return 0, max(1, len(sibling_ids))
    return list(sibling_ids).index(message_id), len(sibling_ids)


def sibling_step(sibling_ids: Sequence[int], message_id: int, delta: int) -> int | None:
    """The id of the version ``delta`` steps from ``message_id``; None past either end."""
    if message_id not in sibling_ids:
        return None
    position = list(sibling_ids).index(message_id) + delta
    return sibling_ids[position] if 0 <= position < len(sibling_ids) else None


class ConversationState:
    """The branch on screen of the open conversation, its paging, and what the model skips.

    ``dropped`` remembers, per conversation, the oldest messages the last prompt left out (the
    context window was full), so the next prompt leaves them out too and the model's cache of
    the rest stays usable; ``summary`` is the running summary that applies to this branch.
    """

    def __init__(self, page_size: int = PAGE_SIZE) -> None:
        if page_size < 1:
            raise ValueError(f"page size {page_size}")
        self.page_size = page_size
        self.conversation_id: int | None = None
        self.path: list[StoredMessage] = []
        self.first_shown = 0
        self.summary: RunningSummary | None = None
        self._dropped: dict[int | None, tuple[int, ...]] = {}

    # The branch and its paging -----------------------------------------------------------------

    def open(self, conversation_id: int | None, path: Sequence[StoredMessage]) -> None:
        """Another conversation (None: a new, unsaved chat), shown at the end of ``path``."""
        self.conversation_id = conversation_id
        self.show_path(path)

    def show_path(self, path: Sequence[StoredMessage]) -> None:
        """Another branch of the open conversation; its last page is shown."""
        self.path = list(path)
        self.first_shown = max(0, len(self.path) - self.page_size)

    @property
    def shown(self) -> list[StoredMessage]:
        """The messages on screen, one row each, oldest first."""
        return self.path[self.first_shown :]

    @property
    def row_count(self) -> int:
        return len(self.path) - self.first_shown

    @property
    def has_earlier(self) -> bool:
        """Whether earlier messages of the branch are not shown yet."""
        return self.first_shown > 0

    def show_earlier(self) -> list[StoredMessage]:
        """Pages in up to ``page_size`` earlier messages; returns them (to go above row 0)."""
        start = max(0, self.first_shown - self.page_size)
        added = self.path[start : self.first_shown]
        self.first_shown = start
        return added

    def path_index(self, row: int) -> int | None:
        """The path position of the message at ``row`` on screen; None if there is no row."""
        if not 0 <= row < self.row_count:
            return None
        return self.first_shown + row

    def row_of_index(self, index: int) -> int | None:
        """The row showing ``path[index]``; None above the page or outside the path."""
        if not self.first_shown <= index < len(self.path):
            return None
        return index - self.first_shown

    def row_of_message(self, message_id: int) -> int | None:
        """The row showing stored message ``message_id``; None if it is not on screen."""
        for index in range(len(self.path) - 1, self.first_shown - 1, -1):
            if self.path[index].id == message_id:
                return index - self.first_shown
        return None

    def message_at(self, row: int) -> StoredMessage | None:
        index = self.path_index(row)
        return None if index is None else self.path[index]

    def regenerate_from(self, row: int | None) -> int | None:
        """How much of the path a new version of the reply at ``row`` follows (the path is cut
        there and a reply asked for); ``row`` None: the last reply, or the reply the user's last
        message still lacks. None when ``row`` is not a reply or no user message precedes it."""
        path = self.path
        if not path:
            return None
        if row is None:
            keep = len(path) - 1
            if path[keep].role != Role.ASSISTANT:
                keep += 1  # the last message is the user's: just ask for its reply
        else:
            found = self.path_index(row)
            if found is None or path[found].role != Role.ASSISTANT:
                return None
            keep = found
        return keep if keep > 0 and path[keep - 1].role == Role.USER else None

    def append(self, message: StoredMessage) -> int:
        """A new last message of the branch (shown); returns its row."""
        self.path.append(message)
        return len(self.path) - 1 - self.first_shown

    def update(self, message: StoredMessage) -> bool:
        """Replaces the path's message with the same id (a reply that grew); False if absent."""
        for index in range(len(self.path) - 1, -1, -1):
            if self.path[index].id == message.id:
                self.path[index] = message
                return True
        return False

    def holds(self, message_id: int) -> bool:
        return any(message.id == message_id for message in self.path)

    @property
    def last(self) -> StoredMessage | None:
        return self.path[-1] if self.path else None

    # What the model reads ----------------------------------------------------------------------

    def history(self) -> tuple[list[ChatMessage], list[StoredMessage]]:
        """The branch as the model sees it (failed or empty replies left out), with the stored
        message behind each entry."""
        history: list[ChatMessage] = []
        behind: list[StoredMessage] = []
        failed = False  # the reply skipped last failed before it said anything
        for message in self.path:
            if message.role == Role.ASSISTANT and not message.content:
                failed = message.finish_reason == FinishReason.ERROR
                continue  # a failed or empty reply is not part of the conversation
            if message.role == Role.USER and history and history[-1].role == Role.USER:
                if failed:
                    # A message whose reply failed (too long for the window, a template
                    # error) was never part of the conversation: joined to the next one it
                    # would make that fail too, and one turn would leave the chat unusable.
                    history[-1] = ChatMessage(message.role, message.content, message.thinking)
                    behind[-1] = message
                    failed = False
                    continue
                # The reply between them was stopped before it said anything. Strict templates
                # (Gemma's, Mistral's) refuse two user turns in a row, so they go as one turn
                # that starts as the earlier one did (the cached prompt prefix still holds).
                history[-1] = joined_user_turn(history[-1], message.content)
                behind[-1] = message
                continue
            history.append(ChatMessage(message.role, message.content, message.thinking))
            behind.append(message)
        return history, behind

    def last_reply_failed(self) -> bool:
        """Whether the branch ends in a reply that failed before it said anything."""
        last = self.last
        return (
            last is not None
            and last.role == Role.ASSISTANT
            and not last.content
            and last.finish_reason == FinishReason.ERROR
        )

    def with_draft(self, draft: str) -> tuple[list[ChatMessage], list[StoredMessage]]:
        """The history sending ``draft`` would give, and the stored message behind each entry
        before it. An empty draft stands for the turn the user is about to write."""
        history, behind = self.history()
        if draft.strip():
            if history and history[-1].role == Role.USER and self.last_reply_failed():
                history[-1] = ChatMessage(Role.USER, draft)  # as history() replaces it on send
            elif history and history[-1].role == Role.USER:  # as history() joins them on send
                history[-1] = joined_user_turn(history[-1], draft)
            else:
                history.append(ChatMessage(Role.USER, draft))
        elif not history or history[-1].role != Role.USER:
            history.append(ChatMessage(Role.USER, " "))
        return history, behind

    def summary_covers(self, behind: Sequence[StoredMessage]) -> int:
        """History messages the running summary stands for (they are not sent)."""
        summary = self.summary
        if summary is None:
            return 0
        for index, message in enumerate(behind):
            if message.id == summary.through_message_id:
                return index + 1
        return 0

    def still_dropped(self, behind: Sequence[StoredMessage]) -> int:
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

    def skipped(self, behind: Sequence[StoredMessage]) -> int:
        """The oldest history messages the next prompt leaves out: dropped or summarized."""
        return max(self.still_dropped(behind), self.summary_covers(behind))

    def not_sent_ids(self) -> set[int]:
        """Messages that the next prompt leaves out: dropped earlier or summarized."""
        _, behind = self.history()
        return {message.id for message in behind[: self.skipped(behind)]}

    def remember_dropped(self, sent: Sequence[StoredMessage], count: int) -> list[int]:
        """The prompt made from ``sent`` left out its first ``count`` messages; returns the rows
        on screen that show them (those above the page are not on screen)."""
        left_out = sent[: max(0, count)]
        self._dropped[self.conversation_id] = tuple(message.id for message in left_out)
        rows = (self.row_of_message(message.id) for message in left_out)
        return [row for row in rows if row is not None]

    def forget_dropped(self) -> None:
        """Another model: what the old one's window left out says nothing about the new one."""
        self._dropped.clear()

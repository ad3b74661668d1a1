"""Item model holding the messages of the conversation on screen.

The chat view is a thin adapter over this model, so everything it shows (text, who wrote it,
whether a reply is still streaming, whether it still fits the context window) lives here and
nowhere else. Streaming replies grow by many small deltas; the model keeps them as a list of
chunks and joins lazily so a delta costs O(len(delta)), not O(len(reply)).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import ClassVar

from PySide6.QtCore import Qt

from desktop.chat.reply import SourcesNote, SourcesState
from desktop.core.conversation import ChatMessage, FinishReason, MessageSource, Role
from desktop.qtkit.list_model import RoleValue, RowListModel

__all__ = ["MessageListModel", "MessageRow", "SourcesNote", "SourcesState"]


@dataclass(frozen=True, slots=True)
class MessageRow:
    """One row as the caller builds it from the store, or reads it back.

    Frozen so a caller can keep it (e.g. to compare before and after a rebuild) without the
    model changing it underneath. ``message_id`` is ``None`` for a row that is not stored yet;
    ``sibling_index``/``sibling_count`` place the message among the versions that share its
    parent (edits and regenerations), so the view can offer to switch between them.
    """

    message_id: int | None
    role: Role
    content: str
    finish_reason: FinishReason | None = None
    meta: str = ""
    sibling_index: int = 0
    sibling_count: int = 1
    excluded: bool = False
    streaming: bool = False
    thinking: str = ""
    thinking_seconds: float | None = None
    sources: tuple[MessageSource, ...] = ()
    sources_note: SourcesNote | None = None


def _check_siblings(index: int, count: int) -> None:
    # A wrong count would show arrows that lead nowhere; fail where the mistake is made.
    if count < 1 or not 0 <= index < count:
        raise ValueError(f"sibling {index} of {count}")


class _GrowingText:
    """Text that grows by many small deltas (a reply, its thinking): a delta costs
    O(len(delta)); the chunks are joined when the text is read, and collapsed into one then,
    so repeated reads stay cheap and the chunk list never grows without bound."""

    __slots__ = ("_chunks", "_joined")

    def __init__(self, text: str = "") -> None:
        self._chunks: list[str] = [text] if text else []
        self._joined: str | None = text

    def append(self, delta: str) -> None:
        self._chunks.append(delta)
        self._joined = None

    def text(self) -> str:
        if self._joined is None:
            self._joined = "".join(self._chunks)
            self._chunks = [self._joined] if self._joined else []
        return self._joined


@dataclass(slots=True, eq=False)
class _Row:
    role: Role
    body: _GrowingText = field(default_factory=_GrowingText)
    finish_reason: FinishReason | None = None
    streaming: bool = False
    excluded: bool = False
    meta: str = ""
    message_id: int | None = None
    sibling_index: int = 0
    sibling_count: int = 1
    thinking_text: _GrowingText = field(default_factory=_GrowingText)
    thinking_seconds: float | None = None
    thinking_active: bool = False
    sources: tuple[MessageSource, ...] = ()
    sources_note: SourcesNote | None = None

    @classmethod
    def from_message_row(cls, row: MessageRow) -> _Row:
        _check_siblings(row.sibling_index, row.sibling_count)
        return cls(
            role=Role(row.role),
            body=_GrowingText(row.content),
            finish_reason=FinishReason(row.finish_reason) if row.finish_reason else None,
            streaming=row.streaming,
            excluded=row.excluded,
            meta=row.meta,
            message_id=row.message_id,
            sibling_index=row.sibling_index,
            sibling_count=row.sibling_count,
            thinking_text=_GrowingText(row.thinking),
            thinking_seconds=row.thinking_seconds,
            sources=tuple(row.sources),
            sources_note=row.sources_note,
        )

    @property
    def thinking(self) -> str:  # ThinkingRole
        return self.thinking_text.text()

    @property
    def content(self) -> str:  # ContentRole
        return self.body.text()


class MessageListModel(RowListModel):
    """The messages of one conversation, one row each, oldest first.

    Every change emits ``dataChanged`` for exactly the one row that changed, with the list of
    roles that changed, so a view re-renders only that row.

    Signals:
        The standard ``QAbstractItemModel`` signals only (rowsInserted, rowsRemoved,
        dataChanged, modelReset, ...).
    """

    class Roles(IntEnum):
        RoleRole = Qt.ItemDataRole.UserRole + 1  # desktop.core.conversation.Role
        ContentRole = Qt.ItemDataRole.UserRole + 2  # str, raw Markdown / plain text
        FinishReasonRole = Qt.ItemDataRole.UserRole + 3  # FinishReason | None
        StreamingRole = Qt.ItemDataRole.UserRole + 4  # bool
        ExcludedRole = Qt.ItemDataRole.UserRole + 5  # bool: no longer fits the context window
        MetaRole = Qt.ItemDataRole.UserRole + 6  # str, e.g. "gemma-3-270m · 12.3 tok/s"
        MessageIdRole = Qt.ItemDataRole.UserRole + 7  # int | None: stored id, None until stored
        SiblingIndexRole = Qt.ItemDataRole.UserRole + 8  # int, 0-based among its siblings
        SiblingCountRole = Qt.ItemDataRole.UserRole + 9  # int >= 1
        ThinkingRole = Qt.ItemDataRole.UserRole + 10  # str: the reply's reasoning, markers removed
        ThinkingSecondsRole = Qt.ItemDataRole.UserRole + 11  # float | None: how long it thought
        ThinkingActiveRole = Qt.ItemDataRole.UserRole + 12  # bool: the thinking is streaming
        SourcesRole = Qt.ItemDataRole.UserRole + 20  # tuple[MessageSource, ...]: cited passages
        SourcesNoteRole = Qt.ItemDataRole.UserRole + 21  # SourcesNote | None

    # Every role reads the _Row attribute its name says (ContentRole: content); the base's
    # data() does the reading.
    ROLE_VALUES: ClassVar[Mapping[int, RoleValue]] = {Qt.ItemDataRole.DisplayRole: "content"}

    # -- editing -----------------------------------------------------------------------------

    def append_message(
        self,
        role: Role,
        content: str = "",
        *,
        streaming: bool = False,
        message_id: int | None = None,
    ) -> int:
        """Add a message at the end and return its row.

        A reply that is about to stream is appended empty with ``streaming=True`` and grown
        with :meth:`append_delta`. ``message_id`` may be left out and set with
        :meth:`set_message_id` once the store has assigned one.
        """
        row_number = len(self.rows)
        entry = _Row(
            role=Role(role), body=_GrowingText(content), streaming=streaming, message_id=message_id
        )
        self.insert_rows(row_number, [entry])
        return row_number

    def append_delta(self, row: int, text: str) -> None:
        """Append streamed text to ``row``; costs O(len(text)) however long the reply is."""
        if not text:
            return
        entry = self._row(row)
        entry.body.append(text)
        self.row_data_changed(row, self.Roles.ContentRole, Qt.ItemDataRole.DisplayRole)

    def append_thinking_delta(self, row: int, text: str) -> None:
        """Append streamed thinking to ``row``; the first delta marks its thinking active."""
        if not text:
            return
        entry = self._row(row)
        entry.thinking_text.append(text)
        if entry.thinking_active:
            self.row_data_changed(row, self.Roles.ThinkingRole)
        else:
            entry.thinking_active = True
            self.row_data_changed(row, self.Roles.ThinkingRole, self.Roles.ThinkingActiveRole)

    def set_thinking_finished(self, row: int, seconds: float | None) -> None:
        """The thinking of ``row`` ended after ``seconds`` (the answer starts now)."""
        entry = self._row(row)
        entry.thinking_active = False
        entry.thinking_seconds = seconds
        self.row_data_changed(row, self.Roles.ThinkingActiveRole, self.Roles.ThinkingSecondsRole)

    def set_content(self, row: int, content: str) -> None:
        """Replace the whole text of ``row`` (e.g. after an edit or a reload)."""
        entry = self._row(row)
        entry.body = _GrowingText(content)
        self.row_data_changed(row, self.Roles.ContentRole, Qt.ItemDataRole.DisplayRole)

    def set_finished(self, row: int, reason: FinishReason, meta: str = "") -> None:
        """Mark a reply as done streaming, with why it ended and an optional meta line."""
        entry = self._row(row)
        entry.streaming = False
        entry.finish_reason = FinishReason(reason)
        roles = [self.Roles.StreamingRole, self.Roles.FinishReasonRole]
        if entry.thinking_active:  # stopped while thinking
            entry.thinking_active = False
            roles.append(self.Roles.ThinkingActiveRole)
        if meta:
            entry.meta = meta
            roles.append(self.Roles.MetaRole)
        self.row_data_changed(row, *roles)

    def set_meta(self, row: int, meta: str) -> None:
        """Update the small line shown next to the author (model name, speed)."""
        entry = self._row(row)
        if entry.meta != meta:
            entry.meta = meta
            self.row_data_changed(row, self.Roles.MetaRole)

    def set_excluded(self, rows: Iterable[int]) -> None:
        """Mark exactly ``rows`` as no longer sent to the model; all other rows are cleared.

        One ``dataChanged`` per row whose flag actually flips.
        """
        wanted = set(rows)
        for row_number, entry in enumerate(self.rows):
            excluded = row_number in wanted
            if entry.excluded != excluded:
                entry.excluded = excluded
                self.row_data_changed(row_number, self.Roles.ExcludedRole)

    def set_excluded_before(self, count: int) -> None:
        """Mark the first ``count`` rows as excluded (the usual shape of context truncation)."""
        self.set_excluded(range(max(0, count)))

    def remove_rows_from(self, row: int) -> None:
        """Drop ``row`` and everything after it; used to regenerate the last reply."""
        if row < 0:
            raise IndexError(row)
        last = len(self.rows) - 1
        if row <= last:
            self.remove_rows(row, last)

    def set_messages(self, messages: Iterable[ChatMessage]) -> None:
        """Replace the whole conversation at once (one ``modelReset``), e.g. on switching chats."""
        self.reset_rows(_Row(role=Role(m.role), body=_GrowingText(m.content)) for m in messages)

    def set_rows(self, rows: Sequence[MessageRow]) -> None:
        """Replace the whole conversation with ``rows`` (one ``modelReset``).

        Used when a conversation opens or a branch switch changes the path shown: the rows
        below the switch all change, so a reset is cheaper than diffing.
        """
        self.reset_rows([_Row.from_message_row(r) for r in rows])  # validated before resetting

    def prepend_rows(self, rows: Sequence[MessageRow]) -> None:
        """Insert ``rows`` above the first row (earlier messages loaded while scrolling up).

        An insert rather than a reset, so the view keeps the bubbles it has and the user's
        scroll position.
        """
        self.insert_rows(0, [_Row.from_message_row(r) for r in rows])

    def set_message_id(self, row: int, message_id: int | None) -> None:
        """Record the id the store gave ``row`` (rows are appended before they are stored)."""
        entry = self._row(row)
        if entry.message_id != message_id:
            entry.message_id = message_id
            self.row_data_changed(row, self.Roles.MessageIdRole)

    def set_siblings(self, row: int, index: int, count: int) -> None:
        """Place ``row`` as version ``index`` (0-based) of ``count``; e.g. after a regenerate.

        Raises ``ValueError`` unless ``0 <= index < count``.
        """
        _check_siblings(index, count)
        entry = self._row(row)
        if (entry.sibling_index, entry.sibling_count) != (index, count):
            entry.sibling_index, entry.sibling_count = index, count
            self.row_data_changed(row, self.Roles.SiblingIndexRole, self.Roles.SiblingCountRole)

    def set_sources(
        self, row: int, sources: Sequence[MessageSource], note: SourcesNote | None = None
    ) -> None:
        """The passages a reply was given (its citations) and a note about the search."""
        entry = self._row(row)
        sources = tuple(sources)
        if (entry.sources, entry.sources_note) != (sources, note):
            entry.sources, entry.sources_note = sources, note
            self.row_data_changed(row, self.Roles.SourcesRole, self.Roles.SourcesNoteRole)

    def clear(self) -> None:
        """Remove every message."""
        self.set_messages(())

    # -- queries -----------------------------------------------------------------------------

    def messages(self, *, include_streaming: bool = True) -> tuple[ChatMessage, ...]:
        """The conversation as the model sees it: role and text of every row, in order.

        Context truncation is decided in core, not here, so excluded rows are included.
        ``include_streaming=False`` leaves out a reply that is still being written (e.g. the
        empty placeholder appended just before generating).
        """
        return tuple(
            ChatMessage(role=entry.role, content=entry.content)
            for entry in self.rows
            if include_streaming or not entry.streaming
        )

    def row_data(self, row: int) -> MessageRow:
        """Everything the model holds about ``row``, as one frozen value."""
        entry = self._row(row)
        return MessageRow(
            message_id=entry.message_id,
            role=entry.role,
            content=entry.content,
            finish_reason=entry.finish_reason,
            meta=entry.meta,
            sibling_index=entry.sibling_index,
            sibling_count=entry.sibling_count,
            excluded=entry.excluded,
            streaming=entry.streaming,
            thinking=entry.thinking,
            thinking_seconds=entry.thinking_seconds,
            sources=entry.sources,
            sources_note=entry.sources_note,
        )

    def row_of_message(self, message_id: int) -> int | None:
        """Row showing stored message ``message_id``, or ``None`` if it is not on screen.

        Searches from the newest row: the ones asked about (the reply being written, the
        message just edited) are usually near the end.
        """
        if message_id is None:
            return None  # unstored rows have no identity to look up
        found = self.find_row(lambda entry: entry.message_id == message_id, newest_first=True)
        return found if found >= 0 else None

    def last_row_of_role(self, role: Role) -> int | None:
        """Row of the newest message written by ``role``, or ``None``."""
        found = self.find_row(lambda entry: entry.role == role, newest_first=True)
        return found if found >= 0 else None

    # -- helpers -----------------------------------------------------------------------------

    def _row(self, row: int) -> _Row:
        return self.row_or_raise(row, "message")

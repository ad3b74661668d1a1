"""The reply being written, as one plain object made per reply.

Why: a reply in progress has many parts (its request id, the stored message it grows into,
its text and thinking, how long it thought, the documents note, the prompt it was sent with,
when it was last saved). Kept as one object created when the reply is asked for and dropped
when it ends, nothing from one reply can leak into the next, and nothing needs resetting by
hand. The text is kept here once, as chunks joined lazily, so a delta costs O(len(delta)).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from desktop.core.conversation import (
    DocumentsNote,
    FinishReason,
    GenerationInfo,
    MessageSource,
    StoredMessage,
)
from desktop.core.remote import locator_host, split_remote_locator

__all__ = [
    "BLANK_RUN_LIMIT",
    "SAVE_INTERVAL_S",
    "ReplyInProgress",
    "SourcesNote",
    "SourcesState",
    "blank_tail_length",
    "meta_line",
    "stored_note",
]

SAVE_INTERVAL_S = 0.25
"""How often a growing reply is written; a crash loses at most this much of it."""

BLANK_RUN_LIMIT = 160
"""Characters of blank answer text in a row (spaces, new lines, zero-width characters) after
which a reply is stopped. Small models can fall into writing only blank lines until Max tokens;
nothing a person reads is made of this many blank characters in a row (indentation and blank
lines between paragraphs come a few at a time), so the user is spared a growing empty reply."""


def _is_blank(char: str) -> bool:
    # Format characters (Cf: zero-width space and joiners, soft hyphen, direction marks) draw
    # nothing, as white space does.
    return char.isspace() or unicodedata.category(char) == "Cf"


def blank_tail_length(text: str) -> int:
    """How many characters at the end of ``text`` are blank (see :data:`BLANK_RUN_LIMIT`)."""
    count = 0
    for char in reversed(text):
        if not _is_blank(char):
            break
        count += 1
    return count


class SourcesState(StrEnum):
    """Where a reply stands with the user's documents; the view words each one."""

    SEARCHING = "searching"  # the question is being looked up
    NOTHING_RELEVANT = "nothing-relevant"  # the attached collections do not talk about it
    LEFT_OUT = "left-out"  # some passages did not fit the context window
    FAILED = "failed"  # the search failed; the reply goes on without sources


@dataclass(frozen=True, slots=True)
class SourcesNote:
    state: SourcesState
    count: int = 0  # LEFT_OUT: how many passages


def stored_note(generation: GenerationInfo | None) -> SourcesNote | None:
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


def meta_line(generation: GenerationInfo | None) -> str:
    """The line under a stored reply: model name and speed, as the window said when the reply
    ended (replies kept before the name was kept show the file's name)."""
    if generation is None or not generation.model_file:
        return ""
    remote = split_remote_locator(generation.model_file)
    if remote is not None:  # a server's model: its name and where it ran
        base_url, model = remote
        model_name = generation.model_name or model.rstrip("/").rsplit("/", 1)[-1]
        name = f"{model_name} @ {locator_host(base_url)}"
    else:
        name = generation.model_name or Path(generation.model_file).stem
    if generation.tokens_per_second:
        return f"{name} · {generation.tokens_per_second:.1f} tok/s"
    return name


def _joined(chunks: list[str]) -> str:
    text = "".join(chunks)
    chunks[:] = [text] if text else []  # later reads stay cheap and the list stays short
    return text


@dataclass(slots=True, eq=False)
class ReplyInProgress:
    """One reply from the moment it is asked for until it ends.

    ``message`` is the stored reply (stored empty when asked for, kept up to date here);
    ``sent`` the stored messages behind the history the prompt was made from, oldest first
    (the worker counts the messages it drops and the turns a summary covers in them);
    ``sources_note`` what the reply says about the user's documents. ``last_save`` is the
    monotonic time of the last write: :meth:`add_text` says when the next one is due.
    """

    request_id: int
    message: StoredMessage
    info: GenerationInfo
    sent: tuple[StoredMessage, ...] = ()
    last_save: float = 0.0
    thinking_seconds: float | None = None
    thinking_since: float | None = None
    sources_note: SourcesNote | None = None
    finish_reason: FinishReason | None = None
    blank_run: int = 0
    """Blank characters at the end of the answer so far (see :data:`BLANK_RUN_LIMIT`)."""
    _text: list[str] = field(default_factory=list, init=False, repr=False)
    _thinking: list[str] = field(default_factory=list, init=False, repr=False)

    # Growing ----------------------------------------------------------------------------------

    @property
    def text(self) -> str:
        return _joined(self._text)

    def thinking(self, final: bool = False) -> str:
        """The thinking so far; ``final`` strips the whitespace a model leaves before answering."""
        text = _joined(self._thinking)
        return text.rstrip() if final else text

    def add_text(self, delta: str, now: float) -> bool:
        """Appends answer text; True when the reply is due to be saved (and counts it saved)."""
        if delta:
            self._text.append(delta)
            tail = blank_tail_length(delta)
            self.blank_run = self.blank_run + tail if tail == len(delta) else tail
        return self._save_due(now)

    @property
    def runs_blank(self) -> bool:
        """The answer has ended in :data:`BLANK_RUN_LIMIT` blank characters: the model is
        writing nothing a person can read, and the reply should stop."""
        return self.blank_run >= BLANK_RUN_LIMIT

    def drop_blank_tail(self) -> None:
        """Forgets the blank run at the end of the answer (a reply stopped for it keeps
        everything before, with no empty tail)."""
        if self.blank_run:
            text = self.text
            self._text[:] = [text[: len(text) - self.blank_run]]
            self.blank_run = 0

    def add_thinking(self, delta: str, now: float) -> bool:
        """Appends thinking text (the first delta starts the thinking clock); True when due."""
        if delta:
            self._thinking.append(delta)
        if self.thinking_since is None:
            self.thinking_since = now
        return self._save_due(now)

    def _save_due(self, now: float) -> bool:
        if now - self.last_save >= SAVE_INTERVAL_S:
            self.last_save = now
            return True
        return False

    def end_thinking(self, seconds: float) -> None:
        """The model stopped thinking after ``seconds`` (its own count)."""
        self.thinking_seconds = seconds

    def stop_thinking(self, now: float) -> float | None:
        """Stopped while thinking: the worker's own count will not arrive, so the time so far
        counts. Returns the seconds when this ended the thinking, else None."""
        if self.thinking_seconds is not None or self.thinking_since is None:
            return None
        self.thinking_seconds = now - self.thinking_since
        return self.thinking_seconds

    # The user's documents ------------------------------------------------------------------------

    def searching(self) -> None:
        """The question is being looked up in the attached collections."""
        self.sources_note = SourcesNote(SourcesState.SEARCHING)

    @property
    def is_searching(self) -> bool:
        return self.sources_note is not None and self.sources_note.state == SourcesState.SEARCHING

    def found_nothing(self) -> None:
        self._note(SourcesState.NOTHING_RELEVANT, DocumentsNote.NOTHING_RELEVANT)

    def search_failed(self) -> None:
        self._note(SourcesState.FAILED, DocumentsNote.FAILED)

    def given_sources(self, sources: tuple[MessageSource, ...], left_out: int) -> None:
        """The prompt carries ``sources``; ``left_out`` more did not fit the window."""
        if left_out:
            self._note(SourcesState.LEFT_OUT, DocumentsNote.LEFT_OUT, left_out)
        elif self.is_searching:
            self.sources_note = None
        if sources:
            self.message = replace(self.message, sources=sources)

    def _note(self, state: SourcesState, note: DocumentsNote, count: int = 0) -> None:
        # Kept in the GenerationInfo too, saved with the reply, so it is still there after the
        # chat is reopened and goes into exports.
        self.sources_note = SourcesNote(state, count)
        self.info = replace(self.info, documents_note=note.value, passages_left_out=count)

    # Ending -------------------------------------------------------------------------------------

    def record_stats(self, prompt_tokens: int, generated_tokens: int, per_second: float) -> None:
        self.info = replace(
            self.info,
            prompt_tokens=prompt_tokens,
            generated_tokens=generated_tokens,
            tokens_per_second=per_second,
        )

    def finish(self, reason: FinishReason, now: float) -> StoredMessage:
        """The reply ended for ``reason`` at unix time ``now``: the message as it is kept.
        A search still under way when it ended says nothing any more."""
        self.finish_reason = FinishReason(reason)
        if self.is_searching:
            self.sources_note = None
        self.message = replace(
            self.message,
            content=self.text,
            thinking=self.thinking(final=True),
            thinking_seconds=self.thinking_seconds,
            finished_at=now,
            finish_reason=self.finish_reason,
            generation=self.info,
        )
        return self.message

"""What every export format shares: the values an export is made from, the translated words
(``ExportLabels``), the walk over the message tree (visible path, all branches), and the facts
a transcript shows about a conversation and each reply.

Pure Python: the UI passes translated words in through :class:`ExportLabels`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from desktop.core.conversation import (
    ConversationSummary,
    DocumentsNote,
    FinishReason,
    GenerationInfo,
    MessageSource,
    Role,
    RunningSummary,
    StoredMessage,
)


@dataclass(frozen=True, slots=True)
class ExportConversation:
    """Everything an export needs, gathered by the caller (``ConversationStore.export_tree``)."""

    summary: ConversationSummary
    settings: Mapping[str, Any]
    messages: tuple[StoredMessage, ...]
    #: Running summaries of turns that fell out of the context window (the store's
    #: ``summaries``), each covering the path from the root to its ``through_message_id``.
    summaries: tuple[RunningSummary, ...] = ()


class ImportFormatError(ValueError):
    """The file cannot be imported; ``str(error)`` is one sentence fit to show the user."""


class ExportFormat(StrEnum):
    MARKDOWN = "markdown"
    JSON = "json"
    HTML = "html"
    TEXT = "text"

    @property
    def suffix(self) -> str:
        return {"markdown": ".md", "json": ".json", "html": ".html", "text": ".txt"}[self.value]


@dataclass(frozen=True, slots=True)
class ExportLabels:
    """Words the exports put into the document, so the UI can pass translations.

    Patterns are ``str.format`` strings with the named fields shown in the defaults; a broken
    translation falls back to the English default instead of failing the export.
    """

    you: str = "You"
    assistant: str = "Assistant"
    system: str = "System"
    created: str = "Created"
    updated: str = "Updated"
    model: str = "Model"
    quantization: str = "Quantization"
    sha256: str = "SHA-256"
    system_prompt: str = "System prompt"
    settings: str = "Settings"
    template: str = "Chat template"
    none: str = "none"
    branch: str = "Branch {path} ({index} of {count})"
    current_branch: str = "shown in the app"
    finished: str = "Finished: {reason}"
    #: A fact and its value, and a heading over what follows: each language's own colon.
    field: str = "{name}: {value}"
    heading: str = "{name}:"
    finish_stop: str = "stop"
    finish_length: str = "length limit"
    finish_cancelled: str = "stopped by the user"
    finish_error: str = "error"
    finish_interrupted: str = "interrupted"
    finish_context: str = "context window full"
    finish_blank: str = "stopped: only blank space"
    unfinished: str = "not finished"
    tokens: str = "{prompt} prompt tokens, {generated} generated"
    speed: str = "{speed:.1f} tokens/s"
    exported_by: str = "Exported from Hearthside"
    code: str = "code"
    image: str = "[image: {alt}]"
    thinking: str = "Thinking"
    thought_for: str = "Thought for {seconds} s"
    sources: str = "Sources"
    page: str = "page {page}"
    nothing_relevant: str = (
        "Nothing relevant was found in the attached collections; "
        "this reply is not based on your documents."
    )
    search_failed: str = "Your documents could not be searched; this reply is not based on them."
    #: ``count -> sentence``: a function, so each language makes its own plural.
    left_out: Callable[[int], str] = lambda n: (
        f"{n} passage{'' if n == 1 else 's'} did not fit in the context window and "
        f"{'was' if n == 1 else 'were'} left out."
    )
    earlier_summary: str = "Earlier conversation, summarized"
    summary_edited: str = "Earlier conversation, summarized (edited)"

    def role(self, role: Role) -> str:
        return {Role.USER: self.you, Role.ASSISTANT: self.assistant, Role.SYSTEM: self.system}[role]

    def finish_reason(self, reason: FinishReason | None) -> str:
        if reason is None:
            return self.unfinished
        return {
            FinishReason.STOP: self.finish_stop,
            FinishReason.LENGTH: self.finish_length,
            FinishReason.CANCELLED: self.finish_cancelled,
            FinishReason.ERROR: self.finish_error,
            FinishReason.INTERRUPTED: self.finish_interrupted,
            FinishReason.CONTEXT: self.finish_context,
            FinishReason.BLANK: self.finish_blank,
        }[reason]

    def fill(self, pattern: str, /, **values: Any) -> str:
        """Formats the label ``pattern``; a translation with wrong fields falls back to
        English."""
        try:
            return str(getattr(self, pattern)).format(**values)
        except (KeyError, IndexError, ValueError, AttributeError):
            return str(getattr(DEFAULT_LABELS, pattern)).format(**values)


DEFAULT_LABELS = ExportLabels()


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """How a transcript is written: chosen once (the export dialog) and carried as one value
    through every writer, the export of all chats and the PDF. JSON, the lossless backup,
    ignores it and always holds the whole tree, thinking included."""

    #: Every branch, numbered, instead of only the one on screen.
    all_branches: bool = False
    #: The replies' thinking (folded away where the format can fold).
    include_thinking: bool = True
    #: The words the document is written in (the UI passes its translation).
    labels: ExportLabels = DEFAULT_LABELS


DEFAULT_OPTIONS = ExportOptions()


def format_timestamp(seconds: float | None) -> str:
    """ISO 8601 in UTC (``2024-05-01T10:00:00Z``); readers anywhere get the same instant."""
    if seconds is None:
        return ""
    try:
        moment = datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return str(seconds)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def children_map(messages: Sequence[StoredMessage]) -> dict[int | None, list[StoredMessage]]:
    """Children per parent id, oldest first; orphans count as roots so nothing is lost."""
    ids = {m.id for m in messages}
    children: dict[int | None, list[StoredMessage]] = {}
    for message in messages:
        parent = message.parent_id if message.parent_id in ids else None
        children.setdefault(parent, []).append(message)
    for siblings in children.values():
        siblings.sort(key=lambda m: (m.created_at, m.id))
    return children


def visible_path(conversation: ExportConversation) -> list[StoredMessage]:
    """Root → current leaf: what the app shows. Without a valid leaf, the newest message's path."""
    by_id = {m.id: m for m in conversation.messages}
    leaf = by_id.get(conversation.summary.current_leaf_id)  # type: ignore[arg-type]
    if leaf is None and by_id:
        leaf = max(by_id.values(), key=lambda m: (m.created_at, m.id))
    path: list[StoredMessage] = []
    seen: set[int] = set()
    while leaf is not None and leaf.id not in seen:
        seen.add(leaf.id)
        path.append(leaf)
        leaf = by_id.get(leaf.parent_id) if leaf.parent_id is not None else None
    path.reverse()
    return path


@dataclass(frozen=True, slots=True)
class TranscriptEvent:
    """One step of a transcript walk; writers turn a list of these into their format.

    ``kind`` is ``"message"`` (``message`` set), ``"branch_start"`` (``path``, ``index``,
    ``count``, ``current`` set) or ``"branch_end"``. ``depth`` is how many branches enclose it.
    """

    kind: str
    depth: int
    message: StoredMessage | None = None
    path: str = ""
    index: int = 0
    count: int = 0
    current: bool = False


def transcript_events(
    conversation: ExportConversation, *, all_branches: bool = False
) -> list[TranscriptEvent]:
    """The order a reader sees messages in.

    With ``all_branches`` every fork becomes numbered branches (``1``, ``2``, then ``2.1`` …)
    in creation order, the one on screen marked current; a straight run of messages stays flat
    so an unbranched chat reads exactly like the visible-branch export.
    """
    if not all_branches:
        return [TranscriptEvent("message", 0, m) for m in visible_path(conversation)]
    children = children_map(conversation.messages)
    on_screen = {m.id for m in visible_path(conversation)}
    events: list[TranscriptEvent] = []
    seen: set[int] = set()
    # An explicit stack instead of recursion: a long chat is one deep chain. Tasks are
    # ("run", starts, depth, path), ("chain", message, depth, path) or ("event", event).
    stack: list[tuple[Any, ...]] = [("run", children.get(None, []), 0, "")]
    while stack:
        task = stack.pop()
        if task[0] == "event":
            events.append(task[1])
            continue
        if task[0] == "run":
            _, starts, depth, path = task
            if len(starts) == 1:
                stack.append(("chain", starts[0], depth, path))
                continue
            for number in range(len(starts), 0, -1):
                start = starts[number - 1]
                sub = f"{path}.{number}" if path else str(number)
                stack.append(("event", TranscriptEvent("branch_end", depth)))
                stack.append(("chain", start, depth + 1, sub))
                head = TranscriptEvent(
                    "branch_start",
                    depth,
                    path=sub,
                    index=number,
                    count=len(starts),
                    current=start.id in on_screen,
                )
                stack.append(("event", head))
            continue
        _, message, depth, path = task
        while message is not None and message.id not in seen:
            seen.add(message.id)
            events.append(TranscriptEvent("message", depth, message))
            kids = children.get(message.id, [])
            if len(kids) == 1:
                message = kids[0]
            else:
                if kids:
                    stack.append(("run", kids, depth, path))
                message = None
    return events


@dataclass(frozen=True, slots=True)
class TranscriptPart:
    """One step of the walk with every word a writer shows already chosen, so the formats
    (Markdown, text, HTML, PDF) only lay it out. Empty strings mean "nothing to show".

    ``heading`` is a branch start's title ("Branch 1.2 (2 of 3)"); for a message, ``role`` is
    its author's name, ``meta`` the facts line, ``thinking`` its thinking (stripped; empty when
    left out), ``documents_note`` what its search for passages said, and ``summary`` the
    running summary shown after it (stripped), titled ``summary_title``.
    """

    event: TranscriptEvent
    heading: str = ""
    role: str = ""
    meta: str = ""
    thinking_title: str = ""
    thinking: str = ""
    documents_note: str = ""
    summary_title: str = ""
    summary: str = ""


def transcript_parts(
    conversation: ExportConversation, options: ExportOptions = DEFAULT_OPTIONS
) -> list[TranscriptPart]:
    """:func:`transcript_events` with the words each step shows: the one walk every
    transcript writer makes."""
    labels = options.labels
    known = headline_generation(conversation)
    notes = summaries_by_message(conversation)
    parts = []
    for event in transcript_events(conversation, all_branches=options.all_branches):
        message = event.message
        if event.kind == "branch_start":
            heading = labels.fill("branch", path=event.path, index=event.index, count=event.count)
            parts.append(TranscriptPart(event, heading=heading))
        elif event.kind != "message" or message is None:
            parts.append(TranscriptPart(event))
        else:
            thinking = message.thinking.strip() if options.include_thinking else ""
            note = notes.get(message.id)
            summary = note.content.strip() if note is not None else ""
            parts.append(
                TranscriptPart(
                    event,
                    role=labels.role(message.role),
                    meta=" · ".join(message_metadata(message, labels, known=known)),
                    thinking_title=thinking_title(message, labels) if thinking else "",
                    thinking=thinking,
                    documents_note=documents_note_text(message, labels),
                    summary_title=summary_title(note, labels) if note and summary else "",
                    summary=summary,
                )
            )
    return parts


def summaries_by_message(conversation: ExportConversation) -> dict[int, RunningSummary]:
    """The summary to show after each message it covers through: the newest one per message
    (an older one through the same message was replaced); summaries of missing messages are
    left out."""
    ids = {m.id for m in conversation.messages}
    shown: dict[int, RunningSummary] = {}
    for summary in sorted(conversation.summaries, key=lambda s: (s.created_at, s.id)):
        if summary.through_message_id in ids:
            shown[summary.through_message_id] = summary
    return shown


def summary_title(summary: RunningSummary, labels: ExportLabels = DEFAULT_LABELS) -> str:
    """ "Earlier conversation, summarized", marked when the user edited the model's text."""
    return labels.earlier_summary if summary.edited_at is None else labels.summary_edited


def documents_note_text(message: StoredMessage, labels: ExportLabels = DEFAULT_LABELS) -> str:
    """The note a reply grounded in documents showed under it ("Nothing relevant was found…",
    "2 passages did not fit…"), or "" for none."""
    info = message.generation
    if info is None or message.role is not Role.ASSISTANT:
        return ""
    if info.documents_note == DocumentsNote.NOTHING_RELEVANT:
        return labels.nothing_relevant
    if info.documents_note == DocumentsNote.FAILED:
        return labels.search_failed
    if info.documents_note == DocumentsNote.LEFT_OUT and info.passages_left_out > 0:
        try:
            return str(labels.left_out(info.passages_left_out))
        except Exception:  # a broken translation must not fail the export
            return DEFAULT_LABELS.left_out(info.passages_left_out)
    return ""


def _number(value: float | None) -> str:
    """repr keeps the exact value (``0.7``, not a rounded ``0.70``) so it can be reused."""
    return "" if value is None else repr(value)


def headline_generation(conversation: ExportConversation) -> GenerationInfo | None:
    """The newest reply's generation info on the branch on screen (else anywhere).

    It is what a transcript's head shows and what ``message_metadata(known=...)`` omits.
    """
    with_info = [m for m in visible_path(conversation) if m.generation is not None]
    with_info = with_info or [m for m in conversation.messages if m.generation is not None]
    if not with_info:
        return None
    return max(with_info, key=lambda m: (m.created_at, m.id)).generation


def conversation_metadata(
    conversation: ExportConversation, labels: ExportLabels = DEFAULT_LABELS
) -> list[tuple[str, str]]:
    """``(label, value)`` rows for the head of a transcript.

    Quantization and SHA-256 come from the newest reply's generation info: the summary only
    knows the file name, and the file a name points at can change.
    """
    summary = conversation.summary
    latest = headline_generation(conversation)
    # The file that made the newest reply is what a reader needs to reproduce it; replies
    # made with another file name theirs.
    model_file = (latest.model_file if latest else "") or summary.model_file
    rows = [
        (labels.created, format_timestamp(summary.created_at)),
        (labels.updated, format_timestamp(summary.updated_at)),
        (labels.model, model_file or labels.none),
    ]
    if latest is not None:
        rows.append((labels.quantization, latest.quantization or labels.none))
        rows.append((labels.sha256, latest.model_sha256 or labels.none))
    if conversation.settings:
        rows.append((labels.settings, _settings_text(conversation.settings)))
    return rows


def _settings_text(settings: Mapping[str, Any]) -> str:
    return ", ".join(
        f"{key} = {json.dumps(value, ensure_ascii=False, default=str)}"
        for key, value in sorted(settings.items(), key=lambda item: str(item[0]))
    )


def message_metadata(
    message: StoredMessage,
    labels: ExportLabels = DEFAULT_LABELS,
    *,
    known: GenerationInfo | None = None,
) -> list[str]:
    """Short facts about one message: time, and for replies how exactly it was made.

    Model facts equal to ``known`` (what the transcript head already says) are left out, so
    a long chat does not repeat the same SHA-256 under every reply.
    """
    parts = [format_timestamp(message.created_at)]
    if message.role is not Role.ASSISTANT:
        return parts
    parts.append(labels.fill("finished", reason=labels.finish_reason(message.finish_reason)))
    info = message.generation
    if info is None:
        return parts
    same_model = known is not None and (info.model_file, info.quantization, info.model_sha256) == (
        known.model_file,
        known.quantization,
        known.model_sha256,
    )
    if not same_model:
        if info.model_file:
            parts.append(labels.fill("field", name=labels.model, value=info.model_file))
        if info.quantization:
            parts.append(labels.fill("field", name=labels.quantization, value=info.quantization))
        if info.model_sha256:
            parts.append(labels.fill("field", name=labels.sha256, value=info.model_sha256))
    if info.template_origin:
        parts.append(labels.fill("field", name=labels.template, value=info.template_origin))
    sampling = [
        ("temperature", info.temperature),
        ("top_p", info.top_p),
        ("top_k", info.top_k),
        ("min_p", info.min_p),
        ("repeat_penalty", info.repeat_penalty),
        ("max_tokens", info.max_tokens),
        ("seed", info.seed),
    ]
    shown = [f"{name} {_number(value)}" for name, value in sampling if value is not None]
    if shown:
        parts.append(", ".join(shown))
    parts.append(labels.fill("tokens", prompt=info.prompt_tokens, generated=info.generated_tokens))
    speed = info.tokens_per_second if math.isfinite(info.tokens_per_second) else 0.0
    parts.append(labels.fill("speed", speed=speed))
    return parts


def thinking_title(message: StoredMessage, labels: ExportLabels) -> str:
    seconds = message.thinking_seconds
    if seconds is None or not math.isfinite(seconds):
        return labels.thinking
    return labels.fill("thought_for", seconds=max(1, round(seconds)))


def source_place(source: MessageSource, labels: ExportLabels = DEFAULT_LABELS) -> str:
    """'report.pdf, page 3, Heading': a source as the exports name it."""
    parts = [Path(source.file).name or source.file]
    if source.page is not None:
        parts.append(labels.fill("page", page=source.page))
    if source.heading:
        parts.append(source.heading)
    return ", ".join(parts)


def one_line(text: str) -> str:
    return " ".join(text.split())

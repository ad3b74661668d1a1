"""Conversation export (Markdown, JSON, HTML, plain text) and import (our JSON, ChatGPT's).

Two audiences shape this module:

* A person reading a transcript later, maybe to reproduce it. Every format therefore carries
  the model file, quantization, SHA-256, system prompt and, per reply, the sampling parameters,
  seed, token counts, speed and finish reason.
* The app reading its own backup. The JSON format is versioned and lossless: the whole message
  tree with ids, parent ids and every :class:`GenerationInfo` field, so importing it gives the
  same conversation back. Anything read from a file is untrusted: :func:`read_import` validates
  every value and raises :class:`ImportFormatError` with one sentence naming what is wrong,
  never a ``KeyError`` from deep inside and never half a result.

Model output is untrusted in the HTML export too: the page carries a Content-Security-Policy
that forbids scripts and every remote load, all text is escaped, and replies go through
:func:`desktop.core.markdown.render_markdown`, which already refuses raw HTML and images.

Pure Python: the UI passes translated words in through :class:`ExportLabels`.
"""

from __future__ import annotations

import dataclasses
import html
import json
import math
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
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
from desktop.core.markdown import COPY_SCHEME, SOURCE_SCHEME, MarkdownLabels, render_markdown
from desktop.store.conversations import ImportedConversation, ImportedMessage, ImportedSummary

__all__ = [
    "BUNDLE_FORMAT",
    "CONVERSATION_FORMAT",
    "DEFAULT_MAX_IMPORT_BYTES",
    "FORMAT_VERSION",
    "ExportAllResult",
    "ExportConversation",
    "ExportFormat",
    "ExportLabels",
    "ImportFormatError",
    "ImportedConversation",
    "ImportedMessage",
    "ImportedSummary",
    "ProgressCallback",
    "TranscriptEvent",
    "conversation_metadata",
    "documents_note_text",
    "export_all",
    "export_bundle_json",
    "export_conversation",
    "export_html",
    "export_json",
    "export_markdown",
    "export_text",
    "format_timestamp",
    "headline_generation",
    "message_metadata",
    "read_import",
    "render_reply_html",
    "safe_file_name",
    "summaries_by_message",
    "summary_title",
    "to_imported",
    "transcript_events",
    "visible_path",
]

CONVERSATION_FORMAT = "hearthside.conversation"
BUNDLE_FORMAT = "hearthside.bundle"
#: Bumped only when an older Hearthside could not read the new files correctly.
FORMAT_VERSION = 1
DEFAULT_MAX_IMPORT_BYTES = 200 * 1024 * 1024

#: ``(done, total) -> keep_going``; returning False cancels :func:`export_all`.
ProgressCallback = Callable[[int, int], bool]

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


# --------------------------------------------------------------------------------------------
# Types


@dataclass(frozen=True, slots=True)
class ExportConversation:
    """Everything an export needs, gathered by the caller (storage's ``export_tree``)."""

    summary: ConversationSummary
    settings: Mapping[str, Any]
    messages: tuple[StoredMessage, ...]
    #: Running summaries of turns that fell out of the context window (storage's
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
        }[reason]

    def fill(self, pattern: str, /, **values: Any) -> str:
        """Formats the label ``pattern``; a translation with wrong fields falls back to
        English."""
        try:
            return str(getattr(self, pattern)).format(**values)
        except (KeyError, IndexError, ValueError, AttributeError):
            return str(getattr(_DEFAULT_LABELS, pattern)).format(**values)


_DEFAULT_LABELS = ExportLabels()


# --------------------------------------------------------------------------------------------
# Shared helpers


def format_timestamp(seconds: float | None) -> str:
    """ISO 8601 in UTC (``2024-05-01T10:00:00Z``); readers anywhere get the same instant."""
    if seconds is None:
        return ""
    try:
        moment = datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return str(seconds)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _children_map(messages: Sequence[StoredMessage]) -> dict[int | None, list[StoredMessage]]:
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
    children = _children_map(conversation.messages)
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


def summary_title(summary: RunningSummary, labels: ExportLabels = _DEFAULT_LABELS) -> str:
    """ "Earlier conversation, summarized", marked when the user edited the model's text."""
    return labels.earlier_summary if summary.edited_at is None else labels.summary_edited


def documents_note_text(message: StoredMessage, labels: ExportLabels = _DEFAULT_LABELS) -> str:
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
            return _DEFAULT_LABELS.left_out(info.passages_left_out)
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
    conversation: ExportConversation, labels: ExportLabels = _DEFAULT_LABELS
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
    labels: ExportLabels = _DEFAULT_LABELS,
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


# --------------------------------------------------------------------------------------------
# Markdown and plain text


def _thinking_title(message: StoredMessage, labels: ExportLabels) -> str:
    seconds = message.thinking_seconds
    if seconds is None or not math.isfinite(seconds):
        return labels.thinking
    return labels.fill("thought_for", seconds=max(1, round(seconds)))


def _quoted(text: str) -> list[str]:
    """Every line behind "> ", blank ones too, so the quote cannot end early."""
    return [f"> {line}" if line else ">" for line in text.splitlines()]


def _fence(text: str, info: str = "") -> str:
    """A code fence longer than any backtick run inside, so the content cannot close it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{info}\n{text}\n{ticks}"


def export_markdown(
    conversation: ExportConversation,
    *,
    all_branches: bool = False,
    labels: ExportLabels = _DEFAULT_LABELS,
    include_thinking: bool = True,
) -> str:
    """Readable Markdown: replies verbatim (they are Markdown already), facts in italics, a
    reply's thinking (when included) as a quote block above it."""
    summary = conversation.summary
    known = headline_generation(conversation)
    lines = [f"# {_md_escape(summary.title)}", ""]
    lines += [
        f"- **{labels.fill('heading', name=name)}** {_md_escape(value)}"
        for name, value in conversation_metadata(conversation, labels)
    ]
    lines.append("")
    if summary.system_prompt:
        lines += [
            f"**{labels.fill('heading', name=labels.system_prompt)}**",
            "",
            _fence(summary.system_prompt),
            "",
        ]
    notes = summaries_by_message(conversation)
    for event in transcript_events(conversation, all_branches=all_branches):
        if event.kind == "branch_start":
            title = labels.fill("branch", path=event.path, index=event.index, count=event.count)
            mark = f" — {labels.current_branch}" if event.current else ""
            lines += ["---", "", f"**{'⤷ ' * event.depth}{title}**{mark}", ""]
        elif event.kind == "message" and event.message is not None:
            message = event.message
            lines += [f"## {labels.role(message.role)}", ""]
            lines += [
                f"*{_md_escape(' · '.join(message_metadata(message, labels, known=known)))}*",
                "",
            ]
            if include_thinking and message.thinking.strip():
                title = _md_escape(_thinking_title(message, labels))
                lines += [f"> **{title}**", ">", *_quoted(message.thinking.strip()), ""]
            lines += [message.content.rstrip("\n") if message.content else "", ""]
            lines += _sources_markdown(message.sources, labels)
            if note_text := documents_note_text(message, labels):
                lines += [f"*{_md_escape(note_text)}*", ""]
            note = notes.get(message.id)
            if note is not None and note.content.strip():
                title = _md_escape(summary_title(note, labels))
                lines += [f"> **{title}**", ">", *_quoted(note.content.strip()), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def source_place(source: MessageSource, labels: ExportLabels = _DEFAULT_LABELS) -> str:
    """'report.pdf, page 3, Heading': a source as the exports name it."""
    parts = [Path(source.file).name or source.file]
    if source.page is not None:
        parts.append(labels.fill("page", page=source.page))
    if source.heading:
        parts.append(source.heading)
    return ", ".join(parts)


def _sources_markdown(sources: Sequence[MessageSource], labels: ExportLabels) -> list[str]:
    """A reply's sources under it: number, file, page, heading, path, and the passage quoted."""
    if not sources:
        return []
    lines = [f"**{labels.fill('heading', name=labels.sources)}**", ""]
    for source in sources:
        lines.append(
            f"- \\[{source.number}\\] {_md_escape(source_place(source, labels))}"
            f" — {_md_escape(source.file)}"
        )
        lines += [f"  > {line}" if line.strip() else "  >" for line in source.text.splitlines()]
    lines.append("")
    return lines


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _md_escape(text: str) -> str:
    """Escapes characters that would end or change the italic metadata line."""
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", _one_line(text))


def export_text(
    conversation: ExportConversation,
    *,
    all_branches: bool = False,
    labels: ExportLabels = _DEFAULT_LABELS,
    include_thinking: bool = True,
) -> str:
    """Plain text for pasting anywhere; message text verbatim, thinking quoted with "> "."""
    summary = conversation.summary
    known = headline_generation(conversation)
    title = _one_line(summary.title)
    lines = [title, "=" * max(len(title), 3), ""]
    lines += [
        labels.fill("field", name=name, value=_one_line(value))
        for name, value in conversation_metadata(conversation, labels)
    ]
    lines.append("")
    if summary.system_prompt:
        lines += [labels.fill("heading", name=labels.system_prompt), summary.system_prompt, ""]
    notes = summaries_by_message(conversation)
    for event in transcript_events(conversation, all_branches=all_branches):
        if event.kind == "branch_start":
            title = labels.fill("branch", path=event.path, index=event.index, count=event.count)
            mark = f" ({labels.current_branch})" if event.current else ""
            lines += [f"{'>' * event.depth}>>> {title}{mark}", ""]
        elif event.kind == "message" and event.message is not None:
            message = event.message
            lines.append(
                f"[{labels.role(message.role)}] "
                + " · ".join(message_metadata(message, labels, known=known))
            )
            if include_thinking and message.thinking.strip():
                lines += [
                    f"> {_thinking_title(message, labels)}:",
                    *_quoted(message.thinking.strip()),
                ]
            lines += [message.content.rstrip("\n"), ""]
            if message.sources:
                lines.append(labels.fill("heading", name=labels.sources))
                lines += [
                    f"[{s.number}] {source_place(s, labels)} ({s.file})" for s in message.sources
                ]
                lines.append("")
            if note_text := documents_note_text(message, labels):
                lines += [note_text, ""]
            note = notes.get(message.id)
            if note is not None and note.content.strip():
                lines += [
                    f"> {summary_title(note, labels)}:",
                    *_quoted(note.content.strip()),
                    "",
                ]
    return "\n".join(lines).rstrip("\n") + "\n"


# --------------------------------------------------------------------------------------------
# HTML

_HTML_CSS = """
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1f2328; --muted: #59636e;
  --user-bg: #eef4ff; --reply-bg: #f6f8fa; --border: #d1d9e0; --accent: #0969da; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --user-bg: #1a2433;
    --reply-bg: #151b23; --border: #3d444d; --accent: #4493f8; }
}
body { background: var(--bg); color: var(--fg); margin: 0 auto; max-width: 52rem;
  padding: 1.5rem; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans",
  "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; }
a { color: var(--accent); }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; overflow-wrap: anywhere; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem;
  color: var(--muted); font-size: .9rem; }
dl.meta dt { font-weight: 600; } dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.message { border: 1px solid var(--border); border-radius: 8px; padding: .5rem 1rem;
  margin: 1rem 0; }
.message.user { background: var(--user-bg); }
.message.assistant, .message.system { background: var(--reply-bg); }
.message h2 { font-size: 1rem; margin: .25rem 0; }
.message .meta { color: var(--muted); font-size: .8rem; margin: 0 0 .5rem;
  overflow-wrap: anywhere; }
pre.plain { white-space: pre-wrap; overflow-wrap: anywhere; font: inherit; margin: 0; }
.content pre { white-space: pre-wrap; overflow-wrap: anywhere; }
.content table { border-collapse: collapse; }
.branch { border-left: 3px solid var(--border); padding-left: 1rem; margin: 1rem 0; }
.branch > h3 { font-size: .95rem; color: var(--muted); margin: .5rem 0; }
.branch.current > h3 { color: var(--accent); }
footer { color: var(--muted); font-size: .8rem; margin-top: 2rem; }
"""
# Only pages with thinking carry it, so every other export stays byte for byte as it was.
_THINKING_CSS = """details.thinking { color: var(--muted); margin: 0 0 .5rem; }
details.thinking > summary { cursor: pointer; font-size: .9rem; }
details.thinking > pre.plain { border-left: 3px solid var(--border); padding-left: .75rem;
  margin: .25rem 0; }
"""

_SUMMARY_CSS = """details.summary { color: var(--muted); margin: 1rem 0; padding: .25rem 1rem;
  border: 1px dashed var(--border); border-radius: 8px; }
details.summary > summary { cursor: pointer; font-size: .9rem; }
details.summary > pre.plain { margin: .25rem 0; }
"""

# render_markdown adds in-app "Copy" anchors above code blocks; a saved page cannot use them.
_COPY_LINK = re.compile(r'(?:&nbsp;)*<a href="' + re.escape(COPY_SCHEME) + r':\d+">[^<]*</a>')


_SOURCE_LINK = re.compile('href="' + re.escape(SOURCE_SCHEME) + r':(\d+)"')


def render_reply_html(
    text: str, labels: ExportLabels = _DEFAULT_LABELS, citations: frozenset[int] = frozenset()
) -> str:
    """A reply's Markdown as safe HTML that QTextDocument also understands, minus Copy links.
    Citations of ``citations`` become ``hearthside-source:n`` links for the caller to point."""
    rendered = render_markdown(
        text,
        labels=MarkdownLabels(copy="", image=labels.image, code=labels.code),
        citations=citations,
    ).html
    return _COPY_LINK.sub("", rendered)


def _marked(text: str, highlights: Sequence[tuple[int, int]]) -> str:
    """The passage escaped, its matched words in <mark>."""
    out: list[str] = []
    position = 0
    for start, end in sorted(highlights):
        start, end = max(start, position), min(end, len(text))
        if start < end:
            out += [_esc(text[position:start]), f"<mark>{_esc(text[start:end])}</mark>"]
            position = end
    out.append(_esc(text[position:]))
    return "".join(out)


def _sources_html(message: StoredMessage, labels: ExportLabels) -> str:
    if not message.sources:
        return ""
    items = "".join(
        f'<li id="m{message.id}-s{s.number}" value="{s.number}">'
        f"<strong>{_esc(source_place(s, labels))}</strong><br>"
        f'<small style="color: var(--muted); overflow-wrap: anywhere;">{_esc(s.file)}</small>'
        f'<blockquote style="margin: .25rem 0 .5rem; padding-left: .75rem;'
        f' border-left: 3px solid var(--border); white-space: pre-wrap;">'
        f"{_marked(s.text, s.highlights)}</blockquote></li>"
        for s in message.sources
    )
    return (
        '<section class="sources" style="border-top: 1px solid var(--border); font-size: .9rem;">'
        f'<h3 style="font-size: .9rem;">{_esc(labels.sources)}</h3><ol>{items}</ol></section>'
    )


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def export_html(
    conversation: ExportConversation,
    *,
    all_branches: bool = False,
    labels: ExportLabels = _DEFAULT_LABELS,
    include_thinking: bool = True,
) -> str:
    """One self-contained page: inline CSS, no scripts, nothing fetched, light and dark; a
    reply's thinking (when included) is a closed <details> above it, as plain text."""
    summary = conversation.summary
    known = headline_generation(conversation)
    has_thinking = include_thinking and any(m.thinking.strip() for m in conversation.messages)
    notes = {k: v for k, v in summaries_by_message(conversation).items() if v.content.strip()}
    out = [
        "<!DOCTYPE html>",
        "<html>",
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="Hearthside">',
        f"<title>{_esc(_one_line(summary.title))}</title>",
        f"<style>{_HTML_CSS}{_THINKING_CSS if has_thinking else ''}"
        f"{_SUMMARY_CSS if notes else ''}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{_esc(summary.title)}</h1>",
        '<dl class="meta">',
    ]
    for name, value in conversation_metadata(conversation, labels):
        out.append(f"<dt>{_esc(name)}</dt><dd>{_esc(value)}</dd>")
    if summary.system_prompt:
        out.append(
            f'<dt>{_esc(labels.system_prompt)}</dt><dd><pre class="plain">'
            f"{_esc(summary.system_prompt)}</pre></dd>"
        )
    out += ["</dl>", "</header>", "<main>"]
    for event in transcript_events(conversation, all_branches=all_branches):
        if event.kind == "branch_start":
            title = labels.fill("branch", path=event.path, index=event.index, count=event.count)
            mark = f" — {labels.current_branch}" if event.current else ""
            css = "branch current" if event.current else "branch"
            out.append(f'<section class="{css}"><h3>{_esc(title + mark)}</h3>')
        elif event.kind == "branch_end":
            out.append("</section>")
        elif event.message is not None:
            message = event.message
            role = message.role.value
            meta = " · ".join(message_metadata(message, labels, known=known))
            if message.role is Role.ASSISTANT:
                reply = render_reply_html(
                    message.content, labels, frozenset(x.number for x in message.sources)
                )
                reply = _SOURCE_LINK.sub(rf'href="#m{message.id}-s\1"', reply)
                body = f'<div class="content">{reply}</div>'
                body += _sources_html(message, labels)
                if note_text := documents_note_text(message, labels):
                    body += f'<p class="meta"><i>{_esc(note_text)}</i></p>'
                if include_thinking and message.thinking.strip():
                    body = (
                        '<details class="thinking"><summary>'
                        f"{_esc(_thinking_title(message, labels))}</summary>"
                        f'<pre class="plain">{_esc(message.thinking.strip())}</pre></details>'
                        + body
                    )
            else:
                body = (
                    f'<div class="content"><pre class="plain">{_esc(message.content)}</pre></div>'
                )
            out.append(
                f'<article class="message {role}"><h2>{_esc(labels.role(message.role))}</h2>'
                f'<p class="meta">{_esc(meta)}</p>{body}</article>'
            )
            note = notes.get(message.id)
            if note is not None:
                out.append(
                    f'<details class="summary"><summary>{_esc(summary_title(note, labels))}'
                    f'</summary><pre class="plain">{_esc(note.content.strip())}</pre></details>'
                )
    out += ["</main>", f"<footer>{_esc(labels.exported_by)}</footer>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------------
# JSON


def _finite(value: float | None, default: float | None) -> float | None:
    """JSON has no NaN or infinity; a value that is neither survives as the default."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else default


def _generation_json(info: GenerationInfo | None) -> dict[str, Any] | None:
    if info is None:
        return None
    return {
        "model_file": info.model_file,
        "model_sha256": info.model_sha256,
        "quantization": info.quantization,
        "template_origin": info.template_origin,
        "temperature": _finite(info.temperature, None),
        "top_p": _finite(info.top_p, None),
        "top_k": info.top_k,
        "min_p": _finite(info.min_p, None),
        "repeat_penalty": _finite(info.repeat_penalty, None),
        "max_tokens": info.max_tokens,
        "seed": info.seed,
        "prompt_tokens": info.prompt_tokens,
        "generated_tokens": info.generated_tokens,
        "tokens_per_second": _finite(info.tokens_per_second, 0.0),
        # Only on replies that have a documents note, so other files stay as they were.
        **({"documents_note": info.documents_note} if info.documents_note else {}),
        **({"passages_left_out": info.passages_left_out} if info.passages_left_out else {}),
    }


def _source_json(source: MessageSource) -> dict[str, Any]:
    return {
        "number": source.number,
        "file": source.file,
        "page": source.page,
        "heading": source.heading,
        "text": source.text,
        "highlights": [[start, end] for start, end in source.highlights],
        "collection": source.collection,
    }


def _tree_order(messages: Sequence[StoredMessage]) -> list[StoredMessage]:
    """Parents before children, siblings oldest first: the order an importer can insert in."""
    children = _children_map(messages)
    ordered: list[StoredMessage] = []
    stack = list(reversed(children.get(None, [])))
    seen: set[int] = set()
    while stack:
        message = stack.pop()
        if message.id in seen:
            continue
        seen.add(message.id)
        ordered.append(message)
        stack.extend(reversed(children.get(message.id, [])))
    # A parent cycle leaves messages unreachable from any root; keep them rather than lose text.
    ordered.extend(m for m in messages if m.id not in seen)
    return ordered


def _thinking_json(message: StoredMessage) -> dict[str, Any]:
    """Only replies that thought carry the keys, so older readers and files stay as they were."""
    if not message.thinking and message.thinking_seconds is None:
        return {}
    return {
        "thinking": message.thinking,
        "thinking_seconds": _finite(message.thinking_seconds, None),
    }


def _summaries_json(conversation: ExportConversation) -> dict[str, Any]:
    """Running summaries, only when there are any (so other files stay as they were), each
    naming the message ``id`` it covers through; ones whose message is gone are left out."""
    ids = {m.id for m in conversation.messages}
    kept = [s for s in conversation.summaries if s.through_message_id in ids]
    if not kept:
        return {}
    return {
        "summaries": [
            {
                "through_message_id": s.through_message_id,
                "content": s.content,
                "created_at": _finite(s.created_at, 0.0),
                "edited_at": _finite(s.edited_at, None),
            }
            for s in sorted(kept, key=lambda s: (s.created_at, s.id))
        ]
    }


def _conversation_json(conversation: ExportConversation) -> dict[str, Any]:
    summary = conversation.summary
    return {
        "format": CONVERSATION_FORMAT,
        "version": FORMAT_VERSION,
        "id": summary.id,
        "title": summary.title,
        "title_is_auto": summary.title_is_auto,
        "created_at": _finite(summary.created_at, 0.0),
        "updated_at": _finite(summary.updated_at, 0.0),
        "created": format_timestamp(summary.created_at),
        "updated": format_timestamp(summary.updated_at),
        "pinned": summary.pinned,
        "deleted_at": _finite(summary.deleted_at, None),
        "model_file": summary.model_file,
        "system_prompt": summary.system_prompt,
        "settings": dict(conversation.settings),
        "current_leaf_id": summary.current_leaf_id,
        "messages": [
            {
                "id": m.id,
                "parent_id": m.parent_id,
                "role": m.role.value,
                "content": m.content,
                "created_at": _finite(m.created_at, 0.0),
                "finished_at": _finite(m.finished_at, None),
                "finish_reason": m.finish_reason.value if m.finish_reason else None,
                "generation": _generation_json(m.generation),
                **_thinking_json(m),
                **({"sources": [_source_json(x) for x in m.sources]} if m.sources else {}),
            }
            for m in _tree_order(conversation.messages)
        ],
        **_summaries_json(conversation),
    }


def _dumps(value: Any) -> str:
    # default=str: settings are meant to hold JSON values; anything else is kept as its text
    # rather than failing the whole export.
    return json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False, default=str) + "\n"


def export_json(conversation: ExportConversation) -> str:
    """The lossless backup: always the whole tree, whatever branch is on screen."""
    return _dumps(_conversation_json(conversation))


def export_bundle_json(conversations: Iterable[ExportConversation]) -> str:
    """Many conversations in one JSON file (``hearthside.bundle``), read by :func:`read_import`."""
    return _dumps(
        {
            "format": BUNDLE_FORMAT,
            "version": FORMAT_VERSION,
            "conversations": [_conversation_json(c) for c in conversations],
        }
    )


def export_conversation(
    conversation: ExportConversation,
    fmt: ExportFormat | str,
    *,
    all_branches: bool = False,
    labels: ExportLabels = _DEFAULT_LABELS,
    include_thinking: bool = True,
) -> str:
    """Dispatch by format. JSON ignores ``all_branches`` and ``include_thinking``: it always
    holds the whole tree, thinking included."""
    fmt = ExportFormat(fmt)
    if fmt is ExportFormat.JSON:
        return export_json(conversation)
    writer = {
        ExportFormat.MARKDOWN: export_markdown,
        ExportFormat.HTML: export_html,
        ExportFormat.TEXT: export_text,
    }[fmt]
    return writer(
        conversation,
        all_branches=all_branches,
        labels=labels,
        include_thinking=include_thinking,
    )


def without_thinking(conversation: ExportConversation) -> ExportConversation:
    """The conversation with every reply's thinking left out, for exports that should not
    carry it (any writer, the PDF and "export all" alike)."""
    messages = tuple(
        dataclasses.replace(m, thinking="", thinking_seconds=None)
        if m.thinking or m.thinking_seconds is not None
        else m
        for m in conversation.messages
    )
    return dataclasses.replace(conversation, messages=messages)


def to_imported(conversation: ExportConversation) -> ImportedConversation:
    """What importing this conversation's JSON export yields (also a cheap way to copy one)."""
    ordered = _tree_order(conversation.messages)
    ids = {m.id for m in ordered}
    index = {m.id: i for i, m in enumerate(ordered)}
    summary = conversation.summary
    return ImportedConversation(
        title=summary.title,
        created_at=float(summary.created_at),
        updated_at=float(summary.updated_at),
        pinned=summary.pinned,
        model_file=summary.model_file,
        system_prompt=summary.system_prompt,
        settings=dict(conversation.settings),
        messages=tuple(
            ImportedMessage(
                key=str(m.id),
                parent_key=str(m.parent_id) if m.parent_id in ids else None,
                role=m.role,
                content=m.content,
                created_at=float(m.created_at),
                finished_at=None if m.finished_at is None else float(m.finished_at),
                finish_reason=m.finish_reason,
                generation=m.generation,
                thinking=m.thinking,
                thinking_seconds=m.thinking_seconds,
                sources=m.sources,
            )
            for m in ordered
        ),
        current_leaf_index=index.get(summary.current_leaf_id),  # type: ignore[arg-type]
        title_is_auto=summary.title_is_auto,
        summaries=tuple(
            ImportedSummary(
                through_key=str(s.through_message_id),
                content=s.content,
                created_at=float(_finite(s.created_at, 0.0)),  # type: ignore[arg-type]
                edited_at=_finite(s.edited_at, None),
            )
            for s in sorted(conversation.summaries, key=lambda s: (s.created_at, s.id))
            if s.through_message_id in ids
        ),
    )


# --------------------------------------------------------------------------------------------
# Export all


_RESERVED_WINDOWS = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"COM{i}" for i in "123456789¹²³"}
    | {f"LPT{i}" for i in "123456789¹²³"}
)
_FORBIDDEN_CHARS = re.compile(r'[<>:"/\\|?*]')
_MAX_STEM_BYTES = 120  # well under the 255-byte name limit, leaving room for " (99).html"


def safe_file_name(title: str, suffix: str, taken: set[str] | None = None) -> str:
    """A file name that is valid on Windows, macOS and Linux and not already in ``taken``.

    ``taken`` holds lower-cased names (case-insensitive file systems treat ``A`` and ``a`` as
    one file); the chosen name is added to it.
    """
    stem = "".join(
        " " if unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Zl", "Zp"} else ch for ch in title
    )
    stem = _FORBIDDEN_CHARS.sub("_", stem)
    stem = " ".join(stem.split()).strip(". ")
    if stem.split(".")[0].strip().upper() in _RESERVED_WINDOWS:
        stem = f"_{stem}"
    stem = _truncate_utf8(stem, _MAX_STEM_BYTES).rstrip(". ") or "Conversation"
    taken = taken if taken is not None else set()
    name = f"{stem}{suffix}"
    number = 2
    while name.lower() in taken:
        name = f"{stem} ({number}){suffix}"
        number += 1
    taken.add(name.lower())
    return name


def _truncate_utf8(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", errors="ignore")


@dataclass(frozen=True, slots=True)
class ExportAllResult:
    """``paths``: files written (the .zip, or one per conversation); empty when cancelled."""

    paths: tuple[Path, ...]
    cancelled: bool = False


def export_all(
    conversations: Iterable[ExportConversation],
    destination: Path,
    fmt: ExportFormat | str,
    *,
    zip: bool,
    all_branches: bool = False,
    labels: ExportLabels = _DEFAULT_LABELS,
    progress: ProgressCallback | None = None,
) -> ExportAllResult:
    """Every conversation, one file each, into folder ``destination`` or zip file ``destination``.

    All or nothing: files are written under temporary names and renamed when complete; on
    cancel (``progress`` returned False) or error, what this call wrote is removed again and
    existing files are never overwritten (new names get a number instead).
    """
    fmt = ExportFormat(fmt)
    items = list(conversations)
    total = len(items)
    report: ProgressCallback = progress or (lambda done, total: True)
    if not report(0, total):
        return ExportAllResult((), cancelled=True)
    if zip:
        return _export_zip(items, Path(destination), fmt, all_branches, labels, report)
    return _export_folder(items, Path(destination), fmt, all_branches, labels, report)


def _export_zip(
    items: list[ExportConversation],
    destination: Path,
    fmt: ExportFormat,
    all_branches: bool,
    labels: ExportLabels,
    report: ProgressCallback,
) -> ExportAllResult:
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(
        prefix=f".{destination.name}.", suffix=".partial", dir=destination.parent
    )
    temp = Path(temp_name)
    try:
        with (
            os.fdopen(handle, "wb") as raw,
            zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        ):
            taken: set[str] = set()
            for done, conversation in enumerate(items, start=1):
                text = export_conversation(
                    conversation, fmt, all_branches=all_branches, labels=labels
                )
                name = safe_file_name(conversation.summary.title, fmt.suffix, taken)
                archive.writestr(name, text.encode("utf-8"))
                if not report(done, len(items)):
                    raise _Cancelled
        os.replace(temp, destination)
    except _Cancelled:
        temp.unlink(missing_ok=True)
        return ExportAllResult((), cancelled=True)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return ExportAllResult((destination,))


def _export_folder(
    items: list[ExportConversation],
    destination: Path,
    fmt: ExportFormat,
    all_branches: bool,
    labels: ExportLabels,
    report: ProgressCallback,
) -> ExportAllResult:
    destination.mkdir(parents=True, exist_ok=True)
    taken = {entry.name.lower() for entry in destination.iterdir()}
    written: list[Path] = []
    try:
        for done, conversation in enumerate(items, start=1):
            text = export_conversation(conversation, fmt, all_branches=all_branches, labels=labels)
            target = destination / safe_file_name(conversation.summary.title, fmt.suffix, taken)
            _write_atomically(target, text)
            written.append(target)
            if not report(done, len(items)):
                raise _Cancelled
    except _Cancelled:
        for path in written:
            path.unlink(missing_ok=True)
        return ExportAllResult((), cancelled=True)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return ExportAllResult(tuple(written))


class _Cancelled(Exception):
    pass


def _write_atomically(target: Path, text: str) -> None:
    handle, temp_name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".partial", dir=target.parent
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------------------------
# Import


def read_import(
    data: bytes | str, *, max_bytes: int = DEFAULT_MAX_IMPORT_BYTES
) -> list[ImportedConversation]:
    """Conversations from our JSON export (one, a bundle, or a list) or ChatGPT's export.

    Raises :class:`ImportFormatError` for anything else; never returns part of a file.
    ``max_bytes`` counts bytes for ``bytes`` input and characters for ``str`` input. Messages
    come back parents first, as ``ConversationStore.import_conversation`` needs them.
    """
    size = len(data)
    if size > max_bytes:
        raise ImportFormatError(
            f"The file is too large to import ({size / 1e6:.0f} MB; the limit is "
            f"{max_bytes / 1e6:.0f} MB)."
        )
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ImportFormatError(
                f"The file is not UTF-8 text (byte {error.start + 1} is invalid)."
            ) from None
    else:
        text = data.removeprefix("\ufeff")
    if not text.strip():
        raise ImportFormatError("The file is empty.")
    try:
        document = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise ImportFormatError(f"Line {error.lineno}: not valid JSON ({error.msg}).") from None
    except RecursionError:
        raise ImportFormatError("The file is nested too deeply to be a conversation.") from None
    except ValueError as error:  # NaN/Infinity, or an integer with thousands of digits
        raise ImportFormatError(
            f"The file contains a value JSON does not allow ({error})."
        ) from None
    try:
        return _read_document(document)
    except RecursionError:
        raise ImportFormatError("The file is nested too deeply to be a conversation.") from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _read_document(document: Any) -> list[ImportedConversation]:
    if isinstance(document, dict):
        if "format" in document:
            kind = document["format"]
            if kind == CONVERSATION_FORMAT:
                return [_read_ours(document, "")]
            if kind == BUNDLE_FORMAT:
                _check_version(document, "")
                items = _get(document, "conversations", list, "")
                return [
                    _read_ours(_expect(item, dict, f"conversations[{i}]"), f"conversations[{i}]")
                    for i, item in enumerate(items)
                ]
            raise ImportFormatError(
                f"This is not a Hearthside or ChatGPT export (format “{_short(kind)}”)."
            )
        if "mapping" in document:
            return [_read_chatgpt(document, "")]
        raise ImportFormatError(
            "This JSON file is not a Hearthside or ChatGPT conversation export."
        )
    if isinstance(document, list):
        result = []
        for i, item in enumerate(document):
            where = f"[{i}]"
            if isinstance(item, dict) and item.get("format") == CONVERSATION_FORMAT:
                result.append(_read_ours(item, where))
            elif isinstance(item, dict) and "mapping" in item:
                result.append(_read_chatgpt(item, where))
            else:
                raise ImportFormatError(
                    f"Item {i + 1} in the list is neither a ChatGPT conversation nor a "
                    "Hearthside export."
                )
        return result
    raise ImportFormatError("This JSON file is not a Hearthside or ChatGPT conversation export.")


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _join(where: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else key


_TYPE_NAMES: dict[Any, str] = {
    str: "text",
    bool: "true or false",
    int: "a whole number",
    float: "a number",
    dict: "an object",
    list: "a list",
}


def _expect(value: Any, kind: Any, where: str, *, optional: bool = False) -> Any:
    """``value`` if it has JSON type ``kind`` (bools are not numbers), else a clear error."""
    if value is None and optional:
        return None
    ok: bool
    if kind is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if ok:
            try:
                value = float(value)
            except OverflowError:  # an integer too large for a float
                ok = False
            else:
                ok = math.isfinite(value)
    elif kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, kind)
    if not ok:
        wanted = _TYPE_NAMES[kind] + (" or null" if optional else "")
        raise ImportFormatError(f"“{where}” must be {wanted}.")
    if kind is str:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ImportFormatError(
                f"“{where}” contains a broken character (a lone surrogate)."
            ) from None
    return value


_MISSING = object()


def _get(
    obj: dict, key: str, kind: Any, where: str, *, default: Any = _MISSING, optional: bool = False
) -> Any:
    """A field of ``obj``; missing fields take ``default`` or are an error when it has none."""
    path = _join(where, key)
    if key not in obj:
        if default is _MISSING:
            raise ImportFormatError(f"“{path}” is missing.")
        return default
    return _expect(obj[key], kind, path, optional=optional)


def _enum(value: Any, enum: type[StrEnum], where: str, *, optional: bool = False) -> Any:
    if value is None and optional:
        return None
    allowed = [member.value for member in enum]  # type: ignore[var-annotated]
    if not isinstance(value, str) or value not in allowed:
        raise ImportFormatError(f"“{where}” must be one of {', '.join(allowed)}.")
    return enum(value)


def _check_version(document: dict, where: str) -> None:
    version = _get(document, "version", int, where)
    if version > FORMAT_VERSION:
        raise ImportFormatError(
            f"This file was made by a newer Hearthside (format version {version})."
        )
    if version < 1:
        raise ImportFormatError(f"Unknown format version {version}.")


def _json_value(value: Any, where: str) -> None:
    """Settings are stored as JSON later; strings in them must be encodable like any other."""
    stack = [(value, where)]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            _expect(item, str, path)
        elif isinstance(item, dict):
            stack.extend((v, _join(path, str(k))) for k, v in item.items())
            for key in item:
                _expect(key, str, path)
        elif isinstance(item, list):
            stack.extend((v, _join(path, i)) for i, v in enumerate(item))


def _read_generation(obj: Any, where: str) -> GenerationInfo | None:
    if obj is None:
        return None
    _expect(obj, dict, where)
    return GenerationInfo(
        model_file=_get(obj, "model_file", str, where, default=""),
        model_sha256=_get(obj, "model_sha256", str, where, default=None, optional=True),
        quantization=_get(obj, "quantization", str, where, default=None, optional=True),
        template_origin=_get(obj, "template_origin", str, where, default=""),
        temperature=_get(obj, "temperature", float, where, default=None, optional=True),
        top_p=_get(obj, "top_p", float, where, default=None, optional=True),
        top_k=_get(obj, "top_k", int, where, default=None, optional=True),
        min_p=_get(obj, "min_p", float, where, default=None, optional=True),
        repeat_penalty=_get(obj, "repeat_penalty", float, where, default=None, optional=True),
        max_tokens=_get(obj, "max_tokens", int, where, default=None, optional=True),
        seed=_get(obj, "seed", int, where, default=None, optional=True),
        prompt_tokens=_get(obj, "prompt_tokens", int, where, default=0),
        generated_tokens=_get(obj, "generated_tokens", int, where, default=0),
        tokens_per_second=_get(obj, "tokens_per_second", float, where, default=0.0),
        documents_note=_read_documents_note(obj, where),
        passages_left_out=_read_left_out(obj, where),
    )


def _read_left_out(obj: dict, where: str) -> int:
    count = _get(obj, "passages_left_out", int, where, default=0)
    if count < 0:
        raise ImportFormatError(f"“{_join(where, 'passages_left_out')}” is negative.")
    return count


def _read_documents_note(obj: dict, where: str) -> str:
    """A note this version knows, or "": a note from a newer version is left out rather than
    refusing the file (it only words a line under the reply)."""
    note = _get(obj, "documents_note", str, where, default="")
    return note if note in {n.value for n in DocumentsNote} else ""


def _read_sources(obj: Any, where: str) -> tuple[MessageSource, ...]:
    if obj is None:
        return ()
    _expect(obj, list, where)
    sources = []
    for i, raw in enumerate(obj):
        at = _join(where, i)
        _expect(raw, dict, at)
        highlights = _get(raw, "highlights", list, at, default=[])
        pairs = []
        for j, pair in enumerate(highlights):
            _expect(pair, list, _join(_join(at, "highlights"), j))
            if len(pair) != 2 or not all(type(x) is int and x >= 0 for x in pair):
                raise ImportFormatError(
                    f"“{_join(_join(at, 'highlights'), j)}” should be two character offsets."
                )
            pairs.append((pair[0], pair[1]))
        sources.append(
            MessageSource(
                number=_get(raw, "number", int, at),
                file=_get(raw, "file", str, at),
                page=_get(raw, "page", int, at, default=None, optional=True),
                heading=_get(raw, "heading", str, at, default=None, optional=True),
                text=_get(raw, "text", str, at, default=""),
                highlights=tuple(pairs),
                collection=_get(raw, "collection", str, at, default=""),
            )
        )
    return tuple(sources)


def _read_ours(document: dict, where: str) -> ImportedConversation:
    _check_version(document, where)
    settings = _get(document, "settings", dict, where, default={})
    _json_value(settings, _join(where, "settings"))
    raw_messages = _get(document, "messages", list, where)
    messages: list[ImportedMessage] = []
    ids: dict[int, int] = {}
    for i, raw in enumerate(raw_messages):
        at = _join(_join(where, "messages"), i)
        _expect(raw, dict, at)
        message_id = _get(raw, "id", int, at)
        if message_id in ids:
            raise ImportFormatError(
                f"“{_join(at, 'id')}” repeats id {message_id} from message {ids[message_id] + 1}."
            )
        ids[message_id] = i
        parent = _get(raw, "parent_id", int, at, default=None, optional=True)
        messages.append(
            ImportedMessage(
                key=str(message_id),
                parent_key=None if parent is None else str(parent),
                role=_enum(raw.get("role"), Role, _join(at, "role")),
                content=_get(raw, "content", str, at),
                created_at=_get(raw, "created_at", float, at, default=0.0),
                finished_at=_get(raw, "finished_at", float, at, default=None, optional=True),
                finish_reason=_enum(
                    raw.get("finish_reason"),
                    FinishReason,
                    _join(at, "finish_reason"),
                    optional=True,
                ),
                generation=_read_generation(raw.get("generation"), _join(at, "generation")),
                thinking=_get(raw, "thinking", str, at, default=""),
                thinking_seconds=_read_seconds(raw, at),
                sources=_read_sources(raw.get("sources"), _join(at, "sources")),
            )
        )
    for i, message in enumerate(messages):
        if message.parent_key is not None and int(message.parent_key) not in ids:
            at = _join(_join(_join(where, "messages"), i), "parent_id")
            raise ImportFormatError(
                f"“{at}” refers to message {message.parent_key}, which is not in the file."
            )
    ordered = _parents_first(messages, _join(where, "messages"))
    leaf = _get(document, "current_leaf_id", int, where, default=None, optional=True)
    leaf_index: int | None = None
    if leaf is not None:
        positions = {m.key: n for n, m in enumerate(ordered)}
        if str(leaf) not in positions:
            raise ImportFormatError(
                f"“{_join(where, 'current_leaf_id')}” refers to message {leaf}, which is not in "
                "the file."
            )
        leaf_index = positions[str(leaf)]
    _get(document, "deleted_at", float, where, default=None, optional=True)
    summaries = _read_summaries(document, ids, where)
    return ImportedConversation(
        title=_get(document, "title", str, where, default=""),
        created_at=_get(document, "created_at", float, where, default=0.0),
        updated_at=_get(document, "updated_at", float, where, default=0.0),
        pinned=_get(document, "pinned", bool, where, default=False),
        model_file=_get(document, "model_file", str, where, default=""),
        system_prompt=_get(document, "system_prompt", str, where, default=""),
        settings=settings,
        messages=tuple(ordered),
        current_leaf_index=leaf_index,
        title_is_auto=_get(document, "title_is_auto", bool, where, default=False),
        summaries=summaries,
    )


def _read_summaries(
    document: dict, ids: Mapping[int, int], where: str
) -> tuple[ImportedSummary, ...]:
    """Running summaries; one that names a message the file lacks refuses the file, like a
    missing parent does: the summary would stand for turns nobody can see."""
    raw_summaries = _get(document, "summaries", list, where, default=[])
    summaries = []
    for i, raw in enumerate(raw_summaries):
        at = _join(_join(where, "summaries"), i)
        _expect(raw, dict, at)
        through = _get(raw, "through_message_id", int, at)
        if through not in ids:
            raise ImportFormatError(
                f"“{_join(at, 'through_message_id')}” refers to message {through}, which is not "
                "in the file."
            )
        summaries.append(
            ImportedSummary(
                through_key=str(through),
                content=_get(raw, "content", str, at),
                created_at=_get(raw, "created_at", float, at, default=0.0),
                edited_at=_get(raw, "edited_at", float, at, default=None, optional=True),
            )
        )
    return tuple(summaries)


def _read_seconds(raw: dict, where: str) -> float | None:
    seconds = _get(raw, "thinking_seconds", float, where, default=None, optional=True)
    if seconds is not None and seconds < 0:
        raise ImportFormatError(f"“{_join(where, 'thinking_seconds')}” is negative.")
    return seconds


def _parents_first(messages: list[ImportedMessage], where: str) -> list[ImportedMessage]:
    """File order, except that a child listed before its parent moves after it; cycles fail."""
    by_key = {m.key: m for m in messages}
    placed: set[str] = set()
    ordered: list[ImportedMessage] = []
    for message in messages:
        chain: list[ImportedMessage] = []
        cursor: ImportedMessage | None = message
        on_chain: set[str] = set()
        while cursor is not None and cursor.key not in placed:
            if cursor.key in on_chain:
                raise ImportFormatError(
                    f"“{where}” has a loop: message {cursor.key} is its own ancestor."
                )
            on_chain.add(cursor.key)
            chain.append(cursor)
            cursor = by_key.get(cursor.parent_key) if cursor.parent_key is not None else None
        for item in reversed(chain):
            placed.add(item.key)
            ordered.append(item)
    return ordered


# ChatGPT -------------------------------------------------------------------------------------

_CHATGPT_SKIPPED_CONTENT = frozenset(
    {
        "thoughts",
        "reasoning_recap",
        "user_editable_context",
        "model_editable_context",
        "system_error",
        "tether_browsing_display",
        "tether_quote",
        "execution_output",
    }
)

_CHATGPT_FINISH = {
    "stop": FinishReason.STOP,
    "max_tokens": FinishReason.LENGTH,
    "interrupted": FinishReason.CANCELLED,
}


def _chatgpt_text(content: dict, where: str) -> str | None:
    """The visible text of a message's content, placeholders for non-text parts; None to skip."""
    kind = _get(content, "content_type", str, where, default="text")
    if kind in _CHATGPT_SKIPPED_CONTENT:
        return None
    if kind == "code":
        return _fence(_get(content, "text", str, where, default=""))
    if "parts" in content:
        parts = _get(content, "parts", list, where)
        pieces: list[str] = []
        for i, part in enumerate(parts):
            if isinstance(part, str):
                pieces.append(_expect(part, str, _join(_join(where, "parts"), i)))
            elif isinstance(part, dict):
                part_kind = part.get("content_type")
                if part_kind == "image_asset_pointer":
                    pieces.append("[image]")
                elif part_kind == "audio_transcription" and isinstance(part.get("text"), str):
                    pieces.append(_expect(part["text"], str, _join(_join(where, "parts"), i)))
                else:
                    pieces.append(
                        f"[{_short(part_kind) if isinstance(part_kind, str) else 'attachment'}]"
                    )
            elif part is not None:
                pieces.append(f"[{type(part).__name__}]")
        return "\n\n".join(piece for piece in pieces if piece)
    if isinstance(content.get("text"), str):
        return _expect(content["text"], str, _join(where, "text"))
    return f"[{_short(kind)}]"


def _read_chatgpt(document: dict, where: str) -> ImportedConversation:
    mapping = _get(document, "mapping", dict, where)
    where_map = _join(where, "mapping")
    created = _get(document, "create_time", float, where, default=None, optional=True)
    updated = _get(document, "update_time", float, where, default=None, optional=True)
    created = created if created is not None else 0.0
    updated = updated if updated is not None else created
    title = _get(document, "title", str, where, default=None, optional=True) or ""
    current = _get(document, "current_node", str, where, default=None, optional=True)

    # Validate the shape of every node first, so the walk below cannot hit a bad type.
    parents: dict[str, str | None] = {}
    children: dict[str, list[str]] = {}
    for node_id, node in mapping.items():
        at = f"{where_map}[{json.dumps(node_id, ensure_ascii=False)}]"
        _expect(node, dict, at)
        parent = _get(node, "parent", str, at, default=None, optional=True)
        parents[node_id] = parent if parent in mapping else None
        kids = _get(node, "children", list, at, default=[])
        for i, kid in enumerate(kids):
            _expect(kid, str, _join(_join(at, "children"), i))
    for node_id, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(node_id)
    # Children in the order the file lists them under their parent; the rest after.
    for parent, kids in children.items():
        mine = set(kids)
        listed = [k for k in mapping[parent].get("children", []) if k in mine]
        children[parent] = list(dict.fromkeys(listed + kids))

    kept: dict[str, ImportedMessage] = {}
    system_prompt = ""
    order: list[ImportedMessage] = []
    nearest_kept: dict[str, str | None] = {}
    roots = [n for n, p in parents.items() if p is None]
    # Reasoning models' "thoughts" and "Thought for 12 seconds" nodes come before the reply they
    # belong to; they travel down the branch as (thinking, seconds) until that reply takes them.
    no_thoughts: tuple[str, float | None] = ("", None)
    stack: list[tuple[str, str | None, tuple[str, float | None]]] = [
        (n, None, no_thoughts) for n in reversed(roots)
    ]
    visited: set[str] = set()
    while stack:
        node_id, kept_parent, thoughts = stack.pop()
        if node_id in visited:
            continue
        visited.add(node_id)
        at = f"{where_map}[{json.dumps(node_id, ensure_ascii=False)}].message"
        raw = mapping[node_id].get("message")
        message = _read_chatgpt_message(raw, at, kept_parent, node_id, created)
        anchor = kept_parent
        thoughts = _chatgpt_thoughts(raw, thoughts)
        if isinstance(message, ImportedMessage):
            if message.role is Role.ASSISTANT and (thoughts[0] or thoughts[1] is not None):
                message = dataclasses.replace(
                    message, thinking=thoughts[0], thinking_seconds=thoughts[1]
                )
            thoughts = no_thoughts
            kept[node_id] = message
            order.append(message)
            anchor = node_id
        elif isinstance(message, str) and not system_prompt:
            system_prompt = message
        nearest_kept[node_id] = anchor
        stack.extend((kid, anchor, thoughts) for kid in reversed(children.get(node_id, [])))

    leaf_index: int | None = None
    if current is not None and current in nearest_kept and nearest_kept[current] is not None:
        leaf_key = nearest_kept[current]
        leaf_index = next(i for i, m in enumerate(order) if m.key == leaf_key)
    return ImportedConversation(
        title=title,
        created_at=created,
        updated_at=updated,
        pinned=False,
        model_file="",
        system_prompt=system_prompt,
        settings={},
        messages=tuple(order),
        current_leaf_index=leaf_index,
        # An untitled chat gets a title the usual way; a ChatGPT title is kept as given.
        title_is_auto=not title,
    )


_RECAP_TIME = re.compile(r"(\d+(?:\.\d+)?)\s*(m|min|minutes?|s|sec|seconds?)\b", re.I)


def _chatgpt_thoughts(raw: Any, pending: tuple[str, float | None]) -> tuple[str, float | None]:
    """Adds what a "thoughts" or "reasoning_recap" node says to the pending thinking.

    Lenient: these parts of the export are undocumented, so anything unexpected is skipped
    rather than refusing the file (the reply itself still imports)."""
    content = raw.get("content") if isinstance(raw, dict) else None
    if not isinstance(content, dict):
        return pending
    thinking, seconds = pending
    kind = content.get("content_type")
    if kind == "thoughts" and isinstance(content.get("thoughts"), list):
        parts = []
        for thought in content["thoughts"]:
            if not isinstance(thought, dict):
                continue
            summary, text = thought.get("summary"), thought.get("content")
            lines = [x.strip() for x in (summary, text) if isinstance(x, str) and x.strip()]
            if lines:
                parts.append("\n\n".join(dict.fromkeys(lines)))
        if parts:
            thinking = "\n\n".join([thinking, *parts] if thinking else parts)
    elif kind == "reasoning_recap" and isinstance(content.get("content"), str):
        total = 0.0
        for number, unit in _RECAP_TIME.findall(content["content"]):
            total += float(number) * (60 if unit.lower().startswith("m") else 1)
        if total > 0 and math.isfinite(total):
            seconds = (seconds or 0.0) + total
    return thinking, seconds


def _read_chatgpt_message(
    raw: Any, where: str, parent_key: str | None, key: str, fallback_time: float
) -> ImportedMessage | str | None:
    """A kept message, a system prompt's text (str), or None for nodes a reader never saw."""
    if raw is None:
        return None
    _expect(raw, dict, where)
    author = _get(raw, "author", dict, where, default={})
    role_name = _get(author, "role", str, _join(where, "author"), default="")
    metadata = _get(raw, "metadata", dict, where, default=None, optional=True) or {}
    content = _get(raw, "content", dict, where, default=None, optional=True)
    if metadata.get("is_visually_hidden_from_conversation") is True or content is None:
        return None
    text = _chatgpt_text(content, _join(where, "content"))
    if text is None:
        return None
    if role_name == "system":
        return text if text.strip() else None
    if role_name not in ("user", "assistant"):
        return None  # tool output, plugins
    recipient = raw.get("recipient", "all")
    if role_name == "assistant" and recipient not in ("all", None):
        return None  # a call to a tool (browser, python), not words for the user
    if not text.strip():
        return None
    created = _get(raw, "create_time", float, where, default=None, optional=True)
    created = created if created is not None else fallback_time
    role = Role(role_name)
    finish: FinishReason | None = None
    finished_at: float | None = None
    if role is Role.ASSISTANT:
        details = metadata.get("finish_details")
        kind = details.get("type") if isinstance(details, dict) else None
        finish = (
            _CHATGPT_FINISH.get(kind, FinishReason.STOP)
            if isinstance(kind, str)
            else (FinishReason.STOP)
        )
        updated = _get(raw, "update_time", float, where, default=None, optional=True)
        finished_at = updated if updated is not None else created
    return ImportedMessage(
        key=key,
        parent_key=parent_key,
        role=role,
        content=text,
        created_at=created,
        finished_at=finished_at,
        finish_reason=finish,
        generation=None,
    )

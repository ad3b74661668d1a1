"""Markdown and plain-text transcripts: the visible branch or every branch, with the facts a
reader needs to reproduce each reply, thinking and sources included unless left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from desktop.core.conversation import (
    MessageSource,
)
from desktop.store.export_common import (
    DEFAULT_LABELS,
    ExportConversation,
    ExportLabels,
    conversation_metadata,
    one_line,
    source_place,
    transcript_parts,
)


def _quoted(text: str) -> list[str]:
    """Every line behind "> ", blank ones too, so the quote cannot end early."""
    return [f"> {line}" if line else ">" for line in text.splitlines()]


def fence(text: str, info: str = "") -> str:
    """A code fence longer than any backtick run inside, so the content cannot close it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{info}\n{text}\n{ticks}"


def export_markdown(
    conversation: ExportConversation,
    *,
    all_branches: bool = False,
    labels: ExportLabels = DEFAULT_LABELS,
    include_thinking: bool = True,
) -> str:
    """Readable Markdown: replies verbatim (they are Markdown already), facts in italics, a
    reply's thinking (when included) as a quote block above it."""
    summary = conversation.summary
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
            fence(summary.system_prompt),
            "",
        ]
    parts = transcript_parts(
        conversation, labels, all_branches=all_branches, include_thinking=include_thinking
    )
    for part in parts:
        event, message = part.event, part.event.message
        if event.kind == "branch_start":
            mark = f" — {labels.current_branch}" if event.current else ""
            lines += ["---", "", f"**{'⤷ ' * event.depth}{part.heading}**{mark}", ""]
        elif event.kind == "message" and message is not None:
            lines += [f"## {part.role}", "", f"*{_md_escape(part.meta)}*", ""]
            if part.thinking:
                title = _md_escape(part.thinking_title)
                lines += [f"> **{title}**", ">", *_quoted(part.thinking), ""]
            lines += [message.content.rstrip("\n") if message.content else "", ""]
            lines += _sources_markdown(message.sources, labels)
            if part.documents_note:
                lines += [f"*{_md_escape(part.documents_note)}*", ""]
            if part.summary:
                title = _md_escape(part.summary_title)
                lines += [f"> **{title}**", ">", *_quoted(part.summary), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


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


def _md_escape(text: str) -> str:
    """Escapes characters that would end or change the italic metadata line."""
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", one_line(text))


def export_text(
    conversation: ExportConversation,
    *,
    all_branches: bool = False,
    labels: ExportLabels = DEFAULT_LABELS,
    include_thinking: bool = True,
) -> str:
    """Plain text for pasting anywhere; message text verbatim, thinking quoted with "> "."""
    summary = conversation.summary
    title = one_line(summary.title)
    lines = [title, "=" * max(len(title), 3), ""]
    lines += [
        labels.fill("field", name=name, value=one_line(value))
        for name, value in conversation_metadata(conversation, labels)
    ]
    lines.append("")
    if summary.system_prompt:
        lines += [labels.fill("heading", name=labels.system_prompt), summary.system_prompt, ""]
    parts = transcript_parts(
        conversation, labels, all_branches=all_branches, include_thinking=include_thinking
    )
    for part in parts:
        event, message = part.event, part.event.message
        if event.kind == "branch_start":
            mark = f" ({labels.current_branch})" if event.current else ""
            lines += [f"{'>' * event.depth}>>> {part.heading}{mark}", ""]
        elif event.kind == "message" and message is not None:
            lines.append(f"[{part.role}] {part.meta}")
            if part.thinking:
                lines += [f"> {part.thinking_title}:", *_quoted(part.thinking)]
            lines += [message.content.rstrip("\n"), ""]
            if message.sources:
                lines.append(labels.fill("heading", name=labels.sources))
                lines += [
                    f"[{s.number}] {source_place(s, labels)} ({s.file})" for s in message.sources
                ]
                lines.append("")
            if part.documents_note:
                lines += [part.documents_note, ""]
            if part.summary:
                lines += [f"> {part.summary_title}:", *_quoted(part.summary), ""]
    return "\n".join(lines).rstrip("\n") + "\n"

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
    DEFAULT_OPTIONS,
    ExportConversation,
    ExportLabels,
    ExportOptions,
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


#: An opening code fence: up to three spaces, then three or more backticks or tildes.
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
#: A heading of the transcript's own levels (# title, ## turn) written inside a message.
_TOP_HEADING = re.compile(r"^( {0,3})(#{1,2})(?=[ \t]|$)")
#: An ampersand a Markdown viewer would read as the start of a character reference ("&lt;",
#: "&#169;", "&copy;"); any other "&" ("AT&T") is shown as it is.
_REFERENCE_AMPERSAND = re.compile(
    r"&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)"
)
#: Inline code spans: a run of backticks, then anything up to the same run.
_CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)")


def contained_markdown(text: str) -> str:
    """A message's Markdown that cannot change the transcript around it.

    Messages are untrusted (a reply, an imported chat), yet Markdown is what they are, so they
    are kept readable, with these changes: raw HTML outside code is escaped (``<`` as
    ``&lt;``; a viewer would run it), an ``&`` that would start a character reference becomes
    ``&amp;`` (a reply explaining that "&lt;" writes "<" lost its "&lt;"), a heading of the
    transcript's own levels (``#`` and ``##``) becomes ``###`` (a reply cannot forge a
    "## User" turn), and a code fence left open is closed at the message's end, so it cannot
    swallow the turns and sources after it.
    """
    lines: list[str] = []
    fence: tuple[str, int] | None = None  # the open fence's character and length
    in_indented_code = False
    previous_blank = True
    for line in text.split("\n"):
        if fence is not None:
            lines.append(line)
            stripped = line.strip()
            char, size = fence
            if (
                len(stripped) >= size
                and stripped == char * len(stripped)
                and not line.startswith("    ")
            ):
                fence = None
            continue
        if match := _FENCE.match(line):
            opener = match.group(1)
            if opener[0] == "~" or "`" not in line[match.end() :]:
                fence = (opener[0], len(opener))
                lines.append(line)
                previous_blank = in_indented_code = False
                continue
        blank = not line.strip()
        in_indented_code = (
            line.startswith(("    ", "\t")) and (previous_blank or in_indented_code)
        ) or (blank and in_indented_code)
        previous_blank = blank
        if in_indented_code:
            lines.append(line)
            continue
        line = _TOP_HEADING.sub(r"\1###", line)
        lines.append(_escape_html_outside_code_spans(line))
    if fence is not None:
        char, size = fence
        lines.append(char * size)
    return "\n".join(lines)


def _escape_html_outside_code_spans(line: str) -> str:
    parts: list[str] = []
    start = 0
    for span in _CODE_SPAN.finditer(line):
        parts.append(_escape_html(line[start : span.start()]))
        parts.append(span.group(0))
        start = span.end()
    parts.append(_escape_html(line[start:]))
    return "".join(parts)


def _escape_html(text: str) -> str:
    return _REFERENCE_AMPERSAND.sub("&amp;", text).replace("<", "&lt;")


def export_markdown(
    conversation: ExportConversation,
    options: ExportOptions = DEFAULT_OPTIONS,
) -> str:
    """Readable Markdown: messages as the Markdown they are, contained (:func:`contained_markdown`),
    facts in italics, a reply's thinking (when included) as a quote block above it."""
    summary, labels = conversation.summary, options.labels
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
    for part in transcript_parts(conversation, options):
        event, message = part.event, part.event.message
        if event.kind == "branch_start":
            mark = f" — {labels.current_branch}" if event.current else ""
            lines += ["---", "", f"**{'⤷ ' * event.depth}{part.heading}**{mark}", ""]
        elif event.kind == "message" and message is not None:
            lines += [f"## {part.role}", "", f"*{_md_escape(part.meta)}*", ""]
            if part.thinking:
                title = _md_escape(part.thinking_title)
                lines += [f"> **{title}**", ">", *_quoted(part.thinking), ""]
            content = message.content.rstrip("\n") if message.content else ""
            lines += [contained_markdown(content), ""]
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
        # A passage is a file's text, as untrusted as a reply: contained the same way.
        quoted = contained_markdown(source.text).splitlines()
        lines += [f"  > {line}" if line.strip() else "  >" for line in quoted]
    lines.append("")
    return lines


def _md_escape(text: str) -> str:
    """Escapes characters that would end or change the italic metadata line."""
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", one_line(text))


def export_text(
    conversation: ExportConversation,
    options: ExportOptions = DEFAULT_OPTIONS,
) -> str:
    """Plain text for pasting anywhere; message text verbatim, thinking quoted with "> "."""
    summary, labels = conversation.summary, options.labels
    title = one_line(summary.title)
    lines = [title, "=" * max(len(title), 3), ""]
    lines += [
        labels.fill("field", name=name, value=one_line(value))
        for name, value in conversation_metadata(conversation, labels)
    ]
    lines.append("")
    if summary.system_prompt:
        lines += [labels.fill("heading", name=labels.system_prompt), summary.system_prompt, ""]
    for part in transcript_parts(conversation, options):
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

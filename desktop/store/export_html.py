"""A self-contained HTML transcript.

The page follows the reader's light or dark setting (``prefers-color-scheme``). Replies are
rendered as the app renders them in its light theme; inline code carries a light background
in its own style, so the page's rule (``!important``, the theme's variable) overrides it, or
dark text would sit on it light on light.

Model output is untrusted here too: the page carries a Content-Security-Policy that forbids
scripts and every remote load, all text is escaped, and replies go through
:func:`desktop.core.markdown.render_markdown`, which already refuses raw HTML and images.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from desktop.core.conversation import (
    Role,
    StoredMessage,
)
from desktop.core.design import DARK, LIGHT, css_variables
from desktop.core.markdown import SOURCE_SCHEME, MarkdownLabels, render_markdown
from desktop.store.export_common import (
    DEFAULT_LABELS,
    DEFAULT_OPTIONS,
    ExportConversation,
    ExportLabels,
    ExportOptions,
    conversation_metadata,
    one_line,
    source_place,
    summaries_by_message,
    transcript_parts,
)

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

_HTML_CSS = (
    (
        f":root {{ color-scheme: light dark; {css_variables(LIGHT)} }}\n"
        f"@media (prefers-color-scheme: dark) {{ :root {{ {css_variables(DARK)} }} }}\n"
    )
    + """body { background: var(--surface); color: var(--text); margin: 0 auto; max-width: 52rem;
  padding: 1.5rem; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans",
  "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; }
a { color: var(--link); }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; overflow-wrap: anywhere; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem;
  color: var(--text-muted); font-size: .9rem; }
dl.meta dt { font-weight: 600; } dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.message { border: 1px solid var(--border); border-radius: 8px; padding: .5rem 1rem;
  margin: 1rem 0; }
.message.user { background: var(--user-bubble); }
.message.assistant, .message.system { background: var(--surface-raised); }
.message > h2 { font-size: 1rem; margin: .25rem 0; }
.content { overflow-wrap: anywhere; }
.content h1 { font-size: 1.4rem; } .content h2 { font-size: 1.25rem; }
.content h3 { font-size: 1.1rem; } .content h4, .content h5, .content h6 { font-size: 1rem; }
.message .meta { color: var(--text-muted); font-size: .8rem; margin: 0 0 .5rem;
  overflow-wrap: anywhere; }
pre.plain { white-space: pre-wrap; overflow-wrap: anywhere; font: inherit; margin: 0; }
.content pre { white-space: pre-wrap; overflow-wrap: anywhere; }
.content code { background-color: var(--inline-code) !important; }
.content table { border-collapse: collapse; display: block; max-width: 100%; overflow-x: auto; }
.content img { max-width: 100%; }
.branch { border-left: 3px solid var(--border); padding-left: 1rem; margin: 1rem 0; }
.branch > h3 { font-size: .95rem; color: var(--text-muted); margin: .5rem 0; }
.branch.current > h3 { color: var(--link); }
footer { color: var(--text-muted); font-size: .8rem; margin-top: 2rem; }
"""
)


# Only pages with thinking carry it, so every other export stays byte for byte as it was.
_THINKING_CSS = """details.thinking { color: var(--text-muted); margin: 0 0 .5rem; }
details.thinking > summary { cursor: pointer; font-size: .9rem; }
details.thinking > pre.plain { border-left: 3px solid var(--border); padding-left: .75rem;
  margin: .25rem 0; }
"""


_SUMMARY_CSS = """details.summary { color: var(--text-muted); margin: 1rem 0; padding: .25rem 1rem;
  border: 1px dashed var(--border); border-radius: 8px; }
details.summary > summary { cursor: pointer; font-size: .9rem; }
details.summary > pre.plain { margin: .25rem 0; }
"""


_SOURCE_LINK = re.compile('href="' + re.escape(SOURCE_SCHEME) + r':(\d+)"')


def render_reply_html(
    text: str, labels: ExportLabels = DEFAULT_LABELS, citations: frozenset[int] = frozenset()
) -> str:
    """A reply's Markdown as safe HTML that QTextDocument also understands, without the
    in-app Copy links (an empty Copy label leaves them out: a saved page cannot use them).
    Citations of ``citations`` become ``hearthside-source:n`` links for the caller to point."""
    return render_markdown(
        text,
        labels=MarkdownLabels(copy="", image=labels.image, code=labels.code),
        citations=citations,
    ).html


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
        f'<small style="color: var(--text-muted); overflow-wrap: anywhere;">{_esc(s.file)}</small>'
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
    options: ExportOptions = DEFAULT_OPTIONS,
) -> str:
    """One self-contained page: inline CSS, no scripts, nothing fetched, light and dark; a
    reply's thinking (when included) is a closed <details> above it, as plain text."""
    summary, labels = conversation.summary, options.labels
    has_thinking = options.include_thinking and any(
        m.thinking.strip() for m in conversation.messages
    )
    has_summaries = any(s.content.strip() for s in summaries_by_message(conversation).values())
    out = [
        "<!DOCTYPE html>",
        "<html>",
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="Hearthside">',
        f"<title>{_esc(one_line(summary.title))}</title>",
        f"<style>{_HTML_CSS}{_THINKING_CSS if has_thinking else ''}"
        f"{_SUMMARY_CSS if has_summaries else ''}</style>",
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
    for part in transcript_parts(conversation, options):
        event, message = part.event, part.event.message
        if event.kind == "branch_start":
            mark = f" — {labels.current_branch}" if event.current else ""
            css = "branch current" if event.current else "branch"
            out.append(f'<section class="{css}"><h3>{_esc(part.heading + mark)}</h3>')
        elif event.kind == "branch_end":
            out.append("</section>")
        elif message is not None:
            if message.role is Role.ASSISTANT:
                reply = render_reply_html(
                    message.content, labels, frozenset(x.number for x in message.sources)
                )
                reply = _SOURCE_LINK.sub(rf'href="#m{message.id}-s\1"', reply)
                body = f'<div class="content">{reply}</div>'
                body += _sources_html(message, labels)
                if part.documents_note:
                    body += f'<p class="meta"><i>{_esc(part.documents_note)}</i></p>'
                if part.thinking:
                    body = (
                        f'<details class="thinking"><summary>{_esc(part.thinking_title)}</summary>'
                        f'<pre class="plain">{_esc(part.thinking)}</pre></details>' + body
                    )
            else:
                body = (
                    f'<div class="content"><pre class="plain">{_esc(message.content)}</pre></div>'
                )
            out.append(
                f'<article class="message {message.role.value}"><h2>{_esc(part.role)}</h2>'
                f'<p class="meta">{_esc(part.meta)}</p>{body}</article>'
            )
            if part.summary:
                out.append(
                    f'<details class="summary"><summary>{_esc(part.summary_title)}'
                    f'</summary><pre class="plain">{_esc(part.summary)}</pre></details>'
                )
    out += ["</main>", f"<footer>{_esc(labels.exported_by)}</footer>", "</body>", "</html>"]
    return "\n".join(out) + "\n"

"""Markdown to HTML for model replies, safe to show in a Qt rich-text widget.

Model output is untrusted. The renderer therefore never emits raw HTML from the source, never
emits ``<img>`` (nothing remote or local may be fetched just by displaying a reply), and keeps
links only for schemes the UI knows how to open after asking the user. The output stays inside
the HTML4/CSS subset that ``QTextDocument`` understands: inline styles, ``<pre>``, and
``<table>`` where a block needs a background.

Replies are rendered again and again while they stream in, so half-written Markdown (an open
code fence, half a table) must render sensibly and nothing here may raise on any input.

This module is pure Python so it can be tested without Qt; user-visible words are passed in
through :class:`MarkdownLabels` so the UI can translate them.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from desktop.core.design import DARK, LIGHT, ColorTokens

if TYPE_CHECKING:
    # Imported where first used: markdown-it and Pygments take ~25 ms to import, which the
    # window's first frame need not wait for when it shows no message yet.
    from markdown_it import MarkdownIt
    from markdown_it.token import Token
    from pygments.formatters import HtmlFormatter
    from pygments.lexer import Lexer
    from pygments.style import StyleMeta

__all__ = [
    "COPY_SCHEME",
    "SOURCE_SCHEME",
    "MarkdownLabels",
    "RenderedMarkdown",
    "render_markdown",
]

#: Scheme of the "Copy" anchors above code blocks; ``hearthside-copy:3`` copies block 3.
COPY_SCHEME = "hearthside-copy"

#: Scheme of citation links: ``hearthside-source:2`` opens source [2] of the reply.
SOURCE_SCHEME = "hearthside-source"
_CITATION = re.compile(r"\[(\d{1,3})\]")

#: Link schemes kept as links. Everything else is shown as plain text, so a reply cannot
#: smuggle in ``javascript:``, ``file:`` or our own ``hearthside-copy:`` actions.
_ALLOWED_LINK_SCHEMES = frozenset({"http", "https", "mailto"})

_LIGHT_STYLE = "default"
_DARK_STYLE = "github-dark"
_MONO_FONTS = "'JetBrains Mono', 'Cascadia Mono', Menlo, Consolas, 'DejaVu Sans Mono', monospace"


@dataclass(frozen=True, slots=True)
class MarkdownLabels:
    """Words the renderer puts into the HTML, passed in so the UI can translate them.

    ``image`` is a ``str.format`` pattern with one ``{alt}`` field.
    """

    copy: str = "Copy"
    image: str = "[image: {alt}]"
    code: str = "code"


@dataclass(frozen=True, slots=True)
class RenderedMarkdown:
    """HTML for display plus the raw source of each code block.

    ``code_blocks[n]`` is what the ``hearthside-copy:n`` anchor copies; keeping the source
    here means the UI never has to scrape text back out of highlighted HTML.
    """

    html: str
    code_blocks: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class _Palette:
    background: str
    foreground: str
    muted: str
    inline_code_background: str
    border: str


def _code_palette(theme: ColorTokens) -> _Palette:
    return _Palette(
        background=theme.surface_raised,
        foreground=theme.text,
        muted=theme.text_muted,
        inline_code_background=theme.inline_code,
        border=theme.border,
    )


_LIGHT = _code_palette(LIGHT)
_DARK = _code_palette(DARK)


@lru_cache(maxsize=4)
def _formatter(dark: bool) -> tuple[HtmlFormatter, str, str]:
    """The Pygments formatter plus its background and default text colour.

    Cached because building a formatter walks the whole style, and a streaming reply is
    re-rendered many times a second.
    """
    from pygments.formatters import HtmlFormatter
    from pygments.styles import get_style_by_name
    from pygments.token import Token as PygmentsToken

    style: StyleMeta = get_style_by_name(_DARK_STYLE if dark else _LIGHT_STYLE)
    palette = _DARK if dark else _LIGHT
    background = style.background_color or palette.background
    text_colour = style.style_for_token(PygmentsToken.Text).get("color")
    foreground = f"#{text_colour}" if text_colour else palette.foreground
    return HtmlFormatter(style=style, noclasses=True, nowrap=True), background, foreground


@lru_cache(maxsize=64)
def _lexer(name: str) -> Lexer | None:
    """Lexer for a fence info word, or ``None`` to show the block as plain text."""
    if not name:
        return None
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(name, stripnl=False, ensurenl=False)
    except (ClassNotFound, ValueError):
        return None


def _info_language(info: str) -> str:
    """First word of a fence info string, tolerating ``{.python}`` and ``python{1,3}``."""
    words = info.strip().split()
    if not words:
        return ""
    word = words[0].strip("{}.")
    return word.split("{", 1)[0][:40]


def _highlight(code: str, language: str, dark: bool) -> str:
    lexer = _lexer(language.lower())
    if lexer is None:
        return html.escape(code, quote=False)
    formatter, _, _ = _formatter(dark)
    from pygments import highlight

    try:
        return highlight(code, lexer, formatter).removesuffix("\n")
    except Exception:  # a third-party lexer must never break the chat view
        return html.escape(code, quote=False)


def _is_allowed_link(href: str) -> bool:
    try:
        parts = urlsplit(href)
    except ValueError:
        return False
    scheme = parts.scheme.lower()
    if scheme not in _ALLOWED_LINK_SCHEMES:
        return False
    if scheme in {"http", "https"}:
        return bool(parts.netloc)
    return bool(parts.path)


def _render_code_block(self: Any, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
    token = tokens[idx]
    code = token.content.removesuffix("\n")
    index = len(env["code_blocks"])
    env["code_blocks"].append(code)

    dark: bool = env["dark"]
    labels: MarkdownLabels = env["labels"]
    palette = _DARK if dark else _LIGHT
    _, background, foreground = _formatter(dark)
    language = _info_language(token.info) if token.type == "fence" else ""
    shown_language = html.escape(language or labels.code)
    body = _highlight(code, language, dark)
    # A table is the one block in Qt's rich text that reliably paints a background and padding
    # around its content; <pre style="background"> only tints behind the glyphs.
    return (
        f'<table width="100%" cellspacing="0" cellpadding="6" border="0" bgcolor="{background}"'
        f' style="margin-top:6px; margin-bottom:6px; border-color:{palette.border};">'
        f'<tr><td style="color:{palette.muted}; font-size:small;">{shown_language}'
        f'&nbsp;&nbsp;&nbsp;<a href="{COPY_SCHEME}:{index}">{html.escape(labels.copy)}</a>'
        f"</td></tr>"
        f'<tr><td><pre style="white-space:pre-wrap; margin:0; color:{foreground};'
        f' font-family:{_MONO_FONTS};">{body}</pre></td></tr>'
        f"</table>\n"
    )


def _render_code_inline(self: Any, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
    palette = _DARK if env["dark"] else _LIGHT
    return (
        f'<code style="background-color:{palette.inline_code_background};'
        f' font-family:{_MONO_FONTS};">'
        f"{html.escape(tokens[idx].content, quote=False)}</code>"
    )


def _render_image(self: Any, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    labels: MarkdownLabels = env["labels"]
    try:
        text = labels.image.format(alt=alt)
    except (KeyError, IndexError, ValueError):  # a bad translation must not break rendering
        text = f"[{alt}]"
    return html.escape(text, quote=False)


def _render_link_open(self: Any, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
    token = tokens[idx]
    allowed = _is_allowed_link(str(token.attrGet("href") or ""))
    env["link_stack"].append(allowed)
    if not allowed:
        return ""
    # Only href (and title, shown as a tooltip) survive; no other attribute reaches Qt.
    href = html.escape(str(token.attrGet("href")), quote=True)
    title = token.attrGet("title")
    title_attr = f' title="{html.escape(str(title), quote=True)}"' if title else ""
    return f'<a href="{href}"{title_attr}>'


def _render_link_close(self: Any, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
    allowed = env["link_stack"].pop() if env["link_stack"] else False
    return "</a>" if allowed else ""


def _render_text(self: Any, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
    """Plain text, with "[2]" turned into a citation link when the reply has a source 2
    (never inside another link; code spans are other tokens and stay as typed)."""
    from markdown_it.common.utils import escapeHtml  # loaded already: this runs in a render

    text = escapeHtml(tokens[idx].content)
    citations: frozenset[int] = env["citations"]
    if not citations or env["link_stack"]:
        return text

    def link(match: re.Match[str]) -> str:
        number = int(match.group(1))
        if number not in citations:
            return match.group(0)
        return f'<a href="{SOURCE_SCHEME}:{number}">[{number}]</a>'

    return _CITATION.sub(link, text)


def _render_table_open(self: Any, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
    palette = _DARK if env["dark"] else _LIGHT
    return (
        f'<table border="1" cellspacing="0" cellpadding="4"'
        f' style="border-collapse:collapse; border-color:{palette.border};'
        f' margin-top:6px; margin-bottom:6px;">\n'
    )


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    """Built on first use (importing markdown-it then), reused for every render."""
    from markdown_it import MarkdownIt

    # html=False: raw HTML in a reply is shown as text. breaks=True: models use single
    # newlines as line breaks (poems, addresses), and chat users expect to see them.
    md = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable(
        ["table", "strikethrough"]
    )
    md.add_render_rule("fence", _render_code_block)
    md.add_render_rule("code_block", _render_code_block)
    md.add_render_rule("code_inline", _render_code_inline)
    md.add_render_rule("image", _render_image)
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("link_close", _render_link_close)
    md.add_render_rule("table_open", _render_table_open)
    md.add_render_rule("text", _render_text)
    return md


_DEFAULT_LABELS = MarkdownLabels()


def render_markdown(
    text: str,
    *,
    dark: bool = False,
    labels: MarkdownLabels = _DEFAULT_LABELS,
    citations: frozenset[int] = frozenset(),
) -> RenderedMarkdown:
    """Render untrusted Markdown to Qt-compatible HTML.

    ``dark`` picks code colours that read well on a dark window background; the rest of the
    text takes its colour from the widget palette. ``citations``: the source numbers the reply
    was given; "[n]" for one of them becomes a ``hearthside-source:n`` link.
    """
    env: dict[str, Any] = {
        "code_blocks": [],
        "link_stack": [],
        "dark": dark,
        "labels": labels,
        "citations": citations,
    }
    # Qt turns the trailing newline into a space at the end of the last paragraph.
    rendered = _parser().render(text, env).rstrip()
    return RenderedMarkdown(html=rendered, code_blocks=tuple(env["code_blocks"]))

"""Markdown to HTML for model replies, safe to show in a Qt rich-text widget.

Model output is untrusted. The renderer therefore never emits raw HTML from the source, never
emits ``<img>`` (nothing remote or local may be fetched just by displaying a reply), and keeps
links only for schemes the UI knows how to open after asking the user. The output stays inside
the HTML4/CSS subset that ``QTextDocument`` understands: inline styles, ``<pre>``, and
``<table>`` where a block needs a background (code blocks; a blockquote's bar is a narrow
coloured cell beside it). A tag in prose is shown as escaped code, and a bare http(s) URL
becomes a link (which, like every link, opens only after the user confirms).

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

#: A bare http(s) URL in prose; its end is trimmed by _bare_url_end.
_BARE_URL = re.compile(r"(?<![\w@/.:-])https?://[^\s<>\"'`]+", re.IGNORECASE)
_URL_TRAILING = frozenset(".,;:!?'\"*_~")
_URL_CLOSERS = {")": "(", "]": "[", "}": "{"}

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
    quote_bar: str


def _code_palette(theme: ColorTokens) -> _Palette:
    return _Palette(
        background=theme.surface_raised,
        foreground=theme.text,
        muted=theme.text_muted,
        inline_code_background=theme.inline_code,
        border=theme.border,
        quote_bar=theme.text_disabled,
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
    # A header band: the language at the left, Copy at the right (as a quiet word, not an
    # underlined link), over the code. No Copy where its label is empty (a saved page).
    copy_link = (
        f'<a href="{COPY_SCHEME}:{index}" style="color:{palette.muted}; text-decoration:none;">'
        f"{html.escape(labels.copy)}</a>"
        if labels.copy
        else ""
    )
    return (
        f'<table width="100%" cellspacing="0" cellpadding="6" border="0" bgcolor="{background}"'
        f' style="margin-top:6px; margin-bottom:6px; border-color:{palette.border};">'
        f'<tr><td bgcolor="{palette.inline_code_background}"'
        f' style="color:{palette.muted}; font-size:small;">{shown_language}</td>'
        f'<td align="right" bgcolor="{palette.inline_code_background}" style="font-size:small;">'
        f"{copy_link}</td></tr>"
        f'<tr><td colspan="2"><pre style="white-space:pre-wrap; margin:0; color:{foreground};'
        f' font-family:{_MONO_FONTS};">{body}</pre></td></tr>'
        f"</table>\n"
    )


def _code_span(text: str, env: dict, *, quote: bool = False) -> str:
    palette = _DARK if env["dark"] else _LIGHT
    return (
        f'<code style="background-color:{palette.inline_code_background};'
        f' font-family:{_MONO_FONTS};">'
        f"{html.escape(text, quote=quote)}</code>"
    )


def _render_code_inline(self: Any, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
    return _code_span(tokens[idx].content, env)


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


def _bare_url_end(url: str) -> int:
    """How much of a bare URL candidate is the URL: trailing sentence punctuation is not, nor
    a closing bracket that has no opening one inside the URL ("(see https://x.org/a)")."""
    end = len(url)
    while end:
        last = url[end - 1]
        if last in _URL_TRAILING:
            end -= 1
        elif last in _URL_CLOSERS:
            opener = _URL_CLOSERS[last]
            if url.count(opener, 0, end) >= url.count(last, 0, end):
                break
            end -= 1
        else:
            break
    return end


def _prose(text: str, env: dict) -> str:
    """Escaped text with "[2]" turned into a citation link when the reply has a source 2."""
    from markdown_it.common.utils import escapeHtml  # loaded already: this runs in a render

    escaped = escapeHtml(text)
    citations: frozenset[int] = env["citations"]
    if not citations:
        return escaped

    def link(match: re.Match[str]) -> str:
        number = int(match.group(1))
        if number not in citations:
            return match.group(0)
        return f'<a href="{SOURCE_SCHEME}:{number}">[{number}]</a>'

    return _CITATION.sub(link, escaped)


def _render_text(self: Any, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
    """Plain text, with bare http(s) URLs made links and "[2]" made a citation link (never
    inside another link; code spans are other tokens and stay as typed). A link still opens
    only after the user confirms (desktop.qtkit.safe_text)."""
    from markdown_it.common.utils import escapeHtml  # loaded already: this runs in a render

    text = tokens[idx].content
    if env["link_stack"]:
        return escapeHtml(text)
    out: list[str] = []
    position = 0
    for match in _BARE_URL.finditer(text):
        url = match.group(0)[: _bare_url_end(match.group(0))]
        if not _is_allowed_link(url):
            continue
        out.append(_prose(text[position : match.start()], env))
        shown = escapeHtml(url)
        out.append(f'<a href="{html.escape(url, quote=True)}">{shown}</a>')
        position = match.start() + len(url)
    out.append(_prose(text[position:], env))
    return "".join(out)


def _render_html_inline(self: Any, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
    """An HTML tag in prose is shown as the tag, escaped and styled as code: never live HTML
    (it would reach Qt's rich text), and not mistaken for prose either."""
    return _code_span(tokens[idx].content, env, quote=True)


def _render_blockquote_open(
    self: Any, tokens: list[Token], idx: int, options: Any, env: dict
) -> str:
    # QTextDocument has no border-left on blocks; a narrow coloured cell beside the quote's
    # cell draws the bar.
    palette = _DARK if env["dark"] else _LIGHT
    return (
        '<table width="100%" cellspacing="0" cellpadding="0" border="0"'
        ' style="margin-top:6px; margin-bottom:6px;">'
        f'<tr><td width="3" bgcolor="{palette.quote_bar}"></td>'
        f'<td style="padding-left:10px; color:{palette.muted};">\n'
    )


def _render_blockquote_close(
    self: Any, tokens: list[Token], idx: int, options: Any, env: dict
) -> str:
    return "</td></tr></table>\n"


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

    # html=True only so that a tag in prose becomes an html_inline token, which is rendered
    # as escaped code (_render_html_inline); HTML blocks stay off, so a line starting with a
    # tag is a paragraph like any other. breaks=True: models use single newlines as line
    # breaks (poems, addresses), and chat users expect to see them.
    md = (
        MarkdownIt("commonmark", {"html": True, "breaks": True})
        .enable(["table", "strikethrough"])
        .disable("html_block")
    )
    md.add_render_rule("fence", _render_code_block)
    md.add_render_rule("code_block", _render_code_block)
    md.add_render_rule("code_inline", _render_code_inline)
    md.add_render_rule("image", _render_image)
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("link_close", _render_link_close)
    md.add_render_rule("table_open", _render_table_open)
    md.add_render_rule("text", _render_text)
    md.add_render_rule("html_inline", _render_html_inline)
    md.add_render_rule("html_block", _render_html_inline)  # off; never raw, should it come on
    md.add_render_rule("blockquote_open", _render_blockquote_open)
    md.add_render_rule("blockquote_close", _render_blockquote_close)
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

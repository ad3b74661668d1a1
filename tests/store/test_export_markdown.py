"""A message in the Markdown export cannot change the transcript around it: no raw HTML, no
open fence swallowing the turns after it, no forged turn heading."""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import replace

from markdown_it import MarkdownIt

from desktop.core.conversation import MessageSource, Role
from desktop.store.export import ExportConversation
from desktop.store.export_markdown import contained_markdown, export_markdown
from tests.store.export_samples import sample_conversation


def _with_reply(content: str, sources: tuple[MessageSource, ...] = ()) -> ExportConversation:
    """The sample conversation's first reply replaced by ``content``."""
    conversation = sample_conversation()
    messages = tuple(
        replace(m, content=content, sources=sources) if m.id == 2 else m
        for m in conversation.messages
    )
    return replace(conversation, messages=messages)


def _headings(markdown: str) -> list[str]:
    tokens = MarkdownIt("commonmark").parse(markdown)
    return [
        f"{tokens[i].tag} {tokens[i + 1].content}"
        for i, token in enumerate(tokens)
        if token.type == "heading_open"
    ]


def _turns(role: str) -> int:
    """How many turns of ``role`` the sample conversation's export has."""
    return _headings(export_markdown(sample_conversation())).count(f"h2 {role}")


def test_an_unclosed_fence_in_a_reply_does_not_swallow_what_follows() -> None:
    source = MessageSource(number=1, file="notes.txt", text="A passage.")
    reply = "Here is code:\n\n````python\nprint('never closed')\n```\n## You\n\nforged"
    markdown = export_markdown(_with_reply(reply, (source,)))
    headings = _headings(markdown)
    # The real next turn is a heading, the forged one stays inside the code block.
    assert headings.count("h2 You") == _turns("You")
    assert "print('never closed')\n```\n## You\n\nforged\n````" in markdown
    html = MarkdownIt("commonmark").render(markdown)
    assert "<strong>Sources:</strong>" in html  # the reply's sources are not code either


def test_a_passages_html_is_shown_not_run() -> None:
    """A source's passage is a file's text (a saved web page, a note): its raw HTML went into
    the quote as it was, and a viewer would run it."""
    source = MessageSource(1, "page.txt", text="<img src=x onerror=alert(1)>\n<b>bold</b> &lt;")
    markdown = export_markdown(_with_reply("See [1].", (source,)))
    html = MarkdownIt("commonmark").render(markdown)
    assert "<img" not in html and "<b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "&amp;lt;" in html


def test_a_reply_cannot_forge_a_turn_heading() -> None:
    markdown = export_markdown(_with_reply("Sure.\n\n## You\n\nIgnore that.\n# Title"))
    assert _headings(markdown).count("h2 You") == _turns("You")
    assert "### You" in markdown and "### Title" in markdown


def test_raw_html_outside_code_is_escaped_and_code_is_kept() -> None:
    reply = (
        "<img src=x onerror=alert(1)> and `<b>inline</b>`\n\n"
        "```html\n<script>alert(1)</script>\n```\n\n"
        "    <i>indented code</i>\n"
    )
    html = MarkdownIt("commonmark").render(contained_markdown(reply))
    assert "<img" not in html and "<script" not in html and "<i>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<code>&lt;b&gt;inline&lt;/b&gt;</code>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;i&gt;indented code&lt;/i&gt;" in html


def test_character_references_written_out_read_as_written() -> None:
    """A reply explaining that "&lt;" writes "<" rendered as "writes < as <": the reference it
    showed was read as one. A plain "&" stays as it is, and code is untouched."""
    reply = "Write &lt; for <, &#169; or &copy; for ©; AT&T & R&D stay. `&amp;` is code."
    contained = contained_markdown(reply)
    assert "AT&T & R&D" in contained and "`&amp;`" in contained
    html = MarkdownIt("commonmark").render(contained)
    shown = re.sub(r"<[^>]+>", "", html)
    assert htmllib.unescape(shown).strip() == reply.replace("`", "")


def test_a_tilde_fence_and_a_longer_backtick_fence_close_with_their_own() -> None:
    assert contained_markdown("~~~\n```\ncode").endswith("```\ncode\n~~~")
    assert contained_markdown("`````\n````\n").endswith("````\n\n`````")
    assert contained_markdown("```\nclosed\n```\nafter <b>") == "```\nclosed\n```\nafter &lt;b>"


def test_user_messages_are_contained_too() -> None:
    conversation = sample_conversation()
    messages = tuple(
        replace(m, content="```\nopen") if m.role == Role.USER else m for m in conversation.messages
    )
    markdown = export_markdown(replace(conversation, messages=messages))
    assert _headings(markdown).count("h2 Assistant") == _turns("Assistant")

"""Issue 17's Markdown rules: blockquotes with a bar, bare URLs as links, inline HTML shown as
escaped code; hostile input stays text."""

from __future__ import annotations

import re

from desktop.core.markdown import render_markdown


def _hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)


def test_a_blockquote_gets_a_bar_beside_its_text() -> None:
    out = render_markdown("> a **quoted** line\n\nafter").html
    # The bar: a narrow coloured cell before the cell holding the quote.
    bar = re.search(r'<td width="3" bgcolor="(#[0-9a-f]{6})"></td><td[^>]*>\s*<p>a <strong>', out)
    assert bar is not None
    assert "<blockquote" not in out
    assert out.rstrip().endswith("<p>after</p>")
    dark = render_markdown("> q", dark=True).html
    assert re.search(r'bgcolor="(#[0-9a-f]{6})"', dark).group(1) != bar.group(1)  # type: ignore[union-attr]


def test_bare_urls_become_links_without_their_punctuation() -> None:
    out = render_markdown(
        "See https://example.org/a_b?x=1&y=2. Or (http://example.com/wiki/Foo_(bar)), "
        "or https://example.net/x)."
    ).html
    assert _hrefs(out) == [
        "https://example.org/a_b?x=1&amp;y=2",
        "http://example.com/wiki/Foo_(bar)",
        "https://example.net/x",
    ]
    assert ">https://example.org/a_b?x=1&amp;y=2</a>. Or (" in out


def test_urls_in_code_and_links_and_other_schemes_stay_as_they_are() -> None:
    out = render_markdown(
        "`https://a.example` [label](https://b.example) file:///etc/passwd "
        "javascript:alert(1) ftp://c.example http:// mailhttps://d.example"
    ).html
    assert _hrefs(out) == ["https://b.example"]
    assert "<code" in out and "https://a.example</code>" in out


def test_a_bare_url_cannot_break_out_of_its_attribute() -> None:
    out = render_markdown('go to https://x.example/"onmouseover="evil now').html
    assert 'onmouseover="' not in out
    assert _hrefs(out) == ["https://x.example/"]


def test_inline_html_is_shown_as_escaped_code() -> None:
    out = render_markdown("Wrap it in <b>bold</b> tags, or use <br/>.").html
    assert "<b>" not in out and "<br/>" not in out
    assert re.search(r"<code[^>]*>&lt;b&gt;</code>bold<code[^>]*>&lt;/b&gt;</code>", out)
    assert re.search(r"<code[^>]*>&lt;br/&gt;</code>", out)


def test_hostile_html_in_a_reply_stays_text() -> None:
    hostile = (
        '<img src="file:///etc/passwd" onerror="alert(1)"> and '
        '<a href="file:///etc/passwd">open me</a> and <a href=javascript:alert(1)>x</a>\n\n'
        "<div style=\"background:url('http://evil.example/t.png')\">block</div>\n\n"
        "<script>alert(1)</script>"
    )
    out = render_markdown(hostile).html
    lowered = out.lower()
    for tag in ("<img", '<a href="file', "<a href=javascript", "<div", "<script", "<style"):
        assert tag not in lowered
    assert _hrefs(out) == []
    assert "&lt;img src=&quot;file:///etc/passwd&quot;" in out
    assert "open me" in out and "block" in out


def test_a_line_starting_with_a_tag_is_still_markdown_after_it() -> None:
    """HTML blocks are off: a tag at the start of a line does not swallow the Markdown after
    it (as a CommonMark HTML block would, up to the next blank line)."""
    out = render_markdown("<div>\n**bold** and https://example.org\n</div>").html
    assert "<strong>bold</strong>" in out
    assert _hrefs(out) == ["https://example.org"]

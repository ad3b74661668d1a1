"""The HTML export holds no active content, whatever the model wrote."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from desktop.store.export import (
    ExportOptions,
    export_html,
)
from tests.store.export_samples import PAYLOADS, sample_conversation


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.mark.parametrize("all_branches", [False, True])
def test_html_export_has_no_active_content(all_branches: bool) -> None:
    page = export_html(sample_conversation(), ExportOptions(all_branches=all_branches))
    parser = _Collector()
    parser.feed(page)
    parser.close()
    names = {tag for tag, _ in parser.tags}
    assert not names & {"script", "img", "iframe", "object", "embed", "link", "base", "form"}
    csp = [
        dict(attrs)
        for tag, attrs in parser.tags
        if tag == "meta" and dict(attrs).get("http-equiv") == "Content-Security-Policy"
    ]
    assert len(csp) == 1
    policy = csp[0]["content"] or ""
    assert "default-src 'none'" in policy and "script-src" not in policy
    hrefs = []
    for tag, attrs in parser.tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            assert name not in {"src", "srcset", "action", "formaction", "background"}, tag
            if name == "href":
                hrefs.append(value or "")
    assert hrefs == ["https://example.com/docs"] * len(hrefs) and hrefs
    # Every payload survives as visible text, never as markup.
    text = "".join(parser.text)
    for payload in PAYLOADS[:2]:
        assert payload in text
    assert "</title><script>alert(2)</script>" in text
    for payload in PAYLOADS:
        assert payload not in page
    assert "javascript:" not in page.replace("(javascript:alert(1))", "")
    assert "@media (prefers-color-scheme: dark)" in page
    assert "url(" not in page


def test_headings_keep_their_order_and_long_lines_wrap() -> None:
    """Issue 17, defect 8: a reply's h2 was drawn smaller than its h3 (the role heading's rule
    caught it), and a long unbroken line ran off the page."""
    import re

    from desktop.store.export import ExportFormat, export_conversation
    from tests.store.export_samples import sample_conversation

    html = export_conversation(sample_conversation(), ExportFormat.HTML)
    css = html[: html.index("</style>")]
    assert ".message h2" not in css.replace(".message > h2", "")  # only the author line's
    sizes = {
        level: float(re.search(rf"\.content h{level} {{ font-size: ([\d.]+)rem", css).group(1))
        for level in (1, 2, 3)
    }
    assert sizes[1] > sizes[2] > sizes[3]
    assert re.search(r"\.content \{[^}]*overflow-wrap: anywhere", css)


def test_inline_code_takes_the_colours_of_the_readers_theme() -> None:
    """The renderer gives inline code the light theme's background in its own style; on a
    dark page the text is light, so without the page's rule it reads light on light."""
    conversation = sample_conversation()
    page = export_html(conversation)
    assert '<code style="background-color:#eaeef2;' in page  # the renderer's own, light
    rule = re.search(r"^\.content code \{([^}]*)\}", page, re.MULTILINE)
    assert rule is not None
    assert rule.group(1).strip() == "background-color: var(--inline-code) !important;"
    dark = re.search(r"@media \(prefers-color-scheme: dark\) \{ :root \{([^}]*)\}", page)
    assert dark is not None and "--inline-code:" in dark.group(1)

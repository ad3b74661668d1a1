"""Markdown rendering of untrusted model output (pure Python, no Qt)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.markdown import COPY_SCHEME, MarkdownLabels, render_markdown


def _hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)


def test_raw_html_is_escaped() -> None:
    out = render_markdown("Hello <script>alert(1)</script> <b>bold</b>").html
    assert "<script>" not in out
    assert "&lt;script&gt;" in out
    assert "<b>" not in out


def test_raw_img_tag_is_escaped() -> None:
    out = render_markdown(
        '<img src="http://evil.example/x.png">\n\ntext <img src=http://e.x/a>'
    ).html
    assert "<img" not in out
    assert "&lt;img" in out


def test_markdown_image_becomes_text() -> None:
    out = render_markdown("look ![a cat](http://evil.example/cat.png) and ![](file:///etc/x)").html
    assert "<img" not in out
    assert "[image: a cat]" in out
    assert "evil.example" not in out
    # markdown-it refuses file: targets, so that one stays literal text, never a link.
    assert 'href="file' not in out


def test_image_label_is_translatable() -> None:
    labels = MarkdownLabels(copy="复制", image="[图片：{alt}]", code="代码")
    out = render_markdown("![猫](http://x.example/c.png)\n\n```\nx\n```", labels=labels).html
    assert "[图片：猫]" in out
    assert "复制" in out
    assert "代码" in out


def test_javascript_and_file_links_are_not_links() -> None:
    out = render_markdown(
        "[a](javascript:alert(1)) [b](file:///etc/passwd) [c](JAVASCRIPT:x) "
        "[d](hearthside-copy:0) [e](data:text/html,x) [f](relative/path) [g](ftp://x.org/)"
    ).html
    assert _hrefs(out) == []
    assert "<a " not in out


def test_safe_links_are_kept() -> None:
    out = render_markdown(
        "[site](https://example.org/a?b=1&c=2) <http://example.com> [mail](mailto:a@b.org)"
    ).html
    assert _hrefs(out) == [
        "https://example.org/a?b=1&amp;c=2",
        "http://example.com",
        "mailto:a@b.org",
    ]


def test_link_text_survives_when_link_is_dropped() -> None:
    out = render_markdown("see [the **docs**](ftp://example.org/docs) now").html
    assert "<strong>docs</strong>" in out
    assert "<a" not in out


def test_attribute_injection_in_link_is_escaped() -> None:
    out = render_markdown('[x](https://a.example/"onclick="evil)').html
    assert 'onclick="' not in out


def test_code_blocks_are_extracted_with_copy_links() -> None:
    text = (
        "Intro\n\n```python\ndef f():\n    return '<b>'\n```\n\nMiddle\n\n"
        "    indented code\n\n```unknown-lang\nraw <x> & y\n```\n"
    )
    result = render_markdown(text)
    assert result.code_blocks == ("def f():\n    return '<b>'", "indented code", "raw <x> & y")
    assert _hrefs(result.html) == [f"{COPY_SCHEME}:0", f"{COPY_SCHEME}:1", f"{COPY_SCHEME}:2"]
    assert "<b>" not in result.html.replace("<b>x", "")
    assert "&lt;x&gt; &amp; y" in result.html
    assert "python" in result.html
    assert "<pre" in result.html


def test_python_code_is_highlighted_inline_styles() -> None:
    out = render_markdown("```python\nimport os\n```").html
    assert 'style="color:' in out or 'style="color' in out
    assert "class=" not in out


def test_dark_uses_different_colours() -> None:
    light = render_markdown("```python\nimport os\n```").html
    dark = render_markdown("```python\nimport os\n```", dark=True).html
    assert light != dark


def test_unterminated_fence_while_streaming() -> None:
    result = render_markdown("Here:\n\n```python\nprint('hi')\nfor x in")
    assert result.code_blocks == ("print('hi')\nfor x in",)
    assert "<pre" in result.html


def test_half_a_table_while_streaming() -> None:
    header_only = render_markdown("| a | b |")
    assert "| a | b |" in header_only.html
    no_body_yet = render_markdown("| a | b |\n|---|-")
    assert "<th>a</th>" in no_body_yet.html
    full = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<table" in full.html
    assert "<td>1</td>" in full.html


def test_chinese_text() -> None:
    out = render_markdown("# 标题\n\n这是**中文**测试。\n\n- 第一\n- 第二").html
    assert "标题" in out
    assert "<strong>中文</strong>" in out
    assert "第二" in out


def test_strikethrough_and_line_breaks() -> None:
    out = render_markdown("~~old~~ new\nsecond line").html
    assert "<s>old</s>" in out
    assert "<br" in out


def test_no_forbidden_tags_in_output() -> None:
    text = (
        "<iframe src=x></iframe><style>*{}</style><object data=x></object>"
        "![i](x.png)[l](javascript:x)<a href='file:///x'>x</a>"
    )
    out = render_markdown(text).html.lower()
    for tag in ("<iframe", "<style", "<object", "<img", "<script", "<a href='file"):
        assert tag not in out


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_on_arbitrary_text(text: str) -> None:
    result = render_markdown(text)
    assert isinstance(result.html, str)
    assert "<img" not in result.html
    for href in _hrefs(result.html):
        assert href.startswith(("http://", "https://", "mailto:", f"{COPY_SCHEME}:"))


_MARKDOWNISH = st.lists(
    st.sampled_from(
        [
            "```",
            "```python",
            "\n",
            "|",
            "---",
            "*",
            "_",
            "[",
            "]",
            "(",
            ")",
            "!",
            "<",
            ">",
            "`",
            "http://x.org",
            "javascript:",
            "file://",
            "# ",
            "- ",
            "1. ",
            "    ",
            "~~",
            "中文",
            "a",
        ]
    ),
    max_size=60,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_MARKDOWNISH, st.booleans())
def test_never_raises_on_markdown_like_text(text: str, dark: bool) -> None:
    result = render_markdown(text, dark=dark)
    assert "<img" not in result.html
    assert len(_hrefs(result.html)) >= len(result.code_blocks)
    for href in _hrefs(result.html):
        assert href.startswith(("http://", "https://", "mailto:", f"{COPY_SCHEME}:"))

"""Text out of the user's files: plain text, Markdown, HTML, PDF, Word, source code.

Why it is built this way:

- The only module that imports pypdf and python-docx, so a parser's quirks and exceptions stay
  here: every failure becomes ``Unreadable`` with a reason (encrypted, binary, encoding,
  damaged, no text) and the index records it and moves on to the next file.
- Works on bytes the caller already read (the index hashes them anyway), so a file is read
  from disk once.
- Text files must be UTF-8 (a BOM is fine) or UTF-16 with a BOM. Guessing a legacy code page
  turns a file into plausible-looking mojibake that then matches nothing, or the wrong thing;
  refusing it with a clear reason lets the user re-save it.
- A PDF's text is what its fonts draw: typographic ligatures (U+FB00–FB06, "ﬁ" in "ﬁle")
  become their letters and tabs between placed words become spaces, or "office" would never
  find "oﬃce" (the word index keeps a ligature as a letter of its own).
- Headings come from the format itself: ``#`` lines in Markdown (not inside code fences),
  ``<h1>``–``<h6>`` in HTML, Title/Heading paragraph styles in Word. PDFs carry no reliable
  heading structure, so their passages say the page instead.
"""

from __future__ import annotations

import codecs
import html.parser
import io
import logging
import re
import unicodedata
from dataclasses import replace
from pathlib import PurePath
from typing import Any, Final

from desktop.documents.budget import ExtractionStopped, spend
from desktop.documents.passages import Section, Unreadable, UnreadableReason

log = logging.getLogger(__name__)

MAX_FILE_BYTES: Final = 64 * 1024 * 1024

TEXT_SUFFIXES: Final = frozenset({".txt", ".text", ".rst", ".log", ".csv", ".tsv"})
MARKDOWN_SUFFIXES: Final = frozenset({".md", ".markdown", ".mdown"})
HTML_SUFFIXES: Final = frozenset({".html", ".htm", ".xhtml"})
CODE_SUFFIXES: Final = frozenset(
    {
        ".py", ".pyi", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".java", ".kt", ".kts",
        ".scala", ".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".hh", ".m", ".mm", ".cs", ".go",
        ".rs", ".rb", ".php", ".swift", ".lua", ".pl", ".r", ".jl", ".dart", ".sh", ".bash",
        ".zsh", ".ps1", ".sql", ".css", ".scss", ".json", ".yaml", ".yml", ".toml", ".ini",
        ".cfg", ".xml", ".tex", ".el", ".clj", ".ex", ".exs", ".erl", ".hs", ".ml", ".vue",
    }
)  # fmt: skip
SUPPORTED_SUFFIXES: Final = (
    TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES | CODE_SUFFIXES | {".pdf", ".docx"}
)

# How many bytes the binary sniff looks at.
_SNIFF: Final = 8192
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_SPACES = re.compile(r"[ \t\r\f\v]+")
# Presentation-form ligatures (ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ) as their letters, and a PDF's tabs as spaces.
_PDF_TEXT: Final = str.maketrans(
    {chr(c): unicodedata.normalize("NFKC", chr(c)) for c in range(0xFB00, 0xFB07)} | {"\t": " "}
)
# HTML is fed to the parser in pieces of this many characters, the budget charged between.
_HTML_CHUNK: Final = 65_536


class FileExtractor:
    """The extractor the index uses (core.passages.Extractor)."""

    @property
    def suffixes(self) -> frozenset[str]:
        return SUPPORTED_SUFFIXES

    def extract(self, data: bytes, name: str) -> list[Section]:
        return extract(data, name)


def extract(data: bytes, name: str) -> list[Section]:
    """The sections of one file, chosen by the suffix of ``name``; an unknown suffix is read
    as plain text if it is text. Raises ``Unreadable``."""
    if len(data) > MAX_FILE_BYTES:
        raise Unreadable(UnreadableReason.TOO_LARGE, f"{len(data)} bytes")
    suffix = PurePath(name).suffix.lower()
    if suffix == ".pdf":
        sections = _pdf(data)
    elif suffix == ".docx":
        sections = _docx(data)
    elif suffix in HTML_SUFFIXES:
        sections = _html(decode_text(data))
    elif suffix in MARKDOWN_SUFFIXES:
        sections = _markdown(decode_text(data))
    else:
        sections = [Section(decode_text(data))]
        spend(len(sections[0].text))
    if not any(s.text.strip() for s in sections):
        raise Unreadable(UnreadableReason.NO_TEXT, "the file holds no text")
    return sections


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM optional) or UTF-16 with a BOM; anything else is refused, not guessed."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise Unreadable(UnreadableReason.ENCODING, f"broken UTF-16 at byte {e.start}") from e
    else:
        if b"\x00" in data[:_SNIFF]:
            raise Unreadable(UnreadableReason.BINARY, "contains NUL bytes")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            where = f"byte {e.start}: {data[e.start : e.start + 1]!r}"
            raise Unreadable(UnreadableReason.ENCODING, f"not UTF-8 ({where})") from e
    controls = sum(1 for c in text[:_SNIFF] if c < " " and c not in "\t\n\r\f\v\x1b")
    if "\x00" in text[:_SNIFF] or controls > max(8, len(text[:_SNIFF]) // 100):
        raise Unreadable(UnreadableReason.BINARY, "mostly control characters")
    return text


def fence_after(line: str, fence: str | None) -> tuple[str | None, bool]:
    """The code fence open after `line` (None: outside code), given the one open before it,
    and whether `line` is a fence line itself (it opens or closes, or is a shorter marker
    inside an open fence)."""
    found = _FENCE.match(line)
    if found is None:
        return fence, False
    marker = found.group(1)
    if fence is None:
        return marker[0] * len(marker), True
    return (None if marker.startswith(fence) else fence), True


def _markdown(text: str) -> list[Section]:
    """Splits at ATX (``# Title``) and setext (underlined) headings outside code fences."""
    sections: list[Section] = []
    heading: str | None = None
    lines: list[str] = []
    fence: str | None = None
    for number, line in enumerate(text.splitlines()):
        if number % 1000 == 0:
            spend()
        fence, fence_line = fence_after(line, fence)
        if fence_line:
            lines.append(line)
            continue
        if fence is None:
            atx = _ATX.match(line)
            setext = _SETEXT.match(line) if lines and lines[-1].strip() else None
            if atx or setext:
                title = atx.group(2) if atx else lines.pop().strip()
                sections.append(Section("\n".join(lines), heading=heading))
                heading, lines = title or heading, []
                continue
        lines.append(line)
    sections.append(Section("\n".join(lines), heading=heading))
    return sections


class _HtmlText(html.parser.HTMLParser):
    """The fallback reader (see _html): visible text of a page, split at headings; scripts,
    styles and the head are skipped, and so is a page's furniture: navigation, sidebars,
    headers and footers (``<nav>``,
    ``<aside>``, ``<header>``, ``<footer>``, an element whose role says so, Sphinx's sidebar
    and related-links bars), which would otherwise repeat on every page of a site and crowd
    out its text (42 % of the passages of Python's documentation were its menus)."""

    _SKIP: Final = frozenset({"script", "style", "head", "noscript", "template", "svg"})
    _FURNITURE_TAGS: Final = frozenset({"nav", "aside", "header", "footer"})
    _FURNITURE_ROLES: Final = frozenset(
        {"navigation", "banner", "contentinfo", "complementary", "search"}
    )
    _FURNITURE_CLASSES: Final = frozenset(
        {"sphinxsidebar", "related", "headerlink", "toctree-wrapper", "breadcrumbs"}
    )
    _BLOCK: Final = frozenset(
        {"p", "div", "br", "li", "tr", "pre", "blockquote", "section", "article", "table",
         "ul", "ol", "dd", "dt", "hr", "footer", "header", "nav", "main", "aside", "td", "th"}
    )  # fmt: skip
    _HEADINGS: Final = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[Section] = []
        self._heading: str | None = None
        self._parts: list[str] = []
        self._title: list[str] | None = None
        self._skip_depth = 0
        self._furniture: str | None = None  # the tag of the furniture being skipped
        self._furniture_depth = 0  # how many of that tag are open inside it

    def _is_furniture(self, tag: str, attrs: list[tuple[str, str | None]]) -> bool:
        if tag in self._FURNITURE_TAGS:
            return True
        found = dict(attrs)
        classes = set((found.get("class") or "").split())
        return (found.get("role") or "") in self._FURNITURE_ROLES or bool(
            classes & self._FURNITURE_CLASSES
        )

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._furniture is not None:
            self._furniture_depth += tag == self._furniture
            return
        if self._is_furniture(tag, attrs):
            self._furniture, self._furniture_depth = tag, 1
            return
        if tag in self._SKIP:
            self._skip_depth += 1
        elif tag in self._HEADINGS:
            self._flush()
            self._title = []
        elif tag in self._BLOCK:
            self._parts.append("\n\n" if tag == "p" else "\n")

    def handle_endtag(self, tag: str) -> None:
        if self._furniture is not None:
            if tag == self._furniture:
                self._furniture_depth -= 1
                if self._furniture_depth == 0:
                    self._furniture = None
            return
        if tag in self._SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in self._HEADINGS and self._title is not None:
            title = _SPACES.sub(" ", "".join(self._title)).strip().rstrip("¶").strip()
            self._heading = title or self._heading
            self._title = None
        elif tag in self._BLOCK:
            self._parts.append("\n\n" if tag == "p" else "\n")

    def handle_data(self, data: str) -> None:
        if self._skip_depth or self._furniture is not None:
            return
        if self._title is not None:
            self._title.append(data)
        else:
            self._parts.append(data)

    def _flush(self) -> None:
        text = "".join(self._parts)
        text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.splitlines())
        self.sections.append(Section(re.sub(r"\n{3,}", "\n\n", text).strip(), None, self._heading))
        self._parts = []

    def close(self) -> None:
        super().close()
        self._flush()


def _html(text: str) -> list[Section]:
    """The page's main content, found by trafilatura (a well-kept main-content extractor: it
    drops navigation, sidebars, tables of contents, headers and footers, which repeat on every
    page of a site and crowd out its text), as Markdown split at its headings. A page in which
    it finds no main text (a fragment, a page of links) goes through the plain reader below."""
    spend()
    title, main = _main_content(text)
    if not main:
        return _plain_html(text)
    spend(len(main))
    return [
        replace(section, heading=_heading_text(section.heading or title))
        for section in _markdown(main)
    ]


def _heading_text(heading: str | None) -> str | None:
    """A heading without Sphinx's "¶" permalink mark."""
    return (heading or "").rstrip("¶ ").strip() or None


_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def _main_content(text: str) -> tuple[str | None, str]:
    """The page's title (its first heading, which trafilatura keeps out of the text) and
    trafilatura's Markdown of its main content; "" when it finds none or fails."""
    import trafilatura

    try:
        found = trafilatura.extract(
            text,
            output_format="markdown",
            include_formatting=True,  # headings stay headings: the sections follow them
            include_tables=True,
            include_comments=False,
            include_links=False,
            include_images=False,
            favor_recall=True,  # documentation pages: keep code and short paragraphs
            deduplicate=True,
            with_metadata=True,  # the title, in a front matter block
        )
    except Exception as error:  # a parser's quirk must not stop the index: fall back
        log.info("main-content extraction failed: %s", type(error).__name__)
        return None, ""
    found = found or ""
    title = None
    front = _FRONT_MATTER.match(found)
    if front is not None:
        found = found[front.end() :]
        for line in front.group(1).splitlines():
            if line.startswith("title: "):
                title = line.removeprefix("title: ").strip().strip('"') or None
    return title, _without_emphasis(found)


_STRONG = re.compile(r"\*\*([^*\n]+)\*\*")
_EMPHASIS = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")


def _without_emphasis(markdown: str) -> str:
    """Drops the ``**bold**`` and ``*italic*`` marks trafilatura writes (outside code): a
    passage is read as text, and the marks would only stand between a word and its match."""
    out: list[str] = []
    fence: str | None = None
    for line in markdown.splitlines():
        fence, fence_line = fence_after(line, fence)
        if not fence_line and fence is None:
            line = _EMPHASIS.sub(r"\1", _STRONG.sub(r"\1", line))
        out.append(line)
    return "\n".join(out)


def _plain_html(text: str) -> list[Section]:
    parser = _HtmlText()
    try:
        for start in range(0, len(text), _HTML_CHUNK):
            spend()
            parser.feed(text[start : start + _HTML_CHUNK])
        parser.close()
    except (AssertionError, ValueError) as e:  # html.parser is lenient; this is belt and braces
        raise Unreadable(UnreadableReason.DAMAGED, f"HTML: {e}") from e
    return parser.sections


def _pdf(data: bytes) -> list[Section]:
    """One section per page. A PDF that opens with the empty password (owner-only protection,
    common for "no printing" files) is read; one that needs a password is refused."""
    import pypdf
    from pypdf.errors import DependencyError, PdfReadError

    if b"%PDF-" not in data[:1024]:
        raise Unreadable(UnreadableReason.DAMAGED, "not a PDF file")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except (NotImplementedError, PdfReadError, DependencyError) as e:
                raise Unreadable(UnreadableReason.ENCRYPTED, f"cannot decrypt: {e}") from e
            if not opened:
                raise Unreadable(UnreadableReason.ENCRYPTED, "needs a password")
        sections = []
        for number, page in enumerate(reader.pages, start=1):
            spend()
            text = (page.extract_text() or "").translate(_PDF_TEXT)
            spend(len(text))
            sections.append(Section(text, page=number))
        return sections
    except (Unreadable, ExtractionStopped):
        raise
    except Exception as e:  # pypdf raises many types on broken files; none may stop indexing
        raise Unreadable(UnreadableReason.DAMAGED, f"PDF: {type(e).__name__}: {e}") from e


class _DocxStyleNames:
    """Paragraph style names by style id, each looked up once.

    python-docx's ``paragraph.style`` searches the document's styles on every call, which made
    a file of many paragraphs quadratic (20,000 paragraphs: 42 s); a file names few styles.
    """

    def __init__(self, document: Any) -> None:
        self._styles = document.styles
        self._names: dict[str | None, str] = {}

    def of(self, paragraph: Any) -> str:
        style_id = paragraph._p.style  # the w:pStyle value, None for the default style
        name = self._names.get(style_id)
        if name is None:
            style = paragraph.style  # the slow lookup, once per style id
            name = self._names[style_id] = (style.name if style is not None else "") or ""
        return name


def _docx(data: bytes) -> list[Section]:
    """Body paragraphs and table cells in order; Title/Heading styles start a new section.
    An encrypted Word file is an OLE container, not a zip, hence the sniff."""
    import docx

    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise Unreadable(UnreadableReason.ENCRYPTED, "an encrypted (or pre-2007) Word file")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:  # lxml and friends; a broken file must not stop indexing
        raise Unreadable(UnreadableReason.DAMAGED, f"Word: {type(e).__name__}: {e}") from e
    sections: list[Section] = []
    heading: str | None = None
    body: list[str] = []
    style_names = _DocxStyleNames(document)
    for block in document.iter_inner_content():
        if isinstance(block, docx.table.Table):
            rows = ("\t".join(cell.text for cell in row.cells) for row in block.rows)
            body.append("\n".join(rows))
            spend(len(body[-1]))
            continue
        style = style_names.of(block)
        text = block.text.strip()
        spend(len(text))
        if text and (style == "Title" or style.startswith("Heading")):
            sections.append(Section("\n\n".join(body), heading=heading))
            heading, body = text, []
        elif text:
            body.append(text)
    sections.append(Section("\n\n".join(body), heading=heading))
    return sections

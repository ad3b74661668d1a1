"""Documents as the index sees them: sections in, passages out.

Why it is built this way:

- An extractor (documents/extract.py) turns a file into ``Section``s: runs of text that share one
  page and one heading. A passage never crosses a section boundary, so every passage can say
  exactly which file, page and heading it came from when the chat cites it.
- Passages are sized in words (~150–300, default target 220) because that is what a reader
  and a prompt budget think in; a long section becomes overlapping windows (default 40 words)
  so a fact that straddles a cut is still whole in one of them.
- Cuts fall between words, never inside one, and prefer a sentence or paragraph end near the
  target size. Scripts written without spaces (Chinese, Japanese, Thai…) count each character
  as a word, and an absurdly long run without spaces (base64, minified code) is cut every
  ``_MAX_TOKEN`` characters: that is not a word anyone reads.
- ``Unreadable`` is defined here, not in the engine, so the core index can record why a file
  was skipped without importing the extractor.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Protocol

TARGET_WORDS: Final = 220
MIN_WORDS: Final = 150
MAX_WORDS: Final = 300
OVERLAP_WORDS: Final = 40

# Longest run of non-space characters treated as one word.
_MAX_TOKEN: Final = 80
# Characters of scripts written without spaces; each one is a word of its own.
_WIDE = (
    "\u0e00-\u0eff"  # Thai, Lao
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs
    "\uac00-\ud7af"  # Hangul syllables
    "\U00020000-\U0002fa1f"
)
_TOKEN = re.compile(f"[{_WIDE}]|[^\\s{_WIDE}]{{1,{_MAX_TOKEN}}}")
_SENTENCE_END = re.compile(r"[.!?;:。！？；…]['\")\]»”’]*$")
# Characters SQLite's highlight markers use; removed from passages so they cannot fake a match.
_RESERVED = re.compile("[\ufdd0\ufdd1\x00]")


class UnreadableReason(StrEnum):
    """Why a file was skipped; the window words each one for the user."""

    ENCRYPTED = "encrypted"  # a password-protected PDF or document
    BINARY = "binary"  # not text at all (an image renamed .txt, an executable)
    ENCODING = "encoding"  # text, but not in an encoding we can read without guessing
    DAMAGED = "damaged"  # the format's own structure is broken (truncated PDF, bad zip)
    TOO_LARGE = "too-large"  # over 64 MB, or more text than a file may yield
    TOO_SLOW = "too-slow"  # took longer to read than a file may (budget.FILE_SECONDS)
    NO_TEXT = "no-text"  # readable, but holds no text (a scanned PDF without OCR)
    IO_ERROR = "io-error"  # could not be read from disk (permissions, vanished)


class Unreadable(Exception):
    """Raised by an extractor for a file it cannot turn into text; indexing goes on."""

    def __init__(self, reason: UnreadableReason, detail: str) -> None:
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Section:
    """A run of text with one page (1-based, PDFs only) and one nearest heading."""

    text: str
    page: int | None = None
    heading: str | None = None


@dataclass(frozen=True, slots=True)
class Passage:
    """A piece of a document small enough to retrieve and quote."""

    text: str
    page: int | None
    heading: str | None


class Extractor(Protocol):
    """What the index needs from a text extractor (engine.extract.FileExtractor is one)."""

    @property
    def suffixes(self) -> frozenset[str]:
        """Lower-case file suffixes (".md") that a folder scan picks up."""
        ...

    def extract(self, data: bytes, name: str) -> list[Section]:
        """The text of one file; raises ``Unreadable``."""
        ...


def same_text_key(text: str) -> str:
    """What two passages share when they say the same (spacing and case aside): the index
    stores such a text once per collection, and retrieval never hands the model a repeat."""
    return " ".join(text.split()).casefold()


def passage_key(text: str) -> str:
    """A short digest of :func:`same_text_key`, as the index stores it (``passages.text_key``)."""
    return hashlib.blake2b(same_text_key(text).encode("utf-8"), digest_size=16).hexdigest()


def clean_text(text: str) -> str:
    """Drops characters that SQLite's C code or our highlight markers would trip on."""
    return _RESERVED.sub(" ", text)


def merge_sections(sections: Iterable[Section]) -> Iterator[Section]:
    """Joins neighbours with the same page and heading (a PDF page's text arrives in pieces,
    a docx body paragraph by paragraph), skipping empty ones."""
    pending: list[str] = []
    key: tuple[int | None, str | None] | None = None
    for section in sections:
        if not section.text.strip():
            continue
        this = (section.page, section.heading)
        if this != key and pending:
            yield Section("\n\n".join(pending), *key)  # type: ignore[misc]
            pending = []
        key = this
        pending.append(section.text.strip())
    if pending and key is not None:
        yield Section("\n\n".join(pending), *key)


def _cut_index(
    text: str, spans: Sequence[tuple[int, int]], start: int, sizes: tuple[int, int, int]
) -> int:
    """The word index (exclusive) where a passage starting at word ``start`` ends: the
    paragraph end nearest the target size within min..max words, else the nearest sentence
    end, else the target itself."""
    target, minimum, maximum = sizes
    best: tuple[int, int, int] | None = None  # (kind, distance from target, index)
    for i in range(start + minimum - 1, min(start + maximum, len(spans))):
        word = text[spans[i][0] : spans[i][1]]
        after = text[spans[i][1] : spans[i + 1][0]] if i + 1 < len(spans) else "\n\n"
        if "\n\n" in after:
            kind = 0
        elif _SENTENCE_END.search(word):
            kind = 1
        else:
            continue
        candidate = (kind, abs(i + 1 - start - target), i + 1)
        if best is None or candidate < best:
            best = candidate
    return best[2] if best is not None else min(start + target, len(spans))


def split_section(
    section: Section,
    *,
    target: int = TARGET_WORDS,
    minimum: int = MIN_WORDS,
    maximum: int = MAX_WORDS,
    overlap: int = OVERLAP_WORDS,
) -> list[Passage]:
    """Splits one section into passages of ``minimum``..``maximum`` words (a short section is
    one shorter passage), consecutive passages sharing up to ``overlap`` words."""
    text = clean_text(section.text)
    spans = [m.span() for m in _TOKEN.finditer(text)]
    if not spans:
        return []
    passages: list[Passage] = []
    start = 0
    while True:
        if len(spans) - start <= maximum:
            end = len(spans)
        else:
            end = _cut_index(text, spans, start, (target, minimum, maximum))
        passages.append(
            Passage(text[spans[start][0] : spans[end - 1][1]], section.page, section.heading)
        )
        if end >= len(spans):
            return passages
        # Step back by the overlap, to a sentence start where there is one, always forward.
        back = max(start + 1, end - overlap)
        for i in range(back, end):
            if _SENTENCE_END.search(text[spans[i - 1][0] : spans[i - 1][1]]):
                back = i
                break
        start = back


def split_passages(sections: Iterable[Section], **sizes: int) -> list[Passage]:
    """All passages of a document, in reading order."""
    result: list[Passage] = []
    for section in merge_sections(sections):
        result.extend(split_section(section, **sizes))
    return result


def word_count(text: str) -> int:
    """Words as the splitter counts them (a CJK character is one)."""
    return sum(1 for _ in _TOKEN.finditer(text))

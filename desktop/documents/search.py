"""How a question becomes search terms and how rankings combine: pure helpers of the document
index (no SQL).

- Questions are natural language, so terms are OR-ed and BM25 ranks; English function words
  are dropped. Scripts without spaces (CJK) are searched by their trigrams.
- ``ranges`` turns SQLite's highlight() markers into character ranges for the Sources panel.
- ``reciprocal_rank_fusion`` fuses the BM25 and vector rankings without comparing their
  scores; ``idf`` weighs terms for ``coverage`` (see ``documents.retrieval``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import Final

from desktop.documents.passages import clean_text
from desktop.store.sqlite import MATCH_END, MATCH_START, needs_substring

TRIGRAM: Final = 3
MAX_TERMS: Final = 32
# Reciprocal rank fusion constant (Cormack et al. 2009).
RRF_K: Final = 60
_WORD = re.compile(r"\w+")

# English function words: near zero IDF in a large collection, but absent from a small one,
# where they would look like rare words the passage lacks.
_STOPWORD_TEXT: Final = """
    a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves
    tell know say said please give show explain describe find many much whose"""
STOPWORDS: Final = frozenset(_STOPWORD_TEXT.split())


def query_words(query: str) -> tuple[list[str], list[str]]:
    """(word terms, runs without spaces) of what the user typed, deduplicated, capped."""
    text = query.encode("utf-8", "replace").decode("utf-8").replace("\x00", " ")
    words: list[str] = []
    wide: list[str] = []
    for raw in _WORD.findall(clean_text(text)):
        term = raw.lower()
        if needs_substring(term):
            wide.append(term)
        elif term not in STOPWORDS:
            words.append(term)
    return list(dict.fromkeys(words))[:MAX_TERMS], list(dict.fromkeys(wide))[:MAX_TERMS]


def has_search_terms(query: str) -> bool:
    """Whether a question has words of its own to search with ("tell me more" has none)."""
    words, wide = query_words(query)
    return bool(words or wide)


def ngrams(term: str, n: int = TRIGRAM) -> list[str]:
    """The overlapping n-character pieces of a term (the term itself if shorter)."""
    return [term[i : i + n] for i in range(len(term) - n + 1)] or [term]


def marked_ranges(marked: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Plain text and the (start, end) ranges SQLite's highlight() marked in it."""
    plain: list[str] = []
    ranges: list[tuple[int, int]] = []
    pos = 0
    start = -1
    for piece in re.split(f"([{MATCH_START}{MATCH_END}])", marked):
        if piece == MATCH_START:
            start = pos
        elif piece == MATCH_END:
            if start >= 0:
                ranges.append((start, pos))
            start = -1
        else:
            plain.append(piece)
            pos += len(piece)
    return "".join(plain), tuple(ranges)


def substring_ranges(text: str, needles: Iterable[str]) -> tuple[tuple[int, int], ...]:
    """Merged ranges of every case-insensitive occurrence of the needles."""
    lowered = text.lower()
    folded = lowered if len(lowered) == len(text) else text  # keep offsets valid
    spans = sorted(
        (m.start(), m.start() + len(n))
        for n in needles
        if n
        for m in re.finditer(re.escape(n), folded)
    )
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return tuple(merged)


def reciprocal_rank_fusion(rankings: Sequence[Sequence[int]], k: int = RRF_K) -> list[int]:
    """Ids ordered by the sum of 1 / (k + rank) over the rankings they appear in: fuses BM25
    and vector rankings without comparing their incomparable scores."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, 1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores, key=lambda item: (-scores[item], item))


def idf(total: int, df: int) -> float:
    """Always positive (Lucene's form), so coverage is a proper weighted share."""
    return math.log(1 + (total - df + 0.5) / (df + 0.5))

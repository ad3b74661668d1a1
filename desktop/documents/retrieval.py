"""Lexical and fused retrieval of the document index: the best passages for a question.

- Two stages: BM25 ranks candidates with the rarest terms (``RANKED_ROWS`` at most), then every
  term is marked only in the passages kept.
- "Nothing relevant" has to be detectable, and a raw BM25 score means nothing across
  collections. Each hit also carries ``coverage``: the share of the question's weight (IDF of
  its terms) that the passage contains. Hits under ``min_coverage`` are dropped, so an empty
  result means the documents do not talk about it.
- With a question vector, BM25 and vector rankings are fused by reciprocal rank.
"""

from __future__ import annotations

import logging
import math
import sqlite3
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from desktop.documents.index_schema import WORDS_TOKENIZER
from desktop.documents.passages import same_text_key
from desktop.documents.search import (
    TRIGRAM,
    idf,
    marked_ranges,
    ngrams,
    query_words,
    reciprocal_rank_fusion,
    substring_ranges,
)
from desktop.documents.vectors import PassageVectors
from desktop.store.sqlite import MATCH_END, MATCH_START, fts_phrase, run_script

log = logging.getLogger(__name__)

# A hit whose passage holds less than this share of the question's weight is not an answer.
RELEVANT_COVERAGE: Final = 0.4
BM25: Final = "bm25(passage_words, 1.0, 0.4)"
# Meaning search: a passage at least this similar (cosine) to the question counts as relevant
# on its own. Embedding models differ; this is deliberately strict so that BM25's "nothing
# relevant" still speaks when the vectors only find loose neighbours.
VECTOR_RELEVANT: Final = 0.6
# At most about this many candidates are ranked by BM25 per question (see _search_words).
RANKED_ROWS: Final = 8_000


@dataclass(frozen=True, slots=True)
class PassageHit:
    """One retrieved passage. ``score``: BM25, higher is better, comparable only within one
    search. ``coverage``: 0..1, the share of the question's (IDF-weighted) terms found in the
    passage or its heading. ``highlights``: (start, end) character ranges of matched words in
    ``text``."""

    passage_id: int
    collection_id: int
    file: str
    page: int | None
    heading: str | None
    text: str
    score: float
    coverage: float
    highlights: tuple[tuple[int, int], ...]


def _without_repeats(hits: Sequence[PassageHit]) -> list[PassageHit]:
    """``hits`` less those whose text (spacing and case aside) a better one already has."""
    seen: set[str] = set()
    unique: list[PassageHit] = []
    for hit in hits:
        key = same_text_key(hit.text)
        if key not in seen:
            seen.add(key)
            unique.append(hit)
    return unique


class PassageRetrieval(PassageVectors):
    """Search over the passages. Counts that cost a scan are kept until the next write (of
    any connection: ``change_stamp``)."""

    has_trigram: bool

    def __init__(self, conn: sqlite3.Connection, path: Path, clock: Callable[[], float]) -> None:
        super().__init__(conn, path, clock)
        # Kept until the next write (see change_stamp): passage count, indexed collections, df.
        self._total_cache: tuple[tuple[int, int], int] = ((-1, -1), 0)
        self._indexed_cache: tuple[tuple[int, int], set[int]] = ((-1, -1), set())
        self._df_cache: tuple[tuple[int, int], dict[str, int]] = ((-1, -1), {})
        run_script(
            conn,
            f"""
            CREATE VIRTUAL TABLE IF NOT EXISTS temp.query_terms
                USING fts5(x, tokenize='{WORDS_TOKENIZER}');
            CREATE VIRTUAL TABLE IF NOT EXISTS temp.query_stems
                USING fts5vocab(temp, query_terms, instance);
            CREATE VIRTUAL TABLE IF NOT EXISTS temp.passage_vocab
                USING fts5vocab(main, passage_words, row);
            """,
        )

    def _doc_freqs(self, stems: Sequence[str]) -> dict[str, int]:
        """Passages holding each stem. fts5vocab counts by walking the term's whole doclist
        (~15 ms for a word in every passage of 100k), so counts are kept until the next write."""
        version = self.change_stamp()
        if self._df_cache[0] != version or len(self._df_cache[1]) > 4096:
            self._df_cache = (version, {})
        known = self._df_cache[1]
        missing = [s for s in stems if s not in known]
        if missing:
            marks = ",".join("?" * len(missing))
            found = dict(
                self.connection.execute(
                    f"SELECT term, doc FROM temp.passage_vocab WHERE term IN ({marks})", missing
                ).fetchall()
            )
            for stem in missing:
                known[stem] = found.get(stem, 0)
        return {s: known[s] for s in stems if known[s]}

    def _collections_with_passages(self) -> set[int]:
        """Collections that have indexed files, recounted only after a write."""
        version = self.change_stamp()
        if self._indexed_cache[0] != version:
            rows = self.connection.execute(
                "SELECT DISTINCT collection_id FROM files WHERE passages > 0"
            ).fetchall()
            self._indexed_cache = (version, {r[0] for r in rows})
        return self._indexed_cache[1]

    def _passage_total(self) -> int:
        """Passages in the index, recounted only when some connection wrote since."""
        version = self.change_stamp()
        if self._total_cache[0] != version:
            count = self.connection.execute("SELECT count(*) FROM passages").fetchone()[0]
            self._total_cache = (version, count)
        return self._total_cache[1]

    def search(
        self,
        collection_ids: Collection[int],
        query: str,
        limit: int = 5,
        *,
        min_coverage: float = RELEVANT_COVERAGE,
        query_vector: Sequence[float] | None = None,
        vector_model: str = "",
        min_similarity: float = VECTOR_RELEVANT,
    ) -> list[PassageHit]:
        """The best passages for a question, best first. Never raises on what the user typed.
        An empty list means nothing relevant: say so rather than answer without sources.

        With ``query_vector`` (the question embedded by ``vector_model``) and vectors stored for
        that model, BM25 and vector rankings are fused by reciprocal rank; a passage found only
        by meaning must be at least ``min_similarity`` similar to count.

        The same text is never given twice: a passage whose text (spacing aside) equals a
        better one's is dropped (a page's copy, the same menu on every page of a site)."""
        if limit <= 0:
            return []
        wanted = limit
        while True:
            ranked = self._search_ranked(
                collection_ids,
                query,
                wanted,
                min_coverage=min_coverage,
                query_vector=query_vector,
                vector_model=vector_model,
                min_similarity=min_similarity,
            )
            unique = _without_repeats(ranked)
            # Only when repeats were dropped and more may exist is the search widened, so a
            # collection without copies costs what it did.
            if len(unique) >= limit or len(ranked) < wanted or wanted >= limit * 8:
                return unique[:limit]
            wanted *= 2

    def _search_ranked(
        self,
        collection_ids: Collection[int],
        query: str,
        limit: int,
        *,
        min_coverage: float,
        query_vector: Sequence[float] | None,
        vector_model: str,
        min_similarity: float,
    ) -> list[PassageHit]:
        """:meth:`search` before duplicates are dropped."""
        ids = sorted({int(i) for i in collection_ids})
        if not ids or limit <= 0:
            return []
        wide_limit = limit * 4 if query_vector is not None else limit
        lexical = self._search_lexical(ids, query, wide_limit, min_coverage)
        if query_vector is None or not vector_model:
            return lexical[:limit]
        try:
            nearest = [
                (pid, sim)
                for pid, sim in self.vector_search(ids, query_vector, vector_model, limit * 4)
                if sim >= min_similarity
            ]
        except (sqlite3.OperationalError, ValueError):
            log.exception("vector search failed")
            return lexical[:limit]
        if not nearest:
            return lexical[:limit]
        by_id = {h.passage_id: h for h in lexical}
        similarity = dict(nearest)
        fused = reciprocal_rank_fusion(
            [[h.passage_id for h in lexical], [pid for pid, _ in nearest]]
        )[:limit]
        missing = [pid for pid in fused if pid not in by_id]
        if missing:
            marks = ",".join("?" * len(missing))
            for row in self.connection.execute(
                "SELECT p.id, f.collection_id, f.path, p.page, p.heading, p.text FROM passages p"
                f" JOIN files f ON f.id = p.file_id WHERE p.id IN ({marks})",
                missing,
            ):
                by_id[row[0]] = PassageHit(
                    *row[:5],
                    text=row[5],
                    score=similarity[row[0]],
                    coverage=similarity[row[0]],
                    highlights=(),
                )
        return [by_id[pid] for pid in fused if pid in by_id]

    def _search_lexical(
        self, ids: list[int], query: str, limit: int, min_coverage: float
    ) -> list[PassageHit]:
        words, wide = query_words(query)
        try:
            if wide:
                return self._search_substrings(ids, words, wide, limit, min_coverage)
            if words:
                return self._search_words(ids, words, limit, min_coverage)
        except sqlite3.OperationalError:
            log.exception("document search failed for %r", query)
        return []

    # --- vectors ---

    def _stems(self, rows: Sequence[str]) -> list[set[str]]:
        """The stems the words tokenizer makes of each string (so the query and the matched
        words are compared the way FTS5 compares them)."""
        db = self.connection
        db.execute("DELETE FROM temp.query_terms")
        db.executemany(
            "INSERT INTO temp.query_terms(rowid, x) VALUES (?, ?)",
            [(i + 1, text) for i, text in enumerate(rows)],
        )
        stems: list[set[str]] = [set() for _ in rows]
        for term, doc in db.execute("SELECT term, doc FROM temp.query_stems"):
            stems[doc - 1].add(term)
        db.execute("DELETE FROM temp.query_terms")
        return stems

    def _search_words(
        self, ids: list[int], words: list[str], limit: int, min_coverage: float
    ) -> list[PassageHit]:
        total = self._passage_total()
        if total == 0:
            return []
        term_stems = self._stems(words)
        all_stems = sorted(set().union(*term_stems))
        if not all_stems:
            return []
        df = self._doc_freqs(all_stems)
        weight = {s: idf(total, df.get(s, 0)) for s in all_stems}
        query_weight = sum(weight.values())
        # Terms in more than half the passages add nothing to BM25 (FTS5 clamps their IDF)
        # but cost a full scan; leave them out of the match unless nothing else is left.
        useful = [w for w, s in zip(words, term_stems, strict=True) if any(df.get(x) for x in s)]
        rare = [
            w
            for w, s in zip(words, term_stems, strict=True)
            if w in useful and all(df.get(x, 0) <= total // 2 for x in s)
        ]
        chosen = rare or useful
        if not chosen:
            return []
        # Stage 1 ranks with the rarest terms whose posting lists add up to at most
        # RANKED_ROWS: BM25 costs ~1 µs a candidate, and the common terms left out carry the
        # least weight. When even the rarest term matches more, a uniform sample of its
        # passages is ranked (the words then barely tell passages apart anyway).
        term_df = {
            w: max((df.get(x, 0) for x in s), default=0)
            for w, s in zip(words, term_stems, strict=True)
        }
        ranked: list[str] = []
        candidates = 0
        for word in sorted(chosen, key=lambda w: term_df[w]):
            if ranked and candidates + term_df[word] > RANKED_ROWS:
                break
            ranked.append(word)
            candidates += term_df[word]
        step = max(1, math.ceil(candidates / RANKED_ROWS))
        sample = f" AND passage_words.rowid % {step} = 0" if step > 1 else ""
        ranked_match = " OR ".join(map(fts_phrase, ranked))
        wanted = max(limit * 4, 20)
        collections = ",".join("?" * len(ids))
        if set(ids) >= self._collections_with_passages():
            # Every passage is wanted: rank in FTS5 alone, no join per candidate.
            top = self.connection.execute(
                f"SELECT rowid, {BM25} AS score FROM passage_words"
                f" WHERE passage_words MATCH ?{sample} ORDER BY score LIMIT ?",
                (ranked_match, wanted),
            ).fetchall()
        else:
            top = self.connection.execute(
                f"SELECT p.id, {BM25} AS score"
                " FROM passage_words JOIN passages p ON p.id = passage_words.rowid"
                " JOIN files f ON f.id = p.file_id"
                f" WHERE passage_words MATCH ? AND f.collection_id IN ({collections}){sample}"
                " ORDER BY score LIMIT ?",
                (ranked_match, *ids, wanted),
            ).fetchall()
        if not top:
            return []
        # Stage 2 marks every chosen term, but only in the passages stage 1 kept.
        marks = ",".join("?" * len(top))
        top_ids = [r[0] for r in top]
        details = {
            r[0]: r[1:]
            for r in self.connection.execute(
                "SELECT p.id, f.collection_id, f.path, p.page, p.heading FROM passages p"
                f" JOIN files f ON f.id = p.file_id WHERE p.id IN ({marks})",
                top_ids,
            )
        }
        marked = {
            r[0]: (r[1], r[2])
            for r in self.connection.execute(
                f"SELECT rowid, highlight(passage_words, 0, '{MATCH_START}', '{MATCH_END}'),"
                f" highlight(passage_words, 1, '{MATCH_START}', '{MATCH_END}') FROM passage_words"
                f" WHERE passage_words MATCH ? AND rowid IN ({marks})",
                (" OR ".join(map(fts_phrase, chosen)), *top_ids),
            )
        }
        rows = [
            (r[0], *details[r[0]], *marked[r[0]], r[1])
            for r in top
            if r[0] in marked and r[0] in details
        ]
        if not rows:
            return []
        texts = [marked_ranges(r[5]) for r in rows]
        headings = [marked_ranges(r[6] or "") for r in rows]
        matched = [
            " ".join(t[r[0] : r[1]] for t, rs in (text, heading) for r in rs)
            for text, heading in zip(texts, headings, strict=True)
        ]
        found = self._stems(matched)
        hits = []
        for row, (text, ranges), stems in zip(rows, texts, found, strict=True):
            coverage = sum(weight[s] for s in stems if s in weight) / query_weight
            if coverage + 1e-9 >= min_coverage:
                hits.append(
                    PassageHit(
                        *row[:5],
                        text=text,
                        score=-row[7],
                        coverage=min(1.0, coverage),
                        highlights=ranges,
                    )
                )
        return hits[:limit]

    def _search_substrings(
        self, ids: list[int], words: list[str], wide: list[str], limit: int, min_coverage: float
    ) -> list[PassageHit]:
        """Queries with CJK (or other unspaced) text: trigrams of each run, ranked by BM25 on
        the trigram table; runs shorter than a trigram fall back to a LIKE scan."""
        needles = [w for w in words if len(w) >= TRIGRAM]
        for run in wide:
            needles.extend(ngrams(run))
        needles = list(dict.fromkeys(needles))
        short = [n for n in needles if len(n) < TRIGRAM]
        collections = ",".join("?" * len(ids))
        if self.has_trigram and not short:
            match = " OR ".join(map(fts_phrase, needles))
            rows = self.connection.execute(
                "SELECT p.id, f.collection_id, f.path, p.page, p.heading, p.text,"
                " bm25(passage_trigrams) AS score"
                " FROM passage_trigrams JOIN passages p ON p.id = passage_trigrams.rowid"
                " JOIN files f ON f.id = p.file_id"
                f" WHERE passage_trigrams MATCH ? AND f.collection_id IN ({collections})"
                " ORDER BY score LIMIT ?",
                (match, *ids, max(limit * 4, 20)),
            ).fetchall()
        else:
            # Short terms: nothing indexes them; a scan is still fast for a few collections.
            where = " OR ".join(["instr(lower(p.text), ?) > 0"] * len(needles))
            rows = self.connection.execute(
                "SELECT p.id, f.collection_id, f.path, p.page, p.heading, p.text, 0.0"
                " FROM passages p JOIN files f ON f.id = p.file_id"
                f" WHERE f.collection_id IN ({collections}) AND ({where}) LIMIT ?",
                (*ids, *needles, max(limit * 4, 20)),
            ).fetchall()
        # Coverage over character pairs (most Chinese words are two characters), unweighted:
        # nothing here knows which pairs are particles, so the bar is half the usual one.
        pairs = list(dict.fromkeys(p for run in wide for p in ngrams(run, 2))) + words
        hits = []
        for row in rows:
            text = row[5]
            folded = text.lower()
            coverage = sum(1 for n in pairs if n in folded) / len(pairs) if pairs else 0.0
            if coverage + 1e-9 >= min_coverage / 2:
                ranges = substring_ranges(text, needles)
                hits.append(
                    PassageHit(
                        *row[:5], text=text, score=-row[6], coverage=coverage, highlights=ranges
                    )
                )
        hits.sort(key=lambda h: (-h.coverage, -h.score))
        return hits[:limit]

"""Figures of the document index (issue 8): ``index_pages_per_s`` and ``retrieve_ms_100k``.

Kept apart from harness.py so the corpus builders can be shared with the integration tests.
Both corpora are random words from a fixed seed, Zipf-weighted as real text is, so the common
words make the large candidate sets that real questions make.
"""

from __future__ import annotations

import random
import sqlite3
import time
from pathlib import Path
from statistics import median
from typing import Any

from desktop.documents.extract import FileExtractor
from desktop.documents.index import DB_FILE_NAME, DocumentIndex

INDEX_PAGES = 1000
RETRIEVE_PASSAGES = 100_000


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    return [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9)))
        for _ in range(size)
    ]


def write_pages(folder: Path, pages: int = INDEX_PAGES, seed: int = 3) -> None:
    """Markdown books of 20 pages of ~500 words each."""
    rng = random.Random(seed)
    vocabulary = _vocabulary(rng, 5000)
    folder.mkdir(parents=True, exist_ok=True)
    for f in range(max(1, pages // 20)):
        parts = []
        for p in range(20):
            words = rng.choices(vocabulary, k=500)
            sentences = [" ".join(words[i : i + 12]) + "." for i in range(0, 500, 12)]
            paragraphs = [" ".join(sentences[i : i + 6]) for i in range(0, len(sentences), 6)]
            parts.append(f"## Page {p}\n\n" + "\n\n".join(paragraphs))
        (folder / f"book{f:02d}.md").write_text("\n\n".join(parts))


def build_passages(path: Path, count: int = RETRIEVE_PASSAGES, seed: int = 4) -> list[str]:
    """An index of ``count`` 60-word passages written straight into the tables (building them
    through the extractor would take minutes), and the questions to time: 30 bags of common
    words and 10 natural questions. The search path measured is the real one."""
    rng = random.Random(seed)
    vocabulary = _vocabulary(rng, 20000)
    weights = [1 / (i + 1) for i in range(len(vocabulary))]
    with DocumentIndex.open(path) as index:
        cid = index.create_collection("big", [])
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    # Only the words table is filled (by one rebuild, far faster than row by row); the
    # trigram table serves other scripts and stays empty here.
    conn.execute("DROP TRIGGER passages_indexed_insert")
    conn.execute("BEGIN")
    conn.execute(
        "INSERT INTO files(collection_id, path, size, mtime_ns, sha256, passages, indexed_at)"
        " VALUES (?, 'big.txt', 0, 0, '', ?, 0)",
        (cid, count),
    )
    conn.executemany(
        "INSERT INTO passages(file_id, ordinal, text) VALUES (1, ?, ?)",
        ((i, " ".join(rng.choices(vocabulary, weights, k=60))) for i in range(count)),
    )
    conn.execute("INSERT INTO passage_words(passage_words) VALUES ('rebuild')")
    conn.execute("COMMIT")
    conn.close()
    queries = [" ".join(rng.choices(vocabulary[:3000], k=rng.randint(3, 8))) for _ in range(30)]
    queries += ["What is the " + " ".join(vocabulary[i : i + 3]) + "?" for i in range(0, 30, 3)]
    return queries


def time_queries(path: Path, queries: list[str]) -> list[float]:
    """Milliseconds per query (after one warm-up search), in query order."""
    with DocumentIndex.open(path) as index:
        ids = [c.id for c in index.collections()]
        index.search(ids, queries[0])
        times = []
        for query in queries:
            started = time.perf_counter()
            index.search(ids, query, limit=8)
            times.append((time.perf_counter() - started) * 1000)
    return times


def measure_documents(
    figures: dict[str, Any], absolute: dict[str, Any], work: Path, *, quick: bool = False
) -> None:
    """``quick`` (the CI run) times 200 pages and 20,000 passages; ``absolute`` says so."""
    pages = INDEX_PAGES // 5 if quick else INDEX_PAGES
    passages = RETRIEVE_PASSAGES // 5 if quick else RETRIEVE_PASSAGES
    folder = work / "pages"
    write_pages(folder, pages)
    with DocumentIndex.open(work / "pages.db") as index:
        cid = index.create_collection("pages", [folder])
        started = time.perf_counter()
        report = index.update(cid, FileExtractor())
        seconds = time.perf_counter() - started
    figures["index_pages_per_s"] = pages / seconds
    absolute["index_seconds"] = (
        f"{seconds:.1f} for {pages} pages ({report.passages_written} passages)"
    )
    path = work / DB_FILE_NAME
    times = time_queries(path, build_passages(path, passages))
    absolute["retrieve_passages"] = passages
    figures["retrieve_ms_100k"] = max(times)
    absolute["retrieve_ms_100k_median"] = f"{median(times):.1f}"

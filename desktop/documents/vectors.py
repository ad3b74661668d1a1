"""Meaning search of the document index: passage embeddings per model, and the nearest
passages to a question's embedding. float32 little-endian, L2-normalized; a model's vectors
mean nothing to another model, so they never mix.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Sequence
from pathlib import Path

from desktop.store.sqlite import SqliteDatabase


class PassageVectors(SqliteDatabase):
    """Vectors of passages, and a search over them (kept in memory until the next write)."""

    def __init__(self, conn: sqlite3.Connection, path: Path, clock: Callable[[], float]) -> None:
        super().__init__(conn, path, clock)
        self._vector_cache: tuple[object, object, object] | None = None

    def passages_without_vectors(
        self, collection_id: int, model: str, limit: int = 32
    ) -> list[tuple[int, str]]:
        """(passage id, text) of passages that have no vector from ``model`` yet."""
        return self.connection.execute(
            "SELECT p.id, coalesce(p.heading || char(10), '') || p.text FROM passages p"
            " JOIN files f ON f.id = p.file_id WHERE f.collection_id = ? AND NOT EXISTS"
            " (SELECT 1 FROM passage_vectors v WHERE v.passage_id = p.id AND v.model = ?)"
            " ORDER BY p.id LIMIT ?",
            (collection_id, model, limit),
        ).fetchall()

    def count_vectors(self, collection_id: int, model: str) -> tuple[int, int]:
        """(passages with a vector from ``model``, all passages) of a collection."""
        row = self.connection.execute(
            "SELECT count(v.passage_id), count(p.id) FROM passages p"
            " JOIN files f ON f.id = p.file_id"
            " LEFT JOIN passage_vectors v ON v.passage_id = p.id AND v.model = ?"
            " WHERE f.collection_id = ?",
            (model, collection_id),
        ).fetchone()
        return int(row[0]), int(row[1])

    def store_vectors(self, model: str, vectors: Sequence[tuple[int, Sequence[float]]]) -> None:
        """Keeps L2-normalized float32 copies; a passage deleted meanwhile is skipped."""
        import numpy as np

        rows = []
        for passage_id, vector in vectors:
            array = np.asarray(vector, dtype="<f4")
            norm = float(np.linalg.norm(array))
            if array.ndim != 1 or not array.size or not np.isfinite(norm) or norm == 0:
                continue  # a model that returns garbage must not poison the search
            rows.append((passage_id, model, (array / norm).astype("<f4").tobytes()))
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO passage_vectors(passage_id, model, vector)"
                " SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM passages WHERE id = ?)",
                [(*r, r[0]) for r in rows],
            )

    def vector_search(
        self, collection_ids: Collection[int], query: Sequence[float], model: str, limit: int
    ) -> list[tuple[int, float]]:
        """(passage id, cosine similarity) of the nearest passages, best first. The matrix of a
        collection set is kept in memory until the next write."""
        import numpy as np

        ids = tuple(sorted(collection_ids))
        key = (self.change_stamp(), ids, model)
        if self._vector_cache is None or self._vector_cache[0] != key:
            marks = ",".join("?" * len(ids))
            rows = self.connection.execute(
                "SELECT v.passage_id, v.vector FROM passage_vectors v"
                " JOIN passages p ON p.id = v.passage_id JOIN files f ON f.id = p.file_id"
                f" WHERE v.model = ? AND f.collection_id IN ({marks})",
                (model, *ids),
            ).fetchall()
            sizes = {len(r[1]) for r in rows}
            if len(sizes) > 1:  # vectors of another size: not this model's; use the common one
                common = max(sizes, key=lambda n: sum(1 for r in rows if len(r[1]) == n))
                rows = [r for r in rows if len(r[1]) == common]
            passage_ids = np.array([r[0] for r in rows], dtype=np.int64)
            matrix = (
                np.frombuffer(b"".join(r[1] for r in rows), dtype="<f4").reshape(len(rows), -1)
                if rows
                else np.zeros((0, 0), dtype="<f4")
            )
            self._vector_cache = (key, passage_ids, matrix)
        _, passage_ids, matrix = self._vector_cache
        q = np.asarray(query, dtype="<f4")
        if not len(passage_ids) or q.ndim != 1 or q.shape[0] != matrix.shape[1]:
            return []
        norm = float(np.linalg.norm(q))
        if not np.isfinite(norm) or norm == 0:
            return []
        scores = matrix @ (q / norm)
        count = min(limit, len(scores))
        best = np.argpartition(-scores, count - 1)[:count]
        best = best[np.argsort(-scores[best])]
        return [(int(passage_ids[i]), float(scores[i])) for i in best]

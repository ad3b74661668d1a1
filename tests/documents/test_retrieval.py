"""Searching the index: scoped to collections, "nothing relevant" as an empty result, CJK by
substring, never raising, sampling common terms, and words fused with vectors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.documents.index import DB_FILE_NAME, DocumentIndex
from tests.documents.index_helpers import FakeExtractor


def test_search_is_scoped_to_collections_and_delete_removes(
    index: DocumentIndex, folder: Path
) -> None:
    first = index.create_collection("one", [folder / "a.txt"])
    second = index.create_collection("two", [folder / "sub"])
    index.update(first, FakeExtractor())
    index.update(second, FakeExtractor())
    assert index.search([second], "Harwick lighthouse") == []
    assert len(index.search([first, second], "Harwick lighthouse")) == 1
    index.delete_collection(first)
    assert index.search([first, second], "Harwick lighthouse") == []
    assert [c.name for c in index.collections()] == ["two"]


def test_nothing_relevant_is_an_empty_result(index: DocumentIndex, folder: Path) -> None:
    cid = index.create_collection("c", [folder])
    index.update(cid, FakeExtractor())
    assert index.search([cid], "What is the boiling point of liquid nitrogen?") == []
    assert index.search([cid], "the and of what") == []
    assert index.search([cid], "") == []
    assert index.search([], "Harwick") == []


def test_cjk_text_is_found_by_substring(index: DocumentIndex, tmp_path: Path) -> None:
    (tmp_path / "zh.txt").write_text("东京塔建成于一九五八年。它高三百三十三米。")
    (tmp_path / "en.txt").write_text("Nothing in Chinese here.")
    cid = index.create_collection("c", [tmp_path / "zh.txt", tmp_path / "en.txt"])
    index.update(cid, FakeExtractor())
    [hit] = index.search([cid], "东京塔是哪一年建成的？")
    assert hit.file.endswith("zh.txt")
    assert "东京塔" in next(hit.text[s:e] for s, e in hit.highlights)
    assert index.search([cid], "东京")[0].file.endswith("zh.txt")  # shorter than a trigram


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60))
def test_search_never_raises_on_what_the_user_typed(tmp_path_factory, query: str) -> None:
    global _SHARED
    if _SHARED is None:
        folder = tmp_path_factory.mktemp("q")
        (folder / "a.txt").write_text('Quotes " and (brackets) AND OR NOT NEAR * ^ 东京塔')
        _SHARED = DocumentIndex.open(folder / DB_FILE_NAME)
        cid = _SHARED.create_collection("c", [folder / "a.txt"])
        _SHARED.update(cid, FakeExtractor())
    for hit in _SHARED.search([1], query, min_coverage=0):
        assert all(0 <= s < e <= len(hit.text) for s, e in hit.highlights)


_SHARED: DocumentIndex | None = None


def test_search_sees_this_connections_own_writes(index: DocumentIndex, tmp_path: Path) -> None:
    """Search caches (indexed collections, term counts) are dropped after this instance writes
    too, not only after another connection does (PRAGMA data_version ignores our own)."""
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "a.txt").write_text("Lighthouse keepers log the weather nightly.")
    (second / "b.txt").write_text("Lighthouse lenses are polished every morning.")
    one = index.create_collection("one", [first])
    index.update(one, FakeExtractor())
    assert [h.file for h in index.search([one], "lighthouse")] == [str(first / "a.txt")]
    two = index.create_collection("two", [second])
    index.update(two, FakeExtractor())
    assert [h.collection_id for h in index.search([one], "lighthouse")] == [one]
    assert {h.collection_id for h in index.search([one, two], "lighthouse")} == {one, two}


def test_common_terms_rank_a_sample_and_still_answer(
    index: DocumentIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When even the rarest word is in more passages than are ranked, a uniform sample is
    ranked: results still come, from the right collection, best first."""
    from desktop.documents import retrieval

    monkeypatch.setattr(retrieval, "RANKED_ROWS", 4)
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(40):
        extra = " harbour harbour harbour" if i % 10 == 0 else ""
        (folder / f"n{i:02}.txt").write_text(f"Note {i} about the harbour and boats.{extra}")
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.txt").write_text("The harbour at night.")
    cid = index.create_collection("many", [folder])
    index.update(cid, FakeExtractor())
    index.update(index.create_collection("other", [other]), FakeExtractor())
    hits = index.search([cid], "harbour boats", limit=3)
    assert hits and all(h.collection_id == cid for h in hits)
    assert hits == sorted(hits, key=lambda h: -h.score)
    assert all(h.highlights for h in hits)


def test_vectors_fuse_with_words_per_model_and_go_with_their_passages(
    index: DocumentIndex, folder: Path
) -> None:
    """Hand-made vectors (no model needed): a passage the words miss is found by meaning when
    it is similar enough, and fused with the word hits; another model's vectors never mix."""
    cid = index.create_collection("notes", [folder])
    index.update(cid, FakeExtractor())
    [(lighthouse, _), (penguins, _)] = sorted(
        index.passages_without_vectors(cid, "m:1"), key=lambda r: "Penguins" in r[1]
    )
    assert index.count_vectors(cid, "m:1") == (0, 2)
    index.store_vectors("m:1", [(lighthouse, [1.0, 0.0, 0.0]), (penguins, [0.0, 3.0, 0.0])])
    index.store_vectors("m:1", [(999_999, [1.0, 0.0, 0.0])])  # a passage that is gone: skipped
    index.store_vectors("m:1", [(lighthouse, [float("nan"), 0.0, 0.0])])  # garbage: ignored
    assert index.count_vectors(cid, "m:1") == (2, 2)
    assert index.passages_without_vectors(cid, "m:1") == []
    assert index.vector_search([cid], [0.1, 0.9, 0.0], "m:1", 5)[0][0] == penguins
    assert index.vector_search([cid], [0.1, 0.9, 0.0], "other:2", 5) == []
    assert index.vector_search([cid], [1.0, 0.0], "m:1", 5) == []  # wrong size: nothing

    question = "When was the lighthouse at Harwick first lit?"
    words_only = index.search([cid], question)
    assert [h.passage_id for h in words_only] == [lighthouse]
    # The words find the lighthouse; the vector says the question means penguins.
    fused = index.search([cid], question, query_vector=[0.0, 1.0, 0.0], vector_model="m:1")
    assert {h.passage_id for h in fused} == {lighthouse, penguins}
    found_by_meaning = next(h for h in fused if h.passage_id == penguins)
    assert found_by_meaning.highlights == () and found_by_meaning.coverage == pytest.approx(1)
    # Not similar enough: the words' answer stands alone.
    loose = index.search([cid], question, query_vector=[0.5, 0.5, 0.707], vector_model="m:1")
    assert loose == words_only
    nothing = index.search([cid], "zebra stripes", query_vector=[0.0, 1.0, 0.0], vector_model="m:1")
    assert [h.passage_id for h in nothing] == [penguins]  # meaning alone can answer
    (folder / "sub" / "b.txt").unlink()
    index.update(cid, FakeExtractor())
    assert index.count_vectors(cid, "m:1") == (1, 1)  # its vector went with the passage

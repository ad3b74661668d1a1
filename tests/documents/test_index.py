"""The document index with a stand-in extractor: collections, updates by size/mtime/hash,
unreadable files, cancelling, damaged files, and search that never raises."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.documents.index import DB_FILE_NAME, DocumentIndex, IndexProgress
from desktop.documents.passages import Section, Unreadable, UnreadableReason
from desktop.store.sqlite import ProblemKind


class FakeExtractor:
    """Text files as one section; "LOCKED" at the start means an encrypted file."""

    suffixes = frozenset({".txt"})

    def __init__(self) -> None:
        self.calls: list[str] = []

    def extract(self, data: bytes, name: str) -> list[Section]:
        self.calls.append(name)
        if data.startswith(b"LOCKED"):
            raise Unreadable(UnreadableReason.ENCRYPTED, "needs a password")
        return [Section(data.decode(), heading=name)]


@pytest.fixture
def index(tmp_path: Path) -> DocumentIndex:
    with DocumentIndex.open(tmp_path / DB_FILE_NAME) as opened:
        yield opened


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "a.txt").write_text("The Harwick lighthouse was first lit in 1847.")
    (docs / "sub" / "b.txt").write_text("Penguins eat krill in the southern ocean.")
    (docs / "ignored.bin").write_text("not picked up by a folder scan")
    (docs / ".hidden.txt").write_text("hidden files are skipped")
    return docs


def test_update_indexes_a_folder_and_reports(index: DocumentIndex, folder: Path) -> None:
    cid = index.create_collection("  My   notes ", [folder])
    seen: list[IndexProgress] = []
    report = index.update(cid, FakeExtractor(), progress=seen.append)
    assert (report.added, report.changed, report.removed, report.cancelled) == (2, 0, 0, False)
    assert seen[-1].done == seen[-1].total == 2
    [info] = index.collections()
    assert (info.name, info.files, info.passages, info.unreadable) == ("My notes", 2, 2, 0)
    assert info.indexed_at is not None
    [hit] = index.search([cid], "When was the lighthouse at Harwick first lit?")
    assert hit.file == str(folder / "a.txt")
    assert hit.heading == "a.txt"
    assert [hit.text[s:e] for s, e in hit.highlights] == ["Harwick", "lighthouse", "first", "lit"]
    assert hit.coverage > 0.9


def test_unchanged_files_are_not_read_again(index: DocumentIndex, folder: Path) -> None:
    cid = index.create_collection("c", [folder])
    index.update(cid, FakeExtractor())
    again = FakeExtractor()
    report = index.update(cid, again)
    assert report.unchanged == 2 and again.calls == []
    # Touched but the same content: the hash says unchanged, nothing is extracted.
    os.utime(folder / "a.txt", ns=(1, 1))
    report = index.update(cid, again)
    assert report.unchanged == 2 and again.calls == []


def test_changed_added_and_removed_files(index: DocumentIndex, folder: Path) -> None:
    cid = index.create_collection("c", [folder])
    index.update(cid, FakeExtractor())
    (folder / "a.txt").write_text("The Harwick lighthouse closed in 1950.")
    os.utime(folder / "a.txt", ns=(10**18, 10**18))
    (folder / "sub" / "b.txt").unlink()
    (folder / "c.txt").write_text("Ferries leave for Skerry Island.")
    report = index.update(cid, FakeExtractor())
    assert (report.added, report.changed, report.removed) == (1, 1, 1)
    assert index.search([cid], "penguins krill") == []
    assert "1950" in index.search([cid], "Harwick lighthouse")[0].text
    assert index.search([cid], "Skerry ferries")[0].file.endswith("c.txt")
    assert [f.path for f in index.files(cid)] == [str(folder / n) for n in ("a.txt", "c.txt")]


def test_unreadable_file_is_recorded_and_indexing_goes_on(
    index: DocumentIndex, folder: Path
) -> None:
    (folder / "locked.txt").write_bytes(b"LOCKED stuff")
    cid = index.create_collection("c", [folder])
    report = index.update(cid, FakeExtractor())
    [problem] = report.unreadable
    assert problem.path.endswith("locked.txt") and problem.reason is UnreadableReason.ENCRYPTED
    assert report.added == 3
    states = {Path(f.path).name: f.problem for f in index.files(cid)}
    assert states == {"a.txt": None, "b.txt": None, "locked.txt": UnreadableReason.ENCRYPTED}
    assert index.collections()[0].unreadable == 1
    # Skipped files are not retried until they change.
    again = FakeExtractor()
    index.update(cid, again)
    assert again.calls == []


def test_cancel_midway_leaves_a_consistent_index(index: DocumentIndex, tmp_path: Path) -> None:
    docs = tmp_path / "many"
    docs.mkdir()
    for i in range(20):
        (docs / f"{i:02d}.txt").write_text(f"document number{i} about topic{i}")
    cid = index.create_collection("c", [docs])
    seen: list[int] = []
    report = index.update(cid, FakeExtractor(), should_stop=lambda: len(seen) >= 7,
                          progress=lambda p: seen.append(p.done))  # fmt: skip
    assert report.cancelled and report.added == 6
    assert index.collections()[0].indexed_at is None
    files = index.files(cid)
    assert len(files) == 6 and all(f.passages == 1 for f in files)
    assert len(index.search([cid], "topic3 topic15", min_coverage=0)) == 1
    # The next update carries on where the last one stopped.
    report = index.update(cid, FakeExtractor())
    assert (report.added, report.unchanged, report.cancelled) == (14, 6, False)
    assert len(index.search([cid], "topic3 topic15", min_coverage=0)) == 2


def test_missing_folder_keeps_its_files(index: DocumentIndex, folder: Path) -> None:
    cid = index.create_collection("c", [folder])
    index.update(cid, FakeExtractor())
    folder.rename(folder.with_name("unplugged"))
    report = index.update(cid, FakeExtractor())
    assert report.missing_sources == (str(folder),) and report.removed == 0
    assert len(index.files(cid)) == 2


def test_single_file_source_and_removing_sources(index: DocumentIndex, folder: Path) -> None:
    cid = index.create_collection("c", [folder / "ignored.bin"])
    assert index.update(cid, FakeExtractor()).added == 1  # added by hand: any suffix
    index.remove_source(cid, folder / "ignored.bin")
    assert index.update(cid, FakeExtractor()).removed == 1
    assert index.files(cid) == []


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


@pytest.mark.parametrize(
    "content", [b"not a database at all", b"SQLite format 3\x00" + b"\x01" * 5000]
)
def test_damaged_file_is_moved_aside(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / DB_FILE_NAME
    path.write_bytes(content)
    with DocumentIndex.open(path) as index:
        assert index.problem is not None and index.problem.kind is ProblemKind.DAMAGED
        assert index.problem.moved_to.read_bytes() == content
        assert index.collections() == []


def test_newer_schema_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / DB_FILE_NAME
    with DocumentIndex.open(path) as index:
        index.create_collection("kept", [])
        index.connection.execute("PRAGMA user_version = 99")
    with DocumentIndex.open(path) as index:
        assert index.problem is not None and index.problem.kind is ProblemKind.NEWER
    with DocumentIndex.open(path) as index:
        assert index.problem is None


def test_reopening_keeps_everything(tmp_path: Path, folder: Path) -> None:
    path = tmp_path / DB_FILE_NAME
    with DocumentIndex.open(path) as index:
        cid = index.create_collection("c", [folder])
        index.update(cid, FakeExtractor())
    with DocumentIndex.open(path) as index:
        assert index.problem is None
        assert index.sources(cid) == [str(folder)]
        assert len(index.search([cid], "penguins")) == 1


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


def test_reciprocal_rank_fusion_rewards_agreement() -> None:
    from desktop.documents.search import reciprocal_rank_fusion

    assert reciprocal_rank_fusion([[1, 2, 3], [3, 1, 4]]) == [1, 3, 2, 4]
    assert reciprocal_rank_fusion([[7], []]) == [7]
    assert reciprocal_rank_fusion([]) == []


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


def test_the_window_names_the_same_database_file_as_the_index() -> None:
    from desktop.documents.qt.collections import DB_FILE_NAME as WINDOWS_NAME

    assert WINDOWS_NAME == DB_FILE_NAME


def test_a_deleted_collections_id_is_never_given_to_a_new_one(tmp_path: Path) -> None:
    """Chats keep the ids of their attached collections; a reused id would attach a new
    collection to a chat that had the deleted one."""
    path = tmp_path / DB_FILE_NAME
    with DocumentIndex.open(path) as index:
        first = index.create_collection("A")
        index.delete_collection(first)
        second = index.create_collection("B")
        assert second != first
        index.delete_collection(second)
    with DocumentIndex.open(path) as index:  # remembered across restarts
        assert index.create_collection("C") not in (first, second)

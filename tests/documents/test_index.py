"""The document index with a stand-in extractor: collections, updates by size/mtime/hash,
unreadable files, cancelling, damaged and newer files, collection ids."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from desktop.documents.index import DB_FILE_NAME, DocumentIndex, IndexProgress
from desktop.documents.passages import UnreadableReason
from desktop.store.sqlite import ProblemKind
from tests.documents.index_helpers import FakeExtractor


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

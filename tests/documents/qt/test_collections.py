"""DocumentCollections and its two models on their own, with the real index and extractor on the
worker threads: what the lists show while collections are made, changed and deleted, the
signals of an update, pause and stop, and a question answered with passages."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt

from desktop.documents.extract import FileExtractor
from desktop.documents.index import CollectionInfo, IndexedFile, IndexProgress, UpdateReport
from desktop.documents.passages import Section, UnreadableReason
from desktop.documents.qt.collections import (
    CollectionListModel,
    DocumentCollections,
    FileListModel,
)
from desktop.documents.qt.workers import RetrievalResult

TIMEOUT = 20_000


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "harbour.md").write_text(
        "# Harbour\n\nThe Harwick lighthouse burns whale oil and was first lit in 1847.\n"
    )
    (folder / "granary.txt").write_text("The granary at Elmsford stores barley and oats.\n")
    (folder / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    return folder


def _create(qtbot, documents: DocumentCollections, name: str, sources: list[Path]) -> int:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(documents.index_finished, timeout=TIMEOUT):
        documents.create(name, sources)
    qtbot.waitUntil(lambda: any(c.name == name for c in documents.collections.collections()))
    return next(c.id for c in documents.collections.collections() if c.name == name)


def _shown_files(documents: DocumentCollections) -> list[str]:
    files = documents.files
    return sorted(files.index(r, 0).data() for r in range(files.rowCount()))


def test_making_a_collection_reports_progress_and_lists_it(
    qtbot, documents: DocumentCollections, notes: Path, qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    collections = documents.collections
    qtmodeltester.check(collections, force_py=True)  # stays attached while the list changes
    assert collections.rowCount() == 0 and not documents.is_busy
    busy: list[bool] = []
    progress: list[tuple[int, IndexProgress]] = []
    documents.busy_changed.connect(busy.append)
    documents.progress_changed.connect(lambda job, p: progress.append((job, p)))
    with qtbot.waitSignal(documents.index_finished, timeout=TIMEOUT) as finished:
        job = documents.create("Harbour notes", [notes])
    assert job > 0
    report_job, report = finished.args
    assert report_job == job and isinstance(report, UpdateReport)
    assert (report.added, report.cancelled, len(report.unreadable)) == (3, False, 1)
    assert busy == [True, False] and not documents.is_busy and documents.progress is None
    assert progress and {j for j, _p in progress} == {job}
    assert progress[-1][1].total == 3
    # The list arrives once made (no files yet) and again once indexed.
    qtbot.waitUntil(lambda: [c.files for c in collections.collections()] == [2])
    index = collections.index(0, 0)
    info = index.data(CollectionListModel.Roles.InfoRole)
    assert isinstance(info, CollectionInfo)
    assert index.data() == "Harbour notes"
    assert index.data(Qt.ItemDataRole.ToolTipRole) == str(notes)
    assert (info.files, info.unreadable) == (2, 1)
    assert documents.name_of(info.id) == "Harbour notes"
    assert collections.info(info.id) == info and collections.row_of(info.id) == 0
    assert collections.row_of(info.id + 1) is None and documents.name_of(info.id + 1) is None


def test_the_files_of_a_collection_say_which_could_not_be_read(
    qtbot, documents: DocumentCollections, notes: Path, qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    files = documents.files
    qtmodeltester.check(files, force_py=True)
    collection = _create(qtbot, documents, "Harbour notes", [notes])
    with qtbot.waitSignal(files.modelReset, timeout=TIMEOUT):
        documents.show_files(collection)
    assert files.collection_id == collection
    assert _shown_files(documents) == [
        "granary.txt · 1 passage(s)",
        "harbour.md · 1 passage(s)",
        "photo.txt · Unreadable: not a text file",
    ]
    unreadable = next(
        files.index(r, 0) for r in range(files.rowCount()) if "photo" in files.index(r, 0).data()
    )
    assert unreadable.data(FileListModel.Roles.ProblemRole) == UnreadableReason.BINARY
    assert unreadable.data(FileListModel.Roles.FileRole).path == str(notes / "photo.txt")
    assert unreadable.data(Qt.ItemDataRole.ToolTipRole).startswith(str(notes / "photo.txt") + "\n")
    documents.show_files(None)
    assert files.rowCount() == 0 and files.collection_id is None


class _HeldExtractor:
    """The real extractor, but a file named ``held.md`` waits until the test lets it go: an
    update that runs for as long as the test needs."""

    def __init__(self) -> None:
        self.real = FileExtractor()
        self.suffixes = self.real.suffixes
        self.reached = threading.Event()
        self.gate = threading.Event()

    def extract(self, data: bytes, name: str) -> list[Section]:
        if name == "held.md":
            self.reached.set()
            assert self.gate.wait(20)
        return self.real.extract(data, name)


def test_a_collections_files_are_listed_while_another_one_is_indexed(
    qtbot, private_data_dir: Path, notes: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Seen with a folder of 2,500 files: clicking the finished collection kept the other
    one's files on screen until the whole run ended (the list was asked of the busy index
    thread)."""
    private_data_dir.mkdir(parents=True, exist_ok=True)
    extractor = _HeldExtractor()
    documents = DocumentCollections(private_data_dir, extractor, start=False)
    try:
        with qtbot.waitSignal(documents.collections.modelReset, timeout=TIMEOUT):
            documents.start()
        ready = _create(qtbot, documents, "Harbour notes", [notes])
        slow = tmp_path / "slow"
        slow.mkdir()
        (slow / "held.md").write_text("The mill pond at Foxmere freezes each winter.\n")
        documents.create("Slow", [slow])
        assert extractor.reached.wait(10)  # the index thread is busy now
        documents.show_files(None)
        documents.show_files(ready)
        qtbot.waitUntil(lambda: len(_shown_files(documents)) == 3, timeout=5_000)
        assert documents.files.collection_id == ready
        assert documents.is_busy
    finally:
        extractor.gate.set()
        documents.shutdown()


def test_another_collections_files_are_not_shown_while_its_own_are_listed(
    qtbot, documents: DocumentCollections, notes: Path
) -> None:  # type: ignore[no-untyped-def]
    collection = _create(qtbot, documents, "Harbour notes", [notes])
    with qtbot.waitSignal(documents.files.modelReset, timeout=TIMEOUT):
        documents.show_files(collection)
    assert len(_shown_files(documents)) == 3
    documents.show_files(collection + 1)  # not answered yet
    assert _shown_files(documents) == [] and documents.files.collection_id == collection + 1


def test_rename_add_remove_and_delete_show_in_the_lists(
    qtbot, documents: DocumentCollections, notes: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    more = tmp_path / "more"
    more.mkdir()
    (more / "mill.md").write_text("The mill pond at Foxmere freezes each winter.\n")
    collection = _create(qtbot, documents, "Harbour notes", [notes])
    documents.show_files(collection)
    collections = documents.collections
    documents.rename(collection, "Old notes")
    qtbot.waitUntil(lambda: documents.name_of(collection) == "Old notes")
    with qtbot.waitSignal(documents.index_finished, timeout=TIMEOUT) as added:
        documents.add_sources(collection, [more])
    assert added.args[1].added == 1
    qtbot.waitUntil(lambda: "mill.md · 1 passage(s)" in _shown_files(documents))
    assert set(collections.info(collection).sources) == {str(notes), str(more)}
    with qtbot.waitSignal(documents.index_finished, timeout=TIMEOUT) as removed:
        documents.remove_source(collection, str(notes))
    assert removed.args[1].removed == 3
    qtbot.waitUntil(lambda: _shown_files(documents) == ["mill.md · 1 passage(s)"])
    documents.delete(collection)
    qtbot.waitUntil(lambda: collections.rowCount() == 0)
    assert (notes / "harbour.md").is_file()  # the files themselves are not touched


def test_a_missing_folder_is_named_in_the_report(
    qtbot, documents: DocumentCollections, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    gone = tmp_path / "unplugged"
    with qtbot.waitSignal(documents.index_finished, timeout=TIMEOUT) as finished:
        documents.create("Drive", [gone])
    assert finished.args[1].missing_sources == (str(gone),)


def test_updating_a_collection_that_is_not_there_fails_with_a_reason(
    qtbot, documents: DocumentCollections
) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(documents.index_failed, timeout=TIMEOUT) as failed:
        job = documents.update(4242)
    assert failed.args[0] == job and "4242" in failed.args[1]
    qtbot.waitUntil(lambda: not documents.is_busy)


def test_an_update_can_be_paused_resumed_and_stopped(
    qtbot, documents: DocumentCollections, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(300):
        (folder / f"note{i:03}.md").write_text(f"# Note {i}\n\nPlain words number {i}.\n" * 20)
    finished: list[UpdateReport] = []
    documents.index_finished.connect(lambda _job, report: finished.append(report))
    documents.create("Many", [folder])
    qtbot.waitUntil(lambda: documents.progress is not None and documents.progress.done > 0)
    assert documents.is_busy
    with qtbot.waitSignal(documents.paused_changed, timeout=TIMEOUT) as paused:
        documents.pause()
    assert paused.args == [True] and documents.is_paused
    with qtbot.waitSignal(documents.paused_changed, timeout=TIMEOUT) as resumed:
        documents.resume()
    assert resumed.args == [False] and not documents.is_paused
    documents.cancel()
    qtbot.waitUntil(lambda: bool(finished), timeout=TIMEOUT)
    assert finished[0].cancelled and finished[0].added < 300
    qtbot.waitUntil(lambda: not documents.is_busy)


def test_a_question_is_answered_with_passages_from_the_collection(
    qtbot, documents: DocumentCollections, notes: Path
) -> None:  # type: ignore[no-untyped-def]
    collection = _create(qtbot, documents, "Harbour notes", [notes])
    with qtbot.waitSignal(documents.retrieval_finished, timeout=TIMEOUT) as answered:
        documents.retrieve(7, [collection], "When was the Harwick lighthouse first lit?", 3)
    result = answered.args[0]
    assert isinstance(result, RetrievalResult) and result.request_id == 7
    assert Path(result.hits[0].file).name == "harbour.md"
    assert result.collection_names == {collection: "Harbour notes"}


def test_without_an_embedding_model_search_is_by_words(documents: DocumentCollections) -> None:
    assert documents.embedding_model == ""
    assert documents.db_path.parent.is_dir()


def test_file_rows_word_every_reason_a_file_could_not_be_read(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = FileListModel()
    qtmodeltester.check(model, force_py=True)
    reasons = {
        UnreadableReason.ENCRYPTED: "password-protected",
        UnreadableReason.BINARY: "not a text file",
        UnreadableReason.ENCODING: "not UTF-8 text; save it as UTF-8",
        UnreadableReason.DAMAGED: "damaged, or not what its name says",
        UnreadableReason.TOO_LARGE: "too large (over 64 MB, or too much text)",
        UnreadableReason.TOO_SLOW: "took too long to read",
        UnreadableReason.NO_TEXT: "holds no text",  # ".x" is no PDF: no OCR hint
        UnreadableReason.IO_ERROR: "could not be read from disk",
    }
    assert set(reasons) == set(UnreadableReason)
    rows = [IndexedFile(f"/d/{r.value}.x", 1, 0, 0, r, "why") for r in reasons]
    rows.append(IndexedFile("/d/fine.md", 1, 0, 2, None, ""))
    model.set_files(3, rows)
    shown = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert shown == [
        *(f"{r.value}.x · Unreadable: {text}" for r, text in reasons.items()),
        "fine.md · 2 passage(s)",
    ]
    assert model.index(len(rows) - 1, 0).data(Qt.ItemDataRole.ToolTipRole) == "/d/fine.md"
    # The view draws the name and the detail apart (desktop/documents/qt/collection_rows.py).
    names = [model.index(r, 0).data(FileListModel.NAME_ROLE) for r in range(model.rowCount())]
    details = [model.index(r, 0).data(FileListModel.DETAIL_ROLE) for r in range(len(rows))]
    assert names == [Path(row.path).name for row in rows]
    assert details == [*(f"Unreadable: {text}" for text in reasons.values()), "2 passage(s)"]
    assert model.files() == rows
    model.set_files(None, [])
    assert model.rowCount() == 0 and model.data(QModelIndex()) is None


def test_the_collection_list_reports_nothing_outside_its_rows(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = CollectionListModel()
    qtmodeltester.check(model, force_py=True)
    model.set_collections([CollectionInfo(4, "A", ("/a", "/b"), 1, 0, 2, None)])
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == "/a\n/b"
    assert model.index(0, 0).data(CollectionListModel.Roles.IdRole) == 4
    assert model.index(0, 0).data(Qt.ItemDataRole.DecorationRole) is None
    assert model.index(0, 0).data(CollectionListModel.DETAIL_ROLE) == "1 file(s)"
    assert model.data(QModelIndex()) is None
    model.set_collections([])
    assert model.collections() == []


def test_an_empty_text_file_is_not_called_a_scan(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = FileListModel()
    model.set_files(
        3,
        [
            IndexedFile("/d/empty.txt", 0, 0, 0, UnreadableReason.NO_TEXT, ""),
            IndexedFile("/d/scan.pdf", 9, 0, 0, UnreadableReason.NO_TEXT, ""),
        ],
    )
    shown = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert shown == [
        "empty.txt · Unreadable: holds no text",
        "scan.pdf · Unreadable: holds no text (a scan without OCR?)",
    ]

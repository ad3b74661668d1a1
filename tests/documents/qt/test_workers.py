"""IndexWorker and RetrievalWorker on real QThreads with the real extractor and index."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QThread, Signal

from desktop.documents.extract import FileExtractor
from desktop.documents.index import DB_FILE_NAME, DocumentIndex, IndexProgress, UpdateReport
from desktop.documents.passages import Section, UnreadableReason
from desktop.documents.qt.workers import (
    IndexJob,
    IndexWorker,
    RetrievalResult,
    RetrievalWorker,
    SharedEmbedder,
)
from desktop.engine.probe import FAULT_ENV, ProbeCache
from tests.fixtures.documents import encrypted_pdf_bytes, pdf_bytes


class GatedExtractor:
    """The real extractor, but the ``gate_at``-th file waits until the test opens the gate, so
    a cancel or a pause lands at a known point instead of racing the indexer."""

    def __init__(self, gate_at: int) -> None:
        self.real = FileExtractor()
        self.suffixes = self.real.suffixes
        self.gate_at = gate_at
        self.reached = threading.Event()
        self.gate = threading.Event()
        self.calls = 0

    def extract(self, data: bytes, name: str) -> list[Section]:
        self.calls += 1
        if self.calls == self.gate_at:
            self.reached.set()
            assert self.gate.wait(10)
        return self.real.extract(data, name)


class Gui(QObject):
    """Commands as queued signals into the worker thread; the worker's signals re-emitted here
    so tests run on the GUI thread."""

    create = Signal(int, str, object)
    update = Signal(object)
    rename = Signal(int, str)
    delete = Signal(int)
    retrieve = Signal(int, object, str, int)
    progress = Signal(int, object)
    finished = Signal(int, object)
    failed = Signal(int, str)
    collections = Signal(object)
    listed = Signal(int, object)
    paused = Signal(bool)
    retrieved = Signal(object)

    def __init__(self, worker: IndexWorker, retriever: RetrievalWorker | None = None) -> None:
        super().__init__()
        self.create.connect(worker.on_create_requested)
        self.update.connect(worker.on_update_requested)
        self.rename.connect(worker.on_rename_requested)
        self.delete.connect(worker.on_delete_requested)
        worker.index_progress.connect(self.progress)
        worker.index_finished.connect(self.finished)
        worker.index_failed.connect(self.failed)
        worker.collections_changed.connect(self.collections)
        worker.files_listed.connect(self.listed)
        worker.paused_changed.connect(self.paused)
        if retriever is not None:
            self.retrieve.connect(retriever.on_retrieval_requested)
            retriever.retrieval_finished.connect(self.retrieved)


def _start(worker: QObject) -> QThread:
    thread = QThread()
    worker.moveToThread(thread)
    thread.start()
    return thread


def _stop(thread: QThread, worker: IndexWorker | RetrievalWorker) -> None:
    if isinstance(worker, IndexWorker):
        worker.cancel_up_to(1 << 30)
    thread.quit()
    thread.wait()
    worker.close()


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "harbour.md").write_text("# Harbour\n\nThe lighthouse at Harwick was lit in 1847.\n")
    (folder / "granary.txt").write_text("The granary at Elmsford stores barley and oats.\n")
    (folder / "mine.pdf").write_bytes(pdf_bytes([["Sheep graze."], ["The copper mine closed."]]))
    (folder / "locked.pdf").write_bytes(encrypted_pdf_bytes([["secret words"]]))
    (folder / "fake.pdf").write_bytes(b"this is not a pdf")
    return folder


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / DB_FILE_NAME


@pytest.fixture
def indexer(db: Path) -> Iterator[IndexWorker]:
    worker = IndexWorker(db)
    thread = _start(worker)
    yield worker
    _stop(thread, worker)


def test_create_reports_progress_files_and_unreadable_reasons(
    qtbot, indexer: IndexWorker, docs: Path
) -> None:
    gui = Gui(indexer)
    seen: list[IndexProgress] = []
    gui.progress.connect(lambda _job, p: seen.append(p))
    listed: list[tuple] = []
    gui.listed.connect(lambda _cid, files: listed.append(files))
    with qtbot.waitSignal(gui.finished, timeout=20_000) as blocker:
        gui.create.emit(1, "Notes", (str(docs),))
    job, report = blocker.args
    assert job == 1
    assert isinstance(report, UpdateReport) and not report.cancelled
    assert report.added == 5
    assert {(Path(p.path).name, p.reason) for p in report.unreadable} == {
        ("locked.pdf", UnreadableReason.ENCRYPTED),
        ("fake.pdf", UnreadableReason.DAMAGED),
    }
    assert [p.done for p in seen] == [0, 1, 2, 3, 4, 5]
    assert {p.total for p in seen} == {5}
    assert Path(seen[0].path).parent == docs
    qtbot.waitUntil(lambda: bool(listed) and len(listed[-1]) == 5)
    problems = {Path(f.path).name: f.problem for f in listed[-1]}
    assert problems["locked.pdf"] == UnreadableReason.ENCRYPTED
    assert problems["harbour.md"] is None


def test_update_on_demand_picks_up_changes(qtbot, indexer: IndexWorker, docs: Path) -> None:
    gui = Gui(indexer)
    with qtbot.waitSignal(gui.finished, timeout=20_000):
        gui.create.emit(1, "Notes", (str(docs),))
    (docs / "granary.txt").write_text("The granary now stores rye.\n")
    (docs / "harbour.md").unlink()
    (docs / "new.txt").write_text("A new ferry runs to Skerry Island.\n")
    with qtbot.waitSignal(gui.finished, timeout=20_000) as blocker:
        gui.update.emit(IndexJob(2, 1))
    report = blocker.args[1]
    assert (report.added, report.changed, report.removed) == (1, 1, 1)


def test_cancel_midway_leaves_a_consistent_index(qtbot, db: Path, docs: Path) -> None:
    extractor = GatedExtractor(gate_at=3)
    worker = IndexWorker(db, extractor)
    thread = _start(worker)
    try:
        gui = Gui(worker)
        finished: list[UpdateReport] = []
        gui.finished.connect(lambda _job, r: finished.append(r))
        gui.create.emit(7, "Notes", (str(docs),))
        assert extractor.reached.wait(10)  # the third file is being read right now
        worker.cancel_up_to(7)
        extractor.gate.set()  # the cancel lands within that file: it is left as it was
        qtbot.waitUntil(lambda: bool(finished), timeout=10_000)
        [report] = finished
        assert report.cancelled
        assert report.added == 2
    finally:
        _stop(thread, worker)
    with DocumentIndex.open(db) as index:
        [info] = index.collections()
        assert info.indexed_at is None  # never completed
        files = index.files(info.id)
        assert len(files) == 2
        for file in files:  # each file is either whole or recorded as unreadable
            stored = index.passages(info.id, file.path)
            assert len(stored) == file.passages
            assert (file.problem is None) == (file.passages > 0)
        assert index.search([info.id], "granary barley")  # searchable as it is
        # The next update carries on from where it stopped.
        report = index.update(info.id, FileExtractor())
        assert (report.added, report.unchanged, report.cancelled) == (3, 2, False)


def test_pause_holds_between_files_and_resume_finishes(qtbot, db: Path, docs: Path) -> None:
    extractor = GatedExtractor(gate_at=2)
    worker = IndexWorker(db, extractor)
    thread = _start(worker)
    try:
        gui = Gui(worker)
        seen: list[IndexProgress] = []
        gui.progress.connect(lambda _job, p: seen.append(p))
        finished: list[UpdateReport] = []
        gui.finished.connect(lambda _job, r: finished.append(r))
        gui.create.emit(1, "Notes", (str(docs),))
        assert extractor.reached.wait(10)
        with qtbot.waitSignal(gui.paused, timeout=5_000) as blocker:
            worker.pause()
        assert blocker.args == [True]
        extractor.gate.set()
        qtbot.wait(600)  # the worker is now waiting before the third file
        assert not finished
        assert max(p.done for p in seen) <= 2
        assert worker.is_paused
        worker.resume()
        qtbot.waitUntil(lambda: bool(finished), timeout=10_000)
        assert not finished[0].cancelled
        assert finished[0].added == 5
    finally:
        _stop(thread, worker)


def test_rename_delete_and_failures_are_reported(qtbot, indexer: IndexWorker, docs: Path) -> None:
    gui = Gui(indexer)
    lists: list[tuple] = []
    gui.collections.connect(lists.append)
    with qtbot.waitSignal(gui.finished, timeout=20_000):
        gui.create.emit(1, "Notes", (str(docs),))
    gui.rename.emit(1, "  Old   notes ")
    qtbot.waitUntil(lambda: [c.name for c in lists[-1]] == ["Old notes"], timeout=5_000)
    with qtbot.waitSignal(gui.failed, timeout=5_000) as failed:
        gui.update.emit(IndexJob(5, 99))  # no such collection
    assert failed.args[0] == 5
    gui.delete.emit(1)
    qtbot.waitUntil(lambda: lists[-1] == (), timeout=5_000)
    assert (docs / "harbour.md").exists()  # the user's files are never touched


def test_retrieval_worker_finds_passages_off_the_gui_thread(
    qtbot, indexer: IndexWorker, db: Path, docs: Path
) -> None:
    retriever = RetrievalWorker(db)
    thread = _start(retriever)
    try:
        gui = Gui(indexer, retriever)
        with qtbot.waitSignal(gui.finished, timeout=20_000):
            gui.create.emit(1, "Notes", (str(docs),))
        with qtbot.waitSignal(gui.retrieved, timeout=5_000) as blocker:
            gui.retrieve.emit(3, (1,), "When was the lighthouse at Harwick lit?", 5)
        result: RetrievalResult = blocker.args[0]
        assert result.request_id == 3
        assert Path(result.hits[0].file).name == "harbour.md"
        assert result.collection_names == {1: "Notes"}
        with qtbot.waitSignal(gui.retrieved, timeout=5_000) as blocker:
            gui.retrieve.emit(4, (1,), "quantum chromodynamics of gluons", 5)
        assert blocker.args[0].hits == ()  # nothing relevant: an empty answer, not noise
    finally:
        _stop(thread, retriever)


def test_an_embedding_model_gives_every_passage_a_vector_and_joins_retrieval(
    qtbot, db: Path, docs: Path, tiny_gguf: Path
) -> None:
    """Plumbing on the real llama.cpp with the tiny random-weight GGUF: its vectors mean
    nothing, so this checks that passages get vectors, that the question is embedded and
    fused with the word ranking, not that the vectors find anything by meaning."""
    embedder = SharedEmbedder(str(tiny_gguf))
    worker = IndexWorker(db, embedder=embedder)
    retriever = RetrievalWorker(db, embedder=embedder)
    threads = [_start(worker), _start(retriever)]
    try:
        gui = Gui(worker, retriever)
        progress: list[tuple[int, int]] = []
        worker.embedding_progress.connect(lambda _job, done, total: progress.append((done, total)))
        with qtbot.waitSignal(gui.finished, timeout=60_000):
            gui.create.emit(1, "Notes", (str(docs),))
        qtbot.waitUntil(lambda: bool(progress))
        assert progress[-1][0] == progress[-1][1] > 0
        with qtbot.waitSignal(gui.retrieved, timeout=20_000) as blocker:
            gui.retrieve.emit(2, (1,), "When was the lighthouse at Harwick lit?", 5)
        files = [Path(h.file).name for h in blocker.args[0].hits]
        assert "harbour.md" in files
    finally:
        for thread, w in zip(threads, (worker, retriever), strict=True):
            _stop(thread, w)
        embedder.close()
    with DocumentIndex.open(db) as index:
        model = embedder.model_id
        assert model.startswith(tiny_gguf.name + ":")
        done, total = index.count_vectors(1, model)
        assert done == total == 4  # every passage of the readable files (harbour, granary, mine)
        probe = SharedEmbedder(str(tiny_gguf))
        [vector] = probe.embed(["lighthouse"])
        probe.close()
        assert index.vector_search([1], vector, model, 3)  # the stored vectors are searchable


def _index_with_a_failing_embedder(
    qtbot, db: Path, docs: Path, embedder: SharedEmbedder, timeout_ms: int
) -> list[str]:
    """Indexes `docs` with `embedder`, which must fail, and checks that words still find the
    passage; returns the embedding problems reported."""
    worker = IndexWorker(db, embedder=embedder)
    retriever = RetrievalWorker(db, embedder=embedder)
    threads = [_start(worker), _start(retriever)]
    try:
        gui = Gui(worker, retriever)
        problems: list[str] = []
        worker.embedding_failed.connect(problems.append)
        with qtbot.waitSignal(gui.finished, timeout=timeout_ms):
            gui.create.emit(1, "Notes", (str(docs),))
        qtbot.waitUntil(lambda: bool(problems), timeout=timeout_ms)
        with qtbot.waitSignal(gui.retrieved, timeout=5_000) as blocker:
            gui.retrieve.emit(2, (1,), "When was the lighthouse at Harwick lit?", 5)
        assert Path(blocker.args[0].hits[0].file).name == "harbour.md"
        return problems
    finally:
        for thread, w in zip(threads, (worker, retriever), strict=True):
            _stop(thread, w)


def test_an_unusable_embedding_model_is_reported_and_words_still_work(
    qtbot, db: Path, docs: Path, tmp_path: Path
) -> None:
    fake = tmp_path / "fake.gguf"
    fake.write_bytes(b"not a model at all")
    problems = _index_with_a_failing_embedder(qtbot, db, docs, SharedEmbedder(str(fake)), 20_000)
    assert "fake.gguf" in problems[0]


def test_an_embedding_model_that_crashes_llama_cpp_is_tried_in_a_child_first(
    qtbot, db: Path, docs: Path, tiny_gguf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The probe child is told to crash right after loading (no GGUF that passes the header
    check is known to crash this llama.cpp): the app side survives, reports it, and never
    loads the file in-process; words still work."""
    monkeypatch.setenv(FAULT_ENV, "segfault")
    cache = tmp_path / "probed.json"
    embedder = SharedEmbedder(str(tiny_gguf), probe_cache=cache)
    try:
        problems = _index_with_a_failing_embedder(qtbot, db, docs, embedder, 60_000)
        assert "crashed llama.cpp" in problems[0] and "SIGSEGV" in problems[0]
        assert not embedder.loaded  # never loaded in this process
        assert not ProbeCache(cache).passed(tiny_gguf, 0, embedding=True)
    finally:
        embedder.close()


def test_a_probed_embedding_model_is_remembered(tiny_gguf: Path, tmp_path: Path) -> None:
    cache = tmp_path / "probed.json"
    embedder = SharedEmbedder(str(tiny_gguf), probe_cache=cache)
    try:
        assert embedder.embed(["lighthouse"]) is not None and not embedder.problem
    finally:
        embedder.close()
    assert ProbeCache(cache).passed(tiny_gguf, 0, embedding=True)

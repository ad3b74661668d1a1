"""DocumentCollections: the GUI side of the user's document collections.

It starts the indexing and retrieval workers on their own threads, keeps what they report in
item models (the collections, the files of the collection on screen) and the state of the
running update (progress, paused), and hands questions to the retrieval worker. Dialogs, the
composer's chips and the chat session all share this one object, so they always agree.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import (
    QByteArray,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QStringListModel,
    Qt,
    QThread,
    Signal,
    Slot,
)

from desktop.documents.qt.workers import IndexJob, IndexWorker, RetrievalWorker, SharedEmbedder
from desktop.engine.probe import PROBE_CACHE_FILE
from desktop.qtkit.list_model import RoleValue, RowListModel, whole_row
from desktop.qtkit.threads import finish_thread

if TYPE_CHECKING:
    from desktop.documents.index import CollectionInfo, IndexedFile, IndexProgress, UpdateReport
    from desktop.documents.passages import Extractor

__all__ = [
    "DB_FILE_NAME",
    "CollectionListModel",
    "CollectionSourceModel",
    "DocumentCollections",
    "FileListModel",
]

DB_FILE_NAME = "documents.db"
"""desktop.documents.index.DB_FILE_NAME, named here so that the window's first frame does not
import the index (the workers do, on their threads); tests/documents/test_index.py checks that the
two agree."""


class CollectionListModel(RowListModel):
    """The collections, sorted by name as the index lists them."""

    class Roles:
        IdRole = Qt.ItemDataRole.UserRole + 1  # int
        InfoRole = Qt.ItemDataRole.UserRole + 2  # CollectionInfo

    DETAIL_ROLE = Qt.ItemDataRole.UserRole + 3
    """str: "3 files", drawn muted beside the name (worded here, so not a Roles attribute,
    which would be read off the row)."""

    ROLE_NAMES: ClassVar[dict[int, QByteArray]] = {Roles.IdRole: QByteArray(b"collectionId")}
    # IdRole reads CollectionInfo.id.
    ROLE_VALUES: ClassVar[Mapping[int, RoleValue]] = {
        Qt.ItemDataRole.DisplayRole: "name",
        Qt.ItemDataRole.ToolTipRole: lambda info: "\n".join(info.sources),
        Roles.InfoRole: whole_row,
    }

    def cell(self, row: CollectionInfo, column: int, role: int) -> Any:
        if role == self.DETAIL_ROLE:
            return self.tr("%n file(s)", "", row.files)
        return None

    def set_collections(self, collections: Sequence[CollectionInfo]) -> None:
        self.reset_rows(collections)

    def collections(self) -> list[CollectionInfo]:
        return list(self.rows)

    def info(self, collection_id: int) -> CollectionInfo | None:
        return next((c for c in self.rows if c.id == collection_id), None)

    def row_of(self, collection_id: int) -> int | None:
        return next((i for i, c in enumerate(self.rows) if c.id == collection_id), None)

    def free_name(self, name: str, keep: int | None = None) -> str:
        """``name`` as the index keeps it, or "name (2)", "(3)"… where another collection (not
        ``keep``) has it, case aside: two collections of one name cannot be told apart in the
        chat's Documents menu or its chips (dropping two folders called "notes" made two)."""
        from desktop.documents.index import normalize_name  # loaded with the dialog

        wanted = normalize_name(name)
        taken = {c.name.casefold() for c in self.rows if c.id != keep}
        candidate, number = wanted, 2
        while candidate.casefold() in taken:
            candidate = f"{wanted} ({number})"
            number += 1
        return candidate


class CollectionSourceModel(QStringListModel):
    """The folders and files of the collection on screen; one the last update did not find
    (a renamed folder, an unplugged drive) is marked, so the user sees which one to remove or
    add again. Known only from an update's report: drawing a row never touches the disk."""

    DETAIL_ROLE = Qt.ItemDataRole.UserRole + 1
    """str: "Not found" for a missing source, else ""."""
    PROBLEM_ROLE = Qt.ItemDataRole.UserRole + 2
    """bool: the source was not there at the last update."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._missing: frozenset[str] = frozenset()

    def set_sources(self, sources: Sequence[str], missing: Collection[str] = ()) -> None:
        self._missing = frozenset(missing)
        self.setStringList(list(sources))

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if role in (self.DETAIL_ROLE, self.PROBLEM_ROLE, Qt.ItemDataRole.ToolTipRole):
            path = super().data(index, Qt.ItemDataRole.DisplayRole)
            missing = path in self._missing
            if role == self.PROBLEM_ROLE:
                return missing
            if role == self.DETAIL_ROLE:
                return self.tr("Not found") if missing else ""
            if missing:
                return self.tr("{path}\nNot found at the last update").format(path=path)
            return path
        return super().data(index, role)


class FileListModel(RowListModel):
    """The files of one collection; unreadable ones carry their reason (worded by the view)."""

    class Roles:
        FileRole = Qt.ItemDataRole.UserRole + 1  # IndexedFile
        ProblemRole = Qt.ItemDataRole.UserRole + 2  # UnreadableReason | None

    NAME_ROLE = Qt.ItemDataRole.UserRole + 3
    """str: the file's name without its folder (worded by :meth:`cell`, like DETAIL_ROLE)."""
    DETAIL_ROLE = Qt.ItemDataRole.UserRole + 4
    """str: "12 passages", or "Unreadable: " and why."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.collection_id: int | None = None

    # ProblemRole reads IndexedFile.problem.
    ROLE_VALUES: ClassVar[Mapping[int, RoleValue]] = {
        Qt.ItemDataRole.ToolTipRole: lambda file: (
            file.path if file.problem is None else f"{file.path}\n{file.detail}"
        ),
        Roles.FileRole: whole_row,
    }

    def cell(self, row: IndexedFile, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self.describe(row)
        if role == self.NAME_ROLE:
            return Path(row.path).name
        if role == self.DETAIL_ROLE:
            if row.problem is None:
                return self.tr("%n passage(s)", "", row.passages)
            return self.tr("Unreadable: {reason}").format(reason=self.reason(row))
        return None

    def describe(self, file: IndexedFile) -> str:
        """'notes.md · 12 passages' or 'scan.pdf · Unreadable: holds no text (…)' (what a
        screen reader says and a copy gives; the view draws name and detail apart)."""
        name = Path(file.path).name
        if file.problem is None:
            return self.tr("{name} · %n passage(s)", "", file.passages).format(name=name)
        return self.tr("{name} · Unreadable: {reason}").format(name=name, reason=self.reason(file))

    def reason(self, file: IndexedFile) -> str:
        """Why an unreadable file could not be read, in words."""
        from desktop.documents.passages import UnreadableReason

        name = Path(file.path).name
        reasons = {
            UnreadableReason.ENCRYPTED: self.tr("password-protected"),
            UnreadableReason.BINARY: self.tr("not a text file"),
            UnreadableReason.ENCODING: self.tr("not UTF-8 text; save it as UTF-8"),
            UnreadableReason.DAMAGED: self.tr("damaged, or not what its name says"),
            UnreadableReason.TOO_LARGE: self.tr("too large (over 64 MB, or too much text)"),
            UnreadableReason.TOO_SLOW: self.tr("took too long to read"),
            UnreadableReason.NO_TEXT: self.tr("holds no text (a scan without OCR?)"),
            UnreadableReason.IO_ERROR: self.tr("could not be read from disk"),
        }
        if file.problem == UnreadableReason.NO_TEXT and Path(name).suffix.lower() != ".pdf":
            # Only a PDF can be a scan; an empty text file is simply empty.
            reasons[UnreadableReason.NO_TEXT] = self.tr("holds no text")
        return reasons.get(file.problem, str(file.problem)) if file.problem is not None else ""

    def set_files(self, collection_id: int | None, files: Sequence[IndexedFile]) -> None:
        self.collection_id = collection_id
        self.reset_rows(files)

    def files(self) -> list[IndexedFile]:
        return list(self.rows)


class DocumentCollections(QObject):
    """Owns the two document workers and their threads; call :meth:`shutdown` before exit.

    Signals:
        progress_changed(int, IndexProgress): job id, files done/total and the current file.
        index_finished(int, UpdateReport): job id and what the update did (or that it stopped).
        index_failed(int, str): job id and why (for the log and a message).
        busy_changed(bool): an update started (True) or the last one ended (False).
        paused_changed(bool): the running update is paused or going on again.
        retrieval_finished(RetrievalResult): the passages for a question (workers.indexing).
        retrieval_failed(int, str): request id and why.
        embedding_progress(int, int, int): job id, passages with a vector, all passages.
        embedding_failed(str): the embedding model cannot be used; why.
        _create_requested, _update_requested, …: queued commands to the index worker.
    """

    progress_changed = Signal(int, object)
    index_finished = Signal(int, object)
    index_failed = Signal(int, str)
    busy_changed = Signal(bool)
    paused_changed = Signal(bool)
    retrieval_finished = Signal(object)
    retrieval_failed = Signal(int, str)
    embedding_progress = Signal(int, int, int)
    embedding_failed = Signal(str)

    _embedding_model_set = Signal(str)
    _collections_requested = Signal()
    _files_requested = Signal(int)
    _create_requested = Signal(int, str, object)
    _update_requested = Signal(object)
    _rename_requested = Signal(int, str)
    _delete_requested = Signal(int)
    _sources_added = Signal(int, object)
    _source_removed = Signal(int, str)
    _retrieval_requested = Signal(int, object, str, int, str)

    def __init__(
        self,
        data_dir: Path,
        extractor: Extractor | None = None,
        parent: QObject | None = None,
        embedding_model: str = "",
        *,
        start: bool = True,
    ) -> None:
        """``start=False`` leaves the two threads for :meth:`start`: the app starts them once
        the window's first frame is done; commands sent meanwhile wait in their queues."""
        super().__init__(parent)
        self.embedder = SharedEmbedder(
            embedding_model, probe_cache=Path(data_dir) / PROBE_CACHE_FILE
        )
        self._embedding_path = embedding_model
        self.db_path = Path(data_dir) / DB_FILE_NAME
        self.collections = CollectionListModel(self)
        self.files = FileListModel(self)
        self.progress: IndexProgress | None = None
        self._jobs = itertools.count(1)
        self._last_job = 0
        self._running: set[int] = set()
        self._paused = False

        self._index_thread = QThread(self)
        self._index_thread.setObjectName("documents-index")
        self._indexer = IndexWorker(self.db_path, extractor, embedder=self.embedder)
        self._indexer.moveToThread(self._index_thread)
        self._search_thread = QThread(self)
        self._search_thread.setObjectName("documents-search")
        self._retriever = RetrievalWorker(self.db_path, embedder=self.embedder)
        self._retriever.moveToThread(self._search_thread)

        indexer = self._indexer
        self._collections_requested.connect(indexer.on_collections_requested)
        # Listed on the search thread: the index thread may be busy with a long update.
        self._files_requested.connect(self._retriever.on_files_requested)
        self._retriever.files_listed.connect(self.on_indexer_files_listed)
        self._retriever.files_failed.connect(self.on_retriever_files_failed)
        self._create_requested.connect(indexer.on_create_requested)
        self._update_requested.connect(indexer.on_update_requested)
        self._rename_requested.connect(indexer.on_rename_requested)
        self._delete_requested.connect(indexer.on_delete_requested)
        self._sources_added.connect(indexer.on_sources_added)
        self._source_removed.connect(indexer.on_source_removed)
        indexer.collections_changed.connect(self.on_indexer_collections_changed)
        indexer.files_listed.connect(self.on_indexer_files_listed)
        indexer.index_started.connect(self.on_indexer_index_started)
        indexer.index_progress.connect(self.on_indexer_index_progress)
        indexer.index_finished.connect(self.on_indexer_index_finished)
        indexer.index_failed.connect(self.on_indexer_index_failed)
        indexer.paused_changed.connect(self.on_indexer_paused_changed)
        indexer.embedding_progress.connect(self.embedding_progress)
        indexer.embedding_failed.connect(self.embedding_failed)
        self._embedding_model_set.connect(indexer.on_embedding_model_set)
        self._retrieval_requested.connect(self._retriever.on_followup_retrieval_requested)
        self._retriever.retrieval_finished.connect(self.retrieval_finished)
        self._retriever.retrieval_failed.connect(self.retrieval_failed)
        self._index_thread.finished.connect(indexer.close)
        self._search_thread.finished.connect(self._retriever.close)
        self._collections_requested.emit()  # answered once the index thread runs
        self._stopped = False
        if start:
            self.start()

    def start(self) -> None:
        """Starts the index and search threads (once; not after :meth:`shutdown`)."""
        if self._stopped:
            return
        for thread in (self._index_thread, self._search_thread):
            if not thread.isRunning():
                thread.start()

    # -- state --

    @property
    def is_busy(self) -> bool:
        return bool(self._running)

    @property
    def is_paused(self) -> bool:
        return self._paused

    @property
    def threads(self) -> tuple[QThread, QThread]:
        """The index thread and the search thread: started by :meth:`start` (after the first
        frame), stopped by :meth:`shutdown`."""
        return self._index_thread, self._search_thread

    def name_of(self, collection_id: int) -> str | None:
        info = self.collections.info(collection_id)
        return info.name if info is not None else None

    # -- commands --

    def refresh(self) -> None:
        self._collections_requested.emit()

    def show_files(self, collection_id: int | None) -> None:
        """Fills :attr:`files` with this collection's files (empty for None)."""
        if collection_id is None:
            self.files.set_files(None, ())
            return
        if collection_id != self.files.collection_id and self.files.rowCount():
            self.files.set_files(collection_id, ())  # not another collection's files meanwhile
        else:
            self.files.collection_id = collection_id
        self._files_requested.emit(collection_id)

    def create(self, name: str, sources: Sequence[str | Path]) -> int:
        """Creates a collection and indexes it; returns the job id."""
        job = self._new_job()
        self._create_requested.emit(job, name, tuple(str(s) for s in sources))
        return job

    def update(self, collection_id: int) -> int:
        """Re-indexes what changed in the collection's folders and files; returns the job id."""
        job = self._new_job()
        self._update_requested.emit(IndexJob(job, collection_id))
        return job

    def add_sources(self, collection_id: int, sources: Sequence[str | Path]) -> int:
        """Adds folders or files and indexes them."""
        self._sources_added.emit(collection_id, tuple(str(s) for s in sources))
        return self.update(collection_id)

    def remove_source(self, collection_id: int, source: str) -> int:
        self._source_removed.emit(collection_id, source)
        return self.update(collection_id)

    def rename(self, collection_id: int, name: str) -> None:
        self._rename_requested.emit(collection_id, name)

    def delete(self, collection_id: int) -> None:
        """Stops the collection's updates first (the index is consistent between files), then
        deletes it; other collections' updates go on."""
        self._indexer.cancel_collection(collection_id)
        self._delete_requested.emit(collection_id)

    def pause(self) -> None:
        self._indexer.pause()

    def resume(self) -> None:
        self._indexer.resume()

    def cancel(self) -> None:
        """Stops the running update and the queued ones; what was indexed stays."""
        self._indexer.cancel_up_to(self._last_job)

    def retrieve(
        self,
        request_id: int,
        collection_ids: Sequence[int],
        question: str,
        limit: int,
        context: str = "",
    ) -> None:
        """``context``: the previous question, searched with this one if it finds nothing."""
        self._retrieval_requested.emit(request_id, tuple(collection_ids), question, limit, context)

    @property
    def embedding_model(self) -> str:
        return self._embedding_path

    def set_embedding_model(self, path: str) -> None:
        """Meaning search with this GGUF embedding model ("" for words only); every collection
        is brought up to date so its passages get vectors."""
        self._embedding_path = path
        self._embedding_model_set.emit(path)
        if path:
            for info in self.collections.collections():
                self.update(info.id)

    def shutdown(self) -> None:
        """Cancel, quit, wait (the fixed order): the index is left consistent."""
        self._stopped = True
        self.cancel()
        self.embedder.interrupt()  # a model being tried in a child process is not waited for
        for thread in (self._index_thread, self._search_thread):
            finish_thread(thread)  # a file being read stops within a second (budget.py)
        self.embedder.close()

    def _new_job(self) -> int:
        self._last_job = next(self._jobs)
        return self._last_job

    # -- answers from the index worker --

    @Slot(object)
    def on_indexer_collections_changed(self, collections: tuple[CollectionInfo, ...]) -> None:
        self.collections.set_collections(collections)

    @Slot(int, object)
    def on_indexer_files_listed(self, collection_id: int, files: tuple[IndexedFile, ...]) -> None:
        if collection_id == self.files.collection_id:
            self.files.set_files(collection_id, files)

    @Slot(str)
    def on_retriever_files_failed(self, message: str) -> None:
        self.index_failed.emit(0, message)  # as the index worker said it before

    @Slot(object)
    def on_indexer_index_started(self, job: IndexJob) -> None:
        was_busy = self.is_busy
        self._running.add(job.job_id)
        if not was_busy:
            self.busy_changed.emit(True)

    @Slot(int, object)
    def on_indexer_index_progress(self, job_id: int, progress: IndexProgress) -> None:
        self.progress = progress
        self.progress_changed.emit(job_id, progress)

    @Slot(int, object)
    def on_indexer_index_finished(self, job_id: int, report: UpdateReport) -> None:
        self.index_finished.emit(job_id, report)
        self._job_ended(job_id)

    @Slot(int, str)
    def on_indexer_index_failed(self, job_id: int, message: str) -> None:
        self.index_failed.emit(job_id, message)
        self._job_ended(job_id)

    @Slot(bool)
    def on_indexer_paused_changed(self, paused: bool) -> None:
        self._paused = paused
        self.paused_changed.emit(paused)

    def _job_ended(self, job_id: int) -> None:
        if job_id in self._running:
            self._running.discard(job_id)
            if not self._running:
                self.progress = None
                self.busy_changed.emit(False)

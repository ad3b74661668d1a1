"""Document collections off the GUI thread: IndexWorker (create, update, rename, delete, with
progress, pause and cancel) and RetrievalWorker (the passages for a question).

Why two workers on two threads: indexing a folder of PDFs takes minutes and runs in one slot
call, so a question asked meanwhile would wait behind it on the same thread. Each worker opens
its own ``DocumentIndex`` connection on its own thread (SQLite's WAL lets the reader search while
the writer commits file by file).

Pause, resume and cancel are plain method calls from the GUI thread: they only set a
``threading.Event`` or an int that the indexing loop checks before each file (the index's
``should_stop``), so they take effect at the next file and never interrupt a transaction. A
cancelled update leaves every file either as it was or fully re-indexed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from desktop.core.doc_index import (
    CollectionError,
    DocumentIndex,
    PassageHit,
    UpdateReport,
)
from desktop.core.passages import Extractor
from desktop.engine.extract import FileExtractor

__all__ = ["IndexJob", "IndexWorker", "RetrievalResult", "RetrievalWorker"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class IndexJob:
    """One update of one collection; ``job_id`` lets the GUI cancel exactly what it started."""

    job_id: int
    collection_id: int


@dataclass(frozen=True, slots=True)
class RetrievalResult:
    """The passages found for one request, best first; empty means nothing relevant."""

    request_id: int
    hits: tuple[PassageHit, ...]
    collection_names: dict[int, str]


class IndexWorker(QObject):
    """Owns the writing connection to ``documents.db``. Move it to its QThread and call the
    ``on_*`` slots through queued signals; ``pause``, ``resume`` and ``cancel_up_to`` are safe
    to call from any thread.

    Signals:
        collections_changed(tuple[CollectionInfo, ...]): after any change to the collections
            (created, renamed, deleted, an update finished or stopped), and when asked.
        files_listed(int, tuple[IndexedFile, ...]): a collection's files, unreadable ones with
            their reason, when asked and after each of its updates.
        index_started(IndexJob): an update began.
        index_progress(int, IndexProgress): job id and the file about to be read.
        index_finished(int, UpdateReport): job id; ``report.cancelled`` says if it stopped.
        index_failed(int, str): job id (0 for other commands) and a sentence for the log;
            the collection is unknown (deleted meanwhile) or the disk failed.
        paused_changed(bool): the update now waits (True) or goes on (False).
    """

    collections_changed = Signal(object)
    files_listed = Signal(int, object)
    index_started = Signal(object)
    index_progress = Signal(int, object)
    index_finished = Signal(int, object)
    index_failed = Signal(int, str)
    paused_changed = Signal(bool)

    def __init__(
        self, db_path: Path, extractor: Extractor | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._db_path = Path(db_path)
        self._extractor: Extractor = extractor or FileExtractor()
        self._index: DocumentIndex | None = None
        self._running = threading.Event()  # set: go on; clear: paused
        self._running.set()
        self._cancel_up_to = 0
        self._current_job = 0

    # -- thread-safe controls --

    def pause(self) -> None:
        if self._running.is_set():
            self._running.clear()
            self.paused_changed.emit(True)

    def resume(self) -> None:
        if not self._running.is_set():
            self._running.set()
            self.paused_changed.emit(False)

    @property
    def is_paused(self) -> bool:
        return not self._running.is_set()

    def cancel_up_to(self, job_id: int) -> None:
        """Stops the running update if its id is at most ``job_id`` and skips queued ones; a
        paused update is released so that it can stop."""
        self._cancel_up_to = max(self._cancel_up_to, job_id)
        if not self._running.is_set():
            self._running.set()
            self.paused_changed.emit(False)

    # -- helpers on the worker thread --

    def index(self) -> DocumentIndex:
        """This thread's connection, opened on first use."""
        if self._index is None:
            self._index = DocumentIndex.open(self._db_path)
        return self._index

    def _should_stop(self) -> bool:
        # Pausing blocks here, between two files; waking every 0.2 s notices a cancel.
        while not self._running.wait(0.2):
            if self._current_job <= self._cancel_up_to:
                return True
        return self._current_job <= self._cancel_up_to

    def _announce(self, collection_id: int | None = None) -> None:
        index = self.index()
        self.collections_changed.emit(tuple(index.collections()))
        if collection_id is not None:
            self.files_listed.emit(collection_id, tuple(index.files(collection_id)))

    # -- commands (queued slots) --

    @Slot()
    def on_collections_requested(self) -> None:
        try:
            self._announce()
        except Exception as error:  # a disk error must not kill the thread
            log.exception("listing collections failed")
            self.index_failed.emit(0, str(error))

    @Slot(int)
    def on_files_requested(self, collection_id: int) -> None:
        try:
            self.files_listed.emit(collection_id, tuple(self.index().files(collection_id)))
        except Exception as error:
            log.exception("listing files failed")
            self.index_failed.emit(0, str(error))

    @Slot(int, str, object)
    def on_create_requested(self, job_id: int, name: str, sources: Sequence[str]) -> None:
        """Creates the collection and indexes it as job ``job_id``."""
        try:
            collection_id = self.index().create_collection(name, sources)
        except Exception as error:
            log.exception("creating a collection failed")
            self.index_failed.emit(job_id, str(error))
            return
        self._announce(collection_id)
        self.on_update_requested(IndexJob(job_id, collection_id))

    @Slot(int, object)
    def on_sources_added(self, collection_id: int, sources: Sequence[str]) -> None:
        try:
            self.index().add_sources(collection_id, sources)
        except Exception as error:
            self.index_failed.emit(0, str(error))
            return
        self._announce(collection_id)

    @Slot(int, str)
    def on_source_removed(self, collection_id: int, source: str) -> None:
        try:
            self.index().remove_source(collection_id, source)
        except Exception as error:
            self.index_failed.emit(0, str(error))
            return
        self._announce(collection_id)

    @Slot(int, str)
    def on_rename_requested(self, collection_id: int, name: str) -> None:
        try:
            self.index().rename_collection(collection_id, name)
        except Exception as error:
            self.index_failed.emit(0, str(error))
            return
        self._announce()

    @Slot(int)
    def on_delete_requested(self, collection_id: int) -> None:
        try:
            self.index().delete_collection(collection_id)
        except Exception as error:
            self.index_failed.emit(0, str(error))
            return
        self._announce()

    @Slot(object)
    def on_update_requested(self, job: IndexJob) -> None:
        """Brings one collection in line with its folders and files (only changed files are
        read again)."""
        if job.job_id <= self._cancel_up_to:
            return  # cancelled before it started
        self._current_job = job.job_id
        self.index_started.emit(job)
        try:
            report: UpdateReport = self.index().update(
                job.collection_id,
                self._extractor,
                progress=lambda p: self.index_progress.emit(job.job_id, p),
                should_stop=self._should_stop,
            )
        except CollectionError as error:
            self.index_failed.emit(job.job_id, str(error))
            return
        except Exception as error:
            log.exception("indexing collection %s failed", job.collection_id)
            self.index_failed.emit(job.job_id, str(error))
            return
        finally:
            self._current_job = 0
        self.index_finished.emit(job.job_id, report)
        self._announce(job.collection_id)

    def close(self) -> None:
        """Closes the connection; call on the worker thread or after it finished."""
        if self._index is not None:
            self._index.close()
            self._index = None


class RetrievalWorker(QObject):
    """Searches the collections for a question on its own thread, so a send never waits on
    SQLite (or on an indexing run).

    Signals:
        retrieval_finished(RetrievalResult): the best passages, possibly none.
        retrieval_failed(int, str): request id and a sentence for the log; the chat goes on
            without sources and says so.
    """

    retrieval_finished = Signal(object)
    retrieval_failed = Signal(int, str)

    def __init__(self, db_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db_path = Path(db_path)
        self._index: DocumentIndex | None = None

    def index(self) -> DocumentIndex:
        if self._index is None:
            self._index = DocumentIndex.open(self._db_path)
        return self._index

    @Slot(int, object, str, int)
    def on_retrieval_requested(
        self, request_id: int, collection_ids: Sequence[int], question: str, limit: int
    ) -> None:
        try:
            index = self.index()
            hits = index.search(collection_ids, question, limit)
            names = {c.id: c.name for c in index.collections() if c.id in set(collection_ids)}
        except Exception as error:
            log.exception("retrieval failed")
            self.retrieval_failed.emit(request_id, str(error))
            return
        self.retrieval_finished.emit(RetrievalResult(request_id, tuple(hits), names))

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None

"""Document collections off the GUI thread: IndexWorker (create, update, rename, delete, with
progress, pause and cancel) and RetrievalWorker (the passages for a question).

Why two workers on two threads: indexing a folder of PDFs takes minutes and runs in one slot
call, so a question asked meanwhile would wait behind it on the same thread. Each worker opens
its own ``DocumentIndex`` connection on its own thread (SQLite's WAL lets the reader search while
the writer commits file by file).

Pause, resume and cancel are plain method calls from the GUI thread: they only set a
``threading.Event`` or an int that the indexing loop checks before each file (the index's
``should_stop``), before each file and, while a file is read, every 0.1 s
(``documents.budget``), so they take effect within a second and never interrupt a transaction.
A cancelled update leaves every file either as it was or fully re-indexed.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot

if TYPE_CHECKING:
    from desktop.documents.index import DocumentIndex, PassageHit, UpdateReport
    from desktop.documents.passages import Extractor

# The index, the passage splitter and the file readers (doc_index, passages, extract) are
# imported on the worker threads, at their first command: the window's first frame makes these
# workers but never waits for those modules (tests/e2e/test_startup.py checks).

__all__ = ["IndexJob", "IndexWorker", "RetrievalResult", "RetrievalWorker", "SharedEmbedder"]

#: Passages embedded per call: big enough to keep llama.cpp busy, small enough that pause and
#: cancel answer within a second or two.
EMBED_BATCH = 16

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


class SharedEmbedder:
    """The user's embedding model (optional) for both document threads: loaded on first use,
    one call at a time under a lock, checked by the GGUF header check and then, unless the
    probe cache says it passed before, loaded in a child process (``engine/probe.py``) before
    llama.cpp sees it in this one, so a file that crashes llama.cpp natively takes only the
    child down. A model that fails is remembered with its reason and not tried again until the
    path changes, so meaning search simply stays off and word search goes on."""

    def __init__(self, path: str = "", probe_cache: Path | None = None) -> None:
        self._lock = threading.Lock()
        self._path = path
        self._model: Any = None
        self._probe_cache = probe_cache
        self._stopping = threading.Event()
        self.problem = ""

    @property
    def path(self) -> str:
        return self._path

    @property
    def loaded(self) -> bool:
        """Whether the model is loaded in this process (a file that failed never is)."""
        return self._model is not None

    @property
    def model_id(self) -> str:
        """What the vectors are stored under: file name and size (a re-download of the same
        file keeps its vectors; another model never mixes with them)."""
        if not self._path or self.problem:
            return ""
        try:
            size = os.path.getsize(self._path)
        except OSError:
            return ""
        return f"{os.path.basename(self._path)}:{size}"

    def set_path(self, path: str) -> None:
        with self._lock:
            if path == self._path:
                return
            self._close()
            self._path = path
            self.problem = ""

    def embed(self, texts: Sequence[str]) -> Any | None:
        """Normalized float32 rows, or None when there is no usable model."""
        with self._lock:
            if not self._path or self.problem:
                return None
            if self._model is None:
                from desktop.engine.gguf_check import GgufCheckError, check_gguf
                from desktop.engine.llama import EmbeddingModel, ModelLoadError

                try:
                    check_gguf(self._path)
                    problem = self._probe()
                    if problem is None:
                        return None  # shutting down: neither usable nor broken
                    if problem:
                        self.problem = problem
                        log.warning("embedding model %s failed its probe: %s", self._path, problem)
                        return None
                    self._model = EmbeddingModel.load(Path(self._path), n_threads=1)
                except (GgufCheckError, ModelLoadError) as error:
                    self.problem = str(error)
                    log.warning("embedding model %s not usable: %s", self._path, error)
                    return None
            from desktop.engine.llama import GenerationError

            try:
                return self._model.embed(texts)
            except GenerationError as error:
                log.warning("embedding failed: %s", error)
                return None

    def _probe(self) -> str | None:
        """ "" when the model survived a load in a child process (now or before), the reason
        in words when it did not, None when stopped (the app is closing)."""
        from desktop.engine.probe import ProbeCache, probe_model

        cache = ProbeCache(self._probe_cache) if self._probe_cache is not None else None
        result = probe_model(
            Path(self._path), 0, cache, should_cancel=self._stopping.is_set, embedding=True
        )
        if result.ok:
            return ""
        if result.cancelled:
            return None
        translate = QCoreApplication.translate
        if result.crashed:
            return translate(
                "SharedEmbedder",
                "it crashed llama.cpp when it was tried in a separate process ({detail}), so it "
                "was not loaded; search uses words only",
            ).format(detail=result.signal)
        return translate(
            "SharedEmbedder",
            "it did not load when it was tried in a separate process ({detail}); search uses "
            "words only",
        ).format(detail=result.message)

    def interrupt(self) -> None:
        """Stops a probe under way (any thread, no lock): the app is closing."""
        self._stopping.set()

    def close(self) -> None:
        self.interrupt()
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._model is not None:
            self._model.close()
            self._model = None


class IndexWorker(QObject):
    """Owns the writing connection to ``documents.db``. Move it to its QThread and call the
    ``on_*`` slots through queued signals; ``pause``, ``resume`` and ``cancel_up_to`` are safe
    to call from any thread.

    Signals:
        collections_changed(tuple[CollectionInfo, ...]): after any change to the collections
            (created, renamed, deleted, an update finished or stopped), and when asked.
        files_listed(int, tuple[IndexedFile, ...]): a collection's files, unreadable ones with
            their reason, after each of its updates (the search worker lists them when asked).
        index_started(IndexJob): an update began.
        index_progress(int, IndexProgress): job id and the file about to be read.
        index_finished(int, UpdateReport): job id; ``report.cancelled`` says if it stopped.
        index_failed(int, str): job id (0 for other commands) and a sentence for the log;
            the collection is unknown (deleted meanwhile) or the disk failed.
        paused_changed(bool): the update now waits (True) or goes on (False).
        embedding_progress(int, int, int): job id, passages with a vector, all passages; sent
            after each batch while an embedding model is set.
        embedding_failed(str): the embedding model cannot be used; why.
    """

    collections_changed = Signal(object)
    files_listed = Signal(int, object)
    index_started = Signal(object)
    index_progress = Signal(int, object)
    index_finished = Signal(int, object)
    index_failed = Signal(int, str)
    paused_changed = Signal(bool)
    embedding_progress = Signal(int, int, int)
    embedding_failed = Signal(str)

    def __init__(
        self,
        db_path: Path,
        extractor: Extractor | None = None,
        parent: QObject | None = None,
        embedder: SharedEmbedder | None = None,
    ) -> None:
        super().__init__(parent)
        self._db_path = Path(db_path)
        self._extractor: Extractor | None = extractor  # the file readers, made on first use
        self.embedder = embedder or SharedEmbedder()
        self._index: DocumentIndex | None = None
        self._running = threading.Event()  # set: go on; clear: paused
        self._running.set()
        self._cancel_up_to = 0
        self._current_job = 0
        self._current_collection = 0
        self._deleted: set[int] = set()  # collections whose updates stop (deleted meanwhile)

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

    def cancel_collection(self, collection_id: int) -> None:
        """Stops the running update and skips queued ones of this collection only (it is
        being deleted); other collections' updates go on. A pause is released meanwhile."""
        self._deleted.add(collection_id)
        if self._current_collection == collection_id and not self._running.is_set():
            self._running.set()
            self.paused_changed.emit(False)

    # -- helpers on the worker thread --

    def index(self) -> DocumentIndex:
        """This thread's connection, opened on first use."""
        if self._index is None:
            from desktop.documents.index import DocumentIndex

            self._index = DocumentIndex.open(self._db_path)
        return self._index

    @property
    def extractor(self) -> Extractor:
        if self._extractor is None:
            from desktop.documents.extract import FileExtractor

            self._extractor = FileExtractor()
        return self._extractor

    def _should_stop(self) -> bool:
        # Pausing blocks here, between two files; waking every 0.2 s notices a cancel.
        while not self._running.wait(0.2):
            if self._cancelled():
                return True
        return self._cancelled()

    def _cancelled(self) -> bool:
        return self._current_job <= self._cancel_up_to or self._current_collection in self._deleted

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

    def _change(self, change: Callable[[DocumentIndex], object], shown: int | None = None) -> None:
        """Makes one change to the index, then announces the collections (and the files of
        `shown`); a failure is reported, not raised (it would end the thread)."""
        try:
            change(self.index())
        except Exception as error:
            self.index_failed.emit(0, str(error))
            return
        self._announce(shown)

    @Slot(int, object)
    def on_sources_added(self, collection_id: int, sources: Sequence[str]) -> None:
        self._change(lambda index: index.add_sources(collection_id, sources), collection_id)

    @Slot(int, str)
    def on_source_removed(self, collection_id: int, source: str) -> None:
        self._change(lambda index: index.remove_source(collection_id, source), collection_id)

    @Slot(int, str)
    def on_rename_requested(self, collection_id: int, name: str) -> None:
        self._change(lambda index: index.rename_collection(collection_id, name))

    @Slot(int)
    def on_delete_requested(self, collection_id: int) -> None:
        self._change(lambda index: index.delete_collection(collection_id))

    @Slot(str)
    def on_embedding_model_set(self, path: str) -> None:
        """Uses this GGUF for meaning search from now on ("" turns it off). Runs here, not on
        the GUI thread, because it waits for an embedding batch in progress."""
        self.embedder.set_path(path)

    @Slot(object)
    def on_update_requested(self, job: IndexJob) -> None:
        """Brings one collection in line with its folders and files (only changed files are
        read again)."""
        from desktop.documents.index import CollectionError

        if job.job_id <= self._cancel_up_to or job.collection_id in self._deleted:
            return  # cancelled before it started
        self._current_job = job.job_id
        self._current_collection = job.collection_id
        self.index_started.emit(job)
        try:
            report: UpdateReport = self.index().update(
                job.collection_id,
                self.extractor,
                progress=lambda p: self.index_progress.emit(job.job_id, p),
                should_stop=self._should_stop,
            )
        except CollectionError as error:
            self._current_job = self._current_collection = 0
            self.index_failed.emit(job.job_id, str(error))
            return
        except Exception as error:
            log.exception("indexing collection %s failed", job.collection_id)
            self._current_job = self._current_collection = 0
            self.index_failed.emit(job.job_id, str(error))
            return
        if not report.cancelled:
            try:
                self._embed(job)
            except Exception:  # meaning search is optional; words still work
                log.exception("embedding collection %s failed", job.collection_id)
        self._current_job = self._current_collection = 0
        self.index_finished.emit(job.job_id, report)
        self._announce(job.collection_id)

    def _embed(self, job: IndexJob) -> None:
        """Gives every passage of the collection a vector from the embedding model (if one is
        set), in batches, between which pause and cancel take effect."""
        model = self.embedder.model_id
        if not model:
            return
        index = self.index()
        while not self._should_stop():
            batch = index.passages_without_vectors(job.collection_id, model, EMBED_BATCH)
            if not batch:
                break
            vectors = self.embedder.embed([text for _, text in batch])
            if vectors is None:
                if self.embedder.problem:
                    self.embedding_failed.emit(self.embedder.problem)
                return
            index.store_vectors(model, list(zip((pid for pid, _ in batch), vectors, strict=True)))
            done, total = index.count_vectors(job.collection_id, model)
            self.embedding_progress.emit(job.job_id, done, total)

    def close(self) -> None:
        """Closes the connection; call on the worker thread or after it finished."""
        if self._index is not None:
            self._index.close()
            self._index = None


class RetrievalWorker(QObject):
    """Searches the collections for a question on its own thread, so a send never waits on
    SQLite (or on an indexing run).

    Also lists a collection's files for the window (``on_files_requested``): the index worker
    is busy for minutes while it indexes, and a list asked of it waited behind the whole run,
    leaving another collection's files on screen meanwhile.

    Signals:
        retrieval_finished(RetrievalResult): the best passages, possibly none.
        retrieval_failed(int, str): request id and a sentence for the log; the chat goes on
            without sources and says so.
        files_listed(int, tuple[IndexedFile, ...]): a collection's files, when asked.
        files_failed(str): listing them failed; why, for the log and the window.
    """

    retrieval_finished = Signal(object)
    retrieval_failed = Signal(int, str)
    files_listed = Signal(int, object)
    files_failed = Signal(str)

    def __init__(
        self,
        db_path: Path,
        parent: QObject | None = None,
        embedder: SharedEmbedder | None = None,
    ) -> None:
        super().__init__(parent)
        self._db_path = Path(db_path)
        self._index: DocumentIndex | None = None
        self.embedder = embedder or SharedEmbedder()

    def index(self) -> DocumentIndex:
        if self._index is None:
            from desktop.documents.index import DocumentIndex

            self._index = DocumentIndex.open(self._db_path)
        return self._index

    @Slot(int)
    def on_files_requested(self, collection_id: int) -> None:
        try:
            self.files_listed.emit(collection_id, tuple(self.index().files(collection_id)))
        except Exception as error:
            log.exception("listing files failed")
            self.files_failed.emit(str(error))

    @Slot(int, object, str, int)
    def on_retrieval_requested(
        self, request_id: int, collection_ids: Sequence[int], question: str, limit: int
    ) -> None:
        self.on_followup_retrieval_requested(request_id, collection_ids, question, limit, "")

    @Slot(int, object, str, int, str)
    def on_followup_retrieval_requested(
        self,
        request_id: int,
        collection_ids: Sequence[int],
        question: str,
        limit: int,
        context: str,
    ) -> None:
        """``context``: the user's previous question. A follow-up ("tell me more") may have no
        words of its own to search with; then it is searched together with the previous one.
        A question with words of its own that finds nothing stays unanswered: borrowing the
        previous topic would cite passages about something else."""
        from desktop.documents.search import has_search_terms

        try:
            index = self.index()
            hits = self._search(index, collection_ids, question, limit)
            if not hits and context.strip() and not has_search_terms(question):
                hits = self._search(index, collection_ids, f"{context}\n{question}", limit)
            names = {c.id: c.name for c in index.collections() if c.id in set(collection_ids)}
        except Exception as error:
            log.exception("retrieval failed")
            self.retrieval_failed.emit(request_id, str(error))
            return
        self.retrieval_finished.emit(RetrievalResult(request_id, tuple(hits), names))

    def _search(
        self, index: DocumentIndex, collection_ids: Sequence[int], query: str, limit: int
    ) -> list[PassageHit]:
        model = self.embedder.model_id
        vector = self.embedder.embed([query]) if model else None
        return index.search(
            collection_ids,
            query,
            limit,
            query_vector=None if vector is None else vector[0],
            vector_model=model,
        )

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None

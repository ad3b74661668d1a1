"""ModelLoader: the chat session's part that loads and unloads the model on the worker.

Each load is tagged with a fresh request id (from the session's one sequence, so a load also
tells the worker that drafts prepared before it are stale); progress and answers about a load
that was superseded or cancelled are dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from PySide6.QtCore import QObject, Signal, Slot

from desktop.chat.protocol import LoadFailure, ModelInfo
from desktop.chat.qt.inference_worker import InferenceWorker
from desktop.engine.llama import LoadOptions

__all__ = ["ModelLoader"]


class ModelLoader(QObject):
    """The loaded model and the load in flight.

    Signals:
        load_requested(int, str, LoadOptions): to the worker (queued).
        unload_requested(): to the worker (queued).
        loading_changed(bool): a load started or ended.
        load_progress(float): 0–1 for the current load.
        model_changed(object): the new ModelInfo, or None when no model is loaded.
        load_failed(LoadFailure): the current load failed; the earlier model (if any) stays.
    """

    load_requested = Signal(int, str, object)
    unload_requested = Signal()
    loading_changed = Signal(bool)
    load_progress = Signal(float)
    model_changed = Signal(object)
    load_failed = Signal(object)

    def __init__(
        self,
        worker: InferenceWorker,
        ids: Iterator[int],
        on_loaded: Callable[[], None],
        parent: QObject | None = None,
    ) -> None:
        """``ids``: the session's request ids; ``on_loaded`` runs when a model is loaded, before
        anyone hears of it (what the old model's window left out says nothing about the new)."""
        super().__init__(parent)
        self._worker = worker
        self._ids = ids
        self._on_loaded = on_loaded
        self.model_info: ModelInfo | None = None
        self.load_id: int | None = None
        """The load in flight, or None."""
        self.load_requested.connect(worker.on_load_requested)
        self.unload_requested.connect(worker.on_unload_requested)
        worker.load_progress.connect(self.on_worker_load_progress)
        worker.load_finished.connect(self.on_worker_load_finished)
        worker.load_failed.connect(self.on_worker_load_failed)
        worker.model_unloaded.connect(self.on_worker_model_unloaded)

    def load(self, path: str, options: LoadOptions) -> None:
        """Loads ``path`` (the starter model when empty); a load in flight is superseded."""
        self.cancel()
        self.load_id = next(self._ids)
        self._worker.drop_drafts_before(self.load_id)
        self.loading_changed.emit(True)
        self.load_progress.emit(0.0)
        self.load_requested.emit(self.load_id, path, options)

    def cancel(self) -> None:
        if self.load_id is not None:
            self._worker.cancel_load(self.load_id)

    @Slot(int, float)
    def on_worker_load_progress(self, request_id: int, fraction: float) -> None:
        if request_id == self.load_id:
            self.load_progress.emit(fraction)

    @Slot(int, object)
    def on_worker_load_finished(self, request_id: int, info: ModelInfo) -> None:
        if request_id != self.load_id:
            return
        self.load_id = None
        self.model_info = info
        self._on_loaded()
        self.loading_changed.emit(False)
        self.model_changed.emit(info)

    @Slot(int, object)
    def on_worker_load_failed(self, request_id: int, failure: LoadFailure) -> None:
        if request_id != self.load_id:
            return
        self.load_id = None
        self.loading_changed.emit(False)
        self.load_failed.emit(failure)

    @Slot()
    def on_worker_model_unloaded(self) -> None:
        self.model_info = None
        self.model_changed.emit(None)

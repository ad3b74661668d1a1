"""InferenceWorker: the Qt adapter of a chat backend, on its own QThread.

The GUI thread never waits on it. Commands arrive as queued signals (their slots run here);
results leave as signals carrying immutable values. The only calls the GUI makes directly are
`cancel_load`, `cancel_reply`, `drop_drafts_before` and `drop_counts_before`, which just store a
request id (atomic under the GIL) that the backend's loops check between chunks and tokens.

The work itself is the backend's (desktop/chat/protocol.py's ChatBackend): by default a
LocalEngine (llama.cpp in process); `set_backend` gives it another one (the tests' scripted
engine, a remote server). The backend lives on an `EngineHost` this worker owns (`host`), which
other clients (the local API server) share: every engine call is a job there with
Priority.WINDOW, and this worker's thread waits for its future, or reads its reply ticket, and
turns what comes back into the signals below, as it did when it called the backend itself.
"""

from __future__ import annotations

import contextlib
import queue
import weakref
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QObject, Signal, Slot

from desktop.chat.engine_host import EngineHost, HostClosedError, Priority
from desktop.chat.kv_states import KvStateCache
from desktop.chat.local_engine import LocalEngine
from desktop.chat.prompt import PromptPlan
from desktop.chat.protocol import (
    ChatBackend,
    CountRequest,
    Failed,
    Finished,
    GenerationRequest,
    LoadFailure,
    LoadsModels,
    ModelInfo,
    ReplyEvent,
    ReplyStarted,
    SummaryMade,
    SummaryStarted,
    TextDelta,
    ThinkingDelta,
    ThinkingFinished,
)
from desktop.engine.llama import BackendInfo, LoadedModel, LoadOptions

T = TypeVar("T")

WINDOW_CLIENT = "window"
"""The EngineHost client name of the window's work."""

CLOSE_TIMEOUT_S = 5.0
"""How long `close` waits for the engine host's running job before giving up on it."""


class InferenceWorker(QObject):
    """Loads one model at a time and streams replies from it, through its backend.

    Signals:
        load_progress(int request_id, float fraction): 0–1 while assembling or loading.
        load_finished(int request_id, ModelInfo info): the model is ready; any earlier one is
            gone.
        load_failed(int request_id, LoadFailure failure): nothing changed; an earlier model
            stays loaded and usable.
        model_unloaded(): the model was freed.
        reply_started(int request_id, PromptInfo info): the prompt is planned and evaluating.
        reply_delta(int request_id, str text): new answer text since the last delta, at most
            about 30 a second; reasoning markers and thinking are never part of it.
        reply_thinking_delta(int request_id, str text): new thinking text, likewise coalesced;
            all of it arrives before the answer's first delta.
        reply_thinking_finished(int request_id, float seconds): the thinking ended (the answer
            starts, or the reply ended while thinking) after `seconds` of generating.
        reply_finished(int request_id, ReplyStats stats): the reply is complete (or stopped);
            all its text has been sent as deltas.
        reply_failed(int request_id, ReplyFailure failure): no reply could be made.
        summary_started(int request_id): the window overflowed and the model is summarizing
            the turns that fall out before it replies.
        summary_made(int request_id, SummaryMade summary): the new running summary, sent
            before reply_started of the same request.
        context_counted(int request_id, ContextCount count): the answer to a CountRequest;
            requests overtaken by a newer one (`drop_counts_before`) get no answer.
        backend_found(BackendInfo info): answers on_backend_requested.
    """

    backend_found = Signal(object)
    load_progress = Signal(int, float)
    load_finished = Signal(int, object)
    load_failed = Signal(int, object)
    model_unloaded = Signal()
    reply_started = Signal(int, object)
    reply_delta = Signal(int, str)
    reply_thinking_delta = Signal(int, str)
    reply_thinking_finished = Signal(int, float)
    reply_finished = Signal(int, object)
    reply_failed = Signal(int, object)
    summary_started = Signal(int)
    summary_made = Signal(int, object)
    context_counted = Signal(int, object)

    def __init__(
        self,
        models_dir: Path,
        probe_cache: Path | None = None,
        parent: QObject | None = None,
        check_cache: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.engine = LocalEngine(models_dir, probe_cache, check_cache)
        """llama.cpp in process; it names the machine's backend even when replies go
        elsewhere."""
        self._backend: ChatBackend = self.engine
        self.host = EngineHost(self.engine, name="hearthside-engine", below_window=True)
        """Runs the backend on its own thread for this worker and any other client (the API
        server); started here, closed by `close`."""
        self.host.start()
        # A worker dropped without `close` (a test) must not keep the host's thread, and with
        # it the model, alive.
        weakref.finalize(self, self.host.close, 0)
        self._cancel_load_up_to = -1
        self._cancel_reply_up_to = -1
        self._counts_before = -1
        self._drafts_before = -1

    def set_backend(self, backend: ChatBackend) -> None:
        """Replies, counts and drafts (and loads, where it LoadsModels) go to `backend` from
        now on, the window's and the host's other clients' alike: the host swaps it between
        jobs, after whatever was queued before."""
        self._backend = backend
        self.host.set_backend(backend)

    @property
    def backend(self) -> ChatBackend:
        return self._backend

    def close(self, timeout: float = CLOSE_TIMEOUT_S) -> bool:
        """Frees the model and stops the engine host, waiting at most about `timeout` s in all
        (the app's quit, after this worker's thread has ended); False when the host's running
        job did not end in time (the model is then left to the process's exit)."""
        if not self.host.closed:
            with contextlib.suppress(TimeoutError, HostClosedError):
                self.host.submit(self._unload, client=WINDOW_CLIENT).result(timeout)
        return self.host.close(timeout)

    def _run(self, job: Callable[[ChatBackend], T], between_steps: bool = False) -> T:
        """Runs `job` on the engine host in the window's turn and waits for its result; after
        the host was closed, here (its thread has ended, so nothing else uses the backend).
        `between_steps`: see EngineHost.submit."""
        if self.host.closed and not self.host.running:
            return job(self.host.backend)
        return self.host.submit(job, Priority.WINDOW, WINDOW_CLIENT, between_steps).result()

    # Called directly from the GUI thread ---------------------------------------------------

    def cancel_load(self, request_id: int) -> None:
        self._cancel_load_up_to = max(self._cancel_load_up_to, request_id)

    def cancel_reply(self, request_id: int) -> None:
        self._cancel_reply_up_to = max(self._cancel_reply_up_to, request_id)

    def drop_drafts_before(self, request_id: int) -> None:
        """Drafts older than this are not prepared, or stop being prepared (a chunk at most
        later): a newer draft, a reply or a load wants the model."""
        self._drafts_before = max(self._drafts_before, request_id)

    def drop_counts_before(self, request_id: int) -> None:
        """Count requests older than this are skipped when their turn comes (typing fast)."""
        self._counts_before = max(self._counts_before, request_id)

    # For tests and benchmarks, read on the worker thread or after it is idle ---------------

    @property
    def model(self) -> LoadedModel | None:
        return self.engine.model

    @property
    def last_plan(self) -> PromptPlan | None:
        """The plan of the latest local reply (what reached the model)."""
        return self.engine.last_plan

    @property
    def kv_states(self) -> KvStateCache:
        return self.engine.kv_states

    @property
    def prepared_tokens(self) -> int:
        return self.engine.prepared_tokens

    @property
    def tokenized_segments(self) -> int:
        return self.engine.tokenized_segments

    # Loading ---------------------------------------------------------------------------------

    @Slot()
    def on_backend_requested(self) -> None:
        """Names llama.cpp's backend, here rather than on the GUI thread: it imports llama_cpp
        (~0.3 s), which the window should not wait for before its first frame."""
        engine = self.engine

        def name(_: ChatBackend) -> BackendInfo:
            return engine.backend_info()

        self.backend_found.emit(self._run(name))

    def _loader(self, backend: ChatBackend) -> LoadsModels:
        return backend if isinstance(backend, LoadsModels) else self.engine

    @Slot(int, str, object)
    def on_load_requested(self, request_id: int, path: str, options: LoadOptions) -> None:
        """Loads `path` (or the starter model when `path` is empty)."""
        # Progress is made on the host's thread and told from this one, as before the host.
        progress: queue.SimpleQueue[float | None] = queue.SimpleQueue()

        def load(backend: ChatBackend) -> ModelInfo | LoadFailure:
            try:
                return self._loader(backend).load(
                    path,
                    options,
                    progress.put,
                    lambda: request_id <= self._cancel_load_up_to,
                )
            finally:
                progress.put(None)

        if self.host.closed and not self.host.running:
            result = load(self.host.backend)
        else:
            future = self.host.submit(load, Priority.WINDOW, WINDOW_CLIENT)
            future.add_done_callback(lambda _: progress.put(None))  # also when never run
            while (fraction := progress.get()) is not None:
                self.load_progress.emit(request_id, fraction)
            result = future.result()
        if isinstance(result, LoadFailure):
            self.load_failed.emit(request_id, result)
        else:
            self.load_finished.emit(request_id, result)

    def _unload(self, backend: ChatBackend) -> bool:
        return self._loader(backend).unload()

    @Slot()
    def on_unload_requested(self) -> None:
        if self._run(self._unload):
            self.model_unloaded.emit()

    # Replies, drafts, counts -----------------------------------------------------------------

    @Slot(object)
    def on_generate_requested(self, request: GenerationRequest) -> None:
        request_id = request.request_id

        def cancelled() -> bool:
            return request_id <= self._cancel_reply_up_to

        if self.host.closed and not self.host.running:
            self.relay(request_id, self.host.backend.reply(request, cancelled))
            return
        self.relay(request_id, self.host.stream(request, cancelled, Priority.WINDOW, WINDOW_CLIENT))

    def relay(self, request_id: int, events: Iterable[ReplyEvent]) -> None:
        """Emits each reply event as this worker's signal of the same meaning (per delta,
        about 30 a second: never per token)."""
        for event in events:
            match event:
                case TextDelta(text):
                    self.reply_delta.emit(request_id, text)
                case ThinkingDelta(text):
                    self.reply_thinking_delta.emit(request_id, text)
                case ThinkingFinished(seconds):
                    self.reply_thinking_finished.emit(request_id, seconds)
                case ReplyStarted(info):
                    self.reply_started.emit(request_id, info)
                case Finished(stats):
                    self.reply_finished.emit(request_id, stats)
                case Failed(failure):
                    self.reply_failed.emit(request_id, failure)
                case SummaryStarted():
                    self.summary_started.emit(request_id)
                case SummaryMade():
                    self.summary_made.emit(request_id, event)

    @Slot(object, bool)
    def on_prepare_requested(self, request: GenerationRequest, whole: bool) -> None:
        """Lets the backend get ready for the draft being typed (see ChatBackend.prepare);
        abandoned when a newer request comes (`drop_drafts_before`)."""
        request_id = request.request_id
        if request_id < self._drafts_before:
            return

        def prepare(backend: ChatBackend) -> None:
            backend.prepare(request, whole, lambda: request_id < self._drafts_before)

        self._run(prepare)

    @Slot(object)
    def on_count_requested(self, request: CountRequest) -> None:
        """Counts for the context meter; skipped when a newer count was asked for meanwhile."""
        if request.request_id < self._counts_before:
            return
        # Counting reads the model, never its cache: it may run between batch steps.
        count = self._run(lambda backend: backend.count(request), between_steps=True)
        if count is not None:
            self.context_counted.emit(request.request_id, count)

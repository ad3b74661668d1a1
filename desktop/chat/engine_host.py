"""EngineHost: one chat backend, many clients (the window, the API server), one thread.

Plain Python, no Qt. A backend (`ChatBackend`) is used one call at a time on one thread: a llama.cpp
context cannot be shared. The window was its only client; the local API server is a second one,
and a headless `hearthside serve` has no window at all. The host owns the backend on a thread of
its own and runs every client's work there, in a fair order:

- every job has a `Priority`; the window's come before any API request's, so a person typing is
  never queued behind a script;
- within a priority, clients take turns: a client's n-th waiting job goes before any client's
  (n+1)-th, so one busy client cannot starve the others.

Clients submit from any thread and never touch the backend themselves: `submit` runs a callable
with the backend and gives a `Future`; `stream` runs `backend.reply` and hands its events over
one by one through a `ReplyTicket`, which the client iterates on its own thread and may `cancel`.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import queue
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from enum import IntEnum
from typing import TypeVar

from desktop.chat.protocol import (
    ChatBackend,
    Failed,
    Finished,
    GenerationRequest,
    RepliesTogether,
    ReplyEvent,
    ReplyFailure,
    ReplyProblem,
    TogetherReply,
)
from desktop.core.thread_priority import give_way_to_the_window

log = logging.getLogger(__name__)

T = TypeVar("T")


class Priority(IntEnum):
    """Who waits for whom: lower runs first."""

    WINDOW = 0  # the person at the window
    API = 1  # other programs through the local API server


API_CONVERSATION_KEY = "api"
"""The conversation key API requests without one are replied under: their KV cache is saved
when the window takes the model over and restored when the next API request shares more of its
prefix, so a script neither destroys the window's cache nor loses its own (window conversations
are keyed by their numeric ids, never this)."""


class HostClosedError(RuntimeError):
    """The host was closed; the job never ran."""


@dataclass(order=True)
class QueuedJob:
    """A job in the host's queue, ordered by priority, then by its client's turn, then FIFO."""

    priority: int
    turn: int
    sequence: int
    client: str = field(compare=False)
    run: Callable[[ChatBackend], None] = field(compare=False)
    abandon: Callable[[BaseException], None] = field(compare=False)
    together: TogetherReply | None = field(default=None, compare=False)
    """A reply job as a backend that replies together (RepliesTogether) takes it."""
    between_steps: bool = field(default=False, compare=False)
    """It may also run between two steps of replies made together (see `submit`)."""


_END = object()


class ReplyTicket:
    """A reply being made on the host's thread, read from the client's thread.

    Iterating yields the reply's events as `ChatBackend.reply` makes them, blocking until each
    comes, and ends after Finished or Failed. `cancel()` may be called from any thread: the
    backend's loop sees it between tokens, as it sees the client's own `cancelled` callback.
    """

    def __init__(self, cancelled: Callable[[], bool]) -> None:
        self._events: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._client_cancelled = cancelled
        self._cancel = threading.Event()
        self.started = threading.Event()
        """Set when the host begins this reply (it waited in the queue until then)."""

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        """Whether the client asked to stop (by `cancel` or its own callback)."""
        return self._cancel.is_set() or self._client_cancelled()

    def put(self, event: object) -> None:
        """Hands an event over (the host's side)."""
        self._events.put(event)

    def close(self) -> None:
        """Ends the iteration (the host's side, after the last event)."""
        self._events.put(_END)

    def next_event(self, timeout: float | None = None) -> ReplyEvent | None:
        """The next event, or None when the reply is over; raises queue.Empty after `timeout`
        seconds without one (for a client that must also watch something else, such as an
        HTTP connection)."""
        event = self._events.get(timeout=timeout)
        if event is _END:
            self._events.put(_END)  # later calls see the end too
            return None
        return event  # type: ignore[return-value]

    def __iter__(self) -> Iterator[ReplyEvent]:
        while (event := self.next_event()) is not None:
            yield event


class EngineHost:
    """Owns a ChatBackend on a thread of its own and runs every client's work on it, in turn.

    Why one piece: the queue, the thread and the backend's lifetime must change together (a
    backend is swapped only between jobs, closing cancels what waits).
    """

    def __init__(
        self, backend: ChatBackend, name: str = "hearthside-engine", *, below_window: bool = False
    ) -> None:
        self._backend = backend
        self._name = name
        self.below_window = below_window
        """The host's thread runs below the window's (core/thread_priority.py): set by the
        window's worker; the headless server and the benchmarks keep normal priority."""
        self._queue: list[QueuedJob] = []
        self._turns: Counter[tuple[int, str]] = Counter()
        self._sequence = itertools.count()
        self._condition = threading.Condition()
        self._closed = False
        self._thread: threading.Thread | None = None
        self._running_client: str | None = None

    @property
    def backend(self) -> ChatBackend:
        """The backend jobs run with (read it on the host's thread, or for information)."""
        return self._backend

    @property
    def closed(self) -> bool:
        """Whether `close` was called (new work is refused)."""
        return self._closed

    @property
    def running(self) -> bool:
        """Whether the host's thread is alive (started, and not yet ended after `close`)."""
        thread = self._thread
        return thread is not None and thread.is_alive()

    @property
    def on_host_thread(self) -> bool:
        return threading.current_thread() is self._thread

    def start(self) -> None:
        """Starts the host's thread (once)."""
        with self._condition:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._serve, name=self._name, daemon=True)
            self._thread.start()

    def close(self, timeout: float = 5.0) -> bool:
        """Refuses new jobs, abandons waiting ones (their futures raise HostClosedError, their
        tickets end with Failed) and waits up to `timeout` s for the running one to end.
        Returns whether the thread ended; a running reply is not cancelled here (the client
        cancels its ticket), so a stuck backend cannot hang the caller longer than `timeout`."""
        with self._condition:
            self._closed = True
            waiting, self._queue = self._queue, []
            self._condition.notify_all()
        for job in waiting:
            job.abandon(HostClosedError("the engine host was closed"))
        thread = self._thread
        if thread is None or thread is threading.current_thread():
            return True
        thread.join(timeout)
        return not thread.is_alive()

    def pending(self) -> int:
        """Jobs waiting (not counting the one running)."""
        with self._condition:
            return len(self._queue)

    # Submitting ----------------------------------------------------------------------------

    def submit(
        self,
        job: Callable[[ChatBackend], T],
        priority: Priority = Priority.WINDOW,
        client: str = "window",
        between_steps: bool = False,
    ) -> Future[T]:
        """Runs `job(backend)` on the host's thread in its turn; its result or exception goes
        to the returned future. On the host's own thread it runs at once (a job that submits
        another would otherwise wait for itself).

        `between_steps`: the job leaves the model's state alone (it only reads, like counting a
        draft's tokens), so it may run between two steps of replies made together instead of
        waiting until they all end: the window's context meter keeps up while API clients
        stream."""
        future: Future[T] = Future()
        if self.on_host_thread:
            self._run_into(future, job, self._backend)
            return future

        def run(backend: ChatBackend) -> None:
            if future.set_running_or_notify_cancel():
                self._run_into(future, job, backend)

        def abandon(error: BaseException) -> None:
            if future.set_running_or_notify_cancel():
                future.set_exception(error)

        self._enqueue(priority, client, run, abandon, between_steps=between_steps)
        return future

    def stream(
        self,
        request: GenerationRequest,
        cancelled: Callable[[], bool] = lambda: False,
        priority: Priority = Priority.WINDOW,
        client: str = "window",
    ) -> ReplyTicket:
        """Queues `backend.reply(request, ...)`; the ticket yields its events as they come.
        A ticket cancelled while it waits still runs: the backend ends it at its first check.
        An API request without a conversation key gets API_CONVERSATION_KEY."""
        ticket = ReplyTicket(cancelled)
        if priority != Priority.WINDOW and request.conversation_key is None:
            request = replace(request, conversation_key=API_CONVERSATION_KEY)

        def run(backend: ChatBackend) -> None:
            ticket.started.set()
            try:
                # A ticket cancelled while it waited ends at the backend's first check, with
                # Finished(CANCELLED), as the client expects of a stop.
                ended = False
                for event in backend.reply(request, ticket.cancelled):
                    if ended:
                        continue  # nothing follows the end; the backend may still work on
                    ticket.put(event)
                    # The client hears the end at once; the iteration ends once the backend's
                    # work after it (a local engine opens the next turn) is done, so a client
                    # that waits for the end finds the engine idle, as a direct call did.
                    ended = isinstance(event, Finished | Failed)
            except Exception as error:  # the client must hear of it, not wait forever
                log.exception("A reply failed on the engine host")
                ticket.put(Failed(ReplyFailure(ReplyProblem.LLAMA_FAILED, str(error))))
            finally:
                ticket.close()

        def abandon(error: BaseException) -> None:
            ticket.put(Failed(ReplyFailure(ReplyProblem.NO_MODEL, str(error))))
            ticket.close()

        together = TogetherReply(
            request,
            ticket.cancelled,
            ticket.put,
            ticket.close,
            priority == Priority.WINDOW,
            ticket.started.set,
        )
        self._enqueue(priority, client, run, abandon, together)
        return ticket

    def set_backend(self, backend: ChatBackend) -> Future[None]:
        """Swaps the backend between jobs: work queued later runs with `backend`."""

        def swap(_: ChatBackend) -> None:
            self._backend = backend

        return self.submit(swap)

    # The host's thread ---------------------------------------------------------------------

    def _enqueue(
        self,
        priority: Priority,
        client: str,
        run: Callable[[ChatBackend], None],
        abandon: Callable[[BaseException], None],
        together: TogetherReply | None = None,
        between_steps: bool = False,
    ) -> None:
        with self._condition:
            if self._closed:
                closed = True
            else:
                closed = False
                key = (int(priority), client)
                turn = self._turns[key]
                self._turns[key] = turn + 1
                heapq.heappush(
                    self._queue,
                    QueuedJob(
                        int(priority),
                        turn,
                        next(self._sequence),
                        client,
                        run,
                        abandon,
                        together,
                        between_steps,
                    ),
                )
                self._condition.notify()
        if closed:
            abandon(HostClosedError("the engine host was closed"))

    def _next_job(self) -> QueuedJob | None:
        with self._condition:
            while not self._queue and not self._closed:
                self._condition.wait()
            if self._closed:
                return None
            job = heapq.heappop(self._queue)
            self._level_turns(job)
            return job

    def _level_turns(self, job: QueuedJob) -> None:
        """After `job` left the queue (the lock held): a client with nothing else waiting starts
        its turns again with the others' lowest, so a client that comes back later is not sent
        to the end of the line."""
        if not any(
            waiting.priority == job.priority and waiting.client == job.client
            for waiting in self._queue
        ):
            self._turns[(job.priority, job.client)] = min(
                (waiting.turn for waiting in self._queue if waiting.priority == job.priority),
                default=0,
            )

    def _take_replies(self, limit: int) -> list[TogetherReply]:
        """Up to `limit` waiting reply jobs, in their order, taken out of the queue (called
        between steps of replies made together, after the jobs that may run there)."""
        self._run_between_steps()
        taken: list[TogetherReply] = []
        with self._condition:
            if self._closed or limit <= 0:
                return taken
            replies = sorted(job for job in self._queue if job.together is not None)[:limit]
            if not replies:
                return taken
            chosen = {id(job) for job in replies}
            self._queue = [job for job in self._queue if id(job) not in chosen]
            heapq.heapify(self._queue)
            for job in replies:
                self._level_turns(job)
                assert job.together is not None
                taken.append(job.together)
        for entry in taken:
            entry.started()
        return taken

    def _run_between_steps(self) -> None:
        """Runs the waiting jobs that may run between two steps (`submit`'s between_steps)."""
        with self._condition:
            ready = sorted(job for job in self._queue if job.between_steps)
            if not ready:
                return
            chosen = {id(job) for job in ready}
            self._queue = [job for job in self._queue if id(job) not in chosen]
            heapq.heapify(self._queue)
            for job in ready:
                self._level_turns(job)
        for job in ready:
            try:
                job.run(self._backend)
            except Exception:
                log.exception("A job failed on the engine host")

    def _run_together(self, job: QueuedJob, backend: RepliesTogether) -> None:
        """Hands the reply job and every reply waiting with it to the backend at once; replies
        queued while they are made join them between steps."""
        assert job.together is not None
        job.together.started()
        first = [job.together, *self._take_replies(backend.parallel_replies() - 1)]
        backend.replies_together(first, self._take_replies)

    def _serve(self) -> None:
        if self.below_window:
            give_way_to_the_window()
        while (job := self._next_job()) is not None:
            self._running_client = job.client
            try:
                backend = self._backend
                if (
                    job.together is not None
                    and isinstance(backend, RepliesTogether)
                    and backend.parallel_replies() > 1
                    and (job.priority != Priority.WINDOW or self._replies_waiting())
                ):
                    self._run_together(job, backend)
                else:
                    job.run(backend)
            except Exception:
                log.exception("A job failed on the engine host")
            finally:
                self._running_client = None
                # Not kept while waiting for the next one: its closures hold the client's
                # objects (a Qt worker, which must die on its own thread's terms, not at exit).
                job = None

    def _replies_waiting(self) -> bool:
        with self._condition:
            return any(job.together is not None for job in self._queue)

    @staticmethod
    def _run_into(future: Future[T], job: Callable[[ChatBackend], T], backend: ChatBackend) -> None:
        try:
            future.set_result(job(backend))
        except BaseException as error:
            future.set_exception(error)

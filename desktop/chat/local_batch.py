"""LocalEngine's replies made together: several replies in one llama.cpp batch (RepliesTogether).

`BatchedReplies.run` takes the replies the EngineHost hands over, gives each a `Seat` (a slot
of the model's ParallelDecoder) and makes it with LocalEngine's own reply path
(`LocalEngine.reply_at`: the same prompt planning, token loop, stop strings and reasoning), so
a reply made in a batch is the reply made alone. The replies' event generators are pulled in
turn; pulling one steps the whole batch whenever its slot has no token waiting, so every
reply advances with every step. Replies arriving meanwhile (the window's, more API clients')
join between pulls, as slots free up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from desktop.chat.protocol import (
    Failed,
    Finished,
    ReplyEvent,
    ReplyFailure,
    ReplyProblem,
    TogetherReply,
)
from desktop.engine.llama import SamplingOptions
from desktop.engine.llama.batch import ParallelDecoder, Slot, SlotModel

if TYPE_CHECKING:
    from desktop.chat.local_engine import LocalEngine

log = logging.getLogger(__name__)

JOIN_ROOM = 256
"""A reply joins replies under way only while this many of the context's cells are free (or a
quarter of a small context): the cache is one pool for every sequence, and when it is full
the longest API reply ends as at a full context."""


class SeatUnavailableError(Exception):
    """No room in the cache for this reply beside the ones under way: it waits for one to end
    (raised before the reply said anything)."""


class Seat:
    """One reply's place in the batch: the slot it decodes in, and what happens at its end."""

    def __init__(self, decoder: ParallelDecoder, window: bool) -> None:
        self._decoder = decoder
        self.window = window
        self.slot: Slot | None = None

    def open(
        self, prompt: Sequence[int], sampling: SamplingOptions, cancelled: Callable[[], bool]
    ) -> SlotModel | None:
        """The model view TokenStream decodes the reply with, in a slot of its own, already
        reading the prompt with the batch's next step (not only once the reply is pulled)."""
        slot = self._decoder.open(prompt, min(JOIN_ROOM, max(1, sampling.max_tokens)))
        if slot is None:
            return None
        self.slot = slot
        slot.protected = self.window  # the window's reply is the last to give up room
        self._decoder.start(slot, prompt, sampling, cancelled)
        return SlotModel(self._decoder.model, self._decoder, slot)

    def finish(self) -> None:
        """Frees the slot: a window's cache becomes the main sequence (its conversation goes
        on there), an API reply's is kept for a next request that starts like it."""
        slot, self.slot = self.slot, None
        if slot is None:
            return
        if self.window:
            self._decoder.model.adopt(slot.seq_id, slot.tokens)
        self._decoder.release(slot, keep=not self.window)


class Live:
    """A reply under way: its entry, its events, its seat."""

    def __init__(self, entry: TogetherReply, events: Iterator[ReplyEvent], seat: Seat) -> None:
        self.entry = entry
        self.events = events
        self.seat = seat
        self.ended = False

    def end(self, event: ReplyEvent | None = None) -> None:
        if self.ended:
            return
        self.ended = True
        if event is not None:
            self.entry.emit(event)
        self.entry.end()


class BatchedReplies:
    """Runs replies together for a LocalEngine; the decoder lives as long as the model."""

    def __init__(self, engine: LocalEngine) -> None:
        self._engine = engine
        self._decoder: ParallelDecoder | None = None
        self._retry: list[TogetherReply] = []
        self._pulling: list[Live] = []
        """Replies whose events are being pulled (nested when a cancelled one is ended while
        another steps the batch)."""

    def close(self) -> None:
        """The model goes: its decoder goes with it."""
        decoder, self._decoder = self._decoder, None
        if decoder is not None:
            decoder.close()

    def make_room(self, cells: int) -> None:
        """Before the main sequence grows by up to `cells` (a reply or draft alone)."""
        if self._decoder is not None:
            self._decoder.make_room(cells)

    def decoder(self) -> ParallelDecoder | None:
        model = self._engine.model
        if model is None:
            return None
        if self._decoder is None or self._decoder.model is not model:
            self.close()
            self._decoder = ParallelDecoder(model)
        return self._decoder

    def run(
        self, first: Sequence[TogetherReply], more: Callable[[int], Sequence[TogetherReply]]
    ) -> None:
        decoder = self.decoder()
        waiting = list(first)
        live: list[Live] = []
        self._retry = []
        if decoder is not None:
            decoder.on_stop = lambda: self._finish_done(live)
        try:
            while True:
                if decoder is not None:
                    free = decoder.free_slots() - len(waiting)
                    if free > 0:
                        waiting.extend(more(free))
                    while (
                        waiting
                        and decoder.free_slots() > 0
                        and (not live or decoder.room() >= min(JOIN_ROOM, decoder.model.n_ctx // 4))
                    ):
                        live.append(self._start(decoder, waiting.pop(0)))
                else:  # no model: every reply says so at once
                    waiting.extend(more(1))
                    for entry in waiting:
                        for event in self._engine.reply(entry.request, entry.cancelled):
                            entry.emit(event)
                        entry.end()
                    waiting.clear()
                if not live:
                    if not waiting:
                        return
                    continue
                for reply in list(live):
                    if not reply.ended:
                        self._pull(reply)
                        self._finish_done(live)
                live[:] = [reply for reply in live if not reply.ended]
                if self._retry:
                    # Waiting for room: they start again once a reply under way has ended.
                    waiting[:0] = self._retry
                    self._retry = []
                    if live:
                        self._wait_for_an_end(live)
        finally:
            for reply in live:
                reply.events.close()
                reply.end(Failed(ReplyFailure(ReplyProblem.LLAMA_FAILED, "The batch ended.")))
            for entry in waiting:
                entry.emit(Failed(ReplyFailure(ReplyProblem.LLAMA_FAILED, "The batch ended.")))
                entry.end()

    def _start(self, decoder: ParallelDecoder, entry: TogetherReply) -> Live:
        seat = Seat(decoder, entry.window)
        events = self._engine.reply_at(entry.request, entry.cancelled, seat)
        return Live(entry, events, seat)

    def _wait_for_an_end(self, live: list[Live]) -> None:
        count = len(live)
        while len(live) == count:
            for reply in live:
                if not reply.ended:
                    self._pull(reply)
                    self._finish_done(live)
            live[:] = [reply for reply in live if not reply.ended]

    def _finish_done(self, live: list[Live]) -> None:
        """Ends at once every reply whose slot has stopped (cancelled, at its end): a client that
        cancels is told within a step, not after every other reply's next delta."""
        for reply in list(live):
            slot = reply.seat.slot
            while not reply.ended and reply not in self._pulling and (slot is None or slot.done):
                self._pull(reply)
                slot = reply.seat.slot

    def _pull(self, reply: Live) -> None:
        """Takes the reply's next event (stepping the batch as its slot needs)."""
        if reply in self._pulling:
            return  # it is the one stepping the batch right now
        self._pulling.append(reply)
        try:
            self._next(reply)
        finally:
            self._pulling.remove(reply)

    def _next(self, reply: Live) -> None:
        try:
            event = next(reply.events)
        except StopIteration:
            reply.end()
            return
        except SeatUnavailableError:
            reply.ended = True  # not the client's end: it waits for room, from the start
            self._retry.append(reply.entry)
            return
        except Exception as error:  # one reply's failure is not the others'
            log.exception("A reply in a batch failed")
            reply.seat.finish()
            reply.end(Failed(ReplyFailure(ReplyProblem.LLAMA_FAILED, str(error))))
            return
        if reply.ended:
            return
        reply.entry.emit(event)
        if isinstance(event, Finished | Failed):
            # Its end is told now; the work after it (the window's next turn) runs at once.
            self._drain(reply)

    def _drain(self, reply: Live) -> None:
        for event in reply.events:
            if not reply.ended:
                reply.entry.emit(event)
        reply.end()

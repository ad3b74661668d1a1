"""Several replies decoded together: llama.cpp's multi-sequence KV cache, one batch per step.

As llama-server's parallel slots do, every reply in progress has a sequence of its own in the
context's (unified) KV cache, sequences 1..PARALLEL_SEQUENCES; sequence 0 stays the main one
(single replies, prepared drafts, saved states: LoadedModel). Each step puts the next token of
every generating sequence, and a chunk of every prompt still being read, into one llama_decode,
then samples each sequence from its own row of logits: a greedy reply by numpy's argmax over
the row (row_sampling.py: llama.cpp's sampler copies all 262k logits of Gemma 3 first, ~0.4 ms
a token), a sampled one with its own llama.cpp sampler chain. A 270M model is bound by its
vocabulary's logit rows, not by the weights, so eight sequences cost far less than eight steps
(x1.6-1.7 for the decode alone at one thread with flash attention; see docs/performance.md).

Runs on the engine's thread, like LoadedModel; nothing here is thread-safe.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from desktop.engine.llama import (
    PARALLEL_SEQUENCES,
    GenerationError,
    LoadedModel,
    SamplingOptions,
    sampler_chain,
)
from desktop.engine.llama.row_sampling import GreedyRow, LogitRows, greedy_by_argmax

if TYPE_CHECKING:
    import llama_cpp.llama_cpp as llama_low

PROMPT_CHUNK = 64
"""Prompt tokens a sequence reads per step: a long prompt joins without stalling the others'
tokens for more than a chunk's time."""
PROMPT_BUDGET = 128
"""Prompt tokens all sequences read together per step, as a single reply's prompt is read in
chunks of 128: a step stays short, so a cancel is heard soon even while prompts are read."""


def shared_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


class Slot:
    """One reply's sequence: what its KV cache holds, what it still has to read, and the
    tokens sampled for it that its reader has not taken yet."""

    def __init__(self, seq_id: int) -> None:
        self.seq_id = seq_id
        self.tokens: list[int] = []
        """The tokens the sequence's cache holds (read), in order from position 0."""
        self.pending: list[int] = []
        """Tokens to read next: the rest of a prompt, or the last sampled token."""
        self.out: deque[int] = deque()
        self.prompt: Sequence[int] | None = None
        """The prompt the slot was started with (generate goes on with it)."""
        self.generating = False
        self.done = True
        self.error = ""
        self.protected = False
        """Ended for room only when no other reply is left to end (the window's)."""
        self.full = False
        """Ended because the shared cache had no room left (a full context, to its reader)."""
        self.sampler: Any = None
        """llama.cpp's sampler chain, for a sampled (or grammar-bound) reply."""
        self.greedy: GreedyRow | None = None
        """The choice of a greedy reply instead (row_sampling.py: numpy over the row)."""
        self.should_stop: Callable[[], bool] = lambda: False
        self.stop_tokens: frozenset[int] = frozenset()
        """Ids that end the reply as end of generation does (SamplingOptions.stop_tokens)."""
        self.limit = 0
        self.produced = 0
        self.last_prompt_evaluated = 0


class ParallelDecoder:
    """Decodes the replies of several slots together; one per loaded model.

    `open` gives a slot (its prompt's start copied from the main sequence or from the last
    finished slot kept for it, when they hold it), `generate` streams a slot's tokens (stepping
    the whole batch whenever the slot has none waiting), `release` frees it.
    """

    def __init__(self, model: LoadedModel) -> None:
        import llama_cpp.llama_cpp as low

        self._low: Any = low
        self._model = model
        llm = model.llama
        self._llm = llm
        self._ctx = llm._ctx.ctx
        self._memory = low.llama_get_memory(self._ctx)
        self._vocab = llm._model.vocab
        self._rows = LogitRows(low, self._ctx, llm.n_vocab())
        self._capacity = max(llm.n_batch, PARALLEL_SEQUENCES)
        self._batch: llama_low.llama_batch = low.llama_batch_init(self._capacity, 0, 1)
        self._free = list(range(PARALLEL_SEQUENCES, 0, -1))
        self._active: list[Slot] = []
        """The slots generating (stepped)."""
        self._opened: list[Slot] = []
        """Every slot given out and not released: their caches take cells."""
        self.on_stop: Callable[[], None] = lambda: None
        """Called after a step in which a reply was cancelled, so that its reader can end it
        at once (the batch is being stepped for another reply's reader meanwhile)."""
        self._kept: Slot | None = None
        """A finished slot whose cache is kept for the next request that starts like it (an
        API client's follow-up); given up when a slot is needed."""

    @property
    def model(self) -> LoadedModel:
        return self._model

    def close(self) -> None:
        batch, self._batch = self._batch, None
        if batch is not None:
            self._low.llama_batch_free(batch)

    # Slots -----------------------------------------------------------------------------

    def make_room(self, cells: int) -> None:
        """Gives up the kept slot's cache when fewer than `cells` are free: the main sequence
        (the window's reply or draft) must not find the shared cache full."""
        kept = self._kept
        if kept is not None and self.room() < cells:
            self._kept = None
            self._rm(kept.seq_id, 0)
            self._free.append(kept.seq_id)

    def free_slots(self) -> int:
        return len(self._free) + (1 if self._kept is not None else 0)

    def room(self) -> int:
        """KV cells not used by any sequence (the cache is one pool of n_ctx cells)."""
        used = self._model.cached_tokens + sum(len(s.tokens) + len(s.pending) for s in self._active)
        if self._kept is not None:
            used += len(self._kept.tokens)
        return self._model.n_ctx - used

    def open(self, prompt: Sequence[int], room: int = 0) -> Slot | None:
        """A slot for a reply to `prompt`, holding as much of its start as the main sequence,
        the kept slot or a slot in use holds (API clients often share a system prompt); None
        when every slot is taken, or when the cache lacks room for the prompt and `room` more
        cells while other replies are under way (the kept slot's cells are given up first)."""
        kept = self._kept
        source_seq, source_len = 0, self._model.reusable_prefix(prompt)
        for other in self._opened:
            if other.error:
                continue  # its last decode failed: its cells may not hold its tokens
            # Copying a sequence's cells is llama.cpp marking them as this one's too.
            shared = shared_prefix(other.tokens, prompt)
            if shared > source_len:
                source_seq, source_len = other.seq_id, shared
        if kept is not None:
            from_kept = shared_prefix(kept.tokens, prompt)
            if from_kept > source_len:
                # The kept sequence becomes this slot, cut back to what they share.
                self._kept = None
                slot = kept
                self._rm(slot.seq_id, from_kept)
                del slot.tokens[from_kept:]
                return self._ready(slot)
        needed = len(prompt) - source_len + room
        if self._opened and self.room() < needed:
            if kept is not None:
                self._kept = None
                self._rm(kept.seq_id, 0)
                self._free.append(kept.seq_id)
                kept = None
            if self.room() < needed:
                return None
        if not self._free:
            if kept is None:
                return None
            self._kept = None
            self._rm(kept.seq_id, 0)
            self._free.append(kept.seq_id)
        slot = Slot(self._free.pop())
        source_len = min(source_len, len(prompt) - 1)
        if source_len > 0:
            self._low.llama_memory_seq_cp(self._memory, source_seq, slot.seq_id, 0, source_len)
            slot.tokens = list(prompt[:source_len])
        return self._ready(slot)

    def _ready(self, slot: Slot) -> Slot:
        self._opened.append(slot)
        slot.done = True
        slot.generating = False
        slot.out.clear()
        slot.pending = []
        slot.error = ""
        return slot

    def release(self, slot: Slot, keep: bool = False) -> None:
        """Frees the slot's sequence; `keep`: its cache stays for a next request like it."""
        if slot in self._active:
            self._active.remove(slot)
        if slot in self._opened:
            self._opened.remove(slot)
        self._close_sampler(slot)
        if keep and slot.tokens:
            old = self._kept
            self._kept = slot
            if old is not None:
                self._rm(old.seq_id, 0)
                self._free.append(old.seq_id)
            return
        self._rm(slot.seq_id, 0)
        self._free.append(slot.seq_id)

    def _rm(self, seq_id: int, from_pos: int) -> None:
        self._low.llama_memory_seq_rm(self._memory, seq_id, from_pos, -1)

    def _close_sampler(self, slot: Slot) -> None:
        slot.greedy = None
        sampler, slot.sampler = slot.sampler, None
        if sampler is not None:
            sampler.close()

    # Generating ------------------------------------------------------------------------

    def start(
        self,
        slot: Slot,
        prompt: Sequence[int],
        sampling: SamplingOptions,
        should_stop: Callable[[], bool],
        already_said: Sequence[int] = (),
    ) -> None:
        """Sets the slot reading `prompt` (what it does not hold of it) and then generating,
        with the next steps of the batch; its tokens are taken with `generate`."""
        if not prompt:
            raise ValueError("empty prompt")
        keep = min(shared_prefix(slot.tokens, prompt), len(prompt) - 1)
        if keep < len(slot.tokens):
            self._rm(slot.seq_id, keep)
            del slot.tokens[keep:]
        slot.prompt = prompt
        slot.pending = list(prompt[keep:])
        slot.last_prompt_evaluated = len(slot.pending)
        slot.out.clear()
        slot.error = ""
        slot.full = False
        llm = self._llm
        self._close_sampler(slot)
        if greedy_by_argmax(sampling):
            slot.greedy = GreedyRow(sampling, llm.last_n_tokens_size, already_said)
        else:
            slot.sampler = sampler_chain(llm, sampling, already_said)  # penalties, grammar too
        slot.should_stop = should_stop
        slot.stop_tokens = sampling.stop_tokens
        slot.limit = sampling.max_tokens if sampling.max_tokens > 0 else self._model.n_ctx
        slot.produced = 0
        slot.done = False
        slot.generating = True
        if slot not in self._active:
            self._active.append(slot)

    def generate(
        self,
        slot: Slot,
        prompt: Sequence[int],
        sampling: SamplingOptions,
        should_stop: Callable[[], bool],
        already_said: Sequence[int] = (),
    ) -> Iterator[int]:
        """LoadedModel.generate for one slot: yields its sampled tokens until end of
        generation, max tokens, a full context or a stop, while the other slots go on. A slot
        already started with this very prompt goes on from where it is."""
        if not (slot.generating and slot.prompt is prompt):
            self.start(slot, prompt, sampling, should_stop, already_said)
        out = slot.out
        try:
            while True:
                if out:
                    yield out.popleft()
                    continue
                if slot.error:
                    raise GenerationError(slot.error)
                if slot.done:
                    return
                self.step()
        finally:
            slot.generating = False
            slot.done = True
            slot.prompt = None
            if slot in self._active:
                self._active.remove(slot)
            self._close_sampler(slot)
            # What was sampled and not taken is not in the cache: the cache holds the reply's
            # tokens read so far, the last sampled one not among them (as LoadedModel's).
            slot.pending = []

    def step(self) -> None:
        """One llama_decode for every active slot: each generating slot's last token, and a
        chunk of each prompt still being read; then one sampled token for every slot whose
        logits came out."""
        low = self._low
        batch = self._batch
        n_ctx = self._model.n_ctx
        while self.room() < 1:
            # The shared cache is full: the longest reply (not the window's while there are
            # others) ends as a full context ends one.
            going = [slot for slot in self._active if not slot.done]
            if not going:
                break
            longest = max(going, key=lambda slot: (not slot.protected, len(slot.tokens)))
            longest.full = True
            longest.done = True
        n = 0
        prompt_read = 0
        stopped = False
        rows: list[tuple[Slot, int]] = []
        for slot in list(self._active):
            if slot.done:
                continue
            if slot.should_stop():
                slot.done = True
                stopped = True
                continue
            room = self._capacity - n
            if room <= 0:
                break
            if len(slot.pending) > 1:  # a prompt: within the step's prompt budget
                take = slot.pending[: min(PROMPT_CHUNK, room, PROMPT_BUDGET - prompt_read)]
                if not take:
                    continue
                prompt_read += len(take)
            else:
                take = slot.pending[:1]
            if not take:
                slot.done = True
                continue
            pos = len(slot.tokens)
            seq_id = slot.seq_id
            for i, token in enumerate(take):
                batch.token[n] = token
                batch.pos[n] = pos + i
                batch.n_seq_id[n] = 1
                batch.seq_id[n][0] = seq_id
                batch.logits[n] = 0
                n += 1
            slot.tokens.extend(take)
            del slot.pending[: len(take)]
            if not slot.pending:
                batch.logits[n - 1] = 1
                rows.append((slot, n - 1))
        if stopped:
            self.on_stop()
        if n == 0:
            return
        batch.n_tokens = n
        llm = self._llm
        if n > len(rows):
            # Prompt chunks are read with every core, as a single reply's prompt is.
            result = low.llama_decode(self._ctx, batch)
        else:
            # Only next tokens: the decoding threads, as a single reply's tokens get (llama.cpp
            # takes its batch threads for any batch of more than one token, and the GUI thread
            # needs a core).
            low.llama_set_n_threads(self._ctx, llm.n_threads, llm.n_threads)
            try:
                result = low.llama_decode(self._ctx, batch)
            finally:
                low.llama_set_n_threads(self._ctx, llm.n_threads, llm.n_threads_batch)
        if result != 0:
            # No room in the cache (1) or a failure: every slot of this step ends with it.
            message = f"llama_decode failed ({result}) with {len(rows)} replies together"
            for slot in self._active:
                slot.error = message
                slot.done = True
            return
        self._model.evaluated_tokens += n
        is_eog = low.llama_vocab_is_eog
        vocab = self._vocab
        ctx = self._llm._ctx
        # A greedy row's logits: the k-th of the step's outputs (rows are in the batch's order).
        logits = self._rows.rows(len(rows)) if any(s.greedy for s, _ in rows) else None
        for k, (slot, row) in enumerate(rows):
            greedy = slot.greedy
            if greedy is not None and logits is not None:
                token = greedy.choose(logits[k])
            else:
                token = slot.sampler.sample(ctx, row)
            if is_eog(vocab, token) or token in slot.stop_tokens:
                slot.done = True
                continue
            slot.produced += 1
            slot.out.append(token)
            if slot.produced >= slot.limit or len(slot.tokens) >= n_ctx - 1:
                slot.done = True
            else:
                slot.pending = [token]


class SlotModel:
    """What a reply's token loop (chat/local_stream.TokenStream) asks of a model, for a reply
    decoded in a slot: generation and the cache's length are the slot's."""

    def __init__(self, model: LoadedModel, decoder: ParallelDecoder, slot: Slot) -> None:
        self._model = model
        self._decoder = decoder
        self.slot = slot
        self.n_ctx = model.n_ctx
        self.token_bytes = model.token_bytes
        self.tokenize_segments = model.tokenize_segments

    @property
    def cached_tokens(self) -> int:
        return self.n_ctx if self.slot.full else len(self.slot.tokens)

    @property
    def last_prompt_evaluated(self) -> int:
        return self.slot.last_prompt_evaluated

    def generate(
        self,
        prompt: Sequence[int],
        sampling: SamplingOptions,
        should_stop: Callable[[], bool],
        already_said: Sequence[int] = (),
    ) -> Iterator[int]:
        return self._decoder.generate(self.slot, prompt, sampling, should_stop, already_said)

"""Greedy choice over a row of logits with numpy, for the batch's slots (batch.py).

llama.cpp's sampler (`llama_sampler_sample`) first copies a logit row into an array of
n_vocab (id, logit, p) entries and then runs its chain over it: with Gemma 3's 262,144-token
vocabulary that costs about 0.4 ms a token, even for greedy decoding, which only needs the
largest logit. A batch step samples one row per reply, so that cost grows with the replies
while the decode's does not as fast. For a greedy reply (temperature 0, no grammar) the
decoder therefore picks the token itself: numpy's argmax over the row in llama.cpp's own
logits buffer (no copy), after the repeat, frequency and presence penalties applied exactly
as llama.cpp's penalties sampler applies them (same float32 arithmetic, same window of the
last `last_n` tokens). The choice is the token llama.cpp's greedy chain gives: the first
largest logit. Sampled replies (temperature > 0: top-k, top-p, min-p, temperature, a seeded
draw) and grammar-bound ones keep llama.cpp's chain: numpy's top-k over 262k logits
(argpartition, ~2.6 ms a row) is slower than llama.cpp's own, and llama.cpp's seeded draw
is what makes a seed give the same reply alone and in a batch.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Sequence
from typing import TYPE_CHECKING

from desktop.engine.llama import SamplingOptions

if TYPE_CHECKING:
    import numpy as np

# numpy and ctypes are imported where first used, as in __init__.py: the window's first frame
# must not wait for them (tests/e2e/test_startup.py).


def greedy_by_argmax(sampling: SamplingOptions) -> bool:
    """Whether a reply with these settings is chosen by GreedyRow rather than llama.cpp's
    chain: sampler_chain gives llama.cpp's greedy sampler for any temperature <= 0."""
    return sampling.temperature <= 0 and not sampling.grammar


class GreedyRow:
    """One reply's greedy choice: its penalties' window of recent tokens and the argmax."""

    def __init__(self, sampling: SamplingOptions, last_n: int, already_said: Sequence[int]) -> None:
        import numpy as np

        last_n = max(last_n, 0)
        self._repeat = np.float32(sampling.repeat_penalty)
        self._frequency = np.float32(sampling.frequency_penalty)
        self._presence = np.float32(sampling.presence_penalty)
        # llama.cpp's is_disabled: such a penalties sampler is an empty one.
        self._penalised = last_n > 0 and not (
            self._repeat == 1.0 and self._frequency == 0.0 and self._presence == 0.0
        )
        self._last_n = last_n
        self._recent: deque[int] = deque()
        self._counts: Counter[int] = Counter()
        for token in already_said[-last_n:] if last_n else ():
            self.accept(token)

    def accept(self, token: int) -> None:
        """Counts `token` in the window (llama.cpp's penalties accept)."""
        if not self._penalised:
            return
        counts = self._counts
        counts[token] += 1
        recent = self._recent
        if len(recent) >= self._last_n:
            old = recent.popleft()
            counts[old] -= 1
            if counts[old] == 0:
                del counts[old]
        recent.append(token)

    def choose(self, logits: np.ndarray) -> int:
        """The token for this row of logits (not changed), counted in the window."""
        if self._penalised and self._counts:
            import numpy as np

            ids = np.fromiter(self._counts.keys(), dtype=np.intp, count=len(self._counts))
            counts = np.fromiter(self._counts.values(), dtype=np.float32, count=len(ids))
            values = logits[ids]
            values = np.where(values <= 0, values * self._repeat, values / self._repeat)
            values = values - (counts * self._frequency + self._presence)
            logits = logits.copy()  # llama.cpp's buffer stays as the decode left it
            logits[ids] = values
        token = int(logits.argmax())
        if self._penalised:
            self.accept(token)
        return token


class LogitRows:
    """The context's logits after a decode as one numpy view (no copy): llama.cpp keeps the rows
    of the batch's tokens that asked for logits contiguous, in the batch's order
    (llama_get_logits, llama.h). The view is made again only when llama.cpp's buffer moved or
    grew."""

    def __init__(self, low: object, ctx: object, n_vocab: int) -> None:
        self._get_logits = low.llama_get_logits  # type: ignore[attr-defined]
        self._ctx = ctx
        self._n_vocab = n_vocab
        self._view: np.ndarray | None = None
        self._address = 0

    def rows(self, count: int) -> np.ndarray:
        """The first `count` rows of logits of the last decode, one per token that asked."""
        import ctypes

        import numpy as np

        address = ctypes.cast(self._get_logits(self._ctx), ctypes.c_void_p).value
        if not address:
            raise RuntimeError("llama.cpp has no logits for the last decode")
        view = self._view
        if view is None or address != self._address or len(view) < count:
            row_type = ctypes.c_float * (self._n_vocab * count)
            view = np.frombuffer(row_type.from_address(address), dtype=np.float32)
            view = view.reshape(count, self._n_vocab)
            self._view, self._address = view, address
        return view[:count]

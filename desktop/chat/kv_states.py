"""Saved KV caches of the conversations that are not in the model right now (LocalEngine).

When another conversation takes over the model, the cache of the one that leaves is saved here,
so that coming back to it evaluates only what is new instead of its whole history.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence

from desktop.engine.llama import KvState

KV_STATES_MAX = 8
"""At most this many saved conversation states, least recently used dropped first."""
KV_BUDGET_FRACTION = 0.25
"""Saved states together use at most this share of the memory available when saving."""


def available_memory() -> int:
    """Bytes of memory available now (a modest guess where the system will not say)."""
    try:
        import psutil

        return int(psutil.virtual_memory().available)
    except Exception:  # sandboxes without /proc: keep a modest budget
        return 2 << 30


def common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    """How many leading tokens two token sequences share."""
    n = min(len(a), len(b))
    i = 0
    # Compare in blocks first: histories are thousands of tokens and usually match entirely.
    step = 256
    while i + step <= n and a[i : i + step] == b[i : i + step]:
        i += step
    while i < n and a[i] == b[i]:
        i += 1
    return i


class KvStateCache:
    """Saved KV states by conversation key: LRU, bounded by count and by a memory budget.

    Runs on the engine's thread only.
    """

    def __init__(
        self,
        max_entries: int = KV_STATES_MAX,
        budget: Callable[[], int] = lambda: int(available_memory() * KV_BUDGET_FRACTION),
    ) -> None:
        self._states: OrderedDict[str, KvState] = OrderedDict()
        self._max_entries = max_entries
        self._budget = budget

    def __len__(self) -> int:
        return len(self._states)

    def __contains__(self, key: str) -> bool:
        return key in self._states

    @property
    def size_bytes(self) -> int:
        return sum(state.size_bytes for state in self._states.values())

    def get(self, key: str) -> KvState | None:
        return self._states.get(key)

    def put(self, key: str, state: KvState) -> None:
        self._states.pop(key, None)
        budget = self._budget()
        if state.size_bytes > budget:
            return
        self._states[key] = state
        total = self.size_bytes
        while self._states and (len(self._states) > self._max_entries or total > budget):
            _, dropped = self._states.popitem(last=False)
            total -= dropped.size_bytes

    def pop(self, key: str) -> KvState | None:
        return self._states.pop(key, None)

    def clear(self) -> None:
        self._states.clear()

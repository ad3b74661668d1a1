"""A time and output budget for reading one file, and Stop within a file.

Why it is built this way:

- A file is untrusted input: a 60 KB .docx can hold 200,000 paragraphs, a PDF page can take
  its parser minutes. Without a budget one file ties up indexing for hours, and Stop or quit,
  checked only between files, waits for it.
- The extractors are third-party parsers called in loops of ours (a paragraph, a page, a chunk
  of HTML); each turn of such a loop calls :func:`spend`, which raises ``Unreadable`` when the
  file has taken its time (``FILE_SECONDS``) or produced its text (``MAX_TEXT_CHARS``), and
  ``ExtractionStopped`` when the index asks to stop (looked at every ``STOP_CHECK_S``), so a
  Stop lands within a second whatever the file.
- The budget is the reading thread's own (a thread-local set by :func:`reading_budget`), so
  the ``Extractor`` protocol stays ``extract(data, name)`` and an extractor that never calls
  ``spend`` still works, only without the guarantee.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Final

from desktop.documents.passages import Unreadable, UnreadableReason

__all__ = [
    "FILE_SECONDS",
    "MAX_TEXT_CHARS",
    "ExtractionBudget",
    "ExtractionStopped",
    "reading_budget",
    "spend",
]

#: Longest one file may take to read and split.
FILE_SECONDS: Final = 120.0
#: Most text one file may yield (about 40 MB of UTF-8 at most; a long book is 2 million).
MAX_TEXT_CHARS: Final = 20_000_000
#: How often ``should_stop`` is asked while a file is read.
STOP_CHECK_S: Final = 0.1


class ExtractionStopped(Exception):
    """The index was asked to stop (Stop, pause then cancel, quit) while a file was read."""


@dataclass(slots=True)
class ExtractionBudget:
    """What one file may cost; ``should_stop`` is the index's own check (it may block while
    paused)."""

    seconds: float = FILE_SECONDS
    max_chars: int = MAX_TEXT_CHARS
    should_stop: Callable[[], bool] | None = None
    clock: Callable[[], float] = time.monotonic
    started: float = field(default=0.0)
    chars: int = 0
    next_stop_check: float = 0.0

    def __post_init__(self) -> None:
        self.started = self.clock()

    def spend(self, chars: int = 0) -> None:
        """Counts ``chars`` of text and raises when the budget is spent or a stop is asked."""
        self.chars += chars
        if self.chars > self.max_chars:
            raise Unreadable(
                UnreadableReason.TOO_LARGE, f"more than {self.max_chars:,} characters of text"
            )
        now = self.clock()
        if self.should_stop is not None and now >= self.next_stop_check:
            self.next_stop_check = now + STOP_CHECK_S
            asked = now
            if self.should_stop():
                raise ExtractionStopped
            now = self.clock()
            self.started += now - asked  # time spent paused is not the file's
        if now - self.started > self.seconds:
            raise Unreadable(UnreadableReason.TOO_SLOW, f"reading took over {self.seconds:.0f} s")


_current = threading.local()


@contextmanager
def reading_budget(budget: ExtractionBudget) -> Iterator[ExtractionBudget]:
    """Makes ``budget`` the one :func:`spend` charges on this thread while the block runs."""
    previous = getattr(_current, "budget", None)
    _current.budget = budget
    try:
        yield budget
    finally:
        _current.budget = previous


def spend(chars: int = 0) -> None:
    """Charges this thread's reading budget, if there is one (see the module docstring)."""
    budget: ExtractionBudget | None = getattr(_current, "budget", None)
    if budget is not None:
        budget.spend(chars)

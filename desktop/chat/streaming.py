"""The per-token text path between llama.cpp and the chat view.

Every class here is fed once per generated token, so each call costs time proportional to what it
was given (plus small constants such as the longest stop string), never to the length of the
reply so far. Re-decoding or re-scanning the whole reply per token is what makes long replies
crawl in naive chat front ends; these helpers keep only the little state they need.

The classes are not thread-safe; each reply gets its own instances on the inference thread.
"""

from __future__ import annotations

import codecs
import time
from collections.abc import Callable, Sequence

__all__ = ["DeltaCoalescer", "StopStringHoldback", "Utf8StreamDecoder"]


class Utf8StreamDecoder:
    """Turns token byte pieces into text without ever splitting a character.

    A token may end in the middle of a multi-byte UTF-8 sequence (common for Chinese and emoji
    with byte-level BPE vocabularies). The incremental decoder keeps those bytes until the rest
    arrives. Models can also emit byte sequences that are not valid UTF-8 at all; those become
    U+FFFD instead of an exception, because a bad byte must not end a reply.
    """

    __slots__ = ("_decoder",)

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def feed(self, piece: bytes) -> str:
        """Returns the text completed by this piece (may be "")."""
        return self._decoder.decode(piece, final=False)

    def flush(self) -> str:
        """Ends the stream: an incomplete trailing sequence becomes U+FFFD.

        The decoder is reset afterwards so the instance could be reused for another reply.
        """
        text = self._decoder.decode(b"", final=True)
        self._decoder.reset()
        return text


class StopStringHoldback:
    """Hides stop strings from the user, even when they arrive split across tokens.

    Text that might be the beginning of a stop string is held back until it either completes
    the stop (then it and everything after it is discarded) or turns out to be ordinary text.
    Only a suffix shorter than the longest stop string is ever held, so each call scans the new
    text plus that short suffix and nothing older.

    When several stops could match, the reply ends at the stop that *completes* first, since a
    generator would stop producing tokens at that point; with equal end positions the one that
    starts earlier wins. This equals "cut at the first occurrence" unless one stop string sits
    strictly inside another.
    """

    __slots__ = ("_first_chars", "_held", "_max_len", "_prefixes", "_stopped", "_stops")

    def __init__(self, stops: Sequence[str]) -> None:
        # Deduplicated, order kept, empties dropped: an empty stop would match everywhere.
        self._stops: tuple[str, ...] = tuple(dict.fromkeys(s for s in stops if s))
        self._max_len = max((len(s) for s in self._stops), default=0)
        # Proper prefixes only: a complete stop is found by the search, not held.
        self._prefixes = frozenset(s[:i] for s in self._stops for i in range(1, len(s)))
        self._first_chars = frozenset(s[0] for s in self._stops)
        self._held = ""
        self._stopped = False

    @property
    def stopped(self) -> bool:
        return self._stopped

    @property
    def held(self) -> str:
        """The text held back because it could still start a stop string (shown by the next
        feed or by :meth:`flush`); never longer than the longest stop string."""
        return self._held

    def feed(self, text: str) -> tuple[str, bool]:
        """Returns (text that is safe to show now, whether a stop string was reached).

        After a stop has been reached every later call returns ("", True).
        """
        if self._stopped:
            return "", True
        if not self._stops:
            return text, False
        buf = self._held + text if self._held else text
        cut = self._find_stop(buf)
        if cut is not None:
            self._held = ""
            self._stopped = True
            return buf[:cut], True
        hold_from = self._hold_start(buf)
        self._held = buf[hold_from:]
        return buf[:hold_from], False

    def flush(self) -> str:
        """Releases held text when the reply ended for another reason (EOS, length, cancel)."""
        text, self._held = self._held, ""
        return "" if self._stopped else text

    def _find_stop(self, buf: str) -> int | None:
        """Start index of the stop that completes earliest in buf, or None.

        The held part of buf never contains a complete stop (it would have been found on the
        previous call), so searching the whole of buf cannot report an old match.
        """
        best_end = -1
        best_start = -1
        for stop in self._stops:
            start = buf.find(stop)
            if start < 0:
                continue
            end = start + len(stop)
            if best_end < 0 or end < best_end or (end == best_end and start < best_start):
                best_end, best_start = end, start
        return None if best_end < 0 else best_start

    def _hold_start(self, buf: str) -> int:
        """Index where the longest suffix of buf that could still grow into a stop begins."""
        n = len(buf)
        first = max(0, n - self._max_len + 1)
        first_chars = self._first_chars
        prefixes = self._prefixes
        for i in range(first, n):
            if buf[i] in first_chars and buf[i:] in prefixes:
                return i
        return n


class DeltaCoalescer:
    """Batches streamed text so the GUI gets at most about 30 updates a second.

    A signal per token would flood the GUI thread's event queue at high token rates; batching
    bounds the repaint rate without delaying the first visible text (the first push is sent at
    once). Text is buffered in a list and joined on emission to avoid quadratic concatenation.
    """

    __slots__ = ("_buffer", "_clock", "_interval_s", "_last_emit")

    def __init__(
        self, interval_s: float = 1 / 30, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if interval_s < 0:
            raise ValueError("interval_s must not be negative")
        self._interval_s = interval_s
        self._clock = clock
        self._buffer: list[str] = []
        self._last_emit: float | None = None

    def push(self, text: str) -> str | None:
        """Buffers text; returns everything buffered when it is time to emit, else None.

        Nothing is emitted while the buffer is empty, so an empty push never produces an
        empty update and does not restart the interval.
        """
        if text:
            self._buffer.append(text)
        if not self._buffer:
            return None
        now = self._clock()
        if self._last_emit is not None and now - self._last_emit < self._interval_s:
            return None
        self._last_emit = now
        return self._take()

    def flush(self) -> str:
        """Returns whatever is buffered (may be "") and ends the stream.

        The next push after a flush is treated as the start of a new stream and emits at once.
        """
        self._last_emit = None
        return self._take()

    def _take(self) -> str:
        text = "".join(self._buffer)
        self._buffer.clear()
        return text

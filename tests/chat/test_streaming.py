"""Tests for the per-token text path: UTF-8 decoding, stop-string holdback, delta coalescing."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from hypothesis import example, given
from hypothesis import strategies as st

from desktop.chat.streaming import DeltaCoalescer, StopStringHoldback, Utf8StreamDecoder

# Text that exercises multi-byte sequences: CJK, emoji (4 bytes, ZWJ sequences), combining marks.
TRICKY = "中文字符 👩‍👩‍👧 🇨🇳 é e\u0301 ñ 𝄞 \u200d ä"
texts = st.one_of(
    st.text(),
    st.text(alphabet=TRICKY),
    st.lists(st.sampled_from(["中文", "👍🏽", "e\u0301", "a", " ", "\n", "😀"])).map("".join),
)


def split_at(data: bytes | str, cuts: Sequence[int]) -> list:
    points = sorted({c % (len(data) + 1) for c in cuts})
    bounds = [0, *points, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds)]


# ------------------------------------------------------------------------------ Utf8StreamDecoder


@given(texts, st.lists(st.integers(min_value=0, max_value=10_000), max_size=40))
def test_decoder_joins_back_to_text(text: str, cuts: list[int]) -> None:
    decoder = Utf8StreamDecoder()
    out = [decoder.feed(piece) for piece in split_at(text.encode("utf-8"), cuts)]
    out.append(decoder.flush())
    assert "".join(out) == text


@given(st.binary(max_size=64), st.lists(st.integers(min_value=0, max_value=100), max_size=20))
def test_decoder_never_raises_and_matches_one_shot_replace(data: bytes, cuts: list[int]) -> None:
    decoder = Utf8StreamDecoder()
    out = [decoder.feed(piece) for piece in split_at(data, cuts)]
    out.append(decoder.flush())
    assert "".join(out) == data.decode("utf-8", errors="replace")


def test_decoder_holds_a_split_character_until_complete() -> None:
    decoder = Utf8StreamDecoder()
    emoji = "😀".encode()
    assert decoder.feed(b"hi " + emoji[:1]) == "hi "
    assert decoder.feed(emoji[1:3]) == ""
    assert decoder.feed(emoji[3:]) == "😀"
    assert decoder.flush() == ""


def test_decoder_flush_replaces_incomplete_tail() -> None:
    decoder = Utf8StreamDecoder()
    assert decoder.feed("中".encode()[:2]) == ""
    assert decoder.flush() == "\ufffd"
    # Reset after flush: a new stream starts clean.
    assert decoder.feed(b"ok") == "ok"


# ----------------------------------------------------------------------------- StopStringHoldback


def expected_cut(text: str, stops: Sequence[str]) -> str:
    """Text before the stop occurrence that completes first (earliest start on ties)."""
    stops = [s for s in stops if s]
    for end in range(1, len(text) + 1):
        starts = [end - len(s) for s in stops if text.endswith(s, 0, end)]
        if starts:
            return text[: min(starts)]
    return text


def run_holdback(chunks: Sequence[str], stops: Sequence[str]) -> tuple[str, bool]:
    holdback = StopStringHoldback(stops)
    out: list[str] = []
    stopped = False
    for chunk in chunks:
        shown, stopped = holdback.feed(chunk)
        out.append(shown)
        if stopped:
            break
    out.append(holdback.flush())
    return "".join(out), stopped


ALPHABET = "ab<|>e中"
small_text = st.text(alphabet=ALPHABET, max_size=40)
stop_lists = st.lists(st.text(alphabet=ALPHABET, max_size=5), max_size=4)


@given(small_text, stop_lists, st.lists(st.integers(min_value=0, max_value=100), max_size=15))
@example("x<end_of_turn>y", ["<end_of_turn>"], [3, 7])
@example("abcd", ["abcd", "bc"], [3])
def test_holdback_matches_reference(text: str, stops: list[str], cuts: list[int]) -> None:
    shown, stopped = run_holdback(split_at(text, cuts), stops)
    assert shown == expected_cut(text, stops)
    assert stopped == any(s and s in text for s in stops)
    for stop in stops:
        if stop:
            assert stop not in shown


@given(small_text, stop_lists, st.lists(st.integers(min_value=0, max_value=100), max_size=15))
def test_holdback_cuts_at_first_occurrence_when_no_stop_is_inside_another(
    text: str, stops: list[str], cuts: list[int]
) -> None:
    real = [s for s in stops if s]
    for inner in real:
        for outer in real:
            # An inner stop strictly inside another (not at its start or end) is the only case
            # where "completes first" and "starts first" differ.
            if inner != outer and inner in outer[1:-1]:
                return
    shown, _ = run_holdback(split_at(text, cuts), stops)
    found = [i for i in (text.find(s) for s in real) if i >= 0]
    assert shown == (text[: min(found)] if found else text)


def test_stop_split_across_three_feeds() -> None:
    holdback = StopStringHoldback(["<end_of_turn>"])
    assert holdback.feed("Sure thing<en") == ("Sure thing", False)
    assert holdback.feed("d_of_") == ("", False)
    assert holdback.feed("turn>\nmore") == ("", True)
    assert holdback.stopped
    assert holdback.feed("later") == ("", True)
    assert holdback.flush() == ""


def test_im_end_with_text_before_it_in_the_same_feed() -> None:
    holdback = StopStringHoldback(["<|im_end|>", "<end_of_turn>"])
    assert holdback.feed("Hello") == ("Hello", False)
    assert holdback.feed(" world<|im_") == (" world", False)
    assert holdback.feed("end|>") == ("", True)


def test_false_alarm_is_released() -> None:
    holdback = StopStringHoldback(["<|im_end|>"])
    assert holdback.feed("a <|im") == ("a ", False)
    assert holdback.feed("portant|>") == ("<|important|>", False)
    assert holdback.feed("x <") == ("x ", False)
    assert holdback.flush() == "<"


def test_no_stops_is_passthrough_and_empty_stops_are_ignored() -> None:
    for stops in ([], [""]):
        holdback = StopStringHoldback(stops)
        assert holdback.feed("<|im_end|>") == ("<|im_end|>", False)
        assert holdback.flush() == ""


def test_holdback_keeps_only_a_short_suffix() -> None:
    holdback = StopStringHoldback(["<|im_end|>"])
    for _ in range(1000):
        holdback.feed("x" * 50 + "<|im_en")
        assert len(holdback.held) < len("<|im_end|>")


# --------------------------------------------------------------------------------- DeltaCoalescer


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@given(
    st.lists(
        st.tuples(st.text(max_size=5), st.floats(min_value=0, max_value=0.1)),
        max_size=60,
    ),
    st.floats(min_value=0.001, max_value=0.2),
)
def test_coalescer_joins_back_and_respects_interval(
    pushes: list[tuple[str, float]], interval: float
) -> None:
    clock = FakeClock()
    coalescer = DeltaCoalescer(interval_s=interval, clock=clock)
    emitted: list[str] = []
    emit_times: list[float] = []
    for text, dt in pushes:
        clock.now += dt
        out = coalescer.push(text)
        if out is not None:
            assert out != ""
            emitted.append(out)
            emit_times.append(clock.now)
    emitted.append(coalescer.flush())
    assert "".join(emitted) == "".join(text for text, _ in pushes)
    for earlier, later in itertools.pairwise(emit_times):
        assert later - earlier >= interval


def test_coalescer_first_push_emits_at_once_then_waits() -> None:
    clock = FakeClock()
    coalescer = DeltaCoalescer(interval_s=0.25, clock=clock)
    assert coalescer.push("a") == "a"
    assert coalescer.push("b") is None
    clock.now += 0.125
    assert coalescer.push("c") is None
    clock.now += 0.125
    assert coalescer.push("d") == "bcd"
    assert coalescer.push("") is None
    assert coalescer.flush() == ""
    # After flush a new stream starts: first push goes out at once.
    assert coalescer.push("e") == "e"

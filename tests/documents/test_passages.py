"""Splitting documents into passages: sizes, overlap, whole words, page and heading kept."""

from __future__ import annotations

import itertools
import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.documents.passages import (
    MAX_WORDS,
    MIN_WORDS,
    Section,
    merge_sections,
    split_passages,
    word_count,
)


def _prose(words: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    out = []
    for i in range(words):
        word = "".join(rng.choice("abcdefghijklmnop") for _ in range(rng.randint(2, 9)))
        out.append(word + ("." if rng.random() < 0.08 else "") + ("\n\n" if i % 97 == 96 else ""))
    return " ".join(out)


def test_short_section_is_one_passage_with_its_page_and_heading() -> None:
    passages = split_passages([Section("  A short note.  ", page=3, heading="Intro")])
    assert [(p.text, p.page, p.heading) for p in passages] == [("A short note.", 3, "Intro")]


def test_long_text_gives_passages_of_sensible_size_with_overlap() -> None:
    text = _prose(3000)
    passages = split_passages([Section(text, page=1)])
    sizes = [word_count(p.text) for p in passages]
    assert all(size <= MAX_WORDS for size in sizes)
    assert all(size >= MIN_WORDS for size in sizes[:-1])
    for first, second in itertools.pairwise(passages):
        tail = first.text.split()[-5:]
        assert " ".join(tail) in second.text  # consecutive passages overlap
    assert all(p.page == 1 for p in passages)


def test_cuts_never_fall_inside_a_word() -> None:
    text = _prose(2000, seed=5)
    words = set(text.split())
    for passage in split_passages([Section(text)]):
        assert set(passage.text.split()) <= words


def test_passages_do_not_cross_headings_or_pages() -> None:
    sections = [
        Section(_prose(400, 2), page=1, heading="A"),
        Section(_prose(50, 3), page=1, heading="B"),
        Section(_prose(400, 4), page=2, heading="B"),
    ]
    passages = split_passages(sections)
    keys = [(p.page, p.heading) for p in passages]
    assert {(1, "A"), (1, "B"), (2, "B")} == set(keys)
    assert sum(1 for k in keys if k == (1, "B")) == 1


def test_neighbours_with_the_same_page_and_heading_are_merged() -> None:
    merged = list(merge_sections([Section("one", 1), Section(" "), Section("two", 1)]))
    assert merged == [Section("one\n\ntwo", 1)]


def test_cjk_counts_characters_as_words() -> None:
    text = "东京塔建成于一九五八年。" * 100
    passages = split_passages([Section(text)])
    assert len(passages) > 1
    assert all(word_count(p.text) <= MAX_WORDS for p in passages)


def test_endless_token_is_cut_rather_than_kept_whole() -> None:
    passages = split_passages([Section("x" * 100_000)])
    assert all(len(p.text) <= MAX_WORDS * 80 for p in passages)
    assert len(passages) > 1


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab cd.\n东é"), max_size=4000))
def test_every_word_lands_in_some_passage(text: str) -> None:
    passages = split_passages([Section(text)], target=20, minimum=10, maximum=30, overlap=5)
    joined = " ".join(p.text for p in passages)
    for word in re.findall(r"\S+", text):
        if len(word) <= 80:
            assert all(part in joined for part in re.split(r"[东]", word) if part)
    for passage in passages:
        assert word_count(passage.text) <= 30

"""The query helpers: search terms of a question, highlight ranges, rank fusion."""

from __future__ import annotations

from desktop.documents.search import (
    has_search_terms,
    marked_ranges,
    reciprocal_rank_fusion,
    substring_ranges,
)
from desktop.store.sqlite import MATCH_END, MATCH_START


def test_reciprocal_rank_fusion_rewards_agreement() -> None:

    assert reciprocal_rank_fusion([[1, 2, 3], [3, 1, 4]]) == [1, 3, 2, 4]
    assert reciprocal_rank_fusion([[7], []]) == [7]
    assert reciprocal_rank_fusion([]) == []


def test_a_question_without_words_of_its_own_has_no_search_terms() -> None:
    assert not has_search_terms("Tell me more about it?")
    assert has_search_terms("tell me about the lighthouse")
    assert has_search_terms("灯塔")


def test_marked_ranges_are_offsets_in_the_plain_text() -> None:
    marked = f"The {MATCH_START}lighthouse{MATCH_END} was {MATCH_START}lit{MATCH_END}."
    assert marked_ranges(marked) == ("The lighthouse was lit.", ((4, 14), (19, 22)))
    assert substring_ranges("Abc abc", ["bc", "c a"]) == ((1, 7),)

"""ConversationState: the branch on screen, paging, siblings, and what the model skips — plain
Python, no Qt, so random trees are cheap."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.chat.conversation_state import (
    ConversationState,
    joined_user_turn,
    sibling_place,
    sibling_step,
)
from desktop.core.conversation import (
    ChatMessage,
    FinishReason,
    Role,
    RunningSummary,
    StoredMessage,
)


def _message(
    message_id: int, role: Role, content: str = "text", parent: int | None = None
) -> StoredMessage:
    return StoredMessage(message_id, 1, parent, role, content, created_at=0.0)


def _chain(length: int, *, empty_replies: frozenset[int] = frozenset()) -> list[StoredMessage]:
    """user, assistant, user, ... with ids 1..length; replies at ``empty_replies`` are empty."""
    messages = []
    for i in range(1, length + 1):
        role = Role.USER if i % 2 else Role.ASSISTANT
        content = "" if i in empty_replies else f"m{i}"
        messages.append(_message(i, role, content, i - 1 if i > 1 else None))
    return messages


def _summary(through: int) -> RunningSummary:
    return RunningSummary(1, 1, through, "summary", 0.0)


# Paging ------------------------------------------------------------------------------------------


@given(length=st.integers(0, 60), page=st.integers(1, 25))
def test_opening_shows_the_last_page_and_paging_shows_the_rest_in_order(
    length: int, page: int
) -> None:
    state = ConversationState(page)
    path = _chain(length)
    state.open(7, path)
    assert state.conversation_id == 7
    assert state.row_count == min(length, page)
    shown = list(state.shown)
    assert shown == path[len(path) - len(shown) :]
    while state.has_earlier:
        added = state.show_earlier()
        assert 0 < len(added) <= page
        shown = added + shown
        assert shown == state.shown
    assert shown == path
    assert state.show_earlier() == []


@given(length=st.integers(1, 60), page=st.integers(1, 25), data=st.data())
def test_rows_and_path_positions_map_both_ways(length: int, page: int, data) -> None:
    state = ConversationState(page)
    state.open(1, _chain(length))
    for _ in range(data.draw(st.integers(0, 3))):
        state.show_earlier()
    for row in range(state.row_count):
        index = state.path_index(row)
        assert index is not None
        assert state.row_of_index(index) == row
        assert state.message_at(row) == state.path[index]
        assert state.row_of_message(state.path[index].id) == row
    assert state.path_index(-1) is None
    assert state.path_index(state.row_count) is None
    for index in range(state.first_shown):  # above the page: not on screen
        assert state.row_of_index(index) is None
        assert state.row_of_message(state.path[index].id) is None


def test_appending_adds_the_last_row_and_update_replaces_by_id() -> None:
    state = ConversationState(2)
    state.open(1, _chain(5))
    assert state.row_count == 2
    assert state.append(_message(6, Role.ASSISTANT, "", 5)) == 2
    grown = _message(6, Role.ASSISTANT, "grown", 5)
    assert state.update(grown)
    assert state.last == grown
    assert not state.update(_message(99, Role.USER))
    assert state.holds(6) and not state.holds(99)


def test_a_page_size_below_one_is_refused() -> None:
    with pytest.raises(ValueError):
        ConversationState(0)


# Siblings ----------------------------------------------------------------------------------------


@given(ids=st.lists(st.integers(1, 1000), unique=True, min_size=1, max_size=12), data=st.data())
def test_sibling_steps_stay_within_the_versions(ids: list[int], data) -> None:
    position = data.draw(st.integers(0, len(ids) - 1))
    delta = data.draw(st.integers(-3, 3))
    assert sibling_place(ids, ids[position]) == (position, len(ids))
    target = sibling_step(ids, ids[position], delta)
    if 0 <= position + delta < len(ids):
        assert target == ids[position + delta]
    else:
        assert target is None


def test_a_message_not_among_the_siblings_is_shown_alone() -> None:
    assert sibling_place([], 5) == (0, 1)
    assert sibling_place([1, 2], 5) == (0, 2)
    assert sibling_step([1, 2], 5, 1) is None


# What the model reads ---------------------------------------------------------------------------


@given(length=st.integers(0, 30), empty=st.frozensets(st.integers(1, 30)))
def test_history_leaves_out_empty_replies_and_joins_the_user_turns_around_them(
    length: int, empty: frozenset[int]
) -> None:
    state = ConversationState()
    state.open(1, _chain(length, empty_replies=frozenset(i for i in empty if i % 2 == 0)))
    history, behind = state.history()
    assert len(history) == len(behind)
    assert all(m.content for m in history)
    for first, second in itertools.pairwise(history):
        assert first.role != second.role  # strict templates need turns to alternate
    assert {m.id for m in behind} <= {m.id for m in state.path}


def test_two_user_turns_in_a_row_go_as_one_that_starts_as_the_first() -> None:
    state = ConversationState()
    state.open(1, _chain(3, empty_replies=frozenset({2})))
    history, behind = state.history()
    assert history == [joined_user_turn(ChatMessage(Role.USER, "m1"), "m3")]
    assert [m.id for m in behind] == [3]
    assert history[0].content == "m1\n\nm3"


def test_a_message_whose_reply_failed_is_not_joined_to_the_next_one() -> None:
    """Issue 17, defect 1: a message too long for the window failed; joined to every later
    message it made each of them fail too ("hi" needed 2,215 tokens of 512)."""
    from dataclasses import replace

    state = ConversationState()
    chain = _chain(3, empty_replies=frozenset({2}))
    chain[1] = replace(chain[1], finish_reason=FinishReason.ERROR)
    state.open(1, chain)
    history, behind = state.history()
    assert history == [ChatMessage(Role.USER, "m3")]
    assert [m.id for m in behind] == [3]
    state.open(1, chain[:2])
    assert state.last_reply_failed()
    history, _ = state.with_draft("hi")
    assert history == [ChatMessage(Role.USER, "hi")]


def test_a_draft_is_added_or_joined_and_an_empty_one_stands_for_the_next_turn() -> None:
    state = ConversationState()
    state.open(1, _chain(2))
    history, _ = state.with_draft("next")
    assert history[-1] == ChatMessage(Role.USER, "next")
    history, _ = state.with_draft("")
    assert history[-1] == ChatMessage(Role.USER, " ")
    state.open(1, _chain(1))
    history, _ = state.with_draft("more")
    assert history == [ChatMessage(Role.USER, "m1\n\nmore")]


@given(length=st.integers(2, 30), data=st.data())
def test_dropped_messages_stay_left_out_while_they_start_the_branch(length: int, data) -> None:
    state = ConversationState(5)
    path = _chain(length)
    state.open(1, path)
    _, behind = state.history()
    count = data.draw(st.integers(0, len(behind)))
    rows = state.remember_dropped(behind, count)
    # Only the dropped messages on screen have rows; they are the first rows shown.
    assert rows == [row for row in range(state.row_count) if state.shown[row].id <= count]
    expected = count if count < len(behind) else 0
    assert state.still_dropped(behind) == expected
    assert state.not_sent_ids() == {m.id for m in behind[:expected]}
    # Another conversation remembers nothing of this one's.
    state.open(2, path)
    assert state.still_dropped(behind) == 0
    state.open(1, path)
    assert state.still_dropped(behind) == expected
    state.forget_dropped()  # another model
    assert state.still_dropped(behind) == 0


def test_a_branch_that_parts_from_the_dropped_messages_starts_over() -> None:
    state = ConversationState()
    state.open(1, _chain(6))
    _, behind = state.history()
    state.remember_dropped(behind, 2)
    edited = [*state.path[:1], _message(10, Role.ASSISTANT, "other", 1), *_chain(6)[2:]]
    state.show_path(edited)
    _, behind = state.history()
    assert state.still_dropped(behind) == 0


def test_a_summary_covers_the_history_through_its_message() -> None:
    state = ConversationState()
    state.open(1, _chain(8))
    _, behind = state.history()
    assert state.summary_covers(behind) == 0
    state.summary = _summary(4)
    assert state.summary_covers(behind) == 4
    assert state.skipped(behind) == 4
    assert state.not_sent_ids() == {1, 2, 3, 4}
    state.remember_dropped(behind, 6)
    assert state.skipped(behind) == 6  # the larger of the two
    state.summary = _summary(99)  # on another branch
    assert state.summary_covers(behind) == 0


def test_a_new_reply_follows_the_user_message_before_the_one_it_replaces() -> None:
    state = ConversationState(3)
    state.open(1, _chain(6))  # rows show messages 4, 5, 6
    assert state.regenerate_from(None) == 5  # the last reply
    assert state.regenerate_from(0) == 3  # row 0 shows message 4, a reply to message 3
    assert state.regenerate_from(2) == 5
    assert state.regenerate_from(1) is None  # message 5 is the user's
    assert state.regenerate_from(7) is None
    state.open(1, _chain(5))
    assert state.regenerate_from(None) == 5  # the user's last message still lacks its reply
    state.open(1, [_message(1, Role.ASSISTANT)])
    assert state.regenerate_from(None) is None  # nothing asked it
    state.open(1, [])
    assert state.regenerate_from(None) is None

"""MessageListModel: the item model behind the chat view."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.chat.qt.message_model import MessageListModel, MessageRow
from desktop.core.conversation import ChatMessage, FinishReason, Role

Roles = MessageListModel.Roles


@pytest.fixture
def model() -> MessageListModel:
    return MessageListModel()


def test_modeltester_empty_and_filled(qtmodeltester, model: MessageListModel) -> None:
    qtmodeltester.check(model)
    model.append_message(Role.USER, "hi")
    model.append_message(Role.ASSISTANT, "", streaming=True)
    model.append_delta(1, "hello")
    model.set_finished(1, FinishReason.STOP, "m · 1 tok/s")
    qtmodeltester.check(model)


def test_modeltester_follows_changes(qtmodeltester, model: MessageListModel) -> None:
    qtmodeltester.check(model, force_py=True)
    model.append_message(Role.USER, "a")
    row = model.append_message(Role.ASSISTANT, "", streaming=True)
    for piece in ("x", "y", "z"):
        model.append_delta(row, piece)
    model.set_excluded({0})
    model.remove_rows_from(1)
    model.set_messages([ChatMessage(Role.USER, "q"), ChatMessage(Role.ASSISTANT, "a")])
    model.clear()


def test_roles_and_display(model: MessageListModel) -> None:
    row = model.append_message(Role.ASSISTANT, "text")
    index = model.index(row, 0)
    assert model.data(index, Roles.RoleRole) == Role.ASSISTANT
    assert model.data(index, Roles.ContentRole) == "text"
    assert model.data(index, Qt.ItemDataRole.DisplayRole) == "text"
    assert model.data(index, Roles.FinishReasonRole) is None
    assert model.data(index, Roles.StreamingRole) is False
    assert model.data(index, Roles.ExcludedRole) is False
    assert model.data(index, Roles.MetaRole) == ""
    assert int(Roles.RoleRole) == 257
    assert set(model.roleNames()) >= {int(r) for r in Roles}


def test_append_delta_joins_and_signals_one_row(qtbot: QtBot, model: MessageListModel) -> None:
    model.append_message(Role.USER, "q")
    row = model.append_message(Role.ASSISTANT, "", streaming=True)
    seen: list[tuple[int, int, list[int]]] = []
    model.dataChanged.connect(lambda a, b, roles: seen.append((a.row(), b.row(), list(roles))))
    for piece in ["Hel", "lo", ", ", "世界"]:
        model.append_delta(row, piece)
    assert model.data(model.index(row, 0), Roles.ContentRole) == "Hello, 世界"
    assert len(seen) == 4
    assert all(first == last == row for first, last, _ in seen)
    assert all(int(Roles.ContentRole) in roles for _, _, roles in seen)


def test_append_delta_is_linear(model: MessageListModel) -> None:
    """Deltas are stored as chunks: many deltas plus one read stay linear overall."""
    row = model.append_message(Role.ASSISTANT, "", streaming=True)
    for _ in range(20_000):
        model.append_delta(row, "ab")
    assert len(model.data(model.index(row, 0), Roles.ContentRole)) == 40_000
    model.append_delta(row, "c")
    assert model.data(model.index(row, 0), Roles.ContentRole).endswith("abc")


def test_set_finished(model: MessageListModel) -> None:
    row = model.append_message(Role.ASSISTANT, "", streaming=True)
    roles_seen: list[list[int]] = []
    model.dataChanged.connect(lambda a, b, roles: roles_seen.append(list(roles)))
    model.set_finished(row, FinishReason.CANCELLED, "gemma · 12.3 tok/s")
    index = model.index(row, 0)
    assert model.data(index, Roles.StreamingRole) is False
    assert model.data(index, Roles.FinishReasonRole) == FinishReason.CANCELLED
    assert model.data(index, Roles.MetaRole) == "gemma · 12.3 tok/s"
    assert set(roles_seen[-1]) == {
        int(Roles.StreamingRole),
        int(Roles.FinishReasonRole),
        int(Roles.MetaRole),
    }


def test_set_excluded_emits_only_for_flipped_rows(model: MessageListModel) -> None:
    for i in range(5):
        model.append_message(Role.USER if i % 2 == 0 else Role.ASSISTANT, str(i))
    changed: list[int] = []
    model.dataChanged.connect(lambda a, b, roles: changed.append(a.row()))
    model.set_excluded_before(2)
    assert changed == [0, 1]
    changed.clear()
    model.set_excluded({1, 2})
    assert sorted(changed) == [0, 2]
    flags = [model.data(model.index(r, 0), Roles.ExcludedRole) for r in range(5)]
    assert flags == [False, True, True, False, False]


def test_remove_rows_from_and_messages(model: MessageListModel) -> None:
    model.append_message(Role.SYSTEM, "be nice")
    model.append_message(Role.USER, "q1")
    model.append_message(Role.ASSISTANT, "a1")
    model.append_message(Role.USER, "q2")
    model.append_message(Role.ASSISTANT, "partial", streaming=True)
    assert model.last_row_of_role(Role.ASSISTANT) == 4
    assert model.last_row_of_role(Role.USER) == 3
    assert model.messages(include_streaming=False)[-1] == ChatMessage(Role.USER, "q2")
    assert len(model.messages()) == 5
    model.remove_rows_from(4)
    assert model.rowCount() == 4
    assert model.messages() == (
        ChatMessage(Role.SYSTEM, "be nice"),
        ChatMessage(Role.USER, "q1"),
        ChatMessage(Role.ASSISTANT, "a1"),
        ChatMessage(Role.USER, "q2"),
    )
    model.remove_rows_from(10)  # nothing there: no-op
    assert model.rowCount() == 4
    model.clear()
    assert model.rowCount() == 0
    assert model.last_row_of_role(Role.USER) is None


def test_bad_rows_raise(model: MessageListModel) -> None:
    with pytest.raises(IndexError):
        model.append_delta(0, "x")
    with pytest.raises(IndexError):
        model.set_finished(3, FinishReason.STOP)
    assert model.data(model.index(5, 0), Roles.ContentRole) is None


def _rows(count: int, first_id: int = 1) -> list[MessageRow]:
    return [
        MessageRow(
            message_id=first_id + i,
            role=Role.USER if i % 2 == 0 else Role.ASSISTANT,
            content=f"m{first_id + i}",
        )
        for i in range(count)
    ]


def test_new_roles(model: MessageListModel) -> None:
    row = model.append_message(Role.USER, "q")
    index = model.index(row, 0)
    assert model.data(index, Roles.MessageIdRole) is None
    assert model.data(index, Roles.SiblingIndexRole) == 0
    assert model.data(index, Roles.SiblingCountRole) == 1
    row = model.append_message(Role.ASSISTANT, "a", message_id=42)
    assert model.data(model.index(row, 0), Roles.MessageIdRole) == 42
    names = model.roleNames()
    assert bytes(names[int(Roles.MessageIdRole)].data()) == b"messageId"
    assert bytes(names[int(Roles.SiblingIndexRole)].data()) == b"siblingIndex"
    assert bytes(names[int(Roles.SiblingCountRole)].data()) == b"siblingCount"


def test_set_rows_resets_once_and_round_trips(qtbot: QtBot, model: MessageListModel) -> None:
    model.append_message(Role.USER, "old")
    rows = [
        MessageRow(1, Role.SYSTEM, "be brief"),
        MessageRow(2, Role.USER, "q", sibling_index=1, sibling_count=3),
        MessageRow(
            3,
            Role.ASSISTANT,
            "a",
            finish_reason=FinishReason.LENGTH,
            meta="m · 2 tok/s",
            excluded=True,
        ),
        MessageRow(None, Role.ASSISTANT, "partial", streaming=True),
    ]
    resets: list[int] = []
    inserted: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    model.rowsInserted.connect(lambda *args: inserted.append(1))
    model.set_rows(rows)
    assert resets == [1]
    assert inserted == []
    assert [model.row_data(r) for r in range(model.rowCount())] == rows
    index = model.index(1, 0)
    assert model.data(index, Roles.SiblingIndexRole) == 1
    assert model.data(index, Roles.SiblingCountRole) == 3
    assert model.data(model.index(2, 0), Roles.ExcludedRole) is True
    assert model.data(model.index(3, 0), Roles.StreamingRole) is True
    assert model.messages(include_streaming=False)[-1] == ChatMessage(Role.ASSISTANT, "a")
    model.set_rows(())
    assert model.rowCount() == 0


def test_prepend_rows_inserts_at_the_top(model: MessageListModel) -> None:
    model.set_rows(_rows(3, first_id=10))
    seen: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda parent, first, last: seen.append((first, last)))
    model.prepend_rows(_rows(2, first_id=1))
    assert seen == [(0, 1)]
    assert [model.row_data(r).message_id for r in range(5)] == [1, 2, 10, 11, 12]
    assert model.row_data(2).content == "m10"
    model.prepend_rows(())  # nothing to add: no signal
    assert seen == [(0, 1)]


def test_set_message_id_and_row_of_message(model: MessageListModel) -> None:
    model.set_rows(_rows(4))
    row = model.append_message(Role.ASSISTANT, "", streaming=True)
    assert model.row_of_message(3) == 2
    assert model.row_of_message(99) is None
    assert model.row_of_message(None) is None  # type: ignore[arg-type]
    changed: list[tuple[int, list[int]]] = []
    model.dataChanged.connect(lambda a, b, roles: changed.append((a.row(), list(roles))))
    model.set_message_id(row, 99)
    assert changed == [(row, [int(Roles.MessageIdRole)])]
    assert model.row_of_message(99) == row
    model.set_message_id(row, 99)  # unchanged: no signal
    assert len(changed) == 1
    with pytest.raises(IndexError):
        model.set_message_id(17, 1)


def test_set_siblings(model: MessageListModel) -> None:
    model.set_rows(_rows(2))
    changed: list[tuple[int, set[int]]] = []
    model.dataChanged.connect(lambda a, b, roles: changed.append((a.row(), set(roles))))
    model.set_siblings(1, 2, 3)
    assert model.row_data(1).sibling_index == 2
    assert model.row_data(1).sibling_count == 3
    assert changed == [(1, {int(Roles.SiblingIndexRole), int(Roles.SiblingCountRole)})]
    model.set_siblings(1, 2, 3)
    assert len(changed) == 1
    for index, count in ((3, 3), (-1, 2), (0, 0)):
        with pytest.raises(ValueError):
            model.set_siblings(1, index, count)
    with pytest.raises(ValueError):
        model.set_rows([MessageRow(1, Role.USER, "x", sibling_index=1, sibling_count=1)])
    assert model.rowCount() == 2  # a bad row leaves the model as it was


def test_row_data_bad_row(model: MessageListModel) -> None:
    with pytest.raises(IndexError):
        model.row_data(0)


def test_modeltester_with_branch_rows(qtmodeltester, model: MessageListModel) -> None:
    qtmodeltester.check(model, force_py=True)
    model.set_rows(_rows(4, first_id=5))
    model.prepend_rows(_rows(3, first_id=1))
    model.set_message_id(0, 100)
    model.set_siblings(2, 1, 2)
    row = model.append_message(Role.USER, "new", message_id=200)
    model.set_siblings(row, 0, 2)
    model.remove_rows_from(5)
    model.set_rows(())
    model.prepend_rows(_rows(1))
    qtmodeltester.check(model)

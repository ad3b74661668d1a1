"""MessageListModel: the item model behind the chat view."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.core.conversation import ChatMessage, FinishReason, Role
from desktop.ui.message_model import MessageListModel

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

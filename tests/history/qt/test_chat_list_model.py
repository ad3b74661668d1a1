"""ConversationListModel: order, upserts, renames as requests, paging."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.core.conversation import ConversationSummary
from desktop.history.qt.chat_list_model import ConversationListModel

Roles = ConversationListModel.Roles
NOW = 1_750_000_000.0


def conv(
    id: int, updated: float = 0.0, *, title: str | None = None, pinned: bool = False
) -> ConversationSummary:
    return ConversationSummary(
        id=id,
        title=title if title is not None else f"Chat {id}",
        title_is_auto=True,
        created_at=NOW - 1000,
        updated_at=NOW + updated,
        pinned=pinned,
        model_file=f"m{id}.gguf",
    )


def ids(model: ConversationListModel) -> list[int]:
    return [model.summary(row).id for row in range(model.rowCount())]


def test_modeltester_list(qtmodeltester) -> None:
    model = ConversationListModel()
    qtmodeltester.check(model, force_py=True)
    model.set_conversations([conv(1, 1), conv(2, 2), conv(3, 3, pinned=True)])
    model.upsert(conv(4, 4))
    model.upsert(conv(1, 10))
    model.upsert(conv(2, 0, pinned=True))
    model.remove(3)
    model.set_conversations([])
    model.upsert(conv(9))


def test_roles_and_flags() -> None:
    model = ConversationListModel()
    model.set_conversations([conv(7, title="Hello")])
    index = model.index(0, 0)
    assert index.data(Qt.ItemDataRole.DisplayRole) == "Hello"
    assert index.data(Qt.ItemDataRole.EditRole) == "Hello"
    assert index.data(Roles.IdRole) == 7
    assert index.data(Roles.TitleRole) == "Hello"
    assert index.data(Roles.PinnedRole) is False
    assert index.data(Roles.UpdatedAtRole) == NOW
    assert index.data(Roles.ModelFileRole) == "m7.gguf"
    assert model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert set(model.roleNames()) >= {int(r) for r in Roles}


def test_set_conversations_sorts_and_drops_trashed() -> None:
    model = ConversationListModel()
    trashed = ConversationSummary(9, "gone", True, NOW, NOW + 99, deleted_at=NOW)
    model.set_conversations([conv(1, 1), conv(2, 5), conv(3, 0, pinned=True), trashed])
    assert ids(model) == [3, 2, 1]
    assert model.row_of(2) == 1
    assert model.row_of(9) is None


def test_upsert_moves_rows_and_keeps_order(qtbot: QtBot) -> None:
    model = ConversationListModel()
    model.set_conversations([conv(i, updated=i) for i in range(1, 6)])
    assert ids(model) == [5, 4, 3, 2, 1]
    moves: list[tuple[int, int]] = []
    model.rowsMoved.connect(lambda _p, start, _end, _d, dest: moves.append((start, dest)))
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))

    model.upsert(conv(2, updated=2, pinned=True))  # pinning moves it to the top
    assert ids(model) == [2, 5, 4, 3, 1]
    model.upsert(conv(1, updated=50))  # newer moves up, below the pinned one
    assert ids(model) == [2, 1, 5, 4, 3]
    model.upsert(conv(5, updated=-5))  # older moves down
    assert ids(model) == [2, 1, 4, 3, 5]
    model.upsert(conv(2, updated=2))  # unpinned goes back to its date
    assert ids(model) == [1, 4, 3, 2, 5]
    assert len(moves) == 4
    assert not resets

    changed: list[int] = []
    model.dataChanged.connect(lambda first, _last, _roles: changed.append(first.row()))
    model.upsert(conv(3, updated=3, title="Renamed"))  # same place: updated in place
    assert ids(model) == [1, 4, 3, 2, 5]
    assert changed == [2]
    assert model.index(2, 0).data() == "Renamed"
    model.upsert(conv(3, updated=3, title="Renamed"))  # no change: no signal
    assert changed == [2]

    model.upsert(conv(8, updated=3.5))  # new rows go to their place
    assert ids(model) == [1, 4, 8, 3, 2, 5]
    assert model.row_of(8) == 2


def test_upsert_of_a_trashed_summary_removes_it() -> None:
    model = ConversationListModel()
    model.set_conversations([conv(1), conv(2, 1)])
    model.upsert(ConversationSummary(1, "x", True, NOW, NOW, deleted_at=NOW))
    assert ids(model) == [2]
    model.remove(42)  # unknown id: nothing happens
    assert ids(model) == [2]


def test_setdata_requests_rename_without_changing_the_model(qtbot: QtBot) -> None:
    model = ConversationListModel()
    model.set_conversations([conv(1, title="Old")])
    index = model.index(0, 0)
    seen: list[tuple[int, str]] = []
    model.title_edit_requested.connect(lambda i, t: seen.append((i, t)))
    assert model.setData(index, "  New title  ") is False
    assert seen == [(1, "New title")]
    assert index.data() == "Old"
    model.setData(index, "   ")
    model.setData(index, "Old")
    model.setData(index, "x", Qt.ItemDataRole.DisplayRole)
    assert seen == [(1, "New title")]


def test_summary_out_of_range() -> None:
    with pytest.raises(IndexError):
        ConversationListModel().summary(0)


class _PagedSource:
    """A list in the sidebar's order, served by keyset like ConversationStore; counts calls."""

    def __init__(self, summaries: list[ConversationSummary]) -> None:
        self.summaries = summaries
        self.calls = 0

    def ordered(self) -> list[ConversationSummary]:
        return sorted(self.summaries, key=lambda s: (not s.pinned, -s.updated_at, -s.id))

    def __call__(self, after: ConversationSummary | None, limit: int) -> list[ConversationSummary]:
        self.calls += 1
        rows = self.ordered()
        if after is not None:
            key = (not after.pinned, -after.updated_at, -after.id)
            rows = [s for s in rows if (not s.pinned, -s.updated_at, -s.id) > key]
        return rows[:limit]


def test_a_paged_source_loads_one_page_then_the_rest_on_fetch_more(qtbot: QtBot) -> None:
    # ties in updated_at (three per value) and pins, so the id must break ties
    source = _PagedSource([conv(i, updated=i // 3, pinned=i % 17 == 0) for i in range(1, 101)])
    model = ConversationListModel()
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    model.set_source(source, page_size=30)
    assert model.rowCount() == 30
    assert source.calls == 1
    assert model.canFetchMore()

    model.fetchMore()
    assert inserted == [(30, 59)]  # one block at the end
    model.upsert(conv(1, updated=0))  # out of turn, like the restored last chat: at the end
    assert ids(model)[-1] == 1
    while model.canFetchMore():
        model.fetchMore()
    assert ids(model) == [s.id for s in source.ordered()]  # no repeats, no gaps
    assert source.calls == 4  # 30 + 30 + 30 + a short page of 10
    model.fetchMore()
    assert source.calls == 4


def test_a_paged_model_keeps_edits_between_pages(qtbot: QtBot) -> None:
    source = _PagedSource([conv(i, updated=i) for i in range(1, 41)])
    model = ConversationListModel()
    model.set_source(source, page_size=10)
    first_page = ids(model)
    # the oldest chat gets a message (moves to the top); a listed one is trashed
    bumped = conv(1, updated=100)
    source.summaries[0] = bumped
    model.upsert(bumped)
    trashed = first_page[3]
    source.summaries = [s for s in source.summaries if s.id != trashed]
    model.remove(trashed)
    model.fetch_all()
    assert ids(model) == [s.id for s in source.ordered()]
    assert not model.canFetchMore()
    model.set_conversations([conv(1)])  # a full list: nothing more to fetch
    assert not model.canFetchMore()

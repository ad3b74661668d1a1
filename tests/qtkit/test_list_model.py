"""RowsMixin / RowListModel: role names and values read off the rows by the ``Roles`` names,
``ROLE_VALUES`` for the rest, ``cell`` for what is left, and the row edits every list and table
model uses (reset, insert, remove, move, replace, find), each telling views exactly what
changed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, ClassVar

import pytest
from PySide6.QtCore import QModelIndex, Qt

from desktop.qtkit.list_model import (
    RoleValue,
    RowListModel,
    role_attribute,
    role_getters,
    role_name,
    whole_row,
)


@dataclass(frozen=True, slots=True)
class Pet:
    id: int
    name: str
    owner_name: str
    tags: tuple[str, ...] = ()


class PetListModel(RowListModel):
    """A model written the way the app's are: Roles, a few ROLE_VALUES, public edits."""

    class Roles(IntEnum):
        IdRole = Qt.ItemDataRole.UserRole + 1
        OwnerNameRole = Qt.ItemDataRole.UserRole + 2  # read from owner_name by its name
        TagCountRole = Qt.ItemDataRole.UserRole + 3  # a function of the row
        PetRole = Qt.ItemDataRole.UserRole + 4  # the row itself

    ROLE_VALUES: ClassVar[dict[int, RoleValue]] = {
        Qt.ItemDataRole.DisplayRole: "name",
        Roles.TagCountRole: lambda pet: len(pet.tags),
        Roles.PetRole: whole_row,
    }

    def __init__(self) -> None:
        super().__init__()
        self.positions_dropped = 0
        self.rows_when_dropped: list[int] = []

    def cell(self, row: Pet, column: int, role: int) -> Any:
        return f"{row.name} ({row.id})" if role == Qt.ItemDataRole.ToolTipRole else None

    def set_pets(self, pets: Sequence[Pet]) -> None:
        self.reset_rows(pets)

    def insert(self, position: int, pets: Sequence[Pet]) -> None:
        self.insert_rows(position, pets)

    def remove(self, first: int, last: int | None = None) -> None:
        self.remove_rows(first, last)

    def rename(self, number: int, name: str, *roles: int) -> None:
        pet = self.rows[number]
        self.replace_row(number, Pet(pet.id, name, pet.owner_name, pet.tags), *roles)

    def move(self, number: int, place: int, renamed: str | None = None) -> None:
        if renamed is None:
            self.move_row(number, place)
        else:
            pet = self.rows[number]
            self.move_row(number, place, Pet(pet.id, renamed, pet.owner_name, pet.tags))

    def row_of(self, pet_id: int, *, newest_first: bool = False) -> int:
        return self.find_row(lambda pet: pet.id == pet_id, newest_first=newest_first)

    def pet(self, number: int) -> Pet:
        return self.row_or_raise(number, "pet")

    def pet_or_none(self, number: int) -> Pet | None:
        return self.row_or_none(number)

    def on_rows_changed(self) -> None:
        self.positions_dropped += 1


REX = Pet(1, "Rex", "Ann", ("good", "loud"))
TOM = Pet(2, "Tom", "Bob")
KIT = Pet(3, "Kit", "Cy", ("small",))


def names(model: PetListModel) -> list[str]:
    return [model.index(n, 0).data() for n in range(model.rowCount())]


def test_role_attribute_and_name_follow_the_roles_attribute() -> None:
    assert role_attribute("SiblingCountRole") == "sibling_count"
    assert role_attribute("IdRole") == "id"
    assert role_attribute("RoleRole") == "role"
    assert role_name("SiblingCountRole") == "siblingCount"


def test_role_getters_read_the_named_attribute_unless_told_otherwise() -> None:
    getters = role_getters(PetListModel.Roles, {PetListModel.Roles.IdRole: "owner_name"})
    assert getters[PetListModel.Roles.OwnerNameRole](TOM) == "Bob"
    assert getters[PetListModel.Roles.IdRole](TOM) == "Bob"  # ROLE_VALUES win
    assert role_getters(None, {Qt.ItemDataRole.DisplayRole: len})[0]("abc") == 3


def test_data_reads_roles_off_the_row_then_asks_cell() -> None:
    model = PetListModel()
    model.set_pets([REX])
    index = model.index(0, 0)
    roles = PetListModel.Roles
    assert index.data() == "Rex"
    assert index.data(roles.IdRole) == 1
    assert index.data(roles.OwnerNameRole) == "Ann"
    assert index.data(roles.TagCountRole) == 2
    assert index.data(roles.PetRole) is REX
    assert index.data(Qt.ItemDataRole.ToolTipRole) == "Rex (1)"  # cell()
    assert index.data(Qt.ItemDataRole.DecorationRole) is None
    assert model.data(QModelIndex(), roles.IdRole) is None
    assert model.data(model.index(5, 0), roles.IdRole) is None
    assert model.roleNames()[roles.OwnerNameRole].data() == b"ownerName"


def test_the_edits_pass_qtmodeltester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = PetListModel()
    qtmodeltester.check(model, force_py=True)  # stays attached: every edit below is checked
    model.set_pets([REX, TOM])
    model.insert(1, [KIT])
    model.insert(3, [Pet(4, "Bo", "Di")])
    model.insert(0, [])
    model.rename(0, "Rexy")
    model.move(0, 3)
    model.move(3, 1, "Rex")
    model.move(1, 1)
    model.remove(1, 2)
    model.remove(0)
    model.set_pets([])
    assert model.rowCount() == 0


def test_each_edit_tells_views_what_changed(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = PetListModel()
    model.set_pets([REX, TOM])
    with qtbot.waitSignal(model.rowsInserted) as inserted:
        model.insert(1, [KIT, Pet(4, "Bo", "Di")])
    assert inserted.args[1:] == [1, 2]
    assert names(model) == ["Rex", "Kit", "Bo", "Tom"]
    with qtbot.waitSignal(model.rowsRemoved) as removed:
        model.remove(1, 2)
    assert removed.args[1:] == [1, 2]
    assert names(model) == ["Rex", "Tom"]
    with qtbot.waitSignal(model.dataChanged) as changed:
        model.rename(1, "Thomas", Qt.ItemDataRole.DisplayRole)
    first, last, roles = changed.args
    assert (first.row(), last.row(), list(roles)) == (1, 1, [int(Qt.ItemDataRole.DisplayRole)])
    with qtbot.waitSignal(model.dataChanged) as changed:
        model.rename(0, "R")
    assert list(changed.args[2]) == []  # no roles named: any may have changed
    with qtbot.waitSignal(model.modelReset):
        model.set_pets(iter([KIT]))  # any iterable, read before the reset
    assert names(model) == ["Kit"]


def test_a_move_tells_views_the_row_moved_then_what_changed(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = PetListModel()
    model.set_pets([REX, TOM, KIT])
    with qtbot.waitSignal(model.rowsMoved) as moved:
        model.move(0, 2)
    assert moved.args[1:3] == [0, 0] and moved.args[4] == 3  # Qt counts before the move
    assert names(model) == ["Tom", "Kit", "Rex"]
    with qtbot.waitSignal(model.rowsMoved) as moved:
        model.move(2, 0)
    assert moved.args[4] == 0
    assert names(model) == ["Rex", "Tom", "Kit"]
    events: list[str] = []
    model.rowsMoved.connect(lambda *_: events.append(f"moved {names(model)}"))
    model.dataChanged.connect(lambda first, *_: events.append(f"changed {first.row()}"))
    model.move(2, 1, "Kitty")  # the new value moves in, then views hear it changed
    assert events == ["moved ['Rex', 'Kitty', 'Tom']", "changed 1"]
    events.clear()
    model.move(1, 1, "Kit")  # no move: only the change
    model.move(0, 0)  # nothing at all
    assert events == ["changed 1"] and names(model) == ["Rex", "Kit", "Tom"]
    assert model.rows == [REX, KIT, TOM]


def test_positions_are_dropped_before_views_hear_of_a_change(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = PetListModel()
    seen: list[int] = []
    for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.rowsMoved):
        signal.connect(lambda *_: seen.append(model.positions_dropped))
    model.set_pets([REX])
    model.insert(1, [TOM])
    model.move(1, 0)
    model.remove(0)
    model.rename(0, "T")  # not structural: positions stay
    assert seen == [1, 2, 3, 4] and model.positions_dropped == 4


def test_rows_are_found_and_read_by_number() -> None:
    model = PetListModel()
    model.set_pets([REX, TOM, Pet(1, "Rex II", "Ann")])
    assert model.row_of(1) == 0
    assert model.row_of(1, newest_first=True) == 2
    assert model.row_of(9) == -1 and model.row_of(9, newest_first=True) == -1
    assert model.pet(1) is TOM
    assert model.pet_or_none(3) is None and model.pet_or_none(-1) is None
    with pytest.raises(IndexError, match="no pet at row 3"):
        model.pet(3)
    with pytest.raises(IndexError, match="no pet at row -1"):
        model.pet(-1)


def test_flags_are_read_only_and_none_for_an_invalid_index() -> None:
    model = PetListModel()
    model.set_pets([REX])
    flags = model.flags(model.index(0, 0))
    assert flags & Qt.ItemFlag.ItemIsSelectable and not flags & Qt.ItemFlag.ItemIsEditable
    assert model.flags(QModelIndex()) == Qt.ItemFlag.NoItemFlags

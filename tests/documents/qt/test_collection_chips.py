"""The chips of the composer's card on their own (CollectionChips, CollectionChip) over a real
DocumentCollections: the chips shown for the attached collections, the Documents menu, and the
signals a click sends."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop.documents.qt.collection_chips import CollectionChip, CollectionChips
from desktop.documents.qt.collections import DocumentCollections
from desktop.qtkit.plain_text import plain_tooltip

TIMEOUT = 20_000


@pytest.fixture
def chips(qtbot, documents: DocumentCollections) -> CollectionChips:  # type: ignore[no-untyped-def]
    chips = CollectionChips(documents)
    chips.resize(600, 40)
    qtbot.addWidget(chips)
    chips.show()
    qtbot.waitExposed(chips)
    return chips


def _id_of(documents: DocumentCollections, name: str) -> int | None:
    return next((c.id for c in documents.collections.collections() if c.name == name), None)


def _make(qtbot, documents: DocumentCollections, name: str, folder: Path) -> int:  # type: ignore[no-untyped-def]
    folder.mkdir()
    (folder / "note.md").write_text("# Notes\n\nSome words about the harbour.\n")
    with qtbot.waitSignal(documents.index_finished, timeout=TIMEOUT):
        documents.create(name, [folder])
    qtbot.waitUntil(lambda: _id_of(documents, name) is not None)
    return _id_of(documents, name)  # type: ignore[return-value]


def _menu(chips: CollectionChips) -> list[tuple[str, bool]]:
    """The Documents menu as the user sees it when it opens: (text, enabled); "-" a line."""
    chips.menu.aboutToShow.emit()
    return [
        ("-", False) if a.isSeparator() else (a.text(), a.isEnabled()) for a in chips.menu.actions()
    ]


def _action(chips: CollectionChips, text: str):  # type: ignore[no-untyped-def]
    chips.menu.aboutToShow.emit()
    [action] = [a for a in chips.menu.actions() if a.text() == text]
    return action


def test_without_collections_the_menu_offers_only_to_manage(qtbot, chips: CollectionChips) -> None:  # type: ignore[no-untyped-def]
    assert chips.chips == []
    # An icon chip: its tooltip (and accessible name) says what it is for; no count yet.
    assert chips.button.meaning == "documents"
    assert chips.button.accessibleName() == "Answer from your documents: attach a collection"
    assert chips.button.count() == 0 and chips.button.count_text() == ""
    assert _menu(chips) == [
        ("No collections yet", False),
        ("-", False),
        ("Manage collections…", True),
    ]
    with qtbot.waitSignal(chips.manage_requested):
        _action(chips, "Manage collections…").trigger()


def test_the_menu_offers_the_collections_not_attached_and_attaches_the_one_picked(
    qtbot, chips: CollectionChips, documents: DocumentCollections, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    harbour = _make(qtbot, documents, "Harbour", tmp_path / "h")
    mill = _make(qtbot, documents, "Mill", tmp_path / "m")
    assert _menu(chips) == [
        ("Harbour", True),
        ("Mill", True),
        ("-", False),
        ("Manage collections…", True),
    ]
    with qtbot.waitSignal(chips.attach_requested) as attached:
        _action(chips, "Mill").trigger()
    assert attached.args == [mill]
    chips.set_attached([mill])  # the session's answer
    assert [text for text, _ in _menu(chips)] == ["Harbour", "-", "Manage collections…"]
    chips.set_attached([mill, harbour])
    assert [text for text, _ in _menu(chips)] == ["-", "Manage collections…"]


def test_attached_collections_are_chips_and_the_cross_detaches(
    qtbot, chips: CollectionChips, documents: DocumentCollections, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    harbour = _make(qtbot, documents, "Harbour", tmp_path / "h")
    mill = _make(qtbot, documents, "Mill", tmp_path / "m")
    chips.set_attached([mill, harbour])
    assert [(c.collection_id, c.label.text()) for c in chips.chips] == [
        (mill, "Mill"),
        (harbour, "Harbour"),
    ]
    assert chips.button.count() == 2 and chips.button.count_text() == "2"
    assert "2 collection" in chips.button.accessibleName()
    chip = chips.chips[1]
    assert isinstance(chip, CollectionChip)
    qtbot.waitUntil(chip.isVisible)  # a layout shows a new child on the next event loop pass
    assert chip.label.toolTip() == plain_tooltip("Replies in this chat use passages from “Harbour”")
    assert chip.remove_button.accessibleName() == "Detach Harbour"
    with qtbot.waitSignal(chips.detach_requested) as detached:
        qtbot.mouseClick(chip.remove_button, Qt.MouseButton.LeftButton)
    assert detached.args == [harbour]
    chips.set_attached([mill])
    assert [c.label.text() for c in chips.chips] == ["Mill"]
    assert chips.button.count() == 1
    chips.set_attached([])
    assert chips.chips == []
    assert chips.button.count() == 0
    assert chips.button.accessibleName() == "Answer from your documents: attach a collection"


def test_chips_follow_renames_and_deletions(
    qtbot, chips: CollectionChips, documents: DocumentCollections, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    harbour = _make(qtbot, documents, "Harbour", tmp_path / "h")
    chips.set_attached([harbour, 4242])  # an id whose collection is gone: no chip
    assert [c.label.text() for c in chips.chips] == ["Harbour"]
    documents.rename(harbour, "Sea")
    qtbot.waitUntil(lambda: [c.label.text() for c in chips.chips] == ["Sea"])
    documents.delete(harbour)
    qtbot.waitUntil(lambda: chips.chips == [])
    assert chips.button.count() == 0  # a deleted collection is no longer counted


def test_a_chip_shows_its_name_as_plain_text(qtbot) -> None:  # type: ignore[no-untyped-def]
    chip = CollectionChip(7, "<b>Bold</b> & co")
    qtbot.addWidget(chip)
    assert chip.label.text() == "<b>Bold</b> & co"
    assert chip.label.textFormat() == Qt.TextFormat.PlainText
    with qtbot.waitSignal(chip.remove_requested) as removed:
        chip.remove_button.click()
    assert removed.args == [7]


def test_a_chip_is_kept_when_the_collection_list_is_reset(
    qtbot, chips: CollectionChips, documents: DocumentCollections, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Indexing reports reset the collection list; a chip replaced then would swallow the click
    the user was making on its ×."""
    harbour = _make(qtbot, documents, "Harbour", tmp_path / "h")
    chips.set_attached([harbour])
    chip = chips.chips[0]
    with qtbot.waitSignal(documents.collections.modelReset, timeout=TIMEOUT):
        documents.refresh()
    qtbot.wait(0)  # deleteLater would run on this pass
    assert chips.chips == [chip]
    assert chip.isVisible()

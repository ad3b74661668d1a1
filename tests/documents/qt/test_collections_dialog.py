"""The Collections dialog on its own, over a real DocumentCollections (index worker and all):
what it shows for no collection, one and two, what its buttons do, and what it says after an
update, a failure or an unusable embedding model."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent, QPalette
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QInputDialog, QListView

from desktop.documents.qt.collections import CollectionSourceModel, DocumentCollections
from desktop.documents.qt.collections_dialog import NAME_BOX_WIDTH, CollectionsDialog
from desktop.qtkit.theme import dark_palette, light_palette

TIMEOUT = 20_000


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "harbour.md").write_text(
        "# Harbour\n\nThe Harwick lighthouse burns whale oil and was first lit in 1847.\n"
    )
    (folder / "granary.txt").write_text("The granary at Elmsford stores barley and oats.\n")
    (folder / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    return folder


@pytest.fixture
def dialog(qtbot, documents: DocumentCollections) -> CollectionsDialog:  # type: ignore[no-untyped-def]
    dialog = CollectionsDialog(documents)
    qtbot.addWidget(dialog)
    dialog.confirm = lambda _title, _question: pytest.fail("asked an unexpected question")
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _make(qtbot, dialog: CollectionsDialog, name: str, paths: list[Path]) -> int:  # type: ignore[no-untyped-def]
    documents = dialog.documents
    with qtbot.waitSignal(documents.index_finished, timeout=TIMEOUT):
        dialog.create_collection(name, paths)
    # The list arrives once made and again once indexed; wait for the indexed one.
    qtbot.waitUntil(
        lambda: any(c.name == name and c.files for c in documents.collections.collections())
    )
    return next(c.id for c in documents.collections.collections() if c.name == name)


def _click(qtbot, view: QListView, row: int) -> None:  # type: ignore[no-untyped-def]
    index = view.model().index(row, 0)
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center()
    )


def _strings(view: QListView) -> list[str]:
    model = view.model()
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_without_collections_the_dialog_says_how_to_start(dialog: CollectionsDialog) -> None:
    assert dialog.pages.currentWidget() is dialog.empty_state
    assert dialog.empty_state.isVisible() and dialog.empty_new_button.isVisible()
    assert dialog.empty_state.title.text() == "No collections yet"
    assert "Drop folders or files here" in dialog.empty_state.text.text()
    assert dialog.title.text() == "" and dialog.summary.text() == ""
    assert dialog.new_button.isEnabled()
    for button in (
        dialog.rename_button,
        dialog.delete_button,
        dialog.add_folder_button,
        dialog.add_files_button,
        dialog.remove_source_button,
        dialog.reindex_button,
    ):
        assert not button.isEnabled(), button.text()
    assert dialog.selected is None
    assert _strings(dialog.source_list) == [] and _strings(dialog.file_list) == []
    assert not dialog.progress_row.isVisible()
    assert dialog.embedding_label.text().startswith("By words.")
    assert not dialog.embedding_off_button.isEnabled()
    assert not dialog.embedding_off_button.isVisible()  # nothing to turn off


def test_the_empty_states_new_collection_makes_one_and_shows_it(
    qtbot, dialog: CollectionsDialog, documents: DocumentCollections, notes: Path
) -> None:  # type: ignore[no-untyped-def]
    dialog.ask_name = lambda _title, _current: "Harbour notes"
    dialog.choose_folder = lambda: str(notes)
    with qtbot.waitSignal(documents.index_finished, timeout=TIMEOUT):
        qtbot.mouseClick(dialog.empty_new_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.pages.currentWidget() is not dialog.empty_state)
    assert dialog.collection_list.isVisible() and not dialog.empty_state.isVisible()
    assert dialog.title.text() == "Harbour notes"
    assert dialog.source_pages.currentWidget() is not dialog.sources_empty


def test_a_collection_without_folders_says_how_to_fill_it(
    qtbot, dialog: CollectionsDialog, documents: DocumentCollections, notes: Path
) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(documents.index_finished, timeout=TIMEOUT):
        dialog.create_collection("Empty for now", [])
    qtbot.waitUntil(lambda: dialog.title.text() == "Empty for now")
    assert dialog.source_pages.currentWidget() is dialog.sources_empty
    assert dialog.empty_add_folder_button.isVisible()
    assert dialog.empty_add_files_button.isVisible()
    assert not dialog.source_list.isVisible()
    dialog.choose_folder = lambda: str(notes)
    with qtbot.waitSignal(documents.index_finished, timeout=TIMEOUT):
        qtbot.mouseClick(dialog.empty_add_folder_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _strings(dialog.source_list) == [str(notes)])
    assert dialog.source_pages.currentWidget() is not dialog.sources_empty
    assert dialog.source_list.isVisible()


def test_a_cancelled_name_makes_no_collection(
    qtbot, dialog: CollectionsDialog, documents: DocumentCollections
) -> None:  # type: ignore[no-untyped-def]
    dialog.choose_folder = lambda: pytest.fail("asked for a folder after the name was cancelled")
    for answer in (None, "   "):
        dialog.ask_name = lambda _title, _current, answer=answer: answer
        qtbot.mouseClick(dialog.new_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(documents.collections.modelReset, timeout=TIMEOUT):
        documents.refresh()  # answered after anything sent before it
    assert documents.collections.rowCount() == 0


def test_a_new_collection_is_indexed_selected_and_summed_up(
    qtbot, dialog: CollectionsDialog, documents: DocumentCollections, notes: Path
) -> None:  # type: ignore[no-untyped-def]
    dialog.ask_name = lambda _title, current: "Harbour notes" if current == "" else None
    dialog.choose_folder = lambda: str(notes)
    busy: list[bool] = []
    documents.busy_changed.connect(lambda b: busy.append(dialog.progress_row.isVisible()))
    with qtbot.waitSignal(documents.index_finished, timeout=TIMEOUT):
        qtbot.mouseClick(dialog.new_button, Qt.MouseButton.LeftButton)
    assert busy[0] is True  # the progress row showed while indexing
    qtbot.waitUntil(lambda: "2 file(s)" in dialog.summary.text())
    # Plurals from the translations ("1 file", "2 files"); none are installed here.
    assert dialog.title.text() == "Harbour notes"
    assert dialog.title.textFormat() == Qt.TextFormat.PlainText
    assert dialog.summary.text() == "2 file(s) · 2 passage(s) · 1 unreadable"
    assert dialog.summary.foregroundRole() == QPalette.ColorRole.PlaceholderText
    assert _strings(dialog.collection_list) == ["Harbour notes"]
    assert dialog.collection_list.currentIndex().row() == 0
    assert _strings(dialog.source_list) == [str(notes)]
    qtbot.waitUntil(lambda: len(_strings(dialog.file_list)) == 3)
    assert "photo.txt · Unreadable: not a text file" in _strings(dialog.file_list)
    # Only what happened; the unreadable file is one of the three new ones, said apart.
    assert dialog.report_label.text() == (
        "Done: 3 new file(s). 1 could not be read; the list says why."
    )
    assert dialog.report_label.textFormat() == Qt.TextFormat.PlainText
    assert dialog.report_label.foregroundRole() == QPalette.ColorRole.PlaceholderText  # muted
    qtbot.waitUntil(lambda: not dialog.progress_row.isVisible())
    assert dialog.rename_button.isEnabled() and dialog.reindex_button.isEnabled()


def test_clicking_another_collection_shows_its_folders_and_files(
    qtbot, dialog: CollectionsDialog, notes: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    other = tmp_path / "mill"
    other.mkdir()
    (other / "mill.md").write_text("The mill pond at Foxmere freezes each winter.\n")
    first = _make(qtbot, dialog, "A harbour", [notes])
    second = _make(qtbot, dialog, "B mill", [other])
    assert _strings(dialog.collection_list) == ["A harbour", "B mill"]
    _click(qtbot, dialog.collection_list, 1)
    assert dialog.selected == second
    assert _strings(dialog.source_list) == [str(other)]
    qtbot.waitUntil(lambda: _strings(dialog.file_list) == ["mill.md · 1 passage(s)"])
    assert dialog.title.text() == "B mill"
    assert dialog.summary.text() == "1 file(s) · 1 passage(s)"  # no "0 unreadable"
    with qtbot.waitSignal(dialog.documents.collections.modelReset, timeout=TIMEOUT):
        dialog.documents.refresh()  # the list comes again: the same collection stays chosen
    assert dialog.selected == second
    assert dialog.collection_list.currentIndex().row() == 1
    _click(qtbot, dialog.collection_list, 0)
    assert dialog.selected == first
    qtbot.waitUntil(lambda: len(_strings(dialog.file_list)) == 3)


def test_a_new_collection_is_shown_not_the_one_that_was(
    qtbot, dialog: CollectionsDialog, notes: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Seen: making a second collection left the first one selected, its files under the new
    one's progress bar."""
    _make(qtbot, dialog, "Harbour notes", [notes])
    other = tmp_path / "mill"
    other.mkdir()
    (other / "mill.md").write_text("The mill pond at Foxmere freezes each winter.\n")
    dialog.ask_name = lambda _title, _current: "Mill"
    dialog.choose_folder = lambda: str(other)
    with qtbot.waitSignal(dialog.documents.index_finished, timeout=TIMEOUT):
        qtbot.mouseClick(dialog.new_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.title.text() == "Mill")
    assert _strings(dialog.source_list) == [str(other)]
    qtbot.waitUntil(lambda: _strings(dialog.file_list) == ["mill.md · 1 passage(s)"])
    # Later updates leave the selection to the user.
    _click(qtbot, dialog.collection_list, 0)
    with qtbot.waitSignal(dialog.documents.index_finished, timeout=TIMEOUT):
        dialog.documents.update(dialog.documents.collections.collections()[1].id)
    assert dialog.title.text() == "Harbour notes"


def test_files_are_added_removed_and_read_again(
    qtbot, dialog: CollectionsDialog, notes: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    _make(qtbot, dialog, "Harbour notes", [notes])
    extra = tmp_path / "extra.md"
    extra.write_text("The ferry leaves Gullhaven twice a day.\n")
    dialog.choose_files = lambda: [str(extra)]
    documents = dialog.documents
    with qtbot.waitSignal(documents.index_finished, timeout=TIMEOUT):
        qtbot.mouseClick(dialog.add_files_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: str(extra) in _strings(dialog.source_list))
    assert dialog.report_label.text() == "Done: 1 new file(s)."
    (notes / "granary.txt").write_text("The granary at Elmsford now stores rye.\n")
    with qtbot.waitSignal(documents.index_finished, timeout=TIMEOUT):
        qtbot.mouseClick(dialog.reindex_button, Qt.MouseButton.LeftButton)
    assert dialog.report_label.text() == "Done: 1 changed."  # not "0 added, 0 removed"
    with qtbot.waitSignal(documents.index_finished, timeout=TIMEOUT):
        qtbot.mouseClick(dialog.reindex_button, Qt.MouseButton.LeftButton)
    assert dialog.report_label.text() == "Done: no changes."
    _click(qtbot, dialog.source_list, _strings(dialog.source_list).index(str(notes)))
    with qtbot.waitSignal(documents.index_finished, timeout=TIMEOUT):
        qtbot.mouseClick(dialog.remove_source_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _strings(dialog.source_list) == [str(extra)])
    assert (notes / "harbour.md").is_file()  # only the collection forgets it


def test_a_folder_that_is_gone_and_a_failed_update_are_said_in_plain_text(
    qtbot, dialog: CollectionsDialog, documents: DocumentCollections, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    gone = tmp_path / "<b>unplugged</b>"
    with qtbot.waitSignal(documents.index_finished, timeout=TIMEOUT):
        dialog.create_collection("Drive", [gone])
    assert dialog.report_label.text() == (
        f"Done: no changes. Not found (what was indexed from it stays until you remove it): {gone}"
    )
    with qtbot.waitSignal(documents.index_failed, timeout=TIMEOUT) as failed:
        documents.update(4242)
    assert dialog.report_label.text() == f"Indexing failed: {failed.args[1]}"
    assert dialog.report_label.textFormat() == Qt.TextFormat.PlainText
    # A problem is said in the text colour, not muted like a job that went well.
    assert dialog.report_label.foregroundRole() == QPalette.ColorRole.WindowText


def test_a_folder_not_found_is_marked_in_the_list_until_it_is_back(
    qtbot, dialog: CollectionsDialog, notes: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """A renamed folder kept its files indexed and its row looked like any other: which one
    to remove was left to the status line."""
    documents = dialog.documents
    _make(qtbot, dialog, "Harbour notes", [notes])
    model = dialog.source_list.model()
    assert model.index(0, 0).data(CollectionSourceModel.PROBLEM_ROLE) is False
    assert model.index(0, 0).data(CollectionSourceModel.DETAIL_ROLE) == ""
    moved = tmp_path / "notes-renamed"
    notes.rename(moved)
    with qtbot.waitSignal(documents.index_finished, timeout=TIMEOUT):
        qtbot.mouseClick(dialog.reindex_button, Qt.MouseButton.LeftButton)
    row = model.index(_strings(dialog.source_list).index(str(notes)), 0)
    assert row.data(CollectionSourceModel.PROBLEM_ROLE) is True
    assert row.data(CollectionSourceModel.DETAIL_ROLE) == "Not found"
    assert row.data(Qt.ItemDataRole.ToolTipRole) == f"{notes}\nNot found at the last update"
    moved.rename(notes)  # the drive is back
    with qtbot.waitSignal(documents.index_finished, timeout=TIMEOUT):
        qtbot.mouseClick(dialog.reindex_button, Qt.MouseButton.LeftButton)
    assert model.index(0, 0).data(CollectionSourceModel.PROBLEM_ROLE) is False


def test_a_name_another_collection_has_gets_a_number(
    qtbot, dialog: CollectionsDialog, notes: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Two collections called "notes" (two folders of that name dropped) could not be told
    apart in the chat's Documents menu."""
    first = _make(qtbot, dialog, "notes", [notes])
    with qtbot.waitSignal(dialog.documents.index_finished, timeout=TIMEOUT):
        dialog.create_collection("Notes ", [notes])
    qtbot.waitUntil(lambda: dialog.documents.collections.rowCount() == 2)
    names = {c.id: c.name for c in dialog.documents.collections.collections()}
    second = next(i for i in names if i != first)
    assert names == {first: "notes", second: "Notes (2)"}
    dialog.select(second)
    dialog.ask_name = lambda _title, _current: "NOTES"
    qtbot.mouseClick(dialog.rename_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.documents.name_of(second) == "NOTES (2)")
    dialog.ask_name = lambda _title, _current: "Notes (2)"  # its own name: kept as typed
    qtbot.mouseClick(dialog.rename_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.documents.name_of(second) == "Notes (2)")


def test_the_name_box_is_wide_enough_for_a_name(qtbot, documents: DocumentCollections) -> None:  # type: ignore[no-untyped-def]
    dialog = CollectionsDialog(documents)  # its own questions, not the fixture's answers
    qtbot.addWidget(dialog)
    seen: list[tuple[int, str]] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QInputDialog):
            QTimer.singleShot(10, answer)
            return
        seen.append((box.width(), box.textValue()))
        box.setTextValue("Lighthouse keeper's notes")
        box.accept()

    QTimer.singleShot(0, answer)
    assert dialog.ask_name("Rename collection", "Harbour") == "Lighthouse keeper's notes"
    assert seen == [(NAME_BOX_WIDTH, "Harbour")]


def test_delete_asks_and_a_no_keeps_the_collection(
    qtbot, dialog: CollectionsDialog, documents: DocumentCollections, notes: Path
) -> None:  # type: ignore[no-untyped-def]
    _make(qtbot, dialog, "Harbour notes", [notes])
    questions: list[str] = []
    answer = False
    dialog.confirm = lambda _title, question: questions.append(question) or answer
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert questions == [
        "Delete the collection “Harbour notes” and its index? Your files are not touched."
    ]
    with qtbot.waitSignal(documents.collections.modelReset, timeout=TIMEOUT):
        documents.refresh()
    assert _strings(dialog.collection_list) == ["Harbour notes"]
    answer = True
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: documents.collections.rowCount() == 0)
    assert dialog.pages.currentWidget() is dialog.empty_state
    assert dialog.title.text() == "" and dialog.summary.text() == ""
    assert not dialog.delete_button.isEnabled()


def test_rename_uses_the_name_typed(
    qtbot, dialog: CollectionsDialog, documents: DocumentCollections, notes: Path
) -> None:  # type: ignore[no-untyped-def]
    collection = _make(qtbot, dialog, "Harbour notes", [notes])
    offered: list[str] = []
    dialog.ask_name = lambda _title, current: offered.append(current) or "Sea notes"
    qtbot.mouseClick(dialog.rename_button, Qt.MouseButton.LeftButton)
    assert offered == ["Harbour notes"]  # the current name is offered to edit
    qtbot.waitUntil(lambda: _strings(dialog.collection_list) == ["Sea notes"])
    assert dialog.selected == collection  # still the one on screen
    qtbot.waitUntil(lambda: dialog.title.text() == "Sea notes")


def test_dropping_files_adds_them_to_the_selected_collection(
    qtbot, dialog: CollectionsDialog, documents: DocumentCollections, notes: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    _make(qtbot, dialog, "Harbour notes", [notes])
    dropped = tmp_path / "dropped.md"
    dropped.write_text("Rooks nest in the elms at Rookhollow.\n")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(dropped))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(documents.index_finished, timeout=TIMEOUT):
        dialog.dropEvent(event)  # Qt delivers drops only during a real drag
    assert event.isAccepted()
    qtbot.waitUntil(lambda: str(dropped) in _strings(dialog.source_list))
    assert _strings(dialog.collection_list) == ["Harbour notes"]  # no new collection


def test_an_unusable_embedding_model_is_said_and_words_only_turns_it_off(
    qtbot, dialog: CollectionsDialog, documents: DocumentCollections, notes: Path, not_gguf_file
) -> None:  # type: ignore[no-untyped-def]
    _make(qtbot, dialog, "Harbour notes", [notes])
    dialog.choose_embedding_file = lambda: str(not_gguf_file)
    with (
        qtbot.waitSignal(dialog.embedding_model_chosen) as chosen,
        qtbot.waitSignal(documents.embedding_failed, timeout=TIMEOUT),
    ):
        qtbot.mouseClick(dialog.embedding_button, Qt.MouseButton.LeftButton)
    assert chosen.args == [str(not_gguf_file)]
    assert dialog.embedding_label.text().startswith("The embedding model cannot be used: ")
    assert dialog.embedding_label.textFormat() == Qt.TextFormat.PlainText
    assert dialog.embedding_label.foregroundRole() == QPalette.ColorRole.WindowText
    assert dialog.embedding_off_button.isEnabled() and dialog.embedding_off_button.isVisible()
    with qtbot.waitSignal(dialog.embedding_model_chosen) as chosen:
        qtbot.mouseClick(dialog.embedding_off_button, Qt.MouseButton.LeftButton)
    assert chosen.args == [""]
    assert dialog.embedding_label.text().startswith("By words.")
    assert dialog.embedding_label.foregroundRole() == QPalette.ColorRole.PlaceholderText
    assert not dialog.embedding_off_button.isVisible()
    assert documents.embedding_model == ""


def test_a_cancelled_embedding_choice_changes_nothing(dialog: CollectionsDialog) -> None:
    dialog.choose_embedding_file = lambda: None
    chosen: list[str] = []
    dialog.embedding_model_chosen.connect(chosen.append)
    dialog.embedding_button.click()
    assert chosen == [] and dialog.documents.embedding_model == ""


def test_the_collection_heads_its_pane_and_the_report_sits_beside_close(
    qtbot, dialog: CollectionsDialog, notes: Path
) -> None:  # type: ignore[no-untyped-def]
    """The collection's name, then its counts, then its folders, then its files, top down; the
    lists' own headings are level with the "Collections" heading's column, and how the last
    job ended is a status line on the Close button's row."""
    _make(qtbot, dialog, "Harbour notes", [notes])
    dialog.resize(760, 520)
    qtbot.waitUntil(lambda: dialog.source_list.isVisible())

    def top(widget) -> int:  # type: ignore[no-untyped-def]
        return widget.mapTo(dialog, widget.rect().topLeft()).y()

    def middle(widget) -> int:  # type: ignore[no-untyped-def]
        return widget.mapTo(dialog, widget.rect().center()).y()

    assert top(dialog.title) < top(dialog.summary) < top(dialog.source_list)
    assert top(dialog.source_list) < top(dialog.file_list)
    assert top(dialog.title) <= top(dialog.collection_list)
    close = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Close)
    assert abs(middle(dialog.report_label) - middle(close)) <= close.height() // 2


def test_the_folder_list_is_as_tall_as_its_rows_up_to_three(
    qtbot, dialog: CollectionsDialog
) -> None:  # type: ignore[no-untyped-def]
    heights = []
    for count in (1, 2, 3, 6):
        dialog.source_model.setStringList([f"/notes/{n}" for n in range(count)])
        heights.append(dialog.source_list.height())
    assert heights[0] < heights[1] < heights[2] == heights[3]


def test_the_new_collection_plus_follows_the_theme(qtbot, dialog: CollectionsDialog) -> None:  # type: ignore[no-untyped-def]
    """Made in one theme, the "+" was left in that theme's text colour after a switch (dark on
    the dark theme's button)."""

    def ink() -> int:  # the lightness of the glyph's most opaque pixels
        image = dialog.new_button.icon().pixmap(32, 32).toImage()
        pixels = [
            image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())
        ]
        strongest = max(pixel.alpha() for pixel in pixels)
        return max(pixel.lightness() for pixel in pixels if pixel.alpha() == strongest)

    dialog.setPalette(light_palette())
    assert ink() < 100  # dark ink on a light button
    dialog.setPalette(dark_palette())
    assert ink() > 150

"""The Library tab on its own (LibraryPanel and LibraryListModel) over real folders and the tiny
GGUF: what the table lists, what selecting, double-clicking and the buttons do."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QTableView

from desktop.core.settings import Settings
from desktop.models.catalog import Fit, MachineMemory
from desktop.models.qt.library_view import LibraryListModel, LibraryPanel, fit_colour
from desktop.qtkit.background_calls import BackgroundCalls
from desktop.qtkit.plain_text import plain_tooltip

GIB = 1 << 30
BIG_MACHINE = MachineMemory(total=64 * GIB, available=48 * GIB)
TINY_MACHINE = MachineMemory(total=64 << 10, available=16 << 10)
TIMEOUT = 10_000
Roles = LibraryListModel.Roles


@pytest.fixture
def settings(private_data_dir: Path) -> Settings:
    return Settings(private_data_dir / "settings.json")


@pytest.fixture
def machine() -> list[MachineMemory]:
    """The machine the fit marks are judged against; a test may put another one in."""
    return [BIG_MACHINE]


@pytest.fixture
def panel(  # type: ignore[no-untyped-def]
    qtbot,
    settings: Settings,
    private_data_dir: Path,
    calls: BackgroundCalls,
    machine: list[MachineMemory],
) -> LibraryPanel:
    panel = LibraryPanel(
        settings,
        private_data_dir / "models",
        private_data_dir / "cache.json",
        calls,
        lambda: machine[0],
    )
    panel.resize(1000, 500)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def _rescan(qtbot, panel: LibraryPanel) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(panel.scanned, timeout=TIMEOUT):
        panel.rescan()


def _put(tiny_gguf: Path, folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(tiny_gguf, folder / name))


def _text(model: LibraryListModel, row: int, column: int) -> str:
    return str(model.index(row, column).data())


def _click_row(qtbot, view: QTableView, row: int, double: bool = False) -> None:  # type: ignore[no-untyped-def]
    index = view.model().index(row, 0)
    position = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=position)
    if double:  # a double click is a press and release, then the double-click event
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=position)


def test_an_empty_library_says_how_to_add_a_model(qtbot, panel: LibraryPanel) -> None:  # type: ignore[no-untyped-def]
    _rescan(qtbot, panel)
    assert panel.model.rowCount() == 0
    assert panel.models_dir.is_dir()  # made on the first scan
    assert panel.summary.text().startswith("Models folder:")  # "No models yet." says the rest
    assert str(panel.models_dir) in panel.summary.text()
    empty = panel.empty_state
    assert empty.isVisible() and empty.title.text() == "No models yet"
    assert "Browse tab" in empty.text.text()  # says what to do, in the table's place
    assert "drop one here" in empty.text.text()
    assert not panel.view.isVisible()
    assert empty.text.textFormat() == Qt.TextFormat.PlainText
    assert empty.text.foregroundRole() == QPalette.ColorRole.PlaceholderText  # muted
    assert not panel.load_button.isEnabled() and not panel.delete_button.isEnabled()
    # Nothing to load or delete, and the empty state offers Add file… itself.
    assert not panel.load_button.isVisible() and not panel.delete_button.isVisible()
    assert not panel.add_file_button.isVisible()
    assert panel.add_folder_button.isVisible() and panel.refresh_button.isVisible()
    assert panel.summary.textFormat() == Qt.TextFormat.PlainText


def test_a_model_is_listed_with_its_facts(
    qtbot, panel: LibraryPanel, tiny_gguf: Path, qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    model = panel.model
    qtmodeltester.check(model, force_py=True)  # stays attached: the rescans below are checked
    path = _put(tiny_gguf, panel.models_dir, "tiny.gguf")
    _rescan(qtbot, panel)
    assert model.rowCount() == 1
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(10)] == [
        "Name",
        "File",
        "Architecture",
        "Parameters",
        "Quantization",
        "Size",
        "Context",
        "Chat template",
        "License",
        "Memory",
    ]
    assert _text(model, 0, LibraryListModel.ARCH) == "llama"
    assert _text(model, 0, LibraryListModel.FILE) == "tiny.gguf"
    assert _text(model, 0, LibraryListModel.TEMPLATE) == "Yes"
    assert _text(model, 0, LibraryListModel.FIT) == "Fits"
    assert model.index(0, LibraryListModel.FIT).data(Qt.ItemDataRole.ForegroundRole) == (
        fit_colour(Fit.FITS)
    )
    assert model.index(0, LibraryListModel.FIT).data(Qt.ItemDataRole.ToolTipRole) == (
        "Judged for a context of 4,096 tokens against this computer's memory."
    )
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == plain_tooltip(str(path))
    assert model.index(0, 0).data(Roles.PathRole) == str(path)
    assert model.index(0, 0).data(Roles.UsableRole) is True
    assert model.index(0, 0).data(Roles.SizeRole) == path.stat().st_size
    assert model.index(0, 0).data(Roles.KindRole) == "model"
    assert not panel.empty_state.isVisible() and panel.view.isVisible()
    assert panel.load_button.isVisible() and panel.delete_button.isVisible()
    assert panel.add_file_button.isVisible()
    # A second model arrives and the first goes: the table follows each rescan.
    _put(tiny_gguf, panel.models_dir, "another.gguf")
    _rescan(qtbot, panel)
    assert model.rowCount() == 2
    path.unlink()
    _rescan(qtbot, panel)
    assert [model.index(r, 0).data(Roles.PathRole) for r in range(model.rowCount())] == [
        str(panel.models_dir / "another.gguf")
    ]


def test_clicking_a_model_enables_load_and_double_clicking_loads_it(
    qtbot, panel: LibraryPanel, tiny_gguf: Path
) -> None:  # type: ignore[no-untyped-def]
    path = _put(tiny_gguf, panel.models_dir, "tiny.gguf")
    _rescan(qtbot, panel)
    assert not panel.load_button.isEnabled()
    _click_row(qtbot, panel.view, 0)
    assert panel.selected_entry() is not None and panel.selected_entry().path == path
    assert panel.load_button.isEnabled() and panel.delete_button.isEnabled()
    with qtbot.waitSignal(panel.load_requested) as loaded:
        qtbot.mouseClick(panel.load_button, Qt.MouseButton.LeftButton)
    assert loaded.args == [str(path)]
    with qtbot.waitSignal(panel.load_requested) as loaded:
        _click_row(qtbot, panel.view, 0, double=True)
    assert loaded.args == [str(path)]


def test_the_loaded_model_is_marked_and_not_offered_again(
    qtbot, panel: LibraryPanel, tiny_gguf: Path
) -> None:  # type: ignore[no-untyped-def]
    loaded = _put(tiny_gguf, panel.models_dir, "loaded.gguf")
    _put(tiny_gguf, panel.models_dir, "other.gguf")
    panel.set_loaded(str(loaded))  # before the first scan: the rows come marked
    _rescan(qtbot, panel)
    subtitles = [panel.model.index(r, 0).data(Roles.SubtitleRole) for r in range(2)]
    assert subtitles == ["loaded.gguf · Loaded", "other.gguf"]
    _click_row(qtbot, panel.view, 0)
    assert panel.load_button.text() == "Loaded" and not panel.load_button.isEnabled()
    _click_row(qtbot, panel.view, 1)
    assert panel.load_button.text() == "&Load" and panel.load_button.isEnabled()
    with qtbot.waitSignal(panel.model.dataChanged):
        panel.set_loaded(str(panel.models_dir / "other.gguf"))
    subtitles = [panel.model.index(r, 0).data(Roles.SubtitleRole) for r in range(2)]
    assert subtitles == ["loaded.gguf", "other.gguf · Loaded"]
    assert not panel.load_button.isEnabled()
    panel.set_loaded("")
    assert panel.load_button.isEnabled()
    assert panel.model.index(1, 0).data(Roles.SubtitleRole) == "other.gguf"


def test_a_file_that_cannot_be_loaded_is_listed_last_and_cannot_be_loaded(
    qtbot, panel: LibraryPanel, tiny_gguf: Path, not_gguf_file: Path
) -> None:  # type: ignore[no-untyped-def]
    _put(tiny_gguf, panel.models_dir, "zzz.gguf")
    shutil.copy(not_gguf_file, panel.models_dir / "aaa-photo.gguf")  # sorts first by name
    _rescan(qtbot, panel)
    model = panel.model
    assert model.index(0, 0).data(Roles.UsableRole) is True  # loadable models come first
    assert model.index(1, 0).data(Roles.UsableRole) is False
    assert _text(model, 1, LibraryListModel.FIT) == "Can't be loaded"
    assert _text(model, 1, LibraryListModel.ARCH) == ""
    assert model.index(1, 0).data(Roles.FitRole) == ""
    tooltip = model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip.startswith("<qt>This file can't be loaded: ")  # shown as plain text
    _click_row(qtbot, panel.view, 1)
    assert not panel.load_button.isEnabled() and panel.delete_button.isEnabled()
    loads: list[str] = []
    panel.load_requested.connect(loads.append)
    _click_row(qtbot, panel.view, 1, double=True)
    panel.load_selected()
    assert loads == []


def test_a_vision_projector_is_listed_as_such(qtbot, panel: LibraryPanel, tiny_gguf: Path) -> None:  # type: ignore[no-untyped-def]
    _put(tiny_gguf, panel.models_dir, "mmproj-tiny.gguf")
    _rescan(qtbot, panel)
    model = panel.model
    assert _text(model, 0, LibraryListModel.ARCH) == "Vision projector"
    # The Architecture column starts hidden: the name's second line says it too.
    assert model.index(0, 0).data(Roles.SubtitleRole) == "mmproj-tiny.gguf · Vision projector"
    assert _text(model, 0, LibraryListModel.FIT) == ""
    assert model.index(0, 0).data(Roles.KindRole) == "projector"
    assert panel.summary.text().startswith("0 model(s)")  # a projector is not a model


def test_a_model_too_big_for_this_machine_is_marked(
    qtbot, panel: LibraryPanel, tiny_gguf: Path, machine: list[MachineMemory]
) -> None:  # type: ignore[no-untyped-def]
    _put(tiny_gguf, panel.models_dir, "tiny.gguf")
    machine[0] = TINY_MACHINE
    _rescan(qtbot, panel)
    assert _text(panel.model, 0, LibraryListModel.FIT) == "Won't fit"
    assert panel.model.index(0, 0).data(Roles.FitRole) == Fit.WONT_FIT.value


def test_the_fit_is_judged_for_the_models_own_context_setting(
    qtbot, panel: LibraryPanel, tiny_gguf: Path, settings: Settings
) -> None:  # type: ignore[no-untyped-def]
    _put(tiny_gguf, panel.models_dir, "tiny.gguf")
    settings.set("model.n_ctx", 1024, "tiny.gguf")
    _rescan(qtbot, panel)
    tooltip = panel.model.index(0, LibraryListModel.FIT).data(Qt.ItemDataRole.ToolTipRole)
    assert "1,024 tokens" in tooltip


def test_an_added_folder_is_listed_and_kept_and_a_missing_one_is_named(
    qtbot, panel: LibraryPanel, tiny_gguf: Path, settings: Settings, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    elsewhere = tmp_path / "elsewhere"
    _put(tiny_gguf, elsewhere, "far.gguf")
    with qtbot.waitSignal(panel.scanned, timeout=TIMEOUT):
        panel.add_folder(elsewhere)
    assert panel.model.row_of(elsewhere / "far.gguf") == 0
    assert str(elsewhere) in (settings.path.read_text())  # saved, not only set
    shutil.rmtree(elsewhere)  # unplugged
    _rescan(qtbot, panel)
    assert panel.model.rowCount() == 0
    assert f"Not found (unplugged?): {elsewhere}" in panel.summary.text()


def test_importing_a_file_already_in_the_library_copies_nothing(
    qtbot, panel: LibraryPanel, tiny_gguf: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    _put(tiny_gguf, panel.models_dir, "tiny.gguf")
    outside = _put(tiny_gguf, tmp_path / "outside", "tiny.gguf")
    (tmp_path / "outside" / "notes.txt").write_text("not a model")
    asked: list[Path] = []
    panel.ask_import = lambda path: asked.append(path) or "copy"
    panel.import_files([outside, tmp_path / "outside" / "notes.txt"])
    assert asked == [outside]  # only .gguf files are offered
    assert panel.summary.text() == "tiny.gguf is already in the library."


def test_a_declined_delete_keeps_the_file(qtbot, panel: LibraryPanel, tiny_gguf: Path) -> None:  # type: ignore[no-untyped-def]
    path = _put(tiny_gguf, panel.models_dir, "tiny.gguf")
    _rescan(qtbot, panel)
    assert panel.select_path(path)
    questions: list[str] = []
    panel.confirm = lambda _title, question: questions.append(question) or False
    qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    assert len(questions) == 1 and "tiny.gguf" in questions[0] and "trash" in questions[0]
    assert path.is_file()
    assert panel.model.rowCount() == 1


def test_the_selection_stays_on_the_same_model_after_a_rescan(
    qtbot, panel: LibraryPanel, tiny_gguf: Path
) -> None:  # type: ignore[no-untyped-def]
    _put(tiny_gguf, panel.models_dir, "b.gguf")
    second = _put(tiny_gguf, panel.models_dir, "c.gguf")
    _rescan(qtbot, panel)
    assert panel.select_path(second)
    _put(tiny_gguf, panel.models_dir, "a.gguf")  # sorts before: the row number changes
    _rescan(qtbot, panel)
    assert panel.selected_entry() is not None and panel.selected_entry().path == second
    assert not panel.select_path(panel.models_dir / "gone.gguf")


def test_the_model_reports_nothing_outside_its_rows() -> None:
    model = LibraryListModel()
    assert model.rowCount() == 0 and model.columnCount() == LibraryListModel.COLUMNS
    assert model.data(QModelIndex()) is None
    assert model.entry(0) is None and model.row_of("/nowhere.gguf") == -1


def test_models_of_one_name_are_told_apart_by_their_file(
    qtbot, panel: LibraryPanel, tiny_gguf: Path
) -> None:  # type: ignore[no-untyped-def]
    """Six quants of one model share general.name; the File column tells them apart without
    a tooltip (issue 16 item 17)."""
    _put(tiny_gguf, panel.models_dir, "tiny-Q4_0.gguf")
    _put(tiny_gguf, panel.models_dir, "tiny-Q8_0.gguf")
    _rescan(qtbot, panel)
    model = panel.model
    names = {_text(model, r, LibraryListModel.NAME) for r in range(model.rowCount())}
    files = [_text(model, r, LibraryListModel.FILE) for r in range(model.rowCount())]
    assert len(names) == 1
    assert sorted(files) == ["tiny-Q4_0.gguf", "tiny-Q8_0.gguf"]


def test_a_long_search_shows_how_far_it_is(  # type: ignore[no-untyped-def]
    qtbot, panel: LibraryPanel, tiny_gguf: Path, monkeypatch
) -> None:
    """While a big folder is searched the line above the table counts, instead of a bare
    "Looking for models…" for minutes."""
    import threading

    import desktop.models.catalog as catalog
    import desktop.models.qt.library_view as library_view

    _put(tiny_gguf, panel.models_dir / "deep" / "er", "tiny.gguf")
    monkeypatch.setattr(catalog, "PROGRESS_EVERY_S", 0.0)
    reading = threading.Event()
    real_reader = library_view.read_model_facts

    def held_reader(path: Path):  # type: ignore[no-untyped-def]
        reading.wait(TIMEOUT / 1000)  # the search is done; the headers are still being read
        return real_reader(path)

    monkeypatch.setattr(library_view, "read_model_facts", held_reader)
    with qtbot.waitSignal(panel.scanned, timeout=TIMEOUT):
        panel.rescan()
        qtbot.waitUntil(lambda: "searched" in panel.summary.text(), timeout=TIMEOUT)
        assert "1 GGUF file(s) found" in panel.summary.text()
        reading.set()
    assert panel.summary.text().startswith("1 model(s)")


# -- the empty state's buttons --------------------------------------------------------------------


def test_the_empty_librarys_browse_button_asks_for_the_browse_tab(
    qtbot, panel: LibraryPanel
) -> None:  # type: ignore[no-untyped-def]
    _rescan(qtbot, panel)
    assert panel.browse_button.isVisible()
    with qtbot.waitSignal(panel.browse_requested, timeout=TIMEOUT):
        qtbot.mouseClick(panel.browse_button, Qt.MouseButton.LeftButton)


def test_the_empty_librarys_add_file_button_asks_for_a_file_and_adds_it(  # type: ignore[no-untyped-def]
    qtbot, panel: LibraryPanel, tiny_gguf: Path, monkeypatch
) -> None:
    import desktop.models.qt.library_view as library_view

    outside = _put(tiny_gguf, panel.models_dir.parent / "elsewhere", "picked.gguf")
    monkeypatch.setattr(
        library_view.QFileDialog,
        "getOpenFileNames",
        lambda *_args: ([str(outside)], "GGUF models (*.gguf)"),
    )
    asked: list[Path] = []
    panel.ask_import = lambda path: asked.append(path) or "in_place"
    _rescan(qtbot, panel)
    assert panel.empty_add_button.isVisible()
    with qtbot.waitSignal(panel.scanned, timeout=TIMEOUT):
        qtbot.mouseClick(panel.empty_add_button, Qt.MouseButton.LeftButton)
    assert asked == [outside]
    assert panel.model.row_of(outside) == 0
    assert panel.view.isVisible() and not panel.empty_state.isVisible()


# -- columns --------------------------------------------------------------------------------------


def _shown_columns(panel: LibraryPanel) -> list[str]:
    return [
        key
        for column, key in enumerate(LibraryListModel.COLUMN_KEYS)
        if not panel.view.isColumnHidden(column)
    ]


def test_the_less_read_columns_start_hidden_and_the_table_fits_without_scrolling_sideways(  # type: ignore[no-untyped-def]
    qtbot, panel: LibraryPanel, tiny_gguf: Path
) -> None:
    """Ten columns needed a horizontal scroll bar in the default dialog with one model; the
    name now takes what is left and file, architecture, chat template and license start
    hidden."""
    _put(tiny_gguf, panel.models_dir, "a-model-with-a-rather-long-file-name-Q4_K_M.gguf")
    panel.resize(740, 500)  # the Library tab in an 800 × 600 window
    _rescan(qtbot, panel)
    assert _shown_columns(panel) == [
        "name",
        "parameters",
        "quantization",
        "size",
        "context",
        "memory",
    ]
    qtbot.waitUntil(lambda: panel.view.horizontalHeader().length() > 0)
    assert panel.view.horizontalScrollBar().maximum() == 0
    header = panel.view.horizontalHeader()
    assert header.length() <= panel.view.viewport().width()


def test_the_name_column_shows_the_file_name_under_the_name(
    qtbot, panel: LibraryPanel, tiny_gguf: Path
) -> None:  # type: ignore[no-untyped-def]
    """With the File column hidden, quants of one model are still told apart: the name's
    second line is the file name, so its row is two lines high."""
    from PySide6.QtWidgets import QStyleOptionViewItem

    from desktop.qtkit.item_delegates import TwoLineDelegate

    _put(tiny_gguf, panel.models_dir, "tiny-Q8_0.gguf")
    _rescan(qtbot, panel)
    index = panel.model.index(0, LibraryListModel.NAME)
    assert index.data(Roles.FileRole) == "tiny-Q8_0.gguf"
    assert index.data(Roles.SubtitleRole) == "tiny-Q8_0.gguf"
    delegate = panel.view.itemDelegateForColumn(LibraryListModel.NAME)
    assert isinstance(delegate, TwoLineDelegate)
    option = QStyleOptionViewItem()
    option.initFrom(panel.view)
    line = panel.view.fontMetrics().height()
    assert delegate.sizeHint(option, index).height() >= 2 * line
    assert panel.view.rowHeight(0) >= 2 * line
    bigger = panel.font()  # Settings › Text size: the rows grow with the text
    bigger.setPointSizeF(bigger.pointSizeF() * 2)
    panel.setFont(bigger)
    assert panel.view.rowHeight(0) >= 2 * panel.view.fontMetrics().height() > 2 * line


def test_the_header_menu_shows_and_hides_columns_and_the_choice_is_kept(  # type: ignore[no-untyped-def]
    qtbot,
    panel: LibraryPanel,
    settings: Settings,
    private_data_dir: Path,
    calls: BackgroundCalls,
) -> None:
    menu = panel.columns.menu()
    titles = [action.text() for action in menu.actions()]
    assert "Name" not in titles  # the name always shows
    assert len(titles) == LibraryListModel.COLUMNS - 1
    checked = {action.text(): action.isChecked() for action in menu.actions()}
    assert checked["License"] is False and checked["Size"] is True
    actions = {action.text(): action for action in menu.actions()}
    actions["License"].trigger()  # show it
    actions["Size"].trigger()  # hide it
    menu.deleteLater()
    assert not panel.view.isColumnHidden(LibraryListModel.LICENSE)
    assert panel.view.isColumnHidden(LibraryListModel.SIZE)
    assert settings.get("library.hidden_columns") == "file,architecture,size,chat_template"
    # Kept on disk: a new view (the next time the app runs) hides the same columns.
    again = LibraryPanel(
        Settings(private_data_dir / "settings.json"),
        private_data_dir / "models",
        private_data_dir / "cache.json",
        calls,
        lambda: BIG_MACHINE,
    )
    qtbot.addWidget(again)
    assert _shown_columns(again) == _shown_columns(panel)
    assert again.view.isColumnHidden(LibraryListModel.SIZE)
    assert not again.view.isColumnHidden(LibraryListModel.LICENSE)


def test_the_header_says_how_to_choose_columns(panel: LibraryPanel) -> None:
    model = panel.model
    tip = model.headerData(
        LibraryListModel.SIZE, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )
    assert "Right-click" in str(tip)
    policy = panel.view.horizontalHeader().contextMenuPolicy()
    assert policy == Qt.ContextMenuPolicy.CustomContextMenu

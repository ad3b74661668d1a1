"""The Library tab: the models on this computer, what they are, whether they fit, one-click load.

The scan (``models.catalog.scan_library`` with the engine's header reader) runs on a
:class:`~desktop.qtkit.background_calls.BackgroundCalls` pool: a folder of headers already in the
cache lists in milliseconds, but a first scan of a big external folder reads every header, and an
unplugged network drive can block ``stat`` for seconds. While a big folder is searched (a home
folder added with Add folder…), the line above the table counts the folders searched and the
GGUF files found, so the search is seen to move.

The table fits the dialog without scrolling sideways: the name takes the width that is left (its
file name under it, so six quants of one model are told apart) and the columns most people never
read (file, architecture, chat template, license) start hidden. The header's right-click menu
shows and hides any column but the name; the choice is the ``library.hidden_columns`` setting.
An empty library shows an empty state in the table's place, with *Browse models* and *Add file…*.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from enum import IntEnum
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QEvent,
    QFile,
    QModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.core.settings import Settings, parse_gpu_layers
from desktop.models.catalog import (
    Fit,
    LibraryEntry,
    LibraryScan,
    MachineMemory,
    ModelKind,
    estimate_memory,
    judge_fit,
    scan_library,
)
from desktop.models.library import read_model_facts
from desktop.models.qt.downloads_model import format_size
from desktop.models.qt.server_models_list import ServerModelsList
from desktop.models.settings_map import extra_folders
from desktop.qtkit.background_calls import BackgroundCalls
from desktop.qtkit.column_chooser import ColumnChooser
from desktop.qtkit.empty_state import EmptyState
from desktop.qtkit.item_delegates import TwoLineDelegate
from desktop.qtkit.list_model import RoleValue
from desktop.qtkit.plain_text import ask_plain, plain_message_box, plain_tooltip
from desktop.qtkit.push_button import push_button
from desktop.qtkit.row_table_model import (
    RowTableModel,
    SpacedColumnsDelegate,
    select_row,
    selected_row,
    setup_row_view,
)

__all__ = [
    "LibraryListModel",
    "LibraryPanel",
    "LibraryRow",
    "fit_colour",
    "format_params",
]

#: Mid-tone colours that read on light and dark backgrounds alike.
_FIT_COLOURS = {Fit.FITS: "#3c9a4a", Fit.TIGHT: "#c08a00", Fit.WONT_FIT: "#d0453a"}


def fit_colour(fit: Fit | None) -> QColor | None:
    return QColor(_FIT_COLOURS[fit]) if fit is not None else None


def format_params(count: int | None) -> str:
    """'7.2B', '270M': how model pages name sizes."""
    if not count:
        return ""
    if count >= 1_000_000_000:
        return f"{count / 1e9:.1f}B".replace(".0B", "B")
    if count >= 1_000_000:
        return f"{count / 1e6:.0f}M"
    return f"{count / 1e3:.0f}K"


def fit_text(fit: Fit | None) -> str:
    if fit is None:
        return ""
    return {
        Fit.FITS: QCoreApplication.translate("ModelFit", "Fits"),
        Fit.TIGHT: QCoreApplication.translate("ModelFit", "Tight"),
        Fit.WONT_FIT: QCoreApplication.translate("ModelFit", "Won't fit"),
    }[fit]


@dataclass(frozen=True, slots=True)
class LibraryRow:
    entry: LibraryEntry
    fit: Fit | None  # None: not a loadable model (projector, unreadable file)
    context_length: int  # the context setting the fit was judged for
    loaded: bool = False  # the model the chat has loaded now


class LibraryListModel(RowTableModel):
    """The library's models (loadable ones first, by name), as a table of :data:`COLUMNS`.

    Signals:
        The standard ``QAbstractItemModel`` signals only.
    """

    class Roles(IntEnum):
        PathRole = Qt.ItemDataRole.UserRole + 1  # str, what to load
        UsableRole = Qt.ItemDataRole.UserRole + 2  # bool
        FitRole = Qt.ItemDataRole.UserRole + 3  # str, a Fit value or ""
        SizeRole = Qt.ItemDataRole.UserRole + 4  # int bytes, all parts
        KindRole = Qt.ItemDataRole.UserRole + 5  # str, a ModelKind value
        FileRole = Qt.ItemDataRole.UserRole + 6  # str, the file's name
        SubtitleRole = Qt.ItemDataRole.UserRole + 7  # str, the name's second line

    ROLE_VALUES: ClassVar[Mapping[int, RoleValue]] = {
        Roles.PathRole: lambda row: str(row.entry.path),
        Roles.UsableRole: "entry.usable",
        Roles.FitRole: lambda row: row.fit.value if row.fit is not None else "",
        Roles.SizeRole: "entry.size",
        Roles.KindRole: "entry.kind.value",
        Roles.FileRole: "entry.path.name",
        Roles.SubtitleRole: lambda row: LibraryListModel.subtitle(row),
    }

    # FILE tells apart models with one general.name (six "Gemma 3 270m" quants, two repos).
    NAME, FILE, ARCH, PARAMS, QUANT, SIZE, CONTEXT, TEMPLATE, LICENSE, FIT = range(10)
    COLUMN_TITLES = (
        QT_TRANSLATE_NOOP("LibraryListModel", "Name"),
        QT_TRANSLATE_NOOP("LibraryListModel", "File"),
        QT_TRANSLATE_NOOP("LibraryListModel", "Architecture"),
        QT_TRANSLATE_NOOP("LibraryListModel", "Parameters"),
        QT_TRANSLATE_NOOP("LibraryListModel", "Quantization"),
        QT_TRANSLATE_NOOP("LibraryListModel", "Size"),
        QT_TRANSLATE_NOOP("LibraryListModel", "Context"),
        QT_TRANSLATE_NOOP("LibraryListModel", "Chat template"),
        QT_TRANSLATE_NOOP("LibraryListModel", "License"),
        QT_TRANSLATE_NOOP("LibraryListModel", "Memory"),
    )
    COLUMN_KEYS = (
        "name",
        "file",
        "architecture",
        "parameters",
        "quantization",
        "size",
        "context",
        "chat_template",
        "license",
        "memory",
    )
    """Each column's name in the ``library.hidden_columns`` setting (stable, not translated)."""

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return self.tr("Right-click to show or hide columns")
        return super().headerData(section, orientation, role)

    @staticmethod
    def subtitle(row: LibraryRow) -> str:
        """Under the name: the file's name, and whether the chat has it loaded or what a
        projector is (the Architecture column that says so starts hidden)."""
        name = row.entry.path.name
        if row.loaded:
            loaded = QCoreApplication.translate("LibraryListModel", "Loaded")
            return f"{name} · {loaded}"
        if row.entry.kind is ModelKind.PROJECTOR:
            projector = QCoreApplication.translate("LibraryListModel", "Vision projector")
            return f"{name} · {projector}"
        return name

    def set_rows(self, rows: list[LibraryRow]) -> None:
        rows = [replace(row, loaded=self.is_loaded(row.entry.path)) for row in rows]
        self.reset_rows(
            sorted(rows, key=lambda r: (not r.entry.usable, self.display_name(r.entry).lower()))
        )

    loaded_path = ""
    """The real path of the model the chat has loaded ("" for none)."""

    def is_loaded(self, path: Path) -> bool:
        return bool(self.loaded_path) and str(path.resolve()) == self.loaded_path

    def set_loaded(self, path: str) -> None:
        """Marks the model at ``path`` as the loaded one ("": none is)."""
        self.loaded_path = str(Path(path).resolve()) if path else ""
        for number, row in enumerate(self.rows):
            loaded = self.is_loaded(row.entry.path)
            if loaded != row.loaded:
                self.replace_row(number, replace(row, loaded=loaded))

    def entry(self, row: int) -> LibraryEntry | None:
        found = self.row_or_none(row)
        return found.entry if found is not None else None

    def row_of(self, path: Path | str) -> int:
        return self.find_row(lambda row: str(row.entry.path) == str(path))

    @staticmethod
    def display_name(entry: LibraryEntry) -> str:
        name = entry.facts.name if entry.facts and entry.facts.name else ""
        return name or entry.path.name.removesuffix(".gguf")

    def cell(self, row: LibraryRow, column: int, role: int) -> Any:
        entry, facts = row.entry, row.entry.facts
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.NAME:
                return self.display_name(entry)
            if column == self.FILE:
                return entry.path.name
            if column == self.SIZE:
                return format_size(entry.size)
            if entry.kind is ModelKind.PROJECTOR:
                return self.tr("Vision projector") if column == self.ARCH else ""
            if facts is None:
                return self.tr("Can't be loaded") if column == self.FIT else ""
            if column == self.ARCH:
                return facts.architecture
            if column == self.PARAMS:
                return format_params(facts.parameter_count)
            if column == self.QUANT:
                return facts.quantization or ""
            if column == self.CONTEXT:
                return f"{facts.context_length:,}" if facts.context_length else ""
            if column == self.TEMPLATE:
                return self.tr("Yes") if facts.has_chat_template else self.tr("No")
            if column == self.LICENSE:
                return facts.license or ""
            if column == self.FIT:
                return fit_text(row.fit)
        if role == Qt.ItemDataRole.ForegroundRole and column == self.FIT:
            return fit_colour(row.fit) if row.fit is not None else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if entry.problem_text:  # from the file: shown as written (plain_tooltip)
                return plain_tooltip(
                    self.tr("This file can't be loaded: {reason}").format(reason=entry.problem_text)
                )
            if column == self.FIT and row.fit is not None:
                return self.tr(
                    "Judged for a context of {tokens} tokens against this computer's memory."
                ).format(tokens=f"{row.context_length:,}")
            return plain_tooltip(str(entry.path))
        return super().cell(row, column, role)


class LibraryPanel(QWidget):
    """The Library tab.

    Signals:
        load_requested(str path): the user chose a model to chat with.
        browse_requested(): the empty library's *Browse models*: show the Browse tab.
        scanned(): a scan finished and the table shows its result (tests wait on it).
        scan_progressed(int folders, int files): how far a scan has searched; emitted from the
            scanning thread (queued to the panel's own slot), at most four times a second.
    """

    load_requested = Signal(str)
    browse_requested = Signal()
    scanned = Signal()
    scan_progressed = Signal(int, int)

    def __init__(
        self,
        settings: Settings,
        models_dir: Path,
        cache_file: Path | None,
        calls: BackgroundCalls,
        machine: Callable[[], MachineMemory],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.models_dir = models_dir
        self.cache_file = cache_file
        self._calls = calls
        self._machine = machine
        self._scan_token = 0
        self._rescan_again = False
        self.last_scan: LibraryScan | None = None
        self.confirm: Callable[[str, str], bool] = self._ask
        """Yes/no question; tests replace it so nothing blocks."""
        self.ask_import: Callable[[Path], str | None] = self._ask_import
        """'copy', 'in_place' or None (cancel) for a file the user adds; tests replace it."""
        self.model = LibraryListModel(self)
        self.scan_progressed.connect(self._on_scan_progressed)
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.view = QTableView()
        self.view.setModel(self.model)
        setup_row_view(self.view)
        self.view.setWordWrap(False)
        # The model's name, and under it in the muted colour its file: six quants of one model
        # share one general.name, and the second line tells them apart with File hidden.
        self.name_delegate = TwoLineDelegate(LibraryListModel.Roles.SubtitleRole, self.view)
        self.view.setItemDelegateForColumn(LibraryListModel.NAME, self.name_delegate)
        self.view.setItemDelegate(SpacedColumnsDelegate(self.view))
        self.fit_rows()
        header = self.view.horizontalHeader()
        # The name takes what the other columns leave (its two lines cut short with "…"), so
        # the table never scrolls sideways; the others keep their contents' width.
        header.setStretchLastSection(False)
        header.setSectionResizeMode(LibraryListModel.NAME, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(48)
        hidden = str(self.settings.get("library.hidden_columns")).split(",")
        self.columns = ColumnChooser(
            self.view,
            LibraryListModel.COLUMN_KEYS,
            (key.strip() for key in hidden),
            self.keep_hidden_columns,
            fixed=(LibraryListModel.NAME,),
        )
        """The header's right-click menu of columns to show."""
        self.view.doubleClicked.connect(self.on_view_double_clicked)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.view.setAccessibleName(self.tr("Models on this computer"))
        # An empty library shows what to do in the table's place, not under an empty header.
        self.empty_state = EmptyState(
            "models",
            self.tr("No models yet"),
            self.tr(
                "Download a model from the Browse tab, add a .gguf file you already have, or "
                "drop one here."
            ),
        )
        self.browse_button = self.empty_state.add_button(
            self.tr("Browse models"), self.browse_requested.emit, primary=True
        )
        self.empty_add_button = self.empty_state.add_button(self.tr("Add file…"), self.choose_files)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.view)
        self.pages.addWidget(self.empty_state)
        layout.addWidget(self.pages, 1)
        self.servers = ServerModelsList()
        """The remote servers' models, each under its server (shown once a server is added)."""
        self.servers.load_requested.connect(self.load_requested)
        layout.addWidget(self.servers)
        buttons = QHBoxLayout()
        self.load_button = push_button(self.tr("&Load"), self.load_selected)
        self.add_file_button = push_button(self.tr("Add &file…"), self.choose_files)
        self.add_folder_button = push_button(self.tr("Add f&older…"), self.choose_folder)
        self.delete_button = push_button(self.tr("&Delete…"), self.delete_selected)
        self.refresh_button = push_button(self.tr("&Refresh"), self.rescan)
        buttons.addWidget(self.load_button)
        buttons.addStretch(1)
        for button in (
            self.add_file_button,
            self.add_folder_button,
            self.delete_button,
            self.refresh_button,
        ):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self._update_buttons()

    # -- columns and rows --

    def fit_rows(self) -> None:
        """Rows two lines high (the name and its file), from the font as it is now: one fixed
        height, not each row measured (a big library lists in the same time as before)."""
        height = self.name_delegate.two_lines_height(self.view.font())
        self.view.verticalHeader().setDefaultSectionSize(height)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.ApplicationFontChange):
            self.fit_rows()

    def keep_hidden_columns(self, keys: list[str]) -> None:
        """The header menu's choice, kept in ``library.hidden_columns`` for the next time."""
        self.settings.set("library.hidden_columns", ",".join(keys))
        self._save_settings()

    # -- folders --

    def extra_folders(self) -> list[Path]:
        return extra_folders(self.settings)

    def folders(self) -> list[Path]:
        return [self.models_dir, *self.extra_folders()]

    def context_length_for(self, entry: LibraryEntry) -> int:
        return int(self.settings.get("model.n_ctx", entry.path.name))

    def gpu_layers_for(self, entry: LibraryEntry) -> int:
        """The model's GPU layers setting as a count (-1: all); auto means all, as when loading
        on a machine with a GPU (the caller only asks when there is one)."""
        try:
            layers = parse_gpu_layers(str(self.settings.get("model.gpu_layers", entry.path.name)))
        except ValueError:
            return 0
        return -1 if layers is None else layers

    # -- scanning --

    def rescan(self) -> None:
        """Lists the folders again off the GUI thread; a rescan asked for meanwhile follows."""
        if self._scan_token:
            self._rescan_again = True
            return
        self.models_dir.mkdir(parents=True, exist_ok=True)
        folders, cache = self.folders(), self.cache_file
        self.summary.setText(self.tr("Looking for models…"))
        self._scan_token = self._calls.start(
            lambda: scan_library(folders, read_model_facts, cache, self._report_progress),
            self._on_scan_done,
            self._on_scan_failed,
        )

    def _report_progress(self, folders: int, files: int) -> None:
        """On the scanning thread: hands the counts to the GUI thread."""
        # RuntimeError: the panel went away while the scan ran; nobody is waiting.
        with contextlib.suppress(RuntimeError):
            self.scan_progressed.emit(folders, files)

    @Slot(int, int)
    def _on_scan_progressed(self, folders: int, files: int) -> None:
        if not self._scan_token:
            return  # the scan's result is in already
        self.summary.setText(
            self.tr("Looking for models… %n folder(s) searched", "", folders)
            + " · "
            + self.tr("%n GGUF file(s) found", "", files)
        )

    def _on_scan_done(self, scan: LibraryScan) -> None:
        self._scan_token = 0
        if self._rescan_again:
            self._rescan_again = False
            self.rescan()
            return
        self.show_scan(scan)

    def _on_scan_failed(self, exc: Exception) -> None:
        self._scan_token = 0
        self.summary.setText(
            self.tr("The library could not be listed: {reason}").format(reason=exc)
        )
        self.scanned.emit()

    def show_scan(self, scan: LibraryScan) -> None:
        self.last_scan = scan
        machine = self._machine()
        rows = []
        for entry in scan.entries:
            fit = None
            context = self.context_length_for(entry)
            if entry.usable:
                layers = self.gpu_layers_for(entry) if machine.vram_total else 0
                estimate = estimate_memory(entry.size, entry.facts, context, layers)
                fit = judge_fit(estimate, machine)
            rows.append(LibraryRow(entry, fit, context))
        selected = self.selected_entry()
        self.model.set_rows(rows)
        if selected is not None and (number := self.model.row_of(selected.path)) >= 0:
            self.view.selectRow(number)
        models = sum(1 for e in scan.entries if e.kind is ModelKind.MODEL)
        if scan.entries:
            text = self.tr(
                "%n model(s), {size} on disk. Models folder: {folder}", "", models
            ).format(size=format_size(scan.total_size), folder=str(self.models_dir))
        else:  # "0 models, 0 bytes" above "No models yet." said it twice
            text = self.tr("Models folder: {folder}").format(folder=str(self.models_dir))
        if scan.missing_folders:
            text += "\n" + self.tr("Not found (unplugged?): {folders}").format(
                folders=", ".join(str(f) for f in scan.missing_folders)
            )
        self.summary.setText(text)
        self.pages.setCurrentWidget(self.view if scan.entries else self.empty_state)
        # The empty state offers Add file… itself, and Load and Delete have nothing to act on.
        for button in (self.load_button, self.add_file_button, self.delete_button):
            button.setVisible(bool(scan.entries))
        self._update_buttons()
        self.scanned.emit()

    # -- selection and load --

    def selected_entry(self) -> LibraryEntry | None:
        return self.model.entry(selected_row(self.view))

    def select_path(self, path: Path | str) -> bool:
        return select_row(self.view, self.model.row_of(path))

    @Slot()
    def _update_buttons(self, *_args: object) -> None:
        entry = self.selected_entry()
        loaded = entry is not None and self.model.is_loaded(entry.path)
        self.load_button.setText(self.tr("Loaded") if loaded else self.tr("&Load"))
        self.load_button.setEnabled(entry is not None and entry.usable and not loaded)
        self.delete_button.setEnabled(entry is not None)

    def set_loaded(self, path: str) -> None:
        """The chat loaded the model at ``path`` ("": none): its row says so and Load rests."""
        self.model.set_loaded(path)
        self._update_buttons()

    @Slot(QModelIndex)
    def on_view_double_clicked(self, index: QModelIndex) -> None:
        entry = self.model.entry(index.row())
        if entry is not None and entry.usable:
            self.load_requested.emit(str(entry.path))

    def load_selected(self) -> None:
        entry = self.selected_entry()
        if entry is not None and entry.usable:
            self.load_requested.emit(str(entry.path))

    # -- adding --

    def _ask(self, title: str, question: str) -> bool:
        # Plain text: the question quotes general.name from the GGUF and file names.
        return ask_plain(self, title, question)

    def _ask_import(self, path: Path) -> str | None:
        box = plain_message_box(
            self,
            QMessageBox.Icon.Question,
            self.tr("Add a model"),
            self.tr("Add {name} to the library?").format(name=path.name),
            self.tr(
                "Copying keeps the library in one place. Using it where it is adds its folder "
                "({folder}) to the library and takes no extra space."
            ).format(folder=str(path.parent)),
            QMessageBox.StandardButton.NoButton,
        )
        copy = box.addButton(self.tr("Copy into the library"), QMessageBox.ButtonRole.AcceptRole)
        in_place = box.addButton(self.tr("Use it where it is"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        clicked = box.clickedButton()
        if clicked is copy:
            return "copy"
        if clicked is in_place:
            return "in_place"
        return None

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Add model files"), str(Path.home()), self.tr("GGUF models (*.gguf)")
        )
        self.import_files([Path(p) for p in paths])

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Add a folder of models"), str(Path.home())
        )
        if folder:
            self.add_folder(Path(folder))

    def add_folder(self, folder: Path) -> None:
        """Adds a folder to ``library.extra_folders`` (kept in settings) and rescans."""
        folders = self.extra_folders()
        if folder not in folders and folder != self.models_dir:
            folders.append(folder)
            self.settings.set("library.extra_folders", "\n".join(str(f) for f in folders))
            self._save_settings()
        self.rescan()

    def _save_settings(self) -> None:
        try:
            self.settings.save()
        except OSError as exc:
            self.summary.setText(
                self.tr("Settings could not be saved: {reason}").format(reason=exc)
            )

    def import_files(self, paths: list[Path]) -> None:
        """Asks copy or in place for each ``.gguf``; copies run off the GUI thread."""
        for path in paths:
            if path.suffix.lower() != ".gguf" or not path.is_file():
                continue
            choice = self.ask_import(path)
            if choice == "in_place":
                self.add_folder(path.parent)
            elif choice == "copy":
                target = self.models_dir / path.name
                if target.exists():
                    self.summary.setText(
                        self.tr("{name} is already in the library.").format(name=path.name)
                    )
                    continue
                self.summary.setText(self.tr("Copying {name}…").format(name=path.name))
                self._calls.start(
                    lambda src=path, dst=target: _copy_in(src, dst),
                    lambda _result: self.rescan(),
                    self._on_copy_failed,
                )

    def _on_copy_failed(self, exc: Exception) -> None:
        self.summary.setText(self.tr("The file could not be copied: {reason}").format(reason=exc))

    # -- deleting --

    def delete_selected(self) -> None:
        entry = self.selected_entry()
        if entry is None:
            return
        question = self.tr("Move {name} ({size}) to the trash? Files: {files}").format(
            name=self.model.display_name(entry),
            size=format_size(entry.size),
            files=", ".join(p.name for p in entry.parts),
        )
        if not self.confirm(self.tr("Delete model"), question):
            return
        left = [p for p in entry.parts if not QFile.moveToTrash(str(p))]
        if left:
            permanently = self.confirm(
                self.tr("Delete model"),
                self.tr("The system trash can't take {files}. Delete permanently instead?").format(
                    files=", ".join(p.name for p in left)
                ),
            )
            if permanently:
                for p in left:
                    p.unlink(missing_ok=True)
        self.rescan()


def _copy_in(source: Path, target: Path) -> Path:
    """Copy under a temporary name, then rename: a half-copied model never appears."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(target.name + ".part")
    shutil.copy2(source, temp)
    temp.replace(target)
    return target

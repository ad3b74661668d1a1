"""The Collections dialog (File › Document collections…): make named collections of folders and
files, watch them being indexed (pause, cancel), see which files could not be read and why,
rename, delete and re-index.

Everything slow happens in the index worker (documents/qt/collections.py); this dialog only
sends commands and shows the models, so it never blocks and can be closed while indexing goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.core.design import SPACE_L, SPACE_M, SPACE_S, SPACE_XS
from desktop.documents.index import CollectionInfo, IndexProgress, UpdateReport
from desktop.documents.qt.collection_rows import (
    fit_to_rows,
    row_list,
    section_label,
    source_icon,
)
from desktop.documents.qt.collections import (
    CollectionListModel,
    CollectionSourceModel,
    DocumentCollections,
    FileListModel,
)
from desktop.documents.qt.collections_panels import EmbeddingPanel, IndexProgressPanel
from desktop.qtkit.empty_state import EmptyState
from desktop.qtkit.file_dialogs import choose_open_file
from desktop.qtkit.icons import themed_icon
from desktop.qtkit.plain_text import ask_plain, note_label
from desktop.qtkit.push_button import push_button
from desktop.qtkit.scaled_label import ScaledLabel
from desktop.qtkit.stylesheet import SIDEBAR
from desktop.qtkit.theme import recolour_on_theme_change

__all__ = [
    "NAME_BOX_WIDTH",
    "SOURCE_ROWS",
    "CollectionsDialog",
    "ask_name",
    "ask_text",
    "choose_embedding_file",
    "choose_files",
    "choose_folder",
]

SOURCE_ROWS = 3
"""The most folder and file rows shown without scrolling."""
NAME_BOX_WIDTH = 360
"""How wide the box asking for a collection's name opens."""


class CollectionsDialog(QDialog):
    """Manages the collections of one :class:`DocumentCollections`.

    ``ask_name``, ``choose_folder``, ``choose_files`` and ``confirm`` are plain attributes so
    tests can answer the modal questions.

    Signals:
        embedding_model_chosen(str): the user picked a GGUF embedding model for meaning
            search, or "" to turn it off; the owner keeps it in the settings.
    """

    embedding_model_chosen = Signal(str)

    def __init__(self, documents: DocumentCollections, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.documents = documents
        self.setWindowTitle(self.tr("Document collections"))
        self.setAcceptDrops(True)
        self.resize(780, 560)
        # The modal questions (module functions below), answered by tests instead.
        self.ask_name: Callable[[str, str], str | None] = partial(ask_name, self)
        self.choose_folder: Callable[[], str | None] = partial(choose_folder, self)
        self.choose_files: Callable[[], list[str]] = partial(choose_files, self)
        self.confirm: Callable[[str, str], bool] = partial(ask_plain, self)  # names: plain text
        self.choose_embedding_file: Callable[[], str | None] = partial(choose_embedding_file, self)
        self._selected: int | None = None
        self._job = 0
        self._created_job = 0  # the job of a collection made here, until it is selected
        self._missing: dict[int, tuple[str, ...]] = {}
        """Each collection's sources its last update did not find (from the reports)."""

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._collections_column())
        splitter.addWidget(self._collection_pane())
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([220, 540])

        # No collection at all: what one is and how to make one, in the whole pane's place.
        self.empty_state = EmptyState(
            "documents",
            self.tr("No collections yet"),
            self.tr(
                "A collection is a set of folders and files that chats can answer from, with "
                "sources. Drop folders or files here to add them. Nothing leaves this computer."
            ),
        )
        self.empty_new_button = self.empty_state.add_button(
            self.tr("&New collection…"), self.new_collection, primary=True
        )
        self.pages = QStackedWidget()
        """The collections and the one on screen, or the empty state while there are none."""
        self.pages.addWidget(splitter)
        self.pages.addWidget(self.empty_state)

        self.progress = IndexProgressPanel(documents)
        self.progress_label = self.progress.progress_label
        self.progress_bar = self.progress.progress_bar
        self.pause_button = self.progress.pause_button
        self.cancel_button = self.progress.cancel_button
        self.progress_row = self.progress.progress_row
        self.report_label = self.progress.report_label
        self.embedding = EmbeddingPanel(documents)
        self.embedding.embedding_model_chosen.connect(self.embedding_model_chosen)
        self.embedding.embedding_button.clicked.connect(self.choose_embedding_model)
        self.embedding_label = self.embedding.embedding_label
        self.embedding_button = self.embedding.embedding_button
        self.embedding_off_button = self.embedding.embedding_off_button

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        footer = QHBoxLayout()
        footer.setSpacing(SPACE_M)
        footer.addWidget(self.report_label, 1)  # how the last job ended, as a status line
        footer.addWidget(buttons, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACE_L, SPACE_L, SPACE_L, SPACE_M)
        layout.setSpacing(SPACE_M)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.embedding)
        layout.addLayout(footer)

        documents.collections.modelReset.connect(self.on_collections_reset)
        documents.index_finished.connect(self.on_documents_index_finished)
        documents.progress_changed.connect(self.on_documents_progress_changed)
        self.on_collections_reset()

    def _collections_column(self) -> QWidget:
        """The list of collections and New collection… under it."""
        self.collection_list = row_list(
            self.documents.collections,
            self.tr("Collections"),
            lambda _index: "documents",
            framed=False,
            detail_role=CollectionListModel.DETAIL_ROLE,
            name_first=True,
        )
        self.collection_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.collection_list.selectionModel().currentChanged.connect(
            self.on_collection_list_current_changed
        )
        self.new_button = push_button(self.tr("&New collection…"), self.new_collection)
        self.new_button.setIcon(themed_icon("add", palette=self.palette()))
        left = QWidget()
        left.setObjectName(SIDEBAR)  # a quiet column of names, as the chat list is
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, SPACE_S, 0)
        left_layout.setSpacing(SPACE_S)
        left_layout.addWidget(section_label(self.tr("Collections")))
        left_layout.addWidget(self.collection_list, 1)
        left_layout.addWidget(self.new_button)
        return left

    def _collection_pane(self) -> QWidget:
        """The collection on screen: its name and counts with its commands, then its folders
        and files and the files indexed from them (or the empty state while it has none)."""
        # The collection on screen: its name, its counts under it, its commands beside them.
        self.title = ScaledLabel("", "subtitle", bold=True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # the user's own name for it
        self.title.setMinimumWidth(1)
        self.summary = note_label("")  # the counts, muted under the name
        self.summary.setMinimumWidth(1)
        self.rename_button = push_button(self.tr("Re&name…"), self.rename_selected)
        self.delete_button = push_button(self.tr("&Delete…"), self.delete_selected)
        self.reindex_button = push_button(
            self.tr("&Re-index"),
            self.reindex_selected,
            tooltip=self.tr("Read new and changed files again"),
        )
        title_row = QHBoxLayout()
        title_row.setSpacing(SPACE_S)
        title_row.addWidget(self.title, 1)
        for button in (self.reindex_button, self.rename_button, self.delete_button):
            title_row.addWidget(button)
        header = QVBoxLayout()
        header.setSpacing(0)
        header.addLayout(title_row)
        header.addWidget(self.summary)

        self.source_model = CollectionSourceModel(self)
        self.source_list = row_list(
            self.source_model,
            self.tr("Folders and files"),
            lambda index: source_icon(str(index.data())),
            detail_role=CollectionSourceModel.DETAIL_ROLE,
            problem_role=CollectionSourceModel.PROBLEM_ROLE,
        )
        self.source_model.modelReset.connect(lambda: fit_to_rows(self.source_list, SOURCE_ROWS))
        self.add_folder_button = push_button(self.tr("Add &folder…"), self.add_folder)
        self.add_files_button = push_button(self.tr("Add f&iles…"), self.add_files)
        self.remove_source_button = push_button(
            self.tr("Re&move"),
            self.remove_selected_source,
            tooltip=self.tr("Stop using this folder or file (the file itself is not touched)"),
        )
        self.file_list = row_list(
            self.documents.files,
            self.tr("Indexed files"),
            lambda _index: "file",
            name_role=FileListModel.NAME_ROLE,
            detail_role=FileListModel.DETAIL_ROLE,
            problem_role=FileListModel.Roles.ProblemRole,
        )
        sources_row = QHBoxLayout()
        sources_row.setSpacing(SPACE_S)
        sources_row.addWidget(section_label(self.tr("Folders and files")), 1)
        for button in (
            self.add_folder_button,
            self.add_files_button,
            self.remove_source_button,
        ):
            sources_row.addWidget(button)
        lists = QWidget()
        lists_layout = QVBoxLayout(lists)
        lists_layout.setContentsMargins(0, 0, 0, 0)
        lists_layout.setSpacing(SPACE_S)
        lists_layout.addLayout(sources_row)
        lists_layout.addWidget(self.source_list)
        lists_layout.addSpacing(SPACE_XS)
        lists_layout.addWidget(section_label(self.tr("Indexed files")))
        lists_layout.addWidget(self.file_list, 1)

        # A collection with nothing in it yet says how to fill it, in the lists' place.
        self.sources_empty = EmptyState(
            "folder",
            self.tr("No folders or files yet"),
            self.tr("Add the folders and files this collection answers from, or drop them here."),
        )
        self.empty_add_folder_button = self.sources_empty.add_button(
            self.tr("Add &folder…"), self.add_folder, primary=True
        )
        self.empty_add_files_button = self.sources_empty.add_button(
            self.tr("Add f&iles…"), self.add_files
        )
        self.source_pages = QStackedWidget()
        """The folder and file lists, or the empty state while the collection has none."""
        self.source_pages.addWidget(lists)
        self.source_pages.addWidget(self.sources_empty)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(SPACE_L, 0, 0, 0)
        right_layout.setSpacing(SPACE_M)
        right_layout.addLayout(header)
        right_layout.addWidget(self.source_pages, 1)
        return right

    # -- selection --

    @property
    def selected(self) -> int | None:
        return self._selected

    def select(self, collection_id: int | None) -> None:
        model = self.documents.collections
        row = model.row_of(collection_id) if collection_id is not None else None
        if row is None:
            self.collection_list.setCurrentIndex(QModelIndex())
            self._show(None)
        else:
            self.collection_list.setCurrentIndex(model.index(row, 0))

    @Slot(QModelIndex, QModelIndex)
    def on_collection_list_current_changed(
        self, current: QModelIndex, previous: QModelIndex
    ) -> None:
        info = current.data(CollectionListModel.Roles.InfoRole) if current.isValid() else None
        self._show(info)

    @Slot()
    def on_collections_reset(self) -> None:
        """The list was refreshed: keep the same collection selected (or the first one)."""
        model = self.documents.collections
        wanted = self._selected
        if wanted is None or model.row_of(wanted) is None:
            wanted = model.collections()[0].id if model.rowCount() else None
        self._selected = None
        self.select(wanted)

    @Slot(int, object)
    def on_documents_index_finished(self, job_id: int, report: UpdateReport) -> None:
        """Remembers which sources the update did not find; the list marks them."""
        self._missing[report.collection_id] = report.missing_sources
        self._show_created(job_id, report.collection_id)
        info = self._info()
        if info is not None and info.id == report.collection_id:
            self.source_model.set_sources(info.sources, report.missing_sources)

    def _show(self, info: CollectionInfo | None) -> None:
        self._selected = info.id if info else None
        has = info is not None
        for button in (
            self.rename_button,
            self.delete_button,
            self.add_folder_button,
            self.add_files_button,
            self.remove_source_button,
            self.reindex_button,
        ):
            button.setEnabled(has)
        self.pages.setCurrentWidget(self.empty_state if info is None else self.pages.widget(0))
        if info is None:
            self.title.clear()
            self.summary.clear()
            self.source_model.set_sources([])
            self.documents.show_files(None)
            return
        self.title.setText(info.name)
        counts = [
            self.tr("%n file(s)", "", info.files),
            self.tr("%n passage(s)", "", info.passages),
        ]
        if info.unreadable:
            counts.append(self.tr("%n unreadable", "", info.unreadable))
        self.summary.setText(" · ".join(counts))
        self.source_model.set_sources(info.sources, self._missing.get(info.id, ()))
        self.source_pages.setCurrentWidget(
            self.source_pages.widget(0) if info.sources else self.sources_empty
        )
        self.documents.show_files(info.id)  # another collection, or its counts changed

    # -- commands --

    def create_collection(self, name: str, paths: Sequence[str | Path]) -> int:
        """Creates and indexes a collection (under a name no other one has), shown as soon
        as it exists; returns the job id."""
        paths = [str(p) for p in paths]
        self._job = self._created_job = self.documents.create(
            self.documents.collections.free_name(name), paths
        )
        self.report_label.clear()
        return self._job

    @Slot(int, object)
    def on_documents_progress_changed(self, job_id: int, progress: IndexProgress) -> None:
        self._show_created(job_id, progress.collection_id)

    def _show_created(self, job_id: int, collection_id: int) -> None:
        """The collection just made, selected once its job names it: the one on screen
        before stayed selected, its files under the new one's progress."""
        if job_id and job_id == self._created_job:
            self._created_job = 0
            self.select(collection_id)

    def new_collection(self) -> None:
        name = self.ask_name(self.tr("New collection"), "")
        if not name or not name.strip():
            return
        folder = self.choose_folder()
        self.create_collection(name, [folder] if folder else [])

    def rename_selected(self) -> None:
        info = self._info()
        if info is None:
            return
        name = self.ask_name(self.tr("Rename collection"), info.name)
        if name and name.strip():
            self.documents.rename(info.id, self.documents.collections.free_name(name, info.id))

    def delete_selected(self) -> None:
        info = self._info()
        if info is None:
            return
        if self.confirm(
            self.tr("Delete collection"),
            self.tr(
                "Delete the collection “{name}” and its index? Your files are not touched."
            ).format(name=info.name),
        ):
            self._selected = None
            self.documents.delete(info.id)

    def add_folder(self) -> None:
        folder = self.choose_folder()
        if folder and self._selected is not None:
            self._job = self.documents.add_sources(self._selected, [folder])

    def add_files(self) -> None:
        files = self.choose_files()
        if files and self._selected is not None:
            self._job = self.documents.add_sources(self._selected, files)

    def add_paths(self, paths: Sequence[str]) -> None:
        """Dropped folders and files: into the selected collection, else a new one named
        after the first of them."""
        if not paths:
            return
        if self._selected is not None:
            self._job = self.documents.add_sources(self._selected, paths)
        else:
            self.create_collection(Path(paths[0]).name or paths[0], paths)

    def remove_selected_source(self) -> None:
        index = self.source_list.currentIndex()
        if self._selected is None or not index.isValid():
            return
        self._job = self.documents.remove_source(self._selected, str(index.data()))

    def reindex_selected(self) -> None:
        if self._selected is not None:
            self._job = self.documents.update(self._selected)

    def _info(self) -> CollectionInfo | None:
        if self._selected is None:
            return None
        return self.documents.collections.info(self._selected)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # The "+" is drawn in the text colour of the theme it was made in.
        recolour_on_theme_change(
            self,
            event,
            lambda: self.new_button.setIcon(themed_icon("add", palette=self.palette())),
        )

    # -- drag and drop --

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.add_paths(paths)

    # -- meaning search --

    def choose_embedding_model(self) -> None:
        path = self.choose_embedding_file()
        if path:
            self.set_embedding_model(path)

    def set_embedding_model(self, path: str) -> None:
        """Uses `path` for meaning search ("" turns it off) and says so to the owner."""
        self.embedding.set_embedding_model(path)


def ask_text(parent: QWidget, title: str, label: str, current: str) -> str | None:
    """The text typed (None when cancelled), in a box :data:`NAME_BOX_WIDTH` wide:
    QInputDialog.getText's was 200 px, and a name of three words scrolled in it."""
    box = QInputDialog(parent)
    box.setWindowTitle(title)
    box.setLabelText(label)
    box.setTextValue(current)
    box.resize(max(NAME_BOX_WIDTH, box.sizeHint().width()), box.sizeHint().height())
    return box.textValue() if box.exec() == QDialog.DialogCode.Accepted else None


# The dialog's modal questions; their words keep the dialog's translation context.


def ask_name(parent: QWidget, title: str, current: str) -> str | None:
    return ask_text(
        parent, title, QCoreApplication.translate("CollectionsDialog", "Name:"), current
    )


def choose_folder(parent: QWidget) -> str | None:
    title = QCoreApplication.translate("CollectionsDialog", "Choose a folder")
    return QFileDialog.getExistingDirectory(parent, title) or None


def choose_files(parent: QWidget) -> list[str]:
    title = QCoreApplication.translate("CollectionsDialog", "Choose files")
    files, _ = QFileDialog.getOpenFileNames(parent, title)
    return list(files)


def choose_embedding_file(parent: QWidget) -> str | None:
    path = choose_open_file(
        parent,
        QCoreApplication.translate("CollectionsDialog", "Choose an embedding model"),
        QCoreApplication.translate("CollectionsDialog", "GGUF models (*.gguf)"),
    )
    return str(path) if path is not None else None

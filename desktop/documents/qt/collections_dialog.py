"""The Collections dialog (File › Document collections…): make named collections of folders and
files, watch them being indexed (pause, cancel), see which files could not be read and why,
rename, delete and re-index.

Everything slow happens in the index worker (documents/qt/collections.py); this dialog only
sends commands and shows the models, so it never blocks and can be closed while indexing goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QModelIndex, QStringListModel, Qt, Signal, Slot
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListView,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.documents.index import CollectionInfo
from desktop.documents.qt.collections import CollectionListModel, DocumentCollections
from desktop.documents.qt.collections_panels import EmbeddingPanel, IndexProgressPanel
from desktop.qtkit.file_dialogs import choose_open_file
from desktop.qtkit.plain_text import ask_plain, note_label
from desktop.qtkit.push_button import push_button

__all__ = ["CollectionsDialog"]


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
        self.resize(760, 520)
        self.ask_name: Callable[[str, str], str | None] = self._ask_name
        self.choose_folder: Callable[[], str | None] = self._choose_folder
        self.choose_files: Callable[[], list[str]] = self._choose_files
        self.confirm: Callable[[str, str], bool] = self._confirm
        self.choose_embedding_file: Callable[[], str | None] = self._choose_embedding_file
        self._selected: int | None = None
        self._job = 0

        intro = note_label(
            self.tr(
                "A collection is a set of folders and files that chats can answer from, with "
                "sources. Drop folders or files here to add them. Nothing leaves this computer."
            )
        )

        self.collection_list = QListView()
        self.collection_list.setModel(documents.collections)
        self.collection_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.collection_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.collection_list.selectionModel().currentChanged.connect(
            self.on_collection_list_current_changed
        )
        self.new_button = push_button(self.tr("&New collection…"), self.new_collection)
        self.rename_button = push_button(self.tr("Re&name…"), self.rename_selected)
        self.delete_button = push_button(self.tr("&Delete…"), self.delete_selected)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel(self.tr("Collections")))
        left_layout.addWidget(self.collection_list, 1)
        row = QHBoxLayout()
        for button in (self.new_button, self.rename_button, self.delete_button):
            row.addWidget(button)
        left_layout.addLayout(row)

        self.summary = note_label("")  # under the indexed files, as a list's status line
        self.source_model = QStringListModel(self)
        self.source_list = QListView()
        self.source_list.setModel(self.source_model)
        self.source_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.source_list.setMaximumHeight(110)
        self.add_folder_button = push_button(self.tr("Add &folder…"), self.add_folder)
        self.add_files_button = push_button(self.tr("Add f&iles…"), self.add_files)
        self.remove_source_button = push_button(
            self.tr("Re&move"),
            self.remove_selected_source,
            tooltip=self.tr("Stop using this folder or file (the file itself is not touched)"),
        )
        self.reindex_button = push_button(
            self.tr("&Re-index"),
            self.reindex_selected,
            tooltip=self.tr("Read new and changed files again"),
        )
        self.file_list = QListView()
        self.file_list.setModel(documents.files)
        self.file_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.file_list.setUniformItemSizes(True)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        # "Folders and files" level with "Collections", so the two lists start on one line.
        right_layout.addWidget(QLabel(self.tr("Folders and files")))
        right_layout.addWidget(self.source_list)
        sources_row = QHBoxLayout()
        for button in (
            self.add_folder_button,
            self.add_files_button,
            self.remove_source_button,
        ):
            sources_row.addWidget(button)
        sources_row.addStretch(1)
        sources_row.addWidget(self.reindex_button)
        right_layout.addLayout(sources_row)
        right_layout.addWidget(QLabel(self.tr("Indexed files")))
        right_layout.addWidget(self.file_list, 1)
        right_layout.addWidget(self.summary)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([240, 520])

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
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.embedding)
        layout.addWidget(buttons)

        documents.collections.modelReset.connect(self.on_collections_reset)
        self.on_collections_reset()

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

    def _show(self, info: CollectionInfo | None) -> None:
        changed = (info.id if info else None) != self._selected
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
        if info is None:
            self.summary.setText(self.tr("Make a collection to start: New collection…"))
            self.source_model.setStringList([])
            self.documents.show_files(None)
            return
        self.summary.setText(
            self.tr("{name}: {files}, {passages}, {unreadable}").format(
                name=info.name,
                files=self.tr("%n file(s)", "", info.files),
                passages=self.tr("%n passage(s)", "", info.passages),
                unreadable=self.tr("%n unreadable", "", info.unreadable),
            )
        )
        self.source_model.setStringList(list(info.sources))
        if changed or self.documents.files.collection_id != info.id:
            self.documents.show_files(info.id)
        else:
            self.documents.show_files(info.id)  # counts changed: list the files again

    # -- commands --

    def create_collection(self, name: str, paths: Sequence[str | Path]) -> int:
        """Creates and indexes a collection; returns the job id."""
        self._job = self.documents.create(name, [str(p) for p in paths])
        self.report_label.clear()
        return self._job

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
            self.documents.rename(info.id, name)

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

    # -- modal questions (replaced in tests) --

    def _ask_name(self, title: str, current: str) -> str | None:
        name, ok = QInputDialog.getText(self, title, self.tr("Name:"), text=current)
        return name if ok else None

    def _choose_folder(self) -> str | None:
        return QFileDialog.getExistingDirectory(self, self.tr("Choose a folder")) or None

    def _choose_files(self) -> list[str]:
        files, _ = QFileDialog.getOpenFileNames(self, self.tr("Choose files"))
        return list(files)

    def _choose_embedding_file(self) -> str | None:
        path = choose_open_file(
            self, self.tr("Choose an embedding model"), self.tr("GGUF models (*.gguf)")
        )
        return str(path) if path is not None else None

    def _confirm(self, title: str, question: str) -> bool:
        return ask_plain(self, title, question)  # names of collections and files

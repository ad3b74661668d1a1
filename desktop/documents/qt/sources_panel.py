"""The Sources panel: the passages a reply was given, with file, page, heading and the matched
words highlighted, and "Open file" after the user confirms.

Passages are copies kept with the reply (core.conversation.MessageSource), so the panel reads
right after the file changed or the collection was deleted; only "Open file" touches the disk.
Everything shown is the user's file content and is escaped; nothing in it is a link.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import QEvent, QModelIndex, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QColor, QDesktopServices, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QListView,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.core.conversation import MessageSource, source_place
from desktop.core.design import SPACE_S, SPACE_XS
from desktop.documents.qt.collection_rows import RowDelegate
from desktop.qtkit.empty_state import EmptyState
from desktop.qtkit.list_model import RoleValue, RowListModel, whole_row
from desktop.qtkit.plain_text import note_label, plain_message_box
from desktop.qtkit.push_button import push_button
from desktop.qtkit.scaled_label import ScaledLabel

__all__ = ["SourceListModel", "SourcesPanel", "highlighted_html"]


def highlighted_html(source: MessageSource, mark_color: str) -> str:
    """The passage as HTML, every highlight range marked; everything else escaped."""
    text = source.text
    parts: list[str] = []
    position = 0
    for start, end in sorted(source.highlights):
        start, end = max(start, position), min(end, len(text))
        if start >= end:
            continue
        parts.append(html.escape(text[position:start]))
        parts.append(
            f'<span style="background-color:{mark_color}; font-weight:600;">'
            f"{html.escape(text[start:end])}</span>"
        )
        position = end
    parts.append(html.escape(text[position:]))
    return "".join(parts).replace("\n", "<br>")


class SourceListModel(RowListModel):
    """The sources of one reply, in number order."""

    class Roles:
        SourceRole = Qt.ItemDataRole.UserRole + 1  # MessageSource

    ROLE_VALUES: ClassVar[Mapping[int, RoleValue]] = {
        Qt.ItemDataRole.ToolTipRole: "file",
        Roles.SourceRole: whole_row,
    }

    def cell(self, row: MessageSource, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            page = self.tr("p. {page}")
            return f"[{row.number}] {source_place(row, page)}"
        return None

    def set_sources(self, sources: Sequence[MessageSource]) -> None:
        self.reset_rows(sorted(sources, key=lambda s: s.number))

    def row_of(self, number: int) -> int | None:
        found = self.find_row(lambda source: source.number == number)
        return found if found >= 0 else None


class SourcesPanel(QWidget):
    """List of a reply's sources and the chosen passage.

    ``confirm_open(path) -> bool`` and ``open_url(url) -> bool`` are plain attributes so tests
    can answer the question and skip launching an application.

    Signals:
        file_opened(str): the user confirmed and the file was handed to the system.
    """

    file_opened = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = SourceListModel(self)
        self.confirm_open: Callable[[str], bool] = self._ask_before_opening
        self.open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setItemDelegate(RowDelegate(lambda _index: "file", parent=self.list))
        self.list.setAccessibleName(self.tr("Sources"))
        self.list.selectionModel().currentChanged.connect(self.on_list_current_changed)
        self.title = ScaledLabel("", "subtitle", bold=True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        self.where = note_label("")
        self.where.setMinimumWidth(1)
        self.title.setMinimumWidth(1)
        self.passage = QTextBrowser()
        self.passage.setOpenLinks(False)
        self.open_button = push_button(
            self.tr("&Open file"),
            self.open_current,
            tooltip=self.tr("Open the file with its usual application"),
        )
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, SPACE_S, 0, 0)
        detail_layout.setSpacing(SPACE_XS)
        detail_layout.addWidget(self.title)
        detail_layout.addWidget(self.where)
        detail_layout.addSpacing(SPACE_XS)
        detail_layout.addWidget(self.passage, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.open_button)
        detail_layout.addLayout(row)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.list)
        splitter.addWidget(detail)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([120, 360])
        # Before any reply cites a passage: what the panel is for, not an empty list and box.
        self.empty_state = EmptyState(
            "documents",
            self.tr("No sources"),
            self.tr(
                "When a reply answers from your document collections, the passages it used "
                "show here."
            ),
        )
        self.pages = QStackedWidget()
        """The sources and the chosen passage, or the empty state while there are none."""
        self.pages.addWidget(splitter)
        self.pages.addWidget(self.empty_state)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACE_S, SPACE_S, SPACE_S, SPACE_S)
        layout.addWidget(self.pages)
        self.setMinimumWidth(180)  # narrower, a passage reads one word a line
        self._show(None)

    def show_sources(self, sources: Sequence[MessageSource], number: int | None = None) -> None:
        """Shows a reply's sources with ``number`` (else the first) selected."""
        self.model.set_sources(sources)
        row = self.model.row_of(number) if number is not None else None
        if row is None and self.model.rowCount():
            row = 0
        if row is None:
            self._show(None)
        else:
            self.list.setCurrentIndex(self.model.index(row, 0))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._show(self.current())  # the marks are blended from the palette

    def current(self) -> MessageSource | None:
        index = self.list.currentIndex()
        return index.data(SourceListModel.Roles.SourceRole) if index.isValid() else None

    @Slot(QModelIndex, QModelIndex)
    def on_list_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        self._show(current.data(SourceListModel.Roles.SourceRole) if current.isValid() else None)

    def _show(self, source: MessageSource | None) -> None:
        self.open_button.setEnabled(source is not None)
        empty = self.model.rowCount() == 0
        self.pages.setCurrentWidget(self.empty_state if empty else self.pages.widget(0))
        if source is None:
            self.title.setText(self.tr("No sources"))
            self.where.clear()
            self.passage.clear()
            return
        self.title.setText(f"[{source.number}] {Path(source.file).name or source.file}")
        where = [source.file]
        if source.page is not None:
            where.append(self.tr("Page {page}").format(page=source.page))
        if source.heading:
            where.append(self.tr("Section: {heading}").format(heading=source.heading))
        if source.collection:
            where.append(self.tr("Collection: {name}").format(name=source.collection))
        self.where.setText("\n".join(where))
        mark = self.palette().color(QPalette.ColorRole.Highlight)
        base = self.palette().color(QPalette.ColorRole.Base)
        blend = QColor(
            (mark.red() * 2 + base.red() * 3) // 5,
            (mark.green() * 2 + base.green() * 3) // 5,
            (mark.blue() * 2 + base.blue() * 3) // 5,
        )
        self.passage.setHtml(highlighted_html(source, blend.name()))

    def open_current(self) -> bool:
        source = self.current()
        if source is None:
            return False
        if not Path(source.file).is_file():
            plain_message_box(
                self,
                QMessageBox.Icon.Information,
                self.tr("Open file"),
                self.tr("The file is no longer there:\n{path}").format(path=source.file),
            ).exec()
            return False
        if not self.confirm_open(source.file):
            return False
        if self.open_url(QUrl.fromLocalFile(source.file)):
            self.file_opened.emit(source.file)
            return True
        # No application is set for the type (or it would not start): said, with the path, so
        # the user can open it another way, not a button that silently does nothing.
        plain_message_box(
            self,
            QMessageBox.Icon.Information,
            self.tr("Open file"),
            self.tr("No application on this computer could open the file:\n{path}").format(
                path=source.file
            ),
        ).exec()
        return False

    def _ask_before_opening(self, path: str) -> bool:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Open file"))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(self.tr("Open this file with its usual application?\n{path}").format(path=path))
        box.setStandardButtons(QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Open

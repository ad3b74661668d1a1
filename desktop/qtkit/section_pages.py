"""Pages chosen from a list at the side: the settings layout of today's desktop apps.

Why not tabs: a row of tabs runs out of width as features add pages (and in Chinese, whose
words do not shorten), and reads as an older style beside LM Studio's, Jan's or the system
settings' list of sections. The list grows downwards, names each page in full, and is
walked with the arrow keys.

The class keeps the part of QTabWidget's interface the dialogs and tests use (addTab,
tabText, indexOf, count, currentIndex, currentWidget and their setters), so a dialog can
switch by changing one constructor.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QStackedWidget,
    QWidget,
)

from desktop.core.design import SPACE_M, SPACE_S
from desktop.qtkit.stylesheet import SECTION_NAV

__all__ = ["SectionPages"]


class SectionPages(QWidget):
    """A list of section names at the left, the chosen section's page at the right.

    Signals:
        currentChanged(int): another page is shown (its index), as QTabWidget's signal.
    """

    currentChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.nav = QListWidget()
        """The section names; one row per page, in the pages' order."""
        self.nav.setObjectName(SECTION_NAV)
        self.nav.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.nav.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        self.nav.setAccessibleName(self.tr("Sections"))
        self.stack = QStackedWidget()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(SPACE_M)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.nav.currentRowChanged.connect(self.on_nav_current_row_changed)

    def addTab(self, page: QWidget, text: str) -> int:
        """Adds ``page`` under the name ``text``; returns its index. The first is shown."""
        QListWidgetItem(text, self.nav)
        index = self.stack.addWidget(page)
        self.fit_nav()
        if self.nav.currentRow() < 0:
            self.nav.setCurrentRow(0)
        return index

    def fit_nav(self) -> None:
        """Rows as high as a line and its padding, the list as wide as its longest name: again
        when the text size changes (Settings › Text size applies at once)."""
        metrics = self.nav.fontMetrics()
        # Row heights are set here: a stylesheet's item padding is drawn but not counted in
        # the rows' size, so padded rows overlapped.
        height = metrics.height() + 2 * SPACE_S
        longest = 0
        for row in range(self.nav.count()):
            item = self.nav.item(row)
            item.setSizeHint(QSize(0, height))
            longest = max(longest, metrics.horizontalAdvance(item.text()))
        self.nav.setFixedWidth(longest + 2 * SPACE_M + 2 * SPACE_S + 4)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.fit_nav()

    def count(self) -> int:
        return self.stack.count()

    def tabText(self, index: int) -> str:
        item = self.nav.item(index)
        return item.text() if item is not None else ""

    def indexOf(self, page: QWidget) -> int:
        return self.stack.indexOf(page)

    def currentIndex(self) -> int:
        return self.stack.currentIndex()

    def currentWidget(self) -> QWidget:
        return self.stack.currentWidget()

    def setCurrentIndex(self, index: int) -> None:
        if 0 <= index < self.count():
            self.nav.setCurrentRow(index)

    def setCurrentWidget(self, page: QWidget) -> None:
        self.setCurrentIndex(self.indexOf(page))

    def on_nav_current_row_changed(self, row: int) -> None:
        if 0 <= row < self.count():
            self.stack.setCurrentIndex(row)
            self.currentChanged.emit(row)

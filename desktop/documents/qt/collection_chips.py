"""The chips in the composer's card: the document collections this chat answers from.

The Documents chip (an icon with the number of attached collections, ``CollectionChips.button``)
opens a menu to attach another one or to manage collections; each attached collection is a chip
with its name and a × to detach it, in a row that shows only while there are any.
desktop/app.py puts the Documents chip among the composer's chips (``Composer.add_chip``) and
the row at the top of its card (``Composer.add_attachments``). The chips
only show the session's ``attached`` list and ask the session to change it, so the conversation
settings stay the one place where attachments live.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtGui import QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMenu, QToolButton, QWidget

from desktop.core.design import SPACE_S, SPACE_XS
from desktop.documents.qt.collections import DocumentCollections
from desktop.qtkit.icon_chip import CHIP_HEIGHT, IconChip
from desktop.qtkit.late_icon_button import LateIconButton
from desktop.qtkit.pill import draw_pill, pill_painter
from desktop.qtkit.plain_text import plain_tooltip

__all__ = ["CollectionChip", "CollectionChips"]


class CollectionChip(QFrame):
    """One attached collection.

    Signals:
        remove_requested(int): the × was pressed; the value is the collection id.
    """

    remove_requested = Signal(int)

    def __init__(self, collection_id: int, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.collection_id = collection_id
        self.name = name
        self.setObjectName("collectionChip")
        self.setFrameShape(QFrame.Shape.NoFrame)  # a pill, painted below
        self.setFixedHeight(CHIP_HEIGHT - SPACE_XS)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(SPACE_S, 0, SPACE_XS, 0)
        layout.setSpacing(0)
        self.label = QLabel(name)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setToolTip(
            plain_tooltip(
                self.tr("Replies in this chat use passages from “{name}”").format(name=name)
            )
        )
        self.remove_button = LateIconButton(
            "close", self.tr("Detach this collection from the chat"), tint="muted", size=12
        )
        self.remove_button.setAccessibleName(self.tr("Detach {name}").format(name=name))
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self.collection_id))
        layout.addWidget(self.label)
        layout.addWidget(self.remove_button)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter, rect = pill_painter(self)
        palette = self.palette()
        draw_pill(
            painter,
            rect,
            palette.color(QPalette.ColorRole.AlternateBase),
            QPen(palette.color(QPalette.ColorRole.Mid), 1.0),
        )


class CollectionChips(QWidget):
    """The chips of the attached collections, in a row; and the Documents chip (``button``),
    which the app places elsewhere (beside the composer's other chips).

    Signals:
        attach_requested(int): the user picked a collection in the menu.
        detach_requested(int): the user pressed a chip's ×.
        manage_requested(): the user asked for the Collections dialog.
    """

    attach_requested = Signal(int)
    detach_requested = Signal(int)
    manage_requested = Signal()

    def __init__(self, documents: DocumentCollections, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.documents = documents
        self._attached: tuple[int, ...] = ()
        self.chips: list[CollectionChip] = []
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(SPACE_XS)
        self.button = IconChip(
            "documents", self.tr("Answer from your documents: attach a collection")
        )
        self.button.setObjectName("documentsChip")
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu = QMenu(self)
        self.menu.aboutToShow.connect(self.fill_menu)
        self.button.setMenu(self.menu)
        self._layout.addStretch(1)
        documents.collections.modelReset.connect(self._rebuild)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ParentChange:
            self._update_button()  # placed in a window: hidden while nothing is attached

    @Slot(object)
    def set_attached(self, ids: Sequence[int]) -> None:
        self._attached = tuple(ids)
        self._rebuild()

    def fill_menu(self) -> None:
        """Every collection not attached yet, then Manage."""
        self.menu.clear()
        available = [
            c for c in self.documents.collections.collections() if c.id not in self._attached
        ]
        for info in available:
            action = self.menu.addAction(info.name)
            action.triggered.connect(lambda _=False, i=info.id: self.attach_requested.emit(i))
        if not self.documents.collections.collections():
            empty = self.menu.addAction(self.tr("No collections yet"))
            empty.setEnabled(False)
        self.menu.addSeparator()
        manage = self.menu.addAction(self.tr("Manage collections…"))
        manage.triggered.connect(self.manage_requested)

    def _rebuild(self) -> None:
        """One chip per attached collection that is listed (deleted ones, or ones whose list
        has not arrived yet, have none). The collection list is reset on every indexing report:
        when the chips would be the same they are kept, so a chip is never replaced under the
        pointer while the user clicks its ×."""
        wanted = [
            (collection_id, name)
            for collection_id in self._attached
            if (name := self.documents.name_of(collection_id)) is not None
        ]
        if [(chip.collection_id, chip.name) for chip in self.chips] == wanted:
            self._update_button()
            return
        for chip in self.chips:
            self._layout.removeWidget(chip)
            chip.deleteLater()
        self.chips = []
        for position, (collection_id, name) in enumerate(wanted):
            chip = CollectionChip(collection_id, name, self)
            chip.remove_requested.connect(self.detach_requested)
            self._layout.insertWidget(position, chip)
            self.chips.append(chip)
        self._update_button()

    def _update_button(self) -> None:
        """The Documents chip counts the attached collections and says so in its tooltip."""
        count = len(self.chips)
        self.button.set_count(count)
        if count:
            tip = self.tr(
                "%n collection(s) attached: replies use their passages. Attach another…",
                "",
                count,
            )
        else:
            tip = self.tr("Answer from your documents: attach a collection")
        self.button.set_tooltip(tip)
        if self.parentWidget() is not None:  # placed in a window: only while there are chips
            self.setVisible(bool(count))

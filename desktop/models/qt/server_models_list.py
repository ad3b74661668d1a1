"""The Library tab's "On your servers" list: the models of the remote servers the user added,
each under its server, beside the files on this computer (issue 19).

It shows what the picker's sources know (desktop/models/picker.py: PickerSection per server, a
note in place of the models while a server is asked or when it fails); the remote feature fills
those sources, so this feature imports nothing of it. Names come from servers: plain text, as
item text always is.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from desktop.models.picker import PickerSection

__all__ = ["ServerModelsList"]

LOCATOR_ROLE = Qt.ItemDataRole.UserRole


class ServerModelsList(QTreeWidget):
    """Each server a top-level row (its name and host), its models under it; hidden while no
    server is added.

    Signals:
        load_requested(str locator): a model was double-clicked or activated with Enter.
    """

    load_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setColumnCount(2)
        self.setHeaderLabels([self.tr("On your servers"), self.tr("Context")])
        # The names take the width and the context only what it needs: with Qt's default (the
        # last column stretched) a server's name was cut at 100 px beside an empty column.
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.setRootIsDecorated(False)
        self.setAccessibleName(self.tr("Models on your servers"))
        self.itemActivated.connect(self._on_activated)
        self.hide()

    def show_sections(self, sections: Sequence[PickerSection]) -> None:
        """Shows the servers' models as the sources know them now."""
        self.clear()
        for section in sections:
            server = QTreeWidgetItem([section.title, ""])
            bold = QFont(self.font())
            bold.setBold(True)
            server.setFont(0, bold)
            server.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.addTopLevelItem(server)
            if not section.entries and section.note:
                note = QTreeWidgetItem([section.note, ""])
                note.setFlags(Qt.ItemFlag.ItemIsEnabled)
                server.addChild(note)
            for entry in section.entries:
                item = QTreeWidgetItem([entry.label, entry.detail])
                item.setData(0, LOCATOR_ROLE, entry.locator)
                server.addChild(item)
            server.setExpanded(True)
        self.setVisible(bool(sections))

    def locators(self) -> list[str]:
        """The models listed, in order."""
        found = []
        for i in range(self.topLevelItemCount()):
            server = self.topLevelItem(i)
            for j in range(server.childCount()):
                locator = server.child(j).data(0, LOCATOR_ROLE)
                if locator:
                    found.append(str(locator))
        return found

    def _on_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        locator = item.data(0, LOCATOR_ROLE)
        if locator:
            self.load_requested.emit(str(locator))

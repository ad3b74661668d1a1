"""Help › Keyboard shortcuts: every shortcut of the window, read from its actions.

Reading the QActions (instead of keeping a second list) means the dialog cannot disagree with
what the keys really do.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


def action_label(action: QAction) -> str:
    """'&Open model file…' → 'Open model file' (menu mnemonics and ellipses are menu syntax)."""
    text = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
    return text.removesuffix("…").removesuffix("...").strip()


def shortcut_rows(actions: Iterable[QAction]) -> list[tuple[str, str]]:
    """(what it does, keys) for each action with a shortcut, in the order given, no repeats."""
    rows: list[tuple[str, str]] = []
    seen: set[int] = set()
    for action in actions:
        keys = [k for k in action.shortcuts() if not k.isEmpty()]
        if not keys or id(action) in seen or action.isSeparator():
            continue
        seen.add(id(action))
        text = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in keys)
        rows.append((action_label(action), text))
    return rows


def place_shortcut_rows(window: QWidget, listed: Iterable[QAction]) -> list[tuple[str, str]]:
    """Keys that work in one part of the window only (F2 and Del in the chat list): the
    actions of ``window``'s children with a widget-bound shortcut, not in ``listed``. Their
    tooltip says what they act on ("Rename the selected chat")."""
    skip = {id(action) for action in listed}
    places = (Qt.ShortcutContext.WidgetShortcut, Qt.ShortcutContext.WidgetWithChildrenShortcut)
    found = [
        action
        for action in window.findChildren(QAction)
        if id(action) not in skip and action.shortcutContext() in places
    ]
    return [(action.toolTip(), keys) for action in found for _, keys in shortcut_rows([action])]


class ShortcutsDialog(QDialog):
    """A read-only two-column table: action, keys."""

    def __init__(
        self,
        actions: Iterable[QAction],
        extra: Iterable[tuple[str, str]] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.rows = shortcut_rows(actions) + list(extra)
        layout = QVBoxLayout(self)
        self.table = QTableWidget(len(self.rows), 2)
        self.table.setHorizontalHeaderLabels([self.tr("Action"), self.tr("Keys")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no focus frame on the first cell
        for row, (label, keys) in enumerate(self.rows):
            self.table.setItem(row, 0, QTableWidgetItem(label))
            key_item = QTableWidgetItem(keys)
            key_item.setTextAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
            self.table.setItem(row, 1, key_item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        height = self.table.verticalHeader().length() + self.table.horizontalHeader().height()
        self.resize(480, min(640, height + 90))

"""A value to copy: a read-only line in the fixed-width font with a Copy button beside it.

The local server's panel shows its address and each address other computers use this way, and
Settings › Local server its API key: text a user pastes into another program, so it is shown
whole, in a font where 0 and O differ, and one click puts it on the clipboard.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QStyle,
    QStyleOptionFrame,
    QWidget,
)

from desktop.qtkit.stylesheet import LINE_EDIT_MARGIN

__all__ = ["CopyField", "whole_text_width"]

CURSOR_WIDTH = 1


def whole_text_width(field: QLineEdit, text: str) -> int:
    """The width ``field`` needs to show ``text`` whole: the text, Qt's own margins, and the
    frame and padding its style (the app's stylesheet included) draws around it."""
    field.ensurePolished()  # the stylesheet's padding and border apply from here
    margins = field.textMargins()
    inner = (
        field.fontMetrics().horizontalAdvance(text)
        + 2 * LINE_EDIT_MARGIN
        + margins.left()
        + margins.right()
        + CURSOR_WIDTH
    )
    option = QStyleOptionFrame()
    field.initStyleOption(option)
    size = field.style().sizeFromContents(
        QStyle.ContentsType.CT_LineEdit, option, QSize(inner, field.fontMetrics().height()), field
    )
    return size.width()


class CopyField(QWidget):
    """:attr:`field` (read-only, fixed-width font; named ``object_name``) and
    :attr:`copy_button`, which copies the field's text; no margins, so it sits in a form row or
    a layout like a plain line edit.

    Signals:
        None of its own; ``copy_button.clicked`` copies.
    """

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = QLineEdit()
        self.field.setObjectName(object_name)
        self.field.setReadOnly(True)
        self.field.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        # A new text shows from its start (an address's scheme, a key's first characters):
        # QLineEdit puts the cursor, and so the view, at the end.
        self.field.textChanged.connect(self._show_start)
        self.copy_button = QPushButton(self.tr("Copy"))
        self.copy_button.clicked.connect(self.copy)
        self.row = QHBoxLayout(self)
        """The row: the field takes the spare width; a caller may add more buttons."""
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.addWidget(self.field, 1)
        self.row.addWidget(self.copy_button)

    def text(self) -> str:
        return self.field.text()

    def set_text(self, text: str) -> None:
        self.field.setText(text)

    def _show_start(self) -> None:
        self.field.setCursorPosition(0)

    def copy(self) -> None:
        """Puts the field's text on the clipboard."""
        QGuiApplication.clipboard().setText(self.field.text())

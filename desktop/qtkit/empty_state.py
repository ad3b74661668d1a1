"""A list's empty state: shown in an empty table's place, it says what the list is for and offers
the buttons that fill it.

A bare table header over a big blank area (the model manager's Downloads tab), or two lines of
grey text (its Library tab), read as "broken" more than "empty"; desktop apps of the kind (LM
Studio's My Models, Jan's hub) show an icon, one line and the way forward instead. The icon sits
in a soft circle of the accent colour and is drawn again when the theme changes.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from desktop.core.design import SPACE_M, SPACE_S, SPACE_XS
from desktop.qtkit.icons import themed_icon
from desktop.qtkit.layout_rows import centred_row
from desktop.qtkit.plain_text import note_label
from desktop.qtkit.push_button import push_button
from desktop.qtkit.scaled_label import ScaledLabel
from desktop.qtkit.stylesheet import PRIMARY, set_variant

__all__ = ["EmptyState", "IconBadge"]

TEXT_WIDTH = 420
"""The widest the explanation gets, in pixels: a short paragraph, not one long line."""


class IconBadge(QWidget):
    """An icon by meaning (desktop/qtkit/icons.py) in a circle of the accent colour, faint, the
    glyph in the accent itself. Painted from the palette on each paint, so a theme switch needs
    nothing more than the repaint Qt does anyway."""

    def __init__(self, meaning: str, size: int = 64, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.meaning = meaning
        self.setFixedSize(size, size)

    def sizeHint(self) -> QSize:
        return self.size()

    def paintEvent(self, _event: QPaintEvent) -> None:
        palette = self.palette()
        accent = QColor(palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight))
        circle = QColor(accent)
        circle.setAlpha(36)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(circle)
        painter.drawEllipse(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))
        side = round(self.width() * 0.5)
        offset = (self.width() - side) // 2
        icon = themed_icon(self.meaning, tint="accent", palette=palette)
        icon.paint(painter, offset, offset, side, side)
        painter.end()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.update()
        super().changeEvent(event)


class EmptyState(QWidget):
    """An icon, a title, a line of what to do, and buttons that do it, centred; a page of a
    QStackedWidget whose other page is the list.

    Signals:
        None of its own: :meth:`add_button` connects each button's ``clicked`` to a slot.
    """

    def __init__(
        self, meaning: str, title: str, text: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.badge = IconBadge(meaning)
        self.title = ScaledLabel(title, "subtitle", bold=True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setWordWrap(True)
        self.text = note_label(text, centred=True)
        self.text.setMaximumWidth(TEXT_WIDTH)
        self.text.setVisible(bool(text))
        self.buttons = QHBoxLayout()
        self.buttons.setSpacing(SPACE_S)
        column = QVBoxLayout(self)
        column.addStretch(1)
        column.addLayout(centred_row(self.badge))
        column.addSpacing(SPACE_M)
        column.addWidget(self.title)
        column.addSpacing(SPACE_XS)
        column.addLayout(centred_row(self.text, 10))
        column.addSpacing(SPACE_M)
        column.addLayout(centred_row(self.buttons))
        column.addStretch(2)  # a little above the middle, where the eye looks first
        self.setAccessibleName(title)

    def add_button(
        self, text: str, slot: Callable[..., object], *, primary: bool = False
    ) -> QPushButton:
        """A button under the text that calls ``slot``; ``primary``: in the accent (the one
        the user most likely wants)."""
        button = push_button(text, slot)
        if primary:
            set_variant(button, PRIMARY)
        self.buttons.addWidget(button)
        return button

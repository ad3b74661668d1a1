"""Example prompts as cards: the welcome page's and the empty chat's "Try one of these".

A card is a rounded, bordered surface clicked (or focused and activated with Space/Enter) as a
whole; its text wraps, which a QPushButton's cannot. :class:`PromptCards` lays three of them in a
row on a wide page and one above the other on a narrow one. Their surface and border are the
application stylesheet's (desktop/qtkit/stylesheet.py, :data:`PROMPT_CARD`), which follows the
theme; the icons are re-tinted here when it changes. The icons come with
:meth:`PromptCards.show_icons`, after the window's first frame: the icon font's library
(qtawesome) is not for start-up (tests/e2e/test_startup.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QWidget,
)

from desktop.core.design import SPACE_M, SPACE_S, SPACE_XS
from desktop.qtkit.stylesheet import PROMPT_CARD
from desktop.qtkit.theme import palette_is_dark

__all__ = ["CARDS_IN_A_ROW_MIN_WIDTH", "PromptCard", "PromptCards", "theme_changed"]

#: Below this width the cards stack in one column (an 800-px window with the chat list open).
CARDS_IN_A_ROW_MIN_WIDTH = 400


def theme_changed(event: QEvent, dark: bool) -> bool:
    """A palette event after which the application's theme is no longer ``dark``."""
    palette_events = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange)
    return event.type() in palette_events and dark != palette_is_dark(QApplication.palette())


class PromptCard(QFrame):
    """One example prompt as a card (see the module's doc).

    Signals:
        clicked(): the card was activated.
    """

    clicked = Signal()

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(PROMPT_CARD)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAttribute(Qt.WidgetAttribute.WA_Hover)  # for the :hover border
        self.setAccessibleName(text)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(SPACE_M, SPACE_M, SPACE_M, SPACE_M)
        layout.setSpacing(SPACE_S)
        self.with_icon = False
        """Set by PromptCards.show_icons (after the first frame)."""
        self.icon = QLabel()
        self.icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.icon)
        self.label = QLabel(text)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)
        self.restyle()

    def text(self) -> str:
        return self.label.text()

    def click(self) -> None:
        """As a button's click(): activates the card if it is enabled."""
        if self.isEnabled():
            self.clicked.emit()

    def restyle(self) -> None:
        """The icon in the colours of the application's theme (not this card's palette, which
        the stylesheet's rule for the card changes)."""
        self._dark = palette_is_dark(QApplication.palette())
        if self.with_icon:
            from desktop.qtkit.icons import themed_icon

            self.icon.setPixmap(themed_icon("chat", tint="muted").pixmap(QSize(16, 16)))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.click()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.click()
            return
        super().keyPressEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # A new application palette reaches a child as PaletteChange; so does the card's own
        # style sheet, hence the check that the theme really changed.
        if theme_changed(event, self._dark):
            self.restyle()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # A wrapped label in a grid cell is not given the height its lines need at the width
        # it gets (the last line was cut off); ask for that height at this width.
        needed = self.heightForWidth(event.size().width())
        if needed > 0 and needed != self.minimumHeight():
            self.setMinimumHeight(needed)


class PromptCards(QWidget):
    """Example prompts as cards: in a row when wide, one above the other when narrow. Without
    ``prompts``, the three examples the welcome page and the empty chat offer (:meth:`examples`).

    Signals:
        chosen(str): a card was activated; its prompt.
    """

    chosen = Signal(str)

    def __init__(self, prompts: Sequence[str] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        prompts = prompts or self.examples()
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.cards: list[PromptCard] = []
        for prompt in prompts:
            card = PromptCard(prompt, self)
            card.clicked.connect(lambda text=prompt: self.chosen.emit(text))
            self.cards.append(card)
        self._dark = palette_is_dark(QApplication.palette())
        self._columns = 0
        self.place(len(self.cards))

    def examples(self) -> tuple[str, ...]:
        """Prompts that show what a model does, answerable even by the small starter model."""
        return (
            self.tr("Explain how a rainbow forms, in two sentences."),
            self.tr("Write a short poem about the sea."),
            self.tr("Give me three ideas for a rainy weekend."),
        )

    def place(self, columns: int) -> None:
        """The cards in ``columns`` columns (1: one above the other)."""
        if columns == self._columns:
            return
        self._columns = columns
        for card in self.cards:
            self.grid.removeWidget(card)
        for number, card in enumerate(self.cards):
            self.grid.addWidget(card, *((0, number) if columns > 1 else (number, 0)))
        for column in range(len(self.cards)):  # equal widths, whatever the text
            self.grid.setColumnStretch(column, 1 if column < columns else 0)
        self.grid.setSpacing(SPACE_S if columns > 1 else SPACE_XS)

    def show_icons(self) -> None:
        for card in self.cards:
            card.with_icon = True
            card.restyle()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        wide = event.size().width() >= CARDS_IN_A_ROW_MIN_WIDTH
        self.place(len(self.cards) if wide else 1)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # The stylesheet's rule for the cards gives them a palette of their own, so a new
        # application palette may not reach them: this container, which hears it, restyles them.
        if theme_changed(event, self._dark):
            self._dark = palette_is_dark(QApplication.palette())
            for card in self.cards:
                card.restyle()

"""EmptyChat: what the chat area shows while the open chat has no messages yet.

A new chat used to be an empty white pane, even on the very first start with the starter model
loaded. This page says what the app is in one line, names the loaded model (with a "Demo" badge
and what that means for the starter model), offers three example prompts as cards and puts the
recommended model for this computer one click away.

An example prompt is sent at once, as ChatGPT's and Open WebUI's suggestion cards do: the card
says what will be asked, and the reply is the demonstration. (LM Studio and Jan show no example
prompts.) The prompt stays in the conversation, so it can be edited and sent again.

Styling is local and drawn from the design tokens (desktop/core/design.py), re-applied when the
palette changes between light and dark. The icons come with :meth:`EmptyChat.show_icons`, after
the window's first frame: the icon font's library (qtawesome) is not for start-up
(tests/e2e/test_startup.py).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.chat.protocol import ModelInfo
from desktop.core.design import RADIUS, SPACE_L, SPACE_M, SPACE_S, SPACE_XL, SPACE_XS, tokens
from desktop.qtkit.scaled_label import ScaledLabel
from desktop.qtkit.theme import palette_is_dark

__all__ = ["EmptyChat", "PromptCard"]

#: Below this width the cards stack in one column (an 800-px window with the chat list open).
CARDS_IN_A_ROW_MIN_WIDTH = 540


def muted(label: QLabel) -> QLabel:
    """Secondary text: the palette's placeholder colour (still 4.5:1, see design.py)."""
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


class PromptCard(QFrame):
    """One example prompt as a card: a rounded, bordered surface that is clicked (or focused and
    activated with Space/Enter) as a whole; its text wraps, which a QPushButton's cannot.

    Signals:
        clicked(): the card was activated.
    """

    clicked = Signal()

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("promptCard")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAttribute(Qt.WidgetAttribute.WA_Hover)  # for the :hover border
        self.setAccessibleName(text)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(SPACE_M, SPACE_M, SPACE_M, SPACE_M)
        layout.setSpacing(SPACE_S)
        self.with_icon = False
        """Set by EmptyChat.show_icons (after the first frame)."""
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

    @staticmethod
    def theme_changed(event: QEvent, dark: bool) -> bool:
        """A palette event after which the application's theme is no longer ``dark``."""
        palette_events = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange)
        return event.type() in palette_events and dark != palette_is_dark(QApplication.palette())

    def click(self) -> None:
        """As a button's click(): activates the card if it is enabled."""
        if self.isEnabled():
            self.clicked.emit()

    def restyle(self) -> None:
        """Border, surface and hover colours from the tokens of the application's theme (not
        this card's palette, which its own style sheet changes)."""
        self._dark = palette_is_dark(QApplication.palette())
        theme = tokens(self._dark)
        self.setStyleSheet(
            f"#promptCard {{ background: {theme.surface_raised}; border: 1px solid "
            f"{theme.border}; border-radius: {RADIUS}px; }}"
            f"#promptCard:hover, #promptCard:focus {{ border-color: {theme.accent}; }}"
            f"#promptCard:disabled {{ background: transparent; }}"
        )
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
        if self.theme_changed(event, self._dark):
            self.restyle()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # A wrapped label in a grid cell is not given the height its lines need at the width
        # it gets (the last line was cut off); ask for that height at this width.
        needed = self.heightForWidth(event.size().width())
        if needed > 0 and needed != self.minimumHeight():
            self.setMinimumHeight(needed)


class EmptyChat(QWidget):
    """What the app is, the loaded model (a "Demo" badge for the starter model), example
    prompts and the way to the recommended model.

    Signals:
        prompt_chosen(str): the user clicked an example prompt; it is to be sent.
        download_requested(): the user asked for the recommended model (the app connects it to
            the models feature, which opens it in the model manager's Browse tab).
    """

    prompt_chosen = Signal(str)
    download_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyChat")
        self.with_icons = False
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        column = QWidget(self)
        column.setMaximumWidth(640)
        layout = QVBoxLayout(column)
        layout.setSpacing(SPACE_S)
        self.title = ScaledLabel(self.tr("Start a conversation"), "display", bold=True)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.title)
        self.about = muted(
            QLabel(self.tr("Hearthside runs a language model on this computer, offline."))
        )
        self.about.setWordWrap(True)
        self.about.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.about)
        layout.addSpacing(SPACE_S)
        layout.addLayout(self._model_row())
        self.demo_note = muted(
            QLabel(
                self.tr(
                    "This is the small demo model. It is not trained to chat, so it often "
                    "repeats or continues your words. For real answers, download a "
                    "recommended model."
                )
            )
        )
        self.demo_note.setWordWrap(True)
        self.demo_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.demo_note)
        layout.addSpacing(SPACE_L)
        self.try_label = muted(ScaledLabel(self.tr("Try one of these"), "caption"))
        layout.addWidget(self.try_label)
        self.cards = QGridLayout()
        self.cards.setSpacing(SPACE_S)
        layout.addLayout(self.cards)
        self.prompt_buttons: list[PromptCard] = []
        """The example prompts' cards (each has click() and text(), as a button)."""
        for prompt in (
            self.tr("Explain how a rainbow forms, in two sentences."),
            self.tr("Write a short poem about the sea."),
            self.tr("Give me three ideas for a rainy weekend."),
        ):
            card = PromptCard(prompt)
            card.clicked.connect(lambda text=prompt: self.prompt_chosen.emit(text))
            self.prompt_buttons.append(card)
        self._columns = 0
        self._place_cards(3)
        layout.addSpacing(SPACE_XL)
        self.download_button = QPushButton(self.tr("Download a recommended model"))
        self.download_button.clicked.connect(self.download_requested)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.download_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.recommendation = muted(QLabel())
        self.recommendation.setTextFormat(Qt.TextFormat.PlainText)
        self.recommendation.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.recommendation.setWordWrap(True)
        self.recommendation.hide()
        layout.addWidget(self.recommendation)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(SPACE_L, SPACE_L, SPACE_L, SPACE_L)
        outer.addStretch(1)
        centred = QHBoxLayout()
        centred.addStretch(1)
        centred.addWidget(column, 10)
        centred.addStretch(1)
        outer.addLayout(centred)
        outer.addStretch(2)
        self._style_badge()
        self.set_model(None)

    def _model_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(SPACE_S)
        row.addStretch(1)
        self.model_icon = QLabel()
        row.addWidget(self.model_icon)
        self.model_label = QLabel()
        self.model_label.setTextFormat(Qt.TextFormat.PlainText)  # a file's name: untrusted
        self.model_label.setWordWrap(True)
        row.addWidget(self.model_label)
        self.demo_badge = QLabel(self.tr("Demo"))
        self.demo_badge.setObjectName("demoBadge")
        self.demo_badge.setToolTip(self.tr("The small starter model, for trying the app"))
        row.addWidget(self.demo_badge)
        row.addStretch(1)
        return row

    def _style_badge(self) -> None:
        self._dark = palette_is_dark(QApplication.palette())
        theme = tokens(self._dark)
        self.demo_badge.setStyleSheet(
            f"#demoBadge {{ color: {theme.warning}; border: 1px solid {theme.warning}; "
            f"border-radius: {RADIUS}px; padding: 0px {SPACE_S}px; }}"
        )
        if self.with_icons:
            from desktop.qtkit.icons import themed_icon

            self.model_icon.setPixmap(themed_icon("model", tint="muted").pixmap(QSize(16, 16)))
            self.download_button.setIcon(themed_icon("download"))
        # A card's own style sheet gives it a palette of its own, so a new application palette
        # may not reach it: the page, which hears it, restyles the cards.
        for card in getattr(self, "prompt_buttons", ()):
            card.with_icon = self.with_icons
            card.restyle()

    def _place_cards(self, columns: int) -> None:
        """Three cards in a row on a wide chat area, one above the other on a narrow one."""
        if columns == self._columns:
            return
        self._columns = columns
        for card in self.prompt_buttons:
            self.cards.removeWidget(card)
        for number, card in enumerate(self.prompt_buttons):
            self.cards.addWidget(card, *((0, number) if columns > 1 else (number, 0)))
        for column in range(len(self.prompt_buttons)):  # equal widths, whatever the text
            self.cards.setColumnStretch(column, 1 if column < columns else 0)
        self.cards.setSpacing(SPACE_S if columns > 1 else SPACE_XS)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_cards(3 if event.size().width() >= CARDS_IN_A_ROW_MIN_WIDTH else 1)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if hasattr(self, "_dark") and PromptCard.theme_changed(event, self._dark):
            self._style_badge()

    def set_model(self, info: ModelInfo | None) -> None:
        """Names the loaded model; the starter model gets the "Demo" badge and its note."""
        demo = info is not None and info.is_demo
        if info is None:
            self.model_label.setText(self.tr("No model is loaded."))
        else:
            name = info.name
            if demo:  # the starter's name says "(demo)" already; the badge says it now
                name = name.replace(" (demo)", "").replace("(demo)", "").strip() or info.name
            self.model_label.setText(name)
        self.model_icon.setVisible(info is not None)
        self.demo_badge.setVisible(demo)
        self.demo_note.setVisible(demo)
        self.download_button.setDefault(info is None or demo)
        for card in self.prompt_buttons:
            card.setEnabled(info is not None)

    def show_icons(self) -> None:
        """Adds the icons (the app calls it after the first frame; see the module's doc)."""
        self.with_icons = True
        self._style_badge()

    def set_recommendation(self, text: str) -> None:
        """Says which model *Download a recommended model* opens ("" hides the line)."""
        self.recommendation.setText(text)
        self.recommendation.setVisible(bool(text))

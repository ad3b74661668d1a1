"""EmptyChat: what the chat area shows while the open chat has no messages yet.

A new chat used to be an empty white pane, even on the very first start with the starter model
loaded. This page says what the app is in one line, names the loaded model (with a "Demo" badge
for the starter model; the window's banner above says what that means), offers three example
prompts as cards (desktop/qtkit/prompt_cards.py) and puts the recommended model for this
computer one click away.
In a short window the example prompts, then the line about the app, are left out rather than
squeezed (desktop/qtkit/fitting_page.py).

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
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desktop.chat.protocol import ModelInfo
from desktop.core.design import SPACE_L, SPACE_S
from desktop.qtkit.fitting_page import FittingPage
from desktop.qtkit.layout_rows import centred_row
from desktop.qtkit.plain_text import muted, note_label
from desktop.qtkit.prompt_cards import PromptCards, theme_changed
from desktop.qtkit.push_button import push_button
from desktop.qtkit.scaled_label import ScaledLabel
from desktop.qtkit.theme import palette_is_dark

__all__ = ["EmptyChat"]

MODEL_LINE_MAX = 480
"""The widest the loaded model's name stays on one line (the column is at most 640)."""


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
        column = QWidget()
        column.setMaximumWidth(640)
        layout = QVBoxLayout(column)
        layout.setSpacing(SPACE_S)
        self.title = ScaledLabel(self.tr("Start a conversation"), "display", bold=True)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.title)
        self.about = note_label(
            self.tr("Hearthside runs a language model on this computer, offline."), centred=True
        )
        layout.addWidget(self.about)
        layout.addSpacing(SPACE_S)
        layout.addLayout(self._model_row())
        layout.addWidget(self._prompts())
        layout.addSpacing(SPACE_L)
        self.download_button = push_button(
            self.tr("Download a recommended model"), self.download_requested
        )
        layout.addLayout(centred_row(self.download_button))
        self.recommendation = note_label("", centred=True)
        self.recommendation.hide()
        layout.addWidget(self.recommendation)
        content = QWidget()
        outer = QVBoxLayout(content)
        outer.setContentsMargins(
            SPACE_L, SPACE_S, SPACE_L, SPACE_S
        )  # tight: 800×600 keeps the cards
        outer.addStretch(1)
        outer.addLayout(centred_row(column, 10))
        outer.addStretch(2)
        # In a short window the example prompts go first, then the line about the app.
        self.page = FittingPage(content, optional=(self.prompts, self.about))
        """The page's content, which leaves out the example prompts when it is too short."""
        own = QVBoxLayout(self)
        own.setContentsMargins(0, 0, 0, 0)
        own.addWidget(self.page)
        self._refresh_icons()
        self.set_model(None)

    def _prompts(self) -> QWidget:
        """The example prompts under their caption (left out as a whole in a short page)."""
        self.prompts = QWidget()
        layout = QVBoxLayout(self.prompts)
        layout.setContentsMargins(0, SPACE_L - SPACE_S, 0, 0)
        layout.setSpacing(SPACE_S)
        self.try_label = muted(ScaledLabel(self.tr("Try one of these"), "caption"))
        layout.addWidget(self.try_label)
        self.cards = PromptCards()
        self.cards.chosen.connect(self.prompt_chosen)
        layout.addWidget(self.cards)
        self.prompt_buttons = self.cards.cards
        """The example prompts' cards (each has click() and text(), as a button)."""
        return self.prompts

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

    def _refresh_icons(self) -> None:
        """Icons in the palette's colours (the Demo badge is the application stylesheet's, the
        same pill as the picker's demo chip)."""
        self._dark = palette_is_dark(QApplication.palette())
        if self.with_icons:
            from desktop.qtkit.icons import themed_icon

            self.model_icon.setPixmap(themed_icon("model", tint="muted").pixmap(QSize(16, 16)))
            self.download_button.setIcon(themed_icon("download"))

    def _fit_model_label(self) -> None:
        """A wrapping label between stretches is laid out narrow: a server's model id
        ("gemma-3-270m-q4_k_m.gguf") broke at its hyphens with room to spare. It keeps one
        line up to MODEL_LINE_MAX pixels and wraps only beyond."""
        one_line = self.model_label.fontMetrics().horizontalAdvance(self.model_label.text())
        self.model_label.setMinimumWidth(min(one_line + 2, MODEL_LINE_MAX))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_model_label()
        if hasattr(self, "_dark") and theme_changed(event, self._dark):
            self._refresh_icons()

    def set_model(self, info: ModelInfo | None) -> None:
        """Names the loaded model; the starter model gets the "Demo" badge (what that means is
        the window's banner's to say, once: desktop/models/qt/model_messages.py). The line about
        the app says where a server's model runs instead of "on this computer, offline"."""
        demo = info is not None and info.is_demo
        if info is None:
            self.model_label.setText(self.tr("No model is loaded."))
        else:
            name = info.name
            if demo:  # the starter's name says "(demo)" already; the badge says it now
                name = name.replace(" (demo)", "").replace("(demo)", "").strip() or info.name
            self.model_label.setText(name)
        self._fit_model_label()
        self.about.setText(
            self.tr("The model runs on {host}, not on this computer.").format(host=info.host)
            if info is not None and info.host
            else self.tr("Hearthside runs a language model on this computer, offline.")
        )
        self.model_icon.setVisible(info is not None)
        self.demo_badge.setVisible(demo)
        self.download_button.setDefault(info is None or demo)
        for card in self.prompt_buttons:
            card.setEnabled(info is not None)
        self.page.fit()

    def show_icons(self) -> None:
        """Adds the icons (the app calls it after the first frame; see the module's doc)."""
        self.with_icons = True
        self._refresh_icons()
        self.cards.show_icons()

    def set_recommendation(self, text: str) -> None:
        """Says which model *Download a recommended model* opens ("" hides the line)."""
        self.recommendation.setText(text)
        self.recommendation.setVisible(bool(text))
        self.page.fit()

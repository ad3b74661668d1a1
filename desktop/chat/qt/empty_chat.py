"""EmptyChat: what the chat area shows while the open chat has no messages yet.

A new chat used to be an empty white pane, even on the very first start with the starter model
loaded. This page says what to do: the loaded model (marked "demo" for the starter model, with
what that means), three example prompts to click, and the way to a better model.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.chat.protocol import ModelInfo

__all__ = ["EmptyChat"]


class EmptyChat(QWidget):
    """Title, the loaded model, example prompts and the way to a recommended model.

    Signals:
        prompt_chosen(str): the user clicked an example prompt; it is to be sent.
        download_requested(): the user asked for a recommended model (the app connects it to
            the model manager's Browse tab).
    """

    prompt_chosen = Signal(str)
    download_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyChat")
        self.setAutoFillBackground(True)
        self.setBackgroundRole(self.backgroundRole().Base)
        column = QWidget(self)
        column.setMaximumWidth(560)
        layout = QVBoxLayout(column)
        layout.setSpacing(12)
        self.title = QLabel(self.tr("Start a conversation"))
        self._size_title()
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.title)
        self.model_label = QLabel()
        self.model_label.setTextFormat(Qt.TextFormat.PlainText)  # a file's name: untrusted
        self.model_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.model_label.setWordWrap(True)
        layout.addWidget(self.model_label)
        self.demo_note = QLabel(
            self.tr(
                "This is the small demo model. It is not trained to chat, so it often repeats "
                "or continues your words. For real answers, download a recommended model."
            )
        )
        self.demo_note.setWordWrap(True)
        self.demo_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.demo_note)
        try_label = QLabel(self.tr("Try one of these:"))
        try_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(try_label)
        self.prompt_buttons: list[QPushButton] = []
        for prompt in (
            self.tr("Explain how a rainbow forms, in two sentences."),
            self.tr("Write a short poem about the sea."),
            self.tr("Give me three ideas for a rainy weekend."),
        ):
            button = QPushButton(prompt)
            button.setObjectName("examplePrompt")
            button.clicked.connect(lambda _=False, text=prompt: self.prompt_chosen.emit(text))
            layout.addWidget(button)
            self.prompt_buttons.append(button)
        self.download_button = QPushButton(self.tr("Download a recommended model"))
        self.download_button.clicked.connect(self.download_requested)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.download_button)
        row.addStretch(1)
        layout.addSpacing(8)
        layout.addLayout(row)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        centred = QHBoxLayout()
        centred.addStretch(1)
        centred.addWidget(column, 10)
        centred.addStretch(1)
        outer.addLayout(centred)
        outer.addStretch(2)
        self.set_model(None)

    def _size_title(self) -> None:
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        self.title.setFont(font)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._size_title()  # its own font does not follow Text size by itself

    def set_model(self, info: ModelInfo | None) -> None:
        """Names the loaded model; the starter model is marked as a demo and explained."""
        demo = info is not None and info.is_demo
        if info is None:
            self.model_label.setText(self.tr("No model is loaded."))
        elif demo and "demo" not in info.name.lower():  # the starter's name says it already
            self.model_label.setText(self.tr("Model: {name} · demo").format(name=info.name))
        else:
            self.model_label.setText(self.tr("Model: {name}").format(name=info.name))
        self.demo_note.setVisible(demo)
        for button in self.prompt_buttons:
            button.setEnabled(info is not None)

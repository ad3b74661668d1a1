"""Banner: the notes above the conversation (the model's notes, messages left out), which the
user may hide.

The starter model's note stays for as long as the starter is loaded, and took two or three
lines of an 800×600 window for good. Like LM Studio's and Jan's notices, it can be closed: a
closed note stays hidden while the same text comes back (the model's notes after the
"messages left out" note, the same model loaded again); a different note shows.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QWidget

from desktop.core.design import SPACE_S
from desktop.qtkit.late_icon_button import LateIconButton
from desktop.qtkit.plain_text import note_label

__all__ = ["Banner"]


class Banner(QFrame):
    """:attr:`label` (plain text: a model's name is untrusted) and a close button, drawn as a
    quiet card with an accent edge by the application stylesheet (``#banner``).

    Signals:
        None of its own; the close button hides it (:meth:`dismiss`).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(SPACE_S)
        self.label = note_label("", is_muted=False)
        """The notes, one per line; plain text only."""
        layout.addWidget(self.label, 1)
        self.close_button = LateIconButton("close", self.tr("Hide this note"), self, size=14)
        self.close_button.clicked.connect(self.dismiss)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.dismissed = ""
        """The text the user closed; it stays hidden while it is the text."""
        self.hide()

    def set_text(self, text: str) -> None:
        """Shows ``text``; "" hides the banner, and so does the text the user closed."""
        self.label.setText(text)
        shown = bool(text) and text != self.dismissed
        self.label.setVisible(shown)
        self.setVisible(shown)

    def dismiss(self) -> None:
        """Hides the banner until another text comes."""
        self.dismissed = self.label.text()
        self.label.hide()
        self.hide()

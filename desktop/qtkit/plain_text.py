"""Message boxes and tooltips for text that is not ours: names and values from model files,
hub answers, imports.

Qt guesses rich text for any string that looks like HTML (QMessageBox's and QLabel's
AutoText, and every tooltip), so a model named ``<a href="file:///etc/passwd">here</a>`` or
``<img src="/x.png">`` would become a link or load an image from disk. These helpers show such
text as written: message boxes with Qt.PlainText (informative text included), tooltips escaped.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

__all__ = ["ask_plain", "muted", "note_label", "plain_message_box", "plain_tooltip"]


def plain_message_box(
    parent: QWidget | None,
    icon: QMessageBox.Icon,
    title: str,
    text: str,
    informative: str = "",
    buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok,
) -> QMessageBox:
    """A QMessageBox whose text and informative text are shown as plain text, not run."""
    box = QMessageBox(icon, title, "", buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    if informative:
        box.setInformativeText(informative)
        for label in box.findChildren(QLabel):
            label.setTextFormat(Qt.TextFormat.PlainText)
    return box


def ask_plain(parent: QWidget | None, title: str, question: str) -> bool:
    """QMessageBox.question (Yes / No) with the question shown as plain text; True for Yes."""
    box = plain_message_box(
        parent,
        QMessageBox.Icon.Question,
        title,
        question,
        buttons=QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
    )
    return box.exec() == QMessageBox.StandardButton.Yes


def plain_tooltip(text: str) -> str:
    """A tooltip that shows text as written (tooltips have no text format of their own)."""
    escaped = html.escape(text, quote=False).replace("\n", "<br>")
    return f"<qt>{escaped}</qt>"


def muted(label: QLabel) -> QLabel:
    """Secondary text: the palette's placeholder colour (still 4.5:1, see core/design.py,
    unlike a disabled label's)."""
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def note_label(text: str, *, is_muted: bool = True, centred: bool = False) -> QLabel:
    """An explanation under a setting, a list or a page's title: plain text, wrapped, in the
    theme's muted text colour unless ``is_muted`` is False, centred when ``centred``."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if centred:
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return muted(label) if is_muted else label

"""Untrusted text in message boxes and tooltips is shown as written, never run as HTML."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette, QTextDocument
from PySide6.QtWidgets import QLabel, QMessageBox

from desktop.qtkit.plain_text import ask_plain, note_label, plain_message_box, plain_tooltip

HOSTILE = '<a href="file:///etc/passwd">here</a><img src="/x.png">'


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[QMessageBox]:
    """Message boxes that would have been shown; each answers No without blocking."""
    boxes: list[QMessageBox] = []

    def fake_exec(box: QMessageBox) -> int:
        boxes.append(box)
        return QMessageBox.StandardButton.No.value

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    return boxes


def test_questions_show_hostile_names_as_plain_text(qtbot, shown: list[QMessageBox]) -> None:
    assert not ask_plain(None, "Delete model", f"Move {HOSTILE} to the trash?")
    box = shown[0]
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert box.text() == f"Move {HOSTILE} to the trash?"


def test_informative_text_is_plain_too(qtbot) -> None:
    box = plain_message_box(None, QMessageBox.Icon.Question, "Add", HOSTILE, f"Folder {HOSTILE}")
    qtbot.addWidget(box)
    labels = [label for label in box.findChildren(QLabel) if HOSTILE in label.text()]
    assert len(labels) == 2
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in labels)


def test_tooltips_show_the_text_as_written() -> None:
    tip = plain_tooltip(f"{HOSTILE}\nsecond line & more")
    document = QTextDocument()
    document.setHtml(tip)
    assert document.toPlainText() == f"{HOSTILE}\nsecond line & more"
    assert "<img" not in tip and "<a " not in tip


def test_a_note_is_plain_wrapped_and_muted_unless_asked(qtbot) -> None:
    note = note_label("<b>not bold</b>")
    qtbot.addWidget(note)
    assert note.textFormat() == Qt.TextFormat.PlainText and note.wordWrap()
    assert note.foregroundRole() == QPalette.ColorRole.PlaceholderText
    assert not note.alignment() & Qt.AlignmentFlag.AlignHCenter
    loud = note_label("centred", is_muted=False, centred=True)
    qtbot.addWidget(loud)
    assert loud.foregroundRole() != QPalette.ColorRole.PlaceholderText
    assert loud.alignment() & Qt.AlignmentFlag.AlignHCenter

"""The "Earlier conversation, summarized" note at the top of the chat.

When a conversation outgrows the context window and its strategy is to summarize, the model
writes a running summary that stands in for the turns it no longer reads. The user sees that
summary here, folded by default, and may correct it: the next prompt carries their version.
The text is model output, so it is shown as plain text, never as rich text or Markdown.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.conversation import RunningSummary
from desktop.qtkit.push_button import push_button

__all__ = ["SummaryNote"]

_BODY_LINES = 6


class SummaryNote(QFrame):
    """A collapsible, editable view of the running summary of the branch on screen.

    Signals:
        edit_saved(str): the user saved a changed summary (stripped, never empty).
    """

    edit_saved = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("summaryNote")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(self.backgroundRole().AlternateBase)
        self._summary: RunningSummary | None = None

        self._toggle = QToolButton(self)
        self._toggle.setObjectName("summaryToggle")
        self._toggle.setCheckable(True)
        self._toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self._toggle.setAutoRaise(True)
        self._toggle.setArrowType(Qt.ArrowType.RightArrow)
        self._toggle.setText(self.tr("Earlier conversation, summarized"))
        self._toggle.setToolTip(
            self.tr(
                "The oldest messages no longer fit in the model's memory. The model reads this "
                "summary of them instead; you can correct it."
            )
        )
        self._toggle.toggled.connect(self._on_toggle_toggled)
        self.edited_mark = QLabel(self.tr("(edited)"), self)
        self.edited_mark.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # muted, still 4.5:1
        self._edit_button = push_button(self.tr("Edit"), self.start_editing, parent=self)
        self._save_button = push_button(self.tr("Save"), self.save, parent=self)
        self._cancel_button = push_button(self.tr("Cancel"), self.cancel_editing, parent=self)

        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.addWidget(self._toggle)
        header.addWidget(self.edited_mark)
        header.addStretch(1)
        header.addWidget(self._edit_button)
        header.addWidget(self._save_button)
        header.addWidget(self._cancel_button)

        self._body = QTextEdit(self)
        self._body.setObjectName("summaryBody")
        self._body.setReadOnly(True)
        self._body.setAcceptRichText(False)  # model output and pasted text stay plain
        self._body.setFrameShape(QFrame.Shape.NoFrame)
        self._body.setAccessibleName(self.tr("Summary of the earlier conversation"))
        self._body.document().documentLayout().documentSizeChanged.connect(self._fit_body)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 2, 8, 4)
        layout.setSpacing(2)
        layout.addLayout(header)
        layout.addWidget(self._body)
        self._body.setVisible(False)  # folded until the user opens it
        self.set_summary(None)

    # -- public API ---------------------------------------------------------------------------

    def summary(self) -> RunningSummary | None:
        return self._summary

    def is_expanded(self) -> bool:
        return self._toggle.isChecked()

    def set_expanded(self, expanded: bool) -> None:
        self._toggle.setChecked(expanded)

    def is_editing(self) -> bool:
        return not self._body.isReadOnly()

    def body_text(self) -> str:
        return self._body.toPlainText()

    def editor(self) -> QTextEdit:
        return self._body

    def toggle_button(self) -> QToolButton:
        return self._toggle

    def set_summary(self, summary: RunningSummary | None) -> None:
        """Shows the summary of the branch on screen; hidden when there is none. An edit in
        progress for the same summary is kept (a new summary replaces it)."""
        same = (
            summary is not None
            and self._summary is not None
            and summary.id == self._summary.id
            and self.is_editing()
        )
        self._summary = summary
        self.setVisible(summary is not None)
        if summary is None:
            self._set_editing(False)
            self._body.setPlainText("")
            return
        if not same:
            self._set_editing(False)
            self._body.setPlainText(summary.content)
        self.edited_mark.setVisible(summary.edited_at is not None)

    def start_editing(self) -> None:
        if self._summary is None:
            return
        self.set_expanded(True)
        self._set_editing(True)
        self._body.setFocus(Qt.FocusReason.OtherFocusReason)

    def save(self) -> None:
        text = self._body.toPlainText().strip()
        if self._summary is None or not text:
            return
        self._set_editing(False)
        if text != self._summary.content:
            self.edit_saved.emit(text)

    def cancel_editing(self) -> None:
        self._set_editing(False)
        if self._summary is not None:
            self._body.setPlainText(self._summary.content)

    # -- behaviour ----------------------------------------------------------------------------

    def _fit_body(self, *_: object) -> None:
        """As tall as the summary, up to _BODY_LINES lines; longer ones scroll."""
        document = self._body.document()
        most = _BODY_LINES * self._body.fontMetrics().lineSpacing()
        height = min(most, int(document.size().height()) + 1)
        height += 2 * self._body.frameWidth()
        if height != self._body.height():
            self._body.setFixedHeight(height)

    def _set_editing(self, editing: bool) -> None:
        self._body.setReadOnly(not editing)
        self._edit_button.setVisible(not editing and self.is_expanded())
        self._save_button.setVisible(editing)
        self._cancel_button.setVisible(editing)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_body()

    def _on_toggle_toggled(self, expanded: bool) -> None:
        self._toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self._body.setVisible(expanded)
        self._fit_body()
        if not expanded and self.is_editing():
            self.cancel_editing()
        self._set_editing(self.is_editing())

"""ShellStatusBar: the main window's status bar, its widget groups and its messages.

Left to right: the message, the left-hand widgets (an Undo button) right after it, then the
permanent groups of :data:`STATUS_GROUPS` (speed and context of the last reply, the local server,
the backend; the model picker is at the top of the chat, desktop/models/qt/picker.py). Qt draws
a status bar's message from the bar's left edge, under any left-hand widget (the old model
button covered "… was moved to the trash."), so the message is a label of its own, placed
before them; ``showMessage``, ``clearMessage`` and ``currentMessage`` work on that label, as
callers of QStatusBar expect.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from desktop.qtkit.plain_text import plain_tooltip
from desktop.shell.feature import STATUS_GROUPS

__all__ = ["ShellStatusBar"]


class _MessageLabel(QLabel):
    """As wide as its text where there is room, and cut (not the window held wide) where
    there is not; the whole message is in its tooltip."""

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())


class ShellStatusBar(QStatusBar):
    """A status bar whose messages sit beside its left-hand widgets, never under them.

    Signals:
        messageChanged(str) (QStatusBar's): the message shown now, "" when cleared.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message_label = _MessageLabel(self)
        """The message; plain text (it may quote a chat's or a file's name)."""
        self.message_label.setObjectName("statusMessage")
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.addWidget(self.message_label)
        self.addWidget(QWidget(self), 1)  # the rest of the left part: Undo stays by its message
        self._left = 0  # left-hand widgets, after the message
        self._groups: dict[str, list[QWidget]] = {group: [] for group in STATUS_GROUPS}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clearMessage)

    # QStatusBar's message API, on the label -------------------------------------------------

    def showMessage(self, text: str, timeout: int = 0) -> None:
        self.message_label.setText(text)
        self.message_label.setToolTip(plain_tooltip(text))  # it may quote a file or a server
        if timeout > 0:
            self._timer.start(timeout)
        else:
            self._timer.stop()
        self.messageChanged.emit(text)

    def clearMessage(self) -> None:
        self._timer.stop()
        if self.message_label.text():
            self.message_label.clear()
            self.message_label.setToolTip("")
            self.messageChanged.emit("")

    def currentMessage(self) -> str:
        return self.message_label.text()

    # Widget groups ----------------------------------------------------------------------------

    def add_group_widget(self, group: str, widget: QWidget, *, left: bool = False) -> None:
        """Right-hand part: at the end of ``group`` (STATUS_GROUPS). ``left``: right after the
        message (an Undo button; ``group`` is then only a name)."""
        if left:
            self.insertWidget(self._left + 1, widget)  # after the message
            self._left += 1
            return
        if group not in self._groups:
            raise ValueError(f"the status bar has no group {group!r}")
        position = self._left + 2  # after the message and the rest of the left part
        for name in STATUS_GROUPS:
            position += len(self._groups[name])
            if name == group:
                break
        self.insertPermanentWidget(position, widget)
        self._groups[group].append(widget)

    def remove_left_widget(self, widget: QWidget) -> None:
        """Takes a left-hand widget (an Undo button) out again."""
        self.removeWidget(widget)
        self._left -= 1

"""The parts of a message's header that draw icons: the author's round mark and the action
buttons that show only while the message is hovered or focused.

Split from :mod:`desktop.chat.qt.message_header` so that the icon font (qtawesome, through
:mod:`desktop.qtkit.icons`) is loaded with the first message rather than with the window.
"""

from __future__ import annotations

from typing import ClassVar, Protocol

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFocusEvent, QIcon, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from desktop.core.conversation import Role
from desktop.core.design import tokens
from desktop.qtkit.icons import IconButton, themed_icon
from desktop.qtkit.theme import palette_is_dark

__all__ = ["AVATAR_SIZE", "ActionButton", "AuthorMark", "ShowsActions"]

AVATAR_SIZE = 22
"""Diameter of the author's round mark, in pixels."""


class ShowsActions(Protocol):
    """What an :class:`ActionButton` asks its header (a MessageHeader): whether the actions are
    shown now, and to redraw them when that may have changed."""

    def actions_shown(self) -> bool: ...

    def refresh_actions(self) -> None: ...


class AuthorMark(QWidget):
    """The author's round mark: an icon on a disc, in the theme's colours (painted, not a
    pixmap per bubble: the icons are shared by every mark of one theme)."""

    _icons: ClassVar[dict[tuple[str, str, bool], QIcon]] = {}  # (meaning, tint, dark) -> icon

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._role = Role.ASSISTANT
        self.setFixedSize(AVATAR_SIZE, AVATAR_SIZE)

    def set_role(self, role: Role) -> None:
        self._role = role
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        dark = palette_is_dark(self.palette())
        theme = tokens(dark)
        if self._role == Role.ASSISTANT:
            disc, meaning, tint = theme.accent, "assistant", "on_accent"
        else:
            disc, meaning, tint = theme.inline_code, "user", "muted"
        key = (meaning, tint, dark)
        icon = self._icons.get(key)
        if icon is None:
            icon = self._icons[key] = themed_icon(meaning, tint=tint, palette=self.palette())
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(disc))
        painter.drawEllipse(QRectF(self.rect()))
        side = AVATAR_SIZE - 8
        icon.paint(painter, 4, 4, side, side)
        painter.end()


class ActionButton(IconButton):
    """An action of a message, drawn only while its header shows its actions (the message is
    hovered, or one of its buttons has the keyboard focus). It is always laid out and always
    in the Tab order, so nothing moves when it appears and the keyboard reaches it as before.
    """

    def __init__(self, meaning: str, tooltip: str, parent: QWidget, header: ShowsActions) -> None:
        super().__init__(meaning, tooltip, parent, tint="muted")
        self._header = header
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._header.actions_shown():
            super().paintEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self._header.refresh_actions()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self._header.refresh_actions()

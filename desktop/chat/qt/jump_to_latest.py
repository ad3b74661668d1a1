"""The *Jump to latest* button that floats over the chat's bottom-right corner while the newest
message is scrolled out of view (the user scrolled up, also while a reply streams below).

Split from ChatView (view.py); ScrollFollower (scroll_follow.py) decides when it shows and what a
click does; this module only places it and gives it its round, raised look from the design tokens
(a style local to this one button, so an app-wide style sheet does not have to know it).
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QWidget

from desktop.core.design import SPACE_L, tokens
from desktop.qtkit.icons import IconButton
from desktop.qtkit.theme import palette_is_dark

__all__ = ["JumpToLatest"]

SIDE = 36
"""The button's side in pixels; MARGIN is its distance from the view's bottom-right corner."""
MARGIN = SPACE_L


class JumpToLatest(IconButton):
    """A round icon button ("jump_to_latest") placed by :meth:`place`, hidden at first."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__("jump_to_latest", self.tr("Jump to latest"), parent)
        self.setAutoRaise(False)
        self.setFixedSize(SIDE, SIDE)
        self.hide()
        self.restyle()

    def place(self, area: QRect) -> None:
        """Sit in the bottom-right corner of ``area`` (the view's viewport, in the view)."""
        self.move(area.right() - MARGIN - SIDE + 1, area.bottom() - MARGIN - SIDE + 1)

    def show_when(self, away: bool, area: QRect) -> None:
        """Shown while ``away`` from the bottom, above the messages; hidden otherwise."""
        if away != self.isVisible():
            self.setVisible(away)
            if away:
                self.place(area)
                self.raise_()

    def restyle(self) -> None:
        """Take the colours of the view's theme; the view calls this when its palette changes
        (the button's own palette is its style sheet's, so it is not the one to judge by)."""
        parent = self.parentWidget()
        theme = tokens(palette_is_dark(parent.palette() if parent is not None else self.palette()))
        sheet = (
            f"QToolButton {{ background: {theme.surface_raised};"
            f" border: 1px solid {theme.border}; border-radius: {SIDE // 2}px; }}"
            f" QToolButton:hover {{ background: {theme.control}; border-color: {theme.accent}; }}"
        )
        if sheet != self.styleSheet():  # setting it sends a palette change of its own
            self.setStyleSheet(sheet)

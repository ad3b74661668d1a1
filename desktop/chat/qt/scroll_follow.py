"""Where the chat's scroll position goes: following the newest message, *Jump to latest*, and
asking for earlier messages near the top.

Split from ChatView (view.py), which keeps the bubbles and the model; this module only watches
the scroll bar. It is given the scroll area and a callback for "ask for earlier rows" explicitly,
so it needs nothing private of the view.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QScrollArea

if TYPE_CHECKING:
    from desktop.chat.qt.jump_to_latest import JumpToLatest

__all__ = ["ScrollFollower"]

NEAR_BOTTOM = 8
"""Within this many pixels of the end the view counts as at the bottom (and keeps following)."""


class ScrollFollower:
    """Follows the bottom of ``area`` while it is scrolled there, shows Jump to latest while it
    is not, and calls ``request_earlier`` once when the top is less than a screen away (until
    re-armed). ``can_request`` says whether asking makes sense now (the view has a model).

    Not a QObject (it has no signals): the owner connects the scroll bar to
    :meth:`on_range_changed` and :meth:`on_value_changed` and calls the rest.
    """

    def __init__(
        self,
        area: QScrollArea,
        request_earlier: Callable[[], None],
        can_request: Callable[[], bool],
    ) -> None:
        self._area = area
        self._request_earlier = request_earlier
        self._can_request = can_request
        self._following = True
        self._has_earlier = False
        self._earlier_armed = False
        # Checks for "near the top" once layout has settled after rows or the flag changed,
        # so a page too short to scroll still loads the next one.
        self._earlier_check = QTimer(area)
        self._earlier_check.setSingleShot(True)
        self._earlier_check.setInterval(0)
        self._earlier_check.timeout.connect(self.maybe_request_earlier)
        # Floats over the bottom-right corner while the newest message is out of view.
        # Made when first needed (the icon font need not load for an empty chat's first frame).
        self._jump: JumpToLatest | None = None

    # -- following the bottom -----------------------------------------------------------------

    def is_following(self) -> bool:
        return self._following

    def at_bottom(self) -> bool:
        """Whether the scroll bar is at (or within a few pixels of) its end."""
        bar = self._area.verticalScrollBar()
        return bar.value() >= bar.maximum() - NEAR_BOTTOM

    def set_following(self, following: bool) -> None:
        """Follow the bottom from now on, or stay put when the range next changes."""
        self._following = following
        self.update_jump()

    def scroll_to_bottom(self) -> None:
        """Jump to the end and keep following it."""
        self._following = True
        bar = self._area.verticalScrollBar()
        bar.setValue(bar.maximum())
        self.update_jump()

    def on_range_changed(self, maximum: int) -> None:
        """The scroll bar's range changed (content grew or shrank, or the view resized)."""
        if self._following:
            self._area.verticalScrollBar().setValue(maximum)
        self.update_jump()

    def on_value_changed(self, value: int) -> None:
        """The user (or code) scrolled."""
        self._following = value >= self._area.verticalScrollBar().maximum() - NEAR_BOTTOM
        self.update_jump()
        self.maybe_request_earlier()

    # -- Jump to latest -----------------------------------------------------------------------

    def jump_button(self) -> JumpToLatest:
        """Jump to latest: shown while the newest message is scrolled out of view."""
        if self._jump is None:
            from desktop.chat.qt.jump_to_latest import JumpToLatest

            self._jump = JumpToLatest(self._area)
            self._jump.clicked.connect(self.scroll_to_bottom)
        return self._jump

    def update_jump(self) -> None:
        """Show Jump to latest while the bottom is out of view (scrolled up, also while a
        reply streams below); hide it at the bottom."""
        bar = self._area.verticalScrollBar()
        away = not self._following and bar.value() < bar.maximum() - NEAR_BOTTOM
        if away or self._jump is not None:
            self.jump_button().show_when(away, self._area.viewport().geometry())

    def place_jump(self) -> None:
        """Keep Jump to latest in the corner after the view resized."""
        if self._jump is not None:
            self._jump.place(self._area.viewport().geometry())

    def restyle_jump(self) -> None:
        """Give Jump to latest the view's new palette."""
        if self._jump is not None:
            self._jump.restyle()

    # -- earlier rows -------------------------------------------------------------------------

    def has_earlier(self) -> bool:
        return self._has_earlier

    def set_has_earlier(self, has_earlier: bool) -> None:
        """Say whether rows exist above the first one; re-arms the request."""
        self._has_earlier = has_earlier
        self._earlier_armed = has_earlier
        if has_earlier:
            self._earlier_check.start()

    def rearm_earlier(self) -> None:
        """Rows were prepended or replaced: the next approach to the top may ask again."""
        self._earlier_armed = self._has_earlier
        self._earlier_check.start()

    def maybe_request_earlier(self) -> None:
        """Ask once for earlier rows when the top is less than a screen away."""
        if not (self._has_earlier and self._earlier_armed) or not self._can_request():
            return
        if self._area.verticalScrollBar().value() > self._area.viewport().height():
            return
        self._earlier_armed = False
        self._request_earlier()

"""An icon button for the window's first frame: :class:`~desktop.qtkit.icons.IconButton` with
``late=True``, its icon drawn on the event loop's turn after its first paint, so loading the
icon font is no part of start-up (tests/e2e/test_startup.py). The composer's Send and its chips
are such buttons.
"""

from __future__ import annotations

from desktop.qtkit.icons import IconButton

__all__ = ["LateIconButton"]


class LateIconButton(IconButton):
    """An IconButton whose icon comes on the turn after its first paint (IconButton's
    arguments, ``late`` always on)."""

    LATE = True

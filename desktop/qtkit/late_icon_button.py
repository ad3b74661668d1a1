"""An icon button for the window's first frame: :class:`~desktop.qtkit.icons.IconButton` with
``late=True``, its icon drawn on the event loop's turn after its first paint, so loading the
icon font is no part of start-up (tests/e2e/test_startup.py). The composer's Send and its chips
are such buttons.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop.qtkit.icons import IconButton

__all__ = ["LateIconButton"]


class LateIconButton(IconButton):
    """An IconButton whose icon comes on the turn after its first paint."""

    def __init__(
        self,
        meaning: str,
        tooltip: str,
        parent: QWidget | None = None,
        *,
        tint: str = "text",
        size: int = 16,
    ) -> None:
        super().__init__(meaning, tooltip, parent, tint=tint, size=size, late=True)

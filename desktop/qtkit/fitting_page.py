"""FittingPage: a centred page that shows its content whole in any window size.

The empty chat and the welcome page are a column of wrapped notes, buttons and example-prompt
cards. In an 800×600 window (with the model's notes above the chat) the column is taller than
the room it gets, and a layout then squeezes it: wrapped notes lost their last lines and the
cards were cut in half. A page of this kind leaves out its least important parts (named by its
owner, least important first) while the rest does not fit, and scrolls what still does not
(very large text, a very short window), so a line is never cut.

The page decides only visibility of the parts it is given: their owner must not show or hide
those widgets itself (it shows or hides what is inside them).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette, QResizeEvent
from PySide6.QtWidgets import QFrame, QLayout, QScrollArea, QWidget

__all__ = ["FittingPage"]


class FittingPage(QScrollArea):
    """``content`` (which has a layout) in a frameless vertical scroll area on the Base colour;
    ``optional`` parts, least important first, are left out while the content is taller than
    the page. Call :meth:`fit` after a change that makes the content taller or shorter (a note
    shown or hidden); a resize fits by itself."""

    def __init__(
        self,
        content: QWidget,
        optional: Sequence[QWidget] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        # Not a stop of its own for Tab: its buttons are, and the area scrolls to the one with
        # the focus.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.viewport().setAutoFillBackground(True)
        content.setAutoFillBackground(True)
        content.setBackgroundRole(QPalette.ColorRole.Base)
        self.setWidget(content)
        self.optional = tuple(optional)
        """The parts that may be left out, least important first."""
        self.left_out = 0
        """How many of :attr:`optional` (from the first) are left out for lack of room."""

    def content_height(self, width: int) -> int:
        """The height the content needs at ``width`` with the parts now shown."""
        content = self.widget()
        for inner in content.findChildren(QLayout):  # their cached heights miss the change
            inner.invalidate()
        layout = content.layout()
        height = layout.totalHeightForWidth(width)
        return height if height >= 0 else layout.totalSizeHint().height()

    def fit(self) -> None:
        """Leaves out as few optional parts as lets the rest fit the page's height."""
        width, height = self.viewport().width(), self.viewport().height()
        if width <= 0 or height <= 0:
            return
        left_out = 0
        while True:
            self.leave_out(left_out)
            if left_out == len(self.optional) or self.content_height(width) <= height:
                break
            left_out += 1

    def leave_out(self, count: int) -> None:
        """Hides the first ``count`` optional parts and shows the others."""
        self.left_out = count
        for number, part in enumerate(self.optional):
            hidden = number < count
            if part.isHidden() != hidden:
                part.setHidden(hidden)
                self.size_changed_above(part)

    def size_changed_above(self, part: QWidget) -> None:
        """Tells the widgets between ``part`` and the content that their size hints changed
        (a layout keeps each child widget's last size hint until then)."""
        above = part.parentWidget()
        while above is not None and above is not self.viewport():
            above.updateGeometry()
            above = above.parentWidget()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit()

"""Item delegates the lists and tables share: a cell drawn by hand over the style's own panel.

A delegate that draws its own content (two lines of text, a progress bar) still wants the
style's background, selection and focus for the cell, and the colours the style would give its
text in that state. :func:`draw_item_panel` and :func:`text_colours` are those two steps, and
:func:`begin_row` the same for one-line lists (the panel only, and a secondary colour that keeps
a quiet selection's muted text: the history lists, the document collections);
:class:`TwoLineDelegate` is the name-over-detail cell (the Library's models, the Browse tab's
repos): the name in semi-bold, under it the detail in the muted colour, each cut with "…" when
the column is narrow and always drawn as plain text (names come from model files and the hub).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from desktop.core.design import SPACE_S

__all__ = [
    "LINE_LEFT",
    "TwoLineDelegate",
    "begin_row",
    "colour_group",
    "draw_item_panel",
    "row_colours",
    "text_colours",
]

ModelIndex = QModelIndex | QPersistentModelIndex

LINE_LEFT = int(
    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextDontClip
)
"""drawText flags for a line of a hand-drawn row, left-aligned in its line's rect and not
clipped to it: Chinese in a Latin font's line comes from a taller fallback font, and a clipped
line lost its descenders and underscores ("q4_k_m" read "q4 k m"). Text is elided to the
width beforehand, so nothing spills sideways."""


def draw_item_panel(
    delegate: QStyledItemDelegate,
    painter: QPainter,
    option: QStyleOptionViewItem,
    index: ModelIndex,
) -> tuple[QStyleOptionViewItem, str]:
    """Draws the cell's background, selection and focus as the style does, without its text;
    returns the option as the delegate set it up, and the text it held (for the caller to
    draw its own way)."""
    item = QStyleOptionViewItem(option)
    delegate.initStyleOption(item, index)
    text, item.text = item.text, ""
    widget: QWidget | None = item.widget
    style = widget.style() if widget is not None else QApplication.style()
    style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, widget)
    return item, text


def colour_group(option: QStyleOptionViewItem) -> QPalette.ColorGroup:
    """The palette group a cell in ``option``'s state draws with."""
    if not option.state & QStyle.StateFlag.State_Enabled:
        return QPalette.ColorGroup.Disabled
    if option.state & QStyle.StateFlag.State_Active:
        return QPalette.ColorGroup.Active
    return QPalette.ColorGroup.Inactive


def row_colours(option: QStyleOptionViewItem) -> tuple[QPalette.ColorGroup, bool, QColor, QColor]:
    """A row's palette group, whether it is selected, its text colour and its secondary one.
    On a quiet selection (a tint, text in the text colour) secondary text stays muted; on the
    accent it is the selection's own text colour, as muted text would not read there."""
    group = colour_group(option)
    selected = bool(option.state & QStyle.StateFlag.State_Selected)
    palette = option.palette
    text = palette.color(
        group, QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
    )
    quiet = text == palette.color(group, QPalette.ColorRole.Text)
    if selected and not quiet:
        return group, selected, text, QColor(text)
    return group, selected, text, palette.color(group, QPalette.ColorRole.PlaceholderText)


def begin_row(
    delegate: QStyledItemDelegate,
    painter: QPainter,
    option: QStyleOptionViewItem,
    index: ModelIndex,
) -> tuple[QStyleOptionViewItem, QPalette.ColorGroup, bool, QColor, QColor]:
    """Starts painting a one-line-list row: the style's own background (hover, selection)
    without its text, then the row's option, palette group, whether it is selected, and its
    text and secondary colours (:func:`row_colours`)."""
    opt = QStyleOptionViewItem(option)
    delegate.initStyleOption(opt, index)
    opt.text = ""
    widget: QWidget | None = opt.widget
    style = widget.style() if widget is not None else QApplication.style()
    style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter, widget)
    return (opt, *row_colours(opt))


def text_colours(item: QStyleOptionViewItem) -> tuple[QColor, QColor]:
    """The text colour and the muted one for a cell in ``item``'s state: on a selected row the
    selection's text colour (muted by a little transparency: grey would not read on the
    accent), else the palette's text and placeholder colours; disabled and inactive cells take
    their colour group."""
    group = colour_group(item)
    palette = item.palette
    if item.state & QStyle.StateFlag.State_Selected:
        text = palette.color(group, QPalette.ColorRole.HighlightedText)
        muted = QColor(text)
        muted.setAlphaF(0.8)
        return text, muted
    return (
        palette.color(group, QPalette.ColorRole.Text),
        palette.color(group, QPalette.ColorRole.PlaceholderText),
    )


class TwoLineDelegate(QStyledItemDelegate):
    """A cell of two lines: the item's text as its name, in semi-bold, and under it the
    ``detail_role`` text in the muted colour (``detail_scale`` times the font's size).

    Both lines are plain text, cut with "…" to the column's width. :meth:`two_lines_height` is
    the height of such a row for a font, for views that give every row one height instead of
    measuring each (a long list stays fast).
    """

    def __init__(
        self, detail_role: int, parent: QWidget | None = None, *, detail_scale: float = 1.0
    ) -> None:
        super().__init__(parent)
        self.detail_role = detail_role
        self.detail_scale = detail_scale

    def fonts(self, font: QFont) -> tuple[QFont, QFont]:
        """The name's font and the detail's, from the cell's."""
        name = QFont(font)
        name.setWeight(QFont.Weight.DemiBold)
        detail = QFont(font)
        if self.detail_scale != 1.0:
            detail.setPointSizeF(font.pointSizeF() * self.detail_scale)
        return name, detail

    def two_lines_height(self, font: QFont) -> int:
        """A row's height: the name's line, the detail's, and room above and below."""
        name, detail = self.fonts(font)
        return QFontMetrics(name).height() + QFontMetrics(detail).height() + 2 * SPACE_S

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        """Two lines high, as wide as the longer line."""
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        name, detail = (QFontMetrics(font) for font in self.fonts(item.font))
        width = max(
            name.horizontalAdvance(item.text),
            detail.horizontalAdvance(str(index.data(self.detail_role) or "")),
        )
        # A little over the padding: a name measured to the pixel was still cut with "…".
        return QSize(width + 3 * SPACE_S, self.two_lines_height(item.font))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        item, name = draw_item_panel(self, painter, option, index)
        detail = str(index.data(self.detail_role) or "")
        text_colour, muted_colour = text_colours(item)
        name_font, detail_font = self.fonts(item.font)
        name_metrics, detail_metrics = QFontMetrics(name_font), QFontMetrics(detail_font)
        rect = item.rect.adjusted(SPACE_S, 0, -SPACE_S, 0)
        height = name_metrics.height() + detail_metrics.height()
        top = rect.top() + max(0, (rect.height() - height) // 2)
        left = LINE_LEFT
        painter.save()
        painter.setFont(name_font)
        painter.setPen(text_colour)
        painter.drawText(
            QRect(rect.left(), top, rect.width(), name_metrics.height()),
            left,
            name_metrics.elidedText(name, Qt.TextElideMode.ElideRight, rect.width()),
        )
        painter.setFont(detail_font)
        painter.setPen(muted_colour)
        painter.drawText(
            QRect(rect.left(), top + name_metrics.height(), rect.width(), detail_metrics.height()),
            left,
            detail_metrics.elidedText(detail, Qt.TextElideMode.ElideRight, rect.width()),
        )
        painter.restore()

"""The shared item delegates: a cell's panel and colours, and the name-over-detail cell."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import (
    QFontMetrics,
    QImage,
    QPainter,
    QPalette,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import QListView, QStyle, QStyleOptionViewItem

from desktop.qtkit.item_delegates import TwoLineDelegate, text_colours

DETAIL = Qt.ItemDataRole.UserRole + 5


def _view(qtbot, name: str, detail: str) -> tuple[QListView, QStandardItemModel]:
    model = QStandardItemModel()
    item = QStandardItem(name)
    item.setData(detail, DETAIL)
    model.appendRow(item)
    view = QListView()
    view.setModel(model)
    qtbot.addWidget(view)
    return view, model


def test_colours_follow_the_selection(qapp) -> None:
    option = QStyleOptionViewItem()
    palette = QPalette()
    option.palette = palette
    option.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Active
    text, muted = text_colours(option)
    assert text == palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Text)
    assert muted == palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.PlaceholderText)
    option.state |= QStyle.StateFlag.State_Selected
    text, muted = text_colours(option)
    assert text == palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.HighlightedText)
    assert muted.rgb() == text.rgb() and muted.alphaF() < 1.0  # grey would not read on accent


def test_two_lines_are_measured_and_drawn_cut_to_the_width(qtbot) -> None:
    view, model = _view(qtbot, "Qwen3-4B-Instruct", "unsloth · Chat · 1–3 GB and a long tail")
    delegate = TwoLineDelegate(DETAIL, view, detail_scale=0.85)
    index = model.index(0, 0)
    option = QStyleOptionViewItem()
    option.initFrom(view)
    line = QFontMetrics(view.font()).height()
    size = delegate.sizeHint(option, index)
    assert size.height() == delegate.two_lines_height(view.font()) > 2 * line * 0.9
    # As wide as the longer line (here the detail), plus padding.
    detail_font = delegate.fonts(view.font())[1]
    assert detail_font.pointSizeF() < view.font().pointSizeF()
    assert size.width() > QFontMetrics(detail_font).horizontalAdvance(str(index.data(DETAIL)))

    def drawn(width: int) -> QImage:
        image = QImage(width, size.height(), QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.white)
        painter = QPainter(image)
        cell = QStyleOptionViewItem(option)
        cell.rect = QRect(0, 0, width, size.height())
        delegate.paint(painter, cell, index)
        painter.end()
        return image

    def inked_rows(image: QImage) -> list[int]:
        white = QImage(image)
        white.fill(Qt.GlobalColor.white)
        return [
            y
            for y in range(image.height())
            if any(image.pixel(x, y) != white.pixel(x, y) for x in range(image.width()))
        ]

    rows = inked_rows(drawn(size.width()))
    assert rows and rows[-1] - rows[0] > line  # two lines of ink, one under the other
    narrow = drawn(60)  # cut with "…", never drawn past the cell
    assert inked_rows(narrow)

"""How the documents' lists draw a row: an icon, the name, and a muted detail at the right
("12 passages", "3 files"), or, for a file that could not be read, a warning icon and the
reason in the theme's danger colour.

A bare "notes.md · 12 passages" line reads like a log; desktop apps of the kind (LM Studio's
and Jan's document panes, GPT4All's LocalDocs) set the name apart from its counts. Everything
drawn is plain text (file names are not ours): the painter never reads markup.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFontMetrics, QIcon, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

from desktop.core.design import SPACE_S, SPACE_XS, tokens
from desktop.qtkit.icons import themed_icon
from desktop.qtkit.item_delegates import begin_row, row_colours
from desktop.qtkit.plain_text import muted
from desktop.qtkit.scaled_label import ScaledLabel
from desktop.qtkit.theme import palette_is_dark

__all__ = ["RowDelegate", "fit_to_rows", "row_list", "section_label", "source_icon"]

ModelIndex = QModelIndex | QPersistentModelIndex

DETAIL_SHARE = 0.55
"""The most of a row's width the detail takes from a name that needs the room; the name keeps
the rest (elided in the middle, so both the start of a name and its extension stay). Beside a
short name the detail takes all the room the name leaves: "not UTF-8 text; save it as UTF-8"
is cut only where it must be."""


def source_icon(path: str) -> str:
    """The icon of a folder or file the user added, by its name alone: a name with an extension
    is a file. The dialog never touches the disk to draw a row (an unplugged drive would block
    the window), and the index keeps no kind for a source."""
    return "file" if PurePath(path).suffix else "folder"


def section_label(text: str) -> ScaledLabel:
    """A list's heading ("Collections", "Indexed files"): small, semi-bold and muted, so the
    lists and the collection's name stay what the eye finds first."""
    label = ScaledLabel(text, "caption", bold=True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    muted(label)
    return label


def row_list(
    model: QAbstractItemModel,
    name: str,
    icon_of: Callable[[ModelIndex], str],
    *,
    framed: bool = True,
    **delegate_options: Any,
) -> QListView:
    """A read-only list of ``model`` drawn by a :class:`RowDelegate` (``icon_of`` and
    ``delegate_options``), rows of one height, never a horizontal scroll bar, ``name`` for
    screen readers; ``framed`` False: no frame (a column of names beside the content)."""
    view = QListView()
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setUniformItemSizes(True)
    view.setItemDelegate(RowDelegate(icon_of, parent=view, **delegate_options))
    view.setAccessibleName(name)
    if not framed:
        view.setFrameShape(QListView.Shape.NoFrame)
    return view


def fit_to_rows(view: QListView, most: int) -> None:
    """``view`` as tall as its rows, at least one and up to ``most`` of them (then it scrolls):
    a collection of one folder leaves the room to its files."""
    count = view.model().rowCount()
    rows = min(max(count, 1), most)
    height = view.sizeHintForRow(0) if count else 0
    height = height or view.fontMetrics().height() + 2 * (SPACE_XS + 2)
    frame = 2 * view.frameWidth() + 2 * SPACE_XS  # the frame and the list's padding
    view.setFixedHeight(rows * height + frame)


class RowDelegate(QStyledItemDelegate):
    """One line per row: the icon ``icon_of(index)`` names, the name (``name_role``), and the
    ``detail_role`` text at the right in the muted colour; a row whose ``problem_role`` is set
    gets the warning icon and its detail in the danger colour (unless selected: the selection's
    own text colour reads there). ``name_first``: the detail shows only where the whole name
    fits beside it (a collection's file count, which its heading says again); otherwise the
    detail keeps what the name leaves, or :data:`DETAIL_SHARE` of the row where the name needs
    more (a file's passages or why it is unreadable)."""

    def __init__(
        self,
        icon_of: Callable[[ModelIndex], str],
        *,
        name_role: int = Qt.ItemDataRole.DisplayRole,
        detail_role: int | None = None,
        problem_role: int | None = None,
        name_first: bool = False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.name_first = name_first
        self.icon_of = icon_of
        self.name_role = name_role
        self.detail_role = detail_role
        self.problem_role = problem_role
        self._icons: dict[tuple[str, str], QIcon] = {}

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        height = option.fontMetrics.height() + 2 * (SPACE_XS + 2)
        return QSize(max(option.rect.width(), 100), height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        opt = begin_row(self, painter, option, index)[0]
        problem = bool(self.problem_role is not None and index.data(self.problem_role))
        text, dim = self.colours(opt, problem=problem)
        rect = opt.rect.adjusted(SPACE_S, 0, -SPACE_S, 0)
        metrics = QFontMetrics(opt.font)
        side = metrics.height()
        painter.save()
        painter.setFont(opt.font)
        meaning = "warning" if problem else self.icon_of(index)
        icon_rect = QRect(rect.left(), rect.top() + (rect.height() - side) // 2, side, side)
        self.icon(meaning, dim).paint(painter, icon_rect)
        left = icon_rect.right() + 1 + SPACE_S
        detail = str(index.data(self.detail_role) or "") if self.detail_role is not None else ""
        name = str(index.data(self.name_role) or "")
        name, detail = self.fit(metrics, rect.right() + 1 - left, name, detail)
        align = Qt.AlignmentFlag.AlignVCenter
        painter.setPen(dim)
        painter.drawText(
            QRect(left, rect.top(), rect.right() + 1 - left, rect.height()),
            int(align | Qt.AlignmentFlag.AlignRight),
            detail,
        )
        painter.setPen(text)
        painter.drawText(
            QRect(left, rect.top(), rect.right() + 1 - left, rect.height()),
            int(align | Qt.AlignmentFlag.AlignLeft),
            name,
        )
        painter.restore()

    def fit(self, metrics: QFontMetrics, width: int, name: str, detail: str) -> tuple[str, str]:
        """The name and the detail as they fit side by side in ``width`` pixels (elided, or
        the detail left out: see ``name_first``), a gap between them."""
        gap = 2 * SPACE_S
        both = metrics.horizontalAdvance(name) + gap + metrics.horizontalAdvance(detail)
        if self.name_first and both > width:
            detail = ""
        if detail:
            left_by_name = width - metrics.horizontalAdvance(name) - gap
            most = max(int(width * DETAIL_SHARE), left_by_name)
            detail_width = min(metrics.horizontalAdvance(detail) + 1, most)
            detail = metrics.elidedText(detail, Qt.TextElideMode.ElideRight, detail_width)
            width -= metrics.horizontalAdvance(detail) + gap
        return metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, max(0, width)), detail

    def colours(self, option: QStyleOptionViewItem, *, problem: bool) -> tuple[QColor, QColor]:
        """The name's colour and the icon's and detail's: muted (on an accent selection, the
        selection's text colour), the theme's danger colour for a problem."""
        group, selected, text, dim = row_colours(option)
        on_accent = selected and text != option.palette.color(group, QPalette.ColorRole.Text)
        if problem and not on_accent:
            return text, QColor(tokens(palette_is_dark(option.palette)).danger)
        return text, dim

    def icon(self, meaning: str, colour: QColor) -> QIcon:
        """The icon for ``meaning`` in ``colour`` (made once per meaning and colour)."""
        key = (meaning, colour.name(QColor.NameFormat.HexArgb))
        if key not in self._icons:
            palette = QPalette()
            palette.setColor(QPalette.ColorRole.ButtonText, colour)
            self._icons[key] = themed_icon(meaning, palette=palette)
        return self._icons[key]

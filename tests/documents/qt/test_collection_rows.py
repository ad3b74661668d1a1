"""The documents' list rows: an icon by kind, the name, the detail beside it (or left out when
the name needs the room), and a file that could not be read drawn in the danger colour."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QPainter,
    QPalette,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import QListView, QStyle, QStyleOptionViewItem

from desktop.core.design import DARK, LIGHT
from desktop.documents.qt.collection_rows import RowDelegate, section_label, source_icon
from desktop.qtkit.theme import dark_palette, light_palette

DETAIL = Qt.ItemDataRole.UserRole + 1
PROBLEM = Qt.ItemDataRole.UserRole + 2


def test_a_source_with_an_extension_is_a_file_else_a_folder() -> None:
    assert source_icon("/home/me/notes") == "folder"
    assert source_icon("/home/me/notes/harbour.md") == "file"
    assert source_icon("C:\\Users\\me\\report.pdf") == "file"


def test_the_detail_gives_way_to_the_name_only_where_asked(qtbot) -> None:  # type: ignore[no-untyped-def]
    metrics = QFontMetrics(QFont())
    name, detail = "Lighthouse keeper's notes from the north harbour", "12 files"
    width = metrics.horizontalAdvance(name)  # the name alone fills the row
    kept = RowDelegate(lambda _i: "file")
    shown_name, shown_detail = kept.fit(metrics, width, name, detail)
    assert shown_detail == detail and shown_name != name  # the name is cut short, "…"
    assert "…" in shown_name
    first = RowDelegate(lambda _i: "documents", name_first=True)
    assert first.fit(metrics, width, name, detail) == (name, "")
    wide = width + 200
    assert first.fit(metrics, wide, name, detail) == (name, detail)  # room for both


def test_a_long_reason_keeps_at_most_part_of_the_row_from_a_long_name(qtbot) -> None:  # type: ignore[no-untyped-def]
    metrics = QFontMetrics(QFont())
    reason = "Unreadable: too large (over 64 MB, or too much text) " * 3
    delegate = RowDelegate(lambda _i: "file")
    long_name = "harbour-master's-log-of-tides-and-weather-" * 4 + ".txt"
    name, detail = delegate.fit(metrics, 300, long_name, reason)
    assert name.endswith(".txt") and "…" in name
    assert detail.endswith("…") and metrics.horizontalAdvance(detail) <= 300 * 0.55 + 1


def test_beside_a_short_name_the_reason_takes_the_room_the_name_leaves(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Seen at the dialog's own size: "Unreadable: not UTF-8 text; save it as …" lost the one
    instruction it gives, beside a name of nine letters and an empty middle."""
    metrics = QFontMetrics(QFont())
    reason = "Unreadable: not UTF-8 text; save it as UTF-8"
    width = int((metrics.horizontalAdvance(reason) + 2) / 0.55) - 10  # 55 % is too little
    delegate = RowDelegate(lambda _i: "file")
    assert delegate.fit(metrics, width, "notes.txt", reason) == ("notes.txt", reason)
    # Too narrow for both: the reason is cut, the whole name stays.
    name, detail = delegate.fit(metrics, metrics.horizontalAdvance(reason), "notes.txt", reason)
    assert name == "notes.txt" and detail.endswith("…")


def _option(palette: QPalette, *, selected: bool) -> QStyleOptionViewItem:
    option = QStyleOptionViewItem()
    option.palette = palette
    option.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Active
    if selected:
        option.state |= QStyle.StateFlag.State_Selected
    return option


def test_a_problem_is_drawn_in_the_danger_colour_of_the_theme(qtbot) -> None:  # type: ignore[no-untyped-def]
    delegate = RowDelegate(lambda _i: "file")
    for palette, theme in ((light_palette(), LIGHT), (dark_palette(), DARK)):
        text, detail = delegate.colours(_option(palette, selected=False), problem=True)
        assert detail == QColor(theme.danger)
        assert text == palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Text)
        _text, muted = delegate.colours(_option(palette, selected=False), problem=False)
        assert muted == palette.color(
            QPalette.ColorGroup.Active, QPalette.ColorRole.PlaceholderText
        )
        # On the accent selection every part of the row takes the selection's text colour.
        on_accent = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.HighlightedText)
        assert delegate.colours(_option(palette, selected=True), problem=True) == (
            on_accent,
            on_accent,
        )


def test_a_row_paints_its_icon_name_and_detail(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Painted for real: the unreadable row has pixels of the danger colour, the fine one none."""
    model = QStandardItemModel()
    for name, detail, problem in (
        ("notes.md", "2 passages", False),
        ("photo.txt", "Unreadable: not a text file", True),
    ):
        item = QStandardItem(name)
        item.setData(detail, DETAIL)
        item.setData(problem, PROBLEM)
        model.appendRow(item)
    view = QListView()
    qtbot.addWidget(view)
    view.setPalette(light_palette())
    view.setModel(model)
    delegate = RowDelegate(lambda _i: "file", detail_role=DETAIL, problem_role=PROBLEM, parent=view)
    view.setItemDelegate(delegate)
    view.resize(420, 120)

    def reddish(colour: QColor) -> bool:  # the danger colour, or text anti-aliased in it
        return colour.red() - max(colour.green(), colour.blue()) > 60

    def danger_pixels(row: int) -> int:
        index = model.index(row, 0)
        option = QStyleOptionViewItem()
        view.initViewItemOption(option)
        option.rect = QRect(0, 0, 400, delegate.sizeHint(option, index).height())
        option.palette = light_palette()
        image = QImage(option.rect.size(), QImage.Format.Format_RGB32)
        image.fill(QColor(LIGHT.surface))
        painter = QPainter(image)
        delegate.paint(painter, option, index)
        painter.end()
        return sum(
            1
            for x in range(image.width())
            for y in range(image.height())
            if reddish(QColor(image.pixel(x, y)))
        )

    assert danger_pixels(0) == 0
    assert danger_pixels(1) > 100


def test_a_section_heading_is_muted_plain_text(qtbot) -> None:  # type: ignore[no-untyped-def]
    label = section_label("<b>Indexed files</b>")
    qtbot.addWidget(label)
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert label.foregroundRole() == QPalette.ColorRole.PlaceholderText

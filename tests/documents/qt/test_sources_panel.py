"""The Sources panel on its own (SourcesPanel, SourceListModel, highlighted_html): the list of a
reply's sources, the chosen passage with its place and marked words, and "Open file"."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt, QTimer, QUrl
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.core.conversation import MessageSource
from desktop.documents.qt.collection_rows import RowDelegate
from desktop.documents.qt.sources_panel import SourceListModel, SourcesPanel, highlighted_html

Roles = SourceListModel.Roles


@pytest.fixture
def panel(qtbot) -> SourcesPanel:  # type: ignore[no-untyped-def]
    panel = SourcesPanel()
    panel.resize(360, 600)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


@pytest.fixture
def sources(tmp_path: Path) -> list[MessageSource]:
    (tmp_path / "a.md").write_text("The lighthouse was lit in 1847.")
    return [
        MessageSource(3, str(tmp_path / "c.md"), text="Third passage."),
        MessageSource(
            1,
            str(tmp_path / "a.md"),
            heading="Harbour",
            text="The lighthouse was lit in 1847.",
            highlights=((4, 14),),
            collection="Harbour notes",
        ),
        MessageSource(2, str(tmp_path / "b.pdf"), page=4, text="Sheep graze on the hill."),
    ]


def _rows(model: SourceListModel) -> list[str]:
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def _answer_message_box(seen: list[tuple[str, Qt.TextFormat]]) -> Callable[[], None]:
    """Closes the next modal message box once it shows; its text and text format go to
    ``seen``."""

    def close() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append((box.text(), box.textFormat()))
            box.done(0)
        else:
            QTimer.singleShot(10, close)

    return close


def test_without_sources_the_panel_says_so(panel: SourcesPanel, sources) -> None:  # type: ignore[no-untyped-def]
    assert panel.title.text() == "No sources"
    assert panel.where.text() == "" and panel.passage.toPlainText() == ""
    assert not panel.open_button.isEnabled()
    assert panel.current() is None
    panel.show_sources(sources)
    panel.show_sources(())  # a chat without sources replaces them
    assert panel.title.text() == "No sources" and not panel.open_button.isEnabled()
    assert panel.model.rowCount() == 0


def test_without_sources_an_empty_state_says_what_the_panel_is_for(
    panel: SourcesPanel, sources
) -> None:  # type: ignore[no-untyped-def]
    assert panel.pages.currentWidget() is panel.empty_state and panel.empty_state.isVisible()
    assert panel.empty_state.title.text() == "No sources"
    assert "document collections" in panel.empty_state.text.text()
    assert not panel.list.isVisible() and not panel.passage.isVisible()
    panel.show_sources(sources, 1)
    assert panel.pages.currentWidget() is not panel.empty_state
    assert panel.list.isVisible() and panel.passage.isVisible()
    assert isinstance(panel.list.itemDelegate(), RowDelegate)  # a file icon on each row
    panel.show_sources(())
    assert panel.empty_state.isVisible()


def test_sources_are_listed_in_number_order_with_the_asked_one_shown(
    panel: SourcesPanel, sources: list[MessageSource], qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(panel.model, force_py=True)  # stays attached while the rows change
    panel.show_sources(sources, 1)
    assert _rows(panel.model) == ["[1] a.md", "[2] b.pdf, p. 4", "[3] c.md"]
    assert panel.model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole) == sources[2].file
    assert panel.model.index(1, 0).data(Roles.SourceRole) == sources[2]
    assert panel.current() == sources[1]
    assert panel.title.text() == "[1] a.md"
    assert panel.where.text() == "\n".join(
        [sources[1].file, "Section: Harbour", "Collection: Harbour notes"]
    )
    assert panel.passage.toPlainText() == "The lighthouse was lit in 1847."
    assert panel.open_button.isEnabled()
    panel.show_sources(sources[:1])  # another reply, fewer sources: the first one shows
    assert _rows(panel.model) == ["[3] c.md"] and panel.current() == sources[0]


def test_a_number_that_is_not_there_shows_the_first_source(panel: SourcesPanel, sources) -> None:  # type: ignore[no-untyped-def]
    panel.show_sources(sources, 9)
    assert panel.current().number == 1


def test_clicking_a_source_shows_its_passage_and_page(
    qtbot, panel: SourcesPanel, sources: list[MessageSource]
) -> None:  # type: ignore[no-untyped-def]
    panel.show_sources(sources, 1)
    index = panel.model.index(1, 0)
    qtbot.mouseClick(
        panel.list.viewport(), Qt.MouseButton.LeftButton, pos=panel.list.visualRect(index).center()
    )
    assert panel.current().number == 2
    assert panel.title.text() == "[2] b.pdf"
    assert panel.where.text() == f"{sources[2].file}\nPage 4"
    assert panel.passage.toPlainText() == "Sheep graze on the hill."


def test_the_matched_words_are_marked_and_the_text_is_never_markup(
    panel: SourcesPanel, tmp_path: Path
) -> None:
    hostile = '<img src="http://127.0.0.1:9/x.png"> <a href="http://example.org">link</a> & more'
    source = MessageSource(1, str(tmp_path / "<b>bold<i>.md"), text=hostile, highlights=((0, 4),))
    panel.show_sources([source])
    assert panel.passage.toPlainText() == hostile
    html = panel.passage.toHtml()
    assert "<img" not in html and 'href="http://example.org"' not in html
    assert "background-color" in html  # the highlight
    assert panel.title.text() == "[1] <b>bold<i>.md"
    assert panel.title.textFormat() == Qt.TextFormat.PlainText
    assert panel.where.textFormat() == Qt.TextFormat.PlainText


def test_highlighted_html_marks_each_range_once_and_escapes_the_rest() -> None:
    source = MessageSource(1, "/d/a.md", text="a <b> c\nd", highlights=((2, 5), (3, 4), (8, 20)))
    html = highlighted_html(source, "#ffee00")
    mark = '<span style="background-color:#ffee00; font-weight:600;">'
    assert html == f"a {mark}&lt;b&gt;</span> c<br>{mark}d</span>"
    assert highlighted_html(MessageSource(1, "/d/a.md", text="x"), "#000") == "x"


def test_the_marks_follow_the_palette(panel: SourcesPanel, sources: list[MessageSource]) -> None:
    panel.show_sources(sources, 1)
    before = panel.passage.toHtml()
    palette = panel.palette()
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#ff0000"))
    palette.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    panel.setPalette(palette)
    after = panel.passage.toHtml()
    assert after != before
    assert "#ff9999" in after  # two fifths of the highlight on the base colour


def test_open_file_asks_first_and_opens_only_when_agreed(
    qtbot, panel: SourcesPanel, sources: list[MessageSource]
) -> None:  # type: ignore[no-untyped-def]
    panel.show_sources(sources, 1)
    asked: list[str] = []
    opened: list[QUrl] = []
    agree = False
    panel.confirm_open = lambda path: asked.append(path) or agree
    panel.open_url = lambda url: opened.append(url) or True
    opens: list[str] = []
    panel.file_opened.connect(opens.append)
    qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    assert asked == [sources[1].file] and opened == [] and opens == []
    agree = True
    with qtbot.waitSignal(panel.file_opened) as signal:
        qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    assert signal.args == [sources[1].file]
    assert opened == [QUrl.fromLocalFile(sources[1].file)]
    panel.open_url = lambda _url: False  # the system could not open it
    seen: list[tuple[str, Qt.TextFormat]] = []
    QTimer.singleShot(0, _answer_message_box(seen))
    assert not panel.open_current()
    assert opens == [sources[1].file]
    assert seen == [
        (
            f"No application on this computer could open the file:\n{sources[1].file}",
            Qt.TextFormat.PlainText,
        )
    ]


def test_a_file_that_is_gone_is_said_so_and_not_opened(
    qtbot, panel: SourcesPanel, sources: list[MessageSource]
) -> None:  # type: ignore[no-untyped-def]
    panel.show_sources(sources, 3)  # c.md was never written
    panel.confirm_open = lambda _path: pytest.fail("asked to open a file that is not there")
    seen: list[tuple[str, Qt.TextFormat]] = []
    QTimer.singleShot(0, _answer_message_box(seen))
    assert not panel.open_current()
    assert [text for text, _format in seen] == [f"The file is no longer there:\n{sources[0].file}"]


def test_the_file_is_gone_box_shows_the_path_as_plain_text(
    qtbot, panel: SourcesPanel, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    panel.show_sources([MessageSource(1, str(tmp_path / "<b>notes.md"))])
    seen: list[tuple[str, Qt.TextFormat]] = []
    QTimer.singleShot(0, _answer_message_box(seen))
    panel.open_current()
    assert len(seen) == 1  # the box was shown
    assert seen[0][1] == Qt.TextFormat.PlainText


def test_the_model_reports_nothing_outside_its_rows() -> None:
    model = SourceListModel()
    assert model.data(QModelIndex()) is None and model.row_of(1) is None
    model.set_sources([MessageSource(5, "/d/x.md")])
    assert model.row_of(5) == 0
    assert model.index(0, 0).data(Qt.ItemDataRole.DecorationRole) is None

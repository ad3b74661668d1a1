"""The Browse tab on its own (HubBrowser with its tables and repo pane), against the fake hub on
127.0.0.1: what the user sees in the tables, what a click does, what a download request holds.
The ``hub`` and ``calls`` fixtures are in this folder's conftest.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QTableView

from desktop.core.settings import Settings
from desktop.models.catalog import MachineMemory
from desktop.models.hub import HubError, HubProblem
from desktop.models.qt.download_worker import DownloadRequest
from desktop.models.qt.hub_browser import HubBrowser
from desktop.models.qt.hub_models import (
    REPO_DETAIL_ROLE,
    REPO_ID_ROLE,
    HubResultsModel,
    RepoFilesModel,
    StarterListModel,
    load_starter_list,
)
from desktop.qtkit.background_calls import BackgroundCalls
from desktop.qtkit.plain_text import plain_tooltip
from tests.fixtures.bad_files import write_unknown_arch_gguf
from tests.fixtures.fake_hub import FakeHub

GIB = 1 << 30
BIG_MACHINE = MachineMemory(total=64 * GIB, available=48 * GIB)
TIMEOUT = 20_000


@pytest.fixture
def browser(  # type: ignore[no-untyped-def]
    qtbot, hub: FakeHub, private_data_dir: Path, calls: BackgroundCalls
) -> HubBrowser:
    settings = Settings(private_data_dir / "settings.json")
    settings.set("hub.endpoint", hub.endpoint)
    browser = HubBrowser(settings, private_data_dir / "models", calls, lambda: BIG_MACHINE)
    browser.resize(1000, 600)
    qtbot.addWidget(browser)
    browser.show()
    qtbot.waitExposed(browser)
    return browser


def _text(model, row: int, column: int) -> str:  # type: ignore[no-untyped-def]
    return str(model.index(row, column).data())


def _repo(model, row: int) -> str:  # type: ignore[no-untyped-def]
    """The full repo id of a results table's row (its first column shows the name alone)."""
    return str(model.index(row, 0).data(REPO_ID_ROLE))


def _click_row(qtbot, view: QTableView, row: int, double: bool = False) -> None:  # type: ignore[no-untyped-def]
    """A real mouse click on the row's first cell, as the user would do it."""
    index = view.model().index(row, 0)
    view.scrollTo(index)
    position = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=position)
    if double:  # a double click is a press and release, then the double-click event
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=position)


def _search(qtbot, browser: HubBrowser, text: str) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(browser.results_shown, timeout=TIMEOUT):
        browser.search_box.setText(text)
        browser.search()


def _open_repo(qtbot, browser: HubBrowser, calls: BackgroundCalls, repo_id: str) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(browser.files_shown, timeout=TIMEOUT):
        browser.show_repo(repo_id)
    # The header read that refines the fit marks comes after the first list; let it land.
    qtbot.waitUntil(lambda: not calls.busy, timeout=TIMEOUT)


# -- the starter list -----------------------------------------------------------------------------


def test_opening_the_tab_shows_the_suggested_models_without_a_request(
    qtbot, browser: HubBrowser, hub: FakeHub, qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    model = browser.starter_model
    qtmodeltester.check(model, force_py=True)  # stays attached: the rows arrive on opening
    with qtbot.waitSignal(browser.results_shown):
        browser.activate()
    starters = load_starter_list()
    assert browser.results_view.model() is model
    assert model.rowCount() == len(starters) > 0
    first = starters[0]
    owner, name = first.repo_id.split("/")
    assert _text(model, 0, 0) == name.removesuffix("-GGUF")  # "gemma-3-270m-it"
    kind = {"chat": "Chat", "reasoning": "Reasoning"}[first.kind]
    assert _text(model, 0, 1) == kind
    size = _text(model, 0, 2)
    assert size in ("Under 1 GB", "1–3 GB", "3–6 GB", "Over 6 GB")
    assert _text(model, 0, 3) == first.why
    # Under the name, muted: who made the repo, and the kind and size the hidden columns hold.
    assert model.index(0, 0).data(REPO_DETAIL_ROLE) == f"{owner} · {kind} · {size}"
    assert model.index(0, 0).data(Qt.ItemDataRole.AccessibleTextRole) == (
        f"{_text(model, 0, 0)}, {owner} · {kind} · {size}"
    )
    # The tooltip has the whole repo id, then why it is suggested.
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == plain_tooltip(
        f"{first.repo_id}\n{first.why}"
    )
    assert model.index(0, 0).data(StarterListModel.Roles.RepoIdRole) == first.repo_id
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == [
        "Model",
        "Kind",
        "Size",
        "Why",
    ]
    site = hub.endpoint.removeprefix("http://")  # "127.0.0.1:port", the address as said
    assert "Suggested models" in browser.status.text() and site in browser.status.text()
    assert hub.log == []
    assert not browser.download_button.isEnabled()  # nothing picked yet


def _columns_in_view(view: QTableView) -> bool:
    """Every shown column lies inside the view's width: nothing to scroll sideways to."""
    header = view.horizontalHeader()
    shown = [c for c in range(header.count()) if not header.isSectionHidden(c)]
    right = max(header.sectionViewportPosition(c) + header.sectionSize(c) for c in shown)
    return right <= view.viewport().width() and view.horizontalScrollBar().maximum() == 0


def test_the_suggestions_and_files_fit_a_small_window_without_sideways_scrolling(
    qtbot, browser: HubBrowser, hub: FakeHub, calls: BackgroundCalls, tiny_gguf: Path
) -> None:  # type: ignore[no-untyped-def]
    """In the model manager at 800x600 the tab is ~720 px wide: the suggestions are one column
    of names (each over its owner, kind and size), and each file's size, memory fit and note
    stay in view (names are cut short instead); why a model is suggested is its tooltip, and
    every kind is in words."""
    repo_id, _hint = _add_starter_repo(hub, tiny_gguf)
    browser.resize(720, 460)
    browser.activate()
    qtbot.wait(50)
    view = browser.results_view
    assert all(view.isColumnHidden(c) for c in (1, 2, 3)) and not view.isColumnHidden(0)
    assert view.horizontalHeader().isHidden()  # one column needs no title
    assert _columns_in_view(view)
    model = browser.starter_model
    kinds = {_text(model, row, 1) for row in range(model.rowCount())}
    assert kinds <= {"Chat", "Reasoning", "Code"}
    for row in range(model.rowCount()):  # the hidden columns' words are in the second line
        detail = str(model.index(row, 0).data(REPO_DETAIL_ROLE))
        assert _text(model, row, 1) in detail and _text(model, row, 2) in detail
    _open_repo(qtbot, browser, calls, repo_id)
    qtbot.wait(50)
    assert browser.files_model.rowCount() == 2
    assert _columns_in_view(browser.files_view)
    _search(qtbot, browser, "GGUF")
    qtbot.waitUntil(lambda: _columns_in_view(view))  # the results too: numbers in line two
    assert "↓" in str(browser.results_model.index(0, 0).data(REPO_DETAIL_ROLE))


def _add_starter_repo(hub: FakeHub, tiny_gguf: Path) -> tuple[str, str]:
    """The second suggested model, on the fake hub with two quants: its hint is not the file the
    browser would recommend, so the preselection shows which rule picked it."""
    starter = load_starter_list()[1]
    tiny = tiny_gguf.read_bytes()
    hint = starter.file_hint
    other = "Q8_0" if hint != "Q8_0" else "Q4_K_M"
    small, large = sorted((hint, other), key=lambda q: q != hint)  # the hint is the smaller file
    hub.add_repo(
        starter.repo_id,
        {f"m-{small}.gguf": tiny + b"\1" * 1000, f"m-{large}.gguf": tiny + b"\2" * 9000},
    )
    return starter.repo_id, hint


def test_a_suggested_model_opens_with_its_hinted_file_after_a_search(
    qtbot, browser: HubBrowser, hub: FakeHub, tiny_gguf: Path
) -> None:  # type: ignore[no-untyped-def]
    repo_id, hint = _add_starter_repo(hub, tiny_gguf)
    browser.activate()
    _search(qtbot, browser, "widget")
    with qtbot.waitSignal(browser.results_shown, timeout=TIMEOUT):
        browser.search_box.clear()  # an empty box brings the suggestions back
    assert browser.results_view.model() is browser.starter_model
    with qtbot.waitSignal(browser.files_shown, timeout=TIMEOUT) as shown:
        _click_row(qtbot, browser.results_view, 1)
    assert shown.args == [repo_id]
    assert browser.repo_title.text() == repo_id.split("/")[1].removesuffix("-GGUF")
    assert browser.repo_pane.repo_id_label.text() == repo_id
    chosen = browser.selected_file()
    assert chosen is not None and chosen.quant == hint  # the hint wins over the largest fit
    assert browser.download_button.isEnabled()
    # The ★ is on the chosen file too, and the note says why: two picks on screen (★ on Q8_0,
    # Q4_K_M chosen) left the user to guess which one Download takes.
    files = browser.files_model
    assert files.recommended_row() == files.row_of(chosen.name)
    assert browser.files_note.text().startswith(f"★ Recommended: {hint}, the suggested size")


def test_a_suggested_model_opens_on_the_first_click(
    qtbot, browser: HubBrowser, hub: FakeHub, tiny_gguf: Path
) -> None:  # type: ignore[no-untyped-def]
    """Issue 16 item 13: the welcome's *Download a recommended model* opens exactly this."""
    repo_id, _hint = _add_starter_repo(hub, tiny_gguf)
    browser.activate()
    _click_row(qtbot, browser.results_view, 1)
    rows = browser.results_view.selectionModel().selectedRows()
    assert [r.row() for r in rows] == [1]  # the click landed on the suggestion
    assert browser.repo_pane.repo_id == repo_id


def _open_card(qtbot, browser: HubBrowser, repo_id: str) -> str:  # type: ignore[no-untyped-def]
    """The card pane's text once ``repo_id``'s card has been fetched and shown."""
    with qtbot.waitSignal(browser.card_shown, timeout=TIMEOUT):
        browser.show_repo(repo_id)
    return browser.card.toPlainText()


def test_a_suggestion_the_hub_has_no_description_for_says_why_it_is_suggested(
    qtbot, browser: HubBrowser, hub: FakeHub, tiny_gguf: Path
) -> None:  # type: ignore[no-untyped-def]
    """It said "This model has no description." although the list knows why it is there."""
    repo_id, _hint = _add_starter_repo(hub, tiny_gguf)  # no README.md: the hub gives ""
    why = load_starter_list()[1].why
    assert why and _open_card(qtbot, browser, repo_id) == why
    hub.add_repo("acme/Unlisted-GGUF", {"u-Q4_0.gguf": tiny_gguf.read_bytes()})
    assert _open_card(qtbot, browser, "acme/Unlisted-GGUF") == "This model has no description."


def test_the_hubs_own_description_wins_over_why_it_is_suggested(
    qtbot, browser: HubBrowser, hub: FakeHub, tiny_gguf: Path
) -> None:  # type: ignore[no-untyped-def]
    repo_id, _hint = _add_starter_repo(hub, tiny_gguf)
    hub.repos[repo_id].files["README.md"] = b"# Card\n\nThe hub's <b>own</b> words."
    text = _open_card(qtbot, browser, repo_id)
    assert "The hub's <b>own</b> words." in text  # the safe renderer: markup stays text
    assert load_starter_list()[1].why not in text


def test_why_a_model_is_suggested_reads_in_chinese(
    qtbot, chinese, browser: HubBrowser, hub: FakeHub, tiny_gguf: Path
) -> None:  # type: ignore[no-untyped-def]
    repo_id, _hint = _add_starter_repo(hub, tiny_gguf)
    browser.activate()
    model = browser.starter_model
    first = load_starter_list()[0]
    why = _text(model, 0, 3)
    assert why != first.why and re.search(r"[\u4e00-\u9fff]", why)  # a translation
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == plain_tooltip(
        f"{first.repo_id}\n{why}"
    )
    assert "聊天" in str(model.index(0, 0).data(REPO_DETAIL_ROLE))  # "Chat", in the second line
    card = _open_card(qtbot, browser, repo_id)
    assert card == _text(model, 1, 3) and re.search(r"[\u4e00-\u9fff]", card)


def test_each_result_is_drawn_as_its_name_over_its_owner(qtbot, browser: HubBrowser) -> None:  # type: ignore[no-untyped-def]
    """Two lines a row (the repo ids were cut short in one): the name, then the muted owner."""
    browser.activate()
    view = browser.results_view
    qtbot.wait(50)
    line = view.fontMetrics().height()
    assert view.rowHeight(0) >= 2 * line  # room for both lines
    image = view.viewport().grab().toImage()
    rect = view.visualRect(browser.starter_model.index(0, 0))
    top_half = rect.adjusted(0, 0, 0, -rect.height() // 2)
    bottom_half = rect.adjusted(0, rect.height() // 2, 0, 0)

    def inked(area) -> bool:  # type: ignore[no-untyped-def]
        """Text drawn in ``area``: more than the row's one background colour."""
        colours = {
            image.pixel(x, y)
            for x in range(area.left(), area.right(), 2)
            for y in range(area.top(), area.bottom())
        }
        return len(colours) > 2

    assert inked(top_half) and inked(bottom_half)


def test_the_chosen_suggestion_stays_in_view_when_the_window_shrinks(
    qtbot, browser: HubBrowser
) -> None:  # type: ignore[no-untyped-def]
    browser.activate()
    view = browser.results_view
    last = browser.starter_model.rowCount() - 1
    view.selectRow(last)
    view.scrollTo(browser.starter_model.index(last, 0))
    browser.resize(720, 300)
    qtbot.waitUntil(
        lambda: view.viewport().rect().contains(view.visualRect(view.currentIndex()).center())
    )


def test_the_status_line_is_muted_until_it_reports_a_problem(qtbot, browser: HubBrowser) -> None:  # type: ignore[no-untyped-def]
    browser.activate()
    assert browser.status.foregroundRole() == QPalette.ColorRole.PlaceholderText
    browser.settings.set("hub.endpoint", "http://127.0.0.1:9")  # nothing listens there
    with qtbot.waitSignal(browser.problem_shown, timeout=TIMEOUT):
        browser.search_box.setText("widget")
        browser.search()
    assert browser.status.foregroundRole() == QPalette.ColorRole.WindowText
    assert browser.status.text().startswith("Could not reach")


# -- searching ------------------------------------------------------------------------------------


def test_search_results_show_name_counts_date_and_licence(
    qtbot, browser: HubBrowser, hub: FakeHub, qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    hub.add_repo("acme/Locked-GGUF", {"l-Q4_0.gguf": b"GGUF"}, downloads=7, gated=True)
    results = browser.results_model
    qtmodeltester.check(results, force_py=True)  # stays attached: the searches below are checked
    _search(qtbot, browser, "GGUF")
    assert browser.results_view.model() is results
    repos = [_repo(results, r) for r in range(results.rowCount())]
    assert repos == ["acme/Widget-7B-GGUF", "hearthside/tiny-GGUF", "acme/Locked-GGUF"]
    # The name reads first; its owner (and that it is gated), downloads, likes and last update
    # in the muted line under it: the one column the list shows.
    assert [_text(results, r, 0) for r in range(3)] == ["Widget-7B", "tiny", "Locked"]
    details = [results.index(r, 0).data(REPO_DETAIL_ROLE) for r in range(3)]
    assert details == [
        "acme · ↓ 1,000 · ♥ 40 · 2024-12-01",
        "hearthside · ↓ 50 · ♥ 3 · 2025-03-01",
        "acme · gated · ↓ 7 · ♥ 0 · 2025-01-01",
    ]
    view = browser.results_view
    assert all(view.isColumnHidden(c) for c in range(1, 5))
    qtbot.waitUntil(lambda: _columns_in_view(view))  # once the view has laid out
    # A screen reader hears the painted second line too.
    assert results.index(2, 0).data(Qt.ItemDataRole.AccessibleTextRole) == (
        "Locked, acme · gated · ↓ 7 · ♥ 0 · 2025-01-01"
    )
    # The hub's text, shown as written: the whole repo id and the licence in the tooltip.
    assert results.index(2, 0).data(Qt.ItemDataRole.ToolTipRole) == plain_tooltip(
        "acme/Locked-GGUF\nLicense: apache-2.0"
    )
    assert [_text(results, 0, c) for c in range(1, 5)] == [
        "1,000",
        "40",
        "2024-12-01",
        "apache-2.0",
    ]
    assert results.index(0, 0).data(HubResultsModel.Roles.RepoIdRole) == "acme/Widget-7B-GGUF"
    assert results.index(0, 0).data(HubResultsModel.Roles.DownloadsRole) == 1000
    assert results.index(0, 0).data(HubResultsModel.Roles.LikesRole) == 40
    right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    assert results.index(0, 1).data(Qt.ItemDataRole.TextAlignmentRole) == right
    assert browser.status.text() == "3 model(s) with GGUF files."
    _search(qtbot, browser, "tiny")  # fewer rows: the model tester checks the change
    assert results.rowCount() == 1


def test_a_search_that_finds_nothing_says_so(qtbot, browser: HubBrowser) -> None:  # type: ignore[no-untyped-def]
    _search(qtbot, browser, "no-such-model-anywhere")
    assert browser.results_model.rowCount() == 0
    assert browser.status.text() == "No GGUF models match that search."


def test_choosing_another_order_searches_again(qtbot, browser: HubBrowser, hub: FakeHub) -> None:  # type: ignore[no-untyped-def]
    hub.add_repo("zed/Loved-GGUF", {"z-Q4_0.gguf": b"GGUF"}, downloads=1, likes=999)
    _search(qtbot, browser, "GGUF")
    assert _repo(browser.results_model, 0) == "acme/Widget-7B-GGUF"
    with qtbot.waitSignal(browser.results_shown, timeout=TIMEOUT):
        browser.sort_box.setCurrentIndex(browser.sort_box.findData("likes"))
    assert _repo(browser.results_model, 0) == "zed/Loved-GGUF"


def test_typing_searches_by_itself_after_a_pause(qtbot, browser: HubBrowser) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(browser.results_shown, timeout=TIMEOUT):
        qtbot.keyClicks(browser.search_box, "tiny")
    assert [_repo(browser.results_model, r) for r in range(browser.results_model.rowCount())] == [
        "hearthside/tiny-GGUF"
    ]


# -- a repository ---------------------------------------------------------------------------------


def test_clicking_a_result_lists_its_files_and_shows_its_card(
    qtbot, browser: HubBrowser, qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    files = browser.files_model
    qtmodeltester.check(files, force_py=True)
    _search(qtbot, browser, "widget")
    with (
        qtbot.waitSignal(browser.files_shown, timeout=TIMEOUT) as listed,
        qtbot.waitSignal(browser.card_shown, timeout=TIMEOUT) as carded,
    ):
        _click_row(qtbot, browser.results_view, 0)
    assert listed.args == ["acme/Widget-7B-GGUF"] and carded.args == ["acme/Widget-7B-GGUF"]
    assert browser.repo_title.text() == "Widget-7B"
    assert browser.repo_pane.repo_id_label.text() == "acme/Widget-7B-GGUF"
    assert "Widget 7B" in browser.card.toPlainText()
    assert files.rowCount() == 7
    assert [files.headerData(c, Qt.Orientation.Horizontal) for c in range(5)] == [
        "Quantization",
        "File",
        "Size",
        "Memory",
        "Note",
    ]
    # Largest first; the split model is one row with its parts in the tooltip.
    sizes = [files.index(r, 0).data(RepoFilesModel.Roles.SizeRole) for r in range(7)]
    assert sizes == sorted(sizes, reverse=True)
    split = files.row_of("Widget-7B-Q6_K-00001-of-00002.gguf")
    assert _text(files, split, 0) == "★ Q6_K"  # the recommended file: the note's ★
    assert split == files.recommended_row()
    others = [_text(files, r, 0) for r in range(files.rowCount()) if r != split]
    assert not any("★" in text for text in others)
    assert not browser.files_view.isColumnHidden(4)  # "2 parts" is said in the Note column
    assert files.index(split, 0).data(Qt.ItemDataRole.ToolTipRole) == plain_tooltip(
        "Q6_K/Widget-7B-Q6_K-00001-of-00002.gguf\nQ6_K/Widget-7B-Q6_K-00002-of-00002.gguf"
    )
    recommended = files.recommended_row()
    assert files.index(recommended, 0).data(RepoFilesModel.Roles.RecommendedRole) is True
    assert files.index(recommended, 0).data(Qt.ItemDataRole.FontRole).bold()
    assert browser.files_note.text().startswith("★ Recommended: Q6_K, the largest that fits")
    assert browser.files_note.foregroundRole() == QPalette.ColorRole.PlaceholderText  # muted
    assert files.row_of("not-there.gguf") == -1


def test_the_note_column_shows_only_when_a_file_is_split_or_incomplete(
    qtbot, browser: HubBrowser, hub: FakeHub, calls: BackgroundCalls, tiny_gguf: Path
) -> None:  # type: ignore[no-untyped-def]
    """Else it would be empty, and take the room the file names need; the recommendation is
    the ★ in the first column, not words in this one."""
    hub.add_repo("acme/Plain-GGUF", {"p-Q4_0.gguf": tiny_gguf.read_bytes()})
    _open_repo(qtbot, browser, calls, "acme/Plain-GGUF")
    assert browser.files_view.isColumnHidden(4)
    assert _text(browser.files_model, 0, 0).startswith("★ ")
    assert _text(browser.files_model, 0, 4) == ""
    _open_repo(qtbot, browser, calls, "acme/Widget-7B-GGUF")  # has a split file
    assert not browser.files_view.isColumnHidden(4)


def test_a_repo_that_is_not_there_says_so_in_plain_text(qtbot, browser: HubBrowser) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(browser.problem_shown, timeout=TIMEOUT) as problem:
        browser.show_repo("nobody/Missing-GGUF")
    assert problem.args == ["That model or file is not on the hub."]
    assert browser.files_note.text() == "That model or file is not on the hub."
    assert browser.files_note.foregroundRole() == QPalette.ColorRole.WindowText  # not muted
    assert browser.files_note.textFormat() == Qt.TextFormat.PlainText
    assert browser.status.textFormat() == Qt.TextFormat.PlainText
    assert browser.files_model.rowCount() == 0
    assert not browser.download_button.isEnabled()


def test_a_repo_without_gguf_files_or_card_says_so(
    qtbot, browser: HubBrowser, hub: FakeHub
) -> None:  # type: ignore[no-untyped-def]
    hub.add_repo("acme/Empty-GGUF", {"notes.txt": b"nothing here"})
    with (
        qtbot.waitSignal(browser.files_shown, timeout=TIMEOUT),
        qtbot.waitSignal(browser.card_shown, timeout=TIMEOUT),
    ):
        browser.show_repo("acme/Empty-GGUF")
    assert browser.files_note.text() == "This repository has no GGUF model files."
    assert browser.card.toPlainText() == "This model has no description."


def test_a_link_in_a_card_opens_only_after_the_user_agrees(browser: HubBrowser) -> None:
    questions: list[str] = []
    opened: list[QUrl] = []
    answer = False
    browser.confirm = lambda _title, question: questions.append(question) or answer
    browser.open_url = lambda url: opened.append(url) or True
    browser.card.anchorClicked.emit(QUrl("https://example.org/model"))
    assert questions == ["Open this address in your web browser?\nhttps://example.org/model"]
    assert opened == []
    answer = True
    browser.card.anchorClicked.emit(QUrl("https://example.org/model"))
    assert opened == [QUrl("https://example.org/model")]
    browser.card.anchorClicked.emit(QUrl("file:///etc/passwd"))  # not asked, not opened
    assert len(questions) == 2 and len(opened) == 1


def test_the_model_page_opens_on_the_hubs_website(
    qtbot, browser: HubBrowser, calls: BackgroundCalls, hub: FakeHub
) -> None:  # type: ignore[no-untyped-def]
    """A gated model says its access is granted on its web page: there was no way to it."""
    opened: list[QUrl] = []
    browser.open_url = lambda url: opened.append(url) or True
    assert not browser.repo_pane.page_button.isVisible()  # no repo yet
    _open_repo(qtbot, browser, calls, "acme/Widget-7B-GGUF")
    button = browser.repo_pane.page_button
    assert button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert opened == [QUrl(f"{hub.endpoint}/acme/Widget-7B-GGUF")]


# -- downloading ----------------------------------------------------------------------------------


def test_the_download_button_requests_the_chosen_file(
    qtbot, browser: HubBrowser, calls: BackgroundCalls, hub: FakeHub
) -> None:  # type: ignore[no-untyped-def]
    _open_repo(qtbot, browser, calls, "acme/Widget-7B-GGUF")
    files = browser.files_model
    row = files.row_of("Widget-7B-Q4_K_M.gguf")
    _click_row(qtbot, browser.files_view, row)
    assert browser.selected_file().name == "Widget-7B-Q4_K_M.gguf"
    with qtbot.waitSignal(browser.download_requested, timeout=TIMEOUT) as requested:
        qtbot.mouseClick(browser.download_button, Qt.MouseButton.LeftButton)
    request = requested.args[0]
    assert isinstance(request, DownloadRequest)
    assert request.id == "acme/Widget-7B-GGUF/Widget-7B-Q4_K_M.gguf"
    assert request.title == "Widget-7B-Q4_K_M.gguf"
    [file] = request.files
    data = hub.repos["acme/Widget-7B-GGUF"].files["Widget-7B-Q4_K_M.gguf"]
    assert file.path == browser.models_dir / "acme--Widget-7B-GGUF" / "Widget-7B-Q4_K_M.gguf"
    assert (file.size, file.sha256) == (
        len(data),
        hub.repos["acme/Widget-7B-GGUF"].sha256("Widget-7B-Q4_K_M.gguf"),
    )
    assert file.url.startswith(hub.endpoint)
    assert browser.files_note.text() == "Widget-7B-Q4_K_M.gguf is in the download queue."


def test_a_problem_goes_once_the_hub_answers_again(
    qtbot, browser: HubBrowser, calls: BackgroundCalls, hub: FakeHub
) -> None:  # type: ignore[no-untyped-def]
    """ "Could not reach …" stayed after the next call succeeded (issue 16 item 19)."""
    browser.show_starters()
    calm = browser.status.text()
    browser.settings.set("hub.endpoint", "http://127.0.0.1:9")  # nothing listens there
    with qtbot.waitSignal(browser.problem_shown, timeout=TIMEOUT):
        browser.search_box.setText("widget")
        browser.search()
    assert browser.status.text().startswith("Could not reach")
    browser.settings.set("hub.endpoint", hub.endpoint)
    _open_repo(qtbot, browser, calls, "acme/Widget-7B-GGUF")
    assert browser.status.text() == calm


def test_the_queued_note_goes_when_the_download_ends(
    qtbot, browser: HubBrowser, calls: BackgroundCalls
) -> None:  # type: ignore[no-untyped-def]
    """ "… is in the download queue" stayed after the download had finished (item 19)."""
    _open_repo(qtbot, browser, calls, "acme/Widget-7B-GGUF")
    _click_row(qtbot, browser.files_view, browser.files_model.row_of("Widget-7B-Q4_K_M.gguf"))
    with qtbot.waitSignal(browser.download_requested, timeout=TIMEOUT) as requested:
        browser.download_selected()
    assert browser.files_note.text() == "Widget-7B-Q4_K_M.gguf is in the download queue."
    browser.on_download_ended("some/other/download.gguf")
    assert browser.files_note.text() == "Widget-7B-Q4_K_M.gguf is in the download queue."
    browser.on_download_ended(requested.args[0].id)
    assert browser.files_note.text() == ""


def test_double_clicking_a_split_model_requests_all_its_parts(
    qtbot, browser: HubBrowser, calls: BackgroundCalls
) -> None:  # type: ignore[no-untyped-def]
    _open_repo(qtbot, browser, calls, "acme/Widget-7B-GGUF")
    row = browser.files_model.row_of("Widget-7B-Q6_K-00001-of-00002.gguf")
    with qtbot.waitSignal(browser.download_requested, timeout=TIMEOUT) as requested:
        _click_row(qtbot, browser.files_view, row, double=True)
    request = requested.args[0]
    assert [f.path for f in request.files] == [
        browser.models_dir / "acme--Widget-7B-GGUF" / "Widget-7B-Q6_K-00001-of-00002.gguf",
        browser.models_dir / "acme--Widget-7B-GGUF" / "Widget-7B-Q6_K-00002-of-00002.gguf",
    ]


def test_an_unsupported_model_is_requested_once_the_user_agrees(
    qtbot, browser: HubBrowser, calls: BackgroundCalls, hub: FakeHub, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    odd = write_unknown_arch_gguf(tmp_path / "fancy.gguf").read_bytes()
    hub.add_repo("acme/Fancy-GGUF", {"fancy-Q4_0.gguf": odd})
    _open_repo(qtbot, browser, calls, "acme/Fancy-GGUF")
    assert browser.select_file("fancy-Q4_0.gguf")
    questions: list[str] = []
    browser.confirm = lambda _title, question: questions.append(question) or True
    with qtbot.waitSignal(browser.download_requested, timeout=TIMEOUT) as requested:
        browser.download_button.click()
    assert "can't load" in questions[0] and "fancy-Q4_0.gguf" in questions[0]
    assert requested.args[0].title == "fancy-Q4_0.gguf"


def test_every_hub_problem_has_words(browser: HubBrowser) -> None:
    """A hub that connects and then says nothing is named so, not "Could not reach"."""
    for problem in HubProblem:
        assert browser.problem_text(HubError(problem, ""))
    timeout = browser.problem_text(HubError(HubProblem.TIMEOUT, ""))
    assert "did not answer in time" in timeout and "Could not reach" not in timeout

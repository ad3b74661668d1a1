"""Sidebar: the conversation list model, search results and the widget's requests."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QDate, QDateTime, QLocale, QPoint, Qt, QTime
from PySide6.QtWidgets import QAbstractItemView, QLineEdit
from pytestqt.qtbot import QtBot

from desktop.core.conversation import ConversationSummary
from desktop.history.qt.sidebar import (
    ConversationListModel,
    SearchResultsModel,
    Sidebar,
    _ConversationDelegate,
    parse_snippet,
    snippet_html,
)
from desktop.store.conversations import SearchHit

Roles = ConversationListModel.Roles
HitRoles = SearchResultsModel.Roles
NOW = 1_750_000_000.0


def conv(
    id: int, updated: float = 0.0, *, title: str | None = None, pinned: bool = False
) -> ConversationSummary:
    return ConversationSummary(
        id=id,
        title=title if title is not None else f"Chat {id}",
        title_is_auto=True,
        created_at=NOW - 1000,
        updated_at=NOW + updated,
        pinned=pinned,
        model_file=f"m{id}.gguf",
    )


def ids(model: ConversationListModel) -> list[int]:
    return [model.summary(row).id for row in range(model.rowCount())]


@pytest.fixture
def sidebar(qtbot: QtBot) -> Sidebar:
    widget = Sidebar()
    qtbot.addWidget(widget)
    widget.resize(260, 500)
    widget.model().set_conversations([conv(i, updated=i) for i in range(1, 6)])
    widget.show()
    qtbot.waitExposed(widget)
    return widget


HITS = [
    SearchHit(3, 30, "Chat 3", "a \x02match\x03 in a message", 1.0),
    SearchHit(4, None, "Chat 4", "\x02Chat\x03 4", 2.0),
]


# -- ConversationListModel -------------------------------------------------------------------


def test_modeltester_list(qtmodeltester) -> None:
    model = ConversationListModel()
    qtmodeltester.check(model, force_py=True)
    model.set_conversations([conv(1, 1), conv(2, 2), conv(3, 3, pinned=True)])
    model.upsert(conv(4, 4))
    model.upsert(conv(1, 10))
    model.upsert(conv(2, 0, pinned=True))
    model.remove(3)
    model.set_conversations([])
    model.upsert(conv(9))


def test_roles_and_flags() -> None:
    model = ConversationListModel()
    model.set_conversations([conv(7, title="Hello")])
    index = model.index(0, 0)
    assert index.data(Qt.ItemDataRole.DisplayRole) == "Hello"
    assert index.data(Qt.ItemDataRole.EditRole) == "Hello"
    assert index.data(Roles.IdRole) == 7
    assert index.data(Roles.TitleRole) == "Hello"
    assert index.data(Roles.PinnedRole) is False
    assert index.data(Roles.UpdatedAtRole) == NOW
    assert index.data(Roles.ModelFileRole) == "m7.gguf"
    assert model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert set(model.roleNames()) >= {int(r) for r in Roles}


def test_set_conversations_sorts_and_drops_trashed() -> None:
    model = ConversationListModel()
    trashed = ConversationSummary(9, "gone", True, NOW, NOW + 99, deleted_at=NOW)
    model.set_conversations([conv(1, 1), conv(2, 5), conv(3, 0, pinned=True), trashed])
    assert ids(model) == [3, 2, 1]
    assert model.row_of(2) == 1
    assert model.row_of(9) is None


def test_upsert_moves_rows_and_keeps_order(qtbot: QtBot) -> None:
    model = ConversationListModel()
    model.set_conversations([conv(i, updated=i) for i in range(1, 6)])
    assert ids(model) == [5, 4, 3, 2, 1]
    moves: list[tuple[int, int]] = []
    model.rowsMoved.connect(lambda _p, start, _end, _d, dest: moves.append((start, dest)))
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))

    model.upsert(conv(2, updated=2, pinned=True))  # pinning moves it to the top
    assert ids(model) == [2, 5, 4, 3, 1]
    model.upsert(conv(1, updated=50))  # newer moves up, below the pinned one
    assert ids(model) == [2, 1, 5, 4, 3]
    model.upsert(conv(5, updated=-5))  # older moves down
    assert ids(model) == [2, 1, 4, 3, 5]
    model.upsert(conv(2, updated=2))  # unpinned goes back to its date
    assert ids(model) == [1, 4, 3, 2, 5]
    assert len(moves) == 4
    assert not resets

    changed: list[int] = []
    model.dataChanged.connect(lambda first, _last, _roles: changed.append(first.row()))
    model.upsert(conv(3, updated=3, title="Renamed"))  # same place: updated in place
    assert ids(model) == [1, 4, 3, 2, 5]
    assert changed == [2]
    assert model.index(2, 0).data() == "Renamed"
    model.upsert(conv(3, updated=3, title="Renamed"))  # no change: no signal
    assert changed == [2]

    model.upsert(conv(8, updated=3.5))  # new rows go to their place
    assert ids(model) == [1, 4, 8, 3, 2, 5]
    assert model.row_of(8) == 2


def test_upsert_of_a_trashed_summary_removes_it() -> None:
    model = ConversationListModel()
    model.set_conversations([conv(1), conv(2, 1)])
    model.upsert(ConversationSummary(1, "x", True, NOW, NOW, deleted_at=NOW))
    assert ids(model) == [2]
    model.remove(42)  # unknown id: nothing happens
    assert ids(model) == [2]


def test_setdata_requests_rename_without_changing_the_model(qtbot: QtBot) -> None:
    model = ConversationListModel()
    model.set_conversations([conv(1, title="Old")])
    index = model.index(0, 0)
    seen: list[tuple[int, str]] = []
    model.title_edit_requested.connect(lambda i, t: seen.append((i, t)))
    assert model.setData(index, "  New title  ") is False
    assert seen == [(1, "New title")]
    assert index.data() == "Old"
    model.setData(index, "   ")
    model.setData(index, "Old")
    model.setData(index, "x", Qt.ItemDataRole.DisplayRole)
    assert seen == [(1, "New title")]


def test_summary_out_of_range() -> None:
    with pytest.raises(IndexError):
        ConversationListModel().summary(0)


# -- snippets and SearchResultsModel ---------------------------------------------------------


def test_parse_snippet() -> None:
    assert parse_snippet("a \x02b\x03 c \x02d\x03") == ("a b c d", ((2, 1), (6, 1)))
    assert parse_snippet("line\none\x03 \x02open") == ("line one open", ((9, 4),))
    assert parse_snippet("") == ("", ())


def test_snippet_html_escapes_and_bolds() -> None:
    snippet = '<script>alert("x")</script> & \x02<b>match</b>\x03 tail'
    result = snippet_html(snippet)
    assert "<script>" not in result
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; " in result
    assert result.endswith("<b>&lt;b&gt;match&lt;/b&gt;</b> tail")
    assert result.count("<b>") == 1


def test_modeltester_results(qtmodeltester) -> None:
    model = SearchResultsModel()
    qtmodeltester.check(model, force_py=True)
    model.set_hits(HITS)
    model.clear()
    model.set_hits(HITS[:1])


def test_results_roles() -> None:
    model = SearchResultsModel()
    model.set_hits([*HITS, SearchHit(5, 51, "<i>T</i>", "x <script>\x02y\x03", 0.5)])
    first, second, third = (model.index(row, 0) for row in range(3))
    assert first.data() == "a match in a message"
    assert first.data(HitRoles.SnippetHtmlRole) == "a <b>match</b> in a message"
    assert first.data(HitRoles.MatchRangesRole) == ((2, 5),)
    assert first.data(HitRoles.ConversationIdRole) == 3
    assert first.data(HitRoles.MessageIdRole) == 30
    assert first.data(HitRoles.TitleRole) == "Chat 3"
    assert first.data(HitRoles.RankRole) == 1.0
    assert second.data(HitRoles.MessageIdRole) is None
    assert third.data(HitRoles.SnippetHtmlRole) == "x &lt;script&gt;<b>y</b>"
    assert third.data(HitRoles.TitleRole) == "<i>T</i>"  # plain text, drawn as such
    assert model.hit(1) is HITS[1]
    assert set(model.roleNames()) >= {int(r) for r in HitRoles}


# -- Sidebar ----------------------------------------------------------------------------------


def test_set_current_selects_without_emitting(qtbot: QtBot, sidebar: Sidebar) -> None:
    with qtbot.assertNotEmitted(sidebar.conversation_selected):
        sidebar.set_current(3)
        view = sidebar.conversation_view
        assert view.currentIndex().data(Roles.IdRole) == 3
        assert view.selectionModel().isSelected(view.currentIndex())
        sidebar.set_current(None)
        assert not view.selectionModel().hasSelection()
        sidebar.set_current(77)  # not listed yet: highlighted once it arrives
        sidebar.model().upsert(conv(77, updated=100))
        assert view.currentIndex().data(Roles.IdRole) == 77
    assert sidebar.current_id() == 77


def test_selection_follows_model_changes_without_emitting(qtbot: QtBot, sidebar: Sidebar) -> None:
    view = sidebar.conversation_view
    sidebar.set_current(2)
    with qtbot.assertNotEmitted(sidebar.conversation_selected):
        sidebar.model().upsert(conv(2, updated=99))  # moves to the top
        assert view.currentIndex().data(Roles.IdRole) == 2
        sidebar.model().set_conversations([conv(i, updated=i) for i in range(1, 6)])
        assert view.currentIndex().data(Roles.IdRole) == 2
        sidebar.model().remove(2)  # the open chat goes: nothing else gets highlighted
        assert not view.selectionModel().hasSelection()


def test_keyboard_navigation_opens_chats(qtbot: QtBot, sidebar: Sidebar) -> None:
    view = sidebar.conversation_view
    sidebar.set_current(4)  # rows: 5 4 3 2 1
    view.setFocus()
    with qtbot.waitSignal(sidebar.conversation_selected) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_Down)
    assert blocker.args == [3]
    with qtbot.waitSignal(sidebar.conversation_selected) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_Up)
    assert blocker.args == [4]
    with qtbot.waitSignal(sidebar.conversation_selected) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_End)
    assert blocker.args == [1]
    assert sidebar.current_id() == 1


def test_click_opens_and_right_click_does_not(qtbot: QtBot, sidebar: Sidebar) -> None:
    view = sidebar.conversation_view
    sidebar.set_current(5)
    rect = view.visualRect(sidebar.model().index(2, 0))  # id 3
    with qtbot.assertNotEmitted(sidebar.conversation_selected):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.RightButton, pos=rect.center())
        qtbot.mouseClick(
            view.viewport(),
            Qt.MouseButton.LeftButton,
            pos=view.visualRect(sidebar.model().index(0, 0)).center(),
        )  # already open
    assert view.currentIndex().data(Roles.IdRole) == 5
    with qtbot.waitSignal(sidebar.conversation_selected) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [3]


def test_double_click_does_not_rename(qtbot: QtBot, sidebar: Sidebar) -> None:
    view = sidebar.conversation_view
    rect = view.visualRect(sidebar.model().index(1, 0))
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.state() != QAbstractItemView.State.EditingState
    assert not view.viewport().findChildren(QLineEdit)


def _editor(sidebar: Sidebar) -> QLineEdit:
    editors = [e for e in sidebar.conversation_view.findChildren(QLineEdit) if e.isVisible()]
    assert len(editors) == 1
    return editors[0]


def test_f2_renames_inline(qtbot: QtBot, sidebar: Sidebar) -> None:
    view = sidebar.conversation_view
    sidebar.set_current(3)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_F2)
    assert view.state() == QAbstractItemView.State.EditingState
    editor = _editor(sidebar)
    assert editor.text() == "Chat 3"
    editor.setText("  Plans for 2026 ")
    with qtbot.waitSignal(sidebar.rename_requested) as blocker:
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert blocker.args == [3, "Plans for 2026"]
    assert sidebar.model().index(2, 0).data() == "Chat 3"  # until the caller upserts


def test_rename_to_blank_is_ignored(qtbot: QtBot, sidebar: Sidebar) -> None:
    view = sidebar.conversation_view
    sidebar.set_current(3)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_F2)
    editor = _editor(sidebar)
    editor.setText("   ")
    with qtbot.assertNotEmitted(sidebar.rename_requested):
        qtbot.keyClick(editor, Qt.Key.Key_Return)


def test_context_menu_actions(qtbot: QtBot, sidebar: Sidebar) -> None:
    sidebar.model().upsert(conv(2, updated=2, pinned=True))
    sidebar.set_current(5)

    menu = sidebar.context_menu(4)
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts == ["Rename", "Pin", "Delete"]
    with qtbot.waitSignal(sidebar.pin_requested) as blocker:
        sidebar.pin_action.trigger()
    assert blocker.args == [4, True]
    with qtbot.waitSignal(sidebar.delete_requested) as blocker:
        sidebar.delete_action.trigger()
    assert blocker.args == [4]
    menu.deleteLater()

    menu = sidebar.context_menu(2)
    assert sidebar.pin_action.text() == "Unpin"
    with qtbot.waitSignal(sidebar.pin_requested) as blocker:
        sidebar.pin_action.trigger()
    assert blocker.args == [2, False]
    sidebar.rename_action.trigger()
    view = sidebar.conversation_view
    assert view.state() == QAbstractItemView.State.EditingState
    editor = _editor(sidebar)
    assert editor.text() == "Chat 2"
    editor.setText("Pinned one")
    with qtbot.waitSignal(sidebar.rename_requested) as blocker:
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert blocker.args == [2, "Pinned one"]
    assert view.currentIndex().data(Roles.IdRole) == 5  # the open chat stays highlighted
    menu.deleteLater()


def test_delete_key_requests_delete(qtbot: QtBot, sidebar: Sidebar) -> None:
    view = sidebar.conversation_view
    sidebar.set_current(1)
    view.setFocus()
    with (
        qtbot.waitSignal(sidebar.delete_requested) as blocker,
        qtbot.assertNotEmitted(sidebar.conversation_selected),
    ):
        qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert blocker.args == [1]


def test_buttons(qtbot: QtBot, sidebar: Sidebar) -> None:
    with qtbot.waitSignal(sidebar.new_chat_requested):
        qtbot.mouseClick(sidebar.new_chat_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(sidebar.trash_requested):
        qtbot.mouseClick(sidebar.trash_button, Qt.MouseButton.LeftButton)
    assert sidebar.search_field.placeholderText() == "Search chats (Ctrl+K)"
    assert sidebar.search_field.isClearButtonEnabled()
    assert sidebar.minimumWidth() >= 200
    assert sidebar.conversation_view.uniformItemSizes()


def test_search_is_debounced(qtbot: QtBot, sidebar: Sidebar) -> None:
    field = sidebar.search_field
    emitted: list[str] = []
    sidebar.search_changed.connect(emitted.append)
    started = time.monotonic()
    with qtbot.waitSignal(sidebar.search_changed, timeout=2000) as blocker:
        qtbot.keyClicks(field, "tom")
        assert emitted == []  # nothing while typing
    assert blocker.args == ["tom"]
    assert time.monotonic() - started >= 0.14
    assert emitted == ["tom"]
    qtbot.keyClick(field, Qt.Key.Key_Space)  # "tom ": same query, not sent again
    qtbot.wait(300)
    assert emitted == ["tom"]
    # Cleared: "" at once, no waiting.
    field.clear()
    assert emitted == ["tom", ""]
    assert sidebar.search_text() == ""


def test_results_replace_the_list_and_open_hits(qtbot: QtBot, sidebar: Sidebar) -> None:
    field = sidebar.search_field
    with qtbot.waitSignal(sidebar.search_changed):
        field.setText("match")
    assert not sidebar.conversation_view.isVisible()
    sidebar.set_search_results(HITS)
    results = sidebar.results_view
    assert results.isVisible()
    assert not sidebar.no_matches_label.isVisible()
    assert results.model().rowCount() == 2

    with qtbot.waitSignal(sidebar.search_hit_activated) as blocker:
        qtbot.mouseClick(
            results.viewport(),
            Qt.MouseButton.LeftButton,
            pos=results.visualRect(results.model().index(1, 0)).center(),
        )
    assert blocker.args == [4, None]

    field.setFocus()
    with qtbot.waitSignal(sidebar.search_hit_activated) as blocker:
        qtbot.keyClick(field, Qt.Key.Key_Return)
    assert blocker.args == [3, 30]

    sidebar.set_search_results([])
    assert sidebar.no_matches_label.isVisible()
    assert sidebar.no_matches_label.text() == "No matches"
    assert not results.isVisible()
    with qtbot.assertNotEmitted(sidebar.search_hit_activated):
        qtbot.keyClick(field, Qt.Key.Key_Return)

    with qtbot.waitSignal(sidebar.search_changed) as blocker:
        qtbot.keyClick(field, Qt.Key.Key_Escape)
    assert blocker.args == [""]
    assert field.text() == ""
    assert sidebar.conversation_view.isVisible()
    assert not sidebar.no_matches_label.isVisible()


def test_no_matches_waits_for_the_answer(qtbot: QtBot, sidebar: Sidebar) -> None:
    sidebar.search_field.setText("zz")
    assert not sidebar.no_matches_label.isVisible()  # asked, not answered yet
    sidebar.set_search_results([])
    assert sidebar.no_matches_label.isVisible()


def test_enter_before_the_pause_searches_first(qtbot: QtBot, sidebar: Sidebar) -> None:
    sidebar.search_changed.connect(
        lambda text: sidebar.set_search_results(HITS[1:] if text else [])
    )
    field = sidebar.search_field
    field.setFocus()
    qtbot.keyClicks(field, "chat")
    with qtbot.waitSignal(sidebar.search_hit_activated) as blocker:
        qtbot.keyClick(field, Qt.Key.Key_Return)
    assert blocker.args == [4, None]


def test_down_from_search_goes_to_results(qtbot: QtBot, sidebar: Sidebar) -> None:
    field = sidebar.search_field
    sidebar.activateWindow()
    with qtbot.waitSignal(sidebar.search_changed):
        field.setText("m")
    sidebar.set_search_results(HITS)
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_Down)
    results = sidebar.results_view
    assert results.hasFocus()
    qtbot.keyClick(results, Qt.Key.Key_Down)
    with qtbot.waitSignal(sidebar.search_hit_activated) as blocker:
        qtbot.keyClick(results, Qt.Key.Key_Return)
    assert blocker.args == [4, None]


def test_focus_search(qtbot: QtBot, sidebar: Sidebar) -> None:
    sidebar.search_field.setText("old")
    sidebar.activateWindow()
    sidebar.focus_search()
    assert sidebar.search_field.hasFocus()
    assert sidebar.search_field.selectedText() == "old"
    sidebar.clear_search()
    assert sidebar.search_field.text() == ""


@pytest.fixture
def english_locale() -> Iterator[None]:
    previous = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    yield
    QLocale.setDefault(previous)


def test_day_labels(english_locale: None) -> None:
    delegate = _ConversationDelegate()
    today = QDate(2026, 11, 29)  # a Sunday

    def at(day: QDate, hour: int = 12) -> float:
        return QDateTime(day, QTime(hour, 0)).toSecsSinceEpoch()

    assert delegate.day_label(at(today, 0), today) == "Today"
    assert delegate.day_label(at(today.addDays(-1), 23), today) == "Yesterday"
    assert delegate.day_label(at(today.addDays(-2)), today) == "Fri"
    assert delegate.day_label(at(today.addDays(-6)), today) == "Mon"
    assert delegate.day_label(at(QDate(2026, 11, 12)), today) == "12 Nov"
    assert delegate.day_label(at(QDate(2025, 11, 12)), today) == "12 Nov 2025"
    assert delegate.day_label(None, today) == ""


def test_many_rows_paint(qtbot: QtBot, sidebar: Sidebar) -> None:
    titles = ["长标题" * 30, "x" * 500, "", "Pinned"]
    sidebar.model().set_conversations(
        [conv(i, updated=i, title=titles[i % 4], pinned=i % 50 == 0) for i in range(3000)]
    )
    sidebar.resize(200, 400)
    image = sidebar.grab()
    assert not image.isNull()
    view = sidebar.conversation_view
    assert view.indexAt(QPoint(10, 10)).isValid()


class _PagedSource:
    """A list in the sidebar's order, served by keyset like ConversationStore; counts calls."""

    def __init__(self, summaries: list[ConversationSummary]) -> None:
        self.summaries = summaries
        self.calls = 0

    def ordered(self) -> list[ConversationSummary]:
        return sorted(self.summaries, key=lambda s: (not s.pinned, -s.updated_at, -s.id))

    def __call__(self, after: ConversationSummary | None, limit: int) -> list[ConversationSummary]:
        self.calls += 1
        rows = self.ordered()
        if after is not None:
            key = (not after.pinned, -after.updated_at, -after.id)
            rows = [s for s in rows if (not s.pinned, -s.updated_at, -s.id) > key]
        return rows[:limit]


def test_a_paged_source_loads_one_page_then_the_rest_on_fetch_more(qtbot: QtBot) -> None:
    # ties in updated_at (three per value) and pins, so the id must break ties
    source = _PagedSource([conv(i, updated=i // 3, pinned=i % 17 == 0) for i in range(1, 101)])
    model = ConversationListModel()
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    model.set_source(source, page_size=30)
    assert model.rowCount() == 30
    assert source.calls == 1
    assert model.canFetchMore()

    model.fetchMore()
    assert inserted == [(30, 59)]  # one block at the end
    model.upsert(conv(1, updated=0))  # out of turn, like the restored last chat: at the end
    assert ids(model)[-1] == 1
    while model.canFetchMore():
        model.fetchMore()
    assert ids(model) == [s.id for s in source.ordered()]  # no repeats, no gaps
    assert source.calls == 4  # 30 + 30 + 30 + a short page of 10
    model.fetchMore()
    assert source.calls == 4


def test_a_paged_model_keeps_edits_between_pages(qtbot: QtBot) -> None:
    source = _PagedSource([conv(i, updated=i) for i in range(1, 41)])
    model = ConversationListModel()
    model.set_source(source, page_size=10)
    first_page = ids(model)
    # the oldest chat gets a message (moves to the top); a listed one is trashed
    bumped = conv(1, updated=100)
    source.summaries[0] = bumped
    model.upsert(bumped)
    trashed = first_page[3]
    source.summaries = [s for s in source.summaries if s.id != trashed]
    model.remove(trashed)
    model.fetch_all()
    assert ids(model) == [s.id for s in source.ordered()]
    assert not model.canFetchMore()
    model.set_conversations([conv(1)])  # a full list: nothing more to fetch
    assert not model.canFetchMore()

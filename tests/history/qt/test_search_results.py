"""Search snippets (parse_snippet, snippet_html) and SearchResultsModel."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.history.qt.search_results import SearchResultsModel, parse_snippet, snippet_html
from desktop.store.conversations import SearchHit

HitRoles = SearchResultsModel.Roles

HITS = [
    SearchHit(3, 30, "Chat 3", "a \x02match\x03 in a message", 1.0),
    SearchHit(4, None, "Chat 4", "\x02Chat\x03 4", 2.0),
]


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


def test_a_message_hit_says_who_wrote_it(qapp) -> None:
    """Issue 17, defect 8: search results did not say who wrote the matched message."""
    model = SearchResultsModel()
    model.set_hits(
        [
            SearchHit(1, 10, "Chat", "my \x02fox\x03", 1.0, "user"),
            SearchHit(1, 11, "Chat", "the \x02fox\x03 runs", 1.0, "assistant"),
            SearchHit(2, None, "\x02Fox\x03 chat", "\x02Fox\x03 chat", 1.0),
        ]
    )
    texts = [model.index(row, 0).data() for row in range(3)]
    assert texts == ["You: my fox", "Assistant: the fox runs", "Fox chat"]
    ranges = model.index(0, 0).data(SearchResultsModel.Roles.MatchRangesRole)
    assert [texts[0][start : start + length] for start, length in ranges] == ["fox"]


def test_one_row_per_chat_counts_its_other_matches(qapp) -> None:
    """A chat whose messages repeat a word is one row (the store groups them) that says how
    many more of its messages match, muted beside its title."""
    model = SearchResultsModel()
    model.set_hits(
        [
            SearchHit(1, 10, "Rainbows", "how a \x02rainbow\x03 forms", -2.0, "user", matches=4),
            SearchHit(2, 20, "Weather", "a \x02rainbow\x03 after rain", -1.0, "user", matches=2),
            SearchHit(3, 30, "Paint", "a \x02rainbow\x03", -0.5, "assistant", matches=1),
            SearchHit(4, None, "\x02Rainbow\x03 list", "\x02Rainbow\x03 list", -3.0, matches=0),
        ]
    )
    rows = [model.index(row, 0) for row in range(model.rowCount())]
    assert [i.data(HitRoles.ConversationIdRole) for i in rows] == [1, 2, 3, 4]  # store's order
    assert [i.data(HitRoles.MoreMatchesRole) for i in rows] == [3, 1, 0, 0]
    assert [i.data(HitRoles.MoreMatchesTextRole) for i in rows] == [
        "+3 more matches",
        "+1 more matches",  # the English singular comes from hearthside_en.ts
        "",
        "",
    ]
    assert rows[0].data(HitRoles.MessageIdRole) == 10  # opens at the best match
    # A screen reader hears what the row shows: the title, the snippet and the count.
    spoken = Qt.ItemDataRole.AccessibleTextRole
    assert rows[0].data(spoken) == "Rainbows · You: how a rainbow forms · +3 more matches"
    assert rows[2].data(spoken) == "Paint · Assistant: a rainbow"


def test_the_count_reads_in_the_singular_and_in_chinese(qapp, tmp_path) -> None:
    import subprocess

    from PySide6.QtCore import QTranslator

    from tests.resources.test_translations import EN_TS, TS, qt_tool

    hits = [SearchHit(1, 10, "T", "\x02a\x03", 1.0, matches=2)]
    for ts, expected in ((EN_TS, "+1 more match"), (TS, "另有 1 处匹配")):
        qm = tmp_path / f"{ts.stem}.qm"
        subprocess.run(
            [qt_tool("pyside6-lrelease"), str(ts), "-qm", str(qm)], check=True, capture_output=True
        )
        translator = QTranslator()
        assert translator.load(str(qm))
        qapp.installTranslator(translator)
        try:
            model = SearchResultsModel()
            model.set_hits(hits)
            assert model.index(0, 0).data(HitRoles.MoreMatchesTextRole) == expected
        finally:
            qapp.removeTranslator(translator)

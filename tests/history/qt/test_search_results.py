"""Search snippets (parse_snippet, snippet_html) and SearchResultsModel."""

from __future__ import annotations

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

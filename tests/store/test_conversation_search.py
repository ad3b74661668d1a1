"""Search: words, prefixes, CJK and emoji substrings, markers, scope, and speed."""

from __future__ import annotations

import random
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.conversation import (
    FinishReason,
    Role,
)
from desktop.store.conversations import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    ConversationStore,
    ImportedConversation,
    ImportedMessage,
)
from tests.store.store_helpers import HYPOTHESIS, START


def _hit_texts(store: ConversationStore, query: str) -> set[str]:
    return {store.get_message(h.message_id).content for h in store.search(query) if h.message_id}  # type: ignore[union-attr]


@pytest.fixture
def corpus(store: ConversationStore) -> ConversationStore:
    texts = [
        "Crème brûlée recipe with caramel",
        "Python list comprehension example",
        "如何在Python中使用列表推导式",
        "今天天气很好，我们去公园吧",
        "東京の天気は晴れです",
        "Pizza night 🍕🍕 with friends",
        'He said "NEAR(cats dogs)" -- AND * OR NOT',
        "Control \x02chars\x03 inside text",
    ]
    # Each text in a chat of its own: a search finds one hit per chat (its best message).
    kitchen = store.create_conversation("Kitchen notes: brûlée").id
    store.add_message(kitchen, None, Role.USER, "Shopping for Sunday")
    for number, text in enumerate(texts):
        store.add_message(store.create_conversation(f"Note {number}").id, None, Role.USER, text)
    return store


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("creme brulee", "Crème brûlée recipe with caramel"),
        ("CARAMEL", "Crème brûlée recipe with caramel"),
        ("compre", "Python list comprehension example"),  # prefix while typing
        ("列表推导", "如何在Python中使用列表推导式"),  # trigram
        ("列表", "如何在Python中使用列表推导式"),  # two characters: substring scan
        ("天", "今天天气很好，我们去公园吧"),
        ("天気", "東京の天気は晴れです"),
        ("🍕", "Pizza night 🍕🍕 with friends"),
        ('"NEAR(cats', 'He said "NEAR(cats dogs)" -- AND * OR NOT'),
        ("dogs)", 'He said "NEAR(cats dogs)" -- AND * OR NOT'),
    ],
)
def test_search_finds(corpus: ConversationStore, query: str, expected: str) -> None:
    assert expected in _hit_texts(corpus, query)


def test_a_message_hit_names_its_author(corpus: ConversationStore) -> None:
    """Issue 17, defect 8: the sidebar could not say who wrote a matched message."""
    [title_hit] = [h for h in corpus.search("brulee") if h.message_id is None]
    assert title_hit.role == ""
    assert {h.role for h in corpus.search("caramel") if h.message_id} == {"user"}  # FTS
    assert {h.role for h in corpus.search("列表") if h.message_id} == {"user"}  # scan


def test_search_results_are_marked_and_scoped(corpus: ConversationStore) -> None:
    [title_hit] = [h for h in corpus.search("brulee") if h.message_id is None]
    assert title_hit.snippet == f"Kitchen notes: {HIGHLIGHT_START}brûlée{HIGHLIGHT_END}"
    [hit] = [h for h in corpus.search("列表推导") if h.message_id]
    assert f"{HIGHLIGHT_START}列表推导{HIGHLIGHT_END}" in hit.snippet
    [hit] = corpus.search("🍕")
    assert f"{HIGHLIGHT_START}🍕{HIGHLIGHT_END}" in hit.snippet
    # Control characters in a message cannot pose as highlight markers.
    [hit] = corpus.search("inside")
    assert hit.snippet.count(HIGHLIGHT_START) == hit.snippet.count(HIGHLIGHT_END) == 1
    assert _hit_texts(corpus, "kitchen pizza") == set()  # every term must match one message
    assert len(corpus.search("a", limit=2)) <= 2
    for hit in corpus.search("python"):
        corpus.delete_conversation(hit.conversation_id)
    assert corpus.search("python") == []


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        "*",
        "-",
        "NEAR",
        "NEAR(",
        "(a OR",
        "a AND",
        ")",
        "^",
        ":",
        "col:x",
        "'",
        "\\",
        "%",
        "_",
        "\x00",
        "\ud800",
        "a*b",
        "   ",
        "",
        "\x02",
        "\ufdd0",
    ],
)
def test_search_never_raises_on_fts_syntax(corpus: ConversationStore, query: str) -> None:
    assert isinstance(corpus.search(query), list)


def test_like_wildcards_are_literal(corpus: ConversationStore) -> None:
    assert corpus.search("%") == [] and corpus.search("_") == []
    assert corpus.search("天%") == []


def test_a_streaming_reply_is_searchable_once_it_ends(store: ConversationStore) -> None:
    c = store.create_conversation().id
    user = store.add_message(c, None, Role.USER, "tell me")
    reply = store.add_message(c, user.id, Role.ASSISTANT, "")
    store.update_message(reply.id, content="zebra stripes")
    assert store.search("zebra") == []
    store.update_message(reply.id, content="zebra stripes and more", finish_reason="stop")
    assert [h.message_id for h in store.search("zebra")] == [reply.id]
    store.update_message(reply.id, content="giraffe")
    assert store.search("zebra") == []
    assert [h.message_id for h in store.search("giraffe")] == [reply.id]
    store.rebuild_search_index()
    assert [h.message_id for h in store.search("giraffe")] == [reply.id]
    check = "INSERT INTO {0}({0}) VALUES ('integrity-check')"
    for table in ("message_words", "title_words", "message_trigrams"):
        if table != "message_trigrams" or store.has_trigram:
            store.connection.execute(check.format(table))


def test_search_over_ten_thousand_messages_is_fast(store: ConversationStore) -> None:
    rng = random.Random(5)
    words = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9)))
        for _ in range(3000)
    ]
    hanzi = [chr(rng.randint(0x4E00, 0x4FFF)) for _ in range(400)]
    for conversation in range(50):
        messages = []
        for i in range(200):
            if i % 10 == 0:
                text = "".join(rng.choice(hanzi) for _ in range(60))
            else:
                text = " ".join(rng.choice(words) for _ in range(40))
                if i % 4 == 1:
                    text += " hearthside"  # a word in a quarter of all messages
            messages.append(
                ImportedMessage(
                    str(i),
                    str(i - 1) if i else None,
                    Role.USER if i % 2 == 0 else Role.ASSISTANT,
                    text,
                    START + i,
                    finish_reason=FinishReason.STOP if i % 2 else None,
                )
            )
        store.import_conversation(
            ImportedConversation(
                f"chat {conversation} {rng.choice(words)}",
                START,
                START,
                False,
                "",
                "",
                {},
                tuple(messages),
                None,
            )
        )
    assert store.connection.execute("SELECT count(*) FROM messages").fetchone()[0] == 10_000
    queries = [
        words[0],
        words[1][:3],
        f"{words[2]} {words[3]}",
        hanzi[0] + hanzi[1] + hanzi[2],
        hanzi[5],
        "hearth",
    ]
    timings = []
    for query in queries:
        store.search(query)  # warm the page cache once, as a running app would have it
        started = time.perf_counter()
        store.search(query)
        timings.append((query, (time.perf_counter() - started) * 1000))
    print("\nsearch over 10,000 messages: " + ", ".join(f"{q!r} {ms:.1f} ms" for q, ms in timings))
    assert max(ms for _, ms in timings) < 1000


@HYPOTHESIS
@given(query=st.text(alphabet=st.characters(codec=None), max_size=40))
def test_search_never_raises(corpus: ConversationStore, query: str) -> None:
    for hit in corpus.search(query):
        assert isinstance(hit.snippet, str)
        assert hit.snippet.count(HIGHLIGHT_START) == hit.snippet.count(HIGHLIGHT_END)


# --- one hit per chat ----------------------------------------------------------------------


def _chat(store: ConversationStore, title: str, *texts: str) -> tuple[int, list[int]]:
    """A chat of user messages; its id and its messages' ids."""
    chat = store.create_conversation(title).id
    ids: list[int] = []
    for text in texts:
        ids.append(store.add_message(chat, ids[-1] if ids else None, Role.USER, text).id)
    return chat, ids


@pytest.fixture
def rainbows(store: ConversationStore) -> ConversationStore:
    """A chat that repeats itself (as a demo model does), others that say a word once."""
    _chat(
        store,
        "Explain how a rainbow forms",
        "Explain how a rainbow forms, in two sentences.",
        "A rainbow forms when sunlight enters raindrops, and the rainbow shows its colours.",
        "Explain how a rainbow forms, in two sentences.",
        "A rainbow forms when sunlight bends in raindrops.",
        "rainbow rainbow rainbow",
    )
    _chat(store, "Weather", "Is there a rainbow after rain?", "Only with sun behind you.")
    _chat(store, "Painting", "Which paints for a long, long, long landscape with a rainbow?")
    _chat(store, "Nothing here", "Clouds and rain only.")
    return store


def _per_message(store: ConversationStore, match: str) -> list[tuple[int, int]]:
    """(conversation, message) of every matching message, best first: the rows the sidebar
    listed before hits were grouped."""
    return store.connection.execute(
        "SELECT m.conversation_id, m.id FROM message_words JOIN messages m"
        " ON m.id = message_words.rowid WHERE message_words MATCH ? ORDER BY rank",
        (match,),
    ).fetchall()


def test_a_chat_is_one_hit_at_its_best_message(rainbows: ConversationStore) -> None:
    hits = rainbows.search("rainbow")
    rows = _per_message(rainbows, '"rainbow"*')
    best: dict[int, int] = {}
    for conversation_id, message_id in rows:
        best.setdefault(conversation_id, message_id)
    # One hit per chat, in the order of each chat's best message, opening at that message.
    assert [(h.conversation_id, h.message_id) for h in hits] == list(best.items())
    assert len(hits) == 3 < len(rows)
    counts = {h.conversation_id: h.matches for h in hits}
    assert sorted(counts.values()) == [1, 1, 5]
    assert [h.rank for h in hits] == sorted(h.rank for h in hits)
    for hit in hits:
        assert HIGHLIGHT_START + "rainbow" in hit.snippet.lower()
        assert rainbows.get_message(hit.message_id).conversation_id == hit.conversation_id  # type: ignore[arg-type, union-attr]
    # The limit counts chats, not messages.
    assert [h.conversation_id for h in rainbows.search("rainbow", limit=2)] == list(best)[:2]


def test_a_title_hit_opens_at_its_best_message(rainbows: ConversationStore) -> None:
    painting = next(h for h in rainbows.search("rainbow") if h.matches == 1).conversation_id
    chat, ids = _chat(rainbows, "Rainbow notes", "a rainbow", "no match", "rainbow again")
    _chat(rainbows, "Rainbow list", "nothing that matches")
    hits = rainbows.search("rainbow")
    # Title hits first, as before; one that has matching messages shows its best one.
    assert {h.conversation_id for h in hits[:2]} == {chat, chat + 1}
    [notes] = [h for h in hits if h.conversation_id == chat]
    assert notes.message_id in (ids[0], ids[2]) and notes.matches == 2
    assert HIGHLIGHT_START in notes.snippet and notes.role == "user"
    [title_only] = [h for h in hits if h.conversation_id == chat + 1]
    assert title_only.message_id is None and title_only.matches == 0
    assert title_only.snippet == f"{HIGHLIGHT_START}Rainbow{HIGHLIGHT_END} list"
    assert len(hits) == 5 and painting in {h.conversation_id for h in hits}
    # A title hit keeps its place when the limit cuts the message hits.
    assert [h.conversation_id for h in rainbows.search("rainbow", limit=2)] == [
        h.conversation_id for h in hits[:2]
    ]


@pytest.mark.parametrize("trigram", [True, False])
@pytest.mark.parametrize("query", ["彩虹是", "彩虹", "🌈"])
def test_substring_search_is_one_hit_per_chat(
    store: ConversationStore, query: str, trigram: bool
) -> None:
    """Chinese and emoji go through trigrams (three characters or more) or a LIKE scan; both
    group as words do. The scan's best message is the newest."""
    assert store.has_trigram  # the trigram path is really taken where asked for
    store.has_trigram = trigram
    chat, ids = _chat(
        store, "天气", "彩虹是怎么形成的？🌈", "不知道", "彩虹是光的折射。🌈", "彩虹是彩色的🌈"
    )
    other, [single] = _chat(store, "画画", "画一道彩虹是好主意🌈")
    hits = store.search(query)
    assert [h.conversation_id for h in hits[:2]] in ([chat, other], [other, chat])
    assert len(hits) == 2
    by_chat = {h.conversation_id: h for h in hits}
    assert by_chat[chat].matches == 3 and by_chat[other].matches == 1
    assert by_chat[other].message_id == single
    assert by_chat[chat].message_id in (ids[0], ids[2], ids[3])
    if not (trigram and len(query) >= 3):
        assert by_chat[chat].message_id == ids[3]  # the newest
        assert [h.conversation_id for h in hits] == [other, chat]  # newest first
    assert f"{HIGHLIGHT_START}{query}{HIGHLIGHT_END}" in by_chat[chat].snippet
    assert [h.conversation_id for h in store.search(query, limit=1)] == [hits[0].conversation_id]


def test_the_scan_opens_a_chat_at_its_newest_match_on_any_branch(store: ConversationStore) -> None:
    """The LIKE scan's best message is the newest, even where the index lists it earlier (an
    edited question's branch comes before the old branch's later replies)."""
    chat, [root, _reply, later] = _chat(store, "树", "彩虹 一", "彩虹 二", "彩虹 三")
    edited = store.add_message(chat, root, Role.USER, "彩虹 四").id  # a branch, made last
    [hit] = store.search("彩虹")
    assert hit.matches == 4 and hit.message_id == edited != later

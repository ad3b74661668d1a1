"""Search of ``ConversationStore``: titles, then messages, of conversations not in the trash,
one hit per conversation (its best match, and how many of its messages match).

FTS5 finds words and word prefixes (``message_words``, ``title_words``: unicode61, diacritics
removed). unicode61 does not split Chinese or Japanese into words and treats emoji as
separators, so a query with such text uses ``message_trigrams`` (substring match) when every
term has at least three characters, and a LIKE scan for shorter terms; titles are short, so
they use LIKE in that case too. What the user typed never reaches FTS5 as syntax.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Final

from desktop.store.codecs import as_text
from desktop.store.sqlite import (
    MATCH_END,
    MATCH_START,
    SqliteDatabase,
    fts_phrase,
    has_word_chars,
    like_pattern,
    needs_substring,
)

log = logging.getLogger(__name__)

# Search hits wrap each match in these so the UI can highlight without parsing HTML.
HIGHLIGHT_START: Final = "\x02"
HIGHLIGHT_END: Final = "\x03"
# Trigram matching needs at least this many characters per term.
_TRIGRAM_MIN: Final = 3


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One conversation found by a search: its best match.

    ``message_id``: the conversation's best matching message (the one to open it at); None
    when only the title matched.
    ``snippet`` is plain text with each match between HIGHLIGHT_START and HIGHLIGHT_END: from
    that message, or the title when no message matched.
    ``rank``: lower is better (FTS5 bm25; the title's when the title matched); 0.0 for
    substring scans.
    ``role``: who wrote the matched message ("user", "assistant"); "" when only the title
    matched.
    ``matches``: how many of the conversation's messages match (0 when only the title did), so
    a conversation whose messages repeat a word is one hit, not one per message.
    """

    conversation_id: int
    message_id: int | None
    title: str
    snippet: str
    rank: float
    role: str = ""
    matches: int = 1


def _clean_query(query: str) -> list[str]:
    # Lone surrogates cannot be encoded for SQLite; NUL ends strings in FTS5's C code.
    text = query.encode("utf-8", "replace").decode("utf-8").replace("\x00", " ")
    text = text.replace(MATCH_START, " ").replace(MATCH_END, " ")
    terms = [t for t in text.split() if t]
    return list(dict.fromkeys(terms))[:16]


def _markers(raw: str) -> str:
    """Turns SQLite's internal markers into ours, dropping look-alikes from the text."""
    raw = raw.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_END, "")
    return raw.replace(MATCH_START, HIGHLIGHT_START).replace(MATCH_END, HIGHLIGHT_END)


def _highlight_substrings(text: str, terms: Sequence[str], width: int | None) -> str:
    """Our own snippet for LIKE hits: the text around the first match, every match marked."""
    text = text.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_END, "")
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.I)
    if width is not None:
        first = pattern.search(text)
        start = 0 if first is None else max(0, first.start() - width // 3)
        end = min(len(text), start + width)
        clipped = text[start:end]
        text = ("…" if start > 0 else "") + clipped + ("…" if end < len(text) else "")
    return pattern.sub(lambda m: HIGHLIGHT_START + m.group(0) + HIGHLIGHT_END, text)


def _placeholders(count: int) -> str:
    return ",".join("?" * count)


def _one_per_chat(
    titles: Sequence[SearchHit], messages: Sequence[SearchHit], limit: int
) -> list[SearchHit]:
    """Title hits first, in their order, each showing its chat's best message when one matched
    too; then the other chats' best messages in theirs; at most ``limit``."""
    best = {hit.conversation_id: hit for hit in messages}
    hits = [
        replace(best.pop(title.conversation_id), rank=title.rank)
        if title.conversation_id in best
        else title
        for title in titles
    ]
    hits += [hit for hit in messages if hit.conversation_id in best]
    return hits[:limit]


# --- the store ----------------------------------------------------------------------------


class ConversationSearch(SqliteDatabase):
    """Search over the conversations; ``has_trigram``: the file has ``message_trigrams``."""

    has_trigram: bool

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """At most ``limit`` conversations not in the trash, one hit each: those whose title
        matches, then the others by their best matching message. Never raises on what the
        user typed: every term is quoted, so FTS syntax is searched for as text."""
        terms = _clean_query(query)
        if not terms or limit <= 0:
            return []
        try:
            if not any(map(needs_substring, terms)):
                terms = [t for t in terms if has_word_chars(t)]
                if not terms:
                    return []
                match = " ".join(fts_phrase(t) + "*" for t in terms)
                titles = self._search_titles_fts(match, limit)
                messages = self._search_messages_fts("message_words", match, titles, limit)
                return _one_per_chat(titles, messages, limit)
            titles = self._search_titles_like(terms, limit)
            if self.has_trigram and all(len(t) >= _TRIGRAM_MIN for t in terms):
                match = " ".join(map(fts_phrase, terms))
                messages = self._search_messages_fts("message_trigrams", match, titles, limit)
            else:
                messages = self._search_messages_like(terms, titles, limit)
            return _one_per_chat(titles, messages, limit)
        except sqlite3.OperationalError:
            log.exception("search failed for %r; falling back to a substring scan", query)
            titles = self._search_titles_like(terms, limit)
            return _one_per_chat(titles, self._search_messages_like(terms, titles, limit), limit)

    def _search_titles_fts(self, match: str, limit: int) -> list[SearchHit]:
        rows = self.connection.execute(
            f"SELECT c.id, c.title, highlight(title_words, 0, '{MATCH_START}', '{MATCH_END}'),"
            " title_words.rank FROM title_words JOIN conversations c ON c.id = title_words.rowid"
            " WHERE title_words MATCH ? AND c.deleted_at IS NULL ORDER BY title_words.rank"
            " LIMIT ?",
            (match, limit),
        ).fetchall()
        return [
            SearchHit(r[0], None, as_text(r[1]), _markers(as_text(r[2])), r[3], matches=0)
            for r in rows
        ]

    def _search_messages_fts(
        self, table: str, match: str, titles: Sequence[SearchHit], limit: int
    ) -> list[SearchHit]:
        """Each conversation's best message (by rank) and how many match, best first, those
        with a title hit before the rest so they are never cut off by ``limit``."""
        first = [hit.conversation_id for hit in titles]
        # Bare columns beside min() come from the row with the minimum (SQLite's rule), so
        # m.id and m.role are the best message's. Grouped first, the trash is looked up once
        # per chat rather than once per matching message.
        rows = self.connection.execute(
            f"SELECT g.conversation_id, g.id, g.best, g.matches, c.title, g.role"
            f" FROM (SELECT m.conversation_id, m.id, min(f.rank) AS best, count(*) AS matches,"
            f" m.role FROM (SELECT rowid AS id, rank FROM {table} WHERE {table} MATCH ?) AS f"
            f" JOIN messages m ON m.id = f.id GROUP BY m.conversation_id) AS g"
            f" JOIN conversations c ON c.id = g.conversation_id WHERE c.deleted_at IS NULL"
            f" ORDER BY g.conversation_id IN ({_placeholders(len(first))}) DESC, g.best LIMIT ?",
            (match, *first, limit),
        ).fetchall()
        if not rows:
            return []
        # Snippets only for the messages shown, from FTS5's own match. The unary + keeps the
        # IN list from FTS5, which would redo the whole match for each rowid (10x slower).
        snippets = dict(
            self.connection.execute(
                f"SELECT rowid, snippet({table}, 0, '{MATCH_START}', '{MATCH_END}', '…', 16)"
                f" FROM {table} WHERE {table} MATCH ?"
                f" AND +rowid IN ({_placeholders(len(rows))})",
                (match, *(r[1] for r in rows)),
            ).fetchall()
        )
        return [
            SearchHit(
                r[0],
                r[1],
                as_text(r[4]),
                _markers(as_text(snippets.get(r[1], ""))),
                r[2],
                as_text(r[5]),
                r[3],
            )
            for r in rows
        ]

    def _search_titles_like(self, terms: Sequence[str], limit: int) -> list[SearchHit]:
        where = " AND ".join(["c.title LIKE ? ESCAPE '\\'"] * len(terms))
        rows = self.connection.execute(
            f"SELECT c.id, c.title FROM conversations c WHERE c.deleted_at IS NULL AND {where}"
            " ORDER BY c.updated_at DESC LIMIT ?",
            (*map(like_pattern, terms), limit),
        ).fetchall()
        return [
            SearchHit(
                r[0],
                None,
                as_text(r[1]),
                _highlight_substrings(as_text(r[1]), terms, None),
                0.0,
                matches=0,
            )
            for r in rows
        ]

    def _search_messages_like(
        self, terms: Sequence[str], titles: Sequence[SearchHit], limit: int
    ) -> list[SearchHit]:
        """Short CJK or emoji terms: no index can find them, and a scan of the text column
        is still only milliseconds for tens of thousands of messages. Each conversation's
        newest matching message and how many match, newest first (title hits first)."""
        where = " AND ".join(["m.content LIKE ? ESCAPE '\\'"] * len(terms))
        first = [hit.conversation_id for hit in titles]
        # The bare m.id beside max() is the newest message's (SQLite's rule; a window
        # function for ties would triple the time).
        picked = self.connection.execute(
            "SELECT m.id, count(*), max(m.created_at) FROM messages m"
            " JOIN conversations c ON c.id = m.conversation_id WHERE c.deleted_at IS NULL"
            " AND (m.role <> 'assistant' OR m.finish_reason IS NOT NULL)"
            f" AND {where} GROUP BY m.conversation_id"
            f" ORDER BY m.conversation_id IN ({_placeholders(len(first))}) DESC,"
            " max(m.created_at) DESC, m.id DESC LIMIT ?",
            (*map(like_pattern, terms), *first, limit),
        ).fetchall()
        if not picked:
            return []
        found = {
            r[0]: r[1:]
            for r in self.connection.execute(
                "SELECT m.id, m.conversation_id, c.title, m.content, m.role FROM messages m"
                " JOIN conversations c ON c.id = m.conversation_id"
                f" WHERE m.id IN ({_placeholders(len(picked))})",
                [p[0] for p in picked],
            )
        }
        hits = []
        for message_id, matches, _newest in picked:
            conversation_id, title, content, role = found[message_id]
            snippet = _highlight_substrings(as_text(content), terms, 80)
            hits.append(
                SearchHit(
                    conversation_id,
                    message_id,
                    as_text(title),
                    snippet,
                    0.0,
                    as_text(role),
                    matches,
                )
            )
        return hits

    def rebuild_search_index(self) -> None:
        """Rebuilds the FTS indexes from the tables (after a hand edit, or if search seems
        wrong); a repair tool, not needed in normal use."""
        with self.transaction() as db:
            for table in ("message_words", "title_words", "message_trigrams"):
                if table != "message_trigrams" or self.has_trigram:
                    db.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")

    # --- import / export ---

"""Search of ``ConversationStore``: titles, then messages, of conversations not in the trash.

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
from dataclasses import dataclass
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
    """One search result; ``message_id`` is None when the title matched.

    ``snippet`` is plain text with each match between HIGHLIGHT_START and HIGHLIGHT_END.
    ``rank``: lower is better (FTS5 bm25); 0.0 for substring scans.
    ``role``: who wrote the matched message ("user", "assistant"); "" when the title matched.
    """

    conversation_id: int
    message_id: int | None
    title: str
    snippet: str
    rank: float
    role: str = ""


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


# --- the store ----------------------------------------------------------------------------


class ConversationSearch(SqliteDatabase):
    """Search over the conversations; ``has_trigram``: the file has ``message_trigrams``."""

    has_trigram: bool

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """Titles, then messages, of conversations not in the trash. Never raises on what the
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
                hits = self._search_titles_fts(match, limit)
                return hits + self._search_messages_fts("message_words", match, limit - len(hits))
            hits = self._search_titles_like(terms, limit)
            if self.has_trigram and all(len(t) >= _TRIGRAM_MIN for t in terms):
                match = " ".join(map(fts_phrase, terms))
                more = self._search_messages_fts("message_trigrams", match, limit - len(hits))
            else:
                more = self._search_messages_like(terms, limit - len(hits))
            return hits + more
        except sqlite3.OperationalError:
            log.exception("search failed for %r; falling back to a substring scan", query)
            hits = self._search_titles_like(terms, limit)
            return hits + self._search_messages_like(terms, limit - len(hits))

    def _search_titles_fts(self, match: str, limit: int) -> list[SearchHit]:
        rows = self.connection.execute(
            f"SELECT c.id, c.title, highlight(title_words, 0, '{MATCH_START}', '{MATCH_END}'),"
            " title_words.rank FROM title_words JOIN conversations c ON c.id = title_words.rowid"
            " WHERE title_words MATCH ? AND c.deleted_at IS NULL ORDER BY title_words.rank"
            " LIMIT ?",
            (match, limit),
        ).fetchall()
        return [SearchHit(r[0], None, as_text(r[1]), _markers(as_text(r[2])), r[3]) for r in rows]

    def _search_messages_fts(self, table: str, match: str, limit: int) -> list[SearchHit]:
        if limit <= 0:
            return []
        # The FTS table drives the loop in rank order, so snippets are made for the hits
        # returned, not for every match.
        rows = self.connection.execute(
            f"SELECT m.id, m.conversation_id, c.title,"
            f" snippet({table}, 0, '{MATCH_START}', '{MATCH_END}', '…', 16), {table}.rank,"
            f" m.role"
            f" FROM {table} JOIN messages m ON m.id = {table}.rowid"
            f" JOIN conversations c ON c.id = m.conversation_id"
            f" WHERE {table} MATCH ? AND c.deleted_at IS NULL ORDER BY {table}.rank LIMIT ?",
            (match, limit),
        ).fetchall()
        return [
            SearchHit(r[1], r[0], as_text(r[2]), _markers(as_text(r[3])), r[4], as_text(r[5]))
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
                r[0], None, as_text(r[1]), _highlight_substrings(as_text(r[1]), terms, None), 0.0
            )
            for r in rows
        ]

    def _search_messages_like(self, terms: Sequence[str], limit: int) -> list[SearchHit]:
        """Short CJK or emoji terms: no index can find them, and a scan of the text column
        is still only milliseconds for tens of thousands of messages."""
        if limit <= 0:
            return []
        where = " AND ".join(["m.content LIKE ? ESCAPE '\\'"] * len(terms))
        rows = self.connection.execute(
            "SELECT m.id, m.conversation_id, c.title, m.content, m.role FROM messages m"
            " JOIN conversations c ON c.id = m.conversation_id WHERE c.deleted_at IS NULL"
            " AND (m.role <> 'assistant' OR m.finish_reason IS NOT NULL)"
            f" AND {where} ORDER BY m.created_at DESC, m.id DESC LIMIT ?",
            (*map(like_pattern, terms), limit),
        ).fetchall()
        return [
            SearchHit(
                r[1],
                r[0],
                as_text(r[2]),
                _highlight_substrings(as_text(r[3]), terms, 80),
                0.0,
                as_text(r[4]),
            )
            for r in rows
        ]

    def rebuild_search_index(self) -> None:
        """Rebuilds the FTS indexes from the tables (after a hand edit, or if search seems
        wrong); a repair tool, not needed in normal use."""
        with self.transaction() as db:
            for table in ("message_words", "title_words", "message_trigrams"):
                if table != "message_trigrams" or self.has_trigram:
                    db.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")

    # --- import / export ---

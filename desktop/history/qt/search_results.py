"""Search hits for the sidebar: the marked snippets the store returns, parsed, and the list model
that shows them, one row per chat (the store groups a chat's matching messages into one hit).

Search hits come from the store as snippets in which each match is wrapped in ``\\x02`` and
``\\x03``. The text around the matches is user and model text, so it is treated as untrusted:
it is drawn as plain text, and the HTML form escapes everything but the ``<b>`` tags we add.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import ClassVar

from PySide6.QtCore import Qt

from desktop.qtkit.list_model import RoleValue, RowListModel
from desktop.store.conversations import HIGHLIGHT_END, HIGHLIGHT_START, SearchHit

__all__ = ["SearchResultsModel", "parse_snippet", "snippet_html"]


def parse_snippet(snippet: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Split a marked snippet into its plain text and the ``(start, length)`` of each match.

    Tolerant on purpose: a start mark without an end runs to the end of the text, a stray end
    mark is dropped, and other control characters (newlines, tabs) become spaces so the
    snippet stays on one line.
    """
    plain: list[str] = []
    ranges: list[tuple[int, int]] = []
    start: int | None = None
    length = 0
    for char in snippet:
        if char == HIGHLIGHT_START:
            if start is None:
                start = length
        elif char == HIGHLIGHT_END:
            if start is not None and length > start:
                ranges.append((start, length - start))
            start = None
        else:
            if char < " " or char == "\x7f":
                char = " "
            plain.append(char)
            length += 1
    if start is not None and length > start:
        ranges.append((start, length - start))
    return "".join(plain), tuple(ranges)


def snippet_html(snippet: str) -> str:
    """The snippet as HTML: every match in ``<b>``, everything else escaped."""
    plain, ranges = parse_snippet(snippet)
    parts: list[str] = []
    position = 0
    for start, length in ranges:
        parts.append(html.escape(plain[position:start]))
        parts.append("<b>" + html.escape(plain[start : start + length]) + "</b>")
        position = start + length
    parts.append(html.escape(plain[position:]))
    return "".join(parts)


def _strip_marks(text: str) -> str:
    return parse_snippet(text)[0]


@dataclass(frozen=True, slots=True)
class _HitRow:
    hit: SearchHit
    title: str  # TitleRole, ToolTipRole
    plain: str  # DisplayRole
    match_ranges: tuple[tuple[int, int], ...]
    snippet_html: str
    more_matches: int  # the chat's other matching messages
    more_matches_text: str  # "+3 more matches", "" when there are none
    spoken: str  # AccessibleTextRole: the title, the snippet and the count, as the row shows


class SearchResultsModel(RowListModel):
    """Search hits, one row per chat, best first, in the order the store ranked them.

    A row shows its chat's best match; ``MoreMatchesTextRole`` says how many more of the
    chat's messages match. Snippets are parsed once when the hits arrive, so painting never
    re-parses.

    Signals:
        The standard ``QAbstractItemModel`` signals only (modelReset, ...).
    """

    class Roles(IntEnum):
        ConversationIdRole = Qt.ItemDataRole.UserRole + 1  # int
        MessageIdRole = Qt.ItemDataRole.UserRole + 2  # int | None (None: the title matched)
        TitleRole = Qt.ItemDataRole.UserRole + 3  # str, plain
        SnippetHtmlRole = Qt.ItemDataRole.UserRole + 4  # str, escaped, matches in <b>
        MatchRangesRole = Qt.ItemDataRole.UserRole + 5  # tuple of (start, length) in display
        RankRole = Qt.ItemDataRole.UserRole + 6  # float, as the store gave it
        MoreMatchesRole = Qt.ItemDataRole.UserRole + 7  # int, the chat's other matches
        MoreMatchesTextRole = Qt.ItemDataRole.UserRole + 8  # str, "+3 more matches" or ""

    # The other roles read the _HitRow attribute their names say (SnippetHtmlRole: snippet_html).
    ROLE_VALUES: ClassVar[Mapping[int, RoleValue]] = {
        Qt.ItemDataRole.DisplayRole: "plain",
        Qt.ItemDataRole.ToolTipRole: "title",
        Qt.ItemDataRole.AccessibleTextRole: "spoken",
        Roles.ConversationIdRole: "hit.conversation_id",
        Roles.MessageIdRole: "hit.message_id",
        Roles.RankRole: "hit.rank",
    }

    def set_hits(self, hits: Sequence[SearchHit]) -> None:
        """Replace the results (one ``modelReset``)."""
        rows = []
        authors = {"user": self.tr("You"), "assistant": self.tr("Assistant")}
        for hit in hits:
            # Who wrote the matched message leads its snippet ("You: … match …").
            author = authors.get(hit.role, "")
            snippet = f"{author}: {hit.snippet}" if author else hit.snippet
            plain, ranges = parse_snippet(snippet)
            # The row shows one match; the others of the same chat are counted, not listed.
            more = max(0, hit.matches - 1)
            title = _strip_marks(hit.title)
            count = self.tr("+%n more matches", "", more) if more else ""
            rows.append(
                _HitRow(
                    hit=hit,
                    title=title,
                    plain=plain,
                    match_ranges=ranges,
                    snippet_html=snippet_html(snippet),
                    more_matches=more,
                    more_matches_text=count,
                    # A screen reader hears the whole row (the delegate paints the title and
                    # the count, which the display text alone would leave out).
                    spoken=" · ".join(part for part in (title, plain, count) if part),
                )
            )
        self.reset_rows(rows)

    def clear(self) -> None:
        self.set_hits(())

    def hit(self, row: int) -> SearchHit:
        """The hit shown in ``row``; IndexError outside the list."""
        return self.row_or_raise(row, "search hit").hit

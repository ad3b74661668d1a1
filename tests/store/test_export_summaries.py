"""Running summaries in exports: JSON carries them (and imports them back, refusing one that
names a message the file lacks); the readable formats show the summary after the message it
covers through, on the branch they export."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from desktop.core.conversation import (
    ConversationSummary,
    FinishReason,
    Role,
    RunningSummary,
    StoredMessage,
)
from desktop.store.conversations import ConversationStore
from desktop.store.export import (
    ExportConversation,
    ExportOptions,
    ImportFormatError,
    export_html,
    export_json,
    export_markdown,
    export_text,
    read_import,
    to_imported,
)

T0 = 1714557600.0
OLD = "The user planned a trip."
NEW = "The user plans Kyoto </details><script>x()</script> in May.\n\nBudget: low."
OTHER = "On this branch they chose Osaka."


def conversation() -> ExportConversation:
    """1 → 2 → 3 → 4 on screen; 2 → 5 → 6 is another branch. Summaries through 2 (an older and
    a newer, edited one) and through 5 (the other branch only)."""
    summary = ConversationSummary(
        id=3, title="Trip", title_is_auto=False, created_at=T0, updated_at=T0, current_leaf_id=4
    )
    stop = FinishReason.STOP
    messages = (
        StoredMessage(1, 3, None, Role.USER, "Plan a trip", T0),
        StoredMessage(2, 3, 1, Role.ASSISTANT, "Where to?", T0 + 1, T0 + 2, stop),
        StoredMessage(3, 3, 2, Role.USER, "Kyoto", T0 + 3),
        StoredMessage(4, 3, 3, Role.ASSISTANT, "Kyoto it is.", T0 + 4, T0 + 5, stop),
        StoredMessage(5, 3, 2, Role.USER, "Osaka", T0 + 6),
        StoredMessage(6, 3, 5, Role.ASSISTANT, "Osaka it is.", T0 + 7, T0 + 8, stop),
    )
    summaries = (
        RunningSummary(11, 3, 2, OLD, T0 + 10),
        RunningSummary(12, 3, 2, NEW, T0 + 20, edited_at=T0 + 30),
        RunningSummary(13, 3, 5, OTHER, T0 + 40),
    )
    return ExportConversation(summary, {}, messages, summaries)


def test_json_carries_the_summaries_and_reads_them_back() -> None:
    original = conversation()
    document = json.loads(export_json(original))
    assert [
        (s["through_message_id"], s["content"], s["edited_at"]) for s in document["summaries"]
    ] == [
        (2, OLD, None),
        (2, NEW, T0 + 30),
        (5, OTHER, None),
    ]
    (imported,) = read_import(export_json(original))
    assert imported == to_imported(original)
    assert [(s.through_key, s.content) for s in imported.summaries] == [
        ("2", OLD),
        ("2", NEW),
        ("5", OTHER),
    ]


def test_a_chat_without_summaries_writes_no_summaries_key() -> None:
    plain = ExportConversation(conversation().summary, {}, conversation().messages)
    assert "summaries" not in json.loads(export_json(plain))
    (imported,) = read_import(export_json(plain))
    assert imported.summaries == ()


def test_summaries_survive_store_import_and_export(tmp_path: Path) -> None:
    """File → store → file: each branch gets its own summary back, the edit mark kept."""
    (imported,) = read_import(export_json(conversation()))
    store = ConversationStore.open(tmp_path / "db.sqlite3")
    try:
        conversation_id = store.import_conversation(imported)
        summary, settings, messages = store.export_tree(conversation_id)
        by_content = {m.content: m.id for m in messages}
        on_screen = store.summary_for_leaf(by_content["Kyoto it is."])
        other = store.summary_for_leaf(by_content["Osaka it is."])
        stored = store.summaries(conversation_id)
    finally:
        store.close()
    assert on_screen is not None and on_screen.content == NEW
    assert on_screen.edited_at == T0 + 30
    assert other is not None and other.content == OTHER
    again = to_imported(ExportConversation(summary, settings, tuple(messages), tuple(stored)))
    keys = {m.key: m.content for m in again.messages}
    assert [(keys[s.through_key], s.content, s.edited_at) for s in again.summaries] == [
        ("Where to?", OLD, None),
        ("Where to?", NEW, T0 + 30),
        ("Osaka", OTHER, None),
    ]


def _document_with(summaries: object) -> str:
    document = json.loads(export_json(conversation()))
    document["summaries"] = summaries
    return json.dumps(document)


@pytest.mark.parametrize(
    ("summaries", "message"),
    [
        (
            [{"through_message_id": 99, "content": "x"}],
            "“summaries[0].through_message_id” refers to message 99, which is not in the file.",
        ),
        ([{"through_message_id": 2}], "“summaries[0].content” is missing."),
        ([{"through_message_id": "2", "content": "x"}], "must be a whole number"),
        ("not a list", "“summaries” must be a list."),
        ([{"through_message_id": 2, "content": "x", "edited_at": -1e999}], "JSON does not allow"),
    ],
)
def test_a_broken_summary_refuses_the_file_with_a_sentence(summaries: object, message: str) -> None:
    with pytest.raises(ImportFormatError) as error:
        read_import(_document_with(summaries))
    assert message in str(error.value)


def test_markdown_quotes_the_summary_after_the_message_it_covers() -> None:
    text = export_markdown(conversation())
    after_reply = text.index("Where to?")
    note = text.index("> **Earlier conversation, summarized (edited)**")
    assert after_reply < note < text.index("## You", after_reply)
    assert (
        "> The user plans Kyoto </details><script>x()</script> in May.\n>\n> Budget: low." in text
    )
    assert OLD not in text  # replaced by the newer summary through the same message
    assert OTHER not in text  # the other branch is not exported
    assert OTHER in export_markdown(conversation(), ExportOptions(all_branches=True))


def test_text_export_quotes_the_summary() -> None:
    text = export_text(conversation())
    assert "> Earlier conversation, summarized (edited):\n> The user plans Kyoto" in text
    assert text.index("Where to?") < text.index("> Earlier") < text.index("Kyoto it is.")
    assert OTHER not in text


class _Details(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.summaries: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)
        if tag == "details" and ("class", "summary") in attrs:
            self._depth = 1
            self.summaries.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "details":
            self._depth = 0

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.summaries[-1] += data


def test_html_folds_the_summary_into_details_between_the_messages() -> None:
    page = export_html(conversation(), ExportOptions(all_branches=True))
    parser = _Details()
    parser.feed(page)
    assert "script" not in parser.tags
    assert len(parser.summaries) == 2
    assert parser.summaries[0].startswith("Earlier conversation, summarized (edited)")
    assert NEW.strip() in parser.summaries[0] and OTHER in parser.summaries[1]
    assert page.index("Where to?") < page.index('<details class="summary">') < page.index("Kyoto<")
    assert "details.summary" in page  # its style rides along only when needed
    assert "details.summary" not in export_html(
        ExportConversation(conversation().summary, {}, conversation().messages)
    )

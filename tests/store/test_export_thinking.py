"""A reply's thinking in exports: folded away in HTML, a quote block in Markdown, left out on
request, and always in JSON, which imports it back."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from desktop.core.conversation import ConversationSummary, FinishReason, Role, StoredMessage
from desktop.store.export import (
    ExportConversation,
    ExportFormat,
    ExportOptions,
    ImportFormatError,
    export_all,
    export_conversation,
    export_html,
    export_json,
    export_markdown,
    export_text,
    read_import,
    to_imported,
)

T0 = 1714557600.0
THOUGHT = "The user asks 2+2.\n\nThat is <b>4</b> </details><script>x()</script>"


def conversation(thinking: str = THOUGHT, seconds: float | None = 12.4) -> ExportConversation:
    summary = ConversationSummary(
        id=1, title="Sums", title_is_auto=True, created_at=T0, updated_at=T0, current_leaf_id=2
    )
    messages = (
        StoredMessage(1, 1, None, Role.USER, "2+2?", T0),
        StoredMessage(
            2,
            1,
            1,
            Role.ASSISTANT,
            "It is **4**.",
            T0 + 1,
            T0 + 2,
            FinishReason.STOP,
            thinking=thinking,
            thinking_seconds=seconds,
        ),
    )
    return ExportConversation(summary, {}, messages)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.details_text: list[str] = []
        self._in_details = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)
        if tag == "details":
            self._in_details += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "details":
            self._in_details -= 1

    def handle_data(self, data: str) -> None:
        if self._in_details:
            self.details_text.append(data)


def test_html_folds_the_thinking_away_as_escaped_text() -> None:
    page = export_html(conversation())
    parser = _Collector()
    parser.feed(page)
    assert parser.tags.count("details") == 1
    assert "script" not in parser.tags and "b" not in parser.tags
    text = "".join(parser.details_text)
    assert text.startswith("Thought for 12 s")
    assert "That is <b>4</b> </details><script>x()</script>" in text
    assert page.index("<details") < page.index("It is ")  # above the answer


def test_markdown_quotes_the_thinking_above_the_answer() -> None:
    text = export_markdown(conversation())
    block = "> **Thought for 12 s**\n>\n> The user asks 2+2.\n>\n> That is <b>4</b>"
    assert block in text
    assert text.index(block) < text.index("It is **4**.")


def test_plain_text_quotes_it_too() -> None:
    text = export_text(conversation(seconds=None))
    assert "> Thinking:\n> The user asks 2+2.\n>\n" in text


@pytest.mark.parametrize("fmt", [ExportFormat.MARKDOWN, ExportFormat.HTML, ExportFormat.TEXT])
def test_thinking_can_be_left_out(fmt: ExportFormat, tmp_path: Path) -> None:
    without = ExportOptions(include_thinking=False)
    (written,) = export_all([conversation()], tmp_path, fmt, zip=False, options=without).paths
    for exported in (
        export_conversation(conversation(), fmt, without),
        written.read_text(encoding="utf-8"),
    ):
        assert "user asks" not in exported
        assert "Thought for" not in exported
        assert "It is" in exported


def test_json_keeps_thinking_and_imports_it_back() -> None:
    original = conversation()
    exported = export_conversation(
        original, ExportFormat.JSON, ExportOptions(include_thinking=False)
    )
    reply = json.loads(exported)["messages"][1]
    assert reply["thinking"] == THOUGHT and reply["thinking_seconds"] == 12.4
    (imported,) = read_import(exported.encode())
    assert imported == to_imported(original)
    assert imported.messages[1].thinking == THOUGHT
    assert imported.messages[1].thinking_seconds == 12.4


def test_replies_without_thinking_export_as_before() -> None:
    reply = json.loads(export_json(conversation(thinking="", seconds=None)))["messages"][1]
    assert "thinking" not in reply and "thinking_seconds" not in reply
    assert "<details" not in export_html(conversation(thinking="", seconds=None))


@pytest.mark.parametrize(
    ("value", "problem"),
    [(-1, "negative"), ("soon", "number"), (True, "number")],
)
def test_bad_thinking_seconds_are_refused(value: object, problem: str) -> None:
    document = json.loads(export_json(conversation()))
    document["messages"][1]["thinking_seconds"] = value
    with pytest.raises(ImportFormatError, match=problem):
        read_import(json.dumps(document).encode())


def test_bad_thinking_is_refused() -> None:
    document = json.loads(export_json(conversation()))
    document["messages"][1]["thinking"] = ["not", "text"]
    with pytest.raises(ImportFormatError, match="thinking"):
        read_import(json.dumps(document).encode())


def test_chatgpt_reasoning_becomes_the_replys_thinking() -> None:
    """o-series chats: "thoughts" and "reasoning_recap" nodes sit before the reply they
    belong to; a later reply without its own thoughts gets none."""
    from tests.fixtures.chatgpt_export import chatgpt_message, chatgpt_node, chatgpt_text

    thoughts = {
        "content_type": "thoughts",
        "thoughts": [
            {"summary": "Adding", "content": "2 and 2 make 4."},
            {"summary": "Checking", "content": "Still 4."},
            "not a thought",
        ],
    }
    recap = {"content_type": "reasoning_recap", "content": "Thought for 1m 5s"}
    mapping = {
        "root": chatgpt_node("root", None, ["u1"], None),
        "u1": chatgpt_node(
            "u1", "root", ["t1"], chatgpt_message("u1", "user", chatgpt_text("2+2?"), T0)
        ),
        "t1": chatgpt_node("t1", "u1", ["r1"], chatgpt_message("t1", "assistant", thoughts, T0)),
        "r1": chatgpt_node("r1", "t1", ["a1"], chatgpt_message("r1", "assistant", recap, T0)),
        "a1": chatgpt_node(
            "a1", "r1", ["u2"], chatgpt_message("a1", "assistant", chatgpt_text("4"), T0 + 1)
        ),
        "u2": chatgpt_node(
            "u2", "a1", ["a2"], chatgpt_message("u2", "user", chatgpt_text("Sure?"), T0 + 2)
        ),
        "a2": chatgpt_node(
            "a2", "u2", [], chatgpt_message("a2", "assistant", chatgpt_text("Yes."), T0 + 3)
        ),
    }
    document = [{"title": "Sums", "create_time": T0, "mapping": mapping, "current_node": "a2"}]
    (imported,) = read_import(json.dumps(document).encode())
    replies = [m for m in imported.messages if m.role == Role.ASSISTANT]
    assert [m.content for m in replies] == ["4", "Yes."]
    assert replies[0].thinking == "Adding\n\n2 and 2 make 4.\n\nChecking\n\nStill 4."
    assert replies[0].thinking_seconds == 65.0
    assert (replies[1].thinking, replies[1].thinking_seconds) == ("", None)

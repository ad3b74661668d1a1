"""The walk over the message tree every writer shares: the visible branch, all branches,
deep chains."""

from __future__ import annotations

from desktop.core.conversation import (
    ConversationSummary,
    Role,
    StoredMessage,
)
from desktop.store.export import (
    ExportConversation,
    ExportOptions,
    export_json,
    export_markdown,
    read_import,
    transcript_events,
    transcript_parts,
    visible_path,
)
from tests.store.export_samples import T0, sample_conversation


def test_visible_branch_is_the_path_to_the_current_leaf() -> None:
    conversation = sample_conversation()
    assert [m.id for m in visible_path(conversation)] == [1, 2, 3, 5]
    text = export_markdown(conversation)
    assert "返回问候" in text and "OK: `greet`" not in text and "def f(): pass" not in text


def test_all_branches_marks_every_alternative() -> None:
    events = transcript_events(sample_conversation(), all_branches=True)
    starts = [(e.path, e.index, e.count, e.current) for e in events if e.kind == "branch_start"]
    assert starts == [
        ("1", 1, 2, True),
        ("1.1", 1, 2, False),
        ("1.2", 2, 2, True),
        ("2", 2, 2, False),
    ]
    messages = [e.message.id for e in events if e.message is not None]
    assert sorted(messages) == [1, 2, 3, 4, 5, 6, 7]
    assert sum(e.kind == "branch_end" for e in events) == len(starts)


def test_deep_chain_does_not_recurse() -> None:
    messages = tuple(
        StoredMessage(i, 1, i - 1 if i > 1 else None, Role.USER, f"m{i}", T0 + i)
        for i in range(1, 5001)
    )
    summary = ConversationSummary(1, "long", True, T0, T0, current_leaf_id=5000)
    conversation = ExportConversation(summary, {}, messages)
    assert len(transcript_events(conversation, all_branches=True)) == 5000
    assert len(read_import(export_json(conversation))[0].messages) == 5000


def test_parts_carry_the_words_every_writer_shows() -> None:
    conversation = sample_conversation()
    parts = transcript_parts(conversation, ExportOptions(all_branches=True))
    assert [p.event for p in parts] == transcript_events(conversation, all_branches=True)
    first_branch = next(p for p in parts if p.event.kind == "branch_start")
    assert first_branch.heading == "Branch 1 (1 of 2)" and first_branch.role == ""
    messages = [p for p in parts if p.event.kind == "message"]
    assert all(p.role and p.meta for p in messages)
    assert {p.role for p in messages} >= {"You", "Assistant"}
    without = transcript_parts(conversation, ExportOptions(include_thinking=False))
    assert all(p.thinking == "" == p.thinking_title for p in without)


def test_every_finish_reason_has_words() -> None:
    """Issue 17: a reply that filled the context window says so in exports too."""
    from desktop.core.conversation import FinishReason
    from desktop.store.export_common import DEFAULT_LABELS

    words = {DEFAULT_LABELS.finish_reason(reason) for reason in FinishReason}
    assert len(words) == len(FinishReason)
    assert DEFAULT_LABELS.finish_reason(FinishReason.CONTEXT) == "context window full"

"""local_plan's pure helper (reply_reserve is context_plan's, summarizes_first the protocol's,
tested beside them); plan_reply and open_next_turn run through LocalEngine's tests
(tests/chat/test_local_engine.py, tests/integration/test_long_conversations.py and others)."""

from __future__ import annotations

from desktop.chat.local_plan import last_text
from desktop.core.conversation import PromptSegment


def test_last_text_is_the_newest_message_text() -> None:
    segments = (
        PromptSegment("<user>", True),
        PromptSegment("hi", False),
        PromptSegment("<assistant>", True),
    )
    assert last_text(segments) == 1
    assert last_text(segments[:1]) is None

"""What the conversation store tests share: a clock, raw access to the file, a chat."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hypothesis import HealthCheck, settings

from desktop.core.conversation import (
    FinishReason,
    Role,
)
from desktop.store.conversations import (
    ConversationStore,
)

START = 1_800_000_000.0


class Clock:
    """Advances one second per reading, so every write has its own time."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def schema(path: Path) -> list[tuple[str, str, str | None]]:
    conn = raw(path)
    try:
        return sorted(
            conn.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
            ).fetchall()
        )
    finally:
        conn.close()


def chat(store: ConversationStore, turns: int, title: str = "") -> tuple[int, list[int]]:
    """A conversation of alternating user/assistant turns; returns its id and message ids."""
    conversation = store.create_conversation(title)
    ids: list[int] = []
    parent = None
    for i in range(turns):
        role = Role.USER if i % 2 == 0 else Role.ASSISTANT
        reason = FinishReason.STOP if role is Role.ASSISTANT else None
        message = store.add_message(
            conversation.id, parent, role, f"message {i}", finish_reason=reason
        )
        ids.append(message.id)
        parent = message.id
    return conversation.id, ids


HYPOTHESIS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

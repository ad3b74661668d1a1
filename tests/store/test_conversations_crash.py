"""kill -9 while a reply streams into the store: the file stays sound, every commit the child
reported is there, and the cut-off reply is marked interrupted with its last saved text.

SIGKILL ends the process but not the operating system, so this tests SQLite's transactions
and our reopen path, not power loss (that is what store.durability's background sync is for:
the commits are only written, not synced, when they return; the ``unsynced`` runs kill a child
whose background sync never ends, so none of its commits was ever fsynced).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.core.conversation import FinishReason, Role
from desktop.store.conversations import ConversationStore
from tests.fixtures.storage_crash_child import USER_TEXT, reply_text

REPO = Path(__file__).resolve().parents[2]
RUNS = 20
UNSYNCED_RUNS = 6

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")


def _run_and_kill(db_path: Path, seed: int, delay: float, *extra: str) -> tuple[list[str], int]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    module = "tests.fixtures.storage_crash_child"
    child = subprocess.Popen(
        [sys.executable, "-m", module, str(db_path), str(seed), *extra],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert child.stdout is not None
        first = child.stdout.readline()
        assert first == b"ready\n", first + child.communicate(timeout=10)[1]
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL, err.decode(errors="replace")
    # A line cut short by the kill (no newline) was never reported as committed.
    lines = out.decode().split("\n")[:-1]
    return lines, len(out)


def _check_reopened(db_path: Path, seed: int, lines: list[str]) -> int | None:
    """Every commit the child reported is in the reopened file, the cut-off reply marked
    interrupted; the number of reply updates it reported (None if it got no reply)."""
    reported = dict(line.split(" ", 1) for line in lines if " " in line)
    with ConversationStore.open(db_path) as store:
        assert store.problem is None
        assert store.connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        conversations = store.list_conversations()
        if "conversation" in reported:
            assert [c.id for c in conversations] == [int(reported["conversation"])]
        if not conversations:
            return None
        messages = store.export_tree(conversations[0].id)[2]
        if "user" in reported:
            assert messages[0].id == int(reported["user"])
            assert (messages[0].role, messages[0].content) == (Role.USER, USER_TEXT)
        replies = [m for m in messages if m.role is Role.ASSISTANT]
        if "reply" in reported:
            assert [m.id for m in replies] == [int(reported["reply"])]
        if not replies:
            return None
        [reply] = replies
        step = int(reported.get("update", "0"))
        # The child may have committed one more update than it lived to report.
        assert reply.content in (reply_text(seed, step), reply_text(seed, step + 1))
        assert reply.finish_reason is FinishReason.INTERRUPTED
        assert store.interrupted_ids == (reply.id,)
        assert reply.finished_at is not None
        return step


def test_kill_during_a_streaming_reply_loses_nothing_committed(tmp_path: Path) -> None:
    rng = random.Random(20261129)
    started = time.monotonic()
    steps_seen = []
    for run in range(RUNS):
        db_path = tmp_path / f"run{run}" / "hearthside.db"
        seed = rng.randrange(1_000_000)
        lines, _ = _run_and_kill(db_path, seed, rng.uniform(0.0, 0.3))
        step = _check_reopened(db_path, seed, lines)
        if step is not None:
            steps_seen.append(step)
    elapsed = time.monotonic() - started
    print(f"\n{RUNS} kills in {elapsed:.1f} s; reply updates committed before each: {steps_seen}")
    assert sum(1 for s in steps_seen if s > 0) >= RUNS // 2, "the kills missed the streaming"


def test_kill_right_after_commits_never_synced_loses_nothing(tmp_path: Path) -> None:
    """The commits return before any fsync: a killed process loses none of them (the data is
    in the operating system's cache), whether or not the background sync ever ran."""
    rng = random.Random(20261207)
    steps_seen = []
    for run in range(UNSYNCED_RUNS):
        db_path = tmp_path / f"run{run}" / "hearthside.db"
        seed = rng.randrange(1_000_000)
        lines, _ = _run_and_kill(db_path, seed, rng.uniform(0.05, 0.3), "unsynced")
        step = _check_reopened(db_path, seed, lines)
        if step is not None:
            steps_seen.append(step)
    print(f"\nunsynced: reply updates committed before each kill: {steps_seen}")
    assert sum(1 for s in steps_seen if s > 0) >= UNSYNCED_RUNS // 2, "the kills missed them"

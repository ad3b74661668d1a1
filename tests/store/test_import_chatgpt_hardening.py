"""A ChatGPT import is linear in its size, all or nothing, and refuses a damaged tree
(issue 16 item 7)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from desktop.core.conversation import Role
from desktop.history.qt.export_dialog import import_file
from desktop.store.conversation_import import ImportedConversation, ImportedMessage
from desktop.store.conversations import ConversationStore
from desktop.store.export import read_import
from desktop.store.import_checks import ImportFormatError
from tests.fixtures.chatgpt_export import chatgpt_message, chatgpt_node, chatgpt_text
from tests.store.test_export_thinking import T0


def _chat(prefix: str, extra: dict | None = None) -> dict:
    mapping = {
        f"{prefix}root": chatgpt_node(f"{prefix}root", None, [f"{prefix}u"], None),
        f"{prefix}u": chatgpt_node(
            f"{prefix}u", f"{prefix}root", [f"{prefix}a"],
            chatgpt_message(f"{prefix}u", "user", chatgpt_text("Hi"), T0),
        ),
        f"{prefix}a": chatgpt_node(
            f"{prefix}a", f"{prefix}u", [],
            chatgpt_message(f"{prefix}a", "assistant", chatgpt_text("Hello"), T0 + 1),
        ),
    }  # fmt: skip
    mapping.update(extra or {})
    return {"title": prefix, "create_time": T0, "mapping": mapping, "current_node": f"{prefix}a"}


def test_a_long_chain_of_thoughts_is_read_in_linear_time() -> None:
    """Thousands of "thoughts" nodes before one reply (the audit's 51 MB file took 19 s)."""
    count, chunk = 8000, "x" * 2000
    mapping = {"root": chatgpt_node("root", None, ["u"], None)}
    mapping["u"] = chatgpt_node(
        "u", "root", ["t0"], chatgpt_message("u", "user", chatgpt_text("?"), T0)
    )
    for i in range(count):
        thoughts = {"content_type": "thoughts", "thoughts": [{"content": f"{i} {chunk}"}]}
        kid = f"t{i + 1}" if i + 1 < count else "a"
        parent = f"t{i - 1}" if i else "u"
        message = chatgpt_message(f"t{i}", "assistant", thoughts, T0)
        mapping[f"t{i}"] = chatgpt_node(f"t{i}", parent, [kid], message)
    reply = chatgpt_message("a", "assistant", chatgpt_text("Done."), T0 + 1)
    mapping["a"] = chatgpt_node("a", f"t{count - 1}", [], reply)
    data = json.dumps([{"title": "Long", "create_time": T0, "mapping": mapping}]).encode()
    started = time.perf_counter()
    (imported,) = read_import(data)
    assert time.perf_counter() - started < 6  # 1 s; the quadratic joins took 17 s here
    [answer] = [m for m in imported.messages if m.role == Role.ASSISTANT]
    assert answer.thinking.startswith("0 x") and answer.thinking.count("\n\n") == count - 1
    assert answer.thinking.endswith(f"{count - 1} {chunk}")


def test_a_node_whose_parent_is_missing_is_refused_with_the_file() -> None:
    broken = _chat("b")
    broken["mapping"]["bu"]["parent"] = "gone"
    del broken["current_node"]
    with pytest.raises(ImportFormatError, match=r"“gone”.*does not have"):
        read_import(json.dumps([_chat("a"), broken]).encode())


def test_a_current_node_that_is_not_there_is_refused() -> None:
    broken = _chat("b")
    broken["current_node"] = "nowhere"
    with pytest.raises(ImportFormatError, match="current_node"):
        read_import(json.dumps([broken]).encode())


def test_an_import_is_all_or_nothing_across_conversations(tmp_path: Path) -> None:
    good = ImportedConversation(
        "good", T0, T0, False, "", "", {},
        (ImportedMessage("k1", None, Role.USER, "Hi", T0),), 0,
    )  # fmt: skip
    bad = ImportedConversation(
        "bad", T0, T0, False, "", "", {},
        (ImportedMessage("k1", None, Role.USER, "Hi", T0),
         ImportedMessage("k1", None, Role.USER, "again", T0)), None,
    )  # fmt: skip
    with ConversationStore.open(tmp_path / "h.db") as store:
        with pytest.raises(Exception, match="duplicate"):
            store.import_conversations([good, good, bad])
        assert store.list_conversations() == []
        path = tmp_path / "conversations.json"
        path.write_text(json.dumps([_chat("a"), _chat("b")]), encoding="utf-8")
        assert len(import_file(store, path).conversation_ids) == 2

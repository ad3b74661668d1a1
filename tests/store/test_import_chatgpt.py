"""ChatGPT's export imports with its tree shape."""

from __future__ import annotations

import json

from desktop.core.conversation import (
    FinishReason,
    Role,
)
from desktop.store.export import (
    ImportedConversation,
    read_import,
)
from tests.store.export_samples import GOLDEN


def test_chatgpt_export_imports_with_tree_shape() -> None:
    data = (GOLDEN / "chatgpt_conversations.json").read_bytes()
    trip, empty = read_import(data)
    assert isinstance(trip, ImportedConversation)
    assert trip.title == "Trip to 京都 ✈️"
    assert trip.created_at == 1714557600.123 and trip.updated_at == 1714558000.5
    by_key = {m.key: m for m in trip.messages}
    # system, hidden context, the tool call and the tool output are gone ...
    assert list(by_key) == ["user-0003", "asst-0004", "user-0006", "asst-0009", "asst-0005"]
    # ... and what they connected is re-parented to the nearest kept ancestor.
    assert by_key["user-0003"].parent_key is None
    assert by_key["asst-0004"].parent_key == "user-0003"
    assert by_key["asst-0005"].parent_key == "user-0003"  # the regenerated sibling
    assert by_key["asst-0009"].parent_key == "user-0006"
    assert by_key["user-0003"].content == "[image]\n\nWhere is this photo taken? 这是哪里？"
    assert by_key["user-0003"].role is Role.USER
    assert by_key["asst-0005"].finish_reason is FinishReason.LENGTH
    assert by_key["asst-0004"].finish_reason is FinishReason.STOP
    assert by_key["asst-0005"].finished_at == 1714557705.0
    assert trip.current_leaf_index is not None
    assert trip.messages[trip.current_leaf_index].key == "asst-0009"
    assert trip.system_prompt == ""
    assert empty.messages == () and empty.current_leaf_index is None


def test_chatgpt_current_node_on_a_skipped_node_maps_to_its_kept_ancestor() -> None:
    document = json.loads((GOLDEN / "chatgpt_conversations.json").read_text(encoding="utf-8"))
    document[0]["current_node"] = "tool-0008"
    (trip, _) = read_import(json.dumps(document))
    assert trip.current_leaf_index is not None
    assert trip.messages[trip.current_leaf_index].key == "user-0006"

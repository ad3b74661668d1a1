"""resources/starter_models.json: the curated list the browser shows with an empty search box."""

from __future__ import annotations

import json
import re
from pathlib import Path

from desktop.models.hub import parse_quant

STARTER = Path(__file__).resolve().parents[2] / "resources" / "starter_models.json"
REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


def test_starter_list_shape() -> None:
    data = json.loads(STARTER.read_text("utf-8"))
    assert data["version"] == 1
    models = data["models"]
    assert len(models) >= 8
    ids = [m["repo_id"] for m in models]
    assert len(set(ids)) == len(ids), "duplicates"
    for m in models:
        assert set(m) == {"repo_id", "file_hint", "size_class", "kind", "why"}, m
        assert REPO_ID.match(m["repo_id"]), m["repo_id"]
        assert parse_quant(f"x-{m['file_hint']}.gguf") == m["file_hint"], m
        assert m["size_class"] in {"tiny", "small", "medium", "large"}
        assert m["kind"] in {"chat", "reasoning", "code"}
        assert 20 <= len(m["why"]) <= 120 and m["why"].endswith(".")
    kinds = {m["kind"] for m in models}
    assert {"chat", "reasoning"} <= kinds
    assert any(m["size_class"] == "tiny" for m in models)  # something for every machine

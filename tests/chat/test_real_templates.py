"""Real chat templates render here exactly as transformers renders them.

The templates are in tests/fixtures/templates/ (see its README for their sources and licences).
The expected renders in goldens.json were produced by transformers' own chat-template code
(``render_jinja_template``, transformers 5.25.0, by tests/fixtures/templates/render_goldens.py):
transformers is not a dependency of the app or (yet) of its tests, so the comparison is with
those stored strings; when transformers is installed, the same cases are also compared live.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from desktop.chat.prompt import choose_template
from desktop.chat.template_sandbox import render_text
from desktop.core.conversation import ChatMessage, Role
from tests.fixtures.templates.cases import CASES, GOLDENS, HERE, TEMPLATES, keys, variables

GOLDEN: dict[str, str] = json.loads(GOLDENS.read_text(encoding="utf-8"))
IDS = [f"{t}/{c}" for t, c in keys()]


@pytest.mark.parametrize(("template", "case"), keys(), ids=IDS)
def test_sandbox_renders_like_transformers(template: str, case: str) -> None:
    source = (HERE / template).read_text(encoding="utf-8")
    assert render_text(source, variables(template, case), 2.0) == GOLDEN[f"{template}/{case}"]


@pytest.mark.parametrize(("template", "case"), keys(), ids=IDS)
def test_goldens_are_what_transformers_renders_now(template: str, case: str) -> None:
    pytest.importorskip("transformers")
    from tests.fixtures.templates.render_goldens import render_with_transformers

    assert render_with_transformers(template, case) == GOLDEN[f"{template}/{case}"]


ARCHITECTURES = {
    "qwen2_5.jinja": "qwen2",
    "qwen3.jinja": "qwen3",
    "llama3_1.jinja": "llama",
    "gemma3.jinja": "gemma3",
    "mistral.jinja": "llama",
    "gpt_oss.jinja": "gpt-oss",
    "chatml_generation.jinja": "qwen2",
}


def as_chat_messages(messages: list[dict[str, Any]]) -> list[ChatMessage]:
    return [
        ChatMessage(Role(m["role"]), m["content"], thinking=m.get("reasoning_content", ""))
        for m in messages
    ]


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("case", ["chat", "no_system", "thinking"])
def test_the_app_keeps_real_templates_and_renders_them_like_transformers(
    template: str, case: str
) -> None:
    """Through the placeholders, the model's own template gives the same text (the built-in
    fallback would not: it has no default system prompt, tools or channels)."""
    if (template, case) == ("mistral.jinja", "thinking"):
        pytest.skip("this template drops the system prompt unless a user message is last")
    bos, eos, extra = TEMPLATES[template]
    chosen = choose_template(
        (HERE / template).read_text("utf-8"), ARCHITECTURES[template], bos, eos
    )
    assert chosen.origin == "gguf"
    assert not chosen.note
    chosen = dataclasses.replace(chosen, variables=tuple(extra.items()))
    messages, add_generation_prompt, _ = CASES[case]
    segments = chosen.render_segments(as_chat_messages(messages), add_generation_prompt)
    assert "".join(s.text for s in segments) == GOLDEN[f"{template}/{case}"]

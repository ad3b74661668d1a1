"""The conversation the export tests write (and the golden files hold): branches, every
kind of metadata, and text that must stay inert in HTML."""

from __future__ import annotations

from pathlib import Path

from desktop.core.conversation import (
    ConversationSummary,
    FinishReason,
    GenerationInfo,
    Role,
    StoredMessage,
)
from desktop.store.export import (
    ExportConversation,
)

GOLDEN = Path(__file__).parent / "golden"


T0 = 1714557600.0  # 2024-05-01T10:00:00Z


PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "</title><script>alert(2)</script>",
)


def sample_generation(**changes: object) -> GenerationInfo:
    values: dict[str, object] = {
        "model_file": "qwen2.5-0.5b-instruct-q4_k_m.gguf",
        "model_sha256": "7f3c" * 16,
        "quantization": "Q4_K_M",
        "template_origin": "gguf",
        "temperature": 0.7,
        "top_p": 0.9,
        "top_k": 40,
        "min_p": 0.05,
        "repeat_penalty": 1.1,
        "max_tokens": 512,
        "seed": 42,
        "prompt_tokens": 31,
        "generated_tokens": 57,
        "tokens_per_second": 23.456,
    }
    values.update(changes)
    return GenerationInfo(**values)  # type: ignore[arg-type]


def sample_conversation() -> ExportConversation:
    """Branches at the top (an edited first message) and in the middle (a regeneration)."""
    reply = (
        "当然可以！Here is Python 🐍:\n\n"
        '```python\ndef greet(name: str) -> str:\n    return f"你好, {name} 👋"\n```\n\n'
        "Raw HTML stays text: <img src=x onerror=alert(1)> and <script>alert(1)</script>.\n"
        "A [bad link](javascript:alert(1)) and a good one: [docs](https://example.com/docs)."
    )
    messages = (
        StoredMessage(1, 7, None, Role.USER, "写一个函数 </title><script>alert(2)</script>", T0),
        StoredMessage(
            2, 7, 1, Role.ASSISTANT, reply, T0 + 1, T0 + 4, FinishReason.STOP, sample_generation()
        ),
        StoredMessage(3, 7, 2, Role.USER, "Shorter, please. 🙏\n<b>thanks</b>", T0 + 60),
        StoredMessage(
            4,
            7,
            3,
            Role.ASSISTANT,
            "OK: `greet`",
            T0 + 61,
            T0 + 62,
            FinishReason.CANCELLED,
            sample_generation(generated_tokens=3, tokens_per_second=20.0),
        ),
        StoredMessage(
            5,
            7,
            3,
            Role.ASSISTANT,
            "`greet(name)` 返回问候。",
            T0 + 90,
            T0 + 91,
            FinishReason.STOP,
            sample_generation(seed=7, temperature=0.2, generated_tokens=9),
        ),
        StoredMessage(6, 7, None, Role.USER, "Write a function", T0 + 120),
        StoredMessage(
            7,
            7,
            6,
            Role.ASSISTANT,
            "def f(): pass",
            T0 + 121,
            T0 + 130,
            FinishReason.LENGTH,
            sample_generation(model_file="other.gguf", quantization="Q8_0", model_sha256=None),
        ),
    )
    summary = ConversationSummary(
        id=7,
        title="函数 🐍 </title><script>alert(2)</script>",
        title_is_auto=False,
        created_at=T0,
        updated_at=T0 + 130,
        pinned=True,
        model_file="qwen2.5-0.5b-instruct-q4_k_m.gguf",
        system_prompt="You are concise. 请简洁。 <script>alert(3)</script>",
        current_leaf_id=5,
        message_count=len(messages),
    )
    return ExportConversation(summary, {"context_length": 4096, "temperature": 0.7}, messages)

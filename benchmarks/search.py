"""Chat history search over 10,000 conversations."""

from __future__ import annotations

import os
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


from benchmarks.driver import Results
from desktop.core.conversation import FinishReason, Role


def measure_search(res: Results, work: Path) -> None:
    from desktop.store.conversations import ConversationStore, ImportedConversation, ImportedMessage

    store = ConversationStore.open(work / "search.db")
    words = [
        "river",
        "mountain",
        "lamp",
        "garden",
        "engine",
        "window",
        "copper",
        "velvet",
        "harbor",
        "lantern",
    ]
    for c in range(100):
        messages = []
        for m in range(100):
            text = " ".join(words[(c * 7 + m * 3 + k) % len(words)] for k in range(12))
            messages.append(
                ImportedMessage(
                    str(m),
                    str(m - 1) if m else None,
                    Role.USER if m % 2 == 0 else Role.ASSISTANT,
                    f"{text} number{c}x{m}",
                    1.0 + m,
                    finished_at=1.0 + m,
                    finish_reason=FinishReason.STOP if m % 2 else None,
                )
            )
        store.import_conversation(
            ImportedConversation(f"Chat {c}", 1.0, 2.0, False, "", "", {}, tuple(messages), 99)
        )
    samples = []
    for query in ("copper lantern", "harbor", "number42x", "velvet engine garden", "rive"):
        started = time.perf_counter()
        store.search(query)
        samples.append(time.perf_counter() - started)
    store.close()
    res.figures["search_ms_10k"] = max(samples) * 1000
    res.absolute["search_ms"] = ", ".join(f"{s * 1000:.1f}" for s in samples)

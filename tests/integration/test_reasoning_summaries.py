"""A reasoning model summarizing turns that overflow: its summary is an answer, never its
thinking (the template's switch turns thinking off for it, and any thinking is split off)."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.context_plan import OverflowStrategy
from desktop.engine.llama import LoadOptions
from desktop.workers.inference import InferenceWorker

from .test_long_conversations import Chat, _question


@pytest.fixture
def worker(qtbot, thinking_tiny_gguf: Path, private_data_dir: Path) -> InferenceWorker:
    """The worker without a thread: its slots run right here and its signals are direct."""
    worker = InferenceWorker(private_data_dir / "models", private_data_dir / "probed.json")
    loaded = []
    worker.load_finished.connect(lambda _rid, info: loaded.append(info))
    worker.on_load_requested(1, str(thinking_tiny_gguf), LoadOptions(n_ctx=512, n_threads=1))
    assert loaded and loaded[0].reasoning == "tags"
    yield worker
    worker.on_unload_requested()


def test_summaries_of_a_thinking_model_hold_no_thinking(worker: InferenceWorker) -> None:
    thoughts: list[str] = []
    worker.reply_thinking_delta.connect(lambda _rid, text: thoughts.append(text))
    chat = Chat(worker, OverflowStrategy.SUMMARIZE)
    turns = [chat.turn(_question(i)) for i in range(20)]
    assert thoughts  # the replies themselves did think
    made = [turn.made for turn in turns if turn.made is not None]
    # The tiny model never closes a thinking by itself: had the summary been asked with
    # thinking on, all of it would be thinking and no summary would be made at all.
    assert made, "the window should overflow in 20 turns"
    for summary in made:
        assert summary.text.strip()
        assert "<think>" not in summary.text and "</think>" not in summary.text

"""A reasoning model and long conversations: its summaries are answers, never its thinking (the
template's switch turns thinking off for them, and any thinking is split off), and the meter
counts the prompt with the thinking switch as the reply will have it."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.chat.context_plan import OverflowStrategy
from desktop.chat.protocol import ContextCount, CountRequest, GenerationRequest, PromptInfo
from desktop.chat.qt.inference_worker import InferenceWorker
from desktop.core.conversation import ChatMessage, Role
from desktop.engine.llama import LoadOptions

from .test_long_conversations import GREEDY, Chat, question


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
    worker.close()


def test_summaries_of_a_thinking_model_hold_no_thinking(worker: InferenceWorker) -> None:
    thoughts: list[str] = []
    worker.reply_thinking_delta.connect(lambda _rid, text: thoughts.append(text))
    chat = Chat(worker, OverflowStrategy.SUMMARIZE)
    turns = [chat.turn(question(i)) for i in range(20)]
    assert thoughts  # the replies themselves did think
    made = [turn.made for turn in turns if turn.made is not None]
    # The tiny model never closes a thinking by itself: had the summary been asked with
    # thinking on, all of it would be thinking and no summary would be made at all.
    assert made, "the window should overflow in 20 turns"
    for summary in made:
        assert summary.text.strip()
        assert "<think>" not in summary.text and "</think>" not in summary.text


@pytest.mark.parametrize("thinking", [True, False])
def test_meter_counts_the_prompt_as_sent_with_thinking_on_or_off(
    worker: InferenceWorker, thinking: bool
) -> None:
    """Qwen3-style templates add an empty <think></think> when thinking is off; the count must
    see the same prompt the reply gets (BOS and the rendered switch included)."""
    counts: list[ContextCount] = []
    started: list[PromptInfo] = []
    worker.context_counted.connect(lambda _rid, count: counts.append(count))
    worker.reply_started.connect(lambda _rid, info: started.append(info))
    messages = (ChatMessage(Role.USER, "How far is the mill from the bridge?"),)
    worker.on_count_requested(CountRequest(1, messages, GREEDY.max_tokens, thinking=thinking))
    worker.on_generate_requested(GenerationRequest(2, messages, GREEDY, thinking=thinking))
    (count,), (info,) = counts, started
    assert count.forecast.prompt_tokens == info.prompt_tokens

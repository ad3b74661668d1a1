"""Long conversations on the real llama.cpp and the tiny model: both overflow strategies keep
the KV prefix stable (one re-evaluation per overflow, counted in evaluated tokens, never timed),
the running summary is generated, passed on and reaches the prompt, and the meter's counts
agree with what sending does."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from desktop.chat.context_plan import SUMMARY_HEADER, OverflowStrategy
from desktop.chat.protocol import (
    ContextCount,
    CountRequest,
    GenerationRequest,
    PromptInfo,
    ReplyStats,
    SummaryMade,
)
from desktop.chat.qt.inference_worker import InferenceWorker
from desktop.core.conversation import ChatMessage, FinishReason, Role
from desktop.engine.llama import LoadOptions, SamplingOptions

GREEDY = SamplingOptions(temperature=0.0, max_tokens=16, repeat_penalty=1.0, seed=1)
N_CTX = 512
TURNS = 20


@dataclass
class Turn:
    stats: ReplyStats
    info: PromptInfo
    made: SummaryMade | None
    prompt_text: str


@dataclass
class Chat:
    """Plays the session's part: carries the dropped count and the summary from turn to turn."""

    worker: InferenceWorker
    strategy: OverflowStrategy
    history: list[ChatMessage] = field(
        default_factory=lambda: [ChatMessage(Role.SYSTEM, "You are a patient assistant.")]
    )
    dropped: int = 0
    summary: str = ""
    covers: int = 0
    next_id: int = 1

    def turn(self, text: str) -> Turn:
        self.history.append(ChatMessage(Role.USER, text))
        deltas: list[str] = []
        got: dict[str, object] = {}
        worker = self.worker
        connections = [
            (worker.reply_delta, lambda _rid, delta: deltas.append(delta)),
            (worker.reply_started, lambda _rid, info: got.__setitem__("info", info)),
            (worker.reply_finished, lambda _rid, stats: got.__setitem__("stats", stats)),
            (worker.summary_made, lambda _rid, made: got.__setitem__("made", made)),
            (worker.reply_failed, lambda _rid, failure: got.__setitem__("failed", failure)),
        ]
        for signal, slot in connections:
            signal.connect(slot)
        try:
            worker.on_generate_requested(
                GenerationRequest(
                    self.next_id,
                    tuple(self.history),
                    GREEDY,
                    max(self.dropped, self.covers),
                    conversation_key="long",
                    overflow=self.strategy,
                    summary=self.summary if self.covers else "",
                    summary_covers=self.covers,
                )
            )
        finally:
            for signal, slot in connections:
                signal.disconnect(slot)
        self.next_id += 1
        assert "failed" not in got, got.get("failed")
        made = got.get("made")
        if isinstance(made, SummaryMade):
            self.summary, self.covers = made.text, made.covers
        info = got["info"]
        assert isinstance(info, PromptInfo)
        self.dropped = info.dropped_messages
        self.history.append(ChatMessage(Role.ASSISTANT, "".join(deltas)))
        plan = worker.last_plan
        assert plan is not None
        stats = got["stats"]
        assert isinstance(stats, ReplyStats)
        return Turn(
            stats,
            info,
            made if isinstance(made, SummaryMade) else None,
            "".join(s.text for s in plan.segments),
        )


@pytest.fixture
def worker(qtbot, tiny_gguf: Path, private_data_dir: Path) -> InferenceWorker:
    """The worker without a thread: its slots run right here and its signals are direct."""
    worker = InferenceWorker(private_data_dir / "models", private_data_dir / "probed.json")
    loaded = []
    worker.load_finished.connect(lambda _rid, info: loaded.append(info))
    worker.on_load_requested(1, str(tiny_gguf), LoadOptions(n_ctx=N_CTX, n_threads=1))
    assert loaded
    yield worker
    worker.on_unload_requested()
    worker.close()


def question(i: int) -> str:
    return f"Question {i}: tell me about the river, the bridge and the mill, part {i}."


def _play(worker: InferenceWorker, strategy: OverflowStrategy) -> tuple[Chat, list[Turn]]:
    chat = Chat(worker, strategy)
    turns = [chat.turn(question(i)) for i in range(TURNS)]
    return chat, turns


def _assert_one_reevaluation_per_overflow(turns: list[Turn]) -> int:
    overflows = 0
    for before, turn in itertools.pairwise(turns):
        overflowed = turn.info.dropped_messages > before.info.dropped_messages
        full = turn.stats.evaluated_prompt_tokens > turn.stats.prompt_tokens // 2
        assert full == overflowed, (before.info, turn.info, turn.stats)
        if not overflowed:
            # Only the new question and the last reply are evaluated, never the history.
            assert turn.info.reused_tokens >= before.stats.prompt_tokens - 1
            assert turn.stats.evaluated_prompt_tokens < 80
        overflows += overflowed
    print(f"{overflows} overflows in {len(turns)} turns")
    assert overflows >= 2, "the window should overflow more than once in 20 turns"
    assert overflows <= len(turns) // 3, "overflowing on most turns means the prefix moves"
    return overflows


def test_dropping_oldest_turns_reevaluates_once_per_overflow(worker: InferenceWorker) -> None:
    _, turns = _play(worker, OverflowStrategy.DROP)
    _assert_one_reevaluation_per_overflow(turns)
    assert all(turn.made is None for turn in turns)
    last = turns[-1]
    assert "Question 0:" not in last.prompt_text  # the oldest turn is gone
    assert question(TURNS - 1) in last.prompt_text
    assert last.prompt_text.startswith("<|im_start|>system\nYou are a patient assistant.")


def test_summarizing_keeps_a_running_summary_in_the_prompt(worker: InferenceWorker) -> None:
    chat, turns = _play(worker, OverflowStrategy.SUMMARIZE)
    overflows = _assert_one_reevaluation_per_overflow(turns)
    made = [turn.made for turn in turns if turn.made is not None]
    assert len(made) == overflows  # one summary per overflow, none in between
    assert all(summary.text for summary in made)
    assert [m.covers for m in made] == sorted({m.covers for m in made})  # it only grows
    for turn in turns:
        if turn.made is not None:  # from the turn it is made, it stands in for the old turns
            assert f"{SUMMARY_HEADER}\n{turn.made.text}" in turn.prompt_text
            assert turn.info.dropped_messages >= turn.made.covers
    last = turns[-1]
    assert f"You are a patient assistant.\n\n{SUMMARY_HEADER}\n{chat.summary}" in last.prompt_text
    assert "Question 0:" not in last.prompt_text


def test_count_agrees_with_what_sending_does(worker: InferenceWorker) -> None:
    chat, _ = _play(worker, OverflowStrategy.DROP)
    counts: list[ContextCount] = []
    worker.context_counted.connect(lambda _rid, count: counts.append(count))
    draft = "And one more question about the mill. " * 12
    messages = (*chat.history, ChatMessage(Role.USER, draft))
    worker.on_count_requested(CountRequest(100, messages, GREEDY.max_tokens, chat.dropped))
    (count,) = counts
    dropped_before = chat.dropped
    sent = chat.turn(draft)
    forecast = count.forecast
    assert forecast.n_ctx == N_CTX
    assert forecast.prompt_tokens > forecast.limit  # the long draft overflows the window
    assert forecast.newly_dropped_turns > 0
    left_out = chat.history[1 + dropped_before : 1 + sent.info.dropped_messages]
    assert sum(m.role == Role.USER for m in left_out) == forecast.newly_dropped_turns
    # A count overtaken by a newer one is skipped.
    worker.drop_counts_before(200)
    worker.on_count_requested(CountRequest(150, messages, GREEDY.max_tokens, chat.dropped))
    assert len(counts) == 1


def test_count_measures_a_long_paste_and_what_of_it_fits(worker: InferenceWorker) -> None:
    counts: list[ContextCount] = []
    worker.context_counted.connect(lambda _rid, count: counts.append(count))
    paste = "the river runs under the old bridge by the mill " * 80
    draft = f"Please summarize:\n{paste}"
    messages = (ChatMessage(Role.SYSTEM, "Be brief."), ChatMessage(Role.USER, draft))
    worker.on_count_requested(CountRequest(1, messages, GREEDY.max_tokens, 0, focus_text=paste))
    (count,) = counts
    assert count.forecast.too_long_by > 0
    assert count.focus_tokens > count.forecast.limit
    assert 0 < count.focus_fit_chars < len(paste)
    # Trimming the paste to what the count says fits makes the message sendable.
    trimmed = draft.replace(paste, paste[: count.focus_fit_chars])
    messages = (messages[0], ChatMessage(Role.USER, trimmed))
    worker.on_count_requested(CountRequest(2, messages, GREEDY.max_tokens, 0))
    assert counts[-1].forecast.too_long_by == 0
    assert counts[-1].forecast.prompt_tokens <= counts[-1].forecast.limit


def test_trimming_a_paste_leaves_room_for_passages_when_collections_are_attached(
    worker: InferenceWorker,
) -> None:
    counts: list[ContextCount] = []
    worker.context_counted.connect(lambda _rid, count: counts.append(count))
    paste = "the river runs under the old bridge by the mill " * 80
    messages = (ChatMessage(Role.USER, f"Please summarize:\n{paste}"),)
    worker.on_count_requested(CountRequest(1, messages, GREEDY.max_tokens, 0, focus_text=paste))
    worker.on_count_requested(
        CountRequest(2, messages, GREEDY.max_tokens, 0, focus_text=paste, grounded=True)
    )
    plain, grounded = counts
    assert plain.focus_room_for_passages == 0
    assert grounded.focus_room_for_passages > 0
    assert 0 < grounded.focus_fit_chars < plain.focus_fit_chars
    # What the trim keeps back is room the passages really get at send.
    trimmed = (ChatMessage(Role.USER, f"Please summarize:\n{paste[: grounded.focus_fit_chars]}"),)
    worker.on_count_requested(CountRequest(3, trimmed, GREEDY.max_tokens, 0, grounded=True))
    assert counts[-1].forecast.too_long_by == 0
    assert counts[-1].passage_tokens >= grounded.focus_room_for_passages


def test_stopping_while_summarizing_keeps_no_half_summary(worker: InferenceWorker) -> None:
    history = [ChatMessage(Role.SYSTEM, "You are a patient assistant.")]
    for i in range(30):
        history += [ChatMessage(Role.USER, question(i)), ChatMessage(Role.ASSISTANT, "Yes.")]
    history.append(ChatMessage(Role.USER, "And now?"))
    events: list[str] = []
    finished: list[ReplyStats] = []
    worker.summary_started.connect(lambda _rid: events.append("started"))
    worker.summary_made.connect(lambda _rid, _made: events.append("made"))
    worker.reply_started.connect(lambda _rid, _info: events.append("reply"))
    worker.reply_finished.connect(lambda _rid, stats: finished.append(stats))
    worker.cancel_reply(7)  # the user pressed Stop before the summary was written
    worker.on_generate_requested(
        GenerationRequest(
            7, tuple(history), GREEDY, conversation_key="c", overflow=OverflowStrategy.SUMMARIZE
        )
    )
    assert events == ["started"]
    (stats,) = finished
    assert stats.finish_reason == FinishReason.CANCELLED and stats.generated_tokens == 0

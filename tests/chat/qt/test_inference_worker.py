"""InferenceWorker on a real QThread with the real llama.cpp and the tiny model."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, Signal

from desktop.chat.protocol import (
    GenerationRequest,
    LoadFailure,
    LoadProblem,
    ModelInfo,
    ReplyFailure,
    ReplyProblem,
    ReplyStats,
)
from desktop.chat.qt.inference_worker import InferenceWorker
from desktop.core.conversation import ChatMessage, FinishReason, Role
from desktop.engine.llama import LoadOptions, SamplingOptions

OPTIONS = LoadOptions(n_ctx=512, n_threads=2)
GREEDY = SamplingOptions(temperature=0.0, max_tokens=40, repeat_penalty=1.0, seed=3)


class Commands(QObject):
    """Talks to the worker the way the GUI does: commands as queued signals into its thread,
    and its signals re-emitted by this GUI-thread object, so test code runs on the GUI thread.
    """

    load = Signal(int, str, object)
    generate = Signal(object)
    prepare = Signal(object, bool)
    load_progress = Signal(int, float)
    load_finished = Signal(int, object)
    load_failed = Signal(int, object)
    reply_started = Signal(int, object)
    reply_delta = Signal(int, str)
    reply_finished = Signal(int, object)
    reply_failed = Signal(int, object)

    def __init__(self, worker: InferenceWorker) -> None:
        super().__init__()
        self.load.connect(worker.on_load_requested)
        self.generate.connect(worker.on_generate_requested)
        self.prepare.connect(worker.on_prepare_requested)
        for name in (
            "load_progress",
            "load_finished",
            "load_failed",
            "reply_started",
            "reply_delta",
            "reply_finished",
            "reply_failed",
        ):
            getattr(worker, name).connect(getattr(self, name))


def load(
    qtbot,
    worker: InferenceWorker,
    commands: Commands,
    request_id: int,
    path: Path,
    options: LoadOptions = OPTIONS,
) -> ModelInfo:
    with qtbot.waitSignal(commands.load_finished, timeout=30_000) as blocker:
        commands.load.emit(request_id, str(path), options)
    assert blocker.args[0] == request_id
    return blocker.args[1]


def test_load_reports_progress_then_model_info(qtbot, worker, tiny_gguf: Path) -> None:
    commands = Commands(worker)
    progress: list[float] = []
    commands.load_progress.connect(lambda _rid, fraction: progress.append(fraction))
    info = load(qtbot, worker, commands, 1, tiny_gguf)
    assert info.architecture == "llama"
    assert info.template_origin == "gguf"
    assert info.n_ctx == 512
    assert not info.is_demo
    assert progress and progress[-1] == 1.0


@pytest.mark.parametrize(
    ("fixture_name", "problem"),
    [
        ("not_gguf_file", "not_gguf"),
        ("truncated_gguf", "truncated"),
        ("unknown_arch_gguf", "unsupported_architecture"),
    ],
)
def test_bad_files_fail_and_the_loaded_model_stays_usable(
    qtbot, worker, tiny_gguf: Path, request, fixture_name: str, problem: str
) -> None:
    commands = Commands(worker)
    load(qtbot, worker, commands, 1, tiny_gguf)
    bad: Path = request.getfixturevalue(fixture_name)
    with qtbot.waitSignal(commands.load_failed, timeout=10_000) as blocker:
        commands.load.emit(2, str(bad), OPTIONS)
    failure: LoadFailure = blocker.args[1]
    assert failure.problem == LoadProblem.BAD_FILE
    assert failure.gguf_problem == problem
    assert bad.name in failure.message
    # The earlier model still answers.
    with qtbot.waitSignal(commands.reply_finished, timeout=30_000):
        commands.generate.emit(GenerationRequest(3, (ChatMessage(Role.USER, "hi"),), GREEDY))


def test_missing_and_unreadable_files(qtbot, worker, tmp_path: Path) -> None:
    commands = Commands(worker)
    with qtbot.waitSignal(commands.load_failed, timeout=10_000) as blocker:
        commands.load.emit(1, str(tmp_path / "nope.gguf"), OPTIONS)
    assert blocker.args[1].gguf_problem == "missing"
    with qtbot.waitSignal(commands.load_failed, timeout=10_000) as blocker:
        commands.load.emit(2, str(tmp_path), OPTIONS)
    assert blocker.args[1].gguf_problem == "not_a_file"


def test_reply_streams_deltas_on_the_gui_thread(qtbot, worker, tiny_gguf: Path) -> None:
    commands = Commands(worker)
    load(qtbot, worker, commands, 1, tiny_gguf)
    deltas: list[str] = []
    threads: set[int] = set()

    def on_delta(request_id: int, text: str) -> None:
        assert request_id == 7
        deltas.append(text)
        threads.add(threading.get_ident())

    commands.reply_delta.connect(on_delta)
    with qtbot.waitSignal(commands.reply_finished, timeout=30_000) as blocker:
        commands.generate.emit(
            GenerationRequest(7, (ChatMessage(Role.USER, "Write a poem."),), GREEDY)
        )
    stats: ReplyStats = blocker.args[1]
    assert stats.generated_tokens > 0
    assert stats.finish_reason in (FinishReason.STOP, FinishReason.LENGTH)
    assert threads == {threading.get_ident()}
    assert all(deltas)
    assert "<|im_end|>" not in "".join(deltas)


def _first_turn(
    qtbot, worker: InferenceWorker, tiny_gguf: Path, question: str, key: str | None = None
) -> tuple[Commands, list[str], ReplyStats, tuple[ChatMessage, ...]]:
    """The tiny model loaded and `question` answered (in conversation `key`); returns the
    commands, the list the deltas go to, the reply's stats, and the follow-up "Why?" after it."""
    commands = Commands(worker)
    load(qtbot, worker, commands, 1, tiny_gguf)
    deltas: list[str] = []
    commands.reply_delta.connect(lambda _rid, text: deltas.append(text))
    first = (ChatMessage(Role.USER, question),)
    with qtbot.waitSignal(commands.reply_finished, timeout=30_000) as blocker:
        commands.generate.emit(GenerationRequest(2, first, GREEDY, conversation_key=key))
    reply = ChatMessage(Role.ASSISTANT, "".join(deltas))
    return commands, deltas, blocker.args[1], (*first, reply, ChatMessage(Role.USER, "Why?"))


def test_follow_up_evaluates_only_the_new_tokens(qtbot, worker, tiny_gguf: Path) -> None:
    commands, _deltas, first_stats, follow_up = _first_turn(
        qtbot, worker, tiny_gguf, "Hello! 你好，今天怎么样？"
    )
    with qtbot.waitSignal(commands.reply_finished, timeout=30_000) as blocker:
        commands.generate.emit(GenerationRequest(3, follow_up, GREEDY))
    stats: ReplyStats = blocker.args[1]
    new_tokens = stats.prompt_tokens - first_stats.context_used
    assert 0 < stats.evaluated_prompt_tokens <= new_tokens
    assert stats.evaluated_prompt_tokens < stats.prompt_tokens


def test_the_next_turn_is_opened_while_the_user_types(qtbot, worker, tiny_gguf: Path) -> None:
    """After a reply the worker evaluates the end of its turn and the header of the user's
    next one, so a follow-up evaluates only what the user wrote and the reply's prompt."""
    from desktop.chat.prompt import PromptBudget, plan_prompt

    commands, deltas, first_stats, follow_up = _first_turn(
        qtbot, worker, tiny_gguf, "Hello there, how are you today?"
    )
    model, template = worker.model, worker.engine.template
    assert model is not None and template is not None
    qtbot.waitUntil(lambda: model.cached_tokens > first_stats.context_used, timeout=10_000)
    opened = model.cached_tokens
    prompt = plan_prompt(
        follow_up, PromptBudget(template, worker.engine.tokenize, model.n_ctx, GREEDY.max_tokens)
    )
    assert model.reusable_prefix(prompt.tokens) == opened  # what it evaluated is the next prompt's
    question = model.tokenize_segments(prompt.segments[-2:])  # "Why?", then the reply's header
    with qtbot.waitSignal(commands.reply_finished, timeout=30_000) as blocker:
        commands.generate.emit(GenerationRequest(3, follow_up, GREEDY))
    stats: ReplyStats = blocker.args[1]
    assert stats.prompt_tokens - opened == len(question)  # all that is left to evaluate
    assert stats.evaluated_ahead == opened - first_stats.context_used
    # Counted as this prompt's all the same: nothing of it was evaluated twice, or skipped.
    assert stats.evaluated_prompt_tokens == stats.prompt_tokens - first_stats.context_used

    # A stopped reply opens nothing: the user may well regenerate it instead.
    endless = SamplingOptions(temperature=1.0, max_tokens=100_000, seed=5)
    commands.generate.emit(GenerationRequest(4, (ChatMessage(Role.USER, "Go on"),), endless))
    qtbot.waitUntil(lambda: len(deltas) >= 2 and worker.model.cached_tokens > 0, timeout=30_000)
    with qtbot.waitSignal(commands.reply_finished, timeout=30_000) as blocker:
        worker.cancel_reply(4)
    with qtbot.waitSignal(commands.reply_failed, timeout=30_000):  # the worker is idle again
        commands.generate.emit(GenerationRequest(5, (ChatMessage(Role.USER, " "),), GREEDY))
    assert model.cached_tokens == blocker.args[1].context_used


def _prepared(qtbot, worker: InferenceWorker, commands: Commands, request: GenerationRequest):
    """Has the worker prepare `request` as a draft; returns the prompt it will send, once the
    cache holds it."""
    from desktop.chat.prompt import PromptBudget, plan_prompt

    model, template = worker.model, worker.engine.template
    assert model is not None and template is not None
    budget = PromptBudget(
        template, worker.engine.tokenize, model.n_ctx, request.sampling.max_tokens
    )
    prompt = plan_prompt(request.messages, budget).tokens
    commands.prepare.emit(request, True)
    qtbot.waitUntil(
        lambda: model.cached_tokens == len(prompt) and model.reusable_prefix(prompt) == len(prompt),
        timeout=10_000,
    )
    return prompt


def test_a_draft_prepared_while_typing_is_sent_without_evaluating_anything(
    qtbot, worker, tiny_gguf: Path
) -> None:
    """The worker evaluates the prompt of the draft being typed; sending it then samples the
    first token at once, and the tokens prepared count as the prompt's, once each."""
    commands, _deltas, first_stats, follow_up = _first_turn(
        qtbot, worker, tiny_gguf, "Hello there, how are you today?"
    )
    model = worker.model
    assert model is not None
    prompt = _prepared(qtbot, worker, commands, GenerationRequest(3, follow_up, GREEDY))
    new_tokens = len(prompt) - first_stats.context_used
    assert worker.prepared_tokens > 0
    evaluated_before = model.evaluated_tokens
    with qtbot.waitSignal(commands.reply_finished, timeout=30_000) as blocker:
        commands.generate.emit(GenerationRequest(4, follow_up, GREEDY))
    stats: ReplyStats = blocker.args[1]
    assert stats.prompt_tokens == len(prompt)
    assert model.last_prompt_evaluated == 0  # nothing was left to evaluate on send
    # The engine may still open the next turn after the reply's end: wait until it is idle.
    worker.host.submit(lambda _: None).result(30)
    # Every later evaluation is one of the reply's tokens, now in the cache after the prompt
    # (with the next turn's opening after them, where it was opened).
    assert stats.context_used - len(prompt) > 0
    assert model.evaluated_tokens - evaluated_before == model.cached_tokens - len(prompt)
    assert stats.evaluated_ahead == stats.evaluated_prompt_tokens == new_tokens


def test_a_draft_still_being_typed_is_prepared_up_to_its_text(
    qtbot, worker, tiny_gguf: Path
) -> None:
    """While keys are typed only the draft's text is evaluated, not the reply's header after
    it (each key would evaluate it again); the send evaluates the header alone."""
    from desktop.chat.prompt import PromptBudget, plan_prompt

    commands, _deltas, _first_stats, follow_up = _first_turn(
        qtbot, worker, tiny_gguf, "Hello there, how are you today?"
    )
    model, template = worker.model, worker.engine.template
    assert model is not None and template is not None
    budget = PromptBudget(template, worker.engine.tokenize, model.n_ctx, GREEDY.max_tokens)
    plan = plan_prompt(follow_up, budget)
    header = model.tokenize_segments(plan.segments[-1:])  # after "Why?": the reply's header
    assert plan.segments[-1].parse_special and header
    through_text = len(plan.tokens) - len(header)
    commands.prepare.emit(GenerationRequest(3, follow_up, GREEDY), False)
    qtbot.waitUntil(lambda: model.cached_tokens == through_text, timeout=10_000)
    assert model.reusable_prefix(plan.tokens) == through_text
    with qtbot.waitSignal(commands.reply_finished, timeout=30_000):
        commands.generate.emit(GenerationRequest(4, follow_up, GREEDY))
    assert model.last_prompt_evaluated == len(header)


def test_a_draft_that_changed_before_sending_reuses_what_still_matches(
    qtbot, worker, tiny_gguf: Path
) -> None:
    """The user typed on after the draft was prepared: the sent prompt reuses the prepared
    part that still matches and evaluates the rest; each new token is counted once."""
    commands, _deltas, first_stats, follow_up = _first_turn(
        qtbot, worker, tiny_gguf, "Hello there, how are you today?"
    )
    model = worker.model
    assert model is not None
    draft = (*follow_up[:-1], ChatMessage(Role.USER, "Why is the sky"))
    _prepared(qtbot, worker, commands, GenerationRequest(3, draft, GREEDY))
    sent = (*follow_up[:-1], ChatMessage(Role.USER, "Why is the sky blue at noon?"))
    with qtbot.waitSignal(commands.reply_finished, timeout=30_000) as blocker:
        commands.generate.emit(GenerationRequest(4, sent, GREEDY))
    stats: ReplyStats = blocker.args[1]
    assert 0 < stats.evaluated_ahead < stats.evaluated_prompt_tokens
    assert model.last_prompt_evaluated == stats.evaluated_prompt_tokens - stats.evaluated_ahead
    assert stats.evaluated_prompt_tokens == stats.prompt_tokens - first_stats.context_used


def test_a_draft_overtaken_by_a_newer_request_is_not_prepared(
    qtbot, worker, tiny_gguf: Path
) -> None:
    commands, _deltas, first_stats, follow_up = _first_turn(
        qtbot, worker, tiny_gguf, "Hello there, how are you today?"
    )
    model = worker.model
    assert model is not None
    qtbot.waitUntil(lambda: model.cached_tokens > first_stats.context_used, timeout=10_000)
    opened = model.cached_tokens  # the next turn's opening, evaluated after the reply
    worker.drop_drafts_before(4)  # as the session does when it sends request 4
    commands.prepare.emit(GenerationRequest(3, follow_up, GREEDY), True)
    with qtbot.waitSignal(commands.reply_finished, timeout=30_000) as blocker:
        commands.generate.emit(GenerationRequest(4, follow_up, GREEDY))
    assert worker.prepared_tokens == 0
    assert model.last_prompt_evaluated == blocker.args[1].prompt_tokens - opened


def test_a_draft_in_another_conversation_saves_the_one_that_leaves(
    qtbot, worker, tiny_gguf: Path
) -> None:
    """Typing in a new chat (no key until it is saved) keeps A's cache for its return; going
    back to A restores it, and the new chat's prepared tokens are not counted as A's."""
    commands, _deltas, _first_stats, follow_up = _first_turn(
        qtbot, worker, tiny_gguf, "Hello there", key="A"
    )
    draft = (ChatMessage(Role.USER, "A new chat begins"),)
    _prepared(qtbot, worker, commands, GenerationRequest(3, draft, GREEDY))
    assert "A" in worker.kv_states
    with qtbot.waitSignal(commands.reply_finished, timeout=30_000) as blocker:
        commands.generate.emit(GenerationRequest(4, follow_up, GREEDY, conversation_key="A"))
    stats: ReplyStats = blocker.args[1]
    assert "A" not in worker.kv_states  # restored: the cache is A's again
    assert stats.evaluated_ahead == 0


def test_a_failure_while_opening_the_next_turn_leaves_the_reply_alone(
    qtbot, worker, tiny_gguf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening the next turn is only a head start: whatever fails while planning it (injected
    here: planning raises for the next turn's placeholder only) must not disturb the reply or
    the worker, and nothing is evaluated ahead."""
    from desktop.chat import local_plan

    real_plan = local_plan.plan_prompt

    def failing_plan(messages, *args, **kwargs):  # type: ignore[no-untyped-def]
        if len(messages) > 1 and messages[-1].content == "?":
            raise RuntimeError("injected")
        return real_plan(messages, *args, **kwargs)

    monkeypatch.setattr(local_plan, "plan_prompt", failing_plan)
    commands = Commands(worker)
    load(qtbot, worker, commands, 1, tiny_gguf)
    with qtbot.waitSignal(commands.reply_finished, timeout=30_000) as blocker:
        commands.generate.emit(GenerationRequest(2, (ChatMessage(Role.USER, "Hi"),), GREEDY))
    with qtbot.waitSignal(commands.reply_failed, timeout=30_000):  # the worker is idle again
        commands.generate.emit(GenerationRequest(3, (ChatMessage(Role.USER, " "),), GREEDY))
    assert worker.model is not None
    assert worker.model.cached_tokens == blocker.args[1].context_used  # nothing was opened


def test_follow_up_tokenizes_only_the_new_text(qtbot, worker, tiny_gguf: Path) -> None:
    commands = Commands(worker)
    load(qtbot, worker, commands, 1, tiny_gguf)
    history: list[ChatMessage] = []
    for i in range(8):
        history.append(ChatMessage(Role.USER, f"question {i} " * 10))
        history.append(ChatMessage(Role.ASSISTANT, f"answer {i} " * 10))
    first = (*history, ChatMessage(Role.USER, "And now?"))
    with qtbot.waitSignal(commands.reply_finished, timeout=30_000):
        commands.generate.emit(GenerationRequest(2, first, GREEDY))
    before = worker.tokenized_segments
    assert before >= len(first)  # every message once, plus the template's text
    follow_up = (*first, ChatMessage(Role.ASSISTANT, "Fine."), ChatMessage(Role.USER, "Why?"))
    with qtbot.waitSignal(commands.reply_finished, timeout=30_000):
        commands.generate.emit(GenerationRequest(3, follow_up, GREEDY))
    assert worker.tokenized_segments - before <= 3  # the two new messages, maybe one new piece
    # Another model may tokenize differently: its cache starts empty.
    load(qtbot, worker, commands, 4, tiny_gguf)
    before = worker.tokenized_segments
    with qtbot.waitSignal(commands.reply_finished, timeout=30_000):
        commands.generate.emit(GenerationRequest(5, follow_up, GREEDY))
    assert worker.tokenized_segments - before >= len(follow_up)


def test_stop_ends_the_reply_quickly_and_keeps_the_text(
    qtbot, worker, long_context_tiny_gguf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stop ends the reply at llama.cpp's next step, and the worker's own way out after that
    step (the text flushed, the stats, "finished") takes under 200 ms.

    Why the bound is not simply click-to-finished: the step in flight when Stop is pressed
    cannot be interrupted, and how long it takes is llama.cpp's and the scheduler's, not the
    worker's. A tiny-model step takes ~1 ms on a quiet machine, but 100-700 ms on a 2-core one
    saturated by other processes (the engine's threads run below the window's, and llama.cpp's
    threads wait for each other at every operation), which made the old click-to-finished
    figure fail there. So the test proves both parts separately: at most one token is sampled
    after the click (the cancel is seen at the first check after it; the loop checks before
    every token), and from the generator's end to "finished" stays under 200 ms.
    """
    commands = Commands(worker)
    load(qtbot, worker, commands, 1, long_context_tiny_gguf, LoadOptions(n_ctx=32768, n_threads=2))
    model = worker.model
    assert model is not None
    generate = model.generate
    tokens_at: list[float] = []  # when llama.cpp's loop gave each token (the engine's thread)
    stopped_at: list[float] = []  # when its loop ended

    def timed_generate(*args, **kwargs):
        try:
            for token in generate(*args, **kwargs):
                tokens_at.append(time.perf_counter())
                yield token
        finally:
            stopped_at.append(time.perf_counter())

    monkeypatch.setattr(model, "generate", timed_generate)
    deltas: list[str] = []
    commands.reply_delta.connect(lambda _rid, text: deltas.append(text))
    endless = SamplingOptions(temperature=1.0, max_tokens=100_000, seed=5)
    finished: list[tuple[float, ReplyStats]] = []
    # Timed on the worker's thread as it sends "finished" (a direct connection): the figure is
    # how soon the worker stops, not how soon a busy test machine schedules the GUI thread.
    worker.reply_finished.connect(
        lambda _rid, s: finished.append((time.perf_counter(), s)),
        Qt.ConnectionType.DirectConnection,
    )
    commands.generate.emit(GenerationRequest(4, (ChatMessage(Role.USER, "Go on"),), endless))
    qtbot.waitUntil(lambda: len(deltas) >= 2, timeout=30_000)
    clicked = time.perf_counter()
    worker.cancel_reply(4)
    qtbot.waitUntil(lambda: bool(finished), timeout=30_000)  # an endless reply never ends
    at, stats = finished[0]
    assert stats.finish_reason == FinishReason.CANCELLED
    assert "".join(deltas)
    assert len(stopped_at) == 1 and clicked < stopped_at[0] < at
    after_click = [t for t in tokens_at if t > clicked]
    assert len(after_click) <= 1, f"{len(after_click)} tokens were sampled after Stop"
    assert at - stopped_at[0] < 0.2, (
        f"{(at - stopped_at[0]) * 1000:.0f} ms from llama.cpp's last step to finished "
        f"({(stopped_at[0] - clicked) * 1000:.0f} ms for the step in flight)"
    )


def test_overflowing_history_drops_the_oldest_turns(qtbot, worker, tiny_gguf: Path) -> None:
    commands = Commands(worker)
    load(qtbot, worker, commands, 1, tiny_gguf, LoadOptions(n_ctx=256, n_threads=2))
    history = []
    for i in range(12):
        history.append(ChatMessage(Role.USER, f"Question number {i} about the sea and sky."))
        history.append(ChatMessage(Role.ASSISTANT, f"Answer number {i} about the sea and sky."))
    history.append(ChatMessage(Role.USER, "Last question?"))
    started = []
    commands.reply_started.connect(lambda _rid, info: started.append(info))
    with qtbot.waitSignal(commands.reply_finished, timeout=30_000) as blocker:
        commands.generate.emit(
            GenerationRequest(5, tuple(history), SamplingOptions(temperature=0.0, max_tokens=16))
        )
    stats: ReplyStats = blocker.args[1]
    assert started[0].dropped_messages > 0
    assert started[0].dropped_messages % 2 == 0  # whole turns only
    assert stats.prompt_tokens + 16 <= 256


def test_prompt_longer_than_the_context_is_refused_clearly(qtbot, worker, tiny_gguf: Path) -> None:
    commands = Commands(worker)
    load(qtbot, worker, commands, 1, tiny_gguf, LoadOptions(n_ctx=256, n_threads=2))
    huge = "word " * 2000
    with qtbot.waitSignal(commands.reply_failed, timeout=30_000) as blocker:
        commands.generate.emit(GenerationRequest(6, (ChatMessage(Role.USER, huge),), GREEDY))
    failure: ReplyFailure = blocker.args[1]
    assert failure.problem == ReplyProblem.PROMPT_TOO_LONG
    assert failure.needed_tokens > failure.available_tokens > 0


def test_empty_message_and_no_model(qtbot, worker, tiny_gguf: Path) -> None:
    commands = Commands(worker)
    with qtbot.waitSignal(commands.reply_failed, timeout=10_000) as blocker:
        commands.generate.emit(GenerationRequest(1, (ChatMessage(Role.USER, "hi"),), GREEDY))
    assert blocker.args[1].problem == ReplyProblem.NO_MODEL
    load(qtbot, worker, commands, 2, tiny_gguf)
    with qtbot.waitSignal(commands.reply_failed, timeout=10_000) as blocker:
        commands.generate.emit(GenerationRequest(3, (ChatMessage(Role.USER, "   "),), GREEDY))
    assert blocker.args[1].problem == ReplyProblem.EMPTY_PROMPT


def test_cancelled_load_keeps_nothing_half_loaded(qtbot, worker, tiny_gguf: Path) -> None:
    commands = Commands(worker)
    worker.cancel_load(9)
    with qtbot.waitSignal(commands.load_failed, timeout=10_000) as blocker:
        commands.load.emit(9, str(tiny_gguf), OPTIONS)
    assert blocker.args[1].problem == LoadProblem.CANCELLED
    assert worker.model is None


def test_context_longer_than_the_model_was_trained_for_is_capped(
    qtbot, worker, tiny_gguf: Path
) -> None:
    commands = Commands(worker)
    info = load(qtbot, worker, commands, 1, tiny_gguf, LoadOptions(n_ctx=1_000_000, n_threads=2))
    assert info.n_ctx == info.n_ctx_train == 2048


def test_a_file_that_crashes_llama_cpp_is_refused_and_the_app_lives(
    qtbot, worker, tiny_gguf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.engine.probe import FAULT_ENV

    commands = Commands(worker)
    load(qtbot, worker, commands, 1, tiny_gguf)
    other = tmp_path / "crashes.gguf"
    other.write_bytes(tiny_gguf.read_bytes())
    # Simulated native crash in the probe process (see tests/integration/test_probe.py).
    monkeypatch.setenv(FAULT_ENV, "segfault")
    with qtbot.waitSignal(commands.load_failed, timeout=30_000) as blocker:
        commands.load.emit(2, str(other), OPTIONS)
    failure: LoadFailure = blocker.args[1]
    assert failure.problem == LoadProblem.LLAMA_CRASHED
    assert "crashed" in failure.message
    with qtbot.waitSignal(commands.reply_finished, timeout=30_000):
        commands.generate.emit(GenerationRequest(3, (ChatMessage(Role.USER, "hi"),), GREEDY))

"""Thinking replies from the real worker and llama.cpp on the tiny reasoning model.

The tiny model's random weights never choose </think>, so every thinking reply here ends its
thinking through the budget (the worker injects the close marker) or at max tokens.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from desktop.chat.prompt import PromptSegment
from desktop.chat.protocol import GenerationRequest, ModelInfo, ReplyStats
from desktop.chat.qt.inference_worker import InferenceWorker
from desktop.core.conversation import ChatMessage, Role
from desktop.engine.llama import LoadOptions, SamplingOptions

OPTIONS = LoadOptions(n_ctx=1024, n_threads=2)
GREEDY = SamplingOptions(temperature=0.0, max_tokens=30, repeat_penalty=1.0, seed=3)


class Recorder(QObject):
    """Re-emits the worker's signals on the GUI thread and records them in arrival order."""

    load = Signal(int, str, object)
    generate = Signal(object)
    prepare = Signal(object, bool)
    load_finished = Signal(int, object)
    reply_started = Signal(int, object)
    reply_delta = Signal(int, str)
    reply_thinking_delta = Signal(int, str)
    reply_thinking_finished = Signal(int, float)
    reply_finished = Signal(int, object)

    def __init__(self, worker: InferenceWorker) -> None:
        super().__init__()
        self.events: list[tuple[str, object]] = []
        self.load.connect(worker.on_load_requested)
        self.generate.connect(worker.on_generate_requested)
        self.prepare.connect(worker.on_prepare_requested)
        for name in (
            "load_finished",
            "reply_started",
            "reply_delta",
            "reply_thinking_delta",
            "reply_thinking_finished",
            "reply_finished",
        ):
            getattr(worker, name).connect(getattr(self, name))
        self.reply_delta.connect(lambda _r, text: self.events.append(("answer", text)))
        self.reply_thinking_delta.connect(lambda _r, text: self.events.append(("thinking", text)))
        self.reply_thinking_finished.connect(lambda _r, s: self.events.append(("thought", s)))

    def text(self, kind: str) -> str:
        return "".join(str(value) for what, value in self.events if what == kind)


def load(qtbot, recorder: Recorder, path: Path) -> ModelInfo:
    with qtbot.waitSignal(recorder.load_finished, timeout=30_000) as blocker:
        recorder.load.emit(1, str(path), OPTIONS)
    return blocker.args[1]


def reply(qtbot, recorder: Recorder, request: GenerationRequest) -> ReplyStats:
    recorder.events.clear()
    with qtbot.waitSignal(recorder.reply_finished, timeout=30_000) as blocker:
        recorder.generate.emit(request)
    return blocker.args[1]


def test_model_info_names_the_reasoning_format(qtbot, worker, thinking_tiny_gguf, tiny_gguf):
    recorder = Recorder(worker)
    info = load(qtbot, recorder, thinking_tiny_gguf)
    assert info.reasoning == "tags"
    assert info.thinking_switchable
    plain = load(qtbot, recorder, tiny_gguf)
    assert plain.reasoning == ""
    assert not plain.thinking_switchable


def test_budget_closes_the_thinking_and_the_answer_follows(
    qtbot, worker, thinking_tiny_gguf
) -> None:
    recorder = Recorder(worker)
    load(qtbot, recorder, thinking_tiny_gguf)
    messages = (ChatMessage(Role.USER, "What is two plus two?"),)
    stats = reply(qtbot, recorder, GenerationRequest(2, messages, GREEDY, thinking_budget=8))
    kinds = [kind for kind, _ in recorder.events]
    # All thinking, then the one "thought" event, then the answer: never interleaved.
    assert kinds.count("thought") == 1
    split = kinds.index("thought")
    assert set(kinds[:split]) == {"thinking"}
    assert set(kinds[split + 1 :]) == {"answer"}
    thinking, answer = recorder.text("thinking"), recorder.text("answer")
    assert thinking.strip() and answer.strip()
    for marker in ("<think>", "</think>", "<|im_end|>"):
        assert marker not in thinking and marker not in answer
    assert stats.thinking_tokens == 8
    assert stats.thinking_seconds is not None and stats.thinking_seconds >= 0
    assert stats.generated_tokens == GREEDY.max_tokens  # the budget does not add to the limit


def test_the_answer_after_the_budget_does_not_replay_the_thinkings_random_draws(
    qtbot, worker, thinking_tiny_gguf
) -> None:
    """The answer is sampled on from the thinking: with the seed started over, it drew the
    same random numbers and (on this tiny model) began by repeating the thinking."""
    recorder = Recorder(worker)
    load(qtbot, recorder, thinking_tiny_gguf)
    messages = (ChatMessage(Role.USER, "Why is the sky blue?"),)
    repeats = 0
    for seed in range(1, 7):
        sampling = SamplingOptions(temperature=1.0, max_tokens=24, seed=seed)
        reply(qtbot, recorder, GenerationRequest(seed + 1, messages, sampling, thinking_budget=6))
        thinking, answer = recorder.text("thinking").strip(), recorder.text("answer").strip()
        repeats += bool(thinking) and answer.startswith(thinking[:5])
    assert repeats == 0


def test_reply_that_never_stops_thinking_has_no_answer(qtbot, worker, thinking_tiny_gguf) -> None:
    recorder = Recorder(worker)
    load(qtbot, recorder, thinking_tiny_gguf)
    stats = reply(qtbot, recorder, GenerationRequest(2, (ChatMessage(Role.USER, "Hm?"),), GREEDY))
    assert recorder.text("thinking").strip()
    assert recorder.text("answer") == ""
    assert [kind for kind, _ in recorder.events][-1] == "thought"
    assert stats.thinking_seconds is not None
    assert stats.thinking_tokens == stats.generated_tokens


def test_thinking_switched_off_answers_at_once(qtbot, worker, thinking_tiny_gguf) -> None:
    recorder = Recorder(worker)
    load(qtbot, recorder, thinking_tiny_gguf)
    messages = (ChatMessage(Role.USER, "Hello"),)
    stats = reply(qtbot, recorder, GenerationRequest(2, messages, GREEDY, thinking=False))
    assert {kind for kind, _ in recorder.events} == {"answer"}
    assert stats.thinking_seconds is None
    assert stats.thinking_tokens == 0


def test_next_turns_reuse_the_cache_up_to_the_dropped_thinking(
    qtbot, worker, thinking_tiny_gguf
) -> None:
    """The template drops earlier thinking, so the cache diverges only where the last reply's
    thinking began: each turn evaluates the last answer and the new message, never the whole
    history again."""
    recorder = Recorder(worker)
    load(qtbot, recorder, thinking_tiny_gguf)
    assert worker.model is not None  # idle between requests, so its tokenizer may be asked
    opening = len(worker.model.tokenize_segments((PromptSegment("<think>\n", True),)))
    history: list[ChatMessage] = []
    previous: ReplyStats | None = None
    for turn, question in enumerate(("First question?", "Second one?", "And a third?")):
        history.append(ChatMessage(Role.USER, question))
        started: list[object] = []
        recorder.reply_started.connect(lambda _r, info, into=started: into.append(info))
        stats = reply(
            qtbot,
            recorder,
            GenerationRequest(turn + 2, tuple(history), GREEDY, thinking_budget=6),
        )
        thinking, answer = recorder.text("thinking"), recorder.text("answer")
        assert thinking and answer
        if previous is not None:
            reused = started[0].reused_tokens
            # Everything of the previous prompt but its "<think>\n" opening is reused...
            assert reused == previous.prompt_tokens - opening
            # ...so only the last answer and the new question are evaluated.
            assert stats.evaluated_prompt_tokens == stats.prompt_tokens - reused
            assert stats.evaluated_prompt_tokens < stats.prompt_tokens - previous.prompt_tokens + 40
        history.append(ChatMessage(Role.ASSISTANT, answer, thinking=thinking))
        previous = stats


HARMONY_TEMPLATE = (
    "{%- for message in messages %}"
    "{%- if message.role == 'assistant' %}"
    "{{- '<|start|>assistant<|channel|>final<|message|>' + message.content + '<|end|>' }}"
    "{%- else %}{{- '<|start|>' + message.role + '<|message|>' + message.content + '<|end|>' }}"
    "{%- endif %}{%- endfor %}"
    "{%- if add_generation_prompt %}<|start|>assistant<|channel|>analysis<|message|>{%- endif %}"
)
HARMONY_TOKENS = tuple(
    (text, 3) for text in ("<|start|>", "<|channel|>", "<|message|>", "<|end|>", "<|return|>")
)  # CONTROL tokens, as in gpt-oss: llama.cpp renders them as nothing unless asked


def _harmony_model(tmp_path_factory, template: str = HARMONY_TEMPLATE) -> Path:
    from tests.fixtures.tiny_model import tiny_gguf_cached

    return tiny_gguf_cached(
        tmp_path_factory.mktemp("models-harmony"),
        chat_template=template,
        extra_tokens=HARMONY_TOKENS,
    )


def test_harmony_channels_with_control_tokens(qtbot, worker, tmp_path_factory) -> None:
    """A gpt-oss-style model whose prompt opens the analysis channel: the budget closes it
    with <|end|><|start|>assistant<|channel|>final<|message|> (control tokens, evaluated as
    template text) and the final channel's text is the answer; <|end|> is no stop string."""
    path = _harmony_model(tmp_path_factory)
    recorder = Recorder(worker)
    info = load(qtbot, recorder, path)
    assert info.reasoning == "harmony" and not info.thinking_switchable
    template, model = worker.engine.template, worker.model  # read while the worker is idle
    # Control tokens: ended by id (never by their text); <|end|> ends a message, not the reply.
    assert model.control_token("<|return|>") in template.stop_tokens
    assert model.control_token("<|end|>") not in template.stop_tokens
    assert "<|return|>" not in template.stop_strings and "<|end|>" not in template.stop_strings
    messages = (ChatMessage(Role.USER, "Hi"),)
    stats = reply(qtbot, recorder, GenerationRequest(2, messages, GREEDY, thinking_budget=5))
    thinking, answer = recorder.text("thinking"), recorder.text("answer")
    assert thinking.strip() and answer.strip()
    assert "<|" not in thinking and "<|" not in answer
    assert stats.thinking_tokens == 5
    assert stats.generated_tokens == GREEDY.max_tokens


def test_reasoning_effort_reaches_a_template_that_takes_it(qtbot, worker, tmp_path_factory) -> None:
    """gpt-oss's template writes "Reasoning: <effort>" into its system message; the request's
    effort must be what the model reads, and an unknown one leaves the template's default."""
    effort_template = (
        "<|start|>system<|message|>Reasoning: {{ reasoning_effort | default('medium') }}<|end|>"
        + HARMONY_TEMPLATE
    )
    path = _harmony_model(tmp_path_factory, effort_template)
    recorder = Recorder(worker)
    info = load(qtbot, recorder, path)
    assert info.reasoning == "harmony" and info.effort_adjustable
    messages = (ChatMessage(Role.USER, "Hi"),)

    def prompt(effort: str) -> list[int]:  # read while the worker is idle
        template = worker.engine.with_thinking(worker.engine.template, True, effort)
        expected = effort if effort in ("low", "medium", "high") else "medium"
        assert f"Reasoning: {expected}" in "".join(
            segment.text for segment in template.render_segments(messages)
        )
        return worker.engine.tokenize(template.render_segments(messages))

    high, low = prompt("high"), prompt("low")
    assert prompt("extreme") == prompt("")  # not an effort the template knows: its default
    reply(qtbot, recorder, GenerationRequest(2, messages, GREEDY, reasoning_effort="high"))
    model = worker.model
    assert model is not None
    assert model.reusable_prefix(high) >= len(high) - 1  # the model read the high effort
    assert model.reusable_prefix(low) < len(low) - 1
    # A model without the variable gets no effort, whatever the settings say.
    assert not load(qtbot, recorder, _harmony_model(tmp_path_factory)).effort_adjustable


OLD_R1_TEMPLATE = (
    "{% for message in messages %}{% if message['role'] == 'user' %}"
    "{{'<|im_start|>user\\n' + message['content'] + '<|im_end|>\\n'}}"
    "{% else %}{% set content = message['content'] %}"
    "{% if '</think>' in content %}{% set content = content.split('</think>')[-1] %}{% endif %}"
    "{{'<|im_start|>assistant\\n' + content + '<|im_end|>\\n'}}{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}{{'<|im_start|>assistant\\n'}}{% endif %}"
)


def test_a_model_that_always_thinks_is_started_inside_its_thinking(
    qtbot, worker, tmp_path_factory
) -> None:
    """DeepSeek-R1's first template does not open <think>; the worker opens it, so the reply
    is thinking first (the tiny model would never write <think> by itself)."""
    from tests.fixtures.tiny_model import THINK_TOKENS, tiny_gguf_cached

    path = tiny_gguf_cached(
        tmp_path_factory.mktemp("models-r1"),
        chat_template=OLD_R1_TEMPLATE,
        extra_tokens=THINK_TOKENS,
    )
    recorder = Recorder(worker)
    info = load(qtbot, recorder, path)
    assert info.reasoning == "tags" and not info.thinking_switchable
    started: list[object] = []
    recorder.reply_started.connect(lambda _r, prompt_info: started.append(prompt_info))
    messages = (ChatMessage(Role.USER, "Hi"),)
    stats = reply(qtbot, recorder, GenerationRequest(2, messages, GREEDY, thinking_budget=5))
    assert recorder.text("thinking").strip() and recorder.text("answer").strip()
    assert stats.thinking_tokens == 5
    assert started[0].prompt_tokens == stats.prompt_tokens  # the opening counts as prompt


def test_a_prepared_draft_includes_the_opening_of_the_thinking(
    qtbot, worker, tmp_path_factory
) -> None:
    """For a model that is started inside its thinking, the prompt prepared while typing ends
    with the <think> the worker opens for it: the send evaluates nothing, and still thinks."""
    from tests.fixtures.tiny_model import THINK_TOKENS, tiny_gguf_cached

    path = tiny_gguf_cached(
        tmp_path_factory.mktemp("models-r1-prepared"),
        chat_template=OLD_R1_TEMPLATE,
        extra_tokens=THINK_TOKENS,
    )
    recorder = Recorder(worker)
    load(qtbot, recorder, path)
    model = worker.model
    assert model is not None
    messages = (ChatMessage(Role.USER, "Hi"),)
    recorder.prepare.emit(GenerationRequest(2, messages, GREEDY, thinking_budget=5), True)
    qtbot.waitUntil(lambda: worker.prepared_tokens > 0, timeout=10_000)
    prepared = model.cached_tokens
    stats = reply(qtbot, recorder, GenerationRequest(3, messages, GREEDY, thinking_budget=5))
    assert stats.prompt_tokens == prepared  # the opening <think> was prepared too
    assert stats.evaluated_ahead == stats.evaluated_prompt_tokens == prepared
    assert recorder.text("thinking").strip() and stats.thinking_tokens == 5

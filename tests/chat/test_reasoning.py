"""Reasoning formats and the streaming splitter: markers split at every position never leak."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.chat.reasoning import (
    ReasoningFormat,
    ReasoningKind,
    ReasoningSplitter,
    SplitMode,
    detect_reasoning,
    start_mode,
)

# Trimmed from the real templates: enough of each to show what detection looks at.
QWEN3_TEMPLATE = (
    "{%- for message in messages %}"
    "{%- if message.role == 'assistant' %}{%- set content = message.content %}"
    "{%- if '</think>' in content %}{%- set content = content.split('</think>')[-1] %}{%- endif %}"
    "{{- '<|im_start|>assistant\\n' + content + '<|im_end|>\\n' }}"
    "{%- else %}{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}"
    "{%- endif %}{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}"
    "{%- if enable_thinking is defined and enable_thinking is false %}"
    "{{- '<think>\\n\\n</think>\\n\\n' }}{%- endif %}{%- endif %}"
)
DEEPSEEK_R1_TEMPLATE = (
    "{% for message in messages %}{% if message['role'] == 'user' %}"
    "{{'<｜User｜>' + message['content']}}{% else %}{% set content = message['content'] %}"
    "{% if '</think>' in content %}{% set content = content.split('</think>')[-1] %}{% endif %}"
    "{{'<｜Assistant｜>' + content + '<｜end▁of▁sentence｜>'}}{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}{{'<｜Assistant｜><think>\\n'}}{% endif %}"
)
GPT_OSS_TEMPLATE = (
    "{%- for message in messages %}{%- if message.role == 'assistant' %}"
    "{{- '<|start|>assistant<|channel|>final<|message|>' + message.content + '<|end|>' }}"
    "{%- else %}{{- '<|start|>' + message.role + '<|message|>' + message.content + '<|end|>' }}"
    "{%- endif %}{%- endfor %}{%- if add_generation_prompt %}<|start|>assistant{%- endif %}"
)
PHI3_TEMPLATE = (
    "{% for message in messages %}{{'<|' + message['role'] + '|>\\n' + message['content']"
    " + '<|end|>\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}"
)
CHATML = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content']"
    " + '<|im_end|>\\n'}}{% endfor %}"
)

THINK = detect_reasoning(QWEN3_TEMPLATE)
assert THINK is not None
HARMONY = detect_reasoning(GPT_OSS_TEMPLATE)
assert HARMONY is not None


# ----------------------------------------------------------------------------------- detection


def test_qwen3_template_thinks_with_tags_and_a_switch() -> None:
    assert THINK.kind == ReasoningKind.TAGS
    assert (THINK.open_marker, THINK.close_marker) == ("<think>", "</think>")
    assert THINK.toggle == "enable_thinking"
    assert THINK.effort is None


def test_a_template_that_reads_reasoning_effort_offers_it() -> None:
    with_effort = "{{ 'Reasoning: ' + reasoning_effort if reasoning_effort is defined }}"
    fmt = detect_reasoning(with_effort + GPT_OSS_TEMPLATE)
    assert fmt is not None and fmt.kind == ReasoningKind.HARMONY
    assert fmt.effort == "reasoning_effort" and fmt.toggle is None
    assert HARMONY.effort is None  # the trimmed template above does not read it


def test_deepseek_r1_thinks_without_a_switch() -> None:
    fmt = detect_reasoning(DEEPSEEK_R1_TEMPLATE)
    assert fmt is not None and fmt.kind == ReasoningKind.TAGS
    assert fmt.toggle is None


def test_deepseek_v31_thinking_variable_is_the_switch() -> None:
    source = "{% if thinking %}<think>{% else %}</think>{% endif %}"
    fmt = detect_reasoning(source)
    assert fmt is not None and fmt.toggle == "thinking"


def test_gpt_oss_is_harmony_and_end_is_no_longer_a_stop() -> None:
    assert HARMONY.kind == ReasoningKind.HARMONY
    assert HARMONY.toggle is None
    stops = HARMONY.without_marker_stops(("<|end|>", "<|return|>", "<|call|>"))
    assert stops == ("<|return|>", "<|call|>")


def test_other_tag_pairs_are_found_in_templates() -> None:
    seed = detect_reasoning("{{ '<seed:think>' }}{{ x.split('</seed:think>') }}")
    assert seed is not None and seed.close_marker == "</seed:think>"
    magistral = detect_reasoning("[SYSTEM_PROMPT]{{ m }}[THINK]")
    assert magistral is not None and magistral.close_marker == "[/THINK]"


def test_vocabulary_alone_is_evidence_for_tags() -> None:
    fmt = detect_reasoning(CHATML, single_tokens={"<think>", "</think>", "<|im_end|>"})
    assert fmt is not None and fmt.open_marker == "<think>"
    assert detect_reasoning(CHATML, single_tokens={"<think>"}) is None  # half a pair is not


def test_models_that_do_not_think_are_left_alone() -> None:
    assert detect_reasoning(CHATML) is None
    assert detect_reasoning(None) is None
    # Phi-3's <|end|> is a single token and in its template, but that is no harmony.
    assert detect_reasoning(PHI3_TEMPLATE, single_tokens={"<|end|>"}) is None


def test_broken_template_gives_no_switch_but_no_error() -> None:
    fmt = detect_reasoning("{% if enable_thinking %}<think>")  # unclosed block
    assert fmt is not None and fmt.toggle is None


# ------------------------------------------------------------------------------- start mode


def test_start_mode_follows_the_generation_prompt() -> None:
    assert start_mode(THINK, "<|im_start|>assistant\n") == (SplitMode.ANSWER, True)
    assert start_mode(THINK, "<|im_start|>assistant\n<think>\n") == (SplitMode.THINKING, True)
    assert start_mode(THINK, "assistant\n<think>\n\n</think>\n\n") == (SplitMode.ANSWER, False)
    assert start_mode(HARMONY, "<|start|>assistant") == (SplitMode.HEADER, True)


# ------------------------------------------------------------------------------- splitting


def run(fmt: ReasoningFormat, chunks: list[str], mode: SplitMode, may_open: bool = True):
    splitter = ReasoningSplitter(fmt, mode, may_open)
    thinking, answer = [], []
    for chunk in chunks:
        t, a = splitter.feed(chunk)
        thinking.append(t)
        answer.append(a)
    t, a = splitter.flush()
    thinking.append(t)
    answer.append(a)
    return "".join(thinking), "".join(answer), splitter


def every_split(text: str, pieces: int):
    """Every way of cutting text into `pieces` chunks (cut points may coincide)."""
    for cuts in itertools.combinations_with_replacement(range(len(text) + 1), pieces - 1):
        bounds = [0, *cuts, len(text)]
        yield [text[a:b] for a, b in itertools.pairwise(bounds)]


TAG_CASES = [
    # (reply text, start mode, thinking, answer)
    ("<think>\nLet me see.\n</think>\n\nIt is 4.", SplitMode.ANSWER, "Let me see.\n", "It is 4."),
    ("\n<think>a<b</think>x</think>", SplitMode.ANSWER, "a<b", "x</think>"),
    ("Plan: add.\n</think>\n\n**4**", SplitMode.THINKING, "Plan: add.\n", "**4**"),
    ("Just 4. I never <think>.", SplitMode.ANSWER, "", "Just 4. I never <think>."),
    ("<thin k> 4", SplitMode.ANSWER, "", "<thin k> 4"),
    ("still thinking <", SplitMode.THINKING, "still thinking <", ""),
]


@pytest.mark.parametrize(("text", "mode", "thinking", "answer"), TAG_CASES)
def test_tags_split_the_same_at_every_position(
    text: str, mode: SplitMode, thinking: str, answer: str
) -> None:
    assert run(THINK, [text], mode)[:2] == (thinking, answer)
    for chunks in every_split(text, 2):
        assert run(THINK, chunks, mode)[:2] == (thinking, answer), chunks
    for chunks in every_split(text, 3):
        assert run(THINK, chunks, mode)[:2] == (thinking, answer), chunks


def test_thinking_turned_off_never_opens() -> None:
    thinking, answer, _ = run(THINK, ["<think>", "hi</think>"], SplitMode.ANSWER, may_open=False)
    assert (thinking, answer) == ("", "<think>hi</think>")


def test_state_is_reported_as_the_stream_goes() -> None:
    splitter = ReasoningSplitter(THINK)
    assert splitter.feed("<thi") == ("", "")
    assert not splitter.thinking
    assert splitter.feed("nk>Hmm") == ("Hmm", "")
    assert splitter.thinking and splitter.has_thought and not splitter.answer_started
    assert splitter.feed("</think>\n") == ("", "")
    assert not splitter.thinking and not splitter.answer_started
    assert splitter.feed("Yes") == ("", "Yes")
    assert splitter.answer_started
    assert splitter.feed("<think>") == ("", "<think>")  # the fast path after the answer began


HARMONY_REPLY = (
    "<|channel|>analysis<|message|>User wants 2+2. Easy.<|end|>"
    "<|start|>assistant<|channel|>final<|message|>It is **4**."
)


def test_harmony_channels_split_at_every_position() -> None:
    expected = ("User wants 2+2. Easy.", "It is **4**.")
    assert run(HARMONY, [HARMONY_REPLY], SplitMode.HEADER)[:2] == expected
    for chunks in every_split(HARMONY_REPLY, 2):
        assert run(HARMONY, chunks, SplitMode.HEADER)[:2] == expected, chunks


def test_harmony_without_channels_keeps_the_text_as_answer() -> None:
    thinking, answer, _ = run(HARMONY, ["Plain ", "text."], SplitMode.HEADER)
    assert (thinking, answer) == ("", "Plain text.")


def test_harmony_commentary_counts_as_thinking() -> None:
    reply = (
        "<|channel|>commentary<|message|>look<|end|><|start|>assistant<|channel|>final<|message|>ok"
    )
    assert run(HARMONY, [reply], SplitMode.HEADER)[:2] == ("look", "ok")


def test_force_answer_text_closes_the_thinking() -> None:
    for fmt, mode in ((THINK, SplitMode.THINKING), (HARMONY, SplitMode.THINKING)):
        splitter = ReasoningSplitter(fmt, mode)
        splitter.feed("deep thoughts")
        splitter.feed(fmt.force_answer)
        assert not splitter.thinking
        assert splitter.feed("Answer") == ("", "Answer")


marker_soup = st.lists(
    st.sampled_from(["<think>", "</think>", "<", "</", "think", ">", "a", " ", "\n", "中", "😀"]),
    max_size=30,
).map("".join)


@given(marker_soup, st.lists(st.integers(min_value=0, max_value=200), max_size=12))
def test_any_chunking_matches_one_shot(text: str, cuts: list[int]) -> None:
    points = sorted({c % (len(text) + 1) for c in cuts})
    bounds = [0, *points, len(text)]
    chunks = [text[a:b] for a, b in itertools.pairwise(bounds)]
    for mode in (SplitMode.ANSWER, SplitMode.THINKING):
        assert run(THINK, chunks, mode)[:2] == run(THINK, [text], mode)[:2]


# ------------------------------------------------------------------- templates and history


def _template(source: str, **variables: object):
    from desktop.chat.prompt import ChatTemplate

    return ChatTemplate(source=source, origin="gguf", variables=tuple(variables.items()))


QWEN3_KEEPS_LAST = (
    "{%- for message in messages %}{%- if message.role == 'assistant' %}"
    "{{- '<|im_start|>assistant\\n' }}"
    "{%- if loop.last and message.reasoning_content is defined %}"
    "{{- '<think>\\n' + message.reasoning_content + '\\n</think>\\n\\n' }}{%- endif %}"
    "{{- message.content + '<|im_end|>\\n' }}"
    "{%- else %}{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}"
    "{%- endif %}{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}"
    "{%- if enable_thinking is defined and enable_thinking is false %}"
    "{{- '<think>\\n\\n</think>\\n\\n' }}{%- else %}{{- '<think>\\n' }}{%- endif %}{%- endif %}"
)


def test_earlier_thinking_is_dropped_or_kept_as_the_template_says() -> None:
    from desktop.core.conversation import ChatMessage, Role

    history = (
        ChatMessage(Role.USER, "2+2?"),
        ChatMessage(Role.ASSISTANT, "4", thinking="add <|im_end|> them"),
        ChatMessage(Role.USER, "and 3+3?"),
    )
    text = "".join(s.text for s in _template(QWEN3_KEEPS_LAST).render_segments(history))
    assert "add" not in text  # not the last message: this template drops it
    kept = _template(QWEN3_KEEPS_LAST).render_segments(history[:2], add_generation_prompt=False)
    thought = [s for s in kept if "add" in s.text]
    # Kept thinking is message text: never parsed as control tokens.
    assert [s.parse_special for s in thought] == [False]
    assert thought[0].text == "add <|im_end|> them"


def test_template_variables_switch_thinking_off() -> None:
    from desktop.core.conversation import ChatMessage, Role

    history = (ChatMessage(Role.USER, "hi"),)
    on = _template(QWEN3_KEEPS_LAST).render_segments(history)
    off = _template(QWEN3_KEEPS_LAST, enable_thinking=False).render_segments(history)
    assert start_mode(THINK, on[-1].text) == (SplitMode.THINKING, True)
    assert start_mode(THINK, off[-1].text) == (SplitMode.ANSWER, False)


def test_models_that_always_think_are_opened_for() -> None:
    r1 = detect_reasoning(DEEPSEEK_R1_TEMPLATE)
    assert r1 is not None and r1.opens_itself  # strips old thinking, has no switch
    assert not THINK.opens_itself  # Qwen3 has a switch and opens <think> itself
    vocab_only = detect_reasoning(CHATML, single_tokens={"<think>", "</think>"})
    assert vocab_only is not None and not vocab_only.opens_itself


def test_only_models_whose_template_says_so_always_think() -> None:
    """Issue 17, defect 4: a plain ChatML model with <think> in its vocabulary was said to
    "always think first"."""
    r1 = detect_reasoning(DEEPSEEK_R1_TEMPLATE)
    assert r1 is not None and r1.always_thinks
    assert not THINK.always_thinks  # Qwen3: its switch decides
    vocab_only = detect_reasoning(CHATML, single_tokens={"<think>", "</think>"})
    assert vocab_only is not None and not vocab_only.always_thinks


def test_a_template_that_reshapes_thinking_gets_none_rather_than_failing() -> None:
    from desktop.core.conversation import ChatMessage, Role

    source = (
        "{% for m in messages %}{{ m.role }}: {{ m.content }}"
        "{% if m.reasoning_content is defined %}[{{ m.reasoning_content[:5] }}]{% endif %};"
        "{% endfor %}"
    )
    history = (
        ChatMessage(Role.USER, "q"),
        ChatMessage(Role.ASSISTANT, "a", thinking="long thoughts"),
        ChatMessage(Role.USER, "q2"),
    )
    text = "".join(s.text for s in _template(source).render_segments(history))
    assert text == "user: q;assistant: a;user: q2;"


harmony_soup = st.lists(
    st.sampled_from(
        [
            "<|channel|>",
            "<|message|>",
            "<|end|>",
            "<|start|>",
            "analysis",
            "final",
            "assistant",
            "<|",
            "|>",
            "<",
            "a",
            " ",
            "中",
        ]
    ),
    max_size=30,
).map("".join)


@given(harmony_soup, st.lists(st.integers(min_value=0, max_value=300), max_size=12))
def test_harmony_any_chunking_matches_one_shot(text: str, cuts: list[int]) -> None:
    points = sorted({c % (len(text) + 1) for c in cuts})
    bounds = [0, *points, len(text)]
    chunks = [text[a:b] for a, b in itertools.pairwise(bounds)]
    for mode in (SplitMode.HEADER, SplitMode.THINKING):
        thinking, answer, _ = run(HARMONY, chunks, mode)
        assert (thinking, answer) == run(HARMONY, [text], mode)[:2]
        for marker in ("<|channel|>", "<|message|>", "<|end|>", "<|start|>"):
            assert marker not in thinking and marker not in answer

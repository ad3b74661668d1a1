"""Reasoning ("thinking") replies: which markers a model uses, and splitting them out of a stream.

Reasoning models write their thinking before the answer between markers that their chat
template and vocabulary define: ``<think>…</think>`` (DeepSeek-R1 distills, Qwen3, QwQ, Phi-4
reasoning, GLM), ``<seed:think>…</seed:think>`` (Seed-OSS), ``[THINK]…[/THINK]`` (Magistral), and
gpt-oss's harmony channels (``<|channel|>analysis<|message|>…<|end|><|start|>assistant
<|channel|>final<|message|>…``). The format is detected from the template text and from which
marker strings are single tokens in the vocabulary, never from one hard-coded string.

`ReasoningSplitter` runs on the per-token path: it turns decoded text chunks into (thinking,
answer) deltas, holding back only a suffix that could still grow into a marker, so a marker split
across any number of chunks is still found and never shown. Once the answer has started and no
further marker can matter, it costs one attribute check per chunk.
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass
from enum import IntEnum, StrEnum

__all__ = [
    "CANDIDATE_MARKERS",
    "ReasoningFormat",
    "ReasoningKind",
    "ReasoningSplitter",
    "SplitMode",
    "detect_reasoning",
    "start_mode",
]


class ReasoningKind(StrEnum):
    TAGS = "tags"  # an open and a close marker around the thinking
    HARMONY = "harmony"  # gpt-oss: messages on named channels


# Tag pairs in the order we prefer them when a template mentions several.
_TAG_PAIRS: tuple[tuple[str, str], ...] = (
    ("<think>", "</think>"),
    ("<seed:think>", "</seed:think>"),
    ("[THINK]", "[/THINK]"),
    ("<|begin_of_thought|>", "<|end_of_thought|>"),
)

_H_CHANNEL = "<|channel|>"
_H_MESSAGE = "<|message|>"
_H_END = "<|end|>"
_H_START = "<|start|>"
_HARMONY_MARKERS = (_H_CHANNEL, _H_MESSAGE, _H_END, _H_START)

CANDIDATE_MARKERS: tuple[str, ...] = (
    *(marker for pair in _TAG_PAIRS for marker in pair),
    *_HARMONY_MARKERS,
)
"""Strings the engine checks against the vocabulary; those that are one token count as evidence
for a format (and must be rendered as text even when they are control tokens)."""

# Template variables that switch thinking on or off, in the order they are looked for:
# Qwen3/SmolLM3/Hunyuan use enable_thinking, DeepSeek-V3.1 and Granite use thinking.
_TOGGLE_VARIABLES = ("enable_thinking", "thinking")

EFFORT_VARIABLE = "reasoning_effort"
"""The template variable that sets how much a model thinks (gpt-oss's harmony template)."""
EFFORT_LEVELS = ("low", "medium", "high")
"""The values such templates take, least thinking first."""

_MAX_HEADER_CHARS = 200
"""Harmony header text (role, channel, recipient) longer than this is not a header."""


@dataclass(frozen=True, slots=True)
class ReasoningFormat:
    """How one model marks its thinking, as detected at load.

    open_marker/close_marker delimit thinking (for harmony: the analysis channel's header and
    the end of a message). force_answer is the text that, appended to the reply so far, closes
    the thinking and makes the model answer; it is evaluated as template text when the thinking
    budget runs out. toggle names the template variable that turns thinking on or off, None
    when the template has no such switch. markers are every string that must reach the splitter
    as text (the engine renders them even where they are control tokens). opens_itself says
    the reply should be started inside the thinking when the template's generation prompt
    does not open it: DeepSeek-R1 distills with their first template skip the opening tag (or
    the whole thinking) unless the prompt already holds it, as DeepSeek advises. effort is
    EFFORT_VARIABLE when the template reads it (how much to think, one of EFFORT_LEVELS).
    """

    kind: ReasoningKind
    open_marker: str
    close_marker: str
    force_answer: str
    toggle: str | None = None
    markers: tuple[str, ...] = ()
    opens_itself: bool = False
    effort: str | None = None

    @property
    def always_thinks(self) -> bool:
        """Whether the model thinks before every answer: harmony models do, and so does a
        model whose template strips old thinking and has no switch. A model that merely has
        the markers in its vocabulary may think, or not."""
        return self.toggle is None and (self.kind == ReasoningKind.HARMONY or self.opens_itself)

    def without_marker_stops(self, stops: Collection[str]) -> tuple[str, ...]:
        """Stop strings minus the format's markers: harmony's ``<|end|>`` ends a message, not
        the reply (the same string ends a turn for Phi-3, so the template alone adds it)."""
        return tuple(stop for stop in stops if stop not in self.markers)


@functools.lru_cache(maxsize=16)
def _template_variables(source: str) -> frozenset[str]:
    """Names the template reads from its context; parsing only, nothing is rendered.

    Jinja is imported here, at the first model load, not with the app (see start-up)."""
    import jinja2
    import jinja2.meta

    try:
        env = jinja2.Environment(extensions=["jinja2.ext.loopcontrols"])
        return frozenset(jinja2.meta.find_undeclared_variables(env.parse(source)))
    except Exception:  # an unparsable template offers no switch; prompt.py reports its error
        return frozenset()


def detect_reasoning(
    template_source: str | None, single_tokens: Collection[str] = ()
) -> ReasoningFormat | None:
    """The reasoning format of a model, or None for a model that does not think.

    Evidence is the chat template's text (it mentions the markers to strip or add them) and
    `single_tokens`, the CANDIDATE_MARKERS that are one token in the vocabulary. A tag pair
    counts when the template mentions its close marker or both markers are single tokens; a
    vocabulary token alone is not enough for harmony, whose ``<|end|>`` also ends Phi-3 turns.
    """
    source = template_source or ""
    variables = _template_variables(source) if source else frozenset()
    toggle = next((name for name in _TOGGLE_VARIABLES if name in variables), None)
    effort = EFFORT_VARIABLE if EFFORT_VARIABLE in variables else None
    if _H_CHANNEL in source and _H_MESSAGE in source:
        return ReasoningFormat(
            kind=ReasoningKind.HARMONY,
            open_marker=f"{_H_CHANNEL}analysis{_H_MESSAGE}",
            close_marker=_H_END,
            force_answer=f"{_H_END}{_H_START}assistant{_H_CHANNEL}final{_H_MESSAGE}",
            toggle=None,  # reasoning_effort sets how much, never whether
            markers=_HARMONY_MARKERS,
            effort=effort,
        )
    tokens = set(single_tokens)
    for open_marker, close_marker in _TAG_PAIRS:
        in_template = close_marker in source or open_marker in source
        in_vocab = open_marker in tokens and close_marker in tokens
        if in_template or in_vocab:
            return ReasoningFormat(
                kind=ReasoningKind.TAGS,
                open_marker=open_marker,
                close_marker=close_marker,
                force_answer=f"\n{close_marker}\n\n",
                toggle=toggle,
                markers=(open_marker, close_marker),
                # A template that strips old thinking but has no switch belongs to a model that
                # always thinks; one with a switch (Qwen3) opens the tag reliably by itself.
                opens_itself=toggle is None and close_marker in source,
                effort=effort,
            )
    return None


class SplitMode(IntEnum):
    ANSWER = 0
    THINKING = 1
    HEADER = 2  # harmony: between messages, reading a role and channel name


def start_mode(fmt: ReasoningFormat, generation_prompt: str) -> tuple[SplitMode, bool]:
    """Where a reply starts, judged from the end of the rendered prompt.

    Returns (mode, may_open): a template whose generation prompt already opened the thinking
    (``…assistant\\n<think>\\n``) starts in THINKING; one that closed it (Qwen3 with thinking
    off writes an empty ``<think></think>``) starts in the answer and may not open it again.
    """
    tail = generation_prompt.rstrip()
    if fmt.kind == ReasoningKind.HARMONY:
        if tail.endswith(fmt.open_marker):
            return SplitMode.THINKING, True
        if tail.endswith(f"final{_H_MESSAGE}"):
            return SplitMode.ANSWER, False
        return SplitMode.HEADER, True
    if tail.endswith(fmt.close_marker):
        return SplitMode.ANSWER, False
    if tail.endswith(fmt.open_marker):
        return SplitMode.THINKING, True
    return SplitMode.ANSWER, True


class ReasoningSplitter:
    """Splits streamed reply text into thinking and answer; markers never reach either.

    Tags: thinking may open only before any answer text (so an answer that talks about
    ``<think>`` stays intact) and closes once; afterwards everything is answer. Harmony: each
    message's channel decides, analysis and commentary are thinking, final (or anything
    else) is answer. Leading whitespace of the thinking and of the answer is dropped, since
    templates put newlines around the markers.

    Not thread-safe; one instance per reply on the inference thread.
    """

    __slots__ = (
        "_answer_started",
        "_first_chars",
        "_fmt",
        "_header",
        "_held",
        "_markers",
        "_mode",
        "_structured",
        "_thinking_started",
        "thinking_chars",
    )

    def __init__(
        self, fmt: ReasoningFormat, mode: SplitMode = SplitMode.ANSWER, may_open: bool = True
    ) -> None:
        self._fmt = fmt
        self._mode = mode
        self._held = ""
        self._header = ""
        self._answer_started = False
        self._thinking_started = False
        self._structured = mode != SplitMode.HEADER
        self.thinking_chars = 0
        """Characters of thinking sent so far (whitespace included)."""
        if fmt.kind == ReasoningKind.HARMONY:
            self._markers: tuple[str, ...] = _HARMONY_MARKERS
        elif mode == SplitMode.THINKING:
            self._markers = (fmt.close_marker,)
        elif may_open:
            self._markers = (fmt.open_marker,)
        else:
            self._markers = ()
        self._first_chars = frozenset(m[0] for m in self._markers)

    @property
    def format(self) -> ReasoningFormat:
        return self._fmt

    @property
    def mode(self) -> SplitMode:
        return self._mode

    @property
    def thinking(self) -> bool:
        """True while the text now arriving is thinking."""
        return self._mode == SplitMode.THINKING

    @property
    def answer_started(self) -> bool:
        """True once answer text other than whitespace has been returned."""
        return self._answer_started

    @property
    def has_thought(self) -> bool:
        """True once thinking text other than whitespace has been returned."""
        return self._thinking_started

    def feed(self, text: str) -> tuple[str, str]:
        """Returns (thinking, answer) text that is safe to show now; either may be ""."""
        if not self._markers and self._answer_started and not self._held:
            return "", text  # the answer is under way and nothing can change that any more
        buf = self._held + text if self._held else text
        self._held = ""
        thinking: list[str] = []
        answer: list[str] = []
        first_chars = self._first_chars
        while buf:
            if not any(c in buf for c in first_chars):
                self._emit(buf, thinking, answer)
                break
            index, marker = self._find(buf)
            if marker is None:
                hold = self._hold_start(buf)
                self._emit(buf[:hold], thinking, answer)
                self._held = buf[hold:]
                break
            self._emit(buf[:index], thinking, answer)
            if marker not in self._markers:  # the text before it made the marker plain text
                buf = buf[index:]
            else:
                buf = buf[index + len(marker) :]
                self._on_marker(marker)
            first_chars = self._first_chars
        return "".join(thinking), "".join(answer)

    def flush(self) -> tuple[str, str]:
        """Ends the reply: held text is released where it was going.

        A harmony reply that never named a channel (a model not following its format) gets its
        header text as the answer rather than losing it.
        """
        thinking: list[str] = []
        answer: list[str] = []
        held, self._held = self._held, ""
        if held:
            self._emit(held, thinking, answer)
        if self._mode == SplitMode.HEADER and not self._structured and self._header.strip():
            self._mode = SplitMode.ANSWER
            self._emit(self._header, thinking, answer)
        self._header = ""
        return "".join(thinking), "".join(answer)

    # Internals ---------------------------------------------------------------------------

    def _emit(self, text: str, thinking: list[str], answer: list[str]) -> None:
        if not text:
            return
        mode = self._mode
        if mode == SplitMode.THINKING:
            if not self._thinking_started:
                text = text.lstrip()
                if not text:
                    return
                self._thinking_started = True
            self.thinking_chars += len(text)
            thinking.append(text)
        elif mode == SplitMode.ANSWER:
            if not self._answer_started:
                text = text.lstrip()
                if not text:
                    return
                self._answer_started = True
                if self._fmt.kind == ReasoningKind.TAGS:
                    self._set_markers(())  # answer text came first: this reply does not think
            answer.append(text)
        else:
            self._header = (self._header + text)[-_MAX_HEADER_CHARS:]

    def _set_markers(self, markers: tuple[str, ...]) -> None:
        self._markers = markers
        self._first_chars = frozenset(m[0] for m in markers)

    def _on_marker(self, marker: str) -> None:
        fmt = self._fmt
        if fmt.kind == ReasoningKind.TAGS:
            if marker == fmt.open_marker:
                self._mode = SplitMode.THINKING
                self._set_markers((fmt.close_marker,))
            else:
                self._mode = SplitMode.ANSWER
                self._set_markers(())
            return
        self._structured = True
        if marker == _H_MESSAGE:
            if self._mode == SplitMode.HEADER:
                channel = self._header.rsplit(_H_CHANNEL, 1)[-1].strip().lower()
                self._header = ""
                self._mode = (
                    SplitMode.THINKING
                    if channel.startswith(("analysis", "commentary"))
                    else SplitMode.ANSWER
                )
            # <|message|> inside a message is not a header's end; it is dropped like a marker
        elif marker == _H_CHANNEL:
            self._mode = SplitMode.HEADER
            self._header = _H_CHANNEL
        else:  # <|end|> or <|start|>: the next message's header follows
            self._mode = SplitMode.HEADER
            self._header = ""

    def _find(self, buf: str) -> tuple[int, str | None]:
        best, found = -1, None
        for marker in self._markers:
            index = buf.find(marker)
            if index >= 0 and (best < 0 or index < best):
                best, found = index, marker
        return best, found

    def _hold_start(self, buf: str) -> int:
        """Where the longest suffix of buf that could still grow into a marker begins."""
        n = len(buf)
        longest = max(len(m) for m in self._markers)
        for i in range(max(0, n - longest + 1), n):
            tail = buf[i:]
            if any(m.startswith(tail) for m in self._markers):
                return i
        return n

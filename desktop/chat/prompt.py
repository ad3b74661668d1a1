"""Turns a conversation into model input: chat templates, injection safety, context budget.

Chat templates come from GGUF metadata, i.e. from whoever uploaded the file, so they are
untrusted code. They run in Jinja's immutable sandbox with extra limits on output size, loop
ranges, big arithmetic and wall time, and any failure becomes one `TemplateError`.

Message text must never become control tokens: a user typing ``<|im_end|>`` must not be able to
close their own turn. Templates are therefore rendered with random placeholders instead of the
message contents, and the result is split into template text (where the tokenizer may parse
special tokens) and message content (where it must not). The placeholders are wrapped in a
whitespace character so we can tell whether the template trimmed the content and reproduce that.

`plan_prompt` fits the rendered prompt into the context window by dropping whole old turns, in
a way that keeps the kept prefix stable across turns so the KV cache can be reused.
"""

from __future__ import annotations

import dataclasses
import os
import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from desktop.core.conversation import ChatMessage, PromptSegment, Role

__all__ = [
    "KNOWN_END_OF_TURN_MARKERS",
    "ChatTemplate",
    "ConversationTemplateError",
    "PromptPlan",
    "PromptSegment",
    "PromptTooLongError",
    "TemplateError",
    "builtin_template",
    "choose_template",
    "plan_prompt",
]

# Limits for untrusted templates. A real chat prompt is far below all of them.
MAX_OUTPUT_CHARS = 1_000_000  # the prompt, and any one string or list a template builds
# Every string a template builds (by +, ~, filters, methods, macros) counts against this budget
# for the whole render, so keeping many big strings alive (in a list, a namespace or a deep
# recursion) cannot add up to more than ~16-64 MB (1, 2 or 4 bytes a character).
MAX_BUILT_CHARS = 16_000_000
MAX_RANGE_ITEMS = 100_000  # total over all range() calls in one render, so nesting cannot multiply
MAX_INT_ARGUMENT = 100_000  # largest int a template may pass to a function or filter
MAX_SEQUENCE_REPEAT = 1_000_000  # largest str/list that "x" * n may build
MAX_INT_BITS = 1 << 16  # largest integer arithmetic may produce
MAX_FORMAT_WIDTH_DIGITS = 5
MAX_JSON_INDENT = (
    16  # tojson(indent=...) wider than this is refused  # "%999999d" and "{:>999999}" are refused
)
RENDER_TIMEOUT_S = 2.0

# End-of-turn markers we recognise in a GGUF template's source. "[/INST]" is deliberately absent:
# it ends the *user* turn, so the model never needs to stop on it; "[INST]" (the model starting
# a new user turn by itself) is what we stop on for [INST]-style templates.
KNOWN_END_OF_TURN_MARKERS: tuple[str, ...] = (
    "<|im_end|>",
    "<end_of_turn>",
    "<|eot_id|>",
    "<|eom_id|>",
    "<|end|>",
    "<|return|>",
    "<|endoftext|>",
    "<|end_of_text|>",
    "</s>",
)


class TemplateError(Exception):
    """The chat template could not produce a prompt; the message is one sentence for users."""


class ConversationTemplateError(TemplateError):
    """The template refused or failed on this conversation (its raise_exception, a missing key,
    a type error in its own logic); another conversation may render, unlike after a syntax error
    or a sandbox limit, so the built-in template stands in for this render only."""


class PromptTooLongError(Exception):
    """Even the system prompt plus the newest message leave no room for a reply.

    needed_tokens is the prompt size with every droppable turn dropped; available_tokens is
    n_ctx minus the tokens reserved for the reply.
    """

    def __init__(self, needed_tokens: int, available_tokens: int) -> None:
        super().__init__(
            f"The prompt needs {needed_tokens} tokens but only {available_tokens} fit in the "
            "context window after reserving room for the reply."
        )
        self.needed_tokens = needed_tokens
        self.available_tokens = available_tokens


# --------------------------------------------------------------------------------------------
# The sandbox


def _render_text(source: str, variables: dict[str, Any], timeout_s: float | None = None) -> str:
    """Renders untrusted template source, turning every failure into TemplateError.

    The sandbox lives in :mod:`desktop.chat.template_sandbox`, imported at the first render:
    Jinja takes ~25 ms to import, which the window's first frame does not need.
    """
    from desktop.chat.template_sandbox import render_text

    return render_text(source, variables, RENDER_TIMEOUT_S if timeout_s is None else timeout_s)


# --------------------------------------------------------------------------------------------
# Placeholders


_PAD = "\u2003"  # EM SPACE: str.strip() removes it, templates never contain it


def _message_variables(message: ChatMessage, index: int, nonce: str) -> dict[str, str]:
    """A message as the template sees it; an earlier reply's thinking goes in the keys that
    reasoning templates read (Qwen3 and DeepSeek: reasoning_content, gpt-oss: thinking), so
    each template keeps or drops it as its model expects. Its placeholder may be left out."""
    variables = {"role": str(message.role), "content": f"{_PAD}HS{nonce}N{index}E{_PAD}"}
    if message.thinking:
        thinking = f"{_PAD}HS{nonce}T{index}E{_PAD}"
        variables["reasoning_content"] = thinking
        variables["thinking"] = thinking
    return variables


def _render_segments(
    source: str,
    messages: Sequence[ChatMessage],
    add_generation_prompt: bool,
    bos_token: str,
    eos_token: str,
    extra_variables: Sequence[tuple[str, Any]] = (),
) -> tuple[PromptSegment, ...]:
    nonce = os.urandom(8).hex()  # secrets.token_hex(8), without importing hmac/hashlib
    rendered = _render_text(
        source,
        {
            **dict(extra_variables),
            "messages": [_message_variables(m, i, nonce) for i, m in enumerate(messages)],
            "add_generation_prompt": add_generation_prompt,
            "bos_token": bos_token,
            "eos_token": eos_token,
        },
    )
    pattern = re.compile(f"({_PAD}?)HS{nonce}([NT])(\\d+)E({_PAD}?)")
    matches = list(pattern.finditer(rendered))
    indices = sorted(int(m.group(3)) for m in matches if m.group(2) == "N")
    thoughts = [int(m.group(3)) for m in matches if m.group(2) == "T"]
    if (
        indices != list(range(len(messages)))
        or len(set(thoughts)) != len(thoughts)
        or rendered.count(nonce) != len(matches)
        # A cut piece of some thinking (templates never contain the pad themselves):
        or (any(m.thinking for m in messages) and _PAD in pattern.sub("", rendered))
    ):
        raise _PlaceholderMangled
    segments: list[PromptSegment] = []
    pos = 0
    for match in matches:
        if match.start() > pos:
            segments.append(PromptSegment(rendered[pos : match.start()], True))
        message = messages[int(match.group(3))]
        content = message.content if match.group(2) == "N" else message.thinking
        if not match.group(1):
            content = content.lstrip()
        if not match.group(4):
            content = content.rstrip()
        if content:
            segments.append(PromptSegment(content, False))
        pos = match.end()
    if pos < len(rendered):
        segments.append(PromptSegment(rendered[pos:], True))
    return tuple(segments)


class _PlaceholderMangled(Exception):
    """The template changed message text instead of inserting it, so it cannot be split."""


# --------------------------------------------------------------------------------------------
# Templates


@dataclass(frozen=True, slots=True)
class ChatTemplate:
    """A chat template plus what is needed to render it and to know when a reply has ended.

    origin is "gguf" for the model's own template, "builtin:<name>" for ours, and
    "builtin:<name>:fallback" when the model had a template we could not use (see note).
    fold_system is set for templates that reject a system role: the system prompt is then put
    in front of the first user message before rendering. fallback (the built-in template for the
    architecture, set by choose_template on the model's own template) renders the conversations
    the model's template refuses or fails on, one render at a time: a template that cannot
    handle one conversation (say, the probe's) still renders all the others itself.
    """

    source: str
    origin: str
    bos_token: str = ""
    eos_token: str = ""
    stop_strings: tuple[str, ...] = ()
    """End-of-turn texts matched on the reply's text: markers that are not one control token
    of the loaded model (and, before a model is loaded, every marker)."""
    stop_tokens: frozenset[int] = frozenset()
    """The loaded model's control-token ids for the other markers: a reply ends there only when
    the model writes the token itself, never when it quotes the marker's characters."""
    fold_system: bool = False
    note: str = field(default="", compare=False)
    variables: tuple[tuple[str, Any], ...] = ()
    """Extra template variables for every render, e.g. (("enable_thinking", False),)."""
    fallback: ChatTemplate | None = None

    def render_segments(
        self, messages: Sequence[ChatMessage], add_generation_prompt: bool = True
    ) -> tuple[PromptSegment, ...]:
        """Renders messages; template text is parse_special=True, message text False.

        Raises TemplateError when the template fails (and, for a ConversationTemplateError,
        there is no fallback), or when it alters message text so that the placeholders cannot
        be found again (choose_template avoids such templates).
        """
        try:
            return self._render_own(messages, add_generation_prompt)
        except ConversationTemplateError:
            if self.fallback is None:
                raise
            return self.fallback.render_segments(messages, add_generation_prompt)

    def plain(self) -> ChatTemplate:
        """This template without its fallback: renders only as the template itself does."""
        return dataclasses.replace(self, fallback=None)

    def _render_own(
        self, messages: Sequence[ChatMessage], add_generation_prompt: bool
    ) -> tuple[PromptSegment, ...]:
        msgs = _fold_system(messages) if self.fold_system else tuple(messages)
        try:
            return _render_segments(
                self.source,
                msgs,
                add_generation_prompt,
                self.bos_token,
                self.eos_token,
                self.variables,
            )
        except _PlaceholderMangled as exc:
            if any(m.thinking for m in msgs):
                # The template reshapes earlier thinking (cuts it, say); it goes unsent then.
                plain = tuple(dataclasses.replace(m, thinking="") for m in msgs)
                return self._render_own(plain, add_generation_prompt)
            raise TemplateError(
                "The chat template changes message text instead of inserting it, so it cannot "
                "be used safely."
            ) from exc


def _fold_system(messages: Sequence[ChatMessage]) -> tuple[ChatMessage, ...]:
    msgs = tuple(messages)
    if not msgs or msgs[0].role != Role.SYSTEM:
        return msgs
    system = msgs[0].content
    if len(msgs) > 1 and msgs[1].role == Role.USER:
        merged = ChatMessage(
            Role.USER, f"{system}\n\n{msgs[1].content}" if system else msgs[1].content
        )
        return (merged, *msgs[2:])
    return (ChatMessage(Role.USER, system), *msgs[1:])


_CHATML = r"""
{%- for message in messages -%}
{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>\n' }}
{%- endfor -%}
{%- if add_generation_prompt -%}
{{ '<|im_start|>assistant\n' }}
{%- endif -%}
"""

# Gemma and Mistral have no system role. Both templates open alike: the BOS, then a system
# prompt kept back in ``ns.prefix`` for the first user turn, and a loop over the other messages.
_SYSTEM_AS_PREFIX = r"""
{{ bos_token }}
{%- set ns = namespace(prefix='') -%}
{%- if messages and messages[0]['role'] == 'system' -%}
{%- set ns.prefix = messages[0]['content'] -%}
{%- set loop_messages = messages[1:] -%}
{%- else -%}
{%- set loop_messages = messages -%}
{%- endif -%}
{%- for message in loop_messages -%}
"""

# Gemma: like Google's template, the system prompt opens the first user turn.
_GEMMA = (
    _SYSTEM_AS_PREFIX
    + r"""{%- set role = 'model' if message['role'] == 'assistant' else message['role'] -%}
{%- if ns.prefix and role == 'user' -%}
{{ '<start_of_turn>user\n' + ns.prefix + '\n\n' + (message['content'] | trim) + '<end_of_turn>\n' }}
{%- set ns.prefix = '' -%}
{%- else -%}
{{ '<start_of_turn>' + role + '\n' + (message['content'] | trim) + '<end_of_turn>\n' }}
{%- endif -%}
{%- endfor -%}
{%- if ns.prefix -%}
{{ '<start_of_turn>user\n' + ns.prefix + '<end_of_turn>\n' }}
{%- endif -%}
{%- if add_generation_prompt -%}
{{ '<start_of_turn>model\n' }}
{%- endif -%}
"""
)

_LLAMA3 = r"""
{{ bos_token }}
{%- for message in messages -%}
{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n' }}
{{- (message['content'] | trim) + '<|eot_id|>' }}
{%- endfor -%}
{%- if add_generation_prompt -%}
{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}
{%- endif -%}
"""

_PHI3 = r"""
{%- for message in messages -%}
{{ '<|' + message['role'] + '|>\n' + message['content'] + '<|end|>\n' }}
{%- endfor -%}
{%- if add_generation_prompt -%}
{{ '<|assistant|>\n' }}
{%- endif -%}
"""

# Mistral-instruct / Llama-2 style: the system prompt opens the first [INST].
_MISTRAL = (
    _SYSTEM_AS_PREFIX
    + r"""{%- if message['role'] == 'user' -%}
{%- if ns.prefix -%}
{{ '[INST] ' + ns.prefix + '\n\n' + message['content'] + ' [/INST]' }}
{%- set ns.prefix = '' -%}
{%- else -%}
{{ '[INST] ' + message['content'] + ' [/INST]' }}
{%- endif -%}
{%- else -%}
{{ message['content'] + eos_token }}
{%- endif -%}
{%- endfor -%}
{%- if ns.prefix -%}
{{ '[INST] ' + ns.prefix + ' [/INST]' }}
{%- endif -%}
"""
)

_BUILTINS: dict[str, tuple[str, tuple[str, ...]]] = {
    "chatml": (_CHATML, ("<|im_end|>",)),
    "gemma": (_GEMMA, ("<end_of_turn>",)),
    "llama3": (_LLAMA3, ("<|eot_id|>",)),
    "phi3": (_PHI3, ("<|end|>",)),
    "mistral": (_MISTRAL, ("[INST]",)),
}

_GEMMA_ARCHS = frozenset({"gemma", "gemma2", "gemma3", "gemma3n"})


def _builtin_name(architecture: str, bos_token: str) -> str:
    arch = architecture.strip().lower()
    if arch in _GEMMA_ARCHS:
        return "gemma"
    if arch == "llama" and bos_token == "<|begin_of_text|>":
        return "llama3"
    if arch == "phi3":
        return "phi3"
    # GGUF files of Mistral-instruct and Llama-2-chat usually say "llama" with a "<s>" BOS.
    if arch in ("mistral", "mistral3") or (arch == "llama" and bos_token == "<s>"):
        return "mistral"
    return "chatml"


def _dedupe(stops: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(s for s in stops if s and not s.isspace()))


def builtin_template(architecture: str, bos_token: str = "", eos_token: str = "") -> ChatTemplate:
    """Our own template for models whose GGUF has none (or one we cannot use).

    Gemma for the gemma family, Llama-3 headers for "llama" with a Llama-3 BOS, Phi-3 for
    "phi3", [INST] for Mistral and "llama" with a "<s>" BOS, ChatML for everything else.
    """
    name = _builtin_name(architecture, bos_token)
    source, stops = _BUILTINS[name]
    return ChatTemplate(
        source=source.strip(),
        origin=f"builtin:{name}",
        bos_token=bos_token,
        eos_token=eos_token,
        stop_strings=_dedupe((*stops, eos_token)),
    )


def _gguf_stop_strings(source: str, eos_token: str, extra_stops: Sequence[str]) -> tuple[str, ...]:
    found = [marker for marker in KNOWN_END_OF_TURN_MARKERS if marker in source]
    if "[/INST]" in source:
        found.append("[INST]")
    return _dedupe((*found, eos_token, *extra_stops))


_PROBE_TEXT = ("Be brief.", "Hello there.", "Hi! How can I help?", "Tell me a joke.")


def _probe(template: ChatTemplate, with_system: bool) -> None:
    roles = (Role.SYSTEM, Role.USER, Role.ASSISTANT, Role.USER)
    msgs = [ChatMessage(r, t) for r, t in zip(roles, _PROBE_TEXT, strict=True)]
    template.render_segments(msgs if with_system else msgs[1:], add_generation_prompt=True)


def choose_template(
    gguf_template: str | None,
    architecture: str,
    bos_token: str,
    eos_token: str,
    extra_stops: Sequence[str] = (),
) -> ChatTemplate:
    """The model's own template when it works with placeholders, else a built-in one.

    The GGUF template is probed with a small conversation. If it cannot be compiled, hits a
    sandbox limit or alters message text, the built-in template for the architecture is returned
    with origin "builtin:<name>:fallback" and the reason in note. If it only rejects the system
    role, it is kept with fold_system. Otherwise it is kept with the built-in template as its
    fallback for the renders it refuses or fails on (ConversationTemplateError), even when that
    happened to the probe: the probe's conversation is not the user's.
    """
    extra = _dedupe(extra_stops)
    if not gguf_template or not gguf_template.strip():
        base = builtin_template(architecture, bos_token, eos_token)
        return _with_extra_stops(base, extra)
    own = ChatTemplate(
        source=gguf_template,
        origin="gguf",
        bos_token=bos_token,
        eos_token=eos_token,
        stop_strings=_gguf_stop_strings(gguf_template, eos_token, extra),
    )
    base = builtin_template(architecture, bos_token, eos_token)
    own = _replace(own, stop_strings=_dedupe((*own.stop_strings, *base.stop_strings)))
    own = _replace(own, fallback=_with_extra_stops(base, extra))
    try:
        _probe(own.plain(), with_system=False)
    except ConversationTemplateError as exc:
        return _replace(own, note=_failed_probe_note(base, str(exc)))
    except TemplateError as exc:
        return _fallback(architecture, bos_token, eos_token, extra, str(exc))
    try:
        _probe(own.plain(), with_system=True)
    except TemplateError as exc:
        if "changes message text" in str(exc):
            return _fallback(architecture, bos_token, eos_token, extra, str(exc))
        folded = _replace(own, fold_system=True, note="The model's template has no system role.")
        try:
            _probe(folded.plain(), with_system=True)
        except ConversationTemplateError as exc2:
            return _replace(own, note=_failed_probe_note(base, str(exc2)))
        except TemplateError as exc2:
            return _fallback(architecture, bos_token, eos_token, extra, str(exc2))
        return folded
    return own


def _failed_probe_note(base: ChatTemplate, reason: str) -> str:
    return (
        f"The model's chat template failed on a test conversation ({reason.rstrip('.')}); the "
        f"built-in {base.origin.removeprefix('builtin:')} template is used for conversations "
        "it fails on."
    )


def _replace(template: ChatTemplate, **changes: Any) -> ChatTemplate:
    return dataclasses.replace(template, **changes)


def _with_extra_stops(template: ChatTemplate, extra: tuple[str, ...]) -> ChatTemplate:
    return _replace(template, stop_strings=_dedupe((*template.stop_strings, *extra)))


def _fallback(
    architecture: str, bos_token: str, eos_token: str, extra: tuple[str, ...], reason: str
) -> ChatTemplate:
    base = builtin_template(architecture, bos_token, eos_token)
    return _replace(
        _with_extra_stops(base, extra),
        origin=f"{base.origin}:fallback",
        note=f"The model's own chat template was not used. {reason}",
    )


# --------------------------------------------------------------------------------------------
# Context budget


@dataclass(frozen=True, slots=True)
class PromptPlan:
    segments: tuple[PromptSegment, ...]
    tokens: tuple[int, ...]
    dropped_messages: int  # messages left out after the system prompt, oldest first


Tokenize = Callable[[Sequence[PromptSegment]], list[int]]


@dataclass(frozen=True, slots=True)
class PromptBudget:
    """How one request's messages become a prompt and the room it has: ``template`` renders
    them (thinking switch set), ``tokenize`` counts the rendered segments, and the prompt keeps
    ``reserve_tokens`` of the ``n_ctx`` window free for the reply.

    One value per request, so the plan, the meter's forecast, the passages fitted at send and
    the plan after a summary all measure alike."""

    template: ChatTemplate
    tokenize: Tokenize
    n_ctx: int
    reserve_tokens: int

    @property
    def limit(self) -> int:
        """The most tokens the prompt may have."""
        return self.n_ctx - self.reserve_tokens

    def count(self, messages: Sequence[ChatMessage]) -> int:
        """Tokens of ``messages`` rendered as they are, nothing dropped."""
        return len(self.tokenize(self.template.render_segments(messages)))


def plan_prompt(
    messages: Sequence[ChatMessage],
    budget: PromptBudget,
    min_dropped: int = 0,
    refill_fraction: float = 0.5,
) -> PromptPlan:
    """Renders and tokenizes the conversation so that it fits ``budget.limit``.

    A leading system message and the newest turn are always kept. Older turns (a user message
    and the replies after it) are dropped whole, oldest first, starting from min_dropped messages
    (the previous plan's count, rounded up to a turn boundary) so the prompt prefix, and with it
    the KV cache, stays the same from one turn to the next. When more must go, enough is dropped
    to bring the prompt under refill_fraction * n_ctx, so the cache is rebuilt once per overflow
    rather than on every turn, but no more than that. Binary search keeps tokenize calls at
    O(log turns); this assumes fewer turns never means more tokens, and the result fits even if
    a strange template breaks that assumption.

    Raises ValueError for no messages or nonsensical numbers, PromptTooLongError when even the
    smallest prompt does not fit, and TemplateError from rendering.
    """
    if not messages:
        raise ValueError("plan_prompt needs at least one message")
    template, tokenize, n_ctx = budget.template, budget.tokenize, budget.n_ctx
    if n_ctx <= 0 or budget.reserve_tokens < 0 or min_dropped < 0:
        raise ValueError("n_ctx must be positive; reserve_tokens and min_dropped non-negative")
    if not 0.0 < refill_fraction <= 1.0:
        raise ValueError("refill_fraction must be in (0, 1]")

    msgs = tuple(messages)
    has_system = msgs[0].role == Role.SYSTEM and len(msgs) > 1
    head = msgs[:1] if has_system else ()
    history = msgs[1:] if has_system else msgs
    # A turn starts at every user message; anything before the first one (a greeting from the
    # assistant) belongs to the first turn, so dropping never leaves a reply without its question.
    turn_starts = [0] + [i for i in range(1, len(history)) if history[i].role == Role.USER]
    droppable = len(turn_starts) - 1  # the newest turn always stays

    hard_limit = budget.limit
    soft_limit = min(hard_limit, int(refill_fraction * n_ctx))
    cache: dict[int, tuple[tuple[PromptSegment, ...], tuple[int, ...]]] = {}

    def measure(turns: int) -> tuple[tuple[PromptSegment, ...], tuple[int, ...]]:
        if turns not in cache:
            segments = template.render_segments((*head, *history[turn_starts[turns] :]))
            cache[turns] = (segments, tuple(tokenize(segments)))
        return cache[turns]

    def plan(turns: int) -> PromptPlan:
        segments, tokens = measure(turns)
        return PromptPlan(segments, tokens, turn_starts[turns])

    start = min(bisect_left(turn_starts, min_dropped), droppable)
    if len(measure(start)[1]) <= hard_limit:
        return plan(start)
    smallest = len(measure(droppable)[1])
    if smallest > hard_limit:
        raise PromptTooLongError(smallest, hard_limit)
    if smallest > soft_limit or droppable == start + 1:
        return plan(droppable)
    lo, hi = start + 1, droppable  # invariant: hi fits the soft limit
    while lo < hi:
        mid = (lo + hi) // 2
        if len(measure(mid)[1]) <= soft_limit:
            hi = mid
        else:
            lo = mid + 1
    return plan(hi)

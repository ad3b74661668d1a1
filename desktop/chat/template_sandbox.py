"""The Jinja sandbox that renders a model's chat template (untrusted: it comes with the file).

Split from :mod:`desktop.chat.prompt` so that importing Jinja (~25 ms) waits for the first
render instead of the app's start. The limits are declared in :mod:`desktop.chat.prompt`.
"""

from __future__ import annotations

import functools
import json
import re
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from datetime import datetime
from types import FrameType
from typing import Any

import jinja2
import jinja2.ext
import jinja2.parser
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.utils import Namespace

from desktop.chat.prompt import (
    MAX_BUILT_CHARS,
    MAX_FORMAT_WIDTH_DIGITS,
    MAX_INT_ARGUMENT,
    MAX_INT_BITS,
    MAX_JSON_INDENT,
    MAX_OUTPUT_CHARS,
    MAX_RANGE_ITEMS,
    MAX_SEQUENCE_REPEAT,
    ConversationTemplateError,
    TemplateError,
)

__all__ = ["render_text"]


class _TemplateRaised(jinja2.TemplateError):
    """raise_exception() from the template itself: its message is meant for the user."""


class _RenderTimeout(Exception):
    pass


def _raise_exception(message: str) -> None:
    raise _TemplateRaised(str(message))


def _strftime_now(format: str) -> str:
    return datetime.now().strftime(format)


def _tojson(
    value: Any,
    ensure_ascii: bool = False,
    indent: int | str | None = None,
    separators: Any = None,
    sort_keys: bool = False,
) -> str:
    """Hugging Face's tojson, with the same arguments: no HTML escaping, which Jinja's default
    applies and tool templates do not expect."""
    pad = len(indent) if isinstance(indent, str) else (indent or 0)
    if pad > MAX_JSON_INDENT:
        raise SecurityError("a chat template asked for a JSON indent that wide")
    _refuse_over(_text_size(value) * (1 + pad), "a JSON text")
    return json.dumps(
        value, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys
    )


class _GenerationBlock(jinja2.ext.Extension):
    """``{% generation %}...{% endgeneration %}``: renders its body unchanged.

    Transformers uses the block to find the assistant's tokens for training masks; templates
    written for it must still render here.
    """

    tags = frozenset({"generation"})

    def parse(self, parser: jinja2.parser.Parser) -> jinja2.nodes.Node:
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(("name:endgeneration",), drop_needle=True)
        call = self.call_method("generation_support")
        return jinja2.nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def generation_support(self, caller: Callable[[], str]) -> str:
        return caller()


def _check_int(value: Any) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT_ARGUMENT:
        raise SecurityError(f"the number {value} is too large for a chat template")


_WIDE = "\\d{" + str(MAX_FORMAT_WIDTH_DIGITS + 1) + ",}"
_PERCENT_WIDTH = re.compile(r"%[^a-zA-Z%]*?" + _WIDE)
_BRACE_WIDTH = re.compile(r"\{[^{}]*:[^{}]*?" + _WIDE)


def _check_format_string(fmt: Any) -> None:
    if isinstance(fmt, str) and (_PERCENT_WIDTH.search(fmt) or _BRACE_WIDTH.search(fmt)):
        raise SecurityError("format widths that large are not allowed in a chat template")


# --------------------------------------------------------------------------------------------
# Size limits: every string or list a template builds is capped when it is built, so that no
# template can take gigabytes (doubling a string 32 times in a loop, a macro or a namespace)
# before the clock or the final output check stops it.


class _RenderBudget(threading.local):
    """What the render running on this thread has built so far (renders do not nest)."""

    built = 0


_BUDGET = _RenderBudget()


def _refuse_over(size: int, what: str) -> None:
    if size > MAX_OUTPUT_CHARS:
        raise SecurityError(f"a chat template tried to build {what} over a million characters long")


def _charge(value: Any) -> Any:
    """Checks a string or list a template just built against the caps; returns it unchanged."""
    if isinstance(value, str):
        size = len(value)
        _refuse_over(size, "a string")
    elif isinstance(value, (list, tuple)):
        size = len(value)
        if size > MAX_SEQUENCE_REPEAT:
            raise SecurityError("a chat template tried to build a list of over a million items")
    else:
        return value
    _BUDGET.built += size
    if _BUDGET.built > MAX_BUILT_CHARS:
        raise SecurityError("a chat template built more text than any prompt needs")
    return value


def _text_size(value: Any, limit: int = MAX_OUTPUT_CHARS) -> int:
    """A lower bound of len(str(value)), counted without building it; stops counting past limit.

    str() of a list that holds one big string a million times would be a terabyte.
    """
    if isinstance(value, str):
        return len(value)
    total = 0
    stack = [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item) + 2
        elif isinstance(item, dict):
            total += 2 + 2 * len(item)
            if total <= limit:
                stack.extend(item.keys())
                stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            total += 2 + len(item)
            if total <= limit:
                stack.extend(item)
        elif isinstance(item, Namespace):
            total += 12
            stack.extend(object.__getattribute__(item, "__dict__").values())
        else:
            total += 1
    return total


def _bounded_str(value: Any) -> str:
    """str(value), refused before it is built when it would be over the cap."""
    if type(value) is not str:
        _refuse_over(_text_size(value), "a string")
        value = str(value)
    _refuse_over(len(value), "a string")
    return value


def _bounded_concat(parts: Any) -> str:
    """Jinja's concat (macro and block bodies) and the ~ operator, with the cap checked first."""
    texts = [_bounded_str(part) for part in parts]
    _refuse_over(sum(map(len, texts)), "a string")
    return _charge("".join(texts))


class _BoundedCodeGenerator(CodeGenerator):
    """Compiles ``a ~ b`` to the environment's bounded concat instead of Jinja's str_join."""

    @optimizeconst
    def visit_Concat(self, node: jinja2.nodes.Concat, frame: Frame) -> None:
        self.write("environment.concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


def _format_size(fmt: str, marker: str, args: Any) -> int:
    """An upper bound of fmt's formatted size: every field could hold all the arguments."""
    return len(fmt) + fmt.count(marker) * _text_size(args)


def _check_str_method(
    method: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Any, ...]:
    """Refuses str methods whose result would be over the cap, before they build it.

    Returns the arguments to call with (str.join's iterable, read once here, as a list).
    """
    text = getattr(method, "__self__", None)
    if not isinstance(method, types.BuiltinMethodType) or not isinstance(text, str):
        return args
    name = method.__name__
    if name == "join" and args:
        items = list(args[0])
        _refuse_over(_text_size(items) + len(text) * len(items), "a joined string")
        return (items, *args[1:])
    if name == "replace" and len(args) >= 2 and isinstance(args[0], str):
        old, new = args[0], _bounded_str(args[1])
        count = text.count(old) if old else len(text) + 1
        limit = args[2] if len(args) > 2 else kwargs.get("count", -1)
        if isinstance(limit, int) and limit >= 0:
            count = min(count, limit)
        _refuse_over(len(text) + count * max(len(new) - len(old), 0), "a string")
    elif name == "expandtabs":
        tabsize = args[0] if args else kwargs.get("tabsize", 8)
        if isinstance(tabsize, int):
            _refuse_over(len(text) + text.count("\t") * tabsize, "a string")
    elif name in ("translate", "maketrans"):
        raise SecurityError("str.translate is not available to chat templates")
    return args


def _bounded_filters(filters: dict[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    """Jinja's filters that can multiply their input's size, with the size checked first."""
    join, replace, indent = filters["join"], filters["replace"], filters["indent"]
    wordwrap, pprint, total = filters["wordwrap"], filters["pprint"], filters["sum"]

    @jinja2.pass_eval_context
    def bounded_join(eval_ctx: Any, value: Any, d: str = "", attribute: Any = None) -> str:
        items = list(value)
        _refuse_over(_text_size(items) + len(str(d)) * len(items), "a joined string")
        return join(eval_ctx, items, d, attribute)

    @jinja2.pass_eval_context
    def bounded_replace(eval_ctx: Any, s: Any, old: Any, new: Any, count: Any = None) -> str:
        text, old_text, new_text = _bounded_str(s), _bounded_str(old), _bounded_str(new)
        times = text.count(old_text) if old_text else len(text) + 1
        if isinstance(count, int):
            times = min(times, max(count, 0))
        _refuse_over(len(text) + times * max(len(new_text) - len(old_text), 0), "a string")
        return replace(eval_ctx, s, old, new, count)

    def bounded_indent(s: Any, width: Any = 4, first: bool = False, blank: bool = False) -> str:
        text = _bounded_str(s)
        pad = len(width) if isinstance(width, str) else int(width)
        _refuse_over(len(text) + (text.count("\n") + 1) * pad, "an indented string")
        return indent(s, width, first, blank)

    @jinja2.pass_environment
    def bounded_wordwrap(environment: Any, s: Any, width: int = 79, *args: Any, **kw: Any) -> str:
        text = _bounded_str(s)
        wrapstring = kw.get("wrapstring", args[1] if len(args) > 1 else None)
        breaks = len(text) // max(int(width), 1) + 1
        _refuse_over(len(text) + breaks * len(wrapstring or "\n"), "a wrapped string")
        return wordwrap(environment, s, width, *args, **kw)

    def bounded_pprint(value: Any) -> str:
        _refuse_over(_text_size(value), "a string")
        return pprint(value)

    @jinja2.pass_environment
    def bounded_sum(environment: Any, iterable: Any, attribute: Any = None, start: Any = 0) -> Any:
        items = list(iterable)
        if isinstance(start, (list, tuple)) or any(isinstance(i, (list, tuple)) for i in items):
            size = sum(len(i) for i in (start, *items) if isinstance(i, (list, tuple, str)))
            if size > MAX_SEQUENCE_REPEAT:
                raise SecurityError("a chat template tried to build a list of over a million items")
        return total(environment, items, attribute, start)

    return {
        **filters,
        "join": bounded_join,
        "replace": bounded_replace,
        "indent": bounded_indent,
        "wordwrap": bounded_wordwrap,
        "pprint": bounded_pprint,
        "string": _bounded_str,
        "sum": bounded_sum,
    }


def _guard_filter(func: Callable[..., Any]) -> Callable[..., Any]:
    """Wraps a filter so huge int arguments (center(10**9), batch(10**9)) are refused.

    functools.wraps copies Jinja's pass_context/pass_environment marker with __dict__.
    """

    skip = 2 if hasattr(func, "jinja_pass_arg") else 1

    @functools.wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        for arg in args[skip:]:
            _check_int(arg)
        for arg in kwargs.values():
            _check_int(arg)
        return _charge(func(*args, **kwargs))

    return guarded


class _BoundedSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox plus limits on memory and CPU bombs it does not cover.

    Every string or list a template builds is checked where it is built: ``+``, ``*`` and
    ``%`` here, ``~`` and macro/block bodies in concat (see _BoundedCodeGenerator), str methods
    in call, filters in _guard_filter, and ``{{ value }}`` in finalize.
    """

    intercepted_binops = frozenset({"+", "*", "**", "%"})
    code_generator_class = _BoundedCodeGenerator
    concat = staticmethod(_bounded_concat)

    def call_binop(
        self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
    ) -> Any:
        if operator == "+":
            if isinstance(left, str) and isinstance(right, str):
                _refuse_over(len(left) + len(right), "a string")
            elif (
                isinstance(left, (list, tuple))
                and isinstance(right, (list, tuple))
                and len(left) + len(right) > MAX_SEQUENCE_REPEAT
            ):
                raise SecurityError("a chat template tried to build a list of over a million items")
        elif operator == "*":
            for seq, times in ((left, right), (right, left)):
                if (
                    isinstance(seq, (str, list, tuple))
                    and isinstance(times, int)
                    and len(seq) * max(times, 0) > MAX_SEQUENCE_REPEAT
                ):
                    raise SecurityError("a chat template tried to build a huge string or list")
            if (
                isinstance(left, int)
                and isinstance(right, int)
                and left.bit_length() + right.bit_length() > MAX_INT_BITS
            ):
                raise SecurityError("a chat template tried to compute a huge number")
        elif (
            operator == "**"
            and isinstance(left, int)
            and isinstance(right, int)
            and right > 0
            and left.bit_length() * right > MAX_INT_BITS
        ):
            raise SecurityError("a chat template tried to compute a huge number")
        elif operator == "%" and isinstance(left, str):
            _check_format_string(left)
            _refuse_over(_format_size(left, "%", right), "a formatted string")
        return _charge(super().call_binop(context, operator, left, right))

    def call(
        __self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any
    ) -> Any:
        for arg in args:
            _check_int(arg)
        for arg in kwargs.values():
            _check_int(arg)
        args = _check_str_method(__obj, args, kwargs)
        return _charge(super().call(__context, __obj, *args, **kwargs))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        fmt = value.__self__
        _check_format_string(fmt)

        def bounded_format(*args: Any, **kwargs: Any) -> str:
            _refuse_over(_format_size(fmt, "{", (args, kwargs)), "a formatted string")
            return _charge(wrapped(*args, **kwargs))

        return bounded_format


def _make_environment() -> _BoundedSandbox:
    env = _BoundedSandbox(
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.loopcontrols", _GenerationBlock],
        undefined=jinja2.Undefined,
        autoescape=False,
        finalize=_bounded_str,
    )
    env.filters = _bounded_filters(env.filters)
    env.filters["tojson"] = _tojson
    env.filters["format"] = _format_filter
    env.filters = {name: _guard_filter(f) for name, f in env.filters.items()}
    env.tests = {name: _guard_filter(f) for name, f in env.tests.items()}
    env.globals["raise_exception"] = _raise_exception
    env.globals["strftime_now"] = _strftime_now
    env.globals.pop("lipsum", None)  # no template needs filler text
    return env


def _format_filter(value: Any, *args: Any, **kwargs: Any) -> str:
    _check_format_string(value)
    if args and kwargs:
        raise SecurityError("format filter takes positional or keyword arguments, not both")
    _refuse_over(_format_size(str(value), "%", (args, kwargs)), "a formatted string")
    return str(value) % (kwargs or args)


_ENV = _make_environment()


@functools.lru_cache(maxsize=16)
def _compile(source: str) -> jinja2.Template:
    """Compiling is the slow part of rendering; the template is reused for every turn."""
    return _ENV.from_string(source)


def _capped_range_factory() -> Callable[..., range]:
    """A range() whose items count against one budget for the whole render."""
    budget = [MAX_RANGE_ITEMS]

    def capped_range(*args: int) -> range:
        rng = range(*args)
        budget[0] -= len(rng)
        if budget[0] < 0:
            raise SecurityError("a chat template loops too many times")
        return rng

    return capped_range


def _run_with_deadline(chunks: Iterator[str], timeout_s: float) -> str:
    """Joins rendered chunks, stopping runaway output and runaway loops.

    Loops over template data (say, nested loops over a long string) are not covered by the range
    budget, so template frames get a line tracer that checks the clock. The tracer is only
    installed when no other tracer (debugger, coverage) is active, and is removed afterwards.
    """
    deadline = time.monotonic() + timeout_s

    def local_trace(frame: FrameType, event: str, arg: Any) -> Any:
        if time.monotonic() > deadline:
            raise _RenderTimeout
        return local_trace

    def global_trace(frame: FrameType, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename == "<template>":
            return local_trace
        return None

    install = sys.gettrace() is None
    parts: list[str] = []
    size = 0
    if install:
        sys.settrace(global_trace)
    try:
        for chunk in chunks:
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise SecurityError("the chat template produced more than a megabyte of text")
            parts.append(chunk)
    finally:
        if install:
            sys.settrace(None)
    return "".join(parts)


def _one_line(text: str, limit: int = 200) -> str:
    line = " ".join(str(text).split())
    if len(line) > limit:
        line = line[: limit - 1] + "…"
    return line.rstrip(".")


def render_text(source: str, variables: dict[str, Any], timeout_s: float) -> str:
    """Renders untrusted template source, turning every failure into TemplateError."""
    try:
        template = _compile(source)
    except jinja2.TemplateSyntaxError as exc:
        detail = _one_line(exc.message or "")
        raise TemplateError(
            f"The chat template has a syntax error on line {exc.lineno}: {detail}."
        ) from exc
    except Exception as exc:  # the Jinja compiler can fail in other ways on hostile input
        raise TemplateError(f"The chat template could not be compiled: {_one_line(exc)}.") from exc
    variables = {**variables, "range": _capped_range_factory()}
    _BUDGET.built = 0
    try:
        return _run_with_deadline(template.generate(**variables), timeout_s)
    except _TemplateRaised as exc:
        raise ConversationTemplateError(
            f"The chat template rejected this conversation: {_one_line(exc.message or '')}."
        ) from exc
    except _RenderTimeout as exc:
        raise TemplateError("The chat template took too long to render.") from exc
    except SecurityError as exc:
        raise TemplateError(f"The chat template was stopped: {_one_line(exc)}.") from exc
    except RecursionError as exc:
        raise TemplateError("The chat template recursed too deeply.") from exc
    except MemoryError as exc:
        raise TemplateError("The chat template ran out of memory.") from exc
    except Exception as exc:  # TypeError, UndefinedError, ... from the template's own logic
        raise ConversationTemplateError(f"The chat template failed: {_one_line(exc)}.") from exc

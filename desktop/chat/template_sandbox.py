"""The Jinja sandbox that renders a model's chat template (untrusted: it comes with the file).

Split from :mod:`desktop.chat.prompt` so that importing Jinja (~25 ms) waits for the first
render instead of the app's start. The limits are declared in :mod:`desktop.chat.prompt`.
"""

from __future__ import annotations

import functools
import json
import re
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from types import FrameType
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from desktop.chat.prompt import (
    MAX_FORMAT_WIDTH_DIGITS,
    MAX_INT_ARGUMENT,
    MAX_INT_BITS,
    MAX_OUTPUT_CHARS,
    MAX_RANGE_ITEMS,
    MAX_SEQUENCE_REPEAT,
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


def _tojson(value: Any, indent: int | None = None) -> str:
    # Hugging Face's tojson: no HTML escaping, which Jinja's default applies and tool templates
    # do not expect.
    return json.dumps(value, ensure_ascii=False, indent=indent)


def _check_int(value: Any) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT_ARGUMENT:
        raise SecurityError(f"the number {value} is too large for a chat template")


_WIDE = "\\d{" + str(MAX_FORMAT_WIDTH_DIGITS + 1) + ",}"
_PERCENT_WIDTH = re.compile(r"%[^a-zA-Z%]*?" + _WIDE)
_BRACE_WIDTH = re.compile(r"\{[^{}]*:[^{}]*?" + _WIDE)


def _check_format_string(fmt: Any) -> None:
    if isinstance(fmt, str) and (_PERCENT_WIDTH.search(fmt) or _BRACE_WIDTH.search(fmt)):
        raise SecurityError("format widths that large are not allowed in a chat template")


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
        return func(*args, **kwargs)

    return guarded


class _BoundedSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox plus limits on memory and CPU bombs it does not cover."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(
        self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
    ) -> Any:
        if operator == "*":
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
        elif operator == "%":
            _check_format_string(left)
        return super().call_binop(context, operator, left, right)

    def call(
        __self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any
    ) -> Any:
        for arg in args:
            _check_int(arg)
        for arg in kwargs.values():
            _check_int(arg)
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_format_string(getattr(value, "__self__", None))
        return wrapped


def _make_environment() -> _BoundedSandbox:
    env = _BoundedSandbox(
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.loopcontrols"],
        undefined=jinja2.Undefined,
        autoescape=False,
    )
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
    try:
        return _run_with_deadline(template.generate(**variables), timeout_s)
    except _TemplateRaised as exc:
        raise TemplateError(
            f"The chat template rejected this conversation: {_one_line(exc.message or '')}."
        ) from exc
    except _RenderTimeout as exc:
        raise TemplateError("The chat template took too long to render.") from exc
    except SecurityError as exc:
        raise TemplateError(f"The chat template was stopped: {_one_line(exc)}.") from exc
    except RecursionError as exc:
        raise TemplateError("The chat template recursed too deeply.") from exc
    except Exception as exc:  # TypeError, UndefinedError, MemoryError, ... from template code
        raise TemplateError(f"The chat template failed: {_one_line(exc)}.") from exc

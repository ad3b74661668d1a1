"""Tests for the template sandbox's memory limits (desktop/chat/template_sandbox.py).

A chat template comes with the model file, so it may be hostile. Before these limits a template
could double a string 32 times (through a namespace, a macro's recursion or ``~``) and take
~4 GB in a tenth of a second, long before the 2 s clock noticed: memory is now checked where
each string is built.
"""

from __future__ import annotations

import time
import tracemalloc

import pytest

from desktop.chat.prompt import ChatTemplate, TemplateError
from desktop.chat.template_sandbox import render_text
from desktop.core.conversation import ChatMessage, Role

ASK = [ChatMessage(Role.USER, "Hi"), ChatMessage(Role.ASSISTANT, "Hello!")]
PEAK_LIMIT_BYTES = 50 * 1024 * 1024

BIG = "{% set s = 'x' * 999999 %}"
MEMORY_BOMBS = {
    "namespace doubling with +": (
        "{% set ns = namespace(s='ab') %}{% for i in range(40) %}"
        "{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s | length }}"
    ),
    "namespace doubling with ~": (
        "{% set ns = namespace(s='ab') %}{% for i in range(40) %}"
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}"
    ),
    "macro recursion doubling": (
        "{% macro d(s, n) %}{% if n %}{{ d(s ~ s, n - 1) }}{% else %}{{ s | length }}{% endif %}"
        "{% endmacro %}{{ d('ab', 40) }}"
    ),
    "macro output doubling": (
        "{% macro d(n) %}{% if n %}{% set x = d(n - 1) %}{{ x }}{{ x }}{% else %}ab{% endif %}"
        "{% endmacro %}{{ d(40) | length }}"
    ),
    "list of doubled items": (
        "{% set ns = namespace(l=['ab']) %}{% for i in range(40) %}"
        "{% set ns.l = ns.l + ns.l %}{% endfor %}{{ ns.l | length }}"
    ),
    "many big strings kept alive by a deep macro": (
        "{% macro f(s, n) %}{% if n %}{{ f(s ~ 'x', n - 1) }}{% endif %}{% endmacro %}"
        "{{ f('x' * 999000, 150) }}"
    ),
    "many big strings kept alive in a list": (
        "{% set ns = namespace(l=[]) %}{% for i in range(200) %}"
        "{% set ns.l = ns.l + [('x' * 999000) ~ i] %}{% endfor %}{{ ns.l | length }}"
    ),
    "many big copies kept alive in a list": (
        BIG + "{% set ns = namespace(l=[]) %}{% for i in range(200) %}"
        "{% set ns.l = ns.l + [s.upper()] %}{% endfor %}{{ ns.l | length }}"
    ),
    "printing a list of one big string a million times": BIG + "{{ [s] * 999999 }}",
    "joining it": BIG + "{{ ([s] * 999999) | join }}",
    "str.join": BIG + "{{ ''.join([s] * 999999) }}",
    "tojson of it": BIG + "{{ ([s] * 999999) | tojson }}",
    "replace filter": BIG + "{{ s | replace('x', s) }}",
    "str.replace": BIG + "{{ s.replace('x', s) }}",
    "indent": "{% set s = '\\n' * 999999 %}{{ s | indent(99999) }}",
    "str.format repeating a big field": BIG + "{{ ('{0}' * 300).format(s) }}",
    "percent formatting repeating a big field": BIG + "{{ ('%s' * 300) % ((s,) * 300) }}",
    "sum of lists": "{{ ([[0] * 999999] * 1000) | sum(start=[]) }}",
    "block set doubling": (
        "{% set ns = namespace(s='ab') %}{% for i in range(40) %}"
        "{% set t %}{{ ns.s }}{{ ns.s }}{% endset %}{% set ns.s = t %}{% endfor %}"
    ),
}


@pytest.mark.parametrize("source", MEMORY_BOMBS.values(), ids=MEMORY_BOMBS.keys())
def test_memory_bombs_fail_fast_within_bounded_memory(source: str) -> None:
    """Peak memory of the whole render stays under 50 MB, and the failure is a TemplateError."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(TemplateError) as info:
            ChatTemplate(source, "gguf").render_segments(ASK)
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < PEAK_LIMIT_BYTES, f"peak {peak / 1e6:.0f} MB"
    assert elapsed < 2.0
    message = str(info.value)
    assert message.endswith(".") and "\n" not in message
    assert "took too long" not in message  # stopped by the size caps, not by the clock


def test_the_failure_says_what_was_too_big() -> None:
    with pytest.raises(TemplateError, match="over a million characters"):
        ChatTemplate(MEMORY_BOMBS["namespace doubling with ~"], "gguf").render_segments(ASK)


def test_ordinary_string_building_still_works() -> None:
    """Namespaces, ~, +, joins, block sets and macros that real templates use are unaffected."""
    source = (
        "{% set ns = namespace(s='') %}{% for m in messages %}"
        "{% set ns.s = ns.s + m.role ~ ':' %}{% endfor %}"
        "{% macro wrap(x) %}[{{ x }}]{% endmacro %}"
        "{% set block %}{{ wrap(ns.s) }}{% endset %}"
        "{{ block }}|{{ messages | map(attribute='role') | join(',') }}|"
        "{{ 'a%sb' % 1 }}|{{ '{}-{}'.format(1, 2) }}|{{ 'x' | indent(2, true) }}|"
        "{{ [1, 2] + [3] }}|{{ 'ab'.replace('a', 'c') }}"
    )
    messages = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]
    assert render_text(source, {"messages": messages}, 2.0) == (
        "[user:assistant:]|user,assistant|a1b|1-2|  x|[1, 2, 3]|cb"
    )


# What unbounded Jinja renders for these (checked against the sandbox before the size caps).
ORDINARY = [
    ("{{ [1,2,3]|sum }}", "6"),
    ("{{ [{'a':1},{'a':2}]|sum(attribute='a') }}", "3"),
    ("{{ [[1],[2]]|sum(start=[]) }}", "[1, 2]"),
    ("{{ [{'n':'x'},{'n':'y'}]|join(',', attribute='n') }}", "x,y"),
    ("{{ 'aaa bbb ccc'|wordwrap(4) }}", "aaa\nbbb\nccc"),
    ("{{ 'aaa bbb'|wordwrap(3, true, '|') }}", "aaa|bbb"),
    ("{{ 'a\tb'.expandtabs(4) }}", "a   b"),
    ("{{ ', '.join(['a','b']) }}", "a, b"),
    ("{{ 'x'|indent('--', true) }}", "--x"),
    ("{{ {'a':[1,2]}|pprint }}", "{'a': [1, 2]}"),
    ("{{ 3|string }}", "3"),
    ("{{ '%s-%d'|format('a', 2) }}", "a-2"),
    ("{{ '%(x)s'|format(x=1) }}", "1"),
    ("{{ 'ab'|replace('a','c', 1) }}", "cb"),
    ("{{ ('a', 'b') + ('c',) }}", "('a', 'b', 'c')"),
    ("{{ 1 + 2 }}", "3"),
    ("{{ 'a' ~ 1 ~ none }}", "a1None"),
    ("{% set x %}a{{ 1 }}b{% endset %}{{ x }}", "a1b"),
    ("{% filter upper %}abc{% endfilter %}", "ABC"),
    ("{% macro m() %}{{ caller() }}{% endmacro %}{% call m() %}inner{% endcall %}", "inner"),
    ("{{ 'abc'.format_map({}) }}", "abc"),
    ("{{ '{a}'.format_map({'a': 1}) }}", "1"),
    ("{{ namespace(a=1) }}", "<Namespace {'a': 1}>"),
]


@pytest.mark.parametrize(("source", "expected"), ORDINARY)
def test_the_bounded_filters_and_operators_render_as_before(source: str, expected: str) -> None:
    assert render_text(source, {}, 2.0) == expected

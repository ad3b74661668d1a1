"""The JSON columns: generation info and sources survive, damage gives fewer values, never
an error."""

from __future__ import annotations

import dataclasses

import pytest

from desktop.core.conversation import (
    GenerationInfo,
    MessageSource,
)
from desktop.store.codecs import decode_generation, decode_sources, encode_generation


def test_generation_info_survives_every_field() -> None:
    values = {}
    for i, field in enumerate(dataclasses.fields(GenerationInfo)):
        kind = str(field.type)
        values[field.name] = (
            f"s{i}" if kind.startswith("str") else float(i) + 0.5 if "float" in kind else i
        )
    info = GenerationInfo(**values)
    assert decode_generation(encode_generation(info)) == info
    assert decode_generation("[]") is None
    assert decode_generation(None) is None


@pytest.mark.parametrize(
    "text",
    ["not json", "{}", '[{"number": "1", "file": "x"}]', '[{"number": 1}]', "[5]", "null"],
)
def test_unreadable_sources_are_dropped_not_fatal(text: str) -> None:
    assert decode_sources(text) == ()


def test_readable_sources_survive_their_damaged_neighbours() -> None:
    text = (
        '[{"number": 1, "file": "a.txt", "page": "x", "highlights": [[0, 2], [5, 1], "z"]},'
        ' {"number": 2}]'
    )
    assert decode_sources(text) == (MessageSource(number=1, file="a.txt", highlights=((0, 2),)),)

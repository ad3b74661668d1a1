"""gguf_check's shape fields (for memory estimates) and the header-only check of remote files."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.engine.gguf_check import (
    GgufCheckError,
    GgufNeedMoreBytes,
    GgufProblem,
    check_gguf,
    check_gguf_prefix,
)
from tests.fixtures import tiny_model


def test_shape_fields(tiny_gguf: Path) -> None:
    facts = check_gguf(tiny_gguf)
    assert facts.block_count == tiny_model.N_LAYER
    assert facts.embedding_length == tiny_model.N_EMBD
    assert facts.head_count == tiny_model.N_HEAD
    assert facts.head_count_kv == tiny_model.N_HEAD_KV
    assert facts.key_length is None and facts.value_length is None  # not written by the fixture
    assert facts.vocab_size is not None and facts.vocab_size > 256


def test_prefix_check_matches_the_full_check(tiny_gguf: Path) -> None:
    data = tiny_gguf.read_bytes()
    full = check_gguf(tiny_gguf)
    head_size = 4096
    while True:
        try:
            facts = check_gguf_prefix(data[:head_size], len(data), tiny_gguf.name)
            break
        except GgufNeedMoreBytes as more:
            assert more.needed > head_size
            head_size = more.needed
    assert head_size < len(data)  # the tensor data was never needed
    assert facts.architecture == full.architecture
    assert facts.parameter_count == full.parameter_count
    assert facts.block_count == full.block_count
    assert facts.path == Path(tiny_gguf.name)


def test_prefix_check_refuses_a_short_remote_file(tiny_gguf: Path) -> None:
    data = tiny_gguf.read_bytes()
    with pytest.raises(GgufCheckError) as info:
        check_gguf_prefix(data, len(data) - 1, "short.gguf")
    assert info.value.problem is GgufProblem.TRUNCATED


def test_prefix_check_of_something_else() -> None:
    with pytest.raises(GgufCheckError) as info:
        check_gguf_prefix(b"<!DOCTYPE html><html>" + b" " * 100, 5000, "page.gguf")
    assert info.value.problem is GgufProblem.NOT_GGUF
    with pytest.raises(GgufCheckError) as info:
        check_gguf_prefix(b"", 0, "empty.gguf")
    assert info.value.problem is GgufProblem.EMPTY

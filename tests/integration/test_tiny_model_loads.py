"""The generated tiny model runs on real llama.cpp, so other integration tests can rely on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop.engine.gguf_check import check_gguf
from tests.fixtures.tiny_model import (
    BOS_ID,
    CHATML_TEMPLATE,
    EOS_ID,
    IM_END_ID,
    SPECIAL_IDS,
    write_tiny_gguf,
)

llama_cpp = pytest.importorskip("llama_cpp")


@pytest.fixture(scope="module")
def llm(tiny_gguf: Path) -> Iterator[Any]:  # a llama_cpp.Llama
    model = llama_cpp.Llama(model_path=str(tiny_gguf), n_ctx=512, verbose=False)
    yield model
    model.close()


def test_the_model_is_small(tmp_path: Path) -> None:
    path = write_tiny_gguf(tmp_path / "tiny.gguf")
    assert path.stat().st_size < 5 * 1024 * 1024
    check_gguf(path)  # what llama.cpp loads, the checker accepts


def test_the_seed_changes_the_weights(tmp_path: Path) -> None:
    a = write_tiny_gguf(tmp_path / "a.gguf", seed=1).read_bytes()
    b = write_tiny_gguf(tmp_path / "b.gguf", seed=2).read_bytes()
    assert len(a) == len(b) and a != b


def test_metadata_as_llama_cpp_sees_it(llm: Any) -> None:
    assert llm.metadata["general.architecture"] == "llama"
    assert llm.metadata["tokenizer.chat_template"] == CHATML_TEMPLATE
    assert llm.token_bos() == BOS_ID
    assert llm.token_eos() == EOS_ID


def test_mixed_script_text_round_trips(llm: Any) -> None:
    text = "Hello 你好 😀".encode()
    tokens = llm.tokenize(text)
    assert tokens[0] == BOS_ID
    assert len(tokens) > 5  # the CJK and emoji fall back to byte tokens
    assert llm.detokenize(tokens) == text


def test_control_token_only_with_special(llm: Any) -> None:
    assert llm.tokenize(b"<|im_end|>", add_bos=False, special=True) == [IM_END_ID]
    plain = llm.tokenize(b"<|im_end|>", add_bos=False, special=False)
    assert len(plain) > 1
    assert IM_END_ID not in plain


def test_greedy_generation_streams_without_stopping(llm: Any) -> None:
    llm.reset()
    prompt = llm.tokenize(
        b"<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n", special=True
    )
    generated: list[int] = []
    for token in llm.generate(prompt, temp=0.0, top_k=1):
        generated.append(token)
        if len(generated) == 40:
            break
    assert len(generated) == 40
    assert not set(generated) & set(SPECIAL_IDS)  # the zeroed output rows are never chosen
    assert isinstance(llm.detokenize(generated), bytes)

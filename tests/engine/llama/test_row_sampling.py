"""GreedyRow (the batch's numpy greedy choice) against llama.cpp's own penalties and greedy
samplers on the same rows: the same token, step after step, for every penalty setting."""

from __future__ import annotations

import ctypes

import llama_cpp.llama_cpp as low
import numpy as np
import pytest

from desktop.engine.llama import SamplingOptions
from desktop.engine.llama.row_sampling import GreedyRow, greedy_by_argmax

N_VOCAB = 4096
LAST_N = 64


class LlamaGreedy:
    """llama.cpp's penalties + greedy chain, applied to a numpy row as llama_sampler_sample
    applies it to the context's logits."""

    def __init__(self, sampling: SamplingOptions, last_n: int = LAST_N) -> None:
        self.chain = low.llama_sampler_chain_init(low.llama_sampler_chain_default_params())
        low.llama_sampler_chain_add(
            self.chain,
            low.llama_sampler_init_penalties(
                N_VOCAB,
                last_n,
                sampling.repeat_penalty,
                sampling.frequency_penalty,
                sampling.presence_penalty,
            ),
        )
        low.llama_sampler_chain_add(self.chain, low.llama_sampler_init_greedy())

    def accept(self, token: int) -> None:
        low.llama_sampler_accept(self.chain, token)

    def choose(self, row: np.ndarray) -> int:
        data = (low.llama_token_data * len(row))()
        for i, logit in enumerate(row.tolist()):
            data[i].id = i
            data[i].logit = logit
        array = low.llama_token_data_array(data, len(row), -1, False)
        low.llama_sampler_apply(self.chain, ctypes.byref(array))
        token = data[array.selected].id
        low.llama_sampler_accept(self.chain, token)
        return token

    def close(self) -> None:
        low.llama_sampler_free(self.chain)


@pytest.mark.parametrize(
    "sampling",
    [
        SamplingOptions(temperature=0.0, repeat_penalty=1.0),
        SamplingOptions(temperature=0.0, repeat_penalty=1.3),
        SamplingOptions(temperature=0.0, repeat_penalty=1.1, frequency_penalty=0.4),
        SamplingOptions(temperature=0.0, repeat_penalty=1.0, presence_penalty=-1.5),
        SamplingOptions(temperature=-1.0, repeat_penalty=0.9, frequency_penalty=-0.2),
    ],
)
def test_greedy_row_chooses_what_llama_cpp_chooses(sampling: SamplingOptions) -> None:
    rng = np.random.default_rng(7)
    said = [int(t) for t in rng.integers(0, 40, size=80)]
    ours = GreedyRow(sampling, LAST_N, said)
    theirs = LlamaGreedy(sampling)
    moved = 0  # choices the penalties moved off the plain argmax
    try:
        for token in said[-LAST_N:]:
            theirs.accept(token)
        for _ in range(150):
            # Few distinct large logits: the penalised tokens compete for the top.
            row = rng.normal(0, 1, N_VOCAB).astype(np.float32)
            row[:40] = rng.normal(4, 3, 40).astype(np.float32)
            before = row.copy()
            token = ours.choose(row)
            assert token == theirs.choose(row)
            assert np.array_equal(row, before)  # the context's logits are not changed
            moved += token != int(row.argmax())
    finally:
        theirs.close()
    penalised = sampling.repeat_penalty != 1 or sampling.frequency_penalty != 0
    assert (moved > 0) == (penalised or sampling.presence_penalty != 0)


def test_ties_go_to_the_first_largest_logit_as_in_llama_cpp() -> None:
    row = np.zeros(N_VOCAB, dtype=np.float32)
    row[[17, 5, 900]] = 3.0
    assert GreedyRow(SamplingOptions(temperature=0.0), LAST_N, ()).choose(row) == 5


def test_only_greedy_replies_without_a_grammar_are_chosen_by_argmax() -> None:
    assert greedy_by_argmax(SamplingOptions(temperature=0.0))
    assert greedy_by_argmax(SamplingOptions(temperature=-1.0, top_k=5))
    assert not greedy_by_argmax(SamplingOptions(temperature=0.7))
    assert not greedy_by_argmax(SamplingOptions(temperature=0.0, grammar='root ::= "a"'))

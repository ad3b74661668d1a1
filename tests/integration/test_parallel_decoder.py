"""ParallelDecoder's sampling on the real llama.cpp (tiny model): a greedy reply chosen by numpy
in a batch is the reply LoadedModel makes alone (penalties too), top-k 1 is the argmax, and a
seeded sampled reply is the same in a batch, twice, and alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.engine.llama import LoadedModel, LoadOptions, SamplingOptions
from desktop.engine.llama.batch import ParallelDecoder, shared_prefix

PENALISED = SamplingOptions(
    temperature=0.0, repeat_penalty=1.3, frequency_penalty=0.4, presence_penalty=0.2, max_tokens=40
)
SEEDED = SamplingOptions(temperature=1.0, top_k=40, top_p=0.95, min_p=0.05, max_tokens=40, seed=11)


@pytest.fixture(scope="module")
def model(tiny_gguf: Path) -> Iterator[LoadedModel]:
    loaded = LoadedModel.load(tiny_gguf, LoadOptions(n_ctx=2048, n_threads=1))
    yield loaded
    loaded.close()


def prompt(model: LoadedModel, n: int) -> list[int]:
    return model.tokenize_text(f"Question {n}: tell me about the number {n} and its friends.")


def alone(model: LoadedModel, tokens: list[int], sampling: SamplingOptions) -> list[int]:
    model.llama.reset()
    return list(model.generate(tokens, sampling, lambda: False))


def together(model: LoadedModel, runs: list[tuple[list[int], SamplingOptions]]) -> list[list[int]]:
    """The replies to `runs` decoded in one batch, read in turns as local_batch.py reads them."""
    decoder = ParallelDecoder(model)
    try:
        slots = []
        for tokens, _ in runs:
            slot = decoder.open(tokens)
            assert slot is not None
            slots.append(slot)
        streams = [
            decoder.generate(slot, tokens, sampling, lambda: False)
            for slot, (tokens, sampling) in zip(slots, runs, strict=True)
        ]
        made: list[list[int]] = [[] for _ in runs]
        going = set(range(len(runs)))
        while going:
            for i in sorted(going):
                token = next(streams[i], None)
                if token is None:
                    going.discard(i)
                else:
                    made[i].append(token)
        for slot in slots:
            decoder.release(slot)
        return made
    finally:
        decoder.close()


def test_greedy_replies_with_penalties_in_a_batch_are_the_replies_alone(
    model: LoadedModel,
) -> None:
    prompts = [prompt(model, n) for n in range(1, 5)]
    expected = [alone(model, tokens, PENALISED) for tokens in prompts]
    assert all(expected)
    assert together(model, [(tokens, PENALISED) for tokens in prompts]) == expected


def test_top_k_1_is_the_argmax(model: LoadedModel) -> None:
    tokens = prompt(model, 3)
    greedy = SamplingOptions(temperature=0.0, repeat_penalty=1.0, max_tokens=30)
    top_1 = SamplingOptions(temperature=0.8, top_k=1, repeat_penalty=1.0, max_tokens=30, seed=4)
    made = together(model, [(tokens, greedy), (tokens, top_1)])
    assert made[0] and made[0] == made[1]


def test_a_seeded_reply_is_the_same_twice_in_a_batch_and_alone(model: LoadedModel) -> None:
    first, second = prompt(model, 1), prompt(model, 2)
    made = together(model, [(first, SEEDED), (second, PENALISED), (first, SEEDED)])
    assert made[0] and made[0] == made[2]
    assert made[0] == alone(model, first, SEEDED)


def test_a_slot_starts_with_what_another_slot_in_use_holds(model: LoadedModel) -> None:
    """API clients sharing a system prompt: the second reads only its own part of it."""
    system = model.tokenize_text(" ".join(f"rule {n} says be kind." for n in range(12)))
    first = system + model.tokenize_text(" Question 1: the number 1?")
    second = system + model.tokenize_text(" Question 2: the number 2?")
    expected = alone(model, second, PENALISED)
    model.llama.reset()  # the main sequence offers nothing now
    decoder = ParallelDecoder(model)
    try:
        one = decoder.open(first)
        assert one is not None
        next(decoder.generate(one, first, PENALISED, lambda: False))  # its prompt is read
        two = decoder.open(second)
        assert two is not None
        made = list(decoder.generate(two, second, PENALISED, lambda: False))
        shared = shared_prefix(first, second)
        assert shared >= len(system)
        assert two.last_prompt_evaluated == len(second) - shared
        assert made == expected
    finally:
        decoder.close()

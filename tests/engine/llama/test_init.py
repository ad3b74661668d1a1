"""desktop/engine/llama/__init__.py without a model: the sampler chain that LoadedModel.generate
and the batch's slots both make (the token loops themselves run in tests/integration/)."""

from __future__ import annotations

from typing import Any

from desktop.engine.llama import SamplingOptions, sampler_chain


class Sampler:
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        self.accepted: list[int] = []

    def accept(self, token: int) -> None:
        self.accepted.append(token)


class Llama:
    """Stands in for llama_cpp.Llama: records the seed and the sampler it is asked for."""

    last_n_tokens_size = 3

    def __init__(self) -> None:
        self.seeds: list[int] = []

    def set_seed(self, seed: int) -> None:
        self.seeds.append(seed)

    def _init_sampler(self, **options: Any) -> Sampler:
        return Sampler(options)


def test_the_chain_is_seeded_and_told_the_last_tokens_already_said() -> None:
    llm = Llama()
    sampling = SamplingOptions(temperature=-1.0, top_k=7, seed=42)
    sampler = sampler_chain(llm, sampling, already_said=(1, 2, 3, 4, 5))  # type: ignore[arg-type]
    assert llm.seeds == [42]
    assert sampler.accepted == [3, 4, 5]  # only what the repeat penalty looks at
    assert sampler.options["top_k"] == 7 and sampler.options["temp"] == 0.0
    assert sampler.options["grammar"] is None


def test_without_a_seed_each_chain_gets_a_random_one_and_nothing_said() -> None:
    llm = Llama()
    first = sampler_chain(llm, SamplingOptions())  # type: ignore[arg-type]
    sampler_chain(llm, SamplingOptions())  # type: ignore[arg-type]
    assert first.accepted == []
    assert len(llm.seeds) == 2 and llm.seeds[0] != llm.seeds[1]

"""What a loaded model says about itself (LoadedModel.facts), read from llama.cpp after load.

Apart from LoadedModel so that the class stays about running the model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop.engine.llama import ModelFacts


def read_facts(llm: Any, path: Path, n_ctx: int) -> ModelFacts:
    """The facts of `llm` (a llama_cpp.Llama) loaded from `path` with a context of `n_ctx`."""
    model = llm._model
    meta = llm.metadata

    def text(token: int) -> str:
        return model.token_get_text(token)

    bos_id, eos_id, eot_id = model.token_bos(), model.token_eos(), model.token_eot()
    end_tokens = tuple(sorted({text(t) for t in end_of_generation_ids(llm) if t >= 0}))
    return ModelFacts(
        path=path,
        name=meta.get("general.name") or path.stem,
        architecture=meta.get("general.architecture", "unknown"),
        description=model.desc(),
        n_ctx=n_ctx,
        n_ctx_train=model.n_ctx_train(),
        n_params=model.n_params(),
        size_bytes=model.size(),
        chat_template=meta.get("tokenizer.chat_template") or None,
        bos_token=text(bos_id) if bos_id >= 0 else "",
        eos_token=text(eos_id) if eos_id >= 0 else "",
        eot_token=text(eot_id) if eot_id >= 0 else None,
        end_of_generation_tokens=end_tokens,
    )


def end_of_generation_ids(llm: Any) -> list[int]:
    """Tokens llama.cpp treats as end of generation, found among the control tokens."""
    import llama_cpp.llama_cpp as llama_low

    model = llm._model
    vocab = model.vocab
    candidates = {model.token_eos(), model.token_eot()}
    n_vocab = model.n_vocab()
    control = llama_low.LLAMA_TOKEN_ATTR_CONTROL
    # Control tokens sit at the start or the end of the vocabulary in every family we know;
    # scanning both ends keeps load fast on 262k-token vocabularies.
    for token in (*range(min(n_vocab, 2048)), *range(max(0, n_vocab - 2048), n_vocab)):
        if model.token_get_attr(token) & control and llama_low.llama_vocab_is_eog(vocab, token):
            candidates.add(token)
    return sorted(t for t in candidates if t >= 0)

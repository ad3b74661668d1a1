"""The engine side of the local library: GGUF headers as ``core.catalog.ModelFacts``.

``core.catalog`` scans folders but may not import the engine, so the composition root hands it
:func:`read_model_facts` as its ``read_facts`` callable.
"""

from __future__ import annotations

from pathlib import Path

from desktop.engine.gguf_check import GgufFacts, check_gguf
from desktop.models.catalog import ModelFacts

__all__ = ["facts_from_gguf", "read_model_facts"]


def facts_from_gguf(facts: GgufFacts) -> ModelFacts:
    """The library's plain view of a checked header (also used for remote headers)."""
    return ModelFacts(
        architecture=facts.architecture,
        name=facts.name,
        parameter_count=facts.parameter_count,
        quantization=facts.file_type,
        context_length=facts.context_length,
        has_chat_template=bool(facts.chat_template),
        license=facts.license,
        block_count=facts.block_count,
        embedding_length=facts.embedding_length,
        head_count=facts.head_count,
        head_count_kv=facts.head_count_kv,
        key_length=facts.key_length,
        value_length=facts.value_length,
        vocab_size=facts.vocab_size,
    )


def read_model_facts(path: Path) -> ModelFacts:
    """Check ``path`` with :func:`check_gguf`; its ``GgufCheckError`` (with ``.problem``) passes
    through, and the catalog records the problem code and sentence."""
    return facts_from_gguf(check_gguf(path))

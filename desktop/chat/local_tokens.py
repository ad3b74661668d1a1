"""Token ids of prompt segments for LocalEngine, cached so a follow-up tokenizes only what is new.

Two memories: the tokens each finished reply was generated as, by its text (re-tokenizing a
reply can give other tokens, which would break the KV cache's prefix), and the tokens of every
rendered segment by its text (a long history is not tokenized again at every turn).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

from desktop.chat.prompt import PromptSegment
from desktop.engine.llama import LoadedModel

TOKEN_MEMORY_SIZE = 256
"""Finished replies whose tokens are remembered by their text."""
SEGMENT_CACHE_SIZE = 4096
"""Token ids of prompt segments by (text, parse_special)."""


class PromptTokens:
    """Tokenizes rendered segments with the loaded model, remembering what it did."""

    def __init__(self) -> None:
        self.model: LoadedModel | None = None
        self._token_memory: OrderedDict[str, tuple[int, ...]] = OrderedDict()
        self._segment_tokens: OrderedDict[tuple[str, bool], tuple[int, ...]] = OrderedDict()
        self.tokenized_segments = 0
        """How many segments went to the tokenizer (not found in the cache); tests read it."""

    def use(self, model: LoadedModel | None) -> None:
        """Tokenizes with `model` from now on; what was remembered of another one is gone."""
        self.model = model
        self._token_memory.clear()
        self._segment_tokens.clear()

    def tokenize(self, segments: Sequence[PromptSegment]) -> list[int]:
        """Token ids of rendered segments, with the model's BOS where it wants one."""
        model = self.model
        assert model is not None
        tokens: list[int] = []
        cache = self._segment_tokens
        for segment in segments:
            remembered = None if segment.parse_special else self._token_memory.get(segment.text)
            if remembered is not None:
                tokens.extend(remembered)
                continue
            key = (segment.text, segment.parse_special)
            cached = cache.get(key)
            if cached is None:
                cached = tuple(model.tokenize_segments((segment,)))
                self.tokenized_segments += 1
                cache[key] = cached
                if len(cache) > SEGMENT_CACHE_SIZE:
                    cache.popitem(last=False)
            else:
                cache.move_to_end(key)
            tokens.extend(cached)
        return model.with_bos(tokens)

    def remember(self, text: str, tokens: Sequence[int]) -> None:
        """`text` is a reply the model generated as `tokens`: it tokenizes as them from now."""
        self._token_memory[text] = tuple(tokens)
        self._token_memory.move_to_end(text)
        while len(self._token_memory) > TOKEN_MEMORY_SIZE:
            self._token_memory.popitem(last=False)

"""Raw completions (the API server's /v1/completions) on the local engine: the model continues
a prompt as it is, with no chat template, no planning and no thinking.

Apart from LocalEngine because it shares none of a chat reply's planning; the engine only hands
over its model (`take_model`: the KV state of whatever conversation held it is saved first).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from desktop.chat.local_load import LocalModel
from desktop.chat.local_stream import TokenStream
from desktop.chat.prompt import PromptSegment
from desktop.chat.protocol import (
    Failed,
    GenerationRequest,
    PromptInfo,
    ReplyEvent,
    ReplyFailure,
    ReplyProblem,
    ReplyStarted,
)


def raw_completion(
    loaded: LocalModel,
    request: GenerationRequest,
    cancelled: Callable[[], bool],
    take_model: Callable[[tuple[int, ...]], None],
) -> Iterator[ReplyEvent]:
    """Continues `request.prompt`. The text is tokenized with special tokens parsed, as
    llama-server's /completion does."""
    model = loaded.model
    text = request.prompt or ""
    prompt = tuple(model.with_bos(model.tokenize_segments((PromptSegment(text, True),))))
    if not text or not prompt:
        yield Failed(ReplyFailure(ReplyProblem.EMPTY_PROMPT, "The prompt is empty."))
        return
    if len(prompt) >= model.n_ctx - 1:
        message = f"The prompt takes {len(prompt)} tokens; the context window holds {model.n_ctx}."
        yield Failed(
            ReplyFailure(ReplyProblem.PROMPT_TOO_LONG, message, len(prompt), model.n_ctx - 1)
        )
        return
    take_model(prompt)
    yield ReplyStarted(PromptInfo(len(prompt), model.reusable_prefix(prompt), 0, model.n_ctx))
    stream = TokenStream(
        model,
        loaded.template,
        prompt,
        request.sampling,
        0,
        cancelled,
        lambda _text, _tokens: None,  # not a chat reply: nothing to remember by its text
        None,
        loaded.marker_pieces,
    )
    yield from stream.events()

"""EngineSwitch: one backend for the inference worker that is either the local engine or a
remote server's model, chosen by what is loaded.

Why a switch rather than swapping the worker's backend per choice: the window loads a model by
path (the picker, the manager, a reopened chat, the last model at start), and a load can fail
and leave the earlier model in use. A remote model's path is its locator
(desktop/core/remote.py), so "choosing a server's model" is an ordinary load, and the switch
decides by the path which engine loads it. The other engine is unloaded only after the new load
succeeded, exactly as a local load keeps the old model until the new one is ready; then
replies, counts and drafts go to the engine that holds the model. Plain Python; every call
comes on the engine's thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

from desktop.chat.protocol import (
    BackendCapabilities,
    ChatBackend,
    ContextCount,
    CountRequest,
    GenerationRequest,
    LoadFailure,
    LoadsModels,
    ModelInfo,
    RepliesTogether,
    ReplyEvent,
    TogetherReply,
)
from desktop.core.remote import is_remote_locator
from desktop.engine.llama import LoadOptions

__all__ = ["EngineSwitch"]


class LoadingBackend(ChatBackend, LoadsModels, Protocol):
    """An engine that loads models and replies with them."""


class EngineSwitch:
    """ChatBackend and LoadsModels over a local and a remote engine, and RepliesTogether when
    the local one is active (so the API server's clients are still decoded together)."""

    def __init__(
        self,
        local: LoadingBackend,
        make_remote: Callable[[], LoadingBackend],
        before_local_load: Callable[[], None] | None = None,
    ) -> None:
        self.local = local
        self.before_local_load = before_local_load
        """Runs on the engine's thread before each local load (the app registers llama.cpp RPC
        servers there, which must happen before the model is loaded)."""
        self.make_remote = make_remote
        """Makes the remote engine at the first remote load (it imports the HTTP stack, which
        a window that never talks to a server does not need)."""
        self._remote: LoadingBackend | None = None
        self.active: LoadingBackend = local

    @property
    def remote(self) -> LoadingBackend:
        if self._remote is None:
            self._remote = self.make_remote()
        return self._remote

    def load(
        self,
        path: str,
        options: LoadOptions,
        progress: Callable[[float], None],
        cancelled: Callable[[], bool],
    ) -> ModelInfo | LoadFailure:
        engine = self.remote if is_remote_locator(path) else self.local
        if engine is self.local and self.before_local_load is not None:
            self.before_local_load()
        result = engine.load(path, options, progress, cancelled)
        if isinstance(result, ModelInfo):
            other = self.local if engine is not self.local else self._remote
            if other is not None:
                other.unload()  # the local model's memory is freed once the remote one answers
            self.active = engine
        return result

    def unload(self) -> bool:
        remote = self._remote.unload() if self._remote is not None else False
        local = self.local.unload()
        self.active = self.local
        return remote or local

    def capabilities(self) -> BackendCapabilities:
        return self.active.capabilities()

    def reply(
        self, request: GenerationRequest, cancelled: Callable[[], bool]
    ) -> Iterator[ReplyEvent]:
        return self.active.reply(request, cancelled)

    def count(self, request: CountRequest) -> ContextCount | None:
        return self.active.count(request)

    def prepare(
        self, request: GenerationRequest, whole: bool, superseded: Callable[[], bool]
    ) -> None:
        self.active.prepare(request, whole, superseded)

    # RepliesTogether, where the active engine offers it -----------------------------------

    def parallel_replies(self) -> int:
        """The active engine's (the local engine decodes several replies at once; a remote
        server is asked one reply at a time)."""
        active = self.active
        return active.parallel_replies() if isinstance(active, RepliesTogether) else 1

    def replies_together(
        self,
        first: Sequence[TogetherReply],
        more: Callable[[int], Sequence[TogetherReply]],
    ) -> None:
        """Only called while parallel_replies() > 1, i.e. with the local engine active."""
        active = self.active
        assert isinstance(active, RepliesTogether)
        active.replies_together(first, more)

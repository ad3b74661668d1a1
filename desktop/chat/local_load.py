"""Loading a GGUF model for LocalEngine: checks, the probe, llama.cpp, template and reasoning.

Plain Python on the engine's thread. Kept apart from LocalEngine because loading shares nothing
with replying but its result: a `LocalModel` (the model and how to talk to it) or a
`LoadFailure` that the window words for the user.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.chat.prompt import ChatTemplate, TemplateError, choose_template
from desktop.chat.protocol import LoadFailure, LoadProblem, ModelInfo
from desktop.chat.reasoning import CANDIDATE_MARKERS, ReasoningFormat, detect_reasoning
from desktop.engine import starter
from desktop.engine.llama import (
    BackendInfo,
    LoadCancelled,
    LoadedModel,
    LoadOptions,
    ModelFacts,
    ModelLoadError,
)
from desktop.engine.probe import ProbeCache, probe_model

if TYPE_CHECKING:
    from desktop.engine.gguf_check import CheckCache, GgufFacts


@dataclass(frozen=True, slots=True)
class LocalModel:
    """A loaded model and what replying with it needs besides its weights."""

    model: LoadedModel
    template: ChatTemplate
    reasoning: ReasoningFormat | None
    marker_pieces: dict[int, bytes]
    """Text of marker tokens that llama.cpp renders as nothing, so the splitter sees them."""
    info: ModelInfo


class LocalModelLoader:
    """Turns a path and LoadOptions into a LocalModel, refusing what cannot work first.

    Holds what outlives one load: the probe cache and the GGUF check cache (both files).
    """

    def __init__(
        self, models_dir: Path, probe_cache: Path | None, check_cache: Path | None
    ) -> None:
        self._models_dir = models_dir
        self._probe_cache = ProbeCache(probe_cache) if probe_cache is not None else None
        self._check_cache_path = check_cache
        """Where GGUF check verdicts are remembered (CheckCache); None checks every load."""
        self._check_cache: CheckCache | None = None

    def load(
        self,
        path: str,
        options: LoadOptions,
        backend: Callable[[], BackendInfo],
        progress: Callable[[float], None],
        cancelled: Callable[[], bool],
    ) -> LocalModel | LoadFailure:
        """Loads `path` (or the starter model when `path` is empty); `progress` hears 0–1,
        `cancelled` is asked between chunks of the work; `backend` names llama.cpp's backend
        (asked only once the file passed the checks: it imports llama.cpp)."""
        started = time.perf_counter()
        is_demo = not path
        try:
            if is_demo:
                model_path = starter.ensure_starter_model(
                    self._models_dir, lambda f: progress(0.3 * f)
                )
            else:
                model_path = Path(path)
                is_demo = starter.is_starter_model(model_path)
        except starter.StarterUnavailable as error:
            return LoadFailure(LoadProblem.STARTER_MISSING, path, str(error))
        # Imported on this thread at the first load: the gguf package (with numpy) is not
        # needed for the window's first frame.
        from desktop.engine.gguf_check import CheckCache, GgufCheckError, check_gguf

        if self._check_cache is None and self._check_cache_path is not None:
            self._check_cache = CheckCache(self._check_cache_path)
        try:
            facts = (
                self._check_cache.check(model_path)
                if self._check_cache is not None
                else check_gguf(model_path)
            )
        except GgufCheckError as error:
            return LoadFailure(
                LoadProblem.BAD_FILE, str(model_path), str(error), str(error.problem)
            )
        if facts.context_length and options.n_ctx > facts.context_length:
            # Past its training length a model only degrades, and the KV cache for an absurd
            # setting can take minutes to fail to allocate; ModelInfo.n_ctx shows the result.
            options = replace(options, n_ctx=facts.context_length)
        memory_problem = self.memory_problem(facts, options)
        if memory_problem:
            return LoadFailure(LoadProblem.NOT_ENOUGH_MEMORY, str(model_path), memory_problem)
        machine = backend()  # imports llama.cpp: only for a file that passed the checks
        probe = probe_model(
            model_path, options.n_gpu_layers, self._probe_cache, should_cancel=cancelled
        )
        if not probe.ok:
            problem = (
                LoadProblem.CANCELLED
                if probe.cancelled
                else LoadProblem.LLAMA_CRASHED
                if probe.crashed
                else LoadProblem.LLAMA_FAILED
            )
            return LoadFailure(problem, str(model_path), probe.message)
        base = 0.3 if not path else 0.0

        def report(fraction: float) -> bool:
            progress(base + (1 - base) * fraction)
            return not cancelled()

        try:
            model = LoadedModel.load(model_path, options, report)
        except LoadCancelled:
            return LoadFailure(LoadProblem.CANCELLED, str(model_path), "cancelled")
        except ModelLoadError as error:
            return LoadFailure(LoadProblem.LLAMA_FAILED, str(model_path), str(error))
        try:
            template = self.template_for(model.facts)
        except TemplateError as error:
            model.close()
            return LoadFailure(LoadProblem.TEMPLATE, str(model_path), str(error))
        if cancelled():
            model.close()
            return LoadFailure(LoadProblem.CANCELLED, str(model_path), "cancelled")
        reasoning, pieces = self.reasoning_for(model, template)
        if reasoning is not None:
            template = replace(
                template, stop_strings=reasoning.without_marker_stops(template.stop_strings)
            )
        template = self.with_token_stops(model, template)
        info = ModelInfo(
            path=str(model_path),
            name=starter.STARTER_DISPLAY_NAME if is_demo else model.facts.name,
            architecture=model.facts.architecture,
            quantization=facts.file_type or "",
            n_ctx=model.n_ctx,
            n_ctx_train=model.facts.n_ctx_train,
            n_params=model.facts.n_params,
            size_bytes=facts.file_size,
            template_origin=template.origin,
            backend=machine.backend,
            gpu_offload=machine.gpu_offload,
            gpu_layers=options.n_gpu_layers,
            is_demo=is_demo,
            load_seconds=time.perf_counter() - started,
            reasoning=str(reasoning.kind) if reasoning is not None else "",
            thinking_switchable=reasoning is not None and reasoning.toggle is not None,
            effort_adjustable=reasoning is not None and reasoning.effort is not None,
            always_thinks=reasoning is not None and reasoning.always_thinks,
        )
        return LocalModel(model, template, reasoning, pieces, info)

    @staticmethod
    def memory_problem(facts: GgufFacts, options: LoadOptions) -> str | None:
        """Refuses loads that cannot fit before llama.cpp tries and the OS kills the app."""
        try:
            import psutil

            memory = psutil.virtual_memory()
        except Exception:
            return None
        if options.n_gpu_layers != 0:
            return None  # VRAM holds most of it; llama.cpp reports a failed allocation itself
        if facts.file_size > memory.total:
            return (
                f"The model needs about {facts.file_size / 2**30:.1f} GiB of memory; "
                f"this computer has {memory.total / 2**30:.1f} GiB."
            )
        return None

    @staticmethod
    def template_for(facts: ModelFacts) -> ChatTemplate:
        """The GGUF's chat template, or a built-in one for its architecture."""
        return choose_template(
            facts.chat_template,
            facts.architecture,
            facts.bos_token,
            facts.eos_token,
            extra_stops=facts.end_of_generation_tokens,
        )

    @staticmethod
    def with_token_stops(model: LoadedModel, template: ChatTemplate) -> ChatTemplate:
        """`template` with each stop marker that is one control token of `model` moved from its
        text stops to its token stops: a reply that quotes `<|im_end|>` as ordinary text (a
        template explained, a log quoted) is not cut there; only the token ends it."""
        tokens: set[int] = set()
        texts: list[str] = []
        for marker in template.stop_strings:
            token = model.control_token(marker)
            if token is None:
                texts.append(marker)
            else:
                tokens.add(token)
        return replace(
            template, stop_strings=tuple(texts), stop_tokens=template.stop_tokens | tokens
        )

    @staticmethod
    def reasoning_for(
        model: LoadedModel, template: ChatTemplate
    ) -> tuple[ReasoningFormat | None, dict[int, bytes]]:
        """The model's reasoning format, and the text of marker tokens that llama.cpp would
        render as nothing (control tokens), so the splitter sees every marker."""
        singles = {m: t for m in CANDIDATE_MARKERS if (t := model.single_token(m)) is not None}
        reasoning = detect_reasoning(model.facts.chat_template, singles)
        if reasoning is None:
            return None, {}
        if template.origin != "gguf" and reasoning.toggle is not None:
            reasoning = replace(reasoning, toggle=None)  # our built-in template has no switch
        pieces = {
            token: marker.encode("utf-8")
            for marker, token in singles.items()
            if marker in reasoning.markers and not model.token_bytes(token)
        }
        return reasoning, pieces

"""InferenceWorker: owns the one loaded model on its own QThread and streams replies.

The GUI thread never waits on it. Commands arrive as queued signals (their slots run here);
results leave as signals carrying immutable values. The only calls the GUI makes directly are
`cancel_load` and `cancel_reply`, which just store a request id (atomic under the GIL) that the
loops here check between chunks and tokens.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from desktop.chat.context_plan import (
    OverflowStrategy,
    forecast,
    split_history,
    summary_messages,
    with_summary,
)
from desktop.chat.grounding import MAX_CONTEXT_SHARE, Grounding, fit_sources, grounded_question
from desktop.chat.prompt import (
    ChatTemplate,
    PromptPlan,
    PromptSegment,
    PromptTooLongError,
    TemplateError,
    choose_template,
    plan_prompt,
)
from desktop.chat.protocol import (
    ContextCount,
    CountRequest,
    GenerationRequest,
    LoadFailure,
    LoadProblem,
    ModelInfo,
    PromptInfo,
    ReplyFailure,
    ReplyProblem,
    ReplyStats,
    SummaryMade,
)
from desktop.chat.reasoning import (
    CANDIDATE_MARKERS,
    EFFORT_LEVELS,
    ReasoningFormat,
    ReasoningSplitter,
    SplitMode,
    detect_reasoning,
    start_mode,
)
from desktop.chat.streaming import DeltaCoalescer, StopStringHoldback, Utf8StreamDecoder
from desktop.core.conversation import ChatMessage, FinishReason, MessageSource, Role
from desktop.engine import starter
from desktop.engine.llama import (
    BackendInfo,
    GenerationError,
    KvState,
    LoadCancelled,
    LoadedModel,
    LoadOptions,
    ModelFacts,
    ModelLoadError,
    SamplingOptions,
    backend_info,
)
from desktop.engine.probe import ProbeCache, probe_model

if TYPE_CHECKING:
    from desktop.engine.gguf_check import CheckCache, GgufFacts

log = logging.getLogger(__name__)


_TOKEN_MEMORY_SIZE = 256
#: Token ids of prompt segments by (text, parse_special): a follow-up turn tokenizes only the
#: text that is new since the last turn instead of the whole history.
_SEGMENT_CACHE_SIZE = 4096
_SUMMARY_MAX_TOKENS = 256
"""The longest running summary the model may write (less in small windows: n_ctx / 8)."""
_KV_STATES_MAX = 8
"""At most this many saved conversation states, least recently used dropped first."""
_KV_BUDGET_FRACTION = 0.25
"""Saved states together use at most this share of the memory available when saving."""


def _summarizes_first(request: GenerationRequest, plan: PromptPlan) -> bool:
    """Whether sending has the model summarize the turns that newly fall out, before it
    replies (and then plans again with the summary)."""
    return (
        request.overflow == OverflowStrategy.SUMMARIZE
        and plan.dropped_messages > request.summary_covers
    )


def _last_text(segments: Sequence[PromptSegment]) -> int | None:
    """Index of the last message text among rendered segments (the newest message's)."""
    for index in range(len(segments) - 1, -1, -1):
        if not segments[index].parse_special:
            return index
    return None


def _common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = min(len(a), len(b))
    i = 0
    # Compare in blocks first: histories are thousands of tokens and usually match entirely.
    step = 256
    while i + step <= n and a[i : i + step] == b[i : i + step]:
        i += step
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _chars_of_tokens(model: LoadedModel, text: str, tokens: Sequence[int], room: int) -> int:
    """How many characters of `text` its first `room` tokens cover (0 when room <= 0)."""
    if room <= 0:
        return 0
    if room >= len(tokens):
        return len(text)
    data = b"".join(model.token_bytes(token) for token in tokens[:room])
    covered = len(data.decode("utf-8", errors="ignore").lstrip())
    # A tokenizer may add a leading space; never claim more than the text has.
    return min(len(text), covered)


def _available_memory() -> int:
    try:
        import psutil

        return int(psutil.virtual_memory().available)
    except Exception:  # sandboxes without /proc: keep a modest budget
        return 2 << 30


class KvStateCache:
    """Saved KV states by conversation key: LRU, bounded by count and by a memory budget.

    Runs on the inference thread only.
    """

    def __init__(
        self,
        max_entries: int = _KV_STATES_MAX,
        budget: Callable[[], int] = lambda: int(_available_memory() * _KV_BUDGET_FRACTION),
    ) -> None:
        self._states: OrderedDict[str, KvState] = OrderedDict()
        self._max_entries = max_entries
        self._budget = budget

    def __len__(self) -> int:
        return len(self._states)

    def __contains__(self, key: str) -> bool:
        return key in self._states

    @property
    def size_bytes(self) -> int:
        return sum(state.size_bytes for state in self._states.values())

    def get(self, key: str) -> KvState | None:
        return self._states.get(key)

    def put(self, key: str, state: KvState) -> None:
        self._states.pop(key, None)
        budget = self._budget()
        if state.size_bytes > budget:
            return
        self._states[key] = state
        total = self.size_bytes
        while self._states and (len(self._states) > self._max_entries or total > budget):
            _, dropped = self._states.popitem(last=False)
            total -= dropped.size_bytes

    def pop(self, key: str) -> KvState | None:
        return self._states.pop(key, None)

    def clear(self) -> None:
        self._states.clear()


class InferenceWorker(QObject):
    """Loads one model at a time and streams replies from it.

    Signals:
        load_progress(int request_id, float fraction): 0–1 while assembling or loading.
        load_finished(int request_id, ModelInfo info): the model is ready; any earlier one is
            gone.
        load_failed(int request_id, LoadFailure failure): nothing changed; an earlier model
            stays loaded and usable.
        model_unloaded(): the model was freed.
        reply_started(int request_id, PromptInfo info): the prompt is planned and evaluating.
        reply_delta(int request_id, str text): new answer text since the last delta, at most
            about 30 a second; reasoning markers and thinking are never part of it.
        reply_thinking_delta(int request_id, str text): new thinking text, likewise coalesced;
            all of it arrives before the answer's first delta.
        reply_thinking_finished(int request_id, float seconds): the thinking ended (the answer
            starts, or the reply ended while thinking) after `seconds` of generating.
        reply_finished(int request_id, ReplyStats stats): the reply is complete (or stopped);
            all its text has been sent as deltas.
        reply_failed(int request_id, ReplyFailure failure): no reply could be made.
        summary_started(int request_id): the window overflowed and the model is summarizing
            the turns that fall out before it replies.
        summary_made(int request_id, SummaryMade summary): the new running summary, sent
            before reply_started of the same request.
        context_counted(int request_id, ContextCount count): the answer to a CountRequest;
            requests overtaken by a newer one (`drop_counts_before`) get no answer.
        backend_found(BackendInfo info): answers on_backend_requested.
    """

    backend_found = Signal(object)
    load_progress = Signal(int, float)
    load_finished = Signal(int, object)
    load_failed = Signal(int, object)
    model_unloaded = Signal()
    reply_started = Signal(int, object)
    reply_delta = Signal(int, str)
    reply_thinking_delta = Signal(int, str)
    reply_thinking_finished = Signal(int, float)
    reply_finished = Signal(int, object)
    reply_failed = Signal(int, object)
    summary_started = Signal(int)
    summary_made = Signal(int, object)
    context_counted = Signal(int, object)

    def __init__(
        self,
        models_dir: Path,
        probe_cache: Path | None = None,
        parent: QObject | None = None,
        check_cache: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self._models_dir = models_dir
        self._probe_cache = ProbeCache(probe_cache) if probe_cache is not None else None
        self._check_cache_path = check_cache
        """Where GGUF check verdicts are remembered (CheckCache); None checks every load."""
        self._check_cache: CheckCache | None = None
        self._model: LoadedModel | None = None
        self._template: ChatTemplate | None = None
        self._reasoning: ReasoningFormat | None = None
        self._marker_pieces: dict[int, bytes] = {}
        self._backend: BackendInfo | None = None
        self._cancel_load_up_to = -1
        self._cancel_reply_up_to = -1
        self._counts_before = -1
        # Reply text → the tokens that produced it, so the next prompt re-uses the KV cache
        # even where re-tokenizing the text would give different tokens.
        self._token_memory: OrderedDict[str, tuple[int, ...]] = OrderedDict()
        self._segment_tokens: OrderedDict[tuple[str, bool], tuple[int, ...]] = OrderedDict()
        self.tokenized_segments = 0
        self.last_plan: PromptPlan | None = None
        """The plan of the latest reply (what reached the model); tests read it."""
        """How many segments went to the tokenizer (not found in the cache); tests read it."""
        # Whose conversation the KV cache holds now, and the saved caches of the others.
        self._kv_owner: str | None = None
        self._opened = (0, 0)
        """Cache positions [from, to) evaluated ahead of the next request: the opening of the
        next turn, the prompt prepared while the user types."""
        self._drafts_before = -1
        self._last_plan: tuple[tuple[object, ...], PromptPlan] | None = None
        self.prepared_tokens = 0
        """Tokens evaluated while preparing drafts, used or not; tests read it."""
        self.kv_states = KvStateCache()
        """Saved KV states by conversation key; tests and benchmarks read it."""

    # Called directly from the GUI thread ---------------------------------------------------

    def cancel_load(self, request_id: int) -> None:
        self._cancel_load_up_to = max(self._cancel_load_up_to, request_id)

    def cancel_reply(self, request_id: int) -> None:
        self._cancel_reply_up_to = max(self._cancel_reply_up_to, request_id)

    def drop_drafts_before(self, request_id: int) -> None:
        """Drafts older than this are not prepared, or stop being prepared (a chunk at most
        later): a newer draft, a reply or a load wants the model."""
        self._drafts_before = max(self._drafts_before, request_id)

    def drop_counts_before(self, request_id: int) -> None:
        """Count requests older than this are skipped when their turn comes (typing fast)."""
        self._counts_before = max(self._counts_before, request_id)

    # For tests and benchmarks, read on the worker thread or after it is idle ---------------

    @property
    def model(self) -> LoadedModel | None:
        return self._model

    # Loading ---------------------------------------------------------------------------------

    @Slot()
    def on_backend_requested(self) -> None:
        """Names llama.cpp's backend, here rather than on the GUI thread: it imports llama_cpp
        (~0.3 s), which the window should not wait for before its first frame."""
        if self._backend is None:
            self._backend = backend_info()
        self.backend_found.emit(self._backend)

    @Slot(int, str, object)
    def on_load_requested(self, request_id: int, path: str, options: LoadOptions) -> None:
        """Loads `path` (or the starter model when `path` is empty)."""
        started = time.perf_counter()
        is_demo = not path
        try:
            if is_demo:
                model_path = starter.ensure_starter_model(
                    self._models_dir,
                    lambda f: self.load_progress.emit(request_id, 0.3 * f),
                )
            else:
                model_path = Path(path)
                is_demo = starter.is_starter_model(model_path)
        except starter.StarterUnavailable as error:
            self.load_failed.emit(
                request_id, LoadFailure(LoadProblem.STARTER_MISSING, path, str(error))
            )
            return
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
            self.load_failed.emit(
                request_id,
                LoadFailure(LoadProblem.BAD_FILE, str(model_path), str(error), str(error.problem)),
            )
            return
        if facts.context_length and options.n_ctx > facts.context_length:
            # Past its training length a model only degrades, and the KV cache for an absurd
            # setting can take minutes to fail to allocate; ModelInfo.n_ctx shows the result.
            options = replace(options, n_ctx=facts.context_length)
        memory_problem = self._memory_problem(facts, options)
        if memory_problem:
            self.load_failed.emit(
                request_id,
                LoadFailure(LoadProblem.NOT_ENOUGH_MEMORY, str(model_path), memory_problem),
            )
            return
        if self._backend is None:
            self._backend = backend_info()
        probe = probe_model(
            model_path,
            options.n_gpu_layers,
            self._probe_cache,
            should_cancel=lambda: request_id <= self._cancel_load_up_to,
        )
        if not probe.ok:
            problem = (
                LoadProblem.CANCELLED
                if probe.cancelled
                else LoadProblem.LLAMA_CRASHED
                if probe.crashed
                else LoadProblem.LLAMA_FAILED
            )
            self.load_failed.emit(request_id, LoadFailure(problem, str(model_path), probe.message))
            return
        base = 0.3 if not path else 0.0

        def progress(fraction: float) -> bool:
            self.load_progress.emit(request_id, base + (1 - base) * fraction)
            return request_id > self._cancel_load_up_to

        try:
            model = LoadedModel.load(model_path, options, progress)
        except LoadCancelled:
            self.load_failed.emit(
                request_id, LoadFailure(LoadProblem.CANCELLED, str(model_path), "cancelled")
            )
            return
        except ModelLoadError as error:
            self.load_failed.emit(
                request_id, LoadFailure(LoadProblem.LLAMA_FAILED, str(model_path), str(error))
            )
            return
        try:
            template = self._template_for(model.facts)
        except TemplateError as error:
            model.close()
            self.load_failed.emit(
                request_id, LoadFailure(LoadProblem.TEMPLATE, str(model_path), str(error))
            )
            return
        if request_id <= self._cancel_load_up_to:
            model.close()
            self.load_failed.emit(
                request_id, LoadFailure(LoadProblem.CANCELLED, str(model_path), "cancelled")
            )
            return
        reasoning, pieces = self._reasoning_for(model, template)
        if reasoning is not None:
            template = replace(
                template, stop_strings=reasoning.without_marker_stops(template.stop_strings)
            )
        self._release_model()
        self._model, self._template = model, template
        self._reasoning, self._marker_pieces = reasoning, pieces
        self.load_progress.emit(request_id, 1.0)
        self.load_finished.emit(
            request_id,
            ModelInfo(
                path=str(model_path),
                name=starter.STARTER_DISPLAY_NAME if is_demo else model.facts.name,
                architecture=model.facts.architecture,
                quantization=facts.file_type or "",
                n_ctx=model.n_ctx,
                n_ctx_train=model.facts.n_ctx_train,
                n_params=model.facts.n_params,
                size_bytes=facts.file_size,
                template_origin=template.origin,
                backend=self._backend.backend,
                gpu_offload=self._backend.gpu_offload,
                gpu_layers=options.n_gpu_layers,
                is_demo=is_demo,
                load_seconds=time.perf_counter() - started,
                reasoning=str(reasoning.kind) if reasoning is not None else "",
                thinking_switchable=reasoning is not None and reasoning.toggle is not None,
                effort_adjustable=reasoning is not None and reasoning.effort is not None,
            ),
        )

    @staticmethod
    def _memory_problem(facts: GgufFacts, options: LoadOptions) -> str | None:
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
    def _template_for(facts: ModelFacts) -> ChatTemplate:
        return choose_template(
            facts.chat_template,
            facts.architecture,
            facts.bos_token,
            facts.eos_token,
            extra_stops=facts.end_of_generation_tokens,
        )

    @staticmethod
    def _reasoning_for(
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

    @Slot()
    def on_unload_requested(self) -> None:
        if self._model is not None:
            self._release_model()
            self.model_unloaded.emit()

    def _release_model(self) -> None:
        if self._model is not None:
            self._model.close()
        self._model = None
        self._template = None
        self._reasoning = None
        self._marker_pieces = {}
        self._token_memory.clear()
        self._segment_tokens.clear()
        self.kv_states.clear()
        self._kv_owner = None
        self._opened = (0, 0)
        self._last_plan = None

    # Generation ------------------------------------------------------------------------------

    def _tokenize(self, segments: Sequence[PromptSegment]) -> list[int]:
        model = self._model
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
                if len(cache) > _SEGMENT_CACHE_SIZE:
                    cache.popitem(last=False)
            else:
                cache.move_to_end(key)
            tokens.extend(cached)
        return model.with_bos(tokens)

    @Slot(object)
    def on_generate_requested(self, request: GenerationRequest) -> None:
        request_id = request.request_id
        model, template = self._model, self._template
        if model is None or template is None:
            self.reply_failed.emit(
                request_id, ReplyFailure(ReplyProblem.NO_MODEL, "No model is loaded.")
            )
            return
        messages = request.messages
        if not messages or messages[-1].role != Role.USER or not messages[-1].content.strip():
            self.reply_failed.emit(
                request_id, ReplyFailure(ReplyProblem.EMPTY_PROMPT, "The message is empty.")
            )
            return
        sampling = request.sampling
        asked = messages  # as the session will send them again (no passages, no summary)
        template = self._with_thinking(template, request.thinking, request.reasoning_effort)
        n_ctx = model.n_ctx
        reserve = self._reserve(model, sampling.max_tokens)
        summary = request.summary
        sources: tuple[MessageSource, ...] = ()
        left_out = 0
        try:
            if request.grounding is not None:
                messages, sources = self._ground(
                    messages, request.grounding, template, reserve, summary
                )
                left_out = len(request.grounding.sources) - len(sources)
                request = replace(request, messages=messages)  # a summary replans with them
            plan = self._plan(request, template, reserve)
            made: SummaryMade | None = None
            if _summarizes_first(request, plan):
                # Before the summary clobbers the cache, let a conversation that leaves keep it.
                self._switch_kv_state(model, request.conversation_key, plan.tokens)
                made, plan = self._summarize_overflow(request, model, template, plan, reserve)
                if request_id <= self._cancel_reply_up_to:
                    self._confirm_cancelled(request_id, model, plan)
                    return
        except PromptTooLongError as error:
            self.reply_failed.emit(
                request_id,
                ReplyFailure(
                    ReplyProblem.PROMPT_TOO_LONG,
                    str(error),
                    needed_tokens=error.needed_tokens,
                    available_tokens=error.available_tokens,
                ),
            )
            return
        except TemplateError as error:
            self.reply_failed.emit(request_id, ReplyFailure(ReplyProblem.TEMPLATE, str(error)))
            return
        if made is not None:
            self.summary_made.emit(request_id, made)
        self.last_plan = plan
        prompt, splitter = self._reply_prompt(model, plan)
        self._switch_kv_state(model, request.conversation_key, prompt)
        reused = model.reusable_prefix(prompt)
        opened_from, opened_to = self._opened
        self._opened = (0, 0)
        # What was evaluated ahead (the opening after the last reply, the prompt prepared
        # while the user typed) counts as this prompt's, as far as this prompt uses it.
        ahead = max(0, min(reused, opened_to) - opened_from) if opened_to > 0 else 0
        self.reply_started.emit(
            request_id,
            PromptInfo(len(prompt), reused, plan.dropped_messages, n_ctx, sources, left_out),
        )
        answer = self._stream_reply(
            request_id,
            model,
            template,
            prompt,
            sampling,
            plan.dropped_messages,
            splitter,
            request.thinking_budget,
            ahead,
        )
        if answer is not None and request.grounding is None:
            self._open_next_turn(model, template, asked, answer, summary, plan, reserve)

    def _plan(self, request: GenerationRequest, template: ChatTemplate, reserve: int) -> PromptPlan:
        """plan_prompt for a reply to `request` (sent or a draft, the same way), remembering the
        latest plan: sending the draft that was just prepared plans nothing again (rendering a
        long history's template takes ms)."""
        model = self._model
        assert model is not None
        messages = with_summary(request.messages, request.summary)
        min_dropped = max(request.min_dropped, request.summary_covers)
        inputs = (messages, template, reserve, min_dropped)
        last = self._last_plan
        if last is not None and last[0] == inputs:
            return last[1]
        plan = plan_prompt(messages, template, self._tokenize, model.n_ctx, reserve, min_dropped)
        self._last_plan = (inputs, plan)
        return plan

    def _reply_prompt(
        self, model: LoadedModel, plan: PromptPlan
    ) -> tuple[Sequence[int], ReasoningSplitter | None]:
        """The tokens the model is given for a planned prompt, and the splitter that tells
        its thinking from its answer (None for a model that does not think)."""
        prompt: Sequence[int] = plan.tokens
        reasoning = self._reasoning
        if reasoning is None:
            return prompt, None
        last = plan.segments[-1] if plan.segments else None
        tail = last.text if last is not None and last.parse_special else ""
        mode, may_open = start_mode(reasoning, tail)
        if reasoning.opens_itself and may_open and mode == SplitMode.ANSWER:
            # The prompt ends where the model should open its thinking: open it for it.
            opening = PromptSegment(f"{reasoning.open_marker}\n", True)
            opened = (*prompt, *model.tokenize_segments((opening,)))
            if len(opened) < model.n_ctx - 1:
                prompt, mode = opened, SplitMode.THINKING
        return prompt, ReasoningSplitter(reasoning, mode, may_open)

    @Slot(object, bool)
    def on_prepare_requested(self, request: GenerationRequest, whole: bool) -> None:
        """Evaluates the prompt that sending the draft would give, while the user types, so
        that when they send it the first token comes at once.

        The prompt is planned exactly as `on_generate_requested` will plan it; when the sent
        text differs, the reply reuses what still matches and evaluates the rest. `whole`
        False: only up to the end of the draft's text, not the reply's header after it (the
        user is still typing, and each keystroke would evaluate that header again). Skipped
        when sending would first need work that depends on the send (passages, a summary),
        and abandoned at the next chunk when a newer request comes (`drop_drafts_before`)."""
        model, template = self._model, self._template
        request_id = request.request_id
        if model is None or template is None or request_id < self._drafts_before:
            return
        messages = request.messages
        if not messages or messages[-1].role != Role.USER or not messages[-1].content.strip():
            return
        if request.grounding is not None:
            return
        template = self._with_thinking(template, request.thinking, request.reasoning_effort)
        try:
            plan = self._plan(request, template, self._reserve(model, request.sampling.max_tokens))
        except (PromptTooLongError, TemplateError):
            return  # sending will say what is wrong
        if _summarizes_first(request, plan):
            return  # the model summarizes first when it is sent, and that changes the prompt
        prompt, _ = self._reply_prompt(model, plan)
        self._switch_kv_state(model, request.conversation_key, prompt)
        if not whole:
            text = _last_text(plan.segments)
            if text is None:
                return
            prompt = self._tokenize(plan.segments[: text + 1])  # through the draft's text
        kept, evaluated = model.prefill(prompt, lambda: request_id < self._drafts_before)
        self.prepared_tokens += evaluated
        if evaluated:
            opened_from, opened_to = self._opened
            start = opened_from if opened_to > 0 and opened_from <= kept else kept
            self._opened = (start, model.cached_tokens)

    def _open_next_turn(
        self,
        model: LoadedModel,
        template: ChatTemplate,
        asked: Sequence[ChatMessage],
        answer: str,
        summary: str,
        plan: PromptPlan,
        reserve: int,
    ) -> None:
        """Evaluates the start of the user's next turn (the end of this reply's turn and the
        header of theirs, ~5 tokens) while they read and type, so a follow-up evaluates only
        what they wrote. Done only when it extends what the cache holds: the next request's
        prompt is planned as it will be, and anything that differs is left to it."""
        placeholder = ChatMessage(Role.USER, "?")  # only what comes before it is used
        following = (*asked, ChatMessage(Role.ASSISTANT, answer), placeholder)
        try:
            upcoming = plan_prompt(
                with_summary(following, summary),
                template,
                self._tokenize,
                model.n_ctx,
                reserve,
                min_dropped=plan.dropped_messages,
            )
        except Exception:  # only a head start: whatever goes wrong, the next request plans
            log.debug("the next turn was not opened", exc_info=True)
            return
        if upcoming.dropped_messages != plan.dropped_messages:
            return  # the next turn overflows the window: its request plans that
        text = _last_text(upcoming.segments)
        if text is None or upcoming.segments[text].text != placeholder.content:
            return
        opening = self._tokenize(upcoming.segments[:text])
        cached = model.cached_tokens
        if (
            len(opening) <= cached
            or tuple(opening) != upcoming.tokens[: len(opening)]
            or model.reusable_prefix(opening) != cached
        ):
            return
        _, evaluated = model.prefill(opening, lambda: False)  # only extends: all is cached
        if evaluated == len(opening) - cached:
            self._opened = (cached, len(opening))

    def _with_thinking(
        self, template: ChatTemplate, thinking: bool, effort: str = ""
    ) -> ChatTemplate:
        """The template with the model's thinking switch and reasoning effort set, where it
        has them (an effort it does not know leaves the template's default)."""
        reasoning = self._reasoning
        if reasoning is None:
            return template
        variables: list[tuple[str, object]] = []
        if reasoning.toggle is not None:
            variables.append((reasoning.toggle, thinking))
        if reasoning.effort is not None and effort in EFFORT_LEVELS:
            variables.append((reasoning.effort, effort))
        return replace(template, variables=tuple(variables)) if variables else template

    def _ground(
        self,
        messages: Sequence[ChatMessage],
        grounding: Grounding,
        template: ChatTemplate,
        reserve: int,
        summary: str = "",
    ) -> tuple[tuple[ChatMessage, ...], tuple[MessageSource, ...]]:
        """The messages with the passages in the last user turn, and the passages that fit:
        what is left of the window after the system prompt, the question and the reply's
        reserve, at most half the window (earlier turns are dropped to make room if needed)."""
        model = self._model
        assert model is not None
        question = messages[-1]
        with_head = with_summary(messages, summary)  # the system message as it will be sent
        head = (with_head[0],) if with_head[0].role == Role.SYSTEM and len(with_head) > 1 else ()
        bare = len(self._tokenize(template.render_segments((*head, question))))
        budget = min(model.n_ctx - reserve - bare, int(model.n_ctx * MAX_CONTEXT_SHARE))

        def cost(text: str) -> int:
            return len(model.tokenize_text(text))

        sources = fit_sources(grounding.sources, cost, budget)
        if grounding.sources and not sources:
            return tuple(messages), ()  # none fits: the window says so; the question goes alone
        text = grounded_question(question.content, replace(grounding, sources=sources))
        return (*messages[:-1], replace(question, content=text)), sources

    @staticmethod
    def _reserve(model: LoadedModel, max_tokens: int) -> int:
        """Room kept for the reply: its length limit, but never more than a quarter window."""
        n_ctx = model.n_ctx
        return max(1, min(max_tokens if max_tokens > 0 else n_ctx, n_ctx // 4))

    def _confirm_cancelled(self, request_id: int, model: LoadedModel, plan: PromptPlan) -> None:
        """Stopped while summarizing: no reply, and no half-written summary either."""
        self.reply_finished.emit(
            request_id,
            ReplyStats(
                finish_reason=FinishReason.CANCELLED,
                prompt_tokens=len(plan.tokens),
                evaluated_prompt_tokens=0,
                generated_tokens=0,
                tokens_per_second=0.0,
                seconds=0.0,
                context_used=model.cached_tokens,
                n_ctx=model.n_ctx,
                dropped_messages=plan.dropped_messages,
            ),
        )

    def _summarize_overflow(
        self,
        request: GenerationRequest,
        model: LoadedModel,
        template: ChatTemplate,
        plan: PromptPlan,
        reserve: int,
    ) -> tuple[SummaryMade | None, PromptPlan]:
        """Has the model fold the turns that fall out into the running summary, then plans
        again with it. If no usable summary comes out, or the prompt with it cannot fit, the
        turns are simply left out (the plan without a new summary)."""
        self.summary_started.emit(request.request_id)
        _, history = split_history(request.messages)
        dropped = history[request.summary_covers : plan.dropped_messages]
        text = self._generate_summary(request.request_id, model, template, request.summary, dropped)
        if not text:
            return None, plan
        try:
            replanned = plan_prompt(
                with_summary(request.messages, text),
                template,
                self._tokenize,
                model.n_ctx,
                reserve,
                min_dropped=plan.dropped_messages,
            )
        except PromptTooLongError:
            return None, plan
        return SummaryMade(text, plan.dropped_messages), replanned

    def _generate_summary(
        self,
        request_id: int,
        model: LoadedModel,
        template: ChatTemplate,
        previous: str,
        dropped: Sequence[ChatMessage],
    ) -> str:
        """Greedy, bounded, stoppable; the text is untrusted model output like any reply.

        A reasoning model is asked not to think where its template can say so, and whatever
        it thinks anyway is left out: the summary is its answer only."""
        n_ctx = model.n_ctx
        max_new = max(16, min(_SUMMARY_MAX_TOKENS, n_ctx // 8))
        reasoning = self._reasoning
        template = self._with_thinking(template, False, EFFORT_LEVELS[0])

        def prompt_for(max_chars: int | None) -> list[int]:
            messages = summary_messages(previous, dropped, max_chars)
            return self._tokenize(template.render_segments(messages))

        prompt = prompt_for(None)
        if len(prompt) + max_new > n_ctx:
            # Keep the newest part of the transcript that fits: the previous summary already
            # covers what came before it. Characters per token are estimated, then checked.
            overhead = len(prompt_for(0))
            room = n_ctx - max_new - overhead
            chars = sum(len(m.content) + 16 for m in dropped)
            for _ in range(4):
                if room <= 0:
                    return ""
                chars = int(chars * room / max(1, len(prompt) - overhead) * 0.9)
                prompt = prompt_for(chars)
                if len(prompt) + max_new <= n_ctx:
                    break
            else:
                return ""
        sampling = SamplingOptions(temperature=0.0, repeat_penalty=1.1, max_tokens=max_new, seed=0)
        decoder = Utf8StreamDecoder()
        holdback = StopStringHoldback(template.stop_strings)
        parts: list[str] = []
        splitter = None
        if reasoning is not None:
            segments = template.render_segments(summary_messages(previous, dropped, 0))
            last = segments[-1] if segments else None
            tail = last.text if last is not None and last.parse_special else ""
            splitter = ReasoningSplitter(reasoning, *start_mode(reasoning, tail))
        pieces = self._marker_pieces
        try:
            for token in model.generate(
                prompt, sampling, lambda: request_id <= self._cancel_reply_up_to
            ):
                piece = pieces.get(token) or model.token_bytes(token)
                visible, stopped = holdback.feed(decoder.feed(piece))
                parts.append(visible if splitter is None else splitter.feed(visible)[1])
                if stopped:
                    break
            else:
                tail = holdback.feed(decoder.flush())[0] + holdback.flush()
                parts.append(tail if splitter is None else splitter.feed(tail)[1])
            if splitter is not None:
                parts.append(splitter.flush()[1])
        except GenerationError:
            return ""
        if request_id <= self._cancel_reply_up_to:
            return ""  # stopped: a cut-off summary would stand in for the turns for good
        return "".join(parts).strip()

    # Counting ---------------------------------------------------------------------------------

    @Slot(object)
    def on_count_requested(self, request: CountRequest) -> None:
        """Counts for the context meter; skipped when a newer count was asked for meanwhile."""
        model, template = self._model, self._template
        if model is None or template is None or request.request_id < self._counts_before:
            return
        if not request.messages:
            return
        messages = with_summary(request.messages, request.summary)
        template = self._with_thinking(template, request.thinking, request.reasoning_effort)
        reserve = self._reserve(model, request.max_tokens)
        passages = passage_turns = 0
        try:
            result = forecast(
                messages, template, self._tokenize, model.n_ctx, reserve, request.min_dropped
            )
            if request.grounded and result.too_long_by <= 0:
                # smallest_tokens is the system message and the draft alone: `bare` in _ground.
                passages = max(
                    0,
                    min(
                        model.n_ctx - reserve - result.smallest_tokens,
                        int(model.n_ctx * MAX_CONTEXT_SHARE),
                    ),
                )
                if passages:
                    passage_turns = forecast(
                        messages,
                        template,
                        self._tokenize,
                        model.n_ctx,
                        reserve + passages,
                        request.min_dropped,
                    ).newly_dropped_turns
        except TemplateError:
            return
        focus_tokens = fit_chars = kept_for_passages = 0
        focus = request.focus_text
        if focus:
            tokens = model.tokenize_text(focus)
            focus_tokens = len(tokens)
            room = result.limit - (result.smallest_tokens - focus_tokens)
            if request.grounded:
                # Trimmed to the last token that fits, the text would leave the passages chosen
                # at send no room at all: half of the room goes to them (a quarter window at most).
                kept_for_passages = min(max(0, room) // 2, model.n_ctx // 4)
                room -= kept_for_passages
            fit_chars = _chars_of_tokens(model, focus, tokens, room)
        self.context_counted.emit(
            request.request_id,
            ContextCount(
                result, focus_tokens, fit_chars, passages, passage_turns, kept_for_passages
            ),
        )

    def _switch_kv_state(self, model: LoadedModel, key: str | None, prompt: Sequence[int]) -> None:
        """Saves the cache of the conversation that leaves and restores the one that returns.

        A saved state is restored only when its tokens start the new prompt further than what
        the cache holds now; the cache is then the returning conversation's, so its saved copy
        is dropped (it is saved again, grown, when another conversation takes over).
        """
        owner = self._kv_owner
        if owner is not None and owner != key:
            # What was evaluated ahead belongs to the conversation that leaves. (With no
            # owner, the cache is a new chat's, prepared before it was saved with its key.)
            self._opened = (0, 0)
        if owner is not None and owner != key and model.cached_tokens > 0:
            state = model.save_state()
            if state is not None:
                self.kv_states.put(owner, state)
        self._kv_owner = key
        if key is None:
            return
        saved = self.kv_states.pop(key)
        if saved is None:
            return
        if _common_prefix(saved.tokens, prompt) > model.reusable_prefix(prompt):
            model.restore_state(saved)
            self._opened = (0, 0)  # whatever was evaluated ahead is gone with the cache

    def _stream_reply(
        self,
        request_id: int,
        model: LoadedModel,
        template: ChatTemplate,
        prompt: Sequence[int],
        sampling: SamplingOptions,
        dropped: int,
        splitter: ReasoningSplitter | None = None,
        thinking_budget: int = 0,
        evaluated_ahead: int = 0,
    ) -> str | None:
        """Streams the reply; returns its text when the next turn's prompt will hold its very
        tokens (see _open_next_turn), else None."""
        decoder = Utf8StreamDecoder()
        holdback = StopStringHoldback(template.stop_strings)
        coalescer = DeltaCoalescer()
        thought_coalescer = DeltaCoalescer()
        generated: list[int] = []
        shown: list[str] = []
        finish = FinishReason.STOP
        stopped_by_string = False
        started = time.perf_counter()
        first_token_at: float | None = None
        thinking_seconds: float | None = None
        thinking_tokens = 0
        thinking_open = splitter is not None
        evaluated: int | None = None

        def should_stop() -> bool:
            return request_id <= self._cancel_reply_up_to

        def send(text: str) -> None:
            if text:
                shown.append(text)
                self.reply_delta.emit(request_id, text)

        def send_thought(text: str) -> None:
            if text:
                self.reply_thinking_delta.emit(request_id, text)

        def end_thinking() -> None:
            # The thinking's last words reach the GUI before it hears the thinking ended, and
            # both before the first words of the answer (queued signals keep their order).
            nonlocal thinking_open, thinking_seconds
            thinking_open = False
            send_thought(thought_coalescer.flush())
            if splitter is not None and splitter.has_thought:
                now = time.perf_counter()
                thinking_seconds = now - (first_token_at or now)
                self.reply_thinking_finished.emit(request_id, thinking_seconds)

        def route(text: str) -> str:
            """Thinking goes out at once; returns the answer part."""
            assert splitter is not None
            thought, answer = splitter.feed(text)
            if thought:
                ready = thought_coalescer.push(thought)
                if ready:
                    send_thought(ready)
            if thinking_open and splitter.answer_started:
                end_thinking()
            return answer

        # The per-token path: bound methods in locals, no attribute lookups on self. A model
        # that does not think takes exactly the path it took before reasoning existed.
        token_bytes = model.token_bytes
        pieces = self._marker_pieces
        if pieces:
            plain_bytes = token_bytes

            def token_bytes(token: int) -> bytes:
                return pieces.get(token) or plain_bytes(token)

        decode = decoder.feed
        hold = holdback.feed
        push = coalescer.push
        keep = generated.append
        current: Sequence[int] = prompt  # plus the thinking so far, after a forced answer
        limit = sampling.max_tokens if sampling.max_tokens > 0 else model.n_ctx
        try:
            while True:
                first_of_call = len(generated)
                force_answer = False
                remaining = replace(sampling, max_tokens=max(1, limit - len(generated)))
                if first_of_call and sampling.seed is not None:
                    # The answer after a forced end of thinking: the same seed would draw the
                    # thinking's random numbers again (a reply still reproducible by its seed).
                    remaining = replace(
                        remaining, seed=(sampling.seed + first_of_call) & 0x7FFFFFFF
                    )
                for token in model.generate(
                    current, remaining, should_stop, current[len(prompt) :]
                ):
                    if first_token_at is None:
                        first_token_at = time.perf_counter()
                    keep(token)
                    visible, stopped_by_string = hold(decode(token_bytes(token)))
                    if splitter is not None:
                        if splitter.thinking:
                            thinking_tokens += 1
                            if 0 < thinking_budget <= thinking_tokens and not stopped_by_string:
                                force_answer = True
                        if visible:
                            visible = route(visible)
                            if force_answer and not splitter.thinking:
                                force_answer = False  # this very token ended the thinking
                    if visible:
                        ready = push(visible)
                        if ready:
                            send(ready)
                    if stopped_by_string or force_answer:
                        break
                else:
                    if should_stop():
                        finish = FinishReason.CANCELLED
                    elif len(generated) >= limit or model.cached_tokens >= model.n_ctx - 1:
                        finish = FinishReason.LENGTH
                if evaluated is None:
                    evaluated = model.last_prompt_evaluated
                if not force_answer:
                    break
                # Out of thinking budget: end the thinking the way the model would have and
                # let it answer. The reply so far plus the closing text is the new prompt; the
                # cache holds all but the last token, so only a few tokens are evaluated.
                assert splitter is not None
                closing = splitter.format.force_answer
                tail = holdback.feed(decoder.flush())[0] + holdback.flush()
                route(tail + closing)
                current = [
                    *current,
                    *generated[first_of_call:],
                    *model.tokenize_segments((PromptSegment(closing, True),)),
                ]
                if len(generated) >= limit or len(current) >= model.n_ctx - 1:
                    finish = FinishReason.LENGTH
                    break
        except GenerationError as error:
            send_thought(thought_coalescer.flush())
            send(coalescer.flush())
            self.reply_failed.emit(request_id, ReplyFailure(ReplyProblem.LLAMA_FAILED, str(error)))
            return
        if not stopped_by_string:
            tail, stopped_by_string = holdback.feed(decoder.flush())
            if not stopped_by_string:
                tail += holdback.flush()
            if tail:
                if splitter is not None:
                    tail = route(tail)
                coalescer.push(tail)
        if splitter is not None:
            thought, answer = splitter.flush()
            if thought:
                send_thought(thought_coalescer.push(thought) or "")
            if answer:
                if thinking_open:
                    end_thinking()
                coalescer.push(answer)
            if thinking_open:
                end_thinking()
            send_thought(thought_coalescer.flush())
        send(coalescer.flush())
        text = "".join(shown)
        remembered = (
            bool(generated)
            and not stopped_by_string
            and (splitter is None or not splitter.has_thought)
        )
        if remembered:
            # After thinking, the generated tokens hold more than the answer text; the next
            # turn tokenizes the answer afresh (its cache prefix ends before the thinking).
            self._remember(text, generated)
        ended = time.perf_counter()
        gen_seconds = ended - (first_token_at or ended)
        self.reply_finished.emit(
            request_id,
            ReplyStats(
                finish_reason=finish,
                prompt_tokens=len(prompt),
                evaluated_prompt_tokens=evaluated_ahead
                + (evaluated if evaluated is not None else model.last_prompt_evaluated),
                generated_tokens=len(generated),
                tokens_per_second=(len(generated) - 1) / gen_seconds
                if len(generated) > 1 and gen_seconds > 0
                else 0.0,
                seconds=ended - started,
                context_used=model.cached_tokens,
                n_ctx=model.n_ctx,
                dropped_messages=dropped,
                thinking_seconds=thinking_seconds,
                thinking_tokens=thinking_tokens,
                evaluated_ahead=evaluated_ahead,
            ),
        )
        return text if remembered and finish != FinishReason.CANCELLED else None

    def _remember(self, text: str, tokens: Sequence[int]) -> None:
        self._last_plan = None  # it may hold this text tokenized afresh
        self._token_memory[text] = tuple(tokens)
        self._token_memory.move_to_end(text)
        while len(self._token_memory) > _TOKEN_MEMORY_SIZE:
            self._token_memory.popitem(last=False)

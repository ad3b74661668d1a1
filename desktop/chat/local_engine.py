"""LocalEngine: the llama.cpp implementation of ChatBackend, in process, one model at a time.

Plain Python (no Qt); it runs on whatever thread calls it, one call at a time (the
`EngineHost` that the Qt adapter `InferenceWorker` owns calls it on the host's thread, for the
window and the API server alike). It also replies to several requests together
(RepliesTogether, local_batch.py). llama.cpp is reached only through desktop.engine.llama.

What makes a local reply fast lives here: prompts planned with the model's own chat template,
the KV cache's prefix reused from turn to turn (reply tokens remembered by their text), the
cache of each conversation saved when another takes the model over (KvStateCache), the next
turn's opening and the typed draft evaluated ahead (`prepare`), and the summary of turns that
fall out of the window. Planning a reply's prompt (passages, the summary first) and the next
turn's opening are `local_plan`'s; the token loop itself is `local_stream.TokenStream`;
loading is `local_load.LocalModelLoader`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from desktop.chat.context_plan import reply_reserve, with_summary
from desktop.chat.kv_states import KvStateCache, common_prefix
from desktop.chat.local_batch import BatchedReplies, Seat, SeatUnavailableError
from desktop.chat.local_complete import raw_completion
from desktop.chat.local_count import count_context
from desktop.chat.local_load import LocalModel, LocalModelLoader
from desktop.chat.local_plan import (
    last_text,
    open_next_turn,
    plan_reply,
)
from desktop.chat.local_stream import TokenStream, reply_prompt
from desktop.chat.local_tokens import PromptTokens
from desktop.chat.prompt import (
    ChatTemplate,
    PromptBudget,
    PromptPlan,
    PromptSegment,
    PromptTooLongError,
    TemplateError,
    plan_prompt,
)
from desktop.chat.protocol import (
    BackendCapabilities,
    ContextCount,
    CountRequest,
    Failed,
    GenerationRequest,
    LoadFailure,
    ModelInfo,
    PromptInfo,
    ReplyEvent,
    ReplyFailure,
    ReplyProblem,
    ReplyStarted,
    TogetherReply,
    TokenCounting,
    no_question,
    summarizes_first,
)
from desktop.chat.reasoning import (
    EFFORT_LEVELS,
    ReasoningFormat,
)
from desktop.core.conversation import Role
from desktop.engine.llama import (
    PARALLEL_SEQUENCES,
    BackendInfo,
    LoadedModel,
    LoadOptions,
    backend_info,
)


class LocalEngine:
    """llama.cpp in process: loads one model at a time and implements ChatBackend with it.

    Beyond the protocol, `load`/`unload` (engine-specific: a GGUF path and LoadOptions) and,
    for tests and benchmarks, read while idle: `model`, `template`, `tokenize`, `plan` (a hook
    the benchmark wraps to slow planning down), `with_thinking`, `last_plan`, `kv_states`,
    `prepared_tokens`, `tokenized_segments`.
    """

    def __init__(
        self, models_dir: Path, probe_cache: Path | None = None, check_cache: Path | None = None
    ) -> None:
        self._loader = LocalModelLoader(models_dir, probe_cache, check_cache)
        self._loaded: LocalModel | None = None
        self._backend: BackendInfo | None = None
        self._tokens = PromptTokens()
        self.last_plan: PromptPlan | None = None
        """The plan of the latest reply (what reached the model); tests read it."""
        # Whose conversation the KV cache holds now, and the saved caches of the others.
        self._kv_owner: str | None = None
        self._opened = (0, 0)
        """Cache positions [from, to) evaluated ahead of the next request: the opening of the
        next turn, the prompt prepared while the user types."""
        self._latest_plan: tuple[tuple[object, ...], PromptPlan] | None = None
        self.prepared_tokens = 0
        """Tokens evaluated while preparing drafts, used or not; tests read it."""
        self.kv_states = KvStateCache()
        """Saved KV states by conversation key; tests and benchmarks read it."""
        self._batched = BatchedReplies(self)

    # Engine-specific: the machine, loading -----------------------------------------------

    @property
    def model(self) -> LoadedModel | None:
        return self._loaded.model if self._loaded is not None else None

    @property
    def template(self) -> ChatTemplate | None:
        """The loaded model's chat template (thinking switch not set)."""
        return self._loaded.template if self._loaded is not None else None

    @property
    def reasoning(self) -> ReasoningFormat | None:
        return self._loaded.reasoning if self._loaded is not None else None

    def backend_info(self) -> BackendInfo:
        """llama.cpp's backend (imports llama_cpp the first time, ~0.3 s)."""
        if self._backend is None:
            self._backend = backend_info()
        return self._backend

    def load(
        self,
        path: str,
        options: LoadOptions,
        progress: Callable[[float], None],
        cancelled: Callable[[], bool],
    ) -> ModelInfo | LoadFailure:
        """Loads `path` (the starter model when empty). On failure nothing changes: an earlier
        model stays loaded and usable; on success it is gone."""
        loaded = self._loader.load(path, options, self.backend_info, progress, cancelled)
        if isinstance(loaded, LoadFailure):
            return loaded
        self.unload()
        self._loaded = loaded
        self._tokens.use(loaded.model)
        progress(1.0)
        return loaded.info

    def unload(self) -> bool:
        """Frees the model and everything made for it; False when none was loaded."""
        if self._loaded is None:
            return False
        self._batched.close()
        self._loaded.model.close()
        self._loaded = None
        self._tokens.use(None)
        self.kv_states.clear()
        self._kv_owner = None
        self._opened = (0, 0)
        self._latest_plan = None
        return True

    # ChatBackend ---------------------------------------------------------------------------

    def capabilities(self) -> BackendCapabilities:
        loaded = self._loaded
        if loaded is None:
            return BackendCapabilities(context_window=0)
        return BackendCapabilities(
            context_window=loaded.model.n_ctx,
            token_counting=TokenCounting.EXACT,
            thinking=loaded.reasoning is not None,
        )

    def count(self, request: CountRequest) -> ContextCount | None:
        loaded = self._loaded
        if loaded is None or not request.messages:
            return None
        budget = self.budget_for(
            loaded, request.thinking, request.reasoning_effort, request.max_tokens
        )
        return count_context(loaded.model, budget, request)

    def reply(
        self, request: GenerationRequest, cancelled: Callable[[], bool]
    ) -> Iterator[ReplyEvent]:
        return self.reply_at(request, cancelled, None)

    def reply_at(
        self, request: GenerationRequest, cancelled: Callable[[], bool], seat: Seat | None
    ) -> Iterator[ReplyEvent]:
        """`reply`, decoded in the main sequence (`seat` None) or in a batch's slot (`seat`,
        local_batch.py): a window's reply there still switches the main sequence's saved
        states and opens the next turn, as its cache becomes the main one at its end; an API
        reply leaves the main sequence alone."""
        loaded = self._loaded
        if loaded is None:
            yield Failed(ReplyFailure(ReplyProblem.NO_MODEL, "No model is loaded."))
            return
        if request.prompt is not None:  # a raw completion (the API server's)
            yield from self._complete(loaded, request, cancelled)
            return
        model = loaded.model
        messages = request.messages
        refused = no_question(messages)
        if refused is not None:
            yield refused
            return
        sampling = request.sampling
        planned = yield from plan_reply(self, loaded, request, cancelled, self._switch_kv_state)
        if planned is None:
            return
        plan, budget = planned.plan, planned.budget
        self.last_plan = plan
        prompt, splitter = reply_prompt(model, loaded.reasoning, plan)
        main = seat is None or seat.window
        ahead = 0
        opened_from, opened_to = 0, 0
        if main:
            self._switch_kv_state(model, request.conversation_key, prompt)
            opened_from, opened_to = self._opened
            self._opened = (0, 0)
        reused = model.reusable_prefix(prompt)
        stream_model: LoadedModel = model
        if seat is None:
            self._batched.make_room(len(prompt) + budget.reserve_tokens - model.cached_tokens)
        if seat is not None:
            opened = seat.open(prompt, sampling, cancelled)
            if opened is None:
                raise SeatUnavailableError()  # nothing said yet: it waits for room, then again
            stream_model = opened  # type: ignore[assignment]  # what TokenStream uses of one
            reused = opened.cached_tokens
        if main and opened_to > 0:
            # What was evaluated ahead (the opening after the last reply, the prompt prepared
            # while the user typed) counts as this prompt's, as far as this prompt uses it.
            ahead = max(0, min(reused, opened_to) - opened_from)
        yield ReplyStarted(
            PromptInfo(
                len(prompt),
                reused,
                plan.dropped_messages,
                model.n_ctx,
                planned.sources,
                planned.left_out,
            )
        )
        stream = TokenStream(
            stream_model,
            budget.template,
            prompt,
            sampling,
            plan.dropped_messages,
            cancelled,
            self._remember,
            splitter,
            loaded.marker_pieces,
            request.thinking_budget,
            ahead,
        )
        try:
            yield from stream.events()
        finally:
            if seat is not None:
                seat.finish()  # a window's cache becomes the main one
        if main and stream.answer is not None and request.grounding is None:
            opening = open_next_turn(
                model,
                budget,
                messages,  # as the session will send them again (no passages, no summary)
                stream.answer,
                request.summary,
                plan,
            )
            if opening is not None:
                self._opened = opening

    # RepliesTogether ---------------------------------------------------------------------

    def parallel_replies(self) -> int:
        return PARALLEL_SEQUENCES if self._loaded is not None else 1

    def replies_together(
        self,
        first: Sequence[TogetherReply],
        more: Callable[[int], Sequence[TogetherReply]],
    ) -> None:
        self._batched.run(first, more)

    def prepare(
        self, request: GenerationRequest, whole: bool, superseded: Callable[[], bool]
    ) -> None:
        """Evaluates the prompt that sending the draft would give, while the user types, so
        that when they send it the first token comes at once.

        The prompt is planned exactly as `reply` will plan it; when the sent text differs, the
        reply reuses what still matches and evaluates the rest. `whole` False: only up to the
        end of the draft's text, not the reply's header after it (the user is still typing, and
        each keystroke would evaluate that header again). Skipped when sending would first need
        work that depends on the send (passages, a summary), and abandoned at the next chunk
        once `superseded` says so."""
        loaded = self._loaded
        if loaded is None or superseded():
            return
        model = loaded.model
        messages = request.messages
        if not messages or messages[-1].role != Role.USER or not messages[-1].content.strip():
            return
        if request.grounding is not None:
            return
        budget = self.budget_for(
            loaded, request.thinking, request.reasoning_effort, request.sampling.max_tokens
        )
        try:
            plan = self.plan(request, budget)
        except (PromptTooLongError, TemplateError):
            return  # sending will say what is wrong
        if summarizes_first(request, plan):
            return  # the model summarizes first when it is sent, and that changes the prompt
        prompt, _ = reply_prompt(model, loaded.reasoning, plan)
        self._switch_kv_state(model, request.conversation_key, prompt)
        if not whole:
            text = last_text(plan.segments)
            if text is None:
                return
            prompt = self._tokens.tokenize(plan.segments[: text + 1])  # through the draft's text
        self._batched.make_room(len(prompt) - model.cached_tokens)
        kept, evaluated = model.prefill(prompt, superseded)
        self.prepared_tokens += evaluated
        if evaluated:
            opened_from, opened_to = self._opened
            start = opened_from if opened_to > 0 and opened_from <= kept else kept
            self._opened = (start, model.cached_tokens)

    # Prompts -------------------------------------------------------------------------------

    def tokenize(self, segments: Sequence[PromptSegment]) -> list[int]:
        """Token ids of rendered segments, reusing remembered reply tokens and cached
        segments; with the model's BOS where it wants one."""
        return self._tokens.tokenize(segments)

    @property
    def tokenized_segments(self) -> int:
        """How many segments went to the tokenizer (not found in its cache); tests read it."""
        return self._tokens.tokenized_segments

    def budget_for(
        self, loaded: LocalModel, thinking: bool, effort: str, max_tokens: int
    ) -> PromptBudget:
        """The budget a request is planned and counted in: the model's template with the
        request's thinking switch and effort set, this engine's tokenizer, and the room kept
        for a reply of `max_tokens`."""
        template = self.with_thinking(loaded.template, thinking, effort)
        n_ctx = loaded.model.n_ctx
        return PromptBudget(
            template, self._tokens.tokenize, n_ctx, reply_reserve(n_ctx, max_tokens)
        )

    def plan(self, request: GenerationRequest, budget: PromptBudget) -> PromptPlan:
        """plan_prompt for a reply to `request` (sent or a draft, the same way), remembering the
        latest plan: sending the draft that was just prepared plans nothing again (rendering a
        long history's template takes ms). Public so that benchmarks may wrap it."""
        messages = with_summary(request.messages, request.summary)
        min_dropped = max(request.min_dropped, request.summary_covers)
        inputs = (messages, budget, min_dropped)
        last = self._latest_plan
        if last is not None and last[0] == inputs:
            return last[1]
        plan = plan_prompt(messages, budget, min_dropped)
        self._latest_plan = (inputs, plan)
        return plan

    def with_thinking(
        self, template: ChatTemplate, thinking: bool, effort: str = ""
    ) -> ChatTemplate:
        """The template with the model's thinking switch and reasoning effort set, where it
        has them (an effort it does not know leaves the template's default)."""
        reasoning = self.reasoning
        if reasoning is None:
            return template
        variables: list[tuple[str, object]] = []
        if reasoning.toggle is not None:
            variables.append((reasoning.toggle, thinking))
        if reasoning.effort is not None and effort in EFFORT_LEVELS:
            variables.append((reasoning.effort, effort))
        return replace(template, variables=tuple(variables)) if variables else template

    # The KV cache between turns and conversations ----------------------------------------

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
        if common_prefix(saved.tokens, prompt) > model.reusable_prefix(prompt):
            model.restore_state(saved)
            self._opened = (0, 0)  # whatever was evaluated ahead is gone with the cache

    def _remember(self, text: str, tokens: Sequence[int]) -> None:
        self._latest_plan = None  # it may hold this text tokenized afresh
        self._tokens.remember(text, tokens)

    # Raw completions (the API server's /v1/completions) ---------------------------------

    def _complete(
        self, loaded: LocalModel, request: GenerationRequest, cancelled: Callable[[], bool]
    ) -> Iterator[ReplyEvent]:
        def take_model(prompt: tuple[int, ...]) -> None:
            self._switch_kv_state(loaded.model, request.conversation_key, prompt)
            self._opened = (0, 0)

        return raw_completion(loaded, request, cancelled, take_model)

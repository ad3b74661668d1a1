"""RemoteEngine: a model on an OpenAI-compatible server, behind the one chat-backend seam.

Plain Python, no Qt; it runs on the engine's thread like LocalEngine (every method blocks there,
never on the GUI thread). What the window does with a local model works the same: streaming,
Stop (the socket is shut down, so the server stops too), regenerate and branches (each reply is
one request with the conversation as the session sends it), thinking, the context meter, answers
from documents, running summaries.

Why it is built this way:

- The server renders its own chat template, so the prompt is planned only to decide what to
  send: the same `plan_prompt` as the local engine, over ChatML-shaped segments (a few tokens per
  turn of structure), counted by llama-server's ``/tokenize`` where the server has it (exact for
  the text) or by an estimate from the characters (`estimate_tokens`, labelled ESTIMATE in the
  capabilities, so the meter says so). Oldest turns are left out, or summarized, exactly as with
  a local model; passages from documents go into the last turn (chat/grounding.py).
- Thinking comes as ``reasoning_content`` (llama-server, vLLM), ``reasoning`` (Ollama,
  OpenRouter), or as ``<think>`` text inside the answer (a server that does not split it); the
  last goes through the local engine's `ReasoningSplitter`, so a marker split across chunks is
  still found.
- Deltas are coalesced (~30 a second) as the local engine's are, so the GUI's work does not
  grow with the server's chunk rate.
- A fault ends the reply with Failed after every piece of text received so far went out as
  deltas: the partial reply stays, marked as ended by an error, and the user's message was
  stored before the request was made.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from desktop.chat.context_plan import (
    ContextForecast,
    forecast,
    reply_reserve,
    split_history,
    summary_messages,
    with_summary,
)
from desktop.chat.grounding import fit_sources, grounded_question, passage_budget
from desktop.chat.prompt import PromptBudget, PromptTooLongError, plan_prompt
from desktop.chat.protocol import (
    BackendCapabilities,
    ContextCount,
    CountRequest,
    Failed,
    Finished,
    GenerationRequest,
    LoadFailure,
    LoadProblem,
    ModelInfo,
    PromptInfo,
    ReplyEvent,
    ReplyFailure,
    ReplyProblem,
    ReplyStarted,
    ReplyStats,
    SummaryMade,
    SummaryStarted,
    TextDelta,
    ThinkingDelta,
    ThinkingFinished,
    TokenCounting,
    no_question,
    prompt_too_long,
    summarizes_first,
)
from desktop.chat.reasoning import ReasoningFormat, ReasoningKind, ReasoningSplitter
from desktop.chat.streaming import DeltaCoalescer
from desktop.core.conversation import ChatMessage, FinishReason, MessageSource, PromptSegment, Role
from desktop.core.remote import locator_host, split_remote_locator
from desktop.engine.llama import LoadOptions
from desktop.remote.client import (
    END,
    EVENT,
    Fault,
    Limits,
    OpenAIClient,
    ServerFault,
    Timeouts,
)
from desktop.remote.servers import Preset, ServerEntry, context_from_props, parse_models

__all__ = ["DEFAULT_CONTEXT", "RemoteEngine", "estimate_tokens"]

DEFAULT_CONTEXT = 8192
"""The context window assumed when the server does not say and the user set none."""

POLL_S = 0.05
"""How often the engine's thread looks at Stop and the stall clock while the stream is quiet."""

THINK_TAGS = ReasoningFormat(
    ReasoningKind.TAGS, "<think>", "</think>", "\n</think>\n\n", markers=("<think>", "</think>")
)

_TOKEN_CACHE_LIMIT = 4096

_KEY_FAULTS = (Fault.AUTH.value, Fault.KEY_NEEDED.value)
"""A refused or missing key: the reply is asked again once if the key was changed meanwhile."""


def estimate_tokens(text: str) -> int:
    """About how many tokens ``text`` is, without the model's tokenizer: ~3.5 characters per
    token for ASCII (English and code run 3.5 to 4.5), one per other character (CJK runs about
    one per character). Errs high, so the meter warns early rather than late."""
    if not text:
        return 0
    ascii_chars = len(text.encode("ascii", "ignore"))
    return -(-ascii_chars * 2 // 7) + (len(text) - ascii_chars)


class ChatMLSegments:
    """ChatML-shaped segments of a conversation: the structure the plan counts turns by. The
    server renders the real template; ChatML's few tokens per turn are close to most."""

    def render_segments(
        self, messages: Sequence[ChatMessage], add_generation_prompt: bool = True
    ) -> tuple[PromptSegment, ...]:
        segments: list[PromptSegment] = []
        for message in messages:
            segments.append(PromptSegment(f"<|im_start|>{message.role.value}\n", True))
            segments.append(PromptSegment(message.content, False))
            segments.append(PromptSegment("<|im_end|>\n", True))
        if add_generation_prompt:
            segments.append(PromptSegment("<|im_start|>assistant\n", True))
        return tuple(segments)


@dataclass(frozen=True, slots=True)
class Connection:
    """The chosen model on its server, as `RemoteEngine.load` found it."""

    entry: ServerEntry
    model: str
    locator: str
    n_ctx: int
    counting: TokenCounting
    client: OpenAIClient
    host: str
    key: str = field(default="", repr=False)
    """The API key the client sends ("" for none); never in a repr, which may reach a log."""


def _failure(fault: ServerFault, host: str) -> ReplyFailure:
    return ReplyFailure(
        ReplyProblem.SERVER,
        fault.said,
        fault=fault.fault.value,
        retry_after=fault.retry_after,
        host=host,
    )


def _with_key(conn: Connection, key: str) -> Connection:
    """``conn`` with a new client that sends ``key`` (the old client is closed)."""
    old = conn.client
    client = OpenAIClient(old.base_url, key, old.timeouts, old.limits)
    old.close()
    return replace(conn, client=client, key=key)


class RemoteEngine:
    """ChatBackend and LoadsModels for OpenAI-compatible servers.

    ``lookup`` finds the user's server by base URL (the app passes the server list's current
    tuple; values are immutable), ``key_for`` its API key by server id (keys.py; called on this
    thread). ``last_body`` is the latest request sent, for tests.
    """

    def __init__(
        self,
        lookup: Callable[[str], ServerEntry | None],
        key_for: Callable[[str], str] = lambda server_id: "",
        timeouts: Timeouts | None = None,
        limits: Limits | None = None,
    ) -> None:
        self.lookup = lookup
        self.key_for = key_for
        self.timeouts = timeouts or Timeouts()
        self.limits = limits or Limits()
        self.connection: Connection | None = None
        self.last_body: dict[str, Any] | None = None
        self._token_cache: dict[tuple[str, bool], int] = {}

    # LoadsModels -----------------------------------------------------------------------------

    def load(
        self,
        path: str,
        options: LoadOptions,
        progress: Callable[[float], None],
        cancelled: Callable[[], bool],
    ) -> ModelInfo | LoadFailure:
        """Checks that the server answers and offers the model; nothing is loaded anywhere."""
        started = time.monotonic()
        parts = split_remote_locator(path)
        entry = self.lookup(parts[0]) if parts is not None else None
        if parts is None or entry is None:
            return LoadFailure(LoadProblem.SERVER, path, "No such server was added.", fault="")
        base_url, model_id = parts
        host = locator_host(base_url)
        key = self.key_for(entry.id)
        client = OpenAIClient(base_url, key, self.timeouts, self.limits)
        progress(0.1)
        try:
            models = parse_models(client.list_models())
        except ServerFault as fault:
            client.close()
            return LoadFailure(LoadProblem.SERVER, path, fault.said, fault=fault.fault.value)
        if cancelled():
            client.close()
            return LoadFailure(LoadProblem.CANCELLED, path, "Cancelled.")
        found = next((m for m in models if m.id == model_id), None)
        if found is None:
            client.close()
            return LoadFailure(
                LoadProblem.SERVER,
                path,
                f"The server does not offer {model_id!r}.",
                fault=Fault.NOT_FOUND.value,
            )
        progress(0.5)
        n_ctx = found.context_length or self._props_context(client)
        n_ctx = n_ctx or (options.n_ctx if options.n_ctx > 0 else DEFAULT_CONTEXT)
        counting = self._probe_tokenize(client)
        progress(1.0)
        self.close()
        self.connection = Connection(entry, model_id, path, n_ctx, counting, client, host, key)
        return ModelInfo(
            path=path,
            name=model_id.rstrip("/").rsplit("/", 1)[-1] or model_id,
            architecture="remote",
            quantization="",
            n_ctx=n_ctx,
            n_ctx_train=n_ctx,
            n_params=0,
            size_bytes=0,
            template_origin="server",
            backend=host,
            gpu_offload=False,
            gpu_layers=0,
            is_demo=False,
            load_seconds=time.monotonic() - started,
            host=host,
        )

    @staticmethod
    def _props_context(client: OpenAIClient) -> int:
        """llama-server's ``/props`` (other servers answer 404, which costs one round trip)."""
        try:
            return context_from_props(client.get_json("/props"))
        except ServerFault:
            return 0

    @staticmethod
    def _probe_tokenize(client: OpenAIClient) -> TokenCounting:
        try:
            answer = client.post_json("/tokenize", {"content": "a"})
        except ServerFault:
            return TokenCounting.ESTIMATE
        tokens = answer.get("tokens") if isinstance(answer, dict) else None
        return TokenCounting.EXACT if isinstance(tokens, list) else TokenCounting.ESTIMATE

    def close(self) -> None:
        if self.connection is not None:
            self.connection.client.close()
        self.connection = None
        self._token_cache.clear()

    def unload(self) -> bool:
        was = self.connection is not None
        self.close()
        return was

    # ChatBackend -----------------------------------------------------------------------------

    def capabilities(self) -> BackendCapabilities:
        conn = self.connection
        if conn is None:
            return BackendCapabilities(context_window=0)
        return BackendCapabilities(conn.n_ctx, conn.counting, thinking=True)

    def prepare(
        self, request: GenerationRequest, whole: bool, superseded: Callable[[], bool]
    ) -> None:
        """Nothing to do ahead: the server keeps its own prompt cache (llama-server reuses the
        common prefix of the previous request by itself)."""

    def _tokenizer(self, conn: Connection) -> Callable[[Sequence[PromptSegment]], list[int]]:
        cache = self._token_cache
        exact = conn.counting == TokenCounting.EXACT

        def size(segment: PromptSegment) -> int:
            key = (segment.text, segment.parse_special)
            found = cache.get(key)
            if found is None:
                found = estimate_tokens(segment.text)
                if exact and not segment.parse_special and segment.text:
                    try:
                        answer = conn.client.post_json(
                            "/tokenize", {"content": segment.text, "add_special": False}
                        )
                        tokens = answer.get("tokens") if isinstance(answer, dict) else None
                        if isinstance(tokens, list):
                            found = len(tokens)
                    except ServerFault:
                        pass
                if len(cache) > _TOKEN_CACHE_LIMIT:
                    cache.clear()
                cache[key] = found
            return found

        def tokenize(segments: Sequence[PromptSegment]) -> list[int]:
            return [0] * sum(size(s) for s in segments)

        return tokenize

    def count(self, request: CountRequest) -> ContextCount | None:
        conn = self.connection
        if conn is None or not request.messages:
            return None
        messages = with_summary(request.messages, request.summary)
        budget = self._budget(conn, request.max_tokens)
        result: ContextForecast = forecast(messages, budget, request.min_dropped)
        focus = len(budget.tokenize((PromptSegment(request.focus_text, False),)))
        fit = len(request.focus_text) if focus and result.too_long_by <= 0 else 0
        estimate = conn.counting == TokenCounting.ESTIMATE
        return ContextCount(result, focus, fit, estimate=estimate)

    def _budget(self, conn: Connection, max_tokens: int) -> PromptBudget:
        """The budget a request is planned and counted in: the server renders ChatML-like
        messages and counts their tokens (exactly or about, see `_tokenizer`), and keeps the
        room for a reply of `max_tokens`."""
        return PromptBudget(
            ChatMLSegments(),  # type: ignore[arg-type]
            self._tokenizer(conn),
            conn.n_ctx,
            reply_reserve(conn.n_ctx, max_tokens),
        )

    def _ground(
        self, request: GenerationRequest, budget: PromptBudget
    ) -> tuple[tuple[ChatMessage, ...], tuple[MessageSource, ...]]:
        """The last turn with the passages that fit: at most half the window, and what the
        system prompt, the question and the reply's reserve leave."""
        grounding = request.grounding
        messages = request.messages
        if grounding is None:
            return messages, ()

        def cost(text: str) -> int:
            return len(budget.tokenize((PromptSegment(text, False),)))

        head, _ = split_history(messages)
        base = sum(cost(m.content) for m in (*head, messages[-1])) + 16
        room = passage_budget(budget.n_ctx, budget.reserve_tokens, base)
        sources = fit_sources(grounding.sources, cost, room)
        fitted = replace(grounding, sources=sources)
        last = ChatMessage(Role.USER, grounded_question(messages[-1].content, fitted))
        return (*messages[:-1], last), sources

    def reply(
        self, request: GenerationRequest, cancelled: Callable[[], bool]
    ) -> Iterator[ReplyEvent]:
        conn = self.connection
        if conn is None:
            yield Failed(ReplyFailure(ReplyProblem.NO_MODEL, "No model is chosen."))
            return
        refused = no_question(request.messages)
        if refused is not None:
            yield refused
            return
        budget = self._budget(conn, request.sampling.max_tokens)
        messages, sources = self._ground(request, budget)
        left_out = len(request.grounding.sources) - len(sources) if request.grounding else 0
        summary = request.summary
        min_dropped = max(request.min_dropped, request.summary_covers)
        try:
            plan = plan_prompt(with_summary(messages, summary), budget, min_dropped)
            if summarizes_first(request, plan):
                yield SummaryStarted()
                made = self._summarize(conn, request, messages, plan.dropped_messages)
                if made is not None:
                    summary = made.text
                    plan = plan_prompt(
                        with_summary(messages, summary), budget, plan.dropped_messages
                    )
                    yield made
        except PromptTooLongError as error:
            yield prompt_too_long(error)
            return
        head, history = split_history(with_summary(messages, summary))
        sent = (*head, *history[plan.dropped_messages :])
        yield ReplyStarted(
            PromptInfo(len(plan.tokens), 0, plan.dropped_messages, conn.n_ctx, sources, left_out)
        )
        body = self.request_body(conn, sent, request)
        asked = (cancelled, len(plan.tokens), plan.dropped_messages)
        for event in self._stream(conn, body, *asked):
            if isinstance(event, Failed) and event.failure.fault in _KEY_FAULTS:
                renewed = self._renew_key(conn)
                if renewed is not None:  # the key was changed since the model was chosen
                    yield from self._stream(renewed, body, *asked)
                    return
            yield event

    def _renew_key(self, conn: Connection) -> Connection | None:
        """The connection with the key as kept now, when the user changed it (Edit…) after
        choosing the model; else None. Read only after a refusal: a reply never waits for it."""
        entry = self.lookup(conn.entry.base_url) or conn.entry
        key = self.key_for(entry.id)
        if key == conn.key:
            return None
        self.connection = _with_key(replace(conn, entry=entry), key)
        return self.connection

    def request_body(
        self, conn: Connection, sent: Sequence[ChatMessage], request: GenerationRequest
    ) -> dict[str, Any]:
        """The chat completion request: standard fields for every server, the extra sampling
        fields only for servers known to take them (an OpenAI endpoint refuses unknown ones)."""
        sampling = request.sampling
        body: dict[str, Any] = {
            "model": conn.model,
            "messages": [{"role": m.role.value, "content": m.content} for m in sent],
            "stream": True,
            "stream_options": {"include_usage": True},
            "temperature": sampling.temperature,
            "top_p": sampling.top_p,
        }
        if sampling.max_tokens > 0:
            body["max_tokens"] = sampling.max_tokens
        if sampling.seed is not None:
            body["seed"] = sampling.seed
        preset = conn.entry.preset
        if preset in (Preset.LLAMA_SERVER, Preset.VLLM):
            body["top_k"] = sampling.top_k
            body["min_p"] = sampling.min_p
            penalty = "repeat_penalty" if preset == Preset.LLAMA_SERVER else "repetition_penalty"
            body[penalty] = sampling.repeat_penalty
            if not request.thinking:
                body["chat_template_kwargs"] = {"enable_thinking": False}
        self.last_body = body
        return body

    def _summarize(
        self,
        conn: Connection,
        request: GenerationRequest,
        messages: Sequence[ChatMessage],
        dropped: int,
    ) -> SummaryMade | None:
        """A new running summary of the turns that fall out, asked for without streaming;
        None when the server cannot make one (the turns are then simply left out)."""
        _, history = split_history(messages)
        leaving = history[request.summary_covers : dropped]
        asked = summary_messages(request.summary, leaving, max_chars=conn.n_ctx * 2)
        body = {
            "model": conn.model,
            "messages": [{"role": m.role.value, "content": m.content} for m in asked],
            "max_tokens": max(32, min(256, conn.n_ctx // 8)),
            "temperature": 0,
        }
        try:
            answer = conn.client.post_json("chat/completions", body)
            text = answer["choices"][0]["message"]["content"]
        except (ServerFault, KeyError, IndexError, TypeError):
            return None
        if not isinstance(text, str):
            return None
        splitter = ReasoningSplitter(THINK_TAGS)
        _, answer_text = splitter.feed(text)
        answer_text += splitter.flush()[1]
        answer_text = answer_text.strip()
        return SummaryMade(answer_text, dropped) if answer_text else None

    def _stream(
        self,
        conn: Connection,
        body: dict[str, Any],
        cancelled: Callable[[], bool],
        prompt_tokens: int,
        dropped: int,
    ) -> Iterator[ReplyEvent]:
        reader = conn.client.stream_reader("chat/completions", body)
        timeouts = conn.client.timeouts
        started = time.monotonic()
        reader.start()
        stream = _Reply()
        fault: ServerFault | None = None
        stopped = False
        items = reader.items
        while True:
            try:
                kind, value = items.get(timeout=POLL_S)
            except queue.Empty:
                if cancelled():
                    stopped = True
                    break
                # Until the first token a server may be reading a long prompt (after sending
                # headers and a role chunk): only the first-token bound applies. From then on
                # a gap longer than the stall time is a stall.
                idle = time.monotonic() - reader.last_progress
                if stream.first_at is not None and idle > timeouts.stall:
                    fault = ServerFault(Fault.STALLED, f"nothing for {idle:.1f} s")
                    break
                if stream.first_at is None and idle > timeouts.first_token:
                    fault = ServerFault(Fault.TIMEOUT, f"no answer for {idle:.1f} s")
                    break
                continue
            if kind == EVENT:
                try:
                    yield from stream.take(value)
                except ServerFault as error:
                    fault = error
                    break
                if cancelled():
                    stopped = True
                    break
                continue
            if kind == END:
                if not value and stream.finish is None:
                    fault = ServerFault(Fault.CUT, "the stream ended before the reply")
                break
            fault = value  # FAULT
            break
        if stopped or fault is not None:
            reader.abort()
        yield from stream.flush()
        if fault is not None and not stopped:
            yield Failed(_failure(fault, conn.host))
            return
        ended = time.monotonic()
        generated = stream.generated_tokens()
        first = stream.first_at if stream.first_at is not None else ended
        seconds = ended - first
        reason = FinishReason.CANCELLED if stopped else stream.finish_reason()
        used_prompt = stream.prompt_tokens or prompt_tokens
        yield Finished(
            ReplyStats(
                finish_reason=reason,
                prompt_tokens=used_prompt,
                evaluated_prompt_tokens=used_prompt,
                generated_tokens=generated,
                tokens_per_second=generated / seconds if seconds > 0 else 0.0,
                seconds=ended - started,
                context_used=used_prompt + generated,
                n_ctx=conn.n_ctx,
                dropped_messages=dropped,
                thinking_seconds=stream.thinking_seconds,
                thinking_tokens=stream.thinking_pieces,
            )
        )


class _Reply:
    """One streamed reply's state: splits thinking from the answer and coalesces both."""

    def __init__(self) -> None:
        self.splitter = ReasoningSplitter(THINK_TAGS)
        self.text = DeltaCoalescer()
        self.thinking = DeltaCoalescer()
        self.first_at: float | None = None
        self.thinking_from: float | None = None
        self.thinking_seconds: float | None = None
        self.answer_started = False
        self.pieces = 0
        self.thinking_pieces = 0
        self.finish: str | None = None
        self.usage_completion = 0
        self.prompt_tokens = 0

    def generated_tokens(self) -> int:
        return self.usage_completion or self.pieces

    def finish_reason(self) -> FinishReason:
        return FinishReason.LENGTH if self.finish == "length" else FinishReason.STOP

    def _think(self, text: str) -> Iterator[ReplyEvent]:
        if not text or self.answer_started:
            return  # thinking after the answer began is not shown (the protocol's order)
        if self.thinking_from is None:
            self.thinking_from = time.monotonic()
        out = self.thinking.push(text)
        if out:
            yield ThinkingDelta(out)

    def _end_thinking(self) -> Iterator[ReplyEvent]:
        if self.thinking_from is not None and self.thinking_seconds is None:
            rest = self.thinking.flush()
            if rest:
                yield ThinkingDelta(rest)
            self.thinking_seconds = time.monotonic() - self.thinking_from
            yield ThinkingFinished(self.thinking_seconds)

    def _answer(self, text: str) -> Iterator[ReplyEvent]:
        if not text:
            return
        if not self.answer_started:
            if not text.strip():
                return  # whitespace before the answer (after thinking) is not shown
            self.answer_started = True
            yield from self._end_thinking()
            text = text.lstrip()
        out = self.text.push(text)
        if out:
            yield TextDelta(out)

    def take(self, event: dict[str, Any]) -> Iterator[ReplyEvent]:
        error = event.get("error")
        if error:
            detail = error.get("message", "") if isinstance(error, dict) else str(error)
            raise ServerFault(Fault.SERVER_ERROR, str(detail))
        usage = event.get("usage")
        if isinstance(usage, dict):
            completion = usage.get("completion_tokens")
            prompt = usage.get("prompt_tokens")
            if isinstance(completion, int) and completion > 0:
                self.usage_completion = completion
            if isinstance(prompt, int) and prompt > 0:
                self.prompt_tokens = prompt
        choices = event.get("choices")
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            return
        choice = choices[0]
        delta = choice.get("delta")
        if isinstance(delta, dict):
            reasoning = delta.get("reasoning_content") or delta.get("reasoning")
            content = delta.get("content")
            if isinstance(reasoning, str) and reasoning:
                self._started()
                self.thinking_pieces += 1
                yield from self._think(reasoning)
            if isinstance(content, str) and content:
                self._started()
                thinking, answer = self.splitter.feed(content)
                if thinking:
                    self.thinking_pieces += 1
                    yield from self._think(thinking)
                yield from self._answer(answer)
        reason = choice.get("finish_reason")
        if isinstance(reason, str) and reason:
            self.finish = reason

    def _started(self) -> None:
        self.pieces += 1
        if self.first_at is None:
            self.first_at = time.monotonic()

    def flush(self) -> Iterator[ReplyEvent]:
        thinking, answer = self.splitter.flush()
        yield from self._think(thinking)
        yield from self._answer(answer)
        yield from self._end_thinking()
        rest = self.text.flush()
        if rest:
            yield TextDelta(rest)

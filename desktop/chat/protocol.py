"""The one chat-backend seam: what a chat engine takes, what it gives back, and its protocol.

Plain Python, no Qt. Every value here is frozen: requests go from the GUI thread to the engine's
thread and results come back as signal arguments, so neither side can change what the other
holds. `ChatBackend` is the narrow protocol every engine implements (today `LocalEngine`, llama.cpp
in process; a remote OpenAI-compatible server or a local API server next) and every client uses
(the Qt adapter `InferenceWorker`, the tests' `ScriptedBackend`). It is modelled on simonw/llm's
`Model.execute(prompt, stream, response, conversation)`: one call per reply, yielding events.

Loading and unloading are not in the protocol: they differ for every engine (a GGUF file and
GPU layers, a server address and a key) and belong to the engine's own class.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable

from desktop.chat.context_plan import ContextForecast, OverflowStrategy
from desktop.chat.grounding import Grounding
from desktop.chat.prompt import PromptPlan, PromptTooLongError
from desktop.core.conversation import ChatMessage, FinishReason, MessageSource, Role
from desktop.engine.llama import LoadOptions, SamplingOptions


class LoadProblem(StrEnum):
    """Why a load failed; the window words each one for the user."""

    BAD_FILE = "bad_file"  # the GGUF check refused it; `gguf_problem` says how
    STARTER_MISSING = "starter_missing"
    NOT_ENOUGH_MEMORY = "not_enough_memory"
    LLAMA_FAILED = "llama_failed"
    LLAMA_CRASHED = "llama_crashed"  # the file crashed llama.cpp in the probe process
    TEMPLATE = "template"
    CANCELLED = "cancelled"
    SERVER = "server"  # a remote server could not be reached or refused; `fault` says how


@dataclass(frozen=True, slots=True)
class LoadFailure:
    problem: LoadProblem
    path: str
    message: str  # one English sentence with the detail, for the log and bug reports
    gguf_problem: str | None = None
    fault: str = ""  # with SERVER: a desktop/remote/client.py Fault value


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """Everything the window shows about the loaded model."""

    path: str
    name: str
    architecture: str
    quantization: str
    n_ctx: int
    n_ctx_train: int
    n_params: int
    size_bytes: int
    template_origin: str  # "gguf" or "builtin:<name>"
    backend: str
    gpu_offload: bool
    gpu_layers: int
    is_demo: bool
    load_seconds: float
    reasoning: str = ""  # "" for a model that does not think, else a ReasoningKind
    thinking_switchable: bool = False  # its template can turn thinking off
    effort_adjustable: bool = False  # its template takes a reasoning effort (low/medium/high)
    host: str = ""
    """Where replies are made when not on this computer (``gpu-box:8000``): a remote
    server's model, whose ``path`` is its locator (desktop/core/remote.py). "" for local."""
    always_thinks: bool = False  # it thinks before every answer (not merely when it chooses)


@dataclass(frozen=True, slots=True)
class GenerationRequest:
    request_id: int
    messages: tuple[ChatMessage, ...]
    sampling: SamplingOptions
    min_dropped: int = 0  # messages already dropped for this conversation (keeps KV prefix)
    conversation_key: str | None = None
    """Names the conversation so its KV cache is saved when another one takes over the model
    and restored when it comes back; None: nothing is saved or restored for this request."""
    thinking: bool = True
    """Whether a reasoning model should think first, where its template can switch it off."""
    thinking_budget: int = 0
    """Most tokens of thinking before the model is made to answer; 0: no limit."""
    reasoning_effort: str = ""
    """low, medium or high where the template takes a reasoning effort; "": its default."""
    grounding: Grounding | None = None
    """Passages from the user's documents for the last (user) message; the worker fits them
    to the context window and puts them into that turn only (chat/grounding.py)."""
    overflow: OverflowStrategy = OverflowStrategy.DROP
    """SUMMARIZE: turns that newly fall out of the window are summarized by the model first."""
    summary: str = ""
    """The running summary now in force; it goes into the system message."""
    summary_covers: int = 0
    """History messages (after the system prompt) that `summary` stands for; never sent."""
    prompt: str | None = None
    """A raw prompt (the API's /v1/completions): the model continues this text as it is, with
    no chat template and no planning; `messages` is then empty."""


@dataclass(frozen=True, slots=True)
class CountRequest:
    """Asks how many tokens sending would take (the draft is the last message).

    focus_text, when given, is a part of the draft (a long paste) that the answer measures on
    its own and says how much of it fits.
    """

    request_id: int
    messages: tuple[ChatMessage, ...]
    max_tokens: int
    min_dropped: int = 0
    summary: str = ""
    focus_text: str = ""
    thinking: bool = True  # as the reply would be asked: a switched-off thinking costs tokens
    reasoning_effort: str = ""  # likewise: gpt-oss writes the effort into its system message
    grounded: bool = False  # collections are attached: passages will join the draft on send


@dataclass(frozen=True, slots=True)
class ContextCount:
    """The answer to a CountRequest: the forecast plus, for focus_text, its size and how many
    of its characters fit when every droppable turn is left out (0 when none do).

    For a grounded request, ``passage_tokens`` is the most the document passages chosen at send
    time may take (the budget the engine fits them into: what is left after the system prompt,
    the question and the reply's reserve, at most half the window) and
    ``passage_dropped_turns`` how many turns sending would newly leave out if they took it all.
    """

    forecast: ContextForecast
    focus_tokens: int = 0
    focus_fit_chars: int = 0
    passage_tokens: int = 0
    passage_dropped_turns: int = 0
    focus_room_for_passages: int = 0  # tokens focus_fit_chars leaves free for the passages
    estimate: bool = False  # counted without the model's tokenizer (a remote server): about


@dataclass(frozen=True, slots=True)
class SummaryMade:
    """A new running summary that stands for the first `covers` history messages."""

    text: str
    covers: int


@dataclass(frozen=True, slots=True)
class PromptInfo:
    prompt_tokens: int
    reused_tokens: int
    dropped_messages: int
    n_ctx: int
    sources: tuple[MessageSource, ...] = ()  # the passages the model was given, as numbered
    sources_left_out: int = 0  # retrieved passages that did not fit the context window


@dataclass(frozen=True, slots=True)
class ReplyStats:
    finish_reason: FinishReason
    prompt_tokens: int
    evaluated_prompt_tokens: int
    generated_tokens: int
    tokens_per_second: float
    seconds: float
    context_used: int
    n_ctx: int
    dropped_messages: int
    thinking_seconds: float | None = None  # None: the reply had no thinking
    thinking_tokens: int = 0
    evaluated_ahead: int = 0
    """Of evaluated_prompt_tokens, those evaluated after the previous reply, before this was
    asked for (the opening of this turn, the draft prepared while typing; see LocalEngine)."""


class ReplyProblem(StrEnum):
    NO_MODEL = "no_model"
    EMPTY_PROMPT = "empty_prompt"
    PROMPT_TOO_LONG = "prompt_too_long"
    TEMPLATE = "template"
    LLAMA_FAILED = "llama_failed"
    SERVER = "server"  # a remote server failed; `fault` says how, text sent before is kept


@dataclass(frozen=True, slots=True)
class ReplyFailure:
    problem: ReplyProblem
    message: str
    needed_tokens: int = 0
    available_tokens: int = 0
    fault: str = ""  # with SERVER: a desktop/remote/client.py Fault value
    retry_after: float | None = None  # with a 429 (or 503) that said when to try again
    host: str = ""  # with SERVER: which server


class TokenCounting(StrEnum):
    """How a backend counts a draft's tokens for the context meter."""

    EXACT = "exact"  # the model's own tokenizer and chat template (llama.cpp in process)
    ESTIMATE = "estimate"  # characters per token (a remote server that does not tokenize)


@dataclass(frozen=True, slots=True)
class BackendCapabilities:
    """What the loaded model of a backend can do; the window enables its controls by it."""

    context_window: int  # tokens; 0 when no model is ready
    token_counting: TokenCounting = TokenCounting.EXACT
    thinking: bool = False  # the model thinks before it answers (reasoning)
    tools: bool = False
    images: bool = False
    embeddings: bool = False


# Reply events ---------------------------------------------------------------------------------
# `ChatBackend.reply` yields them in this order: [SummaryStarted, [SummaryMade]], ReplyStarted,
# (ThinkingDelta* ThinkingFinished)? TextDelta*, then Finished or Failed (Failed may also come
# first, when no reply can be made at all). Deltas are coalesced by the backend (~30 a second).


@dataclass(frozen=True, slots=True)
class ReplyStarted:
    """The prompt is planned and being evaluated."""

    info: PromptInfo


@dataclass(frozen=True, slots=True)
class SummaryStarted:
    """The window overflowed: the model summarizes the turns that fall out before it replies."""


@dataclass(frozen=True, slots=True)
class ThinkingDelta:
    """New thinking text since the last one; all of it comes before the answer's first delta."""

    text: str


@dataclass(frozen=True, slots=True)
class ThinkingFinished:
    """The thinking ended (the answer starts, or the reply ended while thinking)."""

    seconds: float


@dataclass(frozen=True, slots=True)
class TextDelta:
    """New answer text since the last delta; markers and thinking are never part of it."""

    text: str


@dataclass(frozen=True, slots=True)
class Finished:
    """The reply is complete or was stopped; all its text came as deltas before."""

    stats: ReplyStats


@dataclass(frozen=True, slots=True)
class Failed:
    """No (further) reply could be made; text sent before stays the user's to keep."""

    failure: ReplyFailure


def prompt_too_long(error: PromptTooLongError) -> Failed:
    """The Failed event for a conversation that cannot fit the context window, with the
    numbers the window shows; every engine that plans a prompt ends such a reply alike."""
    return Failed(
        ReplyFailure(
            ReplyProblem.PROMPT_TOO_LONG,
            str(error),
            needed_tokens=error.needed_tokens,
            available_tokens=error.available_tokens,
        )
    )


def no_question(messages: Sequence[ChatMessage]) -> Failed | None:
    """The Failed event for a conversation that does not end in a user message with text (there
    is nothing to reply to), else None; every engine refuses such a reply alike."""
    if messages and messages[-1].role == Role.USER and messages[-1].content.strip():
        return None
    return Failed(ReplyFailure(ReplyProblem.EMPTY_PROMPT, "The message is empty."))


def summarizes_first(request: GenerationRequest, plan: PromptPlan) -> bool:
    """Whether sending has the model summarize the turns that newly fall out, before it
    replies (and then plans again with the summary); the same rule for every engine."""
    return (
        request.overflow == OverflowStrategy.SUMMARIZE
        and plan.dropped_messages > request.summary_covers
    )


ReplyEvent = (
    ReplyStarted
    | SummaryStarted
    | SummaryMade
    | ThinkingDelta
    | ThinkingFinished
    | TextDelta
    | Finished
    | Failed
)
"""Everything a reply stream may yield."""


@runtime_checkable
class ChatBackend(Protocol):
    """The one seam between the chat feature and an engine. Every method runs on the engine's
    thread (the EngineHost's, chat/engine_host.py), one at a time; only `cancelled`/`superseded`
    callbacks are answered from state that the GUI thread sets (an int assignment, atomic under
    the GIL)."""

    def capabilities(self) -> BackendCapabilities:
        """What the model can do now; the window shows and enables controls by it."""
        ...

    def reply(
        self, request: GenerationRequest, cancelled: Callable[[], bool]
    ) -> Iterator[ReplyEvent]:
        """Streams the reply to `request` as events. `cancelled` is polled between tokens (and
        prompt chunks): once it says True the stream ends soon with Finished(CANCELLED). Why:
        the only call every engine must have; everything a window shows of a reply comes here."""
        ...

    def count(self, request: CountRequest) -> ContextCount | None:
        """How many tokens sending the draft would take (the context meter, the long-text
        offer); None when there is nothing to say (no model). Why in the seam: the window
        warns before sending, so every engine must answer, exactly or by estimate
        (`BackendCapabilities.token_counting`)."""
        ...

    def prepare(
        self, request: GenerationRequest, whole: bool, superseded: Callable[[], bool]
    ) -> None:
        """Gets ready to reply to a draft the user is still typing (a local engine evaluates
        its prompt ahead; a remote one may do nothing). `whole` False: only through the draft's
        text. Stops early once `superseded` says True. Why in the seam: the first token of a
        typed message should come at once, and the window cannot know how an engine does it."""
        ...


@runtime_checkable
class LoadsModels(Protocol):
    """What an engine that loads model files offers besides ChatBackend (LocalEngine; the
    tests' ScriptedBackend pretends). Not part of ChatBackend: a remote engine has nothing to
    load, and what a load takes differs for every engine; the Qt adapter's load slots call it
    where the backend has it."""

    def load(
        self,
        path: str,
        options: LoadOptions,
        progress: Callable[[float], None],
        cancelled: Callable[[], bool],
    ) -> ModelInfo | LoadFailure:
        """Loads `path`; on failure an earlier model stays loaded and usable."""
        ...

    def unload(self) -> bool:
        """Frees the model; False when none was loaded."""
        ...


@dataclass(frozen=True, slots=True)
class TogetherReply:
    """One reply of several made together (RepliesTogether): the request, its client's cancel
    mark, where its events go (`emit`, then `end` once after the last), and whether it is the
    window's (whose conversation the engine keeps as its main one afterwards)."""

    request: GenerationRequest
    cancelled: Callable[[], bool]
    emit: Callable[[ReplyEvent], None]
    end: Callable[[], None]
    window: bool = False
    started: Callable[[], None] = lambda: None
    """Called when the backend takes the reply up (it may have waited for a slot)."""


@runtime_checkable
class RepliesTogether(Protocol):
    """What an engine that decodes several replies at once offers besides ChatBackend
    (LocalEngine: llama.cpp's multi-sequence batches). Optional: the EngineHost replies one at
    a time to a backend without it. Why: eight clients together then cost far less than eight
    clients in turn, and a reply that arrives joins the ones under way instead of waiting."""

    def parallel_replies(self) -> int:
        """How many replies it can decode together now (1: only one at a time)."""
        ...

    def replies_together(
        self,
        first: Sequence[TogetherReply],
        more: Callable[[int], Sequence[TogetherReply]],
    ) -> None:
        """Makes the replies of `first` together, taking further ones from `more(free)` (up to
        `free`, as slots free up) between steps, and returns when none is left. Every reply is
        ended (`end`) before this returns, with Finished or Failed emitted before."""
        ...

"""The only package that imports llama_cpp (this module and batch.py, several replies at once).

It exposes what the app needs from llama.cpp and nothing else: load with progress and cancel,
facts about the loaded model, tokenizing prompt segments, and a generation loop of our own that
reuses the KV cache prefix and counts every token it evaluates (tests and benchmarks read the
count to prove follow-up turns evaluate only what is new).
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from desktop.core.conversation import PromptSegment


class _LazyModule:
    """Stands in for a module until first use, then imports it and takes its place.

    llama_cpp (with numpy) takes ~0.3 s to import, and the window's first frame needs only this
    module's dataclasses; the inference thread pays for the import when it first loads a model.
    On first attribute access the real module replaces this object in the module globals, so
    the per-token loop reads a plain module attribute, not this proxy.
    """

    def __init__(self, global_name: str, module_name: str) -> None:
        self._global_name = global_name
        self._module_name = module_name

    def __getattr__(self, attr: str) -> Any:
        module: ModuleType = importlib.import_module(self._module_name)
        globals()[self._global_name] = module
        return getattr(module, attr)


if TYPE_CHECKING:
    import ctypes

    import llama_cpp
    import llama_cpp.llama_cpp as llama_low
    import numpy as np
else:
    llama_cpp = _LazyModule("llama_cpp", "llama_cpp")
    llama_low = _LazyModule("llama_low", "llama_cpp.llama_cpp")
    np = _LazyModule("np", "numpy")
    ctypes = _LazyModule("ctypes", "ctypes")  # ~3 ms; only the inference thread needs it

log = logging.getLogger(__name__)

ProgressCallback = Callable[[float], bool]
"""Called with 0.0–1.0 while a model loads; returning False cancels the load."""

GPU_LAYERS_ALL = -1

_PREFILL_CHUNK = 16
"""Tokens per evaluation when preparing a prompt ahead: a request that arrives meanwhile
waits for one chunk at most (~0.5 s for a 7B model on a laptop CPU, far less elsewhere)."""


PARALLEL_SEQUENCES = 8
"""Replies a context can decode together (batch.py), besides its main sequence 0 (the one
every single reply, prepared draft and saved state uses). The KV cache is one pool for all of
them (llama.cpp's unified cache), so a single reply still has the whole context window."""


class ModelLoadError(Exception):
    """llama.cpp could not load the model or create its context."""


class LoadCancelled(Exception):
    """The user cancelled a load through the progress callback."""


class GenerationError(Exception):
    """llama.cpp failed while evaluating or sampling."""


@dataclass(frozen=True, slots=True, eq=False)
class KvState:
    """A copy of the KV cache for the tokens it holds, to switch back to a conversation fast.

    `data` is llama.cpp's serialized sequence state (llama_state_seq_get_data for sequence 0);
    it is only valid for the model and context that saved it.
    """

    tokens: tuple[int, ...]
    data: bytes

    @property
    def size_bytes(self) -> int:
        return len(self.data) + 8 * len(self.tokens)


@dataclass(frozen=True, slots=True)
class BackendInfo:
    """What llama-cpp-python was built with; printed by --diagnose and shown in the status bar."""

    llama_cpp_python_version: str
    backend: str  # "CPU", "CUDA", "Metal", "Vulkan", …
    gpu_offload: bool
    system_info: str


@dataclass(frozen=True, slots=True)
class LoadOptions:
    """How to load a model; every field is a per-model setting."""

    n_ctx: int = 4096
    n_gpu_layers: int = 0  # GPU_LAYERS_ALL for every layer
    n_threads: int | None = None  # None: physical cores
    n_batch: int = 512
    flash_attn: bool = True  # llama.cpp's "auto": on where the backend supports it
    use_mmap: bool = True


@dataclass(frozen=True, slots=True)
class SamplingOptions:
    temperature: float = 0.7
    top_p: float = 0.95
    top_k: int = 40
    min_p: float = 0.05
    repeat_penalty: float = 1.1
    max_tokens: int = 1024
    seed: int | None = None  # None: a new random seed per reply
    # Asked for by API clients (desktop/api/); the window leaves them at their defaults.
    presence_penalty: float = 0.0
    frequency_penalty: float = 0.0
    stop: tuple[str, ...] = ()  # the reply ends before any of these (beside the template's)
    grammar: str = ""  # GBNF the reply must follow (json_grammar); "": free text
    stop_tokens: frozenset[int] = frozenset()
    """Token ids that end the reply as end of generation does, unseen: the template's end
    markers that are one control token (LoadedModel.control_token). Matched by id, never by
    text, so a reply that writes the marker's characters as ordinary text goes on."""


@dataclass(frozen=True, slots=True)
class ModelFacts:
    """What the loaded model says about itself, read from llama.cpp after load."""

    path: Path
    name: str
    architecture: str
    description: str
    n_ctx: int
    n_ctx_train: int
    n_params: int
    size_bytes: int
    chat_template: str | None
    bos_token: str
    eos_token: str
    eot_token: str | None
    end_of_generation_tokens: tuple[str, ...]


_backend_lock = threading.Lock()
_load_lock = threading.Lock()


def backend_info() -> BackendInfo:
    """Names the compute backend by what llama.cpp reports about its build."""
    with _backend_lock:
        llama_low.llama_backend_init()
        info = llama_low.llama_print_system_info().decode("utf-8", "replace")
        offload = bool(llama_low.llama_supports_gpu_offload())
    upper = info.upper()
    backend = "CPU"
    for marker, name in (
        ("CUDA", "CUDA"),
        ("METAL", "Metal"),
        ("MTL", "Metal"),
        ("VULKAN", "Vulkan"),
        ("HIP", "ROCm"),
        ("SYCL", "SYCL"),
        ("OPENCL", "OpenCL"),
    ):
        if re.search(rf"\b{marker}\b", upper):
            backend = name
            break
    return BackendInfo(
        llama_cpp_python_version=llama_cpp.__version__,
        backend=backend,
        gpu_offload=offload,
        system_info=info.strip(),
    )


_GGML_DEVICE_GPU = 1  # enum ggml_backend_dev_type: CPU, GPU, IGPU, ACCEL, META


def gpu_memory() -> tuple[int, int] | None:
    """(free, total) bytes summed over the dedicated GPUs llama.cpp can use; None without one.

    llama-cpp-python has no binding for ggml's device registry, so the two calls are made
    through ctypes on the libggml it ships; any trouble means "unknown", never an error.
    """
    try:
        import os

        lib_dir = os.path.join(os.path.dirname(llama_cpp.__file__), "lib")
        names = [n for n in os.listdir(lib_dir) if n.startswith(("libggml.", "ggml.dll"))]
        if not names:
            return None
        ggml = ctypes.CDLL(os.path.join(lib_dir, sorted(names)[0]))
        ggml.ggml_backend_dev_count.restype = ctypes.c_size_t
        ggml.ggml_backend_dev_get.restype = ctypes.c_void_p
        ggml.ggml_backend_dev_get.argtypes = [ctypes.c_size_t]
        ggml.ggml_backend_dev_type.restype = ctypes.c_int
        ggml.ggml_backend_dev_type.argtypes = [ctypes.c_void_p]
        ggml.ggml_backend_dev_memory.restype = None
        ggml.ggml_backend_dev_memory.argtypes = [
            ctypes.c_void_p,
            ctypes.POINTER(ctypes.c_size_t),
            ctypes.POINTER(ctypes.c_size_t),
        ]
        free_total, all_total, found = 0, 0, False
        for index in range(ggml.ggml_backend_dev_count()):
            device = ggml.ggml_backend_dev_get(index)
            if not device or ggml.ggml_backend_dev_type(device) != _GGML_DEVICE_GPU:
                continue
            free, total = ctypes.c_size_t(0), ctypes.c_size_t(0)
            ggml.ggml_backend_dev_memory(device, ctypes.byref(free), ctypes.byref(total))
            free_total += free.value
            all_total += total.value
            found = True
        return (free_total, all_total) if found and all_total > 0 else None
    except (OSError, AttributeError, ValueError):
        return None


def default_thread_count() -> int:
    """Physical cores, as llama.cpp recommends; hyper-threads slow decoding down."""
    try:
        import psutil

        physical = psutil.cpu_count(logical=False)
    except Exception:  # psutil can fail in sandboxes; fall back to the logical count
        physical = None
    return max(1, physical or os.cpu_count() or 1)


def batch_thread_count(n_threads: int) -> int:
    """Threads for prompt evaluation: every core, since the GUI waits for the prompt anyway
    (decoding keeps one core free for it instead)."""
    return max(n_threads, os.cpu_count() or 1)


class LoadedModel:
    """One model and its context, owned by the inference thread.

    Not thread-safe: every method but `request_stop` runs on the thread that loaded it.
    """

    def __init__(self, llm: llama_cpp.Llama, path: Path) -> None:
        self._llm = llm
        self._path = path
        self._vocab = llm._model.vocab
        self._piece_buffer = ctypes.create_string_buffer(64)
        self._n_ctx = llm.n_ctx()
        self._n_batch = llm.n_batch
        self.evaluated_tokens = 0
        """Every token this model has evaluated since load; tests and benchmarks read it."""
        self.last_prompt_evaluated = 0
        """Prompt tokens evaluated for the latest reply (not those reused from the KV cache)."""
        self._last_array: tuple[tuple[int, ...], np.ndarray] | None = None
        self._logits_at = -1
        """The cache length when llama.cpp's logits were last computed: they are the next
        token's while the cache still holds exactly that many tokens. -1: none are."""
        from desktop.engine.llama.facts import read_facts

        self.facts = read_facts(llm, path, self._n_ctx)

    # Loading -----------------------------------------------------------------------------

    @classmethod
    def load(
        cls,
        path: str | Path,
        options: LoadOptions,
        progress: ProgressCallback | None = None,
    ) -> LoadedModel:
        """Loads the file with llama.cpp; the caller has already checked its GGUF header."""
        path = Path(path)
        cancelled = threading.Event()

        # Returns an int, not a bool: CPython 3.11's ctypes drops a reference to a bool that a
        # callback returns, and enough loads then crash the interpreter at exit.
        def on_progress(fraction: float, _user_data: ctypes.c_void_p) -> int:
            if progress is None:
                return 1
            try:
                keep_going = bool(progress(float(fraction)))
            except Exception:  # an exception must never cross into C
                keep_going = False
            if not keep_going:
                cancelled.set()
            return 1 if keep_going else 0

        c_progress = llama_low.llama_progress_callback(on_progress)
        original_defaults = llama_low.llama_model_default_params

        def defaults_with_progress() -> llama_low.llama_model_params:
            params = original_defaults()
            params.progress_callback = c_progress
            return params

        original_init_context = llama_low.llama_init_from_model

        def init_context(model: Any, params: llama_low.llama_context_params) -> Any:
            if options.flash_attn:
                params.flash_attn_type = llama_low.LLAMA_FLASH_ATTN_TYPE_AUTO
            params.n_seq_max = PARALLEL_SEQUENCES + 1
            params.kv_unified = True
            return original_init_context(model, params)

        n_threads = options.n_threads or default_thread_count()
        # llama_cpp.Llama takes no progress callback, so it is set on the model parameters it
        # asks for while it loads. Its flash_attn=True forces flash attention on even where the
        # GPU backend lacks it for the model's head size (the op then falls back to the CPU and
        # every token is slow), so the context is asked for llama.cpp's own "auto" instead: on
        # where every device supports it, off elsewhere. The lock keeps two loads from seeing
        # each other's hooks.
        with _load_lock:
            llama_low.llama_model_default_params = defaults_with_progress
            llama_low.llama_init_from_model = init_context
            try:
                llm = llama_cpp.Llama(
                    model_path=str(path),
                    n_ctx=options.n_ctx,
                    n_batch=min(options.n_batch, options.n_ctx),
                    n_ubatch=min(options.n_batch, options.n_ctx),
                    n_gpu_layers=options.n_gpu_layers,
                    n_threads=n_threads,
                    n_threads_batch=batch_thread_count(n_threads),
                    flash_attn=options.flash_attn,
                    use_mmap=options.use_mmap,
                    verbose=False,
                )
            except Exception as error:
                if cancelled.is_set():
                    raise LoadCancelled() from error
                raise ModelLoadError(str(error)) from error
            finally:
                llama_low.llama_model_default_params = original_defaults
                llama_low.llama_init_from_model = original_init_context
        return cls(llm, path)

    def close(self) -> None:
        """Frees the weights and the KV cache now instead of whenever the GC runs."""
        llm, self._llm = self._llm, None
        if llm is not None:
            llm.close()

    @property
    def llama(self) -> llama_cpp.Llama:
        """The llama-cpp-python object, for batch.py (this package) only."""
        return self._llm

    def adopt(self, seq_id: int, tokens: Sequence[int]) -> None:
        """Makes sequence `seq_id`, a reply decoded in a batch that holds `tokens`, the main
        sequence 0 (its conversation goes on there: a follow-up reuses its prefix)."""
        llm = self._llm
        n = len(tokens)
        llm._ctx.kv_cache_seq_rm(0, -1, -1)
        llm._ctx.kv_cache_seq_cp(seq_id, 0, -1, -1)
        llm.input_ids[:n] = tokens
        llm.n_tokens = n
        self._logits_at = -1

    # Facts -------------------------------------------------------------------------------

    def token_text(self, token: int) -> str:
        return self._llm._model.token_get_text(token)

    @property
    def n_ctx(self) -> int:
        return self._n_ctx

    @property
    def cached_tokens(self) -> int:
        """How many tokens of the last prompt and reply the KV cache holds."""
        return self._llm.n_tokens

    # Tokens --------------------------------------------------------------------------------

    def tokenize_segments(self, segments: Sequence[PromptSegment]) -> list[int]:
        """Template text may contain control tokens; message text never becomes one."""
        tokens: list[int] = []
        for segment in segments:
            if segment.text:
                tokens.extend(
                    self._llm.tokenize(
                        segment.text.encode("utf-8"), add_bos=False, special=segment.parse_special
                    )
                )
        return tokens

    def single_token(self, text: str) -> int | None:
        """The id of `text` when the vocabulary holds it as one token (control or not), else
        None; reasoning markers are recognised this way."""
        ids = self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)
        return ids[0] if len(ids) == 1 and self.token_text(ids[0]) == text else None

    def control_token(self, text: str) -> int | None:
        """The id of `text` when the vocabulary holds it as one control token (the kind that
        message text never becomes and that renders as nothing), else None. Such an end-of-turn
        marker ends a reply only as this id (SamplingOptions.stop_tokens)."""
        token = self.single_token(text)
        if token is None:
            return None
        attributes = self._llm._model.token_get_attr(token)
        return token if attributes & llama_low.LLAMA_TOKEN_ATTR_CONTROL else None

    def tokenize_text(self, text: str) -> list[int]:
        return self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)

    def token_bytes(self, token: int) -> bytes:
        """The bytes one token stands for, without re-detokenizing anything before it."""
        buffer = self._piece_buffer
        n = llama_low.llama_token_to_piece(self._vocab, token, buffer, len(buffer), 0, False)
        if n < 0:
            self._piece_buffer = buffer = ctypes.create_string_buffer(-n)
            n = llama_low.llama_token_to_piece(self._vocab, token, buffer, len(buffer), 0, False)
        return buffer.raw[:n]

    def is_end_of_generation(self, token: int) -> bool:
        return bool(llama_low.llama_vocab_is_eog(self._vocab, token))

    @property
    def bos_token_id(self) -> int:
        return self._llm.token_bos()

    @property
    def adds_bos(self) -> bool:
        return bool(self._llm._model.add_bos_token())

    def with_bos(self, tokens: list[int]) -> list[int]:
        """Starts the prompt with BOS when the model wants one and the template gave none."""
        if self.adds_bos and (not tokens or tokens[0] != self.bos_token_id):
            tokens.insert(0, self.bos_token_id)
        return tokens

    # KV state ------------------------------------------------------------------------------

    def save_state(self) -> KvState | None:
        """Copies the KV cache and the tokens it holds; None when it holds nothing."""
        llm = self._llm
        n = llm.n_tokens
        if n == 0:
            return None
        ctx = llm._ctx.ctx
        size = llama_low.llama_state_seq_get_size(ctx, 0)
        if size <= 0:
            return None
        buffer = (ctypes.c_uint8 * size)()
        written = llama_low.llama_state_seq_get_data(ctx, buffer, size, 0)
        if written <= 0 or written > size:
            return None
        return KvState(tuple(llm.input_ids[:n].tolist()), ctypes.string_at(buffer, written))

    def restore_state(self, state: KvState) -> bool:
        """Replaces the KV cache with `state`; on failure the cache is empty and False returned."""
        llm = self._llm
        n = len(state.tokens)
        if n == 0 or n >= self._n_ctx:
            return False
        llm._ctx.kv_cache_seq_rm(0, -1, -1)
        llm.reset()
        self._logits_at = -1
        buffer = (ctypes.c_uint8 * len(state.data)).from_buffer_copy(state.data)
        if llama_low.llama_state_seq_set_data(llm._ctx.ctx, buffer, len(state.data), 0) <= 0:
            llm._ctx.kv_cache_seq_rm(0, -1, -1)
            return False
        llm.input_ids[:n] = state.tokens
        llm.n_tokens = n
        return True

    # Generation ----------------------------------------------------------------------------

    def reusable_prefix(self, tokens: Sequence[int]) -> int:
        """Length of the start of `tokens` that the KV cache already holds."""
        cached = self._llm.n_tokens
        n = min(cached, len(tokens))
        if n == 0:
            return 0
        held = self._llm.input_ids[:n]
        mismatch = np.flatnonzero(held != self._as_array(tokens)[:n])
        return int(mismatch[0]) if mismatch.size else n

    def _as_array(self, tokens: Sequence[int]) -> np.ndarray:
        """`tokens` as the cache's dtype. A prompt is compared with the cache several times
        (prepared, sent, generated from) and converting a long one takes ~40 µs: the last
        tuple converted is kept (a tuple cannot change; a list is converted every time)."""
        last = self._last_array
        if last is not None and last[0] is tokens:
            return last[1]
        array = np.fromiter(tokens, dtype=self._llm.input_ids.dtype, count=len(tokens))
        if isinstance(tokens, tuple):
            self._last_array = (tokens, array)
        return array

    def prefill(self, tokens: Sequence[int], should_stop: Callable[[], bool]) -> tuple[int, int]:
        """Makes the cache hold exactly `tokens`, the last one's logits ready to sample, so
        that `generate` with this prompt samples at once: a prompt prepared while the user
        types. Evaluates only what the cache lacks, in short chunks, and returns early (the
        cache holding a part) when `should_stop`, so a real request waits one chunk at most.

        Returns (tokens kept from the cache, tokens evaluated); (0, 0) with nothing done when
        `tokens` would fill the context; on a llama.cpp failure the cache is emptied."""
        llm = self._llm
        if not tokens or len(tokens) >= self._n_ctx - 1:
            return 0, 0
        if self._holds_with_logits(tokens):
            return len(tokens), 0
        kept = self._keep(self.reusable_prefix(tokens), len(tokens))
        evaluated = 0
        # The user is typing: prompts are evaluated with the decode's threads, not every core,
        # so that one is left to the GUI thread and keys never wait for llama.cpp.
        ctx = llm._ctx.ctx
        llama_low.llama_set_n_threads(ctx, llm.n_threads, llm.n_threads)
        try:
            evaluated = self._evaluate(tokens[kept:], _PREFILL_CHUNK, should_stop)
        except Exception:
            log.warning("preparing the prompt failed", exc_info=True)
            llm.reset()
            llm._ctx.kv_cache_seq_rm(0, -1, -1)
            self._logits_at = -1
        finally:
            llama_low.llama_set_n_threads(ctx, llm.n_threads, llm.n_threads_batch)
        return kept, evaluated

    def _evaluate(self, tokens: Sequence[int], chunk: int, should_stop: Callable[[], bool]) -> int:
        """Evaluates `tokens` after what the cache holds, `chunk` at a time, checking
        `should_stop` before each; returns how many were evaluated (fewer when stopped).
        llama.cpp's exceptions pass through: the caller decides what the cache becomes."""
        llm = self._llm
        evaluated = 0
        for start in range(0, len(tokens), chunk):
            if should_stop():
                break
            part = list(tokens[start : start + chunk])
            llm.eval(part)
            evaluated += len(part)
            self.evaluated_tokens += len(part)
            self._logits_at = llm.n_tokens
        return evaluated

    def _holds_with_logits(self, tokens: Sequence[int]) -> bool:
        """Whether the cache is exactly `tokens` and the logits are those after the last."""
        n = len(tokens)
        return self._llm.n_tokens == n == self._logits_at and self.reusable_prefix(tokens) == n

    def _keep(self, prefix: int, length: int) -> int:
        """Cuts the cache back to its first `prefix` tokens, before evaluating the rest of a
        prompt of `length` tokens; returns how many it kept. A whole prompt in the cache
        keeps all but its last token, evaluated again for its logits."""
        llm = self._llm
        self._logits_at = -1
        if prefix >= length:
            prefix = length - 1
        if prefix > 0 and llm._ctx.kv_cache_seq_rm(0, prefix, -1):
            llm.n_tokens = prefix
            return prefix
        llm.reset()
        llm._ctx.kv_cache_seq_rm(0, -1, -1)
        return 0

    def generate(
        self,
        prompt: Sequence[int],
        sampling: SamplingOptions,
        should_stop: Callable[[], bool],
        already_said: Sequence[int] = (),
    ) -> Iterator[int]:
        """Yields sampled tokens until end of generation (or one of `sampling.stop_tokens`),
        max tokens, a full context or a stop.

        Only the part of `prompt` that the KV cache does not already hold is evaluated, in
        chunks, checking `should_stop` between chunks so that Stop is quick on long prompts too.
        The caller keeps prompt + max_tokens within the context; this also stops at its end.
        `already_said`: the reply's tokens at the end of `prompt` when a reply goes on in a new
        call (after a forced end of thinking); the repeat penalty counts them as it would have.
        """
        llm = self._llm
        if not prompt:
            raise ValueError("empty prompt")
        if len(prompt) >= self._n_ctx:
            raise GenerationError(f"prompt of {len(prompt)} tokens fills the context")
        if self._holds_with_logits(prompt):
            pending = []  # prepared ahead (prefill): the first token is sampled at once
        else:
            pending = list(prompt[self._keep(self.reusable_prefix(prompt), len(prompt)) :])
        self.last_prompt_evaluated = len(pending)
        chunk = max(16, min(self._n_batch, 128))
        try:
            evaluated = self._evaluate(pending, chunk, should_stop)
        except Exception as error:
            llm.reset()
            self._logits_at = -1
            raise GenerationError(str(error)) from error
        if evaluated < len(pending):
            return  # stopped while the prompt was evaluated

        sampler = sampler_chain(llm, sampling, already_said)
        # Per token: one sample, one end-of-generation check, one eval. Everything the loop
        # touches is bound to a local first, so the Python work per token stays a few calls.
        context = llm._ctx
        sample = sampler.sample
        eval_tokens = llm.eval
        is_eog = llama_low.llama_vocab_is_eog
        vocab = self._vocab
        stop_tokens = sampling.stop_tokens
        n_ctx = self._n_ctx
        produced = 0
        limit = sampling.max_tokens if sampling.max_tokens > 0 else n_ctx
        failed = False
        try:
            while produced < limit and llm.n_tokens < n_ctx:
                if should_stop():
                    return
                token = sample(context, -1)
                if is_eog(vocab, token) or token in stop_tokens:
                    return
                produced += 1
                yield token
                if llm.n_tokens >= n_ctx:
                    return
                eval_tokens((token,))
                self.evaluated_tokens += 1
        except GeneratorExit:
            raise
        except Exception as error:
            failed = True
            raise GenerationError(str(error)) from error
        finally:
            sampler.close()
            # Every way out but a failed evaluation leaves the logits of the cache's end.
            self._logits_at = -1 if failed else llm.n_tokens


def measure_generation(
    model: LoadedModel, prompt: Sequence[int], n_tokens: int
) -> tuple[float, float, int]:
    """Greedy decode for --diagnose: (prompt tokens/s, generation tokens/s, tokens made)."""
    model._llm.reset()
    start = time.perf_counter()
    stream = model.generate(
        prompt,
        SamplingOptions(temperature=0.0, max_tokens=n_tokens, repeat_penalty=1.0, seed=0),
        lambda: False,
    )
    first = None
    made = 0
    for _token in stream:
        if first is None:
            first = time.perf_counter()
        made += 1
    end = time.perf_counter()
    prompt_s = (first or end) - start
    prompt_rate = len(prompt) / prompt_s if prompt_s > 0 else 0.0
    gen_s = end - (first or end)
    gen_rate = (made - 1) / gen_s if made > 1 and gen_s > 0 else 0.0
    return prompt_rate, gen_rate, made


def sampler_chain(
    llm: llama_cpp.Llama, sampling: SamplingOptions, already_said: Sequence[int] = ()
) -> Any:
    """llama.cpp's sampler chain for `sampling` (penalties, the grammar, top-k/p, min-p,
    temperature), as LoadedModel.generate and the batch's slots (batch.py) both use it: seeded
    (`sampling.seed`, else a random seed) and told the reply's tokens said before
    (`already_said`, the last the repeat penalty looks at), so a reply that goes on in a new
    call is penalized as it would have been. Once per reply, never per token."""
    seed = sampling.seed if sampling.seed is not None else int.from_bytes(os.urandom(4))
    llm.set_seed(seed)
    sampler = llm._init_sampler(
        top_k=sampling.top_k,
        top_p=sampling.top_p,
        min_p=sampling.min_p,
        temp=max(0.0, sampling.temperature),
        repeat_penalty=sampling.repeat_penalty,
        presence_penalty=sampling.presence_penalty,
        frequency_penalty=sampling.frequency_penalty,
        grammar=llama_cpp.LlamaGrammar.from_string(sampling.grammar, verbose=False)
        if sampling.grammar
        else None,
    )
    for token in already_said[-llm.last_n_tokens_size :]:
        sampler.accept(token)
    return sampler


# Grammars ------------------------------------------------------------------------------------


def json_grammar(schema: dict[str, Any] | None = None) -> str:
    """GBNF that lets the model write only JSON: any object when `schema` is None, else a
    value matching the JSON schema (llama.cpp's converter). Raises ValueError for a schema the
    converter cannot turn into a grammar. Here because llama_cpp is imported only here."""
    from llama_cpp import llama_grammar

    if schema is None:
        return llama_grammar.JSON_GBNF
    try:
        return llama_grammar.json_schema_to_gbnf(json.dumps(schema))
    except Exception as error:  # the converter raises plain exceptions of many kinds
        raise ValueError(f"the JSON schema cannot be enforced: {error}") from error


# Embeddings ------------------------------------------------------------------------------------


class EmbeddingModel:
    """A GGUF model loaded for embeddings only (document meaning search).

    Its own small context (512 tokens; longer passages are cut, which the ~220-word passages
    rarely need), mean pooling forced so that any model gives one vector per text, L2-normalized
    float32 rows. Not thread-safe: one caller at a time (documents/qt/workers.py shares one under a
    lock).
    """

    N_CTX = 512

    def __init__(self, llm: llama_cpp.Llama, path: Path) -> None:
        self._llm = llm
        self.path = path

    @classmethod
    def load(cls, path: Path, n_threads: int = 0) -> EmbeddingModel:
        """Raises ModelLoadError; the caller checks the file with gguf_check first."""
        threads = n_threads or default_thread_count()
        try:
            llm = llama_cpp.Llama(
                model_path=str(path),
                embedding=True,
                n_ctx=cls.N_CTX,
                n_batch=cls.N_CTX,
                n_ubatch=cls.N_CTX,
                n_threads=threads,
                n_threads_batch=threads,
                pooling_type=llama_cpp.LLAMA_POOLING_TYPE_MEAN,
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as error:
            raise ModelLoadError(str(error)) from error
        return cls(llm, Path(path))

    @property
    def dimension(self) -> int:
        return int(self._llm.n_embd())

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One normalized row per text (an empty text embeds as a space)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        try:
            rows = self._llm.embed([t or " " for t in texts], normalize=True, truncate=True)
        except (ValueError, RuntimeError) as error:
            raise GenerationError(str(error)) from error
        return np.asarray(rows, dtype=np.float32).reshape(len(texts), -1)

    def close(self) -> None:
        self._llm.close()

"""The API server's figures, measured side by side in one run on the same model, threads and
greedy sampling (python -m benchmarks, step "api"):

- api_stream_vs_raw: tokens/s of one streaming client of our API (the official openai client in
  a process of its own, as a real client is, over loopback HTTP, from the request to the last
  chunk) ÷ bare llama-cpp-python's tightest loop on the same prompt (harness.bare_decode, from
  its prompt evaluation to its last token).
- api_ttft_overhead_ms: first token through the API minus first token in process (the same
  EngineHost, the same kind of request, a fresh message of the same length each time), median.
- api_vs_llama_cpp_server: the same single-client stream through llama-cpp-python's own
  `python -m llama_cpp.server`, started here on loopback with the same model, context, threads:
  our tokens/s ÷ its tokens/s, both streaming /v1/completions of the same raw prompt (the chat
  template's rendering of the story prompt).

`Config.api_delay_s` makes our server sleep that long before each text chunk it sends, so the
tests can see every figure move (tests/integration/test_benchmarks.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks.driver import Config, Results, bare_decode, bare_llama

PROMPT = (
    "Write a very long story about a lighthouse keeper and her cat. Describe every day of "
    "the year, one paragraph per day, and never stop early."
)
QUESTION = "Tell me more about it, please."
TTFT_REPS = 7


class ClientProcess:
    """The benchmark's API client in a process of its own, as a real client is: in the
    server's process its Python work (SSE parsing, pydantic) would take the GIL from the
    engine's token loop. Each call returns (seconds to the first text, to the end, tokens)."""

    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.api_client"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=dict(os.environ),
        )

    def _ask(self, kind: str, url: str, model: str, text: str, n: int) -> tuple[float, float, int]:
        assert self._process.stdin is not None and self._process.stdout is not None
        command = {"kind": kind, "url": url, "model": model, "text": text, "max_tokens": n}
        self._process.stdin.write(json.dumps(command) + "\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("the benchmark's API client process ended")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"the API client failed: {answer['error']}")
        first, total, tokens = answer["result"]
        return float(first), float(total), int(tokens)

    def chat(self, url: str, model: str, text: str, n: int) -> tuple[float, float, int]:
        return self._ask("chat", url, model, text, n)

    def complete(self, url: str, model: str, text: str, n: int) -> tuple[float, float, int]:
        return self._ask("complete", url, model, text, n)

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def llama_cpp_server(cfg: Config, n_ctx: int) -> Iterator[str]:
    """llama-cpp-python's own OpenAI-compatible server on loopback; yields its /v1 URL."""
    import httpx

    from desktop.engine.llama import batch_thread_count

    port = free_port()
    command = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(cfg.model),
        "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(n_ctx),
        "--n_batch", str(min(512, n_ctx)), "--n_ubatch", str(min(512, n_ctx)),
        "--n_threads", str(cfg.threads),
        "--n_threads_batch", str(batch_thread_count(cfg.threads)),
        "--flash_attn", "True", "--verbose", "False",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=dict(os.environ)
    )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                err = process.stderr.read().decode(errors="replace") if process.stderr else ""
                raise RuntimeError(f"llama_cpp.server did not start: {err[-1000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url + "/models", timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("llama_cpp.server did not answer in 120 s")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def measure_api(cfg: Config, res: Results, work: Path) -> None:
    from desktop.api.protocol import ServerConfig
    from desktop.api.server import ApiServer
    from desktop.api.wire import ReplyShape, model_id
    from desktop.chat.engine_host import EngineHost
    from desktop.chat.local_engine import LocalEngine
    from desktop.chat.protocol import ModelInfo
    from desktop.engine.llama import LoadOptions

    engine = LocalEngine(work / "api-models", work / "api-probed.json", work / "api-checks.json")
    info = engine.load(
        str(cfg.model), LoadOptions(n_ctx=cfg.n_ctx, n_threads=cfg.threads), lambda _f: None,
        lambda: False,
    )  # fmt: skip
    if not isinstance(info, ModelInfo):
        raise RuntimeError(f"load failed: {info}")
    host = EngineHost(engine)
    host.start()
    server = ApiServer(host, ServerConfig(port=0), model_info=lambda: info)
    real_chunk = ReplyShape.text_chunk
    if cfg.api_delay_s:

        def slow_chunk(self: ReplyShape, text: str) -> bytes:
            time.sleep(cfg.api_delay_s)  # on the server's event loop, before the send
            return real_chunk(self, text)

        ReplyShape.text_chunk = slow_chunk  # type: ignore[method-assign]
    server.start()
    client = ClientProcess()
    ours = server.url
    name = model_id(info)
    n = cfg.stream_tokens
    try:
        client.chat(ours, name, "Hello", 8)  # warm: threads, connections, first sampler
        # The prompt the engine plans for PROMPT, for the bare loop (read while it is idle).
        client.chat(ours, name, PROMPT, 2)
        plan = engine.last_plan
        assert plan is not None
        prompt = list(plan.tokens)
        llm = bare_llama(cfg, cfg.n_ctx)
        try:
            raw_runs, api_runs = [], []
            for _ in range(2):
                raw_runs.append(bare_decode(llm, prompt, n))
                client.chat(ours, name, "Hello again", 2)  # the cache holds another prompt
                api_runs.append(client.chat(ours, name, PROMPT, n))
        finally:
            llm.close()
        raw_s, raw_tokens, _times = min(raw_runs, key=lambda r: r[0])
        raw_rate = len(raw_tokens) / raw_s
        _first, api_s, api_tokens = min(api_runs, key=lambda r: r[1] / max(1, r[2]))
        api_rate = api_tokens / api_s
        res.figures["api_stream_vs_raw"] = api_rate / raw_rate
        res.absolute["api_tokens_per_s"] = api_rate
        res.absolute["api_raw_tokens_per_s"] = raw_rate
        res.absolute["api_stream_tokens"] = f"api {api_tokens}, raw {len(raw_tokens)}"

        res.figures["api_ttft_overhead_ms"] = _ttft_overhead_ms(host, client, ours, name, res)

        # The same raw prompt on both sides through /v1/completions: llama_cpp.server's chat
        # path puts a second BOS before Gemma's template (its text holds one) and the model
        # then ends at once. llama_cpp.server holds back text that is not yet valid UTF-8 and
        # detokenizes the whole reply again per token: the tiny model's random bytes make that
        # quadratic, so the tiny run streams a shorter reply here (both sides the same).
        m = cfg.api_server_tokens or n
        text = "".join(segment.text for segment in plan.segments)
        bos = engine.model.facts.bos_token if engine.model is not None else ""
        if bos and text.startswith(bos):
            text = text[len(bos) :]  # both servers add the model's BOS themselves
        with llama_cpp_server(cfg, cfg.n_ctx) as url:
            client.complete(url, "", "Hello", 8)
            their_runs, our_runs = [], []
            for _ in range(2):
                client.complete(url, "", "Hello again", 2)
                their_runs.append(client.complete(url, "", text, m))
                client.complete(ours, name, "Hello again", 2)
                our_runs.append(client.complete(ours, name, text, m))
        their_rate = max(t / s for _f, s, t in their_runs)
        our_rate = max(t / s for _f, s, t in our_runs)
        res.figures["api_vs_llama_cpp_server"] = our_rate / their_rate
        res.absolute["llama_cpp_server_tokens_per_s"] = their_rate
        res.absolute["api_tokens_per_s_beside_it"] = our_rate
        res.absolute["llama_cpp_server_runs"] = ", ".join(
            f"{t} tokens in {s:.2f} s (first after {f:.2f} s)" for f, s, t in their_runs
        )
    finally:
        ReplyShape.text_chunk = real_chunk  # type: ignore[method-assign]
        client.close()
        server.stop()
        host.close()
        engine.unload()


def _ttft_overhead_ms(host: Any, client: ClientProcess, url: str, name: str, res: Results) -> float:
    """Median first token through the API minus median in process, alternating; each request
    a fresh question of the same length, so both evaluate the same number of new tokens."""
    from desktop.chat.engine_host import Priority
    from desktop.chat.protocol import GenerationRequest, TextDelta
    from desktop.core.conversation import ChatMessage, Role
    from desktop.engine.llama import SamplingOptions

    sampling = SamplingOptions(temperature=0.0, max_tokens=8, repeat_penalty=1.0, seed=0)
    inside: list[float] = []
    through: list[float] = []
    for rep in range(TTFT_REPS):
        text = f"Question {rep:02d}a: {QUESTION}"
        request = GenerationRequest(rep + 1, (ChatMessage(Role.USER, text),), sampling)
        started = time.perf_counter()
        first = None
        for event in host.stream(request, priority=Priority.API, client="bench"):
            if first is None and isinstance(event, TextDelta) and event.text:
                first = time.perf_counter()
        inside.append((first or time.perf_counter()) - started)
        through.append(client.chat(url, name, f"Question {rep:02d}b: {QUESTION}", 8)[0])
    res.absolute["api_ttft_ms"] = statistics.median(through) * 1000
    res.absolute["in_process_ttft_ms"] = statistics.median(inside) * 1000
    return (statistics.median(through) - statistics.median(inside)) * 1000

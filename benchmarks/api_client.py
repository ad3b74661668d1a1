"""The benchmark's API client, in a process of its own (benchmarks/api.py's ClientProcess).

    python -m benchmarks.api_client   # reads one JSON command a line, answers one a line

A command: {"kind": "chat" | "complete", "url", "model", "text", "max_tokens"}; the answer
{"result": [seconds to the first text, seconds to the end, tokens]} or {"error": "..."}.
Greedy sampling; the official openai client, streaming, as other programs use the server.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

GREEDY_EXTRA = {"repeat_penalty": 1.0, "top_k": 40, "top_p": 0.95, "min_p": 0.05}


def stream_once(client: Any, model: str, text: str, max_tokens: int) -> tuple[float, float, int]:
    """One streamed chat reply: (seconds to its first text, seconds to its end, tokens)."""
    started = time.perf_counter()
    first: float | None = None
    chunks = 0
    tokens: int | None = None
    reason = None
    stream = client.chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": text}],
        max_tokens=max_tokens,
        temperature=0,
        seed=0,
        stream=True,
        extra_body=GREEDY_EXTRA,
    )
    for chunk in stream:
        if chunk.choices:
            choice = chunk.choices[0]
            if choice.delta.content:
                chunks += 1
                if first is None:
                    first = time.perf_counter()
            reason = choice.finish_reason or reason
        if getattr(chunk, "usage", None):
            tokens = chunk.usage.completion_tokens
    ended = time.perf_counter()
    if tokens is None:
        # llama_cpp.server sends no usage in a stream: a reply cut by max_tokens made exactly
        # that many; otherwise its chunks (one per token) are counted.
        tokens = max_tokens if reason == "length" else chunks
    return (first or ended) - started, ended - started, tokens


def complete_once(client: Any, model: str, text: str, max_tokens: int) -> tuple[float, float, int]:
    """One streamed text completion of a raw prompt: as stream_once."""
    started = time.perf_counter()
    first: float | None = None
    chunks = 0
    reason = None
    stream = client.completions.create(
        model=model,
        prompt=text,
        max_tokens=max_tokens,
        temperature=0,
        seed=0,
        stream=True,
        extra_body=GREEDY_EXTRA,
    )
    for chunk in stream:
        if chunk.choices:
            choice = chunk.choices[0]
            if choice.text:
                chunks += 1
                if first is None:
                    first = time.perf_counter()
            reason = choice.finish_reason or reason
    ended = time.perf_counter()
    tokens = max_tokens if reason == "length" else chunks
    if tokens == 0:
        raise RuntimeError(f"an empty completion (finish reason {reason}) cannot be timed")
    return (first or ended) - started, ended - started, tokens


def main() -> int:
    import openai

    clients: dict[str, Any] = {}
    for line in sys.stdin:
        command = json.loads(line)
        url = command["url"]
        client = clients.get(url)
        if client is None:
            client = clients[url] = openai.OpenAI(
                base_url=url, api_key="x", max_retries=0, timeout=600
            )
        run = stream_once if command["kind"] == "chat" else complete_once
        try:
            result = run(client, command["model"], command["text"], command["max_tokens"])
            answer: dict[str, Any] = {"result": list(result)}
        except Exception as error:  # told to the benchmark, which stops with it
            answer = {"error": f"{type(error).__name__}: {error}"}
        print(json.dumps(answer), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Trying a model file in a child process before the app loads it.

A native crash inside llama.cpp (an assertion, a bad kernel for this CPU, a file whose values
only that architecture's loader checks) would take the whole app with it, and with it whatever
the user was writing. So a file the app has not loaded before is first loaded, and asked for a
couple of tokens, in a separate process; only if that process survives does the app load it.
Files that passed are remembered by path, size, modification time and llama.cpp version, so
the probe costs one extra load per new file, not per start.

Embedding models (document search by meaning) get the same treatment with ``embedding=True``:
the child loads the file the way ``EmbeddingModel`` does and embeds one text; they are
remembered apart from chat loads of the same file.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop.core.private_files import write_private_text

PROBE_OK = "HEARTHSIDE-PROBE-OK"
#: The cache's file name in the data dir, shared by chat and embedding probes.
PROBE_CACHE_FILE = "probed-models.json"
PROBE_TIMEOUT_S = 600.0

# Test-only fault injection: no GGUF that passes the header check is known to crash this
# llama.cpp, so tests make the child crash on purpose to prove the app survives it.
FAULT_ENV = "HEARTHSIDE_PROBE_FAULT"


@dataclass(frozen=True, slots=True)
class ProbeResult:
    ok: bool
    crashed: bool = False  # the child died from a signal: loading in-process would kill the app
    cancelled: bool = False
    message: str = ""  # one line for the user or the log when not ok
    cached: bool = False
    signal: str = ""  # crashed: the signal's name (SIGSEGV, SIGABRT…)


def probe_command(path: Path, n_gpu_layers: int, embedding: bool = False) -> list[str]:
    """The child's command line; a frozen (packaged) app runs itself with a hidden option."""
    if getattr(sys, "frozen", False):
        prefix = [sys.executable]
    else:
        prefix = [sys.executable, "-m", "desktop"]
    command = [*prefix, "--probe-model", str(path), "--probe-gpu-layers", str(n_gpu_layers)]
    return [*command, "--probe-embedding"] if embedding else command


class ProbeCache:
    """Files that survived a probe, in a small JSON file in the data dir."""

    def __init__(self, path: Path) -> None:
        self._path = path
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            self._entries: dict[str, str] = raw if isinstance(raw, dict) else {}
        except (OSError, ValueError):
            self._entries = {}

    @staticmethod
    def _key(model: Path, n_gpu_layers: int, embedding: bool = False) -> tuple[str, str] | None:
        from importlib import metadata  # ~15 ms to import; only a load needs it

        try:
            stat = model.stat()
            llama_version = metadata.version("llama-cpp-python")
        except (OSError, metadata.PackageNotFoundError):
            return None
        offload = "gpu" if n_gpu_layers != 0 else "cpu"
        # An embedding load is another way through llama.cpp: remembered apart.
        name = str(model.resolve()) + (" #embedding" if embedding else "")
        return name, f"{stat.st_size}:{stat.st_mtime_ns}:{llama_version}:{offload}"

    def passed(self, model: Path, n_gpu_layers: int, embedding: bool = False) -> bool:
        key = self._key(model, n_gpu_layers, embedding)
        return key is not None and self._entries.get(key[0]) == key[1]

    def remember(self, model: Path, n_gpu_layers: int, embedding: bool = False) -> None:
        key = self._key(model, n_gpu_layers, embedding)
        if key is None:
            return
        try:  # another cache object (the other probing thread) may have written meanwhile
            raw = json.loads(self._path.read_text(encoding="utf-8"))
            if isinstance(raw, dict):
                self._entries = {**raw, **self._entries}
        except (OSError, ValueError):
            pass
        self._entries[key[0]] = key[1]
        # A cache that cannot be written only costs another probe next time.
        with contextlib.suppress(OSError):
            write_private_text(self._path, json.dumps(self._entries, indent=1))


def probe_model(
    path: Path,
    n_gpu_layers: int,
    cache: ProbeCache | None = None,
    should_cancel: Callable[[], bool] = lambda: False,
    timeout_s: float = PROBE_TIMEOUT_S,
    embedding: bool = False,
) -> ProbeResult:
    """Loads `path` in a child process and generates two tokens there (with ``embedding``,
    loads it as an embedding model and embeds one text)."""
    import signal  # imported here (as below): the window's first frame needs neither
    import subprocess

    if cache is not None and cache.passed(path, n_gpu_layers, embedding):
        return ProbeResult(ok=True, cached=True)
    child = subprocess.Popen(
        probe_command(path, n_gpu_layers, embedding),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
    )
    deadline = time.monotonic() + timeout_s
    while child.poll() is None:
        if should_cancel() or time.monotonic() > deadline:
            child.kill()
            child.communicate()
            if should_cancel():
                return ProbeResult(ok=False, cancelled=True, message="cancelled")
            return ProbeResult(ok=False, message=f"testing the model took over {timeout_s:.0f} s")
        time.sleep(0.05)
    out, err = child.communicate()
    code = child.returncode
    if code == 0 and PROBE_OK in out:
        if cache is not None:
            cache.remember(path, n_gpu_layers, embedding)
        return ProbeResult(ok=True)
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return ProbeResult(
            ok=False,
            crashed=True,
            message=f"llama.cpp crashed ({name}) while loading the model",
            signal=name,
        )
    lines = [line for line in (err or out).splitlines() if line.strip()]
    return ProbeResult(ok=False, message=lines[-1] if lines else f"exit status {code}")


def run_probe(path: Path, n_gpu_layers: int, embedding: bool = False) -> int:
    """The child's side: load with a small context and make two tokens (or one embedding)."""
    import signal

    from desktop.engine.llama import EmbeddingModel, LoadedModel, LoadOptions, SamplingOptions

    fault = os.environ.get(FAULT_ENV)

    def crash_if_asked() -> None:
        if fault == "segfault":
            os.kill(os.getpid(), signal.SIGSEGV)

    try:
        if embedding:
            embedder = EmbeddingModel.load(path, n_threads=1)
            crash_if_asked()
            embedder.embed(["Hello"])
            embedder.close()
        else:
            model = LoadedModel.load(path, LoadOptions(n_ctx=256, n_gpu_layers=n_gpu_layers))
            crash_if_asked()
            prompt = model.with_bos(model.tokenize_text("Hello"))
            greedy = SamplingOptions(temperature=0.0, max_tokens=2, seed=0)
            for _ in model.generate(prompt, greedy, lambda: False):
                pass
            model.close()
    except Exception as error:
        print(f"{type(error).__name__}: {error}".replace("\n", " "), file=sys.stderr)
        return 1
    print(PROBE_OK, flush=True)
    return 0

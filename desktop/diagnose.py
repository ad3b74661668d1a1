"""`hearthside --diagnose`: what users paste into bug reports and packaging uses as a smoke test.

It loads the model and generates tokens, which proves the native libraries work, without any Qt.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path

from desktop import __version__
from desktop.chat.prompt import choose_template
from desktop.core.conversation import ChatMessage, Role
from desktop.core.settings import default_data_dir

DIAGNOSE_TOKENS = 32


def _fail(reason: str) -> int:
    print(f"FAILED: {reason}", flush=True)
    print(f"hearthside --diagnose: {reason}", file=sys.stderr, flush=True)
    return 1


def report_rpc(data_dir: Path | None) -> None:
    """Whether llama.cpp has RPC, and whether each RPC server in the settings answers."""
    from desktop.core.settings import Settings
    from desktop.engine.rpc import parse_rpc_servers, reach, rpc_compiled_in

    compiled, why = rpc_compiled_in()
    print(f"RPC (several machines): {'compiled in' if compiled else 'not available: ' + why}")
    folder = data_dir or default_data_dir()
    text = ""
    if (folder / "settings.json").exists():
        text = str(Settings(folder / "settings.json").get("engine.rpc_servers"))
    servers, bad = parse_rpc_servers(text)
    for entry in bad:
        print(f"RPC server {entry!r}: not host:port")
    for server in servers:
        found = reach(server)
        state = f"reachable ({found.milliseconds:.0f} ms)" if found.reachable else found.detail
        unused = "" if compiled else ", unused: this llama.cpp has no RPC"
        print(f"RPC server {server.endpoint}: {state}{unused}")


def run_diagnose(model: Path | None, data_dir: Path | None) -> int:
    from desktop.engine import starter
    from desktop.engine.gguf_check import GgufCheckError, check_gguf
    from desktop.engine.llama import (
        LoadedModel,
        LoadOptions,
        ModelLoadError,
        backend_info,
        default_thread_count,
        measure_generation,
    )
    from desktop.engine.probe import probe_model

    print(f"Hearthside {__version__}")
    print(f"Python {platform.python_version()} on {platform.platform()}")
    try:
        backend = backend_info()
    except Exception as error:  # a broken native library is exactly what this must report
        return _fail(f"llama.cpp could not start: {error}")
    print(f"llama-cpp-python {backend.llama_cpp_python_version}")
    print(f"Backend: {backend.backend}")
    print(f"GPU offload supported: {'yes' if backend.gpu_offload else 'no'}")
    try:
        import psutil

        ram = f"{psutil.virtual_memory().total / 2**30:.1f} GiB"
    except Exception:
        ram = "unknown"
    print(f"CPU threads: {os.cpu_count()} logical, {default_thread_count()} used")
    print(f"RAM: {ram}")
    print(f"System info: {backend.system_info}")
    report_rpc(data_dir)

    if model is None:
        models_dir = (data_dir or default_data_dir()) / "models"
        try:
            model = starter.ensure_starter_model(models_dir)
        except starter.StarterUnavailable as error:
            return _fail(f"no --model given and {error}")
    print(f"Model: {model}")
    try:
        facts = check_gguf(model)
    except GgufCheckError as error:
        return _fail(str(error))
    print(f"Architecture: {facts.architecture}, quantization: {facts.file_type or 'unknown'}")
    gpu_layers = -1 if backend.gpu_offload else 0
    # A native crash would end this process without a word; the probe runs it in a child.
    probe = probe_model(model, gpu_layers)
    if not probe.ok:
        return _fail(f"{model.name}: {probe.message}")
    print("Test load in a separate process: OK")
    started = time.perf_counter()
    try:
        loaded = LoadedModel.load(
            model,
            LoadOptions(n_ctx=512, n_gpu_layers=gpu_layers),
        )
    except ModelLoadError as error:
        return _fail(f"llama.cpp could not load {model.name}: {error}")
    print(f"Load time: {time.perf_counter() - started:.2f} s")
    try:
        template = choose_template(
            loaded.facts.chat_template,
            loaded.facts.architecture,
            loaded.facts.bos_token,
            loaded.facts.eos_token,
            extra_stops=loaded.facts.end_of_generation_tokens,
        )
        print(f"Chat template: {template.origin}")
        segments = template.render_segments(
            (ChatMessage(Role.USER, "Write a short story about a lighthouse."),)
        )
        prompt = loaded.with_bos(loaded.tokenize_segments(segments))
        prompt_rate, gen_rate, made = measure_generation(loaded, prompt, DIAGNOSE_TOKENS)
    except Exception as error:
        return _fail(f"generation failed: {error}")
    finally:
        loaded.close()
    print(f"Prompt: {len(prompt)} tokens, {prompt_rate:.1f} tokens/s")
    print(f"Generation: {made} tokens, {gen_rate:.1f} tokens/s")
    if made == 0:
        return _fail("the model generated no tokens")
    print("OK")
    return 0

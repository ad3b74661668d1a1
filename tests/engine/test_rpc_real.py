"""llama.cpp RPC for real: the starter model split onto a real ``rpc-server`` on loopback.

``scripts/build-rpc.sh`` builds ``rpc-server`` and an RPC-enabled copy of llama-cpp-python's
libraries from the same llama.cpp source as the installed package (the test command runs it;
``HEARTHSIDE_RPC_BUILD`` names its folder). The model is loaded in a child process that imports
that copy, registers the server through desktop/engine/rpc.py exactly as the app does before a
local load, and offloads every layer, as ``llama-cli --rpc`` would. Three things show that the
server really did the work: the weights arrive in the server's memory, ggml lists the RPC
device, and greedy decoding gives the same tokens as the same build without RPC.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from desktop.engine.starter import ensure_starter_model, starter_installed

RPC_BUILD = os.environ.get("HEARTHSIDE_RPC_BUILD", "")
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not (RPC_BUILD and (Path(RPC_BUILD) / "bin" / "rpc-server").exists()),
    reason="no RPC build (scripts/build-rpc.sh; the test command sets HEARTHSIDE_RPC_BUILD)",
)

CHILD = """
import json, sys
from desktop.engine.llama import GPU_LAYERS_ALL, LoadedModel, LoadOptions, SamplingOptions
from desktop.engine.rpc import ggml_devices, register_from_setting, rpc_compiled_in

path, servers = sys.argv[1], sys.argv[2]
compiled, why = rpc_compiled_in()
problem = register_from_setting(servers) if servers else ""
devices = ggml_devices()
options = LoadOptions(n_ctx=256, n_gpu_layers=GPU_LAYERS_ALL if servers else 0, n_threads=1)
model = LoadedModel.load(path, options)
print("LOADED", flush=True)
sys.stdin.readline()  # the parent measures the server now
prompt = model.with_bos(model.tokenize_text("The capital of France is"))
sampling = SamplingOptions(temperature=0.0, max_tokens=12, repeat_penalty=1.0, seed=0)
tokens = list(model.generate(prompt, sampling, lambda: False))
print(json.dumps({"compiled": compiled, "why": why, "problem": problem,
                  "devices": devices, "tokens": tokens}), flush=True)
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def starter_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not starter_installed():
        pytest.skip("the starter model package is not installed")
    return ensure_starter_model(tmp_path_factory.mktemp("models"))


@pytest.fixture
def rpc_server() -> Iterator[tuple[str, psutil.Process]]:
    """A real rpc-server on 127.0.0.1, one CPU thread."""
    port = _free_port()
    build = Path(RPC_BUILD)
    env = {**os.environ, "LD_LIBRARY_PATH": str(build / "llama_cpp" / "lib")}
    server = subprocess.Popen(
        [str(build / "bin" / "rpc-server"), "-H", "127.0.0.1", "-p", str(port), "-t", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            assert server.poll() is None, "rpc-server exited at start"
            time.sleep(0.1)
    else:
        server.kill()
        pytest.fail("rpc-server did not listen within 20 s")
    try:
        yield f"127.0.0.1:{port}", psutil.Process(server.pid)
    finally:
        server.kill()
        server.wait(timeout=10)


def _run_child(model: Path, servers: str, between=None) -> dict:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([RPC_BUILD, str(ROOT)]),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(model), servers],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "LOADED"
        if between is not None:
            between()
        child.stdin.write("\n")
        child.stdin.flush()
        result = json.loads(child.stdout.readline())
    finally:
        child.kill()
        child.wait(timeout=30)
    return result


def test_a_model_split_onto_a_real_rpc_server_gives_the_same_reply(
    starter_model: Path, rpc_server: tuple[str, psutil.Process]
) -> None:
    endpoint, server = rpc_server
    before = server.memory_info().rss
    grown: list[int] = []

    remote = _run_child(
        starter_model,
        endpoint,
        between=lambda: grown.append(server.memory_info().rss - before),
    )
    local = _run_child(starter_model, "")

    assert remote["compiled"], remote["why"]
    assert remote["problem"] == ""
    assert any(endpoint in name and "RPC" in name for name in remote["devices"]), remote
    # The weights (~250 MB of the starter model's ~253 MB file) went to the server.
    assert grown[0] > 100 * 1024 * 1024, f"the server grew by only {grown[0]} bytes"
    assert remote["tokens"] and remote["tokens"] == local["tokens"]

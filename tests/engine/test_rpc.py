"""llama.cpp RPC (desktop/engine/rpc.py) on the app's own build, which has no RPC backend: what a
user of such a build sees. The real thing, a model split onto a real rpc-server, is
tests/engine/test_rpc_real.py."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from desktop.diagnose import report_rpc
from desktop.engine.rpc import (
    RpcServer,
    RpcUnavailableError,
    ggml_devices,
    parse_rpc_servers,
    reach,
    register_from_setting,
    register_rpc_servers,
    rpc_compiled_in,
)


def test_the_setting_is_read_as_host_port_entries() -> None:
    servers, bad = parse_rpc_servers("gpu-a:50052, gpu-b\n[::1]:7000 nope:x gpu-a:50052")
    assert servers == [RpcServer("gpu-a", 50052), RpcServer("gpu-b", 50052), RpcServer("::1", 7000)]
    assert bad == ["nope:x"]


def test_reaching_a_server() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert reach(RpcServer("127.0.0.1", port)).reachable
    closed = reach(RpcServer("127.0.0.1", port), timeout_s=1.0)
    assert not closed.reachable and closed.detail


def test_without_an_rpc_build_every_call_says_how_to_get_one() -> None:
    compiled, why = rpc_compiled_in()
    if compiled:
        pytest.skip("this llama.cpp has RPC")
    assert "GGML_RPC=on" in why
    with pytest.raises(RpcUnavailableError, match="GGML_RPC=on"):
        register_rpc_servers([RpcServer("127.0.0.1", 50052)])
    assert "GGML_RPC=on" in register_from_setting("127.0.0.1:50052")
    assert register_from_setting("") == ""


def test_diagnose_reports_rpc_and_each_server(tmp_path: Path, capsys) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        (tmp_path / "settings.json").write_text(
            json.dumps({"values": {"engine.rpc_servers": f"127.0.0.1:{port}, 127.0.0.1:1"}})
        )
        report_rpc(tmp_path)
    out = capsys.readouterr().out
    assert "RPC (several machines):" in out
    assert f"RPC server 127.0.0.1:{port}: reachable" in out
    assert "RPC server 127.0.0.1:1: " in out and "refused" in out.lower()


def test_the_devices_llama_cpp_can_use_are_listed() -> None:
    devices = ggml_devices()
    assert any(name.upper().startswith("CPU") for name in devices), devices
    assert not any("RPC" in name for name in devices) or rpc_compiled_in()[0]

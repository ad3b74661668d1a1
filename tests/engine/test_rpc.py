"""llama.cpp RPC (desktop/engine/rpc.py) on this build, which has no RPC backend: llama.cpp is
not rebuilt with -DGGML_RPC=on in the test environment (a build takes 15+ minutes on the shared
2-core machine), so registering a real rpc-server is not tested here; what a user of such a
build sees is."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from desktop.diagnose import report_rpc
from desktop.engine.rpc import (
    RpcServer,
    RpcUnavailableError,
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

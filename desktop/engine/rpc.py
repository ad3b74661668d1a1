"""llama.cpp RPC: one model split over several machines, each running llama.cpp's ``rpc-server``.

llama-cpp-python 0.3.36 exposes only ``llama_supports_rpc()``; llama.cpp's own ``--rpc`` option
(common/arg.cpp, ``add_rpc_devices``) finds the RPC backend in ggml's registry
(``ggml_backend_reg_by_name("RPC")``), asks it for its ``ggml_backend_rpc_add_server`` (newer
llama.cpp: returns a backend registry to register) or ``ggml_backend_rpc_add_device`` (older:
returns a device) and registers what it gets; llama.cpp then offloads layers to those devices
like to a GPU. This module does the same through ctypes, on the same libggml that llama_cpp
loaded (same path, so the same registry). It needs llama.cpp built with ``-DGGML_RPC=on``; on a
build without it every call says so (`RpcUnavailableError`) rather than failing obscurely.

Kept apart from engine/llama.py: the only other module allowed to import llama_cpp (the
import-linter contract lists both), imported only where RPC is used (the engine's thread before a
load, and ``--diagnose``).
"""

from __future__ import annotations

import ctypes
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "RpcReach",
    "RpcServer",
    "RpcUnavailableError",
    "ggml_devices",
    "parse_rpc_servers",
    "reach",
    "register_from_setting",
    "register_rpc_servers",
    "rpc_compiled_in",
]

DEFAULT_PORT = 50052
"""rpc-server's default port."""


class RpcUnavailableError(Exception):
    """This llama.cpp has no RPC backend (built without -DGGML_RPC=on), or a server refused."""


@dataclass(frozen=True, slots=True)
class RpcServer:
    host: str
    port: int

    @property
    def endpoint(self) -> str:
        return f"{self.host}:{self.port}"


def parse_rpc_servers(text: str) -> tuple[list[RpcServer], list[str]]:
    """``host:port`` entries, separated by commas, spaces or lines (the setting's text);
    returns (servers, entries that are not host:port)."""
    servers: list[RpcServer] = []
    bad: list[str] = []
    for entry in text.replace(",", " ").split():
        host, sep, port_text = entry.rpartition(":")
        if not sep:
            host, port_text = entry, str(DEFAULT_PORT)
        host = host.strip("[]")
        try:
            port = int(port_text)
        except ValueError:
            bad.append(entry)
            continue
        if not host or not 0 < port < 65536:
            bad.append(entry)
            continue
        server = RpcServer(host, port)
        if server not in servers:
            servers.append(server)
    return servers, bad


@dataclass(frozen=True, slots=True)
class RpcReach:
    server: RpcServer
    reachable: bool
    detail: str  # English, for --diagnose and the log
    milliseconds: float = 0.0


def reach(server: RpcServer, timeout_s: float = 2.0) -> RpcReach:
    """Whether a TCP connection to the server opens within ``timeout_s`` (what rpc-server needs
    first; llama.cpp itself then asks it for its memory when the device is added)."""
    started = time.perf_counter()
    try:
        with socket.create_connection((server.host, server.port), timeout=timeout_s):
            pass
    except OSError as error:
        return RpcReach(server, False, str(error) or type(error).__name__)
    return RpcReach(server, True, "connected", (time.perf_counter() - started) * 1000)


def _libraries() -> tuple[ctypes.CDLL, ctypes.CDLL]:
    """(libggml, libggml-base) as llama_cpp loaded them."""
    import llama_cpp

    folder = Path(llama_cpp.__file__).parent / "lib"
    names = {"ggml": "", "ggml-base": ""}
    for name in names:
        for candidate in (f"lib{name}.so", f"lib{name}.dylib", f"{name}.dll"):
            if (folder / candidate).exists():
                names[name] = str(folder / candidate)
                break
    if not all(names.values()):
        raise RpcUnavailableError(f"ggml's libraries were not found in {folder}")
    ggml = ctypes.CDLL(names["ggml"])
    base = ctypes.CDLL(names["ggml-base"])
    ggml.ggml_backend_reg_by_name.argtypes = [ctypes.c_char_p]
    ggml.ggml_backend_reg_by_name.restype = ctypes.c_void_p
    ggml.ggml_backend_register.argtypes = [ctypes.c_void_p]
    ggml.ggml_backend_register.restype = None
    ggml.ggml_backend_device_register.argtypes = [ctypes.c_void_p]
    ggml.ggml_backend_device_register.restype = None
    base.ggml_backend_reg_get_proc_address.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    base.ggml_backend_reg_get_proc_address.restype = ctypes.c_void_p
    return ggml, base


def _rpc_registry() -> tuple[ctypes.CDLL, ctypes.CDLL, int]:
    import llama_cpp

    if not llama_cpp.llama_supports_rpc():
        raise RpcUnavailableError(
            "this llama.cpp was built without RPC (build it with CMAKE_ARGS=-DGGML_RPC=on)"
        )
    ggml, base = _libraries()
    registry = ggml.ggml_backend_reg_by_name(b"RPC")
    if not registry:
        raise RpcUnavailableError("llama.cpp has no RPC backend registered")
    return ggml, base, registry


def ggml_devices() -> list[str]:
    """The devices llama.cpp can place layers on now, as "name (description)": "CPU (…)",
    "RPC0 (gpu-a:50052)"… — what a load after :func:`register_rpc_servers` offloads to, for
    --diagnose and the tests."""
    ggml, _base = _libraries()
    ggml.ggml_backend_dev_count.restype = ctypes.c_size_t
    ggml.ggml_backend_dev_get.argtypes = [ctypes.c_size_t]
    ggml.ggml_backend_dev_get.restype = ctypes.c_void_p
    for name in ("ggml_backend_dev_name", "ggml_backend_dev_description"):
        getattr(ggml, name).argtypes = [ctypes.c_void_p]
        getattr(ggml, name).restype = ctypes.c_char_p
    devices = []
    for index in range(ggml.ggml_backend_dev_count()):
        device = ggml.ggml_backend_dev_get(index)
        name = (ggml.ggml_backend_dev_name(device) or b"").decode(errors="replace")
        about = (ggml.ggml_backend_dev_description(device) or b"").decode(errors="replace")
        devices.append(f"{name} ({about})" if about and about != name else name)
    return devices


def rpc_compiled_in() -> tuple[bool, str]:
    """(whether RPC can be used, why not in English when it cannot)."""
    try:
        _rpc_registry()
    except RpcUnavailableError as error:
        return False, str(error)
    except Exception as error:  # a broken native library is what --diagnose must report
        return False, f"{type(error).__name__}: {error}"
    return True, ""


def register_from_setting(text: str) -> str:
    """Registers the servers of the ``engine.rpc_servers`` setting before a local load (on the
    engine's thread); returns why it could not, in English for the log, or "". A load goes on
    without them: the model then runs on this computer alone, as --diagnose explains."""
    servers, bad = parse_rpc_servers(text)
    if not servers:
        return f"not host:port: {', '.join(bad)}" if bad else ""
    try:
        register_rpc_servers(servers)
    except RpcUnavailableError as error:
        return str(error)
    return ""


_registered: set[str] = set()
_lock = threading.Lock()


def register_rpc_servers(servers: list[RpcServer]) -> list[str]:
    """Adds each server to llama.cpp's devices (once per process; llama.cpp keeps them); a model
    loaded afterwards offloads layers to them as to GPUs. Returns the endpoints added now.
    Raises RpcUnavailableError without an RPC build, or when a server cannot be added."""
    wanted = [s for s in servers if s.endpoint not in _registered]
    if not wanted:
        return []
    ggml, base, registry = _rpc_registry()
    add_server = base.ggml_backend_reg_get_proc_address(registry, b"ggml_backend_rpc_add_server")
    add_device = base.ggml_backend_reg_get_proc_address(registry, b"ggml_backend_rpc_add_device")
    adder_type = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_char_p)
    added: list[str] = []
    with _lock:
        for server in wanted:
            endpoint = server.endpoint.encode()
            if add_server:
                made = adder_type(add_server)(endpoint)
                if made:
                    ggml.ggml_backend_register(made)
            elif add_device:
                made = adder_type(add_device)(endpoint)
                if made:
                    ggml.ggml_backend_device_register(made)
            else:
                raise RpcUnavailableError("the RPC backend offers no way to add a server")
            if not made:
                raise RpcUnavailableError(
                    f"llama.cpp could not add the RPC server {server.endpoint}"
                )
            _registered.add(server.endpoint)
            added.append(server.endpoint)
    return added

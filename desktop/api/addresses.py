"""The addresses other computers on the network use to reach this one's API server.

Plain Python, no Qt. When Local server allows other computers it listens on every interface
(0.0.0.0), and "127.0.0.1" in the panel is no help to them: they need this machine's LAN
address. These are read from the interfaces (psutil, a dependency already) and the address the
system would send from to reach the network (a UDP socket "connected" without sending
anything); nothing here goes on the network. Called off the GUI thread (the controller's
background start, and again while the Server panel is open: a laptop changes networks):
reading the interfaces can take a few milliseconds.
"""

from __future__ import annotations

import ipaddress
import logging
import socket

__all__ = ["MAX_ADDRESSES", "lan_addresses", "lan_urls"]

log = logging.getLogger(__name__)

MAX_ADDRESSES = 2
"""The panel lists at most this many (a machine with VMs and containers has a dozen; the
default route's and the next real interface's are the ones people use)."""

VIRTUAL_PREFIXES = ("docker", "br-", "veth", "virbr", "vmnet", "vboxnet", "lxc", "cni", "podman")
"""Interfaces of containers and virtual machines: listed after the real ones."""

PROBE_ADDRESS = ("192.0.2.1", 9)
"""TEST-NET-1 (RFC 5737): connecting a UDP socket to it sends nothing but makes the system pick
the source address of its default route, the one other computers most likely see."""


def usable(address: str) -> bool:
    """An IPv4 address another computer could send to: not loopback, link-local or 0.0.0.0."""
    try:
        ip = ipaddress.IPv4Address(address)
    except ValueError:
        return False
    return not (ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_multicast)


def default_route_address() -> str | None:
    """The source address of the default route, or None without one (no network)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(PROBE_ADDRESS)
            address = str(probe.getsockname()[0])
    except OSError:
        return None
    return address if usable(address) else None


def interface_addresses() -> list[str]:
    """IPv4 addresses of the interfaces that are up: real ones first, then virtual ones."""
    import psutil  # imported here: only a server open to the network needs it

    try:
        interfaces = psutil.net_if_addrs()
        stats = psutil.net_if_stats()
    except (OSError, RuntimeError) as error:  # a sandbox without /proc/net, say
        log.info("network interfaces not readable: %s", error)
        return []
    real: list[str] = []
    virtual: list[str] = []
    for name, addresses in interfaces.items():
        if name in stats and not stats[name].isup:
            continue
        group = virtual if name.startswith(VIRTUAL_PREFIXES) else real
        group.extend(a.address for a in addresses if a.family == socket.AF_INET)
    return [address for address in real + virtual if usable(address)]


def lan_addresses(limit: int = MAX_ADDRESSES) -> tuple[str, ...]:
    """This computer's IPv4 addresses for the network, most likely first, at most ``limit``."""
    found: dict[str, None] = {}
    first = default_route_address()
    if first is not None:
        found[first] = None
    for address in interface_addresses():
        found.setdefault(address, None)
    return tuple(found)[:limit]


def lan_urls(port: int, addresses: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """The base URLs other computers use ("http://192.168.1.20:8765/v1"), most likely first."""
    chosen = lan_addresses() if addresses is None else addresses
    return tuple(f"http://{address}:{port}/v1" for address in chosen)

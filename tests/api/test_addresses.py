"""The LAN addresses the Server panel lists: loopback and link-local left out, the default
route's address first, real interfaces before virtual ones, no repeats, at most a few."""

from __future__ import annotations

import socket
from types import SimpleNamespace

import psutil
import pytest

from desktop.api import addresses


def _address(ip: str, family: int = socket.AF_INET) -> SimpleNamespace:
    return SimpleNamespace(family=family, address=ip)


@pytest.fixture
def interfaces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        psutil,
        "net_if_addrs",
        lambda: {
            "lo": [_address("127.0.0.1")],
            "docker0": [_address("172.17.0.1")],
            "eth0": [_address("192.168.1.20"), _address("fe80::1", socket.AF_INET6)],
            "wlan0": [_address("169.254.3.4"), _address("10.0.0.7")],
            "eth1": [_address("192.168.9.9")],
        },
    )
    monkeypatch.setattr(
        psutil,
        "net_if_stats",
        lambda: {
            name: SimpleNamespace(isup=name != "eth1")
            for name in ("lo", "docker0", "eth0", "wlan0", "eth1")
        },
    )


def test_real_interfaces_first_without_loopback_link_local_or_down(
    interfaces: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(addresses, "default_route_address", lambda: "10.0.0.7")
    assert addresses.lan_addresses(limit=5) == ("10.0.0.7", "192.168.1.20", "172.17.0.1")
    assert addresses.lan_addresses() == ("10.0.0.7", "192.168.1.20")


def test_urls_name_the_port(interfaces: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(addresses, "default_route_address", lambda: None)
    assert addresses.lan_urls(8765)[0] == "http://192.168.1.20:8765/v1"
    assert addresses.lan_urls(9000, ("192.168.1.20",)) == ("http://192.168.1.20:9000/v1",)


def test_unreadable_interfaces_leave_the_default_route(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> dict:
        raise PermissionError("no /proc/net")

    monkeypatch.setattr(psutil, "net_if_addrs", refuse)
    monkeypatch.setattr(addresses, "default_route_address", lambda: "192.168.1.20")
    assert addresses.lan_addresses() == ("192.168.1.20",)


def test_this_machine_gives_only_usable_addresses() -> None:
    found = addresses.lan_addresses()
    assert len(found) <= addresses.MAX_ADDRESSES
    assert all(addresses.usable(ip) for ip in found)
    assert not addresses.usable("127.0.0.1") and not addresses.usable("169.254.1.1")
    assert not addresses.usable("0.0.0.0") and not addresses.usable("::1")

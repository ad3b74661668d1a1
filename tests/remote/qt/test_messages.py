"""The words for a server's faults (desktop/remote/qt/messages.py)."""

from __future__ import annotations

from desktop.remote.qt.messages import RemoteMessages


def test_a_name_not_found_is_the_name_without_its_port(qapp) -> None:
    """Seen live: "The name gpu-boxx.invalid:8080 could not be found"."""
    words = RemoteMessages()
    assert words.fault_text("dns", "gpu-boxx:8080").startswith("The name gpu-boxx could not")
    assert words.fault_text("dns", "[fe80::1]:8080").startswith("The name [fe80::1] could")
    assert words.fault_text("unreachable", "gpu-box:8080").startswith("gpu-box:8080 does not")


def test_a_missing_key_and_a_wrong_address_say_what_to_do(qapp) -> None:
    words = RemoteMessages()
    assert "Edit…" in words.fault_text("key_needed", "h:1")
    assert "Edit…" in words.fault_text("auth", "h:1")
    assert "/v1" in words.fault_text("no_api", "h:1")

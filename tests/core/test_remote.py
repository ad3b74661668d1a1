"""Locators of remote models (desktop/core/remote.py)."""

from __future__ import annotations

from desktop.core.remote import (
    is_remote_locator,
    locator_host,
    remote_label,
    remote_locator,
    split_remote_locator,
)


def test_a_locator_holds_the_server_and_the_model() -> None:
    locator = remote_locator("http://gpu-box:8000/v1/", "org/model:7b")
    assert locator == "http://gpu-box:8000/v1#org/model:7b"
    assert split_remote_locator(locator) == ("http://gpu-box:8000/v1", "org/model:7b")


def test_file_paths_are_not_locators() -> None:
    assert not is_remote_locator("/home/me/models/a#b.gguf")
    assert split_remote_locator("C:\\models\\x.gguf") is None


def test_host_never_shows_credentials() -> None:
    assert locator_host("https://user:secret@api.example.com/v1") == "api.example.com"
    assert locator_host("http://[::1]:8080/v1") == "[::1]:8080"
    assert locator_host("not a url") == ""


def test_a_label_names_the_model_and_where_it_runs() -> None:
    assert remote_label("http://gpu-box:8000/v1#org/qwen2.5-72b") == "qwen2.5-72b @ gpu-box:8000"
    assert remote_label("http://h:1/v1#/srv/m.gguf") == "m.gguf @ h:1"
    assert remote_label("/home/me/m.gguf") == "/home/me/m.gguf"

"""Asking a real server for its models (desktop/remote/listing.py): llama-cpp-python's server
(tests/remote/conftest.py), open or wanting a key."""

from __future__ import annotations

import pytest

from desktop.remote.client import Fault, ServerFault
from desktop.remote.listing import list_server_models
from desktop.remote.servers import Preset, with_api_path
from tests.fixtures.llama_server import RunningServer
from tests.remote.conftest import KEY


def test_the_models_of_a_real_server(llama_server: RunningServer) -> None:
    (model,) = list_server_models(llama_server.base_url, "", Preset.LLAMA_SERVER)
    assert model.id == llama_server.model


def test_an_address_without_its_api_path_is_said_so(llama_server: RunningServer) -> None:
    """The server answers 404 at its root's /models: the address, not a model, is wrong (the
    window said "does not offer this model" before)."""
    bare = llama_server.base_url.removesuffix("/v1")
    with pytest.raises(ServerFault) as raised:
        list_server_models(bare, "", Preset.LLAMA_SERVER)
    assert raised.value.fault == Fault.NO_API
    assert raised.value.said.startswith("HTTP 404")
    assert list_server_models(with_api_path(bare), "", Preset.LLAMA_SERVER)


def test_a_missing_key_is_told_from_a_refused_one(keyed_llama_server: RunningServer) -> None:
    url = keyed_llama_server.base_url
    with pytest.raises(ServerFault) as missing:
        list_server_models(url, "", Preset.LLAMA_SERVER)
    assert missing.value.fault == Fault.KEY_NEEDED
    with pytest.raises(ServerFault) as refused:
        list_server_models(url, "not-the-key", Preset.LLAMA_SERVER)
    assert refused.value.fault == Fault.AUTH
    assert refused.value.said == "HTTP 401: Invalid API key"  # the server's words, no code
    assert list_server_models(url, KEY, Preset.LLAMA_SERVER)

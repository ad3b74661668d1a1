"""The pre-download header check is as robust as the download (issue 16 item 14): a dropped
read continues where it ended, 5xx and 429 are tried again, a 404 is not."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.models import hub as hub_module
from desktop.models.hub import HubClient, HubError, HubProblem
from tests.fixtures.fake_hub import FakeHub, running_hub


@pytest.fixture
def hub(tiny_gguf: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    monkeypatch.setattr(hub_module, "HEADER_RETRY_PAUSE_S", 0.01)
    with running_hub(tiny_gguf) as fake:
        yield fake


def _part(hub: FakeHub):  # type: ignore[no-untyped-def]
    files = HubClient(hub.endpoint).gguf_files("acme/Widget-7B-GGUF")
    return files.models[0].parts[0]


def test_a_dropped_read_continues_where_it_ended(hub: FakeHub) -> None:
    part = _part(hub)
    hub.inject("drop", part.path, at=3000, method="GET")
    header = HubClient(hub.endpoint).read_header(part, first_bytes=8192)
    assert header.supported
    assert hub.sent_bytes(part.path) == header.bytes_read  # nothing fetched twice


@pytest.mark.parametrize("code", [500, 503, 429])
def test_a_server_error_is_tried_again(hub: FakeHub, code: int) -> None:
    part = _part(hub)
    hub.inject("status", part.path, code=code, count=2, method="GET")
    header = HubClient(hub.endpoint).read_header(part)
    assert header.supported


def test_errors_that_do_not_pass_count_after_the_last_try(hub: FakeHub) -> None:
    part = _part(hub)
    hub.inject("status", part.path, code=500, count=None, method="GET")
    with pytest.raises(HubError) as raised:
        HubClient(hub.endpoint).read_header(part)
    assert raised.value.problem is HubProblem.SERVER
    tries = [r for r in hub.requests(part.path) if r.method == "GET" and r.status == 500]
    assert len(tries) == hub_module.HEADER_ATTEMPTS


def test_not_found_is_not_tried_again(hub: FakeHub) -> None:
    part = _part(hub)
    hub.inject("status", part.path, code=404, count=None, method="GET")
    with pytest.raises(HubError) as raised:
        HubClient(hub.endpoint).read_header(part)
    assert raised.value.problem is HubProblem.NOT_FOUND
    assert len([r for r in hub.requests(part.path) if r.method == "GET" and r.status == 404]) == 1

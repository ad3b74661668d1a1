"""engine.hub against the fake hub on 127.0.0.1: the real huggingface_hub client underneath."""

from __future__ import annotations

import hashlib
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.models.catalog import Fit, MachineMemory, estimate_memory
from desktop.models.hub import MAX_CARD_BYTES, HubClient, HubError, HubProblem, parse_quant
from tests.fixtures.fake_hub import QUANTS, FakeHub, running_hub

GIB = 1 << 30


@pytest.fixture
def hub(tiny_gguf: Path) -> Iterator[FakeHub]:
    with running_hub(tiny_gguf) as hub:
        yield hub


@pytest.mark.parametrize(
    ("name", "quant"),
    [
        ("Llama-3.2-1B-Instruct-Q4_K_M.gguf", "Q4_K_M"),
        ("model-IQ3_XS.gguf", "IQ3_XS"),
        ("model.IQ4_NL.gguf", "IQ4_NL"),
        ("qwen2.5-0.5b-instruct-q8_0.gguf", "Q8_0"),
        ("Q6_K/Model-Q6_K-00001-of-00002.gguf", "Q6_K"),
        ("gemma-3-1b-it-UD-Q4_K_XL.gguf", "UD-Q4_K_XL"),
        ("phi-4-bf16.gguf", "BF16"),
        ("Model-IQ2_XXS.gguf", "IQ2_XXS"),
        ("Model-Q4_0_4_4.gguf", "Q4_0_4_4"),
        ("Model-TQ1_0.gguf", "TQ1_0"),
        ("model.gguf", None),
        ("Q4_K_M-no-quant-here-really.gguf", "Q4_K_M"),
    ],
)
def test_parse_quant(name: str, quant: str | None) -> None:
    assert parse_quant(name) == quant


def test_construction_makes_no_request() -> None:
    with FakeHub() as hub:
        HubClient(hub.endpoint)
        assert hub.log == []


def test_search_filters_gguf_and_sorts(hub: FakeHub) -> None:
    client = HubClient(hub.endpoint)
    by_downloads = client.search("")
    assert [m.repo_id for m in by_downloads] == ["acme/Widget-7B-GGUF", "hearthside/tiny-GGUF"]
    widget = by_downloads[0]
    assert (widget.downloads, widget.likes, widget.license) == (1000, 40, "apache-2.0")
    assert widget.last_modified is not None and widget.last_modified.year == 2024
    by_update = client.search("", sort="updated")
    assert [m.repo_id for m in by_update] == ["hearthside/tiny-GGUF", "acme/Widget-7B-GGUF"]
    assert [m.repo_id for m in client.search("tiny")] == ["hearthside/tiny-GGUF"]
    search = hub.requests("/api/models?")[0].path
    assert "filter=gguf" in search and "sort=downloads" in search


def test_files_grouped_by_quant(hub: FakeHub) -> None:
    client = HubClient(hub.endpoint)
    files = client.gguf_files("acme/Widget-7B-GGUF")
    quants = {g.quant for g in files.groups}
    assert quants == {*QUANTS, "Q6_K"}
    q6 = next(m for m in files.models if m.quant == "Q6_K")
    assert len(q6.parts) == 2 and q6.complete
    assert q6.name == "Widget-7B-Q6_K-00001-of-00002.gguf"
    repo = hub.repos["acme/Widget-7B-GGUF"]
    assert q6.size == sum(len(repo.files[p.path]) for p in q6.parts)
    for m in files.models:
        for part in m.parts:
            assert part.sha256 == repo.sha256(part.path)
            assert part.url.startswith(hub.endpoint) and "/resolve/" in part.url
    assert [m.size for m in files.models] == sorted((m.size for m in files.models), reverse=True)
    tiny = client.gguf_files("hearthside/tiny-GGUF")
    assert [m.name for m in tiny.models] == ["tiny-F16.gguf"]
    assert [p.name for p in tiny.projectors] == ["mmproj-tiny-f16.gguf"]


def test_missing_repo(hub: FakeHub) -> None:
    with pytest.raises(HubError) as info:
        HubClient(hub.endpoint).gguf_files("nobody/nothing")
    assert info.value.problem is HubProblem.NOT_FOUND


def test_model_card(hub: FakeHub) -> None:
    client = HubClient(hub.endpoint)
    card = client.model_card("acme/Widget-7B-GGUF")
    assert card.startswith("# Widget 7B")
    assert client.model_card("acme/Other-GGUF") == ""


def test_remote_header(hub: FakeHub, tiny_gguf: Path) -> None:
    client = HubClient(hub.endpoint)
    files = client.gguf_files("acme/Widget-7B-GGUF")
    biggest = files.models[0]
    header = client.read_header(biggest.parts[0], first_bytes=4096)
    assert header.supported and header.facts.architecture == "llama"
    assert header.facts.block_count == 2
    assert header.bytes_read < biggest.size
    ranges = [r.range for r in hub.requests("/cdn/") if r.method == "GET"]
    # Each read continues where the last one ended: no byte is fetched twice.
    assert ranges and ranges[0].startswith("bytes=0-")
    spans = [tuple(map(int, r.removeprefix("bytes=").split("-"))) for r in ranges]
    assert all(spans[i + 1][0] == spans[i][1] + 1 for i in range(len(spans) - 1))
    assert hub.sent_bytes(biggest.parts[0].path) == header.bytes_read


HUGE = 64 << 20


def _sent_settles(hub: FakeHub, name: str) -> int:
    """Body bytes sent for name, once the server has noticed the client hung up."""
    sent, deadline = -1, time.monotonic() + 5
    while time.monotonic() < deadline and sent != hub.sent_bytes(name):
        sent = hub.sent_bytes(name)
        time.sleep(0.2)
    return sent


def test_remote_header_stops_at_its_limit_when_the_server_ignores_range(tiny_gguf: Path) -> None:
    """A server that answers a 1 MiB range with the whole file must not have it all read."""
    head = tiny_gguf.read_bytes()
    with FakeHub() as hub:
        hub.ignore_range = True
        hub.add_repo("x/careless-GGUF", {"model-Q4_0.gguf": head + bytes(HUGE - len(head))})
        client = HubClient(hub.endpoint)
        part = client.gguf_files("x/careless-GGUF").models[0].parts[0]
        header = client.read_header(part, first_bytes=1 << 20)
        assert header.supported and header.facts.architecture == "llama"
        assert header.bytes_read <= max(1 << 20, len(head))
        assert next(r.status for r in hub.requests("/cdn/") if r.method == "GET") == 200
        # What the kernel's socket buffers took before the client hung up, not the 64 MiB.
        assert _sent_settles(hub, "model-Q4_0.gguf") < HUGE // 4


def test_a_huge_model_card_is_read_only_up_to_its_limit() -> None:
    with FakeHub() as hub:
        hub.add_repo("x/chatty-GGUF", {"README.md": b"# Chatty\n\n" + b"words " * (HUGE // 6)})
        card = HubClient(hub.endpoint).model_card("x/chatty-GGUF")
        assert card.startswith("# Chatty") and len(card) <= MAX_CARD_BYTES
        assert _sent_settles(hub, "README.md") < HUGE // 4


def test_remote_header_of_an_unknown_architecture(tmp_path: Path, tiny_gguf: Path) -> None:
    from tests.fixtures.tiny_model import write_tiny_gguf

    odd = write_tiny_gguf(tmp_path / "odd.gguf", architecture="fancyformer").read_bytes()
    with FakeHub() as hub:
        hub.add_repo("x/odd-GGUF", {"odd-Q4_0.gguf": odd, "junk-Q8_0.gguf": b"<html>" * 100})
        client = HubClient(hub.endpoint)
        files = client.gguf_files("x/odd-GGUF")
        by_name = {m.name: m for m in files.models}
        header = client.read_header(by_name["odd-Q4_0.gguf"].parts[0])
        assert not header.supported and header.facts.architecture == "fancyformer"
        with pytest.raises(HubError) as info:
            client.read_header(by_name["junk-Q8_0.gguf"].parts[0])
        assert info.value.problem is HubProblem.NOT_GGUF


def test_recommendation_is_the_largest_that_fits(hub: FakeHub) -> None:
    client = HubClient(hub.endpoint)
    files = client.gguf_files("acme/Widget-7B-GGUF")
    header = client.read_header(files.models[0].parts[0])
    roomy = MachineMemory(total=64 * GIB, available=32 * GIB)
    pick = client.recommend(files, header.facts, 2048, roomy)
    assert pick is not None and pick.quant == "Q6_K"  # the largest quantized file; F16 is skipped
    # A machine where only the smaller files fit comfortably.
    sizes = sorted(m.size for m in files.models)
    need = estimate_memory(sizes[1], header.facts, 16).ram
    tight = MachineMemory(total=1 * GIB, available=int(need / 0.8) + 1)
    pick = client.recommend(files, header.facts, 16, tight)
    assert pick is not None and pick.size <= sizes[1]
    assert client.fit(files.models[0], header.facts, 16, tight) is not Fit.FITS
    none = MachineMemory(total=GIB // 8, available=GIB // 16)
    assert client.recommend(files, header.facts, 2048, none) is None


def test_offline_gives_a_clear_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    client = HubClient(f"http://127.0.0.1:{port}", timeout=2)
    with pytest.raises(HubError) as info:
        client.search("llama")
    assert info.value.problem is HubProblem.OFFLINE
    assert f"127.0.0.1:{port}" in str(info.value)


def test_a_hub_that_connects_but_never_answers_is_named_so() -> None:
    """A stalled server said "Could not reach …" after the wait, which sends the user to
    check a link that works."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # the kernel completes connections; nobody ever answers
        port = silent.getsockname()[1]
        client = HubClient(f"http://127.0.0.1:{port}", timeout=0.5)
        with pytest.raises(HubError) as info:
            client.search("llama")
    assert info.value.problem is HubProblem.TIMEOUT
    assert "did not answer" in str(info.value)


def test_shas_match_real_bytes(hub: FakeHub) -> None:
    data = hub.repos["hearthside/tiny-GGUF"].files["tiny-F16.gguf"]
    files = HubClient(hub.endpoint).gguf_files("hearthside/tiny-GGUF")
    assert files.models[0].parts[0].sha256 == hashlib.sha256(data).hexdigest()

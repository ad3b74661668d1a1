"""core.catalog: library scan (splits, projectors, cache) and the memory-fit estimate."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from desktop.engine.gguf_check import GgufProblem
from desktop.models.catalog import (
    Fit,
    MachineMemory,
    MemoryEstimate,
    ModelFacts,
    ModelKind,
    estimate_memory,
    judge_fit,
    machine_memory,
    scan_library,
    split_name,
)
from desktop.models.library import read_model_facts
from tests.fixtures import tiny_model

GIB = 1 << 30


class CountingReader:
    """A fake ``read_facts`` that counts calls; files containing b"bad" are refused."""

    def __init__(self) -> None:
        self.calls: list[Path] = []

    def __call__(self, path: Path) -> ModelFacts:
        self.calls.append(path)
        if b"bad" in path.read_bytes()[:16]:
            raise ValueError("not a model")
        return ModelFacts(architecture="llama", name=path.stem)


def _touch(path: Path, data: bytes = b"GGUF....") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_split_name() -> None:
    assert split_name("Model-Q4_K_M-00001-of-00003.gguf") == ("Model-Q4_K_M", 1, 3)
    assert split_name("model-00003-of-00003.GGUF") == ("model", 3, 3)
    assert split_name("model-00004-of-00003.gguf") is None
    assert split_name("model.gguf") is None


def test_scan_groups_splits_and_lists_projectors(tmp_path: Path) -> None:
    lib = tmp_path / "models"
    _touch(lib / "a" / "Plain-Q8_0.gguf")
    for n in (1, 2, 3):
        _touch(lib / "b" / f"Big-Q4_K_M-0000{n}-of-00003.gguf", b"GGUF" + b"x" * n)
    _touch(lib / "c" / "Half-00002-of-00002.gguf")  # first part missing
    _touch(lib / "a" / "mmproj-model-f16.gguf")
    _touch(lib / "a" / "Plain-Q8_0.gguf.part")  # an unfinished download
    _touch(lib / "a" / "notes.txt")
    reader = CountingReader()
    scan = scan_library([lib, tmp_path / "unplugged"], reader)

    assert scan.missing_folders == (tmp_path / "unplugged",)
    by_name = {e.path.name: e for e in scan.entries}
    assert set(by_name) == {
        "Plain-Q8_0.gguf",
        "Big-Q4_K_M-00001-of-00003.gguf",
        "Half-00002-of-00002.gguf",
        "mmproj-model-f16.gguf",
    }
    big = by_name["Big-Q4_K_M-00001-of-00003.gguf"]
    assert big.usable and len(big.parts) == 3 and big.size == 5 + 6 + 7
    half = by_name["Half-00002-of-00002.gguf"]
    assert not half.usable and half.problem == "incomplete_split"
    proj = by_name["mmproj-model-f16.gguf"]
    assert proj.kind is ModelKind.PROJECTOR and proj.facts is None
    assert by_name["Plain-Q8_0.gguf"].projectors == (proj.path,)
    assert scan.entries[-1].kind is ModelKind.PROJECTOR  # models first
    assert scan.total_size == sum(e.size for e in scan.entries)
    # Only the loadable files' headers were read; never later parts or projectors.
    assert sorted(p.name for p in reader.calls) == [
        "Big-Q4_K_M-00001-of-00003.gguf",
        "Plain-Q8_0.gguf",
    ]


def test_refused_file_is_listed_with_its_problem(tmp_path: Path, truncated_gguf: Path) -> None:
    lib = truncated_gguf.parent
    scan = scan_library([lib], read_model_facts)
    (entry,) = scan.entries
    assert not entry.usable
    assert entry.problem == GgufProblem.TRUNCATED
    assert entry.problem_text and "incomplete" in entry.problem_text


def test_cache_by_path_size_and_mtime(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    model = _touch(lib / "m.gguf")
    broken = _touch(lib / "broken.gguf", b"bad file")
    cache = tmp_path / "catalog.json"
    reader = CountingReader()
    first = scan_library([lib], reader, cache)
    assert len(reader.calls) == 2
    assert json.loads(cache.read_text())["version"] == 1
    second = scan_library([lib], reader, cache)
    assert len(reader.calls) == 2  # both served from the cache, the refusal too
    assert first.entries == second.entries
    # A changed file is read again.
    model.write_bytes(b"GGUF changed")
    os.utime(broken, (1, 1))
    scan_library([lib], reader, cache)
    assert sorted(p.name for p in reader.calls[2:]) == ["broken.gguf", "m.gguf"]


def test_damaged_cache_is_rebuilt(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    _touch(lib / "m.gguf")
    cache = tmp_path / "catalog.json"
    cache.write_text("{not json")
    reader = CountingReader()
    scan = scan_library([lib], reader, cache)
    assert scan.entries[0].usable and len(reader.calls) == 1
    cache.write_text(json.dumps({"version": 1, "files": {str(lib / "m.gguf"): "garbage"}}))
    assert scan_library([lib], reader, cache).entries[0].usable


def test_symlinked_file_is_listed_once(tmp_path: Path) -> None:
    blob = _touch(tmp_path / "hf" / "blobs" / "abc123")
    snap = tmp_path / "hf" / "snapshots" / "rev"
    snap.mkdir(parents=True)
    (snap / "Model-Q4_0.gguf").symlink_to(blob)
    (tmp_path / "hf" / "dangling.gguf").symlink_to(tmp_path / "nowhere")
    scan = scan_library([tmp_path / "hf", snap], CountingReader())
    assert [e.path.name for e in scan.entries] == ["Model-Q4_0.gguf"]


def test_fifty_real_models_list_fast(tmp_path: Path, tiny_gguf: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    for i in range(50):
        os.link(tiny_gguf, lib / f"model-{i:02}.gguf")
    cache = tmp_path / "catalog.json"
    start = time.perf_counter()
    cold = scan_library([lib], read_model_facts, cache)
    cold_s = time.perf_counter() - start
    start = time.perf_counter()
    warm = scan_library([lib], read_model_facts, cache)
    warm_s = time.perf_counter() - start
    print(f"\n50 models: cold scan {cold_s * 1000:.0f} ms, cached {warm_s * 1000:.0f} ms")
    assert len(warm.entries) == 50 and all(e.usable for e in warm.entries)
    assert cold.entries == warm.entries
    facts = warm.entries[0].facts
    assert facts is not None and facts.block_count == tiny_model.N_LAYER
    assert facts.has_chat_template and facts.quantization == "F16"
    assert cold_s < 20 and warm_s < 5  # generous: the aim is under 1 s, printed above


# --- memory fit --------------------------------------------------------------------------------

LLAMA_8B = ModelFacts(
    architecture="llama",
    block_count=32,
    embedding_length=4096,
    head_count=32,
    head_count_kv=8,
)


def test_kv_cache_of_a_known_shape() -> None:
    est = estimate_memory(4 * GIB, LLAMA_8B, 8192)
    # 2 x 32 layers x 8192 tokens x 8 heads x 128 x 2 bytes = 1 GiB
    assert est.kv_cache == GIB
    assert est.shape_known
    assert est.ram == est.weights + est.kv_cache + est.overhead
    assert est.vram == 0
    assert estimate_memory(4 * GIB, LLAMA_8B, 4096).kv_cache == GIB // 2


def test_unknown_shape_guesses_from_size() -> None:
    est = estimate_memory(4 * GIB, None, 4096)
    assert not est.shape_known and 0 < est.kv_cache < GIB


def test_gpu_layers_move_memory_to_vram() -> None:
    cpu = estimate_memory(4 * GIB, LLAMA_8B, 8192)
    half = estimate_memory(4 * GIB, LLAMA_8B, 8192, gpu_layers=16)
    full = estimate_memory(4 * GIB, LLAMA_8B, 8192, gpu_layers=-1)
    assert full.ram == full.overhead and full.vram == 5 * GIB + full.overhead
    assert cpu.ram > half.ram > full.ram
    assert 0 < half.vram < full.vram


@pytest.mark.parametrize(
    ("need", "fit"),
    [(7 * GIB, Fit.FITS), (9 * GIB, Fit.TIGHT), (13 * GIB, Fit.TIGHT), (15 * GIB, Fit.WONT_FIT)],
)
def test_judge_fit(need: int, fit: Fit) -> None:
    machine = MachineMemory(total=16 * GIB, available=10 * GIB)
    assert judge_fit(MemoryEstimate(ram=need), machine) is fit


def test_vram_judged_too() -> None:
    machine = MachineMemory(
        total=64 * GIB, available=60 * GIB, vram_total=8 * GIB, vram_free=8 * GIB
    )
    assert judge_fit(MemoryEstimate(ram=GIB, vram=4 * GIB), machine) is Fit.FITS
    assert judge_fit(MemoryEstimate(ram=GIB, vram=12 * GIB), machine) is Fit.WONT_FIT
    no_gpu = MachineMemory(total=64 * GIB, available=60 * GIB)
    assert judge_fit(MemoryEstimate(ram=GIB, vram=GIB), no_gpu) is Fit.WONT_FIT


def test_machine_memory_is_plausible() -> None:
    mem = machine_memory()
    assert 0 < mem.available <= mem.total


def test_the_recommended_pick_is_the_biggest_chat_model_this_computer_runs_comfortably() -> None:
    """Issue 17: *Download a recommended model* offers what fits this computer."""
    from dataclasses import dataclass

    from desktop.models.catalog import recommended_pick

    @dataclass(frozen=True)
    class Pick:
        name: str
        size_class: str
        kind: str

    listed = [
        Pick("tiny-a", "tiny", "chat"),
        Pick("tiny-b", "tiny", "chat"),
        Pick("small-chat", "small", "chat"),
        Pick("small-thinks", "small", "reasoning"),
        Pick("medium-thinks", "medium", "reasoning"),
        Pick("large", "large", "chat"),
    ]
    gib = 1 << 30
    assert recommended_pick(listed, 2 * gib).name == "tiny-b"  # type: ignore[union-attr]
    assert recommended_pick(listed, 8 * gib).name == "small-chat"  # type: ignore[union-attr]
    # 16 GB: the medium class has only a model that thinks first; still the best that fits.
    assert recommended_pick(listed, 16 * gib).name == "medium-thinks"  # type: ignore[union-attr]
    assert recommended_pick(listed, 64 * gib).name == "large"  # type: ignore[union-attr]
    assert recommended_pick(listed, gib // 2) is None
    assert recommended_pick([], 64 * gib) is None
    # Without a GPU, speed caps the size: 64 GB of RAM on 2 cores gets a small model, on 8 a
    # medium one, never the 12B-class one a GPU would run.
    two_cores = recommended_pick(listed, 64 * gib, cpu_only_cores=2)
    eight_cores = recommended_pick(listed, 64 * gib, cpu_only_cores=8)
    assert two_cores is not None and two_cores.name == "small-chat"
    assert eight_cores is not None and eight_cores.name == "medium-thinks"
    # RAM still rules below the cap.
    assert recommended_pick(listed, 2 * gib, cpu_only_cores=8).name == "tiny-b"  # type: ignore[union-attr]


def test_a_long_search_reports_how_far_it_is(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A home folder added with Add folder… takes a while: the scan tells the folders searched
    and the GGUF files found, now and then (every folder here, with the pause set to 0)."""
    import desktop.models.catalog as catalog

    for name in ("a", "b/c", "b/d", "e"):
        (tmp_path / name).mkdir(parents=True)
    _touch(tmp_path / "a" / "One.gguf")
    _touch(tmp_path / "b" / "d" / "Two.gguf")
    reports: list[tuple[int, int]] = []
    monkeypatch.setattr(catalog, "PROGRESS_EVERY_S", 0.0)
    scan = scan_library([tmp_path], CountingReader(), progress=lambda *r: reports.append(r))
    assert len(scan.entries) == 2
    # The root and five folders as each is entered, then the totals once the search is over.
    assert [folders for folders, _files in reports] == [1, 2, 3, 4, 5, 6, 6]
    assert reports[-1] == (6, 2) and [f for _d, f in reports] == sorted(f for _d, f in reports)
    monkeypatch.setattr(catalog, "PROGRESS_EVERY_S", 3600.0)
    reports.clear()
    scan_library([tmp_path], CountingReader(), progress=lambda *r: reports.append(r))
    assert reports == []  # a quick search says nothing

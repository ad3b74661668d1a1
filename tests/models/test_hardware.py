"""The first-run hardware check: what it reads and the defaults it picks from that."""

from __future__ import annotations

import pytest

from desktop.models import hardware
from desktop.models.hardware import GIB, Hardware, detect, recommend, recommended_context


def machine(ram_gib: float | None, cores: int | None = 4, threads: int = 8, gpu: bool = False):
    return Hardware(
        ram_bytes=None if ram_gib is None else int(ram_gib * GIB),
        logical_threads=threads,
        physical_cores=cores,
        backend="CUDA" if gpu else "CPU",
        gpu_offload=gpu,
    )


@pytest.mark.parametrize(
    ("ram_gib", "n_ctx"),
    [(2, 2048), (7, 2048), (7.3, 4096), (8, 4096), (14.5, 8192), (16, 8192), (512, 8192)],
)
def test_context_follows_ram(ram_gib: float, n_ctx: int) -> None:
    # An "8 GB" laptop reports about 7.5 GiB, a "16 GB" one 14.5-15.8: both count.
    assert recommend(machine(ram_gib)).n_ctx == n_ctx


def test_unknown_ram_gets_the_middle_context() -> None:
    assert machine(None).ram_gb is None
    assert recommended_context(None) == 4096


def test_gpu_layers_follow_offload_support() -> None:
    assert recommend(machine(16, gpu=True)).gpu_layers == "auto"
    assert recommend(machine(16, gpu=False)).gpu_layers == "none"


def test_threads_are_physical_cores_else_logical_threads() -> None:
    assert recommend(machine(16, cores=6, threads=12)).threads == 6
    assert recommend(machine(16, cores=None, threads=12)).threads == 12


def test_defaults_are_valid_declared_settings(tmp_path) -> None:
    from desktop.core.settings import Settings

    settings = Settings(tmp_path / "settings.json")
    for key, value in recommend(machine(8)).as_settings().items():
        settings.set(key, value)  # raises for an unknown key or a wrong type
    assert settings.get("model.n_ctx") == 4096


def test_detect_reads_this_machine() -> None:
    found = detect("CPU", False)
    assert found.logical_threads >= 1
    assert found.ram_bytes is None or found.ram_bytes > 256 * 2**20
    assert found.physical_cores is None or 1 <= found.physical_cores <= found.logical_threads


def test_detect_survives_psutil_failing(monkeypatch: pytest.MonkeyPatch) -> None:
    import psutil

    def broken(*_args: object, **_kwargs: object) -> object:
        raise OSError("no /proc here")

    monkeypatch.setattr(psutil, "virtual_memory", broken)
    found = detect("Metal", True)
    assert found.ram_bytes is None and found.physical_cores is None
    assert found.backend == "Metal" and found.gpu_offload
    assert recommend(found).threads == found.logical_threads
    assert hardware.recommend(found).n_ctx == 4096

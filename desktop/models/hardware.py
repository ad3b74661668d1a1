"""First-run hardware check: RAM, CPU threads and GPU offload, and the defaults that follow.

Pure Python (psutil), so it runs before any model is loaded and without Qt. What llama.cpp can
offload is passed in by the caller, because only the engine may ask llama.cpp. The settings
dialog shows the reason for each default, so the facts travel with the values: the UI builds
the sentence ("8 GB RAM → context 4096") and translates it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

GIB = 2**30

# (at least this many GB of RAM, context length). A 7-8B Q4 model needs about 5 GB plus
# 0.5 GB of KV cache per 4096 tokens, so bigger contexts only pay off with more memory.
CONTEXT_BY_RAM_GB: tuple[tuple[int, int], ...] = ((16, 8192), (8, 4096), (0, 2048))


@dataclass(frozen=True, slots=True)
class Hardware:
    """What this computer offers; `ram_bytes` and `physical_cores` are None when unknown."""

    ram_bytes: int | None
    logical_threads: int
    physical_cores: int | None
    backend: str  # what llama.cpp was built with: "CPU", "CUDA", "Metal", …
    gpu_offload: bool

    @property
    def ram_gb(self) -> int | None:
        """Whole gigabytes as people say them: 7.7 GiB of usable memory is an "8 GB" machine."""
        return None if self.ram_bytes is None else round(self.ram_bytes / GIB)


@dataclass(frozen=True, slots=True)
class Defaults:
    """Load settings chosen from the hardware, as values of the declared settings."""

    n_ctx: int
    gpu_layers: str  # "auto" or "none"
    threads: int

    def as_settings(self) -> dict[str, object]:
        return {
            "model.n_ctx": self.n_ctx,
            "model.gpu_layers": self.gpu_layers,
            "model.threads": self.threads,
        }


def detect(backend: str, gpu_offload: bool) -> Hardware:
    """Reads RAM and CPU counts; never raises (psutil can fail in sandboxes and containers)."""
    logical = os.cpu_count() or 1
    try:
        import psutil

        ram: int | None = int(psutil.virtual_memory().total)
        physical = psutil.cpu_count(logical=False)
    except Exception:
        ram, physical = None, None
    return Hardware(
        ram_bytes=ram,
        logical_threads=logical,
        physical_cores=physical or None,
        backend=backend,
        gpu_offload=gpu_offload,
    )


def recommended_context(ram_bytes: int | None) -> int:
    """Context length for this much RAM; unknown RAM gets the middle choice.

    Firmware and integrated graphics keep some memory back, so a "16 GB" machine reports
    14.5-15.8 GiB; 90 % of a size counts as that size.
    """
    if ram_bytes is None:
        return 4096
    for at_least, n_ctx in CONTEXT_BY_RAM_GB:
        if ram_bytes >= at_least * GIB * 0.9:
            return n_ctx
    return CONTEXT_BY_RAM_GB[-1][1]


def recommend(hardware: Hardware) -> Defaults:
    """Context by RAM, GPU layers auto when llama.cpp can offload (else none), threads = cores.

    Physical cores, not logical threads: hyper-threads slow llama.cpp's decoding down.
    """
    return Defaults(
        n_ctx=recommended_context(hardware.ram_bytes),
        gpu_layers="auto" if hardware.gpu_offload else "none",
        threads=hardware.physical_cores or hardware.logical_threads,
    )

"""The local model library: which GGUF files are on disk, what they are, and whether they fit.

Pure Python (no Qt, no engine): reading a GGUF header is the engine's job
(``desktop.engine.gguf_check``), so :func:`scan_library` takes a ``read_facts`` callable that
turns a path into :class:`ModelFacts` (the composition root passes
``desktop.models.library.read_model_facts``, tests pass fakes). Facts are cached in a JSON file by
(path, size, mtime): listing a folder of 50 models reads 50 ``stat`` results and one small JSON
file, not 50 headers.

What counts as what:

- ``name.gguf``: a model.
- ``name-00001-of-00003.gguf`` ... ``-00003-of-00003``: one model, loaded through the first part,
  its size the sum of the parts; missing parts make it incomplete, not three models.
- ``mmproj*.gguf``: a vision projector. llama.cpp cannot load it as a model, so it is listed as a
  projector and offered to the models in the same folder.
- ``*.part`` (unfinished downloads) and anything else: ignored.

Memory fit (:func:`estimate_memory`, :func:`judge_fit`) is a deliberate over-estimate: weights
(the file size) + KV cache at the chosen context length (f16 keys and values) + a compute-buffer
allowance. Users lose more to a model that swaps than to one we called "tight".
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, fields
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol, TypeVar

from desktop.core.private_files import write_private_text

__all__ = [
    "CACHE_VERSION",
    "PROGRESS_EVERY_S",
    "Fit",
    "LibraryEntry",
    "LibraryScan",
    "MachineMemory",
    "MemoryEstimate",
    "ModelFacts",
    "ModelKind",
    "ScanProgress",
    "cpu_only_largest_class",
    "estimate_memory",
    "judge_fit",
    "machine_memory",
    "recommended_pick",
    "scan_library",
    "split_name",
]

CACHE_VERSION = 1

_SPLIT = re.compile(r"^(?P<stem>.+)-(?P<no>\d{5})-of-(?P<count>\d{5})\.gguf$", re.IGNORECASE)


def split_name(file_name: str) -> tuple[str, int, int] | None:
    """``("Model-Q4_K_M", 1, 3)`` for ``Model-Q4_K_M-00001-of-00003.gguf``; None if not split.

    Shared with the hub client so local and remote files group the same way.
    """
    match = _SPLIT.match(file_name)
    if match is None:
        return None
    number, count = int(match["no"]), int(match["count"])
    if not 1 <= number <= count:
        return None
    return match["stem"], number, count


@dataclass(frozen=True, slots=True)
class ModelFacts:
    """What a GGUF header says, in the few plain values the library and memory fit need.

    JSON-friendly on purpose (it is the cache file's content). Shape fields are None when the
    header does not say; the memory estimate then falls back to a size-based guess.
    """

    architecture: str
    name: str | None = None
    parameter_count: int | None = None
    quantization: str | None = None
    context_length: int | None = None
    has_chat_template: bool = False
    license: str | None = None
    block_count: int | None = None
    embedding_length: int | None = None
    head_count: int | None = None
    head_count_kv: int | None = None
    key_length: int | None = None
    value_length: int | None = None
    vocab_size: int | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ModelFacts:
        """Rebuild from the cache; unknown keys are ignored, a missing architecture raises."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if not isinstance(values.get("architecture"), str):
            raise ValueError("architecture missing")
        return cls(**values)


class ModelKind(StrEnum):
    MODEL = "model"
    PROJECTOR = "projector"  # mmproj: vision projector for a multimodal model


@dataclass(frozen=True, slots=True)
class LibraryEntry:
    """One thing in the library: a model (maybe split over several files) or a projector.

    ``path`` is what to load (the first part of a split model). ``facts`` is None when the file
    could not be read as a model; ``problem`` (a stable code, e.g. ``truncated`` or
    ``incomplete_split``) and ``problem_text`` (an English sentence for logs) say why.
    """

    path: Path
    kind: ModelKind
    folder: Path  # the library folder it was found under
    parts: tuple[Path, ...]
    size: int  # bytes on disk, all parts together
    mtime: float
    facts: ModelFacts | None = None
    problem: str | None = None
    problem_text: str | None = None
    projectors: tuple[Path, ...] = ()  # mmproj files beside a model

    @property
    def usable(self) -> bool:
        return self.kind is ModelKind.MODEL and self.facts is not None and self.problem is None


@dataclass(frozen=True, slots=True)
class LibraryScan:
    entries: tuple[LibraryEntry, ...]
    missing_folders: tuple[Path, ...] = ()  # configured folders that are not there (unplugged)
    cache_problem: str | None = None  # the cache could not be written; listing still worked

    @property
    def total_size(self) -> int:
        """Disk use of everything listed, projectors included."""
        return sum(e.size for e in self.entries)


ReadFacts = Callable[[Path], ModelFacts]


# --- scanning ------------------------------------------------------------------------------------


@dataclass(slots=True)
class _File:
    path: Path
    folder: Path
    size: int
    mtime: float


ScanProgress = Callable[[int, int], None]
"""Told, from the scanning thread, how many folders were searched and how many GGUF files were
found so far: at most every :data:`PROGRESS_EVERY_S`, while a big folder (a home folder added
with Add folder…) takes long enough that the user should see the search moving."""

PROGRESS_EVERY_S = 0.25


class _Progress:
    """Counts folders and files and tells a :data:`ScanProgress` now and then."""

    def __init__(self, report: ScanProgress | None) -> None:
        self.report = report
        self.folders = self.files = 0
        self.last = time.monotonic()
        self.reported = False

    def folder(self) -> None:
        self.folders += 1
        if self.report is not None and time.monotonic() - self.last >= PROGRESS_EVERY_S:
            self.tell()

    def finish(self) -> None:
        """The search is over: its last counts, where earlier ones were told."""
        if self.reported:
            self.tell()

    def tell(self) -> None:
        assert self.report is not None
        self.last = time.monotonic()
        self.reported = True
        self.report(self.folders, self.files)


def _walk(folder: Path, progress: _Progress) -> Iterable[_File]:
    """Every ``*.gguf`` below ``folder``, symlinks to files followed (the Hugging Face cache keeps
    models as symlinks into ``blobs/``), symlinked folders not (they can loop)."""
    for root, dirs, files in os.walk(folder, onerror=lambda _e: None):
        progress.folder()
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.lower().endswith(".gguf") or name.startswith("."):
                continue
            path = Path(root, name)
            try:
                st = path.stat()
            except OSError:
                continue  # a dangling symlink
            if st.st_size > 0:
                progress.files += 1
                yield _File(path, folder, st.st_size, st.st_mtime)


class _Cache:
    """``{path: {"size", "mtime", "facts" | "problem"}}`` in one JSON file."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.old: dict[str, Any] = {}
        self.new: dict[str, Any] = {}
        if path is None:
            return
        try:
            raw = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return  # missing or damaged: rebuilt from the files
        if isinstance(raw, dict) and raw.get("version") == CACHE_VERSION:
            files = raw.get("files")
            if isinstance(files, dict):
                self.old = files

    def lookup(self, f: _File) -> dict[str, Any] | None:
        hit = self.old.get(str(f.path))
        if isinstance(hit, dict) and hit.get("size") == f.size and hit.get("mtime") == f.mtime:
            return hit
        return None

    def save(self) -> str | None:
        if self.path is None or self.new == self.old:
            return None
        try:
            write_private_text(self.path, json.dumps({"version": CACHE_VERSION, "files": self.new}))
        except OSError as exc:
            return str(exc)
        return None


def _facts(
    f: _File, cache: _Cache, read_facts: ReadFacts
) -> tuple[ModelFacts | None, str | None, str | None]:
    hit = cache.lookup(f)
    if hit is not None:
        try:
            if "facts" in hit:
                facts = ModelFacts.from_json(hit["facts"])
                cache.new[str(f.path)] = hit
                return facts, None, None
            if isinstance(hit.get("problem"), str):
                cache.new[str(f.path)] = hit
                return None, hit["problem"], hit.get("problem_text")
        except (TypeError, ValueError):
            pass  # a damaged entry: read the file again
    record: dict[str, Any] = {"size": f.size, "mtime": f.mtime}
    try:
        facts = read_facts(f.path)
    except Exception as exc:  # any refusal: the file is listed as unusable, with the reason
        problem = str(getattr(exc, "problem", "") or "unreadable")
        record.update(problem=problem, problem_text=str(exc))
        cache.new[str(f.path)] = record
        return None, problem, str(exc)
    record["facts"] = facts.to_json()
    cache.new[str(f.path)] = record
    return facts, None, None


def scan_library(
    folders: Iterable[Path],
    read_facts: ReadFacts,
    cache_file: Path | None = None,
    progress: ScanProgress | None = None,
) -> LibraryScan:
    """List the models in ``folders`` (searched recursively); blocking, so call it off the GUI
    thread for big folders, with ``progress`` to hear how far the search is. A file found
    through two folders (or two symlinks) is listed once.
    """
    counts = _Progress(progress)
    cache = _Cache(cache_file)
    seen: set[Path] = set()
    missing: list[Path] = []
    files: list[_File] = []
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            missing.append(folder)
            continue
        for f in _walk(folder, counts):
            try:
                real = f.path.resolve()
            except OSError:
                real = f.path
            if real in seen:
                continue
            seen.add(real)
            files.append(f)
    counts.finish()

    models: list[_File] = []
    projectors: list[_File] = []
    splits: dict[tuple[Path, str, int], dict[int, _File]] = {}
    for f in files:
        if f.path.name.lower().startswith("mmproj"):
            projectors.append(f)
            continue
        split = split_name(f.path.name)
        if split is None:
            models.append(f)
        else:
            stem, number, count = split
            splits.setdefault((f.path.parent, stem, count), {})[number] = f

    by_dir: dict[Path, list[Path]] = {}
    for p in projectors:
        by_dir.setdefault(p.path.parent, []).append(p.path)

    entries: list[LibraryEntry] = []

    def add_model(
        first: _File, parts: list[_File], problem: str | None = None, text: str | None = None
    ) -> None:
        facts = None
        if problem is None:
            facts, problem, text = _facts(first, cache, read_facts)
        entries.append(
            LibraryEntry(
                path=first.path,
                kind=ModelKind.MODEL,
                folder=first.folder,
                parts=tuple(p.path for p in parts),
                size=sum(p.size for p in parts),
                mtime=max(p.mtime for p in parts),
                facts=facts,
                problem=problem,
                problem_text=text,
                projectors=tuple(sorted(by_dir.get(first.path.parent, ()))),
            )
        )

    for f in models:
        add_model(f, [f])
    for (_parent, _stem, count), numbered in splits.items():
        parts = [numbered[n] for n in sorted(numbered)]
        if 1 not in numbered:
            # Without the first part nothing can be loaded; list it so the user can clean up.
            add_model(parts[0], parts, "incomplete_split", f"part 1 of {count} is missing")
        elif len(numbered) < count:
            add_model(
                numbered[1], parts, "incomplete_split", f"{len(numbered)} of {count} parts present"
            )
        else:
            add_model(numbered[1], parts)
    for p in projectors:
        entries.append(
            LibraryEntry(
                path=p.path,
                kind=ModelKind.PROJECTOR,
                folder=p.folder,
                parts=(p.path,),
                size=p.size,
                mtime=p.mtime,
            )
        )
    entries.sort(key=lambda e: (e.kind is ModelKind.PROJECTOR, e.path.name.lower(), str(e.path)))
    cache_problem = cache.save()
    return LibraryScan(tuple(entries), tuple(missing), cache_problem)


# --- memory fit ----------------------------------------------------------------------------------


class Fit(StrEnum):
    FITS = "fits"
    TIGHT = "tight"  # runs, but other programs may have to give way (or it may swap)
    WONT_FIT = "wont_fit"


@dataclass(frozen=True, slots=True)
class MachineMemory:
    """Memory in bytes. ``vram_*`` None: no GPU offload (or unknown)."""

    total: int
    available: int
    vram_total: int | None = None
    vram_free: int | None = None


@dataclass(frozen=True, slots=True)
class MemoryEstimate:
    ram: int
    vram: int = 0
    weights: int = 0
    kv_cache: int = 0
    overhead: int = 0
    shape_known: bool = True  # False: the KV cache is a guess from the file size


_MIB = 1 << 20
# llama.cpp's compute buffers and the process itself; measured loads of 0.3-8 B models stayed
# below this allowance.
_BASE_OVERHEAD = 160 * _MIB
_OVERHEAD_SHARE = 0.06
_UNKNOWN_KV_SHARE = 0.15  # KV cache guess per 4096 tokens when the header gives no shape


def estimate_memory(
    weights_bytes: int,
    facts: ModelFacts | None,
    context_length: int,
    gpu_layers: int = 0,
    kv_bytes_per_value: float = 2.0,
) -> MemoryEstimate:
    """Bytes needed to run a model of ``weights_bytes`` at ``context_length`` tokens.

    KV cache = 2 (K and V) x layers x context x KV heads x head size x bytes per value (f16 by
    default, as llama.cpp). ``gpu_layers`` (-1: all) moves that share of weights and cache from
    RAM to VRAM; the compute allowance goes to both sides when offloading (llama.cpp keeps a host
    buffer too).
    """
    context_length = max(int(context_length), 1)
    layers = facts.block_count if facts else None
    kv_heads = (facts.head_count_kv or facts.head_count) if facts else None
    shape_known = bool(
        layers
        and kv_heads
        and facts
        and (facts.key_length or (facts.embedding_length and facts.head_count))
    )
    if shape_known:
        assert facts is not None and layers and kv_heads
        head_k = facts.key_length or (facts.embedding_length or 0) // (facts.head_count or 1)
        head_v = facts.value_length or head_k
        kv = int(layers * context_length * kv_heads * (head_k + head_v) * kv_bytes_per_value)
    else:
        kv = int(weights_bytes * _UNKNOWN_KV_SHARE * context_length / 4096)
    overhead = _BASE_OVERHEAD + int(weights_bytes * _OVERHEAD_SHARE)
    if gpu_layers == 0:
        return MemoryEstimate(
            weights_bytes + kv + overhead, 0, weights_bytes, kv, overhead, shape_known
        )
    total_layers = layers or 32
    share = 1.0 if gpu_layers < 0 else min(gpu_layers, total_layers) / total_layers
    on_gpu = int((weights_bytes + kv) * share)
    ram = weights_bytes + kv - on_gpu + overhead
    return MemoryEstimate(ram, on_gpu + overhead, weights_bytes, kv, overhead, shape_known)


def judge_fit(estimate: MemoryEstimate, machine: MachineMemory) -> Fit:
    """Fits: under 80% of what is free now. Tight: under what is free, or under 85% of all RAM
    (closing programs would make room). Won't fit: more than that. VRAM is judged the same way
    against free VRAM, and the worse of the two wins."""

    def one(need: int, free: int, total: int) -> Fit:
        if need <= free * 0.8:
            return Fit.FITS
        if need <= free or need <= total * 0.85:
            return Fit.TIGHT
        return Fit.WONT_FIT

    order = [Fit.FITS, Fit.TIGHT, Fit.WONT_FIT]
    result = one(estimate.ram, machine.available, machine.total)
    if estimate.vram:
        if machine.vram_total is None:
            return Fit.WONT_FIT
        free = machine.vram_free if machine.vram_free is not None else machine.vram_total
        result = max(result, one(estimate.vram, free, machine.vram_total), key=order.index)
    return result


def machine_memory(vram_total: int | None = None, vram_free: int | None = None) -> MachineMemory:
    """This machine's RAM now (psutil); VRAM comes from the engine when a GPU backend is there."""
    import psutil

    vm = psutil.virtual_memory()
    return MachineMemory(int(vm.total), int(vm.available), vram_total, vram_free)


# --- the pick for this computer ------------------------------------------------------------------

SIZE_CLASS_BYTES = {"tiny": 1 << 30, "small": 3 << 30, "medium": 6 << 30, "large": 12 << 30}
"""The largest file of each size class of ``resources/starter_models.json`` (tiny < 1 GB, small
1-3 GB, medium 3-6 GB, large > 6 GB; a large one is judged at 12 GB)."""


class Suggestion(Protocol):
    """What :func:`recommended_pick` reads of a curated list's entry (hub_models.StarterModel)."""

    @property
    def size_class(self) -> str: ...
    @property
    def kind(self) -> str: ...


S = TypeVar("S", bound=Suggestion)


def cpu_only_largest_class(physical_cores: int) -> str:
    """The biggest size class worth offering when llama.cpp decodes on the CPU alone.

    Decoding reads the whole model for every token, so on the CPU speed falls with the file's
    size however much RAM there is: an 8B model (~5 GB) gives a few tokens a second on four
    cores, a 12B one about half that, and on two cores even a 3B one is slow. So a CPU-only
    computer is offered at most a medium model, and one with two cores or fewer a small one.
    """
    return "small" if physical_cores <= 2 else "medium"


def recommended_pick(
    suggestions: Iterable[S],
    total_ram: int,
    context_length: int = 4096,
    cpu_only_cores: int | None = None,
) -> S | None:
    """The curated model to offer a newcomer: the biggest size class that fits this computer
    comfortably (:attr:`Fit.FITS` when all its RAM were free; what is free now changes by the
    minute, the computer does not) and, when ``cpu_only_cores`` says llama.cpp runs on that many
    CPU cores without a GPU, answers at a bearable speed (:func:`cpu_only_largest_class`);
    within it the last plain chat model (the list runs from small to big, so the best that class
    holds; one that thinks first is slower and surprises a first-time user), else the last of
    that class.

    None when nothing fits (the list is empty or the computer is tiny)."""
    listed = list(suggestions)
    machine = MachineMemory(total_ram, total_ram)
    largest = SIZE_CLASS_BYTES["large"]
    if cpu_only_cores is not None:
        largest = SIZE_CLASS_BYTES[cpu_only_largest_class(cpu_only_cores)]
    for size_class in sorted(SIZE_CLASS_BYTES, key=SIZE_CLASS_BYTES.__getitem__, reverse=True):
        if SIZE_CLASS_BYTES[size_class] > largest:
            continue
        need = estimate_memory(SIZE_CLASS_BYTES[size_class], None, context_length)
        if judge_fit(need, machine) is not Fit.FITS:
            continue
        same = [s for s in listed if s.size_class == size_class]
        chat = [s for s in same if s.kind == "chat"]
        if chat or same:
            return (chat or same)[-1]
    return None

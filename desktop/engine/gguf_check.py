"""Validate a GGUF file in Python before llama.cpp ever opens it.

A native crash inside llama.cpp takes the whole app with it, and llama.cpp trusts more of the file
than it should (it indexes ``tokenizer.ggml.scores`` by token id without checking the array's
length or type, for example). So every model goes through :func:`check_gguf` first, on every
load.

Why not ``gguf.GGUFReader``: it builds a numpy view for every array element, which takes ~7.6 s
on the 253 MB starter model (262k-token vocabulary). This module reads the header with ``struct``
through one buffered file handle instead, skips arrays it does not need without materializing
them, and keeps the check to tens of milliseconds. It still takes its vocabulary from the
``gguf`` package (value types, tensor type sizes, file type names, architecture names) so that
upgrading the package is the only step needed to follow llama.cpp.

The rules mirror ``ggml/src/gguf.cpp`` (what llama.cpp rejects cleanly) plus the checks that
llama.cpp's model loader skips (vocabulary array types and lengths, tensor data within the file).
Any file content yields :class:`GgufFacts` or :class:`GgufCheckError`; nothing else escapes.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import re
import stat
import struct
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from enum import StrEnum
from pathlib import Path
from typing import Any, BinaryIO

import gguf

from desktop.core.private_files import write_private_text

__all__ = [
    "CheckCache",
    "GgufCheckError",
    "GgufFacts",
    "GgufNeedMoreBytes",
    "GgufProblem",
    "check_gguf",
    "check_gguf_prefix",
    "supported_architectures",
]


class GgufProblem(StrEnum):
    """Why a file was refused; the UI picks its translated message by this value."""

    MISSING = "missing"
    NOT_A_FILE = "not_a_file"
    UNREADABLE = "unreadable"
    EMPTY = "empty"
    NOT_GGUF = "not_gguf"
    UNSUPPORTED_VERSION = "unsupported_version"
    TRUNCATED = "truncated"
    CORRUPT = "corrupt"
    UNSUPPORTED_ARCHITECTURE = "unsupported_architecture"
    SPLIT_PART = "split_part"  # a later part of a split model was picked instead of the first


_MESSAGES: dict[GgufProblem, str] = {
    GgufProblem.MISSING: "The file “{name}” does not exist.",
    GgufProblem.NOT_A_FILE: "“{name}” is a folder or a device, not a model file.",
    GgufProblem.UNREADABLE: "The file “{name}” could not be read.",
    GgufProblem.EMPTY: "The file “{name}” is empty.",
    GgufProblem.NOT_GGUF: "“{name}” is not a GGUF model file.",
    GgufProblem.UNSUPPORTED_VERSION: "“{name}” uses a GGUF version that this app cannot read.",
    GgufProblem.TRUNCATED: "The model file “{name}” is incomplete, perhaps an unfinished download.",
    GgufProblem.CORRUPT: "The model file “{name}” is damaged.",
    GgufProblem.UNSUPPORTED_ARCHITECTURE: (
        "The model in “{name}” uses an architecture that this app cannot run."
    ),
    GgufProblem.SPLIT_PART: (
        "“{name}” is a later part of a model split into several files; open the first part."
    ),
}


class GgufCheckError(Exception):
    """A file that must not be handed to llama.cpp.

    ``str(error)`` is one plain English sentence naming the file; ``detail`` is short technical
    text for logs and a "details" disclosure. The exception pickles, so a probe running in a child
    process can send it back unchanged.
    """

    def __init__(self, problem: GgufProblem, path: Path, detail: str = "") -> None:
        self.problem = GgufProblem(problem)
        self.path = Path(path)
        self.detail = detail
        super().__init__(_MESSAGES[self.problem].format(name=self.path.name or str(self.path)))

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.problem, self.path, self.detail))


@dataclass(frozen=True, slots=True)
class GgufFacts:
    """What the header says about a model that passed the check."""

    path: Path
    file_size: int
    version: int
    architecture: str
    name: str | None
    context_length: int | None
    chat_template: str | None
    file_type: str | None  # "Q4_K_M"; from general.file_type, else the dominant tensor type
    parameter_count: int | None  # sum of tensor element counts (this file only, if split)
    n_tensors: int
    bos_token: str | None
    eos_token: str | None
    eot_token: str | None  # tokenizer.ggml.eot_token_id, else found by text as llama.cpp does
    add_bos_token: bool | None
    license: str | None
    split_count: int  # 1 when not split
    # The model's shape, for memory estimates (KV cache size). Added later with defaults so
    # existing callers keep working; None when the file does not say (or says it per layer).
    block_count: int | None = None
    embedding_length: int | None = None
    head_count: int | None = None
    head_count_kv: int | None = None
    key_length: int | None = None  # per-head K size; None means embedding_length / head_count
    value_length: int | None = None
    vocab_size: int | None = None


@functools.cache
def supported_architectures() -> frozenset[str]:
    """Architectures the app offers to load.

    Taken from ``gguf.MODEL_ARCH_NAMES``: the gguf package is released from the llama.cpp
    repository, so its list tracks the architectures llama.cpp knows. Keep the gguf pin close to
    the llama.cpp vendored in llama-cpp-python; an architecture newer than the vendored llama.cpp
    still fails, but cleanly ("unknown model architecture"), not with a crash. ``clip`` is left
    out: it names multimodal projector files, which llama.cpp refuses to load as a model.
    """
    return frozenset(gguf.MODEL_ARCH_NAMES.values()) - {"clip"}


def check_gguf(path: str | Path) -> GgufFacts:
    """Read and check the header of ``path``; raise :class:`GgufCheckError` if it is unusable."""
    path = Path(path)
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise GgufCheckError(GgufProblem.MISSING, path, exc.strerror or "not found") from None
    except (OSError, ValueError) as exc:  # ValueError: NUL byte in the path
        raise GgufCheckError(GgufProblem.UNREADABLE, path, str(exc)) from None
    if not stat.S_ISREG(st.st_mode):
        raise GgufCheckError(GgufProblem.NOT_A_FILE, path, f"mode {stat.filemode(st.st_mode)}")
    if st.st_size == 0:
        raise GgufCheckError(GgufProblem.EMPTY, path, "0 bytes")
    try:
        with open(path, "rb", buffering=0) as f:
            # stat() then open() can race with a rename; never parse something that is not a
            # regular file (a FIFO would block the read forever).
            st = os.fstat(f.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise GgufCheckError(GgufProblem.NOT_A_FILE, path, "not a regular file")
            if st.st_size == 0:
                raise GgufCheckError(GgufProblem.EMPTY, path, "0 bytes")
            return _Parser(f, path, st.st_size).parse()
    except _Problem as exc:
        raise GgufCheckError(exc.problem, path, exc.detail) from None
    except OSError as exc:
        raise GgufCheckError(GgufProblem.UNREADABLE, path, str(exc)) from None


CHECK_RULES_VERSION = 1
"""Bump when the check's rules change: remembered verdicts from older rules are then ignored."""


class CheckCache:
    """Remembers the facts of files that passed :func:`check_gguf`, in a JSON file in the data
    dir, so loading the same file again does not walk its header once more (0.15–0.8 s for a
    262k-token vocabulary; the duplicate-token check builds a set of every token).

    A verdict is reused only for the same resolved path with the same size, modification time,
    inode and change time (any write or replacement of the file changes one of them), the same
    rules (:data:`CHECK_RULES_VERSION`) and the same ``gguf`` package. Failures are not
    remembered: a refused file is checked again each time, so a fixed file loads.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            self._entries: dict[str, dict[str, Any]] = raw if isinstance(raw, dict) else {}
        except (OSError, ValueError):
            self._entries = {}

    @staticmethod
    def _identity(st: os.stat_result) -> str:
        return (
            f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}:{st.st_ctime_ns}:"
            f"{CHECK_RULES_VERSION}:{_gguf_version()}"
        )

    def check(self, path: str | Path) -> GgufFacts:
        """:func:`check_gguf`, or its remembered facts for this very file."""
        path = Path(path)
        try:
            key, identity = str(path.resolve()), self._identity(os.stat(path))
        except (OSError, ValueError, RuntimeError):
            return check_gguf(path)  # it raises the right GgufCheckError
        entry = self._entries.get(key)
        if isinstance(entry, dict) and entry.get("id") == identity:
            facts = _facts_from_json(entry.get("facts"), path)
            if facts is not None:
                return facts
        facts = check_gguf(path)
        self._entries[key] = {"id": identity, "facts": _facts_to_json(facts)}
        # A cache that cannot be written only costs another check next time.
        with contextlib.suppress(OSError):
            write_private_text(self._path, json.dumps(self._entries))
        return facts


@functools.cache
def _gguf_version() -> str:
    """The installed gguf package's version: its tables (types, architectures) are the rules."""
    from importlib import metadata

    try:
        return metadata.version("gguf")
    except metadata.PackageNotFoundError:
        return ""


def _facts_to_json(facts: GgufFacts) -> dict[str, Any]:
    data = asdict(facts)
    data["path"] = str(facts.path)
    return data


def _facts_from_json(data: object, path: Path) -> GgufFacts | None:
    """The facts stored by :func:`_facts_to_json`, or None for anything else (old, edited)."""
    if not isinstance(data, dict):
        return None
    names = {f.name for f in fields(GgufFacts)}
    if not set(data) <= names:
        return None
    try:
        return GgufFacts(**{**data, "path": path})
    except TypeError:
        return None


class GgufNeedMoreBytes(Exception):
    """:func:`check_gguf_prefix` got too few bytes; ``needed`` is a length that would do."""

    def __init__(self, needed: int) -> None:
        super().__init__(f"the header needs at least {needed} bytes")
        self.needed = needed


def check_gguf_prefix(head: bytes, file_size: int, name: str) -> GgufFacts:
    """Check a file from its first bytes only: a remote model before it is downloaded.

    ``head`` is the start of a file of ``file_size`` bytes (an HTTP range request fetched it).
    The tensor data is taken to be there (its extent is checked against ``file_size``). Raises
    :class:`GgufNeedMoreBytes` when the header runs past ``head``, so the caller can fetch more,
    and :class:`GgufCheckError` as :func:`check_gguf` does.
    """
    path = Path(name)
    if file_size <= 0:
        raise GgufCheckError(GgufProblem.EMPTY, path, "0 bytes")
    try:
        return _PrefixParser(io.BytesIO(head), path, file_size, len(head)).parse()
    except _Problem as exc:
        raise GgufCheckError(exc.problem, path, exc.detail) from None


# --- the parser ------------------------------------------------------------------------------


class _Problem(Exception):
    """Internal signal, turned into GgufCheckError where the path is known."""

    def __init__(self, problem: GgufProblem, detail: str) -> None:
        super().__init__(detail)
        self.problem = problem
        self.detail = detail


def _corrupt(detail: str) -> _Problem:
    return _Problem(GgufProblem.CORRUPT, detail)


def _truncated(detail: str) -> _Problem:
    return _Problem(GgufProblem.TRUNCATED, detail)


_VT = gguf.GGUFValueType
_SCALAR: dict[int, struct.Struct] = {
    _VT.UINT8: struct.Struct("<B"),
    _VT.INT8: struct.Struct("<b"),
    _VT.UINT16: struct.Struct("<H"),
    _VT.INT16: struct.Struct("<h"),
    _VT.UINT32: struct.Struct("<I"),
    _VT.INT32: struct.Struct("<i"),
    _VT.FLOAT32: struct.Struct("<f"),
    _VT.BOOL: struct.Struct("<B"),
    _VT.UINT64: struct.Struct("<Q"),
    _VT.INT64: struct.Struct("<q"),
    _VT.FLOAT64: struct.Struct("<d"),
}
_U32 = struct.Struct("<I")
_U64 = struct.Struct("<Q")
_HEADER = struct.Struct("<4sIQQ")  # magic, version, n_tensors, n_kv
_MAGIC = struct.pack("<I", gguf.GGUF_MAGIC)  # b"GGUF"

_CHUNK = 1 << 20
_MAX_STRING = 1 << 30  # gguf.cpp's GGUF_MAX_STRING_LENGTH; longer is corruption, not truncation
_MAX_KEPT_STRING = 16 << 20  # longer string values are skipped, never loaded into memory
_MAX_COUNT = 1 << 40  # array lengths beyond this are garbage, not a short file
_MAX_TENSORS = 1 << 20  # real models have a few thousand at most (experts are merged)
_MAX_KV = 1 << 20
_MAX_DIMS = 4  # GGML_MAX_DIMS
_MAX_NAME = 64  # GGML_MAX_NAME, including the terminating NUL
_INT64_MAX = (1 << 63) - 1
_CHECKPOINT_EVERY = 1024  # remember every 1024th token's offset to look tokens up by id later

# Keys whose string values we keep; every other string is skipped.
_KEPT_STRINGS = frozenset(
    {
        gguf.Keys.General.ARCHITECTURE,
        gguf.Keys.General.NAME,
        gguf.Keys.General.LICENSE,
        gguf.Keys.Tokenizer.CHAT_TEMPLATE,
        gguf.Keys.Tokenizer.MODEL,
    }
)
_TOKENS = gguf.Keys.Tokenizer.LIST
_SCORES = gguf.Keys.Tokenizer.SCORES
_TOKEN_TYPES = gguf.Keys.Tokenizer.TOKEN_TYPE
_MERGES = gguf.Keys.Tokenizer.MERGES
_CHARSMAP = gguf.Keys.Tokenizer.PRECOMPILED_CHARSMAP

# Texts llama.cpp's vocabulary loader takes as end-of-turn when the file names no eot token id.
_EOT_TEXTS = (
    "<|eot_id|>",
    "<|im_end|>",
    "<|end|>",
    "<end_of_turn>",
    "<|endoftext|>",
    "<|end_of_text|>",
    "<EOT>",
    "_<EOT>",
    "<｜end▁of▁sentence｜>",
    "<end_of_utterance>",
)

_SPLIT_NAME = re.compile(r"-(\d{5})-of-(\d{5})\.gguf$", re.IGNORECASE)

_QUANT_NAMES: dict[int, str] = {t.value: t.name for t in gguf.GGMLQuantizationType}
_QUANT_SIZES: dict[int, tuple[int, int]] = {
    int(t): size for t, size in gguf.GGML_QUANT_SIZES.items() if size[0] > 0 and size[1] > 0
}
_FILE_TYPE_NAMES: dict[int, str] = {
    t.value: t.name.removeprefix("MOSTLY_").removeprefix("ALL_")
    for t in gguf.LlamaFileType
    if t is not gguf.LlamaFileType.GUESSED
}


@dataclass(slots=True)
class _StringArray:
    """Where a string array lies, so single entries can be fetched after the first pass."""

    count: int
    checkpoints: list[int]  # file offset of entry 0, 1024, 2048, ...
    eot_by_text: str | None  # the first of _EOT_TEXTS that is in the vocabulary


@dataclass(slots=True)
class _Array:
    elem_type: int
    count: int


class _Parser:
    """One pass over the header through a 1 MiB window; every read is bounds-checked."""

    def __init__(self, f: BinaryIO, path: Path, size: int) -> None:
        self._f = f
        self._path = path
        self._size = size
        self._buf = b""
        self._base = 0  # file offset of _buf[0]
        self._pos = 0  # current file offset

    # -- low-level reads --

    def _need(self, n: int, what: str) -> int:
        """Make ``n`` bytes at the current offset available; return their index in ``_buf``."""
        rel = self._pos - self._base
        if rel >= 0 and rel + n <= len(self._buf):
            return rel
        if self._pos + n > self._size:
            raise _truncated(f"file ends at byte {self._size} while reading {what}")
        self._f.seek(self._pos)
        data = self._f.read(max(n, _CHUNK))
        if len(data) < n:  # the file shrank under us
            raise _truncated(f"short read at byte {self._pos} while reading {what}")
        self._buf = data
        self._base = self._pos
        return 0

    def _unpack(self, fmt: struct.Struct, what: str) -> Any:
        rel = self._need(fmt.size, what)
        self._pos += fmt.size
        return fmt.unpack_from(self._buf, rel)[0]

    def _skip(self, n: int, what: str) -> None:
        if self._pos + n > self._size:
            raise _truncated(f"{what} runs past the end of the file")
        self._pos += n

    def _string_length(self, what: str) -> int:
        n = self._unpack(_U64, what)
        if n > _MAX_STRING:
            raise _corrupt(f"{what}: string length {n} is implausible")
        return n

    def _read_string(self, what: str, max_len: int | None = None) -> bytes:
        n = self._string_length(what)
        if max_len is not None and n > max_len:
            raise _corrupt(f"{what} is {n} bytes long")
        if n > _MAX_KEPT_STRING:
            self._skip(n, what)
            return b""
        rel = self._need(n, what)
        self._pos += n
        return self._buf[rel : rel + n]

    def _skip_strings(self, count: int, what: str, index: bool) -> _StringArray | None:
        """Step over ``count`` strings without building them; the vocabulary is 262k of them.

        With ``index`` (the vocabulary), also remember checkpoints for later lookups and collect
        the texts into a set: for the duplicate check and to spot end-of-turn tokens by text.
        """
        checkpoints: list[int] = []
        unpack = _U64.unpack_from
        every = _CHECKPOINT_EVERY
        # llama.cpp aborts (GGML_ASSERT) on a vocabulary with two equal tokens. Empty tokens are
        # exempt: llama.cpp renames each one to a unique "[EMPTY_<id>]".
        seen: set[bytes] = set()
        seen_add = seen.add
        n_empty = 0
        i = 0
        while i < count:
            # Slow path: one entry through the checked readers, which refill the window.
            start = self._pos
            n = self._string_length(what)
            if index:
                if i % every == 0:
                    checkpoints.append(start)
                if n == 0:
                    n_empty += 1
                elif n <= _MAX_KEPT_STRING:
                    rel = self._need(n, what)
                    seen_add(self._buf[rel : rel + n])
                else:
                    n_empty += 1  # too big to hash; cannot be a real token anyway
            self._skip(n, what)
            i += 1
            # Fast path: walk the entries that lie wholly inside the current window.
            buf = self._buf
            end = len(buf)
            rel = self._pos - self._base
            if rel < 0 or rel > end:
                continue
            while i < count and rel + 8 <= end:
                n = unpack(buf, rel)[0]
                nxt = rel + 8 + n
                if nxt > end:
                    break  # also catches absurd lengths; the slow path classifies them
                if index:
                    if i % every == 0:
                        checkpoints.append(self._base + rel)
                    if n:
                        seen_add(buf[rel + 8 : nxt])
                    else:
                        n_empty += 1
                rel = nxt
                i += 1
            self._pos = self._base + rel
        if index:
            unique = len(seen)
            if b"\0" in b"".join(seen):
                # llama.cpp reads tokens as C strings, so "ab\0c" is "ab" to it (and "\0x" is
                # empty, which it renames); compare what llama.cpp will see.
                cut = {t.split(b"\0", 1)[0] for t in seen}
                n_empty += b"" in cut
                unique = len(cut - {b""})
            if unique + n_empty < count:
                raise _corrupt(f"{what} holds {count - n_empty - unique} duplicate tokens")
            eot = next((t for t in _EOT_TEXTS if t.encode() in seen), None)
            return _StringArray(count, checkpoints, eot)
        return None

    def _string_at(self, array: _StringArray, token_id: Any) -> str | None:
        """Token text by id, walking at most 1023 entries from the nearest checkpoint."""
        if not isinstance(token_id, int) or not 0 <= token_id < array.count:
            return None  # llama.cpp ignores out-of-range special ids too
        self._pos = array.checkpoints[token_id // _CHECKPOINT_EVERY]
        for _ in range(token_id % _CHECKPOINT_EVERY):
            self._skip(self._string_length("token"), "token")
        return self._read_string("token").decode("utf-8", "replace")

    # -- the file --

    def parse(self) -> GgufFacts:
        if self._size < _HEADER.size:
            self._f.seek(0)
            head = self._f.read(_HEADER.size)
            if not _MAGIC.startswith(head[:4]):
                raise _Problem(GgufProblem.NOT_GGUF, f"starts with {head[:8]!r}")
            raise _truncated(f"only {self._size} bytes, shorter than a GGUF header")
        rel = self._need(_HEADER.size, "header")
        magic, version, n_tensors, n_kv = _HEADER.unpack_from(self._buf, rel)
        self._pos += _HEADER.size
        if magic != _MAGIC:
            raise _Problem(GgufProblem.NOT_GGUF, f"starts with {magic!r}")
        if version != 0 and version & 0xFFFF == 0:
            raise _Problem(
                GgufProblem.UNSUPPORTED_VERSION, f"version field {version:#x}: big-endian file?"
            )
        if version not in (2, 3):
            raise _Problem(GgufProblem.UNSUPPORTED_VERSION, f"GGUF version {version}")
        if n_tensors > _MAX_TENSORS or n_kv > _MAX_KV:
            raise _corrupt(f"{n_tensors} tensors and {n_kv} metadata keys claimed")
        # Each key takes at least 8 (length) + 1 (name) + 4 (type) + 1 (value) bytes, each tensor
        # info at least 8 (name length) + 4 (n_dims) + 4 (type) + 8 (offset): a count the file
        # cannot hold means a short file.
        if n_kv * 14 + n_tensors * 24 > self._size - self._pos:
            raise _truncated(f"{n_tensors} tensors and {n_kv} keys do not fit in the file")

        kv: dict[str, Any] = {}
        for _ in range(n_kv):
            self._read_kv(kv)

        alignment = self._alignment(kv)
        tensors_end, parameter_count, bytes_by_type = self._read_tensor_infos(n_tensors, alignment)
        data_start = -(-self._pos // alignment) * alignment if n_tensors else self._pos

        split_no = _int_or_none(kv.get(gguf.Keys.Split.LLM_KV_SPLIT_NO))
        split_count = _int_or_none(kv.get(gguf.Keys.Split.LLM_KV_SPLIT_COUNT)) or 1
        architecture = kv.get(gguf.Keys.General.ARCHITECTURE)
        if split_no is None and architecture is None:
            # gguf-split always writes split.no; the name is a fallback for other splitters.
            name_match = _SPLIT_NAME.search(self._path.name)
            split_no = int(name_match[1]) - 1 if name_match else None
        if split_no is not None and split_no > 0:
            raise _Problem(GgufProblem.SPLIT_PART, f"split.no {split_no} (0-based)")
        if not isinstance(architecture, bytes) or not architecture:
            raise _corrupt("general.architecture is missing or not a string")
        arch = architecture.decode("utf-8", "replace")
        if arch not in supported_architectures():
            raise _Problem(GgufProblem.UNSUPPORTED_ARCHITECTURE, f"architecture {arch!r}")
        if data_start + tensors_end > self._size:
            raise _truncated(
                f"tensor data needs {data_start + tensors_end} bytes, file has {self._size}"
            )

        self._check_vocabulary(kv)
        _check_hyperparameters(kv, arch)
        tokens = kv.get(_TOKENS)
        bos = eos = eot = None
        if isinstance(tokens, _StringArray):
            bos = self._string_at(tokens, kv.get(gguf.Keys.Tokenizer.BOS_ID))
            eos = self._string_at(tokens, kv.get(gguf.Keys.Tokenizer.EOS_ID))
            if gguf.Keys.Tokenizer.EOT_ID in kv:
                eot = self._string_at(tokens, kv[gguf.Keys.Tokenizer.EOT_ID])
            else:
                eot = tokens.eot_by_text

        add_bos = kv.get(gguf.Keys.Tokenizer.ADD_BOS)
        return GgufFacts(
            path=self._path,
            file_size=self._size,
            version=version,
            architecture=arch,
            name=_text(kv.get(gguf.Keys.General.NAME)),
            context_length=_int_or_none(kv.get(f"{arch}.context_length")),
            chat_template=_text(kv.get(gguf.Keys.Tokenizer.CHAT_TEMPLATE)),
            file_type=self._file_type(kv, bytes_by_type),
            parameter_count=parameter_count if n_tensors else None,
            n_tensors=n_tensors,
            bos_token=bos,
            eos_token=eos,
            eot_token=eot,
            add_bos_token=add_bos if isinstance(add_bos, bool) else None,
            license=_text(kv.get(gguf.Keys.General.LICENSE)),
            split_count=max(split_count, 1),
            block_count=_int_or_none(kv.get(f"{arch}.block_count")),
            embedding_length=_int_or_none(kv.get(f"{arch}.embedding_length")),
            head_count=_int_or_none(kv.get(f"{arch}.attention.head_count")),
            head_count_kv=_int_or_none(kv.get(f"{arch}.attention.head_count_kv")),
            key_length=_int_or_none(kv.get(f"{arch}.attention.key_length")),
            value_length=_int_or_none(kv.get(f"{arch}.attention.value_length")),
            vocab_size=tokens.count if isinstance(tokens, _StringArray) else None,
        )

    def _read_kv(self, kv: dict[str, Any]) -> None:
        raw_key = self._read_string("metadata key")
        if not raw_key:
            raise _corrupt(f"empty metadata key at byte {self._pos}")
        key = raw_key.decode("utf-8", "surrogateescape")
        if key in kv:
            raise _corrupt(f"duplicate metadata key {key!r}")
        vtype = self._unpack(_U32, key)
        if vtype == _VT.ARRAY:
            elem_type = self._unpack(_U32, key)
            count = self._unpack(_U64, key)
            kv[key] = self._read_array(key, elem_type, count)
        elif vtype == _VT.STRING:
            if key in _KEPT_STRINGS:
                kv[key] = self._read_string(key)
            else:
                self._skip(self._string_length(key), key)
                kv[key] = b""
        elif vtype in _SCALAR:
            value = self._unpack(_SCALAR[vtype], key)
            if vtype == _VT.BOOL:
                value = value != 0
            elif vtype == _VT.UINT32:
                value = _TypedU32(value)
            kv[key] = value
        else:
            raise _corrupt(f"metadata key {key!r} has unknown value type {vtype}")

    def _read_array(self, key: str, elem_type: int, count: int) -> Any:
        if count > _MAX_COUNT:
            raise _corrupt(f"array {key!r} claims {count} items")
        if elem_type == _VT.STRING:
            if count * 8 > self._size - self._pos:
                raise _truncated(f"array {key!r} of {count} strings runs past the end")
            indexed = self._skip_strings(count, key, index=key == _TOKENS)
            return indexed if indexed is not None else _Array(elem_type, count)
        fmt = _SCALAR.get(elem_type)
        if fmt is None:  # nested arrays included: gguf.cpp refuses them as well
            raise _corrupt(f"array {key!r} has unsupported item type {elem_type}")
        self._skip(count * fmt.size, key)
        return _Array(elem_type, count)

    def _alignment(self, kv: dict[str, Any]) -> int:
        value = kv.get(gguf.Keys.General.ALIGNMENT, _TypedU32(gguf.GGUF_DEFAULT_ALIGNMENT))
        if not isinstance(value, _TypedU32):
            raise _corrupt("general.alignment is not a uint32")
        if value == 0 or value & (value - 1):
            raise _corrupt(f"general.alignment {value} is not a power of two")
        return int(value)

    def _read_tensor_infos(self, n_tensors: int, alignment: int) -> tuple[int, int, dict[int, int]]:
        """Check each tensor's shape and type; return data end, parameter count, bytes by type.

        gguf.cpp insists that tensor data is packed in order, each tensor padded to the
        alignment; so the data section's size follows from the shapes alone.
        """
        names: set[bytes] = set()
        expected_offset = 0
        data_end = 0
        parameters = 0
        bytes_by_type: dict[int, int] = {}
        for i in range(n_tensors):
            name = self._read_string(f"tensor {i} name", max_len=_MAX_NAME - 1)
            if name in names:
                raise _corrupt(f"duplicate tensor name {name!r}")
            names.add(name)
            label = name.decode("utf-8", "replace")
            n_dims = self._unpack(_U32, label)
            if n_dims > _MAX_DIMS:
                raise _corrupt(f"tensor {label!r} has {n_dims} dimensions")
            n_elements = 1
            dims = []
            for _ in range(n_dims):
                dim = self._unpack(_U64, label)
                if dim > _INT64_MAX:
                    raise _corrupt(f"tensor {label!r} has a negative dimension")
                dims.append(dim)
                n_elements *= dim
            if n_elements > _INT64_MAX:
                raise _corrupt(f"tensor {label!r} has too many elements")
            type_id = self._unpack(_U32, label)
            sizes = _QUANT_SIZES.get(type_id)
            if sizes is None:
                raise _corrupt(f"tensor {label!r} has unknown type {type_id}")
            block, type_size = sizes
            if dims and dims[0] % block:
                raise _corrupt(f"tensor {label!r} row is not a multiple of {block}")
            offset = self._unpack(_U64, label)
            if offset != expected_offset:
                raise _corrupt(f"tensor {label!r} at offset {offset}, expected {expected_offset}")
            nbytes = n_elements // block * type_size
            data_end = offset + nbytes
            expected_offset = -(-data_end // alignment) * alignment
            parameters += n_elements
            bytes_by_type[type_id] = bytes_by_type.get(type_id, 0) + nbytes
        return data_end, parameters, bytes_by_type

    def _check_vocabulary(self, kv: dict[str, Any]) -> None:
        """Refuse vocabularies that llama.cpp would index out of bounds or assert on."""
        tokens = kv.get(_TOKENS)
        if tokens is None:
            return  # llama.cpp reports a missing vocabulary cleanly
        if not isinstance(tokens, _StringArray):
            raise _corrupt(f"{_TOKENS} is not an array of strings")
        expected: tuple[tuple[str, Callable[[int], bool]], ...] = (
            (_SCORES, lambda t: t == _VT.FLOAT32),
            (_TOKEN_TYPES, lambda t: t == _VT.INT32),
        )
        for key, type_ok in expected:
            value = kv.get(key)
            if value is None:
                continue
            if not isinstance(value, _Array) or not type_ok(value.elem_type):
                raise _corrupt(f"{key} has the wrong type")
            if value.count < tokens.count:
                raise _corrupt(f"{key} has {value.count} entries for {tokens.count} tokens")
        merges = kv.get(_MERGES)
        if merges is not None and not (
            isinstance(merges, _Array) and merges.elem_type == _VT.STRING
        ):
            raise _corrupt(f"{_MERGES} is not an array of strings")
        charsmap = kv.get(_CHARSMAP)
        if charsmap is not None and not (
            isinstance(charsmap, _Array) and charsmap.elem_type in (_VT.UINT8, _VT.INT8)
        ):
            raise _corrupt(f"{_CHARSMAP} is not an array of bytes")

    @staticmethod
    def _file_type(kv: dict[str, Any], bytes_by_type: dict[int, int]) -> str | None:
        declared = kv.get(gguf.Keys.General.FILE_TYPE)
        if isinstance(declared, int) and not isinstance(declared, bool):
            name = _FILE_TYPE_NAMES.get(int(declared))
            if name is not None:
                return name
        if not bytes_by_type:
            return None
        dominant = max(bytes_by_type, key=lambda t: bytes_by_type[t])
        return _QUANT_NAMES.get(dominant)


class _PrefixParser(_Parser):
    """A parser over the first ``available`` bytes of a longer file."""

    def __init__(self, f: BinaryIO, path: Path, size: int, available: int) -> None:
        super().__init__(f, path, size)
        self._available = available

    def _need(self, n: int, what: str) -> int:
        end = self._pos + n
        if self._available < end <= self._size:
            raise GgufNeedMoreBytes(max(end, self._available * 2))
        return super()._need(n, what)


def _check_hyperparameters(kv: dict[str, Any], arch: str) -> None:
    """The few architecture-independent values that llama.cpp asserts on instead of rejecting.

    Per-architecture values (head counts and the like) are out of reach here; the child-process
    probe of unknown files is the backstop for those.
    """
    layers = kv.get(f"{arch}.block_count")
    if isinstance(layers, int) and not isinstance(layers, bool) and not 0 < layers <= 512:
        raise _corrupt(f"{arch}.block_count is {layers}")  # LLAMA_MAX_LAYERS is 512
    experts = _int_or_none(kv.get(f"{arch}.expert_count")) or 0
    used = _int_or_none(kv.get(f"{arch}.expert_used_count")) or 0
    if used > experts or (experts > 0 and used <= 0) or experts < 0:
        raise _corrupt(f"{arch}: {used} of {experts} experts used per token")


class _TypedU32(int):
    """An int that remembers it was stored as uint32 (general.alignment must be one)."""

    __slots__ = ()


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    return None


def _text(value: Any) -> str | None:
    if isinstance(value, bytes) and value:
        return value.decode("utf-8", "replace")
    return None

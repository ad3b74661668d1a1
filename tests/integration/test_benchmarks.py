"""The benchmark harness runs, writes every figure, and can fail: its figures come from
measurements, so a deliberately slowed pipeline lowers them. No absolute timing asserts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from benchmarks.harness import GOALS, config_for, run

ROOT = Path(__file__).resolve().parents[2]


def test_tiny_run_writes_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--tiny", "--quick", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "stream_vs_raw" in done.stdout
    payload = json.loads(out.read_text(encoding="utf-8"))
    figures = payload["figures"]
    assert set(figures) == set(GOALS)
    measured = {k: v for k, v in figures.items() if v is not None}
    assert set(measured) >= set(GOALS) - {"long_reply_flatness"}
    for key, value in measured.items():
        assert isinstance(value, float), key
        assert payload["verdicts"][key] in ("pass", "FAIL", "info")
    assert figures["followup_eval_ratio"] > 0 and figures["stream_vs_raw"] > 0
    assert isinstance(payload["absolute"]["raw_tokens_per_s"], float)


def test_a_slowed_gui_lowers_stream_vs_raw(qapp, tiny_gguf: Path) -> None:
    cfg = config_for(tiny_gguf, quick=True, tiny=True, threads=1)
    normal = run(cfg, {"stream"}).figures["stream_vs_raw"]
    cfg.gui_delay_s = 0.2  # every delta sleeps this long on the GUI thread before it is shown
    slowed = run(cfg, {"stream"}).figures["stream_vs_raw"]
    assert normal is not None and slowed is not None
    assert slowed < normal * 0.7


def test_a_slowed_plan_raises_followup_ttft_ratio(qapp, tiny_gguf: Path) -> None:
    cfg = config_for(tiny_gguf, quick=True, tiny=True, threads=1)
    normal = run(cfg, {"followup"}).figures["followup_ttft_ratio"]
    cfg.plan_delay_s = 0.002  # the worker's plan of each reply waits this long per message
    slowed = run(cfg, {"followup"}).figures["followup_ttft_ratio"]
    assert normal is not None and slowed is not None
    assert slowed > normal * 3


def test_a_throttled_download_lowers_download_ratio(qapp, tiny_gguf: Path) -> None:
    cfg = config_for(tiny_gguf, quick=True, tiny=True, threads=1)
    cfg.download_mb, cfg.download_reps = 8, 1
    normal = run(cfg, {"download"}).figures["download_ratio"]
    cfg.download_delay_s = 0.05  # our transfer code waits this long per MiB it writes
    slowed = run(cfg, {"download"}).figures["download_ratio"]
    assert normal is not None and slowed is not None
    assert slowed < normal * 0.7


def test_a_slow_verification_raises_verify_tail_ratio(qapp, tiny_gguf: Path) -> None:
    cfg = config_for(tiny_gguf, quick=True, tiny=True, threads=1)
    cfg.download_mb, cfg.download_reps = 8, 1
    normal = run(cfg, {"download"}).figures["verify_tail_ratio"]
    cfg.verify_delay_s = 0.5  # the digest is finished this much later after the last byte
    slowed = run(cfg, {"download"}).figures["verify_tail_ratio"]
    assert normal is not None and slowed is not None
    assert slowed > normal + 0.2


def test_a_slowed_load_raises_load_ratio(qapp, tiny_gguf: Path) -> None:
    cfg = config_for(tiny_gguf, quick=True, tiny=True, threads=1)
    normal = run(cfg, {"load"}).figures["load_ratio"]
    cfg.load_delay_s = 0.3  # each of the app's loads waits this long in its GGUF check
    slowed = run(cfg, {"load"}).figures["load_ratio"]
    assert normal is not None and slowed is not None
    assert slowed > normal * 2


def test_a_slowed_start_raises_startup_ratio(qapp, tiny_gguf: Path) -> None:
    cfg = config_for(tiny_gguf, quick=True, tiny=True, threads=1)
    normal = run(cfg, {"startup"}).figures["startup_ratio"]
    cfg.startup_delay_s = 0.5  # the app's window shows this much later
    slowed = run(cfg, {"startup"}).figures["startup_ratio"]
    assert normal is not None and slowed is not None
    assert slowed > normal + 1.0


def test_a_slowed_api_server_moves_the_api_figures(qapp, tiny_gguf: Path) -> None:
    cfg = config_for(tiny_gguf, quick=True, tiny=True, threads=1)
    normal = run(cfg, {"api"}).figures
    cfg.api_delay_s = 0.1  # our server waits this long before each text chunk it sends
    slowed = run(cfg, {"api"}).figures
    for key in ("api_stream_vs_raw", "api_ttft_overhead_ms", "api_vs_llama_cpp_server"):
        assert normal[key] is not None and slowed[key] is not None, key
    assert slowed["api_stream_vs_raw"] < normal["api_stream_vs_raw"] * 0.7
    assert slowed["api_ttft_overhead_ms"] > normal["api_ttft_overhead_ms"] + 50
    assert slowed["api_vs_llama_cpp_server"] < normal["api_vs_llama_cpp_server"] * 0.7


def test_a_slowed_gui_lowers_remote_stream_vs_direct(qapp, tiny_gguf: Path) -> None:
    cfg = config_for(tiny_gguf, quick=True, tiny=True, threads=1)
    normal = run(cfg, {"remote"}).figures["remote_stream_vs_direct"]
    cfg.remote_delay_s = 0.2  # every delta sleeps this long on the GUI thread when it arrives
    slowed = run(cfg, {"remote"}).figures["remote_stream_vs_direct"]
    assert normal is not None and slowed is not None
    assert slowed < normal * 0.7


def test_concurrent_throughput_ratio_follows_the_batch_costs(qapp, tiny_gguf: Path) -> None:
    """With a costly step (a model whose weights dominate), eight clients in one batch make far
    more tokens than one; a scheduler whose work grows with every reply loses that."""
    cfg = config_for(tiny_gguf, quick=True, tiny=True, threads=1)
    cfg.concurrent_tokens = 24
    cfg.step_delay_s = 0.02  # every batch step costs this much more, shared by its replies
    first = run(cfg, {"concurrent"}).figures
    cfg.token_delay_s = 0.05  # and every token of every reply this much more, one by one
    second = run(cfg, {"concurrent"}).figures
    batched, slowed = first["concurrent_throughput_ratio"], second["concurrent_throughput_ratio"]
    assert batched is not None and slowed is not None
    assert batched > 2.0
    assert slowed < batched * 0.6
    # Bare llama.cpp's side is measured beside it, untouched by the app's delays: the app's
    # share of bare llama.cpp's eight-at-once rate falls with them.
    assert first["concurrent_bare_ratio"] is not None
    near, far = first["concurrent_vs_bare"], second["concurrent_vs_bare"]
    assert near is not None and far is not None
    assert far < near * 0.6

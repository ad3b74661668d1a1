"""The benchmark harness. Every figure is a ratio measured side by side in one run on the same
model, thread count, context size and greedy sampling; absolute numbers are printed beside it.

    python -m benchmarks [--model PATH | --tiny] [--quick] [--json OUT] [--threads N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import llama_cpp
from PySide6.QtWidgets import QApplication

from benchmarks.api import measure_api
from benchmarks.chat_figures import (
    measure_followup,
    measure_overflow,
    measure_roofline,
    measure_stream,
)
from benchmarks.documents import measure_documents
from benchmarks.downloads import measure_download
from benchmarks.driver import App, Config, Results, bare_llama
from benchmarks.remote import measure_remote
from benchmarks.search import measure_search
from benchmarks.startup import measure_load, measure_rss, measure_startup
from benchmarks.ui_figures import measure_ui
from desktop.engine.llama import (
    default_thread_count,
)

GOALS: dict[str, tuple[str, float | None]] = {
    "stream_vs_raw": (">=", 0.97),
    "long_reply_flatness": (">=", 0.95),
    "followup_ttft_ratio": ("<=", 1.10),
    "sent_at_once_ttft_ratio": ("info", None),
    "typed_no_pause_ttft_ratio": ("info", None),
    "bare_followup_ttft_ratio": ("info", None),
    "followup_eval_ratio": ("<=", 1.05),
    "switch_back_ttft_ratio": ("<=", 0.2),
    "overflow_eval_ratio": ("<=", 1.5),
    "ui_headroom": (">=", 10.0),
    "ui_update_growth": ("<=", 2.0),
    "ui_max_stall_ms": ("<=", 50.0),
    "startup_ratio": ("<=", 1.5),
    "startup_floor_ratio": ("info", None),
    "startup_settled_ratio": ("info", None),
    "load_ratio": ("<=", 1.1),
    "rss_overhead_mb": ("<=", 150.0),
    "download_ratio": (">=", 0.9),
    "verify_tail_ratio": ("<=", 0.05),
    "roofline_fraction": ("info", None),
    "search_ms_10k": ("<=", 50.0),
    "index_pages_per_s": (">=", 33.0),
    "retrieve_ms_100k": ("<=", 50.0),
    "concurrent_throughput_ratio": (">=", 1.7),
    "concurrent_bare_ratio": ("info", None),
    "concurrent_vs_bare": ("info", None),
    "api_stream_vs_raw": (">=", 0.95),
    "api_ttft_overhead_ms": ("<=", 15.0),
    "api_vs_llama_cpp_server": (">=", 1.0),
    "remote_stream_vs_direct": (">=", 0.97),
    "remote_ttft_overhead_ms": ("<=", 20.0),
}

# -- running, printing ---------------------------------------------------------------------


def verdict(key: str, value: float | None) -> str:
    op, goal = GOALS[key]
    if value is None:
        return "n/a"
    if op == "info" or goal is None:
        return "info"
    return "pass" if (value >= goal if op == ">=" else value <= goal) else "FAIL"


def run(cfg: Config, steps: set[str] | None = None) -> Results:
    """Runs the figures in `steps` (all when None) and returns them."""
    res = Results()
    qt_app = QApplication.instance() or QApplication(sys.argv)
    assert qt_app is not None
    want = (lambda name: True) if steps is None else (lambda name: name in steps)
    with tempfile.TemporaryDirectory(prefix="hearthside-bench-") as tmp:
        work = Path(tmp)
        app = App(cfg, work)
        try:
            if want("stream") or want("followup") or want("load") or want("overflow"):
                # The file's first load: the GGUF check and the probe child run only now.
                res.absolute["first_load_s"] = app.load(cfg.n_ctx)
            if want("stream"):
                llm = bare_llama(cfg, cfg.n_ctx)
                try:
                    measure_stream(app, llm, cfg, res)
                finally:
                    llm.close()
            if want("followup"):
                measure_followup(app, cfg, res)
            if want("load"):
                measure_load(app, cfg, res)
            if want("overflow"):
                measure_overflow(app, cfg, res)
        finally:
            app.close()
        if want("api"):
            measure_api(cfg, res, work)
        if want("ui"):
            measure_ui(cfg, res)
        if want("roofline"):
            measure_roofline(cfg, res)
        if want("search"):
            measure_search(res, work)
        if want("download"):
            measure_download(cfg, res, work)
        if want("documents"):
            measure_documents(res.figures, res.absolute, work, quick=not cfg.full_documents)
        if want("concurrent"):
            from benchmarks.concurrent import measure_concurrent

            measure_concurrent(
                cfg.model, cfg.threads, cfg.n_ctx, work, res.figures, res.absolute,
                tokens=cfg.concurrent_tokens, reps=2 if cfg.stream_tokens <= 400 else 3,
                step_delay_s=cfg.step_delay_s, token_delay_s=cfg.token_delay_s,
            )  # fmt: skip
        if want("remote"):
            measure_remote(
                cfg.model,
                res.figures,
                res.absolute,
                work,
                n_ctx=cfg.n_ctx,
                threads=cfg.threads,
                max_tokens=cfg.remote_tokens,
                delay_s=cfg.remote_delay_s,
            )
        if cfg.subprocess_figures and want("startup"):
            measure_startup(cfg, res, work)
        if cfg.subprocess_figures and want("rss"):
            measure_rss(cfg, res)
    return res


def config_for(model: Path, *, quick: bool, tiny: bool, threads: int) -> Config:
    if tiny:
        return Config(
            model, threads, 1024, 400, (50, 150), (300, 400), 600, 256, 10,
            ui_messages=100, ui_tokens=1500, startup_reps=1, load_reps=1, download_mb=16,
            download_reps=2, api_server_tokens=100,
        )  # fmt: skip
    if quick:
        return Config(model, threads, 4096, 256, (20, 100), (176, 256), 2000, 512, 10)
    return Config(
        model, threads, 4096, 2000, (100, 600), (1500, 2000), 2000, 1024, 10, full_documents=True
    )


def render(res: Results) -> str:
    lines = [f"{'figure':<24} {'value':>10} {'goal':>9}  verdict  measured"]
    for key, (op, goal) in GOALS.items():
        value = res.figures.get(key)
        goal_text = "info" if goal is None else f"{op} {goal:g}"
        shown = "n/a" if value is None else f"{value:.3f}"
        lines.append(
            f"{key:<24} {shown:>10} {goal_text:>9}  {verdict(key, value):<7}  "
            f"{res.notes.get(key, '')}"
        )
    lines.append("")
    for key, value in res.absolute.items():
        lines.append(f"  {key}: {value:.3f}" if isinstance(value, float) else f"  {key}: {value}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--model", type=Path, help="GGUF file (default: the starter model)")
    parser.add_argument("--tiny", action="store_true", help="generate and use the tiny test model")
    parser.add_argument("--quick", action="store_true", help="shorter runs (< 3 min on 2 cores)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument(
        "--threads",
        type=int,
        default=max(1, default_thread_count() - 1),
        help="llama.cpp threads for both sides (default: physical cores - 1, leaving one for "
        "the GUI thread)",
    )
    parser.add_argument(
        "--only",
        help="comma-separated steps: stream,followup,load,overflow,ui,roofline,search,download,"
        "documents,remote,startup,rss,concurrent,api",
    )
    args = parser.parse_args(argv)
    models = Path(tempfile.mkdtemp(prefix="hearthside-bench-models-"))
    try:
        if args.tiny:
            from tests.fixtures.tiny_model import write_tiny_gguf

            model = write_tiny_gguf(models / "tiny.gguf")
        elif args.model is not None:
            model = args.model
        else:
            from desktop.engine.starter import ensure_starter_model

            model = ensure_starter_model(models)
        cfg = config_for(model, quick=args.quick, tiny=args.tiny, threads=args.threads)
        started = time.perf_counter()
        res = run(cfg, set(args.only.split(",")) if args.only else None)
        seconds = time.perf_counter() - started
        print(render(res))
        print(f"\n{model.name}, {cfg.threads} thread(s), n_ctx {cfg.n_ctx}, {seconds:.0f} s")
        if args.json:
            payload = {
                "figures": res.figures,
                "verdicts": {k: verdict(k, v) for k, v in res.figures.items()},
                "goals": {k: {"op": op, "goal": goal} for k, (op, goal) in GOALS.items()},
                "absolute": res.absolute,
                "notes": res.notes,
                "model": str(model),
                "threads": cfg.threads,
                "n_ctx": cfg.n_ctx,
                "quick": args.quick,
                "seconds": seconds,
                "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
                "llama_cpp_python": llama_cpp.__version__,
            }
            text = json.dumps(payload, indent=2, default=str) + "\n"
            args.json.write_text(text, encoding="utf-8")
    finally:
        # The starter model is assembled here (~250 MB); leave nothing behind.
        shutil.rmtree(models, ignore_errors=True)
    return 0

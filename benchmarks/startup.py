"""Start-up, memory and model-load figures, each in a child process or against a bare load."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


from benchmarks.driver import App, Config, Results, bare_llama


def _child(
    args: list[str], timeout: float = 300, env: dict[str, str] | None = None
) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.child_process", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})},
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - started
    proc.wait(timeout)
    return elapsed, json.loads(line) if line.strip() else {"error": "no output"}


def measure_startup(cfg: Config, res: Results, work: Path) -> None:
    """startup_ratio: the app's real start (desktop.app.started) until its event loop answers,
    ÷ a bare PySide6 window until its event loop answers, medians of alternating runs.
    startup_floor_ratio (info): a window with the same kinds of widgets as the app's first
    frame, built with PySide6 alone, ÷ the same bare window: what any PySide6 app with this
    window pays before a line of its own code runs. startup_settled_ratio (info): both timed
    until their first paint and the work the app leaves for after it (AfterFirstFrame: the
    worker threads' start, the single-instance socket) have run, so work moved behind the
    first paint still counts there.

    Both run with compiled bytecode, as an installed app does (pip and PyInstaller compile it):
    an untimed first run of each writes the .pyc files to a cache of this run's own, so a
    PYTHONDONTWRITEBYTECODE environment does not make every start compile the app from source.
    The app's data folder is made by that first run (the first-run defaults), so the timed runs
    are ordinary starts; a fresh folder each time would time a first run over and over."""
    env = {"PYTHONPYCACHEPREFIX": str(work / "pycache"), "PYTHONDONTWRITEBYTECODE": ""}
    data_dir = work / "startup-data"
    app_args = ["app-window", str(data_dir), str(cfg.startup_delay_s)]
    kinds = {
        "bare": ["bare-window"],
        "floor": ["floor-window"],
        "app": app_args,
        "bare settled": ["bare-window", "settled"],
        "app settled": [*app_args, "settled"],
    }
    for args in kinds.values():
        _child(args, env=env)
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    for _ in range(cfg.startup_reps):
        for kind, args in kinds.items():
            elapsed, out = _child(args, env=env)
            if "ready" not in out:
                res.figures["startup_ratio"] = None
                res.notes["startup_ratio"] = f"{kind} child failed: {out}"
                return
            times[kind].append(elapsed)
    median = {kind: statistics.median(values) for kind, values in times.items()}
    res.figures["startup_ratio"] = median["app"] / median["bare"]
    res.figures["startup_floor_ratio"] = median["floor"] / median["bare"]
    res.figures["startup_settled_ratio"] = median["app settled"] / median["bare settled"]
    res.absolute["startup_s"] = (
        f"app {median['app']:.3f}, the same widgets with PySide6 alone {median['floor']:.3f}, "
        f"bare PySide6 {median['bare']:.3f}; after the first paint and the work left for it: "
        f"app {median['app settled']:.3f}, bare {median['bare settled']:.3f}"
    )


def measure_rss(cfg: Config, res: Results) -> None:
    args = [str(cfg.model), str(cfg.threads), str(cfg.n_ctx)]
    _, app = _child(["app-model", *args])
    _, bare = _child(["bare-llama", *args])
    if "rss_mb" in app and "rss_mb" in bare:
        res.figures["rss_overhead_mb"] = app["rss_mb"] - bare["rss_mb"]
        res.absolute["rss_mb"] = f"app {app['rss_mb']:.0f}, bare {bare['rss_mb']:.0f}"
    else:
        res.figures["rss_overhead_mb"] = None
        res.notes["rss_overhead_mb"] = f"child failed: {app} {bare}"


def measure_load(app: App, cfg: Config, res: Results) -> None:
    """The app's load (GGUF check or its remembered verdict, probe cache, llama.cpp, facts)
    ÷ a bare Llama(...), both from no model loaded: freeing the previous model is llama.cpp's
    work on either side and is not timed. The file was loaded (and probed) once before, as when
    a user opens the model they used last time."""
    from desktop.engine.gguf_check import CheckCache

    real_check = CheckCache.check
    if cfg.load_delay_s:

        def slow_check(self: CheckCache, path: Any) -> Any:
            time.sleep(cfg.load_delay_s)
            return real_check(self, path)

        CheckCache.check = slow_check  # type: ignore[method-assign]
    app_s, bare_s = [], []
    try:
        for _ in range(cfg.load_reps):
            started = time.perf_counter()
            llm = bare_llama(cfg, cfg.n_ctx)
            bare_s.append(time.perf_counter() - started)
            llm.close()
            app.unload()
            app_s.append(app.load(cfg.n_ctx))
    finally:
        CheckCache.check = real_check  # type: ignore[method-assign]
    res.figures["load_ratio"] = min(app_s) / min(bare_s)
    res.absolute["load_s"] = f"app {min(app_s):.2f}, bare {min(bare_s):.2f}"

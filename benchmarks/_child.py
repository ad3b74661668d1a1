"""Child processes for the start-up and memory figures: ``python -m benchmarks._child KIND``.

Each prints one JSON line; the parent times the process from spawn to that line.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path


def _rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def _bare_window() -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv)
    window = QMainWindow()
    window.resize(1000, 700)
    window.show()
    QTimer.singleShot(0, lambda: (print(json.dumps({"ready": True}), flush=True), app.quit()))
    app.exec()


def _app_window(
    model: str | None, threads: int, n_ctx: int, data_dir: str | None, delay_s: float = 0.0
) -> None:
    """The app's real start (desktop.app.started: single instance, crash handler, settings,
    translations, create, show), timed to the first turn of the event loop after it.

    Work the start leaves for later is posted before our marker, so the marker only runs once
    the GUI thread has done it: the figure is the time until the window answers input."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from desktop.app import started
    from desktop.engine.llama import LoadOptions

    app = QApplication(sys.argv)
    folder = Path(data_dir) if data_dir else Path(tempfile.mkdtemp(prefix="hearthside-bench-"))
    result: dict[str, object] = {"ready": True}
    if delay_s:  # a deliberately slowed start, so a test can see the figure move
        import desktop.ui.main_window as main_window_module

        real_show = main_window_module.MainWindow.show

        def slow_show(self: object) -> None:
            time.sleep(delay_s)
            real_show(self)  # type: ignore[arg-type]

        main_window_module.MainWindow.show = slow_show  # type: ignore[method-assign]
    with started(None, folder, initial_model=False) as hearthside:
        assert hearthside is not None, "another Hearthside owns the benchmark's data folder"

        def ready() -> None:
            if model is None:
                print(json.dumps(result), flush=True)
                app.quit()
                return

            def loaded(info: object) -> None:
                if info is not None:
                    result["rss_mb"] = _rss_mb()
                    print(json.dumps(result), flush=True)
                    app.quit()

            hearthside.session.model_changed.connect(loaded)
            hearthside.session.load_failed.connect(
                lambda f: (print(json.dumps({"error": str(f)})), app.quit())
            )
            hearthside.session.load_model(model, LoadOptions(n_ctx=n_ctx, n_threads=threads))

        QTimer.singleShot(0, ready)
        app.exec()


def _bare_llama(model: str, threads: int, n_ctx: int) -> None:
    import llama_cpp

    from desktop.engine.llama import LoadOptions  # the app's defaults, flash attention too

    llm = llama_cpp.Llama(
        model_path=model,
        n_ctx=n_ctx,
        n_threads=threads,
        flash_attn=LoadOptions().flash_attn,
        verbose=False,
    )
    llm.eval(llm.tokenize(b"Hello", add_bos=True))
    print(json.dumps({"rss_mb": _rss_mb()}), flush=True)


def _hub(size_mb: int) -> None:
    """The tests' fake Hugging Face hub on 127.0.0.1 with one file of ``size_mb`` MiB, in a
    process of its own so that serving it takes nothing from the measured process. Prints
    the file's URL, size and sha256, then serves until stdin closes."""
    import hashlib
    import random

    from tests.fixtures.fake_hub import FakeHub

    data = random.Random(0).randbytes(size_mb << 20)
    hub = FakeHub(chunk=1 << 20)
    hub.add_repo("bench/Big-GGUF", {"big-Q4_K_M.gguf": data})
    with hub:
        url = hub.url("bench/Big-GGUF", "big-Q4_K_M.gguf")
        sha = hashlib.sha256(data).hexdigest()
        print(json.dumps({"url": url, "size": len(data), "sha256": sha}), flush=True)
        sys.stdin.read()


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    kind = sys.argv[1]
    if kind == "bare-window":
        _bare_window()
    elif kind == "app-window":
        data_dir = sys.argv[2] if len(sys.argv) > 2 else None
        _app_window(None, 1, 512, data_dir, float(sys.argv[3]) if len(sys.argv) > 3 else 0.0)
    elif kind == "app-model":
        _app_window(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), None)
    elif kind == "hub":
        _hub(int(sys.argv[2]))
    elif kind == "bare-llama":
        _bare_llama(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        raise SystemExit(f"unknown child {kind}")


if __name__ == "__main__":
    main()

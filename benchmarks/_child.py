"""Child processes for the start-up and memory figures: ``python -m benchmarks._child KIND``.

Each prints one JSON line; the parent times the process from spawn to that line.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
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


def _app_window(model: str | None, threads: int, n_ctx: int) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from desktop.app import create
    from desktop.engine.llama import LoadOptions

    app = QApplication(sys.argv)
    hearthside = create(Path(tempfile.mkdtemp(prefix="hearthside-bench-")))
    hearthside.window.show()
    result: dict[str, object] = {"ready": True}

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
    hearthside.shutdown()


def _bare_llama(model: str, threads: int, n_ctx: int) -> None:
    import llama_cpp

    llm = llama_cpp.Llama(model_path=model, n_ctx=n_ctx, n_threads=threads, verbose=False)
    llm.eval(llm.tokenize(b"Hello", add_bos=True))
    print(json.dumps({"rss_mb": _rss_mb()}), flush=True)


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    kind = sys.argv[1]
    if kind == "bare-window":
        _bare_window()
    elif kind == "app-window":
        _app_window(None, 1, 512)
    elif kind == "app-model":
        _app_window(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif kind == "bare-llama":
        _bare_llama(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        raise SystemExit(f"unknown child {kind}")


if __name__ == "__main__":
    main()

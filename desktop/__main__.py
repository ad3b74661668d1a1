"""Command line entry point: `hearthside` and `python -m desktop`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hearthside",
        description="Chat with a language model that runs on your own computer, offline.",
        epilog="hearthside serve --help: serve the model through a local OpenAI-compatible "
        "API, without a window.",
    )
    parser.add_argument("--version", action="version", version=f"Hearthside {__version__}")
    parser.add_argument("--model", type=Path, metavar="PATH", help="load this GGUF model at start")
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help="keep all data here (default: the platform's user data folder, "
        "or $HEARTHSIDE_DATA_DIR)",
    )
    parser.add_argument(
        "--diagnose",
        action="store_true",
        help="print versions, backend and hardware, load the model, generate 32 tokens and "
        "print the speed, without opening a window",
    )
    # The app runs itself with these to try a model file in a child process (engine/probe.py).
    parser.add_argument("--probe-model", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--probe-gpu-layers", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--probe-embedding", action="store_true", help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if arguments[:1] == ["serve"]:
        # Imported here so `serve` never loads Qt.
        from desktop.api.headless import run_serve

        return run_serve(arguments[1:])
    args = build_parser().parse_args(arguments)
    if args.probe_model is not None:
        from desktop.engine.probe import run_probe

        return run_probe(args.probe_model, args.probe_gpu_layers, args.probe_embedding)
    if args.diagnose:
        # Imported here so --diagnose never loads Qt.
        from desktop.diagnose import run_diagnose

        return run_diagnose(model=args.model, data_dir=args.data_dir)
    import PySide6.QtCore  # noqa: F401  (loaded first so the next line can apply)

    from desktop import skip_pyside_source_scan

    skip_pyside_source_scan()
    from desktop.app import main as run_app

    return run_app(model=args.model, data_dir=args.data_dir)


if __name__ == "__main__":
    sys.exit(main())

"""`hearthside serve`: the API server without a window, for a home server or a second machine.

    hearthside serve [--model PATH] [--host 127.0.0.1] [--port 8765] [--api-key KEY] ...

Plain Python, no Qt: LocalEngine on an EngineHost, loaded with the model (or the starter model),
served by ApiServer, one log line per request on stderr. Ctrl+C or SIGTERM stops it cleanly:
replies in flight are cancelled (their clients get the stream's end or a 503), the port is
closed and the model freed. Listening beyond loopback needs an API key (or $HEARTHSIDE_API_KEY,
which keeps the key out of the process list).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from pathlib import Path

from desktop.api.protocol import DEFAULT_PORT, LOOPBACK, RequestRecord, ServerConfig

log = logging.getLogger("hearthside.serve")

API_KEY_ENV = "HEARTHSIDE_API_KEY"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hearthside serve",
        description="Serve the model through a local OpenAI-compatible API, without a window.",
    )
    parser.add_argument(
        "--model", type=Path, metavar="PATH", help="GGUF model (default: the starter model)"
    )
    parser.add_argument(
        "--host",
        default=LOOPBACK,
        help="address to listen on (default 127.0.0.1: this computer only; 0.0.0.0: every "
        "network, which needs --api-key)",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"(default {DEFAULT_PORT})")
    parser.add_argument(
        "--api-key",
        default=os.environ.get(API_KEY_ENV, ""),
        help=f"clients must send 'Authorization: Bearer KEY' (or set ${API_KEY_ENV})",
    )
    parser.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="a web page origin allowed to call the API (repeatable; none by default)",
    )
    parser.add_argument("--n-ctx", type=int, default=4096, help="context window in tokens")
    parser.add_argument("--threads", type=int, default=0, help="llama.cpp threads (0: auto)")
    parser.add_argument(
        "--gpu-layers", type=int, default=0, help="layers on the GPU (-1: all; default 0)"
    )
    parser.add_argument(
        "--embedding-model",
        type=Path,
        metavar="PATH",
        help="GGUF model that answers /v1/embeddings (none by default: 501)",
    )
    parser.add_argument("--data-dir", type=Path, metavar="DIR", help="where the app keeps data")
    return parser


def describe(record: RequestRecord) -> str:
    """One log line for one request."""
    line = f"{record.client} {record.method} {record.path} {record.status} {record.seconds:.2f}s"
    if record.model:
        line += f" model={record.model}"
    if record.prompt_tokens or record.completion_tokens:
        line += f" in={record.prompt_tokens} out={record.completion_tokens}"
    if record.tokens_per_second:
        line += f" {record.tokens_per_second:.1f} tok/s"
    if record.error:
        line += f" error={record.error!r}"
    return line


def run_serve(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    config = ServerConfig(
        host=args.host,
        port=args.port,
        api_key=args.api_key,
        cors_origins=tuple(args.cors_origin),
    )
    if config.listens_beyond_loopback and not config.api_key:
        print(
            f"hearthside serve: listening on {args.host} lets other computers use the model; "
            f"give it a key with --api-key KEY (or ${API_KEY_ENV}).",
            file=sys.stderr,
        )
        return 2
    from desktop.api.embedding import GgufEmbedder
    from desktop.api.server import ApiServer
    from desktop.api.wire import model_id
    from desktop.chat.engine_host import EngineHost
    from desktop.chat.local_engine import LocalEngine
    from desktop.chat.protocol import LoadFailure
    from desktop.core.private_files import make_private_dir
    from desktop.core.settings import default_data_dir
    from desktop.engine.llama import LoadOptions

    data_dir = make_private_dir((args.data_dir or default_data_dir()).expanduser())
    engine = LocalEngine(
        data_dir / "models", data_dir / "probed-models.json", data_dir / "gguf-checks.json"
    )
    options = LoadOptions(
        n_ctx=args.n_ctx, n_threads=args.threads or None, n_gpu_layers=args.gpu_layers
    )
    log.info("loading %s", args.model or "the starter model")
    info = engine.load(str(args.model or ""), options, lambda _fraction: None, lambda: False)
    if isinstance(info, LoadFailure):
        print(f"hearthside serve: the model could not be loaded: {info.message}", file=sys.stderr)
        return 1
    embedder = GgufEmbedder(args.embedding_model) if args.embedding_model else None
    host = EngineHost(engine)
    host.start()
    server = ApiServer(
        host,
        config,
        model_info=lambda: info,
        embedder=embedder,
        listener=lambda record: log.info("%s", describe(record)),
    )
    try:
        server.start()
    except (OSError, ValueError) as error:
        print(f"hearthside serve: {error}", file=sys.stderr)
        host.close()
        engine.unload()
        return 1
    log.info("serving %s at %s (Ctrl+C stops)", model_id(info), server.url)
    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        log.info("stopping (%s)", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    while not stop.wait(0.5):  # a timed wait lets the signal handlers run
        pass
    server.stop()
    host.close()
    engine.unload()
    if embedder is not None:
        embedder.close()
    log.info("stopped")
    return 0

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

from desktop.api.ports import free_port_near, is_port_in_use
from desktop.api.protocol import DEFAULT_PORT, LOOPBACK, RequestRecord, ServerConfig
from desktop.api.server_settings import MAX_PORT

log = logging.getLogger("hearthside.serve")

API_KEY_ENV = "HEARTHSIDE_API_KEY"


EXAMPLES = """\
examples:
  hearthside serve                                   the starter model (a small demo)
  hearthside serve --model ~/models/qwen3-4b.gguf --n-ctx 8192
  HEARTHSIDE_API_KEY=$(openssl rand -hex 16) hearthside serve --host 0.0.0.0
  hearthside serve --embedding-model ~/models/nomic-embed.gguf

Clients use the base URL http://127.0.0.1:8765/v1 (the openai package: base_url=...).
"""


def port_number(text: str) -> int:
    """--port's value: 0 to 65535 (0: any free port), or argparse's own error message."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= MAX_PORT:
        raise argparse.ArgumentTypeError(f"{port} is not a port: choose one from 1 to {MAX_PORT}")
    return port


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hearthside serve",
        description="Serve a GGUF model through a local OpenAI-compatible API, without a window.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--model",
        type=Path,
        metavar="PATH",
        help="the GGUF model to serve (default: the starter model, a small demo that is not "
        "trained to chat)",
    )
    parser.add_argument(
        "--host",
        default=LOOPBACK,
        metavar="ADDRESS",
        help="address to listen on (default 127.0.0.1: this computer only; 0.0.0.0: every "
        "network, which needs an API key)",
    )
    parser.add_argument(
        "--port",
        type=port_number,
        default=DEFAULT_PORT,
        metavar="N",
        help=f"port to listen on (default {DEFAULT_PORT}; 0: any free port)",
    )
    parser.add_argument(
        "--api-key",
        default=os.environ.get(API_KEY_ENV, ""),
        metavar="KEY",
        help=f"clients must send 'Authorization: Bearer KEY' (default ${API_KEY_ENV}, which "
        "keeps the key out of the process list; none: no key asked)",
    )
    parser.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="a web page origin allowed to call the API, such as http://localhost:3000 "
        "(repeatable; none by default)",
    )
    parser.add_argument(
        "--n-ctx", type=int, default=4096, metavar="N", help="context window in tokens (4096)"
    )
    parser.add_argument(
        "--threads", type=int, default=0, metavar="N", help="llama.cpp threads (default 0: auto)"
    )
    parser.add_argument(
        "--gpu-layers",
        type=int,
        default=0,
        metavar="N",
        help="model layers on the GPU (default 0; -1: all)",
    )
    parser.add_argument(
        "--embedding-model",
        type=Path,
        metavar="PATH",
        help="GGUF model that answers /v1/embeddings (none by default: 501)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help="where Hearthside keeps its data, the starter model among them (default: the "
        "window's)",
    )
    return parser


def cannot_listen(host: str, port: int, error: OSError) -> str:
    """What `hearthside serve` says when the port cannot be had: in use (with a free one to
    use instead) or the system's reason."""
    if is_port_in_use(error):
        free = free_port_near(host, port)
        instead = f" (port {free} is free)" if free else ""
        return (
            f"port {port} is in use by another program (another hearthside serve, or the "
            f"window's Local server?): choose another with --port{instead}."
        )
    return f"{error.strerror or error}."  # bind's words: "Cannot listen on HOST:PORT: why"


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
    # uvicorn's "Started server process" / "Shutting down" repeat what serve says itself.
    logging.getLogger("uvicorn.error").setLevel(logging.WARNING)
    # Ctrl+C and SIGTERM set `stop` from here on: a load in progress is cancelled (a
    # KeyboardInterrupt raised in llama.cpp's progress callback would be swallowed there, and
    # the server would start anyway), a running server stops cleanly.
    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        log.info("stopping (%s)", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        return serve(args, stop)
    except KeyboardInterrupt:  # a signal before the handlers were set
        stop.set()
    print("hearthside serve: stopped before it served.", file=sys.stderr)
    return STOPPED_EARLY


STOPPED_EARLY = 130
"""The exit status when a signal stops serve before it serves (as a shell's Ctrl+C)."""


def serve(args: argparse.Namespace, stop: threading.Event) -> int:
    """Loads the model and serves it until ``stop`` is set, then frees everything."""
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
    from desktop.api.server import ApiServer, bind

    if config.port:  # said before the model loads (seconds), not after
        try:
            bind(config.host, config.port).close()
        except OSError as error:
            print(
                f"hearthside serve: {cannot_listen(args.host, args.port, error)}", file=sys.stderr
            )
            return 1
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
    info = engine.load(str(args.model or ""), options, lambda _fraction: None, stop.is_set)
    if stop.is_set():
        engine.unload()
        print("hearthside serve: stopped before it served.", file=sys.stderr)
        return STOPPED_EARLY
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
        problem = (
            cannot_listen(args.host, args.port, error) if isinstance(error, OSError) else error
        )
        print(f"hearthside serve: {problem}", file=sys.stderr)
        host.close()
        engine.unload()
        return 1
    log.info("serving %s at %s (Ctrl+C stops)", model_id(info), server.url)
    if info.is_demo:
        log.info(
            "the starter model is a small demo, not trained to chat: its replies are rough "
            "(serve a real model with --model PATH)"
        )
    if config.listens_beyond_loopback:
        from desktop.api.addresses import lan_urls

        others = ", ".join(lan_urls(server.port)) or f"this computer's address, port {server.port}"
        log.info("other computers use %s, with the API key", others)
    elif config.api_key:
        log.info("clients send the API key: Authorization: Bearer KEY")
    while not stop.wait(0.5):  # a timed wait lets the signal handlers run
        pass
    server.stop()
    host.close()
    engine.unload()
    if embedder is not None:
        embedder.close()
    log.info("stopped")
    return 0

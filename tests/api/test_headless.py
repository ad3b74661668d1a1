"""`hearthside serve` as a user runs it: a subprocess that serves, logs each request and stops
cleanly on SIGTERM; and the refusals that protect the user."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import openai

from desktop.api.headless import STOPPED_EARLY, build_parser, describe, serve
from desktop.api.protocol import RequestRecord


def start_serve(
    *args: str, data_dir: Path, extra_env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    env = {**os.environ, "HEARTHSIDE_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}
    env.pop("HEARTHSIDE_API_KEY", None)
    env.update(extra_env or {})
    return subprocess.Popen(
        [sys.executable, "-m", "desktop", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )


def wait_for_url(process: subprocess.Popen[str], lines: list[str]) -> str:
    assert process.stdout is not None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        found = re.search(r"serving .* at (http://\S+/v1)", line)
        if found:
            return found.group(1)
    raise AssertionError("no URL in the output:\n" + "".join(lines))


def test_serve_answers_logs_and_stops_on_sigterm(tiny_gguf: Path, private_data_dir: Path) -> None:
    process = start_serve(
        "--model", str(tiny_gguf), "--port", "0", "--n-ctx", "512", data_dir=private_data_dir
    )
    lines: list[str] = []
    try:
        url = wait_for_url(process, lines)
        assert url.startswith("http://127.0.0.1:")
        client = openai.OpenAI(base_url=url, api_key="unused", max_retries=0, timeout=60)
        reply = client.chat.completions.create(
            model="", messages=[{"role": "user", "content": "Hi"}], max_tokens=5, temperature=0
        )
        assert reply.usage is not None and reply.usage.completion_tokens == 5
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    log = "".join(lines) + out
    assert process.returncode == 0, log
    assert re.search(r"POST /v1/chat/completions 200 .* in=\d+ out=5", log), log
    assert "stopping (SIGTERM)" in log and "stopped" in log
    assert "Started server process" not in log and "Shutting down" not in log  # said once


def test_serve_refuses_other_computers_without_a_key(private_data_dir: Path) -> None:
    process = start_serve("--host", "0.0.0.0", data_dir=private_data_dir)
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 2
    assert "--api-key" in out


def test_each_request_is_one_log_line() -> None:
    record = RequestRecord(
        "127.0.0.1:5000", "POST", "/v1/chat/completions", "m.gguf", 400, error="bad"
    )
    line = describe(record)
    assert "\n" not in line
    assert line.startswith("127.0.0.1:5000 POST /v1/chat/completions 400")
    assert "model=m.gguf" in line and "error='bad'" in line


def test_a_port_out_of_range_is_an_error_not_a_traceback(private_data_dir: Path) -> None:
    process = start_serve("--port", "99999", data_dir=private_data_dir)
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 2
    assert "99999 is not a port" in out and "Traceback" not in out


def test_a_port_in_use_is_said_before_the_model_loads(private_data_dir: Path) -> None:
    """The port is tried first (a model takes seconds to load), and the words say what to do:
    --port, and a port that is free."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = start_serve(
            "--model", "/no/such/model.gguf", "--port", str(port), data_dir=private_data_dir
        )
        out, _ = process.communicate(timeout=60)
    assert process.returncode == 1, out
    assert f"port {port} is in use by another program" in out
    assert "--port" in out and "is free" in out
    assert "[Errno" not in out and "Traceback" not in out and "model.gguf" not in out


def test_help_says_the_defaults_and_shows_examples() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "desktop", "serve", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert "port to listen on (default 8765" in out
    assert "context window in tokens (4096)" in out
    assert "examples:" in out and "http://127.0.0.1:8765/v1" in out
    assert "GPU_LAYERS" not in out and "API_KEY " not in out  # readable placeholders


def test_other_computers_are_told_the_address_to_use(
    tiny_gguf: Path, private_data_dir: Path
) -> None:
    env_key = {"HEARTHSIDE_API_KEY": "a-key"}
    process = start_serve(
        "--model",
        str(tiny_gguf),
        "--host",
        "0.0.0.0",
        "--port",
        "0",
        "--n-ctx",
        "512",
        data_dir=private_data_dir,
        extra_env=env_key,
    )
    lines: list[str] = []
    try:
        url = wait_for_url(process, lines)
        port = url.rsplit(":", 1)[1].removesuffix("/v1")
        assert process.stdout is not None
        lines.append(process.stdout.readline())
        assert re.search(rf"other computers use .*{port}.*, with the API key", lines[-1]), lines
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_ctrl_c_before_the_model_is_served_is_a_line_not_a_traceback(
    private_data_dir: Path,
) -> None:
    """A model loads for seconds: Ctrl+C meanwhile ends serve with a line (exit 130)."""
    env = {**os.environ, "HEARTHSIDE_DATA_DIR": str(private_data_dir), "PYTHONUNBUFFERED": "1"}
    code = (
        "import os, signal, sys, threading\n"
        "from desktop.api import headless\n"
        "threading.Timer(0.2, lambda: os.kill(os.getpid(), signal.SIGINT)).start()\n"
        "import time\n"
        "real_serve = headless.serve\n"
        "def slow_serve(args, stop):\n"
        "    time.sleep(5)  # as a model that loads for seconds\n"
        "    return real_serve(args, stop)\n"
        "headless.serve = slow_serve\n"
        "sys.exit(headless.run_serve(['--model', '/no/such/model.gguf', '--port', '0']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env
    )
    assert done.returncode == 130, done.stderr
    assert "stopped before it served" in done.stderr and "Traceback" not in done.stderr


def test_a_signal_during_the_load_cancels_it_and_nothing_is_served(
    tiny_gguf: Path, private_data_dir: Path
) -> None:
    """The load is asked `stop.is_set` between its chunks: a Ctrl+C then cancels it (raised as
    KeyboardInterrupt it would be swallowed by llama.cpp's progress callback, and the server
    would start anyway)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    args = build_parser().parse_args(
        ["--model", str(tiny_gguf), "--port", str(port), "--data-dir", str(private_data_dir)]
    )
    stop = threading.Event()
    stop.set()  # as on_signal does when Ctrl+C comes while the model loads
    assert serve(args, stop) == STOPPED_EARLY
    with socket.socket() as again:
        again.bind(("127.0.0.1", port))  # never listened on

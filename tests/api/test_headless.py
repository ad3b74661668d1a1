"""`hearthside serve` as a user runs it: a subprocess that serves, logs each request and stops
cleanly on SIGTERM; and the refusals that protect the user."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import openai

from desktop.api.headless import describe
from desktop.api.protocol import RequestRecord


def start_serve(*args: str, data_dir: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "HEARTHSIDE_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}
    env.pop("HEARTHSIDE_API_KEY", None)
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

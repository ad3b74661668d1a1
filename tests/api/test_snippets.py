"""The Copy buttons' examples: a curl line and a Python openai program that paste and run."""

from __future__ import annotations

import ast
import contextlib
import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.api.snippets import PLACEHOLDER_MODEL, curl_command, python_snippet
from tests.api.conftest import Served

URL = "http://127.0.0.1:8765/v1"


def test_curl_line_with_a_key_is_one_shell_command() -> None:
    words = shlex.split(curl_command(URL, "hs-abc", "qwen 'tiny'"))
    assert words[:2] == ["curl", URL + "/chat/completions"]
    assert "Authorization: Bearer hs-abc" in words
    body = json.loads(words[words.index("-d") + 1])
    assert body["model"] == "qwen 'tiny'"
    assert body["messages"][0]["role"] == "user"


def test_curl_line_without_a_key_sends_no_authorization() -> None:
    line = curl_command(URL + "/")
    assert "Authorization" not in line
    words = shlex.split(line)
    assert words[1] == URL + "/chat/completions"
    assert json.loads(words[-1])["model"] == PLACEHOLDER_MODEL


def _call_arguments(source: str) -> dict[str, object]:
    """The literal keyword arguments of every call in ``source``."""
    found: dict[str, object] = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg is not None:
                    with contextlib.suppress(ValueError):
                        found[keyword.arg] = ast.literal_eval(keyword.value)
    return found


def test_python_snippet_is_valid_python_with_url_key_and_model() -> None:
    source = python_snippet(URL, "hs-abc", 'quote"d \\ model')
    arguments = _call_arguments(source)
    assert arguments["base_url"] == URL
    assert arguments["api_key"] == "hs-abc"
    assert arguments["model"] == 'quote"d \\ model'
    assert "from openai import OpenAI" in source


def test_python_snippet_without_a_key_sends_a_placeholder() -> None:
    arguments = _call_arguments(python_snippet(URL))
    assert arguments["api_key"] == "none"  # the client refuses to start with no key at all
    assert arguments["model"] == PLACEHOLDER_MODEL


def test_the_examples_bound_the_reply() -> None:
    """A pasted example answers in seconds even from a model that never stops by itself."""
    body = json.loads(shlex.split(curl_command(URL))[-1])
    assert 0 < body["max_tokens"] <= 200
    assert 0 < _call_arguments(python_snippet(URL))["max_tokens"] <= 200  # type: ignore[operator]


@pytest.mark.skipif(shutil.which("curl") is None, reason="no curl")
def test_the_pasted_examples_run_against_the_server(served: Served) -> None:
    model = Path(served.info.path).name
    line = curl_command(served.url, "", model)
    done = subprocess.run(line, shell=True, capture_output=True, text=True, timeout=60, check=True)
    reply = json.loads(done.stdout)
    assert reply["object"] == "chat.completion" and reply["model"] == model
    assert reply["usage"]["completion_tokens"] <= 100
    program = python_snippet(served.url, "", model)
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60, check=True
    )
    assert "Traceback" not in done.stderr  # it ran through: the reply was printed

"""The Copy buttons' examples: a curl line and a Python openai program that paste and run."""

from __future__ import annotations

import ast
import contextlib
import json
import shlex

from desktop.api.snippets import PLACEHOLDER_MODEL, curl_command, python_snippet

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

"""Ready-to-paste examples for the Server panel's Copy buttons: a `curl` line and a Python
`openai` snippet that call the running server with its URL, key and model.

Plain Python, no Qt. Every value is quoted for where it goes (shell words with shlex, Python
literals with repr), so a model name with quotes or spaces pastes as one argument.
"""

from __future__ import annotations

import json
import shlex

__all__ = ["PLACEHOLDER_MODEL", "curl_command", "python_snippet"]

PLACEHOLDER_MODEL = "local"
"""The model name sent when none is loaded (the server answers with the loaded one anyway)."""

EXAMPLE_PROMPT = "Hello!"
EXAMPLE_MAX_TOKENS = 100
"""A bound on the example's reply: without one a model that does not stop (the starter demo)
writes until its context is full, minutes in which a pasted curl line shows nothing."""


def curl_command(url: str, api_key: str = "", model: str = "") -> str:
    """One shell line that asks the server for a chat reply.

    ``url`` is the API's base (``http://127.0.0.1:8765/v1``); ``api_key`` "" sends none.
    """
    body = json.dumps(
        {
            "model": model or PLACEHOLDER_MODEL,
            "messages": [{"role": "user", "content": EXAMPLE_PROMPT}],
            "max_tokens": EXAMPLE_MAX_TOKENS,
        },
        ensure_ascii=False,
    )
    words = ["curl", url.rstrip("/") + "/chat/completions", "-H", "Content-Type: application/json"]
    if api_key:
        words += ["-H", f"Authorization: Bearer {api_key}"]
    words += ["-d", body]
    return shlex.join(words)


def python_snippet(url: str, api_key: str = "", model: str = "") -> str:
    """A short Python program using the official ``openai`` package (pip install openai).

    The client needs some key even when the server asks for none; "none" is sent then.
    """
    return "\n".join(
        (
            "from openai import OpenAI",
            "",
            f"client = OpenAI(base_url={url!r}, api_key={(api_key or 'none')!r})",
            "reply = client.chat.completions.create(",
            f"    model={(model or PLACEHOLDER_MODEL)!r},",
            f'    messages=[{{"role": "user", "content": {EXAMPLE_PROMPT!r}}}],',
            f"    max_tokens={EXAMPLE_MAX_TOKENS},",
            ")",
            "print(reply.choices[0].message.content)",
            "",
        )
    )

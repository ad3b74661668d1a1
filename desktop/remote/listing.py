"""Asking a server which models it offers: ``GET /v1/models``, and llama-server's ``/props`` for
the context length where the listing does not say it. Blocking; runs on a pool thread."""

from __future__ import annotations

from dataclasses import replace

from desktop.remote.client import OpenAIClient, ServerFault, Timeouts
from desktop.remote.servers import Preset, RemoteModel, context_from_props, parse_models

__all__ = ["list_server_models"]

LISTING_TIMEOUTS = Timeouts(connect=5.0, read=15.0)


def list_server_models(base_url: str, api_key: str, preset: Preset) -> tuple[RemoteModel, ...]:
    """The server's models, sorted by name; raises ServerFault (client.py) when it cannot."""
    client = OpenAIClient(base_url, api_key, LISTING_TIMEOUTS)
    try:
        models = parse_models(client.list_models())
        if preset == Preset.LLAMA_SERVER and models and not models[0].context_length:
            try:  # llama-server serves one model; /props says its context
                context = context_from_props(client.get_json("/props"))
            except ServerFault:
                context = 0
            if context:
                models = [replace(m, context_length=context) for m in models]
    finally:
        client.close()
    return tuple(sorted(models, key=lambda m: m.id.lower()))

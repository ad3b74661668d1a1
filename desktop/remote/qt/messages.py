"""What the window says when a remote server fails: one sentence per fault.

The chat (a failed reply) and the models feature (a failed choice) ask through a plain
callable that desktop/app.py wires to `RemoteMessages.fault_text`, so neither imports this
feature. The fault is a desktop/remote/client.py Fault value, compared as a string here so
this module needs no httpx at start-up.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

__all__ = ["RemoteMessages"]


class RemoteMessages(QObject):
    """Sentences about a server's faults, translated.

    Signals:
        None.
    """

    def fault_text(self, fault: str, host: str, retry_after: float | None = None) -> str:
        """The first sentence the user reads about ``fault`` on ``host``."""
        host = host or self.tr("the server")
        if fault == "rate_limited":
            if retry_after is not None:
                return self.tr(
                    "{host} is busy (too many requests). Try again in {seconds} s."
                ).format(host=host, seconds=max(1, round(retry_after)))
            return self.tr("{host} is busy (too many requests). Try again in a moment.").format(
                host=host
            )
        texts = {
            "unreachable": self.tr(
                "{host} does not answer. Is the server running, and is the address right?"
            ),
            "dns": self.tr("The name {host} could not be found. Check the server's address."),
            "tls": self.tr(
                "A secure connection to {host} could not be made: its certificate or TLS "
                "setup was refused. Check the address (http or https)."
            ),
            "timeout": self.tr("{host} did not answer in time."),
            "auth": self.tr(
                "{host} refused the API key. Change it in File › Remote servers… (select the "
                "server, then Edit…)"
            ),
            "key_needed": self.tr(
                "{host} wants an API key. Add it in File › Remote servers… (select the server, "
                "then Edit…)"
            ),
            "not_found": self.tr(
                "{host} does not offer this model. Choose another one in File › Remote servers…"
            ),
            "no_api": self.tr(
                "{host} answered, but there is no OpenAI-compatible API at this address. "
                "Check the address: it usually ends in /v1 (http://host:port/v1)."
            ),
            "server_error": self.tr("{host} failed while replying (a server error)."),
            "refused": self.tr("{host} did not accept the request."),
            "stalled": self.tr("{host} stopped sending in the middle of the reply."),
            "cut": self.tr("The connection to {host} was cut in the middle of the reply."),
            "malformed": self.tr("{host} sent something that is not a valid reply."),
            "too_large": self.tr(
                "{host} sent more than Hearthside reads for one reply, so it was cut off."
            ),
        }
        if fault == "dns":  # the name is what could not be found, not the name and port
            host = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        text = texts.get(fault, self.tr("{host} could not be used."))
        return text.format(host=host)

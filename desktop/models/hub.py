"""The Hugging Face Hub client: search, a repo's GGUF files, remote headers. No Qt.

The only module that imports ``huggingface_hub``. It is used for metadata and URLs; the bytes of
a model travel through ``models/transfer.py`` (ours, because it must resume across restarts and
verify the sha256). ``huggingface_hub`` is imported when the first request is made, not when this
module is imported, and nothing here touches the network until a method is called: the app makes
no request at start.

The endpoint is the ``hub.endpoint`` setting; a mirror works when it speaks the same API (the
tests point it at ``tests/fixtures/fake_hub.py``). Every method blocks: call it from a worker.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from desktop.core.file_names import last_path_part, safe_path_part
from desktop.engine.gguf_check import (
    GgufCheckError,
    GgufNeedMoreBytes,
    check_gguf_prefix,
    supported_architectures,
)
from desktop.models.catalog import (
    Fit,
    MachineMemory,
    ModelFacts,
    estimate_memory,
    judge_fit,
    split_name,
)
from desktop.models.library import facts_from_gguf

__all__ = [
    "DEFAULT_ENDPOINT",
    "HubClient",
    "HubError",
    "HubModel",
    "HubProblem",
    "QuantGroup",
    "RemoteFile",
    "RemoteGguf",
    "RemoteHeader",
    "RepoFiles",
    "download_path",
    "parse_quant",
]

DEFAULT_ENDPOINT = "https://huggingface.co"
MAX_CARD_BYTES = 1 << 20  # a model card is read up to here; real ones are a few KB
# The pre-download header check: tries per read and the first pause between them (doubling).
HEADER_ATTEMPTS = 4
HEADER_RETRY_PAUSE_S = 1.0

# K-quants (Q4_K_M), I-quants (IQ3_XS, IQ4_NL), legacy (Q4_0, Q8_0, Q4_0_4_4), ternary (TQ1_0),
# floats, MXFP4, and Unsloth's dynamic "UD-Q4_K_XL" names.
_QUANT = re.compile(
    r"(?<![A-Za-z0-9])((?:UD-)?(?:IQ\d_(?:XXS|XS|NL|S|M)|Q\d_K(?:_(?:XXS|XS|S|M|L|XL))?"
    r"|Q\d_\d(?:_\d_\d)?|TQ\d_\d|BF16|F16|FP16|F32|MXFP4(?:_MOE)?))(?![A-Za-z0-9])",
    re.IGNORECASE,
)


def download_path(models_dir: Path, repo_id: str, remote_path: str) -> Path:
    """Where a hub file is kept: ``<models>/<owner>--<repo>/<file name>``.

    Each repo has its own folder, so a same-named file of another repo never replaces a model;
    both parts go through the one sanitiser (``core.file_names``), so no remote name, with
    backslashes, a drive prefix or "..", lands outside its folder on any system.
    """
    folder = safe_path_part(repo_id.replace("/", "--"), "hub")
    return models_dir / folder / safe_path_part(last_path_part(remote_path), "model.gguf")


def parse_quant(file_name: str) -> str | None:
    """``"Q4_K_M"`` from ``"Model-7B-Q4_K_M-00001-of-00002.gguf"``; None if the name has none.

    The last match wins (``Llama-3-8B-Q8_0`` has no other, but names like ``Q4-model-Q8_0`` do).
    """
    base = file_name.rsplit("/", 1)[-1]
    split = split_name(base)
    stem = split[0] if split else base.removesuffix(".gguf").removesuffix(".GGUF")
    matches = _QUANT.findall(stem)
    if not matches:
        return None
    quant = matches[-1].upper()
    return "F16" if quant == "FP16" else quant


class HubProblem(StrEnum):
    """Why a hub request failed; the UI words each through tr()."""

    OFFLINE = "offline"  # no connection to the endpoint
    TIMEOUT = "timeout"  # connected, but no answer in time (a stalled server or link)
    NOT_FOUND = "not_found"
    GATED = "gated"  # needs the user to accept terms on the website (and a token)
    RATE_LIMITED = "rate_limited"
    SERVER = "server"  # 5xx
    BAD_RESPONSE = "bad_response"  # not what the API promises (a captive portal, a bad mirror)
    NOT_GGUF = "not_gguf"  # the remote file's header is not a usable GGUF


# Failures that another try may not meet: a dropped connection, the server's trouble, a 429.
_TRANSIENT = frozenset(
    {HubProblem.OFFLINE, HubProblem.TIMEOUT, HubProblem.SERVER, HubProblem.RATE_LIMITED}
)


class HubError(Exception):
    """A failed hub request: ``problem`` for the UI, ``str()`` a plain sentence, ``detail`` for
    logs."""

    def __init__(self, problem: HubProblem, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.problem = HubProblem(problem)
        self.detail = detail


@dataclass(frozen=True, slots=True)
class HubModel:
    """One search result."""

    repo_id: str
    author: str | None
    downloads: int
    likes: int
    last_modified: datetime | None
    license: str | None
    gated: bool
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RemoteFile:
    path: str  # inside the repo, may contain folders
    size: int
    sha256: str | None  # LFS sha256; None for small non-LFS files (then git's sha1 is all there is)
    url: str  # resolve URL at the listed commit


@dataclass(frozen=True, slots=True)
class RemoteGguf:
    """A model as the user picks it: one file, or every part of a split model."""

    quant: str | None
    parts: tuple[RemoteFile, ...]
    is_projector: bool = False
    complete: bool = True  # False: a split model with parts missing from the repo

    @property
    def name(self) -> str:
        """The file name of the first part: what the library will load."""
        return self.parts[0].path.rsplit("/", 1)[-1]

    @property
    def size(self) -> int:
        return sum(p.size for p in self.parts)


@dataclass(frozen=True, slots=True)
class QuantGroup:
    quant: str  # "Q4_K_M", or "other" for names without a recognisable quant
    files: tuple[RemoteGguf, ...]


@dataclass(frozen=True, slots=True)
class RepoFiles:
    repo_id: str
    revision: str
    models: tuple[RemoteGguf, ...]  # largest first
    projectors: tuple[RemoteGguf, ...]

    @property
    def groups(self) -> tuple[QuantGroup, ...]:
        """Models grouped by quantization, groups ordered by their largest file."""
        by: dict[str, list[RemoteGguf]] = {}
        for m in self.models:
            by.setdefault(m.quant or "other", []).append(m)
        return tuple(QuantGroup(q, tuple(fs)) for q, fs in by.items())


@dataclass(frozen=True, slots=True)
class RemoteHeader:
    facts: ModelFacts
    supported: bool  # the architecture is one this llama.cpp can load
    bytes_read: int


def _license(tags: Iterable[str] | None, card: Any = None) -> str | None:
    for tag in tags or ():
        if tag.startswith("license:"):
            return tag.removeprefix("license:")
    value = getattr(card, "license", None) if card is not None else None
    return value if isinstance(value, str) else None


class HubClient:
    """Hub metadata over ``huggingface_hub.HfApi``; construct freely, it connects on demand."""

    def __init__(
        self, endpoint: str = DEFAULT_ENDPOINT, token: str | None = None, timeout: float = 20.0
    ) -> None:
        self.endpoint = (endpoint or DEFAULT_ENDPOINT).rstrip("/")
        self._token = token
        self._timeout = timeout
        self._api: Any = None
        self._reachable_at = -1e9  # monotonic time of the last answer from the endpoint

    # -- plumbing --

    def _hf(self) -> Any:
        if self._api is None:
            from huggingface_hub import HfApi

            # token=False: never send a token found on disk to a mirror the user typed in.
            self._api = HfApi(endpoint=self.endpoint, token=self._token or False)
        return self._api

    def _ensure_reachable(self) -> None:
        """Fail fast when offline: huggingface_hub retries paginated calls (search, tree) on
        connection errors for ~20 s with backoff, far too long to tell the user "offline".
        One HEAD request without retries settles it; any HTTP answer counts as reachable and is
        trusted for a minute."""
        import time

        from huggingface_hub import get_session

        if time.monotonic() - self._reachable_at < 60:
            return
        self._call("", lambda: get_session().head(self.endpoint + "/", timeout=self._timeout))
        self._reachable_at = time.monotonic()

    def _call(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Run a huggingface_hub call, turning its many exceptions into :class:`HubError`;
        each one is logged with its detail (HTTP status, the server's words), which the
        sentence shown to the user leaves out."""
        try:
            return self._call_unlogged(what, fn, *args, **kwargs)
        except HubError as exc:
            log.warning("hub: %s (%s) [%s]", exc, exc.problem, exc.detail)
            raise

    def _call_unlogged(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        import httpx2
        from huggingface_hub import errors

        try:
            return fn(*args, **kwargs)
        except errors.GatedRepoError as exc:
            raise HubError(
                HubProblem.GATED, f"{what} needs access granted on the website.", str(exc)
            ) from None
        except (
            errors.RepositoryNotFoundError,
            errors.RevisionNotFoundError,
            errors.EntryNotFoundError,
        ) as exc:
            raise HubError(HubProblem.NOT_FOUND, f"{what} was not found.", str(exc)) from None
        except errors.HfHubHTTPError as exc:
            status = exc.response.status_code if exc.response is not None else 0
            raise _status_error(what, status, str(exc)) from None
        except errors.OfflineModeIsEnabled as exc:
            raise HubError(
                HubProblem.OFFLINE, "Offline mode is on (HF_HUB_OFFLINE).", str(exc)
            ) from None
        except (httpx2.ReadTimeout, httpx2.WriteTimeout) as exc:
            # Connected, then silence: "could not reach" would send the user to check a link
            # that works.
            raise HubError(
                HubProblem.TIMEOUT,
                f"{self.endpoint} did not answer within {self._timeout:g} s.",
                repr(exc),
            ) from None
        except (httpx2.TransportError, OSError) as exc:
            raise HubError(
                HubProblem.OFFLINE, f"Could not reach {self.endpoint}.", str(exc)
            ) from None
        except (ValueError, KeyError, TypeError) as exc:  # JSON that is not the hub's
            raise HubError(
                HubProblem.BAD_RESPONSE, f"{self.endpoint} gave an unexpected answer.", repr(exc)
            ) from None

    # -- search --

    def search(self, query: str = "", sort: str = "downloads", limit: int = 50) -> list[HubModel]:
        """Models tagged ``gguf`` whose id contains ``query``; ``sort`` is ``downloads``,
        ``updated`` (last modified) or ``likes``; best first."""
        api_sort = {"downloads": "downloads", "updated": "last_modified", "likes": "likes"}[sort]

        def run() -> list[HubModel]:
            self._ensure_reachable()
            found = self._hf().list_models(
                search=query.strip() or None,
                filter="gguf",
                sort=api_sort,
                limit=limit,
                expand=["author", "downloads", "likes", "lastModified", "tags", "gated"],
            )
            return [
                HubModel(
                    repo_id=m.id,
                    author=m.author,
                    downloads=int(m.downloads or 0),
                    likes=int(m.likes or 0),
                    last_modified=m.last_modified,
                    license=_license(m.tags, m.card_data),
                    gated=bool(m.gated),
                    tags=tuple(m.tags or ()),
                )
                for m in found
            ]

        return self._call("The search", run)

    def _get_limited(
        self, url: str, limit: int, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        """GET url, reading at most limit bytes of the body, uncompressed.

        A server may ignore Range or send far more than asked (r.content would read a 300 MB
        file for a 1 MiB header), so the body is streamed and the connection closed at the
        limit. Compression is refused (identity) so that no chunk can inflate past the limit.
        """
        from huggingface_hub import get_session

        with get_session().stream(
            "GET",
            url,
            headers={**(headers or {}), "Accept-Encoding": "identity"},
            timeout=self._timeout,
            follow_redirects=True,
        ) as r:
            body = bytearray()
            for chunk in r.iter_raw():
                body += chunk[: limit - len(body)]
                if len(body) >= limit:
                    break
            return r.status_code, bytes(body)

    def model_card(self, repo_id: str, revision: str = "main") -> str:
        """The README's Markdown without its YAML front matter; "" when the repo has none.
        Only the first MAX_CARD_BYTES are read. Rendering it safely (no remote images) is the
        UI's job."""
        from huggingface_hub import hf_hub_url

        url = hf_hub_url(repo_id, "README.md", revision=revision, endpoint=self.endpoint)

        def run() -> str:
            status, body = self._get_limited(url, MAX_CARD_BYTES)
            if status == 404:
                return ""
            if status >= 400:
                raise _status_error(f"The model card of {repo_id}", status, _detail(body))
            return _strip_front_matter(body.decode("utf-8", errors="replace"))

        return self._call(f"The model card of {repo_id}", run)

    # -- files --

    def file_url(self, repo_id: str, path: str, revision: str = "main") -> str:
        from huggingface_hub import hf_hub_url

        return hf_hub_url(repo_id, path, revision=revision, endpoint=self.endpoint)

    def gguf_files(self, repo_id: str, revision: str = "main") -> RepoFiles:
        """Every ``.gguf`` in the repo (folders included) with sizes and LFS sha256; split models
        as one entry; projectors (``mmproj*``) apart. URLs pin the commit the listing came from
        when the hub says it, so all parts of a model come from the same commit."""
        api = self._hf()
        what = f"The files of {repo_id}"
        info = self._call(what, api.model_info, repo_id, revision=revision, expand=["sha"])
        commit = getattr(info, "sha", None) or revision
        entries = self._call(
            what, lambda: list(api.list_repo_tree(repo_id, recursive=True, revision=commit))
        )
        files: list[RemoteFile] = []
        for e in entries:
            path = getattr(e, "path", "")
            if not path.lower().endswith(".gguf") or not hasattr(e, "size"):
                continue
            lfs = getattr(e, "lfs", None)
            sha = getattr(lfs, "sha256", None) if lfs is not None else None
            files.append(RemoteFile(path, int(e.size), sha, self.file_url(repo_id, path, commit)))
        models: list[RemoteGguf] = []
        projectors: list[RemoteGguf] = []
        splits: dict[tuple[str, str, int], dict[int, RemoteFile]] = {}
        for f in files:
            folder, _, base = f.path.rpartition("/")
            if base.lower().startswith("mmproj"):
                projectors.append(RemoteGguf(parse_quant(base), (f,), is_projector=True))
                continue
            split = split_name(base)
            if split is None:
                models.append(RemoteGguf(parse_quant(base), (f,)))
            else:
                splits.setdefault((folder, split[0], split[2]), {})[split[1]] = f
        for (_folder, _stem, count), numbered in splits.items():
            parts = tuple(numbered[n] for n in sorted(numbered))
            complete = sorted(numbered) == list(range(1, count + 1))
            models.append(RemoteGguf(parse_quant(parts[0].path), parts, complete=complete))
        models.sort(key=lambda m: (-m.size, m.name))
        projectors.sort(key=lambda m: (-m.size, m.name))
        return RepoFiles(repo_id, commit, tuple(models), tuple(projectors))

    # -- headers --

    def read_header(
        self, file: RemoteFile, first_bytes: int = 1 << 20, limit: int = 64 << 20
    ) -> RemoteHeader:
        """Fetch the start of a remote GGUF with HTTP range requests (1 MiB, more if the header is
        longer, up to ``limit``) and check it as :func:`check_gguf` would check the whole file.

        As robust as the download itself: each read continues from where the bytes so far end
        (a dropped read keeps what arrived), and a dropped connection, a 5xx or a 429 is tried
        again ``HEADER_ATTEMPTS`` times with a growing pause before it counts.

        ``supported`` says whether this llama.cpp knows the architecture; other problems (not a
        GGUF, damaged) raise :class:`HubError` with ``NOT_GGUF``.
        """
        want = first_bytes
        what = f"The header of {file.path}"
        head = bytearray()
        failures = 0
        while True:
            want = min(want, file.size, limit)
            if len(head) < want:
                before = len(head)
                try:
                    self._call(what, self._read_range, file.url, want, head, what)
                except HubError as exc:
                    if exc.problem not in _TRANSIENT:
                        raise
                    if len(head) > before:  # a dropped read that brought bytes: go on at once
                        failures = 0
                        continue
                    failures += 1
                    if failures >= HEADER_ATTEMPTS:
                        raise
                    log.info("%s: %s; trying again", what, exc.detail or exc)
                    time.sleep(HEADER_RETRY_PAUSE_S * 2 ** (failures - 1))
                    continue
                if len(head) == before:  # an answer without the bytes asked for
                    failures += 1
                    if failures >= HEADER_ATTEMPTS:
                        raise HubError(
                            HubProblem.SERVER, f"{what} stopped arriving.", f"{before} bytes"
                        )
                    continue
                if len(head) < want:
                    continue  # the server sent less than asked: ask for the rest
            try:
                facts = check_gguf_prefix(bytes(head), file.size, last_path_part(file.path))
            except GgufNeedMoreBytes as more:
                if len(head) >= min(file.size, limit):
                    raise HubError(
                        HubProblem.NOT_GGUF, f"{what} is too long to read.", str(more)
                    ) from None
                want = max(more.needed, len(head) + 1)
                continue
            except GgufCheckError as exc:
                if exc.problem == "unsupported_architecture":
                    return RemoteHeader(
                        ModelFacts(architecture=_arch(exc.detail)), False, len(head)
                    )
                raise HubError(HubProblem.NOT_GGUF, str(exc), exc.detail) from None
            model_facts = facts_from_gguf(facts)
            return RemoteHeader(
                model_facts, model_facts.architecture in supported_architectures(), len(head)
            )

    def _read_range(self, url: str, stop: int, into: bytearray, what: str) -> None:
        """Appends bytes ``len(into)`` to ``stop`` of ``url`` to ``into`` as they arrive, so a
        dropped connection keeps what came. A server that ignores Range (200) starts over from
        byte 0, read up to ``stop`` only; any other status raises :class:`HubError`."""
        from huggingface_hub import get_session

        start = len(into)
        with get_session().stream(
            "GET",
            url,
            headers={"Range": f"bytes={start}-{stop - 1}", "Accept-Encoding": "identity"},
            timeout=self._timeout,
            follow_redirects=True,
        ) as r:
            if r.status_code not in (200, 206):
                body = b"".join(r.iter_raw())[:200] if r.status_code < 600 else b""
                raise _status_error(what, r.status_code, _detail(body))
            if r.status_code == 200:
                del into[:]  # the whole file from its first byte
            for chunk in r.iter_raw():
                into += chunk[: stop - len(into)]
                if len(into) >= stop:
                    break

    # -- choice --

    @staticmethod
    def fit(
        model: RemoteGguf,
        facts: ModelFacts | None,
        context_length: int,
        machine: MachineMemory,
        gpu_layers: int = 0,
    ) -> Fit:
        """The memory-fit mark of one file; ``facts`` from any quant of the repo (they share
        the shape) or None for a size-based guess."""
        return judge_fit(estimate_memory(model.size, facts, context_length, gpu_layers), machine)

    @classmethod
    def recommend(
        cls,
        files: RepoFiles,
        facts: ModelFacts | None,
        context_length: int,
        machine: MachineMemory,
        gpu_layers: int = 0,
    ) -> RemoteGguf | None:
        """The largest complete quant that fits comfortably (:attr:`Fit.FITS`); None if none does.

        Full-precision files (F32, F16, BF16) are only picked when nothing quantized is offered:
        at twice the size of Q8_0 they rarely answer better.
        """
        candidates = [m for m in files.models if m.complete]
        quantized = [m for m in candidates if m.quant not in ("F32", "F16", "BF16")]
        for pool in (quantized, candidates):
            fitting = [
                m
                for m in pool
                if cls.fit(m, facts, context_length, machine, gpu_layers) is Fit.FITS
            ]
            if fitting:
                return max(fitting, key=lambda m: m.size)
        return None


log = logging.getLogger(__name__)


def _status_error(what: str, status: int, detail: str) -> HubError:
    if status == 404:
        return HubError(HubProblem.NOT_FOUND, f"{what} was not found.", detail)
    if status in (401, 403):
        return HubError(HubProblem.GATED, f"{what} needs access granted on the website.", detail)
    if status == 429:
        return HubError(
            HubProblem.RATE_LIMITED, "The hub asks to slow down; try again in a minute.", detail
        )
    if status >= 500:
        return HubError(
            HubProblem.SERVER,
            f"The hub had a problem with {what.lower()} (error {status}).",
            detail,
        )
    return HubError(HubProblem.BAD_RESPONSE, f"{what}: unexpected answer {status}.", detail)


def _detail(body: bytes) -> str:
    """The start of an error answer's body, for the details shown with the error."""
    return body[:200].decode("utf-8", errors="replace")


def _arch(detail: str) -> str:
    match = re.search(r"'([^']*)'", detail)
    return match[1] if match else "unknown"


def _strip_front_matter(text: str) -> str:
    if text.startswith("---"):
        end = text.find("\n---", 3)
        if end != -1:
            return text[end + 4 :].lstrip("\n")
    return text

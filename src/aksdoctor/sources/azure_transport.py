"""azure-core transports: the read-only guard, and the replay of recorded Azure responses from a bundle.

Both sit under the real azure-mgmt / data-plane SDK clients, so the same Azure probe code serves
live and bundle mode (specs/bundle-format.md, "Azure responses").
"""

from __future__ import annotations

import http.client
import io
import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from azure.core.pipeline.transport import HttpTransport
from azure.core.pipeline.transport._base import HttpClientTransportResponse
from azure.core.rest import HttpRequest as RestHttpRequest
from azure.core.rest._http_response_impl import RestHttpClientTransportResponse

from ..errors import BundleError
from .readonly import ReadOnlyViolation

# Requests that are not GET but only acquire tokens: Entra ID token endpoints and the ACR token
# exchange (https://github.com/Azure/acr/blob/main/docs/AAD-OAuth.md). Everything else that is not a
# GET is refused before it leaves the process: aksdoctor is read-only.
_TOKEN_PATHS = (
    re.compile(r"^/[^/]+/oauth2(/v2\.0)?/token$"),  # login.microsoftonline.com/<tenant>/oauth2/v2.0/token
    re.compile(r"^/oauth2/(exchange|token)$"),  # <registry>.azurecr.io/oauth2/exchange | token
    re.compile(r"^/metadata/identity/oauth2/token$"),  # IMDS (managed identity)
)


def check_read_only(method: str, url: str) -> None:
    """Refuse any request but GET/HEAD, except token acquisition (see _TOKEN_PATHS)."""
    if method.upper() in ("GET", "HEAD"):
        return
    path = urlsplit(url).path
    if method.upper() == "POST" and any(p.match(path) for p in _TOKEN_PATHS):
        return
    raise ReadOnlyViolation(f"aksdoctor is read-only: refused {method.upper()} {urlsplit(url).netloc}{path}")


class ReadOnlyTransport(HttpTransport):
    """Wraps a transport and refuses every request that is not a read."""

    def __init__(self, inner: HttpTransport) -> None:
        self.inner = inner

    def send(self, request: Any, **kwargs: Any) -> Any:
        """Send only reads; raise ReadOnlyViolation for anything else."""
        check_read_only(request.method, request.url)
        return self.inner.send(request, **kwargs)

    def open(self) -> None:
        self.inner.open()

    def close(self) -> None:
        self.inner.close()

    def __enter__(self) -> ReadOnlyTransport:
        self.inner.__enter__()
        return self

    def __exit__(self, *args: Any) -> None:
        self.inner.__exit__(*args)


@dataclass
class Recording:
    """One recorded HTTP exchange from azure/*.jsonl."""

    method: str
    url: str
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    origin: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        """Method, host and decoded path, lower-cased: what replay matches on."""
        return _match_key(self.method, self.url)


def load_recordings(folder: Path) -> list[Recording]:
    """Read every azure/*.jsonl file of a bundle; malformed lines name file and line."""
    out: list[Recording] = []
    for path in sorted(folder.glob("*.jsonl")):
        text = _read_text(path)
        for lineno, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                out.append(_parse_recording(line, path, lineno))
    return out


class NoRecording(LookupError):
    """The bundle holds no response for this request: a missing capability, not an empty result."""


class ReplayTransport(HttpTransport):
    """Answers requests from recorded exchanges (method, host, path; api-version ignored)."""

    def __init__(self, recordings: list[Recording]) -> None:
        self._by_key: dict[tuple[str, str, str], list[Recording]] = {}
        for rec in recordings:
            self._by_key.setdefault(rec.key, []).append(rec)
        self._lock = threading.Lock()
        self.served: list[Recording] = []

    def send(self, request: Any, **kwargs: Any) -> Any:
        """Return the recorded response, or raise NoRecording."""
        rec = self._find(request.method, request.url)
        with self._lock:
            self.served.append(rec)
        raw = _raw_response(rec)
        sock_response = http.client.HTTPResponse(_BytesSocket(raw), method=request.method)
        sock_response.begin()
        if isinstance(request, RestHttpRequest):
            response = RestHttpClientTransportResponse(request=request, internal_response=sock_response)
            response.read()
            return response
        return HttpClientTransportResponse(request, sock_response)

    def _find(self, method: str, url: str) -> Recording:
        candidates = self._by_key.get(_match_key(method, url), [])
        query = _query(url)
        for rec in candidates:
            recorded = _query(rec.url)
            if all(query.get(k) == v for k, v in recorded.items()):
                return rec
        raise NoRecording(f"{method} {url}")

    def open(self) -> None:
        """Nothing to open."""

    def close(self) -> None:
        """Nothing to close."""

    def __enter__(self) -> ReplayTransport:
        return self

    def __exit__(self, *args: Any) -> None:
        return None


def _match_key(method: str, url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    path = unquote(parts.path).rstrip("/").lower()
    return method.upper(), host, path


def _query(url: str) -> dict[str, str]:
    return {k.lower(): v for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True) if k != "api-version"}


def _raw_response(rec: Recording) -> bytes:
    body = rec.body if isinstance(rec.body, str) else json.dumps(rec.body)
    payload = body.encode()
    reason = http.client.responses.get(rec.status, "Status")
    headers = {"Content-Type": "application/json; charset=utf-8", **rec.headers, "Content-Length": str(len(payload))}
    head = f"HTTP/1.1 {rec.status} {reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return head.encode("latin-1") + b"\r\n" + payload


class _BytesSocket:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def makefile(self, *_args: Any, **_kwargs: Any) -> io.BytesIO:
        return io.BytesIO(self._data)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise BundleError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise BundleError(f"{path}: cannot read ({exc.strerror})") from None


def _parse_recording(line: str, path: Path, lineno: int) -> Recording:
    where = f"{path}:{lineno}"
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BundleError(f"{where}: not a JSON object ({exc.msg})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("url"), str):
        raise BundleError(f'{where}: a recorded exchange needs at least "url" (and method, status, body)')
    status = raw.get("status", 200)
    if not isinstance(status, int) or not 100 <= status <= 599:
        raise BundleError(f'{where}: "status" must be an HTTP status code, got {status!r}')
    headers = raw.get("headers") or {}
    if not isinstance(headers, dict):
        raise BundleError(f'{where}: "headers" must be an object')
    return Recording(
        method=str(raw.get("method", "GET")),
        url=raw["url"],
        status=status,
        body=raw.get("body"),
        headers={str(k): str(v) for k, v in headers.items()},
        origin=where,
    )


__all__ = [
    "NoRecording",
    "ReadOnlyTransport",
    "ReadOnlyViolation",
    "Recording",
    "ReplayTransport",
    "check_read_only",
    "load_recordings",
]

"""azure-core transports: the read-only guard, and the replay of recorded Azure responses from a bundle.

Both sit under the real azure-mgmt / data-plane SDK clients, so the same Azure probe code serves
live and bundle mode (specs/bundle-format.md, "Azure responses").
"""

from __future__ import annotations

import http.client
import io
import json
import re
from typing import Any
from urllib.parse import urlsplit

from azure.core.pipeline.transport import HttpTransport
from azure.core.pipeline.transport._base import HttpClientTransportResponse
from azure.core.rest import HttpRequest as RestHttpRequest
from azure.core.rest._http_response_impl import RestHttpClientTransportResponse

from .readonly import ReadOnlyViolation
from .recordings import NoRecording, Recording, Recordings, load_recordings

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


class ReplayTransport(HttpTransport):
    """Answers requests from recorded exchanges (method, host, path; api-version ignored)."""

    def __init__(self, recordings: list[Recording] | Recordings) -> None:
        self.recordings = recordings if isinstance(recordings, Recordings) else Recordings(recordings)

    @property
    def served(self) -> list[Recording]:
        """The recordings answered so far, in order."""
        return self.recordings.served

    def send(self, request: Any, **kwargs: Any) -> Any:
        """Return the recorded response, or raise NoRecording."""
        rec = self.recordings.find(request.method, request.url)
        raw = _raw_response(rec)
        sock_response = http.client.HTTPResponse(_BytesSocket(raw), method=request.method)
        sock_response.begin()
        if isinstance(request, RestHttpRequest):
            response = RestHttpClientTransportResponse(request=request, internal_response=sock_response)
            response.read()
            return response
        return HttpClientTransportResponse(request, sock_response)

    def _find(self, method: str, url: str) -> Recording:
        return self.recordings.find(method, url)

    def open(self) -> None:
        """Nothing to open."""

    def close(self) -> None:
        """Nothing to close."""

    def __enter__(self) -> ReplayTransport:
        return self

    def __exit__(self, *args: Any) -> None:
        return None


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


__all__ = [
    "NoRecording",
    "ReadOnlyTransport",
    "ReadOnlyViolation",
    "Recording",
    "Recordings",
    "ReplayTransport",
    "check_read_only",
    "load_recordings",
]

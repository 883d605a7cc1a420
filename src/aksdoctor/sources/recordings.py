"""A bundle's recorded Azure exchanges (azure/*.jsonl) and how a request finds its recording; no azure-core here,
so a bundle's own reads of them (sources/azure.py ReplayAzure) import no SDK (specs/bundle-format.md)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from ..errors import BundleError

# Query parameters that name a page of a list (ARM nextLink, Key Vault, ACR Link): a request for a later page is
# answered only by a recording of that page.
_PAGE_TOKENS = frozenset({"$skiptoken", "skiptoken", "$skip", "last", "continuationtoken", "marker"})


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


class NoRecording(LookupError):
    """The bundle holds no response for this request: a missing capability, not an empty result."""


class Recordings:
    """Recorded exchanges by method, host and path (api-version ignored; recorded query parameters must match)."""

    def __init__(self, recordings: list[Recording]) -> None:
        self._by_key: dict[tuple[str, str, str], list[Recording]] = {}
        for rec in recordings:
            self._by_key.setdefault(rec.key, []).append(rec)
        self._lock = threading.Lock()
        self.served: list[Recording] = []

    def find(self, method: str, url: str) -> Recording:
        """The recording that answers this request, or NoRecording: its recorded query parameters all match (the
        request may have more, as SDKs add page sizes), the page token included (the first page does not answer
        for a later one); the one with the most matching parameters when several do."""
        query = _query(url)
        best: Recording | None = None
        best_size = -1
        for rec in self._by_key.get(_match_key(method, url), []):
            recorded = _query(rec.url)
            matches = all(query.get(k) == v for k, v in recorded.items())
            same_page = all(recorded.get(k) == query[k] for k in _PAGE_TOKENS & query.keys())
            if matches and same_page and len(recorded) > best_size:
                best, best_size = rec, len(recorded)
        if best is None:
            raise NoRecording(f"{method} {url}")
        with self._lock:
            self.served.append(best)
        return best


def load_recordings(folder: Path) -> list[Recording]:
    """Read every azure/*.jsonl file of a bundle; malformed lines name file and line."""
    out: list[Recording] = []
    for path in sorted(folder.glob("*.jsonl")):
        text = _read_text(path)
        for lineno, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                out.append(_parse_recording(line, path, lineno))
    return out


def _match_key(method: str, url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    path = unquote(parts.path).rstrip("/").lower()
    return method.upper(), host, path


def _query(url: str) -> dict[str, str]:
    return {k.lower(): v for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True) if k != "api-version"}


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


__all__ = ["NoRecording", "Recording", "Recordings", "load_recordings"]

"""Capture: record everything a run reads (Kubernetes objects, Azure exchanges) and write it as an evidence
bundle (specs/bundle-format.md). Replaying the bundle gives the same verdict. Secret values never reach it:
Secrets are stripped as they are read (sources.kube.normalize), and no request or response header is kept.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from ..errors import NotFound
from .azure_transport import _TOKEN_PATHS
from .resources import RESOURCES, Resource
from .scrub import scrub

REPORT_FILES = ("report.json", "report.md")


class RecordingKube:
    """Wraps a KubeReader and remembers what it returned and which (resource, namespace) it covered."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.mode = inner.mode
        self.context = inner.context
        self.default_namespace = getattr(inner, "default_namespace", "default")
        self.objects: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.covered: dict[str, set[str]] = defaultdict(set)
        self.logs_read: dict[tuple[str, str, str, bool], str] = {}
        self._lock = threading.Lock()

    def get(self, res: Resource, name: str, namespace: str | None = None) -> dict[str, Any]:
        """Get, and record the object (or that it does not exist)."""
        try:
            obj = self.inner.get(res, name, namespace)
        except NotFound:
            self._cover(res, namespace)
            raise
        self._keep(res, obj)
        self._cover(res, namespace)
        return obj

    def list(self, res: Resource, namespace: str | None = None, **kwargs: Any) -> list[dict[str, Any]]:
        """List, and record every item and that the list was read."""
        items = self.inner.list(res, namespace, **kwargs)
        for obj in items:
            self._keep(res, obj)
        self._cover(res, namespace)
        return items

    def logs(self, namespace: str, pod: str, container: str, *, previous: bool = False, tail: int = 200) -> str:
        """Logs, recorded under logs/<ns>/<pod>/<container>[.previous].log."""
        text = self.inner.logs(namespace, pod, container, previous=previous, tail=tail)
        with self._lock:
            # A crashing app often prints its connection string: the bundle keeps the tail scrubbed.
            self.logs_read[(namespace, pod, container, previous)] = scrub(text)
        return text

    def _keep(self, res: Resource, obj: dict[str, Any]) -> None:
        meta = obj.get("metadata") or {}
        with self._lock:
            self.objects[(res.key, meta.get("namespace") or "", str(meta.get("name", "")))] = obj

    def _cover(self, res: Resource, namespace: str | None) -> None:
        with self._lock:
            self.covered[res.key].add(namespace if res.namespaced and namespace else "*")


class RecordingTransport:
    """Wraps an azure-core transport and records each exchange as a bundle line (no headers kept)."""

    def __init__(self, inner: Any, sink: list[dict[str, Any]]) -> None:
        self.inner = inner
        self.exchanges = sink  # shared by every client's transport; list.append is atomic

    def send(self, request: Any, **kwargs: Any) -> Any:
        """Send, then keep method, URL, status and JSON body."""
        response = self.inner.send(request, **kwargs)
        if any(p.match(urlsplit(request.url).path) for p in _TOKEN_PATHS):
            return response  # token exchanges are never recorded
        try:
            body: Any = json.loads(response.body() or b"null")
        except (ValueError, UnicodeDecodeError):
            body = None
        self.exchanges.append(
            {"method": request.method, "url": request.url, "status": response.status_code, "body": body}
        )
        return response

    def open(self) -> None:
        self.inner.open()

    def close(self) -> None:
        self.inner.close()

    def __enter__(self) -> RecordingTransport:
        self.inner.__enter__()
        return self

    def __exit__(self, *args: Any) -> None:
        self.inner.__exit__(*args)


def write_bundle(
    out: Path,
    kube: RecordingKube,
    *,
    exchanges: list[dict[str, Any]],
    context: dict[str, str],
    report_json: str,
    report_md: str,
) -> list[Path]:
    """Write the bundle: kubernetes/<resource>.yaml, bundle.yaml, azure/*, logs/*, report.json and report.md."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    by_resource: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (key, _ns, _name), obj in sorted(kube.objects.items()):
        by_resource[key].append(obj)
    kdir = out / "kubernetes"
    kdir.mkdir(exist_ok=True)
    for key in sorted(set(by_resource) | set(kube.covered)):
        res = RESOURCES[key]
        doc = {"apiVersion": "v1", "kind": "List", "items": [_with_kind(o, res) for o in by_resource.get(key, [])]}
        written.append(_write(kdir / f"{key}.yaml", yaml.safe_dump(doc, sort_keys=False)))
    manifest = {"captured": {key: sorted(spaces) for key, spaces in sorted(kube.covered.items())}}
    written.append(_write(out / "bundle.yaml", yaml.safe_dump(manifest, sort_keys=False)))
    for (ns, pod, container, previous), text in sorted(kube.logs_read.items()):
        suffix = ".previous.log" if previous else ".log"
        written.append(_write(out / "logs" / ns / pod / f"{container}{suffix}", text))
    if exchanges or context:
        (out / "azure").mkdir(exist_ok=True)
        lines = [json.dumps(e, separators=(",", ":"), sort_keys=True) for e in _unique(exchanges)]
        written.append(_write(out / "azure" / "recorded.jsonl", "\n".join(lines) + ("\n" if lines else "")))
        if context:
            written.append(_write(out / "azure" / "context.json", json.dumps(context, indent=2) + "\n"))
    written.append(_write(out / "report.json", report_json))
    written.append(_write(out / "report.md", report_md))
    return written


def _with_kind(obj: dict[str, Any], res: Resource) -> dict[str, Any]:
    return {"apiVersion": obj.get("apiVersion", res.api_version), "kind": obj.get("kind", res.kind), **obj}


def _unique(exchanges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for e in exchanges:
        seen[(e["method"], e["url"])] = e
    return list(seen.values())


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


__all__ = ["REPORT_FILES", "RecordingKube", "RecordingTransport", "write_bundle"]

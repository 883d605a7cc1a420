"""Live-path helpers: serve a bundle's objects from the API server fixture, its Azure recordings via responses."""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import responses
import yaml
from responses import matchers

from aksdoctor.sources.azure import StaticCredential
from aksdoctor.sources.azure_transport import load_recordings
from apiserver import FakeApiServer


def bundle_objects(bundle: Path) -> list[dict[str, Any]]:
    """The Kubernetes objects of a bundle, as kubectl printed them (lists flattened)."""
    out: list[dict[str, Any]] = []
    for path in sorted(bundle.rglob("*")):
        rel = path.relative_to(bundle)
        if (
            rel.parts[0] in ("azure", "logs")
            or rel.as_posix() == "expected.json"
            or path.suffix not in (".yaml", ".yml", ".json")
            or not path.is_file()
        ):
            continue
        if rel.as_posix() in ("expected.json", "report.json"):
            continue
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if isinstance(doc, dict) and isinstance(doc.get("items"), list):
                out.extend(doc["items"])
            elif isinstance(doc, dict):
                out.append(doc)
    return out


@contextlib.contextmanager
def served(bundle: Path, tmp_path: Path, *, latency: float = 0.0) -> Iterator[tuple[FakeApiServer, str]]:
    """A running API server fixture holding the bundle's objects, and a kubeconfig for it."""
    server = FakeApiServer(bundle_objects(bundle), latency=latency).start()
    for log in sorted((bundle / "logs").rglob("*.log")) if (bundle / "logs").is_dir() else []:
        namespace, pod = log.parent.parent.name, log.parent.name
        container, previous = (
            log.name.removesuffix(".log").removesuffix(".previous"),
            log.name.endswith(".previous.log"),
        )
        server.set_log(namespace, pod, container, log.read_text(encoding="utf-8"), previous=previous)
    try:
        yield server, server.write_kubeconfig(tmp_path / "kubeconfig", context="fixture")
    finally:
        server.stop()


@contextlib.contextmanager
def azure_mock(
    bundle: Path, monkeypatch: Any, *, latency: float = 0.0, timings: list[tuple[float, float, str]] | None = None
) -> Iterator[responses.RequestsMock]:
    """Azure answered by `responses` from the bundle's recordings; the real SDK clients, a fake credential.

    With `latency`, every response waits that long; with `timings`, each request appends (sent, answered, url)
    in time.monotonic() seconds (the clock of the API server fixture) (benchmarks count the dependent Azure rounds from them).
    """
    import azure.identity

    monkeypatch.setattr(azure.identity, "DefaultAzureCredential", lambda **_: StaticCredential())
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        folder = bundle / "azure"
        for rec in load_recordings(folder) if folder.is_dir() else []:
            parts = urlsplit(rec.url)
            params = {k: v for k, v in parse_qsl(parts.query) if k != "api-version"}
            pattern = re.escape(f"{parts.scheme}://{parts.netloc}") + re.escape(parts.path).replace("%2F", "(?:%2F|/)")
            url = re.compile(pattern + r"(\?.*)?$", re.IGNORECASE)
            match = [matchers.query_param_matcher(params, strict_match=False)] if params else []
            if not latency and timings is None:
                mock.add(
                    rec.method,
                    url,
                    body=json.dumps(rec.body),
                    status=rec.status,
                    content_type="application/json",
                    match=match,
                )
                continue
            mock.add_callback(
                rec.method, url, callback=_answer(rec, latency, timings), content_type="application/json", match=match
            )
        yield mock


def _answer(rec: Any, latency: float, timings: list[tuple[float, float, str]] | None) -> Any:
    body = json.dumps(rec.body)

    def callback(request: Any) -> tuple[int, dict[str, str], str]:
        sent = time.monotonic()
        time.sleep(latency)
        if timings is not None:
            timings.append((sent, time.monotonic(), request.url))
        return rec.status, {}, body

    return callback

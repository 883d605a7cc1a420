"""Live-path helpers: serve a bundle's objects from the API server fixture, its Azure recordings via responses."""

from __future__ import annotations

import contextlib
import json
import re
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
        if rel.as_posix() == "expected.json":  # a test case's expectation, not cluster state
            continue
        if rel.as_posix() in ("expected.json", "report.json"):
            continue  # what the case expects and what a capture wrote: not cluster objects
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
def azure_mock(bundle: Path, monkeypatch: Any) -> Iterator[responses.RequestsMock]:
    """Azure answered by `responses` from the bundle's recordings; the real SDK clients, a fake credential."""
    import azure.identity

    monkeypatch.setattr(azure.identity, "DefaultAzureCredential", lambda **_: StaticCredential())
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        folder = bundle / "azure"
        for rec in load_recordings(folder) if folder.is_dir() else []:
            parts = urlsplit(rec.url)
            params = {k: v for k, v in parse_qsl(parts.query) if k != "api-version"}
            pattern = re.escape(f"{parts.scheme}://{parts.netloc}") + re.escape(parts.path).replace("%2F", "(?:%2F|/)")
            mock.add(
                rec.method,
                re.compile(pattern + r"(\?.*)?$", re.IGNORECASE),
                body=json.dumps(rec.body),
                status=rec.status,
                content_type="application/json",
                match=[matchers.query_param_matcher(params, strict_match=False)] if params else [],
            )
        yield mock

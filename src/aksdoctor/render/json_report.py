"""The JSON report (specs/json-output.md, schema docs/report.schema.json)."""

from __future__ import annotations

import json
from typing import Any

from .. import __version__
from ..model import Diagnosis

SCHEMA_VERSION = "1"


def report(diagnosis: Diagnosis) -> dict[str, Any]:
    """The report document for one diagnosis."""
    from .sanitize import sanitize

    diagnosis = sanitize(diagnosis)
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "aksdoctor", "version": __version__},
        "runbook": diagnosis.runbook,
        "title": diagnosis.title,
        "target": diagnosis.target.to_json(),
        "source": diagnosis.source.to_json(),
        "status": diagnosis.status.value,
        "causes": [c.to_json() for c in diagnosis.causes],
        "evidence": [e.to_json() for e in diagnosis.evidence],
        "gauges": [g.to_json() for g in diagnosis.gauges],
        "trace": [s.to_json() for s in diagnosis.trace],
        "skipped": [s.to_json() for s in diagnosis.skipped],
        "notes": list(diagnosis.notes),
        "started_at": diagnosis.started_at,
        "duration_ms": diagnosis.duration_ms,
    } | ({"routed": dict(diagnosis.routed)} if diagnosis.routed else {})


def render(diagnosis: Diagnosis) -> str:
    """The report as one JSON document."""
    return json.dumps(report(diagnosis), indent=2, ensure_ascii=False)


def render_line(diagnosis: Diagnosis) -> str:
    """The report as one line (`-o jsonl`): what log pipelines (Container Insights, Loki, `jq -c`) read."""
    return line(report(diagnosis))


def line(doc: dict[str, Any]) -> str:
    """A document as compact JSON on one line (newlines inside strings stay escaped)."""
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


__all__ = ["SCHEMA_VERSION", "line", "render", "render_line", "report"]

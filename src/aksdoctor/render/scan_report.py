"""scan output: findings grouped by cause (text), one report per finding (JSON), an incident document
(Markdown)."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from rich.console import Console
from rich.text import Text

from .. import __version__
from ..model import Diagnosis, ScanResult, Status
from ..scrub import clean
from . import json_report, markdown
from .text import command


def groups(result: ScanResult) -> list[dict[str, Any]]:
    """Findings grouped by cause id (or status when no cause), most objects first."""
    by_id: dict[str, list[Diagnosis]] = defaultdict(list)
    for finding in result.findings:
        by_id[finding.causes[0].id if finding.causes else finding.status.value].append(finding)
    out = []
    for cause_id, findings in by_id.items():
        pods = sorted({f"{f.target.namespace}/{f.target.name}" for f in findings if f.target.kind == "Pod"})
        workloads = sorted({f"{f.target.namespace}/{f.target.name}" for f in findings if f.target.kind == "Deployment"})
        first = findings[0]
        out.append(
            {
                "id": cause_id,
                "status": first.status.value,
                "count": len(findings),
                "objects": [
                    f"{f.target.kind}/{f.target.namespace}/{f.target.name}"
                    if f.target.namespace
                    else f"{f.target.kind}/{f.target.name}"
                    for f in findings
                ],
                "text": _describe(pods, workloads, findings),
                "fix": first_fix(first.causes[0].fix) if first.causes else "",
                "clusters": sorted({f.source.context for f in findings}),
            }
        )
    return sorted(out, key=lambda g: (g["status"] != "problem", -g["count"], g["id"]))


def render_json(result: ScanResult) -> str:
    """One document: the scope, what was read, the grouped summary, and one report per finding."""
    doc = {
        "schema_version": json_report.SCHEMA_VERSION,
        "tool": {"name": "aksdoctor", "version": __version__},
        "kind": "scan",
        "scope": result.scope,
        "scanned": result.scanned,
        "summary": groups(result),
        "findings": [json_report.report(f) for f in result.findings],
        "errors": list(result.errors),
        "started_at": result.started_at,
        "duration_ms": result.duration_ms,
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)


def render_jsonl(result: ScanResult) -> list[str]:
    """`-o jsonl`: one line per finding (`kind: "finding"`, the finding's report), then one summary line
    (`kind: "scan"`, the scan document without the findings) — one log record each in Container Insights or Loki."""
    lines = [
        json_report.line({"kind": "finding", "scan_started_at": result.started_at} | json_report.report(f))
        for f in result.findings
    ]
    summary = {
        "schema_version": json_report.SCHEMA_VERSION,
        "tool": {"name": "aksdoctor", "version": __version__},
        "kind": "scan",
        "scope": result.scope,
        "scanned": result.scanned,
        "summary": groups(result),
        "finding_count": len(result.findings),
        "errors": list(result.errors),
        "started_at": result.started_at,
        "duration_ms": result.duration_ms,
    }
    return [*lines, json_report.line(summary)]


def render_text(result: ScanResult, console: Console) -> None:
    """A table grouped by cause, then where the scan could not look."""
    scanned = _scanned(result)
    problems = sum(1 for f in result.findings if f.status is Status.PROBLEM)
    head = (
        "no problem found"
        if not result.findings
        else f"{problems} problem(s), {len(result.findings) - problems} inconclusive"
    )
    console.print(
        Text.assemble(
            (head, "bold red" if problems else "bold green"), f"  · scanned {scanned} · {result.duration_ms} ms"
        )
    )
    if result.findings:
        for group in groups(result):
            style = "red" if group["status"] == "problem" else "yellow"
            console.print()
            # Text, never markup: pod and container names come from the cluster ("[link=...]", "[/oops]").
            console.print(Text.assemble((clean(group["id"]), f"bold {style}"), "  ", clean(group["text"])))
            if group["fix"]:
                command(console, clean(group["fix"]))  # the whole first fix, on its own line: copies as it is
        console.print(
            Text(
                "run `aksdoctor diagnose NAME -n NS` for the full evidence of one object, or -o markdown for all",
                style="dim",
            )
        )
    for error in result.errors:
        console.print(Text(f"could not check: {clean(error)}", style="yellow"))


def render_markdown(result: ScanResult) -> str:
    """An incident-ready document: the summary table, then every finding."""
    lines = [f"# aksdoctor scan: {result.scope.get('namespace', '*')}", ""]
    lines += [f"- Scanned {_scanned(result)} at {result.started_at} in {result.duration_ms} ms", ""]
    if not result.findings:
        lines += ["**No problem found.**", ""]
    else:
        lines += ["| cause | where | first fix |", "|---|---|---|"]
        lines += [f"| `{g['id']}` | {g['text']} | `{g['fix']}` |" for g in groups(result)]
        lines.append("")
    for error in result.errors:
        lines.append(f"- Could not check: {error}")
    for finding in result.findings:
        lines += ["", markdown.render(finding)]
    return "\n".join(lines).rstrip() + "\n"


def _scanned(result: ScanResult) -> str:
    return ", ".join(f"{n} {k}" for k, n in result.scanned.items())


def _describe(pods: list[str], workloads: list[str], findings: list[Diagnosis]) -> str:
    parts = []
    if pods:
        parts.append(f"{len(pods)} pod{'s' if len(pods) != 1 else ''}: {_few(pods)}")
    if workloads:
        parts.append(f"{len(workloads)} deployment{'s' if len(workloads) != 1 else ''}: {_few(workloads)}")
    others = [f for f in findings if f.target.kind not in ("Pod", "Deployment")]
    if others:
        parts.append(", ".join(sorted({f"{f.target.kind.lower()} {f.target.name}" for f in others})))
    return "; ".join(parts)


def _few(names: list[str], n: int = 3) -> str:
    return ", ".join(names[:n]) + (f" (+{len(names) - n} more)" if len(names) > n else "")


__all__ = ["groups", "render_json", "render_markdown", "render_text"]


def first_fix(fixes: list[Any]) -> str:
    """The first command that fixes (not a read-only check); a check only when the cause has nothing else."""
    chosen = next((f for f in fixes if getattr(f, "kind", "fix") != "check"), fixes[0] if fixes else None)
    return chosen.command if chosen is not None else ""

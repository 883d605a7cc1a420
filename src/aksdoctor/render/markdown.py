"""An incident-ready Markdown section: summary, evidence table, fix commands, decision path."""

from __future__ import annotations

from ..model import Cause, Diagnosis, Status

_STATUS = {Status.PROBLEM: "Problem found", Status.HEALTHY: "Healthy", Status.INCONCLUSIVE: "Inconclusive"}


def render(diagnosis: Diagnosis) -> str:
    """The diagnosis as Markdown to paste into an incident."""
    from .sanitize import sanitize

    d = sanitize(diagnosis)
    lines = [f"## aksdoctor {d.runbook}: {d.target}", ""]
    lines += [f"**{_STATUS[d.status]}**" + (f": {d.causes[0].title} (`{d.causes[0].id}`)" if d.causes else ""), ""]
    if d.routed:
        lines += [f"- Routed by `diagnose` to `{d.routed['runbook']}`: {d.routed['reason']}"]
    lines += [
        f"- Source: {d.source.mode} `{d.source.context}`"
        + (f", cluster `{d.source.cluster}`" if d.source.cluster else "")
    ]
    lines += [f"- Checked at {d.started_at} in {d.duration_ms} ms", ""]
    if d.gauges:
        lines += ["| | used | of | % |", "|---|---:|---:|---:|"]
        lines += [
            f"| {_cell(g.label)} | {g.value:g}{g.unit} | {g.limit:g}{g.unit} | {g.percent:g}% |" for g in d.gauges
        ]
        lines.append("")
    for cause in d.causes:
        lines += _cause(cause, level=3)
    if not d.causes and d.evidence:
        lines += ["### What was seen", "", *_evidence_table(d.evidence), ""]
    if d.notes:
        lines += ["### Notes", "", *[f"- {_inline(n)}" for n in d.notes], ""]
    if d.skipped:
        lines += ["### Could not check", "", "| probe | reason | how to allow it |", "|---|---|---|"]
        lines += [f"| `{s.probe}` | {_cell(s.reason)} | {_cell(s.grant)} |" for s in d.skipped]
        lines.append("")
    lines += ["### Decision path", ""]
    lines += [f"{i}. `{s.probe}` → **{s.outcome}** ({s.duration_ms} ms)" for i, s in enumerate(d.trace, 1)]
    return "\n".join(lines).rstrip() + "\n"


def _cause(cause: Cause, *, level: int) -> list[str]:
    hashes = "#" * level
    out = [f"{hashes} {cause.title}", "", f"`{cause.id}` · confidence {cause.confidence}", "", cause.summary, ""]
    if cause.evidence:
        out += ["**Evidence**", "", *_evidence_table(cause.evidence), ""]
    if cause.fix:
        out += ["**Fix**", ""]
        for fix in cause.fix:
            if fix.explain:
                label = "Check: " if fix.kind == "check" else ""
                text = f"{label}{fix.explain}" if label else f"{fix.explain[0].upper()}{fix.explain[1:]}"
                out.append(f"{text}:")
            out += ["", "```sh", fix.command, "```", ""]
    if cause.docs:
        out += [f"Docs: {cause.docs}", ""]
    for nested in cause.nested:
        out += _cause(nested, level=min(level + 1, 6))
    return out


def _evidence_table(evidence: list) -> list[str]:
    rows = ["| probe | fact | source |", "|---|---|---|"]
    rows += [f"| `{e.probe}` | {_cell(e.fact)} | {_cell(e.source)} |" for e in evidence]
    return rows


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|") or "—"


def _inline(text: str) -> str:
    return " ".join(str(text).split())


__all__ = ["render"]

"""The rich text report: a panel with cause, evidence and fix; the decision path as a tree."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from ..model import Cause, Diagnosis, Status

_STYLE = {Status.PROBLEM: "red", Status.HEALTHY: "green", Status.INCONCLUSIVE: "yellow"}
_WORD = {Status.PROBLEM: "PROBLEM", Status.HEALTHY: "HEALTHY", Status.INCONCLUSIVE: "INCONCLUSIVE"}


def render(diagnosis: Diagnosis, console: Console) -> None:
    """Print the diagnosis for a person at a terminal."""
    from .redact import sanitize

    d = sanitize(diagnosis)
    style = _STYLE[d.status]
    head = Text.assemble((f"{_WORD[d.status]}", f"bold {style}"), f"  {d.runbook} · {d.target}")
    console.print(head)
    if d.routed:
        console.print(Text(f"diagnose chose {d.routed['runbook']}: {d.routed['reason']}", style="bold"))
    if d.gauges:
        console.print(_gauges(d))
    for cause in d.causes:
        console.print(_cause_panel(cause, style))
    if not d.causes:
        console.print(_seen(d))
    if d.notes:
        for note in d.notes:
            console.print(Text(f"note: {note}", style="dim"))
    if d.skipped:
        console.print(_skipped(d))
    console.print(_path(d))
    where = f"{d.source.mode} {d.source.context}" + (f" · {d.source.cluster}" if d.source.cluster else "")
    console.print(Text(f"{where} · {d.duration_ms} ms", style="dim"))


def _cause_panel(cause: Cause, style: str) -> Panel:
    parts: list = [Text(cause.summary), Text("")]
    if cause.evidence:
        parts.append(Text("evidence", style="bold"))
        parts += _fact_lines(cause.evidence)
        parts.append(Text(""))
    for fix in cause.fix:
        if fix.explain:
            parts.append(Text(f"# {fix.explain}", style="dim"))
        parts.append(Text(f"$ {fix.command}", style="bold cyan"))
    if cause.docs:
        parts += [Text(""), Text(f"docs: {cause.docs}", style="dim")]
    for nested in cause.nested:
        parts += [Text(""), _cause_panel(nested, style)]
    title = Text.assemble((cause.title, f"bold {style}"), f"  [{cause.id} · {cause.confidence}]")
    return Panel(Group(*parts), title=title, title_align="left", border_style=style)


def _seen(d: Diagnosis) -> Group:
    return Group(Text("what was seen", style="bold"), *_fact_lines(d.evidence))


def _fact_lines(facts: list) -> list[Text]:
    lines = []
    for fact in facts:
        lines.append(Text.assemble("• ", fact.fact))
        if fact.source:
            lines.append(Text(f"  {fact.source}", style="dim"))
    return lines


def _gauges(d: Diagnosis) -> Table:
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column("label")
    table.add_column("bar")
    table.add_column("figure", justify="right")
    for g in d.gauges:
        filled = min(20, round(g.percent / 5))
        color = "red" if g.percent >= 90 else "yellow" if g.percent >= 70 else "green"
        bar = Text.assemble(("█" * filled, color), ("░" * (20 - filled), "dim"))
        table.add_row(Text(g.label), bar, f"{g.percent:5.1f}%  {g.value:g}/{g.limit:g}{g.unit}")
    return table


def _skipped(d: Diagnosis) -> Table:
    table = Table(title="could not check", title_justify="left", title_style="yellow", box=None)
    table.add_column("probe", style="yellow")
    table.add_column("reason")
    table.add_column("how to allow it", style="dim")
    for s in d.skipped:
        table.add_row(Text(s.probe), Text(s.reason), Text(s.grant))
    return table


def _path(d: Diagnosis) -> Tree:
    tree = Tree(Text("decision path", style="bold"))
    node = tree
    for step in d.trace:
        label = Text.assemble(
            step.question or step.probe, " → ", (step.outcome, "bold"), (f"  {step.probe} {step.duration_ms} ms", "dim")
        )
        node = node.add(label)
    return tree


__all__ = ["render"]

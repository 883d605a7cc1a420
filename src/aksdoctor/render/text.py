"""The rich text report, laid out for the person who acts on it at 3 a.m.

The first screen holds the verdict, each cause's headline and its fix commands; the evidence, gauges, skips and the
decision path follow. Fix commands are printed on lines of their own, with no border, prefix or inserted line break
(soft wrap: the terminal folds a long one, and a triple-click or a selection copies exactly the command).
"""

from __future__ import annotations

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from ..model import Cause, Diagnosis, Status

_STYLE = {Status.PROBLEM: "red", Status.HEALTHY: "green", Status.INCONCLUSIVE: "yellow"}
_WORD = {Status.PROBLEM: "PROBLEM", Status.HEALTHY: "HEALTHY", Status.INCONCLUSIVE: "INCONCLUSIVE"}


def render(diagnosis: Diagnosis, console: Console, *, verbose: bool = False) -> None:
    """Print the diagnosis for a person at a terminal (per-probe timings only when verbose)."""
    from .sanitize import sanitize

    d = sanitize(diagnosis)
    style = _STYLE[d.status]
    console.print(Text.assemble((f"{_WORD[d.status]}", f"bold {style}"), f"  {d.runbook} · {d.target}"))
    if d.routed:
        console.print(Text(f"diagnose chose {d.routed['runbook']}: {d.routed['reason']}", style="bold"))
    for cause in d.causes:
        _action(cause, style, console, depth=0)
    for cause in d.causes:
        _evidence(cause, console)
    if not d.causes:
        console.print(_seen(d))
    if d.gauges:
        console.print(_gauges(d))
    for note in d.notes:
        console.print(Text(f"note: {note}", style="dim"))
    if d.skipped:
        console.print(_skipped(d))
    console.print(_path(d, verbose=verbose))
    where = f"{d.source.mode} {d.source.context}" + (f" · {d.source.cluster}" if d.source.cluster else "")
    console.print(Text(f"{where} · {d.duration_ms} ms", style="dim"))


def _action(cause: Cause, style: str, console: Console, *, depth: int) -> None:
    """The cause's headline, what it means, and its fixes; nested causes (the deeper reason) right after."""
    lead = "  " * depth
    console.print()
    kind = "CAUSE" if depth == 0 else "BECAUSE"
    console.print(
        Text.assemble(
            lead, (f"{kind}  ", f"bold {style}"), (cause.title, "bold"), f"  [{cause.id} · {cause.confidence}]"
        )
    )
    console.print(Text(lead + cause.summary))
    if cause.fix:
        console.print(Text(f"{lead}fix:", style="bold"))
    for fix in cause.fix:
        label = "check: " if fix.kind == "check" else ""
        if fix.explain or label:
            console.print(Text(f"# {label}{fix.explain}".rstrip(": "), style="dim"))
        command(console, fix.command)
    for nested in cause.nested:
        _action(nested, style, console, depth=depth + 1)


def command(console: Console, text: str) -> None:
    """One runnable command on a line of its own: no prefix, no border, never broken by the renderer."""
    console.print(Text(text, style="bold cyan"), soft_wrap=True, overflow="ignore", crop=False)


def _evidence(cause: Cause, console: Console) -> None:
    if cause.evidence:
        console.print()
        console.print(Text(f"evidence for {cause.id}", style="bold"))
        console.print(Group(*_fact_lines(cause.evidence)))
    if cause.docs:
        console.print(Text(f"docs: {cause.docs}", style="dim"), soft_wrap=True)
    for nested in cause.nested:
        _evidence(nested, console)


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
    table.add_column("label", overflow="fold", ratio=1)
    table.add_column("bar", no_wrap=True, width=20)
    table.add_column("figure", justify="right", no_wrap=True)
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


def _path(d: Diagnosis, *, verbose: bool) -> Tree:
    tree = Tree(Text("decision path", style="bold"))
    node = tree
    for step in d.trace:
        timing = (f"  {step.probe} {step.duration_ms} ms", "dim") if verbose else ""
        node = node.add(Text.assemble(step.question or step.probe, " → ", (step.outcome, "bold"), timing))
    return tree


__all__ = ["command", "render"]

"""What every diagnosis command shares on typer's side: the common flags as typer options, and the decorator
that gives a command them. The rest (Flags, running, rendering, exit codes) is in cli/running.py, re-exported here."""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from . import running
from .running import (
    Flags,
    Output,
    deadline_of,
    diagnose_kind,
    error_document,
    guarded,
    kind_of,
    log,
    open_sources,
    print_report,
    run_diagnosis,
    split_target,
    stdout_console,
)

Namespace = Annotated[
    str | None, typer.Option("--namespace", "-n", help="Namespace (default: the context's, or 'default').")
]
Context = Annotated[str | None, typer.Option("--context", help="kubeconfig context (default: current-context).")]
Kubeconfig = Annotated[
    str | None,
    typer.Option("--kubeconfig", envvar="KUBECONFIG", help="Path to the kubeconfig (default: ~/.kube/config)."),
]
OutputOpt = Annotated[
    Output,
    typer.Option(
        "--output",
        "-o",
        help="text, json (for automation), jsonl (one line per document: log pipelines) or markdown (incidents).",
    ),
]
Subscription = Annotated[
    str | None, typer.Option("--subscription", help="Azure subscription of the cluster (default: from the nodes).")
]
ResourceGroup = Annotated[str | None, typer.Option("--resource-group", "-g", help="Resource group of the AKS cluster.")]
Cluster = Annotated[
    str | None, typer.Option("--cluster", help="Name of the AKS cluster (default: found from the nodes).")
]
Bundle = Annotated[
    Path | None,
    typer.Option("--bundle", help="Read an evidence bundle folder instead of the live cluster.", file_okay=False),
]
Timeout = Annotated[float, typer.Option("--timeout", min=1.0, help="Overall deadline in seconds.")]
NoAzure = Annotated[bool, typer.Option("--no-azure", help="Skip every Azure probe (Kubernetes only).")]
Verbose = Annotated[
    int, typer.Option("--verbose", "-v", count=True, help="Log each Kubernetes API request to stderr (live runs).")
]
Debug = Annotated[bool, typer.Option("--debug", help="Show the traceback of an unexpected error.")]
Redact = Annotated[
    bool,
    typer.Option("--redact", help="Replace names, ids, IPs and registry hosts with placeholders, to share the report."),
]

_COMMON_OPTIONS: dict[str, tuple[Any, Any]] = {
    "namespace": (Namespace, None),
    "context": (Context, None),
    "kubeconfig": (Kubeconfig, None),
    "output": (OutputOpt, Output.text),
    "subscription": (Subscription, None),
    "resource_group": (ResourceGroup, None),
    "cluster": (Cluster, None),
    "bundle": (Bundle, None),
    "timeout": (Timeout, 60.0),
    "no_azure": (NoAzure, False),
    "verbose": (Verbose, 0),
    "debug": (Debug, False),
    "redact": (Redact, False),
}


def with_common_options(*, skip: tuple[str, ...] = (), defaults: dict[str, Any] | None = None) -> Callable[[Any], Any]:
    """Give a command the common flags: it declares its own arguments and takes `flags: Flags` for the rest.

    Every command gets the same options with the same help (no drift between commands); `skip` leaves some
    out (nodecpu has no namespace), `defaults` changes a default (scan's longer timeout).
    """

    def decorate(fn: Any) -> Any:
        hints = typing.get_type_hints(fn, include_extras=True)
        own = [
            p.replace(annotation=hints.get(p.name, p.annotation))
            for p in inspect.signature(fn).parameters.values()
            if p.name != "flags"
        ]
        taken = {p.name for p in own}
        added = [
            inspect.Parameter(
                name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=(defaults or {}).get(name, default)
            )
            for name, (annotation, default) in _COMMON_OPTIONS.items()
            if name not in skip and name not in taken
        ]
        names = {p.name for p in added}

        @functools.wraps(fn)
        def command(**kwargs: Any) -> Any:
            running.command_started()
            flags = Flags(**{k: kwargs.pop(k) for k in list(kwargs) if k in names})
            return fn(**kwargs, flags=flags)

        del command.__wrapped__  # typer reads the new signature, not fn's
        command.__signature__ = inspect.Signature([*own, *added])  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in [*own, *added]}
        return command

    return decorate


def diagnose(runbook_id: str, kind: str, name: str, flags: Flags, *, extra: dict[str, Any] | None = None) -> None:
    """Run one runbook on one object, print the report, exit with the contract's code."""
    raise typer.Exit(running.diagnosis_code(runbook_id, kind, name, flags, extra))


__all__ = [
    "Flags",
    "Output",
    "deadline_of",
    "diagnose",
    "diagnose_kind",
    "error_document",
    "guarded",
    "kind_of",
    "log",
    "open_sources",
    "print_report",
    "run_diagnosis",
    "split_target",
    "stdout_console",
    "with_common_options",
]

"""`aksdoctor nodecpu [NODE]`: nodes at or above a CPU threshold, who burns it, and why capacity did not follow."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from . import common

Threshold = Annotated[
    float,
    typer.Option(
        "--threshold", min=1.0, max=100.0, help="CPU usage, in percent of allocatable, that makes a node hot."
    ),
]


def nodecpu(
    node: Annotated[
        str | None,
        typer.Argument(help="The node to examine (default: every node at or above the threshold).", show_default=False),
    ] = None,
    threshold: Threshold = 90.0,
    context: common.Context = None,
    kubeconfig: common.Kubeconfig = None,
    output: common.OutputOpt = common.Output.text,
    subscription: common.Subscription = None,
    resource_group: common.ResourceGroup = None,
    cluster: common.Cluster = None,
    bundle: common.Bundle = None,
    timeout: common.Timeout = 60.0,
    no_azure: common.NoAzure = False,
    verbose: common.Verbose = 0,
    debug: common.Debug = False,
) -> None:
    """Why nodes run at or above --threshold CPU: the pods burning it, and why capacity did not follow."""
    flags = common.Flags(
        context=context,
        kubeconfig=kubeconfig,
        output=output,
        subscription=subscription,
        resource_group=resource_group,
        cluster=cluster,
        bundle=bundle,
        timeout=timeout,
        no_azure=no_azure,
        verbose=verbose,
        debug=debug,
    )
    kind, name = ("Node", node) if node else ("Cluster", "all-nodes")
    if verbose:
        common._logging(verbose)  # common.diagnose would set a namespace on the target (see _diagnose)
    code = common.guarded(lambda: _diagnose(kind, name, flags, {"threshold": threshold}), debug=debug)
    raise typer.Exit(int(code))


def _diagnose(kind: str, name: str, flags: common.Flags, extra: dict[str, Any]) -> Any:
    """common._diagnose for a cluster-scoped target: the same run, with no namespace on the target."""
    from ..engine import Engine
    from ..errors import UsageError
    from ..model import Target
    from ..probes import PROBES
    from ..runbook import load_all
    from ..sources.evidence import Evidence, Options

    if not name or name.startswith("-"):
        raise UsageError(f"{kind.lower()} name {name!r} is not valid")
    kube, azure, source = common.open_sources(flags)
    options = Options(
        subscription=flags.subscription,
        resource_group=flags.resource_group,
        cluster=flags.cluster,
        timeout=flags.timeout,
        extra=extra,
    )
    ev = Evidence(kube=kube, azure=azure, target=Target(kind=kind, name=name), options=options)
    engine = Engine(PROBES, load_all(PROBES))
    diagnosis = engine.run("nodecpu", ev, source=source)
    common.print_report(diagnosis, flags.output)
    return diagnosis.exit_status


__all__ = ["nodecpu"]

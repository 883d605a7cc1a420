"""`aksdoctor nodecpu [NODE]`: nodes at or above a CPU threshold, who burns it, and why capacity did not follow."""

from __future__ import annotations

from typing import Annotated

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
    redact: common.Redact = False,
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
        redact=redact,
    )
    kind, name = ("Node", node) if node else ("Cluster", "all-nodes")
    common.diagnose("nodecpu", kind, name, flags, extra={"threshold": threshold})


__all__ = ["nodecpu"]

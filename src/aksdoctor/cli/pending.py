"""`aksdoctor pending POD`: why a pod is not running yet."""

from __future__ import annotations

from typing import Annotated

import typer

from . import common


def pending(
    pod: Annotated[str, typer.Argument(help="The pod that stays Pending.", show_default=False)],
    namespace: common.Namespace = None,
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
    """Why a pod stays Pending (not scheduled, or scheduled but not starting), and the fix."""
    flags = common.Flags(
        namespace=namespace,
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
    common.diagnose("pending", "Pod", pod, flags)


__all__ = ["pending"]

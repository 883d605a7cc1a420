"""`aksdoctor diagnose POD|deploy/NAME`: look at the object and run the runbook that fits."""

from __future__ import annotations

from typing import Annotated

import typer

from . import common, completion


def diagnose(
    target: Annotated[
        str,
        typer.Argument(
            autocompletion=completion.pods,
            help="A pod (NAME or pod/NAME) or a Deployment (deploy/NAME).",
            show_default=False,
        ),
    ],
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
    redact: common.Redact = False,
) -> None:
    """Start here: picks imagepull, pending, keyvault or rollout for the object, says which and why."""
    flags = common.Flags(
        namespace=namespace, context=context, kubeconfig=kubeconfig, output=output, subscription=subscription,
        resource_group=resource_group, cluster=cluster, bundle=bundle, timeout=timeout, no_azure=no_azure,
        verbose=verbose, debug=debug, redact=redact,
    )  # fmt: skip
    # TYPE/NAME: any workload kind goes to rollout (split_target checks it); a bare name is a pod
    kind = "Deployment" if "/" in target and target.split("/", 1)[0].lower() not in ("po", "pod", "pods") else "Pod"
    common.diagnose("diagnose", kind, target, flags)


__all__ = ["diagnose"]

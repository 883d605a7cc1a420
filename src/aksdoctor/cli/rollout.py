"""`aksdoctor rollout DEPLOYMENT`: why a Deployment's rollout does not complete."""

from __future__ import annotations

from typing import Annotated

import typer

from . import common, completion


def rollout(
    deployment: Annotated[
        str,
        typer.Argument(
            autocompletion=completion.deployments,
            help="The Deployment: NAME, deploy/NAME or deployment/NAME.",
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
    """Why a Deployment's rollout is stuck: paused, quota, admission, pull, pending, crash, OOM, probes."""
    flags = common.Flags(
        namespace=namespace, context=context, kubeconfig=kubeconfig, output=output, subscription=subscription,
        resource_group=resource_group, cluster=cluster, bundle=bundle, timeout=timeout, no_azure=no_azure,
        verbose=verbose, debug=debug, redact=redact,
    )  # fmt: skip
    common.diagnose("rollout", "Deployment", deployment, flags)


__all__ = ["rollout"]

"""`aksdoctor imagepull POD`: why a container cannot pull its image."""

from __future__ import annotations

from typing import Annotated

import typer

from . import common, completion


def imagepull(
    pod: Annotated[
        str,
        typer.Argument(
            autocompletion=completion.pods, help="The pod whose container cannot pull its image.", show_default=False
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
    """Why a container waits in ErrImagePull / ImagePullBackOff / InvalidImageName, and the fix."""
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
        redact=redact,
    )
    common.diagnose("imagepull", "Pod", pod, flags)


__all__ = ["imagepull"]

"""`aksdoctor keyvault POD [--vault NAME]`: why a pod cannot get its Key Vault secrets."""

from __future__ import annotations

from typing import Annotated

import typer

from . import common

Vault = Annotated[
    str | None,
    typer.Option(
        "--vault",
        help="The vault a pod calls from its own code (name or resource id); pods with a secrets-store CSI "
        "volume need none.",
    ),
]


def keyvault(
    pod: Annotated[str, typer.Argument(help="The pod that cannot get its secrets.", show_default=False)],
    namespace: common.Namespace = None,
    vault: Vault = None,
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
    """Why a pod cannot get its Key Vault secrets: CSI driver, identity, federation, RBAC, network, secrets."""
    flags = common.Flags(
        namespace=namespace, context=context, kubeconfig=kubeconfig, output=output, subscription=subscription,
        resource_group=resource_group, cluster=cluster, bundle=bundle, timeout=timeout, no_azure=no_azure,
        verbose=verbose, debug=debug, redact=redact,
    )  # fmt: skip
    common.diagnose("keyvault", "Pod", pod, flags, extra={"vault": vault} if vault else {})


__all__ = ["keyvault"]

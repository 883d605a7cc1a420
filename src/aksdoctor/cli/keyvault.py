"""`aksdoctor keyvault POD [--vault NAME]`: why a pod cannot get its Key Vault secrets."""

from __future__ import annotations

from typing import Annotated

import typer

from . import common, completion

Vault = Annotated[
    str | None,
    typer.Option(
        "--vault",
        help="The vault a pod calls from its own code (name or resource id); pods with a secrets-store CSI "
        "volume need none.",
    ),
]


@common.with_common_options()
def keyvault(
    pod: Annotated[
        str,
        typer.Argument(autocompletion=completion.pods, help="The pod that cannot get its secrets.", show_default=False),
    ],
    flags: common.Flags,
    vault: Vault = None,
) -> None:
    """Why a pod cannot get its Key Vault secrets: CSI driver, identity, federation, RBAC, network, secrets."""
    common.diagnose("keyvault", "Pod", pod, flags, extra={"vault": vault} if vault else {})


__all__ = ["keyvault"]

"""`aksdoctor upgrade [--pool P]`: what stops, or would stop, an AKS upgrade or drain of the cluster's pools."""

from __future__ import annotations

from typing import Annotated

import typer

from . import common

PoolOption = Annotated[
    str | None,
    typer.Option("--pool", help="The node pool to check (default: every pool).", show_default=False),
]


@common.with_common_options(skip=("namespace",))
def upgrade(flags: common.Flags, pool: PoolOption = None) -> None:
    """What blocks, or would block, an upgrade of the pools: PDBs, subnet, quota, failed operations, drain refusals."""
    common.diagnose("upgrade", "Cluster", pool or "all-pools", flags, extra={"pool": pool or ""})


__all__ = ["upgrade"]

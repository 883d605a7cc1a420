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


@common.with_common_options(skip=("namespace",))
def nodecpu(
    flags: common.Flags,
    node: Annotated[
        str | None,
        typer.Argument(help="The node to examine (default: every node at or above the threshold).", show_default=False),
    ] = None,
    threshold: Threshold = 90.0,
) -> None:
    """Why nodes run at or above --threshold CPU: the pods burning it, and why capacity did not follow."""
    kind, name = ("Node", node) if node else ("Cluster", "all-nodes")
    common.diagnose("nodecpu", kind, name, flags, extra={"threshold": threshold})


__all__ = ["nodecpu"]

"""`aksdoctor node NODE`: why a node is NotReady, under pressure, or left cordoned, and what it left behind."""

from __future__ import annotations

from typing import Annotated

import typer

from . import common, completion


@common.with_common_options(skip=("namespace",))
def node(
    flags: common.Flags,
    name: Annotated[
        str,
        typer.Argument(
            metavar="node",
            autocompletion=completion.nodes,
            help="The node to examine (NAME or node/NAME).",
            show_default=False,
        ),
    ],
) -> None:
    """Why a node is NotReady, under pressure or left cordoned; pods and volumes it left stuck."""
    common.diagnose("node", "Node", name, flags)


__all__ = ["node"]

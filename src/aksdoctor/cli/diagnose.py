"""`aksdoctor diagnose POD|deploy/NAME`: look at the object and run the runbook that fits."""

from __future__ import annotations

from typing import Annotated

import typer

from . import common, completion


@common.with_common_options()
def diagnose(
    target: Annotated[
        str,
        typer.Argument(
            autocompletion=completion.pods,
            help="A pod (NAME or pod/NAME), a workload (deploy/NAME, sts/NAME, ds/NAME) or a Service (svc/NAME).",
            show_default=False,
        ),
    ],
    flags: common.Flags,
) -> None:
    """Start here: picks imagepull, pending, keyvault, rollout or service for the object, says which and why."""
    common.diagnose("diagnose", common.diagnose_kind(target), target, flags)


__all__ = ["diagnose"]

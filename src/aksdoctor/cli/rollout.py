"""`aksdoctor rollout DEPLOYMENT`: why a Deployment's rollout does not complete."""

from __future__ import annotations

from typing import Annotated

import typer

from . import common, completion


@common.with_common_options()
def rollout(
    workload: Annotated[
        str,
        typer.Argument(
            autocompletion=completion.deployments, help="NAME or deploy/NAME, sts/NAME, ds/NAME.", show_default=False
        ),
    ],
    flags: common.Flags,
) -> None:
    """Why a rollout is stuck (Deployment, StatefulSet, DaemonSet): paused, quota, admission, pull, pending,
    crash, OOM, probes."""
    common.diagnose("rollout", "Deployment", workload, flags)


__all__ = ["rollout"]

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
    # TYPE/NAME: any workload kind goes to rollout (split_target checks it); a bare name is a pod
    prefix = target.split("/", 1)[0].lower() if "/" in target else ""
    kind = "Pod" if prefix in ("", "po", "pod", "pods") else "Deployment"
    declared = common.kind_of(prefix) if prefix else None
    kind = declared if declared and declared not in ("Pod", "Deployment", "StatefulSet", "DaemonSet") else kind
    common.diagnose("diagnose", kind, target, flags)


__all__ = ["diagnose"]

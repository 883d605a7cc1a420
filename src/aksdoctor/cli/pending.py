"""`aksdoctor pending POD`: why a pod is not running yet."""

from __future__ import annotations

from typing import Annotated

import typer

from . import common, completion


@common.with_common_options()
def pending(
    pod: Annotated[
        str, typer.Argument(autocompletion=completion.pods, help="The pod that stays Pending.", show_default=False)
    ],
    flags: common.Flags,
) -> None:
    """Why a pod stays Pending (not scheduled, or scheduled but not starting), and the fix."""
    common.diagnose("pending", "Pod", pod, flags)


__all__ = ["pending"]

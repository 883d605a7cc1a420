"""`aksdoctor imagepull POD`: why a container cannot pull its image."""

from __future__ import annotations

from typing import Annotated

import typer

from . import common, completion


@common.with_common_options()
def imagepull(
    pod: Annotated[
        str,
        typer.Argument(
            autocompletion=completion.pods, help="The pod whose container cannot pull its image.", show_default=False
        ),
    ],
    flags: common.Flags,
) -> None:
    """Why a container waits in ErrImagePull / ImagePullBackOff / InvalidImageName, and the fix."""
    common.diagnose("imagepull", "Pod", pod, flags)


__all__ = ["imagepull"]

"""`aksdoctor service SVC`: why a Service is unreachable or fails intermittently."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from . import common


@common.with_common_options()
def service(
    svc: Annotated[str, typer.Argument(help="The Service (NAME or svc/NAME).", show_default=False)],
    flags: common.Flags,
    caller: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="The calling pod (NS/POD, or POD in the Service's namespace): NetworkPolicies are judged for it.",
        ),
    ] = None,
) -> None:
    """Why a Service is unreachable or fails intermittently: DNS, the Service, its endpoints, the datapath."""
    if caller is not None and (not caller.strip("/") or caller.count("/") > 1):
        raise typer.Exit(int(common.guarded(lambda: _bad_caller(caller))))
    common.diagnose("service", "Service", svc, flags, extra={"from": caller} if caller else {})


def _bad_caller(caller: str) -> Any:
    from ..errors import UsageError

    raise UsageError(f"--from {caller!r} is not NS/POD or POD", hint="e.g. --from web/frontend-7d9f-x2x")


__all__ = ["service"]

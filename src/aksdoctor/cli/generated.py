"""Commands generated from runbook data: a runbook that declares `command:` (summary, argument help, options that
reach its probes as `ev.options.extra`) gets `aksdoctor RUNBOOK TARGET [options]` with the common flags, without a
hand-written module. Commands written by hand (cli/<name>.py) keep their own module and win."""

from __future__ import annotations

import inspect
import re
from typing import Annotated, Any

import typer

from . import common


def register(app: typer.Typer) -> None:
    """Mount a command for every runbook that declares one and has no hand-written command."""
    from ..runbook import declared

    taken = {c.name for c in app.registered_commands}
    for runbook_id, info in sorted(declared().items()):
        if info.get("command") and runbook_id not in taken:
            app.command(runbook_id)(build(runbook_id, info["target"], info["command"]))


def build(runbook_id: str, kind: str, spec: dict[str, Any]) -> Any:
    """The typer command for one runbook: its target argument, its declared options, the common flags."""
    argument = spec.get("argument") or {}
    params = [
        inspect.Parameter(
            "target",
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            annotation=Annotated[str, typer.Argument(help=argument.get("help", f"The {kind}."), show_default=False)],
        )
    ]
    options = {f"opt_{i}": opt for i, opt in enumerate(spec.get("options") or [])}
    for name, opt in options.items():
        option = typer.Option(opt["flag"], help=opt.get("help", ""))
        params.append(
            inspect.Parameter(
                name, inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[str | None, option], default=None
            )
        )
    params.append(inspect.Parameter("flags", inspect.Parameter.KEYWORD_ONLY, annotation=common.Flags))

    def command(**kwargs: Any) -> None:
        flags, target = kwargs.pop("flags"), kwargs.pop("target")
        extra = {}
        for name, value in kwargs.items():
            if value is None:
                continue
            opt = options[name]
            if opt.get("pattern") and not re.fullmatch(str(opt["pattern"]), value):
                raise typer.Exit(int(common.guarded(lambda o=opt, v=value: _bad_option(o, v))))
            extra[str(opt["extra"])] = value
        common.diagnose(runbook_id, kind, target, flags, extra=extra)

    command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in params}
    command.__doc__ = spec.get("summary") or f"Run the {runbook_id} runbook."
    command.__name__ = command.__qualname__ = runbook_id.replace("-", "_")
    return common.with_common_options()(command)


def _bad_option(opt: dict[str, Any], value: str) -> Any:
    from ..errors import UsageError

    example = f"e.g. {opt['flag']} {opt['example']}" if opt.get("example") else ""
    raise UsageError(f"{opt['flag']} {value!r} is not valid", hint=example)


__all__ = ["build", "register"]

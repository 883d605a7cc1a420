"""The plain command lines of a one-object diagnosis, run without importing typer.

`aksdoctor imagepull POD -n NS --bundle DIR -o json` needs none of typer's machinery: importing it and building the
app costs about as much as the whole diagnosis of a bundle (issue 17). The entry point hands such a command line to
`run` first; it parses only what it can parse exactly as typer's click parser does, and answers None for anything
else, which typer then parses: help, --debug (typer prints its traceback), shell completion, an unknown or
misspelt option, a bad value, a missing or extra argument. Errors are worded by typer alone.

The options are the common flags of cli/common.py; tests/test_cli_fast.py checks this table against the click
parameters typer builds for every command here, and that both parsers give each command the same call for the same
command line.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping, Sequence
from typing import Any

_STR, _FLAG, _COUNT, _OUTPUT, _TIMEOUT, _DIRECTORY = "str", "flag", "count", "output", "timeout", "directory"

# Flags field, option names, how the value is read. --debug is not here: typer's path prints its traceback.
COMMON: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("namespace", ("--namespace", "-n"), _STR),
    ("context", ("--context",), _STR),
    ("kubeconfig", ("--kubeconfig",), _STR),
    ("output", ("--output", "-o"), _OUTPUT),
    ("subscription", ("--subscription",), _STR),
    ("resource_group", ("--resource-group", "-g"), _STR),
    ("cluster", ("--cluster",), _STR),
    ("bundle", ("--bundle",), _DIRECTORY),
    ("timeout", ("--timeout",), _TIMEOUT),
    ("no_azure", ("--no-azure",), _FLAG),
    ("verbose", ("--verbose", "-v"), _COUNT),
    ("redact", ("--redact",), _FLAG),
)
ENVVARS = {"kubeconfig": "KUBECONFIG"}  # read when the option is not given and the variable is not empty (click)
OUTPUTS = ("text", "json", "jsonl", "markdown")  # running.Output's values: click's choice is case-sensitive
TIMEOUT_MIN = 1.0

# Commands whose whole body is one diagnosis of their one argument: runbook, kind (None: `diagnose` picks it from
# the argument), common options the command leaves out, its own string options (flag -> key of `extra`).
COMMANDS: dict[str, tuple[str, str | None, tuple[str, ...], dict[str, str]]] = {
    "imagepull": ("imagepull", "Pod", (), {}),
    "pending": ("pending", "Pod", (), {}),
    "rollout": ("rollout", "Deployment", (), {}),
    "keyvault": ("keyvault", "Pod", (), {"--vault": "vault"}),
    "node": ("node", "Node", ("namespace",), {}),
    "diagnose": ("diagnose", None, (), {}),
}


class Parsed:
    """One command line, parsed: the runbook, the kind (None for `diagnose`), the argument, the Flags fields given
    or from the environment, and the command's own options."""

    __slots__ = ("extra", "flags", "kind", "runbook", "target")

    def __init__(
        self, runbook: str, kind: str | None, target: str, flags: dict[str, Any], extra: dict[str, str]
    ) -> None:
        self.runbook, self.kind, self.target, self.flags, self.extra = runbook, kind, target, flags, extra


def parse(argv: Sequence[str], environ: Mapping[str, str]) -> Parsed | None:
    """The command line as typer would parse it, or None when typer should parse it."""
    if not argv or argv[0] not in COMMANDS or any(k.startswith("_") and k.endswith("_COMPLETE") for k in environ):
        return None  # not one of these commands, or shell completion asking
    runbook, kind, skip, own = COMMANDS[argv[0]]
    options = {name: (field, how) for field, names, how in COMMON if field not in skip for name in names}
    options.update({flag: ("extra:" + key, _STR) for flag, key in own.items()})
    read = _read(argv[1:], options)
    if read is None or len(read[1]) != 1:
        return None  # typer words the error (or prints the help)
    raw, positional = read
    kinds = {field: how for field, _, how in COMMON}
    flags: dict[str, Any] = {}
    extra: dict[str, str] = {}
    for field, value in raw.items():
        if field.startswith("extra:"):
            extra[field[len("extra:") :]] = value
            continue
        converted = _convert(kinds[field], value)
        if converted is _INVALID:
            return None
        flags[field] = converted
    for field, var in ENVVARS.items():
        if field not in flags and field not in skip and environ.get(var):
            flags[field] = environ[var]
    return Parsed(runbook, kind, positional[0], flags, extra)


def _read(args: Sequence[str], options: dict[str, tuple[str, str]]) -> tuple[dict[str, Any], list[str]] | None:
    """The options (field -> raw value, flag True, count) and the arguments, as click's parser reads them;
    None for anything outside the table or that click would refuse."""
    raw: dict[str, Any] = {}
    positional: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg[:1] != "-" or arg == "-":  # click: "-" alone is an argument
            positional.append(arg)
            continue
        name, eq, value = arg.partition("=") if arg.startswith("--") else (arg[:2], "", arg[2:])
        attached = value if (eq or value) else None  # --name=VALUE, -nVALUE (-n=x gives "=x", as in click)
        if name not in options:
            return None  # --help, --debug, --, a misspelt or unknown option
        field, how = options[name]
        if how in (_FLAG, _COUNT):
            if attached is not None and (how != _COUNT or eq or attached.strip("v")):
                return None  # --no-azure=x, --verbose=2, -vx: typer words the error
            raw[field] = True if how == _FLAG else raw.get(field, 0) + 1 + len(attached or "")  # -vvv is 3
            continue
        if attached is None:
            if i >= len(args):
                return None  # the option's value is missing
            attached = args[i]
            i += 1
        raw[field] = attached  # the last one given wins, as in click
    return raw, positional


_INVALID = object()


def _convert(how: str, value: Any) -> Any:
    """A value as typer's parameter type converts it, or _INVALID where it would refuse it."""
    if how == _OUTPUT:
        return value if value in OUTPUTS else _INVALID
    if how == _TIMEOUT:
        try:
            number = float(value)
        except ValueError:
            return _INVALID
        return _INVALID if number < TIMEOUT_MIN else number
    if how == _DIRECTORY:  # typer's Path(file_okay=False): a missing path passes; a file or unreadable one fails
        try:
            mode = os.stat(value).st_mode
        except OSError:
            return value
        return _INVALID if stat.S_ISREG(mode) or not os.access(value, os.R_OK) else value
    return value


def run(argv: Sequence[str]) -> int | None:
    """Run the command line's diagnosis and return its exit code, or None: typer runs it."""
    parsed = parse(argv, os.environ)
    if parsed is None:
        return None
    from pathlib import Path

    from .running import Flags, Output, command_started, diagnose_kind, diagnosis_code

    fields = dict(parsed.flags)
    if "output" in fields:
        fields["output"] = Output(fields["output"])
    if "bundle" in fields:
        fields["bundle"] = Path(fields["bundle"])
    command_started()
    flags = Flags(**fields)
    kind = parsed.kind or diagnose_kind(parsed.target)
    extra: dict[str, Any] = {k: v for k, v in parsed.extra.items() if v}  # keyvault: `--vault ""` is no vault
    return diagnosis_code(parsed.runbook, kind, parsed.target, flags, extra)


__all__ = ["COMMANDS", "COMMON", "Parsed", "parse", "run"]

"""The command line: parse, call, render, exit. Heavy SDKs are imported only when a command runs.

`run` is the console-script entry point (aksdoctor and kubectl-aksdoctor). It answers `--version` without
importing typer, `--help` from a cache of typer's own rendering (keyed on the version and the
command modules' files, so an edited or added command renders afresh), and a plain one-object diagnosis
(`imagepull POD -n NS --bundle DIR -o json`) through cli/fast.py, which parses it as typer would; everything else
goes to the typer app in cli/main.py.
"""

from __future__ import annotations

import os
import sys

_PROGS = ("aksdoctor", "kubectl-aksdoctor")


def run() -> None:
    """Console-script entry point."""
    argv = sys.argv[1:]
    if argv == ["--version"]:
        from .. import __version__

        sys.stdout.write(f"aksdoctor {__version__}\n")
        return
    prog = os.path.basename(sys.argv[0])
    if argv in (["--help"], ["-h"]) and prog in _PROGS:
        text = _cached_help()
        if text is not None:
            sys.stdout.write(text.replace("Usage: aksdoctor ", f"Usage: {prog} ", 1))
            return
        text = _render_help()
        _store_help(text)
        sys.stdout.write(text.replace("Usage: aksdoctor ", f"Usage: {prog} ", 1))
        return
    from .fast import run as run_fast

    code = run_fast(argv)  # a plain one-object diagnosis: no typer
    if code is not None:
        _exit(code)
    from .main import app

    try:
        app()
    except SystemExit as exc:
        _exit(exc.code)
    _exit(0)


def _exit(code: object) -> None:
    """Flush and leave without the interpreter's teardown: after a 10k-pod scan, freeing the heap object by
    object takes seconds, and nothing is left to do (the report is written; probe threads are daemons)."""
    if isinstance(code, str):
        sys.stderr.write(code + "\n")
        code = 1
    status = 0 if code is None else int(code)  # type: ignore[call-overload]
    import contextlib

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`| head`): nothing more can reach it
            stream.flush()
    os._exit(status)


def _help_key() -> str | None:
    """Version + every command module's size and mtime + the width click wraps at (None: do not cache)."""
    import shutil

    from .. import __version__

    width = shutil.get_terminal_size().columns
    if width < 80:  # click wraps help at min(width, 80): only the full width is cached
        return None
    here = os.path.dirname(__file__)
    books = os.path.join(os.path.dirname(here), "runbooks")  # runbooks that declare `command:` add commands
    try:
        stats = sorted(
            (e.path, e.stat().st_size, e.stat().st_mtime_ns)
            for folder in (here, books)
            for e in os.scandir(folder)
            if e.name.endswith((".py", ".yaml"))
        )
    except OSError:
        return None
    import hashlib

    return hashlib.sha256(repr((__version__, sys.version_info[:2], stats)).encode()).hexdigest()[:24]


def _help_name() -> str | None:
    key = _help_key()
    return None if key is None else f"help-{key}.txt"


def _cached_help() -> str | None:
    from ..usercache import read_cached

    name = _help_name()
    data = None if name is None else read_cached(name)
    return None if data is None else data.decode("utf-8", "replace")


def _render_help() -> str:
    """typer's top-level help, as `aksdoctor --help` prints it at 80 columns."""
    from typer.testing import CliRunner

    from .main import app

    result = CliRunner().invoke(app, ["--help"], prog_name="aksdoctor", env={"COLUMNS": "80"}, terminal_width=78)
    return result.stdout


def _store_help(text: str) -> None:
    from ..usercache import store_cached

    name = _help_name()
    if name is not None and "Usage: aksdoctor " in text[:40]:
        store_cached(name, text.encode("utf-8"))


__all__ = ["run"]

"""The aksdoctor command: `aksdoctor SYMPTOM TARGET [flags]` (also `kubectl aksdoctor ...`)."""

from __future__ import annotations

from typing import Annotated

import typer

from .. import __version__
from . import (
    capture,
    diagnose,
    generated,
    imagepull,
    keyvault,
    node,
    nodecpu,
    pending,
    rollout,
    runbooks_cmd,
    scan,
    upgrade,
)

app = typer.Typer(
    name="aksdoctor",
    help="Diagnose broken AKS workloads: the root cause, the evidence, and the exact fix command. Read-only.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,  # plain click help: rich help imports rich.markdown and markdown_it (~100 ms)
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"aksdoctor {__version__}")
        raise typer.Exit(0)


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """aksdoctor: read-only diagnosis of AKS workloads.

    Exit codes: 0 healthy, 1 problem found, 2 usage error, 3 inconclusive, 4 cannot reach the
    cluster or read the bundle.
    """


app.command("diagnose")(diagnose.diagnose)
app.command("imagepull")(imagepull.imagepull)
app.command("rollout")(rollout.rollout)
app.command("scan")(scan.scan)
app.command("capture")(capture.capture)
app.command("nodecpu")(nodecpu.nodecpu)
app.command("keyvault")(keyvault.keyvault)
app.command("pending")(pending.pending)
app.command("node")(node.node)
app.command("upgrade")(upgrade.upgrade)
app.add_typer(runbooks_cmd.app, name="runbooks")
generated.register(app)  # runbooks that declare `command:` (runbooks/service.yaml)


def run() -> None:
    """Console-script entry point (aksdoctor and kubectl-aksdoctor)."""
    app()


__all__ = ["app", "run"]

"""`aksdoctor runbooks`: list the runbooks, or print one's decision tree."""

from __future__ import annotations

from typing import Annotated

import typer

from . import common

app = typer.Typer(
    help="List runbooks, or show one's decision tree.",
    invoke_without_command=True,
    no_args_is_help=False,
    rich_markup_mode=None,
)


@app.callback()
def runbooks(ctx: typer.Context) -> None:
    """List the runbooks (the symptoms aksdoctor diagnoses)."""
    if ctx.invoked_subcommand is not None:
        return
    raise typer.Exit(int(common.guarded(_list)))


@app.command("show")
def show(runbook: Annotated[str, typer.Argument(help="Runbook id, e.g. imagepull.")]) -> None:
    """Print a runbook's decision tree: each question, each answer, each cause."""
    raise typer.Exit(int(common.guarded(lambda: _show(runbook))))


@app.command("docs")
def docs(
    out: Annotated[str, typer.Option("--out", help="Folder to write (runbooks/<id>.md and causes.md).")] = "docs",
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if the docs are not up to date.")
    ] = False,
) -> None:
    """Generate the runbook reference (Mermaid flowcharts, questions, causes) from runbooks/*.yaml."""
    raise typer.Exit(int(common.guarded(lambda: _docs(out, check=check))))


def generated_docs() -> dict[str, str]:
    """Relative path -> content of every generated doc page."""
    from ..probes import PROBES
    from ..render.runbook_docs import causes_page, runbook_page

    books = _load()
    pages = {f"runbooks/{book.id}.md": runbook_page(book, PROBES) for book in books.values()}
    pages["causes.md"] = causes_page(books)
    return pages


def _docs(out: str, *, check: bool) -> int:
    from pathlib import Path

    root = Path(out)
    stale = []
    for rel, content in generated_docs().items():
        path = root / rel
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == content:
            continue
        stale.append(rel)
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
    verb = "out of date" if check else "written"
    for rel in stale:
        common.stdout_console().print(f"{verb}: {root / rel}")
    return 1 if check and stale else 0


def _list() -> int:
    from rich.table import Table

    books = _load()
    table = Table(box=None)
    table.add_column("runbook", style="bold")
    table.add_column("symptom")
    table.add_column("causes", justify="right")
    for book in books.values():
        table.add_row(book.id, book.title, str(len(book.causes)))
    common.stdout_console().print(table)
    return 0


def _show(runbook_id: str) -> int:
    from rich.text import Text
    from rich.tree import Tree

    from ..errors import UsageError

    books = _load()
    if runbook_id not in books:
        raise UsageError(f"unknown runbook {runbook_id!r}", hint=f"runbooks: {', '.join(books)}")
    book = books[runbook_id]
    tree = Tree(Text.assemble((book.id, "bold"), f": {book.title}"))

    def grow(branch: Tree, name: str, seen: tuple[str, ...]) -> None:
        node = book.nodes[name]
        here = branch.add(Text.assemble((node.question, "bold"), (f"  [{node.probe}]", "dim")))
        for answer, dest in node.on.items():
            if dest in book.nodes and dest not in seen:
                grow(here.add(Text(answer, style="cyan")), dest, (*seen, dest))
            else:
                style = "red" if dest.startswith("cause/") else "green" if dest == "healthy" else "yellow"
                here.add(Text.assemble((answer, "cyan"), " → ", (dest, style)))

    grow(tree, book.start, (book.start,))
    console = common.stdout_console()
    console.print(tree)
    if book.description:
        console.print(Text(book.description, style="dim"))
    return 0


def _load() -> dict:
    from ..probes import PROBES
    from ..runbook import load_all

    return load_all(PROBES)


__all__ = ["app"]

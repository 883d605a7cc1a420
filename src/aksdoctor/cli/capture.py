"""`aksdoctor capture RUNBOOK TARGET --out DIR`: run a runbook and write everything it read as a bundle."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated, Any

import typer

from . import common


@common.with_common_options(skip=("output", "redact"))
def capture(
    runbook: Annotated[str, typer.Argument(help="The runbook to run (e.g. imagepull), diagnose, or scan.")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the bundle to.", file_okay=False)],
    flags: common.Flags,
    target: Annotated[
        str | None, typer.Argument(help="Its target (pod, deployment, node; none: all nodes).", show_default=False)
    ] = None,
    all_namespaces: Annotated[bool, typer.Option("--all-namespaces", "-A", help="scan: every namespace.")] = False,
    vault: Annotated[str | None, typer.Option("--vault", help="keyvault: the vault a pod calls from its code.")] = None,
    threshold: Annotated[
        float | None, typer.Option("--threshold", help="nodecpu: CPU percentage that counts as hot.")
    ] = None,
    pool: Annotated[str | None, typer.Option("--pool", help="upgrade: the node pool to check.")] = None,
    caller: Annotated[str | None, typer.Option("--from", help="service: the calling pod (NS/POD).")] = None,
) -> None:
    """Write an evidence bundle with everything the runbook read (Secret values and tokens removed) and its
    report. Hand it to someone without cluster access: `aksdoctor RUNBOOK TARGET --bundle DIR` gives the same
    verdict. Works from --bundle too, to cut a smaller bundle out of a large one."""
    extra = {
        k: v
        for k, v in {"vault": vault, "threshold": threshold, "pool": pool, "from": caller}.items()
        if v is not None
    }
    if runbook == "scan":
        code = common.guarded(lambda: _capture_scan(out, flags, all_namespaces, threshold or 90.0), debug=flags.debug)
        raise typer.Exit(int(code))
    raise typer.Exit(int(common.guarded(lambda: _capture(runbook, target, out, flags, extra), debug=flags.debug)))


def _capture(runbook_id: str, target: str | None, out: Path, flags: common.Flags, extra: dict[str, Any]) -> int:
    from ..errors import UsageError
    from ..probes import PROBES
    from ..runbook import load_all

    books = load_all(PROBES)
    if runbook_id != "diagnose" and runbook_id not in books:
        raise UsageError(f"unknown runbook {runbook_id!r}", hint=f"runbooks: diagnose, {', '.join(books)}")
    if flags.bundle is not None and out.resolve() == flags.bundle.resolve():
        raise UsageError("--out must differ from --bundle")
    if runbook_id == "diagnose":
        is_deploy = "/" in (target or "") and (target or "").split("/", 1)[0].lower() in (
            "deploy",
            "deployment",
            "deployments",
        )
        prefix = (target or "").split("/", 1)[0] if "/" in (target or "") else ""
        declared = common.kind_of(prefix) if prefix else None
        kind = "Deployment" if is_deploy else (declared if declared and declared != "Pod" else "Pod")
    else:
        kind = books[runbook_id].target
    if kind == "Cluster":  # upgrade: the whole cluster, or --pool
        kind, target = "Cluster", extra.get("pool") or "all-pools"
    if target is None:
        if kind != "Node":
            raise UsageError(f"capture {runbook_id} needs a target ({kind.lower()} name)")
        kind, target = "Cluster", "all-nodes"
    return _write(runbook_id, kind, target, out, flags, extra)


def _write(runbook_id: str, kind: str, target: str, out: Path, flags: common.Flags, extra: dict[str, Any]) -> int:
    from ..render import json_report, markdown
    from ..sources.capture import RecordingKube, RecordingTransport, write_bundle

    recorder: dict[str, Any] = {}
    exchanges: list[dict[str, Any]] = []

    def wrap_kube(kube: Any) -> Any:
        recorder["kube"] = RecordingKube(kube)
        return recorder["kube"]

    def wrap_azure(azure: Any) -> None:
        azure.wrap_transports(lambda inner: RecordingTransport(inner, exchanges))

    diagnosis, ev = common.run_diagnosis(
        runbook_id, kind, target, flags, extra, wrap_kube=wrap_kube, wrap_azure=wrap_azure
    )
    written = write_bundle(
        out,
        recorder["kube"],
        exchanges=exchanges,
        context=_coordinates(diagnosis, ev),
        report_json=json_report.render(diagnosis) + "\n",
        report_md=markdown.render(diagnosis),
    )
    q = shlex.quote
    in_namespace = f" -n {q(ev.target.namespace)}" if ev.target.namespace else ""
    options = "".join(f" --{k} {q(str(v))}" for k, v in extra.items())
    shown = "" if kind == "Cluster" else f" {q(target)}"
    (out / "COMMAND").write_text(f"aksdoctor {runbook_id}{shown}{in_namespace}{options}\n")
    console = common.stdout_console()
    verdict = diagnosis.causes[0].id if diagnosis.causes else diagnosis.status.value
    from rich.text import Text  # lazily: a capture is the only user; `-o json` runs never load rich

    console.print(Text(f"captured {len(written)} files to {out} ({verdict}); replay with:"))
    console.print(Text(f"  aksdoctor {runbook_id}{shown} --bundle {q(str(out))}{in_namespace}{options}"))
    return int(diagnosis.exit_status)


def _capture_scan(out: Path, flags: common.Flags, all_namespaces: bool, threshold: float) -> int:
    from ..errors import UsageError
    from ..probes import PROBES
    from ..render import scan_report
    from ..runbook import load_all
    from ..scan import ScanScope
    from ..sources.capture import RecordingKube, RecordingTransport, write_bundle
    from .scan import run_one

    if flags.bundle is not None and out.resolve() == flags.bundle.resolve():
        raise UsageError("--out must differ from --bundle")
    recorder: dict[str, Any] = {}
    exchanges: list[dict[str, Any]] = []

    def wrap_kube(kube: Any) -> Any:
        recorder["kube"] = RecordingKube(kube)
        return recorder["kube"]

    def wrap_azure(azure: Any) -> None:
        azure.wrap_transports(lambda inner: RecordingTransport(inner, exchanges))

    scope = ScanScope(namespace=None, threshold=threshold)
    books = load_all(PROBES)
    result = run_one(flags, flags.context, scope, books, all_namespaces, wrap_kube=wrap_kube, wrap_azure=wrap_azure)
    write_bundle(
        out,
        recorder["kube"],
        exchanges=exchanges,
        context={},
        report_json=scan_report.render_json(result) + "\n",
        report_md=scan_report.render_markdown(result),
    )
    where = " -A" if all_namespaces else f" -n {shlex.quote(str(result.scope.get('namespace')))}"
    (out / "COMMAND").write_text(f"aksdoctor scan{where}\n")
    from rich.text import Text

    common.stdout_console().print(Text(f"captured the scan ({len(result.findings)} findings) to {out}; replay with:"))
    common.stdout_console().print(Text(f"  aksdoctor scan{where} --bundle {shlex.quote(str(out))}"))
    return int(result.exit_status)


def _coordinates(diagnosis: Any, ev: Any) -> dict[str, str]:
    """The cluster's Azure coordinates whenever they are known (not only when the cause's fix used them), so
    a replay finds the managed cluster the same way the run did: by its name, or by listing the subscription's
    clusters (then the list is the recording that holds it, and a name would have the replay read it by name)."""
    if ev.azure is not None and ev.peek(("azure", "listed_cluster")) is not None:
        return {"subscription": ev.cluster_coordinates()["subscription"]}
    parts = diagnosis.source.cluster.split("/")
    if len(parts) >= 9:
        return {"subscription": parts[2], "resourceGroup": parts[4], "cluster": parts[8]}
    if ev.azure is None:
        return {}
    from ..errors import DataUnavailable, NotFound

    try:
        coords = ev.cluster_coordinates()  # memoized: the run's own answer; else read now (and recorded)
    except (DataUnavailable, NotFound):
        return {}
    return {
        "subscription": coords["subscription"],
        "resourceGroup": coords["resource_group"],
        "cluster": coords["cluster"],
    }


__all__ = ["capture"]

"""`aksdoctor capture RUNBOOK TARGET --out DIR`: run a runbook and write everything it read as a bundle."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from . import common


def capture(
    runbook: Annotated[str, typer.Argument(help="The runbook to run, e.g. imagepull.")],
    target: Annotated[str, typer.Argument(help="Its target (a pod, a deployment, a node).", show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the bundle to.", file_okay=False)],
    namespace: common.Namespace = None,
    context: common.Context = None,
    kubeconfig: common.Kubeconfig = None,
    subscription: common.Subscription = None,
    resource_group: common.ResourceGroup = None,
    cluster: common.Cluster = None,
    bundle: common.Bundle = None,
    timeout: common.Timeout = 60.0,
    no_azure: common.NoAzure = False,
    verbose: common.Verbose = 0,
    debug: common.Debug = False,
) -> None:
    """Write an evidence bundle with everything the runbook read (Secret values and tokens removed) and its
    report. Hand it to someone without cluster access: `aksdoctor RUNBOOK TARGET --bundle DIR` gives the same
    verdict. Works from --bundle too, to cut a smaller bundle out of a large one."""
    flags = common.Flags(
        namespace=namespace, context=context, kubeconfig=kubeconfig, subscription=subscription,
        resource_group=resource_group, cluster=cluster, bundle=bundle, timeout=timeout, no_azure=no_azure,
        verbose=verbose, debug=debug,
    )  # fmt: skip
    raise typer.Exit(int(common.guarded(lambda: _capture(runbook, target, out, flags), debug=debug)))


def _capture(runbook_id: str, target: str, out: Path, flags: common.Flags) -> int:
    from ..errors import UsageError
    from ..probes import PROBES
    from ..runbook import load_all

    books = load_all(PROBES)
    if runbook_id != "diagnose" and runbook_id not in books:
        raise UsageError(f"unknown runbook {runbook_id!r}", hint=f"runbooks: diagnose, {', '.join(books)}")
    if flags.bundle is not None and out.resolve() == flags.bundle.resolve():
        raise UsageError("--out must differ from --bundle")
    if runbook_id == "diagnose":
        is_deploy = "/" in target and target.split("/", 1)[0].lower() in ("deploy", "deployment", "deployments")
        kind = "Deployment" if is_deploy else "Pod"
    else:
        kind = books[runbook_id].target
    return _write(runbook_id, kind, target, out, flags)


def _write(runbook_id: str, kind: str, target: str, out: Path, flags: common.Flags) -> int:
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
        runbook_id, kind, target, flags, {}, wrap_kube=wrap_kube, wrap_azure=wrap_azure
    )
    written = write_bundle(
        out,
        recorder["kube"],
        exchanges=exchanges,
        context=_coordinates(diagnosis, ev),
        report_json=json_report.render(diagnosis) + "\n",
        report_md=markdown.render(diagnosis),
    )
    in_namespace = f" -n {ev.target.namespace}" if ev.target.namespace else ""
    (out / "COMMAND").write_text(f"aksdoctor {runbook_id} {target}{in_namespace}\n")
    console = common.stdout_console()
    verdict = diagnosis.causes[0].id if diagnosis.causes else diagnosis.status.value
    console.print(f"captured {len(written)} files to {out} ({verdict}); replay with:")
    console.print(f"  aksdoctor {runbook_id} {target} --bundle {out}{in_namespace}")
    return int(diagnosis.exit_status)


def _coordinates(diagnosis: Any, ev: Any) -> dict[str, str]:
    parts = diagnosis.source.cluster.split("/")
    if len(parts) < 9:
        return {}
    return {"subscription": parts[2], "resourceGroup": parts[4], "cluster": parts[8]}


__all__ = ["capture"]

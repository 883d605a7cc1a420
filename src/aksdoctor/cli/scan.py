"""`aksdoctor scan -n NS | -A`: every unhealthy pod, stuck Deployment and hot node, grouped by cause."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated, Any

import typer

from . import common


@common.with_common_options(skip=("context", "subscription", "resource_group", "cluster"), defaults={"timeout": 300.0})
def scan(
    flags: common.Flags,
    all_namespaces: Annotated[bool, typer.Option("--all-namespaces", "-A", help="Scan every namespace.")] = False,
    selector: Annotated[
        str | None, typer.Option("--selector", "-l", help="Only pods with these labels (k=v,...).")
    ] = None,
    runbook: Annotated[
        list[str] | None, typer.Option("--runbook", help="Only these runbooks (repeat the flag).")
    ] = None,
    context: Annotated[
        list[str] | None, typer.Option("--context", help="kubeconfig context; repeat to scan several clusters.")
    ] = None,
    all_contexts: Annotated[bool, typer.Option("--all-contexts", help="Scan every context of the kubeconfig.")] = False,
    threshold: Annotated[
        float, typer.Option("--threshold", min=1, max=100, help="Node CPU percentage that counts as hot.")
    ] = 90.0,
) -> None:
    """Find and diagnose every unhealthy pod, stuck workload and hot node; group the findings by cause."""
    code = common.guarded(
        lambda: _scan(flags, all_namespaces, selector, runbook or [], context or [], all_contexts, threshold),
        debug=flags.debug,
        output=flags.output,
    )
    raise typer.Exit(int(code))


def _scan(
    flags: common.Flags,
    all_namespaces: bool,
    selector: str | None,
    runbooks: list[str],
    contexts: list[str],
    all_contexts: bool,
    threshold: float,
) -> int:
    from ..errors import AksDoctorError, UsageError
    from ..model import ScanResult
    from ..probes import PROBES
    from ..runbook import load_all
    from ..scan import ScanScope

    books = load_all(PROBES)
    unknown = sorted(set(runbooks) - set(books))
    if unknown:
        raise UsageError(f"unknown runbook(s) {', '.join(unknown)}", hint=f"runbooks: {', '.join(books)}")
    if flags.bundle is not None and (contexts or all_contexts):
        raise UsageError("--bundle reads one bundle: drop --context / --all-contexts")
    if all_contexts:
        contexts = _all_contexts(flags.kubeconfig)
    scope = ScanScope(
        namespace=None if all_namespaces else flags.namespace,
        selector=selector,
        runbooks=frozenset(runbooks) or None,
        threshold=threshold,
    )
    targets = contexts or [None]
    results: list[ScanResult] = []
    errors: list[str] = []
    import gc

    # A scan builds millions of long-lived objects (every pod, event and report): the cyclic collector would walk
    # them again and again for nothing (a third of a 10k-pod scan's time). It runs again once the scan is done.
    gc.disable()
    try:
        with ThreadPoolExecutor(max_workers=max(1, len(targets))) as pool:
            futures = {ctx: pool.submit(_one, flags, ctx, scope, books, all_namespaces) for ctx in targets}
            for ctx, future in futures.items():
                try:
                    results.append(future.result())
                except AksDoctorError as exc:
                    if len(targets) == 1:
                        raise
                    errors.append(f"context {ctx}: {exc.message}")
    finally:
        # Frozen first: re-enabled on millions of objects no pass has seen, the collector's first pass would walk
        # every one (a fifth of a second at 10k pods). They are unfrozen once the report is out.
        gc.freeze()
        gc.enable()
    try:
        merged = _merge(results, errors, contexts)
        if flags.redact:
            from ..render.redact import redact

            merged.findings = [redact(f) for f in merged.findings]
        _print(merged, flags.output)
    finally:
        gc.unfreeze()
    return int(merged.exit_status)


def _one(
    flags: common.Flags,
    ctx: str | None,
    scope: Any,
    books: dict[str, Any],
    all_namespaces: bool,
    *,
    wrap_kube: Any = None,
    wrap_azure: Any = None,
) -> Any:
    import dataclasses

    from ..engine import Engine
    from ..probes import PROBES
    from ..scan import scan as run_scan
    from ..sources.evidence import Options

    kube, azure, source = common.open_sources(dataclasses.replace(flags, context=ctx))
    if wrap_kube is not None:
        kube = wrap_kube(kube)
    if wrap_azure is not None and azure is not None:
        wrap_azure(azure)
    if not all_namespaces:  # -n, else the context's namespace (kubectl's rule)
        scope = dataclasses.replace(scope, namespace=flags.namespace or getattr(kube, "default_namespace", "default"))
    options = Options(timeout=flags.timeout, extra={"threshold": scope.threshold}, deadline=common.deadline_of(flags))
    engine = Engine(PROBES, books)
    with _progress(flags, f"scanning {source.context}") as tick:
        return run_scan(
            kube=kube, azure=azure, engine=engine, scope=scope, source=source, options=options, progress=tick
        )


def _merge(results: list[Any], errors: list[str], contexts: list[str]) -> Any:
    from ..model import ScanResult

    merged = ScanResult(errors=list(errors))
    for result in results:
        merged.findings.extend(result.findings)
        merged.errors.extend(result.errors)
        for key, n in result.scanned.items():
            merged.scanned[key] = merged.scanned.get(key, 0) + n
        merged.duration_ms = max(merged.duration_ms, result.duration_ms)
        merged.started_at = merged.started_at or result.started_at
    first = results[0].scope if results else {}
    merged.scope = {**first, "contexts": contexts or [first.get("context", "")]}
    return merged


def _print(result: Any, output: common.Output) -> None:
    from ..render import scan_report

    if output is common.Output.json:
        sys.stdout.write(scan_report.render_json(result) + "\n")
    elif output is common.Output.jsonl:
        sys.stdout.writelines(line + "\n" for line in scan_report.render_jsonl(result))
    elif output is common.Output.markdown:
        sys.stdout.write(scan_report.render_markdown(result))
    else:
        scan_report.render_text(result, common.stdout_console())


def _all_contexts(kubeconfig: str | None) -> list[str]:
    from kubernetes import config

    from ..errors import SourceUnavailable

    try:
        contexts, _active = config.list_kube_config_contexts(config_file=kubeconfig)
    except Exception as exc:  # noqa: BLE001 - the loader raises many types
        raise SourceUnavailable(f"cannot read the kubeconfig: {exc}") from None
    return [c["name"] for c in contexts]


class _progress:
    """A progress bar on stderr for text output to a terminal; a no-op tick otherwise."""

    def __init__(self, flags: common.Flags, label: str) -> None:
        self.on = flags.output is common.Output.text and sys.stderr.isatty()
        self.label = label
        self._bar: Any = None

    def __enter__(self) -> Any:
        if not self.on:
            return None
        from rich.console import Console
        from rich.progress import Progress

        self._bar = Progress(console=Console(stderr=True), transient=True)
        self._bar.__enter__()
        task = self._bar.add_task(self.label, total=None)
        return lambda done, total: self._bar.update(task, completed=done, total=total)

    def __exit__(self, *args: Any) -> None:
        if self._bar is not None:
            self._bar.__exit__(*args)


__all__ = ["run_one", "scan"]
run_one = _one

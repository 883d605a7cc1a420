"""What every diagnosis shares once its command line is parsed: the flags, building the sources, running,
rendering, exit codes. Nothing here imports typer: the entry point runs a bundle diagnosis through it without the
typer app when the command line is one cli/fast.py parses (cli/common.py puts typer's options on top)."""

from __future__ import annotations

import enum
import logging
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import AksDoctorError, UsageError
from ..model import Diagnosis, ExitStatus, SourceInfo, Target

log = logging.getLogger("aksdoctor")
STARTED = time.monotonic()  # --timeout counts from here: the process start, not the first probe
_RAN = [False]


class Output(str, enum.Enum):
    """Output formats."""

    text = "text"
    json = "json"
    jsonl = "jsonl"
    markdown = "markdown"


@dataclass
class Flags:
    """The common flags of a diagnosis command."""

    namespace: str | None = None
    context: str | None = None
    kubeconfig: str | None = None
    output: Output = Output.text
    subscription: str | None = None
    resource_group: str | None = None
    cluster: str | None = None
    bundle: Path | None = None
    timeout: float = 60.0
    no_azure: bool = False
    verbose: int = 0
    debug: bool = False
    redact: bool = False


def command_started() -> None:
    """A command starts: a second command in one process (tests) gets its own --timeout deadline."""
    global STARTED  # noqa: PLW0603 - the one process-wide start of the deadline
    if _RAN[0]:
        STARTED = time.monotonic()
    _RAN[0] = True


def diagnosis_code(runbook_id: str, kind: str, name: str, flags: Flags, extra: dict[str, Any] | None = None) -> int:
    """Run one runbook on one object and print the report; the contract's exit code."""
    _logging(flags.verbose)
    code = guarded(
        lambda: _diagnose(runbook_id, kind, name, flags, extra or {}), debug=flags.debug, output=flags.output
    )
    return int(code)


def diagnose_kind(target: str) -> str:
    """The kind `aksdoctor diagnose TARGET` starts from: a bare name or pod/NAME is a Pod, a workload prefix goes
    to rollout (split_target checks it), a prefix a runbook declares routes for is that runbook's kind."""
    prefix = target.split("/", 1)[0].lower() if "/" in target else ""
    kind = "Pod" if prefix in ("", "po", "pod", "pods") else "Deployment"
    declared = kind_of(prefix) if prefix else None
    return declared if declared and declared not in ("Pod", "Deployment", "StatefulSet", "DaemonSet") else kind


def guarded(fn: Any, *, debug: bool = False, output: Any = None) -> ExitStatus:
    """Run fn; every aksdoctor error becomes one line on stderr and its exit code (the only place it happens).

    With -o json the error is also a JSON document on stdout (kind "error"), so automation always gets
    one document to parse. Exit codes: the error's own (2 usage, 4 unreachable), 5 internal error, 130 Ctrl-C.
    """
    try:
        return fn()
    except AksDoctorError as exc:
        if debug:
            raise
        return _fail(exc.message, exc.hint, exc.exit_status, output)
    except KeyboardInterrupt:
        return _fail("interrupted", "", ExitStatus.INTERRUPTED, output)
    except Exception as exc:
        if debug:
            raise
        from ..scrub import clean

        message = f"internal error: {type(exc).__name__}: {clean(str(exc))}"
        return _fail(message, "rerun with --debug and report it", ExitStatus.INTERNAL, output)


def _fail(message: str, hint: str, code: ExitStatus, output: Any) -> ExitStatus:
    _error(message, hint)
    if getattr(output, "value", output) in ("json", "jsonl"):
        sys.stdout.write(error_document(message, hint, code) + "\n")
    return code


def error_document(message: str, hint: str, code: ExitStatus) -> str:
    """The JSON error document (docs/report.schema.json#/$defs/error)."""
    import json

    from .. import __version__

    doc = {
        "schema_version": "1",
        "tool": {"name": "aksdoctor", "version": __version__},
        "kind": "error",
        "message": message,
        "hint": hint,
        "exit_code": int(code),
    }
    return json.dumps(doc, ensure_ascii=False)


def _diagnose(runbook_id: str, kind: str, name: str, flags: Flags, extra: dict[str, Any]) -> ExitStatus:
    diagnosis, _ev = run_diagnosis(runbook_id, kind, name, flags, extra)
    if flags.redact:
        from ..render.redact import redact

        diagnosis = redact(diagnosis)
    print_report(diagnosis, flags.output, verbose=bool(flags.verbose))
    return diagnosis.exit_status


def run_diagnosis(
    runbook_id: str,
    kind: str,
    name: str,
    flags: Flags,
    extra: dict[str, Any],
    *,
    wrap_kube: Any = None,
    wrap_azure: Any = None,
) -> tuple[Diagnosis, Any]:
    """Build the sources (optionally wrapped, e.g. for capture), run the runbook, return the Diagnosis."""
    from ..engine import Engine
    from ..probes import PROBES
    from ..runbook import Runbooks
    from ..sources.evidence import Evidence, Options

    kind, name = split_target(name, kind, runbook_id)
    if not name or name.startswith("-"):
        raise UsageError(f"{kind.lower()} name {name!r} is not valid")
    kube, azure, source = open_sources(flags)
    if wrap_kube is not None:
        kube = wrap_kube(kube)
    if wrap_azure is not None and azure is not None:
        wrap_azure(azure)
    namespace = flags.namespace or _default_namespace(kube, kind, name)
    target = Target(kind=kind, name=name, namespace=namespace if kind not in ("Node", "Cluster") else None)
    options = Options(
        subscription=flags.subscription,
        resource_group=flags.resource_group,
        cluster=flags.cluster,
        timeout=flags.timeout,
        extra=extra,
        deadline=deadline_of(flags),
    )
    ev = Evidence(kube=kube, azure=azure, target=target, options=options)
    books = Runbooks(PROBES)  # the runbook this run needs is read when the engine asks for it
    engine = Engine(PROBES, books)
    where = f"{target.namespace}/{name}" if target.namespace else name
    with _spinner(flags, f"diagnosing {kind.lower()} {where}"):
        if runbook_id == "diagnose":
            return _routed(engine, ev, source, set(books)), ev
        diagnosis = engine.run(runbook_id, ev, source=source)
    return diagnosis, ev


def deadline_of(flags: Flags) -> float:
    """The monotonic time of the --timeout deadline: it starts with the process."""
    return STARTED + flags.timeout


def _routed(engine: Any, ev: Any, source: SourceInfo, available: set[str]) -> Diagnosis:
    """`diagnose`: run the runbook that fits the object, or say it is healthy / that none fits. Routing
    counts against the same deadline as the runbook."""
    from concurrent.futures import TimeoutError as FutureTimeout

    from ..engine import not_diagnosed, spawn
    from ..model import Skipped
    from ..probes.routing import route
    from ..runbook import declared

    for runbook_id, info in sorted(declared().items()):  # a kind a runbook declares routes for goes to it
        if info.get("routes") and info["target"] == ev.target.kind and runbook_id in available:
            diagnosis = engine.run(runbook_id, ev, source=source)
            reason = f"a {ev.target.kind}: runbooks/{runbook_id}.yaml declares routes for it"
            diagnosis.routed = {"from": str(ev.target), "runbook": runbook_id, "reason": reason}
            return diagnosis
    deadline = ev.options.deadline or time.monotonic() + ev.options.timeout
    try:
        chosen = spawn(route, ev, available).result(timeout=max(0.0, deadline - time.monotonic()))
    except FutureTimeout:
        diagnosis = not_diagnosed(ev.target, source, "routing did not finish before the --timeout deadline")
        diagnosis.skipped.append(Skipped("diagnose.route", "timed out before the --timeout deadline"))
        return diagnosis
    if chosen is not None and chosen.runbook in available:
        diagnosis = engine.run(chosen.runbook, ev.for_target(chosen.target), source=source)
        diagnosis.routed = {"from": str(ev.target), "runbook": chosen.runbook, "reason": chosen.reason}
        return diagnosis
    return not_diagnosed(ev.target, source, None if chosen is None else chosen.reason)


_KIND_PREFIXES = {
    "po": "Pod", "pod": "Pod", "pods": "Pod",
    "deploy": "Deployment", "deployment": "Deployment", "deployments": "Deployment",
    "sts": "StatefulSet", "statefulset": "StatefulSet", "statefulsets": "StatefulSet",
    "ds": "DaemonSet", "daemonset": "DaemonSet", "daemonsets": "DaemonSet",
    "no": "Node", "node": "Node", "nodes": "Node",
}  # fmt: skip


def _declared_prefix(kind: str) -> str:
    from ..runbook import declared

    for info in declared().values():
        prefixes = (info.get("routes") or {}).get("prefixes") or []
        if info["target"] == kind and prefixes:
            return str(prefixes[0])
    return kind.lower()


def kind_of(prefix: str) -> str | None:
    """The kind a TYPE/NAME prefix names: the built-in table, then the `routes:` runbooks declare."""
    if prefix.lower() in _KIND_PREFIXES:
        return _KIND_PREFIXES[prefix.lower()]
    from ..runbook import declared

    for info in declared().values():
        if prefix.lower() in [str(p).lower() for p in (info.get("routes") or {}).get("prefixes") or []]:
            return str(info["target"])
    return None


def split_target(text: str, default_kind: str, runbook: str = "this runbook") -> tuple[str, str]:
    """`deploy/web` -> ("Deployment", "web"); a bare name gets the runbook's kind (kubectl's TYPE/NAME form)."""
    if "/" not in text:
        return default_kind, text
    prefix, name = text.split("/", 1)
    kind = kind_of(prefix)
    if default_kind == "Deployment" and kind in ("StatefulSet", "DaemonSet"):
        return kind, name  # rollouts: the workload controllers share one runbook
    if kind != default_kind:
        short = {"Pod": "pod", "Deployment": "deploy", "Node": "node"}.get(default_kind) or _declared_prefix(
            default_kind
        )
        raise UsageError(
            f"{runbook} takes a {default_kind} (NAME or {short}/NAME), not {text!r}",
            hint=f"e.g. aksdoctor {runbook} {short}/NAME" if runbook != "this runbook" else "",
        )
    return kind, name


def open_sources(flags: Flags) -> tuple[Any, Any, SourceInfo]:
    """The Kubernetes and Azure readers the flags ask for, and how to describe them in the report."""
    if flags.bundle is not None:
        from ..sources.bundle import BundleKube, open_bundle

        source = SourceInfo(mode="bundle", context=str(flags.bundle))
        if flags.no_azure:  # the Azure recordings stay unread: no azure.core import
            return BundleKube(flags.bundle), None, source
        kube, azure = open_bundle(flags.bundle)
        return kube, azure, source
    from ..sources.azure import live_azure
    from ..sources.kube_live import LiveKube

    kube = LiveKube(kubeconfig=flags.kubeconfig, context=flags.context, timeout=min(flags.timeout, 15.0))
    kube.deadline = deadline_of(flags)
    context = {k: v for k, v in {"subscription": flags.subscription}.items() if v}
    azure = (
        None
        if flags.no_azure
        else live_azure(timeout=min(flags.timeout, 20.0), context=context, deadline=deadline_of(flags))
    )
    return kube, azure, SourceInfo(mode="live", context=kube.context)


def print_report(diagnosis: Diagnosis, output: Output, *, verbose: bool = False) -> None:
    """Render to stdout in the chosen format."""
    if output is Output.json:
        from ..render.json_report import render

        sys.stdout.write(render(diagnosis) + "\n")
    elif output is Output.jsonl:
        from ..render.json_report import render_line

        sys.stdout.write(render_line(diagnosis) + "\n")
    elif output is Output.markdown:
        from ..render.markdown import render as render_md

        sys.stdout.write(render_md(diagnosis))
    else:
        from ..render.text import render as render_text

        render_text(diagnosis, stdout_console(), verbose=verbose)


def stdout_console() -> Any:
    """The console for text output (width and colour from the environment, as rich decides)."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def _default_namespace(kube: Any, kind: str, name: str) -> str:
    """The context's namespace live; in a bundle, the namespace of the only pod with that name."""
    if kube.mode == "bundle" and kind == "Pod":
        from ..errors import DataUnavailable
        from ..sources.resources import resource

        try:
            spaces = {
                (p.get("metadata") or {}).get("namespace")
                for p in kube.list(resource("pods"))
                if (p.get("metadata") or {}).get("name") == name
            }
        except DataUnavailable:
            spaces = set()
        if len(spaces) == 1:
            return str(spaces.pop())
    return getattr(kube, "default_namespace", "default") or "default"


class _spinner:
    """A spinner on stderr while probing, only for text output to a terminal."""

    def __init__(self, flags: Flags, message: str) -> None:
        self.on = flags.output is Output.text and sys.stderr.isatty() and not flags.verbose
        self.message = message
        self._status: Any = None

    def __enter__(self) -> _spinner:
        if self.on:
            from rich.console import Console

            self._status = Console(stderr=True).status(self.message)
            self._status.__enter__()
        return self

    def __exit__(self, *args: Any) -> None:
        if self._status is not None:
            self._status.__exit__(*args)


def _error(message: str, hint: str = "") -> None:
    from rich.console import Console
    from rich.text import Text

    from ..scrub import clean

    console = Console(stderr=True, highlight=False)
    console.print(Text.assemble(("error:", "bold red"), " ", clean(message)))
    if hint:
        console.print(Text(clean(hint), style="dim"))


def _logging(verbose: int) -> None:
    # Only aksdoctor's own loggers: the kubernetes client's debug log prints Authorization headers.
    for handler in [h for h in log.handlers if isinstance(h, _StderrHandler)]:
        log.removeHandler(handler)
    if not verbose:
        log.setLevel(logging.WARNING)
        return
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)  # -v: every GET the live source sends (sources/kube_live logs them at debug)


class _StderrHandler(logging.Handler):
    """Writes to whatever sys.stderr is when a record is emitted."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
        except Exception:  # noqa: BLE001 - logging must never break a diagnosis
            self.handleError(record)


__all__ = [
    "Flags",
    "Output",
    "command_started",
    "diagnose_kind",
    "diagnosis_code",
    "guarded",
    "open_sources",
    "print_report",
    "run_diagnosis",
    "split_target",
]

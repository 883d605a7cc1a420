"""scan: every unhealthy pod, stuck Deployment and hot node of a namespace (or all), each diagnosed by the
runbook that fits — on shared reads: one paginated list per resource, read concurrently, preloaded into
the Evidence so no finding makes a per-object call; the managed cluster and role assignments are read
once and shared too (the Evidence memo)."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from .engine import Engine, not_diagnosed, spawn
from .errors import AksDoctorError, DataUnavailable, SourceUnavailable
from .model import Diagnosis, ScanResult, SourceInfo, Status, Target
from .probes.pods import workload_of
from .probes.routing import route
from .sources.evidence import Evidence, Options
from .sources.selectors import dig, label_matcher

_LISTS = (
    "pods", "events", "replicasets", "deployments", "statefulsets", "daemonsets", "nodes", "nodemetrics",
    "services", "endpointslices",
)  # fmt: skip
# Read beside the lists above when they can be: the fix builder's HPA check and the upgrade runbook's PDBs
# then answer from memory rather than a request per namespace (made one after another while routing pods). One
# that cannot be read is simply not preloaded: the finding that needs it reads it and says what it could not.
_EXTRAS = ("horizontalpodautoscalers", "poddisruptionbudgets")
_WORKLOADS = (("deployments", "Deployment"), ("statefulsets", "StatefulSet"), ("daemonsets", "DaemonSet"))
_CLUSTER_WIDE = ("nodes", "nodemetrics")
_WORKERS = 8


@dataclass
class ScanScope:
    """What to scan: a namespace or all, a pod label selector, which runbooks."""

    namespace: str | None = None
    selector: str | None = None
    runbooks: frozenset[str] | None = None
    threshold: float = 90.0


def scan(
    *,
    kube: Any,
    azure: Any,
    engine: Engine,
    scope: ScanScope,
    source: SourceInfo,
    options: Options,
    progress: Callable[[int, int], None] | None = None,
) -> ScanResult:
    """Scan one cluster (or bundle)."""
    started = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    t0 = time.perf_counter()
    deadline = options.deadline or time.monotonic() + options.timeout
    ev = Evidence(kube=kube, azure=azure, target=Target("Namespace", scope.namespace or "all"), options=options)
    lists, skipped = _read_lists(ev, scope.namespace, deadline)
    targets = _targets(ev, lists, scope, engine, skipped)
    findings: list[Diagnosis] = []
    done = 0
    pool = ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix="scan")
    jobs = [
        (target, pool.submit(_diagnose, engine, ev, runbook, target, reason, source, deadline))
        for runbook, target, reason in targets
    ]
    late: list[str] = []
    for target, job in jobs:
        try:
            # the engine stops waiting for probes at the deadline; a little grace to build the report
            diagnosis = job.result(timeout=max(0.0, deadline - time.monotonic()) + 1.0)
        except FutureTimeout:
            late.append(str(target))
            continue
        done += 1
        if progress:
            progress(done, len(jobs))
        if diagnosis.status is not Status.HEALTHY:
            findings.append(diagnosis)
    pool.shutdown(wait=False, cancel_futures=True)
    if late:
        skipped.append(
            f"not diagnosed before the --timeout deadline: {', '.join(late[:10])}"
            + (f" (+{len(late) - 10} more)" if len(late) > 10 else "")
        )
    scanned = {key: len(items) for key, items in lists.items() if key != "nodemetrics"}
    return ScanResult(
        findings=findings,
        scope={"namespace": scope.namespace or "*", "selector": scope.selector or "", "context": source.context},
        scanned=scanned,
        errors=skipped,
        started_at=started,
        duration_ms=int((time.perf_counter() - t0) * 1000),
    )


def _read_lists(
    ev: Evidence, namespace: str | None, deadline: float
) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
    """One paginated list per resource, all at once (daemon threads, bounded by the deadline); nodes may
    be forbidden to a namespace-only user."""
    lists: dict[str, list[dict[str, Any]]] = {}
    skipped: list[str] = []
    futures = {key: spawn(ev.kube.list, _res(key), None if key in _CLUSTER_WIDE else namespace) for key in _LISTS}
    extras = {key: spawn(ev.kube.list, _res(key), namespace) for key in _EXTRAS}
    for key, future in futures.items():
        try:
            lists[key] = future.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            if key == "pods":
                raise SourceUnavailable(
                    "listing pods did not finish before the --timeout deadline",
                    hint="raise --timeout, or narrow the scan with -n / -l",
                ) from None
            skipped.append(f"could not list {key}: not read before the --timeout deadline")
            continue
        except DataUnavailable as exc:
            if key == "pods":
                raise
            skipped.append(f"could not {exc.what}: {exc.reason}")
            continue
        ev.preload(key, lists[key], None if key in _CLUSTER_WIDE else namespace)
    for key, future in extras.items():
        try:
            ev.preload(key, future.result(timeout=max(0.0, deadline - time.monotonic())), namespace)
        except (FutureTimeout, AksDoctorError):
            continue
    return lists, skipped


def _targets(
    ev: Evidence, lists: dict[str, list[dict[str, Any]]], scope: ScanScope, engine: Engine, errors: list[str]
) -> list[tuple[str, Target, str]]:
    available = set(engine.runbooks)
    wanted = scope.runbooks or frozenset(available)
    stuck = {
        (kind.lower(), dig(w, "metadata.namespace"), dig(w, "metadata.name"))
        for key, kind in _WORKLOADS
        for w in lists.get(key, [])
        if _stuck(w)
    }
    stuck_namespaces = {ns for _kind, ns, _name in stuck}
    kinds = {kind.lower(): kind for _key, kind in _WORKLOADS}
    targets: dict[tuple[str, str, str | None, str], tuple[str, Target, str]] = {}
    if "rollout" in available and "rollout" in wanted:
        for kind, ns, name in sorted(stuck):
            target = Target(kinds[kind], name, ns)
            targets[("rollout", target.kind, ns, name)] = ("rollout", target, "the rollout is not complete")
    selected = label_matcher(scope.selector)
    for pod in lists.get("pods", []):
        phase = dig(pod, "status.phase")
        if phase in ("Succeeded", "Failed") or not selected(pod):
            continue
        ns, name = dig(pod, "metadata.namespace"), dig(pod, "metadata.name")
        pod_ev = ev.for_target(Target("Pod", name, ns))
        if ns in stuck_namespaces:  # the owner chain only where a stuck workload could own the pod
            kind, _, owner = workload_of(pod_ev, pod).partition("/")
            if (kind, ns, owner) in stuck:
                continue  # the workload's rollout finding covers its pods (their cause is nested there)
        try:
            chosen = route(pod_ev, available)
        except Exception as exc:  # noqa: BLE001 - a pod that cannot be routed is an error entry, not the scan
            errors.append(f"could not route pod {ns}/{name}: {type(exc).__name__}: {getattr(exc, 'message', exc)}")
            continue
        if chosen is None:
            continue
        if chosen.runbook not in available:  # unhealthy, but no runbook covers it: say so, do not drop it
            if scope.runbooks is None:
                targets[("none", "Pod", ns, name)] = ("none", chosen.target, chosen.reason)
            continue
        if chosen.runbook not in wanted:
            continue
        key = (chosen.runbook, chosen.target.kind, chosen.target.namespace, chosen.target.name)
        targets.setdefault(key, (chosen.runbook, chosen.target, chosen.reason))
    targets |= _object_targets(ev, lists, scope, available & wanted)
    return list(targets.values())


def _object_targets(
    ev: Evidence, lists: dict[str, list[dict[str, Any]]], scope: ScanScope, runbooks: set[str] | frozenset[str]
) -> dict[tuple[str, str, str | None, str], tuple[str, Target, str]]:
    """Findings that are not about one pod: nodes, Services, blocking PDBs, hot nodes."""
    targets: dict[tuple[str, str, str | None, str], tuple[str, Target, str]] = {}
    if "node" in runbooks:
        targets |= _node_targets(lists.get("nodes", []))
    if "upgrade" in runbooks and scope.namespace is None and _blocking_pdb(ev):
        targets[("upgrade", "Cluster", None, "all-pools")] = (
            "upgrade",
            Target("Cluster", "all-pools"),
            "a PodDisruptionBudget allows no disruption: drains and upgrades stop",
        )
    if "service" in runbooks:
        targets.update(_service_targets(lists))
    if "nodecpu" in runbooks and lists.get("nodes") and "nodemetrics" in lists:
        targets[("nodecpu", "Cluster", None, "all-nodes")] = ("nodecpu", Target("Cluster", "all-nodes"), "node CPU")
    return targets


def _blocking_pdb(ev: Evidence) -> bool:
    """scan -A: does some PDB block drains (the upgrade runbook then reports it)? Unreadable PDBs: no finding."""
    from .errors import NotFound
    from .probes.pdb import blocking_pdbs

    try:
        return bool(blocking_pdbs(ev, None))
    except (DataUnavailable, NotFound):
        return False


def _diagnose(
    engine: Engine, ev: Evidence, runbook: str, target: Target, reason: str, source: SourceInfo, deadline: float
) -> Diagnosis:
    if runbook == "none":
        diagnosis = not_diagnosed(target, SourceInfo(**vars(source)), reason)
    else:
        diagnosis = engine.run(runbook, ev.for_target(target), source=SourceInfo(**vars(source)), deadline=deadline)
    diagnosis.routed = {"from": "scan", "runbook": runbook, "reason": reason}
    return diagnosis


def _node_targets(nodes: list[dict[str, Any]]) -> dict[tuple[str, str, str | None, str], tuple[str, Target, str]]:
    """The node runbook for every node that is not Ready or under pressure."""
    out = {}
    for node in nodes:
        why = _node_trouble(node)
        if why:
            name = str(dig(node, "metadata.name", ""))
            out[("node", "Node", None, name)] = ("node", Target("Node", name), why)
    return out


def _node_trouble(node: dict[str, Any]) -> str:
    """Why a node needs the node runbook: not Ready, or under memory, disk or PID pressure ('' when fine)."""
    conditions = {c.get("type"): c.get("status") for c in dig(node, "status.conditions", []) or []}
    if conditions.get("Ready") != "True":
        return f"the node is not Ready (Ready={conditions.get('Ready', 'missing')})"
    pressured = [kind for kind in ("MemoryPressure", "DiskPressure", "PIDPressure") if conditions.get(kind) == "True"]
    return f"the node reports {', '.join(pressured)}" if pressured else ""
def _service_targets(lists: dict[str, list[dict[str, Any]]]) -> dict[tuple[str, str, str | None, str], Any]:
    out = {}
    for svc, reason in _broken_services(lists):
        target = Target("Service", dig(svc, "metadata.name"), dig(svc, "metadata.namespace"))
        out[("service", "Service", target.namespace, target.name)] = ("service", target, reason)
    return out


def _broken_services(lists: dict[str, list[dict[str, Any]]]) -> list[tuple[dict[str, Any], str]]:
    """Services with a pending load balancer, or a selector and no ready endpoint in their EndpointSlices."""
    if "endpointslices" not in lists:
        return []
    ready: set[tuple[str, str]] = set()
    for piece in lists["endpointslices"]:
        owner = dig(piece, "metadata.labels", {}).get("kubernetes.io/service-name")
        if owner and any(dig(e, "conditions.ready") is not False for e in piece.get("endpoints") or []):
            ready.add((dig(piece, "metadata.namespace"), owner))
    out = []
    for svc in lists.get("services", []):
        kind, key = dig(svc, "spec.type", "ClusterIP"), (dig(svc, "metadata.namespace"), dig(svc, "metadata.name"))
        if kind == "LoadBalancer" and not dig(svc, "status.loadBalancer.ingress"):
            out.append((svc, "the LoadBalancer Service has no address"))
        elif kind != "ExternalName" and dig(svc, "spec.selector") and key not in ready:
            out.append((svc, "the Service has no ready endpoint"))
    return out


def _stuck(workload: dict[str, Any]) -> bool:
    """A workload whose rollout is not complete, by its controller's own counters."""
    status = workload.get("status") or {}
    if status.get("observedGeneration", 0) < dig(workload, "metadata.generation", 0):
        return True
    if workload.get("kind") == "DaemonSet":
        want = status.get("desiredNumberScheduled", 0)
        return status.get("updatedNumberScheduled", 0) < want or status.get("numberAvailable", 0) < want
    want = dig(workload, "spec.replicas", 1)
    if workload.get("kind") == "StatefulSet":
        return status.get("updateRevision") != status.get("currentRevision") or status.get("readyReplicas", 0) < want
    return (
        status.get("updatedReplicas", 0) < want
        or status.get("availableReplicas", 0) < want
        or status.get("replicas", 0) > want
    )


def _res(key: str) -> Any:
    from .sources.resources import resource

    return resource(key)


__all__ = ["ScanScope", "scan"]

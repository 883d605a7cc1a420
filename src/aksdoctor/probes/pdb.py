"""PodDisruptionBudgets that stop a drain, evaluated the way AKS's upgrade pre-check (UnsatisfiablePDB) does.

AKS refuses to start an upgrade when a PDB can never allow a disruption ("(UnsatisfiablePDB) Upgrade is
blocked due to invalid Pod Disruption Budgets (PDBs) ... PDB ns/cnpg-primary has minAvailable(1) >=
expectedPods(1)", https://github.com/Azure/AKS/issues/4860): maxUnavailable 0, or minAvailable at least the
pods the PDB expects. A PDB that allows disruptions at full health but not now, because some of its pods are
not Ready, blocks the drain too ("blocked by pdb metrics-server-pdb with 1 unready pods"), and the cure is
those pods' own cause. Percentages round up, as the disruption controller rounds them
(https://kubernetes.io/docs/tasks/run-application/configure-pdb/#rounding-logic-when-specifying-percentages).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ..errors import DataUnavailable, NotFound
from ..model import Target
from ..sources.evidence import Evidence
from ..sources.selectors import dig

# Kinds, in order of how bad the PDB is; the first found is the cause.
BY_CONSTRUCTION = ("single-replica", "max-unavailable-zero", "min-available")
UNHEALTHY = "unhealthy-pods"


@dataclass
class Blocking:
    """A PDB that allows no disruption, and why."""

    kind: str  # single-replica | max-unavailable-zero | min-available | unhealthy-pods
    pdb: dict[str, Any]
    pods: list[dict[str, Any]]
    expected: int
    reason: str
    workload: str = ""  # deployment/web, for kubectl scale
    workload_kind: str = ""
    workload_replicas: int | None = None
    unready: list[dict[str, Any]] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The PDB's name."""
        return str(dig(self.pdb, "metadata.name", ""))

    @property
    def namespace(self) -> str:
        """The PDB's namespace."""
        return str(dig(self.pdb, "metadata.namespace", ""))

    def line(self) -> str:
        """One line for evidence and notes: the PDB, the rule, and its pods per node."""
        where = "; ".join(f"{node}: {', '.join(sorted(names))}" for node, names in sorted(_by_node(self.pods).items()))
        return f"PDB {self.namespace}/{self.name} {self.reason} (pods {where or 'none on these nodes'})"


def blocking_pdbs(ev: Evidence, nodes: set[str] | None) -> list[Blocking]:
    """Every PDB selecting pods on `nodes` (None: any node) that allows no disruption, worst first."""
    return ev.memo(
        ("derived", "upgrade", "pdbs", tuple(sorted(nodes)) if nodes is not None else None),
        lambda: _blocking(ev, nodes),
    )


def _blocking(ev: Evidence, nodes: set[str] | None) -> list[Blocking]:
    pdbs = ev.list("poddisruptionbudgets")
    pods = sorted(  # by name: live lists and bundle files order pods differently
        (p for p in ev.list("pods") if dig(p, "status.phase") not in ("Succeeded", "Failed")),
        key=lambda p: (str(dig(p, "metadata.namespace")), str(dig(p, "metadata.name"))),
    )
    found = []
    for pdb in pdbs:
        ns = dig(pdb, "metadata.namespace", "")
        selected = [p for p in pods if dig(p, "metadata.namespace") == ns and selects(pdb, p)]
        on_pool = [p for p in selected if nodes is None or dig(p, "spec.nodeName") in nodes]
        if not on_pool:
            continue
        verdict = evaluate(ev, pdb, selected)
        if verdict is not None:
            verdict.pods = on_pool
            found.append(verdict)
    order = {k: i for i, k in enumerate((*BY_CONSTRUCTION, UNHEALTHY))}
    return sorted(found, key=lambda b: (order[b.kind], b.namespace, b.name))


def evaluate(ev: Evidence, pdb: dict[str, Any], selected: list[dict[str, Any]]) -> Blocking | None:
    """Why the PDB allows no disruption (by construction, or for unready pods), or None when it allows one."""
    spec = pdb.get("spec") or {}
    status = pdb.get("status") or {}
    expected = int(status.get("expectedPods") or len(selected))
    if expected == 0:
        return None
    max_unavailable = spec.get("maxUnavailable")
    min_available = spec.get("minAvailable")
    owner = _workload(ev, selected)
    if max_unavailable is not None and scaled(max_unavailable, expected) == 0:
        kind = "single-replica" if owner[2] == 1 else "max-unavailable-zero"
        reason = f"has maxUnavailable({max_unavailable}): 0 of its {expected} pod(s) may be evicted"
        return Blocking(kind, pdb, selected, expected, reason, *owner)
    if min_available is not None and scaled(min_available, expected) >= expected:
        kind = "single-replica" if owner[2] == 1 else "min-available"
        reason = f"has minAvailable({min_available}) >= expectedPods({expected})"
        return Blocking(kind, pdb, selected, expected, reason, *owner)
    allowed = status.get("disruptionsAllowed")
    unready = [p for p in selected if not pod_ready(p)]
    if (allowed == 0 and unready) or (allowed is None and unready and _healthy_short(spec, selected, unready)):
        healthy, desired = status.get("currentHealthy", len(selected) - len(unready)), status.get("desiredHealthy")
        reason = (
            f"allows 0 disruptions now: {healthy} healthy of {desired if desired is not None else '?'} desired, "
            f"{len(unready)} unready pod(s)"
        )
        return Blocking(UNHEALTHY, pdb, selected, expected, reason, *owner, unready=unready)
    return None


def scaled(value: Any, total: int) -> int:
    """An intOrString against `total` pods: a number, or a percentage rounded up."""
    text = str(value).strip()
    if text.endswith("%"):
        try:
            return math.ceil(float(text[:-1]) * total / 100)
        except ValueError:
            return 0
    try:
        return int(text)
    except ValueError:
        return 0


def selects(pdb: dict[str, Any], pod: dict[str, Any]) -> bool:
    """Whether the PDB's label selector matches the pod (matchLabels and matchExpressions)."""
    selector = dig(pdb, "spec.selector")
    if selector is None:
        return False  # policy/v1: a null selector selects nothing
    labels = dig(pod, "metadata.labels", {}) or {}
    if any(labels.get(k) != v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def pod_ready(pod: dict[str, Any]) -> bool:
    """The pod's Ready condition is True."""
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in dig(pod, "status.conditions", []) or [])


def handover_target(block: Blocking) -> Target | None:
    """The workload whose rollout runbook explains the unready pods (Deployments and StatefulSets)."""
    kind, _, name = block.workload.partition("/")
    kinds = {"deployment": "Deployment", "statefulset": "StatefulSet", "daemonset": "DaemonSet"}
    if kind in kinds and name:
        return Target(kinds[kind], name, block.namespace)
    return None


def _healthy_short(spec: dict[str, Any], selected: list[dict[str, Any]], unready: list[dict[str, Any]]) -> bool:
    """Without status (a hand-made bundle): would the disruption controller allow 0 disruptions?"""
    total, healthy = len(selected), len(selected) - len(unready)
    if spec.get("maxUnavailable") is not None:
        desired = total - scaled(spec["maxUnavailable"], total)
    else:
        desired = scaled(spec.get("minAvailable", 0), total)
    return healthy - desired <= 0


def _workload(ev: Evidence, pods: list[dict[str, Any]]) -> tuple[str, str, int | None]:
    """(deployment/web, Deployment, spec.replicas) of the pods' controller, through their ReplicaSet."""
    for pod in pods:
        ref = next((r for r in dig(pod, "metadata.ownerReferences", []) or [] if r.get("controller")), None)
        if ref is None:
            continue
        ns = dig(pod, "metadata.namespace", "")
        kind, name = ref.get("kind", ""), ref.get("name", "")
        try:
            if kind == "ReplicaSet":
                rs = ev.get("replicasets", name, ns)
                top = next((r for r in dig(rs, "metadata.ownerReferences", []) or [] if r.get("controller")), None)
                if top and top.get("kind") == "Deployment":
                    dep = ev.get("deployments", top["name"], ns)
                    return f"deployment/{top['name']}", "Deployment", _replicas(dep)
                return f"replicaset/{name}", "ReplicaSet", _replicas(rs)
            if kind == "StatefulSet":
                return f"statefulset/{name}", "StatefulSet", _replicas(ev.get("statefulsets", name, ns))
        except (DataUnavailable, NotFound):
            return "", kind, None
        return "", kind, None
    return "", "", None


def _replicas(obj: dict[str, Any]) -> int | None:
    value = dig(obj, "spec.replicas")
    return int(value) if value is not None else 1


def _by_node(pods: list[dict[str, Any]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for pod in pods:
        out.setdefault(str(dig(pod, "spec.nodeName") or "unscheduled"), []).append(str(dig(pod, "metadata.name")))
    return out


__all__ = ["Blocking", "blocking_pdbs", "evaluate", "handover_target", "pod_ready", "scaled", "selects"]

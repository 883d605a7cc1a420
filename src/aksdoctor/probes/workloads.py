"""Who burns the CPU of a hot node: its top pods (PodMetrics) with their owner workload, requests and limits,
and the workload's HPA. Every read is cluster-wide and made once: pods, PodMetrics, ReplicaSets, HPAs.

Several findings can hold at once (a runaway pod on a pool at its maximum); the runbook names one cause,
so each cause probe lists the other findings as notes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import DataUnavailable, NotFound
from ..model import Outcome
from ..sources.evidence import Evidence
from ..sources.selectors import dig
from . import quota
from .nodes import NodeCpu, cpu_of, cpu_picture
from .quantity import format_cpu, parse_quantity
from .registry import probe
from .scheduling import selector_matches

TOP_PODS = 5
MAX_OTHER_NODES = 4  # hot nodes beyond the first get one line each, up to this many
RUNAWAY_SHARE = 0.5  # "uses most of the node": a pod without a CPU limit at half the node's allocatable or more
UNDERESTIMATE_FACTOR = 2.0  # "far above requests": the pods of a hot node use twice what they request, or more
USER_SHARE = 0.5  # user pods burn at least half of the pod CPU of a System-pool node
# The HPA leaves replicas alone while |usage/target - 1| <= 0.1 (kube-controller-manager
# --horizontal-pod-autoscaler-tolerance, pkg/controller/podautoscaler/replica_calculator.go).
HPA_TOLERANCE = 0.1
# Namespaces of AKS add-ons and common platform operators: their pods count as system pods.
SYSTEM_NAMESPACES = frozenset(
    {
        "kube-system",
        "kube-public",
        "kube-node-lease",
        "gatekeeper-system",
        "calico-system",
        "tigera-operator",
        "aks-command",
        "app-routing-system",
    }
)


@probe("workloads.runaway_pod")
def runaway_pod(ev: Evidence) -> Outcome:
    """Does a pod without a CPU limit use most of a hot node?"""
    found = runaway(ev)
    if found is None:
        node, pods = _hottest(ev)
        text = f"no pod without a CPU limit uses {RUNAWAY_SHARE:.0%} or more of a hot node's allocatable CPU"
        return Outcome.no(text, *_top_lines(node, pods), *_other_hot_lines(ev, skip=node.name))
    node, pod, container = found.node, found.pod, found.container
    facts = _pod_facts(pod, container) | {
        "node": node.name,
        "node_share": _share(pod.usage_m, node.allocatable_m),
        "suggested_cpu_limit": format_cpu(
            max(_round_down(node.allocatable_m * RUNAWAY_SHARE, 100), container.request_m)
        ),
        "notes": other_findings(ev, skip="runaway-pod-no-limits"),
    }
    head = (
        f"{pod.ref} ({pod.workload}) uses {cpu_text(pod.usage_m)}, {facts['node_share']} of {node.name}'s "
        f"allocatable, and container {container.name} has no CPU limit",
        f"PodMetrics {pod.ref} and Pod {pod.ref} spec.containers[].resources",
    )
    lines = [head, *_top_lines(node, found.pods), *_other_hot_lines(ev, skip=node.name)]
    return Outcome.yes(*lines, **facts)


@probe("workloads.requests_underestimated")
def requests_underestimated(ev: Evidence) -> Outcome:
    """Do the pods of a hot node use far more CPU than they request?"""
    found = underestimated(ev)
    if found is None:
        node, pods = _hottest(ev)
        used, asked = sum(p.usage_m for p in pods), sum(p.request_m for p in pods)
        text = f"the pods on {node.name} use {cpu_text(used)} and request {cpu_text(asked)} ({_ratio(used, asked)})"
        return Outcome.no((text, f"PodMetrics and Pods on {node.name}"))
    node, pod, container = found.node, found.pod, found.container
    facts = _pod_facts(pod, container) | {
        "node": node.name,
        "pods_cpu": cpu_text(found.usage_m),
        "pods_requests": cpu_text(found.request_m),
        "usage_ratio": _ratio(found.usage_m, found.request_m),
        "suggested_cpu_request": format_cpu(math.ceil(container.usage_m / 50) * 50),
        "notes": other_findings(ev, skip="cpu-requests-underestimated"),
    }
    lines = [
        (
            f"the {len(found.pods)} pods on {node.name} use {facts['pods_cpu']} and request {facts['pods_requests']} "
            f"({facts['usage_ratio']} their requests)",
            f"PodMetrics and Pods on {node.name}",
        ),
        (f"furthest above its request: {pod.describe(node)}", f"PodMetrics {pod.ref}"),
    ]
    return Outcome.yes(*lines, **facts)


@probe("workloads.hpa_at_max")
def hpa_at_max(ev: Evidence) -> Outcome:
    """Is the HPA of a hot workload at maxReplicas while its metric asks for more?"""
    states = hpa_states(ev)
    lines = [(s.describe(), f"HorizontalPodAutoscaler {s.namespace}/{s.name}") for s in states[:TOP_PODS]]
    capped = [s for s in states if s.wants_more]
    if not capped:
        if not lines:
            lines = ["no HorizontalPodAutoscaler targets the workloads of the top pods on the hot nodes"]
        return Outcome.no(*lines)
    hpa = capped[0]
    facts = {
        "hpa": hpa.name,
        "namespace": hpa.namespace,
        "workload": hpa.target,
        "current_replicas": hpa.current,
        "max_replicas": hpa.maximum,
        "wanted_replicas": hpa.wanted,
        "hpa_metric": hpa.metric,
        "notes": other_findings(ev, skip="hpa-at-max-replicas"),
    }
    return Outcome.yes(*lines, **facts)


@probe("workloads.user_pods_on_system_pool")
def user_pods_on_system_pool(ev: Evidence) -> Outcome:
    """Do user workloads burn the CPU of a hot System-mode node that has no CriticalAddonsOnly taint?"""
    found = system_pool_use(ev)
    if found is None:
        modes = sorted({f"{n.pool} ({n.mode or 'mode unknown'})" for n, _ in hot_pods(ev)})
        return Outcome.no(f"hot nodes' pools: {', '.join(modes)}; no untainted System pool runs mostly user pods")
    pools = {n.pool for n in cpu_picture(ev).nodes}
    if len(pools) == 1:  # the only pool: the user pods have nowhere else to run, so this is not why the node is hot
        note = (
            f"user pods use {_share(found.user_usage_m, found.pods_usage_m)} of the pod CPU on {found.node.name}, a "
            f"node of System pool {found.node.pool}, the cluster's only pool: a User pool (`az aks nodepool add "
            "--mode User`) would keep them away from CoreDNS and metrics-server"
        )
        return Outcome.no(f"{found.node.pool} is the cluster's only pool: user pods have no other pool", notes=[note])
    node, user = found.node, found.user_pods
    owned = [p for p in user if p.owner]
    workloads = list(dict.fromkeys(f"{p.workload} ({p.namespace})" for p in user))
    user_nodes = max(1, math.ceil(found.user_usage_m / (node.allocatable_m * 0.7)))  # sized for ~70% busy
    facts = {
        "node": node.name,
        "pool": node.pool,
        "vm_size": node.vm_size,
        "user_share": _share(found.user_usage_m, found.pods_usage_m),
        "user_workloads": workloads[:TOP_PODS],
        "system_taints": ",".join([*found.kept_taints, "CriticalAddonsOnly=true:NoSchedule"]),
        "needs_user_pool": not found.user_pool,
        "user_pool_nodes": user_nodes,
        "user_pool_max": user_nodes * 2,
        "notes": other_findings(ev, skip="user-pods-on-system-pool"),
    }
    if owned:
        facts |= {"top_user_workload": owned[0].workload, "top_user_namespace": owned[0].namespace}
    head = (
        f"{node.name} is in System pool {node.pool} without the CriticalAddonsOnly taint, and user pods use "
        f"{cpu_text(found.user_usage_m)} of the {cpu_text(found.pods_usage_m)} its pods use ({facts['user_share']})",
        f"Node {node.name} label kubernetes.azure.com/mode=system and spec.taints",
    )
    return Outcome.yes(head, **facts)


# Scheduler texts that say a pod waits for capacity (noderesources/fit.go), not for a label or a volume
_CAPACITY_REASONS = ("Insufficient ", "Too many pods")


@probe("nodes.pods_waiting_for_capacity")
def pods_waiting_for_capacity(ev: Evidence) -> Outcome:
    """Do pods wait for a node (Pending, unschedulable for CPU, memory or pod slots), so capacity must follow?"""
    waiting = []
    for pod in ev.list("pods"):
        if dig(pod, "status.phase") != "Pending" or dig(pod, "spec.nodeName"):
            continue
        condition = next((c for c in dig(pod, "status.conditions", []) or [] if c.get("type") == "PodScheduled"), {})
        message = str(condition.get("message") or "")
        if condition.get("reason") == "Unschedulable" and any(r in message for r in _CAPACITY_REASONS):
            waiting.append((f"{dig(pod, 'metadata.namespace')}/{dig(pod, 'metadata.name')}", message))
    if not waiting:
        return Outcome.no(("no pod is Pending for CPU, memory or pod slots", "Pods (cluster-wide list)"))
    waiting.sort()  # the same first pod from a bundle as from the API server (etcd key order)
    ref, message = waiting[0]
    more = f" (and {len(waiting) - 1} more)" if len(waiting) > 1 else ""
    text = f"{len(waiting)} pod(s) wait for capacity: {ref}{more}: {' '.join(message.split())[:300]}"
    # the pool and the quota answer first; what else holds on the hot nodes is kept as "also" notes
    notes = [n for n in other_findings(ev, skip="pool") if not n.startswith("also: the region's")]
    return Outcome.yes((text, f"Pod {ref} condition PodScheduled"), pending_pods=[r for r, _ in waiting], notes=notes)


# ---- shared reads and findings (memoized on the Evidence) ---------------------------------------
@dataclass(frozen=True)
class ContainerCpu:
    """A container's CPU usage, request and limit (None: no limit) in millicores."""

    name: str
    usage_m: float
    request_m: float
    limit_m: float | None


@dataclass(frozen=True)
class PodCpu:
    """A running pod's CPU with its owner workload."""

    namespace: str
    name: str
    node: str
    owner: tuple[str, str] | None  # (kind, name) of the top controller: Deployment, StatefulSet, DaemonSet, ...
    containers: tuple[ContainerCpu, ...]

    @property
    def ref(self) -> str:
        """namespace/name."""
        return f"{self.namespace}/{self.name}"

    @property
    def workload(self) -> str:
        """`deployment/web`, or `pod/NAME` for a pod without a controller."""
        return f"{self.owner[0].lower()}/{self.owner[1]}" if self.owner else f"pod/{self.name}"

    @property
    def usage_m(self) -> float:
        """CPU used by all its containers."""
        return sum(c.usage_m for c in self.containers)

    @property
    def request_m(self) -> float:
        """CPU requested by all its containers."""
        return sum(c.request_m for c in self.containers)

    @property
    def system(self) -> bool:
        """A pod of an AKS add-on or a DaemonSet (runs on every node whatever the pool)."""
        return self.namespace in SYSTEM_NAMESPACES or (self.owner is not None and self.owner[0] == "DaemonSet")

    def unlimited(self) -> list[ContainerCpu]:
        """Its containers without a CPU limit, busiest first."""
        return sorted((c for c in self.containers if c.limit_m is None), key=lambda c: -c.usage_m)

    def describe(self, node: NodeCpu) -> str:
        """One evidence line: usage, share of the node, request and limit."""
        limits = [c.limit_m for c in self.containers]
        limit = "no CPU limit" if None in limits else f"limit {format_cpu(sum(x or 0 for x in limits))}"
        request = f"request {format_cpu(self.request_m)}" if self.request_m else "no CPU request"
        over = f" ({_ratio(self.usage_m, self.request_m)} its request)" if self.request_m else ""
        return (
            f"{self.ref} ({self.workload}): {cpu_text(self.usage_m)}, "
            f"{_share(self.usage_m, node.allocatable_m)} of the node; {request}{over}, {limit}"
        )


@dataclass(frozen=True)
class Runaway:
    """A pod without a CPU limit that uses most of a hot node."""

    node: NodeCpu
    pod: PodCpu
    container: ContainerCpu
    pods: list[PodCpu]


@dataclass(frozen=True)
class Underestimated:
    """A hot node whose pods use far more than they request, and the pod furthest above its request."""

    node: NodeCpu
    usage_m: float
    request_m: float
    pod: PodCpu
    container: ContainerCpu
    pods: list[PodCpu]


@dataclass(frozen=True)
class SystemPoolUse:
    """A hot System-pool node without the CriticalAddonsOnly taint where user pods burn the CPU."""

    node: NodeCpu
    pods: list[PodCpu]
    user_pods: list[PodCpu]
    user_usage_m: float
    pods_usage_m: float
    kept_taints: tuple[str, ...]
    user_pool: bool


@dataclass(frozen=True)
class HpaState:
    """An HPA of a hot workload: replicas against max, and how far its metric is from target."""

    namespace: str
    name: str
    target: str
    current: int
    maximum: int
    ratio: float | None
    metric: str
    usage_m: float

    @property
    def wanted(self) -> int:
        """Replicas the metric asks for: ceil(current * usage / target), as the HPA computes it."""
        return max(self.current, math.ceil(self.current * self.ratio)) if self.ratio else self.current

    @property
    def wants_more(self) -> bool:
        """At maxReplicas with the metric above target beyond the HPA's tolerance (numbers, not reason strings)."""
        return self.current >= self.maximum and self.ratio is not None and self.ratio > 1 + HPA_TOLERANCE

    def describe(self) -> str:
        """One evidence line."""
        wants = f", wants {self.wanted}" if self.wants_more else ""
        return (
            f"HPA {self.namespace}/{self.name} on {self.target}: {self.current} of max {self.maximum} replicas; "
            f"{self.metric}{wants}"
        )


def pods_by_node(ev: Evidence) -> dict[str, list[PodCpu]]:
    """Running pods by node, with usage from one cluster-wide PodMetrics list, busiest first."""
    return ev.memo(("derived", "nodecpu.pods_by_node"), lambda: _pods_by_node(ev))


def hot_pods(ev: Evidence) -> list[tuple[NodeCpu, list[PodCpu]]]:
    """Each hot node (hottest first) with its pods (busiest first)."""
    by_node = pods_by_node(ev)
    return [(node, by_node.get(node.name, [])) for node in cpu_picture(ev).hot]


def runaway(ev: Evidence) -> Runaway | None:
    """The pod without a CPU limit that takes the largest share of a hot node, when that share is most of it."""
    found = []
    for node, pods in hot_pods(ev):
        for pod in pods:
            free = pod.unlimited()
            if free and node.allocatable_m and pod.usage_m >= RUNAWAY_SHARE * node.allocatable_m:
                found.append(Runaway(node, pod, free[0], pods))
    return max(found, key=lambda r: r.pod.usage_m / r.node.allocatable_m, default=None)


def underestimated(ev: Evidence) -> Underestimated | None:
    """The hot node whose pods exceed their requests the most, when usage is far above requests."""
    found = []
    for node, pods in hot_pods(ev):
        usage, request = sum(p.usage_m for p in pods), sum(p.request_m for p in pods)
        if not pods or usage < UNDERESTIMATE_FACTOR * request or usage <= 0:
            continue
        pod = max(pods, key=lambda p: p.usage_m - p.request_m)
        container = max(pod.containers, key=lambda c: c.usage_m - c.request_m)
        found.append(Underestimated(node, usage, request, pod, container, pods))
    return max(found, key=lambda u: u.usage_m / max(u.request_m, 1.0), default=None)


def system_pool_use(ev: Evidence) -> SystemPoolUse | None:
    """A hot node of an untainted System pool where user pods use at least half of the pods' CPU."""
    user_pool = any(n.mode == "user" for n in cpu_picture(ev).nodes)
    for node, pods in hot_pods(ev):
        if node.mode != "system" or any(t.startswith("CriticalAddonsOnly") for t in node.taints):
            continue
        user = [p for p in pods if not p.system]
        used, all_used = sum(p.usage_m for p in user), sum(p.usage_m for p in pods)
        if user and all_used and used >= USER_SHARE * all_used:
            # taints the kubelet or the node lifecycle set come and go: keep only the pool's own
            kept = tuple(t for t in node.taints if not t.startswith(("node.kubernetes.io/", "node.cloudprovider.")))
            return SystemPoolUse(node, pods, user, used, all_used, kept, user_pool)
    return None


def hpa_states(ev: Evidence) -> list[HpaState]:
    """The HPAs of the workloads of the top pods on hot nodes, busiest workload first."""
    usage: dict[tuple[str, str, str], float] = {}
    for _node, pods in hot_pods(ev):
        for pod in pods[:TOP_PODS]:
            if pod.owner:
                key = (pod.namespace, *pod.owner)
                usage[key] = usage.get(key, 0.0) + pod.usage_m
    # namespaces whose top pods' ReplicaSets could not be tied to a Deployment (ReplicaSets not readable)
    unresolved = {ns for (ns, kind, _name) in usage if kind == "ReplicaSet"}
    out = []
    for hpa in ev.list("horizontalpodautoscalers"):
        ref = dig(hpa, "spec.scaleTargetRef", {}) or {}
        key = (str(dig(hpa, "metadata.namespace", "")), str(ref.get("kind", "")), str(ref.get("name", "")))
        if key not in usage and key[1] == "Deployment" and key[0] in unresolved:
            # ReplicaSets not readable (or not captured): the pods are the Deployment's by its selector
            matched = _usage_by_selector(ev, key)
            if matched:
                usage[key] = matched
        if key in usage:
            ratio, metric = _hpa_ratio(hpa)
            out.append(
                HpaState(
                    namespace=key[0],
                    name=str(dig(hpa, "metadata.name", "")),
                    target=f"{key[1].lower()}/{key[2]}",
                    current=int(dig(hpa, "status.currentReplicas", 0) or 0),
                    maximum=int(dig(hpa, "spec.maxReplicas", 0) or 0),
                    ratio=ratio,
                    metric=metric,
                    usage_m=usage[key],
                )
            )
    return sorted(out, key=lambda s: (not s.wants_more, -s.usage_m, s.namespace, s.name))


def _usage_by_selector(ev: Evidence, key: tuple[str, str, str]) -> float:
    """CPU of the hot nodes' top pods that the Deployment's spec.selector matches (pods still owned by a
    ReplicaSet whose Deployment could not be read)."""
    ns, _kind, name = key
    try:
        deployment = ev.get("deployments", name, ns)
    except (DataUnavailable, NotFound):
        return 0.0
    selector = dig(deployment, "spec.selector")
    labels = {
        str(dig(p, "metadata.name", "")): dig(p, "metadata.labels", {}) or {}
        for p in ev.list("pods")
        if dig(p, "metadata.namespace") == ns
    }
    total = 0.0
    for _node, pods in hot_pods(ev):
        for pod in pods[:TOP_PODS]:
            owned = pod.namespace == ns and pod.owner and pod.owner[0] == "ReplicaSet"
            if owned and selector_matches(selector, labels.get(pod.name, {})):
                total += pod.usage_m
    return total


def other_findings(ev: Evidence, *, skip: str) -> list[str]:
    """The findings other than `skip` that also hold, one line each, so nothing seen is lost."""
    checks: list[tuple[str, Callable[[Evidence], str | None]]] = [
        ("runaway-pod-no-limits", _runaway_line),
        ("cpu-requests-underestimated", _underestimated_line),
        ("hpa-at-max-replicas", _hpa_line),
        ("user-pods-on-system-pool", _system_pool_line),
        ("pool", quota.pool_line),
        ("vm-quota-exceeded", quota.quota_line),
    ]
    lines = []
    for cause, check in checks:
        if cause == skip:
            continue
        try:
            line = check(ev)
        except (DataUnavailable, NotFound):
            continue  # a finding that cannot be checked is not a finding; its own probe says why
        if line:
            lines.append(f"also: {line}")
    return lines


def _runaway_line(ev: Evidence) -> str | None:
    found = runaway(ev)
    if found is None:
        return None
    return (
        f"{found.pod.ref} ({found.pod.workload}) has no CPU limit and uses "
        f"{_share(found.pod.usage_m, found.node.allocatable_m)} of {found.node.name}"
    )


def _underestimated_line(ev: Evidence) -> str | None:
    found = underestimated(ev)
    if found is None:
        return None
    return (
        f"the pods on {found.node.name} use {_ratio(found.usage_m, found.request_m)} their CPU requests "
        f"({cpu_text(found.usage_m)} used, {cpu_text(found.request_m)} requested)"
    )


def _hpa_line(ev: Evidence) -> str | None:
    capped = [s for s in hpa_states(ev) if s.wants_more]
    if not capped:
        return None
    s = capped[0]
    return f"HPA {s.namespace}/{s.name} is at maxReplicas {s.maximum} and its metric asks for {s.wanted} ({s.metric})"


def _system_pool_line(ev: Evidence) -> str | None:
    found = system_pool_use(ev)
    if found is None or len({n.pool for n in cpu_picture(ev).nodes}) == 1:  # the only pool: its probe notes it
        return None
    return (
        f"user pods use {_share(found.user_usage_m, found.pods_usage_m)} of the pod CPU on {found.node.name}, "
        f"a node of System pool {found.node.pool} without the CriticalAddonsOnly taint"
    )


def _pods_by_node(ev: Evidence) -> dict[str, list[PodCpu]]:
    usage = _pod_usage(ev)
    owners = _deployment_of_replicaset(ev)
    out: dict[str, list[PodCpu]] = {}
    for pod in ev.list("pods"):
        node = dig(pod, "spec.nodeName")
        if not node or dig(pod, "status.phase") in ("Succeeded", "Failed"):
            continue
        ns, name = str(dig(pod, "metadata.namespace", "")), str(dig(pod, "metadata.name", ""))
        used = usage.get((ns, name), {})
        containers = tuple(_container(c, used) for c in dig(pod, "spec.containers", []) or [])
        out.setdefault(node, []).append(PodCpu(ns, name, node, _owner(pod, owners), containers))
    for pods in out.values():
        pods.sort(key=lambda p: (-p.usage_m, p.ref))
    return out


def _pod_usage(ev: Evidence) -> dict[tuple[str, str], dict[str, float]]:
    """(namespace, pod) -> container -> millicores, from one PodMetrics list over all namespaces."""
    out: dict[tuple[str, str], dict[str, float]] = {}
    for metrics in ev.list("podmetrics"):
        key = (str(dig(metrics, "metadata.namespace", "")), str(dig(metrics, "metadata.name", "")))
        out[key] = {str(c.get("name")): cpu_of(dig(c, "usage.cpu")) for c in metrics.get("containers") or []}
    return out


def _deployment_of_replicaset(ev: Evidence) -> dict[tuple[str, str], str]:
    """(namespace, ReplicaSet) -> its Deployment, from one ReplicaSet list; empty when it cannot be read."""
    try:
        replicasets = ev.list("replicasets")
    except DataUnavailable:
        return {}
    out = {}
    for rs in replicasets:
        owner = next((o for o in dig(rs, "metadata.ownerReferences", []) or [] if o.get("kind") == "Deployment"), None)
        if owner:
            out[(str(dig(rs, "metadata.namespace", "")), str(dig(rs, "metadata.name", "")))] = str(owner.get("name"))
    return out


def _owner(pod: dict[str, Any], deployments: dict[tuple[str, str], str]) -> tuple[str, str] | None:
    refs = dig(pod, "metadata.ownerReferences", []) or []
    ref = next((o for o in refs if o.get("controller")), refs[0] if refs else None)
    if ref is None:
        return None
    kind, name = str(ref.get("kind", "")), str(ref.get("name", ""))
    if kind == "ReplicaSet":
        deployment = deployments.get((str(dig(pod, "metadata.namespace", "")), name))
        return ("Deployment", deployment) if deployment else (kind, name)
    return kind, name


def _container(spec: dict[str, Any], usage: dict[str, float]) -> ContainerCpu:
    resources = spec.get("resources") or {}
    limit = dig(resources, "limits.cpu")
    return ContainerCpu(
        name=str(spec.get("name", "")),
        usage_m=usage.get(str(spec.get("name", "")), 0.0),
        # a container with a limit and no request gets request = limit (API defaulting)
        request_m=cpu_of(dig(resources, "requests.cpu") or limit),
        limit_m=cpu_of(limit) if limit not in (None, "") else None,
    )


def _hpa_ratio(hpa: dict[str, Any]) -> tuple[float | None, str]:
    """The largest current/target ratio over the HPA's metrics, and how it reads ('cpu at 183% of requests, ...')."""
    best: tuple[float | None, str] = (None, "its metrics have no current value")
    current = {_metric_key(m): m for m in dig(hpa, "status.currentMetrics", []) or []}
    for spec in dig(hpa, "spec.metrics", []) or []:
        status = current.get(_metric_key(spec))
        if status is None:
            continue
        pair = _metric_pair(spec, status)
        if pair is None:
            continue
        now, target, text = pair
        ratio = now / target if target else None
        if ratio is not None and (best[0] is None or ratio > best[0]):
            best = (ratio, text)
    return best


def _metric_key(metric: dict[str, Any]) -> tuple[str, str, str]:
    kind = str(metric.get("type", ""))
    body = metric.get(kind[:1].lower() + kind[1:]) or {}
    name = body.get("name") or dig(body, "metric.name", "")
    return kind, str(name), str(body.get("container", ""))


def _metric_pair(spec: dict[str, Any], status: dict[str, Any]) -> tuple[float, float, str] | None:
    kind = str(spec.get("type", ""))
    field = kind[:1].lower() + kind[1:]
    name = _metric_key(spec)[1]
    target, now = dig(spec, f"{field}.target", {}) or {}, dig(status, f"{field}.current", {}) or {}
    if target.get("averageUtilization") is not None and now.get("averageUtilization") is not None:
        cur, want = float(now["averageUtilization"]), float(target["averageUtilization"])
        return cur, want, f"{name} at {cur:g}% of requests, target {want:g}%"
    for key in ("averageValue", "value"):
        if target.get(key) is not None and now.get(key) is not None:
            cur, want = float(parse_quantity(now[key])), float(parse_quantity(target[key]))
            return cur, want, f"{name} at {now[key]}, target {target[key]}"
    return None


def _hottest(ev: Evidence) -> tuple[NodeCpu, list[PodCpu]]:
    pairs = hot_pods(ev)
    if not pairs:
        raise NotFound("a node at or above the threshold")
    return pairs[0]


def _other_hot_lines(ev: Evidence, *, skip: str) -> list[tuple[str, str]]:
    """One compact line per other hot node (at most four): its three busiest pods."""
    out = []
    for node, pods in [(n, p) for n, p in hot_pods(ev) if n.name != skip][:MAX_OTHER_NODES]:
        top = "; ".join(f"{p.ref} ({p.workload}) {cpu_text(p.usage_m)}, {_request_text(p)}" for p in pods[:3])
        out.append((f"top on {node.name}: {top}", f"PodMetrics on {node.name}"))
    return out


def _request_text(pod: PodCpu) -> str:
    return f"request {format_cpu(pod.request_m)}" if pod.request_m else "no request"


def _top_lines(node: NodeCpu, pods: list[PodCpu]) -> list[tuple[str, str]]:
    return [(f"top on {node.name}: {p.describe(node)}", f"PodMetrics {p.ref}") for p in pods[:TOP_PODS]]


def _pod_facts(pod: PodCpu, container: ContainerCpu) -> dict[str, Any]:
    return {
        "pod": pod.name,
        "namespace": pod.namespace,
        "workload": pod.workload,
        "owner_workload": pod.workload if pod.owner else None,
        "container": container.name,
        "pod_cpu": cpu_text(pod.usage_m),
        "cpu_request": format_cpu(container.request_m) if container.request_m else "none",
        "request_ratio": _ratio(pod.usage_m, pod.request_m) if pod.request_m else "with no request",
    }


def cpu_text(millicores: float) -> str:
    """CPU for sentences: '850m', '1 core', '3.1 cores'."""
    if millicores < 1000:
        return format_cpu(millicores)
    text = format_cpu(millicores)
    return f"{text} core" if text == "1" else f"{text} cores"


def _share(part: float, whole: float) -> str:
    return f"{100.0 * part / whole:.0f}%" if whole else "?"


def _ratio(part: float, whole: float) -> str:
    return f"{part / whole:.1f}x" if whole else "more than"  # "use more than the CPU they request": nothing


def _round_down(millicores: float, step: int) -> float:
    return max(step, math.floor(millicores / step) * step)


__all__ = [
    "HpaState",
    "PodCpu",
    "cpu_text",
    "hot_pods",
    "hpa_at_max",
    "hpa_states",
    "other_findings",
    "pods_by_node",
    "requests_underestimated",
    "runaway",
    "runaway_pod",
    "system_pool_use",
    "underestimated",
    "user_pods_on_system_pool",
]

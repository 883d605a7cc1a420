"""Node CPU probes: usage from metrics.k8s.io against allocatable, per node and per pool; is metrics.k8s.io served.

The percentage is `kubectl top node`'s: node usage (metrics.k8s.io NodeMetrics, which counts system
daemons too) over the node's *allocatable* CPU (kubectl pkg/cmd/top/top_node.go; `--show-capacity`
switches to capacity, shown here as well). Every figure comes from three cluster-wide lists (nodes,
NodeMetrics, and for the per-pod view PodMetrics and pods): never one request per node.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ..errors import ApiError, DataUnavailable, NotCaptured, NotFound, TargetNotFound
from ..model import Gauge, Outcome, Target
from ..sources.evidence import Evidence
from ..sources.selectors import dig
from .image_ref import closest
from .quantity import InvalidQuantity, cpu_millicores, format_cpu
from .registry import probe

DEFAULT_THRESHOLD = 90.0
MAX_CHARTED_NODES = 20  # the chart stays compact on a 200-node cluster: the hottest 20, then every pool
MAX_LISTED_NODES = 5
# AKS labels every node with its pool, and System-mode pools' nodes with kubernetes.azure.com/mode=system
# (https://learn.microsoft.com/azure/aks/use-system-pools).
POOL_LABELS = ("kubernetes.azure.com/agentpool", "agentpool")
MODE_LABEL = "kubernetes.azure.com/mode"
METRICS_APISERVICE = "v1beta1.metrics.k8s.io"
METRICS_SERVER_SELECTOR = "k8s-app=metrics-server"  # the AKS metrics-server add-on's pod label


@probe("nodes.cpu_pressure", outcomes=("hot", "below-threshold", "metrics-unavailable"))
def cpu_pressure(ev: Evidence) -> Outcome:
    """Is a node at or above the CPU threshold (usage from metrics.k8s.io against allocatable)?"""
    try:
        picture = cpu_picture(ev)
    except MetricsUnavailable as down:
        return Outcome.of("metrics-unavailable", *down.evidence, **down.facts)
    facts: dict[str, Any] = {"threshold": _percent_text(picture.threshold), "gauges": picture.gauges()}
    facts["notes"] = picture.notes()
    if not picture.nodes:
        return Outcome.unknown(f"no node metrics for {ev.target.name}", **facts)
    hottest = picture.nodes[0]
    facts |= {"hottest_node": hottest.name, "hottest_percent": _percent_text(hottest.percent)}
    if not picture.hot:
        where = (
            f"node {hottest.name} is"
            if picture.single
            else f"no node is at or above it; the hottest, {hottest.name}, is"
        )
        text = f"threshold {_percent_text(picture.threshold)}: {where} at {hottest.describe()}"
        return Outcome.of("below-threshold", (text, _metrics_source(hottest.name)), **facts)
    lines = [
        (f"{n.name} (pool {n.pool or '?'}) is at {n.describe()}", _metrics_source(n.name))
        for n in picture.hot[:MAX_LISTED_NODES]
    ]
    if len(picture.hot) > MAX_LISTED_NODES:
        lines.append(f"and {len(picture.hot) - MAX_LISTED_NODES} more nodes at or above {picture.threshold:g}%")
    facts |= {"node": picture.hot[0].name, "hot_nodes": [n.name for n in picture.hot], "pool": picture.hot[0].pool}
    return Outcome.of("hot", *lines, **facts)


# ---- shared reads (memoized on the Evidence) ----------------------------------------------------
@dataclass(frozen=True)
class NodeCpu:
    """One node's CPU: usage against allocatable (the base of the percentage) and capacity."""

    name: str
    pool: str
    usage_m: float
    allocatable_m: float
    capacity_m: float
    mode: str = ""
    vm_size: str = ""
    taints: tuple[str, ...] = ()

    @property
    def percent(self) -> float:
        """Usage as a percentage of allocatable, as `kubectl top node` prints it."""
        return 100.0 * self.usage_m / self.allocatable_m if self.allocatable_m else 0.0

    def describe(self) -> str:
        """'95.9% of allocatable (3.7 of 3.86 cores; capacity 4)'."""
        return (
            f"{_percent_text(self.percent)} of allocatable ({format_cpu(self.usage_m)} of "
            f"{format_cpu(self.allocatable_m)} cores; capacity {format_cpu(self.capacity_m)})"
        )


@dataclass(frozen=True)
class CpuPicture:
    """Every node with metrics, hottest first; which are at or above the threshold."""

    threshold: float
    nodes: list[NodeCpu]
    single: bool = False
    without_metrics: list[str] = field(default_factory=list)

    @property
    def hot(self) -> list[NodeCpu]:
        """The nodes at or above the threshold, hottest first."""
        return [n for n in self.nodes if n.percent >= self.threshold]

    def node(self, name: str) -> NodeCpu | None:
        """A node by name."""
        return next((n for n in self.nodes if n.name == name), None)

    def pool_nodes(self, pool: str) -> list[NodeCpu]:
        """The nodes of one pool (with metrics)."""
        return [n for n in self.nodes if n.pool == pool]

    def gauges(self) -> list[Gauge]:
        """Per node (the hottest MAX_CHARTED_NODES), then per pool."""
        charted = self.nodes[:MAX_CHARTED_NODES]
        out = [
            Gauge(n.name, round(n.usage_m), round(n.allocatable_m), "m", n.pool, round(n.capacity_m)) for n in charted
        ]
        if self.single:
            return out
        pools: dict[str, list[NodeCpu]] = {}
        for n in self.nodes:
            pools.setdefault(n.pool or "?", []).append(n)
        for pool, members in sorted(pools.items()):
            out.append(
                Gauge(
                    f"pool {pool} ({len(members)} node{'s' if len(members) != 1 else ''})",
                    round(sum(n.usage_m for n in members)),
                    round(sum(n.allocatable_m for n in members)),
                    "m",
                    pool,
                    round(sum(n.capacity_m for n in members)),
                )
            )
        return out

    def notes(self) -> list[str]:
        """What the chart leaves out."""
        out = []
        hidden = self.nodes[MAX_CHARTED_NODES:]
        if hidden:
            hot = sum(1 for n in hidden if n.percent >= self.threshold)
            which = f"{hot} of them at or above {_percent_text(self.threshold)}, " if hot else ""
            top = _percent_text(hidden[0].percent)
            more = f"{len(hidden)} more nodes are not charted ({which}all at or below {top})"
            out.append(f"{more}; the pool lines count every node")
        if self.without_metrics:
            shown = ", ".join(self.without_metrics[:MAX_LISTED_NODES])
            out.append(f"no metrics yet for {len(self.without_metrics)} node(s) (new or not Ready?): {shown}")
        return out

    def needed_nodes(self, pool: str) -> int:
        """Nodes the pool needs for its current usage to sit below the threshold."""
        members = self.pool_nodes(pool)
        if not members:
            return 0
        per_node = sum(n.allocatable_m for n in members) / len(members)
        usage = sum(n.usage_m for n in members)
        return max(1, math.ceil(usage / (per_node * self.threshold / 100.0)))


class MetricsUnavailable(DataUnavailable):
    """metrics.k8s.io is not served: carries the APIService's condition and metrics-server's state."""

    def __init__(self, reason: str, *, evidence: list[Any], facts: dict[str, Any]) -> None:
        super().__init__("read node metrics (metrics.k8s.io)", reason=reason)
        self.evidence = evidence
        self.facts = facts


def threshold(ev: Evidence) -> float:
    """The --threshold percentage (default 90)."""
    return float(ev.options.extra.get("threshold") or DEFAULT_THRESHOLD)


def cpu_picture(ev: Evidence) -> CpuPicture:
    """Node CPU usage against allocatable for the target (one node, or every node)."""
    return ev.memo(("derived", "nodecpu.picture", ev.target), lambda: _picture(ev))


def node_pool(node: dict[str, Any]) -> str:
    """The AKS agent pool of a node, from its labels."""
    labels = dig(node, "metadata.labels", {}) or {}
    return next((labels[k] for k in POOL_LABELS if labels.get(k)), "")


def cpu_of(quantity: Any) -> float:
    """Millicores of a quantity; 0 for a missing or malformed one."""
    try:
        return cpu_millicores(quantity) if quantity not in (None, "") else 0.0
    except InvalidQuantity:
        return 0.0


def _picture(ev: Evidence) -> CpuPicture:
    limit = threshold(ev)
    usage = _node_usage(ev)
    nodes = ev.list("nodes")
    single = ev.target.kind == "Node"
    if single:
        names = [str(dig(n, "metadata.name", "")) for n in nodes]
        if ev.target.name not in names:
            suggestions = closest(ev.target.name, names, n=3)
            hint = f"did you mean: {', '.join(suggestions)}" if suggestions else "list them with: kubectl get nodes"
            raise TargetNotFound(f"node {ev.target.name!r} not found", suggestions=suggestions, hint=hint)
        nodes = [n for n in nodes if dig(n, "metadata.name") == ev.target.name]
    out, missing = [], []
    for node in nodes:
        name = str(dig(node, "metadata.name", ""))
        if name not in usage:
            missing.append(name)
            continue
        out.append(_node_cpu(node, usage[name]))
    out.sort(key=lambda n: (-n.percent, n.name))
    return CpuPicture(limit, out, single=single, without_metrics=sorted(missing))


def _node_cpu(node: dict[str, Any], usage_m: float) -> NodeCpu:
    labels = dig(node, "metadata.labels", {}) or {}
    capacity = cpu_of(dig(node, "status.capacity.cpu"))
    allocatable = cpu_of(dig(node, "status.allocatable.cpu")) or capacity
    taints = tuple(
        f"{t.get('key')}={t.get('value', '')}:{t.get('effect')}"
        if t.get("value")
        else f"{t.get('key')}:{t.get('effect')}"
        for t in dig(node, "spec.taints", []) or []
    )
    return NodeCpu(
        name=str(dig(node, "metadata.name", "")),
        pool=node_pool(node),
        usage_m=usage_m,
        allocatable_m=allocatable,
        capacity_m=capacity,
        mode=str(labels.get(MODE_LABEL, "")).lower(),
        vm_size=str(labels.get("node.kubernetes.io/instance-type", "")),
        taints=taints,
    )


def _node_usage(ev: Evidence) -> dict[str, float]:
    """Node name -> CPU usage in millicores, from one NodeMetrics list; MetricsUnavailable when not served."""
    try:
        items = ev.list("nodemetrics")
    except (NotFound, ApiError, NotCaptured) as exc:
        failure = None if isinstance(exc, NotCaptured) else "the metrics.k8s.io API did not answer"
        down = metrics_down(ev, failure=failure)
        if down is None:
            raise
        raise down from None
    if not items:
        down = metrics_down(ev, failure="metrics.k8s.io returned no NodeMetrics (metrics-server just started?)")
        assert down is not None  # with a failure given, metrics_down always explains it
        raise down
    return {str(dig(m, "metadata.name", "")): cpu_of(dig(m, "usage.cpu")) for m in items}


def metrics_down(ev: Evidence, *, failure: str | None) -> MetricsUnavailable | None:
    """Why metrics.k8s.io is not served (its APIService and metrics-server's pods), or None when it is.

    `failure` says how the metrics read failed live; None means the bundle did not capture the metrics,
    which proves nothing unless the captured APIService says the API is down.
    """
    source = f"APIService {METRICS_APISERVICE}"
    try:
        service: dict[str, Any] | None = ev.get("apiservices", METRICS_APISERVICE)
    except NotFound:
        service, state = None, f"APIService {METRICS_APISERVICE} does not exist: metrics-server is not installed"
    except DataUnavailable:
        if failure is None:
            return None  # neither the metrics nor their APIService were captured: nothing to conclude
        service, state = None, failure
    if service is not None:
        available = next((c for c in dig(service, "status.conditions", []) or [] if c.get("type") == "Available"), {})
        if available.get("status") == "True":
            if failure is None:
                return None
            state = f"{failure}, although APIService {METRICS_APISERVICE} is Available=True"
        else:
            # kube-aggregator sets Available=False with FailedDiscoveryCheck "failing or missing response from
            # https://<endpoint>/apis/metrics.k8s.io/v1beta1: ...", MissingEndpoints or ServiceNotFound
            # (staging/src/k8s.io/kube-aggregator/pkg/controllers/status/available_controller.go).
            state = (
                f"APIService {METRICS_APISERVICE} is Available={available.get('status', 'Unknown')}"
                f" ({available.get('reason', 'no reason given')})"
            )
            if available.get("message"):
                state += f": {available['message']}"
    pods_line, pods = _metrics_server_pods(ev)
    evidence = [(state, source), (pods_line, f"Pods in kube-system -l {METRICS_SERVER_SELECTOR}")]
    facts: dict[str, Any] = {"metrics_state": state, "metrics_server_pods": pods}
    pending = _pending_metrics_server(ev)
    if pending:  # metrics-server cannot start: the pending runbook names why (a taint, capacity) and its fix
        facts |= {"metrics_server_pending": pending, "handover_target": Target("Pod", pending, "kube-system")}
    return MetricsUnavailable(state, evidence=evidence, facts=facts)


def _pending_metrics_server(ev: Evidence) -> str:
    try:
        pods = ev.list("pods", "kube-system", labels=METRICS_SERVER_SELECTOR)
    except DataUnavailable:
        return ""
    unscheduled = [p for p in pods if dig(p, "status.phase") == "Pending" and not dig(p, "spec.nodeName")]
    return str(dig(unscheduled[0], "metadata.name", "")) if unscheduled else ""


def _metrics_server_pods(ev: Evidence) -> tuple[str, list[str]]:
    try:
        pods = ev.list("pods", "kube-system", labels=METRICS_SERVER_SELECTOR)
    except DataUnavailable as exc:
        return f"metrics-server pods not read: {exc.reason}", []
    if not pods:
        return f"no pod labelled {METRICS_SERVER_SELECTOR} in kube-system", []
    states = [_pod_state(p) for p in pods]
    return "metrics-server pods: " + "; ".join(states), states


def _pod_state(pod: dict[str, Any]) -> str:
    statuses = dig(pod, "status.containerStatuses", []) or []
    ready = sum(1 for s in statuses if s.get("ready"))
    text = f"{dig(pod, 'metadata.name')} {dig(pod, 'status.phase', 'Unknown')}, {ready}/{len(statuses)} ready"
    for status in statuses:
        waiting = dig(status, "state.waiting.reason")
        if waiting:
            text += f", {status.get('name')} {waiting} (restarts {status.get('restartCount', 0)})"
    return text


def _metrics_source(node: str) -> str:
    return f"NodeMetrics {node} (metrics.k8s.io) and Node {node} status.allocatable"


def _percent_text(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") + "%"


__all__ = [
    "DEFAULT_THRESHOLD",
    "CpuPicture",
    "MetricsUnavailable",
    "NodeCpu",
    "cpu_of",
    "cpu_picture",
    "cpu_pressure",
    "metrics_down",
    "node_pool",
    "threshold",
]

"""Pending pods: where the pod stands, and which scheduling predicate rules out each node — from the objects.

The scheduler's FailedScheduling message says what it saw at its last attempt; these probes recompute
every predicate from the nodes and the pods bound to them (one list of nodes, one list of pods
cluster-wide: the reads do not grow with the number of nodes), and the verdict follows the objects.
The predicates follow kube-scheduler's filter plugins (pkg/scheduler/framework/plugins): NodeUnschedulable,
TaintToleration (component-helpers/scheduling/corev1 ToleratesTaint), NodeAffinity (nodeSelector and
required terms), NodeResourcesFit (requests against allocatable minus the requests of the pods bound to
the node), NodePorts (hostPorts held by the pods bound to the node), InterPodAffinity (required anti-affinity,
both directions) and PodTopologySpread (DoNotSchedule).
"""

from __future__ import annotations

import functools
import json
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..errors import DataUnavailable
from ..model import Gauge, Outcome, Skipped
from ..sources.evidence import Evidence, event_time
from ..sources.selectors import dig
from .gpu_sizes import GPU, gpu_count
from .pods import target_pod, workload_of
from .quantity import InvalidQuantity, cpu_millicores, format_cpu, format_memory, memory_bytes, parse_quantity
from .registry import probe
from .scheduler_messages import NOT_READY_TAINTS, Reason, parse_scheduling_message
from .volumes import claim_zone_terms, volume_zone_facts

POOL_LABELS = ("kubernetes.azure.com/agentpool", "agentpool")
# Taints that describe a node's state, not its purpose: the autoscaler drops them from node templates
# (cluster-autoscaler utils/taints: ToBeDeletedByClusterAutoscaler, DeletionCandidateOfClusterAutoscaler).
TRANSIENT_TAINTS = (
    *NOT_READY_TAINTS,
    "node.kubernetes.io/unschedulable",
    "node.kubernetes.io/network-unavailable",
    "ToBeDeletedByClusterAutoscaler",
    "DeletionCandidateOfClusterAutoscaler",
)
PULL_WAITING = ("ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull")
STATIC = frozenset({Reason.NOT_READY, Reason.UNSCHEDULABLE, Reason.TAINT, Reason.SELECTOR, Reason.VOLUME_ZONE})
RESOURCE = frozenset({Reason.CPU, Reason.MEMORY, Reason.PODS, Reason.OTHER_RESOURCE})
_ANY_IP = ("0.0.0.0", "::")
_POD_PHASES_BOUND = "status.phase!=Succeeded,status.phase!=Failed"


# Scheduling gates of known controllers: who removes the gate, and where the controller runs.
# Kueue: pkg/controller/jobframework (the pod integration adds kueue.x-k8s.io/admission and removes it on admission).
GATE_CONTROLLERS = {"kueue.x-k8s.io/admission": ("Kueue", "kueue-system")}


def gate_facts(pod: dict[str, Any], gate: str) -> dict[str, Any]:
    """The JSON patch that removes this one gate (a `test` of its name at its index, then `remove`), and the
    controller that owns it when it is a known one."""
    names = [g.get("name") for g in dig(pod, "spec.schedulingGates", []) or []]
    index = names.index(gate)
    patch = [{"op": "test", "path": f"/spec/schedulingGates/{index}/name", "value": gate},
             {"op": "remove", "path": f"/spec/schedulingGates/{index}"}]
    controller, namespace = GATE_CONTROLLERS.get(gate, (f"the controller of {gate.split('/', 1)[0]}", None))
    return {"gate_patch": json.dumps(patch, separators=(",", ":")), "gate_controller": controller,
            "gate_controller_namespace": namespace, "no_gate_controller": namespace is None}


# ---- probes -------------------------------------------------------------------------------------
@probe("pod.pending_state", outcomes=("gated", "unscheduled", "starting", "other-waiting", "not-pending"))
def pending_state(ev: Evidence) -> Outcome:
    """Is the pod waiting to be scheduled, held by scheduling gates, or scheduled but not starting?"""
    pod = target_pod(ev)
    ref = f"Pod {ev.target.namespace}/{ev.target.name}"
    phase = dig(pod, "status.phase") or "Pending"
    facts = {"workload": workload_of(ev, pod), "phase": phase}
    if phase in ("Running", "Succeeded"):
        return Outcome.of("not-pending", (f"the pod is {phase}, not Pending", ref), **facts)
    if phase != "Pending":  # Failed, Unknown: not a pod that waits to start
        reason = dig(pod, "status.reason") or dig(pod, "status.message") or "no reason given"
        describe = f"kubectl describe pod {ev.target.name} -n {ev.target.namespace}"
        note = f"the pod is {phase} ({reason}), not Pending: see `{describe}`"
        return Outcome.of("other-waiting", (f"the pod is {phase}: {reason}", ref), notes=[note], **facts)
    gates = [g.get("name") for g in dig(pod, "spec.schedulingGates", []) or [] if g.get("name")]
    if gates:
        text = f"spec.schedulingGates holds {', '.join(gates)}: the scheduler does not consider the pod"
        return Outcome.of("gated", (text, ref), gates=gates, gate=gates[0], **facts, **gate_facts(pod, gates[0]))
    node = dig(pod, "spec.nodeName")
    if not node:
        condition = _condition(pod, "PodScheduled") or {}
        text = f"not scheduled: PodScheduled={condition.get('status', 'unset')} {condition.get('reason', '')}".strip()
        return Outcome.of("unscheduled", (text, ref), **facts)
    waiting = _waiting(pod)
    facts["node"] = node
    pulls = [(name, reason) for name, reason, _msg in waiting if reason in PULL_WAITING]
    if pulls:
        name, reason = pulls[0]
        note = (
            f"container {name} waits in {reason}: run `aksdoctor imagepull {ev.target.name} -n {ev.target.namespace}`"
        )
        line = f"scheduled on {node}; container {name} waits in {reason}"
        return Outcome.of("other-waiting", (line, ref), notes=[note], **facts)
    other = [(n, r) for n, r, _m in waiting if r not in ("ContainerCreating", "PodInitializing")]
    if other:
        name, reason = other[0]
        return Outcome.of(
            "other-waiting",
            (f"scheduled on {node}; container {name} waits in {reason}", ref),
            notes=[f"container {name} waits in {reason}: not a scheduling or volume problem"],
            **facts,
        )
    shown = ", ".join(f"{n} in {r}" for n, r, _m in waiting) or "no container has started"
    return Outcome.of("starting", (f"scheduled on {node} but not started: {shown}", ref), **facts)


@probe(
    "scheduling.node_fit",
    outcomes=(
        "cpu",
        "memory",
        "pods",
        "other-resource",
        "too-large",
        "taint",
        "selector",
        "anti-affinity",
        "host-port",
        "not-ready",
        "volume-zone",
        "fits-now",
    ),
)
def node_fit(ev: Evidence) -> Outcome:
    """Which scheduling predicate rules out each node, recomputed from the nodes and the pods bound to them?"""
    fit = fit_analysis(ev)
    outcome = Outcome.of(fit.category, *fit.evidence, **fit.facts)
    outcome.skipped = list(fit.skipped)
    return outcome


# ---- pod and node arithmetic ---------------------------------------------------------------------
@dataclass
class Resources:
    """CPU in millicores, memory in bytes, a pod count, and extended resources (nvidia.com/gpu, ...)."""

    cpu: float = 0.0
    memory: int = 0
    pods: int = 0
    other: dict[str, float] = field(default_factory=dict)

    def plus(self, more: Resources) -> Resources:
        """The sum of two."""
        other = dict(self.other)
        for k, v in more.other.items():
            other[k] = other.get(k, 0) + v
        return Resources(self.cpu + more.cpu, self.memory + more.memory, self.pods + more.pods, other)

    def minus(self, less: Resources) -> Resources:
        """The difference (what is left)."""
        other = {k: v - less.other.get(k, 0) for k, v in self.other.items()}
        return Resources(self.cpu - less.cpu, self.memory - less.memory, self.pods - less.pods, other)

    def short(self, need: Resources) -> list[Reason]:
        """The resources this (free capacity) lacks for `need` — NodeResourcesFit's checks."""
        out = []
        if need.cpu > 0 and need.cpu > self.cpu:
            out.append(Reason.CPU)
        if need.memory > 0 and need.memory > self.memory:
            out.append(Reason.MEMORY)
        if need.pods > self.pods:
            out.append(Reason.PODS)
        if self.short_other(need):
            out.append(Reason.OTHER_RESOURCE)
        return out

    def short_other(self, need: Resources) -> list[str]:
        """The extended resources (nvidia.com/gpu, hugepages, ephemeral-storage) this lacks for `need`, sorted."""
        return sorted(
            k
            for k, v in need.other.items()
            if v > 0 and v > self.other.get(k, 0) and (k in self.other or k != "ephemeral-storage")
        )  # a node that reports no ephemeral-storage (a hand-made bundle) is not short of it

    def describe(self) -> str:
        """'1.5 CPU, 512Mi memory'."""
        text = f"{format_cpu(self.cpu)} CPU, {format_memory(self.memory)} memory"
        extra = ", ".join(f"{v:g} {k}" for k, v in sorted(self.other.items()) if v)
        return f"{text}, {extra}" if extra else text


def pod_requests(pod: dict[str, Any]) -> Resources:
    """The pod's effective requests as the scheduler counts them, plus one pod slot.

    k8s.io/component-helpers/resource PodRequests: the sum over containers, sidecars (restartable init
    containers) added to it, each regular init container with the sidecars started before it, the
    maximum of the two, plus spec.overhead; spec.resources.requests (pod-level resources) wins when set.
    """
    spec = pod.get("spec") or {}
    total = _sum(_container_requests(c) for c in spec.get("containers") or [])
    sidecars, init_max = Resources(), Resources()
    for init in spec.get("initContainers") or []:
        req = _container_requests(init)
        if init.get("restartPolicy") == "Always":
            total = total.plus(req)
            sidecars = sidecars.plus(req)
            init_max = _max(init_max, sidecars)
        else:
            init_max = _max(init_max, req.plus(sidecars))
    total = _max(total, init_max)
    pod_level = _resource_list(dig(spec, "resources.requests") or {})
    if pod_level.cpu:
        total.cpu = pod_level.cpu
    if pod_level.memory:
        total.memory = pod_level.memory
    total = total.plus(_resource_list(spec.get("overhead") or {}))
    total.pods = 1
    return total


def node_allocatable(node: dict[str, Any]) -> Resources:
    """status.allocatable of a node."""
    alloc = dig(node, "status.allocatable") or {}
    res = _resource_list(alloc)
    res.pods = int(_quantity(alloc.get("pods"), 110))
    return res


@dataclass
class NodeState:
    """A node as the scheduler sees it: labels, taints, readiness, allocatable and what is requested on it."""

    name: str
    obj: dict[str, Any]
    labels: dict[str, str]
    taints: list[dict[str, Any]]
    ready: bool
    cordoned: bool
    pool: str
    allocatable: Resources
    requested: Resources
    daemonsets: Resources

    @functools.cached_property
    def free(self) -> Resources:
        """Allocatable minus the requests of the pods bound to it (once per node: every pod checked reads it)."""
        return self.allocatable.minus(self.requested)


@dataclass
class ClusterView:
    """One list of nodes and one list of pods, cluster-wide."""

    nodes: list[NodeState]
    bound: list[dict[str, Any]]
    unbound: list[dict[str, Any]]

    def pool_nodes(self, pool: str) -> list[NodeState]:
        """Nodes of one AKS node pool."""
        return [n for n in self.nodes if n.pool == pool]

    @functools.cached_property
    def by_name(self) -> dict[str, NodeState]:
        """Nodes by name."""
        return {n.name: n for n in self.nodes}

    @functools.cached_property
    def host_ports(self) -> dict[str, list[tuple[str, str, int, str]]]:
        """The hostPorts held on each node by the pods bound to it: (hostIP, protocol, port, 'namespace/pod')."""
        out: dict[str, list[tuple[str, str, int, str]]] = {}
        for other in self.bound:
            held = host_ports(other)
            if held:
                name = f"{dig(other, 'metadata.namespace')}/{dig(other, 'metadata.name')}"
                out.setdefault(dig(other, "spec.nodeName"), []).extend((*h, name) for h in held)
        return out

    @functools.cached_property
    def repelling(self) -> list[tuple[dict[str, Any], NodeState, list[dict[str, Any]]]]:
        """Bound pods with required anti-affinity terms, with their node: computed once for every pod that is
        checked against them (a scan checks many; few pods carry such terms)."""
        out = []
        for other in self.bound:
            terms = dig(other, "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution") or []
            where = self.by_name.get(dig(other, "spec.nodeName"))
            if terms and where is not None:
                out.append((other, where, terms))
        return out


def cluster_view(ev: Evidence) -> ClusterView:
    """Nodes with the requests of their pods (memoized): two lists, whatever the size of the cluster."""
    return ev.memo(("derived", "cluster_view"), lambda: _cluster_view(ev))


def _cluster_view(ev: Evidence) -> ClusterView:
    # Sorted by name: the same order from a bundle as from the API server (etcd key order).
    nodes = sorted(ev.list("nodes"), key=lambda n: str(dig(n, "metadata.name", "")))
    pods = sorted(ev.list("pods", None, fields=_POD_PHASES_BOUND), key=_key)
    me = (ev.target.namespace, ev.target.name)
    bound = [p for p in pods if dig(p, "spec.nodeName") and _key(p) != me]
    unbound = [p for p in pods if not dig(p, "spec.nodeName") and dig(p, "status.phase") == "Pending"]
    requested: dict[str, Resources] = {}
    daemonsets: dict[str, Resources] = {}
    for p in bound:
        name = dig(p, "spec.nodeName")
        req = pod_requests(p)
        requested[name] = requested.get(name, Resources()).plus(req)
        if _owner_kind(p) == "DaemonSet":
            daemonsets[name] = daemonsets.get(name, Resources()).plus(req)
    states = [_node_state(n, requested, daemonsets) for n in nodes]
    return ClusterView(nodes=states, bound=bound, unbound=unbound)


def _node_state(node: dict[str, Any], requested: dict[str, Resources], ds: dict[str, Resources]) -> NodeState:
    name = dig(node, "metadata.name", "")
    labels = dig(node, "metadata.labels") or {}
    return NodeState(
        name=name,
        obj=node,
        labels=labels,
        taints=dig(node, "spec.taints") or [],
        ready=(_condition(node, "Ready") or {}).get("status") == "True",
        cordoned=bool(dig(node, "spec.unschedulable")),
        pool=pool_of(labels),
        allocatable=node_allocatable(node),
        requested=requested.get(name, Resources()),
        daemonsets=ds.get(name, Resources()),
    )


def host_ports(pod: dict[str, Any]) -> list[tuple[str, str, int]]:
    """(hostIP, protocol, hostPort) of the pod's containers and sidecars (restartable init containers), as
    kube-scheduler's NodePorts plugin counts them (pkg/scheduler/util GetHostPorts); hostIP defaults to 0.0.0.0,
    protocol to TCP."""
    spec = pod.get("spec") or {}
    sidecars = [c for c in spec.get("initContainers") or [] if c.get("restartPolicy") == "Always"]
    out = []
    for container in [*sidecars, *(spec.get("containers") or [])]:
        for port in container.get("ports") or []:
            try:
                number = int(port.get("hostPort") or 0)
            except (TypeError, ValueError):
                continue
            if number > 0:
                out.append((port.get("hostIP") or "0.0.0.0", port.get("protocol") or "TCP", number))
    return out


def _ports_conflict(a: tuple[str, str, int], b: tuple[str, str, int]) -> bool:
    """Same port and protocol, and the same host IP or either one unspecified (0.0.0.0 or ::)."""
    return a[1:] == b[1:] and (a[0] == b[0] or a[0] in _ANY_IP or b[0] in _ANY_IP)


def pool_of(labels: dict[str, str]) -> str:
    """The AKS node pool of a node (label kubernetes.azure.com/agentpool)."""
    return next((labels[k] for k in POOL_LABELS if labels.get(k)), "")


# ---- predicates ---------------------------------------------------------------------------------
def tolerates(tolerations: Iterable[dict[str, Any]], taint: dict[str, Any]) -> bool:
    """Whether any toleration tolerates the taint (component-helpers ToleratesTaint)."""
    for tol in tolerations:
        if tol.get("effect") and tol.get("effect") != taint.get("effect"):
            continue
        if tol.get("key") and tol.get("key") != taint.get("key"):
            continue
        if tol.get("operator") == "Exists":
            return True
        if tol.get("key") and (tol.get("value") or "") == (taint.get("value") or ""):
            return True
    return False


def untolerated(pod: dict[str, Any], taints: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """NoSchedule / NoExecute taints the pod does not tolerate."""
    return _untolerated(dig(pod, "spec.tolerations") or [], taints)


def _untolerated(tolerations: list[dict[str, Any]], taints: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [t for t in taints if t.get("effect") in ("NoSchedule", "NoExecute") and not tolerates(tolerations, t)]


def matches_node(pod: dict[str, Any], labels: dict[str, str], name: str = "") -> bool:
    """nodeSelector and the required node affinity terms (ORed) against a node's labels."""
    selector = dig(pod, "spec.nodeSelector") or {}
    if any(labels.get(k) != v for k, v in selector.items()):
        return False
    terms = dig(pod, "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms")
    if not terms:
        return True
    return any(term_matches(t, labels, name) for t in terms)


def term_matches(term: dict[str, Any], labels: dict[str, str], name: str = "") -> bool:
    """One nodeSelectorTerm: every matchExpression and matchField holds (an empty term matches nothing)."""
    exprs = term.get("matchExpressions") or []
    fields = term.get("matchFields") or []
    if not exprs and not fields:
        return False
    return all(requirement_holds(e, labels) for e in exprs) and all(
        requirement_holds(f, {"metadata.name": name}) for f in fields
    )


def requirement_holds(req: dict[str, Any], labels: dict[str, str]) -> bool:
    """A NodeSelectorRequirement or LabelSelectorRequirement: In, NotIn, Exists, DoesNotExist, Gt, Lt."""
    key, op, values = req.get("key", ""), req.get("operator", ""), req.get("values") or []
    present = key in labels
    value = labels.get(key)
    if op == "In":
        return present and value in values
    if op == "NotIn":
        return not present or value not in values
    if op == "Exists":
        return present
    if op == "DoesNotExist":
        return not present
    if op in ("Gt", "Lt") and present and values:
        try:
            got, limit = int(value or ""), int(values[0])
        except ValueError:
            return False
        return got > limit if op == "Gt" else got < limit
    return False


def selector_matches(selector: dict[str, Any] | None, labels: dict[str, str]) -> bool:
    """A metav1.LabelSelector (matchLabels + matchExpressions); a nil selector matches nothing."""
    if selector is None:
        return False
    if any(labels.get(k) != v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    return all(requirement_holds(e, labels) for e in selector.get("matchExpressions") or [])


def describe_taint(taint: dict[str, Any]) -> str:
    """'key=value:Effect' as kubectl prints taints."""
    value = taint.get("value")
    return f"{taint.get('key')}{'=' + value if value else ''}:{taint.get('effect')}"


# ---- the analysis -------------------------------------------------------------------------------
@dataclass
class NodeVerdict:
    """One node and every predicate it fails for the pod."""

    node: NodeState
    failures: dict[Reason, str]

    @property
    def static(self) -> set[Reason]:
        """Failures no scheduling cycle can change: readiness, cordon, taints, labels, volume zone."""
        return set(self.failures) & STATIC


@dataclass
class FitAnalysis:
    """Per-node verdicts and the classification the probes answer with."""

    requests: Resources
    verdicts: list[NodeVerdict]
    category: str = ""
    facts: dict[str, Any] = field(default_factory=dict)
    evidence: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def candidates(self) -> list[NodeVerdict]:
        """Nodes that pass every static predicate."""
        return [v for v in self.verdicts if not v.static]


def fit_analysis(ev: Evidence) -> FitAnalysis:
    """Every node's verdict for the target pod, and the blocker that decides (memoized)."""
    return ev.memo(("derived", "fit_analysis", ev.target), lambda: _fit_analysis(ev))


def _fit_analysis(ev: Evidence) -> FitAnalysis:
    pod = target_pod(ev)
    view = cluster_view(ev)
    requests = pod_requests(pod)
    zones, skipped = _volume_terms(ev, pod)
    needs = _PodTerms(pod, view)
    verdicts = [NodeVerdict(n, _failures(pod, n, requests, view, zones, needs)) for n in view.nodes]
    fit = FitAnalysis(requests=requests, verdicts=verdicts, skipped=skipped)
    fit.category = _classify(fit)
    fit.facts = _common_facts(ev, pod, fit) | _CATEGORY_FACTS.get(fit.category, _no_facts)(ev, pod, fit, view)
    fit.evidence = _fit_evidence(ev, fit) + _message_evidence(ev, fit)
    return fit


class _PodTerms:
    """What the predicates need of one pod, read once for all the nodes it is checked against: a pod's check is
    then linear in nodes (topology spread counts its domains once, not once per node)."""

    _CORDON = {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}

    def __init__(self, pod: dict[str, Any], view: ClusterView) -> None:
        self.tolerations = dig(pod, "spec.tolerations") or []
        self.tolerates_cordon = tolerates(self.tolerations, self._CORDON)
        self.ports = host_ports(pod)
        own = dig(pod, "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution")
        self.anti_affinity = bool(own) or bool(view.repelling)
        self.spread = _spread_domains(pod, view)
        self._untolerated: dict[tuple[tuple[Any, Any, Any], ...], list[dict[str, Any]]] = {}

    def untolerated(self, taints: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """untolerated(pod, taints), once per distinct set of taints (a pool's nodes share theirs)."""
        key = tuple((t.get("key"), t.get("value"), t.get("effect")) for t in taints)
        found = self._untolerated.get(key)
        if found is None:
            found = self._untolerated[key] = _untolerated(self.tolerations, taints)
        return found


def _failures(
    pod: dict[str, Any],
    node: NodeState,
    requests: Resources,
    view: ClusterView,
    zones: list[list[dict[str, Any]]],
    needs: _PodTerms,
) -> dict[Reason, str]:
    out: dict[Reason, str] = {}
    bad = needs.untolerated(node.taints)
    state_taints = [t for t in bad if t.get("key") in NOT_READY_TAINTS]
    if not node.ready or state_taints:
        out[Reason.NOT_READY] = "NotReady" if not node.ready else describe_taint(state_taints[0])
    if node.cordoned and not needs.tolerates_cordon:
        out[Reason.UNSCHEDULABLE] = "cordoned (spec.unschedulable)"
    other = [
        t for t in bad if t.get("key") not in NOT_READY_TAINTS and t.get("key") != "node.kubernetes.io/unschedulable"
    ]
    if other:
        out[Reason.TAINT] = describe_taint(other[0])
    if not matches_node(pod, node.labels, node.name):
        out[Reason.SELECTOR] = "labels do not match the pod's nodeSelector/affinity"
    if zones and not all(any(term_matches(t, node.labels, node.name) for t in terms) for terms in zones):
        out[Reason.VOLUME_ZONE] = "outside the volume's node affinity"
    for short in node.free.short(requests):
        out[short] = _shortfall(short, node, requests)
    if needs.ports:
        held = [h for h in view.host_ports.get(node.name, []) if any(_ports_conflict(w, h[:3]) for w in needs.ports)]
        if held:
            _ip, proto, port, holder = held[0]
            out[Reason.PORTS] = f"hostPort {port}/{proto} held by pod {holder}"
    anti = _anti_affinity_conflict(pod, node, view) if needs.anti_affinity else ""
    if anti:
        out[Reason.ANTI_AFFINITY] = anti
    spread = _spread_violation(node, needs.spread)
    if spread:
        out[Reason.SPREAD] = spread
    return out


def _classify(fit: FitAnalysis) -> str:
    if not fit.verdicts:
        return "not-ready"
    if any(not v.failures for v in fit.verdicts):
        return "fits-now"
    if any(set(v.failures) == {Reason.UNSCHEDULABLE} for v in fit.verdicts):
        return "not-ready"  # a cordoned node (a failed upgrade's drain, say) has room: uncordon before adding nodes
    candidates = fit.candidates()
    if candidates:
        if all(_too_large(fit.requests, v.node) for v in candidates):
            return "too-large"
        resource_only = [v for v in candidates if set(v.failures) <= RESOURCE]
        if resource_only:
            counts = Counter(k for v in resource_only for k in v.failures)
            order = (Reason.CPU, Reason.MEMORY, Reason.PODS, Reason.OTHER_RESOURCE)
            best = max(order, key=lambda k: (counts.get(k, 0), -order.index(k)))
            return best.value
        if any(set(v.failures) - RESOURCE == {Reason.PORTS} for v in candidates):
            return "host-port"
        return "anti-affinity"
    statics = [v.static for v in fit.verdicts]
    if any(s <= {Reason.NOT_READY, Reason.UNSCHEDULABLE} for s in statics):
        return "not-ready"
    labelled = [s for s in statics if Reason.SELECTOR not in s]
    if not labelled:
        return "selector"
    if all(Reason.VOLUME_ZONE in s for s in labelled):
        return "volume-zone"
    return "taint"


def _too_large(requests: Resources, node: NodeState) -> bool:
    """The request does not fit even an empty node like this one (allocatable minus its DaemonSet pods)."""
    empty = node.allocatable.minus(node.daemonsets)
    return bool({Reason.CPU, Reason.MEMORY} & set(empty.short(Resources(requests.cpu, requests.memory))))


def _shortfall(kind: Reason, node: NodeState, requests: Resources) -> str:
    free = node.free
    if kind is Reason.CPU:
        cpu = format_cpu(max(free.cpu, 0))
        return f"{cpu} CPU free of {format_cpu(node.allocatable.cpu)}, needs {format_cpu(requests.cpu)}"
    if kind is Reason.MEMORY:
        return (
            f"{format_memory(max(free.memory, 0))} memory free of {format_memory(node.allocatable.memory)}, "
            f"needs {format_memory(requests.memory)}"
        )
    if kind is Reason.PODS:
        return f"runs {node.requested.pods} pods, its maximum is {node.allocatable.pods}"
    lacking = [k for k, v in requests.other.items() if v > free.other.get(k, 0)]
    return f"not enough {', '.join(lacking)}"


# ---- inter-pod anti-affinity and topology spread -----------------------------------------------------
def _anti_affinity_conflict(pod: dict[str, Any], node: NodeState, view: ClusterView) -> str:
    ns = dig(pod, "metadata.namespace")
    labels = dig(pod, "metadata.labels") or {}
    by_name = view.by_name
    for term in dig(pod, "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution") or []:
        key = term.get("topologyKey", "")
        if key not in node.labels:
            continue
        for other in view.bound:
            where = by_name.get(dig(other, "spec.nodeName"))
            if where is None or where.labels.get(key) != node.labels[key]:
                continue
            if _in_term_namespaces(term, ns, other) and selector_matches(
                term.get("labelSelector"), dig(other, "metadata.labels") or {}
            ):
                return f"pod {dig(other, 'metadata.name')} on {where.name} shares {key}={node.labels[key]}"
    for other, where, terms in view.repelling:  # existing pods' anti-affinity against this pod (the symmetric check)
        for term in terms:
            key = term.get("topologyKey", "")
            if key not in node.labels or where.labels.get(key) != node.labels[key]:
                continue
            if _in_term_namespaces(term, dig(other, "metadata.namespace"), pod) and selector_matches(
                term.get("labelSelector"), labels
            ):
                return f"existing pod {dig(other, 'metadata.name')} on {where.name} repels it ({key})"
    return ""


def _in_term_namespaces(term: dict[str, Any], own_ns: str, other: dict[str, Any]) -> bool:
    if term.get("namespaceSelector") is not None:
        return True  # a namespace selector: namespace labels are not read; count every namespace
    spaces = term.get("namespaces") or [own_ns]
    return dig(other, "metadata.namespace") in spaces


@dataclass
class _SpreadDomains:
    """One DoNotSchedule topology spread constraint of a pod: how many matching pods each eligible domain holds."""

    key: str
    counts: dict[str, int]
    lowest: int
    max_skew: Any


def _spread_domains(pod: dict[str, Any], view: ClusterView) -> list[_SpreadDomains]:
    """The pod's DoNotSchedule constraints, in order, each with its domains counted once (PodTopologySpread's
    PreFilter): eligible nodes are those with the key that the pod's node selector and affinity admit."""
    ns = dig(pod, "metadata.namespace")
    out = []
    for c in dig(pod, "spec.topologySpreadConstraints") or []:
        if c.get("whenUnsatisfiable", "DoNotSchedule") != "DoNotSchedule":
            continue
        key = c.get("topologyKey", "")
        eligible = [n for n in view.nodes if key in n.labels and matches_node(pod, n.labels, n.name)]
        counts = {n.labels[key]: 0 for n in eligible}
        domain_of = {n.name: n.labels[key] for n in eligible}
        for other in view.bound:
            domain = domain_of.get(dig(other, "spec.nodeName"))
            if (
                domain is not None
                and dig(other, "metadata.namespace") == ns
                and selector_matches(c.get("labelSelector"), dig(other, "metadata.labels") or {})
            ):
                counts[domain] += 1
        lowest = min(counts.values()) if counts else 0
        if len(counts) < int(c.get("minDomains") or 1):
            lowest = 0
        out.append(_SpreadDomains(key, counts, lowest, c.get("maxSkew", 1)))
    return out


def _spread_violation(node: NodeState, constraints: list[_SpreadDomains]) -> str:
    for c in constraints:
        if c.key not in node.labels:
            return f"no {c.key} label (missing required label)"
        skew = c.counts.get(node.labels[c.key], 0) + 1 - c.lowest
        if skew > int(c.max_skew):
            return f"{c.key}={node.labels[c.key]} would be at skew {skew} (maxSkew {c.max_skew})"
    return ""


# ---- facts for the causes -------------------------------------------------------------------------
def _common_facts(ev: Evidence, pod: dict[str, Any], fit: FitAnalysis) -> dict[str, Any]:
    req = fit.requests
    return {
        "workload": workload_of(ev, pod),
        "pod_cpu_request": format_cpu(req.cpu),
        "pod_memory_request": format_memory(req.memory),
        "pod_requests": req.describe(),
        "node_total": len(fit.verdicts),
        "gauges": _gauges(fit),
    }


def _no_facts(ev: Evidence, pod: dict[str, Any], fit: FitAnalysis, view: ClusterView) -> dict[str, Any]:
    return {}


def _resource_facts(ev: Evidence, pod: dict[str, Any], fit: FitAnalysis, view: ClusterView) -> dict[str, Any]:
    candidates = fit.candidates()
    best_cpu = max(candidates, key=lambda v: v.node.free.cpu)
    best_mem = max(candidates, key=lambda v: v.node.free.memory)
    pool = Counter(v.node.pool for v in candidates).most_common(1)[0][0]
    pool_nodes = view.pool_nodes(pool)
    per_node = pods_per_node(fit.requests, pool_nodes)
    needed = nodes_needed(pod, view, per_node)
    facts: dict[str, Any] = {
        "pool": pool or None,
        "vm_size": best_cpu.node.labels.get("node.kubernetes.io/instance-type"),
        "dense_pool": f"{pool[:11]}2" if pool else None,
        "pool_node_count": len(pool_nodes),
        "nodes_needed": needed,
        "scaled_count": len(pool_nodes) + needed,
        "pending_siblings": len(pending_siblings(pod, view)),
        "best_node": best_cpu.node.name if fit.category == "cpu" else best_mem.node.name,
        "max_free_cpu": format_cpu(max(best_cpu.node.free.cpu, 0)),
        "max_free_memory": format_memory(max(best_mem.node.free.memory, 0)),
        "max_pods": min((v.node.allocatable.pods for v in candidates), default=0),
        "candidate_nodes": [v.node.name for v in candidates],
    }
    unoffered = sorted(
        k for k, v in fit.requests.other.items() if v > 0 and not any(k in n.allocatable.other for n in view.nodes)
    )
    if fit.category == "other-resource" and unoffered:
        gpu = "" if GPU not in unoffered else _gpu_remark(view)
        facts["notes"] = [
            f"no node advertises {', '.join(unoffered)} in its allocatable{gpu}: a node of the same pools cannot "
            "help; check `kubectl describe node` Capacity"
        ]
    if fit.category == "cpu" and best_cpu.node.free.cpu >= 10:
        facts["suggested_cpu_request"] = format_cpu(math.floor(best_cpu.node.free.cpu / 10) * 10)
    if fit.category == "memory" and best_mem.node.free.memory >= 2**20:
        facts["suggested_memory_request"] = f"{best_mem.node.free.memory // 2**20}Mi"
    return facts


def _gpu_remark(view: ClusterView) -> str:
    """Why no node advertises nvidia.com/gpu, as far as the nodes' VM sizes say: GPU-size nodes without the device
    plugin, or no GPU-size node at all (then the device plugin is beside the point)."""
    sizes = sorted({str(n.labels.get("node.kubernetes.io/instance-type") or "") for n in view.nodes})
    gpu_sized = [z for z in sizes if z and gpu_count(z) != 0]
    if gpu_sized:
        return (
            f" (nodes of GPU size {', '.join(gpu_sized)} need the NVIDIA device plugin DaemonSet or the GPU operator"
            " to advertise it)"
        )
    if sizes and all(sizes):
        return f" (no node is of a GPU VM size: {', '.join(sizes)}; a pool of an N-series size is needed)"
    return " (a GPU pool needs the NVIDIA device plugin DaemonSet or the GPU operator to advertise it)"


def _too_large_facts(ev: Evidence, pod: dict[str, Any], fit: FitAnalysis, view: ClusterView) -> dict[str, Any]:
    largest = max((v.node for v in fit.candidates()), key=lambda n: (n.allocatable.cpu, n.allocatable.memory))
    empty = largest.allocatable.minus(largest.daemonsets)
    return {
        "largest_node": largest.name,
        "largest_node_free": f"{format_cpu(empty.cpu)} CPU, {format_memory(empty.memory)} memory",
        "pool": largest.pool or None,
        "new_pool_labels": selector_labels(pod) or None,
        "notes": [
            f"even an empty node like {largest.name} offers only {format_cpu(empty.cpu)} CPU and "
            f"{format_memory(empty.memory)} once its DaemonSet pods run: more nodes of the same size cannot help"
        ],
    }


def _taint_facts(ev: Evidence, pod: dict[str, Any], fit: FitAnalysis, view: ClusterView) -> dict[str, Any]:
    tainted = [v for v in fit.verdicts if Reason.SELECTOR not in v.failures and Reason.TAINT in v.failures]
    taints = [t for v in tainted for t in untolerated(pod, v.node.taints) if t.get("key") not in TRANSIENT_TAINTS]
    taint = Counter(json.dumps(t, sort_keys=True) for t in taints).most_common(1)[0][0]
    chosen = json.loads(taint)
    pools = sorted({v.node.pool for v in tainted if v.node.pool})
    facts: dict[str, Any] = {
        "taint": describe_taint(chosen),
        "taint_key": chosen.get("key"),
        "taint_value": chosen.get("value") or None,
        "taint_effect": chosen.get("effect"),
        "tainted_nodes": [v.node.name for v in tainted],
        "taint_pool": pools[0] if pools else None,
        "vm_size": next((v.node.labels.get("node.kubernetes.io/instance-type") for v in tainted), None),
        "taint_pools": pools,
    }
    if chosen.get("key") == "CriticalAddonsOnly":
        facts["user_pool_needed"] = True  # AKS system pools: run user workloads on a user pool instead
    else:
        facts["toleration_patch"] = toleration_patch(pod, ev, chosen)
    return facts


def _selector_facts(ev: Evidence, pod: dict[str, Any], fit: FitAnalysis, view: ClusterView) -> dict[str, Any]:
    wanted = selector_labels(pod)
    keys = sorted(
        {*(dig(pod, "spec.nodeSelector") or {})}
        | {
            e.get("key")
            for t in dig(
                pod, "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms"
            )
            or []
            for e in t.get("matchExpressions") or []
        }
    )
    pools = Counter(
        n.pool for n in view.nodes if n.pool and not any(t.get("key") == "CriticalAddonsOnly" for t in n.taints)
    )
    return {
        "selector": describe_selector(pod),
        "selector_labels": wanted or None,
        "selector_keys": ",".join(k for k in keys if k) or None,
        "label_pool": pools.most_common(1)[0][0] if pools and wanted else None,
        "node_labels_seen": _labels_seen(view, keys),
    }


def _anti_affinity_facts(ev: Evidence, pod: dict[str, Any], fit: FitAnalysis, view: ClusterView) -> dict[str, Any]:
    candidates = fit.candidates()
    pool = Counter(v.node.pool for v in candidates).most_common(1)[0][0] if candidates else ""
    needed = len(pending_siblings(pod, view))  # each pending replica needs a node of its own
    facts: dict[str, Any] = {
        "pool": pool or None,
        "pool_node_count": len(view.pool_nodes(pool)),
        "scaled_count": len(view.pool_nodes(pool)) + needed,
    }
    terms = dig(pod, "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution") or []
    spread = [
        c
        for c in dig(pod, "spec.topologySpreadConstraints") or []
        if c.get("whenUnsatisfiable", "DoNotSchedule") == "DoNotSchedule"
    ]
    facts["topology_key"] = (terms[0] if terms else spread[0] if spread else {}).get("topologyKey")
    facts["constraint"] = "pod anti-affinity" if terms else "topology spread constraints"
    facts["affinity_patch"] = soften_patch(pod, ev)
    return facts


def _host_port_facts(ev: Evidence, pod: dict[str, Any], fit: FitAnalysis, view: ClusterView) -> dict[str, Any]:
    blocked = [v for v in fit.candidates() if Reason.PORTS in v.failures]
    wanted = host_ports(pod)
    held = [h for v in blocked for h in view.host_ports.get(v.node.name, [])]
    taken = [w for w in wanted if any(_ports_conflict(w, h[:3]) for h in held)]
    holders = sorted({h[3] for h in held if any(_ports_conflict(w, h[:3]) for w in taken)})
    pool = Counter(v.node.pool for v in blocked).most_common(1)[0][0] if blocked else ""
    needed = len(pending_siblings(pod, view))  # one pod per node per hostPort: each pending replica needs a node
    workload = workload_of(ev, pod)
    facts: dict[str, Any] = {
        "host_ports": ", ".join(f"{port}/{proto}" for _ip, proto, port in sorted(set(taken), key=lambda t: t[2])),
        "host_port_holders": holders,
        "host_port_nodes": [v.node.name for v in blocked],
        "first_host_port_node": blocked[0].node.name if blocked else None,
        "pool": pool or None,
        "pool_node_count": len(view.pool_nodes(pool)),
        "scaled_count": len(view.pool_nodes(pool)) + needed,
        "pending_siblings": needed,
    }
    if not workload.startswith("pod/"):  # a bare pod's ports cannot change: only its owner's template can
        facts["host_port_patch"] = _host_port_patch(pod, workload, taken)
    by_name = {f"{dig(p, 'metadata.namespace')}/{dig(p, 'metadata.name')}": p for p in view.bound}
    if workload.startswith("deployment/") and any(
        h in by_name and workload_of(ev, by_name[h]) == workload for h in holders
    ):
        # the holder is an older pod of the same Deployment: a rolling update that surges cannot finish
        facts["surge_patch"] = json.dumps(
            {"spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}}}},
            separators=(",", ":"),
        )
    return facts


def _host_port_patch(pod: dict[str, Any], workload: str, taken: list[tuple[str, str, int]]) -> str:
    """A JSON patch removing the taken hostPorts (and their hostIP) from the workload's pod template."""
    base = "/" + "/".join(workload_spec_path(workload))
    ops = []
    spec = pod.get("spec") or {}
    for field_name in ("initContainers", "containers"):
        for i, container in enumerate(spec.get(field_name) or []):
            for j, port in enumerate(container.get("ports") or []):
                mine = (port.get("hostIP") or "0.0.0.0", port.get("protocol") or "TCP", int(port.get("hostPort") or 0))
                if mine in taken:
                    for key in ("hostPort", "hostIP"):
                        if port.get(key):
                            ops.append({"op": "remove", "path": f"{base}/{field_name}/{i}/ports/{j}/{key}"})
    return json.dumps(ops, separators=(",", ":"))


def _not_ready_facts(ev: Evidence, pod: dict[str, Any], fit: FitAnalysis, view: ClusterView) -> dict[str, Any]:
    near = [v for v in fit.verdicts if v.static and v.static <= {Reason.NOT_READY, Reason.UNSCHEDULABLE}]
    not_ready = [v.node.name for v in near if Reason.NOT_READY in v.failures]
    cordoned = [v.node.name for v in near if Reason.UNSCHEDULABLE in v.failures]
    roomy = [v.node.name for v in fit.verdicts if set(v.failures) == {Reason.UNSCHEDULABLE}]
    if roomy:  # cordoned nodes that would hold the pod: uncordoning them is the fix, before any new node
        note = (
            f"cordoned node(s) {', '.join(roomy)} have room for the pod: a drain that did not finish (an upgrade "
            "or a node image update that failed) leaves nodes cordoned; uncordon before adding nodes"
        )
        return {
            "not_ready_nodes": not_ready or None,
            "cordoned_nodes": roomy,
            "blocked_nodes": roomy,
            "first_not_ready": not_ready[0] if not_ready else None,
            "notes": [note],
        }
    return {
        "not_ready_nodes": not_ready or None,
        "cordoned_nodes": cordoned or None,
        "blocked_nodes": [v.node.name for v in near] or None,
        "first_not_ready": not_ready[0] if not_ready else None,
    }


def _fits_now_facts(ev: Evidence, pod: dict[str, Any], fit: FitAnalysis, view: ClusterView) -> dict[str, Any]:
    fitting = [v.node.name for v in fit.verdicts if not v.failures]
    return {
        "fitting_nodes": fitting,
        "notes": [
            f"{len(fitting)} node(s) fit the pod now ({', '.join(fitting[:3])}): the scheduler retries unschedulable "
            "pods when the cluster changes and at least every 5 minutes; if it stays Pending, check the scheduler "
            "(a custom schedulerName?) and its newest FailedScheduling event"
        ],
    }


def _volume_zone_facts(ev: Evidence, pod: dict[str, Any], fit: FitAnalysis, view: ClusterView) -> dict[str, Any]:
    reachable = [v.node for v in fit.verdicts if v.static <= {Reason.VOLUME_ZONE}]
    zones = [z for n in reachable for z in (n.labels.get("topology.kubernetes.io/zone"),) if z]
    facts = volume_zone_facts(ev, pod, zones)
    if reachable:
        node = reachable[0]
        facts |= {"pool": node.pool or None, "vm_size": node.labels.get("node.kubernetes.io/instance-type")}
        if facts.get("zone_number") and node.pool:
            facts["zone_pool"] = f"{node.pool}z{facts['zone_number']}"[:12]
    return facts


_CATEGORY_FACTS = {
    "volume-zone": _volume_zone_facts,
    "cpu": _resource_facts,
    "memory": _resource_facts,
    "pods": _resource_facts,
    "other-resource": _resource_facts,
    "too-large": _too_large_facts,
    "taint": _taint_facts,
    "selector": _selector_facts,
    "anti-affinity": _anti_affinity_facts,
    "host-port": _host_port_facts,
    "not-ready": _not_ready_facts,
    "fits-now": _fits_now_facts,
}


# ---- evidence -----------------------------------------------------------------------------------
def _fit_evidence(ev: Evidence, fit: FitAnalysis) -> list[tuple[str, str]]:
    src = f"Nodes and the pods bound to them (cluster-wide list); Pod {ev.target.namespace}/{ev.target.name}"
    out = [(f"the pod requests {fit.requests.describe()}", f"Pod {ev.target.namespace}/{ev.target.name} spec")]
    counts = Counter(_first(v) for v in fit.verdicts)
    if fit.verdicts:
        shown = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        out.append((f"{len(fit.verdicts)} nodes checked: {shown}", src))
    else:
        out.append(("the cluster has no nodes", "Nodes"))
    by_kind: dict[str, list[str]] = {}
    for v in fit.verdicts:
        for kind, detail in v.failures.items():
            by_kind.setdefault(kind.value, []).append(f"{v.node.name} ({detail})")
    for kind in sorted(by_kind):
        names = by_kind[kind]
        more = f" and {len(names) - 4} more" if len(names) > 4 else ""
        out.append((f"{kind}: {'; '.join(names[:4])}{more}", src))
    return out


def _first(v: NodeVerdict) -> str:
    if not v.failures:
        return "fit"
    order = [Reason.NOT_READY, Reason.UNSCHEDULABLE, Reason.TAINT, Reason.SELECTOR, Reason.VOLUME_ZONE]
    order += [Reason.CPU, Reason.MEMORY, Reason.PODS, Reason.OTHER_RESOURCE, Reason.PORTS]
    order += [Reason.ANTI_AFFINITY, Reason.SPREAD]
    return next(k.value for k in order if k in v.failures)


def _message_evidence(ev: Evidence, fit: FitAnalysis) -> list[tuple[str, str]]:
    found = scheduler_message(ev)
    if found is None:
        return []
    message, source, when = found
    parsed = parse_scheduling_message(message)
    out = [(f"scheduler: {parsed.raw}", source)]
    said = {k for k in parsed.kinds() if k not in (Reason.OTHER, Reason.UNBOUND_PVC, Reason.VOLUME_BIND)}
    deciding = _CATEGORY_KINDS.get(fit.category, set())
    if said and deciding and not said & deciding:
        now = {k for v in fit.verdicts for k in v.failures}
        gone = [r.text for r in parsed.reasons if r.kind not in now]
        gone_text = f" (no node shows {'; '.join(gone)} now)" if gone else ""
        note = (
            f"the scheduler's last message ({when}) does not name what blocks the pod now{gone_text}: "
            f"the nodes show {fit.category}; the message is older than the cluster's state, the verdict follows "
            "the objects"
        )
        fit.facts["notes"] = [*fit.facts.get("notes", []), note]
        fit.facts["stale_message"] = True
    return out


_CATEGORY_KINDS: dict[str, set[Reason]] = {
    "cpu": {Reason.CPU},
    "memory": {Reason.MEMORY},
    "pods": {Reason.PODS},
    "other-resource": {Reason.OTHER_RESOURCE},
    "too-large": {Reason.CPU, Reason.MEMORY, Reason.OTHER_RESOURCE},
    "taint": {Reason.TAINT},
    "selector": {Reason.SELECTOR},
    "anti-affinity": {Reason.ANTI_AFFINITY, Reason.AFFINITY, Reason.SPREAD},
    "host-port": {Reason.PORTS},
    "not-ready": {Reason.NOT_READY, Reason.UNSCHEDULABLE},
    "volume-zone": {Reason.VOLUME_ZONE},
}


def scheduler_message(ev: Evidence) -> tuple[str, str, str] | None:
    """The newest FailedScheduling message (event, else the PodScheduled condition), its source and time."""
    pod = target_pod(ev)
    try:
        events = [e for e in ev.events_for(pod) if e.get("reason") == "FailedScheduling"]
    except DataUnavailable:
        events = []
    if events:
        newest = events[-1]
        name = dig(newest, "metadata.name", "")
        return (
            newest.get("message", ""),
            f"Event {ev.target.namespace}/{name} (FailedScheduling, x{newest.get('count', 1)})",
            event_time(newest),
        )
    condition = _condition(pod, "PodScheduled") or {}
    if condition.get("message"):
        src = f"Pod {ev.target.namespace}/{ev.target.name} condition PodScheduled"
        return condition["message"], src, str(condition.get("lastTransitionTime", ""))
    return None


def _gauges(fit: FitAnalysis) -> list[Gauge]:
    shown = fit.candidates() or fit.verdicts
    out = []
    for v in sorted(shown, key=lambda v: v.node.name)[:8]:
        n = v.node
        out.append(
            Gauge(
                f"{n.name} cpu requests",
                round(n.requested.cpu / 1000, 3),
                round(n.allocatable.cpu / 1000, 3),
                " CPU",
                "cpu",
            )
        )
        out.append(
            Gauge(
                f"{n.name} memory requests",
                round(n.requested.memory / 2**30, 2),
                round(n.allocatable.memory / 2**30, 2),
                "Gi",
                "memory",
            )
        )
    return out


# ---- helpers the causes use ---------------------------------------------------------------------------
def pending_siblings(pod: dict[str, Any], view: ClusterView) -> list[dict[str, Any]]:
    """Unscheduled pods of the same controller (the target included)."""
    owner = _controller_uid(pod)
    if not owner:
        return [pod]
    same = [p for p in view.unbound if _controller_uid(p) == owner]
    return same if any(_key(p) == _key(pod) for p in same) else [pod, *same]


def pods_per_node(requests: Resources, nodes: list[NodeState]) -> int:
    """How many such pods an empty node like these holds (allocatable minus its DaemonSet pods)."""
    if not nodes:
        return 1
    node = max(nodes, key=lambda n: n.allocatable.cpu)
    room = node.allocatable.minus(node.daemonsets)
    fits = [room.pods]
    if requests.cpu > 0:
        fits.append(int(room.cpu // requests.cpu))
    if requests.memory > 0:
        fits.append(int(room.memory // requests.memory))
    return max(1, min(fits))


def nodes_needed(pod: dict[str, Any], view: ClusterView, per_node: int) -> int:
    """New nodes for every pending pod of the pod's controller."""
    return max(1, math.ceil(len(pending_siblings(pod, view)) / max(per_node, 1)))


def workload_spec_path(workload: str) -> list[str]:
    """Where the pod template's spec lives in the workload object."""
    kind = workload.split("/", 1)[0]
    if kind == "pod":
        return ["spec"]
    if kind == "cronjob":
        return ["spec", "jobTemplate", "spec", "template", "spec"]
    return ["spec", "template", "spec"]


def toleration_patch(pod: dict[str, Any], ev: Evidence, taint: dict[str, Any]) -> str:
    """A merge patch that keeps the pod's tolerations and adds one for the taint."""
    tolerations = [t for t in dig(pod, "spec.tolerations") or [] if not _default_toleration(t)]
    new: dict[str, Any] = {
        "key": taint.get("key"),
        "operator": "Equal",
        "value": taint.get("value") or "",
        "effect": taint.get("effect"),
    }
    if not taint.get("value"):
        new = {"key": taint.get("key"), "operator": "Exists", "effect": taint.get("effect")}
    return _merge_patch(workload_of(ev, pod), {"tolerations": [*tolerations, new]})


def soften_patch(pod: dict[str, Any], ev: Evidence) -> str:
    """A merge patch that turns required anti-affinity into preferred and DoNotSchedule into ScheduleAnyway."""
    spec: dict[str, Any] = {}
    terms = dig(pod, "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution") or []
    if terms:
        preferred = dig(pod, "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution") or []
        spec["affinity"] = {
            "podAntiAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": None,
                "preferredDuringSchedulingIgnoredDuringExecution": [
                    *preferred,
                    *({"weight": 100, "podAffinityTerm": t} for t in terms),
                ],
            }
        }
    spread = dig(pod, "spec.topologySpreadConstraints") or []
    if any(c.get("whenUnsatisfiable", "DoNotSchedule") == "DoNotSchedule" for c in spread):
        spec["topologySpreadConstraints"] = [dict(c, whenUnsatisfiable="ScheduleAnyway") for c in spread]
    return _merge_patch(workload_of(ev, pod), spec)


def describe_selector(pod: dict[str, Any]) -> str:
    """The pod's node requirements as text: 'disktype=ssd; kubernetes.azure.com/agentpool In (gpu)'."""
    parts = [f"{k}={v}" for k, v in sorted((dig(pod, "spec.nodeSelector") or {}).items())]
    terms = (
        dig(pod, "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms") or []
    )
    for term in terms:
        exprs = [
            f"{e.get('key')} {e.get('operator')}"
            + (f" ({', '.join(e.get('values') or [])})" if e.get("values") else "")
            for e in term.get("matchExpressions") or []
        ]
        if exprs:
            parts.append(" and ".join(exprs))
    return "; ".join(parts)


def selector_labels(pod: dict[str, Any]) -> list[str]:
    """Labels a node must carry for the pod: nodeSelector pairs and single-value In expressions."""
    out = [f"{k}={v}" for k, v in sorted((dig(pod, "spec.nodeSelector") or {}).items())]
    terms = (
        dig(pod, "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms") or []
    )
    if len(terms) == 1:
        for e in terms[0].get("matchExpressions") or []:
            if e.get("operator") == "In" and len(e.get("values") or []) == 1:
                out.append(f"{e['key']}={e['values'][0]}")
    return list(dict.fromkeys(out))


def _labels_seen(view: ClusterView, keys: list[str]) -> str:
    seen = []
    for key in keys:
        values = sorted({n.labels[key] for n in view.nodes if key in n.labels})
        seen.append(f"{key}: {', '.join(values) if values else 'on no node'}")
    return "; ".join(seen)


def _merge_patch(workload: str, spec: dict[str, Any]) -> str:
    body: dict[str, Any] = spec
    for part in reversed(workload_spec_path(workload)):
        body = {part: body}
    return json.dumps(body, separators=(",", ":"))


def _default_toleration(t: dict[str, Any]) -> bool:
    """The not-ready / unreachable tolerations the API server adds to every pod (DefaultTolerationSeconds)."""
    return t.get("key") in NOT_READY_TAINTS and t.get("effect") == "NoExecute" and "tolerationSeconds" in t


def _volume_terms(ev: Evidence, pod: dict[str, Any]) -> tuple[list[list[dict[str, Any]]], list[Skipped]]:
    try:
        return claim_zone_terms(ev, pod), []
    except DataUnavailable as exc:
        return [], [Skipped("scheduling.node_fit", f"could not {exc.what}: {exc.reason}", exc.grant)]


def _container_requests(container: dict[str, Any]) -> Resources:
    return _resource_list(dig(container, "resources.requests") or {})


def _resource_list(values: dict[str, Any]) -> Resources:
    res = Resources()
    for name, raw in values.items():
        try:
            if name == "cpu":
                res.cpu = math.ceil(cpu_millicores(raw))  # the scheduler counts MilliValue(): rounded up
            elif name == "memory":
                res.memory = memory_bytes(raw)
            elif "/" in name or name.startswith("hugepages-") or name == "ephemeral-storage":
                res.other[name] = float(parse_quantity(raw))
        except InvalidQuantity:
            continue
    return res


def _quantity(raw: Any, default: float) -> float:
    try:
        return float(parse_quantity(raw)) if raw is not None else default
    except InvalidQuantity:
        return default


def _sum(items: Iterable[Resources]) -> Resources:
    total = Resources()
    for r in items:
        total = total.plus(r)
    return total


def _max(a: Resources, b: Resources) -> Resources:
    keys = set(a.other) | set(b.other)
    return Resources(
        max(a.cpu, b.cpu),
        max(a.memory, b.memory),
        max(a.pods, b.pods),
        {k: max(a.other.get(k, 0), b.other.get(k, 0)) for k in keys},
    )


def _condition(obj: dict[str, Any], kind: str) -> dict[str, Any] | None:
    return next((c for c in dig(obj, "status.conditions", []) or [] if c.get("type") == kind), None)


def _waiting(pod: dict[str, Any]) -> list[tuple[str, str, str]]:
    statuses = (dig(pod, "status.initContainerStatuses") or []) + (dig(pod, "status.containerStatuses") or [])
    out = []
    for s in statuses:
        waiting = dig(s, "state.waiting")
        if waiting is not None:
            out.append((s.get("name", ""), waiting.get("reason", ""), waiting.get("message", "")))
    return out


def _key(pod: dict[str, Any]) -> tuple[str, str]:
    return dig(pod, "metadata.namespace", ""), dig(pod, "metadata.name", "")


def _owner_kind(pod: dict[str, Any]) -> str:
    owners = dig(pod, "metadata.ownerReferences") or []
    return next((o.get("kind", "") for o in owners if o.get("controller")), "")


def _controller_uid(pod: dict[str, Any]) -> str:
    owners = dig(pod, "metadata.ownerReferences") or []
    return next((o.get("uid", "") for o in owners if o.get("controller")), "")


__all__ = [
    "POOL_LABELS",
    "ClusterView",
    "FitAnalysis",
    "NodeState",
    "NodeVerdict",
    "Resources",
    "cluster_view",
    "describe_selector",
    "describe_taint",
    "fit_analysis",
    "host_ports",
    "matches_node",
    "node_allocatable",
    "node_fit",
    "nodes_needed",
    "pending_siblings",
    "pending_state",
    "pod_requests",
    "pods_per_node",
    "pool_of",
    "requirement_holds",
    "scheduler_message",
    "selector_labels",
    "selector_matches",
    "term_matches",
    "tolerates",
    "untolerated",
    "workload_spec_path",
]

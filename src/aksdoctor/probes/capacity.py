"""Capacity that could come: AKS node pools that could host the pod, their autoscaler, and regional quota.

The scheduler prints "Insufficient cpu" whatever the capacity story is. This module asks what a new node
would change: which pools could host the pod (labels, taints, the VM size's allocatable against the
pod's requests), whether the cluster autoscaler is adding one (TriggeredScaleUp, the
cluster-autoscaler-status ConfigMap), is at its maximum, is off, failed for quota or a full subnet, and
whether the VM family's regional quota (Microsoft.Compute/locations/{region}/usages) leaves room.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..errors import AzureNotConfigured, DataUnavailable, NotFound
from ..model import Outcome, Skipped
from ..sources.evidence import Evidence, event_time
from ..sources.selectors import dig
from .gpu_sizes import GPU, GPU_COUNTS, gpu_count
from .pods import target_pod
from .quantity import format_cpu, format_memory
from .quota import family_for_size
from .registry import probe
from .scheduler_messages import (
    NoScaleUp,
    Reason,
    ScaleUp,
    parse_no_scale_up,
    parse_scale_up,
    scale_failure_kind,
)
from .scheduling import (
    ClusterView,
    NodeState,
    Resources,
    cluster_view,
    describe_taint,
    fit_analysis,
    matches_node,
    pending_siblings,
    selector_labels,
    untolerated,
)
from .subnet_room import addresses_per_node, subnet_room

MIB = 2**20
GIB = 2**30
# Kube-reserved CPU by the host's cores, from "Node resource reservations in AKS"
# (https://learn.microsoft.com/azure/aks/node-resource-reservations, "CPU reservations").
KUBE_RESERVED_CPU = ((1, 60), (2, 100), (4, 140), (8, 180), (16, 260), (32, 420), (64, 740))
STATUS_CONFIGMAP = ("kube-system", "cluster-autoscaler-status")
_VMSS = re.compile(r"^aks-(?P<pool>[a-z0-9]+)-\d+-vmss$")
_SIZE = re.compile(
    r"^(?P<prefix>(?:Standard|Basic)_[A-Za-z]+?)(?P<cores>\d+)(?P<constrained>-\d+)?(?P<features>[a-z]*)(?P<rest>(?:_.*)?)$"
)
_OLD_STATUS_GROUP = re.compile(  # the text format before cluster-autoscaler 1.30 (clusterstate/api/utils.go)
    r"Name:\s+(?P<name>\S+)\s+Health:\s+\w+\s+\([^\n]*?cloudProviderTarget=(?P<target>\d+)\s+"
    r"\(minSize=(?P<min>\d+),\s*maxSize=(?P<max>\d+)\)\)(?:(?!Name:).)*?ScaleUp:\s+(?P<scaleup>\w+)",
    re.DOTALL,
)


# ---- the probe -----------------------------------------------------------------------------------
@probe(
    "capacity.scale_out",
    outcomes=(
        "in-progress",
        "max-reached",
        "disabled",
        "quota",
        "subnet-full",
        "too-small",
        "no-pool",
        "scale-up-failed",
        "unadvertised",
    ),
)
def scale_out(ev: Evidence) -> Outcome:
    """Could a new node of some AKS pool host the pod, and will the autoscaler add one?"""
    signals = autoscaler_signals(ev)
    try:
        pools = agent_pools(ev)
    except DataUnavailable as exc:
        return _from_signals_only(
            ev, signals, Skipped("capacity.scale_out", f"could not {exc.what}: {exc.reason}", exc.grant)
        )
    skipped = list(signals.skipped)
    sizes = _optional(ev, vm_sizes, skipped)
    view = cluster_view(ev)
    fit = fit_analysis(ev)
    templates = [pool_template(p, view, sizes, kubernetes_version(ev)) for p in pools]
    outcome = _decide(ev, fit.requests, templates, signals, sizes, skipped)
    outcome.evidence = [*(t.line(fit.requests) for t in templates), *outcome.evidence, *signals.evidence()]
    outcome.skipped = [*skipped, *outcome.skipped]
    return outcome


def _decide(
    ev: Evidence,
    requests: Resources,
    templates: list[PoolTemplate],
    signals: Signals,
    sizes: list[dict[str, Any]] | None,
    skipped: list[Skipped],
) -> Outcome:
    pod = target_pod(ev)
    hosting = [t for t in templates if t.hosts(pod)]
    if not hosting:
        return Outcome.of("no-pool", "no node pool's labels and taints admit the pod", **_coordinates(ev))
    fitting = [t for t in hosting if t.fits(requests)]
    if not fitting:
        unadvertised = _unadvertised(requests, hosting)
        if unadvertised is not None:
            return unadvertised
        return _too_small(ev, requests, hosting, sizes)
    chosen = _choose(fitting, ev)
    facts = _coordinates(ev) | chosen.facts() | _need_facts(ev, pod, requests, chosen)
    progress = signals.in_progress(fitting, cluster_view(ev))
    if progress is not None:
        template, scale = progress
        return Outcome.of(
            "in-progress", *signals.progress_evidence(), **(facts | template.facts() | _scale_facts(scale))
        )
    failure = signals.failure_for(fitting) or signals.backoff_for({t.pool.name for t in fitting})
    quota = _quota(ev, chosen, facts["nodes_needed"], skipped)
    if failure is not None:
        failed = next((t for t in fitting if t.pool.name == failure.pool), chosen)
        return _failure_outcome(failure, facts, quota, subnet=lambda: _subnet(ev, failed.pool, skipped))
    if chosen.pool.autoscale and chosen.pool.count < chosen.pool.max_count:
        if quota and quota["quota_short"]:
            return Outcome.of("quota", (quota["quota_text"], quota["quota_source"]), **(facts | quota))
        notes = [
            f"pool {chosen.pool.name} autoscales and has room ({chosen.pool.count} of at most {chosen.pool.max_count} "
            "nodes) but no TriggeredScaleUp event was seen: the autoscaler should add a node within minutes; if none "
            "comes, read `kubectl get configmap cluster-autoscaler-status -n kube-system -o yaml`"
        ]
        waiting = {
            "confidence": "medium",
            "scale_text": f"pool {chosen.pool.name} has {chosen.pool.count} of at most {chosen.pool.max_count} nodes, "
            "no TriggeredScaleUp event seen yet",
        }
        return Outcome.of("in-progress", notes=notes, **(facts | (quota or {}) | waiting))
    if quota and quota["quota_short"]:
        # Raising the maximum or scaling the pool by hand would fail on the quota first: it is the binding
        # constraint, and the pool's own limit is named beside it (its fix follows the quota request).
        pool = chosen.pool
        limit = (
            f"pool {pool.name} is also at its autoscaler maximum ({pool.count} of {pool.max_count} nodes)"
            if pool.autoscale
            else f"pool {pool.name} also does not autoscale ({pool.count} nodes)"
        )
        more = {"pool_at_max": pool.autoscale or None, "pool_manual": (not pool.autoscale) or None}
        return Outcome.of(
            "quota", (quota["quota_text"], quota["quota_source"]), notes=[limit], **(facts | quota | more)
        )
    if chosen.pool.autoscale:
        return Outcome.of("max-reached", **(facts | (quota or {})))
    return Outcome.of("disabled", **(facts | (quota or {})))


def _from_signals_only(ev: Evidence, signals: Signals, why: Skipped) -> Outcome:
    """No Azure: what the autoscaler itself said on the pod and in its status ConfigMap still counts."""
    view = cluster_view(ev)
    fit = fit_analysis(ev)
    pool = str(fit.facts.get("pool") or "")
    skipped = [why, *signals.skipped]
    regions = [n.labels.get("topology.kubernetes.io/region") for n in view.nodes]
    base = {"pool": pool or None, "location": next((r for r in regions if r), None)}
    progress = signals.in_progress_k8s(view)
    if progress is not None:
        out = Outcome.of(
            "in-progress", *signals.progress_evidence(), confidence="medium", **(base | _scale_facts(progress))
        )
    elif (failure := signals.failure_for_pool(pool) or signals.backoff_for({pool} if pool else None)) is not None:
        out = _failure_outcome(failure, base)
    elif (group := signals.group_at_max(pool)) is not None and signals.says_max_reached():
        facts = base | {
            "min_count": group.min_size,
            "max_count": group.max_size,
            "node_count": group.target,
            "new_max_count": group.max_size + int(fit.facts.get("nodes_needed") or 1),
            "confidence": "medium",
        }
        out = Outcome.of("max-reached", *signals.evidence(), **facts)
    else:
        return Outcome.unknown(*signals.evidence(), skipped=skipped)
    out.skipped = skipped
    return out


def _failure_outcome(
    failure: ScaleFailure,
    facts: dict[str, Any],
    quota: dict[str, Any] | None = None,
    *,
    subnet: Callable[[], dict[str, Any] | None] | None = None,
) -> Outcome:
    """A failed scale-up (or a backoff): its text names quota or subnet; else the region's usages, then the pool's
    subnet decide; else the outcome is `scale-up-failed`, which the runbook answers with the blocker the nodes
    show."""
    kind = scale_failure_kind(failure.message)
    more = {"failure_message": failure.message or None, "failure_pool": failure.pool or None}
    if failure.pool:
        more["pool"] = failure.pool
    group = failure.group or (f"pool {failure.pool}" if failure.pool else "a node group")
    said = _short(failure.message) if failure.message else "in backoff after a failed scale-up, no error message"
    line = (f"scale-up of {group} failed: {said}", failure.source)
    if kind == "quota":
        return Outcome.of("quota", line, **(facts | (quota or {}) | more | _quota_from_message(failure.message)))
    if kind == "subnet":
        return Outcome.of("subnet-full", line, **(facts | more))
    if quota and quota.get("quota_short"):  # the usages explain the failure the message does not name
        return Outcome.of("quota", line, (quota["quota_text"], quota["quota_source"]), **(facts | quota | more))
    room = subnet() if subnet is not None else None
    if room and room["no_node_fits"]:  # ... or the subnet cannot take the addresses one new node needs
        more["failure_message"] = f"{said}; {room['subnet_text']}"
        return Outcome.of("subnet-full", line, (room["subnet_text"], room["subnet_source"]), **(facts | more | room))
    checked = "the region's vCPU quota has room" if quota else "the region's quota was not read"
    if room:
        checked += f", and {room['subnet_text']}"
    return Outcome.of(
        "scale-up-failed",
        line,
        notes=[
            f"the autoscaler cannot add a node ({group}: {said}); {checked}: until the scale-up succeeds the pod "
            f"waits on what the nodes show; read `kubectl get configmap cluster-autoscaler-status -n kube-system "
            f"-o yaml` and the node resource group's activity log for the error"
        ],
        **(facts | (quota or {}) | more | {"scale_up_failed": True}),
    )


def _subnet(ev: Evidence, pool: Pool, skipped: list[Skipped]) -> dict[str, Any] | None:
    """The pool's subnet against the addresses one new node takes (None: AKS-managed VNet, or not read)."""
    if not pool.subnet_id:
        return None
    try:
        room = subnet_room(ev, pool.subnet_id)
        per_node, why = addresses_per_node(ev.managed_cluster(), pool.max_pods, pool.pod_subnet_id)
    except DataUnavailable as exc:
        skipped.append(Skipped("capacity.scale_out", f"could not {exc.what}: {exc.reason}", exc.grant))
        return None
    except NotFound:
        return None
    if room is None:
        return None
    return room.facts() | {
        "ips_per_node": per_node,
        "no_node_fits": room.free < per_node,
        "subnet_text": f"{room.text()}; a new node of pool {pool.name} takes {per_node} "
        + ("addresses" if per_node > 1 else "address")
        + (f" ({why})" if why else ""),
        "subnet_source": f"subnet {pool.subnet_id}",
    }


# ---- node pools ---------------------------------------------------------------------------------
@dataclass
class Pool:
    """One agentPoolProfiles entry of the managed cluster."""

    name: str
    count: int
    vm_size: str
    autoscale: bool
    min_count: int
    max_count: int
    max_pods: int
    mode: str
    os_type: str
    labels: dict[str, str]
    taints: list[dict[str, Any]]
    zones: list[str]
    subnet_id: str
    spot: bool
    orchestrator: str
    pod_subnet_id: str = ""


def agent_pools(ev: Evidence) -> list[Pool]:
    """The managed cluster's node pools (properties.agentPoolProfiles)."""
    cluster = ev.managed_cluster()
    return [_pool(p) for p in dig(cluster, "properties.agentPoolProfiles") or []]


def _pool(p: dict[str, Any]) -> Pool:
    spot = p.get("scaleSetPriority") == "Spot"
    taints = [_parse_taint(t) for t in p.get("nodeTaints") or []]
    if spot and not any(t["key"] == "kubernetes.azure.com/scalesetpriority" for t in taints):
        # AKS adds this taint to every Spot pool (learn.microsoft.com/azure/aks/spot-node-pool)
        taints.append({"key": "kubernetes.azure.com/scalesetpriority", "value": "spot", "effect": "NoSchedule"})
    count = int(p.get("count") or 0)
    return Pool(
        name=p.get("name", ""),
        count=count,
        vm_size=p.get("vmSize", ""),
        autoscale=bool(p.get("enableAutoScaling")),
        min_count=int(p.get("minCount") or count),
        max_count=int(p.get("maxCount") or count),
        max_pods=int(p.get("maxPods") or 110),
        mode=p.get("mode", "User"),
        os_type=p.get("osType", "Linux"),
        labels=dict(p.get("nodeLabels") or {}),
        taints=taints,
        zones=list(p.get("availabilityZones") or []),
        subnet_id=p.get("vnetSubnetID") or "",
        spot=spot,
        orchestrator=p.get("currentOrchestratorVersion") or p.get("orchestratorVersion") or "",
        pod_subnet_id=p.get("podSubnetID") or "",
    )


def _parse_taint(text: str) -> dict[str, Any]:
    """'key=value:NoSchedule' (az aks --node-taints form) as a taint object."""
    head, _, effect = text.rpartition(":")
    key, _, value = head.partition("=")
    return {"key": key, "value": value, "effect": effect}


@dataclass
class PoolTemplate:
    """What a new node of a pool looks like to the scheduler: labels, taints, room after its DaemonSet pods."""

    pool: Pool
    labels: dict[str, str]
    taints: list[dict[str, Any]]
    allocatable: Resources
    daemonsets: Resources
    source: str
    nodes: list[NodeState] = field(default_factory=list)
    vcpus: int = 0
    # extended resources (nvidia.com/gpu, ...) whose amount on a new node is not known: a pool estimated from
    # its VM size knows GPUs only for sizes of GPU_COUNTS (and that other sizes have none), nothing else
    unknown: frozenset[str] = frozenset()
    estimated: bool = False  # from the VM size, not from a node: no extended resource but GPUs is known

    def _unknown(self, name: str) -> bool:
        return name in self.unknown or (self.estimated and name != GPU)

    @property
    def room(self) -> Resources:
        """Free on a new node once its DaemonSet pods run."""
        return self.allocatable.minus(self.daemonsets)

    def hosts(self, pod: dict[str, Any]) -> bool:
        """Labels match the pod's selector/affinity and every NoSchedule/NoExecute taint is tolerated."""
        return matches_node(pod, self.labels) and not untolerated(pod, self.taints)

    def fits(self, requests: Resources) -> bool:
        """An empty node of this pool holds the pod: CPU, memory, a pod slot and every extended resource
        (nvidia.com/gpu, hugepages, ephemeral-storage) whose amount on a new node is known."""
        return not self.room.short(self._known(requests))

    def lacks(self, requests: Resources) -> list[str]:
        """The extended resources the pod asks for that a new node of this pool does not offer (known amounts)."""
        return self.room.short_other(self._known(requests))

    def _known(self, requests: Resources) -> Resources:
        """The requests without the extended resources whose amount on a new node is unknown."""
        known = {k: v for k, v in requests.other.items() if not self._unknown(k)}
        return Resources(requests.cpu, requests.memory, requests.pods, known)

    def why_not(self, pod: dict[str, Any]) -> str:
        """Why the pool cannot host the pod (labels or taints)."""
        if not matches_node(pod, self.labels):
            return "labels do not match"
        bad = untolerated(pod, self.taints)
        return f"taint {describe_taint(bad[0])} not tolerated" if bad else ""

    def line(self, requests: Resources) -> tuple[str, str]:
        """One evidence line: the pool, its autoscaler, and what a new node offers."""
        p = self.pool
        scaler = f"autoscaler on (min {p.min_count}, max {p.max_count})" if p.autoscale else "autoscaler off"
        room = self.room
        extra = "".join(
            f", {'an unknown number of' if self._unknown(k) else format(room.other.get(k, 0), 'g')} {k}"
            for k, v in sorted(requests.other.items()) if v > 0 and k != "ephemeral-storage"
        )
        text = (
            f"pool {p.name}: {p.vm_size}, {p.count} nodes, {scaler}; a new node offers "
            f"{format_cpu(room.cpu)} CPU, {format_memory(room.memory)}{extra} ({self.source})"
        )
        return text, f"managed cluster agentPoolProfiles[{p.name}]"

    def facts(self) -> dict[str, Any]:
        """Facts for the fix commands."""
        p = self.pool
        return {
            "pool": p.name,
            "vm_size": p.vm_size,
            "node_count": p.count,
            "min_count": p.min_count,
            "max_count": p.max_count,
            "pool_mode": p.mode,
            "subnet_id": p.subnet_id or None,
            "subnet": p.subnet_id.rsplit("/", 1)[-1] if p.subnet_id else None,
            "ips_per_node": p.max_pods + 1,
            "new_room": f"{format_cpu(self.room.cpu)} CPU, {format_memory(self.room.memory)}",
        }


def pool_template(pool: Pool, view: ClusterView, sizes: list[dict[str, Any]] | None, version: str) -> PoolTemplate:
    """A new node of the pool: modelled on an existing node, else on the VM size and the AKS reservations."""
    nodes = view.pool_nodes(pool.name)
    if nodes:
        model = max(nodes, key=lambda n: (n.ready, n.allocatable.cpu))
        labels = dict(model.labels)
        taints = [t for t in model.taints if t.get("key") not in _STATE_TAINTS]
        vcpus = int(_cores_of(model) or _size_cores(sizes, pool.vm_size))
        return PoolTemplate(
            pool, labels, taints, model.allocatable, model.daemonsets, f"as node {model.name}", nodes, vcpus
        )
    size = _size(sizes, pool.vm_size)
    labels = _synthetic_labels(pool)
    ds = max((n.daemonsets for n in view.nodes), key=lambda r: (r.cpu, r.memory), default=Resources())
    if size is None:
        return PoolTemplate(
            pool, labels, pool.taints, Resources(pods=pool.max_pods), ds, "VM size unknown", [], 0, frozenset({GPU}),
            estimated=True,
        )
    alloc = aks_allocatable(
        int(size["numberOfCores"]), int(size["memoryInMB"]) * MIB, pool.max_pods, os_type=pool.os_type, version=version
    )
    gpus = gpu_count(pool.vm_size)
    if gpus:
        alloc.other[GPU] = gpus
    return PoolTemplate(
        pool, labels, pool.taints, alloc, ds, f"estimated from {pool.vm_size}", [], int(size["numberOfCores"]),
        frozenset() if gpus is not None else frozenset({GPU}), estimated=True,
    )


_STATE_TAINTS = (
    "node.kubernetes.io/not-ready",
    "node.kubernetes.io/unreachable",
    "node.kubernetes.io/unschedulable",
    "ToBeDeletedByClusterAutoscaler",
    "DeletionCandidateOfClusterAutoscaler",
)


def _unadvertised(requests: Resources, hosting: list[PoolTemplate]) -> Outcome | None:
    """A pool of a GPU VM size whose nodes advertise no nvidia.com/gpu: a new node would not either, and no
    other VM size is the answer: the NVIDIA device plugin (or the GPU operator) is not running on them."""
    if requests.other.get(GPU, 0) <= 0:
        return None
    plain = Resources(requests.cpu, requests.memory, requests.pods)
    for t in hosting:
        if (
            t.nodes
            and gpu_count(t.pool.vm_size) != 0
            and not any(n.allocatable.other.get(GPU, 0) > 0 for n in t.nodes)
            and not t.room.short(plain)
        ):
            note = (
                f"pool {t.pool.name} is of GPU size {t.pool.vm_size} but none of its nodes advertises {GPU} in its "
                "allocatable: the NVIDIA device plugin DaemonSet (or the GPU operator) is not running on them, so a "
                "new node of the pool would not offer one either; check `kubectl get pods -A -o wide | grep -i "
                "nvidia` and learn.microsoft.com/azure/aks/use-nvidia-gpu"
            )
            text = f"pool {t.pool.name} ({t.pool.vm_size}): its {len(t.nodes)} node(s) advertise no {GPU}"
            return Outcome.of("unadvertised", (text, f"nodes of pool {t.pool.name}: status.allocatable"), notes=[note])
    return None


def _synthetic_labels(pool: Pool) -> dict[str, str]:
    """Labels AKS puts on every node of a pool (learn.microsoft.com/azure/aks/use-labels), plus its nodeLabels."""
    labels = {
        "agentpool": pool.name,
        "kubernetes.azure.com/agentpool": pool.name,
        "kubernetes.azure.com/mode": pool.mode.lower(),
        "kubernetes.io/os": pool.os_type.lower(),
        "node.kubernetes.io/instance-type": pool.vm_size,
        "beta.kubernetes.io/instance-type": pool.vm_size,
    }
    if pool.spot:
        labels["kubernetes.azure.com/scalesetpriority"] = "spot"
    return labels | pool.labels


# ---- AKS reservations ---------------------------------------------------------------------------------
def kube_reserved_cpu(cores: int) -> float:
    """AKS kube-reserved CPU in millicores for a host of `cores` (linear between the documented points)."""
    points = KUBE_RESERVED_CPU
    if cores <= points[0][0]:
        return float(points[0][1])
    for (c0, r0), (c1, r1) in itertools.pairwise(points):
        if cores <= c1:
            return r0 + (r1 - r0) * (cores - c0) / (c1 - c0)
    (c0, r0), (c1, r1) = points[-2], points[-1]
    return r1 + (r1 - r0) * (cores - c1) / (c1 - c0)


def kube_reserved_memory(memory: int, max_pods: int, *, version: str = "1.31") -> tuple[int, int]:
    """(kube-reserved, eviction threshold) in bytes for a host with `memory` bytes.

    AKS 1.29+: min(20 MB x max pods + 50 MB, 25% of memory), eviction at memory.available < 100Mi.
    Before 1.29: 25% of the first 4 GB, 20% of the next 4, 10% of the next 8, 6% of the next 112, 2% above
    128 GB, eviction at < 750Mi (learn.microsoft.com/azure/aks/node-resource-reservations, "Memory
    reservations"; MB read as MiB, as the kubelet flags AKS sets are in Mi).
    """
    if _minor(version) >= 29:
        return min(20 * MIB * max_pods + 50 * MIB, memory // 4), 100 * MIB
    reserved, left = 0.0, float(memory)
    for size, rate in ((4 * GIB, 0.25), (4 * GIB, 0.20), (8 * GIB, 0.10), (112 * GIB, 0.06), (float("inf"), 0.02)):
        step = min(left, size)
        reserved += step * rate
        left -= step
        if left <= 0:
            break
    return int(reserved), 750 * MIB


def aks_allocatable(
    cores: int, memory: int, max_pods: int, *, os_type: str = "Linux", version: str = "1.31"
) -> Resources:
    """Estimated allocatable of an AKS node of a VM size (cores, memory in bytes), after AKS reservations."""
    reserved, eviction = kube_reserved_memory(memory, max_pods, version=version)
    if os_type.lower() == "windows":
        reserved += 2 * GIB  # AKS reserves 2 GiB more for Windows system processes (same page)
    return Resources(cpu=cores * 1000 - kube_reserved_cpu(cores), memory=memory - reserved - eviction, pods=max_pods)


def kubernetes_version(ev: Evidence) -> str:
    """The cluster's Kubernetes version (managed cluster, else a node's kubelet), '1.31' when unknown."""
    try:
        return str(
            dig(ev.managed_cluster(), "properties.currentKubernetesVersion")
            or dig(ev.managed_cluster(), "properties.kubernetesVersion")
            or "1.31"
        )
    except DataUnavailable:
        nodes = cluster_view(ev).nodes
        return str(dig(nodes[0].obj, "status.nodeInfo.kubeletVersion", "1.31")).lstrip("v") if nodes else "1.31"


def _minor(version: str) -> int:
    match = re.match(r"v?(\d+)\.(\d+)", version or "")
    return int(match.group(2)) if match else 31


# ---- VM sizes and quota ---------------------------------------------------------------------------
def vm_sizes(ev: Evidence) -> list[dict[str, Any]]:
    """VM sizes of the cluster's region (name, numberOfCores, memoryInMB)."""
    sub, location = _region(ev)
    return ev.vm_sizes(sub, location)


def compute_usages(ev: Evidence) -> list[dict[str, Any]]:
    """Compute quota usages of the cluster's region (Microsoft.Compute/locations/{region}/usages)."""
    sub, location = _region(ev)
    return ev.compute_usages(sub, location)


def suggest_vm_size(
    requests: Resources,
    sizes: list[dict[str, Any]],
    *,
    current: str,
    daemonsets: Resources,
    max_pods: int,
    version: str,
) -> str:
    """The smallest VM size whose new node holds the pod, preferring the current size's series."""
    series = _series(current)
    gpus = requests.other.get(GPU, 0)
    fitting = []
    for size in sizes:
        name = str(size.get("name", ""))
        if not _SIZE.match(name) or _SIZE.match(name).group("constrained") or "Promo" in name:  # type: ignore[union-attr]
            continue
        if gpus > 0 and (GPU_COUNTS.get(name.lower()) or 0) < gpus:
            continue  # a GPU pod needs a size known to offer that many whole GPUs
        alloc = aks_allocatable(
            int(size.get("numberOfCores") or 0), int(size.get("memoryInMB") or 0) * MIB, max_pods, version=version
        )
        if not (
            {Reason.CPU, Reason.MEMORY} & set(alloc.minus(daemonsets).short(Resources(requests.cpu, requests.memory)))
        ):
            fitting.append((
                GPU_COUNTS.get(name.lower(), 0) if gpus > 0 else 0,
                _series(name) != series, int(size.get("numberOfCores") or 0), int(size.get("memoryInMB") or 0), name,
            ))
    return min(fitting)[-1] if fitting else ""


def _series(name: str) -> str:
    match = _SIZE.match(name or "")
    return f"{match.group('prefix')}{match.group('features')}{match.group('rest')}" if match else name


def _size(sizes: list[dict[str, Any]] | None, name: str) -> dict[str, Any] | None:
    return next((s for s in sizes or [] if str(s.get("name", "")).lower() == name.lower()), None)


def _size_cores(sizes: list[dict[str, Any]] | None, name: str) -> int:
    size = _size(sizes, name)
    return int(size.get("numberOfCores") or 0) if size else 0


def _cores_of(node: NodeState) -> float:
    try:
        return float(dig(node.obj, "status.capacity.cpu") or 0)
    except (TypeError, ValueError):
        return 0.0


def _quota(ev: Evidence, chosen: PoolTemplate, nodes: int, skipped: list[Skipped]) -> dict[str, Any] | None:
    """Whether the region's quota (the VM family's, and total regional vCPUs) leaves room for `nodes` more nodes."""
    usages = _optional(ev, compute_usages, skipped)
    if usages is None or not chosen.vcpus:
        return None
    table = {str(dig(u, "name.value", "")): u for u in usages}
    pool = chosen.pool
    names = ["lowPriorityCores"] if pool.spot else [family_for_size(pool.vm_size, list(table)) or "", "cores"]
    need = chosen.vcpus * nodes
    _sub, location = _region(ev)
    short = _first_short(table, names, need)
    if short is not None:
        name, limit, used, label = short
        free = limit - used
        return {
            "quota_short": True,
            "vm_family": name,
            "quota_name": quota_name(name, label),
            "quota_limit": limit,
            "quota_used": used,
            "quota_free": free,
            "quota_needed": need,
            "quota_new_limit": used + need,
            "node_vcpus": chosen.vcpus,
            "location": location,
            "quota_text": f"{label} in {location}: {used} of {limit} vCPUs used, {free} free; "
            f"{nodes} more {pool.vm_size} node(s) need {need}",
            "quota_source": f"Microsoft.Compute/locations/{location}/usages ({name})",
        }
    family = family_for_size(pool.vm_size, list(table))
    return {"quota_short": False, "vm_family": family or None, "location": location, "node_vcpus": chosen.vcpus}


def _first_short(table: dict[str, dict[str, Any]], names: list[str], need: int) -> tuple[str, int, int, str] | None:
    """The first of the usages `names` (in that order, those the region lists) with fewer than `need` vCPUs free:
    (name, limit, used, its localized label)."""
    for name in [n for n in names if n in table]:
        usage = table[name]
        limit, used = int(usage.get("limit") or 0), int(usage.get("currentValue") or 0)
        if limit - used < need:
            return name, limit, used, str(dig(usage, "name.localizedValue", name))
    return None


def _quota_from_message(message: str) -> dict[str, Any]:
    """Figures of an Azure quota error ("exceeding approved standardDSv3Family Cores quota ... Current Limit: 10")."""
    out: dict[str, Any] = {}
    family = re.search(r"approved (\S+) Cores quota", message)
    if family:
        out["vm_family"] = family.group(1)
    elif "Total Regional Cores quota" in message:
        out["vm_family"] = "cores"
    for key, label in (
        ("quota_limit", "Current Limit"),
        ("quota_used", "Current Usage"),
        ("quota_needed", "Additional Required"),
        ("quota_new_limit", r"\(Minimum\) New Limit Required"),
    ):
        found = re.search(label + r":\s*(\d+)", message)
        if found:
            out[key] = int(found.group(1))
    classic = re.search(
        r"quota limits? of (\w+)(?: Cores)?\.\s*Maximum allowed:\s*(\d+),\s*Current in use:\s*(\d+),"
        r"\s*Additional requested:\s*(\d+)",
        message,
    )
    if classic:  # "Operation results in exceeding quota limits of Core. Maximum allowed: 10, Current in use: 10, ..."
        limit, used, needed = (int(classic.group(i)) for i in (2, 3, 4))
        out |= {"quota_limit": limit, "quota_used": used, "quota_needed": needed, "quota_new_limit": used + needed}
        out.setdefault("vm_family", "cores" if classic.group(1).lower() in ("core", "cores") else classic.group(1))
    location = re.search(r"Location:\s*([\w-]+)", message)
    if location:
        out["location"] = location.group(1)
    if out.get("vm_family"):
        out["quota_name"] = quota_name(str(out["vm_family"]))
    return out


_QUOTA_NAMES = {"cores": "Total Regional vCPUs", "lowprioritycores": "Total Regional Low-priority vCPUs"}


def quota_name(family: str, label: str = "") -> str:
    """How the portal names a compute quota: the usage's localized name, else the family's with "vCPUs"."""
    return label or _QUOTA_NAMES.get(family.lower(), f"{family} vCPUs")


# ---- autoscaler signals -----------------------------------------------------------------------------
@dataclass
class GroupStatus:
    """One node group of the cluster-autoscaler-status ConfigMap."""

    name: str
    target: int
    min_size: int
    max_size: int
    scale_up: str
    backoff: str = ""

    @property
    def pool(self) -> str:
        """The AKS pool behind the VMSS node group."""
        return vmss_pool(self.name)


@dataclass
class ScaleFailure:
    """A failed scale-up the autoscaler reported."""

    group: str
    message: str
    source: str
    when: str = ""

    @property
    def pool(self) -> str:
        """The AKS pool of the group."""
        return vmss_pool(self.group)


@dataclass
class Signals:
    """What the cluster autoscaler said: events on the pod, its status ConfigMap, and the ConfigMap's events."""

    triggered: list[tuple[ScaleUp, str, str]] = field(default_factory=list)
    declined: list[tuple[NoScaleUp, str, str]] = field(default_factory=list)
    groups: dict[str, GroupStatus] = field(default_factory=dict)
    failures: list[ScaleFailure] = field(default_factory=list)
    status_source: str = ""
    skipped: list[Skipped] = field(default_factory=list)

    def newest_is_trigger(self) -> bool:
        """The newest autoscaler verdict on the pod is TriggeredScaleUp."""
        if not self.triggered:
            return False
        last_trigger = self.triggered[-1][1]
        return not self.declined or self.declined[-1][1] <= last_trigger

    def in_progress(self, fitting: list[PoolTemplate], view: ClusterView) -> tuple[PoolTemplate, ScaleUp] | None:
        """A scale-up of a fitting pool whose new node has not joined yet."""
        by_pool = {t.pool.name: t for t in fitting}
        scale = self.in_progress_k8s(view)
        if scale is not None and vmss_pool(scale.group) in by_pool:
            return by_pool[vmss_pool(scale.group)], scale
        for group in self.groups.values():
            template = by_pool.get(group.pool)
            if template is not None and group.scale_up == "InProgress":
                ready = len([n for n in view.pool_nodes(group.pool) if n.ready])
                return template, ScaleUp(group.name, ready, max(group.target, ready + 1), group.max_size)
        return None

    def in_progress_k8s(self, view: ClusterView) -> ScaleUp | None:
        """The pod's newest TriggeredScaleUp, when its group has fewer Ready nodes than the new size."""
        if not self.newest_is_trigger():
            return None
        newest = self.triggered[-1][1]
        for scale, when, _source in self.triggered:
            if when != newest:
                continue
            ready = len([n for n in view.pool_nodes(vmss_pool(scale.group)) if n.ready])
            status = self.groups.get(scale.group)
            if ready < scale.new and (status is None or status.scale_up != "Backoff"):
                return scale
        return None

    def failure_for(self, fitting: list[PoolTemplate]) -> ScaleFailure | None:
        """The newest scale-up failure of a fitting pool."""
        names = {t.pool.name for t in fitting}
        found = [f for f in self.failures if f.pool in names or not f.pool]
        return found[-1] if found else None

    def failure_for_pool(self, pool: str) -> ScaleFailure | None:
        """The newest scale-up failure of one pool (or of any pool when the pool is not known)."""
        found = [f for f in self.failures if not pool or f.pool in (pool, "")]
        return found[-1] if found else None

    def backoff_for(self, pools: set[str] | None) -> ScaleFailure | None:
        """A node group in backoff (status ConfigMap, or 'in backoff after failed scale-up' on the pod) that says
        no more than that: a failure without a message."""
        for g in self.groups.values():
            if g.scale_up == "Backoff" and (pools is None or g.pool in pools or not g.pool):
                return ScaleFailure(g.name, g.backoff, self.status_source)
        if self.declined and not self.newest_is_trigger() and self.declined[-1][0].count(Reason.BACKOFF) > 0:
            return ScaleFailure("", "", self.declined[-1][2])
        return None

    def group_at_max(self, pool: str) -> GroupStatus | None:
        """The pool's node group when its target is at its maximum."""
        return next((g for g in self.groups.values() if g.pool == pool and g.target >= g.max_size), None)

    def says_max_reached(self) -> bool:
        """The newest NotTriggerScaleUp on the pod names 'max node group size reached'."""
        return (
            bool(self.declined)
            and not self.newest_is_trigger()
            and self.declined[-1][0].count(Reason.MAX_GROUP_SIZE) > 0
        )

    def progress_evidence(self) -> list[tuple[str, str]]:
        """The TriggeredScaleUp line."""
        if not self.triggered:
            return []
        scale, _when, source = self.triggered[-1]
        return [
            (
                f"cluster-autoscaler: pod triggered scale-up: "
                f"{scale.group} {scale.current}->{scale.new} (max: {scale.max})",
                source,
            )
        ]

    def evidence(self) -> list[tuple[str, str]]:
        """The autoscaler's newest word on the pod, and its status for each node group."""
        out = []
        if self.declined and not self.newest_is_trigger():
            no, _when, source = self.declined[-1]
            out.append((f"cluster-autoscaler: {no.raw}", source))
        elif self.triggered:
            out += self.progress_evidence()
        for g in self.groups.values():
            extra = f", backoff: {_short(g.backoff, 200)}" if g.backoff else ""
            out.append(
                (
                    f"autoscaler group {g.name}: target {g.target} (min {g.min_size}, max {g.max_size}), "
                    f"scale-up {g.scale_up}{extra}",
                    self.status_source,
                )
            )
        return out


def autoscaler_signals(ev: Evidence) -> Signals:
    """The autoscaler's events on the pod, its status ConfigMap and that ConfigMap's events (memoized)."""
    return ev.memo(("derived", "autoscaler_signals", ev.target), lambda: _signals(ev))


def _signals(ev: Evidence) -> Signals:
    signals = Signals()
    pod = target_pod(ev)
    try:
        events = ev.events_for(pod)
    except DataUnavailable as exc:
        events = []
        signals.skipped.append(Skipped("capacity.scale_out", f"could not {exc.what}: {exc.reason}", exc.grant))
    for e in events:
        src = f"Event {ev.target.namespace}/{dig(e, 'metadata.name', '')} ({e.get('reason')})"
        if e.get("reason") == "TriggeredScaleUp":
            signals.triggered += [(s, event_time(e), src) for s in parse_scale_up(e.get("message", ""))]
        elif e.get("reason") == "NotTriggerScaleUp":
            signals.declined.append((parse_no_scale_up(e.get("message", "")), event_time(e), src))
    ns, name = STATUS_CONFIGMAP
    try:
        status = ev.get("configmaps", name, ns)
    except NotFound:
        return signals
    except DataUnavailable as exc:
        signals.skipped.append(Skipped("capacity.scale_out", f"could not {exc.what}: {exc.reason}", exc.grant))
        return signals
    signals.status_source = f"ConfigMap {ns}/{name}"
    signals.groups = parse_status(str(dig(status, "data.status", "") or ""))
    for g in signals.groups.values():
        if g.backoff:
            signals.failures.append(ScaleFailure(g.name, g.backoff, signals.status_source))
    try:
        for e in ev.events_for(status):
            if e.get("reason") == "FailedToScaleUpGroup":
                text = str(e.get("message", ""))
                group = re.match(r"Scale-up failed for group (\S+?): ", text)
                src = f"Event {ns}/{dig(e, 'metadata.name', '')} (FailedToScaleUpGroup)"
                error = text[group.end() :] if group else text
                signals.failures.append(ScaleFailure(group.group(1) if group else "", error, src, event_time(e)))
    except DataUnavailable as exc:
        signals.skipped.append(Skipped("capacity.scale_out", f"could not {exc.what}: {exc.reason}", exc.grant))
    return signals


def parse_status(text: str) -> dict[str, GroupStatus]:
    """Node groups of the cluster-autoscaler-status ConfigMap: YAML (cluster-autoscaler 1.30+,
    clusterstate/api/types.go ClusterAutoscalerStatus) or the older text format."""
    try:
        data = yaml.safe_load(text) if text.strip() else None
    except yaml.YAMLError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("nodeGroups"), list):
        out = {}
        for g in data["nodeGroups"]:
            health, scale = g.get("health") or {}, g.get("scaleUp") or {}
            backoff = scale.get("backoffInfo") or {}
            message = " ".join(str(backoff.get(k, "")) for k in ("errorCode", "errorMessage") if backoff.get(k))
            out[g.get("name", "")] = GroupStatus(
                g.get("name", ""),
                int(health.get("cloudProviderTarget") or 0),
                int(health.get("minSize") or 0),
                int(health.get("maxSize") or 0),
                str(scale.get("status", "")),
                message if scale.get("status") == "Backoff" else "",
            )
        return out
    return {
        m.group("name"): GroupStatus(
            m.group("name"), int(m.group("target")), int(m.group("min")), int(m.group("max")), m.group("scaleup")
        )
        for m in _OLD_STATUS_GROUP.finditer(text)
    }


def vmss_pool(group: str) -> str:
    """aks-nodepool1-31718369-vmss -> nodepool1 (the autoscaler's node group is the pool's scale set)."""
    match = _VMSS.match(group or "")
    return match.group("pool") if match else ""


# ---- facts ------------------------------------------------------------------------------------------
def _choose(fitting: list[PoolTemplate], ev: Evidence) -> PoolTemplate:
    """The pool a scale-out would use: autoscaling with room first, then autoscaling, then the candidates' pool."""
    preferred = fit_analysis(ev).facts.get("pool")
    return min(
        fitting,
        key=lambda t: (
            not (t.pool.autoscale and t.pool.count < t.pool.max_count),
            not t.pool.autoscale,
            t.pool.name != preferred,
            t.pool.mode == "System",
            t.pool.name,
        ),
    )


def _need_facts(ev: Evidence, pod: dict[str, Any], requests: Resources, chosen: PoolTemplate) -> dict[str, Any]:
    room = chosen.room
    per_node = [room.pods]
    if requests.cpu > 0:
        per_node.append(int(room.cpu // requests.cpu))
    if requests.memory > 0:
        per_node.append(int(room.memory // requests.memory))
    siblings = len(pending_siblings(pod, cluster_view(ev)))
    needed = max(1, math.ceil(siblings / max(1, min(per_node))))
    p = chosen.pool
    return {
        "nodes_needed": needed,
        "pending_siblings": siblings,
        "scaled_count": p.count + needed,
        "new_max_count": (p.max_count if p.autoscale else p.count) + needed,
    }


def _scale_facts(scale: ScaleUp) -> dict[str, Any]:
    return {
        "scale_group": scale.group,
        "scale_from": scale.current,
        "scale_to": scale.new,
        "scale_max": scale.max,
        "pool": vmss_pool(scale.group) or None,
        "scale_text": f"{scale.group} {scale.current}->{scale.new} (max {scale.max})",
    }


def _too_small(
    ev: Evidence, requests: Resources, hosting: list[PoolTemplate], sizes: list[dict[str, Any]] | None
) -> Outcome:
    biggest = max(hosting, key=lambda t: (t.room.cpu, t.room.memory))
    version = kubernetes_version(ev)
    lacks = {t.pool.name: t.lacks(requests) for t in hosting}
    lacking = sorted({k for names in lacks.values() for k in names})
    suggestion = suggest_vm_size(
        requests,
        sizes or [],
        current=biggest.pool.vm_size,
        daemonsets=biggest.daemonsets,
        max_pods=biggest.pool.max_pods,
        version=version,
    )
    if lacking and lacking != [GPU]:
        suggestion = ""  # no VM size list says which size offers that resource
    labels = selector_labels(target_pod(ev))
    room = biggest.room
    short_of = set(room.short(Resources(requests.cpu, requests.memory)))
    extra = "".join(f", {room.other.get(k, 0):g} {k}" for k in lacking)
    facts = (
        _coordinates(ev)
        | biggest.facts()
        | {
            "fit_cpu_request": format_cpu(max(10, math.floor(min(requests.cpu, room.cpu) / 10) * 10)),
            "fit_memory_request": f"{max(1, min(requests.memory, room.memory) // MIB)}Mi",
            "new_pool_labels": labels or None,
            "new_pool_plain": not labels or None,
            "largest_pool": biggest.pool.name,
            "largest_vm_size": biggest.pool.vm_size,
            "largest_room": f"{format_cpu(biggest.room.cpu)} CPU, {format_memory(biggest.room.memory)}{extra}",
            "lower_requests": bool(short_of & {Reason.CPU, Reason.MEMORY}) or None,
            "suggested_vm_size": suggestion or None,
            "new_pool_name": _pool_name(suggestion) if suggestion else None,
        }
    )
    facts |= _size_advice(ev, requests, suggestion, sizes, lacking)
    if not suggestion and sizes is not None:  # the region's sizes were read and none holds the pod
        facts["new_pool_plain"] = facts["new_pool_labels"] = None
    needs = "".join(f", {requests.other[k]:g} {k}" for k in lacking)
    text = (
        f"the pod needs {format_cpu(requests.cpu)} CPU and {format_memory(requests.memory)}{needs}; the largest new "
        f"node any pool can add ({biggest.pool.vm_size} in {biggest.pool.name}) offers {facts['largest_room']}"
    )
    if lacking:
        offers = "; ".join(f"{t.pool.name} ({t.pool.vm_size}): {t.room.other.get(k, 0):g} {k}" for t in hosting
                           for k in lacks[t.pool.name])
        text += f"; no pool that admits the pod offers {', '.join(lacking)} ({offers})"
    if suggestion:
        text += f"; the smallest size that fits is {suggestion}"
    elif sizes is not None:
        text += f"; none of the {len(sizes)} VM sizes the region lists for the subscription holds it"
    skipped: list[Skipped] = []
    quota = _new_size_quota(ev, suggestion, sizes, skipped) if suggestion else None
    evidence: list[tuple[str, str]] = [(text, "VM sizes of the region and AKS node resource reservations")]
    if quota:
        facts |= quota
        evidence.append((quota["new_size_quota_text"], quota["new_size_quota_source"]))
    out = Outcome.of("too-small", *evidence, **facts)
    out.skipped = skipped
    return out


def _size_advice(
    ev: Evidence, requests: Resources, suggestion: str, sizes: list[dict[str, Any]] | None, lacking: list[str]
) -> dict[str, Any]:
    """The summary's sentence on a VM size that would hold the pod, and when the region's list has none for a GPU
    pod, the read-only command that shows which GPU sizes the subscription may use there."""
    if suggestion:
        return {"size_advice": f"The smallest VM size that holds the pod is {suggestion}."}
    if sizes is None:
        return {"size_advice": "The region's VM sizes could not be read, so no VM size is suggested."}
    location = ""
    with contextlib.suppress(DataUnavailable, NotFound, KeyError):
        location = _region(ev)[1]
    where = f" in {location}" if location else ""
    if lacking == [GPU]:
        gpus = f"{requests.other.get(GPU, 0):g}"
        n_series = sorted(str(z.get("name")) for z in sizes if gpu_count(str(z.get("name") or "")) != 0)
        known = {name: gpu_count(name) for name in n_series if gpu_count(name)}
        listed = f"{', '.join(n_series[:6])}{', …' if len(n_series) > 6 else ''}"
        if not n_series:
            advice = (
                f"None of the {len(sizes)} VM sizes listed for this subscription{where} is of the N-series (GPU): "
                "a GPU pool needs a region that offers it, or a support request for the N-series there."
            )
        elif known:
            most = max(known, key=lambda name: known[name] or 0)
            advice = (
                f"No VM size listed for this subscription{where} offers {gpus} {GPU}: the most is {known[most]} "
                f"({most}); the pod asks for more GPUs than one node of the region can have (N-series listed: "
                f"{listed})."
            )
        else:
            advice = (
                f"No VM size listed for this subscription{where} is known to offer {gpus} {GPU} (N-series listed: "
                f"{listed}; their GPU counts are not in aksdoctor's table)."
            )
        return {"size_advice": advice, "gpu_sizes_missing": True, "location": location or None}
    if lacking:
        return {
            "size_advice": f"No VM size list says which size offers {', '.join(lacking)}: it is advertised by the "
            "device plugin of whatever provides it, on the nodes that run that plugin."
        }
    return {"size_advice": f"No VM size{where} ({len(sizes)} listed) holds the pod once AKS's reservations are taken."}


def _new_size_quota(
    ev: Evidence, vm_size: str, sizes: list[dict[str, Any]] | None, skipped: list[Skipped]
) -> dict[str, Any] | None:
    """Whether the region's quota of a proposed VM size's family (and total regional vCPUs) holds one node of it:
    a pool that cannot get its first node is not a fix to offer first (GPU families start at 0 vCPUs)."""
    cores = _size_cores(sizes, vm_size)
    usages = _optional(ev, compute_usages, skipped) if cores else None
    if not usages:
        return None
    table = {str(dig(u, "name.value", "")): u for u in usages}
    _sub, location = _region(ev)
    short = _first_short(table, [family_for_size(vm_size, list(table)) or "", "cores"], cores)
    if short is not None:
        name, limit, used, label = short
        return {
            "new_size_family": name,
            "new_size_quota_new_limit": used + cores,
            "location": location,
            "new_size_quota_text": f"{label} in {location}: {used} of {limit} vCPUs used, {limit - used} free; "
            f"one {vm_size} node needs {cores}",
            "new_size_quota_source": f"Microsoft.Compute/locations/{location}/usages ({name})",
        }
    return None


def _pool_name(vm_size: str) -> str:
    """A node pool name from a VM size: Standard_D8ds_v5 -> d8dsv5 (lower-case letters and digits, at most 12)."""
    return re.sub(r"[^a-z0-9]", "", vm_size.lower().removeprefix("standard_"))[:12]


def _coordinates(ev: Evidence) -> dict[str, Any]:
    try:
        return dict(ev.cluster_coordinates())
    except (DataUnavailable, NotFound):
        return {}


def _region(ev: Evidence) -> tuple[str, str]:
    cluster = ev.managed_cluster()
    sub = ev.cluster_coordinates()["subscription"]
    location = str(cluster.get("location") or "").replace(" ", "").lower()
    if not location:
        raise AzureNotConfigured("find the cluster's region", reason="the managed cluster has no location")
    return sub, location


def _optional(ev: Evidence, read: Any, skipped: list[Skipped]) -> Any:
    try:
        return read(ev)
    except DataUnavailable as exc:
        skipped.append(Skipped("capacity.scale_out", f"could not {exc.what}: {exc.reason}", exc.grant))
        return None


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = [
    "GroupStatus",
    "Pool",
    "PoolTemplate",
    "Signals",
    "agent_pools",
    "aks_allocatable",
    "autoscaler_signals",
    "compute_usages",
    "kube_reserved_cpu",
    "kube_reserved_memory",
    "parse_status",
    "pool_template",
    "scale_out",
    "suggest_vm_size",
    "vm_sizes",
    "vmss_pool",
]

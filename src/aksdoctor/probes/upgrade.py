"""What stops, or would stop, an AKS node pool from surging and draining (`aksdoctor upgrade [--pool P]`).

An AKS upgrade adds ceil(count x maxSurge) surge nodes to a pool, then cordons and drains the old nodes one
by one (https://learn.microsoft.com/azure/aks/upgrade-aks-cluster#customize-node-surge-upgrade). It stops
when a PodDisruptionBudget never lets a pod go (probes/pdb.py), when the surge nodes do not fit the pool's
subnet (Azure CNI without overlay gives each node maxPods+1 addresses,
https://learn.microsoft.com/azure/aks/azure-cni-overview) or the region's vCPU quota, and when the control
plane refuses a minor upgrade for recent use of removed APIs (UpgradeBlockedOnDeprecatedAPIUsage,
https://learn.microsoft.com/azure/aks/stop-cluster-upgrade-api-breaking-changes). `kubectl drain` refuses two
more kinds of pod that AKS's own drain evicts: pods without a controller and pods with emptyDir volumes.
Several blockers can hold at once: the probe that names one lists the others found further down as notes.
"""

from __future__ import annotations

import contextlib
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from ..errors import DataUnavailable, NotFound, TargetNotFound
from ..model import Outcome, Skipped
from ..sources.evidence import Evidence
from ..sources.selectors import dig
from .pdb import Blocking, blocking_pdbs, handover_target
from .quota import family_for_size
from .registry import probe
from .subnet_room import addresses_per_node, subnet_room

POOL_LABELS = ("kubernetes.azure.com/agentpool", "agentpool")
BUSY = ("Upgrading", "Updating", "Scaling", "Creating", "Starting", "Stopping", "Migrating")
_DEPRECATED_API = re.compile(r"usage has been detected on API (?P<api>[\w.\-/]+?),")
_REMOVED_IN = re.compile(r"removed in (?P<version>\d+\.\d+)")
_QUOTA = re.compile(
    r"quota limits of (?P<family>.+?)\. Maximum allowed: (?P<limit>\d+), Current in use: (?P<used>\d+), "
    r"Additional requested: (?P<need>\d+)"
)
_PREALLOCATED = re.compile(r"Pre-allocated IPs (?P<need>\d+) exceeds IPs available (?P<free>\d+)")


# ---- the probes -----------------------------------------------------------------------------------------
@probe("upgrade.operation", outcomes=("deprecated-api", "failed", "upgrading", "idle"))
def operation(ev: Evidence) -> Outcome:
    """What is the cluster's and its pools' last operation: failed, under way, or none?"""
    state = pool_state(ev)
    facts = state.facts()
    lines = [(p.line(), f"managed cluster agentPoolProfiles[{p.name}]") for p in state.pools]
    lines.insert(0, (state.cluster_line(), "managed cluster properties"))
    error = state.error
    if error and _is_deprecated_api(error):
        return Outcome.of("deprecated-api", *lines, **(facts | _deprecated_facts(error)))
    if state.failed:
        return Outcome.of("failed", *lines, **facts)
    if state.busy:
        return Outcome.of("upgrading", *lines, *_drain_lines(ev, state), **facts)
    return Outcome.of("idle", *lines, **facts)


@probe(
    "upgrade.pdbs",
    outcomes=("single-replica", "max-unavailable-zero", "min-available", "unhealthy-pods", "allow"),
)
def pdbs(ev: Evidence) -> Outcome:
    """Does a PodDisruptionBudget on the pool's nodes allow no disruption (by its spec, or for unready pods)?"""
    nodes = scope_nodes(ev)
    found = blocking_pdbs(ev, nodes)
    if not found:
        count = len(ev.list("poddisruptionbudgets"))
        return Outcome.of("allow", f"{count} PodDisruptionBudget(s) in the cluster; each allows a disruption")
    said = _drain_text(ev, nodes)
    # The PDB whose pod an AKS error or drain event names is the one that stopped the drain: it goes first.
    found = sorted(found, key=lambda b: not any(str(dig(p, "metadata.name")) in said for p in b.pods))
    first = found[0]
    notes = [f"also blocking: {b.line()}" for b in found[1:]] + also(ev, after="pdbs")
    evidence = [(b.line(), f"PodDisruptionBudget {b.namespace}/{b.name}") for b in found]
    evidence += _drain_events(ev, first)
    return Outcome.of(first.kind, *evidence, notes=notes, **_pdb_facts(first))


@probe("upgrade.surge", outcomes=("subnet-full", "quota", "fits"))
def surge(ev: Evidence) -> Outcome:
    """Do the pool's surge nodes fit its subnet's free addresses and the region's vCPU quota?"""
    result = surge_check(ev)
    if result.kind == "fits" and result.skipped:  # a check that could not run: no "fits" claimed
        return Outcome.unknown(*result.evidence, skipped=result.skipped, notes=result.notes)
    if result.kind == "fits":
        return Outcome.of("fits", *result.evidence, notes=result.notes)
    return Outcome.of(result.kind, *result.evidence, notes=result.notes + also(ev, after="surge"), **result.facts)


@probe("upgrade.manual_drain", outcomes=("no-controller", "local-storage", "none"))
def manual_drain(ev: Evidence) -> Outcome:
    """Would `kubectl drain` of a cordoned node refuse pods without a controller or with emptyDir volumes?"""
    refusals = drain_refusals(ev)
    draining = [n for n in refusals if n.cordoned]
    if not draining:
        notes = [f"a manual `kubectl drain {r.node}` would stop at: {r.text()}" for r in refusals[:3]]
        return Outcome.of("none", "no node of the pool is cordoned by hand", notes=notes)
    first = draining[0]
    kind = "no-controller" if first.unmanaged else "local-storage"
    pods = first.unmanaged or first.local
    pod_ns, pod_name = pods[0].split("/", 1)
    notes = [f"also: {r.node}: {r.text()}" for r in draining[1:]]
    if first.unmanaged and first.local:
        notes.append(f"{first.node} also has pods with emptyDir volumes: {', '.join(first.local)}")
    facts = {
        "node": first.node,
        "drain_pods": ", ".join(pods),
        "drain_pod": pod_name,
        "drain_namespace": pod_ns,
        "also_local_storage": bool(first.unmanaged and first.local),
    }
    return Outcome.of(
        kind, (f"node {first.node} is cordoned; {first.text()}", f"node {first.node}"), notes=notes, **facts
    )


# ---- pools ----------------------------------------------------------------------------------------------
@dataclass
class PoolInfo:
    """One agentPoolProfiles entry, with what an upgrade of it needs."""

    name: str
    count: int
    vm_size: str
    max_pods: int
    max_surge: str
    state: str
    current: str
    target: str
    subnet_id: str
    pod_subnet_id: str
    error: dict[str, Any]

    @property
    def surge_nodes(self) -> int:
        """ceil(count x maxSurge): the nodes AKS adds before draining (1 when maxSurge is unset)."""
        text = (self.max_surge or "1").strip()
        if text.endswith("%"):
            return max(1, math.ceil(self.count * float(text[:-1]) / 100)) if float(text[:-1]) > 0 else 0
        return int(text) if text.isdigit() else 1

    def line(self) -> str:
        """The pool as one evidence line."""
        version = self.current if self.current == self.target or not self.target else f"{self.current} -> {self.target}"
        text = (
            f"pool {self.name}: provisioningState {self.state}, {self.count} x {self.vm_size}, Kubernetes {version}, "
            f"maxSurge {self.max_surge or 'unset (1 node)'} = {self.surge_nodes} surge node(s)"
        )
        if self.error:
            text += f"; provisioningError {self.error.get('code', '')}: {_short(str(self.error.get('message', '')))}"
        return text


@dataclass
class PoolState:
    """The managed cluster and the pools in scope."""

    cluster: dict[str, Any]
    pools: list[PoolInfo]

    @property
    def cluster_state(self) -> str:
        """The cluster's provisioningState."""
        return str(dig(self.cluster, "properties.provisioningState", "") or "")

    @property
    def cluster_error(self) -> dict[str, Any]:
        """The cluster's status.provisioningError, where the API version returns it."""
        return dig(self.cluster, "properties.status.provisioningError") or {}

    @property
    def error(self) -> dict[str, Any]:
        """The first provisioningError: a failed pool's, else the cluster's."""
        for p in self.pools:
            if p.error:
                return p.error
        return self.cluster_error

    @property
    def failed(self) -> list[PoolInfo]:
        """Pools in provisioningState Failed (all in scope when only the cluster failed)."""
        mine = [p for p in self.pools if p.state == "Failed"]
        return mine or (list(self.pools) if self.cluster_state == "Failed" else [])

    @property
    def busy(self) -> list[PoolInfo]:
        """Pools under an operation (all when only the cluster is)."""
        mine = [p for p in self.pools if p.state in BUSY]
        return mine or (list(self.pools) if self.cluster_state in BUSY else [])

    def cluster_line(self) -> str:
        """The cluster as one evidence line."""
        props = self.cluster.get("properties") or {}
        current, target = props.get("currentKubernetesVersion"), props.get("kubernetesVersion")
        version = current if current == target or not target else f"{current} -> {target}"
        text = f"cluster {self.cluster.get('name')}: provisioningState {self.cluster_state}, Kubernetes {version}"
        if self.cluster_error:
            err = self.cluster_error
            text += f"; provisioningError {err.get('code', '')}: {_short(str(err.get('message', '')))}"
        return text

    def facts(self) -> dict[str, Any]:
        """Facts for the fix commands."""
        pool = (self.failed or self.busy or self.pools or [None])[0]
        error = self.error
        props = self.cluster.get("properties") or {}
        facts: dict[str, Any] = {
            "cluster_state": self.cluster_state,
            "kubernetes_version": (pool.target if pool else "") or props.get("kubernetesVersion") or None,
            "target_version": _target(self, pool),
            "error_code": error.get("code") or None,
            "error_message": _short(str(error.get("message", "")), 600) or None,
        }
        if pool is not None:
            facts |= {"pool": pool.name, "pool_state": pool.state, "vm_size": pool.vm_size}
        if self.failed:
            facts["failed_pool"] = self.failed[0].name
        if self.busy:
            facts["busy"] = ", ".join(f"{p.name} ({p.state})" for p in self.busy)
        return facts


def _target(state: PoolState, pool: PoolInfo | None) -> str | None:
    """The version an upgrade under way (or failed) aims at; None when nothing is being upgraded."""
    if pool is not None and pool.target and pool.target != pool.current:
        return pool.target
    props = state.cluster.get("properties") or {}
    target = props.get("kubernetesVersion")
    return target if target and target != props.get("currentKubernetesVersion") else None


def pool_state(ev: Evidence) -> PoolState:
    """The managed cluster and the pools in scope (--pool, else all), from ARM."""
    return ev.memo(("derived", "upgrade", "pools", _pool_option(ev)), lambda: _pool_state(ev))


def _pool_state(ev: Evidence) -> PoolState:
    cluster = ev.managed_cluster()
    wanted = _pool_option(ev)
    profiles = dig(cluster, "properties.agentPoolProfiles", []) or []
    pools = [_pool(p) for p in profiles if not wanted or p.get("name") == wanted]
    if wanted and not pools:
        names = [str(p.get("name")) for p in profiles]
        raise TargetNotFound(
            f"managed cluster {cluster.get('name')} has no agent pool {wanted!r} (its pools: {', '.join(names)})",
            suggestions=names,
        )
    return PoolState(cluster, pools)


def _pool(p: dict[str, Any]) -> PoolInfo:
    return PoolInfo(
        name=str(p.get("name", "")),
        count=int(p.get("count") or 0),
        vm_size=str(p.get("vmSize", "")),
        max_pods=int(p.get("maxPods") or 110),
        max_surge=str(dig(p, "upgradeSettings.maxSurge", "") or ""),
        state=str(p.get("provisioningState", "") or ""),
        current=str(p.get("currentOrchestratorVersion") or p.get("orchestratorVersion") or ""),
        target=str(p.get("orchestratorVersion") or ""),
        subnet_id=str(p.get("vnetSubnetID") or ""),
        pod_subnet_id=str(p.get("podSubnetID") or ""),
        error=dig(p, "status.provisioningError") or {},
    )


def scope_nodes(ev: Evidence) -> set[str] | None:
    """Names of the nodes of the pool in scope (None: every node, no --pool)."""
    wanted = _pool_option(ev)
    if not wanted:
        return None
    return {str(dig(n, "metadata.name")) for n in ev.list("nodes") if _node_pool(n) == wanted}


def _pool_option(ev: Evidence) -> str:
    return str(ev.options.extra.get("pool") or "")


def _node_pool(node: dict[str, Any]) -> str:
    labels = dig(node, "metadata.labels", {}) or {}
    return str(next((labels[k] for k in POOL_LABELS if labels.get(k)), ""))


# ---- surge capacity -------------------------------------------------------------------------------------
@dataclass
class SurgeResult:
    """The surge check's answer."""

    kind: str
    evidence: list[Any]
    facts: dict[str, Any]
    notes: list[str]
    skipped: list[Skipped] = field(default_factory=list)


def surge_check(ev: Evidence) -> SurgeResult:
    """Subnet then quota for each pool in scope; a failed pool's own error counts when it names either."""
    return ev.memo(("derived", "upgrade", "surge", _pool_option(ev)), lambda: _surge_check(ev))


def _surge_check(ev: Evidence) -> SurgeResult:
    state = pool_state(ev)
    evidence: list[Any] = []
    notes: list[str] = []
    skipped: list[Skipped] = []
    found: list[SurgeResult] = []
    for pool in state.pools:
        if pool.surge_nodes == 0:
            evidence.append(f"pool {pool.name}: maxSurge 0, no surge node needed")
            continue
        sub = _subnet_check(ev, state, pool, evidence, notes, skipped)
        if sub is not None:
            found.append(sub)
        quota = _quota_check(ev, pool, evidence, notes, skipped)
        if quota is not None:
            found.append(quota)
    for pool in state.failed:
        message = str(pool.error.get("message", "") or state.cluster_error.get("message", ""))
        from_error = _from_error(ev, pool, message)
        if from_error is not None and not any(f.kind == from_error.kind for f in found):
            found.append(from_error)
    if not found:
        return SurgeResult("fits", evidence, {}, notes, skipped)
    first = found[0]
    first.notes = notes + [f"also: {_text(f.evidence[0])}" for f in found[1:]]
    first.evidence = first.evidence + [e for e in evidence if e not in first.evidence]
    return first


def _subnet_check(
    ev: Evidence, state: PoolState, pool: PoolInfo, evidence: list[Any], notes: list[str], skipped: list[Skipped]
) -> SurgeResult | None:
    per_node, why = addresses_per_node(state.cluster, pool.max_pods, pool.pod_subnet_id)
    if not pool.subnet_id:
        notes.append(f"pool {pool.name} is on the AKS-managed VNet: its subnet was not checked")
        return None
    try:
        room = subnet_room(ev, pool.subnet_id)
    except DataUnavailable as exc:
        skipped.append(Skipped("upgrade.surge", f"could not {exc.what}: {exc.reason}", exc.grant))
        return None
    except NotFound:
        notes.append(f"subnet {pool.subnet_id} of pool {pool.name} was not found")
        return None
    if room is None:
        return None
    free, need = room.free, pool.surge_nodes * per_node
    line = (
        f"{room.text()}; pool {pool.name}'s {pool.surge_nodes} surge node(s) need {need}, {per_node} each"
        + (f" ({why})" if why else ""),
        f"subnet {pool.subnet_id}",
    )
    evidence.append(line)
    if free >= need:
        return None
    facts = _pool_facts(pool) | room.facts() | {
        "ips_needed": need,
        "ips_per_node": per_node,
        "one_node_fits": free >= per_node and pool.surge_nodes > 1,
        "no_node_fits": free < per_node,
    }
    return SurgeResult("subnet-full", [line], facts, [])


def _quota_check(
    ev: Evidence, pool: PoolInfo, evidence: list[Any], notes: list[str], skipped: list[Skipped]
) -> SurgeResult | None:
    try:
        coords = ev.cluster_coordinates()
        location = str(ev.managed_cluster().get("location", "")).replace(" ", "").lower()
        usages = ev.compute_usages(coords["subscription"], location)
    except DataUnavailable as exc:
        skipped.append(Skipped("upgrade.surge", f"could not {exc.what}: {exc.reason}", exc.grant))
        return None
    except NotFound as exc:
        notes.append(f"vCPU quota for pool {pool.name} not checked: {exc}")
        return None
    cores = _cores(ev, coords["subscription"], location, pool)
    if not cores:
        notes.append(f"vCPUs of {pool.vm_size} unknown: the quota for pool {pool.name} was not checked")
        return None
    table = {str(dig(u, "name.value", "")): u for u in usages}
    need = cores * pool.surge_nodes
    for name in [family_for_size(pool.vm_size, list(table)) or "", "cores"]:
        usage = table.get(name)
        if usage is None:
            continue
        limit, used = int(usage.get("limit") or 0), int(usage.get("currentValue") or 0)
        label = dig(usage, "name.localizedValue", name)
        line = (
            f"{label} in {location}: {used} of {limit} vCPUs used, {limit - used} free; pool {pool.name}'s "
            f"{pool.surge_nodes} surge {pool.vm_size} node(s) need {need}",
            f"Microsoft.Compute/locations/{location}/usages ({name})",
        )
        evidence.append(line)
        if limit - used < need:
            facts = _pool_facts(pool) | {
                "quota_resource": name,
                "quota_resource_type": "dedicated",
                "location": location,
                "quota_limit": limit,
                "quota_used": used,
                "quota_needed": need,
                "new_quota_limit": used + need,
                "one_node_fits": limit - used >= cores and pool.surge_nodes > 1,
            }
            return SurgeResult("quota", [line], facts, [])
    return None


def _cores(ev: Evidence, sub: str, location: str, pool: PoolInfo) -> int:
    try:
        sizes = ev.vm_sizes(sub, location)
    except (DataUnavailable, NotFound):
        sizes = []
    size = next((s for s in sizes if str(s.get("name", "")).lower() == pool.vm_size.lower()), None)
    if size and size.get("numberOfCores"):
        return int(size["numberOfCores"])
    for node in ev.list("nodes"):
        if _node_pool(node) == pool.name:
            try:
                return int(str(dig(node, "status.capacity.cpu", "0")))
            except ValueError:
                return 0
    return 0


def _from_error(ev: Evidence, pool: PoolInfo, message: str) -> SurgeResult | None:
    """A failed pool's error that is a quota or subnet refusal, with its own figures."""
    line = (f"pool {pool.name} failed: {_short(message)}", f"managed cluster agentPoolProfiles[{pool.name}]")
    quota = _QUOTA.search(message)
    if quota or any(k in message.lower() for k in ("exceeding approved", "quotaexceeded")):
        facts = _pool_facts(pool) | {"quota_resource": "cores", "quota_resource_type": "dedicated"}
        if quota:
            used, need, limit = int(quota["used"]), int(quota["need"]), int(quota["limit"])
            facts |= {"quota_limit": limit, "quota_used": used, "quota_needed": need, "new_quota_limit": used + need}
            if quota["family"].strip() != "Core":
                facts["quota_resource"] = quota["family"].replace(" Cores", "").strip()
        with contextlib.suppress(DataUnavailable, NotFound):
            facts["location"] = str(ev.managed_cluster().get("location", "")).replace(" ", "").lower()
        return SurgeResult("quota", [line], facts, [])
    low = message.lower()
    if _PREALLOCATED.search(message) or any(
        k in low for k in ("insufficientsubnetsize", "subnetisfull", "enough capacity for")
    ):
        found = _PREALLOCATED.search(message)
        facts = _pool_facts(pool) | {
            "subnet_id": pool.subnet_id or None,
            "subnet": pool.subnet_id.rsplit("/", 1)[-1] if pool.subnet_id else None,
            "ips_needed": int(found["need"]) if found else None,
            "subnet_free": int(found["free"]) if found else None,
        }
        return SurgeResult("subnet-full", [line], facts, [])
    return None


def _pool_facts(pool: PoolInfo) -> dict[str, Any]:
    return {
        "pool": pool.name,
        "vm_size": pool.vm_size,
        "surge_nodes": pool.surge_nodes,
        "max_surge": pool.max_surge or "1",
        "max_pods": pool.max_pods,
        "node_count": pool.count,
    }


# ---- kubectl drain refusals ----------------------------------------------------------------------------
@dataclass
class Refusal:
    """What `kubectl drain NODE --ignore-daemonsets` would refuse on one node."""

    node: str
    cordoned: bool
    unmanaged: list[str]
    local: list[str]

    def text(self) -> str:
        """kubectl's own wording (k8s.io/kubectl/pkg/drain/filters.go)."""
        parts = []
        if self.unmanaged:
            parts.append(
                f"cannot delete Pods that declare no controller (use --force to override): {', '.join(self.unmanaged)}"
            )
        if self.local:
            pods = ", ".join(self.local)
            parts.append(f"cannot delete Pods with local storage (use --delete-emptydir-data to override): {pods}")
        return "; ".join(parts)


def drain_refusals(ev: Evidence) -> list[Refusal]:
    """Per node in scope, the pods a plain `kubectl drain --ignore-daemonsets` stops at; cordoned nodes first."""
    scope = scope_nodes(ev)
    nodes = [n for n in ev.list("nodes") if scope is None or dig(n, "metadata.name") in scope]
    by_node: dict[str, list[dict[str, Any]]] = {}
    for pod in sorted(ev.list("pods"), key=lambda p: (str(dig(p, "metadata.namespace")), str(dig(p, "metadata.name")))):
        by_node.setdefault(str(dig(pod, "spec.nodeName") or ""), []).append(pod)
    out = []
    for node in nodes:
        name = str(dig(node, "metadata.name"))
        unmanaged, local = [], []
        for pod in by_node.get(name, []):
            if dig(pod, "metadata.deletionTimestamp") or _mirror_or_daemon(pod):
                continue
            ref = f"{dig(pod, 'metadata.namespace')}/{dig(pod, 'metadata.name')}"
            finished = dig(pod, "status.phase") in ("Succeeded", "Failed")
            if not finished and any("emptyDir" in v for v in dig(pod, "spec.volumes", []) or []):
                local.append(ref)
            if not finished and not any(r.get("controller") for r in dig(pod, "metadata.ownerReferences", []) or []):
                unmanaged.append(ref)
        if unmanaged or local:
            out.append(Refusal(name, bool(dig(node, "spec.unschedulable")), unmanaged, local))
    if out and any(r.cordoned for r in out):
        try:
            if pool_state(ev).busy:  # an AKS operation cordoned them: its drain evicts these pods
                for r in out:
                    r.cordoned = False
        except (DataUnavailable, NotFound):
            pass
    return sorted(out, key=lambda r: (not r.cordoned, not r.unmanaged, r.node))


def _mirror_or_daemon(pod: dict[str, Any]) -> bool:
    if "kubernetes.io/config.mirror" in (dig(pod, "metadata.annotations", {}) or {}):
        return True
    return any(
        r.get("kind") == "DaemonSet" and r.get("controller") for r in dig(pod, "metadata.ownerReferences", []) or []
    )


# ---- what else blocks ----------------------------------------------------------------------------------
def also(ev: Evidence, *, after: str) -> list[str]:
    """Blockers that a later node of the tree would name: listed as notes under the first one."""
    out: list[str] = []
    if after == "pdbs":
        try:
            result = surge_check(ev)
            if result.kind != "fits":
                out.append(f"also: {_text(result.evidence[0])}")
        except (DataUnavailable, NotFound):
            pass
    try:
        state = pool_state(ev)
        if state.failed and state.error:
            err = state.error
            out.append(
                f"pool {state.failed[0].name} is Failed: {err.get('code', '')}: {_short(str(err.get('message', '')))}"
            )
    except (DataUnavailable, NotFound):
        pass
    return out


def _pdb_facts(block: Blocking) -> dict[str, Any]:
    spec = block.pdb.get("spec") or {}
    refs = dig(block.pdb, "metadata.ownerReferences", []) or []
    owner = next((r for r in refs if r.get("controller")), None)
    first = block.pods[0] if block.pods else {}
    unready = block.unready[0] if block.unready else {}
    facts: dict[str, Any] = {
        "pdb": block.name,
        "namespace": block.namespace,
        "pdb_reason": block.reason,
        "pdb_pods": ", ".join(str(dig(p, "metadata.name")) for p in block.pods),
        "pdb_nodes": ", ".join(sorted({str(dig(p, "spec.nodeName")) for p in block.pods})),
        "node": dig(first, "spec.nodeName"),
        "expected_pods": block.expected,
        "min_available": spec.get("minAvailable"),
        "max_unavailable": spec.get("maxUnavailable"),
        "lower_min_available": str(block.expected - 1),
        "pdb_patchable": owner is None,
        "pdb_owner": _owner_ref(owner),
        "pdb_owner_kind": owner.get("kind") if owner else None,
        "scale_replicas": max(2, block.expected + 1),
        "workload": block.workload or None,
        "workload_replicas": block.workload_replicas,
        "unready_pods": ", ".join(str(dig(p, "metadata.name")) for p in block.unready) or None,
        "unready_pod": dig(unready, "metadata.name"),
        "override_until": (datetime.now(timezone.utc) + timedelta(days=3)).strftime("%Y-%m-%dT00:00:00Z"),
    }
    target = handover_target(block) if block.kind == "unhealthy-pods" else None
    if target is not None:
        facts["handover_target"] = target
    return facts


def _owner_ref(owner: dict[str, Any] | None) -> str | None:
    """kind.group/name of the PDB's controller (an operator's custom resource), for kubectl get."""
    if not owner:
        return None
    group = str(owner.get("apiVersion", "")).rpartition("/")[0]
    kind = str(owner.get("kind", "")).lower()
    return f"{kind}.{group}/{owner.get('name')}" if group else f"{kind}/{owner.get('name')}"


def _drain_text(ev: Evidence, nodes: set[str] | None) -> str:
    """What AKS said about the drain: the pools' provisioningError and the events on cordoned nodes."""
    parts = []
    with contextlib.suppress(DataUnavailable, NotFound):
        parts.append(str(pool_state(ev).error.get("message", "")))
    for node in ev.list("nodes"):
        name = str(dig(node, "metadata.name"))
        if dig(node, "spec.unschedulable") and (nodes is None or name in nodes):
            with contextlib.suppress(DataUnavailable, NotFound):
                parts += [str(e.get("message", "")) for e in ev.events_for(node)]
    return "\n".join(parts)


def _drain_events(ev: Evidence, block: Blocking) -> list[tuple[str, str]]:
    """Drain refusals AKS or kubectl recorded on the blocked pods' nodes ("Eviction blocked ... (usually a pdb)")."""
    out = []
    for node_name in sorted({str(dig(p, "spec.nodeName")) for p in block.pods}):
        try:
            node = ev.node(node_name)
            if not dig(node, "spec.unschedulable"):
                continue
            events = ev.events_for(node)
        except (DataUnavailable, NotFound):
            continue
        for event in events:
            msg = str(event.get("message", ""))
            if any(k in msg.lower() for k in ("pdb", "disruption budget", "eviction blocked")):
                out.append((f"{event.get('reason')} on {node_name}: {_short(msg)}", f"events of node {node_name}"))
    return out[-3:]


def _drain_lines(ev: Evidence, state: PoolState) -> list[tuple[str, str]]:
    names = {p.name for p in state.busy}
    mine = sorted((n for n in ev.list("nodes") if _node_pool(n) in names), key=lambda n: str(dig(n, "metadata.name")))
    cordoned = [str(dig(n, "metadata.name")) for n in mine if dig(n, "spec.unschedulable")]
    targets = {f"v{p.target}" for p in state.busy if p.target and p.target != p.current}
    joined = [str(dig(n, "metadata.name")) for n in mine if dig(n, "status.nodeInfo.kubeletVersion") in targets]
    out = []
    if joined:
        out.append((f"node(s) on the new version: {', '.join(joined)}", "nodes (status.nodeInfo.kubeletVersion)"))
    if cordoned:
        out.append((f"cordoned (draining) node(s): {', '.join(cordoned)}", "nodes"))
    return out


def _is_deprecated_api(error: dict[str, Any]) -> bool:
    text = " ".join(str(error.get(k, "")) for k in ("code", "subcode", "message"))
    return "UpgradeBlockedOnDeprecatedAPIUsage" in text or "deprecated in the specified version" in text


def _deprecated_facts(error: dict[str, Any]) -> dict[str, Any]:
    message = str(error.get("message", ""))
    api = _DEPRECATED_API.search(message)
    removed = _REMOVED_IN.search(message)
    return {
        "deprecated_api": api["api"] if api else None,
        "removed_in": removed["version"] if removed else None,
        "target_version": removed["version"] if removed else None,
        "override_until": (datetime.now(timezone.utc) + timedelta(days=3)).strftime("%Y-%m-%dT00:00:00Z"),
    }


def _text(item: Any) -> str:
    return _short(str(item[0] if isinstance(item, tuple) else item))


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = [
    "PoolInfo",
    "PoolState",
    "also",
    "drain_refusals",
    "manual_drain",
    "operation",
    "pdbs",
    "pool_state",
    "scope_nodes",
    "surge",
    "surge_check",
]

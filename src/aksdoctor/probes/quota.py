"""Why capacity did not follow a hot pool: its cluster autoscaler (on/off, count vs maxCount) and the free
regional vCPU quota for one more node (the VM family's and the total regional vCPUs).

Azure enforces vCPU quota per region at two tiers: the total regional vCPUs ("cores") and each VM-size
family ("standardDDSv5Family"); a new VM must fit both (https://learn.microsoft.com/azure/virtual-machines/quotas).
Spot nodes count against "lowPriorityCores" instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..errors import AzureNotConfigured, DataUnavailable, NotFound
from ..model import Outcome
from ..sources.evidence import Evidence
from ..sources.selectors import dig
from .nodes import cpu_picture
from .registry import probe

TOTAL_QUOTA = "cores"  # usages name.value of "Total Regional vCPUs"
SPOT_QUOTA = "lowPriorityCores"  # "Total Regional Low-priority vCPUs"


@probe("pool.autoscaler", outcomes=("disabled", "at-max", "can-grow"))
def autoscaler(ev: Evidence) -> Outcome:
    """Can the hot nodes' pool grow: is its cluster autoscaler on, and its node count below maxCount?"""
    pool = pool_state(ev)
    facts = pool.facts() | _coordinates(ev) | {"notes": _other_pool_notes(ev, pool)}
    src = f"managed cluster {facts.get('cluster', '')} agentPoolProfiles[{pool.name}]"
    return Outcome.of(pool.state, (pool.describe(), src), **facts)


@probe("quota.vcpu_for_one_node", outcomes=("exceeded", "available"))
def vcpu_for_one_node(ev: Evidence) -> Outcome:
    """Does the region's free vCPU quota (VM family and total) fit one more node of the pool's VM size?"""
    pool = pool_state(ev)
    state = quota_state(ev)
    facts = state.facts(pool) | pool.facts() | _coordinates(ev)
    facts["notes"] = state.notes()
    if pool.state == "can-grow" and not state.short:
        # The cluster autoscaler reacts to pods that cannot be scheduled, so a pool of busy nodes whose pods
        # all fit by their requests never grows (https://learn.microsoft.com/azure/aks/cluster-autoscaler-overview).
        facts["notes"].append(
            f"pool {pool.name} can grow to {pool.max_count} nodes and the region has quota for it, but the cluster "
            "autoscaler adds nodes only for pods that cannot be scheduled by their requests, never for CPU usage"
        )
    src = f"compute usages in {state.location} (subscription {facts.get('subscription', '')})"
    lines = [(text, src) for text in state.lines()]
    return Outcome.of("exceeded" if state.short else "available", *lines, **facts)


# ---- shared reads (memoized on the Evidence) ----------------------------------------------------
@dataclass(frozen=True)
class PoolState:
    """The agent pool of the hot nodes, as the managed cluster describes it."""

    name: str
    mode: str
    vm_size: str
    count: int
    autoscaling: bool
    min_count: int | None
    max_count: int | None
    spot: bool
    hot_nodes: int
    needed_nodes: int

    @property
    def state(self) -> str:
        """disabled, at-max or can-grow."""
        if not self.autoscaling:
            return "disabled"
        return "at-max" if self.max_count is not None and self.count >= self.max_count else "can-grow"

    @property
    def target_nodes(self) -> int:
        """Nodes for the pool's usage to sit below the threshold; at least one more than now."""
        return max(self.needed_nodes, self.count + 1)

    @property
    def suggested_max_count(self) -> int:
        """A maxCount that admits target_nodes, above the current maximum."""
        return max(self.target_nodes, (self.max_count or self.count) + 1) if self.autoscaling else self.target_nodes

    def describe(self) -> str:
        """One evidence line."""
        scaling = (
            f"cluster autoscaler on (minCount {self.min_count}, maxCount {self.max_count})"
            if self.autoscaling
            else "cluster autoscaler off"
        )
        return (
            f"pool {self.name} ({self.mode}, {self.vm_size}{', Spot' if self.spot else ''}): {self.count} nodes, "
            f"{scaling}; {self.hot_nodes} hot; {self.needed_nodes} nodes would carry its current CPU below the "
            "threshold"
        )

    def facts(self) -> dict[str, Any]:
        """Facts for fix templates."""
        return {
            "pool": self.name,
            "pool_mode": self.mode,
            "vm_size": self.vm_size,
            "node_count": self.count,
            "min_count": self.min_count if self.min_count is not None else self.count,
            "max_count": self.max_count,
            "suggested_max_count": self.suggested_max_count,
            "target_nodes": self.target_nodes,
            "pool_at_max": self.state == "at-max",
            "pool_autoscale_off": self.state == "disabled",
        }


@dataclass(frozen=True)
class QuotaEntry:
    """One usages entry: used and limit vCPUs."""

    name: str
    label: str
    used: int
    limit: int

    @property
    def free(self) -> int:
        """limit - used (never below 0)."""
        return max(0, self.limit - self.used)


@dataclass(frozen=True)
class QuotaState:
    """Free vCPUs for the pool's VM size in the cluster's region."""

    location: str
    vcpus: int
    vcpus_source: str
    extra_nodes: int
    family: QuotaEntry | None
    total: QuotaEntry | None
    family_guess: str

    @property
    def entries(self) -> list[QuotaEntry]:
        """The quotas that apply, family first."""
        return [e for e in (self.family, self.total) if e is not None]

    @property
    def short(self) -> list[QuotaEntry]:
        """The quotas with fewer free vCPUs than one more node needs."""
        return [e for e in self.entries if e.free < self.vcpus]

    def lines(self) -> list[str]:
        """Evidence lines."""
        out = [f"one more node needs {self.vcpus} vCPUs ({self.vcpus_source})"]
        out += [f"{e.label} ({e.name}): {e.used} of {e.limit} vCPUs used, {e.free} free" for e in self.entries]
        return out

    def notes(self) -> list[str]:
        """What could not be matched."""
        if self.family is None and self.family_guess:
            return [f"no quota family {self.family_guess} in the region's usages: only the regional total was compared"]
        return []

    def facts(self, pool: PoolState) -> dict[str, Any]:
        """Facts for the quota cause's templates."""
        short = self.short
        first = short[0] if short else (self.family or self.total)
        out: dict[str, Any] = {
            "location": self.location,
            "vcpus_per_node": self.vcpus,
            "quota_family": self.family.name if self.family else None,
            "quota_text": "; ".join(f"{e.label} has {e.free} of {e.limit} vCPUs free" for e in self.entries),
        }
        if first is not None:
            out |= {
                "quota_resource": first.name,
                "quota_resource_type": "lowPriority" if first.name == SPOT_QUOTA else "dedicated",
                "new_quota_limit": self._new_limit(first),
            }
        if len(short) > 1:
            out |= {"total_quota_short": True, "total_quota_resource": short[1].name}
            out["new_total_limit"] = self._new_limit(short[1])
        return out

    def _new_limit(self, entry: QuotaEntry) -> int:
        return max(entry.limit, entry.used + self.vcpus * self.extra_nodes)


def pool_state(ev: Evidence) -> PoolState:
    """The pool holding the most hot nodes (the hottest node's on a tie), from the managed cluster."""
    return ev.memo(("derived", "nodecpu.pool", ev.target), lambda: _pool_state(ev))


def quota_state(ev: Evidence) -> QuotaState:
    """Free regional vCPU quota for one more node of the hot pool's VM size."""
    return ev.memo(("derived", "nodecpu.quota", ev.target), lambda: _quota_state(ev))


def pool_line(ev: Evidence) -> str | None:
    """A note when the hot pool cannot grow (autoscaler off or at maxCount), else None."""
    pool = pool_state(ev)
    if pool.state == "disabled":
        return f"pool {pool.name} does not autoscale ({pool.count} nodes, cluster autoscaler off)"
    if pool.state == "at-max":
        return f"pool {pool.name} is at its autoscaler maxCount ({pool.count} of max {pool.max_count} nodes)"
    return None


def quota_line(ev: Evidence) -> str | None:
    """A note when the region's free quota cannot fit one more node of the pool, else None."""
    state = quota_state(ev)
    if not state.short:
        return None
    worst = state.short[0]
    return (
        f"the region's free vCPU quota cannot fit one more {pool_state(ev).vm_size} node "
        f"({worst.label}: {worst.free} free, {state.vcpus} needed)"
    )


def family_candidates(vm_size: str) -> list[str]:
    """Quota family names a VM size may count against, most specific first.

    The family is the size name without the vCPU count: [Family][Sub-family][# vCPUs][-constrained]
    [additive features][_accelerator][_version] (https://learn.microsoft.com/azure/virtual-machines/
    vm-naming-conventions) becomes "standard" + family + features + accelerator + version + "Family":
    Standard_D4ds_v5 -> standardDDSv5Family, Standard_DS2_v2 -> standardDSv2Family,
    Standard_NC24ads_A100_v4 -> standardNCADSA100v4Family. Older quota names drop the memory-variant
    letters (Standard_B2ms -> standardBSFamily, Standard_M64ms -> standardMSFamily) or put the
    accelerator last ("Standard NCASv3_T4 Family"): those are the fallbacks. Names are matched
    against the region's usages case- and separator-insensitively; resource SKUs (which carry the
    family) are not read: one region's list is several megabytes.
    """
    match = _SIZE.match(vm_size.strip())
    if not match:
        return []
    series, features, accel, version = match.group("series", "features", "accel", "version")
    accel, version = accel or "", version or ""
    variants = [features.upper()]
    stripped = "".join(c for c in features if c not in "mtl").upper()
    if stripped != variants[0]:
        variants.append(stripped)
    out = []
    for feat in variants:
        out.append(f"standard{series}{feat}{accel}{version}Family")
        if accel:
            out.append(f"standard{series}{feat}{version}{accel}Family")
    return list(dict.fromkeys(out))


def family_for_size(vm_size: str, usage_names: list[str]) -> str | None:
    """The usages name.value of a VM size's quota family, or None when the region lists none of the candidates."""
    names = {_normal(n): n for n in usage_names}
    return next((names[_normal(c)] for c in family_candidates(vm_size) if _normal(c) in names), None)


_SIZE = re.compile(
    r"^(?:Standard|Basic)_(?P<series>[A-Z]+)\d+(?:-\d+)?(?P<features>[a-z]*)"
    r"(?:_(?P<accel>(?!v\d)[A-Za-z0-9]+))?(?:_(?P<version>v\d+))?$",
)


def _normal(name: str) -> str:
    return re.sub(r"[\s_-]", "", name).lower()


def _pool_state(ev: Evidence) -> PoolState:
    picture = cpu_picture(ev)
    hot = picture.hot
    if not hot:
        raise AzureNotConfigured("find the hot pool", reason="no node is at or above the threshold")
    counts: dict[str, int] = {}
    for node in hot:
        counts[node.pool] = counts.get(node.pool, 0) + 1
    name = max(counts, key=lambda p: (counts[p], p == hot[0].pool))
    cluster = ev.managed_cluster()
    profile = next((p for p in dig(cluster, "properties.agentPoolProfiles", []) or [] if p.get("name") == name), None)
    if profile is None:
        raise AzureNotConfigured(
            f"read pool {name}", reason=f"managed cluster {cluster.get('name')} has no agent pool named {name!r}"
        )
    return PoolState(
        name=name,
        mode=str(profile.get("mode", "User")),
        vm_size=str(profile.get("vmSize", "")),
        count=int(profile.get("count") or 0),
        autoscaling=bool(profile.get("enableAutoScaling")),
        min_count=profile.get("minCount"),
        max_count=profile.get("maxCount"),
        spot=str(profile.get("scaleSetPriority", "")).lower() == "spot",
        hot_nodes=counts[name],
        needed_nodes=picture.needed_nodes(name),
    )


def _quota_state(ev: Evidence) -> QuotaState:
    pool = pool_state(ev)
    cluster = ev.managed_cluster()
    location = str(cluster.get("location", "")).replace(" ", "").lower()
    sub = ev.cluster_coordinates()["subscription"]
    usages = ev.compute_usages(sub, location)
    by_name = {str(dig(u, "name.value", "")): u for u in usages}
    vcpus, source = _vcpus(ev, sub, location, pool)
    if pool.spot:
        family, guess = None, ""
        total = _entry(by_name.get(SPOT_QUOTA))
    else:
        guess = (family_candidates(pool.vm_size) or [""])[0]
        family = _entry(by_name.get(family_for_size(pool.vm_size, list(by_name)) or ""))
        total = _entry(by_name.get(TOTAL_QUOTA))
    return QuotaState(location, vcpus, source, pool.target_nodes - pool.count, family, total, guess)


def _vcpus(ev: Evidence, sub: str, location: str, pool: PoolState) -> tuple[int, str]:
    """vCPUs of one node: the region's VM sizes list, else the pool's nodes' capacity."""
    try:
        sizes = ev.vm_sizes(sub, location)
    except (DataUnavailable, NotFound):  # the nodes' capacity says the same
        sizes = []
    size = next((s for s in sizes if str(s.get("name", "")).lower() == pool.vm_size.lower()), None)
    if size and size.get("numberOfCores"):
        return int(size["numberOfCores"]), f"{pool.vm_size} has {size['numberOfCores']} vCPUs"
    nodes = cpu_picture(ev).pool_nodes(pool.name)
    cores = max((round(n.capacity_m / 1000) for n in nodes), default=0)
    return cores, f"the capacity of pool {pool.name}'s nodes"


def _entry(usage: dict[str, Any] | None) -> QuotaEntry | None:
    if not usage:
        return None
    return QuotaEntry(
        name=str(dig(usage, "name.value", "")),
        label=str(dig(usage, "name.localizedValue", "") or dig(usage, "name.value", "")),
        used=int(usage.get("currentValue") or 0),
        limit=int(usage.get("limit") or 0),
    )


def _coordinates(ev: Evidence) -> dict[str, Any]:
    coords = ev.cluster_coordinates()
    return {k: coords.get(k) for k in ("subscription", "resource_group", "cluster")}


def _other_pool_notes(ev: Evidence, pool: PoolState) -> list[str]:
    pools = sorted({n.pool for n in cpu_picture(ev).hot} - {pool.name})
    return [f"hot nodes are also in pool(s) {', '.join(pools)}"] if pools else []


__all__ = [
    "PoolState",
    "QuotaState",
    "autoscaler",
    "family_candidates",
    "family_for_size",
    "pool_line",
    "pool_state",
    "quota_line",
    "quota_state",
    "vcpu_for_one_node",
]

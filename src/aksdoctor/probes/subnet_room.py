"""How many addresses a node pool's subnet has left, and how many a new node takes from it.

Azure reserves 5 addresses of every subnet (learn.microsoft.com/azure/virtual-network/virtual-networks-faq); with
Azure CNI (not Overlay, no pod subnet) a node takes maxPods + 1 addresses when it joins, otherwise one
(learn.microsoft.com/azure/aks/configure-azure-cni#plan-ip-addressing-for-your-cluster).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..sources.evidence import Evidence
from ..sources.selectors import dig


@dataclass(frozen=True)
class SubnetRoom:
    subnet_id: str
    prefix: str
    usable: int
    used: int

    @property
    def name(self) -> str:
        return self.subnet_id.rstrip("/").rsplit("/", 1)[-1]

    @property
    def free(self) -> int:
        return self.usable - self.used

    def text(self) -> str:
        return f"subnet {self.name} ({self.prefix}): {self.used} of {self.usable} addresses in use, {self.free} free"

    def facts(self) -> dict[str, Any]:
        return {
            "subnet": self.name,
            "subnet_id": self.subnet_id,
            "subnet_prefix": self.prefix,
            "subnet_free": self.free,
        }


def addresses_per_node(cluster: dict[str, Any], max_pods: int, pod_subnet_id: str) -> tuple[int, str]:
    """Addresses of the node subnet one new node takes, and why that many ("Azure CNI: maxPods 30 + 1"; "" for 1)."""
    net = dig(cluster, "properties.networkProfile", {}) or {}
    cni = net.get("networkPlugin") == "azure" and net.get("networkPluginMode") != "overlay" and not pod_subnet_id
    if cni:
        return max_pods + 1, f"Azure CNI: maxPods {max_pods} + 1"
    return 1, ""


def subnet_room(ev: Evidence, subnet_id: str) -> SubnetRoom | None:
    """The subnet's room (DataUnavailable / NotFound from the read propagate); None when its prefix is unreadable."""
    body = ev.kv_read("subnet", subnet_id)
    prefix = str(dig(body, "properties.addressPrefix") or (dig(body, "properties.addressPrefixes") or [""])[0])
    if "/" not in prefix or not prefix.rsplit("/", 1)[1].isdigit():
        return None
    usable = 2 ** (32 - int(prefix.rsplit("/", 1)[1])) - 5  # Azure reserves 5 addresses per subnet
    used = len(dig(body, "properties.ipConfigurations", []) or [])
    return SubnetRoom(subnet_id, prefix, usable, used)


__all__ = ["SubnetRoom", "addresses_per_node", "subnet_room"]

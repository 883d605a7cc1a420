"""Probes: small questions over Evidence, registered by an explicit table (no import magic).

The table maps a probe id to the module and function that answer it; a probe's module is imported when the
probe is first asked for, so a diagnosis imports the probe modules of the runbook it runs, not all of them.
tests/test_conformance.py checks the table against the @probe decorators (same ids, same functions, none missing).
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterator, Mapping

from .registry import ProbeSpec, probe, register

#: probe id -> "module.function" (a module of this package)
INDEX: dict[str, str] = {
    "pod.image_pull_state": "pods.image_pull_state",
    "pod.pull_error": "pods.pull_error",
    "pod.pull_secrets": "pods.pull_secrets",
    "image.registry_is_acr": "pods.registry_is_acr",
    "acr.tag_exists": "acr.tag_exists",
    "acr.kubelet_can_pull": "acr.kubelet_can_pull",
    "acr.network_open": "acr.network_open",
    "rollout.state": "rollout.rollout_state",
    "rollout.create_failures": "rollout.create_failures",
    "rollout.new_pods": "rollout.new_pods",
    "rollout.deadline": "rollout.deadline",
    "nodes.cpu_pressure": "nodes.cpu_pressure",
    "workloads.runaway_pod": "workloads.runaway_pod",
    "workloads.requests_underestimated": "workloads.requests_underestimated",
    "workloads.hpa_at_max": "workloads.hpa_at_max",
    "workloads.user_pods_on_system_pool": "workloads.user_pods_on_system_pool",
    "pool.autoscaler": "quota.autoscaler",
    "quota.vcpu_for_one_node": "quota.vcpu_for_one_node",
    "keyvault.secret_source": "keyvault.secret_source",
    "keyvault.csi_driver": "keyvault.csi_driver",
    "keyvault.secret_provider_class": "keyvault.secret_provider_class",
    "keyvault.identity": "keyvault.identity",
    "keyvault.pod_wiring": "keyvault.pod_wiring",
    "keyvault.workload_identity_enabled": "keyvault.workload_identity_enabled",
    "keyvault.identity_resource": "keyvault.identity_resource",
    "keyvault.tenant": "keyvault.tenant",
    "keyvault.federated_credential": "keyvault.federated_credential",
    "keyvault.vault": "keyvault.vault",
    "keyvault.authorization": "keyvault.authorization",
    "keyvault.network": "keyvault.network",
    "keyvault.secrets": "keyvault.secrets",
    "keyvault.mount_state": "keyvault.mount_state",
    "pod.pending_state": "scheduling.pending_state",
    "scheduling.node_fit": "scheduling.node_fit",
    "volume.claims_bound": "volumes.claims_bound",
    "volume.mount_state": "volumes.mount_state",
    "capacity.scale_out": "capacity.scale_out",
    "node.state": "node_health.node_state",
    "node.consequences": "node_health.node_consequences",
    "node.pressure": "node_health.node_pressure",
    "node.vmss_instance": "node_health.vmss_instance",
    "node.network_plugin": "node_health.network_plugin",
    "node.upgrade_cordon": "node_health.upgrade_cordon",
    "upgrade.operation": "upgrade.operation",
    "upgrade.pdbs": "upgrade.pdbs",
    "upgrade.surge": "upgrade.surge",
    "upgrade.manual_drain": "upgrade.manual_drain",
    "nodes.pods_waiting_for_capacity": "workloads.pods_waiting_for_capacity",
    "service.cluster_dns": "service.cluster_dns",
    "service.object": "service.service_kind",
    "service.lb_pending": "service_lb.lb_pending",
    "service.endpoints": "service.service_endpoints",
    "service.network_policy": "netpol.network_policy",
    "service.kube_proxy": "service.kube_proxy",
    "service.external_traffic_policy": "service.external_traffic_policy",
    "service.lb_health_probe": "service_lb.lb_health_probe",
    "service.nsg_rules": "service_lb.nsg_rules",
}


class ProbeIndex(Mapping[str, ProbeSpec]):
    """The registered probes by id; a probe's module is imported on first use (thread-safe: probes run in
    threads). Ids, `in` and len() import nothing; values() imports every probe module."""

    def __init__(self, index: Mapping[str, str]) -> None:
        self._index = dict(index)
        self._specs: dict[str, ProbeSpec] = {}
        self._lock = threading.Lock()

    def __getitem__(self, probe_id: str) -> ProbeSpec:
        spec = self._specs.get(probe_id)
        if spec is not None:
            return spec
        where = self._index[probe_id]  # KeyError for an unknown id, as a dict
        module, _, name = where.rpartition(".")
        with self._lock:
            fn = getattr(importlib.import_module(f"{__name__}.{module}"), name)
            spec = fn.__probe__
            if spec.id != probe_id:
                raise ValueError(f"probe table: {where} is probe {spec.id}, not {probe_id}")
            self._specs[probe_id] = spec
        return spec

    def __contains__(self, probe_id: object) -> bool:
        return probe_id in self._index

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


PROBES: Mapping[str, ProbeSpec] = ProbeIndex(INDEX)

__all__ = ["INDEX", "PROBES", "ProbeIndex", "ProbeSpec", "probe", "register"]

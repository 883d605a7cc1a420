"""Probes: small questions over Evidence. Registered here, by an explicit list (no import magic)."""

from __future__ import annotations

from . import acr, capacity, keyvault, node_health, nodes, pods, quota, rollout, scheduling, upgrade, volumes, workloads
from .registry import ProbeSpec, probe, register

PROBES: dict[str, ProbeSpec] = register(
    pods.image_pull_state,
    pods.pull_error,
    pods.pull_secrets,
    pods.registry_is_acr,
    acr.tag_exists,
    acr.kubelet_can_pull,
    acr.network_open,
    rollout.rollout_state,
    rollout.create_failures,
    rollout.new_pods,
    rollout.deadline,
    nodes.cpu_pressure,
    workloads.runaway_pod,
    workloads.requests_underestimated,
    workloads.hpa_at_max,
    workloads.user_pods_on_system_pool,
    quota.autoscaler,
    quota.vcpu_for_one_node,
    keyvault.secret_source,
    keyvault.csi_driver,
    keyvault.secret_provider_class,
    keyvault.identity,
    keyvault.pod_wiring,
    keyvault.workload_identity_enabled,
    keyvault.identity_resource,
    keyvault.tenant,
    keyvault.federated_credential,
    keyvault.vault,
    keyvault.authorization,
    keyvault.network,
    keyvault.secrets,
    keyvault.mount_state,
    scheduling.pending_state,
    scheduling.node_fit,
    volumes.claims_bound,
    volumes.mount_state,
    capacity.scale_out,
    node_health.node_state,
    node_health.node_consequences,
    node_health.node_pressure,
    node_health.vmss_instance,
    node_health.network_plugin,
    node_health.upgrade_cordon,
    upgrade.operation,
    upgrade.pdbs,
    upgrade.surge,
    upgrade.manual_drain,
)

__all__ = ["PROBES", "ProbeSpec", "probe", "register"]

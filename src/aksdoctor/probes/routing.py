"""`diagnose`: look at the object and pick the runbook that fits, saying why.

A pod waiting on its image goes to imagepull; an unscheduled pod, or one stuck in ContainerCreating, to
pending — unless its mount fails on a Secrets Store CSI volume, which goes to keyvault; a crashing or
unready pod of a Deployment to rollout on that Deployment; a Deployment to rollout.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import DataUnavailable
from ..model import Target
from ..sources.evidence import Evidence
from ..sources.selectors import dig
from .csi import secret_mounts
from .kv_sdk import route_reason
from .pods import PULL_REASONS, target_pod, workload_of

CSI_DRIVER = "secrets-store.csi.k8s.io"
_CONTROLLERS = {"deployment": "Deployment", "statefulset": "StatefulSet", "daemonset": "DaemonSet"}
_CRASH_REASONS = ("CrashLoopBackOff", "CreateContainerConfigError", "RunContainerError", "CreateContainerError")


@dataclass(frozen=True)
class Route:
    """Which runbook to run on which object, and why."""

    runbook: str
    target: Target
    reason: str


def route(ev: Evidence, available: set[str]) -> Route | None:
    """The runbook for ev.target, or None when the object looks healthy (nothing to diagnose)."""
    if ev.target.kind in _CONTROLLERS.values():
        return Route("rollout", ev.target, f"a {ev.target.kind}: its rollout is diagnosed")
    if ev.target.kind == "Node":
        return Route("node", ev.target, "a node: its conditions, VM and what it left behind are diagnosed")
    pod = target_pod(ev)
    found = _route_pod(ev, pod)
    if found is None or found.runbook not in available:
        return found if found is None else Route("unsupported", ev.target, found.reason)
    return found


def _route_pod(ev: Evidence, pod: dict) -> Route | None:
    ns, name = ev.target.namespace, ev.target.name
    for status in (dig(pod, "status.initContainerStatuses", []) or []) + (
        dig(pod, "status.containerStatuses", []) or []
    ):
        waiting = dig(status, "state.waiting") or {}
        if waiting.get("reason") in PULL_REASONS:
            return Route("imagepull", ev.target, f"container {status.get('name')} waits in {waiting['reason']}")
    phase = dig(pod, "status.phase")
    if phase == "Pending":
        if not dig(pod, "spec.nodeName"):
            return Route("pending", ev.target, "the pod is Pending and not scheduled to a node")
        if _csi_mount_failing(ev, pod):
            return Route("keyvault", ev.target, f"a {CSI_DRIVER} volume fails to mount (FailedMount)")
        if not _crashing(pod):
            return Route("pending", ev.target, "the pod is scheduled but its containers are not created yet")
    crashing = _crashing(pod) or _unready(pod)
    sdk = route_reason(ev, pod, crashing) if not secret_mounts(pod) else None
    if sdk:  # workload identity / Key Vault from the app's code (issue 13)
        return Route("keyvault", ev.target, sdk)
    if crashing:
        workload = workload_of(ev, pod)
        kind, _, owner = workload.partition("/")
        if kind in _CONTROLLERS:
            return Route("rollout", Target(_CONTROLLERS[kind], owner, ns), f"{crashing}; the pod belongs to {workload}")
        return Route(
            "none",
            ev.target,
            f"{crashing}, and the pod belongs to no Deployment, StatefulSet or DaemonSet ({workload})",
        )
    if phase in ("Running", "Succeeded"):
        return None
    return Route("none", ev.target, f"pod {name} is {phase}")


def _crashing(pod: dict) -> str:
    for status in dig(pod, "status.containerStatuses", []) or []:
        reason = dig(status, "state.waiting.reason")
        if reason in _CRASH_REASONS:
            return f"container {status.get('name')} is in {reason}"
        if dig(status, "lastState.terminated.reason") == "OOMKilled" and status.get("restartCount", 0) > 0:
            return f"container {status.get('name')} was OOMKilled"
    return ""


def _unready(pod: dict) -> str:
    ready = next((c for c in dig(pod, "status.conditions", []) or [] if c.get("type") == "Ready"), {})
    if dig(pod, "status.phase") == "Running" and ready.get("status") == "False":
        return "the pod runs but is not Ready"
    return ""


def _csi_mount_failing(ev: Evidence, pod: dict) -> bool:
    uses_csi = any(dig(v, "csi.driver") == CSI_DRIVER for v in dig(pod, "spec.volumes", []) or [])
    if not uses_csi:
        return False
    try:
        events = ev.events_for(pod)
    except DataUnavailable:
        return True  # it mounts a CSI secrets volume and is stuck: keyvault is the best guess, and says what it reads
    return any(e.get("reason") == "FailedMount" for e in events) or not events


__all__ = ["Route", "route"]

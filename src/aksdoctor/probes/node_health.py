"""Node health probes: why a node is NotReady, under pressure or left cordoned, and what it left behind.

Texts these probes read come from upstream code and AKS documentation:
- the node lifecycle controller sets Ready/MemoryPressure/DiskPressure/PIDPressure to Unknown with reason
  NodeStatusUnknown "Kubelet stopped posting node status." and taints node.kubernetes.io/unreachable
  (kubernetes pkg/controller/nodelifecycle);
- the kubelet's Ready=False message "container runtime network not ready: NetworkReady=false
  reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized" and
  "PLEG is not healthy: pleg was last seen active 3m0s ago" (pkg/kubelet/nodestatus, pkg/kubelet/pleg);
- the eviction manager's pod status message "The node was low on resource: memory. Threshold quantity:
  750Mi, available: 225800Ki. Container nginx was using 4395616Ki, request is 0, has larger consumption of
  memory." (pkg/kubelet/eviction/helpers.go);
- the AKS upgrader's node events (reason Drain "Draining node: [NODE]", Surge, Update, Delete;
  https://github.com/Azure/AKS/issues/2692) and the label kubernetes.azure.com/upgrade-status: Quarantined
  on nodes an upgrade could not drain (undrainableNodeBehavior Cordon);
- the VMSS instance view (ProvisioningState/failed/CODE, PowerState/stopped|deallocated) and the vmssCSE
  exit status, looked up in AKS's table (cse_exit_codes.py).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ..errors import DataUnavailable, NotFound, TargetNotFound
from ..model import Outcome
from ..sources.azure import ARM, arm_json, arm_one
from ..sources.evidence import Evidence, event_time
from ..sources.selectors import dig
from .cse_exit_codes import describe_exit_status
from .image_ref import closest
from .nodes import node_pool
from .quantity import InvalidQuantity, format_memory, memory_bytes
from .registry import probe

_PROVIDER = re.compile(
    r"^azure:///subscriptions/(?P<sub>[^/]+)/resourceGroups/(?P<rg>[^/]+)/providers/Microsoft\.Compute/"
    r"virtualMachineScaleSets/(?P<vmss>[^/]+)/virtualMachines/(?P<id>[^/]+)$",
    re.IGNORECASE,
)
_COMPUTE = "azure.mgmt.compute:ComputeManagementClient"
INSTANCE_VIEW_ACTION = "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/instanceView/read"
UPGRADE_STATUS_LABEL = "kubernetes.azure.com/upgrade-status"
IMAGE_LABEL = "kubernetes.azure.com/node-image-version"
_PRESSURES = (  # condition, its taint, the resource the eviction manager names, the cause's answer
    ("MemoryPressure", "node.kubernetes.io/memory-pressure", "memory", "memory"),
    ("DiskPressure", "node.kubernetes.io/disk-pressure", "ephemeral-storage", "disk"),
    ("PIDPressure", "node.kubernetes.io/pid-pressure", "pids", "pid"),
)
_NETWORK_MARKERS = ("NetworkPluginNotReady", "cni plugin not initialized", "network plugin is not ready")
# What a pod that exhausted threads or PIDs leaves in events and logs (glibc/Go runtime wording).
_THREAD_MARKERS = (
    "Resource temporarily unavailable",
    "pthread_create failed",
    "EAGAIN",
    "fork/exec",
    "cannot fork",
    "failed to create new OS thread",
)
_EVICTED = re.compile(
    r"The node was low on resource: (?P<res>[\w.-]+)\. Threshold quantity: (?P<threshold>[^,]+), "
    r"available: (?P<available>[^.]+?)\.(?: Container (?P<container>\S+) was using (?P<using>\S+), "
    r"request is (?P<request>[^,]+),)?"
)
# The CNI daemon each AKS dataplane runs on every node (namespace, DaemonSet).
CNI_DAEMONS = {
    "cilium": ("kube-system", "cilium"),
    "azure-cns": ("kube-system", "azure-cns"),
    "calico-node": ("calico-system", "calico-node"),
}
MAX_LISTED = 5


# ---- shared reads --------------------------------------------------------------------------------
@dataclass
class NodeView:
    """The target node (None when deleted), its pods, its events."""

    name: str
    node: dict[str, Any] | None
    pods: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    pods_error: DataUnavailable | None = None

    def condition(self, kind: str) -> dict[str, Any]:
        """A status condition by type ({} when absent)."""
        conds = dig(self.node or {}, "status.conditions", []) or []
        return next((c for c in conds if c.get("type") == kind), {})

    def taints(self) -> list[str]:
        """'key:Effect' of every taint."""
        return [f"{t.get('key')}:{t.get('effect')}" for t in dig(self.node or {}, "spec.taints", []) or []]


def node_view(ev: Evidence) -> NodeView:
    """The target node, the pods bound to it and its events, read once."""
    return ev.memo(("derived", "node.view", ev.target.name), lambda: _node_view(ev))


def _node_view(ev: Evidence) -> NodeView:
    name = ev.target.name
    try:
        node: dict[str, Any] | None = ev.node(name)
    except NotFound:
        node = None
    try:
        pods, pods_error = ev.list("pods", fields=f"spec.nodeName={name}"), None
    except DataUnavailable as exc:  # the node's own state is still readable; what needs its pods says so
        pods, pods_error = [], exc
    try:
        events = sorted(
            ev.list("events", fields=f"involvedObject.kind=Node,involvedObject.name={name}"), key=event_time
        )
    except DataUnavailable:
        events = []
    return NodeView(name, node, pods, events, pods_error)


def _cond_text(cond: dict[str, Any]) -> str:
    return f"{cond.get('type')}={cond.get('status')} ({cond.get('reason', 'no reason')}): {cond.get('message', '')}"


def _src(name: str) -> str:
    return f"Node {name} status.conditions"


# ---- node.state ----------------------------------------------------------------------------------
@probe(
    "node.state",
    outcomes=("gone", "silent", "network-plugin", "pleg", "not-ready", "pressure", "cordoned", "ready"),
)
def node_state(ev: Evidence) -> Outcome:
    """What state is the node in: Ready, silent (NodeStatusUnknown), NotReady, under pressure, cordoned, or gone?"""
    view = node_view(ev)
    facts: dict[str, Any] = {"node": view.name}
    if view.node is None:
        found = consequences(ev)
        if not found.any:
            names = [dig(n, "metadata.name", "") for n in _all_nodes(ev)]
            suggestions = closest(view.name, names, n=3)
            hint = f"did you mean: {', '.join(suggestions)}" if suggestions else "list them with: kubectl get nodes"
            raise TargetNotFound(f"node {view.name!r} not found", suggestions=suggestions, hint=hint)
        return Outcome.of("gone", (f"node {view.name} no longer exists", f"Node {view.name}"), **facts)
    facts |= _node_facts(ev, view)
    ready = view.condition("Ready")
    status = ready.get("status", "Unknown")
    line = (_cond_text(ready) + f" (last heartbeat {ready.get('lastHeartbeatTime', '?')})", _src(view.name))
    if status == "Unknown" or not ready:
        lines = [line]
        silent = [c for c, *_ in _PRESSURES if view.condition(c).get("status") == "Unknown"]
        if silent:
            lines.append(
                (
                    f"{', '.join(silent)} Unknown as well: the node lifecycle controller, not the kubelet, wrote them",
                    _src(view.name),
                )
            )
        if view.taints():
            lines.append((f"taints: {', '.join(view.taints())}", f"Node {view.name} spec.taints"))
        lease = _lease_line(ev, view.name)
        if lease:
            lines.append(lease)
        return Outcome.of("silent", *lines, ready_since=ready.get("lastTransitionTime", ""), **facts)
    message = str(ready.get("message", ""))
    if status == "False" and any(m in message for m in _NETWORK_MARKERS):
        return Outcome.of("network-plugin", line, ready_message=message, **facts)
    pressured = [c for c, *_ in _PRESSURES if view.condition(c).get("status") == "True"]
    if pressured:
        lines = [(_cond_text(view.condition(c)), _src(view.name)) for c in pressured]
        return Outcome.of("pressure", *lines, **facts)
    if status == "False" and "PLEG is not healthy" in message:
        return Outcome.of("pleg", line, ready_message=message, **facts)
    if status == "False":
        return Outcome.of("not-ready", line, ready_message=message, **facts)
    if dig(view.node, "spec.unschedulable"):
        taint = "node.kubernetes.io/unschedulable:NoSchedule"
        text = f"Ready, but cordoned: spec.unschedulable true (taint {taint})"
        return Outcome.of("cordoned", (text, f"Node {view.name} spec"), **facts)
    return Outcome.of("ready", line, **facts)


def _node_facts(ev: Evidence, view: NodeView) -> dict[str, Any]:
    node = view.node or {}
    labels = dig(node, "metadata.labels", {}) or {}
    out: dict[str, Any] = {
        "pool": node_pool(node),
        "node_image": labels.get(IMAGE_LABEL, ""),
        "kubelet_version": dig(node, "status.nodeInfo.kubeletVersion", ""),
        "vm_size": labels.get("node.kubernetes.io/instance-type", ""),
    }
    parsed = _PROVIDER.match(str(dig(node, "spec.providerID", "") or ""))
    if parsed:
        out |= {
            "node_resource_group": parsed.group("rg"),
            "vmss": parsed.group("vmss"),
            "instance_id": parsed.group("id"),
            "node_subscription": parsed.group("sub"),
        }
    return out


def _all_nodes(ev: Evidence) -> list[dict[str, Any]]:
    try:
        return ev.list("nodes")
    except DataUnavailable:
        return []


def _lease_line(ev: Evidence, name: str) -> tuple[str, str] | None:
    """The kubelet's heartbeat lease in kube-node-lease: when it was last renewed."""
    try:
        lease = ev.get("leases", name, "kube-node-lease")
    except (DataUnavailable, NotFound):
        return None
    renewed = dig(lease, "spec.renewTime")
    if not renewed:
        return None
    return (
        f"its heartbeat Lease was last renewed at {renewed} (holder {dig(lease, 'spec.holderIdentity', '?')})",
        f"Lease kube-node-lease/{name}",
    )


# ---- node.pressure ---------------------------------------------------------------------------------
@probe("node.pressure", outcomes=("memory", "disk", "pid", "none"))
def node_pressure(ev: Evidence) -> Outcome:
    """Which resource is the node short of: the eviction threshold, what was available, the top consumers?"""
    view = node_view(ev)
    if view.node is None:
        return Outcome.of("none", f"node {view.name} no longer exists")
    for condition, taint, resource, answer in _PRESSURES:
        if view.condition(condition).get("status") == "True":
            return _pressure(ev, view, condition=condition, taint=taint, resource=resource, answer=answer)
    threads, pid_facts = _thread_exhaustion(ev, view)
    if threads:
        facts = {"pressure_resource": "pids"} | pid_facts | _new_pool(ev, view)
        return Outcome.of("pid", *threads[:MAX_LISTED], **facts)
    return Outcome.of("none", f"no pressure condition on {view.name} and no sign of PID or thread exhaustion")


def _pressure(ev: Evidence, view: NodeView, *, condition: str, taint: str, resource: str, answer: str) -> Outcome:
    cond = view.condition(condition)
    lines: list[Any] = [(_cond_text(cond), _src(view.name))]
    if taint in [t.split(":", 1)[0] for t in view.taints()]:
        lines.append((f"taint {taint}:NoSchedule", f"Node {view.name} spec.taints"))
    facts: dict[str, Any] = {"pressure_resource": resource, "pressure_condition": condition}
    evictions = _evictions(view, resource)
    if evictions:
        first = evictions[0]
        facts |= {
            "eviction_threshold": first["threshold"],
            "eviction_available": first["available"],
            "evicted_pods": [e["pod"] for e in evictions],
        }
        lines.append((f"Evicted {first['pod']}: {first['message']}", f"Pod {first['pod']} status.message"))
        if len(evictions) > 1:
            lines.append(f"{len(evictions)} pods evicted from {view.name} for {resource}")
    for e in view.events:
        if e.get("reason") in ("EvictionThresholdMet", "FreeDiskSpaceFailed", "ImageGCFailed"):
            lines.append((f"{e.get('reason')}: {e.get('message', '')}", f"Event {e.get('reason')} on Node {view.name}"))
            break
    if answer == "memory":
        facts |= _top_memory(ev, view, lines, evictions)
    elif answer == "disk":
        facts |= _top_from_evictions(evictions, view) | _new_pool(ev, view, disk=True)
    else:
        facts |= _new_pool(ev, view)
        threads, pid_facts = _thread_exhaustion(ev, view)
        lines.extend(threads[:2])
        facts |= pid_facts
    return Outcome.of(answer, *lines, **facts)


def _new_pool(ev: Evidence, view: NodeView, *, disk: bool = False) -> dict[str, Any]:
    """A name for a replacement pool (lowercase, at most 12 characters) and, for disk, a larger OS disk."""
    pool = node_pool(view.node or {})
    if not pool:
        return {}
    try:
        coordinates = ev.cluster_coordinates()  # the az fix needs the cluster's group and name
    except (DataUnavailable, NotFound):
        return {}
    out: dict[str, Any] = {"new_pool": pool[:11] + "2", **coordinates}
    if disk:
        try:
            gib = memory_bytes(dig(view.node or {}, "status.capacity.ephemeral-storage", "0")) / 2**30
        except InvalidQuantity:
            gib = 0
        out["new_osdisk_gb"] = max(256, (int(gib * 2) // 128 + 1) * 128)
    return out


def _evictions(view: NodeView, resource: str) -> list[dict[str, str]]:
    out = []
    for pod in view.pods:
        if dig(pod, "status.reason") != "Evicted":
            continue
        message = str(dig(pod, "status.message", ""))
        match = _EVICTED.search(message)
        if not match or match.group("res") != resource:
            continue
        out.append(
            {
                "pod": f"{dig(pod, 'metadata.namespace')}/{dig(pod, 'metadata.name')}",
                "namespace": str(dig(pod, "metadata.namespace", "")),
                "owner": _owner_workload(pod),
                "message": message,
                "threshold": match.group("threshold").strip(),
                "available": match.group("available").strip(),
                "container": match.group("container") or "",
                "using": match.group("using") or "",
                "request": (match.group("request") or "").strip(),
            }
        )
    return out


def _top_memory(ev: Evidence, view: NodeView, lines: list[Any], evictions: list[dict[str, str]]) -> dict[str, Any]:
    """The pods using most memory on the node (PodMetrics) against their requests; else the eviction message."""
    usage = _pod_memory(ev, view)
    running = [p for p in view.pods if dig(p, "status.phase") == "Running" and not dig(p, "metadata.deletionTimestamp")]
    ranked = []
    for pod in running:
        key = (dig(pod, "metadata.namespace"), dig(pod, "metadata.name"))
        if key in usage:
            ranked.append((usage[key], pod))
    ranked.sort(key=lambda pair: -pair[0])
    if ranked:
        shown = []
        for used, pod in ranked[:3]:
            request = _memory_request(pod)
            req_text = format_memory(request) if request else "no request"
            shown.append(
                f"{dig(pod, 'metadata.namespace')}/{dig(pod, 'metadata.name')} {format_memory(used)} ({req_text})"
            )
        lines.append((f"top memory consumers: {'; '.join(shown)}", f"PodMetrics of the pods on {view.name}"))
        used, top = ranked[0]
        container = (dig(top, "spec.containers", []) or [{}])[0].get("name", "")
        return {
            "top_pod": dig(top, "metadata.name"),
            "top_namespace": dig(top, "metadata.namespace"),
            "top_container": container,
            "top_workload": _owner_workload(top),
            "suggested_amount": _round_memory(used),
        }
    return _top_from_evictions(evictions, view)


def _top_from_evictions(evictions: list[dict[str, str]], view: NodeView) -> dict[str, Any]:
    if not evictions:
        return {}
    top = evictions[0]
    out: dict[str, Any] = {
        "top_pod": top["pod"].split("/", 1)[1],
        "top_namespace": top["namespace"],
        "top_container": top["container"],
        "top_workload": top["owner"],
    }
    if top["using"]:
        with contextlib.suppress(InvalidQuantity):
            out["suggested_amount"] = _round_memory(memory_bytes(top["using"]))
    return out


def _pod_memory(ev: Evidence, view: NodeView) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    namespaces = sorted({str(dig(p, "metadata.namespace", "")) for p in view.pods})
    for ns in namespaces:
        try:
            metrics = ev.list("podmetrics", ns)
        except (DataUnavailable, NotFound):
            continue
        for m in metrics:
            total = 0
            for c in m.get("containers", []) or []:
                try:
                    total += memory_bytes(dig(c, "usage.memory", "0"))
                except InvalidQuantity:
                    continue
            out[(ns, str(dig(m, "metadata.name", "")))] = total
    return out


def _memory_request(pod: dict[str, Any]) -> int:
    total = 0
    for c in dig(pod, "spec.containers", []) or []:
        try:
            total += memory_bytes(dig(c, "resources.requests.memory", "0") or "0")
        except InvalidQuantity:
            continue
    return total


def _round_memory(size: float) -> str:
    """A request/limit a little above the observed use, in Mi rounded up to 64Mi."""
    mib = int(size * 1.25 / (1024 * 1024))
    return f"{(mib // 64 + 1) * 64}Mi"


def _thread_exhaustion(ev: Evidence, view: NodeView) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    """Events on the node or its pods that say a process could not get a thread or a PID; the first such pod."""
    found: list[tuple[str, str]] = []
    facts: dict[str, Any] = {}
    for e in view.events:
        if any(m in str(e.get("message", "")) for m in _THREAD_MARKERS):
            found.append((f"{e.get('reason')}: {e.get('message')}", f"Event on Node {view.name}"))
    for pod in view.pods:
        try:
            events = ev.events_for(pod)
        except DataUnavailable:
            continue
        hit = next((e for e in events if any(m in str(e.get("message", "")) for m in _THREAD_MARKERS)), None)
        if hit is None:
            continue
        name = f"{dig(pod, 'metadata.namespace')}/{dig(pod, 'metadata.name')}"
        found.append((f"{hit.get('reason')} on {name}: {hit.get('message')}", f"Event on Pod {name}"))
        if not facts:
            facts = {
                "top_pod": dig(pod, "metadata.name"),
                "top_namespace": dig(pod, "metadata.namespace"),
                "top_workload": _owner_workload(pod),
            }
    return found, facts


def _owner_workload(pod: dict[str, Any]) -> str:
    """deployment/NAME, statefulset/NAME, daemonset/NAME, or '' for a bare pod."""
    for ref in dig(pod, "metadata.ownerReferences", []) or []:
        kind, name = ref.get("kind"), str(ref.get("name", ""))
        if kind == "ReplicaSet":
            base, _, suffix = name.rpartition("-")
            return f"deployment/{base}" if base and suffix else ""
        if kind in ("StatefulSet", "DaemonSet"):
            return f"{kind.lower()}/{name}"
    return ""


# ---- node.vmss_instance --------------------------------------------------------------------------
@probe("node.vmss_instance", outcomes=("not-running", "provisioning-failed", "running"))
def vmss_instance(ev: Evidence) -> Outcome:
    """Is the node's VMSS instance running (its instance view: PowerState, ProvisioningState, vmssCSE)?"""
    view = node_view(ev)
    provider = str(dig(view.node or {}, "spec.providerID", "") or "")
    match = _PROVIDER.match(provider)
    if not match:
        return Outcome.unknown(f"providerID {provider or '(none)'} names no VMSS instance")
    sub, rg, vmss, instance = match.group("sub", "rg", "vmss", "id")
    azure = ev.require_azure(f"the instance view of VMSS {vmss} instance {instance}")
    scope = f"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachineScaleSets/{vmss}"
    view_json = ev.memo(
        ("azure", "vmss_instance_view", sub.lower(), rg.lower(), vmss, instance),
        lambda: azure.call(
            f"read the instance view of VMSS {vmss} instance {instance}",
            lambda: arm_json(
                azure.client(_COMPUTE, sub).virtual_machine_scale_set_vms.get_instance_view(rg, vmss, instance)
            ),
            action=INSTANCE_VIEW_ACTION,
            scope=scope,
            url=f"{ARM}{scope}/virtualMachines/{instance}/instanceView",
            shape=arm_one,
        ),
    )
    return classify_instance_view(view_json, source=f"instance view of {vmss}/virtualMachines/{instance}")


def classify_instance_view(view: dict[str, Any], *, source: str) -> Outcome:
    """not-running / provisioning-failed / running from an instance view (ARM JSON)."""
    statuses = view.get("statuses") or []
    power = next((s for s in statuses if str(s.get("code", "")).startswith("PowerState/")), {})
    state = str(power.get("code", "PowerState/unknown")).split("/", 1)[1]
    power_text = f"{power.get('code', 'no PowerState')} ({power.get('displayStatus', '')})"
    facts: dict[str, Any] = {"power_state": state}
    if state in ("stopped", "deallocated", "stopping", "deallocating"):
        return Outcome.of("not-running", (f"the VM is {power_text}", source), **facts)
    failed = next((s for s in statuses if str(s.get("code", "")).lower().startswith("provisioningstate/failed")), None)
    if failed is not None:
        code = str(failed.get("code", "")).split("/", 2)[-1]
        message = str(failed.get("message", "") or "")
        ext = _failed_extension(view)
        lines: list[Any] = [(f"{failed.get('code')}: {_one_line(message)}", source)]
        if ext and ext[1] not in message:
            lines.append((f"extension {ext[0]}: {_one_line(ext[1])}", source))
        first = message.splitlines()[0].rstrip() if message.strip() else code
        facts |= {"provisioning_code": code, "provisioning_message": first.rstrip(".") + "."}
        status_match = re.search(r"exit status=(\d+)|ExitCode:\s*(\d+)", message + " " + (ext[1] if ext else ""))
        if status_match:
            exit_status = int(status_match.group(1) or status_match.group(2))
            meaning = describe_exit_status(exit_status)
            facts |= {"cse_exit_status": exit_status, "cse_meaning": meaning}
            lines.append(f"vmssCSE exit status {exit_status}: {meaning}")
        else:
            facts["cse_meaning"] = code
        return Outcome.of("provisioning-failed", *lines, **facts)
    return Outcome.of("running", (f"the VM is {power_text}", source), **facts)


def _one_line(text: str, limit: int = 400) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _failed_extension(view: dict[str, Any]) -> tuple[str, str] | None:
    for ext in view.get("extensions") or []:
        for s in ext.get("statuses") or []:
            if "failed" in str(s.get("code", "")).lower() or s.get("level") == "Error":
                return str(ext.get("name", "")), str(s.get("message", "") or "")
    return None


# ---- node.network_plugin ---------------------------------------------------------------------------
@probe("node.network_plugin", outcomes=("cni-pod-down", "cni-pod-ready"))
def network_plugin(ev: Evidence) -> Outcome:
    """Is the CNI daemon pod the dataplane expects on the node (azure-cns, cilium, calico-node) Ready?"""
    view = node_view(ev)
    expected, why = _expected_cni(ev)
    if not expected:
        return Outcome.unknown(f"no CNI DaemonSet (cilium, azure-cns, calico-node) found: {why}")
    lines: list[Any] = []
    for daemon in expected:
        ns, ds = CNI_DAEMONS[daemon]
        pod = next((p for p in view.pods if _owned_by_daemonset(p, ds) and dig(p, "metadata.namespace") == ns), None)
        if pod is None:
            text = f"DaemonSet {ns}/{ds} ({why}) has no pod on {view.name}"
            return Outcome.of("cni-pod-down", (text, f"Pods in {ns} on {view.name}"), cni_daemon=ds, cni_namespace=ns)
        state, ready = _pod_state(pod)
        pod_name = dig(pod, "metadata.name")
        if not ready:
            return Outcome.of(
                "cni-pod-down",
                (f"{ns}/{pod_name} ({ds}, {why}) on {view.name}: {state}", f"Pod {ns}/{pod_name}"),
                cni_daemon=ds,
                cni_namespace=ns,
                cni_pod=pod_name,
            )
        lines.append((f"{ns}/{pod_name} ({ds}) on {view.name} is {state}", f"Pod {ns}/{pod_name}"))
    return Outcome.of("cni-pod-ready", *lines, cni_daemon=expected[0], confidence="medium")


def _expected_cni(ev: Evidence) -> tuple[list[str], str]:
    """Which CNI daemons the dataplane needs: from the managed cluster's networkProfile, else the DaemonSets present."""
    try:
        profile = dig(ev.managed_cluster(), "properties.networkProfile", {}) or {}
    except (DataUnavailable, NotFound):
        profile = None
    if profile is not None:
        plugin = str(profile.get("networkPlugin", "")).lower()
        dataplane = str(profile.get("networkDataplane", "")).lower()
        policy = str(profile.get("networkPolicy", "")).lower()
        mode = str(profile.get("networkPluginMode", "")).lower()
        expected = []
        if dataplane == "cilium" or policy == "cilium":
            expected.append("cilium")
        if plugin == "azure" and (mode == "overlay" or dataplane == "cilium"):
            expected.insert(0, "azure-cns")
        if policy == "calico":
            expected.append("calico-node")
        desc = (
            f"networkPlugin {plugin or '?'}"
            + (f" {mode}" if mode else "")
            + (f", dataplane {dataplane}" if dataplane else "")
        )
        if policy:
            desc += f", networkPolicy {policy}"
        if expected:
            return expected, desc
    present = []
    for daemon, (ns, ds) in CNI_DAEMONS.items():
        try:
            ev.get("daemonsets", ds, ns)
        except (NotFound, DataUnavailable):
            continue
        present.append(daemon)
    return (
        present,
        "the DaemonSets in the cluster" if present else "neither the networkProfile nor the DaemonSets name one",
    )


def _owned_by_daemonset(pod: dict[str, Any], name: str) -> bool:
    return any(
        r.get("kind") == "DaemonSet" and r.get("name") == name for r in dig(pod, "metadata.ownerReferences", []) or []
    )


def _pod_state(pod: dict[str, Any]) -> tuple[str, bool]:
    statuses = dig(pod, "status.containerStatuses", []) or []
    ready = bool(statuses) and all(s.get("ready") for s in statuses) and dig(pod, "status.phase") == "Running"
    text = f"{dig(pod, 'status.phase', 'Unknown')}, {sum(1 for s in statuses if s.get('ready'))}/{len(statuses)} ready"
    for s in statuses:
        reason = dig(s, "state.waiting.reason")
        if reason:
            text += f", {s.get('name')} {reason} (restarts {s.get('restartCount', 0)})"
    return text, ready


# ---- node.upgrade_cordon --------------------------------------------------------------------------
@probe("node.upgrade_cordon", outcomes=("upgrade", "manual"))
def upgrade_cordon(ev: Evidence) -> Outcome:
    """Did an AKS upgrade leave the node cordoned (its pool Failed, the upgrader's Drain events, the upgrade label)?"""
    view = node_view(ev)
    labels = dig(view.node or {}, "metadata.labels", {}) or {}
    lines: list[Any] = []
    signs = 0
    facts: dict[str, Any] = {}
    drains = [e for e in view.events if e.get("reason") == "Drain"]
    if drains:
        signs += 1
        last = drains[-1]
        lines.append((f"Drain event ({event_time(last)}): {last.get('message', '')}", f"Events of Node {view.name}"))
    status = labels.get(UPGRADE_STATUS_LABEL)
    if status:
        signs += 1
        lines.append((f"label {UPGRADE_STATUS_LABEL}={status}", f"Node {view.name} metadata.labels"))
    pool_name = node_pool(view.node or {})
    try:
        pools = dig(ev.managed_cluster(), "properties.agentPoolProfiles", []) or []
    except (DataUnavailable, NotFound) as exc:
        pools = None
        if not signs:
            raise exc
        facts["notes"] = [f"the pool's provisioning state was not read: {getattr(exc, 'reason', exc)}"]
    pool = next((p for p in pools or [] if p.get("name") == pool_name), None)
    if pool is not None:
        state = pool.get("provisioningState", "?")
        facts |= {"pool_state": state, "target_version": pool.get("orchestratorVersion") or None}
        behind = _behind(view, pool)
        if state == "Failed":
            signs += 1
            lines.append(
                (f"agent pool {pool_name} is in provisioningState Failed", "managed cluster agentPoolProfiles")
            )
        elif state in ("Upgrading", "Updating"):
            signs += 1
            lines.append(
                (
                    f"agent pool {pool_name} is {state}: the upgrade is still running",
                    "managed cluster agentPoolProfiles",
                )
            )
        if behind:
            # alone (pool Succeeded, no Drain event left), the old version still says an upgrade skipped this
            # node: AKS can report a pool upgraded while a PDB kept one node back (Azure/AKS#3558)
            lines.append((behind, f"Node {view.name} and agent pool {pool_name}"))
            facts.setdefault("confidence", "medium" if not signs else None)
            signs += 1
        if not signs:
            lines.append(
                (
                    f"agent pool {pool_name} is {state}, the node is on the pool's image and version",
                    "managed cluster agentPoolProfiles",
                )
            )
    if signs:
        return Outcome.of(
            "upgrade",
            *lines,
            upgrade_running=bool(pool and pool.get("provisioningState") in ("Upgrading", "Updating")),
            **facts,
        )
    lines.append(f"no Drain event on {view.name} and no {UPGRADE_STATUS_LABEL} label")
    notes = [
        f"{view.name} was cordoned by hand (kubectl cordon or drain) or by a tool: no AKS upgrade left it so. "
        f"If it should take pods again: kubectl uncordon {view.name}"
    ]
    return Outcome.of("manual", *lines, notes=notes, **facts)


def _behind(view: NodeView, pool: dict[str, Any]) -> str:
    labels = dig(view.node or {}, "metadata.labels", {}) or {}
    image, want_image = labels.get(IMAGE_LABEL, ""), pool.get("nodeImageVersion", "")
    kubelet = str(dig(view.node or {}, "status.nodeInfo.kubeletVersion", "")).lstrip("v")
    want = pool.get("orchestratorVersion", "")
    if want and kubelet and kubelet != want:
        return f"the node runs kubelet v{kubelet}, the pool asks for {want}"
    if image and want_image and image != want_image:
        return f"the node is on image {image}, the pool on {want_image}"
    return ""


# ---- node.consequences ------------------------------------------------------------------------------
@dataclass
class Consequences:
    """Pods left Terminating on the node, and replacements held by Multi-Attach on its volumes."""

    stuck: list[dict[str, Any]] = field(default_factory=list)
    multi_attach: list[dict[str, Any]] = field(default_factory=list)

    @property
    def any(self) -> bool:
        """Whether anything is stuck."""
        return bool(self.stuck or self.multi_attach)


def consequences(ev: Evidence) -> Consequences:
    """Workload consequences of the node, read once."""
    return ev.memo(("derived", "node.consequences", ev.target.name), lambda: _consequences(ev))


def _consequences(ev: Evidence) -> Consequences:
    view = node_view(ev)
    if view.pods_error is not None:
        raise view.pods_error
    now = datetime.now(timezone.utc)
    out = Consequences()
    for pod in view.pods:
        deleted = dig(pod, "metadata.deletionTimestamp")
        if not deleted:
            continue
        grace = int(dig(pod, "metadata.deletionGracePeriodSeconds", 30) or 0)
        try:
            when = datetime.fromisoformat(str(deleted).replace("Z", "+00:00"))
        except ValueError:
            continue
        if (now - when).total_seconds() > grace:
            out.stuck.append(pod)
    out.multi_attach = _multi_attach(ev, view.name)
    return out


def _multi_attach(ev: Evidence, node: str) -> list[dict[str, Any]]:
    """Pods on other nodes whose FailedAttachVolume Multi-Attach names a PV still attached to this node."""
    try:
        attachments = [a for a in ev.list("volumeattachments") if dig(a, "spec.nodeName") == node]
    except (DataUnavailable, NotFound):
        return []
    found = []
    for att in attachments:
        pv_name = dig(att, "spec.source.persistentVolumeName")
        if not pv_name:
            continue
        try:
            pv = ev.get("persistentvolumes", pv_name)
        except (DataUnavailable, NotFound):
            continue
        ns, claim = dig(pv, "spec.claimRef.namespace"), dig(pv, "spec.claimRef.name")
        if not ns or not claim:
            continue
        try:
            pods = ev.list("pods", ns)
        except DataUnavailable:
            continue
        for pod in pods:
            if dig(pod, "spec.nodeName") in (None, node):
                continue
            if not any(dig(v, "persistentVolumeClaim.claimName") == claim for v in dig(pod, "spec.volumes", []) or []):
                continue
            try:
                events = ev.events_for(pod)
            except DataUnavailable:
                continue
            hit = next(
                (
                    e
                    for e in reversed(events)
                    if e.get("reason") == "FailedAttachVolume" and "Multi-Attach" in str(e.get("message", ""))
                ),
                None,
            )
            if hit:
                found.append(
                    {"pod": pod, "pv": pv_name, "claim": claim, "attachment": dig(att, "metadata.name"), "event": hit}
                )
    return found


@probe("node.consequences", outcomes=("stuck-terminating", "multi-attach", "none"))
def node_consequences(ev: Evidence) -> Outcome:
    """What did the node leave behind: pods stuck Terminating on it, replacements held by Multi-Attach?"""
    found = consequences(ev)
    node = ev.target.name
    lines: list[Any] = []
    facts: dict[str, Any] = {"followups": []}
    if found.stuck:
        first = found.stuck[0]
        names = [f"{dig(p, 'metadata.namespace')}/{dig(p, 'metadata.name')}" for p in found.stuck]
        lines.append(
            (
                f"{len(names)} pod(s) on {node} Terminating past their grace period: {', '.join(names[:MAX_LISTED])}"
                f" (first deleted at {dig(first, 'metadata.deletionTimestamp')})",
                f"Pods with spec.nodeName={node}",
            )
        )
        sts = [p for p in found.stuck if _owner_workload(p).startswith("statefulset/")]
        if sts:
            lines.append(
                f"{_owner_workload(sts[0])} creates no replacement for {dig(sts[0], 'metadata.name')}"
                " until the old pod object is gone"
            )
        pick = sts[0] if sts else first
        facts |= {
            "stuck_pod": dig(pick, "metadata.name"),
            "stuck_namespace": dig(pick, "metadata.namespace"),
            "stuck_pods": names,
        }
        facts["followups"].append("pods-stuck-terminating")
    if found.multi_attach:
        hit = found.multi_attach[0]
        pod = hit["pod"]
        name = f"{dig(pod, 'metadata.namespace')}/{dig(pod, 'metadata.name')}"
        lines.append(
            (
                f"{name} on {dig(pod, 'spec.nodeName')}: FailedAttachVolume {hit['event'].get('message', '')}",
                f"Events of Pod {name}",
            )
        )
        lines.append(
            (
                f"VolumeAttachment {hit['attachment']} still attaches {hit['pv']} to {node}",
                f"VolumeAttachment {hit['attachment']}",
            )
        )
        facts |= {
            "multiattach_pod": dig(pod, "metadata.name"),
            "multiattach_namespace": dig(pod, "metadata.namespace"),
            "multiattach_node": dig(pod, "spec.nodeName"),
            "volume": hit["pv"],
            "claim": hit["claim"],
            "volume_attachment": hit["attachment"],
        }
        facts["followups"].append("volume-multi-attach")
    if not lines:
        return Outcome.of("none", f"no pod stuck Terminating on {node} and no volume held on it", followups=[])
    answer = "stuck-terminating" if found.stuck else "multi-attach"
    return Outcome.of(answer, *lines, **facts)


__all__ = [
    "CNI_DAEMONS",
    "NodeView",
    "classify_instance_view",
    "consequences",
    "network_plugin",
    "node_consequences",
    "node_pressure",
    "node_state",
    "node_view",
    "upgrade_cordon",
    "vmss_instance",
]

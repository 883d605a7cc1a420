"""Write examples/bundles/node-*: one realistic evidence bundle per node cause, healthy and a manual cordon.

Kubernetes objects are what `kubectl get nodes,pods,daemonsets,volumeattachments,pv -A -o yaml`,
`kubectl get leases -n kube-node-lease -o yaml`, `kubectl get events -A -o yaml` and the metrics lists
print; nodes and pods reuse the shapes of scripts/make_example_bundles_nodecpu.py. The condition, taint
and eviction texts are the kubelet's and the node lifecycle controller's (see probes/node_health.py).
Azure bodies start from ../shared/azure-arm-examples: the managed cluster from
managedClusters_Get.recorded-workloadIdentity.json (pools rebuilt as in the nodecpu examples); the VMSS
instance view follows the spec example VirtualMachineScaleSetVM_Get_InstanceViewAutoPlacedOnDedicatedHostGroup.json
(azure-rest-api-specs, compute 2024-03-01: statuses ProvisioningState/... and PowerState/..., vmAgent,
extensions) with the vmssCSE failure text of AKS's VMExtensionProvisioningError. Run from the repository root:

    python scripts/make_example_bundles_node.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import copy
import json
import shutil
from pathlib import Path
from typing import Any

from make_example_bundles_nodecpu import (
    ARM,
    CLUSTER,
    EARLIER,
    NODE_RG,
    NOW,
    RG,
    SUB,
    SYS_NODES,
    SYS_POOL,
    USER_NODES,
    USER_POOL,
    Pool,
    Workload,
    as_list,
    cluster_body,
    dump,
    node_object,
    pod_object,
    rec,
    system_workloads,
    uid,
)

AKS_API = "2025-10-01"
COMPUTE_API = "2025-04-01"
LOST = USER_NODES[1]  # aks-userpool-24817365-vmss000001
OTHER = USER_NODES[2]
LOST_AT = "2026-11-21T09:41:07Z"
DELETED_AT = "2026-11-21T09:47:12Z"
POOLS = [Pool(SYS_POOL, "System", 2, taints=["CriticalAddonsOnly=true:NoSchedule"]), Pool(USER_POOL, "User", 3)]
UNKNOWN = [
    ("MemoryPressure", "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status."),
    ("DiskPressure", "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status."),
    ("PIDPressure", "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status."),
    ("Ready", "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status."),
]
CNI_MESSAGE = (
    "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin"
    " returns error: cni plugin not initialized"
)
PLEG_MESSAGE = "PLEG is not healthy: pleg was last seen active 3m12.405s ago; threshold is 3m0s"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", default="../shared")
    parser.add_argument("--out", default="examples/bundles")
    args = parser.parse_args()
    shapes = Path(args.shared) / "azure-arm-examples"
    for case, spec in cases().items():
        write(Path(args.out) / case, spec, shapes)
        print(f"wrote {Path(args.out) / case}")


def web(pods: list[tuple[str, int]]) -> Workload:
    return Workload(
        "shop", "web", "Deployment", "contososhop.azurecr.io/shop/web:1.4.2", "250m", "1", pods, labels={"app": "web"}
    )


def cases() -> dict[str, dict[str, Any]]:
    silent = {"conditions": UNKNOWN, "taints": ["node.kubernetes.io/unreachable"], "lease": "2026-11-21T09:40:21Z"}
    expected = {
        "node-healthy": {
            "expected": ("healthy", None, [], "Ready True, no pressure condition, schedulable"),
            "azure": {},
        },
        "node-kubelet-stopped-posting-status": {
            **silent,
            "azure": {"power": "running"},
            "expected": (
                "problem",
                "kubelet-stopped-posting-status",
                ["az", "vmss", "restart", "aks-userpool-24817365-vmss"],
                "Kubelet stopped posting node status.",
            ),
        },
        "node-kubelet-stopped-statefulset": {
            **silent,
            "azure": None,
            "stuck": True,
            "expected": (
                "problem",
                "kubelet-stopped-posting-status",
                ["az", "vmss", "restart", "aks-userpool-24817365-vmss"],
                "Kubelet stopped posting node status.",
            ),
        },
        "node-vmss-instance-not-running": {
            **silent,
            "azure": {"power": "deallocated"},
            "expected": (
                "problem",
                "vmss-instance-not-running",
                ["az", "vmss", "start", "aks-userpool-24817365-vmss", "--instance-ids"],
                None,
            ),
        },
        "node-vmss-instance-provisioning-failed": {
            **silent,
            "azure": {"power": "running", "cse_exit": 50},
            "expected": (
                "problem",
                "vmss-instance-provisioning-failed",
                ["az", "vmss", "reimage", "aks-userpool-24817365-vmss"],
                None,
            ),
        },
        "node-network-plugin-not-ready": {
            "conditions": [("Ready", "False", "KubeletNotReady", CNI_MESSAGE)],
            "taints": ["node.kubernetes.io/not-ready"],
            "azure": {"cilium": True},
            "cilium_down": True,
            "expected": ("problem", "network-plugin-not-ready", ["kubectl", "cilium-"], CNI_MESSAGE),
        },
        "node-memory-pressure": {
            "conditions": [
                (
                    "MemoryPressure",
                    "True",
                    "KubeletHasInsufficientMemory",
                    "kubelet has insufficient memory available",
                )
            ],
            "taints": ["node.kubernetes.io/memory-pressure"],
            "evicted": "memory",
            "azure": None,
            "expected": ("problem", "node-memory-pressure", ["kubectl set resources deployment/report-worker"], None),
        },
        "node-disk-pressure": {
            "conditions": [("DiskPressure", "True", "KubeletHasDiskPressure", "kubelet has disk pressure")],
            "taints": ["node.kubernetes.io/disk-pressure"],
            "evicted": "ephemeral-storage",
            "azure": {},
            "expected": ("problem", "node-disk-pressure", ["--node-osdisk-size", "ephemeral-storage"], None),
        },
        "node-pid-pressure": {
            "conditions": [("Ready", "False", "KubeletNotReady", PLEG_MESSAGE)],
            "taints": ["node.kubernetes.io/not-ready"],
            "threads": True,
            "azure": {},
            "expected": ("problem", "node-pid-pressure", ["kubectl delete pod", "--kubelet-config"], PLEG_MESSAGE),
        },
        "node-node-cordoned-by-failed-upgrade": {
            "cordoned": True,
            "drain": True,
            "old_version": True,
            "azure": {"pool_state": "Failed"},
            "expected": ("problem", "node-cordoned-by-failed-upgrade", ["kubectl uncordon", LOST], None),
        },
        "node-manual-cordon-inconclusive": {
            "cordoned": True,
            "azure": {},
            "expected": ("inconclusive", None, [], None),
        },
        "node-pods-stuck-terminating": {
            "gone": True,
            "stuck": True,
            "azure": None,
            "expected": ("problem", "pods-stuck-terminating", ["kubectl delete pod db-0", "--force"], None),
        },
        "node-volume-multi-attach": {
            "gone": True,
            "multi_attach": True,
            "azure": None,
            "expected": ("problem", "volume-multi-attach", ["kubectl", "node.kubernetes.io/out-of-service"], None),
        },
    }
    return expected


# ---- Kubernetes objects ------------------------------------------------------------------------
def write(folder: Path, spec: dict[str, Any], shapes: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    kube = folder / "kubernetes"
    kube.mkdir(parents=True)
    nodes = SYS_NODES + USER_NODES
    node_objs = [node_object(n, SYS_POOL, "system", tainted=True, index=i) for i, n in enumerate(SYS_NODES)] + [
        node_object(n, USER_POOL, "user", tainted=False, index=i) for i, n in enumerate(USER_NODES)
    ]
    lost = next(n for n in node_objs if n["metadata"]["name"] == LOST)
    shape_node(lost, spec)
    if spec.get("gone"):
        node_objs.remove(lost)
    workloads = system_workloads(nodes, SYS_NODES) + [web([(USER_NODES[0], 300), (LOST, 300), (OTHER, 300)])]
    pods = [pod_object(w, node, i) for w in workloads for i, (node, _u) in enumerate(w.pods)]
    events: list[dict[str, Any]] = []
    extra: dict[str, list[dict[str, Any]]] = {}
    daemonsets: list[dict[str, Any]] = []
    if spec.get("azure") and spec["azure"].get("cilium"):
        cilium, ds = cilium_objects(nodes, down=LOST if spec.get("cilium_down") else None)
        cns, cns_ds = cilium_objects(
            nodes, down=None, name="azure-cns", image="mcr.microsoft.com/containernetworking/azure-cns:v1.6.21"
        )
        pods += cns + cilium
        daemonsets += [cns_ds, ds]
        events += cilium_events(cilium)
    if spec.get("evicted"):
        pods += evicted_pods(spec["evicted"])
        events += pressure_events(spec["evicted"])
    thread_pods, thread_events = threads(spec)
    pods += thread_pods
    events += thread_events
    if spec.get("drain"):
        events.append(node_event("Drain", "Normal", f"Draining node: [{LOST}]", "upgrader"))
    if spec.get("stuck") or spec.get("multi_attach"):
        db_pods, pvs, attachments, db_events = statefulset_objects(spec)
        pods += db_pods
        extra["persistentvolumes"] = pvs
        extra["volumeattachments"] = attachments
        events += db_events
    dump(kube / "nodes.yaml", as_list(node_objs))
    dump(kube / "pods.yaml", as_list(pods))
    dump(kube / "events.yaml", as_list(events))
    dump(kube / "daemonsets.yaml", as_list(daemonsets))
    dump(kube / "volumeattachments.yaml", as_list(extra.get("volumeattachments", [])))
    dump(kube / "persistentvolumes.yaml", as_list(extra.get("persistentvolumes", [])))
    dump(kube / "leases.yaml", as_list([lease(n, spec.get("lease") if n == LOST else NOW) for n in nodes]))
    if spec.get("evicted") == "memory":
        dump(kube / "podmetrics.yaml", as_list([pod_metrics(p) for p in pods if p["status"].get("phase") == "Running"]))
    (folder / "COMMAND").write_text(f"aksdoctor node {LOST}\n", encoding="utf-8")
    write_expected(folder, spec["expected"])
    if spec.get("azure") is not None:
        (folder / "azure").mkdir()
        lines = [json.dumps(r, separators=(",", ":")) for r in azure(shapes, spec["azure"])]
        (folder / "azure" / "arm.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_expected(folder: Path, want: tuple[Any, ...]) -> None:
    """expected.json in the corpus format (source.kind example)."""
    status, cause, fix, verbatim = want
    expected = {
        "runbook": "node",
        "source": {"url": None, "title": folder.name, "kind": "example"},
        "verbatim": verbatim,
        "expected": {"status": status, "cause": cause, "acceptable": []},
        "fix_must_name": fix,
        "fidelity": {
            "verbatim": [],
            "reconstructed": ["every object (generated by scripts/make_example_bundles_node.py)"],
        },
    }
    (folder / "expected.json").write_text(json.dumps(expected, indent=2) + "\n", encoding="utf-8")


def threads(spec: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A pod that cannot create threads on the lost node (PLEG unhealthy), and its events."""
    if not spec.get("threads"):
        return [], []
    thread_pod = thread_hog()
    events: list[dict[str, Any]] = []
    events.append(
        event(
            thread_pod,
            "BackOff",
            "Warning",
            "Back-off restarting failed container ingest in pod "
            f"{thread_pod['metadata']['name']}_batch({thread_pod['metadata']['uid']})",
        )
    )
    events.append(
        event(
            thread_pod,
            "Failed",
            "Warning",
            "Error: failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: pthread_create failed: Resource temporarily unavailable: unknown",
        )
    )
    return [thread_pod], events


def shape_node(node: dict[str, Any], spec: dict[str, Any]) -> None:
    conds = {c["type"]: c for c in node["status"]["conditions"]}
    for kind, status, reason, message in spec.get("conditions", []):
        conds[kind].update(status=status, reason=reason, message=message, lastTransitionTime=LOST_AT)
        if status == "Unknown":
            conds[kind]["lastHeartbeatTime"] = "2026-11-21T09:40:21Z"
    taints = [{"key": t, "effect": "NoSchedule", "timeAdded": LOST_AT} for t in spec.get("taints", [])]
    if "node.kubernetes.io/unreachable" in spec.get("taints", []) or "node.kubernetes.io/not-ready" in spec.get(
        "taints", []
    ):
        taints.append({"key": spec["taints"][0], "effect": "NoExecute", "timeAdded": LOST_AT})
    if spec.get("cordoned"):
        node["spec"]["unschedulable"] = True
        taints.append({"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule", "timeAdded": LOST_AT})
    if spec.get("old_version"):
        node["status"]["nodeInfo"]["kubeletVersion"] = "v1.30.10"
        node["status"]["nodeInfo"]["kubeProxyVersion"] = "v1.30.10"
        node["metadata"]["labels"]["kubernetes.azure.com/node-image-version"] = (
            "AKSUbuntu-2204gen2containerd-202509.23.0"
        )
    if taints:
        node["spec"]["taints"] = taints


def event(obj: dict[str, Any], reason: str, kind: str, message: str, component: str = "kubelet") -> dict[str, Any]:
    meta = obj["metadata"]
    ns = meta.get("namespace", "default")
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {
            "name": f"{meta['name']}.{uid(reason, meta['name'])[:16].replace('-', '')}",
            "namespace": ns,
            "uid": uid("event", reason, meta["name"]),
            "resourceVersion": "4812900",
            "creationTimestamp": LOST_AT,
        },
        "involvedObject": {
            "apiVersion": "v1",
            "kind": obj["kind"],
            "name": meta["name"],
            "namespace": meta.get("namespace"),
            "uid": meta["uid"],
        },
        "reason": reason,
        "message": message,
        "source": {"component": component},
        "firstTimestamp": LOST_AT,
        "lastTimestamp": "2026-11-21T09:55:02Z",
        "count": 7,
        "type": kind,
    }


def node_event(reason: str, kind: str, message: str, component: str) -> dict[str, Any]:
    ev = event({"kind": "Node", "metadata": {"name": LOST, "uid": LOST}}, reason, kind, message, component)
    ev["involvedObject"].pop("namespace")
    return ev


def lease(node: str, renewed: str | None) -> dict[str, Any]:
    return {
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": {
            "name": node,
            "namespace": "kube-node-lease",
            "uid": uid("lease", node),
            "resourceVersion": "4812950",
            "creationTimestamp": EARLIER,
            "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": node, "uid": uid("node", node)}],
        },
        "spec": {
            "holderIdentity": node,
            "leaseDurationSeconds": 40,
            "renewTime": (renewed or NOW).replace("Z", ".000000Z"),
        },
    }


def evicted_pods(resource: str) -> list[dict[str, Any]]:
    """A pod the eviction manager evicted, as `kubectl get pod -o yaml` shows it (phase Failed, reason Evicted)."""
    hog = Workload(
        "batch",
        "report-worker",
        "Deployment",
        "contososhop.azurecr.io/batch/report-worker:3.0.1",
        "250m",
        None,
        [(LOST, 100), (LOST, 100)],
        memory="512Mi",
        labels={"app": "report-worker"},
    )
    running = pod_object(hog, LOST, 0)
    if resource == "memory":
        running["spec"]["containers"][0]["resources"] = {"requests": {"cpu": "250m"}}
    evicted = pod_object(hog, LOST, 1)
    if resource == "memory":
        message = (
            "The node was low on resource: memory. Threshold quantity: 750Mi, available: 225800Ki. "
            "Container report-worker was using 9395616Ki, request is 0, has larger consumption of memory. "
        )
    else:
        message = (
            "The node was low on resource: ephemeral-storage. Threshold quantity: 13297342669, available: 12684524Ki. "
            "Container report-worker was using 48060Mi, request is 0, has larger consumption of ephemeral-storage. "
        )
    evicted["status"] = {
        "phase": "Failed",
        "reason": "Evicted",
        "message": message,
        "startTime": EARLIER,
        "qosClass": "BestEffort" if resource == "memory" else "Burstable",
    }
    evicted["spec"]["containers"][0]["resources"] = {}
    return [running, evicted]


def pressure_events(resource: str) -> list[dict[str, Any]]:
    reclaim = "memory" if resource == "memory" else "ephemeral-storage"
    out = [node_event("EvictionThresholdMet", "Warning", f"Attempting to reclaim {reclaim}", "kubelet")]
    if resource != "memory":
        out.append(
            node_event(
                "FreeDiskSpaceFailed",
                "Warning",
                "Failed to garbage collect required amount of images. Attempted to free 18540376064 bytes, "
                "but only found 0 bytes eligible to free.",
                "kubelet",
            )
        )
    return out


def pod_metrics(pod: dict[str, Any]) -> dict[str, Any]:
    name = pod["metadata"]["name"]
    heavy = pod["metadata"]["labels"].get("app") == "report-worker"
    memory = "9012345Ki" if heavy else f"{120000 + len(name) * 1000}Ki"
    return {
        "apiVersion": "metrics.k8s.io/v1beta1",
        "kind": "PodMetrics",
        "metadata": {"name": name, "namespace": pod["metadata"]["namespace"], "creationTimestamp": NOW},
        "timestamp": "2026-11-21T09:57:51Z",
        "window": "15.011s",
        "containers": [
            {"name": c["name"], "usage": {"cpu": "120000000n", "memory": memory}} for c in pod["spec"]["containers"]
        ],
    }


def thread_hog() -> dict[str, Any]:
    w = Workload(
        "batch",
        "ingest",
        "Deployment",
        "contososhop.azurecr.io/batch/ingest:5.2.0",
        "500m",
        "2",
        [(LOST, 100)],
        memory="1Gi",
        labels={"app": "ingest"},
    )
    pod = pod_object(w, LOST, 0)
    cs = pod["status"]["containerStatuses"][0]
    cs.update(ready=False, restartCount=23, state={"waiting": {"reason": "CrashLoopBackOff"}})
    return pod


def cilium_objects(
    nodes: list[str],
    *,
    down: str | None,
    name: str = "cilium",
    image: str = "mcr.microsoft.com/oss/cilium/cilium:1.16.6",
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    w = Workload(
        "kube-system",
        name,
        "DaemonSet",
        image,
        "100m",
        None,
        [(n, 30) for n in nodes],
        memory="128Mi",
        labels={"k8s-app": name},
    )
    pods = [pod_object(w, n, i) for i, n in enumerate(nodes)]
    for pod in pods:
        if pod["spec"]["nodeName"] != down:
            continue
        pod["status"]["conditions"] = [
            {**c, "status": "False"} if c["type"] in ("Ready", "ContainersReady") else c
            for c in pod["status"]["conditions"]
        ]
        cs = pod["status"]["containerStatuses"][0]
        cs.update(
            ready=False,
            started=False,
            restartCount=9,
            state={
                "waiting": {
                    "reason": "CrashLoopBackOff",
                    "message": f"back-off 5m0s restarting failed container=cilium-agent pod={pod['metadata']['name']}_kube-system({pod['metadata']['uid']})",
                }
            },
            lastState={
                "terminated": {
                    "exitCode": 1,
                    "reason": "Error",
                    "startedAt": "2026-11-21T09:50:02Z",
                    "finishedAt": "2026-11-21T09:50:41Z",
                }
            },
        )
    ready = len(nodes) - (1 if down else 0)
    ds = {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {
            "name": name,
            "namespace": "kube-system",
            "uid": uid("ds", "kube-system", name),
            "resourceVersion": "4812001",
            "creationTimestamp": EARLIER,
            "generation": 1,
            "labels": {"k8s-app": name, "kubernetes.azure.com/managedby": "aks"},
        },
        "spec": {
            "selector": {"matchLabels": {"k8s-app": name}},
            "template": {
                "metadata": {"labels": {"k8s-app": name}},
                "spec": {"containers": [{"name": name, "image": w.image}]},
            },
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 2}},
        },
        "status": {
            "currentNumberScheduled": len(nodes),
            "desiredNumberScheduled": len(nodes),
            "numberAvailable": ready,
            "numberReady": ready,
            "numberUnavailable": len(nodes) - ready,
            "numberMisscheduled": 0,
            "observedGeneration": 1,
            "updatedNumberScheduled": len(nodes),
        },
    }
    return pods, ds


def cilium_events(pods: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for pod in pods:
        if pod["status"]["containerStatuses"][0].get("ready"):
            continue
        out.append(
            event(
                pod,
                "BackOff",
                "Warning",
                f"Back-off restarting failed container cilium in pod {pod['metadata']['name']}_kube-system({pod['metadata']['uid']})",
            )
        )
    return out


def statefulset_objects(spec: dict[str, Any]) -> tuple[list[dict], list[dict], list[dict], list[dict]]:
    """StatefulSet shop/db: db-0 on the lost node (Terminating when stuck), its disk still attached there."""
    pv = "pvc-6f1c2b8e-3d4a-4e5f-9a1b-2c3d4e5f6a7b"
    owner = [
        {
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "name": "db",
            "uid": uid("sts", "shop", "db"),
            "controller": True,
            "blockOwnerDeletion": True,
        }
    ]
    w = Workload("shop", "db", "Pod", "contososhop.azurecr.io/shop/postgres:16.4", "500m", "1", [(LOST, 100)])
    pods, events = [], []
    old = pod_object(w, LOST, 0)
    old["metadata"].update(name="db-0", uid=uid("pod", "shop", "db-0-old"), ownerReferences=owner, labels={"app": "db"})
    old["spec"]["volumes"] = [{"name": "data", "persistentVolumeClaim": {"claimName": "data-db-0"}}]
    if spec.get("stuck"):
        old["metadata"].update(deletionTimestamp=DELETED_AT, deletionGracePeriodSeconds=30)
        old["status"]["conditions"] = [
            {**c, "status": "False"} if c["type"] == "Ready" else c for c in old["status"]["conditions"]
        ]
        pods.append(old)
    else:
        new = copy.deepcopy(old)
        new["metadata"]["uid"] = uid("pod", "shop", "db-0-new")
        new["spec"]["nodeName"] = OTHER
        new["status"] = {
            "phase": "Pending",
            "qosClass": "Burstable",
            "hostIP": "10.224.0.16",
            "startTime": "2026-11-21T09:48:30Z",
            "conditions": [{"type": "PodScheduled", "status": "True", "lastTransitionTime": "2026-11-21T09:48:30Z"}],
            "containerStatuses": [
                {
                    "name": "db",
                    "image": w.image,
                    "imageID": "",
                    "ready": False,
                    "started": False,
                    "restartCount": 0,
                    "state": {"waiting": {"reason": "ContainerCreating"}},
                    "lastState": {},
                }
            ],
        }
        pods.append(new)
        events.append(
            event(
                new,
                "FailedAttachVolume",
                "Warning",
                f'Multi-Attach error for volume "{pv}" Volume is already exclusively attached to one node and can\'t be attached to another',
                "attachdetach-controller",
            )
        )
    pvs = [
        {
            "apiVersion": "v1",
            "kind": "PersistentVolume",
            "metadata": {"name": pv, "uid": uid("pv", pv), "resourceVersion": "4800100", "creationTimestamp": EARLIER},
            "spec": {
                "accessModes": ["ReadWriteOnce"],
                "capacity": {"storage": "64Gi"},
                "claimRef": {"kind": "PersistentVolumeClaim", "namespace": "shop", "name": "data-db-0"},
                "csi": {
                    "driver": "disk.csi.azure.com",
                    "volumeHandle": f"/subscriptions/{SUB}/resourceGroups/{NODE_RG.lower()}/providers/Microsoft.Compute/disks/{pv}",
                },
                "persistentVolumeReclaimPolicy": "Delete",
                "storageClassName": "managed-csi",
            },
            "status": {"phase": "Bound"},
        }
    ]
    attachments = [
        {
            "apiVersion": "storage.k8s.io/v1",
            "kind": "VolumeAttachment",
            "metadata": {
                "name": "csi-" + uid("va", pv).replace("-", "") + uid("va2", pv).replace("-", "")[:32],
                "uid": uid("va", pv),
                "resourceVersion": "4800200",
                "creationTimestamp": EARLIER,
            },
            "spec": {
                "attacher": "disk.csi.azure.com",
                "nodeName": LOST,
                "source": {"persistentVolumeName": pv},
            },
            "status": {"attached": True},
        }
    ]
    return pods, pvs, attachments, events


# ---- Azure recordings --------------------------------------------------------------------------
def azure(shapes: Path, spec: dict[str, Any]) -> list[dict[str, Any]]:
    cluster = cluster_body(shapes, POOLS)
    props = cluster["properties"]
    if spec.get("cilium"):
        props["networkProfile"] = {
            **props.get("networkProfile", {}),
            "networkPlugin": "azure",
            "networkPluginMode": "overlay",
            "networkDataplane": "cilium",
            "networkPolicy": "cilium",
            "podCidr": "10.244.0.0/16",
        }
    for pool in props["agentPoolProfiles"]:
        if pool["name"] == USER_POOL and spec.get("pool_state"):
            pool["provisioningState"] = spec["pool_state"]
    base = f"{ARM}/subscriptions/{SUB}"
    out = [
        rec(f"{base}/providers/Microsoft.ContainerService/managedClusters?api-version={AKS_API}", {"value": [cluster]}),
        rec(
            f"{base}/resourceGroups/{RG}/providers/Microsoft.ContainerService/managedClusters/{CLUSTER}?api-version={AKS_API}",
            cluster,
        ),
    ]
    if spec.get("power"):
        vmss = LOST[: LOST.index("-vmss")] + "-vmss"
        url = (
            f"{base}/resourceGroups/{NODE_RG.lower()}/providers/Microsoft.Compute/virtualMachineScaleSets/{vmss}"
            f"/virtualMachines/1/instanceView?api-version={COMPUTE_API}"
        )
        out.append(rec(url, instance_view(spec["power"], spec.get("cse_exit"))))
    return out


def instance_view(power: str, cse_exit: int | None) -> dict[str, Any]:
    display = {"running": "VM running", "deallocated": "VM deallocated", "stopped": "VM stopped"}[power]
    statuses = [
        {
            "code": "ProvisioningState/succeeded",
            "level": "Info",
            "displayStatus": "Provisioning succeeded",
            "time": "2026-11-20T07:14:58.1852966+00:00",
        },
        {"code": f"PowerState/{power}", "level": "Info", "displayStatus": display},
    ]
    extensions = [
        {
            "name": "vmssCSE",
            "type": "Microsoft.Azure.Extensions.CustomScript",
            "typeHandlerVersion": "2.1.10",
            "statuses": [
                {
                    "code": "ProvisioningState/succeeded",
                    "level": "Info",
                    "displayStatus": "Provisioning succeeded",
                    "message": "Enable succeeded",
                }
            ],
        }
    ]
    if cse_exit is not None:
        text = (
            "Enable failed: failed to execute command: command terminated with exit status="
            f'{cse_exit}\n[stdout]\n{{ "ExitCode": "{cse_exit}", "Output": "Wed Nov 21 09:38:14 UTC 2026,'
            f'{LOST}\\nConnection to mcr.microsoft.com 443 port [tcp/https] failed" }}\n\n[stderr]\n'
        )
        statuses[0] = {
            "code": "ProvisioningState/failed/VMExtensionProvisioningError",
            "level": "Error",
            "displayStatus": "Provisioning failed",
            "message": f"VM has reported a failure when processing extension 'vmssCSE'. Error message: \"{text}\".",
            "time": "2026-11-21T09:38:20.0882815+00:00",
        }
        extensions[0]["statuses"] = [
            {
                "code": "ProvisioningState/failed/1",
                "level": "Error",
                "displayStatus": "Provisioning failed",
                "message": text,
            }
        ]
    return {
        "platformUpdateDomain": 1,
        "platformFaultDomain": 1,
        "computerName": LOST,
        "osName": "ubuntu",
        "osVersion": "22.04",
        "vmAgent": {
            "vmAgentVersion": "2.12.0.2",
            "statuses": [
                {
                    "code": "ProvisioningState/succeeded",
                    "level": "Info",
                    "displayStatus": "Ready",
                    "message": "Guest Agent is running",
                    "time": "2026-11-21T09:38:01+00:00",
                }
            ],
        },
        "disks": [
            {
                "name": f"{LOST}_OsDisk_1_{uid('disk', LOST).replace('-', '')}",
                "statuses": [
                    {
                        "code": "ProvisioningState/succeeded",
                        "level": "Info",
                        "displayStatus": "Provisioning succeeded",
                        "time": "2026-11-20T07:13:58.0882815+00:00",
                    }
                ],
            }
        ],
        "extensions": extensions,
        "statuses": statuses,
    }


if __name__ == "__main__":
    main()

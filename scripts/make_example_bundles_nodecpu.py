"""Write examples/bundles/nodecpu-*: one realistic evidence bundle per nodecpu cause, healthy, and no-Azure.

Kubernetes objects are what `kubectl get nodes,pods,replicasets,hpa -A -o yaml`,
`kubectl get nodes.metrics.k8s.io -o yaml`, `kubectl get pods.metrics.k8s.io -A -o yaml` and
`kubectl get apiservice v1beta1.metrics.k8s.io -o yaml` print (every item carries apiVersion and kind).
Azure bodies start from the public Microsoft examples in ../shared/azure-arm-examples: the managed
cluster from managedClusters_Get.recorded-workloadIdentity.json (its agentPoolProfiles rebuilt with the
autoscaler fields of agentPools_CreateOrUpdate.autoscale-taints.json), compute usages from
usages_List.recorded-westus-first40.json (standardDDSv5Family added in the shape of its
standardDDSv4Family entry). The VM sizes list has no shared example: its entries follow the
VirtualMachineSize schema of the Compute spec (name, numberOfCores, osDiskSizeInMB,
resourceDiskSizeInMB, memoryInMB, maxDataDiskCount) with the published Ddsv5 figures. Run from the
repository root:

    python scripts/make_example_bundles_nodecpu.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

SUB = "3f2b7c1e-8d4a-4b6f-9e2d-7a1c5b8e0f42"
RG = "rg-shop-prod"
CLUSTER = "aks-prod"
LOCATION = "westeurope"
NODE_RG = f"MC_{RG}_{CLUSTER}_{LOCATION}"
ARM = "https://management.azure.com"
COMPUTE_API = "2026-04-01"  # what azure-mgmt-compute 39 sends; replay ignores api-version
AKS_API = "2025-10-01"
NOW = "2026-11-21T09:58:12Z"
EARLIER = "2026-11-20T07:12:40Z"
VM = "Standard_D4ds_v5"
ALLOCATABLE_M = 3860  # a Standard_D4ds_v5 node on AKS: 4 vCPUs, 140m reserved
OVERHEAD_M = 180  # kubelet, containerd and the OS: in NodeMetrics, in no pod
SYS_POOL, USER_POOL = "nodepool1", "userpool"
SYS_NODES = [f"aks-{SYS_POOL}-31718369-vmss00000{i}" for i in range(2)]
USER_NODES = [f"aks-{USER_POOL}-24817365-vmss00000{i}" for i in range(3)]


@dataclass
class Workload:
    """A workload's pods: where they run and how much CPU each uses (millicores)."""

    namespace: str
    name: str
    kind: str  # Deployment, DaemonSet or Pod
    image: str
    cpu_request: str | None
    cpu_limit: str | None
    pods: list[tuple[str, int]]
    memory: str = "256Mi"
    labels: dict[str, str] = field(default_factory=dict)


@dataclass
class Pool:
    """An agent pool as agentPoolProfiles describes it."""

    name: str
    mode: str
    count: int
    autoscale: bool = False
    min_count: int | None = None
    max_count: int | None = None
    taints: list[str] = field(default_factory=list)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", default="../shared")
    parser.add_argument("--out", default="examples/bundles")
    args = parser.parse_args()
    shapes = Path(args.shared) / "azure-arm-examples"
    out = Path(args.out)
    for case, spec in cases().items():
        write(out / case, spec, shapes)
        print(f"wrote {out / case}")


# ---- the cases --------------------------------------------------------------------------------
def system_workloads(nodes: list[str], spread: list[str]) -> list[Workload]:
    """The AKS add-ons: kube-proxy on every node, CoreDNS, metrics-server and konnectivity on system nodes."""
    return [
        Workload(
            "kube-system",
            "kube-proxy",
            "DaemonSet",
            "mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.31.5",
            "100m",
            None,
            [(n, 20) for n in nodes],
            memory="128Mi",
            labels={"component": "kube-proxy"},
        ),
        Workload(
            "kube-system",
            "coredns",
            "Deployment",
            "mcr.microsoft.com/oss/kubernetes/coredns:v1.11.3-2",
            "100m",
            None,
            [(n, 20) for n in spread],
            memory="70Mi",
            labels={"k8s-app": "kube-dns"},
        ),
        Workload(
            "kube-system",
            "metrics-server",
            "Deployment",
            "mcr.microsoft.com/oss/kubernetes/metrics-server:v0.7.2",
            "150m",
            "2",
            [(n, 10) for n in spread],
            memory="100Mi",
            labels={"k8s-app": "metrics-server"},
        ),
        Workload(
            "kube-system",
            "konnectivity-agent",
            "Deployment",
            "mcr.microsoft.com/oss/kubernetes/apiserver-network-proxy/agent:v0.30.3",
            "20m",
            "1",
            [(n, 5) for n in spread],
            memory="20Mi",
            labels={"app": "konnectivity-agent"},
        ),
    ]


def web(cpu_request: str, cpu_limit: str | None, pods: list[tuple[str, int]]) -> Workload:
    return Workload(
        "shop",
        "web",
        "Deployment",
        "contososhop.azurecr.io/shop/web:1.4.2",
        cpu_request,
        cpu_limit,
        pods,
        labels={"app": "web"},
    )


def checkout(cpu_request: str, cpu_limit: str | None, pods: list[tuple[str, int]]) -> Workload:
    return Workload(
        "shop",
        "checkout",
        "Deployment",
        "contososhop.azurecr.io/shop/checkout:2.3.0",
        cpu_request,
        cpu_limit,
        pods,
        labels={"app": "checkout"},
    )


def cases() -> dict[str, dict[str, Any]]:
    u0, u1, u2 = USER_NODES
    standard = [Pool(SYS_POOL, "System", 2, taints=["CriticalAddonsOnly=true:NoSchedule"])]
    busy_web = web(
        "800m",
        "1500m",
        [(u0, 1100), (u0, 1100), (u0, 1100), (u1, 1100), (u1, 1100), (u1, 1090), (u2, 1100), (u2, 1080), (u2, 1080)],
    )
    busy = {"workloads": [busy_web]}
    quota_ok = {"family": (20, 100), "cores": (20, 100)}
    out: dict[str, dict[str, Any]] = {
        "nodecpu-healthy": {
            "workloads": [
                web("500m", "1", [(u0, 1500), (u1, 1100), (u2, 900)]),
                checkout("500m", "1", [(u0, 500), (u1, 400)]),
            ],
            "azure": None,
        },
        "nodecpu-metrics-unavailable": {
            "workloads": [web("500m", "1", [(u0, 1500), (u1, 1100), (u2, 900)])],
            "metrics": False,
            "azure": None,
        },
        "nodecpu-runaway-pod-no-limits": {
            "workloads": [
                Workload(
                    "batch",
                    "report-worker",
                    "Deployment",
                    "contososhop.azurecr.io/batch/report-worker:3.0.1",
                    "250m",
                    None,
                    [(u0, 3100)],
                    memory="512Mi",
                    labels={"app": "report-worker"},
                ),
                web("500m", "1", [(u0, 300), (u1, 900), (u2, 800)]),
            ],
            "azure": {"pools": [*standard, Pool(USER_POOL, "User", 3, True, 2, 3)], "quota": quota_ok},
        },
        "nodecpu-cpu-requests-underestimated": {
            "workloads": [
                web("200m", "1", [(u0, 850), (u0, 850), (u0, 850), (u0, 850), (u1, 850), (u1, 850)]),
                checkout("500m", "1", [(u2, 400), (u2, 400)]),
            ],
            "azure": {"pools": [*standard, Pool(USER_POOL, "User", 3, True, 2, 6)], "quota": quota_ok},
        },
        "nodecpu-hpa-at-max-replicas": {
            "workloads": [
                web("400m", "1", [(n, 660) for n in USER_NODES for _ in range(2)]),
                checkout("700m", "1500m", [(n, 1000) for n in USER_NODES for _ in range(2)]),
            ],
            "hpa": {"name": "web", "min": 2, "max": 6, "target": 80, "current": 165, "value": "660m"},
            "azure": {"pools": [*standard, Pool(USER_POOL, "User", 3, True, 2, 10)], "quota": quota_ok},
        },
        "nodecpu-user-pods-on-system-pool": {
            "nodes": [f"aks-{SYS_POOL}-31718369-vmss00000{i}" for i in range(3)],
            "user_nodes": [],
            "workloads": [
                web(
                    "500m",
                    "1500m",
                    [(f"aks-{SYS_POOL}-31718369-vmss00000{i}", 1200) for i in range(3) for _ in range(2)],
                ),
                checkout("500m", "1", [(f"aks-{SYS_POOL}-31718369-vmss00000{i}", 900) for i in range(3)]),
            ],
            "azure": {"pools": [Pool(SYS_POOL, "System", 3, True, 3, 5)], "quota": quota_ok},
        },
        "nodecpu-autoscaler-disabled": busy
        | {"azure": {"pools": [*standard, Pool(USER_POOL, "User", 3)], "quota": quota_ok}},
        "nodecpu-autoscaler-max-reached": busy
        | {"azure": {"pools": [*standard, Pool(USER_POOL, "User", 3, True, 2, 3)], "quota": quota_ok}},
        "nodecpu-vm-quota-exceeded": busy
        | {
            "azure": {
                "pools": [*standard, Pool(USER_POOL, "User", 3, True, 2, 8)],
                "quota": {"family": (24, 24), "cores": (40, 100)},
            }
        },
        "nodecpu-no-azure-inconclusive": busy | {"azure": None},
    }
    return out


# ---- Kubernetes objects ------------------------------------------------------------------------
def write(folder: Path, spec: dict[str, Any], shapes: Path) -> None:
    for old in folder.iterdir() if folder.is_dir() else []:  # keep the expected verdict (tests/test_examples.py)
        if old.name != "expected.json":
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    kube = folder / "kubernetes"
    kube.mkdir(parents=True)
    system_nodes = spec.get("nodes", SYS_NODES)
    user_nodes = spec.get("user_nodes", USER_NODES)
    nodes = system_nodes + user_nodes
    workloads = system_workloads(nodes, system_nodes) + spec["workloads"]
    pods, replicasets = [], []
    for w in workloads:
        rs = replicaset_object(w) if w.kind == "Deployment" else None
        if rs:
            replicasets.append(rs)
        pods += [pod_object(w, node, i) for i, (node, _usage) in enumerate(w.pods)]
    system_untainted = "nodes" in spec
    node_objs = [
        node_object(n, SYS_POOL, "system", tainted=not system_untainted, index=i) for i, n in enumerate(system_nodes)
    ] + [node_object(n, USER_POOL, "user", tainted=False, index=i) for i, n in enumerate(user_nodes)]
    if not spec.get("metrics", True):
        for pod in pods:
            if dig_labels(pod).get("k8s-app") == "metrics-server":
                crash(pod)
    dump(kube / "nodes.yaml", as_list(node_objs))
    dump(kube / "pods.yaml", as_list(pods))
    dump(kube / "replicasets.yaml", as_list(replicasets))
    hpas = [hpa_object(spec["hpa"])] if spec.get("hpa") else []
    dump(kube / "horizontalpodautoscalers.yaml", as_list(hpas))
    if spec.get("metrics", True):
        dump(kube / "nodemetrics.yaml", as_list([node_metrics(n, workloads) for n in node_objs]))
        dump(
            kube / "podmetrics.yaml",
            as_list([pod_metrics(w, node, i) for w in workloads for i, (node, _u) in enumerate(w.pods)]),
        )
    else:
        dump(kube / "apiservice-metrics.yaml", apiservice_down())
    # tests/test_live_parity.py, test_rbac.py and test_capture.py replay every example with a COMMAND.
    (folder / "COMMAND").write_text("aksdoctor nodecpu\n", encoding="utf-8")
    if spec.get("azure"):
        (folder / "azure").mkdir()
        lines = [json.dumps(r, separators=(",", ":")) for r in azure(shapes, spec["azure"], nodes)]
        (folder / "azure" / "arm.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def as_list(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": items}


def uid(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "aksdoctor-example/" + "/".join(parts)))


def short_hash(text: str, n: int) -> str:
    alphabet = "bcdfghjklmnpqrstvwxz2456789"  # the apimachinery rand.SafeEncodeString alphabet
    digest = hashlib.sha256(text.encode()).digest()
    return "".join(alphabet[b % len(alphabet)] for b in digest[:n])


def pod_name(w: Workload, node: str, i: int) -> str:
    if w.kind == "Deployment":
        return f"{w.name}-{short_hash(w.name, 10)}-{short_hash(f'{w.name}{i}', 5)}"
    if w.kind == "DaemonSet":
        return f"{w.name}-{short_hash(node, 5)}"
    return w.name


def node_object(name: str, pool: str, mode: str, *, tainted: bool, index: int) -> dict[str, Any]:
    vmss = name[: name.index("-vmss")] + "-vmss"
    obj: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "uid": uid("node", name),
            "resourceVersion": "4812733",
            "creationTimestamp": EARLIER,
            "labels": {
                "agentpool": pool,
                "beta.kubernetes.io/arch": "amd64",
                "beta.kubernetes.io/instance-type": VM,
                "beta.kubernetes.io/os": "linux",
                "kubernetes.azure.com/agentpool": pool,
                "kubernetes.azure.com/cluster": NODE_RG,
                "kubernetes.azure.com/mode": mode,
                "kubernetes.azure.com/node-image-version": "AKSUbuntu-2204gen2containerd-202510.19.0",
                "kubernetes.azure.com/role": "agent",
                "kubernetes.io/arch": "amd64",
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "node.kubernetes.io/instance-type": VM,
                "topology.kubernetes.io/region": LOCATION,
                "topology.kubernetes.io/zone": f"{LOCATION}-{index % 3 + 1}",
            },
            "annotations": {
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
        },
        "spec": {
            "podCIDR": f"10.244.{node_number(name)}.0/24",
            "providerID": f"azure:///subscriptions/{SUB}/resourceGroups/{NODE_RG.lower()}/providers/Microsoft.Compute/virtualMachineScaleSets/{vmss}/virtualMachines/{index}",
        },
        "status": {
            "addresses": [{"type": "InternalIP", "address": node_ip(name)}, {"type": "Hostname", "address": name}],
            "allocatable": {
                "cpu": f"{ALLOCATABLE_M}m",
                "ephemeral-storage": "119703055367",
                "hugepages-1Gi": "0",
                "hugepages-2Mi": "0",
                "memory": "12880516Ki",
                "pods": "110",
            },
            "capacity": {
                "cpu": "4",
                "ephemeral-storage": "129886128Ki",
                "hugepages-1Gi": "0",
                "hugepages-2Mi": "0",
                "memory": "16369924Ki",
                "pods": "110",
            },
            "conditions": [
                condition(
                    "MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"
                ),
                condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": uid("boot", name),
                "containerRuntimeVersion": "containerd://1.7.27-1",
                "kernelVersion": "5.15.0-1098-azure",
                "kubeProxyVersion": "v1.31.5",
                "kubeletVersion": "v1.31.5",
                "machineID": short_hash(name, 32),
                "operatingSystem": "linux",
                "osImage": "Ubuntu 22.04.5 LTS",
                "systemUUID": uid("vm", name),
            },
        },
    }
    if tainted:
        obj["spec"]["taints"] = [{"key": "CriticalAddonsOnly", "value": "true", "effect": "NoSchedule"}]
    return obj


def node_number(name: str) -> int:
    """A small stable number per node (pool offset + instance index) for its pod CIDR and IP."""
    return (10 if USER_POOL in name else 0) + int(name[-1])


def node_ip(name: str) -> str:
    return f"10.224.0.{4 + node_number(name)}"


def condition(kind: str, status: str, reason: str, message: str) -> dict[str, str]:
    return {
        "type": kind,
        "status": status,
        "lastHeartbeatTime": NOW,
        "lastTransitionTime": EARLIER,
        "reason": reason,
        "message": message,
    }


def owner_ref(w: Workload) -> list[dict[str, Any]]:
    if w.kind == "Deployment":
        rs = f"{w.name}-{short_hash(w.name, 10)}"
        return [
            {
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "name": rs,
                "uid": uid("rs", w.namespace, rs),
                "controller": True,
                "blockOwnerDeletion": True,
            }
        ]
    if w.kind == "DaemonSet":
        return [
            {
                "apiVersion": "apps/v1",
                "kind": "DaemonSet",
                "name": w.name,
                "uid": uid("ds", w.namespace, w.name),
                "controller": True,
                "blockOwnerDeletion": True,
            }
        ]
    return []


def resources(w: Workload) -> dict[str, Any]:
    requests = {"cpu": w.cpu_request, "memory": w.memory} if w.cpu_request else {"memory": w.memory}
    limits = {"cpu": w.cpu_limit, "memory": w.memory} if w.cpu_limit else {"memory": w.memory}
    return {"requests": requests, "limits": limits}


def qos(w: Workload) -> str:
    return "Guaranteed" if w.cpu_request and w.cpu_limit and w.cpu_request == w.cpu_limit else "Burstable"


def pod_object(w: Workload, node: str, i: int) -> dict[str, Any]:
    name = pod_name(w, node, i)
    labels = dict(w.labels)
    if w.kind == "Deployment":
        labels["pod-template-hash"] = short_hash(w.name, 10)
    tolerations = [
        {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
        {
            "key": "node.kubernetes.io/unreachable",
            "operator": "Exists",
            "effect": "NoExecute",
            "tolerationSeconds": 300,
        },
    ]
    if w.namespace == "kube-system":
        tolerations.insert(0, {"key": "CriticalAddonsOnly", "operator": "Exists"})
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": w.namespace,
            "uid": uid("pod", w.namespace, name),
            "resourceVersion": "4812655",
            "creationTimestamp": EARLIER,
            "labels": labels,
            "ownerReferences": owner_ref(w),
        },
        "spec": {
            "nodeName": node,
            "containers": [
                {
                    "name": w.name,
                    "image": w.image,
                    "imagePullPolicy": "IfNotPresent",
                    "resources": resources(w),
                    "terminationMessagePath": "/dev/termination-log",
                    "terminationMessagePolicy": "File",
                }
            ],
            "dnsPolicy": "ClusterFirst",
            "enableServiceLinks": True,
            "preemptionPolicy": "PreemptLowerPriority",
            "priority": 2000001000 if w.namespace == "kube-system" else 0,
            "restartPolicy": "Always",
            "schedulerName": "default-scheduler",
            "securityContext": {},
            "serviceAccount": "default",
            "serviceAccountName": "default",
            "terminationGracePeriodSeconds": 30,
            "tolerations": tolerations,
        },
        "status": {
            "phase": "Running",
            "qosClass": qos(w),
            "hostIP": node_ip(node),
            "podIP": f"10.244.{node_number(node)}.{sum(name.encode()) % 250 + 2}",
            "startTime": EARLIER,
            "conditions": [
                {"type": t, "status": "True", "lastProbeTime": None, "lastTransitionTime": EARLIER}
                for t in ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")
            ],
            "containerStatuses": [
                {
                    "name": w.name,
                    "image": w.image,
                    "imageID": f"{w.image.split(':')[0]}@sha256:{hashlib.sha256(w.image.encode()).hexdigest()}",
                    "containerID": f"containerd://{hashlib.sha256(name.encode()).hexdigest()}",
                    "ready": True,
                    "started": True,
                    "restartCount": 0,
                    "state": {"running": {"startedAt": EARLIER}},
                    "lastState": {},
                }
            ],
        },
    }


def crash(pod: dict[str, Any]) -> None:
    """metrics-server in CrashLoopBackOff: not Ready, restarting."""
    status = pod["status"]
    status["conditions"] = [
        {
            **c,
            "status": "False",
            "reason": "ContainersNotReady",
            "message": "containers with unready status: [metrics-server]",
        }
        if c["type"] in ("Ready", "ContainersReady")
        else c
        for c in status["conditions"]
    ]
    cs = status["containerStatuses"][0]
    cs.update(
        ready=False,
        started=False,
        restartCount=14,
        state={
            "waiting": {
                "reason": "CrashLoopBackOff",
                "message": f"back-off 5m0s restarting failed container=metrics-server pod={pod['metadata']['name']}_kube-system({pod['metadata']['uid']})",
            }
        },
        lastState={
            "terminated": {
                "exitCode": 1,
                "reason": "Error",
                "startedAt": "2026-11-21T09:51:02Z",
                "finishedAt": "2026-11-21T09:51:33Z",
                "containerID": cs["containerID"],
            }
        },
    )


def dig_labels(obj: dict[str, Any]) -> dict[str, str]:
    return (obj.get("metadata") or {}).get("labels") or {}


def replicaset_object(w: Workload) -> dict[str, Any]:
    template_hash = short_hash(w.name, 10)
    name = f"{w.name}-{template_hash}"
    labels = {**w.labels, "pod-template-hash": template_hash}
    replicas = len(w.pods)
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": name,
            "namespace": w.namespace,
            "uid": uid("rs", w.namespace, name),
            "resourceVersion": "4811020",
            "creationTimestamp": EARLIER,
            "generation": 1,
            "labels": labels,
            "annotations": {
                "deployment.kubernetes.io/desired-replicas": str(replicas),
                "deployment.kubernetes.io/revision": "1",
            },
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "Deployment",
                    "name": w.name,
                    "uid": uid("deploy", w.namespace, w.name),
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "containers": [{"name": w.name, "image": w.image, "resources": resources(w)}],
                    "restartPolicy": "Always",
                },
            },
        },
        "status": {
            "replicas": replicas,
            "readyReplicas": replicas,
            "availableReplicas": replicas,
            "fullyLabeledReplicas": replicas,
            "observedGeneration": 1,
        },
    }


def hpa_object(h: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {
            "name": h["name"],
            "namespace": "shop",
            "uid": uid("hpa", h["name"]),
            "resourceVersion": "4812001",
            "creationTimestamp": EARLIER,
        },
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "minReplicas": h["min"],
            "maxReplicas": h["max"],
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": h["target"]}},
                }
            ],
        },
        "status": {
            "currentReplicas": h["max"],
            "desiredReplicas": h["max"],
            "lastScaleTime": "2026-11-21T09:31:44Z",
            "currentMetrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "current": {"averageUtilization": h["current"], "averageValue": h["value"]},
                    },
                }
            ],
            # the condition texts of pkg/controller/podautoscaler/horizontal.go
            "conditions": [
                {
                    "type": "AbleToScale",
                    "status": "True",
                    "lastTransitionTime": EARLIER,
                    "reason": "ReadyForNewScale",
                    "message": "recommended size matches current size",
                },
                {
                    "type": "ScalingActive",
                    "status": "True",
                    "lastTransitionTime": EARLIER,
                    "reason": "ValidMetricFound",
                    "message": "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)",
                },
                {
                    "type": "ScalingLimited",
                    "status": "True",
                    "lastTransitionTime": "2026-11-21T09:31:44Z",
                    "reason": "TooManyReplicas",
                    "message": "the desired replica count is more than the maximum replica count",
                },
            ],
        },
    }


def node_metrics(node: dict[str, Any], workloads: list[Workload]) -> dict[str, Any]:
    name = node["metadata"]["name"]
    used = OVERHEAD_M + sum(u for w in workloads for n, u in w.pods if n == name)
    return {
        "apiVersion": "metrics.k8s.io/v1beta1",
        "kind": "NodeMetrics",
        "metadata": {"name": name, "creationTimestamp": NOW, "labels": node["metadata"]["labels"]},
        "timestamp": "2026-11-21T09:57:58Z",
        "window": "20.036s",
        "usage": {"cpu": nanocores(used, name), "memory": f"{5800000 + used * 700}Ki"},
    }


def pod_metrics(w: Workload, node: str, i: int) -> dict[str, Any]:
    name = pod_name(w, node, i)
    usage = w.pods[i][1]
    return {
        "apiVersion": "metrics.k8s.io/v1beta1",
        "kind": "PodMetrics",
        "metadata": {"name": name, "namespace": w.namespace, "creationTimestamp": NOW, "labels": {**w.labels}},
        "timestamp": "2026-11-21T09:57:51Z",
        "window": "15.011s",
        "containers": [{"name": w.name, "usage": {"cpu": nanocores(usage, name), "memory": f"{90000 + usage * 60}Ki"}}],
    }


def nanocores(millicores: int, seed: str) -> str:
    """metrics-server's nanocores: the millicores plus a little noise below a millicore."""
    return f"{millicores * 1_000_000 + int(hashlib.sha256(seed.encode()).hexdigest()[:5], 16) % 999_999}n"


def apiservice_down() -> dict[str, Any]:
    """The metrics APIService as the aggregator reports it when metrics-server does not answer."""
    return {
        "apiVersion": "apiregistration.k8s.io/v1",
        "kind": "APIService",
        "metadata": {
            "name": "v1beta1.metrics.k8s.io",
            "uid": uid("apiservice", "metrics"),
            "resourceVersion": "4812702",
            "creationTimestamp": EARLIER,
            "labels": {
                "addonmanager.kubernetes.io/mode": "Reconcile",
                "k8s-app": "metrics-server",
                "kubernetes.io/cluster-service": "true",
            },
        },
        "spec": {
            "group": "metrics.k8s.io",
            "groupPriorityMinimum": 100,
            "insecureSkipTLSVerify": True,
            "service": {"name": "metrics-server", "namespace": "kube-system", "port": 443},
            "version": "v1beta1",
            "versionPriority": 100,
        },
        "status": {
            "conditions": [
                {
                    "type": "Available",
                    "status": "False",
                    "lastTransitionTime": "2026-11-21T09:13:27Z",
                    "reason": "FailedDiscoveryCheck",
                    # kube-aggregator available_controller.go: "failing or missing response from %s: %v"
                    "message": 'failing or missing response from https://10.244.0.12:4443/apis/metrics.k8s.io/v1beta1: Get "https://10.244.0.12:4443/apis/metrics.k8s.io/v1beta1": dial tcp 10.244.0.12:4443: connect: connection refused',
                }
            ]
        },
    }


# ---- Azure recordings --------------------------------------------------------------------------
def azure(shapes: Path, spec: dict[str, Any], nodes: list[str]) -> list[dict[str, Any]]:
    cluster = cluster_body(shapes, spec["pools"])
    base = f"{ARM}/subscriptions/{SUB}"
    location = f"{base}/providers/Microsoft.Compute/locations/{LOCATION}"
    return [
        rec(f"{base}/providers/Microsoft.ContainerService/managedClusters?api-version={AKS_API}", {"value": [cluster]}),
        rec(
            f"{base}/resourceGroups/{RG}/providers/Microsoft.ContainerService/managedClusters/{CLUSTER}?api-version={AKS_API}",
            cluster,
        ),
        rec(f"{location}/usages?api-version={COMPUTE_API}", usages_body(shapes, spec["quota"])),
        rec(f"{location}/vmSizes?api-version={COMPUTE_API}", vm_sizes_body()),
    ]


def cluster_body(shapes: Path, pools: list[Pool]) -> dict[str, Any]:
    body = json.loads(
        (shapes / "Microsoft.ContainerService/managedClusters_Get.recorded-workloadIdentity.json").read_text()
    )
    text = (
        json.dumps(body)
        .replace("00000000-0000-0000-0000-000000000000", SUB)
        .replace("clitest000001", RG)
        .replace("cliakstest000001", CLUSTER)
    )
    body = json.loads(text.replace("westus2", LOCATION))
    props = body["properties"]
    props["nodeResourceGroup"] = NODE_RG
    props.get("linuxProfile", {}).get("ssh", {}).update({"publicKeys": [{"keyData": "ssh-rsa AAAA...redacted"}]})
    template = props["agentPoolProfiles"][0]
    props["agentPoolProfiles"] = [profile(copy.deepcopy(template), p) for p in pools]
    return body


def profile(template: dict[str, Any], pool: Pool) -> dict[str, Any]:
    template.update(name=pool.name, count=pool.count, vmSize=VM, mode=pool.mode, enableAutoScaling=pool.autoscale)
    template.update(
        orchestratorVersion="1.31.5",
        currentOrchestratorVersion="1.31.5",
        nodeImageVersion="AKSUbuntu-2204gen2containerd-202510.19.0",
    )
    if pool.autoscale:
        template.update(minCount=pool.min_count, maxCount=pool.max_count)
    if pool.taints:
        template["nodeTaints"] = list(pool.taints)
    return template


def usages_body(shapes: Path, quota: dict[str, tuple[int, int]]) -> dict[str, Any]:
    body = json.loads((shapes / "Microsoft.Compute/usages_List.recorded-westus-first40.json").read_text())
    items = body["value"]
    cores = next(u for u in items if u["name"]["value"] == "cores")
    cores["currentValue"], cores["limit"] = quota["cores"]
    v4 = next(u for u in items if u["name"]["value"] == "standardDDSv4Family")
    v5 = copy.deepcopy(v4)
    v5["name"] = {"value": "standardDDSv5Family", "localizedValue": "Standard DDSv5 Family vCPUs"}
    v5["currentValue"], v5["limit"] = quota["family"]
    items.insert(items.index(v4) + 1, v5)
    return body


def vm_sizes_body() -> dict[str, Any]:
    def size(name: str, cores: int, memory_mb: int, disk_mb: int, disks: int) -> dict[str, Any]:
        return {
            "name": name,
            "numberOfCores": cores,
            "osDiskSizeInMB": 1047552,
            "resourceDiskSizeInMB": disk_mb,
            "memoryInMB": memory_mb,
            "maxDataDiskCount": disks,
        }

    return {
        "value": [
            size("Standard_D2ds_v5", 2, 8192, 76800, 4),
            size("Standard_D4ds_v5", 4, 16384, 153600, 8),
            size("Standard_D8ds_v5", 8, 32768, 307200, 16),
            size("Standard_D16ds_v5", 16, 65536, 614400, 32),
        ]
    }


def rec(url: str, body: Any, status: int = 200) -> dict[str, Any]:
    return {"method": "GET", "url": url, "status": status, "body": body}


def dump(path: Path, obj: Any) -> None:
    path.write_text(yaml.safe_dump(obj, sort_keys=False, width=200), encoding="utf-8")


if __name__ == "__main__":
    main()

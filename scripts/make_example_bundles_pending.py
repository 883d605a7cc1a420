"""Write examples/bundles/pending-*: one realistic evidence bundle per pending cause, healthy, a stale event, no Azure.

Kubernetes objects are what `kubectl get nodes,pods,replicasets,pvc,pv,storageclass,events -A -o yaml` and
`kubectl get configmap cluster-autoscaler-status -n kube-system -o yaml` print. Message texts are the
real ones: kube-scheduler's FitError ("0/5 nodes are available: ... preemption: ..."), cluster-autoscaler's
TriggeredScaleUp / NotTriggerScaleUp / FailedToScaleUpGroup and its status ConfigMap in the YAML format of
clusterstate/api/types.go, the attach/detach controller's Multi-Attach error, the Secrets Store CSI
driver's mount error (shared/azure-arm-examples/error-messages.md §1.5) and AKS's SubnetIsFull text.
Azure bodies start from the public Microsoft examples in ../shared/azure-arm-examples: the managed
cluster from managedClusters_Get.recorded-workloadIdentity.json (agentPoolProfiles rebuilt with the
autoscaler fields of agentPools_CreateOrUpdate.autoscale-taints.json), compute usages from
usages_List.recorded-westus-first40.json (standardDDSv5Family added in the shape of its standardDDSv4Family
entry); VM sizes follow the VirtualMachineSize schema with the published Ddsv5 figures. Node allocatable
follows AKS's reservations for 1.29+ (learn.microsoft.com/azure/aks/node-resource-reservations): a
Standard_D4ds_v5 node (capacity 16369924Ki) keeps 3860m CPU and 16369924Ki - 2250Mi - 100Mi memory.
Run from the repository root:

    python scripts/make_example_bundles_pending.py [--shared ../shared]
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
COMPUTE_API = "2026-04-01"
AKS_API = "2025-10-01"
NOW = "2026-11-21T09:58:12Z"
RECENT = "2026-11-21T09:51:40Z"
EARLIER = "2026-11-20T07:12:40Z"
VM = "Standard_D4ds_v5"
NS = "shop"
SYS, USER = "nodepool1", "userpool"
SYS_ID, USER_ID, BATCH_ID = "31718369", "24817365", "40925127"
SUBNET_ID = f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.Network/virtualNetworks/vnet-shop-prod/subnets/snet-aks-nodes"
CAPACITY_MEMORY_KI = 16369924
ALLOCATABLE_MEMORY_KI = CAPACITY_MEMORY_KI - (2250 + 100) * 1024
# DaemonSet pods on every AKS node (requests as the add-on manifests set them).
DAEMONSETS = [
    ("kube-proxy", "mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.31.5-hotfix.20250305", "100m", None),
    ("cloud-node-manager", "mcr.microsoft.com/oss/kubernetes/azure-cloud-node-manager:v1.31.4", "50m", "50Mi"),
    ("csi-azuredisk-node", "mcr.microsoft.com/oss/kubernetes-csi/azuredisk-csi:v1.31.5", "30m", "60Mi"),
    ("csi-azurefile-node", "mcr.microsoft.com/oss/kubernetes-csi/azurefile-csi:v1.31.5", "30m", "60Mi"),
]
TARGET = "checkout-6c5f9d7b8-q7k2p"
TARGET_RS = "checkout-6c5f9d7b8"


@dataclass
class NodeSpec:
    """A node: pool, zone, state, the application requests already bound to it."""

    pool: str
    index: int
    zone: int = 1
    ready: bool = True
    cordoned: bool = False
    unreachable: bool = False
    apps: list[tuple[str, str]] = field(default_factory=list)  # (cpu, memory) per application pod
    max_pods: int = 110
    labels: dict[str, str] = field(default_factory=dict)
    taints: list[dict[str, str]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"aks-{self.pool}-{POOL_IDS[self.pool]}-vmss{self.index:06d}"


@dataclass
class PoolSpec:
    """An agent pool as agentPoolProfiles describes it."""

    name: str
    mode: str
    count: int
    autoscale: bool = False
    min_count: int | None = None
    max_count: int | None = None
    taints: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    max_pods: int = 110


POOL_IDS = {SYS: SYS_ID, USER: USER_ID, "batch": BATCH_ID}
CRITICAL = {"key": "CriticalAddonsOnly", "value": "true", "effect": "NoSchedule"}


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
    keyvault_side(out / "pending-volume-mount-keyvault", out / "keyvault-keyvault-public-access-disabled")


def keyvault_side(folder: Path, source: Path) -> None:
    """What the keyvault runbook reads for the Key Vault mount case (its CSI driver, the node's CSINode, the
    driver pods, the ServiceAccount, the SecretProviderClass), adapted from the keyvault example of the same
    cause — so the hand-over reads the same evidence live and from the bundle. Run the keyvault script first."""
    kdir = folder / "kubernetes"
    pods = yaml.safe_load((kdir / "pods.yaml").read_text())["items"]
    node = next(
        p["spec"]["nodeName"]
        for p in pods
        if any((v.get("csi") or {}).get("driver") == "secrets-store.csi.k8s.io" for v in p["spec"].get("volumes") or [])
    )
    shutil.copy(source / "kubernetes" / "csidrivers.yaml", kdir / "csidrivers.yaml")
    for name in ("csinodes.yaml", "pods-kube-system.yaml"):  # the driver, registered on the pod's own node
        doc = yaml.safe_load((source / "kubernetes" / name).read_text())
        for item in doc["items"]:
            if item["kind"] == "CSINode":
                item["metadata"]["name"] = node
            elif item["spec"].get("nodeName"):
                item["spec"]["nodeName"] = node
        (kdir / name).write_text(yaml.safe_dump(doc, sort_keys=False, width=200))
    spc = yaml.safe_load((source / "kubernetes" / "secretproviderclasses.yaml").read_text())
    for item in spc["items"]:
        item["metadata"]["name"] = "checkout-kv"
        params = item["spec"]["parameters"]
        params.pop("clientID", None)
        params |= {"useVMManagedIdentity": "true", "userAssignedIdentityID": "3a7c9e1f-5b2d-4c8e-9f0a-6b4d2e8c1a57"}
    (kdir / "secretproviderclasses.yaml").write_text(yaml.safe_dump(spc, sort_keys=False, width=200))
    sa = {
        "apiVersion": "v1",
        "kind": "List",
        "items": [
            {
                "apiVersion": "v1",
                "kind": "ServiceAccount",
                "metadata": {"name": "default", "namespace": "shop", "uid": "0c4e2a18-9b7d-4f3e-8a6c-5d1f7e9b3a20"},
            }
        ],
    }
    (kdir / "serviceaccounts.yaml").write_text(yaml.safe_dump(sa, sort_keys=False))


# ---- the cases --------------------------------------------------------------------------------
def system_nodes(zones: tuple[int, int] = (1, 2)) -> list[NodeSpec]:
    return [NodeSpec(SYS, i, zone=zones[i], taints=[CRITICAL], apps=[("100m", "70Mi")]) for i in range(2)]


def user_nodes(apps: list[tuple[str, str]], n: int = 3, **kw: Any) -> list[NodeSpec]:
    return [NodeSpec(USER, i, zone=i % 3 + 1, apps=list(apps), **kw) for i in range(n)]


def pools(user: dict[str, Any] | None = None, extra: list[PoolSpec] | None = None) -> list[PoolSpec]:
    return [
        PoolSpec(SYS, "System", 2, taints=["CriticalAddonsOnly=true:NoSchedule"]),
        PoolSpec(USER, "User", **({"count": 3} | (user or {}))),
        *(extra or []),
    ]


FULL_CPU = [("1000m", "2Gi"), ("1000m", "2Gi"), ("1000m", "2Gi")]  # 3 CPU of 3.86 requested by apps
TAINT_AND_CPU = (
    "0/5 nodes are available: 2 node(s) had untolerated taint {CriticalAddonsOnly: true}, 3 Insufficient cpu. "
    "preemption: 0/5 nodes are available: 2 Preemption is not helpful for scheduling, 3 No preemption victims "
    "found for incoming pod."
)


def cases() -> dict[str, dict[str, Any]]:
    return {
        "pending-insufficient-cpu": {
            "nodes": system_nodes() + user_nodes(FULL_CPU),
            "target": {"cpu": "1", "memory": "1Gi", "replicas_pending": 2},
            "message": TAINT_AND_CPU,
        },
        "pending-insufficient-memory": {
            "nodes": system_nodes() + user_nodes([("500m", "4Gi"), ("500m", "4Gi")]),
            "target": {"cpu": "500m", "memory": "6Gi"},
            "message": (
                "0/5 nodes are available: 2 node(s) had untolerated taint {CriticalAddonsOnly: true}, 3 Insufficient "
                "memory. preemption: 0/5 nodes are available: 2 Preemption is not helpful for scheduling, 3 No "
                "preemption victims found for incoming pod."
            ),
        },
        "pending-too-many-pods": {
            "nodes": system_nodes() + user_nodes([("10m", "16Mi")] * 26, n=2, max_pods=30),
            "target": {"cpu": "100m", "memory": "128Mi"},
            "message": (
                "0/4 nodes are available: 2 Too many pods, 2 node(s) had untolerated taint {CriticalAddonsOnly: true}. "
                "preemption: 0/4 nodes are available: 2 No preemption victims found for incoming pod, 2 Preemption is "
                "not helpful for scheduling."
            ),
        },
        "pending-request-exceeds-node-size": {
            "nodes": system_nodes() + user_nodes([("500m", "1Gi")]),
            "target": {"cpu": "6", "memory": "8Gi"},
            "message": TAINT_AND_CPU,
            "pools": pools({"autoscale": True, "min_count": 1, "max_count": 5}),
            "autoscaler": {USER: ("NoActivity", "")},
            "autoscaler_events": [
                (
                    "NotTriggerScaleUp",
                    "pod didn't trigger scale-up: 1 Insufficient cpu, 1 node(s) had untolerated taint {CriticalAddonsOnly: true}",
                )
            ],
            "quota": {"cores": (20, 100), "family": (20, 100)},
        },
        "pending-autoscaler-max-reached": {
            "nodes": system_nodes() + user_nodes(FULL_CPU),
            "target": {"cpu": "1", "memory": "1Gi", "replicas_pending": 2},
            "message": TAINT_AND_CPU,
            "pools": pools({"autoscale": True, "min_count": 1, "max_count": 3}),
            "autoscaler": {USER: ("NoActivity", "")},
            "autoscaler_events": [
                (
                    "NotTriggerScaleUp",
                    "pod didn't trigger scale-up: 1 max node group size reached, 1 node(s) had untolerated taint {CriticalAddonsOnly: true}",
                )
            ],
            "quota": {"cores": (20, 100), "family": (20, 100)},
        },
        "pending-autoscaler-disabled": {
            "nodes": system_nodes() + user_nodes(FULL_CPU),
            "target": {"cpu": "1", "memory": "1Gi"},
            "message": TAINT_AND_CPU,
            "pools": pools(),
            "quota": {"cores": (20, 100), "family": (20, 100)},
        },
        "pending-vm-quota-exceeded": {
            "nodes": system_nodes() + user_nodes(FULL_CPU),
            "target": {"cpu": "1", "memory": "1Gi"},
            "message": TAINT_AND_CPU,
            "pools": pools({"autoscale": True, "min_count": 1, "max_count": 6}),
            "autoscaler": {USER: ("NoActivity", "")},
            "quota": {"cores": (20, 100), "family": (20, 20)},
        },
        "pending-scale-up-in-progress": {
            "nodes": system_nodes() + user_nodes(FULL_CPU),
            "target": {"cpu": "1", "memory": "1Gi"},
            "message": TAINT_AND_CPU,
            "pools": pools({"count": 4, "autoscale": True, "min_count": 1, "max_count": 5}),
            "autoscaler": {USER: ("InProgress", "")},
            "autoscaler_events": [
                ("TriggeredScaleUp", f"pod triggered scale-up: [{{aks-{USER}-{USER_ID}-vmss 3->4 (max: 5)}}]"),
            ],
            "quota": {"cores": (20, 100), "family": (20, 100)},
        },
        "pending-subnet-full": {
            "nodes": system_nodes() + user_nodes(FULL_CPU),
            "target": {"cpu": "1", "memory": "1Gi"},
            "message": TAINT_AND_CPU,
            "pools": pools({"autoscale": True, "min_count": 1, "max_count": 10}),
            "autoscaler": {
                USER: (
                    "Backoff",
                    'Code="SubnetIsFull" Message="Subnet snet-aks-nodes with address prefix 10.224.0.0/24 doesn\'t '
                    'have enough capacity for IP addresses."',
                )
            },
            "autoscaler_events": [
                (
                    "NotTriggerScaleUp",
                    "pod didn't trigger scale-up: 1 in backoff after failed scale-up, 1 node(s) had untolerated taint {CriticalAddonsOnly: true}",
                )
            ],
            "status_events": [
                (
                    "FailedToScaleUpGroup",
                    f'Scale-up failed for group aks-{USER}-{USER_ID}-vmss: Code="SubnetIsFull" Message="Subnet '
                    "snet-aks-nodes with address prefix 10.224.0.0/24 doesn't have enough capacity for IP addresses.\"",
                )
            ],
            "network": "azure",
            "quota": {"cores": (20, 100), "family": (20, 100)},
        },
        "pending-untolerated-taint": {
            "nodes": system_nodes()
            + user_nodes([("500m", "1Gi")])
            + [
                NodeSpec(
                    "batch",
                    0,
                    zone=3,
                    labels={"workload": "batch"},
                    taints=[{"key": "dedicated", "value": "batch", "effect": "NoSchedule"}],
                )
            ],
            "target": {"cpu": "500m", "memory": "512Mi", "selector": {"workload": "batch"}},
            "message": (
                "0/6 nodes are available: 1 node(s) had untolerated taint {dedicated: batch}, 2 node(s) had untolerated "
                "taint {CriticalAddonsOnly: true}, 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/6 "
                "nodes are available: 6 Preemption is not helpful for scheduling."
            ),
            "pools": pools(
                extra=[
                    PoolSpec("batch", "User", 1, taints=["dedicated=batch:NoSchedule"], labels={"workload": "batch"})
                ]
            ),
            "quota": {"cores": (24, 100), "family": (24, 100)},
        },
        "pending-node-selector-mismatch": {
            "nodes": system_nodes() + user_nodes([("500m", "1Gi")]),
            "target": {"cpu": "500m", "memory": "512Mi", "selector": {"disktype": "ssd"}},
            "message": (
                "0/5 nodes are available: 2 node(s) had untolerated taint {CriticalAddonsOnly: true}, 3 node(s) didn't "
                "match Pod's node affinity/selector. preemption: 0/5 nodes are available: 5 Preemption is not helpful "
                "for scheduling."
            ),
        },
        "pending-pod-anti-affinity-unsatisfiable": {
            "nodes": system_nodes() + user_nodes([("500m", "1Gi")]),
            "target": {"cpu": "250m", "memory": "512Mi", "anti_affinity": True},
            "message": (
                "0/5 nodes are available: 2 node(s) had untolerated taint {CriticalAddonsOnly: true}, 3 node(s) didn't "
                "match pod anti-affinity rules. preemption: 0/5 nodes are available: 5 Preemption is not helpful for "
                "scheduling."
            ),
        },
        "pending-nodes-not-ready": {
            "nodes": system_nodes()
            + [
                NodeSpec(USER, 0, zone=1, ready=False, unreachable=True, apps=[("500m", "1Gi")]),
                NodeSpec(USER, 1, zone=2, ready=False, unreachable=True, apps=[("500m", "1Gi")]),
                NodeSpec(USER, 2, zone=3, cordoned=True, apps=[("500m", "1Gi")]),
            ],
            "target": {"cpu": "500m", "memory": "512Mi"},
            "message": (
                "0/5 nodes are available: 1 node(s) were unschedulable, 2 node(s) had untolerated taint "
                "{CriticalAddonsOnly: true}, 2 node(s) had untolerated taint {node.kubernetes.io/unreachable: }. "
                "preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling."
            ),
        },
        "pending-pvc-unbound": {
            "nodes": system_nodes() + user_nodes([("500m", "1Gi")]),
            "target": {"cpu": "500m", "memory": "1Gi", "statefulset": True, "claim": "managed-premium-zrs"},
            "message": (
                "0/5 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/5 nodes are "
                "available: 5 Preemption is not helpful for scheduling."
            ),
        },
        "pending-volume-zone-conflict": {
            "nodes": system_nodes(zones=(2, 3))
            + [NodeSpec(USER, i, zone=z, apps=[("500m", "1Gi")]) for i, z in ((1, 2), (2, 3))],
            "target": {"cpu": "500m", "memory": "1Gi", "statefulset": True, "claim": "managed-csi", "bound_zone": 1},
            "message": (
                "0/4 nodes are available: 2 node(s) had untolerated taint {CriticalAddonsOnly: true}, 2 node(s) had "
                "volume node affinity conflict. preemption: 0/4 nodes are available: 4 Preemption is not helpful for "
                "scheduling."
            ),
        },
        "pending-scheduling-gated": {
            "nodes": system_nodes() + user_nodes([("500m", "1Gi")]),
            "target": {"cpu": "500m", "memory": "512Mi", "gates": ["kueue.x-k8s.io/admission"]},
            "message": None,
        },
        "pending-volume-mount-failed": {
            "nodes": system_nodes() + user_nodes([("500m", "1Gi")]),
            "target": {"cpu": "500m", "memory": "512Mi", "scheduled": 1, "disk": True},
            "message": None,
            "mount": [
                (
                    "FailedAttachVolume",
                    "attachdetach-controller",
                    'Multi-Attach error for volume "pvc-5b2e7c1a-93d4-4f0e-8a61-2c7d9e4b1f30" Volume is already used '
                    "by pod(s) checkout-5d4c8b7f9-w8r2n",
                ),
                (
                    "FailedMount",
                    "kubelet",
                    "Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[data "
                    "kube-api-access-7xk2p]: timed out waiting for the condition",
                ),
            ],
        },
        "pending-volume-mount-keyvault": {
            "nodes": system_nodes() + user_nodes([("500m", "1Gi")]),
            "target": {"cpu": "500m", "memory": "512Mi", "scheduled": 1, "keyvault": True},
            "message": None,
            "mount": [
                (
                    "FailedMount",
                    "kubelet",
                    'MountVolume.SetUp failed for volume "secrets-store01-inline" : rpc error: code = Unknown desc = '
                    f"failed to mount secrets store objects for pod {NS}/{TARGET}, err: rpc error: code = Unknown desc "
                    "= failed to mount objects, error: failed to get objectType:secret, objectName:db-password, "
                    "objectVersion:: keyvault.BaseClient#GetSecret: Failure responding to request: StatusCode=403 -- "
                    'Original Error: autorest/azure: Service returned an error. Status=403 Code="Forbidden" '
                    'Message="Public network access is disabled and request is not from a trusted service nor via an '
                    'approved private link." InnerError={"code":"ForbiddenByConnection"}',
                ),
            ],
        },
        "pending-healthy": {
            "nodes": system_nodes() + user_nodes([("500m", "1Gi")]),
            "target": {"cpu": "500m", "memory": "512Mi", "scheduled": 1, "running": True},
            "message": None,
        },
        # The newest FailedScheduling was written while the user nodes were restarting (node image upgrade):
        # they are Ready now, and what keeps the pod out is CPU. The verdict follows the nodes.
        "pending-stale-event": {
            "nodes": system_nodes() + user_nodes(FULL_CPU),
            "target": {"cpu": "1", "memory": "1Gi"},
            "message": (
                "0/5 nodes are available: 2 node(s) had untolerated taint {CriticalAddonsOnly: true}, 3 node(s) had "
                "untolerated taint {node.kubernetes.io/not-ready: }. preemption: 0/5 nodes are available: 5 Preemption "
                "is not helpful for scheduling."
            ),
            "message_time": "2026-11-21T09:31:47Z",
        },
        # No node could hold the pod even empty, and without Azure the pools' VM sizes are unknown: inconclusive.
        "pending-no-azure-inconclusive": {
            "nodes": system_nodes() + user_nodes([("500m", "1Gi")]),
            "target": {"cpu": "6", "memory": "8Gi"},
            "message": TAINT_AND_CPU,
        },
        # Each user node already runs a checkout replica holding hostPort 8080: a fourth replica has nowhere to go
        # (kube-scheduler's NodePorts filter, "node(s) didn't have free ports for the requested pod ports").
        "pending-host-port-conflict": {
            "nodes": system_nodes() + user_nodes([("500m", "1Gi")]),
            "target": {"cpu": "250m", "memory": "256Mi", "host_port": 8080},
            "message": (
                "0/5 nodes are available: 2 node(s) had untolerated taint {CriticalAddonsOnly: true}, 3 node(s) didn't "
                "have free ports for the requested pod ports. preemption: 0/5 nodes are available: 2 Preemption is not "
                "helpful for scheduling, 3 No preemption victims found for incoming pod."
            ),
        },
    }


# ---- writing ------------------------------------------------------------------------------------
def write(folder: Path, spec: dict[str, Any], shapes: Path) -> None:
    for old in folder.iterdir() if folder.is_dir() else []:  # keep the expected verdict (tests/test_examples.py)
        if old.name != "expected.json":
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    kube = folder / "kubernetes"
    kube.mkdir(parents=True)
    nodes = spec["nodes"]
    pods = [p for n in nodes for p in node_pods(n)]
    target = target_pod(spec)
    siblings = [sibling_pod(spec, i) for i in range(spec["target"].get("replicas_pending", 1) - 1)]
    pods += [target, *siblings]
    if spec["target"].get("anti_affinity"):
        pods += [cache_pod(n, i) for i, n in enumerate(x for x in nodes if x.pool == USER)]
    if spec["target"].get("disk"):
        pods.append(old_disk_pod(nodes))
    if spec["target"].get("host_port"):
        pods += [host_port_holder(spec, n) for n in nodes if n.pool == USER]
    events = target_events(spec, target)
    claims, volumes, classes = storage(spec, events)
    status = autoscaler_status(spec)
    status_events = [event(status, "Warning", r, m, 4, "cluster-autoscaler") for r, m in spec.get("status_events", [])]
    dump(kube / "nodes.yaml", as_list(sorted((node_object(n) for n in nodes), key=lambda o: o["metadata"]["name"])))
    dump(kube / "pods.yaml", as_list(pods))
    dump(kube / "replicasets.yaml", as_list([replicaset(spec)]))
    dump(kube / "events.yaml", as_list(events + status_events))
    dump(kube / "configmaps.yaml", as_list([status] if status else []))
    if claims or spec["target"].get("statefulset"):
        dump(kube / "persistentvolumeclaims.yaml", as_list(claims))
        dump(kube / "persistentvolumes.yaml", as_list(volumes))
        dump(kube / "storageclasses.yaml", as_list(classes))
    (folder / "COMMAND").write_text(f"aksdoctor pending {target['metadata']['name']} -n {NS}\n", encoding="utf-8")
    if spec.get("pools"):
        (folder / "azure").mkdir()
        lines = [json.dumps(r, separators=(",", ":")) for r in azure(shapes, spec)]
        (folder / "azure" / "arm.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def as_list(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": items}


# ---- nodes --------------------------------------------------------------------------------------
def node_object(n: NodeSpec) -> dict[str, Any]:
    name = n.name
    vmss = f"aks-{n.pool}-{POOL_IDS[n.pool]}-vmss"
    zone = f"{LOCATION}-{n.zone}"
    taints = list(n.taints)
    if n.unreachable:
        taints += [
            {"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule", "timeAdded": RECENT},
            {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "timeAdded": RECENT},
        ]
    if n.cordoned:
        taints.append({"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule", "timeAdded": RECENT})
    spec: dict[str, Any] = {
        "podCIDR": f"10.244.{node_number(n)}.0/24",
        "podCIDRs": [f"10.244.{node_number(n)}.0/24"],
        "providerID": f"azure:///subscriptions/{SUB}/resourceGroups/{NODE_RG.lower()}/providers/Microsoft.Compute/virtualMachineScaleSets/{vmss}/virtualMachines/{n.index}",
    }
    if taints:
        spec["taints"] = taints
    if n.cordoned:
        spec["unschedulable"] = True
    ready = (
        condition("Ready", "True", "KubeletReady", "kubelet is posting ready status")
        if n.ready
        else condition("Ready", "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.")
    )
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "uid": uid("node", name),
            "resourceVersion": "4812733",
            "creationTimestamp": EARLIER,
            "labels": {
                "agentpool": n.pool,
                "beta.kubernetes.io/arch": "amd64",
                "beta.kubernetes.io/instance-type": VM,
                "beta.kubernetes.io/os": "linux",
                "failure-domain.beta.kubernetes.io/region": LOCATION,
                "failure-domain.beta.kubernetes.io/zone": zone,
                "kubernetes.azure.com/agentpool": n.pool,
                "kubernetes.azure.com/cluster": NODE_RG,
                "kubernetes.azure.com/mode": "system" if n.pool == SYS else "user",
                "kubernetes.azure.com/node-image-version": "AKSUbuntu-2204gen2containerd-202510.19.0",
                "kubernetes.azure.com/role": "agent",
                "kubernetes.io/arch": "amd64",
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "node.kubernetes.io/instance-type": VM,
                "topology.disk.csi.azure.com/zone": zone,
                "topology.kubernetes.io/region": LOCATION,
                "topology.kubernetes.io/zone": zone,
                **n.labels,
            },
            "annotations": {
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
        },
        "spec": spec,
        "status": {
            "addresses": [{"type": "InternalIP", "address": node_ip(n)}, {"type": "Hostname", "address": name}],
            "allocatable": {
                "cpu": "3860m",
                "ephemeral-storage": "119703055367",
                "hugepages-1Gi": "0",
                "hugepages-2Mi": "0",
                "memory": f"{ALLOCATABLE_MEMORY_KI}Ki",
                "pods": str(n.max_pods),
            },
            "capacity": {
                "cpu": "4",
                "ephemeral-storage": "129886128Ki",
                "hugepages-1Gi": "0",
                "hugepages-2Mi": "0",
                "memory": f"{CAPACITY_MEMORY_KI}Ki",
                "pods": str(n.max_pods),
            },
            "conditions": [
                condition(
                    "MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"
                ),
                condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                ready,
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "images": [],
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


def node_number(n: NodeSpec) -> int:
    return {SYS: 0, USER: 10, "batch": 20}[n.pool] + n.index


def node_ip(n: NodeSpec) -> str:
    return f"10.224.0.{4 + node_number(n)}"


def condition(kind: str, status: str, reason: str, message: str) -> dict[str, str]:
    return {
        "type": kind,
        "status": status,
        "lastHeartbeatTime": NOW,
        "lastTransitionTime": RECENT if kind == "Ready" and status != "True" else EARLIER,
        "reason": reason,
        "message": message,
    }


# ---- pods ---------------------------------------------------------------------------------------
def node_pods(n: NodeSpec) -> list[dict[str, Any]]:
    out = []
    for ds, image, cpu, memory in DAEMONSETS:
        name = f"{ds}-{short_hash(n.name + ds, 5)}"
        owner = {"kind": "DaemonSet", "name": ds, "ns": "kube-system"}
        out.append(
            pod(
                "kube-system",
                name,
                n,
                image,
                {"cpu": cpu, **({"memory": memory} if memory else {})},
                owner,
                {"k8s-app": ds},
            )
        )
    for i, (cpu, memory) in enumerate(n.apps):
        if n.pool == SYS:
            name = f"coredns-7c8b9d6f4-{short_hash(n.name, 5)}"
            owner = {"kind": "ReplicaSet", "name": "coredns-7c8b9d6f4", "ns": "kube-system"}
            image = "mcr.microsoft.com/oss/kubernetes/coredns:v1.11.3-2"
            out.append(
                pod("kube-system", name, n, image, {"cpu": cpu, "memory": memory}, owner, {"k8s-app": "kube-dns"})
            )
            continue
        app = "orders" if i % 2 == 0 else "catalog"
        rs = f"{app}-{short_hash(app, 10)}"
        name = f"{rs}-{short_hash(f'{n.name}{i}', 5)}"
        image = f"contososhop.azurecr.io/shop/{app}:2.3.1"
        out.append(
            pod(
                NS,
                name,
                n,
                image,
                {"cpu": cpu, "memory": memory},
                {"kind": "ReplicaSet", "name": rs, "ns": NS},
                {"app": app},
            )
        )
    return out


def pod(
    ns: str,
    name: str,
    node: NodeSpec | None,
    image: str,
    requests: dict[str, str],
    owner: dict[str, str] | None,
    labels: dict[str, str],
    *,
    running: bool = True,
) -> dict[str, Any]:
    container = name.rsplit("-", 2)[0] if owner and owner["kind"] == "ReplicaSet" else name.rsplit("-", 1)[0]
    obj: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": ns,
            "uid": uid("pod", ns, name),
            "resourceVersion": "4812901",
            "creationTimestamp": EARLIER,
            "labels": labels
            | (
                {"pod-template-hash": owner["name"].rsplit("-", 1)[-1]}
                if owner and owner["kind"] == "ReplicaSet"
                else {}
            ),
            "ownerReferences": [owner_ref(owner)] if owner else [],
        },
        "spec": {
            "containers": [
                {
                    "name": container,
                    "image": image,
                    "imagePullPolicy": "IfNotPresent",
                    "resources": {"requests": requests, "limits": {k: v for k, v in requests.items() if k == "memory"}},
                    "terminationMessagePath": "/dev/termination-log",
                    "terminationMessagePolicy": "File",
                }
            ],
            "dnsPolicy": "ClusterFirst",
            "enableServiceLinks": True,
            "preemptionPolicy": "PreemptLowerPriority",
            "priority": 0,
            "restartPolicy": "Always",
            "schedulerName": "default-scheduler",
            "securityContext": {},
            "serviceAccount": "default",
            "serviceAccountName": "default",
            "terminationGracePeriodSeconds": 30,
            "tolerations": default_tolerations(owner),
        },
    }
    if node is not None:
        obj["spec"]["nodeName"] = node.name
        obj["status"] = running_status(obj, node) if running else {}
    return obj


def default_tolerations(owner: dict[str, str] | None) -> list[dict[str, Any]]:
    if owner and owner["kind"] == "DaemonSet":
        return [{"operator": "Exists"}]
    return [
        {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
        {
            "key": "node.kubernetes.io/unreachable",
            "operator": "Exists",
            "effect": "NoExecute",
            "tolerationSeconds": 300,
        },
    ]


def owner_ref(owner: dict[str, str]) -> dict[str, Any]:
    api = "apps/v1"
    return {
        "apiVersion": api,
        "kind": owner["kind"],
        "name": owner["name"],
        "uid": uid(owner["kind"].lower(), owner["ns"], owner["name"]),
        "controller": True,
        "blockOwnerDeletion": True,
    }


def running_status(obj: dict[str, Any], node: NodeSpec) -> dict[str, Any]:
    c = obj["spec"]["containers"][0]
    name = obj["metadata"]["name"]
    ip = (
        node_ip(node)
        if obj["metadata"]["namespace"] == "kube-system"
        else f"10.244.{node_number(node)}.{10 + int(hashlib.sha256(name.encode()).hexdigest()[:2], 16) % 200}"
    )
    return {
        "phase": "Running",
        "conditions": [
            {"type": t, "status": "True", "lastProbeTime": None, "lastTransitionTime": EARLIER}
            for t in ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")
        ],
        "hostIP": node_ip(node),
        "hostIPs": [{"ip": node_ip(node)}],
        "podIP": ip,
        "podIPs": [{"ip": ip}],
        "qosClass": "Burstable",
        "startTime": EARLIER,
        "containerStatuses": [
            {
                "name": c["name"],
                "image": c["image"],
                "imageID": f"{c['image'].split(':')[0]}@sha256:{short_hash(c['image'], 64)}",
                "containerID": f"containerd://{short_hash(name + 'c', 64)}",
                "ready": True,
                "restartCount": 0,
                "started": True,
                "state": {"running": {"startedAt": EARLIER}},
                "lastState": {},
            }
        ],
    }


def target_pod(spec: dict[str, Any]) -> dict[str, Any]:
    t = spec["target"]
    nodes = spec["nodes"]
    statefulset = t.get("statefulset")
    name = "orders-db-0" if statefulset else TARGET
    owner = (
        {"kind": "StatefulSet", "name": "orders-db", "ns": NS}
        if statefulset
        else {"kind": "ReplicaSet", "name": TARGET_RS, "ns": NS}
    )
    labels = {"app": "orders-db"} if statefulset else {"app": "checkout"}
    image = "contososhop.azurecr.io/shop/postgres:16.4" if statefulset else "contososhop.azurecr.io/shop/checkout:3.2.0"
    requests = {"cpu": t["cpu"], "memory": t["memory"]}
    node = next((n for n in nodes if n.pool == USER and n.index == t["scheduled"]), None) if "scheduled" in t else None
    obj = pod(NS, name, node, image, requests, owner, labels, running=bool(t.get("running")))
    spec_ = obj["spec"]
    if t.get("selector"):
        spec_["nodeSelector"] = dict(t["selector"])
    if t.get("anti_affinity"):
        obj["metadata"]["labels"]["app"] = "cache"
        obj["metadata"]["name"] = name = "cache-7b6d5f8c9-m4t7z"
        obj["metadata"]["uid"] = uid("pod", NS, name)
        obj["metadata"]["ownerReferences"] = [owner_ref({"kind": "ReplicaSet", "name": "cache-7b6d5f8c9", "ns": NS})]
        obj["metadata"]["labels"]["pod-template-hash"] = "7b6d5f8c9"
        spec_["containers"][0]["name"] = "cache"
        spec_["containers"][0]["image"] = "contososhop.azurecr.io/shop/redis:7.4"
        spec_["affinity"] = {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [anti_term()]}}
    if t.get("host_port"):
        port = t["host_port"]
        spec_["containers"][0]["ports"] = [{"containerPort": port, "hostPort": port, "name": "http", "protocol": "TCP"}]
    if t.get("gates"):
        spec_["schedulingGates"] = [{"name": g} for g in t["gates"]]
    if statefulset or t.get("disk"):
        claim = "data-orders-db-0" if statefulset else "checkout-data"
        spec_["volumes"] = [{"name": "data", "persistentVolumeClaim": {"claimName": claim}}]
        spec_["containers"][0]["volumeMounts"] = [{"name": "data", "mountPath": "/var/lib/data"}]
        if statefulset:
            spec_["hostname"] = name
            spec_["subdomain"] = "orders-db"
    if t.get("keyvault"):
        spec_["volumes"] = [
            {
                "name": "secrets-store01-inline",
                "csi": {
                    "driver": "secrets-store.csi.k8s.io",
                    "readOnly": True,
                    "volumeAttributes": {"secretProviderClass": "checkout-kv"},
                },
            }
        ]
        spec_["containers"][0]["volumeMounts"] = [
            {"name": "secrets-store01-inline", "mountPath": "/mnt/secrets", "readOnly": True}
        ]
        spec_["serviceAccountName"] = spec_["serviceAccount"] = "checkout"
    if t.get("running"):
        return obj
    obj["status"] = pending_status(obj, spec, node)
    return obj


def anti_term() -> dict[str, Any]:
    return {"labelSelector": {"matchLabels": {"app": "cache"}}, "topologyKey": "kubernetes.io/hostname"}


def pending_status(obj: dict[str, Any], spec: dict[str, Any], node: NodeSpec | None) -> dict[str, Any]:
    if node is not None:  # scheduled, waiting in ContainerCreating
        c = obj["spec"]["containers"][0]
        return {
            "phase": "Pending",
            "conditions": [
                {
                    "type": "PodReadyToStartContainers",
                    "status": "False",
                    "lastProbeTime": None,
                    "lastTransitionTime": RECENT,
                },
                {"type": "Initialized", "status": "True", "lastProbeTime": None, "lastTransitionTime": RECENT},
                {
                    "type": "Ready",
                    "status": "False",
                    "lastProbeTime": None,
                    "lastTransitionTime": RECENT,
                    "reason": "ContainersNotReady",
                    "message": f"containers with unready status: [{c['name']}]",
                },
                {
                    "type": "ContainersReady",
                    "status": "False",
                    "lastProbeTime": None,
                    "lastTransitionTime": RECENT,
                    "reason": "ContainersNotReady",
                    "message": f"containers with unready status: [{c['name']}]",
                },
                {"type": "PodScheduled", "status": "True", "lastProbeTime": None, "lastTransitionTime": RECENT},
            ],
            "hostIP": node_ip(node),
            "hostIPs": [{"ip": node_ip(node)}],
            "qosClass": "Burstable",
            "startTime": RECENT,
            "containerStatuses": [
                {
                    "name": c["name"],
                    "image": c["image"],
                    "imageID": "",
                    "ready": False,
                    "restartCount": 0,
                    "started": False,
                    "state": {"waiting": {"reason": "ContainerCreating"}},
                    "lastState": {},
                }
            ],
        }
    gates = spec["target"].get("gates")
    message = "Scheduling is blocked due to non-empty scheduling gates" if gates else spec["message"]
    return {
        "phase": "Pending",
        "conditions": [
            {
                "type": "PodScheduled",
                "status": "False",
                "lastProbeTime": None,
                "lastTransitionTime": RECENT,
                "reason": "SchedulingGated" if gates else "Unschedulable",
                "message": message,
            }
        ],
        "qosClass": "Burstable",
    }


def sibling_pod(spec: dict[str, Any], i: int) -> dict[str, Any]:
    obj = copy.deepcopy(target_pod(spec))
    name = f"{TARGET_RS}-{short_hash(f'sibling{i}', 5)}"
    obj["metadata"]["name"] = name
    obj["metadata"]["uid"] = uid("pod", NS, name)
    return obj


def cache_pod(n: NodeSpec, i: int) -> dict[str, Any]:
    name = f"cache-7b6d5f8c9-{short_hash(f'cache{i}', 5)}"
    obj = pod(
        NS,
        name,
        n,
        "contososhop.azurecr.io/shop/redis:7.4",
        {"cpu": "250m", "memory": "512Mi"},
        {"kind": "ReplicaSet", "name": "cache-7b6d5f8c9", "ns": NS},
        {"app": "cache"},
    )
    obj["spec"]["affinity"] = {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [anti_term()]}}
    return obj


def host_port_holder(spec: dict[str, Any], n: NodeSpec) -> dict[str, Any]:
    """A running replica of the target's ReplicaSet on node n, holding the same hostPort."""
    obj = copy.deepcopy(target_pod(spec))
    name = f"{TARGET_RS}-{short_hash(f'holder{n.name}', 5)}"
    obj["metadata"]["name"] = name
    obj["metadata"]["uid"] = uid("pod", NS, name)
    obj["spec"]["nodeName"] = n.name
    obj["status"] = running_status(obj, n)
    return obj


def old_disk_pod(nodes: list[NodeSpec]) -> dict[str, Any]:
    """The previous revision's pod, still running on another node with the ReadWriteOnce disk attached."""
    node = next(n for n in nodes if n.pool == USER and n.index == 0)
    obj = pod(
        NS,
        "checkout-5d4c8b7f9-w8r2n",
        node,
        "contososhop.azurecr.io/shop/checkout:3.1.4",
        {"cpu": "500m", "memory": "512Mi"},
        {"kind": "ReplicaSet", "name": "checkout-5d4c8b7f9", "ns": NS},
        {"app": "checkout"},
    )
    obj["spec"]["volumes"] = [{"name": "data", "persistentVolumeClaim": {"claimName": "checkout-data"}}]
    obj["spec"]["containers"][0]["volumeMounts"] = [{"name": "data", "mountPath": "/var/lib/data"}]
    return obj


def replicaset(spec: dict[str, Any]) -> dict[str, Any]:
    t = spec["target"]
    name, app = ("cache-7b6d5f8c9", "cache") if t.get("anti_affinity") else (TARGET_RS, "checkout")
    replicas = 4 if t.get("anti_affinity") or t.get("host_port") else 3
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": name,
            "namespace": NS,
            "uid": uid("replicaset", NS, name),
            "labels": {"app": app, "pod-template-hash": name.rsplit("-", 1)[-1]},
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "Deployment",
                    "name": app,
                    "uid": uid("deployment", NS, app),
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": app, "pod-template-hash": name.rsplit("-", 1)[-1]}},
        },
        "status": {
            "replicas": replicas,
            "readyReplicas": replicas - t.get("replicas_pending", 1),
            "observedGeneration": 1,
        },
    }


# ---- events -------------------------------------------------------------------------------------
_COUNTER = iter(range(1, 10_000))


def event(
    obj: dict[str, Any], kind: str, reason: str, message: str, count: int, component: str, *, when: str = NOW
) -> dict[str, Any]:
    meta = obj["metadata"]
    n = next(_COUNTER)
    name = f"{meta['name']}.187a{n:012x}"
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {
            "name": name,
            "namespace": meta.get("namespace") or "default",
            "uid": uid("event", name),
            "resourceVersion": str(4813000 + n),
            "creationTimestamp": RECENT,
        },
        "involvedObject": {
            "apiVersion": obj["apiVersion"],
            "kind": obj["kind"],
            "name": meta["name"],
            "namespace": meta.get("namespace"),
            "uid": meta["uid"],
            "resourceVersion": meta.get("resourceVersion", "4812901"),
        },
        "reason": reason,
        "message": message,
        "type": kind,
        "count": count,
        "firstTimestamp": RECENT,
        "lastTimestamp": when,
        "source": {"component": component},
        "reportingComponent": component,
        "reportingInstance": "",
    }


def target_events(spec: dict[str, Any], target: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    if spec.get("message"):
        when = spec.get("message_time", "2026-11-21T09:57:02Z")
        out.append(event(target, "Warning", "FailedScheduling", spec["message"], 9, "default-scheduler", when=when))
    for reason, message in spec.get("autoscaler_events", []):
        out.append(event(target, "Normal", reason, message, 5, "cluster-autoscaler", when=NOW))
    for reason, component, message in spec.get("mount", []):
        out.append(event(target, "Warning", reason, message, 7, component, when=NOW))
    if spec["target"].get("running"):
        out.append(
            event(
                target,
                "Normal",
                "Scheduled",
                f"Successfully assigned {NS}/{target['metadata']['name']} to {target['spec']['nodeName']}",
                1,
                "default-scheduler",
                when=EARLIER,
            )
        )
    return out


# ---- storage ------------------------------------------------------------------------------------
def storage(
    spec: dict[str, Any], events: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    t = spec["target"]
    if not (t.get("statefulset") or t.get("disk")):
        return [], [], []
    classes = [
        storage_class("default", "Premium_LRS", default=False),
        storage_class("managed-csi", "StandardSSD_LRS", default=True),
        storage_class("managed-csi-premium", "Premium_LRS"),
        storage_class("managed-csi-premium-zrs", "Premium_ZRS"),
    ]
    name = "data-orders-db-0" if t.get("statefulset") else "checkout-data"
    class_name = t.get("claim", "managed-csi-premium-zrs")
    bound = t.get("disk") or t.get("bound_zone")
    pv_name = "pvc-5b2e7c1a-93d4-4f0e-8a61-2c7d9e4b1f30"
    claim = {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {
            "name": name,
            "namespace": NS,
            "uid": uid("pvc", NS, name),
            "resourceVersion": "4812950",
            "creationTimestamp": RECENT if not bound else EARLIER,
            "labels": {"app": "orders-db"} if t.get("statefulset") else {"app": "checkout"},
            "finalizers": ["kubernetes.io/pvc-protection"],
        },
        "spec": {
            "accessModes": ["ReadWriteOnce"],
            "resources": {"requests": {"storage": "64Gi"}},
            "storageClassName": class_name,
            "volumeMode": "Filesystem",
        },
        "status": {"phase": "Pending"},
    }
    volumes = []
    if bound:
        zone = f"{LOCATION}-{t.get('bound_zone', 1)}"
        claim["spec"]["volumeName"] = pv_name
        claim["metadata"]["annotations"] = {
            "pv.kubernetes.io/bind-completed": "yes",
            "pv.kubernetes.io/bound-by-controller": "yes",
            "volume.kubernetes.io/storage-provisioner": "disk.csi.azure.com",
        }
        claim["status"] = {"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "64Gi"}}
        volumes.append(zonal(persistent_volume(pv_name, claim), zone if t.get("bound_zone") else ""))
    else:
        events.append(
            event(
                claim,
                "Warning",
                "ProvisioningFailed",
                f'storageclass.storage.k8s.io "{class_name}" not found',
                24,
                "persistentvolume-controller",
            )
        )
    return [claim], volumes, classes


def storage_class(name: str, sku: str, *, default: bool = False) -> dict[str, Any]:
    annotations = {"storageclass.kubernetes.io/is-default-class": "true"} if default else {}
    return {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": {
            "name": name,
            "uid": uid("sc", name),
            "resourceVersion": "310",
            "creationTimestamp": EARLIER,
            "annotations": annotations,
            "labels": {"addonmanager.kubernetes.io/mode": "EnsureExists", "kubernetes.io/cluster-service": "true"},
        },
        "provisioner": "disk.csi.azure.com",
        "parameters": {"skuname": sku},
        "reclaimPolicy": "Delete",
        "volumeBindingMode": "WaitForFirstConsumer",
        "allowVolumeExpansion": True,
    }


SKUS = {"managed-csi": "StandardSSD_LRS", "managed-csi-premium-zrs": "Premium_ZRS"}


def persistent_volume(name: str, claim: dict[str, Any]) -> dict[str, Any]:
    handle = f"/subscriptions/{SUB}/resourceGroups/{NODE_RG.lower()}/providers/Microsoft.Compute/disks/{name}"
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {
            "name": name,
            "uid": uid("pv", name),
            "resourceVersion": "4812960",
            "creationTimestamp": EARLIER,
            "annotations": {
                "pv.kubernetes.io/provisioned-by": "disk.csi.azure.com",
                "volume.kubernetes.io/provisioner-deletion-secret-name": "",
                "volume.kubernetes.io/provisioner-deletion-secret-namespace": "",
            },
            "finalizers": ["external-provisioner.volume.kubernetes.io/finalizer", "kubernetes.io/pv-protection"],
        },
        "spec": {
            "accessModes": ["ReadWriteOnce"],
            "capacity": {"storage": "64Gi"},
            "claimRef": {
                "apiVersion": "v1",
                "kind": "PersistentVolumeClaim",
                "name": claim["metadata"]["name"],
                "namespace": NS,
                "uid": claim["metadata"]["uid"],
                "resourceVersion": "4812940",
            },
            "csi": {
                "driver": "disk.csi.azure.com",
                "volumeHandle": handle,
                "fsType": "ext4",
                "volumeAttributes": {
                    "csi.storage.k8s.io/pv/name": name,
                    "csi.storage.k8s.io/pvc/name": claim["metadata"]["name"],
                    "csi.storage.k8s.io/pvc/namespace": NS,
                    "requestedsizegib": "64",
                    "skuname": SKUS.get(claim["spec"]["storageClassName"], "Premium_LRS"),
                    "storage.kubernetes.io/csiProvisionerIdentity": "1763622733187-9547-disk.csi.azure.com",
                },
            },
            "persistentVolumeReclaimPolicy": "Delete",
            "storageClassName": claim["spec"]["storageClassName"],
            "volumeMode": "Filesystem",
        },
        "status": {"phase": "Bound", "lastPhaseTransitionTime": EARLIER},
    }


def zonal(volume: dict[str, Any], zone: str) -> dict[str, Any]:
    """A locally redundant disk lives in one zone: the CSI driver pins the volume to it (ZRS disks are not pinned)."""
    if zone:
        terms = [
            {"matchExpressions": [{"key": "topology.disk.csi.azure.com/zone", "operator": "In", "values": [zone]}]}
        ]
        volume["spec"]["nodeAffinity"] = {"required": {"nodeSelectorTerms": terms}}
    return volume


# ---- the autoscaler's status ConfigMap -------------------------------------------------------------
def autoscaler_status(spec: dict[str, Any]) -> dict[str, Any] | None:
    groups = spec.get("autoscaler")
    if not groups:
        return None
    pools = {p.name: p for p in spec["pools"]}
    nodes = spec["nodes"]
    entries = []
    for name, (scale_up, backoff) in groups.items():
        p = pools[name]
        ready = len([n for n in nodes if n.pool == name and n.ready])
        total = len([n for n in nodes if n.pool == name])
        scale: dict[str, Any] = {"status": scale_up, "lastProbeTime": NOW, "lastTransitionTime": RECENT}
        if backoff:
            scale["backoffInfo"] = {"errorCode": "cloudProviderError", "errorMessage": backoff}
        entries.append(
            {
                "name": f"aks-{name}-{POOL_IDS[name]}-vmss",
                "health": {
                    "status": "Healthy",
                    "nodeCounts": {
                        "registered": {"total": total, "ready": ready, "notStarted": 0},
                        "longUnregistered": 0,
                        "unregistered": 0,
                    },
                    "cloudProviderTarget": p.count,
                    "minSize": p.min_count,
                    "maxSize": p.max_count,
                    "lastProbeTime": NOW,
                    "lastTransitionTime": EARLIER,
                },
                "scaleUp": scale,
                "scaleDown": {"status": "NoCandidates", "lastProbeTime": NOW, "lastTransitionTime": EARLIER},
            }
        )
    in_progress = any(s == "InProgress" for s, _ in groups.values())
    status = {
        "time": "2026-11-21 09:58:04.112618903 +0000 UTC",
        "autoscalerStatus": "Running",
        "clusterWide": {
            "health": {
                "status": "Healthy",
                "nodeCounts": {
                    "registered": {"total": len(nodes), "ready": len([n for n in nodes if n.ready]), "notStarted": 0},
                    "longUnregistered": 0,
                    "unregistered": 0,
                },
                "lastProbeTime": NOW,
                "lastTransitionTime": EARLIER,
            },
            "scaleUp": {
                "status": "InProgress" if in_progress else "NoActivity",
                "lastProbeTime": NOW,
                "lastTransitionTime": RECENT,
            },
            "scaleDown": {"status": "NoCandidates", "lastProbeTime": NOW, "lastTransitionTime": EARLIER},
        },
        "nodeGroups": entries,
    }
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": "cluster-autoscaler-status",
            "namespace": "kube-system",
            "uid": uid("cm", "cluster-autoscaler-status"),
            "resourceVersion": "4813377",
            "creationTimestamp": EARLIER,
            "annotations": {"cluster-autoscaler.kubernetes.io/last-updated": "2026-11-21 09:58:04.112618903 +0000 UTC"},
        },
        "data": {"status": yaml.safe_dump(status, sort_keys=False)},
    }


# ---- Azure recordings --------------------------------------------------------------------------
def azure(shapes: Path, spec: dict[str, Any]) -> list[dict[str, Any]]:
    cluster = cluster_body(shapes, spec)
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


def cluster_body(shapes: Path, spec: dict[str, Any]) -> dict[str, Any]:
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
    props["kubernetesVersion"] = props["currentKubernetesVersion"] = "1.31.5"
    props.get("linuxProfile", {}).get("ssh", {}).update({"publicKeys": [{"keyData": "ssh-rsa AAAA...redacted"}]})
    if spec.get("network") == "azure":
        props["networkProfile"]["networkPlugin"] = "azure"
        props["networkProfile"].pop("podCidr", None)
        props["networkProfile"].pop("podCidrs", None)
    template = props["agentPoolProfiles"][0]
    props["agentPoolProfiles"] = [profile(copy.deepcopy(template), p, spec) for p in spec["pools"]]
    return body


def profile(template: dict[str, Any], pool: PoolSpec, spec: dict[str, Any]) -> dict[str, Any]:
    template.update(
        name=pool.name,
        count=pool.count,
        vmSize=VM,
        mode=pool.mode,
        enableAutoScaling=pool.autoscale,
        maxPods=pool.max_pods,
    )
    template.update(
        orchestratorVersion="1.31.5",
        currentOrchestratorVersion="1.31.5",
        nodeImageVersion="AKSUbuntu-2204gen2containerd-202510.19.0",
    )
    template.update(availabilityZones=["1", "2", "3"])
    if pool.autoscale:
        template.update(minCount=pool.min_count, maxCount=pool.max_count)
    if pool.taints:
        template["nodeTaints"] = list(pool.taints)
    if pool.labels:
        template["nodeLabels"] = dict(pool.labels)
    if spec.get("network") == "azure":
        template["vnetSubnetID"] = SUBNET_ID
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
            size("Standard_E8ds_v5", 8, 65536, 307200, 16),
        ]
    }


def rec(url: str, body: Any, status: int = 200) -> dict[str, Any]:
    return {"method": "GET", "url": url, "status": status, "body": body}


# ---- helpers ------------------------------------------------------------------------------------
def uid(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "aksdoctor-pending/" + "/".join(parts)))


def short_hash(text: str, n: int) -> str:
    digest = hashlib.sha256(text.encode()).hexdigest()
    return (
        "".join(
            c if c.isdigit() or c in "bcdfghjklmnpqrstvwxz" else "bcdfghjklmnpqrstvwxz"[int(c, 16) % 20] for c in digest
        )[:n]
        if n <= 5
        else digest[:n]
    )


def dump(path: Path, obj: Any) -> None:
    path.write_text(yaml.safe_dump(obj, sort_keys=False, width=200), encoding="utf-8")


if __name__ == "__main__":
    main()

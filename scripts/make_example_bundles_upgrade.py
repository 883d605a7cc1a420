"""Write examples/bundles/upgrade-*: one evidence bundle per upgrade cause, healthy, and no-Azure.

Kubernetes objects are what `kubectl get nodes,pods,replicasets,deployments,statefulsets,pdb,events -A -o yaml`
prints; PodDisruptionBudget status is computed the way the disruption controller computes it
(expectedPods, currentHealthy, desiredHealthy, disruptionsAllowed). Azure bodies start from the public
Microsoft examples in ../shared/azure-arm-examples: the managed cluster from
managedClusters_Get.recorded-workloadIdentity.json (agentPoolProfiles rebuilt with upgradeSettings,
provisioningState and status.provisioningError as agentPools_Get.json carries them), the subnet from
subnets_Get.json (ipConfigurations references added, as a subnet GET lists them), compute usages from
usages_List.recorded-westus-first40.json (standardDDSv5Family added in the shape of its
standardDDSv4Family entry). The module's `write()` is reused by scripts/make_realworld_upgrade.py. Run from
the repository root:

    python scripts/make_example_bundles_upgrade.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import math
import shutil
import uuid
from pathlib import Path
from typing import Any

import yaml

SUB = "3f2b7c1e-8d4a-4b6f-9e2d-7a1c5b8e0f42"
ARM = "https://management.azure.com"
AKS_API = "2025-10-01"
COMPUTE_API = "2026-04-01"
NETWORK_API = "2025-05-01"
NOW = "2026-11-21T09:58:12Z"
EARLIER = "2026-11-20T07:12:40Z"
VM = "Standard_D4ds_v5"


def world(**over: Any) -> dict[str, Any]:
    """The shop cluster: a System pool of 2 and a User pool of 3 on Azure CNI, every PDB healthy."""
    base: dict[str, Any] = {
        "sub": SUB,
        "rg": "rg-shop-prod",
        "cluster": "aks-prod",
        "location": "westeurope",
        "state": "Succeeded",
        "version": ("1.31.5", "1.31.5"),
        "cluster_error": None,
        "network": {"networkPlugin": "azure", "networkPolicy": "azure"},
        "pools": [
            pool("nodepool1", "System", 2, "31718369"),
            pool("userpool", "User", 3, "24817365", max_surge="33%"),
        ],
        "subnet": {"vnet": "vnet-shop-prod", "name": "snet-aks", "prefix": "10.224.0.0/24", "extra": 12},
        "quota": {"family": (20, 48), "cores": (20, 100)},
        "workloads": [
            wl("kube-system", "coredns", replicas=2, pool="nodepool1", labels={"k8s-app": "kube-dns"}),
            wl("kube-system", "kube-proxy", kind="DaemonSet", labels={"component": "kube-proxy"}),
            wl("shop", "web", replicas=3, pool="userpool", labels={"app": "web"}),
        ],
        "pdbs": [
            pdb("kube-system", "coredns-pdb", {"k8s-app": "kube-dns"}, min_available=1),
            pdb("shop", "web", {"app": "web"}, max_unavailable=1),
        ],
        "cordoned": [],
        "node_events": [],
        "extra_nodes": [],
        "azure": True,
        "command": "aksdoctor upgrade",
    }
    base.update(over)
    return base


def pool(
    name: str,
    mode: str,
    count: int,
    hash_: str,
    *,
    vm: str = VM,
    max_pods: int = 30,
    max_surge: str | None = None,
    state: str = "Succeeded",
    version: tuple[str, str] = ("1.31.5", "1.31.5"),
    error: dict[str, Any] | None = None,
    cores: int = 4,
    node_names: list[str] | None = None,
) -> dict[str, Any]:
    """An agent pool: current and target orchestrator versions, upgradeSettings, state and error."""
    return {
        "name": name,
        "mode": mode,
        "count": count,
        "hash": hash_,
        "vm": vm,
        "max_pods": max_pods,
        "max_surge": max_surge,
        "state": state,
        "version": version,
        "error": error,
        "cores": cores,
        "node_names": node_names,
    }


def wl(
    ns: str,
    name: str,
    *,
    kind: str = "Deployment",
    replicas: int = 1,
    pool: str = "",
    labels: dict[str, str] | None = None,
    unready: int = 0,
    empty_dir: bool = False,
    nodes: list[int] | None = None,
    owner: dict[str, str] | None = None,
    image: str = "",
    pod_names: list[str] | None = None,
) -> dict[str, Any]:
    """A workload: its pods are spread over the pool's nodes (or the listed node indexes)."""
    return {
        "ns": ns,
        "name": name,
        "kind": kind,
        "replicas": replicas,
        "pool": pool,
        "labels": labels or {"app": name},
        "unready": unready,
        "empty_dir": empty_dir,
        "nodes": nodes,
        "owner": owner,
        "image": image or f"acrshopprod.azurecr.io/{name}:1.4.2",
        "pod_names": pod_names,
    }


def pdb(
    ns: str,
    name: str,
    selector: dict[str, str],
    *,
    min_available: Any = None,
    max_unavailable: Any = None,
    owner: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A PodDisruptionBudget spec (owner: the operator resource that manages it)."""
    return {"ns": ns, "name": name, "selector": selector, "min": min_available, "max": max_unavailable, "owner": owner}


# ---- the cases --------------------------------------------------------------------------------
def cases() -> dict[str, dict[str, Any]]:
    base = world()
    user = base["pools"][1]
    failed_cse = {
        "code": "VMExtensionProvisioningError",
        "message": "Unable to establish outbound connection from agents, please see https://learn.microsoft.com/"
        "troubleshoot/azure/azure-kubernetes/error-code-outboundconnfailvmextensionerror. Details: VM has "
        "reported a failure when processing extension 'vmssCSE' (publisher 'Microsoft.Azure.Extensions' and "
        "type 'CustomScript'). Error message: 'Enable failed: failed to execute command: command terminated "
        "with exit status=50'.",
    }
    deprecated = {
        "code": "ValidationError",
        "subcode": "UpgradeBlockedOnDeprecatedAPIUsage",
        "message": "Control Plane upgrade is blocked due to recent usage of a Kubernetes API deprecated in the "
        "specified version. Please refer to https://kubernetes.io/docs/reference/using-api/deprecation-guide to "
        "migrate the usage. To bypass this error, set enable-force-upgrade in upgradeSettings.overrideSettings. "
        "Bypassing this error without migrating usage will result in the deprecated Kubernetes API calls "
        "failing. Usage details: 1 error occurred:\n\t* usage has been detected on API "
        "flowcontrol.apiserver.k8s.io.prioritylevelconfigurations.v1beta3, and was recently seen at: "
        "2026-11-21 08:57:18 +0000 UTC, which will be removed in 1.32\n\n",
    }
    upgrading = [
        pool("nodepool1", "System", 2, "31718369", version=("1.32.3", "1.32.3")),
        pool("userpool", "User", 3, "24817365", max_surge="33%", state="Upgrading", version=("1.31.5", "1.32.3")),
    ]
    drain_event = (
        "aks-userpool-24817365-vmss000000",
        "Drain",
        "Eviction blocked by Too many Requests (usually a pdb): {pod_on_node}",
    )
    return {
        "upgrade-healthy": base,
        "upgrade-no-azure-inconclusive": world(azure=False),
        "upgrade-pdb-max-unavailable-zero": world(
            pools=upgrading,
            version=("1.32.3", "1.32.3"),
            state="Upgrading",
            workloads=[
                *base["workloads"],
                wl(
                    "consul",
                    "consul-connect-injector",
                    replicas=2,
                    pool="userpool",
                    nodes=[0, 1],
                    labels={"app": "consul", "component": "connect-injector"},
                ),
            ],
            pdbs=[
                *base["pdbs"],
                pdb(
                    "consul",
                    "consul-connect-injector",
                    {"app": "consul", "component": "connect-injector"},
                    max_unavailable=0,
                ),
            ],
            cordoned=["aks-userpool-24817365-vmss000000"],
            extra_nodes=[("userpool", 3)],
            node_events=[drain_event],
        ),
        "upgrade-pdb-min-available-equals-replicas": world(
            workloads=[*base["workloads"], wl("shop", "checkout", replicas=3, pool="userpool")],
            pdbs=[*base["pdbs"], pdb("shop", "checkout", {"app": "checkout"}, min_available=3)],
        ),
        "upgrade-pdb-single-replica": world(
            workloads=[*base["workloads"], wl("shop", "redis", kind="StatefulSet", replicas=1, pool="userpool")],
            pdbs=[*base["pdbs"], pdb("shop", "redis", {"app": "redis"}, min_available=1)],
        ),
        "upgrade-pdb-blocked-by-unhealthy-pods": world(
            workloads=[*base["workloads"], wl("shop", "orders", replicas=2, pool="userpool", unready=1)],
            pdbs=[*base["pdbs"], pdb("shop", "orders", {"app": "orders"}, max_unavailable=1)],
        ),
        "upgrade-pod-not-managed-by-controller": world(
            workloads=[*base["workloads"], wl("shop", "debug-shell", kind="Pod", pool="userpool", nodes=[1])],
            cordoned=["aks-userpool-24817365-vmss000001"],
        ),
        "upgrade-pod-with-local-storage": world(
            workloads=[
                *base["workloads"],
                wl("shop", "thumbnailer", replicas=1, pool="userpool", nodes=[1], empty_dir=True),
            ],
            cordoned=["aks-userpool-24817365-vmss000001"],
        ),
        "upgrade-subnet-full": world(
            pools=[base["pools"][0], {**user, "max_surge": "100%"}],
            subnet={**base["subnet"], "extra": 75},
            command="aksdoctor upgrade --pool userpool",
        ),
        "upgrade-vm-quota-exceeded": world(
            pools=[base["pools"][0], {**user, "max_surge": "66%"}],
            quota={"family": (20, 26), "cores": (20, 100)},
            command="aksdoctor upgrade --pool userpool",
        ),
        "upgrade-deprecated-api-in-use": world(cluster_error=deprecated),
        "upgrade-agentpool-operation-failed": world(
            pools=[base["pools"][0], {**user, "state": "Failed", "version": ("1.31.5", "1.32.3"), "error": failed_cse}],
            state="Failed",
        ),
        "upgrade-upgrade-in-progress": world(
            pools=upgrading,
            version=("1.32.3", "1.32.3"),
            state="Upgrading",
            cordoned=["aks-userpool-24817365-vmss000000"],
            extra_nodes=[("userpool", 3)],
            command="aksdoctor upgrade --pool userpool",
        ),
    }


EXPECTED = {
    "upgrade-healthy": ("healthy", None, []),
    "upgrade-no-azure-inconclusive": ("inconclusive", None, []),
    "upgrade-pdb-max-unavailable-zero": (
        "problem",
        "pdb-max-unavailable-zero",
        ["kubectl patch pdb consul-connect-injector -n consul"],
    ),
    "upgrade-pdb-min-available-equals-replicas": (
        "problem",
        "pdb-min-available-equals-replicas",
        ["kubectl patch pdb checkout -n shop"],
    ),
    "upgrade-pdb-single-replica": (
        "problem",
        "pdb-single-replica",
        ["kubectl scale statefulset/redis -n shop --replicas=2"],
    ),
    "upgrade-pdb-blocked-by-unhealthy-pods": (
        "problem",
        "pdb-blocked-by-unhealthy-pods",
        ["kubectl patch pdb orders -n shop"],
    ),
    "upgrade-pod-not-managed-by-controller": (
        "problem",
        "pod-not-managed-by-controller",
        ["kubectl drain aks-userpool-24817365-vmss000001 --ignore-daemonsets --force"],
    ),
    "upgrade-pod-with-local-storage": (
        "problem",
        "pod-with-local-storage",
        ["kubectl drain aks-userpool-24817365-vmss000001 --ignore-daemonsets --delete-emptydir-data"],
    ),
    "upgrade-subnet-full": (
        "problem",
        "subnet-full",
        [
            "az aks nodepool update -g rg-shop-prod --cluster-name aks-prod -n userpool --max-surge 0 --max-unavailable 1"
        ],
    ),
    "upgrade-vm-quota-exceeded": (
        "problem",
        "vm-quota-exceeded",
        ["az quota update --resource-name standardDDSv5Family", "--max-surge 1"],
    ),
    "upgrade-deprecated-api-in-use": (
        "problem",
        "deprecated-api-in-use",
        [
            "az aks update -g rg-shop-prod -n aks-prod --enable-force-upgrade",
            "az aks upgrade -g rg-shop-prod -n aks-prod --kubernetes-version 1.32",
        ],
    ),
    "upgrade-agentpool-operation-failed": (
        "problem",
        "agentpool-operation-failed",
        ["az aks nodepool upgrade -g rg-shop-prod --cluster-name aks-prod -n userpool --kubernetes-version 1.32.3"],
    ),
    "upgrade-upgrade-in-progress": (
        "problem",
        "upgrade-in-progress",
        ["az aks show -g rg-shop-prod -n aks-prod --query provisioningState -o tsv"],
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", default="../shared")
    parser.add_argument("--out", default="examples/bundles")
    args = parser.parse_args()
    shapes = Path(args.shared) / "azure-arm-examples"
    out = Path(args.out)
    for case, spec in cases().items():
        write(out / case, spec, shapes)
        status, cause, fix = EXPECTED[case]
        expected = {
            "runbook": "upgrade",
            "source": {"url": None, "title": f"example: {case}", "kind": "example"},
            "verbatim": None,
            "expected": {"status": status, "cause": cause, "acceptable": []},
            "fix_must_name": fix,
            "fidelity": {"verbatim": [], "reconstructed": ["everything: a generated example"]},
        }
        (out / case / "expected.json").write_text(json.dumps(expected, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {out / case}")


# ---- writing a bundle -----------------------------------------------------------------------------
def write(folder: Path, w: dict[str, Any], shapes: Path) -> None:
    """Write the world `w` as a bundle in `folder` (kubernetes/*.yaml, azure/arm.jsonl, COMMAND)."""
    shutil.rmtree(folder / "kubernetes", ignore_errors=True)
    shutil.rmtree(folder / "azure", ignore_errors=True)
    kube = folder / "kubernetes"
    kube.mkdir(parents=True)
    nodes = node_names(w)
    node_objs = [node_object(w, n, p, i) for p, names in nodes.items() for i, n in enumerate(names)]
    pods, rss, deps, stss, events = [], [], [], [], []
    for work in w["workloads"]:
        made = workload_objects(w, work, nodes)
        pods += made["pods"]
        rss += made["rs"]
        deps += made["deploy"]
        stss += made["sts"]
        events += made["events"]
    pdbs = [pdb_object(p, pods) for p in w["pdbs"]]
    for node_name, reason, message in w["node_events"]:
        on_node = next((p["metadata"]["name"] for p in reversed(pods) if p["spec"]["nodeName"] == node_name), "")
        events.append(node_event(node_name, reason, message.replace("{pod_on_node}", on_node)))
    dump(kube / "nodes.yaml", as_list(node_objs))
    dump(kube / "pods.yaml", as_list(pods))
    dump(kube / "replicasets.yaml", as_list(rss))
    dump(kube / "deployments.yaml", as_list(deps))
    dump(kube / "statefulsets.yaml", as_list(stss))
    dump(kube / "poddisruptionbudgets.yaml", as_list(pdbs))
    dump(kube / "events.yaml", as_list(events))
    (folder / "COMMAND").write_text(w["command"] + "\n", encoding="utf-8")
    if w["azure"]:
        (folder / "azure").mkdir()
        lines = [json.dumps(r, separators=(",", ":")) for r in azure(shapes, w, nodes)]
        (folder / "azure" / "arm.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def node_names(w: dict[str, Any]) -> dict[str, list[str]]:
    out = {
        p["name"]: p.get("node_names") or [f"aks-{p['name']}-{p['hash']}-vmss{i:06d}" for i in range(p["count"])]
        for p in w["pools"]
    }
    for pool_name, index in w["extra_nodes"]:
        p = next(p for p in w["pools"] if p["name"] == pool_name)
        out[pool_name].append(f"aks-{pool_name}-{p['hash']}-vmss{index:06d}")
    return out


def node_object(w: dict[str, Any], name: str, pool_name: str, index: int) -> dict[str, Any]:
    p = next(p for p in w["pools"] if p["name"] == pool_name)
    vmss = name[: name.index("-vmss")] + "-vmss" if "-vmss" in name else f"aks-{pool_name}-{p['hash']}-vmss"
    node_rg = f"MC_{w['rg']}_{w['cluster']}_{w['location']}"
    # A surge node (beyond the pool's count) runs the target version already.
    kubelet = p["version"][1] if index >= p["count"] else p["version"][0]
    cordoned = name in w["cordoned"]
    obj: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "uid": uid("node", name),
            "resourceVersion": "4812733",
            "creationTimestamp": EARLIER,
            "labels": {
                "agentpool": pool_name,
                "beta.kubernetes.io/os": "linux",
                "kubernetes.azure.com/agentpool": pool_name,
                "kubernetes.azure.com/cluster": node_rg,
                "kubernetes.azure.com/mode": p["mode"].lower(),
                "kubernetes.azure.com/role": "agent",
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "node.kubernetes.io/instance-type": p["vm"],
                "topology.kubernetes.io/region": w["location"],
                "topology.kubernetes.io/zone": f"{w['location']}-{index % 3 + 1}",
            },
        },
        "spec": {
            "providerID": f"azure:///subscriptions/{w['sub']}/resourceGroups/{node_rg.lower()}/providers/"
            f"Microsoft.Compute/virtualMachineScaleSets/{vmss}/virtualMachines/{index}",
        },
        "status": {
            "allocatable": {"cpu": f"{p['cores'] * 1000 - 140}m", "memory": "12880516Ki", "pods": str(p["max_pods"])},
            "capacity": {"cpu": str(p["cores"]), "memory": "16369924Ki", "pods": str(p["max_pods"])},
            "conditions": [
                {
                    "type": "Ready",
                    "status": "True",
                    "reason": "KubeletReady",
                    "message": "kubelet is posting ready status",
                    "lastHeartbeatTime": NOW,
                    "lastTransitionTime": EARLIER,
                }
            ],
            "nodeInfo": {
                "kubeletVersion": f"v{kubelet}",
                "osImage": "Ubuntu 22.04.5 LTS",
                "containerRuntimeVersion": "containerd://1.7.27-1",
            },
        },
    }
    if cordoned:
        obj["spec"]["unschedulable"] = True
        obj["spec"]["taints"] = [{"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule", "timeAdded": NOW}]
    return obj


def workload_objects(w: dict[str, Any], work: dict[str, Any], nodes: dict[str, list[str]]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {"pods": [], "rs": [], "deploy": [], "sts": [], "events": []}
    kind, ns, name = work["kind"], work["ns"], work["name"]
    hosts = hosts_of(w, work, nodes)
    template_hash = short_hash(ns + name, 10)
    labels = dict(work["labels"])
    if kind == "Deployment":
        rs_name = f"{name}-{template_hash}"
        labels["pod-template-hash"] = template_hash
        owner = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs_name, "uid": uid("rs", ns, rs_name)}
        ready = work["replicas"] - work["unready"]
        out["rs"].append(replicaset_object(work, rs_name, labels, ready))
        out["deploy"].append(deployment_object(work, ready))
    elif kind == "StatefulSet":
        owner = {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": name, "uid": uid("sts", ns, name)}
        out["sts"].append(statefulset_object(work, work["replicas"] - work["unready"]))
    elif kind == "DaemonSet":
        owner = {"apiVersion": "apps/v1", "kind": "DaemonSet", "name": name, "uid": uid("ds", ns, name)}
    else:
        owner = work["owner"]
    for i, host in enumerate(hosts):
        if work["pod_names"]:
            pod_name = work["pod_names"][i]
        elif kind == "Pod":
            pod_name = name
        elif kind == "StatefulSet":
            pod_name = f"{name}-{i}"
        elif kind == "DaemonSet":
            pod_name = f"{name}-{short_hash(host, 5)}"
        else:
            pod_name = f"{name}-{template_hash}-{short_hash(host + str(i), 5)}"
        ready = i >= work["unready"]
        pod = pod_object(work, pod_name, host, labels, owner, ready=ready)
        out["pods"].append(pod)
        if not ready:
            out["events"].append(readiness_event(pod))
    return out


def hosts_of(w: dict[str, Any], work: dict[str, Any], nodes: dict[str, list[str]]) -> list[str]:
    """The nodes a workload's pods run on: every node for a DaemonSet, else spread over the pool's uncordoned nodes."""
    everyone = [n for names in nodes.values() for n in names]
    if work["kind"] == "DaemonSet":
        return everyone
    pool_nodes = nodes.get(work["pool"]) or everyone
    if work["nodes"] is not None:
        return [pool_nodes[i] for i in work["nodes"]]
    free = [n for n in pool_nodes if n not in w["cordoned"]] or pool_nodes
    return [free[i % len(free)] for i in range(work["replicas"])]


def pod_object(
    work: dict[str, Any], name: str, node: str, labels: dict[str, str], owner: dict[str, str] | None, *, ready: bool
) -> dict[str, Any]:
    ns = work["ns"]
    container: dict[str, Any] = {
        "name": work["name"],
        "image": work["image"],
        "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
        "readinessProbe": {
            "httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP"},
            "periodSeconds": 10,
            "failureThreshold": 3,
            "timeoutSeconds": 1,
            "successThreshold": 1,
        },
    }
    volumes: list[dict[str, Any]] = [
        {"name": "kube-api-access", "projected": {"sources": [{"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}}]}}
    ]
    if work["empty_dir"]:
        volumes.append({"name": "cache", "emptyDir": {}})
        container["volumeMounts"] = [{"name": "cache", "mountPath": "/var/cache/app"}]
    meta: dict[str, Any] = {
        "name": name,
        "namespace": ns,
        "uid": uid("pod", ns, name),
        "resourceVersion": "4813002",
        "creationTimestamp": EARLIER,
        "labels": labels,
    }
    if owner:
        meta["ownerReferences"] = [{**owner, "controller": True, "blockOwnerDeletion": True}]
    cond = "True" if ready else "False"
    status: dict[str, Any] = {
        "phase": "Running",
        "conditions": [
            {"type": "Initialized", "status": "True", "lastTransitionTime": EARLIER},
            {"type": "Ready", "status": cond, "lastTransitionTime": EARLIER}
            | (
                {}
                if ready
                else {"reason": "ContainersNotReady", "message": f"containers with unready status: [{work['name']}]"}
            ),
            {"type": "ContainersReady", "status": cond, "lastTransitionTime": EARLIER},
            {"type": "PodScheduled", "status": "True", "lastTransitionTime": EARLIER},
        ],
        "hostIP": "10.224.0.4",
        "podIP": f"10.224.0.{10 + hashlib.sha256(name.encode()).digest()[0] % 200}",
        "startTime": EARLIER,
        "containerStatuses": [
            {
                "name": work["name"],
                "image": work["image"],
                "imageID": f"{work['image'].split(':')[0]}@sha256:{hashlib.sha256(work['image'].encode()).hexdigest()}",
                "containerID": f"containerd://{hashlib.sha256(name.encode()).hexdigest()}",
                "ready": ready,
                "started": True,
                "restartCount": 0,
                "state": {"running": {"startedAt": EARLIER}},
            }
        ],
    }
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta,
        "spec": {
            "containers": [container],
            "nodeName": node,
            "restartPolicy": "Always",
            "serviceAccountName": "default",
            "volumes": volumes,
        },
        "status": status,
    }


def readiness_event(pod: dict[str, Any]) -> dict[str, Any]:
    meta = pod["metadata"]
    ip = pod["status"]["podIP"]
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {
            "name": f"{meta['name']}.18a2f1c3b4d5e6f7",
            "namespace": meta["namespace"],
            "uid": uid("ev", meta["name"]),
        },
        "involvedObject": {
            "apiVersion": "v1",
            "kind": "Pod",
            "name": meta["name"],
            "namespace": meta["namespace"],
            "uid": meta["uid"],
            "fieldPath": f"spec.containers{{{pod['spec']['containers'][0]['name']}}}",
        },
        "reason": "Unhealthy",
        "message": f'Readiness probe failed: Get "http://{ip}:8080/healthz": dial tcp {ip}:8080: connect: connection refused',
        "type": "Warning",
        "count": 212,
        "firstTimestamp": EARLIER,
        "lastTimestamp": NOW,
        "source": {"component": "kubelet", "host": pod["spec"]["nodeName"]},
    }


def node_event(node: str, reason: str, message: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": f"{node}.18a2f1d0aa11bb22", "namespace": "default", "uid": uid("ev", node, reason)},
        "involvedObject": {"kind": "Node", "name": node, "uid": uid("node", node)},
        "reason": reason,
        "message": message,
        "type": "Warning",
        "count": 14,
        "firstTimestamp": EARLIER,
        "lastTimestamp": NOW,
        "source": {"component": "aks-upgrader"},
    }


def replicaset_object(work: dict[str, Any], name: str, labels: dict[str, str], ready: int) -> dict[str, Any]:
    ns, replicas = work["ns"], work["replicas"]
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": name,
            "namespace": ns,
            "uid": uid("rs", ns, name),
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
                    "name": work["name"],
                    "uid": uid("deploy", ns, work["name"]),
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
                "spec": {"containers": [{"name": work["name"], "image": work["image"]}]},
            },
        },
        "status": {
            "replicas": replicas,
            "readyReplicas": ready,
            "availableReplicas": ready,
            "fullyLabeledReplicas": replicas,
            "observedGeneration": 1,
        },
    }


def deployment_object(work: dict[str, Any], ready: int) -> dict[str, Any]:
    ns, name, replicas = work["ns"], work["name"], work["replicas"]
    available = ready == replicas
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": name,
            "namespace": ns,
            "uid": uid("deploy", ns, name),
            "generation": 1,
            "creationTimestamp": EARLIER,
            "labels": work["labels"],
            "annotations": {"deployment.kubernetes.io/revision": "1"},
        },
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": work["labels"]},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
            "progressDeadlineSeconds": 600,
            "template": {
                "metadata": {"labels": work["labels"]},
                "spec": {"containers": [{"name": name, "image": work["image"]}]},
            },
        },
        "status": {
            "observedGeneration": 1,
            "replicas": replicas,
            "updatedReplicas": replicas,
            "readyReplicas": ready,
            "availableReplicas": ready,
            **({} if available else {"unavailableReplicas": replicas - ready}),
            "conditions": [
                {
                    "type": "Available",
                    "status": "True" if available else "False",
                    "reason": "MinimumReplicasAvailable" if available else "MinimumReplicasUnavailable",
                    "message": "Deployment has minimum availability."
                    if available
                    else "Deployment does not have minimum availability.",
                    "lastTransitionTime": EARLIER,
                    "lastUpdateTime": EARLIER,
                },
                {
                    "type": "Progressing",
                    "status": "True",
                    "reason": "NewReplicaSetAvailable",
                    "message": f'ReplicaSet "{name}-{short_hash(ns + name, 10)}" has successfully progressed.',
                    "lastTransitionTime": EARLIER,
                    "lastUpdateTime": EARLIER,
                },
            ],
        },
    }


def statefulset_object(work: dict[str, Any], ready: int) -> dict[str, Any]:
    ns, name, replicas = work["ns"], work["name"], work["replicas"]
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {
            "name": name,
            "namespace": ns,
            "uid": uid("sts", ns, name),
            "generation": 1,
            "creationTimestamp": EARLIER,
            "labels": work["labels"],
        },
        "spec": {
            "replicas": replicas,
            "serviceName": name,
            "selector": {"matchLabels": work["labels"]},
            "template": {
                "metadata": {"labels": work["labels"]},
                "spec": {"containers": [{"name": name, "image": work["image"]}]},
            },
        },
        "status": {
            "observedGeneration": 1,
            "replicas": replicas,
            "readyReplicas": ready,
            "availableReplicas": ready,
            "currentReplicas": replicas,
            "updatedReplicas": replicas,
        },
    }


def pdb_object(p: dict[str, Any], pods: list[dict[str, Any]]) -> dict[str, Any]:
    """A PDB with the status the disruption controller writes (pkg/controller/disruption)."""
    selected = [
        x
        for x in pods
        if x["metadata"]["namespace"] == p["ns"]
        and all(x["metadata"]["labels"].get(k) == v for k, v in p["selector"].items())
    ]
    expected = len(selected)
    healthy = sum(
        1 for x in selected if any(c["type"] == "Ready" and c["status"] == "True" for c in x["status"]["conditions"])
    )
    spec: dict[str, Any] = {"selector": {"matchLabels": p["selector"]}}
    if p["max"] is not None:
        spec["maxUnavailable"] = p["max"]
        desired = max(0, expected - scaled(p["max"], expected))
    else:
        spec["minAvailable"] = p["min"]
        desired = scaled(p["min"], expected)
    allowed = max(0, healthy - desired)
    meta: dict[str, Any] = {
        "name": p["name"],
        "namespace": p["ns"],
        "uid": uid("pdb", p["ns"], p["name"]),
        "generation": 1,
    }
    if p.get("owner"):
        meta["ownerReferences"] = [{**p["owner"], "controller": True, "blockOwnerDeletion": True}]
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": meta | {"creationTimestamp": EARLIER},
        "spec": spec,
        "status": {
            "observedGeneration": 1,
            "expectedPods": expected,
            "currentHealthy": healthy,
            "desiredHealthy": desired,
            "disruptionsAllowed": allowed,
            "conditions": [
                {
                    "type": "DisruptionAllowed",
                    "status": "True" if allowed else "False",
                    "reason": "SufficientPods" if allowed else "InsufficientPods",
                    "message": "",
                    "observedGeneration": 1,
                    "lastTransitionTime": EARLIER,
                }
            ],
        },
    }


def scaled(value: Any, total: int) -> int:
    text = str(value)
    return math.ceil(float(text[:-1]) * total / 100) if text.endswith("%") else int(text)


# ---- Azure recordings --------------------------------------------------------------------------
def azure(shapes: Path, w: dict[str, Any], nodes: dict[str, list[str]]) -> list[dict[str, Any]]:
    cluster = cluster_body(shapes, w)
    base = f"{ARM}/subscriptions/{w['sub']}"
    location = f"{base}/providers/Microsoft.Compute/locations/{w['location']}"
    s = w["subnet"]
    subnet_url = (
        f"{base}/resourceGroups/{w['rg']}/providers/Microsoft.Network/virtualNetworks/{s['vnet']}/subnets/{s['name']}"
        f"?api-version={NETWORK_API}"
    )
    return [
        rec(f"{base}/providers/Microsoft.ContainerService/managedClusters?api-version={AKS_API}", {"value": [cluster]}),
        rec(
            f"{base}/resourceGroups/{w['rg']}/providers/Microsoft.ContainerService/managedClusters/{w['cluster']}?api-version={AKS_API}",
            cluster,
        ),
        rec(subnet_url, subnet_body(shapes, w, nodes)),
        rec(f"{location}/usages?api-version={COMPUTE_API}", usages_body(shapes, w["quota"])),
        rec(f"{location}/vmSizes?api-version={COMPUTE_API}", vm_sizes_body()),
    ]


def subnet_id(w: dict[str, Any]) -> str:
    s = w["subnet"]
    return f"/subscriptions/{w['sub']}/resourceGroups/{w['rg']}/providers/Microsoft.Network/virtualNetworks/{s['vnet']}/subnets/{s['name']}"


def cluster_body(shapes: Path, w: dict[str, Any]) -> dict[str, Any]:
    body = json.loads(
        (shapes / "Microsoft.ContainerService/managedClusters_Get.recorded-workloadIdentity.json").read_text()
    )
    text = (
        json.dumps(body)
        .replace("00000000-0000-0000-0000-000000000000", w["sub"])
        .replace("clitest000001", w["rg"])
        .replace("cliakstest000001", w["cluster"])
    )
    body = json.loads(text.replace("westus2", w["location"]))
    props = body["properties"]
    props["nodeResourceGroup"] = f"MC_{w['rg']}_{w['cluster']}_{w['location']}"
    props.get("linuxProfile", {}).get("ssh", {}).update({"publicKeys": [{"keyData": "ssh-rsa AAAA...redacted"}]})
    props["provisioningState"] = w["state"]
    props["currentKubernetesVersion"], props["kubernetesVersion"] = w["version"]
    props["networkProfile"] = {**(props.get("networkProfile") or {}), **w["network"]}
    if w["network"].get("networkPluginMode") is None:
        props["networkProfile"].pop("networkPluginMode", None)
    if w["cluster_error"]:
        props["status"] = {"provisioningError": w["cluster_error"]}
    template = props["agentPoolProfiles"][0]
    props["agentPoolProfiles"] = [profile(copy.deepcopy(template), p, w) for p in w["pools"]]
    return body


def profile(template: dict[str, Any], p: dict[str, Any], w: dict[str, Any]) -> dict[str, Any]:
    template.update(
        name=p["name"],
        count=p["count"],
        vmSize=p["vm"],
        mode=p["mode"],
        maxPods=p["max_pods"],
        enableAutoScaling=False,
        provisioningState=p["state"],
        currentOrchestratorVersion=p["version"][0],
        orchestratorVersion=p["version"][1],
        nodeImageVersion="AKSUbuntu-2204gen2containerd-202510.19.0",
        vnetSubnetID=subnet_id(w),
    )
    template["upgradeSettings"] = {"maxSurge": p["max_surge"]} if p["max_surge"] else {}
    if p["error"]:
        template["status"] = {"provisioningError": p["error"]}
    return template


def subnet_body(shapes: Path, w: dict[str, Any], nodes: dict[str, list[str]]) -> dict[str, Any]:
    body = json.loads((shapes / "Microsoft.Network/subnets_Get.json").read_text())
    s = w["subnet"]
    body["id"], body["name"] = subnet_id(w), s["name"]
    node_rg = f"MC_{w['rg']}_{w['cluster']}_{w['location']}"
    configs = []
    for p in w["pools"]:
        per_node = p["max_pods"] + 1 if w["network"].get("networkPluginMode") != "overlay" else 1
        vmss = f"aks-{p['name']}-{p['hash']}-vmss"
        for i, _node in enumerate(nodes[p["name"]]):
            for j in range(per_node):
                configs.append(
                    {
                        "id": f"/subscriptions/{w['sub']}/resourceGroups/{node_rg}/providers/Microsoft.Compute/virtualMachineScaleSets/{vmss}/virtualMachines/{i}/networkInterfaces/{vmss}/ipConfigurations/ipconfig{j + 1}"
                    }
                )
    for k in range(s["extra"]):
        configs.append(
            {
                "id": f"/subscriptions/{w['sub']}/resourceGroups/{w['rg']}/providers/Microsoft.Network/networkInterfaces/pe-nic-{k}/ipConfigurations/privateEndpointIpConfig"
            }
        )
    body["properties"] = {
        "addressPrefix": s["prefix"],
        "ipConfigurations": configs,
        "provisioningState": "Succeeded",
        "privateEndpointNetworkPolicies": "Disabled",
    }
    return body


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
    if "standardDSv2Family" in quota:
        dsv2 = next((u for u in items if u["name"]["value"] == "standardDSv2Family"), None)
        if dsv2 is not None:
            dsv2["currentValue"], dsv2["limit"] = quota["standardDSv2Family"]
    return body


def vm_sizes_body() -> dict[str, Any]:
    def size(name: str, cores: int, memory_mb: int) -> dict[str, Any]:
        return {
            "name": name,
            "numberOfCores": cores,
            "osDiskSizeInMB": 1047552,
            "resourceDiskSizeInMB": cores * 38400,
            "memoryInMB": memory_mb,
            "maxDataDiskCount": cores * 2,
        }

    return {
        "value": [
            size("Standard_DS2_v2", 2, 7168),
            size("Standard_D2ds_v5", 2, 8192),
            size("Standard_D4ds_v5", 4, 16384),
            size("Standard_D8ds_v5", 8, 32768),
            size("Standard_D16ds_v5", 16, 65536),
        ]
    }


def rec(url: str, body: Any, status: int = 200) -> dict[str, Any]:
    return {"method": "GET", "url": url, "status": status, "body": body}


def as_list(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": items}


def uid(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "aksdoctor-example/" + "/".join(parts)))


def short_hash(text: str, n: int) -> str:
    alphabet = "bcdfghjklmnpqrstvwxz2456789"
    digest = hashlib.sha256(text.encode()).digest()
    return "".join(alphabet[b % len(alphabet)] for b in digest[:n])


def dump(path: Path, obj: Any) -> None:
    path.write_text(yaml.safe_dump(obj, sort_keys=False, width=200), encoding="utf-8")


if __name__ == "__main__":
    main()

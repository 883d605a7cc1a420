"""Write the pending-* and nodecpu-* cases of tests/realworld/ that judgeA reconstructed from public failure
reports (each case names its source in expected.json: URL, the verbatim message, and what is reconstructed).

Objects are what `kubectl get nodes,pods,replicasets,deployments,events,configmaps -A -o yaml` print, trimmed
to the fields the reports show plus the ones a real object always has (uids, owner references, conditions).
Names, counts, sizes and messages come from the report; what the report does not show (uids, IPs, the
requests of pods the report does not list) is reconstructed and said so in `fidelity`.

    python scripts/make_realworld_judgea.py            # rewrite every case of this script
"""

from __future__ import annotations

import hashlib
import json
import shutil
import uuid
from pathlib import Path
from typing import Any

import yaml

OUT = Path(__file__).resolve().parent.parent / "tests" / "realworld"
T0 = "2026-11-20T07:12:40Z"
T1 = "2026-11-21T09:51:40Z"
T2 = "2026-11-21T09:57:02Z"


def uid(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(parts)))


def h(text: str, n: int = 5) -> str:
    alphabet = "bcdfghjklmnpqrstvwxz2456789"
    digest = hashlib.sha256(text.encode()).digest()
    return "".join(alphabet[b % len(alphabet)] for b in digest[:n])


# ---- objects ------------------------------------------------------------------------------------
def node(
    name: str,
    *,
    pool: str = "",
    cpu: str = "1900m",
    memory: str = "5Gi",
    pods: int = 110,
    ready: bool = True,
    cordoned: bool = False,
    taints: list[dict[str, str]] | None = None,
    labels: dict[str, str] | None = None,
    vm: str = "Standard_DS2_v2",
    zone: str = "",
    extra: dict[str, str] | None = None,
    capacity_cpu: str | None = None,
    created: str = T0,
) -> dict[str, Any]:
    lab = {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "node.kubernetes.io/instance-type": vm,
    }
    if pool:
        lab |= {"agentpool": pool, "kubernetes.azure.com/agentpool": pool, "kubernetes.azure.com/mode": "user"}
    if zone:
        lab["topology.kubernetes.io/zone"] = zone
    lab |= labels or {}
    alloc = {"cpu": cpu, "memory": memory, "pods": str(pods), "ephemeral-storage": "119703055367"} | (extra or {})
    obj: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "uid": uid("node", name), "labels": lab, "creationTimestamp": created},
        "spec": {},
        "status": {
            "allocatable": alloc,
            "capacity": dict(alloc, cpu=capacity_cpu or cpu),
            "conditions": [
                {
                    "type": "Ready",
                    "status": "True" if ready else "Unknown",
                    "reason": "KubeletReady" if ready else "NodeStatusUnknown",
                    "message": "kubelet is posting ready status" if ready else "Kubelet stopped posting node status.",
                    "lastHeartbeatTime": T2,
                    "lastTransitionTime": T0,
                }
            ],
            "nodeInfo": {"kubeletVersion": "v1.30.6", "osImage": "Ubuntu 22.04.5 LTS", "architecture": "amd64"},
        },
    }
    all_taints = list(taints or [])
    if cordoned:
        obj["spec"]["unschedulable"] = True
        all_taints.append({"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule", "timeAdded": T1})
    if not ready:
        all_taints.append({"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule", "timeAdded": T1})
        all_taints.append({"key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "timeAdded": T1})
    if all_taints:
        obj["spec"]["taints"] = all_taints
    return obj


def container(
    name: str,
    image: str,
    requests: dict[str, str] | None = None,
    limits: dict[str, str] | None = None,
    ports: list[dict[str, Any]] | None = None,
    **more: Any,
) -> dict[str, Any]:
    c: dict[str, Any] = {"name": name, "image": image, "imagePullPolicy": "IfNotPresent"}
    res: dict[str, Any] = {}
    if requests:
        res["requests"] = requests
    if limits:
        res["limits"] = limits
    c["resources"] = res
    if ports:
        c["ports"] = ports
    return c | more


def owner(kind: str, name: str, ns: str) -> dict[str, Any]:
    api = "batch/v1" if kind == "Job" else "apps/v1"
    return {
        "apiVersion": api,
        "kind": kind,
        "name": name,
        "uid": uid(kind.lower(), ns, name),
        "controller": True,
        "blockOwnerDeletion": True,
    }


def pod(
    ns: str,
    name: str,
    containers: list[dict[str, Any]],
    *,
    node_name: str | None = None,
    owner_ref: tuple[str, str] | None = None,
    labels: dict[str, str] | None = None,
    phase: str | None = None,
    init: list[dict[str, Any]] | None = None,
    message: str | None = None,
    tolerations: list[dict[str, Any]] | None = None,
    node_selector: dict[str, str] | None = None,
    overhead: dict[str, str] | None = None,
    affinity: dict[str, Any] | None = None,
    priority_class: str | None = None,
    created: str = T0,
) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "name": name,
        "namespace": ns,
        "uid": uid("pod", ns, name),
        "creationTimestamp": created,
        "labels": dict(labels or {}),
    }
    if owner_ref:
        meta["ownerReferences"] = [owner(owner_ref[0], owner_ref[1], ns)]
        if owner_ref[0] == "ReplicaSet":
            meta["labels"]["pod-template-hash"] = owner_ref[1].rsplit("-", 1)[-1]
    default_tol = [
        {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
        {
            "key": "node.kubernetes.io/unreachable",
            "operator": "Exists",
            "effect": "NoExecute",
            "tolerationSeconds": 300,
        },
    ]
    if owner_ref and owner_ref[0] == "DaemonSet":
        default_tol = [{"operator": "Exists"}]
    spec: dict[str, Any] = {
        "containers": containers,
        "restartPolicy": "Always",
        "schedulerName": "default-scheduler",
        "serviceAccountName": "default",
        "tolerations": (tolerations or []) + default_tol,
    }
    if init:
        spec["initContainers"] = init
    if node_selector:
        spec["nodeSelector"] = node_selector
    if overhead:
        spec["overhead"] = overhead
    if affinity:
        spec["affinity"] = affinity
    if priority_class:
        spec["priorityClassName"] = priority_class
    if node_name:
        spec["nodeName"] = node_name
    obj = {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}
    if node_name and (phase or "Running") == "Running":
        obj["status"] = {
            "phase": "Running",
            "conditions": [
                {"type": t, "status": "True", "lastTransitionTime": created}
                for t in ("Initialized", "Ready", "ContainersReady", "PodScheduled")
            ],
            "startTime": created,
            "containerStatuses": [
                {
                    "name": c["name"],
                    "image": c["image"],
                    "ready": True,
                    "restartCount": 0,
                    "started": True,
                    "state": {"running": {"startedAt": created}},
                }
                for c in containers
            ],
        }
    elif not node_name:
        obj["status"] = {
            "phase": "Pending",
            "conditions": [
                {
                    "type": "PodScheduled",
                    "status": "False",
                    "reason": "Unschedulable",
                    "lastTransitionTime": T1,
                    **({"message": message} if message else {}),
                }
            ],
            "qosClass": "Burstable",
        }
    else:
        obj["status"] = {"phase": phase}
    return obj


def replicaset(
    ns: str, name: str, deployment: str, replicas: int, ready: int, labels: dict[str, str]
) -> dict[str, Any]:
    hash_ = name.rsplit("-", 1)[-1]
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": name,
            "namespace": ns,
            "uid": uid("replicaset", ns, name),
            "labels": labels | {"pod-template-hash": hash_},
            "ownerReferences": [owner("Deployment", deployment, ns)],
        },
        "spec": {"replicas": replicas, "selector": {"matchLabels": labels | {"pod-template-hash": hash_}}},
        "status": {"replicas": replicas, "readyReplicas": ready, "observedGeneration": 1},
    }


def deployment(
    ns: str, name: str, replicas: int, labels: dict[str, str], template_spec: dict[str, Any], ready: int | None = None
) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": ns, "uid": uid("deployment", ns, name), "generation": 1},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": template_spec},
        },
        "status": {
            "replicas": replicas,
            "readyReplicas": replicas if ready is None else ready,
            "availableReplicas": replicas if ready is None else ready,
            "observedGeneration": 1,
        },
    }


_N = iter(range(1, 100000))


def event(
    obj: dict[str, Any],
    reason: str,
    message: str,
    *,
    kind: str = "Warning",
    component: str = "default-scheduler",
    count: int = 5,
    when: str = T2,
) -> dict[str, Any]:
    meta = obj["metadata"]
    n = next(_N)
    name = f"{meta['name']}.18{n:014x}"
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": name, "namespace": meta.get("namespace") or "default", "uid": uid("event", name)},
        "involvedObject": {
            "apiVersion": obj["apiVersion"],
            "kind": obj["kind"],
            "name": meta["name"],
            "namespace": meta.get("namespace"),
            "uid": meta["uid"],
        },
        "reason": reason,
        "message": message,
        "type": kind,
        "count": count,
        "firstTimestamp": T1,
        "lastTimestamp": when,
        "source": {"component": component},
    }


def as_list(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": items}


def write_case(
    name: str,
    *,
    command: str,
    expected: dict[str, Any],
    files: dict[str, list[dict[str, Any]]],
    azure: list[dict[str, Any]] | None = None,
) -> None:
    folder = OUT / name
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "kubernetes").mkdir(parents=True)
    for fname, items in files.items():
        text = yaml.safe_dump(as_list(items), sort_keys=False, width=200)
        (folder / "kubernetes" / f"{fname}.yaml").write_text(text, encoding="utf-8")
    (folder / "COMMAND").write_text(command + "\n", encoding="utf-8")
    (folder / "expected.json").write_text(json.dumps(expected, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if azure:
        (folder / "azure").mkdir()
        lines = [json.dumps(r, separators=(",", ":")) for r in azure]
        (folder / "azure" / "arm.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {folder.relative_to(OUT.parent.parent)}")


def expect(
    runbook: str,
    url: str,
    title: str,
    kind: str,
    verbatim: str,
    status: str,
    cause: str | None,
    fix: list[str],
    verbatim_parts: list[str],
    reconstructed: list[str],
    acceptable: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "runbook": runbook,
        "source": {"url": url, "title": title, "kind": kind},
        "verbatim": verbatim,
        "expected": {"status": status, "cause": cause, "acceptable": acceptable or []},
        "fix_must_name": fix,
        "fidelity": {"verbatim": verbatim_parts, "reconstructed": reconstructed},
    }


# ---- cases --------------------------------------------------------------------------------------
CASES: dict[str, Any] = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


@case
def pending_ingress_hostport_rolling_update() -> None:
    """kubernetes/ingress-nginx#4626: a hostPort added to the controller's Deployment on a one-node cluster; the
    new ReplicaSet's pod waits while the old pod holds the ports."""
    ns, dep = "kube-system", "nginx-ingress-controller"
    n = node("minikube", cpu="2", memory="3936952Ki", vm="minikube", labels={"minikube.k8s.io/name": "minikube"})
    labels = {"app.kubernetes.io/name": "nginx-ingress-controller", "app.kubernetes.io/part-of": "kube-system"}
    image = "quay.io/kubernetes-ingress-controller/nginx-ingress-controller:0.26.1"
    old_ports = [
        {"containerPort": 80, "hostPort": 80, "name": "http", "protocol": "TCP"},
        {"containerPort": 443, "hostPort": 443, "name": "https", "protocol": "TCP"},
    ]
    new_ports = [*old_ports, {"containerPort": 6379, "hostPort": 6379, "protocol": "TCP"}]
    msg = "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports."
    old = pod(
        ns,
        "nginx-ingress-controller-f4495597b-f58hs",
        [container("nginx-ingress-controller", image, ports=old_ports)],
        node_name="minikube",
        owner_ref=("ReplicaSet", "nginx-ingress-controller-f4495597b"),
        labels=labels,
    )
    new = pod(
        ns,
        "nginx-ingress-controller-7f5749f54b-r5k85",
        [container("nginx-ingress-controller", image, ports=new_ports)],
        owner_ref=("ReplicaSet", "nginx-ingress-controller-7f5749f54b"),
        labels=labels,
        message=msg,
        created=T1,
    )
    write_case(
        "pending-ingress-hostport-rolling-update",
        command=f"aksdoctor pending {new['metadata']['name']} -n {ns}",
        expected=expect(
            "pending",
            "https://github.com/kubernetes/ingress-nginx/issues/4626",
            "0/1 nodes are available: 1 node(s) didn't have free ports",
            "github-issue",
            msg,
            "problem",
            "host-port-conflict",
            ["deployment/nginx-ingress-controller", "-n kube-system", "hostPort"],
            [
                "the FailedScheduling message",
                "pod, ReplicaSet and Deployment names",
                "the hostPorts 6379 (added), 80/443 (minikube ingress addon)",
            ],
            ["node allocatable", "uids and timestamps", "the controller's image tag from the reported version 0.26.1"],
        ),
        files={
            "nodes": [n],
            "pods": [old, new],
            "replicasets": [
                replicaset(ns, "nginx-ingress-controller-f4495597b", dep, 1, 1, labels),
                replicaset(ns, "nginx-ingress-controller-7f5749f54b", dep, 1, 0, labels),
            ],
            "events": [event(new, "FailedScheduling", msg, count=3)],
        },
    )


def main() -> None:
    for fn in CASES.values():
        fn()


if __name__ == "__main__":
    main()

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
    region: str = "westeurope",
) -> dict[str, Any]:
    lab = {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "node.kubernetes.io/instance-type": vm,
    }
    if pool:  # an AKS node: its pool, and the region's label the cloud provider sets
        lab["topology.kubernetes.io/region"] = region
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


def status_configmap(groups: list[tuple[str, int, int, int, str, str]]) -> dict[str, Any]:
    """cluster-autoscaler-status in the YAML format of cluster-autoscaler 1.30+ (clusterstate/api/types.go):
    groups of (name, target, min, max, scaleUp status, backoff error message)."""
    node_groups = []
    for name, target, lo, hi, scale, error in groups:
        scale_up: dict[str, Any] = {"status": scale, "lastProbeTime": T2, "lastTransitionTime": T1}
        if scale == "Backoff" and error:
            scale_up["backoffInfo"] = {"errorCode": "cloudProviderError", "errorMessage": error}
        node_groups.append(
            {
                "name": name,
                "health": {
                    "status": "Healthy",
                    "nodeCounts": {"registered": {"total": target, "ready": target}},
                    "cloudProviderTarget": target,
                    "minSize": lo,
                    "maxSize": hi,
                },
                "scaleUp": scale_up,
                "scaleDown": {"status": "NoCandidates"},
            }
        )
    status = {
        "time": T2,
        "autoscalerStatus": "Running",
        "clusterWide": {"health": {"status": "Healthy"}},
        "nodeGroups": node_groups,
    }
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": "cluster-autoscaler-status",
            "namespace": "kube-system",
            "uid": uid("configmap", "kube-system", "cluster-autoscaler-status"),
            "annotations": {"cluster-autoscaler.kubernetes.io/last-updated": T2},
        },
        "data": {"status": yaml.safe_dump(status, sort_keys=False)},
    }


def aks_pool_nodes(pool: str, pool_id: str, count: int, **kw: Any) -> list[dict[str, Any]]:
    return [node(f"aks-{pool}-{pool_id}-vmss{i:06d}", pool=pool, **kw) for i in range(count)]


def filler(ns: str, app: str, node_name: str, cpu: str, memory: str, i: int = 0) -> dict[str, Any]:
    """A running application pod on a node, with the given requests (reconstructed load)."""
    rs = f"{app}-{h(app, 9).lower()}"
    return pod(
        ns,
        f"{rs}-{h(node_name + app + str(i))}",
        [container(app, f"{app}:latest", {"cpu": cpu, "memory": memory})],
        node_name=node_name,
        owner_ref=("ReplicaSet", rs),
        labels={"app": app},
    )


def pending_app(
    ns: str, app: str, rs_hash: str, suffix: str, requests: dict[str, str], message: str, **kw: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The pending pod of a Deployment's ReplicaSet, and that ReplicaSet."""
    rs = f"{app}-{rs_hash}"
    p = pod(
        ns,
        f"{rs}-{suffix}",
        [container(app, kw.pop("image", f"{app}:latest"), requests, kw.pop("limits", None), kw.pop("ports", None))],
        owner_ref=("ReplicaSet", rs),
        labels={"app": app},
        message=message,
        created=T1,
        **kw,
    )
    return p, replicaset(ns, rs, app, kw.get("replicas", 1), 0, {"app": app})


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


TAINT_SYS = {"key": "CriticalAddonsOnly", "value": "true", "effect": "NoSchedule"}


def _capacity_case(
    slug: str,
    *,
    url: str,
    title: str,
    kind: str,
    verbatim: str,
    pool: str,
    pool_id: str,
    nodes: int,
    group_status: tuple[int, int, int, str, str] | None,
    status_events: list[str],
    pod_events: list[tuple[str, str, str]],
    scheduler: str,
    cause: str | None,
    status: str,
    fix: list[str],
    verbatim_parts: list[str],
    reconstructed: list[str],
    acceptable: list[str] | None = None,
    ns: str = "default",
    app: str = "web",
    request_cpu: str = "1",
    per_node: str = "1500m",
    max_pods: int = 110,
    fill_pods: int = 1,
) -> None:
    """A pool whose nodes are full (CPU by requests, or pod slots), a pending pod, and what the autoscaler said."""
    ns_nodes = aks_pool_nodes(pool, pool_id, nodes, cpu="1900m", memory="5Gi", pods=max_pods)
    fill = []
    for n in ns_nodes:
        for i in range(fill_pods):
            memory = "256Mi" if fill_pods == 1 else "64Mi"
            fill.append(filler(ns, "backend", n["metadata"]["name"], per_node if i == 0 else "1m", memory, i))
    target, rs = pending_app(ns, app, "5c7d9f8b6", "x2k4q", {"cpu": request_cpu, "memory": "512Mi"}, scheduler)
    files: dict[str, list[dict[str, Any]]] = {"nodes": ns_nodes, "pods": [*fill, target], "replicasets": [rs]}
    events = [event(target, "FailedScheduling", scheduler, count=12)]
    events += [event(target, r, m, kind=k, component="cluster-autoscaler") for r, m, k in pod_events]
    cms = []
    if group_status is not None:
        cm = status_configmap([(f"aks-{pool}-{pool_id}-vmss", *group_status)])
        cms.append(cm)
        events += [
            event(
                cm,
                "FailedToScaleUpGroup",
                f"Scale-up failed for group aks-{pool}-{pool_id}-vmss: {m}",
                component="cluster-autoscaler",
                count=3,
            )
            for m in status_events
        ]
    files["configmaps"] = cms
    files["events"] = events
    write_case(
        slug,
        command=f"aksdoctor pending {target['metadata']['name']} -n {ns}",
        expected=expect(
            "pending", url, title, kind, verbatim, status, cause, fix, verbatim_parts, reconstructed, acceptable
        ),
        files=files,
    )


INSUFFICIENT = "0/{n} nodes are available: {n} Insufficient cpu. preemption: 0/{n} nodes are available: {n} No preemption victims found for incoming pod."


@case
def pending_aks1184_quota_classic_core() -> None:
    msg = (
        "compute.VirtualMachineScaleSetsClient#CreateOrUpdate: Failure sending request: StatusCode=0 -- Original "
        'Error: autorest/azure: Service returned an error. Status=<nil> Code="OperationNotAllowed" '
        'Message="Operation results in exceeding quota limits of Core. Maximum allowed: 10, Current in use: 7, '
        'Additional requested: 4. Please read more about quota increase at https://aka.ms/ProdportalCRP/."'
    )
    _capacity_case(
        "pending-aks1184-quota-classic-core",
        url="https://github.com/Azure/AKS/issues/1184",
        title='Cluster is unable to scale - "No expansion options"',
        kind="github-issue",
        verbatim=f"Scale-up failed for group aks-default-21938529-vmss: {msg}",
        pool="default",
        pool_id="21938529",
        nodes=2,
        group_status=(2, 1, 5, "Backoff", msg),
        status_events=[msg],
        pod_events=[("NotTriggerScaleUp", "pod didn't trigger scale-up: 1 in backoff after failed scale-up", "Normal")],
        scheduler=INSUFFICIENT.format(n=2),
        cause="vm-quota-exceeded",
        status="problem",
        fix=["az quota update", "--resource-name cores", "value=11"],
        verbatim_parts=[
            "the FailedToScaleUpGroup message on the cluster-autoscaler-status ConfigMap",
            "the node group name",
        ],
        reconstructed=["node count (2 of max 5) and requests", "the pending pod", "the scheduler message"],
    )


@case
def pending_autoscaler2607_quota_limit_family() -> None:
    msg = (
        "compute.VirtualMachineScaleSetsClient#CreateOrUpdate: Failure sending request: StatusCode=0 -- Original "
        'Error: autorest/azure: Service returned an error. Status=<nil> Code="OperationNotAllowed" Message="The '
        "operation couldn't be completed as it results in exceeding quota limit of standardDSv3Family Cores. Maximum "
        "allowed: 1000, Current in use: 986, Additional requested: 72. Read more about quota limits at "
        'https://aka.ms/AzurePerVMQuotaLimits."'
    )
    _capacity_case(
        "pending-autoscaler2607-quota-limit-family",
        url="https://github.com/kubernetes/autoscaler/issues/2607",
        title="CA / Azure - Failed to scale up - CPU Quota limit",
        kind="github-issue",
        verbatim=msg,
        pool="workers",
        pool_id="38401553",
        nodes=2,
        group_status=(2, 1, 10, "Backoff", msg),
        status_events=[msg],
        pod_events=[],
        scheduler=INSUFFICIENT.format(n=2),
        cause="vm-quota-exceeded",
        status="problem",
        fix=["az quota update", "--resource-name standardDSv3Family", "value=1058"],
        verbatim_parts=["the VMSS error text with its figures"],
        reconstructed=["AKS pool name (the report is aks-engine's k8s-workers-x-vmss)", "nodes, pods and requests"],
    )


@case
def pending_aks5808_quotaexceeded_total_regional() -> None:
    msg = (
        'Code="QuotaExceeded" Message="Operation could not be completed as it results in exceeding approved Total '
        "Regional Cores quota. Additional details - Deployment Model: Resource Manager, Location: northeurope, Current "
        'Limit: 100, Current Usage: 100, Additional Required: 4, (Minimum) New Limit Required: 104."'
    )
    _capacity_case(
        "pending-aks5808-quotaexceeded-total-regional",
        url="https://github.com/Azure/AKS/issues/5808",
        title="[BUG] AKS Automatic node pool provisioning fails with QuotaExceeded error",
        kind="github-issue",
        verbatim=msg,
        pool="userpool",
        pool_id="40177218",
        nodes=3,
        group_status=(3, 1, 8, "Backoff", ""),
        status_events=[msg],
        pod_events=[("NotTriggerScaleUp", "pod didn't trigger scale-up: 1 in backoff after failed scale-up", "Normal")],
        scheduler=INSUFFICIENT.format(n=3),
        cause="vm-quota-exceeded",
        status="problem",
        fix=["az quota update", "--resource-name cores", "locations/northeurope", "value=104"],
        verbatim_parts=["the QuotaExceeded text and its figures"],
        reconstructed=["that a cluster-autoscaler scale-up (not node auto-provisioning) hit it", "pool, nodes, pods"],
    )


@case
def pending_aks2531_subnet_capacity_for_n_ips() -> None:
    msg = (
        'Failed to increase capacity for scale set "aks-hugememory-35177555-vmss" to 30: Subnet sn-aks-dev with '
        "address prefix 10.133.123.0/26 does not have enough capacity for 30 IP addresses."
    )
    _capacity_case(
        "pending-aks2531-subnet-capacity-for-n-ips",
        url="https://github.com/Azure/AKS/issues/2531",
        title="Autoscaler does not split scale-ups to match available IP addresses",
        kind="github-issue",
        verbatim=msg,
        pool="hugememory",
        pool_id="35177555",
        nodes=5,
        group_status=(5, 1, 39, "Backoff", msg),
        status_events=[msg],
        pod_events=[
            ("TriggeredScaleUp", "pod triggered scale-up: [{aks-hugememory-35177555-vmss 5->35 (max: 39)}]", "Normal")
        ],
        scheduler=INSUFFICIENT.format(n=5),
        cause="subnet-full",
        status="problem",
        fix=["az aks nodepool add", "hugememory"],
        verbatim_parts=["the autoscaler's capacity error", "the scale-up plan 5->35 (max: 39)"],
        reconstructed=["requests and pods", "the status ConfigMap in the 1.30 YAML form"],
    )


@case
def pending_aks2665_backoff_no_message_too_many_pods() -> None:
    _capacity_case(
        "pending-aks2665-backoff-no-message",
        url="https://github.com/Azure/AKS/issues/2665",
        title='AKS node autoscaling fails to trigger - "pod didn\'t trigger scale-up: 1 in backoff after failed scale-up"',
        kind="github-issue",
        verbatim="0/1 nodes are available: 1 Too many pods; pod didn't trigger scale-up: 1 in backoff after failed scale-up",
        pool="agentpool",
        pool_id="12880745",
        nodes=1,
        group_status=None,
        status_events=[],
        pod_events=[("NotTriggerScaleUp", "pod didn't trigger scale-up: 1 in backoff after failed scale-up", "Normal")],
        scheduler="0/1 nodes are available: 1 Too many pods.",
        cause="too-many-pods",
        status="problem",
        fix=["az aks nodepool", "agentpool"],
        verbatim_parts=["the FailedScheduling and NotTriggerScaleUp texts", "min 1 max 3, one node"],
        reconstructed=["maxPods 30 and the 30 pods on the node", "names"],
        max_pods=30,
        fill_pods=30,
        per_node="100m",
        request_cpu="100m",
    )


def main() -> None:
    for fn in CASES.values():
        fn()


if __name__ == "__main__":
    main()

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


@case
def pending_aks3439_failed_upgrade_left_cordoned() -> None:
    """Azure/AKS#3439: a node-image upgrade blocked by a PDB failed and left one node cordoned; the other nodes
    are full, the cordoned one has room."""
    ns = "orders"
    nodes = aks_pool_nodes("nodepool1", "25014432", 3, cpu="1900m", memory="5Gi")
    nodes[2] = node(nodes[2]["metadata"]["name"], pool="nodepool1", cpu="1900m", memory="5Gi", cordoned=True)
    nodes[2]["metadata"]["labels"]["kubernetes.azure.com/node-image-version"] = (
        "AKSUbuntu-1804gen2containerd-2023.01.10"
    )
    fill = [filler(ns, "backend", n["metadata"]["name"], "1500m", "1Gi") for n in nodes[:2]]
    msg = (
        "0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu. preemption: 0/3 nodes are "
        "available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod."
    )
    target, rs = pending_app(ns, "api", "6f8d7c5b9", "w7k2m", {"cpu": "500m", "memory": "256Mi"}, msg)
    write_case(
        "pending-aks3439-failed-upgrade-left-cordoned",
        command=f"aksdoctor pending {target['metadata']['name']} -n {ns}",
        expected=expect(
            "pending",
            "https://github.com/Azure/AKS/issues/3439",
            "[BUG] Failed (automated) node-image upgrade leaves node cordoned",
            "github-issue",
            "Due to a restrictive PDB, one nodepool could not upgrade in time, the nodepool went into Failed state. "
            "One of the nodes stayed cordoned.",
            "problem",
            "nodes-not-ready",
            [f"kubectl uncordon {nodes[2]['metadata']['name']}"],
            ["a failed node-image upgrade leaves one node cordoned"],
            ["3 nodes, their load and the pending pod", "the scheduler message"],
        ),
        files={
            "nodes": nodes,
            "pods": [*fill, target],
            "replicasets": [rs],
            "events": [event(target, "FailedScheduling", msg, count=8)],
            "configmaps": [],
        },
    )


@case
def pending_gitpod2622_hostnetwork_and_master_taint() -> None:
    """gitpod-io/gitpod#2622: hostNetwork: true on a two-node cluster; the worker already runs a pod holding the
    port, the other node is a tainted control-plane node."""
    ns = "default"
    master = node(
        "k8s-master",
        cpu="4",
        memory="8Gi",
        vm="bare-metal",
        taints=[{"key": "node-role.kubernetes.io/master", "effect": "NoSchedule"}],
        labels={"node-role.kubernetes.io/master": ""},
    )
    worker = node("k8s-worker-1", cpu="4", memory="8Gi", vm="bare-metal")
    ports = [{"containerPort": 8080, "hostPort": 8080, "name": "http", "protocol": "TCP"}]
    image = "eu.gcr.io/gitpod-core-dev/build/proxy:v0.5.0"
    msg = (
        "0/2 nodes are available: 1 node(s) didn't have free ports for the requested pod ports, 1 node(s) had taint "
        "{node-role.kubernetes.io/master: }, that the pod didn't tolerate."
    )
    running = pod(
        ns,
        "proxy-7d6b9c8f5-q2vxn",
        [container("proxy", image, {"cpu": "100m", "memory": "64Mi"}, ports=ports)],
        node_name="k8s-worker-1",
        owner_ref=("ReplicaSet", "proxy-7d6b9c8f5"),
        labels={"component": "proxy"},
    )
    target = pod(
        ns,
        "proxy-7d6b9c8f5-m8t4r",
        [container("proxy", image, {"cpu": "100m", "memory": "64Mi"}, ports=ports)],
        owner_ref=("ReplicaSet", "proxy-7d6b9c8f5"),
        labels={"component": "proxy"},
        message=msg,
        created=T1,
    )
    for p in (running, target):
        p["spec"]["hostNetwork"] = True
        p["spec"]["dnsPolicy"] = "ClusterFirstWithHostNet"
    write_case(
        "pending-gitpod2622-hostnetwork-and-master-taint",
        command=f"aksdoctor pending {target['metadata']['name']} -n {ns}",
        expected=expect(
            "pending",
            "https://github.com/gitpod-io/gitpod/issues/2622",
            "When using hostNetwork: true results in not enough ports.",
            "github-issue",
            "1 node(s) didn't have free ports for the requested pod ports, 1 node(s) had taint "
            "{node-role.kubernetes.io/master: }, that the pod didn't tolerate.",
            "problem",
            "host-port-conflict",
            ["deployment/proxy", "hostPort"],
            ["the scheduler message (pre-1.25 taint wording)", "hostNetwork: true", "a master-tainted second node"],
            ["the proxy Deployment, its replicas and port 8080", "node sizes"],
        ),
        files={
            "nodes": [master, worker],
            "pods": [running, target],
            "replicasets": [replicaset(ns, "proxy-7d6b9c8f5", "proxy", 2, 1, {"component": "proxy"})],
            "events": [event(target, "FailedScheduling", msg)],
        },
    )


@case
def pending_k3d104_daemonset_svclb_ports_taken() -> None:
    """k3d-io/k3d#104: k3s's service load balancer DaemonSet for istio-ingressgateway asks for hostPorts 80/443,
    which traefik's svclb pod already holds on the only node."""
    ns = "istio-system"
    n = node("k3d-k3s-default-server", cpu="4", memory="8Gi", vm="k3s")
    image = "rancher/klipper-lb:v0.1.1"

    def lb(name: str, port: int) -> dict[str, Any]:
        return container(
            name,
            image,
            ports=[{"containerPort": port, "hostPort": port, "protocol": "TCP"}],
            env=[{"name": "SRC_PORT", "value": str(port)}, {"name": "DEST_PROTO", "value": "TCP"}],
        )

    traefik = pod(
        "kube-system",
        "svclb-traefik-7qj4d",
        [lb("lb-port-80", 80), lb("lb-port-443", 443)],
        node_name=n["metadata"]["name"],
        owner_ref=("DaemonSet", "svclb-traefik"),
        labels={"app": "svclb-traefik"},
    )
    msg = "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports."
    target = pod(
        ns,
        "svclb-istio-ingressgateway-92p9s",
        [lb("lb-port-15020", 15020), lb("lb-port-80", 80), lb("lb-port-443", 443)],
        owner_ref=("DaemonSet", "svclb-istio-ingressgateway"),
        labels={"app": "svclb-istio-ingressgateway"},
        message=msg,
        created=T1,
    )
    write_case(
        "pending-k3d104-daemonset-svclb-ports-taken",
        command=f"aksdoctor pending {target['metadata']['name']} -n {ns}",
        expected=expect(
            "pending",
            "https://github.com/k3d-io/k3d/issues/104",
            "[HELP] 1 node(s) didn't have free ports for the requested pod ports",
            "github-issue",
            "1 node(s) didn't have free ports for the requested pod ports",
            "problem",
            "host-port-conflict",
            ["daemonset/svclb-istio-ingressgateway", "-n istio-system", "/ports/0/hostPort"],
            ["the pod svclb-istio-ingressgateway-92p9s, its DaemonSet, image and host ports 15020/80/443"],
            ["traefik's svclb pod holding 80/443 (the usual k3s cause)", "node size"],
        ),
        files={"nodes": [n], "pods": [traefik, target], "events": [event(target, "FailedScheduling", msg)]},
    )


@case
def pending_threadr68_gpu_node_without_device_plugin() -> None:
    """carverauto/threadr#68: an AKS GPU pool created with an image that exposes no nvidia.com/gpu (capacity shows
    cpu, ephemeral-storage, hugepages, memory, pods only): a pod asking for a GPU fits no node."""
    ns = "threadr"
    gpu = node(
        "aks-gpu-46663711-vmss000000",
        pool="gpu",
        cpu="3860m",
        memory="24832340Ki",
        pods=30,
        vm="Standard_NC4as_T4_v3",
        capacity_cpu="4",
    )
    sys_ = node("aks-nodepool1-46663711-vmss000000", pool="nodepool1", cpu="1900m", memory="5Gi", taints=[TAINT_SYS])
    msg = (
        "0/2 nodes are available: 1 Insufficient nvidia.com/gpu, 1 node(s) had untolerated taint "
        "{CriticalAddonsOnly: true}. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming "
        "pod, 1 Preemption is not helpful for scheduling."
    )
    target, rs = pending_app(
        ns,
        "ollama",
        "5d9c7b8f6",
        "k4v8p",
        {"cpu": "1", "memory": "4Gi", "nvidia.com/gpu": "1"},
        msg,
        limits={"nvidia.com/gpu": "1"},
        image="ollama/ollama:0.1.30",
    )
    write_case(
        "pending-threadr68-gpu-node-without-device-plugin",
        command=f"aksdoctor pending {target['metadata']['name']} -n {ns}",
        expected=expect(
            "pending",
            "https://github.com/carverauto/threadr/issues/68",
            "Configure Nvidia Container Runtime in AKS",
            "github-issue",
            "Capacity: cpu: 4, ephemeral-storage: 129886128Ki, hugepages-1Gi: 0, hugepages-2Mi: 0, memory: 28736340Ki, "
            "pods: 30",
            "inconclusive",
            None,
            [],
            ["the GPU node's name, VM size and capacity without nvidia.com/gpu"],
            ["the scheduler message", "the pending pod asking for one GPU", "allocatable from the capacity"],
        ),
        files={
            "nodes": [gpu, sys_],
            "pods": [target],
            "replicasets": [rs],
            "configmaps": [],
            "events": [event(target, "FailedScheduling", msg)],
        },
    )


# ---- nodecpu ------------------------------------------------------------------------------------
SUB = "3f2b7c1e-8d4a-4b6f-9e2d-7a1c5b8e0f42"
EXAMPLE_ARM = OUT.parent.parent / "examples" / "bundles" / "nodecpu-autoscaler-max-reached" / "azure" / "arm.jsonl"


def aks_node(
    pool: str,
    pool_id: str,
    i: int,
    *,
    mode: str = "user",
    cpu: str = "3860m",
    vm: str = "Standard_D4ds_v5",
    taints: list[dict[str, str]] | None = None,
    capacity_cpu: str = "4",
) -> dict[str, Any]:
    """An AKS node of cluster rg-shop-prod/aks-prod (its providerID names the subscription and scale set)."""
    name = f"aks-{pool}-{pool_id}-vmss{i:06d}"
    n = node(name, pool=pool, cpu=cpu, memory="12Gi", vm=vm, taints=taints, capacity_cpu=capacity_cpu)
    n["metadata"]["labels"] |= {
        "kubernetes.azure.com/mode": mode,
        "kubernetes.azure.com/cluster": "MC_rg-shop-prod_aks-prod_westeurope",
    }
    n["spec"]["providerID"] = (
        f"azure:///subscriptions/{SUB}/resourceGroups/mc_rg-shop-prod_aks-prod_westeurope/providers/"
        f"Microsoft.Compute/virtualMachineScaleSets/aks-{pool}-{pool_id}-vmss/virtualMachines/{i}"
    )
    return n


def node_metrics(n: dict[str, Any], cpu_m: int) -> dict[str, Any]:
    return {
        "apiVersion": "metrics.k8s.io/v1beta1",
        "kind": "NodeMetrics",
        "metadata": {"name": n["metadata"]["name"], "labels": n["metadata"]["labels"]},
        "timestamp": T2,
        "window": "20.035s",
        "usage": {"cpu": f"{cpu_m}m", "memory": "4012344Ki"},
    }


def pod_metrics(p: dict[str, Any], cpu_m: dict[str, int]) -> dict[str, Any]:
    return {
        "apiVersion": "metrics.k8s.io/v1beta1",
        "kind": "PodMetrics",
        "metadata": {
            "name": p["metadata"]["name"],
            "namespace": p["metadata"]["namespace"],
            "labels": p["metadata"].get("labels", {}),
        },
        "timestamp": T2,
        "window": "15.011s",
        "containers": [{"name": c, "usage": {"cpu": f"{m}m", "memory": "256Mi"}} for c, m in cpu_m.items()],
    }


def app_pods(
    ns: str, app: str, rs_hash: str, placed: list[tuple[dict[str, Any], int]], request: str, limit: str | None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Running replicas of a Deployment (pods, their PodMetrics) on the given nodes with their CPU use."""
    pods, metrics = [], []
    rs = f"{app}-{rs_hash}"
    for i, (n, used) in enumerate(placed):
        p = pod(
            ns,
            f"{rs}-{h(app + str(i))}",
            [
                container(
                    app,
                    f"contoso.azurecr.io/{app}:2.1.0",
                    {"cpu": request, "memory": "512Mi"},
                    {"cpu": limit, "memory": "1Gi"} if limit else {"memory": "1Gi"},
                )
            ],
            node_name=n["metadata"]["name"],
            owner_ref=("ReplicaSet", rs),
            labels={"app": app},
        )
        pods.append(p)
        metrics.append(pod_metrics(p, {app: used}))
    return pods, metrics


def hpa(
    ns: str, name: str, target: str, lo: int, hi: int, current: int, utilization: int, target_pct: int = 70
) -> dict[str, Any]:
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": name, "namespace": ns, "uid": uid("hpa", ns, name)},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target},
            "minReplicas": lo,
            "maxReplicas": hi,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": target_pct}},
                }
            ],
        },
        "status": {
            "currentReplicas": current,
            "desiredReplicas": current,
            "currentMetrics": [
                {"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": utilization}}}
            ],
            "conditions": [
                {"type": "ScalingActive", "status": "True", "reason": "ValidMetricFound", "lastTransitionTime": T1}
            ],
        },
    }


def apiservice(available: bool, reason: str = "Passed", message: str = "all checks passed") -> dict[str, Any]:
    return {
        "apiVersion": "apiregistration.k8s.io/v1",
        "kind": "APIService",
        "metadata": {"name": "v1beta1.metrics.k8s.io", "uid": uid("apiservice", "v1beta1.metrics.k8s.io")},
        "spec": {
            "group": "metrics.k8s.io",
            "version": "v1beta1",
            "service": {"name": "metrics-server", "namespace": "kube-system", "port": 443},
        },
        "status": {
            "conditions": [
                {
                    "type": "Available",
                    "status": "True" if available else "False",
                    "reason": reason,
                    "message": message,
                    "lastTransitionTime": T1,
                }
            ]
        },
    }


def arm_records(pools: list[dict[str, Any]], usages: dict[str, tuple[int, int]] | None = None) -> list[dict[str, Any]]:
    """The managed cluster, compute usages and VM sizes of examples/bundles/nodecpu-autoscaler-max-reached (shapes
    from the public ARM examples), with this case's agent pools and usages."""
    recs = [json.loads(line) for line in EXAMPLE_ARM.read_text(encoding="utf-8").splitlines() if line.strip()]
    template = recs[1]["body"]["properties"]["agentPoolProfiles"][-1]
    profiles = [template | p for p in pools]
    for p in profiles:
        if not p.get("enableAutoScaling"):
            p.pop("minCount", None)
            p.pop("maxCount", None)
            p["enableAutoScaling"] = False
    recs[0]["body"]["value"][0]["properties"]["agentPoolProfiles"] = profiles
    recs[1]["body"]["properties"]["agentPoolProfiles"] = profiles
    for u in recs[2]["body"]["value"]:
        if usages and u["name"]["value"] in usages:
            u["currentValue"], u["limit"] = usages[u["name"]["value"]]
    return recs


def nodecpu_case(
    slug: str,
    *,
    expected: dict[str, Any],
    files: dict[str, list[dict[str, Any]]],
    azure: list[dict[str, Any]] | None = None,
    command: str = "aksdoctor nodecpu",
) -> None:
    write_case(slug, command=command, expected=expected, files=files, azure=azure)


def system_node_metrics(nodes: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """kube-system DaemonSet pods on every node (kube-proxy), small and steady."""
    pods, metrics = [], []
    for n in nodes:
        p = pod(
            "kube-system",
            f"kube-proxy-{h(n['metadata']['name'])}",
            [container("kube-proxy", "mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.30.6", {"cpu": "100m"})],
            node_name=n["metadata"]["name"],
            owner_ref=("DaemonSet", "kube-proxy"),
            labels={"component": "kube-proxy"},
        )
        pods.append(p)
        metrics.append(pod_metrics(p, {"kube-proxy": 20}))
    return pods, metrics


@case
def nodecpu_aks1779_maxed_nodes_no_pending_pods() -> None:
    """Azure/AKS#1779: nodes at ~100% CPU with the autoscaler on, but no pod is pending: the autoscaler acts on
    requests, and the pods use far more than they request."""
    nodes = [aks_node("nodepool1", "28157343", i, mode="system") for i in range(4)]
    pods, metrics = system_node_metrics(nodes)
    p, m = app_pods("default", "api", "6b9f7c8d5", [(n, 3700) for n in nodes], "250m", None)
    # limits set high but present: no runaway; requests far below use
    for x in p:
        x["spec"]["containers"][0]["resources"]["limits"]["cpu"] = "4"
    nodecpu_case(
        "nodecpu-aks1779-maxed-nodes-no-pending-pods",
        expected=expect(
            "nodecpu",
            "https://github.com/Azure/AKS/issues/1779",
            "nodepool autoscaling not working",
            "github-issue",
            "scheduler maxed out nodes (almost all go to or over 100% mem and cpu) ... The nodes can be maxed out but "
            "do you have pods pending in your cluster? If there are no pending pods, autoscaler doesn't take action.",
            "problem",
            "cpu-requests-underestimated",
            ["kubectl set resources deployment/api -n default", "--requests=cpu="],
            ["4 nodes, autoscaling enabled, nodes at or over 100% CPU, no pending pods"],
            ["the workload, its requests (250m) and use", "node sizes"],
        ),
        files={
            "nodes": nodes,
            "pods": [*pods, *p],
            "nodemetrics": [node_metrics(n, 3840) for n in nodes],
            "podmetrics": [*metrics, *m],
            "replicasets": [replicaset("default", "api-6b9f7c8d5", "api", 4, 4, {"app": "api"})],
            "horizontalpodautoscalers": [],
        },
    )


@case
def nodecpu_autoscaler6690_usage_not_requests() -> None:
    """kubernetes/autoscaler#6690: all nodes at 100% CPU usage, autoscaling enabled, no new node: the autoscaler
    looks at requests only."""
    nodes = [aks_node("userpool", "41170563", i) for i in range(3)]
    pods, metrics = system_node_metrics(nodes)
    p, m = [], []
    for app, hash_, per in (("renderer", "7c9d5b6f8", 1900), ("ingest", "5f8b7d9c6", 1800)):
        a, b = app_pods("media", app, hash_, [(n, per) for n in nodes], "200m", "2")
        p += a
        m += b
    nodecpu_case(
        "nodecpu-autoscaler6690-usage-not-requests",
        expected=expect(
            "nodecpu",
            "https://github.com/kubernetes/autoscaler/issues/6690",
            "[AKS] Autoscale agentpool based on node-level CPU usage metrics",
            "github-issue",
            "In some circumstances, even if all nodes are at 100 % CPU usage and autoscaling is enabled, no new nodes "
            "will be scheduled because the autoscaler only looks at CPU requests.",
            "problem",
            "cpu-requests-underestimated",
            ["kubectl set resources deployment/", "-n media", "--requests=cpu="],
            ["all nodes at 100% CPU usage, autoscaling enabled, no scale-up"],
            ["two workloads and their requests", "3 nodes of Standard_D4ds_v5"],
        ),
        files={
            "nodes": nodes,
            "pods": [*pods, *p],
            "nodemetrics": [node_metrics(n, 3820) for n in nodes],
            "podmetrics": [*metrics, *m],
            "replicasets": [
                replicaset("media", "renderer-7c9d5b6f8", "renderer", 3, 3, {"app": "renderer"}),
                replicaset("media", "ingest-5f8b7d9c6", "ingest", 3, 3, {"app": "ingest"}),
            ],
            "horizontalpodautoscalers": [],
        },
    )


@case
def nodecpu_aksengine3449_metrics_not_available_yet() -> None:
    """Azure/aks-engine#3449: `kubectl top nodes` says "metrics not available yet" while metrics-server Runs:
    kubelet scrapes fail (401 Unauthorized), so metrics.k8s.io serves no NodeMetrics."""
    nodes = [aks_node("agentpool", "57656757", i) for i in range(2)]
    ms = pod(
        "kube-system",
        "metrics-server-6df44d5569-r2hj2",
        [container("metrics-server", "mcr.microsoft.com/oss/kubernetes/metrics-server:v0.3.6", {"cpu": "44m"})],
        node_name=nodes[0]["metadata"]["name"],
        owner_ref=("ReplicaSet", "metrics-server-6df44d5569"),
        labels={"k8s-app": "metrics-server"},
    )
    nodecpu_case(
        "nodecpu-aksengine3449-metrics-not-available-yet",
        expected=expect(
            "nodecpu",
            "https://github.com/Azure/aks-engine/issues/3449",
            "kubectl top nodes: error: metrics not available yet",
            "github-issue",
            "error: metrics not available yet",
            "problem",
            "metrics-unavailable",
            ["kubectl -n kube-system logs -l k8s-app=metrics-server"],
            ["kubectl top's error", "metrics-server-6df44d5569-r2hj2 Running 1/1", "APIService served"],
            ["the empty NodeMetrics list (what 'not available yet' reads)", "node names from the metrics-server log"],
        ),
        files={
            "nodes": nodes,
            "pods": [ms],
            "nodemetrics": [],
            "podmetrics": [],
            "apiservice-metrics": [apiservice(True)],
            "replicasets": [
                replicaset(
                    "kube-system", "metrics-server-6df44d5569", "metrics-server", 1, 1, {"k8s-app": "metrics-server"}
                )
            ],
        },
    )


@case
def nodecpu_metricsserver448_failed_discovery() -> None:
    """kubernetes-sigs/metrics-server#448: kubectl top node -> ServiceUnavailable; the APIService fails its
    discovery check."""
    nodes = [aks_node("nodepool1", "19276340", i, mode="system") for i in range(2)]
    msg = (
        "failing or missing response from https://10.244.1.43:4443/apis/metrics.k8s.io/v1beta1: Get "
        '"https://10.244.1.43:4443/apis/metrics.k8s.io/v1beta1": context deadline exceeded'
    )
    ms = pod(
        "kube-system",
        "metrics-server-7b4c8d9f6-5tqkz",
        [container("metrics-server", "mcr.microsoft.com/oss/kubernetes/metrics-server:v0.7.2", {"cpu": "50m"})],
        node_name=nodes[1]["metadata"]["name"],
        owner_ref=("ReplicaSet", "metrics-server-7b4c8d9f6"),
        labels={"k8s-app": "metrics-server"},
    )
    nodecpu_case(
        "nodecpu-metricsserver448-failed-discovery",
        expected=expect(
            "nodecpu",
            "https://github.com/kubernetes-sigs/metrics-server/issues/448",
            "kubectl top node Error from server (ServiceUnavailable): the server is currently unable to handle the request (get nodes.metrics.k8s.io)",
            "github-issue",
            "Error from server (ServiceUnavailable): the server is currently unable to handle the request (get nodes.metrics.k8s.io)",
            "problem",
            "metrics-unavailable",
            ["kubectl get apiservice v1beta1.metrics.k8s.io -o yaml"],
            ["the ServiceUnavailable error", "the APIService address 10.244.1.43 and 'context deadline exceeded'"],
            ["AKS node names", "metrics-server version"],
        ),
        files={
            "nodes": nodes,
            "pods": [ms],
            "apiservice-metrics": [apiservice(False, "FailedDiscoveryCheck", msg)],
            "replicasets": [
                replicaset(
                    "kube-system", "metrics-server-7b4c8d9f6", "metrics-server", 1, 1, {"k8s-app": "metrics-server"}
                )
            ],
        },
    )


@case
def nodecpu_scw43_metrics_server_pending_on_taint() -> None:
    """stefanprodan/k8s-scw-baremetal#43: "metrics not available yet"; the dashboard shows metrics-server
    Pending: "0/1 nodes are available: 1 node(s) had taints that the pod didn't tolerate"."""
    n = node(
        "arm-master-1",
        cpu="4",
        memory="8Gi",
        vm="C1",
        taints=[{"key": "node-role.kubernetes.io/master", "effect": "NoSchedule"}],
        labels={"node-role.kubernetes.io/master": ""},
    )
    msg = "0/1 nodes are available: 1 node(s) had taints that the pod didn't tolerate."
    ms = pod(
        "kube-system",
        "metrics-server-5c4b7d8f9-xk2pq",
        [container("metrics-server", "k8s.gcr.io/metrics-server-arm:v0.3.1", {"cpu": "40m", "memory": "40Mi"})],
        owner_ref=("ReplicaSet", "metrics-server-5c4b7d8f9"),
        labels={"k8s-app": "metrics-server"},
        message=msg,
        created=T1,
    )
    nodecpu_case(
        "nodecpu-scw43-metrics-server-pending-on-taint",
        expected=expect(
            "nodecpu",
            "https://github.com/stefanprodan/k8s-scw-baremetal/issues/43",
            '"error: metrics not available yet"',
            "github-issue",
            "0/1 nodes are available: 1 node(s) had taints that the pod didn't tolerate.",
            "problem",
            "metrics-unavailable",
            ["metrics-server", "tolerations", "node-role.kubernetes.io/master"],
            ["kubectl top's error", "the scheduler message on metrics-server"],
            ["the master taint (the repo's single-node arm setup)", "APIService state MissingEndpoints"],
        ),
        files={
            "nodes": [n],
            "pods": [ms],
            "apiservice-metrics": [
                apiservice(
                    False,
                    "MissingEndpoints",
                    'endpoints for service/metrics-server in "kube-system" have no addresses with port name "https"',
                )
            ],
            "replicasets": [
                replicaset(
                    "kube-system", "metrics-server-5c4b7d8f9", "metrics-server", 1, 0, {"k8s-app": "metrics-server"}
                )
            ],
            "events": [event(ms, "FailedScheduling", msg)],
            "configmaps": [],
        },
    )


@case
def nodecpu_aks4419_usage_not_in_pod_metrics() -> None:
    """Azure/AKS#4419: the node is at 100% CPU, but the pods' metrics stay negligible (the load runs in cgroups
    the pod metrics do not see): nothing the cluster shows explains it."""
    nodes = [aks_node("evalpool", "36120874", i) for i in range(2)]
    pods, metrics = system_node_metrics(nodes)
    p, m = app_pods("judge", "evaluator", "84d6c9b7f", [(nodes[0], 40), (nodes[1], 35)], "500m", "2")
    nodecpu_case(
        "nodecpu-aks4419-usage-not-in-pod-metrics",
        expected=expect(
            "nodecpu",
            "https://github.com/Azure/AKS/issues/4419",
            "[BUG] CPU-intensive workload within a cgroup within a pod loads node's CPU to 100%, but is not visible in pod's metrics thus blocking HPA",
            "github-issue",
            "The CPU consumption on the node increases to 100%. But the CPU consumption in the pod as reported by "
            "'kubectl top' or PERF table in the Log Analytics workspace remains negligible",
            "inconclusive",
            None,
            [],
            ["node at 100% while the pod's metrics stay negligible"],
            ["pool name, node count, the evaluator Deployment"],
        ),
        files={
            "nodes": nodes,
            "pods": [*pods, *p],
            "nodemetrics": [node_metrics(n, 3850) for n in nodes],
            "podmetrics": [*metrics, *m],
            "replicasets": [replicaset("judge", "evaluator-84d6c9b7f", "evaluator", 2, 2, {"app": "evaluator"})],
            "horizontalpodautoscalers": [],
        },
    )


def pending_replicas(ns: str, app: str, rs_hash: str, count: int, request: str, message: str) -> list[dict[str, Any]]:
    rs = f"{app}-{rs_hash}"
    return [
        pod(
            ns,
            f"{rs}-{h(app + 'pending' + str(i))}",
            [container(app, f"contoso.azurecr.io/{app}:2.1.0", {"cpu": request, "memory": "512Mi"})],
            owner_ref=("ReplicaSet", rs),
            labels={"app": app},
            message=message,
            created=T1,
        )
        for i in range(count)
    ]


@case
def nodecpu_k8s59888_hpa_at_max_without_replicasets() -> None:
    """kubernetes/kubernetes#59888: HPA production-magento sits at maxReplicas and wants more. The capture has the
    Deployment but no ReplicaSets (a read-only role without replicasets), so the HPA is matched by its selector."""
    ns = "default"
    nodes = [aks_node("userpool", "30417762", i) for i in range(3)]
    pods, metrics = system_node_metrics(nodes)
    p, m = app_pods(ns, "production-magento", "5d8c7f9b6", [(n, 1250) for n in nodes for _ in range(3)], "1", "2")
    dep = deployment(ns, "production-magento", 9, {"app": "production-magento"}, p[0]["spec"])
    nodecpu_case(
        "nodecpu-k8s59888-hpa-at-max-without-replicasets",
        expected=expect(
            "nodecpu",
            "https://github.com/kubernetes/kubernetes/issues/59888",
            "HPA is refuses to autoscale if DesiredReplicas > MaxReplicas (but I want it to scale up to MaxReplicas)",
            "github-issue",
            'As a test, I increased my "MaxReplica" from 200 to 400. I was finally able to see my pods scale up',
            "problem",
            "hpa-at-max-replicas",
            ["kubectl patch hpa production-magento -n default", "maxReplicas"],
            ["the HPA name, Deployment target and the fix the reporter found (raise maxReplicas)"],
            [
                "9 replicas at a maximum of 9 (the report's 200 scaled down)",
                "CPU at 125% of request, target 80%",
                "no ReplicaSets in the capture",
            ],
        ),
        files={
            "nodes": nodes,
            "pods": [*pods, *p],
            "nodemetrics": [node_metrics(n, 3800) for n in nodes],
            "podmetrics": [*metrics, *m],
            "deployments": [dep],
            "horizontalpodautoscalers": [hpa(ns, "production-magento", "production-magento", 3, 9, 9, 125, 80)],
        },
    )


@case
def nodecpu_n8n51_pending_pods_pool_at_max() -> None:
    """n8n-io/terraform-aws-n8n#51: the HPAs scaled to their maxima, 15 pods Pending with Insufficient cpu, and the
    node group at its maximum: capacity cannot follow, whatever the HPA says."""
    ns = "n8n"
    nodes = [aks_node("userpool", "52841190", i) for i in range(6)]
    pods, metrics = system_node_metrics(nodes)
    p, m = app_pods(ns, "n8n-main", "7b5d9c8f4", [(n, 1700) for n in nodes for _ in range(2)], "1500m", "2")
    msg = "0/6 nodes are available: 6 Insufficient cpu. preemption: 0/6 nodes are available: 6 No preemption victims found for incoming pod."
    waiting = pending_replicas(ns, "n8n-main", "7b5d9c8f4", 15, "1500m", msg)
    nodecpu_case(
        "nodecpu-n8n51-pending-pods-pool-at-max",
        expected=expect(
            "nodecpu",
            "https://github.com/n8n-io/terraform-aws-n8n/issues/51",
            "Default HPA max replicas exceed schedulable capacity of the default node group",
            "github-issue",
            "the HPAs scaled toward their maxima and left 15 pods Pending with `Insufficient cpu` while the cluster "
            "autoscaler was already at `node_max`",
            "problem",
            "autoscaler-max-reached",
            ["az aks nodepool update", "-n userpool", "--update-cluster-autoscaler"],
            ["15 pods Pending with Insufficient cpu", "node group at its maximum of 6", "HPA at its maximum of 20"],
            ["the cloud (the report is EKS; rebuilt as an AKS pool)", "12 running replicas on 6 nodes"],
        ),
        files={
            "nodes": nodes,
            "pods": [*pods, *p, *waiting],
            "nodemetrics": [node_metrics(n, 3600) for n in nodes],
            "podmetrics": [*metrics, *m],
            "replicasets": [replicaset(ns, "n8n-main-7b5d9c8f4", "n8n-main", 27, 12, {"app": "n8n-main"})],
            "horizontalpodautoscalers": [hpa(ns, "n8n-main", "n8n-main", 2, 20, 20, 115, 80)],
        },
        azure=arm_records(
            [
                {
                    "name": "nodepool1",
                    "count": 2,
                    "mode": "System",
                    "enableAutoScaling": False,
                    "nodeTaints": ["CriticalAddonsOnly=true:NoSchedule"],
                },
                {
                    "name": "userpool",
                    "count": 6,
                    "mode": "User",
                    "enableAutoScaling": True,
                    "minCount": 2,
                    "maxCount": 6,
                },
            ]
        ),
    )


@case
def nodecpu_azuredocs13276_single_pool_pending() -> None:
    """MicrosoftDocs/azure-docs#13276: the tutorial's azure-vote-front scaled to 5 on a one-node cluster
    (aks-nodepool1-18994837-0): 4 replicas stay Pending; the single pool does not autoscale."""
    ns = "default"
    nodes = [aks_node("nodepool1", "18994837", 0, mode="system")]
    pods, metrics = system_node_metrics(nodes)
    p, m = app_pods(ns, "azure-vote-front", "7977d8866f", [(nodes[0], 3300)], "250m", None)
    b, bm = app_pods(ns, "azure-vote-back", "655476c7f7", [(nodes[0], 150)], "100m", "250m")
    msg = "0/1 nodes are available: 1 Insufficient cpu."
    waiting = pending_replicas(ns, "azure-vote-front", "7977d8866f", 4, "1", msg)
    for w in (*p, *waiting):
        w["spec"]["containers"][0]["resources"]["requests"]["cpu"] = "1"
    nodecpu_case(
        "nodecpu-azuredocs13276-single-pool-pending",
        expected=expect(
            "nodecpu",
            "https://github.com/MicrosoftDocs/azure-docs/issues/13276",
            "when scaling up to 5 replicas new pods stay in pending state",
            "github-issue",
            "azure-vote-front-7977d8866f-6h5d2   0/1       Pending   0          7h",
            "problem",
            "autoscaler-disabled",
            ["az aks nodepool", "-n nodepool1"],
            ["one node aks-nodepool1-18994837-0", "azure-vote-front 5 desired, 1 available; 4 Pending"],
            ["CPU use and requests", "the pool's autoscaler off and its quota"],
        ),
        files={
            "nodes": nodes,
            "pods": [*pods, *p, *b, *waiting],
            "nodemetrics": [node_metrics(nodes[0], 3700)],
            "podmetrics": [*metrics, *m, *bm],
            "replicasets": [
                replicaset(ns, "azure-vote-front-7977d8866f", "azure-vote-front", 5, 1, {"app": "azure-vote-front"}),
                replicaset(ns, "azure-vote-back-655476c7f7", "azure-vote-back", 1, 1, {"app": "azure-vote-back"}),
            ],
            "horizontalpodautoscalers": [],
        },
        azure=arm_records([{"name": "nodepool1", "count": 1, "mode": "System", "enableAutoScaling": False}]),
    )


@case
def nodecpu_aks2345_pending_pods_quota() -> None:
    """Azure/AKS#2345: cluster-autoscaler failures when scaling to many nodes or hitting quota limits: the pool
    may grow, the region's vCPU quota may not."""
    ns = "jobs"
    nodes = [aks_node("userpool", "61523309", i) for i in range(5)]
    pods, metrics = system_node_metrics(nodes)
    p, m = app_pods(ns, "trainer", "6c8f5d7b9", [(n, 3500) for n in nodes], "3", "4")
    msg = "0/5 nodes are available: 5 Insufficient cpu."
    waiting = pending_replicas(ns, "trainer", "6c8f5d7b9", 4, "3", msg)
    nodecpu_case(
        "nodecpu-aks2345-pending-pods-quota",
        expected=expect(
            "nodecpu",
            "https://github.com/Azure/AKS/issues/2345",
            "[cluster-autoscaler] failures when scaling to large numbers of nodes or hitting quota limits",
            "github-issue",
            "[cluster-autoscaler] failures when scaling to large numbers of nodes or hitting quota limits",
            "problem",
            "vm-quota-exceeded",
            ["az quota update", "standardDDSv5Family"],
            ["scale-ups that fail at the quota"],
            ["pool sizes, the quota figures (20 of 20 DDSv5 vCPUs)", "the trainer workload"],
        ),
        files={
            "nodes": nodes,
            "pods": [*pods, *p, *waiting],
            "nodemetrics": [node_metrics(n, 3750) for n in nodes],
            "podmetrics": [*metrics, *m],
            "replicasets": [replicaset(ns, "trainer-6c8f5d7b9", "trainer", 9, 5, {"app": "trainer"})],
            "horizontalpodautoscalers": [],
        },
        azure=arm_records(
            [
                {
                    "name": "nodepool1",
                    "count": 2,
                    "mode": "System",
                    "enableAutoScaling": False,
                    "nodeTaints": ["CriticalAddonsOnly=true:NoSchedule"],
                },
                {
                    "name": "userpool",
                    "count": 5,
                    "mode": "User",
                    "enableAutoScaling": True,
                    "minCount": 1,
                    "maxCount": 20,
                },
            ],
            {"standardDDSv5Family": (20, 20)},
        ),
    )


GPU_SIZES = [
    {"name": "Standard_D3_v2", "numberOfCores": 4, "osDiskSizeInMB": 1047552, "resourceDiskSizeInMB": 204800,
     "memoryInMB": 14336, "maxDataDiskCount": 16},
    {"name": "Standard_NC4as_T4_v3", "numberOfCores": 4, "osDiskSizeInMB": 1047552, "resourceDiskSizeInMB": 180224,
     "memoryInMB": 28672, "maxDataDiskCount": 8},
    {"name": "Standard_NC6s_v3", "numberOfCores": 6, "osDiskSizeInMB": 1047552, "resourceDiskSizeInMB": 344064,
     "memoryInMB": 114688, "maxDataDiskCount": 12},
]


def on_aks(n: dict[str, Any], i: int) -> dict[str, Any]:
    """The node as an AKS node of cluster rg-shop-prod/aks-prod (the providerID that names its scale set)."""
    pool = n["metadata"]["labels"]["agentpool"]
    vmss = n["metadata"]["name"].rsplit("vmss", 1)[0] + "vmss"
    n["metadata"]["labels"]["kubernetes.azure.com/cluster"] = "MC_rg-shop-prod_aks-prod_westeurope"
    n["spec"]["providerID"] = (
        f"azure:///subscriptions/{SUB}/resourceGroups/mc_rg-shop-prod_aks-prod_westeurope/providers/"
        f"Microsoft.Compute/virtualMachineScaleSets/{vmss}/virtualMachines/{i}"
    )
    assert pool
    return n


def gpu_arm_records(pools: list[dict[str, Any]], usages: dict[str, tuple[int, int]]) -> list[dict[str, Any]]:
    """arm_records with the region's VM sizes holding GPU sizes and the GPU families' usages (0 vCPUs: the default
    of a subscription that never asked for them)."""
    recs = arm_records(pools)
    recs[3]["body"]["value"] = [*recs[3]["body"]["value"], *GPU_SIZES]
    for family, label in (("standardNCASv3_T4Family", "Standard NCASv3_T4 Family vCPUs"),
                          ("standardNCSv3Family", "Standard NCSv3 Family vCPUs")):
        recs[2]["body"]["value"].append(
            {"limit": 0, "unit": "Count", "currentValue": 0, "name": {"value": family, "localizedValue": label}}
        )
    for u in recs[2]["body"]["value"]:
        if u["name"]["value"] in usages:
            u["currentValue"], u["limit"] = usages[u["name"]["value"]]
    return recs


@case
def pending_mln487_gpu_model_on_cpu_only_cluster() -> None:
    """Azure/MachineLearningNotebooks#487: a GPU model deployed by Azure ML to an AKS cluster whose only pool is
    of a VM size without GPUs ("0/3 nodes are available: 3 Insufficient nvidia.com/gpu."): more nodes of that pool
    cannot help, a pool of a GPU size can — and the GPU family's regional quota (0 vCPUs) must be raised first."""
    ns = "azureml-mlws"
    nodes = [on_aks(node(f"aks-agentpool-31094752-vmss{i:06d}", pool="agentpool", cpu="3860m", memory="10566592Ki",
                         vm="Standard_D3_v2", capacity_cpu="4"), i) for i in range(3)]
    fill = [filler(ns, "azureml-fe", n["metadata"]["name"], "100m", "256Mi") for n in nodes]
    msg = "0/3 nodes are available: 3 Insufficient nvidia.com/gpu."
    target, rs = pending_app(
        ns, "imgclassify", "7f9c6d5b8", "p2w7r", {"cpu": "100m", "memory": "512Mi", "nvidia.com/gpu": "1"}, msg,
        limits={"nvidia.com/gpu": "1"}, image="mlws0a1b2c3d.azurecr.io/azureml/azureml_5f0c1e2d:1",
    )
    write_case(
        "pending-mln487-gpu-model-on-cpu-only-cluster",
        command=f"aksdoctor pending {target['metadata']['name']} -n {ns}",
        expected=expect(
            "pending",
            "https://github.com/Azure/MachineLearningNotebooks/issues/487",
            'deployment error on kubernetes - "code": "Unschedulable", "message": "0/3 nodes are available: 3 '
            'Insufficient nvidia.com/gpu."',
            "github-issue",
            msg,
            "problem",
            "request-exceeds-node-size",
            ["Standard_NC4as_T4_v3", "az quota update", "standardNCASv3_T4Family"],
            ["the scheduler message", "three nodes"],
            ["the pool (Standard_D3_v2, autoscaler off: Azure ML's default inference cluster)", "namespace and names",
             "the region's VM sizes and the GPU families' quota of 0 vCPUs"],
        ),
        files={"nodes": nodes, "pods": [*fill, target], "replicasets": [rs], "configmaps": [],
               "events": [event(target, "FailedScheduling", msg, count=8)]},
        azure=gpu_arm_records(
            [{"name": "agentpool", "count": 3, "vmSize": "Standard_D3_v2", "mode": "System", "enableAutoScaling": False}],
            {"cores": (12, 100), "standardDv2Family": (12, 100)},
        ),
    )


@case
def pending_aks4418_spot_gpu_nodes_without_gpu_capacity() -> None:
    """Azure/AKS#4418: Spot nodes of a Standard_NC6s_v3 pool advertise no nvidia.com/gpu; a new node of the pool
    would not either, so neither "scale-up in progress" nor another VM size is the answer (the device plugin is)."""
    ns = "kubeflow-user"
    spot_taints = [{"key": "type", "value": "gpu-spot", "effect": "NoSchedule"},
                   {"key": "kubernetes.azure.com/scalesetpriority", "value": "spot", "effect": "NoSchedule"}]
    gpu = on_aks(node("aks-gpuspot-27718324-vmss000000", pool="gpuspot", cpu="5840m", memory="51573948Ki",
               vm="Standard_NC6s_v3", capacity_cpu="6", taints=spot_taints,
               labels={"type": "gpu-spot", "kubernetes.azure.com/scalesetpriority": "spot"}), 0)
    sys_ = on_aks(node("aks-nodepool1-27718324-vmss000000", pool="nodepool1", cpu="1900m", memory="5Gi",
                       taints=[TAINT_SYS]), 0)
    msg = (
        "0/2 nodes are available: 1 Insufficient nvidia.com/gpu, 1 node(s) didn't match Pod's node affinity/selector. "
        "preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not "
        "helpful for scheduling."
    )
    tolerations = [{"key": t["key"], "operator": "Equal", "value": t["value"], "effect": "NoSchedule"}
                   for t in spot_taints]
    target, rs = pending_app(
        ns, "notebook", "6b8d7c9f5", "q8z2m", {"cpu": "1", "memory": "4Gi", "nvidia.com/gpu": "1"}, msg,
        limits={"nvidia.com/gpu": "1"}, image="kubeflownotebookswg/jupyter-pytorch-cuda-full:v1.8.0",
        tolerations=tolerations, node_selector={"type": "gpu-spot"},
    )
    write_case(
        "pending-aks4418-spot-gpu-nodes-without-gpu-capacity",
        command=f"aksdoctor pending {target['metadata']['name']} -n {ns}",
        expected=expect(
            "pending",
            "https://github.com/Azure/AKS/issues/4418",
            "[BUG] Missing nvidia.com/gpu capacity in Spot nodes",
            "github-issue",
            "Missing **nvidia.com/gpu: 1** capacity in the Spot nodes",
            "inconclusive",
            None,
            [],
            ["the pool gpuspot: Standard_NC6s_v3, Spot, min 0 max 3, autoscaling, its labels and taints",
             "the node's instance type", "the GPU node's allocatable cpu and memory"],
            ["the scheduler message", "the pending pod and its tolerations", "the system pool", "one node present"],
        ),
        files={"nodes": [gpu, sys_], "pods": [target], "replicasets": [rs], "configmaps": [],
               "events": [event(target, "FailedScheduling", msg, count=5)]},
        azure=gpu_arm_records(
            [
                {"name": "nodepool1", "count": 1, "mode": "System", "enableAutoScaling": False,
                 "nodeTaints": ["CriticalAddonsOnly=true:NoSchedule"]},
                {"name": "gpuspot", "count": 1, "vmSize": "Standard_NC6s_v3", "mode": "User",
                 "enableAutoScaling": True, "minCount": 0, "maxCount": 3, "scaleSetPriority": "Spot",
                 "scaleSetEvictionPolicy": "Delete", "spotMaxPrice": -1,
                 "nodeLabels": {"type": "gpu-spot", "kubernetes.azure.com/scalesetpriority": "spot"},
                 "nodeTaints": ["type=gpu-spot:NoSchedule", "kubernetes.azure.com/scalesetpriority=spot:NoSchedule"]},
            ],
            {"lowPriorityCores": (0, 100)},
        ),
    )


# Rancher/rancher#33885: the sizes Azure listed for the subscription in westus (the message's list up to where the
# issue quotes it): no N-series among them. Cores and memory as Microsoft Learn's size pages give them.
RANCHER33885_SIZES = [
    (name, cores, mem) for name, cores, mem in (
        ("Basic_A0", 1, 768), ("Basic_A1", 1, 1792), ("Basic_A2", 2, 3584), ("Basic_A3", 4, 7168),
        ("Basic_A4", 8, 14336), ("Standard_A2", 2, 3584), ("Standard_A2_v2", 2, 4096), ("Standard_A2m_v2", 2, 16384),
        ("Standard_A3", 4, 7168), ("Standard_A4", 8, 14336), ("Standard_A4_v2", 4, 8192),
        ("Standard_A4m_v2", 4, 32768), ("Standard_A5", 2, 14336), ("Standard_A6", 4, 28672), ("Standard_A7", 8, 57344),
        ("Standard_A8_v2", 8, 16384), ("Standard_A8m_v2", 8, 65536), ("Standard_B12ms", 12, 49152),
        ("Standard_B16ms", 16, 65536), ("Standard_B1ls", 1, 512), ("Standard_B20ms", 20, 81920),
        ("Standard_B2ms", 2, 8192), ("Standard_B2s", 2, 4096), ("Standard_B4ms", 4, 16384), ("Standard_B8ms", 8, 32768),
        ("Standard_D1", 1, 3584), ("Standard_D11", 2, 14336), ("Standard_D11_v2", 2, 14336), ("Standard_D12", 4, 28672),
        ("Standard_D12_v2", 4, 28672), ("Standard_D13", 8, 57344), ("Standard_D13_v2", 8, 57344),
        ("Standard_D14", 16, 114688), ("Standard_D14_v2", 16, 114688), ("Standard_D16_v3", 16, 65536),
        ("Standard_D16_v4", 16, 65536), ("Standard_D16a_v4", 16, 65536), ("Standard_D16as_v4", 16, 65536),
        ("Standard_D16d_v4", 16, 65536), ("Standard_D16ds_v4", 16, 65536), ("Standard_D16s_v3", 16, 65536),
        ("Standard_D16s_v4", 16, 65536), ("Standard_D1_v2", 1, 3584), ("Standard_D2", 2, 7168),
        ("Standard_D2_v2", 2, 7168), ("Standard_D2_v3", 2, 8192), ("Standard_D2_v4", 2, 8192),
        ("Standard_D2a_v4", 2, 8192), ("Standard_D2as_v4", 2, 8192),
    )
]


@case
def pending_rancher33885_no_gpu_size_for_the_subscription() -> None:
    """rancher/rancher#33885: Azure answers that Standard_NV12 "is not supported for subscription ... in location
    'westus'" and lists the sizes that are: no N-series. A GPU pod on the cluster's D-series pool cannot fit any
    node, and no size of the region's list (as the subscription sees it) offers a GPU either: the answer is
    request-exceeds-node-size without a size to suggest (no `<suggested_vm_size>` left in the text), and the fix
    is the read-only listing of the region's N-series sizes and their restrictions, not a node pool of no size."""
    ns = "render"
    nodes = [on_aks(node(f"aks-nodepool1-40217751-vmss{i:06d}", pool="nodepool1", cpu="15820m", memory="57240592Ki",
                         vm="Standard_D16s_v3", capacity_cpu="16"), i) for i in range(2)]
    msg = "0/2 nodes are available: 2 Insufficient nvidia.com/gpu."
    target, rs = pending_app(
        ns, "nv-render", "5c8f9d7b6", "k4t9x", {"cpu": "2", "memory": "8Gi", "nvidia.com/gpu": "1"}, msg,
        limits={"nvidia.com/gpu": "1"}, image="nvidia/cuda:11.4.0-runtime-ubuntu20.04",
    )
    recs = arm_records(
        [{"name": "nodepool1", "count": 2, "vmSize": "Standard_D16s_v3", "mode": "System", "enableAutoScaling": False}],
        {"cores": (32, 100), "standardDSv3Family": (32, 100)},
    )
    recs[3]["body"]["value"] = [
        {"name": name, "numberOfCores": cores, "osDiskSizeInMB": 1047552, "resourceDiskSizeInMB": 32768,
         "memoryInMB": mem, "maxDataDiskCount": 8} for name, cores, mem in RANCHER33885_SIZES
    ]
    recs = json.loads(json.dumps(recs).replace("westeurope", "westus"))
    nodes = json.loads(json.dumps(nodes).replace("westeurope", "westus"))
    write_case(
        "pending-rancher33885-no-gpu-size-for-the-subscription",
        command=f"aksdoctor pending {target['metadata']['name']} -n {ns}",
        expected=expect(
            "pending",
            "https://github.com/rancher/rancher/issues/33885",
            "Cannot provision GPU machines - Cluster Creation - Azure",
            "github-issue",
            "Code=\"VMSizeNotSupported\" Message=\"Virtual Machine size: 'Standard_NV12' is not supported for "
            "subscription xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx in location 'westus'. The available VM sizes are "
            "'basic_a0,basic_a1,basic_a2,basic_a3,basic_a4,",
            "problem",
            "request-exceeds-node-size",
            ["az vm list-skus", "westus", "Standard_N"],
            ["the region (westus)", "the sizes the subscription may use there, up to where the issue quotes them"],
            ["an existing cluster with a Standard_D16s_v3 pool (the issue creates one)", "the GPU pod and the "
             "scheduler message", "namespace and names", "cores and memory of the listed sizes (Microsoft Learn)"],
        ),
        files={"nodes": nodes, "pods": [target], "replicasets": [rs], "configmaps": [],
               "events": [event(target, "FailedScheduling", msg, count=6)]},
        azure=recs,
    )


@case
def pending_aks2665_backoff_subnet_cannot_hold_a_node() -> None:
    """Azure/AKS#2665 as its author resolved it: the pool is in backoff after a failed scale-up with no error text,
    and the cause was "an insufficient number of IP addresses remaining in the cluster vnet to cover the max number
    of pods that could potentially be scheduled on the new node". With the subnet read (Azure CNI: a new node takes
    maxPods + 1 = 31 addresses; the /26 has 19 left) the answer is subnet-full, not the scheduler's "Too many pods"
    (which is what the same case says when Azure was not read: pending-aks2665-backoff-no-message)."""
    ns, pool, pool_id = "default", "agentpool", "12880745"
    nodes = aks_pool_nodes(pool, pool_id, 1, cpu="1900m", memory="5Gi", pods=30)
    nodes = [on_aks(n, i) for i, n in enumerate(nodes)]
    fill = [filler(ns, "backend", nodes[0]["metadata"]["name"], "100m" if i == 0 else "1m", "64Mi", i)
            for i in range(30)]
    scheduler = "0/1 nodes are available: 1 Too many pods."
    target, rs = pending_app(ns, "web", "5c7d9f8b6", "x2k4q", {"cpu": "100m", "memory": "512Mi"}, scheduler)
    events = [event(target, "FailedScheduling", scheduler, count=12),
              event(target, "NotTriggerScaleUp", "pod didn't trigger scale-up: 1 in backoff after failed scale-up",
                    kind="Normal", component="cluster-autoscaler")]
    vnet_rg = "rg-shop-network"
    subnet_id = (f"/subscriptions/{SUB}/resourceGroups/{vnet_rg}/providers/Microsoft.Network/virtualNetworks/"
                 "vnet-aks/subnets/snet-aks-nodes")
    recs = arm_records(
        [{"name": pool, "count": 1, "vmSize": "Standard_DS2_v2", "mode": "System", "enableAutoScaling": True,
          "minCount": 1, "maxCount": 3, "maxPods": 30, "vnetSubnetID": subnet_id}],
        {"cores": (2, 100), "standardDSv2Family": (2, 100)},
    )
    for r in recs[:2]:
        body = r["body"]["value"][0] if "value" in r["body"] else r["body"]
        body["properties"]["networkProfile"] = {
            "networkPlugin": "azure", "loadBalancerSku": "Standard", "serviceCidr": "10.0.0.0/16",
            "dnsServiceIP": "10.0.0.10", "outboundType": "loadBalancer", "serviceCidrs": ["10.0.0.0/16"],
            "ipFamilies": ["IPv4"],
        }
    vmss = f"/subscriptions/{SUB}/resourceGroups/MC_rg-shop-prod_aks-prod_westeurope/providers/Microsoft.Compute/" \
        f"virtualMachineScaleSets/aks-{pool}-{pool_id}-vmss/virtualMachines/0/networkInterfaces/aks-{pool}-{pool_id}-vmss"
    configs = [{"id": f"{vmss}/ipConfigurations/ipconfig{i}"} for i in range(1, 32)]  # the node + its 30 pod IPs
    configs += [{"id": f"/subscriptions/{SUB}/resourceGroups/{vnet_rg}/providers/Microsoft.Network/networkInterfaces/"
                       f"vm-jump-{i}-nic/ipConfigurations/ipconfig1"} for i in range(9)]  # other VMs of the subnet
    recs.append({
        "method": "GET",
        "url": f"https://management.azure.com{subnet_id}?api-version=2025-05-01",
        "status": 200,
        "body": {"id": subnet_id, "name": "snet-aks-nodes", "type": "Microsoft.Network/virtualNetworks/subnets",
                 "properties": {"addressPrefix": "10.240.0.0/26", "ipConfigurations": configs,
                                "provisioningState": "Succeeded", "privateEndpointNetworkPolicies": "Disabled"}},
    })
    write_case(
        "pending-aks2665-backoff-subnet-cannot-hold-a-node",
        command=f"aksdoctor pending {target['metadata']['name']} -n {ns}",
        expected=expect(
            "pending",
            "https://github.com/Azure/AKS/issues/2665",
            'AKS node autoscaling fails to trigger - "pod didn\'t trigger scale-up: 1 in backoff after failed '
            'scale-up"',
            "github-issue",
            "The cluster autoscaler for nodes was not kicking off due to an insufficient number of IP addresses "
            "remaining in the cluster vnet  to cover the max number of pods that could potentially be scheduled on "
            "the new node.",
            "problem",
            "subnet-full",
            ["snet-aks-nodes", "az aks nodepool add", "agentpool"],
            ["the FailedScheduling and NotTriggerScaleUp texts", "min 1 max 3, one node",
             "the author's resolution: too few addresses left for a new node's maxPods"],
            ["Azure CNI, maxPods 30 and the 30 pods on the node", "the /26 subnet and its 40 used addresses",
             "names"],
        ),
        files={"nodes": nodes, "pods": [*fill, target], "replicasets": [rs], "configmaps": [], "events": events},
        azure=recs,
    )


# Standard_DS2_v2 as Microsoft.Compute/locations/{region}/vmSizes lists it (the cases' pools are of that size)
DS2_V2 = {"name": "Standard_DS2_v2", "numberOfCores": 2, "osDiskSizeInMB": 1047552, "resourceDiskSizeInMB": 14336,
          "memoryInMB": 7168, "maxDataDiskCount": 8}


@case
def pending_aks542_manual_pool_full_and_core_quota_used() -> None:
    """Azure/AKS#542: adding a node to a pool by hand failed ("exceeding quota limits of Core. Maximum allowed: 10,
    Current in use: 10, Additional requested: 2"). A pool that does not autoscale and whose nodes are full is the
    first thing the walk meets; the regional vCPU quota, already used up, is the binding constraint: the quota
    request comes first, the `az aks nodepool scale` after it (scaling first fails exactly as the issue shows)."""
    ns, pool, pool_id = "default", "nodepool1", "28993262"
    nodes = [on_aks(n, i) for i, n in enumerate(aks_pool_nodes(pool, pool_id, 5, cpu="1900m", memory="5Gi"))]
    fill = [filler(ns, "api", n["metadata"]["name"], "1700m", "1Gi") for n in nodes]
    scheduler = ("0/5 nodes are available: 5 Insufficient cpu. preemption: 0/5 nodes are available: 5 No preemption "
                 "victims found for incoming pod.")
    target, rs = pending_app(ns, "worker", "6d8c7b9f5", "r7m2k", {"cpu": "500m", "memory": "512Mi"}, scheduler)
    recs = arm_records(
        [{"name": pool, "count": 5, "vmSize": "Standard_DS2_v2", "mode": "System", "enableAutoScaling": False}],
        {"cores": (10, 10), "standardDSv2Family": (10, 100)},
    )
    recs[3]["body"]["value"].append(DS2_V2)
    write_case(
        "pending-aks542-manual-pool-full-and-core-quota-used",
        command=f"aksdoctor pending {target['metadata']['name']} -n {ns}",
        expected=expect(
            "pending",
            "https://github.com/Azure/AKS/issues/542",
            'Azure Portal Experience - Scaling cluster failed & cluster entered "failed state" due to core quota',
            "github-issue",
            "Deployment failed. Correlation ID: <correlation-id> exceeding quota limits of Core. Maximum allowed: 10, "
            "Current in use: 10, Additional requested: 2.",
            "problem",
            "vm-quota-exceeded",
            ["az quota update --resource-name cores", "value=12", "az aks nodepool scale"],
            ["the regional core quota: 10 allowed, 10 in use, 2 more for one node", "adding a node by hand"],
            ["five Standard_DS2_v2 nodes (10 vCPUs) without autoscaler, full by CPU requests", "the pending pod",
             "names and region"],
        ),
        files={"nodes": nodes, "pods": [*fill, target], "replicasets": [rs], "configmaps": [],
               "events": [event(target, "FailedScheduling", scheduler, count=9)]},
        azure=recs,
    )


@case
def pending_az104lab417_scale_of_an_autoscaling_pool() -> None:
    """MicrosoftLearning/AZ-104-MicrosoftAzureAdministrator#417: `az aks nodepool scale` on a pool whose cluster
    autoscaler is on answers "Cannot scale cluster autoscaler enabled node pool." Here the pool autoscales (1 to 3
    nodes, one node, full) and the autoscaler is in backoff with no message: the pod waits on CPU, and the fix that
    adds nodes must be one AKS accepts for that pool (its autoscaler bounds), not the refused manual scale."""
    ns, pool, pool_id = "default", "agentpool", "41729360"
    nodes = [on_aks(n, i) for i, n in enumerate(aks_pool_nodes(pool, pool_id, 1, cpu="1900m", memory="5Gi"))]
    fill = [filler(ns, "web", nodes[0]["metadata"]["name"], "1800m", "1Gi")]
    scheduler = "0/1 nodes are available: 1 Insufficient cpu."
    target, rs = pending_app(ns, "batch", "7c9d8b6f5", "w3n8p", {"cpu": "500m", "memory": "256Mi"}, scheduler)
    events = [event(target, "FailedScheduling", scheduler, count=7),
              event(target, "NotTriggerScaleUp", "pod didn't trigger scale-up: 1 in backoff after failed scale-up",
                    kind="Normal", component="cluster-autoscaler")]
    recs = arm_records(
        [{"name": pool, "count": 1, "vmSize": "Standard_DS2_v2", "mode": "System", "enableAutoScaling": True,
          "minCount": 1, "maxCount": 3}],
        {"cores": (2, 100), "standardDSv2Family": (2, 100)},
    )
    recs[3]["body"]["value"].append(DS2_V2)
    write_case(
        "pending-az104lab417-scale-of-an-autoscaling-pool",
        command=f"aksdoctor pending {target['metadata']['name']} -n {ns}",
        expected=expect(
            "pending",
            "https://github.com/MicrosoftLearning/AZ-104-MicrosoftAzureAdministrator/issues/417",
            "scale cluster autoscaler - 9c",
            "github-issue",
            'After running the command in Cloud Shell, there is an error "Cannot scale cluster autoscaler enabled '
            'node pool."',
            "problem",
            "insufficient-cpu",
            ["az aks nodepool update", "--update-cluster-autoscaler --min-count 2 --max-count 3"],
            ["a pool with its autoscaler on (enabled by default in the lab)", "a manual scale of it refused"],
            ["one full Standard_DS2_v2 node, min 1 max 3", "the backoff without message", "the pending pod", "names"],
        ),
        files={"nodes": nodes, "pods": [*fill, target], "replicasets": [rs], "configmaps": [], "events": events},
        azure=recs,
    )


def main() -> None:
    for fn in CASES.values():
        fn()


if __name__ == "__main__":
    main()

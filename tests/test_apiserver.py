"""Tests of the fake kube-apiserver, driven by the official client and by kubectl."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from kubernetes import client, config
from kubernetes.client.rest import ApiException

from apiserver import FakeApiServer, RecordedRequest

SUB = "00000000-0000-0000-0000-000000000000"
NODE_RG = "mc_rg-shop_aks-prod_westeurope"
WEB1_UID = "5b7f0c2e-1d3a-4c55-9a0e-0f1e2d3c4b5a"
X2X_UID = "8c9d0e1f-2a3b-4c5d-8e7f-901a2b3c4d5e"
KUBECTL = shutil.which("kubectl")
needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl not installed")


def node(pool: str, vmss_id: str, index: int, *, mode: str = "User", unschedulable: bool = False) -> dict:
    """An AKS VMSS node as `kubectl get node -o json` prints it."""
    name = f"aks-{pool}-{vmss_id}-vmss{index:06d}"
    vmss = f"aks-{pool}-{vmss_id}-vmss"
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": {
                "agentpool": pool,
                "kubernetes.azure.com/agentpool": pool,
                "kubernetes.azure.com/mode": mode.lower(),
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "node.kubernetes.io/instance-type": "Standard_D4s_v5",
                "topology.kubernetes.io/region": "westeurope",
                "topology.kubernetes.io/zone": f"westeurope-{index % 3 + 1}",
            },
        },
        "spec": {
            "providerID": f"azure:///subscriptions/{SUB}/resourceGroups/{NODE_RG}/providers/"
            f"Microsoft.Compute/virtualMachineScaleSets/{vmss}/virtualMachines/{index}",
            "podCIDR": f"10.244.{index}.0/24",
            **({"unschedulable": True} if unschedulable else {}),
        },
        "status": {
            "allocatable": {"cpu": "3860m", "memory": "12880468Ki", "pods": "110"},
            "capacity": {"cpu": "4", "memory": "16375892Ki", "pods": "110"},
            "conditions": [
                {
                    "type": "Ready",
                    "status": "True",
                    "reason": "KubeletReady",
                    "message": "kubelet is posting ready status",
                }
            ],
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": f"b00710{index:02d}-0000-4000-8000-000000000000",
                "containerRuntimeVersion": "containerd://1.7.23-1",
                "kernelVersion": "5.15.0-1074-azure",
                "kubeProxyVersion": "v1.30.6",
                "kubeletVersion": "v1.30.6",
                "machineID": f"{index:032x}",
                "operatingSystem": "linux",
                "osImage": "Ubuntu 22.04.5 LTS",
                "systemUUID": f"5a0e{index:04d}-0000-4000-8000-000000000000",
            },
        },
    }


def pod(
    name: str,
    ns: str,
    node_name: str,
    *,
    labels: dict,
    uid: str | None = None,
    phase: str = "Running",
    containers: tuple[str, ...] = ("app",),
    crashloop: bool = False,
    owner: dict | None = None,
) -> dict:
    """A pod with container statuses; `crashloop` adds a terminated previous instance."""
    meta: dict = {"name": name, "namespace": ns, "labels": labels}
    if uid:
        meta["uid"] = uid
    if owner:
        meta["ownerReferences"] = [owner]
    statuses = []
    for c in containers:
        st: dict = {
            "name": c,
            "ready": not crashloop,
            "restartCount": 7 if crashloop else 0,
            "image": "shopacr.azurecr.io/web:1.4.2",
            "containerID": f"containerd://{name}-{c}",
            "imageID": "shopacr.azurecr.io/web@sha256:" + "ab" * 32,
            "started": not crashloop,
        }
        if crashloop:
            st["state"] = {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting"}}
            st["lastState"] = {
                "terminated": {"exitCode": 1, "reason": "Error", "containerID": f"containerd://{name}-{c}-prev"}
            }
        else:
            st["state"] = {"running": {"startedAt": "2024-05-01T10:00:00Z"}}
            st["lastState"] = {}
        statuses.append(st)
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta,
        "spec": {
            "nodeName": node_name,
            "serviceAccountName": "default",
            "restartPolicy": "Always",
            "containers": [{"name": c, "image": "shopacr.azurecr.io/web:1.4.2"} for c in containers],
        },
        "status": {
            "phase": phase,
            "podIP": "10.244.0.12",
            "podIPs": [{"ip": "10.244.0.12"}],
            "containerStatuses": statuses,
        },
    }


def event(name: str, ns: str, kind: str, obj: str, uid: str, reason: str, type_: str, message: str) -> dict:
    """A core/v1 Event about `obj`."""
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": name, "namespace": ns},
        "involvedObject": {"apiVersion": "v1", "kind": kind, "name": obj, "namespace": ns, "uid": uid},
        "reason": reason,
        "type": type_,
        "message": message,
        "count": 3,
        "source": {"component": "kubelet", "host": "aks-nodepool1-12345678-vmss000000"},
        "firstTimestamp": "2024-05-01T10:00:00Z",
        "lastTimestamp": "2024-05-01T10:05:00Z",
        "reportingComponent": "kubelet",
        "reportingInstance": "aks-nodepool1-12345678-vmss000000",
    }


NODE0 = "aks-nodepool1-12345678-vmss000000"
NODE1 = "aks-nodepool1-12345678-vmss000001"
SYSNODE = "aks-system-87654321-vmss000000"
TEMPLATE = {
    "metadata": {"labels": {"app": "web"}},
    "spec": {"containers": [{"name": "app", "image": "shopacr.azurecr.io/web:1.4.2"}]},
}
RS_OWNER = {
    "apiVersion": "apps/v1",
    "kind": "ReplicaSet",
    "name": "web-7d9f8",
    "controller": True,
    "uid": "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6",
}

# The scheduler reports through events.k8s.io/v1: eventTime set, no legacy source/timestamps.
SCHEDULED = {
    "apiVersion": "events.k8s.io/v1",
    "kind": "Event",
    "metadata": {"name": "web-7d9f8-x2x4k.17c3a0b2d1e4f5b0", "namespace": "shop"},
    "eventTime": "2024-05-01T10:00:00.123456Z",
    "action": "Binding",
    "reason": "Scheduled",
    "type": "Normal",
    "regarding": {"apiVersion": "v1", "kind": "Pod", "name": "web-7d9f8-x2x4k", "namespace": "shop", "uid": X2X_UID},
    "note": f"Successfully assigned shop/web-7d9f8-x2x4k to {NODE0}",
    "reportingController": "default-scheduler",
    "reportingInstance": "default-scheduler-aks-prod",
}

SAMPLE: list[dict] = [
    {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": "shop", "labels": {"team": "checkout"}},
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"},
    },
    node("nodepool1", "12345678", 0),
    node("nodepool1", "12345678", 1, unschedulable=True),
    node("system", "87654321", 0, mode="System"),
    {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"}},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": TEMPLATE},
        "status": {"replicas": 3, "readyReplicas": 2, "availableReplicas": 2, "unavailableReplicas": 1},
    },
    {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": "web-7d9f8",
            "namespace": "shop",
            "labels": {"app": "web", "pod-template-hash": "7d9f8"},
            "uid": RS_OWNER["uid"],
        },
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": TEMPLATE},
        "status": {"replicas": 3, "readyReplicas": 2},
    },
    pod("web-7d9f8-x2x4k", "shop", NODE0, labels={"app": "web", "tier": "frontend"}, uid=X2X_UID, owner=RS_OWNER),
    pod("web-7d9f8-q8r2m", "shop", NODE1, labels={"app": "web", "tier": "frontend"}, owner=RS_OWNER),
    pod("web-1", "shop", NODE0, labels={"app": "web", "tier": "canary"}, uid=WEB1_UID, crashloop=True),
    pod("payments-0", "shop", NODE1, labels={"app": "payments"}, containers=("api", "envoy"), phase="Pending"),
    pod("coredns-6b9c7d4f5-abcde", "kube-system", SYSNODE, labels={"k8s-app": "kube-dns"}),
    pod("metrics-server-5f8d9b7c6-zzz", "kube-system", SYSNODE, labels={"k8s-app": "metrics-server"}),
    {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "db-password", "namespace": "shop"},
        "type": "Opaque",
        "data": {"password": base64.b64encode(b"hunter2").decode()},
    },
    event(
        "web-1.17c3a0b2d1e4f5a6",
        "shop",
        "Pod",
        "web-1",
        WEB1_UID,
        "BackOff",
        "Warning",
        "Back-off restarting failed container app in pod web-1_shop(5b7f0c2e)",
    ),
    event(
        "web-1.17c3a0b2d1e4f5a7",
        "shop",
        "Pod",
        "web-1",
        WEB1_UID,
        "Pulled",
        "Normal",
        'Container image "shopacr.azurecr.io/web:1.4.2" already present on machine',
    ),
    SCHEDULED,
    {
        "apiVersion": "metrics.k8s.io/v1beta1",
        "kind": "NodeMetrics",
        "metadata": {"name": NODE0, "labels": {"agentpool": "nodepool1"}},
        "timestamp": "2024-05-01T10:05:00Z",
        "window": "20.047s",
        "usage": {"cpu": "1250m", "memory": "6012Mi"},
    },
    {
        "apiVersion": "metrics.k8s.io/v1beta1",
        "kind": "NodeMetrics",
        "metadata": {"name": SYSNODE, "labels": {"agentpool": "system"}},
        "timestamp": "2024-05-01T10:05:00Z",
        "window": "20.047s",
        "usage": {"cpu": "310m", "memory": "2100Mi"},
    },
    {
        "apiVersion": "metrics.k8s.io/v1beta1",
        "kind": "PodMetrics",
        "metadata": {"name": "web-7d9f8-x2x4k", "namespace": "shop", "labels": {"app": "web"}},
        "timestamp": "2024-05-01T10:05:00Z",
        "window": "18.5s",
        "containers": [{"name": "app", "usage": {"cpu": "120m", "memory": "256Mi"}}],
    },
]


# --------------------------------------------------------------------------- helpers


@pytest.fixture()
def server():
    """A fresh server with the sample objects (tests may forbid/fail/etc. freely)."""
    with FakeApiServer(SAMPLE) as srv:
        yield srv


@pytest.fixture()
def api(server, tmp_path) -> client.ApiClient:
    """An official-client ApiClient loaded from a real kubeconfig (no global config)."""
    path = server.write_kubeconfig(tmp_path / "kubeconfig", context="aks-prod")
    api_client = config.new_client_from_config(config_file=path, context="aks-prod")
    yield api_client
    api_client.close()


def kubectl(server: FakeApiServer, tmp_path, *args: str) -> subprocess.CompletedProcess:
    """Run kubectl against the server with an isolated kubeconfig and discovery cache."""
    kubeconfig = server.write_kubeconfig(tmp_path / "kubectl-config", context="fixture")
    env = dict(os.environ, KUBECONFIG=kubeconfig, HOME=str(tmp_path))
    return subprocess.run(
        [KUBECTL, "--cache-dir", str(tmp_path / "kcache"), "--request-timeout=20s", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def raw(server: FakeApiServer, path: str, method: str = "GET") -> tuple[int, dict, str]:
    """Plain urllib request -> (status, headers, body)."""
    req = urllib.request.Request(
        server.url + path, method=method, data=b"{}" if method in ("POST", "PUT", "PATCH") else None
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read().decode()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, dict(err.headers), err.read().decode()


def names(items) -> list[str]:
    return [i.metadata.name for i in items]


# --------------------------------------------------------------------------- official client


def test_read_namespaced_pod(api):
    pod_ = client.CoreV1Api(api).read_namespaced_pod("web-1", "shop")
    assert pod_.metadata.uid == WEB1_UID
    assert pod_.spec.node_name == NODE0
    assert pod_.status.container_statuses[0].state.waiting.reason == "CrashLoopBackOff"
    assert pod_.metadata.resource_version and pod_.metadata.creation_timestamp


def test_label_selectors(api):
    core = client.CoreV1Api(api)
    assert names(core.list_namespaced_pod("shop", label_selector="app=web").items) == [
        "web-1",
        "web-7d9f8-q8r2m",
        "web-7d9f8-x2x4k",
    ]
    assert names(core.list_namespaced_pod("shop", label_selector="app==web,tier!=canary").items) == [
        "web-7d9f8-q8r2m",
        "web-7d9f8-x2x4k",
    ]
    assert names(core.list_namespaced_pod("shop", label_selector="tier in (canary, backend)").items) == ["web-1"]
    assert names(core.list_namespaced_pod("shop", label_selector="tier notin (frontend)").items) == [
        "payments-0",
        "web-1",
    ]
    assert names(core.list_namespaced_pod("shop", label_selector="!tier").items) == ["payments-0"]
    assert names(core.list_namespaced_pod("shop", label_selector="tier").items) == [
        "web-1",
        "web-7d9f8-q8r2m",
        "web-7d9f8-x2x4k",
    ]
    assert names(core.list_node(label_selector="kubernetes.azure.com/agentpool=system").items) == [SYSNODE]


def test_field_selectors(api):
    core = client.CoreV1Api(api)
    on_node0 = core.list_pod_for_all_namespaces(field_selector=f"spec.nodeName={NODE0}").items
    assert names(on_node0) == ["web-1", "web-7d9f8-x2x4k"]
    pending = core.list_namespaced_pod("shop", field_selector="status.phase!=Running")
    assert names(pending.items) == ["payments-0"]
    both = core.list_namespaced_pod("shop", label_selector="app=web", field_selector="metadata.name==web-1")
    assert names(both.items) == ["web-1"]
    assert names(core.list_node(field_selector="spec.unschedulable=true").items) == [NODE1]
    secrets = core.list_namespaced_secret("shop", field_selector="type=Opaque")
    assert names(secrets.items) == ["db-password"]


def test_unsupported_field_selector_is_400(api):
    core = client.CoreV1Api(api)
    with pytest.raises(ApiException) as exc:
        core.list_namespaced_pod("shop", field_selector="spec.containers=app")
    assert exc.value.status == 400
    body = json.loads(exc.value.body)
    assert body["reason"] == "BadRequest" and body["message"] == "field label not supported: spec.containers"
    with pytest.raises(ApiException) as exc:
        client.AppsV1Api(api).list_namespaced_deployment("shop", field_selector="status.replicas=3")
    assert json.loads(exc.value.body)["message"] == (
        '"status.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"'
    )
    # Nodes accept metadata.name but not metadata.namespace (pkg/apis/core/v1/conversion.go).
    with pytest.raises(ApiException) as exc:
        core.list_node(field_selector="metadata.namespace=default")
    assert exc.value.status == 400


def test_bad_label_selector_is_400(api):
    with pytest.raises(ApiException) as exc:
        client.CoreV1Api(api).list_namespaced_pod("shop", label_selector="app in web")
    assert exc.value.status == 400
    assert "found 'web', expected: '('" in json.loads(exc.value.body)["message"]


def test_pagination_walks_every_pod_exactly_once(api):
    core = client.CoreV1Api(api)
    everything = names(core.list_pod_for_all_namespaces().items)
    seen, token, pages = [], None, 0
    while True:
        page = core.list_pod_for_all_namespaces(limit=2, _continue=token)
        pages += 1
        assert len(page.items) <= 2
        seen += names(page.items)
        token = page.metadata._continue
        if not token:
            assert page.metadata.remaining_item_count is None
            break
        assert page.metadata.remaining_item_count == len(everything) - len(seen)
    assert seen == everything and len(set(seen)) == len(seen) == 6
    assert pages == 3
    # Order is etcd key order: namespace, then name.
    assert everything[:2] == ["coredns-6b9c7d4f5-abcde", "metrics-server-5f8d9b7c6-zzz"]


def test_pagination_with_selector_has_no_remaining_count(api):
    page = client.CoreV1Api(api).list_namespaced_pod("shop", label_selector="app=web", limit=1)
    assert names(page.items) == ["web-1"]
    assert page.metadata._continue and page.metadata.remaining_item_count is None


def test_continue_token_is_a_consistent_snapshot(server, api):
    core = client.CoreV1Api(api)
    first = core.list_namespaced_pod("shop", limit=2)
    server.add(pod("web-zzz-new", "shop", NODE0, labels={"app": "web"}))
    rest = core.list_namespaced_pod("shop", limit=10, _continue=first.metadata._continue)
    assert "web-zzz-new" not in names(rest.items)
    assert rest.metadata.resource_version == first.metadata.resource_version
    assert "web-zzz-new" in names(core.list_namespaced_pod("shop").items)


def test_garbage_continue_is_400(api):
    with pytest.raises(ApiException) as exc:
        client.CoreV1Api(api).list_namespaced_pod("shop", limit=1, _continue="not-a-token!")
    assert exc.value.status == 400
    assert json.loads(exc.value.body)["message"].startswith("invalid continue token: continue key is not valid")


def test_compacted_continue_is_410_with_inconsistent_token(server, api):
    core = client.CoreV1Api(api)
    first = core.list_namespaced_pod("shop", limit=2)
    server.compact()
    with pytest.raises(ApiException) as exc:
        core.list_namespaced_pod("shop", limit=2, _continue=first.metadata._continue)
    body = json.loads(exc.value.body)
    assert exc.value.status == 410 and body["reason"] == "Expired"
    assert body["message"].startswith("The provided continue parameter is too old")
    resumed = core.list_namespaced_pod("shop", limit=10, _continue=body["metadata"]["continue"])
    assert names(first.items) + names(resumed.items) == names(core.list_namespaced_pod("shop").items)


def test_events_by_involved_object_uid(api):
    core = client.CoreV1Api(api)
    events = core.list_namespaced_event("shop", field_selector=f"involvedObject.uid={WEB1_UID}")
    assert sorted(e.reason for e in events.items) == ["BackOff", "Pulled"]
    warnings = core.list_namespaced_event("shop", field_selector="type=Warning,involvedObject.kind=Pod")
    assert [e.involved_object.name for e in warnings.items] == ["web-1"]
    by_source = core.list_event_for_all_namespaces(field_selector="source=kubelet")
    assert len(by_source.items) == 2
    # `source` falls back to reportingComponent (EventToSelectableFields).
    scheduler = core.list_namespaced_event("shop", field_selector="source=default-scheduler")
    assert [e.action for e in scheduler.items] == ["Binding"]
    assert scheduler.items[0].message.startswith("Successfully assigned")


def test_events_k8s_io_view_of_core_events(api):
    ev = client.EventsV1Api(api).list_namespaced_event("shop", field_selector=f"regarding.uid={X2X_UID}")
    assert len(ev.items) == 1
    item = ev.items[0]
    assert item.regarding.name == "web-7d9f8-x2x4k" and item.note.startswith("Successfully assigned")
    assert item.reporting_controller == "default-scheduler" and item.event_time.year == 2024


def test_events_k8s_io_serves_null_event_time_like_a_real_server(server):
    # kubelet events carry no eventTime; events.k8s.io/v1 renders it as null
    # (not omitempty).  NB: the official Python client cannot deserialize that
    # (kubernetes-client/python#1616), so products must read these raw.
    status, _, body = raw(
        server, f"/apis/events.k8s.io/v1/namespaces/shop/events?fieldSelector=regarding.uid%3D{WEB1_UID}"
    )
    items = json.loads(body)["items"]
    assert status == 200 and len(items) == 2
    assert all(i["eventTime"] is None and i["deprecatedCount"] == 3 for i in items)
    assert {i["reportingController"] for i in items} == {"kubelet"}


def test_not_found_is_a_status(api):
    with pytest.raises(ApiException) as exc:
        client.CoreV1Api(api).read_namespaced_pod("nope", "shop")
    assert exc.value.status == 404
    assert json.loads(exc.value.body) == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": 'pods "nope" not found',
        "reason": "NotFound",
        "details": {"name": "nope", "kind": "pods"},
        "code": 404,
    }
    with pytest.raises(ApiException) as exc:
        client.AppsV1Api(api).read_namespaced_deployment("nope", "shop")
    body = json.loads(exc.value.body)
    assert body["message"] == 'deployments.apps "nope" not found'
    assert body["details"] == {"name": "nope", "group": "apps", "kind": "deployments"}


def test_namespaces_exist_implicitly(server, api):
    core = client.CoreV1Api(api)
    server.add(pod("lonely", "batch", NODE0, labels={}))
    assert core.read_namespace("batch").status.phase == "Active"
    assert core.read_namespace("shop").metadata.labels["team"] == "checkout"
    assert {"default", "kube-system", "shop", "batch"} <= set(names(core.list_namespace().items))


def test_forbid_get_list_and_cluster_scope(server, api):
    core = client.CoreV1Api(api)
    server.forbid("get", "pods", "shop")
    server.forbid("list", "secrets", "shop")
    server.forbid("list", "nodes")
    with pytest.raises(ApiException) as exc:
        core.read_namespaced_pod("web-1", "shop")
    body = json.loads(exc.value.body)
    assert exc.value.status == 403 and body["reason"] == "Forbidden"
    assert body["message"] == (
        'pods "web-1" is forbidden: User "fixture-user" cannot get resource "pods" '
        'in API group "" in the namespace "shop"'
    )
    assert body["details"] == {"name": "web-1", "kind": "pods"}
    with pytest.raises(ApiException) as exc:
        core.list_namespaced_secret("shop")
    assert json.loads(exc.value.body)["message"] == (
        'secrets is forbidden: User "fixture-user" cannot list resource "secrets" in API group "" '
        'in the namespace "shop"'
    )
    # No cluster-wide grant can exist if one namespace is denied.
    with pytest.raises(ApiException) as exc:
        core.list_secret_for_all_namespaces()
    assert "at the cluster scope" in json.loads(exc.value.body)["message"]
    with pytest.raises(ApiException) as exc:
        core.list_node()
    assert json.loads(exc.value.body)["message"] == (
        'nodes is forbidden: User "fixture-user" cannot list resource "nodes" in API group "" at the cluster scope'
    )
    # Unrelated verbs and namespaces still work.
    assert core.list_namespaced_pod("shop").items
    assert core.read_namespaced_pod("coredns-6b9c7d4f5-abcde", "kube-system")


def test_forbid_pod_logs_and_other_groups(server, api):
    server.user = "alice@contoso.com"
    server.forbid("get", "pods/log", "shop")
    server.forbid("list", "deployments", group="apps")
    with pytest.raises(ApiException) as exc:
        client.CoreV1Api(api).read_namespaced_pod_log("web-1", "shop", container="app")
    assert json.loads(exc.value.body)["message"] == (
        'pods "web-1" is forbidden: User "alice@contoso.com" cannot get resource "pods/log" in API group "" '
        'in the namespace "shop"'
    )
    with pytest.raises(ApiException) as exc:
        client.AppsV1Api(api).list_namespaced_deployment("shop")
    assert json.loads(exc.value.body)["message"].startswith(
        'deployments.apps is forbidden: User "alice@contoso.com" cannot list resource "deployments" in API group "apps"'
    )


def test_metrics_via_custom_objects(server, api):
    custom = client.CustomObjectsApi(api)
    nodes = custom.list_cluster_custom_object("metrics.k8s.io", "v1beta1", "nodes")
    assert nodes["kind"] == "NodeMetricsList"
    assert [n["metadata"]["name"] for n in nodes["items"]] == [NODE0, SYSNODE]
    system = custom.list_cluster_custom_object("metrics.k8s.io", "v1beta1", "nodes", label_selector="agentpool=system")
    assert [n["usage"]["cpu"] for n in system["items"]] == ["310m"]
    one = custom.get_cluster_custom_object("metrics.k8s.io", "v1beta1", "nodes", NODE0)
    assert one["usage"]["memory"] == "6012Mi"
    pods = custom.list_namespaced_custom_object("metrics.k8s.io", "v1beta1", "shop", "pods")
    assert pods["kind"] == "PodMetricsList" and pods["items"][0]["containers"][0]["usage"]["cpu"] == "120m"
    with pytest.raises(ApiException) as exc:
        custom.get_cluster_custom_object("metrics.k8s.io", "v1beta1", "nodes", NODE1)
    assert json.loads(exc.value.body)["message"] == f'nodes.metrics.k8s.io "{NODE1}" not found'


def test_metrics_unavailable(server, api):
    server.set_metrics_available(False)
    custom = client.CustomObjectsApi(api)
    with pytest.raises(ApiException) as exc:
        custom.list_cluster_custom_object("metrics.k8s.io", "v1beta1", "nodes")
    assert exc.value.status == 404
    assert json.loads(exc.value.body)["message"] == "the server could not find the requested resource"
    groups = [g.name for g in client.ApisApi(api).get_api_versions().groups]
    assert "metrics.k8s.io" not in groups and "apps" in groups
    svc = client.ApiregistrationV1Api(api).read_api_service("v1beta1.metrics.k8s.io")
    cond = svc.status.conditions[0]
    assert (cond.type, cond.status, cond.reason) == ("Available", "False", "MissingEndpoints")
    server.set_metrics_available(True)
    cond = client.ApiregistrationV1Api(api).read_api_service("v1beta1.metrics.k8s.io").status.conditions[0]
    assert cond.status == "True"
    assert custom.list_cluster_custom_object("metrics.k8s.io", "v1beta1", "nodes")["items"]


def test_metrics_registered_but_down(server, api):
    # The real "metrics-server crashed" state: APIService registered, unavailable.
    server.set_metrics_available(False, failure="unavailable")
    assert "metrics.k8s.io" in [g.name for g in client.ApisApi(api).get_api_versions().groups]
    status, headers, body = raw(server, "/apis/metrics.k8s.io/v1beta1")
    assert (status, body) == (503, "service unavailable\n") and headers["Content-Type"].startswith("text/plain")
    with pytest.raises(ApiException) as exc:
        client.CustomObjectsApi(api).list_cluster_custom_object("metrics.k8s.io", "v1beta1", "nodes")
    assert exc.value.status == 503 and exc.value.body == "service unavailable\n"
    server.forbid("list", "nodes", group="metrics.k8s.io")  # authorization runs before the aggregator
    assert raw(server, "/apis/metrics.k8s.io/v1beta1/nodes")[0] == 403


def test_pod_logs(server, api):
    core = client.CoreV1Api(api)
    server.set_log("shop", "web-1", "app", "booting\npanic: nil map\n", previous=True)
    server.set_log("shop", "web-1", "app", "line1\nline2\nline3\n")
    assert core.read_namespaced_pod_log("web-1", "shop", container="app", previous=True) == (
        "booting\npanic: nil map\n"
    )
    assert core.read_namespaced_pod_log("web-1", "shop", tail_lines=2) == "line2\nline3\n"
    # No previous instance on a healthy pod: the kubelet's 400.
    with pytest.raises(ApiException) as exc:
        core.read_namespaced_pod_log("web-7d9f8-x2x4k", "shop", container="app", previous=True)
    assert exc.value.status == 400
    assert json.loads(exc.value.body)["message"] == (
        'previous terminated container "app" in pod "web-7d9f8-x2x4k" not found'
    )
    with pytest.raises(ApiException) as exc:
        core.read_namespaced_pod_log("payments-0", "shop")
    assert json.loads(exc.value.body)["message"] == (
        "a container name must be specified for pod payments-0, choose one of: [api envoy]"
    )
    with pytest.raises(ApiException) as exc:
        core.read_namespaced_pod_log("ghost", "shop")
    assert exc.value.status == 404
    assert json.loads(exc.value.body)["message"] == 'pods "ghost" not found'


def test_apps_v1_lists(api):
    apps = client.AppsV1Api(api)
    deployments = apps.list_deployment_for_all_namespaces()
    assert names(deployments.items) == ["web"] and deployments.items[0].status.unavailable_replicas == 1
    rs = apps.list_namespaced_replica_set("shop", label_selector="pod-template-hash=7d9f8")
    assert names(rs.items) == ["web-7d9f8"]


# --------------------------------------------------------------------------- protocol behaviour


def test_non_get_is_refused_and_recorded(server, api):
    status, _, body = raw(server, "/api/v1/namespaces/shop/pods/web-1", method="DELETE")
    assert status == 405
    assert json.loads(body)["message"] == 'delete is not supported on resources of kind "pods"'
    with pytest.raises(ApiException) as exc:
        client.CoreV1Api(api).create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name="x")))
    assert exc.value.status == 405 and json.loads(exc.value.body)["reason"] == "MethodNotAllowed"
    methods = [(r.method, r.path) for r in server.requests if r.method != "GET"]
    assert methods == [("DELETE", "/api/v1/namespaces/shop/pods/web-1"), ("POST", "/api/v1/namespaces")]
    assert client.CoreV1Api(api).read_namespace("shop")  # nothing was created or deleted
    assert RecordedRequest("DELETE", "/api/v1/namespaces/shop/pods/web-1", {}) in server.requests


def test_watch_is_refused(server):
    status, _, body = raw(server, "/api/v1/namespaces/shop/pods?watch=true")
    assert status == 405 and json.loads(body)["message"] == 'watch is not supported on resources of kind "pods"'


def test_requests_are_recorded_with_query(server, api):
    server.clear_requests()
    client.CoreV1Api(api).list_namespaced_pod("shop", label_selector="app=web", limit=5)
    (req,) = server.requests
    assert req.method == "GET" and req.path == "/api/v1/namespaces/shop/pods"
    assert req.query == {"labelSelector": "app=web", "limit": "5"}
    assert req.headers["authorization"] == "Bearer fixture-token-fixture-user"


def test_latency_applies_to_every_request(server):
    server.latency = 0.2
    for path in ("/version", "/api/v1/namespaces/shop/pods"):
        started = time.perf_counter()
        assert raw(server, path)[0] == 200
        assert time.perf_counter() - started >= 0.2
    server.latency = 0.0


def test_fail_injects_429_with_retry_after(server, tmp_path):
    server.fail(429, path_prefix="/api/v1/namespaces/shop/pods", times=1)
    status, headers, body = raw(server, "/api/v1/namespaces/shop/pods")
    assert status == 429 and headers["Retry-After"] == "1"
    assert json.loads(body)["reason"] == "TooManyRequests"
    assert json.loads(body)["details"] == {"retryAfterSeconds": 1}
    assert raw(server, "/api/v1/namespaces/shop/pods")[0] == 200  # `times` used up
    # The official client gives up at once only when urllib3 retries are off.
    cfg = client.Configuration()
    cfg.retries = 0
    path = server.write_kubeconfig(tmp_path / "kc")
    strict = config.new_client_from_config(config_file=path, client_configuration=cfg)
    server.fail(429, path_prefix="/api/v1/namespaces/shop/pods")
    with pytest.raises(ApiException) as exc:
        client.CoreV1Api(strict).list_namespaced_pod("shop")
    assert exc.value.status == 429 and exc.value.headers["Retry-After"] == "1"
    assert raw(server, "/api/v1/nodes")[0] == 200  # other paths were never affected
    strict.close()


def test_default_client_retries_429_transparently(server, api):
    # urllib3's default Retry(total=3) honours Retry-After on 429: the caller
    # never sees the error, the server sees two requests, ~1 s apart.
    server.fail(429, path_prefix="/api/v1/namespaces/shop/pods")
    server.clear_requests()
    assert client.CoreV1Api(api).list_namespaced_pod("shop").items
    assert [r.path for r in server.requests] == ["/api/v1/namespaces/shop/pods"] * 2


def test_fail_500_and_503(server):
    server.fail(500)
    server.fail(503)
    first, second = raw(server, "/api/v1/pods"), raw(server, "/api/v1/pods")
    assert (first[0], json.loads(first[2])["reason"]) == (500, "InternalError")
    assert (second[0], json.loads(second[2])["reason"]) == (503, "ServiceUnavailable")
    assert raw(server, "/api/v1/pods")[0] == 200


def test_discovery_documents(server):
    version = json.loads(raw(server, "/version")[2])
    assert version["major"] == "1" and version["gitVersion"].startswith("v1.30")
    assert json.loads(raw(server, "/api")[2])["versions"] == ["v1"]
    core = {r["name"]: r for r in json.loads(raw(server, "/api/v1")[2])["resources"]}
    assert core["pods"]["shortNames"] == ["po"] and core["pods"]["namespaced"] is True
    assert core["pods/log"] == {
        "name": "pods/log",
        "singularName": "",
        "namespaced": True,
        "kind": "Pod",
        "verbs": ["get"],
    }
    assert core["nodes"]["namespaced"] is False and core["events"]["shortNames"] == ["ev"]
    groups = {g["name"]: g["preferredVersion"]["groupVersion"] for g in json.loads(raw(server, "/apis")[2])["groups"]}
    assert groups["autoscaling"] == "autoscaling/v2" and groups["metrics.k8s.io"] == "metrics.k8s.io/v1beta1"
    apps = json.loads(raw(server, "/apis/apps/v1")[2])
    assert {r["name"] for r in apps["resources"]} == {"deployments", "replicasets", "statefulsets", "daemonsets"}
    status, _, body = raw(server, "/apis/example.com/v1/widgets")
    assert status == 404 and json.loads(body)["reason"] == "NotFound"


# --------------------------------------------------------------------------- kubectl


@needs_kubectl
def test_kubectl_get_pods_json(server, tmp_path):
    result = kubectl(server, tmp_path, "get", "pods", "-n", "shop", "-o", "json")
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    assert [p["metadata"]["name"] for p in listed["items"]] == [
        "payments-0",
        "web-1",
        "web-7d9f8-q8r2m",
        "web-7d9f8-x2x4k",
    ]


@needs_kubectl
def test_kubectl_chunked_list_follows_continue(server, tmp_path):
    server.clear_requests()
    result = kubectl(server, tmp_path, "get", "pods", "-A", "--chunk-size=2", "-o", "json")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["items"]) == 6
    pages = [r for r in server.requests if r.path == "/api/v1/pods"]
    assert [r.query.get("limit") for r in pages] == ["2", "2", "2"]
    assert "continue" not in pages[0].query and all("continue" in r.query for r in pages[1:])


@needs_kubectl
def test_kubectl_events_field_selector(server, tmp_path):
    result = kubectl(
        server, tmp_path, "get", "events", "-n", "shop", "--field-selector", "involvedObject.name=web-1", "-o", "json"
    )
    assert result.returncode == 0, result.stderr
    assert sorted(e["reason"] for e in json.loads(result.stdout)["items"]) == ["BackOff", "Pulled"]


@needs_kubectl
def test_kubectl_not_found(server, tmp_path):
    result = kubectl(server, tmp_path, "get", "pod", "nope", "-n", "shop")
    assert result.returncode != 0
    assert 'Error from server (NotFound): pods "nope" not found' in result.stderr


@needs_kubectl
def test_kubectl_raw_metrics(server, tmp_path):
    result = kubectl(server, tmp_path, "get", "--raw", "/apis/metrics.k8s.io/v1beta1/nodes")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["kind"] == "NodeMetricsList"


@needs_kubectl
def test_kubectl_label_selector_names(server, tmp_path):
    result = kubectl(server, tmp_path, "get", "nodes", "-l", "agentpool=system", "-o", "name")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [f"node/{SYSNODE}"]


@needs_kubectl
def test_kubectl_forbidden(server, tmp_path):
    server.forbid("list", "secrets", "shop")
    result = kubectl(server, tmp_path, "get", "secrets", "-n", "shop")
    assert result.returncode != 0
    assert (
        'Error from server (Forbidden): secrets is forbidden: User "fixture-user" cannot list '
        'resource "secrets" in API group "" in the namespace "shop"' in result.stderr
    )


@needs_kubectl
def test_kubectl_tolerates_broken_metrics_discovery(server, tmp_path):
    server.set_metrics_available(False, failure="unavailable")
    result = kubectl(server, tmp_path, "get", "nodes", "-o", "name")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.split()) == 3
    assert "metrics.k8s.io/v1beta1" in result.stderr  # kubectl's real "couldn't get resource list" warning


@needs_kubectl
def test_kubectl_logs_previous(server, tmp_path):
    server.set_log("shop", "web-1", "app", "panic: boom\n", previous=True)
    result = kubectl(server, tmp_path, "logs", "web-1", "-n", "shop", "-c", "app", "--previous")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "panic: boom\n"


# --------------------------------------------------------------------------- scale


def test_scale_10k_pods_paginated(tmp_path):
    """10,000 pods, 500 nodes, 20,000 events, 2,000 ReplicaSets; list pods 500 at a time."""
    started = time.perf_counter()
    nodes = [node("nodepool1", "12345678", i) for i in range(500)]
    pods = [
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": f"app-{i:05d}", "namespace": f"team-{i % 20:02d}", "labels": {"app": f"a{i % 7}"}},
            "spec": {"nodeName": nodes[i % 500]["metadata"]["name"], "containers": [{"name": "c", "image": "x"}]},
            "status": {"phase": "Running"},
        }
        for i in range(10_000)
    ]
    events = [
        event(
            f"ev-{i:05d}",
            f"team-{i % 20:02d}",
            "Pod",
            f"app-{i % 10_000:05d}",
            f"uid-{i % 10_000}",
            "BackOff",
            "Warning",
            "x",
        )
        for i in range(20_000)
    ]
    replicasets = [
        {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {"name": f"rs-{i:04d}", "namespace": f"team-{i % 20:02d}"},
            "spec": {"replicas": 0},
        }
        for i in range(2_000)
    ]
    with FakeApiServer(nodes + pods + events + replicasets) as srv:
        built = time.perf_counter()
        api_client = config.new_client_from_config(config_file=srv.write_kubeconfig(tmp_path / "kc"))
        core = client.CoreV1Api(api_client)
        seen, token, pages = set(), None, 0
        while True:
            page = core.list_pod_for_all_namespaces(limit=500, _continue=token)
            pages += 1
            before = len(seen)
            seen.update((p.metadata.namespace, p.metadata.name) for p in page.items)
            assert len(seen) - before == len(page.items)  # never a duplicate
            token = page.metadata._continue
            if not token:
                break
        listed = time.perf_counter()
        assert len(seen) == 10_000 and pages == 20
        status, _, body = raw(srv, "/api/v1/namespaces/team-03/events?fieldSelector=involvedObject.uid%3Duid-3")
        assert status == 200 and len(json.loads(body)["items"]) == 2
        status, _, body = raw(srv, "/apis/apps/v1/replicasets?limit=100")
        assert json.loads(body)["metadata"]["remainingItemCount"] == 1_900
        api_client.close()
    print(f"\nscale: build+start {built - started:.2f}s, 20 pages of 500 pods via client {listed - built:.2f}s")


def test_a_one_segment_path_outside_the_api_is_not_found(server):
    """`kubectl get --raw /metrics` on a path the fixture does not serve gets the API server's 404, not a crash."""
    code, _headers, body = raw(server, "/metrics")
    assert code == 404
    assert json.loads(body)["reason"] == "NotFound"
    assert not server.errors

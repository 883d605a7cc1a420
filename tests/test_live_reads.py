"""Live reads of a rollout diagnosis (issue 17): the reads every walk makes leave together, so a Deployment's rollout
takes three dependent rounds (workload + ReplicaSets + HPAs; the new ReplicaSet's pods and events; the pods' events
and crashed logs), and an object a list returned is not read again (a handover to the pod's runbook reads the pod
the rollout listed). bench/bench_imagepull.py --case rollout-new-pods-crashloop -v shows the same requests."""

from __future__ import annotations

import json
import shlex
from urllib.parse import urlsplit

from conftest import EXAMPLES
from live import azure_mock, served


def _live(cli, case: str, tmp_path, monkeypatch, latency: float = 0.0):
    bundle = EXAMPLES / case
    args = shlex.split((bundle / "COMMAND").read_text())[1:]
    extra = [] if (bundle / "azure").is_dir() else ["--no-azure"]
    with served(bundle, tmp_path, latency=latency) as (server, kubeconfig), azure_mock(bundle, monkeypatch):
        server.clear_requests()
        result = cli(*args, "--kubeconfig", kubeconfig, "--context", "fixture", "-o", "json", *extra)
        requests = sorted(server.requests, key=lambda r: r.at)
    return json.loads(result.stdout), requests


def _rounds(requests) -> list[list[str]]:
    """Requests grouped by dependency depth: one deeper than every request completed before it was sent."""
    depth: list[int] = []
    for i, req in enumerate(requests):
        depth.append(1 + max((depth[j] for j in range(i) if requests[j].done <= req.at), default=0))
    out: list[list[str]] = [[] for _ in range(max(depth, default=0))]
    for req, d in zip(requests, depth, strict=True):
        out[d - 1].append(req.path)
    return out


def test_a_crashlooping_rollout_takes_three_rounds(cli, tmp_path, monkeypatch):
    report, requests = _live(cli, "rollout-new-pods-crashloop", tmp_path, monkeypatch, latency=0.1)
    assert report["causes"][0]["id"] == "new-pods-crashloop"
    rounds = _rounds(requests)
    assert len(rounds) == 3, rounds
    first, second, third = (sorted(r) for r in rounds)
    assert first == [
        "/apis/apps/v1/namespaces/shop/deployments/web",
        "/apis/apps/v1/namespaces/shop/replicasets",
        "/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers",
    ]
    assert second == ["/api/v1/namespaces/shop/events", "/api/v1/namespaces/shop/pods"]
    assert third == ["/api/v1/namespaces/shop/events", "/api/v1/namespaces/shop/pods/web-5c9d7b6f4-a/log"]


def test_a_handover_does_not_read_again_the_pod_the_rollout_listed(cli, tmp_path, monkeypatch):
    report, requests = _live(cli, "rollout-daemonset-image-pull", tmp_path, monkeypatch)
    assert report["causes"][0]["id"] == "new-pods-image-pull"
    listed = [r for r in requests if r.path == "/api/v1/namespaces/shop/pods"]
    assert listed, "the DaemonSet's pods are listed"
    assert not [r.path for r in requests if r.path.startswith("/api/v1/namespaces/shop/pods/")]


def test_a_pods_owner_chain_is_read_beside_the_walk(cli, tmp_path, monkeypatch):
    # the fix is fitted to the pod's owner (pod -> ReplicaSet -> Deployment, and the HPAs): those reads start with
    # the walk, the Deployment named by the ReplicaSet's pod-template-hash suffix beside the ReplicaSet itself
    report, requests = _live(cli, "imagepull-acr-pull-permission-missing", tmp_path, monkeypatch, latency=0.1)
    assert report["causes"][0]["id"] == "acr-pull-permission-missing"
    rounds = [sorted(r) for r in _rounds(requests)]
    assert rounds == [
        [
            "/api/v1/namespaces/shop/pods/web-7d9f8-x2x",
            "/api/v1/nodes",
            "/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers",
        ],
        [
            "/api/v1/namespaces/shop/events",
            "/apis/apps/v1/namespaces/shop/deployments/web",
            "/apis/apps/v1/namespaces/shop/replicasets/web-7d9f8",
        ],
    ]


def test_an_acr_diagnosis_takes_two_azure_rounds_after_the_kubernetes_ones(cli, tmp_path, monkeypatch):
    # the subscription comes from the node's providerID: the registries are listed beside the managed clusters (not
    # after them), the cluster the list found is not read again, so the role assignments are the first Azure read
    # that waits, and the role they grant (Storage Blob Data Reader, not in the built-in table) the second
    bundle = EXAMPLES / "imagepull-acr-pull-permission-missing"
    args = shlex.split((bundle / "COMMAND").read_text())[1:]
    timings: list[tuple[float, float, str]] = []
    with (
        served(bundle, tmp_path, latency=0.1) as (server, kubeconfig),
        azure_mock(bundle, monkeypatch, latency=0.1, timings=timings),
    ):
        server.clear_requests()
        result = cli(*args, "--kubeconfig", kubeconfig, "--context", "fixture", "-o", "json")
        kube = sorted(server.requests, key=lambda r: r.at)
    assert json.loads(result.stdout)["causes"][0]["id"] == "acr-pull-permission-missing"
    calls = sorted(timings)
    paths = [urlsplit(url).path.rsplit("/providers/", 1)[-1] for _, _, url in calls]
    assert not [p for p in paths if p.startswith("Microsoft.ContainerService/managedClusters/")], paths
    listed = {p: (at, done) for (at, done, _), p in zip(calls, paths, strict=True)}
    clusters, registries = (
        listed["Microsoft.ContainerService/managedClusters"],
        listed["Microsoft.ContainerRegistry/registries"],
    )
    assert registries[0] < clusters[1] and clusters[0] < registries[1], "the two lists overlap"
    kube_rounds = _depth([(r.at, r.done) for r in kube])
    assert kube_rounds == 2
    assert _depth([(r.at, r.done) for r in kube] + [(at, done) for at, done, _ in calls]) - kube_rounds == 2, paths
    assert paths[-2:] == [
        "Microsoft.Authorization/roleAssignments",
        "Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    ]


def _depth(requests: list[tuple[float, float]]) -> int:
    """The longest chain of (sent, answered) requests each sent after the one before was answered."""
    ordered, depth = sorted(requests), []
    for i, (at, _) in enumerate(ordered):
        depth.append(1 + max((depth[j] for j in range(i) if ordered[j][1] <= at), default=0))
    return max(depth, default=0)


def _failing_pod(ns: str, i: int) -> list[dict]:
    rs = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": f"app{i}-5c9d7b6f4", "namespace": ns, "uid": f"rs-{ns}-{i}", "labels": {"app": "a"}},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "a"}}},
        "status": {"replicas": 1},
    }
    image = f"contosoacr.azurecr.io/app{i}:1.0"
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": f"app{i}-5c9d7b6f4-x{i}",
            "namespace": ns,
            "uid": f"pod-{ns}-{i}",
            "labels": {"app": "a", "pod-template-hash": "5c9d7b6f4"},
            "ownerReferences": [{"kind": "ReplicaSet", "name": rs["metadata"]["name"], "uid": "r", "controller": True}],
        },
        "spec": {"nodeName": "aks-pool0-1-vmss000000", "containers": [{"name": "app", "image": image}]},
        "status": {
            "phase": "Pending",
            "containerStatuses": [
                {"name": "app", "image": image, "ready": False, "restartCount": 0,
                 "state": {"waiting": {"reason": "ImagePullBackOff", "message": f'Back-off pulling image "{image}"'}}}
            ],
        },
    }  # fmt: skip
    return [rs, pod]


def test_a_scan_reads_hpas_once_for_every_namespace_not_once_per_namespace(cli, tmp_path):
    """Routing each unhealthy pod resolved its owner, HPA included: one HPA list per namespace, one after another
    (a 10k-pod scan spent 3.8 s there). The scan now lists HPAs and PDBs beside its other lists."""
    from apiserver import FakeApiServer

    node = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": "aks-pool0-1-vmss000000", "labels": {"agentpool": "pool0"}},
        "status": {"allocatable": {"cpu": "4", "memory": "16Gi", "pods": "110"}, "conditions": [{"type": "Ready", "status": "True"}]},
    }  # fmt: skip
    objects = [node] + [o for i, ns in enumerate(("shop", "billing", "search")) for o in _failing_pod(ns, i)]
    with FakeApiServer(objects) as server:
        kubeconfig = server.write_kubeconfig(tmp_path / "kubeconfig", context="fixture")
        server.clear_requests()
        result = cli("scan", "-A", "--no-azure", "--kubeconfig", kubeconfig, "--context", "fixture", "-o", "json")
        paths = [r.path for r in server.requests]
    report = json.loads(result.stdout)
    pods = sorted(f["target"]["name"] for f in report["findings"] if f["target"]["kind"] == "Pod")
    assert pods == [f"app{i}-5c9d7b6f4-x{i}" for i in range(3)]
    hpa_lists = [p for p in paths if p.endswith("/horizontalpodautoscalers")]
    assert hpa_lists == ["/apis/autoscaling/v2/horizontalpodautoscalers"], hpa_lists
    assert [p for p in paths if p.endswith("/poddisruptionbudgets")] == ["/apis/policy/v1/poddisruptionbudgets"]

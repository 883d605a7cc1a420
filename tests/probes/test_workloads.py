"""workloads: top pods of hot nodes with owner, requests and limits; runaway pods; requests far below usage;
user pods on System pools; HPAs judged on their numbers, not on the ScalingLimited reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from aksdoctor.model import Target
from aksdoctor.probes import workloads
from aksdoctor.sources.bundle import BundleKube
from aksdoctor.sources.evidence import Evidence, Options

NODE = "aks-userpool-24817365-vmss000000"


def node(name: str = NODE, *, mode: str = "user", taints: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": {"kubernetes.azure.com/agentpool": name.split("-")[1], "kubernetes.azure.com/mode": mode},
        },
        "spec": {"taints": taints or []},
        "status": {"allocatable": {"cpu": "3860m"}, "capacity": {"cpu": "4"}},
    }


def pod(
    ns: str, name: str, *, cpu: str | None, limit: str | None, owner: tuple[str, str] | None = None, on: str = NODE
) -> dict[str, Any]:
    resources: dict[str, Any] = {"requests": {"cpu": cpu} if cpu else {}, "limits": {"cpu": limit} if limit else {}}
    refs = (
        [{"apiVersion": "apps/v1", "kind": owner[0], "name": owner[1], "uid": "u", "controller": True}] if owner else []
    )
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": ns, "ownerReferences": refs},
        "spec": {"nodeName": on, "containers": [{"name": "app", "image": "app:1", "resources": resources}]},
        "status": {"phase": "Running"},
    }


def pod_metrics(ns: str, name: str, cpu: str) -> dict[str, Any]:
    return {
        "apiVersion": "metrics.k8s.io/v1beta1",
        "kind": "PodMetrics",
        "metadata": {"name": name, "namespace": ns},
        "timestamp": "2026-11-21T09:57:51Z",
        "window": "15s",
        "containers": [{"name": "app", "usage": {"cpu": cpu, "memory": "100Mi"}}],
    }


def node_metrics(name: str, cpu: str) -> dict[str, Any]:
    return {
        "apiVersion": "metrics.k8s.io/v1beta1",
        "kind": "NodeMetrics",
        "metadata": {"name": name},
        "usage": {"cpu": cpu},
    }


def replicaset(ns: str, name: str, deployment: str) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": name,
            "namespace": ns,
            "ownerReferences": [{"kind": "Deployment", "name": deployment, "controller": True}],
        },
    }


def hpa(
    *, current: int, maximum: int, metrics: list[dict[str, Any]], status: list[dict[str, Any]], reason: str = ""
) -> dict[str, Any]:
    conditions = [{"type": "ScalingLimited", "status": "True", "reason": reason}] if reason else []
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {
            "scaleTargetRef": {"kind": "Deployment", "name": "web"},
            "minReplicas": 1,
            "maxReplicas": maximum,
            "metrics": metrics,
        },
        "status": {
            "currentReplicas": current,
            "desiredReplicas": current,
            "currentMetrics": status,
            "conditions": conditions,
        },
    }


CPU_SPEC = [
    {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 60}}}
]


def cpu_status(utilization: int) -> list[dict[str, Any]]:
    return [{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": utilization}}}]


def evidence(tmp_path: Path, objects: list[dict[str, Any]]) -> Evidence:
    (tmp_path / "objects.yaml").write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": objects}))
    for empty in ("horizontalpodautoscalers", "replicasets"):
        if not any(
            o["kind"] == {"horizontalpodautoscalers": "HorizontalPodAutoscaler", "replicasets": "ReplicaSet"}[empty]
            for o in objects
        ):
            (tmp_path / f"{empty}.yaml").write_text("apiVersion: v1\nkind: List\nitems: []\n")
    return Evidence(kube=BundleKube(tmp_path), azure=None, target=Target("Cluster", "all-nodes"), options=Options())


def hot_node_with(
    tmp_path: Path, *pods: tuple[dict[str, Any], str], extra: list[dict[str, Any]] | None = None
) -> Evidence:
    objects = [node(), node_metrics(NODE, "3700m"), *(extra or [])]
    for p, usage in pods:
        objects += [p, pod_metrics(p["metadata"]["namespace"], p["metadata"]["name"], usage)]
    return evidence(tmp_path, objects)


def test_a_pod_without_limit_using_half_the_node_is_runaway(tmp_path):
    ev = hot_node_with(
        tmp_path,
        (pod("batch", "report-1", cpu="250m", limit=None, owner=("ReplicaSet", "report-5c7f9")), "3100m"),
        (pod("shop", "web-1", cpu="500m", limit="1"), "300m"),
        extra=[replicaset("batch", "report-5c7f9", "report")],
    )
    outcome = workloads.runaway_pod(ev)
    assert outcome.answer == "yes"
    assert outcome.facts["owner_workload"] == "deployment/report"
    assert outcome.facts["node_share"] == "80%"
    assert outcome.facts["suggested_cpu_limit"] == "1.9"
    assert outcome.facts["request_ratio"] == "12.4x"


def test_a_busy_pod_with_a_limit_is_not_runaway(tmp_path):
    ev = hot_node_with(tmp_path, (pod("shop", "web-1", cpu="500m", limit="4"), "3400m"))
    assert workloads.runaway_pod(ev).answer == "no"


def test_a_bare_pod_gets_no_set_resources_target(tmp_path):
    ev = hot_node_with(tmp_path, (pod("batch", "adhoc", cpu=None, limit=None), "3000m"))
    outcome = workloads.runaway_pod(ev)
    assert outcome.answer == "yes"
    assert outcome.facts["workload"] == "pod/adhoc" and outcome.facts["owner_workload"] is None
    assert outcome.facts["cpu_request"] == "none"


def test_a_limit_without_request_counts_as_the_request(tmp_path):
    ev = hot_node_with(tmp_path, (pod("shop", "web-1", cpu=None, limit="1"), "900m"))
    (pods,) = workloads.pods_by_node(ev).values()
    assert pods[0].request_m == 1000 and pods[0].containers[0].limit_m == 1000


def test_usage_far_above_requests_names_the_worst_container(tmp_path):
    ev = hot_node_with(
        tmp_path,
        (pod("shop", "web-1", cpu="200m", limit="1", owner=("StatefulSet", "web")), "850m"),
        (pod("shop", "web-2", cpu="200m", limit="1", owner=("StatefulSet", "web")), "840m"),
        (pod("shop", "api-1", cpu="500m", limit="1"), "500m"),
    )
    outcome = workloads.requests_underestimated(ev)
    assert outcome.answer == "yes"
    assert outcome.facts["usage_ratio"] == "2.4x"  # 2.19 cores used against 900m requested
    assert outcome.facts["owner_workload"] == "statefulset/web" and outcome.facts["pod"] == "web-1"
    assert outcome.facts["suggested_cpu_request"] == "850m"


def test_requests_close_to_usage_are_fine(tmp_path):
    ev = hot_node_with(tmp_path, (pod("shop", "web-1", cpu="2", limit="4"), "3000m"))
    assert workloads.requests_underestimated(ev).answer == "no"


def _system_node_with_user_pods(name: str) -> list[dict[str, Any]]:
    objects = [node(name, mode="system"), node_metrics(name, "3700m")]
    for p, usage in (
        (pod("shop", "web-1", cpu="1", limit="2", owner=("DaemonSet", "x"), on=name), "100m"),
        (pod("kube-system", "coredns-1", cpu="100m", limit=None, on=name), "50m"),
        (pod("shop", "api-1", cpu="1", limit="2", owner=("StatefulSet", "api"), on=name), "3000m"),
    ):
        objects += [p, pod_metrics(p["metadata"]["namespace"], p["metadata"]["name"], usage)]
    return objects


def test_user_pods_on_an_untainted_system_node(tmp_path):
    name = "aks-nodepool1-31718369-vmss000000"
    user = "aks-userpool-24817365-vmss000000"
    objects = [*_system_node_with_user_pods(name), node(user), node_metrics(user, "900m")]
    outcome = workloads.user_pods_on_system_pool(evidence(tmp_path, objects))
    assert outcome.answer == "yes"
    assert outcome.facts["user_workloads"] == ["statefulset/api (shop)"]  # DaemonSet and kube-system pods are system
    assert outcome.facts["system_taints"] == "CriticalAddonsOnly=true:NoSchedule"
    assert outcome.facts["needs_user_pool"] is False  # a User pool exists: the taint moves them there


def test_on_a_single_pool_cluster_user_pods_on_the_system_pool_are_a_note(tmp_path):
    name = "aks-nodepool1-31718369-vmss000000"
    outcome = workloads.user_pods_on_system_pool(evidence(tmp_path, _system_node_with_user_pods(name)))
    assert outcome.answer == "no"
    [note] = outcome.facts["notes"]
    assert "the cluster's only pool" in note and "az aks nodepool add --mode User" in note


def test_a_tainted_system_node_is_not_flagged(tmp_path):
    name = "aks-nodepool1-31718369-vmss000000"
    taint = {"key": "CriticalAddonsOnly", "value": "true", "effect": "NoSchedule"}
    objects = [node(name, mode="system", taints=[taint]), node_metrics(name, "3700m")]
    p = pod("shop", "api-1", cpu="1", limit="2", on=name)
    objects += [p, pod_metrics("shop", "api-1", "3000m")]
    assert workloads.user_pods_on_system_pool(evidence(tmp_path, objects)).answer == "no"


def _hpa_case(tmp_path: Path, the_hpa: dict[str, Any]) -> Evidence:
    return hot_node_with(
        tmp_path,
        (pod("shop", "web-1", cpu="1", limit="2", owner=("ReplicaSet", "web-7d9f8")), "1500m"),
        extra=[replicaset("shop", "web-7d9f8", "web"), the_hpa],
    )


def test_hpa_at_max_wanting_more_is_found_without_a_scaling_limited_condition(tmp_path):
    ev = _hpa_case(tmp_path, hpa(current=6, maximum=6, metrics=CPU_SPEC, status=cpu_status(150)))
    outcome = workloads.hpa_at_max(ev)
    assert outcome.answer == "yes"
    assert outcome.facts["wanted_replicas"] == 15  # ceil(6 * 150 / 60)
    assert outcome.facts["hpa_metric"] == "cpu at 150% of requests, target 60%"


def test_a_too_many_replicas_reason_alone_is_not_believed(tmp_path):
    ev = _hpa_case(
        tmp_path, hpa(current=6, maximum=6, metrics=CPU_SPEC, status=cpu_status(64), reason="TooManyReplicas")
    )
    assert workloads.hpa_at_max(ev).answer == "no"  # 64/60 is within the HPA's 10% tolerance


def test_an_hpa_below_max_is_not_capped(tmp_path):
    ev = _hpa_case(tmp_path, hpa(current=4, maximum=6, metrics=CPU_SPEC, status=cpu_status(150)))
    outcome = workloads.hpa_at_max(ev)
    assert outcome.answer == "no"
    assert (
        outcome.evidence[0][0]
        == "HPA shop/web on deployment/web: 4 of max 6 replicas; cpu at 150% of requests, target 60%"
    )


def test_hpa_ratio_takes_the_largest_of_value_metrics():
    the_hpa = hpa(
        current=3,
        maximum=3,
        metrics=[
            {
                "type": "Resource",
                "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "500Mi"}},
            },
            {
                "type": "Pods",
                "pods": {"metric": {"name": "rps"}, "target": {"type": "AverageValue", "averageValue": "100"}},
            },
        ],
        status=[
            {"type": "Resource", "resource": {"name": "memory", "current": {"averageValue": "400Mi"}}},
            {"type": "Pods", "pods": {"metric": {"name": "rps"}, "current": {"averageValue": "250"}}},
        ],
    )
    ratio, text = workloads._hpa_ratio(the_hpa)
    assert ratio == 2.5 and text == "rps at 250, target 100"


def test_hpa_without_current_metrics_cannot_want_more():
    ratio, text = workloads._hpa_ratio(hpa(current=3, maximum=3, metrics=CPU_SPEC, status=[]))
    assert ratio is None and text == "its metrics have no current value"


def test_notes_list_the_other_findings(tmp_path):
    ev = hot_node_with(
        tmp_path,
        (pod("batch", "report-1", cpu="250m", limit=None, owner=("ReplicaSet", "report-5c7f9")), "3100m"),
        extra=[replicaset("batch", "report-5c7f9", "report")],
    )
    notes = workloads.runaway_pod(ev).facts["notes"]
    assert notes == [f"also: the pods on {NODE} use 12.4x their CPU requests (3.1 cores used, 250m requested)"]

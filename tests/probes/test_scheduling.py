"""scheduling: requests and free allocatable in every quantity unit, the predicates, and which blocker decides."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from aksdoctor.model import Target
from aksdoctor.probes import scheduling
from aksdoctor.probes.scheduler_messages import Reason
from aksdoctor.probes.scheduling import (
    Resources,
    fit_analysis,
    matches_node,
    node_allocatable,
    pod_requests,
    requirement_holds,
    selector_matches,
    tolerates,
)
from aksdoctor.sources.bundle import BundleKube
from aksdoctor.sources.evidence import Evidence, Options

GI = 2**30
MI = 2**20


# ---- arithmetic --------------------------------------------------------------------------------------
def container(name: str = "app", **requests: str) -> dict[str, Any]:
    return {"name": name, "image": "nginx", "resources": {"requests": requests}}


def a_pod(*containers: dict[str, Any], init: list[dict[str, Any]] | None = None, **spec: Any) -> dict[str, Any]:
    return {"spec": {"containers": list(containers), "initContainers": init or [], **spec}}


@pytest.mark.parametrize(
    ("cpu", "memory", "millicores", "size"),
    [
        ("250m", "512Mi", 250, 512 * MI),
        ("1.5", "1G", 1500, 10**9),
        ("2e-1", "2e3", 200, 2000),  # decimal exponents: 0.2 cores, 2000 bytes
        ("0.1", "128974848", 100, 128974848),
        ("2", "129e6", 2000, 129 * 10**6),
        ("100001u", "1.5Gi", 101, int(1.5 * GI)),  # the scheduler rounds CPU up to whole millicores
        ("1k", "64Ki", 1_000_000, 64 * 1024),
        ("2000m", "2e9", 2000, 2 * 10**9),
        ("2e3", "0.5Ti", 2_000_000, 2**39),
    ],
)
def test_requests_in_every_quantity_unit(cpu, memory, millicores, size):
    req = pod_requests(a_pod(container(cpu=cpu, memory=memory)))
    assert (req.cpu, req.memory, req.pods) == (millicores, size, 1)


def test_containers_add_up_and_init_containers_count_by_their_maximum():
    pod = a_pod(
        container("a", cpu="250m", memory="256Mi"),
        container("b", cpu="500m", memory="256Mi"),
        init=[container("migrate", cpu="2", memory="128Mi"), container("wait", cpu="100m")],
    )
    req = pod_requests(pod)
    assert (req.cpu, req.memory) == (2000, 512 * MI)  # cpu from the init container, memory from the sum


def test_sidecars_add_to_the_sum_and_to_every_later_init_container():
    sidecar = dict(container("proxy", cpu="100m", memory="64Mi"), restartPolicy="Always")
    pod = a_pod(
        container("app", cpu="500m", memory="256Mi"), init=[sidecar, container("setup", cpu="1", memory="64Mi")]
    )
    req = pod_requests(pod)
    assert req.cpu == 1100  # setup (1) runs next to the proxy (100m): more than app + proxy (600m)
    assert req.memory == 320 * MI


def test_overhead_and_pod_level_resources():
    pod = a_pod(container(cpu="1", memory="1Gi"), overhead={"cpu": "250m", "memory": "120Mi"})
    assert (pod_requests(pod).cpu, pod_requests(pod).memory) == (1250, GI + 120 * MI)
    pod_level = a_pod(container(cpu="1", memory="1Gi"), resources={"requests": {"cpu": "3", "memory": "2Gi"}})
    assert (pod_requests(pod_level).cpu, pod_requests(pod_level).memory) == (3000, 2 * GI)


def test_no_requests_means_zero_and_extended_resources_are_kept():
    assert pod_requests(a_pod({"name": "bare", "image": "busybox"})).cpu == 0
    assert pod_requests(a_pod(container(cpu="2e3m"))).cpu == 0  # not a quantity (exponent and suffix): ignored
    gpu = pod_requests(a_pod(container(cpu="1", **{"nvidia.com/gpu": "2"})))
    assert gpu.other == {"nvidia.com/gpu": 2.0}


def test_free_allocatable_in_mixed_units():
    node = {"status": {"allocatable": {"cpu": "3860m", "memory": "13963524Ki", "pods": "110"}}}
    alloc = node_allocatable(node)
    bound = [
        pod_requests(a_pod(container(cpu="1.5", memory="2G"))),
        pod_requests(a_pod(container(cpu="250m", memory="512Mi"))),
        pod_requests(a_pod(container(cpu="2", memory="1Gi"))),
    ]
    used = Resources()
    for r in bound:
        used = used.plus(r)
    free = alloc.minus(used)
    assert (free.cpu, free.memory, free.pods) == (110, 13963524 * 1024 - 2 * 10**9 - 512 * MI - GI, 107)
    assert free.short(pod_requests(a_pod(container(cpu="100m", memory="1Gi")))) == []
    assert free.short(pod_requests(a_pod(container(cpu="111m")))) == [Reason.CPU]
    assert free.short(pod_requests(a_pod(container(memory="11Gi")))) == [Reason.MEMORY]
    full = Resources(1000, GI, 0)
    assert full.short(pod_requests(a_pod(container(cpu="1m")))) == [Reason.PODS]


# ---- predicates --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("toleration", "taint", "tolerated"),
    [
        (
            {"key": "dedicated", "operator": "Equal", "value": "batch", "effect": "NoSchedule"},
            {"key": "dedicated", "value": "batch", "effect": "NoSchedule"},
            True,
        ),
        ({"key": "dedicated", "value": "batch"}, {"key": "dedicated", "value": "batch", "effect": "NoExecute"}, True),
        (
            {"key": "dedicated", "value": "gpu", "effect": "NoSchedule"},
            {"key": "dedicated", "value": "batch", "effect": "NoSchedule"},
            False,
        ),
        (
            {"key": "dedicated", "operator": "Exists"},
            {"key": "dedicated", "value": "batch", "effect": "NoSchedule"},
            True,
        ),
        ({"operator": "Exists"}, {"key": "anything", "value": "x", "effect": "NoSchedule"}, True),
        (
            {"key": "CriticalAddonsOnly", "operator": "Exists", "effect": "NoExecute"},
            {"key": "CriticalAddonsOnly", "value": "true", "effect": "NoSchedule"},
            False,
        ),
        (
            {
                "key": "node.kubernetes.io/not-ready",
                "operator": "Exists",
                "effect": "NoExecute",
                "tolerationSeconds": 300,
            },
            {"key": "node.kubernetes.io/not-ready", "effect": "NoSchedule"},
            False,
        ),
    ],
)
def test_tolerations(toleration, taint, tolerated):
    assert tolerates([toleration], taint) is tolerated


def terms(*exprs: dict[str, Any]) -> dict[str, Any]:
    required = {"nodeSelectorTerms": [{"matchExpressions": list(exprs)}]}
    return {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": required}}}


def test_node_selector_and_required_affinity():
    labels = {"kubernetes.azure.com/agentpool": "gpu", "disktype": "ssd", "kubernetes.azure.com/cpu": "16"}
    assert matches_node({"spec": {"nodeSelector": {"disktype": "ssd"}}}, labels)
    assert not matches_node({"spec": {"nodeSelector": {"disktype": "hdd"}}}, labels)
    assert matches_node(
        {"spec": terms({"key": "kubernetes.azure.com/agentpool", "operator": "In", "values": ["gpu", "a100"]})}, labels
    )
    assert not matches_node(
        {"spec": terms({"key": "kubernetes.azure.com/agentpool", "operator": "NotIn", "values": ["gpu"]})}, labels
    )
    assert matches_node({"spec": terms({"key": "kubernetes.azure.com/cpu", "operator": "Gt", "values": ["8"]})}, labels)
    assert not matches_node({"spec": terms({"key": "spot", "operator": "Exists"})}, labels)
    assert matches_node({"spec": terms({"key": "spot", "operator": "DoesNotExist"})}, labels)
    either = {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchExpressions": [{"key": "disktype", "operator": "In", "values": ["nvme"]}]},
        {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["aks-gpu-1-vmss000000"]}]},
    ]}}}}  # fmt: skip
    assert matches_node({"spec": either}, labels, "aks-gpu-1-vmss000000")
    assert not matches_node({"spec": either}, labels, "aks-gpu-1-vmss000001")


def test_label_selectors():
    labels = {"app": "cache", "tier": "backend"}
    assert selector_matches({"matchLabels": {"app": "cache"}}, labels)
    assert selector_matches({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["backend"]}]}, labels)
    assert not selector_matches({"matchLabels": {"app": "web"}}, labels)
    assert selector_matches({}, labels)  # an empty selector matches everything
    assert not selector_matches(None, labels)  # a nil one nothing
    assert not requirement_holds({"key": "x", "operator": "Gt", "values": ["a"]}, {"x": "3"})


# ---- the analysis on small clusters ---------------------------------------------------------------------
def node(
    name: str,
    pool: str = "userpool",
    *,
    cpu: str = "3860m",
    memory: str = "13963524Ki",
    pods: str = "110",
    **extra: Any,
) -> dict[str, Any]:
    labels = {
        "kubernetes.azure.com/agentpool": pool,
        "kubernetes.io/hostname": name,
        "topology.kubernetes.io/zone": extra.pop("zone", "westeurope-1"),
    }
    labels |= extra.pop("labels", {})
    obj = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": labels},
        "spec": extra.pop("spec", {}),
        "status": {
            "allocatable": {"cpu": cpu, "memory": memory, "pods": pods},
            "conditions": [{"type": "Ready", "status": extra.pop("ready", "True")}],
        },
    }
    return obj


def bound(name: str, node_name: str, cpu: str, memory: str = "128Mi", **meta: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": meta.pop("namespace", "shop"),
            "labels": meta.pop("labels", {}),
            "ownerReferences": meta.pop("owners", []),
        },
        "spec": {"nodeName": node_name, "containers": [container(cpu=cpu, memory=memory)], **meta.pop("spec", {})},
        "status": {"phase": "Running"},
    }


def target(cpu: str = "1", memory: str = "1Gi", **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web-1", "namespace": "shop", "uid": "u-web-1", "labels": {"app": "web"}},
        "spec": {"containers": [container(cpu=cpu, memory=memory)], **spec},
        "status": {
            "phase": "Pending",
            "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable"}],
        },
    }


def evidence(tmp_path: Path, objects: list[dict[str, Any]]) -> Evidence:
    lists = {"nodes": [], "pods": [], "events": []}
    for obj in objects:
        lists[{"Node": "nodes", "Pod": "pods", "Event": "events"}[obj["kind"]]].append(obj)
    for name, items in lists.items():
        (tmp_path / f"{name}.yaml").write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": items}))
    return Evidence(kube=BundleKube(tmp_path), azure=None, target=Target("Pod", "web-1", "shop"), options=Options())


def test_cpu_short_on_every_candidate_names_the_freest_node(tmp_path):
    ev = evidence(tmp_path, [
        node("a"), node("b"),
        node("sys", "nodepool1", spec={"taints": [{"key": "CriticalAddonsOnly", "value": "true", "effect": "NoSchedule"}]}),
        bound("x", "a", "3"), bound("y", "b", "3.5"), target(cpu="1"),
    ])  # fmt: skip
    fit = fit_analysis(ev)
    assert fit.category == "cpu"
    assert fit.facts["best_node"] == "a" and fit.facts["max_free_cpu"] == "860m"
    assert fit.facts["suggested_cpu_request"] == "860m"
    assert fit.facts["pool"] == "userpool" and fit.facts["scaled_count"] == 3
    assert {v.node.name: set(v.failures) for v in fit.verdicts} == {
        "a": {Reason.CPU},
        "b": {Reason.CPU},
        "sys": {Reason.TAINT},
    }


def test_memory_and_pods_short(tmp_path):
    ev = evidence(tmp_path, [node("a", memory="4Gi"), bound("x", "a", "100m", "3Gi"), target(cpu="100m", memory="2Gi")])
    assert fit_analysis(ev).category == "memory"


def test_pods_short(tmp_path):
    ev = evidence(
        tmp_path,
        [node("a", pods="2"), bound("x", "a", "10m"), bound("y", "a", "10m"), target(cpu="10m", memory="10Mi")],
    )
    fit = fit_analysis(ev)
    assert fit.category == "pods" and fit.facts["max_pods"] == 2


def test_too_large_when_even_an_empty_node_cannot_hold_it(tmp_path):
    ev = evidence(tmp_path, [node("a"), node("b"), target(cpu="4")])
    fit = fit_analysis(ev)
    assert fit.category == "too-large"
    assert fit.facts["largest_node"] == "a"


def test_a_node_that_fits_now(tmp_path):
    ev = evidence(tmp_path, [node("a"), bound("x", "a", "1"), target(cpu="1")])
    fit = fit_analysis(ev)
    assert fit.category == "fits-now" and fit.facts["fitting_nodes"] == ["a"]


def test_not_ready_and_cordoned_before_taints_and_labels(tmp_path):
    ev = evidence(tmp_path, [
        node("a", ready="Unknown", spec={"taints": [{"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule"}]}),
        node("b", spec={"unschedulable": True, "taints": [{"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}]}),
        node("c", labels={"kubernetes.azure.com/agentpool": "other"}, spec={"taints": [{"key": "team", "value": "x", "effect": "NoSchedule"}]}),
        target(cpu="100m"),
    ])  # fmt: skip
    fit = fit_analysis(ev)
    assert fit.category == "not-ready"
    assert fit.facts["not_ready_nodes"] == ["a"] and fit.facts["cordoned_nodes"] == ["b"]


def test_taint_when_the_matching_nodes_are_tainted(tmp_path):
    taint = {"key": "dedicated", "value": "batch", "effect": "NoSchedule"}
    ev = evidence(tmp_path, [
        node("a"), node("batch-0", "batch", labels={"workload": "batch"}, spec={"taints": [taint]}),
        target(cpu="100m", nodeSelector={"workload": "batch"}, tolerations=[
            {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
            {"key": "example.com/maintenance", "operator": "Exists", "effect": "NoSchedule"},
        ]),
    ])  # fmt: skip
    fit = fit_analysis(ev)
    assert fit.category == "taint"
    assert fit.facts["taint"] == "dedicated=batch:NoSchedule" and fit.facts["tainted_nodes"] == ["batch-0"]
    patch = json.loads(fit.facts["toleration_patch"])
    assert patch == {"spec": {"tolerations": [  # a bare pod: spec.tolerations; the defaulted ones are left out
        {"key": "example.com/maintenance", "operator": "Exists", "effect": "NoSchedule"},
        {"key": "dedicated", "operator": "Equal", "value": "batch", "effect": "NoSchedule"},
    ]}}  # fmt: skip


def test_critical_addons_only_asks_for_a_user_pool_not_a_toleration(tmp_path):
    taint = {"key": "CriticalAddonsOnly", "value": "true", "effect": "NoSchedule"}
    ev = evidence(tmp_path, [node("sys-0", "nodepool1", spec={"taints": [taint]}), target(cpu="100m")])
    fit = fit_analysis(ev)
    assert fit.category == "taint" and fit.facts["user_pool_needed"] is True
    assert "toleration_patch" not in fit.facts


def test_selector_mismatch_lists_what_the_nodes_carry(tmp_path):
    ev = evidence(
        tmp_path,
        [node("a", labels={"disktype": "hdd"}), node("b"), target(cpu="100m", nodeSelector={"disktype": "ssd"})],
    )
    fit = fit_analysis(ev)
    assert fit.category == "selector"
    assert fit.facts["selector"] == "disktype=ssd" and fit.facts["selector_labels"] == ["disktype=ssd"]
    assert fit.facts["node_labels_seen"] == "disktype: hdd" and fit.facts["label_pool"] == "userpool"


def test_required_anti_affinity_in_both_directions(tmp_path):
    term = {"labelSelector": {"matchLabels": {"app": "web"}}, "topologyKey": "kubernetes.io/hostname"}
    anti = {"affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}}}
    ev = evidence(tmp_path, [
        node("a"), node("b"),
        bound("web-0", "a", "100m", labels={"app": "web"}),
        bound("db-0", "b", "100m", labels={"app": "db"}, spec={"affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
            {"labelSelector": {"matchLabels": {"app": "web"}}, "topologyKey": "kubernetes.io/hostname"}]}}}),
        target(cpu="100m", **anti),
    ])  # fmt: skip
    fit = fit_analysis(ev)
    assert fit.category == "anti-affinity"
    failures = {v.node.name: v.failures[Reason.ANTI_AFFINITY] for v in fit.verdicts}
    assert failures == {
        "a": "pod web-0 on a shares kubernetes.io/hostname=a",
        "b": "existing pod db-0 on b repels it (kubernetes.io/hostname)",
    }
    patch = json.loads(fit.facts["affinity_patch"])["spec"]["affinity"]["podAntiAffinity"]
    assert patch["requiredDuringSchedulingIgnoredDuringExecution"] is None
    assert patch["preferredDuringSchedulingIgnoredDuringExecution"] == [{"weight": 100, "podAffinityTerm": term}]


def test_topology_spread_skew(tmp_path):
    spread = {
        "topologySpreadConstraints": [
            {
                "maxSkew": 1,
                "topologyKey": "topology.kubernetes.io/zone",
                "whenUnsatisfiable": "DoNotSchedule",
                "labelSelector": {"matchLabels": {"app": "web"}},
            }
        ]
    }
    ev = evidence(tmp_path, [
        node("a", zone="westeurope-1"), node("b", zone="westeurope-2", cpu="100m"),
        bound("web-0", "a", "100m", labels={"app": "web"}),
        target(cpu="200m", **spread),
    ])  # fmt: skip
    fit = fit_analysis(ev)
    verdicts = {v.node.name: v.failures for v in fit.verdicts}
    assert verdicts["a"] == {Reason.SPREAD: "topology.kubernetes.io/zone=westeurope-1 would be at skew 2 (maxSkew 1)"}
    assert set(verdicts["b"]) == {Reason.CPU}
    assert fit.category == "cpu"  # zone 2 has room for the spread once it has CPU: a capacity story


def test_stale_message_is_noted_and_the_objects_decide(tmp_path):
    pod = target(cpu="1")
    event = {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": "web-1.1", "namespace": "shop"},
        "involvedObject": {"kind": "Pod", "name": "web-1", "namespace": "shop", "uid": "u-web-1"},
        "reason": "FailedScheduling",
        "message": "0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }.",
        "lastTimestamp": "2026-11-21T09:31:47Z",
    }
    ev = evidence(tmp_path, [node("a"), bound("x", "a", "3.5"), pod, event])
    fit = fit_analysis(ev)
    assert fit.category == "cpu"
    assert fit.facts["stale_message"] is True
    assert "no node shows node(s) had untolerated taint {node.kubernetes.io/not-ready: } now" in fit.facts["notes"][0]
    assert any(text.startswith("scheduler: 0/1 nodes are available") for text, _src in fit.evidence)


def test_reads_do_not_grow_with_the_cluster(tmp_path):
    nodes = [node(f"n{i}") for i in range(40)]
    pods = [bound(f"p{i}", f"n{i % 40}", "3.5") for i in range(80)]
    ev = evidence(tmp_path, [*nodes, *pods, target(cpu="1")])
    fit_analysis(ev)
    assert ev.kube.requests <= 4  # pod, nodes, pods cluster-wide, the pod's events


def test_pending_state_outcomes(tmp_path):
    gated = target(schedulingGates=[{"name": "kueue.x-k8s.io/admission"}])
    ev = evidence(tmp_path, [gated])
    assert scheduling.pending_state(ev).answer == "gated"
    assert scheduling.pending_state(ev).facts["gate"] == "kueue.x-k8s.io/admission"


@pytest.mark.parametrize(
    ("waiting", "answer"),
    [
        ("ContainerCreating", "starting"),
        ("ImagePullBackOff", "other-waiting"),
        ("CreateContainerConfigError", "other-waiting"),
    ],
)
def test_scheduled_pods_waiting(tmp_path, waiting, answer):
    pod = target(nodeName="a")
    pod["status"]["containerStatuses"] = [{"name": "app", "state": {"waiting": {"reason": waiting}}}]
    outcome = scheduling.pending_state(evidence(tmp_path, [pod]))
    assert outcome.answer == answer
    if waiting == "ImagePullBackOff":
        assert outcome.facts["notes"] == [
            "container app waits in ImagePullBackOff: run `aksdoctor imagepull web-1 -n shop`"
        ]


def test_a_failed_pod_is_not_healthy_nor_pending(tmp_path):
    pod = target()
    pod["status"] = {"phase": "Failed", "reason": "Evicted", "message": "The node was low on resource: memory."}
    outcome = scheduling.pending_state(evidence(tmp_path, [pod]))
    assert outcome.answer == "other-waiting"
    assert outcome.evidence[0][0] == "the pod is Failed: Evicted"

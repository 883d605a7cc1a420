"""nodes: node CPU against allocatable from one NodeMetrics list, and why metrics.k8s.io is not served."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from aksdoctor.errors import NotCaptured
from aksdoctor.model import Target
from aksdoctor.probes import nodes
from aksdoctor.sources.bundle import BundleKube
from aksdoctor.sources.evidence import Evidence, Options


def node(name: str, pool: str = "userpool", *, allocatable: str = "3860m", capacity: str = "4") -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": {"kubernetes.azure.com/agentpool": pool, "kubernetes.azure.com/mode": "user"},
        },
        "status": {"allocatable": {"cpu": allocatable}, "capacity": {"cpu": capacity}},
    }


def node_metrics(name: str, cpu: str) -> dict[str, Any]:
    return {
        "apiVersion": "metrics.k8s.io/v1beta1",
        "kind": "NodeMetrics",
        "metadata": {"name": name},
        "timestamp": "2026-11-21T09:57:58Z",
        "window": "20.036s",
        "usage": {"cpu": cpu, "memory": "9412404Ki"},
    }


def apiservice(status: str, reason: str, message: str) -> dict[str, Any]:
    return {
        "apiVersion": "apiregistration.k8s.io/v1",
        "kind": "APIService",
        "metadata": {"name": "v1beta1.metrics.k8s.io"},
        "spec": {
            "group": "metrics.k8s.io",
            "version": "v1beta1",
            "service": {"name": "metrics-server", "namespace": "kube-system"},
        },
        "status": {"conditions": [{"type": "Available", "status": status, "reason": reason, "message": message}]},
    }


def evidence(
    tmp_path: Path, objects: list[dict[str, Any]], *, threshold: float | None = 90, target: Target | None = None
) -> Evidence:
    (tmp_path / "objects.yaml").write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": objects}))
    extra = {"threshold": threshold} if threshold is not None else {}
    return Evidence(
        kube=BundleKube(tmp_path),
        azure=None,
        target=target or Target("Cluster", "all-nodes"),
        options=Options(extra=extra),
    )


def test_usage_in_nanocores_against_allocatable_hottest_first(tmp_path):
    ev = evidence(
        tmp_path,
        [node("a"), node("b"), node_metrics("a", "1930000000n"), node_metrics("b", "3705600000n")],
    )
    outcome = nodes.cpu_pressure(ev)
    assert outcome.answer == "hot"
    assert outcome.facts["hot_nodes"] == ["b"]
    assert outcome.evidence[0] == (
        "b (pool userpool) is at 96% of allocatable (3.71 of 3.86 cores; capacity 4)",
        "NodeMetrics b (metrics.k8s.io) and Node b status.allocatable",
    )
    gauges = outcome.facts["gauges"]
    assert [(g.label, g.value, g.limit, g.capacity, g.group) for g in gauges] == [
        ("b", 3706, 3860, 4000, "userpool"),
        ("a", 1930, 3860, 4000, "userpool"),
        ("pool userpool (2 nodes)", 5636, 7720, 8000, "userpool"),
    ]


def test_the_threshold_is_inclusive_and_defaults_to_90(tmp_path):
    ev = evidence(tmp_path, [node("a", allocatable="1"), node_metrics("a", "900m")], threshold=None)
    assert nodes.threshold(ev) == 90.0
    assert nodes.cpu_pressure(ev).answer == "hot"


def test_below_the_threshold_names_the_hottest_node(tmp_path):
    ev = evidence(
        tmp_path, [node("a"), node("b"), node_metrics("a", "1930m"), node_metrics("b", "1000m")], threshold=95
    )
    outcome = nodes.cpu_pressure(ev)
    assert outcome.answer == "below-threshold"
    assert outcome.evidence[0][0] == (
        "threshold 95%: no node is at or above it; the hottest, a, is at 50% of allocatable (1.93 of 3.86 cores; capacity 4)"
    )


def test_nodes_without_metrics_are_noted_not_guessed(tmp_path):
    ev = evidence(tmp_path, [node("a"), node("new"), node_metrics("a", "100m")])
    outcome = nodes.cpu_pressure(ev)
    assert outcome.answer == "below-threshold"
    assert outcome.facts["notes"] == ["no metrics yet for 1 node(s) (new or not Ready?): new"]


def test_the_chart_keeps_the_hottest_20_and_says_what_it_leaves_out(tmp_path):
    objects = []
    for i in range(25):
        objects += [node(f"n{i:02d}"), node_metrics(f"n{i:02d}", f"{3860 - i * 100}m")]
    picture = nodes.cpu_picture(evidence(tmp_path, objects))
    gauges = picture.gauges()
    assert [g.label for g in gauges[:2]] == ["n00", "n01"] and len(gauges) == 21
    assert picture.notes() == ["5 more nodes are not charted (all at or below 48.2%); the pool lines count every node"]


def test_pool_needs_enough_nodes_to_sit_below_the_threshold(tmp_path):
    ev = evidence(tmp_path, [node("a"), node("b"), node_metrics("a", "3800m"), node_metrics("b", "3800m")])
    assert nodes.cpu_picture(ev).needed_nodes("userpool") == 3  # 7.6 cores / (3.86 * 0.9)


def test_apiservice_down_is_metrics_unavailable_with_metrics_server_state(tmp_path):
    msg = "failing or missing response from https://10.244.0.12:4443/apis/metrics.k8s.io/v1beta1: context deadline exceeded"
    ev = evidence(tmp_path, [node("a"), apiservice("False", "FailedDiscoveryCheck", msg)])
    outcome = nodes.cpu_pressure(ev)
    assert outcome.answer == "metrics-unavailable"
    assert (
        outcome.facts["metrics_state"]
        == f"APIService v1beta1.metrics.k8s.io is Available=False (FailedDiscoveryCheck): {msg}"
    )
    assert outcome.evidence[1][0].startswith("metrics-server pods not read: ")  # pods not captured in this bundle


def test_metrics_not_captured_with_the_api_available_is_not_a_verdict(tmp_path):
    ev = evidence(tmp_path, [node("a"), apiservice("True", "Passed", "all checks passed")])
    with pytest.raises(NotCaptured):
        nodes.cpu_pressure(ev)


def test_metrics_and_apiservice_both_not_captured_is_not_a_verdict(tmp_path):
    with pytest.raises(NotCaptured):
        nodes.cpu_pressure(evidence(tmp_path, [node("a")]))


def test_a_failed_read_is_unavailable_even_when_the_apiservice_says_available(tmp_path):
    ev = evidence(tmp_path, [node("a"), apiservice("True", "Passed", "")])
    down = nodes.metrics_down(ev, failure="the metrics.k8s.io API did not answer")
    assert down is not None
    assert down.facts["metrics_state"] == (
        "the metrics.k8s.io API did not answer, although APIService v1beta1.metrics.k8s.io is Available=True"
    )


def test_malformed_quantities_count_as_zero():
    assert nodes.cpu_of("12 cores") == 0.0
    assert nodes.cpu_of(None) == 0.0
    assert nodes.cpu_of("250m") == 250.0


def test_no_metrics_apiservice_at_all_means_metrics_server_is_not_installed(tmp_path):
    other = apiservice("True", "Local", "Local APIServices are always available")
    other["metadata"]["name"] = "v1.apps"
    ev = evidence(tmp_path, [node("a"), other])
    down = nodes.metrics_down(ev, failure="the metrics.k8s.io API did not answer")
    assert down is not None
    assert (
        down.facts["metrics_state"]
        == "APIService v1beta1.metrics.k8s.io does not exist: metrics-server is not installed"
    )

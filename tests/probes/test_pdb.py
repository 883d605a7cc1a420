"""PDBs judged like AKS's UnsatisfiablePDB pre-check and the disruption controller: rounding, selectors,
by-construction blocks against blocks for unready pods."""

from __future__ import annotations

import pytest

from aksdoctor.model import Target
from aksdoctor.probes.pdb import evaluate, scaled, selects
from aksdoctor.sources.evidence import Evidence


class _NoKube:
    mode = "bundle"


def ev() -> Evidence:
    return Evidence(kube=_NoKube(), azure=None, target=Target("Cluster", "all-pools"))


def pod(name: str, *, ready: bool = True, labels: dict | None = None) -> dict:
    return {
        "metadata": {"name": name, "namespace": "shop", "labels": labels or {"app": "web"}},
        "spec": {"nodeName": "aks-userpool-1-vmss000000"},
        "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True" if ready else "False"}]},
    }


def budget(**spec) -> dict:
    return {
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"selector": {"matchLabels": {"app": "web"}}, **spec},
    }


@pytest.mark.parametrize(
    ("value", "total", "want"),
    [(1, 3, 1), ("1", 3, 1), ("80%", 1, 1), ("80%", 5, 4), ("50%", 3, 2), ("0%", 4, 0), ("10%", 3, 1)],
)
def test_percentages_round_up_like_the_disruption_controller(value, total, want):
    assert scaled(value, total) == want


def test_selectors_match_labels_and_expressions_and_a_null_selector_selects_nothing():
    p = pod("web-1", labels={"app": "web", "tier": "front"})
    expr = {"selector": {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["front"]}]}}
    assert selects({"spec": expr}, p)
    assert not selects({"spec": {"selector": {"matchExpressions": [{"key": "tier", "operator": "DoesNotExist"}]}}}, p)
    assert not selects({"spec": {}}, p)


def test_min_available_80_percent_of_one_pod_blocks_by_construction():
    found = evaluate(ev(), budget(minAvailable="80%"), [pod("web-1")])
    assert found is not None and found.kind == "min-available"
    assert found.reason == "has minAvailable(80%) >= expectedPods(1)"


def test_max_unavailable_zero_blocks_whatever_the_health():
    found = evaluate(ev(), budget(maxUnavailable=0), [pod("web-1"), pod("web-2")])
    assert found is not None and found.kind == "max-unavailable-zero"


def test_a_pdb_that_allows_one_at_full_health_blocks_only_for_unready_pods():
    pods = [pod("web-1"), pod("web-2", ready=False)]
    spec = budget(maxUnavailable=1)
    spec["status"] = {"expectedPods": 2, "currentHealthy": 1, "desiredHealthy": 1, "disruptionsAllowed": 0}
    found = evaluate(ev(), spec, pods)
    assert found is not None and found.kind == "unhealthy-pods"
    assert [p["metadata"]["name"] for p in found.unready] == ["web-2"]
    healthy = budget(maxUnavailable=1)
    healthy["status"] = {"expectedPods": 2, "currentHealthy": 2, "desiredHealthy": 1, "disruptionsAllowed": 1}
    assert evaluate(ev(), healthy, [pod("web-1"), pod("web-2")]) is None

"""nodecpu examples beyond their verdict (tests/test_examples.py judges every bundle's expected.json): gauges,
figures, node targets and thresholds."""

from __future__ import annotations

import json

from conftest import example

HOT = "aks-userpool-24817365-vmss000000"
REPORT_POD = "report-worker-2tg82dt8hv-rvqqp"


def run(cli, case: str, *args: str) -> tuple[int, dict]:
    result = cli("nodecpu", *args, "--bundle", str(example(case)), "-o", "json")
    return result.exit_code, json.loads(result.stdout) if result.stdout else {}


def test_gauges_give_every_node_and_pool_against_allocatable_with_capacity(cli):
    _code, report = run(cli, "nodecpu-runaway-pod-no-limits")
    gauges = {g["label"]: g for g in report["gauges"]}
    assert gauges[HOT] == {
        "label": HOT,
        "value": 3600,
        "limit": 3860,
        "percent": 93.3,
        "unit": "m",
        "group": "userpool",
        "capacity": 4000,
    }
    assert gauges["pool userpool (3 nodes)"]["value"] == 3600 + 1100 + 1001
    assert gauges["pool userpool (3 nodes)"]["limit"] == 3 * 3860
    assert gauges["pool nodepool1 (2 nodes)"]["group"] == "nodepool1"
    assert report["gauges"][0]["label"] == HOT  # hottest first


def test_runaway_pod_names_usage_against_request_and_node_share(cli):
    _code, report = run(cli, "nodecpu-runaway-pod-no-limits")
    cause = report["causes"][0]
    assert cause["title"] == f"Pod batch/{REPORT_POD} has no CPU limit and uses 80% of node {HOT}"
    assert "uses 3.1 cores on" in cause["summary"] and "12.4x its request (250m)" in cause["summary"]
    facts = [e["fact"] for e in cause["evidence"]]
    assert f"{HOT} (pool userpool) is at 93.3% of allocatable (3.6 of 3.86 cores; capacity 4)" in facts
    assert any(f.startswith(f"top on {HOT}: shop/web-") and "limit 1" in f for f in facts)


def test_other_findings_are_kept_as_notes(cli):
    _code, report = run(cli, "nodecpu-runaway-pod-no-limits")
    assert "also: pool userpool is at its autoscaler maxCount (3 of max 3 nodes)" in report["notes"]
    assert any(n.startswith(f"also: the pods on {HOT} use 4.0x their CPU requests") for n in report["notes"])


def test_healthy_gives_the_hottest_node_figure(cli):
    _code, report = run(cli, "nodecpu-healthy")
    assert report["evidence"][0]["fact"] == (
        "threshold 90%: no node is at or above it; the hottest, aks-userpool-24817365-vmss000000, is at 57% "
        "of allocatable (2.2 of 3.86 cores; capacity 4)"
    )
    assert report["gauges"]


def test_threshold_option_makes_cooler_nodes_hot(cli):
    code, report = run(cli, "nodecpu-healthy", "--threshold", "50")
    assert report["trace"][0]["outcome"] == "hot"
    assert code == 3  # the pool check needs Azure, which this bundle does not have
    assert report["skipped"][0]["probe"] == "pool.autoscaler"


def test_threshold_out_of_range_is_a_usage_error(cli):
    result = cli("nodecpu", "--threshold", "0", "--bundle", str(example("nodecpu-healthy")))
    assert result.exit_code == 2


def test_one_node_below_the_threshold_is_healthy_and_targets_the_node(cli, validate_report):
    node = "aks-userpool-24817365-vmss000001"
    code, report = run(cli, "nodecpu-runaway-pod-no-limits", node)
    validate_report(report)
    assert code == 0 and report["target"] == {"kind": "Node", "name": node}
    assert report["evidence"][0]["fact"].startswith(f"threshold 90%: node {node} is at 28.5% of allocatable")
    assert [g["label"] for g in report["gauges"]] == [node]


def test_one_hot_node_gets_its_cause(cli):
    code, report = run(cli, "nodecpu-runaway-pod-no-limits", HOT)
    assert code == 1 and report["causes"][0]["id"] == "runaway-pod-no-limits"


def test_unknown_node_suggests_the_closest_names(cli):
    result = cli("nodecpu", "aks-userpool-24817365-vmss00009", "--bundle", str(example("nodecpu-healthy")))
    assert result.exit_code == 2
    assert "node 'aks-userpool-24817365-vmss00009' not found" in result.stderr
    assert "did you mean: aks-userpool-24817365-vmss000000" in result.stderr


def test_metrics_unavailable_shows_the_apiservice_and_metrics_server_state(cli):
    _code, report = run(cli, "nodecpu-metrics-unavailable")
    facts = [e["fact"] for e in report["causes"][0]["evidence"]]
    assert facts[0].startswith("APIService v1beta1.metrics.k8s.io is Available=False (FailedDiscoveryCheck): ")
    assert "connect: connection refused" in facts[0]
    assert "CrashLoopBackOff (restarts 14)" in facts[1] and "0/1 ready" in facts[1]
    assert report["gauges"] == []


def test_hpa_is_judged_on_its_numbers(cli):
    _code, report = run(cli, "nodecpu-hpa-at-max-replicas")
    cause = report["causes"][0]
    assert cause["title"] == "HPA shop/web is at maxReplicas 6 and asks for 13"
    assert "cpu at 165% of requests, target 80%" in cause["summary"]


def test_quota_shows_family_and_regional_figures(cli):
    _code, report = run(cli, "nodecpu-vm-quota-exceeded")
    facts = [e["fact"] for e in report["causes"][0]["evidence"]]
    assert "one more node needs 4 vCPUs (Standard_D4ds_v5 has 4 vCPUs)" in facts
    assert "Standard DDSv5 Family vCPUs (standardDDSv5Family): 24 of 24 vCPUs used, 0 free" in facts
    assert "Total Regional vCPUs (cores): 40 of 100 vCPUs used, 60 free" in facts


def test_no_azure_names_what_could_not_be_checked(cli):
    _code, report = run(cli, "nodecpu-no-azure-inconclusive")
    assert report["skipped"] == [
        {
            "probe": "pool.autoscaler",
            "reason": "could not read the AKS managed cluster: no Azure source in this run (--no-azure, or a bundle without azure/ recordings)",
            "grant": "run live with Azure access (az login), or capture the bundle with it",
        }
    ]
    assert [s["outcome"] for s in report["trace"]] == ["hot", "no", "no", "no", "no", "unknown"]


def test_text_report_draws_the_node_chart(cli):
    result = cli("nodecpu", "--bundle", str(example("nodecpu-autoscaler-max-reached")))
    out = result.stdout
    assert result.exit_code == 1
    assert out.startswith("PROBLEM  nodecpu · Cluster all-nodes")
    chart = next(line for line in out.splitlines() if line.startswith(HOT))
    assert "██████████████████░░" in chart and chart.endswith("90.7%  3500/3860m")
    assert "pool userpool (3 nodes)" in out
    assert "Pool userpool is at its autoscaler maxCount (3 nodes)" in out


def test_kubectl_style_node_target(cli):
    code, report = run(cli, "nodecpu-runaway-pod-no-limits", f"node/{HOT}")
    assert code == 1 and report["target"] == {"kind": "Node", "name": HOT}

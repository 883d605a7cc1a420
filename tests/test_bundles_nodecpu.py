"""Every nodecpu example bundle gives its verdict, with the figures and the real names in the fix command."""

from __future__ import annotations

import json

import pytest

from aksdoctor.probes import PROBES
from aksdoctor.runbook import load_all
from conftest import EXAMPLES, example

SUB = "3f2b7c1e-8d4a-4b6f-9e2d-7a1c5b8e0f42"
HOT = "aks-userpool-24817365-vmss000000"
REPORT_POD = "report-worker-2tg82dt8hv-rvqqp"

# case -> (status, cause id or None, substrings the fix commands must hold)
EXPECTED: dict[str, tuple[str, str | None, list[str]]] = {
    "nodecpu-healthy": ("healthy", None, []),
    "nodecpu-metrics-unavailable": (
        "problem",
        "metrics-unavailable",
        [
            "kubectl -n kube-system get pods -l k8s-app=metrics-server -o wide",
            "kubectl -n kube-system logs -l k8s-app=metrics-server --all-containers --tail=50",
            "kubectl get apiservice v1beta1.metrics.k8s.io -o yaml",
        ],
    ),
    "nodecpu-runaway-pod-no-limits": (
        "problem",
        "runaway-pod-no-limits",
        [
            "kubectl set resources deployment/report-worker -n batch -c report-worker --limits=cpu=1.9",
            f"kubectl delete pod {REPORT_POD} -n batch",
        ],
    ),
    "nodecpu-cpu-requests-underestimated": (
        "problem",
        "cpu-requests-underestimated",
        [
            "kubectl set resources deployment/web -n shop -c web --requests=cpu=900m",
            "kubectl top pod -n shop --containers",
        ],
    ),
    "nodecpu-hpa-at-max-replicas": (
        "problem",
        "hpa-at-max-replicas",
        ['kubectl patch hpa web -n shop --type merge -p \'{"spec":{"maxReplicas":13}}\''],
    ),
    "nodecpu-user-pods-on-system-pool": (
        "problem",
        "user-pods-on-system-pool",
        [
            "az aks nodepool add -g rg-shop-prod --cluster-name aks-prod -n userpool --mode User "
            "--node-vm-size Standard_D4ds_v5 --node-count 2 --enable-cluster-autoscaler --min-count 2 --max-count 4",
            "az aks nodepool update -g rg-shop-prod --cluster-name aks-prod -n nodepool1 "
            "--node-taints CriticalAddonsOnly=true:NoSchedule",
            "kubectl rollout restart deployment/web -n shop",
        ],
    ),
    "nodecpu-autoscaler-disabled": (
        "problem",
        "autoscaler-disabled",
        [
            "az aks nodepool update -g rg-shop-prod --cluster-name aks-prod -n userpool "
            "--enable-cluster-autoscaler --min-count 3 --max-count 4",
            "az aks nodepool scale -g rg-shop-prod --cluster-name aks-prod -n userpool --node-count 4",
        ],
    ),
    "nodecpu-autoscaler-max-reached": (
        "problem",
        "autoscaler-max-reached",
        [
            "az aks nodepool update -g rg-shop-prod --cluster-name aks-prod -n userpool "
            "--update-cluster-autoscaler --min-count 2 --max-count 4"
        ],
    ),
    "nodecpu-vm-quota-exceeded": (
        "problem",
        "vm-quota-exceeded",
        [
            f"az quota update --resource-name standardDDSv5Family --scope /subscriptions/{SUB}/providers/"
            "Microsoft.Compute/locations/westeurope --limit-object value=28 --resource-type dedicated"
        ],
    ),
    "nodecpu-no-azure-inconclusive": ("inconclusive", None, []),
}

EXIT = {"healthy": 0, "problem": 1, "inconclusive": 3}


def run(cli, case: str, *args: str) -> tuple[int, dict]:
    result = cli("nodecpu", *args, "--bundle", str(example(case)), "-o", "json")
    return result.exit_code, json.loads(result.stdout) if result.stdout else {}


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_example_bundle_verdict(case, cli, validate_report):
    status, cause_id, fixes = EXPECTED[case]
    code, report = run(cli, case)
    assert code == EXIT[status]
    validate_report(report)
    assert report["status"] == status
    assert report["target"] == {"kind": "Cluster", "name": "all-nodes"}
    if cause_id is None:
        assert report["causes"] == []
        return
    cause = report["causes"][0]
    assert cause["id"] == cause_id
    commands = [f["command"] for f in cause["fix"]]
    for text in fixes:
        assert any(text in c for c in commands), f"{text!r} not in {commands}"
    assert not any("<" in c and ">" in c.split("<", 1)[1] for c in commands), commands  # every name filled in
    assert cause["evidence"], "a cause is named only with evidence"


def test_every_example_bundle_has_an_expectation():
    assert {p.name for p in EXAMPLES.iterdir() if p.name.startswith("nodecpu-")} == set(EXPECTED)


def test_every_nodecpu_cause_has_an_example_bundle():
    causes = set(load_all(PROBES)["nodecpu"].causes)
    assert causes == {cause for _status, cause, _fixes in EXPECTED.values() if cause}


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

"""nodecpu live: the official kubernetes client over HTTP to the API server fixture (metrics.k8s.io served by
it), Azure SDK clients over `responses`. Same verdict as the bundle; cluster-wide reads only."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
import time

import pytest

from conftest import EXAMPLES, ROOT
from live import azure_mock, served

CASES = sorted(p.name for p in EXAMPLES.iterdir() if p.name.startswith("nodecpu-"))
HOT = "aks-userpool-24817365-vmss000000"


def _verdict(report: dict) -> dict:
    return {
        "status": report["status"],
        "causes": report["causes"],
        "skipped": report["skipped"],
        "notes": report["notes"],
        "gauges": report["gauges"],
        "path": [(s["probe"], s["outcome"]) for s in report["trace"]],
    }


def _live(cli, kubeconfig: str, *args: str) -> tuple[int, dict, str]:
    result = cli("nodecpu", *args, "--kubeconfig", kubeconfig, "--context", "fixture", "-o", "json")
    return result.exit_code, json.loads(result.stdout) if result.stdout else {}, result.stderr


@pytest.mark.parametrize("case", CASES)
def test_live_and_bundle_give_the_same_verdict(case, cli, tmp_path, monkeypatch, validate_report):
    bundle = EXAMPLES / case
    offline = cli("nodecpu", "--bundle", str(bundle), "-o", "json")
    extra = [] if (bundle / "azure").is_dir() else ["--no-azure"]
    with served(bundle, tmp_path) as (server, kubeconfig), azure_mock(bundle, monkeypatch) as mock:
        if case == "nodecpu-metrics-unavailable":
            # registered but down: every metrics.k8s.io path answers 503, the APIService says why
            server.set_metrics_available(False, failure="unavailable")
        code, report, stderr = _live(cli, kubeconfig, *extra)
        methods = {r.method for r in server.requests}
        paths = [r.path for r in server.requests]
        azure_methods = {c.request.method for c in mock.calls}
    assert code == offline.exit_code, stderr
    validate_report(report)
    assert report["source"]["mode"] == "live"
    live, bundled = _verdict(report), _verdict(json.loads(offline.stdout))
    if extra:  # the reason for no Azure differs by mode: "no azure/ recordings" vs "--no-azure"
        live["skipped"] = [s["probe"] for s in live["skipped"]]
        bundled["skipped"] = [s["probe"] for s in bundled["skipped"]]
    assert live == bundled
    assert methods == {"GET"} and azure_methods <= {"GET"}
    assert not [p for p in paths if p.startswith("/api/v1/nodes/")], "no per-node read"


def test_metrics_server_missing_is_metrics_unavailable(cli, tmp_path):
    with served(EXAMPLES / "nodecpu-healthy", tmp_path) as (server, kubeconfig):
        server.set_metrics_available(False)  # no metrics-server: the group 404s, the APIService says MissingEndpoints
        code, report, _ = _live(cli, kubeconfig, "--no-azure")
    assert code == 1 and report["causes"][0]["id"] == "metrics-unavailable"
    state = report["causes"][0]["evidence"][0]["fact"]
    assert state.startswith("APIService v1beta1.metrics.k8s.io is Available=False (MissingEndpoints): ")
    assert "metrics-server pods: metrics-server-" in report["causes"][0]["evidence"][1]["fact"]


def test_forbidden_pod_metrics_still_checks_the_pool_and_names_the_grant(cli, tmp_path, monkeypatch):
    bundle = EXAMPLES / "nodecpu-autoscaler-max-reached"
    with served(bundle, tmp_path) as (server, kubeconfig), azure_mock(bundle, monkeypatch):
        server.forbid("list", "pods", group="metrics.k8s.io")
        code, report, _ = _live(cli, kubeconfig)
    assert code == 1 and report["causes"][0]["id"] == "autoscaler-max-reached"
    # no pod waits for capacity; then the four hygiene checks cannot read PodMetrics
    assert [s["outcome"] for s in report["trace"]][:6] == ["hot", "no", "unknown", "unknown", "unknown", "unknown"]
    skipped = {s["probe"]: s for s in report["skipped"]}
    assert "403 Forbidden" in skipped["workloads.runaway_pod"]["reason"]
    assert "'list' on resource 'pods' (apiGroup metrics.k8s.io)" in skipped["workloads.runaway_pod"]["grant"]


def test_forbidden_compute_usages_keeps_the_pool_cause(cli, tmp_path, monkeypatch, validate_report):
    bundle = tmp_path / "bundle"
    shutil.copytree(EXAMPLES / "nodecpu-autoscaler-disabled", bundle)
    recordings = bundle / "azure" / "arm.jsonl"
    lines = []
    for line in recordings.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if rec["url"].split("?")[0].endswith("/usages"):
            rec["status"] = 403
            rec["body"] = {
                "error": {
                    "code": "AuthorizationFailed",
                    "message": "The client 'oncall@contoso.example' with object id 'e3a1f0c2-7b6d-4e5f-8a9b-0c1d2e3f4a5b' "
                    "does not have authorization to perform action 'Microsoft.Compute/locations/usages/read' over scope "
                    "'/subscriptions/3f2b7c1e-8d4a-4b6f-9e2d-7a1c5b8e0f42' or the scope is invalid. If access was "
                    "recently granted, please refresh your credentials.",
                }
            }
        lines.append(json.dumps(rec))
    recordings.write_text("\n".join(lines) + "\n", encoding="utf-8")
    offline = json.loads(cli("nodecpu", "--bundle", str(bundle), "-o", "json").stdout)
    with served(bundle, tmp_path) as (_server, kubeconfig), azure_mock(bundle, monkeypatch):
        code, report, _ = _live(cli, kubeconfig)
    validate_report(report)
    assert _verdict(report) == _verdict(offline)
    assert code == 1 and report["causes"][0]["id"] == "autoscaler-disabled"
    skipped = report["skipped"][0]
    assert skipped["probe"] == "quota.vcpu_for_one_node"
    assert skipped["reason"].startswith("could not list compute usages in westeurope: 403 AuthorizationFailed")
    assert "Microsoft.Compute/locations/usages/read on /subscriptions/3f2b7c1e" in skipped["grant"]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_nodecpu_scale", ROOT / "bench" / "bench_nodecpu_scale.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_api_calls_do_not_grow_with_the_node_count(validate_report):
    bench = _bench()
    small = bench.run_once(50, 5000)
    t0 = time.perf_counter()
    large = bench.run_once(200, 5000)
    wall = time.perf_counter() - t0
    validate_report(large["report"])
    assert small["verdict"] == large["verdict"] == "autoscaler-max-reached"
    assert large["by_path"] == small["by_path"]  # the same reads, page for page
    assert large["k8s_requests"] == small["k8s_requests"] <= 20
    # the clusters of the subscription (the cluster found there is not read again), quota, sizes
    assert large["azure_requests"] == small["azure_requests"] == 3
    assert not any(r.query.get("fieldSelector") for r in large["requests"]), "no per-node field selectors"
    assert large["report"]["notes"][0].startswith("180 more nodes are not charted (29 of them at or above 90%")
    assert wall < 30


def test_forbidden_node_metrics_is_inconclusive_with_the_grant(cli, tmp_path):
    with served(EXAMPLES / "nodecpu-healthy", tmp_path) as (server, kubeconfig):
        server.forbid("list", "nodes", group="metrics.k8s.io")
        code, report, _ = _live(cli, kubeconfig, "--no-azure")
    assert code == 3 and report["status"] == "inconclusive"
    skipped = report["skipped"][0]
    assert skipped["probe"] == "nodes.cpu_pressure"
    assert 'cannot list resource "nodes" in API group "metrics.k8s.io"' in skipped["reason"]
    assert "'list' on resource 'nodes' (apiGroup metrics.k8s.io) through a ClusterRole" in skipped["grant"]

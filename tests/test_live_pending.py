"""pending live: the official kubernetes client over HTTP to the API server fixture, Azure SDK clients over
`responses`. Same verdict as the bundle; reads that do not grow with the cluster; missing rights named."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLES
from live import azure_mock, served

CASES = sorted(p.name for p in EXAMPLES.iterdir() if p.name.startswith("pending-"))
POD = "checkout-6c5f9d7b8-q7k2p"


def _pod(case: str) -> str:
    return (EXAMPLES / case / "COMMAND").read_text().split()[2]


def _verdict(report: dict) -> dict:
    return {
        "status": report["status"],
        "causes": report["causes"],
        "skipped": report["skipped"],
        "notes": report["notes"],
        "gauges": report["gauges"],
        "path": [(s["probe"], s["outcome"]) for s in report["trace"]],
    }


def _live(cli, case: str, kubeconfig: str, *args: str) -> tuple[int, dict]:
    result = cli(
        "pending", _pod(case), "-n", "shop", "--kubeconfig", kubeconfig, "--context", "fixture", "-o", "json", *args
    )
    return result.exit_code, json.loads(result.stdout) if result.stdout else {}


@pytest.mark.parametrize("case", CASES)
def test_live_and_bundle_give_the_same_verdict(case, cli, tmp_path, monkeypatch, validate_report):
    bundle = EXAMPLES / case
    offline = cli("pending", _pod(case), "-n", "shop", "--bundle", str(bundle), "-o", "json")
    extra = [] if (bundle / "azure").is_dir() else ["--no-azure"]
    with served(bundle, tmp_path) as (server, kubeconfig), azure_mock(bundle, monkeypatch) as mock:
        code, report = _live(cli, case, kubeconfig, *extra)
        requests = list(server.requests)
        azure_methods = {c.request.method for c in mock.calls}
    assert code == offline.exit_code
    validate_report(report)
    assert report["source"]["mode"] == "live"
    assert _verdict(report) == _verdict(json.loads(offline.stdout))
    assert {r.method for r in requests} == {"GET"} and azure_methods <= {"GET"}


def test_reads_do_not_grow_with_the_number_of_nodes(cli, tmp_path, monkeypatch):
    bundle = EXAMPLES / "pending-autoscaler-max-reached"
    with served(bundle, tmp_path) as (server, kubeconfig), azure_mock(bundle, monkeypatch):
        _live(cli, "pending-autoscaler-max-reached", kubeconfig)
    paths = [(r.path, r.query.get("fieldSelector")) for r in server.requests]
    assert not [p for p, _ in paths if p.startswith("/api/v1/nodes/")], "no per-node read"
    node_lists = [r.query.get("limit") for r in server.requests if r.path == "/api/v1/nodes"]
    # every node once (pages of 500); the cluster's coordinates come from that list when it is in flight or done,
    # else from one limit=1 read (the probes start together: which asks first is the scheduler's choice)
    assert sorted(node_lists) in (["500"], ["1", "500"]), node_lists
    pods = [(p, s) for p, s in paths if p.endswith("/pods")]
    assert pods == [("/api/v1/pods", "status.phase!=Succeeded,status.phase!=Failed")], "one cluster-wide pod list"
    events = [(p, s) for p, s in paths if p.endswith("/events")]
    assert events and all(s.startswith("involvedObject.uid=") for _p, s in events), "events by uid, never all"
    assert ("/api/v1/namespaces/kube-system/configmaps/cluster-autoscaler-status", None) in paths
    # + the owning Deployment and the namespace's HPAs, read once by the fix builder (the verb must fit the owner)
    assert len(server.requests) <= 10


def test_without_the_right_to_list_pods_cluster_wide_it_names_the_grant(cli, tmp_path):
    bundle = EXAMPLES / "pending-insufficient-cpu"
    with served(bundle, tmp_path) as (server, kubeconfig):
        server.forbid("list", "pods")
        code, report = _live(cli, "pending-insufficient-cpu", kubeconfig, "--no-azure")
    assert code == 3 and report["status"] == "inconclusive"
    skipped = {s["probe"]: s for s in report["skipped"]}
    fit = skipped["scheduling.node_fit"]
    assert 'cannot list resource "pods" in API group "" at the cluster scope' in fit["reason"]
    assert "'list'" in fit["grant"] and "'pods'" in fit["grant"] and "ClusterRole" in fit["grant"]


def _with_recording(bundle: Path, tmp_path: Path, path_part: str, status: int, body: dict) -> Path:
    copy = tmp_path / bundle.name
    shutil.copytree(bundle, copy)
    arm = copy / "azure" / "arm.jsonl"
    lines = []
    for line in arm.read_text().splitlines():
        rec = json.loads(line)
        if path_part in rec["url"]:
            rec["status"], rec["body"] = status, body
        lines.append(json.dumps(rec))
    arm.write_text("\n".join(lines) + "\n")
    return copy


def test_quota_not_readable_lowers_the_confidence_and_names_the_permission(cli, tmp_path, monkeypatch):
    denied = {
        "error": {
            "code": "AuthorizationFailed",
            "message": "The client 'oncall@contoso.example' with object id 'e3a1f0c2-7b6d-4e5f-8a9b-0c1d2e3f4a5b' does "
            "not have authorization to perform action 'Microsoft.Compute/locations/usages/read' over scope "
            "'/subscriptions/3f2b7c1e-8d4a-4b6f-9e2d-7a1c5b8e0f42' or the scope is invalid.",
        }
    }
    bundle = _with_recording(EXAMPLES / "pending-vm-quota-exceeded", tmp_path, "/usages", 403, denied)
    with served(bundle, tmp_path) as (_server, kubeconfig), azure_mock(bundle, monkeypatch):
        code, report = _live(cli, "pending-vm-quota-exceeded", kubeconfig)
    assert code == 1
    cause = report["causes"][0]
    assert (cause["id"], cause["confidence"]) == ("scale-up-in-progress", "medium")
    skipped = report["skipped"][0]
    assert skipped["probe"] == "capacity.scale_out"
    assert skipped["reason"].startswith("could not list compute usages in westeurope: 403")
    assert "Microsoft.Compute/locations/usages/read on /subscriptions/3f2b7c1e" in skipped["grant"]
    offline = cli("pending", POD, "-n", "shop", "--bundle", str(bundle), "-o", "json")
    assert _verdict(json.loads(offline.stdout)) == _verdict(report)


def test_managed_cluster_forbidden_falls_back_to_what_the_autoscaler_said(cli, tmp_path, monkeypatch):
    denied = {"error": {"code": "AuthorizationFailed", "message": "does not have authorization to perform action"}}
    bundle = _with_recording(
        EXAMPLES / "pending-scale-up-in-progress", tmp_path, "Microsoft.ContainerService", 403, denied
    )
    with served(bundle, tmp_path) as (_server, kubeconfig), azure_mock(bundle, monkeypatch):
        code, report = _live(cli, "pending-scale-up-in-progress", kubeconfig)
    assert code == 1
    cause = report["causes"][0]
    assert (cause["id"], cause["confidence"]) == ("scale-up-in-progress", "medium")
    assert "(aks-userpool-24817365-vmss 3->4 (max 5))" in cause["summary"]
    assert [s["probe"] for s in report["skipped"]] == ["capacity.scale_out"]

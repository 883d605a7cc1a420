"""Every node example bundle gives its verdict with the real names in the fix (tests/test_fix_commands.py runs
every fix through the real kubectl and the az command table); consequences follow the node's own cause; diagnose
and scan route nodes here."""

from __future__ import annotations

import json
import shlex

import pytest

from conftest import EXAMPLES, ROOT, example
from live import azure_mock, served

NODE = "aks-userpool-24817365-vmss000001"
CASES = sorted(p.name for p in EXAMPLES.iterdir() if p.name.startswith("node-"))
EXIT = {"healthy": 0, "problem": 1, "inconclusive": 3}


def run(cli, case: str, *args: str) -> tuple[int, dict]:
    command = shlex.split((example(case) / "COMMAND").read_text())[1:]
    result = cli(*(args or command), "--bundle", str(example(case)), "-o", "json")
    return result.exit_code, json.loads(result.stdout) if result.stdout else {}


def expected(case: str) -> dict:
    return json.loads((example(case) / "expected.json").read_text())


@pytest.mark.parametrize("case", CASES)
def test_example_bundle_verdict(case, cli, validate_report):
    want = expected(case)
    status, cause_id = want["expected"]["status"], want["expected"]["cause"]
    code, report = run(cli, case)
    validate_report(report)
    assert code == EXIT[status]
    assert report["status"] == status
    assert report["target"] == {"kind": "Node", "name": NODE}
    if cause_id is None:
        assert report["causes"] == []
        return
    cause = report["causes"][0]
    assert cause["id"] == cause_id
    assert cause["evidence"], "a cause is named only with evidence"
    commands = " ".join(f["command"] for f in cause["fix"])
    for text in want["fix_must_name"]:
        assert text in commands, f"{text!r} not in {commands}"
    for c in report["causes"]:
        for f in c["fix"]:
            assert "<" not in f["command"], f["command"]  # every name filled in


def test_a_lost_node_lists_its_stuck_statefulset_pod_after_its_own_cause(cli):
    _, report = run(cli, "node-kubelet-stopped-statefulset")
    assert [c["id"] for c in report["causes"]] == ["kubelet-stopped-posting-status", "pods-stuck-terminating"]
    stuck = report["causes"][1]
    assert {e["probe"] for e in stuck["evidence"]} == {"node.consequences"}  # its own evidence, not the node's
    assert any(f["command"] == "kubectl delete pod db-0 -n shop --grace-period=0 --force" for f in stuck["fix"])
    assert any(f"kubectl taint nodes {NODE} node.kubernetes.io/out-of-service" in f["command"] for f in stuck["fix"])
    # no Azure in this bundle: the VM read is reported as skipped, never guessed
    assert any("instance view" in s["reason"] for s in report["skipped"])


def test_the_cse_exit_status_is_looked_up_in_aks_table(cli):
    _, report = run(cli, "node-vmss-instance-provisioning-failed")
    cause = report["causes"][0]
    assert "ERR_OUTBOUND_CONN_FAIL" in cause["summary"]
    assert "vmextensionerror-outboundconnfail" in cause["summary"]
    assert "az vmss reimage -g mc_rg-shop-prod_aks-prod_westeurope -n aks-userpool-24817365-vmss --instance-ids 1" in [
        f["command"] for f in cause["fix"]
    ]


def test_a_stopped_vm_is_started_not_restarted(cli):
    _, report = run(cli, "node-vmss-instance-not-running")
    commands = [f["command"] for f in report["causes"][0]["fix"]]
    assert commands == [
        "az vmss start -g mc_rg-shop-prod_aks-prod_westeurope -n aks-userpool-24817365-vmss --instance-ids 1"
    ]
    assert "deallocated" in report["causes"][0]["title"]


def test_the_cni_pod_that_is_down_is_named(cli):
    _, report = run(cli, "node-network-plugin-not-ready")
    cause = report["causes"][0]
    evidence = " ".join(e["fact"] for e in cause["evidence"])
    assert "cilium-" in evidence and "CrashLoopBackOff" in evidence
    assert "azure-cns" not in cause["title"]


def test_memory_pressure_shows_threshold_available_and_top_consumer(cli):
    _, report = run(cli, "node-memory-pressure")
    cause = report["causes"][0]
    assert "750Mi" in cause["summary"] and "225800Ki" in cause["summary"]
    assert "batch/report-worker-" in cause["summary"]
    fix = cause["fix"][0]["command"]
    assert fix.startswith("kubectl set resources deployment/report-worker -n batch -c report-worker --requests=memory=")


def test_a_manual_cordon_is_told_apart_from_a_failed_upgrade(cli):
    _, manual = run(cli, "node-manual-cordon-inconclusive")
    assert manual["status"] == "inconclusive"
    assert any(f"kubectl uncordon {NODE}" in n for n in manual["notes"])
    _, upgrade = run(cli, "node-node-cordoned-by-failed-upgrade")
    evidence = " ".join(e["fact"] for e in upgrade["causes"][0]["evidence"])
    assert "Draining node" in evidence and "Failed" in evidence and "v1.30.10" in evidence


def test_an_unknown_node_is_a_usage_error_with_suggestions(cli):
    result = cli("node", "aks-userpool-24817365-vmss00001", "--bundle", str(example("node-healthy")), "-o", "json")
    assert result.exit_code == 2
    assert "aks-userpool-24817365-vmss000001" in result.stderr


def test_diagnose_routes_a_node_here(cli):
    _, report = run(cli, "node-memory-pressure", "diagnose", f"node/{NODE}")
    assert report["routed"]["runbook"] == "node"
    assert report["causes"][0]["id"] == "node-memory-pressure"


def test_scan_includes_a_pressured_node(cli):
    result = cli("scan", "-A", "--bundle", str(example("node-disk-pressure")), "-o", "json")
    findings = json.loads(result.stdout)["findings"]
    nodes = [f for f in findings if f["target"]["kind"] == "Node"]
    assert [f["causes"][0]["id"] for f in nodes] == ["node-disk-pressure"]


REALWORLD = sorted((ROOT / "tests" / "realworld").glob("node-*"))


@pytest.mark.parametrize("case", REALWORLD, ids=lambda p: p.name)
def test_realworld_node_case(case, cli, tmp_path, monkeypatch, validate_report):
    """Cases rebuilt from public reports: the verdict (or an acceptable one) and the names in its fix; the same
    verdict live through the API server fixture."""
    want = json.loads((case / "expected.json").read_text())
    args = shlex.split((case / "COMMAND").read_text())[1:]
    offline = cli(*args, "--bundle", str(case), "-o", "json")
    report = json.loads(offline.stdout)
    validate_report(report)
    assert report["status"] == want["expected"]["status"]
    if want["expected"]["cause"]:
        first = report["causes"][0]
        assert first["id"] in [want["expected"]["cause"], *want["expected"]["acceptable"]]
        commands = " ".join(f["command"] for f in first["fix"])
        assert all(text in commands for text in want["fix_must_name"]), commands
    with served(case, tmp_path) as (_server, kubeconfig), azure_mock(case, monkeypatch):
        extra = [] if (case / "azure").is_dir() else ["--no-azure"]
        live = cli(*args, "--kubeconfig", kubeconfig, "--context", "fixture", "-o", "json", *extra)
    assert [c["id"] for c in json.loads(live.stdout)["causes"]] == [c["id"] for c in report["causes"]]


def test_forbidden_reads_give_inconclusive_or_the_proven_cause_never_a_guess(cli, tmp_path, monkeypatch):
    """No VolumeAttachments or pods: the memory pressure the node's condition proves is still named; a silent
    node whose VM and pods cannot be read is kubelet-stopped-posting-status with every missing read listed."""
    bundle = example("node-memory-pressure")
    with served(bundle, tmp_path) as (server, kubeconfig):
        server.forbid("list", "pods")
        result = cli("node", NODE, "--kubeconfig", kubeconfig, "--context", "fixture", "--no-azure", "-o", "json")
    report = json.loads(result.stdout)
    assert report["causes"][0]["id"] == "node-memory-pressure"
    bundle = example("node-kubelet-stopped-statefulset")
    with served(bundle, tmp_path) as (server, kubeconfig):
        server.forbid("list", "pods")
        server.forbid("list", "volumeattachments")
        result = cli("node", NODE, "--kubeconfig", kubeconfig, "--context", "fixture", "--no-azure", "-o", "json")
    report = json.loads(result.stdout)
    assert [c["id"] for c in report["causes"]] == ["kubelet-stopped-posting-status"]
    reasons = " ".join(s["reason"] for s in report["skipped"])
    assert "pods" in reasons and "instance view" in reasons


@pytest.mark.parametrize("case", CASES)
def test_without_azure_every_fix_is_still_complete(case, cli):
    """--no-azure: fixes that need the cluster's Azure names are left out, never printed with <placeholders>."""
    command = shlex.split((example(case) / "COMMAND").read_text())[1:]
    result = cli(*command, "--bundle", str(example(case)), "--no-azure", "-o", "json")
    report = json.loads(result.stdout)
    assert result.exit_code in (0, 1, 3)
    for cause in report["causes"]:
        assert cause["fix"], cause["id"]
        for fix in cause["fix"]:
            assert "<" not in fix["command"], fix["command"]

"""Every upgrade example bundle gives its verdict, naming the real PDB, pool, node and subnet in the fix (the real
kubectl parses every fix in tests/test_fix_commands.py, with the other runbooks')."""

from __future__ import annotations

import json
import shlex
import shutil

import pytest

from aksdoctor.probes import PROBES
from aksdoctor.runbook import load_all
from conftest import EXAMPLES, ROOT

CASES = sorted(p for p in EXAMPLES.iterdir() if p.name.startswith("upgrade-"))
EXIT = {"healthy": 0, "problem": 1, "inconclusive": 3}


def run(cli, bundle, *extra: str) -> tuple[int, dict]:
    args = shlex.split((bundle / "COMMAND").read_text())[1:]
    result = cli(*args, *extra, "--bundle", str(bundle), "-o", "json")
    return result.exit_code, json.loads(result.stdout) if result.stdout else {}


@pytest.mark.parametrize("bundle", CASES, ids=lambda p: p.name)
def test_example_bundle_verdict(bundle, cli, validate_report):
    want = json.loads((bundle / "expected.json").read_text())["expected"]
    must = json.loads((bundle / "expected.json").read_text())["fix_must_name"]
    code, report = run(cli, bundle)
    validate_report(report)
    assert (report["status"], code) == (want["status"], EXIT[want["status"]])
    assert report["target"]["kind"] == "Cluster"
    if want["cause"] is None:
        assert report["causes"] == []
        return
    cause = report["causes"][0]
    assert cause["id"] == want["cause"]
    commands = [f["command"] for f in cause["fix"]]
    for text in must:
        assert any(text in c for c in commands), f"{text!r} not in {commands}"
    assert not any("<" in c and ">" in c.split("<", 1)[1] for c in commands), commands  # every name filled in
    assert cause["evidence"], "a cause is named only with evidence"


def test_every_upgrade_cause_has_an_example_bundle():
    causes = set(load_all(PROBES)["upgrade"].causes)
    shown = {json.loads((b / "expected.json").read_text())["expected"]["cause"] for b in CASES}
    assert causes <= shown


def test_the_pdb_cause_names_the_pdb_its_pods_and_the_drain_event(cli):
    _code, report = run(cli, EXAMPLES / "upgrade-pdb-max-unavailable-zero")
    cause = report["causes"][0]
    text = " ".join(e["fact"] for e in cause["evidence"])
    assert "PDB consul/consul-connect-injector has maxUnavailable(0)" in text
    assert "aks-userpool-24817365-vmss000000: consul-connect-injector-" in text  # its pods, per node
    assert "Eviction blocked by Too many Requests (usually a pdb)" in text
    assert "pool userpool: provisioningState Upgrading" in text


def test_unready_pods_nest_their_own_cause(cli):
    _code, report = run(cli, EXAMPLES / "upgrade-pdb-blocked-by-unhealthy-pods")
    cause = report["causes"][0]
    assert [n["id"] for n in cause["nested"]] == ["readiness-probe-failing"]
    assert "1 unready pod(s)" in cause["summary"]


def test_min_available_is_not_called_single_replica_when_the_workload_has_more(cli):
    _code, report = run(cli, EXAMPLES / "upgrade-pdb-min-available-equals-replicas")
    cause = report["causes"][0]
    assert "minAvailable(3) >= expectedPods(3)" in cause["summary"]
    assert any(f["command"] == "kubectl scale deployment/checkout -n shop --replicas=4" for f in cause["fix"])


def test_surge_needs_max_pods_plus_one_addresses_per_node_on_azure_cni(cli):
    _code, report = run(cli, EXAMPLES / "upgrade-subnet-full")
    text = " ".join(e["fact"] for e in report["causes"][0]["evidence"])
    assert "21 free; pool userpool's 3 surge node(s) need 93, 31 each (Azure CNI: maxPods 30 + 1)" in text


def test_several_blockers_the_first_is_the_cause_the_others_notes(cli, tmp_path):
    """A bundle with a bad PDB and a full subnet: the PDB is the cause, the subnet is listed."""
    src = EXAMPLES / "upgrade-pdb-single-replica"
    dst = tmp_path / "both"
    shutil.copytree(src, dst)
    subnet_full = (EXAMPLES / "upgrade-subnet-full" / "azure" / "arm.jsonl").read_text()
    (dst / "azure" / "arm.jsonl").write_text(subnet_full)
    (dst / "COMMAND").write_text("aksdoctor upgrade --pool userpool\n")
    _code, report = run(cli, dst)
    assert report["causes"][0]["id"] == "pdb-single-replica"
    assert any("subnet snet-aks" in n for n in report["notes"]), report["notes"]


def test_no_pool_of_that_name_is_a_usage_error_naming_the_pools(cli):
    args = ["upgrade", "--pool", "gpupool", "--bundle", str(EXAMPLES / "upgrade-healthy"), "-o", "json"]
    result = cli(*args)
    assert result.exit_code == 2
    assert "has no agent pool 'gpupool' (its pools: nodepool1, userpool)" in result.stderr


def test_an_unreadable_quota_is_never_called_healthy(cli, tmp_path):
    dst = tmp_path / "no-quota"
    shutil.copytree(EXAMPLES / "upgrade-healthy", dst)
    arm = dst / "azure" / "arm.jsonl"
    lines = [line for line in arm.read_text().splitlines() if "/usages" not in line]
    arm.write_text("\n".join(lines) + "\n")
    code, report = run(cli, dst)
    assert (code, report["status"]) == (3, "inconclusive")
    assert any("compute usages" in s["reason"] for s in report["skipped"]), report["skipped"]


def test_pre_flight_lists_what_a_manual_drain_would_refuse_without_naming_it_the_cause(cli, tmp_path):
    """emptyDir pods on an uncordoned node: healthy for an AKS upgrade, with a note for a manual drain."""
    dst = tmp_path / "precheck"
    shutil.copytree(EXAMPLES / "upgrade-pod-with-local-storage", dst)
    nodes = dst / "kubernetes" / "nodes.yaml"
    text = nodes.read_text().replace("    unschedulable: true\n", "")
    nodes.write_text(text)
    code, report = run(cli, dst)
    assert (code, report["status"]) == (0, "healthy")
    assert any("cannot delete Pods with local storage" in n for n in report["notes"]), report["notes"]


def test_scan_all_namespaces_reports_a_blocking_pdb(cli):
    result = cli("scan", "-A", "--bundle", str(EXAMPLES / "upgrade-pdb-single-replica"), "-o", "json")
    report = json.loads(result.stdout)
    upgrade = [f for f in report["findings"] if f["runbook"] == "upgrade"]
    assert [f["causes"][0]["id"] for f in upgrade] == ["pdb-single-replica"]
    assert upgrade[0]["routed"]["reason"].startswith("a PodDisruptionBudget allows no disruption")


def test_scan_of_a_healthy_cluster_has_no_upgrade_finding(cli):
    result = cli("scan", "-A", "--bundle", str(EXAMPLES / "upgrade-healthy"), "-o", "json")
    assert not [f for f in json.loads(result.stdout)["findings"] if f["runbook"] == "upgrade"]


def test_the_pdb_whose_pod_the_drain_error_names_comes_first(cli):
    """Four PDBs block (canonical/bundle-kubeflow#1339); AKS's error names activator's pod: that one is the cause."""
    bundle = ROOT / "tests" / "realworld" / "upgrade-knative-activator-pdbs-block-drain"
    _code, report = run(cli, bundle)
    cause = report["causes"][0]
    assert cause["title"].startswith("deployment/activator runs one replica")
    assert sum("also blocking: PDB" in n for n in report["notes"]) == 3


def test_unreadable_pdbs_are_never_called_healthy(cli, tmp_path):
    dst = tmp_path / "no-pdbs"
    shutil.copytree(EXAMPLES / "upgrade-healthy", dst)
    (dst / "kubernetes" / "poddisruptionbudgets.yaml").unlink()
    code, report = run(cli, dst)
    assert (code, report["status"]) == (3, "inconclusive")
    assert any("poddisruptionbudgets" in s["reason"] for s in report["skipped"]), report["skipped"]


def test_an_upgrade_in_progress_shows_the_surge_node_and_the_draining_node(cli):
    _code, report = run(cli, EXAMPLES / "upgrade-upgrade-in-progress")
    text = " ".join(e["fact"] for e in report["causes"][0]["evidence"])
    assert "node(s) on the new version: aks-userpool-24817365-vmss000003" in text
    assert "cordoned (draining) node(s): aks-userpool-24817365-vmss000000" in text

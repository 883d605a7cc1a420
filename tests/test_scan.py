"""scan: finds every problem of a namespace or all, groups by cause, reads each list once."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from aksdoctor.sources.resources import RESOURCES
from conftest import example
from live import azure_mock, served

SCAN = example("scan-several-namespaces")
EXPECTED = {
    ("acr-pull-permission-missing", 2),
    ("new-pods-crashloop", 1),
    ("quota-exceeded", 1),
    ("registry-dns-failure", 1),
    ("registry-rate-limited", 1),
}


def test_scan_all_namespaces_groups_findings_by_cause(cli, validate_report):
    result = cli("scan", "-A", "--bundle", str(SCAN), "-o", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["schema_version"] == "1" and doc["kind"] == "scan"
    assert {(g["id"], g["count"]) for g in doc["summary"]} == EXPECTED
    for finding in doc["findings"]:
        validate_report(finding)
        assert finding["routed"]["from"] == "scan"
    acr = next(g for g in doc["summary"] if g["id"] == "acr-pull-permission-missing")
    assert sorted(acr["objects"]) == ["Pod/shop-canary/web-7d9f8-x2x", "Pod/shop/web-7d9f8-x2x"]
    assert acr["fix"].endswith("--attach-acr contososhop")
    assert doc["scanned"]["pods"] == 8  # the healthy namespace was scanned too, and found healthy


def test_scan_one_namespace(cli):
    doc = json.loads(cli("scan", "-n", "checkout", "--bundle", str(SCAN), "-o", "json").stdout)
    assert [(g["id"], g["objects"]) for g in doc["summary"]] == [("new-pods-crashloop", ["Deployment/checkout/web"])]


def test_scan_runbook_and_selector_filters(cli):
    doc = json.loads(cli("scan", "-A", "--runbook", "rollout", "--bundle", str(SCAN), "-o", "json").stdout)
    assert {g["id"] for g in doc["summary"]} == {"new-pods-crashloop", "quota-exceeded"}
    doc = json.loads(
        cli("scan", "-A", "--runbook", "imagepull", "-l", "app=nobody", "--bundle", str(SCAN), "-o", "json").stdout
    )
    assert doc["summary"] == [] and doc["findings"] == []


def test_scan_text_and_markdown(cli):
    text = cli("scan", "-A", "--bundle", str(SCAN), env={"COLUMNS": "250"}).stdout
    assert text.startswith("6 problem(s), 0 inconclusive")
    assert "2 pods: shop-canary/web-7d9f8-x2x, shop/web-7d9f8-x2x" in text
    md = cli("scan", "-A", "--bundle", str(SCAN), "-o", "markdown").stdout
    assert md.startswith("# aksdoctor scan: *")
    assert "| `acr-pull-permission-missing` |" in md and "## aksdoctor rollout: Deployment checkout/web" in md


def test_scan_reads_each_list_once_with_no_per_object_calls(cli, tmp_path, monkeypatch):
    with served(SCAN, tmp_path) as (server, kubeconfig), azure_mock(SCAN, monkeypatch):
        result = cli("scan", "-A", "--kubeconfig", kubeconfig, "--context", "fixture", "-o", "json")
        paths = [r.path for r in server.requests]
    assert result.exit_code == 1, result.stderr
    plurals = {r.plural for r in RESOURCES.values()}
    for path in paths:
        if path.endswith("/log"):
            continue  # a crash loop's previous log: one per finding, never per object of the cluster
        assert path.rsplit("/", 1)[-1] in plurals, f"per-object call: {path}"  # every other request is a list
    assert len(paths) == len(set(paths)), "a list was read twice"


def test_scan_several_contexts_labels_findings_and_survives_a_dead_cluster(cli, tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with (
        served(SCAN, tmp_path / "a") as (_a, kubeconfig_a),
        served(example("rollout-quota-exceeded"), tmp_path / "b") as (_b, kubeconfig_b),
        azure_mock(SCAN, monkeypatch),
    ):
        config = yaml.safe_load(Path(kubeconfig_a).read_text())
        other = yaml.safe_load(Path(kubeconfig_b).read_text())
        config["clusters"].append({**other["clusters"][0], "name": "second"})
        config["contexts"].append(
            {"name": "second", "context": {**other["contexts"][0]["context"], "cluster": "second"}}
        )
        config["clusters"].append({"name": "dead", "cluster": {"server": "http://127.0.0.1:9"}})
        config["contexts"].append({"name": "dead", "context": {**other["contexts"][0]["context"], "cluster": "dead"}})
        merged = tmp_path / "kubeconfig"
        merged.write_text(yaml.safe_dump(config))
        result = cli(
            "scan",
            "-A",
            "--kubeconfig",
            str(merged),
            "--context",
            "fixture",
            "--context",
            "second",
            "--context",
            "dead",
            "-o",
            "json",
            "--timeout",
            "20",
        )
    doc = json.loads(result.stdout)
    assert result.exit_code == 1
    contexts = {f["source"]["context"] for f in doc["findings"]}
    assert contexts == {"fixture", "second"}
    assert any(e.startswith("context dead: cannot reach the Kubernetes API server") for e in doc["errors"])
    quota = next(g for g in doc["summary"] if g["id"] == "quota-exceeded")
    assert quota["count"] == 2 and quota["clusters"] == ["fixture", "second"]


def test_scan_redact(cli):
    out = cli("scan", "-A", "--bundle", str(SCAN), "-o", "json", "--redact").stdout
    assert "contososhop" not in out and "rg-shop-prod" not in out and "web-7d9f8-x2x" not in out


def test_scan_finds_stuck_statefulsets_and_daemonsets(cli):
    sts = json.loads(
        cli("scan", "-n", "shop", "--bundle", str(example("rollout-statefulset-crashloop")), "-o", "json").stdout
    )
    assert [(g["id"], g["objects"]) for g in sts["summary"]] == [("new-pods-crashloop", ["StatefulSet/shop/db"])]
    ds = json.loads(
        cli("scan", "-n", "shop", "--bundle", str(example("rollout-daemonset-image-pull")), "-o", "json").stdout
    )
    assert [(g["id"], g["objects"]) for g in ds["summary"]] == [("new-pods-image-pull", ["DaemonSet/shop/node-agent"])]


def test_an_unhealthy_pod_no_runbook_covers_is_reported_not_dropped(cli, tmp_path, validate_report):
    pod = yaml.safe_load((example("rollout-new-pods-crashloop") / "kubernetes" / "pods.yaml").read_text())["items"][0]
    pod["metadata"]["name"] = "one-off-migration"
    pod["metadata"].pop("ownerReferences")
    (tmp_path / "pods.yaml").write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": [pod]}))
    (tmp_path / "events.yaml").write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": []}))
    doc = json.loads(cli("scan", "-n", "shop", "--bundle", str(tmp_path), "-o", "json").stdout)
    [finding] = doc["findings"]
    validate_report(finding)
    assert finding["status"] == "inconclusive" and finding["target"]["name"] == "one-off-migration"
    assert "belongs to no Deployment, StatefulSet or DaemonSet" in finding["routed"]["reason"]

"""Degraded permissions and a slow Azure: skipped probes name the exact missing permission; the verdict
comes by the deadline; what the remaining evidence proves is still said."""

from __future__ import annotations

import json
import re
import time

import responses

from conftest import EXAMPLES
from live import azure_mock, served

POD = ("imagepull", "web-7d9f8-x2x", "-n", "shop", "--context", "fixture", "-o", "json")
CLUSTER_FLAGS = (
    "--subscription",
    "3f2b7c1e-8d4a-4b6f-9e2d-7a1c5b8e0f42",
    "-g",
    "rg-shop-prod",
    "--cluster",
    "aks-prod",
)


def test_namespace_only_user_without_cluster_flags_is_told_what_to_grant(cli, tmp_path, monkeypatch):
    bundle = EXAMPLES / "imagepull-acr-pull-permission-missing"
    with served(bundle, tmp_path) as (server, kubeconfig), azure_mock(bundle, monkeypatch):
        server.forbid("list", "nodes")
        result = cli(*POD, "--kubeconfig", kubeconfig)
    report = json.loads(result.stdout)
    assert report["status"] == "inconclusive"
    skipped = next(s for s in report["skipped"] if s["probe"] == "acr.kubelet_can_pull")
    assert 'cannot list resource "nodes" in API group "" at the cluster scope' in skipped["reason"]
    assert "'list'" in skipped["grant"] and "nodes" in skipped["grant"] and "ClusterRole" in skipped["grant"]


def test_namespace_only_user_with_cluster_flags_gets_the_verdict(cli, tmp_path, monkeypatch):
    bundle = EXAMPLES / "imagepull-acr-pull-permission-missing"
    with served(bundle, tmp_path) as (server, kubeconfig), azure_mock(bundle, monkeypatch):
        server.forbid("*", "nodes")
        result = cli(*POD, "--kubeconfig", kubeconfig, *CLUSTER_FLAGS)
        node_reads = [r for r in server.requests if "/nodes" in r.path]
    report = json.loads(result.stdout)
    assert result.exit_code == 1, report["skipped"]
    assert report["causes"][0]["id"] == "acr-pull-permission-missing"
    assert node_reads == [] or all(r.method == "GET" for r in node_reads)


def test_forbidden_secrets_skip_the_pull_secret_check_with_the_grant(cli, tmp_path):
    bundle = EXAMPLES / "imagepull-image-pull-secret-invalid"
    with served(bundle, tmp_path) as (server, kubeconfig):
        server.forbid("get", "secrets", "shop")
        result = cli(*POD, "--kubeconfig", kubeconfig, "--no-azure")
    report = json.loads(result.stdout)
    assert result.exit_code == 3 and report["status"] == "inconclusive"
    skipped = next(s for s in report["skipped"] if s["probe"] == "pod.pull_secrets")
    assert 'secrets "partner-registry" is forbidden' in skipped["reason"]
    assert (
        "'get'" in skipped["grant"]
        and "Role in namespace shop" in skipped["grant"]
        and "deploy/rbac.yaml" in skipped["grant"]
    )


def test_slow_azure_does_not_hold_the_verdict_past_the_deadline(cli, tmp_path, monkeypatch):
    bundle = EXAMPLES / "imagepull-acr-pull-permission-missing"

    def slow(request):
        time.sleep(4)
        return (504, {}, "{}")

    with served(bundle, tmp_path) as (_server, kubeconfig), azure_mock(bundle, monkeypatch) as mock:
        mock.reset()
        mock.add_callback(responses.GET, re.compile(r"https://.*"), callback=slow)
        t0 = time.perf_counter()
        result = cli(*POD, "--kubeconfig", kubeconfig, "--timeout", "1.5")
        elapsed = time.perf_counter() - t0
    report = json.loads(result.stdout)
    assert elapsed < 3.5
    assert report["status"] == "inconclusive"
    assert [s["outcome"] for s in report["trace"]][:3] == [
        "failing",
        "unauthorized",
        "yes",
    ]  # the Kubernetes part answered
    assert any(s["reason"] == "timed out before the --timeout deadline" for s in report["skipped"])

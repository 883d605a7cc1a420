"""The keyvault runbook live: the official kubernetes client over HTTP to the API server fixture, the real
azure-mgmt-keyvault / msi / network / privatedns and azure-keyvault-secrets clients over `responses`. Every
case gives the same verdict live as from its bundle, reads only with GET, and never asks Key Vault for a
secret value."""

from __future__ import annotations

import json
import shlex
from urllib.parse import urlsplit

import pytest

from conftest import EXAMPLES
from live import azure_mock, served

CASES = sorted(p.name for p in EXAMPLES.iterdir() if p.name.startswith("keyvault-"))


def _verdict(report: dict) -> dict:
    return {
        "status": report["status"],
        "causes": report["causes"],
        "skipped": report["skipped"],
        "notes": report["notes"],
        "path": [(s["probe"], s["outcome"]) for s in report["trace"]],
    }


def _args(case: str) -> list[str]:
    return shlex.split((EXAMPLES / case / "COMMAND").read_text())[1:]


@pytest.mark.parametrize("case", CASES)
def test_live_and_bundle_give_the_same_verdict(case, cli, tmp_path, monkeypatch, validate_report):
    bundle = EXAMPLES / case
    offline = cli(*_args(case), "--bundle", str(bundle), "-o", "json")
    with served(bundle, tmp_path) as (server, kubeconfig), azure_mock(bundle, monkeypatch) as mock:
        live = cli(*_args(case), "--kubeconfig", kubeconfig, "--context", "fixture", "-o", "json")
        methods = {r.method for r in server.requests}
        calls = [(c.request.method, c.request.url) for c in mock.calls]
    assert live.exit_code == offline.exit_code, live.stderr
    report = json.loads(live.stdout)
    validate_report(report)
    assert report["source"]["mode"] == "live" and report["source"]["context"] == "fixture"
    assert _verdict(report) == _verdict(json.loads(offline.stdout))
    assert methods == {"GET"} and {m for m, _ in calls} <= {"GET"}
    # Key Vault's data plane is asked for the secret list (metadata) only: GET /secrets/<name> reads a value.
    vault_paths = {urlsplit(u).path.rstrip("/") for _, u in calls if ".vault.azure.net" in u}
    assert vault_paths <= {"/secrets"}


def test_the_data_plane_lists_secret_properties_only(cli, tmp_path, monkeypatch):
    bundle = EXAMPLES / "keyvault-secret-not-found"
    with served(bundle, tmp_path) as (_server, kubeconfig), azure_mock(bundle, monkeypatch) as mock:
        result = cli(*_args(bundle.name), "--kubeconfig", kubeconfig, "--context", "fixture", "-o", "json")
        urls = [c.request.url for c in mock.calls if ".vault.azure.net" in c.request.url]
    assert json.loads(result.stdout)["causes"][0]["id"] == "secret-not-found"
    assert urls and all(urlsplit(u).path == "/secrets" for u in urls)


def test_the_mount_is_read_by_name_never_cluster_wide(cli, tmp_path, monkeypatch):
    bundle = EXAMPLES / "keyvault-csi-driver-missing"
    with served(bundle, tmp_path) as (server, kubeconfig), azure_mock(bundle, monkeypatch):
        cli(*_args(bundle.name), "--kubeconfig", kubeconfig, "--context", "fixture", "-o", "json")
        paths = {r.path for r in server.requests}
    assert "/apis/storage.k8s.io/v1/csinodes/aks-nodepool1-31718369-vmss000000" in paths
    assert "/apis/storage.k8s.io/v1/csidrivers/secrets-store.csi.k8s.io" in paths
    assert "/apis/secrets-store.csi.x-k8s.io/v1/namespaces/shop/secretproviderclasses/azure-kv-web" in paths
    assert "/api/v1/pods" not in paths and "/api/v1/events" not in paths


def test_forbidden_role_assignments_live_name_the_permission(cli, tmp_path, monkeypatch):
    bundle = EXAMPLES / "keyvault-role-assignments-forbidden"
    with served(bundle, tmp_path) as (_server, kubeconfig), azure_mock(bundle, monkeypatch):
        result = cli(*_args(bundle.name), "--kubeconfig", kubeconfig, "--context", "fixture", "-o", "json")
    report = json.loads(result.stdout)
    assert result.exit_code == 3 and report["status"] == "inconclusive"
    [skipped] = report["skipped"]
    assert skipped["probe"] == "keyvault.authorization"
    assert "Microsoft.Authorization/roleAssignments/read" in skipped["grant"]
    assert "/vaults/kv-shop-prod" in skipped["grant"]


def test_forbidden_service_accounts_leave_the_csi_mount_diagnosable(cli, tmp_path, monkeypatch):
    # The CSI path does not need the ServiceAccount: reading it forbidden only loses the annotation note.
    bundle = EXAMPLES / "keyvault-federated-credential-missing"
    with served(bundle, tmp_path) as (server, kubeconfig), azure_mock(bundle, monkeypatch):
        server.forbid("get", "serviceaccounts", "shop")
        result = cli(*_args(bundle.name), "--kubeconfig", kubeconfig, "--context", "fixture", "-o", "json")
    report = json.loads(result.stdout)
    assert report["status"] == "problem", report["skipped"]
    assert report["causes"][0]["id"] == "federated-credential-missing"

"""Issue 13: `aksdoctor keyvault POD` for a pod that calls Key Vault from its code with workload identity,
with no flags — through the CLI on the keyvault-sdk-* example bundles and live (API server fixture + mocked
Azure). What a user checks: the broken link is named with real names in the fix, the vault is found (and
where), only the vault links are skipped when nothing names it, logs are evidence and never leak a secret,
and `diagnose` / `scan` reach the same verdict."""

from __future__ import annotations

import json
import shlex
import shutil

import pytest

from aksdoctor.probes.mount_messages import MountErrorKind, classify
from aksdoctor.sources.capture import RecordingKube
from conftest import EXAMPLES
from live import azure_mock, served

SUB = "3f2b7c1e-8d4a-4b6f-9e2d-7a1c5b8e0f42"
OTHER_SUB = "9c4e2a7b-1d3f-4b5a-8e6c-0f2a4b6c8d1e"
POD = "web-6c8f9d7b5-k2m4p"
CLIENT_ID = "5c1e8f2a-7b3d-4e6f-9a1c-2d4b6e8f0a13"
PRINCIPAL = "a7e3c9d1-2f4b-4a6c-8e0d-1b3f5a7c9e24"
ISSUER = "https://westeurope.oic.prod-aks.azure.com/8d3e1c2b-6f4a-4e9d-b7c5-2a1f0e9d8c7b/b4f6c2a8-3e1d-4c7b-9a5f-0d2e8c1b7a64/"
SDK_CASES = sorted(p.name for p in EXAMPLES.iterdir() if p.name.startswith("keyvault-sdk-"))


def run(cli, case: str, *extra: str, bundle=None):
    args = shlex.split((EXAMPLES / case / "COMMAND").read_text())[1:]
    result = cli(*args, "--bundle", str(bundle or EXAMPLES / case), "-o", "json", *extra)
    return result, json.loads(result.stdout)


def fixes(report: dict) -> list[str]:
    return [f["command"] for c in report["causes"] for f in c["fix"]]


def facts(report: dict) -> str:
    return " ".join(e["fact"] for c in report["causes"] for e in c["evidence"]) + " ".join(
        e["fact"] for e in report.get("evidence", [])
    )


def test_the_command_needs_no_flag():
    for case in SDK_CASES:
        assert (EXAMPLES / case / "COMMAND").read_text().strip() == f"aksdoctor keyvault {POD} -n shop"


def test_no_flags_names_the_federated_credential_with_real_names(cli):
    result, report = run(cli, "keyvault-sdk-federated-credential-missing")
    assert result.exit_code == 1 and report["causes"][0]["id"] == "federated-credential-missing"
    fix = fixes(report)[0]
    assert "--identity-name id-shop-web" in fix and "--subject system:serviceaccount:shop:web" in fix
    assert f"--issuer {ISSUER}" in fix
    # the app's own log is evidence, and the vault was found from its env
    assert "AADSTS70021" in facts(report)
    assert "vault kv-shop-prod named by env KEY_VAULT_URL of container web" in facts(report)


def test_nothing_names_the_vault_only_the_vault_links_are_skipped(cli):
    result, report = run(cli, "keyvault-sdk-vault-unnamed")
    assert result.exit_code == 3 and report["status"] == "inconclusive"
    path = {s["probe"]: s["outcome"] for s in report["trace"]}
    assert path["keyvault.federated_credential"] == "match" and path["keyvault.vault"] == "unnamed"
    skipped = {s["probe"]: s for s in report["skipped"]}
    assert set(skipped) == {"keyvault.authorization", "keyvault.network", "keyvault.secrets"}
    assert all("--vault VAULT" in s["grant"] for s in skipped.values())


def test_the_vault_is_found_through_an_envfrom_configmap(cli):
    _result, report = run(cli, "keyvault-sdk-rbac-role-missing")
    assert report["causes"][0]["id"] == "keyvault-rbac-role-missing"
    assert "key KeyVault__Url of ConfigMap shop/web-config" in facts(report)
    assert any(PRINCIPAL in f and "Key Vault Secrets User" in f for f in fixes(report))


def test_a_vault_in_another_subscription_is_found_not_missing(cli):
    _result, report = run(cli, "keyvault-sdk-vault-other-subscription")
    assert report["causes"][0]["id"] == "keyvault-reader-role-insufficient"
    assert f"the vault is in subscription {OTHER_SUB}, not the cluster's {SUB}" in facts(report)
    assert any(f"--scope /subscriptions/{OTHER_SUB}/" in f for f in fixes(report))


def test_vault_flag_overrides_what_the_pod_names(cli):
    _result, report = run(cli, "keyvault-sdk-rbac-role-missing", "--vault", "kv-shop-archive")
    assert report["causes"][0]["id"] == "keyvault-not-found"
    assert "kv-shop-archive" in report["causes"][0]["title"]


def test_labelled_but_not_injected_asks_the_cluster_first(cli):
    _result, report = run(cli, "keyvault-sdk-webhook-disabled")
    path = [(s["probe"], s["outcome"]) for s in report["trace"]]
    assert ("keyvault.pod_wiring", "not-injected") in path
    assert path[-1] == ("keyvault.workload_identity_enabled", "disabled")
    assert report["causes"][0]["id"] == "workload-identity-disabled"
    assert "failed to read service account token" in facts(report)


@pytest.mark.parametrize(
    ("case", "must", "must_not"),
    [
        ("keyvault-sdk-misspelled-annotation", f"azure.workload.identity/client-id={CLIENT_ID}", "<client-id>"),
        ("keyvault-sdk-annotation-on-service", f"azure.workload.identity/client-id={CLIENT_ID}", "<client-id>"),
        ("keyvault-sdk-wrong-service-account", '"serviceAccountName":"web-wi"', "annotate serviceaccount default"),
        ("keyvault-sdk-client-id-is-resource-id", f"azure.workload.identity/client-id={CLIENT_ID}", "/subscriptions/"),
    ],
)
def test_what_the_user_meant_is_in_the_fix(cli, case, must, must_not):
    _result, report = run(cli, case)
    commands = " ".join(fixes(report))
    assert must in commands and must_not not in commands.split("az identity list")[0]


def test_the_resource_id_is_named_as_such(cli):
    _result, report = run(cli, "keyvault-sdk-client-id-is-resource-id")
    assert "ARM resource id of managed identity id-shop-web, not its client id" in report["causes"][0]["summary"]


def test_log_tails_are_scrubbed(cli, tmp_path):
    bundle = tmp_path / "b"
    shutil.copytree(EXAMPLES / "keyvault-sdk-federated-credential-missing", bundle)
    log = bundle / "logs" / "shop" / POD / "web.previous.log"
    log.write_text(
        "connecting with DefaultEndpointsProtocol=https;AccountName=shop;AccountKey=c2VjcmV0a2V5Zm9ydGVzdA==\n"
        "client_secret=hunter2hunter2 ForbiddenByRbac for https://kv-shop-prod.vault.azure.net/secrets/db\n"
    )
    result, _report = run(cli, "keyvault-sdk-federated-credential-missing", bundle=bundle)
    assert "hunter2" not in result.stdout and "c2VjcmV0a2V5" not in result.stdout
    assert "ForbiddenByRbac" in result.stdout


def test_a_capture_writes_log_tails_scrubbed():
    class Inner:
        mode, context = "live", "fixture"

        def logs(self, *_a, **_k):
            return "Password=s3cr3t-value AADSTS70021: No matching federated identity record found"

    kube = RecordingKube(Inner())
    kube.logs("shop", POD, "web")
    (text,) = kube.logs_read.values()
    assert "s3cr3t" not in text and "AADSTS70021" in text


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ('"failed to read the service account token from the filesystem" err="open : no such file"', "not-injected"),
        ("no client ID specified. Check pod configuration or set ClientID in the options", "not-injected"),
        ("no token file specified. Check pod configuration or set TokenFilePath in the options", "not-injected"),
        (
            "WorkloadIdentityCredential authentication unavailable. The workload options are not fully configured.",
            "not-injected",
        ),
        ("AADSTS700213: No matching federated identity record found for presented assertion subject", "federation"),
        ('InnerError={"code":"ForbiddenByFirewall"}', "forbidden-by-firewall"),
    ],
)
def test_sdk_texts_are_classified(text, kind):
    assert classify(text).kind is MountErrorKind(kind)


def test_the_vault_a_log_line_names():
    assert classify('err="x" keyvault="KVtestnmn" secretName="s"').vault == "KVtestnmn"
    assert classify("GET https://kv-shop.vault.azure.net/secrets/a 403").vault == "kv-shop"


@pytest.mark.parametrize("case", SDK_CASES)
def test_diagnose_and_scan_reach_the_same_verdict(cli, case):
    _result, direct = run(cli, case)
    bundle = str(EXAMPLES / case)
    diagnosed = json.loads(cli("diagnose", POD, "-n", "shop", "--bundle", bundle, "-o", "json").stdout)
    scanned = json.loads(cli("scan", "-n", "shop", "--bundle", bundle, "-o", "json").stdout)
    found = [f for f in scanned["findings"] if f["target"]["name"] == POD]
    if direct["status"] == "problem":
        cause = direct["causes"][0]["id"]
        assert diagnosed["runbook"] == "keyvault" and diagnosed["causes"][0]["id"] == cause
        assert [f["causes"][0]["id"] for f in found] == [cause]
    else:  # a pod that looks healthy is not sent to keyvault by diagnose or scan
        assert diagnosed["status"] == "healthy" and not found


def test_live_reads_the_log_through_the_api_server(cli, tmp_path, monkeypatch):
    bundle = EXAMPLES / "keyvault-sdk-federated-credential-missing"
    with served(bundle, tmp_path) as (server, kubeconfig), azure_mock(bundle, monkeypatch):
        result = cli("keyvault", POD, "-n", "shop", "--kubeconfig", kubeconfig, "--context", "fixture", "-o", "json")
        paths = [r.path for r in server.requests]
    report = json.loads(result.stdout)
    assert report["causes"][0]["id"] == "federated-credential-missing"
    assert f"/api/v1/namespaces/shop/pods/{POD}/log" in paths
    assert "AADSTS70021" in facts(report)


def test_the_runbook_yaml_is_the_one_source_of_the_chain():
    """keyvault.LINKS only maps each probe to its check: the answers it calls broken are the answers that lead
    to a cause in runbooks/keyvault.yaml (directly or through a node that only names causes)."""
    from aksdoctor.probes import PROBES
    from aksdoctor.probes.keyvault import LINKS
    from aksdoctor.runbook import load_all

    book = load_all(PROBES)["keyvault"]
    # each probe's first node in the chain (wi-injection re-asks the cluster probe in another context)
    first = {}
    for node in book.nodes.values():
        first.setdefault(node.probe, node)
    to_cause = {p: {a for a, d in n.on.items() if d.startswith("cause/")} for p, n in first.items()}

    def ends_in_causes(dest: str) -> bool:  # a node every answer of which names a cause (wi-injection)
        node = book.nodes.get(dest)
        return node is not None and all(d.startswith("cause/") for d in node.on.values())

    for link in LINKS:
        leads = dict(first[link.probe_id].on)
        assert to_cause.get(link.probe_id, set()) <= set(link.broken), link.probe_id
        assert all(leads[a].startswith("cause/") or ends_in_causes(leads[a]) for a in link.broken), link.probe_id


def _without_federation_match(bundle, subject_from: str, subject_to: str) -> None:
    arm = bundle / "azure" / "arm.jsonl"
    arm.write_text(arm.read_text().replace(subject_from, subject_to))


def test_a_missing_annotation_names_the_identity_federated_with_the_service_account(cli, tmp_path):
    # the identity whose federated credential trusts system:serviceaccount:shop:web from this cluster's issuer is
    # the one the annotation should name: its clientId is filled in; without such a credential (or with two
    # candidates) the fix says how to find it instead of guessing
    case = "keyvault-serviceaccount-annotation-missing"
    _result, report = run(cli, case)
    commands = fixes(report)
    assert f"azure.workload.identity/client-id={CLIENT_ID}" in " ".join(commands)
    assert not any(c.startswith("az identity list") for c in commands)
    assert "has federated credential" in facts(report) and "system:serviceaccount:shop:web" in facts(report)

    bundle = tmp_path / "other-subject"
    shutil.copytree(EXAMPLES / case, bundle)
    _without_federation_match(
        bundle, '"subject":"system:serviceaccount:shop:web"', '"subject":"system:serviceaccount:shop:api"'
    )
    _result, report = run(cli, case, bundle=bundle)
    commands = fixes(report)
    assert any(c.startswith("az identity list") for c in commands) and CLIENT_ID not in " ".join(commands)

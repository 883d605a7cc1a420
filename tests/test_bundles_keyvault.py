"""keyvault examples beyond their verdict (tests/test_examples.py judges every bundle's expected.json): issuer,
role and network details in the evidence, no secret value in any report."""

from __future__ import annotations

import json
import shlex

from conftest import EXAMPLES, example

SUB = "3f2b7c1e-8d4a-4b6f-9e2d-7a1c5b8e0f42"
VAULT_ID = f"/subscriptions/{SUB}/resourceGroups/rg-shop-secrets/providers/Microsoft.KeyVault/vaults/kv-shop-prod"
PRINCIPAL = "a7e3c9d1-2f4b-4a6c-8e0d-1b3f5a7c9e24"
ISSUER = "https://westeurope.oic.prod-aks.azure.com/8d3e1c2b-6f4a-4e9d-b7c5-2a1f0e9d8c7b/b4f6c2a8-3e1d-4c7b-9a5f-0d2e8c1b7a64/"
SUBNET = f"/subscriptions/{SUB}/resourceGroups/rg-shop-network/providers/Microsoft.Network/virtualNetworks/vnet-aks-prod/subnets/snet-aks-nodes"
POD = "web-6c8f9d7b5-k2m4p"


def run(cli, case: str, *more: str) -> tuple[object, dict]:
    args = shlex.split((example(case) / "COMMAND").read_text())[1:]
    result = cli(*args, "--bundle", str(example(case)), "-o", "json", *more)
    return result, json.loads(result.stdout)


def test_issuer_difference_is_shown_character_by_character(cli):
    _result, report = run(cli, "keyvault-federated-credential-mismatch")
    cause = report["causes"][0]
    assert "missing the trailing '/'" in cause["summary"]
    assert f"'{ISSUER.rstrip('/')}' vs the cluster's '{ISSUER}'" in cause["summary"]
    facts = [e["fact"] for e in cause["evidence"]]
    assert any(f.startswith("Entra ID saw issuer") for f in facts), "the token's issuer from the AADSTS70021 text"


def test_other_broken_links_are_reported_as_notes(cli):
    _result, report = run(cli, "keyvault-federated-credential-mismatch")
    [note] = [n for n in report["notes"] if n.startswith("also broken")]
    assert note.startswith("also broken (network: firewall-blocked): subnet snet-aks-nodes has a Microsoft.KeyVault")
    assert "ipRules for a public egress IP do not admit them" in note


def test_a_wrong_client_id_is_one_problem_not_two(cli):
    _result, report = run(cli, "keyvault-client-id-mismatch")
    assert not [n for n in report["notes"] if n.startswith("also broken")]
    summary = report["causes"][0]["summary"]
    assert "clientID 5c1e8f2a-7b3d-4e6f-9a1c-2d4b6e8f0a31 differs from the ServiceAccount's" in summary


def test_forbidden_role_assignments_name_the_missing_permission(cli):
    result, report = run(cli, "keyvault-role-assignments-forbidden")
    assert result.exit_code == 3
    [skipped] = report["skipped"]
    assert skipped["probe"] == "keyvault.authorization"
    assert "403 AuthorizationFailed" in skipped["reason"]
    assert skipped["grant"].startswith(
        f"the signed-in Azure identity needs Microsoft.Authorization/roleAssignments/read on {VAULT_ID}"
    )
    assert any("ForbiddenByRbac" in n and f"--scope {VAULT_ID}" in n for n in report["notes"])
    assert report["trace"][-1] == {**report["trace"][-1], "probe": "keyvault.authorization", "outcome": "unknown"}


def test_roles_are_judged_by_permissions_with_custom_roles_and_not_data_actions(cli):
    _result, report = run(cli, "keyvault-keyvault-reader-role-insufficient")
    facts = " ".join(e["fact"] for e in report["causes"][0]["evidence"])
    assert "Key Vault Reader on " + VAULT_ID + ": lists secret metadata (readMetadata) but cannot read values" in facts
    assert (
        "Shop Secrets Lister on /subscriptions/" + SUB + ": dataAction Microsoft.KeyVault/vaults/secrets/* is "
        "cancelled by notDataActions Microsoft.KeyVault/vaults/secrets/getSecret/action"
    ) in facts


def test_contributor_manages_the_vault_but_reads_no_secret(cli):
    _result, report = run(cli, "keyvault-keyvault-rbac-role-missing")
    facts = " ".join(e["fact"] for e in report["causes"][0]["evidence"])
    assert "Contributor on /subscriptions/" + SUB + "/resourceGroups/rg-shop-secrets: control plane only" in facts


def test_the_service_endpoint_explains_the_private_client_address(cli):
    _result, report = run(cli, "keyvault-keyvault-firewall-blocked")
    facts = [e["fact"] for e in report["causes"][0]["evidence"]]
    assert "subnet snet-aks-nodes has a Microsoft.KeyVault service endpoint" in facts
    assert any(f.startswith("Key Vault saw client address 10.224.0.4, a private address") for f in facts)
    assert "ipRules 20.61.15.42/32; virtualNetworkRules none" in facts


def test_code_path_walks_the_identity_chain_without_vault(cli):
    """Issue 13: the ServiceAccount's client-id annotation says the pod uses workload identity from its code, so
    the identity chain is walked with no --vault and its broken link is named."""
    case = "keyvault-pod-label-missing"
    result = cli("keyvault", POD, "-n", "shop", "--bundle", str(example(case)), "-o", "json")
    report = json.loads(result.stdout)
    assert result.exit_code == 1 and report["causes"][0]["id"] == "pod-label-missing"


def test_kubernetes_causes_need_no_azure(cli):
    result, report = run(cli, "keyvault-csi-driver-missing", "--no-azure")
    assert result.exit_code == 1
    assert report["causes"][0]["id"] == "csi-driver-missing"
    result, report = run(cli, "keyvault-pod-label-missing", "--no-azure")
    assert report["causes"][0]["id"] == "pod-label-missing"


def test_no_secret_value_is_in_any_report(cli):
    for case in sorted(p.name for p in EXAMPLES.iterdir() if p.name.startswith("keyvault-")):
        _result, report = run(cli, case)
        assert "DEF456" not in json.dumps(report) and "mysecretvalue" not in json.dumps(report)


def test_markdown_report_is_incident_ready(cli):
    case = "keyvault-federated-credential-missing"
    result = cli(
        *shlex.split((example(case) / "COMMAND").read_text())[1:], "--bundle", str(example(case)), "-o", "markdown"
    )
    md = result.stdout
    assert md.startswith(f"## aksdoctor keyvault: Pod shop/{POD}")
    assert "`federated-credential-missing`" in md
    assert "```sh\naz identity federated-credential create --name aks-shop-web" in md


def test_vault_commands_name_the_vaults_own_subscription(cli, tmp_path):
    # a vault in another subscription than the cluster's: `az keyvault network-rule add --name V -g RG` run in the
    # cluster's subscription answers ResourceNotFound, so the fix carries --subscription of the vault
    import shutil

    other = "9c4e2a7b-1d3f-4b5a-8e6c-0f2a4b6c8d1e"
    bundle = tmp_path / "fw"
    shutil.copytree(example("keyvault-keyvault-firewall-blocked"), bundle)
    arm = bundle / "azure" / "arm.jsonl"
    arm.write_text(arm.read_text().replace(f"/subscriptions/{SUB}/resourceGroups/rg-shop-secrets",
                                           f"/subscriptions/{other}/resourceGroups/rg-shop-secrets"))
    args = shlex.split((example("keyvault-keyvault-firewall-blocked") / "COMMAND").read_text())[1:]
    report = json.loads(cli(*args, "--bundle", str(bundle), "-o", "json").stdout)
    commands = [f["command"] for c in report["causes"] for f in c["fix"]]
    rule = next(c for c in commands if c.startswith("az keyvault network-rule add"))
    assert f"--resource-group rg-shop-secrets --subscription {other} " in rule
    assert f"--subnet {SUBNET}" in rule  # the subnet stays in the cluster's subscription


def test_workload_identity_off_on_the_cluster_outranks_the_pods_wiring(cli, tmp_path):
    # the ServiceAccount lacks its client-id annotation AND the cluster issues no workload identity tokens: the
    # cluster is the cause (annotating alone would not help), the annotation an "also seen" note
    import shutil

    case = "keyvault-serviceaccount-annotation-missing"
    bundle = tmp_path / "off"
    shutil.copytree(example(case), bundle)
    arm = bundle / "azure" / "arm.jsonl"
    arm.write_text(arm.read_text().replace('"workloadIdentity":{"enabled":true}', '"workloadIdentity":{"enabled":false}'))
    args = shlex.split((example(case) / "COMMAND").read_text())[1:]
    report = json.loads(cli(*args, "--bundle", str(bundle), "-o", "json").stdout)
    assert [c["id"] for c in report["causes"]] == ["workload-identity-disabled"]
    assert "--enable-workload-identity" in report["causes"][0]["fix"][0]["command"]
    assert any(n.startswith("also seen:") and "serviceaccount-annotation-missing" in n for n in report["notes"])
    assert ("keyvault.workload_identity_enabled", "disabled") in [(s["probe"], s["outcome"]) for s in report["trace"]]

"""The keyvault chain link by link: roles judged by permissions, access policies, secrets, vault lookup,
network paths, the CSI driver on the node and workload identity wiring. Most cases are an example bundle
with one thing changed, run through the CLI as a user would."""

from __future__ import annotations

import json
import shlex
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from aksdoctor.probes.keyvault import GET_SECRET, _policy_gets, explain_role, held_roles
from aksdoctor.sources.evidence import scope_contains
from aksdoctor.sources.roles import builtin_role, grants
from conftest import EXAMPLES

SUB = "3f2b7c1e-8d4a-4b6f-9e2d-7a1c5b8e0f42"
VAULT_ID = f"/subscriptions/{SUB}/resourceGroups/rg-shop-secrets/providers/Microsoft.KeyVault/vaults/kv-shop-prod"
VNET = f"/subscriptions/{SUB}/resourceGroups/rg-shop-network/providers/Microsoft.Network/virtualNetworks/vnet-aks-prod"
SUBNET = f"{VNET}/subnets/snet-aks-nodes"
PRINCIPAL = "a7e3c9d1-2f4b-4a6c-8e0d-1b3f5a7c9e24"
ADDON_PRINCIPAL = "c3d5e7f9-2b4d-4f6a-9e8c-0a1b3c5d7e92"
POD = "web-6c8f9d7b5-k2m4p"


# ---- roles, judged by their permissions ------------------------------------------------------------------
def role(name="custom", actions=(), not_actions=(), data_actions=(), not_data_actions=()):
    return {
        "properties": {
            "roleName": name,
            "permissions": [
                {
                    "actions": list(actions),
                    "notActions": list(not_actions),
                    "dataActions": list(data_actions),
                    "notDataActions": list(not_data_actions),
                }
            ],
        }
    }


@pytest.mark.parametrize(
    ("guid", "reads", "why"),
    [
        (
            "4633458b-17de-408a-b874-0445c86b69e6",
            True,
            "reads secret values (dataAction Microsoft.KeyVault/vaults/secrets/getSecret/action)",
        ),
        (
            "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
            True,
            "reads secret values (dataAction Microsoft.KeyVault/vaults/secrets/*)",
        ),
        ("00482a5a-887f-4fb3-b363-3b7fe8e74483", True, "reads secret values (dataAction Microsoft.KeyVault/vaults/*)"),
        (
            "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba",
            True,
            "reads secret values (dataAction Microsoft.KeyVault/vaults/secrets/getSecret/action)",
        ),
        ("21090545-7ca7-4776-b22c-e363652d74d2", False, "lists secret metadata (readMetadata) but cannot read values"),
        (
            "f25e0fa2-a7c8-4377-a976-54943a77a395",
            False,
            "control plane only (actions Microsoft.Authorization/*/read, Microsoft.Insights/alertRules/*, Microsoft.KeyVault/*; no dataActions)",
        ),
        ("b24988ac-6180-42a0-ab88-20f7382dd24c", False, "control plane only (actions *; no dataActions)"),
        ("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", False, "control plane only (actions *; no dataActions)"),
        ("acdd72a7-3385-48ef-bd42-f606fba81ae7", False, "control plane only (actions */read; no dataActions)"),
        (
            "12338af0-0e69-4776-bea7-57ae8d297424",
            False,
            "its dataActions (Microsoft.KeyVault/vaults/keys/read, Microsoft.KeyVault/vaults/keys/update/action, Microsoft.KeyVault/vaults/keys/backup/action) do not include getSecret",
        ),
    ],
)
def test_builtin_roles_read_secret_values_only_through_data_actions(guid, reads, why):
    definition = builtin_role(guid)
    assert grants(definition, GET_SECRET, data=True) is reads
    assert explain_role(definition) == why


@pytest.mark.parametrize(
    ("definition", "reads", "why"),
    [
        (
            role(data_actions=["Microsoft.KeyVault/vaults/*/action"]),
            True,
            "reads secret values (dataAction Microsoft.KeyVault/vaults/*/action)",
        ),
        (
            role(data_actions=["microsoft.keyvault/VAULTS/secrets/GETSECRET/action"]),
            True,
            "reads secret values (dataAction microsoft.keyvault/VAULTS/secrets/GETSECRET/action)",
        ),
        (
            role(
                data_actions=["Microsoft.KeyVault/vaults/*"], not_data_actions=["Microsoft.KeyVault/vaults/secrets/*"]
            ),
            False,
            "dataAction Microsoft.KeyVault/vaults/* is cancelled by notDataActions Microsoft.KeyVault/vaults/secrets/*",
        ),
        (
            role(actions=["*"], not_actions=["Microsoft.Authorization/*/Write"]),
            False,
            "control plane only (actions *; no dataActions)",
        ),
        (
            role(data_actions=["Microsoft.KeyVault/vaults/secrets/readMetadata/action"]),
            False,
            "lists secret metadata (readMetadata) but cannot read values",
        ),
    ],
)
def test_custom_roles_with_wildcards_and_not_data_actions(definition, reads, why):
    assert grants(definition, GET_SECRET, data=True) is reads
    assert explain_role(definition) == why


class _RoleEvidence:
    """Just what held_roles reads: role assignments (raw, as the reader returns them) and role definitions."""

    def __init__(self, raw: list[dict[str, Any]], custom: dict[str, dict[str, Any]] | None = None) -> None:
        self.raw, self.custom = raw, custom or {}

    def role_assignments(self, scope, principal, *, include_below=False):
        return [
            a
            for a in self.raw
            if scope_contains(a["properties"]["scope"], scope)
            or (include_below and scope_contains(scope, a["properties"]["scope"]))
        ]

    def role_definition(self, role_id):
        guid = role_id.rsplit("/", 1)[-1]
        return builtin_role(guid) or self.custom[guid]


def _assignment(guid, scope):
    return {
        "properties": {
            "roleDefinitionId": f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{guid}",
            "principalId": PRINCIPAL,
            "scope": scope,
        }
    }


def test_held_roles_cover_the_vault_its_parents_and_the_named_secrets_only():
    raw = [
        _assignment("21090545-7ca7-4776-b22c-e363652d74d2", f"/subscriptions/{SUB}"),
        _assignment("4633458b-17de-408a-b874-0445c86b69e6", f"{VAULT_ID}/secrets/db-password"),
        _assignment("4633458b-17de-408a-b874-0445c86b69e6", f"{VAULT_ID}/secrets/unrelated"),
        _assignment("4633458b-17de-408a-b874-0445c86b69e6", VAULT_ID.replace("kv-shop-prod", "kv-other")),
    ]
    roles = held_roles(_RoleEvidence(raw), VAULT_ID, PRINCIPAL, secret_names=("db-password", "api-key"))
    assert [(r.name, r.secret, r.reads_values, r.reads_metadata) for r in roles] == [
        ("Key Vault Reader", "", False, True),
        ("Key Vault Secrets User", "db-password", True, True),
    ]


@pytest.mark.parametrize(
    ("policy", "gets"),
    [
        ({"objectId": PRINCIPAL, "permissions": {"secrets": ["Get", "List"]}}, True),
        ({"objectId": PRINCIPAL, "permissions": {"secrets": ["all"]}}, True),
        ({"objectId": PRINCIPAL, "permissions": {"secrets": ["list"]}}, False),
        ({"objectId": PRINCIPAL, "permissions": {"keys": ["get"]}}, False),
        # a compound identity (applicationId) needs the on-behalf-of flow: 403 ForbiddenByPolicy
        (
            {
                "objectId": PRINCIPAL,
                "applicationId": "5c1e8f2a-7b3d-4e6f-9a1c-2d4b6e8f0a13",
                "permissions": {"secrets": ["get"]},
            },
            False,
        ),
        (None, False),
    ],
)
def test_access_policies_need_secret_get_for_the_object_id(policy, gets):
    assert _policy_gets(policy) is gets


# ---- example bundles with one thing changed -------------------------------------------------------------
def variant(
    case: str,
    tmp_path: Path,
    *,
    azure: Callable[[dict[str, Any]], None] | None = None,
    kube: dict[str, Callable[[dict[str, Any]], None]] | None = None,
) -> Path:
    """A copy of an example bundle; `azure` edits each recorded exchange, `kube` edits kubernetes/<file>."""
    dest = tmp_path / case
    shutil.copytree(EXAMPLES / case, dest)
    if azure:
        path = dest / "azure" / "arm.jsonl"
        recs = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        for rec in recs:
            azure(rec)
        path.write_text("\n".join(json.dumps(r) for r in recs) + "\n")
    for name, edit in (kube or {}).items():
        path = dest / "kubernetes" / name
        doc = yaml.safe_load(path.read_text())
        edit(doc)
        path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return dest


def diagnose(cli, bundle: Path, *more: str) -> dict[str, Any]:
    args = shlex.split((bundle / "COMMAND").read_text())[1:]
    result = cli(*args, "--bundle", str(bundle), "-o", "json", *more)
    assert result.exit_code in (0, 1, 3), result.stderr
    return json.loads(result.stdout)


def on(url_part: str, edit: Callable[[Any], None]) -> Callable[[dict[str, Any]], None]:
    def apply(rec: dict[str, Any]) -> None:
        if rec["url"].split("?")[0].endswith(url_part):
            edit(rec["body"])

    return apply


def vault_edit(edit: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def apply(rec: dict[str, Any]) -> None:
        if rec["url"].split("?")[0].endswith("/providers/Microsoft.KeyVault/vaults"):
            for vault in rec["body"]["value"]:
                edit(vault)

    return apply


def cause(report: dict[str, Any]) -> dict[str, Any]:
    assert report["causes"], (
        report["status"],
        report["skipped"],
        [(s["probe"], s["outcome"]) for s in report["trace"]],
    )
    return report["causes"][0]


def commands(report: dict[str, Any]) -> list[str]:
    return [f["command"] for f in cause(report)["fix"]]


def outcome(report: dict[str, Any], probe: str) -> str:
    return next(s["outcome"] for s in report["trace"] if s["probe"] == probe)


def test_an_access_policy_on_an_rbac_vault_is_a_model_mismatch(cli, tmp_path):
    def grant_by_policy(vault):
        vault["properties"]["accessPolicies"] = [
            {"tenantId": "t", "objectId": PRINCIPAL, "permissions": {"secrets": ["Get", "List"]}}
        ]

    report = diagnose(cli, variant("keyvault-keyvault-rbac-role-missing", tmp_path, azure=vault_edit(grant_by_policy)))
    assert cause(report)["id"] == "keyvault-authz-model-mismatch"
    assert "uses Azure RBAC and ignores the access policy that grants it" in cause(report)["summary"]
    assert commands(report) == [
        f"az role assignment create --assignee-object-id {PRINCIPAL} --assignee-principal-type ServicePrincipal "
        f"--role 'Key Vault Secrets User' --scope {VAULT_ID}"
    ]


def test_a_policy_with_get_on_an_access_policy_vault_grants(cli, tmp_path):
    def grant(vault):
        vault["properties"]["accessPolicies"].append(
            {"tenantId": "t", "objectId": ADDON_PRINCIPAL, "permissions": {"secrets": ["get", "list"]}}
        )

    report = diagnose(cli, variant("keyvault-keyvault-access-policy-missing", tmp_path, azure=vault_edit(grant)))
    assert outcome(report, "keyvault.authorization") == "granted"


def test_a_compound_identity_policy_is_named(cli, tmp_path):
    def compound(vault):
        vault["properties"]["accessPolicies"].append(
            {
                "tenantId": "t",
                "objectId": ADDON_PRINCIPAL,
                "applicationId": "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0",
                "permissions": {"secrets": ["get"]},
            }
        )

    report = diagnose(cli, variant("keyvault-keyvault-access-policy-missing", tmp_path, azure=vault_edit(compound)))
    assert cause(report)["id"] == "keyvault-access-policy-missing"
    assert any("compound identity (applicationId 0f1e2d3c" in e["fact"] for e in cause(report)["evidence"])


def test_roles_on_single_secrets_must_cover_every_object(cli, tmp_path):
    def only_db_password(rec):
        if "roleAssignments" in rec["url"] and PRINCIPAL in rec["url"]:
            scope = f"{VAULT_ID}/secrets/db-password"
            rec["body"]["value"][0]["properties"]["scope"] = scope

    report = diagnose(cli, variant("keyvault-healthy", tmp_path, azure=only_db_password))
    assert cause(report)["id"] == "keyvault-rbac-role-missing"
    facts = " ".join(e["fact"] for e in cause(report)["evidence"])
    assert "roles on single secrets cover db-password but not api-key" in facts


def test_unreadable_role_assignments_on_an_access_policy_vault_still_judge_the_policy(cli, tmp_path):
    def forbid(rec):
        if "roleAssignments" in rec["url"]:
            rec["status"], rec["body"] = 403, {"error": {"code": "AuthorizationFailed", "message": "no"}}

    report = diagnose(cli, variant("keyvault-keyvault-access-policy-missing", tmp_path, azure=forbid))
    assert cause(report)["id"] == "keyvault-access-policy-missing"
    assert "role assignments were not read: a grant in the RBAC model is not ruled out" in report["notes"]
    assert report["skipped"][0]["probe"] == "keyvault.authorization"


def test_disabled_and_expired_secrets_are_named(cli, tmp_path):
    def states(rec):
        if rec["url"].startswith("https://kv-shop-prod.vault.azure.net/secrets"):
            for item in rec["body"]["value"]:
                if item["id"].endswith("/db-password"):
                    item["attributes"]["enabled"] = False
                else:
                    item["attributes"]["exp"] = 1700000000  # 2023-11-14

    report = diagnose(cli, variant("keyvault-healthy", tmp_path, azure=states))
    assert cause(report)["id"] == "secret-not-found"
    assert cause(report)["summary"].endswith("db-password is disabled; api-key expired on 2023-11-14 22:13Z.")
    assert "az keyvault secret set-attributes --vault-name kv-shop-prod --name db-password --enabled true" in commands(
        report
    )


def test_only_an_expired_secret_is_medium_confidence(cli, tmp_path):
    def expire(rec):
        if rec["url"].startswith("https://kv-shop-prod.vault.azure.net/secrets"):
            rec["body"]["value"][1]["attributes"]["exp"] = 1700000000

    report = diagnose(cli, variant("keyvault-healthy", tmp_path, azure=expire))
    assert cause(report)["confidence"] == "medium"
    assert any("Azure/AzureKeyVault#19" in n for n in report["notes"])
    assert (
        "az keyvault secret set-attributes --vault-name kv-shop-prod --name api-key --expires YYYY-MM-DDThh:mm:ssZ"
        in commands(report)
    )


def test_an_unlistable_vault_leaves_the_secrets_unverified_and_says_how_to_grant(cli, tmp_path):
    def forbid(rec):
        if rec["url"].startswith("https://kv-shop-prod.vault.azure.net/secrets"):
            rec["status"] = 403
            rec["body"] = {
                "error": {
                    "code": "Forbidden",
                    "message": "Caller is not authorized to perform action on resource.",
                    "innererror": {"code": "ForbiddenByRbac"},
                }
            }

    report = diagnose(cli, variant("keyvault-healthy", tmp_path, azure=forbid))
    assert report["status"] == "healthy" and outcome(report, "keyvault.secrets") == "unverified"
    [skipped] = report["skipped"]
    assert skipped["probe"] == "keyvault.secrets"
    assert (
        f"Microsoft.KeyVault/vaults/secrets/readMetadata/action on {VAULT_ID} (Key Vault Reader has it)"
        in skipped["grant"]
    )


def test_a_soft_deleted_vault_is_recovered(cli, tmp_path):
    def deleted(rec):
        if "/deletedVaults" in rec["url"]:
            rec["body"]["value"] = [
                {
                    "id": f"/subscriptions/{SUB}/providers/Microsoft.KeyVault/locations/westeurope/deletedVaults/kv-shop-prd",
                    "name": "kv-shop-prd",
                    "type": "Microsoft.KeyVault/deletedVaults",
                    "properties": {
                        "vaultId": VAULT_ID.replace("kv-shop-prod", "kv-shop-prd"),
                        "location": "westeurope",
                        "deletionDate": "2026-11-20T17:02:11Z",
                        "scheduledPurgeDate": "2027-02-18T17:02:11Z",
                    },
                }
            ]

    report = diagnose(cli, variant("keyvault-keyvault-not-found", tmp_path, azure=deleted))
    assert cause(report)["id"] == "keyvault-not-found"
    assert (
        "vault kv-shop-prd was deleted on 2026-11-20T17:02:11Z and is soft-deleted (recoverable)"
        in cause(report)["summary"]
    )
    assert commands(report)[0] == f"az keyvault recover --name kv-shop-prd --subscription {SUB}"


def test_a_vault_not_in_the_subscription_without_a_dns_error_is_medium_confidence(cli, tmp_path):
    def no_mount_errors(doc):
        doc["items"] = [e for e in doc["items"] if e["reason"] != "FailedMount"]

    report = diagnose(cli, variant("keyvault-keyvault-not-found", tmp_path, kube={"events.yaml": no_mount_errors}))
    assert cause(report)["id"] == "keyvault-not-found" and cause(report)["confidence"] == "medium"
    assert any("only subscription " + SUB + " was searched" in n for n in report["notes"])


# ---- network ------------------------------------------------------------------------------------------------
def test_a_virtual_network_rule_with_the_service_endpoint_admits_the_subnet(cli, tmp_path):
    def rule(vault):
        vault["properties"]["networkAcls"]["virtualNetworkRules"] = [{"id": SUBNET.lower()}]

    report = diagnose(cli, variant("keyvault-keyvault-firewall-blocked", tmp_path, azure=vault_edit(rule)))
    assert outcome(report, "keyvault.network") == "open"


def test_without_a_service_endpoint_the_egress_ip_rule_admits_the_cluster(cli, tmp_path):
    report = diagnose(
        cli,
        variant(
            "keyvault-keyvault-firewall-blocked",
            tmp_path,
            azure=on(SUBNET, lambda body: body["properties"].update(serviceEndpoints=[])),
        ),
    )
    assert outcome(report, "keyvault.network") == "open"


def test_an_unadmitted_egress_ip_gets_every_fix_with_the_real_names(cli, tmp_path):
    def other_ip(vault):
        vault["properties"]["networkAcls"]["ipRules"] = [{"value": "52.174.10.0/24"}]

    def storage_only(body):
        body["properties"]["serviceEndpoints"] = [{"service": "Microsoft.Storage", "locations": ["westeurope"]}]

    bundle = variant(
        "keyvault-keyvault-firewall-blocked",
        tmp_path,
        azure=lambda r: (vault_edit(other_ip)(r), on(SUBNET, storage_only)(r)),
    )
    report = diagnose(cli, bundle)
    assert cause(report)["id"] == "keyvault-firewall-blocked"
    assert (
        "neither the subnet snet-aks-nodes (virtual network rules) nor the egress IP 20.61.15.42 (ipRules)"
        in cause(report)["summary"]
    )
    assert commands(report) == [
        f"az network vnet subnet update --ids {SUBNET} --service-endpoints Microsoft.Storage Microsoft.KeyVault",
        f"az keyvault network-rule add --name kv-shop-prod --resource-group rg-shop-secrets --subscription {SUB} "
        f"--subnet {SUBNET}",
        f"az keyvault network-rule add --name kv-shop-prod --resource-group rg-shop-secrets --subscription {SUB} "
        "--ip-address 20.61.15.42",
    ]


def test_a_private_endpoint_resolved_from_the_cluster_vnet_admits_it(cli, tmp_path):
    report = diagnose(
        cli,
        variant(
            "keyvault-keyvault-public-access-disabled",
            tmp_path,
            azure=on(
                "/virtualNetworkLinks", lambda body: body["value"][0]["properties"]["virtualNetwork"].update(id=VNET)
            ),
        ),
    )
    assert outcome(report, "keyvault.network") == "open"


def test_a_pending_private_endpoint_is_approved(cli, tmp_path):
    def pending(vault):
        conn = vault["properties"]["privateEndpointConnections"][0]
        conn["properties"]["privateLinkServiceConnectionState"]["status"] = "Pending"

    report = diagnose(cli, variant("keyvault-keyvault-public-access-disabled", tmp_path, azure=vault_edit(pending)))
    assert cause(report)["id"] == "keyvault-public-access-disabled"
    assert commands(report) == [
        f"az network private-endpoint-connection approve --id {VAULT_ID}/privateEndpointConnections/pe-kv-shop-prod-conn"
    ]


def test_no_private_endpoint_at_all_gets_one_created(cli, tmp_path):
    report = diagnose(
        cli,
        variant(
            "keyvault-keyvault-public-access-disabled",
            tmp_path,
            azure=vault_edit(lambda v: v["properties"].pop("privateEndpointConnections")),
        ),
    )
    assert "kv-shop-prod has no private endpoint" in cause(report)["summary"]
    assert commands(report) == [
        f"az network private-endpoint create --name pe-kv-shop-prod --resource-group rg-shop-network --subnet {SUBNET} "
        f"--private-connection-resource-id {VAULT_ID} --group-id vault --connection-name pe-kv-shop-prod"
    ]


def test_a_private_endpoint_in_an_unpeered_vnet_is_named(cli, tmp_path):
    hub = VNET.replace("rg-shop-network", "rg-hub-network").replace("vnet-aks-prod", "vnet-hub")
    report = diagnose(
        cli,
        variant(
            "keyvault-keyvault-public-access-disabled",
            tmp_path,
            azure=on(
                "/privateEndpoints/pe-kv-shop-prod",
                lambda body: body["properties"]["subnet"].update(id=f"{hub}/subnets/pe"),
            ),
        ),
    )
    assert (
        "private endpoint pe-kv-shop-prod is in VNet vnet-hub, which is neither the cluster's VNet"
        in cause(report)["summary"]
    )
    assert commands(report) == [
        "az network vnet peering list --resource-group rg-shop-network --vnet-name vnet-aks-prod -o table"
    ]


# ---- the CSI driver and workload identity ----------------------------------------------------------------------
def test_a_windows_node_without_the_driver_pod_is_named(cli, tmp_path):
    def windows(doc):
        doc["items"][0]["metadata"]["labels"]["kubernetes.io/os"] = "windows"

    def driver_object(doc):
        doc["items"] = yaml.safe_load((EXAMPLES / "keyvault-healthy/kubernetes/csidrivers.yaml").read_text())["items"]

    def addon_on(rec):
        healthy = {
            r["url"]: r
            for r in map(json.loads, (EXAMPLES / "keyvault-healthy/azure/arm.jsonl").read_text().splitlines())
        }
        if "managedClusters" in rec["url"]:
            rec["body"] = healthy[rec["url"]]["body"]

    bundle = variant(
        "keyvault-csi-driver-missing",
        tmp_path,
        azure=addon_on,
        kube={"nodes.yaml": windows, "csidrivers.yaml": driver_object},
    )
    report = diagnose(cli, bundle)
    assert cause(report)["id"] == "csi-driver-missing"
    assert (
        "no secrets-store-csi-driver pod runs on aks-nodepool1-31718369-vmss000000 (a Windows node"
        in cause(report)["summary"]
    )
    assert commands(report)[0] == (
        "kubectl get pods -n kube-system -l app=secrets-store-csi-driver -o wide "
        "--field-selector spec.nodeName=aks-nodepool1-31718369-vmss000000"
    )


def test_a_namespace_typo_in_the_federated_credential_is_shown(cli, tmp_path):
    def typo(rec):
        if "federatedIdentityCredentials" in rec["url"]:
            rec["body"]["value"][0]["properties"]["subject"] = "system:serviceaccount:shpo:web"

    report = diagnose(cli, variant("keyvault-healthy", tmp_path, azure=typo))
    assert cause(report)["id"] == "federated-credential-mismatch"
    assert "namespace 'shpo' instead of 'shop' ('po' instead of 'op' at character 3)" in cause(report)["summary"]
    assert "--subject system:serviceaccount:shop:web" in commands(report)[0]


def test_another_clusters_issuer_is_shown(cli, tmp_path):
    other = "https://westeurope.oic.prod-aks.azure.com/8d3e1c2b-6f4a-4e9d-b7c5-2a1f0e9d8c7b/0a9e8d7c-6b5a-4f3e-8d2c-1b0a9f8e7d6c/"

    def other_cluster(rec):
        if "federatedIdentityCredentials" in rec["url"]:
            rec["body"]["value"][0]["properties"]["issuer"] = other

    report = diagnose(cli, variant("keyvault-healthy", tmp_path, azure=other_cluster))
    assert "another cluster's issuer (issuer id 0a9e8d7c-6b5a-4f3e-8d2c-1b0a9f8e7d6c" in cause(report)["summary"]


def _wired(doc):
    pod = doc
    pod["metadata"]["labels"]["azure.workload.identity/use"] = "true"
    pod["spec"]["containers"][0]["env"] = [
        {"name": "AZURE_CLIENT_ID", "value": "5c1e8f2a-7b3d-4e6f-9a1c-2d4b6e8f0a13"},
        {"name": "AZURE_TENANT_ID", "value": "8d3e1c2b-6f4a-4e9d-b7c5-2a1f0e9d8c7b"},
        {"name": "AZURE_FEDERATED_TOKEN_FILE", "value": "/var/run/secrets/azure/tokens/azure-identity-token"},
    ]


def test_a_wired_sdk_pod_with_every_link_in_place_is_healthy(cli, tmp_path):
    report = diagnose(cli, variant("keyvault-pod-label-missing", tmp_path, kube={"pod.yaml": _wired}))
    assert report["status"] == "healthy", [(s["probe"], s["outcome"]) for s in report["trace"]]
    assert outcome(report, "keyvault.secrets") == "unverified"


def test_a_labelled_pod_created_before_the_label_needs_a_restart_only(cli, tmp_path):
    def label_only(pod):
        pod["metadata"]["labels"]["azure.workload.identity/use"] = "true"

    report = diagnose(cli, variant("keyvault-pod-label-missing", tmp_path, kube={"pod.yaml": label_only}))
    assert cause(report)["id"] == "pod-label-missing"
    assert "it was created before the webhook could inject AZURE_FEDERATED_TOKEN_FILE" in cause(report)["summary"]
    assert commands(report) == ["kubectl rollout restart deployment/web -n shop"]


def test_a_changed_annotation_after_pod_creation_is_a_client_id_mismatch(cli, tmp_path):
    def old_client(pod):
        _wired(pod)
        pod["spec"]["containers"][0]["env"][0]["value"] = "0a0a0a0a-1b1b-4c2c-8d3d-4e4e4e4e4e4e"

    report = diagnose(cli, variant("keyvault-pod-label-missing", tmp_path, kube={"pod.yaml": old_client}))
    assert cause(report)["id"] == "client-id-mismatch"
    assert "the pod runs with AZURE_CLIENT_ID 0a0a0a0a-1b1b-4c2c-8d3d-4e4e4e4e4e4e" in cause(report)["summary"]
    assert "kubectl rollout restart deployment/web -n shop" in commands(report)


def test_a_secret_provider_class_without_identity_is_named(cli, tmp_path):
    def no_identity(doc):
        del doc["items"][0]["spec"]["parameters"]["clientID"]

    report = diagnose(cli, variant("keyvault-healthy", tmp_path, kube={"secretproviderclasses.yaml": no_identity}))
    assert cause(report)["id"] == "client-id-mismatch"
    assert "names no identity: no clientID (workload identity), no useVMManagedIdentity" in cause(report)["summary"]


def test_a_vm_identity_that_does_not_exist_is_a_client_id_mismatch(cli, tmp_path):
    def unknown(doc):
        doc["items"][0]["spec"]["parameters"]["userAssignedIdentityID"] = "ffffffff-0000-4000-8000-000000000001"

    report = diagnose(
        cli, variant("keyvault-keyvault-access-policy-missing", tmp_path, kube={"secretproviderclasses.yaml": unknown})
    )
    assert cause(report)["id"] == "client-id-mismatch" and cause(report)["confidence"] == "high"
    assert (
        "client id ffffffff-0000-4000-8000-000000000001 (SecretProviderClass shop/azure-kv-web) matches no managed identity"
        in cause(report)["summary"]
    )

"""Write examples/bundles/keyvault-*: one realistic evidence bundle per keyvault cause, a healthy pod and
the inconclusive case where the caller may not read role assignments.

Every case starts from one healthy world (a pod mounting Key Vault secrets through the CSI driver with
workload identity) and breaks one link; the Azure recordings are complete for every link, so the other
links answer truthfully. Azure bodies start from the public shapes in ../shared/azure-arm-examples (vaults,
identities, federated credentials, subnets, private endpoints, DNS links, Key Vault data plane); the
FailedMount texts are the real ones quoted in mount_messages.py. URLs are exactly what the SDK clients
request (default api-versions of azure-mgmt-keyvault 14.1, azure-mgmt-msi 7.1, azure-mgmt-network 33.1,
azure-mgmt-privatedns 2.0, azure-keyvault-secrets 4.12). Run from the repository root:

    python scripts/make_example_bundles_keyvault.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import copy
import json
import shutil
import zlib
from pathlib import Path
from typing import Any

import yaml

SUB = "3f2b7c1e-8d4a-4b6f-9e2d-7a1c5b8e0f42"
TENANT = "8d3e1c2b-6f4a-4e9d-b7c5-2a1f0e9d8c7b"
RG = "rg-shop-prod"
CLUSTER = "aks-prod"
LOCATION = "westeurope"
NODE_RG = f"MC_{RG}_{CLUSTER}_{LOCATION}"
ISSUER = f"https://{LOCATION}.oic.prod-aks.azure.com/{TENANT}/b4f6c2a8-3e1d-4c7b-9a5f-0d2e8c1b7a64/"
ARM = "https://management.azure.com"
NS = "shop"
POD = "web-6c8f9d7b5-k2m4p"
RS = "web-6c8f9d7b5"
SA = "web"
NODE = "aks-nodepool1-31718369-vmss000000"
NODE_IP = "10.224.0.4"
VOLUME = "secrets-store-inline"
SPC = "azure-kv-web"
NOW = "2026-11-21T09:58:12Z"
EARLIER = "2026-11-21T09:41:03Z"

VAULT = "kv-shop-prod"
VAULT_RG = "rg-shop-secrets"
VAULT_ID = f"/subscriptions/{SUB}/resourceGroups/{VAULT_RG}/providers/Microsoft.KeyVault/vaults/{VAULT}"
VAULT_URL = f"https://{VAULT}.vault.azure.net/"
SECRETS = ["db-password", "api-key"]

ID_RG = "rg-shop-identities"
IDENTITY = "id-shop-web"
IDENTITY_ID = (
    f"/subscriptions/{SUB}/resourceGroups/{ID_RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{IDENTITY}"
)
CLIENT_ID = "5c1e8f2a-7b3d-4e6f-9a1c-2d4b6e8f0a13"
PRINCIPAL = "a7e3c9d1-2f4b-4a6c-8e0d-1b3f5a7c9e24"
ADDON_ID = f"/subscriptions/{SUB}/resourcegroups/{NODE_RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/azurekeyvaultsecretsprovider-{CLUSTER}"
ADDON_CLIENT = "e2b4d6f8-1a3c-4e5b-8d7f-9c0a2b4d6e81"
ADDON_PRINCIPAL = "c3d5e7f9-2b4d-4f6a-9e8c-0a1b3c5d7e92"
KUBELET_OID = "7d2e4c1a-5b3f-4e8d-9a6c-1f0b2e3d4c5a"
KUBELET_CID = "b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e"

NET_RG = "rg-shop-network"
VNET_ID = f"/subscriptions/{SUB}/resourceGroups/{NET_RG}/providers/Microsoft.Network/virtualNetworks/vnet-aks-prod"
SUBNET_ID = f"{VNET_ID}/subnets/snet-aks-nodes"
PE_SUBNET_ID = f"{VNET_ID}/subnets/snet-private-endpoints"
HUB_VNET_ID = f"/subscriptions/{SUB}/resourceGroups/rg-hub-network/providers/Microsoft.Network/virtualNetworks/vnet-hub"
PIP_ID = f"/subscriptions/{SUB}/resourceGroups/{NODE_RG}/providers/Microsoft.Network/publicIPAddresses/f4def89c-1ebb-4e5b-bf87-612e227e2708"
EGRESS_IP = "20.61.15.42"
PE_ID = f"/subscriptions/{SUB}/resourceGroups/{NET_RG}/providers/Microsoft.Network/privateEndpoints/pe-{VAULT}"
ZONE_ID = f"/subscriptions/{SUB}/resourceGroups/rg-shop-dns/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net"

ROLE_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6"
ROLE_KV_READER = "21090545-7ca7-4776-b22c-e363652d74d2"
ROLE_CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
ROLE_LISTER = "9f2c4e6a-8b1d-4c3e-a5f7-2d4b6c8e0a19"  # a custom role, recorded from ARM

API_AKS = "2025-10-01"
API_KV = "2026-05-15"
API_MSI = "2024-11-30"
API_NET = "2026-03-01"
API_DNS = "2024-06-01"
API_AUTHZ = "2022-04-01"
API_KV_DATA = "2026-04-01"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", default="../shared")
    parser.add_argument("--out", default="examples/bundles")
    args = parser.parse_args()
    shapes = Path(args.shared) / "azure-arm-examples"
    out = Path(args.out)
    for case, world in cases(shapes).items():
        write(out / case, world)
        print(f"wrote {out / case}")


# ---- the healthy world and the cases ----------------------------------------------------------------------
def healthy(shapes: Path) -> dict[str, Any]:
    return {
        "shapes": shapes,
        "command": f"aksdoctor keyvault {POD} -n {NS}",
        "mode": "csi",
        "spc": spc_object(),
        "spc_name": SPC,
        "other_spcs": [],
        "csidriver": True,
        "csinode_driver": True,
        "driver_pods": True,
        "events": [],
        "sa_annotations": {"azure.workload.identity/client-id": CLIENT_ID},
        "pod_labels": {},
        "pod_env": [],
        "cluster": cluster_body(shapes),
        "identities": [identity_body(shapes)],
        "fics": [fic(f"aks-{NS}-{SA}", ISSUER, f"system:serviceaccount:{NS}:{SA}")],
        "vault": vault_body(shapes),
        "deleted_vaults": [],
        "assignments": [(ROLE_SECRETS_USER, VAULT_ID, PRINCIPAL)],
        "forbid_assignments": False,
        "secrets": {name: {"enabled": True} for name in SECRETS},
        "subnet_endpoints": ["Microsoft.Storage"],
        "zone_links": [VNET_ID],
    }


def cases(shapes: Path) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {"keyvault-healthy": healthy(shapes)}

    def case(name: str, **changes: Any) -> dict[str, Any]:
        world = healthy(shapes) | changes
        out[f"keyvault-{name}"] = world
        return world

    w = case(
        "csi-driver-missing",
        csidriver=False,
        csinode_driver=False,
        driver_pods=False,
        events=[
            failed_mount(
                "kubernetes.io/csi: mounter.SetUpAt failed to get CSI client: driver name "
                "secrets-store.csi.k8s.io not found in the list of registered CSI drivers",
                12,
            )
        ],
    )
    del w["cluster"]["properties"]["addonProfiles"]["azureKeyvaultSecretsProvider"]

    case(
        "secretproviderclass-missing",
        spc_name="azure-kv-web-v2",
        other_spcs=[spc_object(name="azure-kv-web-v2"), spc_object(namespace="shop-staging")],
        events=[
            failed_mount(
                f"rpc error: code = Unknown desc = failed to get secretproviderclass {NS}/{SPC}, error: "
                f'secretproviderclasses.secrets-store.csi.x-k8s.io "{SPC}" not found',
                9,
            )
        ],
    )

    case(
        "keyvault-not-found",
        spc=spc_object(vault="kv-shop-prd"),
        events=[
            failed_mount(
                provider_error(
                    "failed to get objectType:secret, objectName:db-password, objectVersion:: keyvault.BaseClient#GetSecret: "
                    "Failure sending request: StatusCode=0 -- Original Error: Get "
                    '"https://kv-shop-prd.vault.azure.net/secrets/db-password/?api-version=2016-10-01": dial tcp: lookup '
                    "kv-shop-prd.vault.azure.net on 10.0.0.10:53: no such host"
                ),
                14,
            )
        ],
    )

    w = case(
        "workload-identity-disabled",
        events=[failed_mount(aadsts70021("https://kubernetes.default.svc.cluster.local"), 17)],
    )
    w["cluster"] = cluster_body(shapes, oidc=False)

    case(
        "serviceaccount-annotation-missing",
        command=f"aksdoctor keyvault {POD} -n {NS} --vault {VAULT}",
        mode="code",
        sa_annotations={},
        pod_labels={"azure.workload.identity/use": "true"},
        pod_env=webhook_env(client_id=None),
    )

    case(
        "pod-label-missing",
        command=f"aksdoctor keyvault {POD} -n {NS} --vault {VAULT}",
        mode="code",
        pod_labels={},
        pod_env=[],
    )

    wrong_client = "5c1e8f2a-7b3d-4e6f-9a1c-2d4b6e8f0a31"
    case(
        "client-id-mismatch",
        spc=spc_object(client_id=wrong_client),
        events=[
            failed_mount(
                token_error(
                    400,
                    "unauthorized_client",
                    f"AADSTS700016: Application with identifier '{wrong_client}' was not found in the directory 'Contoso'. "
                    "This can happen if the application has not been installed by the administrator of the tenant or "
                    "consented to by any user in the tenant. You may have sent your authentication request to the wrong "
                    "tenant.",
                    700016,
                ),
                11,
            )
        ],
    )

    case(
        "federated-credential-missing",
        fics=[fic("payments-api", ISSUER, "system:serviceaccount:payments:payments-api")],
        events=[failed_mount(aadsts70021(ISSUER), 21)],
    )

    w = case(
        "federated-credential-mismatch",
        fics=[fic(f"aks-{NS}-{SA}", ISSUER.rstrip("/"), f"system:serviceaccount:{NS}:{SA}")],
        events=[failed_mount(aadsts70021(ISSUER), 21)],
        subnet_endpoints=["Microsoft.Storage", "Microsoft.KeyVault"],
    )
    # a second broken link behind the first: the vault firewall (shown in the notes)
    w["vault"]["properties"]["networkAcls"] = {
        "bypass": "AzureServices",
        "defaultAction": "Deny",
        "ipRules": [{"value": f"{EGRESS_IP}/32"}],
        "virtualNetworkRules": [],
    }

    case(
        "keyvault-rbac-role-missing",
        assignments=[(ROLE_CONTRIBUTOR, f"/subscriptions/{SUB}/resourceGroups/{VAULT_RG}", PRINCIPAL)],
        events=[failed_mount(kv_403("ForbiddenByRbac", rbac_message()), 13)],
    )

    case(
        "keyvault-reader-role-insufficient",
        assignments=[(ROLE_KV_READER, VAULT_ID, PRINCIPAL), (ROLE_LISTER, f"/subscriptions/{SUB}", PRINCIPAL)],
        events=[failed_mount(kv_403("ForbiddenByRbac", rbac_message()), 13)],
    )

    w = case(
        "keyvault-access-policy-missing",
        spc=spc_object(client_id="", vm_identity=ADDON_CLIENT),
        assignments=[],
        events=[failed_mount(kv_403("AccessDenied", access_denied_message(ADDON_CLIENT, ADDON_PRINCIPAL)), 13)],
    )
    w["vault"] = vault_body(shapes, rbac=False)
    w["identities"] = [identity_body(shapes), addon_identity_body(shapes)]

    w = case(
        "keyvault-authz-model-mismatch",
        events=[failed_mount(kv_403("AccessDenied", access_denied_message(CLIENT_ID, PRINCIPAL)), 13)],
    )
    w["vault"] = vault_body(shapes, rbac=False)

    w = case(
        "keyvault-firewall-blocked",
        subnet_endpoints=["Microsoft.Storage", "Microsoft.KeyVault"],
        events=[failed_mount(kv_403("ForbiddenByFirewall", firewall_message()), 13)],
    )
    w["vault"]["properties"]["networkAcls"] = {
        "bypass": "AzureServices",
        "defaultAction": "Deny",
        "ipRules": [{"value": f"{EGRESS_IP}/32"}],
        "virtualNetworkRules": [],
    }

    w = case(
        "keyvault-public-access-disabled",
        zone_links=[HUB_VNET_ID],
        events=[failed_mount(kv_403("ForbiddenByConnection", connection_message()), 13)],
    )
    w["vault"]["properties"]["publicNetworkAccess"] = "Disabled"
    w["vault"]["properties"]["privateEndpointConnections"] = [private_connection(shapes)]

    case(
        "secret-not-found",
        secrets={"db-password": {"enabled": True}, "api-keys": {"enabled": True}},
        events=[
            failed_mount(
                provider_error(
                    "failed to get objectType:secret, objectName:api-key, objectVersion:: keyvault.BaseClient#GetSecret: "
                    "Failure responding to request: StatusCode=404 -- Original Error: autorest/azure: Service returned an "
                    'error. Status=404 Code="SecretNotFound" Message="A secret with (name/id) api-key was not found in this '
                    "key vault. If you recently deleted this secret you may be able to recover it using the correct recovery "
                    'command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182"'
                ),
                8,
            )
        ],
    )

    other_tenant = "8d3e1c2b-6f4a-4e9d-b7c5-2a1f0e9d8c7e"
    case(
        "tenant-mismatch",
        spc=spc_object(tenant=other_tenant, tenant_key="tenantId"),
        events=[
            failed_mount(
                token_error(
                    400,
                    "invalid_tenant",
                    f"AADSTS90002: Tenant '{other_tenant}' not found. Check to make sure you have the correct tenant ID and "
                    "are signing into the correct cloud. Check with your subscription administrator, this may happen if "
                    "there are no active subscriptions for the tenant.",
                    90002,
                    tenant=other_tenant,
                ),
                19,
            )
        ],
    )

    case(
        "role-assignments-forbidden",
        forbid_assignments=True,
        events=[failed_mount(kv_403("ForbiddenByRbac", rbac_message()), 13)],
    )
    return out


# ---- Kubernetes objects -------------------------------------------------------------------------------------
def write(folder: Path, world: dict[str, Any]) -> None:
    for old in folder.iterdir() if folder.is_dir() else []:  # keep the expected verdict (tests/test_examples.py)
        if old.name != "expected.json":
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    kube = folder / "kubernetes"
    kube.mkdir(parents=True)
    (folder / "COMMAND").write_text(world["command"] + "\n", encoding="utf-8")
    pod = pod_object(world)
    dump(kube / "pod.yaml", pod)
    dump(
        kube / "events.yaml",
        as_list([event(e["reason"], e["message"], e["count"], e["type"]) for e in pod_events(world)]),
    )
    dump(kube / "nodes.yaml", as_list([node_object()]))
    dump(kube / "replicasets.yaml", as_list([replicaset_object()]))
    dump(kube / "serviceaccounts.yaml", as_list([serviceaccount_object(world["sa_annotations"])]))
    spcs = [s for s in [world["spc"]] if world["mode"] == "csi" and world["spc_name"] == SPC] + world["other_spcs"]
    dump(kube / "secretproviderclasses.yaml", as_list(spcs))
    dump(kube / "csidrivers.yaml", as_list([csidriver_object()] if world["csidriver"] else []))
    dump(kube / "csinodes.yaml", as_list([csinode_object(world["csinode_driver"])]))
    dump(kube / "pods-kube-system.yaml", as_list(driver_pods() if world["driver_pods"] else []))
    (folder / "azure").mkdir()
    lines = [json.dumps(rec, separators=(",", ":")) for rec in azure(world)]
    (folder / "azure" / "arm.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def pod_object(world: dict[str, Any]) -> dict[str, Any]:
    failing = bool(world["events"])
    container: dict[str, Any] = {
        "name": "web",
        "image": "contososhop.azurecr.io/shop/web:1.4.2",
        "ports": [{"containerPort": 8080, "protocol": "TCP"}],
        "resources": {},
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
        "imagePullPolicy": "IfNotPresent",
    }
    volumes: list[dict[str, Any]] = [
        {
            "name": "kube-api-access-7qx2m",
            "projected": {
                "defaultMode": 420,
                "sources": [{"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}}],
            },
        }
    ]
    mounts = [
        {
            "name": "kube-api-access-7qx2m",
            "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
            "readOnly": True,
        }
    ]
    if world["mode"] == "csi":
        volumes.insert(
            0,
            {
                "name": VOLUME,
                "csi": {
                    "driver": "secrets-store.csi.k8s.io",
                    "readOnly": True,
                    "volumeAttributes": {"secretProviderClass": SPC},
                },
            },
        )
        mounts.insert(0, {"name": VOLUME, "mountPath": "/mnt/secrets-store", "readOnly": True})
    if world["pod_env"]:
        container["env"] = world["pod_env"]
        volumes.append(
            {
                "name": "azure-identity-token",
                "projected": {
                    "defaultMode": 420,
                    "sources": [
                        {
                            "serviceAccountToken": {
                                "audience": "api://AzureADTokenExchange",
                                "expirationSeconds": 3600,
                                "path": "azure-identity-token",
                            }
                        }
                    ],
                },
            }
        )
        mounts.append({"name": "azure-identity-token", "mountPath": "/var/run/secrets/azure/tokens", "readOnly": True})
    container["volumeMounts"] = mounts
    state = {"waiting": {"reason": "ContainerCreating"}} if failing else {"running": {"startedAt": EARLIER}}
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": POD,
            "namespace": NS,
            "uid": "3b9d5f7a-1c2e-4d6f-8a0b-2c4e6f8a0b1d",
            "labels": {"app": "web", "pod-template-hash": "6c8f9d7b5", **world["pod_labels"]},
            "creationTimestamp": EARLIER,
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "ReplicaSet",
                    "name": RS,
                    "uid": "4c0e6a8b-2d3f-4e7a-9b1c-3d5f7a9b1c2e",
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "spec": {
            "nodeName": NODE,
            "serviceAccountName": SA,
            "serviceAccount": SA,
            "restartPolicy": "Always",
            "dnsPolicy": "ClusterFirst",
            "schedulerName": "default-scheduler",
            "terminationGracePeriodSeconds": 30,
            "containers": [container],
            "volumes": volumes,
        },
        "status": {
            "phase": "Pending" if failing else "Running",
            "hostIP": NODE_IP,
            "podIP": "" if failing else "10.224.0.31",
            "startTime": EARLIER,
            "conditions": [{"type": "PodScheduled", "status": "True", "lastTransitionTime": EARLIER}],
            "containerStatuses": [
                {
                    "name": "web",
                    "image": container["image"],
                    "imageID": "",
                    "ready": not failing,
                    "restartCount": 0,
                    "started": not failing,
                    "state": state,
                }
            ],
        },
    }


def pod_events(world: dict[str, Any]) -> list[dict[str, Any]]:
    base = [
        {"reason": "Scheduled", "message": f"Successfully assigned {NS}/{POD} to {NODE}", "count": 1, "type": "Normal"}
    ]
    if not world["events"]:
        return base + [{"reason": "Started", "message": "Started container web", "count": 1, "type": "Normal"}]
    return base + world["events"]


_COUNTER = iter(range(1, 10_000))


def event(reason: str, message: str, count: int, kind: str) -> dict[str, Any]:
    n = next(_COUNTER)
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": f"{POD}.18a3c5e7{n:08x}", "namespace": NS, "creationTimestamp": EARLIER},
        "involvedObject": {
            "apiVersion": "v1",
            "kind": "Pod",
            "name": POD,
            "namespace": NS,
            "uid": "3b9d5f7a-1c2e-4d6f-8a0b-2c4e6f8a0b1d",
        },
        "reason": reason,
        "message": message,
        "type": kind,
        "count": count,
        "firstTimestamp": EARLIER,
        "lastTimestamp": NOW,
        "source": {"component": "kubelet", "host": NODE},
        "reportingComponent": "kubelet",
        "reportingInstance": NODE,
    }


def failed_mount(detail: str, count: int) -> dict[str, Any]:
    return {
        "reason": "FailedMount",
        "type": "Warning",
        "count": count,
        "message": f'MountVolume.SetUp failed for volume "{VOLUME}" : {detail}',
    }


def provider_error(detail: str) -> str:
    return (
        f"rpc error: code = Unknown desc = failed to mount secrets store objects for pod {NS}/{POD}, err: rpc "
        f"error: code = Unknown desc = failed to mount objects, error: {detail}"
    )


def token_error(status: int, error: str, description: str, code: int, *, tenant: str = TENANT) -> str:
    body = json.dumps(
        {
            "error": error,
            "error_description": f"{description}\r\nTrace ID: 50063224-eaa6-4b6e-8488-f2f376042900\r\nCorrelation ID: "
            "3f40e554-c771-46aa-bb9e-5761e8dab582\r\nTimestamp: 2026-11-21 09:58:11Z",
            "error_codes": [code],
            "timestamp": "2026-11-21 09:58:11Z",
            "trace_id": "50063224-eaa6-4b6e-8488-f2f376042900",
            "correlation_id": "3f40e554-c771-46aa-bb9e-5761e8dab582",
            "error_uri": f"https://login.microsoftonline.com/error?code={code}",
        },
        separators=(",", ":"),
    )
    return provider_error(
        "failed to get keyvault client: failed to get authorizer for keyvault client: failed to acquire token: "
        f"FromAssertion(): http call(https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token)(POST) error: "
        f"reply status code was {status}:\n{body}"
    )


def aadsts70021(issuer: str) -> str:
    return token_error(
        400,
        "invalid_request",
        f"AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: "
        f"'{issuer}'. Assertion Subject: 'system:serviceaccount:{NS}:{SA}'. Assertion Audience: "
        "'api://AzureADTokenExchange'. https://docs.microsoft.com/en-us/azure/active-directory/develop/"
        "workload-identity-federation",
        70021,
    )


def kv_403(inner: str, message: str, secret: str = "db-password") -> str:
    return provider_error(
        f"failed to get objectType:secret, objectName:{secret}, objectVersion:: keyvault.BaseClient#GetSecret: "
        "Failure responding to request: StatusCode=403 -- Original Error: autorest/azure: Service returned an error. "
        f'Status=403 Code="Forbidden" Message="{message}" InnerError={{"code":"{inner}"}}'
    )


def rbac_message() -> str:
    return (
        "Caller is not authorized to perform action on resource.\\r\\nIf role assignments, deny assignments or role "
        "definitions were changed recently, please observe propagation time.\\r\\n"
        f"Caller: appid={CLIENT_ID};oid={PRINCIPAL};iss=https://sts.windows.net/{TENANT}/\\r\\n"
        "Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'\\r\\n"
        f"Resource: '{VAULT_ID.lower()}/secrets/db-password'\\r\\nAssignment: (not found)\\r\\n"
        "DenyAssignmentId: null\\r\\nDecisionReason: 'DeniedWithNoValidRBAC' \\r\\n"
        f"Vault: {VAULT};location={LOCATION}\\r\\n"
    )


def access_denied_message(client: str, principal: str) -> str:
    return (
        f"The user, group or application 'appid={client};oid={principal};iss=https://sts.windows.net/{TENANT}/' "
        f"does not have secrets get permission on key vault '{VAULT};location={LOCATION}'. For help resolving "
        "this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287"
    )


def firewall_message() -> str:
    return (
        f"Client address is not authorized and caller is not a trusted service.\\r\\nClient address: {NODE_IP}"
        f"\\r\\nCaller: appid={CLIENT_ID};oid={PRINCIPAL};iss=https://sts.windows.net/{TENANT}/\\r\\n"
        f"Vault: {VAULT};location={LOCATION}"
    )


def connection_message() -> str:
    return (
        "Public network access is disabled and request is not from a trusted service nor via an approved private "
        f"link.\\r\\nCaller: appid={CLIENT_ID};oid={PRINCIPAL};iss=https://sts.windows.net/{TENANT}/\\r\\n"
        f"Vault: {VAULT};location={LOCATION}"
    )


def webhook_env(client_id: str | None) -> list[dict[str, str]]:
    """What the workload identity webhook writes into a labelled pod (azure-workload-identity mutating webhook)."""
    env = [{"name": "AZURE_CLIENT_ID", "value": client_id}] if client_id else []
    return env + [
        {"name": "AZURE_TENANT_ID", "value": TENANT},
        {"name": "AZURE_FEDERATED_TOKEN_FILE", "value": "/var/run/secrets/azure/tokens/azure-identity-token"},
        {"name": "AZURE_AUTHORITY_HOST", "value": "https://login.microsoftonline.com/"},
    ]


def spc_object(
    *,
    name: str = SPC,
    namespace: str = NS,
    vault: str = VAULT,
    client_id: str = CLIENT_ID,
    tenant: str = TENANT,
    tenant_key: str = "tenantID",
    vm_identity: str | None = None,
) -> dict[str, Any]:
    objects = "array:\n" + "".join(f"  - |\n    objectName: {s}\n    objectType: secret\n" for s in SECRETS)
    params: dict[str, str] = {"usePodIdentity": "false", "keyvaultName": vault, "objects": objects, tenant_key: tenant}
    if vm_identity:
        params |= {"useVMManagedIdentity": "true", "userAssignedIdentityID": vm_identity}
    elif client_id:
        params["clientID"] = client_id
    return {
        "apiVersion": "secrets-store.csi.x-k8s.io/v1",
        "kind": "SecretProviderClass",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "uid": f"6e8a0c2e-4f5a-4b7c-9d1e-{zlib.crc32((namespace + name).encode()):012d}",
            "creationTimestamp": "2026-10-02T08:14:55Z",
            "generation": 1,
        },
        "spec": {"provider": "azure", "parameters": params},
    }


def serviceaccount_object(annotations: dict[str, str]) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "name": SA,
        "namespace": NS,
        "uid": "8a0c2e4f-6b7d-4e9f-a1b3-c5d7e9f1a3b5",
        "creationTimestamp": "2026-10-02T08:14:55Z",
    }
    if annotations:
        meta["annotations"] = annotations
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta}


def csidriver_object() -> dict[str, Any]:
    return {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "CSIDriver",
        "metadata": {
            "name": "secrets-store.csi.k8s.io",
            "uid": "1f3a5c7e-9b0d-4f2a-8c4e-6a8c0e2f4a6c",
            "creationTimestamp": "2026-09-14T07:02:31Z",
            "labels": {
                "app.kubernetes.io/instance": "aks-secrets-store-csi-driver",
                "kubernetes.azure.com/managedby": "aks",
            },
        },
        "spec": {
            "attachRequired": False,
            "podInfoOnMount": True,
            "requiresRepublish": True,
            "storageCapacity": False,
            "fsGroupPolicy": "ReadWriteOnceWithFSType",
            "seLinuxMount": False,
            "tokenRequests": [{"audience": "api://AzureADTokenExchange"}],
            "volumeLifecycleModes": ["Ephemeral"],
        },
    }


def csinode_object(with_secrets_store: bool) -> dict[str, Any]:
    drivers = [
        {
            "name": "disk.csi.azure.com",
            "nodeID": NODE,
            "allocatable": {"count": 8},
            "topologyKeys": ["topology.disk.csi.azure.com/zone", "topology.kubernetes.io/zone"],
        },
        {"name": "file.csi.azure.com", "nodeID": NODE, "topologyKeys": None},
    ]
    if with_secrets_store:
        drivers.append({"name": "secrets-store.csi.k8s.io", "nodeID": NODE, "topologyKeys": None})
    return {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "CSINode",
        "metadata": {
            "name": NODE,
            "uid": "2a4c6e8a-0b1d-4f3a-9c5e-7a9c1e3f5a7c",
            "creationTimestamp": EARLIER,
            "ownerReferences": [
                {"apiVersion": "v1", "kind": "Node", "name": NODE, "uid": "5e7a9c1e-3f5a-4b7c-8d9e-1f3a5c7e9b0d"}
            ],
        },
        "spec": {"drivers": drivers},
    }


def driver_pods() -> list[dict[str, Any]]:
    return [
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "name": "aks-secrets-store-csi-driver-x7k2p",
                "namespace": "kube-system",
                "uid": "0d2f4b6d-8e9f-4a1b-b3c5-d7e9f1a3b5c7",
                "labels": {"app": "secrets-store-csi-driver", "kubernetes.azure.com/managedby": "aks"},
                "creationTimestamp": "2026-09-14T07:02:31Z",
            },
            "spec": {
                "nodeName": NODE,
                "serviceAccountName": "secrets-store-csi-driver",
                "containers": [
                    {
                        "name": "secrets-store",
                        "image": "mcr.microsoft.com/oss/v2/kubernetes-csi/secrets-store/driver:v1.5.3",
                    }
                ],
            },
            "status": {
                "phase": "Running",
                "hostIP": NODE_IP,
                "podIP": NODE_IP,
                "containerStatuses": [
                    {
                        "name": "secrets-store",
                        "ready": True,
                        "restartCount": 0,
                        "image": "mcr.microsoft.com/oss/v2/kubernetes-csi/secrets-store/driver:v1.5.3",
                        "imageID": "",
                        "started": True,
                        "state": {"running": {"startedAt": "2026-09-14T07:03:02Z"}},
                    }
                ],
            },
        }
    ]


def node_object() -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": NODE,
            "uid": "5e7a9c1e-3f5a-4b7c-8d9e-1f3a5c7e9b0d",
            "labels": {
                "agentpool": "nodepool1",
                "kubernetes.azure.com/agentpool": "nodepool1",
                "kubernetes.io/arch": "amd64",
                "kubernetes.io/os": "linux",
                "node.kubernetes.io/instance-type": "Standard_D4ds_v5",
                "topology.kubernetes.io/region": LOCATION,
            },
        },
        "spec": {
            "providerID": f"azure:///subscriptions/{SUB}/resourceGroups/{NODE_RG.lower()}/providers/Microsoft.Compute/virtualMachineScaleSets/aks-nodepool1-31718369-vmss/virtualMachines/0"
        },
        "status": {
            "addresses": [{"type": "InternalIP", "address": NODE_IP}, {"type": "Hostname", "address": NODE}],
            "allocatable": {"cpu": "3860m", "memory": "12880516Ki", "pods": "110"},
            "capacity": {"cpu": "4", "memory": "16369924Ki", "pods": "110"},
            "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady"}],
            "nodeInfo": {
                "architecture": "amd64",
                "operatingSystem": "linux",
                "kubeletVersion": "v1.31.5",
                "containerRuntimeVersion": "containerd://1.7.27-1",
            },
        },
    }


def replicaset_object() -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": RS,
            "namespace": NS,
            "uid": "4c0e6a8b-2d3f-4e7a-9b1c-3d5f7a9b1c2e",
            "labels": {"app": "web", "pod-template-hash": "6c8f9d7b5"},
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "Deployment",
                    "name": "web",
                    "uid": "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e",
                    "controller": True,
                }
            ],
        },
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web", "pod-template-hash": "6c8f9d7b5"}}},
        "status": {"replicas": 1, "readyReplicas": 0},
    }


# ---- Azure bodies ---------------------------------------------------------------------------------------------
def cluster_body(shapes: Path, *, oidc: bool = True) -> dict[str, Any]:
    source = (
        "managedClusters_Get.recorded-workloadIdentity.json"
        if oidc
        else "managedClusters_Get.recorded-kvSecretsProvider.json"
    )
    body = json.loads((shapes / "Microsoft.ContainerService" / source).read_text())
    text = json.dumps(body).replace("00000000-0000-0000-0000-000000000000", SUB).replace("clitest000001", RG)
    text = text.replace("cliakstest000001", CLUSTER).replace("cliakstest000002", CLUSTER).replace("westus2", LOCATION)
    text = text.replace("72f988bf-86f1-41af-91ab-2d7cd011db47", TENANT)
    body = json.loads(text)
    props = body["properties"]
    props["nodeResourceGroup"] = NODE_RG
    props["identityProfile"]["kubeletidentity"] = {
        "resourceId": f"/subscriptions/{SUB}/resourcegroups/{NODE_RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{CLUSTER}-agentpool",
        "clientId": KUBELET_CID,
        "objectId": KUBELET_OID,
    }
    props["linuxProfile"]["ssh"]["publicKeys"] = [{"keyData": "ssh-rsa AAAA...redacted"}]
    if oidc:
        props["oidcIssuerProfile"]["issuerURL"] = ISSUER
    # The workload identity recording predates the add-on; the kvSecretsProvider recording shows its profile.
    addon = json.loads(
        (shapes / "Microsoft.ContainerService/managedClusters_Get.recorded-kvSecretsProvider.json").read_text()
    )
    profile = addon["properties"]["addonProfiles"]["azureKeyvaultSecretsProvider"]
    profile["identity"] = {"resourceId": ADDON_ID, "clientId": ADDON_CLIENT, "objectId": ADDON_PRINCIPAL}
    props["addonProfiles"] = {"azureKeyvaultSecretsProvider": profile}
    # Azure CNI on a VNet of our own: the node pool's subnet is what the vault firewall sees.
    props["agentPoolProfiles"][0]["vnetSubnetID"] = SUBNET_ID
    props["networkProfile"] |= {"networkPlugin": "azure", "podCidr": None, "podCidrs": None}
    props["networkProfile"] = {k: v for k, v in props["networkProfile"].items() if v is not None}
    props["networkProfile"]["loadBalancerProfile"]["effectiveOutboundIPs"] = [{"id": PIP_ID}]
    return body


def identity_body(shapes: Path) -> dict[str, Any]:
    body = json.loads((shapes / "Microsoft.ManagedIdentity/userAssignedIdentities_Get.2024-11-30.json").read_text())
    body |= {"id": IDENTITY_ID, "name": IDENTITY, "location": LOCATION, "tags": {}}
    body["properties"] |= {"clientId": CLIENT_ID, "principalId": PRINCIPAL, "tenantId": TENANT}
    return body


def addon_identity_body(shapes: Path) -> dict[str, Any]:
    body = identity_body(shapes)
    body |= {"id": ADDON_ID, "name": ADDON_ID.rsplit("/", 1)[-1]}
    body["properties"] |= {"clientId": ADDON_CLIENT, "principalId": ADDON_PRINCIPAL}
    return body


def fic(name: str, issuer: str, subject: str) -> dict[str, Any]:
    return {
        "id": f"{IDENTITY_ID}/federatedIdentityCredentials/{name}",
        "name": name,
        "properties": {"issuer": issuer, "subject": subject, "audiences": ["api://AzureADTokenExchange"]},
        "type": "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
    }


def vault_body(shapes: Path, *, rbac: bool = True) -> dict[str, Any]:
    source = "vaults_Get.recorded-rbac-networkAcls-allow.json" if rbac else "vaults_Get.recorded-accessPolicies.json"
    body = json.loads((shapes / "Microsoft.KeyVault" / source).read_text())
    body |= {"id": VAULT_ID, "name": VAULT, "location": LOCATION}
    props = body["properties"]
    props |= {"tenantId": TENANT, "vaultUri": VAULT_URL}
    props["networkAcls"] = {
        "bypass": "AzureServices",
        "defaultAction": "Allow",
        "ipRules": [],
        "virtualNetworkRules": [],
    }
    if not rbac:
        props["accessPolicies"] = [
            {
                "tenantId": TENANT,
                "objectId": "3707fb2f-ac10-4591-a04f-8b0d786ea37d",
                "permissions": {"keys": ["all"], "secrets": ["all"], "certificates": ["all"], "storage": ["all"]},
            }
        ]
    return body


def private_connection(shapes: Path) -> dict[str, Any]:
    body = json.loads((shapes / "Microsoft.KeyVault/privateEndpointConnections_Get.json").read_text())
    body["id"] = f"{VAULT_ID}/privateEndpointConnections/pe-{VAULT}-conn"
    body["name"] = f"pe-{VAULT}-conn"
    body["properties"]["privateEndpoint"]["id"] = PE_ID
    body["properties"]["privateLinkServiceConnectionState"]["description"] = "Auto-approved"
    return body


def private_endpoint(shapes: Path) -> dict[str, Any]:
    body = json.loads((shapes / "Microsoft.Network/privateEndpoints_Get.json").read_text())
    body |= {"id": PE_ID, "name": f"pe-{VAULT}", "location": LOCATION}
    props = body["properties"]
    props["subnet"] = {"id": PE_SUBNET_ID}
    props["customDnsConfigs"] = [{"fqdn": f"{VAULT}.vault.azure.net", "ipAddresses": ["10.225.4.5"]}]
    props["ipConfigurations"] = []
    props["networkInterfaces"] = [
        {
            "id": f"/subscriptions/{SUB}/resourceGroups/{NET_RG}/providers/Microsoft.Network/networkInterfaces/pe-{VAULT}.nic.3c9a1b2d"
        }
    ]
    conn = props["privateLinkServiceConnections"][0]
    conn["id"] = f"{PE_ID}/privateLinkServiceConnections/pe-{VAULT}-conn"
    conn["properties"] |= {"groupIds": ["vault"], "privateLinkServiceId": VAULT_ID, "requestMessage": ""}
    props.pop("customNetworkInterfaceName", None)
    return body


def zone_group() -> dict[str, Any]:
    return {
        "id": f"{PE_ID}/privateDnsZoneGroups/default",
        "name": "default",
        "properties": {
            "provisioningState": "Succeeded",
            "privateDnsZoneConfigs": [
                {
                    "name": "privatelink-vaultcore-azure-net",
                    "properties": {
                        "privateDnsZoneId": ZONE_ID,
                        "recordSets": [
                            {
                                "recordType": "A",
                                "recordSetName": VAULT,
                                "fqdn": f"{VAULT}.privatelink.vaultcore.azure.net",
                                "ttl": 10,
                                "ipAddresses": ["10.225.4.5"],
                                "provisioningState": "Succeeded",
                            }
                        ],
                    },
                }
            ],
        },
    }


def zone_links(shapes: Path, vnets: list[str]) -> dict[str, Any]:
    body = json.loads((shapes / "Microsoft.Network/privateDnsZones_virtualNetworkLinks_List.json").read_text())
    template = body["value"][0]
    links = []
    for vnet in vnets:
        link = copy.deepcopy(template)
        name = f"link-{vnet.rsplit('/', 1)[-1]}"
        link |= {"id": f"{ZONE_ID}/virtualNetworkLinks/{name}", "name": name, "tags": {}}
        link["properties"]["virtualNetwork"]["id"] = vnet
        links.append(link)
    return {"value": links}


def subnet_body(shapes: Path, endpoints: list[str]) -> dict[str, Any]:
    body = json.loads((shapes / "Microsoft.Network/subnets_Get.recorded-keyvaultServiceEndpoint.json").read_text())
    body |= {"id": SUBNET_ID, "name": "snet-aks-nodes"}
    body["properties"]["addressPrefix"] = "10.224.0.0/16"
    body["properties"]["serviceEndpoints"] = [
        {
            "provisioningState": "Succeeded",
            "service": s,
            "locations": ["*"] if s == "Microsoft.KeyVault" else [LOCATION],
        }
        for s in endpoints
    ]
    return body


def role_assignment(role: str, scope: str, principal: str, i: int) -> dict[str, Any]:
    name = f"6f1d3e5a-7b9c-4d1e-8f2a-{i:012d}"
    return {
        "properties": {
            "roleDefinitionId": f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{role}",
            "principalId": principal,
            "principalType": "ServicePrincipal",
            "scope": scope,
        },
        "id": f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}",
        "type": "Microsoft.Authorization/roleAssignments",
        "name": name,
    }


def lister_role(shapes: Path) -> dict[str, Any]:
    """A custom role that lists and sets secrets but may not read values: notDataActions excludes getSecret."""
    body = json.loads((shapes / "Microsoft.Authorization/roleDefinitions_GetById.json").read_text())
    role_id = f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{ROLE_LISTER}"
    body |= {"id": role_id, "name": ROLE_LISTER}
    body["properties"] |= {
        "roleName": "Shop Secrets Lister",
        "type": "CustomRole",
        "description": "Lists and rotates shop secrets without reading them",
        "assignableScopes": [f"/subscriptions/{SUB}"],
    }
    body["properties"]["permissions"] = [
        {
            "actions": ["Microsoft.KeyVault/vaults/read"],
            "notActions": [],
            "dataActions": ["Microsoft.KeyVault/vaults/secrets/*"],
            "notDataActions": ["Microsoft.KeyVault/vaults/secrets/getSecret/action"],
        }
    ]
    return body


def secrets_page(shapes: Path, secrets: dict[str, dict[str, Any]]) -> dict[str, Any]:
    template = json.loads((shapes / "KeyVault.DataPlane/GetSecrets.recorded.json").read_text())["value"][0]
    items = []
    for name, attrs in secrets.items():
        item = copy.deepcopy(template)
        item["id"] = f"{VAULT_URL}secrets/{name}"
        item["attributes"] |= {"enabled": attrs.get("enabled", True), "created": 1793520000, "updated": 1793520000}
        items.append(item)
    return {"value": items, "nextLink": None}


def azure(world: dict[str, Any]) -> list[dict[str, Any]]:
    shapes = world["shapes"]
    cluster = world["cluster"]
    recs = [
        rec(
            f"{ARM}/subscriptions/{SUB}/providers/Microsoft.ContainerService/managedClusters?api-version={API_AKS}",
            200,
            {"value": [cluster]},
        ),
        rec(
            f"{ARM}/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.ContainerService/managedClusters/{CLUSTER}?api-version={API_AKS}",
            200,
            cluster,
        ),
        rec(
            f"{ARM}/subscriptions/{SUB}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version={API_MSI}",
            200,
            {"value": world["identities"]},
        ),
        rec(
            f"{ARM}/subscriptions/{SUB}/resourceGroups/{ID_RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{IDENTITY}/federatedIdentityCredentials?api-version={API_MSI}",
            200,
            {"value": world["fics"]},
        ),
        rec(
            f"{ARM}/subscriptions/{SUB}/providers/Microsoft.KeyVault/vaults?api-version={API_KV}",
            200,
            {"value": [world["vault"]]},
        ),
        rec(
            f"{ARM}/subscriptions/{SUB}/providers/Microsoft.KeyVault/deletedVaults?api-version={API_KV}",
            200,
            {"value": world["deleted_vaults"]},
        ),
        rec(f"{VAULT_URL}secrets?api-version={API_KV_DATA}", 200, secrets_page(shapes, world["secrets"])),
        rec(f"{ARM}{SUBNET_ID}?api-version={API_NET}", 200, subnet_body(shapes, world["subnet_endpoints"])),
        rec(f"{ARM}{PIP_ID}?api-version={API_NET}", 200, public_ip()),
        rec(f"{ARM}{PE_ID}?api-version={API_NET}", 200, private_endpoint(shapes)),
        rec(f"{ARM}{PE_ID}/privateDnsZoneGroups?api-version={API_NET}", 200, {"value": [zone_group()]}),
        rec(f"{ARM}{ZONE_ID}/virtualNetworkLinks?api-version={API_DNS}", 200, zone_links(shapes, world["zone_links"])),
        rec(f"{ARM}{VNET_ID}/virtualNetworkPeerings?api-version={API_NET}", 200, {"value": []}),
    ]
    principals = {a[2] for a in world["assignments"]} | {PRINCIPAL, ADDON_PRINCIPAL}
    for principal in sorted(principals):
        url = (
            f"{ARM}{VAULT_ID}/providers/Microsoft.Authorization/roleAssignments?$filter=principalId%20eq%20"
            f"%27{principal}%27&api-version={API_AUTHZ}"
        )
        if world["forbid_assignments"]:
            recs.append(
                rec(
                    url,
                    403,
                    {
                        "error": {
                            "code": "AuthorizationFailed",
                            "message": (
                                "The client 'oncall@contoso.example' with object id 'e3a1f0c2-7b6d-4e5f-8a9b-0c1d2e3f4a5b' does not "
                                "have authorization to perform action 'Microsoft.Authorization/roleAssignments/read' over scope "
                                f"'{VAULT_ID}' or the scope is invalid. If access was recently granted, please refresh your "
                                "credentials."
                            ),
                        }
                    },
                )
            )
            continue
        mine = [(r, s) for r, s, p in world["assignments"] if p == principal]
        recs.append(rec(url, 200, {"value": [role_assignment(r, s, principal, i) for i, (r, s) in enumerate(mine)]}))
    if any(r == ROLE_LISTER for r, _s, _p in world["assignments"]):
        body = lister_role(shapes)
        recs.append(rec(f"{ARM}{body['id']}?api-version={API_AUTHZ}", 200, body))
    return recs


def public_ip() -> dict[str, Any]:
    return {
        "name": PIP_ID.rsplit("/", 1)[-1],
        "id": PIP_ID,
        "location": LOCATION,
        "type": "Microsoft.Network/publicIPAddresses",
        "sku": {"name": "Standard", "tier": "Regional"},
        "properties": {
            "provisioningState": "Succeeded",
            "ipAddress": EGRESS_IP,
            "publicIPAddressVersion": "IPv4",
            "publicIPAllocationMethod": "Static",
            "idleTimeoutInMinutes": 4,
        },
    }


def rec(url: str, status: int, body: Any) -> dict[str, Any]:
    return {"method": "GET", "url": url, "status": status, "body": body}


def as_list(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "List", "items": items}


def dump(path: Path, obj: Any) -> None:
    path.write_text(yaml.safe_dump(obj, sort_keys=False, width=200), encoding="utf-8")


if __name__ == "__main__":
    main()

"""A bundle's own Azure reads (sources/azure.py ReplayAzure) answer from the recorded bodies without the SDK, and
give what the real SDK clients give over the replay transport for the same recordings: the same objects, pages
followed, the same errors (a recorded error goes through the SDK, which words it). Bodies are shaped like
../shared/azure-arm-examples/ (named per case). Every example and real-world case is compared whole, live (SDK)
against its bundle, in test_live_parity.py."""

from __future__ import annotations

import json

import pytest

from aksdoctor.errors import AksDoctorError, ApiError, Forbidden, NotCaptured, NotFound
from aksdoctor.sources import keyvault_arm
from aksdoctor.sources.azure import AzureReader, ReplayAzure, StaticCredential
from aksdoctor.sources.azure_transport import ReadOnlyTransport, ReplayTransport
from aksdoctor.sources.recordings import Recording

ARM = "https://management.azure.com"
SUB = "3f2b7c1e-8d4a-4b6f-9e2d-7a1c5b8e0f42"
REGISTRY = f"/subscriptions/{SUB}/resourceGroups/rg-acr/providers/Microsoft.ContainerRegistry/registries/contoso"
PRINCIPAL = "7d2e4c1a-5b3f-4e8d-9a6c-1f0b2e3d4c5a"


def _cluster(name: str, node_rg: str) -> dict:
    # Microsoft.ContainerService/managedClusters_List.json, one entry (identityProfile as in the recorded Get)
    return {
        "id": f"/subscriptions/{SUB}/resourcegroups/rg1/providers/Microsoft.ContainerService/managedClusters/{name}",
        "location": "location1",
        "name": name,
        "tags": {"archv2": "", "tier": "production"},
        "type": "Microsoft.ContainerService/ManagedClusters",
        "eTag": "beywbwei",
        "properties": {
            "provisioningState": "Succeeded",
            "kubernetesVersion": "1.9.6",
            "currentKubernetesVersion": "1.9.6",
            "maxAgentPools": 1,
            "dnsPrefix": "dnsprefix1",
            "fqdn": "dnsprefix1-abcd1234.hcp.eastus.azmk8s.io",
            "agentPoolProfiles": [
                {"name": "nodepool1", "count": 3, "vmSize": "Standard_DS1_v2", "maxPods": 110, "osType": "Linux",
                 "provisioningState": "Succeeded", "orchestratorVersion": "1.9.6", "currentOrchestratorVersion": "1.9.6"}
            ],
            "nodeResourceGroup": node_rg,
            "enableRBAC": False,
            "identityProfile": {
                "kubeletidentity": {
                    "resourceId": f"/subscriptions/{SUB}/resourceGroups/{node_rg}/providers/"
                    f"Microsoft.ManagedIdentity/userAssignedIdentities/{name}-agentpool",
                    "clientId": "c2e5b7a9-0000-4000-8000-000000000001",
                    "objectId": PRINCIPAL,
                }
            },
        },
    }  # fmt: skip


def _registry() -> dict:
    # Microsoft.ContainerRegistry/registries_Get.json (the time stamps left out: the SDK rewrites their format)
    return {
        "id": REGISTRY,
        "name": "contoso",
        "type": "Microsoft.ContainerRegistry/registries",
        "location": "westus",
        "tags": {"key": "value"},
        "sku": {"name": "Standard", "tier": "Standard"},
        "properties": {
            "loginServer": "contoso.azurecr.io",
            "provisioningState": "Succeeded",
            "adminUserEnabled": False,
            "networkRuleSet": {"defaultAction": "Allow", "ipRules": []},
            "publicNetworkAccess": "Enabled",
        },
    }


ASSIGNMENTS = {  # Microsoft.Authorization/roleAssignments_ListForScope.json
    "value": [
        {
            "properties": {
                "roleDefinitionId": "/providers/Microsoft.Authorization/roleDefinitions/0b5fe924-9a61-425c-96af-cfe6e287ca2d",
                "principalId": PRINCIPAL,
                "principalType": "ServicePrincipal",
                "scope": f"/subscriptions/{SUB}",
            },
            "id": f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleAssignments/b0f43c54-e787-4862-89b1-a653fa9cf747",
            "type": "Microsoft.Authorization/roleAssignments",
            "name": "b0f43c54-e787-4862-89b1-a653fa9cf747",
        }
    ]
}
DEFINITION = {  # Microsoft.Authorization/roleDefinitions_GetById.json
    "properties": {
        "roleName": "Role name",
        "type": "CustomRole",
        "description": "Role description",
        "assignableScopes": [f"/subscriptions/{SUB}"],
        "permissions": [{"actions": ["action"], "notActions": [], "dataActions": ["dataAction"], "notDataActions": []}],
    },
    "id": f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    "type": "Microsoft.Authorization/roleDefinitions",
    "name": "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
}
_ATTRS = {"deleteEnabled": True, "writeEnabled": True, "readEnabled": True, "listEnabled": True}
TAGS = {  # ContainerRegistry.DataPlane/GetTags.recorded.json
    "registry": "contoso.azurecr.io",
    "imageName": "shop/web",
    "tags": [
        {"name": name, "digest": "sha256:" + "6e" * 32, "createdTime": "2023-03-02T23:15:59.8012764Z",
         "lastUpdateTime": "2023-03-02T23:15:59.8012764Z", "signed": False, "changeableAttributes": _ATTRS}
        for name in ("latest", "1.4.2")
    ],
}  # fmt: skip
USAGES = {  # Microsoft.Compute/usages_List.recorded-westus-first40.json, first entries
    "value": [
        {"limit": 100, "unit": "Count", "currentValue": 9, "name": {"value": "cores", "localizedValue": "Total Regional vCPUs"}},
        {"limit": 10, "unit": "Count", "currentValue": 8, "name": {"value": "standardDSv2Family", "localizedValue": "Standard DSv2 Family vCPUs"}},
    ]
}  # fmt: skip


def _rec(url: str, body, status: int = 200, headers: dict | None = None) -> Recording:
    return Recording("GET", url, status, body, headers or {})


def _readers(recordings: list[Recording]) -> tuple[ReplayAzure, AzureReader]:
    """The bundle's reader, and the SDK clients over the replay transport of the same recordings."""
    sdk = AzureReader(
        StaticCredential(),
        transport_factory=lambda: ReadOnlyTransport(ReplayTransport(recordings)),
        mode="bundle",
        retry_total=0,
    )
    return ReplayAzure(recordings), sdk


def _outcome(read):
    try:
        return "ok", read()
    except AksDoctorError as exc:
        return type(exc).__name__, str(exc)


CLUSTERS = f"{ARM}/subscriptions/{SUB}/providers/Microsoft.ContainerService/managedClusters"
CASES = {
    "paged cluster list": (
        [
            _rec(f"{CLUSTERS}?api-version=2025-10-01", {"value": [_cluster("aks-a", "MC_a")], "nextLink": f"{CLUSTERS}?api-version=2025-10-01&$skiptoken=p2"}),
            _rec(f"{CLUSTERS}?api-version=2025-10-01&$skiptoken=p2", {"value": [_cluster("aks-b", "MC_b")]}),
        ],
        lambda az: az.managed_clusters(SUB),
    ),
    "cluster by name": (
        [_rec(f"{ARM}/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/aks-a?api-version=1", _cluster("aks-a", "MC_a"))],
        lambda az: az.managed_cluster(SUB, "rg1", "aks-a"),
    ),
    "registry list, body recorded as text": (
        [_rec(f"{ARM}/subscriptions/{SUB}/providers/Microsoft.ContainerRegistry/registries", json.dumps({"value": [_registry()]}))],
        lambda az: az.registries(SUB),
    ),
    "role assignments of one principal": (
        [
            _rec(f"{ARM}{REGISTRY}/providers/Microsoft.Authorization/roleAssignments?$filter=principalId%20eq%20%27{PRINCIPAL}%27&api-version=2022-04-01", ASSIGNMENTS),
            _rec(f"{ARM}{REGISTRY}/providers/Microsoft.Authorization/roleAssignments?$filter=principalId%20eq%20%27other%27", {"value": []}),
        ],
        lambda az: az.role_assignments(REGISTRY, PRINCIPAL),
    ),
    "role definition by id": (
        [_rec(f"{ARM}{DEFINITION['id']}?api-version=2022-04-01", DEFINITION)],
        lambda az: az.role_definition(DEFINITION["id"]),
    ),
    "compute usages": (
        [_rec(f"{ARM}/subscriptions/{SUB}/providers/Microsoft.Compute/locations/westus/usages?api-version=2024-07-01", USAGES)],
        lambda az: az.compute_usages(SUB, "westus"),
    ),
    "acr tags": (
        [_rec("https://contoso.azurecr.io/acr/v1/shop%2Fweb/_tags", TAGS)],
        lambda az: az.acr_tags("contoso.azurecr.io", "shop/web"),
    ),
    "key vault secret metadata (KeyVault.DataPlane/GetSecrets.recorded-paged-maxresults1.json)": (
        [
            _rec("https://kv-shop.vault.azure.net/secrets?api-version=7.6", {"value": [{"id": "https://kv-shop.vault.azure.net/secrets/db-password", "attributes": {"enabled": True, "exp": 1793520000, "nbf": 1761984000, "created": 1761984000, "updated": 1761984000, "recoveryLevel": "Recoverable+Purgeable", "recoverableDays": 90}, "tags": {}}], "nextLink": "https://kv-shop.vault.azure.net/secrets?api-version=7.6&$skiptoken=eyJOZXh0TWFya2VyIjoiMiJ9&maxresults=1"}),
            _rec("https://kv-shop.vault.azure.net/secrets?api-version=7.6&$skiptoken=eyJOZXh0TWFya2VyIjoiMiJ9&maxresults=1", {"value": [{"id": "https://kv-shop.vault.azure.net/secrets/tls-cert", "attributes": {"enabled": False}, "managed": True}, {"id": "https://kv-shop.vault.azure.net/secrets/bare"}], "nextLink": None}),
        ],
        lambda az: keyvault_arm.secret_properties(az, "https://kv-shop.vault.azure.net/", "/subscriptions/x/vaults/kv-shop", "kv-shop"),
    ),
    "a subnet (Microsoft.Network)": (
        [_rec(f"{ARM}/subscriptions/{SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-aks/subnets/aks-nodes?api-version=2024-05-01", {"name": "aks-nodes", "id": f"/subscriptions/{SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-aks/subnets/aks-nodes", "properties": {"addressPrefix": "10.240.0.0/24", "serviceEndpoints": [{"service": "Microsoft.KeyVault", "locations": ["*"], "provisioningState": "Succeeded"}], "provisioningState": "Succeeded", "privateEndpointNetworkPolicies": "Disabled", "privateLinkServiceNetworkPolicies": "Enabled"}, "type": "Microsoft.Network/virtualNetworks/subnets"})],
        lambda az: keyvault_arm.subnet(az, f"/subscriptions/{SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-aks/subnets/aks-nodes"),
    ),
    "the subscriptions of the caller": (
        [_rec(f"{ARM}/subscriptions?api-version=2022-12-01", {"value": [{"id": f"/subscriptions/{SUB}", "subscriptionId": SUB, "displayName": "prod", "state": "Enabled"}, {"id": "/subscriptions/x", "displayName": "no id"}]})],
        keyvault_arm.subscriptions,
    ),
    "a next page not recorded": (
        [_rec(f"{CLUSTERS}", {"value": [_cluster("aks-a", "MC_a")], "nextLink": f"{CLUSTERS}?$skiptoken=gone"})],
        lambda az: az.managed_clusters(SUB),
    ),
    "nothing recorded": ([], lambda az: az.registries(SUB)),
    "a recorded 403": (
        [_rec(f"{ARM}{REGISTRY}/providers/Microsoft.Authorization/roleAssignments", {"error": {"code": "AuthorizationFailed", "message": f"The client 'x' with object id '{PRINCIPAL}' does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/read' over scope '{REGISTRY}' or the scope is invalid."}}, status=403)],
        lambda az: az.role_assignments(REGISTRY, PRINCIPAL),
    ),
    "a recorded 404 (ARM/ResourceNotFound.recorded-404.json)": (
        [_rec(f"{ARM}/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/gone", {"error": {"code": "ResourceNotFound", "message": "The Resource 'Microsoft.ContainerService/managedClusters/gone' under resource group 'rg1' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"}}, status=404)],
        lambda az: az.managed_cluster(SUB, "rg1", "gone"),
    ),
    "acr repository unknown (DeleteRepository.recorded-404-NAME_UNKNOWN.json)": (
        [_rec("https://contoso.azurecr.io/acr/v1/shop%2Fgone/_tags", {"errors": [{"code": "NAME_UNKNOWN", "message": "repository name not known to registry", "detail": {"name": "shop/gone"}}]}, status=404)],
        lambda az: az.acr_tags("contoso.azurecr.io", "shop/gone"),
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", list(CASES))
def test_the_bundle_reader_answers_as_the_sdk_reads_the_same_recordings(case):
    recordings, read = CASES[case]
    replay, sdk = _readers(recordings)
    want = _outcome(lambda: read(sdk))
    assert _outcome(lambda: read(replay)) == want
    if want[0] == "ok":
        assert want[1], "the SDK read something"


def test_pages_are_followed_and_errors_keep_their_kind():
    replay, _sdk = _readers(CASES["paged cluster list"][0])
    assert [c["name"] for c in replay.managed_clusters(SUB)] == ["aks-a", "aks-b"]
    replay, _sdk = _readers(CASES["a next page not recorded"][0])
    with pytest.raises(NotCaptured, match="list managed clusters"):
        replay.managed_clusters(SUB)
    looping = [_rec(CLUSTERS, {"value": [], "nextLink": f"{CLUSTERS}?$skiptoken=a"}),
               _rec(f"{CLUSTERS}?$skiptoken=a", {"value": [], "nextLink": f"{CLUSTERS}?$skiptoken=a"})]  # fmt: skip
    with pytest.raises(ApiError, match="link back to an earlier page"):
        ReplayAzure(looping).managed_clusters(SUB)
    replay, _sdk = _readers(CASES["a recorded 403"][0])
    with pytest.raises(Forbidden, match="AuthorizationFailed") as exc:
        replay.role_assignments(REGISTRY, PRINCIPAL)
    assert "Microsoft.Authorization/roleAssignments/read" in exc.value.grant
    replay, _sdk = _readers(CASES["acr repository unknown (DeleteRepository.recorded-404-NAME_UNKNOWN.json)"][0])
    with pytest.raises(NotFound) as missing:
        replay.acr_tags("contoso.azurecr.io", "shop/gone")
    assert missing.value.kind == "repository"


def test_a_plain_recorded_body_is_read_without_the_sdk(monkeypatch):
    # the SDK client factory is never reached for a recorded 2xx body; a recorded error still goes through it
    replay, _sdk = _readers([*CASES["acr tags"][0], *CASES["a recorded 403"][0]])
    made: list[str] = []
    real = replay.client
    monkeypatch.setattr(replay, "client", lambda spec, sub: made.append(spec) or real(spec, sub))
    monkeypatch.setattr(replay, "data_plane", lambda *a, **k: made.append("data_plane") or pytest.fail("SDK used"))
    assert replay.acr_tags("contoso.azurecr.io", "shop/web") == ["latest", "1.4.2"]
    assert made == []
    with pytest.raises(Forbidden):
        replay.role_assignments(REGISTRY, PRINCIPAL)
    assert made == ["azure.mgmt.authorization:AuthorizationManagementClient"]
    assert replay.calls == 2


@pytest.mark.parametrize(
    "case",
    [
        "key vault secret metadata (KeyVault.DataPlane/GetSecrets.recorded-paged-maxresults1.json)",
        "a subnet (Microsoft.Network)",
        "the subscriptions of the caller",
    ],
)
def test_the_keyvault_runbooks_reads_need_no_sdk_client_either(case, monkeypatch):
    recordings, read = CASES[case]
    replay, _sdk = _readers(recordings)
    monkeypatch.setattr(replay, "client", lambda *a, **k: pytest.fail("SDK client made"))
    monkeypatch.setattr(replay, "data_plane", lambda *a, **k: pytest.fail("SDK data-plane client made"))
    assert read(replay)


def _asked(reader, read) -> list[tuple[str, str, str]]:
    """The (method, host, path) of every request a read made of an empty bundle (then NotCaptured)."""
    from aksdoctor.sources.recordings import Recordings, _match_key

    asked: list[tuple[str, str, str]] = []
    real = Recordings.find

    def spy(self, method, url):
        asked.append(_match_key(method, url))
        return real(self, method, url)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Recordings, "find", spy)
        with pytest.raises(NotCaptured):
            read(reader)
    return asked


VAULT = f"/subscriptions/{SUB}/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kv-shop"
IDENTITY = (
    f"/subscriptions/{SUB}/resourceGroups/rg-id/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-web"
)
SUBNET = (
    f"/subscriptions/{SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-aks/subnets/nodes"
)
VNET = f"/subscriptions/{SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-aks"
PE = f"/subscriptions/{SUB}/resourceGroups/rg-net/providers/Microsoft.Network/privateEndpoints/pe-kv"
PIP = f"/subscriptions/{SUB}/resourceGroups/MC_rg_aks_westeurope/providers/Microsoft.Network/publicIPAddresses/pip-1"
ZONE = f"/subscriptions/{SUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net"
READS = {
    "managed_cluster": lambda az: az.managed_cluster(SUB, "rg1", "aks-a"),
    "managed_clusters": lambda az: az.managed_clusters(SUB),
    "registries": lambda az: az.registries(SUB),
    "compute_usages": lambda az: az.compute_usages(SUB, "westeurope"),
    "vm_sizes": lambda az: az.vm_sizes(SUB, "westeurope"),
    "role_assignments": lambda az: az.role_assignments(REGISTRY, PRINCIPAL),
    "role_definition": lambda az: az.role_definition(DEFINITION["id"]),
    "acr_tags": lambda az: az.acr_tags("contoso.azurecr.io", "shop/web"),
    "acr_manifests": lambda az: az.acr_manifests("contoso.azurecr.io", "shop/web"),
    "vaults": lambda az: keyvault_arm.vaults(az, SUB),
    "vault": lambda az: keyvault_arm.vault(az, VAULT),
    "deleted_vaults": lambda az: keyvault_arm.deleted_vaults(az, SUB),
    "secret_properties": lambda az: keyvault_arm.secret_properties(az, "https://kv-shop.vault.azure.net", VAULT, "kv"),
    "subscriptions": keyvault_arm.subscriptions,
    "identities": lambda az: keyvault_arm.identities(az, SUB),
    "identity": lambda az: keyvault_arm.identity(az, IDENTITY),
    "federated_credentials": lambda az: keyvault_arm.federated_credentials(az, IDENTITY),
    "subnet": lambda az: keyvault_arm.subnet(az, SUBNET),
    "public_ip": lambda az: keyvault_arm.public_ip(az, PIP),
    "private_endpoint": lambda az: keyvault_arm.private_endpoint(az, PE),
    "zone_groups": lambda az: keyvault_arm.zone_groups(az, PE),
    "vnets": lambda az: keyvault_arm.vnets(az, SUB, "rg-net"),
    "peerings": lambda az: keyvault_arm.peerings(az, VNET),
    "zone_links": lambda az: keyvault_arm.zone_links(az, ZONE),
}


def test_every_read_of_the_keyvault_runbook_is_in_the_table():
    assert set(keyvault_arm.READS) <= set(READS)


@pytest.mark.parametrize("name", list(READS))
def test_a_bundle_read_asks_for_the_url_the_sdk_asks_for(name):
    # a recording is found under the URL the SDK requests (capture records those): the bundle's own reading must
    # ask for the same one, or a recorded answer would be "not captured"; here for every read, recorded or not
    replay, sdk = _readers([])
    assert _asked(replay, READS[name]) == _asked(sdk, READS[name])[:1]

"""The Azure reads of the keyvault runbook: vaults, identities, federated credentials, network objects and the
Key Vault data plane (metadata only), through the real SDK clients of an AzureReader.

Probes never build these clients: they call `ev.kv_read(NAME, *args)`, which memoizes one of the functions
below (READS) under ("azure", "kv", NAME, *args). Every function returns ARM JSON and raises aksdoctor's
typed errors (AzureReader.call). URLs are what the SDK clients request, so bundle recordings replay as-is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from .azure import ARM, AzureReader, arm_json, arm_list, arm_one, parse_resource_id
from .selectors import name_of as _name
from .selectors import resource_group_of as _rg
from .selectors import subscription_of as _sub

KEYVAULT_MGMT = "azure.mgmt.keyvault:KeyVaultManagementClient"
MSI = "azure.mgmt.msi:ManagedServiceIdentityClient"
NETWORK = "azure.mgmt.network:NetworkManagementClient"
PRIVATE_DNS = "azure.mgmt.privatedns:PrivateDnsManagementClient"
VAULT_READ = "Microsoft.KeyVault/vaults/read"
READ_METADATA = "Microsoft.KeyVault/vaults/secrets/readMetadata/action"
SUBSCRIPTIONS_API = "2022-12-01"


# ---- Microsoft.KeyVault ----------------------------------------------------------------------------------
def vaults(azure: AzureReader, sub: str) -> list[dict[str, Any]]:
    """Key vaults of a subscription."""
    return azure.call(
        f"list key vaults in subscription {sub}",
        lambda: [arm_json(v) for v in azure.client(KEYVAULT_MGMT, sub).vaults.list_by_subscription()],
        action=VAULT_READ,
        scope=f"/subscriptions/{sub}",
        url=f"{ARM}/subscriptions/{sub}/providers/Microsoft.KeyVault/vaults",
        shape=arm_list,
    )


def vault(azure: AzureReader, vault_id: str) -> dict[str, Any]:
    """One vault by its ARM id."""
    parts = parse_resource_id(vault_id)
    return azure.call(
        f"read vault {parts['name']}",
        lambda: arm_json(
            azure.client(KEYVAULT_MGMT, parts["subscription"]).vaults.get(parts["resource_group"], parts["name"])
        ),
        action=VAULT_READ,
        scope=vault_id,
        url=_in(parts, "Microsoft.KeyVault/vaults"),
        shape=arm_one,
    )


def deleted_vaults(azure: AzureReader, sub: str) -> list[dict[str, Any]]:
    """Soft-deleted vaults of a subscription."""
    return azure.call(
        f"list soft-deleted key vaults in subscription {sub}",
        lambda: [arm_json(v) for v in azure.client(KEYVAULT_MGMT, sub).vaults.list_deleted()],
        action="Microsoft.KeyVault/deletedVaults/read",
        scope=f"/subscriptions/{sub}",
        url=f"{ARM}/subscriptions/{sub}/providers/Microsoft.KeyVault/deletedVaults",
        shape=arm_list,
    )


def secret_properties(azure: AzureReader, vault_url: str, vault_id: str, name: str) -> dict[str, dict[str, Any]]:
    """name -> {enabled, expires, not_before, managed} for every secret of a vault; values are never read."""

    def load() -> dict[str, dict[str, Any]]:
        from azure.keyvault.secrets import SecretClient

        client = azure.data_plane(SecretClient, vault_url=vault_url)
        return {
            p.name: {
                "enabled": p.enabled,
                "expires": p.expires_on,
                "not_before": p.not_before,
                "managed": bool(p.managed),
            }
            for p in client.list_properties_of_secrets()  # metadata only: get_secret is never called
        }

    return azure.call(
        f"list secret properties of vault {name}",
        load,
        action=READ_METADATA,
        scope=vault_id,
        url=f"{vault_url.rstrip('/')}/secrets",
        shape=_secret_properties,
    )


def _secret_properties(bodies: list[Any]) -> dict[str, dict[str, Any]]:
    """What `load` above makes of the SDK's SecretProperties, from the bodies of GET {vault}/secrets: the name is
    the id's second path segment, exp and nbf are Unix times in UTC."""
    from datetime import datetime, timezone

    def when(value: Any) -> datetime | None:
        return None if value is None else datetime.fromtimestamp(value, timezone.utc)

    out: dict[str, dict[str, Any]] = {}
    for item in arm_list(bodies):
        path = [part for part in urlsplit(item["id"]).path.split("/") if part]
        if not 2 <= len(path) <= 3:
            raise ValueError(f"not a secret id: {item['id']}")  # the SDK's reading decides
        attributes = item.get("attributes")
        out[path[1]] = {
            "enabled": attributes.get("enabled") if attributes else None,
            "expires": when(attributes.get("exp")) if attributes else None,
            "not_before": when(attributes.get("nbf")) if attributes else None,
            "managed": bool(item.get("managed")),
        }
    return out


def subscriptions(azure: AzureReader) -> list[str]:
    """The ids of the subscriptions the caller can read (GET /subscriptions), to find a vault outside the
    cluster's subscription."""

    def load() -> list[str]:
        from azure.core.rest import HttpRequest

        client = azure.client(KEYVAULT_MGMT, "-")
        response = client.send_request(  # the generated client's raw request, on the same pipeline
            HttpRequest("GET", f"{ARM}/subscriptions?api-version={SUBSCRIPTIONS_API}")
        )
        response.raise_for_status()
        body = response.json()
        return [str(s.get("subscriptionId")) for s in body.get("value") or [] if s.get("subscriptionId")]

    return azure.call(
        "list your subscriptions",
        load,
        action="Microsoft.Resources/subscriptions/read",
        scope="/",
        url=f"{ARM}/subscriptions",
        shape=lambda bodies: [str(s["subscriptionId"]) for s in arm_list(bodies) if s.get("subscriptionId")],
    )


# ---- Microsoft.ManagedIdentity ---------------------------------------------------------------------------
def identities(azure: AzureReader, sub: str) -> list[dict[str, Any]]:
    """User-assigned managed identities of a subscription."""
    return azure.call(
        f"list user-assigned identities in subscription {sub}",
        lambda: [arm_json(i) for i in azure.client(MSI, sub).user_assigned_identities.list_by_subscription()],
        action="Microsoft.ManagedIdentity/userAssignedIdentities/read",
        scope=f"/subscriptions/{sub}",
        url=f"{ARM}/subscriptions/{sub}/providers/Microsoft.ManagedIdentity/userAssignedIdentities",
        shape=arm_list,
    )


def identity(azure: AzureReader, identity_id: str) -> dict[str, Any]:
    """One user-assigned identity by its ARM id (in any subscription)."""
    parts = parse_resource_id(identity_id)

    def load() -> dict[str, Any]:
        client = azure.client(MSI, parts["subscription"])
        return arm_json(client.user_assigned_identities.get(parts["resource_group"], parts["name"]))

    return azure.call(
        f"read identity {parts['name']}",
        load,
        action="Microsoft.ManagedIdentity/userAssignedIdentities/read",
        scope=identity_id,
        url=_in(parts, "Microsoft.ManagedIdentity/userAssignedIdentities"),
        shape=arm_one,
    )


def federated_credentials(azure: AzureReader, identity_id: str) -> list[dict[str, Any]]:
    """The federated identity credentials of a user-assigned identity."""
    parts = parse_resource_id(identity_id)

    def load() -> list[dict[str, Any]]:
        client = azure.client(MSI, parts["subscription"])
        return [arm_json(c) for c in client.federated_identity_credentials.list(parts["resource_group"], parts["name"])]

    return azure.call(
        f"list federated credentials of identity {parts['name']}",
        load,
        action="Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read",
        scope=identity_id,
        url=_in(parts, "Microsoft.ManagedIdentity/userAssignedIdentities") + "/federatedIdentityCredentials",
        shape=arm_list,
    )


# ---- Microsoft.Network -----------------------------------------------------------------------------------
def subnet(azure: AzureReader, subnet_id: str) -> dict[str, Any]:
    """A subnet, for its service endpoints."""
    parts = subnet_id.split("/")
    vnet, name = parts[-3], parts[-1]
    return _net(
        azure,
        subnet_id,
        f"read subnet {name} of VNet {vnet}",
        "Microsoft.Network/virtualNetworks/subnets/read",
        lambda c: c.subnets.get(_rg(subnet_id), vnet, name),
        f"/resourceGroups/{_rg(subnet_id)}/providers/Microsoft.Network/virtualNetworks/{vnet}/subnets/{name}",
        arm_one,
    )


def public_ip(azure: AzureReader, pip_id: str) -> dict[str, Any]:
    """A public IP address."""
    return _net(
        azure,
        pip_id,
        f"read public IP {_name(pip_id)}",
        "Microsoft.Network/publicIPAddresses/read",
        lambda c: c.public_ip_addresses.get(_rg(pip_id), _name(pip_id)),
        f"/resourceGroups/{_rg(pip_id)}/providers/Microsoft.Network/publicIPAddresses/{_name(pip_id)}",
        arm_one,
    )


def private_endpoint(azure: AzureReader, pe_id: str) -> dict[str, Any]:
    """A private endpoint."""
    return _net(
        azure,
        pe_id,
        f"read private endpoint {_name(pe_id)}",
        "Microsoft.Network/privateEndpoints/read",
        lambda c: c.private_endpoints.get(_rg(pe_id), _name(pe_id)),
        f"/resourceGroups/{_rg(pe_id)}/providers/Microsoft.Network/privateEndpoints/{_name(pe_id)}",
        arm_one,
    )


def zone_groups(azure: AzureReader, pe_id: str) -> list[dict[str, Any]]:
    """The private DNS zone groups of a private endpoint."""
    return _net(
        azure,
        pe_id,
        f"list DNS zone groups of private endpoint {_name(pe_id)}",
        "Microsoft.Network/privateEndpoints/privateDnsZoneGroups/read",
        lambda c: [arm_json(g) for g in c.private_dns_zone_groups.list(_name(pe_id), _rg(pe_id))],
        f"/resourceGroups/{_rg(pe_id)}/providers/Microsoft.Network/privateEndpoints/{_name(pe_id)}"
        "/privateDnsZoneGroups",
        arm_list,
    )


def vnets(azure: AzureReader, sub: str, resource_group: str) -> list[dict[str, Any]]:
    """The virtual networks of a resource group."""
    scope = f"/subscriptions/{sub}/resourceGroups/{resource_group}"
    return _net(
        azure,
        scope,
        f"list virtual networks in resource group {resource_group}",
        "Microsoft.Network/virtualNetworks/read",
        lambda c: [arm_json(v) for v in c.virtual_networks.list(resource_group)],
        f"/resourceGroups/{resource_group}/providers/Microsoft.Network/virtualNetworks",
        arm_list,
    )


def peerings(azure: AzureReader, vnet_id: str) -> list[dict[str, Any]]:
    """The peerings of a virtual network."""
    return _net(
        azure,
        vnet_id,
        f"list peerings of VNet {_name(vnet_id)}",
        "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/read",
        lambda c: [arm_json(p) for p in c.virtual_network_peerings.list(_rg(vnet_id), _name(vnet_id))],
        f"/resourceGroups/{_rg(vnet_id)}/providers/Microsoft.Network/virtualNetworks/{_name(vnet_id)}"
        "/virtualNetworkPeerings",
        arm_list,
    )


def zone_links(azure: AzureReader, zone_id: str) -> list[dict[str, Any]]:
    """The virtual network links of a private DNS zone."""

    def load() -> list[dict[str, Any]]:
        client = azure.client(PRIVATE_DNS, _sub(zone_id))
        return [arm_json(link) for link in client.virtual_network_links.list(_rg(zone_id), _name(zone_id))]

    return azure.call(
        f"list virtual network links of zone {_name(zone_id)}",
        load,
        action="Microsoft.Network/privateDnsZones/virtualNetworkLinks/read",
        scope=zone_id,
        url=f"{ARM}/subscriptions/{_sub(zone_id)}/resourceGroups/{_rg(zone_id)}/providers/Microsoft.Network"
        f"/privateDnsZones/{_name(zone_id)}/virtualNetworkLinks",
        shape=arm_list,
    )


READS: dict[str, Callable[..., Any]] = {
    f.__name__: f
    for f in (
        vaults,
        vault,
        deleted_vaults,
        secret_properties,
        subscriptions,
        identities,
        identity,
        federated_credentials,
        subnet,
        public_ip,
        private_endpoint,
        zone_groups,
        vnets,
        peerings,
        zone_links,
    )
}


def _net(
    azure: AzureReader,
    resource_id: str,
    what: str,
    action: str,
    fn: Callable[[Any], Any],
    path: str,
    shape: Callable[[list[Any]], Any],
) -> Any:
    """A Microsoft.Network read in the subscription of `resource_id`; `path` is its URL after the subscription."""
    sub = _sub(resource_id)

    def load() -> Any:
        result = fn(azure.client(NETWORK, sub))
        return arm_json(result) if hasattr(result, "as_dict") or hasattr(result, "serialize") else result

    return azure.call(what, load, action=action, scope=resource_id, url=f"{ARM}/subscriptions/{sub}{path}", shape=shape)


def _in(parts: dict[str, str], provider_type: str) -> str:
    """The URL of a resource from parse_resource_id's parts and its provider/type."""
    return (
        f"{ARM}/subscriptions/{parts['subscription']}/resourceGroups/{parts['resource_group']}/providers/"
        f"{provider_type}/{parts['name']}"
    )


__all__ = ["READS"]

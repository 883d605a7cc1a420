"""Can the pod's traffic reach the vault: public access, the vault firewall, private endpoints and DNS.

Key Vault network rules (https://learn.microsoft.com/azure/key-vault/general/network-security): with
networkAcls.defaultAction Deny only ipRules (public source addresses) and virtualNetworkRules (subnets with
a Microsoft.KeyVault service endpoint) are admitted, else 403 ForbiddenByFirewall. A subnet with that
service endpoint reaches the vault from its private address, so an ipRule for the cluster's public egress IP
does not admit it. With publicNetworkAccess Disabled only an approved private endpoint works, and only
when the name resolves to it: the privatelink.vaultcore.azure.net zone must be linked to the cluster's VNet
(https://learn.microsoft.com/azure/key-vault/general/private-link-service; 403 ForbiddenByConnection,
SupportArticles troubleshoot-key-vault-csi-secrets-store-csi-driver Cause 4).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import DataUnavailable, NotFound
from ..model import Outcome, Skipped
from ..sources.evidence import Evidence
from ..sources.selectors import dig
from ..sources.selectors import name_of as _name
from ..sources.selectors import resource_group_of as _rg
from .csi import chosen_mount, newest_error
from .mount_messages import MountErrorKind
from .pods import target_pod

KV_SERVICE = "Microsoft.KeyVault"
KV_ZONE = "privatelink.vaultcore.azure.net"


@dataclass
class PrivatePath:
    """What a private endpoint of the vault offers the cluster."""

    reachable: bool = False
    problem: str = ""
    facts: dict[str, Any] = field(default_factory=dict)
    evidence: list[str | tuple[str, str]] = field(default_factory=list)


def check_network(ev: Evidence, vault: dict[str, Any]) -> Outcome:
    """open / firewall-blocked / public-access-disabled for the pod's traffic to this vault."""
    props = vault.get("properties") or {}
    name, vault_id = vault.get("name", ""), vault.get("id", "")
    src = f"Key Vault {name} network settings"
    public = str(props.get("publicNetworkAccess") or "Enabled")
    acls = props.get("networkAcls") or {}
    default = str(acls.get("defaultAction") or "Allow")
    skipped: list[Skipped] = []
    subnets = _guarded(skipped, lambda: traffic_subnets(ev)) or []
    vnets = list(dict.fromkeys(s.split("/subnets/")[0] for s in subnets))
    facts: dict[str, Any] = {"public_network_access": public, "default_action": default}
    if subnets:
        facts |= {
            "subnet_id": subnets[0],
            "cluster_vnet_id": vnets[0],
            "cluster_vnet_rg": _rg(vnets[0]),
            "cluster_vnet_name": vnets[0].rsplit("/", 1)[-1],
        }
    head = (f"publicNetworkAccess {public}, networkAcls.defaultAction {default}", src)
    if props.get("privateEndpointConnections"):
        path = _guarded(skipped, lambda: private_path(ev, vault, vnets))
        if path is None and public.lower() == "disabled":
            return _with(Outcome.unknown(head, notes=["the vault's private endpoints could not be read"]), skipped)
        path = path or PrivatePath(problem="its private endpoints could not be read")
    else:
        path = PrivatePath(problem=f"{name} has no private endpoint", facts={"pe_missing": True})
    facts |= path.facts
    if path.reachable:
        return _with(Outcome.of("open", head, *path.evidence, **facts), skipped)
    if public.lower() == "disabled":
        said = newest_error(ev, MountErrorKind.FORBIDDEN_BY_CONNECTION)
        evidence = [head, *path.evidence, (f"no usable private endpoint: {path.problem}", vault_id)]
        if said:
            evidence.append((said[0].summary, said[1]))
        out = Outcome.of("public-access-disabled", *evidence, private_problem=path.problem, **facts)
        return _with(out, skipped)
    if default.lower() != "deny":
        return _with(Outcome.of("open", head, **facts), skipped)
    return _with(_firewall(ev, vault, subnets, head, facts, skipped), skipped)


def traffic_subnets(ev: Evidence) -> list[str]:
    """Subnets the pod's Key Vault traffic leaves from: its node pool's (and pod subnet, for SDK calls)."""
    return ev.memo(("derived", "kv", "subnets", ev.target), lambda: _traffic_subnets(ev))


def private_path(ev: Evidence, vault: dict[str, Any], cluster_vnets: list[str]) -> PrivatePath:
    """Whether an approved private endpoint of the vault is reachable and resolvable from the cluster's VNet."""
    conns = dig(vault, "properties.privateEndpointConnections", []) or []
    states = [(dig(c, "properties.privateEndpoint.id", "") or "", _state(c), c.get("id", "")) for c in conns]
    evidence: list[str | tuple[str, str]] = [
        (f"private endpoint {pe.rsplit('/', 1)[-1]}: {state}", vault.get("id", "")) for pe, state, _ in states
    ]
    approved = [(pe, cid) for pe, state, cid in states if state.lower() == "approved" and pe]
    if not approved:
        pending = next((cid for _pe, state, cid in states if state.lower() == "pending"), None)
        problem = "its private endpoint connection is not approved" if pending else "no approved private endpoint"
        return PrivatePath(
            problem=problem, facts={"pe_pending_id": pending, "pe_missing": not pending}, evidence=evidence
        )
    problems = []
    facts: dict[str, Any] = {}
    for pe_id, _cid in approved:
        endpoint = ev.kv_read("private_endpoint", pe_id)
        pe_vnet = str(dig(endpoint, "properties.subnet.id", "")).split("/subnets/")[0]
        facts.setdefault("pe_name", _name(pe_id))
        if cluster_vnets and not _same_or_peered(ev, pe_vnet, cluster_vnets):
            problems.append(
                f"private endpoint {_name(pe_id)} is in VNet {_name(pe_vnet)}, which is neither the "
                f"cluster's VNet {_name(cluster_vnets[0])} nor peered with it"
            )
            facts["pe_other_vnet"] = True
            continue
        zones = _zones(ev, pe_id)
        if not zones:
            problems.append(f"private endpoint {_name(pe_id)} has no DNS zone group for {KV_ZONE}")
            facts["pe_no_zone_group"] = True
            continue
        linked = [z for z in zones if cluster_vnets and _linked(ev, z, cluster_vnets[0])]
        if linked:
            evidence.append((f"{KV_ZONE} ({_rg(linked[0])}) is linked to VNet {_name(cluster_vnets[0])}", linked[0]))
            return PrivatePath(reachable=True, facts={"pe_name": _name(pe_id)}, evidence=evidence)
        zone = zones[0]
        problems.append(
            f"zone {KV_ZONE} in resource group {_rg(zone)} is not linked to the cluster's VNet "
            f"{_name(cluster_vnets[0]) if cluster_vnets else '(unknown)'}: the vault name resolves to its "
            "public address"
        )
        facts |= {
            "zone_id": zone,
            "zone_rg": _rg(zone),
            "zone_unlinked": True,
            "link_name": f"link-{_name(cluster_vnets[0])}" if cluster_vnets else None,
        }
    return PrivatePath(problem="; ".join(problems), facts=facts, evidence=evidence)


def egress_ips(ev: Evidence) -> list[str]:
    """The cluster's public outbound addresses (load balancer or NAT gateway effectiveOutboundIPs)."""
    profile = dig(ev.managed_cluster(), "properties.networkProfile", {}) or {}
    ids = [i.get("id", "") for i in dig(profile, "loadBalancerProfile.effectiveOutboundIPs", []) or []]
    ids += [i.get("id", "") for i in dig(profile, "natGatewayProfile.effectiveOutboundIPs", []) or []]
    out = []
    for pip in filter(None, ids):
        body = ev.kv_read("public_ip", pip)
        if dig(body, "properties.ipAddress"):
            out.append(str(dig(body, "properties.ipAddress")))
    return out


# ---- the firewall ----------------------------------------------------------------------------------
def _firewall(
    ev: Evidence,
    vault: dict[str, Any],
    subnets: list[str],
    head: tuple[str, str],
    facts: dict[str, Any],
    skipped: list[Skipped],
) -> Outcome:
    acls = dig(vault, "properties.networkAcls", {}) or {}
    ip_rules = [str(r.get("value", "")) for r in acls.get("ipRules") or []]
    vnet_rules = [str(r.get("id", "")).lower() for r in acls.get("virtualNetworkRules") or []]
    rules = (
        f"ipRules {', '.join(ip_rules) or 'none'}; virtualNetworkRules "
        f"{', '.join(_name(r) for r in vnet_rules) or 'none'}",
        f"Key Vault {vault.get('name')} networkAcls",
    )
    said = newest_error(ev, MountErrorKind.FORBIDDEN_BY_FIREWALL)
    extra: list[str | tuple[str, str]] = [(said[0].summary, said[1])] if said else []
    if said and said[0].client_ip and _private(said[0].client_ip):
        extra.append(
            (
                f"Key Vault saw client address {said[0].client_ip}, a private address: the traffic arrives "
                "through a virtual network service endpoint, not from a public IP",
                said[1],
            )
        )
    if not subnets:
        if not ip_rules and not vnet_rules:
            return Outcome.of(
                "firewall-blocked", head, rules, *extra, firewall_reason="the firewall admits nothing", **facts
            )
        return Outcome.unknown(head, rules, *extra, notes=["the cluster's subnet is unknown: rules not compared"])
    subnet_id = subnets[0]
    body = _guarded(skipped, lambda: subnet(ev, subnet_id)) or {}
    endpoints = [str(s.get("service", "")) for s in dig(body, "properties.serviceEndpoints", []) or []]
    has_se = KV_SERVICE in endpoints
    facts = facts | {"subnet_name": _name(subnet_id), "service_endpoints_after": [*endpoints, KV_SERVICE]}
    se_text = (f"subnet {_name(subnet_id)} {'has' if has_se else 'has no'} a {KV_SERVICE} service endpoint", subnet_id)
    if subnet_id.lower() in vnet_rules:
        if has_se:
            return Outcome.of("open", head, rules, se_text, **facts)
        reason = (
            f"the subnet {_name(subnet_id)} is a virtual network rule but has no {KV_SERVICE} service "
            "endpoint, so its traffic arrives from the public egress address"
        )
        return Outcome.of(
            "firewall-blocked",
            head,
            rules,
            se_text,
            *extra,
            firewall_reason=reason,
            needs_service_endpoint=True,
            **facts,
        )
    if has_se:
        reason = (
            f"subnet {_name(subnet_id)} has a {KV_SERVICE} service endpoint, so the vault sees the nodes' "
            "private addresses: ipRules for a public egress IP do not admit them, and the subnet is not a "
            "virtual network rule"
        )
        return Outcome.of(
            "firewall-blocked", head, rules, se_text, *extra, firewall_reason=reason, subnet_rule_fix=True, **facts
        )
    egress = _guarded(skipped, lambda: egress_ips(ev)) or []
    admitted = [ip for ip in egress if any(_in_rule(ip, r) for r in ip_rules)]
    egress_text = (f"the cluster's egress IPs: {', '.join(egress) or 'unknown'}", "managed cluster networkProfile")
    if admitted:
        return Outcome.of("open", head, rules, se_text, egress_text, egress_ip=admitted[0], **facts)
    if not egress and ip_rules:
        return Outcome.unknown(
            head,
            rules,
            se_text,
            egress_text,
            *extra,
            notes=["the cluster's egress IP is unknown (user-defined routing?): ipRules not compared"],
        )
    reason = (
        f"neither the subnet {_name(subnet_id)} (virtual network rules) nor the egress IP "
        f"{', '.join(egress) or '(unknown)'} (ipRules) is admitted"
    )
    return Outcome.of(
        "firewall-blocked",
        head,
        rules,
        se_text,
        egress_text,
        *extra,
        firewall_reason=reason,
        egress_ip=egress[0] if egress else None,
        ip_rule_fix=bool(egress),
        subnet_rule_fix=True,
        needs_service_endpoint=True,
        **facts,
    )


# ---- reads ---------------------------------------------------------------------------------------------
def subnet(ev: Evidence, subnet_id: str) -> dict[str, Any]:
    """A subnet (ARM JSON), for its service endpoints."""
    return ev.kv_read("subnet", subnet_id)


def _traffic_subnets(ev: Evidence) -> list[str]:
    cluster = ev.managed_cluster()
    pools = dig(cluster, "properties.agentPoolProfiles", []) or []
    pool_name = _node_pool(ev)
    mine = [p for p in pools if p.get("name") == pool_name] or pools
    out = []
    if chosen_mount(ev) is None:  # SDK calls from the pod leave from the pod subnet when the pool has one
        out += [p.get("podSubnetID") for p in mine if p.get("podSubnetID")]
    out += [p.get("vnetSubnetID") for p in mine if p.get("vnetSubnetID")]
    if out:
        return list(dict.fromkeys(str(s) for s in out))
    node_rg = dig(cluster, "properties.nodeResourceGroup", "")
    sub = ev.cluster_coordinates()["subscription"]
    vnets = ev.kv_read("vnets", sub, node_rg)
    return [str(s.get("id")) for v in vnets for s in dig(v, "properties.subnets", []) or [] if s.get("id")]


def _node_pool(ev: Evidence) -> str:
    node = dig(target_pod(ev), "spec.nodeName")
    if not node:
        return ""
    try:
        labels = dig(ev.node(node), "metadata.labels", {}) or {}
    except (DataUnavailable, NotFound):
        return ""
    return str(labels.get("kubernetes.azure.com/agentpool") or labels.get("agentpool") or "")


def _zones(ev: Evidence, pe_id: str) -> list[str]:
    groups = ev.kv_read("zone_groups", pe_id)
    ids = [
        dig(c, "properties.privateDnsZoneId", "")
        for g in groups
        for c in dig(g, "properties.privateDnsZoneConfigs", []) or []
    ]
    return [str(z) for z in ids if str(z).lower().endswith("/" + KV_ZONE)]


def _linked(ev: Evidence, zone_id: str, vnet_id: str) -> bool:
    links = ev.kv_read("zone_links", zone_id)
    return any(str(dig(link, "properties.virtualNetwork.id", "")).lower() == vnet_id.lower() for link in links)


def _same_or_peered(ev: Evidence, pe_vnet: str, cluster_vnets: list[str]) -> bool:
    if pe_vnet.lower() in (v.lower() for v in cluster_vnets):
        return True
    vnet = cluster_vnets[0]
    try:
        peerings = ev.kv_read("peerings", vnet)
    except DataUnavailable:
        return False
    return any(
        str(dig(p, "properties.remoteVirtualNetwork.id", "")).lower() == pe_vnet.lower()
        and str(dig(p, "properties.peeringState", "")) == "Connected"
        for p in peerings
    )


def _state(connection: dict[str, Any]) -> str:
    return str(dig(connection, "properties.privateLinkServiceConnectionState.status", "") or "unknown")


def _in_rule(ip: str, rule: str) -> bool:
    try:
        return ipaddress.ip_address(ip) in ipaddress.ip_network(rule.strip("'\" "), strict=False)
    except ValueError:
        return False


def _private(ip: str) -> bool:
    try:
        return ipaddress.ip_address(ip).is_private
    except ValueError:
        return False


def _guarded(skipped: list[Skipped], read: Callable[[], Any]) -> Any:
    try:
        return read()
    except DataUnavailable as exc:
        skipped.append(Skipped("keyvault.network", f"could not {exc.what}: {exc.reason}", exc.grant))
        return None
    except NotFound as exc:
        skipped.append(Skipped("keyvault.network", f"{exc.what} not found"))
        return None


def _with(outcome: Outcome, skipped: list[Skipped]) -> Outcome:
    outcome.skipped = list(skipped)
    return outcome


__all__ = ["KV_ZONE", "PrivatePath", "check_network", "egress_ips", "private_path", "subnet", "traffic_subnets"]

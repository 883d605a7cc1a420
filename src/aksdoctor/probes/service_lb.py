"""The service runbook's Azure probes: why a LoadBalancer Service has no address (the cloud provider's
SyncLoadBalancerFailed text, confirmed against ARM), the Azure load balancer's health probe for its rules,
and customer NSG rules on the node subnet. Reads go through azure-mgmt-network (GET only)."""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from ..errors import DataUnavailable, NotFound
from ..model import Outcome
from ..sources.azure import ARM, arm_json, arm_list, arm_one, parse_resource_id
from ..sources.evidence import Evidence
from ..sources.roles import grants, role_name
from ..sources.selectors import dig
from .registry import probe
from .scrub import scrub
from .service import endpoints_of, labels_of, namespace_pods, service_object

NETWORK = "azure.mgmt.network:NetworkManagementClient"
ANN = "service.beta.kubernetes.io/"
_FAILED = ("SyncLoadBalancerFailed", "CreatingLoadBalancerFailed", "EnsuringLoadBalancerFailed")
_AUTHZ = re.compile(r"perform action '(?P<action>[^']+)' over scope '(?P<scope>[^']+)'")
_LINKED = re.compile(r"perform action\(?s?\)? '(?P<action>[^']+)' on the linked scope\(?s?\)? '(?P<scope>[^']+)'")
_OBJECT_ID = re.compile(r"with object id '(?P<oid>[0-9a-fA-F-]{36})'")
_QUOTA = re.compile(
    r"(StaticPublicIPCountLimitReached|PublicIPCountLimitReached|Cannot create more than \d+ public IP)"
)
_NOT_FOUND_IP = re.compile(
    r"user supplied IP [Aa]ddress (?P<ip>[\d.a-fA-F:]+) was not found(?: in resource group (?P<rg>[\w.()-]+))?"
)
_FIND_PIP = re.compile(r"findMatchedPIPByLoadBalancerIP|cannot find public IP|PublicIPAddress \S+ not found")
_SUBNET = re.compile(
    r"Value for reference id is missing\. Path properties\.frontendIPConfigurations\[\d+\]\.properties\.subnet"
    r"|InvalidResourceReference.*subnets?/|subnet\S* .*(?:not found|does not exist)",
    re.IGNORECASE,
)
_NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7"


def annotation(obj: dict[str, Any], key: str) -> str:
    return str(((obj.get("metadata") or {}).get("annotations") or {}).get(ANN + key) or "")


def _network(
    ev: Evidence, what: str, key: tuple[Any, ...], fn: Any, *, action: str, scope: str, path: str, shape: Any
) -> Any:
    """A Microsoft.Network read with the cluster's subscription; `path` is its URL after the subscription."""
    azure = ev.require_azure(what)
    sub = ev.subscription()
    return ev.memo(
        ("azure", "network", *key),
        lambda: azure.call(
            what,
            lambda: fn(azure.client(NETWORK, sub)),
            action=action,
            scope=scope,
            url=f"{ARM}/subscriptions/{sub}{path}",
            shape=shape,
        ),
    )


def _cluster(ev: Evidence) -> tuple[dict[str, Any], str, str]:
    """(managed cluster, subscription, node resource group)."""
    mc = ev.managed_cluster()
    sub = ev.cluster_coordinates()["subscription"]
    return mc, sub, str(dig(mc, "properties.nodeResourceGroup", ""))


def _principal(mc: dict[str, Any]) -> str | None:
    identity = mc.get("identity") or {}
    if identity.get("principalId"):
        return str(identity["principalId"])
    for value in (identity.get("userAssignedIdentities") or {}).values():
        if (value or {}).get("principalId"):
            return str(value["principalId"])
    return None


def _node_subnet(mc: dict[str, Any]) -> str:
    for pool in dig(mc, "properties.agentPoolProfiles", []) or []:
        if pool.get("vnetSubnetID"):
            return str(pool["vnetSubnetID"])
    return ""


# ---- a LoadBalancer without an address ----------------------------------------------------------
@probe(
    "service.lb_pending",
    outcomes=("permission-denied", "public-ip-quota", "static-ip-not-found", "subnet-invalid", "other"),
)
def lb_pending(ev: Evidence) -> Outcome:
    """Why does the cloud provider give the LoadBalancer Service no address?"""
    svc = service_object(ev)
    name, ns = ev.target.name, ev.target.namespace
    events = [e for e in ev.events_for(svc) if e.get("reason") in _FAILED]
    message = scrub(str(events[-1].get("message", ""))) if events else ""
    src = f"{events[-1].get('reason')} event of Service {ns}/{name}" if events else f"events of Service {ns}/{name}"
    shown = (f"{events[-1].get('reason')} (x{events[-1].get('count', 1)}): {message[:700]}", src) if events else None
    facts: dict[str, Any] = {"service": name, "lb_error": message[:400]}
    if message and ("AuthorizationFailed" in message or "LinkedAuthorizationFailed" in message):
        return _permission(ev, message, shown, facts)
    if message and _QUOTA.search(message):
        return _quota(ev, message, shown, facts)
    static = _static_ip(svc)
    if message and (_NOT_FOUND_IP.search(message) or _FIND_PIP.search(message)):
        return _static_not_found(ev, svc, message, static, shown, facts)
    internal = annotation(svc, "azure-load-balancer-internal").lower() == "true"
    if internal and message and _SUBNET.search(message):
        return _subnet(ev, svc, shown, facts)
    if not message and static[0]:
        found = _find_public_ip(ev, static[0])
        if found is None:
            return _static_not_found(ev, svc, "", static, None, facts)
    if shown:
        return Outcome.of(
            "other", shown, notes=["the cloud provider's error matches no known cause; see the event"], **facts
        )
    return Outcome.of(
        "other",
        (f"no SyncLoadBalancerFailed event for Service {ns}/{name}: the load balancer may still be in the making", src),
        **facts,
    )


def _permission(ev: Evidence, message: str, shown: Any, facts: dict[str, Any]) -> Outcome:
    match = _LINKED.search(message) or _AUTHZ.search(message)
    action = match.group("action") if match else "the network action"
    scope = match.group("scope") if match else ""
    scope = re.sub(r"/providers/Microsoft\.Network/?$", "", scope, flags=re.IGNORECASE)
    code = "LinkedAuthorizationFailed" if "LinkedAuthorizationFailed" in message else "AuthorizationFailed"
    oid = _OBJECT_ID.search(message)
    principal = oid.group("oid") if oid else None
    state = (
        "The role assignments of the cluster identity could not be read (no Azure facts): the error is the evidence."
    )
    evidence: list[Any] = [shown]
    try:
        mc, _sub, _rg = _cluster(ev)
        principal = principal or _principal(mc)
        if principal and scope:
            assignments = ev.role_assignments(scope, principal)
            granting = []
            for a in assignments:
                definition = ev.role_definition(dig(a, "properties.roleDefinitionId", ""))
                if grants(definition, action):
                    granting.append(f"{role_name(definition)} at {dig(a, 'properties.scope')}")
            if granting:
                return Outcome.of(
                    "other",
                    shown,
                    (
                        f"{principal} now holds {', '.join(granting)}, which grants {action}",
                        f"role assignments on {scope}",
                    ),
                    notes=[
                        "the failure predates the grant; the next sync (within minutes) should create the load balancer"
                    ],
                    **facts,
                )
            held = [
                f"{role_name(ev.role_definition(dig(a, 'properties.roleDefinitionId', '')))} "
                f"at {dig(a, 'properties.scope')}"
                for a in assignments
            ]
            state = f"No role assignment of {principal} at that scope or above grants it" + (
                f" (it holds {', '.join(held)})." if held else " (it holds none there)."
            )
            evidence.append((state, f"role assignments on {scope}"))
    except (DataUnavailable, NotFound):
        pass
    return Outcome.of(
        "permission-denied",
        *evidence,
        denied_action=action,
        denied_scope=scope or None,
        error_code=code,
        cluster_principal_id=principal,
        no_principal=None if principal else True,
        grant_state=state,
        confidence="high" if "No role assignment" in state else "medium",
        **facts,
    )


def _quota(ev: Evidence, message: str, shown: Any, facts: dict[str, Any]) -> Outcome:
    evidence: list[Any] = [shown]
    out: dict[str, Any] = {"quota_text": _QUOTA.search(message).group(0) + "."}
    try:
        mc, _sub, node_rg = _cluster(ev)
        location = str(mc.get("location") or "")
        out |= {"node_resource_group": node_rg, "location": location}
        usages = _network(
            ev,
            f"list network usages in {location}",
            ("usages", location),
            lambda c: [arm_json(u) for u in c.usages.list(location)],
            action="Microsoft.Network/locations/usages/read",
            scope=f"/subscriptions/{ev.cluster_coordinates()['subscription']}",
            path=f"/providers/Microsoft.Network/locations/{location}/usages",
            shape=arm_list,
        )
        for usage in usages:
            if dig(usage, "name.value") in ("PublicIPAddresses", "StaticPublicIPAddresses"):
                label = dig(usage, "name.localizedValue") or dig(usage, "name.value")
                text = f"{label}: {usage.get('currentValue')} of {usage.get('limit')} in use"
                evidence.append((text, f"network usages in {location}"))
                out["quota_text"] = f"{out['quota_text']} {text}."
    except (DataUnavailable, NotFound):
        out["no_node_resource_group"] = True
        out["location"] = out.get("location") or _region(ev)
    return Outcome.of("public-ip-quota", *evidence, **out, **facts)


def _region(ev: Evidence) -> str | None:
    try:
        return (dig(ev.any_node(), "metadata.labels", {}) or {}).get("topology.kubernetes.io/region")
    except (DataUnavailable, NotFound):
        return None


def _static_ip(svc: dict[str, Any]) -> tuple[str, str]:
    for key, where in (("azure-load-balancer-ipv4", f"annotation {ANN}azure-load-balancer-ipv4"),):
        if annotation(svc, key):
            return annotation(svc, key), where
    if dig(svc, "spec.loadBalancerIP"):
        return str(dig(svc, "spec.loadBalancerIP")), "spec.loadBalancerIP"
    if annotation(svc, "azure-pip-name"):
        return annotation(svc, "azure-pip-name"), f"annotation {ANN}azure-pip-name"
    return "", ""


def _find_public_ip(ev: Evidence, ip_or_name: str) -> dict[str, Any] | None:
    """The subscription's public IP with that address (or name); None when there is none. Raises when unreadable."""
    try:
        pips = _network(
            ev,
            "list public IP addresses of the subscription",
            ("public_ips",),
            lambda c: [arm_json(p) for p in c.public_ip_addresses.list_all()],
            action="Microsoft.Network/publicIPAddresses/read",
            scope=f"/subscriptions/{ev.cluster_coordinates()['subscription']}",
            path="/providers/Microsoft.Network/publicIPAddresses",
            shape=arm_list,
        )
    except (DataUnavailable, NotFound):
        return {}
    return next((p for p in pips if dig(p, "properties.ipAddress") == ip_or_name or p.get("name") == ip_or_name), None)


def _static_not_found(
    ev: Evidence, svc: dict[str, Any], message: str, static: tuple[str, str], shown: Any, facts: dict[str, Any]
) -> Outcome:
    match = _NOT_FOUND_IP.search(message) if message else None
    ip = (match.group("ip") if match else "") or static[0]
    out: dict[str, Any] = {
        "static_ip": ip,
        "ip_source": static[1] or "the Service",
        "pip_name": f"pip-{ev.target.name}",
    }
    if annotation(svc, "azure-pip-name"):
        out["pip_name"] = annotation(svc, "azure-pip-name")
    group = annotation(svc, "azure-load-balancer-resource-group") or (
        match.group("rg") if match and match.group("rg") else ""
    )
    evidence: list[Any] = [shown] if shown else []
    try:
        mc, sub, node_rg = _cluster(ev)
        out["node_resource_group"] = node_rg
        group = group or node_rg
        found = _find_public_ip(ev, ip)
        if found:
            where = parse_resource_id(str(found.get("id", ""))).get("resource_group", "")
            sku = dig(found, "sku.name", "")
            evidence.append(
                (
                    f"public IP {found.get('name')} ({ip}, SKU {sku}) is in resource group {where}",
                    "public IPs of the subscription",
                )
            )
            if where.lower() == group.lower() and sku == "Basic":
                out["ip_problem"] = "basic"
                out["ip_source"] = f"{out['ip_source']}; it is a Basic SKU IP and the AKS load balancer is Standard"
            elif where.lower() != group.lower():
                out["found_in_group"] = where
                out["found_in_group_id"] = f"/subscriptions/{sub}/resourceGroups/{where}"
                out["cluster_principal_id"] = _principal(mc)
        elif found is None:
            out["ip_missing"] = True
            evidence.append((f"no public IP of subscription {sub} has address {ip}", "public IPs of the subscription"))
    except (DataUnavailable, NotFound):
        pass
    out["ip_resource_group"] = group or "the node resource group"
    if "found_in_group" not in out:
        out["ip_missing"] = True  # none, or a Basic one: a Standard IP in the node resource group
    if not evidence:
        evidence.append(
            (f"{static[1] or 'the Service'} asks for {ip}", f"Service {ev.target.namespace}/{ev.target.name}")
        )
    return Outcome.of("static-ip-not-found", *evidence, **out, **facts)


def _subnet(ev: Evidence, svc: dict[str, Any], shown: Any, facts: dict[str, Any]) -> Outcome:
    subnet = annotation(svc, "azure-load-balancer-internal-subnet")
    out: dict[str, Any] = {
        "subnet_name": subnet or "no subnet named",
        "subnet_problem": (
            f"its annotation azure-load-balancer-internal-subnet names {subnet!r}, which the cloud provider cannot use "
            "in the cluster VNet."
            if subnet
            else "the cloud provider found no subnet for its frontend IP."
        ),
    }
    try:
        mc, _sub, _rg = _cluster(ev)
        parsed = _subnet_parts(_node_subnet(mc))
        if parsed:
            out |= {"vnet_resource_group": parsed[0], "vnet": parsed[1], "suggested_subnet": parsed[2]}
    except (DataUnavailable, NotFound):
        pass
    return Outcome.of("subnet-invalid", shown, **out, **facts)


def _subnet_parts(subnet_id: str) -> tuple[str, str, str] | None:
    m = re.search(
        r"/resourceGroups/([^/]+)/providers/Microsoft\.Network/virtualNetworks/([^/]+)/subnets/([^/]+)", subnet_id, re.I
    )
    return (m.group(1), m.group(2), m.group(3)) if m else None


# ---- the Azure load balancer's health probe -------------------------------------------------------
def _lb_rules(ev: Evidence, svc: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The AKS load balancer holding the Service's frontend, and the rules the cloud provider made for it."""
    _mc, _sub, node_rg = _cluster(ev)
    internal = annotation(svc, "azure-load-balancer-internal").lower() == "true"
    lb_name = "kubernetes-internal" if internal else "kubernetes"
    lb = _network(
        ev,
        f"read load balancer {lb_name} in {node_rg}",
        ("lb", node_rg.lower(), lb_name),
        lambda c: arm_json(c.load_balancers.get(node_rg, lb_name)),
        action="Microsoft.Network/loadBalancers/read",
        scope=f"/subscriptions/{ev.cluster_coordinates()['subscription']}/resourceGroups/{node_rg}",
        path=f"/resourceGroups/{node_rg}/providers/Microsoft.Network/loadBalancers/{lb_name}",
        shape=arm_one,
    )
    prefix = "a" + str(dig(svc, "metadata.uid", "")).replace("-", "")
    rules = [r for r in dig(lb, "properties.loadBalancingRules", []) or [] if str(r.get("name", "")).startswith(prefix)]
    return lb, rules


@probe("service.lb_health_probe", outcomes=("failing", "sound", "not-load-balancer"))
def lb_health_probe(ev: Evidence) -> Outcome:
    """Does the Azure load balancer's health probe for the Service's rules get a 200 from its pods?"""
    svc = service_object(ev)
    if dig(svc, "spec.type") != "LoadBalancer":
        return Outcome.of(
            "not-load-balancer",
            (
                f"type {dig(svc, 'spec.type', 'ClusterIP')}: no Azure load balancer",
                f"Service {ev.target.namespace}/{ev.target.name}",
            ),
        )
    lb, rules = _lb_rules(ev, svc)
    src = f"load balancer {lb.get('name')} (ARM)"
    if not rules:
        return Outcome.unknown(
            (f"{lb.get('name')} has no rule for Service {ev.target.name} (uid {dig(svc, 'metadata.uid')})", src)
        )
    probes = {str(p.get("id", "")).lower(): p for p in dig(lb, "properties.probes", []) or []}
    backends = _backends(ev)
    ingress = dig(svc, "status.loadBalancer.ingress", []) or []
    lb_ip = (ingress[0].get("ip") if ingress else "") or ""
    for rule in rules:
        pr = probes.get(str(dig(rule, "properties.probe.id", "")).lower())
        if pr is None:
            continue
        protocol = dig(pr, "properties.protocol", "Tcp")
        path = dig(pr, "properties.requestPath") or ""
        if protocol not in ("Http", "Https") or path != "/":
            continue
        reason, suggested = _answers_root(backends)
        if reason:
            return Outcome.of(
                "failing",
                (
                    f"rule {rule.get('name')} (port {dig(rule, 'properties.frontendPort')}) "
                    f"uses probe {pr.get('name')}: "
                    f"{protocol} {path} on port {dig(pr, 'properties.port')}",
                    src,
                ),
                (reason, "the Service's pods"),
                probe_name=pr.get("name"),
                probe_protocol=protocol,
                probe_path=path,
                probe_port=dig(pr, "properties.port"),
                lb_port=dig(rule, "properties.frontendPort"),
                lb_ip=lb_ip,
                probe_reason=reason,
                suggested_probe_path=suggested,
                service=ev.target.name,
            )
    shown = ", ".join(
        f"{r.get('name')} -> "
        f"{dig(probes.get(str(dig(r, 'properties.probe.id', '')).lower()) or {}, 'properties.protocol', '?')}"
        for r in rules
    )
    return Outcome.of("sound", (f"load balancer rules and probes of the Service: {shown}", src))


def _backends(ev: Evidence) -> list[dict[str, Any]]:
    view = endpoints_of(ev, ev.target.namespace, ev.target.name)
    ready = {e.pod for e in view.ready}
    return [p for p in namespace_pods(ev) if dig(p, "metadata.name") in ready]


def _answers_root(pods: list[dict[str, Any]]) -> tuple[str, str]:
    """Why the pods would not answer 200 on "/": ingress-nginx's default 404, or health served on another path."""
    for pod in pods[:1]:
        for c in dig(pod, "spec.containers", []) or []:
            image = str(c.get("image", ""))
            health = dig(c, "readinessProbe.httpGet.path") or dig(c, "livenessProbe.httpGet.path")
            if "ingress-nginx/controller" in image or labels_of(pod).get("app.kubernetes.io/name") == "ingress-nginx":
                return (
                    f'pod {dig(pod, "metadata.name")} runs ingress-nginx ({image}), which answers 404 on "/" when no '
                    "Ingress routes it; its health endpoint is /healthz.",
                    "/healthz",
                )
            if health and health != "/":
                return (
                    f'container {c.get("name")} of {dig(pod, "metadata.name")} reports health on {health}, not on "/"',
                    str(health),
                )
    return "", ""


# ---- NSG rules ----------------------------------------------------------------------------------------
@probe("service.nsg_rules", outcomes=("blocks", "open"))
def nsg_rules(ev: Evidence) -> Outcome:
    """Does a customer NSG on the node subnet deny the Service's port (or the load balancer's probes)?"""
    svc = service_object(ev)
    mc, _sub, node_rg = _cluster(ev)
    subnet_id = _node_subnet(mc)
    parts = _subnet_parts(subnet_id)
    if not parts:
        return Outcome.of(
            "open",
            (
                "the nodes use the AKS-managed VNet: its only NSG is the one AKS manages",
                "agentPoolProfiles.vnetSubnetID",
            ),
        )
    rg, vnet, subnet_name = parts
    subnet = _network(
        ev,
        f"read subnet {subnet_name} of {vnet}",
        ("subnet", subnet_id.lower()),
        lambda c: arm_json(c.subnets.get(rg, vnet, subnet_name)),
        action="Microsoft.Network/virtualNetworks/subnets/read",
        scope=subnet_id,
        path=f"/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/{vnet}/subnets/{subnet_name}",
        shape=arm_one,
    )
    nsg_id = str(dig(subnet, "properties.networkSecurityGroup.id", "") or "")
    nsg_parts = parse_resource_id(nsg_id)
    if not nsg_id:
        return Outcome.of("open", (f"subnet {subnet_name} has no NSG", f"subnet {subnet_id}"))
    if nsg_parts.get("resource_group", "").lower() == node_rg.lower():
        return Outcome.of(
            "open",
            (f"subnet {subnet_name}'s NSG {nsg_parts.get('name')} is the one AKS manages", f"subnet {subnet_id}"),
        )
    nsg_rg, nsg_name = nsg_parts.get("resource_group", ""), nsg_parts.get("name", "")
    nsg = _network(
        ev,
        f"read network security group {nsg_name}",
        ("nsg", nsg_id.lower()),
        lambda c: arm_json(c.network_security_groups.get(nsg_rg, nsg_name)),
        action="Microsoft.Network/networkSecurityGroups/read",
        scope=nsg_id,
        path=f"/resourceGroups/{nsg_rg}/providers/Microsoft.Network/networkSecurityGroups/{nsg_name}",
        shape=arm_one,
    )
    rules = sorted(
        [
            r
            for r in (dig(nsg, "properties.securityRules", []) or [])
            + (dig(nsg, "properties.defaultSecurityRules", []) or [])
            if dig(r, "properties.direction") == "Inbound"
        ],
        key=lambda r: int(dig(r, "properties.priority", 65500)),
    )
    internal = annotation(svc, "azure-load-balancer-internal").lower() == "true"
    clients = list(dig(svc, "spec.loadBalancerSourceRanges", []) or []) or (
        ["VirtualNetwork"] if internal else ["Internet"]
    )
    ingress = dig(svc, "status.loadBalancer.ingress", []) or []
    lb_ip = (ingress[0].get("ip") if ingress else "") or ""
    src = f"NSG {nsg_name} (ARM)"
    for port in dig(svc, "spec.ports", []) or []:
        number = int(port.get("port"))
        for client in clients:
            first = next((r for r in rules if _rule_matches(r, number, client, lb_ip)), None)
            if first is not None and dig(first, "properties.access") == "Deny":
                return _blocked(svc, nsg, first, rules, number, client, clients, lb_ip, nsg_rg, subnet_name, src)
    # The load balancer's health probes come from the AzureLoadBalancer tag to the node ports (healthCheckNodePort
    # for externalTrafficPolicy Local): denied, every backend is marked down.
    health = dig(svc, "spec.healthCheckNodePort")
    node_ports = [p.get("nodePort") for p in dig(svc, "spec.ports", []) or [] if p.get("nodePort")]
    probe_ports = [health] if health else node_ports
    for number in probe_ports:
        first = next((r for r in rules if _rule_matches(r, int(number), "AzureLoadBalancer", "")), None)
        if first is not None and dig(first, "properties.access") == "Deny":
            lb_tag = ["AzureLoadBalancer"]
            return _blocked(
                svc,
                nsg,
                first,
                rules,
                int(number),
                "AzureLoadBalancer (health probes)",
                lb_tag,
                lb_ip,
                nsg_rg,
                subnet_name,
                src,
            )
    return Outcome.of(
        "open", (f"NSG {nsg_name} on subnet {subnet_name} allows the Service's ports from {', '.join(clients)}", src)
    )


def _blocked(
    svc: dict[str, Any],
    nsg: dict[str, Any],
    rule: dict[str, Any],
    rules: list[dict[str, Any]],
    port: int,
    client: str,
    clients: list[str],
    lb_ip: str,
    nsg_rg: str,
    subnet_name: str,
    src: str,
) -> Outcome:
    priority = int(dig(rule, "properties.priority", 4096))
    taken = {int(dig(r, "properties.priority", 0)) for r in rules}
    allow = priority - 1
    while allow in taken and allow > 100:
        allow -= 1
    return Outcome.of(
        "blocks",
        (
            f"rule {rule.get('name')} (priority {priority}, Deny, source {_prefixes(rule, 'source')}, ports "
            f"{_ranges(rule)}) is the first inbound rule that matches port {port} from {client}",
            src,
        ),
        nsg=nsg.get("name"),
        nsg_resource_group=nsg_rg,
        deny_rule=rule.get("name"),
        deny_priority=priority,
        allow_priority=max(allow, 100),
        nsg_port=port,
        allow_sources=clients,
        nsg_scope=f"subnet {subnet_name}",
        nsg_what=f"TCP {port} from {client}",
        allow_rule_name=f"allow-{dig(svc, 'metadata.name')}-{port}"[:80],
        lb_ip=lb_ip,
        service=dig(svc, "metadata.name"),
    )


def _prefixes(rule: dict[str, Any], side: str) -> list[str]:
    props = rule.get("properties") or {}
    one = props.get(f"{side}AddressPrefix")
    return ([one] if one else []) + list(props.get(f"{side}AddressPrefixes") or [])


def _ranges(rule: dict[str, Any]) -> list[str]:
    props = rule.get("properties") or {}
    one = props.get("destinationPortRange")
    return ([one] if one else []) + list(props.get("destinationPortRanges") or [])


def _port_in(port: int, ranges: list[str]) -> bool:
    for item in ranges:
        if item == "*":
            return True
        low, _, high = str(item).partition("-")
        if low.isdigit() and int(low) <= port <= int(high or low):
            return True
    return False


def _source_matches(prefixes: list[str], client: str) -> bool:
    for prefix in prefixes:
        if prefix in ("*", client) or (client == "Internet" and prefix in ("0.0.0.0/0", "Internet")):
            return True
        try:
            if client not in ("Internet", "VirtualNetwork") and ipaddress.ip_network(client, strict=False).subnet_of(
                ipaddress.ip_network(prefix, strict=False)
            ):
                return True
        except (ValueError, TypeError):
            continue
    return False


def _dest_matches(prefixes: list[str], lb_ip: str) -> bool:
    for prefix in prefixes:
        if prefix in ("*", "VirtualNetwork", "Internet"):
            return True
        try:
            if lb_ip and ipaddress.ip_address(lb_ip) in ipaddress.ip_network(prefix, strict=False):
                return True
        except ValueError:
            continue
    return False


def _rule_matches(rule: dict[str, Any], port: int, client: str, lb_ip: str) -> bool:
    protocol = dig(rule, "properties.protocol", "*")
    return (
        protocol in ("*", "Tcp")
        and _port_in(port, _ranges(rule))
        and _source_matches(_prefixes(rule, "source"), client)
        and _dest_matches(_prefixes(rule, "destination"), lb_ip)
    )


__all__ = ["lb_health_probe", "lb_pending", "nsg_rules"]

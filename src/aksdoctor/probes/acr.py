"""ACR probes: does the tag exist, may the kubelet identity pull, does the registry admit the cluster."""

from __future__ import annotations

import re
from typing import Any

from ..errors import AzureNotConfigured, DataUnavailable, NotFound
from ..model import Outcome, Skipped
from ..sources.evidence import Evidence
from ..sources.roles import grants, role_name
from ..sources.selectors import dig
from .image_ref import closest
from .pods import failing_container
from .registry import probe

# Legacy ("RBAC Registry Permissions") mode: pull is the control-plane action below, which AcrPull,
# AcrPush, Reader (*/read), Contributor and Owner (*) all match. ABAC mode ("RBAC Registry + ABAC
# Repository Permissions"): only roles with the repository content/read data action pull; Reader,
# Contributor and Owner do not (learn.microsoft.com/azure/container-registry/
# container-registry-rbac-built-in-roles-directory-reference; shared/azure-arm-examples/builtin-roles.md Q1).
PULL_ACTION = "Microsoft.ContainerRegistry/registries/pull/read"
PULL_DATA_ACTION = "Microsoft.ContainerRegistry/registries/repositories/content/read"
ABAC_MODE = "AbacRepositoryPermissions"
_CONDITION_REPO = re.compile(
    r"@(?:Request|Resource)\[Microsoft\.ContainerRegistry/registries/repositories:name\]\s+"
    r"(StringEqualsIgnoreCase|StringStartsWithIgnoreCase|StringEquals|StringStartsWith)\s+'([^']*)'",
    re.IGNORECASE,
)


@probe("acr.tag_exists", outcomes=("tag-exists", "tag-missing", "repo-missing", "not-acr", "unverified"))
def tag_exists(ev: Evidence) -> Outcome:
    """Does the registry hold the repository and the tag the pod asks for?"""
    failing = failing_container(ev)
    if failing is None or failing.ref is None:
        return Outcome.unknown("no failing image")
    out = _tag_exists(ev, failing)
    if failing.kind == "ephemeral" and out.facts.get("suggested_image"):
        # not in any template: `kubectl set image` cannot reach it, `kubectl debug` starts a new one
        out.facts["debug_image"] = out.facts.pop("suggested_image")
    return out


def _tag_exists(ev: Evidence, failing: Any) -> Outcome:
    ref = failing.ref
    if not ref.is_acr:
        if ref.digest:
            return Outcome.of(
                "not-acr",
                f"{failing.image} is pinned by digest {ref.digest}; {ref.registry} is not an ACR, so whether that "
                "digest exists was not verified (a tag that exists does not make the digest available)",
                confidence="medium",
                other_repository=f"{ref.registry}/{ref.repository}",
            )
        return Outcome.of(
            "not-acr",
            f"{ref.registry} is not an ACR: its tags are not listed",
            confidence="medium",
            other_repository=f"{ref.registry}/{ref.repository}",
        )
    if ref.digest:
        return _digest_exists(ev, failing.image, ref)
    if ref.tag is None:
        return Outcome.of("unverified", f"{failing.image} is pinned by digest: tags not compared", confidence="medium")
    try:
        tags = ev.acr_tags(ref.registry, ref.repository)
    except NotFound:
        return Outcome.of("repo-missing", (f"{ref.registry} has no repository {ref.repository}", f"ACR {ref.registry}"))
    except DataUnavailable as exc:
        out = Outcome.of("unverified", confidence="medium")
        out.skipped = [Skipped("acr.tag_exists", f"could not {exc.what}: {exc.reason}", exc.grant)]
        return out
    src = f"ACR {ref.registry} repository {ref.repository}"
    if ref.tag in tags:
        return Outcome.of(
            "tag-exists", (f"tag {ref.tag} exists in {ref.registry}/{ref.repository} now", src), tag_count=len(tags)
        )
    suggestions = closest(ref.tag, tags, n=5)
    facts: dict[str, Any] = {"closest_tags": suggestions, "tag_count": len(tags)}
    if suggestions:
        facts["suggested_image"] = f"{ref.registry}/{ref.repository}:{suggestions[0]}"
    shown = ", ".join(suggestions) if suggestions else "none"
    return Outcome.of(
        "tag-missing", (f"{ref.repository} has {len(tags)} tags, not {ref.tag}; closest: {shown}", src), **facts
    )


def _digest_exists(ev: Evidence, image: str, ref: Any) -> Outcome:
    """A digest-pinned image is pulled by its digest (a tag beside it is ignored): a tag that exists
    proves nothing, the repository's manifests must hold the digest."""
    src = f"ACR {ref.registry} repository {ref.repository} manifests"
    facts: dict[str, Any] = {"tag": ref.digest, "pinned_digest": ref.digest}
    try:
        manifests = ev.acr_manifests(ref.registry, ref.repository)
    except NotFound:
        return Outcome.of(
            "repo-missing", (f"{ref.registry} has no repository {ref.repository}", f"ACR {ref.registry}"), **facts
        )
    except DataUnavailable as exc:
        out = Outcome.of(
            "unverified",
            f"{image} is pinned by digest {ref.digest}: the registry's manifests were not read, so whether it "
            "exists was not verified",
            confidence="medium",
            **facts,
        )
        out.skipped = [Skipped("acr.tag_exists", f"could not {exc.what}: {exc.reason}", exc.grant)]
        return out
    digests = {str(m.get("digest")): m for m in manifests}
    if ref.digest in digests:
        tags = ", ".join(digests[ref.digest].get("tags") or []) or "untagged"
        return Outcome.of(
            "tag-exists", (f"digest {ref.digest} exists in {ref.registry}/{ref.repository} now ({tags})", src), **facts
        )
    by_tag = {t: str(m.get("digest")) for m in manifests for t in m.get("tags") or []}
    if ref.tag and ref.tag in by_tag:
        facts |= {
            "closest_tags": [ref.tag],
            "suggested_image": f"{ref.registry}/{ref.repository}:{ref.tag}@{by_tag[ref.tag]}",
        }
        text = (
            f"{ref.repository} has no manifest {ref.digest}: the image is pinned by digest, and tag {ref.tag} "
            f"exists but now points to {by_tag[ref.tag]}"
        )
    else:
        suggestions = closest(ref.tag, list(by_tag), n=5) if ref.tag else []
        facts["closest_tags"] = suggestions
        if suggestions:
            facts["suggested_image"] = f"{ref.registry}/{ref.repository}:{suggestions[0]}@{by_tag[suggestions[0]]}"
        text = f"{ref.repository} has {len(manifests)} manifests, none with digest {ref.digest}"
    return Outcome.of("tag-missing", (text, src), **facts)


@probe("acr.kubelet_can_pull")
def kubelet_can_pull(ev: Evidence) -> Outcome:
    """Does the cluster's kubelet identity hold a role that allows pulling from the registry?"""
    ev.prefetch(ev.managed_cluster)  # found by listing the subscription's clusters, beside its registries
    registry = acr_registry(ev)
    kubelet = kubelet_identity(ev)
    registry_id = registry["id"]
    abac = dig(registry, "properties.roleAssignmentMode") == ABAC_MODE
    failing = failing_container(ev)
    repository = failing.ref.repository if failing and failing.ref else ""
    assignments = ev.role_assignments(registry_id, kubelet["objectId"])
    granting, seen = [], []
    for assignment in assignments:
        role = ev.role_definition(dig(assignment, "properties.roleDefinitionId", ""))
        scope = dig(assignment, "properties.scope", "")
        seen.append(f"{role_name(role)} on {scope}")
        if _allows_pull(role, assignment, abac=abac, repository=repository):
            granting.append(f"{role_name(role)} on {scope}")
    facts = _registry_facts(ev, registry) | {
        "kubelet_object_id": kubelet["objectId"],
        "kubelet_client_id": kubelet.get("clientId"),
        "pull_role": "Container Registry Repository Reader" if abac else "AcrPull",
        "abac_mode": abac,
    }
    src = f"role assignments of {kubelet['objectId']} on {registry_id} and its parents"
    if granting:
        note = (
            "the kubelet identity may pull, yet the registry refused: a role granted in the last minutes takes a "
            f"while to apply (then `kubectl delete pod {ev.target.name} -n {ev.target.namespace}` retries at once), "
            "or the nodes run with another identity than the cluster's identityProfile says"
        )
        return Outcome.yes((f"the kubelet identity can pull: {'; '.join(granting)}", src), notes=[note], **facts)
    mode = " (ABAC repository permissions: only repository data roles count)" if abac else ""
    held = f"it holds {'; '.join(seen)}" if seen else "it holds no role there"
    return Outcome.no(
        (
            f"the kubelet identity {kubelet['objectId']} has no role that allows pull from {registry['name']}{mode}; "
            f"{held}",
            src,
        ),
        **facts,
    )


@probe("acr.network_open")
def network_open(ev: Evidence) -> Outcome:
    """Does the registry accept connections from public networks (public access on, default action Allow)?"""
    registry = acr_registry(ev)
    props = registry.get("properties") or {}
    public = props.get("publicNetworkAccess", "Enabled")
    default = dig(props, "networkRuleSet.defaultAction", "Allow")
    rules = [r.get("value") or r.get("ipAddressOrRange") for r in dig(props, "networkRuleSet.ipRules", []) or []]
    endpoints = [_endpoint(c) for c in props.get("privateEndpointConnections") or []]
    src = f"ACR {registry['name']} ({registry['id']})"
    text = f"publicNetworkAccess {public}, networkRuleSet.defaultAction {default}, {len(rules)} IP rules" + (
        f", private endpoints: {', '.join(endpoints)}" if endpoints else ", no private endpoint"
    )
    facts = _registry_facts(ev, registry) | {"private_endpoints": endpoints, "ip_rules": rules}
    if public == "Disabled" or default == "Deny":
        return Outcome.no((text, src), **facts)
    return Outcome.yes((text, src), **facts)


# ---- shared reads -------------------------------------------------------------------------------
def acr_registry(ev: Evidence) -> dict[str, Any]:
    """The ACR resource behind the failing image's host, found in the cluster's subscription."""
    # The subscription comes from a node, not the pod: ask first so both reads overlap.
    sub = ev.subscription()
    failing = failing_container(ev)
    if failing is None or failing.ref is None or not failing.ref.is_acr:
        raise AzureNotConfigured("find the container registry", reason="the failing image is not on an ACR")
    host = failing.ref.registry.lower()
    for registry in ev.registries(sub):
        login = str(dig(registry, "properties.loginServer", "")).lower()
        if login == host or str(registry.get("name", "")).lower() == failing.ref.acr_name:
            return registry
    raise AzureNotConfigured(
        f"find registry {host}",
        reason=f"no registry with login server {host} in the cluster's subscription {sub} (or it is not visible)",
        grant="a registry in another subscription is not searched yet: check it with `az acr show -n NAME`",
    )


def kubelet_identity(ev: Evidence) -> dict[str, str]:
    """The managed cluster's kubelet identity (identityProfile.kubeletidentity)."""
    cluster = ev.managed_cluster()
    identity = dig(cluster, "properties.identityProfile.kubeletidentity") or {}
    if not identity.get("objectId"):
        raise AzureNotConfigured(
            "find the kubelet identity",
            reason=f"cluster {cluster.get('name')} has no managed kubelet identity (service principal cluster?)",
            grant="check the service principal's AcrPull role: az role assignment list --assignee <sp-app-id> --all",
        )
    return identity


def _registry_facts(ev: Evidence, registry: dict[str, Any]) -> dict[str, Any]:
    coords = ev.cluster_coordinates()
    same_sub = f"/subscriptions/{coords['subscription']}/".lower() in str(registry.get("id", "")).lower()
    return {
        "registry": registry.get("name"),
        "registry_id": registry.get("id"),
        "registry_ref": registry.get("name") if same_sub else registry.get("id"),
        "resource_group": coords["resource_group"],
        "cluster": coords["cluster"],
        "subscription": coords["subscription"],
    }


def _endpoint(connection: dict[str, Any]) -> str:
    name = str(dig(connection, "properties.privateEndpoint.id", "")).rsplit("/", 1)[-1]
    return f"{name} ({dig(connection, 'properties.privateLinkServiceConnectionState.status', '?')})"


def _allows_pull(role: dict[str, Any], assignment: dict[str, Any], *, abac: bool, repository: str) -> bool:
    if not abac:
        return grants(role, PULL_ACTION)
    if not grants(role, PULL_DATA_ACTION, data=True):
        return False
    condition = dig(assignment, "properties.condition") or ""
    if not condition:
        return True
    patterns = _CONDITION_REPO.findall(condition)
    if not patterns:
        return True  # a condition we cannot read: do not blame the role for it
    return any(
        repository.lower() == value.lower() if "Equals" in op else repository.lower().startswith(value.lower())
        for op, value in patterns
    )


__all__ = ["acr_registry", "kubelet_can_pull", "kubelet_identity", "network_open", "tag_exists"]

"""The keyvault runbook's probes: why a pod cannot get its Key Vault secrets, link by link.

The chain (runbooks/keyvault.yaml): the pod's mount (csi.py) → the identity and its federation
(workload_identity.py) → the vault → authorization (here) → network (kv_network.py) → the secrets (here).
The runbook names the first broken link; every other broken link a probe saw is added to the notes of
the probe that names the cause, so nothing seen is lost.

Key Vault authorization (https://learn.microsoft.com/azure/key-vault/general/rbac-guide): a vault with
enableRbacAuthorization true ignores access policies and reads a secret value only for a role whose
dataActions match Microsoft.KeyVault/vaults/secrets/getSecret/action (minus notDataActions) at the vault, a
parent scope or the secret; Owner, Contributor and Key Vault Contributor hold no data actions, Key Vault
Reader only readMetadata (shared/azure-arm-examples/builtin-roles.md Q2). A vault with access policies ignores
role assignments for data and needs a policy for the caller's object id with secret `get`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ..errors import DataUnavailable, Forbidden, NotFound
from ..model import Outcome, Skipped
from ..sources.evidence import Evidence, scope_contains
from ..sources.roles import grants, operation_matches, permissions, role_name
from ..sources.selectors import dig, parse_resource_id
from . import csi, kv_network, kv_sdk
from . import workload_identity as wi
from .image_ref import closest
from .mount_messages import MountErrorKind
from .registry import probe

GET_SECRET = "Microsoft.KeyVault/vaults/secrets/getSecret/action"
READ_METADATA = "Microsoft.KeyVault/vaults/secrets/readMetadata/action"
VAULT_READ = "Microsoft.KeyVault/vaults/read"
SECRETS_USER = "Key Vault Secrets User"
# What reading each object type needs (rbac-guide data actions; access-policy permission; the built-in role
# that grants it). The CSI provider reads objectType cert with GetCertificate and key with GetKey.
OBJECT_NEEDS: dict[str, tuple[str, str, str]] = {
    "secret": (GET_SECRET, "secrets", SECRETS_USER),
    "cert": ("Microsoft.KeyVault/vaults/certificates/read", "certificates", "Key Vault Certificate User"),
    "key": ("Microsoft.KeyVault/vaults/keys/read", "keys", "Key Vault Crypto User"),
}
_LOG_ACTION = re.compile(r"Action: '?Microsoft\.KeyVault/vaults/(secrets|certificates|keys)/", re.IGNORECASE)
_LOG_POLICY = re.compile(r"does not have (secrets|certificates|keys) \w{1,10} permission", re.IGNORECASE)
_TYPE_OF = {"secrets": "secret", "certificates": "cert", "keys": "key"}


# ---- probes: one per link, in the order of the chain --------------------------------------------------
@probe("keyvault.secret_source", outcomes=("csi", "code", "none"))
def secret_source(ev: Evidence) -> Outcome:
    """What does the pod need from Key Vault: a secrets-store CSI mount, or its own SDK calls?"""
    return csi.check_source(ev)


@probe("keyvault.csi_driver", outcomes=("registered", "missing"))
def csi_driver(ev: Evidence) -> Outcome:
    """Is the secrets-store CSI driver registered on the pod's node?"""
    return _link(ev, "keyvault.csi_driver")


@probe("keyvault.secret_provider_class", outcomes=("found", "missing"))
def secret_provider_class(ev: Evidence) -> Outcome:
    """Does the volume's SecretProviderClass exist in the pod's namespace?"""
    return _link(ev, "keyvault.secret_provider_class")


@probe("keyvault.identity", outcomes=("workload-identity", "managed-identity", "none", "unsupported"))
def identity(ev: Evidence) -> Outcome:
    """Which identity does the pod present to Key Vault?"""
    return _link(ev, "keyvault.identity")


@probe(
    "keyvault.pod_wiring",
    outcomes=("ok", "annotation-missing", "label-missing", "not-injected", "client-id-mismatch"),
)
def pod_wiring(ev: Evidence) -> Outcome:
    """Are the pod and its ServiceAccount wired for workload identity?"""
    return _link(ev, "keyvault.pod_wiring")


@probe("keyvault.workload_identity_enabled", outcomes=("enabled", "disabled"))
def workload_identity_enabled(ev: Evidence) -> Outcome:
    """Does the cluster issue OIDC tokens (and run the workload identity webhook)?"""
    return _link(ev, "keyvault.workload_identity_enabled")


@probe("keyvault.identity_resource", outcomes=("found", "not-found"))
def identity_resource(ev: Evidence) -> Outcome:
    """Is the client id the pod presents a managed identity?"""
    return _link(ev, "keyvault.identity_resource")


@probe("keyvault.tenant", outcomes=("match", "mismatch"))
def tenant(ev: Evidence) -> Outcome:
    """Does the tenant the pod asks for hold the identity?"""
    return _link(ev, "keyvault.tenant")


@probe("keyvault.federated_credential", outcomes=("match", "missing", "mismatch"))
def federated_credential(ev: Evidence) -> Outcome:
    """Does a federated credential of the identity trust the pod's service-account token?"""
    return _link(ev, "keyvault.federated_credential")


@probe("keyvault.vault", outcomes=("found", "missing", "unnamed"))
def vault(ev: Evidence) -> Outcome:
    """Does the vault the pod names exist?"""
    return _link(ev, "keyvault.vault")


@probe(
    "keyvault.authorization",
    outcomes=("granted", "rbac-role-missing", "reader-only", "access-policy-missing", "model-mismatch"),
)
def authorization(ev: Evidence) -> Outcome:
    """May the identity read secret values, in the permission model the vault uses?"""
    return _link(ev, "keyvault.authorization")


@probe("keyvault.network", outcomes=("open", "firewall-blocked", "public-access-disabled"))
def network(ev: Evidence) -> Outcome:
    """Does the vault admit the pod's traffic (public access, firewall, private endpoint and DNS)?"""
    return _link(ev, "keyvault.network")


@probe("keyvault.secrets", outcomes=("present", "missing", "unverified"))
def secrets(ev: Evidence) -> Outcome:
    """Do the objects the pod asks for exist in the vault, enabled and unexpired?"""
    return _link(ev, "keyvault.secrets")


@probe("keyvault.mount_state", outcomes=("ok", "failing"))
def mount_state(ev: Evidence) -> Outcome:
    """Does the pod still report a failing secrets-store mount?"""
    return csi.check_mount_state(ev)


# ---- the vault -----------------------------------------------------------------------------------------
def vault_name(ev: Evidence) -> str:
    """The vault the pod names: the SecretProviderClass keyvaultName, else --vault, else the first vault the
    pod's own evidence names (env, envFrom ConfigMaps, an External Secrets store, its logs)."""
    return vault_ref(ev)[0]


def vault_ref(ev: Evidence) -> tuple[str, str]:
    """(vault, where it was named)."""
    if csi.chosen_mount(ev) is not None:
        params = csi.provider_params(ev)
        return params.vault, f"SecretProviderClass {ev.target.namespace}/{params.name}"
    if ev.options.extra.get("vault"):
        return str(ev.options.extra["vault"]), "--vault"
    refs = kv_sdk.vault_refs(ev) if kv_sdk.intent(ev) else []
    return (refs[0].name, refs[0].source) if refs else ("", "")


def find_vault(ev: Evidence) -> dict[str, Any]:
    """The vault (ARM JSON) by name in the cluster's subscription; NotFound when it is not there."""
    return ev.memo(("derived", "kv", "vault", ev.target), lambda: _find_vault(ev))


def check_vault(ev: Evidence) -> Outcome:
    """found / missing."""
    name, named_by = vault_ref(ev)
    if not name and csi.chosen_mount(ev) is None:
        return _vault_unnamed(ev)
    if not name:
        problem = "the SecretProviderClass sets no keyvaultName"
        return Outcome.of("missing", problem, vault_problem=problem)
    try:
        body = find_vault(ev)
    except NotFound:
        return _vault_missing(ev, name)
    props = body.get("properties") or {}
    facts = vault_facts(body)
    model = "Azure RBAC" if props.get("enableRbacAuthorization") else "access policies"
    text = f"vault {body['name']} exists ({facts['vault_url']}), permission model: {model}"
    evidence: list[str | tuple[str, str]] = [(text, body.get("id", ""))]
    if named_by and named_by != "--vault" and not named_by.startswith("SecretProviderClass"):
        evidence.insert(0, (f"the pod names vault {name} in {named_by}", named_by))
    cluster_sub = ev.cluster_coordinates()["subscription"]
    if str(facts["vault_subscription"] or "").lower() != cluster_sub.lower():
        evidence.append(
            (f"the vault is in subscription {facts['vault_subscription']}, not the cluster's {cluster_sub}", body["id"])
        )
    return Outcome.of("found", *evidence, **facts)


def _vault_unnamed(ev: Evidence) -> Outcome:
    """unnamed: nothing names the vault; only the links that need it are skipped, each saying so."""
    where = (
        "env values (https://NAME.vault.azure.net, KEYVAULT_NAME, KEY_VAULT_URL, AZURE_KEYVAULT_URL), envFrom "
        "ConfigMaps, External Secrets stores and the containers' log tails"
    )
    grant = f"name the vault: aksdoctor keyvault {ev.target.name} -n {ev.target.namespace} --vault VAULT"
    out = Outcome.of(
        "unnamed",
        (f"nothing the pod shows names a vault (searched {where})", f"Pod {ev.target.namespace}/{ev.target.name}"),
        notes=[f"the identity chain was walked; to check the vault's permissions, network and secrets, {grant}"],
    )
    out.skipped = [
        Skipped("keyvault.authorization", "not checked: no vault is named, so its permission model is unknown", grant),
        Skipped("keyvault.network", "not checked: no vault is named, so its firewall and private endpoints", grant),
        Skipped("keyvault.secrets", "not checked: no vault is named, so the objects the app reads", grant),
    ]
    return out


def vault_facts(body: dict[str, Any]) -> dict[str, Any]:
    """Names and ids of a vault for fix templates."""
    parts = parse_resource_id(body.get("id", ""))
    return {
        "vault": body.get("name"),
        "vault_id": body.get("id"),
        "vault_rg": parts.get("resource_group"),
        "vault_subscription": parts.get("subscription"),
        "vault_url": dig(body, "properties.vaultUri") or f"https://{body.get('name')}.vault.azure.net/",
        "vault_tenant": dig(body, "properties.tenantId"),
        "rbac_vault": bool(dig(body, "properties.enableRbacAuthorization")),
    }


# ---- authorization -------------------------------------------------------------------------------------
def check_authorization(ev: Evidence) -> Outcome:
    """granted / rbac-role-missing / reader-only / access-policy-missing / model-mismatch."""
    body = find_vault(ev)
    principal = _principal(ev)
    vault_id = body["id"]
    rbac = bool(dig(body, "properties.enableRbacAuthorization"))
    facts = vault_facts(body) | {"principal_id": principal}
    model = (
        f"vault {body['name']} uses {'Azure RBAC' if rbac else 'access policies'} "
        f"(enableRbacAuthorization {str(rbac).lower()})",
        vault_id,
    )
    policy = _policy(body, principal)
    if rbac:
        try:
            roles = _roles(ev, vault_id, principal)
        except DataUnavailable as exc:
            return _roles_unreadable(ev, exc, model, facts)
        types, said = needed_types(ev)
        if types != ("secret",):
            return _typed_rbac_verdict(roles, types, said, model, facts)
        return _rbac_verdict(roles, policy, model, facts, _wanted_secrets(ev))
    skipped: list[Skipped] = []
    try:
        roles = _roles(ev, vault_id, principal)
    except DataUnavailable as exc:
        roles = None
        skipped.append(Skipped("keyvault.authorization", f"could not {exc.what}: {exc.reason}", exc.grant))
    types, said = needed_types(ev)
    if types != ("secret",):
        out = _typed_policy_verdict(policy, types, said, model, facts)
    else:
        out = _policy_verdict(roles, policy, model, facts)
    out.skipped = skipped
    return out


def _typed_rbac_verdict(
    roles: list[HeldRole], types: tuple[str, ...], said: str, model: tuple[str, str], facts: dict[str, Any]
) -> Outcome:
    """Certificates and keys need their own data actions: a secrets role reads neither."""
    src = f"role assignments of {facts['principal_id']} on {facts['vault_id']} and its parents"
    vault_wide = [r for r in roles if not r.secret]
    missing = [t for t in types if not any(t in r.types for r in vault_wide)]
    held = "; ".join(r.line for r in vault_wide) or "no role there"
    facts = facts | {"roles_held": [f"{r.name} on {r.scope}" for r in vault_wide]}
    if not missing:
        text = "the identity reads " + ", ".join(f"{t} values ({OBJECT_NEEDS[t][0]})" for t in types)
        return Outcome.of("granted", model, (text, src), **facts)
    need = missing[0]
    action, _perm, role = OBJECT_NEEDS[need]
    text = f"no role of the identity allows {action} (it reads {need} objects) at the vault or above; it holds {held}"
    evidence: list[str | tuple[str, str]] = [model, (text, src)]
    if said:
        evidence.append((f"the error says: {said}", "the pod's error"))
    kind = {"cert": "certificates", "key": "keys"}.get(need, "secrets")
    typed = {"role": role, "needed_action": action, "object_kind": kind}
    return Outcome.of("rbac-role-missing", *evidence, **(facts | typed))


def _typed_policy_verdict(
    policy: dict[str, Any] | None, types: tuple[str, ...], said: str, model: tuple[str, str], facts: dict[str, Any]
) -> Outcome:
    """An access policy needs `get` on each object type the pod reads (certificates get, keys get)."""
    src = f"access policies of {facts['vault']}"
    missing = []
    for t in types:
        perms = [str(p).lower() for p in dig(policy or {}, f"permissions.{OBJECT_NEEDS[t][1]}", []) or []]
        if not policy or policy.get("applicationId") or not ({"get", "all"} & set(perms)):
            missing.append(t)
    if not missing:
        granted = ", ".join(f"{OBJECT_NEEDS[t][1]} get" for t in types)
        text = f"an access policy grants {facts['principal_id']} {granted}"
        return Outcome.of("granted", model, (text, src), **facts)
    perm = OBJECT_NEEDS[missing[0]][1]
    line = (f"no access policy grants object id {facts['principal_id']} {perm} get", src)
    evidence: list[str | tuple[str, str]] = [model, line]
    if said:
        evidence.append((f"the error says: {said}", "the pod's error"))
    flags = {f"{OBJECT_NEEDS[t][1]}_permissions": "get list" for t in types}
    return Outcome.of("access-policy-missing", *evidence, policy_perm=perm, **flags, **facts)


@dataclass(frozen=True)
class HeldRole:
    """A role the identity holds at the vault, a parent scope or a secret, and what it allows."""

    name: str
    scope: str
    reads_values: bool
    reads_metadata: bool
    why: str
    secret: str = ""  # the secret the role is assigned on, when it is below the vault
    types: frozenset[str] = frozenset()  # the object types (secret, cert, key) whose values it reads

    @property
    def line(self) -> str:
        """'Key Vault Reader on /subscriptions/.../vaults/kv: readMetadata only'."""
        return f"{self.name} on {self.scope}: {self.why}"


def held_roles(ev: Evidence, vault_id: str, principal: str, *, secret_names: tuple[str, ...] = ()) -> list[HeldRole]:
    """The principal's roles at the vault, above it, and on the named secrets, judged by their permissions."""
    everything = ev.role_assignments(vault_id, principal, include_below=True)
    assignments = [a for a in everything if scope_contains(dig(a, "properties.scope", ""), vault_id)]
    # Assignments on single secrets (below the vault) count for those secrets.
    below = [
        a
        for a in everything
        if not scope_contains(dig(a, "properties.scope", ""), vault_id)
        and any(scope_contains(dig(a, "properties.scope", ""), f"{vault_id}/secrets/{s}") for s in secret_names)
    ]
    out = []
    for assignment in assignments + below:
        role = ev.role_definition(dig(assignment, "properties.roleDefinitionId", ""))
        scope = dig(assignment, "properties.scope", "")
        out.append(
            HeldRole(
                role_name(role),
                scope,
                grants(role, GET_SECRET, data=True),
                grants(role, READ_METADATA, data=True),
                explain_role(role),
                scope.split("/secrets/", 1)[1].strip("/") if "/secrets/" in scope else "",
                frozenset(t for t, (action, _p, _r) in OBJECT_NEEDS.items() if grants(role, action, data=True)),
            )
        )
    return out


def explain_role(role: dict[str, Any]) -> str:
    """Why a role does or does not read secret values, from its permissions (never from its name)."""
    blocks = permissions(role)
    data = [p for b in blocks for p in b.get("dataActions") or []]
    allowing = [p for p in data if operation_matches(p, GET_SECRET)]
    denying = [p for b in blocks for p in b.get("notDataActions") or [] if operation_matches(p, GET_SECRET)]
    if grants(role, GET_SECRET, data=True):
        return f"reads secret values (dataAction {allowing[0]})"
    if allowing and denying:
        return f"dataAction {allowing[0]} is cancelled by notDataActions {denying[0]}"
    if not data:
        actions = [p for b in blocks for p in b.get("actions") or []]
        return f"control plane only (actions {', '.join(actions[:3]) or 'none'}; no dataActions)"
    if grants(role, READ_METADATA, data=True):
        return "lists secret metadata (readMetadata) but cannot read values"
    return f"its dataActions ({', '.join(data[:3])}) do not include getSecret"


# ---- the secrets ------------------------------------------------------------------------------------------
def check_secrets(ev: Evidence) -> Outcome:
    """present / missing / unverified: the SecretProviderClass objects in the vault (metadata only)."""
    body = find_vault(ev)
    facts = vault_facts(body)
    if csi.chosen_mount(ev) is None:
        return Outcome.of("unverified", "the pod reads secrets from its code: their names are unknown", **facts)
    objects = csi.provider_params(ev).objects
    wanted = [o for o in objects if o.type in ("secret", "cert")]
    notes = [f"{o.type}/{o.name}: keys are not listed (secret metadata only)" for o in objects if o.type == "key"]
    notes += [
        f"{o.type}/{o.name}: version {o.version} not checked (only the latest version is listed)"
        for o in wanted
        if o.version
    ]
    try:
        listed = secret_properties(ev, body)
    except Forbidden as exc:
        grant = (
            f"the signed-in identity needs {READ_METADATA} on {body['id']} (Key Vault Reader has it) or an "
            "access policy with secret list; a vault firewall must also admit the caller"
        )
        out = Outcome.of("unverified", notes=notes, **facts)
        out.skipped = [Skipped("keyvault.secrets", f"could not {exc.what}: {exc.reason}", grant)]
        return out
    except DataUnavailable as exc:
        out = Outcome.of("unverified", notes=notes, **facts)
        out.skipped = [Skipped("keyvault.secrets", f"could not {exc.what}: {exc.reason}", exc.grant)]
        return out
    return _secrets_verdict(ev, wanted, listed, body, facts, notes)


def secret_properties(ev: Evidence, body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """name -> {enabled, expires, not_before, managed} for every secret of the vault; values are never read."""
    return ev.kv_read("secret_properties", vault_facts(body)["vault_url"], body["id"], body["name"])


# ---- the chain: each link once, and every other broken link as notes ---------------------------------------
@dataclass(frozen=True)
class Link:
    """One link of the chain: its check, the answers that mean it is broken, and how to say why.

    `after` names links that explain this one when they are broken (a wrong client id also makes the
    identity lookup fail): this link is then not reported again.
    """

    probe_id: str
    label: str
    check: Callable[[Evidence], Outcome]
    broken: frozenset[str]
    detail: str = ""  # the fact that says what is wrong; else the evidence line at `line`
    line: int = 0
    after: tuple[str, ...] = ()


_WIRING = ("keyvault.identity", "keyvault.pod_wiring")
LINKS: tuple[Link, ...] = (
    Link("keyvault.csi_driver", "CSI driver", csi.check_driver, frozenset({"missing"}), "driver_gap"),
    Link("keyvault.secret_provider_class", "SecretProviderClass", csi.check_spc, frozenset({"missing"})),
    Link("keyvault.identity", "identity", wi.check_identity, frozenset({"none"}), "client_id_problem"),
    Link(
        "keyvault.pod_wiring",
        "workload identity wiring",
        wi.check_pod_wiring,
        frozenset({"annotation-missing", "label-missing", "not-injected", "client-id-mismatch"}),
    ),
    Link(
        "keyvault.workload_identity_enabled",
        "cluster workload identity",
        wi.check_cluster,
        frozenset({"disabled"}),
        "wi_problem",
    ),
    Link(
        "keyvault.identity_resource",
        "managed identity",
        wi.check_identity_resource,
        frozenset({"not-found"}),
        "client_id_problem",
        after=_WIRING,
    ),
    Link("keyvault.tenant", "tenant", wi.check_tenant, frozenset({"mismatch"}), after=_WIRING),
    Link(
        "keyvault.federated_credential",
        "federated credential",
        wi.check_federation,
        frozenset({"missing", "mismatch"}),
        after=(*_WIRING, "keyvault.workload_identity_enabled", "keyvault.identity_resource"),
    ),
    Link("keyvault.vault", "vault", check_vault, frozenset({"missing"}), "vault_problem"),
    Link(
        "keyvault.authorization",
        "authorization",
        check_authorization,
        frozenset({"rbac-role-missing", "reader-only", "access-policy-missing", "model-mismatch"}),
        line=1,
        after=(*_WIRING, "keyvault.identity_resource"),
    ),
    Link(
        "keyvault.network",
        "network",
        lambda ev: kv_network.check_network(ev, find_vault(ev)),
        frozenset({"firewall-blocked", "public-access-disabled"}),
        "firewall_reason",
    ),
    Link("keyvault.secrets", "secrets", check_secrets, frozenset({"missing"}), "secret_problem"),
)
_BY_ID = {link.probe_id: link for link in LINKS}


def link_outcome(ev: Evidence, probe_id: str) -> Outcome:
    """A link's own answer, computed once per target (errors are memoized too)."""
    return ev.memo(("derived", "kv", "link", probe_id, ev.target), lambda: _BY_ID[probe_id].check(ev))


def other_broken_links(ev: Evidence, probe_id: str) -> list[str]:
    """'also broken' notes for every other link whose answer is a broken one (and not explained by another)."""
    broken = {link.probe_id: out for link in LINKS if (out := _broken(ev, link)) is not None}
    notes = []
    for link in LINKS:
        outcome = broken.get(link.probe_id)
        if link.probe_id == probe_id or outcome is None or any(a in broken for a in link.after):
            continue
        notes.append(f"also broken ({link.label}: {outcome.answer}): {_detail(link, outcome)}")
    return notes


def _broken(ev: Evidence, link: Link) -> Outcome | None:
    try:
        outcome = link_outcome(ev, link.probe_id)
    except Exception:  # noqa: BLE001 - a link that could not answer is reported by its own probe, if asked
        return None
    return outcome if outcome.answer in link.broken else None


def _detail(link: Link, outcome: Outcome) -> str:
    if link.detail and outcome.facts.get(link.detail):
        return str(outcome.facts[link.detail])
    lines = outcome.evidence or [outcome.answer]
    item = lines[min(link.line, len(lines) - 1)]
    return item if isinstance(item, str) else item[0]


def _link(ev: Evidence, probe_id: str) -> Outcome:
    outcome = link_outcome(ev, probe_id)
    if outcome.answer not in _BY_ID[probe_id].broken:
        return outcome
    notes = list(outcome.facts.get("notes") or []) + other_broken_links(ev, probe_id)
    copy = Outcome(outcome.answer, outcome.facts | {"notes": notes}, list(outcome.evidence), list(outcome.skipped))
    return copy


# ---- helpers ----------------------------------------------------------------------------------------------
def _find_vault(ev: Evidence) -> dict[str, Any]:
    name = vault_name(ev)
    if name.lower().startswith("/subscriptions/"):
        return _vault_by_id(ev, name)
    for body in _vaults(ev):
        if str(body.get("name", "")).lower() == name.lower():
            return body
    # A vault in another subscription of the caller is the same vault: look there before saying it is missing.
    for sub in _other_subscriptions(ev):
        try:
            found = ev.kv_read("vaults", sub)
        except DataUnavailable:
            continue
        for body in found:
            if str(body.get("name", "")).lower() == name.lower():
                return body
    raise NotFound(f"vault {name}", kind="vault", name=name)


def _other_subscriptions(ev: Evidence) -> list[str]:
    """The caller's subscriptions but the cluster's (empty when they cannot be listed)."""
    mine = ev.subscription().lower()
    try:
        return [s for s in ev.kv_read("subscriptions") if s.lower() != mine]
    except DataUnavailable:
        return []


def _vaults(ev: Evidence) -> list[dict[str, Any]]:
    return ev.kv_read("vaults", ev.subscription())


def _vault_by_id(ev: Evidence, vault_id: str) -> dict[str, Any]:
    return ev.kv_read("vault", vault_id)


def _deleted_vaults(ev: Evidence) -> list[dict[str, Any]]:
    return ev.kv_read("deleted_vaults", ev.subscription())


def _vault_missing(ev: Evidence, name: str) -> Outcome:
    sub = ev.cluster_coordinates()["subscription"]
    src = f"key vaults of subscription {sub}"
    facts: dict[str, Any] = {"vault": name, "subscription": sub}
    evidence: list[str | tuple[str, str]] = []
    skipped: list[Skipped] = []
    try:
        deleted = next((d for d in _deleted_vaults(ev) if str(d.get("name", "")).lower() == name.lower()), None)
    except DataUnavailable as exc:
        deleted = None
        skipped.append(Skipped("keyvault.vault", f"could not {exc.what}: {exc.reason}", exc.grant))
    names = [str(v.get("name")) for v in _vaults(ev)]
    suggestions = closest(name, names, n=3)
    if deleted is not None:
        when = dig(deleted, "properties.deletionDate", "")
        problem = f"vault {name} was deleted{f' on {when}' if when else ''} and is soft-deleted (recoverable)"
        facts |= {"vault_deleted": True, "vault_location": dig(deleted, "properties.location")}
    else:
        problem = f"no vault {name} in subscription {sub}"
    evidence.append((problem, src))
    if suggestions:
        evidence.append((f"closest vault names: {', '.join(suggestions)}", src))
        facts["closest_vaults"] = suggestions
        if csi.chosen_mount(ev) is not None and deleted is None:
            patch = {"spec": {"parameters": {"keyvaultName": suggestions[0]}}}
            facts["vault_patch"] = json.dumps(patch, separators=(",", ":"))
    said = csi.newest_error(ev, MountErrorKind.DNS)
    confident = deleted is not None or (said is not None and name.lower() in str(said[0].host or "").lower())
    if said:
        evidence.append((said[0].summary, said[1]))
    others = _other_subscriptions(ev)
    if others:
        evidence.append((f"nor in the caller's other subscriptions: {', '.join(others)}", "your subscriptions"))
    notes = (
        []
        if confident or others
        else [
            f"only subscription {sub} was searched: a vault in another subscription is not seen (check with "
            f"az keyvault show --name {name})"
        ]
    )
    out = Outcome.of(
        "missing", *evidence, vault_problem=problem, notes=notes, confidence="high" if confident else "medium", **facts
    )
    out.skipped = skipped
    return out


def _principal(ev: Evidence) -> str:
    plan = wi.identity_plan(ev)
    found = wi.identity_by_client_id(ev, plan.client_id) if plan.client_id else None
    principal = dig(found or {}, "properties.principalId")
    if not principal:
        raise NotFound(f"the principal of client id {plan.client_id or '(none)'}", kind="identity")
    return str(principal)


def _wanted_secrets(ev: Evidence) -> tuple[str, ...]:
    """The secrets (and certificate-backed secrets) the SecretProviderClass fetches; none for SDK pods."""
    if csi.chosen_mount(ev) is None:
        return ()
    return tuple(o.name for o in csi.provider_params(ev).objects if o.type in ("secret", "cert"))


def needed_types(ev: Evidence) -> tuple[tuple[str, ...], str]:
    """The object types the pod reads (secret, cert, key) and the error that said so, if one did."""
    if csi.chosen_mount(ev) is not None:
        kinds = {o.type for o in csi.provider_params(ev).objects if o.type in OBJECT_NEEDS} or {"secret"}
        said = csi.newest_error(ev, MountErrorKind.FORBIDDEN_BY_RBAC, MountErrorKind.ACCESS_DENIED)
        return tuple(sorted(kinds, key=list(OBJECT_NEEDS).index)), said[0].summary if said else ""
    denied = (MountErrorKind.FORBIDDEN_BY_RBAC, MountErrorKind.ACCESS_DENIED)
    for error, _src in kv_sdk.log_errors(ev):  # the line that names the action, not only the newest line
        found = error.kind in denied and (_LOG_ACTION.search(error.message) or _LOG_POLICY.search(error.message))
        if found:
            return (_TYPE_OF[found.group(1).lower()],), found.group(0)
    said = csi.newest_error(ev, *denied)
    return ("secret",), said[0].summary if said else ""


def _roles(ev: Evidence, vault_id: str, principal: str) -> list[HeldRole]:
    return held_roles(ev, vault_id, principal, secret_names=_wanted_secrets(ev))


def _roles_unreadable(ev: Evidence, exc: DataUnavailable, model: tuple[str, str], facts: dict[str, Any]) -> Outcome:
    """RBAC vault, role assignments not readable: unknown, naming the permission; the mount error as a hint."""
    notes = []
    said = csi.newest_error(ev, MountErrorKind.FORBIDDEN_BY_RBAC)
    if said:
        notes.append(
            f"the mount error says Key Vault found no valid role assignment (ForbiddenByRbac) for "
            f"{facts['principal_id']}: see its roles with `az role assignment list --assignee "
            f"{facts['principal_id']} --all`; `az role assignment create --assignee-object-id {facts['principal_id']} "
            f"--assignee-principal-type ServicePrincipal --role '{SECRETS_USER}' --scope {facts['vault_id']}` grants "
            "secret read"
        )
    out = Outcome.unknown(model, notes=notes, **facts)
    out.skipped = [Skipped("keyvault.authorization", f"could not {exc.what}: {exc.reason}", exc.grant)]
    return out


def _policy(body: dict[str, Any], principal: str) -> dict[str, Any] | None:
    """The access policy for the principal, if any (a compound-identity policy with applicationId included)."""
    for pol in dig(body, "properties.accessPolicies", []) or []:
        if str(pol.get("objectId", "")).lower() == principal.lower():
            return pol
    return None


def _policy_gets(pol: dict[str, Any] | None) -> bool:
    perms = [str(p).lower() for p in dig(pol or {}, "permissions.secrets", []) or []]
    return bool(pol) and not pol.get("applicationId") and ("get" in perms or "all" in perms)


def _rbac_verdict(
    roles: list[HeldRole],
    policy: dict[str, Any] | None,
    model: tuple[str, str],
    facts: dict[str, Any],
    wanted: tuple[str, ...] = (),
) -> Outcome:
    src = f"role assignments of {facts['principal_id']} on {facts['vault_id']}, its parents and its secrets"
    held = "; ".join(r.line for r in roles) or "no role there"
    facts = facts | {
        "roles_held": [f"{r.name} on {r.scope}" for r in roles],
        "role": SECRETS_USER,
        "needed_action": GET_SECRET,
        "object_kind": "secrets",
    }
    vault_wide = [r for r in roles if r.reads_values and not r.secret]
    if vault_wide:
        return Outcome.of("granted", model, (f"the identity reads secret values: {vault_wide[0].line}", src), **facts)
    per_secret = {r.secret for r in roles if r.reads_values and r.secret}
    if wanted and set(wanted) <= per_secret:
        text = f"the identity reads each secret it needs through roles on the secrets: {', '.join(sorted(per_secret))}"
        return Outcome.of("granted", model, (text, src), **facts)
    text = f"no role of the identity reads secret values ({GET_SECRET}) at the vault or above; it holds {held}"
    if per_secret:
        uncovered = [w for w in wanted if w not in per_secret]
        text += f"; roles on single secrets cover {', '.join(sorted(per_secret))}" + (
            f" but not {', '.join(uncovered)}" if uncovered else ""
        )
    line = (text, src)
    if _policy_gets(policy):
        text = "an access policy grants it secret get, but the vault uses Azure RBAC and ignores access policies"
        note = "uses Azure RBAC and ignores the access policy that grants it"
        return Outcome.of(
            "model-mismatch", model, line, (text, facts["vault_id"]), grant_in_policy=True, model_note=note, **facts
        )
    if any(r.reads_metadata and not r.secret for r in roles):
        return Outcome.of("reader-only", model, line, **facts)
    return Outcome.of("rbac-role-missing", model, line, **facts)


def _policy_verdict(
    roles: list[HeldRole] | None, policy: dict[str, Any] | None, model: tuple[str, str], facts: dict[str, Any]
) -> Outcome:
    src = f"access policies of {facts['vault']}"
    if _policy_gets(policy):
        return Outcome.of(
            "granted", model, (f"an access policy grants {facts['principal_id']} secret get", src), **facts
        )
    if policy is None:
        line = (f"no access policy names object id {facts['principal_id']}", src)
    elif policy.get("applicationId"):
        line = (
            f"the access policy for {facts['principal_id']} is a compound identity (applicationId "
            f"{policy['applicationId']}): it needs the on-behalf-of flow (ForbiddenByPolicy)",
            src,
        )
    else:
        perms = ", ".join(dig(policy, "permissions.secrets", []) or []) or "none"
        line = (f"the access policy for {facts['principal_id']} grants secrets [{perms}], not get", src)
    granting = [r for r in roles or [] if r.reads_values and not r.secret]
    if granting:
        text = (
            f"a role grants secret get ({granting[0].line}), but the vault uses access policies and ignores "
            "role assignments for data"
        )
        note = f"uses access policies and ignores the role that grants it ({granting[0].name} on {granting[0].scope})"
        return Outcome.of(
            "model-mismatch", model, line, (text, facts["vault_id"]), grant_in_rbac=True, model_note=note, **facts
        )
    notes = [] if roles is not None else ["role assignments were not read: a grant in the RBAC model is not ruled out"]
    return Outcome.of(
        "access-policy-missing", model, line, notes=notes, secret_policy=True, policy_perm="secrets", **facts
    )


def _secrets_verdict(
    ev: Evidence,
    wanted: list[csi.KeyVaultObject],
    listed: dict[str, dict[str, Any]],
    body: dict[str, Any],
    facts: dict[str, Any],
    notes: list[str],
) -> Outcome:
    now = datetime.now(timezone.utc)
    src = f"secret properties of vault {body['name']} (values never read)"
    missing = [o.name for o in wanted if o.name not in listed]
    disabled = [o.name for o in wanted if o.name in listed and listed[o.name]["enabled"] is False]
    expired = [o.name for o in wanted if o.name in listed and _before(listed[o.name]["expires"], now)]
    early = [o.name for o in wanted if o.name in listed and _after(listed[o.name]["not_before"], now)]
    problems = []
    if missing:
        closest_names = {m: closest(m, list(listed), n=1) for m in missing}
        problems += [f"{m} does not exist" + (f" (closest: {c[0]})" if c else "") for m, c in closest_names.items()]
        facts = facts | {"missing_secret": missing[0], "closest_secret": (closest_names[missing[0]] or [None])[0]}
    problems += [f"{d} is disabled" for d in disabled]
    problems += [f"{e} expired on {listed[e]['expires']:%Y-%m-%d %H:%M}Z" for e in expired]
    problems += [f"{e} is not valid before {listed[e]['not_before']:%Y-%m-%d %H:%M}Z" for e in early]
    if not problems:
        names = ", ".join(o.name for o in wanted) or "none"
        return Outcome.of("present", (f"{names}: present and enabled", src), notes=notes, **facts)
    said = csi.newest_error(
        ev, MountErrorKind.SECRET_NOT_FOUND, MountErrorKind.SECRET_DISABLED, MountErrorKind.SECRET_EXPIRED
    )
    evidence: list[str | tuple[str, str]] = [("; ".join(problems), src)]
    if said:
        evidence.append((said[0].summary, said[1]))
    if expired and not (missing or disabled):
        notes.append(
            "Key Vault documents that expired secrets are not returned, yet serves them in some cases "
            "(Azure/AzureKeyVault#19): renew the expiry to be sure"
        )
    facts = facts | {
        "secret_problem": "; ".join(problems),
        "disabled_secret": disabled[0] if disabled else None,
        "expired_secret": (expired or early or [None])[0],
    }
    confidence = "medium" if (expired or early) and not (missing or disabled) else "high"
    return Outcome.of("missing", *evidence, notes=notes, confidence=confidence, **facts)


def _before(moment: Any, now: datetime) -> bool:
    return isinstance(moment, datetime) and moment < now


def _after(moment: Any, now: datetime) -> bool:
    return isinstance(moment, datetime) and moment > now


__all__ = [
    "GET_SECRET",
    "LINKS",
    "READ_METADATA",
    "HeldRole",
    "authorization",
    "check_authorization",
    "check_secrets",
    "check_vault",
    "csi_driver",
    "explain_role",
    "federated_credential",
    "find_vault",
    "held_roles",
    "identity",
    "identity_resource",
    "link_outcome",
    "mount_state",
    "network",
    "other_broken_links",
    "pod_wiring",
    "secret_properties",
    "secret_provider_class",
    "secret_source",
    "secrets",
    "tenant",
    "vault",
    "vault_facts",
    "workload_identity_enabled",
]

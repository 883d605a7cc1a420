"""Which identity a pod uses for Key Vault, and whether Entra ID will issue it a token.

Workload identity (https://learn.microsoft.com/azure/aks/workload-identity-overview): the cluster's OIDC
issuer signs the pod's service-account token; Entra ID exchanges it for the managed identity's token only
when one of the identity's federated credentials has exactly that issuer, the subject
`system:serviceaccount:NS:SA` and the audience api://AzureADTokenExchange (AADSTS70021 otherwise; matching
is case-sensitive since 2025, AADSTS7002138). Through the CSI driver the SecretProviderClass `clientID`
names the identity and the driver requests the token (provider pkg/auth/auth.go); a pod that calls Key
Vault from its code needs the webhook: the ServiceAccount annotation azure.workload.identity/client-id and
the pod label azure.workload.identity/use: "true", which make the webhook inject AZURE_CLIENT_ID,
AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE when the pod is created.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from typing import Any

from ..errors import DataUnavailable, NotFound
from ..model import Outcome
from ..sources.evidence import Evidence
from ..sources.selectors import dig, parse_resource_id
from .csi import WI_AUDIENCE, chosen_mount, newest_error, provider_params
from .mount_messages import MountErrorKind
from .pods import target_pod, workload_of

CLIENT_ID_ANNOTATION = "azure.workload.identity/client-id"
TENANT_ID_ANNOTATION = "azure.workload.identity/tenant-id"
USE_LABEL = "azure.workload.identity/use"
TOKEN_ENV = "AZURE_FEDERATED_TOKEN_FILE"
WEBHOOK_CONFIG = "azure-wi-webhook-mutating-webhook-configuration"
_AKS_ISSUER = re.compile(r"^https://[\w.-]+\.oic\.prod-aks\.azure\.com/([0-9a-f-]{36})/([0-9a-f-]{36})/?$", re.I)


@dataclass(frozen=True)
class IdentityPlan:
    """How the pod authenticates to Key Vault."""

    kind: str  # workload-identity | managed-identity | pod-identity | service-principal | none
    client_id: str
    source: str  # where the client id was read
    label: str  # for people: "workload identity of ServiceAccount shop/web"


# ---- the plan --------------------------------------------------------------------------------------
def identity_plan(ev: Evidence) -> IdentityPlan:
    """Which identity the pod presents, in the order the Azure provider decides (pkg/auth/auth.go)."""
    return ev.memo(("derived", "kv", "identity_plan", ev.target), lambda: _identity_plan(ev))


def service_account(ev: Evidence) -> dict[str, Any]:
    """The pod's ServiceAccount (an empty one when it cannot be read)."""
    name = dig(target_pod(ev), "spec.serviceAccountName") or "default"
    return ev.get("serviceaccounts", name, ev.target.namespace)


def subject(ev: Evidence) -> str:
    """system:serviceaccount:NS:SA, the subject of the pod's service-account token."""
    return f"system:serviceaccount:{ev.target.namespace}:{dig(target_pod(ev), 'spec.serviceAccountName') or 'default'}"


def check_identity(ev: Evidence) -> Outcome:
    """workload-identity / managed-identity / none / unsupported: which identity the pod presents."""
    plan = identity_plan(ev)
    facts = {"identity_kind": plan.label, "client_id": plan.client_id or None}
    text = f"the pod authenticates with {plan.label}" + (f", client id {plan.client_id}" if plan.client_id else "")
    if plan.kind in ("workload-identity", "managed-identity"):
        return Outcome.of(plan.kind, (text, plan.source), **facts)
    if plan.kind == "none":
        problem = (
            f"SecretProviderClass {plan.source.rsplit('/', 1)[-1]} names no identity: no clientID (workload identity), "
            "no useVMManagedIdentity and no nodePublishSecretRef"
        )
        return Outcome.of("none", (problem, plan.source), client_id_problem=problem, **facts)
    note = {
        "pod-identity": "aad-pod-identity is deprecated and not checked: migrate to workload identity "
        "(https://learn.microsoft.com/azure/aks/workload-identity-migrate-from-pod-identity)",
        "service-principal": "a service principal from nodePublishSecretRef is not checked: its credentials are "
        "in a Kubernetes Secret, whose values aksdoctor never reads",
    }[plan.kind]
    return Outcome.of("unsupported", (text, plan.source), notes=[note], **facts)


def check_pod_wiring(ev: Evidence) -> Outcome:
    """ok / annotation-missing / label-missing / client-id-mismatch: is the pod wired for workload identity?"""
    plan = identity_plan(ev)
    if plan.kind != "workload-identity":
        return Outcome.unknown(f"the pod does not use workload identity ({plan.label})")
    ns, sa_name = ev.target.namespace, subject(ev).rsplit(":", 1)[-1]
    sa_ref = f"ServiceAccount {ns}/{sa_name}"
    csi_mount = chosen_mount(ev) is not None
    try:
        sa = service_account(ev)
    except (DataUnavailable, NotFound) as exc:
        if not csi_mount:
            raise
        # The CSI driver does not need the ServiceAccount's annotation: only the comparison is lost.
        note = (
            f"{sa_ref} was not read ({getattr(exc, 'reason', 'not found')}): its client-id annotation is not compared"
        )
        return _csi_wiring(ev, "", sa_ref, {"service_account": sa_name}, notes=[note])
    annotation = str((dig(sa, "metadata.annotations", {}) or {}).get(CLIENT_ID_ANNOTATION, "")).strip()
    facts: dict[str, Any] = {"service_account": sa_name, "sa_client_id": annotation or None}
    if csi_mount:
        return _csi_wiring(ev, annotation, sa_ref, facts)
    pod = target_pod(ev)
    labelled = str((dig(pod, "metadata.labels", {}) or {}).get(USE_LABEL, "")).lower() == "true"
    env = _pod_env(pod)
    pod_ref = f"Pod {ns}/{ev.target.name}"
    if not annotation:
        return _annotation_missing(ev, sa, sa_ref, labelled, facts)
    sa_line = (f"{sa_ref} is annotated {CLIENT_ID_ANNOTATION}={annotation}", sa_ref)
    said = newest_error(ev, MountErrorKind.NOT_INJECTED)
    from .kv_sdk import intent

    stores = intent(ev).stores
    if stores:  # External Secrets requests the ServiceAccount's token itself: no label, no injection needed
        store = f"{stores[0].get('kind')} {dig(stores[0], 'metadata.name')}"
        line = (f"{store} authenticates as {sa_ref} (authType WorkloadIdentity)", store)
        return Outcome.of("ok", sa_line, line, **facts)
    if not labelled:
        problem = f'it lacks the label {USE_LABEL}: "true", so the webhook injected no {TOKEN_ENV}'
        logged = [(f"the app logged: {said[0].summary}", said[1])] if said else []
        return Outcome.of(
            "label-missing",
            sa_line,
            (f"pod {problem}", pod_ref),
            *logged,
            injection_problem=problem,
            label_missing=_restartable(ev),
            label_bare_pod=not _restartable(ev),
            recreate_pod=False,
            **facts,
        )
    if TOKEN_ENV not in env:
        # Labelled and annotated, yet nothing injected: the webhook (a cluster setting) is asked first.
        problem = f"it was created before the webhook could inject {TOKEN_ENV} (label or annotation added later)"
        evidence: list[str | tuple[str, str]] = [sa_line, (f"the pod has the label but no {TOKEN_ENV}", pod_ref)]
        if said:
            evidence.append((f"the app logged: {said[0].summary}", said[1]))
        return Outcome.of("not-injected", *evidence, injection_problem=problem, **facts)
    injected = env.get("AZURE_CLIENT_ID", "")
    if injected and injected != annotation:
        problem = f"the pod runs with AZURE_CLIENT_ID {injected}, the ServiceAccount now names {annotation}"
        return Outcome.of(
            "client-id-mismatch",
            sa_line,
            (problem, pod_ref),
            client_id_problem=problem,
            right_client_id=annotation,
            **_restart_facts(ev),
            **facts,
        )
    return Outcome.of("ok", sa_line, (f"the webhook injected {TOKEN_ENV} into the pod", pod_ref), **facts)


def _annotation_missing(
    ev: Evidence, sa: dict[str, Any], sa_ref: str, labelled: bool, facts: dict[str, Any]
) -> Outcome:
    """annotation-missing, with what the user most likely meant: a misspelled key, the annotation on a
    Service of the same name, or another ServiceAccount of the namespace that names an identity."""
    from .kv_sdk import misspelled_annotation

    ns, sa_name = ev.target.namespace, facts["service_account"]
    evidence: list[str | tuple[str, str]] = [(f"{sa_ref} has no annotation {CLIENT_ID_ANNOTATION}", sa_ref)]
    wrong = misspelled_annotation(dig(sa, "metadata.annotations", {}) or {})
    wrong_label = misspelled_annotation(dig(sa, "metadata.labels", {}) or {})
    extra: dict[str, Any] = {}
    if wrong or wrong_label:
        key, value = wrong or wrong_label  # type: ignore[misc]
        where = "annotation" if wrong else "label"
        evidence.append((f"it has the {where} {key}={value}: a misspelling of {CLIENT_ID_ANNOTATION}", sa_ref))
        extra = {"suggested_client_id": value.strip(), "annotation_problem": f"misspelled {where} {key}"}
    else:
        service = _optional_get(ev, "services", sa_name, ns)
        value = str((dig(service or {}, "metadata.annotations", {}) or {}).get(CLIENT_ID_ANNOTATION, "")).strip()
        if value:
            text = f"Service {ns}/{sa_name} carries {CLIENT_ID_ANNOTATION}={value}: it belongs on the ServiceAccount"
            evidence.append((text, f"Service {ns}/{sa_name}"))
            extra = {"suggested_client_id": value, "annotation_problem": "annotation on the Service"}
    if not extra:
        other = _annotated_service_account(ev, sa_name)
        if other is not None:
            name, value = other
            text = (
                f"ServiceAccount {ns}/{name} names identity {value}: the pod runs as {sa_name} instead, "
                "most likely the wrong ServiceAccount"
            )
            evidence.append((text, f"ServiceAccount {ns}/{name}"))
            extra = _right_sa_facts(ev, name)
    if not extra:
        federated = _identity_federated_with(ev, subject(ev))
        if federated is not None:
            identity, cred, src = federated
            client_id = str(dig(identity, "properties.clientId", ""))
            text = (
                f"managed identity {identity['name']} (clientId {client_id}) has federated credential {cred['name']} "
                f"for {subject(ev)} from this cluster's issuer: the annotation should name it"
            )
            evidence.append((text, src))
            extra = {
                "suggested_client_id": client_id,
                "annotation_problem": f"identity {identity['name']} is federated with this ServiceAccount",
            }
    said = newest_error(ev, MountErrorKind.NOT_INJECTED, MountErrorKind.IDENTITY_NOT_FOUND)
    if said:
        evidence.append((f"the app logged: {said[0].summary}", said[1]))
    if not extra.get("right_sa") and not extra.get("suggested_client_id"):
        extra["annotate_sa"] = True
    return Outcome.of("annotation-missing", *evidence, pod_labelled=labelled, **facts, **extra)


_MAX_IDENTITIES = 50  # federated credentials are read per identity: beyond this the list is not searched


def _identity_federated_with(ev: Evidence, want: str) -> tuple[dict[str, Any], dict[str, Any], str] | None:
    """The one user-assigned identity of the subscription with a federated credential that trusts this subject from
    this cluster's issuer (None when none, several, or nothing could be read: the fix then says how to find it)."""
    try:
        issuer = _issuer(ev)
        identities = managed_identities(ev) if issuer else []
    except (DataUnavailable, NotFound):
        return None
    if len(identities) > _MAX_IDENTITIES:
        return None
    found = []
    for identity in identities:
        try:
            creds = federated_credentials(ev, identity)
        except (DataUnavailable, NotFound):
            continue
        cred = next((c for c in creds if _matches(c, issuer, want)), None)
        if cred is not None:
            found.append((identity, cred, f"federated credentials of {identity['name']}"))
    return found[0] if len(found) == 1 else None


def _issuer(ev: Evidence) -> str:
    """The cluster's OIDC issuer URL, as federated credentials must name it ("" when it has none)."""
    return str(dig(ev.managed_cluster(), "properties.oidcIssuerProfile.issuerURL") or "")


def _optional_get(ev: Evidence, key: str, name: str, ns: str) -> dict[str, Any] | None:
    try:
        return ev.get(key, name, ns)
    except (DataUnavailable, NotFound):
        return None


def _annotated_service_account(ev: Evidence, but: str) -> tuple[str, str] | None:
    """The one other ServiceAccount of the namespace with a client-id annotation, if exactly one has it."""
    try:
        accounts = ev.list("serviceaccounts", ev.target.namespace)
    except DataUnavailable:
        return None
    found = [
        (str(dig(a, "metadata.name")), str((dig(a, "metadata.annotations", {}) or {}).get(CLIENT_ID_ANNOTATION, "")))
        for a in accounts
        if dig(a, "metadata.name") != but and (dig(a, "metadata.annotations", {}) or {}).get(CLIENT_ID_ANNOTATION)
    ]
    return found[0] if len(found) == 1 else None


def _restartable(ev: Evidence) -> bool:
    return workload_of(ev, target_pod(ev)).split("/", 1)[0] in ("deployment", "statefulset", "daemonset")


def _restart_facts(ev: Evidence) -> dict[str, bool]:
    """restart_needed (rollout restart the owner) or recreate_needed (a bare pod, deleted and re-applied)."""
    restartable = _restartable(ev)
    return {"restart_needed": restartable, "recreate_needed": not restartable}


def _right_sa_facts(ev: Evidence, right_sa: str) -> dict[str, Any]:
    """right_sa, and a patch of the owning workload's pod template when it is one kubectl patches that way."""
    workload = workload_of(ev, target_pod(ev))
    kind = workload.split("/", 1)[0]
    facts: dict[str, Any] = {"right_sa": right_sa}
    if kind in ("deployment", "statefulset", "daemonset"):
        patch = {"spec": {"template": {"spec": {"serviceAccountName": right_sa}}}}
        facts["sa_patch"] = json.dumps(patch, separators=(",", ":"))
    return facts


def check_cluster(ev: Evidence) -> Outcome:
    """enabled / disabled: does the cluster issue OIDC tokens (and run the workload identity webhook)?"""
    plan = identity_plan(ev)
    if plan.kind != "workload-identity":
        return Outcome.unknown(f"the pod does not use workload identity ({plan.label})")
    try:
        props = ev.managed_cluster().get("properties") or {}
    except DataUnavailable:
        if chosen_mount(ev) is None and _webhook_config(ev) is False:
            problem = f"MutatingWebhookConfiguration {WEBHOOK_CONFIG} does not exist: no webhook injects {TOKEN_ENV}"
            return Outcome.of("disabled", (problem, "MutatingWebhookConfigurations"), wi_problem=problem)
        raise
    oidc = bool(dig(props, "oidcIssuerProfile.enabled"))
    issuer = dig(props, "oidcIssuerProfile.issuerURL") or dig(props, "oidcIssuerProfile.issuerUrl") or ""
    webhook = bool(dig(props, "securityProfile.workloadIdentity.enabled"))
    csi = chosen_mount(ev) is not None
    src = "managed cluster oidcIssuerProfile, securityProfile.workloadIdentity"
    text = (
        f"OIDC issuer {'enabled' if oidc else 'disabled'}"
        + (f" ({issuer})" if issuer else "")
        + (f", workload identity {'enabled' if webhook else 'disabled'}")
    )
    facts: dict[str, Any] = {"issuer": issuer or None, "oidc_enabled": oidc, "webhook_enabled": webhook}
    if not oidc or not issuer:
        return Outcome.of("disabled", (text, src), wi_problem="the cluster has no OIDC issuer", **facts)
    # AKS's own setting decides; a self-installed webhook (Helm) runs with it off, seen by its configuration.
    config = None if csi or webhook else _webhook_config(ev)
    if not webhook and not csi and config is not True:
        problem = f"workload identity is disabled: no webhook injects {TOKEN_ENV} into the pod"
        return Outcome.of("disabled", (text, src), wi_problem=problem, **facts)
    notes = [] if webhook or not csi else ["workload identity (the webhook) is disabled: CSI mounts do not need it"]
    evidence: list[str | tuple[str, str]] = [(text, src)]
    if config and not webhook:
        evidence.append((f"a self-installed webhook runs: MutatingWebhookConfiguration {WEBHOOK_CONFIG}", "cluster"))
    return Outcome.of("enabled", *evidence, notes=notes, **facts)


def _webhook_config(ev: Evidence) -> bool | None:
    """Does the webhook's MutatingWebhookConfiguration exist (None when it cannot be read)?"""
    try:
        ev.get("mutatingwebhookconfigurations", WEBHOOK_CONFIG)
    except NotFound:
        return False
    except DataUnavailable:
        return None
    return True


def check_identity_resource(ev: Evidence) -> Outcome:
    """found / not-found: is the client id the pod presents a managed identity aksdoctor can see?"""
    plan = identity_plan(ev)
    if plan.kind not in ("workload-identity", "managed-identity"):
        return Outcome.unknown(f"no managed identity to look up ({plan.label})")
    if not plan.client_id:
        return _system_assigned(ev, plan)
    identity = identity_by_client_id(ev, plan.client_id)
    if identity is None:
        return _identity_not_found(ev, plan)
    facts = identity_facts(identity)
    text = f"client id {plan.client_id} is managed identity {identity['name']} (principal {facts['principal_id']})"
    return Outcome.of("found", (text, identity.get("id", "")), **facts)


def check_federation(ev: Evidence) -> Outcome:
    """match / missing / mismatch: does a federated credential trust the pod's token?"""
    plan = identity_plan(ev)
    if plan.kind != "workload-identity":
        return Outcome.unknown(f"the pod does not use workload identity ({plan.label})")
    identity = identity_by_client_id(ev, plan.client_id) if plan.client_id else None
    if identity is None:
        return Outcome.unknown(f"client id {plan.client_id or '(none)'} is not a managed identity aksdoctor sees")
    issuer = _issuer(ev)
    if not issuer:
        return Outcome.unknown("the cluster has no OIDC issuer")
    want = subject(ev)
    creds = federated_credentials(ev, identity)
    facts = identity_facts(identity) | {"issuer": issuer, "subject": want, "audience": WI_AUDIENCE}
    src = f"federated credentials of {identity['name']}"
    said = newest_error(ev, MountErrorKind.FEDERATION)
    seen: list[str | tuple[str, str]] = []
    if said and (said[0].issuer or said[0].subject):
        seen.append(
            (f"Entra ID saw issuer {said[0].issuer!r}, subject {said[0].subject!r}: no credential matched", said[1])
        )
    if any(_matches(c, issuer, want) for c in creds):
        name = next(c["name"] for c in creds if _matches(c, issuer, want))
        return Outcome.of("match", (f"credential {name} trusts {want} from {issuer}", src), **facts)
    best = _closest_credential(creds, issuer, want)
    other_sa = _credential_for_other_sa(ev, creds, issuer, want)
    if best is None and other_sa is not None:
        cred, right = other_sa
        diff = (
            f"the pod runs as ServiceAccount {want.rsplit(':', 1)[-1]}, but credential {cred['name']} trusts "
            f"ServiceAccount {right} of the same namespace: the pod runs as the wrong ServiceAccount"
        )
        return Outcome.of(
            "mismatch",
            (diff, src),
            *seen,
            fic_name=cred["name"],
            fic_differences=[diff],
            **_right_sa_facts(ev, right),
            **facts,
        )
    if best is None:
        listed = (
            "; ".join(f"{c['name']}: {dig(c, 'properties.subject')} from {dig(c, 'properties.issuer')}" for c in creds)
            or "none"
        )
        text = f"no federated credential of {identity['name']} trusts {want} from {issuer} (it has: {listed})"
        fic = _suggested_name(ev)
        return Outcome.of("missing", (text, src), *seen, fic_name=fic, **facts)
    diffs = credential_differences(best, issuer, want)
    text = f"credential {best['name']} is close but differs: " + "; ".join(diffs)
    return Outcome.of(
        "mismatch", (text, src), *seen, fic_name=best["name"], fic_differences=diffs, fic_update=True, **facts
    )


def _credential_for_other_sa(
    ev: Evidence, creds: list[dict[str, Any]], issuer: str, want: str
) -> tuple[dict[str, Any], str] | None:
    """A credential of this cluster that trusts another ServiceAccount of the pod's namespace that exists."""
    prefix = want.rsplit(":", 1)[0] + ":"
    for cred in creds:
        subj = str(dig(cred, "properties.subject", ""))
        if dig(cred, "properties.issuer") != issuer or not subj.startswith(prefix) or subj == want:
            continue
        name = subj[len(prefix) :]
        if _optional_get(ev, "serviceaccounts", name, ev.target.namespace) is not None:
            return cred, name
    return None


def check_tenant(ev: Evidence) -> Outcome:
    """match / mismatch: does the tenant the pod asks for hold the identity (and the vault)?"""
    plan = identity_plan(ev)
    if plan.kind not in ("workload-identity", "managed-identity") or not plan.client_id:
        return Outcome.unknown(f"no identity tenant to compare ({plan.label})")
    identity = identity_by_client_id(ev, plan.client_id)
    asked, where, key = _asked_tenant(ev)
    identity_tenant = dig(identity or {}, "properties.tenantId") or dig(ev.managed_cluster(), "identity.tenantId")
    facts: dict[str, Any] = {"identity_tenant": identity_tenant, "spc_tenant": asked or None, "tenant_key": key}
    if not where:
        return Outcome.of(
            "match", f"the pod names no tenant: the webhook uses the cluster's ({identity_tenant})", **facts
        )
    if asked and identity_tenant and asked.lower() == str(identity_tenant).lower():
        return Outcome.of("match", (f"{key} {asked} is the identity's tenant", where), **facts)
    if not identity_tenant:
        return Outcome.unknown((f"{key} {asked}: the identity's tenant is unknown", where), **facts)
    shown = asked or "(not set)"
    difference = char_difference(asked, str(identity_tenant)) if asked else f"{key} is not set"
    text = f"{key} {shown} differs from the identity's tenant {identity_tenant} ({difference})"
    patch = _spc_patch("tenantID", str(identity_tenant))
    return Outcome.of("mismatch", (text, where), tenant_patch=patch, tenant_difference=difference, **facts)


# ---- Azure reads -----------------------------------------------------------------------------------
def managed_identities(ev: Evidence) -> list[dict[str, Any]]:
    """User-assigned managed identities of the cluster's subscription (ARM JSON)."""
    return ev.kv_read("identities", ev.subscription())


def identity_by_client_id(ev: Evidence, client_id: str) -> dict[str, Any] | None:
    """The managed identity with this client id; the cluster's add-on / kubelet identity when the list is closed."""
    wanted = client_id.lower()
    try:
        found = next(
            (i for i in managed_identities(ev) if str(dig(i, "properties.clientId", "")).lower() == wanted), None
        )
    except DataUnavailable:
        known = _cluster_identity(ev, wanted)
        if known is None:
            raise
        return known
    return found


def federated_credentials(ev: Evidence, identity: dict[str, Any]) -> list[dict[str, Any]]:
    """The federated identity credentials of a user-assigned identity."""
    return ev.kv_read("federated_credentials", identity["id"])


def identity_facts(identity: dict[str, Any]) -> dict[str, Any]:
    """Names and ids of an identity for fix templates."""
    parts = parse_resource_id(identity.get("id", ""))
    return {
        "identity_name": identity.get("name"),
        "identity_rg": parts.get("resource_group"),
        "identity_subscription": parts.get("subscription"),
        "identity_id": identity.get("id"),
        "principal_id": dig(identity, "properties.principalId"),
        "client_id": dig(identity, "properties.clientId"),
        "identity_tenant": dig(identity, "properties.tenantId"),
    }


# ---- the difference, character by character --------------------------------------------------------
def credential_differences(cred: dict[str, Any], issuer: str, want_subject: str) -> list[str]:
    """What differs between a federated credential and what the pod presents, in words."""
    out = []
    have_issuer = str(dig(cred, "properties.issuer", ""))
    have_subject = str(dig(cred, "properties.subject", ""))
    audiences = dig(cred, "properties.audiences", []) or []
    if have_issuer != issuer:
        out.append(f"issuer {have_issuer!r} vs the cluster's {issuer!r}: {issuer_difference(have_issuer, issuer)}")
    if have_subject != want_subject:
        out.append(
            f"subject {have_subject!r} vs the pod's {want_subject!r}: {subject_difference(have_subject, want_subject)}"
        )
    if WI_AUDIENCE not in audiences:
        out.append(f"audiences {audiences} lack {WI_AUDIENCE}")
    return out


def issuer_difference(have: str, want: str) -> str:
    """Why an issuer does not match: trailing slash, another cluster's issuer, case, or the characters."""
    if have.rstrip("/") == want.rstrip("/"):
        return "missing the trailing '/'" if want.endswith("/") else "an extra trailing '/'"
    mine, theirs = _AKS_ISSUER.match(want), _AKS_ISSUER.match(have)
    if mine and theirs and mine.group(2).lower() != theirs.group(2).lower():
        return f"another cluster's issuer (issuer id {theirs.group(2)}, this cluster's is {mine.group(2)})"
    return char_difference(have, want)


def subject_difference(have: str, want: str) -> str:
    """Why a subject does not match: namespace, service account, case, or the characters."""
    if have.lower() == want.lower():
        return "differs only in case: federated credentials match case-sensitively (AADSTS7002138)"
    hp, wp = have.split(":"), want.split(":")
    if len(hp) == len(wp) == 4 and hp[:2] == wp[:2]:
        parts = []
        if hp[2] != wp[2]:
            parts.append(f"namespace {hp[2]!r} instead of {wp[2]!r} ({char_difference(hp[2], wp[2])})")
        if hp[3] != wp[3]:
            parts.append(f"service account {hp[3]!r} instead of {wp[3]!r} ({char_difference(hp[3], wp[3])})")
        return "; ".join(parts)
    return char_difference(have, want)


def char_difference(have: str, want: str) -> str:
    """The edits that turn `have` into `want`, with 1-based character positions in `have`."""
    swapped = _transposition(have, want)
    if swapped is not None:
        return f"{have[swapped : swapped + 2]!r} instead of {want[swapped : swapped + 2]!r} at character {swapped + 1}"
    edits = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, have, want, autojunk=False).get_opcodes():
        if op == "insert":
            where = "at the end" if i1 == len(have) else f"at character {i1 + 1}"
            edits.append(f"missing {want[j1:j2]!r} {where}")
        elif op == "delete":
            edits.append(f"extra {have[i1:i2]!r} at character {i1 + 1}")
        elif op == "replace":
            edits.append(f"{have[i1:i2]!r} instead of {want[j1:j2]!r} at character {i1 + 1}")
    return ", ".join(edits) or "identical"


# ---- helpers -----------------------------------------------------------------------------------------
def _identity_plan(ev: Evidence) -> IdentityPlan:
    ns = ev.target.namespace
    mount = chosen_mount(ev)
    if mount is not None:
        p = provider_params(ev)
        src = f"SecretProviderClass {ns}/{p.name}"
        if p.use_pod_identity:
            return IdentityPlan("pod-identity", "", src, "aad-pod-identity (usePodIdentity)")
        if p.use_vm_identity:
            return IdentityPlan("managed-identity", p.user_assigned_id, src, _vm_identity_label(ev, p.user_assigned_id))
        if mount.node_publish_secret:
            return IdentityPlan(
                "service-principal", "", src, f"a service principal (Secret {mount.node_publish_secret})"
            )
        if p.client_id:
            return IdentityPlan("workload-identity", p.client_id, src, f"workload identity ({subject(ev)})")
        return IdentityPlan("none", "", src, "no identity")
    try:
        annotation = (dig(service_account(ev), "metadata.annotations", {}) or {}).get(CLIENT_ID_ANNOTATION, "")
    except NotFound:
        annotation = ""
    client_id = str(annotation).strip() or _pod_env(target_pod(ev)).get("AZURE_CLIENT_ID", "")
    return IdentityPlan(
        "workload-identity",
        client_id,
        f"ServiceAccount {ns}/{subject(ev).rsplit(':', 1)[-1]}",
        f"workload identity ({subject(ev)})",
    )


def _vm_identity_label(ev: Evidence, client_id: str) -> str:
    if not client_id:
        return "the node pool's system-assigned identity (useVMManagedIdentity, no userAssignedIdentityID)"
    try:
        props = ev.managed_cluster().get("properties") or {}
    except (DataUnavailable, NotFound):
        return "a user-assigned managed identity (useVMManagedIdentity)"
    addon = (
        next(
            (v for k, v in (props.get("addonProfiles") or {}).items() if k.lower() == "azurekeyvaultsecretsprovider"),
            {},
        )
        or {}
    )
    if str(dig(addon, "identity.clientId", "")).lower() == client_id.lower():
        return "the azureKeyvaultSecretsProvider add-on's identity (useVMManagedIdentity)"
    if str(dig(props, "identityProfile.kubeletidentity.clientId", "")).lower() == client_id.lower():
        return "the kubelet identity (useVMManagedIdentity)"
    return "a user-assigned managed identity (useVMManagedIdentity)"


def _cluster_identity(ev: Evidence, client_id: str) -> dict[str, Any] | None:
    """The add-on or kubelet identity from the managed cluster, shaped like a user-assigned identity."""
    try:
        cluster = ev.managed_cluster()
    except (DataUnavailable, NotFound):
        return None
    props = cluster.get("properties") or {}
    addon = (
        next(
            (v for k, v in (props.get("addonProfiles") or {}).items() if k.lower() == "azurekeyvaultsecretsprovider"),
            {},
        )
        or {}
    )
    for ident in (addon.get("identity") or {}, dig(props, "identityProfile.kubeletidentity") or {}):
        if str(ident.get("clientId", "")).lower() == client_id:
            rid = str(ident.get("resourceId", ""))
            return {
                "id": rid,
                "name": rid.rsplit("/", 1)[-1],
                "properties": {
                    "clientId": ident.get("clientId"),
                    "principalId": ident.get("objectId"),
                    "tenantId": dig(cluster, "identity.tenantId"),
                },
            }
    return None


def _csi_wiring(
    ev: Evidence, annotation: str, sa_ref: str, facts: dict[str, Any], *, notes: list[str] | None = None
) -> Outcome:
    params = provider_params(ev)
    spc_ref = f"SecretProviderClass {ev.target.namespace}/{params.name}"
    if annotation and params.client_id and annotation.lower() != params.client_id.lower():
        problem = f"SecretProviderClass clientID {params.client_id} differs from the ServiceAccount's {annotation}"
        right = _known_client_id(ev, params.client_id, annotation)
        return Outcome.of(
            "client-id-mismatch",
            (f"clientID {params.client_id}", spc_ref),
            (f"{CLIENT_ID_ANNOTATION}={annotation}", sa_ref),
            client_id_problem=problem,
            spc_client_id=params.client_id,
            right_client_id=right,
            spc_patch=_spc_patch("clientID", right) if right else None,
            fix_spc=right == annotation,
            fix_annotation=right == params.client_id,
            **facts,
        )
    notes = list(notes or [])
    if not annotation and not notes:
        notes.append(
            f"{sa_ref} has no {CLIENT_ID_ANNOTATION} annotation: the CSI mount does not need it (the "
            "SecretProviderClass clientID names the identity), SDK calls from the app would"
        )
    return Outcome.of(
        "ok", (f"clientID {params.client_id} (workload identity through the CSI driver)", spc_ref), notes=notes, **facts
    )


def _known_client_id(ev: Evidence, *candidates: str) -> str | None:
    """Which of two client ids is a managed identity (the one to keep), if exactly one is."""
    try:
        known = [c for c in candidates if identity_by_client_id(ev, c) is not None]
    except (DataUnavailable, NotFound):
        return None
    return known[0] if len(known) == 1 else None


def _identity_not_found(ev: Evidence, plan: IdentityPlan) -> Outcome:
    meant = _meant_identity(ev, plan.client_id)
    if meant is not None:
        identity, what = meant
        real = str(dig(identity, "properties.clientId", ""))
        problem = (
            f"the {plan.source} names {plan.client_id}, which is the {what} of managed identity {identity['name']}, "
            f"not its client id {real} (Entra ID answers AADSTS700016)"
        )
        facts: dict[str, Any] = {
            "client_id_problem": problem,
            "right_client_id": real,
            "fix_annotation": plan.source.startswith("ServiceAccount"),
            **_restart_facts(ev),
            "service_account": subject(ev).rsplit(":", 1)[-1],
        }
        if chosen_mount(ev) is not None:
            facts |= {"fix_annotation": False, "fix_spc": True, "spc_patch": _spc_patch("clientID", real)}
        evidence: list[str | tuple[str, str]] = [(problem, identity.get("id", ""))]
        said = newest_error(ev, MountErrorKind.IDENTITY_NOT_FOUND)
        if said:
            evidence.append((said[0].summary, said[1]))
        return Outcome.of("not-found", *evidence, **facts)
    sub = ev.cluster_coordinates()["subscription"]
    problem = f"client id {plan.client_id} ({plan.source}) matches no managed identity in subscription {sub}"
    notes = []
    said = newest_error(ev, MountErrorKind.IDENTITY_NOT_FOUND)
    confidence = "high" if said or plan.kind == "managed-identity" else "medium"
    if plan.kind == "workload-identity":
        notes.append(
            "workload identity also accepts Entra applications, whose federated credentials live in Entra ID "
            f"(az ad app federated-credential list --id {plan.client_id}); aksdoctor reads managed identities only"
        )
    evidence: list[str | tuple[str, str]] = [(problem, f"user-assigned identities of subscription {sub}")]
    if said:
        evidence.append((said[0].summary, said[1]))
    return Outcome.of(
        "not-found", *evidence, client_id_problem=problem, notes=notes, confidence=confidence, subscription=sub
    )


def _meant_identity(ev: Evidence, value: str) -> tuple[dict[str, Any], str] | None:
    """The managed identity a wrong reference means: its ARM resource id, or its principal (object) id."""
    wanted = value.strip().lower().rstrip("/")
    try:
        identities = managed_identities(ev)
    except DataUnavailable:
        return None
    for identity in identities:
        if str(identity.get("id", "")).lower() == wanted:
            return identity, "ARM resource id"
        if str(dig(identity, "properties.principalId", "")).lower() == wanted:
            return identity, "principal (object) id"
    if wanted.startswith("/subscriptions/") and "/userassignedidentities/" in wanted:
        try:
            return ev.kv_read("identity", value.strip()), "ARM resource id"
        except (DataUnavailable, NotFound):
            return None
    return None


def _system_assigned(ev: Evidence, plan: IdentityPlan) -> Outcome:
    if plan.kind == "workload-identity":
        problem = f"the pod presents no client id ({plan.source} names none)"
        return Outcome.of("not-found", (problem, plan.source), client_id_problem=problem)
    problem = (
        "useVMManagedIdentity without userAssignedIdentityID asks IMDS for the node's system-assigned "
        "identity; AKS node pools run with user-assigned identities (the add-on's or the kubelet's)"
    )
    return Outcome.of("not-found", (problem, plan.source), client_id_problem=problem, confidence="medium")


def _matches(cred: dict[str, Any], issuer: str, want_subject: str) -> bool:
    props = cred.get("properties") or {}
    return (
        props.get("issuer") == issuer
        and props.get("subject") == want_subject
        and WI_AUDIENCE in (props.get("audiences") or [])
    )


def _closest_credential(creds: list[dict[str, Any]], issuer: str, want_subject: str) -> dict[str, Any] | None:
    """The credential that is nearly right: a close issuer and a close subject, else None.

    A credential of the same cluster for another namespace and service account is not close: that is a
    missing credential, not a mistyped one.
    """
    best, best_score = None, 0.0
    for cred in creds:
        have_issuer = str(dig(cred, "properties.issuer", ""))
        have_subject = str(dig(cred, "properties.subject", ""))
        if not (_issuer_close(have_issuer, issuer) and _subject_close(have_subject, want_subject)):
            continue
        score = _ratio(have_issuer, issuer) + _ratio(have_subject, want_subject)
        if score > best_score:
            best, best_score = cred, score
    return best


def _issuer_close(have: str, want: str) -> bool:
    both_aks = bool(_AKS_ISSUER.match(have) and _AKS_ISSUER.match(want))
    return have.rstrip("/").lower() == want.rstrip("/").lower() or both_aks or _ratio(have, want) >= 0.9


def _subject_close(have: str, want: str) -> bool:
    if have.lower() == want.lower():
        return True
    hp, wp = have.split(":"), want.split(":")
    if len(hp) != 4 or len(wp) != 4 or hp[:2] != wp[:2]:
        return _ratio(have, want) >= 0.9
    # a typo in the namespace or the service account name, not another workload's credential
    return all(h == w or _ratio(h, w) >= 0.75 for h, w in zip(hp[2:], wp[2:], strict=True))


def _transposition(have: str, want: str) -> int | None:
    """The index of two swapped neighbouring characters, when that is the only difference."""
    if len(have) != len(want):
        return None
    diff = [i for i, (h, w) in enumerate(zip(have, want, strict=True)) if h != w]
    if len(diff) == 2 and diff[1] == diff[0] + 1 and have[diff[0]] == want[diff[1]] and have[diff[1]] == want[diff[0]]:
        return diff[0]
    return None


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _suggested_name(ev: Evidence) -> str:
    raw = f"aks-{ev.target.namespace}-{subject(ev).rsplit(':', 1)[-1]}"
    return re.sub(r"[^A-Za-z0-9_-]", "-", raw)[:120]


def _asked_tenant(ev: Evidence) -> tuple[str, str, str]:
    """The tenant the pod asks for, where it is set, and under which key."""
    ns = ev.target.namespace
    if chosen_mount(ev) is not None:
        p = provider_params(ev)
        return p.tenant, f"SecretProviderClass {ns}/{p.name}", p.tenant_key
    try:
        annotation = (dig(service_account(ev), "metadata.annotations", {}) or {}).get(TENANT_ID_ANNOTATION, "")
    except NotFound:
        annotation = ""
    if annotation:
        return str(annotation), f"ServiceAccount {ns}/{subject(ev).rsplit(':', 1)[-1]}", TENANT_ID_ANNOTATION
    env = _pod_env(target_pod(ev)).get("AZURE_TENANT_ID", "")
    return (env, f"Pod {ns}/{ev.target.name} env", "AZURE_TENANT_ID") if env else ("", "", "")


def _spc_patch(key: str, value: str) -> str:
    """A merge patch that sets one SecretProviderClass parameter (for kubectl patch --type merge -p)."""
    return json.dumps({"spec": {"parameters": {key: value}}}, separators=(",", ":"))


def _pod_env(pod: dict[str, Any]) -> dict[str, str]:
    """The workload identity variables of the pod's containers (the webhook writes them into the pod spec).

    Only the AZURE_* names below are kept: other env values may be secrets and are never read.
    """
    env: dict[str, str] = {}
    for container in (dig(pod, "spec.containers", []) or []) + (dig(pod, "spec.initContainers", []) or []):
        for var in container.get("env") or []:
            if var.get("name") in _WI_ENV:
                env.setdefault(var["name"], str(var.get("value") or ""))
    return env


_WI_ENV = ("AZURE_CLIENT_ID", "AZURE_TENANT_ID", TOKEN_ENV, "AZURE_AUTHORITY_HOST")


__all__ = [
    "CLIENT_ID_ANNOTATION",
    "USE_LABEL",
    "IdentityPlan",
    "char_difference",
    "check_cluster",
    "check_federation",
    "check_identity",
    "check_identity_resource",
    "check_pod_wiring",
    "check_tenant",
    "credential_differences",
    "federated_credentials",
    "identity_by_client_id",
    "identity_facts",
    "identity_plan",
    "issuer_difference",
    "managed_identities",
    "subject",
    "subject_difference",
]

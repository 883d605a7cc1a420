"""A pod that calls Key Vault from its own code (the Azure SDK with workload identity), read from its own
evidence: no --vault, no CSI mount needed.

Intent (does the pod use workload identity?): the pod label azure.workload.identity/use, the ServiceAccount
annotation azure.workload.identity/client-id (or a misspelling of it, itself a finding), the projected
token volume with audience api://AzureADTokenExchange, the AZURE_* variables the webhook injects, the same
signals on the owner's pod template (Deployment, Job, CronJob jobTemplate), and External Secrets Operator
stores (SecretStore / ClusterSecretStore, provider azurekv, authType WorkloadIdentity).

The vault: https://NAME.vault.azure.net in env values (directly or through envFrom ConfigMaps), the value
of a variable named like KEYVAULT_NAME / KEY_VAULT_URL / AZURE_KEYVAULT_URL, a SecretStore's vaultUrl, or
the container logs. Only those values are matched; no other env value is kept or shown.

Logs: the current and previous tail of every container go through the same classifier as FailedMount
events (mount_messages.classify), after scrubbing (scrub.py), so an AADSTS code or a Key Vault 403 an SDK
logged is evidence like a mount error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import DataUnavailable, Forbidden, NotFound
from ..sources.evidence import Evidence
from ..sources.kube import VAULT_ENV_NAME
from ..sources.selectors import dig
from .mount_messages import VAULT_URL, MountError, MountErrorKind, classify, vault_in
from .pods import target_pod
from .scrub import scrub

USE_LABEL = "azure.workload.identity/use"
CLIENT_ID_ANNOTATION = "azure.workload.identity/client-id"
WI_AUDIENCE = "api://AzureADTokenExchange"
WI_ENV = ("AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_AUTHORITY_HOST")
# The webhook's configuration, as the AKS add-on and the Helm chart both name it (azure-workload-identity
# deploy/azure-wi-webhook.yaml); issue #665 asks users for exactly this object.
WEBHOOK_CONFIG = "azure-wi-webhook-mutating-webhook-configuration"
_VAULT_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]$")
_NORMALIZED_ANNOTATION = "azureworkloadidentityclientid"
_LOG_TAIL = 50


@dataclass(frozen=True)
class VaultRef:
    """A vault the pod's evidence names, and where."""

    name: str
    source: str


@dataclass
class Intent:
    """Why aksdoctor believes the pod calls Key Vault / Entra ID with workload identity."""

    signals: list[tuple[str, str]] = field(default_factory=list)  # (what, where)
    misspelled: tuple[str, str] | None = None  # (annotation key, value) on the ServiceAccount
    stores: list[dict[str, Any]] = field(default_factory=list)  # ESO stores that authenticate as this pod

    def __bool__(self) -> bool:
        return bool(self.signals)


# ---- intent ------------------------------------------------------------------------------------------
def intent(ev: Evidence) -> Intent:
    """The pod's own evidence that it uses workload identity (empty when there is none)."""
    return ev.memo(("derived", "kv", "sdk_intent", ev.target), lambda: _intent(ev))


def _intent(ev: Evidence) -> Intent:
    pod = target_pod(ev)
    ns = ev.target.namespace
    out = Intent()
    pod_ref = f"Pod {ns}/{ev.target.name}"
    if str((dig(pod, "metadata.labels", {}) or {}).get(USE_LABEL, "")).lower() == "true":
        out.signals.append((f'label {USE_LABEL}: "true"', pod_ref))
    for container, name in _env_names(pod):
        out.signals.append((f"env {name} in container {container}", pod_ref))
    if _has_wi_token_volume(pod):
        out.signals.append((f"a projected service-account token with audience {WI_AUDIENCE}", pod_ref))
    sa_name = dig(pod, "spec.serviceAccountName") or "default"
    sa_ref = f"ServiceAccount {ns}/{sa_name}"
    try:
        sa = ev.get("serviceaccounts", sa_name, ns)
    except (DataUnavailable, NotFound):
        sa = {}
    annotations = dig(sa, "metadata.annotations", {}) or {}
    if annotations.get(CLIENT_ID_ANNOTATION):
        out.signals.append((f"annotation {CLIENT_ID_ANNOTATION}", sa_ref))
    else:
        wrong = misspelled_annotation(annotations) or misspelled_annotation(dig(sa, "metadata.labels", {}) or {})
        if wrong:
            out.misspelled = wrong
            out.signals.append((f"annotation {wrong[0]} (a misspelling of {CLIENT_ID_ANNOTATION})", sa_ref))
    template, owner = owner_template(ev)
    labelled = str((dig(template, "metadata.labels", {}) or {}).get(USE_LABEL, "")).lower() == "true"
    if labelled and not any("label" in s for s, _ in out.signals):
        out.signals.append((f'label {USE_LABEL}: "true" on the pod template', owner))
    out.stores = eso_stores(ev, sa_name)
    for store in out.stores:
        out.signals.append(
            (
                "authType WorkloadIdentity (provider azurekv)",
                f"{store.get('kind', 'SecretStore')} {_store_name(store)}",
            )
        )
    return out


def misspelled_annotation(annotations: dict[str, Any]) -> tuple[str, str] | None:
    """An annotation key that means azure.workload.identity/client-id but is spelled otherwise."""
    for key, value in annotations.items():
        normalized = re.sub(r"[^a-z]", "", str(key).lower())
        if key != CLIENT_ID_ANNOTATION and normalized in (_NORMALIZED_ANNOTATION, "azureworkloadidentitiesclientid"):
            return str(key), str(value)
        prefixed = str(key).lower().startswith("azure.workload.identity/")
        if prefixed and normalized.endswith(("clientid", "clientsid")) and key != CLIENT_ID_ANNOTATION:
            return str(key), str(value)
    return None


def owner_template(ev: Evidence) -> tuple[dict[str, Any], str]:
    """The pod template of the pod's owner (Deployment through its ReplicaSet, Job, CronJob's jobTemplate)."""
    pod = target_pod(ev)
    ns = ev.target.namespace
    owner = next(iter(dig(pod, "metadata.ownerReferences", []) or []), None)
    if not owner:
        return {}, ""
    try:
        if owner.get("kind") == "ReplicaSet":
            rs = ev.get("replicasets", owner["name"], ns)
            return dig(rs, "spec.template", {}) or {}, f"ReplicaSet {ns}/{owner['name']}"
        if owner.get("kind") == "Job":
            job = ev.get("jobs", owner["name"], ns)
            cron = next(iter(dig(job, "metadata.ownerReferences", []) or []), None)
            if cron and cron.get("kind") == "CronJob":
                cj = ev.get("cronjobs", cron["name"], ns)
                return dig(cj, "spec.jobTemplate.spec.template", {}) or {}, f"CronJob {ns}/{cron['name']}"
            return dig(job, "spec.template", {}) or {}, f"Job {ns}/{owner['name']}"
    except (DataUnavailable, NotFound):
        return {}, ""
    return {}, ""


def eso_stores(ev: Evidence, sa_name: str) -> list[dict[str, Any]]:
    """External Secrets stores with provider azurekv and authType WorkloadIdentity that authenticate as the
    pod's ServiceAccount (serviceAccountRef), or as the ESO controller itself when the pod is that controller."""
    pod = target_pod(ev)
    ns = ev.target.namespace
    labels = dig(pod, "metadata.labels", {}) or {}
    controller = labels.get("app.kubernetes.io/name") == "external-secrets"
    found = []
    for key, where in (("secretstores", ns), ("clustersecretstores", None)):
        try:
            stores = ev.list(key, where)
        except (DataUnavailable, NotFound):
            continue
        for store in stores:
            azurekv = dig(store, "spec.provider.azurekv") or {}
            if str(azurekv.get("authType", "")) != "WorkloadIdentity":
                continue
            ref = azurekv.get("serviceAccountRef") or {}
            ref_ns = ref.get("namespace") or dig(store, "metadata.namespace") or ns
            if (ref.get("name") == sa_name and ref_ns == ns) or (controller and not ref.get("name")):
                found.append(store)
    return found


# ---- the vault -----------------------------------------------------------------------------------------
def vault_refs(ev: Evidence) -> list[VaultRef]:
    """Every vault the pod's evidence names, first the most explicit: env, envFrom ConfigMaps, stores, logs."""
    return ev.memo(("derived", "kv", "sdk_vaults", ev.target), lambda: _vault_refs(ev))


def _vault_refs(ev: Evidence) -> list[VaultRef]:  # noqa: PLR0912 - one branch per place a vault is named
    pod = target_pod(ev)
    ns = ev.target.namespace
    refs: list[VaultRef] = []
    for container in (dig(pod, "spec.initContainers", []) or []) + (dig(pod, "spec.containers", []) or []):
        cname = container.get("name", "")
        for var in container.get("env") or []:
            name = _vault_from_value(str(var.get("name", "")), str(var.get("value") or ""))
            if name:
                refs.append(VaultRef(name, f"env {var.get('name')} of container {cname}"))
        for source in container.get("envFrom") or []:
            cm = dig(source, "configMapRef.name")
            if not cm:
                continue
            try:
                data = dig(ev.get("configmaps", cm, ns), "data", {}) or {}
            except (DataUnavailable, NotFound):
                continue
            for key, value in data.items():
                name = _vault_from_value(str(key), str(value))
                if name:
                    refs.append(VaultRef(name, f"key {key} of ConfigMap {ns}/{cm} (envFrom of container {cname})"))
    for store in intent(ev).stores:
        url = str(dig(store, "spec.provider.azurekv.vaultUrl", "") or "")
        name = vault_in(url)
        if name:
            refs.append(VaultRef(name, f"vaultUrl of {store.get('kind', 'SecretStore')} {_store_name(store)}"))
    for error, src in log_errors(ev):
        if error.vault:
            refs.append(VaultRef(error.vault, src))
    seen: set[str] = set()
    unique = []
    for ref in refs:
        if ref.name.lower() not in seen:
            seen.add(ref.name.lower())
            unique.append(ref)
    return unique


def _vault_from_value(name: str, value: str) -> str | None:
    url = VAULT_URL.search(value)
    if url:
        return url.group(1).lower()
    if VAULT_ENV_NAME.match(name) and _VAULT_NAME.match(value.strip()):
        return value.strip()
    return None


# ---- logs ----------------------------------------------------------------------------------------------
def log_errors(ev: Evidence) -> list[tuple[MountError, str]]:
    """Classified errors from the containers' current and previous log tails (scrubbed), newest first."""
    return _log_reads(ev)[0]


def log_skipped(ev: Evidence) -> list[str]:
    """Why a log tail could not be read."""
    return _log_reads(ev)[1]


def _log_reads(ev: Evidence) -> tuple[list[tuple[MountError, str]], list[str]]:
    return ev.memo(("derived", "kv", "log_reads", ev.target), lambda: _read_logs(ev))


def _read_logs(ev: Evidence) -> tuple[list[tuple[MountError, str]], list[str]]:
    pod = target_pod(ev)
    ns, name = ev.target.namespace, ev.target.name
    statuses = {s.get("name"): s for s in dig(pod, "status.containerStatuses", []) or []}
    found: list[tuple[MountError, str]] = []
    unread: list[str] = []
    for container in dig(pod, "spec.containers", []) or []:
        cname = container.get("name", "")
        status = statuses.get(cname) or {}
        tails = [(False, "log")]
        if status.get("restartCount", 0) or dig(status, "lastState.terminated"):
            tails.insert(0, (True, "previous log"))
        for previous, label in tails:
            try:
                text = ev.logs(ns, name, cname, previous=previous, tail=_LOG_TAIL)
            except Forbidden as exc:
                unread.append(f"could not {exc.what}: {exc.reason}")
                continue
            except (DataUnavailable, NotFound):
                continue  # no such tail (never restarted, not captured): nothing to read, nothing hidden
            src = f"{label} of container {cname}"
            for line in reversed([ln for ln in text.splitlines() if ln.strip()]):
                error = classify(scrub(line))
                if error.kind is not MountErrorKind.OTHER or error.vault:
                    found.append((error, src))
    # newest first: the current tail's last lines, then the previous instance's
    found.sort(key=lambda item: 0 if item[1].startswith("log") else 1)
    return found, unread


def newest_log_error(ev: Evidence, *kinds: MountErrorKind) -> tuple[MountError, str] | None:
    """The newest classified log line of one of these kinds (any named error when none is given)."""
    return next(
        (
            (e, src)
            for e, src in log_errors(ev)
            if (e.kind in kinds if kinds else e.kind not in (MountErrorKind.OTHER,))
        ),
        None,
    )


# ---- helpers -------------------------------------------------------------------------------------------
def _env_names(pod: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    for container in dig(pod, "spec.containers", []) or []:
        for var in container.get("env") or []:
            if var.get("name") in WI_ENV:
                out.append((container.get("name", ""), var["name"]))
    return out[:4]


def _has_wi_token_volume(pod: dict[str, Any]) -> bool:
    for volume in dig(pod, "spec.volumes", []) or []:
        for source in dig(volume, "projected.sources", []) or []:
            if dig(source, "serviceAccountToken.audience") == WI_AUDIENCE:
                return True
    return False


def _store_name(store: dict[str, Any]) -> str:
    ns = dig(store, "metadata.namespace")
    return f"{ns}/{dig(store, 'metadata.name')}" if ns else str(dig(store, "metadata.name"))


__all__ = [
    "CLIENT_ID_ANNOTATION",
    "USE_LABEL",
    "WEBHOOK_CONFIG",
    "Intent",
    "VaultRef",
    "eso_stores",
    "intent",
    "log_errors",
    "log_skipped",
    "misspelled_annotation",
    "newest_log_error",
    "owner_template",
    "vault_refs",
]


# ---- routing (diagnose, scan) ----------------------------------------------------------------------------
_ROUTED_KINDS = frozenset(
    {
        MountErrorKind.FEDERATION,
        MountErrorKind.TENANT,
        MountErrorKind.IDENTITY_NOT_FOUND,
        MountErrorKind.NOT_INJECTED,
        MountErrorKind.TOKEN_AUDIENCE,
        MountErrorKind.FORBIDDEN_BY_RBAC,
        MountErrorKind.ACCESS_DENIED,
        MountErrorKind.FORBIDDEN_BY_FIREWALL,
        MountErrorKind.FORBIDDEN_BY_CONNECTION,
        MountErrorKind.SECRET_NOT_FOUND,
        MountErrorKind.SECRET_DISABLED,
        MountErrorKind.SECRET_EXPIRED,
    }
)


def route_reason(ev: Evidence, pod: dict[str, Any], crashing: str) -> str | None:
    """Why `diagnose` / `scan` should run keyvault on this pod, or None: its workload identity wiring is
    broken (read from the pod alone), or it crashes and its log tail names an Entra ID / Key Vault error."""
    labelled = str((dig(pod, "metadata.labels", {}) or {}).get(USE_LABEL, "")).lower() == "true"
    env = {name for _c, name in _env_names(pod)}
    uses = labelled or bool(env) or _has_wi_token_volume(pod)
    if labelled and "AZURE_FEDERATED_TOKEN_FILE" not in env:
        return f'the pod has the label {USE_LABEL}: "true" but no AZURE_FEDERATED_TOKEN_FILE (nothing injected)'
    if labelled and "AZURE_FEDERATED_TOKEN_FILE" in env and "AZURE_CLIENT_ID" not in env:
        return "the webhook injected no AZURE_CLIENT_ID: the ServiceAccount names no identity"
    if not crashing:
        return None
    said = newest_log_error(ev, *_ROUTED_KINDS)
    if said and (uses or said[0].vault):
        return f"{crashing}, and its {said[1]} says: {said[0].summary[:160]}"
    return None

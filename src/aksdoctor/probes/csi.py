"""The pod's side of a Key Vault mount: its secrets-store CSI volume, the SecretProviderClass it names,
the mount errors the kubelet reported, and whether the driver is registered on the pod's node.

Checks here return Outcomes; the probes that the keyvault runbook asks are in keyvault.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from ..errors import DataUnavailable, NotFound
from ..model import Outcome, Skipped
from ..sources.evidence import Evidence
from ..sources.selectors import dig
from .image_ref import closest
from .mount_messages import CSI_DRIVER, MountError, MountErrorKind, classify
from .pods import target_pod

# The AKS add-on's profile key in managedClusters (shared/azure-arm-examples
# managedClusters_Get.recorded-kvSecretsProvider.json); ARM keys of addonProfiles are matched case-insensitively.
ADDON = "azureKeyvaultSecretsProvider"
# Labels of the driver's DaemonSet pods, as the AKS docs list them:
# kubectl get pods -n kube-system -l 'app in (secrets-store-csi-driver,secrets-store-provider-azure)'.
DRIVER_POD_LABEL = "app=secrets-store-csi-driver"
WI_AUDIENCE = "api://AzureADTokenExchange"


@dataclass(frozen=True)
class KeyVaultObject:
    """One entry of the SecretProviderClass `objects` array."""

    name: str
    type: str = "secret"
    version: str = ""
    alias: str = ""


@dataclass(frozen=True)
class ProviderParams:
    """What a SecretProviderClass asks the Azure provider for (parameters are strings, as the provider reads them)."""

    name: str
    provider: str
    vault: str
    client_id: str
    tenant: str
    tenant_key: str
    use_pod_identity: bool
    use_vm_identity: bool
    user_assigned_id: str
    objects: tuple[KeyVaultObject, ...]
    objects_error: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class SecretMount:
    """A pod volume served by the secrets-store CSI driver."""

    volume: str
    spc_name: str
    node_publish_secret: str


# ---- the pod's mount -----------------------------------------------------------------------------
def secret_mounts(pod: dict[str, Any]) -> list[SecretMount]:
    """The pod's secrets-store.csi.k8s.io volumes."""
    out = []
    for volume in dig(pod, "spec.volumes", []) or []:
        csi = volume.get("csi") or {}
        if csi.get("driver") != CSI_DRIVER:
            continue
        attrs = csi.get("volumeAttributes") or {}
        out.append(
            SecretMount(
                volume=str(volume.get("name", "")),
                spc_name=str(attrs.get("secretProviderClass", "")),
                node_publish_secret=str(dig(csi, "nodePublishSecretRef.name", "") or ""),
            )
        )
    return out


def chosen_mount(ev: Evidence) -> SecretMount | None:
    """The secrets-store volume the newest FailedMount names, else the pod's first one."""
    mounts = secret_mounts(target_pod(ev))
    if not mounts:
        return None
    named = {e.volume for e, _src in mount_errors(ev) if e.volume}
    return next((m for m in mounts if m.volume in named), mounts[0])


def mount_errors(ev: Evidence) -> list[tuple[MountError, str]]:
    """The pod's FailedMount events, classified, newest first (empty when events cannot be read)."""
    return ev.memo(("derived", "kv", "mount_errors", ev.target), lambda: _mount_errors(ev)[0])


def mount_errors_skipped(ev: Evidence) -> list[Skipped]:
    """Why the pod's events could not be read, if they could not."""
    return ev.memo(("derived", "kv", "mount_errors_skipped", ev.target), lambda: _mount_errors(ev)[1])


def newest_error(ev: Evidence, *kinds: MountErrorKind) -> tuple[MountError, str] | None:
    """The newest mount error of one of these kinds (any kind when none is given); for a pod without a
    secrets-store mount, the newest such line of its containers' log tails (the SDK's errors)."""
    found = next(((e, src) for e, src in mount_errors(ev) if not kinds or e.kind in kinds), None)
    if found is None and not secret_mounts(target_pod(ev)):
        from .kv_sdk import newest_log_error

        return newest_log_error(ev, *kinds)
    return found


def provider_class(ev: Evidence) -> dict[str, Any]:
    """The SecretProviderClass of the chosen mount; NotFound when it does not exist in the pod's namespace."""
    mount = chosen_mount(ev)
    if mount is None:
        raise NotFound("secrets-store volume on the pod", kind="SecretProviderClass")
    return ev.get("secretproviderclasses", mount.spc_name, ev.target.namespace)


def provider_params(ev: Evidence) -> ProviderParams:
    """The chosen mount's SecretProviderClass parameters, parsed."""
    return ev.memo(("derived", "kv", "provider_params", ev.target), lambda: parse_params(provider_class(ev)))


def parse_params(spc: dict[str, Any]) -> ProviderParams:
    """Parse a SecretProviderClass the way the Azure provider does (pkg/provider/types/parameters.go).

    `tenantID` wins over the deprecated `tenantId` (provider issue #857); booleans are strconv.ParseBool.
    """
    params = {str(k): str(v).strip() for k, v in (dig(spc, "spec.parameters", {}) or {}).items()}
    tenant_key = "tenantID" if params.get("tenantID") else "tenantId"
    objects, error = _objects(params.get("objects", ""))
    return ProviderParams(
        name=str(dig(spc, "metadata.name", "")),
        provider=str(dig(spc, "spec.provider", "")),
        vault=params.get("keyvaultName", ""),
        client_id=params.get("clientID", ""),
        tenant=params.get(tenant_key, ""),
        tenant_key=tenant_key,
        use_pod_identity=_bool(params.get("usePodIdentity", "")),
        use_vm_identity=_bool(params.get("useVMManagedIdentity", "")),
        user_assigned_id=params.get("userAssignedIdentityID", ""),
        objects=objects,
        objects_error=error,
        raw=params,
    )


# ---- checks ----------------------------------------------------------------------------------------
def check_source(ev: Evidence) -> Outcome:
    """csi / code / none: what the pod needs from Key Vault, and how it asks."""
    pod = target_pod(ev)
    ns, name = ev.target.namespace, ev.target.name
    ref = f"Pod {ns}/{name}"
    vault_opt = str(ev.options.extra.get("vault") or "")
    facts: dict[str, Any] = {
        "service_account": dig(pod, "spec.serviceAccountName") or "default",
        "node": dig(pod, "spec.nodeName"),
        "workload": _workload(ev, pod),
    }
    # rollout verbs work on Deployments, StatefulSets and DaemonSets only; a bare pod is recreated by hand
    restartable = facts["workload"].split("/", 1)[0] in ("deployment", "statefulset", "daemonset")
    facts |= {"restartable": restartable, "recreate_pod": not restartable and facts["workload"].startswith("pod/")}
    mount = chosen_mount(ev)
    if mount is None:
        if vault_opt:
            return Outcome.of(
                "code",
                (f"the pod mounts no {CSI_DRIVER} volume: checking vault {vault_opt} (--vault) for its own calls", ref),
                mode="code",
                **facts,
            )
        sdk = _sdk_source(ev, ref, facts)
        if sdk is not None:
            return sdk
        return Outcome.of(
            "none",
            (
                f"the pod mounts no {CSI_DRIVER} volume, no --vault was given, and nothing in the pod, its "
                "ServiceAccount or its owner says it uses workload identity",
                ref,
            ),
            notes=[
                f"for a pod that calls Key Vault from its code, name the vault: aksdoctor keyvault {name} -n {ns} "
                "--vault VAULT"
            ],
            **facts,
        )
    evidence: list[str | tuple[str, str]] = [
        (f"volume {mount.volume} mounts SecretProviderClass {mount.spc_name} through {CSI_DRIVER}", ref)
    ]
    newest = newest_error(ev)
    if newest:
        evidence.append((f"newest FailedMount: {newest[0].summary}", newest[1]))
    notes = []
    if vault_opt:
        notes.append(f"--vault {vault_opt} is not checked: the pod's CSI mount decides whether it starts")
    facts |= {"mode": "csi", "volume": mount.volume, "spc": mount.spc_name, "notes": notes}
    if newest:
        facts["mount_message"] = newest[0].summary
    out = Outcome.of("csi", *evidence, **facts)
    out.skipped = mount_errors_skipped(ev)
    return out


def _sdk_source(ev: Evidence, ref: str, facts: dict[str, Any]) -> Outcome | None:
    """code: the pod calls Key Vault from its code with workload identity, by its own evidence (no --vault)."""
    from .kv_sdk import intent, log_skipped, newest_log_error, vault_refs

    found = intent(ev)
    if not found:
        return None
    evidence: list[str | tuple[str, str]] = [
        ("the pod uses workload identity from its code: " + "; ".join(s for s, _ in found.signals[:4]), ref)
    ]
    evidence += [(s, src) for s, src in found.signals if src != ref][:3]
    vaults = vault_refs(ev)
    notes = []
    if vaults:
        evidence.append((f"vault {vaults[0].name} named by {vaults[0].source}", vaults[0].source))
        if len(vaults) > 1:
            notes.append("other vaults named: " + ", ".join(f"{v.name} ({v.source})" for v in vaults[1:4]))
    said = newest_log_error(ev)
    if said:
        evidence.append((f"the app logged: {said[0].summary}", said[1]))
    notes += [f"log tail not read: {why}" for why in log_skipped(ev)]
    out = Outcome.of(
        "code", *evidence, mode="code", sdk=True, notes=notes, sdk_vault=vaults[0].name if vaults else None, **facts
    )
    return out


def check_driver(ev: Evidence) -> Outcome:
    """registered / missing: is the secrets-store CSI driver registered on the pod's node?"""
    pod = target_pod(ev)
    node = dig(pod, "spec.nodeName")
    evidence: list[str | tuple[str, str]] = []
    facts: dict[str, Any] = {"node": node}
    skipped: list[Skipped] = []
    has_driver_object = _optional(ev, skipped, lambda: _exists(ev, "csidrivers", CSI_DRIVER))
    on_node = _optional(ev, skipped, lambda: _on_node(ev, node)) if node else None
    addon = _optional(ev, skipped, lambda: _addon_enabled(ev))
    said = newest_error(ev, MountErrorKind.DRIVER_NOT_REGISTERED)
    if has_driver_object is not None:
        evidence.append(
            (f"CSIDriver {CSI_DRIVER} {'exists' if has_driver_object else 'does not exist'}", f"CSIDriver {CSI_DRIVER}")
        )
    if on_node is not None:
        evidence.append(
            (f"node {node} {'registers' if on_node else 'does not register'} {CSI_DRIVER}", f"CSINode {node}")
        )
    if addon is not None:
        evidence.append((f"add-on {ADDON} is {'enabled' if addon else 'not enabled'}", "managed cluster addonProfiles"))
    if said:
        evidence.append((said[0].summary, said[1]))
    missing = on_node is False or has_driver_object is False or (on_node is None and said is not None)
    if missing:
        facts |= _driver_gap(ev, node, has_driver_object=has_driver_object, addon=addon, skipped=skipped)
        evidence.append((facts["driver_gap"], f"Node {node}"))
        out = Outcome.of("missing", *evidence, **facts)
    elif on_node or (on_node is None and has_driver_object):
        notes = [] if on_node else [f"the CSINode of {node} was not read: registration on the node not verified"]
        notes += _token_request_notes(ev)
        out = Outcome.of("registered", *evidence, notes=notes, **facts)
    else:
        out = Outcome.unknown(*evidence, **facts)
    out.skipped = skipped
    return out


def check_spc(ev: Evidence) -> Outcome:
    """found / missing: does the volume's SecretProviderClass exist in the pod's namespace?"""
    mount = chosen_mount(ev)
    if mount is None:
        return Outcome.unknown("the pod has no secrets-store volume")
    ns = ev.target.namespace
    try:
        params = provider_params(ev)
    except NotFound:
        return _spc_missing(ev, mount)
    src = f"SecretProviderClass {ns}/{params.name}"
    objects = ", ".join(f"{o.type}/{o.name}" for o in params.objects) or "none"
    facts: dict[str, Any] = {
        "spc": params.name,
        "vault": params.vault or None,
        "spc_client_id": params.client_id or None,
        "spc_tenant": params.tenant or None,
        "objects": [o.name for o in params.objects],
    }
    notes = []
    if params.objects_error:
        notes.append(f"objects of {params.name} cannot be parsed: {params.objects_error}")
    if params.provider != "azure":
        return Outcome.unknown((f"{params.name} uses provider {params.provider!r}, not azure", src), notes=notes)
    text = f"provider azure, keyvaultName {params.vault or '(not set)'}, objects {objects}"
    return Outcome.of("found", (text, src), notes=notes, **facts)


def check_mount_state(ev: Evidence) -> Outcome:
    """ok / failing: does the pod still report a failing secrets-store mount?"""
    mount = chosen_mount(ev)
    if mount is None:
        said = newest_error(ev)
        if said and "log of container" in said[1]:
            note = (
                "every link checked out, yet the app still logs an error: a grant of the last minutes takes a while "
                f"to apply; restart the pod (kubectl delete pod {ev.target.name} -n {ev.target.namespace}) and read "
                "its log again"
            )
            return Outcome.of("failing", (f"the app logged: {said[0].summary}", said[1]), notes=[note])
        return Outcome.of("ok", "the pod calls Key Vault from its code: no mount to check")
    pod = target_pod(ev)
    statuses = dig(pod, "status.containerStatuses", []) or []
    running = bool(statuses) and all("running" in (s.get("state") or {}) for s in statuses)
    newest = newest_error(ev)
    if newest and not running:
        note = (
            "every link checks out, yet the mount fails: a role or federated credential granted in the last "
            f"minutes takes a while to apply (then `kubectl delete pod {ev.target.name} -n {ev.target.namespace}` "
            "retries at once); the newest error is shown above"
        )
        return Outcome.of("failing", (f"FailedMount: {newest[0].summary}", newest[1]), notes=[note])
    state = "its containers run" if running else "no FailedMount event remains"
    return Outcome.of("ok", (f"volume {mount.volume}: {state}", f"Pod {ev.target.namespace}/{ev.target.name}"))


# ---- helpers ---------------------------------------------------------------------------------------
def _mount_errors(ev: Evidence) -> tuple[list[tuple[MountError, str]], list[Skipped]]:
    try:
        events = ev.events_for(target_pod(ev))
    except DataUnavailable as exc:
        return [], [Skipped("keyvault.secret_source", f"could not {exc.what}: {exc.reason}", exc.grant)]
    out = []
    for event in reversed(events):  # newest first
        if event.get("reason") != "FailedMount":
            continue
        name = dig(event, "metadata.name", "")
        src = f"Event {ev.target.namespace}/{name} (FailedMount, x{event.get('count', 1)})"
        out.append((classify(event.get("message", "") or ""), src))
    return out, []


def _spc_missing(ev: Evidence, mount: SecretMount) -> Outcome:
    ns = ev.target.namespace
    facts: dict[str, Any] = {"spc": mount.spc_name, "volume": mount.volume}
    evidence: list[str | tuple[str, str]] = [
        (f"SecretProviderClass {mount.spc_name} does not exist in namespace {ns}", f"Pod {ns}/{ev.target.name}")
    ]
    try:
        here = [dig(s, "metadata.name", "") for s in ev.list("secretproviderclasses", ns)]
        suggestions = closest(mount.spc_name, here, n=3)
        facts["closest_spcs"] = suggestions
        if here:
            evidence.append(f"namespace {ns} has {', '.join(here)}")
    except DataUnavailable:
        pass
    try:
        elsewhere = [
            dig(s, "metadata.namespace", "")
            for s in ev.list("secretproviderclasses", None, fields=f"metadata.name={mount.spc_name}")
        ]
        if elsewhere:
            facts["spc_namespace"] = elsewhere[0]
            evidence.append(f"a SecretProviderClass {mount.spc_name} exists in namespace {', '.join(elsewhere)}")
    except DataUnavailable:
        pass
    said = newest_error(ev, MountErrorKind.SPC_NOT_FOUND)
    if said:
        evidence.append((said[0].summary, said[1]))
    return Outcome.of("missing", *evidence, **facts)


def _driver_gap(
    ev: Evidence, node: str | None, *, has_driver_object: bool | None, addon: bool | None, skipped: list[Skipped]
) -> dict[str, Any]:
    """Why the driver is missing: the add-on is off, or its pods do not run on this node (and why)."""
    if addon is False or has_driver_object is False:
        what = f"the {ADDON} add-on is not enabled" if addon is False else f"there is no CSIDriver {CSI_DRIVER}"
        return {"driver_gap": f"{what}: no secrets-store CSI driver runs in the cluster", "addon_off": True}
    node_obj = _optional(ev, skipped, lambda: ev.node(node)) if node else None
    os_name = dig(node_obj or {}, "metadata.labels", {}).get("kubernetes.io/os", "") if node_obj else ""
    taints = [
        f"{t.get('key')}={t.get('value', '')}:{t.get('effect')}" for t in dig(node_obj or {}, "spec.taints", []) or []
    ]
    pods = _optional(
        ev, skipped, lambda: ev.list("pods", "kube-system", labels=DRIVER_POD_LABEL, fields=f"spec.nodeName={node}")
    )
    if pods:
        states = ", ".join(f"{dig(p, 'metadata.name')} {dig(p, 'status.phase', '?')}" for p in pods)
        why = f"the driver's pod on {node} is not serving ({states})"
    else:
        why = f"no secrets-store-csi-driver pod runs on {node}"
        if os_name == "windows":
            why += " (a Windows node: the driver's Windows DaemonSet must be enabled for it)"
        elif taints:
            why += f" (node taints {', '.join(taints)} may keep the driver's DaemonSet off it)"
    return {"driver_gap": why, "node_os": os_name or None, "node_taints": taints, "driver_not_on_node": True}


def _token_request_notes(ev: Evidence) -> list[str]:
    """Workload identity through CSI needs the CSIDriver to request a token for api://AzureADTokenExchange."""
    try:
        driver = ev.get("csidrivers", CSI_DRIVER)
        params = provider_params(ev)
    except (DataUnavailable, NotFound):
        return []
    audiences = [t.get("audience") for t in dig(driver, "spec.tokenRequests", []) or []]
    if params.client_id and not params.use_vm_identity and WI_AUDIENCE not in audiences:
        return [
            f"CSIDriver {CSI_DRIVER} requests no token for audience {WI_AUDIENCE}: workload identity mounts "
            "fail with 'token for audience ... not found'"
        ]
    return []


def _exists(ev: Evidence, key: str, name: str) -> bool:
    try:
        ev.get(key, name)
        return True
    except NotFound:
        return False


def _on_node(ev: Evidence, node: str) -> bool:
    try:
        csinode = ev.get("csinodes", node)
    except NotFound:
        return False
    return any(d.get("name") == CSI_DRIVER for d in dig(csinode, "spec.drivers", []) or [])


def _addon_enabled(ev: Evidence) -> bool:
    profiles = dig(ev.managed_cluster(), "properties.addonProfiles", {}) or {}
    profile = next((v for k, v in profiles.items() if k.lower() == ADDON.lower()), None) or {}
    return bool(profile.get("enabled"))


def _optional(ev: Evidence, skipped: list[Skipped], read: Any) -> Any:
    """A supporting read: None (and a skipped entry) when it cannot be made."""
    try:
        return read()
    except DataUnavailable as exc:
        skipped.append(Skipped("keyvault.csi_driver", f"could not {exc.what}: {exc.reason}", exc.grant))
        return None


def _objects(text: str) -> tuple[tuple[KeyVaultObject, ...], str]:
    if not text:
        return (), ""
    try:
        array = (yaml.safe_load(text) or {}).get("array") or []
        items = [yaml.safe_load(entry) if isinstance(entry, str) else entry for entry in array]
    except (yaml.YAMLError, AttributeError) as exc:
        return (), str(exc).splitlines()[0]
    out = []
    for item in items:
        if isinstance(item, dict) and item.get("objectName"):
            out.append(
                KeyVaultObject(
                    name=str(item["objectName"]).strip(),
                    type=str(item.get("objectType") or "secret").strip(),
                    version=str(item.get("objectVersion") or "").strip(),
                    alias=str(item.get("objectAlias") or "").strip(),
                )
            )
    return tuple(out), ""


def _bool(text: str) -> bool:
    """Go's strconv.ParseBool true values; anything else is false."""
    return text in ("1", "t", "T", "TRUE", "true", "True")


def _workload(ev: Evidence, pod: dict[str, Any]) -> str:
    from .pods import workload_of

    return workload_of(ev, pod)


__all__ = [
    "ADDON",
    "WI_AUDIENCE",
    "KeyVaultObject",
    "ProviderParams",
    "SecretMount",
    "check_driver",
    "check_mount_state",
    "check_source",
    "check_spc",
    "chosen_mount",
    "mount_errors",
    "newest_error",
    "parse_params",
    "provider_class",
    "provider_params",
    "secret_mounts",
]

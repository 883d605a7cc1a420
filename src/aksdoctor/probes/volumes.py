"""Volumes of a pending pod: claims that are not bound (and the claim's own reason), disks pinned to a zone,
and attach / mount failures that hold a scheduled pod in ContainerCreating.

Texts, as the controllers write them:
  persistentvolume-controller
      ProvisioningFailed 'storageclass.storage.k8s.io "fast-ssd" not found';
      FailedBinding "no persistent volumes available for this claim and no storage class is set";
      WaitForFirstConsumer "waiting for first consumer to be created before binding"
  external-provisioner
      ProvisioningFailed "failed to provision volume with StorageClass "managed-csi": rpc error: ..."
  attachdetach-controller
      FailedAttachVolume 'Multi-Attach error for volume "pvc-..." Volume is already used by pod(s) web-0'
      ('... Volume is already exclusively attached to one node and can't be attached to another')
  kubelet
      FailedMount 'MountVolume.SetUp failed for volume "config" : configmap "app-config" not found',
      "Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[...]: timed out waiting
      for the condition", and the Secrets Store CSI driver's 'MountVolume.SetUp failed for volume
      "secrets-store01-inline" : rpc error: code = Unknown desc = failed to mount secrets store objects for pod
      shop/web, err: ...' (MicrosoftDocs SupportArticles-docs troubleshoot-key-vault-csi-secrets-store-csi-driver.md)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import DataUnavailable, NotFound
from ..model import Outcome, Skipped
from ..sources.evidence import Evidence
from ..sources.selectors import dig
from .mount_messages import classify as classify_mount
from .mount_messages import core as mount_core
from .pods import target_pod
from .registry import probe

DEFAULT_CLASS_ANNOTATIONS = (
    "storageclass.kubernetes.io/is-default-class",
    "storageclass.beta.kubernetes.io/is-default-class",
)
ZONE_KEYS = (
    "topology.disk.csi.azure.com/zone",
    "topology.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/zone",
)
CLAIM_EVENT_REASONS = (
    "ProvisioningFailed",
    "FailedBinding",
    "ExternalProvisioning",
    "WaitForFirstConsumer",
    "WaitForPodScheduled",
)
MOUNT_EVENT_REASONS = ("FailedMount", "FailedAttachVolume", "FailedMapVolume")
SECRETS_STORE_DRIVER = "secrets-store.csi.k8s.io"
_MISSING = re.compile(r'(configmap|secret|persistentvolumeclaim)s? "([^"]+)" not found', re.IGNORECASE)
_USED_BY = re.compile(r"already used by pod\(s\) ([\w.-]+)")
_VOLUME = re.compile(r'for volume "([^"]+)"')


# ---- probes -------------------------------------------------------------------------------------
@probe("volume.claims_bound", outcomes=("unbound", "bound", "none"))
def claims_bound(ev: Evidence) -> Outcome:
    """Are the pod's PersistentVolumeClaims bound, and if not, what does the claim itself say?"""
    pod = target_pod(ev)
    claims = pod_claims(pod)
    if not claims:
        return Outcome.of(
            "none", ("the pod mounts no PersistentVolumeClaim", f"Pod {ev.target.namespace}/{ev.target.name}")
        )
    infos = [claim_info(ev, name) for _volume, name in claims]
    blocking = [c for c in infos if c.blocking]
    if not blocking:
        texts = [c.summary() for c in infos]
        return Outcome.of("bound", *[(t, c.source) for t, c in zip(texts, infos, strict=True)])
    first = blocking[0]
    outcome = Outcome.of(
        "unbound", *[(c.summary(), c.source) for c in blocking], *first.event_evidence(), **first.facts()
    )
    outcome.skipped = [s for c in infos for s in c.skipped]
    return outcome


@probe("volume.mount_state", outcomes=("mount-failed", "no-volume-error"))
def mount_state(ev: Evidence) -> Outcome:
    """Does a volume that cannot attach or mount hold the scheduled pod in ContainerCreating?"""
    pod = target_pod(ev)
    events = [e for e in ev.events_for(pod) if e.get("reason") in MOUNT_EVENT_REASONS]
    ref = f"Pod {ev.target.namespace}/{ev.target.name}"
    if not events:
        sandbox = [e for e in ev.events_for(pod) if e.get("reason") == "FailedCreatePodSandBox"]
        notes = [f"the pod sandbox cannot be created: {sandbox[-1].get('message', '')[:300]}"] if sandbox else []
        return Outcome.of(
            "no-volume-error", ("no FailedMount or FailedAttachVolume event on the pod", ref), notes=notes
        )
    newest = _most_specific(events)
    message = " ".join(str(newest.get("message", "")).split())
    name = dig(newest, "metadata.name", "")
    source = f"Event {ev.target.namespace}/{name} ({newest.get('reason')}, x{newest.get('count', 1)})"
    verb = "attached" if newest.get("reason") == "FailedAttachVolume" else "mounted"
    facts = mount_facts(pod, message) | {
        "mount_reason": newest.get("reason"),
        "mount_message": message,
        "mount_verb": verb,
    }
    evidence = [(_short(message), source)]
    if facts.get("keyvault"):
        # The CSI driver wraps the provider's error, which wraps Key Vault's or Entra ID's answer: show that.
        answer = mount_core(message)
        facts |= {"mount_message": _short(answer), "keyvault_error": classify_mount(message).kind.value}
        evidence.append((f"the Key Vault side answered: {_short(answer)}", source))
        facts["notes"] = [
            f"the Secrets Store CSI driver cannot mount {facts.get('volume')}: the Key Vault side (identity, role, "
            "network) is what the keyvault runbook checks; its message is the evidence here"
        ]
    return Outcome.of("mount-failed", *evidence, **facts)


# ---- claims -------------------------------------------------------------------------------------
def pod_claims(pod: dict[str, Any]) -> list[tuple[str, str]]:
    """(volume, claim name) for every persistentVolumeClaim and generic ephemeral volume of the pod."""
    out = []
    pod_name = dig(pod, "metadata.name", "")
    for volume in dig(pod, "spec.volumes") or []:
        claim = dig(volume, "persistentVolumeClaim.claimName")
        if claim:
            out.append((volume.get("name", ""), claim))
        elif volume.get("ephemeral") is not None:  # generic ephemeral volume: claim "<pod>-<volume>"
            out.append((volume.get("name", ""), f"{pod_name}-{volume.get('name', '')}"))
    return out


@dataclass
class ClaimInfo:
    """A claim, its storage class and PersistentVolume, and what its own events say."""

    namespace: str
    name: str
    claim: dict[str, Any] | None = None
    storage_class: str = ""
    class_obj: dict[str, Any] | None = None
    class_missing: bool = False
    default_class: str = ""
    volume: dict[str, Any] | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def phase(self) -> str:
        """Pending, Bound, Lost, or Missing when the claim does not exist."""
        return "Missing" if self.claim is None else str(dig(self.claim, "status.phase", "Pending"))

    @property
    def waits_for_consumer(self) -> bool:
        """A WaitForFirstConsumer claim binds once the pod is scheduled: not a blocker on its own."""
        mode = dig(self.class_obj or {}, "volumeBindingMode", "Immediate")
        failed = any(e.get("reason") in ("ProvisioningFailed", "FailedBinding") for e in self.events)
        return mode == "WaitForFirstConsumer" and not failed

    @property
    def blocking(self) -> bool:
        """The claim keeps the pod from being scheduled."""
        return self.phase in ("Missing", "Lost") or (self.phase == "Pending" and not self.waits_for_consumer)

    @property
    def source(self) -> str:
        """Where the claim was read."""
        return f"PersistentVolumeClaim {self.namespace}/{self.name}"

    def reason(self) -> str:
        """The claim's own cause, in words."""
        if self.claim is None:
            return f"claim {self.name} does not exist in namespace {self.namespace}"
        if self.phase == "Lost":
            return f"its PersistentVolume {dig(self.claim, 'spec.volumeName')} is gone (phase Lost)"
        if self.class_missing:
            return f'storage class "{self.storage_class}" does not exist'
        failure = self.failure_event()
        if failure is not None:
            return f"{failure.get('reason')}: {_short(str(failure.get('message', '')), 300)}"
        if not self.storage_class:
            return (
                "no storage class is set and the cluster has no default class: it waits for a matching PersistentVolume"
            )
        return f"Pending with storage class {self.storage_class} and no provisioning event yet"

    def summary(self) -> str:
        """One line for the evidence."""
        if self.phase == "Bound":
            return f"claim {self.name} is Bound to {dig(self.claim or {}, 'spec.volumeName')}"
        if self.waits_for_consumer:
            return f"claim {self.name} waits for its first consumer (WaitForFirstConsumer): it binds once the pod lands"
        return f"claim {self.name} is {self.phase}: {self.reason()}"

    def failure_event(self) -> dict[str, Any] | None:
        """The newest ProvisioningFailed / FailedBinding event of the claim."""
        failed = [e for e in self.events if e.get("reason") in ("ProvisioningFailed", "FailedBinding")]
        return failed[-1] if failed else None

    def event_evidence(self) -> list[tuple[str, str]]:
        """The claim's newest event, as evidence."""
        event = self.failure_event() or (self.events[-1] if self.events else None)
        if event is None:
            return []
        name = dig(event, "metadata.name", "")
        src = f"Event {self.namespace}/{name} ({event.get('reason')}, x{event.get('count', 1)})"
        return [(f"{event.get('reason')}: {_short(str(event.get('message', '')), 300)}", src)]

    def facts(self) -> dict[str, Any]:
        """Facts for the pvc-unbound cause."""
        return {
            "claim": self.name,
            "claim_phase": self.phase,
            "claim_missing": self.claim is None or None,
            "storage_class": self.storage_class or None,
            "storage_class_missing": self.class_missing or None,
            "suggested_storage_class": self.default_class or None,
            "provisioner": (self.class_obj or {}).get("provisioner"),
            "pvc_reason": self.reason(),
            "provisioning_failed": (self.failure_event() is not None and not self.class_missing) or None,
            "recreate_with_class": self.default_class
            if self.claim is not None and (self.class_missing or not self.storage_class) and self.default_class
            else None,
        }


def claim_info(ev: Evidence, name: str) -> ClaimInfo:
    """Everything known about one claim of the target's namespace (memoized)."""
    ns = ev.target.namespace or "default"
    return ev.memo(("derived", "claim_info", ns, name), lambda: _claim_info(ev, ns, name))


def _claim_info(ev: Evidence, ns: str, name: str) -> ClaimInfo:
    info = ClaimInfo(namespace=ns, name=name)
    try:
        info.claim = ev.get("persistentvolumeclaims", name, ns)
    except NotFound:
        return info
    info.default_class = _default_class(ev, info)
    info.storage_class = dig(info.claim, "spec.storageClassName") or ""
    if dig(info.claim, "spec.storageClassName") is None and info.default_class:
        info.storage_class = info.default_class  # the DefaultStorageClass admission plugin would have set it
    if info.storage_class:
        try:
            info.class_obj = ev.get("storageclasses", info.storage_class)
        except NotFound:
            info.class_missing = True
        except DataUnavailable as exc:
            info.skipped.append(Skipped("volume.claims_bound", f"could not {exc.what}: {exc.reason}", exc.grant))
    try:
        info.events = [e for e in ev.events_for(info.claim) if e.get("reason") in CLAIM_EVENT_REASONS]
    except DataUnavailable as exc:
        info.skipped.append(Skipped("volume.claims_bound", f"could not {exc.what}: {exc.reason}", exc.grant))
    volume_name = dig(info.claim, "spec.volumeName")
    if volume_name and info.phase == "Bound":
        try:
            info.volume = ev.get("persistentvolumes", volume_name)
        except (NotFound, DataUnavailable):
            info.volume = None
    return info


def _default_class(ev: Evidence, info: ClaimInfo) -> str:
    try:
        classes = ev.list("storageclasses")
    except DataUnavailable as exc:
        info.skipped.append(Skipped("volume.claims_bound", f"could not {exc.what}: {exc.reason}", exc.grant))
        return ""
    defaults = [
        dig(c, "metadata.name")
        for c in classes
        if any(
            str((dig(c, "metadata.annotations") or {}).get(a, "")).lower() == "true" for a in DEFAULT_CLASS_ANNOTATIONS
        )
    ]
    return str(defaults[0]) if defaults else ""


def claim_zone_terms(ev: Evidence, pod: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """For each bound claim whose volume has a required node affinity (a zonal disk), its nodeSelectorTerms."""
    out = []
    for _volume, name in pod_claims(pod):
        info = claim_info(ev, name)
        terms = dig(info.volume or {}, "spec.nodeAffinity.required.nodeSelectorTerms") or []
        if terms:
            out.append(terms)
    return out


def volume_zone_facts(ev: Evidence, pod: dict[str, Any], node_zones: list[str]) -> dict[str, Any]:
    """The zonal volume that no schedulable node can reach: claim, volume, zone, and the zones nodes are in."""
    for _volume, name in pod_claims(pod):
        info = claim_info(ev, name)
        zones = volume_zones(info.volume or {})
        if zones and not set(zones) & set(node_zones):
            zone = zones[0]
            number = zone.rsplit("-", 1)[-1] if re.search(r"-\d+$", zone) else ""
            return {
                "claim": name,
                "pv": dig(info.volume or {}, "metadata.name"),
                "volume_zone": zone,
                "zone_number": number or None,
                "node_zones": sorted(set(node_zones)) or None,
            }
    return {}


def volume_zones(volume: dict[str, Any]) -> list[str]:
    """Zones a volume's required node affinity allows ('westeurope-1')."""
    out: list[str] = []
    for term in dig(volume, "spec.nodeAffinity.required.nodeSelectorTerms") or []:
        for expr in term.get("matchExpressions") or []:
            if expr.get("key") in ZONE_KEYS and expr.get("operator") == "In":
                out.extend(v for v in expr.get("values") or [] if v not in out)
    return out


# ---- mounts -------------------------------------------------------------------------------------
def mount_facts(pod: dict[str, Any], message: str) -> dict[str, Any]:
    """What a FailedMount / FailedAttachVolume message names: the volume, its kind, what is missing."""
    volume = (_VOLUME.search(message) or [None, None])[1]
    spec = next((v for v in dig(pod, "spec.volumes") or [] if v.get("name") == volume), {})
    facts: dict[str, Any] = {"volume": volume, "pod_node": dig(pod, "spec.nodeName")}
    if "Multi-Attach error" in message:
        facts["multi_attach"] = True
        facts["pv"] = volume
        used = _USED_BY.search(message)
        facts["other_pod"] = used.group(1) if used else None
    missing = _MISSING.search(message)
    if missing:
        facts["missing_kind"] = missing.group(1).lower()
        facts["missing_name"] = missing.group(2)
    driver = dig(spec, "csi.driver")
    if driver == SECRETS_STORE_DRIVER or "secrets store" in message.lower():
        facts["keyvault"] = True
        facts["secret_provider_class"] = dig(spec, "csi.volumeAttributes.secretProviderClass")
    claim = dig(spec, "persistentVolumeClaim.claimName")
    if claim:
        facts["claim"] = claim
    return facts


def _most_specific(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The newest event that names a cause (not the generic 'Unable to attach or mount volumes ... timed out')."""
    specific = [e for e in events if "timed out waiting for the condition" not in str(e.get("message", ""))]
    return (specific or events)[-1]


def _short(text: str, limit: int = 400) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = [
    "ClaimInfo",
    "claim_info",
    "claim_zone_terms",
    "claims_bound",
    "mount_facts",
    "mount_state",
    "pod_claims",
    "volume_zone_facts",
    "volume_zones",
]

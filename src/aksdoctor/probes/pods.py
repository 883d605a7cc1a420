"""Pod-level probes: is a container stuck pulling, what did the registry answer, which pull secrets apply."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Any

from ..errors import DataUnavailable, NotFound, TargetNotFound
from ..model import Outcome, Skipped
from ..sources.evidence import Evidence
from ..sources.kube import docker_config_hosts
from ..sources.selectors import dig
from .image_ref import ImageRef, InvalidImageName, closest, parse_image, repair
from .pull_messages import PullError, PullErrorKind, classify, most_specific
from .registry import probe

# Waiting reasons the kubelet sets while an image cannot be pulled
# (kubernetes pkg/kubelet/images/types.go: ErrImagePull, ErrImagePullBackOff, ErrInvalidImageName, ...).
PULL_REASONS = ("ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull", "RegistryUnavailable")
PULL_EVENT_REASONS = ("Failed", "FailedToRetrieveImagePullSecret", "BackOff", "InspectFailed", "ErrImageNeverPull")


@probe("pod.image_pull_state", outcomes=("failing", "invalid-name", "not-failing", "unchecked"))
def image_pull_state(ev: Evidence) -> Outcome:
    """Is a container of the pod (init, sidecar, app or ephemeral debug container) waiting because its image
    cannot be pulled?"""
    failing = failing_container(ev)
    pod = target_pod(ev)
    ref = f"Pod {ev.target.namespace}/{ev.target.name}"
    if failing is None:
        phase = dig(pod, "status.phase", "Unknown")
        unchecked = _unchecked_containers(pod)
        if unchecked:
            # "healthy" only when every container was seen past its pull: a pod that is not scheduled, or
            # whose containers report no status, has not shown whether its images can be pulled
            kinds = ", ".join(f"{kind} container {name}" for name, kind in unchecked)
            why = (
                "the pod is not scheduled to a node yet (`aksdoctor pending` explains why)"
                if _unscheduled(pod)
                else "the kubelet reports no state for them yet"
            )
            return Outcome.unknown(
                (f"{kinds}: no image pulled yet and no pull error: {why}", ref),
                phase=phase,
                notes=[f"the images of {ev.target.name} were not checked: {why}"],
            )
        checked = len(_all_specs(pod))
        return Outcome.of(
            "not-failing",
            (f"none of the pod's {checked} containers is waiting on an image pull (phase {phase})", ref),
            phase=phase,
        )
    facts = failing.facts() | {"workload": workload_of(ev, pod)}
    # a bare pod's spec cannot take new imagePullSecrets: only a pod template can
    facts["template_workload"] = not str(facts["workload"]).startswith("pod/") or None
    if failing.kind == "ephemeral":
        # an ephemeral container is not in the workload's template and cannot be changed: start a new one
        facts["workload"] = f"pod/{ev.target.name}"
        facts["template_workload"] = False
        facts["notes"] = [
            f"{failing.container} is an ephemeral (kubectl debug) container: it cannot be changed or removed; "
            "the pod's other containers are not affected, and a new debug container needs an image that exists"
        ]
    kind = {
        "init": "init container",
        "sidecar": "sidecar (init, restartPolicy Always)",
        "ephemeral": "ephemeral debug container",
    }.get(failing.kind, "container")
    line = (f"{kind} {failing.container} waits in {failing.reason} for image {failing.image}", ref)
    if failing.reason == "InvalidImageName" or failing.ref is None:
        repaired = repair(failing.image)
        if repaired is not None:
            facts |= {"repaired_image": repaired[0], "image_repair": "; ".join(repaired[1])}
            return Outcome.of(
                "invalid-name", line, (f"{failing.image!r} reads as {repaired[0]}: {'; '.join(repaired[1])}", ref),
                **facts,
            )
        return Outcome.of("invalid-name", line, no_repair=True, **facts)
    return Outcome.of("failing", line, **facts)


@probe("pod.pull_error", outcomes=tuple(k.value for k in PullErrorKind if k is not PullErrorKind.BACKOFF))
def pull_error(ev: Evidence) -> Outcome:
    """What did the registry answer? The pull error from the pod's events, else its container status."""
    failing = failing_container(ev)
    if failing is None:
        return Outcome.unknown("no container is failing to pull")
    found, skipped, notes = _pull_messages(ev, failing)
    best = most_specific(err for err, _ in found)
    if best is None or best.kind is PullErrorKind.BACKOFF:
        notes.append("only back-off messages are left: the kubelet's error events expire after an hour")
        return Outcome.unknown(skipped=skipped, notes=notes)
    source = next(src for err, src in found if err is best)
    facts: dict[str, Any] = {"pull_message": best.message, "error_host": best.host, "error_ip": best.ip, "notes": notes}
    if best.status:
        facts["error_status"] = best.status
    outcome = Outcome.of(best.kind.value, (_short(best.message), source), **facts)
    outcome.skipped = skipped
    return outcome


@probe("pod.pull_secrets", outcomes=("missing", "none", "no-entry", "has-entry"))
def pull_secrets(ev: Evidence) -> Outcome:
    """Do the pod's imagePullSecrets exist, and does one of them hold the image's registry?"""
    failing = failing_container(ev)
    pod = target_pod(ev)
    names = [s.get("name") for s in dig(pod, "spec.imagePullSecrets", []) or [] if s.get("name")]
    ns = ev.target.namespace
    host = failing.ref.registry if failing and failing.ref else ""
    if not names:
        return Outcome.of(
            "none",
            (f"the pod references no imagePullSecrets for {host}", f"Pod {ns}/{ev.target.name}"),
            registry_host=host,
        )
    missing, for_host, others = [], [], []
    for name in names:
        try:
            secret = ev.get("secrets", name, ns)
        except NotFound:
            missing.append(name)
            continue
        hosts = docker_config_hosts(secret) or []
        (for_host if _host_in(host, hosts) else others).append(
            f"{name} ({secret.get('type', '')}: {', '.join(hosts) or 'no registry entries'})"
        )
    src = f"Pod {ns}/{ev.target.name} spec.imagePullSecrets"
    facts = {"registry_host": host, "pull_secret": names[0], "missing_secret": missing[0] if missing else None}
    if missing:
        return Outcome.of(
            "missing", (f"imagePullSecret {', '.join(missing)} does not exist in namespace {ns}", src), **facts
        )
    if for_host:
        return Outcome.of(
            "has-entry",
            (f"pull secret {for_host[0]} has an entry for {host}, and the registry rejects it", src),
            **facts,
        )
    return Outcome.of("no-entry", (f"no imagePullSecret has an entry for {host}: {'; '.join(others)}", src), **facts)


@probe("image.registry_is_acr")
def registry_is_acr(ev: Evidence) -> Outcome:
    """Is the failing image hosted on Azure Container Registry?"""
    failing = failing_container(ev)
    if failing is None or failing.ref is None:
        return Outcome.unknown("no failing image")
    ref = failing.ref
    text = f"{ref.registry} is {'an Azure Container Registry' if ref.is_acr else 'not an Azure Container Registry'}"
    return Outcome.yes(text, **failing.facts()) if ref.is_acr else Outcome.no(text, **failing.facts())


# ---- shared reads (memoized on the Evidence) ----------------------------------------------------
@dataclass(frozen=True)
class FailingContainer:
    """The container stuck on its image, with the image parsed."""

    container: str
    image: str
    reason: str
    message: str
    ref: ImageRef | None
    init: bool
    kind: str = "container"  # container | init | sidecar | ephemeral

    def facts(self) -> dict[str, Any]:
        """Facts for fix templates."""
        out: dict[str, Any] = {
            "container": self.container,
            "image": self.image,
            "waiting_reason": self.reason,
            "container_kind": self.kind,
        }
        if self.ref is not None:
            out |= {
                "registry_host": self.ref.registry,
                "repository": self.ref.repository,
                "tag": self.ref.tag or self.ref.digest,
                "pinned_digest": self.ref.digest,
                "registry": self.ref.acr_name,
            }
        return out


def target_pod(ev: Evidence) -> dict[str, Any]:
    """The target pod; TargetNotFound with the closest pod names when it does not exist."""
    try:
        return ev.pod()
    except NotFound:
        ns = ev.target.namespace
        try:
            names = [dig(p, "metadata.name") for p in ev.list("pods", ns)]
        except DataUnavailable:
            names = []
        suggestions = closest(ev.target.name, names, n=3)
        hint = (
            f"did you mean: {', '.join(suggestions)}"
            if suggestions
            else f"list them with: kubectl get pods -n {shlex.quote(ns)}"
        )
        raise TargetNotFound(
            f"pod {ev.target.name!r} not found in namespace {ns!r}", suggestions=suggestions, hint=hint
        ) from None


def failing_container(ev: Evidence) -> FailingContainer | None:
    """The first container (init containers first) waiting on an image pull, or None."""
    return ev.memo(("derived", "failing_container", ev.target), lambda: _failing_container(ev))


def workload_of(ev: Evidence, pod: dict[str, Any]) -> str:
    """`deployment/web`, `cronjob/report`, `statefulset/db`, ...: the workload owning the pod (owners.py; a
    ReplicaSet or Job not captured is resolved from its name and labels), else `pod/NAME`."""
    from .owners import workload_of as resolve_workload

    return resolve_workload(ev, pod)


_STATUS_KEYS = (
    ("spec.initContainers", "status.initContainerStatuses"),
    ("spec.containers", "status.containerStatuses"),
    ("spec.ephemeralContainers", "status.ephemeralContainerStatuses"),
)


def _all_specs(pod: dict[str, Any]) -> list[tuple[dict[str, Any], str]]:
    """Every container of the pod with its kind: init, sidecar (init with restartPolicy Always), container,
    ephemeral."""
    out: list[tuple[dict[str, Any], str]] = []
    for spec_key, _status_key in _STATUS_KEYS:
        for c in dig(pod, spec_key, []) or []:
            if spec_key == "spec.initContainers":
                kind = "sidecar" if c.get("restartPolicy") == "Always" else "init"
            elif spec_key == "spec.containers":
                kind = "container"
            else:
                kind = "ephemeral"
            out.append((c, kind))
    return out


def _statuses(pod: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s.get("name", ""): s for _spec_key, status_key in _STATUS_KEYS for s in dig(pod, status_key, []) or []}


def _unscheduled(pod: dict[str, Any]) -> bool:
    return not dig(pod, "spec.nodeName")


def _unchecked_containers(pod: dict[str, Any]) -> list[tuple[str, str]]:
    """Containers whose image pull the pod's status does not show: no status at all (not scheduled, or
    the kubelet has not reported), or waiting in ContainerCreating with no image pulled. A container
    waiting in PodInitializing waits for the init containers, which are checked themselves."""
    if dig(pod, "status.phase") in ("Succeeded", "Failed"):
        return []
    statuses = _statuses(pod)
    out = []
    for spec, kind in _all_specs(pod):
        status = statuses.get(spec.get("name", ""))
        if status is None:
            out.append((spec.get("name", ""), kind))
            continue
        started = dig(status, "state.running") or dig(status, "state.terminated") or dig(status, "lastState.terminated")
        if started or status.get("imageID"):
            continue
        if dig(status, "state.waiting.reason", "") in ("ContainerCreating", ""):
            out.append((spec.get("name", ""), kind))
    return out


def _failing_container(ev: Evidence) -> FailingContainer | None:
    pod = target_pod(ev)
    specs = {c["name"]: (c, kind) for c, kind in _all_specs(pod)}
    statuses = [(s, True) for s in dig(pod, "status.initContainerStatuses", []) or []]
    statuses += [(s, False) for s in dig(pod, "status.containerStatuses", []) or []]
    statuses += [(s, False) for s in dig(pod, "status.ephemeralContainerStatuses", []) or []]
    for status, init in statuses:
        waiting = dig(status, "state.waiting") or {}
        if waiting.get("reason") not in PULL_REASONS:
            continue
        name = status.get("name", "")
        spec, kind = specs.get(name) or ({}, "init" if init else "container")
        image = spec.get("image") or status.get("image", "")
        try:
            ref = parse_image(image)
        except InvalidImageName:
            ref = None
        return FailingContainer(name, image, waiting["reason"], waiting.get("message", ""), ref, init, kind)
    return None


def _pull_messages(
    ev: Evidence, failing: FailingContainer
) -> tuple[list[tuple[PullError, str]], list[Skipped], list[str]]:
    found: list[tuple[PullError, str]] = []
    skipped: list[Skipped] = []
    notes: list[str] = []
    try:
        events = ev.events_for(target_pod(ev))
    except DataUnavailable as exc:
        events = []
        skipped.append(Skipped("pod.pull_error", f"could not {exc.what}: {exc.reason}", exc.grant))
    relevant = [e for e in events if e.get("reason") in PULL_EVENT_REASONS and _about(e, failing)]
    for event in reversed(relevant):  # newest first
        name = dig(event, "metadata.name", "")
        found.append(
            (
                classify(event.get("message", "")),
                f"Event {ev.target.namespace}/{name} ({event.get('reason')}, x{event.get('count', 1)})",
            )
        )
    if failing.message:
        src = f"Pod {ev.target.namespace}/{ev.target.name} status of container {failing.container}"
        found.append((classify(failing.message), src))
    if not relevant and not skipped:
        notes.append("the pod has no pull events (they expire after an hour): classified from the container status")
    return found, skipped, notes


def _about(event: dict[str, Any], failing: FailingContainer) -> bool:
    field_path = dig(event, "involvedObject.fieldPath", "") or ""
    message = event.get("message", "") or ""
    if event.get("reason") == "FailedToRetrieveImagePullSecret":
        return True
    return (
        failing.image in message
        or f"{{{failing.container}}}" in field_path
        or field_path.endswith(f"[{failing.container}]")
    )


def _host_in(host: str, hosts: list[str]) -> bool:
    wanted = host.lower()
    for entry in hosts:
        name = entry.lower().removeprefix("https://").removeprefix("http://").split("/", 1)[0]
        if name == wanted or (wanted == "docker.io" and name in ("index.docker.io", "registry-1.docker.io")):
            return True
    return False


def _short(message: str, limit: int = 400) -> str:
    text = " ".join(message.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = [
    "FailingContainer",
    "failing_container",
    "image_pull_state",
    "pull_error",
    "pull_secrets",
    "registry_is_acr",
    "target_pod",
    "workload_of",
]

"""Rollout probes: is the Deployment paused, complete, blocked at pod creation, or are its new pods failing?

Semantics follow the Deployment controller
(https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#deployment-status): the new
ReplicaSet carries the Deployment's `deployment.kubernetes.io/revision`; Progressing=False with reason
ProgressDeadlineExceeded marks a rollout past spec.progressDeadlineSeconds.
"""

from __future__ import annotations

import functools
import json
import re
import shlex
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..errors import DataUnavailable, NotFound, TargetNotFound
from ..model import Outcome, Skipped, Target
from ..sources.evidence import Evidence
from ..sources.selectors import dig
from .image_ref import closest
from .owners import hpas
from .pods import PULL_REASONS
from .quantity import InvalidQuantity, format_memory, memory_bytes
from .registry import probe
from .scrub import scrub

REVISION = "deployment.kubernetes.io/revision"
# "exceeded quota: compute-resources, requested: ..." and, when the quota constrains a resource the pod
# does not declare, "failed quota: compute-resources: must specify limits.cpu for: web; limits.memory for:
# web" (before 1.27: "must specify limits.cpu,limits.memory"; before 1.3: "Failed quota: q: must specify cpu").
_QUOTA = re.compile(
    r"(?:exceeded quota: (?P<quota>[\w.-]+))|(?:failed quota: (?P<required>[\w.-]+): must specify)", re.I
)
_MUST_SPECIFY = re.compile(r"\b(?:(?P<kind>requests|limits)\.)?(?P<resource>cpu|memory|ephemeral-storage)\b")
_ADMISSION = re.compile(r'admission webhook "(?P<webhook>[^"]+)" denied the request')
_MISSING_CONFIG = re.compile(r'(?P<kind>configmap|secret) "(?P<name>[^"]+)" not found', re.IGNORECASE)
_MISSING_KEY = re.compile(r"couldn't find key (?P<key>\S+) in (?P<kind>ConfigMap|Secret) (?P<ns>[^/\s]+)/(?P<name>\S+)")
# The kubelet's Killing event when a probe fails (pkg/kubelet/kuberuntime/kuberuntime_manager.go,
# computePodActions): "Container web failed liveness probe, will be restarted", "Init container x failed
# liveness probe" (sidecars), "Container web failed startup probe, will be restarted"; kubelets before
# 1.16 wrote "Killing container with id docker://web:Container failed liveness probe.. Container will be
# killed and recreated."
_PROBE_KILL = re.compile(
    r"(?:(?:Init c|C)ontainer (?P<name>[\w.-]+) failed (?P<kind>liveness|startup) probe)"
    r"|(?:Killing container with id \w+://(?P<old>[\w.-]+):Container failed (?P<oldkind>liveness|startup) probe)"
)


@probe("rollout.state", outcomes=("paused", "complete", "in-progress"))
def rollout_state(ev: Evidence) -> Outcome:
    """Is the rollout paused, complete, or still under way?"""
    r = rollout(ev)
    d = r.deployment
    status = d.get("status") or {}
    want = dig(d, "spec.replicas", 1)
    counts = (
        f"{status.get('updatedReplicas', 0)}/{want} updated, {status.get('readyReplicas', 0)} ready, "
        f"{status.get('availableReplicas', 0)} available"
    )
    src = f"Deployment {r.namespace}/{r.name} (revision {r.revision})"
    facts = r.facts()
    if r.kind != "Deployment":
        return _controller_state(r, facts)
    if dig(d, "spec.paused"):
        return Outcome.of("paused", (f"the rollout is paused (spec.paused); {counts}", src), **facts)
    done = (
        status.get("observedGeneration", 0) >= dig(d, "metadata.generation", 0)
        and status.get("updatedReplicas", 0) == want
        and status.get("availableReplicas", 0) >= want
        and status.get("replicas", 0) == want
    )
    if done:
        return Outcome.of("complete", (f"rollout of revision {r.revision} is complete: {counts}", src), **facts)
    return Outcome.of("in-progress", (f"rollout of revision {r.revision} is not complete: {counts}", src), **facts)


@probe("rollout.create_failures", outcomes=("quota", "admission", "none"))
def create_failures(ev: Evidence) -> Outcome:
    """Does the new ReplicaSet fail to create its pods (quota, LimitRange, admission webhooks)?"""
    r = rollout(ev)
    creator = r.new_rs if r.kind == "Deployment" else r.deployment  # StatefulSets and DaemonSets create pods themselves
    if creator is None:
        return Outcome.of("none", "the Deployment has no ReplicaSet for its current revision yet")
    creator_name = f"{creator.get('kind', 'ReplicaSet')} {dig(creator, 'metadata.name')}"
    # The ReplicaSet controller sets ReplicaFailure (reason FailedCreate, the API error as message) on the
    # ReplicaSet and the Deployment controller copies it: the same answer as the events, without them.
    failure = next(
        (
            c
            for obj in (r.deployment, r.new_rs or {})
            for c in dig(obj, "status.conditions", []) or []
            if c.get("type") == "ReplicaFailure" and c.get("status") == "True"
        ),
        None,
    )
    try:
        failures = [e for e in ev.events_for(creator) if e.get("reason") == "FailedCreate"]
    except DataUnavailable as exc:
        if failure is None and r.kind != "Deployment":
            raise
        failures = []
        if failure is None:
            out = Outcome.of(
                "none",
                f"the events of {creator_name} were not read; {r.kind} {r.name} reports no ReplicaFailure condition",
                confidence="medium",
            )
            out.skipped = [Skipped("rollout.create_failures", f"could not {exc.what}: {exc.reason}", exc.grant)]
            return out
    if failures:
        event = failures[-1]
        message = " ".join(str(event.get("message", "")).split())
        src = f"Event {r.namespace}/{dig(event, 'metadata.name')} on {creator_name} (x{event.get('count', 1)})"
    elif failure is not None and failure.get("reason") == "FailedCreate":
        message = " ".join(str(failure.get("message", "")).split())
        src = f"Deployment {r.namespace}/{r.name} condition ReplicaFailure (FailedCreate)"
    else:
        return Outcome.of("none", f"{creator_name} reports no FailedCreate events")
    if match := _QUOTA.search(message):
        quota = match.group("quota") or match.group("required")
        facts: dict[str, Any] = {"quota": quota, "create_message": message}
        if match.group("required"):
            facts |= _required_resources(r, message[match.end() :])
        return Outcome.of("quota", (message, src), **facts)
    webhook = _ADMISSION.search(message)
    return Outcome.of(
        "admission", (message, src), webhook=webhook.group("webhook") if webhook else "", create_message=message
    )


@probe(
    "rollout.new_pods",
    outcomes=(
        "image-pull",
        "pending",
        "crashloop",
        "oomkilled",
        "liveness",
        "not-ready",
        "config-error",
        "starting",
        "no-pods",
        "unread",
    ),
)
def new_pods(ev: Evidence) -> Outcome:
    """What is wrong with the new ReplicaSet's pods?"""
    r = rollout(ev)
    if r.pods_unread is not None:
        exc = r.pods_unread
        out = Outcome.of(
            "unread",
            f"the pods of {r.kind} {r.name} could not be read ({exc.reason}): their cause was not checked",
            notes=[f"the pods of {r.name} were not read: the verdict rests on the {r.kind}'s own status"],
            confidence="medium",
        )
        reason = f"could not {exc.what}: {exc.reason}; the pods' cause was not checked"
        out.skipped = [Skipped("rollout.new_pods", reason, exc.grant)]
        return out
    order = ("config-error", "image-pull", "oomkilled", "liveness", "crashloop", "pending", "not-ready")
    _prefetch_pods(ev, r.new_pods)
    findings = [_pod_problem(ev, pod) for pod in r.new_pods]
    for answer in order:
        hit = next((f for f in findings if f.answer == answer), None)
        if hit is not None:
            others = sum(1 for f in findings if f.answer == answer) - 1
            more = f" (and {others} more pod{'s' if others != 1 else ''} of the new ReplicaSet)" if others > 0 else ""
            hit.evidence[0] = (hit.evidence[0][0] + more, hit.evidence[0][1])
            return Outcome.of(answer, *hit.evidence, **hit.facts)
    if r.kind == "StatefulSet" and (stale := _stale_statefulset_pod(ev, r)):
        return stale
    if not r.new_pods:
        return Outcome.of("no-pods", f"ReplicaSet {r.new_rs_name or '(none)'} has no pods")
    return Outcome.of("starting", f"{len(r.new_pods)} new pod(s) of {r.new_rs_name} are starting without errors")


def _stale_statefulset_pod(ev: Evidence, r: Rollout) -> Outcome | None:
    """A failing pod the StatefulSet left on an older revision (kubernetes/kubernetes#67250, "Forced
    rollback" in the StatefulSet docs): OrderedReady stops at the first pod that is not Running and Ready
    before it replaces pods of other revisions, OnDelete never replaces a pod by itself, and a partition
    keeps ordinals below it. Deleting the pod lets the controller recreate it."""
    sts = r.deployment
    strategy = dig(sts, "spec.updateStrategy.type", "RollingUpdate")
    policy = dig(sts, "spec.podManagementPolicy", "OrderedReady")
    partition = _int(dig(sts, "spec.updateStrategy.rollingUpdate.partition", 0) or 0)
    update = str(dig(sts, "status.updateRevision", ""))
    current = str(dig(sts, "status.currentRevision", ""))
    order = ("config-error", "image-pull", "oomkilled", "liveness", "crashloop", "pending", "not-ready")
    findings = [(pod, _pod_problem(ev, pod)) for pod in r.old_pods]
    for answer in order:
        pod, hit = next(((p, f) for p, f in findings if f.answer == answer), (None, None))
        if pod is None or hit is None:
            continue
        name = str(dig(pod, "metadata.name"))
        revision = str(dig(pod, "metadata.labels.controller-revision-hash", "?"))
        ordinal = _int(name.rsplit("-", 1)[-1])
        recreate = update if ordinal >= partition else current
        why = {
            "OnDelete": "the OnDelete strategy never replaces a pod by itself",
            "RollingUpdate": (
                f"ordinal {ordinal} is below the partition {partition}, so the controller keeps it"
                if ordinal < partition
                else (
                    "under OrderedReady the controller waits for every pod to be Running and Ready before it "
                    "replaces pods of an older revision, and this one never will"
                    if policy == "OrderedReady"
                    else "the controller has not replaced it"
                )
            ),
        }.get(strategy, "the controller has not replaced it")
        src = f"StatefulSet {r.namespace}/{r.name}"
        evidence = [
            (
                f"pod {name} is left on revision {revision} while the StatefulSet wants {update}: {why}",
                src,
            ),
            *hit.evidence,
        ]
        facts = hit.facts | {
            "stale_pod": name,
            "stale_revision": revision,
            "recreate_revision": recreate,
            # `rollout undo` would go back to the revision the pod is stuck on: the template is already reverted
            "previous_revision": False,
            "undo_previous": False,
        }
        if recreate == revision:  # a partition above the pod: deleting it brings back the same revision
            facts["stale_pod"] = False
            facts["partition_patch"] = _json({"spec": {"updateStrategy": {"rollingUpdate": {"partition": ordinal}}}})
            evidence.append((f"a deleted {name} would come back at revision {revision}: lower the partition", src))
        return Outcome.of(answer, *evidence, **facts)
    return None


def _required_resources(r: Rollout, rest: str) -> dict[str, Any]:
    """What the quota wants declared, and a `kubectl set resources` that declares missing limits as the
    container's own requests (only when one container lacks them and has the requests to copy)."""
    wanted = []
    for m in _MUST_SPECIFY.finditer(rest):
        item = f"{m.group('kind') or 'requests'}.{m.group('resource')}"
        if item not in wanted:
            wanted.append(item)
    facts: dict[str, Any] = {"quota_requires": ", ".join(wanted)}
    template = dig(r.new_rs or r.deployment, "spec.template.spec", {}) or {}
    containers = template.get("containers") or []
    if len(containers) != 1 or any(w.startswith("requests.") for w in wanted):
        return facts
    container = containers[0]
    requests = dig(container, "resources.requests", {}) or {}
    limits = [w.split(".", 1)[1] for w in wanted if w.startswith("limits.")]
    if limits and all(res in requests for res in limits):
        facts |= {
            "container": container.get("name"),
            "limits_from_requests": ",".join(f"{res}={requests[res]}" for res in limits),
        }
    return facts


@probe("rollout.deadline", outcomes=("exceeded", "within"))
def deadline(ev: Evidence) -> Outcome:
    """Has the rollout passed its progress deadline (Progressing=False, ProgressDeadlineExceeded)?"""
    r = rollout(ev)
    if r.kind != "Deployment" and r.pods_unread is not None:
        return Outcome.unknown(f"{r.kind} {r.name} has no progress deadline and its pods were not read")
    if r.kind != "Deployment":
        note = f"{r.kind} rollouts have no progress deadline: the new pods are starting without errors"
        return Outcome.of("within", f"{r.kind} {r.name} has no progress deadline", notes=[note])
    cond = next((c for c in dig(r.deployment, "status.conditions", []) or [] if c.get("type") == "Progressing"), {})
    src = f"Deployment {r.namespace}/{r.name} condition Progressing"
    seconds = dig(r.deployment, "spec.progressDeadlineSeconds", 600)
    if cond.get("status") == "False" and cond.get("reason") == "ProgressDeadlineExceeded":
        return Outcome.of("exceeded", (f"ProgressDeadlineExceeded after {seconds}s: {cond.get('message', '')}", src))
    if r.pods_unread is not None:  # nothing failing yet in the Deployment's status, but the pods were not seen
        return Outcome.unknown(
            (
                f"Progressing={cond.get('status', '?')} ({cond.get('reason', 'no reason')}), deadline {seconds}s "
                "not passed; the pods were not read, so whether they fail is unknown",
                src,
            )
        )
    return Outcome.of(
        "within",
        (
            f"Progressing={cond.get('status', '?')} ({cond.get('reason', 'no reason')}), "
            f"deadline {seconds}s not passed",
            src,
        ),
        notes=[f"the rollout of {r.name} is still progressing: nothing is failing yet"],
    )


# ---- the rollout picture, read once ---------------------------------------------------------------
@dataclass
class Rollout:
    """A Deployment, its ReplicaSets and the new ReplicaSet's pods."""

    deployment: dict[str, Any]
    replicasets: list[dict[str, Any]]
    new_rs: dict[str, Any] | None
    new_pods: list[dict[str, Any]] = field(default_factory=list)
    old_pods: list[dict[str, Any]] = field(default_factory=list)  # StatefulSet pods on another revision
    pods_unread: DataUnavailable | None = None  # the pods could not be listed (RBAC, not in the bundle)

    @property
    def kind(self) -> str:
        return str(self.deployment.get("kind") or "Deployment")

    @property
    def name(self) -> str:
        return str(dig(self.deployment, "metadata.name"))

    @property
    def namespace(self) -> str:
        return str(dig(self.deployment, "metadata.namespace"))

    @property
    def revision(self) -> str:
        if self.kind == "StatefulSet":
            return str(dig(self.deployment, "status.updateRevision", "") or "?")
        if self.kind == "DaemonSet":
            return str(dig(self.deployment, "metadata.generation", "") or "?")
        return str(annotation(self.deployment, REVISION) or "?")

    @property
    def new_rs_name(self) -> str:
        return str(dig(self.new_rs, "metadata.name", "")) if self.new_rs else ""

    @property
    def previous_revision(self) -> str | None:
        current = _int(self.revision)
        older = [_revision(rs) for rs in self.replicasets if _revision(rs) < current]
        return str(max(older)) if older else None

    @property
    def earlier_revision(self) -> bool:
        """Does a revision before the current one exist for `rollout undo` to return to?

        Deployments: an older ReplicaSet (none after a first rollout, or with revisionHistoryLimit 0).
        StatefulSets: currentRevision differs from updateRevision, or a pod runs another revision.
        DaemonSets: a pod of an older pod-template-generation, or a generation past the first."""
        if self.kind == "Deployment":
            return self.previous_revision is not None
        status = self.deployment.get("status") or {}
        if self.kind == "StatefulSet":
            current, update = status.get("currentRevision"), status.get("updateRevision")
            return bool(self.old_pods) or bool(current and update and current != update)
        return bool(self.old_pods) or _int(dig(self.deployment, "metadata.generation", 1)) > 1

    def facts(self) -> dict[str, Any]:
        """Facts every rollout cause uses."""
        deployment = self.kind == "Deployment"
        return {
            "deployment": self.name,
            "workload": f"{self.kind.lower()}/{self.name}",
            "revision": self.revision,
            "previous_revision": self.previous_revision if deployment else None,
            # StatefulSet/DaemonSet: `rollout undo` returns to the previous ControllerRevision, when there is one
            "undo_previous": (not deployment and self.earlier_revision) or None,
            "new_replicaset": self.new_rs_name if deployment else self.name,
        }


def rollout(ev: Evidence) -> Rollout:
    """The target Deployment's rollout picture (memoized)."""
    return ev.memo(("derived", "rollout", ev.target), lambda: _rollout(ev))


_KEYS = {
    "Deployment": ("deployments", "deploy"),
    "StatefulSet": ("statefulsets", "sts"),
    "DaemonSet": ("daemonsets", "ds"),
}


def _rollout(ev: Evidence) -> Rollout:
    # Reads the walk makes whatever it finds start with the workload's: the namespace's ReplicaSets and the HPAs
    # (the fix is fitted to an HPA-managed workload). Then the new ReplicaSet's pods and events go together, then
    # each new pod's events and crashed containers' logs: three dependent rounds (issue 17).
    ns = ev.target.namespace
    deployment_target = ev.target.kind not in ("StatefulSet", "DaemonSet")
    ev.prefetch(lambda: hpas(ev, ns), *([lambda: ev.list("replicasets", ns)] if deployment_target else []))
    deployment = _workload(ev)
    if not deployment_target:
        return _controller_rollout(ev, deployment)
    uid = dig(deployment, "metadata.uid")
    owned = [
        rs
        for rs in ev.list("replicasets", ns)
        if any(o.get("uid") == uid for o in dig(rs, "metadata.ownerReferences", []) or [])
    ]
    revision = annotation(deployment, REVISION)
    new_rs = next((rs for rs in owned if revision and annotation(rs, REVISION) == revision), None)
    pods: list[dict[str, Any]] = []
    unread: DataUnavailable | None = None
    if new_rs is not None:
        hash_label = dig(new_rs, "metadata.labels.pod-template-hash")
        selector = f"pod-template-hash={hash_label}" if hash_label else None
        rs_uid = dig(new_rs, "metadata.uid")
        ev.prefetch(lambda: ev.events_for(new_rs))  # FailedCreate and the progress deadline read them
        try:
            pods = [
                p
                for p in ev.list("pods", ns, labels=selector)
                if any(o.get("uid") == rs_uid for o in dig(p, "metadata.ownerReferences", []) or [])
            ]
        except DataUnavailable as exc:
            unread = exc
    rollout = Rollout(deployment, owned, new_rs, sorted(pods, key=lambda p: str(dig(p, "metadata.name"))))
    rollout.pods_unread = unread
    return rollout


@dataclass
class _Finding:
    answer: str
    evidence: list[tuple[str, str]]
    facts: dict[str, Any]


_PREFETCH_PODS = 20  # a rollout of hundreds of pods reads the first ones together, the rest as needed


def _prefetch_pods(ev: Evidence, pods: list[dict[str, Any]]) -> None:
    """Every pod's events and its crashed containers' previous logs at once (what _pod_problem reads, pod by pod)."""
    reads: list[Any] = []
    for pod in pods[:_PREFETCH_PODS]:
        reads.append(functools.partial(ev.events_for, pod))
        name, ns = str(dig(pod, "metadata.name")), str(dig(pod, "metadata.namespace"))
        for status in _container_statuses(pod):
            if _crashed(status):
                reads.append(functools.partial(_previous_log, ev, ns, name, str(status.get("name", ""))))
    ev.prefetch(*reads)


def _container_statuses(pod: dict[str, Any]) -> list[dict[str, Any]]:
    return (dig(pod, "status.initContainerStatuses", []) or []) + (dig(pod, "status.containerStatuses", []) or [])


def _crashed(status: dict[str, Any]) -> bool:
    """A container in a crash loop, or one that exited non-zero and restarted: its previous log says why."""
    last = dig(status, "lastState.terminated") or dig(status, "state.terminated") or {}
    waiting = dig(status, "state.waiting") or {}
    return waiting.get("reason") == "CrashLoopBackOff" or (
        bool(last) and last.get("exitCode", 0) != 0 and status.get("restartCount", 0) > 0
    )


def _pod_problem(ev: Evidence, pod: dict[str, Any]) -> _Finding:
    name, ns = str(dig(pod, "metadata.name")), str(dig(pod, "metadata.namespace"))
    src = f"Pod {ns}/{name}"
    base: dict[str, Any] = {"pod": name}
    specs = {c["name"]: c for c in dig(pod, "spec.containers", []) or []}
    init_specs = {c["name"]: c for c in dig(pod, "spec.initContainers", []) or []}
    kills = _probe_kills(ev, pod)
    for status in _container_statuses(pod):
        cname = status.get("name", "")
        waiting = dig(status, "state.waiting") or {}
        last = dig(status, "lastState.terminated") or dig(status, "state.terminated") or {}
        facts = base | {"container": cname}
        reason = waiting.get("reason", "")
        if reason == "CreateContainerConfigError":
            return _Finding(
                "config-error",
                [(f"container {cname}: {waiting.get('message', '')}", src)],
                facts | _missing_ref(waiting.get("message", "")),
            )
        if reason in PULL_REASONS:
            target = Target("Pod", name, ns)
            return _Finding(
                "image-pull", [(f"container {cname} waits in {reason}", src)], facts | {"handover_target": target}
            )
        if last.get("reason") == "OOMKilled":
            return _Finding(
                "oomkilled", [_terminated_line(cname, status, last, src)], facts | _memory_facts(specs.get(cname, {}))
            )
        if cname in kills and (reason == "CrashLoopBackOff" or status.get("restartCount", 0) > 0 or last):
            spec = specs.get(cname) or init_specs.get(cname) or {}
            return _Finding("liveness", *_liveness(ev, pod, status, spec, kills[cname], init=cname in init_specs))
        if _crashed(status):
            line = _terminated_line(cname, status, last, src)
            tail = _log_tail(ev, ns, name, cname)
            evidence = [line] + (
                [(f"last log lines: {tail}", f"kubectl logs {name} -c {cname} -n {ns} --previous")] if tail else []
            )
            return _Finding(
                "crashloop",
                evidence,
                facts | {"exit_code": last.get("exitCode"), "restarts": status.get("restartCount", 0)},
            )
    if dig(pod, "status.phase") == "Pending":
        return _Finding(
            "pending", [(f"pod {name} is Pending", src)], base | {"handover_target": Target("Pod", name, ns)}
        )
    ready = next((c for c in dig(pod, "status.conditions", []) or [] if c.get("type") == "Ready"), {})
    if dig(pod, "status.phase") == "Running" and ready.get("status") != "True":
        return _Finding("not-ready", *_readiness(ev, pod, specs))
    return _Finding("fine", [(f"pod {name} is {dig(pod, 'status.phase')}", src)], base)


@dataclass
class _Kill:
    """The kubelet's Killing event for a failed liveness/startup probe, and the last probe failure."""

    probe_kind: str  # liveness | startup
    killing: dict[str, Any]
    unhealthy: dict[str, Any] | None


def _probe_kills(ev: Evidence, pod: dict[str, Any]) -> dict[str, _Kill]:
    """Container name -> the probe kill the kubelet reported for it (events of this pod only)."""
    try:
        events = ev.events_for(pod)
    except DataUnavailable:
        return {}
    kills: dict[str, _Kill] = {}
    for event in events:
        if event.get("reason") != "Killing":
            continue
        match = _PROBE_KILL.search(str(event.get("message", "")))
        if match:
            name = match.group("name") or match.group("old")
            kills[name] = _Kill(match.group("kind") or match.group("oldkind"), event, None)
    for name, kill in kills.items():
        prefix = f"{kill.probe_kind.capitalize()} probe failed"
        failed = [
            e
            for e in events
            if e.get("reason") == "Unhealthy"
            and str(e.get("message", "")).startswith(prefix)
            and _container_of(e) in (name, None)
        ]
        kill.unhealthy = failed[-1] if failed else None
    return kills


def _container_of(event: dict[str, Any]) -> str | None:
    """The container an event's fieldPath names ("spec.containers{web}"), None when it names none."""
    match = re.search(r"\{([^}]+)\}", str(dig(event, "involvedObject.fieldPath", "") or ""))
    return match.group(1) if match else None


def _liveness(
    ev: Evidence, pod: dict[str, Any], status: dict[str, Any], spec: dict[str, Any], kill: _Kill, *, init: bool
) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    name, ns = str(dig(pod, "metadata.name")), str(dig(pod, "metadata.namespace"))
    cname = str(status.get("name", ""))
    src = f"Pod {ns}/{name}"
    kind = kill.probe_kind
    last = dig(status, "lastState.terminated") or {}
    restarts = status.get("restartCount", 0)
    killing = kill.killing
    evidence: list[tuple[str, str]] = [
        (
            f"the kubelet killed container {cname}: {' '.join(str(killing.get('message', '')).split())} "
            f"(x{killing.get('count', 1)})",
            f"Event {ns}/{dig(killing, 'metadata.name')}",
        )
    ]
    if kill.unhealthy:
        evidence.append(
            (
                f"{' '.join(str(kill.unhealthy.get('message', '')).split())} (x{kill.unhealthy.get('count', 1)})",
                f"Event {ns}/{dig(kill.unhealthy, 'metadata.name')}",
            )
        )
    if last:
        evidence.append(_terminated_line(cname, status, last, src))
    facts: dict[str, Any] = {
        "pod": name,
        "container": cname,
        "probe_kind": kind,
        "exit_code": last.get("exitCode"),
        "restarts": restarts,
        "probe_port": "",
        "probe_path": "",
        "container_ports": "none",
    }
    probe_spec = spec.get(f"{kind}Probe") or {}
    action = probe_spec.get("httpGet") or probe_spec.get("tcpSocket") or probe_spec.get("grpc")
    declared_ports = spec.get("ports") or []
    declared = ", ".join(str(p.get("containerPort")) for p in declared_ports) or "none"
    index = _container_index(pod, cname, init=init)
    field_path = f"/spec/template/spec/{'initContainers' if init else 'containers'}/{index}/{kind}Probe"
    if action:
        port = action.get("port")
        where = f"{port}{action.get('path', '')}"
        facts |= {"probe_port": port, "probe_path": action.get("path", ""), "container_ports": declared}
        names = {p.get("containerPort") for p in declared_ports} | {p.get("name") for p in declared_ports}
        if declared_ports and port not in names:
            facts["probe_port_mismatch"] = True
            evidence.insert(
                0, (f"container {cname}'s {kind} probe targets {where}, but it declares ports {declared}", src)
            )
            if len(declared_ports) == 1 and index is not None:
                key = "httpGet" if "httpGet" in probe_spec else ("tcpSocket" if "tcpSocket" in probe_spec else "grpc")
                facts["probe_patch"] = _json(
                    [{"op": "replace", "path": f"{field_path}/{key}/port", "value": declared_ports[0]["containerPort"]}]
                )
        else:
            evidence.append((f"container {cname}'s {kind} probe targets {where} (declared ports: {declared})", src))
    elif probe_spec.get("exec"):
        command = " ".join(str(c) for c in dig(probe_spec, "exec.command", []) or [])
        evidence.append((f"container {cname}'s {kind} probe runs: {scrub(command)}", src))
    timing = _probe_timing(cname, kind, probe_spec, last, src)
    if timing:
        evidence.append(timing[0])
        facts |= timing[1]
    if (
        kind == "liveness"
        and not facts.get("probe_port_mismatch")
        and not spec.get("startupProbe")
        and action
        and index is not None
    ):
        startup = {k: v for k, v in probe_spec.items() if k in ("httpGet", "tcpSocket", "grpc")}
        startup |= {"periodSeconds": 10, "failureThreshold": 30}
        facts["startup_patch"] = _json(
            [{"op": "add", "path": field_path.replace("livenessProbe", "startupProbe"), "value": startup}]
        )
    if kind == "startup" and not facts.get("probe_port_mismatch") and probe_spec and index is not None:
        # the start-up window is failureThreshold x periodSeconds: give it three times what it has
        threshold = int(probe_spec.get("failureThreshold", 3) or 3)
        facts["threshold_patch"] = _json(
            [{"op": "add", "path": f"{field_path}/failureThreshold", "value": max(threshold * 3, 30)}]
        )
    tail = _log_tail(ev, ns, name, cname)
    if tail:
        evidence.append((f"last log lines: {tail}", f"kubectl logs {name} -c {cname} -n {ns} --previous"))
    return evidence, facts


def _probe_timing(
    cname: str, kind: str, probe_spec: dict[str, Any], last: dict[str, Any], src: str
) -> tuple[tuple[str, str], dict[str, Any]] | None:
    """How long the killed instance ran, against when the probe may first kill it."""
    if not probe_spec:
        return None
    delay = int(probe_spec.get("initialDelaySeconds", 0) or 0)
    period = int(probe_spec.get("periodSeconds", 10) or 10)
    threshold = int(probe_spec.get("failureThreshold", 3) or 3)
    earliest = delay + period * threshold
    ran = _seconds_between(last.get("startedAt"), last.get("finishedAt"))
    text = (
        f"container {cname}'s {kind} probe starts after initialDelaySeconds={delay} and kills after "
        f"{threshold} failures {period}s apart: the earliest kill is about {earliest}s after start"
    )
    if ran is not None:
        text += f"; the killed instance ran {ran}s"
    return (text, src), {"initial_delay": delay, "earliest_kill_seconds": earliest, "ran_seconds": ran}


def _seconds_between(start: Any, end: Any) -> int | None:
    try:
        a = datetime.fromisoformat(str(start).replace("Z", "+00:00"))
        b = datetime.fromisoformat(str(end).replace("Z", "+00:00"))
    except ValueError:
        return None
    return max(0, int((b - a).total_seconds()))


def _container_index(pod: dict[str, Any], cname: str, *, init: bool) -> int | None:
    names = [c.get("name") for c in dig(pod, "spec.initContainers" if init else "spec.containers", []) or []]
    return names.index(cname) if cname in names else None


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _terminated_line(cname: str, status: dict[str, Any], last: dict[str, Any], src: str) -> tuple[str, str]:
    return (
        f"container {cname} exited with code {last.get('exitCode', '?')} ({last.get('reason', 'Error')}), "
        f"restarted {status.get('restartCount', 0)} times",
        src,
    )


def _previous_log(ev: Evidence, ns: str, pod: str, container: str) -> str:
    """The crashed instance's last lines: the one log read of this module (prefetched as it is)."""
    return ev.logs(ns, pod, container, previous=True, tail=20)


def _log_tail(ev: Evidence, ns: str, pod: str, container: str) -> str:
    try:
        text = _previous_log(ev, ns, pod, container)
    except (DataUnavailable, NotFound):
        return ""
    lines = [scrub(line.rstrip()) for line in text.splitlines() if line.strip()][-5:]
    return " ⏎ ".join(lines)


def _memory_facts(spec: dict[str, Any]) -> dict[str, Any]:
    limit = dig(spec, "resources.limits.memory")
    try:
        size = memory_bytes(limit) if limit else 0
    except InvalidQuantity:
        size = 0
    return {"memory_limit": limit, "suggested_memory_limit": format_memory(size * 2) if size else None}


def _missing_ref(message: str) -> dict[str, Any]:
    if match := _MISSING_KEY.search(message):
        return {
            "missing_kind": match.group("kind").lower(),
            "missing_name": match.group("name"),
            "missing_key": match.group("key"),
        }
    if match := _MISSING_CONFIG.search(message):
        return {"missing_kind": match.group("kind").lower(), "missing_name": match.group("name")}
    return {}


def _readiness(
    ev: Evidence, pod: dict[str, Any], specs: dict[str, Any]
) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    name, ns = str(dig(pod, "metadata.name")), str(dig(pod, "metadata.namespace"))
    src = f"Pod {ns}/{name}"
    evidence: list[tuple[str, str]] = []
    facts: dict[str, Any] = {"pod": name}
    try:
        unhealthy = [
            e for e in ev.events_for(pod) if e.get("reason") == "Unhealthy" and "Readiness" in str(e.get("message", ""))
        ]
    except DataUnavailable:
        unhealthy = []
    if unhealthy:
        last = unhealthy[-1]
        evidence.append(
            (f"{last.get('message')} (x{last.get('count', 1)})", f"Event {ns}/{dig(last, 'metadata.name')}")
        )
    for cname, spec in specs.items():
        probe_spec = spec.get("readinessProbe") or {}
        action = probe_spec.get("httpGet") or probe_spec.get("tcpSocket") or probe_spec.get("grpc")
        if not action:
            continue
        port = action.get("port")
        ports = {p.get("containerPort") for p in spec.get("ports") or []} | {
            p.get("name") for p in spec.get("ports") or []
        }
        declared = ", ".join(str(p.get("containerPort")) for p in spec.get("ports") or []) or "none"
        where = f"{port}{action.get('path', '')}"
        facts |= {
            "container": cname,
            "probe_port": port,
            "probe_path": action.get("path", ""),
            "container_ports": declared,
        }
        if spec.get("ports") and port not in ports:
            facts["probe_port_mismatch"] = True
            evidence.insert(
                0, (f"container {cname}'s readiness probe targets {where}, but it declares ports {declared}", src)
            )
        else:
            evidence.append((f"container {cname}'s readiness probe targets {where} (declared ports: {declared})", src))
    if not evidence:
        evidence.append((f"pod {name} is Running but not Ready", src))
    return evidence, facts


def annotation(obj: dict[str, Any] | None, key: str) -> str | None:
    """An annotation by its full key (keys hold dots, so dig() cannot reach them)."""
    return ((obj or {}).get("metadata") or {}).get("annotations", {}).get(key)


def _workload(ev: Evidence) -> dict[str, Any]:
    ns, name, kind = ev.target.namespace, ev.target.name, ev.target.kind
    key, short = _KEYS.get(kind, _KEYS["Deployment"])
    try:
        return ev.get(key, name, ns)
    except NotFound:
        try:
            names = [dig(d, "metadata.name") for d in ev.list(key, ns)]
        except DataUnavailable:
            names = []
        suggestions = closest(name, names, n=3)
        hint = (
            f"did you mean: {', '.join(suggestions)}"
            if suggestions
            else f"list them with: kubectl get {short} -n {shlex.quote(ns)}"
        )
        raise TargetNotFound(
            f"{kind.lower()} {name!r} not found in namespace {ns!r}", suggestions=suggestions, hint=hint
        ) from None


def _controller_rollout(ev: Evidence, workload: dict[str, Any]) -> Rollout:
    """A StatefulSet's or DaemonSet's pods, split into those of its update revision / current generation
    (the new pods) and the others (pods an OrderedReady or OnDelete StatefulSet left on an older revision)."""
    ns, uid = ev.target.namespace, dig(workload, "metadata.uid")
    if workload.get("kind") == "StatefulSet":
        label, value = "controller-revision-hash", dig(workload, "status.updateRevision")
    else:
        label, value = "pod-template-generation", str(dig(workload, "metadata.generation", ""))
    match = dig(workload, "spec.selector.matchLabels") or {}
    selector = ",".join(f"{k}={v}" for k, v in sorted(match.items())) or None
    try:
        owned = [
            p
            for p in ev.list("pods", ns, labels=selector)
            if any(o.get("uid") == uid for o in dig(p, "metadata.ownerReferences", []) or [])
        ]
    except DataUnavailable as exc:
        rollout = Rollout(workload, [], None)
        rollout.pods_unread = exc
        return rollout
    owned.sort(key=lambda p: str(dig(p, "metadata.name")))
    if not value:
        return Rollout(workload, [], None, owned)
    new = [p for p in owned if str(dig(p, f"metadata.labels.{label}", "")) == value]
    old = [p for p in owned if str(dig(p, f"metadata.labels.{label}", "")) != value]
    return Rollout(workload, [], None, new, old)


def _controller_state(r: Rollout, facts: dict[str, Any]) -> Outcome:
    """Complete when every replica runs the update revision (StatefulSet) or generation (DaemonSet)."""
    status = r.deployment.get("status") or {}
    src = f"{r.kind} {r.namespace}/{r.name}"
    if r.kind == "StatefulSet":
        want = dig(r.deployment, "spec.replicas", 1)
        counts = f"{status.get('updatedReplicas', 0)}/{want} updated, {status.get('readyReplicas', 0)} ready"
        done = (
            status.get("currentRevision") == status.get("updateRevision")
            and status.get("updatedReplicas", 0) >= want
            and status.get("readyReplicas", 0) >= want
        )
    else:
        want = status.get("desiredNumberScheduled", 0)
        counts = (
            f"{status.get('updatedNumberScheduled', 0)}/{want} updated, {status.get('numberAvailable', 0)} available"
        )
        done = status.get("updatedNumberScheduled", 0) >= want and status.get("numberAvailable", 0) >= want
    done = done and status.get("observedGeneration", 0) >= dig(r.deployment, "metadata.generation", 0)
    state = "complete" if done else "not complete"
    return Outcome.of(
        "complete" if done else "in-progress",
        (f"{r.kind} rollout of revision {r.revision} is {state}: {counts}", src),
        **facts,
    )


def _revision(rs: dict[str, Any]) -> int:
    return _int(annotation(rs, REVISION) or "0")


def _int(text: Any) -> int:
    try:
        return int(str(text))
    except ValueError:
        return 0


__all__ = ["Rollout", "create_failures", "deadline", "new_pods", "rollout", "rollout_state"]

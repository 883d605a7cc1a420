"""Rollout probes: is the Deployment paused, complete, blocked at pod creation, or are its new pods failing?

Semantics follow the Deployment controller
(https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#deployment-status): the new
ReplicaSet carries the Deployment's `deployment.kubernetes.io/revision`; Progressing=False with reason
ProgressDeadlineExceeded marks a rollout past spec.progressDeadlineSeconds.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from typing import Any

from ..errors import DataUnavailable, NotFound, TargetNotFound
from ..model import Outcome, Target
from ..sources.evidence import Evidence
from ..sources.selectors import dig
from .image_ref import closest
from .pods import PULL_REASONS
from .quantity import InvalidQuantity, format_memory, memory_bytes
from .registry import probe
from .scrub import scrub

REVISION = "deployment.kubernetes.io/revision"
_QUOTA = re.compile(r"exceeded quota: (?P<quota>[\w.-]+)")
_ADMISSION = re.compile(r'admission webhook "(?P<webhook>[^"]+)" denied the request')
_MISSING_CONFIG = re.compile(r'(?P<kind>configmap|secret) "(?P<name>[^"]+)" not found', re.IGNORECASE)
_MISSING_KEY = re.compile(r"couldn't find key (?P<key>\S+) in (?P<kind>ConfigMap|Secret) (?P<ns>[^/\s]+)/(?P<name>\S+)")


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
    failures = [e for e in ev.events_for(creator) if e.get("reason") == "FailedCreate"]
    if not failures:
        return Outcome.of("none", f"{creator_name} reports no FailedCreate events")
    event = failures[-1]
    message = " ".join(str(event.get("message", "")).split())
    src = f"Event {r.namespace}/{dig(event, 'metadata.name')} on {creator_name} (x{event.get('count', 1)})"
    if match := _QUOTA.search(message):
        return Outcome.of("quota", (message, src), quota=match.group("quota"), create_message=message)
    webhook = _ADMISSION.search(message)
    return Outcome.of(
        "admission", (message, src), webhook=webhook.group("webhook") if webhook else "", create_message=message
    )


@probe(
    "rollout.new_pods",
    outcomes=("image-pull", "pending", "crashloop", "oomkilled", "not-ready", "config-error", "starting", "no-pods"),
)
def new_pods(ev: Evidence) -> Outcome:
    """What is wrong with the new ReplicaSet's pods?"""
    r = rollout(ev)
    if not r.new_pods:
        return Outcome.of("no-pods", f"ReplicaSet {r.new_rs_name or '(none)'} has no pods")
    findings = [_pod_problem(ev, pod) for pod in r.new_pods]
    order = ("config-error", "image-pull", "oomkilled", "crashloop", "pending", "not-ready")
    for answer in order:
        hit = next((f for f in findings if f.answer == answer), None)
        if hit is not None:
            others = sum(1 for f in findings if f.answer == answer) - 1
            more = f" (and {others} more pod{'s' if others != 1 else ''} of the new ReplicaSet)" if others > 0 else ""
            hit.evidence[0] = (hit.evidence[0][0] + more, hit.evidence[0][1])
            return Outcome.of(answer, *hit.evidence, **hit.facts)
    return Outcome.of("starting", f"{len(r.new_pods)} new pod(s) of {r.new_rs_name} are starting without errors")


@probe("rollout.deadline", outcomes=("exceeded", "within"))
def deadline(ev: Evidence) -> Outcome:
    """Has the rollout passed its progress deadline (Progressing=False, ProgressDeadlineExceeded)?"""
    r = rollout(ev)
    if r.kind != "Deployment":
        note = f"{r.kind} rollouts have no progress deadline: the new pods are starting without errors"
        return Outcome.of("within", f"{r.kind} {r.name} has no progress deadline", notes=[note])
    cond = next((c for c in dig(r.deployment, "status.conditions", []) or [] if c.get("type") == "Progressing"), {})
    src = f"Deployment {r.namespace}/{r.name} condition Progressing"
    seconds = dig(r.deployment, "spec.progressDeadlineSeconds", 600)
    if cond.get("status") == "False" and cond.get("reason") == "ProgressDeadlineExceeded":
        return Outcome.of("exceeded", (f"ProgressDeadlineExceeded after {seconds}s: {cond.get('message', '')}", src))
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

    def facts(self) -> dict[str, Any]:
        """Facts every rollout cause uses."""
        deployment = self.kind == "Deployment"
        return {
            "deployment": self.name,
            "workload": f"{self.kind.lower()}/{self.name}",
            "revision": self.revision,
            "previous_revision": self.previous_revision if deployment else None,
            "undo_previous": not deployment,  # StatefulSet/DaemonSet: `rollout undo` returns to the previous revision
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
    ns = ev.target.namespace
    deployment = _workload(ev)
    if ev.target.kind in ("StatefulSet", "DaemonSet"):
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
    if new_rs is not None:
        hash_label = dig(new_rs, "metadata.labels.pod-template-hash")
        selector = f"pod-template-hash={hash_label}" if hash_label else None
        rs_uid = dig(new_rs, "metadata.uid")
        pods = [
            p
            for p in ev.list("pods", ns, labels=selector)
            if any(o.get("uid") == rs_uid for o in dig(p, "metadata.ownerReferences", []) or [])
        ]
    return Rollout(deployment, owned, new_rs, sorted(pods, key=lambda p: str(dig(p, "metadata.name"))))


@dataclass
class _Finding:
    answer: str
    evidence: list[tuple[str, str]]
    facts: dict[str, Any]


def _pod_problem(ev: Evidence, pod: dict[str, Any]) -> _Finding:
    name, ns = str(dig(pod, "metadata.name")), str(dig(pod, "metadata.namespace"))
    src = f"Pod {ns}/{name}"
    base: dict[str, Any] = {"pod": name}
    specs = {c["name"]: c for c in dig(pod, "spec.containers", []) or []}
    for status in (dig(pod, "status.initContainerStatuses", []) or []) + (
        dig(pod, "status.containerStatuses", []) or []
    ):
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
        if reason == "CrashLoopBackOff" or (
            last and last.get("exitCode", 0) != 0 and status.get("restartCount", 0) > 0
        ):
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


def _terminated_line(cname: str, status: dict[str, Any], last: dict[str, Any], src: str) -> tuple[str, str]:
    return (
        f"container {cname} exited with code {last.get('exitCode', '?')} ({last.get('reason', 'Error')}), "
        f"restarted {status.get('restartCount', 0)} times",
        src,
    )


def _log_tail(ev: Evidence, ns: str, pod: str, container: str) -> str:
    try:
        text = ev.logs(ns, pod, container, previous=True, tail=20)
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
    """A StatefulSet's or DaemonSet's new pods: those of its update revision / current generation."""
    ns, uid = ev.target.namespace, dig(workload, "metadata.uid")
    if workload.get("kind") == "StatefulSet":
        label, value = "controller-revision-hash", dig(workload, "status.updateRevision")
    else:
        label, value = "pod-template-generation", str(dig(workload, "metadata.generation", ""))
    selector = f"{label}={value}" if value else None
    pods = [
        p
        for p in ev.list("pods", ns, labels=selector)
        if any(o.get("uid") == uid for o in dig(p, "metadata.ownerReferences", []) or [])
    ]
    return Rollout(workload, [], None, sorted(pods, key=lambda p: str(dig(p, "metadata.name"))))


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

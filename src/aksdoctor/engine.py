"""The engine: walk a runbook's decision tree over Evidence and return a Diagnosis.

Probes of a runbook do not depend on each other's answers (they read the memoized Evidence), so the
engine starts them all at once on daemon threads and then follows the tree, waiting only for the
probes on the path. A probe that is not on the path costs a little I/O, never time on the path; a
probe still running at the deadline never keeps the process alive.
"""

from __future__ import annotations

import queue
import re
import shlex
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from .errors import DataUnavailable, NotFound, SourceUnavailable, TargetNotFound, UsageError
from .model import UNKNOWN, Cause, Diagnosis, Fact, Fix, Gauge, Outcome, Skipped, SourceInfo, Status, Step, Target
from .probes.registry import ProbeSpec
from .runbook import CauseTemplate, Runbook, fill, missing_fields, shell_variable, template_fields

if TYPE_CHECKING:  # the engine reads Evidence through its methods only: no source or client import
    from .sources.evidence import Evidence


class Engine:
    """Runs runbooks; knows the probe registry and every runbook (for hand-overs)."""

    def __init__(self, probes: Mapping[str, ProbeSpec], runbooks: Mapping[str, Runbook]) -> None:
        self.probes = probes
        self.runbooks = runbooks

    def run(self, runbook_id: str, ev: Evidence, *, source: SourceInfo, deadline: float | None = None) -> Diagnosis:
        """Diagnose ev.target with one runbook."""
        if runbook_id not in self.runbooks:
            raise UsageError(f"unknown runbook {runbook_id!r}", hint=f"runbooks: {', '.join(sorted(self.runbooks))}")
        started = datetime.now(timezone.utc)
        t0 = time.perf_counter()
        if deadline is None:
            deadline = getattr(ev.options, "deadline", None) or time.monotonic() + ev.options.timeout
        if ev.target.kind == "Pod":
            from .probes.owners import prefetch_owner

            prefetch_owner(ev)  # the fix is fitted to the pod's owner: its chain is read beside the walk, not after
        walk = self._walk(self.runbooks[runbook_id], ev, deadline=deadline)
        source.cluster = source.cluster or cluster_id(walk.facts)
        diagnosis = Diagnosis(
            runbook=runbook_id,
            target=ev.target,
            source=source,
            status=walk.status,
            causes=walk.causes,
            trace=walk.trace,
            skipped=_unique(walk.skipped),
            notes=list(dict.fromkeys(walk.notes)),
            evidence=walk.evidence,
            gauges=walk.gauges,
            started_at=started.strftime("%Y-%m-%dT%H:%M:%SZ"),
            duration_ms=int((time.perf_counter() - t0) * 1000),
            title=self.runbooks[runbook_id].title,
        )
        return diagnosis

    def _walk(self, book: Runbook, ev: Evidence, *, deadline: float) -> _Walk:
        futures = {pid: _spawn(_run_probe, self.probes[pid], ev) for pid in book.probe_ids}
        walk = _Walk()
        facts: dict[str, Any] = _base_facts(ev)
        evidence: list[Fact] = []
        name = book.start
        for _ in range(len(book.nodes) + 1):
            node = book.nodes[name]
            outcome, ms = _result(futures[node.probe], node.probe, deadline)
            walk.trace.append(Step(node.probe, outcome.answer, ms, node=node.name, question=node.question))
            walk.skipped.extend(outcome.skipped)
            walk.notes.extend(_notes(outcome.facts))
            walk.gauges.extend(outcome.facts.get("gauges") or [])
            if outcome.facts.get("followups"):
                walk.followup_probes.add(node.probe)
            facts.update({k: v for k, v in outcome.facts.items() if v is not None and k not in ("notes", "gauges")})
            evidence.extend(_facts(node.probe, outcome))
            walk.evidence = evidence
            walk.facts = facts
            dest = node.on.get(outcome.answer) or ("inconclusive" if outcome.answer == UNKNOWN else "")
            if not dest:
                walk.skipped.append(
                    Skipped(node.probe, f"runbook {book.id} has no branch for answer {outcome.answer!r}")
                )
                dest = "inconclusive"
            if dest in book.nodes:
                name = dest
                continue
            self._leaf(book, dest, ev, facts, evidence, walk, deadline, via_unknown=outcome.answer == UNKNOWN)
            self._outrank(book, futures, ev, facts, walk, deadline)
            return walk
        raise AssertionError("runbook walk did not end")  # validation rejects cycles

    def _leaf(
        self,
        book: Runbook,
        dest: str,
        ev: Evidence,
        facts: dict[str, Any],
        evidence: list[Fact],
        walk: _Walk,
        deadline: float,
        *,
        via_unknown: bool = False,
    ) -> None:
        if dest == "healthy":
            walk.status = Status.HEALTHY
            return
        if dest == "inconclusive":
            walk.status = Status.INCONCLUSIVE
            return
        template = book.causes[dest[len("cause/") :]]
        facts.update(_coordinates_for(template, ev, facts))
        cause = build_cause(template, facts, evidence, ev)
        if via_unknown and not facts.get("confidence") and cause.confidence == "high":
            # the last question could not be answered (see skipped): the cause stands on what was read, not on all
            cause.confidence = "medium"
        walk.status = Status.PROBLEM
        walk.causes.append(cause)
        if template.handover and (not template.handover_when or facts.get(template.handover_when)):
            # The hand-over runs the other runbook on the object a probe named (a pod of a new
            # ReplicaSet, say) with the same memoized reads; its causes nest under this one.
            target = facts.get("handover_target")
            nested_ev = ev.for_target(target) if target is not None else ev
            try:
                nested = self._walk(self.runbooks[template.handover], nested_ev, deadline=deadline)
            except TargetNotFound as err:  # the object the probe named is gone (or not served): say so, keep the cause
                nested = None
                walk.skipped.append(Skipped(f"{template.handover} (nested)", f"not diagnosed: {err}", err.hint or ""))
            if nested is not None:
                cause.nested.extend(nested.causes)
                walk.trace.extend(nested.trace)
                walk.skipped.extend(nested.skipped)
                walk.notes.extend(nested.notes)
        # Consequences a probe on the path found (fact `followups`: cause ids of this runbook) follow the cause,
        # each with that probe's evidence.
        found_by = next((f.probe for f in reversed(evidence) if f.probe in walk.followup_probes), None)
        for extra in facts.get("followups") or []:
            if extra in book.causes and all(c.id != extra for c in walk.causes):
                own = [f for f in evidence if f.probe == found_by] or evidence
                walk.causes.append(build_cause(book.causes[extra], facts, own, ev))

    def _outrank(
        self,
        book: Runbook,
        futures: dict[str, Future[tuple[Outcome, int]]],
        ev: Evidence,
        facts: dict[str, Any],
        walk: _Walk,
        deadline: float,
    ) -> None:
        """A higher-level explanation the same run saw (a quota, a full subnet: `outrank` in the runbook) ranks
        above the local cause the walk reached; the local one is kept as an "also seen" note."""
        if not walk.causes or not book.outrank:
            return
        reached = book.causes.get(walk.causes[0].id)
        if reached is None or reached.rank != "local":
            return
        for rule in book.outrank:
            if rule.probe not in futures:
                continue
            outcome, ms = _result(futures[rule.probe], rule.probe, deadline)
            if outcome.answer != rule.answer:
                continue
            template = book.causes[rule.cause]
            merged = dict(facts)
            merged.update({k: v for k, v in outcome.facts.items() if v is not None and k not in ("notes", "gauges")})
            merged.update(_coordinates_for(template, ev, merged))
            cause = build_cause(template, merged, [*walk.evidence, *_facts(rule.probe, outcome)], ev)
            local = walk.causes[0]
            spec = self.probes[rule.probe]
            walk.trace.append(Step(rule.probe, outcome.answer, ms, node="outrank", question=spec.question))
            walk.skipped.extend(outcome.skipped)
            walk.notes.extend(_notes(outcome.facts))
            walk.notes.append(
                f"also seen: {local.title} ({local.id}); {template.id} ranks first: it is why capacity cannot follow"
                if template.rank == "capacity"
                else f"also seen: {local.title} ({local.id}); {template.id} ranks first: it explains it one level up"
            )
            walk.causes = [cause, *walk.causes[1:]]
            return


class _Walk:
    def __init__(self) -> None:
        self.status = Status.INCONCLUSIVE
        self.causes: list[Cause] = []
        self.trace: list[Step] = []
        self.skipped: list[Skipped] = []
        self.notes: list[str] = []
        self.evidence: list[Fact] = []
        self.facts: dict[str, Any] = {}
        self.gauges: list[Gauge] = []
        self.followup_probes: set[str] = set()


def not_diagnosed(target: Target, source: SourceInfo, reason: str | None) -> Diagnosis:
    """The verdict when no runbook runs: healthy (no reason), or inconclusive because none covers the object."""
    fact = "it is running and ready: nothing to diagnose" if reason is None else f"{reason}: no runbook fits"
    return Diagnosis(
        runbook="diagnose",
        target=target,
        source=source,
        status=Status.HEALTHY if reason is None else Status.INCONCLUSIVE,
        evidence=[Fact("diagnose.route", fact, str(target))],
        notes=[] if reason is None else [f"{reason}; no runbook covers this yet"],
        started_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        title="Pick the runbook that fits",
    )


def build_cause(
    template: CauseTemplate, facts: dict[str, Any], evidence: list[Fact], ev: Evidence | None = None
) -> Cause:
    """A Cause from its template and the facts and evidence gathered on the path; with the run's Evidence, each
    kubectl fix is fitted to the kind and the owner of the object it names (probes/owners.py)."""
    fixes: list[Fix] = []
    found: set[str] = set()
    for f in template.fix:
        if f.when and not facts.get(f.when):
            continue
        explain = fill(f.explain, facts, shell=False)
        unset = [n for n in dict.fromkeys(missing_fields(f.command, facts)) if shell_variable(n) not in found]
        for finder in _finders(unset, facts):
            fixes.append(finder)
            found.update(shell_variable(n) for n in unset if shell_variable(n) in finder.command)
        left = [shell_variable(n) for n in unset if shell_variable(n) not in found]
        if left:
            names = " and ".join(left)
            explain += f" (set {names} first: the evidence does not hold {'them' if len(left) > 1 else 'it'})"
            found.update(left)
        fixes.append(Fix(fill(f.command, facts, shell=True), explain))
    if ev is not None:
        from .probes.owners import fit

        fixes = fit(ev, fixes, facts)
    return Cause(
        id=template.id,
        title=fill(template.title, facts, shell=False),
        confidence=str(facts.get("confidence") or template.confidence),
        summary=fill(template.summary, facts, shell=False),
        evidence=list(evidence),
        fix=fixes,
        docs=template.docs,
    )


def _run_probe(spec: ProbeSpec, ev: Evidence) -> tuple[Outcome, int]:
    t0 = time.perf_counter()
    try:
        outcome = spec.fn(ev)
    except (SourceUnavailable, UsageError):
        raise
    except DataUnavailable as exc:
        outcome = Outcome.unknown(skipped=[Skipped(spec.id, f"could not {exc.what}: {exc.reason}", exc.grant)])
    except NotFound as exc:
        outcome = Outcome.unknown(skipped=[Skipped(spec.id, f"{exc.what} not found")])
    except Exception as exc:  # noqa: BLE001 - one probe never sinks a run; the failure shows in the report
        outcome = Outcome.unknown(skipped=[Skipped(spec.id, f"probe failed: {type(exc).__name__}: {exc}")])
    return outcome, int((time.perf_counter() - t0) * 1000)


def _result(future: Future[tuple[Outcome, int]], probe_id: str, deadline: float) -> tuple[Outcome, int]:
    try:
        return future.result(timeout=max(0.0, deadline - time.monotonic()))
    except FutureTimeout:
        return Outcome.unknown(skipped=[Skipped(probe_id, "timed out before the --timeout deadline")]), 0


def spawn(fn: Any, *args: Any) -> Future[Any]:
    """fn(*args) on a daemon thread (it never keeps the process alive past the deadline)."""
    return _spawn(fn, *args)


def _spawn(fn: Any, *args: Any) -> Future[Any]:
    future: Future[Any] = Future()

    def runner() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(fn(*args))
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
            future.set_exception(exc)

    _WORKERS.run(runner)
    return future


class _Workers:
    """Daemon threads kept for the next job once theirs is done: a new thread only when every kept one is busy,
    so a job never queues behind another (a probe that waits for one it started cannot deadlock), and a job that
    hangs past the deadline holds only its own thread. Starting a thread per probe was a sixth of a 10k-pod scan's
    CPU (a scan runs a few probes for each of hundreds of findings)."""

    def __init__(self, keep: int) -> None:
        self._idle: list[queue.SimpleQueue[Callable[[], None]]] = []
        self._lock = threading.Lock()
        self._keep = keep

    def run(self, job: Callable[[], None]) -> None:
        with self._lock:
            inbox = self._idle.pop() if self._idle else None
        if inbox is None:
            inbox = queue.SimpleQueue()
            threading.Thread(target=self._work, args=(inbox,), daemon=True, name="aksdoctor-worker").start()
        inbox.put(job)

    def _work(self, inbox: queue.SimpleQueue[Callable[[], None]]) -> None:
        while True:
            inbox.get()()
            with self._lock:
                if len(self._idle) >= self._keep:
                    return
                self._idle.append(inbox)


_WORKERS = _Workers(keep=32)


def _base_facts(ev: Evidence) -> dict[str, Any]:
    return {"namespace": ev.target.namespace, "name": ev.target.name, "pod": ev.target.name}


_COORDINATES = ("subscription", "resource_group", "cluster")
_PROVIDER_ID = re.compile(r"^azure:///subscriptions/(?P<sub>[^/]+)/resourceGroups/(?P<rg>[^/]+)/providers/", re.I)


def _coordinates_for(template: CauseTemplate, ev: Evidence, facts: dict[str, Any]) -> dict[str, Any]:
    """The cluster's Azure coordinates when the cause's texts need them and the path did not find them."""
    texts = (template.title, template.summary, *(f.command for f in template.fix))
    used = {name for text in texts for name in template_fields(text)}
    wanted = {*_COORDINATES, "node_resource_group"}
    if not (used & wanted) or all(facts.get(k) for k in used & wanted):
        return {}
    try:
        coords = ev.cluster_coordinates()
    except (DataUnavailable, NotFound):
        coords = _node_coordinates(ev)
    return {k: v for k, v in coords.items() if v and not facts.get(k)}


def _node_coordinates(ev: Evidence) -> dict[str, str]:
    """What the nodes say of the cluster's Azure home when Azure was not read: the subscription and node resource
    group of a node's providerID (the label kubernetes.azure.com/cluster keeps the group's case)."""
    try:
        node = ev.any_node()
    except (DataUnavailable, NotFound):
        return {}
    match = _PROVIDER_ID.match(str((node.get("spec") or {}).get("providerID") or ""))
    if not match:
        return {}
    label = str(((node.get("metadata") or {}).get("labels") or {}).get("kubernetes.azure.com/cluster", ""))
    node_rg = label if label.lower() == match.group("rg").lower() else match.group("rg")
    return {"subscription": match.group("sub"), "node_resource_group": node_rg}


def _finders(unset: list[str], facts: dict[str, Any]) -> list[Fix]:
    """Read-only commands that set the shell variables standing for facts the evidence lacks."""
    out = []
    wanted = set(unset)
    if wanted & {"resource_group", "cluster"}:
        node_rg, sub = facts.get("node_resource_group"), facts.get("subscription")
        if node_rg:
            where = f" --subscription {shlex.quote(str(sub))}" if sub else ""
            out.append(Fix(
                f"CLUSTER_ID=$(az group show -n {shlex.quote(str(node_rg))}{where} --query managedBy -o tsv)"
                ' && RESOURCE_GROUP=$(echo "$CLUSTER_ID" | cut -d/ -f5) && CLUSTER=$(echo "$CLUSTER_ID" | cut -d/ -f9)',
                f"sets RESOURCE_GROUP and CLUSTER: the nodes run in node resource group {node_rg}, which the "
                "cluster owns (its managedBy is the cluster's id)",
                kind="check",
            ))
        else:
            out.append(Fix(
                'az aks list --query "[].{resourceGroup:resourceGroup, name:name, nodeResourceGroup:nodeResourceGroup}"'
                " -o table",
                "find the cluster (no node names an Azure resource group); set RESOURCE_GROUP=... CLUSTER=... from it",
                kind="check",
            ))
    if "subscription" in wanted:
        out.append(Fix(
            "SUBSCRIPTION=$(az account show --query id -o tsv)",
            "sets SUBSCRIPTION to the az CLI's current subscription: check it is the cluster's",
            kind="check",
        ))
    return out


def cluster_id(facts: dict[str, Any]) -> str:
    """The managed cluster's ARM id when the facts hold its coordinates."""
    if not all(facts.get(k) for k in _COORDINATES):
        return ""
    return (
        f"/subscriptions/{facts['subscription']}/resourceGroups/{facts['resource_group']}"
        f"/providers/Microsoft.ContainerService/managedClusters/{facts['cluster']}"
    )


def _facts(probe_id: str, outcome: Outcome) -> list[Fact]:
    out = []
    for item in outcome.evidence:
        text, source = (item, "") if isinstance(item, str) else item
        out.append(Fact(probe_id, text, source))
    return out


def _notes(facts: dict[str, Any]) -> list[str]:
    notes = facts.get("notes") or []
    return [notes] if isinstance(notes, str) else list(notes)


def _unique(skipped: list[Skipped]) -> list[Skipped]:
    return list(dict.fromkeys(skipped))


__all__ = ["Engine", "build_cause", "cluster_id", "not_diagnosed", "spawn"]

"""What the scheduler and the cluster autoscaler wrote on a pending pod, parsed into counts and names.

The texts are not the verdict (runbook `pending` checks every reason against the objects); they are
evidence, and the hint of what to check.

kube-scheduler, FitError.Error() (pkg/scheduler/framework/types.go):
    "0/5 nodes are available: <PreFilterMsg>. <n reason, n reason, ...>. <PostFilterMsg>"
with the filter reasons sorted as strings ("1 Insufficient cpu, 2 node(s) had untolerated taint {k: v}")
and the PostFilter (preemption) tail "preemption: 0/5 nodes are available: 5 No preemption victims
found for incoming pod." Reason texts, by plugin (pkg/scheduler/framework/plugins/...):
  noderesources/fit.go        "Insufficient cpu", "Insufficient memory", "Insufficient <resource>", "Too many pods"
  tainttoleration             "node(s) had untolerated taint {key: value}" (1.25+); 1.33+ may print
                              "node(s) had untolerated taint(s)"; before 1.25
                              "node(s) had taint {key: value}, that the pod didn't tolerate"
  nodeaffinity                "node(s) didn't match Pod's node affinity/selector"
  nodeunschedulable           "node(s) were unschedulable"
  interpodaffinity            "node(s) didn't match pod anti-affinity rules",
                              "node(s) didn't satisfy existing pods anti-affinity rules",
                              "node(s) didn't match pod affinity rules"
  podtopologyspread           "node(s) didn't match pod topology spread constraints[ (missing required label)]"
  volumebinding               "node(s) had volume node affinity conflict",
                              "node(s) didn't find available persistent volumes to bind",
                              "pod has unbound immediate PersistentVolumeClaims" (PreFilter)
  volumezone                  "node(s) had no available volume zone"

cluster-autoscaler, processors/status/eventing_scale_up_processor.go:
  TriggeredScaleUp   "pod triggered scale-up: [{aks-nodepool1-31718369-vmss 1->2 (max: 3)}]"
                     (ScaleUpInfo.String(): "{%v %v->%v (max: %v)}", group id, current, new, max)
  NotTriggerScaleUp  "pod didn't trigger scale-up: 1 max node group size reached, 2 node(s) had untolerated taint {...}"
                     (skipped reasons, core/scaleup/orchestrator: "max node group size reached",
                     "in backoff after failed scale-up", "not ready for scale-up", "max cluster cpu limit reached")
  FailedToScaleUpGroup (on the cluster-autoscaler-status ConfigMap) "Scale-up failed for group %s: %v"
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field


class Reason(str, enum.Enum):
    """What a scheduler (or autoscaler) reason text is about."""

    CPU = "cpu"
    MEMORY = "memory"
    PODS = "pods"
    OTHER_RESOURCE = "other-resource"
    NOT_READY = "not-ready"
    UNSCHEDULABLE = "unschedulable"
    TAINT = "taint"
    SELECTOR = "selector"
    ANTI_AFFINITY = "anti-affinity"
    AFFINITY = "affinity"
    SPREAD = "topology-spread"
    VOLUME_ZONE = "volume-zone"
    VOLUME_BIND = "volume-bind"
    UNBOUND_PVC = "unbound-pvc"
    PORTS = "ports"
    MAX_GROUP_SIZE = "max-node-group-size"
    BACKOFF = "backoff"
    OTHER = "other"


# Taints the node lifecycle controller sets on NotReady / unreachable nodes
# (k8s.io/api/core/v1 well_known_taints.go).
NOT_READY_TAINTS = ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable")

_HEAD = re.compile(r"^\s*0/(\d+) nodes are available(?::\s*(.*))?$", re.DOTALL)
_SPLIT = re.compile(r"(?:,|\.)\s+(?=\d+ )")
_COUNTED = re.compile(r"^(\d+) (.+?)\.?$", re.DOTALL)
_TAINT = re.compile(
    r"(?:had untolerated taint|had taint) \{(?P<key>[^:}]*):\s*(?P<value>[^}]*)\}",
)
_SCALE_UP = re.compile(r"\{(?P<group>\S+) (?P<current>\d+)->(?P<new>\d+) \(max: (?P<max>\d+)\)\}")


@dataclass(frozen=True)
class ReasonCount:
    """One "N <reason>" entry of a scheduler or autoscaler message."""

    count: int
    text: str
    kind: Reason
    taint_key: str = ""
    taint_value: str = ""


@dataclass(frozen=True)
class SchedulingMessage:
    """A FailedScheduling message: nodes in the cluster, per-reason counts, the PreFilter and preemption parts."""

    raw: str
    total_nodes: int | None = None
    reasons: tuple[ReasonCount, ...] = ()
    prefilter: str = ""
    preemption: str = ""

    def count(self, kind: Reason) -> int:
        """Nodes the message gives for one kind of reason."""
        return sum(r.count for r in self.reasons if r.kind is kind)

    def kinds(self) -> dict[Reason, int]:
        """Node counts by kind of reason (a PreFilter failure counts for every node)."""
        out: dict[Reason, int] = {}
        for r in self.reasons:
            out[r.kind] = out.get(r.kind, 0) + r.count
        if self.prefilter:
            kind = classify_reason(self.prefilter)
            out[kind] = out.get(kind, 0) + (self.total_nodes or 0)
        return out

    def dominant(self) -> Reason | None:
        """The kind of reason that rules out the most nodes."""
        kinds = self.kinds()
        return max(kinds, key=lambda k: kinds[k]) if kinds else None

    def summary(self) -> str:
        """'2 Insufficient cpu, 1 node(s) had untolerated taint {CriticalAddonsOnly: true}'."""
        parts = [self.prefilter] if self.prefilter else []
        parts += [f"{r.count} {r.text}" for r in self.reasons]
        return ", ".join(parts)


@dataclass(frozen=True)
class ScaleUp:
    """One node group of a TriggeredScaleUp message."""

    group: str
    current: int
    new: int
    max: int


@dataclass(frozen=True)
class NoScaleUp:
    """A NotTriggerScaleUp message: why no node group would help."""

    raw: str
    reasons: tuple[ReasonCount, ...] = field(default=())

    def count(self, kind: Reason) -> int:
        """Node groups rejected for this kind of reason."""
        return sum(r.count for r in self.reasons if r.kind is kind)


def parse_scheduling_message(message: str) -> SchedulingMessage:
    """Parse a FailedScheduling message (or a PodScheduled=False condition message)."""
    text = " ".join((message or "").split())
    head, preemption = _split_preemption(text)
    match = _HEAD.match(head)
    if not match:
        # "no nodes available to schedule pods" (an empty cluster), or a message from another scheduler
        kind = classify_reason(head)
        single = (ReasonCount(0, head, kind),) if kind is not Reason.OTHER else ()
        return SchedulingMessage(raw=text, total_nodes=0 if "no nodes available" in head else None, reasons=single)
    total = int(match.group(1))
    body = (match.group(2) or "").strip()
    prefilter, reasons = "", []
    for piece in _SPLIT.split(body):
        part = piece.strip().rstrip(".").strip()
        if not part:
            continue
        counted = _COUNTED.match(part)
        if counted:
            reasons.append(reason_count(int(counted.group(1)), counted.group(2)))
        else:
            prefilter = f"{prefilter}. {part}" if prefilter else part
    return SchedulingMessage(
        raw=text, total_nodes=total, reasons=tuple(reasons), prefilter=prefilter, preemption=preemption
    )


def parse_scale_up(message: str) -> list[ScaleUp]:
    """The node groups of a TriggeredScaleUp message."""
    return [
        ScaleUp(m.group("group"), int(m.group("current")), int(m.group("new")), int(m.group("max")))
        for m in _SCALE_UP.finditer(message or "")
    ]


def parse_no_scale_up(message: str) -> NoScaleUp:
    """The reasons of a NotTriggerScaleUp message ("pod didn't trigger scale-up: 1 max node group size reached")."""
    text = " ".join((message or "").split())
    body = text.split(":", 1)[1] if ":" in text else ""
    reasons = []
    for part in _SPLIT.split(body.strip()):
        counted = _COUNTED.match(part.strip().rstrip(",").strip())
        if counted:
            reasons.append(reason_count(int(counted.group(1)), counted.group(2)))
    if "wouldn't fit if a new node is added" in text:  # cluster-autoscaler before 1.22
        reasons.append(ReasonCount(0, "it wouldn't fit if a new node is added", Reason.OTHER_RESOURCE))
    return NoScaleUp(raw=text, reasons=tuple(reasons))


def reason_count(count: int, text: str) -> ReasonCount:
    """One counted reason, classified; taints keep their key and value."""
    kind = classify_reason(text)
    taint = _TAINT.search(text)
    if taint:
        return ReasonCount(count, text, kind, taint.group("key").strip(), taint.group("value").strip())
    return ReasonCount(count, text, kind)


def classify_reason(text: str) -> Reason:
    """The kind of one reason text."""
    low = text.lower()
    for needle, kind in _KINDS:
        if needle in low:
            if kind is Reason.TAINT and any(t in low for t in NOT_READY_TAINTS):
                return Reason.NOT_READY
            return kind
    return Reason.OTHER


def scale_failure_kind(text: str) -> str:
    """'quota', 'subnet', 'allocation' or '' for an Azure scale-up error text.

    Texts as AKS and the VMSS API report them (relayed by the cluster autoscaler's FailedToScaleUpGroup and
    its status ConfigMap's backoffInfo): "Operation could not be completed as it results in exceeding approved
    standardDSv3Family Cores quota" (Code QuotaExceeded, or OperationNotAllowed in older API versions), the
    classic "Operation results in exceeding quota limits of Core. Maximum allowed: 10, Current in use: 10,
    Additional requested: 4.", "ErrCode_InsufficientVCPUQuota", "Code='SubnetIsFull' Message='Subnet ...
    doesn't have enough capacity for IP addresses.'", "... does not have enough capacity for 31 IP
    addresses", InsufficientSubnetSize (AKS FAQ), "ZonalAllocationFailed", "SkuNotAvailable".
    """
    low = " ".join((text or "").lower().split())
    if any(
        k in low
        for k in (
            "exceeding approved",
            "exceeding quota limit",  # "... quota limits of Core." and "... quota limit of standardDSv3Family Cores."
            "quotaexceeded",
            "insufficientvcpuquota",
            "insufficient vcpu quota",
        )
    ) or ("operationnotallowed" in low and "quota" in low):
        return "quota"
    if any(k in low for k in ("subnetisfull", "insufficientsubnetsize", "subnet is full")) or _SUBNET_CAPACITY.search(
        low
    ):
        return "subnet"
    if any(k in low for k in ("allocationfailed", "skunotavailable", "overconstrainedallocationrequest")):
        return "allocation"
    return ""


_SUBNET_CAPACITY = re.compile(r"(?:does not|doesn't|do not|don't) have enough capacity for (?:\d+ )?ip addresses")


def _split_preemption(text: str) -> tuple[str, str]:
    for marker in (". preemption:", " preemption:"):
        at = text.find(marker)
        if at >= 0:
            return text[:at].rstrip(". ") + ".", text[at + len(marker) :].strip()
    if text.startswith("preemption:"):
        return "", text[len("preemption:") :].strip()
    return text, ""


# Order matters: the first needle found decides.
_KINDS: tuple[tuple[str, Reason], ...] = (
    ("insufficient cpu", Reason.CPU),
    ("insufficient memory", Reason.MEMORY),
    ("too many pods", Reason.PODS),
    ("insufficient ", Reason.OTHER_RESOURCE),
    ("untolerated taint", Reason.TAINT),
    ("had taint", Reason.TAINT),
    ("taints that the pod didn't tolerate", Reason.TAINT),
    ("were unschedulable", Reason.UNSCHEDULABLE),
    ("node affinity/selector", Reason.SELECTOR),
    ("didn't match pod's node affinity", Reason.SELECTOR),
    ("anti-affinity", Reason.ANTI_AFFINITY),
    ("pod affinity", Reason.AFFINITY),
    ("topology spread", Reason.SPREAD),
    ("volume node affinity conflict", Reason.VOLUME_ZONE),
    ("no available volume zone", Reason.VOLUME_ZONE),
    ("unbound immediate persistentvolumeclaims", Reason.UNBOUND_PVC),
    ("persistentvolumeclaim", Reason.UNBOUND_PVC),
    ("persistent volumes to bind", Reason.VOLUME_BIND),
    ("free ports", Reason.PORTS),
    ("max node group size reached", Reason.MAX_GROUP_SIZE),
    ("in backoff after failed scale-up", Reason.BACKOFF),
)


__all__ = [
    "NOT_READY_TAINTS",
    "NoScaleUp",
    "Reason",
    "ReasonCount",
    "ScaleUp",
    "SchedulingMessage",
    "classify_reason",
    "parse_no_scale_up",
    "parse_scale_up",
    "parse_scheduling_message",
    "reason_count",
    "scale_failure_kind",
]

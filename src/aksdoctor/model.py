"""The data every layer shares: outcomes of probes, causes, and the diagnosis a command returns."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class ExitStatus(enum.IntEnum):
    """Process exit codes: the contract in specs/json-output.md."""

    HEALTHY = 0
    PROBLEM = 1
    USAGE = 2
    INCONCLUSIVE = 3
    UNREACHABLE = 4
    INTERNAL = 5
    INTERRUPTED = 130


class Status(str, enum.Enum):
    """The verdict of one diagnosis."""

    PROBLEM = "problem"
    HEALTHY = "healthy"
    INCONCLUSIVE = "inconclusive"

    @property
    def exit_status(self) -> ExitStatus:
        """The exit code this verdict maps to."""
        return {
            Status.PROBLEM: ExitStatus.PROBLEM,
            Status.HEALTHY: ExitStatus.HEALTHY,
            Status.INCONCLUSIVE: ExitStatus.INCONCLUSIVE,
        }[self]


YES, NO, UNKNOWN = "yes", "no", "unknown"


@dataclass(frozen=True)
class Fact:
    """One piece of evidence: what a probe saw, and where it read it."""

    probe: str
    fact: str
    source: str = ""

    def to_json(self) -> dict[str, str]:
        """The report form of this fact."""
        return {"probe": self.probe, "fact": self.fact, "source": self.source}


@dataclass(frozen=True)
class Skipped:
    """A probe that could not read what it needed, and how to let it."""

    probe: str
    reason: str
    grant: str = ""

    def to_json(self) -> dict[str, str]:
        """The report form, with the grant hint only when there is one."""
        out = {"probe": self.probe, "reason": self.reason}
        if self.grant:
            out["grant"] = self.grant
        return out


@dataclass
class Outcome:
    """What a probe answers: a branch name, the facts it found, and the evidence for them."""

    answer: str
    facts: dict[str, Any] = field(default_factory=dict)
    evidence: list[str | tuple[str, str]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @classmethod
    def of(cls, answer: str, *evidence: str | tuple[str, str], **facts: Any) -> Outcome:
        """An outcome with a named answer; evidence is text or (text, source) pairs."""
        return cls(answer=answer, facts=facts, evidence=list(evidence))

    @classmethod
    def yes(cls, *evidence: str | tuple[str, str], **facts: Any) -> Outcome:
        """A yes answer."""
        return cls.of(YES, *evidence, **facts)

    @classmethod
    def no(cls, *evidence: str | tuple[str, str], **facts: Any) -> Outcome:
        """A no answer."""
        return cls.of(NO, *evidence, **facts)

    @classmethod
    def unknown(cls, *evidence: str | tuple[str, str], skipped: list[Skipped] | None = None, **facts: Any) -> Outcome:
        """The probe could not tell; `skipped` says what it could not read."""
        out = cls.of(UNKNOWN, *evidence, **facts)
        out.skipped = list(skipped or [])
        return out


@dataclass(frozen=True)
class Fix:
    """A command the user runs to fix the cause (aksdoctor never runs it).

    `kind` is "check" for a command that only reads (kubectl get/describe/logs/top, az ... list/show), "fix"
    for one that changes something; derived from the command when not given.
    """

    command: str
    explain: str = ""
    kind: str = ""

    def __post_init__(self) -> None:
        if not self.kind:
            object.__setattr__(self, "kind", "check" if is_read_only(self.command) else "fix")

    def to_json(self) -> dict[str, str]:
        """The report form."""
        return {"command": self.command, "explain": self.explain, "kind": self.kind}


# Read-only verbs: kubectl's, and the last word of an az command path (az vm list-usage, az acr show).
_KUBECTL_READS = {"get", "describe", "logs", "top", "explain", "api-resources", "api-versions", "version",
                  "events", "cluster-info", "auth"}
_AZ_READ_PREFIXES = ("list", "show", "get-", "check-")
_OTHER_READS = {"jq", "cut", "echo", "grep", "head", "tail", "sort", "nslookup", "dig", "openssl", "true"}


def _simple_commands(command: str) -> list[list[str]]:
    """The simple commands of `a | b && c; d`, with `VAR=$(inner)` unwrapped to its inner command."""
    import shlex

    lexer = shlex.shlex(command.replace("$(", " ").replace(")", " ) "), posix=True, punctuation_chars="|&;")
    lexer.whitespace_split = True
    try:
        tokens = list(lexer)
    except ValueError:
        return []
    out: list[list[str]] = [[]]
    for token in tokens:
        if token in ("|", "||", "&&", ";", "&", ")"):
            out.append([])
        elif not (out[-1] == [] and "=" in token and token.split("=", 1)[0].isidentifier()):
            out[-1].append(token)
    return [words for words in out if words]


def is_read_only(command: str) -> bool:
    """Whether every part of a shell command only reads (a check, not a fix)."""
    commands = _simple_commands(command)
    if not commands:
        return False
    for words in commands:
        tool = words[0]
        positional = [w for w in words[1:] if not w.startswith("-")]
        if tool == "kubectl":
            verb = positional[0] if positional else ""
            if verb == "rollout":
                if positional[1:2] not in (["status"], ["history"]):
                    return False
            elif verb not in _KUBECTL_READS or (verb == "auth" and positional[1:2] != ["can-i"]):
                return False
        elif tool == "az":
            flags_at = next((i for i, w in enumerate(words[1:]) if w.startswith("-")), len(words) - 1)
            path = words[1 : 1 + flags_at]
            if not path or not path[-1].startswith(_AZ_READ_PREFIXES):
                return False
        elif tool == "docker":
            if positional[:3] != ["buildx", "imagetools", "inspect"]:
                return False
        elif tool not in _OTHER_READS:
            return False
    return True


@dataclass
class Cause:
    """A named root cause with the evidence that proves it and the fix."""

    id: str
    title: str
    confidence: str
    summary: str
    evidence: list[Fact] = field(default_factory=list)
    fix: list[Fix] = field(default_factory=list)
    nested: list[Cause] = field(default_factory=list)
    docs: str = ""

    def to_json(self) -> dict[str, Any]:
        """The report form (specs/json-output.md)."""
        out: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "confidence": self.confidence,
            "summary": self.summary,
            "evidence": [e.to_json() for e in self.evidence],
            "fix": [f.to_json() for f in self.fix],
            "nested": [n.to_json() for n in self.nested],
        }
        if self.docs:
            out["docs"] = self.docs
        return out


@dataclass(frozen=True)
class Step:
    """One probe on the decision path: what it answered and how long it took."""

    probe: str
    outcome: str
    duration_ms: int
    node: str = ""
    question: str = ""

    def to_json(self) -> dict[str, Any]:
        """The report form."""
        return {"probe": self.probe, "outcome": self.outcome, "duration_ms": self.duration_ms, "node": self.node}


@dataclass(frozen=True)
class Gauge:
    """A measured figure against its limit (a node's CPU against allocatable): bars in text, numbers in JSON."""

    label: str
    value: float
    limit: float
    unit: str = ""
    group: str = ""
    capacity: float | None = None

    @property
    def percent(self) -> float:
        """value as a percentage of limit (0 when the limit is 0)."""
        return round(100.0 * self.value / self.limit, 1) if self.limit else 0.0

    def to_json(self) -> dict[str, Any]:
        """The report form."""
        out: dict[str, Any] = {
            "label": self.label,
            "value": self.value,
            "limit": self.limit,
            "percent": self.percent,
            "unit": self.unit,
            "group": self.group,
        }
        if self.capacity is not None:
            out["capacity"] = self.capacity
        return out


@dataclass(frozen=True)
class Target:
    """The object a runbook diagnoses."""

    kind: str
    name: str
    namespace: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The report form."""
        out: dict[str, Any] = {"kind": self.kind, "name": self.name}
        if self.namespace is not None:
            out["namespace"] = self.namespace
        return out

    def __str__(self) -> str:
        return f"{self.kind} {self.namespace}/{self.name}" if self.namespace else f"{self.kind} {self.name}"


@dataclass
class SourceInfo:
    """Where the evidence came from: a live cluster or a bundle."""

    mode: str
    context: str = ""
    cluster: str = ""
    location: str = ""

    def to_json(self) -> dict[str, Any]:
        """The report form."""
        out = {"mode": self.mode, "context": self.context, "cluster": self.cluster}
        if self.location:
            out["location"] = self.location
        return out


@dataclass
class Diagnosis:
    """What a command returns; renderers turn it into text, JSON or Markdown."""

    runbook: str
    target: Target
    source: SourceInfo
    status: Status
    causes: list[Cause] = field(default_factory=list)
    trace: list[Step] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    evidence: list[Fact] = field(default_factory=list)
    gauges: list[Gauge] = field(default_factory=list)
    routed: dict[str, str] | None = None
    started_at: str = ""
    duration_ms: int = 0
    title: str = ""

    @property
    def exit_status(self) -> ExitStatus:
        """The exit code for this verdict."""
        return self.status.exit_status


@dataclass
class ScanResult:
    """What `scan` returns: one Diagnosis per object with a problem, over one or more clusters."""

    findings: list[Diagnosis] = field(default_factory=list)
    scope: dict[str, Any] = field(default_factory=dict)
    scanned: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    started_at: str = ""
    duration_ms: int = 0

    @property
    def exit_status(self) -> ExitStatus:
        """1 when any finding is a problem, 3 when only inconclusive ones, 4 when nothing could be scanned."""
        if self.errors and not self.scanned:
            return ExitStatus.UNREACHABLE
        statuses = {f.status for f in self.findings}
        if Status.PROBLEM in statuses:
            return ExitStatus.PROBLEM
        if Status.INCONCLUSIVE in statuses or self.errors:
            return ExitStatus.INCONCLUSIVE
        return ExitStatus.HEALTHY


__all__ = [
    "NO",
    "UNKNOWN",
    "YES",
    "Cause",
    "Diagnosis",
    "ExitStatus",
    "Fact",
    "Fix",
    "Gauge",
    "Outcome",
    "ScanResult",
    "Skipped",
    "SourceInfo",
    "Status",
    "Step",
    "Target",
]

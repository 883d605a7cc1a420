"""Runbooks as data: load runbooks/<id>.yaml, validate it against the registered probes, fill templates."""

from __future__ import annotations

import functools
import re
import shlex
import string
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import RunbookError
from .model import UNKNOWN

LEAVES = ("healthy", "inconclusive")
CONFIDENCES = ("high", "medium", "low")
_ID = re.compile(r"^[a-z][a-z0-9-]*$")
_NODE_KEYS = {"probe", "on", "question"}
_CAUSE_KEYS = {"title", "summary", "fix", "docs", "confidence", "handover", "handover_when", "rank"}
_TOP_KEYS = {"id", "title", "description", "target", "start", "nodes", "causes", "outrank", "command", "routes"}
_COMMAND_KEYS = {"summary", "argument", "options"}
_OPTION_KEYS = {"flag", "extra", "help", "pattern", "example"}
# How far up a cause explains: a cluster feature off, a capacity limit (quota, subnet, autoscaler), a local oddity
# of the object. A higher-level explanation the run saw outranks the local cause the walk reached (`outrank`).
RANKS = ("cluster", "capacity", "local")


@dataclass(frozen=True)
class FixTemplate:
    """A fix command template; `when` names a fact that must be set for the fix to apply."""

    command: str
    explain: str = ""
    when: str = ""


@dataclass(frozen=True)
class CauseTemplate:
    """A leaf cause: texts with {fact} placeholders, fixes, a doc link, an optional hand-over runbook."""

    id: str
    title: str
    summary: str
    fix: tuple[FixTemplate, ...]
    docs: str
    confidence: str = "high"
    handover: str = ""
    handover_when: str = ""
    rank: str = "local"


@dataclass(frozen=True)
class Outrank:
    """When `probe` answered `answer` in the same run, `cause` ranks above a lower-ranked cause the walk reached."""

    probe: str
    answer: str
    cause: str


@dataclass(frozen=True)
class Node:
    """A decision node: ask a probe, go where its answer leads."""

    name: str
    probe: str
    on: dict[str, str]
    question: str = ""


@dataclass
class Runbook:
    """One symptom's decision tree."""

    id: str
    title: str
    description: str
    target: str
    start: str
    nodes: dict[str, Node]
    causes: dict[str, CauseTemplate]
    path: str = ""
    probe_ids: tuple[str, ...] = field(default=())
    outrank: tuple[Outrank, ...] = field(default=())
    command: dict[str, Any] | None = None
    routes: dict[str, Any] | None = None


def load_runbook(
    path: Path | str, probes: Mapping[str, Any], *, known_runbooks: frozenset[str] | None = None
) -> Runbook:
    """Read and validate one runbook file; RunbookError names the file, node and reason."""
    path = Path(path)
    try:
        data = _document(path)
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise RunbookError(f"{path}: cannot read runbook ({exc})") from None
    return parse_runbook(data, probes, source=str(path), stem=path.stem, known_runbooks=known_runbooks)


def parse_runbook(
    data: Any, probes: Mapping[str, Any], *, source: str, stem: str, known_runbooks: frozenset[str] | None = None
) -> Runbook:
    """Validate a runbook document (already parsed) and build it."""
    v = _Validator(source)
    v.check(isinstance(data, dict), "", "a runbook is a mapping with id, title, start, nodes, causes")
    v.check(not (set(data) - _TOP_KEYS), "", f"unknown keys {sorted(set(data) - _TOP_KEYS)}")
    for key in ("id", "title", "start", "nodes", "causes"):
        v.check(key in data, "", f"missing {key!r}")
    v.check(data["id"] == stem, "", f"id {data['id']!r} must equal the file name {stem!r}")
    v.check(isinstance(data["nodes"], dict) and data["nodes"], "", "nodes must be a non-empty mapping")
    v.check(isinstance(data["causes"], dict), "", "causes must be a mapping")
    causes = {cid: _cause(v, cid, raw) for cid, raw in data["causes"].items()}
    nodes = {name: _node(v, name, raw, probes) for name, raw in data["nodes"].items()}
    v.check(data["start"] in nodes, "", f"start {data['start']!r} is not a node")
    for node in nodes.values():
        _check_branches(v, node, nodes, causes, probes, known_runbooks)
    for cause in causes.values():
        if cause.handover and known_runbooks is not None:
            v.check(
                cause.handover in known_runbooks,
                f"cause {cause.id}",
                f"hands over to unknown runbook {cause.handover!r}",
            )
    reachable = _reachable(data["start"], nodes)
    cycle = _cycle(data["start"], nodes)
    v.check(not cycle, "", f"the tree has a cycle: {' -> '.join(cycle)}")
    unreachable = sorted(set(nodes) - reachable)
    v.check(not unreachable, "", f"nodes not reachable from start: {unreachable}")
    used = {dest[len("cause/") :] for n in nodes.values() for dest in n.on.values() if dest.startswith("cause/")}
    unused = sorted(set(causes) - used)
    v.check(not unused, "", f"causes no branch leads to: {unused}")
    outrank = _outrank(v, data.get("outrank") or [], nodes, causes, probes)
    _check_command(v, data.get("command"), data.get("routes"))
    return Runbook(
        id=data["id"],
        title=str(data["title"]),
        description=str(data.get("description", "")).strip(),
        target=str(data.get("target", "Pod")),
        start=data["start"],
        nodes=nodes,
        causes=causes,
        path=source,
        probe_ids=tuple(dict.fromkeys(n.probe for n in nodes.values())),
        outrank=outrank,
        command=data.get("command"),
        routes=data.get("routes"),
    )


def _outrank(
    v: _Validator, raw: Any, nodes: dict[str, Node], causes: dict[str, CauseTemplate], probes: Mapping[str, Any]
) -> tuple[Outrank, ...]:
    v.check(isinstance(raw, list), "outrank", "outrank is a list of {probe, answer, cause}")
    out = []
    used = {n.probe for n in nodes.values()}
    for item in raw:
        v.check(isinstance(item, dict) and set(item) == {"probe", "answer", "cause"}, "outrank", f"bad entry {item!r}")
        probe, answer, cause = str(item["probe"]), _answer(item["answer"]), str(item["cause"])
        v.check(probe in used, "outrank", f"probe {probe!r} is not asked by this runbook")
        v.check(answer in probes[probe].outcomes, "outrank", f"{probe} has no answer {answer!r}")
        v.check(cause in causes, "outrank", f"unknown cause {cause!r}")
        v.check(causes[cause].rank != "local", "outrank", f"cause {cause} must declare rank cluster or capacity")
        out.append(Outrank(probe, answer, cause))
    return tuple(out)


def _check_command(v: _Validator, command: Any, routes: Any) -> None:
    """`command:` declares the CLI command generated for the runbook; `routes:` the TYPE/NAME prefixes of
    its target kind that `diagnose` sends to it."""
    if command is not None:
        v.check(
            isinstance(command, dict) and not (set(command) - _COMMAND_KEYS),
            "command",
            "keys: summary, argument, options",
        )
        for opt in command.get("options") or []:
            v.check(
                isinstance(opt, dict) and not (set(opt) - _OPTION_KEYS),
                "command.options",
                f"keys: {sorted(_OPTION_KEYS)}",
            )
            v.check(
                str(opt.get("flag", "")).startswith("--") and bool(opt.get("extra")),
                "command.options",
                "flag --NAME and extra",
            )
    if routes is not None:
        v.check(
            isinstance(routes, dict) and isinstance(routes.get("prefixes"), list), "routes", "routes: {prefixes: [...]}"
        )


@functools.lru_cache(maxsize=1)
def declared() -> dict[str, dict[str, Any]]:
    """Runbook id -> {target, command, routes} straight from the YAML files, without probes or validation:
    what the CLI needs to build commands and route TYPE/NAME targets before any probe is imported."""
    out = {}
    for rid, path in runbook_files().items():
        try:
            data = _document(path) or {}
        except (OSError, yaml.YAMLError, UnicodeDecodeError):
            continue  # load_all reports it with the file and the reason
        if isinstance(data, dict):
            out[rid] = {
                "target": str(data.get("target", "Pod")),
                "command": data.get("command"),
                "routes": data.get("routes"),
            }
    return out


def _document(path: Path) -> Any:
    """A runbook file parsed once per process (keyed on its size and mtime: an edited file is read afresh).
    The CLI reads the declarations to build its commands and then the runbook it runs: one parse serves both.
    Callers only read the document (parse_runbook builds new objects from it)."""
    stat = path.stat()
    return _parsed(str(path), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=64)
def _parsed(path: str, size: int, mtime_ns: int) -> Any:
    """The YAML parse (libyaml, Python resolvers: ~4 ms a file) is kept as JSON in the user's cache, keyed on the
    file's path, size and mtime, the package version and this loader's source: the next run reads JSON (~0.1 ms).
    A document JSON cannot carry unchanged (a timestamp, a non-string key) is parsed each time."""
    import zlib

    import orjson

    from . import __version__
    from .usercache import forget_cached, read_cached, store_cached

    here = Path(__file__).stat()  # the loader's rules live in this file: an edit of it parses afresh
    stem, where = Path(path).stem, zlib.crc32(path.encode())
    name = f"runbook.{stem}.{__version__}-{where:08x}-{size}-{mtime_ns}-{here.st_size}-{here.st_mtime_ns}.json"
    cached = read_cached(name)
    if cached is not None:
        try:
            return orjson.loads(cached)
        except orjson.JSONDecodeError:
            pass  # a torn or foreign file: parse afresh and replace it
    doc = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_RunbookLoader)
    try:
        data: bytes | None = orjson.dumps(doc)
    except TypeError:  # non-string keys
        data = None
    if data is not None and orjson.loads(data) == doc:
        store_cached(name, data)
    forget_cached(f"runbook.{stem}.", keep=name)  # an older parse of an edited or upgraded file
    return doc


class Runbooks(Mapping[str, "Runbook"]):
    """The shipped runbooks by id, each read and validated when first asked for: a diagnosis parses the runbook
    it runs (and those it hands over to), not all of them. Ids and `in` need no read; values() reads every one."""

    def __init__(self, probes: Mapping[str, Any]) -> None:
        self._probes = probes
        self._files = runbook_files()
        self._known = frozenset(self._files)
        self._loaded: dict[str, Runbook] = {}
        self._lock = threading.Lock()

    def __getitem__(self, runbook_id: str) -> Runbook:
        with self._lock:
            if runbook_id not in self._loaded:
                path = self._files[runbook_id]  # KeyError for an unknown id, as a dict
                self._loaded[runbook_id] = load_runbook(path, self._probes, known_runbooks=self._known)
            return self._loaded[runbook_id]

    def __contains__(self, runbook_id: object) -> bool:
        return runbook_id in self._files

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._files))

    def __len__(self) -> int:
        return len(self._files)


@functools.lru_cache(maxsize=1)
def runbook_files() -> dict[str, Path]:
    """The shipped runbooks by id (runbooks/*.yaml, packaged as aksdoctor.runbooks beside this module: a file on
    disk in a wheel, an editable install and the shiv zipapp, which unpacks; importlib.resources costs ~15 ms)."""
    root = Path(__file__).with_name("runbooks")
    return {p.stem: p for p in root.iterdir() if p.name.endswith(".yaml")}


def load_all(probes: Mapping[str, Any]) -> dict[str, Runbook]:
    """Every shipped runbook, validated (Runbooks, read whole)."""
    return dict(Runbooks(probes))


def fill(template: str, facts: dict[str, Any], *, shell: bool) -> str:
    """Put facts into a template; in shell commands every value is shell-quoted.

    A placeholder with no fact stays visible: in prose as <name>; in a shell command as "$NAME", a shell
    variable the user sets (the fix's explain says how), because `<name>` in a shell is a redirection.
    """
    out = []
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        out.append(literal)
        if name is None:
            continue
        value = facts.get(name)
        if value is None or value in ("", []):
            out.append(f'"${shell_variable(name)}"' if shell else f"<{name}>")
        elif isinstance(value, (list, tuple)):
            text = ", ".join(str(v) for v in value)
            out.append(" ".join(shlex.quote(str(v)) for v in value) if shell else text)
        else:
            out.append(shlex.quote(str(value)) if shell else str(value))
    return "".join(out)


def shell_variable(name: str) -> str:
    """The shell variable that stands for a fact the evidence does not hold (resource_group -> RESOURCE_GROUP)."""
    return re.sub(r"[^A-Za-z0-9_]", "_", name).upper()


def missing_fields(template: str, facts: dict[str, Any]) -> list[str]:
    """Placeholders of a template that the facts leave empty."""
    return [n for n in template_fields(template) if facts.get(n) is None or facts.get(n) in ("", [])]


def template_fields(template: str) -> list[str]:
    """Placeholder names used in a template."""
    return [name for _lit, name, _s, _c in string.Formatter().parse(template) if name]


class _RunbookLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """SafeLoader with YAML 1.2 booleans: `on`, `yes`, `no` stay strings (they are branch names here).

    libyaml's parser when PyYAML has it (about 10x faster: the runbooks are read on every diagnosis); the
    resolvers below are Python's on either parser, so both give the same documents.
    """


_RunbookLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_RunbookLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class _Validator:
    def __init__(self, source: str) -> None:
        self.source = source

    def check(self, ok: Any, where: str, reason: str) -> None:
        if not ok:
            at = f" {where}:" if where else ""
            raise RunbookError(f"{self.source}:{at} {reason}")


def _cause(v: _Validator, cid: str, raw: Any) -> CauseTemplate:
    where = f"cause {cid}"
    v.check(isinstance(cid, str) and _ID.match(cid), where, "cause ids are lower-case words joined by '-'")
    v.check(isinstance(raw, dict), where, "a cause is a mapping with title, summary, fix, docs")
    v.check(not (set(raw) - _CAUSE_KEYS), where, f"unknown keys {sorted(set(raw) - _CAUSE_KEYS)}")
    for key in ("title", "summary", "fix", "docs"):
        v.check(key in raw, where, f"missing {key!r}")
    v.check(isinstance(raw["fix"], list) and raw["fix"], where, "fix must be a non-empty list")
    v.check(str(raw["docs"]).startswith("https://"), where, "docs must be an https link")
    confidence = raw.get("confidence", "high")
    v.check(confidence in CONFIDENCES, where, f"confidence must be one of {CONFIDENCES}")
    rank = raw.get("rank", "local")
    v.check(rank in RANKS, where, f"rank must be one of {RANKS}")
    fixes = []
    for raw_fix in raw["fix"]:
        item = {"command": raw_fix} if isinstance(raw_fix, str) else raw_fix
        v.check(isinstance(item, dict) and isinstance(item.get("command"), str), where, "each fix needs a command")
        v.check(not (set(item) - {"command", "explain", "when"}), where, f"unknown fix keys {sorted(set(item))}")
        fixes.append(FixTemplate(item["command"], str(item.get("explain", "")), str(item.get("when", ""))))
    for text in (raw["title"], raw["summary"], *(f.command for f in fixes)):
        try:
            template_fields(str(text))
        except ValueError as exc:
            v.check(False, where, f"bad template {text!r}: {exc}")
    return CauseTemplate(
        id=cid,
        title=str(raw["title"]),
        summary=" ".join(str(raw["summary"]).split()),
        fix=tuple(fixes),
        docs=str(raw["docs"]),
        confidence=confidence,
        handover=str(raw.get("handover", "")),
        handover_when=str(raw.get("handover_when", "")),
        rank=rank,
    )


def _node(v: _Validator, name: str, raw: Any, probes: Mapping[str, Any]) -> Node:
    where = f"node {name}"
    v.check(isinstance(raw, dict), where, "a node is a mapping with probe and on")
    v.check(not (set(raw) - _NODE_KEYS), where, f"unknown keys {sorted(set(raw) - _NODE_KEYS)}")
    v.check(raw.get("probe") in probes, where, f"unknown probe {raw.get('probe')!r}")
    on = raw.get("on")
    v.check(isinstance(on, dict) and on, where, "on must map answers to destinations")
    branches = {_answer(k): str(dest) for k, dest in on.items()}
    question = str(raw.get("question") or probes[raw["probe"]].question)
    return Node(name=name, probe=raw["probe"], on=branches, question=question)


def _check_branches(
    v: _Validator,
    node: Node,
    nodes: dict[str, Node],
    causes: dict[str, CauseTemplate],
    probes: Mapping[str, Any],
    known_runbooks: frozenset[str] | None,
) -> None:
    where = f"node {node.name}"
    outcomes = set(probes[node.probe].outcomes)
    extra = sorted(set(node.on) - outcomes)
    v.check(not extra, where, f"probe {node.probe} never answers {extra} (it answers {sorted(outcomes)})")
    missing = sorted(outcomes - set(node.on) - {UNKNOWN})
    v.check(not missing, where, f"no branch for answers {missing} of probe {node.probe}")
    for answer, dest in node.on.items():
        if dest in LEAVES or dest in nodes:
            continue
        if dest.startswith("cause/"):
            v.check(dest[len("cause/") :] in causes, where, f"answer {answer!r} leads to undefined {dest}")
            continue
        v.check(False, where, f"answer {answer!r} leads to {dest!r}: not a node, cause/<id>, healthy or inconclusive")


def _reachable(start: str, nodes: dict[str, Node]) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name in seen or name not in nodes:
            continue
        seen.add(name)
        todo.extend(d for d in nodes[name].on.values() if d in nodes)
    return seen


def _cycle(start: str, nodes: dict[str, Node]) -> list[str]:
    path: list[str] = []
    done: set[str] = set()

    def visit(name: str) -> list[str]:
        if name in path:
            return [*path[path.index(name) :], name]
        if name in done or name not in nodes:
            return []
        path.append(name)
        for dest in nodes[name].on.values():
            if found := visit(dest):
                return found
        path.pop()
        done.add(name)
        return []

    return visit(start)


def _answer(key: Any) -> str:
    if key is True:
        return "yes"
    if key is False:
        return "no"
    return str(key)


__all__ = [
    "CauseTemplate",
    "FixTemplate",
    "Node",
    "Runbook",
    "Runbooks",
    "declared",
    "fill",
    "load_all",
    "load_runbook",
    "parse_runbook",
    "runbook_files",
    "template_fields",
]

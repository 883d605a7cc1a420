"""The engine: walks the tree, runs probes concurrently, survives failing probes, honours the deadline,
nests a hand-over's causes."""

from __future__ import annotations

import time

import pytest

from aksdoctor.engine import Engine
from aksdoctor.errors import Forbidden, SourceUnavailable
from aksdoctor.model import Outcome, SourceInfo, Status, Target
from aksdoctor.probes.registry import probe, register
from aksdoctor.runbook import parse_runbook
from aksdoctor.sources.bundle import BundleKube
from aksdoctor.sources.evidence import Evidence, Options


@probe("test.slow_yes")
def slow_yes(ev):
    """Slow question one."""
    time.sleep(0.3)
    return Outcome.yes("one is yes", first="1")


@probe("test.slow_no")
def slow_no(ev):
    """Slow question two."""
    time.sleep(0.3)
    return Outcome.no(("two is no", "Pod x"), second="2")


@probe("test.boom")
def boom(ev):
    """Raises."""
    raise RuntimeError("boom")


@probe("test.forbidden")
def forbidden(ev):
    """Cannot read."""
    raise Forbidden("list events in namespace shop", reason="403 Forbidden", grant="grant list on events")


@probe("test.hang")
def hang(ev):
    """Takes too long."""
    time.sleep(3)
    return Outcome.yes()


@probe("test.target_name", outcomes=("web", "other"))
def target_name(ev):
    """Which object is this?"""
    return Outcome.of("web" if ev.target.name == "web" else "other", handover_target=Target("Pod", "web-1", "shop"))


@probe("test.unreachable")
def unreachable(ev):
    """Cluster gone."""
    raise SourceUnavailable("cannot reach the Kubernetes API server")


PROBES = register(slow_yes, slow_no, boom, forbidden, hang, target_name, unreachable)
CAUSE = {
    "title": "it is {first}/{second}",
    "summary": "s",
    "fix": ["echo {first} {name}"],
    "docs": "https://example.org",
}


def book(rid, start, nodes, causes=None):
    data = {"id": rid, "title": rid, "start": start, "nodes": nodes, "causes": causes or {}}
    return parse_runbook(
        data, PROBES, source=f"{rid}.yaml", stem=rid, known_runbooks=frozenset({"outer", "inner", "main"})
    )


def run(books, rid="main", *, timeout=10.0, name="web"):
    ev = Evidence(kube=_empty_kube(), azure=None, target=Target("Pod", name, "shop"), options=Options(timeout=timeout))
    return Engine(PROBES, {b.id: b for b in books}).run(rid, ev, source=SourceInfo(mode="bundle"))


_KUBE = None


def _empty_kube():
    import tempfile
    from pathlib import Path

    global _KUBE  # noqa: PLW0603 - one empty bundle for the module
    if _KUBE is None:
        root = Path(tempfile.mkdtemp())
        (root / "bundle.yaml").write_text("captured: {}\n")  # an empty folder is not a bundle (exit 4)
        _KUBE = BundleKube(root)
    return _KUBE


def test_probes_run_concurrently_and_the_path_is_traced():
    main = book(
        "main",
        "a",
        {
            "a": {"probe": "test.slow_yes", "on": {"yes": "b", "no": "healthy"}},
            "b": {"probe": "test.slow_no", "on": {"yes": "healthy", "no": "cause/found"}},
        },
        {"found": CAUSE},
    )
    t0 = time.perf_counter()
    d = run([main])
    elapsed = time.perf_counter() - t0
    assert elapsed < 0.55, f"two 0.3 s probes took {elapsed:.2f} s: not concurrent"
    assert d.status is Status.PROBLEM
    assert [(s.probe, s.outcome) for s in d.trace] == [("test.slow_yes", "yes"), ("test.slow_no", "no")]
    cause = d.causes[0]
    assert cause.title == "it is 1/2"
    assert cause.fix[0].command == "echo 1 web"
    assert [(e.probe, e.fact, e.source) for e in cause.evidence] == [
        ("test.slow_yes", "one is yes", ""),
        ("test.slow_no", "two is no", "Pod x"),
    ]


def test_a_failing_probe_becomes_unknown_with_its_reason():
    d = run([book("main", "a", {"a": {"probe": "test.boom", "on": {"yes": "healthy", "no": "healthy"}}})])
    assert d.status is Status.INCONCLUSIVE
    assert [(s.probe, s.reason) for s in d.skipped] == [("test.boom", "probe failed: RuntimeError: boom")]


def test_missing_permission_is_skipped_with_the_grant():
    d = run([book("main", "a", {"a": {"probe": "test.forbidden", "on": {"yes": "healthy", "no": "healthy"}}})])
    assert d.skipped[0].reason == "could not list events in namespace shop: 403 Forbidden"
    assert d.skipped[0].grant == "grant list on events"


def test_unknown_can_lead_somewhere_else_than_inconclusive():
    d = run(
        [
            book(
                "main",
                "a",
                {"a": {"probe": "test.boom", "on": {"yes": "healthy", "no": "healthy", "unknown": "cause/found"}}},
                {"found": CAUSE},
            )
        ]
    )
    assert d.status is Status.PROBLEM and d.causes[0].title == "it is <first>/<second>"


def test_deadline_reports_a_slow_probe_as_skipped():
    t0 = time.perf_counter()
    d = run([book("main", "a", {"a": {"probe": "test.hang", "on": {"yes": "healthy", "no": "healthy"}}})], timeout=0.3)
    assert time.perf_counter() - t0 < 1.0
    assert d.status is Status.INCONCLUSIVE
    assert d.skipped[0].reason == "timed out before the --timeout deadline"


def test_an_unreachable_cluster_aborts_the_run():
    with pytest.raises(SourceUnavailable):
        run([book("main", "a", {"a": {"probe": "test.unreachable", "on": {"yes": "healthy", "no": "healthy"}}})])


def test_hand_over_nests_the_other_runbooks_cause_for_the_named_target():
    outer = book(
        "main",
        "a",
        {"a": {"probe": "test.target_name", "on": {"web": "cause/handed", "other": "healthy"}}},
        {"handed": {**CAUSE, "title": "outer", "handover": "inner"}},
    )
    inner = book(
        "inner",
        "x",
        {"x": {"probe": "test.target_name", "on": {"web": "healthy", "other": "cause/inner-cause"}}},
        {"inner-cause": {**CAUSE, "title": "inner saw {name}"}},
    )
    d = run([outer, inner])
    assert d.causes[0].title == "outer"
    assert [c.title for c in d.causes[0].nested] == ["inner saw web-1"]
    assert [s.outcome for s in d.trace] == ["web", "other"]


def test_unknown_runbook_is_a_usage_error():
    from aksdoctor.errors import UsageError

    with pytest.raises(UsageError, match="unknown runbook 'nope'"):
        run([], rid="nope")


@probe("test.gauges")
def gauges(ev):
    """Measures."""
    from aksdoctor.model import Gauge

    return Outcome.yes(gauges=[Gauge("aks-nodepool1-0", 3700, 3860, "m", "nodepool1")])


def test_gauges_reach_the_diagnosis_and_every_renderer(validate_report):
    from rich.console import Console

    from aksdoctor.render import json_report, markdown, text

    probes = register(gauges)
    data = {
        "id": "main",
        "title": "t",
        "start": "a",
        "causes": {},
        "nodes": {"a": {"probe": "test.gauges", "on": {"yes": "healthy", "no": "healthy"}}},
    }
    ev = Evidence(kube=_empty_kube(), azure=None, target=Target("Node", "all"), options=Options())
    d = Engine(probes, {"main": parse_runbook(data, probes, source="main.yaml", stem="main")}).run(
        "main", ev, source=SourceInfo(mode="bundle")
    )
    report = json_report.report(d)
    validate_report(report)
    assert report["gauges"] == [
        {"label": "aks-nodepool1-0", "value": 3700, "limit": 3860, "percent": 95.9, "unit": "m", "group": "nodepool1"}
    ]
    assert "| aks-nodepool1-0 | 3700m | 3860m | 95.9% |" in markdown.render(d)
    console = Console(record=True, width=100, color_system=None)
    text.render(d, console)
    shown = console.export_text()
    assert "aks-nodepool1-0  ███████████████████░   95.9%  3700/3860m" in shown


@probe("test.local_oddity")
def local_oddity(ev):
    """Is there a local oddity?"""
    return Outcome.yes(("two pods repel each other", "Pod x"), pool="userpool")


@probe("test.capacity_limit", outcomes=("quota", "room"))
def capacity_limit(ev):
    """Can a new node come?"""
    return Outcome.of("quota", ("standardDDSv5Family: 20 of 20 vCPUs used", "usages"), family="standardDDSv5Family")


def _ranked_book(rules):
    probes = register(local_oddity, capacity_limit, forbidden)
    cause = {"summary": "s", "fix": ["echo {pool} {family}"], "docs": "https://example.com"}
    data = {
        "id": "main",
        "title": "t",
        "start": "odd",
        "nodes": {
            "odd": {"probe": "test.local_oddity", "on": {"yes": "cause/local", "no": "room"}},
            "room": {"probe": "test.capacity_limit", "on": {"quota": "cause/quota", "room": "denied"}},
            "denied": {
                "probe": "test.forbidden",
                "on": {"yes": "cause/local", "no": "healthy", "unknown": "cause/local"},
            },
        },
        "causes": {
            "local": {"title": "Local oddity", **cause},
            "quota": {"title": "Quota", "rank": "capacity", **cause},
        },
        "outrank": rules,
    }
    return probes, parse_runbook(data, probes, source="main.yaml", stem="main")


def _run(probes, book, start=None):
    if start:
        book.start = start
    ev = Evidence(kube=_empty_kube(), azure=None, target=Target("Pod", "x", "shop"), options=Options())
    return Engine(probes, {"main": book}).run("main", ev, source=SourceInfo(mode="bundle"))


def test_a_capacity_explanation_the_run_saw_outranks_the_local_cause():
    probes, book = _ranked_book([{"probe": "test.capacity_limit", "answer": "quota", "cause": "quota"}])
    d = _run(probes, book)
    assert [c.id for c in d.causes] == ["quota"]
    assert d.causes[0].fix[0].command == "echo userpool standardDDSv5Family"  # facts of both probes
    assert "also seen: Local oddity (local); quota ranks first: it is why capacity cannot follow" in d.notes
    assert [(s.probe, s.outcome) for s in d.trace] == [("test.local_oddity", "yes"), ("test.capacity_limit", "quota")]


def test_without_an_outrank_rule_the_walk_decides():
    probes, book = _ranked_book([])
    assert [c.id for c in _run(probes, book).causes] == ["local"]


def test_a_cause_reached_through_an_unanswered_question_is_not_high_confidence():
    probes, book = _ranked_book([])
    d = _run(probes, book, start="denied")
    assert d.causes[0].id == "local" and d.causes[0].confidence == "medium"
    assert d.skipped[0].probe == "test.forbidden"


def test_outrank_rules_are_validated():
    from aksdoctor.errors import RunbookError

    with pytest.raises(RunbookError, match="must declare rank cluster or capacity"):
        _ranked_book([{"probe": "test.capacity_limit", "answer": "quota", "cause": "local"}])
    with pytest.raises(RunbookError, match="has no answer 'full'"):
        _ranked_book([{"probe": "test.capacity_limit", "answer": "full", "cause": "quota"}])

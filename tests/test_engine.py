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

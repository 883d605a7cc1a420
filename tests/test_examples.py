"""Every example bundle with an expected.json (examples/bundles/<runbook>-<case>/) gives its verdict through the
CLI, with a schema-valid report and the real names in the fix; every example carries one, and every cause of every
runbook has an example."""

from __future__ import annotations

import pytest

from aksdoctor.probes import PROBES
from aksdoctor.runbook import load_all
from corpus import EXAMPLES, cases, judge, load, problems_of_expected, run

CASES = cases(EXAMPLES)
# bundles judged by their own tests instead (a scan report is not one diagnosis): tests/test_scan.py
OWN_TESTS = {"scan-several-namespaces"}


def test_every_example_bundle_has_an_expectation():
    bundles = {p.name for p in EXAMPLES.iterdir() if p.is_dir()}
    assert bundles - OWN_TESTS == {p.name for p in CASES}


def test_every_cause_of_every_runbook_has_an_example_bundle():
    shown: dict[str, set[str]] = {}
    for case in CASES:
        exp = load(case)
        if exp["expected"]["cause"]:
            shown.setdefault(exp["runbook"], set()).add(exp["expected"]["cause"])
    for book in load_all(PROBES).values():
        assert set(book.causes) == shown.get(book.id, set()), f"{book.id}: causes without an example bundle"


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_expected_json_is_well_formed(case):
    assert problems_of_expected(case, example=True) == []


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_example_bundle_verdict(case, cli, validate_report):
    code, report, stderr = run(cli, case)
    assert report is not None, f"exit {code}, no JSON report: {stderr}"
    validate_report(report)
    assert report["source"]["mode"] == "bundle"
    verdict = judge(case, code, report, stderr)
    assert verdict.right, f"expected {verdict.expected}, got {verdict.got}: " + "; ".join(verdict.misses)

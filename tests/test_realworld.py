"""Every real-world case (tests/realworld/<runbook>-<slug>/: a bundle reconstructed from a public failure report,
its COMMAND and expected.json) gives the expected verdict through the CLI, with a schema-valid report and a fix
that names what the case names. A case whose runbook is not in this checkout fails: it is not skipped."""

from __future__ import annotations

import pytest

from corpus import REALWORLD, cases, judge, load, problems_of_expected, run

CASES = cases(REALWORLD)


def test_the_corpus_is_there():
    assert CASES, f"no case with an expected.json under {REALWORLD}"
    stray = [p.name for p in REALWORLD.iterdir() if p.is_dir() and not (p / "expected.json").is_file()]
    assert not stray, f"case folders without expected.json: {stray}"


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_expected_json_is_well_formed(case):
    assert problems_of_expected(case, example=False) == []


def _marked(case):
    """A case whose expected.json names a `known_gap` is a strict xfail: it counts as a miss in the score, and
    the test fails the day aksdoctor gets it right (then the gap is removed)."""
    gap = load(case).get("known_gap")
    return pytest.param(case, marks=pytest.mark.xfail(strict=True, reason=gap)) if gap else case


@pytest.mark.parametrize("case", [_marked(c) for c in CASES], ids=lambda p: p.name)
def test_realworld_case_verdict(case, cli, validate_report):
    code, report, stderr = run(cli, case)
    assert report is not None, f"exit {code}, no JSON report: {stderr}"
    validate_report(report)
    verdict = judge(case, code, report, stderr)
    assert verdict.right, f"expected {verdict.expected}, got {verdict.got}: " + "; ".join(verdict.misses)

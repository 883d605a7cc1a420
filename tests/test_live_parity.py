"""Every example and every real-world case (tests/realworld/) with a COMMAND gives the same verdict live (API server
fixture + mocked Azure, the recordings replayed through `responses`) as from its bundle, and only GETs reach either
side."""

from __future__ import annotations

import json
import shlex

import pytest

from conftest import EXAMPLES
from corpus import REALWORLD
from live import azure_mock, served

EXAMPLE_DIRS = sorted(p for p in EXAMPLES.iterdir() if (p / "COMMAND").is_file())
REALWORLD_DIRS = sorted(p for p in REALWORLD.iterdir() if (p / "COMMAND").is_file()) if REALWORLD.is_dir() else []


def _verdict(report: dict) -> dict:
    if report.get("kind") == "scan":
        findings = sorted(report["findings"], key=lambda f: json.dumps(f["target"], sort_keys=True))
        return {
            "summary": [(g["id"], g["count"]) for g in report["summary"]],
            "findings": [_verdict(f) for f in findings],
        }
    return {
        "status": report["status"],
        "causes": report["causes"],
        "skipped": report["skipped"],
        "notes": report["notes"],
        "path": [(s["probe"], s["outcome"]) for s in report["trace"]],
        "gauges": report.get("gauges"),
    }


@pytest.mark.parametrize(
    "bundle",
    EXAMPLE_DIRS + REALWORLD_DIRS,
    ids=lambda p: f"{p.parent.name}/{p.name}" if p.parent == REALWORLD else p.name,
)
def test_live_and_bundle_give_the_same_verdict(bundle, cli, tmp_path, monkeypatch, validate_report):
    args = shlex.split((bundle / "COMMAND").read_text())[1:]
    offline = cli(*args, "--bundle", str(bundle), "-o", "json")
    # A case whose bundle lacks a kind on purpose (the reporter could not read it) says how the live cluster
    # refuses it: expected.json {"live": {"forbid": [[verb, resource, namespace]], "compare": "causes"}}.
    spec = json.loads((bundle / "expected.json").read_text()).get("live", {}) if (bundle / "expected.json").is_file() else {}
    with served(bundle, tmp_path) as (server, kubeconfig), azure_mock(bundle, monkeypatch) as mock:
        for verb, resource, namespace, *group in spec.get("forbid", []):  # [verb, resource, namespace, group?]
            server.forbid(verb, resource, namespace, group=group[0] if group else "")
        extra = [] if (bundle / "azure").is_dir() else ["--no-azure"]
        live = cli(*args, "--kubeconfig", kubeconfig, "--context", "fixture", "-o", "json", *extra)
        methods = {r.method for r in server.requests}
        azure_methods = {c.request.method for c in mock.calls}
    assert live.exit_code == offline.exit_code, live.stderr
    report = json.loads(live.stdout)
    for single in report["findings"] if report.get("kind") == "scan" else [report]:
        validate_report(single)
        assert single["source"]["mode"] == "live"
    if spec.get("compare") == "causes":  # not captured vs forbidden: the same verdict, skips worded apart
        want = json.loads(offline.stdout)
        assert (report["status"], [c["id"] for c in report["causes"]]) == (
            want["status"],
            [c["id"] for c in want["causes"]],
        )
        assert {s["probe"] for s in report["skipped"]} == {s["probe"] for s in want["skipped"]}
    else:
        assert _verdict(report) == _verdict(json.loads(offline.stdout))
    assert methods <= {"GET"} and azure_methods <= {"GET"}

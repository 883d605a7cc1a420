"""In-cluster scans feed log pipelines: `-o jsonl` is one JSON document per line, the CronJob runs that
command (its exact shell line, on a real bundle), and every KQL query of docs/in-cluster.md finds what it
promises when Log Analytics parses those lines one record each (`parse_json(LogMessage)`)."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT, example

SCAN_BUNDLE = "scan-several-namespaces"
_BIN = Path(sys.executable).parent


def _cronjob_script() -> str:
    docs = [d for d in yaml.safe_load_all((ROOT / "deploy" / "cronjob.yaml").read_text()) if d]
    job = next(d for d in docs if d["kind"] == "CronJob")
    container = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    assert container["command"][:2] == ["sh", "-c"]
    return container["command"][2]


def _run_cronjob(bundle: Path) -> subprocess.CompletedProcess[str]:
    """The CronJob's own shell line, with aksdoctor pointed at a bundle instead of the in-cluster API."""
    script = _cronjob_script()
    first = script.split(";")[0]
    assert shlex.split(first)[0] == "aksdoctor"
    script = script.replace(first, f"{first} --bundle {shlex.quote(str(bundle))}", 1)
    env = {**os.environ, "PATH": f"{_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(["sh", "-c", script], capture_output=True, text=True, env=env, timeout=120, check=False)


@pytest.fixture(scope="module")
def scan_lines() -> list[str]:
    done = _run_cronjob(example(SCAN_BUNDLE))
    assert done.returncode == 0, done.stderr  # problems found (exit 1) is a successful job
    return done.stdout.splitlines()


def test_jsonl_scan_is_one_document_per_line_findings_then_summary(scan_lines, validate_report):
    docs = [json.loads(line) for line in scan_lines]
    assert all(line.strip() == line and line.startswith("{") for line in scan_lines)
    kinds = [d["kind"] for d in docs]
    assert kinds[-1] == "scan" and set(kinds[:-1]) == {"finding"} and len(kinds) > 2
    summary = docs[-1]
    assert summary["finding_count"] == len(docs) - 1
    assert sum(g["count"] for g in summary["summary"]) == summary["finding_count"]
    for finding in docs[:-1]:
        validate_report(finding)  # each finding line is a full report
        assert finding["scan_started_at"] == summary["started_at"]
    # the same findings as -o json
    whole = subprocess.run(
        [str(_BIN / "aksdoctor"), "scan", "-A", "-o", "json", "--bundle", str(example(SCAN_BUNDLE))],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    full = json.loads(whole.stdout)
    same = lambda d: (d["target"], d["status"], [(c["id"], c["fix"]) for c in d["causes"]])  # noqa: E731
    assert [same(f) for f in full["findings"]] == [same(f) for f in docs[:-1]]


def test_cronjob_fails_the_job_when_the_scan_cannot_read(tmp_path):
    (tmp_path / "kubernetes").mkdir()
    (tmp_path / "kubernetes" / "pods.yaml").write_text("items: [unclosed\n")
    done = _run_cronjob(tmp_path)
    assert done.returncode != 0
    assert "error" in done.stderr


def test_jsonl_diagnosis_is_one_line(cli, validate_report):
    bundle = example("imagepull-acr-pull-permission-missing")
    result = cli("imagepull", "web-7d9f8-x2x", "-n", "shop", "--bundle", str(bundle), "-o", "jsonl")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    report = json.loads(lines[0])
    validate_report(report)
    assert report["causes"][0]["id"] == "acr-pull-permission-missing"


# --- a tiny evaluator of the KQL in docs/in-cluster.md --------------------------------------------------

_PATH = re.compile(r"\bdoc((?:\.\w+|\[\d+\])+)")


def _queries() -> list[str]:
    text = (ROOT / "docs" / "in-cluster.md").read_text(encoding="utf-8")
    return re.findall(r"```kusto\n(.*?)```", text, flags=re.S)


def _resolve(doc: Any, path: str) -> Any:
    for part in re.findall(r"\.(\w+)|\[(\d+)\]", path):
        key, index = part
        if key:
            doc = doc.get(key) if isinstance(doc, dict) else None
        else:
            doc = doc[int(index)] if isinstance(doc, list) and int(index) < len(doc) else None
    return doc


def _where(clause: str, doc: Any) -> bool:
    """Evaluate the conjunctions of a `where` on the parsed document; clauses on ContainerLogV2's own
    columns (TimeGenerated, ContainerName, ...) hold for the CronJob's records."""
    ok = True
    for term in re.split(r"\band\b", clause):
        match = re.search(r"(?:tostring\()?doc((?:\.\w+|\[\d+\])+)\)?\s*==\s*\"([^\"]*)\"", term)
        if match:
            ok = ok and _resolve(doc, match.group(1)) == match.group(2)
        else:
            assert not re.search(r"\bdoc\b", term), f"the evaluator does not understand {term!r}"
    return ok


def _evaluate(query: str, lines: list[str]) -> list[dict[str, Any]]:
    """Rows the query keeps, each with the value of every `doc...` path it reads afterwards."""
    stages = [s.strip() for s in query.split("\n|") if s.strip()]
    assert stages[0].splitlines()[-1].strip() == "ContainerLogV2"
    assert any(s == "extend doc = parse_json(LogMessage)" for s in stages), "each line is parsed as one record"
    rows = []
    for line in lines:
        doc = json.loads(line)  # parse_json(LogMessage): one record per line
        keep = True
        values: dict[str, Any] = {}
        for stage in stages[1:]:
            if stage.startswith("where "):
                keep = keep and _where(stage[6:], doc)
            elif keep:
                for path in _PATH.findall(stage):
                    values[path] = _resolve(doc, path)
        if keep:
            rows.append(values)
    return rows


@pytest.mark.parametrize("index", range(3))
def test_every_kql_query_finds_what_it_promises(scan_lines, index):
    queries = _queries()
    assert len(queries) == 3
    query = queries[index]
    rows = _evaluate(query, scan_lines)
    assert rows, f"query {index} keeps no record of a real scan:\n{query}"
    for row in rows:
        missing = [path for path, value in row.items() if value in (None, "")]
        assert not missing, f"query {index} reads fields the lines do not have: {missing}"
    if "acr-pull-permission-missing" in query:
        assert all("az aks update" in row[".causes[0].fix[0].command"] for row in rows)
    if 'doc.kind == "scan"' in query:
        assert len(rows) == 1  # one summary per run


def test_the_old_one_document_shape_would_find_nothing():
    """Pretty-printed -o json spreads over hundreds of lines: no line of it is a record the queries keep."""
    bundle = example(SCAN_BUNDLE)
    done = subprocess.run(
        [str(_BIN / "aksdoctor"), "scan", "-A", "-o", "json", "--bundle", str(bundle)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = done.stdout.splitlines()
    assert len(lines) > 50
    parsed = []
    for line in lines:
        try:
            parsed.append(json.dumps(json.loads(line)))
        except json.JSONDecodeError:
            continue
    assert not _evaluate(_queries()[1], [p for p in parsed if p.startswith("{")])

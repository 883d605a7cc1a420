"""The case format shared by tests/realworld/*/ and examples/bundles/*/ (see tests/realworld/README.md): a bundle, its
COMMAND and an expected.json. Loading, checking an expected.json, running a case through the CLI and judging its
report live here, used by tests/test_realworld.py, tests/test_examples.py, tests/test_live_parity.py and
scripts/realworld_score.py."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contract import catalog

ROOT = Path(__file__).resolve().parent.parent
REALWORLD = ROOT / "tests" / "realworld"
EXAMPLES = ROOT / "examples" / "bundles"

EXIT = {"healthy": 0, "problem": 1, "inconclusive": 3}
KINDS = {"github-issue", "github-pr", "learn", "qa", "blog"}
# placeholders a fix must never leave unfilled: the object's own names are always known
ALWAYS_KNOWN = ("<namespace>", "<pod>", "<pool>", "<deployment>", "<node>")
# placeholders for the cluster's Azure names: known whenever the run found the managed cluster
CLUSTER_NAMES = ("<resource_group>", "<cluster>")


def cases(root: Path) -> list[Path]:
    """The case folders under root that carry an expected.json."""
    return sorted(p for p in root.iterdir() if (p / "expected.json").is_file()) if root.is_dir() else []


def load(case: Path) -> dict[str, Any]:
    """The case's expected.json."""
    return json.loads((case / "expected.json").read_text(encoding="utf-8"))


def command_args(case: Path) -> list[str]:
    """The case's COMMAND without the leading `aksdoctor`."""
    words = shlex.split((case / "COMMAND").read_text(encoding="utf-8"))
    assert words and words[0] == "aksdoctor", f"{case.name}/COMMAND must start with 'aksdoctor': {words}"
    return words[1:]


def problems_of_expected(case: Path, *, example: bool) -> list[str]:
    """What is wrong with a case's files and expected.json (empty when well-formed)."""
    out: list[str] = []
    if not (case / "COMMAND").is_file():
        return ["no COMMAND file"]
    lines = [line for line in (case / "COMMAND").read_text(encoding="utf-8").splitlines() if line.strip()]
    if len(lines) != 1 or not lines[0].startswith("aksdoctor "):
        out.append(f"COMMAND must be one line starting with 'aksdoctor ': {lines}")
    try:
        exp = load(case)
    except json.JSONDecodeError as e:
        return [*out, f"expected.json is not JSON: {e}"]
    runbook = exp.get("runbook")
    book = catalog().get(runbook) if isinstance(runbook, str) else None
    if book is None:
        out.append(f"runbook {runbook!r} is not a section of the cause catalog ({', '.join(sorted(catalog()))})")
    elif lines and lines[0].split()[1:2] != [runbook]:
        out.append(f"COMMAND runs {lines[0].split()[1:2]} but expected.json says runbook {runbook!r}")
    if not case.name.startswith(f"{runbook}-"):
        out.append(f"folder name must start with '{runbook}-'")
    source = exp.get("source")
    if not isinstance(source, dict):
        out.append("source must be an object {url, title, kind}")
        source = {}
    if example:
        if source.get("kind") != "example" or source.get("url") is not None:
            out.append('an example bundle has source.kind "example" and source.url null')
    else:
        if source.get("kind") not in KINDS:
            out.append(f"source.kind must be one of {sorted(KINDS)}, not {source.get('kind')!r}")
        url = source.get("url")
        if not (isinstance(url, str) and url.startswith("https://")):
            out.append(f"source.url must be the https address of the public report, not {url!r}")
        if not (isinstance(source.get("title"), str) and source["title"].strip()):
            out.append("source.title must name the report")
        verbatim = exp.get("verbatim")
        if not (isinstance(verbatim, str) and verbatim.strip()):
            out.append("verbatim must quote the source's message (a non-empty string)")
        fidelity = exp.get("fidelity")
        if not (
            isinstance(fidelity, dict)
            and isinstance(fidelity.get("verbatim"), list)
            and isinstance(fidelity.get("reconstructed"), list)
            and (fidelity["verbatim"] or fidelity["reconstructed"])
        ):
            out.append("fidelity must list what in the bundle is verbatim and what is reconstructed")
    gap = exp.get("known_gap")
    if gap is not None and not (isinstance(gap, str) and gap.strip()):
        out.append("known_gap, where present, says in words what aksdoctor still gets wrong on this case")
    expected = exp.get("expected")
    if not isinstance(expected, dict):
        return [*out, "expected must be an object {status, cause, acceptable}"]
    status, cause = expected.get("status"), expected.get("cause")
    acceptable = expected.get("acceptable", [])
    if status not in EXIT:
        out.append(f"expected.status must be one of {sorted(EXIT)}, not {status!r}")
    if status == "problem":
        if book is not None and cause not in book:
            out.append(f"expected.cause {cause!r} is not a {runbook} cause of the catalog")
    elif cause is not None:
        out.append(f"expected.cause must be null for status {status!r}")
    if not isinstance(acceptable, list) or (book is not None and not set(acceptable) <= book):
        out.append(f"expected.acceptable must list {runbook} catalog causes: {acceptable!r}")
    must = exp.get("fix_must_name", [])
    if not (isinstance(must, list) and all(isinstance(m, str) and m for m in must)):
        out.append("fix_must_name must be a list of non-empty strings")
    elif status == "problem" and not example and not must:
        out.append("fix_must_name must name at least one real name from the case")
    return out


def run(cli: Callable[..., Any], case: Path, *more: str) -> tuple[int, dict[str, Any] | None, str]:
    """Run the case's COMMAND on its bundle with -o json: (exit code, report or None, stderr)."""
    result = cli(*command_args(case), "--bundle", str(case), "-o", "json", *more)
    try:
        report = json.loads(result.stdout) if result.stdout.strip() else None
    except json.JSONDecodeError:
        report = None
    return result.exit_code, report, result.stderr


@dataclass
class Verdict:
    """How one case went: right or not, and why not."""

    case: str
    runbook: str
    expected: str
    got: str
    misses: list[str] = field(default_factory=list)

    @property
    def right(self) -> bool:
        return not self.misses


def _with_nested(cause: dict[str, Any]) -> list[dict[str, Any]]:
    """The cause and the causes a hand-over nested under it (their fixes are part of the answer)."""
    return [cause, *(n for child in cause.get("nested", []) for n in _with_nested(child))]


def _label(status: str | None, cause: str | None) -> str:
    return f"{status}/{cause}" if cause else str(status)


def judge(case: Path, code: int, report: dict[str, Any] | None, stderr: str = "") -> Verdict:
    """Compare a report with the case's expected.json: status, exit code, cause (or an acceptable one), fix names."""
    exp = load(case)
    want = exp["expected"]
    verdict = Verdict(case.name, exp["runbook"], _label(want["status"], want.get("cause")), "")
    if report is None:
        verdict.got = f"exit {code}, no report"
        verdict.misses.append(f"no JSON report (exit {code}): {stderr.strip()[:300]}")
        return verdict
    top = report["causes"][0] if report.get("causes") else None
    verdict.got = _label(report.get("status"), top["id"] if top else None)
    if report.get("runbook") != exp["runbook"]:
        verdict.misses.append(f"runbook {report.get('runbook')!r}, expected {exp['runbook']!r}")
    if report.get("status") != want["status"]:
        verdict.misses.append(f"status {report.get('status')!r}, expected {want['status']!r}")
    if code != EXIT.get(report.get("status", ""), -1):
        verdict.misses.append(f"exit code {code} does not match status {report.get('status')!r}")
    if want["status"] != "problem":
        if report.get("causes"):
            verdict.misses.append(f"causes {[c['id'] for c in report['causes']]}, expected none")
        return verdict
    if top is None:
        return verdict
    allowed = [want["cause"], *want.get("acceptable", [])]
    if top["id"] not in allowed:
        verdict.misses.append(f"cause {top['id']!r}, expected {' or '.join(map(repr, allowed))}")
        return verdict
    if not top.get("evidence"):
        verdict.misses.append("the cause is named without evidence")
    if re.search(r"<[a-z_]+>", top.get("title", "")):
        verdict.misses.append(f"the title leaves a name unfilled: {top['title']!r}")
    commands = "\n".join(f["command"] for c in _with_nested(top) for f in c.get("fix", []))
    for text in exp.get("fix_must_name", []):
        if text not in commands:
            verdict.misses.append(f"fix does not name {text!r}")
    unfilled = [p for p in ALWAYS_KNOWN if p in commands]
    if report.get("source", {}).get("cluster"):
        unfilled += [p for p in CLUSTER_NAMES if p in commands]
    if unfilled:
        verdict.misses.append(f"fix leaves {', '.join(unfilled)} unfilled")
    return verdict

"""Score aksdoctor on the real-world corpus: every tests/realworld/*/ case run through the CLI on its bundle and
judged against its expected.json (status, cause or an acceptable one, the names the fix must hold).

    python scripts/realworld_score.py             # per runbook: right/total, then each miss (expected vs got)
    python scripts/realworld_score.py --json      # the same as JSON
    python scripts/realworld_score.py --examples  # score examples/bundles/ instead
    python scripts/realworld_score.py pending-    # only cases whose folder name starts with this

Exit code 0 when every case is right, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from corpus import EXAMPLES, REALWORLD, cases, judge, run  # noqa: E402


def _cli():
    from typer.testing import CliRunner

    from aksdoctor.cli.main import app

    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, list(args), env={"COLUMNS": "120", "NO_COLOR": "1"})

    return invoke


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("prefix", nargs="?", default="", help="only cases whose folder name starts with this")
    parser.add_argument("--json", action="store_true", help="print the score as JSON")
    parser.add_argument("--examples", action="store_true", help="score examples/bundles/ instead of tests/realworld/")
    args = parser.parse_args(argv)
    cli = _cli()
    verdicts = []
    for case in cases(EXAMPLES if args.examples else REALWORLD):
        if case.name.startswith(args.prefix):
            code, report, stderr = run(cli, case)
            verdicts.append(judge(case, code, report, stderr))
    per: dict[str, list] = defaultdict(list)
    for v in verdicts:
        per[v.runbook].append(v)
    right = sum(v.right for v in verdicts)
    if args.json:
        doc = {
            "total": {"right": right, "cases": len(verdicts)},
            "runbooks": {
                rb: {
                    "right": sum(v.right for v in vs),
                    "cases": len(vs),
                    "misses": [
                        {"case": v.case, "expected": v.expected, "got": v.got, "why": v.misses}
                        for v in vs
                        if not v.right
                    ],
                }
                for rb, vs in sorted(per.items())
            },
        }
        print(json.dumps(doc, indent=2))
    else:
        width = max((len(rb) for rb in per), default=5)
        for rb, vs in sorted(per.items()):
            print(f"{rb:<{width}}  {sum(v.right for v in vs)}/{len(vs)}")
        print(f"{'total':<{width}}  {right}/{len(verdicts)}")
        misses = [v for v in verdicts if not v.right]
        if misses:
            print("\nmisses:")
        for v in misses:
            print(f"  {v.case}: expected {v.expected}, got {v.got}")
            for why in v.misses:
                print(f"      {why}")
    return 0 if right == len(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())

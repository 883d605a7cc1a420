"""`aksdoctor --help` must stay light: wall time against `python -c pass`, and which heavy SDKs it imports.

python bench/bench_help.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

HEAVY = ("kubernetes", "azure", "urllib3", "requests")


def timed(cmd: list[str], runs: int) -> list[float]:
    """Wall times of a command, in ms."""
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=False, capture_output=True)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def imported_by_help() -> list[str]:
    """Top-level packages among HEAVY that `--help` imports."""
    code = (
        "import sys\nfrom aksdoctor.cli.main import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    return eval(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    base = timed([sys.executable, "-c", "pass"], args.runs)
    helps = timed([sys.executable, "-m", "aksdoctor", "--help"], args.runs)
    heavy = timed([sys.executable, "-c", "import kubernetes.client, azure.mgmt.containerservice"], args.runs)
    print(f"python -c pass                     median {statistics.median(base):7.1f} ms")
    print(f"aksdoctor --help                   median {statistics.median(helps):7.1f} ms")
    print(f"import kubernetes + azure-mgmt-aks median {statistics.median(heavy):7.1f} ms  (what --help avoids)")
    print(f"heavy packages imported by --help: {imported_by_help() or 'none'}")


if __name__ == "__main__":
    main()

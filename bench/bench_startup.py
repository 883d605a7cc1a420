"""Start-up against `python -c pass`: `--help`, `--version`, a bundle diagnosis (json and text), and which heavy
modules each imports (issue 17's goals: --help <= 4x, --version <= 3x, a bundle diagnosis <= 10x).

python bench/bench_startup.py [--runs 9]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "examples" / "bundles" / "imagepull-acr-pull-permission-missing"
DIAGNOSIS = ["imagepull", "web-7d9f8-x2x", "-n", "shop", "--bundle", str(BUNDLE)]
HEAVY = ("kubernetes", "azure", "pydantic", "rich.markdown", "yaml", "rich", "urllib3", "requests")
CASES = {
    "--help": ["--help"],
    "--version": ["--version"],
    "bundle -o json": [*DIAGNOSIS, "-o", "json"],
    "bundle --no-azure": [*DIAGNOSIS, "-o", "json", "--no-azure"],
    "bundle text": DIAGNOSIS,
}


CPU: dict[str, list[float]] = {}


# As users run it: with the bytecode an install writes (a PYTHONDONTWRITEBYTECODE shell would have every changed
# module compiled again on each run).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str], label: str = "") -> float:
    """Wall time in ms; the child's CPU time (user + sys) goes to CPU[label] (a loaded machine inflates wall time)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=False, capture_output=True, env=ENV)
    wall = (time.perf_counter() - t0) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    CPU.setdefault(label, []).append(cpu)
    return wall


def imported(args: list[str]) -> list[str]:
    """Which of HEAVY the command imports (run in-process, as the entry point does)."""
    code = (
        "import os, sys\n"
        "def _stay(code):\n    raise SystemExit(code)\n"
        "os._exit = _stay\n"  # the entry point leaves with os._exit after flushing; stay to read sys.modules
        f"sys.argv = ['aksdoctor', *{args!r}]\nfrom aksdoctor.cli import run\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        f"mods = set(sys.modules)\nprint(__import__('json').dumps([h for h in {HEAVY!r} "
        "if h in mods or any(m.startswith(h + '.') for m in mods)]), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT)
    return json.loads(done.stderr.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    entry = [str(Path(sys.executable).parent / "aksdoctor")]  # the console script, as users run it
    timed([*entry, "--help"])  # the first --help renders and caches the help text
    for extra in CASES.values():  # and the first run of each writes the bytecode of what it imports
        timed([*entry, *extra])
    times: dict[str, list[float]] = {"python -c pass": [], **{k: [] for k in CASES}}
    for _ in range(args.runs):  # interleaved, so machine load hits every case alike
        times["python -c pass"].append(timed([sys.executable, "-c", "pass"], "python -c pass"))
        for label, extra in CASES.items():
            times[label].append(timed([*entry, *extra], label))
    base = statistics.median(times["python -c pass"])
    base_cpu = statistics.median(CPU["python -c pass"])
    print(f"{'what':<16} {'wall ms':>8} {'x pass':>7} {'cpu ms':>8} {'x pass':>7}  heavy modules imported")
    for label, values in times.items():
        med, cpu = statistics.median(values), statistics.median(CPU[label])
        heavy = "" if label not in CASES else ", ".join(imported(CASES[label])) or "none"
        print(f"{label:<16} {med:>8.0f} {med / base:>7.1f} {cpu:>8.0f} {cpu / base_cpu:>7.1f}  {heavy}")


if __name__ == "__main__":
    main()

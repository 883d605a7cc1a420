"""Start-up of the single-file plugin (`kubectl-aksdoctor`, shiv) against the installed entry point.

python scripts/release.py --out dist            # builds dist/kubectl-aksdoctor (and the wheel)
python bench/bench_plugin.py --plugin dist/kubectl-aksdoctor [--entry .venv/bin/aksdoctor] [--runs 9]

Prints medians (ms) of `--version` and of a bundle diagnosis (-o json) for each, plus the first run of the
plugin with an empty ~/.shiv (it unpacks itself once).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "examples" / "bundles" / "imagepull-acr-pull-permission-missing"
DIAGNOSIS = ["imagepull", "web-7d9f8-x2x", "-n", "shop", "--bundle", str(BUNDLE), "-o", "json"]


def timed(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=False, capture_output=True, env=env)
    return (time.perf_counter() - t0) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plugin", type=Path, required=True)
    parser.add_argument("--entry", type=Path, default=Path(sys.executable).parent / "aksdoctor")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "HOME": home, "SHIV_ROOT": str(Path(home) / ".shiv")}
        first = timed([str(args.plugin), *DIAGNOSIS], env)
        rows = []
        for label, extra in (("--version", ["--version"]), ("bundle diagnosis", DIAGNOSIS)):
            plugin, entry, bare = [], [], []
            for _ in range(args.runs):
                plugin.append(timed([str(args.plugin), *extra], env))
                entry.append(timed([str(args.entry), *extra], env))
                bare.append(timed([sys.executable, "-c", "pass"], env))
            rows.append((label, statistics.median(plugin), statistics.median(entry), statistics.median(bare)))
        shutil.rmtree(home, ignore_errors=True)
    print(f"plugin {args.plugin}: {args.plugin.stat().st_size / 1e6:.1f} MB; first run (unpacks): {first:.0f} ms")
    print(f"{'what':<18} {'plugin':>8} {'entry':>8} {'ratio':>6} {'python -c pass':>15}")
    for label, p, e, b in rows:
        print(f"{label:<18} {p:>8.0f} {e:>8.0f} {p / e:>6.2f} {b:>15.0f}")


if __name__ == "__main__":
    main()

"""A live diagnosis as users run it (the console script, a fresh process each time) against the kubectl command an
engineer would run instead, both on the API server fixture with latency added to every response, interleaved.

    python bench/bench_live_vs_kubectl.py --case rollout-new-pods-crashloop -- describe deploy web -n shop
    python bench/bench_live_vs_kubectl.py --case imagepull-acr-pull-permission-missing -- describe pod web-7d9f8-x2x -n shop
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def main() -> None:
    from live import served

    parser = argparse.ArgumentParser()
    parser.add_argument("--case", default="rollout-new-pods-crashloop")
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("kubectl", nargs="+", help="the kubectl arguments to compare with (after --)")
    args = parser.parse_args()
    if shutil.which("kubectl") is None:
        sys.exit("kubectl is not on PATH")
    bundle = ROOT / "examples" / "bundles" / args.case
    diagnosis = shlex.split((bundle / "COMMAND").read_text())[1:]
    exe = str(Path(sys.executable).parent / "aksdoctor")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    times: dict[str, list[float]] = {"aksdoctor": [], "kubectl": []}
    with tempfile.TemporaryDirectory() as tmp, served(bundle, Path(tmp), latency=args.latency) as (_server, kubeconfig):
        where = ["--kubeconfig", kubeconfig, "--context", "fixture"]
        commands = {
            "aksdoctor": [exe, *diagnosis, *where, "-o", "json", "--no-azure"],
            "kubectl": ["kubectl", *where, *args.kubectl],
        }
        for _ in range(args.runs):
            for name, cmd in commands.items():
                t0 = time.perf_counter()
                subprocess.run(cmd, capture_output=True, env=env, check=False)
                times[name].append((time.perf_counter() - t0) * 1000)
    ours, theirs = statistics.median(times["aksdoctor"]), statistics.median(times["kubectl"])
    print(f"case {args.case}, {int(args.latency * 1000)} ms per response, {args.runs} interleaved runs (medians)")
    print(f"aksdoctor {' '.join(diagnosis)}: {ours:.0f} ms")
    print(f"kubectl {' '.join(args.kubectl)}: {theirs:.0f} ms")
    print(f"ratio: {ours / theirs:.2f}")


if __name__ == "__main__":
    main()

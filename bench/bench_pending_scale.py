"""`pending POD` on a large cluster served by the API server fixture, beside `kubectl describe pod` of the same pod.

    python bench/bench_pending_scale.py [--pods 10000] [--latency 0.02] [--runs 3]

The cluster is bench_scan_scale's (N pods in 50 namespaces, 1% of them pending, N/20 nodes). The pending pod's
verdict needs every node and every pod bound to them (the scheduler's view): aksdoctor lists them cluster-wide, in
pages; kubectl describe reads one pod and its events. Both run as subprocesses (the console script, `--no-azure`).
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from apiserver import FakeApiServer  # noqa: E402 - the test fixture, on the path just above


def _scan_bench():
    spec = importlib.util.spec_from_file_location("bench_scan_scale", ROOT / "bench" / "bench_scan_scale.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pods", type=int, default=10000)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    objects = _scan_bench().cluster(args.pods)
    pod = next(o for o in objects if o["kind"] == "Pod" and o["status"]["phase"] == "Pending" and "nodeName" not in o["spec"])
    name, ns = pod["metadata"]["name"], pod["metadata"]["namespace"]
    exe = str(Path(sys.executable).parent / "aksdoctor")
    server = FakeApiServer(objects, latency=args.latency).start()
    times: dict[str, list[float]] = {"aksdoctor": [], "kubectl": []}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            kubeconfig = server.write_kubeconfig(Path(tmp) / "kubeconfig")
            env = {**os.environ, "KUBECONFIG": kubeconfig, "HOME": tmp}
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            commands = {
                "aksdoctor": [exe, "pending", name, "-n", ns, "--no-azure", "-o", "json", "--context", "fixture"],
                "kubectl": ["kubectl", f"--cache-dir={tmp}/cache", "--context", "fixture", "describe", "pod", name,
                            "-n", ns],
            }
            requests: collections.Counter[str] = collections.Counter()
            verdict = ""
            for _ in range(args.runs):
                for label, cmd in commands.items():
                    server.clear_requests()
                    t0 = time.perf_counter()
                    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False, timeout=600)
                    times[label].append((time.perf_counter() - t0) * 1000)
                    if label == "aksdoctor":
                        requests = collections.Counter(r.path for r in server.requests)
                        verdict = _verdict(done.stdout)
    finally:
        server.stop()
    ours, theirs = statistics.median(times["aksdoctor"]), statistics.median(times["kubectl"])
    print(f"{args.pods} pods, {len(requests)} paths, {sum(requests.values())} requests, "
          f"{int(args.latency * 1000)} ms per response; verdict {verdict}")
    for path, count in requests.most_common(6):
        print(f"  {count:4d} x {path}")
    print(f"aksdoctor pending: {ours:.0f} ms   kubectl describe pod: {theirs:.0f} ms   ratio {ours / theirs:.1f}")


def _verdict(stdout: str) -> str:
    import json

    try:
        report = json.loads(stdout)
    except ValueError:
        return "no report"
    return report["causes"][0]["id"] if report.get("causes") else str(report.get("status"))


if __name__ == "__main__":
    main()

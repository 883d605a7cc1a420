"""A live diagnosis (imagepull by default; any example with a COMMAND: --case rollout-new-pods-crashloop) against
the API server fixture with latency added to every response.

Counts the Kubernetes requests and the sequential rounds they form (a request is one round deeper than
every request that had completed before it was sent), and the wall time. Azure is answered by `responses`
with the same latency (`--azure-latency` to change it); the Azure rounds are the dependent Azure requests
after the last Kubernetes round they waited for: the depth of the whole chain minus the Kubernetes depth.

    python bench/bench_imagepull.py [--latency 0.05] [--case imagepull-acr-pull-permission-missing] [--runs 5] [-v]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def rounds(requests: list[tuple[float, float]]) -> int:
    """Depth of the longest chain of requests (sent, answered) sent after an earlier one was answered."""
    depth: dict[int, int] = {}
    ordered = sorted(requests)
    for i, (at, _done) in enumerate(ordered):
        before = [depth[j] for j, prev in enumerate(ordered[:i]) if prev[1] <= at]
        depth[i] = 1 + max(before, default=0)
    return max(depth.values(), default=0)


def run_once(
    case: str, latency: float, azure_latency: float, *, verbose: bool = False
) -> tuple[float, int, int, int, int, str]:
    """One diagnosis: wall ms, k8s requests, k8s rounds, Azure requests, Azure rounds after the k8s ones, verdict."""
    import json
    import shlex

    import pytest
    from typer.testing import CliRunner

    from aksdoctor.cli.main import app
    from live import azure_mock, served

    bundle = ROOT / "examples" / "bundles" / case
    args = [*shlex.split((bundle / "COMMAND").read_text())[1:], "--context", "fixture", "-o", "json"]
    if not (bundle / "azure").is_dir():
        args.append("--no-azure")
    with (
        tempfile.TemporaryDirectory() as tmp,
        pytest.MonkeyPatch.context() as mp,
        served(bundle, Path(tmp), latency=latency) as (server, kubeconfig),
        azure_mock(bundle, mp, latency=azure_latency, timings=(azure := [])),
    ):
        server.clear_requests()
        t0 = time.perf_counter()
        result = CliRunner().invoke(app, [*args, "--kubeconfig", kubeconfig])
        wall = (time.perf_counter() - t0) * 1000
        reqs = list(server.requests)
    report = json.loads(result.stdout)
    verdict = report["causes"][0]["id"] if report["causes"] else report["status"]
    kube = [(r.at, r.done) for r in reqs]
    both = kube + [(at, done) for at, done, _url in azure]
    if verbose:
        start = min(at for at, _done in both)
        lines = [
            (r.at, f"{r.method} {r.path}" + ("?" + "&".join(f"{k}={v}" for k, v in r.query.items()) if r.query else ""))
            for r in reqs
        ]
        lines += [(at, f"azure GET {url.split('?', 1)[0]}") for at, _done, url in azure]
        for at, text in sorted(lines):
            print(f"  {(at - start) * 1000:7.1f} ms  {text}")
    return wall, len(reqs), rounds(kube), len(azure), rounds(both) - rounds(kube), verdict


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--azure-latency", type=float, default=None, help="Azure's latency (default: --latency)")
    parser.add_argument("--case", default="imagepull-acr-pull-permission-missing")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("-v", action="store_true", help="list the requests of the last run with their send times")
    args = parser.parse_args()
    azure_latency = args.latency if args.azure_latency is None else args.azure_latency
    runs = [
        run_once(args.case, args.latency, azure_latency, verbose=args.v and i == args.runs - 1)
        for i in range(args.runs)
    ]
    walls = [r[0] for r in runs]
    _, k8s, depth, azure, azure_depth, verdict = runs[-1]
    print(
        f"case {args.case}, {int(args.latency * 1000)} ms added to every API server response, "
        f"{int(azure_latency * 1000)} ms to every Azure one, {args.runs} runs"
    )
    print(f"verdict: {verdict}")
    print(f"kubernetes requests: {k8s}   sequential rounds: {depth}")
    print(f"azure requests: {azure}   dependent rounds after the kubernetes ones: {azure_depth}")
    print(f"wall time: median {statistics.median(walls):.0f} ms (min {min(walls):.0f}, max {max(walls):.0f})")


if __name__ == "__main__":
    main()

"""Live nodecpu on a large synthetic cluster served by the API server fixture: API calls and wall time.

The cluster has N nodes in five pools (a tainted System pool and four User pools; the last one runs hot
and sits at its autoscaler maxCount) and P pods of 100 Deployments spread over the user nodes, with
kube-proxy on every node, HPAs on half the Deployments, NodeMetrics and PodMetrics for everything.
Azure answers from the recordings of examples/bundles/nodecpu-autoscaler-max-reached with the pools
rewritten. The walk goes through every probe of the runbook (verdict autoscaler-max-reached), so the
counts are the worst case. Reads must not grow with the node count: no per-node request.

    python bench/bench_nodecpu_scale.py [--nodes 200] [--pods 5000] [--compare-nodes 50] [--latency 0] [--runs 3]
"""

from __future__ import annotations

import argparse
import collections
import copy
import importlib.util
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
EXAMPLE = ROOT / "examples" / "bundles" / "nodecpu-autoscaler-max-reached"
USER_POOLS = ("userpool1", "userpool2", "userpool3", "userpool4")
HOT_POOL = USER_POOLS[-1]
SYSTEM_NODES = 3


def _generator() -> Any:
    """scripts/make_example_bundles_nodecpu.py as a module: the same object builders as the examples."""
    path = ROOT / "scripts" / "make_example_bundles_nodecpu.py"
    spec = importlib.util.spec_from_file_location("make_example_bundles_nodecpu", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


def pools_for(node_count: int) -> dict[str, list[str]]:
    """Pool name -> node names: 3 System nodes, the rest split over four User pools."""
    user = node_count - SYSTEM_NODES
    sizes = [user // 4 + (1 if i < user % 4 else 0) for i in range(4)]
    out = {"nodepool1": [f"aks-nodepool1-31718369-vmss{i:06d}" for i in range(SYSTEM_NODES)]}
    for pool, size in zip(USER_POOLS, sizes, strict=True):
        out[pool] = [f"aks-{pool}-24817365-vmss{i:06d}" for i in range(size)]
    return out


def synthetic_cluster(
    node_count: int = 200, pod_count: int = 5000
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Kubernetes objects (as kubectl prints them) and Azure recordings of an N-node, P-pod cluster."""
    gen = _generator()
    pools = pools_for(node_count)
    user_nodes = [n for pool in USER_POOLS for n in pools[pool]]
    hot = set(pools[HOT_POOL])
    placement: dict[str, int] = collections.Counter(user_nodes[i % len(user_nodes)] for i in range(pod_count))
    # every app pod requests 100m; a hot node's pods share ~92% of it, the others ~50%
    share = {
        n: ((0.92 if n in hot else 0.5) * gen.ALLOCATABLE_M - gen.OVERHEAD_M - 20) / placement[n] for n in user_nodes
    }
    apps = []
    per_app = pod_count // 100
    for a in range(100):
        pods = [user_nodes[(a * per_app + i) % len(user_nodes)] for i in range(per_app)]
        apps.append(
            gen.Workload(
                f"team-{a % 10:02d}",
                f"app-{a:03d}",
                "Deployment",
                f"contososhop.azurecr.io/team/app-{a:03d}:1.0.{a}",
                "100m",
                "1",
                [(n, round(share[n])) for n in pods],
                labels={"app": f"app-{a:03d}"},
            )
        )
    all_nodes = [n for names in pools.values() for n in names]
    workloads = gen.system_workloads(all_nodes, pools["nodepool1"]) + apps
    objects: list[dict[str, Any]] = []
    node_objs = [
        gen.node_object(n, pool, "system" if pool == "nodepool1" else "user", tainted=pool == "nodepool1", index=i)
        for pool, names in pools.items()
        for i, n in enumerate(names)
    ]
    usage: dict[str, int] = collections.Counter()
    for w in workloads:
        for n, u in w.pods:
            usage[n] += u
    for node in node_objs:
        metrics = gen.node_metrics(node, [])
        metrics["usage"]["cpu"] = gen.nanocores(
            gen.OVERHEAD_M + usage[node["metadata"]["name"]], node["metadata"]["name"]
        )
        objects += [node, metrics]
    for w in workloads:
        if w.kind == "Deployment":
            objects.append(gen.replicaset_object(w))
        for i, (n, _u) in enumerate(w.pods):
            objects += [gen.pod_object(w, n, i), gen.pod_metrics(w, n, i)]
    for a in range(0, 100, 2):
        hpa = gen.hpa_object(
            {"name": f"app-{a:03d}", "min": 2, "max": 4 * per_app, "target": 80, "current": 70, "value": "70m"}
        )
        hpa["metadata"]["namespace"] = f"team-{a % 10:02d}"
        hpa["spec"]["scaleTargetRef"]["name"] = f"app-{a:03d}"
        hpa["status"].update(currentReplicas=per_app, desiredReplicas=per_app)
        hpa["status"]["conditions"] = hpa["status"]["conditions"][:2]
        objects.append(hpa)
    return objects, _recordings(gen, pools)


def _recordings(gen: Any, pools: dict[str, list[str]]) -> list[dict[str, Any]]:
    lines = (EXAMPLE / "azure" / "arm.jsonl").read_text(encoding="utf-8").splitlines()
    recs = [json.loads(line) for line in lines if line.strip()]
    for rec in recs:
        body = rec["body"]
        for cluster in body.get("value", [body]) if "managedClusters" in rec["url"] else []:
            template = cluster["properties"]["agentPoolProfiles"][-1]
            profiles = []
            for pool, names in pools.items():
                p = gen.profile(
                    copy.deepcopy(template), gen.Pool(pool, "System" if pool == "nodepool1" else "User", len(names))
                )
                if pool != "nodepool1":
                    at_max = pool == HOT_POOL
                    p.update(enableAutoScaling=True, minCount=1, maxCount=len(names) if at_max else len(names) * 2)
                else:
                    p.pop("minCount", None), p.pop("maxCount", None)
                profiles.append(p)
            cluster["properties"]["agentPoolProfiles"] = profiles
        if rec["url"].split("?")[0].endswith("/usages"):
            for usage in body["value"]:
                if usage["name"]["value"] in ("cores", "standardDDSv5Family"):
                    usage.update(currentValue=4 * sum(len(n) for n in pools.values()), limit=2000)
    return recs


def run_once(node_count: int, pod_count: int, *, latency: float = 0.0, objects: Any = None) -> dict[str, Any]:
    """One live diagnosis: wall ms, Kubernetes requests by path, Azure requests, verdict."""
    import pytest
    from typer.testing import CliRunner

    from aksdoctor.cli.main import app
    from apiserver import FakeApiServer
    from live import azure_mock

    kube, recs = objects or synthetic_cluster(node_count, pod_count)
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
        bundle = Path(tmp) / "bundle"
        (bundle / "azure").mkdir(parents=True)
        (bundle / "azure" / "arm.jsonl").write_text("\n".join(json.dumps(r) for r in recs) + "\n", encoding="utf-8")
        server = FakeApiServer(kube, latency=latency).start()
        try:
            kubeconfig = server.write_kubeconfig(Path(tmp) / "kubeconfig", context="fixture")
            with azure_mock(bundle, mp) as mock:
                server.clear_requests()
                t0 = time.perf_counter()
                result = CliRunner().invoke(
                    app, ["nodecpu", "--kubeconfig", kubeconfig, "--context", "fixture", "-o", "json"]
                )
                wall = (time.perf_counter() - t0) * 1000
                azure_calls = len(mock.calls)
            requests = list(server.requests)
        finally:
            server.stop()
    report = json.loads(result.stdout)
    paths = collections.Counter(r.path for r in requests)
    return {
        "wall_ms": wall,
        "k8s_requests": len(requests),
        "by_path": dict(sorted(paths.items())),
        "azure_requests": azure_calls,
        "verdict": report["causes"][0]["id"] if report["causes"] else report["status"],
        "report": report,
        "requests": requests,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=200)
    parser.add_argument("--pods", type=int, default=5000)
    parser.add_argument("--compare-nodes", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for nodes in (args.compare_nodes, args.nodes):
        t0 = time.perf_counter()
        objects = synthetic_cluster(nodes, args.pods)
        built = time.perf_counter() - t0
        runs = [run_once(nodes, args.pods, latency=args.latency, objects=objects) for _ in range(args.runs)]
        walls = [r["wall_ms"] for r in runs]
        last = runs[-1]
        print(
            f"{nodes} nodes, {args.pods} pods ({len(objects[0])} objects, built in {built:.1f} s), "
            f"{int(args.latency * 1000)} ms added per API response, {args.runs} runs"
        )
        print(f"  verdict: {last['verdict']}")
        print(f"  kubernetes requests: {last['k8s_requests']}   azure requests: {last['azure_requests']}")
        for path, count in last["by_path"].items():
            print(f"    {count:3d}  GET {path}")
        print(f"  wall time: median {statistics.median(walls):.0f} ms (min {min(walls):.0f}, max {max(walls):.0f})")


if __name__ == "__main__":
    main()

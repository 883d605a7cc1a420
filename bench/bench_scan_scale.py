"""scan at scale against the API server fixture, side by side with kubectl fetching the same lists.

    python bench/bench_scan_scale.py [--pods 10000] [--latency 0.02] [--growth]

The cluster: N pods in 50 namespaces (2% of them failing to pull an image, 1% pending), 2 events per pod,
N/5 ReplicaSets, N/20 nodes. Both tools run as subprocesses against the same server; peak memory is the
child's max RSS.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from apiserver import FakeApiServer  # noqa: E402 - the test fixture, on the path just above

T = "2026-11-21T09:58:12Z"


def cluster(pods: int) -> list[dict]:
    """Objects for a cluster of `pods` pods."""
    nodes = max(1, pods // 20)
    out: list[dict] = []
    for n in range(nodes):
        out.append(
            {
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": {"name": f"aks-pool{n % 5}-12345678-vmss{n:06x}", "labels": {"agentpool": f"pool{n % 5}"}},
                "spec": {
                    "providerID": f"azure:///subscriptions/s/resourceGroups/mc_rg/providers/Microsoft.Compute/virtualMachineScaleSets/v/virtualMachines/{n}"
                },
                "status": {
                    "allocatable": {"cpu": "3860m", "memory": "12880516Ki", "pods": "110"},
                    "conditions": [{"type": "Ready", "status": "True"}],
                },
            }
        )
    replicasets = max(1, pods // 5)
    for r in range(replicasets):
        ns = f"team-{r % 50}"
        out.append(
            {
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "metadata": {
                    "name": f"app-{r}-5c9d7b6f4",
                    "namespace": ns,
                    "uid": f"rs-{r}",
                    "labels": {"app": f"app-{r}"},
                },
                "spec": {"replicas": 5, "selector": {"matchLabels": {"app": f"app-{r}"}}},
                "status": {"replicas": 5, "readyReplicas": 5},
            }
        )
    for p in range(pods):
        r = p // 5
        ns = f"team-{r % 50}"
        name = f"app-{r}-5c9d7b6f4-{p:05d}"
        failing, pending = p % 50 == 7, p % 100 == 13
        image = f"contosoacr.azurecr.io/app-{r}:1.{p % 7}"
        state = {"running": {"startedAt": T}}
        phase = "Running"
        if failing:
            state = {"waiting": {"reason": "ImagePullBackOff", "message": f'Back-off pulling image "{image}"'}}
            phase = "Pending"
        out.append(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {
                    "name": name,
                    "namespace": ns,
                    "uid": f"pod-{p}",
                    "labels": {"app": f"app-{r}"},
                    "ownerReferences": [
                        {"kind": "ReplicaSet", "name": f"app-{r}-5c9d7b6f4", "uid": f"rs-{r}", "controller": True}
                    ],
                },
                "spec": {
                    "containers": [{"name": "app", "image": image}],
                    **({} if pending else {"nodeName": f"aks-pool{p % 5}-12345678-vmss{(p % nodes):06x}"}),
                },
                "status": {
                    "phase": "Pending" if pending else phase,
                    "conditions": [
                        {"type": "Ready", "status": "True" if phase == "Running" and not pending else "False"}
                    ],
                    **(
                        {}
                        if pending
                        else {
                            "containerStatuses": [
                                {
                                    "name": "app",
                                    "image": image,
                                    "ready": phase == "Running",
                                    "restartCount": 0,
                                    "state": state,
                                }
                            ]
                        }
                    ),
                },
            }
        )
        for e in range(2):
            failing_event = failing and e == 1
            out.append(
                {
                    "apiVersion": "v1",
                    "kind": "Event",
                    "metadata": {"name": f"{name}.{e:012x}", "namespace": ns},
                    "involvedObject": {
                        "kind": "Pod",
                        "name": name,
                        "namespace": ns,
                        "uid": f"pod-{p}",
                        "fieldPath": "spec.containers{app}",
                    },
                    "reason": "Failed" if failing_event else ("Pulled" if e == 0 else "Started"),
                    "message": (
                        f'Failed to pull image "{image}": rpc error: code = NotFound desc = failed to pull and unpack image "{image}": '
                        f'failed to resolve reference "{image}": {image}: not found'
                    )
                    if failing_event
                    else "ok",
                    "type": "Warning" if failing_event else "Normal",
                    "count": 1,
                    "lastTimestamp": T,
                }
            )
    return out


CPU_MS: list[float] = []


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, int, int]:
    """Wall ms, the command's own peak RSS in MB (GNU time's %M), exit code; its CPU ms goes to CPU_MS."""
    with tempfile.NamedTemporaryFile("r") as rss:
        wrapped = ["/usr/bin/time", "-f", "%M", "-o", rss.name, *cmd] if Path("/usr/bin/time").exists() else cmd
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(
            wrapped, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False, timeout=900
        )
        wall = (time.perf_counter() - t0) * 1000
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        CPU_MS.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)
        text = rss.read().strip().splitlines()
    if proc.returncode not in (0, 1, 3):
        print(proc.stderr.decode()[-2000:])
    peak_kb = int(text[-1]) if text and text[-1].isdigit() else resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, peak_kb // 1024, proc.returncode


def _list_kind(path: str) -> str | None:
    """`/api/v1/pods` -> pods, `/apis/apps/v1/namespaces/x/deployments` -> deployments.apps; None for a GET."""
    segs = path.split("?", 1)[0].strip("/").split("/")
    if segs[0] == "api" and (len(segs) == 3 or (len(segs) == 5 and segs[2] == "namespaces")):
        return segs[-1]
    if segs[0] == "apis" and (len(segs) == 4 or (len(segs) == 6 and segs[3] == "namespaces")):
        return f"{segs[-1]}.{segs[1]}"
    return None


def measure(pods: int, latency: float) -> dict[str, float]:
    server = FakeApiServer(cluster(pods), latency=latency).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            kubeconfig = server.write_kubeconfig(Path(tmp) / "kubeconfig")
            env = {**os.environ, "KUBECONFIG": kubeconfig, "HOME": tmp}
            server.clear_requests()
            a_wall, a_mem, code = run(
                [sys.executable, "-m", "aksdoctor", "scan", "-A", "-o", "json", "--no-azure", "--context", "fixture"],
                env,
            )
            a_cpu = CPU_MS[-1]
            a_requests = len(server.requests)
            kinds = sorted({k for k in (_list_kind(r.path) for r in server.requests) if k})
            per_object = sum(1 for r in server.requests if not _list_kind(r.path) and not r.path.endswith("/log"))
            # like with like: the same kinds in one kubectl invocation, its discovery cache warm
            kubectl = ["kubectl", f"--cache-dir={tmp}/cache"]
            subprocess.run([*kubectl, "api-resources"], env=env, capture_output=True, check=False)
            server.clear_requests()
            k_wall, k_mem, _ = run([*kubectl, "get", ",".join(kinds), "-A", "-o", "json", "--chunk-size=500"], env)
            k_cpu = CPU_MS[-1]
            k_requests = len(server.requests)
    finally:
        server.stop()
    return {
        "pods": pods,
        "kubectl_ms": k_wall,
        "kubectl_mb": k_mem,
        "kubectl_requests": k_requests,
        "aksdoctor_ms": a_wall,
        "aksdoctor_mb": a_mem,
        "aksdoctor_requests": a_requests,
        "per_object": per_object,
        "exit": code,
        "kinds": kinds,
        "kubectl_cpu_ms": k_cpu,
        "aksdoctor_cpu_ms": a_cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pods", type=int, default=10000)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--growth", action="store_true", help="also measure 1,000 and 5,000 pods")
    args = parser.parse_args()
    sizes = [1000, 5000, args.pods] if args.growth else [args.pods]
    print(f"{int(args.latency * 1000)} ms added per request; pods / nodes / events / replicasets = N / N/20 / 2N / N/5")
    print(
        f"{'pods':>6} {'kubectl ms':>11} {'MB':>5} {'req':>5} | {'aksdoctor scan ms':>17} {'MB':>5} {'req':>5} {'per-object':>10} {'ratio':>6}"
    )
    for n in sizes:
        m = measure(n, args.latency)
        ratio = m["aksdoctor_ms"] / m["kubectl_ms"]
        print(
            f"{n:>6} {m['kubectl_ms']:>11.0f} {m['kubectl_mb']:>5} {m['kubectl_requests']:>5} | {m['aksdoctor_ms']:>17.0f} {m['aksdoctor_mb']:>5} {m['aksdoctor_requests']:>5} {m['per_object']:>10} {ratio:>6.2f}"
        )
        print(
            f"       cpu ms: kubectl {m['kubectl_cpu_ms']:.0f}, aksdoctor {m['aksdoctor_cpu_ms']:.0f} "
            f"(ratio {m['aksdoctor_cpu_ms'] / m['kubectl_cpu_ms']:.2f}); memory ratio {m['aksdoctor_mb'] / m['kubectl_mb']:.2f}; "
            f"kinds: {','.join(m['kinds'])}"
        )


if __name__ == "__main__":
    main()

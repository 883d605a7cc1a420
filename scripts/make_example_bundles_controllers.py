"""Write examples/bundles/rollout-statefulset-* and rollout-daemonset-*: StatefulSet and DaemonSet rollouts.
Run from the repository root: python scripts/make_example_bundles_controllers.py"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
import make_example_bundles as base
import make_example_bundles_rollout as rollout

NS = "shop"
T0, T1 = rollout.T0, rollout.T1


def main() -> None:
    out = Path("examples/bundles")
    statefulset(out / "rollout-statefulset-crashloop")
    daemonset(out / "rollout-daemonset-image-pull")
    print("wrote the StatefulSet and DaemonSet examples")


def statefulset(folder: Path) -> None:
    old_rev, new_rev = "db-5a7e6b8c4", "db-6b8f7c9d5"
    sts = {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "db", "namespace": NS, "uid": "5d6e7f80-1a2b-4c3d-8e9f-0a1b2c3d4e5f", "generation": 4},
        "spec": {
            "replicas": 2,
            "serviceName": "db",
            "selector": {"matchLabels": {"app": "db"}},
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
            "template": {
                "metadata": {"labels": {"app": "db"}},
                "spec": {"containers": [{"name": "postgres", "image": "contososhop.azurecr.io/shop/db:16.4"}]},
            },
        },
        "status": {
            "observedGeneration": 4,
            "replicas": 2,
            "readyReplicas": 1,
            "currentReplicas": 1,
            "updatedReplicas": 1,
            "currentRevision": old_rev,
            "updateRevision": new_rev,
            "collisionCount": 0,
            "availableReplicas": 1,
        },
    }
    pods = [
        _pod("db-0", sts, {"controller-revision-hash": old_rev, "app": "db"}, rollout.running("0")),
        _pod(
            "db-1",
            sts,
            {"controller-revision-hash": new_rev, "app": "db"},
            rollout.crashing("1", exit_code=1, reason="Error", restarts=5),
        ),
    ]
    _write(
        folder,
        [sts],
        pods,
        "aksdoctor rollout sts/db -n shop",
        logs={
            "db-1": "2026-11-21 09:58:01.123 UTC [1] FATAL:  database files are incompatible with server\n2026-11-21 09:58:01.123 UTC [1] DETAIL:  The data directory was initialized by PostgreSQL version 15, which is not compatible with this version 16.4.\n"
        },
    )


def daemonset(folder: Path) -> None:
    image = "docker.io/fluent/fluent-bit:3.2"
    ds = {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {
            "name": "node-agent",
            "namespace": NS,
            "uid": "6e7f8091-2b3c-4d4e-9f0a-1b2c3d4e5f60",
            "generation": 3,
        },
        "spec": {
            "selector": {"matchLabels": {"app": "node-agent"}},
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}},
            "template": {
                "metadata": {"labels": {"app": "node-agent"}},
                "spec": {"containers": [{"name": "agent", "image": image}]},
            },
        },
        "status": {
            "observedGeneration": 3,
            "desiredNumberScheduled": 1,
            "currentNumberScheduled": 1,
            "numberReady": 0,
            "updatedNumberScheduled": 1,
            "numberAvailable": 0,
            "numberUnavailable": 1,
            "numberMisscheduled": 0,
        },
    }
    message = (
        f'Failed to pull image "{image}": rpc error: code = Unknown desc = failed to pull and unpack image "{image}": '
        "failed to copy: httpReadSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/fluent/fluent-bit/manifests/3.2: "
        "429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit. You may increase the limit by "
        "authenticating and upgrading: https://www.docker.com/increase-rate-limit"
    )
    state = rollout.waiting("x", "ImagePullBackOff", f'Back-off pulling image "{image}"')
    pod = _pod(
        "node-agent-7xk2p",
        ds,
        {"pod-template-generation": "3", "app": "node-agent", "controller-revision-hash": "6c9b8d7f5"},
        state,
        image=image,
        container="agent",
    )
    events = [
        rollout.event(pod, "Warning", "Failed", message, 9),
        rollout.event(pod, "Normal", "BackOff", f'Back-off pulling image "{image}"', 33),
    ]
    for e in events:
        e["involvedObject"]["fieldPath"] = "spec.containers{agent}"
    _write(folder, [ds], [pod], "aksdoctor rollout ds/node-agent -n shop", events=events)


def _pod(
    name: str,
    owner: dict[str, Any],
    labels: dict[str, str],
    state: dict[str, Any],
    *,
    image: str | None = None,
    container: str = "postgres",
) -> dict[str, Any]:
    image = image or owner["spec"]["template"]["spec"]["containers"][0]["image"]
    cs: dict[str, Any] = {
        "name": container,
        "image": image,
        "imageID": "",
        "ready": bool(state.get("ready")),
        "restartCount": state.get("restarts", 0),
        "started": state["phase"] == "Running",
        "state": state.get("state", {"running": {"startedAt": T1}}),
    }
    if state.get("last"):
        cs["lastState"] = state["last"]
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": NS,
            "uid": f"7f809102-3c4d-4e5f-8a0b-{_digits(name)}",
            "labels": labels,
            "creationTimestamp": T0,
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": owner["kind"],
                    "name": owner["metadata"]["name"],
                    "uid": owner["metadata"]["uid"],
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "spec": {"nodeName": base.NODE, "containers": [{"name": container, "image": image}]},
        "status": {
            "phase": state["phase"],
            "hostIP": "10.224.0.4",
            "podIP": "10.244.1.30",
            "conditions": [
                {"type": "Ready", "status": "True" if state.get("ready") else "False", "lastTransitionTime": T1}
            ],
            "containerStatuses": [cs],
        },
    }


def _write(
    folder: Path,
    workloads: list[dict[str, Any]],
    pods: list[dict[str, Any]],
    command: str,
    *,
    events: list | None = None,
    logs: dict[str, str] | None = None,
) -> None:
    for old in folder.iterdir() if folder.is_dir() else []:  # keep the expected verdict (tests/test_examples.py)
        if old.name != "expected.json":
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    kdir = folder / "kubernetes"
    kdir.mkdir(parents=True)
    kind = workloads[0]["kind"].lower() + "s"
    base.dump(kdir / f"{kind}.yaml", {"apiVersion": "v1", "kind": "List", "items": workloads})
    base.dump(kdir / "pods.yaml", {"apiVersion": "v1", "kind": "List", "items": pods})
    base.dump(kdir / "events.yaml", {"apiVersion": "v1", "kind": "List", "items": events or []})
    base.dump(kdir / "nodes.yaml", {"apiVersion": "v1", "kind": "List", "items": [base.node_object()]})
    base.dump(kdir / "replicasets.yaml", {"apiVersion": "v1", "kind": "List", "items": []})
    for pod, text in (logs or {}).items():
        container = next(p for p in pods if p["metadata"]["name"] == pod)["spec"]["containers"][0]["name"]
        path = folder / "logs" / NS / pod / f"{container}.previous.log"
        path.parent.mkdir(parents=True)
        path.write_text(text, encoding="utf-8")
    (folder / "COMMAND").write_text(command + "\n", encoding="utf-8")


def _digits(name: str) -> str:
    """12 stable digits from a name (hash() is salted per process; bundles must not change between runs)."""
    import hashlib

    return str(int(hashlib.sha256(name.encode()).hexdigest(), 16) % 10**12).zfill(12)


if __name__ == "__main__":
    main()

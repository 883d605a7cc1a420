"""Write examples/bundles/rollout-*: one realistic bundle per rollout cause, plus a healthy and an
in-progress rollout. Run from the repository root: python scripts/make_example_bundles_rollout.py"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
import make_example_bundles as base

NS, DEPLOY = "shop", "web"
OLD_HASH, NEW_HASH = "7d9f8", "5c9d7b6f4"
IMAGE_OLD = "contososhop.azurecr.io/shop/web:1.4.1"
IMAGE_NEW = "contososhop.azurecr.io/shop/web:1.4.2"
T0, T1 = "2026-11-21T09:30:00Z", "2026-11-21T09:58:12Z"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", default="../shared")
    parser.add_argument("--out", default="examples/bundles")
    args = parser.parse_args()
    shapes = Path(args.shared) / "azure-arm-examples"
    for case, spec in cases(shapes).items():
        write(Path(args.out) / case, spec)
        print(f"wrote {Path(args.out) / case}")


def cases(shapes: Path) -> dict[str, dict[str, Any]]:
    registry = base.registry_body(shapes)
    acr_ok = base.azure(shapes, registry=registry, assignments=[(base.ROLE_ACRPULL, base.ACR_ID)], tags=base.TAGS)
    pull_msg = (
        f'Failed to pull image "{IMAGE_NEW}": [rpc error: code = NotFound desc = failed to pull and unpack image '
        f'"{IMAGE_NEW}": failed to resolve reference "{IMAGE_NEW}": {IMAGE_NEW}: not found]'
    )
    return {
        "rollout-rollout-paused": {"paused": True, "pods": [running("a")]},
        "rollout-new-pods-image-pull": {
            "pods": [waiting("a", "ImagePullBackOff", f'Back-off pulling image "{IMAGE_NEW}"')],
            "pod_events": {
                "a": [
                    ("Warning", "Failed", pull_msg, 7),
                    ("Normal", "BackOff", f'Back-off pulling image "{IMAGE_NEW}"', 30),
                ]
            },
            "azure": acr_ok,
        },
        "rollout-new-pods-pending": {
            "pods": [pending("a")],
            "cpu_request": "3700m",  # the node has 3860m allocatable and the old pod holds 250m: it does not fit
            "pod_events": {
                "a": [
                    (
                        "Warning",
                        "FailedScheduling",
                        "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
                        12,
                    )
                ]
            },
        },
        "rollout-new-pods-crashloop": {
            "pods": [crashing("a", exit_code=1, reason="Error", restarts=6)],
            "logs": {
                "a": '2026-11-21T09:57:58Z INFO starting web 1.4.2\n2026-11-21T09:57:58Z INFO connecting to postgres://web:hunter2-Secret@db.shop.svc:5432/shop\n2026-11-21T09:57:59Z ERROR relation "orders_v2" does not exist\npanic: migration 0042 not applied\n'
            },
        },
        "rollout-new-pods-oomkilled": {
            "pods": [crashing("a", exit_code=137, reason="OOMKilled", restarts=4)],
            "memory_limit": "256Mi",
        },
        "rollout-readiness-probe-failing": {
            "pods": [unready("a")],
            "probe_port": 8081,
            "pod_events": {
                "a": [
                    (
                        "Warning",
                        "Unhealthy",
                        'Readiness probe failed: Get "http://10.244.1.17:8081/healthz": dial tcp 10.244.1.17:8081: connect: connection refused',
                        45,
                    )
                ]
            },
        },
        "rollout-config-reference-missing": {
            "pods": [waiting("a", "CreateContainerConfigError", 'secret "db-credentials" not found')],
            "pod_events": {"a": [("Warning", "Failed", 'Error: secret "db-credentials" not found', 9)]},
        },
        "rollout-quota-exceeded": {
            "pods": [],
            "rs_events": [
                (
                    "Warning",
                    "FailedCreate",
                    f'Error creating: pods "{DEPLOY}-{NEW_HASH}-8xk2p" is forbidden: exceeded quota: compute-resources, requested: requests.cpu=500m, used: requests.cpu=1800m, limited: requests.cpu=2',
                    14,
                )
            ],
        },
        "rollout-admission-denied": {
            "pods": [],
            "rs_events": [
                (
                    "Warning",
                    "FailedCreate",
                    f'Error creating: admission webhook "validation.gatekeeper.sh" denied the request: [azurepolicy-k8sazurev2containerallowedimages-8d1d7c] Container image {IMAGE_NEW} for container web has not been allowed.',
                    14,
                )
            ],
        },
        "rollout-progress-deadline-exceeded": {"pods": [running("a")], "deadline_exceeded": True, "min_ready": 900},
        "rollout-healthy": {"pods": [running("a"), running("b")], "complete": True},
        "rollout-in-progress": {"pods": [running("a")], "progressing": True},
        # 1.4.2 warms a cache before it listens: about 40s, and the liveness probe kills it at ~35s
        # (initialDelaySeconds 5 + 3 failures 10s apart). Event texts as the kubelet writes them
        # (kuberuntime_manager.go computePodActions, prober/prober.go).
        "rollout-liveness-probe-failing": {
            "pods": [
                {
                    **running("a"),
                    "ready": False,
                    "restarts": 5,
                    "last": {
                        "terminated": {
                            "exitCode": 137,
                            "reason": "Error",
                            "startedAt": "2026-11-21T09:57:01Z",
                            "finishedAt": "2026-11-21T09:57:37Z",
                        }
                    },
                }
            ],
            "liveness": {"initialDelaySeconds": 5},
            "pod_events": {
                "a": [
                    (
                        "Warning",
                        "Unhealthy",
                        'Liveness probe failed: Get "http://10.244.1.17:8080/healthz": dial tcp 10.244.1.17:8080: connect: connection refused',
                        15,
                    ),
                    ("Normal", "Killing", "Container web failed liveness probe, will be restarted", 5),
                    ("Warning", "BackOff", f"Back-off restarting failed container web in pod {DEPLOY}-{NEW_HASH}-a_{NS}(0f6a1b2c)", 9),
                ]
            },
            "expected": {
                "cause": "liveness-probe-failing",
                "fix_must_name": ["startupProbe", "deployment/web", "--to-revision=3"],
                "verbatim": "Container web failed liveness probe, will be restarted",
            },
            "logs": {
                "a": "2026-11-21T09:57:02Z INFO starting web 1.4.2\n2026-11-21T09:57:02Z INFO warming product cache (48213 items)\n2026-11-21T09:57:36Z INFO cache 91% warm\n"
            },
        },
    }


# ---- pod states of the new ReplicaSet -----------------------------------------------------------
def running(suffix: str) -> dict[str, Any]:
    return {"suffix": suffix, "phase": "Running", "ready": True, "state": {"running": {"startedAt": T1}}}


def unready(suffix: str) -> dict[str, Any]:
    return {"suffix": suffix, "phase": "Running", "ready": False, "state": {"running": {"startedAt": T1}}}


def pending(suffix: str) -> dict[str, Any]:
    return {"suffix": suffix, "phase": "Pending", "ready": False, "unscheduled": True}


def waiting(suffix: str, reason: str, message: str) -> dict[str, Any]:
    return {
        "suffix": suffix,
        "phase": "Pending",
        "ready": False,
        "state": {"waiting": {"reason": reason, "message": message}},
    }


def crashing(suffix: str, *, exit_code: int, reason: str, restarts: int) -> dict[str, Any]:
    return {
        "suffix": suffix,
        "phase": "Running",
        "ready": False,
        "restarts": restarts,
        "state": {
            "waiting": {
                "reason": "CrashLoopBackOff",
                "message": f"back-off 2m40s restarting failed container=web pod={DEPLOY}-{NEW_HASH}-{suffix}",
            }
        },
        "last": {"terminated": {"exitCode": exit_code, "reason": reason, "startedAt": T0, "finishedAt": T1}},
    }


# ---- objects ------------------------------------------------------------------------------------
def write(folder: Path, spec: dict[str, Any]) -> None:
    for old in folder.iterdir() if folder.is_dir() else []:  # keep the expected verdict (tests/test_examples.py)
        if old.name != "expected.json":
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    kdir = folder / "kubernetes"
    kdir.mkdir(parents=True)
    deployment = deployment_object(spec)
    new_rs, old_rs = replicaset(NEW_HASH, "4", IMAGE_NEW, spec), replicaset(OLD_HASH, "3", IMAGE_OLD, spec, old=True)
    pods = [pod_object(p, spec) for p in spec["pods"]] + ([] if spec.get("complete") else [old_pod()])
    events = []
    for pod in pods:
        suffix = pod["metadata"]["name"].rsplit("-", 1)[-1]
        for kind, reason, message, count in spec.get("pod_events", {}).get(suffix, []):
            events.append(event(pod, kind, reason, message, count))
    for kind, reason, message, count in spec.get("rs_events", []):
        events.append(event(new_rs, kind, reason, message, count))
    base.dump(kdir / "deployments.yaml", {"apiVersion": "v1", "kind": "List", "items": [deployment]})
    base.dump(kdir / "replicasets.yaml", {"apiVersion": "v1", "kind": "List", "items": [new_rs, old_rs]})
    base.dump(kdir / "pods.yaml", {"apiVersion": "v1", "kind": "List", "items": pods})
    base.dump(kdir / "events.yaml", {"apiVersion": "v1", "kind": "List", "items": events})
    base.dump(kdir / "nodes.yaml", {"apiVersion": "v1", "kind": "List", "items": [base.node_object()]})
    base.dump(kdir / "secrets.yaml", {"apiVersion": "v1", "kind": "List", "items": []})
    # read by the nested pending runbook (cluster-autoscaler-status in kube-system): captured, and none there
    base.dump(kdir / "configmaps.yaml", {"apiVersion": "v1", "kind": "List", "items": []})
    for suffix, text in (spec.get("logs") or {}).items():
        log = folder / "logs" / NS / f"{DEPLOY}-{NEW_HASH}-{suffix}" / "web.previous.log"
        log.parent.mkdir(parents=True)
        log.write_text(text, encoding="utf-8")
    (folder / "COMMAND").write_text(f"aksdoctor rollout deploy/{DEPLOY} -n {NS}\n", encoding="utf-8")
    if expected := spec.get("expected"):
        (folder / "expected.json").write_text(expected_json(expected), encoding="utf-8")
    if spec.get("azure"):
        (folder / "azure").mkdir()
        lines = [json.dumps(rec, separators=(",", ":")) for rec in spec["azure"]]
        (folder / "azure" / "arm.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def expected_json(expected: dict[str, Any]) -> str:
    """The corpus-format expectation (BRIEF: examples carry source.kind "example")."""
    doc = {
        "runbook": "rollout",
        "source": {"url": None, "title": "aksdoctor example bundle", "kind": "example"},
        "verbatim": expected.get("verbatim"),
        "expected": {"status": "problem", "cause": expected["cause"], "acceptable": []},
        "fix_must_name": expected["fix_must_name"],
        "fidelity": {
            "verbatim": ["the kubelet event texts (its wording, our names)"],
            "reconstructed": ["the whole bundle"],
        },
    }
    return json.dumps(doc, indent=2) + "\n"


def deployment_object(spec: dict[str, Any]) -> dict[str, Any]:
    replicas = max(1, len(spec["pods"]))
    complete = spec.get("complete")
    updated = len(spec["pods"])
    ready = sum(1 for p in spec["pods"] if p.get("ready"))
    progressing = {
        "type": "Progressing",
        "status": "True",
        "reason": "NewReplicaSetAvailable" if complete else "ReplicaSetUpdated",
        "message": f'ReplicaSet "{DEPLOY}-{NEW_HASH}" is progressing.',
        "lastUpdateTime": T1,
        "lastTransitionTime": T0,
    }
    if spec.get("deadline_exceeded"):
        progressing |= {
            "status": "False",
            "reason": "ProgressDeadlineExceeded",
            "message": f'ReplicaSet "{DEPLOY}-{NEW_HASH}" has timed out progressing.',
        }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": DEPLOY,
            "namespace": NS,
            "uid": "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e",
            "generation": 7,
            "annotations": {"deployment.kubernetes.io/revision": "4"},
            "labels": {"app": DEPLOY},
        },
        "spec": {
            "replicas": replicas,
            "paused": bool(spec.get("paused")),
            "progressDeadlineSeconds": 600,
            "minReadySeconds": spec.get("min_ready", 0),
            "revisionHistoryLimit": 10,
            "selector": {"matchLabels": {"app": DEPLOY}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
            "template": template(IMAGE_NEW, spec),
        },
        "status": {
            "observedGeneration": 7,
            "replicas": replicas + (0 if complete else 1),
            "updatedReplicas": updated,
            "readyReplicas": ready + (0 if complete else 1),
            "availableReplicas": (ready if complete else 1) if not spec.get("min_ready") else 1,
            "unavailableReplicas": 0 if complete else max(replicas - ready, 1),
            "conditions": [
                {
                    "type": "Available",
                    "status": "True",
                    "reason": "MinimumReplicasAvailable",
                    "message": "Deployment has minimum availability.",
                    "lastUpdateTime": T0,
                    "lastTransitionTime": T0,
                },
                progressing,
            ],
        },
    }


def template(image: str, spec: dict[str, Any]) -> dict[str, Any]:
    container: dict[str, Any] = {
        "name": "web",
        "image": image,
        "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
        "resources": {
            "requests": {"cpu": spec.get("cpu_request", "250m"), "memory": "128Mi"},
            "limits": {"cpu": "4", "memory": spec.get("memory_limit", "512Mi")},
        },
        "readinessProbe": {
            "httpGet": {"path": "/healthz", "port": spec.get("probe_port", 8080), "scheme": "HTTP"},
            "periodSeconds": 10,
            "failureThreshold": 3,
        },
        **(
            {
                "livenessProbe": {
                    "httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP"},
                    "periodSeconds": 10,
                    "failureThreshold": 3,
                    **spec["liveness"],
                }
            }
            if spec.get("liveness")
            else {}
        ),
        "env": [{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db-credentials", "key": "password"}}}],
    }
    return {"metadata": {"labels": {"app": DEPLOY}}, "spec": {"containers": [container], "serviceAccountName": DEPLOY}}


def replicaset(hash_: str, revision: str, image: str, spec: dict[str, Any], *, old: bool = False) -> dict[str, Any]:
    replicas = 0 if (old and spec.get("complete")) else (1 if old else max(1, len(spec["pods"])))
    tmpl = template(image, spec)
    tmpl["metadata"]["labels"]["pod-template-hash"] = hash_
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": f"{DEPLOY}-{hash_}",
            "namespace": NS,
            "uid": f"9a8b7c6d-5e4f-4a3b-9c2d-{hash_:0>12}",
            "labels": {"app": DEPLOY, "pod-template-hash": hash_},
            "annotations": {
                "deployment.kubernetes.io/revision": revision,
                "deployment.kubernetes.io/desired-replicas": "1",
            },
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "Deployment",
                    "name": DEPLOY,
                    "uid": "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e",
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": DEPLOY, "pod-template-hash": hash_}},
            "template": tmpl,
        },
        "status": {"replicas": replicas, "readyReplicas": replicas if old else 0, "observedGeneration": 3},
    }


def pod_object(
    state: dict[str, Any], spec: dict[str, Any], *, hash_: str = NEW_HASH, image: str = IMAGE_NEW
) -> dict[str, Any]:
    name = f"{DEPLOY}-{hash_}-{state['suffix']}"
    container_state = state.get("state", {"waiting": {"reason": "ContainerCreating"}})
    status: dict[str, Any] = {
        "phase": state["phase"],
        "conditions": [
            {
                "type": "PodScheduled",
                "status": "False" if state.get("unscheduled") else "True",
                "lastTransitionTime": T1,
                **(
                    {"reason": "Unschedulable", "message": "0/3 nodes are available: 3 Insufficient cpu."}
                    if state.get("unscheduled")
                    else {}
                ),
            },
            {"type": "Ready", "status": "True" if state.get("ready") else "False", "lastTransitionTime": T1},
        ],
    }
    if not state.get("unscheduled"):
        cs = {
            "name": "web",
            "image": image,
            "imageID": "",
            "ready": bool(state.get("ready")),
            "restartCount": state.get("restarts", 0),
            "started": state["phase"] == "Running",
            "state": container_state,
        }
        if state.get("last"):
            cs["lastState"] = state["last"]
        status |= {"hostIP": "10.224.0.4", "podIP": "10.244.1.17", "containerStatuses": [cs]}
    tmpl = template(image, spec)
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": NS,
            "uid": f"0f6a1b2c-3d4e-4f5a-8b9c-{_digits(name)}",
            "labels": {"app": DEPLOY, "pod-template-hash": hash_},
            "creationTimestamp": T0,
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "ReplicaSet",
                    "name": f"{DEPLOY}-{hash_}",
                    "uid": f"9a8b7c6d-5e4f-4a3b-9c2d-{hash_:0>12}",
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "spec": {**tmpl["spec"], **({} if state.get("unscheduled") else {"nodeName": base.NODE})},
        "status": status,
    }


def old_pod() -> dict[str, Any]:
    return pod_object(running("q"), {}, hash_=OLD_HASH, image=IMAGE_OLD)


_N = iter(range(1, 10_000))


def event(obj: dict[str, Any], kind: str, reason: str, message: str, count: int) -> dict[str, Any]:
    meta = obj["metadata"]
    component = (
        "replicaset-controller"
        if obj["kind"] == "ReplicaSet"
        else ("default-scheduler" if reason == "FailedScheduling" else "kubelet")
    )
    involved = {
        "apiVersion": obj["apiVersion"],
        "kind": obj["kind"],
        "name": meta["name"],
        "namespace": NS,
        "uid": meta["uid"],
    }
    if obj["kind"] == "Pod" and component == "kubelet":
        involved["fieldPath"] = "spec.containers{web}"
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": f"{meta['name']}.18{next(_N):014x}", "namespace": NS, "creationTimestamp": T0},
        "involvedObject": involved,
        "reason": reason,
        "message": message,
        "type": kind,
        "count": count,
        "firstTimestamp": T0,
        "lastTimestamp": T1,
        "source": {"component": component},
        "reportingComponent": component,
        "reportingInstance": "",
    }


def _digits(name: str) -> str:
    """12 stable digits from a name (hash() is salted per process; bundles must not change between runs)."""
    import hashlib

    return str(int(hashlib.sha256(name.encode()).hexdigest(), 16) % 10**12).zfill(12)


if __name__ == "__main__":
    main()

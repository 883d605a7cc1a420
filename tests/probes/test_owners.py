"""Owner resolution and the fix builder (issue 14): the kind a fix acts on, and its verb."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from aksdoctor.model import Fix, Target
from aksdoctor.probes.owners import fit, resolve
from aksdoctor.sources.bundle import BundleKube
from aksdoctor.sources.evidence import Evidence, Options

_KEYS = {"Pod": "pods", "ReplicaSet": "replicasets", "Deployment": "deployments", "Job": "jobs", "CronJob": "cronjobs",
         "HorizontalPodAutoscaler": "horizontalpodautoscalers", "StatefulSet": "statefulsets"}


def _evidence(tmp_path: Path, objects: list[dict[str, Any]], captured: tuple[str, ...] = ()) -> Evidence:
    lists: dict[str, list] = {key: [] for key in ("pods", *captured)}
    for obj in objects:
        lists.setdefault(_KEYS[obj["kind"]], []).append(obj)
    for name, items in lists.items():
        (tmp_path / f"{name}.yaml").write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": items}))
    return Evidence(kube=BundleKube(tmp_path), azure=None, target=Target("Pod", "p", "shop"), options=Options())


def _obj(kind: str, name: str, owner: tuple[str, str] | None = None, labels: dict | None = None, **extra: Any) -> dict:
    meta: dict[str, Any] = {"name": name, "namespace": "shop", "labels": labels or {}}
    if owner:
        meta["ownerReferences"] = [{"kind": owner[0], "name": owner[1], "controller": True}]
    obj = {"apiVersion": "v1", "kind": kind, "metadata": meta, **extra}
    # valid evidence: what kubectl prints always has the containers (the bundle reader checks it)
    containers = [{"name": "app", "image": "nginx:1.27"}]
    spec = obj.setdefault("spec", {})
    if kind == "Pod":
        spec.setdefault("containers", containers)
        obj.setdefault("status", {"phase": "Running"})
    elif kind == "CronJob":
        spec.setdefault("jobTemplate", {}).setdefault("spec", {}).setdefault("template", {}).setdefault(
            "spec", {}).setdefault("containers", containers)
    elif kind in ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job"):
        spec.setdefault("template", {}).setdefault("spec", {}).setdefault("containers", containers)
    return obj


def test_a_pod_of_a_deployment_resolves_through_its_replicaset(tmp_path):
    pod = _obj("Pod", "web-7d9f8b6c5-x2x", ("ReplicaSet", "web-7d9f8b6c5"))
    ev = _evidence(tmp_path, [pod, _obj("ReplicaSet", "web-7d9f8b6c5", ("Deployment", "web")), _obj("Deployment", "web")])
    owner = resolve(ev, pod)
    assert (owner.ref, owner.inferred, owner.rollable) == ("deployment/web", "", True)


def test_a_replicaset_not_captured_is_resolved_from_the_pod_template_hash(tmp_path):
    pod = _obj("Pod", "api-5f6d-abc", ("ReplicaSet", "api-5f6d"), labels={"pod-template-hash": "5f6d"})
    owner = resolve(_evidence(tmp_path, [pod]), pod)
    assert owner.ref == "deployment/api" and "not captured" in owner.inferred


def test_a_job_pod_resolves_to_its_cronjob_and_a_bare_pod_to_itself(tmp_path):
    job_pod = _obj("Pod", "report-29000160-k4", ("Job", "report-29000160"))
    bare = _obj("Pod", "debug")
    ev = _evidence(tmp_path, [job_pod, bare, _obj("Job", "report-29000160", ("CronJob", "report")),
                              _obj("CronJob", "report")])
    assert resolve(ev, job_pod).ref == "cronjob/report"
    assert resolve(ev, bare).ref == "pod/debug"


def test_fixes_fit_the_kind(tmp_path):
    ev = _evidence(tmp_path, [
        _obj("Pod", "debug"), _obj("CronJob", "report"), _obj("Job", "migrate"),
        _obj("Deployment", "web"),
        _obj("HorizontalPodAutoscaler", "web", spec={"scaleTargetRef": {"kind": "Deployment", "name": "web"},
                                                     "minReplicas": 1, "maxReplicas": 3}),
    ], captured=("cronjobs", "jobs", "deployments", "horizontalpodautoscalers"))
    template = "-p '{\"spec\":{\"template\":{\"spec\":{\"imagePullSecrets\":[{\"name\":\"r\"}]}}}}'"
    out = fit(ev, [
        Fix("kubectl rollout restart pod/debug -n shop"),
        Fix(f"kubectl patch cronjob/report -n shop --type merge {template}"),
        Fix(f"kubectl patch job/migrate -n shop --type merge {template}"),
        Fix("kubectl scale deployment/web -n shop --replicas=4"),
    ])
    commands = [f.command for f in out]
    assert "kubectl replace --force -f debug.yaml" in commands
    assert not any("rollout" in c for c in commands)
    assert any("cronjob/report" in c and '"jobTemplate":{"spec":{"template"' in c for c in commands)
    assert "kubectl delete job migrate -n shop" in commands
    assert any(c.startswith("kubectl patch hpa web -n shop") and '"minReplicas":4' in c and '"maxReplicas":4' in c
               for c in commands)
    assert not any(c.startswith("kubectl scale") for c in commands)


def test_helm_and_aks_managed_objects_get_their_owners_command(tmp_path):
    helm = _obj("Deployment", "ingress-nginx-controller", labels={"helm.sh/chart": "ingress-nginx-4.11.1"})
    helm["metadata"]["annotations"] = {"meta.helm.sh/release-name": "ingress-nginx"}
    ev = _evidence(tmp_path, [helm], captured=("deployments",))
    out = [f.command for f in fit(ev, [Fix("kubectl set image deployment/ingress-nginx-controller c=x:1 -n shop")])]
    assert any(c.startswith("helm upgrade ingress-nginx \"$CHART_REPO/ingress-nginx\" -n shop") for c in out)
    assert not any(c.startswith("kubectl set") for c in out)

"""diagnose picks the runbook that fits, says which and why, and says so when nothing is wrong."""

from __future__ import annotations

import json

import pytest

from conftest import example

ROUTES = [
    # (bundle, target, runbook chosen, first cause, words of the reason)
    ("imagepull-image-tag-not-found", "web-7d9f8-x2x", "imagepull", "image-tag-not-found", "waits in ImagePullBackOff"),
    ("imagepull-invalid-image-name", "web-7d9f8-x2x", "imagepull", "invalid-image-name", "waits in InvalidImageName"),
    (
        "rollout-new-pods-crashloop",
        "web-5c9d7b6f4-a",
        "rollout",
        "new-pods-crashloop",
        "CrashLoopBackOff; the pod belongs to deployment/web",
    ),
    (
        "rollout-new-pods-oomkilled",
        "web-5c9d7b6f4-a",
        "rollout",
        "new-pods-oomkilled",
        "the pod belongs to deployment/web",
    ),
    (
        "rollout-readiness-probe-failing",
        "web-5c9d7b6f4-a",
        "rollout",
        "readiness-probe-failing",
        "runs but is not Ready",
    ),
    (
        "rollout-config-reference-missing",
        "web-5c9d7b6f4-a",
        "rollout",
        "config-reference-missing",
        "CreateContainerConfigError",
    ),
    ("rollout-new-pods-pending", "web-5c9d7b6f4-a", "pending", None, "Pending and not scheduled"),
    ("rollout-quota-exceeded", "deploy/web", "rollout", "quota-exceeded", "a Deployment"),
    (
        "pending-insufficient-cpu",
        "checkout-6c5f9d7b8-q7k2p",
        "pending",
        "insufficient-cpu",
        "Pending and not scheduled",
    ),
    ("pending-pvc-unbound", "orders-db-0", "pending", "pvc-unbound", "Pending and not scheduled"),
    (
        "keyvault-keyvault-rbac-role-missing",
        "web-6c8f9d7b5-k2m4p",
        "keyvault",
        "keyvault-rbac-role-missing",
        "secrets-store.csi.k8s.io volume fails to mount",
    ),
    (
        "keyvault-federated-credential-missing",
        "web-6c8f9d7b5-k2m4p",
        "keyvault",
        "federated-credential-missing",
        "FailedMount",
    ),
]


@pytest.mark.parametrize(
    ("bundle", "target", "runbook", "cause", "reason"), ROUTES, ids=[r[0] + ":" + r[1] for r in ROUTES]
)
def test_diagnose_routes_to_the_runbook_that_fits(cli, validate_report, bundle, target, runbook, cause, reason):
    result = cli("diagnose", target, "-n", "shop", "--bundle", str(example(bundle)), "-o", "json")
    report = json.loads(result.stdout)
    validate_report(report)
    assert report["runbook"] == runbook
    assert report["routed"]["runbook"] == runbook and reason in report["routed"]["reason"]
    if cause:
        assert report["causes"][0]["id"] == cause and result.exit_code == 1


def test_diagnose_says_so_for_a_healthy_pod(cli, validate_report):
    result = cli("diagnose", "web-7d9f8-x2x", "-n", "shop", "--bundle", str(example("imagepull-healthy")), "-o", "json")
    report = json.loads(result.stdout)
    validate_report(report)
    assert result.exit_code == 0 and report["status"] == "healthy" and report["runbook"] == "diagnose"
    assert report["evidence"][0]["fact"] == "it is running and ready: nothing to diagnose"


def test_diagnose_text_says_which_runbook_and_why(cli):
    result = cli("diagnose", "web-5c9d7b6f4-a", "-n", "shop", "--bundle", str(example("rollout-new-pods-crashloop")))
    lines = result.stdout.splitlines()
    assert lines[0].startswith("PROBLEM  rollout · Deployment shop/web")
    assert lines[1] == "diagnose chose rollout: container web is in CrashLoopBackOff; the pod belongs to deployment/web"


def test_diagnose_unknown_pod_suggests_names(cli):
    result = cli("diagnose", "web-5c9d7b6f4-b", "-n", "shop", "--bundle", str(example("rollout-new-pods-crashloop")))
    assert result.exit_code == 2 and "did you mean: web-5c9d7b6f4-a" in result.stderr


def test_capture_diagnose_replays_to_the_same_verdict(cli, tmp_path):
    bundle = example("rollout-new-pods-crashloop")
    out = tmp_path / "captured"
    cli("capture", "diagnose", "web-5c9d7b6f4-a", "-n", "shop", "--bundle", str(bundle), "--out", str(out))
    first = json.loads(cli("diagnose", "web-5c9d7b6f4-a", "-n", "shop", "--bundle", str(bundle), "-o", "json").stdout)
    again = json.loads(cli("diagnose", "web-5c9d7b6f4-a", "-n", "shop", "--bundle", str(out), "-o", "json").stdout)
    assert again["causes"] == first["causes"] and again["routed"] == first["routed"]


def test_diagnose_routes_statefulset_and_daemonset_pods_to_their_rollout(cli):
    sts = json.loads(
        cli(
            "diagnose", "db-1", "-n", "shop", "--bundle", str(example("rollout-statefulset-crashloop")), "-o", "json"
        ).stdout
    )
    assert (
        sts["target"] == {"kind": "StatefulSet", "namespace": "shop", "name": "db"}
        and sts["causes"][0]["id"] == "new-pods-crashloop"
    )
    ds = json.loads(
        cli(
            "diagnose",
            "ds/node-agent",
            "-n",
            "shop",
            "--bundle",
            str(example("rollout-daemonset-image-pull")),
            "-o",
            "json",
        ).stdout
    )
    assert ds["routed"]["reason"] == "a DaemonSet: its rollout is diagnosed"

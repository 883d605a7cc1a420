"""rollout examples beyond their verdict (tests/test_examples.py judges every bundle's expected.json): nested
causes, evidence of crash, probe, OOM and admission, targets."""

from __future__ import annotations

import json

from conftest import EXAMPLES, example

TARGETS = {"rollout-statefulset-crashloop": "sts/db", "rollout-daemonset-image-pull": "ds/node-agent"}


def run(cli, case, *args):
    target = TARGETS.get(case, "deploy/web")
    result = cli("rollout", target, "-n", "shop", "--bundle", str(example(case)), "-o", "json", *args)
    return result, json.loads(result.stdout) if result.stdout.startswith("{") else None


def test_image_pull_is_nested_with_its_own_fix(cli):
    _result, report = run(cli, "rollout-new-pods-image-pull")
    nested = report["causes"][0]["nested"]
    assert [n["id"] for n in nested] == ["image-tag-not-found"]
    assert "kubectl set image deployment/web web=contososhop.azurecr.io/shop/web:1.4.1 -n shop" in [
        f["command"] for f in nested[0]["fix"]
    ]
    assert [s["probe"] for s in report["trace"]][-2:] == [
        "pod.pull_error",
        "acr.tag_exists",
    ]  # the nested walk is traced


def test_crash_loop_shows_exit_code_and_a_scrubbed_log_tail(cli):
    _result, report = run(cli, "rollout-new-pods-crashloop")
    facts = " ".join(e["fact"] for e in report["causes"][0]["evidence"])
    assert "exited with code 1 (Error), restarted 6 times" in facts
    assert "panic: migration 0042 not applied" in facts
    assert "hunter2" not in json.dumps(report) and "postgres://web:<redacted>@db.shop.svc" in facts


def test_readiness_probe_port_is_checked_against_the_container_ports(cli):
    _result, report = run(cli, "rollout-readiness-probe-failing")
    facts = [e["fact"] for e in report["causes"][0]["evidence"]]
    assert "container web's readiness probe targets 8081/healthz, but it declares ports 8080" in facts
    assert any("Readiness probe failed" in f and "8081" in f for f in facts)


def test_admission_denial_quotes_the_policy(cli):
    _result, report = run(cli, "rollout-admission-denied")
    assert (
        "[azurepolicy-k8sazurev2containerallowedimages-8d1d7c] Container image contososhop.azurecr.io/shop/web:1.4.2"
        in report["causes"][0]["summary"]
    )


def test_oom_shows_the_limit(cli):
    _result, report = run(cli, "rollout-new-pods-oomkilled")
    assert report["causes"][0]["title"] == "New pods of web are OOMKilled (limit 256Mi)"


def test_in_progress_rollout_is_healthy_with_a_note(cli):
    _result, report = run(cli, "rollout-in-progress")
    assert any("still progressing" in n for n in report["notes"])


def test_unknown_deployment_suggests_names(cli):
    result = cli("rollout", "deploy/wbe", "-n", "shop", "--bundle", str(example("rollout-healthy")))
    assert result.exit_code == 2 and "did you mean: web" in result.stderr


def test_other_kinds_are_a_usage_error(cli):
    result = cli("rollout", "pod/web", "-n", "shop", "--bundle", str(example("rollout-healthy")))
    assert result.exit_code == 2 and "rollout takes a Deployment" in result.stderr


def test_logs_read_from_the_bundle(cli):
    assert (
        EXAMPLES / "rollout-new-pods-crashloop" / "logs" / "shop" / "web-5c9d7b6f4-a" / "web.previous.log"
    ).is_file()


def test_statefulset_new_pods_are_those_of_the_update_revision(cli):
    _result, report = run(cli, "rollout-statefulset-crashloop")
    facts = " ".join(e["fact"] for e in report["causes"][0]["evidence"])
    assert "StatefulSet rollout of revision db-6b8f7c9d5 is not complete: 1/2 updated, 1 ready" in facts
    assert "db-1" in report["causes"][0]["summary"] and "db-0" not in report["causes"][0]["summary"]
    assert "which is not compatible with this version 16.4" in facts


def test_daemonset_image_pull_nests_the_pull_cause(cli):
    _result, report = run(cli, "rollout-daemonset-image-pull")
    assert [n["id"] for n in report["causes"][0]["nested"]] == ["registry-rate-limited"]


def test_pending_is_nested_with_its_own_fix(cli):
    _result, report = run(cli, "rollout-new-pods-pending")
    nested = report["causes"][0]["nested"]
    assert [n["id"] for n in nested] == ["insufficient-cpu"]
    assert any("--requests=cpu=" in f["command"] for f in nested[0]["fix"])


def test_liveness_kills_are_not_a_crash_loop_and_show_the_probe_against_the_start_up_time(cli):
    _result, report = run(cli, "rollout-liveness-probe-failing")
    cause = report["causes"][0]
    facts = [e["fact"] for e in cause["evidence"]]
    assert "the kubelet killed container web: Container web failed liveness probe, will be restarted (x5)" in facts
    assert "container web exited with code 137 (Error), restarted 5 times" in facts
    assert any("initialDelaySeconds=5" in f and "earliest kill is about 35s" in f and "ran 36s" in f for f in facts)
    patch = next(f["command"] for f in cause["fix"] if "startupProbe" in f["command"])
    assert patch.startswith("kubectl patch deployment/web -n shop --type=json -p ")
    assert '"path":"/spec/template/spec/containers/0/startupProbe"' in patch

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


# ---- issue 12: statefulset revisions, quota wordings, pods not captured ------------------------------
REALWORLD = EXAMPLES.parent.parent / "tests" / "realworld"


def _rw(cli, case):
    command = (REALWORLD / case / "COMMAND").read_text().split()[1:]
    result = cli(*command, "--bundle", str(REALWORLD / case), "-o", "json")
    return json.loads(result.stdout)


def test_a_statefulset_pod_left_on_a_bad_revision_after_a_rollback_is_deleted_not_undone(cli):
    report = _rw(cli, "rollout-sts-67250-rollback-leaves-pod-on-bad-revision")
    cause = report["causes"][0]
    commands = [f["command"] for f in cause["fix"]]
    assert commands[0] == "kubectl delete pod zookeeper-2 -n zookeeper"
    assert not any("rollout undo" in c for c in commands)  # undo would return to the bad revision
    facts = " ".join(e["fact"] for e in cause["evidence"])
    assert (
        "pod zookeeper-2 is left on revision zookeeper-84d5b6c9f7 while the StatefulSet wants zookeeper-7c9f6d8b5"
        in facts
    )
    assert "OrderedReady" in facts


def test_a_partition_above_the_stale_pod_is_lowered_instead(cli, tmp_path):
    import shutil

    import yaml

    bundle = tmp_path / "b"
    shutil.copytree(REALWORLD / "rollout-hyperlane-sts-crashloop-not-upgraded", bundle)
    path = bundle / "kubernetes" / "statefulsets.yaml"
    doc = yaml.safe_load(path.read_text())
    doc["items"][0]["spec"]["updateStrategy"]["rollingUpdate"]["partition"] = 1
    path.write_text(yaml.safe_dump(doc))
    result = cli("rollout", "sts/hyperlane-validator", "-n", "hyperlane", "--bundle", str(bundle), "-o", "json")
    commands = [f["command"] for f in json.loads(result.stdout)["causes"][0]["fix"]]
    assert "kubectl delete pod hyperlane-validator-0 -n hyperlane" not in commands
    assert (
        "kubectl patch statefulset/hyperlane-validator -n hyperlane -p "
        '\'{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}\'' in commands
    )


def test_a_quota_that_requires_limits_is_quota_exceeded_with_the_limits_to_set(cli, tmp_path):
    import shutil

    import yaml

    bundle = tmp_path / "b"
    shutil.copytree(example("rollout-quota-exceeded"), bundle)
    path = bundle / "kubernetes" / "events.yaml"
    doc = yaml.safe_load(path.read_text())
    doc["items"][0]["message"] = (
        'Error creating: pods "web-5c9d7b6f4-8xk2p" is forbidden: failed quota: compute-resources: '
        "must specify limits.cpu for: web; limits.memory for: web"
    )
    path.write_text(yaml.safe_dump(doc))
    result = cli("rollout", "deploy/web", "-n", "shop", "--bundle", str(bundle), "-o", "json")
    cause = json.loads(result.stdout)["causes"][0]
    assert cause["id"] == "quota-exceeded"
    commands = [f["command"] for f in cause["fix"]]
    # the example's limits are cpu 4 / memory 512Mi; its requests 250m / 128Mi are what the fix copies
    assert "kubectl set resources deployment/web -n shop -c web --limits=cpu=250m,memory=128Mi" in commands


def test_a_first_revision_gets_no_rollout_undo(cli):
    for case in ("rollout-m3o-quota-must-specify-first-revision", "rollout-hmcts-sts-failed-quota-requests"):
        report = _rw(cli, case)
        assert report["causes"][0]["id"] == "quota-exceeded"
        assert not any("rollout undo" in f["command"] for f in report["causes"][0]["fix"]), case


def test_without_the_pods_the_deployment_status_answers_and_says_the_pods_were_not_checked(cli, tmp_path):
    import shutil

    bundle = tmp_path / "b"
    shutil.copytree(example("rollout-progress-deadline-exceeded"), bundle)
    (bundle / "kubernetes" / "pods.yaml").unlink()
    result = cli("rollout", "deploy/web", "-n", "shop", "--bundle", str(bundle), "-o", "json")
    report = json.loads(result.stdout)
    assert report["causes"][0]["id"] == "progress-deadline-exceeded"
    assert report["causes"][0]["confidence"] == "medium"
    assert any("the pods' cause was not checked" in s["reason"] for s in report["skipped"])


def test_without_the_pods_an_unfinished_rollout_is_not_healthy(cli, tmp_path):
    import shutil

    bundle = tmp_path / "b"
    shutil.copytree(example("rollout-in-progress"), bundle)
    (bundle / "kubernetes" / "pods.yaml").unlink()
    result = cli("rollout", "deploy/web", "-n", "shop", "--bundle", str(bundle), "-o", "json")
    assert json.loads(result.stdout)["status"] == "inconclusive"

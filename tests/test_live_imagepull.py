"""The live path for real: the official kubernetes client over HTTP to the API server fixture, Azure SDK
clients over `responses` (live-vs-bundle parity for every example is in test_live_parity.py)."""

from __future__ import annotations

import json

from conftest import EXAMPLES
from live import azure_mock, served


def test_events_are_fetched_by_pod_uid_never_cluster_wide(cli, tmp_path, monkeypatch):
    bundle = EXAMPLES / "imagepull-image-tag-not-found"
    with served(bundle, tmp_path) as (server, kubeconfig), azure_mock(bundle, monkeypatch):
        cli(
            "imagepull", "web-7d9f8-x2x", "-n", "shop", "--kubeconfig", kubeconfig, "--context", "fixture", "-o", "json"
        )
    event_calls = [r for r in server.requests if r.path.endswith("/events")]
    assert event_calls, "events were not read"
    for call in event_calls:
        assert call.path == "/api/v1/namespaces/shop/events"
        assert call.query.get("fieldSelector") == "involvedObject.uid=0f6a1b2c-3d4e-4f5a-8b9c-0d1e2f3a4b5c"


def test_forbidden_events_fall_back_to_the_container_status(cli, tmp_path, monkeypatch):
    bundle = EXAMPLES / "imagepull-registry-dns-failure"
    with served(bundle, tmp_path) as (server, kubeconfig):
        server.forbid("list", "events", "shop")
        # the container status of this example only says Back-off: with events forbidden nothing names the cause
        result = cli(
            "imagepull",
            "web-7d9f8-x2x",
            "-n",
            "shop",
            "--kubeconfig",
            kubeconfig,
            "--context",
            "fixture",
            "--no-azure",
            "-o",
            "json",
        )
    report = json.loads(result.stdout)
    assert result.exit_code == 3 and report["status"] == "inconclusive"
    skipped = report["skipped"][0]
    assert skipped["probe"] == "pod.pull_error"
    assert 'cannot list resource "events" in API group "" in the namespace "shop"' in skipped["reason"]
    assert "'list'" in skipped["grant"] and "events" in skipped["grant"]


def test_unknown_pod_live_suggests_names_and_exits_2(cli, tmp_path):
    with served(EXAMPLES / "imagepull-healthy", tmp_path) as (_server, kubeconfig):
        result = cli(
            "imagepull", "web-7d9f8", "-n", "shop", "--kubeconfig", kubeconfig, "--context", "fixture", "--no-azure"
        )
    assert result.exit_code == 2
    assert "did you mean: web-7d9f8-x2x" in result.stderr


def test_unreachable_api_server_exits_4_with_one_line(cli, tmp_path):
    with served(EXAMPLES / "imagepull-healthy", tmp_path) as (_server, kubeconfig):
        pass  # stopped: the port no longer answers
    result = cli(
        "imagepull",
        "web-7d9f8-x2x",
        "-n",
        "shop",
        "--kubeconfig",
        kubeconfig,
        "--context",
        "fixture",
        "--no-azure",
        "--timeout",
        "5",
    )
    assert result.exit_code == 4
    assert "cannot reach the Kubernetes API server" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_context_exits_4(cli, tmp_path):
    with served(EXAMPLES / "imagepull-healthy", tmp_path) as (_server, kubeconfig):
        result = cli("imagepull", "web-7d9f8-x2x", "--kubeconfig", kubeconfig, "--context", "nope", "--no-azure")
    assert result.exit_code == 4
    assert "no context 'nope'" in result.stderr


def test_no_azure_credentials_skips_azure_and_kubernetes_still_answers(cli, tmp_path, monkeypatch):
    import azure.identity
    from azure.core.exceptions import ClientAuthenticationError

    class NoCredential:
        def get_token(self, *scopes, **kwargs):
            raise ClientAuthenticationError(
                "DefaultAzureCredential failed to retrieve a token from the included credentials.\nAttempted credentials: ..."
            )

        get_token_info = get_token

    monkeypatch.setattr(azure.identity, "DefaultAzureCredential", lambda **_: NoCredential())
    bundle = EXAMPLES / "imagepull-acr-pull-permission-missing"
    with served(bundle, tmp_path) as (_server, kubeconfig):
        result = cli(
            "imagepull", "web-7d9f8-x2x", "-n", "shop", "--kubeconfig", kubeconfig, "--context", "fixture", "-o", "json"
        )
    report = json.loads(result.stdout)
    assert result.exit_code == 3 and report["status"] == "inconclusive"
    assert [(s["probe"], s["outcome"]) for s in report["trace"]][:3] == [
        ("pod.image_pull_state", "failing"),
        ("pod.pull_error", "unauthorized"),
        ("image.registry_is_acr", "yes"),
    ]
    reasons = " ".join(s["reason"] for s in report["skipped"])
    assert "Azure sign-in failed: DefaultAzureCredential failed to retrieve a token" in reasons
    assert any("az login" in s.get("grant", "") for s in report["skipped"])


def test_429_is_retried_then_answered(cli, tmp_path):
    bundle = EXAMPLES / "imagepull-healthy"
    with served(bundle, tmp_path) as (server, kubeconfig):
        server.fail(429, path_prefix="/api/v1/namespaces/shop/pods/web-7d9f8-x2x", times=2)
        result = cli(
            "imagepull",
            "web-7d9f8-x2x",
            "-n",
            "shop",
            "--kubeconfig",
            kubeconfig,
            "--context",
            "fixture",
            "--no-azure",
            "-o",
            "json",
        )
        pod_gets = [r for r in server.requests if r.path == "/api/v1/namespaces/shop/pods/web-7d9f8-x2x"]
    assert result.exit_code == 0, result.stderr
    assert len(pod_gets) == 3  # two 429s, then the answer: retried by aksdoctor, not hidden in urllib3


def test_500_after_retries_is_reported_not_raised(cli, tmp_path):
    bundle = EXAMPLES / "imagepull-healthy"
    with served(bundle, tmp_path) as (server, kubeconfig):
        server.fail(500, path_prefix="/api/v1/namespaces/shop/pods/web-7d9f8-x2x", times=10)
        result = cli(
            "imagepull",
            "web-7d9f8-x2x",
            "-n",
            "shop",
            "--kubeconfig",
            kubeconfig,
            "--context",
            "fixture",
            "--no-azure",
            "-o",
            "json",
        )
    assert result.exit_code == 3
    report = json.loads(result.stdout)
    assert "500" in report["skipped"][0]["reason"]
    assert "Traceback" not in result.stderr

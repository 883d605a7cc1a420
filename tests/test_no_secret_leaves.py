"""No secret leaves: canary values in Secrets, docker configs, env vars and the bearer token never reach any output."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLES
from live import served

CANARY = "CANARY-7f3a9e"


def _poisoned_bundle(tmp_path):
    """The pull-secret example with canaries everywhere a secret can hide."""
    root = tmp_path / "bundle"
    shutil.copytree(EXAMPLES / "imagepull-image-pull-secret-invalid", root)
    config = {
        "auths": {
            "registry.old-partner.example": {
                "username": "svc",
                "password": CANARY,
                "auth": base64.b64encode(f"svc:{CANARY}".encode()).decode(),
            }
        }
    }
    secrets = yaml.safe_load((root / "kubernetes" / "secrets.yaml").read_text())
    secret = secrets["items"][0]
    secret["data"] = {
        ".dockerconfigjson": base64.b64encode(json.dumps(config).encode()).decode(),
        "token": base64.b64encode(CANARY.encode()).decode(),
    }
    secret["metadata"]["annotations"] = {
        "kubectl.kubernetes.io/last-applied-configuration": json.dumps({"stringData": {"password": CANARY}})
    }
    (root / "kubernetes" / "secrets.yaml").write_text(yaml.safe_dump(secrets))
    pod = yaml.safe_load((root / "kubernetes" / "pod.yaml").read_text())
    pod["spec"]["containers"][0]["env"] = [
        {"name": "DB_PASSWORD", "value": CANARY},
        {"name": "API_TOKEN", "value": CANARY},
    ]
    (root / "kubernetes" / "pod.yaml").write_text(yaml.safe_dump(pod))
    return root


@pytest.mark.parametrize("output", ["text", "json", "markdown"])
def test_canaries_never_reach_bundle_output(cli, tmp_path, output):
    root = _poisoned_bundle(tmp_path)
    result = cli("imagepull", "web-7d9f8-x2x", "-n", "shop", "--bundle", str(root), "-o", output, "-vv")
    assert result.exit_code == 1
    assert "image-pull-secret-invalid" in result.stdout or "pull secret" in result.stdout
    assert CANARY not in result.stdout and CANARY not in result.stderr


@pytest.mark.parametrize("output", ["text", "json", "markdown"])
def test_canaries_and_bearer_token_never_reach_live_output(cli, tmp_path, output):
    root = _poisoned_bundle(tmp_path)
    with served(root, tmp_path) as (server, kubeconfig):
        config = yaml.safe_load(Path(kubeconfig).read_text())
        for user in config["users"]:
            user["user"] = {"token": f"Bearer-{CANARY}"}
        Path(kubeconfig).write_text(yaml.safe_dump(config))
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
            output,
            "-vv",
        )
        assert any(r.headers.get("authorization") == f"Bearer Bearer-{CANARY}" for r in server.requests)  # it was sent
    assert result.exit_code == 1, result.stderr
    assert CANARY not in result.stdout and CANARY not in result.stderr

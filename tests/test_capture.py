"""capture writes a bundle that replays to the same verdict: from a bundle and from a live cluster."""

from __future__ import annotations

import json
import shlex

import pytest

from conftest import EXAMPLES
from live import azure_mock, served

EXAMPLE_DIRS = sorted(p for p in EXAMPLES.iterdir() if (p / "COMMAND").is_file())


def _verdict(report: dict) -> tuple:
    if report.get("kind") == "scan":
        findings = sorted(report["findings"], key=lambda f: json.dumps(f["target"], sort_keys=True))
        return tuple(_verdict(f) for f in findings)
    steps = [(s["probe"], s["outcome"]) for s in report["trace"]]
    return report["status"], json.dumps(report["causes"], sort_keys=True), steps


def _args(bundle):
    return shlex.split((bundle / "COMMAND").read_text())[1:]


@pytest.mark.parametrize("bundle", EXAMPLE_DIRS, ids=lambda p: p.name)
def test_capture_from_a_bundle_replays_to_the_same_verdict(bundle, cli, tmp_path):
    args = _args(bundle)
    original = json.loads(cli(*args, "--bundle", str(bundle), "-o", "json").stdout)
    out = tmp_path / "captured"
    result = cli("capture", *args, "--bundle", str(bundle), "--out", str(out))
    assert result.exit_code in (0, 1, 3), result.stderr
    assert "captured " in result.stdout and str(out) in result.stdout.replace("\n", "")
    replay = json.loads(cli(*args, "--bundle", str(out), "-o", "json").stdout)
    assert _verdict(replay) == _verdict(original)
    saved = json.loads((out / "report.json").read_text())
    assert _verdict(saved) == _verdict(original)


@pytest.mark.parametrize("case", [p.name for p in EXAMPLE_DIRS])
def test_capture_from_a_live_cluster_replays_to_the_same_verdict(case, cli, tmp_path, monkeypatch):
    bundle = EXAMPLES / case
    args = _args(bundle)
    out = tmp_path / "captured"
    with served(bundle, tmp_path) as (_server, kubeconfig), azure_mock(bundle, monkeypatch):
        extra = [] if (bundle / "azure").is_dir() else ["--no-azure"]
        live = json.loads(cli(*args, "--kubeconfig", kubeconfig, "--context", "fixture", "-o", "json", *extra).stdout)
        result = cli(
            "capture", args[0], *args[1:], "--kubeconfig", kubeconfig, "--context", "fixture", "--out", str(out), *extra
        )
    assert result.exit_code in (0, 1, 3), result.stderr
    replay = json.loads(cli(*args, "--bundle", str(out), "-o", "json").stdout)
    assert _verdict(replay) == _verdict(live)
    recorded = (out / "azure" / "recorded.jsonl").read_text() if (out / "azure").is_dir() else ""
    assert all(set(json.loads(line)) == {"method", "url", "status", "body"} for line in recorded.splitlines())
    assert "Bearer" not in recorded


def test_captured_secrets_hold_no_values(cli, tmp_path):
    import base64

    bundle = EXAMPLES / "imagepull-image-pull-secret-invalid"
    out = tmp_path / "captured"
    cli("capture", "imagepull", "web-7d9f8-x2x", "-n", "shop", "--bundle", str(bundle), "--out", str(out))
    secrets = (out / "kubernetes" / "secrets.yaml").read_text()
    import yaml

    secret = yaml.safe_load(secrets)["items"][0]
    config = json.loads(base64.b64decode(secret["data"][".dockerconfigjson"]))
    assert config == {"auths": {"registry.old-partner.example": {"auth": "<redacted>"}}}


def test_capture_of_an_unredacted_poisoned_bundle_holds_no_secret(cli, tmp_path):
    """Start from what a user may hand-assemble: real Secret values, env values, a SAS token in an event."""
    import base64
    import shutil

    import yaml

    canary = "CANARYc0ffee"
    bundle = tmp_path / "poisoned"
    shutil.copytree(EXAMPLES / "imagepull-image-pull-secret-invalid", bundle)
    kdir = bundle / "kubernetes"
    config = {"auths": {"registry.old-partner.example": {"auth": base64.b64encode(f"u:{canary}".encode()).decode()}}}
    secrets = yaml.safe_load((kdir / "secrets.yaml").read_text())
    items = secrets.get("items", [secrets])
    items[0]["data"] = {".dockerconfigjson": base64.b64encode(json.dumps(config).encode()).decode()}
    (kdir / "secrets.yaml").write_text(yaml.safe_dump(secrets))
    pod_file = next(p for p in kdir.glob("pod*.yaml"))
    pod = yaml.safe_load(pod_file.read_text())
    pod["spec"]["containers"][0]["env"] = [{"name": "API_KEY", "value": canary}]
    pod["metadata"].setdefault("annotations", {})["kubectl.kubernetes.io/last-applied-configuration"] = canary
    pod_file.write_text(yaml.safe_dump(pod))
    events_file = kdir / "events.yaml"
    events = yaml.safe_load(events_file.read_text())
    for event in events.get("items", [events]):
        event["message"] += f" https://acct.blob.core.windows.net/c/x?sv=2022&sig={canary}"
    events_file.write_text(yaml.safe_dump(events))
    out = tmp_path / "captured"
    result = cli("capture", *_args(bundle), "--bundle", str(bundle), "--out", str(out))
    assert result.exit_code in (0, 1, 3), result.stderr
    assert canary not in result.stdout
    for path in (p for p in out.rglob("*") if p.is_file()):
        text = path.read_text()
        assert canary not in text, path
        assert base64.b64encode(f"u:{canary}".encode()).decode() not in text, path


def test_capture_refuses_to_overwrite_its_source(cli):
    bundle = EXAMPLES / "imagepull-healthy"
    result = cli("capture", "imagepull", "web-7d9f8-x2x", "--bundle", str(bundle), "--out", str(bundle))
    assert result.exit_code == 2 and "--out must differ from --bundle" in result.stderr

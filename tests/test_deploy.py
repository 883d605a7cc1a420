"""The deployment manifests hang together: the CronJob runs a read-only scan with the read-only role and a
workload identity; the krew manifest names the plugin binary the package installs."""

from __future__ import annotations

import yaml

from conftest import ROOT


def _docs(name: str) -> list[dict]:
    return [d for d in yaml.safe_load_all((ROOT / "deploy" / name).read_text()) if d]


def test_cronjob_runs_a_read_only_scan_as_the_reader():
    docs = {d["kind"]: d for d in _docs("cronjob.yaml")}
    roles = {d["metadata"]["name"] for d in _docs("rbac.yaml") if d["kind"] == "ClusterRole"}
    binding = docs["ClusterRoleBinding"]
    assert binding["roleRef"]["name"] in roles
    sa = docs["ServiceAccount"]
    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": sa["metadata"]["name"], "namespace": sa["metadata"]["namespace"]}
    ]
    assert "azure.workload.identity/client-id" in sa["metadata"]["annotations"]
    pod = docs["CronJob"]["spec"]["jobTemplate"]["spec"]["template"]
    assert pod["metadata"]["labels"]["azure.workload.identity/use"] == "true"
    assert pod["spec"]["serviceAccountName"] == sa["metadata"]["name"]
    container = pod["spec"]["containers"][0]
    assert "aksdoctor scan -A -o jsonl" in " ".join(container["command"])
    assert container["securityContext"]["readOnlyRootFilesystem"] is True


def test_krew_manifest_points_at_the_installed_plugin_name():
    manifest = _docs("krew/aksdoctor.template.yaml")[0]
    assert manifest["kind"] == "Plugin" and manifest["metadata"]["name"] == "aksdoctor"
    assert manifest["spec"]["platforms"][0]["bin"] == "kubectl-aksdoctor"
    scripts = (ROOT / "pyproject.toml").read_text()
    assert 'kubectl-aksdoctor = "aksdoctor.cli:run"' in scripts

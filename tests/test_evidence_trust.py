"""Evidence you can trust (issue 15): a bad bundle never gives a verdict; errors are documents with their own
exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import EXAMPLES, SCHEMA

HEALTHY = EXAMPLES / "imagepull-healthy"
POD_ARGS = ("imagepull", "web-7d9f8-x2x", "-n", "shop")


def _copy(tmp_path: Path, src: Path = HEALTHY) -> Path:
    dest = tmp_path / src.name
    shutil.copytree(src, dest)
    return dest


def _error_doc(stdout: str) -> dict:
    doc = json.loads(stdout)
    validator = jsonschema.Draft202012Validator(SCHEMA["$defs"]["error"])
    validator.validate(doc)
    return doc


def test_a_pod_yaml_cut_to_its_first_third_is_exit_4_naming_file_line_and_field(cli, tmp_path):
    bundle = _copy(tmp_path)
    pod = bundle / "kubernetes" / "pod.yaml"
    lines = pod.read_text().splitlines(keepends=True)
    pod.write_text("".join(lines[: len(lines) // 3]))
    result = cli(*POD_ARGS, "--bundle", str(bundle), "-o", "json")
    assert result.exit_code == 4, result.stdout
    doc = _error_doc(result.stdout)
    assert doc["exit_code"] == 4 and doc["kind"] == "error"
    assert "pod.yaml:" in doc["message"] and "is missing" in doc["message"]
    assert "HEALTHY" not in result.stdout and '"status"' not in result.stdout


def test_a_mistyped_field_is_caught_by_the_openapi_schema_with_its_line(cli, tmp_path):
    bundle = _copy(tmp_path)
    pod = bundle / "kubernetes" / "pod.yaml"
    doc = yaml.safe_load(pod.read_text())
    doc["spec"]["containers"][0]["ports"] = [{"containerPort": "eighty"}]
    pod.write_text(yaml.safe_dump(doc, sort_keys=False))
    line = next(i for i, text in enumerate(pod.read_text().splitlines(), 1) if "eighty" in text)
    result = cli(*POD_ARGS, "--bundle", str(bundle))
    assert result.exit_code == 4
    assert f"pod.yaml:{line}:" in result.stderr
    assert "containerPort" in result.stderr and "integer" in result.stderr


def test_a_list_whose_items_is_not_a_list_is_an_error_not_dropped(cli, tmp_path):
    bundle = _copy(tmp_path)
    (bundle / "kubernetes" / "events.yaml").write_text("apiVersion: v1\nkind: List\nitems: {oops: 1}\n")
    result = cli(*POD_ARGS, "--bundle", str(bundle))
    assert result.exit_code == 4
    assert "events.yaml:1" in result.stderr and "'items' must be a list" in result.stderr


def test_unknown_kinds_and_crds_still_load(cli, tmp_path):
    bundle = _copy(tmp_path)
    (bundle / "kubernetes" / "extra.yaml").write_text(
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {anything: [1, 2]}\n---\n"
        "apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\nmetadata: {name: spc, namespace: shop}\n"
        "spec: {provider: azure, parameters: {keyvaultName: kv}}\n"
    )
    result = cli(*POD_ARGS, "--bundle", str(bundle), "-o", "json")
    assert result.exit_code == 0, result.stderr


def test_the_folder_of_all_bundles_is_refused_naming_them(cli):
    result = cli(*POD_ARGS, "--bundle", str(EXAMPLES), "-o", "json")
    assert result.exit_code == 2
    doc = _error_doc(result.stdout)
    assert "imagepull-healthy" in doc["message"] or "more" in doc["message"]
    assert "bundles" in doc["message"] and "--bundle" in doc["hint"]


def test_an_empty_folder_is_exit_4(cli, tmp_path):
    (tmp_path / "empty").mkdir()
    result = cli(*POD_ARGS, "--bundle", str(tmp_path / "empty"), "-o", "json")
    assert result.exit_code == 4
    assert "holds no Kubernetes object" in _error_doc(result.stdout)["message"]


def test_every_example_bundle_passes_validation():
    from aksdoctor.sources.bundle import BundleKube

    for path in sorted(p for p in EXAMPLES.iterdir() if p.is_dir()):
        BundleKube(path)  # raises BundleError naming the file and line on a bad object


@pytest.mark.parametrize("case", sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir())[::8])
def test_every_pod_of_an_example_cut_short_never_gives_a_verdict(cli, tmp_path, case):
    """Fuzz over the examples: drop the status or the containers of any Pod, or mistype a field: exit 4."""
    bundle = _copy(tmp_path, EXAMPLES / case)
    files = [p for p in (bundle).rglob("*.yaml") if "azure" not in p.parts and "logs" not in p.parts]
    from aksdoctor.errors import BundleError
    from aksdoctor.sources.bundle import BundleKube

    mutated = 0
    for path in files:
        original = path.read_text()
        docs = list(yaml.safe_load_all(original))
        for i, doc in enumerate(docs):
            items = doc.get("items") if isinstance(doc, dict) and isinstance(doc.get("items"), list) else [doc]
            for j, item in enumerate(items):
                if not isinstance(item, dict) or item.get("kind", (doc or {}).get("kind", "")).removesuffix(
                    "List"
                ) not in (
                    "Pod",
                    "Node",
                    "Deployment",
                ):
                    continue
                for mutation in ("drop-status", "drop-spec", "mistype-name"):
                    copy = json.loads(json.dumps(docs))
                    target = copy[i]["items"][j] if copy[i] is not item and "items" in copy[i] else copy[i]
                    if mutation == "drop-status" and target.get("kind", "Pod") != "Deployment":
                        target.pop("status", None)
                    elif mutation == "drop-spec" and target.get("kind", "Pod") != "Node":
                        target.pop("spec", None)
                    else:
                        target["metadata"]["name"] = ["not", "a", "string"]
                    path.write_text(yaml.safe_dump_all(copy, sort_keys=False))
                    with pytest.raises(BundleError, match=rf"{path.name}:\d+: "):
                        BundleKube(bundle)
                    mutated += 1
                path.write_text(original)
                if mutated >= 6:
                    return
        path.write_text(original)
    assert mutated > 0


def test_exit_codes_internal_error_is_5_and_ctrl_c_is_130(cli, monkeypatch):
    from aksdoctor.cli import running as common

    def boom(*args, **kwargs):
        raise RuntimeError("boom \x1b[31mred")

    monkeypatch.setattr(common, "run_diagnosis", boom)
    result = cli(*POD_ARGS, "--bundle", str(HEALTHY), "-o", "json")
    assert result.exit_code == 5
    doc = _error_doc(result.stdout)
    assert doc["exit_code"] == 5 and "RuntimeError: boom red" in doc["message"]
    assert "\x1b" not in result.stderr

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(common, "run_diagnosis", interrupted)
    result = cli(*POD_ARGS, "--bundle", str(HEALTHY))
    assert result.exit_code == 130 and "interrupted" in result.stderr


def test_azure_writes_are_refused_by_the_production_factory(monkeypatch):
    """live_azure() as the CLI builds it: removing the guard from it must break this test."""
    import azure.identity
    import responses

    from aksdoctor.sources.azure import StaticCredential, live_azure
    from aksdoctor.sources.azure_transport import ReadOnlyViolation

    monkeypatch.setattr(azure.identity, "DefaultAzureCredential", lambda **_: StaticCredential())
    reader = live_azure(timeout=5)
    client = reader.client("azure.mgmt.containerservice:ContainerServiceClient", "sub")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        with pytest.raises(ReadOnlyViolation, match="refused DELETE management.azure.com"):
            client.managed_clusters.begin_delete("rg", "aks").result()
        assert len(mock.calls) == 0


def test_redact_hides_every_vault_name_without_splitting_on_punctuation():
    from aksdoctor.render.redact import Redactor

    r = Redactor()
    text = (
        "vault kv-shop. denied by /vaults/kv-arm). Key Vault kvprod2, and "
        "az keyvault set-policy --name kvplain --secret-permissions get"
    )
    r.scan(text)
    out = r.text(text)
    for name in ("kv-shop", "kv-arm", "kvprod2", "kvplain"):
        assert name not in out, out
    assert "vault <vault-" in out and ")." in out


def test_a_missing_kubeconfig_is_named_with_how_to_get_one(cli, tmp_path):
    missing = tmp_path / "nope" / "config"
    result = cli(*POD_ARGS, "--kubeconfig", str(missing), "-o", "json")
    assert result.exit_code == 4
    doc = _error_doc(result.stdout)
    assert str(missing) in doc["message"] and "az aks get-credentials" in doc["hint"]


def test_a_missing_kubelogin_is_one_line_naming_it(cli, tmp_path):
    kubeconfig = tmp_path / "config"
    kubeconfig.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "c", "cluster": {"server": "https://127.0.0.1:1"}}],
                "contexts": [{"name": "aks", "context": {"cluster": "c", "user": "u"}}],
                "current-context": "aks",
                "users": [
                    {
                        "name": "u",
                        "user": {
                            "exec": {
                                "apiVersion": "client.authentication.k8s.io/v1beta1",
                                "command": "kubelogin",
                                "args": ["get-token", "--login", "azurecli"],
                                "interactiveMode": "Never",
                            }
                        },
                    }
                ],
            }
        )
    )
    result = cli(*POD_ARGS, "--kubeconfig", str(kubeconfig), env={"PATH": str(tmp_path)})
    assert result.exit_code == 4
    assert "ERROR:root" not in result.stderr
    assert "kubelogin" in result.stderr and "az aks install-cli" in result.stderr

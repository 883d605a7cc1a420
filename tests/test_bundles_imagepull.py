"""imagepull examples beyond their verdict (tests/test_examples.py judges every bundle's expected.json): what
could not be read, the reports' shapes, target lookup."""

from __future__ import annotations

import json

from conftest import example

SUB = "3f2b7c1e-8d4a-4b6f-9e2d-7a1c5b8e0f42"
REGISTRY_ID = f"/subscriptions/{SUB}/resourceGroups/rg-shared-registry/providers/Microsoft.ContainerRegistry/registries/contososhop"


def test_inconclusive_names_what_could_not_be_read_and_how_to_grant_it(cli):
    result = cli("imagepull", "web-7d9f8-x2x", "--bundle", str(example("imagepull-acr-no-azure-access")), "-o", "json")
    report = json.loads(result.stdout)
    skipped = report["skipped"]
    assert [s["probe"] for s in skipped] == ["acr.kubelet_can_pull"]
    assert "Microsoft.Authorization/roleAssignments/read" in skipped[0]["reason"]
    assert "Microsoft.Authorization/roleAssignments/read on " + REGISTRY_ID in skipped[0]["grant"]


def test_role_present_explains_what_to_try(cli):
    result = cli(
        "imagepull", "web-7d9f8-x2x", "--bundle", str(example("imagepull-acr-role-present-inconclusive")), "-o", "json"
    )
    report = json.loads(result.stdout)
    assert any("AcrPull on " + REGISTRY_ID in e["fact"] for e in report["evidence"])
    assert any("kubectl delete pod web-7d9f8-x2x -n shop" in n for n in report["notes"])


def test_namespace_is_found_in_a_bundle_when_not_given(cli):
    result = cli("imagepull", "web-7d9f8-x2x", "--bundle", str(example("imagepull-image-tag-not-found")), "-o", "json")
    assert json.loads(result.stdout)["target"] == {"kind": "Pod", "namespace": "shop", "name": "web-7d9f8-x2x"}


def test_unknown_pod_suggests_the_closest_names(cli):
    result = cli("imagepull", "web-7d9f8-x2y", "-n", "shop", "--bundle", str(example("imagepull-image-tag-not-found")))
    assert result.exit_code == 2
    assert "not found in namespace 'shop'" in result.stderr
    assert "did you mean: web-7d9f8-x2x" in result.stderr
    assert result.stdout == ""


def test_markdown_report_is_incident_ready(cli):
    result = cli(
        "imagepull",
        "web-7d9f8-x2x",
        "--bundle",
        str(example("imagepull-acr-pull-permission-missing")),
        "-o",
        "markdown",
    )
    md = result.stdout
    assert md.startswith("## aksdoctor imagepull: Pod shop/web-7d9f8-x2x")
    assert (
        "**Problem found**: The kubelet identity cannot pull from ACR contososhop (`acr-pull-permission-missing`)" in md
    )
    assert "| probe | fact | source |" in md
    assert "```sh\naz aks update -g rg-shop-prod -n aks-prod" in md
    assert "### Decision path" in md and "`acr.kubelet_can_pull` → **no**" in md


def test_text_report_shows_cause_evidence_fix_and_path(cli):
    result = cli("imagepull", "web-7d9f8-x2x", "--bundle", str(example("imagepull-image-tag-not-found")))
    out = result.stdout
    assert result.exit_code == 1
    assert out.startswith("PROBLEM  imagepull · Pod shop/web-7d9f8-x2x")
    assert "Tag 1.4.2 does not exist in contososhop.azurecr.io/shop/web" in out
    assert "$ kubectl set image deployment/web web=contososhop.azurecr.io/shop/web:1.4.1 -n shop" in out
    assert "decision path" in out and "tag-missing" in out
    assert "\x1b[" not in out  # no colour codes when not a terminal

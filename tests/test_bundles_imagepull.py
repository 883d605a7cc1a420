"""imagepull examples beyond their verdict (tests/test_examples.py judges every bundle's expected.json): what
could not be read, the reports' shapes, target lookup."""

from __future__ import annotations

import json

from conftest import EXAMPLES, example

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
    assert "\nkubectl set image deployment/web web=contososhop.azurecr.io/shop/web:1.4.1 -n shop\n" in out
    assert "decision path" in out and "tag-missing" in out
    assert "\x1b[" not in out  # no colour codes when not a terminal


# ---- every container, digests, unknown wordings (issue 12) ----------------------------------------
REALWORLD = EXAMPLES.parent.parent / "tests" / "realworld"


def _report(cli, bundle, pod, ns):
    result = cli("imagepull", pod, "-n", ns, "--bundle", str(bundle), "-o", "json")
    return json.loads(result.stdout)


def test_an_ephemeral_debug_container_that_cannot_pull_is_found_and_not_fixed_through_the_workload(cli):
    report = _report(cli, REALWORLD / "imagepull-ephemeral-debugger-bogus-image", "shell-6874dcdd7f-rv5vd", "default")
    assert report["status"] == "problem"
    facts = " ".join(e["fact"] for e in report["evidence"])
    assert "ephemeral debug container debugger-r2gq7 waits in ImagePullBackOff for image bogus" in facts
    commands = [f["command"] for c in report["causes"] for f in c["fix"]]
    assert not any("set image deployment/" in c or "set image replicaset/" in c for c in commands)
    assert any("ephemeral (kubectl debug) container" in n for n in report["notes"])


def test_a_pod_that_is_not_scheduled_is_never_healthy(cli):
    report = _report(cli, REALWORLD / "imagepull-unscheduled-pod-is-not-healthy", "dep-6bfb4bc65d-9xk2l", "default")
    assert report["status"] == "inconclusive"
    assert any("not scheduled" in n for n in report["notes"])


def test_a_sidecar_that_cannot_pull_is_named_as_such(cli, tmp_path):
    import shutil

    import yaml

    bundle = tmp_path / "b"
    shutil.copytree(REALWORLD / "imagepull-init-container-docker-hub-rate-limit", bundle)
    pods = bundle / "kubernetes" / "pods.yaml"
    doc = yaml.safe_load(pods.read_text())
    doc["items"][0]["spec"]["initContainers"][0]["restartPolicy"] = "Always"
    pods.write_text(yaml.safe_dump(doc))
    report = _report(cli, bundle, "kbs-8bb784fd4-ncxnd", "coco-tenant")
    assert report["causes"][0]["id"] == "registry-rate-limited"
    assert any("sidecar (init, restartPolicy Always) wait-for-as" in e["fact"] for e in report["evidence"])


def _digest_pinned(tmp_path, manifests):
    """The tag-exists example with its image pinned by a digest the repository does not hold."""
    import shutil

    bundle = tmp_path / "digest"
    shutil.copytree(example("imagepull-image-now-available"), bundle)
    digest = "sha256:" + "b" * 64
    for path in (bundle / "kubernetes").glob("*.yaml"):
        text = path.read_text().replace(
            "contososhop.azurecr.io/shop/web:1.4.2", f"contososhop.azurecr.io/shop/web:1.4.2@{digest}"
        )
        path.write_text(text)
    if manifests is not None:
        rec = {
            "method": "GET",
            "url": "https://contososhop.azurecr.io/acr/v1/shop%2Fweb/_manifests?api-version=2021-07-01",
            "status": 200,
            "body": {"registry": "contososhop.azurecr.io", "imageName": "shop/web", "manifests": manifests},
        }
        with (bundle / "azure" / "arm.jsonl").open("a") as f:
            f.write(json.dumps(rec) + "\n")
    return bundle


def test_a_tag_that_exists_does_not_make_a_digest_pinned_image_available(cli, tmp_path):
    current = "sha256:" + "c" * 64
    bundle = _digest_pinned(tmp_path, [{"digest": current, "tags": ["1.4.2"]}])
    report = _report(cli, bundle, "web-7d9f8-x2x", "shop")
    cause = report["causes"][0]
    assert cause["id"] == "image-tag-not-found"  # not image-now-available: tag 1.4.2 exists, the digest does not
    assert f"kubectl set image deployment/web web=contososhop.azurecr.io/shop/web:1.4.2@{current} -n shop" in [
        f["command"] for f in cause["fix"]
    ]
    assert any("tag 1.4.2 exists but now points to" in e["fact"] for e in cause["evidence"])


def test_a_digest_the_manifests_hold_is_available(cli, tmp_path):
    bundle = _digest_pinned(tmp_path, [{"digest": "sha256:" + "b" * 64, "tags": []}])
    report = _report(cli, bundle, "web-7d9f8-x2x", "shop")
    assert report["causes"][0]["id"] == "image-now-available"


def test_a_digest_not_checked_says_so(cli, tmp_path):
    bundle = _digest_pinned(tmp_path, None)
    report = _report(cli, bundle, "web-7d9f8-x2x", "shop")
    assert report["causes"][0]["confidence"] == "medium"
    assert any("was not verified" in e["fact"] for e in report["evidence"])
    assert any("list manifests of repository shop/web" in s["reason"] for s in report["skipped"])


def test_a_bare_pod_is_not_patched_through_a_pod_template(cli):
    report = _report(cli, REALWORLD / "imagepull-kamailio-local-image-not-in-registry", "kamailio-5061", "default")
    commands = [f["command"] for f in report["causes"][0]["fix"]]
    assert report["causes"][0]["id"] == "registry-auth-required"
    assert not any('"template"' in c for c in commands)  # a pod has no template; its spec cannot take pull secrets

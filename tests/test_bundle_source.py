"""The bundle source: kubectl output in any form, captured vs missing, malformed files named with their line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aksdoctor.errors import BundleError, NotCaptured, NotFound
from aksdoctor.sources.azure_transport import (
    NoRecording,
    ReadOnlyViolation,
    Recording,
    ReplayTransport,
    check_read_only,
)
from aksdoctor.sources.bundle import BundleKube, open_bundle
from aksdoctor.sources.resources import resource

POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web-1", "namespace": "shop", "labels": {"app": "web"}},
    "spec": {"containers": [{"name": "web", "image": "web:1"}]},
    "status": {"phase": "Running"},
}


def bundle(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_single_object_list_and_multi_document_yaml(tmp_path):
    root = bundle(
        tmp_path,
        {
            "pod.json": json.dumps(POD),
            "more/pods.yaml": "apiVersion: v1\nkind: PodList\nitems:\n- metadata: {name: web-2, namespace: shop}\n"
            "  spec: {containers: [{name: web}]}\n  status: {}\n",
            "nodes.yml": "---\napiVersion: v1\nkind: Node\nmetadata: {name: n1}\nstatus: {}\n---\napiVersion: v1\nkind: Node\n"
            "metadata: {name: n2}\nstatus: {}\n",
        },
    )
    kube = BundleKube(root)
    assert {p["metadata"]["name"] for p in kube.list(resource("pods"), "shop")} == {"web-1", "web-2"}
    assert kube.get(resource("pods"), "web-2", "shop")["kind"] == "Pod"  # list items get their kind
    assert [n["metadata"]["name"] for n in kube.list(resource("nodes"))] == ["n1", "n2"]
    assert kube.list(resource("pods"), "shop", label_selector="app=web")[0]["metadata"]["name"] == "web-1"


def test_missing_kind_is_not_captured_and_absent_object_is_not_found(tmp_path):
    kube = BundleKube(bundle(tmp_path, {"pod.yaml": json.dumps(POD)}))
    with pytest.raises(NotFound):
        kube.get(resource("pods"), "nope", "shop")
    with pytest.raises(NotCaptured, match="list events in namespace shop: not captured"):
        kube.list(resource("events"), "shop")


def test_empty_list_captures_the_resource_named_by_the_file(tmp_path):
    kube = BundleKube(bundle(tmp_path, {"events-shop.yaml": "apiVersion: v1\nitems: []\nkind: List\n"}))
    assert kube.list(resource("events"), "shop") == []


def test_events_k8s_io_events_are_served_as_core_events(tmp_path):
    event = {
        "apiVersion": "events.k8s.io/v1",
        "kind": "Event",
        "metadata": {"name": "e1", "namespace": "shop"},
        "regarding": {"uid": "u1", "name": "web-1"},
        "note": "Back-off pulling image",
        "reason": "BackOff",
    }
    kube = BundleKube(bundle(tmp_path, {"ev.json": json.dumps(event)}))
    assert (
        kube.list(resource("events"), "shop", field_selector="involvedObject.uid=u1")[0]["message"]
        == "Back-off pulling image"
    )


def test_secrets_in_a_bundle_are_redacted_on_read(tmp_path):
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "s", "namespace": "shop"},
        "data": {"password": "Q0FOQVJZ"},
    }
    kube = BundleKube(bundle(tmp_path, {"s.json": json.dumps(secret)}))
    assert "Q0FOQVJZ" not in json.dumps(kube.get(resource("secrets"), "s", "shop"))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: [unclosed\n", "bad.yaml:3: invalid YAML"),
        (
            "two.yaml",
            "apiVersion: v1\nkind: Node\nmetadata: {name: a}\nstatus: {}\n---\nkind: Pod\nmetadata: {name: x}\n",
            "two.yaml:6: not a Kubernetes object",
        ),
        (
            "list.json",
            '{"apiVersion": "v1", "kind": "List", "items": ["oops"]}',
            "list.json:1: not a Kubernetes object",
        ),
        ("truncated.json", '{"apiVersion": "v1", "kind": "Pod", "metadata": {', "truncated.json:1: invalid JSON"),
        ("notes.yaml", "just a sentence\n", "notes.yaml:1: not a Kubernetes object"),
    ],
)
def test_malformed_files_name_file_and_line(tmp_path, name, content, message):
    with pytest.raises(BundleError, match=message):
        BundleKube(bundle(tmp_path, {name: content}))


def test_binary_junk_is_a_bundle_error(tmp_path):
    (tmp_path / "junk.yaml").write_bytes(b"\x00\xff\xfe binary")
    with pytest.raises(BundleError, match="junk.yaml: not UTF-8"):
        BundleKube(tmp_path)


def test_truncated_azure_recording_names_file_and_line(tmp_path):
    bundle(
        tmp_path,
        {
            "pod.json": json.dumps(POD),
            "azure/arm.jsonl": '{"url": "https://management.azure.com/x", "status": 200, "body": {}}\n{"url": "https://m',
        },
    )
    with pytest.raises(BundleError, match="arm.jsonl:2: not a JSON object"):
        open_bundle(tmp_path)


def test_cli_malformed_bundle_exits_4_with_the_file(cli, tmp_path):
    bundle(tmp_path, {"bad.yaml": "kind: [\n"})
    result = cli("imagepull", "web-1", "-n", "shop", "--bundle", str(tmp_path))
    assert result.exit_code == 4
    assert "bad.yaml:1: invalid YAML" in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_cli_bad_flags_exit_2(cli):
    assert cli("imagepull", "web-1", "--output", "yaml").exit_code == 2
    assert cli("nosuchcommand").exit_code == 2


# ---- Azure replay and the read-only guard -----------------------------------------------------
class _Req:
    def __init__(self, method: str, url: str) -> None:
        self.method, self.url = method, url


def test_replay_matches_case_and_percent_encoding_and_ignores_api_version():
    rec = Recording("GET", "https://MyAcr.azurecr.io/acr/v1/shop%2Fweb/_tags?api-version=2021-07-01", 200, {"tags": []})
    replay = ReplayTransport([rec])
    assert (
        replay._find("GET", "https://myacr.azurecr.io/acr/v1/shop/web/_tags?api-version=2019-08-15-preview&n=100")
        is rec
    )


def test_replay_requires_recorded_query_parameters():
    rec = Recording(
        "GET", "https://management.azure.com/x/roleAssignments?$filter=principalId%20eq%20%27a%27", 200, {"value": []}
    )
    replay = ReplayTransport([rec])
    assert (
        replay._find("GET", "https://management.azure.com/x/roleAssignments?$filter=principalId eq 'a'&api-version=1")
        is rec
    )
    with pytest.raises(NoRecording):
        replay._find("GET", "https://management.azure.com/x/roleAssignments?$filter=principalId eq 'b'")


def test_replay_answers_a_later_page_only_with_a_recording_of_that_page():
    first = Recording("GET", "https://management.azure.com/x/vaults?api-version=1", 200, {"value": [], "nextLink": "n"})
    second = Recording("GET", "https://management.azure.com/x/vaults?$skiptoken=p2", 200, {"value": []})
    replay = ReplayTransport([first, second])
    assert replay._find("GET", "https://management.azure.com/x/vaults?api-version=2") is first
    assert replay._find("GET", "https://management.azure.com/x/vaults?$skiptoken=p2&api-version=2") is second
    with pytest.raises(NoRecording):  # the first page recorded does not answer for a page that is not
        replay._find("GET", "https://management.azure.com/x/vaults?$skiptoken=p3")


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "POST"])
def test_read_only_guard_refuses_writes(method):
    with pytest.raises(ReadOnlyViolation, match=f"refused {method} management.azure.com"):
        check_read_only(
            method,
            "https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/Microsoft.Authorization/roleAssignments/x",
        )


@pytest.mark.parametrize(
    "url",
    [
        "https://login.microsoftonline.com/tenant/oauth2/v2.0/token",
        "https://myacr.azurecr.io/oauth2/exchange",
        "https://myacr.azurecr.io/oauth2/token",
    ],
)
def test_read_only_guard_allows_token_acquisition(url):
    check_read_only("POST", url)
    check_read_only("GET", "https://management.azure.com/subscriptions/s")

"""Selectors, scopes, secret redaction, templates: the small pieces both sources rely on."""

from __future__ import annotations

import base64
import json

import pytest

from aksdoctor.runbook import fill
from aksdoctor.sources.evidence import scope_contains
from aksdoctor.sources.kube import REDACTED, docker_config_hosts, normalize_event, redact_secret
from aksdoctor.sources.selectors import field_matcher, label_matcher

POD = {
    "metadata": {"name": "web-1", "namespace": "shop", "labels": {"app": "web", "tier": "front"}},
    "spec": {"nodeName": "n1"},
}


@pytest.mark.parametrize(
    ("selector", "matches"),
    [
        ("app=web", True),
        ("app==web", True),
        ("app!=web", False),
        ("app in (web,api)", True),
        ("app notin (web)", False),
        ("tier", True),
        ("!tier", False),
        ("missing", False),
        ("!missing", True),
        ("app=web,tier=back", False),
        ("app in (api, web),tier", True),
        ("", True),
    ],
)
def test_label_selector(selector, matches):
    assert label_matcher(selector)(POD) is matches


def test_field_selector_dotted_paths():
    assert field_matcher("spec.nodeName=n1,metadata.namespace=shop")(POD)
    assert not field_matcher("spec.nodeName!=n1")(POD)
    assert field_matcher("status.phase!=Running")(POD)  # missing field is the empty string, as on the API server


def test_bad_label_selector_is_an_error():
    with pytest.raises(ValueError):
        label_matcher("app in web")


@pytest.mark.parametrize(
    ("outer", "inner", "contains"),
    [
        ("/subscriptions/S", "/subscriptions/s/resourceGroups/rg/providers/X/y/z", True),
        ("/subscriptions/s/resourceGroups/rg", "/subscriptions/s/resourceGroups/rg2/providers/X/y/z", False),
        ("/subscriptions/s/resourceGroups/rg", "/subscriptions/s/resourceGroups/rg", True),
        ("/", "/subscriptions/s", True),
        (
            "/subscriptions/s/resourceGroups/rg/providers/X/y/z/child",
            "/subscriptions/s/resourceGroups/rg/providers/X/y/z",
            False,
        ),
    ],
)
def test_scope_contains_is_segment_aligned(outer, inner, contains):
    assert scope_contains(outer, inner) is contains


def test_redact_secret_keeps_registry_hosts_and_drops_every_value():
    config = {"auths": {"myacr.azurecr.io": {"username": "u", "password": "CANARY-PASSWORD", "auth": "dTpDQU5BUlk="}}}
    secret = {
        "kind": "Secret",
        "type": "kubernetes.io/dockerconfigjson",
        "metadata": {
            "name": "regcred",
            "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "CANARY-APPLIED"},
        },
        "data": {".dockerconfigjson": base64.b64encode(json.dumps(config).encode()).decode(), "token": "Q0FOQVJZ"},
        "stringData": {"password": "CANARY-STRING"},
    }
    red = redact_secret(secret)
    text = json.dumps(red)
    assert "CANARY" not in text and "dTpDQU5BUlk=" not in text and "Q0FOQVJZ" not in text
    assert base64.b64decode(red["data"][".dockerconfigjson"]).decode().count("CANARY") == 0
    assert docker_config_hosts(red) == ["myacr.azurecr.io"]
    assert red["data"]["token"] == REDACTED and red["data"]["password"] == REDACTED


def test_redacted_bundle_secret_has_unknown_hosts():
    assert docker_config_hosts({"data": {".dockerconfigjson": REDACTED}}) is None


def test_events_k8s_io_event_is_read_in_core_shape():
    event = {
        "apiVersion": "events.k8s.io/v1",
        "kind": "Event",
        "regarding": {"kind": "Pod", "name": "web-1", "uid": "u1"},
        "note": "Failed to pull image",
        "reason": "Failed",
        "series": {"count": 7, "lastObservedTime": "2026-11-21T10:00:00Z"},
    }
    core = normalize_event(event)
    assert core["involvedObject"]["uid"] == "u1" and core["message"] == "Failed to pull image"
    assert core["count"] == 7 and core["lastTimestamp"] == "2026-11-21T10:00:00Z"


def test_fill_shell_quotes_values_and_shows_missing_ones():
    facts = {"namespace": "shop; rm -rf /", "pod": "web-1", "tags": ["a b", "c"]}
    assert (
        fill("kubectl delete pod {pod} -n {namespace}", facts, shell=True)
        == "kubectl delete pod web-1 -n 'shop; rm -rf /'"
    )
    assert fill("kubectl -n {cluster}", facts, shell=True) == 'kubectl -n "$CLUSTER"'
    assert fill("on {cluster}", facts, shell=False) == "on <cluster>"
    assert fill("tags: {tags}", facts, shell=False) == "tags: a b, c"
    assert fill("x {{literal}} {pod}", facts, shell=True) == "x {literal} web-1"


def test_preloaded_lists_answer_gets_lists_and_events_locally():
    from aksdoctor.errors import NotFound
    from aksdoctor.model import Target
    from aksdoctor.sources.evidence import Evidence

    class NoKube:
        mode, context = "live", "x"

        def get(self, *a, **k):
            raise AssertionError("no per-object call when the list is preloaded")

        list = get

    pods = [
        {
            "metadata": {
                "name": f"p{i}",
                "namespace": "a" if i % 2 else "b",
                "uid": f"u{i}",
                "labels": {"app": "x" if i < 3 else "y"},
            }
        }
        for i in range(6)
    ]
    events = [{"metadata": {"name": "e1", "namespace": "a"}, "involvedObject": {"uid": "u1"}, "reason": "Failed"}]
    ev = Evidence(kube=NoKube(), azure=None, target=Target("Pod", "p1", "a"))
    ev.preload("pods", pods)
    ev.preload("events", events)
    assert ev.get("pods", "p1", "a")["metadata"]["uid"] == "u1"
    with pytest.raises(NotFound):
        ev.get("pods", "p1", "b")
    assert [p["metadata"]["name"] for p in ev.list("pods", "a", labels="app=x")] == ["p1"]
    assert [p["metadata"]["name"] for p in ev.list("pods", None, labels="app=y")] == ["p3", "p4", "p5"]
    assert ev.events_for(pods[1]) == events and ev.events_for(pods[3]) == []
    assert ev.for_target(Target("Pod", "p3", "a")).get("pods", "p3", "a")["metadata"]["uid"] == "u3"

"""Evidence.get on preloaded lists (scan) answers from a name index, exactly as a search of the list would."""

from __future__ import annotations

import pytest

from aksdoctor.errors import NotFound
from aksdoctor.model import Target
from aksdoctor.sources.evidence import Evidence


def _pod(ns: str, name: str, tag: str) -> dict:
    return {"metadata": {"namespace": ns, "name": name}, "spec": {"tag": tag}}


def _evidence() -> Evidence:
    return Evidence(kube=None, azure=None, target=Target(kind="Pod", name="web", namespace="shop"))  # type: ignore[arg-type]


def test_get_from_a_cluster_wide_preload_finds_the_object_of_that_namespace():
    ev = _evidence()
    pods = [_pod("checkout", "web", "a"), _pod("shop", "web", "b"), _pod("shop", "web", "dup"), _pod("shop", "db", "c")]
    ev.preload("pods", pods)
    assert ev.get("pods", "web", "shop")["spec"]["tag"] == "b"  # the first one, as the list search gave
    assert ev.get("pods", "web", "checkout")["spec"]["tag"] == "a"
    assert ev.get("pods", "web")["spec"]["tag"] == "a"
    with pytest.raises(NotFound):
        ev.get("pods", "db", "checkout")
    with pytest.raises(NotFound):
        ev.get("pods", "nope", "shop")


def test_get_from_a_namespace_preload_and_cluster_scoped_objects():
    ev = _evidence()
    ev.preload("pods", [_pod("shop", "web", "x")], namespace="shop")
    assert ev.get("pods", "web", "shop")["spec"]["tag"] == "x"
    nodes = [{"metadata": {"name": "aks-nodepool1-0"}}, {"metadata": {"name": "aks-nodepool1-1"}}]
    ev.preload("nodes", nodes)
    assert ev.get("nodes", "aks-nodepool1-1") is nodes[1]
    assert ev.for_target(Target(kind="Node", name="aks-nodepool1-0")).get("nodes", "aks-nodepool1-0") is nodes[0]
    with pytest.raises(NotFound):
        ev.get("nodes", "aks-nodepool1-9")

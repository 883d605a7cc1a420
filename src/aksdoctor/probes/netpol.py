"""NetworkPolicies judged against the caller of a Service: the --from pod, else the ingress-controller pods
of the Ingresses that route to it, else a pod of another namespace. Only when the cluster enforces them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..errors import DataUnavailable, NotFound
from ..model import Outcome
from ..sources.evidence import Evidence
from ..sources.selectors import dig
from .registry import probe
from .service import caller_pod, endpoints_of, kube_system_pods, labels_of, namespace_pods, service_object, target_of

# kube-system pods of the policy engines AKS installs (azure NPM, Calico, Cilium).
_ENGINE_PODS = {"azure-npm": "azure", "calico-node": "calico", "cilium": "cilium"}
# IngressClass spec.controller -> label selector of its controller pods.
_CONTROLLER_PODS = {
    "k8s.io/ingress-nginx": "app.kubernetes.io/name=ingress-nginx",
    "approuting.kubernetes.azure.com/nginx": "app=nginx",
}


@dataclass
class Caller:
    """Who calls the Service: a namespace, its labels, the pod labels."""

    describe: str
    namespace: str
    namespace_labels: dict[str, str]
    labels: dict[str, str]
    known: bool = True


@probe("service.network_policy", outcomes=("denies", "allows", "not-enforced"))
def network_policy(ev: Evidence) -> Outcome:
    """Does a NetworkPolicy that selects the Service's pods keep the caller out?"""
    engine, engine_src = _engine(ev)
    if engine is None:
        return Outcome.of("not-enforced", (f"the cluster enforces no NetworkPolicy ({engine_src})", engine_src))
    svc = service_object(ev)
    ns = ev.target.namespace
    view = endpoints_of(ev, ns, ev.target.name)
    ready = {e.pod for e in view.ready}
    backends = [p for p in namespace_pods(ev) if dig(p, "metadata.name") in ready]
    if not backends:
        return Outcome.of("allows", ("no backend pod to judge policies for", view.source))
    policies = ev.list("networkpolicies", ns)
    selecting = [
        pol
        for pol in policies
        if "Ingress" in (dig(pol, "spec.policyTypes") or ["Ingress"])
        and _matches_selector(dig(pol, "spec.podSelector") or {}, labels_of(backends[0]))
    ]
    if not selecting:
        return Outcome.of(
            "allows",
            (f"no NetworkPolicy with Ingress selects the pods of {ev.target.name}", f"NetworkPolicies in {ns}"),
        )
    caller = _caller(ev, svc)
    ports = dig(svc, "spec.ports", []) or []
    port = target_of(ports[0]) if ports else None
    number = _number(backends[0], port)
    admitting = [
        dig(pol, "metadata.name")
        for pol in selecting
        if any(_rule_admits(rule, pol, caller, port, number) for rule in dig(pol, "spec.ingress", []) or [])
    ]
    names = [dig(p, "metadata.name") for p in selecting]
    if admitting:
        return Outcome.of(
            "allows",
            (
                f"NetworkPolicy {', '.join(admitting)} admits {caller.describe} on port {port}",
                f"NetworkPolicies in {ns}",
            ),
        )
    detail = ""
    if any(
        peer.get("podSelector") is not None and peer.get("namespaceSelector") is None
        for pol in selecting
        for rule in dig(pol, "spec.ingress", []) or []
        for peer in rule.get("from") or []
    ):
        detail = "A from.podSelector without a namespaceSelector admits only pods of the policy's own namespace."
    allow = _allow_policy(
        ev.target.name, labels_of(backends[0]), dig(svc, "spec.selector") or {}, caller, number or port
    )
    return Outcome.of(
        "denies",
        (f"NetworkPolicies enforced by {engine}", engine_src),
        (
            f"{', '.join(names)} select(s) pods of {ev.target.name}; "
            f"no ingress rule admits {caller.describe} on port {port}",
            f"NetworkPolicies in {ns}",
        ),
        policies=names,
        policy_engine=engine,
        caller=caller.describe,
        target_port=str(number or port),
        policy_detail=detail,
        allow_policy=allow,
        confidence=None if caller.known else "medium",
    )


def _engine(ev: Evidence) -> tuple[str | None, str]:
    """The policy engine: networkProfile.networkPolicy from ARM, else its pods in kube-system."""
    try:
        mc = ev.managed_cluster()
        policy = dig(mc, "properties.networkProfile.networkPolicy")
        if policy in (None, "", "none"):
            dataplane = dig(mc, "properties.networkProfile.networkDataplane")
            if dataplane == "cilium":
                return "cilium", "networkProfile.networkDataplane cilium"
            return None, "networkProfile.networkPolicy is not set"
        return str(policy), f"networkProfile.networkPolicy {policy}"
    except (DataUnavailable, NotFound):
        pass
    for pod in kube_system_pods(ev):
        app = labels_of(pod).get("k8s-app", "")
        if app in _ENGINE_PODS:
            return _ENGINE_PODS[app], f"{app} pods in kube-system"
    try:  # the Tigera operator runs Calico in calico-system
        if ev.list("pods", "calico-system", labels="k8s-app=calico-node"):
            return "calico", "calico-node pods in calico-system"
    except DataUnavailable:
        pass
    return None, "no azure-npm, calico-node or cilium pod in kube-system or calico-system"


def _caller(ev: Evidence, svc: dict[str, Any]) -> Caller:
    pod = caller_pod(ev)
    if pod is not None:
        ns = dig(pod, "metadata.namespace")
        return Caller(f"pod {ns}/{dig(pod, 'metadata.name')}", ns, _ns_labels(ev, ns), labels_of(pod))
    for ing_pod in _ingress_controller_pods(ev, svc)[:1]:
        ns = dig(ing_pod, "metadata.namespace")
        return Caller(
            f"ingress controller pod {ns}/{dig(ing_pod, 'metadata.name')}", ns, _ns_labels(ev, ns), labels_of(ing_pod)
        )
    return Caller("a pod of another namespace", "another-namespace", {}, {}, known=False)


def _ns_labels(ev: Evidence, ns: str) -> dict[str, str]:
    try:
        return labels_of(ev.get("namespaces", ns)) | {"kubernetes.io/metadata.name": ns}
    except (DataUnavailable, NotFound):
        return {"kubernetes.io/metadata.name": ns}


def _ingress_controller_pods(ev: Evidence, svc: dict[str, Any]) -> list[dict[str, Any]]:
    name = dig(svc, "metadata.name")
    try:
        ingresses = ev.list("ingresses", ev.target.namespace)
    except DataUnavailable:
        return []
    classes = []
    for ing in ingresses:
        backends = [dig(ing, "spec.defaultBackend.service.name")] + [
            dig(path, "backend.service.name")
            for rule in dig(ing, "spec.rules", []) or []
            for path in dig(rule, "http.paths", []) or []
        ]
        if name in backends:
            classes.append(dig(ing, "spec.ingressClassName") or "")
    for cls in classes:
        try:
            controller = dig(ev.get("ingressclasses", cls), "spec.controller", "") if cls else ""
        except (DataUnavailable, NotFound):
            controller = ""
        selector = _CONTROLLER_PODS.get(controller) or _CONTROLLER_PODS["k8s.io/ingress-nginx"]
        try:
            pods = ev.list("pods", None, labels=selector)
        except DataUnavailable:
            continue
        if pods:
            return sorted(pods, key=lambda p: str(dig(p, "metadata.name")))
    return []


def _matches_selector(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def _rule_admits(rule: dict[str, Any], policy: dict[str, Any], caller: Caller, port: Any, number: int | None) -> bool:
    ports = rule.get("ports") or []
    if ports and not any(p.get("port") in (None, port, number) or str(p.get("port")) == str(port) for p in ports):
        return False
    peers = rule.get("from")
    if not peers:
        return True
    policy_ns = dig(policy, "metadata.namespace")
    for peer in peers:
        pod_sel, ns_sel = peer.get("podSelector"), peer.get("namespaceSelector")
        if pod_sel is None and ns_sel is None:
            continue  # ipBlock: pod traffic is not judged by CIDR here
        if ns_sel is None:
            in_ns = caller.namespace == policy_ns
        else:
            in_ns = caller.known and _matches_selector(ns_sel, caller.namespace_labels)
        if in_ns and (pod_sel is None or (caller.known and _matches_selector(pod_sel, caller.labels))):
            return True
    return False


def _number(pod: dict[str, Any], port: Any) -> int | None:
    if isinstance(port, int):
        return port
    for c in dig(pod, "spec.containers", []) or []:
        for p in c.get("ports") or []:
            if p.get("name") == port:
                return p.get("containerPort")
    return None


def _allow_policy(
    service: str, backend_labels: dict[str, str], selector: dict[str, str], caller: Caller, port: Any
) -> str | None:
    if not caller.known:
        return None
    peer: dict[str, Any] = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": caller.namespace}}}
    keep = {k: v for k, v in caller.labels.items() if k not in ("pod-template-hash", "controller-revision-hash")}
    if keep:
        peer["podSelector"] = {"matchLabels": dict(sorted(keep.items())[:3])}
    policy = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": f"allow-{caller.namespace}-to-{service}"[:63]},
        "spec": {
            "podSelector": {"matchLabels": dict(selector) or backend_labels},
            "policyTypes": ["Ingress"],
            "ingress": [{"from": [peer], "ports": [{"protocol": "TCP", "port": port}]}],
        },
    }
    return json.dumps(policy, separators=(",", ":"))


__all__ = ["network_policy"]

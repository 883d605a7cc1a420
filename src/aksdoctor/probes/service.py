"""The service runbook's Kubernetes probes: cluster DNS, the Service object, its endpoints, kube-proxy and
externalTrafficPolicy. Shared reads (the Service, its EndpointSlices, the namespace's pods, kube-system's
pods) are memoized so every probe of a run reads each once."""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import DataUnavailable, NotFound, TargetNotFound
from ..model import Outcome, Target
from ..sources.evidence import Evidence
from ..sources.selectors import dig
from .image_ref import closest
from .pods import workload_of
from .registry import probe
from .scrub import scrub

SERVICE_NAME_LABEL = "kubernetes.io/service-name"
_CONTROLLERS = {"deployment": "Deployment", "statefulset": "StatefulSet", "daemonset": "DaemonSet"}
_CUSTOM_FILE = re.compile(r"/etc/coredns/custom/(?P<file>[\w.-]+?)(?::\d+)?\s+-\s+(?P<error>[^\n]+)")
_CUSTOM_ANY = re.compile(r"/etc/coredns/custom/(?P<file>[\w.-]+)")
_ALREADY_DEFINED = re.compile(r"cannot serve (?P<zone>\S+) - it is already defined")


# ---- shared reads -------------------------------------------------------------------------------
def service_object(ev: Evidence) -> dict[str, Any]:
    """The target Service; TargetNotFound with the closest names when it does not exist."""
    ns, name = ev.target.namespace, ev.target.name
    try:
        return ev.get("services", name, ns)
    except NotFound:
        try:
            names = [dig(s, "metadata.name") for s in ev.list("services", ns)]
        except DataUnavailable:
            names = []
        suggestions = closest(name, names, n=3)
        hint = f"did you mean: {', '.join(suggestions)}" if suggestions else f"list them with: kubectl get svc -n {ns}"
        raise TargetNotFound(
            f"service {name!r} not found in namespace {ns!r}", suggestions=suggestions, hint=hint
        ) from None


def kube_system_pods(ev: Evidence) -> list[dict[str, Any]]:
    """Every pod of kube-system (CoreDNS, kube-proxy, Cilium, NPM): one list for every probe."""
    return sorted(ev.list("pods", "kube-system"), key=lambda p: str(dig(p, "metadata.name")))


def namespace_pods(ev: Evidence) -> list[dict[str, Any]]:
    """The pods of the Service's namespace (one list)."""
    pods = [p for p in ev.list("pods", ev.target.namespace) if dig(p, "status.phase") not in ("Succeeded", "Failed")]
    return sorted(pods, key=lambda p: str(dig(p, "metadata.name")))


@dataclass
class Endpoint:
    """One endpoint address of the Service, from an EndpointSlice or Endpoints."""

    ip: str
    ready: bool
    pod: str = ""
    node: str = ""


@dataclass
class EndpointView:
    """What the Service's endpoints hold, and where it was read."""

    endpoints: list[Endpoint] = field(default_factory=list)
    source: str = ""

    @property
    def ready(self) -> list[Endpoint]:
        return [e for e in self.endpoints if e.ready]

    @property
    def not_ready(self) -> list[Endpoint]:
        return [e for e in self.endpoints if not e.ready]


def endpoints_of(ev: Evidence, namespace: str, name: str) -> EndpointView:
    """Endpoints of a Service from its EndpointSlices; the Endpoints object when slices cannot be read."""
    return ev.memo(("derived", "service_endpoints", namespace, name), lambda: _endpoints_of(ev, namespace, name))


def _endpoints_of(ev: Evidence, namespace: str, name: str) -> EndpointView:
    try:
        slices = ev.list("endpointslices", namespace, labels=f"{SERVICE_NAME_LABEL}={name}")
    except DataUnavailable:
        slices = None
    if slices:
        view = EndpointView(source=f"EndpointSlices of {namespace}/{name}")
        seen: set[tuple[str, str]] = set()
        for piece in slices:
            for ep in piece.get("endpoints") or []:
                ready = dig(ep, "conditions.ready")
                pod = dig(ep, "targetRef.name", "") if dig(ep, "targetRef.kind", "Pod") == "Pod" else ""
                for ip in ep.get("addresses") or []:
                    if (ip, pod) in seen:
                        continue
                    seen.add((ip, pod))
                    view.endpoints.append(Endpoint(ip, ready is not False, pod, ep.get("nodeName") or ""))
        return view
    try:
        obj = ev.get("endpoints", name, namespace)
    except NotFound:
        return EndpointView(source=f"EndpointSlices of {namespace}/{name} (none) and no Endpoints object")
    except DataUnavailable:
        if slices is None:
            raise
        return EndpointView(source=f"EndpointSlices of {namespace}/{name} (none)")
    view = EndpointView(source=f"Endpoints {namespace}/{name}")
    for subset in obj.get("subsets") or []:
        for key, ready in (("addresses", True), ("notReadyAddresses", False)):
            for addr in subset.get(key) or []:
                pod = dig(addr, "targetRef.name", "") if dig(addr, "targetRef.kind", "Pod") == "Pod" else ""
                view.endpoints.append(Endpoint(addr.get("ip", ""), ready, pod, addr.get("nodeName") or ""))
    return view


def labels_of(obj: dict[str, Any]) -> dict[str, str]:
    return dict(dig(obj, "metadata.labels", {}) or {})


def selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def container_ports(pod: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for c in dig(pod, "spec.containers", []) or [] for p in c.get("ports") or []]


def port_exposed(pod: dict[str, Any], target: Any, protocol: str = "TCP") -> bool | None:
    """Whether a pod serves targetPort: a named port must be declared; a number is served when declared, or
    unknown (None) when the pod declares no port at all (containerPorts are informational)."""
    ports = [p for p in container_ports(pod) if (p.get("protocol") or "TCP") == protocol]
    if isinstance(target, str) and not target.isdigit():
        return any(p.get("name") == target for p in ports)
    if not container_ports(pod):
        return None
    return any(p.get("containerPort") == int(target) for p in ports)


def target_of(port: dict[str, Any]) -> Any:
    target = port.get("targetPort", port.get("port"))
    return int(target) if isinstance(target, str) and target.isdigit() else target


def _pod_ready(pod: dict[str, Any]) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in dig(pod, "status.conditions", []) or [])


def _pod_state(pod: dict[str, Any]) -> str:
    for status in dig(pod, "status.containerStatuses", []) or []:
        reason = dig(status, "state.waiting.reason")
        if reason:
            return f"{reason} (restarts {status.get('restartCount', 0)})"
    phase = dig(pod, "status.phase", "Unknown")
    return f"{phase}, Ready" if _pod_ready(pod) else f"{phase}, not Ready"


def controller_target(ev: Evidence, pod: dict[str, Any]) -> tuple[str, Target | None]:
    """`deployment/web` and its Target for the rollout runbook, or (workload, None) when it is no controller."""
    workload = workload_of(ev, pod)
    kind, _, name = workload.partition("/")
    if kind in _CONTROLLERS:
        return workload, Target(_CONTROLLERS[kind], name, dig(pod, "metadata.namespace"))
    return workload, None


# ---- cluster DNS --------------------------------------------------------------------------------
@probe("service.cluster_dns", outcomes=("ready", "custom-config-invalid", "unavailable"))
def cluster_dns(ev: Evidence) -> Outcome:
    """Does cluster DNS (kube-system/kube-dns) have a ready endpoint?"""
    view = endpoints_of(ev, "kube-system", "kube-dns")
    pods = [p for p in kube_system_pods(ev) if labels_of(p).get("k8s-app") == "kube-dns"]
    src = "kube-system/kube-dns"
    failing = [p for p in pods if not _pod_ready(p)]
    custom = _custom_config_error(ev, failing or [p for p in pods if _restarted(p)])
    if view.ready and not custom:
        return Outcome.of("ready", (f"kube-dns has {len(view.ready)} ready endpoint(s)", view.source))
    if custom:
        key, error, pod = custom
        effect = (
            "keeps crashing and every name fails to resolve"
            if not view.ready
            else "keeps its previous configuration (the new one is not loaded)"
        )
        return Outcome.of(
            "custom-config-invalid",
            (f"CoreDNS pod {pod}: {error}", f"log of kube-system/{pod}"),
            (f"kube-dns has {len(view.ready)} ready endpoint(s)", view.source),
            custom_key=key,
            coredns_error=error,
            coredns_effect=effect,
        )
    state = ", ".join(f"{dig(p, 'metadata.name')} {_pod_state(p)}" for p in pods) or "none found (scaled to 0?)"
    evidence: list[str | tuple[str, str]] = [
        (f"kube-dns has no ready endpoint ({len(view.not_ready)} not ready)", view.source),
        (f"CoreDNS pods: {state}", src),
    ]
    for pod in failing[:1]:
        tail = _log_tail(ev, pod)
        if tail:
            evidence.append((f"last log lines: {tail}", f"log of kube-system/{dig(pod, 'metadata.name')}"))
    return Outcome.of(
        "unavailable",
        *evidence,
        coredns_state=state,
        coredns_deployment="coredns",
        handover_target=Target("Deployment", "coredns", "kube-system"),
    )


def _restarted(pod: dict[str, Any]) -> bool:
    return any((s.get("restartCount") or 0) > 0 for s in dig(pod, "status.containerStatuses", []) or [])


def _custom_config_error(ev: Evidence, pods: list[dict[str, Any]]) -> tuple[str, str, str] | None:
    """(key, error line, pod) when a CoreDNS log or event names a file of coredns-custom."""
    for pod in pods[:2]:
        name = dig(pod, "metadata.name")
        texts = []
        for previous in (True, False):
            try:
                texts.append(ev.logs("kube-system", name, "coredns", previous=previous, tail=50))
            except (DataUnavailable, NotFound):
                continue
        with contextlib.suppress(DataUnavailable):
            texts.extend(e.get("message", "") for e in ev.events_for(pod))
        for text in texts:
            for line in text.splitlines():
                match = _CUSTOM_FILE.search(line) or _CUSTOM_ANY.search(line)
                if match:
                    return match.group("file"), scrub(line.strip())[:300], name
                already = _ALREADY_DEFINED.search(line)
                if already:
                    return _server_key(ev, already.group("zone")), scrub(line.strip())[:300], name
    return None


def _server_key(ev: Evidence, zone: str) -> str:
    """The coredns-custom key with a .server block for a zone the default Corefile already serves."""
    try:
        data = ev.get("configmaps", "coredns-custom", "kube-system").get("data") or {}
    except (DataUnavailable, NotFound):
        return "a .server key"
    host = zone.rsplit("://", maxsplit=1)[-1].split(":", maxsplit=1)[0]
    for key in sorted(data):
        if key.endswith(".server") and re.search(rf"(^|\s){re.escape(host)}(:\d+)?\s*\{{", data[key], re.MULTILINE):
            return key
    return next((k for k in sorted(data) if k.endswith(".server")), "a .server key")


def _log_tail(ev: Evidence, pod: dict[str, Any]) -> str:
    name = dig(pod, "metadata.name")
    for previous in (True, False):
        try:
            text = ev.logs("kube-system", name, "coredns", previous=previous, tail=5)
        except (DataUnavailable, NotFound):
            continue
        lines = [scrub(line.strip()) for line in text.splitlines() if line.strip()]
        if lines:
            return " | ".join(lines[-3:])[:400]
    return ""


# ---- the Service object -------------------------------------------------------------------------
@probe("service.object", outcomes=("external-name", "lb-pending", "routable"))
def service_kind(ev: Evidence) -> Outcome:
    """What kind of Service is it, and does a LoadBalancer have its address?"""
    svc = service_object(ev)
    ns, name = ev.target.namespace, ev.target.name
    kind = dig(svc, "spec.type", "ClusterIP")
    src = f"Service {ns}/{name}"
    facts: dict[str, Any] = {"service": name, "service_type": kind}
    if kind == "ExternalName":
        external = dig(svc, "spec.externalName", "")
        return Outcome.of(
            "external-name",
            (f"spec.type ExternalName, spec.externalName {external}: a CNAME, no endpoints, no proxy", src),
            external_name=external,
            notes=["aksdoctor does not resolve the external name itself (the cluster's resolver may differ)"],
            **facts,
        )
    ports = ", ".join(
        f"{p.get('port')}->{p.get('targetPort', p.get('port'))}" for p in dig(svc, "spec.ports", []) or []
    )
    if kind == "LoadBalancer":
        ingress = dig(svc, "status.loadBalancer.ingress", []) or []
        if not ingress:
            return Outcome.of(
                "lb-pending", (f"type LoadBalancer (ports {ports}) has no status.loadBalancer.ingress", src), **facts
            )
        address = ingress[0].get("ip") or ingress[0].get("hostname") or ""
        return Outcome.of(
            "routable", (f"type LoadBalancer, address {address}, ports {ports}", src), lb_ip=address, **facts
        )
    return Outcome.of("routable", (f"type {kind}, clusterIP {dig(svc, 'spec.clusterIP')}, ports {ports}", src), **facts)


# ---- endpoints ----------------------------------------------------------------------------------
@probe(
    "service.endpoints",
    outcomes=(
        "selector-matches-no-pods",
        "target-port-not-exposed",
        "not-ready",
        "unrelated-pods",
        "no-selector",
        "sound",
    ),
)
def service_endpoints(ev: Evidence) -> Outcome:
    """Does the Service have ready endpoints, on pods of one workload that serve its targetPort?"""
    svc = service_object(ev)
    ns, name = ev.target.namespace, ev.target.name
    selector = dict(dig(svc, "spec.selector", {}) or {})
    view = endpoints_of(ev, ns, name)
    sel_text = ",".join(f"{k}={v}" for k, v in selector.items())
    facts: dict[str, Any] = {"service": name, "selector": sel_text}
    counts = (f"{len(view.ready)} ready, {len(view.not_ready)} not ready endpoint(s)", view.source)
    if not selector:
        if view.ready:
            return Outcome.of(
                "sound", counts, notes=["the Service has no selector: its endpoints are managed by hand"], **facts
            )
        return Outcome.of(
            "no-selector",
            counts,
            (f"Service {ns}/{name} has no selector and no ready endpoint", "spec.selector"),
            **facts,
        )
    pods = namespace_pods(ev)
    matching = [p for p in pods if selects(selector, labels_of(p))]
    if not matching and not view.endpoints:
        return _no_pods(ev, svc, selector, pods, counts, facts)
    ports = dig(svc, "spec.ports", []) or []
    by_name = {dig(p, "metadata.name"): p for p in matching}
    missing = _missing_port(ports, matching, named_only=True)
    if missing is not None and not view.ready:
        return _port_not_exposed(svc, missing, matching, counts, facts)
    if not view.ready:
        return _not_ready(ev, view, matching, by_name, counts, facts)
    ready_pods = [by_name[e.pod] for e in view.ready if e.pod in by_name]
    mixed = _unrelated(ev, svc, selector, ready_pods, ports, facts, counts)
    if mixed is not None:
        return mixed
    missing = _missing_port(ports, ready_pods, named_only=False)
    if missing is not None:
        return _port_not_exposed(svc, missing, ready_pods, counts, facts)
    nodes = sorted({e.node for e in view.ready if e.node})
    workloads = sorted({workload_of(ev, p) for p in ready_pods})
    return Outcome.of(
        "sound",
        counts,
        (
            f"ready endpoints on node(s) {', '.join(nodes) or 'unknown'}, pods of {', '.join(workloads) or 'unknown'}",
            view.source,
        ),
        endpoint_nodes=nodes,
        backend_workload=workloads[0] if len(workloads) == 1 else None,
        **facts,
    )


def _no_pods(
    ev: Evidence,
    svc: dict[str, Any],
    selector: dict[str, str],
    pods: list[dict[str, Any]],
    counts: tuple[str, str],
    facts: dict[str, Any],
) -> Outcome:
    ns = ev.target.namespace
    scored = []
    for pod in pods:
        labels = labels_of(pod)
        hits = sum(1 for k, v in selector.items() if labels.get(k) == v)
        near = sum(1 for k, v in selector.items() if labels.get(k) != v and (k in labels or v in labels.values()))
        if hits or near:
            scored.append((-(2 * hits + near), dig(pod, "metadata.name"), pod))
    scored.sort(key=lambda t: (t[0], t[1]))
    closest_pods, patch, workload = [], None, None
    for _score, pname, pod in scored[:3]:
        labels = labels_of(pod)
        diffs = []
        for k, v in selector.items():
            if labels.get(k) == v:
                continue
            same_value = next((lk for lk, lv in labels.items() if lv == v), None)
            if k in labels:
                diffs.append(f"{k}={labels[k]} (not {v})")
            elif same_value:
                diffs.append(f"{same_value}={v} (not {k}={v})")
            else:
                diffs.append(f"no label {k}")
        closest_pods.append(f"{pname} ({'; '.join(diffs)})")
    if scored:
        best = scored[0][2]
        workload = workload_of(ev, best)
        patch = _selector_patch(selector, labels_of(best))
    evidence: list[str | tuple[str, str]] = [
        counts,
        (f"no pod in {ns} carries every label of selector {facts['selector']}", f"pods in {ns}"),
    ]
    if closest_pods:
        evidence.append((f"closest pods: {'; '.join(closest_pods)}", f"pods in {ns}"))
    return Outcome.of(
        "selector-matches-no-pods",
        *evidence,
        closest_pods=closest_pods or [f"no pod in {ns} shares a label with the selector"],
        closest_workload=workload,
        selector_patch=patch,
        **facts,
    )


def _selector_patch(selector: dict[str, str], labels: dict[str, str]) -> str | None:
    """A strategic-merge patch turning the selector into labels the pod carries (old keys set to null)."""
    new: dict[str, Any] = {}
    for k, v in selector.items():
        if labels.get(k) == v:
            new[k] = v
        elif k in labels:
            new[k] = labels[k]
        else:
            new[k] = None
            same_value = next((lk for lk, lv in sorted(labels.items()) if lv == v and lk not in selector), None)
            if same_value:
                new[same_value] = v
    if not any(v is not None for v in new.values()):
        return None
    return json.dumps({"spec": {"selector": new}}, separators=(",", ":"))


@dataclass
class _Missing:
    index: int
    port: dict[str, Any]
    target: Any
    declared: list[str]
    suggestion: Any


def _missing_port(ports: list[dict[str, Any]], pods: list[dict[str, Any]], *, named_only: bool) -> _Missing | None:
    """The first Service port whose targetPort the pods do not serve (named: not declared; numeric: they
    declare other ports only)."""
    for i, port in enumerate(ports):
        target = target_of(port)
        if named_only and not isinstance(target, str):
            continue
        for pod in pods:
            if port_exposed(pod, target, port.get("protocol") or "TCP") is False:
                declared = [
                    f"{p.get('name')}:{p.get('containerPort')}" if p.get("name") else str(p.get("containerPort"))
                    for p in container_ports(pod)
                ]
                return _Missing(i, port, target, declared, _suggest(port, pod))
    return None


def _suggest(port: dict[str, Any], pod: dict[str, Any]) -> Any:
    ports = [p for p in container_ports(pod) if (p.get("protocol") or "TCP") == (port.get("protocol") or "TCP")]
    if not ports:
        return None
    named = {p.get("name"): p for p in ports if p.get("name")}
    want = str(port.get("name") or "")
    if want and want in named:
        return want
    if len(ports) == 1:
        return ports[0].get("name") or ports[0].get("containerPort")
    same = next((p for p in ports if p.get("containerPort") == port.get("port")), None)
    return (same.get("name") or same.get("containerPort")) if same else None


def _port_not_exposed(
    svc: dict[str, Any], missing: _Missing, pods: list[dict[str, Any]], counts: tuple[str, str], facts: dict[str, Any]
) -> Outcome:
    names = [dig(p, "metadata.name") for p in pods]
    named = isinstance(missing.target, str)
    effect = (
        "A named targetPort that no container declares keeps the pods out of the endpoints: the Service has none."
        if named
        else "The endpoints point at a port nothing listens on: connections are refused."
    )
    patch = (
        json.dumps(
            [{"op": "replace", "path": f"/spec/ports/{missing.index}/targetPort", "value": missing.suggestion}],
            separators=(",", ":"),
        )
        if missing.suggestion is not None
        else None
    )
    port_name = missing.port.get("name") or str(missing.port.get("port"))
    return Outcome.of(
        "target-port-not-exposed",
        counts,
        (
            f"port {port_name} targets {missing.target}; the containers of {', '.join(names[:3])} declare "
            f"{', '.join(missing.declared) or 'no port'}",
            f"Service {dig(svc, 'metadata.namespace')}/{dig(svc, 'metadata.name')} and its pods",
        ),
        target_port=str(missing.target),
        port_name=port_name,
        matching_pods=names[:3],
        container_ports=", ".join(missing.declared) or "no port",
        port_effect=effect,
        suggested_port=missing.suggestion,
        target_port_patch=patch,
        **facts,
    )


def _not_ready(
    ev: Evidence,
    view: EndpointView,
    matching: list[dict[str, Any]],
    by_name: dict[str, dict[str, Any]],
    counts: tuple[str, str],
    facts: dict[str, Any],
) -> Outcome:
    pods = [by_name[e.pod] for e in view.not_ready if e.pod in by_name] or matching
    states = [f"{dig(p, 'metadata.name')} {_pod_state(p)}" for p in pods]
    first = pods[0] if pods else None
    workload, target = controller_target(ev, first) if first is not None else ("", None)
    return Outcome.of(
        "not-ready",
        counts,
        (f"selected pods: {'; '.join(states[:5])}", f"pods in {ev.target.namespace}"),
        not_ready_count=len(pods),
        not_ready_pods=states[:5],
        first_not_ready=dig(first, "metadata.name") if first else None,
        backend_workload=workload if target is not None else None,
        handover_target=target,
        **facts,
    )


def _unrelated(
    ev: Evidence,
    svc: dict[str, Any],
    selector: dict[str, str],
    pods: list[dict[str, Any]],
    ports: list[dict[str, Any]],
    facts: dict[str, Any],
    counts: tuple[str, str],
) -> Outcome | None:
    groups: dict[str, list[dict[str, Any]]] = {}
    for pod in pods:
        groups.setdefault(workload_of(ev, pod), []).append(pod)
    if len(groups) < 2:
        return None
    for port in ports:
        target = target_of(port)
        protocol = port.get("protocol") or "TCP"
        serving = {w for w, ps in groups.items() if all(port_exposed(p, target, protocol) is not False for p in ps)}
        bad = {w for w, ps in groups.items() if all(port_exposed(p, target, protocol) is False for p in ps)}
        if not bad or not serving:
            continue
        unrelated = sorted(bad)[0]
        intended = sorted(serving)[0]
        share = f"{len(groups[unrelated])} of {len(pods)}"
        distinct = _distinct_label(groups[intended], [p for w in bad for p in groups[w]], selector)
        out: dict[str, Any] = {
            "workloads": sorted(groups),
            "unrelated_workload": unrelated,
            "intended_workload": intended,
            "unrelated_share": share,
            "target_port": str(target),
        }
        if distinct:
            out["distinct_label"] = f"{distinct[0]}={distinct[1]}"
            out["selector_patch"] = json.dumps(
                {"spec": {"selector": {distinct[0]: distinct[1]}}}, separators=(",", ":")
            )
        else:
            key, value = "app.kubernetes.io/instance", intended.split("/", 1)[-1]
            out["template_patch"] = json.dumps(
                {"spec": {"template": {"metadata": {"labels": {key: value}}}}}, separators=(",", ":")
            )
            out["new_selector_patch"] = json.dumps({"spec": {"selector": {key: value}}}, separators=(",", ":"))
        return Outcome.of(
            "unrelated-pods",
            counts,
            (
                f"ready endpoints belong to {', '.join(f'{w} ({len(ps)})' for w, ps in sorted(groups.items()))}",
                f"ownerReferences of the endpoint pods of {dig(svc, 'metadata.name')}",
            ),
            (
                f"pods of {unrelated} declare {', '.join(_declared(groups[unrelated][0])) or 'no port'}, not "
                f"targetPort {target}",
                f"pod {dig(groups[unrelated][0], 'metadata.name')}",
            ),
            **out,
            **facts,
        )
    return None


def _declared(pod: dict[str, Any]) -> list[str]:
    return [
        f"{p.get('name')}:{p.get('containerPort')}" if p.get("name") else str(p.get("containerPort"))
        for p in container_ports(pod)
    ]


def _distinct_label(
    good: list[dict[str, Any]], bad: list[dict[str, Any]], selector: dict[str, str]
) -> tuple[str, str] | None:
    common = set(labels_of(good[0]).items())
    for pod in good[1:]:
        common &= set(labels_of(pod).items())
    skip = {"pod-template-hash", "controller-revision-hash", "pod-template-generation"}
    for key, value in sorted(common):
        if key in selector or key in skip:
            continue
        if all(labels_of(p).get(key) != value for p in bad):
            return key, value
    return None


# ---- kube-proxy / Cilium ------------------------------------------------------------------------
@probe("service.kube_proxy", outcomes=("not-running", "running"))
def kube_proxy(ev: Evidence) -> Outcome:
    """Do kube-proxy (or the Cilium agent) pods run on the nodes that hold the endpoints and the caller?"""
    view = endpoints_of(ev, ev.target.namespace, ev.target.name)
    nodes = {e.node for e in view.ready if e.node}
    caller = caller_pod(ev)
    if caller is not None and dig(caller, "spec.nodeName"):
        nodes.add(dig(caller, "spec.nodeName"))
    pods = kube_system_pods(ev)
    agents = {
        "kube-proxy": [
            p
            for p in pods
            if labels_of(p).get("component") == "kube-proxy" or labels_of(p).get("k8s-app") == "kube-proxy"
        ],
        "cilium agent": [p for p in pods if labels_of(p).get("k8s-app") == "cilium"],
    }
    kind = "kube-proxy" if agents["kube-proxy"] else "cilium agent"
    running = agents[kind]
    if not running:
        return Outcome.unknown(("no kube-proxy or Cilium agent pod seen in kube-system", "pods in kube-system"))
    on_node = {dig(p, "spec.nodeName"): p for p in running}
    for node in sorted(nodes):
        pod = on_node.get(node)
        if pod is None:
            return Outcome.of(
                "not-running",
                (f"no {kind} pod on node {node} (pods on {', '.join(sorted(on_node))})", "pods in kube-system"),
                proxy_agent=kind,
                proxy_node=node,
                proxy_state="missing",
                proxy_pod=None,
            )
        if not _pod_ready(pod) or dig(pod, "status.phase") != "Running":
            return Outcome.of(
                "not-running",
                (
                    f"{kind} pod {dig(pod, 'metadata.name')} on {node}: {_pod_state(pod)}",
                    f"pod kube-system/{dig(pod, 'metadata.name')}",
                ),
                proxy_agent=kind,
                proxy_node=node,
                proxy_state=_pod_state(pod),
                proxy_pod=dig(pod, "metadata.name"),
            )
    return Outcome.of(
        "running", (f"{kind} is Running and Ready on {', '.join(sorted(nodes)) or 'the nodes'}", "pods in kube-system")
    )


def caller_pod(ev: Evidence) -> dict[str, Any] | None:
    """The --from pod (NS/POD or POD in the Service's namespace), or None."""
    text = str(ev.options.extra.get("from") or "")
    if not text:
        return None
    ns, _, name = text.rpartition("/")
    return ev.get("pods", name, ns or ev.target.namespace)


# ---- externalTrafficPolicy ----------------------------------------------------------------------
@probe("service.external_traffic_policy", outcomes=("no-local-endpoints", "fine"))
def external_traffic_policy(ev: Evidence) -> Outcome:
    """With externalTrafficPolicy Local, does every node that receives traffic hold a ready endpoint?"""
    svc = service_object(ev)
    policy = dig(svc, "spec.externalTrafficPolicy", "Cluster")
    kind = dig(svc, "spec.type", "ClusterIP")
    src = f"Service {ev.target.namespace}/{ev.target.name}"
    if kind not in ("LoadBalancer", "NodePort") or policy != "Local":
        return Outcome.of("fine", (f"type {kind}, externalTrafficPolicy {policy or 'Cluster'}", src))
    view = endpoints_of(ev, ev.target.namespace, ev.target.name)
    with_endpoints = sorted({e.node for e in view.ready if e.node})
    nodes = [
        dig(n, "metadata.name")
        for n in ev.list("nodes")
        if any(c.get("type") == "Ready" and c.get("status") == "True" for c in dig(n, "status.conditions", []) or [])
        and not dig(n, "spec.unschedulable")
    ]
    without = sorted(set(nodes) - set(with_endpoints))
    if not without:
        return Outcome.of("fine", ("externalTrafficPolicy Local; every Ready node holds a ready endpoint", src))
    pods = [p for p in namespace_pods(ev) if dig(p, "metadata.name") in {e.pod for e in view.ready}]
    workload = None
    if pods:
        name, target = controller_target(ev, pods[0])
        workload = name if target is not None and target.kind != "DaemonSet" else None
    return Outcome.of(
        "no-local-endpoints",
        (f"externalTrafficPolicy Local, healthCheckNodePort {dig(svc, 'spec.healthCheckNodePort')}", src),
        (f"ready endpoints on {', '.join(with_endpoints) or 'no node'}; none on {', '.join(without)}", view.source),
        nodes_with=with_endpoints or ["no node"],
        nodes_without=without,
        nodes_without_count=len(without),
        node_count=len(nodes),
        health_check_node_port=dig(svc, "spec.healthCheckNodePort"),
        backend_workload=workload,
    )


__all__ = [
    "caller_pod",
    "cluster_dns",
    "endpoints_of",
    "external_traffic_policy",
    "kube_proxy",
    "service_endpoints",
    "service_kind",
    "service_object",
]

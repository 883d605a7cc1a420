"""Write examples/bundles/service-*: one realistic evidence bundle per service cause, and healthy ones.

Kubernetes objects are what `kubectl get svc,endpointslices,endpoints,pods,replicasets,deployments,
networkpolicies,ingresses,ingressclasses,namespaces,nodes,events -A -o yaml` prints. Message texts are the
real ones: cloud-provider-azure's SyncLoadBalancerFailed "Error syncing load balancer: failed to ensure load
balancer: ..." with ARM's AuthorizationFailed / PublicIPCountLimitReached bodies
(shared/azure-arm-examples/error-messages.md), "user supplied IP Address ... was not found in resource group",
ARM's "Value for reference id is missing. Path properties.frontendIPConfigurations[0].properties.subnet",
CoreDNS's "plugin/kubernetes: /etc/coredns/custom/....server:7 - Error during parsing: unknown property
'upstream'". The managed cluster comes from managedClusters_Get.recorded-workloadIdentity.json; network
bodies follow the azure-mgmt-network models (LoadBalancer, NetworkSecurityGroup, Subnet, PublicIPAddress,
Usage) with the names and rule names the Azure cloud provider gives them ("a" + Service uid without dashes).
Run from the repository root:

    python scripts/make_example_bundles_service.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import copy
import json
import shutil
import uuid
from pathlib import Path
from typing import Any

import yaml

SUB = "3f2b7c1e-8d4a-4b6f-9e2d-7a1c5b8e0f42"
RG = "rg-shop-prod"
CLUSTER = "aks-prod"
LOCATION = "westeurope"
NODE_RG = f"MC_{RG}_{CLUSTER}_{LOCATION}"
ARM = "https://management.azure.com"
AKS_API, NET_API, AUTH_API = "2025-10-01", "2024-05-01", "2022-04-01"
NOW, EARLIER = "2026-11-21T09:58:12Z", "2026-11-21T09:12:40Z"
NS = "shop"
POOL, POOL_ID = "userpool", "24817365"
NODES = [f"aks-{POOL}-{POOL_ID}-vmss{i:06d}" for i in range(3)]
VNET_RG, VNET, SUBNET = "rg-shop-network", "vnet-shop-prod", "snet-aks-nodes"
SUBNET_ID = (
    f"/subscriptions/{SUB}/resourceGroups/{VNET_RG}/providers/Microsoft.Network/virtualNetworks/{VNET}/subnets/{SUBNET}"
)
NSG_ID = (
    f"/subscriptions/{SUB}/resourceGroups/{VNET_RG}/providers/Microsoft.Network/networkSecurityGroups/nsg-aks-nodes"
)
PRINCIPAL = "9c1f4e2a-6b3d-4f8e-a7c5-2d0b8e6f4a13"
LB_IP = "20.103.88.41"
CHECKOUT_IMAGE = "contososhop.azurecr.io/checkout:1.8.2"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", default="../shared")
    parser.add_argument("--out", default="examples/bundles")
    args = parser.parse_args()
    shapes = Path(args.shared) / "azure-arm-examples"
    out = Path(args.out)
    for case, spec in cases().items():
        write(out / case, spec, shapes)
        print(f"wrote {out / case}")


# ---- the cases --------------------------------------------------------------------------------
def cases() -> dict[str, dict[str, Any]]:
    lb = {"type": "LoadBalancer", "ingress": LB_IP}
    return {
        "service-healthy": {"expect": ("healthy", None, [])},
        "service-healthy-loadbalancer": {"service": lb, "azure": True, "expect": ("healthy", None, [])},
        "service-no-azure-inconclusive": {"service": lb, "expect": ("inconclusive", None, [])},
        "service-service-selector-matches-no-pods": {
            "service": {"selector": {"name": "checkout"}},
            "expect": (
                "problem",
                "service-selector-matches-no-pods",
                ["kubectl patch service checkout -n shop", '"name":null', '"app":"checkout"'],
            ),
        },
        "service-service-selector-matches-unrelated-pods": {
            "service": {"selector": {"name": "checkout"}, "target": 8443},
            "pod_labels": {"name": "checkout"},
            "ports": [{"name": "webhook", "containerPort": 8443}],
            "extra_workload": "checkout-operator",
            "expect": (
                "problem",
                "service-selector-matches-unrelated-pods",
                ["kubectl patch service checkout -n shop", "app", "checkout"],
            ),
        },
        "service-target-port-not-exposed": {
            "service": {"target": "http"},
            "ports": [{"name": "web", "containerPort": 8080}],
            "expect": (
                "problem",
                "target-port-not-exposed",
                ["kubectl patch service checkout -n shop --type json", '"path":"/spec/ports/0/targetPort"', '"web"'],
            ),
        },
        "service-endpoints-not-ready": {
            "unready": True,
            "expect": ("problem", "endpoints-not-ready", ["kubectl describe pod checkout-7d9f8c6b5-x2x4q -n shop"]),
        },
        "service-network-policy-denies-ingress": {
            "policy": True,
            "ingress": True,
            "azure": True,
            "expect": (
                "problem",
                "network-policy-denies-ingress",
                ["kubectl apply -n shop -f -", "kubernetes.io/metadata.name", "ingress-nginx"],
            ),
        },
        "service-coredns-unavailable": {
            "dns": "crash",
            "expect": ("problem", "coredns-unavailable", ["kubectl -n kube-system rollout restart deployment coredns"]),
        },
        "service-coredns-custom-config-invalid": {
            "dns": "custom",
            "expect": (
                "problem",
                "coredns-custom-config-invalid",
                ["kubectl -n kube-system edit configmap coredns-custom"],
            ),
        },
        "service-externalname-service": {
            "service": {"type": "ExternalName"},
            "expect": ("problem", "externalname-service", ["kubectl get service checkout -n shop"]),
        },
        "service-external-traffic-policy-local-no-local-endpoints": {
            "service": {**lb, "local": True},
            "replicas": 1,
            "expect": (
                "problem",
                "external-traffic-policy-local-no-local-endpoints",
                ["kubectl patch service checkout -n shop", "externalTrafficPolicy", "Cluster"],
            ),
        },
        "service-kube-proxy-not-running": {
            "proxy_down": NODES[1],
            "expect": ("problem", "kube-proxy-not-running", ["kubectl -n kube-system delete pod kube-proxy-"]),
        },
        "service-lb-pending-permission-denied": {
            "service": {"type": "LoadBalancer", "internal": True},
            "azure": True,
            "lb_event": (
                "Error syncing load balancer: failed to ensure load balancer: Retriable: false, RetryAfter: 0s, "
                'HTTPStatusCode: 403, RawError: {"error":{"code":"AuthorizationFailed","message":"The client '
                f"'{PRINCIPAL}' with object id '{PRINCIPAL}' does not have authorization to perform action "
                f"'Microsoft.Network/virtualNetworks/subnets/read' over scope '{SUBNET_ID}' or the scope is invalid. "
                'If access was recently granted, please refresh your credentials."}}'
            ),
            "assignments": [],
            "expect": (
                "problem",
                "lb-pending-permission-denied",
                [f'az role assignment create --assignee {PRINCIPAL} --role "Network Contributor" --scope {SUBNET_ID}'],
            ),
        },
        "service-lb-pending-public-ip-quota": {
            "service": {"type": "LoadBalancer"},
            "azure": True,
            "lb_event": (
                "Error syncing load balancer: failed to ensure load balancer: ensure(shop/checkout): lb(kubernetes) - "
                "failed to ensure host in pool: Retriable: false, RetryAfter: 0s, HTTPStatusCode: 400, RawError: "
                '{"error":{"code":"PublicIPCountLimitReached","message":"Cannot create more than 20 public IP '
                'addresses for this subscription in this region.","details":[]}}'
            ),
            "usage": (20, 20),
            "expect": (
                "problem",
                "lb-pending-public-ip-quota",
                [f"az network public-ip list -g {NODE_RG}", f"az network list-usages --location {LOCATION}"],
            ),
        },
        "service-lb-pending-static-ip-not-found": {
            "service": {"type": "LoadBalancer", "loadBalancerIP": "20.61.14.202"},
            "azure": True,
            "lb_event": (
                "Error syncing load balancer: failed to ensure load balancer: user supplied IP Address 20.61.14.202 "
                f"was not found in resource group {NODE_RG}"
            ),
            "pips": [("pip-checkout-prod", RG, "20.61.14.202", "Standard")],
            "expect": (
                "problem",
                "lb-pending-static-ip-not-found",
                [
                    "kubectl annotate service checkout -n shop "
                    f"service.beta.kubernetes.io/azure-load-balancer-resource-group={RG} --overwrite",
                    f'az role assignment create --assignee {PRINCIPAL} --role "Network Contributor" '
                    f"--scope /subscriptions/{SUB}/resourceGroups/{RG}",
                ],
            ),
        },
        "service-lb-pending-subnet-invalid": {
            "service": {"type": "LoadBalancer", "internal": True, "subnet": "snet-ilb"},
            "azure": True,
            "lb_event": (
                "Error syncing load balancer: failed to ensure load balancer: Retriable: false, RetryAfter: 0s, "
                'HTTPStatusCode: 400, RawError: {"error":{"code":"InvalidRequestFormat","message":"Cannot parse the '
                'request.","details":[{"code":"MissingJsonReferenceId","message":"Value for reference id is '
                'missing. Path properties.frontendIPConfigurations[0].properties.subnet."}]}}'
            ),
            "expect": (
                "problem",
                "lb-pending-subnet-invalid",
                [
                    f"az network vnet subnet list -g {VNET_RG} --vnet-name {VNET}",
                    f"service.beta.kubernetes.io/azure-load-balancer-internal-subnet={SUBNET}",
                ],
            ),
        },
        "service-lb-health-probe-failing": {
            "service": {**lb, "app_protocol": True},
            "azure": True,
            "ingress_nginx": True,
            "http_probe": True,
            "expect": (
                "problem",
                "lb-health-probe-failing",
                [
                    "kubectl annotate service checkout -n shop "
                    "service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path=/healthz"
                ],
            ),
        },
        "service-nsg-blocks-service-traffic": {
            "service": lb,
            "azure": True,
            "nsg_deny": True,
            "expect": (
                "problem",
                "nsg-blocks-service-traffic",
                [
                    f"az network nsg rule create -g {VNET_RG} --nsg-name nsg-aks-nodes -n allow-checkout-80 "
                    "--priority 199 --access Allow --protocol Tcp --direction Inbound --destination-port-ranges 80 "
                    "--source-address-prefixes Internet"
                ],
            ),
        },
    }


# ---- writing ------------------------------------------------------------------------------------
def write(folder: Path, spec: dict[str, Any], shapes: Path) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    kdir = folder / "kubernetes"
    kdir.mkdir(parents=True)
    objs = objects(spec)
    for key, items in objs.items():
        dump(kdir / f"{key}.yaml", as_list(items))
    for (ns, pod, container), text in logs(spec).items():
        path = folder / "logs" / ns / pod / container
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if spec.get("azure"):
        (folder / "azure").mkdir()
        lines = [json.dumps(r, separators=(",", ":")) for r in azure(shapes, spec)]
        (folder / "azure" / "arm.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    caller = " --from ingress-nginx/ingress-nginx-controller-5c8d66c76d-fb79x" if spec.get("caller") else ""
    command = f"aksdoctor service checkout -n {NS}{caller}"
    (folder / "COMMAND").write_text(command + "\n", encoding="utf-8")
    status, cause, fix = spec["expect"]
    expected = {
        "runbook": "service",
        "source": {"url": None, "title": f"example: {folder.name}", "kind": "example"},
        "verbatim": spec.get("lb_event"),
        "expected": {"status": status, "cause": cause, "acceptable": []},
        "fix_must_name": fix,
        "fidelity": {"verbatim": [], "reconstructed": ["every object (generated)"]},
    }
    (folder / "expected.json").write_text(json.dumps(expected, indent=2) + "\n", encoding="utf-8")


def as_list(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": items}


def objects(spec: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    svc_spec = spec.get("service") or {}
    replicas = spec.get("replicas", 2)
    labels = spec.get("pod_labels") or {"app": "checkout", "app.kubernetes.io/name": "checkout"}
    ports = spec.get("ports") or [{"name": "http", "containerPort": 8080}]
    image = CHECKOUT_IMAGE
    if spec.get("ingress_nginx"):
        image = "registry.k8s.io/ingress-nginx/controller:v1.11.3"
        labels = {
            "app": "checkout",
            "app.kubernetes.io/name": "ingress-nginx",
            "app.kubernetes.io/component": "controller",
        }
        ports = [{"name": "http", "containerPort": 80}, {"name": "https", "containerPort": 443}]
    deploy, rs = workload("checkout", labels, replicas, image, ports, ready=not spec.get("unready"))
    pods = [
        pod(f"checkout-7d9f8c6b5-{suffix}", rs, labels, NODES[i], image, ports, ready=not spec.get("unready"), ip=f"10.244.{i}.{17 + i}")
        for i, suffix in enumerate(["x2x4q", "m8kzt", "p4w9n"][:replicas])
    ]  # fmt: skip
    deployments, replicasets = [deploy], [rs]
    if spec.get("extra_workload"):
        name = spec["extra_workload"]
        extra_labels = {"name": "checkout", "app": name}
        d2, rs2 = workload(
            name,
            extra_labels,
            1,
            "contososhop.azurecr.io/checkout-operator:0.4.1",
            [{"name": "metrics", "containerPort": 9090}],
        )
        deployments.append(d2)
        replicasets.append(rs2)
        pods.append(pod(f"{rs2['metadata']['name']}-q7c2d", rs2, extra_labels, NODES[2], "contososhop.azurecr.io/checkout-operator:0.4.1",
                        [{"name": "metrics", "containerPort": 9090}], ip="10.244.2.31"))  # fmt: skip
        labels_for_selector = {"name": "checkout"}
    else:
        labels_for_selector = {"app": "checkout"}
    selector = svc_spec.get("selector") or labels_for_selector
    svc = service("checkout", NS, svc_spec, selector)
    services = [svc, kube_dns_service()]
    matching = [p for p in pods if all(p["metadata"]["labels"].get(k) == v for k, v in selector.items())]
    target = svc_spec.get("target", "http")
    named_missing = isinstance(target, str) and not any(pt.get("name") == target for pt in ports)
    slices = []
    if svc_spec.get("type") != "ExternalName":
        slices.append(
            endpoint_slice(
                "checkout", NS, matching, port=None if named_missing else 8080 if target == "http" else target
            )
        )
    slices.append(endpoint_slice("kube-dns", "kube-system", coredns_pods(spec), port=53, dns=True))
    ks_pods = coredns_pods(spec) + proxy_pods(spec)
    events = []
    if spec.get("lb_event"):
        events.append(event(svc, "SyncLoadBalancerFailed", spec["lb_event"], "Warning", 7))
        events.insert(0, event(svc, "EnsuringLoadBalancer", "Ensuring load balancer", "Normal", 8))
    for p in pods:
        if not ready_pod(p):
            events.append(
                event(p, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", "Warning", 41)
            )
    if spec.get("dns") == "crash":
        for p in coredns_pods(spec):
            events.append(event(p, "BackOff", "Back-off restarting failed container coredns in pod "
                                f"{p['metadata']['name']}_kube-system({p['metadata']['uid']})", "Warning", 23))  # fmt: skip
    namespaces = [
        namespace(NS, {"team": "shop"}),
        namespace("kube-system", {}),
        namespace("ingress-nginx", {"team": "platform"}),
    ]
    out: dict[str, list[dict[str, Any]]] = {
        "services": services,
        "endpointslices": slices,
        "pods": pods,
        "pods-kube-system": ks_pods,
        "deployments": deployments + [coredns_deployment(spec)],
        "replicasets": replicasets + [coredns_rs(spec)],
        "nodes": [node(n) for n in NODES],
        "namespaces": namespaces,
        "events": events,
        "networkpolicies": policies(spec),
        "ingresses": [],
        "ingressclasses": [],
        "configmaps": [coredns_custom(spec)] if spec.get("dns") == "custom" else [],
    }
    if spec.get("ingress"):
        out["ingresses"] = [ingress()]
        out["ingressclasses"] = [ingress_class()]
        out["pods-ingress-nginx"] = [nginx_controller_pod()]
    return out


def workload(name: str, labels: dict[str, str], replicas: int, image: str, ports: list[dict[str, Any]], *, ready: bool = True) -> tuple[dict[str, Any], dict[str, Any]]:  # fmt: skip
    pod_hash = "7d9f8c6b5" if name == "checkout" else "5b6c7d8f9"
    d_uid, rs_uid = uid("deploy", name), uid("rs", name)
    template = {"metadata": {"labels": dict(labels)}, "spec": {"containers": [container(name, image, ports)]}}
    available = replicas if ready else 0
    deploy = {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": NS, "uid": d_uid, "generation": 3,
                     "annotations": {"deployment.kubernetes.io/revision": "3"}, "creationTimestamp": "2026-10-02T08:00:00Z"},
        "spec": {"replicas": replicas, "selector": {"matchLabels": dict(labels)}, "template": template,
                 "progressDeadlineSeconds": 600},
        "status": {"observedGeneration": 3, "replicas": replicas, "updatedReplicas": replicas, "readyReplicas": available,
                   "availableReplicas": available, **({} if ready else {"unavailableReplicas": replicas}),
                   "conditions": [{"type": "Available", "status": "True" if ready else "False",
                                   "reason": "MinimumReplicasAvailable" if ready else "MinimumReplicasUnavailable",
                                   "lastTransitionTime": EARLIER, "lastUpdateTime": EARLIER,
                                   "message": "Deployment has minimum availability." if ready else "Deployment does not have minimum availability."},
                                  {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
                                   "lastTransitionTime": EARLIER, "lastUpdateTime": EARLIER,
                                   "message": f'ReplicaSet "{name}-{pod_hash}" has successfully progressed.'}]},
    }  # fmt: skip
    rs = {
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": f"{name}-{pod_hash}", "namespace": NS, "uid": rs_uid,
                     "labels": {**labels, "pod-template-hash": pod_hash},
                     "annotations": {"deployment.kubernetes.io/revision": "3"},
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": name, "uid": d_uid,
                                          "controller": True, "blockOwnerDeletion": True}]},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {**labels, "pod-template-hash": pod_hash}},
                 "template": copy.deepcopy(template)},
        "status": {"replicas": replicas, "readyReplicas": available, "availableReplicas": available, "observedGeneration": 1},
    }  # fmt: skip
    return deploy, rs


def container(name: str, image: str, ports: list[dict[str, Any]]) -> dict[str, Any]:
    probe_port = ports[0]["containerPort"]
    path = "/healthz" if "ingress-nginx" in image else "/ready"
    return {
        "name": "controller" if "ingress-nginx" in image else name,
        "image": image,
        "ports": [{**p, "protocol": "TCP"} for p in ports],
        "readinessProbe": {"httpGet": {"path": path, "port": 10254 if "ingress-nginx" in image else probe_port, "scheme": "HTTP"},
                           "periodSeconds": 10, "failureThreshold": 3},
        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
    }  # fmt: skip


def pod(name: str, rs: dict[str, Any], labels: dict[str, str], node_name: str, image: str, ports: list[dict[str, Any]], *, ready: bool = True, ip: str = "") -> dict[str, Any]:  # fmt: skip
    c = container(rs["metadata"]["name"].rsplit("-", 1)[0], image, ports)
    status_ready = "True" if ready else "False"
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": NS, "uid": uid("pod", name),
                     "labels": {**labels, "pod-template-hash": rs["metadata"]["labels"]["pod-template-hash"]},
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs["metadata"]["name"],
                                          "uid": rs["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}],
                     "creationTimestamp": EARLIER},
        "spec": {"nodeName": node_name, "containers": [c], "restartPolicy": "Always", "serviceAccountName": "default"},
        "status": {"phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}], "hostIP": node_ip(node_name),
                   "startTime": EARLIER, "qosClass": "Burstable",
                   "conditions": [{"type": t, "status": status_ready if t in ("Ready", "ContainersReady") else "True",
                                   "lastTransitionTime": EARLIER} for t in ("PodScheduled", "Initialized", "ContainersReady", "Ready")],
                   "containerStatuses": [{"name": c["name"], "image": image, "imageID": "", "ready": ready,
                                          "started": True, "restartCount": 0,
                                          "state": {"running": {"startedAt": EARLIER}}}]},
    }  # fmt: skip


def ready_pod(p: dict[str, Any]) -> bool:
    return any(c["type"] == "Ready" and c["status"] == "True" for c in p["status"]["conditions"])


def service(name: str, ns: str, spec: dict[str, Any], selector: dict[str, str]) -> dict[str, Any]:
    kind = spec.get("type", "ClusterIP")
    annotations: dict[str, str] = {}
    if spec.get("internal"):
        annotations["service.beta.kubernetes.io/azure-load-balancer-internal"] = "true"
    if spec.get("subnet"):
        annotations["service.beta.kubernetes.io/azure-load-balancer-internal-subnet"] = spec["subnet"]
    port: dict[str, Any] = {"name": "http", "port": 80, "protocol": "TCP", "targetPort": spec.get("target", "http")}
    if spec.get("app_protocol"):
        port["appProtocol"] = "http"
    body: dict[str, Any] = {"type": kind, "ports": [port], "selector": dict(selector), "sessionAffinity": "None",
                            "clusterIP": "10.0.142.17", "clusterIPs": ["10.0.142.17"], "ipFamilies": ["IPv4"],
                            "ipFamilyPolicy": "SingleStack", "internalTrafficPolicy": "Cluster"}  # fmt: skip
    if kind == "ExternalName":
        body = {"type": kind, "externalName": "checkout.payments.contoso.com", "sessionAffinity": "None"}
    if kind == "LoadBalancer":
        port["nodePort"] = 31380
        body["externalTrafficPolicy"] = "Local" if spec.get("local") else "Cluster"
        body["allocateLoadBalancerNodePorts"] = True
        if spec.get("local"):
            body["healthCheckNodePort"] = 32116
        if spec.get("loadBalancerIP"):
            body["loadBalancerIP"] = spec["loadBalancerIP"]
    status = {"loadBalancer": {"ingress": [{"ip": spec["ingress"], "ipMode": "VIP"}]} if spec.get("ingress") else {}}
    meta: dict[str, Any] = {"name": name, "namespace": ns, "uid": uid("svc", name), "creationTimestamp": EARLIER}
    if annotations:
        meta["annotations"] = annotations
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": body, "status": status}


def kube_dns_service() -> dict[str, Any]:
    return {
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "kube-dns", "namespace": "kube-system", "uid": uid("svc", "kube-dns"),
                     "labels": {"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true"}},
        "spec": {"type": "ClusterIP", "clusterIP": "10.0.0.10", "selector": {"k8s-app": "kube-dns"},
                 "ports": [{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                           {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53}]},
        "status": {"loadBalancer": {}},
    }  # fmt: skip


def endpoint_slice(svc: str, ns: str, pods: list[dict[str, Any]], *, port: Any, dns: bool = False) -> dict[str, Any]:
    endpoints = []
    for p in pods:
        ready = ready_pod(p)
        endpoints.append({"addresses": [p["status"]["podIP"]],
                          "conditions": {"ready": ready, "serving": ready, "terminating": False},
                          "nodeName": p["spec"]["nodeName"],
                          "targetRef": {"kind": "Pod", "name": p["metadata"]["name"], "namespace": ns, "uid": p["metadata"]["uid"]}})  # fmt: skip
    ports = [{"name": "dns", "port": 53, "protocol": "UDP"}, {"name": "dns-tcp", "port": 53, "protocol": "TCP"}] if dns else (
        [{"name": "http", "port": port, "protocol": "TCP"}] if port is not None else None)  # fmt: skip
    suffix = "k7x2p" if svc == "checkout" else "9qv4d"
    return {
        "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
        "metadata": {"name": f"{svc}-{suffix}", "namespace": ns, "uid": uid("slice", svc),
                     "labels": {"kubernetes.io/service-name": svc, "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"},
                     "ownerReferences": [{"apiVersion": "v1", "kind": "Service", "name": svc, "uid": uid("svc", svc),
                                          "controller": True, "blockOwnerDeletion": True}]},
        "endpoints": endpoints, "ports": ports,
    }  # fmt: skip


def coredns_pods(spec: dict[str, Any]) -> list[dict[str, Any]]:
    broken = spec.get("dns") in ("crash", "custom")
    out = []
    for i, suffix in enumerate(["6b8f9c7d4-2mzkq", "6b8f9c7d4-t9hxw"]):
        name = f"coredns-{suffix}"
        waiting = {"waiting": {"reason": "CrashLoopBackOff", "message": f"back-off 5m0s restarting failed container=coredns pod={name}_kube-system"}}  # fmt: skip
        out.append({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "kube-system", "uid": uid("pod", name),
                         "labels": {"k8s-app": "kube-dns", "kubernetes.azure.com/managedby": "aks", "pod-template-hash": "6b8f9c7d4"},
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "coredns-6b8f9c7d4",
                                              "uid": uid("rs", "coredns"), "controller": True, "blockOwnerDeletion": True}]},
            "spec": {"nodeName": NODES[i], "containers": [{"name": "coredns", "image": "mcr.microsoft.com/oss/kubernetes/coredns:v1.11.3-2",
                                                            "ports": [{"name": "dns", "containerPort": 53, "protocol": "UDP"}]}]},
            "status": {"phase": "Running", "podIP": f"10.244.{i}.5", "hostIP": node_ip(NODES[i]),
                       "conditions": [{"type": "Ready", "status": "False" if broken else "True", "lastTransitionTime": EARLIER}],
                       "containerStatuses": [{"name": "coredns", "ready": not broken, "restartCount": 14 if broken else 0,
                                              "image": "mcr.microsoft.com/oss/kubernetes/coredns:v1.11.3-2", "imageID": "",
                                              "state": waiting if broken else {"running": {"startedAt": EARLIER}},
                                              **({"lastState": {"terminated": {"exitCode": 1, "reason": "Error",
                                                                               "startedAt": NOW, "finishedAt": NOW}}} if broken else {})}]},
        })  # fmt: skip
    return out


def coredns_deployment(spec: dict[str, Any]) -> dict[str, Any]:
    broken = spec.get("dns") in ("crash", "custom")
    labels = {"k8s-app": "kube-dns"}
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "coredns", "namespace": "kube-system", "uid": uid("deploy", "coredns"), "generation": 2,
                     "annotations": {"deployment.kubernetes.io/revision": "2"}},
        "spec": {"replicas": 2, "selector": {"matchLabels": labels}, "progressDeadlineSeconds": 600,
                 "template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "coredns", "image": "mcr.microsoft.com/oss/kubernetes/coredns:v1.11.3-2"}]}}},
        "status": {"observedGeneration": 2, "replicas": 2, "updatedReplicas": 2, "readyReplicas": 0 if broken else 2,
                   "availableReplicas": 0 if broken else 2},
    }  # fmt: skip


def coredns_rs(spec: dict[str, Any]) -> dict[str, Any]:
    broken = spec.get("dns") in ("crash", "custom")
    return {
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": "coredns-6b8f9c7d4", "namespace": "kube-system", "uid": uid("rs", "coredns"),
                     "labels": {"k8s-app": "kube-dns", "pod-template-hash": "6b8f9c7d4"},
                     "annotations": {"deployment.kubernetes.io/revision": "2"},
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "coredns",
                                          "uid": uid("deploy", "coredns"), "controller": True}]},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"k8s-app": "kube-dns", "pod-template-hash": "6b8f9c7d4"}}},
        "status": {"replicas": 2, "readyReplicas": 0 if broken else 2, "availableReplicas": 0 if broken else 2},
    }  # fmt: skip


def coredns_custom(spec: dict[str, Any]) -> dict[str, Any]:
    server = "ipa.contoso.internal:53 {\n    errors\n    cache 30\n    forward . 10.20.0.4\n    kubernetes cluster.local {\n        pods insecure\n        upstream\n    }\n}\n"  # fmt: skip
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "coredns-custom", "namespace": "kube-system", "uid": uid("cm", "coredns-custom")},
            "data": {"ipa1.server": server}}  # fmt: skip


def logs(spec: dict[str, Any]) -> dict[tuple[str, str, str], str]:
    out = {}
    if spec.get("dns") == "custom":
        text = (
            "plugin/kubernetes: /etc/coredns/custom/ipa1.server:7 - Error during parsing: unknown property 'upstream'\n"
        )
    elif spec.get("dns") == "crash":
        text = (
            '[INFO] plugin/ready: Still waiting on: "kubernetes"\n'
            '[FATAL] plugin/kubernetes: Get "https://10.0.0.1:443/version": dial tcp 10.0.0.1:443: i/o timeout\n'
        )
    else:
        return out
    for p in coredns_pods(spec):
        out[("kube-system", p["metadata"]["name"], "coredns.previous.log")] = text
    return out


def proxy_pods(spec: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for i, n in enumerate(NODES):
        name = f"kube-proxy-{['7hq2c', 'bx9mf', 'z4r8k'][i]}"
        down = spec.get("proxy_down") == n
        state = {"waiting": {"reason": "CrashLoopBackOff", "message": f"back-off 5m0s restarting failed container=kube-proxy pod={name}_kube-system"}} if down else {"running": {"startedAt": EARLIER}}  # fmt: skip
        out.append({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "kube-system", "uid": uid("pod", name),
                         "labels": {"component": "kube-proxy", "tier": "node", "controller-revision-hash": "5d9c8b7f6"},
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "kube-proxy",
                                              "uid": uid("ds", "kube-proxy"), "controller": True}]},
            "spec": {"nodeName": n, "hostNetwork": True,
                     "containers": [{"name": "kube-proxy", "image": "mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.31.5-hotfix.20250305"}]},
            "status": {"phase": "Running", "podIP": node_ip(n), "hostIP": node_ip(n),
                       "conditions": [{"type": "Ready", "status": "False" if down else "True", "lastTransitionTime": EARLIER}],
                       "containerStatuses": [{"name": "kube-proxy", "ready": not down, "restartCount": 9 if down else 0,
                                              "image": "", "imageID": "", "state": state}]},
        })  # fmt: skip
    return out


def node(name: str) -> dict[str, Any]:
    i = NODES.index(name)
    return {
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "uid": uid("node", name),
                     "labels": {"kubernetes.azure.com/agentpool": POOL, "kubernetes.io/hostname": name,
                                "topology.kubernetes.io/region": LOCATION, "topology.kubernetes.io/zone": f"{LOCATION}-{i + 1}"}},
        "spec": {"providerID": f"azure:///subscriptions/{SUB}/resourceGroups/{NODE_RG.lower()}/providers/Microsoft.Compute/virtualMachineScaleSets/aks-{POOL}-{POOL_ID}-vmss/virtualMachines/{i}",
                 "podCIDR": f"10.244.{i}.0/24"},
        "status": {"conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status",
                                   "lastHeartbeatTime": NOW, "lastTransitionTime": EARLIER}],
                   "addresses": [{"type": "InternalIP", "address": node_ip(name)}, {"type": "Hostname", "address": name}],
                   "allocatable": {"cpu": "3860m", "memory": "13961220Ki", "pods": "110"}},
    }  # fmt: skip


def node_ip(name: str) -> str:
    return f"10.224.0.{4 + NODES.index(name)}"


def namespace(name: str, labels: dict[str, str]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": name, "uid": uid("ns", name), "labels": {"kubernetes.io/metadata.name": name, **labels}},
            "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}  # fmt: skip


def policies(spec: dict[str, Any]) -> list[dict[str, Any]]:
    if not spec.get("policy"):
        return []
    return [{
        "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
        "metadata": {"name": "checkout-allow-frontend", "namespace": NS, "uid": uid("netpol", "checkout")},
        "spec": {"podSelector": {"matchLabels": {"app": "checkout"}}, "policyTypes": ["Ingress"],
                 "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "frontend"}}}],
                              "ports": [{"protocol": "TCP", "port": 8080}]}]},
    }]  # fmt: skip


def ingress() -> dict[str, Any]:
    return {
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": {"name": "shop", "namespace": NS, "uid": uid("ing", "shop")},
        "spec": {"ingressClassName": "nginx",
                 "rules": [{"host": "shop.contoso.com", "http": {"paths": [{"path": "/checkout", "pathType": "Prefix",
                            "backend": {"service": {"name": "checkout", "port": {"number": 80}}}}]}}]},
        "status": {"loadBalancer": {"ingress": [{"ip": LB_IP}]}},
    }  # fmt: skip


def ingress_class() -> dict[str, Any]:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
            "metadata": {"name": "nginx", "uid": uid("ingclass", "nginx")}, "spec": {"controller": "k8s.io/ingress-nginx"}}  # fmt: skip


def nginx_controller_pod() -> dict[str, Any]:
    name = "ingress-nginx-controller-5c8d66c76d-fb79x"
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "ingress-nginx", "uid": uid("pod", name),
                     "labels": {"app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/instance": "ingress-nginx",
                                "app.kubernetes.io/component": "controller", "pod-template-hash": "5c8d66c76d"}},
        "spec": {"nodeName": NODES[0], "containers": [{"name": "controller", "image": "registry.k8s.io/ingress-nginx/controller:v1.11.3"}]},
        "status": {"phase": "Running", "podIP": "10.244.0.40", "conditions": [{"type": "Ready", "status": "True"}]},
    }  # fmt: skip


def event(obj: dict[str, Any], reason: str, message: str, kind: str, count: int) -> dict[str, Any]:
    meta = obj["metadata"]
    component = "service-controller" if obj["kind"] == "Service" else "kubelet"
    return {
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": f"{meta['name']}.{uid('ev', meta['name'], reason)[:16].replace('-', '')}", "namespace": meta["namespace"]},
        "involvedObject": {"kind": obj["kind"], "name": meta["name"], "namespace": meta["namespace"], "uid": meta["uid"],
                           "apiVersion": obj["apiVersion"]},
        "reason": reason, "message": message, "type": kind, "count": count,
        "firstTimestamp": EARLIER, "lastTimestamp": NOW, "source": {"component": component},
    }  # fmt: skip


# ---- Azure --------------------------------------------------------------------------------------
def azure(shapes: Path, spec: dict[str, Any]) -> list[dict[str, Any]]:
    cluster = cluster_body(shapes, spec)
    base = f"{ARM}/subscriptions/{SUB}"
    net = f"{base}/resourceGroups/{NODE_RG}/providers/Microsoft.Network"
    out = [
        rec(f"{base}/providers/Microsoft.ContainerService/managedClusters?api-version={AKS_API}", {"value": [cluster]}),
        rec(f"{base}/resourceGroups/{RG}/providers/Microsoft.ContainerService/managedClusters/{CLUSTER}?api-version={AKS_API}", cluster),
        rec(f"{net}/loadBalancers/{'kubernetes-internal' if (spec.get('service') or {}).get('internal') else 'kubernetes'}?api-version={NET_API}",
            load_balancer(spec)),
        rec(f"{base}/resourceGroups/{VNET_RG}/providers/Microsoft.Network/virtualNetworks/{VNET}/subnets/{SUBNET}?api-version={NET_API}",
            subnet_body()),
        rec(f"{NSG_ID}?api-version={NET_API}".replace("/subscriptions", f"{ARM}/subscriptions", 1), nsg_body(spec)),
        rec(f"{base}/providers/Microsoft.Network/publicIPAddresses?api-version={NET_API}", {"value": public_ips(spec)}),
        rec(f"{base}/providers/Microsoft.Network/locations/{LOCATION}/usages?api-version={NET_API}", usages(spec)),
    ]  # fmt: skip
    if "assignments" in spec:
        flt = f"principalId%20eq%20%27{PRINCIPAL}%27"
        url = f"{ARM}{SUBNET_ID}/providers/Microsoft.Authorization/roleAssignments?$filter={flt}&api-version={AUTH_API}"
        out.append(rec(url, {"value": [assignment(scope, role) for scope, role in spec["assignments"]]}))
    return out


def assignment(scope: str, role: str) -> dict[str, Any]:
    return {
            "id": f"{scope}/providers/Microsoft.Authorization/roleAssignments/{uid('ra', scope)}",
            "name": uid("ra", scope), "type": "Microsoft.Authorization/roleAssignments",
            "properties": {"roleDefinitionId": f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{role}",
                           "principalId": PRINCIPAL, "principalType": "ServicePrincipal", "scope": scope},
    }  # fmt: skip


def cluster_body(shapes: Path, spec: dict[str, Any]) -> dict[str, Any]:
    body = json.loads(
        (shapes / "Microsoft.ContainerService/managedClusters_Get.recorded-workloadIdentity.json").read_text()
    )
    text = json.dumps(body).replace("00000000-0000-0000-0000-000000000000", SUB).replace("clitest000001", RG)
    body = json.loads(text.replace("cliakstest000001", CLUSTER).replace("westus2", LOCATION))
    props = body["properties"]
    props["nodeResourceGroup"] = NODE_RG
    props["kubernetesVersion"] = props["currentKubernetesVersion"] = "1.31.5"
    props.get("linuxProfile", {}).get("ssh", {}).update({"publicKeys": [{"keyData": "ssh-rsa AAAA...redacted"}]})
    body["identity"]["principalId"] = PRINCIPAL
    props["networkProfile"].update(
        networkPlugin="azure", networkPluginMode="overlay", networkPolicy="azure" if spec.get("policy") else None
    )
    if props["networkProfile"]["networkPolicy"] is None:
        props["networkProfile"].pop("networkPolicy")
    pool = props["agentPoolProfiles"][0]
    pool.update(name=POOL, count=3, mode="System", vnetSubnetID=SUBNET_ID)
    props["agentPoolProfiles"] = [pool]
    return body


def load_balancer(spec: dict[str, Any]) -> dict[str, Any]:
    internal = (spec.get("service") or {}).get("internal")
    name = "kubernetes-internal" if internal else "kubernetes"
    lb_id = f"/subscriptions/{SUB}/resourceGroups/{NODE_RG}/providers/Microsoft.Network/loadBalancers/{name}"
    prefix = "a" + uid("svc", "checkout").replace("-", "")
    http = spec.get("http_probe")
    probe = {"name": f"{prefix}-TCP-80", "id": f"{lb_id}/probes/{prefix}-TCP-80",
             "properties": {"protocol": "Http" if http else "Tcp", "port": 31380, "intervalInSeconds": 5, "numberOfProbes": 2,
                            "probeThreshold": 1, "provisioningState": "Succeeded", **({"requestPath": "/"} if http else {})}}  # fmt: skip
    frontend = {"name": prefix, "id": f"{lb_id}/frontendIPConfigurations/{prefix}",
                "properties": {"publicIPAddress": {"id": f"/subscriptions/{SUB}/resourceGroups/{NODE_RG}/providers/Microsoft.Network/publicIPAddresses/kubernetes-{prefix}"}}}  # fmt: skip
    rule = {"name": f"{prefix}-TCP-80", "id": f"{lb_id}/loadBalancingRules/{prefix}-TCP-80",
            "properties": {"frontendIPConfiguration": {"id": frontend["id"]}, "frontendPort": 80, "backendPort": 80,
                           "protocol": "Tcp", "enableFloatingIP": True, "idleTimeoutInMinutes": 4,
                           "probe": {"id": probe["id"]}, "provisioningState": "Succeeded"}}  # fmt: skip
    return {"name": name, "id": lb_id, "type": "Microsoft.Network/loadBalancers", "location": LOCATION,
            "sku": {"name": "Standard", "tier": "Regional"},
            "properties": {"provisioningState": "Succeeded", "frontendIPConfigurations": [frontend],
                           "backendAddressPools": [{"name": "kubernetes", "id": f"{lb_id}/backendAddressPools/kubernetes"}],
                           "loadBalancingRules": [rule], "probes": [probe]}}  # fmt: skip


def subnet_body() -> dict[str, Any]:
    return {"name": SUBNET, "id": SUBNET_ID, "type": "Microsoft.Network/virtualNetworks/subnets",
            "properties": {"addressPrefix": "10.224.0.0/16", "provisioningState": "Succeeded",
                           "networkSecurityGroup": {"id": NSG_ID}}}  # fmt: skip


def nsg_body(spec: dict[str, Any]) -> dict[str, Any]:
    def rule(name: str, priority: int, access: str, source: str, dest: str, port: str, direction: str = "Inbound") -> dict[str, Any]:  # fmt: skip
        return {"name": name, "id": f"{NSG_ID}/securityRules/{name}",
                "properties": {"protocol": "*" if port == "*" else "Tcp", "sourcePortRange": "*", "destinationPortRange": port,
                               "sourceAddressPrefix": source, "destinationAddressPrefix": dest, "access": access,
                               "priority": priority, "direction": direction, "provisioningState": "Succeeded"}}  # fmt: skip

    custom = [rule("allow-https-internet", 100, "Allow", "Internet", "*", "443")]
    if spec.get("nsg_deny"):
        custom.append(rule("deny-internet-inbound", 200, "Deny", "Internet", "*", "*"))
    else:
        custom.append(rule("allow-http-internet", 110, "Allow", "Internet", "*", "80"))
    defaults = [
        rule("AllowVnetInBound", 65000, "Allow", "VirtualNetwork", "VirtualNetwork", "*"),
        rule("AllowAzureLoadBalancerInBound", 65001, "Allow", "AzureLoadBalancer", "*", "*"),
        rule("DenyAllInBound", 65500, "Deny", "*", "*", "*"),
    ]
    return {"name": "nsg-aks-nodes", "id": NSG_ID, "type": "Microsoft.Network/networkSecurityGroups", "location": LOCATION,
            "properties": {"provisioningState": "Succeeded", "securityRules": custom, "defaultSecurityRules": defaults,
                           "subnets": [{"id": SUBNET_ID}]}}  # fmt: skip


def public_ips(spec: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for name, group, ip, sku in spec.get("pips") or []:
        pid = f"/subscriptions/{SUB}/resourceGroups/{group}/providers/Microsoft.Network/publicIPAddresses/{name}"
        out.append({"name": name, "id": pid, "type": "Microsoft.Network/publicIPAddresses", "location": LOCATION,
                    "sku": {"name": sku, "tier": "Regional"},
                    "properties": {"ipAddress": ip, "publicIPAllocationMethod": "Static", "publicIPAddressVersion": "IPv4",
                                   "provisioningState": "Succeeded", "idleTimeoutInMinutes": 4}})  # fmt: skip
    return out


def usages(spec: dict[str, Any]) -> dict[str, Any]:
    used, limit = spec.get("usage") or (3, 1000)
    return {"value": [
        {"id": f"/subscriptions/{SUB}/providers/Microsoft.Network/locations/{LOCATION}/usages/PublicIPAddresses",
         "name": {"value": "PublicIPAddresses", "localizedValue": "Public IP Addresses"},
         "currentValue": used, "limit": limit, "unit": "Count"},
        {"id": f"/subscriptions/{SUB}/providers/Microsoft.Network/locations/{LOCATION}/usages/VirtualNetworks",
         "name": {"value": "VirtualNetworks", "localizedValue": "Virtual Networks"},
         "currentValue": 4, "limit": 1000, "unit": "Count"},
    ]}  # fmt: skip


def rec(url: str, body: Any, status: int = 200) -> dict[str, Any]:
    return {"method": "GET", "url": url, "status": status, "body": body}


def uid(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "aksdoctor-service/" + "/".join(parts)))


def dump(path: Path, obj: Any) -> None:
    path.write_text(yaml.safe_dump(obj, sort_keys=False, width=200), encoding="utf-8")


if __name__ == "__main__":
    main()

"""The Kubernetes resources aksdoctor reads, and how kinds in bundle files map to them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Resource:
    """An API resource: where it is served and what kind its objects are."""

    key: str
    group: str
    version: str
    plural: str
    kind: str
    namespaced: bool = True

    @property
    def api_version(self) -> str:
        """apiVersion as objects carry it."""
        return f"{self.group}/{self.version}" if self.group else self.version

    def path(self, namespace: str | None = None, name: str | None = None) -> str:
        """The REST path for a list or a get."""
        from urllib.parse import quote

        base = f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"
        if self.namespaced and namespace:
            base += f"/namespaces/{quote(namespace, safe='')}"
        base += f"/{self.plural}"
        return f"{base}/{quote(name, safe='')}" if name else base

    def describe(self, verb: str, namespace: str | None) -> str:
        """'list events in namespace shop' — for skipped reasons and grants."""
        res = f"{self.plural}.{self.group}" if self.group else self.plural
        where = f" in namespace {namespace}" if self.namespaced and namespace else ""
        if self.namespaced and not namespace:
            where = " in all namespaces"
        return f"{verb} {res}{where}"


_ALL = [
    Resource("pods", "", "v1", "pods", "Pod"),
    Resource("events", "", "v1", "events", "Event"),
    Resource("nodes", "", "v1", "nodes", "Node", namespaced=False),
    Resource("namespaces", "", "v1", "namespaces", "Namespace", namespaced=False),
    Resource("secrets", "", "v1", "secrets", "Secret"),
    Resource("serviceaccounts", "", "v1", "serviceaccounts", "ServiceAccount"),
    Resource("configmaps", "", "v1", "configmaps", "ConfigMap"),
    Resource("services", "", "v1", "services", "Service"),
    Resource("persistentvolumeclaims", "", "v1", "persistentvolumeclaims", "PersistentVolumeClaim"),
    Resource("persistentvolumes", "", "v1", "persistentvolumes", "PersistentVolume", namespaced=False),
    Resource("resourcequotas", "", "v1", "resourcequotas", "ResourceQuota"),
    Resource("limitranges", "", "v1", "limitranges", "LimitRange"),
    Resource("deployments", "apps", "v1", "deployments", "Deployment"),
    Resource("replicasets", "apps", "v1", "replicasets", "ReplicaSet"),
    Resource("statefulsets", "apps", "v1", "statefulsets", "StatefulSet"),
    Resource("daemonsets", "apps", "v1", "daemonsets", "DaemonSet"),
    Resource("storageclasses", "storage.k8s.io", "v1", "storageclasses", "StorageClass", namespaced=False),
    Resource("csidrivers", "storage.k8s.io", "v1", "csidrivers", "CSIDriver", namespaced=False),
    Resource("csinodes", "storage.k8s.io", "v1", "csinodes", "CSINode", namespaced=False),
    Resource("horizontalpodautoscalers", "autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler"),
    Resource("poddisruptionbudgets", "policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget"),
    Resource("apiservices", "apiregistration.k8s.io", "v1", "apiservices", "APIService", namespaced=False),
    Resource("nodemetrics", "metrics.k8s.io", "v1beta1", "nodes", "NodeMetrics", namespaced=False),
    Resource("podmetrics", "metrics.k8s.io", "v1beta1", "pods", "PodMetrics"),
    Resource(
        "secretproviderclasses", "secrets-store.csi.x-k8s.io", "v1", "secretproviderclasses", "SecretProviderClass"
    ),
    Resource("volumeattachments", "storage.k8s.io", "v1", "volumeattachments", "VolumeAttachment", namespaced=False),
    Resource("leases", "coordination.k8s.io", "v1", "leases", "Lease"),
    Resource("endpoints", "", "v1", "endpoints", "Endpoints"),
    Resource("endpointslices", "discovery.k8s.io", "v1", "endpointslices", "EndpointSlice"),
    Resource("networkpolicies", "networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy"),
    Resource("ingresses", "networking.k8s.io", "v1", "ingresses", "Ingress"),
    Resource("ingressclasses", "networking.k8s.io", "v1", "ingressclasses", "IngressClass", namespaced=False),
    Resource("secretstores", "external-secrets.io", "v1beta1", "secretstores", "SecretStore"),
    Resource(
        "clustersecretstores", "external-secrets.io", "v1beta1", "clustersecretstores", "ClusterSecretStore", False
    ),
    Resource(
        "mutatingwebhookconfigurations",
        "admissionregistration.k8s.io",
        "v1",
        "mutatingwebhookconfigurations",
        "MutatingWebhookConfiguration",
        namespaced=False,
    ),
    Resource("jobs", "batch", "v1", "jobs", "Job"),
    Resource("cronjobs", "batch", "v1", "cronjobs", "CronJob"),
]

RESOURCES: dict[str, Resource] = {r.key: r for r in _ALL}

# kind -> resource key, for bundle files. Events from events.k8s.io/v1 map to the same key and are
# converted to the core/v1 shape when read (see events.normalize_event).
KIND_TO_KEY: dict[str, str] = {r.kind: r.key for r in _ALL}

# Plural file-name stems that name a resource for empty lists (specs/bundle-format.md): "events-shop.yaml".
STEM_TO_KEY: dict[str, str] = {r.key: r.key for r in _ALL} | {
    "nodemetrics": "nodemetrics",
    "podmetrics": "podmetrics",
    "hpa": "horizontalpodautoscalers",
}


def resource(key: str) -> Resource:
    """Look a resource up by key ("pods", "events", "nodemetrics", ...)."""
    return RESOURCES[key]


__all__ = ["KIND_TO_KEY", "RESOURCES", "STEM_TO_KEY", "Resource", "resource"]

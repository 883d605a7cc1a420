"""Evidence: the one object probes read. Memoized, thread-safe reads over a Kubernetes and an Azure source.

Two probes that ask for the same thing share one request; a read that failed fails the same way for
every probe that asks (a 403 is not retried).
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..errors import AzureNotConfigured, DataUnavailable, NotFound
from ..model import Target
from .kube import KubeReader
from .resources import resource
from .selectors import dig

T = TypeVar("T")

_PROVIDER_ID = re.compile(
    r"^azure:///subscriptions/(?P<sub>[^/]+)/resourceGroups/(?P<rg>[^/]+)/providers/", re.IGNORECASE
)


@dataclass
class Options:
    """What the user asked for beyond the target: Azure coordinates and runbook knobs."""

    subscription: str | None = None
    resource_group: str | None = None
    cluster: str | None = None
    timeout: float = 60.0
    extra: dict[str, Any] = field(default_factory=dict)
    deadline: float | None = None  # time.monotonic() of the --timeout deadline (started with the process)


_ABSENT = object()  # a preloaded list without the object asked for


class Evidence:
    """What probes read: the target, the options, and memoized reads of the cluster and Azure."""

    def __init__(self, *, kube: KubeReader, azure: Any | None, target: Target, options: Options | None = None) -> None:
        self.kube = kube
        self.azure = azure
        self.target = target
        self.options = options or Options()
        self._memo: dict[tuple[Any, ...], Future[Any]] = {}
        self._lock = threading.Lock()
        self._preloaded: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
        self._indexes: dict[tuple[str, str | None], tuple[dict[str, Any], dict[str, Any]]] = {}
        # preloaded objects by name: (name -> first object, (namespace, name) -> first object)
        self._names: dict[tuple[str, str | None], tuple[dict[str, Any], dict[tuple[str, str], Any]]] = {}

    def for_target(self, target: Target) -> Evidence:
        """The same reads (shared memo) about another object: for a runbook that hands over to another."""
        other = Evidence(kube=self.kube, azure=self.azure, target=target, options=self.options)
        other._memo, other._lock = self._memo, self._lock
        other._preloaded, other._indexes, other._names = self._preloaded, self._indexes, self._names
        return other

    def preload(self, key: str, items: list[dict[str, Any]], namespace: str | None = None) -> None:
        """Declare a complete list of a resource (in one namespace, or all): later gets and lists of it are
        answered from it, filtered locally like the API server would (scan reads each list once)."""
        by_namespace: dict[str, list[dict[str, Any]]] = {}
        by_uid: dict[str, list[dict[str, Any]]] = {}
        by_name: dict[str, Any] = {}
        by_ns_name: dict[tuple[str, str], Any] = {}
        for obj in items:
            meta = obj.get("metadata") or {}
            ns, name = meta.get("namespace") or "", meta.get("name")
            by_namespace.setdefault(ns, []).append(obj)
            by_name.setdefault(name, obj)
            by_ns_name.setdefault((ns, name), obj)
            if key == "events":
                by_uid.setdefault(str((obj.get("involvedObject") or {}).get("uid", "")), []).append(obj)
        with self._lock:
            self._preloaded[(key, namespace)] = items
            self._indexes[(key, namespace)] = (by_namespace, by_uid)
            self._names[(key, namespace)] = (by_name, by_ns_name)

    @property
    def mode(self) -> str:
        """'live' or 'bundle'."""
        return self.kube.mode

    # ---- memo ----------------------------------------------------------------------------------
    def memo(self, key: tuple[Any, ...], load: Callable[[], T]) -> T:
        """Run `load` once per key, whichever thread asks first; later callers get its result or error."""
        with self._lock:
            future = self._memo.get(key)
            owner = future is None
            if owner:
                future = Future()
                self._memo[key] = future
        if owner:
            try:
                future.set_result(load())
            except BaseException as exc:  # noqa: BLE001 - stored and re-raised to every caller
                future.set_exception(exc)
        return future.result()

    def prefetch(self, *reads: Callable[[], Any]) -> None:
        """Start reads a probe will make, each in its own daemon thread, without waiting: the later identical
        read joins the one in flight (memo) instead of taking a round of its own. Only reads the probe makes
        anyway belong here; an error stays in the memo for that read. A bundle answers from memory: nothing
        to start there, nor in a scan, whose lists are preloaded (a thread per read would cost, not save)."""
        if self.mode != "live" or self._preloaded:
            return
        for read in reads:
            threading.Thread(target=_quietly, args=(read,), name="aksdoctor-prefetch", daemon=True).start()

    def peek(self, key: tuple[Any, ...]) -> Any:
        """What a read of this memo key returned, if the run made it and it succeeded; None otherwise. Reads
        nothing: for fixes fitted to what the run saw (a pool's autoscaler in the managed cluster)."""
        with self._lock:
            future = self._memo.get(key)
        if future is None or not future.done() or future.exception() is not None:
            return None
        return future.result()

    # ---- Kubernetes ----------------------------------------------------------------------------
    def get(self, key: str, name: str, namespace: str | None = None) -> dict[str, Any]:
        """One object by resource key ('pods', 'nodes', ...)."""
        known = self._name_from_preloaded(key, name, namespace)
        if known is not None:
            if known is not _ABSENT:
                return known
            raise NotFound(
                f"{resource(key).plural} {name!r}" + (f" in namespace {namespace}" if namespace else ""),
                kind=resource(key).kind,
                name=name,
            )
        return self.memo(("get", key, namespace, name), lambda: self.kube.get(resource(key), name, namespace))

    def list(
        self,
        key: str,
        namespace: str | None = None,
        *,
        labels: str | None = None,
        fields: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Objects of a resource, with selectors."""
        known = self._from_preloaded(key, namespace)
        if known is not None:
            from .selectors import field_matcher, label_matcher

            if key == "events" and fields and fields.startswith("involvedObject.uid=") and "," not in fields:
                known = self._events_by_uid(fields.split("=", 1)[1], namespace)

            by_labels, by_fields = label_matcher(labels), field_matcher(fields)
            found = [obj for obj in known if by_labels(obj) and by_fields(obj)]
            return found[:limit] if limit is not None else found
        return self.memo(
            ("list", key, namespace, labels, fields, limit),
            lambda: self._seeded(
                key, self.kube.list(resource(key), namespace, label_selector=labels, field_selector=fields, limit=limit)
            ),
        )

    def _seeded(self, key: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """A listed object answers a later get of it (a handover reads the pod a rollout listed): the same object
        as the API server returned it a moment ago, not a second request."""
        namespaced = resource(key).namespaced
        with self._lock:
            for obj in items:
                meta = obj.get("metadata") or {}
                name = meta.get("name")
                if not name:
                    continue
                slot = ("get", key, meta.get("namespace") if namespaced else None, name)
                if slot not in self._memo:
                    done: Future[Any] = Future()
                    done.set_result(obj)
                    self._memo[slot] = done
        return items

    def _from_preloaded(self, key: str, namespace: str | None) -> list[dict[str, Any]] | None:
        with self._lock:
            exact = self._preloaded.get((key, namespace))
            everything = self._preloaded.get((key, None))
            index = self._indexes.get((key, None))
        if exact is not None:
            return exact
        if everything is None:
            return None
        if namespace is None or not resource(key).namespaced or index is None:
            return everything
        return index[0].get(namespace, [])

    def _name_from_preloaded(self, key: str, name: str, namespace: str | None) -> Any:
        """The first preloaded object with that name where _from_preloaded would search (a dict lookup, not a
        scan of the list: a 10k-pod scan asks thousands of times); _ABSENT when not there, None when not preloaded."""
        with self._lock:
            exact = self._names.get((key, namespace))
            everything = self._names.get((key, None))
            indexed = self._indexes.get((key, None)) is not None
        if exact is not None:
            return exact[0].get(name, _ABSENT)
        if everything is None:
            return None
        if namespace is None or not resource(key).namespaced or not indexed:
            return everything[0].get(name, _ABSENT)
        return everything[1].get((namespace, name), _ABSENT)

    def _events_by_uid(self, uid: str, namespace: str | None) -> list[dict[str, Any]]:
        with self._lock:
            index = self._indexes.get(("events", namespace)) or self._indexes.get(("events", None))
        return list(index[1].get(uid, [])) if index else []

    def pod(self) -> dict[str, Any]:
        """The target pod."""
        return self.get("pods", self.target.name, self.target.namespace)

    def events_for(self, obj: dict[str, Any]) -> list[dict[str, Any]]:
        """Events about one object, newest last: a field selector on its uid, never a cluster-wide list."""
        meta = obj.get("metadata") or {}
        uid = meta.get("uid")
        selector = f"involvedObject.uid={uid}" if uid else f"involvedObject.name={meta.get('name')}"
        events = self.list("events", meta.get("namespace"), fields=selector)
        return sorted(events, key=event_time)

    def logs(self, namespace: str, pod: str, container: str, *, previous: bool = False, tail: int = 50) -> str:
        """The tail of a container's log (the previous, crashed instance with previous=True)."""
        return self.memo(
            ("logs", namespace, pod, container, previous, tail),
            lambda: self.kube.logs(namespace, pod, container, previous=previous, tail=tail),
        )

    def node(self, name: str) -> dict[str, Any]:
        """A node by name."""
        return self.get("nodes", name)

    def any_node(self) -> dict[str, Any]:
        """One node of the cluster (for its providerID): a list with limit=1, unless every node is being listed
        or was (a probe of the same run started it): then that list, not another request."""
        with self._lock:
            listed = self._memo.get(("list", "nodes", None, None, None, None))
        nodes = None
        if listed is not None and listed.exception() is None:  # waits for a list in flight
            nodes = listed.result()
        if not nodes:
            nodes = self.list("nodes", limit=1)
        if not nodes:
            raise NotFound("nodes in the cluster", kind="Node")
        return nodes[0]

    # ---- Azure ---------------------------------------------------------------------------------
    def require_azure(self, what: str) -> Any:
        """The Azure reader, or AzureNotConfigured saying why there is none."""
        if self.azure is None:
            # One wording for both ways of having no Azure source, so live and bundle reports agree.
            raise AzureNotConfigured(
                f"read {what}",
                reason="no Azure source in this run (--no-azure, or a bundle without azure/ recordings)",
                grant="run live with Azure access (az login), or capture the bundle with it",
            )
        return self.azure

    def cluster_coordinates(self) -> dict[str, str]:
        """Subscription, resource group and name of the managed cluster, from flags, the bundle, or providerID."""
        return self.memo(("azure", "coordinates"), self._cluster_coordinates)

    def subscription(self) -> str:
        """The cluster's subscription (flags, the bundle, or a node's providerID), without finding the cluster
        itself: reads scoped to the subscription need not wait for the managed-cluster list."""
        ctx = self.require_azure("the AKS managed cluster").context
        return self.options.subscription or ctx.get("subscription") or self._provider_id().group("sub")

    def managed_cluster(self) -> dict[str, Any]:
        """The managed cluster (ARM JSON); the entry of the managed-cluster list when the cluster was found by
        listing (a list returns whole clusters: the GET would read it again)."""
        return self.memo(("azure", "managed_cluster"), self._managed_cluster)

    def registries(self, subscription: str) -> list[dict[str, Any]]:
        """Container registries of a subscription (ARM JSON)."""
        azure = self.require_azure("container registries")
        return self.memo(("azure", "registries", subscription.lower()), lambda: azure.registries(subscription))

    def compute_usages(self, subscription: str, location: str) -> list[dict[str, Any]]:
        """Compute quota usages of a region (ARM JSON), read once for every probe that asks."""
        azure = self.require_azure("compute quota usages")
        return self.memo(
            ("azure", "usages", subscription.lower(), location), lambda: azure.compute_usages(subscription, location)
        )

    def vm_sizes(self, subscription: str, location: str) -> list[dict[str, Any]]:
        """VM sizes of a region (ARM JSON), read once for every probe that asks."""
        azure = self.require_azure("VM sizes")
        return self.memo(
            ("azure", "vm_sizes", subscription.lower(), location), lambda: azure.vm_sizes(subscription, location)
        )

    def role_assignments(self, scope: str, principal_id: str, *, include_below: bool = False) -> list[dict[str, Any]]:
        """A principal's role assignments whose scope contains `scope` (at the resource or a parent);
        with include_below, also those on child scopes (a single secret of a vault, say)."""
        azure = self.require_azure("role assignments")
        found = self.memo(
            ("azure", "role_assignments", scope.lower(), principal_id.lower()),
            lambda: azure.role_assignments(scope, principal_id),
        )
        if include_below:
            return [
                a
                for a in found
                if scope_contains(dig(a, "properties.scope", ""), scope)
                or scope_contains(scope, dig(a, "properties.scope", ""))
            ]
        return [a for a in found if scope_contains(dig(a, "properties.scope", ""), scope)]

    def role_definition(self, role_definition_id: str) -> dict[str, Any]:
        """A role definition: the built-in table for well-known GUIDs, otherwise ARM."""
        from .roles import builtin_role

        guid = role_definition_id.rstrip("/").rsplit("/", 1)[-1].lower()
        known = builtin_role(guid)
        if known is not None:
            return known
        azure = self.require_azure("role definitions")
        return self.memo(("azure", "role_definition", guid), lambda: azure.role_definition(role_definition_id))

    def acr_tags(self, login_server: str, repository: str) -> list[str]:
        """Tags of an ACR repository (data plane); NotFound when the repository does not exist."""
        azure = self.require_azure("ACR tags")
        return self.memo(
            ("azure", "acr_tags", login_server.lower(), repository),
            lambda: azure.acr_tags(login_server, repository),
        )

    def acr_manifests(self, login_server: str, repository: str) -> list[dict[str, Any]]:
        """Manifests (digest and tags) of an ACR repository; NotFound when the repository does not exist."""
        azure = self.require_azure("ACR manifests")
        return self.memo(
            ("azure", "acr_manifests", login_server.lower(), repository),
            lambda: azure.acr_manifests(login_server, repository),
        )

    def kv_read(self, name: str, *args: str) -> Any:
        """One keyvault-runbook Azure read (sources/keyvault_arm.py READS: vaults, identities, federated
        credentials, network objects, secret metadata), read once for every probe that asks."""
        from .keyvault_arm import READS

        azure = self.require_azure(name.replace("_", " "))
        key = ("azure", "kv", name, *(a.lower() for a in args))
        return self.memo(key, lambda: READS[name](azure, *args))

    def _cluster_coordinates(self) -> dict[str, str]:
        opts = self.options
        azure = self.require_azure("the AKS managed cluster")
        ctx = azure.context
        sub = opts.subscription or ctx.get("subscription")
        rg = opts.resource_group or ctx.get("resourceGroup")
        name = opts.cluster or ctx.get("cluster")
        if sub and rg and name:
            return {"subscription": sub, "resource_group": rg, "cluster": name}
        match = self._provider_id()
        sub = sub or match.group("sub")
        node_rg = match.group("rg")
        for cluster in azure.managed_clusters(sub):
            if str(dig(cluster, "properties.nodeResourceGroup", "")).lower() == node_rg.lower():
                from .azure import parse_resource_id

                self.memo(("azure", "listed_cluster"), lambda found=cluster: found)  # managed_cluster() takes it
                parsed = parse_resource_id(cluster.get("id", ""))
                return {
                    "subscription": sub,
                    "resource_group": parsed.get("resource_group", ""),
                    "cluster": cluster["name"],
                }
        raise AzureNotConfigured(
            "find the AKS managed cluster",
            reason=f"no managed cluster in subscription {sub} has node resource group {node_rg}",
            grant="pass --subscription, --resource-group and --cluster",
        )

    def _provider_id(self) -> re.Match[str]:
        node = self.any_node()
        match = _PROVIDER_ID.match(dig(node, "spec.providerID", "") or "")
        if not match:
            raise AzureNotConfigured(
                "find the AKS managed cluster",
                reason=f"node {dig(node, 'metadata.name')} has no Azure providerID (is this an AKS cluster?)",
                grant="pass --subscription, --resource-group and --cluster",
            )
        return match

    def _managed_cluster(self) -> dict[str, Any]:
        coords = self.cluster_coordinates()
        listed = self.peek(("azure", "listed_cluster"))
        if listed is not None:
            return listed
        azure = self.require_azure("the AKS managed cluster")
        return azure.managed_cluster(coords["subscription"], coords["resource_group"], coords["cluster"])


def _quietly(read: Callable[[], Any]) -> None:
    with contextlib.suppress(Exception):  # kept in the memo for the probe that makes the same read
        read()


def event_time(event: dict[str, Any]) -> str:
    """The time an event was last seen, as an ISO string that sorts."""
    return str(
        event.get("lastTimestamp")
        or dig(event, "series.lastObservedTime")
        or event.get("eventTime")
        or event.get("firstTimestamp")
        or dig(event, "metadata.creationTimestamp")
        or ""
    )


def scope_contains(outer: str, inner: str) -> bool:
    """Whether an ARM scope is `inner` or a parent of it (segment-aligned, case-insensitive)."""
    outer_parts = [p.lower() for p in outer.split("/") if p]
    inner_parts = [p.lower() for p in inner.split("/") if p]
    return inner_parts[: len(outer_parts)] == outer_parts


__all__ = ["DataUnavailable", "Evidence", "Options", "event_time", "scope_contains"]

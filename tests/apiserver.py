"""A local, read-only fake kube-apiserver that speaks the real API over real HTTP.

Tests start it on 127.0.0.1, write a kubeconfig pointing at it, and drive it
with the official ``kubernetes`` Python client or with ``kubectl``.  It is
stdlib only.  Behaviour follows kube-apiserver v1.30+; every non-obvious rule
cites the Kubernetes source it was copied from (paths are in the
kubernetes/kubernetes repository unless stated otherwise).

Deliberate simplifications (documented so tests do not rely on them):

* Only GET is served.  Every other method is recorded and answered 405
  ``MethodNotAllowed``; ``watch=true`` is answered the same way (the fixture
  cannot stream).  This is the exact Status a real server sends for a resource
  that has no watch support (``NewMethodNotSupported``).
* Discovery is the legacy (unaggregated) format.  kubectl asks for the
  aggregated ``apidiscovery.k8s.io/v2`` format first and falls back when the
  response Content-Type is plain ``application/json``.
* Table output (``Accept: ...;as=Table``) is ignored; kubectl then prints
  client-side, as documented in kubectl's get.go fallback.
* ``resourceVersion`` / ``resourceVersionMatch`` on lists are ignored, except
  the real "not allowed with continue" check.

Real semantics worth knowing when writing tests against it:

* List order is etcd key order: the byte order of ``<namespace>/<name>``
  (cluster-scoped: ``<name>``).
* ``limit``/``continue`` behave like storage/etcd3/store.go GetList: a page is
  a consistent snapshot (objects added after page 1 do not appear in later
  pages), the token resumes after the last returned key, and
  ``remainingItemCount`` is only set when no selector is used.  With a
  selector a page may be followed by an empty last page.  A garbage token is
  400 "invalid continue token: ..."; after ``compact()`` an old token is 410
  ``Expired`` whose Status ``metadata.continue`` resumes inconsistently.
* metrics.k8s.io lists ignore ``limit`` (metrics-server does) and have empty
  list metadata.
* Unsupported field selector labels are 400 with ConvertFieldLabel's message
  ("field label not supported: x" or the metadata-only default).
* A namespace exists once anything is added in it; default, kube-system,
  kube-public and kube-node-lease always exist.
* A 429 carries ``Retry-After: 1``; urllib3 (the official client) retries it
  up to 3 times by itself unless ``Configuration.retries`` is 0.
* events.k8s.io/v1 is a view of core events (same storage, converted), so a
  kubelet event has ``"eventTime": null`` there, as on a real cluster.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import contextlib
import itertools
import json
import re
import socket
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = ["RESOURCES", "FakeApiServer", "RecordedRequest", "ResourceDef"]

# What `kubectl version` on an AKS 1.30 cluster reports (shape of /version,
# staging/src/k8s.io/apimachinery/pkg/version/types.go Info).
VERSION_INFO = {
    "major": "1",
    "minor": "30",
    "gitVersion": "v1.30.6",
    "gitCommit": "00f20d443ba0cee7314c6b5b2fa6f4fd5e7fd4e0",
    "gitTreeState": "clean",
    "buildDate": "2024-10-22T20:39:35Z",
    "goVersion": "go1.22.8",
    "compiler": "gc",
    "platform": "linux/amd64",
}

_FULL_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
_NS_VERBS = ("create", "delete", "get", "list", "patch", "update", "watch")
_METRICS_VERBS = ("get", "list")
_METRICS_GROUP = "metrics.k8s.io"
_METRICS_APISERVICE = "v1beta1.metrics.k8s.io"
# Namespaces every real cluster has; callers may replace them with add().
_DEFAULT_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")


@dataclass(frozen=True)
class ResourceDef:
    """One REST resource as it appears in discovery (metav1.APIResource)."""

    group: str
    version: str
    plural: str
    singular: str
    kind: str
    namespaced: bool
    verbs: tuple[str, ...] = _FULL_VERBS
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    # Table the objects live in.  events.k8s.io/v1 events share core events'
    # storage, exactly like the real registry (pkg/registry/events/rest).
    storage: tuple[str, str] | None = None

    @property
    def group_version(self) -> str:
        """`v1` for core, else `group/version`."""
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def qualified(self) -> str:
        """schema.GroupResource.String(): `pods`, `deployments.apps`."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def table(self) -> tuple[str, str]:
        """Storage key of this resource."""
        return self.storage or (self.group, self.plural)


def _r(group, version, plural, singular, kind, namespaced, verbs=_FULL_VERBS, short=(), cats=(), storage=None):
    return ResourceDef(
        group, version, plural, singular, kind, namespaced, tuple(verbs), tuple(short), tuple(cats), storage
    )


# Served resources, in the order a real 1.30 server lists them.  Names,
# shortNames, categories and verbs are as `kubectl api-resources -o wide`
# shows them on AKS.
RESOURCES: tuple[ResourceDef, ...] = (
    _r("", "v1", "configmaps", "configmap", "ConfigMap", True, short=("cm",)),
    _r("", "v1", "endpoints", "endpoints", "Endpoints", True, short=("ep",)),
    _r("", "v1", "events", "event", "Event", True, short=("ev",)),
    _r("", "v1", "limitranges", "limitrange", "LimitRange", True, short=("limits",)),
    _r("", "v1", "namespaces", "namespace", "Namespace", False, _NS_VERBS, short=("ns",)),
    _r("", "v1", "nodes", "node", "Node", False, short=("no",)),
    _r("", "v1", "persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", True, short=("pvc",)),
    _r("", "v1", "persistentvolumes", "persistentvolume", "PersistentVolume", False, short=("pv",)),
    _r("", "v1", "pods", "pod", "Pod", True, short=("po",), cats=("all",)),
    _r("", "v1", "pods/log", "", "Pod", True, ("get",)),
    _r("", "v1", "resourcequotas", "resourcequota", "ResourceQuota", True, short=("quota",)),
    _r("", "v1", "secrets", "secret", "Secret", True),
    _r("", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", True, short=("sa",)),
    _r("", "v1", "services", "service", "Service", True, short=("svc",), cats=("all",)),
    _r("apiregistration.k8s.io", "v1", "apiservices", "apiservice", "APIService", False, cats=("api-extensions",)),
    _r("apps", "v1", "daemonsets", "daemonset", "DaemonSet", True, short=("ds",), cats=("all",)),
    _r("apps", "v1", "deployments", "deployment", "Deployment", True, short=("deploy",), cats=("all",)),
    _r("apps", "v1", "replicasets", "replicaset", "ReplicaSet", True, short=("rs",), cats=("all",)),
    _r("apps", "v1", "statefulsets", "statefulset", "StatefulSet", True, short=("sts",), cats=("all",)),
    _r("events.k8s.io", "v1", "events", "event", "Event", True, short=("ev",), storage=("", "events")),
    _r(
        "autoscaling",
        "v2",
        "horizontalpodautoscalers",
        "horizontalpodautoscaler",
        "HorizontalPodAutoscaler",
        True,
        short=("hpa",),
        cats=("all",),
    ),
    _r("policy", "v1", "poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget", True, short=("pdb",)),
    _r("storage.k8s.io", "v1", "csidrivers", "csidriver", "CSIDriver", False),
    _r("storage.k8s.io", "v1", "csinodes", "csinode", "CSINode", False),
    _r("storage.k8s.io", "v1", "storageclasses", "storageclass", "StorageClass", False, short=("sc",)),
    _r("storage.k8s.io", "v1", "volumeattachments", "volumeattachment", "VolumeAttachment", False),
    _r("coordination.k8s.io", "v1", "leases", "lease", "Lease", True),
    _r(_METRICS_GROUP, "v1beta1", "nodes", "", "NodeMetrics", False, _METRICS_VERBS),
    _r(_METRICS_GROUP, "v1beta1", "pods", "", "PodMetrics", True, _METRICS_VERBS),
    _r("secrets-store.csi.x-k8s.io", "v1", "secretproviderclasses", "secretproviderclass", "SecretProviderClass", True),
    _r("discovery.k8s.io", "v1", "endpointslices", "endpointslice", "EndpointSlice", True),
    _r("networking.k8s.io", "v1", "ingressclasses", "ingressclass", "IngressClass", False),
    _r("networking.k8s.io", "v1", "ingresses", "ingress", "Ingress", True, short=("ing",)),
    _r("networking.k8s.io", "v1", "networkpolicies", "networkpolicy", "NetworkPolicy", True, short=("netpol",)),
    # deploy/*.yaml kinds, for `kubectl apply --dry-run=client` of the manifests
    _r("batch", "v1", "cronjobs", "cronjob", "CronJob", True, short=("cj",), cats=("all",)),
    _r("batch", "v1", "jobs", "job", "Job", True, cats=("all",)),
    _r("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", False),
    _r("rbac.authorization.k8s.io", "v1", "clusterroles", "clusterrole", "ClusterRole", False),
    _r("rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding", True),
    _r("rbac.authorization.k8s.io", "v1", "roles", "role", "Role", True),
    _r("external-secrets.io", "v1beta1", "secretstores", "secretstore", "SecretStore", True),
    _r("external-secrets.io", "v1beta1", "clustersecretstores", "clustersecretstore", "ClusterSecretStore", False),
    _r(
        "admissionregistration.k8s.io",
        "v1",
        "mutatingwebhookconfigurations",
        "mutatingwebhookconfiguration",
        "MutatingWebhookConfiguration",
        False,
    ),
)

# /apis group order of a real AKS cluster (kubectl resolves short-name clashes
# such as `ev` by this priority).
_GROUP_ORDER = (
    "apiregistration.k8s.io",
    "apps",
    "events.k8s.io",
    "autoscaling",
    "policy",
    "storage.k8s.io",
    "coordination.k8s.io",
    _METRICS_GROUP,
    "secrets-store.csi.x-k8s.io",
    "discovery.k8s.io",
    "networking.k8s.io",
    "batch",
    "rbac.authorization.k8s.io",
    "admissionregistration.k8s.io",
    "external-secrets.io",
)
_BY_PATH: dict[tuple[str, str, str], ResourceDef] = {(r.group, r.version, r.plural): r for r in RESOURCES}
_BY_KIND: dict[tuple[str, str], ResourceDef] = {(r.group, r.kind): r for r in RESOURCES if "/" not in r.plural}


# --------------------------------------------------------------------------- errors


class ApiError(Exception):
    """An API error answered as a metav1.Status body."""

    def __init__(
        self,
        code: int,
        reason: str,
        message: str,
        *,
        details: dict | None = None,
        metadata: dict | None = None,
        headers: dict | None = None,
    ):
        super().__init__(message)
        self.code, self.reason, self.message = code, reason, message
        self.details, self.metadata, self.headers = details, metadata or {}, dict(headers or {})
        # responsewriters.ErrorNegotiated turns details.retryAfterSeconds into
        # a Retry-After header.  NB: urllib3 (hence the official Python client)
        # silently retries 413/429/503 responses that carry it, up to 3 times.
        retry_after = (details or {}).get("retryAfterSeconds")
        if retry_after:
            self.headers.setdefault("Retry-After", str(retry_after))

    def status(self) -> dict:
        """The Status object, keys in the order the apiserver writes them."""
        body: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": self.metadata,
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
        }
        if self.details is not None:
            body["details"] = self.details
        body["code"] = self.code
        return body


def _details(rdef: ResourceDef | None, name: str = "") -> dict:
    # metav1.StatusDetails: empty name/group are omitted (omitempty).
    out: dict[str, Any] = {}
    if name:
        out["name"] = name
    if rdef is not None and rdef.group:
        out["group"] = rdef.group
    if rdef is not None:
        out["kind"] = rdef.plural.split("/")[0]
    return out


def not_found(rdef: ResourceDef, name: str) -> ApiError:
    """apierrors.NewNotFound (staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go)."""
    qualified = ResourceDef(rdef.group, "", rdef.plural.split("/")[0], "", "", True).qualified
    return ApiError(404, "NotFound", f'{qualified} "{name}" not found', details=_details(rdef, name))


def route_not_found() -> ApiError:
    """The apiserver's catch-all 404 (staging/src/k8s.io/apiserver/pkg/util/notfoundhandler)."""
    return ApiError(404, "NotFound", "the server could not find the requested resource")


def bad_request(message: str) -> ApiError:
    """apierrors.NewBadRequest: no details."""
    return ApiError(400, "BadRequest", message)


def method_not_supported(rdef: ResourceDef | None, action: str) -> ApiError:
    """apierrors.NewMethodNotSupported."""
    qualified = rdef.qualified.split("/")[0] if rdef else ""
    return ApiError(
        405,
        "MethodNotAllowed",
        f'{action} is not supported on resources of kind "{qualified}"',
        details=_details(rdef) if rdef else {},
    )


def forbidden(rdef: ResourceDef, verb: str, namespace: str, name: str, user: str) -> ApiError:
    """responsewriters.Forbidden + forbiddenMessage + apierrors.NewForbidden.

    Source: staging/src/k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/errors.go.
    The quoted resource carries the subresource (`pods/log`); the prefix and
    details.kind carry only the resource.
    """
    base = rdef.plural.split("/")[0]
    qualified = f"{base}.{rdef.group}" if rdef.group else base
    scope = f'in the namespace "{namespace}"' if namespace else "at the cluster scope"
    reason = f'User "{user}" cannot {verb} resource "{rdef.plural}" in API group "{rdef.group}" {scope}'
    prefix = f'{qualified} "{name}"' if name else qualified
    return ApiError(403, "Forbidden", f"{prefix} is forbidden: {reason}", details=_details(rdef, name))


def injected_failure(code: int) -> ApiError:
    """Status bodies for fail(): the constructors in apimachinery/pkg/api/errors."""
    if code == 429:
        # NewTooManyRequests with retryAfterSeconds=1, hence "Retry-After: 1".
        return ApiError(
            429, "TooManyRequests", "Too many requests, please try again later.", details={"retryAfterSeconds": 1}
        )
    if code == 500:
        cause = "fixture-injected failure"
        return ApiError(
            500, "InternalError", f"Internal error occurred: {cause}", details={"causes": [{"message": cause}]}
        )
    if code == 503:
        # What the aggregator answers for an unavailable APIService: no
        # Retry-After, so clients do not retry it behind the caller's back.
        return ApiError(503, "ServiceUnavailable", "the server is currently unable to handle the request")
    if code == 504:
        return ApiError(
            504,
            "Timeout",
            "the server was unable to return a response in the time allotted, but may still be processing the request",
            details={},
        )
    return ApiError(code, "InternalError" if code >= 500 else "BadRequest", f"fixture-injected HTTP {code}")


# --------------------------------------------------------------------------- label selectors

# Lexer of k8s.io/apimachinery/pkg/labels/selector.go.
_SPECIAL = ("!=", "==", "!", "(", ")", ",", "=", ">", "<")
_LABEL_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\Z")
_DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")


def _lex(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        sym = next((s for s in _SPECIAL if text.startswith(s, i)), None)
        if sym:
            tokens.append((sym, sym))
            i += len(sym)
            continue
        j = i
        while j < len(text) and not text[j].isspace() and not any(text.startswith(s, j) for s in _SPECIAL):
            j += 1
        word = text[i:j]
        tokens.append(("in" if word == "in" else "notin" if word == "notin" else "id", word))
        i = j
    tokens.append(("eos", ""))
    return tokens


def _validate_label_key(key: str) -> None:
    prefix, _, name = key.rpartition("/")
    ok = bool(_LABEL_NAME.match(name)) and len(name) <= 63
    if "/" in key:
        ok = ok and bool(_DNS_SUBDOMAIN.match(prefix)) and len(prefix) <= 253
    if not ok:
        raise ValueError(
            f'key: Invalid value: "{key}": name part must consist of alphanumeric characters, '
            "'-', '_' or '.', and must start and end with an alphanumeric character"
        )


def _validate_label_value(key: str, value: str) -> None:
    if value and not (_LABEL_NAME.match(value) and len(value) <= 63):
        raise ValueError(
            f'values[0][{key}]: Invalid value: "{value}": a valid label must be an empty string '
            "or consist of alphanumeric characters, '-', '_' or '.', and must start and end "
            "with an alphanumeric character"
        )


class LabelSelector:
    """A parsed `labelSelector` (set-based grammar of labels.Parse)."""

    def __init__(self, text: str):
        self.text = text
        self.reqs: list[tuple[str, str, frozenset[str]]] = []
        self._toks = _lex(text)
        self._pos = 0
        self._parse()

    def _peek(self) -> tuple[str, str]:
        return self._toks[self._pos]

    def _next(self) -> tuple[str, str]:
        tok = self._toks[self._pos]
        self._pos += 1
        return tok

    def _value_tok(self, tok: tuple[str, str]) -> tuple[str, str]:
        # In "values" mode the keywords in/notin are plain identifiers.
        return ("id", tok[1]) if tok[0] in ("in", "notin") else tok

    def _parse(self) -> None:
        while True:
            kind, lit = self._peek()
            if kind == "eos":
                return
            if kind not in ("id", "!"):
                raise ValueError(f"found '{lit}', expected: !, identifier, or 'end of string'")
            self._requirement()
            kind, lit = self._next()
            if kind == "eos":
                return
            if kind != ",":
                raise ValueError(f"found '{lit}', expected: ',' or 'end of string'")
            if self._peek()[0] not in ("id", "!"):
                raise ValueError(f"found '{self._peek()[1]}', expected: identifier after ','")

    def _requirement(self) -> None:
        negate = self._peek()[0] == "!"
        if negate:
            self._next()
        kind, key = self._next()
        if kind != "id":
            raise ValueError(f"found '{key}', expected: identifier")
        _validate_label_key(key)
        if negate:
            self.reqs.append((key, "!", frozenset()))
            return
        if self._peek()[0] in ("eos", ","):
            self.reqs.append((key, "exists", frozenset()))
            return
        op, lit = self._next()
        if op in ("in", "notin"):
            values = self._set_values()
        elif op in ("=", "==", "!=", ">", "<"):
            values = self._exact_value()
        else:
            raise ValueError(f"found '{lit}', expected: in, notin, =, ==, !=, gt, lt")
        for value in values:
            _validate_label_value(key, value)
        if op in (">", "<"):
            (value,) = values
            if not re.fullmatch(r"-?\d+", value):
                raise ValueError(
                    f"values[0]: Invalid value: \"{value}\": for 'Gt', 'Lt' operators, the value must be an integer"
                )
        self.reqs.append((key, "=" if op == "==" else op, values))

    def _exact_value(self) -> frozenset[str]:
        if self._peek()[0] in ("eos", ","):
            return frozenset({""})
        kind, lit = self._value_tok(self._next())
        if kind != "id":
            raise ValueError(f"found '{lit}', expected: identifier")
        return frozenset({lit})

    def _set_values(self) -> frozenset[str]:
        kind, lit = self._next()
        if kind != "(":
            raise ValueError(f"found '{lit}', expected: '('")
        values: set[str] = set()
        expect_value = True
        while True:
            kind, lit = self._value_tok(self._next())
            if kind == ")":
                if expect_value:
                    values.add("")  # "()" and "a,)" mean the empty value, as upstream
                return frozenset(values)
            if kind == ",":
                if expect_value:
                    values.add("")
                expect_value = True
            elif kind == "id" and expect_value:
                values.add(lit)
                expect_value = False
            else:
                raise ValueError(
                    f"found '{lit}', expected: ',', or identifier"
                    if expect_value
                    else f"found '{lit}', expected: ',' or ')'"
                )

    def matches(self, labels: dict[str, str]) -> bool:
        """labels.Requirement.Matches for every requirement."""
        for key, op, values in self.reqs:
            has = key in labels
            if op == "exists":
                ok = has
            elif op == "!":
                ok = not has
            elif op in ("=", "in"):
                ok = has and labels[key] in values
            elif op in ("!=", "notin"):
                ok = not has or labels[key] not in values
            else:  # > and <: label must hold an integer
                try:
                    actual, (wanted,) = int(labels[key]), values
                except (KeyError, ValueError):
                    return False
                ok = actual > int(wanted) if op == ">" else actual < int(wanted)
            if not ok:
                return False
        return True


# --------------------------------------------------------------------------- field selectors


def _dig(obj: Any, path: str) -> Any:
    for part in path.split("."):
        obj = obj.get(part) if isinstance(obj, dict) else None
    return obj


def _field_str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"  # strconv.FormatBool
    return str(value)


def _pod_ip(obj: dict) -> str:
    # PodToSelectableFields uses status.podIPs[0] (pkg/registry/core/pod/strategy.go).
    ips = _dig(obj, "status.podIPs") or []
    if ips and isinstance(ips[0], dict):
        return ips[0].get("ip", "")
    return _field_str(_dig(obj, "status.podIP"))


def _event_source(obj: dict) -> str:
    # EventToSelectableFields: source.component, falling back to reportingComponent.
    return _dig(obj, "source.component") or obj.get("reportingComponent") or ""


_META = ("metadata.name", "metadata.namespace")
# Per-resource accepted labels and value extractors, from the
# AddFieldLabelConversionFunc calls in pkg/apis/core/v1/conversion.go and
# pkg/apis/events/v1/conversion.go.  Keys are accepted request labels; values
# are the internal label they map to.  Unknown resources use
# runtime.DefaultMetaV1FieldSelectorConversion.
_FIELD_LABELS: dict[tuple[str, str], dict[str, str]] = {
    ("", "pods"): {
        k: k
        for k in _META
        + (
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "spec.hostNetwork",
            "status.phase",
            "status.podIP",
            "status.podIPs",
            "status.nominatedNodeName",
        )
    }
    | {"spec.host": "spec.nodeName"},
    ("", "nodes"): {"metadata.name": "metadata.name", "spec.unschedulable": "spec.unschedulable"},
    ("", "events"): {
        k: k
        for k in _META
        + (
            "involvedObject.kind",
            "involvedObject.namespace",
            "involvedObject.name",
            "involvedObject.uid",
            "involvedObject.apiVersion",
            "involvedObject.resourceVersion",
            "involvedObject.fieldPath",
            "reason",
            "reportingComponent",
            "source",
            "type",
        )
    },
    ("events.k8s.io", "events"): {k: k for k in _META + ("reason", "source", "type")}
    | {
        f"regarding.{f}": f"involvedObject.{f}"
        for f in ("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath")
    }
    | {"reportingController": "reportingComponent"},
    ("", "namespaces"): {"metadata.name": "metadata.name", "status.phase": "status.phase"},
    ("", "secrets"): {k: k for k in _META + ("type",)},
    ("", "services"): {k: k for k in _META + ("spec.clusterIP", "spec.type")},
}
_FIELD_EXTRACTORS: dict[str, Callable[[dict], str]] = {
    "spec.hostNetwork": lambda o: _field_str(bool(_dig(o, "spec.hostNetwork"))),
    "spec.unschedulable": lambda o: _field_str(bool(_dig(o, "spec.unschedulable"))),
    "status.podIP": _pod_ip,
    # status.podIPs is accepted but not in PodToSelectableFields: it only ever equals "".
    "status.podIPs": lambda o: "",
    "source": _event_source,
    "status.phase": lambda o: _field_str(_dig(o, "status.phase")) or ("Active" if o.get("kind") == "Namespace" else ""),
}


def _split_unescaped(text: str, sep: str) -> list[str]:
    parts, cur, i = [], [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            cur.append(text[i : i + 2])
            i += 2
            continue
        if text[i] == sep:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(text[i])
        i += 1
    parts.append("".join(cur))
    return parts


def _unescape_field_value(value: str) -> str:
    # fields.UnescapeValue: only \\ \, \= are valid escapes; bare , or = are errors.
    out, i = [], 0
    while i < len(value):
        ch = value[i]
        if ch == "\\":
            if i + 1 >= len(value) or value[i + 1] not in "\\,=":
                raise ValueError(f"invalid field selector: invalid escape sequence: {value[i : i + 2]}")
            out.append(value[i + 1])
            i += 2
            continue
        if ch in ",=":
            raise ValueError(f"invalid field selector: unescaped character in value: {ch}")
        out.append(ch)
        i += 1
    return "".join(out)


class FieldSelector:
    """A parsed `fieldSelector`: terms `f=v`, `f==v`, `f!=v`, comma-separated."""

    def __init__(self, text: str, rdef: ResourceDef):
        self.terms: list[tuple[str, bool, str]] = []
        allowed = _FIELD_LABELS.get((rdef.group, rdef.plural))
        for part in _split_unescaped(text, ","):
            if not part:
                continue
            # splitTerm: first position where != , == or = starts (fields/selector.go).
            m = re.search(r"!=|==|=", part)
            if not m:
                raise ValueError(f"invalid selector: '{text}'; can't understand '{part}'")
            label, op, value = part[: m.start()], m.group(), _unescape_field_value(part[m.end() :])
            self.terms.append((self._convert(label, allowed), op != "!=", value))

    @staticmethod
    def _convert(label: str, allowed: dict[str, str] | None) -> str:
        if allowed is None:
            if label in _META:
                return label
            raise LookupError(f'"{label}" is not a known field selector: only "metadata.name", "metadata.namespace"')
        if label not in allowed:
            raise LookupError(f"field label not supported: {label}")
        return allowed[label]

    def matches(self, obj: dict) -> bool:
        """Every term holds for the object (internal/core representation)."""
        for label, equal, value in self.terms:
            extractor = _FIELD_EXTRACTORS.get(label)
            actual = extractor(obj) if extractor else _field_str(_dig(obj, label))
            if (actual == value) != equal:
                return False
        return True


# --------------------------------------------------------------------------- events.k8s.io conversion

# pkg/apis/events/v1/conversion.go: core field <-> events.k8s.io/v1 field.
_EVENT_FIELDS = (
    ("eventTime", "eventTime"),
    ("series", "series"),
    ("reportingComponent", "reportingController"),
    ("reportingInstance", "reportingInstance"),
    ("action", "action"),
    ("reason", "reason"),
    ("involvedObject", "regarding"),
    ("related", "related"),
    ("message", "note"),
    ("type", "type"),
    ("source", "deprecatedSource"),
    ("firstTimestamp", "deprecatedFirstTimestamp"),
    ("lastTimestamp", "deprecatedLastTimestamp"),
    ("count", "deprecatedCount"),
)


def core_event_to_events_v1(obj: dict) -> dict:
    """Render a stored core/v1 Event as events.k8s.io/v1."""
    out = {"apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": obj.get("metadata", {})}
    for core, new in _EVENT_FIELDS:
        if core in obj:
            out[new] = obj[core]
    out.setdefault("eventTime", None)  # not omitempty in events/v1
    return out


def events_v1_to_core_event(obj: dict) -> dict:
    """Convert an events.k8s.io/v1 Event to the stored core/v1 form."""
    out = {"apiVersion": "v1", "kind": "Event", "metadata": obj.get("metadata", {})}
    for core, new in _EVENT_FIELDS:
        if new in obj:
            out[core] = obj[new]
    return out


# --------------------------------------------------------------------------- storage


def _dumps(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


class _Entry:
    """A stored object plus its cached JSON renderings."""

    __slots__ = ("_alt", "_json", "labels", "obj")

    def __init__(self, obj: dict):
        self.obj = obj
        self.labels: dict[str, str] = (obj.get("metadata") or {}).get("labels") or {}
        self._json: str | None = None
        self._alt: str | None = None

    def json_for(self, rdef: ResourceDef) -> str:
        """The object's JSON as served by `rdef` (events.k8s.io converts)."""
        if rdef.storage and rdef.group == "events.k8s.io":
            if self._alt is None:
                self._alt = _dumps(core_event_to_events_v1(self.obj))
            return self._alt
        if self._json is None:
            self._json = _dumps(self.obj)
        return self._json


class _Table:
    """Objects of one resource keyed like etcd: `<ns>/<name>` or `<name>`."""

    def __init__(self) -> None:
        self.entries: dict[str, _Entry] = {}
        self._snap: tuple[list[str], list[_Entry]] | None = None

    def put(self, key: str, entry: _Entry) -> None:
        self.entries[key] = entry
        self._snap = None

    def delete(self, key: str) -> None:
        if self.entries.pop(key, None) is not None:
            self._snap = None

    def snapshot(self) -> tuple[list[str], list[_Entry]]:
        """Sorted (keys, entries); immutable, so pages of one list stay consistent."""
        if self._snap is None:
            keys = sorted(self.entries)
            self._snap = (keys, [self.entries[k] for k in keys])
        return self._snap


# --------------------------------------------------------------------------- public types


@dataclass
class RecordedRequest:
    """One request the server received."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    at: float = field(default=0.0, compare=False, repr=False)  # time.monotonic() when it arrived
    done: float = field(default=0.0, compare=False, repr=False)  # time.monotonic() when its answer was sent


@dataclass
class _Rule:
    verb: str
    resource: str
    namespace: str | None
    group: str


@dataclass
class _Failure:
    status: int
    path_prefix: str
    remaining: int


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _truthy(value: str | None) -> bool:
    return (value or "").lower() in ("true", "1")


def _parse_int(query: dict[str, str], name: str) -> int | None:
    raw = query.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise bad_request(f'strconv.ParseInt: parsing "{raw}": invalid syntax') from None


# Continue tokens are etcd3's: RawURL base64 of {"v","rv","start"}
# (staging/src/k8s.io/apiserver/pkg/storage/continue.go).
def encode_continue(start: str, rv: int) -> str:
    """Encode a continue token that resumes after relative key `start`."""
    raw = _dumps({"v": "meta.k8s.io/v1", "rv": rv, "start": start + "\x00"}).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_continue(token: str) -> tuple[str, int]:
    """Return (relative start key, rv) or raise the real 400."""
    prefix = "invalid continue token: continue key is not valid"
    try:
        data = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        parsed = json.loads(data)
    except (binascii.Error, ValueError) as exc:
        raise bad_request(f"{prefix}: {exc}") from None
    if not isinstance(parsed, dict) or parsed.get("v") != "meta.k8s.io/v1":
        raise bad_request(f"{prefix}: server does not recognize this encoded version")
    rv, start = parsed.get("rv"), parsed.get("start")
    if not isinstance(rv, int) or rv == 0:
        raise bad_request(f"{prefix}: incorrect encoded start resourceVersion (version meta.k8s.io/v1)")
    if not isinstance(start, str) or not start:
        raise bad_request(f"{prefix}: encoded start key empty (version meta.k8s.io/v1)")
    return start, rv


# storage/etcd3/store.go handleCompactedErrorForPaging.
_INCONSISTENT_CONTINUE = (
    "The provided continue parameter is too old to display a consistent list result. You can start a new "
    "list without the continue parameter, or use the continue token in this response to retrieve the "
    "remainder of the results. Continuing with the provided token results in an inconsistent list - objects "
    "that were created, modified, or deleted between the time the first chunk was returned and now may show "
    "up in the list."
)


@dataclass
class _Response:
    code: int
    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class _Target:
    """A parsed resource request (the apiserver's RequestInfo)."""

    rdef: ResourceDef
    namespace: str  # "" = cluster scope / all namespaces
    name: str
    subresource: str

    @property
    def authz_namespace(self) -> str:
        # RequestInfo: GET /api/v1/namespaces/<ns> carries namespace=<ns>.
        if self.rdef.plural == "namespaces" and self.name:
            return self.name
        return self.namespace


# --------------------------------------------------------------------------- server


class FakeApiServer:
    """A read-only kube-apiserver on 127.0.0.1 that serves `objects` over real HTTP."""

    def __init__(self, objects: Iterable[dict] = (), *, latency: float = 0.0):
        self.latency = latency
        # Hostile modes (tests/test_hostile.py): a body that drips in (seconds between 16-byte chunks),
        # and lists that never stop answering a `continue` token.
        self.drip = 0.0
        self.endless_continue = False
        self.user = "fixture-user"
        self.url = ""
        self.requests: list[RecordedRequest] = []
        self.errors: list[str] = []  # tracebacks of unexpected handler crashes
        self._lock = threading.RLock()
        self._tables: dict[tuple[str, str], _Table] = {}
        self._rv = 1000
        self._snapshots: dict[tuple[tuple[str, str], int], tuple[list[str], list[_Entry]]] = {}
        self._compacted_rv = 0
        self._rules: list[_Rule] = []
        self._failures: list[_Failure] = []
        self._logs: dict[tuple[str, str, str, bool], str] = {}
        self._metrics_available = True
        self._metrics_failure = "missing"
        self._explicit_apiservices: set[str] = set()
        self._audit = itertools.count(1)
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._conns: set[Any] = set()
        for name in _DEFAULT_NAMESPACES:
            self._put(self._namespace_obj(name), explicit=False)
        self._refresh_apiservices()
        self.add(*objects)

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> FakeApiServer:
        """Bind 127.0.0.1 on a free port and serve in a daemon thread."""
        if self._httpd is not None:
            return self
        httpd = _HTTPServer(("127.0.0.1", 0), _Handler)
        httpd.api = self
        self._httpd = httpd
        self.url = f"http://127.0.0.1:{httpd.server_address[1]}"
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-kube-apiserver", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close every open client connection."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        with self._lock:
            conns, self._conns = list(self._conns), set()
        for conn in conns:
            with contextlib.suppress(OSError):  # already closed by the client
                conn.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeApiServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ objects

    def add(self, *objs: dict) -> None:
        """Add or replace objects as `kubectl get -o json` prints them (a `List` is unpacked)."""
        with self._lock:
            for obj in objs:
                if obj.get("kind", "").endswith("List") and isinstance(obj.get("items"), list):
                    self.add(*obj["items"])
                    continue
                self._put(json.loads(json.dumps(obj)), explicit=True)

    def remove(self, *objs: dict) -> None:
        """Delete objects (matched by apiVersion, kind, namespace, name)."""
        with self._lock:
            for obj in objs:
                rdef = self._rdef_for(obj)
                meta = obj.get("metadata") or {}
                key = self._key(rdef, meta.get("namespace") or "default", meta["name"])
                self._table(rdef).delete(key)
                self._rv += 1

    def compact(self) -> None:
        """Simulate etcd compaction: every continue token issued so far now gets 410 Expired."""
        with self._lock:
            self._compacted_rv = self._rv
            self._snapshots.clear()
            self._rv += 1

    def _rdef_for(self, obj: dict) -> ResourceDef:
        api_version, kind = obj.get("apiVersion", ""), obj.get("kind", "")
        group = api_version.rpartition("/")[0] if "/" in api_version else ""
        rdef = _BY_KIND.get((group, kind))
        if rdef is None:
            raise ValueError(f"FakeApiServer does not serve {api_version} {kind}; add it to RESOURCES")
        return rdef

    def _table(self, rdef: ResourceDef) -> _Table:
        return self._tables.setdefault(rdef.table, _Table())

    @staticmethod
    def _key(rdef: ResourceDef, namespace: str, name: str) -> str:
        return f"{namespace}/{name}" if rdef.namespaced else name

    def _put(self, obj: dict, *, explicit: bool) -> None:
        rdef = self._rdef_for(obj)
        if rdef.group == "events.k8s.io":
            obj = events_v1_to_core_event(obj)
            rdef = _BY_KIND[("", "Event")]
        meta = obj.setdefault("metadata", {})
        if not meta.get("name"):
            raise ValueError(f"object without metadata.name: {obj!r:.200}")
        self._rv += 1
        if rdef.namespaced:
            meta.setdefault("namespace", "default")
            self._ensure_namespace(meta["namespace"])
        else:
            meta.pop("namespace", None)
        ns = meta.get("namespace", "")
        meta.setdefault("uid", str(uuid.uuid5(uuid.NAMESPACE_URL, f"fake-kube/{rdef.table}/{ns}/{meta['name']}")))
        meta.setdefault("resourceVersion", str(self._rv))
        meta.setdefault("creationTimestamp", _now())
        if str(meta["resourceVersion"]).isdigit():
            self._rv = max(self._rv, int(meta["resourceVersion"]))
        if rdef.kind == "APIService" and explicit:
            self._explicit_apiservices.add(meta["name"])
        self._table(rdef).put(self._key(rdef, ns, meta["name"]), _Entry(obj))

    def _ensure_namespace(self, name: str) -> None:
        # A namespace exists implicitly as soon as something lives in it.
        if name not in self._table(_BY_KIND[("", "Namespace")]).entries:
            self._put(self._namespace_obj(name), explicit=False)

    @staticmethod
    def _namespace_obj(name: str) -> dict:
        return {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {"name": name, "labels": {"kubernetes.io/metadata.name": name}},
            "spec": {"finalizers": ["kubernetes"]},
            "status": {"phase": "Active"},
        }

    # ------------------------------------------------------------------ behaviour knobs

    def clear_requests(self) -> None:
        """Forget recorded requests."""
        with self._lock:
            self.requests.clear()

    def forbid(self, verb: str, resource: str, namespace: str | None = None, *, group: str = "") -> None:
        """Deny `verb` (get|list|watch|*) on `resource` (e.g. "pods/log") in `namespace` (None = everywhere).

        RBAC only grants, so a user denied in one namespace cannot hold a
        cluster-wide grant either: all-namespaces requests for that resource
        are denied by any namespaced rule as well.
        """
        with self._lock:
            self._rules.append(_Rule(verb, resource, namespace, group))

    def fail(self, status: int, *, path_prefix: str = "", times: int = 1) -> None:
        """Answer the next `times` requests under `path_prefix` with `status` and a Status body."""
        with self._lock:
            self._failures.append(_Failure(status, path_prefix, times))

    def set_metrics_available(self, available: bool, *, failure: str = "missing") -> None:
        """Serve (True) or break (False) metrics.k8s.io; its APIService's Available condition follows.

        failure="missing" (default): discovery omits the group and its paths
        404, as on a cluster without metrics-server.  failure="unavailable":
        the real "registered but down" state -- /apis still lists the group
        and every /apis/metrics.k8s.io/v1beta1 path answers 503 text/plain
        "service unavailable" (kube-aggregator handler_proxy.go proxyError).
        """
        if failure not in ("missing", "unavailable"):
            raise ValueError("failure must be 'missing' or 'unavailable'")
        with self._lock:
            self._metrics_available, self._metrics_failure = available, failure
            self._refresh_apiservices()

    def set_log(self, namespace: str, pod: str, container: str, text: str, *, previous: bool = False) -> None:
        """Set what pods/log returns for a container (current or previous instance)."""
        with self._lock:
            self._logs[(namespace, pod, container, previous)] = text

    def write_kubeconfig(
        self, path: Any, *, context: str = "fixture", namespace: str | None = None, user: str = "fixture-user"
    ) -> str:
        """Write a token-auth kubeconfig for this server; JSON is valid YAML for kubectl and the client."""
        if not self.url:
            raise RuntimeError("start() the server before writing a kubeconfig")
        ctx: dict[str, Any] = {"cluster": f"{context}-cluster", "user": user}
        if namespace:
            ctx["namespace"] = namespace
        config = {
            "apiVersion": "v1",
            "kind": "Config",
            "preferences": {},
            "clusters": [{"name": f"{context}-cluster", "cluster": {"server": self.url}}],
            "users": [{"name": user, "user": {"token": f"fixture-token-{user}"}}],
            "contexts": [{"name": context, "context": ctx}],
            "current-context": context,
        }
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(config, fh, indent=2)
        return str(path)

    def _refresh_apiservices(self) -> None:
        """(Re)generate the APIService per served group version, as the aggregator would."""
        seen: set[str] = set()
        for rdef in RESOURCES:
            name = f"{rdef.version}.{rdef.group}"
            if name in seen or name in self._explicit_apiservices:
                continue
            seen.add(name)
            self._put(self._apiservice(rdef.group, rdef.version), explicit=False)

    def _apiservice(self, group: str, version: str) -> dict:
        spec: dict[str, Any] = {
            "group": group,
            "version": version,
            "groupPriorityMinimum": 18000,
            "versionPriority": 15,
        }
        cond = {
            "type": "Available",
            "status": "True",
            "lastTransitionTime": _now(),
            "reason": "Local",
            "message": "Local APIServices are always available",
        }
        if group == _METRICS_GROUP:
            spec.update(
                service={"namespace": "kube-system", "name": "metrics-server", "port": 443},
                insecureSkipTLSVerify=True,
                groupPriorityMinimum=100,
                versionPriority=100,
            )
            if self._metrics_available:
                cond.update(reason="Passed", message="all checks passed")
            else:
                # kube-aggregator available_controller.go wording.
                cond.update(
                    status="False",
                    reason="MissingEndpoints",
                    message='endpoints for service/metrics-server in "kube-system" have no addresses '
                    'with port name "https"',
                )
        else:
            spec["service"] = None
        return {
            "apiVersion": "apiregistration.k8s.io/v1",
            "kind": "APIService",
            "metadata": {"name": f"{version}.{group}"},
            "spec": spec,
            "status": {"conditions": [cond]},
        }

    # ------------------------------------------------------------------ request pipeline

    def _serve(self, method: str, raw_path: str, headers: dict[str, str]) -> _Response:
        parts = urlsplit(raw_path)
        path = parts.path
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        with self._lock:
            self.requests.append(RecordedRequest(method, path, query, headers, at=time.monotonic()))
        if self.latency > 0:
            time.sleep(self.latency)
        try:
            self._check_injected_failure(path)
            return self._route(method, path, query)
        except ApiError as err:
            body = (_dumps(err.status()) + "\n").encode()
            return _Response(err.code, body, headers=err.headers)

    def _check_injected_failure(self, path: str) -> None:
        with self._lock:
            for failure in self._failures:
                if failure.remaining > 0 and path.startswith(failure.path_prefix):
                    failure.remaining -= 1
                    self._failures = [f for f in self._failures if f.remaining > 0]
                    raise injected_failure(failure.status)

    def _route(self, method: str, path: str, query: dict[str, str]) -> _Response:
        segs = [unquote(s) for s in path.strip("/").split("/") if s]
        if segs in (["healthz"], ["readyz"], ["livez"]):
            return _Response(200, b"ok", "text/plain; charset=utf-8")
        if segs[:3] == ["apis", _METRICS_GROUP, "v1beta1"] and len(segs) == 3 and self._metrics_down(segs[1]):
            return self._service_unavailable()
        discovery = self._discovery(segs)
        if discovery is not None:
            if method != "GET":
                raise ApiError(
                    405,
                    "MethodNotAllowed",
                    "the server does not allow this method on the requested resource",
                    details={},
                )
            return self._json(discovery)
        target = self._parse_target(segs)
        verb = "get" if target.name else ("watch" if _truthy(query.get("watch")) else "list")
        if method != "GET":
            # Only reads exist here; the action names are the apiserver's.
            action = {"POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}.get(method, method)
            raise method_not_supported(target.rdef, action)
        self._authorize(target, verb)
        if self._metrics_down(target.rdef.group):
            return self._service_unavailable()  # the aggregator proxies only after authorization
        if verb == "watch":
            raise method_not_supported(target.rdef, "watch")
        if target.subresource == "log":
            return self._pod_log(target, query)
        if target.subresource:
            raise route_not_found()
        if verb == "get":
            return self._get(target)
        return self._list(target, query)

    def _json(self, obj: Any) -> _Response:
        return _Response(200, (_dumps(obj) + "\n").encode())

    def _metrics_served(self, group: str) -> bool:
        """Whether `group` appears in discovery and has routes."""
        return group != _METRICS_GROUP or self._metrics_available or self._metrics_failure == "unavailable"

    def _metrics_down(self, group: str) -> bool:
        return group == _METRICS_GROUP and not self._metrics_available and self._metrics_failure == "unavailable"

    @staticmethod
    def _service_unavailable() -> _Response:
        # http.Error(w, "service unavailable", 503): plain text, not a Status.
        return _Response(
            503, b"service unavailable\n", "text/plain; charset=utf-8", {"X-Content-Type-Options": "nosniff"}
        )

    def _parse_target(self, segs: list[str]) -> _Target:
        if len(segs) >= 3 and segs[0] == "api" and segs[1] == "v1":
            group, version, rest = "", "v1", segs[2:]
        elif len(segs) >= 4 and segs[0] == "apis":
            group, version, rest = segs[1], segs[2], segs[3:]
        else:
            raise route_not_found()
        if not self._metrics_served(group):
            raise route_not_found()
        namespace = ""
        if rest[0] == "namespaces" and len(rest) >= 3:
            namespace, rest = rest[1], rest[2:]
        rdef = _BY_PATH.get((group, version, rest[0]))
        if rdef is None or len(rest) > 3 or (namespace and not rdef.namespaced):
            raise route_not_found()
        name = rest[1] if len(rest) > 1 else ""
        sub = rest[2] if len(rest) > 2 else ""
        if name and rdef.namespaced and not namespace:
            raise route_not_found()  # /api/v1/pods/<name> is not a route
        if sub:
            sub_def = _BY_PATH.get((group, version, f"{rdef.plural}/{sub}"))
            if sub_def is None:
                raise route_not_found()
            rdef = sub_def
        return _Target(rdef, namespace, name, sub)

    def _authorize(self, target: _Target, verb: str) -> None:
        rdef, ns = target.rdef, target.authz_namespace
        with self._lock:
            rules = list(self._rules)
        for rule in rules:
            if rule.verb not in (verb, "*") or rule.resource != rdef.plural or rule.group != rdef.group:
                continue
            if rule.namespace is None or rule.namespace == ns or (rdef.namespaced and not ns):
                raise forbidden(rdef, verb, ns, target.name, self.user)

    # ------------------------------------------------------------------ discovery

    def _discovery(self, segs: list[str]) -> dict | None:
        if segs == ["version"]:
            return VERSION_INFO
        if segs == ["api"]:
            host = self.url.removeprefix("http://")
            return {
                "kind": "APIVersions",
                "versions": ["v1"],
                "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": host}],
            }
        if segs == ["api", "v1"]:
            return self._resource_list("", "v1")
        if segs == ["apis"]:
            return {
                "kind": "APIGroupList",
                "apiVersion": "v1",
                "groups": [self._group(g) for g in _GROUP_ORDER if self._metrics_served(g)],
            }
        if len(segs) == 2 and segs[0] == "apis" and segs[1] in _GROUP_ORDER and self._metrics_served(segs[1]):
            return {"kind": "APIGroup", "apiVersion": "v1", **self._group(segs[1])}
        served = len(segs) >= 2 and any(r.group == segs[-2] and r.version == segs[-1] for r in RESOURCES)
        if len(segs) == 3 and segs[0] == "apis" and served and self._metrics_served(segs[1]):
            return self._resource_list(segs[1], segs[2])
        return None

    @staticmethod
    def _group(group: str) -> dict:
        version = next(r.version for r in RESOURCES if r.group == group)
        gv = {"groupVersion": f"{group}/{version}", "version": version}
        return {"name": group, "versions": [gv], "preferredVersion": gv}

    @staticmethod
    def _resource_list(group: str, version: str) -> dict:
        resources = []
        for r in RESOURCES:
            if r.group != group or r.version != version:
                continue
            item: dict[str, Any] = {
                "name": r.plural,
                "singularName": r.singular,
                "namespaced": r.namespaced,
                "kind": r.kind,
                "verbs": list(r.verbs),
            }
            if r.short_names:
                item["shortNames"] = list(r.short_names)
            if r.categories:
                item["categories"] = list(r.categories)
            resources.append(item)
        gv = f"{group}/{version}" if group else version
        return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources}

    # ------------------------------------------------------------------ get / list

    def _get(self, target: _Target) -> _Response:
        rdef = target.rdef
        with self._lock:
            entry = self._table(rdef).entries.get(self._key(rdef, target.namespace, target.name))
        if entry is None:
            raise not_found(rdef, target.name)
        return _Response(200, (entry.json_for(rdef) + "\n").encode())

    def _list(self, target: _Target, query: dict[str, str]) -> _Response:
        rdef = target.rdef
        labels = self._label_selector(query.get("labelSelector", ""))
        fields = self._field_selector(query.get("fieldSelector", ""), rdef)
        limit = _parse_int(query, "limit") or 0
        if limit < 0:
            raise bad_request("limit: Invalid value: must be greater than or equal to 0")
        token = query.get("continue", "")
        if rdef.group == _METRICS_GROUP:
            # metrics-server's List ignores limit/continue (metrics-server pkg/api/node.go, pod.go).
            limit, token = 0, ""
        if token and query.get("resourceVersion", "") not in ("", "0"):
            raise bad_request("specifying resource version is not allowed when using continue")
        prefix = f"{target.namespace}/" if target.namespace else ""
        rv, keys, entries, start = self._page_source(rdef, token, prefix)
        # Namespaced lists are a contiguous key range, like an etcd prefix scan.
        lo = bisect.bisect_left(keys, prefix) if prefix else 0
        hi = bisect.bisect_left(keys, prefix[:-1] + "0") if prefix else len(keys)  # "0" == "/" + 1
        if start:
            lo = max(lo, bisect.bisect_left(keys, prefix + start))
        items, next_index = self._select(entries, lo, hi, limit, labels, fields)
        meta: dict[str, Any] = {"resourceVersion": str(rv)}
        if next_index < hi:
            # etcd3 GetList: continue after the last returned key; the count is
            # only reported when no selector is used.
            last_key = keys[next_index - 1]
            meta["continue"] = encode_continue(last_key[len(prefix) :], rv)
            if labels is None and fields is None:
                meta["remainingItemCount"] = hi - next_index
        if self.endless_continue and rdef.group != _METRICS_GROUP:
            meta["continue"] = encode_continue("", rv)  # starts over: a server that never ends a list
        if rdef.group == _METRICS_GROUP:
            meta = {}
        head = _dumps({"kind": f"{rdef.kind}List", "apiVersion": rdef.group_version, "metadata": meta})
        body = head[:-1] + ',"items":[' + ",".join(e.json_for(rdef) for e in items) + "]}\n"
        return _Response(200, body.encode())

    def _page_source(self, rdef: ResourceDef, token: str, prefix: str):
        """Return (rv, keys, entries, relative start) for a first page or a continuation."""
        start, token_rv = decode_continue(token) if token else ("", 0)
        with self._lock:
            keys, entries = self._table(rdef).snapshot()
            if not token or token_rv == -1:
                rv = self._rv
                self._remember_snapshot(rdef, rv, (keys, entries))
                return rv, keys, entries, start
            snap = self._snapshots.get((rdef.table, token_rv))
            if snap is None or token_rv <= self._compacted_rv:
                raise ApiError(
                    410,
                    "Expired",
                    _INCONSISTENT_CONTINUE,
                    metadata={"continue": encode_continue(start.rstrip("\x00"), -1)},
                )
            return token_rv, snap[0], snap[1], start

    def _remember_snapshot(self, rdef: ResourceDef, rv: int, snap: tuple[list[str], list[_Entry]]) -> None:
        self._snapshots[(rdef.table, rv)] = snap
        while len(self._snapshots) > 256:  # bounded, like etcd history
            self._snapshots.pop(next(iter(self._snapshots)))

    @staticmethod
    def _select(
        entries: list[_Entry], lo: int, hi: int, limit: int, labels: LabelSelector | None, fields: FieldSelector | None
    ) -> tuple[list[_Entry], int]:
        if labels is None and fields is None:
            end = hi if not limit else min(hi, lo + limit)
            return entries[lo:end], end
        items: list[_Entry] = []
        i = lo
        while i < hi:
            if limit and len(items) >= limit:
                break
            entry = entries[i]
            i += 1
            if (labels is None or labels.matches(entry.labels)) and (fields is None or fields.matches(entry.obj)):
                items.append(entry)
        return items, i

    @staticmethod
    def _label_selector(text: str) -> LabelSelector | None:
        if not text.strip():
            return None
        try:
            return LabelSelector(text)
        except ValueError as exc:
            raise bad_request(f"unable to parse requirement: {exc}") from None

    @staticmethod
    def _field_selector(text: str, rdef: ResourceDef) -> FieldSelector | None:
        if not text.strip():
            return None
        try:
            return FieldSelector(text, rdef)
        except (ValueError, LookupError) as exc:
            # LookupError message is ConvertFieldLabel's, surfaced verbatim (handlers/get.go).
            raise bad_request(str(exc.args[0])) from None

    # ------------------------------------------------------------------ pods/log

    def _pod_log(self, target: _Target, query: dict[str, str]) -> _Response:
        pods = _BY_KIND[("", "Pod")]
        with self._lock:
            entry = self._table(pods).entries.get(self._key(pods, target.namespace, target.name))
        if entry is None:
            raise not_found(pods, target.name)
        pod, name = entry.obj, target.name
        container = self._log_container(pod, name, query.get("container", ""))
        previous = _truthy(query.get("previous"))
        text = self._logs.get((target.namespace, name, container, previous))
        if text is None:
            text = self._missing_log(pod, name, container, previous)
        tail = _parse_int(query, "tailLines")
        if tail is not None:
            lines = text.splitlines(keepends=True)
            text = "".join(lines[-tail:]) if tail > 0 else ""
        limit_bytes = _parse_int(query, "limitBytes")
        body = text.encode()
        if limit_bytes is not None and limit_bytes > 0:
            body = body[:limit_bytes]
        return _Response(200, body, "text/plain")

    @staticmethod
    def _log_container(pod: dict, name: str, container: str) -> str:
        # pkg/registry/core/pod/strategy.go LogLocation.
        spec = pod.get("spec") or {}
        names = [c.get("name", "") for c in spec.get("containers") or []]
        init = [c.get("name", "") for c in spec.get("initContainers") or []]
        ephemeral = [c.get("name", "") for c in spec.get("ephemeralContainers") or []]
        if not container:
            if len(names) == 1:
                return names[0]
            if not names:
                raise bad_request(f"a container name must be specified for pod {name}")
            msg = f"a container name must be specified for pod {name}, choose one of: [{' '.join(names)}]"
            if init:
                msg += f" or one of the init containers: [{' '.join(init)}]"
            if ephemeral:
                msg += f" or one of the ephemeral containers: [{' '.join(ephemeral)}]"
            raise bad_request(msg)
        if container not in names + init + ephemeral:
            raise bad_request(f"container {container} is not valid for pod {name}")
        return container

    @staticmethod
    def _missing_log(pod: dict, name: str, container: str, previous: bool) -> str:
        # The kubelet's validateContainerLogStatus (pkg/kubelet/kubelet_pods.go),
        # relayed by the apiserver as 400 BadRequest with the kubelet's text.
        status = pod.get("status") or {}
        statuses = [
            s
            for key in ("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses")
            for s in status.get(key) or []
            if s.get("name") == container
        ]
        if not statuses:
            raise bad_request(f'container "{container}" in pod "{name}" is not available')
        cstatus = statuses[0]
        last_term = (cstatus.get("lastState") or {}).get("terminated") or {}
        if previous:
            if not last_term.get("containerID"):
                raise bad_request(f'previous terminated container "{container}" in pod "{name}" not found')
            return ""
        waiting = (cstatus.get("state") or {}).get("waiting")
        if waiting is not None and not last_term and not (cstatus.get("state") or {}).get("running"):
            reason = waiting.get("reason", "")
            raise bad_request(f'container "{container}" in pod "{name}" is waiting to start: {reason}')
        return ""

    # ------------------------------------------------------------------ http plumbing

    def _track(self, conn: Any, add: bool) -> None:
        with self._lock:
            (self._conns.add if add else self._conns.discard)(conn)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64
    allow_reuse_address = True
    api: FakeApiServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (a timed-out request) is normal; anything else is a fixture bug, kept in errors."""
        kind = sys.exc_info()[0]
        if kind is not None and issubclass(kind, (ConnectionError, TimeoutError)):
            return
        self.api.errors.append(traceback.format_exc())


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as client-go and urllib3 expect
    server_version = "fake-kube-apiserver"
    sys_version = ""
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        self.server.api._track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.api._track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)  # drain so the keep-alive connection stays in sync
        api = self.server.api
        try:
            resp = api._serve(self.command, self.path, {k.lower(): v for k, v in self.headers.items()})
        except Exception:  # noqa: BLE001 - a fixture bug must surface as a 500, never a hung client
            api.errors.append(traceback.format_exc())
            err = ApiError(
                500,
                "InternalError",
                "Internal error occurred: fake apiserver crashed",
                details={"causes": [{"message": "fake apiserver crashed"}]},
            )
            resp = _Response(500, (_dumps(err.status()) + "\n").encode())
        self.send_response(resp.code)
        self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(resp.body)))
        self.send_header("Cache-Control", "no-cache, private")
        self.send_header("Audit-Id", str(uuid.UUID(int=next(api._audit))))
        for key, value in resp.headers.items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD" and api.drip > 0:
            for i in range(0, len(resp.body), 16):
                self.wfile.write(resp.body[i : i + 16])
                self.wfile.flush()
                time.sleep(api.drip)
        elif self.command != "HEAD":
            self.wfile.write(resp.body)
        self.wfile.flush()
        _mark_done(api, self.command, self.path)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle


def _mark_done(api: FakeApiServer, method: str, raw_path: str) -> None:
    """Stamp the newest unanswered request with this method and path as answered (for round counting)."""
    path = urlsplit(raw_path).path
    now = time.monotonic()
    with api._lock:
        for req in reversed(api.requests):
            if not req.done and req.method == method and req.path == path:
                req.done = now
                return

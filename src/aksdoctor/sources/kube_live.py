"""The live Kubernetes source: the official client's ApiClient, read as raw JSON.

Decoding through the client's model classes is slow on large lists and drops fields it does not know;
aksdoctor asks for the raw JSON instead and reads plain dicts (the same shape a bundle holds).
"""

from __future__ import annotations

import json
import logging
import os
import random
import time
from dataclasses import dataclass
from typing import Any

from ..errors import ApiError, Forbidden, NotFound, SourceUnavailable
from ..scrub import clean, scrub
from .kube import normalize
from .resources import Resource

log = logging.getLogger("aksdoctor.kube")
PAGE_SIZE = 500
_RETRY_STATUSES = (429, 500, 502, 503, 504)


class LiveKube:
    """Reads the cluster of a kubeconfig context (or the in-cluster service account)."""

    mode = "live"

    def __init__(
        self, *, kubeconfig: str | None = None, context: str | None = None, timeout: float = 15.0, retries: int = 2
    ) -> None:
        self.timeout = timeout
        self.retries = retries
        self.requests = 0
        self.api, self.context, self.default_namespace = _load(kubeconfig, context)

    def get(self, res: Resource, name: str, namespace: str | None = None) -> dict[str, Any]:
        """GET one object."""
        obj = self._get_json(res.path(namespace, name), {}, res=res, verb="get", namespace=namespace, name=name)
        return normalize(obj)

    def list(
        self,
        res: Resource,
        namespace: str | None = None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """LIST with selectors, following `continue` until done or `limit` items are read."""
        query: dict[str, Any] = {}
        if label_selector:
            query["labelSelector"] = label_selector
        if field_selector:
            query["fieldSelector"] = field_selector
        items: list[dict[str, Any]] = []
        token = None
        while True:
            page_size = PAGE_SIZE if limit is None else min(PAGE_SIZE, limit - len(items))
            page_query = {**query, "limit": page_size} | ({"continue": token} if token else {})
            page = self._get_json(res.path(namespace), page_query, res=res, verb="list", namespace=namespace)
            for item in page.get("items") or []:
                item.setdefault("kind", res.kind)
                item.setdefault("apiVersion", res.api_version)
                items.append(normalize(item))
            token = (page.get("metadata") or {}).get("continue")
            if not token or (limit is not None and len(items) >= limit):
                return items

    def logs(self, namespace: str, pod: str, container: str, *, previous: bool = False, tail: int = 200) -> str:
        """The tail of a container's log (current or previous instance)."""
        from .resources import resource

        query = {"container": container, "tailLines": tail} | ({"previous": "true"} if previous else {})
        path = resource("pods").path(namespace, pod) + "/log"
        pods_log = Resource("pods/log", "", "v1", "pods/log", "Pod")
        raw = self._request(path, query, res=pods_log, verb="get", namespace=namespace, name=pod)
        return scrub(clean(raw.decode("utf-8", "replace")))

    # ---- plumbing ------------------------------------------------------------------------------
    def _get_json(self, path: str, query: dict[str, Any], **where: Any) -> dict[str, Any]:
        raw = self._request(path, query, **where)
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            raise ApiError(_what(**where), reason="the API server answered with something that is not JSON") from None

    def _request(self, path: str, query: dict[str, Any], **where: Any) -> bytes:
        from urllib3.exceptions import HTTPError as Urllib3Error

        for attempt in range(self.retries + 1):
            self.requests += 1
            log.debug("GET %s %s", path, query)
            try:
                status, reason, headers, body = _get(self.api, path, query, timeout=self.timeout)
            except Urllib3Error as exc:
                raise SourceUnavailable(
                    f"cannot reach the Kubernetes API server of context {self.context!r}: {_reason(exc)}",
                    hint="check the network path to the API server (VPN, private cluster, authorized IP ranges)",
                ) from None
            if 200 <= status < 300:
                return body
            if status in _RETRY_STATUSES and attempt < self.retries:
                time.sleep(_backoff(attempt, headers))
                continue
            raise _api_error(_HttpError(status, reason, body, headers), **where)
        raise AssertionError("unreachable")


@dataclass
class _HttpError:
    status: int
    reason: str
    body: bytes
    headers: Any


def _get(api: Any, path: str, query: dict[str, Any], *, timeout: float) -> tuple[int, str, Any, bytes]:
    """One GET through the client's ApiClient (auth, TLS, proxy from the kubeconfig), status not raised.

    kubernetes >= 33 (the new OpenAPI generator) serializes with param_serialize and returns a response
    for every status; older clients take query_params in call_api and raise ApiException instead.
    """
    headers = {"Accept": "application/json"}
    if hasattr(api, "param_serialize"):
        method, url, header_params, _body, _post = api.param_serialize(
            "GET", path, query_params=list(query.items()), header_params=headers, auth_settings=["BearerToken"]
        )
        response = api.call_api(method, url, header_params=header_params, _request_timeout=timeout)
        return response.status, response.reason or "", response.headers, response.read() or b""
    from kubernetes.client.exceptions import ApiException

    try:
        response = api.call_api(
            path,
            "GET",
            query_params=list(query.items()),
            header_params=headers,
            auth_settings=["BearerToken"],
            _preload_content=False,
            _return_http_data_only=True,
            _request_timeout=timeout,
        )
    except ApiException as exc:
        body = exc.body.encode() if isinstance(exc.body, str) else exc.body or b""
        return exc.status, exc.reason or "", exc.headers or {}, body
    return response.status, response.reason or "", response.headers, response.data


def _load(kubeconfig: str | None, context: str | None) -> tuple[Any, str, str]:
    from kubernetes import client, config

    in_cluster = not kubeconfig and not context and "KUBERNETES_SERVICE_HOST" in os.environ
    try:
        if in_cluster:
            cfg = client.Configuration()
            config.load_incluster_config(client_configuration=cfg)
            cfg.retries = 0
            return _read_only(client.ApiClient(cfg)), "in-cluster", _incluster_namespace()
        contexts, active = config.list_kube_config_contexts(config_file=kubeconfig)
        chosen = next((c for c in contexts if c["name"] == context), None) if context else active
        if chosen is None:
            names = ", ".join(c["name"] for c in contexts) or "none"
            raise SourceUnavailable(f"no context {context!r} in the kubeconfig (contexts: {names})")
        cfg = client.Configuration()
        config.load_kube_config(config_file=kubeconfig, context=chosen["name"], client_configuration=cfg)
        # aksdoctor retries 429/5xx itself with a deadline; urllib3's own retries (3, honouring
        # Retry-After) would multiply that and hide an unreachable server behind long waits.
        cfg.retries = 0
        api = _read_only(client.ApiClient(cfg))
        namespace = (chosen.get("context") or {}).get("namespace") or "default"
        return api, chosen["name"], namespace
    except SourceUnavailable:
        raise
    except Exception as exc:  # noqa: BLE001 - the loader raises many types (ConfigException, exec plugin errors, OSError)
        raise SourceUnavailable(
            f"cannot load Kubernetes credentials: {_reason(exc)}",
            hint="run `az aks get-credentials -g RG -n CLUSTER` (and `kubelogin convert-kubeconfig -l azurecli` "
            "for Entra ID clusters), or pass --kubeconfig / --context",
        ) from None


def _read_only(api: Any) -> Any:
    """Guard the client's HTTP layer: any method but GET is refused before it leaves the process."""
    api.rest_client.pool_manager = _ReadOnlyPool(api.rest_client.pool_manager)
    return api


class _ReadOnlyPool:
    """A urllib3 pool manager that only lets reads through (aksdoctor never writes to a cluster)."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        """Send a GET/HEAD; refuse anything else."""
        from .azure_transport import ReadOnlyViolation

        if method.upper() not in ("GET", "HEAD"):
            raise ReadOnlyViolation(f"aksdoctor is read-only: refused {method.upper()} {url.split('?', 1)[0]}")
        return self._inner.request(method, url, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def _incluster_namespace() -> str:
    try:
        with open("/var/run/secrets/kubernetes.io/serviceaccount/namespace", encoding="utf-8") as fh:
            return fh.read().strip() or "default"
    except OSError:
        return "default"


def _api_error(
    exc: Any, *, res: Resource, verb: str, namespace: str | None = None, name: str | None = None
) -> Exception:
    status = _status_body(exc)
    message = status.get("message") or exc.reason or "error"
    what = _what(res=res, verb=verb, namespace=namespace, name=name)
    if exc.status == 404:
        return NotFound(what, kind=res.kind, name=name or "")
    if exc.status == 403:
        return Forbidden(what, reason=f"403 Forbidden: {message}", grant=_grant(res, verb, namespace))
    if exc.status == 401:
        return SourceUnavailable(
            "the Kubernetes API server rejected the credentials (401 Unauthorized)",
            hint="refresh them: `az aks get-credentials` again, or `kubelogin convert-kubeconfig -l azurecli`",
        )
    return ApiError(what, reason=f"{exc.status} {status.get('reason') or exc.reason}: {message}")


def _what(*, res: Resource, verb: str, namespace: str | None = None, name: str | None = None) -> str:
    text = res.describe(verb, namespace)
    return f"{text} ({name})" if name else text


def _grant(res: Resource, verb: str, namespace: str | None) -> str:
    group = res.group or '""'
    scope = f"a Role in namespace {namespace}" if res.namespaced and namespace else "a ClusterRole"
    return f"grant verb {verb!r} on resource {res.plural!r} (apiGroup {group}) through {scope}; see deploy/rbac.yaml"


def _status_body(exc: Any) -> dict[str, Any]:
    try:
        body = json.loads(exc.body or b"{}")
    except (TypeError, ValueError):
        return {}
    return body if isinstance(body, dict) else {}


def _backoff(attempt: int, headers: Any) -> float:
    retry_after = (headers or {}).get("Retry-After")
    try:
        return min(float(retry_after), 2.0) if retry_after else 0.2 * (2**attempt) + random.uniform(0, 0.1)
    except ValueError:
        return 0.2 * (2**attempt)


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None)
    text = str(reason or exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__


__all__ = ["PAGE_SIZE", "LiveKube"]

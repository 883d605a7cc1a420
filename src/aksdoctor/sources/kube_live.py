"""The live Kubernetes source: the official client's ApiClient, read as raw JSON.

Decoding through the client's model classes is slow on large lists and drops fields it does not know;
aksdoctor asks for the raw JSON instead and reads plain dicts (the same shape a bundle holds).
"""

from __future__ import annotations

import json
import logging
import os
import random
import re
import time
from dataclasses import dataclass
from typing import Any

from ..errors import ApiError, Forbidden, NotFound, SourceUnavailable
from ..scrub import clean, clean_tree, scrub
from .kube import normalize
from .resources import Resource

log = logging.getLogger("aksdoctor.kube")

try:  # decoding the list pages is most of a large scan's CPU: orjson does it 3-4x faster than json
    from orjson import loads as _loads
except ImportError:  # pragma: no cover - a dependency; json gives the same objects
    _loads = json.loads

PAGE_SIZE = 500
# A list that did not fit its first page is a big one (a cluster-wide pod list): its next pages are read larger,
# each a round trip less of a sequential chain (10k pods: 20 pages of 500 -> 1 of 500 and 5 of 2000).
NEXT_PAGE_SIZE = 2000
MAX_PAGES = 400  # 200k objects: past it an API server that keeps answering `continue` is not trusted
# A raw body that may hold a terminal control character (JSON escapes C0 as \u00XX; C1 and bidi come raw).
_CONTROL_IN_JSON = re.compile(
    rb"\\u00[01][0-9a-fA-F]|\\u007[fF]|\\u00[89][0-9a-fA-F]|\\u20(?:0[eEfF]|2[a-eA-E]|6[6-9])|\xc2[\x80-\x9f]|\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]"
)
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
        self.deadline: float | None = None  # time.monotonic() past which no request starts or keeps reading
        self.api, self.context, self.default_namespace = _load(kubeconfig, context)

    def get(self, res: Resource, name: str, namespace: str | None = None) -> dict[str, Any]:
        """GET one object."""
        _check_name(res, name, namespace)
        obj = self._get_json(res.path(namespace, name), {}, res=res, verb="get", namespace=namespace, name=name)
        return self._checked(obj, res, "get", namespace, name)

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
        if namespace is not None:
            _check_name(res, "x", namespace)
        items: list[dict[str, Any]] = []
        token = None
        where = {"res": res, "verb": "list", "namespace": namespace}
        for _page in range(MAX_PAGES):
            size = NEXT_PAGE_SIZE if token else PAGE_SIZE
            page_size = size if limit is None else min(size, limit - len(items))
            page_query = {**query, "limit": page_size} | ({"continue": token} if token else {})
            try:
                page = self._get_json(res.path(namespace), page_query, **where)
            except _Expired:
                # client-go's pager: an expired continue token falls back to one full list (no limit).
                items, token = [], None
                page = self._get_json(res.path(namespace), query, **where)
            for item in page.get("items") or []:
                if isinstance(item, dict):
                    item.setdefault("kind", res.kind)
                    item.setdefault("apiVersion", res.api_version)
                items.append(self._checked(item, res, "list", namespace, None))
            token = (page.get("metadata") or {}).get("continue")
            if not token or (limit is not None and len(items) >= limit):
                return items
        raise ApiError(
            _what(**where), reason=f"the API server still answered a `continue` token after {MAX_PAGES} pages"
        )

    def logs(self, namespace: str, pod: str, container: str, *, previous: bool = False, tail: int = 200) -> str:
        """The tail of a container's log (current or previous instance)."""
        from .resources import resource

        query = {"container": container, "tailLines": tail} | ({"previous": "true"} if previous else {})
        path = resource("pods").path(namespace, pod) + "/log"
        pods_log = Resource("pods/log", "", "v1", "pods/log", "Pod")
        raw = self._request(path, query, res=pods_log, verb="get", namespace=namespace, name=pod)
        return scrub(clean(raw.decode("utf-8", "replace")))

    # ---- plumbing ------------------------------------------------------------------------------
    def _checked(self, obj: Any, res: Resource, verb: str, namespace: str | None, name: str | None) -> dict[str, Any]:
        from .validate import required_fields

        problem = "not an object" if not isinstance(obj, dict) else required_fields(obj)
        if problem is not None:
            raise ApiError(
                _what(res=res, verb=verb, namespace=namespace, name=name),
                reason=f"the API server answered an object that is not valid evidence ({problem})",
            )
        return normalize(obj, control=False)  # _get_json cleaned a body that needed it

    def _get_json(self, path: str, query: dict[str, Any], **where: Any) -> dict[str, Any]:
        raw = self._request(path, query, **where)
        dirty = bool(_CONTROL_IN_JSON.search(raw))
        try:
            doc = _loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError):  # orjson's error is a subclass
            raise ApiError(_what(**where), reason="the API server answered with something that is not JSON") from None
        if not isinstance(doc, dict):
            raise ApiError(_what(**where), reason="the API server answered JSON that is not an object")
        return clean_tree(doc, secret=False) if dirty else doc

    def _remaining(self, **where: Any) -> float:
        if self.deadline is None:
            return self.timeout
        left = self.deadline - time.monotonic()
        if left <= 0.05:
            raise ApiError(_what(**where), reason="not read: the --timeout deadline passed")
        return min(self.timeout, left)

    def _request(self, path: str, query: dict[str, Any], **where: Any) -> bytes:
        from urllib3.exceptions import HTTPError as Urllib3Error

        for attempt in range(self.retries + 1):
            self.requests += 1
            log.debug("GET %s %s", path, query)
            timeout = self._remaining(**where)
            try:
                status, reason, headers, body = _get(self.api, path, query, timeout=timeout, deadline=self.deadline)
            except _BodyTooSlow:
                raise ApiError(
                    _what(**where), reason="the response did not arrive before the --timeout deadline"
                ) from None
            except Urllib3Error as exc:
                raise SourceUnavailable(
                    f"cannot reach the Kubernetes API server of context {self.context!r}: {_reason(exc)}",
                    hint="check the network path to the API server (VPN, private cluster, authorized IP ranges)",
                ) from None
            if 200 <= status < 300:
                return body
            if status == 410 and query.get("continue"):
                raise _Expired()
            if status in _RETRY_STATUSES and attempt < self.retries:
                pause = _backoff(attempt, headers)
                if self.deadline is not None and time.monotonic() + pause >= self.deadline:
                    raise _api_error(_HttpError(status, reason, body, headers), **where)
                time.sleep(pause)
                continue
            raise _api_error(_HttpError(status, reason, body, headers), **where)
        raise AssertionError("unreachable")


class _Expired(Exception):
    """410 Expired on a continue token."""


class _BodyTooSlow(Exception):
    """The body was still arriving at the deadline."""


_NAME_FORBIDDEN = re.compile(r"[/\\\x00-\x1f]|^\.\.?$")


def _check_name(res: Resource, name: str, namespace: str | None) -> None:
    """A name from the cluster (an imagePullSecret, a ConfigMap reference) goes into a request path: a `/`
    in it would reach another object (`../../kube-system/secrets/x`). No Kubernetes object has such a
    name, so it does not exist: refused without a request."""
    for value in (name, namespace or ""):
        if _NAME_FORBIDDEN.search(value):
            raise NotFound(
                f"{res.plural} {value!r} (not a valid Kubernetes name; not requested)", kind=res.kind, name=name
            )


@dataclass
class _HttpError:
    status: int
    reason: str
    body: bytes
    headers: Any


def _read_body(response: Any, deadline: float | None) -> bytes:
    """The body, read chunk by chunk so a body that drips in cannot outlive the deadline (each socket read
    is bounded by the read timeout; the loop by the deadline)."""
    raw = getattr(response, "response", response)
    reader = getattr(raw, "read1", None)
    if deadline is None or reader is None:
        return response.read() or b""
    chunks = []
    while True:
        if time.monotonic() > deadline:
            raw.release_conn() if hasattr(raw, "release_conn") else None
            raise _BodyTooSlow()
        chunk = reader(65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _get(
    api: Any, path: str, query: dict[str, Any], *, timeout: float, deadline: float | None = None
) -> tuple[int, str, Any, bytes]:
    """One GET through the client's ApiClient (auth, TLS, proxy from the kubeconfig), status not raised.

    kubernetes >= 33 (the new OpenAPI generator) serializes with param_serialize and returns a response
    for every status; older clients take query_params in call_api and raise ApiException instead.
    """
    headers = {"Accept": "application/json"}
    if hasattr(api, "param_serialize"):
        method, url, header_params, _body, _post = api.param_serialize(
            "GET", path, query_params=list(query.items()), header_params=headers, auth_settings=["BearerToken"]
        )
        response = api.call_api(method, url, header_params=header_params, _request_timeout=(timeout, timeout))
        return response.status, response.reason or "", response.headers, _read_body(response, deadline)
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
    in_cluster = not kubeconfig and not context and "KUBERNETES_SERVICE_HOST" in os.environ
    # the client's exec provider logs with logging.error() on the root logger, which would print a raw
    # "ERROR:root:..." line: a handler on root keeps logging from configuring one on stderr.
    root = logging.getLogger()
    seen = _Collect()
    root.addHandler(seen)
    try:
        return _load_inner(kubeconfig, context, in_cluster)
    finally:
        root.removeHandler(seen)
        if not root.handlers:
            root.addHandler(logging.NullHandler())  # later logging.error() calls print nothing either
        for message in seen.messages:
            if "kubelogin" in message or "No such file" in message:
                _explain_load_failure(RuntimeError(message), kubeconfig)


class _Collect(logging.Handler):
    """Keeps what the client logged while loading (the exec plugin's failure is only logged, not raised)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _load_inner(kubeconfig: str | None, context: str | None, in_cluster: bool) -> tuple[Any, str, str]:
    from kubernetes import client, config

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
        _explain_load_failure(exc, kubeconfig)
        raise SourceUnavailable(
            f"cannot load Kubernetes credentials: {_reason(exc)}",
            hint="run `az aks get-credentials -g RG -n CLUSTER` (and `kubelogin convert-kubeconfig -l azurecli` "
            "for Entra ID clusters), or pass --kubeconfig / --context",
        ) from None


def _explain_load_failure(exc: BaseException, kubeconfig: str | None) -> None:
    """The two usual failures, named with what to do: no kubeconfig file, no kubelogin binary."""
    text = f"{type(exc).__name__}: {exc}"
    path = os.path.expanduser(kubeconfig or os.environ.get("KUBECONFIG", "").split(os.pathsep)[0] or "~/.kube/config")
    in_cluster = not kubeconfig and "KUBERNETES_SERVICE_HOST" in os.environ
    if not in_cluster and not os.path.exists(path):
        raise SourceUnavailable(
            f"no kubeconfig at {path}",
            hint="run `az aks get-credentials -g RG -n CLUSTER`, or pass --kubeconfig FILE (or set KUBECONFIG)",
        ) from None
    if "kubelogin" in text and ("No such file" in text or "not found" in text or "FileNotFoundError" in text):
        raise SourceUnavailable(
            "the kubeconfig runs kubelogin to get a token, and kubelogin is not installed (not on PATH)",
            hint="install it with `az aks install-cli` (or https://azure.github.io/kubelogin/install.html), "
            "then `kubelogin convert-kubeconfig -l azurecli`",
        ) from None


def _read_only(api: Any) -> Any:
    """Guard the client's HTTP layer: any method but GET is refused before it leaves the process."""
    api.rest_client.pool_manager = _ReadOnlyPool(api.rest_client.pool_manager)
    return api


class _ReadOnlyPool:
    """A urllib3 pool manager that only lets reads through (aksdoctor never writes to a cluster)."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.attempts: list[str] = []  # every method that reached the guard, refused or sent

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        """Send a GET/HEAD; refuse anything else."""
        from .readonly import ReadOnlyViolation

        self.attempts.append(method.upper())
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

"""Azure reads through the real azure-mgmt and data-plane SDK clients; live or replayed from a bundle.

Every method returns ARM-shaped JSON (what `az ... -o json` prints and what a bundle records), so probes
do not care which mode they run in. Every SDK error becomes a typed aksdoctor error here.
"""

from __future__ import annotations

import importlib
import re
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

from ..errors import ApiError, AzureNotConfigured, Forbidden, NotCaptured, NotFound
from .selectors import parse_resource_id

T = TypeVar("T")

ACR_AUDIENCE = "https://containerregistry.azure.net"
ARM = "https://management.azure.com"
_COMPUTE = "azure.mgmt.compute:ComputeManagementClient"
_CLIENTS = {
    "containerservice": "azure.mgmt.containerservice:ContainerServiceClient",
    "containerregistry": "azure.mgmt.containerregistry:ContainerRegistryManagementClient",
    "authorization": "azure.mgmt.authorization:AuthorizationManagementClient",
}


class AzureReader:
    """Read-only access to the ARM and data-plane APIs aksdoctor needs."""

    def __init__(
        self,
        credential: Any,
        *,
        transport_factory: Callable[[], Any],
        mode: str,
        context: dict[str, str] | None = None,
        retry_total: int = 2,
    ) -> None:
        self._credential = credential
        self._transport_factory = transport_factory
        self._retry_total = retry_total
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        self.mode = mode
        self.context = dict(context or {})
        self.calls = 0

    # ---- ARM: Microsoft.ContainerService -------------------------------------------------------
    def managed_cluster(self, subscription: str, resource_group: str, name: str) -> dict[str, Any]:
        """GET the managed cluster."""
        scope = _rg_scope(subscription, resource_group)
        return self.call(
            f"read managed cluster {name} in resource group {resource_group}",
            lambda: arm_json(self._client("containerservice", subscription).managed_clusters.get(resource_group, name)),
            action="Microsoft.ContainerService/managedClusters/read",
            scope=scope,
            url=f"{ARM}{scope}/providers/Microsoft.ContainerService/managedClusters/{name}",
            shape=arm_one,
        )

    def managed_clusters(self, subscription: str) -> list[dict[str, Any]]:
        """List the managed clusters of a subscription."""
        return self.call(
            f"list managed clusters in subscription {subscription}",
            lambda: [arm_json(m) for m in self._client("containerservice", subscription).managed_clusters.list()],
            action="Microsoft.ContainerService/managedClusters/read",
            scope=f"/subscriptions/{subscription}",
            url=f"{ARM}/subscriptions/{subscription}/providers/Microsoft.ContainerService/managedClusters",
            shape=arm_list,
        )

    # ---- ARM: Microsoft.ContainerRegistry -----------------------------------------------------
    def registries(self, subscription: str) -> list[dict[str, Any]]:
        """List the container registries of a subscription."""
        return self.call(
            f"list container registries in subscription {subscription}",
            lambda: [arm_json(r) for r in self._client("containerregistry", subscription).registries.list()],
            action="Microsoft.ContainerRegistry/registries/read",
            scope=f"/subscriptions/{subscription}",
            url=f"{ARM}/subscriptions/{subscription}/providers/Microsoft.ContainerRegistry/registries",
            shape=arm_list,
        )

    # ---- ARM: Microsoft.Compute (regional quota and VM sizes) --------------------------------
    def compute_usages(self, subscription: str, location: str) -> list[dict[str, Any]]:
        """Compute quota usages of a region (Microsoft.Compute/locations/{region}/usages)."""
        return self.call(
            f"list compute usages in {location}",
            lambda: [arm_json(u) for u in self.client(_COMPUTE, subscription).usage.list(location)],
            action="Microsoft.Compute/locations/usages/read",
            scope=f"/subscriptions/{subscription}",
            url=f"{ARM}/subscriptions/{subscription}/providers/Microsoft.Compute/locations/{location}/usages",
            shape=arm_list,
        )

    def vm_sizes(self, subscription: str, location: str) -> list[dict[str, Any]]:
        """VM sizes of a region (name, numberOfCores, memoryInMB)."""
        return self.call(
            f"list VM sizes in {location}",
            lambda: [arm_json(s) for s in self.client(_COMPUTE, subscription).virtual_machine_sizes.list(location)],
            action="Microsoft.Compute/locations/vmSizes/read",
            scope=f"/subscriptions/{subscription}",
            url=f"{ARM}/subscriptions/{subscription}/providers/Microsoft.Compute/locations/{location}/vmSizes",
            shape=arm_list,
        )

    # ---- ARM: Microsoft.Authorization ---------------------------------------------------------
    def role_assignments(self, scope: str, principal_id: str) -> list[dict[str, Any]]:
        """Role assignments of one principal at, above and below a scope.

        `principalId eq` returns assignments at, above and below the scope
        (https://learn.microsoft.com/rest/api/authorization/role-assignments/list-for-scope); callers
        keep only the ones whose scope contains the resource, and filter by principal themselves.
        """
        flt = f"principalId eq '{principal_id}'"

        def sdk() -> list[dict[str, Any]]:
            client = self._client("authorization", _subscription_of(scope))
            return [arm_json(a) for a in client.role_assignments.list_for_scope(scope, filter=flt)]

        found = self.call(
            f"read role assignments on {scope}",
            sdk,
            action="Microsoft.Authorization/roleAssignments/read",
            scope=scope,
            url=f"{ARM}/{scope.strip('/')}/providers/Microsoft.Authorization/roleAssignments?"
            + urlencode({"$filter": flt}),
            shape=arm_list,
        )
        return [a for a in found if _prop(a, "principalId", "").lower() == principal_id.lower()]

    def role_definition(self, role_definition_id: str) -> dict[str, Any]:
        """GET a role definition by its full id."""

        def sdk() -> dict[str, Any]:
            client = self._client("authorization", _subscription_of(role_definition_id) or "-")
            return arm_json(client.role_definitions.get_by_id(role_definition_id))

        return self.call(
            f"read role definition {role_definition_id.rsplit('/', 1)[-1]}",
            sdk,
            action="Microsoft.Authorization/roleDefinitions/read",
            scope=role_definition_id.split("/providers/Microsoft.Authorization", 1)[0] or "/",
            url=f"{ARM}/{role_definition_id.strip('/')}",
            shape=arm_one,
        )

    # ---- ACR data plane ------------------------------------------------------------------------
    def acr_tags(self, login_server: str, repository: str) -> list[str]:
        """Tag names of a repository; NotFound(kind='repository') when the registry does not know it."""
        what = f"list tags of repository {repository} in {login_server}"
        try:
            return self.call(
                what,
                lambda: [t.name for t in self._acr(login_server).list_tag_properties(repository)],
                action="Microsoft.ContainerRegistry/registries/pull/read (or AcrPull) for the caller",
                scope=login_server,
                url=f"https://{login_server}/acr/v1/{quote(repository, safe='')}/_tags",
                shape=_tags,
            )
        except NotFound:
            raise NotFound(f"repository {repository} in {login_server}", kind="repository", name=repository) from None

    def acr_manifests(self, login_server: str, repository: str) -> list[dict[str, Any]]:
        """Manifests of a repository, tagged or not: [{"digest": "sha256:...", "tags": [...]}];
        NotFound(kind='repository') when the registry does not know it."""
        what = f"list manifests of repository {repository} in {login_server}"
        try:
            return self.call(
                what,
                lambda: [
                    {"digest": m.digest, "tags": list(m.tags or [])}
                    for m in self._acr(login_server).list_manifest_properties(repository)
                ],
                action="Microsoft.ContainerRegistry/registries/pull/read (or AcrPull) for the caller",
                scope=login_server,
                url=f"https://{login_server}/acr/v1/{quote(repository, safe='')}/_manifests",
                shape=_manifests,
            )
        except NotFound:
            raise NotFound(f"repository {repository} in {login_server}", kind="repository", name=repository) from None

    def wrap_transports(self, wrap: Callable[[Any], Any]) -> None:
        """Wrap every transport this reader creates from now on (capture records through this)."""
        factory = self._transport_factory
        self._transport_factory = lambda: wrap(factory())

    # ---- plumbing: any other SDK client, without editing this class --------------------------
    def client(self, spec: str, subscription: str) -> Any:
        """A management client by "module:Class" (e.g. "azure.mgmt.compute:ComputeManagementClient"), cached."""
        key = (spec, subscription)
        with self._lock:
            if key not in self._clients:
                module_name, class_name = spec.split(":")
                module = importlib.import_module(module_name)
                cls = getattr(module, class_name)
                kwargs = {"transport": self._transport_factory(), "retry_total": self._retry_total}
                self._clients[key] = cls(self._credential, subscription, **kwargs)
            return self._clients[key]

    def call(
        self,
        what: str,
        fn: Callable[[], T],
        *,
        action: str,
        scope: str,
        url: str | None = None,
        shape: Callable[[list[Any]], T] | None = None,
    ) -> T:
        """Run one SDK read; its errors become NotFound / Forbidden / NotCaptured / ApiError / AzureNotConfigured.

        `what` starts with a verb ("read vault kv-shop"); `action` and `scope` say what to grant on a 403. With
        `url` (the GET `fn` sends: tests/test_azure_replay.py checks it against the SDK's) and `shape` (`fn`'s
        result from the response bodies: arm_one, arm_list), a bundle answers from the recorded body without the
        SDK; `fn` must create its client itself, lazily.
        """
        return self._call(what, fn, action=action, scope=scope)

    def data_plane(self, factory: Callable[..., T], **kwargs: Any) -> T:
        """A data-plane SDK client (Key Vault, ACR) on this reader's credential and transport."""
        return factory(
            credential=self._credential, transport=self._transport_factory(), retry_total=self._retry_total, **kwargs
        )

    def _client(self, kind: str, subscription: str) -> Any:
        return self.client(_CLIENTS[kind], subscription)

    def _acr(self, login_server: str) -> Any:
        from azure.containerregistry import ContainerRegistryClient

        return self.data_plane(ContainerRegistryClient, endpoint=f"https://{login_server}", audience=ACR_AUDIENCE)

    def _call(self, what: str, fn: Callable[[], T], *, action: str, scope: str) -> T:
        from azure.core.exceptions import (
            ClientAuthenticationError,
            HttpResponseError,
            ResourceNotFoundError,
            ServiceRequestError,
            ServiceResponseError,
        )

        from .recordings import NoRecording

        self.calls += 1
        try:
            return fn()
        except NoRecording:
            raise NotCaptured(what, reason="the bundle holds no recorded Azure response for it") from None
        except ResourceNotFoundError:
            raise NotFound(what) from None
        except ClientAuthenticationError as exc:
            if getattr(exc, "status_code", None) == 403:
                raise _forbidden(what, exc, action=action, scope=scope) from None
            raise AzureNotConfigured(
                what,
                reason=f"Azure sign-in failed: {_first_line(exc)}",
                grant="sign in with `az login` (or set up a managed / workload identity) and retry",
            ) from None
        except HttpResponseError as exc:
            if exc.status_code == 403:
                raise _forbidden(what, exc, action=action, scope=scope) from None
            if exc.status_code == 404:
                raise NotFound(what) from None
            raise ApiError(what, reason=f"Azure answered {exc.status_code}: {_first_line(exc)}") from None
        except (ServiceRequestError, ServiceResponseError) as exc:
            raise ApiError(what, reason=f"cannot reach Azure: {_first_line(exc)}") from None


def live_azure(
    *, timeout: float = 20.0, context: dict[str, str] | None = None, deadline: float | None = None
) -> AzureReader:
    """An AzureReader on DefaultAzureCredential (az login, managed identity, workload identity, env)."""
    from azure.core.pipeline.transport import RequestsTransport
    from azure.identity import DefaultAzureCredential

    from .azure_transport import ReadOnlyTransport

    credential: Any = DefaultAzureCredential(exclude_interactive_browser_credential=True)
    if deadline is not None:
        credential = DeadlineCredential(credential, deadline)

    def transport() -> Any:
        left = timeout if deadline is None else max(0.5, min(timeout, deadline - time.monotonic()))
        return ReadOnlyTransport(RequestsTransport(connection_timeout=min(left, 10.0), read_timeout=left))

    return AzureReader(credential, transport_factory=transport, mode="live", context=context)


def replay_azure(recordings: list[Any], *, context: dict[str, str] | None = None) -> AzureReader:
    """An AzureReader answering from a bundle's recorded responses (no network, no real token)."""
    return ReplayAzure(recordings, context=context)


class ReplayAzure(AzureReader):
    """A bundle's Azure: every read that names its URL and shape (call(url=, shape=): this class's own, the
    keyvault runbook's, the network and instance-view reads of probes) answered from the recorded bodies without
    importing an SDK, and "not captured" when its URL is not recorded; a recorded error, anything that is not a
    plain recorded body, and a read that names no URL through the real SDK clients over the replay transport,
    which word errors as a live run does. Live and bundle runs of every example and real-world case give the same
    report (tests/test_live_parity.py)."""

    def __init__(self, recordings: list[Any], *, context: dict[str, str] | None = None) -> None:
        from .recordings import Recordings

        self.recordings = Recordings(recordings)

        def transport() -> Any:
            from .azure_transport import ReadOnlyTransport, ReplayTransport

            return ReadOnlyTransport(ReplayTransport(self.recordings))

        super().__init__(StaticCredential(), transport_factory=transport, mode="bundle", context=context, retry_total=0)
        self._direct = True

    def wrap_transports(self, wrap: Callable[[Any], Any]) -> None:
        """Capture records what goes through the transports: every read takes the SDK path from now on."""
        self._direct = False
        super().wrap_transports(wrap)

    def call(
        self,
        what: str,
        fn: Callable[[], T],
        *,
        action: str,
        scope: str,
        url: str | None = None,
        shape: Callable[[list[Any]], T] | None = None,
    ) -> T:
        """A read that names its URL and shape, from the recorded body; any other through the SDK (`fn`)."""
        from .recordings import NoRecording

        if not self._direct or url is None or shape is None:
            return super().call(what, fn, action=action, scope=scope)
        try:
            bodies = self._bodies(url)
        except NoRecording:  # `url` is the request the SDK makes (tests/test_azure_replay.py): not recorded
            self.calls += 1
            raise NotCaptured(what, reason="the bundle holds no recorded Azure response for it") from None
        except _PageLoop as loop:
            self.calls += 1
            raise ApiError(what, reason=f"the recorded pages link back to an earlier page ({loop})") from None
        if bodies is not None:
            try:
                result = shape(bodies)
            except (AttributeError, KeyError, TypeError, ValueError):
                result = None  # not the shape the SDK reads: its own deserializer decides
            if result is not None:
                self.calls += 1
                return result
        return super().call(what, fn, action=action, scope=scope)

    def _bodies(self, url: str) -> list[Any] | None:
        """The recorded body of `url` and of every nextLink after it; None when a page is not a plain 2xx JSON
        body (an error, a Link header: the SDK path answers those); NoRecording when a page is not recorded."""
        import json

        bodies: list[Any] = []
        seen: set[int] = set()  # the recordings read: a nextLink back to one of them is a loop, however spelled
        while url:
            rec = self.recordings.find("GET", url)
            if id(rec) in seen:
                raise _PageLoop(url)
            seen.add(id(rec))
            if not 200 <= rec.status < 300 or any(k.lower() == "link" for k in rec.headers):
                return None
            body = rec.body
            if isinstance(body, str):
                try:
                    body = json.loads(body)
                except ValueError:
                    return None
            if not isinstance(body, dict):
                return None
            bodies.append(body)
            url = body.get("nextLink") or ""
        return bodies


class _PageLoop(Exception):
    """A recorded nextLink that leads back to a page already read (a hand-edited bundle)."""


class DeadlineCredential:
    """Credential discovery (az CLI, IMDS probing, ...) bounded by the --timeout deadline: a token that has
    not come by then is a sign-in failure (AzureNotConfigured), never a hang."""

    def __init__(self, inner: Any, deadline: float) -> None:
        self.inner = inner
        self.deadline = deadline

    def _bounded(self, fn: Callable[[], T]) -> T:
        from concurrent.futures import Future
        from concurrent.futures import TimeoutError as FutureTimeout

        from azure.core.exceptions import ClientAuthenticationError

        future: Future[T] = Future()

        def run() -> None:
            try:
                future.set_result(fn())
            except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
                future.set_exception(exc)

        threading.Thread(target=run, daemon=True, name="azure-credential").start()
        try:
            return future.result(timeout=max(0.0, self.deadline - time.monotonic()))
        except FutureTimeout:
            raise ClientAuthenticationError(
                "Azure credential discovery did not finish before the --timeout deadline"
            ) from None

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        """The inner credential's token, or a sign-in error at the deadline."""
        return self._bounded(lambda: self.inner.get_token(*scopes, **kwargs))

    def get_token_info(self, *scopes: str, options: Any = None) -> Any:
        """Same, in the newer protocol."""
        return self._bounded(lambda: self.inner.get_token_info(*scopes, options=options))

    def close(self) -> None:
        close = getattr(self.inner, "close", None)
        if close:
            close()


class StaticCredential:
    """A token credential that never talks to Entra ID: used for replay and tests."""

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        """A fixed opaque token, valid for an hour."""
        from azure.core.credentials import AccessToken

        return AccessToken("aksdoctor-replay-token", int(time.time()) + 3600)

    def get_token_info(self, *scopes: str, options: Any = None) -> Any:
        """Same as get_token, in the newer protocol."""
        from azure.core.credentials import AccessTokenInfo

        return AccessTokenInfo("aksdoctor-replay-token", int(time.time()) + 3600)


def arm_json(model: Any) -> dict[str, Any]:
    """An SDK model as the ARM JSON it came from: new-style models have as_dict(), msrest ones serialize()."""
    if hasattr(model, "as_dict") and not hasattr(model, "serialize"):
        return dict(model.as_dict())
    if hasattr(model, "serialize"):
        return dict(model.serialize(keep_readonly=True))
    return dict(model)


def arm_one(bodies: list[dict[str, Any]]) -> dict[str, Any]:
    """The shape of a GET of one resource: its body (what arm_json of the SDK model gives)."""
    return dict(bodies[0])


def arm_list(bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The shape of an ARM list: the `value` items of every page."""
    return [dict(item) for body in bodies for item in body.get("value") or []]


def _tags(bodies: list[dict[str, Any]]) -> list[str]:
    return [str(tag["name"]) for body in bodies for tag in body.get("tags") or []]


def _manifests(bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"digest": m["digest"], "tags": list(m.get("tags") or [])}
        for body in bodies
        for m in body.get("manifests") or []
    ]


def _prop(obj: dict[str, Any], key: str, default: Any = None) -> Any:
    return (obj.get("properties") or {}).get(key, default)


def _rg_scope(subscription: str, resource_group: str) -> str:
    return f"/subscriptions/{subscription}/resourceGroups/{resource_group}"


def _subscription_of(resource_id: str) -> str:
    match = re.search(r"/subscriptions/([^/]+)", resource_id, re.IGNORECASE)
    return match.group(1) if match else ""


def _first_line(exc: BaseException) -> str:
    error = getattr(exc, "error", None)
    code = getattr(error, "code", None)
    message = getattr(error, "message", None) or getattr(exc, "message", None) or str(exc)
    text = str(message).strip().splitlines()[0] if str(message).strip() else type(exc).__name__
    return f"{code}: {text}" if code and code not in text else text


def _forbidden(what: str, exc: BaseException, *, action: str, scope: str) -> Forbidden:
    return Forbidden(
        what,
        reason=f"403 {_first_line(exc)}",
        grant=f"the signed-in Azure identity needs {action} on {scope}"
        + (" (the built-in Reader role has it)" if action.endswith("/read") else ""),
    )


__all__ = [
    "ARM",
    "AzureReader",
    "ReplayAzure",
    "StaticCredential",
    "arm_json",
    "arm_list",
    "arm_one",
    "live_azure",
    "parse_resource_id",
    "replay_azure",
]

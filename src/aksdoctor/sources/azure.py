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

from ..errors import ApiError, AzureNotConfigured, Forbidden, NotCaptured, NotFound
from .selectors import parse_resource_id

T = TypeVar("T")

ACR_AUDIENCE = "https://containerregistry.azure.net"
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
        client = self._client("containerservice", subscription)
        what = f"read managed cluster {name} in resource group {resource_group}"
        scope = _rg_scope(subscription, resource_group)
        return self._call(
            what,
            lambda: arm_json(client.managed_clusters.get(resource_group, name)),
            action="Microsoft.ContainerService/managedClusters/read",
            scope=scope,
        )

    def managed_clusters(self, subscription: str) -> list[dict[str, Any]]:
        """List the managed clusters of a subscription."""
        client = self._client("containerservice", subscription)
        return self._call(
            f"list managed clusters in subscription {subscription}",
            lambda: [arm_json(m) for m in client.managed_clusters.list()],
            action="Microsoft.ContainerService/managedClusters/read",
            scope=f"/subscriptions/{subscription}",
        )

    # ---- ARM: Microsoft.ContainerRegistry -----------------------------------------------------
    def registries(self, subscription: str) -> list[dict[str, Any]]:
        """List the container registries of a subscription."""
        client = self._client("containerregistry", subscription)
        return self._call(
            f"list container registries in subscription {subscription}",
            lambda: [arm_json(r) for r in client.registries.list()],
            action="Microsoft.ContainerRegistry/registries/read",
            scope=f"/subscriptions/{subscription}",
        )

    # ---- ARM: Microsoft.Compute (regional quota and VM sizes) --------------------------------
    def compute_usages(self, subscription: str, location: str) -> list[dict[str, Any]]:
        """Compute quota usages of a region (Microsoft.Compute/locations/{region}/usages)."""
        client = self.client(_COMPUTE, subscription)
        return self._call(
            f"list compute usages in {location}",
            lambda: [arm_json(u) for u in client.usage.list(location)],
            action="Microsoft.Compute/locations/usages/read",
            scope=f"/subscriptions/{subscription}",
        )

    def vm_sizes(self, subscription: str, location: str) -> list[dict[str, Any]]:
        """VM sizes of a region (name, numberOfCores, memoryInMB)."""
        client = self.client(_COMPUTE, subscription)
        return self._call(
            f"list VM sizes in {location}",
            lambda: [arm_json(s) for s in client.virtual_machine_sizes.list(location)],
            action="Microsoft.Compute/locations/vmSizes/read",
            scope=f"/subscriptions/{subscription}",
        )

    # ---- ARM: Microsoft.Authorization ---------------------------------------------------------
    def role_assignments(self, scope: str, principal_id: str) -> list[dict[str, Any]]:
        """Role assignments of one principal at, above and below a scope.

        `principalId eq` returns assignments at, above and below the scope
        (https://learn.microsoft.com/rest/api/authorization/role-assignments/list-for-scope); callers
        keep only the ones whose scope contains the resource, and filter by principal themselves.
        """
        client = self._client("authorization", _subscription_of(scope))
        flt = f"principalId eq '{principal_id}'"
        found = self._call(
            f"read role assignments on {scope}",
            lambda: [arm_json(a) for a in client.role_assignments.list_for_scope(scope, filter=flt)],
            action="Microsoft.Authorization/roleAssignments/read",
            scope=scope,
        )
        return [a for a in found if _prop(a, "principalId", "").lower() == principal_id.lower()]

    def role_definition(self, role_definition_id: str) -> dict[str, Any]:
        """GET a role definition by its full id."""
        client = self._client("authorization", _subscription_of(role_definition_id) or "-")
        return self._call(
            f"read role definition {role_definition_id.rsplit('/', 1)[-1]}",
            lambda: arm_json(client.role_definitions.get_by_id(role_definition_id)),
            action="Microsoft.Authorization/roleDefinitions/read",
            scope=role_definition_id.split("/providers/Microsoft.Authorization", 1)[0] or "/",
        )

    # ---- ACR data plane ------------------------------------------------------------------------
    def acr_tags(self, login_server: str, repository: str) -> list[str]:
        """Tag names of a repository; NotFound(kind='repository') when the registry does not know it."""
        from azure.containerregistry import ContainerRegistryClient

        client = self.data_plane(ContainerRegistryClient, endpoint=f"https://{login_server}", audience=ACR_AUDIENCE)
        what = f"list tags of repository {repository} in {login_server}"
        try:
            return self._call(
                what,
                lambda: [t.name for t in client.list_tag_properties(repository)],
                action="Microsoft.ContainerRegistry/registries/pull/read (or AcrPull) for the caller",
                scope=login_server,
            )
        except NotFound:
            raise NotFound(f"repository {repository} in {login_server}", kind="repository", name=repository) from None

    def acr_manifests(self, login_server: str, repository: str) -> list[dict[str, Any]]:
        """Manifests of a repository, tagged or not: [{"digest": "sha256:...", "tags": [...]}];
        NotFound(kind='repository') when the registry does not know it."""
        from azure.containerregistry import ContainerRegistryClient

        client = self.data_plane(ContainerRegistryClient, endpoint=f"https://{login_server}", audience=ACR_AUDIENCE)
        what = f"list manifests of repository {repository} in {login_server}"
        try:
            return self._call(
                what,
                lambda: [
                    {"digest": m.digest, "tags": list(m.tags or [])}
                    for m in client.list_manifest_properties(repository)
                ],
                action="Microsoft.ContainerRegistry/registries/pull/read (or AcrPull) for the caller",
                scope=login_server,
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

    def call(self, what: str, fn: Callable[[], T], *, action: str, scope: str) -> T:
        """Run one SDK read; its errors become NotFound / Forbidden / NotCaptured / ApiError / AzureNotConfigured.

        `what` starts with a verb ("read vault kv-shop"); `action` and `scope` say what to grant on a 403.
        """
        return self._call(what, fn, action=action, scope=scope)

    def data_plane(self, factory: Callable[..., T], **kwargs: Any) -> T:
        """A data-plane SDK client (Key Vault, ACR) on this reader's credential and transport."""
        return factory(
            credential=self._credential, transport=self._transport_factory(), retry_total=self._retry_total, **kwargs
        )

    def _client(self, kind: str, subscription: str) -> Any:
        return self.client(_CLIENTS[kind], subscription)

    def _call(self, what: str, fn: Callable[[], T], *, action: str, scope: str) -> T:
        from azure.core.exceptions import (
            ClientAuthenticationError,
            HttpResponseError,
            ResourceNotFoundError,
            ServiceRequestError,
            ServiceResponseError,
        )

        from .azure_transport import NoRecording

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


def replay_azure(transport: Any, *, context: dict[str, str] | None = None) -> AzureReader:
    """An AzureReader answering from a bundle's recorded responses (no network, no real token)."""
    from .azure_transport import ReadOnlyTransport

    return AzureReader(
        StaticCredential(),
        transport_factory=lambda: ReadOnlyTransport(transport),
        mode="bundle",
        context=context,
        retry_total=0,
    )


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


__all__ = ["AzureReader", "StaticCredential", "arm_json", "live_azure", "parse_resource_id", "replay_azure"]

"""Read-only is enforced at the HTTP layer of both clients, not only promised."""

from __future__ import annotations

import pytest
import responses

from aksdoctor.sources.azure import AzureReader, StaticCredential
from aksdoctor.sources.azure_transport import ReadOnlyTransport, ReadOnlyViolation
from aksdoctor.sources.kube_live import LiveKube
from conftest import EXAMPLES
from live import served


def test_kubernetes_writes_are_refused_before_they_leave(tmp_path):
    with served(EXAMPLES / "imagepull-healthy", tmp_path) as (server, kubeconfig):
        kube = LiveKube(kubeconfig=kubeconfig, context="fixture")
        server.clear_requests()
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            with pytest.raises(ReadOnlyViolation, match=f"refused {method}"):
                kube.api.rest_client.request(
                    method, f"{server.url}/api/v1/namespaces/shop/pods/web-7d9f8-x2x", headers={}, body={}
                )
        # the official client's own API calls are guarded too
        from kubernetes import client

        with pytest.raises(ReadOnlyViolation):
            client.CoreV1Api(kube.api).delete_namespaced_pod("web-7d9f8-x2x", "shop")
        assert server.requests == []  # nothing reached the server
        kube.get(
            __import__("aksdoctor.sources.resources", fromlist=["resource"]).resource("pods"), "web-7d9f8-x2x", "shop"
        )
        assert [r.method for r in server.requests] == ["GET"]


def test_azure_writes_are_refused_before_they_leave(monkeypatch):
    from azure.core.pipeline.transport import RequestsTransport

    reader = AzureReader(
        StaticCredential(), transport_factory=lambda: ReadOnlyTransport(RequestsTransport()), mode="live"
    )
    client = reader.client("azure.mgmt.containerservice:ContainerServiceClient", "sub")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        with pytest.raises(ReadOnlyViolation, match="refused DELETE management.azure.com"):
            client.managed_clusters.begin_delete("rg", "aks").result()
        with pytest.raises(ReadOnlyViolation, match="refused PUT"):
            reader.client("azure.mgmt.authorization:AuthorizationManagementClient", "sub").role_assignments.create(
                "/subscriptions/sub",
                "00000000-0000-0000-0000-000000000001",
                {"properties": {"roleDefinitionId": "/x", "principalId": "p"}},
            )
        assert len(mock.calls) == 0

"""SecretProviderClass parameters read the way the Azure provider reads them, and the pod's CSI volumes."""

from __future__ import annotations

from aksdoctor.probes.csi import KeyVaultObject, parse_params, secret_mounts


def spc(**params):
    return {"metadata": {"name": "azure-kv-web"}, "spec": {"provider": "azure", "parameters": params}}


OBJECTS = """array:
  - |
    objectName: db-password
    objectType: secret
  - |
    objectName: tls-cert
    objectType: cert
    objectVersion: 0f4b2c
  - |
    objectName: signing
    objectType: key
"""


def test_objects_are_parsed_with_types_and_versions():
    params = parse_params(spc(keyvaultName="kv-shop-prod", objects=OBJECTS))
    assert params.objects == (
        KeyVaultObject("db-password", "secret"),
        KeyVaultObject("tls-cert", "cert", "0f4b2c"),
        KeyVaultObject("signing", "key"),
    )
    assert params.vault == "kv-shop-prod" and params.objects_error == ""


def test_tenant_id_wins_over_the_deprecated_tenant_id():
    # provider pkg/provider/types/parameters.go GetTenantID (issue #857)
    params = parse_params(spc(tenantId="old", tenantID=" new "))
    assert (params.tenant, params.tenant_key) == ("new", "tenantID")
    params = parse_params(spc(tenantId="only-old"))
    assert (params.tenant, params.tenant_key) == ("only-old", "tenantId")


def test_booleans_follow_go_parse_bool():
    assert parse_params(spc(useVMManagedIdentity="True")).use_vm_identity
    assert parse_params(spc(useVMManagedIdentity="1")).use_vm_identity
    assert not parse_params(spc(useVMManagedIdentity="yes")).use_vm_identity
    assert not parse_params(spc(usePodIdentity="false")).use_pod_identity


def test_unparseable_objects_are_reported_not_raised():
    params = parse_params(spc(objects="array: [unclosed"))
    assert params.objects == () and params.objects_error


def test_only_secrets_store_volumes_count():
    pod = {
        "spec": {
            "volumes": [
                {"name": "data", "persistentVolumeClaim": {"claimName": "data"}},
                {"name": "blob", "csi": {"driver": "blob.csi.azure.com"}},
                {
                    "name": "secrets",
                    "csi": {
                        "driver": "secrets-store.csi.k8s.io",
                        "volumeAttributes": {"secretProviderClass": "azure-kv-web"},
                        "nodePublishSecretRef": {"name": "secrets-store-creds"},
                    },
                },
            ]
        }
    }
    [mount] = secret_mounts(pod)
    assert (mount.volume, mount.spc_name, mount.node_publish_secret) == (
        "secrets",
        "azure-kv-web",
        "secrets-store-creds",
    )
